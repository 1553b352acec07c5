//! GraphML, the XML graph format Gephi, yEd, Cytoscape and NetworkX read.
//!
//! The file declares every attribute as a typed `<key>` before the graph,
//! uses the standard namespace and `edgedefault="directed"`, and gives every
//! edge an `id`, so parallel edges of different relations between the same
//! two nodes stay apart (NetworkX's `read_graphml` keys a `MultiDiGraph` by
//! it).
//!
//! What each element carries:
//!
//! - the graph: `name` and `description`; `sources` (a JSON list) when the
//!   graph declares sources; `schema` (a JSON object, shaped like a JSON
//!   graph file's `schema`) when it is not the default schema;
//! - a node: its `id` attribute, `kind`, `name`, every property, and
//!   `provenance` (a JSON list) when it has any;
//! - an edge: `source`, `target`, `rel`, `basis`, every property, and
//!   `provenance`.
//!
//! A property's key is typed by its values across the graph: `boolean`,
//! `int` (every value fits 32 bits), `long`, `double` or `string` when all
//! its values have that type. A property GraphML cannot type, one holding
//! lists or values of more than one type, is a `string` key whose values
//! are JSON text, marked by the key's `<desc>` ([`JSON_DESC`]) so that
//! seccoop reads it back as the original values; other tools see the JSON
//! text. Provenance, sources and the schema are marked the same way.

use std::io::Write;

use super::{GraphFormat, Ordered, SchemaOut, WriteError, json_text, schema_parts};
use crate::format::graphml::{JSON_DESC, NAMESPACE};
use crate::model::{Graph, Properties, Value};

/// How a property is written in GraphML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// `attr.type="string"`.
    String,
    /// `attr.type="int"`: integers that fit 32 bits.
    Int,
    /// `attr.type="long"`.
    Long,
    /// `attr.type="double"`.
    Double,
    /// `attr.type="boolean"`.
    Boolean,
    /// `attr.type="string"` holding JSON text.
    Json,
}

impl KeyType {
    /// The `attr.type` that declares it.
    pub fn attr_type(self) -> &'static str {
        match self {
            KeyType::String | KeyType::Json => "string",
            KeyType::Int => "int",
            KeyType::Long => "long",
            KeyType::Double => "double",
            KeyType::Boolean => "boolean",
        }
    }

    /// The narrowest type that holds every value.
    pub fn of<'a>(values: impl Iterator<Item = &'a Value>) -> Self {
        let mut ty = None;
        for v in values {
            let this = match v {
                Value::String(_) => KeyType::String,
                Value::Integer(i) if i32::try_from(*i).is_ok() => KeyType::Int,
                Value::Integer(_) => KeyType::Long,
                Value::Float(_) => KeyType::Double,
                Value::Bool(_) => KeyType::Boolean,
                Value::List(_) => return KeyType::Json,
            };
            ty = Some(match (ty, this) {
                (None, t) => t,
                (Some(a), b) if a == b => a,
                (Some(KeyType::Int | KeyType::Long), KeyType::Int | KeyType::Long) => KeyType::Long,
                _ => return KeyType::Json,
            });
        }
        ty.unwrap_or(KeyType::String)
    }
}

/// The text of a value under a key of type `ty`.
pub(crate) fn value_text(v: &Value, ty: KeyType) -> std::io::Result<String> {
    Ok(match (ty, v) {
        (KeyType::String, Value::String(s)) => s.clone(),
        (KeyType::Int | KeyType::Long, Value::Integer(i)) => i.to_string(),
        // `{:?}` is the shortest text that reads back as the same float
        // (`1e300`, `0.1`, `-0.0`); NetworkX's `float()` reads it too.
        (KeyType::Double, Value::Float(x)) => format!("{x:?}"),
        (KeyType::Boolean, Value::Bool(b)) => b.to_string(),
        _ => json_text(v)?,
    })
}

/// The properties of some elements: name, key id, type, in name order.
fn keys<'a>(
    prefix: &str,
    rows: impl Iterator<Item = &'a Properties>,
) -> Vec<(String, String, KeyType)> {
    super::values_by_property(rows)
        .into_iter()
        .enumerate()
        .map(|(i, (name, vs))| {
            (
                name.to_string(),
                format!("{prefix}{i}"),
                KeyType::of(vs.into_iter()),
            )
        })
        .collect()
}

/// Whether XML 1.0 can hold the character at all (escaped or not).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Text escaped for an element's content. A carriage return is written as
/// a reference, which XML's line-end handling would otherwise drop.
pub(crate) fn escape_text(s: &str) -> std::borrow::Cow<'_, str> {
    escape(s, false)
}

/// Text escaped for a double-quoted attribute value. Tabs and line breaks are
/// references, which attribute normalization would otherwise turn into spaces.
pub(crate) fn escape_attr(s: &str) -> std::borrow::Cow<'_, str> {
    escape(s, true)
}

fn escape(s: &str, attr: bool) -> std::borrow::Cow<'_, str> {
    let special =
        |c: char| matches!(c, '&' | '<' | '>' | '\r') || (attr && matches!(c, '"' | '\t' | '\n'));
    if !s.contains(special) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '"' if attr => out.push_str("&quot;"),
            '\t' if attr => out.push_str("&#9;"),
            '\n' if attr => out.push_str("&#10;"),
            c => out.push(c),
        }
    }
    out.into()
}

/// Refuses text XML 1.0 cannot hold (control characters other than tab and
/// line breaks, U+FFFE, U+FFFF); `what` says where it is.
fn check_text(text: &str, what: impl FnOnce() -> String) -> Result<(), WriteError> {
    if text.chars().all(xml_char) {
        return Ok(());
    }
    Err(WriteError::Unrepresentable {
        reason: format!(
            "{} holds a character XML cannot hold (a control character, U+FFFE or U+FFFF); \
             remove it, or convert to TOML, JSON or JSON Lines",
            what()
        ),
        format: GraphFormat::Graphml,
    })
}

/// Checks every text GraphML writes bare (JSON text escapes its own).
fn check_graph(
    graph: &Graph,
    node_keys: &[(String, String, KeyType)],
    edge_keys: &[(String, String, KeyType)],
) -> Result<(), WriteError> {
    let meta = graph.meta();
    for text in meta.name.iter().chain(&meta.description) {
        check_text(text, || "the graph's name or description".into())?;
    }
    let plain = |keys: &[(String, String, KeyType)], name: &str| {
        keys.iter()
            .any(|(n, _, t)| n == name && *t == KeyType::String)
    };
    for (name, _, _) in node_keys.iter().chain(edge_keys) {
        check_text(name, || format!("the property name {name:?}"))?;
    }
    // Lists and mixed-type properties are JSON text, which has no NaN.
    let json = |keys: &[(String, String, KeyType)], name: &str| {
        keys.iter()
            .any(|(n, _, t)| n == name && *t == KeyType::Json)
    };
    let not_finite = |what: String| WriteError::Unrepresentable {
        reason: format!(
            "{what} holds NaN or an infinity in a list or beside values of other types, \
             which GraphML writes as JSON text; change the value, or convert to TOML"
        ),
        format: GraphFormat::Graphml,
    };
    for (_, n) in graph.nodes() {
        check_text(&n.id, || format!("node id {:?}", n.id))?;
        check_text(&n.name, || format!("the name of node `{}`", n.id))?;
        for (k, v) in n.properties() {
            if let (Value::String(s), true) = (v, plain(node_keys, k)) {
                check_text(s, || format!("property `{k}` of node `{}`", n.id))?;
            }
            if json(node_keys, k) && !super::finite(v) {
                return Err(not_finite(format!("property `{k}` of node `{}`", n.id)));
            }
        }
    }
    for e in graph.edges() {
        for (k, v) in e.edge.properties() {
            if json(edge_keys, k) && !super::finite(v) {
                let id = |ix| graph.node(ix).map_or("?", |n| &*n.id).to_string();
                return Err(not_finite(format!(
                    "property `{k}` of edge `{}` -{}-> `{}`",
                    id(e.from),
                    graph.rel_name(e.edge.rel),
                    id(e.to)
                )));
            }
            if let (Value::String(s), true) = (v, plain(edge_keys, k)) {
                let id = |ix| graph.node(ix).map_or("?", |n| &*n.id).to_string();
                check_text(s, || {
                    format!(
                        "property `{k}` of edge `{}` -{}-> `{}`",
                        id(e.from),
                        graph.rel_name(e.edge.rel),
                        id(e.to)
                    )
                })?;
            }
        }
    }
    Ok(())
}

/// Writes `graph` as GraphML to `path`, atomically.
pub fn write_file(graph: &Graph, path: &std::path::Path) -> Result<(), WriteError> {
    let node_keys = keys("n", graph.nodes().map(|(_, n)| n.properties()));
    let edge_keys = keys("e", graph.edges().map(|e| e.edge.properties()));
    check_graph(graph, &node_keys, &edge_keys)?;
    super::atomic(path, |w| write(graph, &node_keys, &edge_keys, w))
}

fn key(w: &mut dyn Write, id: &str, domain: &str, name: &str, ty: KeyType) -> std::io::Result<()> {
    write!(
        w,
        "  <key id=\"{}\" for=\"{domain}\" attr.name=\"{}\" attr.type=\"{}\"",
        escape_attr(id),
        escape_attr(name),
        ty.attr_type()
    )?;
    if ty == KeyType::Json {
        writeln!(w, "><desc>{JSON_DESC}</desc></key>")
    } else {
        writeln!(w, "/>")
    }
}

fn data(w: &mut dyn Write, indent: &str, key: &str, text: &str) -> std::io::Result<()> {
    writeln!(
        w,
        "{indent}<data key=\"{key}\">{}</data>",
        escape_text(text)
    )
}

fn write(
    graph: &Graph,
    node_keys: &[(String, String, KeyType)],
    edge_keys: &[(String, String, KeyType)],
    w: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        w,
        "<graphml xmlns=\"{NAMESPACE}\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"{NAMESPACE} {NAMESPACE}/1.0/graphml.xsd\">"
    )?;
    let meta = graph.meta();
    let sources = !graph.sources().is_empty();
    let schema = !graph.has_default_schema();
    let node_prov = graph.nodes().any(|(_, n)| !n.provenance().is_empty());
    let edge_prov = graph.edges().any(|e| !e.edge.provenance().is_empty());
    if meta.name.is_some() {
        key(w, "graph_name", "graph", "name", KeyType::String)?;
    }
    if meta.description.is_some() {
        key(
            w,
            "graph_description",
            "graph",
            "description",
            KeyType::String,
        )?;
    }
    if sources {
        key(w, "graph_sources", "graph", "sources", KeyType::Json)?;
    }
    if schema {
        key(w, "graph_schema", "graph", "schema", KeyType::Json)?;
    }
    key(w, "kind", "node", "kind", KeyType::String)?;
    key(w, "name", "node", "name", KeyType::String)?;
    for (name, id, ty) in node_keys {
        key(w, id, "node", name, *ty)?;
    }
    if node_prov {
        key(w, "node_provenance", "node", "provenance", KeyType::Json)?;
    }
    key(w, "rel", "edge", "rel", KeyType::String)?;
    key(w, "basis", "edge", "basis", KeyType::String)?;
    for (name, id, ty) in edge_keys {
        key(w, id, "edge", name, *ty)?;
    }
    if edge_prov {
        key(w, "edge_provenance", "edge", "provenance", KeyType::Json)?;
    }

    writeln!(w, "  <graph id=\"G\" edgedefault=\"directed\">")?;
    if let Some(name) = &meta.name {
        data(w, "    ", "graph_name", name)?;
    }
    if let Some(description) = &meta.description {
        data(w, "    ", "graph_description", description)?;
    }
    if sources {
        data(w, "    ", "graph_sources", &json_text(graph.sources())?)?;
    }
    if schema {
        let (kinds, relations) = schema_parts(graph.schema());
        let rules = super::rule_parts(graph.schema());
        let out = SchemaOut {
            kinds: Ordered(&kinds),
            relations: Ordered(&relations),
            rules: Ordered(&rules),
        };
        data(w, "    ", "graph_schema", &json_text(&out)?)?;
    }
    for (_, n) in graph.nodes() {
        writeln!(w, "    <node id=\"{}\">", escape_attr(&n.id))?;
        data(w, "      ", "kind", graph.kind_name(n.kind))?;
        data(w, "      ", "name", &n.name)?;
        for (name, id, ty) in node_keys {
            if let Some(v) = n.properties().get(name) {
                data(w, "      ", id, &value_text(v, *ty)?)?;
            }
        }
        if !n.provenance().is_empty() {
            data(w, "      ", "node_provenance", &json_text(n.provenance())?)?;
        }
        writeln!(w, "    </node>")?;
    }
    for (i, e) in graph.edges().enumerate() {
        let (Some(from), Some(to)) = (graph.node(e.from), graph.node(e.to)) else {
            continue;
        };
        writeln!(
            w,
            "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\">",
            escape_attr(&from.id),
            escape_attr(&to.id)
        )?;
        data(w, "      ", "rel", graph.rel_name(e.edge.rel))?;
        data(w, "      ", "basis", e.edge.basis.as_str())?;
        for (name, id, ty) in edge_keys {
            if let Some(v) = e.edge.properties().get(name) {
                data(w, "      ", id, &value_text(v, *ty)?)?;
            }
        }
        if !e.edge.provenance().is_empty() {
            data(
                w,
                "      ",
                "edge_provenance",
                &json_text(e.edge.provenance())?,
            )?;
        }
        writeln!(w, "    </edge>")?;
    }
    writeln!(w, "  </graph>\n</graphml>")
}
