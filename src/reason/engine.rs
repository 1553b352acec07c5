//! Semi-naive evaluation of chain rules over `(from, rel, to)` facts.
//!
//! A rule `r1 ∘ r2 ∘ … ∘ rk → h` derives the fact `(x, h, y)` from facts
//! `(x, r1, n1), (n1, r2, n2), …, (n(k-1), rk, y)`. Transitivity is the chain
//! `r ∘ r → r`. Rules make no new nodes, so the least fixpoint is finite.
//!
//! Every fact has an id: asserted facts `0..n` in the order given, derived
//! facts `n..` in the order found. Semi-naive evaluation runs in rounds; a
//! round's *delta* is the facts found by the round before (the asserted ones
//! in the first round), and a new fact must use at least one delta fact. For a
//! delta fact at chain position `i`, positions before `i` take only facts
//! older than the delta, positions after it take any fact known so far: every
//! chain is then tried exactly once. Because ids grow with the rounds, "older
//! than the delta" is a comparison of ids, and a derived fact's premises
//! always have smaller ids than it has, so proofs are acyclic.
//!
//! Lookups go through per-relation adjacency in both directions: compressed
//! rows (one offset per node, and each fact's other end beside its id) for
//! the asserted facts, which is cheap to build for millions of them, and
//! for the derived ones a list per node threaded through an array (first
//! and last id per node, next id per fact), which keeps id order and costs
//! no allocation per fact. Relations are numbered densely, so finding a
//! relation's index is an array access, not a hash. Whether a fact is
//! already known is a scan of its start's edges of its relation, not a set
//! of every fact; a start with many such edges (a hub) is checked through a
//! set of its facts instead. Only relations that occur in a rule are
//! indexed, and a rule one of whose relations has no fact at all is skipped.
//! Beside the rows, one bit per node and relation says whether the node has
//! any fact of it: most joins reach a node that has none, and that bit
//! (128 KiB for a million nodes) answers from cache where the row's offset
//! would cost a miss. On graphs too large for any cache to hold those
//! tables, the joins of a block of delta facts have their first reads done
//! together beforehand (from six million nodes on), so that their misses
//! overlap.
//!
//! A join allocates nothing per chain: it fills one buffer of premise ids
//! and hands finished chains to a buffer reused for every delta fact; the
//! proofs of accepted facts go into one flat array ([`Derivations`]). On the
//! generated million-node graph this is what keeps materialisation a small
//! part of a load (see BENCHMARKS.md).
//!
//! The evaluation is deterministic: facts are tried in id order, rules in
//! their given order, neighbours in id order, and the first proof found for a
//! fact is the one kept (in breadth-first order, so it is among the shallowest).
//!
//! Rules that only carry one relation along others (`addresses ∘ drives →
//! addresses`; the module `reason::linear` says exactly which) are not evaluated in
//! rounds on a large graph: [`materialise`] hands them to reachability,
//! which finds the same facts with proofs as shallow for a fraction of the
//! joins, and runs the rounds above for the rest.

use foldhash::{HashSet, HashSetExt as _};

/// A node, as a dense number (`NodeIndex::index()` in a graph).
pub type NodeId = u32;

/// A relation, as a number (`RelId.0` in a schema).
pub type RelNo = u16;

/// One edge: `from` is related by `rel` to `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fact {
    /// The node the edge starts at.
    pub from: NodeId,
    /// Its relation.
    pub rel: RelNo,
    /// The node it ends at.
    pub to: NodeId,
}

/// The asserted facts as the engine reads them: only from first to last, a
/// few times over (to size its tables, to index them, and in its first
/// round), never by id. So a caller that holds the facts in another form
/// lends them as they are rather than copying them into a list: a bulk load
/// lends its batches of parsed edges, and a copy of a million-node graph's
/// 3.7M edges as [`Fact`]s was 45 MB of fresh memory on the critical path
/// of the load (BENCHMARKS.md, "Reasoning: what derived edges cost").
pub trait Asserted {
    /// The facts in id order: fact `i` is the `i`-th.
    fn facts(&self) -> impl Iterator<Item = Fact> + Clone + '_;
}

impl Asserted for [Fact] {
    fn facts(&self) -> impl Iterator<Item = Fact> + Clone + '_ {
        self.iter().copied()
    }
}

impl Asserted for Vec<Fact> {
    fn facts(&self) -> impl Iterator<Item = Fact> + Clone + '_ {
        self.iter().copied()
    }
}

/// A chain rule: the facts along `chain`, end to end, give one `head` fact
/// from the chain's first node to its last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainRule {
    /// The relations to follow, in order (at least one).
    pub chain: Vec<RelNo>,
    /// The relation of the derived fact.
    pub head: RelNo,
}

/// The facts derived from a set of asserted ones, each with its proof, in
/// the order found: derived fact `i` has id `asserted + i`.
///
/// Proofs are kept flat, one array of premise ids for all of them, since a
/// large graph derives millions of facts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Derivations {
    facts: Vec<Fact>,
    rules: Vec<u32>,
    /// Where each derivation's premises start in `premises`; one more entry
    /// than there are derivations.
    starts: Vec<u32>,
    premises: Vec<u32>,
}

/// The proofs of derived facts, flat, as [`Derivations::into_parts`] gives
/// them; [`Proofs::append`] joins those of consecutive chunks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proofs {
    /// The rule of each proof.
    pub rules: Vec<u32>,
    /// Where each proof's premises start in `premises`, and one more
    /// entry for where the last one ends (empty when there are no proofs).
    pub starts: Vec<u32>,
    /// The premises of every proof, one after the other.
    pub premises: Vec<u32>,
}

impl Proofs {
    /// Appends the proofs of the next chunk.
    pub fn append(&mut self, next: &Proofs) {
        let Some((_, ends)) = next.starts.split_first() else {
            return;
        };
        let shift = self.premises.len() as u32;
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        self.rules.extend_from_slice(&next.rules);
        self.starts.extend(ends.iter().map(|&e| e + shift));
        self.premises.extend_from_slice(&next.premises);
    }
}

/// One derived fact and its proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Derivation<'a> {
    /// The new fact.
    pub fact: Fact,
    /// The position of the rule that derived it.
    pub rule: usize,
    /// The ids of the facts the rule used, in chain order: below the number
    /// of asserted facts an asserted one, else derived fact `id - asserted`.
    pub premises: &'a [u32],
}

impl Derivations {
    /// Room for `n` derivations of `premises_each` premises each, so that a
    /// chunk filled up to `n` is written once, in place, rather than copied
    /// at every doubling; and chunks of one size reuse the memory of those
    /// freed before them.
    pub(crate) fn with_capacity(n: usize, premises_each: usize) -> Self {
        Derivations {
            facts: Vec::with_capacity(n),
            rules: Vec::with_capacity(n),
            starts: Vec::with_capacity(n + 1),
            premises: Vec::with_capacity(n.saturating_mul(premises_each)),
        }
    }

    /// How many facts were derived.
    pub fn len(&self) -> usize {
        self.facts.len()
    }

    /// Whether nothing was derived.
    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }

    /// The `i`-th derived fact, with its proof.
    pub fn get(&self, i: usize) -> Option<Derivation<'_>> {
        let fact = *self.facts.get(i)?;
        let rule = *self.rules.get(i)? as usize;
        let (a, b) = (*self.starts.get(i)?, *self.starts.get(i + 1)?);
        let premises = self.premises.get(a as usize..b as usize)?;
        Some(Derivation {
            fact,
            rule,
            premises,
        })
    }

    /// The derived facts with their proofs, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = Derivation<'_>> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The derived facts alone, in the order found.
    pub fn facts(&self) -> &[Fact] {
        &self.facts
    }

    /// The facts, and the proofs as three arrays: proof `i` is rule
    /// `rules[i]` with premises `premises[starts[i]..starts[i + 1]]`
    /// (`starts` has one more entry than there are facts, or none when
    /// there are none).
    pub fn into_parts(self) -> (Vec<Fact>, Proofs) {
        let proofs = Proofs {
            rules: self.rules,
            starts: self.starts,
            premises: self.premises,
        };
        (self.facts, proofs)
    }

    /// The proofs recorded so far with their facts, as a chunk of its own;
    /// leaves these empty for the next.
    fn finish(&mut self, facts: Vec<Fact>) -> Derivations {
        let mut out = std::mem::take(self);
        out.facts = facts;
        out
    }

    /// Records the next derived fact with its proof.
    pub(crate) fn push_fact(&mut self, fact: Fact, rule: u32, premises: &[u32]) {
        self.facts.push(fact);
        self.push(rule, premises);
    }

    /// Records the proof of the next derived fact (the facts themselves
    /// are the store's, taken when a chunk is finished).
    fn push(&mut self, rule: u32, premises: &[u32]) {
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        self.rules.push(rule);
        self.premises.extend_from_slice(premises);
        self.starts.push(self.premises.len() as u32);
    }
}

/// Why materialisation stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// The rules derived more facts than the limit allows.
    #[error("the rules derive more than {limit} edges")]
    TooMany {
        /// The most derived facts allowed.
        limit: usize,
        /// How many facts were asserted (the engine counts them as it
        /// reads them).
        asserted: usize,
    },
}

/// The most facts, asserted and derived together, the engine numbers: ids
/// are `u32`, and `u32::MAX` marks "none" in its lists.
pub(crate) const MAX_FACTS: usize = u32::MAX as usize - 1;

/// Derives every fact `rules` give from `facts`, each once, none equal to an
/// asserted fact, with a shallowest proof: the first found in breadth-first
/// order, or for rules that extend a relation along others, the one
/// module `reason::linear` describes. A premise always has a smaller id than the
/// fact it proves.
///
/// # Arguments
/// - `facts`: the asserted facts (duplicates count once: the first is kept);
/// - `rules`: chain rules (a rule with an empty chain derives nothing);
/// - `limit`: the most facts it may derive.
///
/// # Returns
/// The derived facts in the order found; their ids follow the asserted ones.
/// An error when more than `limit` would be derived (or more than ids can
/// number, about four billion facts in all).
///
/// # Complexity
/// Building the index is O(|facts| + nodes); each round costs the chains
/// tried from its delta, in total O(|rules| · Σ joins) as in any semi-naive
/// evaluation; the result has at most |heads| · nodes² facts.
///
/// # Example
/// ```
/// use seccoop::reason::engine::{materialise, ChainRule, Fact};
///
/// // 0 -kind_of(1)-> 1 -kind_of(1)-> 2: transitivity gives 0 -kind_of-> 2.
/// let facts = [Fact { from: 0, rel: 1, to: 1 }, Fact { from: 1, rel: 1, to: 2 }];
/// let rules = [ChainRule { chain: vec![1, 1], head: 1 }];
/// let derived = materialise(&facts, &rules, 100).unwrap();
/// assert_eq!(derived.len(), 1);
/// let d = derived.get(0).unwrap();
/// assert_eq!(d.fact, Fact { from: 0, rel: 1, to: 2 });
/// assert_eq!(d.premises, &[0, 1]);
/// ```
pub fn materialise(
    facts: &[Fact],
    rules: &[ChainRule],
    limit: usize,
) -> Result<Derivations, EngineError> {
    let mut all = Derivations::default();
    materialise_in_chunks(facts, rules, limit, usize::MAX, &mut |d| {
        all = d;
        true
    })?;
    Ok(all)
}

/// [`materialise`], handing the derived facts to `emit` as they are found,
/// `chunk` at a time (the last chunk may be shorter, or empty), so a caller
/// can use the first while the rest are worked out. Each chunk is a
/// [`Derivations`] of its own; premise ids are ids of the whole run.
///
/// `emit` returns whether to go on: `false` stops the evaluation (what was
/// emitted is then a prefix of the answer).
///
/// # Returns
/// How many facts were derived, or [`materialise`]'s error; chunks emitted
/// before an error stay emitted.
pub fn materialise_in_chunks<A: Asserted + ?Sized>(
    facts: &A,
    rules: &[ChainRule],
    limit: usize,
    chunk: usize,
    emit: &mut dyn FnMut(Derivations) -> bool,
) -> Result<usize, EngineError> {
    materialise_counted(facts, rules, &|_| limit, chunk, emit)
}

/// [`materialise_in_chunks`] with the limit a function of how many facts
/// are asserted, which the engine counts in its first pass over them (a
/// source of facts need not know their number beforehand).
///
/// Rules that extend a relation along others (see [`super::linear`]) are
/// worked out as reachability rather than round by round: the same facts,
/// with proofs as shallow.
pub(crate) fn materialise_counted<A: Asserted + ?Sized>(
    facts: &A,
    rules: &[ChainRule],
    limit: &dyn Fn(usize) -> usize,
    chunk: usize,
    emit: &mut dyn FnMut(Derivations) -> bool,
) -> Result<usize, EngineError> {
    let linear = super::linear::heads(rules);
    if linear.is_empty() {
        semi_naive(facts, rules, limit, chunk, emit)
    } else {
        super::linear::materialise(
            facts,
            rules,
            &linear,
            super::linear::SMALL,
            limit,
            chunk,
            emit,
        )
    }
}

/// One more than the largest relation number `rules` name (0 for none):
/// the size of a table with an entry per relation.
pub(crate) fn relations_named(rules: &[ChainRule]) -> usize {
    (rules.iter())
        .flat_map(|r| r.chain.iter().chain([&r.head]))
        .map(|&r| usize::from(r) + 1)
        .max()
        .unwrap_or(0)
}

/// [`materialise_counted`] by semi-naive evaluation alone, whatever the
/// rules' shape.
pub(crate) fn semi_naive<A: Asserted + ?Sized>(
    facts: &A,
    rules: &[ChainRule],
    limit: &dyn Fn(usize) -> usize,
    chunk: usize,
    emit: &mut dyn FnMut(Derivations) -> bool,
) -> Result<usize, EngineError> {
    // Which relations have a fact, and one more than the largest node a
    // fact of each touches (0 for none): an entry per relation number,
    // since a hash per fact would cost more than the rest of this pass.
    // The tables stop at the largest relation number a fact or rule names:
    // a small graph should not clear one entry for each possible number.
    let top = relations_named(rules);
    let mut ends = vec![0usize; top];
    let mut asserted = 0usize;
    // Passes over the facts go through `for_each`, which a source made of
    // several lists (a load's batches) runs as one tight loop per list.
    facts.facts().for_each(|f| {
        asserted += 1;
        let rel = usize::from(f.rel);
        if rel >= ends.len() {
            ends.resize(rel + 1, 0);
        }
        if let Some(e) = ends.get_mut(rel) {
            *e = (*e).max(f.from.max(f.to) as usize + 1);
        }
    });
    let limit = limit(asserted).min(MAX_FACTS.saturating_sub(asserted));
    if asserted > MAX_FACTS {
        return Err(EngineError::TooMany { limit, asserted });
    }
    let mut present: Vec<bool> = ends.iter().map(|&e| e > 0).collect();
    // A rule can fire only if every relation of its chain has a fact, given
    // or derived; heads of live rules become present too, so iterate.
    let mut live = vec![false; rules.len()];
    loop {
        let mut changed = false;
        for (i, r) in rules.iter().enumerate() {
            let ready = !r.chain.is_empty()
                && r.chain
                    .iter()
                    .all(|&c| present.get(usize::from(c)).copied().unwrap_or(false));
            if let Some(l) = live.get_mut(i).filter(|l| !**l && ready) {
                *l = true;
                if let Some(p) = present.get_mut(usize::from(r.head)) {
                    *p = true;
                }
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    if !live.contains(&true) {
        emit(Derivations::default());
        return Ok(0);
    }
    let mut store = Store::new(facts, asserted, rules, &live, &ends);
    // For each relation, the (rule, position) pairs of live rules that follow it.
    let mut uses: Vec<Vec<(usize, usize)>> = vec![Vec::new(); store.slot.len()];
    for (rule_no, rule) in rules.iter().enumerate() {
        if !live.get(rule_no).copied().unwrap_or(false) {
            continue;
        }
        for (pos, &rel) in rule.chain.iter().enumerate() {
            if let Some(u) = uses.get_mut(rel as usize) {
                u.push((rule_no, pos));
            }
        }
    }
    // For each relation, the relations joins forwards from its facts follow.
    let next: Vec<Vec<usize>> = uses
        .iter()
        .map(|u| {
            let mut n: Vec<usize> = (u.iter())
                .filter_map(|&(rule_no, pos)| rules.get(rule_no)?.chain.get(pos + 1))
                .filter_map(|&rel| store.slot.get(rel as usize).copied().flatten())
                .collect();
            n.sort_unstable();
            n.dedup();
            n
        })
        .collect();
    // The proofs since the last chunk; their facts are the store's.
    let mut derived = Derivations::default();
    let mut emitted = 0;
    let mut pending = Pending::default();
    let mut chain: Vec<u32> = Vec::new();
    let read_ahead = store.nodes >= READ_AHEAD_FROM;
    let (mut delta_start, mut delta_end) = (0usize, asserted);
    let mut first_round = facts.facts();
    let mut block: Vec<Fact> = Vec::with_capacity(AHEAD);
    while delta_start < delta_end {
        if delta_start > 0 {
            // Joins backwards from a delta fact read the facts of the
            // relations before it in the chain by their ends: index those.
            let mut in_delta = vec![false; uses.len()];
            let delta = (store.derived)
                .get(delta_start - asserted..delta_end - asserted)
                .unwrap_or_default();
            for f in delta {
                if let Some(seen) = in_delta.get_mut(f.rel as usize) {
                    *seen = true;
                }
            }
            for (rel, _) in in_delta.iter().enumerate().filter(|(_, seen)| **seen) {
                for &(rule_no, pos) in uses.get(rel).map_or(&[][..], Vec::as_slice) {
                    let chain = rules.get(rule_no).map_or(&[][..], |r| r.chain.as_slice());
                    for &before in chain.get(..pos).unwrap_or_default() {
                        store.index_ends(facts, before);
                    }
                }
            }
        }
        // The delta a block at a time: the first round's from the asserted
        // facts' source, in order, later rounds' from the derived facts.
        let mut start = delta_start;
        while start < delta_end {
            let end = (start + AHEAD).min(delta_end);
            block.clear();
            if start < asserted {
                block.extend(first_round.by_ref().take(end - start));
            } else {
                let derived = store.derived.get(start - asserted..end - asserted);
                block.extend_from_slice(derived.unwrap_or_default());
            }
            if read_ahead {
                store.read_ahead(&block, &next);
            }
            for (id, &fact) in (start..end).zip(&block) {
                let Some(uses) = uses.get(fact.rel as usize) else {
                    continue;
                };
                for &(rule_no, pos) in uses {
                    let Some(rule) = rules.get(rule_no) else {
                        continue;
                    };
                    let join = Join {
                        store: &store,
                        rule,
                        rule_no: rule_no as u32,
                        pos,
                        right: fact.to,
                        old_end: delta_start,
                        all_end: delta_end,
                    };
                    // Every position is written before a chain is finished, so
                    // the buffer is only resized, not cleared, between joins.
                    if chain.len() != rule.chain.len() {
                        chain.clear();
                        chain.resize(rule.chain.len(), NONE);
                    }
                    if let Some(slot) = chain.get_mut(pos) {
                        *slot = id as u32;
                    }
                    join.left(pos, fact.from, &mut chain, &mut pending);
                }
                // Accept the chains found through this fact in the order found:
                // the first proof of a fact is the one kept.
                for (fact, rule, premises) in pending.drain() {
                    if store.holds(fact) {
                        continue;
                    }
                    if store.derived.len() >= limit {
                        return Err(EngineError::TooMany { limit, asserted });
                    }
                    store.add_derived(fact);
                    derived.push(rule, premises);
                    if derived.rules.len() >= chunk {
                        let facts = store.derived.get(emitted..).unwrap_or_default().to_vec();
                        emitted = store.derived.len();
                        if !emit(derived.finish(facts)) {
                            return Ok(emitted);
                        }
                    }
                }
                pending.clear();
            }
            start = end;
        }
        delta_start = delta_end;
        delta_end = asserted + store.derived.len();
    }
    let count = store.derived.len();
    let facts = if emitted == 0 {
        std::mem::take(&mut store.derived)
    } else {
        store.derived.get(emitted..).unwrap_or_default().to_vec()
    };
    emit(derived.finish(facts));
    Ok(count)
}

/// Chains found through one delta fact, waiting to be checked: each head
/// fact with its rule and the span of its premises in one flat array.
#[derive(Default)]
struct Pending {
    heads: Vec<(Fact, u32, u32, u32)>,
    premises: Vec<u32>,
}

impl Pending {
    fn push(&mut self, fact: Fact, rule: u32, premises: &[u32]) {
        let start = self.premises.len() as u32;
        self.premises.extend_from_slice(premises);
        self.heads
            .push((fact, rule, start, self.premises.len() as u32));
    }

    /// The chains in the order found.
    fn drain(&self) -> impl Iterator<Item = (Fact, u32, &[u32])> + '_ {
        self.heads.iter().map(|&(f, r, a, b)| {
            let p = self
                .premises
                .get(a as usize..b as usize)
                .unwrap_or_default();
            (f, r, p)
        })
    }

    fn clear(&mut self) {
        self.heads.clear();
        self.premises.clear();
    }
}

/// "No fact": the end of a list of derived facts.
pub(crate) const NONE: u32 = u32::MAX;

/// Compressed rows: entries grouped by node, by default the fact ids of one
/// relation, each beside the fact's other end (one pair, so reading a row
/// touches one place in memory, not two).
#[derive(Default)]
pub(crate) struct Rows<T = (u32, NodeId)> {
    offsets: Vec<u32>,
    facts: Vec<T>,
}

impl<T: Copy + Default> Rows<T> {
    /// Counting sort of `(table, node, entry)` items into `count` tables of
    /// rows over `nodes` nodes, in two passes over the items and with
    /// nothing allocated but the rows: the asserted facts of every relation
    /// the rules use are sorted straight from the fact list, not copied
    /// into a list per relation first (44 MB at a million nodes). Within a
    /// row, items keep their order. `seen(table, node, entry)` is called
    /// for each item in the first pass.
    pub(crate) fn build_many<I>(
        nodes: usize,
        count: usize,
        items: I,
        mut seen: impl FnMut(usize, NodeId, &T),
    ) -> Vec<Rows<T>>
    where
        I: Iterator<Item = (usize, NodeId, T)> + Clone,
    {
        let mut offsets: Vec<Vec<u32>> = (0..count).map(|_| vec![0u32; nodes + 1]).collect();
        items.clone().for_each(|(t, n, entry)| {
            seen(t, n, &entry);
            if let Some(o) = offsets.get_mut(t).and_then(|o| o.get_mut(n as usize + 1)) {
                *o += 1;
            }
        });
        let mut facts = Vec::with_capacity(count);
        for o in &mut offsets {
            for i in 1..o.len() {
                let prev = o.get(i - 1).copied().unwrap_or(0);
                if let Some(x) = o.get_mut(i) {
                    *x += prev;
                }
            }
            let total = o.last().copied().unwrap_or(0) as usize;
            facts.push(vec![T::default(); total]);
        }
        // `offsets[t][n]` is where node n's row starts; used as the cursor
        // of that row, it ends where the next row starts.
        items.for_each(|(t, n, entry)| {
            let (Some(o), Some(f)) = (offsets.get_mut(t), facts.get_mut(t)) else {
                return;
            };
            if let Some(cursor) = o.get_mut(n as usize) {
                if let Some(slot) = f.get_mut(*cursor as usize) {
                    *slot = entry;
                }
                *cursor += 1;
            }
        });
        // Each cursor now holds the next row's start: shift them back.
        (offsets.into_iter().zip(facts))
            .map(|(mut offsets, facts)| {
                offsets.rotate_right(1);
                if let Some(first) = offsets.first_mut() {
                    *first = 0;
                }
                Rows { offsets, facts }
            })
            .collect()
    }

    /// The entries at `node` (by default the ids and other ends of the
    /// facts there).
    pub(crate) fn get(&self, node: NodeId) -> &[T] {
        let n = node as usize;
        match (self.offsets.get(n), self.offsets.get(n + 1)) {
            (Some(&a), Some(&b)) => self.facts.get(a as usize..b as usize).unwrap_or_default(),
            _ => &[],
        }
    }
}

/// One bit per node, all clear at first. Here: whether a node has a fact
/// of a relation, asserted or derived, in one direction. Most joins reach
/// a node that has none, and this table (an eighth of a byte per node)
/// answers that from cache where the rows' offsets (four bytes per node)
/// would cost a miss.
#[derive(Debug, Default)]
pub(crate) struct Bits(Vec<u64>);

impl Bits {
    /// Room for nodes `0..nodes`, every bit clear.
    pub(crate) fn new(nodes: usize) -> Bits {
        Bits(vec![0; nodes.div_ceil(64)])
    }

    /// Sets the bit of `node` (a node past the room is ignored).
    pub(crate) fn set(&mut self, node: NodeId) {
        if let Some(w) = self.0.get_mut(node as usize / 64) {
            *w |= 1 << (node % 64);
        }
    }

    /// Sets the bit of `node`; whether it was clear (`false` for a node
    /// past the room).
    pub(crate) fn insert(&mut self, node: NodeId) -> bool {
        let clear = self
            .0
            .get(node as usize / 64)
            .is_some_and(|w| w & (1 << (node % 64)) == 0);
        self.set(node);
        clear
    }

    /// Whether the bit of `node` is set.
    pub(crate) fn get(&self, node: NodeId) -> bool {
        self.0
            .get(node as usize / 64)
            .is_some_and(|w| w & (1 << (node % 64)) != 0)
    }
}

/// Derived facts of one relation at each node, in id order: a list per
/// node threaded through `next` (first and last id per node).
#[derive(Default)]
struct Lists {
    first: Vec<u32>,
    last: Vec<u32>,
}

/// A derived fact's id, with what linking it into a [`Lists`] needs.
struct Place {
    id: u32,
    nodes: usize,
    asserted: usize,
}

impl Place {
    /// Appends the fact to `node`'s list (`next` links each derived fact to
    /// the next of the same list).
    fn link(&self, lists: &mut Lists, next: &mut [u32], node: NodeId) {
        if lists.first.is_empty() {
            lists.first = vec![NONE; self.nodes];
            lists.last = vec![NONE; self.nodes];
        }
        let n = node as usize;
        let (Some(first), Some(last)) = (lists.first.get_mut(n), lists.last.get_mut(n)) else {
            return;
        };
        if *last == NONE {
            *first = self.id;
        } else if let Some(prev) = next.get_mut(*last as usize - self.asserted) {
            *prev = self.id;
        }
        *last = self.id;
    }
}

/// One relation's facts, asserted and derived, by start and by end.
#[derive(Default)]
struct Relation {
    out: Rows,
    /// The facts by end, built the first time a round needs them (see
    /// [`Store::index_ends`]); until then `inc_derived` is not kept either.
    inc: Option<Rows>,
    /// The nodes with a fact of the relation starting, and ending, there.
    has_out: Bits,
    has_inc: Bits,
    out_derived: Lists,
    inc_derived: Lists,
}

/// The known facts and the adjacency of the relations rules use.
struct Store {
    /// How many facts are asserted: derived fact `i` has id `asserted + i`.
    asserted: usize,
    derived: Vec<Fact>,
    /// Per derived fact, the next derived fact of its relation from the same
    /// start, and to the same end; the latter only once some relation's
    /// facts are indexed by their end ([`Store::index_ends`]), which most
    /// derivations never need.
    next_out: Vec<u32>,
    next_inc: Vec<u32>,
    ends_indexed: bool,
    nodes: usize,
    /// Per relation number, its position in `relations`, if a rule uses it.
    slot: Vec<Option<usize>>,
    relations: Vec<Relation>,
    /// The facts at starts with more than [`SCAN_LIMIT`] edges of a
    /// relation, as a set, so a hub does not make every check a long scan.
    hubs: HashSet<(RelNo, NodeId)>,
    at_hubs: HashSet<Fact>,
}

/// How many delta facts' joins [`Store::read_ahead`] reads ahead for.
const AHEAD: usize = 32;

/// The fewest nodes for which the joins read ahead ([`Store::read_ahead`]).
/// On the generated graphs (BENCHMARKS.md, "Reading ahead"), reading ahead
/// made the engine 10–13% faster at 10M nodes, whose tables no cache holds,
/// and 4–10% slower at 1M and 3M, where the reads it overlaps are cache hits
/// the processor overlaps by itself and the extra pass over the delta facts
/// is pure cost. Unit tests read ahead at every size.
#[cfg(not(test))]
const READ_AHEAD_FROM: usize = 6_000_000;
/// The fewest nodes for which the joins read ahead.
#[cfg(test)]
const READ_AHEAD_FROM: usize = 1;

/// How many edges of a relation a start may have before checks at it use a
/// set rather than a scan.
const SCAN_LIMIT: usize = 32;

impl Store {
    /// The store of `facts` for the `live` rules; `ends[rel]` is one more
    /// than the largest node a fact of `rel` touches.
    fn new<A: Asserted + ?Sized>(
        facts: &A,
        asserted: usize,
        rules: &[ChainRule],
        live: &[bool],
        ends: &[usize],
    ) -> Self {
        let mut used: Vec<RelNo> = Vec::new();
        for (r, _) in rules.iter().zip(live).filter(|(_, l)| **l) {
            used.extend(r.chain.iter().copied());
            used.push(r.head);
        }
        used.sort_unstable();
        used.dedup();
        let top = used.last().map_or(0, |&r| r as usize + 1);
        let mut slot = vec![None; top];
        for (i, &r) in used.iter().enumerate() {
            if let Some(s) = slot.get_mut(r as usize) {
                *s = Some(i);
            }
        }
        let is_used = |rel: RelNo| slot.get(rel as usize).copied().flatten();
        // Nodes are numbered densely; derived facts join nodes of used
        // relations only, so those bound the tables.
        let nodes = (used.iter())
            .filter_map(|&r| ends.get(usize::from(r)))
            .max()
            .copied()
            .unwrap_or(0);
        let mut has: Vec<(Bits, Bits)> = (0..used.len())
            .map(|_| (Bits::new(nodes), Bits::new(nodes)))
            .collect();
        let items = (facts.facts().enumerate())
            .filter_map(|(i, f)| Some((is_used(f.rel)?, f.from, (i as u32, f.to))));
        // The bits are set in the same pass that counts the rows.
        let rows = Rows::build_many(nodes, used.len(), items, |t, from, &(_, to)| {
            if let Some((has_out, has_inc)) = has.get_mut(t) {
                has_out.set(from);
                has_inc.set(to);
            }
        });
        let relations = (rows.into_iter().zip(has))
            .map(|(out, (has_out, has_inc))| Relation {
                out,
                has_out,
                has_inc,
                ..Relation::default()
            })
            .collect();
        Store {
            asserted,
            derived: Vec::new(),
            next_out: Vec::new(),
            next_inc: Vec::new(),
            ends_indexed: false,
            nodes,
            slot,
            relations,
            hubs: HashSet::new(),
            at_hubs: HashSet::new(),
        }
    }

    fn relation(&self, rel: RelNo) -> Option<&Relation> {
        let s = self.slot.get(rel as usize).copied().flatten()?;
        self.relations.get(s)
    }

    /// Whether a fact is known, asserted or derived: a scan of its start's
    /// edges of its relation, which are few, rather than a set of every
    /// fact, which costs a hash per edge of a million-edge graph.
    fn holds(&mut self, f: Fact) -> bool {
        let key = (f.rel, f.from);
        if self.hubs.is_empty() || !self.hubs.contains(&key) {
            // One pass: the fact turns up, or the start's edges run out,
            // before the start proves to be a hub.
            let mut seen = 0;
            for (_, to) in self.at(f.rel, f.from, true) {
                if to == f.to {
                    return true;
                }
                seen += 1;
                if seen > SCAN_LIMIT {
                    break;
                }
            }
            if seen <= SCAN_LIMIT {
                return false;
            }
            let known: Vec<Fact> = self
                .at(f.rel, f.from, true)
                .map(|(_, to)| Fact {
                    from: f.from,
                    rel: f.rel,
                    to,
                })
                .collect();
            self.at_hubs.extend(known);
            self.hubs.insert(key);
        }
        self.at_hubs.contains(&f)
    }

    /// Adds a derived fact: to the list of derived facts, to the lists of
    /// its start and end, and to the set at its start if that is a hub.
    fn add_derived(&mut self, f: Fact) {
        let id = (self.asserted + self.derived.len()) as u32;
        self.derived.push(f);
        self.next_out.push(NONE);
        if self.ends_indexed {
            self.next_inc.push(NONE);
        }
        if !self.hubs.is_empty() && self.hubs.contains(&(f.rel, f.from)) {
            self.at_hubs.insert(f);
        }
        let (asserted, nodes) = (self.asserted, self.nodes);
        let Some(s) = self.slot.get(f.rel as usize).copied().flatten() else {
            return;
        };
        let Some(rel) = self.relations.get_mut(s) else {
            return;
        };
        let place = Place {
            id,
            nodes,
            asserted,
        };
        place.link(&mut rel.out_derived, &mut self.next_out, f.from);
        if rel.inc.is_some() {
            place.link(&mut rel.inc_derived, &mut self.next_inc, f.to);
        }
        rel.has_out.set(f.from);
        rel.has_inc.set(f.to);
    }

    /// Indexes the facts of `rel` by their end, asserted and derived so
    /// far, if that is not done yet; [`Store::add_derived`] keeps it up to
    /// date from then on. Only a round that joins backwards reads this index
    /// (the first never does), so a load whose later rounds never do saves
    /// building it.
    fn index_ends<A: Asserted + ?Sized>(&mut self, facts: &A, rel: RelNo) {
        let Some(s) = self.slot.get(rel as usize).copied().flatten() else {
            return;
        };
        if self.relations.get(s).is_none_or(|r| r.inc.is_some()) {
            return;
        }
        let items = (facts.facts().enumerate())
            .filter(|(_, f)| f.rel == rel)
            .map(|(i, f)| (0, f.to, (i as u32, f.from)));
        let (nodes, asserted) = (self.nodes, self.asserted);
        let inc = (Rows::build_many(nodes, 1, items, |_, _, _| ()).pop()).unwrap_or_default();
        if let Some(r) = self.relations.get_mut(s) {
            r.inc = Some(inc);
        }
        // The derived facts so far, linked in id order as `add_derived` would.
        self.next_inc.resize(self.derived.len(), NONE);
        self.ends_indexed = true;
        let derived: Vec<(usize, Fact)> = (self.derived.iter().enumerate())
            .filter(|(_, f)| f.rel == rel)
            .map(|(i, f)| (asserted + i, *f))
            .collect();
        if let Some(r) = self.relations.get_mut(s) {
            for (id, f) in derived {
                let place = Place {
                    id: id as u32,
                    nodes,
                    asserted,
                };
                place.link(&mut r.inc_derived, &mut self.next_inc, f.to);
            }
        }
    }

    /// Reads, for the delta facts `block`, the first row entry each of their
    /// joins forwards will read, so that the cache misses of a block of
    /// joins overlap instead of coming one after another: the joins' ends
    /// are scattered over tables of several bytes per node. `next[rel]`
    /// lists the relations (as positions in `relations`) that joins from a
    /// fact of `rel` follow next.
    fn read_ahead(&self, block: &[Fact], next: &[Vec<usize>]) {
        let mut sum = 0u32;
        for fact in block {
            for &s in next.get(fact.rel as usize).map_or(&[][..], Vec::as_slice) {
                let Some(r) = self.relations.get(s) else {
                    continue;
                };
                if r.has_out.get(fact.to) {
                    let start = r.out.offsets.get(fact.to as usize).copied().unwrap_or(0);
                    let first = r.out.facts.get(start as usize).map_or(0, |&(i, e)| i ^ e);
                    sum = sum.wrapping_add(first);
                }
            }
        }
        std::hint::black_box(sum);
    }

    /// The facts of `rel` at `node`, outgoing or incoming, asserted first,
    /// in id order: each fact's id and its other end.
    fn at(&self, rel: RelNo, node: NodeId, outgoing: bool) -> At<'_> {
        let Some(r) = self.relation(rel) else {
            return At::default();
        };
        let (rows, lists, next, has) = if outgoing {
            (&r.out, &r.out_derived, &self.next_out, &r.has_out)
        } else {
            // Indexed before any round that reads it (`index_ends`).
            let Some(inc) = &r.inc else {
                return At::default();
            };
            (inc, &r.inc_derived, &self.next_inc, &r.has_inc)
        };
        if !has.get(node) {
            return At::default();
        }
        At {
            rows: rows.get(node),
            next: lists.first.get(node as usize).copied().unwrap_or(NONE),
            links: next,
            derived: &self.derived,
            asserted: self.asserted,
            outgoing,
        }
    }
}

/// The facts of one relation at one node: the asserted ones from their
/// rows, then the derived ones along their list.
#[derive(Default)]
struct At<'s> {
    rows: &'s [(u32, NodeId)],
    next: u32,
    links: &'s [u32],
    derived: &'s [Fact],
    asserted: usize,
    outgoing: bool,
}

impl Iterator for At<'_> {
    type Item = (usize, NodeId);

    fn next(&mut self) -> Option<(usize, NodeId)> {
        if let Some((&(id, end), rest)) = self.rows.split_first() {
            self.rows = rest;
            return Some((id as usize, end));
        }
        if self.next == NONE || self.links.is_empty() {
            return None;
        }
        let id = self.next as usize;
        let local = id.checked_sub(self.asserted)?;
        let f = self.derived.get(local)?;
        self.next = self.links.get(local).copied().unwrap_or(NONE);
        Some((id, if self.outgoing { f.to } else { f.from }))
    }
}

/// The search for chains of one rule through one delta fact.
struct Join<'a> {
    store: &'a Store,
    rule: &'a ChainRule,
    rule_no: u32,
    /// The delta fact's position in the chain, and the node it ends at.
    pos: usize,
    right: NodeId,
    /// Facts below this id are older than the delta.
    old_end: usize,
    /// Facts below this id are known this round.
    all_end: usize,
}

impl Join<'_> {
    /// Fills `chain[0..p]` backwards from `node` with facts older than the
    /// delta; at the chain's start, goes on forwards after the delta fact.
    fn left(&self, p: usize, node: NodeId, chain: &mut [u32], out: &mut Pending) {
        let Some(before) = p.checked_sub(1) else {
            return self.right(self.pos + 1, self.right, node, chain, out);
        };
        if self.old_end == 0 {
            // The first round: no fact is older than the delta.
            return;
        }
        let rel = self.rule.chain.get(before).copied().unwrap_or(0);
        for (id, from) in self.store.at(rel, node, false) {
            // Ids come in increasing order: the rest are newer still.
            if id >= self.old_end {
                break;
            }
            if let Some(s) = chain.get_mut(before) {
                *s = id as u32;
            }
            self.left(before, from, chain, out);
        }
    }

    /// Fills `chain[p..]` forwards from `node` with any fact known this
    /// round; a full chain is pushed to `out`.
    fn right(&self, p: usize, node: NodeId, start: NodeId, chain: &mut [u32], out: &mut Pending) {
        let Some(&rel) = self.rule.chain.get(p) else {
            let fact = Fact {
                from: start,
                rel: self.rule.head,
                to: node,
            };
            return out.push(fact, self.rule_no, chain);
        };
        for (id, to) in self.store.at(rel, node, true) {
            if id >= self.all_end {
                break;
            }
            if let Some(s) = chain.get_mut(p) {
                *s = id as u32;
            }
            self.right(p + 1, to, start, chain, out);
        }
    }
}

/// The fact with an id, given the asserted facts and the derivations so far.
pub fn fact_of(id: usize, facts: &[Fact], derived: &Derivations) -> Option<Fact> {
    match facts.get(id) {
        Some(f) => Some(*f),
        None => derived.facts.get(id.checked_sub(facts.len())?).copied(),
    }
}
