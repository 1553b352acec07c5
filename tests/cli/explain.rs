//! `seccoop explain`, and the derived edges every command sees: rules in
//! the schema, `--no-reasoning`, proofs that rest on asserted edges.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::harness::{Scratch, seccoop, seccoop_in};

#[test]
fn a_derived_edge_is_explained_as_a_proof_tree() {
    seccoop(&[
        "explain",
        "border-security-cooperation",
        "addresses",
        "terrorism",
    ])
    .success()
    .stdout_is(
        "\
Border Security Cooperation addresses Terrorism  (derived by indirect-addressing)
an activity that counters a threat which drives another threat counters that threat too, indirectly
├─ Border Security Cooperation addresses Movement of Terrorist Groups  (stated)
│  [article] 2. Law Enforcement Cooperation › Border Security Cooperation: Terrorist travel is one of three targets of border work.
└─ Movement of Terrorist Groups drives Terrorism  (inferred)
   [article] 2. Law Enforcement Cooperation › Border Security Cooperation: Groups moving across borders can carry out attacks elsewhere.
",
    );
}

#[test]
fn an_asserted_edge_is_explained_by_its_provenance() {
    let json = seccoop(&[
        "explain",
        "Cyberattacks",
        "kind-of",
        "non-traditional-threats",
        "--format",
        "json",
    ])
    .success()
    .json();
    assert_eq!(json["basis"], "stated");
    assert!(json.get("proof").is_none(), "{json:#}");
    assert_eq!(json["provenance"][0]["source"], "article");
}

#[test]
fn a_derived_proof_in_json_names_the_rule_and_the_edges_it_followed() {
    let json = seccoop(&[
        "explain",
        "border-security-cooperation",
        "addresses",
        "terrorism",
        "--format",
        "json",
    ])
    .success()
    .json();
    assert_eq!(json["basis"], "derived");
    assert_eq!(json["proof"]["rule"], "indirect-addressing");
    let edges = json["proof"]["edges"].as_array().expect("edges");
    let triples: Vec<(&str, &str, &str)> = edges
        .iter()
        .map(|e| {
            let f = |k: &str| e[k].as_str().unwrap_or_default();
            (f("from"), f("rel"), f("to"))
        })
        .collect();
    assert_eq!(
        triples,
        [
            (
                "border-security-cooperation",
                "addresses",
                "movement-of-terrorist-groups"
            ),
            ("movement-of-terrorist-groups", "drives", "terrorism"),
        ]
    );
}

#[test]
fn an_edge_that_does_not_hold_names_the_nearest_that_does() {
    seccoop(&[
        "explain",
        "border-security-cooperation",
        "addresses",
        "pandemics",
    ])
    .error()
    .stderr_is(
        "\
error: `border-security-cooperation` addresses `pandemics` does not hold
  help: the nearest edge that holds: `border-security-cooperation` addresses `drug-trafficking`
",
    );
    seccoop(&[
        "--no-reasoning",
        "explain",
        "border-security-cooperation",
        "addresses",
        "terrorism",
    ])
    .error()
    .stderr_has(&["does not hold among the asserted edges (--no-reasoning)"]);
}

#[test]
fn related_marks_a_derived_row_and_says_what_it_went_via() {
    seccoop(&["related", "terrorism", "--rel", "addresses"])
        .success()
        .stdout_is(
            "\
REL        DIR  ID                             KIND      NAME                           BASIS     VIA
addresses  in   border-security-cooperation    activity  Border Security Cooperation    derived   via Movement of Terrorist Groups
addresses  in   combating-financial-terrorism  activity  Combating Financial Terrorism  inferred
addresses  in   counter-terrorism-cooperation  activity  Counter-terrorism Cooperation  stated
addresses  in   intelligence-sharing           activity  Intelligence Sharing           inferred
",
        );
    seccoop(&[
        "--no-reasoning",
        "related",
        "terrorism",
        "--rel",
        "addresses",
    ])
    .success()
    .stdout_is(
        "\
REL        DIR  ID                             KIND      NAME                           BASIS
addresses  in   combating-financial-terrorism  activity  Combating Financial Terrorism  inferred
addresses  in   counter-terrorism-cooperation  activity  Counter-terrorism Cooperation  stated
addresses  in   intelligence-sharing           activity  Intelligence Sharing           inferred
",
    );
}

#[test]
fn every_command_marks_derived_edges() {
    let show = seccoop(&["show", "terrorism"]);
    show.success()
        .stdout_has(&["Border Security Cooperation  (derived via Movement of Terrorist Groups)"]);
    let stats = seccoop(&["stats", "--format", "json"]).success().json();
    let derived: u64 = stats["relations"]
        .as_array()
        .expect("relations")
        .iter()
        .map(|r| r["derived"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(derived, 22);
    seccoop(&["export", "--focus", "terrorism", "--depth", "1", "--legend"])
        .success()
        .stdout_has(&["style=dotted", r#"STYLE="dotted""#, ">derived</FONT>"]);
    seccoop(&["related", "terrorism", "--format", "mermaid"])
        .success()
        .stdout_has(&["stroke-dasharray:2 4"]);
    // Derived edges make the shortest connection shorter.
    let hops = |first: &[&str]| {
        let mut args = first.to_vec();
        args.extend_from_slice(&["resource-constraints", "terrorism", "--format", "json"]);
        let json = seccoop(&args).success().json();
        json["paths"][0]["edges"].as_array().map_or(0, Vec::len)
    };
    assert!(hops(&["path"]) < hops(&["--no-reasoning", "path"]));
    seccoop(&["matrix"]).success().stdout_has(&["◌ derived"]);
    let impact = seccoop(&[
        "impact",
        "lack-of-trust-and-transparency",
        "--format",
        "json",
    ]);
    assert!(impact.success().stdout.contains("non-traditional-threats"));
}

#[test]
fn impact_and_path_mark_a_derived_edge_in_tables_and_json() {
    // Border security cooperation addresses terrorism only through the
    // movement of terrorist groups, which drives terrorism.
    seccoop(&["path", "border-security-cooperation", "terrorism"])
        .success()
        .stdout_has(&["↓ addresses  (derived via Movement of Terrorist Groups)"]);
    let json = seccoop(&[
        "path",
        "border-security-cooperation",
        "terrorism",
        "--format",
        "json",
    ])
    .success()
    .json();
    let edge = &json["paths"][0]["edges"][0];
    assert_eq!(edge["basis"], "derived");
    assert_eq!(edge["proof"]["rule"], "indirect-addressing");
    assert_eq!(
        edge["proof"]["edges"][1]["from"], "movement-of-terrorist-groups",
        "{edge}"
    );
    // An asserted edge carries neither.
    let json = seccoop(&[
        "path",
        "border-security-cooperation",
        "movement-of-terrorist-groups",
        "--format",
        "json",
    ])
    .success()
    .json();
    let edge = json["paths"][0]["edges"][0]
        .as_object()
        .expect("an edge object");
    assert!(!edge.contains_key("basis") && !edge.contains_key("proof"));

    seccoop(&["impact", "lack-of-trust-and-transparency", "--depth", "2"])
        .success()
        .stdout_has(&[
            "addresses Terrorism (threat)  (3 chains)  (derived via Movement of Terrorist Groups)",
        ]);
    let json = seccoop(&[
        "impact",
        "lack-of-trust-and-transparency",
        "--depth",
        "2",
        "--format",
        "json",
    ])
    .success()
    .json();
    let derived = json["reached"]
        .as_array()
        .expect("reached")
        .iter()
        .flat_map(|r| r["via"].as_array().into_iter().flatten())
        .filter(|e| e["basis"] == "derived")
        .count();
    assert!(derived > 0, "no derived edge is marked in {json}");
    // Without reasoning no edge is derived.
    let plain = seccoop(&[
        "--no-reasoning",
        "impact",
        "lack-of-trust-and-transparency",
        "--format",
        "json",
    ]);
    assert!(!plain.success().stdout.contains("\"derived\""));
}

#[test]
fn whatif_derives_again_without_the_removed_nodes() {
    let weakened = |args: &[&str]| -> BTreeMap<String, Value> {
        let mut all = vec!["whatif"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--format", "json"]);
        let json = seccoop(&all).success().json();
        json["threats_weakened"]
            .as_array()
            .expect("an array")
            .iter()
            .map(|t| {
                (
                    t["node"]["id"].as_str().unwrap_or_default().to_string(),
                    t.clone(),
                )
            })
            .collect()
    };
    // Border security cooperation is the only addresser of the movement of
    // terrorist groups; without that threat, its derived edge to terrorism goes.
    let w = weakened(&["--without", "movement-of-terrorist-groups"]);
    let lost = w["terrorism"]["lost"].as_array().expect("lost");
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0]["id"], "border-security-cooperation");
}

/// A graph whose own schema declares rules, one of them broken in each way.
const BAD_RULES: &str = r#"
[schema.kinds.activity]
[schema.kinds.threat]
[schema.relations.addresses]
from = "activity"
to = "threat"
[schema.relations.drives]
from = "threat"
to = "threat"
[schema.rules.typo]
chain = ["adresses", "drives"]
gives = "addresses"
[schema.rules.backwards]
chain = ["drives", "addresses"]
gives = "addresses"
[schema.rules.wrong-head]
chain = ["addresses", "drives"]
gives = "drives"
"#;

#[test]
fn check_lists_every_broken_rule_with_its_place() {
    let scratch = Scratch::new();
    scratch.write("rules.toml", BAD_RULES);
    let run = seccoop_in(scratch.path(), &["check", "rules.toml"]);
    run.error().stderr_has(&[
        "rules.toml:11:10",
        "unknown relation `adresses`",
        "did you mean `addresses`?",
        "rules.toml:14:20",
        "`drives` ends at threat but `addresses` starts at activity",
        "rules.toml:18:9",
        "the chain can start at kind `activity`, but `drives` does not allow that",
    ]);
}

#[test]
fn a_graph_with_no_rules_is_the_same_with_and_without_reasoning() {
    let scratch = Scratch::new();
    scratch.write(
        "plain.toml",
        &BAD_RULES[..BAD_RULES.find("[schema.rules").unwrap_or(0)],
    );
    let with = seccoop_in(
        scratch.path(),
        &["-g", "plain.toml", "stats", "--format", "json"],
    );
    let without = seccoop_in(
        scratch.path(),
        &[
            "-g",
            "plain.toml",
            "--no-reasoning",
            "stats",
            "--format",
            "json",
        ],
    );
    assert_eq!(with.success().stdout, without.success().stdout);
}
