//! Properties of the traversals on random graphs: every reported path
//! exists, shortest paths are shortest, impact grows with depth, and
//! `whatif` with nothing removed is `gaps`, and coverage, computed from
//! one pass over the edges, is what a walk of each node's edges finds.

use std::collections::HashSet;

use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use proptest::prelude::*;

use super::coverage::{coverage, whatif};
use super::impact::{flows, impact};
use super::paths::{MAX_HOPS, PathQuery, connections, connections_within};
use crate::model::{
    Basis, Edge, Graph, ImpactFlow, KindDef, Node, RelId, RelationDef, Roles, Schema,
};

/// A schema with three kinds and one relation per impact rule, every kind
/// allowed at both ends; `addresses` (counters) and `involves` (participants)
/// make coverage non-trivial.
fn schema() -> Schema {
    let mut s = Schema::new();
    let kinds: Vec<_> = ["activity", "threat", "actor"]
        .iter()
        .map(|k| {
            s.add_kind(KindDef {
                name: (*k).into(),
                plural: None,
                description: String::new(),
                look: Default::default(),
                share: None,
            })
            .unwrap()
        })
        .collect();
    for (name, impact, mitigation) in [
        ("addresses", ImpactFlow::Forward, false),
        ("involves", ImpactFlow::Both, false),
        ("hindered_by", ImpactFlow::Backward, false),
        ("mitigates", ImpactFlow::None, true),
    ] {
        s.add_relation(RelationDef {
            name: name.into(),
            from: kinds.clone(),
            to: kinds.clone(),
            meaning: String::new(),
            inverse: None,
            impact,
            mitigation,
            look: Default::default(),
            roles: Roles {
                counters: name == "addresses",
                participants: name == "involves",
                rank: false,
            },
            generate: None,
        })
        .unwrap();
    }
    s
}

/// Builds a graph of `kinds.len()` nodes and the given edges `(from, rel, to)`,
/// indices taken modulo the sizes.
fn build(kinds: &[u16], edges: &[(usize, u16, usize)]) -> Graph {
    let mut g = Graph::new(schema());
    let ixs: Vec<NodeIndex> = kinds
        .iter()
        .enumerate()
        .map(|(i, &k)| {
            g.add_node(Node::new(
                format!("n{i}"),
                crate::model::KindId(k % 3),
                format!("Node {i}"),
            ))
            .unwrap()
        })
        .collect();
    for &(a, r, b) in edges {
        g.add_edge(
            ixs[a % ixs.len()],
            ixs[b % ixs.len()],
            Edge::new(RelId(r % 4), Basis::Stated),
        );
    }
    g
}

fn graphs() -> impl Strategy<Value = Graph> {
    (1usize..14)
        .prop_flat_map(|n| {
            (
                proptest::collection::vec(0u16..3, n),
                proptest::collection::vec((0..n, 0u16..4, 0..n), 0..(n * 3)),
            )
        })
        .prop_map(|(kinds, edges)| build(&kinds, &edges))
}

/// Whether `e` joins `a` and `b` in either direction.
fn joins(g: &Graph, e: EdgeIndex, a: NodeIndex, b: NodeIndex) -> bool {
    g.petgraph()
        .edge_endpoints(e)
        .is_some_and(|(x, y)| (x, y) == (a, b) || (x, y) == (b, a))
}

/// Breadth-first distances ignoring direction, written independently of
/// the code under test.
fn distance(g: &Graph, from: NodeIndex, to: NodeIndex) -> Option<usize> {
    let mut dist = std::collections::HashMap::from([(from, 0usize)]);
    let mut frontier = vec![from];
    while !frontier.is_empty() {
        let mut next = Vec::new();
        for n in frontier {
            for m in g.petgraph().neighbors_undirected(n) {
                if !dist.contains_key(&m) {
                    dist.insert(m, dist[&n] + 1);
                    next.push(m);
                }
            }
        }
        frontier = next;
    }
    dist.get(&to).copied()
}

/// The part of `g` a snapshot read in place around `ends` with radius
/// `radius` holds: every node within `radius` edges of one of them (either
/// direction), the edges of every node closer than that, in `g`'s order.
fn part_around(g: &Graph, ends: &[NodeIndex], radius: usize) -> Graph {
    let mut dist: std::collections::HashMap<NodeIndex, usize> =
        ends.iter().map(|&n| (n, 0)).collect();
    let mut frontier: Vec<NodeIndex> = ends.to_vec();
    for level in 0..radius {
        let mut next = Vec::new();
        for &n in &frontier {
            for other in g.petgraph().neighbors_undirected(n) {
                if let std::collections::hash_map::Entry::Vacant(v) = dist.entry(other) {
                    v.insert(level + 1);
                    next.push(other);
                }
            }
        }
        frontier = next;
    }
    let mut part = Graph::new(schema());
    let mut at = std::collections::HashMap::new();
    for (ix, node) in g.nodes() {
        if dist.contains_key(&ix) {
            at.insert(ix, part.add_node(node.clone()).unwrap());
        }
    }
    let inner = |n: &NodeIndex| dist.get(n).is_some_and(|&d| d < radius);
    for e in g.edges() {
        if inner(&e.from) || inner(&e.to) {
            part.add_edge(at[&e.from], at[&e.to], e.edge.clone());
        }
    }
    part
}

proptest! {
    #[test]
    fn every_reported_path_exists_edge_by_edge(g in graphs(), a in 0usize..14, b in 0usize..14, hops in 1usize..5) {
        let nodes: Vec<NodeIndex> = g.nodes().map(|(ix, _)| ix).collect();
        let (from, to) = (nodes[a % nodes.len()], nodes[b % nodes.len()]);
        for all in [false, true] {
            let q = PathQuery { rels: Vec::new(), all, max_hops: hops };
            for p in connections(&g, from, to, &q).paths {
                prop_assert_eq!(p.nodes.first(), Some(&from));
                prop_assert_eq!(p.nodes.last(), Some(&to));
                prop_assert_eq!(p.edges.len() + 1, p.nodes.len());
                for (i, &e) in p.edges.iter().enumerate() {
                    prop_assert!(joins(&g, e, p.nodes[i], p.nodes[i + 1]));
                }
                let distinct: HashSet<_> = p.nodes.iter().collect();
                prop_assert_eq!(distinct.len(), p.nodes.len(), "a path repeats a node");
                if all {
                    prop_assert!(p.edges.len() <= hops);
                }
            }
        }
    }

    /// A search that stays within its reach answers from the part of the
    /// graph around its ends as from the whole graph, path for path; and
    /// with a reach as large as the graph it always does.
    #[test]
    fn a_search_within_its_reach_answers_as_the_whole_graph(
        g in graphs(), a in 0usize..14, b in 0usize..14, reach in 1usize..5, hops in 1usize..5, all in proptest::bool::ANY,
    ) {
        let nodes: Vec<NodeIndex> = g.nodes().map(|(ix, _)| ix).collect();
        let (from, to) = (nodes[a % nodes.len()], nodes[b % nodes.len()]);
        let q = PathQuery { rels: Vec::new(), all, max_hops: hops };
        let id = |g: &Graph, n: NodeIndex| g.node(n).map(|x| x.id.to_string());
        let named = |g: &Graph, c: &super::paths::Connection| -> Vec<Vec<Option<String>>> {
            c.paths.iter().map(|p| p.nodes.iter().map(|&n| id(g, n)).collect()).collect()
        };
        let whole = connections(&g, from, to, &q);
        let wide = connections_within(&g, from, to, &q, g.node_count().max(MAX_HOPS));
        prop_assert_eq!(wide, Some(whole.clone()));
        let part = part_around(&g, &[from, to], reach);
        let (pf, pt) = (part.node_index(&id(&g, from).unwrap()).unwrap(), part.node_index(&id(&g, to).unwrap()).unwrap());
        if let Some(found) = connections_within(&part, pf, pt, &q, reach) {
            prop_assert_eq!(named(&part, &found), named(&g, &whole));
            prop_assert_eq!(found.truncated, whole.truncated);
        }
    }

    #[test]
    fn shortest_is_no_longer_than_any_listed_path(g in graphs(), a in 0usize..14, b in 0usize..14, hops in 1usize..5) {
        let nodes: Vec<NodeIndex> = g.nodes().map(|(ix, _)| ix).collect();
        let (from, to) = (nodes[a % nodes.len()], nodes[b % nodes.len()]);
        let shortest = connections(&g, from, to, &PathQuery::default()).paths;
        let all = connections(&g, from, to, &PathQuery { all: true, max_hops: hops, ..Default::default() }).paths;
        prop_assert_eq!(shortest.first().map(|p| p.edges.len()), distance(&g, from, to));
        if let Some(s) = shortest.first() {
            for p in &all {
                prop_assert!(s.edges.len() <= p.edges.len());
            }
        } else {
            prop_assert!(all.is_empty());
        }
    }

    #[test]
    fn impact_grows_with_depth_and_chains_explain_it(g in graphs(), r in 0usize..14, d in 0usize..5) {
        let nodes: Vec<NodeIndex> = g.nodes().map(|(ix, _)| ix).collect();
        let root = nodes[r % nodes.len()];
        let near = impact(&g, root, d);
        let far = impact(&g, root, d + 1);
        let far_set: HashSet<_> = far.reached.iter().map(|x| x.node).collect();
        for x in &near.reached {
            prop_assert!(far_set.contains(&x.node), "depth {} reaches a node depth {} does not", d, d + 1);
        }
        for x in &far.reached {
            prop_assert_eq!(x.via.len(), x.depth);
            prop_assert!(x.chains >= 1);
            let mut at = root;
            for &e in &x.via {
                let (s, t) = g.petgraph().edge_endpoints(e).unwrap();
                prop_assert!(s == at || t == at, "chain is not connected");
                let forward = s == at;
                prop_assert!(flows(&g, e, forward), "impact does not flow along a chain edge");
                at = if forward { t } else { s };
            }
            prop_assert_eq!(at, x.node);
        }
    }

    #[test]
    fn whatif_without_removals_equals_gaps(g in graphs()) {
        let none = HashSet::new();
        let w = whatif(&g, &none);
        prop_assert_eq!(&w.after, &coverage(&g, &none));
        prop_assert!(w.threats_uncovered.is_empty() && w.threats_weakened.is_empty());
        prop_assert!(w.activities_orphaned.is_empty() && w.challenges_unmitigated.is_empty());
    }

    #[test]
    fn removing_a_single_point_of_failure_uncovers_its_threats(g in graphs()) {
        let cov = coverage(&g, &HashSet::new());
        for (activity, threats) in cov.single_points() {
            let w = whatif(&g, &HashSet::from([activity]));
            let uncovered: HashSet<_> = w.threats_uncovered.iter().map(|(t, _)| *t).collect();
            for t in threats {
                prop_assert!(t == activity || uncovered.contains(&t));
            }
        }
    }

    #[test]
    fn degree_counts_distinct_neighbours_each_way(
        g in graphs(),
        gone in proptest::collection::vec(0usize..14, 0..3),
    ) {
        // Removed nodes leave holes in the indices, which the count skips.
        let mut g = g;
        for i in gone {
            let n = NodeIndex::new(i % g.node_count().max(1));
            g.remove_node(n);
        }
        let got = super::rank::degree(&g);
        let want: Vec<(NodeIndex, f64)> = g
            .nodes()
            .map(|(ix, _)| {
                let mut outs = HashSet::new();
                let mut ins = HashSet::new();
                for e in g.edges_of(ix, crate::model::Direction::Both) {
                    if e.from == ix && e.to != ix {
                        outs.insert(e.to);
                    }
                    if e.to == ix && e.from != ix {
                        ins.insert(e.from);
                    }
                }
                (ix, (outs.len() + ins.len()) as f64)
            })
            .collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn coverage_is_what_walking_each_nodes_edges_finds(
        g in graphs(),
        gone in proptest::collection::vec(0usize..14, 0..4),
    ) {
        let removed: HashSet<NodeIndex> = gone
            .iter()
            .map(|&i| NodeIndex::new(i % g.node_count()))
            .collect();
        let cov = coverage(&g, &removed);
        // Every kind is allowed at both ends of every relation here, so
        // every node left is a threat, an activity and a challenge.
        let walk = |rel: &str, dir: crate::model::Direction| -> Vec<(NodeIndex, Vec<NodeIndex>)> {
            let rel = g.schema().rel_id(rel).unwrap();
            g.nodes()
                .filter(|(ix, _)| !removed.contains(ix))
                .map(|(ix, _)| {
                    let mut v: Vec<NodeIndex> = g
                        .edges_of(ix, dir)
                        .filter(|e| e.edge.rel == rel)
                        .map(|e| if e.from == ix && e.to != ix { e.to } else if e.to == ix && e.from != ix { e.from } else { ix })
                        .filter(|n| !removed.contains(n))
                        .collect();
                    v.sort_unstable();
                    v.dedup();
                    (ix, v)
                })
                .collect()
        };
        use crate::model::Direction::{In, Out};
        prop_assert_eq!(&cov.threats, &walk("addresses", In));
        prop_assert_eq!(&cov.challenges, &walk("mitigates", In));
        prop_assert_eq!(&cov.activities, &walk("involves", Out));
        // Every edge here is stated.
        prop_assert!(cov.derived_only.is_empty());
    }
}
