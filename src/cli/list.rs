//! `seccoop list [KIND]`: the nodes of the graph.

use super::{CliError, Context, NodeRef, Output};
use crate::output::{self, Format};

/// List nodes, optionally of one kind.
///
/// Nodes are grouped by kind in schema order, then sorted by name.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  seccoop list threats")]
pub struct Args {
    /// Only nodes of this kind (singular or plural: `activity`, `activities`).
    #[arg(add = super::completions::kind())]
    pub kind: Option<String>,
}

/// The formats `list` prints.
const FORMATS: &[Format] = &[Format::Table, Format::Json, Format::Jsonl, Format::Csv];

/// Runs `list`.
pub fn run(args: &Args, ctx: &Context) -> Result<Output, CliError> {
    let kind = args.kind.as_deref().map(|k| ctx.kind(k)).transpose()?;
    let mut nodes: Vec<_> = ctx
        .graph
        .nodes()
        .filter(|(_, n)| kind.is_none_or(|k| n.kind == k))
        .collect();
    nodes.sort_by_cached_key(|(_, n)| (n.kind, n.name.to_lowercase(), n.id.clone()));
    let refs: Vec<NodeRef> = nodes.iter().map(|(ix, _)| ctx.node_ref(*ix)).collect();
    let rows = || {
        refs.iter()
            .map(|r| vec![r.id.clone(), r.kind.clone(), r.name.clone()])
    };
    Ok(Output::answer(match ctx.format {
        Format::Json => output::json(&refs),
        Format::Jsonl => output::jsonl(&refs),
        Format::Csv => output::csv(&["id", "kind", "name"], rows()),
        Format::Table => output::table(&["ID", "KIND", "NAME"], rows(), ctx.style),
        Format::Dot | Format::Mermaid | Format::Svg | Format::Png | Format::Pdf | Format::Html => {
            return Err(ctx.unsupported("list", FORMATS));
        }
    }))
}
