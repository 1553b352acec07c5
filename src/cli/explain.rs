//! `seccoop explain FROM REL TO`: why an edge holds.

use std::fmt::Write as _;

use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use serde::Serialize;

use super::context::Scope;
use super::{CliError, Context, Output};
use crate::model::{Basis, Direction, Provenance, RelId};
use crate::output::{Format, safe};
use crate::reason::ProofTree;

/// Say why an edge holds: where the source says so, or the rule and edges it is derived from.
///
/// An asserted edge is shown with its provenance; a derived one as a proof
/// tree down to asserted edges, each with its provenance. An edge that does
/// not hold is an error (exit 1) that names the nearest edge that does.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  # why does border security cooperation address terrorism?\n  seccoop explain border-security-cooperation addresses terrorism"
)]
pub struct Args {
    /// The node the edge starts at: an id, a name or an alias (any case).
    #[arg(add = super::completions::node())]
    pub from: String,
    /// The edge's relation.
    #[arg(add = super::completions::relation())]
    pub rel: String,
    /// The node the edge ends at.
    #[arg(add = super::completions::node())]
    pub to: String,
}

/// The formats `explain` prints, its default first.
pub const FORMATS: &[Format] = Format::REPORT;

/// One edge of the explanation, with the edges it rests on.
#[derive(Serialize)]
struct Step<'g> {
    from: String,
    rel: String,
    to: String,
    basis: Basis,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    provenance: &'g [Provenance],
    #[serde(skip_serializing_if = "Option::is_none")]
    proof: Option<StepProof<'g>>,
    #[serde(skip)]
    label: String,
}

/// The rule that derived an edge and the steps it followed.
#[derive(Serialize)]
struct StepProof<'g> {
    rule: String,
    meaning: String,
    edges: Vec<Step<'g>>,
}

/// What `explain` reads of the graph: both ends and their direct
/// neighbours, where the edge, its proof (read whole, however deep) and
/// the near misses an error names all lie.
pub fn scope(args: &Args) -> Scope<'_> {
    Scope::Around {
        nodes: vec![&args.from, &args.to],
        radius: 1,
    }
}

/// Runs `explain`.
pub fn run(args: &Args, ctx: &Context) -> Result<Output, CliError> {
    let from = ctx.node(&args.from)?;
    let rel = ctx.relation(&args.rel)?;
    let to = ctx.node(&args.to)?;
    let Some(edge) = find(ctx, from, rel, to) else {
        return Err(CliError::NoSuchEdge {
            from: id(ctx, from),
            rel: ctx.graph.rel_name(rel).to_string(),
            to: id(ctx, to),
            derived_off: !ctx.reasoning,
            nearest: nearest(ctx, from, rel, to),
        });
    };
    let step = step(ctx, &ProofTree::of(&ctx.graph, edge));
    ctx.table_or_json(
        || crate::output::json(&step),
        || {
            let mut out = String::new();
            render(&step, "", "", ctx, &mut out);
            out
        },
    )
}

fn id(ctx: &Context, n: NodeIndex) -> String {
    ctx.graph
        .node(n)
        .map(|n| String::from(&*n.id))
        .unwrap_or_default()
}

/// The edge `from rel to`, asserted before derived.
fn find(ctx: &Context, from: NodeIndex, rel: RelId, to: NodeIndex) -> Option<EdgeIndex> {
    ctx.graph
        .edges_of(from, Direction::Out)
        .filter(|e| e.to == to && e.edge.rel == rel)
        .min_by_key(|e| e.edge.basis == Basis::Derived)
        .map(|e| e.index)
}

/// The edge that holds nearest to `from rel to`: one between the same two
/// nodes, else one of the same relation from `from` (to the node whose id
/// is nearest `to`'s), else one of it into `to`.
fn nearest(ctx: &Context, from: NodeIndex, rel: RelId, to: NodeIndex) -> Option<String> {
    let g = &ctx.graph;
    let text = |(a, r, b): (NodeIndex, RelId, NodeIndex)| {
        format!("`{}` {} `{}`", id(ctx, a), g.rel_name(r), id(ctx, b))
    };
    let mut between: Vec<_> = g
        .edges_of(from, Direction::Both)
        .filter(|e| (e.from, e.to) == (from, to) || (e.from, e.to) == (to, from))
        .map(|e| (e.from, e.edge.rel, e.to))
        .collect();
    between.sort_unstable();
    if let Some(&e) = between.first() {
        return Some(text(e));
    }
    let mut ends: Vec<String> = g
        .edges_of(from, Direction::Out)
        .filter(|e| e.edge.rel == rel)
        .map(|e| id(ctx, e.to))
        .collect();
    ends.sort_unstable();
    if let Some(end) = crate::suggest::nearest_one(&id(ctx, to), &ends).or(ends.first().cloned()) {
        return Some(format!("`{}` {} `{end}`", id(ctx, from), g.rel_name(rel)));
    }
    let mut starts: Vec<String> = g
        .edges_of(to, Direction::In)
        .filter(|e| e.edge.rel == rel)
        .map(|e| id(ctx, e.from))
        .collect();
    starts.sort_unstable();
    let start = crate::suggest::nearest_one(&id(ctx, from), &starts).or(starts.first().cloned())?;
    Some(format!("`{start}` {} `{}`", g.rel_name(rel), id(ctx, to)))
}

fn step<'g>(ctx: &'g Context, tree: &ProofTree) -> Step<'g> {
    let g = &ctx.graph;
    let Some(e) = g.edge(tree.edge) else {
        return Step {
            from: String::new(),
            rel: String::new(),
            to: String::new(),
            basis: Basis::Stated,
            provenance: &[],
            proof: None,
            label: String::new(),
        };
    };
    let name = |n| g.node(n).map(|n| n.name.clone()).unwrap_or_default();
    let rel = g.rel_name(e.edge.rel).to_string();
    let label = format!("{} {rel} {}", name(e.from), name(e.to));
    let proof = tree
        .rule
        .and_then(|r| g.schema().rules().get(r))
        .map(|rule| StepProof {
            rule: rule.name.clone(),
            meaning: rule.meaning.clone(),
            edges: tree.premises.iter().map(|p| step(ctx, p)).collect(),
        });
    Step {
        from: id(ctx, e.from),
        rel,
        to: id(ctx, e.to),
        basis: e.edge.basis,
        provenance: e.edge.provenance(),
        proof,
        label,
    }
}

/// The step as a tree: `first` before its own line, `rest` before the
/// lines under it.
fn render(step: &Step, first: &str, rest: &str, ctx: &Context, out: &mut String) {
    let style = ctx.style;
    let how = match &step.proof {
        Some(p) => format!("derived by {}", p.rule),
        None => step.basis.as_str().to_string(),
    };
    let _ = writeln!(out, "{first}{}  ({how})", style.bold(&safe(&step.label)));
    if let Some(p) = &step.proof {
        if !p.meaning.is_empty() {
            let _ = writeln!(out, "{rest}{}", style.dim(&safe(&p.meaning)));
        }
        let n = p.edges.len();
        for (i, s) in p.edges.iter().enumerate() {
            let last = i + 1 == n;
            let (branch, under) = if last {
                ("└─ ", "   ")
            } else {
                ("├─ ", "│  ")
            };
            render(
                s,
                &format!("{rest}{branch}"),
                &format!("{rest}{under}"),
                ctx,
                out,
            );
        }
    }
    for prov in step.provenance {
        let line = super::show::provenance_line(prov);
        let _ = writeln!(out, "{rest}{}", style.dim(&safe(&line)));
    }
}
