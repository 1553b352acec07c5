//! Graphs whose ids and names are built to break diagram writers: quotes,
//! backslashes, line breaks, non-ASCII and right-to-left text, DOT keywords,
//! HTML-looking text, and names the writers make up themselves. Shared by
//! the DOT and Mermaid escaping tests, which build them through the library
//! (control characters included) or write them as a graph file for the
//! loader (which refuses control characters and empty ids).

use petgraph::stable_graph::NodeIndex;
use proptest::prelude::*;
use seccoop::model::{
    Basis, Edge, Graph, ImpactFlow, KindDef, KindId, Node, RelId, RelationDef, RelationLook, Schema,
};

/// A graph to build: kinds, relations, nodes and edges by position.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Kind names.
    pub kinds: Vec<String>,
    /// Relation names and how impact flows along them.
    pub rels: Vec<(String, ImpactFlow)>,
    /// `(id, name, kind)`.
    pub nodes: Vec<(String, String, usize)>,
    /// `(from, rel, to, inferred)`.
    pub edges: Vec<(usize, usize, usize, bool)>,
}

/// Kinds: an activity, an area (so `part_of` draws boxes) and a kind with a
/// hostile name.
pub const ACTIVITY: usize = 0;
/// The area kind.
pub const AREA: usize = 1;
/// A kind whose name needs escaping.
pub const ODD: usize = 2;

/// Relations: `part_of` (drawn as boxes: `cluster`), a forward relation, a backward one (drawn
/// head first with `dir=back`) and one that carries no impact, the last
/// three with hostile names.
pub const PART_OF: usize = 0;
/// Forward.
pub const LINKS: usize = 1;
/// Backward.
pub const BLOCKED_BY: usize = 2;
/// No impact.
pub const NEAR: usize = 3;

fn base() -> Spec {
    Spec {
        kinds: vec![
            "activity".into(),
            "area".into(),
            r#"odd "kind" <b>\"#.into(),
        ],
        rels: vec![
            ("part_of".into(), ImpactFlow::Forward),
            (r#"links "to" <i>"#.into(), ImpactFlow::Forward),
            (r"blocked\by".into(), ImpactFlow::Backward),
            ("near; [x] {y} | z".into(), ImpactFlow::None),
        ],
        nodes: Vec::new(),
        edges: Vec::new(),
    }
}

/// `(id, name)` pairs the loader accepts: no control characters, not empty.
pub const PRINTABLE: &[(&str, &str)] = &[
    (r#"a"quote"#, r#"Name "quoted""#),
    (r"back\slash", r"trail\"),
    (r"trail\", r#"x\"y"#),
    (r#"x\"y"#, "日本語 🎉 עברית"),
    ("graph", "<b>x</b>"),
    ("Node", "<<x>>"),
    ("EDGE", "&amp; &lt; &#34;"),
    ("subgraph", "a < b"),
    ("strict", "strict"),
    ("DiGraph", "digraph"),
    ("node", "edge"),
    ("id with spaces: and-dashes", "spaces: and-dashes"),
    ("<unbalanced", "unbalanced >"),
    (r"<b>x\", r"\N \G \L \E \T \H"),
    (r"<x\", r"back\\two"),
    ("legend_kind_0", "looks like a legend sample"),
    ("legend_edge_0", "another legend lookalike"),
    ("seccoop-node-0", "looks like a stand-in"),
    ("cluster_0", "cluster lookalike"),
    ("\u{202E}rtl-override", "\u{202E}override \u{200F}mark"),
    ("\"", "\""),
    ("\\", "\\"),
    ("->", "--"),
    ("{}", "[label=x]"),
    (";", "="),
    ("#35;", "#35; %% `code` (x)"),
    ("end", "end"),
    ("%percent", "%3"),
    ("%3", "%percent"),
];

/// `(id, name)` pairs only the library can build: control characters and
/// an empty id.
pub const CONTROL: &[(&str, &str)] = &[
    ("new\nline", "line one\nline two"),
    ("slash\\\nnewline", "cr\ronly and crlf\r\nend"),
    ("tab\there", "tab\there"),
    ("cr\rin id", "\n"),
    ("", "empty id"),
    ("\n", "a lone line break as id"),
    ("\n\\x", "a line break before a backslash"),
    ("\\x", "what the one above must not merge with"),
];

/// The hostile graph: every pair of `pairs` as a node (the areas and the
/// odd kind in turn), each activity part of an area, and edges of every
/// relation between neighbours.
pub fn spec(pairs: &[(&str, &str)]) -> Spec {
    let mut s = base();
    s.nodes = pairs
        .iter()
        .enumerate()
        .map(|(i, (id, name))| {
            let kind = match i % 5 {
                1 => AREA,
                3 => ODD,
                _ => ACTIVITY,
            };
            (id.to_string(), name.to_string(), kind)
        })
        .collect();
    let n = s.nodes.len();
    let areas: Vec<usize> = (0..n).filter(|&i| s.nodes[i].2 == AREA).collect();
    for i in 0..n {
        if s.nodes[i].2 == ACTIVITY && !areas.is_empty() {
            s.edges.push((i, PART_OF, areas[i % areas.len()], false));
        }
        let j = (i + 1) % n;
        let k = (i + 3) % n;
        s.edges
            .push((i, [LINKS, BLOCKED_BY, NEAR][i % 3], j, i % 2 == 0));
        if k != i {
            s.edges
                .push((k, [BLOCKED_BY, NEAR, LINKS][i % 3], i, i % 3 == 0));
        }
    }
    s
}

/// Like [`spec`], but every node an activity and no `part_of` edge: no
/// boxes, every node drawn as a node.
pub fn flat(pairs: &[(&str, &str)]) -> Spec {
    let mut s = spec(pairs);
    for node in &mut s.nodes {
        node.2 = ACTIVITY;
    }
    s.edges.retain(|e| e.1 != PART_OF);
    s
}

/// The graph of a spec, built through the library.
pub fn build(spec: &Spec) -> Graph {
    let mut schema = Schema::new();
    let kinds: Vec<KindId> = spec
        .kinds
        .iter()
        .map(|k| {
            schema
                .add_kind(KindDef {
                    name: k.clone(),
                    plural: None,
                    description: String::new(),
                    look: Default::default(),
                    share: None,
                })
                .expect("a new kind")
        })
        .collect();
    let rels: Vec<RelId> = spec
        .rels
        .iter()
        .enumerate()
        .map(|(i, (name, impact))| {
            schema
                .add_relation(RelationDef {
                    name: name.clone(),
                    from: kinds.clone(),
                    to: kinds.clone(),
                    meaning: String::new(),
                    inverse: None,
                    impact: *impact,
                    mitigation: false,
                    look: RelationLook {
                        cluster: i == PART_OF,
                        ..Default::default()
                    },
                    roles: Default::default(),
                    generate: None,
                })
                .expect("a new relation")
        })
        .collect();
    let mut g = Graph::new(schema);
    let ixs: Vec<NodeIndex> = spec
        .nodes
        .iter()
        .map(|(id, name, kind)| {
            g.add_node(Node::new(id.as_str(), kinds[*kind], name.as_str()))
                .expect("ids are distinct")
        })
        .collect();
    for &(a, r, b, inferred) in &spec.edges {
        g.add_edge(
            ixs[a],
            ixs[b],
            Edge::new(
                rels[r],
                if inferred {
                    Basis::Inferred
                } else {
                    Basis::Stated
                },
            ),
        );
    }
    g
}

/// The spec as a graph file with its own schema, for the loader.
pub fn toml(spec: &Spec) -> String {
    use toml::{Table, Value};
    let mut kinds = Table::new();
    for k in &spec.kinds {
        let mut def = Table::new();
        def.insert("description".into(), Value::String("a kind".into()));
        kinds.insert(k.clone(), Value::Table(def));
    }
    let mut rels = Table::new();
    for (name, impact) in &spec.rels {
        let mut def = Table::new();
        let all: Vec<Value> = spec
            .kinds
            .iter()
            .map(|k| Value::String(k.clone()))
            .collect();
        def.insert("from".into(), Value::Array(all.clone()));
        def.insert("to".into(), Value::Array(all));
        def.insert("meaning".into(), Value::String("a relation".into()));
        let flow = match impact {
            ImpactFlow::Forward => "forward",
            ImpactFlow::Backward => "backward",
            ImpactFlow::Both => "both",
            ImpactFlow::None => "none",
        };
        def.insert("impact".into(), Value::String(flow.into()));
        rels.insert(name.clone(), Value::Table(def));
    }
    let mut schema = Table::new();
    schema.insert("kinds".into(), Value::Table(kinds));
    schema.insert("relations".into(), Value::Table(rels));
    let nodes: Vec<Value> = spec
        .nodes
        .iter()
        .map(|(id, name, kind)| {
            let mut t = Table::new();
            t.insert("id".into(), Value::String(id.clone()));
            t.insert("kind".into(), Value::String(spec.kinds[*kind].clone()));
            t.insert("name".into(), Value::String(name.clone()));
            Value::Table(t)
        })
        .collect();
    let edges: Vec<Value> = spec
        .edges
        .iter()
        .map(|&(a, r, b, inferred)| {
            let mut t = Table::new();
            t.insert("from".into(), Value::String(spec.nodes[a].0.clone()));
            t.insert("rel".into(), Value::String(spec.rels[r].0.clone()));
            t.insert("to".into(), Value::String(spec.nodes[b].0.clone()));
            let basis = if inferred { "inferred" } else { "stated" };
            t.insert("basis".into(), Value::String(basis.into()));
            Value::Table(t)
        })
        .collect();
    let mut doc = Table::new();
    doc.insert("schema".into(), Value::Table(schema));
    doc.insert("nodes".into(), Value::Array(nodes));
    doc.insert("edges".into(), Value::Array(edges));
    toml::to_string(&doc).expect("the graph serializes")
}

/// Text for ids and names: any printable text, or a run of pieces chosen
/// to be awkward.
pub fn text() -> impl Strategy<Value = String> {
    const PIECES: &[&str] = &[
        "\"",
        "\\",
        "\n",
        "\r",
        "\t",
        "<",
        ">",
        "&",
        "&amp;",
        "<b>",
        "</b>",
        "#",
        ";",
        "|",
        "[",
        "]",
        "{",
        "}",
        "(",
        ")",
        "`",
        "%%",
        "graph",
        "Node",
        "EDGE",
        "subgraph",
        "strict",
        "digraph",
        "end",
        " ",
        ":",
        "-",
        "->",
        "--",
        "=",
        ",",
        "日本語",
        "🎉",
        "שלום",
        "\u{202E}",
        "legend_kind_0",
        "seccoop-node-0",
        "\\N",
        "\\n",
        "\\\"",
        "%",
    ];
    prop_oneof![
        "\\PC{0,20}",
        proptest::collection::vec(proptest::sample::select(PIECES), 0..6)
            .prop_map(|pieces| pieces.concat()),
    ]
}

/// Small specs with random ids and names (distinct ids) and random edges.
pub fn random_spec() -> impl Strategy<Value = Spec> {
    (
        proptest::collection::btree_map(text(), (text(), 0usize..3), 1..5),
        proptest::collection::vec((0usize..5, 0usize..4, 0usize..5, any::<bool>()), 0..8),
    )
        .prop_map(|(nodes, edges)| {
            let mut s = base();
            s.nodes = nodes
                .into_iter()
                .map(|(id, (name, kind))| (id, name, kind))
                .collect();
            let n = s.nodes.len();
            s.edges = edges
                .into_iter()
                .map(|(a, r, b, inferred)| (a % n, r, b % n, inferred))
                .collect();
            s
        })
}
