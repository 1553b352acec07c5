//! `seccoop gaps`.
//!
//! The answer on the curated graph is checked against the graph file itself,
//! read here with the `toml` crate and counted edge by edge, not through
//! seccoop: a threat with exactly one `addresses` edge is a single-activity
//! threat, and the single points of failure are exactly the activities that
//! are some threat's only addresser.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::harness::{Scratch, assert_keys, curated_toml, seccoop};

/// The curated graph file's nodes of `kind`, and its edges of `rel`
/// as `(from, to)`.
struct File {
    table: toml::Table,
}

impl File {
    fn curated() -> Self {
        File {
            table: curated_toml(),
        }
    }

    fn nodes(&self, kind: &str) -> BTreeSet<String> {
        self.table["nodes"]
            .as_array()
            .expect("[[nodes]]")
            .iter()
            .filter(|n| n["kind"].as_str() == Some(kind))
            .map(|n| n["id"].as_str().expect("an id").to_string())
            .collect()
    }

    fn edges(&self, rel: &str) -> Vec<(String, String)> {
        self.table["edges"]
            .as_array()
            .expect("[[edges]]")
            .iter()
            .filter(|e| e["rel"].as_str() == Some(rel))
            .map(|e| {
                let f = |k: &str| e[k].as_str().expect("an end").to_string();
                (f("from"), f("to"))
            })
            .collect()
    }

    /// Each threat with the activities that address it.
    fn addressers(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut by_threat: BTreeMap<String, BTreeSet<String>> = self
            .nodes("threat")
            .into_iter()
            .map(|t| (t, BTreeSet::new()))
            .collect();
        for (activity, threat) in self.edges("addresses") {
            by_threat.entry(threat).or_default().insert(activity);
        }
        by_threat
    }
}

/// The gaps of the file's own edges, which the tests compare with the file.
fn gaps_json() -> Value {
    seccoop(&["--no-reasoning", "gaps", "--format", "json"])
        .success()
        .json()
}

fn ids(list: &Value) -> BTreeSet<String> {
    list.as_array()
        .expect("an array")
        .iter()
        .map(|r| r["id"].as_str().expect("an id").to_string())
        .collect()
}

#[test]
fn golden_table() {
    insta::assert_snapshot!(seccoop(&["gaps"]).success().stdout);
}

#[test]
fn golden_json() {
    insta::assert_snapshot!(seccoop(&["gaps", "--format", "json"]).success().stdout);
}

#[test]
fn json_shape() {
    let json = gaps_json();
    assert_keys(
        &json,
        &[
            "unaddressed_threats",
            "derived_only_threats",
            "single_activity_threats",
            "unmitigated_challenges",
            "activities_without_actor",
            "single_points_of_failure",
        ],
    );
    for s in json["single_activity_threats"]
        .as_array()
        .expect("an array")
    {
        assert_keys(s, &["threat", "activity"]);
    }
    for s in json["single_points_of_failure"]
        .as_array()
        .expect("an array")
    {
        assert_keys(s, &["activity", "leaves_unaddressed"]);
    }
}

#[test]
fn single_activity_threats_have_exactly_one_addresses_edge_in_the_file() {
    let file = File::curated();
    let expected: BTreeMap<String, String> = file
        .addressers()
        .into_iter()
        .filter(|(_, a)| a.len() == 1)
        .map(|(t, a)| (t, a.into_iter().next().expect("one activity")))
        .collect();
    let json = gaps_json();
    let listed: BTreeMap<String, String> = json["single_activity_threats"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|s| {
            (
                s["threat"]["id"].as_str().expect("a threat").to_string(),
                s["activity"]["id"]
                    .as_str()
                    .expect("an activity")
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(listed, expected);
    assert_eq!(listed.len(), 13);
    // The article names no activity against these two: the report says so.
    let unaddressed: BTreeSet<String> = file
        .addressers()
        .into_iter()
        .filter(|(_, a)| a.is_empty())
        .map(|(t, _)| t)
        .collect();
    assert_eq!(ids(&json["unaddressed_threats"]), unaddressed);
    assert_eq!(
        unaddressed,
        BTreeSet::from([
            "climate-change-induced-instability".to_string(),
            "non-traditional-threats".to_string(),
        ])
    );
}

#[test]
fn single_points_of_failure_are_exactly_the_only_addressers() {
    let file = File::curated();
    let mut expected: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (threat, activities) in file.addressers() {
        if let [only] = Vec::from_iter(activities).as_slice() {
            expected.entry(only.clone()).or_default().insert(threat);
        }
    }
    let listed: BTreeMap<String, BTreeSet<String>> = gaps_json()["single_points_of_failure"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|s| {
            (
                s["activity"]["id"]
                    .as_str()
                    .expect("an activity")
                    .to_string(),
                ids(&s["leaves_unaddressed"]),
            )
        })
        .collect();
    assert_eq!(listed, expected);
    assert_eq!(
        listed.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "border-security-cooperation",
            "counter-proliferation-financing",
            "counter-terrorism-cooperation",
            "development-assistance",
            "negotiations-and-conflict-resolution",
            "transnational-crime-cooperation",
        ]
    );
}

#[test]
fn unmitigated_challenges_and_activities_without_actor_match_the_file() {
    let file = File::curated();
    let mitigated: BTreeSet<String> = file
        .edges("mitigates")
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    let with_actor: BTreeSet<String> = file.edges("involves").into_iter().map(|(a, _)| a).collect();
    let json = gaps_json();
    let unmitigated: BTreeSet<String> = file
        .nodes("challenge")
        .difference(&mitigated)
        .cloned()
        .collect();
    let without_actor: BTreeSet<String> = file
        .nodes("activity")
        .difference(&with_actor)
        .cloned()
        .collect();
    assert_eq!(ids(&json["unmitigated_challenges"]), unmitigated);
    assert_eq!(ids(&json["activities_without_actor"]), without_actor);
    // The article offers nothing against these two; every activity has an actor.
    assert_eq!(
        unmitigated,
        BTreeSet::from([
            "differing-national-interests".to_string(),
            "resource-constraints".to_string(),
        ])
    );
    assert!(without_actor.is_empty());
}

/// A small graph in the curated schema with one gap of every sort.
pub const HARBOUR: &str = r#"
[[nodes]]
id = "naval-patrols"
kind = "activity"
name = "Naval Patrols"

[[nodes]]
id = "port-inspections"
kind = "activity"
name = "Port Inspections"

[[nodes]]
id = "navy"
kind = "actor"
name = "Navy"

[[nodes]]
id = "piracy"
kind = "threat"
name = "Piracy"

[[nodes]]
id = "smuggling"
kind = "threat"
name = "Smuggling"

[[nodes]]
id = "fishing-fraud"
kind = "threat"
name = "Fishing Fraud"

[[nodes]]
id = "corruption"
kind = "challenge"
name = "Corruption"

[[nodes]]
id = "storms"
kind = "challenge"
name = "Storms"

[[edges]]
from = "naval-patrols"
rel = "involves"
to = "navy"

[[edges]]
from = "naval-patrols"
rel = "addresses"
to = "smuggling"

[[edges]]
from = "naval-patrols"
rel = "addresses"
to = "fishing-fraud"

[[edges]]
from = "port-inspections"
rel = "addresses"
to = "fishing-fraud"

[[edges]]
from = "naval-patrols"
rel = "hindered_by"
to = "corruption"

[[edges]]
from = "port-inspections"
rel = "mitigates"
to = "storms"
"#;

#[test]
fn a_user_graph_shows_every_kind_of_gap() {
    let scratch = Scratch::new();
    scratch.write("harbour.toml", HARBOUR);
    scratch
        .run(&["-g", "harbour.toml", "gaps"])
        .success()
        .stdout_is(
            "\
Threats no activity addresses (1)
ID      NAME
piracy  Piracy

Threats only one activity addresses (1)
THREAT     NAME       ONLY ACTIVITY
smuggling  Smuggling  naval-patrols

Challenges nothing mitigates (1)
ID          NAME
corruption  Corruption

Activities that involve no actor (1)
ID                NAME
port-inspections  Port Inspections

Single points of failure: activities whose loss leaves a threat unaddressed (1)
ACTIVITY       LEAVES UNADDRESSED
naval-patrols  smuggling
",
        );
}

#[test]
fn gaps_offers_table_and_json_only() {
    for format in ["dot", "csv", "png"] {
        seccoop(&["gaps", "--format", format])
            .exits(2)
            .stdout_is("")
            .stderr_has(&[
                &format!("`gaps` does not print --format {format}"),
                "use one of: table, json",
            ]);
    }
}

#[test]
fn threats_addressed_only_through_derived_edges_are_listed_apart() {
    // The article names no activity against these two: the rules reach them
    // through climate change and cyberattacks, which the gaps say.
    let json = seccoop(&["gaps", "--format", "json"]).success().json();
    let ids: Vec<&str> = json["derived_only_threats"]
        .as_array()
        .expect("derived_only_threats")
        .iter()
        .map(|d| d["threat"]["id"].as_str().expect("an id"))
        .collect();
    assert_eq!(
        ids,
        [
            "climate-change-induced-instability",
            "non-traditional-threats"
        ]
    );
    for d in json["derived_only_threats"]
        .as_array()
        .into_iter()
        .flatten()
    {
        for e in d["addressed_by"].as_array().expect("addressed_by") {
            assert_eq!(e["basis"], "derived", "{e}");
            assert!(e["proof"]["rule"].is_string(), "{e}");
        }
    }
    seccoop(&["gaps"]).success().stdout_has(&[
        "Threats addressed only through derived edges",
        "climate-change-induced-instability  Climate Change-Induced Instability",
    ]);
    // Without the rules they are simply unaddressed.
    let plain = seccoop(&["--no-reasoning", "gaps", "--format", "json"])
        .success()
        .json();
    assert_eq!(
        plain["derived_only_threats"].as_array().map(Vec::len),
        Some(0)
    );
    let unaddressed: Vec<&str> = plain["unaddressed_threats"]
        .as_array()
        .expect("unaddressed_threats")
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert_eq!(
        unaddressed,
        [
            "climate-change-induced-instability",
            "non-traditional-threats"
        ]
    );
}
