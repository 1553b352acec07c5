//! Errors of the command line, and how they are shown.

use std::fmt::Write as _;

use crate::analysis::ResolveError;
use crate::load::LoadErrors;
use crate::model::Graph;
use crate::output::Format;

/// What stops a command. Every variant exits with code 1 but
/// [`CliError::Format`], a usage error (2).
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
    #[error("unknown kind `{text}`")]
    UnknownKind {
        /// What was typed.
        text: String,
        /// The nearest kind.
        suggestion: Option<String>,
        /// Every kind of the schema.
        known: Vec<String>,
    },
    /// The command does not print in the chosen `--format`.
    #[error("`{command}` does not print --format {}", format.name())]
    Format {
        /// The subcommand.
        command: &'static str,
        /// The format asked for.
        format: Format,
        /// The formats it offers.
        supported: &'static [Format],
    },
    /// Graphviz could not render the diagram.
    #[error("{0}")]
    Render(#[from] crate::export::render::RenderError),
    /// A binary answer was about to go to a terminal.
    #[error("refusing to write {} to a terminal", format.name())]
    BinaryToTerminal {
        /// The binary format.
        format: Format,
    },
    /// The answer could not be written.
    #[error("cannot write `{}`: {}", path.display(), crate::load::io_reason(source))]
    Write {
        /// Where it was going.
        path: std::path::PathBuf,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// `convert` cannot tell the output format from the output's name.
    #[error("cannot tell the format to write from `{}`", path.display())]
    OutputFormat {
        /// The output path.
        path: std::path::PathBuf,
    },
    /// `convert` was given its input both as IN and with -g.
    #[error("`convert` was given the graph to read twice: as IN and with -g")]
    ConvertInput,
    /// `convert` could not write the graph.
    #[error("{0}")]
    Convert(crate::write::WriteError),
    /// `convert --base` with a format that has no IRIs.
    #[error("--base applies to RDF output, not to {format}")]
    BaseWithoutRdf {
        /// The format asked for.
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
    /// A `--rel` argument the schema does not declare.
    #[error("unknown relation `{text}`")]
    UnknownRelation {
        /// What was typed.
        text: String,
        /// The nearest relation.
        suggestion: Option<String>,
        /// Every relation of the schema.
        known: Vec<String>,
    },
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
            .filter_map(|id| graph.node_by_id(id).map(|n| (n.id.clone(), n.name.clone())))
            .collect();
        CliError::Node { error, hints }
    }

    /// What to do about the error.
    pub fn help(&self) -> Option<String> {
        let did_you_mean = |s: &Option<String>, known: &[String]| {
            Some(match s {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("known: {}", known.join(", ")),
            })
        };
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
            CliError::UnknownKind {
                suggestion, known, ..
            } => did_you_mean(suggestion, known),
            CliError::UnknownRelation {
                suggestion, known, ..
            } => did_you_mean(suggestion, known),
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
            CliError::BinaryToTerminal { format } => Some(format!(
                "write it to a file with -o FILE.{}, or pipe it into another program",
                format.name()
            )),
            CliError::Write { .. } => Some("check that the folder exists and is writable".into()),
            CliError::OutputFormat { .. } => Some(
                "name the output .toml, .json, .jsonl, .graphml, .ttl, .nt or a folder, or \
                 give --to toml|json|jsonl|csv|graphml|node-link|neo4j|kuzu|turtle|ntriples"
                    .into(),
            ),
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

    /// The process exit code for the error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Format { .. }
            | CliError::OutputFormat { .. }
            | CliError::BaseWithoutRdf { .. }
            | CliError::ConvertInput => 2,
            _ => 1,
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
            // Node names and paths come from the user or the graph: shown safe.
            _ => {
                let text =
                    |t: &str| crate::output::shorten(&crate::output::safe(t), 1000).into_owned();
                let mut out = format!("error: {}\n", text(&self.to_string()));
                if let Some(help) = self.help() {
                    let _ = writeln!(out, "  help: {}", text(&help));
                }
                out
            }
        }
    }
}
