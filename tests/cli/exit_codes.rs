//! Exit codes are part of the interface: 0 success (an empty answer too),
//! 1 a runtime error or a failed check, 2 a usage error.

use std::fmt::Write as _;

use crate::harness::{Scratch, head_1, seccoop};

#[test]
fn success_is_0() {
    seccoop(&["list"]).success();
}

#[test]
fn an_empty_answer_is_0() {
    seccoop(&["search", "zebra"]).success().stdout_is("");
    seccoop(&["related", "terrorism", "--dir", "out"])
        .success()
        .stdout_is("");
}

#[test]
fn a_runtime_error_is_1() {
    seccoop(&["show", "terorism"]).error();
    seccoop(&["-g", "bad/wrong-type.toml", "stats"]).error();
}

#[test]
fn a_failed_check_is_1() {
    seccoop(&["check", "bad/wrong-type.toml"]).error();
    seccoop(&["check", "bad/wrong-type.toml", "--format", "json"]).exits(1);
}

#[test]
fn usage_errors_are_2() {
    for args in [
        &["list", "--bogus"][..],
        &["--bogus", "list"],
        &["show"],
        &["related"],
        &["search"],
        &["related", "terrorism", "--dir", "sideways"],
        &["list", "--format", "yaml"],
        &["frobnicate"],
    ] {
        let run = seccoop(args);
        run.exits(2).stdout_is("");
        assert!(run.stderr.starts_with("error: "), "{run}");
        run.stderr_has(&["For more information, try '--help'."]);
    }
}

#[test]
fn no_subcommand_is_2_and_shows_the_usage() {
    seccoop(&[])
        .exits(2)
        .stdout_is("")
        .stderr_has(&["Usage: seccoop [OPTIONS] <COMMAND>", "Commands:"]);
}

#[test]
fn a_bad_dir_value_lists_the_good_ones() {
    seccoop(&["related", "terrorism", "--dir", "sideways"])
        .exits(2)
        .stderr_has(&[
            "invalid value 'sideways' for '--dir <DIR>'",
            "[possible values: in, out, both]",
        ]);
}

#[test]
fn help_is_0_and_documents_the_exit_codes() {
    for flag in ["--help", "-h"] {
        seccoop(&[flag]).success().stdout_has(&[
            "Usage: seccoop [OPTIONS] <COMMAND>",
            "Exit codes:",
            "  0  success",
            "  1  a runtime error",
            "  2  a usage error",
        ]);
    }
    seccoop(&["related", "--help"])
        .success()
        .stdout_has(&["Usage: seccoop related [OPTIONS] <NODE>"]);
}

#[test]
fn version_is_0() {
    seccoop(&["--version"])
        .success()
        .stdout_is(&format!("seccoop {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    // `seccoop list | head -1`. The embedded graph's answers fit in a pipe's
    // buffer, so with them the write would finish before the pipe closes
    // and the test could not fail; 1.6 MB of answer do not fit.
    let mut graph = String::new();
    for i in 0..20_000 {
        let _ = write!(
            graph,
            "[[nodes]]\nid = \"threat-{i:05}\"\nkind = \"threat\"\nname = \"A threat with a long name, number {i:05}, to fill the pipe\"\n\n"
        );
    }
    let scratch = Scratch::new();
    scratch.write("big.toml", graph);
    let (line, code, stderr) = head_1(scratch.path(), &["-g", "big.toml", "list"]);
    assert!(line.starts_with("ID "), "{line}");
    assert_eq!(
        code,
        Some(0),
        "killed by a signal, or failed; stderr: {stderr}"
    );
    for sign in ["Broken pipe", "broken pipe", "panicked", "error"] {
        assert!(!stderr.contains(sign), "stderr: {stderr}");
    }
}
