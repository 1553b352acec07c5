//! The graph file format as Rust types, for its JSON Schema.
//!
//! The loader reads graph files by hand (`load::decode`) so that every
//! problem can point at its line and column; these types exist to describe
//! the same format to other tools. [`json_schema`](fn@json_schema) turns them into a JSON
//! Schema (draft 7, which editors support best), committed as
//! `graph/graph.schema.json` and printed by `seccoop schema`. An editor that
//! knows the schema checks a graph file while it is typed: VS Code with Even
//! Better TOML (taplo) through a `#:schema ./graph.schema.json` line at the
//! top of a TOML file, and JSON files through their `"$schema"` key.
//!
//! The doc comments below become the schema's descriptions, which editors
//! show on hover. Tests keep the types and the loader in step: the schema
//! accepts every file the loader accepts, and rejects files with a shape
//! the loader rejects (`tests/cli/schema.rs`); the key lists match the
//! decoder's (the tests of `load::decode`).

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

/// A seccoop graph file (TOML or JSON, the same shape). Every top-level key
/// is optional; files given together are merged, so one file may hold the
/// nodes and another the edges.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "seccoop graph file")]
pub struct GraphFile {
    /// The JSON Schema this file follows, for editors (a path or URL such as
    /// `./graph.schema.json`); seccoop ignores it.
    #[serde(rename = "$schema", default)]
    pub schema_ref: String,
    /// The graph's name and description.
    #[serde(default)]
    pub graph: GraphInfo,
    /// The documents the graph is drawn from, declared once; provenance
    /// entries refer to them by id.
    #[serde(default)]
    pub sources: Vec<SourceEntry>,
    /// The kinds of node and the relations this file's graph uses. Without
    /// it the default schema applies: the curated graph's, `graph/schema.toml`
    /// in seccoop's repository (`seccoop stats` lists its kinds and relations).
    #[serde(default)]
    pub schema: GraphSchema,
    /// The nodes.
    #[serde(default)]
    pub nodes: Vec<Node>,
    /// The edges, each between two nodes of this file or of a file loaded
    /// with it.
    #[serde(default)]
    pub edges: Vec<Edge>,
}

/// The graph's name and description.
#[derive(Debug, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GraphInfo {
    /// A short name for the graph.
    #[serde(default)]
    pub name: String,
    /// What the graph is about.
    #[serde(default)]
    pub description: String,
}

/// A document the graph is drawn from.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceEntry {
    /// How provenance entries name this source; unique.
    pub id: NameText,
    /// The document's title.
    pub title: String,
    /// Who wrote it.
    #[serde(default)]
    pub author: String,
    /// When it was published: a TOML date or any text.
    #[serde(default)]
    pub date: String,
    /// Where to find it.
    #[serde(default)]
    pub url: String,
}

/// The kinds of node and the relations between them. In `graph/schema.toml`
/// (the default schema) these two tables stand at the top level.
#[derive(Debug, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GraphSchema {
    /// The kinds of node, by name (`activity`, `threat` …).
    #[serde(default)]
    pub kinds: BTreeMap<String, KindDef>,
    /// The relations, by name (`addresses`, `hindered_by` …).
    #[serde(default)]
    pub relations: BTreeMap<String, RelationDef>,
    /// Rules that derive edges, by name (`indirect-addressing` …).
    #[serde(default)]
    pub rules: BTreeMap<String, RuleDef>,
}

/// A rule: following the relations of `chain` end to end gives an edge of
/// relation `gives` from the chain's first node to its last. Derived edges
/// have basis `derived` and keep their proof.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// The relations to follow, in order: two or more (`["addresses", "drives"]`).
    pub chain: Vec<NameText>,
    /// The relation of the derived edge.
    pub gives: NameText,
    /// One line on what the rule concludes and why.
    #[serde(default)]
    pub meaning: String,
}

/// A kind of node.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KindDef {
    /// The plural, accepted wherever the kind is named (`seccoop list activities`).
    #[serde(default)]
    pub plural: NameText,
    /// What nodes of this kind are.
    #[serde(default)]
    pub description: String,
    /// The Graphviz shape its nodes are drawn as (`box`, `octagon` …);
    /// Mermaid draws the nearest shape it has. Left out, kinds take shapes
    /// from a palette in declaration order.
    #[serde(default)]
    pub shape: GraphvizName,
    /// Graphviz style words added to `filled` (`rounded`), comma-separated.
    #[serde(default)]
    pub style: StyleWords,
    /// The fill colour of its nodes; left out, one from a palette.
    #[serde(default)]
    pub fill: Colour,
    /// The border colour of its nodes; left out, one from a palette.
    #[serde(default)]
    pub border: Colour,
    /// The percentage of the nodes `seccoop generate` makes of this kind;
    /// the kind with the largest share takes what is left, and a kind
    /// without one gets a single node. When no kind of the schema has a
    /// share, every kind has an equal one.
    #[serde(default)]
    pub share: Percent,
}

/// A relation: which kinds it joins, what it means, how impact flows along it.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RelationDef {
    /// The kinds an edge of this relation may start at.
    pub from: KindList,
    /// The kinds an edge of this relation may end at.
    pub to: KindList,
    /// What an edge of this relation says, read from its start to its end.
    #[serde(default)]
    pub meaning: String,
    /// How the relation reads backwards (`addressed by` for `addresses`).
    #[serde(default)]
    pub inverse: String,
    /// How the loss or weakening of a node travels along the relation, for
    /// `seccoop impact`; `none` when left out.
    #[serde(default)]
    pub impact: ImpactFlow,
    /// Whether an edge of this relation mitigates its end: impact reports
    /// list such nodes as mitigations, and `gaps` lists the ends nothing
    /// mitigates.
    #[serde(default)]
    pub mitigation: bool,
    /// The colour of its edges and their labels in diagrams; left out, one
    /// from a palette, in declaration order.
    #[serde(default)]
    pub colour: Colour,
    /// The line its edges are drawn with; inferred edges are dashed whatever
    /// this says.
    #[serde(default)]
    pub line: LineStyle,
    /// The Graphviz arrowhead of its edges (`normal` when left out, `empty`,
    /// `vee` …).
    #[serde(default)]
    pub arrowhead: GraphvizName,
    /// Whether diagrams draw each edge's start inside a box named after its
    /// end (activities in their area) instead of drawing the edge.
    #[serde(default)]
    pub cluster: bool,
    /// Whether an edge says its start counters its end: `gaps` and `whatif`
    /// report ends countered by nothing or by one node only.
    #[serde(default)]
    pub counters: bool,
    /// Whether an edge says its end takes part in its start: `gaps` and
    /// `whatif` report countering nodes without participants.
    #[serde(default)]
    pub participants: bool,
    /// Whether `seccoop stats` ranks the relation's ends by how many starts
    /// reach them.
    #[serde(default)]
    pub rank: bool,
    /// How `seccoop generate` makes edges of this relation. Left out, it
    /// makes none, unless no relation and no kind of the schema says
    /// anything of generation: then every relation gets 1 to 2 edges from
    /// each node of its `from` kinds.
    #[serde(default)]
    pub generate: Option<EdgeMix>,
}

/// How `seccoop generate` makes the edges of a relation.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EdgeMix {
    /// The one `from` kind whose nodes get edges; every `from` kind when
    /// left out.
    #[serde(default)]
    pub from: NameText,
    /// The fewest and the most edges each node gets, to distinct nodes of
    /// the `to` kinds.
    pub edges: [EdgeCount; 2],
}

/// How an edge is drawn.
#[derive(Debug, Default, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LineStyle {
    /// A plain line.
    #[default]
    Solid,
    /// A dotted line.
    Dotted,
    /// A thick line.
    Bold,
}

/// How impact travels along a relation.
#[derive(Debug, Default, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ImpactFlow {
    /// From the edge's start to its end: a weakened start weakens the end.
    Forward,
    /// From the edge's end to its start.
    Backward,
    /// Either way.
    Both,
    /// Impact does not travel along the relation.
    #[default]
    None,
}

/// A node. Besides `id`, `kind`, `name` and `provenance`, every key is a
/// property of the node.
#[derive(Debug, JsonSchema)]
pub struct Node {
    /// The node's id, unique across the loaded files; kebab-case recommended.
    pub id: NameText,
    /// Its kind, one the schema declares.
    pub kind: NameText,
    /// Its display name; commands also accept it in place of the id.
    pub name: NameText,
    /// Where the node comes from.
    #[serde(default)]
    pub provenance: Provenance,
    /// Any other key is a property of the node (`aliases`, `description`,
    /// `started` …).
    #[serde(flatten)]
    pub properties: BTreeMap<String, PropertyValue>,
}

/// An edge: `from` is `rel` of `to`.
#[derive(Debug, JsonSchema)]
pub struct Edge {
    /// The id of the node the edge starts at.
    pub from: NameText,
    /// Its relation, one the schema declares, allowed between the two nodes' kinds.
    pub rel: NameText,
    /// The id of the node the edge ends at.
    pub to: NameText,
    /// Whether the source states the edge or it is inferred from the source
    /// (`stated` when left out; inferred edges are dashed in diagrams).
    #[serde(default)]
    pub basis: Basis,
    /// Where the edge comes from.
    #[serde(default)]
    pub provenance: Provenance,
    /// Any other key is a property of the edge.
    #[serde(flatten)]
    pub properties: BTreeMap<String, PropertyValue>,
}

/// Whether the source states an edge or it is inferred from the source.
#[derive(Debug, Default, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// The source says so.
    #[default]
    Stated,
    /// A reasonable reading of the source, not a statement of it.
    Inferred,
}

/// Where a node or edge comes from: one entry or a list of them.
#[derive(Debug, JsonSchema)]
#[serde(untagged)]
pub enum Provenance {
    /// One entry.
    One(ProvenanceEntry),
    /// Several entries.
    Many(Vec<ProvenanceEntry>),
}

impl Default for Provenance {
    fn default() -> Self {
        Provenance::Many(Vec::new())
    }
}

/// A place in a source that supports a node or an edge.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProvenanceEntry {
    /// The id of a source declared under `sources`.
    pub source: NameText,
    /// The section of the source.
    #[serde(default)]
    pub section: String,
    /// The item within the section.
    #[serde(default)]
    pub item: String,
    /// Why the source supports the statement, in our own words.
    #[serde(default)]
    pub note: String,
}

/// A property's value. A JSON `null` (alone or in a list) leaves the value
/// out; a table is not a value.
#[derive(Debug, JsonSchema)]
#[serde(untagged)]
pub enum PropertyValue {
    /// Text; a TOML date or time is kept as written.
    Text(String),
    /// A whole number.
    Integer(Integer),
    /// A number with a fraction.
    Float(f64),
    /// True or false.
    Boolean(bool),
    /// A list of values (`aliases = ["JMP", "patrols"]`).
    List(Vec<PropertyValue>),
    /// No value: the property is left out.
    Null,
}

/// One kind, or a list of kinds.
#[derive(Debug, JsonSchema)]
#[serde(untagged)]
pub enum KindList {
    /// One kind.
    One(NameText),
    /// A list of kinds.
    Many(Vec<NameText>),
}

/// A string that names something (an id, a kind, a relation, a source):
/// not empty, without control characters, without spaces at either end.
#[derive(Debug, Default)]
pub struct NameText(pub String);

/// Control characters (Unicode's Cc: C0, DEL and C1), which names may not hold.
const CONTROL: &str = r"\u0000-\u001f\u007f-\u009f";

impl JsonSchema for NameText {
    fn schema_name() -> Cow<'static, str> {
        "NameText".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        // The rule of `decode::text_problem`: a first and a last character
        // that are neither space nor control, none in between that is control.
        let pattern = format!(r"^[^\s{CONTROL}]([^{CONTROL}]*[^\s{CONTROL}])?$");
        json_schema!({
            "description": "Text that names something: not empty, without control characters, without spaces at either end.",
            "type": "string",
            "minLength": 1,
            "pattern": pattern,
        })
    }
}

/// Declares a string type whose JSON Schema is a pattern.
macro_rules! patterned_text {
    ($name:ident, $description:literal, $pattern:literal) => {
        #[doc = $description]
        #[derive(Debug, Default)]
        pub struct $name(pub String);

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "description": $description,
                    "type": "string",
                    "pattern": $pattern,
                })
            }
        }
    };
}

patterned_text!(
    Colour,
    "A colour: `#` and 3, 6 or 8 hex digits (`#9c2b23`), or a colour name (`red`).",
    "^(#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|[A-Za-z]+)$"
);
patterned_text!(
    GraphvizName,
    "A Graphviz name (a shape, an arrowhead): letters, digits and `_`.",
    "^[A-Za-z0-9_]+$"
);
patterned_text!(
    StyleWords,
    "Graphviz style words (letters, digits and `_`), comma-separated.",
    "^[A-Za-z0-9_]+(,[A-Za-z0-9_]+)*$"
);

/// Declares a whole-number type whose JSON Schema (inlined) is a range.
macro_rules! bounded_integer {
    ($name:ident, $inner:ty, $description:literal, $min:expr, $max:expr) => {
        #[doc = $description]
        #[derive(Debug, Default)]
        pub struct $name(pub $inner);

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn inline_schema() -> bool {
                true
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "type": "integer", "minimum": $min, "maximum": $max })
            }
        }
    };
}

/// The most edges of one relation `generate` gives a node.
pub const MAX_GENERATED_EDGES: u32 = 1000;

bounded_integer!(Percent, u32, "A whole number from 0 to 100.", 0, 100);
bounded_integer!(
    EdgeCount,
    u32,
    "How many edges of one relation `generate` gives a node: 0 to 1000.",
    0,
    MAX_GENERATED_EDGES
);
bounded_integer!(
    Integer,
    i64,
    "A whole number that fits in 64 bits, the range seccoop keeps.",
    i64::MIN,
    i64::MAX
);

/// The JSON Schema of graph files (draft 7).
///
/// ```
/// let schema = seccoop::format::graph_file::json_schema();
/// assert_eq!(schema["title"], "seccoop graph file");
/// assert!(schema["properties"]["nodes"].is_object());
/// ```
pub fn json_schema() -> serde_json::Value {
    let mut settings = schemars::generate::SchemaSettings::draft07();
    // Left-out keys are absent, not empty strings, so the schema states no
    // defaults; and `f64`'s `"format": "double"` is no format draft 7 knows.
    settings
        .transforms
        .push(Box::new(RecursiveTransform(|schema: &mut Schema| {
            schema.remove("default");
            schema.remove("format");
        })));
    let generator = settings.into_generator();
    generator.into_root_schema_for::<GraphFile>().to_value()
}

/// [`json_schema`](fn@json_schema) as pretty-printed text ending in a newline: the content
/// of `graph/graph.schema.json` and the output of `seccoop schema`.
pub fn json_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
    text.push('\n');
    text
}
