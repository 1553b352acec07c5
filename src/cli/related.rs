//! `seccoop related NODE`: a node's direct neighbours.

use serde::Serialize;

use super::context::Scope;
use super::{CliError, Context, NodeRef, Output};
use crate::analysis::{NeighborFilter, related};
use crate::export::Diagram;
use crate::model::{Basis, Direction};
use crate::output::{self, Format, Records, Shape};

/// List a node's direct neighbours.
///
/// Each row is one edge: its relation, its direction seen from NODE (`out`
/// when NODE is the edge's `from`), and the node at the other end.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  # which activities address terrorism?\n  seccoop related terrorism --rel addresses"
)]
pub struct Args {
    /// The node: an id, a name or an alias (any case).
    #[arg(add = super::completions::node())]
    pub node: String,
    /// Only edges of this relation (repeatable).
    #[arg(long = "rel", value_name = "REL", add = super::completions::relation())]
    pub rels: Vec<String>,
    /// Only edges in this direction, seen from NODE.
    #[arg(long, value_enum, default_value_t = DirArg::Both)]
    pub dir: DirArg,
    /// Only neighbours of this kind (repeatable; singular or plural).
    #[arg(long = "kind", value_name = "KIND", add = super::completions::kind())]
    pub kinds: Vec<String>,
}

/// `--dir` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DirArg {
    /// Edges that end at NODE.
    In,
    /// Edges that start at NODE.
    Out,
    /// Edges in either direction.
    Both,
}

/// The formats `related` prints, its default first.
pub const FORMATS: &[Format] = Format::RECORDS_OR_DIAGRAM;

/// One edge of NODE, seen from NODE.
#[derive(Serialize)]
struct Row {
    #[serde(flatten)]
    node: NodeRef,
    rel: String,
    dir: Direction,
    basis: Basis,
    #[serde(skip_serializing_if = "Option::is_none")]
    proof: Option<super::proof::ProofJson>,
    #[serde(skip)]
    via: String,
}

/// What `related` reads of the graph: NODE and its direct neighbours.
pub fn scope(args: &Args) -> Scope<'_> {
    Scope::Around {
        nodes: vec![&args.node],
        radius: 1,
    }
}

/// Runs `related`.
pub fn run(args: &Args, ctx: &Context) -> Result<Output, CliError> {
    let node = ctx.node(&args.node)?;
    let filter = NeighborFilter {
        rels: args
            .rels
            .iter()
            .map(|r| ctx.relation(r))
            .collect::<Result<_, _>>()?,
        dir: match args.dir {
            DirArg::In => Direction::In,
            DirArg::Out => Direction::Out,
            DirArg::Both => Direction::Both,
        },
        kinds: args
            .kinds
            .iter()
            .map(|k| ctx.kind(k))
            .collect::<Result<_, _>>()?,
    };
    let graph = &ctx.graph;
    let found = related(graph, node, &filter);
    let format = match ctx.format.shape() {
        Shape::Records(format) => format,
        Shape::Diagram(format) => {
            let diagram = Diagram::new(
                graph,
                std::iter::once(node).chain(found.iter().map(|n| n.node)),
                found.iter().map(|n| n.edge),
            )
            .with_root(node);
            return ctx.draw(&diagram, format);
        }
    };
    let rows: Vec<Row> = found
        .into_iter()
        .map(|n| Row {
            node: ctx.node_ref(n.node),
            rel: graph.rel_name(n.rel).to_string(),
            dir: n.dir,
            basis: graph
                .petgraph()
                .edge_weight(n.edge)
                .map_or(Basis::Stated, |e| e.basis),
            proof: ctx.proof_json(n.edge),
            via: ctx.via(n.edge),
        })
        .collect();
    // The nodes a derived edge went through, in a column of their own when
    // the answer holds a derived edge.
    let any_derived = rows.iter().any(|r| r.proof.is_some());
    let columns: &[&str] = if any_derived {
        &["rel", "dir", "id", "kind", "name", "basis", "via"]
    } else {
        &["rel", "dir", "id", "kind", "name", "basis"]
    };
    let records = Records::new(&rows, columns, |r: &Row| {
        let dir = if r.dir == Direction::Out { "out" } else { "in" };
        let mut cells = vec![
            r.rel.clone(),
            dir.into(),
            r.node.id.clone(),
            r.node.kind.clone(),
            r.node.name.clone(),
            r.basis.as_str().into(),
        ];
        if any_derived {
            cells.push(r.via.clone());
        }
        cells
    })
    .blank_when_empty();
    let mut out = Output::answer(records.render(format, ctx.style));
    if rows.is_empty() {
        let id = graph.node(node).map_or("", |n| &*n.id);
        out.stderr = format!("`{}` has no neighbours that match\n", output::safe(id));
    }
    Ok(out)
}
