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
//! Lookups go through per-relation adjacency in both directions, kept as
//! compressed rows (one offset per node) for the asserted facts, which is
//! cheap to build for millions of them, plus a hash map for the derived ones.
//! Whether a fact is already known is a scan of its start's edges of its
//! relation, not a set of every fact; a start with many such edges (a hub)
//! is checked through a set of its facts instead.
//! Only relations that occur in a rule are indexed, and a rule one of whose
//! relations has no fact at all is skipped.
//!
//! The evaluation is deterministic: facts are tried in id order, rules in
//! their given order, neighbours in id order, and the first proof found for a
//! fact is the one kept (in breadth-first order, so it is among the shallowest).

use foldhash::{HashMap, HashMapExt as _, HashSet, HashSetExt as _};

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

/// A chain rule: the facts along `chain`, end to end, give one `head` fact
/// from the chain's first node to its last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainRule {
    /// The relations to follow, in order (at least one).
    pub chain: Vec<RelNo>,
    /// The relation of the derived fact.
    pub head: RelNo,
}

/// A derived fact and its proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derivation {
    /// The new fact.
    pub fact: Fact,
    /// The position of the rule that derived it.
    pub rule: usize,
    /// The ids of the facts the rule used, in chain order: below the number
    /// of asserted facts an asserted one, else derived fact `id - asserted`.
    pub premises: Vec<usize>,
}

/// Why materialisation stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// The rules derived more facts than the limit allows.
    #[error("the rules derive more than {limit} edges")]
    TooMany {
        /// The most derived facts allowed.
        limit: usize,
    },
}

/// Derives every fact `rules` give from `facts`, each once, none equal to an
/// asserted fact, with the proof first found for it.
///
/// # Arguments
/// - `facts`: the asserted facts (duplicates count once: the first is kept);
/// - `rules`: chain rules (a rule with an empty chain derives nothing);
/// - `limit`: the most facts it may derive.
///
/// # Returns
/// The derived facts in the order found; their ids follow the asserted ones.
/// An error when more than `limit` would be derived.
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
/// assert_eq!(derived[0].fact, Fact { from: 0, rel: 1, to: 2 });
/// assert_eq!(derived[0].premises, vec![0, 1]);
/// ```
pub fn materialise(
    facts: &[Fact],
    rules: &[ChainRule],
    limit: usize,
) -> Result<Vec<Derivation>, EngineError> {
    let mut present: HashSet<RelNo> = HashSet::new();
    for f in facts {
        present.insert(f.rel);
    }
    // A rule can fire only if every relation of its chain has a fact, given
    // or derived; heads of live rules become present too, so iterate.
    let mut live = vec![false; rules.len()];
    loop {
        let mut changed = false;
        for (i, r) in rules.iter().enumerate() {
            if !live[i] && !r.chain.is_empty() && r.chain.iter().all(|c| present.contains(c)) {
                live[i] = true;
                present.insert(r.head);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    if !live.contains(&true) {
        return Ok(Vec::new());
    }
    let mut store = Store::new(facts, rules, &live);
    let mut derived: Vec<Derivation> = Vec::new();
    let asserted = facts.len();
    let (mut delta_start, mut delta_end) = (0usize, asserted);
    while delta_start < delta_end {
        let mut found: Vec<Derivation> = Vec::new();
        for id in delta_start..delta_end {
            let fact = fact_at(id, facts, &derived);
            for (rule_no, rule) in rules.iter().enumerate() {
                if !live[rule_no] {
                    continue;
                }
                for (pos, &rel) in rule.chain.iter().enumerate() {
                    if rel != fact.rel {
                        continue;
                    }
                    let ctx = Join {
                        store: &store,
                        facts,
                        derived: &derived,
                        rule,
                        old_end: delta_start,
                        all_end: delta_end,
                    };
                    ctx.chains_through(id, fact, pos, |premises, from, to| {
                        let new = Fact {
                            from,
                            rel: rule.head,
                            to,
                        };
                        found.push(Derivation {
                            fact: new,
                            rule: rule_no,
                            premises,
                        });
                    });
                }
            }
        }
        let round_start = asserted + derived.len();
        for d in found {
            if !store.holds(d.fact, facts, &derived) {
                store.remember(d.fact);
                if derived.len() >= limit {
                    return Err(EngineError::TooMany { limit });
                }
                store.index_derived(asserted + derived.len(), d.fact);
                derived.push(d);
            }
        }
        delta_start = round_start;
        delta_end = asserted + derived.len();
    }
    Ok(derived)
}

/// Compressed rows: the fact ids of one relation, grouped by node.
struct Rows {
    offsets: Vec<u32>,
    ids: Vec<u32>,
}

impl Rows {
    fn get(&self, node: NodeId) -> &[u32] {
        let n = node as usize;
        match (self.offsets.get(n), self.offsets.get(n + 1)) {
            (Some(&a), Some(&b)) => self.ids.get(a as usize..b as usize).unwrap_or_default(),
            _ => &[],
        }
    }
}

/// The known facts and the adjacency of the relations rules use.
struct Store {
    /// Per relation: asserted facts by `from` and by `to`.
    out: HashMap<RelNo, Rows>,
    inc: HashMap<RelNo, Rows>,
    /// Derived facts by `(rel, from)` and `(rel, to)`.
    out_extra: HashMap<(RelNo, NodeId), Vec<u32>>,
    inc_extra: HashMap<(RelNo, NodeId), Vec<u32>>,
    /// The facts at starts with more than [`SCAN_LIMIT`] edges of a
    /// relation, as a set, so a hub does not make every check a long scan.
    hubs: HashSet<(RelNo, NodeId)>,
    at_hubs: HashSet<Fact>,
}

/// How many edges of a relation a start may have before checks at it use a
/// set rather than a scan.
const SCAN_LIMIT: usize = 32;

impl Store {
    fn new(facts: &[Fact], rules: &[ChainRule], live: &[bool]) -> Self {
        let mut used: HashSet<RelNo> = HashSet::new();
        for (r, _) in rules.iter().zip(live).filter(|(_, l)| **l) {
            used.extend(r.chain.iter().copied());
            used.insert(r.head);
        }
        let nodes = facts
            .iter()
            .filter(|f| used.contains(&f.rel))
            .map(|f| f.from.max(f.to) as usize + 1)
            .max()
            .unwrap_or(0);
        let mut by_rel: HashMap<RelNo, Vec<(NodeId, NodeId, usize)>> = HashMap::new();
        for (i, f) in facts.iter().enumerate() {
            if used.contains(&f.rel) {
                by_rel.entry(f.rel).or_default().push((f.from, f.to, i));
            }
        }
        let mut out = HashMap::new();
        let mut inc = HashMap::new();
        for (rel, list) in &by_rel {
            out.insert(*rel, rows(nodes, list.iter().map(|&(f, _, i)| (f, i))));
            inc.insert(*rel, rows(nodes, list.iter().map(|&(_, t, i)| (t, i))));
        }
        Store {
            out,
            inc,
            out_extra: HashMap::new(),
            hubs: HashSet::new(),
            at_hubs: HashSet::new(),
            inc_extra: HashMap::new(),
        }
    }

    /// Whether a fact is known, asserted or derived: a scan of its start's
    /// edges of its relation, which are few, rather than a set of every
    /// fact, which costs a hash per edge of a million-edge graph.
    fn holds(&mut self, f: Fact, facts: &[Fact], derived: &[Derivation]) -> bool {
        let key = (f.rel, f.from);
        if !self.hubs.contains(&key) {
            if self.at(f.rel, f.from, true).nth(SCAN_LIMIT).is_none() {
                return self
                    .at(f.rel, f.from, true)
                    .any(|id| fact_at(id, facts, derived).to == f.to);
            }
            let known: Vec<Fact> = self
                .at(f.rel, f.from, true)
                .map(|id| fact_at(id, facts, derived))
                .collect();
            self.at_hubs.extend(known);
            self.hubs.insert(key);
        }
        self.at_hubs.contains(&f)
    }

    /// Notes a new fact in the set of facts at hubs, if it starts at one.
    fn remember(&mut self, f: Fact) {
        if self.hubs.contains(&(f.rel, f.from)) {
            self.at_hubs.insert(f);
        }
    }

    fn index_derived(&mut self, id: usize, f: Fact) {
        let id = id as u32;
        self.out_extra.entry((f.rel, f.from)).or_default().push(id);
        self.inc_extra.entry((f.rel, f.to)).or_default().push(id);
    }

    /// The ids of facts of `rel` at `node`, outgoing or incoming, asserted
    /// first, in id order.
    fn at(&self, rel: RelNo, node: NodeId, outgoing: bool) -> impl Iterator<Item = usize> + '_ {
        let (rows, extra) = if outgoing {
            (&self.out, &self.out_extra)
        } else {
            (&self.inc, &self.inc_extra)
        };
        let base = rows.get(&rel).map(|r| r.get(node)).unwrap_or_default();
        let more = extra
            .get(&(rel, node))
            .map(Vec::as_slice)
            .unwrap_or_default();
        base.iter().chain(more).map(|&i| i as usize)
    }
}

/// [`fact_of`] for ids the store handed out, which are always known.
fn fact_at(id: usize, facts: &[Fact], derived: &[Derivation]) -> Fact {
    fact_of(id, facts, derived).unwrap_or(Fact {
        from: 0,
        rel: 0,
        to: 0,
    })
}

/// Counting sort of `(node, id)` pairs into rows over `nodes` nodes.
fn rows(nodes: usize, pairs: impl Iterator<Item = (NodeId, usize)> + Clone) -> Rows {
    let mut offsets = vec![0u32; nodes + 1];
    for (n, _) in pairs.clone() {
        if let Some(o) = offsets.get_mut(n as usize + 1) {
            *o += 1;
        }
    }
    for i in 1..offsets.len() {
        let prev = offsets.get(i - 1).copied().unwrap_or(0);
        if let Some(o) = offsets.get_mut(i) {
            *o += prev;
        }
    }
    let total = offsets.last().copied().unwrap_or(0) as usize;
    let mut ids = vec![0u32; total];
    let mut next = offsets.clone();
    for (n, id) in pairs {
        if let Some(slot) = next.get_mut(n as usize) {
            if let Some(cell) = ids.get_mut(*slot as usize) {
                *cell = id as u32;
            }
            *slot += 1;
        }
    }
    Rows { offsets, ids }
}

/// One round's search for chains through a delta fact.
struct Join<'a> {
    store: &'a Store,
    facts: &'a [Fact],
    derived: &'a [Derivation],
    rule: &'a ChainRule,
    /// Facts below this id are older than the delta.
    old_end: usize,
    /// Facts below this id are known this round.
    all_end: usize,
}

impl Join<'_> {
    /// Every chain of the rule with fact `id` at position `pos`: calls `emit`
    /// with the premises and the chain's two ends.
    fn chains_through(
        &self,
        id: usize,
        fact: Fact,
        pos: usize,
        mut emit: impl FnMut(Vec<usize>, NodeId, NodeId),
    ) {
        let k = self.rule.chain.len();
        let mut lefts: Vec<(Vec<usize>, NodeId)> = Vec::new();
        let mut left = vec![0usize; pos];
        self.walk_left(pos, fact.from, &mut left, &mut lefts);
        for (left_ids, start) in lefts {
            let mut chain = left_ids;
            chain.push(id);
            self.walk_right(pos + 1, k, fact.to, &mut chain, start, &mut emit);
        }
    }

    /// Fills `slots[0..pos]` backwards from `node` with facts older than the delta.
    fn walk_left(
        &self,
        pos: usize,
        node: NodeId,
        slots: &mut Vec<usize>,
        out: &mut Vec<(Vec<usize>, NodeId)>,
    ) {
        if pos == 0 {
            out.push((slots.clone(), node));
            return;
        }
        let rel = self.rule.chain.get(pos - 1).copied().unwrap_or(0);
        for id in self.store.at(rel, node, false) {
            if id >= self.old_end {
                continue;
            }
            let f = fact_at(id, self.facts, self.derived);
            if let Some(s) = slots.get_mut(pos - 1) {
                *s = id;
            }
            self.walk_left(pos - 1, f.from, slots, out);
        }
    }

    /// Extends `chain` (positions before `pos` filled) forwards from `node`.
    fn walk_right(
        &self,
        pos: usize,
        k: usize,
        node: NodeId,
        chain: &mut Vec<usize>,
        start: NodeId,
        emit: &mut impl FnMut(Vec<usize>, NodeId, NodeId),
    ) {
        if pos == k {
            emit(chain.clone(), start, node);
            return;
        }
        let rel = self.rule.chain.get(pos).copied().unwrap_or(0);
        for id in self.store.at(rel, node, true) {
            if id >= self.all_end {
                continue;
            }
            let f = fact_at(id, self.facts, self.derived);
            chain.push(id);
            self.walk_right(pos + 1, k, f.to, chain, start, emit);
            chain.pop();
        }
    }
}

/// The fact with an id, given the asserted facts and the derivations so far.
pub fn fact_of(id: usize, facts: &[Fact], derived: &[Derivation]) -> Option<Fact> {
    match facts.get(id) {
        Some(f) => Some(*f),
        None => derived.get(id.checked_sub(facts.len())?).map(|d| d.fact),
    }
}
