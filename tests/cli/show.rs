//! `seccoop show NODE`.

use crate::harness::{Scratch, seccoop};

#[test]
fn golden_table_of_a_threat() {
    let run = seccoop(&["show", "terrorism"]);
    insta::assert_snapshot!(run.success().stdout);
}

#[test]
fn golden_table_of_an_activity_with_edges_both_ways() {
    let run = seccoop(&["show", "combating-financial-terrorism"]);
    insta::assert_snapshot!(run.success().stdout);
}

#[test]
fn golden_json_of_a_threat() {
    let run = seccoop(&["show", "terrorism", "--format", "json"]);
    insta::assert_snapshot!(run.success().stdout);
}

#[test]
fn a_node_of_a_user_graph() {
    seccoop(&["-g", "good/phishing.toml", "show", "awareness-training"])
        .success()
        .stdout_is(
            "\
Awareness Training (activity)
id: awareness-training
description  Teaching staff to spot fraudulent messages.

addresses →
  phishing  Phishing
    [notes]: The reason the training exists.

[notes] Team notes
",
        );
}

#[test]
fn incoming_edges_are_headed_by_the_inverse_phrase() {
    seccoop(&["-g", "good/solar-system.toml", "show", "earth"])
        .success()
        .stdout_is(
            "\
Earth (planet)
id: earth

← orbited by (orbits)
  luna  The Moon
",
        );
}

#[test]
fn by_name_in_any_case() {
    let by_id = seccoop(&["show", "intelligence-sharing"])
        .success()
        .stdout
        .clone();
    assert!(
        by_id.starts_with("Intelligence Sharing (activity)\n"),
        "{by_id}"
    );
    for name in [
        "Intelligence Sharing",
        "intelligence sharing",
        "INTELLIGENCE SHARING",
    ] {
        seccoop(&["show", name]).success().stdout_is(&by_id);
    }
}

#[test]
fn by_alias_in_any_case() {
    for (alias, heading) in [
        ("UN", "United Nations (actor)"),
        ("u.n.", "United Nations (actor)"),
        ("North Atlantic Treaty Organization", "NATO (actor)"),
        ("nato", "NATO (actor)"),
        ("cft", "Combating Financial Terrorism (activity)"),
        ("intel sharing", "Intelligence Sharing (activity)"),
    ] {
        let run = seccoop(&["show", alias]);
        let first = run.success().stdout.lines().next();
        assert_eq!(first, Some(heading), "{run}");
    }
}

#[test]
fn json_has_the_node_its_properties_and_its_edges() {
    let json = seccoop(&["show", "nato", "--format", "json"])
        .success()
        .json();
    for key in ["id", "kind", "name", "properties", "provenance", "edges"] {
        assert!(json.get(key).is_some(), "no `{key}` in {json:#}");
    }
    assert_eq!(json["id"], "nato");
    assert_eq!(json["kind"], "actor");
    assert_eq!(json["name"], "NATO");
    assert_eq!(
        json["properties"]["aliases"],
        serde_json::json!(["North Atlantic Treaty Organization"])
    );
    let edges = json["edges"].as_array().expect("edges is an array");
    let ids: Vec<&str> = edges
        .iter()
        .map(|e| e["id"].as_str().expect("edge node id"))
        .collect();
    assert_eq!(
        ids,
        [
            "capacity-building-initiatives",
            "intelligence-sharing",
            "multilateral-diplomacy",
            "international-organizations"
        ]
    );
    let (taken_part_in, group) = edges.split_at(3);
    for edge in taken_part_in {
        assert_eq!(edge["rel"], "involves");
        assert_eq!(edge["dir"], "in");
        assert_eq!(edge["kind"], "activity");
    }
    assert_eq!(group[0]["rel"], "is_a");
    assert_eq!(group[0]["dir"], "out");
    assert_eq!(group[0]["kind"], "actor");
}

#[test]
fn every_edge_in_json_carries_provenance() {
    let json = seccoop(&["show", "intelligence-sharing", "--format", "json"])
        .success()
        .json();
    let edges = json["edges"].as_array().expect("edges is an array");
    assert!(edges.len() > 10, "too few edges: {json:#}");
    for edge in edges {
        // A derived edge carries its proof instead, whose edges do (see
        // curated::every_derived_edge_rests_on_asserted_edges_with_provenance).
        if edge["basis"] == "derived" {
            assert!(edge["proof"]["rule"].is_string(), "{edge:#}");
            continue;
        }
        let provenance = edge["provenance"].as_array().expect("provenance list");
        assert!(!provenance.is_empty(), "no provenance: {edge:#}");
        for p in provenance {
            assert_eq!(p["source"], "article", "{edge:#}");
            for key in ["section", "item", "note"] {
                let text = p[key].as_str().unwrap_or_default();
                assert!(!text.is_empty(), "no `{key}`: {edge:#}");
            }
        }
        let basis = edge["basis"].as_str();
        assert!(matches!(basis, Some("stated" | "inferred")), "{edge:#}");
    }
    assert_eq!(json["sources"][0]["id"], "article");
}

#[test]
fn unknown_node_suggests_the_nearest() {
    seccoop(&["show", "terorism"]).error().stderr_is(
        "\
error: unknown node `terorism`
  help: did you mean `terrorism` (Terrorism)?
",
    );
}

#[test]
fn unknown_node_with_no_near_miss_points_to_search() {
    seccoop(&["show", "qwxyz"]).error().stderr_is(
        "\
error: unknown node `qwxyz`
  help: run `seccoop search TEXT` to find a node, or `seccoop list` to see them all
",
    );
}

#[test]
fn a_name_shared_by_two_nodes_asks_for_an_id() {
    let scratch = Scratch::new();
    scratch.write(
        "shared.toml",
        r#"
[[nodes]]
id = "phishing"
kind = "threat"
name = "Phishing"
aliases = ["lures"]

[[nodes]]
id = "baiting"
kind = "threat"
name = "Baiting"
aliases = ["lures"]
"#,
    );
    scratch
        .run(&["-g", "shared.toml", "show", "Lures"])
        .error()
        .stderr_is(
            "\
error: `Lures` names 2 nodes
  help: name one by its id: `phishing` (Phishing), `baiting` (Baiting)
",
        );
}
