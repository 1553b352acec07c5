//! Impact: how the loss or weakening of one node ripples through the graph.
//!
//! A challenge hinders activities; those activities address threats and
//! involve actors; so the challenge weakens the response to those threats.
//! The walk follows the impact rules of the schema (each relation's
//! `impact = forward | backward | both | none`), so it works for any node
//! of any graph: a challenge, an activity that falls away, an actor that
//! withdraws.
//!
//! A chain never turns straight back along the relation it arrived by:
//! when a challenge hinders an activity that involves an actor, the actor is
//! reached, but the impact does not flow on from the actor to every other
//! activity that involves it. That is co-membership, not consequence. When
//! the actor itself is the root, its activities are reached.

use petgraph::Direction as PgDirection;
use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use crate::model::{Direction, Graph, ImpactFlow};

use super::traverse::{chain, reach};

/// The deepest `--depth` accepted; chains longer than this explain nothing.
pub const MAX_DEPTH: usize = 32;

/// A node the impact reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    /// The node.
    pub node: NodeIndex,
    /// How many edges from the root.
    pub depth: usize,
    /// A shortest chain of edges from the root to the node, root side first.
    pub via: Vec<EdgeIndex>,
    /// How many distinct shortest chains reach the node.
    pub chains: u64,
    /// The last edge of every shortest chain: the edges from the nodes one
    /// step nearer the root (the last edge of `via` first).
    pub last_steps: Vec<EdgeIndex>,
}

/// A node that mitigates the root, and the edge that says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mitigation {
    /// The mitigating node.
    pub node: NodeIndex,
    /// The edge from it to the root.
    pub edge: EdgeIndex,
}

/// The impact of one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Impact {
    /// The node whose impact was traced.
    pub root: NodeIndex,
    /// The depth the walk stopped at.
    pub depth: usize,
    /// Every node reached (not the root), nearest first.
    pub reached: Vec<Reached>,
    /// What mitigates the root: the `from` nodes of incoming edges whose
    /// relation the schema marks `mitigation = true`.
    pub mitigated_by: Vec<Mitigation>,
}

impl Impact {
    /// The nodes reached in one step: for a challenge, the activities it hinders.
    pub fn direct(&self) -> impl Iterator<Item = &Reached> {
        self.reached.iter().filter(|r| r.depth == 1)
    }
}

/// Traces the impact of `root` up to `depth` edges, following the schema's
/// impact rules.
///
/// # Arguments
/// * `graph`: the graph.
/// * `root`: the node that is lost or weakened.
/// * `depth`: the longest chain followed (capped at [`MAX_DEPTH`]).
///
/// # Returns
/// Every node reached with its depth, a shortest explaining chain and the
/// number of distinct shortest chains, nearest first (ties by name); and the
/// nodes that mitigate the root.
///
/// # Complexity
/// O(|V| + |E|) over the part of the graph within `depth`, plus the sort.
///
/// # Example
/// ```
/// let graph = seccoop::load::embedded().unwrap();
/// let root = graph.node_index("lack-of-trust-and-transparency").unwrap();
/// let impact = seccoop::analysis::impact(&graph, root, 3);
/// let hindered: Vec<_> = impact.direct().map(|r| &*graph.node(r.node).unwrap().id).collect();
/// assert!(hindered.iter().any(|id| *id == "intelligence-sharing"));
/// ```
pub fn impact(graph: &Graph, root: NodeIndex, depth: usize) -> Impact {
    let depth = depth.min(MAX_DEPTH);
    let schema = graph.schema();
    let g = graph.petgraph();
    let reached = reach(g, root, depth, |e, dir, arrived_by| {
        let rel = e.weight().rel;
        let flows = match schema.relation(rel).impact {
            ImpactFlow::Forward => dir == PgDirection::Outgoing,
            ImpactFlow::Backward => dir == PgDirection::Incoming,
            ImpactFlow::Both => true,
            ImpactFlow::None => false,
        };
        // No U-turns: an actor reached because an activity involves it does
        // not pass the impact on to every other activity that involves it.
        let u_turn = arrived_by.is_some_and(|(prev, prev_dir)| {
            prev_dir != dir && g.edge_weight(prev).is_some_and(|p| p.rel == rel)
        });
        flows && !u_turn
    });
    let mut out: Vec<Reached> = reached
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, r)| Reached {
            node: r.node,
            depth: r.depth,
            via: chain(&reached, i),
            chains: r.chains,
            last_steps: r.arrivals.iter().map(|a| a.edge).collect(),
        })
        .collect();
    out.sort_by_cached_key(|r| (r.depth, graph.node(r.node).map(|n| n.name.to_lowercase())));
    let mut mitigated_by: Vec<Mitigation> = graph
        .edges_of(root, Direction::In)
        .filter(|e| schema.relation(e.edge.rel).mitigation)
        .map(|e| Mitigation {
            node: e.from,
            edge: e.index,
        })
        .collect();
    mitigated_by.sort_by_cached_key(|m| graph.node(m.node).map(|n| n.name.to_lowercase()));
    Impact {
        root,
        depth,
        reached: out,
        mitigated_by,
    }
}

/// Whether `e` lies on an impact chain in the direction it is walked; used
/// by tests to check chains edge by edge.
pub fn flows(graph: &Graph, e: EdgeIndex, walked_forward: bool) -> bool {
    let Some(edge) = graph.petgraph().edge_weight(e) else {
        return false;
    };
    match graph.schema().relation(edge.rel).impact {
        ImpactFlow::Forward => walked_forward,
        ImpactFlow::Backward => !walked_forward,
        ImpactFlow::Both => true,
        ImpactFlow::None => false,
    }
}
