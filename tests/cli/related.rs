//! `seccoop related NODE`.

use std::collections::BTreeSet;

use crate::harness::{assert_keys, seccoop};

#[test]
fn golden_table_of_what_addresses_terrorism() {
    let run = seccoop(&["related", "terrorism", "--rel", "addresses"]);
    insta::assert_snapshot!(run.success().stdout);
}

#[test]
fn golden_json_of_what_addresses_terrorism() {
    let run = seccoop(&[
        "related",
        "terrorism",
        "--rel",
        "addresses",
        "--format",
        "json",
    ]);
    insta::assert_snapshot!(run.success().stdout);
}

#[test]
fn json_rows_are_id_kind_name_rel_dir() {
    let json = seccoop(&["related", "terrorism", "--format", "json"])
        .success()
        .json();
    let rows = json.as_array().expect("a JSON array");
    assert!(!rows.is_empty());
    for row in rows {
        // A derived row carries its proof too.
        if row["basis"] == "derived" {
            assert_keys(row, &["id", "kind", "name", "rel", "dir", "basis", "proof"]);
        } else {
            assert_keys(row, &["id", "kind", "name", "rel", "dir", "basis"]);
        }
    }
}

/// `(rel, dir, id)` of every row of `related ARGS --format json`.
fn edges(args: &[&str]) -> BTreeSet<(String, String, String)> {
    let mut all = vec!["related"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let json = seccoop(&all).success().json();
    json.as_array()
        .expect("a JSON array")
        .iter()
        .map(|r| {
            let field = |k: &str| r[k].as_str().expect("a string field").to_string();
            (field("rel"), field("dir"), field("id"))
        })
        .collect()
}

#[test]
fn dir_in_and_out_split_both() {
    let both = edges(&["intelligence-sharing"]);
    let out = edges(&["intelligence-sharing", "--dir", "out"]);
    let inc = edges(&["intelligence-sharing", "--dir", "in"]);
    assert!(out.iter().all(|(_, dir, _)| dir == "out"), "{out:?}");
    assert!(inc.iter().all(|(_, dir, _)| dir == "in"), "{inc:?}");
    assert!(!out.is_empty() && !inc.is_empty());
    let union: BTreeSet<_> = out.union(&inc).cloned().collect();
    assert_eq!(union, both);
}

#[test]
fn dir_in_as_a_table() {
    seccoop(&["related", "intelligence-sharing", "--dir", "in"])
        .success()
        .stdout_is(
            "\
REL       DIR  ID                                          KIND       NAME                                        BASIS
supports  in   open-communication-and-information-sharing  principle  Open Communication and Information Sharing  inferred
",
        );
}

#[test]
fn kind_filter() {
    seccoop(&["related", "intelligence-sharing", "--kind", "areas"])
        .success()
        .stdout_is(
            "\
REL      DIR  ID                                         KIND  NAME                                       BASIS
part_of  out  information-sharing-and-capacity-building  area  Information Sharing and Capacity Building  stated
part_of  out  military-cooperation                       area  Military Cooperation                       stated
",
        );
}

#[test]
fn repeated_rel_keeps_each() {
    let addresses = edges(&["terrorism", "--rel", "addresses"]);
    let drives = edges(&["terrorism", "--rel", "drives"]);
    let both = edges(&["terrorism", "--rel", "addresses", "--rel", "drives"]);
    // Three in the file, one derived (border security cooperation).
    assert_eq!(addresses.len(), 4);
    assert_eq!(drives.len(), 4);
    let union: BTreeSet<_> = addresses.union(&drives).cloned().collect();
    assert_eq!(both, union);
}

#[test]
fn rel_ignores_case_and_takes_dashes() {
    let rel = edges(&["intelligence-sharing", "--rel", "hindered_by"]);
    assert_eq!(rel.len(), 2);
    assert_eq!(
        edges(&["intelligence-sharing", "--rel", "Hindered-By"]),
        rel
    );
}

#[test]
fn no_match_is_an_empty_answer_with_a_note_on_stderr() {
    seccoop(&["related", "terrorism", "--rel", "addresses", "--dir", "out"])
        .success()
        .stdout_is("")
        .stderr_is("`terrorism` has no neighbours that match\n");
}

#[test]
fn unknown_relation_suggests_the_nearest() {
    seccoop(&["related", "terrorism", "--rel", "adresses"])
        .error()
        .stderr_is(
            "\
error: unknown relation `adresses`
  help: did you mean `addresses`?
",
        );
}

#[test]
fn unknown_kind_filter_suggests_the_nearest() {
    seccoop(&["related", "terrorism", "--kind", "activites"])
        .error()
        .stderr_is(
            "\
error: unknown kind `activites`
  help: did you mean `activity`?
",
        );
}

#[test]
fn unknown_node_suggests_the_nearest() {
    seccoop(&["related", "terorism"]).error().stderr_is(
        "\
error: unknown node `terorism`
  help: did you mean `terrorism` (Terrorism)?
",
    );
}

#[test]
fn graph_option_before_or_after_the_subcommand() {
    // `phishing` is only in the user graph, so an answer proves `-g` was read.
    let expected = "\
REL        DIR  ID                  KIND      NAME                BASIS
addresses  in   awareness-training  activity  Awareness Training  stated
";
    seccoop(&["-g", "good/phishing.toml", "related", "phishing"])
        .success()
        .stdout_is(expected);
    seccoop(&["related", "phishing", "-g", "good/phishing.toml"])
        .success()
        .stdout_is(expected);
    seccoop(&["related", "phishing", "--graph", "good/phishing.toml"])
        .success()
        .stdout_is(expected);
}

#[test]
fn format_option_before_or_after_the_subcommand() {
    let before = seccoop(&[
        "--format",
        "json",
        "related",
        "terrorism",
        "--rel",
        "addresses",
    ]);
    let after = seccoop(&[
        "related",
        "terrorism",
        "--rel",
        "addresses",
        "--format",
        "json",
    ]);
    assert!(before.success().stdout.starts_with('['), "{before}");
    after.success().stdout_is(&before.stdout);
}
