//! `seccoop path FROM TO`: how two nodes are connected.

use std::fmt::Write as _;

use petgraph::stable_graph::NodeIndex;
use serde::Serialize;

use super::context::Scope;
use super::{CliError, Context, EdgeJson, Output};
use crate::analysis::paths::{self, Connection, DEFAULT_MAX_HOPS, MAX_HOPS, MAX_PATHS, PathQuery};
use crate::export::Diagram;
use crate::output::{self, Format, Shape};

/// Find how two nodes are connected.
///
/// Follows edges in either direction and shows each with its real direction
/// and relation: `↓ rel` when the edge goes from the line above to the line
/// below, `↑ rel` when it goes the other way. Without --all: one shortest
/// connection. With --all: every simple path of at most --max-hops edges
/// (at most 1000 paths; the output says when results were cut).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  seccoop path \"resource constraints\" terrorism --all --max-hops 3"
)]
pub struct Args {
    /// Where the connection starts: an id, a name or an alias.
    #[arg(add = super::completions::node())]
    pub from: String,
    /// Where it ends.
    #[arg(add = super::completions::node())]
    pub to: String,
    /// List every simple path up to --max-hops, not one shortest.
    #[arg(long)]
    pub all: bool,
    /// With --all, the longest path to list, in edges (at most 8).
    #[arg(long, default_value_t = DEFAULT_MAX_HOPS, value_name = "N")]
    pub max_hops: usize,
    /// Follow only edges of this relation (repeatable).
    #[arg(long = "rel", value_name = "REL", add = super::completions::relation())]
    pub rels: Vec<String>,
}

/// The formats `path` prints, its default first.
pub const FORMATS: &[Format] = Format::REPORT_OR_DIAGRAM;

#[derive(Serialize)]
struct Report {
    paths: Vec<PathJson>,
    truncated: bool,
}

#[derive(Serialize)]
struct PathJson {
    nodes: Vec<String>,
    edges: Vec<EdgeJson>,
}

/// How far around its two nodes `path` reads a snapshot in place, in turn,
/// looking for the shortest connection, before it loads the whole graph.
/// Each try gives way early ([`Scope::Probe`]), so one that cannot answer
/// costs little beside the whole load that follows.
const RADII: [usize; 2] = [2, 3];

/// Runs `path`, asking `ctx` for the graph.
///
/// Given one snapshot and exact ids, the neighbourhood of the two nodes is
/// read in place ([`Scope::Probe`]) and answers when the search stays
/// inside it ([`paths::connections_within`]): with `--all`, a radius of
/// `--max-hops` does; the shortest connection is tried within 2, then 3
/// edges of either end. Otherwise the whole graph answers.
pub fn run(
    args: &Args,
    ctx: &mut dyn FnMut(Scope<'_>) -> Result<&'static Context, CliError>,
) -> Result<Output, CliError> {
    let all = [args.max_hops.min(MAX_HOPS)];
    let radii: &[usize] = if args.all { &all } else { &RADII };
    for &radius in radii {
        let near = ctx(Scope::Probe {
            nodes: vec![&args.from, &args.to],
            radius,
        })?;
        if near.whole_edges.is_none() {
            // The whole graph was loaded after all.
            return whole(args, near);
        }
        if let Some(out) = within(args, near, radius)? {
            return Ok(out);
        }
    }
    whole(args, ctx(Scope::Whole)?)
}

/// The nodes and the search `args` name, resolved in `ctx`'s graph.
fn resolve(args: &Args, ctx: &Context) -> Result<(NodeIndex, NodeIndex, PathQuery), CliError> {
    let from = ctx.node(&args.from)?;
    let to = ctx.node(&args.to)?;
    let query = PathQuery {
        rels: args
            .rels
            .iter()
            .map(|r| ctx.relation(r))
            .collect::<Result<_, _>>()?,
        all: args.all,
        max_hops: args.max_hops,
    };
    Ok((from, to, query))
}

/// The answer from the whole graph in `ctx`.
fn whole(args: &Args, ctx: &Context) -> Result<Output, CliError> {
    let (from, to, query) = resolve(args, ctx)?;
    let found = paths::connections(&ctx.graph, from, to, &query);
    print(args, ctx, from, to, &found)
}

/// The answer from a neighbourhood in `ctx`, when the search stays within
/// `reach` edges of the two nodes.
fn within(args: &Args, ctx: &Context, reach: usize) -> Result<Option<Output>, CliError> {
    let (from, to, query) = resolve(args, ctx)?;
    match paths::connections_within(&ctx.graph, from, to, &query, reach) {
        Some(found) => print(args, ctx, from, to, &found).map(Some),
        None => Ok(None),
    }
}

/// Prints what the search found.
fn print(
    args: &Args,
    ctx: &Context,
    from: NodeIndex,
    to: NodeIndex,
    found: &Connection,
) -> Result<Output, CliError> {
    if let Shape::Diagram(format) = ctx.format.shape() {
        let diagram = Diagram::new(
            &ctx.graph,
            std::iter::once(from).chain(found.paths.iter().flat_map(|p| p.nodes.iter().copied())),
            found.paths.iter().flat_map(|p| p.edges.iter().copied()),
        )
        .with_root(from);
        let mut out = ctx.draw(&diagram, format)?;
        if found.paths.is_empty() {
            out.stderr = format!(
                "no connection between `{}` and `{}`\n",
                output::safe(&ctx.node_ref(from).id),
                output::safe(&ctx.node_ref(to).id)
            );
        }
        return Ok(out);
    }
    let report = Report {
        paths: found
            .paths
            .iter()
            .map(|p| PathJson {
                nodes: p.nodes.iter().map(|&n| ctx.node_ref(n).id).collect(),
                edges: p.edges.iter().map(|&e| ctx.edge_json(e)).collect(),
            })
            .collect(),
        truncated: found.truncated,
    };
    let mut out = ctx.table_or_json(|| output::json(&report), || render(&report, ctx))?;
    let (a, b) = (ctx.node_ref(from).id, ctx.node_ref(to).id);
    let (a, b) = (output::safe(&a), output::safe(&b));
    if report.paths.is_empty() {
        let _ = if found.truncated {
            // The search stopped early: a longer connection may exist.
            writeln!(
                out.stderr,
                "no connection found between `{a}` and `{b}` before the search was cut"
            )
        } else if args.all {
            let hops = args.max_hops.min(MAX_HOPS);
            writeln!(
                out.stderr,
                "no connection between `{a}` and `{b}` within {hops} hops"
            )
        } else {
            writeln!(out.stderr, "no connection between `{a}` and `{b}`")
        };
    }
    if found.hops_capped {
        let _ = writeln!(
            out.stderr,
            "warning: --max-hops {} lowered to {MAX_HOPS}",
            args.max_hops
        );
    }
    if found.truncated {
        let _ = writeln!(
            out.stderr,
            "warning: results cut at {} paths (limit {MAX_PATHS} paths or the search budget); narrow with --rel or a lower --max-hops",
            report.paths.len()
        );
    }
    Ok(out)
}

fn render(report: &Report, ctx: &Context) -> String {
    let graph = &ctx.graph;
    let mut out = String::new();
    for (i, p) in report.paths.iter().enumerate() {
        if report.paths.len() > 1 {
            let hops = p.edges.len();
            let _ = writeln!(
                out,
                "{}{}",
                if i > 0 { "\n" } else { "" },
                ctx.style.bold(&format!(
                    "path {} ({hops} hop{})",
                    i + 1,
                    if hops == 1 { "" } else { "s" }
                ))
            );
        }
        for (j, id) in p.nodes.iter().enumerate() {
            let label = graph
                .node_index(id)
                .map(|ix| ctx.label(ix))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{}  {}",
                crate::output::safe(id),
                ctx.style.dim(&label)
            );
            if let Some(e) = p.edges.get(j) {
                let arrow = if e.from == *id { "↓" } else { "↑" };
                let mark = if e.mark.is_empty() {
                    String::new()
                } else {
                    format!("  {}", ctx.style.dim(&e.mark))
                };
                let _ = writeln!(out, "  {arrow} {}{mark}", e.rel);
            }
        }
    }
    out
}
