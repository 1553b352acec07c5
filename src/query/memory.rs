//! An in-memory property graph: nodes with any number of labels, and
//! nodes and relationships with any properties.
//!
//! seccoop's own graph has one kind per node and a schema; openCypher's
//! model is looser. `CREATE` builds this graph, and the TCK runs on it, so
//! the engine is checked against the full model while seccoop's graph stays
//! read-only.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::graph::{Adjacent, Expand, LabelId, QueryGraph, TypeId};
use super::procedures::Procedure;
use super::value::{EdgeId, NodeId, Value};

#[derive(Debug, Clone, Default)]
struct MemNode {
    labels: BTreeSet<u32>,
    props: BTreeMap<String, Value>,
    out: Vec<EdgeId>,
    inc: Vec<EdgeId>,
}

#[derive(Debug, Clone)]
struct MemEdge {
    rel_type: u32,
    from: NodeId,
    to: NodeId,
    props: BTreeMap<String, Value>,
}

/// A property graph held in memory, built by `CREATE`.
#[derive(Debug, Clone, Default)]
pub struct MemoryGraph {
    nodes: Vec<MemNode>,
    edges: Vec<MemEdge>,
    labels: Vec<String>,
    label_ids: HashMap<String, u32>,
    types: Vec<String>,
    type_ids: HashMap<String, u32>,
    procedures: Vec<Procedure>,
}

fn intern(names: &mut Vec<String>, ids: &mut HashMap<String, u32>, name: &str) -> u32 {
    if let Some(&id) = ids.get(name) {
        return id;
    }
    let id = names.len() as u32;
    names.push(name.to_string());
    ids.insert(name.to_string(), id);
    id
}

impl MemoryGraph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a node with labels and properties; `null` properties are left out.
    pub fn add_node(&mut self, labels: &[String], props: BTreeMap<String, Value>) -> NodeId {
        let labels = labels
            .iter()
            .map(|l| intern(&mut self.labels, &mut self.label_ids, l))
            .collect();
        let id = NodeId(self.nodes.len() as u32);
        self.nodes.push(MemNode {
            labels,
            props: props.into_iter().filter(|(_, v)| !v.is_null()).collect(),
            out: Vec::new(),
            inc: Vec::new(),
        });
        id
    }

    /// Adds a relationship; `null` properties are left out.
    pub fn add_edge(
        &mut self,
        from: NodeId,
        to: NodeId,
        rel_type: &str,
        props: BTreeMap<String, Value>,
    ) -> EdgeId {
        let rel_type = intern(&mut self.types, &mut self.type_ids, rel_type);
        let id = EdgeId(self.edges.len() as u32);
        self.edges.push(MemEdge {
            rel_type,
            from,
            to,
            props: props.into_iter().filter(|(_, v)| !v.is_null()).collect(),
        });
        if let Some(n) = self.nodes.get_mut(from.0 as usize) {
            n.out.push(id);
        }
        if let Some(n) = self.nodes.get_mut(to.0 as usize) {
            n.inc.push(id);
        }
        id
    }

    /// The number of relationships.
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    fn node(&self, n: NodeId) -> Option<&MemNode> {
        self.nodes.get(n.0 as usize)
    }

    /// Adds a procedure queries over this graph may call (one of the same
    /// name as a built-in one takes its place).
    pub fn add_procedure(&mut self, procedure: Procedure) {
        self.procedures.retain(|p| p.name != procedure.name);
        self.procedures.push(procedure);
    }

    fn edge(&self, e: EdgeId) -> Option<&MemEdge> {
        self.edges.get(e.0 as usize)
    }
}

impl QueryGraph for MemoryGraph {
    fn procedures(&self) -> &[Procedure] {
        &self.procedures
    }

    fn nodes(&self) -> Vec<NodeId> {
        (0..self.nodes.len() as u32).map(NodeId).collect()
    }

    fn node_count(&self) -> usize {
        self.nodes.len()
    }

    fn label(&self, name: &str) -> Option<LabelId> {
        self.label_ids.get(name).map(|&l| LabelId(l))
    }

    fn nodes_with_label(&self, label: LabelId) -> Vec<NodeId> {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.labels.contains(&label.0))
            .map(|(i, _)| NodeId(i as u32))
            .collect()
    }

    fn label_count(&self, label: LabelId) -> usize {
        self.nodes
            .iter()
            .filter(|n| n.labels.contains(&label.0))
            .count()
    }

    fn node_by_property(&self, _key: &str, _value: &Value) -> Option<Option<NodeId>> {
        None
    }

    fn has_label(&self, node: NodeId, label: LabelId) -> bool {
        self.node(node).is_some_and(|n| n.labels.contains(&label.0))
    }

    fn labels(&self, node: NodeId) -> Vec<String> {
        self.node(node)
            .map(|n| {
                n.labels
                    .iter()
                    .filter_map(|&l| self.labels.get(l as usize).cloned())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn node_property(&self, node: NodeId, key: &str) -> Value {
        self.node(node)
            .and_then(|n| n.props.get(key).cloned())
            .unwrap_or(Value::Null)
    }

    fn node_properties(&self, node: NodeId) -> BTreeMap<String, Value> {
        self.node(node).map(|n| n.props.clone()).unwrap_or_default()
    }

    fn node_identity(&self, node: NodeId) -> Value {
        Value::Int(i64::from(node.0))
    }

    fn rel_type(&self, name: &str) -> Option<TypeId> {
        self.type_ids.get(name).map(|&t| TypeId(t))
    }

    fn type_of(&self, edge: EdgeId) -> TypeId {
        self.edge(edge)
            .map_or(TypeId(u32::MAX), |e| TypeId(e.rel_type))
    }

    fn type_name(&self, edge: EdgeId) -> String {
        self.edge(edge)
            .and_then(|e| self.types.get(e.rel_type as usize).cloned())
            .unwrap_or_default()
    }

    fn endpoints(&self, edge: EdgeId) -> (NodeId, NodeId) {
        self.edge(edge)
            .map_or((NodeId(u32::MAX), NodeId(u32::MAX)), |e| (e.from, e.to))
    }

    fn edge_property(&self, edge: EdgeId, key: &str) -> Value {
        self.edge(edge)
            .and_then(|e| e.props.get(key).cloned())
            .unwrap_or(Value::Null)
    }

    fn edge_properties(&self, edge: EdgeId) -> BTreeMap<String, Value> {
        self.edge(edge).map(|e| e.props.clone()).unwrap_or_default()
    }

    fn edge_identity(&self, edge: EdgeId) -> Value {
        Value::Int(i64::from(edge.0))
    }

    fn expand(&self, node: NodeId, dir: Expand, out: &mut Vec<Adjacent>) {
        let Some(n) = self.node(node) else { return };
        if matches!(dir, Expand::Out | Expand::Both) {
            for &e in &n.out {
                if let Some(edge) = self.edge(e) {
                    out.push(Adjacent {
                        edge: e,
                        other: edge.to,
                    });
                }
            }
        }
        if matches!(dir, Expand::In | Expand::Both) {
            for &e in &n.inc {
                if let Some(edge) = self.edge(e) {
                    // A self-loop was listed as outgoing already.
                    if dir == Expand::Both && edge.from == edge.to {
                        continue;
                    }
                    out.push(Adjacent {
                        edge: e,
                        other: edge.from,
                    });
                }
            }
        }
    }

    fn label_names(&self) -> Vec<String> {
        self.labels.clone()
    }

    fn type_names(&self) -> Vec<String> {
        self.types.clone()
    }

    fn property_keys(&self) -> Vec<String> {
        let mut keys = BTreeSet::new();
        for n in &self.nodes {
            keys.extend(n.props.keys().cloned());
        }
        for e in &self.edges {
            keys.extend(e.props.keys().cloned());
        }
        keys.into_iter().collect()
    }
}
