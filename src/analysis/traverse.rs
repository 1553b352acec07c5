//! Graph traversals generic over petgraph's `visit` traits: bounded
//! breadth-first reach with path counting, the shortest connection ignoring
//! direction, and every simple connection up to a length.
//!
//! Each function takes a `step` filter that says which edges may be
//! followed and in which direction, so the same code serves impact rules
//! declared in a schema, `--rel` filters, and plain undirected search.

use std::collections::VecDeque;
use std::hash::Hash;

use petgraph::Direction;
use petgraph::visit::{EdgeRef, IntoEdgesDirected, NodeIndexable};

/// One node reached by [`reach`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach<N, E> {
    /// The node.
    pub node: N,
    /// Its distance from the start, in edges.
    pub depth: usize,
    /// The node it was first reached from and the edge taken, `None` for the start.
    pub parent: Option<(N, E)>,
    /// How many distinct shortest chains lead to it (saturating at `u64::MAX`).
    pub chains: u64,
    /// The other nodes and edges it is reached from on shortest chains
    /// (besides `parent`).
    pub also: Vec<(N, E)>,
}

/// Breadth-first search from `start` up to `max_depth` edges, following an
/// edge out of a node only where `step(edge, direction, arrived_by)` allows.
///
/// `direction` is [`Direction::Outgoing`] when the walk would go from the
/// edge's source to its target, [`Direction::Incoming`] when it would go
/// against the edge. `arrived_by` is the edge (and the direction it was
/// walked) by which the walk first reached the node, `None` at `start`; a
/// filter can use it to forbid turning straight back along a relation.
///
/// # Arguments
/// * `g`: the graph.
/// * `start`: where the walk begins.
/// * `max_depth`: the longest chain followed, in edges.
/// * `step`: whether an edge may be walked in a direction.
///
/// # Returns
/// Every node reached, in breadth-first order starting with `start` (depth
/// 0), each with its depth, the edge it was first reached by, and the number
/// of distinct shortest chains from `start` to it.
///
/// # Complexity
/// O(|V| + |E|) time and O(|V|) space, over the part of the graph reached.
///
/// # Example
/// ```
/// use petgraph::graph::DiGraph;
/// use petgraph::Direction;
/// use seccoop::analysis::traverse::reach;
///
/// let mut g = DiGraph::<(), ()>::new();
/// let (a, b, c, d) = (g.add_node(()), g.add_node(()), g.add_node(()), g.add_node(()));
/// g.extend_with_edges([(a, b), (a, c), (b, d), (c, d)]);
/// let r = reach(&g, a, 2, |_, dir, _| dir == Direction::Outgoing);
/// let at_d = r.iter().find(|x| x.node == d).unwrap();
/// assert_eq!((at_d.depth, at_d.chains), (2, 2));
/// ```
pub fn reach<G, F>(
    g: G,
    start: G::NodeId,
    max_depth: usize,
    mut step: F,
) -> Vec<Reach<G::NodeId, G::EdgeId>>
where
    G: IntoEdgesDirected + NodeIndexable,
    G::NodeId: Copy + Eq + Hash,
    G::EdgeId: Copy,
    F: FnMut(G::EdgeRef, Direction, Option<(G::EdgeId, Direction)>) -> bool,
{
    // Slot of each reached node in `out`, indexed by node index.
    let mut slot: Vec<Option<usize>> = vec![None; g.node_bound()];
    let mut out = vec![Reach {
        node: start,
        depth: 0,
        parent: None,
        chains: 1,
        also: Vec::new(),
    }];
    // The direction each reached node's parent edge was walked in.
    let mut arrived: Vec<Option<(G::EdgeId, Direction)>> = vec![None];
    slot[g.to_index(start)] = Some(0);
    let mut queue = VecDeque::from([0usize]);
    while let Some(i) = queue.pop_front() {
        let (node, depth, chains) = (out[i].node, out[i].depth, out[i].chains);
        if depth >= max_depth {
            continue;
        }
        let by = arrived[i];
        for dir in [Direction::Outgoing, Direction::Incoming] {
            for e in g.edges_directed(node, dir) {
                if !step(e, dir, by) {
                    continue;
                }
                let next = if dir == Direction::Outgoing {
                    e.target()
                } else {
                    e.source()
                };
                match slot[g.to_index(next)] {
                    None => {
                        slot[g.to_index(next)] = Some(out.len());
                        queue.push_back(out.len());
                        arrived.push(Some((e.id(), dir)));
                        out.push(Reach {
                            node: next,
                            depth: depth + 1,
                            parent: Some((node, e.id())),
                            chains,
                            also: Vec::new(),
                        });
                    }
                    Some(j) if out[j].depth == depth + 1 => {
                        out[j].chains = out[j].chains.saturating_add(chains);
                        out[j].also.push((node, e.id()));
                    }
                    Some(_) => {}
                }
            }
        }
    }
    out
}

/// A walk through a graph: its nodes and the edges between them
/// (`edges[i]` joins `nodes[i]` and `nodes[i + 1]`, in either direction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path<N, E> {
    /// The nodes, from start to end.
    pub nodes: Vec<N>,
    /// The edges, one fewer than the nodes.
    pub edges: Vec<E>,
}

/// A shortest connection from `from` to `to`, following edges in either
/// direction where `allow(edge)` holds.
///
/// # Returns
/// `None` when `to` cannot be reached; a path of no edges when `from == to`.
///
/// # Complexity
/// O(|V| + |E|) time, O(|V|) space.
///
/// # Example
/// ```
/// use petgraph::graph::DiGraph;
/// use seccoop::analysis::traverse::shortest_path;
///
/// let mut g = DiGraph::<(), ()>::new();
/// let (a, b, c) = (g.add_node(()), g.add_node(()), g.add_node(()));
/// g.extend_with_edges([(a, b), (c, b)]);
/// let p = shortest_path(&g, a, c, |_| true).unwrap();
/// assert_eq!(p.nodes, [a, b, c]);
/// ```
pub fn shortest_path<G, F>(
    g: G,
    from: G::NodeId,
    to: G::NodeId,
    mut allow: F,
) -> Option<Path<G::NodeId, G::EdgeId>>
where
    G: IntoEdgesDirected + NodeIndexable,
    G::NodeId: Copy + Eq + Hash,
    F: FnMut(G::EdgeRef) -> bool,
{
    let mut parent: Vec<Option<(G::NodeId, G::EdgeId)>> = vec![None; g.node_bound()];
    let mut seen = vec![false; g.node_bound()];
    seen[g.to_index(from)] = true;
    let mut queue = VecDeque::from([from]);
    let mut found = from == to;
    'search: while let Some(node) = queue.pop_front() {
        for dir in [Direction::Outgoing, Direction::Incoming] {
            for e in g.edges_directed(node, dir) {
                if !allow(e) {
                    continue;
                }
                let next = if dir == Direction::Outgoing {
                    e.target()
                } else {
                    e.source()
                };
                if seen[g.to_index(next)] {
                    continue;
                }
                seen[g.to_index(next)] = true;
                parent[g.to_index(next)] = Some((node, e.id()));
                if next == to {
                    found = true;
                    break 'search;
                }
                queue.push_back(next);
            }
        }
    }
    if !found {
        return None;
    }
    let mut nodes = vec![to];
    let mut edges = Vec::new();
    let mut at = to;
    while let Some((prev, e)) = parent[g.to_index(at)] {
        nodes.push(prev);
        edges.push(e);
        at = prev;
    }
    nodes.reverse();
    edges.reverse();
    Some(Path { nodes, edges })
}

/// Limits on [`simple_paths`], so a dense graph cannot make it run forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathLimits {
    /// The longest path, in edges.
    pub max_hops: usize,
    /// Stop after this many paths.
    pub max_paths: usize,
    /// Stop after following this many edges in all.
    pub max_steps: usize,
}

/// The paths [`simple_paths`] found, and whether a limit cut the search short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimplePaths<N, E> {
    /// The paths, shortest first, then in discovery order.
    pub paths: Vec<Path<N, E>>,
    /// True when `max_paths` or `max_steps` stopped the search (paths up to
    /// `max_hops` may be missing).
    pub truncated: bool,
}

/// Every simple path (no repeated node) from `from` to `to` of at most
/// `limits.max_hops` edges, following edges in either direction where
/// `allow(edge)` holds. Parallel edges give distinct paths.
///
/// # Complexity
/// Exponential in `max_hops` in the worst case; bounded by
/// `limits.max_steps` edge visits.
///
/// # Example
/// ```
/// use petgraph::graph::DiGraph;
/// use seccoop::analysis::traverse::{simple_paths, PathLimits};
///
/// let mut g = DiGraph::<(), ()>::new();
/// let (a, b, c, d) = (g.add_node(()), g.add_node(()), g.add_node(()), g.add_node(()));
/// g.extend_with_edges([(a, b), (b, d), (a, c), (d, c)]);
/// let limits = PathLimits { max_hops: 4, max_paths: 100, max_steps: 10_000 };
/// let found = simple_paths(&g, a, d, limits, |_| true);
/// assert_eq!(found.paths.len(), 2);
/// assert!(!found.truncated);
/// ```
pub fn simple_paths<G, F>(
    g: G,
    from: G::NodeId,
    to: G::NodeId,
    limits: PathLimits,
    mut allow: F,
) -> SimplePaths<G::NodeId, G::EdgeId>
where
    G: IntoEdgesDirected + NodeIndexable,
    G::NodeId: Copy + Eq + Hash,
    G::EdgeId: Copy,
    F: FnMut(G::EdgeRef) -> bool,
{
    let mut out = SimplePaths {
        paths: Vec::new(),
        truncated: false,
    };
    if from == to {
        out.paths.push(Path {
            nodes: vec![from],
            edges: Vec::new(),
        });
        return out;
    }
    let mut on_path = vec![false; g.node_bound()];
    on_path[g.to_index(from)] = true;
    let mut nodes = vec![from];
    let mut edges: Vec<G::EdgeId> = Vec::new();
    let mut steps = 0usize;
    // Each frame holds the unexplored steps out of one node of the path.
    let mut stack: Vec<std::vec::IntoIter<(G::NodeId, G::EdgeId)>> =
        vec![neighbours(g, from, &mut allow)];
    while let Some(frame) = stack.last_mut() {
        let Some((next, e)) = frame.next() else {
            stack.pop();
            if let Some(n) = nodes.pop() {
                on_path[g.to_index(n)] = false;
            }
            edges.pop();
            continue;
        };
        steps += 1;
        if steps > limits.max_steps {
            out.truncated = true;
            break;
        }
        if on_path[g.to_index(next)] {
            continue;
        }
        if next == to {
            let mut p_nodes = nodes.clone();
            p_nodes.push(next);
            let mut p_edges = edges.clone();
            p_edges.push(e);
            out.paths.push(Path {
                nodes: p_nodes,
                edges: p_edges,
            });
            if out.paths.len() >= limits.max_paths {
                out.truncated = true;
                break;
            }
            continue;
        }
        if edges.len() + 1 < limits.max_hops {
            on_path[g.to_index(next)] = true;
            nodes.push(next);
            edges.push(e);
            stack.push(neighbours(g, next, &mut allow));
        }
    }
    out.paths.sort_by_key(|p| p.edges.len());
    out
}

/// The allowed steps out of a node, outgoing edges first.
fn neighbours<G, F>(
    g: G,
    node: G::NodeId,
    allow: &mut F,
) -> std::vec::IntoIter<(G::NodeId, G::EdgeId)>
where
    G: IntoEdgesDirected,
    F: FnMut(G::EdgeRef) -> bool,
{
    let mut v = Vec::new();
    for dir in [Direction::Outgoing, Direction::Incoming] {
        for e in g.edges_directed(node, dir) {
            if allow(e) {
                let next = if dir == Direction::Outgoing {
                    e.target()
                } else {
                    e.source()
                };
                v.push((next, e.id()));
            }
        }
    }
    v.into_iter()
}
