//! `seccoop export`: diagrams of the whole graph, a filtered view, or a
//! node's neighbourhood.

use super::{CliError, Context, Output, Scope};
use crate::export::{Diagram, ViewFilter};
use crate::output::{Format, Shape};

/// Draw the graph, a filtered view of it, or a node's neighbourhood.
///
/// Prints DOT (the default) or Mermaid, or renders SVG, PNG or PDF with
/// Graphviz. Without --format the format follows the extension of -o
/// (`.dot`, `.gv`, `.mmd`, `.svg`, `.png`, `.pdf`, `.html`). Binary formats
/// go only to a file or a pipe, never to a terminal. Activities are boxed
/// with the area they are part of; inferred edges are dashed. `--format
/// html` (or `-o FILE.html`) writes an interactive page instead;
/// `--overview` draws a compact SVG that fits a report page.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  seccoop export -o graph.html\n  seccoop export --overview -o overview.svg\n  seccoop export -o graph.svg\n  seccoop export --focus terrorism --depth 2 --format mermaid\n  seccoop export --kind activity --kind threat --rel addresses -o addresses.png"
)]
pub struct Args {
    /// Only nodes of this kind (repeatable).
    #[arg(long = "kind", value_name = "KIND", add = super::completions::kind())]
    pub kinds: Vec<String>,
    /// Only edges of this relation (repeatable); nodes left with no edge are dropped.
    #[arg(long = "rel", value_name = "REL", add = super::completions::relation())]
    pub rels: Vec<String>,
    /// Draw only what lies within --depth edges of this node.
    #[arg(long, value_name = "NODE", add = super::completions::node())]
    pub focus: Option<String>,
    /// With --focus, how many edges away to go.
    #[arg(long, default_value_t = 1, requires = "focus")]
    pub depth: usize,
    /// A title for the diagram.
    #[arg(long)]
    pub title: Option<String>,
    /// Draw a compact overview that fits a page, as SVG (no Graphviz needed).
    #[arg(long)]
    pub overview: bool,
}

/// The formats `export` prints, its default first: it draws, where other
/// commands print a table by default.
pub const FORMATS: &[Format] = Format::DIAGRAMS;

/// What `export` reads: with --focus, everything within --depth edges of
/// the node and the edges among those nodes (so one edge further out),
/// which a snapshot gives in place; else the whole graph.
pub fn scope(args: &Args) -> Scope<'_> {
    match &args.focus {
        Some(focus) => Scope::Around {
            nodes: vec![focus],
            radius: args.depth.saturating_add(1),
        },
        None => Scope::Whole,
    }
}

/// Runs `export`.
pub fn run(args: &Args, ctx: &Context) -> Result<Output, CliError> {
    let filter = ViewFilter {
        kinds: args
            .kinds
            .iter()
            .map(|k| ctx.kind(k))
            .collect::<Result<_, _>>()?,
        rels: args
            .rels
            .iter()
            .map(|r| ctx.relation(r))
            .collect::<Result<_, _>>()?,
    };
    let mut diagram = match &args.focus {
        Some(focus) => {
            let root = ctx.node(focus)?;
            Diagram::neighbourhood(&ctx.graph, root, args.depth, &filter)
        }
        None => Diagram::view(&ctx.graph, &filter),
    };
    if let Some(title) = &args.title {
        diagram = diagram.with_title(title.clone());
    }
    if args.overview {
        return match (ctx.printing.chosen, ctx.format) {
            (false, _) | (true, Format::Svg) => {
                Ok(Output::answer(crate::export::overview::to_svg(&diagram)))
            }
            (true, format) => Err(CliError::Format {
                command: "export --overview",
                format,
                supported: &[Format::Svg],
            }),
        };
    }
    match ctx.format.shape() {
        Shape::Diagram(format) => ctx.draw(&diagram, format),
        Shape::Records(_) => Err(ctx.unsupported()),
    }
}
