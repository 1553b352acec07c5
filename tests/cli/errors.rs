//! Bad input: every problem exits 1 without a panic and without an answer,
//! and says where it is (`file:line:column`) and what to do.
//!
//! The fixtures in `tests/fixtures/bad/` hold one problem each, except
//! `many-problems.toml` (see `check.rs`); files that cannot live in git as
//! they are (invalid UTF-8, a directory, an unreadable file) are written to a
//! scratch directory by the test.

use crate::harness::{Run, Scratch, assert_load_error, seccoop};

/// Loads `file` as the graph and asks for an answer that needs it.
fn load(file: &str) -> Run {
    seccoop(&["-g", file, "list"])
}

#[test]
fn toml_syntax_error() {
    assert_load_error(
        &load("bad/toml-syntax.toml"),
        "bad/toml-syntax.toml:4:17",
        "syntax error: ",
        "fix the TOML syntax at the marked spot",
    );
}

#[test]
fn json_syntax_error() {
    assert_load_error(
        &load("bad/json-syntax.json"),
        "bad/json-syntax.json:3:63",
        "syntax error: expected comma",
        "fix the JSON syntax at the marked spot",
    );
}

#[test]
fn duplicate_node_id_says_where_it_was_first_defined() {
    load("bad/duplicate-id.toml").error().stderr_is(
        r#"  × duplicate node id `phishing`
   ╭─[bad/duplicate-id.toml:7:6]
 6 │ [[nodes]]
 7 │ id = "phishing"
   ·      ─────┬────
   ·           ╰── defined again here
 8 │ kind = "threat"
   ╰────
  help: first defined at bad/duplicate-id.toml:2:6; give one of them another id
error: the graph has 1 problem; nothing was run
"#,
    );
}

#[test]
fn edge_to_an_unknown_node_suggests_the_nearest() {
    assert_load_error(
        &load("bad/unknown-node.toml"),
        "bad/unknown-node.toml:14:6",
        "edge to `phising` is not a node of the graph",
        "did you mean `phishing`?",
    );
}

#[test]
fn unknown_kind_suggests_the_nearest() {
    assert_load_error(
        &load("bad/unknown-kind.toml"),
        "bad/unknown-kind.toml:3:8",
        "unknown kind `activty`",
        "did you mean `activity`?",
    );
}

#[test]
fn unknown_relation_suggests_the_nearest() {
    assert_load_error(
        &load("bad/unknown-relation.toml"),
        "bad/unknown-relation.toml:13:7",
        "unknown relation `adresses`",
        "did you mean `addresses`?",
    );
}

#[test]
fn relation_between_kinds_the_schema_forbids() {
    assert_load_error(
        &load("bad/forbidden-relation.toml"),
        "bad/forbidden-relation.toml:13:1",
        "`addresses` cannot go from threat `phishing` to activity `awareness-training`",
        "`addresses` goes from activity to threat",
    );
}

#[test]
fn node_without_kind() {
    assert_load_error(
        &load("bad/node-without-kind.toml"),
        "bad/node-without-kind.toml:1:1",
        "a node has no `kind`",
        "add `kind = …`",
    );
}

#[test]
fn edge_without_to() {
    assert_load_error(
        &load("bad/edge-without-to.toml"),
        "bad/edge-without-to.toml:6:1",
        "an edge has no `to`",
        "add `to = …`",
    );
}

#[test]
fn wrong_value_type() {
    assert_load_error(
        &load("bad/wrong-type.toml"),
        "bad/wrong-type.toml:4:8",
        "`name` must be a string, not integer",
        "write a string here",
    );
}

#[test]
fn unknown_top_level_key_suggests_the_nearest() {
    assert_load_error(
        &load("bad/unknown-top-key.toml"),
        "bad/unknown-top-key.toml:1:3",
        "unknown key `node` in the top level",
        "did you mean `nodes`?",
    );
}

#[test]
fn missing_file_names_the_path() {
    load("nowhere/graph.toml").error().stderr_has(&[
        "× cannot read `nowhere/graph.toml`: no such file or directory",
        "help: check the path; `-g FILE` takes a TOML or JSON graph file",
        "nothing was run",
    ]);
}

#[test]
fn a_directory_is_not_a_graph_file() {
    let scratch = Scratch::new();
    std::fs::create_dir(scratch.path().join("graph.toml")).expect("create a directory");
    scratch
        .run(&["-g", "graph.toml", "list"])
        .error()
        .stderr_has(&[
            "× `graph.toml` is a directory, not a graph file",
            "help: pass the graph file inside the directory",
        ]);
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt as _;

    let scratch = Scratch::new();
    let path = scratch.write("secret.toml", "[[nodes]]\n");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod 000");
    if std::fs::read(&path).is_ok() {
        // Root (and CAP_DAC_OVERRIDE) reads through mode 000.
        eprintln!("note: skipping unreadable_file: this user can read a mode-000 file");
        return;
    }
    scratch
        .run(&["-g", "secret.toml", "list"])
        .error()
        .stderr_has(&[
            "× cannot read `secret.toml`: permission denied",
            "help: check the path",
        ]);
}

#[test]
fn invalid_utf8_points_at_the_bad_byte() {
    let scratch = Scratch::new();
    // Latin-1 `é` (0xE9) where UTF-8 wants two bytes.
    scratch.write(
        "latin1.toml",
        b"[[nodes]]\nid = \"cafe\"\nkind = \"activity\"\nname = \"Caf\xe9\"\n",
    );
    assert_load_error(
        &scratch.run(&["-g", "latin1.toml", "list"]),
        "latin1.toml:4:12",
        "the file is not valid UTF-8 text (first bad byte at offset 51)",
        "save the file as UTF-8 text",
    );
}

#[test]
fn a_graph_with_its_own_schema_works() {
    seccoop(&["-g", "good/solar-system.toml", "related", "mars"])
        .success()
        .stdout_is(
            "\
REL     DIR  ID      KIND  NAME    BASIS
orbits  in   phobos  moon  Phobos  stated
",
        );
}

#[test]
fn a_graph_with_its_own_schema_has_only_its_kinds() {
    let scratch = Scratch::new();
    scratch.write(
        "own.toml",
        r#"[schema.kinds.planet]

[[nodes]]
id = "earth"
kind = "planet"
name = "Earth"

[[nodes]]
id = "terrorism"
kind = "threat"
name = "Terrorism"
"#,
    );
    assert_load_error(
        &scratch.run(&["-g", "own.toml", "list"]),
        "own.toml:10:8",
        "unknown kind `threat`",
        "the schema declares: planet",
    );
}

#[test]
fn unknown_node_argument_suggests_the_nearest() {
    seccoop(&["related", "terorism"]).error().stderr_has(&[
        "error: unknown node `terorism`",
        "help: did you mean `terrorism` (Terrorism)?",
    ]);
}

#[test]
fn each_bad_fixture_holds_exactly_one_problem() {
    let dir = crate::harness::fixtures().join("bad");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("read tests/fixtures/bad") {
        let name = entry.expect("a directory entry").file_name();
        let name = name.to_str().expect("a UTF-8 file name");
        if name == "many-problems.toml" {
            continue;
        }
        let run = seccoop(&["check", &format!("bad/{name}"), "--format", "json"]);
        let problems = run.exits(1).json()["problems"].as_array().map(Vec::len);
        assert_eq!(problems, Some(1), "{run}");
        checked += 1;
    }
    assert_eq!(checked, 11);
}

#[test]
fn a_kind_or_relation_named_with_a_control_character_is_refused() {
    // Bug (found by fuzzing): a schema's kind or relation named with a
    // control character loaded from TOML and JSON, though ids, names and the
    // RDF reader refuse them, so the graph did not survive a conversion.
    let scratch = Scratch::new();
    scratch.write(
        "g.toml",
        "[schema.kinds.\"place\\u001e\"]\n\n[schema.relations.\"near\\u0007\"]\nfrom = \"activity\"\nto = \"threat\"\n",
    );
    scratch.run(&["check", "g.toml"]).error().stderr_has(&[
        "× `place\\u{1e}` holds control characters",
        "× `near\\u{7}` holds control characters",
        "help: write plain text without control characters",
    ]);
}
