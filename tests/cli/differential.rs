//! seccoop's answers against Kuzu's: the read-only queries of
//! `tests/differential/queries.toml`, asked of `seccoop query` and of Kuzu
//! on the curated graph's Kuzu bundle, compared as multisets of rows.
//!
//! The bundle holds the graph file's edges, so seccoop answers with
//! `--no-reasoning`. Kuzu runs in the Python environment of
//! [`crate::python`] (`tests/python/kuzu_queries.py`); without it the test
//! skips, or fails when `SECCOOP_REQUIRE_PYTHON` is set.
//!
//! Each difference the file lists with `differs` (and its reason) is
//! expected; the test fails when a query differs without being listed, when
//! a listed query stops differing, and when a query returns no rows on
//! seccoop's side (an empty answer agrees too easily to test anything).

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::harness::{Scratch, note};
use crate::python::{python, run};

/// The queries file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Queries {
    query: Vec<Query>,
}

/// One query, as the file's header describes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Query {
    name: String,
    cypher: String,
    kuzu: Option<String>,
    #[serde(default)]
    ordered: bool,
    differs: Option<String>,
}

fn queries() -> Vec<Query> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential/queries.toml");
    let text = std::fs::read_to_string(&path).expect("tests/differential/queries.toml");
    let file: Queries = toml::from_str(&text).expect("the queries file parses");
    file.query
}

/// An answer: its rows, each a JSON object from column name to value; or
/// the error that stopped the query.
type Answer = Result<Vec<Value>, String>;

fn seccoop_answer(scratch: &Scratch, q: &Query) -> Answer {
    let run = scratch.run(&["--no-reasoning", "query", "--format", "json", &q.cypher]);
    run.no_panic();
    if run.code != 0 {
        return Err(run.stderr.clone());
    }
    match serde_json::from_str(&run.stdout) {
        Ok(Value::Array(rows)) => Ok(rows),
        _ => Err(format!("not a JSON list of rows:\n{}", run.stdout)),
    }
}

fn kuzu_answer(answer: &Value) -> Answer {
    if let Some(e) = answer.get("error") {
        return Err(e.as_str().unwrap_or_default().to_string());
    }
    let columns = answer["columns"].as_array().expect("columns");
    Ok(answer["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| {
            let cells = row.as_array().expect("a row is a list");
            Value::Object(
                columns
                    .iter()
                    .zip(cells)
                    .map(|(c, v)| (c.as_str().expect("a name").to_string(), v.clone()))
                    .collect(),
            )
        })
        .collect())
}

/// A value as compared: floats to 12 significant digits, so that two sums
/// taken in different orders agree.
fn normal(v: &Value) -> Value {
    match v {
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().expect("a float");
            json!({ "float": format!("{x:.11e}") })
        }
        Value::Array(items) => Value::Array(items.iter().map(normal).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), normal(v))).collect())
        }
        other => other.clone(),
    }
}

/// The rows as compared: normalized, in order or sorted.
fn compared(rows: &[Value], ordered: bool) -> Vec<String> {
    let mut out: Vec<String> = rows.iter().map(|r| normal(r).to_string()).collect();
    if !ordered {
        out.sort();
    }
    out
}

fn same(a: &Answer, b: &Answer, ordered: bool) -> bool {
    match (a, b) {
        (Ok(a), Ok(b)) => compared(a, ordered) == compared(b, ordered),
        _ => false,
    }
}

/// An answer for a failure message, cut to a readable length.
fn show(a: &Answer, ordered: bool) -> String {
    let text = match a {
        Ok(rows) => {
            let rows = compared(rows, ordered);
            let n = rows.len();
            let mut s = rows.into_iter().take(12).collect::<Vec<_>>().join("\n    ");
            if n > 12 {
                s.push_str(&format!("\n    … {} more", n - 12));
            }
            format!("{n} rows\n    {s}")
        }
        Err(e) => format!("error: {e}"),
    };
    text.chars().take(3000).collect()
}

#[test]
fn the_query_file_is_well_formed() {
    let qs = queries();
    assert!(qs.len() >= 60, "only {} queries", qs.len());
    let mut names = BTreeSet::new();
    for q in &qs {
        assert!(names.insert(q.name.as_str()), "`{}` twice", q.name);
        assert!(
            q.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "`{}` is not kebab-case",
            q.name
        );
        if let Some(why) = &q.differs {
            assert!(why.len() >= 40, "`{}`: say why it differs", q.name);
        }
        if let Some(k) = &q.kuzu {
            assert_ne!(k, &q.cypher, "`{}`: kuzu repeats cypher", q.name);
        }
    }
}

#[test]
fn seccoop_and_kuzu_answer_alike() {
    let Some(py) = python("seccoop_and_kuzu_answer_alike") else {
        return;
    };
    let qs = queries();
    let scratch = Scratch::new();
    scratch
        .run(&["convert", "--to", "kuzu", "bundle"])
        .success();
    let texts: Vec<Value> = qs
        .iter()
        .map(|q| json!({"name": q.name, "text": q.kuzu.as_ref().unwrap_or(&q.cypher)}))
        .collect();
    let file = scratch.write("queries.json", Value::Array(texts).to_string());
    let db = tempfile::tempdir().expect("a temporary folder");
    let out = run(
        &py,
        include_str!("../python/kuzu_queries.py"),
        &[
            scratch.path().join("bundle").to_str().expect("UTF-8"),
            db.path().to_str().expect("UTF-8"),
            file.to_str().expect("UTF-8"),
        ],
    );
    let kuzu: Value = serde_json::from_str(&out).expect("the script prints JSON");

    let mut problems = Vec::new();
    let (mut equal, mut known) = (0, 0);
    for q in &qs {
        let ours = seccoop_answer(&scratch, q);
        let theirs = kuzu_answer(&kuzu[&q.name]);
        let alike = same(&ours, &theirs, q.ordered);
        let sides = || {
            format!(
                "  seccoop: {}\n  kuzu:    {}",
                show(&ours, q.ordered),
                show(&theirs, q.ordered)
            )
        };
        match (&q.differs, alike) {
            (None, true) => equal += 1,
            (Some(_), false) => known += 1,
            (None, false) => problems.push(format!(
                "`{}` differs and is not listed as a known difference:\n{}",
                q.name,
                sides()
            )),
            (Some(_), true) => problems.push(format!(
                "`{}` is listed as a known difference but both answer alike; remove `differs`:\n{}",
                q.name,
                sides()
            )),
        }
        if matches!(&ours, Ok(rows) if rows.is_empty()) {
            problems.push(format!(
                "`{}` returns no rows on seccoop's side; an empty answer tests little",
                q.name
            ));
        }
    }
    note(&format!(
        "differential: {} queries, {equal} equal, {known} known differences",
        qs.len()
    ));
    assert!(
        problems.is_empty(),
        "{} of {} queries:\n\n{}",
        problems.len(),
        qs.len(),
        problems.join("\n\n")
    );
}
