//! Each subcommand offers its own `--format`s, and a format it does not
//! offer is a usage error (exit 2) found before any work: no graph read,
//! no node looked up, no file written.
//!
//! Bug: `seccoop list zebras --format dot` exited 1 (unknown kind): the
//! format was checked only after the graph had loaded and the kind failed.

use crate::every_command::folder;
use crate::harness::seccoop;

/// `(arguments, the formats the usage error must offer)`: a format the
/// command does not offer, with a runtime error the command would hit if
/// it ran (an unknown kind or node, a graph file that does not exist).
const CASES: &[(&[&str], &str)] = &[
    (
        &["list", "zebras", "--format", "dot"],
        "table, json, jsonl, csv",
    ),
    (
        &["-g", "nowhere.toml", "list", "--format", "svg"],
        "table, json, jsonl, csv",
    ),
    (
        &["-g", "nowhere.toml", "search", "cyber", "--format", "png"],
        "table, json, jsonl, csv",
    ),
    (
        &["show", "natoo", "--format", "csv"],
        "table, json, dot, mermaid, svg, png, pdf, html",
    ),
    (
        &["-g", "nowhere.toml", "impact", "nato", "--format", "jsonl"],
        "table, json, dot, mermaid, svg, png, pdf, html",
    ),
    (
        &["path", "nato", "nowhere-at-all", "--format", "csv"],
        "table, json, dot, mermaid, svg, png, pdf, html",
    ),
    (
        &["-g", "nowhere.toml", "stats", "--format", "dot"],
        "table, json",
    ),
    (
        &["-g", "bad.toml", "gaps", "--format", "csv"],
        "table, json",
    ),
    (
        &["whatif", "--without", "natoo", "--format", "mermaid"],
        "table, json",
    ),
    (
        &["-g", "nowhere.toml", "export", "--format", "json"],
        "dot, mermaid, svg, png, pdf, html",
    ),
    (
        &["check", "nowhere.toml", "--format", "jsonl"],
        "table, json",
    ),
    (
        &["convert", "nowhere.toml", "out.json", "--format", "csv"],
        "table, json",
    ),
    (
        &["generate", "--nodes", "20", "out", "--format", "dot"],
        "table, json",
    ),
    (&["schema", "--format", "table"], "json"),
    // The format named by -o's extension is a choice too.
    (
        &["-g", "nowhere.toml", "-o", "nodes.svg", "list"],
        "table, json, jsonl, csv",
    ),
    (
        &["-g", "nowhere.toml", "-o", "stats.csv", "stats"],
        "table, json",
    ),
];

#[test]
fn a_format_the_command_does_not_offer_is_a_usage_error_before_any_work() {
    for &(args, offered) in CASES {
        let scratch = folder();
        let before = std::fs::read_dir(scratch.path()).expect("list").count();
        let run = scratch.run(args);
        let command = args
            .iter()
            .find(|a| {
                [
                    "list", "search", "show", "impact", "path", "stats", "gaps", "whatif",
                    "export", "check", "convert", "generate", "schema",
                ]
                .contains(a)
            })
            .expect("a subcommand");
        let format = match args.iter().position(|&a| a == "--format") {
            Some(i) => args[i + 1],
            None => args[args.iter().position(|&a| a == "-o").expect("-o") + 1]
                .rsplit('.')
                .next()
                .expect("an extension"),
        };
        run.exits(2).stdout_is("").stderr_is(&format!(
            "error: `{command}` does not print --format {format}\n  help: use one of: {offered}\n"
        ));
        let after = std::fs::read_dir(scratch.path()).expect("list").count();
        assert_eq!(after, before, "{args:?} wrote a file");
    }
}

#[test]
fn the_usage_error_wins_over_a_graph_file_that_cannot_be_read() {
    // Without the format, the same command line is a runtime error.
    seccoop(&["-g", "nowhere.toml", "list"])
        .exits(1)
        .stderr_has(&["cannot read `nowhere.toml`"]);
    seccoop(&["-g", "nowhere.toml", "list", "--format", "dot"])
        .exits(2)
        .stderr_is(
            "error: `list` does not print --format dot\n  help: use one of: table, json, jsonl, csv\n",
        );
}

#[test]
fn export_draws_dot_unless_told_otherwise_and_answers_print_tables() {
    seccoop(&["export", "--focus", "nato"])
        .success()
        .stdout_has(&["digraph"]);
    let list = seccoop(&["-g", "good/solar-system.toml", "list"]);
    list.success();
    assert!(list.stdout.starts_with("ID "), "{list}");
}

#[test]
fn an_output_name_naming_a_format_the_command_does_not_print_is_a_usage_error() {
    // `.txt` names a table, which export does not draw: a usage error,
    // before the unknown --focus node is looked up.
    let scratch = folder();
    scratch
        .run(&["export", "--focus", "natoo", "-o", "graph.txt"])
        .exits(2)
        .stderr_has(&["`export` does not print --format table"]);
    assert!(!scratch.path().join("graph.txt").exists());
}

#[test]
fn every_command_refuses_an_output_named_as_a_graph_file() {
    // An answer in `r.graphml` or `l.toml` would pass for the graph itself.
    for args in [
        &["related", "terrorism", "-o", "r.graphml"][..],
        &["list", "threats", "-o", "l.toml"],
        &["gaps", "-o", "g.ttl"],
    ] {
        let command = args[0];
        seccoop(args).exits(2).stderr_has(&[
            &format!("error: `{command}` does not write"),
            "`seccoop convert` writes the graph as",
        ]);
    }
    // `.json` names an answer format as well as a graph format: it is JSON.
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r.json");
    seccoop(&["related", "terrorism", "-o", out.to_str().expect("utf-8")]).success();
    assert!(out.exists());
}
