//! Writing a graph in every format it can be read from: TOML, JSON, JSON
//! Lines, the CSV folder, GraphML, node-link JSON and RDF (Turtle,
//! N-Triples), so `seccoop convert` can move a graph between them without
//! losing anything; and, for graph databases, the Neo4j and Kuzu import
//! bundles ([`graphdb`]), which are written only; and seccoop's own
//! binary snapshot ([`snapshot`]), which opens fastest.
//!
//! Each writer streams, so converting a million-node graph never holds a
//! second copy of it as text. Files are written atomically: into a temporary
//! file beside the target, renamed over it when complete.
//!
//! What every format carries: the graph's name and description, its sources,
//! its schema (left out when it is the default schema, which every reader
//! falls back to), every node with its kind, name, properties and
//! provenance, and every edge with its relation, basis, properties and
//! provenance, in the graph's order.

pub mod csv;
pub mod graphdb;
pub mod graphml;
pub mod json;
pub mod jsonl;
pub mod node_link;
pub mod rdf;
mod records;
pub mod snapshot;
pub mod toml;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::model::{Basis, Graph, ImpactFlow, Properties, Provenance, Schema};

pub(crate) use records::Records;

pub use crate::format::GraphFormat;

/// Why a graph could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// A file could not be written.
    #[error("cannot write `{}`: {}", path.display(), crate::io_text::io_reason(source))]
    Io {
        /// The file or folder being written.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The graph holds something the format cannot express.
    #[error("{reason}")]
    Unrepresentable {
        /// The message: which node or edge holds what the format cannot.
        reason: String,
        /// The format that cannot hold it.
        format: GraphFormat,
    },
}

/// Whether a value holds no NaN or infinity, in itself or in a list: what
/// JSON can spell.
pub(crate) fn finite(v: &crate::model::Value) -> bool {
    match v {
        crate::model::Value::Float(x) => x.is_finite(),
        crate::model::Value::List(items) => items.iter().all(finite),
        _ => true,
    }
}

/// Every value of each property name over some rows (nodes' or edges'
/// properties), in name order: what a writer that declares typed columns or
/// keys up front needs to choose each one's type.
pub(crate) fn values_by_property<'a>(
    rows: impl Iterator<Item = &'a Properties>,
) -> std::collections::BTreeMap<&'a str, Vec<&'a crate::model::Value>> {
    let mut values: std::collections::BTreeMap<&str, Vec<&crate::model::Value>> =
        std::collections::BTreeMap::new();
    for props in rows {
        for (k, v) in props {
            values.entry(k).or_default().push(v);
        }
    }
    values
}

/// Writes `graph` to `path` in `format` (a file, or a folder for CSV).
///
/// # Example
/// ```
/// use seccoop::write::{write, GraphFormat};
/// let graph = seccoop::load::embedded().unwrap();
/// let dir = tempfile::tempdir().unwrap();
/// let out = dir.path().join("graph.jsonl");
/// write(&graph, &out, GraphFormat::Jsonl).unwrap();
/// let again = seccoop::load::load_paths(&[out]).unwrap();
/// assert_eq!(again.node_count(), graph.node_count());
/// ```
pub fn write(graph: &Graph, path: &Path, format: GraphFormat) -> Result<(), WriteError> {
    match format {
        GraphFormat::Toml => atomic(path, |w| toml::write(graph, w)),
        GraphFormat::Json => {
            check_finite(graph, format)?;
            atomic(path, |w| json::write(graph, w))
        }
        GraphFormat::Jsonl => {
            jsonl::check(graph)?;
            check_finite(graph, format)?;
            atomic(path, |w| jsonl::write(graph, w))
        }
        GraphFormat::Csv => {
            check_finite(graph, format)?;
            csv::write(graph, path)
        }
        GraphFormat::Turtle => {
            rdf::write_file(graph, path, rdf::RdfSyntax::Turtle, &rdf::Base::default())
        }
        GraphFormat::NTriples => {
            rdf::write_file(graph, path, rdf::RdfSyntax::NTriples, &rdf::Base::default())
        }
        GraphFormat::Graphml => graphml::write_file(graph, path),
        GraphFormat::NodeLink => {
            node_link::check(graph)?;
            atomic(path, |w| node_link::write(graph, w))
        }
        // Lists are JSON text in the bundles' CSV files, where NaN would
        // turn into null.
        GraphFormat::Neo4j => {
            check_finite(graph, format)?;
            graphdb::write(graph, path, graphdb::Database::Neo4j)
        }
        GraphFormat::Kuzu => {
            check_finite(graph, format)?;
            graphdb::write(graph, path, graphdb::Database::Kuzu)
        }
        GraphFormat::Snapshot => {
            let bytes = snapshot::to_bytes(graph)?;
            atomic(path, |w| w.write_all(&bytes))
        }
    }
}

/// Refuses a graph with a float that is NaN or infinite (TOML's `nan` and
/// `inf`): JSON has no spelling for them (serde_json writes `null`, which
/// reads back as no value), and a CSV folder writes lists and mixed columns
/// as JSON. TOML, GraphML and RDF keep them.
fn check_finite(graph: &Graph, format: GraphFormat) -> Result<(), WriteError> {
    let bad = |what: String, key: &str| {
        let name = match format {
            GraphFormat::Json => "JSON",
            GraphFormat::Jsonl => "JSON Lines",
            GraphFormat::Csv => "a CSV folder",
            other => other.name(),
        };
        WriteError::Unrepresentable {
            reason: format!(
                "{what} has a property `{key}` holding NaN or an infinity, which {name} cannot hold; \
                 change the value, or convert to TOML"
            ),
            format,
        }
    };
    let odd = |props: &Properties| {
        props
            .iter()
            .find(|(_, v)| !finite(v))
            .map(|(k, _)| k.clone())
    };
    for (_, n) in graph.nodes() {
        if let Some(key) = odd(n.properties()) {
            return Err(bad(format!("node `{}`", n.id), &key));
        }
    }
    if let Some((e, key)) = first_edge(graph, odd) {
        return Err(bad(
            format!("edge `{}` -{}-> `{}`", e.from, e.rel, e.to),
            &key,
        ));
    }
    Ok(())
}

/// Writes a file through `body`, atomically (see [`crate::atomic`]).
pub(crate) fn atomic(
    path: &Path,
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    crate::atomic::write_with(path, body).map_err(|source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The graph's name and description, when it has either.
#[derive(Serialize)]
pub(crate) struct MetaOut<'g> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'g str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'g str>,
}

pub(crate) fn meta(graph: &Graph) -> Option<MetaOut<'_>> {
    let m = graph.meta();
    (m.name.is_some() || m.description.is_some()).then_some(MetaOut {
        name: m.name.as_deref(),
        description: m.description.as_deref(),
    })
}

/// A kind as the schema file writes it.
#[derive(Serialize)]
pub(crate) struct KindOut<'g> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plural: Option<&'g str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub description: &'g str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shape: Option<&'g str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<&'g str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fill: Option<&'g str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub border: Option<&'g str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<u32>,
}

/// A relation as the schema file writes it.
#[derive(Serialize)]
pub(crate) struct RelationOut<'g> {
    pub from: Vec<&'g str>,
    pub to: Vec<&'g str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub meaning: &'g str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inverse: Option<&'g str>,
    pub impact: &'static str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub mitigation: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub counters: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub participants: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub rank: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub colour: Option<&'g str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrowhead: Option<&'g str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cluster: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generate: Option<GenerateOut<'g>>,
}

/// A relation's `generate` as the schema file writes it.
#[derive(Serialize)]
pub(crate) struct GenerateOut<'g> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<&'g str>,
    pub edges: [u32; 2],
}

fn impact_name(flow: ImpactFlow) -> &'static str {
    match flow {
        ImpactFlow::Forward => "forward",
        ImpactFlow::Backward => "backward",
        ImpactFlow::Both => "both",
        ImpactFlow::None => "none",
    }
}

/// The schema's kinds and relations in declaration order.
/// Named entries in declaration order.
pub(crate) type Named<'g, T> = Vec<(&'g str, T)>;

pub(crate) fn schema_parts(
    schema: &Schema,
) -> (Named<'_, KindOut<'_>>, Named<'_, RelationOut<'_>>) {
    let kinds = schema
        .kinds()
        .map(|(_, k)| {
            (
                k.name.as_str(),
                KindOut {
                    plural: k.plural.as_deref(),
                    description: &k.description,
                    shape: k.look.shape.as_deref(),
                    style: k.look.style.as_deref(),
                    fill: k.look.fill.as_deref(),
                    border: k.look.border.as_deref(),
                    share: k.share,
                },
            )
        })
        .collect();
    let names = |ids: &[crate::model::KindId]| {
        ids.iter()
            .map(|&k| schema.kind(k).name.as_str())
            .collect::<Vec<_>>()
    };
    let relations = schema
        .relations()
        .map(|(_, r)| {
            (
                r.name.as_str(),
                RelationOut {
                    from: names(&r.from),
                    to: names(&r.to),
                    meaning: &r.meaning,
                    inverse: r.inverse.as_deref(),
                    impact: impact_name(r.impact),
                    mitigation: r.mitigation,
                    counters: r.roles.counters,
                    participants: r.roles.participants,
                    rank: r.roles.rank,
                    colour: r.look.colour.as_deref(),
                    line: (r.look.line != crate::model::LineStyle::Solid)
                        .then(|| r.look.line.name()),
                    arrowhead: r.look.arrowhead.as_deref(),
                    cluster: r.look.cluster,
                    generate: r.generate.as_ref().map(|g| GenerateOut {
                        from: g.from.map(|k| schema.kind(k).name.as_str()),
                        edges: [g.min, g.max],
                    }),
                },
            )
        })
        .collect();
    (kinds, relations)
}

/// A rule as the schema file writes it.
#[derive(Serialize)]
pub(crate) struct RuleOut<'g> {
    pub chain: Vec<&'g str>,
    pub gives: &'g str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub meaning: &'g str,
}

/// The schema's rules in declaration order.
pub(crate) fn rule_parts(schema: &Schema) -> Named<'_, RuleOut<'_>> {
    schema
        .rules()
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                RuleOut {
                    chain: r
                        .chain
                        .iter()
                        .map(|&c| schema.relation(c).name.as_str())
                        .collect(),
                    gives: schema.relation(r.head).name.as_str(),
                    meaning: &r.meaning,
                },
            )
        })
        .collect()
}

/// Pairs serialized as a map, in their order.
pub(crate) struct Ordered<'a, V>(pub &'a [(&'a str, V)]);

impl<V: Serialize> Serialize for Ordered<'_, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// The schema as a JSON object with kinds and relations in order.
#[derive(Serialize)]
pub(crate) struct SchemaOut<'a> {
    pub kinds: Ordered<'a, KindOut<'a>>,
    pub relations: Ordered<'a, RelationOut<'a>>,
    #[serde(skip_serializing_if = "Ordered::is_empty")]
    pub rules: Ordered<'a, RuleOut<'a>>,
}

impl<V> Ordered<'_, V> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A node as the JSON formats write it.
#[derive(Serialize)]
pub(crate) struct NodeOut<'g> {
    pub id: &'g str,
    pub kind: &'g str,
    pub name: &'g str,
    #[serde(flatten)]
    pub properties: &'g Properties,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub provenance: &'g [Provenance],
}

/// An edge as the JSON formats write it.
#[derive(Serialize)]
pub(crate) struct EdgeOut<'g> {
    pub from: &'g str,
    pub rel: &'g str,
    pub to: &'g str,
    #[serde(skip_serializing_if = "is_stated")]
    pub basis: Basis,
    #[serde(flatten)]
    pub properties: &'g Properties,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub provenance: &'g [Provenance],
}

fn is_stated(b: &Basis) -> bool {
    *b == Basis::Stated
}

pub(crate) fn node_out<'g>(graph: &'g Graph, n: &'g crate::model::Node) -> NodeOut<'g> {
    NodeOut {
        id: &n.id,
        kind: graph.kind_name(n.kind),
        name: &n.name,
        properties: n.properties(),
        provenance: n.provenance(),
    }
}

/// Every edge with its ends' ids, in the graph's order.
pub(crate) fn edges_out(graph: &Graph) -> impl Iterator<Item = EdgeOut<'_>> {
    graph.edges().filter_map(move |e| edge_out(graph, e))
}

fn edge_out<'g>(graph: &'g Graph, e: crate::model::EdgeRef<'g>) -> Option<EdgeOut<'g>> {
    let from = graph.node(e.from)?;
    let to = graph.node(e.to)?;
    Some(EdgeOut {
        from: &from.id,
        rel: graph.rel_name(e.edge.rel),
        to: &to.id,
        basis: e.edge.basis,
        properties: e.edge.properties(),
        provenance: e.edge.provenance(),
    })
}

/// The first edge, in the graph's order, whose properties `test` picks
/// something from, with what it picked. Only that edge's ends are looked
/// up: the writers' checks run over every edge, and looking up both ends
/// of each of a million-node graph's 3.7M edges cost a fifth of writing
/// it as JSON Lines.
pub(crate) fn first_edge<'g, T>(
    graph: &'g Graph,
    test: impl Fn(&'g Properties) -> Option<T>,
) -> Option<(EdgeOut<'g>, T)> {
    graph.edges().find_map(|e| {
        let picked = test(e.edge.properties())?;
        Some((edge_out(graph, e)?, picked))
    })
}

/// JSON text of a value that always serializes (no maps with non-string keys).
pub(crate) fn json_text<T: Serialize + ?Sized>(value: &T) -> std::io::Result<String> {
    serde_json::to_string(value).map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests;
