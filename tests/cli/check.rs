//! `seccoop check [FILE]...`.

use crate::harness::{assert_keys, seccoop};

#[test]
fn the_embedded_graph_passes() {
    seccoop(&["check"])
        .success()
        .stdout_is("ok <embedded>/security-cooperation.toml: 78 nodes, 215 edges, no problems\n")
        .stderr_is("");
}

#[test]
fn the_embedded_graph_passes_in_json() {
    let json = seccoop(&["check", "--format", "json"]).success().json();
    assert_eq!(
        json,
        serde_json::json!({
            "ok": true,
            "files": ["<embedded>/security-cooperation.toml"],
            "nodes": 78,
            "edges": 215,
            "problems": []
        })
    );
}

#[test]
fn a_good_user_file_passes() {
    seccoop(&["check", "good/solar-system.toml"])
        .success()
        .stdout_is("ok good/solar-system.toml: 4 nodes, 2 edges, no problems\n");
}

#[test]
fn checks_the_files_given_with_graph_when_none_follow() {
    seccoop(&["-g", "good/solar-system.toml", "check"])
        .success()
        .stdout_is("ok good/solar-system.toml: 4 nodes, 2 edges, no problems\n");
    seccoop(&[
        "-g",
        "good/solar-system.toml",
        "check",
        "bad/wrong-type.toml",
    ])
    .exits(1)
    .stderr_has(&["bad/wrong-type.toml:4:8"]);
}

/// Where each problem of `bad/many-problems.toml` is, and what it is.
const MANY_PROBLEMS: [(&str, &str); 6] = [
    ("10:8", "unknown kind `activty`"),
    ("16:8", "`name` must be a string, not integer"),
    ("24:6", "duplicate node id `phishing`"),
    ("30:7", "unknown relation `adresses`"),
    ("36:6", "edge to `phising` is not a node of the graph"),
    (
        "38:1",
        "`addresses` cannot go from threat `phishing` to activity `firewalls`",
    ),
];

#[test]
fn a_bad_file_fails_and_reports_every_problem_in_one_run() {
    let run = seccoop(&["check", "bad/many-problems.toml"]);
    run.error();
    for (at, message) in MANY_PROBLEMS {
        run.stderr_has(&[
            &format!("[bad/many-problems.toml:{at}]"),
            &format!("× {message}"),
        ]);
    }
    run.stderr_has(&["error: 6 problems in bad/many-problems.toml\n"]);
    insta::assert_snapshot!(run.stderr);
}

#[test]
fn a_bad_file_in_json() {
    let run = seccoop(&["check", "bad/many-problems.toml", "--format", "json"]);
    let json = run.exits(1).json();
    assert_eq!(json["ok"], false);
    assert_eq!(json["files"], serde_json::json!(["bad/many-problems.toml"]));
    let problems = json["problems"].as_array().expect("problems is an array");
    assert_eq!(problems.len(), MANY_PROBLEMS.len());
    for (problem, (at, message)) in problems.iter().zip(MANY_PROBLEMS) {
        assert_keys(problem, &["file", "line", "column", "message", "help"]);
        assert_eq!(problem["file"], "bad/many-problems.toml");
        let position = format!("{}:{}", problem["line"], problem["column"]);
        assert_eq!(position, at);
        assert_eq!(problem["message"], message);
    }
    assert_eq!(run.stderr, "", "JSON output puts the problems on stdout");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn files_are_checked_together() {
    // Alone, edges.toml names nodes it does not define.
    seccoop(&["check", "multi/edges.toml"])
        .exits(1)
        .stderr_has(&[
            "[multi/edges.toml:4:8]",
            "× edge from `awareness-training` is not a node of the graph",
            "[multi/edges.toml:6:6]",
            "× edge to `phishing` is not a node of the graph",
        ]);
    // With nodes.toml, which defines them, it is fine.
    let json = seccoop(&[
        "check",
        "multi/nodes.toml",
        "multi/edges.toml",
        "--format",
        "json",
    ])
    .success()
    .json();
    assert_eq!(json["ok"], true);
    assert_eq!(
        json["files"],
        serde_json::json!(["multi/nodes.toml", "multi/edges.toml"])
    );
    assert_eq!(json["nodes"], 2);
    assert_eq!(json["edges"], 1);
}

#[test]
fn a_duplicate_across_files_points_at_the_first_file() {
    seccoop(&["check", "good/phishing.toml", "bad/duplicate-id.toml"])
        .exits(1)
        .stderr_has(&[
            "[bad/duplicate-id.toml:2:6]",
            "[bad/duplicate-id.toml:7:6]",
            "help: first defined at good/phishing.toml:8:6",
            "error: 2 problems in good/phishing.toml, bad/duplicate-id.toml\n",
        ]);
}
