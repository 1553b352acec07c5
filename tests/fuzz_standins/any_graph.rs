//! Random graph files that `check` accepts, as wide as the format allows,
//! for the round-trip property: a graph that loads reads back the same from
//! every format that can be read (TOML, JSON, JSON Lines, a CSV folder) and
//! draws as DOT that reads back.
//!
//! What `src/write/tests.rs`'s generator leaves out, this one covers: ids,
//! names, kinds and relations with quotes, backslashes, angle brackets,
//! `%`, non-ASCII, right-to-left and zero-width characters (anything but
//! control characters and spaces at the ends, which every reader refuses);
//! property values of every type, including NaN, infinities, `-0.0`, the
//! extreme integers, nested and empty lists, and strings with line breaks,
//! carriage returns, tabs and other control characters; property names
//! that look like typed CSV headers (`n:int`) or are `type`; provenance
//! with every field on nodes and edges; several sources with every field;
//! the graph's name and description; a schema of its own; self-loops;
//! parallel edges of different relations; stated and inferred edges.
//!
//! Graphs are written as TOML text with the `toml` crate and loaded with
//! `load_str`, so every generated graph is one a user could write.

use proptest::prelude::*;
use toml::{Table, Value as T};

/// One character of an id or a name: mostly letters, often a character
/// that needs quoting somewhere, sometimes anything that is not a control.
fn name_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('a', 'z'),
        3 => prop::sample::select(vec![
            '"', '\'', '\\', '<', '>', '%', '#', ',', ';', '=', '[', ']', '{', '}', ':', '.',
            '-', '_', ' ', '|', '`', '$', '&', '*', 'é', '日', '🎉', 'א', '\u{202e}', '\u{200b}',
            '\u{feff}', '\u{2028}',
        ]),
        1 => any::<char>().prop_filter("not a control", |c| !c.is_control()),
    ]
}

/// An id, name, kind or relation: what `text_problem` accepts.
pub fn label() -> impl Strategy<Value = String> {
    prop::collection::vec(name_char(), 1..10).prop_filter_map("trimmed, not empty", |cs| {
        let s: String = cs.into_iter().collect();
        seccoop::load::decode::text_problem(&s)
            .is_none()
            .then_some(s)
    })
}

/// Free text: descriptions, notes, string values. Anything at all.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(
            prop_oneof![
                3 => name_char(),
                1 => prop::sample::select(vec!['\n', '\r', '\t', '\0', '\u{1b}', '\u{7f}', '\u{85}']),
            ],
            0..16,
        )
        .prop_map(|cs| cs.into_iter().collect()),
        1 => prop::sample::select(vec![
            String::new(),
            " padded ".into(),
            "line one\r\nline two\rthree\n".into(),
            "1979-05-27T07:32:00Z".into(),
            "null".into(),
            "42".into(),
            "true".into(),
            "[1, 2]".into(),
            "=SUM(A1)".into(),
        ]),
    ]
}

fn scalar() -> impl Strategy<Value = T> {
    prop_oneof![
        text().prop_map(T::String),
        any::<i64>().prop_map(T::Integer),
        prop::sample::select(vec![i64::MIN, i64::MAX, 0, -1]).prop_map(T::Integer),
        any::<f64>().prop_map(T::Float),
        prop::sample::select(vec![
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.0,
            0.1,
            1e300,
            5e-324,
            2.3702717351750366e-231,
            9007199254740993.0,
        ])
        .prop_map(T::Float),
        any::<bool>().prop_map(T::Boolean),
    ]
}

fn value() -> impl Strategy<Value = T> {
    scalar().prop_recursive(2, 8, 3, |inner| {
        prop::collection::vec(inner, 0..3).prop_map(T::Array)
    })
}

/// Property names: ordinary, typed-looking, reserved elsewhere, or odd.
fn prop_name() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => label(),
        1 => prop::sample::select(vec![
            "description", "aliases", "type", "n:int", "x:float", "b:bool", "j:json", "s:string",
            "ratio:2", ":int", "a:b:int", "weight", "kind:", "source",
        ])
        .prop_map(String::from),
    ]
}

/// Names a node or an edge table keeps for itself.
const NODE_KEYS: [&str; 4] = ["id", "kind", "name", "provenance"];
const EDGE_KEYS: [&str; 5] = ["from", "rel", "to", "basis", "provenance"];

fn props(reserved: &'static [&'static str]) -> impl Strategy<Value = Vec<(String, T)>> {
    prop::collection::vec((prop_name(), value()), 0..4).prop_map(move |ps| {
        ps.into_iter()
            .filter(|(k, _)| !reserved.contains(&k.as_str()))
            .map(|(k, v)| {
                // `aliases` is a list of strings, `description` a string.
                let v = match k.as_str() {
                    "aliases" => T::Array(vec![T::String(format!("{v}"))]),
                    "description" => T::String(format!("{v}")),
                    _ => v,
                };
                (k, v)
            })
            .collect()
    })
}

/// A provenance entry: the index of a source and the optional fields.
type Prov = (
    prop::sample::Index,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn provenance() -> impl Strategy<Value = Vec<Prov>> {
    prop::collection::vec(
        (
            any::<prop::sample::Index>(),
            prop::option::of(text()),
            prop::option::of(text()),
            prop::option::of(text()),
        ),
        0..3,
    )
}

/// A relation: name, from kinds, to kinds, meaning, inverse, impact,
/// mitigation.
type RelSpec = (
    String,
    Vec<usize>,
    Vec<usize>,
    String,
    Option<String>,
    String,
    bool,
);

/// A schema: kinds, and relations between them.
#[derive(Debug, Clone)]
struct SchemaSpec {
    kinds: Vec<(String, Option<String>, String)>,
    rels: Vec<RelSpec>,
}

fn schema() -> impl Strategy<Value = Option<SchemaSpec>> {
    let kinds = prop::collection::vec((label(), any::<bool>(), text()), 1..5);
    let rel = (
        label(),
        prop::collection::vec(any::<prop::sample::Index>(), 1..3),
        prop::collection::vec(any::<prop::sample::Index>(), 1..3),
        text(),
        prop::option::of(label()),
        prop::sample::select(vec!["forward", "backward", "both", "none"]),
        any::<bool>(),
    );
    let custom = (kinds, prop::collection::vec(rel, 1..5)).prop_map(|(kinds, rels)| {
        let mut seen = std::collections::HashSet::new();
        let kinds: Vec<(String, Option<String>, String)> = kinds
            .into_iter()
            .filter(|(k, _, _)| seen.insert(k.to_lowercase()))
            .collect::<Vec<_>>()
            .into_iter()
            .map(|(k, plural, d)| {
                let p = format!("{k} (several)");
                let plural = (plural && seen.insert(p.to_lowercase())).then_some(p);
                (k, plural, d)
            })
            .collect();
        let n = kinds.len();
        let pick = |ix: Vec<prop::sample::Index>| {
            let mut v: Vec<usize> = ix.iter().map(|i| i.index(n)).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let mut rel_seen = std::collections::HashSet::new();
        let rels = rels
            .into_iter()
            .filter(|r| rel_seen.insert(r.0.to_lowercase()))
            .map(|(name, from, to, meaning, inverse, impact, mitigation)| {
                (
                    name,
                    pick(from),
                    pick(to),
                    meaning,
                    inverse,
                    impact.to_string(),
                    mitigation,
                )
            })
            .collect();
        SchemaSpec { kinds, rels }
    });
    prop_oneof![1 => Just(None), 1 => custom.prop_map(Some)]
}

/// The default schema's kinds and relations, as a [`SchemaSpec`] to pick
/// from (not written to the file).
fn default_schema() -> SchemaSpec {
    let g = seccoop::load::load_str("empty.toml", "").expect("an empty graph loads");
    let s = g.schema();
    SchemaSpec {
        kinds: s
            .kinds()
            .map(|(_, k)| (k.name.clone(), None, String::new()))
            .collect(),
        rels: s
            .relations()
            .map(|(_, r)| {
                let ix = |ks: &[seccoop::model::KindId]| ks.iter().map(|k| k.0 as usize).collect();
                (
                    r.name.clone(),
                    ix(&r.from),
                    ix(&r.to),
                    String::new(),
                    None,
                    String::new(),
                    false,
                )
            })
            .collect(),
    }
}

fn table(pairs: impl IntoIterator<Item = (String, T)>) -> T {
    T::Table(pairs.into_iter().collect::<Table>())
}

fn s(text: &str) -> T {
    T::String(text.to_string())
}

/// A graph file `check` accepts.
pub fn graph_file() -> impl Strategy<Value = String> {
    let node = (
        label(),
        any::<prop::sample::Index>(),
        label(),
        props(&NODE_KEYS),
        provenance(),
    );
    let edge = (
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        any::<bool>(),
        props(&EDGE_KEYS),
        provenance(),
    );
    let source = (
        label(),
        text(),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(text()),
    );
    (
        schema(),
        prop::option::of((prop::option::of(text()), prop::option::of(text()))),
        prop::collection::vec(source, 1..3),
        prop::collection::vec(node, 1..10),
        prop::collection::vec(edge, 0..24),
    )
        .prop_map(|(custom, meta, sources, nodes, edges)| {
            let mut doc = Table::new();
            let spec = custom.clone().unwrap_or_else(default_schema);
            if let Some(spec) = &custom {
                let mut kinds = Table::new();
                for (name, plural, description) in &spec.kinds {
                    let mut def = Table::new();
                    if let Some(p) = plural {
                        def.insert("plural".into(), s(p));
                    }
                    def.insert("description".into(), s(description));
                    kinds.insert(name.clone(), T::Table(def));
                }
                let mut rels = Table::new();
                for (name, from, to, meaning, inverse, impact, mitigation) in &spec.rels {
                    let names =
                        |ix: &[usize]| T::Array(ix.iter().map(|&i| s(&spec.kinds[i].0)).collect());
                    let mut def = Table::new();
                    def.insert("from".into(), names(from));
                    def.insert("to".into(), names(to));
                    def.insert("meaning".into(), s(meaning));
                    if let Some(inv) = inverse {
                        def.insert("inverse".into(), s(inv));
                    }
                    def.insert("impact".into(), s(impact));
                    def.insert("mitigation".into(), T::Boolean(*mitigation));
                    rels.insert(name.clone(), T::Table(def));
                }
                doc.insert(
                    "schema".into(),
                    table([
                        ("kinds".into(), T::Table(kinds)),
                        ("relations".into(), T::Table(rels)),
                    ]),
                );
            }
            if let Some((name, description)) = meta {
                let mut g = Table::new();
                if let Some(n) = name {
                    g.insert("name".into(), s(&n));
                }
                if let Some(d) = description {
                    g.insert("description".into(), s(&d));
                }
                doc.insert("graph".into(), T::Table(g));
            }
            let mut source_ids: Vec<String> = Vec::new();
            let mut source_list = Vec::new();
            for (id, title, author, date, url) in sources {
                if source_ids.contains(&id) {
                    continue;
                }
                let mut t = Table::new();
                t.insert("id".into(), s(&id));
                t.insert("title".into(), s(&title));
                for (k, v) in [("author", author), ("date", date), ("url", url)] {
                    if let Some(v) = v {
                        t.insert(k.into(), s(&v));
                    }
                }
                source_ids.push(id);
                source_list.push(T::Table(t));
            }
            doc.insert("sources".into(), T::Array(source_list));
            let prov = |entries: Vec<Prov>| -> T {
                T::Array(
                    entries
                        .into_iter()
                        .map(|(src, section, item, note)| {
                            let mut t = Table::new();
                            t.insert("source".into(), s(&source_ids[src.index(source_ids.len())]));
                            for (k, v) in [("section", section), ("item", item), ("note", note)] {
                                if let Some(v) = v {
                                    t.insert(k.into(), s(&v));
                                }
                            }
                            T::Table(t)
                        })
                        .collect(),
                )
            };
            let mut ids: Vec<(String, usize)> = Vec::new();
            let mut node_list = Vec::new();
            for (id, kind, name, props, p) in nodes {
                if ids.iter().any(|(i, _)| *i == id) {
                    continue;
                }
                let k = kind.index(spec.kinds.len());
                let mut t: Table = props.into_iter().collect();
                t.insert("id".into(), s(&id));
                t.insert("kind".into(), s(&spec.kinds[k].0));
                t.insert("name".into(), s(&name));
                if !p.is_empty() {
                    t.insert("provenance".into(), prov(p));
                }
                ids.push((id, k));
                node_list.push(T::Table(t));
            }
            doc.insert("nodes".into(), T::Array(node_list));
            let mut seen = std::collections::HashSet::new();
            let mut edge_list = Vec::new();
            for (rel, a, b, inferred, props, p) in edges {
                let (name, from, to, ..) = &spec.rels[rel.index(spec.rels.len())];
                // An edge of this relation between nodes whose kinds it allows.
                let ends = |allowed: &[usize]| -> Vec<&String> {
                    ids.iter()
                        .filter(|(_, k)| allowed.contains(k))
                        .map(|(i, _)| i)
                        .collect()
                };
                let (froms, tos) = (ends(from), ends(to));
                if froms.is_empty() || tos.is_empty() {
                    continue;
                }
                let (a, b) = (froms[a.index(froms.len())], tos[b.index(tos.len())]);
                if !seen.insert((a.clone(), name.clone(), b.clone())) {
                    continue;
                }
                let mut t: Table = props.into_iter().collect();
                t.insert("from".into(), s(a));
                t.insert("rel".into(), s(name));
                t.insert("to".into(), s(b));
                if inferred {
                    t.insert("basis".into(), s("inferred"));
                }
                if !p.is_empty() {
                    t.insert("provenance".into(), prov(p));
                }
                edge_list.push(T::Table(t));
            }
            doc.insert("edges".into(), T::Array(edge_list));
            toml::to_string(&T::Table(doc)).expect("a TOML table serializes")
        })
}
