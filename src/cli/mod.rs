//! The command line: argument definitions, the resolve step, dispatch.
//!
//! Parsing runs in two steps. clap checks what was typed ([`Cli`]); then
//! [`Context::resolve`] loads the graph and fixes the output style, and each
//! command resolves its own arguments (node names, relations, kinds) into
//! graph values before it runs. Commands return an [`Output`]; only
//! [`run`] writes to the terminal.

mod check;
mod completions;
mod convert;
mod error;
mod export;
mod gaps;
mod generate;
mod impact;
mod list;
mod man;
mod path;
mod progress;
mod query;
mod related;
mod schema;
mod search;
mod show;
mod stats;
mod whatif;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

pub use error::CliError;

use crate::export::{DiagramOptions, RankDir};
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
    /// Load this graph instead of the built-in one: a TOML, JSON or GraphML file, node-link
    /// JSON, a JSON Lines file (.jsonl), a CSV folder (nodes.csv, edges.csv), or RDF (.ttl,
    /// .nt); repeat to merge.
    #[arg(
        short = 'g',
        long = "graph",
        value_name = "FILE",
        global = true,
        value_hint = clap::ValueHint::AnyPath
    )]
    pub graph: Vec<PathBuf>,

    /// How to print answers [default: table, or what the extension of --output says].
    ///
    /// Lists print as table, json, jsonl or csv; graph-shaped answers
    /// (show, related, impact, path, export) also as a diagram: dot,
    /// mermaid, or svg, png and pdf rendered by Graphviz.
    #[arg(long, value_enum, global = true)]
    pub format: Option<Format>,

    /// Write the answer to FILE instead of stdout (atomically: a failure leaves no partial file).
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        global = true,
        value_hint = clap::ValueHint::FilePath
    )]
    pub output: Option<PathBuf>,

    /// Lay diagrams out left to right or top to bottom.
    #[arg(long, value_enum, default_value_t = RankDir::Lr, global = true, help_heading = "Diagram options")]
    pub rankdir: RankDir,

    /// Add a legend of kinds and edge styles to diagrams.
    #[arg(long, global = true, help_heading = "Diagram options")]
    pub legend: bool,

    /// Stop Graphviz after this many seconds when rendering svg, png or pdf.
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 30,
        global = true,
        help_heading = "Diagram options"
    )]
    pub render_timeout: u64,

    /// Answer from the asserted edges only, without the edges the schema's rules derive.
    #[arg(long, global = true)]
    pub no_reasoning: bool,

    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands. Each one's help text is the doc comment of its `Args`
/// struct (first line: short help; the rest: long help with an example), so
/// the variants carry plain comments: a doc comment here would replace it.
#[derive(Debug, Subcommand)]
#[allow(missing_docs)]
pub enum Command {
    // List nodes, optionally of one kind.
    List(list::Args),
    // Show a node: its properties, its edges in both directions, and where they come from.
    Show(show::Args),
    // Find nodes by id, name, alias or description.
    Search(search::Args),
    // List a node's direct neighbours.
    Related(related::Args),
    // Check graph files and report every problem.
    Check(check::Args),
    // Count nodes and edges; rank threats and challenges.
    Stats(stats::Args),
    // Trace how a node's loss or weakening ripples through the graph.
    Impact(impact::Args),
    // Find how two nodes are connected.
    Path(path::Args),
    // Find coverage gaps and single points of failure.
    Gaps(gaps::Args),
    // Recompute coverage with some nodes removed.
    Whatif(whatif::Args),
    // Draw the graph, a filtered view of it, or a node's neighbourhood.
    Export(export::Args),
    // Write a synthetic graph with the curated graph's shape, as a CSV folder.
    Generate(generate::Args),
    // Convert a graph between TOML, JSON, JSON Lines, a CSV folder and RDF.
    Convert(convert::Args),
    // Ask the graph a Cypher query.
    Query(query::Args),
    // Print the JSON Schema of graph files.
    Schema(schema::Args),
    // Print a shell completion script.
    Completions(completions::Args),
    // Write the manual pages.
    Man(man::Args),
}

/// The formats every graph-shaped answer can be drawn in.
pub const DIAGRAM_FORMATS: &[Format] = &[
    Format::Dot,
    Format::Mermaid,
    Format::Svg,
    Format::Png,
    Format::Pdf,
];

/// The formats of answers that are both a report and a graph (show, impact, path).
pub const GRAPH_ANSWER_FORMATS: &[Format] = &[
    Format::Table,
    Format::Json,
    Format::Dot,
    Format::Mermaid,
    Format::Svg,
    Format::Png,
    Format::Pdf,
];

/// How answers are to be printed, resolved from the global options.
#[derive(Debug, Clone)]
pub struct Printing {
    /// The format: `--format`, else the one `--output`'s extension names, else table.
    pub format: Format,
    /// Whether the format was chosen (by `--format` or `--output`), not defaulted.
    pub format_chosen: bool,
    /// What stdout can show.
    pub style: Style,
    /// Diagram layout options.
    pub diagram: DiagramOptions,
    /// Time limit for Graphviz.
    pub render_timeout: Duration,
}

/// What every command that reads a graph needs: the graph and how to print.
pub struct Context {
    /// The loaded graph.
    pub graph: Graph,
    /// The chosen output format.
    pub format: Format,
    /// What stdout can show.
    pub style: Style,
    /// Everything about printing.
    pub printing: Printing,
    /// Whether the graph holds the edges the schema's rules derive.
    pub reasoning: bool,
}

impl Context {
    /// Loads the graph named on the command line, or the embedded one, and
    /// adds the edges its schema's rules derive unless `reasoning` is off.
    pub fn resolve(
        graph_files: &[PathBuf],
        printing: &Printing,
        reasoning: bool,
    ) -> Result<Self, CliError> {
        let mut graph = if graph_files.is_empty() {
            crate::load::embedded()
        } else {
            crate::load::load_paths_with(graph_files, &progress_bar())
        }
        .map_err(CliError::Load)?;
        if reasoning {
            crate::reason::materialise(&mut graph)?;
        }
        Ok(Context {
            reasoning,
            graph,
            format: printing.format,
            style: printing.style,
            printing: printing.clone(),
        })
    }

    /// The answer drawn in the chosen diagram format (dot, mermaid, svg, png
    /// or pdf); an error naming `command` when the format is not one.
    pub fn draw(
        &self,
        diagram: &crate::export::Diagram,
        command: &'static str,
    ) -> Result<Output, CliError> {
        match self.diagram(diagram) {
            Some(bytes) => Ok(Output::answer(bytes?)),
            None => Err(self.unsupported(command, DIAGRAM_FORMATS)),
        }
    }

    /// The answer as a diagram in the chosen diagram format, or `None` when
    /// the format is not a diagram format.
    pub fn diagram(&self, diagram: &crate::export::Diagram) -> Option<Result<Vec<u8>, CliError>> {
        self.diagram_in(diagram, self.format)
    }

    /// The answer as a diagram in `format`, or `None` when `format` is not
    /// a diagram format.
    pub fn diagram_in(
        &self,
        diagram: &crate::export::Diagram,
        format: Format,
    ) -> Option<Result<Vec<u8>, CliError>> {
        use crate::export::render::{ImageFormat, render};
        let options = &self.printing.diagram;
        let image = match format {
            Format::Dot => {
                return Some(Ok(crate::export::dot::to_dot(diagram, options).into_bytes()));
            }
            Format::Mermaid => {
                return Some(Ok(
                    crate::export::mermaid::to_mermaid(diagram, options).into_bytes()
                ));
            }
            Format::Svg => ImageFormat::Svg,
            Format::Png => ImageFormat::Png,
            Format::Pdf => ImageFormat::Pdf,
            Format::Table | Format::Json | Format::Jsonl | Format::Csv => return None,
        };
        let dot = crate::export::dot::to_dot(diagram, options);
        Some(render(&dot, image, self.printing.render_timeout).map_err(CliError::Render))
    }
}

/// What a command produced: the answer for stdout (or `--output`), text
/// for stderr, and whether it failed (exit code 1).
#[derive(Debug, Default)]
pub struct Output {
    /// The answer: text, or an image's bytes.
    pub stdout: Vec<u8>,
    /// Warnings and reports.
    pub stderr: String,
    /// Exit with code 1 after printing.
    pub failed: bool,
}

impl Output {
    /// A successful answer.
    pub fn answer(stdout: impl Into<Vec<u8>>) -> Self {
        Output {
            stdout: stdout.into(),
            ..Output::default()
        }
    }
}

/// The command line's clap definition, with the exit codes at the end of
/// every subcommand's help too: what `run` parses and `man` documents.
pub fn command() -> clap::Command {
    use clap::CommandFactory as _;
    Cli::command().mut_subcommands(|sub| {
        let with_codes = |text: Option<&clap::builder::StyledStr>| match text {
            Some(text) => format!("{text}\n\n{EXIT_CODES}"),
            None => EXIT_CODES.to_string(),
        };
        let after = with_codes(sub.get_after_help());
        // A long help of its own (`query`) replaces the short one under --help.
        let long = sub.get_after_long_help().map(|t| with_codes(Some(t)));
        let sub = sub.after_help(after);
        match long {
            Some(long) => sub.after_long_help(long),
            None => sub,
        }
    })
}

/// Runs the command line and returns the process's exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    // A shell's dynamic completion script runs seccoop with COMPLETE set.
    match completions::answer_request(&args) {
        Ok(true) => return ExitCode::SUCCESS,
        Ok(false) => {}
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(2);
        }
    }
    use clap::FromArgMatches as _;
    let parsed = command()
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
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
    // Colour and wrapping only when the answer goes to a terminal.
    let to_terminal = stdout_tty && cli.output.is_none();
    let chosen = cli
        .format
        .or_else(|| cli.output.as_deref().and_then(Format::from_extension));
    let printing = Printing {
        format: chosen.unwrap_or_default(),
        format_chosen: chosen.is_some(),
        style: Style {
            color: to_terminal && !no_color,
            wrap: to_terminal,
        },
        diagram: DiagramOptions {
            rankdir: cli.rankdir,
            legend: cli.legend,
        },
        render_timeout: Duration::from_secs(cli.render_timeout.max(1)),
    };
    let stderr_color = std::io::stderr().is_terminal() && !no_color;
    let output_path = cli.output.clone();
    // Refused before any work: a binary image would garble the terminal.
    let result = if output_path.is_none() && stdout_tty && printing.format.is_binary() {
        Err(CliError::BinaryToTerminal {
            format: printing.format,
        })
    } else {
        dispatch(cli, &printing, stderr_color)
    };
    match result {
        Ok(out) => {
            if !out.stderr.is_empty() {
                let _ = std::io::stderr().write_all(out.stderr.as_bytes());
            }
            let written = match &output_path {
                // A failed run with no answer leaves an existing -o file alone.
                Some(_) if out.failed && out.stdout.is_empty() => Ok(()),
                Some(path) => crate::output::write_atomic(path, &out.stdout).map_err(|source| {
                    CliError::Write {
                        path: path.clone(),
                        source,
                    }
                }),
                None => write_stdout(&out.stdout),
            };
            match written {
                Ok(()) if out.failed => ExitCode::from(1),
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    let _ = std::io::stderr().write_all(e.render(stderr_color).as_bytes());
                    ExitCode::from(e.exit_code())
                }
            }
        }
        Err(e) => {
            let _ = std::io::stderr().write_all(e.render(stderr_color).as_bytes());
            ExitCode::from(e.exit_code())
        }
    }
}

fn dispatch(cli: Cli, printing: &Printing, stderr_color: bool) -> Result<Output, CliError> {
    let Cli {
        graph,
        command,
        no_reasoning,
        ..
    } = cli;
    let mut warning = String::new();
    let mut ctx = || {
        let ctx = Context::resolve(&graph, printing, !no_reasoning)?;
        if !graph.is_empty() && ctx.graph.node_count() == 0 {
            warning = EMPTY_GRAPH_WARNING.to_string();
        }
        Ok::<_, CliError>(ctx)
    };
    let result = match command {
        Command::Check(args) => {
            check::run(&args, &graph, printing.format, printing.style, stderr_color)
        }
        Command::List(args) => list::run(&args, &ctx()?),
        Command::Show(args) => show::run(&args, &ctx()?),
        Command::Search(args) => search::run(&args, &ctx()?),
        Command::Related(args) => related::run(&args, &ctx()?),
        Command::Stats(args) => stats::run(&args, &ctx()?),
        Command::Impact(args) => impact::run(&args, &ctx()?),
        Command::Path(args) => path::run(&args, &ctx()?),
        Command::Gaps(args) => gaps::run(&args, &ctx()?),
        Command::Whatif(args) => whatif::run(&args, &ctx()?),
        Command::Export(args) => export::run(&args, &ctx()?),
        Command::Generate(args) => generate::run(&args, printing.format),
        Command::Convert(args) => convert::run(&args, &graph, printing.format, &progress_bar()),
        Command::Query(args) => query::run(&args, &ctx()?),
        Command::Schema(args) => {
            text_only("schema", Format::Json, printing).and_then(|()| schema::run(&args))
        }
        Command::Completions(args) => {
            text_only("completions", Format::Table, printing).and_then(|()| completions::run(&args))
        }
        Command::Man(args) => {
            text_only("man", Format::Table, printing).and_then(|()| man::run(&args))
        }
    };
    result.map(|mut out| {
        out.stderr.insert_str(0, &warning);
        out
    })
}

/// Said when `--graph` files hold no node: every answer from them is empty,
/// which is seldom what was meant.
pub const EMPTY_GRAPH_WARNING: &str = "warning: the graph files hold no nodes, so every answer \
     is empty\n  help: check that --graph names the right files; `seccoop check FILE` \
     reports what a file holds\n";

/// For commands that print one kind of text (a schema, a script, a page):
/// a usage error when another `--format` was chosen.
fn text_only(command: &'static str, text: Format, printing: &Printing) -> Result<(), CliError> {
    if !printing.format_chosen || printing.format == text {
        return Ok(());
    }
    let supported: &'static [Format] = match text {
        Format::Json => &[Format::Json],
        _ => &[Format::Table],
    };
    Err(CliError::Format {
        command,
        format: printing.format,
        supported,
    })
}

/// A progress bar for loading big graphs, drawn only when stderr is a terminal.
fn progress_bar() -> progress::Bar {
    progress::Bar::new(std::io::stderr().is_terminal())
}

/// A big graph is not freed when its command ends.
///
/// Freeing a million-node graph one allocation at a time takes longer than
/// answering from it (a third of a second, measured); the process exits
/// right after the command, and the OS takes the memory back at once.
impl Drop for Context {
    fn drop(&mut self) {
        if self.graph.node_count() > 100_000 {
            let empty = Graph::new(crate::model::Schema::new());
            std::mem::forget(std::mem::replace(&mut self.graph, empty));
        }
    }
}

/// Writes the answer in one go. A closed pipe (`seccoop list | head -1`)
/// is not an error.
fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(source) => Err(CliError::Write {
            path: PathBuf::from("<stdout>"),
            source,
        }),
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

    /// A report that prints as a table or as JSON; any other format is a
    /// usage error naming `supported`, every format `command` offers.
    pub fn table_or_json(
        &self,
        command: &'static str,
        supported: &'static [Format],
        json: impl FnOnce() -> String,
        table: impl FnOnce() -> String,
    ) -> Result<Output, CliError> {
        match self.format {
            Format::Json => Ok(Output::answer(json())),
            Format::Table => Ok(Output::answer(table())),
            _ => Err(self.unsupported(command, supported)),
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
            Some(n) => {
                crate::output::safe(&format!("{} ({})", n.name, self.graph.kind_name(n.kind)))
                    .into_owned()
            }
            None => String::new(),
        }
    }
}
