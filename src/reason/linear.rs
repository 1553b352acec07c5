//! Rules that extend one relation along others, evaluated as reachability.
//!
//! Most rules a schema declares carry one relation along another:
//! `addresses ∘ drives → addresses`, `addresses ∘ kind_of → addresses`,
//! `involves ∘ is_a → involves`. Call a relation `H` *linear* when every
//! rule deriving it has the chain `H ∘ R` with `R ≠ H` (a *step*), and `H`
//! appears in no other rule. Then the `H` facts the rules derive from a
//! node `x` are exactly the nodes reachable from `x`'s asserted `H` ends by
//! one or more steps, less the ends `x` asserts: the least fixpoint the
//! semi-naive engine ([`super::engine`]) reaches round by round, found
//! here without rounds. [`materialise`] computes it so:
//!
//! 1. The rules whose head is not linear (`kind_of ∘ kind_of → kind_of`)
//!    go to the semi-naive engine first, given only the facts of the
//!    relations they name: no linear head is among them, so nothing they
//!    derive depends on what comes after. What they derive may be a step.
//! 2. For each linear `H`, the *reach* of every node a step leaves (the
//!    nodes its steps lead to, breadth first, each with the step that
//!    reached it) is worked out once: many starts share an end. Then the
//!    starts `x` are visited in order, each with its asserted `H` ends, a
//!    block of starts at a time (their ends' reaches are read together
//!    first, so that the cache misses overlap); a start's derived facts are
//!    the union of its ends' reaches.
//!
//! Why: the semi-naive engine joins every `H` fact, asserted or derived,
//! with every rule, two reads at random places in memory each; on the
//! generated million-node graph those joins were most of the cost of the
//! rules (BENCHMARKS.md, "Linear rules as reachability"). Here a derived
//! fact joins nothing, an asserted one reads its end's reach once, and the
//! facts of a start are worked out together from a few small lists.
//!
//! # Proofs and ids
//!
//! The derived fact `(x, H, y)` keeps a shallowest proof: `(x, H, p)` and
//! the step `(p, R, y)`, where `p` is `y`'s parent in the breadth-first
//! search from an end of `x` that reaches `y` in the fewest steps (ties go
//! to the end with the smaller node number, then to the order the search
//! met `y`). A start's derived facts are numbered together, by depth and
//! then by node, so the premise `(x, H, p)`, one step shallower, always has
//! a smaller id than the fact it proves, as the engine promises its callers.
//! The answer is deterministic; it is the same set of facts the engine
//! finds (checked by proptests), and its proofs are as shallow, though
//! where two are equally shallow it may keep the other one.
//!
//! # Bounds and when it does not apply
//!
//! The reaches are worked out for every node a step leaves before any
//! start is visited. If they would hold more entries than there are
//! asserted facts (a long chain of steps, whose every node reaches all the
//! rest), the whole derivation goes to the semi-naive engine instead, which
//! needs no such table. So does a graph of fewer than [`SMALL`] facts, for
//! the reason given there. Either way the facts are the same.
//!
//! A start's facts must come together. When a linear relation's facts are
//! not grouped by their start in the order given, they are sorted by it
//! first (a stable sort, so ids stay in order within a start).

use super::engine::{
    self, Asserted, ChainRule, Derivations, EngineError, Fact, NONE, NodeId, RelNo, Rows,
};

/// A linear relation and the steps that extend it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Linear {
    /// The relation the rules derive.
    head: RelNo,
    /// Each rule's position in the rule list and its step relation.
    steps: Vec<(u32, RelNo)>,
}

/// The linear relations of `rules` (see the module docs), by relation
/// number; empty when there are none.
pub(crate) fn heads(rules: &[ChainRule]) -> Vec<Linear> {
    let live = || {
        rules
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.chain.is_empty())
    };
    let mut heads: Vec<RelNo> = live().map(|(_, r)| r.head).collect();
    heads.sort_unstable();
    heads.dedup();
    heads
        .into_iter()
        .filter(|&h| {
            let shaped = |r: &ChainRule| r.chain.len() == 2 && r.chain.first() == Some(&h);
            let own = live().filter(|(_, r)| r.head == h);
            let extends = own
                .clone()
                .all(|(_, r)| shaped(r) && r.chain.get(1) != Some(&h));
            // Where `h` may appear: first in its own rules, nowhere else.
            let elsewhere = live().any(|(_, r)| {
                (r.chain.iter().enumerate()).any(|(i, &c)| c == h && !(i == 0 && r.head == h))
            });
            extends && !elsewhere
        })
        .map(|head| Linear {
            head,
            steps: (live().filter(|(_, r)| r.head == head))
                .filter_map(|(i, r)| Some((i as u32, *r.chain.get(1)?)))
                .collect(),
        })
        .collect()
}

/// The fewest reach entries step 2 may keep whatever the number of facts
/// (see [`materialise`]).
#[cfg(not(test))]
const REACHED_AT_LEAST: usize = 1 << 16;
/// The fewest reach entries step 2 may keep: small in unit tests, so that
/// their random graphs take the way back to the semi-naive engine too.
#[cfg(test)]
const REACHED_AT_LEAST: usize = 4;

/// How many asserted facts [`Starts`] gathers before it reads their ends'
/// reaches, all at once so that the reads' cache misses overlap.
const BLOCK: usize = 1024;

/// The fewest asserted facts for which [`materialise`] derives by
/// reachability; below, the semi-naive engine derives everything.
///
/// Why: the two find the same facts with proofs as shallow, but number
/// them in a different order (here start by start; there round by round,
/// the general rules' facts among the others), and that order shows
/// wherever derived edges are listed as the graph holds them (`gaps`,
/// `whatif`, diagrams). Graphs written by hand, the curated one among them,
/// are far below this size and keep the order they have always had; at
/// this size the rounds take a few milliseconds, so nothing is lost.
pub(crate) const SMALL: usize = 1 << 16;

/// What a relation is to the rules, as bits.
const GENERAL: u8 = 1;
const STEP: u8 = 2;
const HEAD: u8 = 4;

/// [`engine::materialise_counted`] for rules some of whose heads are
/// linear (`linear` is [`heads`] of `rules`, not empty): the same facts,
/// each once and none asserted, with proofs as the module docs say, handed
/// to `emit` `chunk` at a time. Fewer than `small` asserted facts go to the
/// semi-naive engine whole ([`SMALL`] says why).
pub(crate) fn materialise<A: Asserted + ?Sized>(
    facts: &A,
    rules: &[ChainRule],
    linear: &[Linear],
    small: usize,
    limit_of: &dyn Fn(usize) -> usize,
    chunk: usize,
    emit: &mut dyn FnMut(Derivations) -> bool,
) -> Result<usize, EngineError> {
    // The other rules, at their own positions so proofs name the right one;
    // the linear ones left empty (a rule with no chain derives nothing).
    let general: Vec<ChainRule> = (rules.iter())
        .map(|r| match linear.iter().any(|l| l.head == r.head) {
            true => ChainRule {
                chain: Vec::new(),
                head: r.head,
            },
            false => r.clone(),
        })
        .collect();
    let top = engine::relations_named(rules);
    let mut role = vec![0u8; top];
    let mut mark = |rel: RelNo, bit: u8| {
        if let Some(r) = role.get_mut(usize::from(rel)) {
            *r |= bit;
        }
    };
    for r in general.iter().filter(|r| !r.chain.is_empty()) {
        r.chain
            .iter()
            .chain([&r.head])
            .for_each(|&c| mark(c, GENERAL));
    }
    for l in linear {
        mark(l.head, HEAD);
        l.steps.iter().for_each(|&(_, s)| mark(s, STEP));
    }
    // One pass: count the facts, keep those the general rules and the steps
    // read (few, on the graphs this is for), and see whether each linear
    // relation's facts come grouped by their start already.
    let mut asserted = 0usize;
    let mut side: Vec<(Fact, u32)> = Vec::new();
    let mut grouped: Vec<(NodeId, bool)> = vec![(0, true); top];
    facts.facts().for_each(|f| {
        let id = asserted as u32;
        asserted += 1;
        let r = role.get(usize::from(f.rel)).copied().unwrap_or(0);
        if r & (GENERAL | STEP) != 0 {
            side.push((f, id));
        }
        if r & HEAD != 0
            && let Some((last, sorted)) = grouped.get_mut(usize::from(f.rel))
        {
            *sorted &= f.from >= *last;
            *last = f.from;
        }
    });
    if asserted < small {
        return engine::semi_naive(facts, rules, limit_of, chunk, emit);
    }
    let limit = limit_of(asserted).min(engine::MAX_FACTS.saturating_sub(asserted));
    if asserted > engine::MAX_FACTS {
        return Err(EngineError::TooMany { limit, asserted });
    }
    // Step 1: the general rules, on their relations' facts alone, ids
    // mapped back to the whole list's; kept until the reaches are known.
    let is = |f: &Fact, bit: u8| role.get(usize::from(f.rel)).is_some_and(|r| r & bit != 0);
    let mut steps: Vec<(Fact, u32)> = side.iter().filter(|(f, _)| is(f, STEP)).copied().collect();
    let mut first = Derivations::default();
    let (compact, ids): (Vec<Fact>, Vec<u32>) =
        side.iter().filter(|(f, _)| is(f, GENERAL)).copied().unzip();
    drop(side);
    if general.iter().any(|r| !r.chain.is_empty()) {
        let semi = engine::semi_naive(
            compact.as_slice(),
            &general,
            &|_| limit,
            usize::MAX,
            &mut |d| {
                first = d;
                true
            },
        );
        semi.map_err(|EngineError::TooMany { limit, .. }| EngineError::TooMany {
            limit,
            asserted,
        })?;
    }
    let derived_step = (first.facts().iter().enumerate()).filter(|(_, f)| is(f, STEP));
    steps.extend(derived_step.map(|(i, &f)| (f, (asserted + i) as u32)));
    // Step 2's reaches, for the relations a step can extend; if they would
    // be larger than the facts themselves, the semi-naive engine does it all.
    let bound = asserted.max(REACHED_AT_LEAST);
    let mut reaches = Vec::new();
    for l in linear {
        match Reach::new(l, &steps, bound) {
            Some(r) if r.reached.is_empty() => {}
            Some(r) => reaches.push(r),
            None => return engine::semi_naive(facts, rules, limit_of, chunk, emit),
        }
    }
    drop(steps);
    let mut out = Out {
        buf: fresh(chunk),
        count: 0,
        chunk,
        limit,
        asserted,
        emit,
    };
    let map = |p: u32| match ids.get(p as usize) {
        Some(&id) => id,
        None => (p as usize - compact.len() + asserted) as u32,
    };
    let mut premises = Vec::new();
    for d in first.iter() {
        premises.clear();
        premises.extend(d.premises.iter().map(|&p| map(p)));
        if !out.push(d.fact, d.rule as u32, &premises)? {
            return Ok(out.count);
        }
    }
    drop(first);
    // Step 2: each linear relation, start by start.
    for reach in reaches {
        let head = reach.head;
        let mut starts = Starts {
            reach,
            block: Vec::with_capacity(BLOCK + 64),
        };
        let of_head = (facts.facts().enumerate()).filter(|(_, f)| f.rel == head);
        let sorted = grouped.get(usize::from(head)).is_none_or(|g| g.1);
        if sorted {
            for (id, f) in of_head {
                if !starts.edge(f.from, f.to, id as u32, &mut out)? {
                    return Ok(out.count);
                }
            }
        } else {
            // Grouped by start, in id order within a start (a stable sort).
            let mut all: Vec<(NodeId, NodeId, u32)> =
                of_head.map(|(id, f)| (f.from, f.to, id as u32)).collect();
            all.sort_by_key(|&(from, _, _)| from);
            for (from, to, id) in all {
                if !starts.edge(from, to, id, &mut out)? {
                    return Ok(out.count);
                }
            }
        }
        if !starts.flush(&mut out)? {
            return Ok(out.count);
        }
    }
    let count = out.count;
    (out.emit)(out.buf);
    Ok(count)
}

/// An empty chunk with room for `chunk` derivations, each of the two
/// premises a step's proof has, when chunks are bounded (a whole answer in
/// one piece grows as it goes).
fn fresh(chunk: usize) -> Derivations {
    match chunk {
        0..=MAX_PRESIZED => Derivations::with_capacity(chunk, 2),
        _ => Derivations::default(),
    }
}

/// The largest chunk [`fresh`] makes room for in advance.
const MAX_PRESIZED: usize = 1 << 20;

/// The derivations so far, handed on a chunk at a time.
struct Out<'e> {
    /// The derivations not yet handed on.
    buf: Derivations,
    /// How many facts were derived in all.
    count: usize,
    chunk: usize,
    limit: usize,
    asserted: usize,
    emit: &'e mut dyn FnMut(Derivations) -> bool,
}

impl Out<'_> {
    /// Adds the next derived fact (id `asserted + count`); `false` when the
    /// caller wants no more.
    fn push(&mut self, fact: Fact, rule: u32, premises: &[u32]) -> Result<bool, EngineError> {
        if self.count >= self.limit {
            let (limit, asserted) = (self.limit, self.asserted);
            return Err(EngineError::TooMany { limit, asserted });
        }
        self.buf.push_fact(fact, rule, premises);
        self.count += 1;
        if self.buf.len() >= self.chunk {
            let full = std::mem::replace(&mut self.buf, fresh(self.chunk));
            return Ok((self.emit)(full));
        }
        Ok(true)
    }

    /// The id the next derived fact gets.
    fn next_id(&self) -> u32 {
        (self.asserted + self.count) as u32
    }
}

/// One step out of a node: where it leads, the fact, and its rule.
#[derive(Debug, Clone, Copy, Default)]
struct Step {
    to: NodeId,
    id: u32,
    rule: u32,
}

/// A node an end reaches: by which step, from which node, in how many.
#[derive(Debug, Clone, Copy)]
struct Reached {
    node: NodeId,
    parent: NodeId,
    step: u32,
    rule: u32,
    depth: u32,
}

/// One asserted fact of a linear relation, with where its end's reach is.
#[derive(Debug, Clone, Copy)]
struct End {
    from: NodeId,
    to: NodeId,
    id: u32,
    begin: u32,
    len: u32,
}

/// One candidate fact of a start: the node, how it was reached, and the
/// id it will have.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    node: NodeId,
    depth: u32,
    /// Which end of the start (its node) and where in its reach.
    end: u32,
    at: u32,
    parent: NodeId,
    step: u32,
    rule: u32,
    id: u32,
}

/// The reach of every node one linear relation's steps leave, and the
/// lists reused for every start.
struct Reach {
    /// The relation derived.
    head: RelNo,
    /// The smallest node a step touches; the tables start there.
    low: NodeId,
    /// Per node, where its reach is in `reached` and how long it is.
    spans: Vec<(u32, u32)>,
    /// Whether a node's reach is not empty (a bit per node, from `low`).
    has: engine::Bits,
    /// The reaches, node after node, each breadth first.
    reached: Vec<Reached>,
    candidates: Vec<Candidate>,
    order: Vec<u32>,
}

impl Reach {
    /// The reaches along `l`'s steps among `facts` (each with its id, in id
    /// order); `None` when they hold more than `bound` entries in all.
    fn new(l: &Linear, facts: &[(Fact, u32)], bound: usize) -> Option<Reach> {
        let items = || {
            (facts.iter()).flat_map(|&(f, id)| {
                (l.steps.iter())
                    .filter(move |&&(_, s)| s == f.rel)
                    .map(move |&(rule, _)| (f.from, Step { to: f.to, id, rule }))
            })
        };
        let (mut low, mut high) = (NodeId::MAX, 0);
        items().for_each(|(from, s)| {
            low = low.min(from).min(s.to);
            high = high.max(from).max(s.to);
        });
        let span = if low > high {
            low = 0;
            0
        } else {
            (high - low) as usize + 1
        };
        // The steps as rows (a counting sort, which keeps id order in a row).
        let shifted = items().map(|(from, s)| (0, from - low, s));
        let rows = Rows::build_many(span, 1, shifted, |_, _, _| ()).pop();
        let rows = rows.unwrap_or_default();
        // Breadth first from every node with a step, `reached` itself as
        // the queue; `seen` holds the number of the search that last met a
        // node (searches are numbered from 1).
        let mut reached: Vec<Reached> = Vec::new();
        let mut spans = vec![(0u32, 0u32); span];
        let mut has = engine::Bits::new(span);
        let mut seen = vec![0u32; span];
        for n in 0..span {
            if rows.get(n as NodeId).is_empty() {
                continue;
            }
            let search = n as u32 + 1;
            let begin = reached.len();
            if let Some(s) = seen.get_mut(n) {
                *s = search;
            }
            let (mut node, mut depth, mut next) = (n as NodeId + low, 0, begin);
            loop {
                for s in rows.get(node - low) {
                    if let Some(seen) = seen.get_mut((s.to - low) as usize)
                        && *seen != search
                    {
                        *seen = search;
                        reached.push(Reached {
                            node: s.to,
                            parent: node,
                            step: s.id,
                            rule: s.rule,
                            depth: depth + 1,
                        });
                    }
                }
                let Some(r) = reached.get(next) else {
                    break;
                };
                (node, depth, next) = (r.node, r.depth, next + 1);
            }
            if reached.len() > bound {
                return None;
            }
            if let Some(sp) = spans.get_mut(n) {
                *sp = (begin as u32, (reached.len() - begin) as u32);
            }
            has.set(n as NodeId);
        }
        Some(Reach {
            head: l.head,
            low,
            spans,
            has,
            reached,
            candidates: Vec::new(),
            order: Vec::new(),
        })
    }

    /// Where `node`'s reach is in `reached`, and how long it is.
    fn span(&self, node: NodeId) -> (u32, u32) {
        match node.checked_sub(self.low) {
            Some(n) if self.has.get(n) => self.spans.get(n as usize).copied().unwrap_or((0, 0)),
            _ => (0, 0),
        }
    }

    /// Derives the facts of start `x`, whose asserted facts are `ends`
    /// (with their reaches); `false` when the caller wants no more.
    fn start(&mut self, x: NodeId, ends: &mut [End], out: &mut Out) -> Result<bool, EngineError> {
        // Most starts reach nothing beyond their ends.
        if ends.iter().all(|e| e.len == 0) {
            return Ok(true);
        }
        // Each end once, with its first id. A few ends are compared
        // pairwise; more are sorted by node first. Ends come in id order, so
        // the first with a node has its smallest id either way.
        let sorted = ends.len() > FEW_ENDS;
        if sorted {
            ends.sort_unstable_by_key(|e| (e.to, e.id));
        }
        let ends = &*ends;
        self.candidates.clear();
        for (k, e) in ends.iter().enumerate() {
            let seen = match sorted {
                true => k > 0 && ends.get(k - 1).is_some_and(|d| d.to == e.to),
                false => ends
                    .get(..k)
                    .unwrap_or_default()
                    .iter()
                    .any(|d| d.to == e.to),
            };
            if seen {
                continue;
            }
            let (begin, len) = (e.begin as usize, e.len as usize);
            let reach = self.reached.get(begin..begin + len).unwrap_or_default();
            self.candidates
                .extend(reach.iter().enumerate().map(|(at, r)| Candidate {
                    node: r.node,
                    depth: r.depth,
                    end: e.to,
                    at: at as u32,
                    parent: r.parent,
                    step: r.step,
                    rule: r.rule,
                    id: NONE,
                }));
        }
        if self.candidates.is_empty() {
            return Ok(true);
        }
        let asserted = |n: NodeId| first_asserting(ends, sorted, n);
        // One candidate (the commonest case) needs no sorting; its parent
        // is the end whose reach it is.
        if let [c] = self.candidates[..] {
            if asserted(c.node).is_some() {
                return Ok(true);
            }
            return self.derive(x, &c, asserted(c.parent), out);
        }
        if self.candidates.len() <= FEW {
            return self.few(x, ends, sorted, out);
        }
        // The shallowest way to each node, none the start asserts.
        self.candidates
            .sort_unstable_by_key(|c| (c.node, c.depth, c.end, c.at));
        self.candidates.dedup_by_key(|c| c.node);
        self.candidates.retain(|c| asserted(c.node).is_none());
        // Ids by depth, then node: a premise is always shallower.
        self.order.clear();
        self.order.extend(0..self.candidates.len() as u32);
        let candidates = &self.candidates;
        let key = |i: &u32| candidates.get(*i as usize).map(|c| (c.depth, c.node));
        self.order.sort_unstable_by_key(key);
        let first = out.next_id();
        for (j, &i) in self.order.iter().enumerate() {
            if let Some(c) = self.candidates.get_mut(i as usize) {
                c.id = first + j as u32;
            }
        }
        for &i in &self.order {
            let Some(c) = self.candidates.get(i as usize).copied() else {
                continue;
            };
            let before = asserted(c.parent).or_else(|| {
                let k = (self.candidates).binary_search_by_key(&c.parent, |d| d.node);
                k.ok().and_then(|k| self.candidates.get(k)).map(|d| d.id)
            });
            if !self.derive(x, &c, before, out)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Derives `(x, head, c.node)` from the fact with id `before` (`x`'s
    /// fact about `c`'s parent) and `c`'s step; `false` when the caller
    /// wants no more.
    fn derive(
        &self,
        x: NodeId,
        c: &Candidate,
        before: Option<u32>,
        out: &mut Out,
    ) -> Result<bool, EngineError> {
        let premises = [before.unwrap_or(NONE), c.step];
        let fact = Fact {
            from: x,
            rel: self.head,
            to: c.node,
        };
        out.push(fact, c.rule, &premises)
    }

    /// [`Reach::start`] for a start with at most [`FEW`] candidates (most
    /// starts): the same facts, ids and proofs, found by comparing the
    /// candidates pairwise instead of sorting them, which for a handful
    /// costs less than the sorts and searches.
    fn few(
        &self,
        x: NodeId,
        ends: &[End],
        sorted: bool,
        out: &mut Out,
    ) -> Result<bool, EngineError> {
        let c = &self.candidates[..];
        let asserted = |n: NodeId| first_asserting(ends, sorted, n);
        // A candidate is kept if it is the shallowest way to its node (ties
        // to the earlier end, then the earlier place in its reach: the
        // first of the sorted order) and the start does not assert it.
        let key = |d: &Candidate| (d.depth, d.end, d.at);
        let mut kept = [0u8; FEW];
        let mut n = 0;
        for (i, ci) in c.iter().enumerate() {
            let best = (c.iter()).all(|d| d.node != ci.node || key(d) >= key(ci));
            if best && asserted(ci.node).is_none() {
                kept[n] = i as u8;
                n += 1;
            }
        }
        let kept = &mut kept[..n];
        // Ids by depth, then node: a premise is always shallower.
        let place = |i: &u8| c.get(usize::from(*i)).map(|d| (d.depth, d.node));
        kept.sort_unstable_by_key(place);
        let first = out.next_id();
        for &i in kept.iter() {
            let Some(ci) = c.get(usize::from(i)) else {
                continue;
            };
            let before = asserted(ci.parent).or_else(|| {
                let j = kept
                    .iter()
                    .position(|&j| c.get(usize::from(j)).is_some_and(|d| d.node == ci.parent));
                j.map(|j| first + j as u32)
            });
            if !self.derive(x, ci, before, out)? {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// The most candidates [`Reach::few`] takes; more are sorted.
const FEW: usize = 16;

/// The most ends of a start compared pairwise; more are sorted.
const FEW_ENDS: usize = 8;

/// The first id with which a start asserts node `n`, if it does: `ends` are
/// its asserted facts, sorted by node (`sorted`) or in id order.
fn first_asserting(ends: &[End], sorted: bool, n: NodeId) -> Option<u32> {
    if sorted {
        let i = ends.partition_point(|e| e.to < n);
        ends.get(i).filter(|e| e.to == n).map(|e| e.id)
    } else {
        ends.iter().find(|e| e.to == n).map(|e| e.id)
    }
}

/// The facts of one linear relation, read start by start, a block at a time.
struct Starts {
    reach: Reach,
    /// The facts gathered, whole starts but for the last.
    block: Vec<End>,
}

impl Starts {
    /// Takes the next asserted fact `(from, head, to)` with id `id`; the
    /// facts of a start come together. `false` when the caller wants no more.
    fn edge(
        &mut self,
        from: NodeId,
        to: NodeId,
        id: u32,
        out: &mut Out,
    ) -> Result<bool, EngineError> {
        let whole = self.block.last().is_some_and(|e| e.from != from);
        if self.block.len() >= BLOCK && whole && !self.flush(out)? {
            return Ok(false);
        }
        self.block.push(End {
            from,
            to,
            id,
            begin: 0,
            len: 0,
        });
        Ok(true)
    }

    /// Derives the facts of the starts gathered.
    fn flush(&mut self, out: &mut Out) -> Result<bool, EngineError> {
        // Every read of the block's reaches is issued before any is used:
        // on a large graph each is a cache miss, and these overlap.
        let mut touched = 0;
        for e in &mut self.block {
            (e.begin, e.len) = self.reach.span(e.to);
        }
        for e in self.block.iter().filter(|e| e.len > 0) {
            touched ^= self
                .reach
                .reached
                .get(e.begin as usize)
                .map_or(0, |r| r.node);
        }
        std::hint::black_box(touched);
        for ends in self.block.chunk_by_mut(|a, b| a.from == b.from) {
            let Some(x) = ends.first().map(|e| e.from) else {
                continue;
            };
            if !self.reach.start(x, ends, out)? {
                return Ok(false);
            }
        }
        self.block.clear();
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(chain: &[RelNo], head: RelNo) -> ChainRule {
        ChainRule {
            chain: chain.to_vec(),
            head,
        }
    }

    fn fact(from: NodeId, rel: RelNo, to: NodeId) -> Fact {
        Fact { from, rel, to }
    }

    fn semi(facts: &[Fact], rules: &[ChainRule]) -> Derivations {
        let mut all = Derivations::default();
        engine::semi_naive(facts, rules, &|_| 1000, usize::MAX, &mut |d| {
            all = d;
            true
        })
        .unwrap();
        all
    }

    #[test]
    fn a_relation_is_linear_only_if_every_rule_of_it_extends_it_and_no_other_rule_names_it() {
        let steps = |rules: &[ChainRule]| -> Vec<(RelNo, Vec<(u32, RelNo)>)> {
            heads(rules)
                .into_iter()
                .map(|l| (l.head, l.steps))
                .collect()
        };
        // addresses(0) along drives(1) and kind_of(2); kind_of transitive.
        let curated = [rule(&[0, 1], 0), rule(&[0, 2], 0), rule(&[2, 2], 2)];
        assert_eq!(steps(&curated), vec![(0, vec![(0, 1), (1, 2)])]);
        // Transitivity is not linear; nor is a head another rule reads.
        assert!(heads(&[rule(&[0, 0], 0)]).is_empty());
        assert!(heads(&[rule(&[0, 1], 0), rule(&[0, 1], 2)]).is_empty());
        // 0 is a step of 2 here: 2 is linear, 0 goes to the engine.
        let mixed = [rule(&[0, 1], 0), rule(&[2, 0], 2)];
        assert_eq!(steps(&mixed), vec![(2, vec![(1, 0)])]);
        // A rule of another shape deriving it spoils it too.
        assert!(heads(&[rule(&[0, 1], 0), rule(&[1, 1, 1], 0)]).is_empty());
        assert!(heads(&[rule(&[0, 1], 0), rule(&[1], 0)]).is_empty());
        // An empty chain derives nothing and does not count.
        assert_eq!(
            steps(&[rule(&[], 0), rule(&[3, 1], 3)]),
            vec![(3, vec![(1, 1)])]
        );
    }

    #[test]
    fn a_derived_fact_keeps_a_shallowest_proof_and_comes_after_its_premises() {
        // 9 -addresses-> 1 -drives-> 2 -drives-> 3, and 9 -addresses-> 4
        // -drives-> 3: the proof of 9 -> 3 goes through 4 (one step).
        let facts = [
            fact(9, 0, 1),
            fact(1, 1, 2),
            fact(2, 1, 3),
            fact(9, 0, 4),
            fact(4, 1, 3),
        ];
        let rules = [rule(&[0, 1], 0)];
        let got = materialise(
            &facts[..],
            &rules,
            &heads(&rules),
            0,
            &|_| 1000,
            usize::MAX,
            &mut |_| true,
        );
        assert_eq!(got, Ok(2));
        let mut all = Derivations::default();
        let mut keep = |d: Derivations| {
            all = d;
            true
        };
        materialise(
            &facts[..],
            &rules,
            &heads(&rules),
            0,
            &|_| 1000,
            usize::MAX,
            &mut keep,
        )
        .unwrap();
        let list: Vec<(Fact, Vec<u32>)> =
            all.iter().map(|d| (d.fact, d.premises.to_vec())).collect();
        assert_eq!(
            list,
            vec![(fact(9, 0, 2), vec![0, 1]), (fact(9, 0, 3), vec![3, 4])],
        );
    }

    #[test]
    fn reaches_larger_than_the_facts_go_to_the_semi_naive_engine() {
        // A chain of 12 drives edges: its reaches hold 78 entries, more than
        // the 13 facts, so the whole answer is the semi-naive engine's.
        let mut facts: Vec<Fact> = (1..=12).map(|n| fact(n, 1, n + 1)).collect();
        facts.push(fact(0, 0, 1));
        let rules = [rule(&[0, 1], 0)];
        let mut all = Derivations::default();
        let n = materialise(
            &facts,
            &rules,
            &heads(&rules),
            0,
            &|_| 1000,
            usize::MAX,
            &mut |d| {
                all = d;
                true
            },
        );
        assert_eq!(n, Ok(12));
        assert_eq!(all, semi(&facts, &rules));
        // With a shorter chain the reaches are kept, and the facts agree.
        let short = [fact(0, 0, 1), fact(1, 1, 2), fact(2, 1, 3)];
        assert!(Reach::new(&heads(&rules)[0], &[], 100).is_some());
        let mut mine = Derivations::default();
        materialise(
            &short[..],
            &rules,
            &heads(&rules),
            0,
            &|_| 1000,
            usize::MAX,
            &mut |d| {
                mine = d;
                true
            },
        )
        .unwrap();
        assert_eq!(mine.facts(), semi(&short, &rules).facts());
    }

    #[test]
    fn the_engine_plans_by_reach_from_the_size_where_it_pays_and_in_rounds_below() {
        // Two starts, each two steps from their end: rounds number the
        // first steps of both before the second steps, reach numbers start
        // by start. Unrelated facts (relation 5) pad the graph to a size.
        let rules = [rule(&[0, 1], 0)];
        let padded = |size: usize| {
            let mut facts = vec![fact(0, 0, 2), fact(1, 0, 2), fact(2, 1, 3), fact(3, 1, 4)];
            facts.resize(size, fact(9, 5, 9));
            facts
        };
        let order = |d: &Derivations| -> Vec<(NodeId, NodeId)> {
            d.facts().iter().map(|f| (f.from, f.to)).collect()
        };
        let big = padded(SMALL);
        let planned = engine::materialise(&big, &rules, 1000).unwrap();
        assert_eq!(order(&planned), [(0, 3), (0, 4), (1, 3), (1, 4)]);
        let small = padded(SMALL - 1);
        let planned = engine::materialise(&small, &rules, 1000).unwrap();
        assert_eq!(order(&planned), [(0, 3), (1, 3), (0, 4), (1, 4)]);
        assert_eq!(planned, semi(&small, &rules));
    }
}
