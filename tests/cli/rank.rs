//! `seccoop rank --by degree|betweenness|pagerank|coverage`.
//!
//! Coverage is recounted from the `addresses` edges `query` lists; the
//! centralities are compared with NetworkX (`tests/python/centrality.py`)
//! on the curated graph and on a generated graph of 10,000 nodes.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::harness::{Scratch, seccoop};
use crate::python::python;

fn rank(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["rank", "--format", "json"];
    all.extend_from_slice(args);
    seccoop(&all)
        .success()
        .json()
        .as_array()
        .expect("an array")
        .clone()
}

#[test]
fn coverage_ranks_activities_by_the_threats_only_they_address() {
    let rows = seccoop(&[
        "query",
        "MATCH (a:activity)-[:addresses]->(t:threat) RETURN a.id, t.id",
        "--format",
        "json",
    ])
    .success()
    .json();
    let mut by_threat: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in rows.as_array().unwrap() {
        by_threat
            .entry(row["t.id"].as_str().unwrap().into())
            .or_default()
            .push(row["a.id"].as_str().unwrap().into());
    }
    let mut only: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (t, activities) in &by_threat {
        if let [a] = activities.as_slice() {
            only.entry(a.clone()).or_default().push(t.clone());
        }
    }
    let ranked = rank(&["--by", "coverage"]);
    assert_eq!(ranked.len(), 22, "every activity is ranked");
    let mut last = f64::INFINITY;
    for r in &ranked {
        assert_eq!(r["kind"], "activity");
        let id = r["id"].as_str().unwrap();
        let mut listed: Vec<String> = r["only"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect();
        listed.sort();
        let mut expected = only.get(id).cloned().unwrap_or_default();
        expected.sort();
        assert_eq!(listed, expected, "{id}");
        let score = r["score"].as_f64().unwrap();
        assert_eq!(score, expected.len() as f64);
        assert!(score <= last, "not sorted at {id}");
        last = score;
    }
    // The top one is the activity whose loss leaves the most threats
    // unaddressed, as `gaps` lists the single points of failure.
    let gaps = seccoop(&["gaps", "--format", "json"]).success().json();
    let most = gaps["single_points_of_failure"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["leaves_unaddressed"].as_array().unwrap().len())
        .max()
        .unwrap();
    assert_eq!(ranked[0]["only"].as_array().unwrap().len(), most);
}

#[test]
fn kind_and_top_filter_and_formats() {
    let threats = rank(&["--by", "degree", "--kind", "threat", "--top", "3"]);
    assert_eq!(threats.len(), 3);
    assert!(threats.iter().all(|r| r["kind"] == "threat"));
    assert_eq!(threats[0]["rank"], 1);
    let csv = seccoop(&["rank", "--by", "pagerank", "--format", "csv", "--top", "2"]);
    csv.success();
    assert!(csv.stdout.starts_with("rank,id,kind,score\n1,"));
    seccoop(&["rank", "--by", "fame"]).exits(2);
    seccoop(&["rank", "--format", "dot"]).exits(2);
    seccoop(&["rank", "--kind", "threatz"])
        .error()
        .stderr_has(&["unknown kind `threatz`"]);
}

/// Our figures against NetworkX's for the graph in `folder`, within 1e-6.
fn compare_with_networkx(folder: &std::path::Path, test: &str) {
    let Some(py) = python(test) else { return };
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/centrality.py");
    let out = std::process::Command::new(&py)
        .arg(script)
        .arg(folder)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let nx: Value = serde_json::from_slice(&out.stdout).expect("JSON from NetworkX");
    let graph = folder.to_str().unwrap();
    for by in ["degree", "betweenness", "pagerank"] {
        // NetworkX reads the file's edges: rank them without derived ones.
        let ours: BTreeMap<String, f64> = rank(&["--no-reasoning", "-g", graph, "--by", by])
            .iter()
            .map(|r| {
                (
                    r["id"].as_str().unwrap().to_string(),
                    r["score"].as_f64().unwrap(),
                )
            })
            .collect();
        let theirs = nx[by].as_object().unwrap();
        assert_eq!(ours.len(), theirs.len(), "{by}: node counts differ");
        for (id, v) in theirs {
            let v = v.as_f64().unwrap();
            let o = ours.get(id).copied().unwrap_or(f64::NAN);
            assert!(
                (o - v).abs() <= 1e-6,
                "{by} of {id}: ours {o}, NetworkX {v}"
            );
        }
    }
}

#[test]
fn centralities_agree_with_networkx_on_the_curated_graph() {
    let scratch = Scratch::new();
    scratch.run(&["convert", "curated"]).success();
    compare_with_networkx(&scratch.path().join("curated"), "rank_curated_networkx");
}

/// Slow (NetworkX's betweenness on 10,000 nodes takes about a minute).
#[test]
fn centralities_agree_with_networkx_on_a_generated_graph() {
    let scratch = Scratch::new();
    scratch
        .run(&["generate", "--nodes", "10000", "--seed", "7", "big"])
        .success();
    compare_with_networkx(&scratch.path().join("big"), "rank_generated_networkx");
}
