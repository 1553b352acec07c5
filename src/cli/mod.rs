//! The command line: argument definitions, the resolve step, dispatch.
//!
//! Parsing runs in two steps. clap checks what was typed ([`Cli`]); then
//! [`Context::resolve`] loads the graph and fixes the output style, and each
//! command resolves its own arguments (node names, relations, kinds) into
//! graph values before it runs. Commands return an [`Output`]; only
//! [`run`] writes to the terminal.

mod check;
mod error;
mod gaps;
mod impact;
mod list;
mod path;
mod related;
mod search;
mod show;
mod stats;
mod whatif;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use error::CliError;

use crate::model::Graph;
use crate::output::{Format, Style};

const EXIT_CODES: &str = "\
Exit codes:
  0  success (an empty answer too)
  1  a runtime error: a graph file with problems, an unknown node, kind or relation, a failed check
  2  a usage error: an unknown option or subcommand, a missing or malformed argument,
     a --format the command does not offer";

/// Query a knowledge graph of security cooperation: activities, the threats
/// they address, the actors they involve, the challenges that hinder them.
///
/// With no --graph, seccoop answers from the curated graph built into it.
#[derive(Debug, Parser)]
#[command(name = "seccoop", version, after_help = EXIT_CODES, max_term_width = 100)]
pub struct Cli {
    /// Load this graph file (TOML or JSON) instead of the built-in graph; repeat to merge files.
    #[arg(short = 'g', long = "graph", value_name = "FILE", global = true)]
    pub graph: Vec<PathBuf>,

    /// How to print answers.
    #[arg(long, value_enum, default_value_t = Format::Table, global = true)]
    pub format: Format,

    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List nodes, optionally of one kind.
    List(list::Args),
    /// Show a node: its properties, its edges in both directions, and where they come from.
    Show(show::Args),
    /// Find nodes by id, name, alias or description.
    Search(search::Args),
    /// List a node's direct neighbours.
    Related(related::Args),
    /// Check graph files and report every problem.
    Check(check::Args),
    /// Count nodes and edges; rank threats and challenges.
    Stats(stats::Args),
    /// Trace how a node's loss or weakening ripples through the graph.
    Impact(impact::Args),
    /// Find how two nodes are connected.
    Path(path::Args),
    /// Find coverage gaps and single points of failure.
    Gaps(gaps::Args),
    /// Recompute coverage with some nodes removed.
    Whatif(whatif::Args),
}

/// What every command that reads a graph needs: the graph and how to print.
pub struct Context {
    /// The loaded graph.
    pub graph: Graph,
    /// The chosen output format.
    pub format: Format,
    /// What stdout can show.
    pub style: Style,
}

impl Context {
    /// Loads the graph named on the command line, or the embedded one.
    pub fn resolve(
        graph_files: &[PathBuf],
        format: Format,
        style: Style,
    ) -> Result<Self, CliError> {
        let graph = if graph_files.is_empty() {
            crate::load::embedded()
        } else {
            crate::load::load_paths(graph_files)
        }
        .map_err(CliError::Load)?;
        Ok(Context {
            graph,
            format,
            style,
        })
    }
}

/// What a command produced: text for stdout, text for stderr, and whether
/// it failed (exit code 1).
#[derive(Debug, Default)]
pub struct Output {
    /// The answer.
    pub stdout: String,
    /// Warnings and reports.
    pub stderr: String,
    /// Exit with code 1 after printing.
    pub failed: bool,
}

impl Output {
    /// A successful answer.
    pub fn answer(stdout: String) -> Self {
        Output {
            stdout,
            ..Output::default()
        }
    }
}

/// Runs the command line and returns the process's exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors; clap knows which is which.
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let stdout_tty = std::io::stdout().is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let style = Style {
        color: stdout_tty && !no_color,
        wrap: stdout_tty,
    };
    let stderr_color = std::io::stderr().is_terminal() && !no_color;
    match dispatch(cli, style, stderr_color) {
        Ok(out) => {
            if !out.stderr.is_empty() {
                let _ = std::io::stderr().write_all(out.stderr.as_bytes());
            }
            if let Err(code) = write_stdout(&out.stdout) {
                return code;
            }
            if out.failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            let _ = std::io::stderr().write_all(e.render(stderr_color).as_bytes());
            ExitCode::from(e.exit_code())
        }
    }
}

fn dispatch(cli: Cli, style: Style, stderr_color: bool) -> Result<Output, CliError> {
    let Cli {
        graph,
        format,
        command,
    } = cli;
    let ctx = || Context::resolve(&graph, format, style);
    match command {
        Command::Check(args) => check::run(&args, &graph, format, style, stderr_color),
        Command::List(args) => list::run(&args, &ctx()?),
        Command::Show(args) => show::run(&args, &ctx()?),
        Command::Search(args) => search::run(&args, &ctx()?),
        Command::Related(args) => related::run(&args, &ctx()?),
        Command::Stats(args) => stats::run(&args, &ctx()?),
        Command::Impact(args) => impact::run(&args, &ctx()?),
        Command::Path(args) => path::run(&args, &ctx()?),
        Command::Gaps(args) => gaps::run(&args, &ctx()?),
        Command::Whatif(args) => whatif::run(&args, &ctx()?),
    }
}

/// Writes the answer in one go. A closed pipe (`seccoop list | head -1`)
/// is not an error.
fn write_stdout(text: &str) -> Result<(), ExitCode> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(ExitCode::SUCCESS),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: cannot write the answer: {e}");
            Err(ExitCode::from(1))
        }
    }
}

impl Context {
    /// The error for a `--format` that `command` does not offer.
    pub fn unsupported(&self, command: &'static str, supported: &'static [Format]) -> CliError {
        CliError::Format {
            command,
            format: self.format,
            supported,
        }
    }

    /// The node a NODE argument means (id, name or alias).
    pub fn node(&self, text: &str) -> Result<petgraph::stable_graph::NodeIndex, CliError> {
        crate::analysis::resolve_node(&self.graph, text).map_err(|e| CliError::node(&self.graph, e))
    }

    /// The kind a KIND argument means (singular or plural, any case).
    pub fn kind(&self, text: &str) -> Result<crate::model::KindId, CliError> {
        let schema = self.graph.schema();
        schema.find_kind(text).ok_or_else(|| CliError::UnknownKind {
            text: text.to_string(),
            suggestion: crate::suggest::nearest_one(text, schema.kind_spellings())
                .and_then(|s| schema.kind_id(&s))
                .map(|k| schema.kind(k).name.clone()),
            known: schema.kinds().map(|(_, k)| k.name.clone()).collect(),
        })
    }

    /// The relation a `--rel` argument means (any case, `-` for `_`).
    pub fn relation(&self, text: &str) -> Result<crate::model::RelId, CliError> {
        let schema = self.graph.schema();
        schema.find_relation(text).ok_or_else(|| {
            let known: Vec<String> = schema.relations().map(|(_, r)| r.name.clone()).collect();
            CliError::UnknownRelation {
                text: text.to_string(),
                suggestion: crate::suggest::nearest_one(text, &known),
                known,
            }
        })
    }

    /// `{id, kind, name}` of a node, the shape every JSON answer uses.
    pub fn node_ref(&self, ix: petgraph::stable_graph::NodeIndex) -> NodeRef {
        match self.graph.node(ix) {
            Some(n) => NodeRef {
                id: n.id.clone(),
                kind: self.graph.kind_name(n.kind).to_string(),
                name: n.name.clone(),
            },
            None => NodeRef::default(),
        }
    }
}

/// A node as JSON answers list it.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct NodeRef {
    /// The node's id.
    pub id: String,
    /// Its kind.
    pub kind: String,
    /// Its name.
    pub name: String,
}

/// An edge as JSON answers list it: `{from, rel, to}` in its real direction.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct EdgeJson {
    /// The id of the node the edge starts at.
    pub from: String,
    /// Its relation.
    pub rel: String,
    /// The id of the node it ends at.
    pub to: String,
}

impl Context {
    /// `{from, rel, to}` of an edge.
    pub fn edge_json(&self, e: petgraph::stable_graph::EdgeIndex) -> EdgeJson {
        let g = self.graph.petgraph();
        let (Some((from, to)), Some(edge)) = (g.edge_endpoints(e), g.edge_weight(e)) else {
            return EdgeJson::default();
        };
        let id = |ix| {
            self.graph
                .node(ix)
                .map(|n| n.id.clone())
                .unwrap_or_default()
        };
        EdgeJson {
            from: id(from),
            rel: self.graph.rel_name(edge.rel).to_string(),
            to: id(to),
        }
    }

    /// `Name (kind)` of a node, for tables.
    pub fn label(&self, ix: petgraph::stable_graph::NodeIndex) -> String {
        match self.graph.node(ix) {
            Some(n) => format!("{} ({})", n.name, self.graph.kind_name(n.kind)),
            None => String::new(),
        }
    }
}
