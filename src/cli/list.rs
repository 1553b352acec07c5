//! `seccoop list [KIND]`: the nodes of the graph.

use super::{CliError, Context, NodeRef, Output};
use crate::output::{Format, Records};

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

/// The formats `list` prints, its default first.
pub const FORMATS: &[Format] = Format::RECORDS;

/// Runs `list`.
pub fn run(args: &Args, ctx: &Context) -> Result<Output, CliError> {
    let format = ctx.printing.records()?;
    let kind = args.kind.as_deref().map(|k| ctx.kind(k)).transpose()?;
    let mut nodes: Vec<_> = ctx
        .graph
        .nodes()
        .filter(|(_, n)| kind.is_none_or(|k| n.kind == k))
        .collect();
    nodes.sort_by_cached_key(|(_, n)| (n.kind, n.name.to_lowercase(), n.id.clone()));
    let refs: Vec<NodeRef> = nodes.iter().map(|(ix, _)| ctx.node_ref(*ix)).collect();
    let records = Records::new(&refs, &["id", "kind", "name"], |r: &NodeRef| {
        vec![r.id.clone(), r.kind.clone(), r.name.clone()]
    });
    Ok(Output::answer(records.render(format, ctx.style)))
}
