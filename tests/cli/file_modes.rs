//! Files seccoop writes get the mode any program's new file gets: `0666`
//! less the umask (`0644` under the usual `022`), and a file that exists
//! keeps its mode. Checked for the `-o` of every subcommand, and for the
//! files `convert` and `man --dir` write.
//!
//! Bug: `-o` wrote through a temporary file and kept its private mode, so
//! `list -o l.csv`, `related -o r.json` and `export -o graph.png` made files
//! only their owner could read, while `convert` wrote `0644` whatever the
//! umask said.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use crate::every_command::{CASES, folder};
use crate::harness::{BIN, Run, Scratch, finish, graphviz};

/// `seccoop ARGS` run in `dir` under `umask`.
fn run_with_umask(dir: &Path, umask: &str, args: &[&str]) -> Run {
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null());
    finish(cmd, args)
}

/// The permission bits of `path`.
fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("stat {}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o7777
}

#[test]
fn every_subcommand_writes_its_output_file_with_the_usual_mode() {
    for (umask, expected) in [("022", 0o644), ("027", 0o640)] {
        for case in CASES {
            let scratch = folder();
            let mut args = case.success.to_vec();
            args.extend(["-o", "answer.out"]);
            run_with_umask(scratch.path(), umask, &args).success();
            let got = mode(&scratch.path().join("answer.out"));
            assert_eq!(
                got, expected,
                "{} -o under umask {umask}: {got:o}",
                case.name
            );
        }
    }
}

#[test]
fn answers_in_every_format_are_written_with_the_usual_mode() {
    let scratch = Scratch::new();
    let mut runs: Vec<(Vec<&str>, &str)> = vec![
        (vec!["list", "-o", "l.csv", "--format", "csv"], "l.csv"),
        (vec!["related", "terrorism", "-o", "r.json"], "r.json"),
        (vec!["search", "cyber", "-o", "s.jsonl"], "s.jsonl"),
        (vec!["export", "-o", "graph.dot"], "graph.dot"),
        (vec!["export", "-o", "graph.mmd"], "graph.mmd"),
        (
            vec!["query", "MATCH (t:threat) RETURN t.id", "-o", "q.csv"],
            "q.csv",
        ),
    ];
    if graphviz("answers_in_every_format_are_written_with_the_usual_mode") {
        runs.push((vec!["export", "-o", "graph.png"], "graph.png"));
        runs.push((vec!["export", "-o", "graph.svg"], "graph.svg"));
        runs.push((
            vec!["impact", "capacity-gaps", "-o", "impact.pdf"],
            "impact.pdf",
        ));
    }
    for (args, file) in runs {
        run_with_umask(scratch.path(), "022", &args).success();
        assert_eq!(mode(&scratch.path().join(file)), 0o644, "{args:?}");
    }
}

#[test]
fn converted_graphs_and_manual_pages_get_the_usual_mode() {
    let scratch = folder();
    for (args, files) in [
        (
            vec!["convert", "good.toml", "graph.json"],
            vec!["graph.json"],
        ),
        (vec!["convert", "good.toml", "graph.ttl"], vec!["graph.ttl"]),
        (
            vec!["convert", "good.toml", "csv/"],
            vec!["csv/nodes.csv", "csv/edges.csv"],
        ),
        (
            vec!["man", "--dir", "pages"],
            vec!["pages/seccoop.1", "pages/seccoop-list.1"],
        ),
    ] {
        run_with_umask(scratch.path(), "027", &args).success();
        for file in files {
            assert_eq!(mode(&scratch.path().join(file)), 0o640, "{args:?}: {file}");
        }
    }
}

#[test]
fn a_file_that_exists_keeps_its_mode() {
    let scratch = folder();
    // 0664 is not what umask 022 gives a new file, and 0600 is narrower:
    // both stay as they were.
    for kept in [0o600, 0o664] {
        for (args, file) in [
            (vec!["list", "-o", "answer.txt"], "answer.txt"),
            (vec!["export", "-o", "graph.dot"], "graph.dot"),
            (vec!["convert", "good.toml", "graph.json"], "graph.json"),
        ] {
            let path = scratch.write(file, "old\n");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(kept)).expect("chmod");
            run_with_umask(scratch.path(), "022", &args).success();
            assert_ne!(std::fs::read(&path).expect("read"), b"old\n", "{args:?}");
            assert_eq!(mode(&path), kept, "{args:?} changed the mode of {file}");
        }
    }
}
