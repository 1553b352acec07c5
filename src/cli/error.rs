//! Errors of the command line, and how they are shown.

use std::fmt::Write as _;

use crate::analysis::ResolveError;
use crate::load::LoadErrors;
use crate::model::{Graph, Unknown};
use crate::output::Format;

/// What stops a command. A usage error exits with code 2 (a `--format` the
/// command does not offer, `convert`'s output it cannot name, `--base`
/// without RDF, `convert`'s input given twice); every other error is a
/// runtime error and exits with 1. [`CliError::exit_code`] is the one list.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The graph files have problems.
    #[error("{0}")]
    Load(LoadErrors),
    /// A NODE argument names no node, or several.
    #[error("{error}")]
    Node {
        /// What went wrong.
        error: ResolveError,
        /// `did you mean` lines: id and name of each suggestion.
        hints: Vec<(String, String)>,
    },
    /// A `--kind` or KIND argument the schema does not declare.
    #[error("unknown kind `{}`", .0.text)]
    UnknownKind(Unknown),
    /// The command does not print in the chosen `--format`.
    #[error("`{command}` does not print --format {}", format.name())]
    Format {
        /// The subcommand, as typed (`list`).
        command: &'static str,
        /// The format chosen with `--format` or by `--output`'s extension.
        format: Format,
        /// Every format the subcommand offers, listed in the help.
        supported: &'static [Format],
    },
    /// Graphviz could not render the diagram.
    #[error("{0}")]
    Render(#[from] crate::export::render::RenderError),
    /// The explorer page could not be made.
    #[error(transparent)]
    Html(crate::export::html::HtmlError),
    /// A binary answer was about to go to a terminal.
    #[error("refusing to write {} to a terminal", format.name())]
    BinaryToTerminal {
        /// The format chosen: png or pdf.
        format: Format,
    },
    /// The answer could not be written.
    #[error("cannot write `{}`: {}", path.display(), crate::io_text::io_reason(source))]
    Write {
        /// The file of `--output` (or of `man --dir`), or `<stdout>`.
        path: std::path::PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// `convert` cannot tell the output format from the output's name.
    #[error("cannot tell the format to write from `{}`", path.display())]
    OutputFormat {
        /// OUT, whose extension names no graph format.
        path: std::path::PathBuf,
    },
    /// `-o` names a graph file (`.graphml`, `.toml` …), which `convert`
    /// writes, for a command that would write something else into it.
    #[error("`{command}` does not write {} files such as `{}`", format.name(), path.display())]
    GraphFileOutput {
        /// The subcommand.
        command: &'static str,
        /// The output path.
        path: std::path::PathBuf,
        /// The graph format its extension names.
        format: crate::format::GraphFormat,
    },
    /// `convert` was given its input both as IN and with -g.
    #[error("`convert` was given the graph to read twice: as IN and with -g")]
    ConvertInput,
    /// `query --file` could not be read.
    #[error("cannot read `{}`: {}", path.display(), crate::io_text::io_reason(source))]
    QueryFile {
        /// The file named by `--file`.
        path: std::path::PathBuf,
        /// Why it could not be read.
        #[source]
        source: std::io::Error,
    },
    /// The query could not be read from stdin.
    #[error("cannot read the query from stdin: {source}")]
    QueryStdin {
        /// Why it could not be read.
        #[source]
        source: std::io::Error,
    },
    /// The query is blank.
    #[error("the query is empty")]
    EmptyQuery,
    /// The query does not parse, means nothing, or failed while it ran:
    /// shown with the query's text and a caret under the spot.
    #[error("{0}")]
    Query(Box<crate::query::Report>),
    /// A query's answer asked for as a diagram holds no node or relationship.
    #[error("the answer has no nodes or relationships to draw")]
    NothingToDraw {
        /// The query's warnings, shown before the error as they would be
        /// before an answer.
        warnings: String,
    },
    /// The query shell could not start (no terminal to edit lines on).
    #[error("cannot start the shell: {0}")]
    Shell(#[source] rustyline::error::ReadlineError),
    /// `convert` could not write the graph.
    #[error("{0}")]
    Convert(crate::write::WriteError),
    /// `convert --base` with a format that has no IRIs.
    #[error("--base applies to RDF output, not to {format}")]
    BaseWithoutRdf {
        /// The name of the format OUT is written in (`json`).
        format: &'static str,
    },
    /// The schema's rules could not be materialised.
    #[error("{0}")]
    Reason(#[from] crate::reason::ReasonError),
    /// An edge `explain` was asked about does not hold.
    #[error("`{from}` {rel} `{to}` does not hold{}", if *.derived_off { " among the asserted edges (--no-reasoning)" } else { "" })]
    NoSuchEdge {
        /// The `from` node's id.
        from: String,
        /// The relation.
        rel: String,
        /// The `to` node's id.
        to: String,
        /// Whether derived edges were left out.
        derived_off: bool,
        /// The nearest edge that holds, as `from rel to`.
        nearest: Option<String>,
    },
    /// A `prioritize` plan that cannot be solved.
    #[error("{0}")]
    Plan(crate::analysis::PlanError),
    /// `matrix` would have more cells than it builds.
    #[error(
        "the matrix would be {} {rows_kind} × {} {cols_kind}, {} cells, and matrix draws at most {}",
        grouped(*rows),
        grouped(*cols),
        grouped(rows.saturating_mul(*cols)),
        grouped(crate::analysis::matrix::MAX_CELLS)
    )]
    MatrixTooLarge {
        /// How many rows it would have.
        rows: usize,
        /// The rows' kind, plural.
        rows_kind: String,
        /// How many columns it would have.
        cols: usize,
        /// The columns' kind, plural.
        cols_kind: String,
        /// The relation, for the suggested query.
        rel: String,
    },
    /// A `--rel` argument the schema does not declare.
    #[error("unknown relation `{}`", .0.text)]
    UnknownRelation(Unknown),
}

impl CliError {
    /// Wraps a resolve error with the names of the suggested nodes.
    pub fn node(graph: &Graph, error: ResolveError) -> Self {
        let ids = match &error {
            ResolveError::Unknown { suggestions, .. } => suggestions,
            ResolveError::Ambiguous { candidates, .. } => candidates,
        };
        let hints = ids
            .iter()
            .filter_map(|id| {
                graph
                    .node_by_id(id)
                    .map(|n| (String::from(&*n.id), String::from(&*n.name)))
            })
            .collect();
        CliError::Node { error, hints }
    }

    /// What to do about the error.
    pub fn help(&self) -> Option<String> {
        match self {
            CliError::Load(_) => None,
            CliError::Node { error, hints } => {
                let list = hints
                    .iter()
                    .map(|(id, name)| format!("`{id}` ({name})"))
                    .collect::<Vec<_>>()
                    .join(", ");
                Some(match error {
                    ResolveError::Unknown { .. } if hints.is_empty() => {
                        "run `seccoop search TEXT` to find a node, or `seccoop list` to see them all".into()
                    }
                    ResolveError::Unknown { .. } => format!("did you mean {list}?"),
                    ResolveError::Ambiguous { .. } => format!("name one by its id: {list}"),
                })
            }
            CliError::UnknownKind(unknown) | CliError::UnknownRelation(unknown) => {
                Some(match &unknown.suggestion {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("known: {}", unknown.known.join(", ")),
                })
            }
            CliError::Render(e) => Some(e.help().to_string()),
            CliError::Reason(_) => Some(
                "run with --no-reasoning to answer from the asserted edges, or narrow the \
                 schema's rules"
                    .into(),
            ),
            CliError::NoSuchEdge { nearest, .. } => Some(match nearest {
                Some(edge) => format!("the nearest edge that holds: {edge}"),
                None => "`seccoop show NODE` lists the edges a node has".into(),
            }),
            CliError::Html(e) => Some(e.help().to_string()),
            CliError::Plan(e) => Some(e.help()),
            CliError::BinaryToTerminal { format } => Some(format!(
                "write it to a file with -o FILE.{}, or pipe it into another program",
                format.name()
            )),
            CliError::Write { .. } => Some("check that the folder exists and is writable".into()),
            CliError::OutputFormat { .. } => {
                let extensions = crate::format::GraphFormat::written_extensions().join(", ");
                let names = crate::format::GraphFormat::written_names().join("|");
                Some(format!(
                    "name the output {extensions} or a folder, or give --to {names}"
                ))
            }
            CliError::GraphFileOutput { path, format, .. } => Some(format!(
                "`{}` writes the graph as {}: `{} {}`; or choose what to write with --format",
                crate::format::WRITTEN_BY,
                format.name(),
                crate::format::WRITTEN_BY,
                path.display()
            )),
            CliError::ConvertInput => Some(
                "give either `convert IN OUT` or `-g IN convert OUT` (-g may be repeated to merge)"
                    .into(),
            ),
            CliError::Convert(crate::write::WriteError::Io { .. }) => {
                Some("check that the folder exists and is writable".into())
            }
            CliError::Convert(crate::write::WriteError::Unrepresentable { .. }) => None,
            CliError::BaseWithoutRdf { .. } => Some(
                "write Turtle or N-Triples (--to turtle|ntriples, or a .ttl or .nt name), or \
                 leave out --base"
                    .into(),
            ),
            CliError::QueryFile { .. } => {
                Some("check the path; `-f FILE` takes a file holding one query".into())
            }
            CliError::EmptyQuery => {
                Some("pass one, e.g. `seccoop query 'MATCH (n:threat) RETURN n.id'`".into())
            }
            CliError::NothingToDraw { .. } => Some(
                "return nodes, relationships or paths (`RETURN n`, `RETURN p`), or use --format table"
                    .into(),
            ),
            CliError::MatrixTooLarge { rel, .. } => Some(format!(
                "list the marked pairs instead, e.g. `seccoop query 'MATCH (a)-[:{rel}]->(b) \
                 RETURN a.id, b.id'`, or the rows without a mark with `gaps`; or tabulate \
                 smaller kinds with --rows and --cols"
            )),
            CliError::QueryStdin { .. } | CliError::Query(_) | CliError::Shell(_) => None,
            CliError::Format { supported, .. } => Some(format!(
                "use one of: {}",
                supported
                    .iter()
                    .map(|f| f.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    /// The process exit code for the error: 2 for a usage error, 1 for a
    /// runtime error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Format { .. }
            | CliError::OutputFormat { .. }
            | CliError::GraphFileOutput { .. }
            | CliError::BaseWithoutRdf { .. }
            | CliError::ConvertInput => 2,
            CliError::Load(_)
            | CliError::Node { .. }
            | CliError::UnknownKind { .. }
            | CliError::UnknownRelation { .. }
            | CliError::Render(_)
            | CliError::Html(_)
            | CliError::Plan(_)
            | CliError::BinaryToTerminal { .. }
            | CliError::Write { .. }
            | CliError::Convert(_)
            | CliError::QueryFile { .. }
            | CliError::QueryStdin { .. }
            | CliError::EmptyQuery
            | CliError::Query(_)
            | CliError::NothingToDraw { .. }
            | CliError::Reason(_)
            | CliError::NoSuchEdge { .. }
            | CliError::MatrixTooLarge { .. }
            | CliError::Shell(_) => 1,
        }
    }

    /// The error as shown on stderr.
    pub fn render(&self, color: bool) -> String {
        match self {
            CliError::Load(errors) => {
                let mut out = String::new();
                for e in &errors.0 {
                    out.push_str(&crate::output::diagnostic(e, color));
                }
                let _ = writeln!(out, "error: {errors}; nothing was run");
                out
            }
            CliError::Query(report) => crate::output::diagnostic(report.as_ref(), color),
            // The warnings are diagnostics already; the error follows them.
            CliError::NothingToDraw { warnings } => warnings.clone() + &self.plain(),
            _ => self.plain(),
        }
    }

    /// `error: MESSAGE` and `  help: HELP` lines. Node names and paths
    /// come from the user or the graph: shown safe.
    fn plain(&self) -> String {
        let text = |t: &str| crate::output::shorten(&crate::output::safe(t), 1000).into_owned();
        let mut out = format!("error: {}\n", text(&self.to_string()));
        if let Some(help) = self.help() {
            let _ = writeln!(out, "  help: {}", text(&help));
        }
        out
    }
}

/// `n` with its thousands set apart by commas (`4,000,000`).
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}
