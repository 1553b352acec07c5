//! Exports read back by the other tools' own readers: NetworkX reads GraphML
//! and node-link JSON, Kuzu runs the bundle's script, Python's csv module
//! reads the CSV folder; and GraphML that NetworkX writes loads with -g.
//!
//! Each tool's answer is compared with seccoop's own (`stats`, `list`,
//! `related`, `query`), never with numbers written into the test. Tests that
//! need Python skip with a note when `tests/python/.venv` is missing (see
//! [`crate::python`]); the GraphML error tests need nothing.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use crate::harness::{Scratch, assert_load_error, note, seccoop};
use crate::python::{python, run};

/// What a graph holds, in a shape both seccoop and the Python readers can
/// produce: every node as `[id, kind, name]`, every edge as
/// `[from, rel, to, basis]` (both sorted), and the activities that address
/// `threat`.
fn seccoop_summary(scratch: &Scratch, graph: &[&str], threat: &str) -> Value {
    // Other tools see the file's edges: seccoop answers without the
    // edges its rules derive.
    let with = |args: &[&str]| {
        let mut all: Vec<&str> = vec!["--no-reasoning"];
        all.extend_from_slice(graph);
        all.extend_from_slice(args);
        let run = scratch.run(&all);
        run.success();
        run.json()
    };
    let mut nodes: Vec<Value> = with(&["list", "--format", "json"])
        .as_array()
        .expect("a list")
        .iter()
        .map(|n| json!([n["id"], n["kind"], n["name"]]))
        .collect();
    nodes.sort_by_key(|v| v.to_string());
    let mut edges: Vec<Value> = with(&[
        "query",
        "MATCH (a)-[r]->(b) RETURN a.id AS from, type(r) AS rel, b.id AS to, r.basis AS basis",
        "--format",
        "json",
    ])
    .as_array()
    .expect("rows")
    .iter()
    .map(|e| json!([e["from"], e["rel"], e["to"], e["basis"]]))
    .collect();
    edges.sort_by_key(|v| v.to_string());
    let stats = with(&["stats", "--format", "json"]);
    assert_eq!(stats["nodes"], json!(nodes.len()));
    assert_eq!(stats["edges"], json!(edges.len()));
    let terrorism: Vec<Value> = with(&[
        "related",
        threat,
        "--rel",
        "addresses",
        "--kind",
        "activity",
        "--format",
        "json",
    ])
    .as_array()
    .expect("rows")
    .iter()
    .map(|r| r["id"].clone())
    .collect();
    json!({"nodes": nodes, "edges": edges, "terrorism": terrorism})
}

/// Reads a GraphML or node-link file with NetworkX and prints the summary
/// of [`seccoop_summary`], plus the graph's type and attributes.
const NETWORKX_SUMMARY: &str = r#"
import json, sys, warnings
warnings.simplefilter("error")  # a warning from the reader fails the test
import networkx as nx
fmt, path = sys.argv[1], sys.argv[2]
if fmt == "graphml":
    g = nx.read_graphml(path, force_multigraph=True)
else:
    with open(path, encoding="utf-8") as f:
        g = nx.node_link_graph(json.load(f))
nodes = sorted(([n, d["kind"], d["name"]] for n, d in g.nodes(data=True)), key=json.dumps)
edges = sorted(([u, d["rel"], v, d["basis"]] for u, v, d in g.edges(data=True)), key=json.dumps)
terrorism = sorted(u for u, v, d in g.in_edges("terrorism", data=True)
                   if d["rel"] == "addresses" and g.nodes[u]["kind"] == "activity")
print(json.dumps({
    "summary": {"nodes": nodes, "edges": edges, "terrorism": terrorism},
    "type": type(g).__name__,
    "graph": g.graph,
    "nodes": {n: d for n, d in g.nodes(data=True)},
}))
"#;

fn networkx(py: &Path, format: &str, file: &Path) -> Value {
    let out = run(
        py,
        NETWORKX_SUMMARY,
        &[format, file.to_str().expect("a UTF-8 path")],
    );
    serde_json::from_str(&out).expect("the script prints JSON")
}

#[test]
fn networkx_reads_the_curated_graph_from_graphml_and_node_link() {
    let Some(py) = python("networkx_reads_the_curated_graph_from_graphml_and_node_link") else {
        return;
    };
    let scratch = Scratch::new();
    // No IN: the built-in graph.
    scratch
        .run(&["convert", "curated.graphml"])
        .success()
        .stdout_is("wrote 78 nodes and 215 edges to curated.graphml (graphml)\n");
    scratch
        .run(&["convert", "--to", "node-link", "curated.json"])
        .success();
    let want = seccoop_summary(&scratch, &[], "terrorism");
    assert_eq!(want["terrorism"].as_array().map(Vec::len), Some(3));
    let nato = scratch.run(&["show", "nato", "--format", "json"]).json();
    for format in ["graphml", "node-link"] {
        let file = if format == "graphml" {
            "curated.graphml"
        } else {
            "curated.json"
        };
        let got = networkx(&py, format, &scratch.path().join(file));
        assert_eq!(got["summary"], want, "{format}");
        assert_eq!(got["type"], "MultiDiGraph", "{format}");
        assert_eq!(got["graph"]["name"], "Security cooperation", "{format}");
        let node = &got["nodes"]["nato"];
        assert_eq!(
            node["description"], nato["properties"]["description"],
            "{format}"
        );
        // GraphML cannot type a list: it is JSON text under a string key.
        let aliases = match format {
            "graphml" => {
                serde_json::from_str(node["aliases"].as_str().expect("JSON text")).expect("JSON")
            }
            _ => node["aliases"].clone(),
        };
        assert_eq!(aliases, nato["properties"]["aliases"], "{format}");
    }
}

/// A graph with a property of every type, and two edges of different
/// relations between the same two nodes.
const TYPED: &str = r#"
[[nodes]]
id = "piracy"
kind = "threat"
name = "Piracy"
incidents = 132
losses = 4.5e9
cross_border = true
regions = ["Gulf of Guinea", "Strait of Malacca"]

[[nodes]]
id = "armed-robbery"
kind = "threat"
name = "Armed Robbery at Sea"
incidents = 3000000000
losses = 0.25
cross_border = false

[[nodes]]
id = "patrols"
kind = "activity"
name = "Joint Patrols"
started = 2019

[[edges]]
from = "armed-robbery"
rel = "kind_of"
to = "piracy"

[[edges]]
from = "armed-robbery"
rel = "drives"
to = "piracy"
basis = "inferred"
weight = 0.5

[[edges]]
from = "patrols"
rel = "addresses"
to = "piracy"
"#;

const NETWORKX_TYPES: &str = r#"
import json, sys
import networkx as nx
fmt, path = sys.argv[1], sys.argv[2]
if fmt == "graphml":
    g = nx.read_graphml(path, force_multigraph=True)
else:
    with open(path, encoding="utf-8") as f:
        g = nx.node_link_graph(json.load(f))
out = {"nodes": {}, "parallel": sorted(d["rel"] for d in g.get_edge_data("armed-robbery", "piracy").values())}
# Without being asked, NetworkX sees the parallel edges and makes a multigraph.
out["auto"] = type(nx.read_graphml(path)).__name__ if fmt == "graphml" else type(g).__name__
for n, d in g.nodes(data=True):
    out["nodes"][n] = {k: [type(v).__name__, v] for k, v in d.items()}
for u, v, d in g.edges(data=True):
    if d["rel"] == "drives":
        out["weight"] = [type(d["weight"]).__name__, d["weight"]]
print(json.dumps(out))
"#;

#[test]
fn typed_properties_and_parallel_edges_reach_networkx() {
    let Some(py) = python("typed_properties_and_parallel_edges_reach_networkx") else {
        return;
    };
    let scratch = Scratch::new();
    scratch.write("typed.toml", TYPED);
    scratch
        .run(&["-g", "typed.toml", "convert", "typed.graphml"])
        .success();
    scratch
        .run(&["convert", "typed.toml", "typed.json", "--to", "node-link"])
        .success();
    let graphml = networkx_types(&py, "graphml", &scratch.path().join("typed.graphml"));
    let node_link = networkx_types(&py, "node-link", &scratch.path().join("typed.json"));
    for (format, got) in [("graphml", &graphml), ("node-link", &node_link)] {
        assert_eq!(got["parallel"], json!(["drives", "kind_of"]), "{format}");
        assert_eq!(got["auto"], "MultiDiGraph", "{format}");
        assert_eq!(got["weight"], json!(["float", 0.5]), "{format}");
        for id in ["piracy", "armed-robbery", "patrols"] {
            let shown = scratch
                .run(&["-g", "typed.toml", "show", id, "--format", "json"])
                .json();
            let props = shown["properties"].as_object().expect("properties");
            for (name, want) in props {
                let [ty, value] = got["nodes"][id][name]
                    .as_array()
                    .and_then(|a| <[Value; 2]>::try_from(a.clone()).ok())
                    .unwrap_or_else(|| panic!("{format}: {id}.{name} missing: {got}"));
                let want_ty = match want {
                    Value::Bool(_) => "bool",
                    Value::Number(n) if n.is_i64() => "int",
                    Value::Number(_) => "float",
                    Value::String(_) => "str",
                    // GraphML holds a list as JSON text; node-link as a list.
                    Value::Array(_) if format == "graphml" => "str",
                    _ => "list",
                };
                assert_eq!(ty, want_ty, "{format}: type of {id}.{name}");
                let value = match (&value, want) {
                    (Value::String(text), Value::Array(_)) => {
                        serde_json::from_str(text).expect("JSON text")
                    }
                    _ => value,
                };
                assert_eq!(&value, want, "{format}: {id}.{name}");
            }
        }
    }
    // Both files read back into seccoop unchanged.
    let want = seccoop_summary(&scratch, &["-g", "typed.toml"], "piracy");
    assert_eq!(
        seccoop_summary(&scratch, &["-g", "typed.graphml"], "piracy"),
        want
    );
    let show = |g: &str| {
        scratch
            .run(&["-g", g, "show", "armed-robbery", "--format", "json"])
            .json()
    };
    assert_eq!(show("typed.graphml"), show("typed.toml"));
}

fn networkx_types(py: &Path, format: &str, file: &Path) -> Value {
    let out = run(
        py,
        NETWORKX_TYPES,
        &[format, file.to_str().expect("a UTF-8 path")],
    );
    serde_json::from_str(&out).expect("the script prints JSON")
}

const KUZU_LOAD: &str = r#"
import json, os, sys
import kuzu
bundle = sys.argv[1]
os.chdir(bundle)  # the script's COPY paths are relative to its folder
db = kuzu.Database(os.path.join(sys.argv[2], "db.kuzu"))
conn = kuzu.Connection(db)
with open("kuzu-import.cypher", encoding="utf-8") as f:
    conn.execute(f.read())
def rows(q):
    r = conn.execute(q)
    out = []
    while r.has_next():
        out.append(r.get_next())
    return out
nodes = sorted((list(r) for r in rows("MATCH (n) RETURN n.id, label(n), n.name")), key=json.dumps)
edges = sorted((list(r) for r in rows("MATCH (a)-[r]->(b) RETURN a.id, label(r), b.id, r.basis")), key=json.dumps)
terrorism = [r[0] for r in rows(
    "MATCH (a:activity)-[:addresses]->(t:threat {id: 'terrorism'}) RETURN a.id ORDER BY a.id")]
print(json.dumps({"nodes": nodes, "edges": edges, "terrorism": terrorism}))
"#;

#[test]
fn kuzu_loads_the_bundle_and_answers_the_same() {
    let Some(py) = python("kuzu_loads_the_bundle_and_answers_the_same") else {
        return;
    };
    let scratch = Scratch::new();
    scratch
        .run(&["convert", "--to", "kuzu", "bundle"])
        .success()
        .stdout_is("wrote 78 nodes and 215 edges to bundle (kuzu)\n");
    let db = tempfile::tempdir().expect("a temporary folder");
    let out = run(
        &py,
        KUZU_LOAD,
        &[
            scratch.path().join("bundle").to_str().expect("UTF-8"),
            db.path().to_str().expect("UTF-8"),
        ],
    );
    let got: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(got, seccoop_summary(&scratch, &[], "terrorism"));
}

#[test]
fn kuzu_keeps_column_types() {
    let Some(py) = python("kuzu_keeps_column_types") else {
        return;
    };
    let scratch = Scratch::new();
    scratch.write("typed.toml", TYPED);
    scratch
        .run(&["-g", "typed.toml", "convert", "--to", "kuzu", "bundle"])
        .success();
    let script = r#"
import json, os, sys
import kuzu
os.chdir(sys.argv[1])
conn = kuzu.Connection(kuzu.Database(os.path.join(sys.argv[2], "db.kuzu")))
with open("kuzu-import.cypher", encoding="utf-8") as f:
    conn.execute(f.read())
r = conn.execute("MATCH (t:threat) RETURN t.id, t.incidents, t.losses, t.cross_border, t.regions ORDER BY t.id")
rows = []
while r.has_next():
    rows.append([[type(v).__name__, v] for v in r.get_next()])
r = conn.execute("MATCH (:threat)-[d:drives]->(:threat) RETURN d.weight, d.basis")
print(json.dumps({"threats": rows, "drives": r.get_next()}))
"#;
    let db = tempfile::tempdir().expect("a temporary folder");
    let out = run(
        &py,
        script,
        &[
            scratch.path().join("bundle").to_str().expect("UTF-8"),
            db.path().to_str().expect("UTF-8"),
        ],
    );
    let got: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(
        got["threats"],
        json!([
            [
                ["str", "armed-robbery"],
                ["int", 3000000000i64],
                ["float", 0.25],
                ["bool", false],
                ["NoneType", null]
            ],
            [
                ["str", "piracy"],
                ["int", 132],
                ["float", 4.5e9],
                ["bool", true],
                ["list", ["Gulf of Guinea", "Strait of Malacca"]]
            ]
        ])
    );
    assert_eq!(got["drives"], json!([0.5, "inferred"]));
}

/// Lists of every scalar type, strings Kuzu's list syntax finds awkward, and
/// the lists that cannot be typed, on nodes and on a relationship over
/// several pairs of kinds.
const LISTS: &str = r#"
[[nodes]]
id = "piracy"
kind = "threat"
name = "Piracy"
regions = ["Gulf of Guinea", "Strait of Malacca"]
# The name Kuzu's script would give the variable that strips quotes.
ITEM = ["named like the variable"]
awkward = ["a, b", "[x]", "{y}", " padded ", "", 'say "hi"', "it's", 'back\slash', "NULL", "é", "two\nlines"]
years = [2019, 2020, -3]
shares = [0.5, 1e300, -2.0]
flags = [true, false]
mixed = [1, "a"]
numbers = [1, 2.5]
quotes = ["both \" and '"]
nested = [[1, 2], [3]]

[[nodes]]
id = "armed-robbery"
kind = "threat"
name = "Armed Robbery at Sea"
regions = []
years = [7]

[[nodes]]
id = "transparency"
kind = "principle"
name = "Transparency"

[[nodes]]
id = "mistrust"
kind = "challenge"
name = "Mistrust"

[[nodes]]
id = "patrols"
kind = "activity"
name = "Joint Patrols"

[[edges]]
from = "transparency"
rel = "mitigates"
to = "mistrust"
steps = ["publish, then review", "audit"]

[[edges]]
from = "patrols"
rel = "mitigates"
to = "mistrust"
steps = ["meet"]
"#;

#[test]
fn kuzu_reads_lists_as_typed_lists() {
    let Some(py) = python("kuzu_reads_lists_as_typed_lists") else {
        return;
    };
    let scratch = Scratch::new();
    scratch.write("lists.toml", LISTS);
    scratch
        .run(&["-g", "lists.toml", "convert", "--to", "kuzu", "bundle"])
        .success();
    let script = r#"
import json, math, os, sys
import kuzu
os.chdir(sys.argv[1])
conn = kuzu.Connection(kuzu.Database(os.path.join(sys.argv[2], "db.kuzu")))
with open("kuzu-import.cypher", encoding="utf-8") as f:
    conn.execute(f.read())
def rows(q):
    r = conn.execute(q)
    out = []
    while r.has_next():
        out.append(r.get_next())
    return out
def enc(v):
    if isinstance(v, float) and not math.isfinite(v):
        return repr(v)
    if isinstance(v, list):
        return [enc(x) for x in v]
    return v
types = {r[1]: r[2] for r in rows("CALL table_info('threat') RETURN *")}
threats = {}
for (tid,) in rows("MATCH (t:threat) RETURN t.id"):
    threats[tid] = {c: enc(rows(f"MATCH (t:threat {{id: '{tid}'}}) RETURN t.`{c}`")[0][0])
                    for c in types}
sizes = rows("MATCH (t:threat {id: 'piracy'}) RETURN size(t.regions), size(t.awkward), size(t.years)")
steps = sorted(rows("MATCH (a)-[m:mitigates]->(b) RETURN a.id, m.steps, size(m.steps)"))
print(json.dumps({"types": types, "threats": threats, "sizes": sizes[0], "steps": steps,
                  "step_type": {r[1]: r[2] for r in rows("CALL table_info('mitigates') RETURN *")}}))
"#;
    let db = tempfile::tempdir().expect("a temporary folder");
    let out = run(
        &py,
        script,
        &[
            scratch.path().join("bundle").to_str().expect("UTF-8"),
            db.path().to_str().expect("UTF-8"),
        ],
    );
    let got: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(
        got["types"],
        json!({
            "id": "STRING", "name": "STRING",
            "awkward": "STRING[]", "flags": "BOOL[]", "ITEM": "STRING[]", "mixed": "STRING",
            "nested": "STRING", "numbers": "STRING", "quotes": "STRING",
            "regions": "STRING[]", "shares": "DOUBLE[]", "years": "INT64[]"
        })
    );
    assert_eq!(
        got["threats"]["piracy"],
        json!({
            "id": "piracy", "name": "Piracy",
            "awkward": ["a, b", "[x]", "{y}", " padded ", "", "say \"hi\"", "it's",
                        "back\\slash", "NULL", "é", "two\nlines"],
            "flags": [true, false],
            "ITEM": ["named like the variable"],
            "mixed": "[1,\"a\"]",
            "nested": "[[1,2],[3]]",
            "numbers": "[1,2.5]",
            "quotes": "[\"both \\\" and '\"]",
            "regions": ["Gulf of Guinea", "Strait of Malacca"],
            "shares": [0.5, 1e300, -2.0],
            "years": [2019, 2020, -3]
        })
    );
    assert_eq!(got["threats"]["armed-robbery"]["regions"], json!([]));
    assert_eq!(got["threats"]["armed-robbery"]["years"], json!([7]));
    assert_eq!(got["threats"]["armed-robbery"]["awkward"], json!(null));
    assert_eq!(got["sizes"], json!([2, 11, 3]));
    assert_eq!(got["step_type"]["steps"], json!("STRING[]"));
    assert_eq!(
        got["steps"],
        json!([
            ["patrols", ["meet"], 1],
            ["transparency", ["publish, then review", "audit"], 2]
        ])
    );
}

/// The CSV cells a `LOAD CSV … AS row` statement reads (`row.`name``).
fn columns_read(statement: &str) -> Vec<String> {
    statement
        .split("row.`")
        .skip(1)
        .filter_map(|s| s.split('`').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_neo4j_script_reads_files_and_columns_that_exist() {
    note(
        "the Neo4j bundle is checked for shape only: no Neo4j server can be installed here \
         (not in apt, and PyPI's `neo4j` is only the driver)",
    );
    let scratch = Scratch::new();
    scratch
        .run(&["convert", "--to", "neo4j", "bundle"])
        .success();
    let dir = scratch.path().join("bundle");
    let script = std::fs::read_to_string(dir.join("neo4j-import.cypher")).expect("the script");
    let script: String = script
        .lines()
        .filter(|l| !l.starts_with("//"))
        .map(|l| format!("{l}\n"))
        .collect();
    let statements: Vec<&str> = script
        .split(";\n")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let loads: Vec<&&str> = statements
        .iter()
        .filter(|s| s.contains("LOAD CSV WITH HEADERS FROM 'file:///"))
        .collect();
    let csv_files: Vec<String> = std::fs::read_dir(&dir)
        .expect("the bundle")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    assert_eq!(loads.len(), csv_files.len(), "one LOAD CSV per file");
    let mut rows_loaded = 0;
    for statement in loads {
        let file = statement
            .split("file:///")
            .nth(1)
            .and_then(|s| s.split('\'').next())
            .expect("a file name");
        let mut reader = csv::Reader::from_path(dir.join(file))
            .unwrap_or_else(|e| panic!("{file} named by the script: {e}"));
        let header: Vec<String> = reader
            .headers()
            .expect("a header")
            .iter()
            .map(str::to_string)
            .collect();
        for column in columns_read(statement) {
            assert!(header.contains(&column), "{file} has no column {column}");
        }
        // Every column of the file is read, so nothing is dropped on load.
        for column in &header {
            assert!(
                statement.contains(&format!("row.`{column}`")),
                "{file}: column {column} is not loaded"
            );
        }
        rows_loaded += reader.records().count();
    }
    // The bundle holds the file's edges, not derived ones.
    let stats = scratch
        .run(&["--no-reasoning", "stats", "--format", "json"])
        .json();
    let total = stats["nodes"].as_u64().expect("nodes") + stats["edges"].as_u64().expect("edges");
    assert_eq!(rows_loaded as u64, total);
    // One uniqueness constraint per kind.
    let kinds = stats["kinds"].as_array().expect("kinds").len();
    assert_eq!(
        statements
            .iter()
            .filter(|s| s.starts_with("CREATE CONSTRAINT"))
            .count(),
        kinds
    );
}

#[test]
fn python_csv_reads_the_csv_folder() {
    let Some(py) = python("python_csv_reads_the_csv_folder") else {
        return;
    };
    let scratch = Scratch::new();
    scratch.run(&["convert", "curated"]).success();
    let script = r#"
import csv, json, os, sys
d = sys.argv[1]
with open(os.path.join(d, "nodes.csv"), newline="", encoding="utf-8") as f:
    nodes = [[r["id"], r["kind"], r["name"]] for r in csv.DictReader(f)]
with open(os.path.join(d, "edges.csv"), newline="", encoding="utf-8") as f:
    edges = [[r["from"], r["rel"], r["to"], r.get("basis") or "stated"] for r in csv.DictReader(f)]
kinds = {n[0]: n[1] for n in nodes}
terrorism = sorted(e[0] for e in edges
                   if e[1] == "addresses" and e[2] == "terrorism" and kinds[e[0]] == "activity")
print(json.dumps({"nodes": sorted(nodes, key=json.dumps), "edges": sorted(edges, key=json.dumps),
                  "terrorism": terrorism}))
"#;
    let out = run(
        &py,
        script,
        &[scratch.path().join("curated").to_str().expect("UTF-8")],
    );
    let got: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(got, seccoop_summary(&scratch, &[], "terrorism"));
}

const NETWORKX_WRITES: &str = r#"
import sys
import networkx as nx
g = nx.MultiDiGraph()
g.add_node("terrorism", kind="threat", name="Terrorism", severity=5, score=0.75, listed=True)
g.add_node("radicalization", kind="threat", name="Radicalization")
g.add_node("joint <patrols> & drills", kind="activity")
g.add_edge("joint <patrols> & drills", "terrorism", rel="addresses", basis="inferred", weight=1.5)
g.add_edge("radicalization", "terrorism", rel="drives")
g.add_edge("radicalization", "terrorism", rel="kind_of")
nx.write_graphml(g, sys.argv[1])
import json
with open(sys.argv[3], "w", encoding="utf-8") as f:
    json.dump(nx.node_link_data(g), f)
d = nx.DiGraph()
d.add_node("a", kind="threat")
d.add_node("b", kind="activity", name="B")
d.add_edge("b", "a", rel="addresses")
nx.write_graphml(d, sys.argv[2])
"#;

#[test]
fn graphml_written_by_networkx_loads() {
    let Some(py) = python("graphml_written_by_networkx_loads") else {
        return;
    };
    let scratch = Scratch::new();
    run(
        &py,
        NETWORKX_WRITES,
        &[
            scratch
                .path()
                .join("multi.graphml")
                .to_str()
                .expect("UTF-8"),
            scratch
                .path()
                .join("simple.graphml")
                .to_str()
                .expect("UTF-8"),
            scratch.path().join("multi.json").to_str().expect("UTF-8"),
        ],
    );
    // The same graph from NetworkX's GraphML and from its node-link JSON.
    for file in ["multi.graphml", "multi.json"] {
        scratch
            .run(&["-g", file, "related", "terrorism"])
            .success()
            .stdout_is(
                "\
REL        DIR  ID                        KIND      NAME                      BASIS
addresses  in   joint <patrols> & drills  activity  joint <patrols> & drills  inferred
kind_of    in   radicalization            threat    Radicalization            stated
drives     in   radicalization            threat    Radicalization            stated
",
            );
        let shown = scratch
            .run(&["-g", file, "show", "terrorism", "--format", "json"])
            .json();
        assert_eq!(
            shown["properties"],
            json!({"severity": 5, "score": 0.75, "listed": true}),
            "{file}"
        );
    }
    let edges = scratch
        .run(&[
            "-g",
            "multi.graphml",
            "query",
            "MATCH ()-[r:addresses]->() RETURN r.weight AS w",
            "--format",
            "json",
        ])
        .json();
    assert_eq!(edges, json!([{"w": 1.5}]));
    scratch
        .run(&["-g", "simple.graphml", "list"])
        .success()
        .stdout_is(
            "\
ID  KIND      NAME
b   activity  B
a   threat    a
",
        );
}

#[test]
fn convert_takes_the_graph_from_g_or_in_but_not_both() {
    let scratch = Scratch::new();
    scratch.write("typed.toml", TYPED);
    scratch
        .run(&["-g", "typed.toml", "convert", "out.graphml"])
        .success()
        .stdout_is("wrote 3 nodes and 3 edges to out.graphml (graphml)\n");
    let run = scratch.run(&["-g", "typed.toml", "convert", "typed.toml", "x.json"]);
    run.exits(2).stderr_has(&[
        "given the graph to read twice",
        "help: give either `convert IN OUT` or `-g IN convert OUT`",
    ]);
    assert!(!scratch.path().join("x.json").exists());
    // GraphML to TOML and back gives the same graph.
    scratch
        .run(&["convert", "out.graphml", "again.toml"])
        .success();
    let dump = |g: &str| {
        let mut all = BTreeMap::new();
        for id in ["piracy", "armed-robbery", "patrols"] {
            all.insert(
                id,
                scratch
                    .run(&["-g", g, "show", id, "--format", "json"])
                    .json(),
            );
        }
        all
    };
    assert_eq!(dump("again.toml"), dump("typed.toml"));
}

#[test]
fn a_failed_graphml_export_leaves_no_file() {
    let scratch = Scratch::new();
    scratch.write(
        "bell.toml",
        "[[nodes]]\nid = \"a\"\nkind = \"threat\"\nname = \"A\"\nnote = \"ring \\u0007\"\n",
    );
    scratch
        .run(&["convert", "bell.toml", "bell.graphml"])
        .error()
        .stderr_has(&["property `note` of node `a` holds a character XML cannot hold"]);
    assert!(!scratch.path().join("bell.graphml").exists());
}

fn load(file: &str) -> crate::harness::Run {
    seccoop(&["-g", file, "list"])
}

/// The fixtures in `tests/fixtures/graphml/` hold one problem each.
#[test]
fn each_graphml_fixture_holds_exactly_one_problem() {
    let dir = crate::harness::fixtures().join("graphml");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("read tests/fixtures/graphml") {
        let name = entry.expect("a directory entry").file_name();
        let name = name.to_str().expect("a UTF-8 file name");
        let run = seccoop(&["check", &format!("graphml/{name}"), "--format", "json"]);
        let problems = run.exits(1).json()["problems"].as_array().map(Vec::len);
        assert_eq!(problems, Some(1), "{run}");
        checked += 1;
    }
    assert_eq!(checked, 7);
}

#[test]
fn graphml_node_without_kind() {
    assert_load_error(
        &load("graphml/node-without-kind.graphml"),
        "graphml/node-without-kind.graphml:9:5",
        "GraphML node `drills` has no `kind`",
        "give the node a <data key=\"kind\"> naming its kind, one of the schema's kinds",
    );
}

#[test]
fn graphml_unknown_kind_suggests_the_nearest() {
    assert_load_error(
        &load("graphml/unknown-kind.graphml"),
        "graphml/unknown-kind.graphml:9:40",
        "unknown kind `activty`",
        "did you mean `activity`?",
    );
}

#[test]
fn graphml_unknown_relation_suggests_the_nearest() {
    assert_load_error(
        &load("graphml/unknown-relation.graphml"),
        "graphml/unknown-relation.graphml:10:61",
        "unknown relation `adresses`",
        "did you mean `addresses`?",
    );
}

#[test]
fn graphml_dangling_edge_suggests_the_nearest_node() {
    assert_load_error(
        &load("graphml/dangling-edge.graphml"),
        "graphml/dangling-edge.graphml:10:35",
        "edge to `phising` is not a node of the graph",
        "did you mean `phishing`?",
    );
}

#[test]
fn graphml_edge_without_rel() {
    assert_load_error(
        &load("graphml/edge-without-rel.graphml"),
        "graphml/edge-without-rel.graphml:9:5",
        "GraphML edge `phishing` → `phishing` has no `rel`",
        "declare <key id=\"rel\" for=\"edge\"",
    );
}

#[test]
fn graphml_malformed_xml() {
    assert_load_error(
        &load("graphml/malformed.graphml"),
        "graphml/malformed.graphml:9:55",
        "syntax error: ill-formed document: expected `</node>`, but `</nod>` was found",
        "fix the XML syntax at the marked spot",
    );
}

#[test]
fn graphml_typed_value_that_does_not_parse() {
    assert_load_error(
        &load("graphml/bad-int.graphml"),
        "graphml/bad-int.graphml:9:72",
        "`started` is declared `int`, but `since 2019` is not an integer",
        "write an integer here, or change the key's attr.type",
    );
}

#[test]
fn node_link_problems_are_placed_in_the_file() {
    let scratch = Scratch::new();
    scratch.write(
        "nl.json",
        r#"{"directed": true, "multigraph": true, "graph": {},
 "nodes": [{"id": 1, "kind": "threat"}, {"id": "drills", "kind": "activty"}],
 "edges": [{"source": "drills", "target": 2, "rel": "addresses", "key": 0}]}
"#,
    );
    scratch
        .run(&["-g", "nl.json", "check"])
        .error()
        .stderr_has(&[
            "× unknown kind `activty`",
            "[nl.json:2:66]",
            "did you mean `activity`?",
            "× edge to `2` is not a node of the graph",
            "[nl.json:3:43]",
        ]);
}

#[test]
fn graphml_truncated_file() {
    let scratch = Scratch::new();
    scratch.write(
        "cut.graphml",
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n  <graph edgedefault=\"directed\">\n    <node id=\"a\">",
    );
    scratch
        .run(&["-g", "cut.graphml", "list"])
        .error()
        .no_panic()
        .stderr_has(&["cut.graphml:", "syntax error"]);
    scratch.write("page.xml", "<html><body/></html>\n");
    scratch
        .run(&["-g", "page.xml", "list"])
        .error()
        .stderr_has(&[
            "[page.xml:1:1]",
            "the root element is <html>, not <graphml>",
        ]);
}

#[test]
fn an_edge_property_named_source_does_not_make_a_graph_file_node_link() {
    // Bug: a TOML or JSON graph file whose first edge had a property called
    // `source` was read as node-link JSON and refused ("a node-link edge has
    // no `target`").
    let scratch = Scratch::new();
    let toml = "[[nodes]]\nid = \"a\"\nkind = \"threat\"\nname = \"A\"\n\n\
                [[nodes]]\nid = \"b\"\nkind = \"activity\"\nname = \"B\"\n\n\
                [[edges]]\nfrom = \"b\"\nrel = \"addresses\"\nto = \"a\"\nsource = \"a report\"\n";
    scratch.write("g.toml", toml);
    scratch
        .run(&["-g", "g.toml", "convert", "g.json"])
        .success();
    for file in ["g.toml", "g.json"] {
        let run = scratch.run(&["-g", file, "related", "a", "--format", "json"]);
        run.success();
        assert_eq!(run.json()[0]["id"], "b", "{file}: {run}");
    }
}
