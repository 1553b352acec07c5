//! How two nodes are connected: the shortest connection, or every simple
//! one up to a length, following edges in either direction.

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use crate::model::{Graph, RelId};

use super::traverse::{Path, PathLimits, shortest_path, shortest_path_within, simple_paths};

/// The default `--max-hops` of `path --all`.
pub const DEFAULT_MAX_HOPS: usize = 4;
/// The largest `--max-hops` accepted; longer requests are cut to it.
pub const MAX_HOPS: usize = 8;
/// `path --all` stops after this many paths.
pub const MAX_PATHS: usize = 1_000;
/// `path --all` stops after following this many edges.
pub const MAX_STEPS: usize = 2_000_000;

/// What to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathQuery {
    /// Follow only these relations (all when empty).
    pub rels: Vec<RelId>,
    /// Every simple path up to `max_hops`, not just one shortest.
    pub all: bool,
    /// The longest path `all` looks for, in edges.
    pub max_hops: usize,
}

impl Default for PathQuery {
    fn default() -> Self {
        Self {
            rels: Vec::new(),
            all: false,
            max_hops: DEFAULT_MAX_HOPS,
        }
    }
}

/// The paths found, and what cut the search short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// The paths, shortest first.
    pub paths: Vec<Path<NodeIndex, EdgeIndex>>,
    /// A bound ([`MAX_PATHS`] or [`MAX_STEPS`]) stopped `all` early.
    pub truncated: bool,
    /// `max_hops` was above [`MAX_HOPS`] and was lowered to it.
    pub hops_capped: bool,
}

/// [`connections`], answered from `graph` only when `graph` need hold no
/// more than every edge of every node closer than `reach` edges to `from`
/// or `to` for the answer to be the same as on a graph it is part of:
/// `None` when the search would have to look further.
///
/// With `all`, the search walks from `from` and follows the edges of nodes
/// fewer than `max_hops` edges from it, so it needs `max_hops <= reach`
/// (its budget of [`MAX_STEPS`] edge visits then counts the same visits);
/// without, see [`shortest_path_within`].
///
/// # Complexity
/// As [`connections`].
pub fn connections_within(
    graph: &Graph,
    from: NodeIndex,
    to: NodeIndex,
    query: &PathQuery,
    reach: usize,
) -> Option<Connection> {
    if query.all {
        return (query.max_hops.min(MAX_HOPS) <= reach)
            .then(|| connections(graph, from, to, query));
    }
    let g = graph.petgraph();
    let allow = follows(query);
    let found = shortest_path_within(g, from, to, allow, reach).ok()?;
    Some(Connection {
        paths: found.into_iter().collect(),
        truncated: false,
        hops_capped: false,
    })
}

/// Whether a search for `query` follows an edge: one of its relations.
fn follows(
    query: &PathQuery,
) -> impl Fn(petgraph::stable_graph::EdgeReference<'_, crate::model::Edge>) -> bool + '_ {
    |e| query.rels.is_empty() || query.rels.contains(&e.weight().rel)
}

/// Connections from `from` to `to`.
///
/// Without `all`: one shortest path (no length limit), or none. With `all`:
/// every simple path of at most `max_hops` edges (capped at [`MAX_HOPS`]),
/// within [`MAX_PATHS`] paths and [`MAX_STEPS`] edge visits.
///
/// # Complexity
/// O(|V| + |E|) for the shortest path; bounded by [`MAX_STEPS`] for `all`.
///
/// # Example
/// ```
/// use seccoop::analysis::{connections, PathQuery};
/// let graph = seccoop::load::embedded().unwrap();
/// let a = graph.node_index("resource-constraints").unwrap();
/// let b = graph.node_index("terrorism").unwrap();
/// let found = connections(&graph, a, b, &PathQuery::default());
/// assert_eq!(found.paths.len(), 1);
/// ```
pub fn connections(graph: &Graph, from: NodeIndex, to: NodeIndex, query: &PathQuery) -> Connection {
    let g = graph.petgraph();
    let allow = follows(query);
    if !query.all {
        return Connection {
            paths: shortest_path(g, from, to, allow).into_iter().collect(),
            truncated: false,
            hops_capped: false,
        };
    }
    let limits = PathLimits {
        max_hops: query.max_hops.min(MAX_HOPS),
        max_paths: MAX_PATHS,
        max_steps: MAX_STEPS,
    };
    let found = simple_paths(g, from, to, limits, allow);
    Connection {
        paths: found.paths,
        truncated: found.truncated,
        hops_capped: query.max_hops > MAX_HOPS,
    }
}
