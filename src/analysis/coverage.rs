//! Coverage: which threats are thinly covered, which challenges have no
//! mitigation, which activities have no actor, and what is lost when nodes
//! fall away.
//!
//! The roles come from the schema: threats are the `to` kinds of the
//! `addresses` relation and activities its `from` kinds; actors are reached
//! by `involves`; mitigations are relations marked `mitigation = true`.
//! A graph without these relations has empty coverage sections.

use std::collections::HashSet;

use petgraph::stable_graph::NodeIndex;

use crate::model::{Direction, Graph, RelId};

/// Coverage figures of a graph, optionally with some nodes taken away.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Coverage {
    /// Every threat with the activities that address it (sorted by index).
    pub threats: Vec<(NodeIndex, Vec<NodeIndex>)>,
    /// Every challenge with what mitigates it.
    pub challenges: Vec<(NodeIndex, Vec<NodeIndex>)>,
    /// Every activity with the actors it involves.
    pub activities: Vec<(NodeIndex, Vec<NodeIndex>)>,
}

impl Coverage {
    /// Threats no activity addresses.
    pub fn unaddressed(&self) -> impl Iterator<Item = NodeIndex> + '_ {
        self.threats
            .iter()
            .filter(|(_, a)| a.is_empty())
            .map(|(t, _)| *t)
    }

    /// Threats exactly one activity addresses, with that activity.
    pub fn single(&self) -> impl Iterator<Item = (NodeIndex, NodeIndex)> + '_ {
        self.threats
            .iter()
            .filter(|(_, a)| a.len() == 1)
            // Indexing cannot fail: the filter kept lists of exactly one.
            .map(|(t, a)| (*t, a[0]))
    }

    /// Challenges nothing mitigates.
    pub fn unmitigated(&self) -> impl Iterator<Item = NodeIndex> + '_ {
        self.challenges
            .iter()
            .filter(|(_, m)| m.is_empty())
            .map(|(c, _)| *c)
    }

    /// Activities that involve no actor.
    pub fn without_actor(&self) -> impl Iterator<Item = NodeIndex> + '_ {
        self.activities
            .iter()
            .filter(|(_, a)| a.is_empty())
            .map(|(a, _)| *a)
    }

    /// Single points of failure: each activity whose loss leaves some threat
    /// unaddressed, with those threats.
    pub fn single_points(&self) -> Vec<(NodeIndex, Vec<NodeIndex>)> {
        let mut by_activity: Vec<(NodeIndex, Vec<NodeIndex>)> = Vec::new();
        for (threat, activity) in self.single() {
            match by_activity.iter_mut().find(|(a, _)| *a == activity) {
                Some((_, threats)) => threats.push(threat),
                None => by_activity.push((activity, vec![threat])),
            }
        }
        by_activity
    }
}

/// Computes coverage with the nodes in `removed` taken away (they and their
/// edges count for nothing, and they are not listed).
///
/// # Complexity
/// O(|V| + |E|) plus sorting each node's list.
///
/// # Example
/// ```
/// use std::collections::HashSet;
/// let graph = seccoop::load::embedded().unwrap();
/// let full = seccoop::analysis::coverage(&graph, &HashSet::new());
/// assert_eq!(full.unaddressed().count(), 0);
/// ```
pub fn coverage(graph: &Graph, removed: &HashSet<NodeIndex>) -> Coverage {
    let schema = graph.schema();
    let addresses = schema.rel_id("addresses");
    let involves = schema.rel_id("involves");
    let mitigations: Vec<RelId> = schema
        .relations()
        .filter(|(_, r)| r.mitigation)
        .map(|(id, _)| id)
        .collect();

    let ends = |rel: Option<RelId>, to_end: bool| -> Vec<crate::model::KindId> {
        rel.map(|r| {
            let def = schema.relation(r);
            if to_end {
                def.to.clone()
            } else {
                def.from.clone()
            }
        })
        .unwrap_or_default()
    };
    let threat_kinds = ends(addresses, true);
    let activity_kinds = ends(addresses, false);
    let challenge_kinds: Vec<_> = mitigations
        .iter()
        .flat_map(|&r| schema.relation(r).to.clone())
        .collect();

    let linked = |node: NodeIndex, rels: &[RelId], dir: Direction| -> Vec<NodeIndex> {
        let mut v: Vec<NodeIndex> = graph
            .edges_of(node, dir)
            .filter(|e| rels.contains(&e.edge.rel))
            .map(|e| if dir == Direction::In { e.from } else { e.to })
            .filter(|n| !removed.contains(n))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let of_kinds = |kinds: &[crate::model::KindId], rels: &[RelId], dir: Direction| {
        if rels.is_empty() {
            return Vec::new();
        }
        graph
            .nodes()
            .filter(|(ix, n)| kinds.contains(&n.kind) && !removed.contains(ix))
            .map(|(ix, _)| (ix, linked(ix, rels, dir)))
            .collect()
    };
    let addresses: Vec<RelId> = addresses.into_iter().collect();
    let involves: Vec<RelId> = involves.into_iter().collect();
    Coverage {
        threats: of_kinds(&threat_kinds, &addresses, Direction::In),
        challenges: of_kinds(&challenge_kinds, &mitigations, Direction::In),
        activities: of_kinds(&activity_kinds, &involves, Direction::Out),
    }
}

/// What taking nodes away costs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WhatIf {
    /// Coverage with the nodes taken away.
    pub after: Coverage,
    /// Threats that were addressed and no longer are, with the activities lost.
    pub threats_uncovered: Vec<(NodeIndex, Vec<NodeIndex>)>,
    /// Threats that keep some coverage but lose some, with (lost, kept).
    pub threats_weakened: Vec<(NodeIndex, Vec<NodeIndex>, Vec<NodeIndex>)>,
    /// Activities that had actors and have none left, with the actors lost.
    pub activities_orphaned: Vec<(NodeIndex, Vec<NodeIndex>)>,
    /// Challenges that were mitigated and no longer are, with what was lost.
    pub challenges_unmitigated: Vec<(NodeIndex, Vec<NodeIndex>)>,
}

/// A copy of a graph that holds derived edges, with `removed` taken away and
/// the derivations made again; `None` when the graph holds no derived edge,
/// or when nothing is removed.
fn without(graph: &Graph, removed: &HashSet<NodeIndex>) -> Option<Graph> {
    if graph.derived_count() == 0 || removed.is_empty() {
        return None;
    }
    let mut rest = graph.clone();
    for &n in removed {
        rest.remove_node(n);
    }
    // Past the bound, the caller falls back to the derivations as they were.
    crate::reason::rederive(&mut rest).ok()?;
    Some(rest)
}

/// Coverage recomputed with `removed` taken away, compared with the full graph.
///
/// With nothing removed, `after` equals [`coverage`] of the full graph and
/// every loss list is empty.
///
/// # Complexity
/// Two coverage passes: O(|V| + |E|) plus sorting.
///
/// # Example
/// ```
/// use std::collections::HashSet;
/// let graph = seccoop::load::embedded().unwrap();
/// let gone: HashSet<_> = [graph.node_index("counter-terrorism-cooperation").unwrap()].into();
/// let w = seccoop::analysis::coverage::whatif(&graph, &gone);
/// assert!(w.threats_weakened.iter().any(|(t, _, _)| graph.node(*t).unwrap().id == "terrorism"));
/// ```
pub fn whatif(graph: &Graph, removed: &HashSet<NodeIndex>) -> WhatIf {
    let before = coverage(graph, &HashSet::new());
    let after = match without(graph, removed) {
        // Derived edges are derived again without the removed nodes, so
        // none rests on an edge that is gone (indices survive removals).
        Some(rest) => coverage(&rest, &HashSet::new()),
        None => coverage(graph, removed),
    };
    let lost = |was: &[NodeIndex], now: &[NodeIndex]| -> Vec<NodeIndex> {
        was.iter().filter(|n| !now.contains(n)).copied().collect()
    };
    let pairs = |b: &[(NodeIndex, Vec<NodeIndex>)], a: &[(NodeIndex, Vec<NodeIndex>)]| {
        b.iter()
            .filter_map(|(n, was)| {
                a.iter()
                    .find(|(m, _)| m == n)
                    .map(|(_, now)| (*n, was.clone(), now.clone()))
            })
            .collect::<Vec<_>>()
    };
    let mut out = WhatIf::default();
    for (t, was, now) in pairs(&before.threats, &after.threats) {
        let gone = lost(&was, &now);
        if gone.is_empty() {
            continue;
        }
        if now.is_empty() {
            out.threats_uncovered.push((t, gone));
        } else {
            out.threats_weakened.push((t, gone, now));
        }
    }
    for (a, was, now) in pairs(&before.activities, &after.activities) {
        if !was.is_empty() && now.is_empty() {
            out.activities_orphaned.push((a, was));
        }
    }
    for (c, was, now) in pairs(&before.challenges, &after.challenges) {
        if !was.is_empty() && now.is_empty() {
            out.challenges_unmitigated.push((c, was));
        }
    }
    out.after = after;
    out
}
