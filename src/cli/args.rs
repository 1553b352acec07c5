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
    pub command: Named<Command>,
}

/// The subcommands. Each one's help text is the doc comment of its `Args`
/// struct (first line: short help; the rest: long help with an example), so
/// the variants carry plain comments: a doc comment here would replace it.
#[derive(Debug, Subcommand)]
#[allow(missing_docs)]
pub enum Command {
    // List nodes, optionally of one kind.
    List(Lazy<list::Args>),
    // Show a node: its properties, its edges in both directions, and where they come from.
    Show(Lazy<show::Args>),
    // Find nodes by id, name, alias or description.
    Search(Lazy<search::Args>),
    // List a node's direct neighbours.
    Related(Lazy<related::Args>),
    // Check graph files and report every problem.
    Check(Lazy<check::Args>),
    // Count nodes and edges; rank threats and challenges.
    Stats(Lazy<stats::Args>),
    // Trace how a node's loss or weakening ripples through the graph.
    Impact(Lazy<impact::Args>),
    // Find how two nodes are connected.
    Path(Lazy<path::Args>),
    // Say why an edge holds: where the source says so, or the rule and edges it is derived from.
    Explain(Lazy<explain::Args>),
    // Find coverage gaps and single points of failure.
    Gaps(Lazy<gaps::Args>),
    // Tabulate a relation between two kinds: the coverage matrix.
    Matrix(Lazy<matrix::Args>),
    // Recompute coverage with some nodes removed.
    Whatif(Lazy<whatif::Args>),
    // Choose the K activities that cover the most threats.
    Prioritize(Lazy<prioritize::Args>),
    // Rank nodes by degree, betweenness, PageRank or irreplaceability.
    Rank(Lazy<rank::Args>),
    // Draw the graph, a filtered view of it, or a node's neighbourhood.
    Export(Lazy<export::Args>),
    // Write a synthetic graph with the curated graph's shape, as a CSV folder.
    Generate(Lazy<generate::Args>),
    // Convert a graph between TOML, JSON, JSON Lines, a CSV folder and RDF.
    Convert(Lazy<convert::Args>),
    // Ask the graph a Cypher query.
    Query(Lazy<query::Args>),
    // Print the JSON Schema of graph files.
    Schema(Lazy<schema::Args>),
    // Print a shell completion script.
    Completions(Lazy<completions::Args>),
    // Write the manual pages.
    Man(Lazy<man::Args>),
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

/// The definition to parse `args` with: [`command`], or, when nothing can
/// print help (which lists every subcommand with its summary), one that
/// holds only the subcommands the line names ([`Named`]), whose arguments
/// are added only when parsed ([`Lazy`]).
pub fn command_for(args: &[std::ffi::OsString]) -> clap::Command {
    use clap::{CommandFactory as _, Subcommand as _};
    let words = || args.iter().skip(1).filter_map(|a| a.to_str());
    // `-h` may come bundled with other short options, and `help` may be
    // a subcommand or a value: either way the whole definition is built.
    let help = words().any(|w| {
        w == "help"
            || w.starts_with("--help")
            || (!w.starts_with("--") && w.starts_with('-') && w.contains('h'))
    });
    let named: Vec<String> = words()
        .filter(|w| Command::has_subcommand(w))
        .map(str::to_string)
        .collect();
    let version = words().any(|w| w == "--version" || w == "-V");
    if help || (named.is_empty() && !version) {
        return command();
    }
    DEFER.set(true);
    ONLY.replace(Some(named));
    let cli = Cli::command();
    ONLY.replace(None);
    DEFER.set(false);
    cli
}

thread_local! {
    /// Whether [`Lazy`] defers the arguments it adds: only while
    /// [`command_for`] makes its definition, so every other use of the
    /// definition (help, the manual, completions) sees it whole.
    static DEFER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };

    /// The words of the line that name a subcommand, while [`command_for`]
    /// makes a definition that holds those subcommands alone ([`Named`]).
    static ONLY: std::cell::RefCell<Option<Vec<String>>> = const { std::cell::RefCell::new(None) };
}

/// The subcommands, of which [`command_for`]'s definition holds only those
/// the command line names.
///
/// Why: clap copies every global option (`--graph`, `--format`, …, seven
/// of them) into every subcommand it holds before it parses, which made
/// 160 KB of copies, a third of the memory a command on the built-in graph
/// used, for the one subcommand a line runs. A line that names no
/// subcommand, or may print help, gets the whole definition, so its errors
/// and suggestions are the same.
#[derive(Debug)]
pub struct Named<T>(pub T);

impl<T: clap::Subcommand> Named<T> {
    /// `cmd` with the subcommands of `all` that [`ONLY`] names, or with all
    /// of them outside [`command_for`].
    fn only(cmd: clap::Command, all: fn(clap::Command) -> clap::Command) -> clap::Command {
        ONLY.with_borrow(|only| match only {
            None => all(cmd),
            Some(words) => {
                let named = |s: &clap::Command| {
                    words
                        .iter()
                        .any(|w| s.get_name() == w || s.get_all_aliases().any(|a| a == w))
                };
                let every = all(clap::Command::new(""));
                let kept: Vec<clap::Command> = every
                    .get_subcommands()
                    .filter(|s| named(s))
                    .cloned()
                    .collect();
                cmd.subcommands(kept)
            }
        })
    }
}

impl<T: clap::Subcommand> clap::Subcommand for Named<T> {
    fn augment_subcommands(cmd: clap::Command) -> clap::Command {
        Self::only(cmd, T::augment_subcommands)
    }
    fn augment_subcommands_for_update(cmd: clap::Command) -> clap::Command {
        Self::only(cmd, T::augment_subcommands_for_update)
    }
    fn has_subcommand(name: &str) -> bool {
        T::has_subcommand(name)
    }
}

/// A subcommand's arguments, which [`command_for`] has added to their
/// `clap::Command` only when that subcommand is parsed
/// ([`clap::Command::defer`]).
///
/// Why: defining the arguments of all 22 subcommands took a quarter of the
/// instructions of a command on the built-in graph, for the one subcommand
/// a command line names.
#[derive(Debug)]
pub struct Lazy<T>(pub T);

impl<T: clap::Args> clap::Args for Lazy<T> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        if DEFER.get() {
            cmd.defer(T::augment_args)
        } else {
            T::augment_args(cmd)
        }
    }
    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        if DEFER.get() {
            cmd.defer(T::augment_args_for_update)
        } else {
            T::augment_args_for_update(cmd)
        }
    }
    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
}

/// What [`Lazy`] and [`Named`] share: each reads as the value it wraps,
/// and is read from clap's matches as that value is.
macro_rules! wrapper {
    ($wrapper:ident) => {
        impl<T> std::ops::Deref for $wrapper<T> {
            type Target = T;
            fn deref(&self) -> &T {
                &self.0
            }
        }

        impl<T: clap::FromArgMatches> clap::FromArgMatches for $wrapper<T> {
            fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
                T::from_arg_matches(matches).map($wrapper)
            }
            fn from_arg_matches_mut(matches: &mut clap::ArgMatches) -> Result<Self, clap::Error> {
                T::from_arg_matches_mut(matches).map($wrapper)
            }
            fn update_from_arg_matches(
                &mut self,
                matches: &clap::ArgMatches,
            ) -> Result<(), clap::Error> {
                self.0.update_from_arg_matches(matches)
            }
            fn update_from_arg_matches_mut(
                &mut self,
                matches: &mut clap::ArgMatches,
            ) -> Result<(), clap::Error> {
                self.0.update_from_arg_matches_mut(matches)
            }
        }
    };
}

wrapper!(Lazy);
wrapper!(Named);

#[cfg(test)]
mod tests {
    use super::{Cli, command, command_for};
    use clap::FromArgMatches as _;
    use std::ffi::OsString;

    fn parse(cmd: clap::Command, args: &[OsString]) -> Result<String, String> {
        cmd.try_get_matches_from(args)
            .and_then(|m| Cli::from_arg_matches(&m))
            .map(|cli| format!("{cli:?}"))
            .map_err(|e| e.to_string())
    }

    /// The definition whose subcommands get their arguments only when
    /// parsed reads every line as the whole definition does: the same
    /// values, or the same error.
    #[test]
    fn a_deferred_definition_parses_as_the_whole_one_does() {
        let lines = [
            "related terrorism --rel addresses",
            "-g a.toml -g b.json show terrorism --format json --no-reasoning",
            "related terrorism --format json -o out.json --legend",
            "path resource-constraints terrorism --all --max-hops 4",
            "related terrorism --bogus",
            "related",
            "relatd terrorism",
            "related terrorism --rel",
            "export --format dote",
            "path a b --max-hops x",
            "--version",
            "-V",
            "query",
            "-g",
            "--bogus related terrorism",
            "show list",
            "-g list related terrorism --rel addresses",
            "related terrorism -V",
            "--version related",
            "list --kind",
            "lst",
            "",
        ];
        for line in lines {
            let args: Vec<OsString> = std::iter::once("seccoop")
                .chain(line.split(' '))
                .map(OsString::from)
                .collect();
            assert_eq!(
                parse(command_for(&args), &args),
                parse(command(), &args),
                "{line}"
            );
        }
    }

    /// What makes it cheaper: the subcommands a line does not name get no
    /// arguments, and a line that may print help gets them all.
    #[test]
    fn only_the_named_subcommand_gets_its_arguments() {
        let args = |line: &str| -> Vec<OsString> { line.split(' ').map(OsString::from).collect() };
        let count = |cmd: &clap::Command, sub: &str| {
            cmd.find_subcommand(sub)
                .map_or(0, |s| s.get_arguments().count())
        };
        let lazy = command_for(&args("seccoop related terrorism"));
        let names: Vec<&str> = lazy.get_subcommands().map(|s| s.get_name()).collect();
        assert_eq!(names, ["related"], "only the named subcommand");
        assert_eq!(count(&lazy, "related"), 0, "added only when parsed");
        let two = command_for(&args("seccoop show list"));
        let names: Vec<&str> = two.get_subcommands().map(|s| s.get_name()).collect();
        assert_eq!(names, ["list", "show"], "every word that names one");
        for line in [
            "seccoop related --help",
            "seccoop help",
            "seccoop",
            "seccoop -gh",
        ] {
            let whole = command_for(&args(line));
            assert!(count(&whole, "list") > 0, "{line}");
        }
    }
}
