//! `seccoop whatif --without NODE...`.
//!
//! What is lost is checked against `related` (who addresses a threat, who
//! takes part in an activity); the gaps left are checked against `gaps` of
//! a graph file written without the removed nodes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::gaps::HARBOUR;
use crate::harness::{Scratch, assert_keys, curated_toml, seccoop};

fn whatif(without: &[&str]) -> Value {
    let mut args = vec!["whatif"];
    for id in without {
        args.extend_from_slice(&["--without", id]);
    }
    args.extend_from_slice(&["--format", "json"]);
    seccoop(&args).success().json()
}

fn ids(list: &Value) -> BTreeSet<String> {
    list.as_array()
        .expect("an array")
        .iter()
        .map(|r| r["id"].as_str().expect("an id").to_string())
        .collect()
}

/// The ids of `related NODE --rel REL --dir DIR`.
fn related(node: &str, rel: &str, dir: &str) -> BTreeSet<String> {
    ids(&seccoop(&[
        "related", node, "--rel", rel, "--dir", dir, "--format", "json",
    ])
    .success()
    .json())
}

/// `node id → (lost ids, remaining ids)` of a list of losses.
fn losses(list: &Value) -> BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> {
    list.as_array()
        .expect("an array")
        .iter()
        .map(|l| {
            (
                l["node"]["id"].as_str().expect("an id").to_string(),
                (
                    ids(&l["lost"]),
                    l.get("remaining").map(ids).unwrap_or_default(),
                ),
            )
        })
        .collect()
}

/// A graph file's text without the nodes `ids` and their edges.
fn without(mut table: toml::Table, ids: &[&str]) -> String {
    let gone = |v: &toml::Value, key: &str| v[key].as_str().is_some_and(|id| ids.contains(&id));
    if let Some(toml::Value::Array(nodes)) = table.get_mut("nodes") {
        nodes.retain(|n| !gone(n, "id"));
    }
    if let Some(toml::Value::Array(edges)) = table.get_mut("edges") {
        edges.retain(|e| !gone(e, "from") && !gone(e, "to"));
    }
    toml::to_string(&table).expect("the graph serializes")
}

#[test]
fn golden_table_without_counter_terrorism() {
    let run = seccoop(&["whatif", "--without", "counter-terrorism-cooperation"]);
    insta::assert_snapshot!(run.success().stdout);
}

#[test]
fn json_shape() {
    let json = whatif(&["counter-terrorism-cooperation"]);
    assert_keys(
        &json,
        &[
            "removed",
            "threats_uncovered",
            "threats_weakened",
            "activities_orphaned",
            "challenges_unmitigated",
            "gaps",
        ],
    );
    assert_eq!(
        ids(&json["removed"]),
        BTreeSet::from(["counter-terrorism-cooperation".to_string()])
    );
    for l in json["threats_uncovered"].as_array().expect("an array") {
        assert_keys(l, &["node", "lost"]);
    }
    for l in json["threats_weakened"].as_array().expect("an array") {
        assert_keys(l, &["node", "lost", "remaining"]);
    }
}

#[test]
fn without_counter_terrorism_two_threats_lose_all_cover_and_terrorism_is_weakened() {
    let gone = "counter-terrorism-cooperation";
    let json = whatif(&[gone]);
    let uncovered = losses(&json["threats_uncovered"]);
    let weakened = losses(&json["threats_weakened"]);
    assert_eq!(
        uncovered.keys().map(String::as_str).collect::<Vec<_>>(),
        ["radicalization", "terrorist-networks"]
    );
    let terrorism = &weakened["terrorism"];
    assert_eq!(terrorism.0, BTreeSet::from([gone.to_string()]));
    // Border security cooperation addresses terrorism by derivation (through
    // the movement of terrorist groups), which the removal leaves standing.
    assert_eq!(
        terrorism.1,
        BTreeSet::from(
            [
                "border-security-cooperation",
                "combating-financial-terrorism",
                "intelligence-sharing",
            ]
            .map(String::from)
        )
    );
    // In general: every threat it addresses is uncovered when it was its
    // only addresser, weakened otherwise, with the others remaining.
    let addressed = related(gone, "addresses", "out");
    assert_eq!(
        uncovered
            .keys()
            .chain(weakened.keys())
            .cloned()
            .collect::<BTreeSet<_>>(),
        addressed
    );
    for threat in &addressed {
        let mut others = related(threat, "addresses", "in");
        assert!(others.remove(gone));
        let lost = BTreeSet::from([gone.to_string()]);
        if others.is_empty() {
            assert_eq!(uncovered[threat], (lost, BTreeSet::new()), "{threat}");
        } else {
            assert_eq!(weakened[threat], (lost, others), "{threat}");
        }
    }
    assert!(
        json["activities_orphaned"]
            .as_array()
            .expect("an array")
            .is_empty()
    );
    assert!(
        json["challenges_unmitigated"]
            .as_array()
            .expect("an array")
            .is_empty()
    );
    // The gaps after: the two threats are now unaddressed. (The two the
    // article gives no activity for are addressed by derived edges:
    // climate-change-induced instability through climate change, the
    // non-traditional threats through their kinds.)
    assert_eq!(
        ids(&json["gaps"]["unaddressed_threats"]),
        BTreeSet::from(["radicalization", "terrorist-networks"].map(String::from))
    );
    let asserted = seccoop(&[
        "--no-reasoning",
        "whatif",
        "--without",
        gone,
        "--format",
        "json",
    ])
    .success()
    .json();
    assert_eq!(
        ids(&asserted["gaps"]["unaddressed_threats"]),
        BTreeSet::from(
            [
                "climate-change-induced-instability",
                "non-traditional-threats",
                "radicalization",
                "terrorist-networks",
            ]
            .map(String::from)
        )
    );
}

#[test]
fn removing_an_activitys_only_actor_orphans_it() {
    // Six activities involve states alone: the article names no other
    // party to them.
    let json = whatif(&["states"]);
    let orphaned = losses(&json["activities_orphaned"]);
    let expected: BTreeSet<String> = related("states", "involves", "in")
        .into_iter()
        .filter(|a| related(a, "involves", "out").len() == 1)
        .collect();
    assert_eq!(
        expected,
        BTreeSet::from(
            [
                "combating-financial-terrorism",
                "counter-proliferation-financing",
                "negotiations-and-conflict-resolution",
                "public-diplomacy",
                "sanctions-and-embargoes",
                "trade-and-investment",
            ]
            .map(String::from)
        )
    );
    assert_eq!(orphaned.keys().cloned().collect::<BTreeSet<_>>(), expected);
    for (lost, _) in orphaned.values() {
        assert_eq!(lost, &BTreeSet::from(["states".to_string()]));
    }
    assert_eq!(ids(&json["gaps"]["activities_without_actor"]), expected);
}

#[test]
fn a_user_graph_loses_a_mitigation_and_an_actor() {
    let scratch = Scratch::new();
    scratch.write("harbour.toml", HARBOUR);
    scratch
        .run(&[
            "-g",
            "harbour.toml",
            "whatif",
            "--without",
            "port-inspections",
            "--without",
            "navy",
        ])
        .success()
        .stdout_is(
            "\
without port-inspections, navy

Threats left with no activity (0)
  none

Threats with weaker coverage (1)
THREAT         ACTIVITIES LOST / REMAINING
fishing-fraud  port-inspections / naval-patrols

Activities left with no actor (1)
ACTIVITY       ACTORS LOST
naval-patrols  navy

Challenges left with no mitigation (1)
CHALLENGE  MITIGATIONS LOST
storms     port-inspections

Gaps after the removal

Threats no activity addresses (1)
ID      NAME
piracy  Piracy

Threats only one activity addresses (2)
THREAT         NAME           ONLY ACTIVITY
fishing-fraud  Fishing Fraud  naval-patrols
smuggling      Smuggling      naval-patrols

Challenges nothing mitigates (2)
ID          NAME
corruption  Corruption
storms      Storms

Activities that involve no actor (1)
ID             NAME
naval-patrols  Naval Patrols

Single points of failure: activities whose loss leaves a threat unaddressed (1)
ACTIVITY       LEAVES UNADDRESSED
naval-patrols  fishing-fraud, smuggling
",
        );
}

#[test]
fn the_gaps_after_equal_gaps_of_the_graph_written_without_those_nodes() {
    let scratch = Scratch::new();
    scratch.write("harbour.toml", HARBOUR);
    let harbour: toml::Table = toml::from_str(HARBOUR).expect("TOML");
    let nodes: Vec<String> = harbour["nodes"]
        .as_array()
        .expect("[[nodes]]")
        .iter()
        .map(|n| n["id"].as_str().expect("an id").to_string())
        .collect();
    // Every single removal and every pair.
    let mut removals: Vec<Vec<&str>> = nodes.iter().map(|n| vec![n.as_str()]).collect();
    for (i, a) in nodes.iter().enumerate() {
        for b in &nodes[i + 1..] {
            removals.push(vec![a.as_str(), b.as_str()]);
        }
    }
    for gone in &removals {
        let mut args = vec!["-g", "harbour.toml", "whatif"];
        for id in gone {
            args.extend_from_slice(&["--without", id]);
        }
        args.extend_from_slice(&["--format", "json"]);
        let after = scratch.run(&args).success().json();
        scratch.write("reduced.toml", without(harbour.clone(), gone));
        let gaps = scratch
            .run(&["-g", "reduced.toml", "gaps", "--format", "json"])
            .success()
            .json();
        assert_eq!(after["gaps"], gaps, "without {gone:?}");
    }
}

#[test]
fn on_the_curated_graph_too() {
    let scratch = Scratch::new();
    for gone in [
        &["counter-terrorism-cooperation"][..],
        &["states"],
        &["intelligence-sharing", "nato"],
        &["development-assistance", "clear-objectives-and-goals"],
    ] {
        let after = whatif(gone);
        scratch.write("reduced.toml", without(curated_toml(), gone));
        let gaps = scratch
            .run(&["-g", "reduced.toml", "gaps", "--format", "json"])
            .success()
            .json();
        assert_eq!(after["gaps"], gaps, "without {gone:?}");
    }
}

#[test]
fn without_is_required() {
    seccoop(&["whatif"])
        .exits(2)
        .stdout_is("")
        .stderr_has(&["--without <NODE>", "Usage: seccoop whatif"]);
}

#[test]
fn an_unknown_node_suggests_the_nearest() {
    seccoop(&["whatif", "--without", "counter-terorism-cooperation"])
        .error()
        .stderr_has(&[
            "unknown node `counter-terorism-cooperation`",
            "did you mean `counter-terrorism-cooperation`",
        ]);
}
