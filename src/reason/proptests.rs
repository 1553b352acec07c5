//! Properties of materialisation on random facts, rules and graphs: every
//! proof is valid edge by edge, the result is the least fixpoint a naive
//! evaluator written independently finds, derivation is idempotent and
//! deterministic, and no rules derive nothing.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::engine::{ChainRule, Derivations, Fact, fact_of, materialise, materialise_in_chunks};

fn facts() -> impl Strategy<Value = Vec<Fact>> {
    proptest::collection::vec((0u32..7, 0u16..3, 0u32..7), 0..24).prop_map(|v| {
        v.into_iter()
            .map(|(from, rel, to)| Fact { from, rel, to })
            .collect()
    })
}

/// Rule sets drawn from a menu in which relations 0 and 3 are linear (every
/// rule deriving them extends them by one step, and they appear in no other
/// rule) unless a later pick spoils that, so both the reachability path and
/// the semi-naive one run, alone and together.
fn linear_rules() -> impl Strategy<Value = Vec<ChainRule>> {
    let menu: [(&[u16], u16); 7] = [
        (&[0, 1], 0),
        (&[0, 2], 0),
        (&[1, 1], 1),
        (&[2, 1], 2),
        (&[3, 1], 3),
        (&[1, 2], 1),
        (&[0, 3], 2),
    ];
    (0u32..128).prop_map(move |pick| {
        (menu.iter().enumerate())
            .filter(|(i, _)| pick & (1 << i) != 0)
            .map(|(_, &(chain, head))| ChainRule {
                chain: chain.to_vec(),
                head,
            })
            .collect()
    })
}

fn linear_facts() -> impl Strategy<Value = Vec<Fact>> {
    proptest::collection::vec((0u32..8, 0u16..4, 0u32..8), 0..32).prop_map(|v| {
        v.into_iter()
            .map(|(from, rel, to)| Fact { from, rel, to })
            .collect()
    })
}

/// What the engine derives with rules that extend relations planned as
/// reachability whatever the number of facts (the engine does so only for
/// large graphs), `chunk` at a time.
fn by_reach(
    facts: &[Fact],
    rules: &[ChainRule],
    limit: usize,
    chunk: usize,
    emit: &mut dyn FnMut(Derivations) -> bool,
) -> Result<usize, super::engine::EngineError> {
    let linear = super::linear::heads(rules);
    if linear.is_empty() {
        return materialise_in_chunks(facts, rules, limit, chunk, emit);
    }
    super::linear::materialise(facts, rules, &linear, 0, &|_| limit, chunk, emit)
}

/// [`by_reach`] in one piece.
fn by_reach_whole(
    facts: &[Fact],
    rules: &[ChainRule],
    limit: usize,
) -> Result<Derivations, super::engine::EngineError> {
    let mut all = Derivations::default();
    by_reach(facts, rules, limit, usize::MAX, &mut |d| {
        all = d;
        true
    })?;
    Ok(all)
}

fn rules() -> impl Strategy<Value = Vec<ChainRule>> {
    proptest::collection::vec((proptest::collection::vec(0u16..3, 1..4), 0u16..3), 0..4).prop_map(
        |v| {
            v.into_iter()
                .map(|(chain, head)| ChainRule { chain, head })
                .collect()
        },
    )
}

/// The least fixpoint by brute force: every chain of every rule over every
/// known fact, until nothing is new.
fn naive(facts: &[Fact], rules: &[ChainRule]) -> BTreeSet<Fact> {
    let mut known: BTreeSet<Fact> = facts.iter().copied().collect();
    loop {
        let mut new = Vec::new();
        for rule in rules {
            // Ends reachable along the chain, from every start.
            let mut paths: Vec<(u32, u32)> = Vec::new();
            for (i, &rel) in rule.chain.iter().enumerate() {
                if i == 0 {
                    paths = known
                        .iter()
                        .filter(|f| f.rel == rel)
                        .map(|f| (f.from, f.to))
                        .collect();
                } else {
                    paths = paths
                        .iter()
                        .flat_map(|&(s, m)| {
                            known
                                .iter()
                                .filter(move |f| f.rel == rel && f.from == m)
                                .map(move |f| (s, f.to))
                        })
                        .collect();
                }
            }
            for (from, to) in paths {
                let f = Fact {
                    from,
                    rel: rule.head,
                    to,
                };
                if !known.contains(&f) {
                    new.push(f);
                }
            }
        }
        if new.is_empty() {
            return known;
        }
        known.extend(new);
    }
}

/// Whether a derivation's premises form its rule's chain from its start to its end.
fn valid(facts: &[Fact], derived: &Derivations, id: usize, rules: &[ChainRule]) -> bool {
    let Some(d) = derived.get(id - facts.len()) else {
        return false;
    };
    let Some(rule) = rules.get(d.rule) else {
        return false;
    };
    if rule.head != d.fact.rel || d.premises.len() != rule.chain.len() {
        return false;
    }
    let mut at = d.fact.from;
    for (&p, &rel) in d.premises.iter().zip(&rule.chain) {
        let p = p as usize;
        let Some(f) = fact_of(p, facts, derived) else {
            return false;
        };
        if p >= id || f.rel != rel || f.from != at {
            return false;
        }
        at = f.to;
    }
    at == d.fact.to
}

proptest! {
    #[test]
    fn every_proof_is_valid_edge_by_edge(facts in facts(), rules in rules()) {
        let derived = materialise(&facts, &rules, 10_000).unwrap();
        for id in facts.len()..facts.len() + derived.len() {
            prop_assert!(valid(&facts, &derived, id, &rules), "derivation {id} is not a proof");
        }
    }

    #[test]
    fn derivation_is_the_least_fixpoint(facts in facts(), rules in rules()) {
        let derived = materialise(&facts, &rules, 10_000).unwrap();
        let mut got: BTreeSet<Fact> = facts.iter().copied().collect();
        let before = got.len();
        got.extend(derived.iter().map(|d| d.fact));
        // No derived fact repeats an asserted one or another derived one.
        prop_assert_eq!(got.len(), before + derived.len());
        prop_assert_eq!(got, naive(&facts, &rules));
    }

    #[test]
    fn derivation_is_idempotent_and_deterministic(facts in facts(), rules in rules()) {
        let derived = materialise(&facts, &rules, 10_000).unwrap();
        prop_assert_eq!(&materialise(&facts, &rules, 10_000).unwrap(), &derived);
        let mut all = facts.clone();
        all.extend(derived.iter().map(|d| d.fact));
        prop_assert!(materialise(&all, &rules, 10_000).unwrap().is_empty());
    }

    #[test]
    fn chunks_are_the_whole_answer_cut_in_order(
        facts in facts(),
        rules in rules(),
        chunk in 1usize..5,
    ) {
        let whole = materialise(&facts, &rules, 10_000).unwrap();
        let flat = |d: &Derivations| -> Vec<(Fact, usize, Vec<u32>)> {
            d.iter().map(|x| (x.fact, x.rule, x.premises.to_vec())).collect()
        };
        let mut chunks = Vec::new();
        let count = materialise_in_chunks(&facts, &rules, 10_000, chunk, &mut |d| {
            chunks.push(d);
            true
        })
        .unwrap();
        prop_assert_eq!(count, whole.len());
        // Every chunk but the last is full; the last is shorter, maybe empty.
        let (last, full) = chunks.split_last().unwrap();
        prop_assert!(full.iter().all(|c| c.len() == chunk));
        prop_assert!(last.len() < chunk);
        let joined: Vec<_> = chunks.iter().flat_map(flat).collect();
        prop_assert_eq!(joined, flat(&whole));
        // Stopping after the first chunk leaves that chunk, and says so.
        let mut first = Vec::new();
        let stopped = materialise_in_chunks(&facts, &rules, 10_000, chunk, &mut |d| {
            first.push(d);
            false
        })
        .unwrap();
        prop_assert_eq!(first.len(), 1);
        prop_assert_eq!(stopped, first[0].len());
        prop_assert_eq!(flat(&first[0]), flat(&chunks[0]));
    }

    #[test]
    fn linear_rules_give_the_least_fixpoint_with_valid_proofs(
        facts in linear_facts(),
        rules in linear_rules(),
    ) {
        let derived = by_reach_whole(&facts, &rules, 10_000).unwrap();
        for id in facts.len()..facts.len() + derived.len() {
            prop_assert!(valid(&facts, &derived, id, &rules), "derivation {id} is not a proof");
        }
        let mut got: BTreeSet<Fact> = facts.iter().copied().collect();
        let before = got.len();
        got.extend(derived.iter().map(|d| d.fact));
        prop_assert_eq!(got.len(), before + derived.len());
        prop_assert_eq!(&got, &naive(&facts, &rules));
        // The semi-naive engine alone finds the same facts, no fewer.
        let mut semi = Derivations::default();
        super::engine::semi_naive(facts.as_slice(), &rules, &|_| 10_000, usize::MAX, &mut |d| {
            semi = d;
            true
        })
        .unwrap();
        let semi: BTreeSet<Fact> = semi.iter().map(|d| d.fact).collect();
        let mine: BTreeSet<Fact> = derived.iter().map(|d| d.fact).collect();
        prop_assert_eq!(mine, semi);
        // Deterministic, and nothing more to derive from the whole.
        prop_assert_eq!(&by_reach_whole(&facts, &rules, 10_000).unwrap(), &derived);
        let mut all = facts.clone();
        all.extend(derived.iter().map(|d| d.fact));
        prop_assert!(by_reach_whole(&all, &rules, 10_000).unwrap().is_empty());
    }

    #[test]
    fn linear_rules_are_cut_in_chunks_in_order_and_stop_at_the_limit(
        facts in linear_facts(),
        rules in linear_rules(),
        chunk in 1usize..5,
    ) {
        let whole = by_reach_whole(&facts, &rules, 10_000).unwrap();
        let mut joined = Derivations::default();
        let mut sizes = Vec::new();
        by_reach(&facts, &rules, 10_000, chunk, &mut |d| {
            sizes.push(d.len());
            for x in d.iter() {
                joined.push_fact(x.fact, x.rule as u32, x.premises);
            }
            true
        })
        .unwrap();
        prop_assert_eq!(joined, whole.clone());
        let (last, full) = sizes.split_last().unwrap();
        prop_assert!(full.iter().all(|&n| n == chunk));
        prop_assert!(*last < chunk);
        if !whole.is_empty() {
            prop_assert!(by_reach_whole(&facts, &rules, whole.len() - 1).is_err());
        }
    }

    #[test]
    fn no_rules_derive_nothing(facts in facts()) {
        prop_assert!(materialise(&facts, &[], 10_000).unwrap().is_empty());
    }

    #[test]
    fn the_limit_is_an_error_not_a_cut(facts in facts(), rules in rules()) {
        let all = materialise(&facts, &rules, 10_000).unwrap();
        if !all.is_empty() {
            prop_assert!(materialise(&facts, &rules, all.len() - 1).is_err());
            prop_assert_eq!(materialise(&facts, &rules, all.len()).unwrap(), all);
        }
    }
}

#[test]
fn a_hub_derives_each_fact_once() {
    // One node with 200 edges to threats, each a form of one general threat
    // (rel 1), and transitivity over rel 1: checks at the hub use the set.
    let mut facts: Vec<Fact> = (1..=200)
        .map(|t| Fact {
            from: 0,
            rel: 0,
            to: t,
        })
        .collect();
    facts.extend((1..=200).map(|t| Fact {
        from: t,
        rel: 1,
        to: 1000 + t % 3,
    }));
    let rules = [ChainRule {
        chain: vec![0, 1],
        head: 0,
    }];
    let derived = materialise(&facts, &rules, 10_000).unwrap();
    assert_eq!(derived.len(), 3);
    assert_eq!(naive(&facts, &rules).len(), facts.len() + 3);
}
