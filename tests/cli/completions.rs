//! `seccoop completions`: every shell's script, static and dynamic, is
//! checked by that shell's own parser, and completion runs for real in bash
//! and fish.
//!
//! zsh, fish and elvish come from `tests/shells/setup.sh`; without them
//! their checks skip with a note, unless `SECCOOP_REQUIRE_SHELLS` is set (as
//! in CI), which makes them fail. PowerShell is not packaged for Debian: its
//! scripts are checked only for what they must hold.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{BIN, Scratch, command, finish, fixtures, program, seccoop, subcommands};

const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "elvish", "powershell"];

/// The shell's program, if installed (see [`crate::harness::program`]).
#[track_caller]
fn shell(name: &str, test: &str) -> Option<PathBuf> {
    program(name, test, "SECCOOP_REQUIRE_SHELLS")
}

/// Runs `program args…` and fails the test with its output unless it succeeds.
#[track_caller]
fn run_ok(program: &Path, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .env_remove("COMPLETE")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{} {args:?} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{}",
        program.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Writes the script `seccoop completions SHELL [--dynamic]` prints into
/// `scratch`, and returns its path.
fn script(scratch: &Scratch, shell: &str, dynamic: bool) -> PathBuf {
    let mut args = vec!["completions", shell];
    if dynamic {
        args.push("--dynamic");
    }
    let run = seccoop(&args);
    run.success();
    assert!(!run.stdout.is_empty(), "empty script\n{run}");
    let kind = if dynamic { "dynamic" } else { "static" };
    scratch.write(&format!("{kind}.{shell}"), &run.stdout)
}

#[test]
fn static_scripts_name_every_subcommand() {
    let commands = subcommands();
    assert!(commands.len() >= 17, "{commands:?}");
    for shell in SHELLS {
        let run = seccoop(&["completions", shell]);
        run.success();
        for command in &commands {
            assert!(
                run.stdout.contains(command.as_str()),
                "the {shell} script lacks `{command}`"
            );
        }
    }
}

#[test]
fn every_script_parses_in_its_shell() {
    let scratch = Scratch::new();
    let checks: [(&str, &[&str]); 4] = [
        ("bash", &["-n"]),
        ("zsh", &["-n"]),
        ("fish", &["--no-execute"]),
        ("elvish", &["-compileonly"]),
    ];
    for (name, flags) in checks {
        let Some(program) = shell(name, "every_script_parses_in_its_shell") else {
            continue;
        };
        for dynamic in [false, true] {
            let mut path = script(&scratch, name, dynamic);
            if name == "elvish" {
                path = with_elvish_editor(&scratch, &path, "");
            }
            let mut args = flags.to_vec();
            args.push(path.to_str().unwrap());
            run_ok(&program, &args);
        }
    }
    // No PowerShell on Debian: check the scripts register a completer for seccoop.
    for dynamic in [false, true] {
        let text = std::fs::read_to_string(script(&scratch, "powershell", dynamic)).unwrap();
        assert!(text.contains("Register-ArgumentCompleter"), "{text}");
        assert!(text.contains("seccoop"), "{text}");
    }
}

#[test]
fn a_dynamic_script_calls_this_seccoop() {
    let run = seccoop(&["completions", "bash", "--dynamic"]);
    run.success()
        .stdout_has(&[BIN, "COMPLETE=\"bash\"", "complete -o nospace"]);
    // COMPLETE=bash with nothing to complete prints the same script.
    let mut cmd = command(&fixtures(), &[]);
    cmd.env("COMPLETE", "bash");
    let env_run = finish(cmd, &[]);
    env_run.success();
    assert!(
        env_run.stdout.contains("_clap_complete_seccoop()"),
        "{env_run}"
    );
}

/// What dynamic completion offers for the last word of `words` (the
/// command line after `seccoop`), as bash asks for it, run in `dir`.
fn complete_in(dir: &Path, words: &[&str]) -> Vec<String> {
    let mut args = vec!["--", "seccoop"];
    args.extend(words);
    let mut cmd = command(dir, &args);
    cmd.env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", words.len().to_string())
        .env("_CLAP_IFS", "\n");
    let run = finish(cmd, &args);
    run.success();
    assert_eq!(run.stderr, "", "{run}");
    run.stdout.lines().map(str::to_string).collect()
}

fn complete(words: &[&str]) -> Vec<String> {
    complete_in(&fixtures(), words)
}

#[test]
fn node_arguments_complete_to_node_ids() {
    let terr = ["terrorism", "terrorist-financing", "terrorist-networks"];
    assert_eq!(complete(&["show", "terr"]), terr);
    assert_eq!(complete(&["related", "terr"]), terr);
    assert_eq!(complete(&["impact", "terr"]), terr);
    assert_eq!(complete(&["path", "nato", "terr"]), terr);
    assert_eq!(complete(&["whatif", "--without", "terr"]), terr);
    assert_eq!(complete(&["export", "--focus", "terr"]), terr);
    // Ids are matched without regard to case when nothing matches exactly.
    assert_eq!(complete(&["show", "NAT"]), ["nato"]);
    assert_eq!(complete(&["show", "zebra"]), Vec::<String>::new());
    // Every node when nothing is typed yet (and the options).
    let all = complete(&["show", ""]);
    assert_eq!(all.iter().filter(|c| !c.starts_with('-')).count(), 78);
}

#[test]
fn kinds_and_relations_complete_from_the_schema() {
    assert_eq!(complete(&["list", "thr"]), ["threat", "threats"]);
    assert_eq!(
        complete(&["related", "nato", "--kind", "act"]),
        ["activity", "activities", "actor", "actors"]
    );
    assert_eq!(complete(&["related", "nato", "--rel", "in"]), ["involves"]);
    assert_eq!(complete(&["export", "--rel", "mit"]), ["mitigates"]);
}

#[test]
fn completion_reads_the_graph_named_on_the_line() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/regional-cooperation.toml");
    let example = example.to_str().unwrap();
    assert_eq!(
        complete(&["-g", example, "show", "coast"]),
        ["coast-guard-a", "coast-guard-b"]
    );
    assert_eq!(
        complete(&[&format!("--graph={example}"), "list", "agr"]),
        ["agreement", "agreements"]
    );
    // A relative path is read from the directory the shell is in.
    assert_eq!(
        complete_in(&fixtures(), &["show", "-g", "good/phishing.toml", "phi"]),
        ["phishing"]
    );
    // A graph that does not load completes nothing, quietly.
    assert_eq!(
        complete(&["-g", "bad/wrong-type.toml", "show", "phi"]),
        Vec::<String>::new()
    );
}

#[test]
fn bash_completes_for_real() {
    let scratch = Scratch::new();
    let Some(bash) = shell("bash", "bash_completes_for_real") else {
        return;
    };
    // What bash does on Tab: fill COMP_WORDS and COMP_CWORD, call the
    // function `complete -F` registered, read COMPREPLY.
    let tab = |script: &Path, function: &str, line: &str| -> Vec<String> {
        let program = format!(
            r#"source "$1"
COMP_LINE="$2"; COMP_POINT=${{#COMP_LINE}}; read -ra COMP_WORDS <<< "$COMP_LINE"
[[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
{function} seccoop "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#
        );
        run_ok(
            &bash,
            &["-c", &program, "bash", script.to_str().unwrap(), line],
        )
        .lines()
        .map(|l| l.trim_end().to_string())
        .filter(|l| !l.is_empty())
        .collect()
    };
    let dynamic = script(&scratch, "bash", true);
    assert_eq!(
        tab(&dynamic, "_clap_complete_seccoop", "seccoop show terr"),
        ["terrorism", "terrorist-financing", "terrorist-networks"]
    );
    assert_eq!(
        tab(&dynamic, "_clap_complete_seccoop", "seccoop sh"),
        ["show"]
    );
    let fixed = script(&scratch, "bash", false);
    assert_eq!(tab(&fixed, "_seccoop", "seccoop sh"), ["show"]);
    assert_eq!(tab(&fixed, "_seccoop", "seccoop completions f"), ["fish"]);
}

#[test]
fn fish_completes_for_real() {
    let scratch = Scratch::new();
    let Some(fish) = shell("fish", "fish_completes_for_real") else {
        return;
    };
    let tab = |script: &Path, line: &str| -> Vec<String> {
        run_ok(
            &fish,
            &[
                "--no-config",
                "-c",
                "source $argv[1]; complete -C $argv[2]",
                script.to_str().unwrap(),
                line,
            ],
        )
        .lines()
        .map(|l| l.split('\t').next().unwrap_or("").to_string())
        .collect()
    };
    let dynamic = script(&scratch, "fish", true);
    assert_eq!(
        tab(&dynamic, "seccoop show terr"),
        ["terrorism", "terrorist-financing", "terrorist-networks"]
    );
    let fixed = script(&scratch, "fish", false);
    assert!(tab(&fixed, "seccoop sh").contains(&"show".to_string()));
}

/// Elvish has its `edit:` module only in an interactive shell; a copy of
/// `script` after a stand-in for the two names the scripts use, then `tail`.
fn with_elvish_editor(scratch: &Scratch, script: &Path, tail: &str) -> PathBuf {
    let stand_in = "var edit: = (ns [&completion:= (ns [&arg-completer= [&]]) \
        &complex-candidate~= {|@a &display='' &code-suffix=''| put $a[0] }])\n";
    let text = std::fs::read_to_string(script).unwrap();
    let name = script.file_name().unwrap().to_str().unwrap();
    scratch.write(
        &format!("{name}.elv"),
        format!("{stand_in}{text}\n{tail}\n"),
    )
}

#[test]
fn elvish_completes_for_real() {
    let scratch = Scratch::new();
    let Some(elvish) = shell("elvish", "elvish_completes_for_real") else {
        return;
    };
    let tab = |script: &Path, words: &str| -> Vec<String> {
        let call = format!("$edit:completion:arg-completer[seccoop] seccoop {words}");
        let path = with_elvish_editor(&scratch, script, &call);
        run_ok(&elvish, &[path.to_str().unwrap()])
            .lines()
            .map(|l| l.trim_start_matches("▶ ").to_string())
            .collect()
    };
    let dynamic = script(&scratch, "elvish", true);
    assert_eq!(
        tab(&dynamic, "show terr"),
        ["terrorism", "terrorist-financing", "terrorist-networks"]
    );
    let fixed = script(&scratch, "elvish", false);
    assert!(tab(&fixed, "sh").contains(&"show".to_string()));
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    seccoop(&["completions", "tcsh"])
        .exits(2)
        .stderr_has(&["invalid value 'tcsh'", "bash"]);
    let mut cmd = command(&fixtures(), &["--", "seccoop", "sh"]);
    cmd.env("COMPLETE", "tcsh");
    finish(cmd, &[])
        .exits(2)
        .stderr_has(&["unknown shell `tcsh`"]);
}
