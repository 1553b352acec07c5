//! Round trips: a graph written in any format reads back the same.

use std::path::Path;

use proptest::prelude::*;

use super::{GraphFormat, write};
use crate::load::{load_paths, load_str};
use crate::model::{Graph, Value};

fn dump(g: &Graph) -> String {
    g.dump()
}

fn through(g: &Graph, dir: &Path, name: &str, format: GraphFormat) -> Graph {
    let path = dir.join(name);
    write(g, &path, format).unwrap_or_else(|e| panic!("write {name}: {e}"));
    load_paths(&[path]).unwrap_or_else(|e| {
        let msgs: Vec<String> =
            e.0.iter()
                .map(|e| format!("{e} at {:?}", e.location()))
                .collect();
        panic!("read {name}: {msgs:#?}")
    })
}

#[test]
fn the_curated_graph_survives_toml_json_jsonl_csv_toml() {
    let dir = tempfile::tempdir().unwrap();
    let start = crate::load::embedded().unwrap();
    let json = through(&start, dir.path(), "a.json", GraphFormat::Json);
    assert_eq!(dump(&json), dump(&start), "TOML → JSON");
    let jsonl = through(&json, dir.path(), "b.jsonl", GraphFormat::Jsonl);
    assert_eq!(dump(&jsonl), dump(&start), "JSON → JSON Lines");
    let csv = through(&jsonl, dir.path(), "c", GraphFormat::Csv);
    assert_eq!(dump(&csv), dump(&start), "JSON Lines → CSV");
    let graphml = through(&csv, dir.path(), "d.graphml", GraphFormat::Graphml);
    assert_eq!(dump(&graphml), dump(&start), "CSV → GraphML");
    let node_link = through(&graphml, dir.path(), "e.json", GraphFormat::NodeLink);
    assert_eq!(dump(&node_link), dump(&start), "GraphML → node-link");
    let toml = through(&node_link, dir.path(), "f.toml", GraphFormat::Toml);
    assert_eq!(dump(&toml), dump(&start), "node-link → TOML");
}

#[test]
fn a_graph_with_its_own_schema_keeps_it_in_every_format() {
    let g = load_str(
        "own.toml",
        r#"
[schema.kinds.planet]
plural = "planets"
description = "a body"
[schema.kinds.star]
[schema.relations.orbits]
from = "planet"
to = ["star"]
meaning = "goes round"
impact = "backward"
mitigation = true
[schema.relations.near]
from = "planet"
to = "planet"
[schema.rules.neighbours-share-a-star]
chain = ["near", "orbits"]
gives = "orbits"
meaning = "a planet near one that orbits a star orbits it too"

[[nodes]]
id = "earth"
kind = "planet"
name = "Earth"
[[nodes]]
id = "sun"
kind = "star"
name = "Sun"
[[edges]]
from = "earth"
rel = "orbits"
to = "sun"
basis = "inferred"
"#,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (name, format) in [
        ("g.toml", GraphFormat::Toml),
        ("g.json", GraphFormat::Json),
        ("g.jsonl", GraphFormat::Jsonl),
        ("g", GraphFormat::Csv),
        ("g.graphml", GraphFormat::Graphml),
        ("g.nl.json", GraphFormat::NodeLink),
    ] {
        assert_eq!(
            dump(&through(&g, dir.path(), name, format)),
            dump(&g),
            "{name}"
        );
    }
    assert!(dir.path().join("g/schema.toml").is_file());
}

#[test]
fn a_stale_schema_file_is_removed_when_the_schema_is_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("schema.toml"), "[kinds.x]\n").unwrap();
    let g = crate::load::embedded().unwrap();
    write(&g, &out, GraphFormat::Csv).unwrap();
    assert!(!out.join("schema.toml").exists());
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        "[a-z ,\"'\n\té:]{0,8}".prop_map(Value::String),
        any::<i64>().prop_map(Value::Integer),
        (-1e6f64..1e6).prop_map(Value::Float),
        any::<f64>()
            .prop_filter("finite", |x| x.is_finite())
            .prop_map(Value::Float),
        any::<bool>().prop_map(Value::Bool),
    ];
    leaf.prop_recursive(2, 6, 3, |inner| {
        prop::collection::vec(inner, 0..3).prop_map(Value::List)
    })
}

/// Property names: anything a header can hold, except the fixed columns,
/// `type` (the record type in JSON Lines) and the edge fields of node-link
/// JSON.
fn prop_name() -> impl Strategy<Value = String> {
    "[a-z][a-z:_ é]{0,6}".prop_filter("not reserved", |n| {
        ![
            "id",
            "kind",
            "name",
            "provenance",
            "from",
            "rel",
            "to",
            "basis",
            "type",
            "source",
            "target",
            "key",
        ]
        .contains(&n.as_str())
            && crate::load::decode::text_problem(n).is_none()
    })
}

fn props() -> impl Strategy<Value = Vec<(String, Value)>> {
    prop::collection::vec((prop_name(), value()), 0..3)
}

/// A random graph over the default schema, written as TOML and loaded.
fn graph() -> impl Strategy<Value = Graph> {
    let kinds = [
        "activity",
        "threat",
        "actor",
        "challenge",
        "area",
        "principle",
    ];
    let node = (
        "[a-zA-Z0-9][a-zA-Z0-9 ,\"é.-]{0,10}[a-zA-Z0-9]",
        0..kinds.len(),
        "[A-Z][a-z ,\"]{0,8}[a-z]",
        props(),
        prop::option::of("[a-z ,]{0,6}"),
    );
    (
        prop::collection::vec(node, 1..12),
        prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                any::<prop::sample::Index>(),
                props(),
                any::<bool>(),
            ),
            0..20,
        ),
    )
        .prop_map(move |(nodes, edges)| {
            let mut doc = toml::map::Map::new();
            doc.insert(
                "sources".into(),
                toml::Value::Array(vec![toml::Value::Table(
                    [
                        ("id".to_string(), toml::Value::String("src".into())),
                        (
                            "title".to_string(),
                            toml::Value::String("A, \"title\"".into()),
                        ),
                    ]
                    .into_iter()
                    .collect(),
                )]),
            );
            let to_toml = |v: &Value| -> toml::Value {
                fn conv(v: &Value) -> toml::Value {
                    match v {
                        Value::String(s) => toml::Value::String(s.clone()),
                        Value::Integer(i) => toml::Value::Integer(*i),
                        Value::Float(x) => toml::Value::Float(*x),
                        Value::Bool(b) => toml::Value::Boolean(*b),
                        Value::List(l) => toml::Value::Array(l.iter().map(conv).collect()),
                    }
                }
                conv(v)
            };
            let mut seen = std::collections::HashSet::new();
            let mut node_list = Vec::new();
            let mut activities = Vec::new();
            let mut threats = Vec::new();
            for (id, k, name, props, note) in nodes {
                if !seen.insert(id.clone()) {
                    continue;
                }
                let mut t = toml::map::Map::new();
                t.insert("id".into(), toml::Value::String(id.clone()));
                t.insert("kind".into(), toml::Value::String(kinds[k].into()));
                t.insert("name".into(), toml::Value::String(name));
                for (pk, pv) in &props {
                    t.insert(pk.clone(), to_toml(pv));
                }
                if let Some(note) = note {
                    let mut p = toml::map::Map::new();
                    p.insert("source".into(), toml::Value::String("src".into()));
                    p.insert("note".into(), toml::Value::String(note));
                    t.insert(
                        "provenance".into(),
                        toml::Value::Array(vec![toml::Value::Table(p)]),
                    );
                }
                match kinds[k] {
                    "activity" => activities.push(id),
                    "threat" => threats.push(id),
                    _ => {}
                }
                node_list.push(toml::Value::Table(t));
            }
            doc.insert("nodes".into(), toml::Value::Array(node_list));
            let mut edge_list = Vec::new();
            let mut pairs = std::collections::HashSet::new();
            if !activities.is_empty() && !threats.is_empty() {
                for (a, t, props, inferred) in edges {
                    let (a, t) = (a.get(&activities).clone(), t.get(&threats).clone());
                    if !pairs.insert((a.clone(), t.clone())) {
                        continue;
                    }
                    let mut e = toml::map::Map::new();
                    e.insert("from".into(), toml::Value::String(a));
                    e.insert("rel".into(), toml::Value::String("addresses".into()));
                    e.insert("to".into(), toml::Value::String(t));
                    if inferred {
                        e.insert("basis".into(), toml::Value::String("inferred".into()));
                    }
                    for (pk, pv) in &props {
                        e.insert(pk.clone(), to_toml(pv));
                    }
                    edge_list.push(toml::Value::Table(e));
                }
            }
            doc.insert("edges".into(), toml::Value::Array(edge_list));
            let text = toml::to_string(&toml::Value::Table(doc)).unwrap();
            load_str("random.toml", &text).unwrap_or_else(|e| panic!("{text}\n{:?}", e.0))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any graph reads back the same from every format.
    #[test]
    fn every_format_round_trips(g in graph()) {
        let dir = tempfile::tempdir().unwrap();
        let want = dump(&g);
        for (name, format) in [
            ("g.toml", GraphFormat::Toml),
            ("g.json", GraphFormat::Json),
            ("g.jsonl", GraphFormat::Jsonl),
            ("g", GraphFormat::Csv),
            ("g.graphml", GraphFormat::Graphml),
            ("g.nl.json", GraphFormat::NodeLink),
        ] {
            prop_assert_eq!(&dump(&through(&g, dir.path(), name, format)), &want, "{}", name);
        }
    }
}

mod erased {
    /// A value serde_json can write, behind a `dyn` reference.
    pub trait Json {
        fn text(&self) -> String;
    }

    impl<T: serde::Serialize> Json for T {
        fn text(&self) -> String {
            serde_json::to_string(self).expect("serialize")
        }
    }
}

/// The records written by hand ([`super::records`]) are byte for byte what
/// the records' derived `Serialize` gives through serde_json.
fn hand_written_records_match_serde(g: &Graph) -> Result<(), TestCaseError> {
    use super::records::Records;
    let mut records = Records::default();
    let mut text = |fill: &dyn Fn(&mut super::records::Object<'_>)| {
        let mut out = Vec::new();
        records
            .put_object(&mut out, "", |o| fill(o), "")
            .expect("a Vec takes every write");
        String::from_utf8(out).expect("UTF-8")
    };
    // What `fill` writes must be serde_json's text of `value`.
    let mut same = |fill: &dyn Fn(&mut super::records::Object<'_>), value: &dyn erased::Json| {
        prop_assert_eq!(text(fill), value.text());
        Ok(())
    };
    for (_, n) in g.nodes() {
        let node = super::node_out(g, n);
        same(&|o| o.node(None, &node), &node)?;
        let typed = super::jsonl::Typed {
            kind: "node",
            body: &node,
        };
        same(&|o| o.node(Some("node"), &node), &typed)?;
    }
    for e in super::edges_out(g) {
        same(&|o| o.edge(None, &e), &e)?;
        let typed = super::jsonl::Typed {
            kind: "edge",
            body: &e,
        };
        same(&|o| o.edge(Some("edge"), &e), &typed)?;
        let nl = super::node_link::EdgeOut::of(&e);
        same(&|o| nl.fill(o), &nl)?;
    }
    Ok(())
}

#[test]
fn the_curated_graph_s_records_are_written_by_hand_as_serde_writes_them() {
    let g = crate::load::embedded().expect("the built-in graph");
    hand_written_records_match_serde(&g).expect("same text");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any graph's node and edge records, written by hand, equal serde's.
    #[test]
    fn records_are_written_by_hand_as_serde_writes_them(g in graph()) {
        hand_written_records_match_serde(&g)?;
    }
}

/// Regression: JSON Lines read floats with serde_json's default parser,
/// which rounds some of them (2.3702717351750366e-231 came back as
/// 2.370271735175037e-231); the `float_roundtrip` feature reads them exactly.
#[test]
fn floats_survive_json_lines_exactly() {
    let g = load_str(
        "f.toml",
        "[[nodes]]\nid = \"a\"\nkind = \"threat\"\nname = \"A\"\nx = [2.3702717351750366e-231, 0.1, -0.0, 1e300]\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let back = through(&g, dir.path(), "f.jsonl", GraphFormat::Jsonl);
    assert_eq!(dump(&back), dump(&g));
}

/// GraphML escapes what XML would otherwise change or refuse: markup
/// characters in ids and text, a carriage return (dropped by XML's line-end
/// handling), tabs and line breaks in attributes (turned into spaces), and
/// keeps types apart: big and small integers, floats that are not finite,
/// an empty string, lists and mixed values.
#[test]
fn graphml_keeps_awkward_text_and_every_type() {
    let g = load_str(
        "awkward.toml",
        r#"
[[nodes]]
id = "a<&>\"'b ]]> c"
kind = "threat"
name = "A & <B>"
text = "line\r\nbreak\ttab \u00e9 ]]> &amp;"
empty = ""
small = 7
big = 9007199254740993
mixed = [1, "one", 1.5, true, []]
x = nan
y = -inf
z = -0.0
flag = false

[[nodes]]
id = "drills"
kind = "activity"
name = "Drills"
small = -2147483648
big = 3
mixed = "text"
x = 1e300

[[edges]]
from = "drills"
rel = "addresses"
to = "a<&>\"'b ]]> c"
weight = 0.5
"#,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let back = through(&g, dir.path(), "awkward.graphml", GraphFormat::Graphml);
    // NaN is not equal to itself, so compare the dumps' text.
    assert_eq!(dump(&back), dump(&g));
    let text = std::fs::read_to_string(dir.path().join("awkward.graphml")).unwrap();
    for want in [
        r#"attr.name="small" attr.type="int""#,
        r#"attr.name="big" attr.type="long""#,
        r#"attr.name="x" attr.type="double""#,
        r#"attr.name="flag" attr.type="boolean""#,
        r#"attr.name="weight" attr.type="double""#,
    ] {
        assert!(text.contains(want), "{want} in\n{text}");
    }
    assert!(text.contains("line&#13;\nbreak\ttab"), "{text}");
}

/// Text XML 1.0 cannot hold is refused with the place it is in, and no file
/// is left behind.
#[test]
fn graphml_refuses_characters_xml_cannot_hold() {
    let g = load_str(
        "bell.toml",
        "[[nodes]]\nid = \"a\"\nkind = \"threat\"\nname = \"A\"\nnote = \"ring \\u0007\"\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bell.graphml");
    let err = write(&g, &out, GraphFormat::Graphml)
        .unwrap_err()
        .to_string();
    assert!(err.contains("property `note` of node `a`"), "{err}");
    assert!(!out.exists());
}

/// The curated graph through Turtle and N-Triples, with the default base
/// and another one.
#[test]
fn the_curated_graph_survives_turtle_and_ntriples() {
    let dir = tempfile::tempdir().unwrap();
    let start = crate::load::embedded().unwrap();
    let ttl = through(&start, dir.path(), "a.ttl", GraphFormat::Turtle);
    assert_eq!(dump(&ttl), dump(&start), "TOML → Turtle");
    let nt = through(&ttl, dir.path(), "b.nt", GraphFormat::NTriples);
    assert_eq!(dump(&nt), dump(&start), "Turtle → N-Triples");
    let base = super::rdf::Base::new("https://example.org/sc#").unwrap();
    for (name, syntax) in [
        ("c.ttl", super::rdf::RdfSyntax::Turtle),
        ("c.nt", super::rdf::RdfSyntax::NTriples),
    ] {
        let path = dir.path().join(name);
        super::rdf::write_file(&start, &path, syntax, &base).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("<https://example.org/sc#node/"), "{name}");
        assert!(!text.contains("urn:seccoop:node"), "{name}");
        let back = load_paths(&[path]).unwrap();
        assert_eq!(dump(&back), dump(&start), "{name} with another base");
    }
}

#[test]
fn rdf_keeps_an_own_schema_and_hostile_ids() {
    let g = load_str(
        "own.toml",
        r#"
[graph]
name = "Odd names"
[[sources]]
id = "a source/with #odd id"
title = "T"
url = "not an IRI at all"
[schema.kinds."planet kind"]
[schema.kinds.star]
plural = "stars"
[schema.relations."orbits/around"]
from = "planet kind"
to = ["star", "planet kind"]
impact = "backward"
mitigation = true

[[nodes]]
id = "earth #1/\"blue\".é"
kind = "planet kind"
name = "Earth"
"odd key/é" = [[1, 2.5], [], true, "x"]
nan = nan
inf = -inf
zero = -0.0
provenance = [{ source = "a source/with #odd id", section = "s" }, { source = "a source/with #odd id", note = "n" }]
[[nodes]]
id = "太陽"
kind = "star"
name = "Sun"
[[edges]]
from = "earth #1/\"blue\".é"
rel = "orbits/around"
to = "太陽"
basis = "inferred"
weight = 0.5
provenance = { source = "a source/with #odd id" }
"#,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (name, format) in [
        ("g.ttl", GraphFormat::Turtle),
        ("g.nt", GraphFormat::NTriples),
    ] {
        assert_eq!(
            dump(&through(&g, dir.path(), name, format)),
            dump(&g),
            "{name}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any graph reads back the same from Turtle and N-Triples.
    #[test]
    fn rdf_round_trips(g in graph()) {
        let dir = tempfile::tempdir().unwrap();
        let want = dump(&g);
        for (name, format) in [("g.ttl", GraphFormat::Turtle), ("g.nt", GraphFormat::NTriples)] {
            prop_assert_eq!(&dump(&through(&g, dir.path(), name, format)), &want, "{}", name);
        }
    }
}

/// Regression: a property name holding `'` and `\` (such as `f'\`) was
/// written as a TOML key in multi-line literal quotes (`'''f'\'''`), which
/// TOML does not allow for keys, so the written file did not load.
#[test]
fn odd_property_names_are_written_as_valid_toml_keys() {
    let g = load_str(
        "k.toml",
        "[[nodes]]\nid = \"a\"\nkind = \"threat\"\nname = \"A\"\n\"f'\\\\\" = 1\n\"q\\\"'\" = 2\n\"tab\\tkey\" = 3\n\"\\u007f\" = 4\n",
    )
    .unwrap();
    assert_eq!(g.node_by_id("a").unwrap().properties().len(), 4);
    let dir = tempfile::tempdir().unwrap();
    let back = through(&g, dir.path(), "k.toml", GraphFormat::Toml);
    assert_eq!(dump(&back), dump(&g));
}

/// Regression: TOML's `nan` and `inf` load as floats, but JSON has no
/// spelling for them: JSON and JSON Lines wrote `null` and the property was
/// lost on reading back (a CSV folder too, inside a list). Those formats now
/// refuse the graph and say why; TOML keeps the values.
#[test]
fn nan_and_infinities_are_refused_by_json_and_csv_not_lost() {
    let g = load_str(
        "f.toml",
        "[[nodes]]\nid = \"a\"\nkind = \"threat\"\nname = \"A\"\nx = [1, nan]\ny = -inf\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (name, format) in [
        ("f.json", GraphFormat::Json),
        ("f.jsonl", GraphFormat::Jsonl),
        ("f", GraphFormat::Csv),
        ("fk", GraphFormat::Kuzu),
        ("fn", GraphFormat::Neo4j),
    ] {
        let path = dir.path().join(name);
        match write(&g, &path, format) {
            Err(super::WriteError::Unrepresentable { reason, .. }) => {
                assert!(
                    reason.contains("node `a`") && reason.contains("NaN"),
                    "{reason}"
                );
            }
            other => panic!("{name}: {other:?}"),
        }
        assert!(!path.exists(), "{name} was written");
    }
    let back = through(&g, dir.path(), "f.toml", GraphFormat::Toml);
    assert_eq!(dump(&back), dump(&g));
}

/// The writers' checks look an edge's ends up only for the edge they
/// report: each names the first offending edge, in the graph's order, by
/// its ends and relation.
#[test]
fn edges_the_formats_cannot_hold_are_named_by_their_ends() {
    let text = |props: &str| {
        format!(
            "[[nodes]]\nid = \"a\"\nkind = \"activity\"\nname = \"A\"\n\
             [[nodes]]\nid = \"t\"\nkind = \"threat\"\nname = \"T\"\n\
             [[nodes]]\nid = \"u\"\nkind = \"threat\"\nname = \"U\"\n\
             [[edges]]\nfrom = \"a\"\nrel = \"addresses\"\nto = \"t\"\n\
             [[edges]]\nfrom = \"a\"\nrel = \"addresses\"\nto = \"u\"\n{props}\n"
        )
    };
    let dir = tempfile::tempdir().unwrap();
    for (props, format, words) in [
        (
            "w = nan",
            GraphFormat::Json,
            &["edge `a` -addresses-> `u`", "`w`", "NaN"][..],
        ),
        (
            "w = inf",
            GraphFormat::Csv,
            &["edge `a` -addresses-> `u`", "`w`"][..],
        ),
        (
            "type = \"x\"",
            GraphFormat::Jsonl,
            &["edge `a` -addresses-> `u`", "`type`"][..],
        ),
        (
            "target = \"x\"",
            GraphFormat::NodeLink,
            &["edge `a` -addresses-> `u`", "`target`"][..],
        ),
        (
            "w = -inf",
            GraphFormat::NodeLink,
            &["edge `a` -addresses-> `u`", "`w`", "finite"][..],
        ),
        (
            "w = nan\nkey = 1",
            GraphFormat::NodeLink,
            &["edge `a` -addresses-> `u`", "named `key`"][..],
        ),
    ] {
        let g = load_str("e.toml", &text(props)).unwrap();
        let path = dir.path().join("out");
        match write(&g, &path, format) {
            Err(super::WriteError::Unrepresentable { reason, .. }) => {
                for w in words {
                    assert!(reason.contains(w), "{props}: {w} not in {reason}");
                }
            }
            other => panic!("{props}: {other:?}"),
        }
        assert!(!path.exists(), "{props}: written");
    }
}
