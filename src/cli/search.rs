//! `seccoop search TEXT`: find nodes by what they are called or about.

use serde::Serialize;

use super::{CliError, Context, NodeRef, Output};
use crate::analysis::{MatchField, search};
use crate::output::{self, Format, Records};

/// Find nodes by id, name, alias or description.
///
/// Case is ignored; the best matches come first.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  seccoop search cyber")]
pub struct Args {
    /// The text to look for; several words match nodes that hold them all.
    #[arg(required = true, num_args = 1.., value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub text: Vec<String>,
}

/// The formats `search` prints, its default first.
pub const FORMATS: &[Format] = Format::RECORDS;

/// A hit: the node, how well it matched, and the field that matched.
#[derive(Serialize)]
struct Row {
    #[serde(flatten)]
    node: NodeRef,
    score: u32,
    matched: MatchField,
}

/// Runs `search`.
pub fn run(args: &Args, ctx: &Context) -> Result<Output, CliError> {
    let format = ctx.printing.records()?;
    let text = args.text.join(" ");
    let rows: Vec<Row> = search(&ctx.graph, &text)
        .into_iter()
        .map(|h| Row {
            node: ctx.node_ref(h.node),
            score: h.score,
            matched: h.field,
        })
        .collect();
    let records = Records::new(&rows, &["id", "kind", "name", "matched"], |r: &Row| {
        vec![
            r.node.id.clone(),
            r.node.kind.clone(),
            r.node.name.clone(),
            r.matched.as_str().to_string(),
        ]
    })
    .blank_when_empty();
    let mut out = Output::answer(records.render(format, ctx.style));
    if rows.is_empty() {
        out.stderr = format!("no node matches `{}`\n", output::safe(&text));
    }
    Ok(out)
}
