//! `seccoop query`: Cypher over the loaded graph.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::process::Stdio;

use crate::harness::{BIN, Scratch, assert_keys, command, finish, fixtures, seccoop};

const ADDRESSES_TERRORISM: &str =
    "MATCH (a:activity)-[:addresses]->(:threat {id: \"terrorism\"}) RETURN a.id";

#[test]
fn the_example_query_as_a_table() {
    seccoop(&[
        "query",
        "MATCH (a:activity)-[:addresses]->(t:threat {id: \"terrorism\"}) RETURN a.id, a.name ORDER BY a.name",
    ])
    .success()
    .stdout_is(
        "\
a.id                           a.name
border-security-cooperation    Border Security Cooperation
combating-financial-terrorism  Combating Financial Terrorism
counter-terrorism-cooperation  Counter-terrorism Cooperation
intelligence-sharing           Intelligence Sharing
",
    )
    .stderr_is("");
}

#[test]
fn returns_exactly_what_related_returns() {
    let related = seccoop(&[
        "related",
        "terrorism",
        "--rel",
        "addresses",
        "--kind",
        "activity",
        "--format",
        "json",
    ])
    .success()
    .json();
    let expected: BTreeSet<String> = related
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| r["id"].as_str().expect("an id").to_string())
        .collect();
    let query = seccoop(&["query", ADDRESSES_TERRORISM, "--format", "json"])
        .success()
        .json();
    let got: BTreeSet<String> = query
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| r["a.id"].as_str().expect("a.id").to_string())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(got, expected);
}

#[test]
fn json_is_an_array_of_objects_keyed_by_column_in_order() {
    let run = seccoop(&[
        "query",
        "MATCH (t:threat {id: 'terrorism'}) RETURN t.name AS name, t.id AS id, labels(t) AS labels, 1.5 AS x, null AS nothing",
        "--format",
        "json",
    ]);
    run.success().stdout_is(
        "\
[
  {
    \"name\": \"Terrorism\",
    \"id\": \"terrorism\",
    \"labels\": [
      \"threat\"
    ],
    \"x\": 1.5,
    \"nothing\": null
  }
]
",
    );
}

#[test]
fn nodes_in_json_carry_id_labels_and_properties() {
    let json = seccoop(&[
        "query",
        "MATCH (t:threat {id: 'terrorism'})<-[r:addresses]-(a {id: 'intelligence-sharing'}) RETURN t, r",
        "--format",
        "json",
    ])
    .success()
    .json();
    let row = &json[0];
    assert_keys(&row["t"], &["id", "labels", "properties"]);
    assert_eq!(row["t"]["id"], "terrorism");
    assert_eq!(row["t"]["properties"]["name"], "Terrorism");
    assert_keys(&row["r"], &["id", "type", "from", "to", "properties"]);
    assert_eq!(row["r"]["type"], "addresses");
    assert_eq!(row["r"]["from"], "intelligence-sharing");
    assert_eq!(row["r"]["to"], "terrorism");
}

#[test]
fn jsonl_and_csv() {
    let q = "UNWIND [1, 2] AS x RETURN x, 'a, b' AS s";
    seccoop(&["query", q, "--format", "jsonl"])
        .success()
        .stdout_is("{\"x\":1,\"s\":\"a, b\"}\n{\"x\":2,\"s\":\"a, b\"}\n");
    seccoop(&["query", q, "--format", "csv"])
        .success()
        .stdout_is("x,s\n1,\"a, b\"\n2,\"a, b\"\n");
}

#[test]
fn a_derived_relationship_has_basis_derived() {
    let query = "MATCH (a:activity)-[r:addresses]->(:threat {id: 'terrorism'}) \
                 WHERE r.basis = 'derived' RETURN a.id, r.basis";
    seccoop(&["query", query])
        .success()
        .stdout_is("a.id                         r.basis\nborder-security-cooperation  derived\n");
    // Without reasoning there is none.
    seccoop(&["--no-reasoning", "query", query])
        .success()
        .stdout_is("");
}

#[test]
fn aggregation_with_implicit_grouping() {
    seccoop(&[
        "query",
        "MATCH (a:activity)-[:addresses]->(t:threat) WHERE t.id IN ['terrorism', 'pandemics'] RETURN t.id AS threat, count(a) AS n ORDER BY threat",
    ])
    .success()
    .stdout_is(
        "\
threat     n
pandemics  4
terrorism  4
",
    );
}

#[test]
fn parameters_are_literals_or_strings() {
    seccoop(&[
        "query",
        "--param",
        "t=terrorism",
        "--param",
        "n=2",
        "MATCH (x {id: $t}) RETURN x.name, $n + 1 AS m",
    ])
    .success()
    .stdout_is("x.name     m\nTerrorism  3\n");
}

#[test]
fn a_bad_param_is_a_usage_error() {
    seccoop(&["query", "--param", "novalue", "RETURN 1"])
        .exits(2)
        .stderr_has(&["expected NAME=VALUE"]);
}

#[test]
fn a_missing_param_says_how_to_pass_it() {
    seccoop(&["query", "RETURN $who"])
        .error()
        .stderr_has(&["missing parameter `$who`", "--param who=VALUE"]);
}

#[test]
fn reads_the_query_from_a_file() {
    let dir = Scratch::new();
    dir.write(
        "q.cypher",
        "// threats, by name\nMATCH (t:threat {id: 'terrorism'})\nRETURN t.name\n",
    );
    dir.run(&["query", "-f", "q.cypher"])
        .success()
        .stdout_is("t.name\nTerrorism\n");
    dir.run(&["query", "--file", "missing.cypher"])
        .error()
        .stderr_has(&["cannot read `missing.cypher`"]);
}

#[test]
fn reads_the_query_from_stdin_when_it_is_not_a_terminal() {
    let mut cmd = command(&fixtures(), &["query"]);
    cmd.stdin(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn seccoop");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"MATCH (t:threat {id: 'terrorism'}) RETURN t.name")
        .expect("write the query");
    let out = child.wait_with_output().expect("wait for seccoop");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "t.name\nTerrorism\n");
}

#[test]
fn a_syntax_error_points_at_line_and_column_and_says_what_was_expected() {
    let run = seccoop(&["query", "MATCH (a:activity)\nRETURN a.id,"]);
    run.error().stderr_has(&[
        "syntax error: expected an expression, found the end of the query",
        "[<query>:2:13]",
        "2 │ RETURN a.id,",
    ]);
    seccoop(&["query", "MATCH (a:activity RETURN a"])
        .error()
        .stderr_has(&[
            "expected `)` to close the node pattern, found `RETURN`",
            "[<query>:1:19]",
        ]);
}

#[test]
fn a_syntax_error_in_a_file_names_the_file() {
    let dir = Scratch::new();
    dir.write("bad.cypher", "MATCH (n)\nRETURN n.id ORDER n.id\n");
    dir.run(&["query", "-f", "bad.cypher"])
        .error()
        .stderr_has(&["[bad.cypher:2:19]", "expected `BY`, found `n`"]);
}

#[test]
fn unknown_labels_types_and_properties_warn_with_the_nearest_names() {
    let run = seccoop(&["query", "MATCH (a:activty)-[:adresses]->(t) RETURN a.nmae"]);
    run.success().stdout_is("").stderr_has(&[
        "⚠ the graph has no label `activty`, so this matches nothing",
        "help: did you mean `activity`?",
        "⚠ the graph has no relationship type `adresses`, so this matches nothing",
        "help: did you mean `addresses`?",
        "property `nmae`, so it is null everywhere",
        "help: did you mean `name`?",
        "the query returned no rows",
    ]);
}

#[test]
fn runtime_type_errors_are_reported_not_panics() {
    seccoop(&["query", "MATCH (t:threat) RETURN t.name - 1"])
        .error()
        .stderr_has(&["cannot compute string - integer", "[<query>:1:25]"]);
    seccoop(&["query", "RETURN 1 / 0"])
        .error()
        .stderr_has(&["division by zero"]);
}

#[test]
fn undefined_variables_suggest_the_nearest() {
    seccoop(&["query", "MATCH (threat:threat) RETURN thraet.id"])
        .error()
        .stderr_has(&["variable `thraet` is not defined", "did you mean `threat`?"]);
}

#[test]
fn writes_are_refused_with_a_reason() {
    seccoop(&["query", "MATCH (n) DETACH DELETE n"])
        .error()
        .stderr_has(&["`DETACH` is not supported", "queries only read the graph"]);
    seccoop(&["query", "CREATE (n:threat {id: 'x'})"])
        .error()
        .stderr_has(&[
            "CREATE is not supported: seccoop queries only read the graph",
            "[<query>:1:1]",
            "help: to add nodes or edges, edit the graph's files",
        ]);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("RETURN {}1{}", "[".repeat(50_000), "]".repeat(50_000));
    seccoop(&["query", &deep])
        .error()
        .stderr_has(&["nests more than 200 levels deep"]);
}

#[test]
fn an_unbounded_variable_length_pattern_warns_when_cut() {
    let run = seccoop(&[
        "query",
        "--max-hops",
        "2",
        "MATCH (t {id: 'terrorism'})-[*]-(x) RETURN count(DISTINCT x) AS n",
    ]);
    run.success()
        .stderr_has(&["stopped at 2 hops", "raise --max-hops"]);
}

#[test]
fn paths_and_nodes_draw_as_diagrams() {
    let run = seccoop(&[
        "query",
        "MATCH p = (:activity {id: 'intelligence-sharing'})-[:addresses]->(:threat) RETURN p",
        "--format",
        "mermaid",
    ]);
    run.success()
        .stdout_has(&["flowchart", "intelligence-sharing", "terrorism"]);
    seccoop(&[
        "query",
        "MATCH (t:threat {id: 'terrorism'}) RETURN t",
        "--format",
        "dot",
    ])
    .success()
    .stdout_has(&["digraph", "terrorism"]);
}

#[test]
fn query_errors_are_reported_like_every_other_error() {
    // Each is a runtime error (exit 1) in the `error:` / `help:` form.
    seccoop(&["query", "  "]).exits(1).stdout_is("").stderr_is(
        "error: the query is empty\n  \
         help: pass one, e.g. `seccoop query 'MATCH (n:threat) RETURN n.id'`\n",
    );
    seccoop(&["query", "-f", "nowhere.cypher"])
        .exits(1)
        .stdout_is("")
        .stderr_is(
            "error: cannot read `nowhere.cypher`: no such file or directory\n  \
             help: check the path; `-f FILE` takes a file holding one query\n",
        );
}

#[test]
fn the_warnings_of_an_answer_that_cannot_be_drawn_come_before_the_error() {
    let run = seccoop(&[
        "query",
        "MATCH (n:threatt) RETURN 1 AS x",
        "--format",
        "dot",
    ]);
    run.exits(1).stdout_is("");
    let warning = run.stderr.find("no label `threatt`").expect("the warning");
    let error = run
        .stderr
        .find("error: the answer has no nodes or relationships to draw\n  help: return nodes")
        .expect("the error");
    assert!(warning < error, "{run}");
}

#[test]
fn an_answer_without_nodes_cannot_be_drawn() {
    seccoop(&["query", "RETURN 1 AS x", "--format", "dot"])
        .error()
        .stderr_has(&["no nodes or relationships to draw"]);
}

#[test]
fn an_empty_query_is_an_error() {
    seccoop(&["query", "  "])
        .error()
        .stderr_has(&["the query is empty"]);
}

/// The shell on a pseudo-terminal: a multi-line query ends at `;`, Tab
/// completes a label, `:quit` leaves, and history is kept in the data dir.
#[test]
fn the_shell_runs_queries_on_a_terminal() {
    let home = Scratch::new();
    let mut cmd = std::process::Command::new(BIN);
    cmd.arg("query")
        .current_dir(fixtures())
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"));
    let mut shell = match rexpect::session::spawn_command(cmd, Some(20_000)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("skipped: no pseudo-terminal to run the shell on ({e})");
            return;
        }
    };
    shell.exp_string("seccoop query shell").expect("the banner");
    shell.exp_string("seccoop> ").expect("a prompt");
    shell
        .send_line("MATCH (t:threat {id: 'terrorism'})")
        .expect("type a line");
    shell
        .send_line("RETURN t.name AS name;")
        .expect("type the end");
    shell.exp_string("Terrorism").expect("the answer");
    shell.exp_string("seccoop> ").expect("the next prompt");
    // Tab completes `activ` to `activity`.
    shell.send("MATCH (a:activ").expect("type");
    shell.send("\t").expect("tab");
    shell
        .send_line(" {id: 'intelligence-sharing'}) RETURN labels(a) AS l;")
        .expect("finish the query");
    shell
        .exp_string("['activity']")
        .expect("the completed label worked");
    shell.exp_string("seccoop> ").expect("the next prompt");
    shell.send_line("RETURN nope;").expect("type");
    shell
        .exp_string("variable `nope` is not defined")
        .expect("errors do not end the shell");
    shell.send_line(":quit").expect("quit");
    shell.exp_eof().expect("the shell ends");
    let history = std::fs::read_to_string(home.path().join("data/seccoop/query_history"))
        .expect("the history file");
    assert!(history.contains("RETURN nope;"), "{history}");
}

#[test]
fn help_documents_the_shell_and_params() {
    let run = finish(
        command(&fixtures(), &["query", "--help"]),
        &["query", "--help"],
    );
    run.success()
        .stdout_has(&["Cypher", "--param", "--file", "shell", "--max-hops"]);
}
