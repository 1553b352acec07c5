//! `seccoop list [KIND]`.

use crate::harness::{assert_keys, seccoop};

/// The kinds of the default schema, in schema order.
const KINDS: [&str; 6] = [
    "activity",
    "area",
    "actor",
    "threat",
    "challenge",
    "principle",
];

#[test]
fn lists_every_node_grouped_by_kind_in_schema_order_then_by_name() {
    let json = seccoop(&["list", "--format", "json"]).success().json();
    let nodes = json.as_array().expect("a JSON array");
    let stats = seccoop(&["stats", "--format", "json"]).success().json();
    assert_eq!(
        nodes.len() as u64,
        stats["nodes"],
        "list and stats disagree"
    );

    let key = |n: &serde_json::Value| {
        let kind = n["kind"].as_str().expect("kind is a string");
        let rank = KINDS.iter().position(|k| *k == kind).expect("a known kind");
        let name = n["name"].as_str().expect("name is a string").to_lowercase();
        (rank, name)
    };
    let keys: Vec<_> = nodes.iter().map(key).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        keys, sorted,
        "nodes are not grouped by kind, then sorted by name"
    );
}

#[test]
fn table_and_json_list_the_same_nodes() {
    let table = seccoop(&["list"]).success().stdout.clone();
    let json = seccoop(&["list", "--format", "json"]).success().json();
    let table_ids: Vec<&str> = table
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let json_ids: Vec<&str> = json
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|n| n["id"].as_str().expect("id is a string"))
        .collect();
    assert_eq!(table_ids, json_ids);
    assert!(table.starts_with("ID "), "no header line:\n{table}");
}

#[test]
fn singular_plural_and_capitalised_kinds_are_the_same() {
    let singular = seccoop(&["list", "activity"]).success().stdout.clone();
    assert!(singular.contains("intelligence-sharing"), "{singular}");
    seccoop(&["list", "activities"])
        .success()
        .stdout_is(&singular);
    seccoop(&["list", "Activities"])
        .success()
        .stdout_is(&singular);
}

#[test]
fn counts_per_kind() {
    for (kind, count) in [
        ("activities", 22),
        ("areas", 6),
        ("challenges", 6),
        ("principles", 4),
    ] {
        let run = seccoop(&["list", kind]);
        assert_eq!(run.success().rows().len(), count, "{kind}\n{run}");
    }
}

#[test]
fn one_kind_as_a_table() {
    seccoop(&["list", "principles"]).success().stdout_is(
        "\
ID                                                         KIND       NAME
adherence-to-international-law-and-human-rights-standards  principle  Adherence to International Law and Human Rights Standards
clear-objectives-and-goals                                 principle  Clear Objectives and Goals
mechanisms-for-oversight-and-accountability                principle  Mechanisms for Oversight and Accountability
open-communication-and-information-sharing                 principle  Open Communication and Information Sharing
",
    );
}

#[test]
fn json_is_an_array_of_id_kind_name() {
    let json = seccoop(&["list", "areas", "--format", "json"])
        .success()
        .json();
    let nodes = json.as_array().expect("a JSON array");
    assert_eq!(nodes.len(), 6);
    for node in nodes {
        assert_keys(node, &["id", "kind", "name"]);
        assert_eq!(node["kind"], "area");
    }
    assert_eq!(nodes[0]["id"], "diplomatic-and-political-cooperation");
    assert_eq!(nodes[0]["name"], "Diplomatic and Political Cooperation");
}

#[test]
fn kinds_of_a_graph_with_its_own_schema() {
    seccoop(&["-g", "good/solar-system.toml", "list", "moons"])
        .success()
        .stdout_is(
            "\
ID      KIND  NAME
phobos  moon  Phobos
luna    moon  The Moon
",
        );
}

#[test]
fn unknown_kind_suggests_the_nearest() {
    seccoop(&["list", "actvity"]).error().stderr_is(
        "\
error: unknown kind `actvity`
  help: did you mean `activity`?
",
    );
}

#[test]
fn unknown_kind_with_no_near_miss_lists_the_kinds() {
    seccoop(&["list", "planets"]).error().stderr_is(
        "\
error: unknown kind `planets`
  help: known: activity, area, actor, threat, challenge, principle
",
    );
}
