//! What every subcommand promises, checked for each in one table: its exit
//! codes (0 success, 1 runtime error, 2 usage error) and its `--help`
//! naming them; a closed pipe ending it quietly; and `-o FILE` replacing a
//! file only on success, leaving no temporary file behind.

use std::fmt::Write as _;
use std::path::Path;

use crate::harness::{Run, Scratch, command, fixtures, head_1, seccoop_in};

/// One subcommand: a run that succeeds, one that fails at run time and one
/// that is a usage error. Paths are relative to a scratch folder that holds
/// `good.toml` (a small good graph) and `bad.toml` (a graph with a problem).
pub(crate) struct Case {
    pub(crate) name: &'static str,
    pub(crate) success: &'static [&'static str],
    runtime: &'static [&'static str],
    usage: &'static [&'static str],
}

pub(crate) const CASES: &[Case] = &[
    Case {
        name: "list",
        success: &["list", "threats"],
        runtime: &["list", "zebras"],
        usage: &["list", "--format", "dot"],
    },
    Case {
        name: "show",
        success: &["show", "nato"],
        runtime: &["show", "natoo"],
        usage: &["show"],
    },
    Case {
        name: "search",
        success: &["search", "cyber"],
        runtime: &["-g", "bad.toml", "search", "cyber"],
        usage: &["search", "cyber", "--format", "mermaid"],
    },
    Case {
        name: "related",
        success: &["related", "terrorism"],
        runtime: &["related", "terorism"],
        usage: &["related", "terrorism", "--dir", "sideways"],
    },
    Case {
        name: "check",
        success: &["check", "good.toml"],
        runtime: &["check", "bad.toml"],
        usage: &["check", "--format", "csv"],
    },
    Case {
        name: "stats",
        success: &["stats"],
        runtime: &["-g", "missing.toml", "stats"],
        usage: &["stats", "--format", "dot"],
    },
    Case {
        name: "impact",
        success: &["impact", "capacity-gaps"],
        runtime: &["impact", "capacity-gapz-and-more"],
        usage: &["impact", "capacity-gaps", "--depth", "deep"],
    },
    Case {
        name: "path",
        success: &["path", "nato", "terrorism"],
        runtime: &["path", "nato", "nowhere-at-all"],
        usage: &["path", "nato"],
    },
    Case {
        name: "explain",
        success: &[
            "explain",
            "border-security-cooperation",
            "addresses",
            "terrorism",
        ],
        runtime: &["explain", "nato", "addresses", "terrorism"],
        usage: &["explain", "nato", "addresses"],
    },
    Case {
        name: "gaps",
        success: &["gaps"],
        runtime: &["-g", "bad.toml", "gaps"],
        usage: &["gaps", "--format", "dot"],
    },
    Case {
        name: "matrix",
        success: &["matrix"],
        runtime: &["matrix", "--rows", "zebras"],
        usage: &["matrix", "--format", "dot"],
    },
    Case {
        name: "whatif",
        success: &["whatif", "--without", "nato"],
        runtime: &["whatif", "--without", "natoo"],
        usage: &["whatif"],
    },
    Case {
        name: "prioritize",
        success: &["prioritize", "--budget", "3"],
        runtime: &["prioritize", "--budget", "3", "--keep", "natoo"],
        usage: &["prioritize"],
    },
    Case {
        name: "rank",
        success: &["rank", "--by", "coverage"],
        runtime: &["rank", "--kind", "zebras"],
        usage: &["rank", "--by", "fame"],
    },
    Case {
        name: "export",
        success: &["export", "--focus", "nato"],
        runtime: &["export", "--focus", "natoo"],
        usage: &["export", "--format", "csv"],
    },
    Case {
        name: "generate",
        success: &["generate", "--nodes", "20", "generated"],
        runtime: &["generate", "--nodes", "20", "good.toml/generated"],
        usage: &["generate", "--nodes", "20", "generated", "--format", "dot"],
    },
    Case {
        name: "convert",
        success: &["convert", "good.toml", "converted.json"],
        runtime: &["convert", "bad.toml", "converted.json"],
        usage: &["convert", "good.toml", "converted.weird"],
    },
    Case {
        name: "query",
        success: &["query", "MATCH (t:threat) RETURN count(t) AS n"],
        runtime: &["query", "RETURN undefined_variable"],
        usage: &["query", "--param", "no-equals-sign", "RETURN 1"],
    },
    Case {
        name: "schema",
        success: &["schema"],
        runtime: &["-o", "missing/schema.json", "schema"],
        usage: &["schema", "--format", "csv"],
    },
    Case {
        name: "completions",
        success: &["completions", "bash"],
        runtime: &["-o", "missing/seccoop.bash", "completions", "bash"],
        usage: &["completions", "tcsh"],
    },
    Case {
        name: "man",
        success: &["man"],
        // A file where the folder of pages should be.
        runtime: &["man", "--dir", "good.toml"],
        usage: &["man", "--format", "json"],
    },
];

/// A scratch folder with `good.toml` and `bad.toml`.
pub(crate) fn folder() -> Scratch {
    let scratch = Scratch::new();
    let fixture = |name: &str| {
        std::fs::read(fixtures().join(name)).unwrap_or_else(|e| panic!("read {name}: {e}"))
    };
    scratch.write("good.toml", fixture("good/solar-system.toml"));
    scratch.write("bad.toml", fixture("bad/wrong-type.toml"));
    scratch
}

#[test]
fn the_table_covers_every_subcommand() {
    let help = seccoop_in(&fixtures(), &["--help"]);
    let listed: Vec<&str> = help
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A wrapped description continues on a deeper indent.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|&c| c != "help")
        .collect();
    let tested: Vec<&str> = CASES.iter().map(|c| c.name).collect();
    assert_eq!(listed, tested, "every subcommand needs a row in CASES");
}

#[test]
fn exit_codes_of_every_subcommand() {
    for case in CASES {
        let scratch = folder();
        let run = scratch.run(case.success);
        run.success();
        let run = scratch.run(case.runtime);
        run.error();
        assert!(
            run.stderr.contains("help:"),
            "the error says what to do\n{run}"
        );
        // Found by this test: generate and convert wrote their output
        // before refusing the --format; a usage error must write nothing.
        let before = files(scratch.path());
        let run = scratch.run(case.usage);
        run.exits(2).stdout_is("");
        assert!(run.stderr.starts_with("error: "), "{run}");
        assert_eq!(files(scratch.path()), before, "{} wrote files", case.name);
    }
}

/// The names in `dir`, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read the folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_subcommand_help_shows_the_exit_codes() {
    for case in CASES {
        seccoop_in(&fixtures(), &[case.name, "--help"])
            .success()
            .stdout_has(&[
                &format!("Usage: seccoop {}", case.name),
                "Exit codes:\n  0  success",
                "  1  a runtime error",
                "  2  a usage error",
            ]);
    }
}

#[test]
fn a_backtrace_request_changes_nothing() {
    // RUST_BACKTRACE=1 must not turn an error into a trace.
    for case in CASES {
        let scratch = folder();
        for args in [case.runtime, case.usage] {
            let mut cmd = command(scratch.path(), args);
            cmd.env("RUST_BACKTRACE", "1");
            let run = crate::harness::finish(cmd, args);
            assert!(!run.stderr.contains("backtrace"), "{run}");
            assert!(run.code == 1 || run.code == 2, "{run}");
        }
    }
}

/// A graph whose answers are far bigger than a pipe's buffer (64 KiB):
/// two actors involved in 3,000 activities, each addressing its own threat.
fn big_graph() -> String {
    let mut toml = String::from(
        "[[nodes]]\nid = \"hub\"\nkind = \"actor\"\nname = \"Hub\"\n\n\
         [[nodes]]\nid = \"other\"\nkind = \"actor\"\nname = \"Other\"\n\n",
    );
    for i in 0..3000 {
        let _ = write!(
            toml,
            "[[nodes]]\nid = \"activity-{i:04}\"\nkind = \"activity\"\nname = \"Activity {i:04} with a name long enough to fill lines\"\n\n\
             [[nodes]]\nid = \"threat-{i:04}\"\nkind = \"threat\"\nname = \"Threat {i:04}\"\n\n\
             [[edges]]\nfrom = \"activity-{i:04}\"\nrel = \"involves\"\nto = \"hub\"\n\n\
             [[edges]]\nfrom = \"activity-{i:04}\"\nrel = \"involves\"\nto = \"other\"\n\n\
             [[edges]]\nfrom = \"activity-{i:04}\"\nrel = \"addresses\"\nto = \"threat-{i:04}\"\n\n"
        );
    }
    toml
}

#[test]
fn a_closed_pipe_ends_every_long_answer_quietly() {
    let scratch = Scratch::new();
    scratch.write("big.toml", big_graph());
    // A failed check's report is long too, and keeps its exit code 1.
    let mut bad = String::new();
    for i in 0..1000 {
        let _ = write!(
            bad,
            "[[nodes]]\nid = \"n{i}\"\nkind = \"threet\"\nname = \"N{i}\"\n\n"
        );
    }
    scratch.write("bad.toml", bad);
    // Every subcommand whose answer runs to many lines; `generate` and
    // `convert` print one line.
    let cases: &[&[&str]] = &[
        &["list"],
        &["show", "hub"],
        &["search", "activity"],
        &["related", "hub"],
        &["stats"],
        &["impact", "hub", "--depth", "2"],
        &["path", "hub", "other", "--all", "--max-hops", "2"],
        &["gaps"],
        &["whatif", "--without", "activity-0000"],
        &["export"],
        &["query", "MATCH (n) RETURN n.id, n.name"],
    ];
    let cases = cases
        .iter()
        .map(|args| {
            (
                ["-g", "big.toml"]
                    .iter()
                    .chain(args.iter())
                    .copied()
                    .collect(),
                0,
            )
        })
        .chain([(vec!["check", "bad.toml", "--format", "json"], 1)]);
    for (all, code) in cases {
        let args = &all;
        // Only a long answer makes the test able to fail: a short one fits
        // in the pipe's buffer before the pipe closes.
        let whole = scratch.run(&all);
        whole.exits(code);
        assert!(
            whole.stdout.len() > 96 * 1024,
            "{args:?} prints only {} bytes",
            whole.stdout.len()
        );
        let (line, status, stderr) = head_1(scratch.path(), &all);
        assert!(!line.is_empty(), "{args:?} printed nothing");
        assert_eq!(
            status,
            Some(code),
            "{args:?}: killed or failed; stderr: {stderr}"
        );
        // Warnings of the answer itself (`path --all` was cut) may stay.
        for sign in ["pipe", "panicked", "error"] {
            assert!(!stderr.contains(sign), "{args:?} complained: {stderr}");
        }
    }
}

/// The names in `dir` that look like a temporary file of `-o`.
fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read the folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".seccoop-") || n.ends_with(".tmp"))
        .collect()
}

#[test]
fn a_failed_run_leaves_an_existing_output_file_alone() {
    // Found by this test: a failed query replaced the file with an empty one.
    // Every subcommand, failing at run time with -o naming an existing file
    // (a failed check in JSON writes its report: see the next test).
    let before = "the answer of an earlier run\n".repeat(1000);
    for case in CASES {
        // `schema` and `completions` fail only when writing fails: the
        // next test covers that.
        if case.runtime.contains(&"-o") {
            continue;
        }
        // A name whose extension names no format, so each command prints
        // its own default: `.txt` names a table, which `export` does not
        // print, and that usage error would win before the run fails.
        let scratch = folder();
        scratch.write("answer.out", &before);
        let mut args = case.runtime.to_vec();
        args.extend(["-o", "answer.out"]);
        scratch.run(&args).error();
        let after = std::fs::read_to_string(scratch.path().join("answer.out")).expect("read");
        assert!(after == before, "{} changed answer.out", case.name);
        assert_eq!(
            temp_files(scratch.path()),
            Vec::<String>::new(),
            "{}",
            case.name
        );
    }
}

#[test]
fn a_failed_check_writes_its_whole_report() {
    let scratch = folder();
    scratch.write("report.json", "old");
    let run = scratch.run(&["check", "bad.toml", "--format", "json", "-o", "report.json"]);
    run.exits(1).stdout_is("");
    let text = std::fs::read_to_string(scratch.path().join("report.json")).expect("read");
    let report: serde_json::Value = serde_json::from_str(&text).expect("a whole JSON report");
    assert_eq!(report["ok"], false);
    assert_eq!(temp_files(scratch.path()), Vec::<String>::new());
}

#[test]
fn a_write_that_fails_leaves_no_temporary_file() {
    // The answer is ready, but `-o` names a folder: the rename over it
    // fails after the temporary file was written, and it must be removed.
    for case in CASES {
        let scratch = folder();
        std::fs::create_dir(scratch.path().join("taken")).expect("mkdir");
        scratch.write("taken/keep.txt", "kept");
        let mut args = case.success.to_vec();
        args.extend(["-o", "taken"]);
        let run: Run = scratch.run(&args);
        run.error().stderr_has(&[
            "error: cannot write `taken`",
            "help: check that the folder exists and is writable",
        ]);
        assert_eq!(
            temp_files(scratch.path()),
            Vec::<String>::new(),
            "{}",
            case.name
        );
        assert_eq!(
            std::fs::read_to_string(scratch.path().join("taken/keep.txt")).expect("read"),
            "kept"
        );
    }
}
