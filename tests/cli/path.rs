//! `seccoop path FROM TO`.
//!
//! Checked by hand on the curated graph: resource constraints and terrorism
//! are four edges apart (no path of three or fewer exists, which
//! `--all --max-hops 3` confirms), for instance through development
//! assistance, which mitigates resource constraints and, like
//! counter-terrorism cooperation, involves states.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{Scratch, assert_keys, complete_graph, seccoop};

/// `path ARGS --format json`.
fn path(args: &[&str]) -> Value {
    let mut all = vec!["path"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    seccoop(&all).success().json()
}

type Triple = (String, String, String);

/// Each path as its node ids and its `(from, rel, to)` edges.
fn paths(json: &Value) -> Vec<(Vec<String>, Vec<Triple>)> {
    json["paths"]
        .as_array()
        .expect("paths is an array")
        .iter()
        .map(|p| {
            let nodes = p["nodes"]
                .as_array()
                .expect("nodes")
                .iter()
                .map(|n| n.as_str().expect("a node id").to_string())
                .collect();
            let edges = p["edges"]
                .as_array()
                .expect("edges")
                .iter()
                .map(|e| {
                    let f = |k: &str| e[k].as_str().expect("an edge field").to_string();
                    (f("from"), f("rel"), f("to"))
                })
                .collect();
            (nodes, edges)
        })
        .collect()
}

/// Every edge of the curated graph, read with `related --dir out`, so a
/// path's edges can be checked against the graph independently of `path`.
struct Edges {
    cache: HashMap<String, BTreeSet<Triple>>,
}

impl Edges {
    fn new() -> Self {
        Edges {
            cache: HashMap::new(),
        }
    }

    fn exists(&mut self, edge: &Triple) -> bool {
        let (from, _, _) = edge;
        let out = self.cache.entry(from.clone()).or_insert_with(|| {
            let json = seccoop(&["related", from, "--dir", "out", "--format", "json"])
                .success()
                .json();
            json.as_array()
                .expect("an array")
                .iter()
                .map(|r| {
                    let f = |k: &str| r[k].as_str().expect("a field").to_string();
                    (from.clone(), f("rel"), f("id"))
                })
                .collect()
        });
        out.contains(edge)
    }
}

/// Checks each path runs from `from` to `to`, repeats no node, and that
/// each of its edges exists and joins consecutive nodes.
#[track_caller]
fn assert_well_formed(json: &Value, from: &str, to: &str, edges: &mut Edges) {
    for (nodes, path_edges) in paths(json) {
        assert_eq!(nodes.first().map(String::as_str), Some(from));
        assert_eq!(nodes.last().map(String::as_str), Some(to));
        assert_eq!(path_edges.len() + 1, nodes.len(), "{nodes:?}");
        let distinct: BTreeSet<_> = nodes.iter().collect();
        assert_eq!(
            distinct.len(),
            nodes.len(),
            "a path repeats a node: {nodes:?}"
        );
        for (i, e) in path_edges.iter().enumerate() {
            let (a, _, b) = e;
            let (x, y) = (&nodes[i], &nodes[i + 1]);
            assert!(
                (a, b) == (x, y) || (a, b) == (y, x),
                "edge {e:?} does not join {x} and {y}"
            );
            assert!(edges.exists(e), "{e:?} is not an edge of the graph");
        }
    }
}

#[test]
fn golden_table_of_resource_constraints_to_terrorism() {
    let run = seccoop(&["path", "resource-constraints", "terrorism"]);
    insta::assert_snapshot!(run.success().stdout);
}

#[test]
fn golden_json_of_resource_constraints_to_terrorism() {
    let run = seccoop(&[
        "path",
        "resource-constraints",
        "terrorism",
        "--format",
        "json",
    ]);
    insta::assert_snapshot!(run.success().stdout);
}

#[test]
fn json_shape() {
    let json = path(&["resource-constraints", "terrorism"]);
    assert_keys(&json, &["paths", "truncated"]);
    assert_eq!(json["truncated"], false);
    for p in json["paths"].as_array().expect("paths") {
        assert_keys(p, &["nodes", "edges"]);
        for e in p["edges"].as_array().expect("edges") {
            // A derived edge also says so, with its proof.
            if e["basis"] == "derived" {
                assert_keys(e, &["from", "rel", "to", "basis", "proof"]);
            } else {
                assert_keys(e, &["from", "rel", "to"]);
            }
        }
    }
}

#[test]
fn the_shortest_connection_is_well_formed_and_shortest() {
    let mut edges = Edges::new();
    // Checked against the file's edges, so without derived ones.
    let json = path(&["--no-reasoning", "resource-constraints", "terrorism"]);
    let found = paths(&json);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1.len(), 4);
    assert_well_formed(&json, "resource-constraints", "terrorism", &mut edges);
    // Nothing shorter exists.
    let run = seccoop(&[
        "--no-reasoning",
        "path",
        "resource-constraints",
        "terrorism",
        "--all",
        "--max-hops",
        "3",
        "--format",
        "json",
    ]);
    assert!(paths(&run.success().json()).is_empty());
    run.stderr_is("no connection between `resource-constraints` and `terrorism` within 3 hops\n");
}

#[test]
fn all_lists_every_path_up_to_max_hops_shortest_first() {
    let mut edges = Edges::new();
    for (from, to, hops) in [
        ("lack-of-trust-and-transparency", "terrorism", "3"),
        ("intelligence-sharing", "terrorism", "3"),
        ("resource-constraints", "terrorism", "4"),
    ] {
        let all = path(&[from, to, "--all", "--max-hops", hops]);
        assert_eq!(all["truncated"], false);
        let found = paths(&all);
        assert!(found.len() > 1, "{from} {to}: {found:?}");
        assert_well_formed(&all, from, to, &mut edges);
        let lengths: Vec<usize> = found.iter().map(|(_, e)| e.len()).collect();
        let max: usize = hops.parse().expect("a number");
        assert!(lengths.iter().all(|&n| n >= 1 && n <= max), "{lengths:?}");
        assert!(lengths.is_sorted(), "not shortest first: {lengths:?}");
        let distinct: BTreeSet<_> = found.iter().map(|(_, e)| e.clone()).collect();
        assert_eq!(distinct.len(), found.len(), "a path is listed twice");
        let shortest = paths(&path(&[from, to]));
        assert_eq!(shortest[0].1.len(), lengths[0]);
        assert!(found.contains(&shortest[0]), "the shortest path is missing");
    }
}

#[test]
fn all_finds_every_path_a_brute_force_search_finds() {
    // Intelligence sharing addresses terrorism directly, and through the
    // activities it supports. Count every simple path of at most 3 edges by
    // brute force over `related`.
    let mut neighbours: HashMap<String, Vec<Triple>> = HashMap::new();
    let mut around = |id: &str| -> Vec<Triple> {
        neighbours
            .entry(id.to_string())
            .or_insert_with(|| {
                let json = seccoop(&["related", id, "--format", "json"])
                    .success()
                    .json();
                json.as_array()
                    .expect("an array")
                    .iter()
                    .map(|r| {
                        let f = |k: &str| r[k].as_str().expect("a field").to_string();
                        if f("dir") == "out" {
                            (id.to_string(), f("rel"), f("id"))
                        } else {
                            (f("id"), f("rel"), id.to_string())
                        }
                    })
                    .collect()
            })
            .clone()
    };
    let (from, to) = ("intelligence-sharing", "terrorism");
    let mut expected: BTreeSet<Vec<Triple>> = BTreeSet::new();
    let mut stack: Vec<(Vec<String>, Vec<Triple>)> = vec![(vec![from.to_string()], Vec::new())];
    while let Some((nodes, edges)) = stack.pop() {
        let at = nodes.last().expect("a node").clone();
        if at == to {
            expected.insert(edges);
            continue;
        }
        if edges.len() == 3 {
            continue;
        }
        for e in around(&at) {
            let next = if e.0 == at { e.2.clone() } else { e.0.clone() };
            if nodes.contains(&next) {
                continue;
            }
            let mut n = nodes.clone();
            n.push(next);
            let mut es = edges.clone();
            es.push(e);
            stack.push((n, es));
        }
    }
    let found: BTreeSet<Vec<Triple>> = paths(&path(&[from, to, "--all", "--max-hops", "3"]))
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn rel_filters_the_edges_followed() {
    let mut edges = Edges::new();
    let (from, to) = ("lack-of-trust-and-transparency", "terrorism");
    let unfiltered = paths(&path(&[from, to, "--all", "--max-hops", "4"]));
    let json = path(&[
        from,
        to,
        "--all",
        "--max-hops",
        "4",
        "--rel",
        "hindered_by",
        "--rel",
        "addresses",
    ]);
    let filtered = paths(&json);
    assert!(!filtered.is_empty());
    assert!(filtered.len() < unfiltered.len());
    assert_well_formed(&json, from, to, &mut edges);
    for (_, path_edges) in &filtered {
        for (_, rel, _) in path_edges {
            assert!(rel == "hindered_by" || rel == "addresses", "{path_edges:?}");
        }
    }
    // Every unfiltered path made only of those relations is listed.
    for p in &unfiltered {
        if p.1
            .iter()
            .all(|(_, r, _)| r == "hindered_by" || r == "addresses")
        {
            assert!(filtered.contains(p), "{p:?} is missing");
        }
    }
    // The shortest connection honours the filter too.
    let json = path(&["nato", "states", "--rel", "involves"]);
    let shortest = paths(&json);
    assert_eq!(shortest.len(), 1);
    assert!(shortest[0].1.iter().all(|(_, r, _)| r == "involves"));
    assert_well_formed(&json, "nato", "states", &mut edges);
}

const TWO_ISLANDS: &str = r#"
[schema.kinds.island]
plural = "islands"
description = "land with water all round"

[schema.relations.bridge]
from = ["island"]
to = ["island"]
meaning = "a bridge joins the two islands"
impact = "none"

[[nodes]]
id = "north"
kind = "island"
name = "North"

[[nodes]]
id = "south"
kind = "island"
name = "South"

[[nodes]]
id = "east"
kind = "island"
name = "East"

[[edges]]
from = "north"
rel = "bridge"
to = "east"
"#;

#[test]
fn no_connection_is_an_empty_answer_and_a_message() {
    let scratch = Scratch::new();
    scratch.write("islands.toml", TWO_ISLANDS);
    let run = scratch.run(&[
        "-g",
        "islands.toml",
        "path",
        "north",
        "south",
        "--format",
        "json",
    ]);
    run.success()
        .stderr_is("no connection between `north` and `south`\n");
    assert_eq!(
        run.json(),
        serde_json::json!({"paths": [], "truncated": false})
    );
    scratch
        .run(&["-g", "islands.toml", "path", "north", "south"])
        .success()
        .stdout_is("")
        .stderr_is("no connection between `north` and `south`\n");
    scratch
        .run(&["-g", "islands.toml", "path", "south", "north", "--all"])
        .success()
        .stdout_is("")
        .stderr_is("no connection between `south` and `north` within 4 hops\n");
}

#[test]
fn max_hops_above_8_is_lowered_with_a_warning() {
    let scratch = Scratch::new();
    scratch.write("islands.toml", TWO_ISLANDS);
    scratch
        .run(&[
            "-g",
            "islands.toml",
            "path",
            "north",
            "east",
            "--all",
            "--max-hops",
            "50",
        ])
        .success()
        .stdout_is(
            "\
north  North (island)
  ↓ bridge
east  East (island)
",
        )
        .stderr_is("warning: --max-hops 50 lowered to 8\n");
}

#[test]
fn a_dense_graph_is_cut_quickly_and_says_so() {
    let scratch = Scratch::new();
    scratch.write("dense.toml", complete_graph(30));
    let started = Instant::now();
    let run = scratch.run(&[
        "-g",
        "dense.toml",
        "path",
        "p0",
        "p29",
        "--all",
        "--max-hops",
        "8",
        "--format",
        "json",
    ]);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "took {took:?}");
    run.success()
        .stderr_has(&["warning: results cut at 1000 paths"]);
    let json = run.json();
    assert_eq!(json["truncated"], true);
    let found = paths(&json);
    assert_eq!(found.len(), 1000);
    assert!(found.iter().all(|(_, e)| e.len() <= 8));
}

#[test]
fn a_cut_search_still_lists_the_shortest_paths() {
    // Regression: `path --all` searched depth first, so in a dense graph the
    // budget went on long detours and the direct edge between two nodes was
    // missing from the 1000 paths listed, all of 6 to 8 edges.
    let scratch = Scratch::new();
    scratch.write("dense.toml", complete_graph(30));
    let json = scratch
        .run(&[
            "-g",
            "dense.toml",
            "path",
            "p0",
            "p1",
            "--all",
            "--max-hops",
            "8",
            "--format",
            "json",
        ])
        .success()
        .json();
    assert_eq!(json["truncated"], true);
    let lengths: Vec<usize> = paths(&json).iter().map(|(_, e)| e.len()).collect();
    // The direct edge, then the 28 paths through one other point, then the
    // 28 · 27 through two, and so on until the cut.
    assert_eq!(lengths[0], 1);
    assert_eq!(lengths.iter().filter(|&&n| n == 2).count(), 28);
    assert_eq!(lengths.iter().filter(|&&n| n == 3).count(), 28 * 27);
    assert!(lengths.is_sorted());
}

#[test]
fn a_cut_search_with_no_path_did_not_claim_there_was_none() {
    // Regression: when the search budget ran out before any path was found,
    // `path --all` said "no connection ... within 8 hops", which it had not
    // shown.
    let scratch = Scratch::new();
    let mut graph = complete_graph(30);
    graph.push_str("[[nodes]]\nid = \"t\"\nkind = \"point\"\nname = \"T\"\n");
    scratch.write("dense.toml", graph);
    let run = scratch.run(&[
        "-g",
        "dense.toml",
        "path",
        "p0",
        "t",
        "--all",
        "--max-hops",
        "8",
    ]);
    run.success().stdout_is("").stderr_has(&[
        "no connection found between `p0` and `t` before the search was cut",
        "warning: results cut at 0 paths",
    ]);
    assert!(!run.stderr.contains("within 8 hops"), "{run}");
}
