//! `seccoop show NODE`: everything about one node.

use std::fmt::Write as _;

use serde::Serialize;

use super::context::Scope;
use super::{CliError, Context, NodeRef, Output};
use crate::analysis::{NeighborFilter, related};
use crate::export::Diagram;
use crate::model::{Basis, Direction, Properties, Provenance, RelId, Source};
use crate::output::{self, Format, Shape, Style, safe};

/// Show a node: its properties, its edges in both directions, and where they come from.
///
/// Edges are grouped by relation; each carries its basis (stated or
/// inferred) and its provenance (source section › item: note).
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  seccoop show \"intelligence sharing\"")]
pub struct Args {
    /// The node: an id, a name or an alias (any case).
    #[arg(add = super::completions::node())]
    pub node: String,
}

/// The formats `show` prints, its default first.
pub const FORMATS: &[Format] = Format::REPORT_OR_DIAGRAM;

/// A node as `show` reports it: itself, its edges, their sources.
#[derive(Serialize)]
struct Shown<'g> {
    id: &'g str,
    kind: &'g str,
    name: &'g str,
    properties: &'g Properties,
    provenance: &'g [Provenance],
    edges: Vec<ShownEdge<'g>>,
    sources: Vec<&'g Source>,
}

#[derive(Serialize)]
struct ShownEdge<'g> {
    rel: &'g str,
    dir: Direction,
    #[serde(flatten)]
    node: NodeRef,
    basis: Basis,
    provenance: &'g [Provenance],
    #[serde(skip_serializing_if = "Properties::is_empty")]
    properties: &'g Properties,
    #[serde(skip_serializing_if = "Option::is_none")]
    proof: Option<super::proof::ProofJson>,
    #[serde(skip)]
    rel_id: RelId,
    #[serde(skip)]
    via: String,
}

/// What `show` reads of the graph: NODE and its direct neighbours.
pub fn scope(args: &Args) -> Scope<'_> {
    Scope::Around {
        nodes: vec![&args.node],
        radius: 1,
    }
}

/// Runs `show`.
pub fn run(args: &Args, ctx: &Context) -> Result<Output, CliError> {
    let ix = ctx.node(&args.node)?;
    let graph = &ctx.graph;
    let Some(node) = graph.node(ix) else {
        return Err(CliError::node(
            graph,
            crate::analysis::ResolveError::Unknown {
                text: args.node.clone(),
                suggestions: Vec::new(),
            },
        ));
    };
    let neighbours = related(graph, ix, &NeighborFilter::default());
    if let Shape::Diagram(format) = ctx.format.shape() {
        let diagram = Diagram::new(
            graph,
            std::iter::once(ix).chain(neighbours.iter().map(|n| n.node)),
            neighbours.iter().map(|n| n.edge),
        )
        .with_root(ix);
        return ctx.draw(&diagram, format);
    }
    let edges: Vec<ShownEdge> = neighbours
        .into_iter()
        .filter_map(|n| {
            let edge = graph.petgraph().edge_weight(n.edge)?;
            Some(ShownEdge {
                rel: graph.rel_name(n.rel),
                dir: n.dir,
                node: ctx.node_ref(n.node),
                basis: edge.basis,
                provenance: edge.provenance(),
                properties: edge.properties(),
                proof: ctx.proof_json(n.edge),
                rel_id: n.rel,
                via: ctx.via(n.edge),
            })
        })
        .collect();
    let mut source_ids: Vec<&str> = node
        .provenance()
        .iter()
        .chain(edges.iter().flat_map(|e| e.provenance))
        .map(|p| &*p.source)
        .collect();
    source_ids.sort_unstable();
    source_ids.dedup();
    let shown = Shown {
        id: &node.id,
        kind: graph.kind_name(node.kind),
        name: &node.name,
        properties: node.properties(),
        provenance: node.provenance(),
        edges,
        sources: source_ids
            .iter()
            .filter_map(|id| graph.source(id))
            .collect(),
    };
    ctx.table_or_json(|| output::json(&shown), || render(&shown, ctx, ctx.style))
}

fn render(shown: &Shown, ctx: &Context, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", style.bold(shown.name), shown.kind);
    let _ = writeln!(out, "id: {}", safe(shown.id));
    let props: Vec<(String, String)> = shown
        .properties
        .iter()
        .map(|(k, v)| (safe(k).into_owned(), safe(&v.to_string()).into_owned()))
        .collect();
    let width = props
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    for (key, value) in &props {
        let _ = writeln!(out, "{key:<width$}  {value}");
    }
    for p in shown.provenance {
        let _ = writeln!(
            out,
            "{}",
            style.dim(&format!("from {}", provenance_line(p)))
        );
    }

    let schema = ctx.graph.schema();
    let mut i = 0;
    // Indexing cannot fail: `i` stays below the length the loop tests.
    while i < shown.edges.len() {
        let group_key = (shown.edges[i].rel_id, shown.edges[i].dir);
        let group: Vec<&ShownEdge> = shown.edges[i..]
            .iter()
            .take_while(|e| (e.rel_id, e.dir) == group_key)
            .collect();
        i += group.len();
        let def = schema.relation(group_key.0);
        let heading = match group_key.1 {
            Direction::Out => format!("{} →", def.name),
            _ => format!(
                "← {} ({})",
                def.inverse.as_deref().unwrap_or(&def.name),
                def.name
            ),
        };
        let _ = writeln!(out, "\n{}", style.bold(&heading));
        let id_width = group
            .iter()
            .map(|e| e.node.id.chars().count())
            .max()
            .unwrap_or(0);
        for e in group {
            let inferred = match e.basis {
                Basis::Inferred => "  (inferred)".to_string(),
                Basis::Derived => format!("  (derived {})", e.via),
                Basis::Stated => String::new(),
            };
            let _ = writeln!(
                out,
                "  {:<id_width$}  {}{inferred}",
                safe(&e.node.id),
                safe(&e.node.name)
            );
            for p in e.provenance {
                let _ = writeln!(out, "  {}", style.dim(&format!("  {}", provenance_line(p))));
            }
        }
    }
    if !shown.sources.is_empty() {
        let _ = writeln!(out);
        for s in &shown.sources {
            let mut line = format!("[{}] {}", s.id, s.title);
            for part in [&s.author, &s.date, &s.url].into_iter().flatten() {
                let _ = write!(line, ", {part}");
            }
            let _ = writeln!(out, "{}", style.dim(&line));
        }
    }
    out
}

/// `[source] section › item: note`
pub(super) fn provenance_line(p: &Provenance) -> String {
    let mut line = format!("[{}]", p.source);
    match (&p.section, &p.item) {
        (Some(s), Some(i)) => {
            let _ = write!(line, " {s} › {i}");
        }
        (Some(s), None) => {
            let _ = write!(line, " {s}");
        }
        (None, Some(i)) => {
            let _ = write!(line, " {i}");
        }
        (None, None) => {}
    }
    if let Some(note) = &p.note {
        let _ = write!(line, ": {note}");
    }
    line
}
