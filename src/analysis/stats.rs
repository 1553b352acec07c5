//! Counts by kind and relation, and rankings along the relations the schema
//! marks `rank = true` (threats by the activities that address them,
//! challenges by the activities they hinder).

use petgraph::stable_graph::NodeIndex;

use crate::model::{Basis, Direction, Graph, KindId, RelId};

/// A node and how many distinct nodes reach it through a relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ranked {
    /// The node.
    pub node: NodeIndex,
    /// How many distinct nodes link to it.
    pub count: usize,
}

/// Summary figures of a graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    /// Nodes per kind, in schema order (kinds with no nodes included).
    pub kinds: Vec<(KindId, usize)>,
    /// Edges per relation, in schema order: total, stated, inferred, derived.
    pub relations: Vec<(RelId, usize, usize, usize, usize)>,
    /// One ranking per relation marked `rank = true`, in schema order.
    pub rankings: Vec<Ranking>,
}

/// The `to` nodes of a relation by how many distinct `from` nodes reach
/// them through it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    /// The relation.
    pub rel: RelId,
    /// Every node of its `to` kinds, most reached first, ties by name.
    pub nodes: Vec<Ranked>,
}

/// Counts a graph's nodes and edges and ranks the `to` nodes of each
/// relation marked `rank = true`.
///
/// # Complexity
/// O(n log n + e).
///
/// # Example
/// ```
/// let graph = seccoop::load::embedded().unwrap();
/// let stats = seccoop::analysis::stats(&graph);
/// let total: usize = stats.kinds.iter().map(|(_, n)| n).sum();
/// assert_eq!(total, graph.node_count());
/// ```
pub fn stats(graph: &Graph) -> Stats {
    let schema = graph.schema();
    let mut kinds: Vec<(KindId, usize)> = schema.kinds().map(|(k, _)| (k, 0)).collect();
    // Indexing cannot fail: every node's kind and every edge's relation
    // was interned in this schema, whose ids are positions in these lists.
    for (_, node) in graph.nodes() {
        kinds[usize::from(node.kind.0)].1 += 1;
    }
    let mut relations: Vec<(RelId, usize, usize, usize, usize)> =
        schema.relations().map(|(r, _)| (r, 0, 0, 0, 0)).collect();
    for e in graph.edges() {
        let row = &mut relations[usize::from(e.edge.rel.0)];
        row.1 += 1;
        match e.edge.basis {
            Basis::Stated => row.2 += 1,
            Basis::Inferred => row.3 += 1,
            Basis::Derived => row.4 += 1,
        }
    }
    let rankings = schema
        .relations()
        .filter(|(_, r)| r.roles.rank)
        .map(|(rel, _)| Ranking {
            rel,
            nodes: rank_by_incoming(graph, rel),
        })
        .collect();
    Stats {
        kinds,
        relations,
        rankings,
    }
}

/// The nodes of `rel`'s `to` kinds ranked by how many distinct nodes reach
/// them through `rel`.
fn rank_by_incoming(graph: &Graph, rel: RelId) -> Vec<Ranked> {
    use petgraph::visit::NodeIndexable as _;
    let kinds = &graph.schema().relation(rel).to;
    let mut counts = vec![0usize; graph.petgraph().node_bound()];
    let none = std::collections::HashSet::new();
    for (to, _) in super::neighbors::linked_pairs(graph, &[rel], Direction::In, &none) {
        if let Some(c) = counts.get_mut(to.index()) {
            *c += 1;
        }
    }
    let mut ranked: Vec<Ranked> = graph
        .nodes()
        .filter(|(_, n)| kinds.contains(&n.kind))
        .map(|(ix, _)| Ranked {
            node: ix,
            count: counts.get(ix.index()).copied().unwrap_or(0),
        })
        .collect();
    ranked.sort_by_cached_key(|r| {
        (
            std::cmp::Reverse(r.count),
            graph.node(r.node).map(|n| n.name.to_lowercase()),
        )
    });
    ranked
}
