//! Planning under resource constraints: with the means for only K
//! activities, which K cover the most threats?
//!
//! # The problem
//! Candidates (by default the `from` kinds of the coverage relation,
//! `addresses` unless another is named) each cover a set of targets (the
//! relation's `to` kinds, the threats). A target counts when at least R
//! chosen candidates cover it (`--redundancy`, default 1), weighted by a
//! numeric property (default 1). Choose at most K candidates, some forced
//! in (`keep`), some taken out (`without`: candidates or targets), to
//! maximise the weighted count. For R = 1 this is weighted maximum
//! coverage, NP-hard in general; on a graph of the curated size it is
//! small enough to solve exactly.
//!
//! # Method
//! 1. **Greedy** picks, one at a time, the candidate of the highest
//!    *completion value*: each target it covers that still needs `m ≥ 1`
//!    more coverers adds `weight / m`. For R = 1 that is the marginal gain,
//!    and greedy keeps its classic guarantee: at least `1 − 1/e` (63 %) of
//!    the optimum (Nemhauser, Wolsey and Fisher, 1978). For R > 1 the
//!    objective is not submodular and greedy has no a-priori guarantee;
//!    what it has is the measured bound below.
//! 2. **An upper bound** on the optimum, computed after every greedy step:
//!    the score so far plus the K largest completion values. It holds for
//!    any R: a target the optimum completes beyond the current set needs
//!    `m` of the optimum's at most K other candidates, each credited
//!    `weight / m` for it. The smallest such bound over the steps, and the
//!    weight of every target that can be completed at all, bound the
//!    optimum; `gap = (bound − score) / bound` is what the answer may miss.
//! 3. **Branch and bound** over subsets, when the greedy answer is not
//!    already proved optimal and at most [`EXHAUSTIVE_LIMIT`] candidates
//!    cover something: include or exclude each candidate in turn (most
//!    valuable first), pruning a branch when its score plus the same bound
//!    (restricted to the candidates still undecided, and to targets they
//!    can still complete) cannot beat the best found. Finishing proves the
//!    best optimal. The greedy answer seeds it, so an interrupted search
//!    (the time limit) still returns a good answer with a stated gap.
//!
//! An integer-programming crate would also prove optimality, but the
//! instances it must solve exactly are small (the curated graph has 22
//! activities), the bound above is what big instances need anyway, and
//! a search of a few dozen lines is easier to check than a solver's
//! tolerances; so no solver is used.
//!
//! Afterwards every chosen candidate that adds nothing is dropped (the
//! answer has at most K), and the rest are ordered by what each adds.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use petgraph::stable_graph::NodeIndex;

use crate::model::{Graph, KindId, RelId, Value};

mod instance;
mod search;

pub use instance::Instance;
use search::*;

/// The most candidates (covering something, not kept) the exhaustive
/// search is tried on; above, the answer is greedy with its bound.
pub const EXHAUSTIVE_LIMIT: usize = 200;

/// How to search for a portfolio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Search {
    /// Greedy with a bound, then an exhaustive search when the instance is
    /// small enough (at most [`EXHAUSTIVE_LIMIT`] useful candidates).
    #[default]
    Auto,
    /// Greedy with a bound only.
    Greedy,
    /// Greedy, then the exhaustive search whatever the instance's size
    /// (still bounded by the time limit).
    Exhaustive,
}

/// What a portfolio is asked to do.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The relation by which a candidate covers a target.
    pub rel: RelId,
    /// Choose at most this many candidates.
    pub budget: usize,
    /// A target counts when this many chosen candidates cover it (≥ 1).
    pub redundancy: u32,
    /// Weigh each target by this numeric property (default: 1 each).
    pub weight: Option<String>,
    /// Choose among nodes of this kind (default: the relation's `from` kinds).
    pub kind: Option<KindId>,
    /// Candidates that must be chosen.
    pub keep: Vec<NodeIndex>,
    /// Nodes taken out: candidates never chosen, targets never counted.
    pub without: HashSet<NodeIndex>,
    /// Stop searching after this long and return the best found.
    pub time_limit: Duration,
    /// How to search.
    pub search: Search,
}

impl Plan {
    /// A plan for `budget` candidates covering through `rel`, everything
    /// else at its default (redundancy 1, no weights, 10 s).
    pub fn new(rel: RelId, budget: usize) -> Self {
        Plan {
            rel,
            budget,
            redundancy: 1,
            weight: None,
            kind: None,
            keep: Vec::new(),
            without: HashSet::new(),
            time_limit: Duration::from_secs(10),
            search: Search::Auto,
        }
    }
}

/// Why a plan cannot be solved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    /// A target's weight property is missing, not a number or negative.
    #[error("`{node}` has no usable `{property}` weight: {found}")]
    Weight {
        /// The target's id.
        node: String,
        /// The weight property.
        property: String,
        /// What it holds instead.
        found: String,
    },
    /// A kept node is not among the candidates.
    #[error(
        "`{node}` cannot be kept: its kind is {kind}, and the portfolio is chosen among {candidates}"
    )]
    NotCandidate {
        /// The node's id.
        node: String,
        /// Its kind.
        kind: String,
        /// The candidate kinds.
        candidates: String,
    },
    /// A node is both kept and taken out.
    #[error("`{node}` is both kept (--keep) and taken out (--without)")]
    KeptAndWithout {
        /// The node's id.
        node: String,
    },
    /// More nodes are kept than the budget allows.
    #[error("{keep} nodes are kept but the budget is {budget}")]
    OverBudget {
        /// How many are kept.
        keep: usize,
        /// The budget.
        budget: usize,
    },
}

impl PlanError {
    /// What to do about the error.
    pub fn help(&self) -> String {
        match self {
            PlanError::Weight { property, .. } => {
                format!("give every target a number >= 0 in `{property}`, or leave out --weight")
            }
            PlanError::NotCandidate { .. } => {
                "keep a candidate, or choose among its kind with --kind".into()
            }
            PlanError::KeptAndWithout { .. } => "name it in one of the two only".into(),
            PlanError::OverBudget { keep, .. } => {
                format!("raise --budget to at least {keep}, or keep fewer")
            }
        }
    }
}

/// One chosen candidate and the targets it completes, in answer order.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    /// The candidate.
    pub node: NodeIndex,
    /// Whether it was forced in.
    pub kept: bool,
    /// The targets it brings to the redundancy asked for, given the picks
    /// before it.
    pub adds: Vec<NodeIndex>,
}

/// How the answer was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Greedy, with an upper bound.
    Greedy,
    /// Greedy, then the exhaustive branch-and-bound search.
    Exhaustive,
}

/// The best portfolio found, with how good it is proved to be.
#[derive(Debug, Clone, PartialEq)]
pub struct Portfolio {
    /// The chosen candidates, ordered by what each adds (most first).
    pub chosen: Vec<Pick>,
    /// Every target with how many chosen candidates cover it.
    pub counts: Vec<(NodeIndex, u32)>,
    /// The redundancy asked for.
    pub redundancy: u32,
    /// The weighted count of targets covered `redundancy` times.
    pub score: f64,
    /// A proved upper bound on the best score any portfolio in budget has.
    pub upper_bound: f64,
    /// Whether the score is proved to be the best.
    pub optimal: bool,
    /// How it was found.
    pub method: Method,
    /// Whether the time limit cut the search short.
    pub timed_out: bool,
    /// How many candidates there were, and the score of choosing them all.
    pub whole: (usize, f64),
    /// The weight of every target.
    pub total_weight: f64,
}

impl Portfolio {
    /// `None` when optimal; else how much of the optimum the answer may
    /// miss, as a fraction: `(bound − score) / bound`.
    pub fn gap(&self) -> Option<f64> {
        if self.optimal {
            return None;
        }
        Some(if self.upper_bound > 0.0 {
            ((self.upper_bound - self.score) / self.upper_bound).max(0.0)
        } else {
            0.0
        })
    }
}

/// Chooses the best portfolio a plan allows.
///
/// # Arguments
/// * `graph`: the graph.
/// * `plan`: the budget, redundancy, weights, forced and excluded nodes.
///
/// # Returns
/// The portfolio, proved optimal or with its gap to a proved bound; an
/// error when a weight is unusable or the kept nodes do not fit.
///
/// # Complexity
/// Greedy: O(K · (|E| + n)) for K picks over n candidates. The exhaustive
/// search is exponential in the worst case and stops at the time limit.
///
/// # Example
/// ```
/// use seccoop::analysis::prioritize::{Plan, prioritize};
/// let graph = seccoop::load::embedded().unwrap();
/// let rel = graph.schema().rel_id("addresses").unwrap();
/// let best = prioritize(&graph, &Plan::new(rel, 3)).unwrap();
/// assert!(best.optimal && best.chosen.len() <= 3);
/// ```
pub fn prioritize(graph: &Graph, plan: &Plan) -> Result<Portfolio, PlanError> {
    let inst = Instance::from_graph(graph, plan)?;
    let keep: Vec<usize> = inst
        .candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| plan.keep.contains(c))
        .map(|(i, _)| i)
        .collect();
    let solution = solve(
        &inst,
        plan.budget,
        plan.redundancy.max(1),
        &keep,
        plan.time_limit,
        plan.search,
    );
    Ok(portfolio(&inst, &solution, &keep, plan.redundancy.max(1)))
}

/// A solution in positions of an [`Instance`].
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// The chosen candidates' positions (kept ones included).
    pub chosen: Vec<usize>,
    /// Their score.
    pub score: f64,
    /// A proved upper bound on the optimum.
    pub upper_bound: f64,
    /// Whether the score is proved optimal.
    pub optimal: bool,
    /// How it was found.
    pub method: Method,
    /// Whether the time limit cut the search short.
    pub timed_out: bool,
}

/// Solves an instance: at most `budget` candidates including `keep`, each
/// target counting when covered `r` times. See the module docs.
pub fn solve(
    inst: &Instance,
    budget: usize,
    r: u32,
    keep: &[usize],
    time_limit: Duration,
    search: Search,
) -> Solution {
    let deadline = Instant::now().checked_add(time_limit);
    let free = budget.saturating_sub(keep.len());
    let eps = 1e-9 * inst.weights.iter().sum::<f64>().max(1.0);
    let greedy = greedy(inst, r, keep, free, deadline);
    let mut best = Solution {
        score: inst.score(&inst.counts(&greedy.chosen), r),
        chosen: greedy.chosen,
        upper_bound: greedy.bound,
        optimal: false,
        method: Method::Greedy,
        timed_out: greedy.timed_out,
    };
    best.optimal = best.score >= best.upper_bound - eps;
    let useful = (0..inst.candidates.len())
        .filter(|c| !keep.contains(c) && !inst.covers[*c].is_empty())
        .count();
    let exhaustive = match search {
        Search::Greedy => false,
        Search::Auto => useful <= EXHAUSTIVE_LIMIT,
        Search::Exhaustive => true,
    };
    if !best.optimal && !best.timed_out && exhaustive {
        let mut bb = Branch::new(inst, r, keep, &best, deadline, eps);
        bb.dfs(0, free);
        best.method = Method::Exhaustive;
        if bb.best_score > best.score {
            best.score = bb.best_score;
            best.chosen = bb.best;
        }
        if bb.timed_out {
            best.timed_out = true;
        } else {
            best.optimal = true;
            best.upper_bound = best.score;
        }
    }
    best.chosen = minimal(inst, r, keep, best.chosen);
    best.upper_bound = best.upper_bound.max(best.score);
    best
}

/// The answer in graph terms: picks ordered by what each adds.
fn portfolio(inst: &Instance, s: &Solution, keep: &[usize], r: u32) -> Portfolio {
    let mut counts = vec![0u32; inst.targets.len()];
    let mut left: Vec<usize> = s.chosen.clone();
    let mut chosen = Vec::with_capacity(left.len());
    while !left.is_empty() {
        // What each remaining pick completes, and its share of progress.
        let gain = |c: usize| -> (f64, f64) {
            let mut done = 0.0;
            let mut progress = 0.0;
            for &t in &inst.covers[c] {
                let have = counts[t as usize];
                if have < r {
                    let w = inst.weights[t as usize];
                    progress += w / f64::from(r - have);
                    if have + 1 == r {
                        done += w;
                    }
                }
            }
            (done, progress)
        };
        let mut best = 0;
        for i in 1..left.len() {
            let (a, b) = (gain(left[i]), gain(left[best]));
            if a.0 > b.0 || (a.0 == b.0 && a.1 > b.1) {
                best = i;
            }
        }
        let c = left.remove(best);
        let mut adds = Vec::new();
        for &t in &inst.covers[c] {
            counts[t as usize] += 1;
            if counts[t as usize] == r {
                adds.push(inst.targets[t as usize]);
            }
        }
        chosen.push(Pick {
            node: inst.candidates[c],
            kept: keep.contains(&c),
            adds,
        });
    }
    let all: Vec<usize> = (0..inst.candidates.len()).collect();
    Portfolio {
        chosen,
        counts: inst.targets.iter().copied().zip(counts).collect(),
        redundancy: r,
        score: s.score,
        upper_bound: s.upper_bound,
        optimal: s.optimal,
        method: s.method,
        timed_out: s.timed_out,
        whole: (inst.candidates.len(), inst.score(&inst.counts(&all), r)),
        total_weight: inst.weights.iter().sum(),
    }
}

/// What hinders a node, and what mitigates each hindrance.
///
/// Challenges are the `to` kinds of relations marked `mitigation = true`;
/// a node is hindered by each challenge it has an edge to through another
/// relation. Each comes with the nodes (not in `without`) that mitigate it.
///
/// # Example
/// ```
/// use std::collections::HashSet;
/// let graph = seccoop::load::embedded().unwrap();
/// let ix = graph.node_index("intelligence-sharing").unwrap();
/// let h = seccoop::analysis::prioritize::hindrances(&graph, ix, &HashSet::new());
/// assert!(!h.is_empty());
/// ```
pub fn hindrances(
    graph: &Graph,
    node: NodeIndex,
    without: &HashSet<NodeIndex>,
) -> Vec<(NodeIndex, Vec<NodeIndex>)> {
    let schema = graph.schema();
    let mitigation: Vec<RelId> = schema
        .relations()
        .filter(|(_, r)| r.mitigation)
        .map(|(id, _)| id)
        .collect();
    let challenge_kinds: Vec<KindId> = mitigation
        .iter()
        .flat_map(|&r| schema.relation(r).to.clone())
        .collect();
    let mut out: Vec<(NodeIndex, Vec<NodeIndex>)> = Vec::new();
    for e in graph.edges_of(node, crate::model::Direction::Out) {
        let is_challenge = graph
            .node(e.to)
            .is_some_and(|n| challenge_kinds.contains(&n.kind));
        if !is_challenge
            || mitigation.contains(&e.edge.rel)
            || without.contains(&e.to)
            || out.iter().any(|(c, _)| *c == e.to)
        {
            continue;
        }
        let mut by: Vec<NodeIndex> = graph
            .edges_of(e.to, crate::model::Direction::In)
            .filter(|m| mitigation.contains(&m.edge.rel) && !without.contains(&m.from))
            .map(|m| m.from)
            .collect();
        by.sort_by_key(|n| graph.node(*n).map(|n| n.id.clone()));
        by.dedup();
        out.push((e.to, by));
    }
    out.sort_by_key(|(c, _)| graph.node(*c).map(|n| n.id.clone()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The best score of any set of at most `budget` candidates that holds
    /// `keep`, by trying them all.
    fn brute(inst: &Instance, budget: usize, r: u32, keep: &[usize]) -> f64 {
        let n = inst.candidates.len();
        let mut best: f64 = 0.0;
        for mask in 0u32..(1 << n) {
            let set: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
            if set.len() > budget || keep.iter().any(|k| !set.contains(k)) {
                continue;
            }
            best = best.max(inst.score(&inst.counts(&set), r));
        }
        best
    }

    fn instance(covers: Vec<Vec<u32>>, weights: Vec<u32>) -> Instance {
        let targets = weights.len() as u32;
        let covers: Vec<Vec<u32>> = covers
            .into_iter()
            .map(|mut c| {
                c.retain(|t| *t < targets);
                c.sort_unstable();
                c.dedup();
                c
            })
            .collect();
        Instance {
            candidates: (0..covers.len()).map(NodeIndex::new).collect(),
            targets: (0..weights.len()).map(NodeIndex::new).collect(),
            weights: weights.into_iter().map(f64::from).collect(),
            covers,
        }
    }

    fn arb() -> impl Strategy<Value = (Instance, usize, u32, Vec<usize>)> {
        (
            prop::collection::vec(prop::collection::vec(0u32..9, 0..5), 1..11),
            prop::collection::vec(0u32..4, 1..9),
            0usize..6,
            1u32..4,
            prop::collection::vec(0usize..10, 0..3),
        )
            .prop_map(|(covers, weights, budget, r, keep)| {
                let inst = instance(covers, weights);
                let n = inst.candidates.len();
                let mut keep: Vec<usize> = keep.into_iter().map(|k| k % n).collect();
                keep.sort_unstable();
                keep.dedup();
                keep.truncate(budget);
                (inst, budget, r, keep)
            })
    }

    proptest! {
        /// The exhaustive answer is the brute-force optimum; greedy's
        /// answer and bound enclose it; both keep the budget and `keep`.
        #[test]
        fn answers_and_bounds_hold((inst, budget, r, keep) in arb()) {
            let opt = brute(&inst, budget, r, &keep);
            let long = Duration::from_secs(60);
            for search in [Search::Auto, Search::Greedy, Search::Exhaustive] {
                let s = solve(&inst, budget, r, &keep, long, search);
                prop_assert!(s.chosen.len() <= budget);
                prop_assert!(keep.iter().all(|k| s.chosen.contains(k)));
                prop_assert!((inst.score(&inst.counts(&s.chosen), r) - s.score).abs() < 1e-9);
                prop_assert!(s.score <= opt + 1e-9);
                prop_assert!(s.upper_bound >= opt - 1e-9, "bound {} < optimum {opt}", s.upper_bound);
                if s.optimal {
                    prop_assert!((s.score - opt).abs() < 1e-9);
                }
                if search != Search::Greedy {
                    prop_assert!(s.optimal);
                }
            }
            // Greedy keeps its guarantee for r = 1.
            if r == 1 {
                let g = solve(&inst, budget, r, &keep, long, Search::Greedy);
                prop_assert!(g.score >= (1.0 - 1.0 / std::f64::consts::E) * opt - 1e-9);
            }
        }

        /// A time limit of zero still answers within budget, with a bound
        /// that holds.
        #[test]
        fn zero_time_limit_still_bounds((inst, budget, r, keep) in arb()) {
            let opt = brute(&inst, budget, r, &keep);
            let s = solve(&inst, budget, r, &keep, Duration::ZERO, Search::Auto);
            prop_assert!(s.chosen.len() <= budget);
            prop_assert!(keep.iter().all(|k| s.chosen.contains(k)));
            prop_assert!(s.upper_bound >= opt - 1e-9);
            prop_assert!(s.optimal || s.score <= s.upper_bound);
            if s.optimal {
                prop_assert!((s.score - opt).abs() < 1e-9);
            }
        }
    }

    /// A graph of `acts` activities and threats of the given weights, with
    /// `addresses` edges `(activity, threat)` taken modulo the sizes, and
    /// some `supports` edges between activities that must not count.
    fn graph(acts: usize, weights: &[i64], edges: &[(usize, usize)]) -> Graph {
        use crate::model::{Basis, Edge, ImpactFlow, KindDef, Node, Properties, RelationDef};
        let mut schema = crate::model::Schema::new();
        let kind = |s: &mut crate::model::Schema, name: &str| {
            s.add_kind(KindDef {
                name: name.into(),
                plural: None,
                description: String::new(),
                look: Default::default(),
                share: None,
            })
            .unwrap()
        };
        let (activity, threat) = (kind(&mut schema, "activity"), kind(&mut schema, "threat"));
        for (name, from, to) in [
            ("addresses", activity, threat),
            ("supports", activity, activity),
        ] {
            schema
                .add_relation(RelationDef {
                    name: name.into(),
                    from: vec![from],
                    to: vec![to],
                    meaning: String::new(),
                    inverse: None,
                    impact: ImpactFlow::None,
                    mitigation: false,
                    look: Default::default(),
                    roles: Default::default(),
                    generate: None,
                })
                .unwrap();
        }
        let mut g = Graph::new(schema);
        let mut node = |id: String, kind, weight: Option<i64>| {
            let mut properties = Properties::new();
            if let Some(w) = weight {
                properties.insert("weight".into(), Value::Integer(w));
            }
            g.add_node(Node::with(id.clone(), kind, id, properties, Vec::new()))
                .unwrap()
        };
        let a: Vec<NodeIndex> = (0..acts)
            .map(|i| node(format!("a{i}"), activity, None))
            .collect();
        let t: Vec<NodeIndex> = weights
            .iter()
            .enumerate()
            .map(|(i, w)| node(format!("t{i}"), threat, Some(*w)))
            .collect();
        let edge = |rel| Edge::new(RelId(rel), Basis::Stated);
        for &(x, y) in edges {
            g.add_edge(a[x % acts], t[y % t.len()], edge(0));
            g.add_edge(a[x % acts], a[y % acts], edge(1));
        }
        g
    }

    proptest! {
        /// On random graphs: the budget holds, kept nodes are in, removed
        /// ones out, the score is a recount from the graph's edges, and the
        /// bound holds against every subset.
        #[test]
        fn graph_answers_hold(
            acts in 1usize..9,
            weights in prop::collection::vec(0i64..4, 1..8),
            edges in prop::collection::vec((0usize..9, 0usize..8), 0..20),
            budget in 0usize..5,
            r in 1u32..3,
            keep in prop::option::of(0usize..9),
            without in prop::collection::vec(0usize..17, 0..3),
        ) {
            let g = graph(acts, &weights, &edges);
            let rel = g.schema().rel_id("addresses").unwrap();
            let all: Vec<NodeIndex> = g.nodes().map(|(ix, _)| ix).collect();
            let mut plan = Plan::new(rel, budget);
            plan.redundancy = r;
            plan.weight = Some("weight".into());
            plan.without = without.iter().map(|w| all[w % all.len()]).collect();
            if let Some(k) = keep
                .map(|k| all[k % acts])
                .filter(|k| budget > 0 && !plan.without.contains(k))
            {
                plan.keep = vec![k];
            }
            let p = prioritize(&g, &plan).unwrap();
            let chosen: Vec<NodeIndex> = p.chosen.iter().map(|c| c.node).collect();
            prop_assert!(chosen.len() <= budget);
            prop_assert!(plan.keep.iter().all(|k| chosen.contains(k)));
            prop_assert!(chosen.iter().all(|c| !plan.without.contains(c)));
            prop_assert!(p.counts.iter().all(|(t, _)| !plan.without.contains(t)));
            // Recount: threats (not removed) addressed `r` times by the chosen.
            let weight = |t: NodeIndex| match g.node(t).unwrap().properties().get("weight") {
                Some(Value::Integer(w)) => *w as f64,
                _ => 0.0,
            };
            let recount = |set: &[NodeIndex]| -> f64 {
                g.nodes()
                    .filter(|(ix, n)| n.id.starts_with('t') && !plan.without.contains(ix))
                    .filter(|(ix, _)| {
                        let by: HashSet<NodeIndex> = g
                            .edges_of(*ix, crate::model::Direction::In)
                            .filter(|e| e.edge.rel == rel && set.contains(&e.from))
                            .map(|e| e.from)
                            .collect();
                        by.len() >= r as usize
                    })
                    .map(|(ix, _)| weight(ix))
                    .sum()
            };
            prop_assert_eq!(recount(&chosen), p.score);
            let candidates: Vec<NodeIndex> = all[..acts]
                .iter()
                .copied()
                .filter(|a| !plan.without.contains(a))
                .collect();
            let mut best: f64 = 0.0;
            for mask in 0u32..(1 << candidates.len()) {
                let set: Vec<NodeIndex> = (0..candidates.len())
                    .filter(|i| mask & (1 << i) != 0)
                    .map(|i| candidates[i])
                    .collect();
                if set.len() <= budget && plan.keep.iter().all(|k| set.contains(k)) {
                    best = best.max(recount(&set));
                }
            }
            prop_assert!(p.optimal);
            prop_assert!(p.gap().is_none());
            prop_assert_eq!(p.score, best);
            prop_assert!(p.upper_bound >= best);
        }
    }
}
