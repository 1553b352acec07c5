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

/// Every pair (node, other) joined by an edge of one of `rels`, the node
/// at the end `dir` names (the edge's `to` for [`Direction::In`], its
/// `from` otherwise), the other end not in `removed`: sorted, without
/// repeats, so each node's others are together and in index order.
///
/// One pass over the edges in the order they are stored, then a sort,
/// rather than a walk of each node's own edges: those lists thread through
/// the edge table at random, and at a million nodes such walks took over a
/// second, nearly all of it waiting on memory. Each pair is sorted as one
/// word, the node's index above the other's (indices are 32-bit).
pub(crate) fn linked_pairs(
    graph: &Graph,
    rels: &[RelId],
    dir: Direction,
    removed: &std::collections::HashSet<NodeIndex>,
) -> Vec<(NodeIndex, NodeIndex)> {
    let mut words: Vec<u64> = graph
        .edges()
        .filter(|e| rels.contains(&e.edge.rel))
        .map(|e| {
            if dir == Direction::In {
                (e.to, e.from)
            } else {
                (e.from, e.to)
            }
        })
        .filter(|(_, other)| !removed.contains(other))
        .map(|(node, other)| (node.index() as u64) << 32 | other.index() as u64)
        .collect();
    words.sort_unstable();
    words.dedup();
    let index = |w: u64| NodeIndex::new((w & 0xffff_ffff) as usize);
    words
        .into_iter()
        .map(|w| (index(w >> 32), index(w)))
        .collect()
}
