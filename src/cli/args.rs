//! What can be typed: the global options, the subcommands, and the clap
//! definition `--help`, completions and the manual pages are made from.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use super::{
    check, completions, convert, explain, export, gaps, generate, impact, list, man, matrix, path,
    prioritize, query, rank, related, schema, search, show, stats, whatif,
};
use crate::export::RankDir;
use crate::output::Format;

/// The exit codes, shown at the end of every `--help` and in the manual.
pub const EXIT_CODES: &str = "\
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
    /// .nt); repeat to merge. Or open a snapshot (.sccp), alone.
    #[arg(
        short = 'g',
        long = "graph",
        value_name = "FILE",
        global = true,
        value_hint = clap::ValueHint::AnyPath
    )]
    pub graph: Vec<PathBuf>,

    /// How to print answers [default: from --output's extension, else table (export: dot)].
    ///
    /// Lists print as table, json, jsonl or csv; graph-shaped answers
    /// (show, related, impact, path, query) also as a diagram: dot,
    /// mermaid, svg, png and pdf rendered by Graphviz, or html, an
    /// interactive page; export draws only. A format the command does not
    /// offer is a usage error.
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
    // Say why an edge holds: where the source says so, or the rule and edges it is derived from.
    Explain(explain::Args),
    // Find coverage gaps and single points of failure.
    Gaps(gaps::Args),
    // Tabulate a relation between two kinds: the coverage matrix.
    Matrix(matrix::Args),
    // Recompute coverage with some nodes removed.
    Whatif(whatif::Args),
    // Choose the K activities that cover the most threats.
    Prioritize(prioritize::Args),
    // Rank nodes by degree, betweenness, PageRank or irreplaceability.
    Rank(rank::Args),
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

impl Command {
    /// The subcommand's name and the `--format`s it offers, its default
    /// first: checked before the command runs, so a format it does not
    /// offer is a usage error before any graph is read.
    pub fn formats(&self) -> (&'static str, &'static [Format]) {
        match self {
            Command::List(_) => ("list", list::FORMATS),
            Command::Show(_) => ("show", show::FORMATS),
            Command::Search(_) => ("search", search::FORMATS),
            Command::Related(_) => ("related", related::FORMATS),
            Command::Check(_) => ("check", check::FORMATS),
            Command::Stats(_) => ("stats", stats::FORMATS),
            Command::Impact(_) => ("impact", impact::FORMATS),
            Command::Path(_) => ("path", path::FORMATS),
            Command::Explain(_) => ("explain", explain::FORMATS),
            Command::Gaps(_) => ("gaps", gaps::FORMATS),
            Command::Matrix(_) => ("matrix", matrix::FORMATS),
            Command::Prioritize(_) => ("prioritize", prioritize::FORMATS),
            Command::Rank(_) => ("rank", rank::FORMATS),
            Command::Whatif(_) => ("whatif", whatif::FORMATS),
            Command::Export(_) => ("export", export::FORMATS),
            Command::Generate(_) => ("generate", generate::FORMATS),
            Command::Convert(_) => ("convert", convert::FORMATS),
            Command::Query(_) => ("query", query::FORMATS),
            Command::Schema(_) => ("schema", schema::FORMATS),
            Command::Completions(_) => ("completions", completions::FORMATS),
            Command::Man(_) => ("man", man::FORMATS),
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
