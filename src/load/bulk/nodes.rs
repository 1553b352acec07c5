//! Adding the nodes of bulk rows to the graph, remembering where each came
//! from so a duplicate can name the first definition.

use std::collections::HashSet;

use petgraph::stable_graph::NodeIndex;

use crate::load::error::LoadErrorKind as K;
use crate::model::{Graph, GraphError, KindId, Node};

use super::problems::{Part, Problems, RowError};
use super::values::Names;

/// Adds nodes to the graph, remembering where each came from so a
/// duplicate can name the first definition.
pub(crate) struct NodeSink<'g> {
    /// The graph being built.
    pub graph: &'g mut Graph,
    /// The schema's kinds.
    pub kinds: Names<KindId>,
    /// Byte offset of each node's row, by node index.
    rows: Vec<u64>,
    /// The first node index of each file, with the file: node indices are
    /// handed out in file order.
    starts: Vec<(usize, usize)>,
    /// Ids of rows rejected for other problems: an edge to one is not
    /// reported again as dangling.
    pub rejected: HashSet<String>,
    /// The kind of each node, by node index: the edge checks read it
    /// without touching the graph.
    pub node_kinds: Vec<KindId>,
}

impl<'g> NodeSink<'g> {
    /// A sink adding to `graph`.
    pub fn new(graph: &'g mut Graph) -> Self {
        let kinds = Names::kinds(graph.schema());
        NodeSink {
            graph,
            kinds,
            rows: Vec::new(),
            starts: Vec::new(),
            rejected: HashSet::new(),
            node_kinds: Vec::new(),
        }
    }

    /// Adds a checked node read from the row at `at` of `file`; a duplicate
    /// id is reported at `id_part`.
    pub fn add(
        &mut self,
        node: Node,
        file: usize,
        at: u64,
        id_part: Part,
        problems: &mut Problems,
    ) {
        let kind = node.kind;
        match self.graph.add_node(node) {
            Ok(ix) => {
                self.node_kinds.push(kind);
                if self.starts.last().is_none_or(|&(_, f)| f != file) {
                    self.starts.push((ix.index(), file));
                }
                self.rows.push(at);
            }
            Err(GraphError::DuplicateId(id)) => {
                let first = self.graph.node_index(&id).map(|ix| self.origin(ix));
                problems.duplicate(RowError {
                    file,
                    at,
                    part: id_part,
                    kind: K::DuplicateId { id, first: None },
                    first,
                });
            }
        }
    }

    /// The file and row offset a node was read from.
    fn origin(&self, ix: NodeIndex) -> (usize, u64) {
        let i = ix.index();
        let file = match self.starts.binary_search_by_key(&i, |&(start, _)| start) {
            Ok(k) => self.starts[k].1,
            Err(0) => 0,
            Err(k) => self.starts[k - 1].1,
        };
        (file, self.rows.get(i).copied().unwrap_or(0))
    }

    /// Reserves room for about `n` more nodes.
    pub fn reserve(&mut self, n: usize) {
        self.graph.reserve(n, 0);
        self.rows.reserve(n);
        self.node_kinds.reserve(n);
    }
}
