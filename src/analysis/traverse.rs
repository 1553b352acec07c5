//! Graph traversals generic over petgraph's `visit` traits: bounded
//! breadth-first reach with path counting, the shortest connection ignoring
//! direction, and every simple connection up to a length.
//!
//! Each function takes a `step` filter that says which edges may be
//! followed and in which direction, so the same code serves impact rules
//! declared in a schema, `--rel` filters, and plain undirected search.
//!
//! Indexing here cannot fail: `slot` and `on_path` have `g.node_bound()`
//! entries and are indexed by `g.to_index` of nodes of `g`; `out[i]` and
//! `out[j]` are positions this search pushed; `frontier`, `seen` and `level`
//! are pairs indexed by `side` and `other`, each 0 or 1.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

use petgraph::Direction;
use petgraph::visit::{EdgeRef, GraphBase, IntoEdgesDirected, NodeIndexable};

/// One node reached by [`reach`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach<N, E> {
    /// The node.
    pub node: N,
    /// Its distance from the start, in edges.
    pub depth: usize,
    /// How many distinct shortest chains lead to it (saturating at `u64::MAX`).
    pub chains: u64,
    /// The last steps of its shortest chains, one per edge it is reached
    /// by, in the order found; empty for the start.
    pub arrivals: Vec<Arrival<N, E>>,
}

/// The last step of some shortest chains to a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrival<N, E> {
    /// The node one step nearer the start.
    pub from: N,
    /// Where `from` is in the list [`reach`] returns.
    pub from_slot: usize,
    /// The edge walked.
    pub edge: E,
    /// The direction it was walked in.
    pub dir: Direction,
    /// How many shortest chains end with this step.
    pub chains: u64,
    /// An arrival of `from` (an index into its `arrivals`) that this step
    /// may follow; `None` when `from` is the start.
    pub after: Option<usize>,
}

impl<N: Copy, E: Copy> Reach<N, E> {
    /// The node and edge of the first shortest chain's last step; `None`
    /// for the start.
    pub fn parent(&self) -> Option<(N, E)> {
        self.arrivals.first().map(|a| (a.from, a.edge))
    }
}

/// One way a walk stands at a node: the step it arrived by (`None` at the
/// start), which of the node's arrivals that is, and how many chains end
/// with it.
type Way<E> = (Option<(E, Direction)>, Option<usize>, u64);

/// Breadth-first search from `start` up to `max_depth` edges, following an
/// edge out of a node only where `step(edge, direction, arrived_by)` allows.
///
/// `direction` is [`Direction::Outgoing`] when the walk would go from the
/// edge's source to its target, [`Direction::Incoming`] when it would go
/// against the edge. `arrived_by` is the edge (and the direction it was
/// walked) by which a shortest chain reached the node, `None` at `start`;
/// a filter can use it to forbid turning straight back along a relation.
/// `step` is asked once for each distinct last step of the node's shortest
/// chains: the edge is followed when any of them allows it, and only the
/// chains it allows count. So the answer does not depend on the order in
/// which edges are stored.
///
/// # Arguments
/// * `g`: the graph.
/// * `start`: where the walk begins.
/// * `max_depth`: the longest chain followed, in edges.
/// * `step`: whether an edge may be walked in a direction after a step.
///
/// # Returns
/// Every node reached, in breadth-first order starting with `start` (depth
/// 0), each with its depth, the last steps of its shortest chains, and the
/// number of distinct shortest chains from `start` to it. [`chain`] rebuilds
/// one chain.
///
/// # Complexity
/// O(|V| + Σ a(v)·deg(v)) time, where a(v) is the number of last steps of
/// v's shortest chains (1 on a tree), and O(|V| + |E|) space, over the part
/// of the graph reached.
///
/// # Example
/// ```
/// use petgraph::graph::DiGraph;
/// use petgraph::Direction;
/// use seccoop::analysis::traverse::{chain, reach};
///
/// let mut g = DiGraph::<(), ()>::new();
/// let (a, b, c, d) = (g.add_node(()), g.add_node(()), g.add_node(()), g.add_node(()));
/// g.extend_with_edges([(a, b), (a, c), (b, d), (c, d)]);
/// let r = reach(&g, a, 2, |_, dir, _| dir == Direction::Outgoing);
/// let at_d = r.iter().position(|x| x.node == d).unwrap();
/// assert_eq!((r[at_d].depth, r[at_d].chains), (2, 2));
/// assert_eq!(chain(&r, at_d).len(), 2);
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
        chains: 1,
        arrivals: Vec::new(),
    }];
    slot[g.to_index(start)] = Some(0);
    let mut queue = VecDeque::from([0usize]);
    while let Some(i) = queue.pop_front() {
        let (node, depth) = (out[i].node, out[i].depth);
        if depth >= max_depth {
            continue;
        }
        // Every arrival is known by now: they all come from nodes one step
        // nearer, which the queue has already taken.
        let ways: Vec<Way<G::EdgeId>> = if out[i].arrivals.is_empty() {
            vec![(None, None, out[i].chains)]
        } else {
            out[i]
                .arrivals
                .iter()
                .enumerate()
                .map(|(k, a)| (Some((a.edge, a.dir)), Some(k), a.chains))
                .collect()
        };
        for dir in [Direction::Outgoing, Direction::Incoming] {
            for e in g.edges_directed(node, dir) {
                let mut allowed = None;
                let mut chains = 0u64;
                for &(by, k, n) in &ways {
                    if step(e, dir, by) {
                        allowed.get_or_insert(k);
                        chains = chains.saturating_add(n);
                    }
                }
                let Some(after) = allowed else { continue };
                let next = if dir == Direction::Outgoing {
                    e.target()
                } else {
                    e.source()
                };
                let arrival = Arrival {
                    from: node,
                    from_slot: i,
                    edge: e.id(),
                    dir,
                    chains,
                    after,
                };
                match slot[g.to_index(next)] {
                    None => {
                        slot[g.to_index(next)] = Some(out.len());
                        queue.push_back(out.len());
                        out.push(Reach {
                            node: next,
                            depth: depth + 1,
                            chains,
                            arrivals: vec![arrival],
                        });
                    }
                    Some(j) if out[j].depth == depth + 1 => {
                        out[j].chains = out[j].chains.saturating_add(chains);
                        out[j].arrivals.push(arrival);
                    }
                    Some(_) => {}
                }
            }
        }
    }
    out
}

/// One shortest chain from the start of a [`reach`] to `reached[slot]`:
/// its edges, start side first, following each node's first arrival and
/// then the arrival that step may follow.
///
/// # Complexity
/// O(length of the chain).
pub fn chain<N, E: Copy>(reached: &[Reach<N, E>], slot: usize) -> Vec<E> {
    let mut edges = Vec::new();
    let (mut at, mut arrival) = (slot, 0usize);
    while let Some(a) = reached.get(at).and_then(|r| r.arrivals.get(arrival)) {
        edges.push(a.edge);
        at = a.from_slot;
        match a.after {
            Some(k) => arrival = k,
            None => break,
        }
    }
    edges.reverse();
    edges
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
/// Searches breadth-first from both ends at once, always widening the
/// smaller frontier by one whole level, and stops at the level where the
/// two searches meet. On a large graph where the two nodes are a few steps
/// apart this visits a small part of it, where a one-sided search would
/// visit nearly all of it.
///
/// # Returns
/// `None` when `to` cannot be reached; a path of no edges when `from == to`.
///
/// # Complexity
/// O(|V| + |E|) time and O(|V|) space in the worst case (no connection);
/// far less when the ends are close.
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
    allow: F,
) -> Option<Path<G::NodeId, G::EdgeId>>
where
    G: IntoEdgesDirected + NodeIndexable,
    G::NodeId: Copy + Eq + Hash,
    G::EdgeId: Copy,
    F: FnMut(G::EdgeRef) -> bool,
{
    shortest_path_within(g, from, to, allow, usize::MAX).unwrap_or(None)
}

/// What [`shortest_path_within`] gives when the search would have to go
/// further than its reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BeyondReach;

/// What [`shortest_path_within`] finds: a path, none, or that it cannot tell.
pub type Within<N, E> = Result<Option<Path<N, E>>, BeyondReach>;

/// [`shortest_path`], widening neither side past `reach` levels:
/// [`BeyondReach`] when it would have to widen a side whose frontier lies `reach` edges
/// from its start, else exactly what [`shortest_path`] returns.
///
/// Every node the search widens lies closer than `reach` to `from` or to
/// `to`, and the search reads only those nodes' edges, so on a part of a
/// graph that holds every edge of every node closer than `reach` to either
/// end, an `Ok` answer is the whole graph's, path for path (the
/// neighbourhoods a snapshot reads in place are such parts).
///
/// # Errors
/// [`BeyondReach`] when the two searches have not met, nor one of them run
/// out, within `reach` levels each.
///
/// # Example
/// ```
/// use petgraph::graph::DiGraph;
/// use seccoop::analysis::traverse::shortest_path_within;
///
/// let mut g = DiGraph::<(), ()>::new();
/// let n: Vec<_> = (0..5).map(|_| g.add_node(())).collect();
/// g.extend_with_edges([(n[0], n[1]), (n[1], n[2]), (n[2], n[3]), (n[3], n[4])]);
/// // Frontiers of one node each: ties widen the `from` side, so it walks
/// // three levels alone and meets the other end on the fourth.
/// assert!(shortest_path_within(&g, n[0], n[4], |_| true, 3).is_err());
/// let p = shortest_path_within(&g, n[0], n[4], |_| true, 4).unwrap().unwrap();
/// assert_eq!(p.nodes, n);
/// ```
pub fn shortest_path_within<G, F>(
    g: G,
    from: G::NodeId,
    to: G::NodeId,
    mut allow: F,
    reach: usize,
) -> Within<G::NodeId, G::EdgeId>
where
    G: IntoEdgesDirected + NodeIndexable,
    G::NodeId: Copy + Eq + Hash,
    G::EdgeId: Copy,
    F: FnMut(G::EdgeRef) -> bool,
{
    if from == to {
        return Ok(Some(Path {
            nodes: vec![from],
            edges: Vec::new(),
        }));
    }
    // For each side: every node it reached, with its distance from the
    // side's start and the node and edge it was reached by.
    type Seen<N, E> = HashMap<N, (usize, Option<(N, E)>)>;
    // Where the sides meet: (distance on the other side, node on this side,
    // edge, node on the other side).
    type Meeting<N, E> = (usize, N, E, N);
    let mut seen: [Seen<G::NodeId, G::EdgeId>; 2] = [
        HashMap::from([(from, (0, None))]),
        HashMap::from([(to, (0, None))]),
    ];
    let mut level = [0usize; 2];
    let mut frontier: [Vec<G::NodeId>; 2] = [vec![from], vec![to]];
    loop {
        // Widen the smaller frontier; an empty one means no connection.
        let side = usize::from(frontier[1].len() < frontier[0].len());
        if frontier[side].is_empty() {
            return Ok(None);
        }
        if level[side] >= reach {
            return Err(BeyondReach);
        }
        let other = 1 - side;
        let mut next = Vec::new();
        // The nearest meeting of this level.
        let mut meeting: Option<Meeting<G::NodeId, G::EdgeId>> = None;
        for &node in &frontier[side] {
            for dir in [Direction::Outgoing, Direction::Incoming] {
                for e in g.edges_directed(node, dir) {
                    if !allow(e) {
                        continue;
                    }
                    let n = if dir == Direction::Outgoing {
                        e.target()
                    } else {
                        e.source()
                    };
                    if let Some(&(d, _)) = seen[other].get(&n)
                        && meeting.is_none_or(|(best, ..)| d < best)
                    {
                        meeting = Some((d, node, e.id(), n));
                    }
                    if let std::collections::hash_map::Entry::Vacant(slot) = seen[side].entry(n) {
                        slot.insert((level[side] + 1, Some((node, e.id()))));
                        next.push(n);
                    }
                }
            }
        }
        // Widening a whole level before looking lets the nearest meeting of
        // the level win: that is a shortest connection.
        if let Some((_, here, edge, there)) = meeting {
            let walk = |start: G::NodeId, map: &Seen<G::NodeId, G::EdgeId>| {
                let (mut nodes, mut edges) = (vec![start], Vec::new());
                let mut at = start;
                while let Some(&(_, Some((prev, e)))) = map.get(&at) {
                    nodes.push(prev);
                    edges.push(e);
                    at = prev;
                }
                (nodes, edges)
            };
            // `here` leads back to this side's start, `there` to the other's.
            let (mut back_nodes, mut back_edges) = walk(here, &seen[side]);
            back_nodes.reverse();
            back_edges.reverse();
            let (fwd_nodes, fwd_edges) = walk(there, &seen[other]);
            back_edges.push(edge);
            back_nodes.extend(fwd_nodes);
            back_edges.extend(fwd_edges);
            if side == 1 {
                back_nodes.reverse();
                back_edges.reverse();
            }
            return Ok(Some(Path {
                nodes: back_nodes,
                edges: back_edges,
            }));
        }
        frontier[side] = next;
        level[side] += 1;
    }
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
/// The search lists the paths of one edge, then of two, and so on, so the
/// paths come shortest first and, when `max_paths` or `max_steps` cuts the
/// search short, the paths missing are never shorter than a path listed.
///
/// # Complexity
/// Exponential in `max_hops` in the worst case; bounded by
/// `limits.max_steps` edge visits in all.
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
    let mut steps = 0usize;
    // Rounds of growing length: round `len` lists the paths of exactly `len`
    // edges. Searching depth first in one round would spend the budget on
    // long detours in a dense graph and miss the direct edge; this way, when
    // a limit cuts the search short, every shorter path is already listed.
    // Each round repeats the shallower ones, which costs at most as much
    // again when nodes have two or more neighbours.
    // The step lists of frames left, to fill again.
    let mut spare: Vec<Steps<G>> = Vec::new();
    'rounds: for len in 1..=limits.max_hops {
        // Whether some path was stopped at `len` edges: if none was, longer
        // rounds would find nothing new.
        let mut cut = false;
        let mut nodes = vec![from];
        let mut edges: Vec<G::EdgeId> = Vec::new();
        // Each frame holds the steps out of one node of the path and how
        // many of them were taken.
        let first = neighbours(g, from, &mut allow, spare.pop().unwrap_or_default());
        let mut stack: Vec<(Steps<G>, usize)> = vec![(first, 0)];
        while let Some((steps_out, taken)) = stack.last_mut() {
            let Some(&(next, e)) = steps_out.get(*taken) else {
                spare.extend(stack.pop().map(|(list, _)| list));
                // The start stays on the path for the next round.
                if let [_, .., n] = nodes[..] {
                    on_path[g.to_index(n)] = false;
                    nodes.pop();
                }
                edges.pop();
                continue;
            };
            *taken += 1;
            steps += 1;
            if steps > limits.max_steps {
                out.truncated = true;
                break 'rounds;
            }
            if on_path[g.to_index(next)] {
                continue;
            }
            if next == to {
                if edges.len() + 1 == len {
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
                        break 'rounds;
                    }
                }
                continue;
            }
            if edges.len() + 1 < len {
                on_path[g.to_index(next)] = true;
                nodes.push(next);
                edges.push(e);
                let list = neighbours(g, next, &mut allow, spare.pop().unwrap_or_default());
                stack.push((list, 0));
            } else {
                cut = true;
            }
        }
        if !cut {
            break;
        }
    }
    out
}

/// Steps out of a node: the node each leads to and the edge it follows.
type Steps<G> = Vec<(<G as GraphBase>::NodeId, <G as GraphBase>::EdgeId)>;

/// The allowed steps out of a node, outgoing edges first, in `v` (emptied
/// first, so that a search reuses the lists of the frames it leaves).
fn neighbours<G, F>(g: G, node: G::NodeId, allow: &mut F, mut v: Steps<G>) -> Steps<G>
where
    G: IntoEdgesDirected,
    F: FnMut(G::EdgeRef) -> bool,
{
    v.clear();
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
    v
}
