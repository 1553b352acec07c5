//! What the engine needs of a graph: the [`QueryGraph`] trait, and its
//! implementation over seccoop's [`Graph`].
//!
//! The engine never touches petgraph or the model directly. Labels and
//! relationship types are resolved to small ids once, when a query is
//! planned, so matching compares integers; property values are converted
//! to query [`Value`]s when read.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};

use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef as _;

use super::procedures::Procedure;
use super::value::{EdgeId, NodeId, Value};
use crate::model::Graph;

/// A label resolved against one graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LabelId(pub u32);

/// A relationship type resolved against one graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TypeId(pub u32);

/// Which relationships of a node to expand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expand {
    /// Those that start at the node.
    Out,
    /// Those that end at the node.
    In,
    /// Both, each once (a self-loop once).
    Both,
}

/// A relationship seen from one of its ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Adjacent {
    /// The relationship.
    pub edge: EdgeId,
    /// The node at the other end.
    pub other: NodeId,
}

/// A property graph the query engine can read.
///
/// Two implementations: [`SeccoopGraph`] over the loaded seccoop graph
/// (read-only, one label per node: its kind), and
/// [`MemoryGraph`](super::MemoryGraph), a general property graph that
/// `CREATE` builds (the TCK runs on it).
pub trait QueryGraph {
    /// Every node.
    fn nodes(&self) -> Vec<NodeId>;
    /// How many nodes there are.
    fn node_count(&self) -> usize;
    /// The id of a label, when some node may carry it.
    fn label(&self, name: &str) -> Option<LabelId>;
    /// The nodes with a label.
    fn nodes_with_label(&self, label: LabelId) -> Vec<NodeId>;
    /// How many nodes carry a label (for choosing where to start).
    fn label_count(&self, label: LabelId) -> usize;
    /// The node whose `key` property equals `value`, when the graph indexes
    /// that property: `Some(None)` means indexed and absent, `None` means not
    /// indexed.
    fn node_by_property(&self, key: &str, value: &Value) -> Option<Option<NodeId>>;
    /// Whether a node carries a label.
    fn has_label(&self, node: NodeId, label: LabelId) -> bool;
    /// A node's labels.
    fn labels(&self, node: NodeId) -> Vec<String>;
    /// One property of a node (`Null` when absent).
    fn node_property(&self, node: NodeId, key: &str) -> Value;
    /// Every property of a node.
    fn node_properties(&self, node: NodeId) -> BTreeMap<String, Value>;
    /// What `id(n)` returns.
    fn node_identity(&self, node: NodeId) -> Value;
    /// The id of a relationship type, when some relationship may have it.
    fn rel_type(&self, name: &str) -> Option<TypeId>;
    /// A relationship's type.
    fn type_of(&self, edge: EdgeId) -> TypeId;
    /// A relationship's type, by name.
    fn type_name(&self, edge: EdgeId) -> String;
    /// Where a relationship starts and ends.
    fn endpoints(&self, edge: EdgeId) -> (NodeId, NodeId);
    /// One property of a relationship.
    fn edge_property(&self, edge: EdgeId, key: &str) -> Value;
    /// Every property of a relationship.
    fn edge_properties(&self, edge: EdgeId) -> BTreeMap<String, Value>;
    /// What `id(r)` returns.
    fn edge_identity(&self, edge: EdgeId) -> Value;
    /// Appends the relationships of `node` in direction `dir` to `out`.
    fn expand(&self, node: NodeId, dir: Expand, out: &mut Vec<Adjacent>);
    /// Every label name, for suggestions and completion.
    fn label_names(&self) -> Vec<String>;
    /// Every relationship type name.
    fn type_names(&self) -> Vec<String>;
    /// Every property key of nodes and relationships.
    fn property_keys(&self) -> Vec<String>;
    /// Whether some node or relationship has this property.
    fn has_property_key(&self, key: &str) -> bool {
        self.property_keys().iter().any(|k| k == key)
    }
    /// Node ids worth completing in the shell (string ids only).
    fn node_keys(&self) -> Vec<String> {
        Vec::new()
    }
    /// Procedures this graph brings besides the built-in ones (the TCK's
    /// test procedures).
    fn procedures(&self) -> &[Procedure] {
        &[]
    }
    /// seccoop's graph underneath, for the procedures that run its
    /// analyses (`seccoop.impact`); `None` for a general property graph.
    fn model(&self) -> Option<&Graph> {
        None
    }
}

fn nix(n: NodeId) -> NodeIndex {
    NodeIndex::new(n.0 as usize)
}

fn nid(ix: NodeIndex) -> NodeId {
    NodeId(ix.index() as u32)
}

fn eix(e: EdgeId) -> EdgeIndex {
    EdgeIndex::new(e.0 as usize)
}

/// seccoop's graph as the query engine sees it.
///
/// - a node has one label, its kind (`activity`, `threat`, …; plurals too);
/// - a relationship's type is its relation (`addresses`);
/// - node properties are `id`, `name` and every property of the node;
///   relationship properties are `basis` and every property of the edge;
/// - `id(n)` is the node's string id (seccoop ids are strings and stable
///   across loads); `id(r)` is the edge's integer index in this load (in
///   the whole graph, for a part read with [`SeccoopGraph::with_edge_ids`]);
/// - `{id: '…'}` in a pattern is an index lookup.
pub struct SeccoopGraph<'g> {
    graph: &'g Graph,
    by_kind: OnceCell<Vec<Vec<NodeId>>>,
    keys: OnceCell<Vec<String>>,
    edge_ids: Option<&'g [u32]>,
}

impl<'g> SeccoopGraph<'g> {
    /// Wraps a loaded graph.
    pub fn new(graph: &'g Graph) -> Self {
        SeccoopGraph {
            graph,
            by_kind: OnceCell::new(),
            keys: OnceCell::new(),
            edge_ids: None,
        }
    }

    /// Wraps a part of a graph read on its own (a neighbourhood read in
    /// place from a snapshot): `ids[i]` is the index in the whole graph of
    /// the part's edge `i`, so `id(r)` gives what the whole graph gives.
    pub fn with_edge_ids(graph: &'g Graph, ids: &'g [u32]) -> Self {
        SeccoopGraph {
            edge_ids: Some(ids),
            ..SeccoopGraph::new(graph)
        }
    }

    fn by_kind(&self) -> &Vec<Vec<NodeId>> {
        self.by_kind.get_or_init(|| {
            let mut lists = vec![Vec::new(); self.graph.schema().kinds().len()];
            for (ix, node) in self.graph.nodes() {
                if let Some(list) = lists.get_mut(usize::from(node.kind.0)) {
                    list.push(nid(ix));
                }
            }
            lists
        })
    }
}

impl QueryGraph for SeccoopGraph<'_> {
    fn nodes(&self) -> Vec<NodeId> {
        self.graph.nodes().map(|(ix, _)| nid(ix)).collect()
    }

    fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    fn label(&self, name: &str) -> Option<LabelId> {
        self.graph
            .schema()
            .kind_id(name)
            .map(|k| LabelId(u32::from(k.0)))
    }

    fn nodes_with_label(&self, label: LabelId) -> Vec<NodeId> {
        self.by_kind()
            .get(label.0 as usize)
            .cloned()
            .unwrap_or_default()
    }

    fn label_count(&self, label: LabelId) -> usize {
        self.by_kind().get(label.0 as usize).map_or(0, Vec::len)
    }

    fn node_by_property(&self, key: &str, value: &Value) -> Option<Option<NodeId>> {
        if key != "id" {
            return None;
        }
        Some(match value {
            Value::String(s) => self.graph.node_index(s).map(nid),
            _ => None,
        })
    }

    fn has_label(&self, node: NodeId, label: LabelId) -> bool {
        self.graph
            .node(nix(node))
            .is_some_and(|n| u32::from(n.kind.0) == label.0)
    }

    fn labels(&self, node: NodeId) -> Vec<String> {
        self.graph
            .node(nix(node))
            .map(|n| vec![self.graph.kind_name(n.kind).to_string()])
            .unwrap_or_default()
    }

    fn node_property(&self, node: NodeId, key: &str) -> Value {
        let Some(n) = self.graph.node(nix(node)) else {
            return Value::Null;
        };
        match key {
            "id" => Value::String(String::from(&*n.id)),
            "name" => Value::String(String::from(&*n.name)),
            _ => n.properties().get(key).map_or(Value::Null, Value::from),
        }
    }

    fn node_properties(&self, node: NodeId) -> BTreeMap<String, Value> {
        let Some(n) = self.graph.node(nix(node)) else {
            return BTreeMap::new();
        };
        let mut map: BTreeMap<String, Value> = n
            .properties()
            .iter()
            .map(|(k, v)| (k.clone(), Value::from(v)))
            .collect();
        map.insert("id".into(), Value::String(String::from(&*n.id)));
        map.insert("name".into(), Value::String(String::from(&*n.name)));
        map
    }

    fn node_identity(&self, node: NodeId) -> Value {
        self.graph
            .node(nix(node))
            .map_or(Value::Null, |n| Value::String(String::from(&*n.id)))
    }

    fn rel_type(&self, name: &str) -> Option<TypeId> {
        self.graph
            .schema()
            .rel_id(name)
            .map(|r| TypeId(u32::from(r.0)))
    }

    fn type_of(&self, edge: EdgeId) -> TypeId {
        self.graph
            .petgraph()
            .edge_weight(eix(edge))
            .map_or(TypeId(u32::MAX), |e| TypeId(u32::from(e.rel.0)))
    }

    fn type_name(&self, edge: EdgeId) -> String {
        self.graph
            .petgraph()
            .edge_weight(eix(edge))
            .map(|e| self.graph.rel_name(e.rel).to_string())
            .unwrap_or_default()
    }

    fn endpoints(&self, edge: EdgeId) -> (NodeId, NodeId) {
        self.graph
            .petgraph()
            .edge_endpoints(eix(edge))
            .map_or((NodeId(u32::MAX), NodeId(u32::MAX)), |(a, b)| {
                (nid(a), nid(b))
            })
    }

    fn edge_property(&self, edge: EdgeId, key: &str) -> Value {
        let Some(e) = self.graph.petgraph().edge_weight(eix(edge)) else {
            return Value::Null;
        };
        match key {
            "basis" => Value::String(e.basis.as_str().to_string()),
            _ => e.properties().get(key).map_or(Value::Null, Value::from),
        }
    }

    fn edge_properties(&self, edge: EdgeId) -> BTreeMap<String, Value> {
        let Some(e) = self.graph.petgraph().edge_weight(eix(edge)) else {
            return BTreeMap::new();
        };
        let mut map: BTreeMap<String, Value> = e
            .properties()
            .iter()
            .map(|(k, v)| (k.clone(), Value::from(v)))
            .collect();
        map.insert("basis".into(), Value::String(e.basis.as_str().to_string()));
        map
    }

    fn edge_identity(&self, edge: EdgeId) -> Value {
        let whole = self
            .edge_ids
            .map_or(Some(edge.0), |ids| ids.get(edge.0 as usize).copied());
        whole.map_or(Value::Null, |e| Value::Int(i64::from(e)))
    }

    fn expand(&self, node: NodeId, dir: Expand, out: &mut Vec<Adjacent>) {
        let g = self.graph.petgraph();
        let ix = nix(node);
        if matches!(dir, Expand::Out | Expand::Both) {
            out.extend(
                g.edges_directed(ix, petgraph::Direction::Outgoing)
                    .map(|e| Adjacent {
                        edge: EdgeId(e.id().index() as u32),
                        other: nid(e.target()),
                    }),
            );
        }
        if matches!(dir, Expand::In | Expand::Both) {
            out.extend(
                g.edges_directed(ix, petgraph::Direction::Incoming)
                    // A self-loop was listed as outgoing already.
                    .filter(|e| dir == Expand::In || e.source() != e.target())
                    .map(|e| Adjacent {
                        edge: EdgeId(e.id().index() as u32),
                        other: nid(e.source()),
                    }),
            );
        }
    }

    fn label_names(&self) -> Vec<String> {
        self.graph
            .schema()
            .kinds()
            .map(|(_, k)| k.name.clone())
            .collect()
    }

    fn type_names(&self) -> Vec<String> {
        self.graph
            .schema()
            .relations()
            .map(|(_, r)| r.name.clone())
            .collect()
    }

    fn property_keys(&self) -> Vec<String> {
        self.keys
            .get_or_init(|| {
                let mut keys: BTreeSet<String> = ["id", "name", "basis"]
                    .into_iter()
                    .map(String::from)
                    .collect();
                for (_, n) in self.graph.nodes() {
                    keys.extend(n.properties().keys().cloned());
                }
                for e in self.graph.edges() {
                    keys.extend(e.edge.properties().keys().cloned());
                }
                keys.into_iter().collect()
            })
            .clone()
    }

    fn has_property_key(&self, key: &str) -> bool {
        // Every node has an id and a name, every edge a basis: no scan needed.
        matches!(key, "id" | "name" | "basis") || self.property_keys().iter().any(|k| k == key)
    }

    fn node_keys(&self) -> Vec<String> {
        self.graph
            .nodes()
            .map(|(_, n)| String::from(&*n.id))
            .collect()
    }

    fn model(&self) -> Option<&Graph> {
        Some(self.graph)
    }
}
