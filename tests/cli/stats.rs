//! `seccoop stats`.

use serde_json::Value;

use crate::harness::{assert_keys, seccoop};

fn stats_json() -> Value {
    seccoop(&["stats", "--format", "json"]).success().json()
}

fn count(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("`{key}` is not a count in {v}"))
}

fn list<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("`{key}` is not a list in {v}"))
}

#[test]
fn json_has_every_section() {
    let json = stats_json();
    assert_keys(
        &json,
        &[
            "nodes",
            "edges",
            "kinds",
            "relations",
            "threats",
            "challenges",
        ],
    );
    assert_eq!(count(&json, "nodes"), 78);
    // 215 edges in the file, 22 derived by the schema's rules.
    assert_eq!(count(&json, "edges"), 237);
    let asserted = seccoop(&["--no-reasoning", "stats", "--format", "json"])
        .success()
        .json();
    assert_eq!(count(&asserted, "edges"), 215);
}

#[test]
fn kind_counts_sum_to_the_nodes() {
    let json = stats_json();
    let sum: u64 = list(&json, "kinds").iter().map(|k| count(k, "nodes")).sum();
    assert_eq!(sum, count(&json, "nodes"));
}

#[test]
fn kind_counts_agree_with_list() {
    let json = stats_json();
    for kind in list(&json, "kinds") {
        let name = kind["kind"].as_str().expect("kind is a string");
        let listed = seccoop(&["list", name]).success().rows().len() as u64;
        assert_eq!(count(kind, "nodes"), listed, "{name}");
    }
}

#[test]
fn relation_counts_sum_to_the_edges() {
    let json = stats_json();
    let relations = list(&json, "relations");
    let sum: u64 = relations.iter().map(|r| count(r, "edges")).sum();
    assert_eq!(sum, count(&json, "edges"));
    for r in relations {
        assert_eq!(
            count(r, "stated") + count(r, "inferred") + count(r, "derived"),
            count(r, "edges"),
            "{r}"
        );
    }
}

#[test]
fn threats_and_challenges_are_ranked_most_first() {
    let json = stats_json();
    for section in ["threats", "challenges"] {
        let rows = list(&json, section);
        assert!(!rows.is_empty(), "no {section}");
        let counts: Vec<u64> = rows.iter().map(|r| count(r, "activities")).collect();
        assert!(
            counts.is_sorted_by(|a, b| a >= b),
            "{section} not ranked: {counts:?}"
        );
    }
    assert_eq!(list(&json, "threats").len(), 24);
    assert_eq!(list(&json, "challenges").len(), 6);
}

#[test]
fn a_threat_is_ranked_by_the_activities_that_address_it() {
    let json = stats_json();
    let terrorism = list(&json, "threats")
        .iter()
        .find(|t| t["id"] == "terrorism")
        .expect("terrorism is ranked");
    let addressed_by = seccoop(&["related", "terrorism", "--rel", "addresses", "--dir", "in"])
        .success()
        .rows()
        .len() as u64;
    assert_eq!(count(terrorism, "activities"), addressed_by);
}

#[test]
fn table() {
    let run = seccoop(&["stats"]);
    assert!(
        run.success().stdout.starts_with("78 nodes, 237 edges\n\n"),
        "{run}"
    );
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn a_graph_without_threats_or_challenges_has_no_rankings() {
    seccoop(&["-g", "good/solar-system.toml", "stats"])
        .success()
        .stdout_is(
            "\
4 nodes, 2 edges

KIND    NODES
planet  2
moon    2

RELATION  EDGES  STATED  INFERRED
orbits    2      2       0
",
        );
    let json = seccoop(&["-g", "good/solar-system.toml", "stats", "--format", "json"])
        .success()
        .json();
    assert!(json.get("threats").is_none(), "{json:#}");
    assert!(json.get("challenges").is_none(), "{json:#}");
}
