//! `seccoop search TEXT`: find nodes by what they are called or about.

use serde::Serialize;

use super::{CliError, Context, NodeRef, Output};
use crate::analysis::{MatchField, search};
use crate::output::{self, Format};

/// Find nodes by id, name, alias or description.
///
/// Case is ignored; the best matches come first.
///
/// Example: seccoop search cyber
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The text to look for; several words match nodes that hold them all.
    #[arg(required = true, num_args = 1..)]
    pub text: Vec<String>,
}

#[derive(Serialize)]
struct Row {
    #[serde(flatten)]
    node: NodeRef,
    score: u32,
    matched: MatchField,
}

/// Runs `search`.
pub fn run(args: &Args, ctx: &Context) -> Result<Output, CliError> {
    let text = args.text.join(" ");
    let rows: Vec<Row> = search(&ctx.graph, &text)
        .into_iter()
        .map(|h| Row {
            node: ctx.node_ref(h.node),
            score: h.score,
            matched: h.field,
        })
        .collect();
    let mut out = Output::answer(match ctx.format {
        Format::Json => output::json(&rows),
        Format::Table if rows.is_empty() => String::new(),
        Format::Table => output::table(
            &["ID", "KIND", "NAME", "MATCHED"],
            rows.into_iter().map(|r| {
                vec![
                    r.node.id,
                    r.node.kind,
                    r.node.name,
                    r.matched.as_str().to_string(),
                ]
            }),
            ctx.style,
        ),
    });
    if out.stdout.is_empty() {
        out.stderr = format!("no node matches `{text}`\n");
    }
    Ok(out)
}
