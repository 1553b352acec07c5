//! `seccoop impact NODE`: how a node's loss or weakening ripples outwards.

use std::collections::HashMap;
use std::fmt::Write as _;

use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use serde::Serialize;

use super::{CliError, Context, EdgeJson, NodeRef, Output, Scope};
use crate::analysis::impact as trace;
use crate::analysis::impact::{Impact, MAX_DEPTH};
use crate::export::Diagram;
use crate::output::{self, Format, Shape};

/// Trace the impact of a node: what it hinders, and what that weakens in turn.
///
/// In JSON, each reached node has `via` (one shortest chain of edges from
/// the root), `chains` (how many shortest chains there are) and
/// `reached_from` (the last edge of each of them).
///
/// For a challenge: the activities it hinders, then the threats those
/// activities address and the actors they involve, and so on up to --depth
/// relations away; and what mitigates the challenge. Impact follows the
/// rules of the schema (each relation's `impact` = forward, backward, both
/// or none), so it works for any node: the loss of an activity, the
/// withdrawal of an actor. Each node reached comes with a shortest chain of
/// edges that explains it and the number of distinct shortest chains.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  seccoop impact \"lack of trust and transparency\"")]
pub struct Args {
    /// The node: an id, a name or an alias (any case).
    #[arg(add = super::completions::node())]
    pub node: String,
    /// Follow chains of at most this many relations.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=MAX_DEPTH as i64))]
    pub depth: u32,
}

/// The formats `impact` prints, its default first.
pub const FORMATS: &[Format] = Format::REPORT_OR_DIAGRAM;

#[derive(Serialize)]
struct Report {
    root: NodeRef,
    depth: usize,
    hindered: Vec<NodeRef>,
    reached: Vec<ReachedJson>,
    mitigated_by: Vec<Mitigator>,
}

#[derive(Serialize)]
struct ReachedJson {
    #[serde(flatten)]
    node: NodeRef,
    depth: usize,
    chains: u64,
    via: Vec<EdgeJson>,
    reached_from: Vec<EdgeJson>,
}

#[derive(Serialize)]
struct Mitigator {
    #[serde(flatten)]
    node: NodeRef,
    rel: String,
}

/// What `impact` reads: the walk's reach from the node, which a snapshot
/// gives in place.
pub fn scope(args: &Args) -> Scope<'_> {
    Scope::Impact {
        node: &args.node,
        depth: args.depth as usize,
    }
}

/// Runs `impact`.
pub fn run(args: &Args, ctx: &Context) -> Result<Output, CliError> {
    let root = ctx.node(&args.node)?;
    let found = trace::impact(&ctx.graph, root, args.depth as usize);
    if let Shape::Diagram(format) = ctx.format.shape() {
        // The root, what it reaches, every shortest chain, and what mitigates it.
        let diagram = Diagram::new(
            &ctx.graph,
            std::iter::once(root)
                .chain(found.reached.iter().map(|r| r.node))
                .chain(found.mitigated_by.iter().map(|m| m.node)),
            found
                .reached
                .iter()
                .flat_map(|r| r.last_steps.iter().copied())
                .chain(found.mitigated_by.iter().map(|m| m.edge)),
        )
        .with_root(root);
        return ctx.draw(&diagram, format);
    }
    ctx.table_or_json(|| output::json(&report(&found, ctx)), || tree(&found, ctx))
}

fn report(found: &Impact, ctx: &Context) -> Report {
    Report {
        root: ctx.node_ref(found.root),
        depth: found.depth,
        hindered: found.direct().map(|r| ctx.node_ref(r.node)).collect(),
        reached: found
            .reached
            .iter()
            .map(|r| ReachedJson {
                node: ctx.node_ref(r.node),
                depth: r.depth,
                chains: r.chains,
                via: r.via.iter().map(|&e| ctx.edge_json(e)).collect(),
                reached_from: r.last_steps.iter().map(|&e| ctx.edge_json(e)).collect(),
            })
            .collect(),
        mitigated_by: found
            .mitigated_by
            .iter()
            .map(|m| Mitigator {
                node: ctx.node_ref(m.node),
                rel: ctx.edge_json(m.edge).rel,
            })
            .collect(),
    }
}

/// The impact as a tree: each node under the one it was first reached from.
fn tree(found: &Impact, ctx: &Context) -> String {
    let style = ctx.style;
    let mut out = format!("{}\n", style.bold(&ctx.label(found.root)));
    let mut children: HashMap<NodeIndex, Vec<(&trace::Reached, EdgeIndex)>> = HashMap::new();
    for r in &found.reached {
        let Some(&last) = r.via.last() else { continue };
        let Some((a, b)) = ctx.graph.petgraph().edge_endpoints(last) else {
            continue;
        };
        let parent = if b == r.node { a } else { b };
        children.entry(parent).or_default().push((r, last));
    }
    walk(&mut out, ctx, found.root, "", &children);
    if found.reached.is_empty() {
        let _ = writeln!(
            out,
            "(impact reaches nothing: no relation carries it from here)"
        );
    }
    let mut counts: Vec<(crate::model::KindId, usize)> = Vec::new();
    for r in &found.reached {
        let Some(kind) = ctx.graph.node(r.node).map(|n| n.kind) else {
            continue;
        };
        match counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((kind, 1)),
        }
    }
    let summary: Vec<String> = counts
        .iter()
        .map(|&(k, n)| {
            let def = ctx.graph.schema().kind(k);
            let word = if n == 1 {
                def.name.clone()
            } else {
                def.plural_form()
            };
            format!("{n} {word}")
        })
        .collect();
    let _ = writeln!(
        out,
        "\nreached {} node{} within {} step{}{}",
        found.reached.len(),
        if found.reached.len() == 1 { "" } else { "s" },
        found.depth,
        if found.depth == 1 { "" } else { "s" },
        if summary.is_empty() {
            String::new()
        } else {
            format!(": {}", summary.join(", "))
        }
    );
    if !found.mitigated_by.is_empty() {
        let _ = writeln!(out, "\n{}", style.bold("mitigated by"));
        for m in &found.mitigated_by {
            let _ = writeln!(out, "  {}", ctx.label(m.node));
        }
    }
    out
}

/// Writes the subtree under `node`, each line behind `prefix`.
fn walk(
    out: &mut String,
    ctx: &Context,
    node: NodeIndex,
    prefix: &str,
    children: &HashMap<NodeIndex, Vec<(&trace::Reached, EdgeIndex)>>,
) {
    let Some(kids) = children.get(&node) else {
        return;
    };
    for (i, &(r, e)) in kids.iter().enumerate() {
        let last = i + 1 == kids.len();
        let chains = if r.chains > 1 {
            ctx.style.dim(&format!("  ({} chains)", r.chains))
        } else {
            String::new()
        };
        let mark = match ctx.derived_mark(e) {
            m if m.is_empty() => m,
            m => format!("  {}", ctx.style.dim(&m)),
        };
        let _ = writeln!(
            out,
            "{prefix}{} {} {}{chains}{mark}",
            if last { "└─" } else { "├─" },
            crate::output::safe(&phrase(ctx, e, node)),
            ctx.label(r.node)
        );
        let deeper = format!("{prefix}{}", if last { "   " } else { "│  " });
        walk(out, ctx, r.node, &deeper, children);
    }
}

/// How an edge reads when walked away from `from`: its relation when walked
/// forwards, its inverse phrase when walked backwards.
fn phrase(ctx: &Context, e: EdgeIndex, from: NodeIndex) -> String {
    let g = ctx.graph.petgraph();
    let (Some((a, _)), Some(edge)) = (g.edge_endpoints(e), g.edge_weight(e)) else {
        return String::new();
    };
    let def = ctx.graph.schema().relation(edge.rel);
    if a == from {
        def.name.clone()
    } else {
        def.inverse
            .clone()
            .unwrap_or_else(|| format!("← {}", def.name))
    }
}
