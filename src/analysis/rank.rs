//! Which nodes matter most: degree, betweenness, PageRank, and
//! irreplaceability (the threats only one activity addresses).
//!
//! # The graph the centralities see
//! Degree, betweenness and PageRank read a *simple directed view* of the
//! graph: every node, and one edge `u → v` whenever at least one edge of
//! any relation runs from `u` to `v`; parallel edges count once and loops
//! are dropped. It is what NetworkX builds with `nx.DiGraph(edges)` after
//! `remove_edges_from(nx.selfloop_edges(G))`, and the tests compare with
//! exactly that (`tests/python/centrality.py`).
//!
//! * **Degree**: in-degree plus out-degree in the view (NetworkX's
//!   `G.degree`), a count.
//! * **Betweenness**: Brandes' algorithm from `rustworkx-core` (built on
//!   petgraph), directed, normalised by `1 / ((n − 1)(n − 2))`, endpoints
//!   not counted: NetworkX's `betweenness_centrality(G)` defaults.
//! * **PageRank**: power iteration with damping 0.85, dangling nodes
//!   spreading their rank evenly, iterated until the L1 change is below
//!   `n · 1e-13`: NetworkX's `pagerank(G)` with a tighter tolerance. It is
//!   written here rather than taken from petgraph: `petgraph::algo::page_rank`
//!   costs O(iterations · |V|² · |E|), and its update leaves out the random
//!   jump along a node's own out-edges, so its ranks differ from the
//!   standard ones; `rustworkx-core` has no PageRank.
//!
//! Coverage, by contrast, reads the coverage relation only: it scores each
//! candidate (an activity, unless `--kind` says otherwise) by the weight of
//! the targets no other candidate covers, the single points of failure of
//! `gaps`, scored.

use petgraph::graph::DiGraph;
use petgraph::stable_graph::NodeIndex;

use super::prioritize::Instance;
use crate::model::Graph;

/// The simple directed view of the module docs: node weights are the
/// graph's node indices, in the order of [`Graph::nodes`].
pub fn simple_view(graph: &Graph) -> DiGraph<NodeIndex, ()> {
    let bound = petgraph::visit::NodeIndexable::node_bound(graph.petgraph());
    let mut position = vec![u32::MAX; bound];
    let mut view = DiGraph::with_capacity(graph.node_count(), graph.edge_count());
    for (ix, _) in graph.nodes() {
        position[ix.index()] = view.add_node(ix).index() as u32;
    }
    // Positions follow the indices' order, so the pairs stay sorted.
    for (a, b) in simple_pairs(graph) {
        view.add_edge(
            petgraph::graph::NodeIndex::new(position[a as usize] as usize),
            petgraph::graph::NodeIndex::new(position[b as usize] as usize),
            (),
        );
    }
    view
}

/// The edges of the simple view as `(from, to)` node indices: loops
/// dropped, each pair once, sorted.
fn simple_pairs(graph: &Graph) -> Vec<(u32, u32)> {
    let mut pairs: Vec<(u32, u32)> = graph
        .edges()
        .filter(|e| e.from != e.to)
        .map(|e| (e.from.index() as u32, e.to.index() as u32))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// Each node's degree (in plus out) in the simple view, in the order of
/// [`Graph::nodes`].
///
/// Counted from the view's sorted, deduplicated pairs of nodes rather than
/// from a built view: building it links five million edges into a second
/// graph at a million nodes, and counting each node's lists walks them at
/// random again (most of `rank`'s time at that size).
///
/// # Complexity
/// O(|V| + |E| log |E|).
///
/// # Example
/// ```
/// let graph = seccoop::load::embedded().unwrap();
/// let degrees = seccoop::analysis::rank::degree(&graph);
/// // One score per node, each a whole number.
/// assert_eq!(degrees.len(), graph.node_count());
/// assert!(degrees.iter().all(|(_, d)| d.fract() == 0.0));
/// ```
pub fn degree(graph: &Graph) -> Vec<(NodeIndex, f64)> {
    let bound = petgraph::visit::NodeIndexable::node_bound(graph.petgraph());
    let mut count = vec![0u32; bound];
    for (a, b) in simple_pairs(graph) {
        for n in [a, b] {
            if let Some(c) = count.get_mut(n as usize) {
                *c += 1;
            }
        }
    }
    graph
        .nodes()
        .map(|(ix, _)| (ix, count.get(ix.index()).copied().unwrap_or(0) as f64))
        .collect()
}

/// Each node's normalised betweenness in the simple view (Brandes, by
/// `rustworkx-core`).
///
/// # Complexity
/// O(|V| · |E|).
///
/// # Example
/// ```
/// let graph = seccoop::load::embedded().unwrap();
/// let b = seccoop::analysis::rank::betweenness(&graph);
/// assert!(b.iter().all(|(_, s)| (0.0..=1.0).contains(s)));
/// ```
pub fn betweenness(graph: &Graph) -> Vec<(NodeIndex, f64)> {
    let view = simple_view(graph);
    let scores = rustworkx_core::centrality::betweenness_centrality(&view, false, true, 50);
    view.node_indices()
        .map(|v| {
            (
                view[v],
                scores.get(v.index()).copied().flatten().unwrap_or(0.0),
            )
        })
        .collect()
}

/// Each node's PageRank in the simple view (damping 0.85).
///
/// # Complexity
/// O(k · (|V| + |E|)) for k iterations (about 200 for the tolerance used).
///
/// # Example
/// ```
/// let graph = seccoop::load::embedded().unwrap();
/// let pr = seccoop::analysis::rank::pagerank(&graph);
/// let total: f64 = pr.iter().map(|(_, s)| s).sum();
/// assert!((total - 1.0).abs() < 1e-9);
/// ```
pub fn pagerank(graph: &Graph) -> Vec<(NodeIndex, f64)> {
    const ALPHA: f64 = 0.85;
    let view = simple_view(graph);
    let n = view.node_count();
    if n == 0 {
        return Vec::new();
    }
    let nf = n as f64;
    let out: Vec<f64> = view
        .node_indices()
        .map(|v| view.neighbors(v).count() as f64)
        .collect();
    let mut x = vec![1.0 / nf; n];
    let mut next = vec![0.0; n];
    for _ in 0..10_000 {
        let dangling: f64 = x
            .iter()
            .zip(&out)
            .filter(|(_, d)| **d == 0.0)
            .map(|(r, _)| r)
            .sum();
        let base = ALPHA * dangling / nf + (1.0 - ALPHA) / nf;
        next.iter_mut().for_each(|r| *r = base);
        for e in view.raw_edges() {
            let (a, b) = (e.source().index(), e.target().index());
            next[b] += ALPHA * x[a] / out[a];
        }
        let err: f64 = next.iter().zip(&x).map(|(a, b)| (a - b).abs()).sum();
        std::mem::swap(&mut x, &mut next);
        if err < nf * 1e-13 {
            break;
        }
    }
    view.node_indices()
        .map(|v| (view[v], x[v.index()]))
        .collect()
}

/// A candidate and the targets only it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Irreplaceable {
    /// The candidate.
    pub node: NodeIndex,
    /// The weight of the targets no other candidate covers.
    pub score: f64,
    /// Those targets.
    pub only: Vec<NodeIndex>,
    /// How many targets it covers in all.
    pub covers: usize,
}

/// Every candidate of `inst`, scored by the targets only it covers.
///
/// # Complexity
/// O(|V| + |E|).
pub fn irreplaceable(inst: &Instance) -> Vec<Irreplaceable> {
    let mut coverers = vec![0u32; inst.targets.len()];
    for cover in &inst.covers {
        for &t in cover {
            coverers[t as usize] += 1;
        }
    }
    inst.candidates
        .iter()
        .zip(&inst.covers)
        .map(|(&node, cover)| {
            let only: Vec<u32> = cover
                .iter()
                .copied()
                .filter(|&t| coverers[t as usize] == 1)
                .collect();
            Irreplaceable {
                node,
                // `+ 0.0`: an empty sum is -0.0, which would print as `-0`.
                score: only.iter().map(|&t| inst.weights[t as usize]).sum::<f64>() + 0.0,
                only: only.iter().map(|&t| inst.targets[t as usize]).collect(),
                covers: cover.len(),
            }
        })
        .collect()
}
