//! Coverage: which threats are thinly covered, which challenges have no
//! mitigation, which activities have no actor, and what is lost when nodes
//! fall away.
//!
//! The roles come from the schema ([`crate::model::Roles`]): threats are the
//! `to` kinds of the relations marked `counters = true` (`addresses`) and
//! activities their `from` kinds; actors are reached by the relations marked
//! `participants = true` (`involves`); challenges are the `to` kinds of the
//! relations marked `mitigation = true` (`mitigates`). The field names below
//! speak of the curated graph's kinds; a user's schema fills them with its
//! own. A schema without such relations has empty coverage sections.

use std::collections::HashSet;

use petgraph::stable_graph::NodeIndex;

use crate::model::{Basis, Direction, Graph, KindId, RelId, RelationDef};

/// Coverage figures of a graph, optionally with some nodes taken away.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Coverage {
    /// Every threat (a `to` node of a `counters` relation) with the
    /// activities that counter it, both lists in index order.
    pub threats: Vec<(NodeIndex, Vec<NodeIndex>)>,
    /// Every challenge (a `to` node of a `mitigation` relation) with what
    /// mitigates it.
    pub challenges: Vec<(NodeIndex, Vec<NodeIndex>)>,
    /// Every activity (a `from` node of a `counters` relation) with its
    /// participants (through the `participants` relations).
    pub activities: Vec<(NodeIndex, Vec<NodeIndex>)>,
    /// Threats that are addressed, but only through edges the schema's
    /// rules derived: the source itself names no activity against them.
    pub derived_only: Vec<NodeIndex>,
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
/// let mut graph = seccoop::load::embedded().unwrap();
/// // The article names no activity against two threats…
/// let full = seccoop::analysis::coverage(&graph, &HashSet::new());
/// assert_eq!(full.unaddressed().count(), 2);
/// // …which the schema's rules cover indirectly.
/// seccoop::reason::materialise(&mut graph).unwrap();
/// let derived = seccoop::analysis::coverage(&graph, &HashSet::new());
/// assert_eq!(derived.unaddressed().count(), 0);
/// // …and the coverage says those two rest on derived edges alone.
/// assert_eq!(derived.derived_only.len(), 2);
/// ```
pub fn coverage(graph: &Graph, removed: &HashSet<NodeIndex>) -> Coverage {
    let schema = graph.schema();
    let marked = |role: fn(&RelationDef) -> bool| -> Vec<RelId> {
        schema
            .relations()
            .filter(|(_, r)| role(r))
            .map(|(id, _)| id)
            .collect()
    };
    let counters = marked(|r| r.roles.counters);
    let participants = marked(|r| r.roles.participants);
    let mitigations = marked(|r| r.mitigation);

    let ends = |rels: &[RelId], end: fn(&RelationDef) -> &Vec<KindId>| -> Vec<KindId> {
        let mut kinds: Vec<KindId> = rels
            .iter()
            .flat_map(|&r| end(schema.relation(r)).iter().copied())
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        kinds
    };
    let threat_kinds = ends(&counters, |r| &r.to);
    let activity_kinds = ends(&counters, |r| &r.from);
    let challenge_kinds = ends(&mitigations, |r| &r.to);

    let of_kinds = |kinds: &[KindId], rels: &[RelId], dir: Direction| {
        if rels.is_empty() {
            return Vec::new();
        }
        let pairs = super::neighbors::linked_pairs(graph, rels, dir, removed);
        let mut at = 0;
        graph
            .nodes()
            .filter(|(ix, n)| kinds.contains(&n.kind) && !removed.contains(ix))
            .map(|(ix, _)| {
                // Both go up by node index: the node's pairs are next.
                while pairs.get(at).is_some_and(|&(n, _)| n < ix) {
                    at += 1;
                }
                let start = at;
                while pairs.get(at).is_some_and(|&(n, _)| n == ix) {
                    at += 1;
                }
                (
                    ix,
                    pairs[start..at].iter().map(|&(_, other)| other).collect(),
                )
            })
            .collect()
    };
    let threats: Vec<(NodeIndex, Vec<NodeIndex>)> =
        of_kinds(&threat_kinds, &counters, Direction::In);
    // The threats some asserted edge addresses, by node index.
    let mut asserted = vec![false; petgraph::visit::NodeIndexable::node_bound(graph.petgraph())];
    for e in graph.edges() {
        if counters.contains(&e.edge.rel)
            && e.edge.basis != Basis::Derived
            && !removed.contains(&e.from)
            && let Some(a) = asserted.get_mut(e.to.index())
        {
            *a = true;
        }
    }
    let derived_only = threats
        .iter()
        .filter(|(t, by)| !by.is_empty() && !asserted.get(t.index()).copied().unwrap_or(false))
        .map(|(t, _)| *t)
        .collect();
    Coverage {
        threats,
        challenges: of_kinds(&challenge_kinds, &mitigations, Direction::In),
        activities: of_kinds(&activity_kinds, &participants, Direction::Out),
        derived_only,
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
    // Coverage reads kinds, relations and bases only.
    let mut rest = graph.structure();
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
/// assert!(w.threats_weakened.iter().any(|(t, _, _)| &*graph.node(*t).unwrap().id == "terrorism"));
/// ```
pub fn whatif(graph: &Graph, removed: &HashSet<NodeIndex>) -> WhatIf {
    let before = coverage(graph, &HashSet::new());
    let after = match without(graph, removed) {
        // Derived edges are derived again without the removed nodes, so
        // none rests on an edge that is gone (indices survive removals).
        Some(rest) => coverage(&rest, &HashSet::new()),
        None => coverage(graph, removed),
    };
    // Each list of linked nodes is sorted (see `coverage`).
    let lost = |was: &[NodeIndex], now: &[NodeIndex]| -> Vec<NodeIndex> {
        was.iter()
            .filter(|n| now.binary_search(n).is_err())
            .copied()
            .collect()
    };
    // Each node as it was and as it is, for the nodes still there: looked
    // up in a map, since a million-node graph has hundreds of thousands.
    let pairs = |b: &[(NodeIndex, Vec<NodeIndex>)], a: &[(NodeIndex, Vec<NodeIndex>)]| {
        let after: std::collections::HashMap<NodeIndex, &Vec<NodeIndex>> =
            a.iter().map(|(m, now)| (*m, now)).collect();
        b.iter()
            .filter_map(|(n, was)| after.get(n).map(|now| (*n, was.clone(), (*now).clone())))
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
