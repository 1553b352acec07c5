//! `seccoop prioritize --budget K`.
//!
//! The answers on the curated graph are checked against a brute force over
//! every subset of activities, computed here from the `addresses` edges as
//! `query` lists them; the covered and uncovered threats are recounted
//! from the same edges.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::harness::{Scratch, seccoop};

/// Every activity with the threats it addresses (activities addressing
/// nothing included), and every threat.
fn edges() -> (BTreeMap<String, BTreeSet<String>>, BTreeSet<String>) {
    let list = |kind: &str| -> BTreeSet<String> {
        ids(&seccoop(&["list", kind, "--format", "json"])
            .success()
            .json())
    };
    let mut covers: BTreeMap<String, BTreeSet<String>> = list("activity")
        .into_iter()
        .map(|a| (a, BTreeSet::new()))
        .collect();
    let rows = seccoop(&[
        "query",
        "MATCH (a:activity)-[:addresses]->(t:threat) RETURN a.id, t.id",
        "--format",
        "json",
    ])
    .success()
    .json();
    for row in rows.as_array().expect("rows") {
        let (a, t) = (row["a.id"].as_str().unwrap(), row["t.id"].as_str().unwrap());
        covers
            .get_mut(a)
            .expect("a listed activity")
            .insert(t.into());
    }
    (covers, list("threat"))
}

/// The most threats any `k` activities address at least `r` times (r ≤ 2),
/// trying every subset of size `k` (coverage only grows with more).
fn brute(masks: &[u32], k: usize, r: u32) -> u32 {
    fn go(masks: &[u32], from: usize, k: usize, once: u32, twice: u32, r: u32, best: &mut u32) {
        let score = if r == 1 { once } else { twice }.count_ones();
        *best = (*best).max(score);
        if k == 0 {
            return;
        }
        for i in from..masks.len() {
            let m = masks[i];
            go(masks, i + 1, k - 1, once | m, twice | (once & m), r, best);
        }
    }
    let mut best = 0;
    go(masks, 0, k, 0, 0, r, &mut best);
    best
}

fn prioritize(args: &[&str]) -> Value {
    let mut all = vec!["prioritize", "--format", "json"];
    all.extend_from_slice(args);
    seccoop(&all).success().json()
}

/// The `id` of each object of a JSON array.
fn ids<T: FromIterator<String>>(list: &Value) -> T {
    list.as_array()
        .expect("an array")
        .iter()
        .map(|o| o["id"].as_str().expect("an id").to_string())
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|s| s.as_str().expect("a string").to_string())
        .collect()
}

/// The threats `chosen` address at least `r` times, recounted.
fn recount(
    covers: &BTreeMap<String, BTreeSet<String>>,
    chosen: &[String],
    r: usize,
) -> BTreeSet<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for a in chosen {
        for t in &covers[a] {
            *counts.entry(t).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, c)| *c >= r)
        .map(|(t, _)| t.to_string())
        .collect()
}

#[test]
fn budgets_1_to_6_match_brute_force_and_coverage_grows() {
    let (covers, threats) = edges();
    let index: Vec<&String> = threats.iter().collect();
    let masks: Vec<u32> = covers
        .values()
        .map(|ts| {
            ts.iter()
                .map(|t| 1u32 << index.iter().position(|x| *x == t).unwrap())
                .fold(0, |a, b| a | b)
        })
        .collect();
    for r in [1u32, 2] {
        let mut last = 0.0;
        for k in 1..=6usize {
            let budget = k.to_string();
            let redundancy = r.to_string();
            let p = prioritize(&["--budget", &budget, "--redundancy", &redundancy]);
            let best = brute(&masks, k, r);
            assert_eq!(p["score"], f64::from(best), "K={k} R={r}: {p:#}");
            assert_eq!(p["optimal"], true, "K={k} R={r}");
            assert_eq!(p["gap"], Value::Null);
            assert_eq!(p["budget"], k);
            let chosen: Vec<String> = ids(&p["chosen"]);
            assert!(chosen.len() <= k);
            let covered: BTreeSet<String> = strings(&p["covered"]).into_iter().collect();
            assert_eq!(
                covered,
                recount(&covers, &chosen, r as usize),
                "K={k} R={r}"
            );
            let uncovered: BTreeSet<String> = strings(&p["uncovered"]).into_iter().collect();
            assert_eq!(
                uncovered,
                threats.difference(&covered).cloned().collect(),
                "K={k} R={r}"
            );
            // What each adds, in order, sums to the coverage.
            let adds: BTreeSet<String> = p["chosen"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|c| strings(&c["adds"]))
                .collect();
            assert_eq!(adds, covered);
            let score = p["score"].as_f64().unwrap();
            assert!(
                score >= last,
                "coverage fell from {last} to {score} at K={k} R={r}"
            );
            last = score;
        }
    }
}

#[test]
fn json_has_the_documented_fields() {
    let p = prioritize(&["--budget", "3"]);
    for key in [
        "budget",
        "chosen",
        "covered",
        "uncovered",
        "score",
        "optimal",
        "gap",
    ] {
        assert!(p.get(key).is_some(), "no `{key}` in {p:#}");
    }
    let first = &p["chosen"][0];
    for key in ["id", "name", "adds", "hindered_by"] {
        assert!(first.get(key).is_some(), "no `{key}` in {first:#}");
    }
    // Every hindrance is a challenge the activity is hindered by.
    for c in p["chosen"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        let hindered = seccoop(&[
            "related",
            id,
            "--rel",
            "hindered_by",
            "--dir",
            "out",
            "--format",
            "json",
        ])
        .success()
        .json();
        let hindered: BTreeSet<String> = ids(&hindered);
        let listed: BTreeSet<String> = ids(&c["hindered_by"]);
        assert_eq!(listed, hindered, "{id}");
    }
}

#[test]
fn keep_and_without_are_honoured() {
    let (covers, _) = edges();
    let p = prioritize(&[
        "--budget",
        "3",
        "--keep",
        "intelligence-sharing",
        "--without",
        "transnational-crime-cooperation",
    ]);
    let chosen: Vec<String> = ids(&p["chosen"]);
    assert!(chosen.contains(&"intelligence-sharing".to_string()));
    assert!(!chosen.contains(&"transnational-crime-cooperation".to_string()));
    assert_eq!(p["optimal"], true);
    // The best of every pair added to the kept activity, by brute force.
    let others: Vec<&String> = covers
        .keys()
        .filter(|a| *a != "intelligence-sharing" && *a != "transnational-crime-cooperation")
        .collect();
    let mut best = 0;
    for (i, a) in others.iter().enumerate() {
        for b in &others[i + 1..] {
            let set = [
                "intelligence-sharing".to_string(),
                (*a).clone(),
                (*b).clone(),
            ];
            best = best.max(recount(&covers, &set, 1).len());
        }
    }
    assert_eq!(p["score"], best as f64);
}

#[test]
fn a_cut_short_search_says_it_is_not_proved_optimal_in_every_format() {
    let args = ["prioritize", "--budget", "5", "--time-limit", "0"];
    let json = {
        let mut a = args.to_vec();
        a.extend_from_slice(&["--format", "json"]);
        seccoop(&a).success().json()
    };
    assert_eq!(json["optimal"], false, "{json:#}");
    assert_eq!(json["timed_out"], true);
    let gap = json["gap"].as_f64().expect("a gap");
    assert!(gap > 0.0 && gap < 1.0);
    assert!(json["upper_bound"].as_f64().unwrap() >= json["score"].as_f64().unwrap());
    seccoop(&args)
        .success()
        .stdout_has(&["not proved optimal", "time limit", "% of optimal"]);
    let csv = {
        let mut a = args.to_vec();
        a.extend_from_slice(&["--format", "csv"]);
        seccoop(&a)
    };
    csv.success().stderr_has(&["not proved optimal"]);
    assert!(
        csv.stdout
            .starts_with("rank,id,name,kept,adds,score,optimal,gap\n")
    );
    assert!(csv.stdout.lines().skip(1).all(|l| l.contains(",false,0.")));
    let mut a = args.to_vec();
    a.extend_from_slice(&["--format", "dot"]);
    seccoop(&a)
        .success()
        .stdout_has(&["not proved optimal"])
        .stderr_has(&["not proved optimal"]);
}

#[test]
fn greedy_states_its_gap() {
    let p = prioritize(&["--budget", "4", "--redundancy", "2", "--search", "greedy"]);
    let (score, bound) = (
        p["score"].as_f64().unwrap(),
        p["upper_bound"].as_f64().unwrap(),
    );
    assert_eq!(p["method"], "greedy");
    if p["optimal"] == false {
        assert!((p["gap"].as_f64().unwrap() - (bound - score) / bound).abs() < 1e-12);
    }
    // The exhaustive answer lies between greedy's score and its bound.
    let exact = prioritize(&["--budget", "4", "--redundancy", "2"]);
    let best = exact["score"].as_f64().unwrap();
    assert!(
        score <= best && best <= bound,
        "{score} <= {best} <= {bound}"
    );
}

#[test]
fn diagrams_highlight_the_chosen_set() {
    let p = prioritize(&["--budget", "2"]);
    let chosen: Vec<String> = p["chosen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    let dot = seccoop(&["prioritize", "--budget", "2", "--format", "dot"]);
    dot.success();
    let bold: Vec<&str> = dot
        .stdout
        .lines()
        .filter(|l| l.contains("penwidth"))
        .collect();
    assert_eq!(bold.len(), 2, "{}", dot.stdout);
    for name in &chosen {
        assert!(
            bold.iter().any(|l| l.contains(name.as_str())),
            "{name} not highlighted"
        );
    }
    let mermaid = seccoop(&["prioritize", "--budget", "2", "--format", "mermaid"]);
    mermaid.success();
    assert_eq!(mermaid.stdout.matches("stroke-width:3px").count(), 2);
    // The explorer page carries the chosen set as `highlight`, by node.
    let page = seccoop(&["prioritize", "--budget", "2", "--format", "html"]);
    page.success();
    let start = r#"<script type="application/json" id="graph-data">"#;
    let from = page.stdout.find(start).expect("the page holds its data") + start.len();
    let to = from + page.stdout[from..].find("</script>").expect("its end");
    let data: Value = serde_json::from_str(&page.stdout[from..to]).expect("JSON");
    let picked: BTreeSet<String> = data["highlight"]
        .as_array()
        .expect("highlight")
        .iter()
        .map(|i| {
            let i = usize::try_from(i.as_u64().expect("an index")).expect("fits");
            data["nodes"][i]["name"]
                .as_str()
                .expect("a name")
                .to_string()
        })
        .collect();
    assert_eq!(picked, chosen.iter().cloned().collect::<BTreeSet<_>>());
}

#[test]
fn plans_that_cannot_be_solved_are_errors() {
    seccoop(&["prioritize", "--budget", "2", "--keep", "nato"])
        .error()
        .stderr_has(&[
            "`nato` cannot be kept: its kind is actor",
            "help: keep a candidate",
        ]);
    seccoop(&[
        "prioritize",
        "--budget",
        "2",
        "--keep",
        "intelligence-sharing",
        "--without",
        "intelligence-sharing",
    ])
    .error()
    .stderr_has(&["both kept (--keep) and taken out (--without)"]);
    seccoop(&[
        "prioritize",
        "--budget",
        "1",
        "--keep",
        "intelligence-sharing",
        "--keep",
        "development-assistance",
    ])
    .error()
    .stderr_has(&[
        "2 nodes are kept but the budget is 1",
        "raise --budget to at least 2",
    ]);
    seccoop(&["prioritize", "--budget", "2", "--rel", "adresses"])
        .error()
        .stderr_has(&["unknown relation `adresses`", "did you mean `addresses`?"]);
    seccoop(&["prioritize", "--budget", "2", "--weight", "severity"])
        .error()
        .stderr_has(&["has no usable `severity` weight: it has none"]);
    seccoop(&["prioritize", "--budget", "2", "--redundancy", "0"]).exits(2);
    seccoop(&["prioritize", "--budget", "2", "--time-limit", "soon"]).exits(2);
    seccoop(&["prioritize", "--budget", "2", "--format", "jsonl"]).exits(2);
}

/// A user graph with its own kinds and relation, and weights.
const PROJECTS: &str = r#"
[schema.kinds.project]
[schema.kinds.risk]
[schema.relations.mitigates_risk]
from = ["project"]
to = ["risk"]

[[nodes]]
id = "a"
kind = "project"
name = "A"
[[nodes]]
id = "b"
kind = "project"
name = "B"
[[nodes]]
id = "c"
kind = "project"
name = "C"
[[nodes]]
id = "flood"
kind = "risk"
name = "Flood"
severity = 5
[[nodes]]
id = "fire"
kind = "risk"
name = "Fire"
severity = 3
[[nodes]]
id = "theft"
kind = "risk"
name = "Theft"
severity = 1.5

[[edges]]
from = "a"
rel = "mitigates_risk"
to = "fire"
[[edges]]
from = "a"
rel = "mitigates_risk"
to = "theft"
[[edges]]
from = "b"
rel = "mitigates_risk"
to = "flood"
[[edges]]
from = "c"
rel = "mitigates_risk"
to = "theft"
"#;

#[test]
fn user_graphs_with_their_own_schema_and_weights() {
    let scratch = Scratch::new();
    scratch.write("projects.toml", PROJECTS);
    let run = |budget: &str, more: &[&str]| {
        let mut args = vec![
            "-g",
            "projects.toml",
            "prioritize",
            "--budget",
            budget,
            "--rel",
            "mitigates_risk",
        ];
        args.extend_from_slice(more);
        scratch.run(&args)
    };
    let p = run("1", &["--weight", "severity", "--format", "json"])
        .success()
        .json();
    // Flood (5) beats fire and theft (3 + 1.5).
    assert_eq!(p["chosen"][0]["id"], "b");
    assert_eq!(p["score"], 5.0);
    assert_eq!(p["total"], 9.5);
    assert_eq!(p["whole_portfolio"]["score"], 9.5);
    run("1", &["--weight", "severty"]).error().stderr_has(&[
        "`flood` has no usable `severty` weight: it has none; did you mean `severity`?",
    ]);
    run("2", &[]).success().stdout_has(&[
        "2 of 3 projects chosen (budget 2) cover 3 of 3 risks; all 3 cover 3 (optimal)",
    ]);
}

#[test]
fn whatif_compares_the_best_portfolio() {
    let w = seccoop(&[
        "whatif",
        "--without",
        "transnational-crime-cooperation",
        "--budget",
        "3",
        "--format",
        "json",
    ])
    .success()
    .json();
    let p = &w["portfolio"];
    assert_eq!(p["budget"], 3);
    let chosen = |v: &Value| -> Vec<String> { ids(&v["chosen"]) };
    let (before, after) = (chosen(&p["before"]), chosen(&p["after"]));
    assert_eq!(before, chosen(&prioritize(&["--budget", "3"])));
    assert_eq!(
        after,
        chosen(&prioritize(&[
            "--budget",
            "3",
            "--without",
            "transnational-crime-cooperation"
        ]))
    );
    assert!(before.contains(&"transnational-crime-cooperation".to_string()));
    assert!(strings(&p["dropped"]).contains(&"transnational-crime-cooperation".to_string()));
    assert!(p["after"]["score"].as_f64() < p["before"]["score"].as_f64());
    // Without --budget the answer is as before: no portfolio.
    let plain = seccoop(&["whatif", "--without", "nato", "--format", "json"])
        .success()
        .json();
    assert!(plain.get("portfolio").is_none());
}

#[test]
fn coverage_through_derived_edges_is_marked() {
    let p = prioritize(&["--budget", "3"]);
    let mut marked = 0;
    for c in p["chosen"].as_array().expect("chosen") {
        let id = c["id"].as_str().expect("an id");
        let related = seccoop(&["related", id, "--rel", "addresses", "--format", "json"]).json();
        let derived: BTreeSet<String> = related
            .as_array()
            .expect("rows")
            .iter()
            .filter(|r| r["dir"] == "out" && r["basis"] == "derived")
            .map(|r| r["id"].as_str().expect("an id").to_string())
            .collect();
        let adds: BTreeSet<String> = strings(&c["adds"]).into_iter().collect();
        let got: BTreeSet<String> = strings(&c["adds_derived"]).into_iter().collect();
        assert_eq!(got, &adds & &derived, "{id}");
        marked += got.len();
    }
    assert!(
        marked > 0,
        "no chosen activity covers a threat through a derived edge"
    );
    seccoop(&["prioritize", "--budget", "3"])
        .success()
        .stdout_has(&["instability*", "`seccoop explain "]);
    let plain = prioritize(&["--budget", "3", "--no-reasoning"]);
    assert!(
        plain["chosen"]
            .as_array()
            .expect("chosen")
            .iter()
            .all(|c| strings(&c["adds_derived"]).is_empty())
    );
}
