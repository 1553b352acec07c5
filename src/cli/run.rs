//! Running a command line: parse it, fix how to print, check the format
//! against the subcommand's list, dispatch, and write the answer to stdout
//! or `--output` — the only place that writes an answer (but for the
//! query shell, which prints each answer as it comes).

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use super::args::{Cli, Command, command_for};
use super::context::{Context, Output, Printing, Scope};
use super::{
    CliError, check, completions, convert, explain, export, gaps, generate, huge_pages, impact,
    list, man, matrix, path, prioritize, progress, query, rank, related, schema, search, show,
    stats, whatif,
};
use crate::export::DiagramOptions;
use crate::format::GraphFormat;
use crate::output::{Format, Style};

/// The graph files a command line has loaded: those given with -g, and
/// `convert`'s IN.
fn inputs_to_parse(cli: &Cli) -> Vec<PathBuf> {
    let mut inputs = cli.graph.clone();
    if let Command::Convert(c) = &*cli.command
        && let [input, _] = c.paths.as_slice()
    {
        inputs.push(input.clone());
    }
    inputs
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
    // Kept, not freed, like the graph (see `dispatch`): freeing the
    // command's tree of arguments costs more than a fifth of parsing it.
    let parsed = Box::leak(Box::new(command_for(&args)))
        .try_get_matches_from_mut(args.iter())
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
    // Before anything is read or written: a large load runs in huge pages.
    huge_pages::run_again_if_large(&args, &inputs_to_parse(&cli));
    let stdout_tty = std::io::stdout().is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let stderr_color = std::io::stderr().is_terminal() && !no_color;
    let printing = printing(&cli, stdout_tty, no_color);
    let output_path = cli.output.clone();
    // Usage errors come before any work: no graph is read, no file written.
    let result = graph_file_output(&cli, &printing)
        .and_then(|()| printing.check())
        .and_then(|()| {
            if output_path.is_none() && stdout_tty && printing.format.is_binary() {
                // A binary image would garble the terminal.
                Err(CliError::BinaryToTerminal {
                    format: printing.format,
                })
            } else {
                dispatch(cli, &printing, stderr_color)
            }
        });
    match result {
        Ok(out) => {
            if !out.stderr.is_empty() {
                let _ = std::io::stderr().write_all(out.stderr.as_bytes());
            }
            let written = match &output_path {
                // A failed run with no answer leaves an existing -o file alone.
                Some(_) if out.failed && out.stdout.is_empty() => Ok(()),
                Some(path) => {
                    crate::atomic::write_file(path, &out.stdout).map_err(|source| CliError::Write {
                        path: path.clone(),
                        source,
                    })
                }
                None => write_stdout(&out.stdout),
            };
            match written {
                Ok(()) if out.failed => ExitCode::from(1),
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e, stderr_color),
            }
        }
        Err(e) => fail(&e, stderr_color),
    }
}

/// How to print, from the global options and the subcommand's formats.
fn printing(cli: &Cli, stdout_tty: bool, no_color: bool) -> Printing {
    let (command, offers) = cli.command.formats();
    let chosen = cli
        .format
        .or_else(|| cli.output.as_deref().and_then(Format::from_extension));
    // Colour and wrapping only when the answer goes to a terminal.
    let to_terminal = stdout_tty && cli.output.is_none();
    Printing {
        format: chosen
            .or_else(|| offers.first().copied())
            .unwrap_or_default(),
        chosen: chosen.is_some(),
        command,
        offers,
        style: Style {
            color: to_terminal && !no_color,
            wrap: to_terminal,
        },
        diagram: DiagramOptions {
            rankdir: cli.rankdir,
            legend: cli.legend,
        },
        render_timeout: Duration::from_secs(cli.render_timeout.max(1)),
    }
}

/// Refuses an `-o` named as a graph file that no answer is written as
/// (`graph.graphml`, `graph.toml`, `graph.ttl`) when no `--format` says what
/// to write: an answer or a diagram in it would be mistaken for the graph,
/// which `seccoop convert` writes. (`.json` names an answer format too.)
fn graph_file_output(cli: &Cli, printing: &Printing) -> Result<(), CliError> {
    match cli.output.as_deref() {
        Some(path) if cli.format.is_none() && Format::from_extension(path).is_none() => {
            match GraphFormat::graph_file(path) {
                Some(format) => Err(CliError::GraphFileOutput {
                    command: printing.command,
                    path: path.to_path_buf(),
                    format,
                }),
                None => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// Prints the error and gives its exit code.
fn fail(e: &CliError, color: bool) -> ExitCode {
    let _ = std::io::stderr().write_all(e.render(color).as_bytes());
    ExitCode::from(e.exit_code())
}

/// Runs the subcommand: the one place that maps a subcommand to its module.
fn dispatch(cli: Cli, printing: &Printing, stderr_color: bool) -> Result<Output, CliError> {
    let Cli {
        graph,
        command,
        no_reasoning,
        ..
    } = cli;
    let mut warning = String::new();
    let notes: std::rc::Rc<std::cell::RefCell<String>> = Default::default();
    // The graph lives until the process ends and is never freed: freeing
    // it would change no answer and, for a big graph, take a good share of
    // the time of a quick question (millions of strings and maps, one by
    // one), and a tenth of a command's work on the built-in graph.
    let mut ctx = |scope: Scope<'_>| {
        let mut ctx = Context::resolve_scope(&graph, printing, !no_reasoning, scope)?;
        if !graph.is_empty() && ctx.graph.node_count() == 0 {
            warning = EMPTY_GRAPH_WARNING.to_string();
        }
        ctx.notes = notes.clone();
        Ok::<&'static Context, CliError>(Box::leak(Box::new(ctx)))
    };
    let result = match command.0 {
        Command::Check(args) => check::run(&args, &graph, printing, stderr_color),
        Command::List(args) => list::run(&args, ctx(Scope::Whole)?),
        Command::Show(args) => show::run(&args, ctx(show::scope(&args))?),
        Command::Search(args) => search::run(&args, ctx(Scope::Whole)?),
        Command::Related(args) => related::run(&args, ctx(related::scope(&args))?),
        Command::Stats(args) => stats::run(&args, ctx(Scope::Whole)?),
        Command::Impact(args) => impact::run(&args, ctx(impact::scope(&args))?),
        Command::Path(args) => path::run(&args, &mut ctx),
        Command::Explain(args) => explain::run(&args, ctx(explain::scope(&args))?),
        Command::Gaps(args) => gaps::run(&args, ctx(Scope::Whole)?),
        Command::Matrix(args) => matrix::run(&args, ctx(Scope::Whole)?),
        Command::Prioritize(args) => prioritize::run(&args, ctx(Scope::Whole)?),
        Command::Rank(args) => rank::run(&args, ctx(Scope::Whole)?),
        Command::Whatif(args) => whatif::run(&args, ctx(Scope::Whole)?),
        Command::Export(args) => export::run(&args, ctx(export::scope(&args))?),
        Command::Generate(args) => generate::run(&args, &graph, printing),
        Command::Convert(args) => convert::run(&args, &graph, printing, &progress_bar()),
        Command::Query(args) => query::run(&args, &mut ctx),
        Command::Schema(args) => schema::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => man::run(&args),
    };
    result.map(|mut out| {
        out.stderr.insert_str(0, &notes.borrow());
        out.stderr.insert_str(0, &warning);
        out
    })
}

/// Said when `--graph` files hold no node: every answer from them is empty,
/// which is seldom what was meant.
pub const EMPTY_GRAPH_WARNING: &str = "warning: the graph files hold no nodes, so every answer \
     is empty\n  help: check that --graph names the right files; `seccoop check FILE` \
     reports what a file holds\n";

/// A progress bar for loading big graphs, drawn only when stderr is a terminal.
pub(super) fn progress_bar() -> progress::Bar {
    progress::Bar::new(std::io::stderr().is_terminal())
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
