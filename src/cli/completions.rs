//! `seccoop completions SHELL`: shell completion scripts, static or dynamic,
//! and the completers dynamic completion calls.
//!
//! Both kinds come from the one clap definition of the command line
//! ([`super::Cli`]). A static script knows the subcommands, options and
//! fixed values; it never runs seccoop. A dynamic script asks seccoop at
//! each Tab (clap_complete's `CompleteEnv`: the shell runs
//! `COMPLETE=bash seccoop -- WORDS…`), so it also completes what only the
//! graph knows: node ids, kinds and relations, from the graph named by `-g`
//! on the line being completed, else from the built-in graph.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use clap::CommandFactory;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};
use clap_complete::{ArgValueCandidates, ArgValueCompleter, CompletionCandidate, Shell};

use super::{Cli, CliError, Output};
use crate::model::Graph;
use crate::output::Format;

/// The variable that switches seccoop into answering a dynamic completion
/// script; clap_complete's usual name, so its documentation applies.
pub const COMPLETE_VAR: &str = "COMPLETE";

const LONG_HELP: &str = "\
Static scripts (the default) complete subcommands, options and fixed values
such as --format; they are fast and never run seccoop. Dynamic scripts
(--dynamic) run seccoop at each Tab and also complete node ids (show, related,
impact, path, whatif --without, export --focus), kinds (list, --kind) and
relations (--rel) from the graph: the one named by -g on the line being
completed, else the built-in graph.

Enable one in your shell's startup file:
  bash  static:  source <(seccoop completions bash)
        dynamic: source <(seccoop completions bash --dynamic)
  zsh   static:  seccoop completions zsh > \"${fpath[1]}/_seccoop\"
        dynamic: source <(seccoop completions zsh --dynamic)
  fish  static:  seccoop completions fish > ~/.config/fish/completions/seccoop.fish
        dynamic: seccoop completions fish --dynamic > ~/.config/fish/completions/seccoop.fish
  elvish:        eval (seccoop completions elvish [--dynamic] | slurp)
  powershell:    seccoop completions powershell [--dynamic] | Out-String | Invoke-Expression

A dynamic script calls the seccoop that wrote it (by its full path) with
COMPLETE set in its environment; `COMPLETE=bash seccoop` prints the same
script, calling seccoop by the name it was run with. Regenerate a dynamic
script after upgrading seccoop.

Example:
  seccoop completions bash --dynamic > ~/.local/share/bash-completion/completions/seccoop";

/// Print a shell completion script: bash, zsh, fish, powershell or elvish.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  source <(seccoop completions bash --dynamic)",
    after_long_help = LONG_HELP
)]
pub struct Args {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
    /// Print a script that asks seccoop at each Tab, so node ids, kinds and
    /// relations complete too.
    #[arg(long)]
    pub dynamic: bool,
}

/// `completions` prints a script, as plain text (`table`).
pub const FORMATS: &[Format] = &[Format::Table];

/// Runs `completions`.
pub fn run(args: &Args) -> Result<Output, CliError> {
    let mut script = Vec::new();
    if args.dynamic {
        registration(args.shell, &completer(), &mut script)
    } else {
        clap_complete::generate(args.shell, &mut Cli::command(), "seccoop", &mut script);
        Ok(())
    }
    .map_err(|source| CliError::Write {
        path: PathBuf::from("<completion script>"),
        source,
    })?;
    Ok(Output::answer(script))
}

/// Writes the dynamic script for `shell`, calling `completer` at each Tab.
fn registration(shell: Shell, completer: &str, out: &mut Vec<u8>) -> std::io::Result<()> {
    let adapter: &dyn EnvCompleter = match shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
        Shell::Elvish => &Elvish,
        Shell::PowerShell => &Powershell,
        // `Shell` is non-exhaustive; every shell it has today is above.
        _ => &Bash,
    };
    adapter.write_registration(COMPLETE_VAR, "seccoop", "seccoop", completer, out)
}

/// The path of the running seccoop, for a dynamic script to call; the bare
/// name (found on PATH) when the path is unknown or not UTF-8.
fn completer() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.to_str().map(str::to_string))
        .unwrap_or_else(|| "seccoop".to_string())
}

/// Answers a dynamic completion request when `COMPLETE` is set: prints the
/// candidates (or, with no words to complete, the script) and returns true.
/// With `COMPLETE` unset, empty or `0`, returns false and prints nothing.
pub fn answer_request(args: &[OsString]) -> Result<bool, clap::Error> {
    let current_dir = std::env::current_dir().ok();
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(COMPLETE_VAR)
        .try_complete(args.iter().cloned(), current_dir.as_deref())
}

/// Completes a NODE argument with node ids, for `#[arg(add = …)]`.
pub fn node() -> ArgValueCompleter {
    ArgValueCompleter::new(node_candidates)
}

/// Completes a KIND argument with the schema's kinds.
pub fn kind() -> ArgValueCandidates {
    ArgValueCandidates::new(kind_candidates)
}

/// Completes a `--rel` argument with the schema's relations.
pub fn relation() -> ArgValueCandidates {
    ArgValueCandidates::new(relation_candidates)
}

/// The node ids that start with what was typed (a case-insensitive match
/// when no id matches exactly), each with its name as help.
pub fn node_candidates(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(graph) = graph_on_line() else {
        return Vec::new();
    };
    let typed = current.to_string_lossy();
    let candidates = |fold: bool| -> Vec<CompletionCandidate> {
        let lower = typed.to_lowercase();
        let mut found: Vec<(&str, &str)> = graph
            .nodes()
            .filter(|(_, n)| {
                if fold {
                    n.id.to_lowercase().starts_with(&lower)
                } else {
                    n.id.starts_with(typed.as_ref())
                }
            })
            .map(|(_, n)| (&*n.id, &*n.name))
            .collect();
        found.sort_unstable();
        found
            .into_iter()
            .map(|(id, name)| CompletionCandidate::new(id).help(Some(name.to_string().into())))
            .collect()
    };
    let exact = candidates(false);
    if exact.is_empty() {
        candidates(true)
    } else {
        exact
    }
}

/// Every kind of the graph's schema, singular and plural (the engine keeps
/// those that start with what was typed).
pub fn kind_candidates() -> Vec<CompletionCandidate> {
    let Some(graph) = graph_on_line() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (_, kind) in graph.schema().kinds() {
        let help = Some(kind.description.clone().into());
        out.push(CompletionCandidate::new(kind.name.clone()).help(help.clone()));
        let plural = kind.plural_form();
        if plural != kind.name {
            out.push(CompletionCandidate::new(plural).help(help));
        }
    }
    out
}

/// Every relation of the graph's schema, with its meaning as help.
pub fn relation_candidates() -> Vec<CompletionCandidate> {
    let Some(graph) = graph_on_line() else {
        return Vec::new();
    };
    graph
        .schema()
        .relations()
        .map(|(_, r)| CompletionCandidate::new(r.name.clone()).help(Some(r.meaning.clone().into())))
        .collect()
}

/// The graph the line being completed would load: its `-g` files, else the
/// built-in graph. `None` when it does not load (completion stays quiet).
fn graph_on_line() -> Option<Graph> {
    // The shell runs `seccoop -- seccoop WORDS…`: the words follow the first `--`.
    let words: Vec<OsString> = std::env::args_os()
        .skip_while(|a| a != "--")
        .skip(2)
        .collect();
    let files = graph_files(&words);
    if files.is_empty() {
        crate::load::embedded().ok()
    } else {
        crate::load::load_paths(&files).ok()
    }
}

/// The values of `-g`/`--graph` among the words of a command line
/// (`-g F`, `-gF`, `--graph F`, `--graph=F`), up to a lone `--`.
pub fn graph_files(words: &[OsString]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut words = words.iter();
    while let Some(word) = words.next() {
        let Some(text) = word.to_str() else {
            continue;
        };
        if text == "--" {
            break;
        }
        if text == "-g" || text == "--graph" {
            files.extend(words.next().map(PathBuf::from));
        } else if let Some(file) = text.strip_prefix("--graph=") {
            files.push(PathBuf::from(file));
        } else if let Some(file) = text.strip_prefix("-g").filter(|f| !f.is_empty()) {
            files.push(PathBuf::from(file));
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::graph_files;
    use std::ffi::OsString;
    use std::path::PathBuf;

    fn words(line: &str) -> Vec<OsString> {
        line.split(' ').map(OsString::from).collect()
    }

    #[test]
    fn graph_files_reads_every_spelling_of_the_graph_option() {
        assert_eq!(
            graph_files(&words("-g a.toml show --graph b.json --graph=c -gd x")),
            ["a.toml", "b.json", "c", "d"].map(PathBuf::from)
        );
        assert_eq!(graph_files(&words("show terr")), Vec::<PathBuf>::new());
        // A dangling -g (its value not typed yet) names nothing.
        assert_eq!(graph_files(&words("show -g")), Vec::<PathBuf>::new());
        assert_eq!(
            graph_files(&words("query -- -g x.toml")),
            Vec::<PathBuf>::new()
        );
    }
}
