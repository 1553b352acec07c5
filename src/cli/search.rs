//! `seccoop search TEXT`: find nodes by what they are called or about.

use serde::Serialize;

use super::{CliError, Context, NodeRef, Output};
use crate::analysis::{MatchField, search};
use crate::output::{self, Format};

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
    let cells = || {
        rows.iter().map(|r| {
            vec![
                r.node.id.clone(),
                r.node.kind.clone(),
                r.node.name.clone(),
                r.matched.as_str().to_string(),
            ]
        })
    };
    let mut out = Output::answer(match ctx.format {
        Format::Json => output::json(&rows),
        Format::Jsonl => output::jsonl(&rows),
        Format::Csv => output::csv(&["id", "kind", "name", "matched"], cells()),
        Format::Table if rows.is_empty() => String::new(),
        Format::Table => output::table(&["ID", "KIND", "NAME", "MATCHED"], cells(), ctx.style),
        Format::Dot | Format::Mermaid | Format::Svg | Format::Png | Format::Pdf | Format::Html => {
            return Err(ctx.unsupported(
                "search",
                &[Format::Table, Format::Json, Format::Jsonl, Format::Csv],
            ));
        }
    });
    if rows.is_empty() {
        out.stderr = format!("no node matches `{}`\n", output::safe(&text));
    }
    Ok(out)
}
