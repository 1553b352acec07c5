//! `seccoop schema` and the JSON Schema of graph files
//! (`graph/graph.schema.json`).
//!
//! The schema is made from Rust types that describe the file format
//! (`src/format/graph_file.rs`), while the loader reads files by hand; these
//! tests keep the two in step. The schema must accept every graph file the
//! loader accepts, and reject every file whose only problems are of shape
//! (a wrong type, an unknown or missing key, a bad value): checked on the
//! curated graph, the examples, the fixtures, and hundreds of mutations of
//! a small graph that uses every part of the format.
//!
//! After a deliberate change of the format, `UPDATE_SCHEMA=1 cargo test
//! --test cli schema` rewrites `graph/graph.schema.json`.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::harness::{Scratch, seccoop};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The schema as `seccoop schema` prints it.
fn printed_schema() -> Value {
    seccoop(&["schema"]).success().json()
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft7::new(schema).unwrap_or_else(|e| panic!("the schema does not compile: {e}"))
}

/// The reasons `schema` rejects `doc`, empty when it accepts it.
fn problems(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// TOML as JSON, the way editors check TOML against a JSON Schema: dates
/// and times become their text.
fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(x) => json!(x),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

fn read_toml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let table: toml::Table =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{} is not TOML: {e}", path.display()));
    toml_to_json(toml::Value::Table(table))
}

#[test]
fn schema_prints_a_draft_7_json_schema() {
    let schema = printed_schema();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["title"], "seccoop graph file");
    jsonschema::meta::validate(&schema).unwrap_or_else(|e| panic!("not a valid JSON Schema: {e}"));
    // Descriptions come from the doc comments of the format's types.
    let node = &schema["definitions"]["Node"];
    assert!(
        node["properties"]["id"]["description"]
            .as_str()
            .is_some_and(|d| d.contains("unique")),
        "{node}"
    );
}

#[test]
fn the_committed_schema_is_up_to_date() {
    let path = repo("graph/graph.schema.json");
    let fresh = seccoop(&["schema"]).success().stdout.clone();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &fresh).expect("graph/graph.schema.json is writable");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "graph/graph.schema.json is stale: run UPDATE_SCHEMA=1 cargo test --test cli schema"
    );
}

#[test]
fn schema_writes_to_output_and_refuses_other_formats() {
    let scratch = Scratch::new();
    scratch
        .run(&["schema", "-o", "graph.schema.json"])
        .success()
        .stdout_is("");
    let written = std::fs::read_to_string(scratch.path().join("graph.schema.json")).unwrap();
    assert_eq!(written, seccoop(&["schema"]).stdout);
    seccoop(&["schema", "--format", "csv"])
        .exits(2)
        .stderr_has(&["`schema` does not print --format csv", "use one of: json"]);
}

#[test]
fn the_schema_accepts_the_curated_graph_the_examples_and_the_good_fixtures() {
    let validator = validator(&printed_schema());
    let mut files = vec![
        repo("graph/security-cooperation.toml"),
        repo("examples/regional-cooperation.toml"),
    ];
    for dir in ["tests/fixtures/good", "tests/fixtures/multi"] {
        for entry in std::fs::read_dir(repo(dir)).unwrap() {
            files.push(entry.unwrap().path());
        }
    }
    for file in &files {
        let doc = read_toml(file);
        let found = problems(&validator, &doc);
        assert!(found.is_empty(), "{}: {found:#?}", file.display());
    }
    assert!(files.len() >= 6, "only {} files checked", files.len());
}

#[test]
fn the_schema_accepts_the_curated_graph_in_json() {
    let scratch = Scratch::new();
    let curated = repo("graph/security-cooperation.toml");
    let out = scratch.path().join("curated.json");
    seccoop(&["convert", curated.to_str().unwrap(), out.to_str().unwrap()]).success();
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert!(doc["nodes"].as_array().is_some_and(|n| n.len() == 78));
    let found = problems(&validator(&printed_schema()), &doc);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_schema_file_graph_schema_toml_matches_the_schema_section() {
    // graph/schema.toml holds a schema section's two tables at its top level.
    let mut schema = printed_schema();
    schema["$ref"] = json!("#/definitions/GraphSchema");
    for key in [
        "properties",
        "additionalProperties",
        "title",
        "description",
        "type",
    ] {
        schema.as_object_mut().unwrap().remove(key);
    }
    let validator = validator(&schema);
    let doc = read_toml(&repo("graph/schema.toml"));
    assert!(doc["kinds"]["threat"].is_object());
    let found = problems(&validator, &doc);
    assert!(found.is_empty(), "{found:#?}");
    let mut broken = doc.clone();
    broken["relations"]["addresses"]["impact"] = json!("sideways");
    assert!(!validator.is_valid(&broken));
}

/// A small graph that uses every part of the format.
fn complete_graph() -> Value {
    json!({
        "$schema": "./graph.schema.json",
        "graph": {"name": "Every key", "description": "uses each part of the format"},
        "sources": [
            {"id": "report", "title": "A report", "author": "Someone", "date": "2024-05-01", "url": "https://example.org"}
        ],
        "schema": {
            "kinds": {
                "activity": {"plural": "activities", "description": "done together"},
                "threat": {"description": "a danger"},
                "agreement": {}
            },
            "relations": {
                "addresses": {"from": ["activity"], "to": "threat", "meaning": "counters", "inverse": "addressed by", "impact": "forward"},
                "enabled_by": {"from": "activity", "to": ["agreement"], "impact": "backward", "mitigation": false}
            }
        },
        "nodes": [
            {"id": "patrols", "kind": "activity", "name": "Patrols",
             "aliases": ["joint patrols", "JP"], "started": 2019, "budget": 1.5, "active": true,
             "tags": [["a", 1], null], "retired": null,
             "provenance": {"source": "report", "section": "2", "item": "Patrols", "note": "named"}},
            {"id": "piracy", "kind": "threat", "name": "Piracy",
             "provenance": [{"source": "report"}, {"source": "report", "note": "again"}]},
            {"id": "pact", "kind": "agreement", "name": "Pact"}
        ],
        "edges": [
            {"from": "patrols", "rel": "addresses", "to": "piracy", "basis": "inferred", "weight": 2,
             "provenance": [{"source": "report", "item": "x"}]},
            {"from": "patrols", "rel": "enabled_by", "to": "pact", "basis": "stated"}
        ]
    })
}

/// Whether every problem the loader found is one of shape, which a schema
/// can see: a syntax error, a wrong type, an unknown, missing or badly
/// spelled key or value.
fn only_shape_problems(errors: &seccoop::load::LoadErrors) -> bool {
    use seccoop::load::LoadErrorKind as K;
    errors.0.iter().all(|e| {
        matches!(
            e.kind,
            K::WrongType { .. }
                | K::MissingField { .. }
                | K::UnknownField { .. }
                | K::BadText { .. }
                | K::BadValue { .. }
        )
    })
}

/// Every value of `doc` with its JSON pointer.
fn pointers(doc: &Value, at: String, out: &mut Vec<String>) {
    match doc {
        Value::Object(map) => {
            for (k, v) in map {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        _ => {}
    }
}

/// `doc` with the value at `pointer` replaced (or, with `None`, removed).
fn mutate(doc: &Value, pointer: &str, with: Option<&Value>) -> Value {
    let mut doc = doc.clone();
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    let last = last.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent).unwrap() {
        Value::Object(map) => match with {
            Some(v) => {
                map.insert(last, v.clone());
            }
            None => {
                map.remove(&last);
            }
        },
        Value::Array(items) => {
            let i: usize = last.parse().unwrap();
            match with {
                Some(v) => items[i] = v.clone(),
                None => {
                    items.remove(i);
                }
            }
        }
        _ => unreachable!(),
    }
    doc
}

#[test]
fn the_schema_and_the_loader_agree_on_the_shape_of_mutated_graphs() {
    let validator = validator(&printed_schema());
    let base = complete_graph();
    let load = |doc: &Value| seccoop::load::load_str("mutant.json", &doc.to_string());
    assert!(load(&base).is_ok(), "the base graph loads");
    assert!(
        validator.is_valid(&base),
        "{:#?}",
        problems(&validator, &base)
    );

    let replacements = [
        json!(null),
        json!(0),
        json!(-3),
        json!(1.5),
        json!(true),
        json!(""),
        json!(" padded"),
        json!("tab\there"),
        json!("forward"),
        json!("stated"),
        json!("activity"),
        json!([]),
        json!(["activity"]),
        json!([{}]),
        json!({}),
        json!({"source": "report"}),
    ];
    let mut paths = Vec::new();
    pointers(&base, String::new(), &mut paths);
    // Unknown keys in every table, too.
    let mut tables = vec![String::new()];
    tables.extend(
        paths
            .iter()
            .filter(|p| base.pointer(p).is_some_and(Value::is_object))
            .cloned(),
    );

    let mut mutants: Vec<(String, Value)> = Vec::new();
    for p in &paths {
        mutants.push((format!("remove {p}"), mutate(&base, p, None)));
        for r in &replacements {
            mutants.push((format!("{p} = {r}"), mutate(&base, p, Some(r))));
        }
    }
    for t in &tables {
        let p = format!("{t}/bogus");
        mutants.push((format!("{p} = 1"), mutate(&base, &p, Some(&json!(1)))));
    }

    let (mut both_accept, mut both_reject, mut only_loader_rejects) = (0, 0, 0);
    let mut disagreements = Vec::new();
    for (what, doc) in &mutants {
        let schema_ok = validator.is_valid(doc);
        match (load(doc), schema_ok) {
            (Ok(_), true) => both_accept += 1,
            (Ok(_), false) => disagreements.push(format!(
                "{what}: the loader accepts it, the schema rejects it: {:?}",
                problems(&validator, doc)
            )),
            (Err(_), false) => both_reject += 1,
            (Err(errors), true) if only_shape_problems(&errors) => disagreements.push(format!(
                "{what}: the loader finds a problem of shape the schema misses: {}",
                errors.0[0].kind
            )),
            // Problems only the whole graph shows (an unknown kind, a
            // duplicate id): beyond what a schema checks.
            (Err(_), true) => only_loader_rejects += 1,
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} mutants:\n{}",
        disagreements.len(),
        mutants.len(),
        disagreements.join("\n")
    );
    // The mutations must exercise both verdicts, or the test proves nothing.
    assert!(mutants.len() > 1000, "{} mutants", mutants.len());
    assert!(
        both_accept > 100 && both_reject > 300 && only_loader_rejects > 20,
        "accepted {both_accept}, rejected {both_reject}, rejected by the loader only {only_loader_rejects}"
    );
}

#[test]
fn the_schema_rejects_broken_files() {
    let validator = validator(&printed_schema());
    let base = complete_graph();
    for (what, doc) in [
        (
            "an unknown top-level key",
            mutate(&base, "/node", Some(&json!([]))),
        ),
        ("a node without an id", mutate(&base, "/nodes/0/id", None)),
        (
            "a name that is a number",
            mutate(&base, "/nodes/0/name", Some(&json!(5))),
        ),
        (
            "a property that is a table",
            mutate(&base, "/nodes/0/started", Some(&json!({"year": 2019}))),
        ),
        (
            "a basis other than stated or inferred",
            mutate(&base, "/edges/0/basis", Some(&json!("guessed"))),
        ),
        (
            "an id with a trailing space",
            mutate(&base, "/nodes/1/id", Some(&json!("piracy "))),
        ),
    ] {
        assert!(!validator.is_valid(&doc), "the schema accepts {what}");
        assert!(
            seccoop::load::load_str("broken.json", &doc.to_string()).is_err(),
            "the loader accepts {what}"
        );
    }
    // The fixtures with a problem of shape, as TOML.
    for name in [
        "unknown-top-key.toml",
        "wrong-type.toml",
        "node-without-kind.toml",
        "edge-without-to.toml",
    ] {
        let doc = read_toml(&repo("tests/fixtures/bad").join(name));
        assert!(!validator.is_valid(&doc), "the schema accepts bad/{name}");
    }
}

#[test]
fn json_graph_files_may_name_their_schema() {
    let scratch = Scratch::new();
    let mut doc = complete_graph();
    doc["$schema"] = json!("./graph.schema.json");
    scratch.write("graph.json", doc.to_string());
    scratch
        .run(&["-g", "graph.json", "related", "piracy"])
        .success()
        .stdout_has(&["patrols"]);
    // Only a string names a schema.
    doc["$schema"] = json!(7);
    scratch.write("bad.json", doc.to_string());
    scratch
        .run(&["-g", "bad.json", "stats"])
        .error()
        .stderr_has(&["bad.json:1:", "`$schema`", "string"]);
}

#[test]
fn toml_graph_files_may_name_their_schema_in_a_comment() {
    let scratch = Scratch::new();
    let text = "#:schema ./graph.schema.json\n\n[[nodes]]\nid = \"piracy\"\nkind = \"threat\"\nname = \"Piracy\"\n";
    scratch.write("graph.toml", text);
    scratch
        .run(&["-g", "graph.toml", "list"])
        .success()
        .stdout_has(&["piracy"]);
    scratch.run(&["check", "graph.toml"]).success();
}
