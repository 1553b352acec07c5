//! Direct neighbours of a node, filtered by relation, direction and kind.

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use crate::model::{Direction, Graph, KindId, RelId};

/// Which neighbours to keep. Empty lists keep everything.
#[derive(Debug, Clone)]
pub struct NeighborFilter {
    /// Keep edges of these relations.
    pub rels: Vec<RelId>,
    /// Keep edges in this direction, seen from the node.
    pub dir: Direction,
    /// Keep neighbours of these kinds.
    pub kinds: Vec<KindId>,
}

impl Default for NeighborFilter {
    fn default() -> Self {
        Self {
            rels: Vec::new(),
            dir: Direction::Both,
            kinds: Vec::new(),
        }
    }
}

/// A neighbour and the edge that links it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Neighbor {
    /// The neighbouring node.
    pub node: NodeIndex,
    /// The edge between them.
    pub edge: EdgeIndex,
    /// The edge's relation.
    pub rel: RelId,
    /// [`Direction::Out`] when the edge starts at the asked node, else [`Direction::In`].
    pub dir: Direction,
}

/// The direct neighbours of `node` that pass `filter`.
///
/// Sorted by relation (schema order), then outgoing before incoming, then by
/// the neighbour's name and id. A self-loop appears once per direction.
///
/// # Complexity
/// O(d log d) for a node of degree d.
///
/// # Example
/// ```
/// use seccoop::analysis::{related, NeighborFilter};
/// let graph = seccoop::load::embedded().unwrap();
/// let terrorism = graph.node_index("terrorism").unwrap();
/// let filter = NeighborFilter { rels: vec![graph.schema().rel_id("addresses").unwrap()], ..Default::default() };
/// assert!(!related(&graph, terrorism, &filter).is_empty());
/// ```
pub fn related(graph: &Graph, node: NodeIndex, filter: &NeighborFilter) -> Vec<Neighbor> {
    let dirs: &[Direction] = match filter.dir {
        Direction::Out => &[Direction::Out],
        Direction::In => &[Direction::In],
        Direction::Both => &[Direction::Out, Direction::In],
    };
    let mut out: Vec<Neighbor> = dirs
        .iter()
        .flat_map(|&dir| {
            graph.edges_of(node, dir).map(move |e| Neighbor {
                node: if dir == Direction::Out { e.to } else { e.from },
                edge: e.index,
                rel: e.edge.rel,
                dir,
            })
        })
        .filter(|n| filter.rels.is_empty() || filter.rels.contains(&n.rel))
        .filter(|n| {
            filter.kinds.is_empty()
                || graph
                    .node(n.node)
                    .is_some_and(|m| filter.kinds.contains(&m.kind))
        })
        .collect();
    let key = |n: &Neighbor| {
        let node = graph.node(n.node);
        (
            n.rel,
            n.dir == Direction::In,
            node.map(|m| m.name.to_lowercase()),
            node.map(|m| m.id.clone()),
        )
    };
    out.sort_by_cached_key(key);
    out
}
