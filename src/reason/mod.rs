//! Reasoning: edges derived from the schema's rules, each with its proof.
//!
//! A schema may declare rules (`[rules.<name>]` in `graph/schema.toml`):
//! property chains such as `addresses ∘ drives → addresses` (an activity
//! that counters a threat which drives terrorism counters terrorism,
//! indirectly) and transitivity (`kind_of ∘ kind_of → kind_of`). When a
//! graph is loaded for a command, [`materialise`] adds every edge the rules
//! derive, with basis [`Basis::Derived`] and a [`Proof`](crate::model::Proof): the rule and the
//! edges it followed, which may be derived themselves. An edge the files
//! assert is never derived again: the asserted one wins.
//!
//! # Why our own evaluator
//!
//! The rules are Datalog without negation whose bodies are chains over one
//! binary relation table, `(from, rel, to)`. [`engine`] evaluates them
//! semi-naively in about three hundred lines. The alternatives were weighed:
//!
//! - `datafrog` joins sorted relations well, but a k-step chain becomes k−1
//!   hand-written joins per rule, rules are code rather than data read from
//!   the schema, and it keeps no record of which tuples made a new one, so
//!   proofs would need a second pass;
//! - `reasonable` implements OWL 2 RL over RDF triples: it brings a whole
//!   ruleset and string-interned RDF terms, not our node indices, and no
//!   proofs either;
//! - `crepe` and `ascent` compile rules written as Rust macros, so a user's
//!   schema could not declare its own.
//!
//! Our evaluator takes rules as data, records the first proof of each fact
//! (proofs cost nothing extra: the join has the premises in hand), indexes
//! the asserted facts as compressed rows so a million edges index in a few
//! milliseconds, and is deterministic by construction. Owning it also let
//! us give the commonest shape of rule its own plan: a relation that rules
//! only extend by one step of another (`addresses ∘ drives`, `addresses ∘
//! kind_of`, `involves ∘ is_a`) is derived as reachability, each asserted
//! edge reading its end's precomputed reach once, instead of joining every
//! edge, asserted or derived, round after round (`linear`); a general
//! library would join it the slow way.
//!
//! # Cost at a million edges
//!
//! Materialisation is meant to add little to a load. A bulk load (CSV
//! folders, JSON Lines) hands the engine its edges as `(from, rel, to)`
//! numbers on a second thread while the first adds the asserted edges to the
//! graph ([`derive_in_chunks`]). The engine hands its derivations over as it
//! finds them, [`CHUNK`] at a time ([`derive_facts_in_chunks`]), and the
//! first thread adds each chunk's edges ([`add_facts`]) while the engine
//! works on, checking a piece of the edges whenever no chunk is waiting.
//! The proofs stay with the engine's thread, which gathers them into three
//! flat arrays; the graph takes those arrays as they are at the end
//! ([`adopt_proofs`]), so the first thread never writes a proof. What
//! remains on the critical path is the engine's own time after the
//! asserted edges are in, and the last piece of the checks. Derived edges
//! keep their proofs in those flat arrays, not an allocation each, and the
//! engine itself allocates nothing per chain it tries. Graph files read
//! whole are small, and derive after they load ([`materialise`]).
//!
//! A command that reads only a few nodes' neighbourhood (`related`,
//! `show`, `explain`, `export --focus`) does not wait for the derived edges
//! to be linked at all: the first thread keeps the chunks as they come (for
//! a command that reads its nodes' own edges alone, only the facts at
//! those nodes) and checks while the engine works, and after the load only
//! the neighbourhood's derived edges, and those their proofs name, are
//! linked ([`apart`]). Every edge is still derived, with its proof; the
//! engine's thread is then the rules' whole cost on the critical path.
//! BENCHMARKS.md has the figures.
//!
//! # Bounds
//!
//! Rules create no nodes, so derivation always ends: each head relation can
//! hold at most one edge per pair of nodes. Two checks keep it small in
//! practice. A rule set in which two different relations derive each other
//! (a cycle through the rules' heads, longer than a rule deriving its own
//! relation) is refused when the schema loads ([`RuleProblem::Cycle`]): it
//! lets each relation grow the other round after round, which no curated
//! reading intends. And materialisation stops with an error past
//! [`derivation_limit`] edges rather than fill the memory.

pub mod apart;
pub mod engine;
mod linear;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use crate::model::{Basis, Edge, Graph, KindId, RelId, RuleDef, Schema};
pub use apart::{Apart, Linked};
use engine::ChainRule;
pub use engine::Fact;

/// What is wrong with a rule, found when the schema is built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleProblem {
    /// The chain has fewer than two relations.
    #[error("rule `{rule}` follows {len} relation(s); a chain needs at least two")]
    ChainTooShort {
        /// The rule.
        rule: String,
        /// The relations it follows.
        len: usize,
    },
    /// Two neighbouring relations of the chain share no kind: the first ends
    /// where the second cannot start.
    #[error(
        "rule `{rule}`: `{first}` ends at {ends} but `{second}` starts at {starts}, so the chain never meets"
    )]
    KindsDoNotMeet {
        /// The rule.
        rule: String,
        /// The earlier relation.
        first: String,
        /// The kinds it ends at.
        ends: String,
        /// The later relation.
        second: String,
        /// The kinds it starts at.
        starts: String,
    },
    /// The chain can start or end at a kind the head relation does not allow there.
    #[error(
        "rule `{rule}`: the chain can {end} at kind `{kind}`, but `{head}` does not allow that"
    )]
    HeadKinds {
        /// The rule.
        rule: String,
        /// The head relation.
        head: String,
        /// `start` or `end`.
        end: &'static str,
        /// The kind the head does not allow.
        kind: String,
        /// The kinds the head allows at that end.
        allowed: String,
    },
    /// Rules make two or more relations derive each other.
    #[error("rules {rules} make {relations} derive each other, which could derive without bound")]
    Cycle {
        /// The rules on the cycle, quoted and joined.
        rules: String,
        /// The relations on the cycle, quoted and joined.
        relations: String,
    },
}

impl RuleProblem {
    /// What to do about it.
    pub fn help(&self) -> String {
        match self {
            RuleProblem::ChainTooShort { .. } => {
                "write `chain = [\"first\", \"second\"]`: two or more relations, end to end".into()
            }
            RuleProblem::KindsDoNotMeet { first, second, .. } => format!(
                "reorder the chain, or allow a kind of `{first}`'s `to` as a `from` of `{second}`"
            ),
            RuleProblem::HeadKinds { head, allowed, .. } => {
                format!("`{head}` allows {allowed} there; derive another relation, or change the chain")
            }
            RuleProblem::Cycle { .. } => {
                "let a rule derive the relation it follows (transitivity), but not two relations each other".into()
            }
        }
    }
}

fn kind_names(schema: &Schema, kinds: &[KindId]) -> String {
    let names: Vec<&str> = kinds
        .iter()
        .map(|&k| schema.kind(k).name.as_str())
        .collect();
    names.join(" or ")
}

/// Checks one rule against the schema's kinds: the chain is two or more
/// relations long, each relation ends at a kind the next may start at, and
/// every kind the chain can start or end at is one the head allows there.
///
/// Returns the problems with the chain position each concerns (`None` for
/// the rule as a whole, `Some(chain.len())` for the head).
pub fn check_rule(
    schema: &Schema,
    name: &str,
    chain: &[RelId],
    head: RelId,
) -> Vec<(Option<usize>, RuleProblem)> {
    let mut problems = Vec::new();
    if chain.len() < 2 {
        let p = RuleProblem::ChainTooShort {
            rule: name.into(),
            len: chain.len(),
        };
        problems.push((None, p));
        return problems;
    }
    for (i, pair) in chain.windows(2).enumerate() {
        let [a, b] = pair else { continue };
        let (a, b) = (schema.relation(*a), schema.relation(*b));
        if !a.to.iter().any(|k| b.from.contains(k)) {
            problems.push((
                Some(i + 1),
                RuleProblem::KindsDoNotMeet {
                    rule: name.into(),
                    first: a.name.clone(),
                    ends: kind_names(schema, &a.to),
                    second: b.name.clone(),
                    starts: kind_names(schema, &b.from),
                },
            ));
        }
    }
    let h = schema.relation(head);
    let ends = [("start", chain.first(), true), ("end", chain.last(), false)];
    for (end, rel, at_from) in ends {
        let Some(&rel) = rel else { continue };
        let def = schema.relation(rel);
        let (produced, allowed) = if at_from {
            (&def.from, &h.from)
        } else {
            (&def.to, &h.to)
        };
        if let Some(k) = produced.iter().find(|k| !allowed.contains(k)) {
            problems.push((
                Some(chain.len()),
                RuleProblem::HeadKinds {
                    rule: name.into(),
                    head: h.name.clone(),
                    end,
                    kind: schema.kind(*k).name.clone(),
                    allowed: kind_names(schema, allowed),
                },
            ));
        }
    }
    problems
}

/// The rules that make two or more relations derive each other, if any:
/// the positions of the rules on one such cycle (see the module docs).
pub fn find_cycle(rules: &[RuleDef]) -> Option<Vec<usize>> {
    // Relation a leads to b when a rule follows a and derives b; a cycle
    // through two or more relations is what is refused.
    let leads = |a: RelId| {
        rules
            .iter()
            .enumerate()
            .filter(move |(_, r)| r.head != a && r.chain.contains(&a))
            .map(|(i, r)| (i, r.head))
    };
    for start in rules.iter().map(|r| r.head) {
        // Depth-first search for a way back to `start`, recording rules.
        let mut stack: Vec<(RelId, Vec<usize>)> = vec![(start, Vec::new())];
        let mut seen = vec![start];
        while let Some((rel, path)) = stack.pop() {
            for (rule, next) in leads(rel) {
                let mut path = path.clone();
                path.push(rule);
                if next == start {
                    return Some(path);
                }
                if !seen.contains(&next) {
                    seen.push(next);
                    stack.push((next, path));
                }
            }
        }
    }
    None
}

/// The most edges [`materialise`] derives before it gives up: ten per
/// asserted edge, and at least a hundred thousand.
pub fn derivation_limit(asserted: usize) -> usize {
    asserted.saturating_mul(10).max(100_000)
}

/// Why materialisation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReasonError {
    /// The rules derive more edges than [`derivation_limit`] allows.
    #[error("the schema's rules derive more than {limit} edges from {asserted} asserted ones")]
    TooMany {
        /// The limit.
        limit: usize,
        /// The asserted edges.
        asserted: usize,
    },
}

/// Adds every edge the schema's rules derive to `graph`, each with basis
/// [`Basis::Derived`] and its [`Proof`](crate::model::Proof); returns how many.
///
/// Deterministic: the same graph gains the same edges at the same indices.
/// Running it again adds nothing.
///
/// # Example
/// ```
/// let mut graph = seccoop::load::embedded().unwrap();
/// let added = seccoop::reason::materialise(&mut graph).unwrap();
/// assert!(added > 0);
/// assert_eq!(seccoop::reason::materialise(&mut graph).unwrap(), 0);
/// ```
pub fn materialise(graph: &mut Graph) -> Result<usize, ReasonError> {
    if graph.schema().rules().is_empty() {
        return Ok(0);
    }
    let mut facts = Vec::with_capacity(graph.edge_count());
    let mut edges: Vec<EdgeIndex> = Vec::with_capacity(graph.edge_count());
    for e in graph.edges() {
        facts.push(Fact {
            from: e.from.index() as u32,
            rel: e.edge.rel.0,
            to: e.to.index() as u32,
        });
        edges.push(e.index);
    }
    let mut derived = engine::Derivations::default();
    derive_with(graph.schema(), facts.as_slice(), usize::MAX, &mut |d| {
        derived = d;
        true
    })?;
    Ok(add(graph, &derived, &mut edges))
}

/// The engine's rules for a schema's.
fn chain_rules(schema: &Schema) -> Vec<ChainRule> {
    schema
        .rules()
        .iter()
        .map(|r| ChainRule {
            chain: r.chain.iter().map(|c| c.0).collect(),
            head: r.head.0,
        })
        .collect()
}

/// How many derived edges [`derive_in_chunks`] hands over at a time: small
/// enough that adding them starts soon, large enough that handing them over
/// costs nothing next to finding them. Unit tests use small chunks, so that
/// their graphs are handed over in many.
#[cfg(not(test))]
pub const CHUNK: usize = 1 << 16;
/// How many derived edges [`derive_in_chunks`] hands over at a time.
#[cfg(test)]
pub const CHUNK: usize = 1 << 9;

/// Derives what `schema`'s rules give from `facts`, the asserted edges
/// (`from` and `to` as node indices, `rel` as the relation's number),
/// handing the derivations to `emit` [`CHUNK`] at a time as they are found:
/// a bulk load derives on a second thread and adds each chunk's edges
/// while the next is being worked out ([`derive_facts_in_chunks`]).
/// `emit` returns whether to go on.
///
/// # Returns
/// How many edges were derived, or that the rules derive more than
/// [`derivation_limit`] allows.
///
/// # Complexity
/// As [`engine::materialise`]; nothing is allocated per derived fact.
pub fn derive_in_chunks<A: engine::Asserted + ?Sized>(
    schema: &Schema,
    facts: &A,
    emit: &mut dyn FnMut(engine::Derivations) -> bool,
) -> Result<usize, ReasonError> {
    derive_with(schema, facts, CHUNK, emit)
}

/// [`engine::materialise_in_chunks`] with a schema's rules and limit.
fn derive_with<A: engine::Asserted + ?Sized>(
    schema: &Schema,
    facts: &A,
    chunk: usize,
    emit: &mut dyn FnMut(engine::Derivations) -> bool,
) -> Result<usize, ReasonError> {
    let rules = chain_rules(schema);
    engine::materialise_counted(facts, &rules, &derivation_limit, chunk, emit).map_err(
        |engine::EngineError::TooMany { limit, asserted }| ReasonError::TooMany { limit, asserted },
    )
}

/// [`derive_in_chunks`] for a fresh bulk load: hands `emit` each chunk's
/// facts alone and keeps their proofs together, for [`adopt_proofs`] once
/// the facts are all edges ([`add_facts`]). The proofs are then taken by
/// the graph as they are: the thread that adds the edges does not write
/// them again.
///
/// # Returns
/// How many edges were derived, with their proofs.
pub fn derive_facts_in_chunks<A: engine::Asserted + ?Sized>(
    schema: &Schema,
    facts: &A,
    emit: &mut dyn FnMut(Vec<Fact>) -> bool,
) -> Result<(usize, engine::Proofs), ReasonError> {
    let mut proofs = engine::Proofs::default();
    let count = derive_in_chunks(schema, facts, &mut |chunk| {
        let (facts, chunk_proofs) = chunk.into_parts();
        proofs.append(&chunk_proofs);
        emit(facts)
    })?;
    Ok((count, proofs))
}

/// Adds derived facts to `graph` as edges with basis `derived` and, until
/// [`adopt_proofs`], no proof: chunks of [`derive_facts_in_chunks`], in
/// order, to a graph that held its asserted facts alone ([`is_fresh`]).
pub fn add_facts(graph: &mut Graph, facts: &[Fact]) {
    graph.reserve(0, facts.len());
    for (i, f) in facts.iter().enumerate() {
        touch_ahead(graph, facts, i);
        let edge = Edge::new(RelId(f.rel), Basis::Derived);
        let from = NodeIndex::new(f.from as usize);
        graph.add_edge(from, NodeIndex::new(f.to as usize), edge);
    }
}

/// Gives the edges [`add_facts`] added after the `asserted` edges their
/// proofs: those [`derive_facts_in_chunks`] returned. Premises are fact
/// ids, which in a fresh graph are edge indices.
///
/// # Errors
/// When the proofs do not match those edges (not one each, or premises
/// past them), or the graph had proofs already.
pub fn adopt_proofs(
    graph: &mut Graph,
    asserted: usize,
    proofs: engine::Proofs,
) -> Result<(), crate::model::AdoptError> {
    let engine::Proofs {
        rules,
        starts,
        premises,
    } = proofs;
    // No derivation at all leaves no starts.
    let starts = if starts.is_empty() { vec![0] } else { starts };
    graph.adopt_proofs(asserted, rules, starts, premises)
}

/// Whether `graph` holds `asserted` edges at indices `0..asserted` and no
/// derived one: what [`add_facts`] and [`adopt_proofs`] need, since
/// premises are fact ids and a fresh graph's edge indices are those ids.
pub fn is_fresh(graph: &Graph, asserted: usize) -> bool {
    use petgraph::visit::EdgeIndexable as _;
    graph.derived_count() == 0
        && graph.edge_count() == asserted
        && graph.petgraph().edge_bound() == asserted
}

/// Adds derived edges with their proofs. `edges` holds the edge of each
/// fact by id, asserted ones first, and gains the edges added.
fn add(graph: &mut Graph, derived: &engine::Derivations, edges: &mut Vec<EdgeIndex>) -> usize {
    let count = derived.len();
    let premises: usize = derived.iter().map(|d| d.premises.len()).sum();
    graph.reserve_derived(count, premises);
    edges.reserve(count);
    let mut proof: Vec<EdgeIndex> = Vec::new();
    for (i, d) in derived.iter().enumerate() {
        touch_ahead(graph, derived.facts(), i);
        proof.clear();
        // Premises are older facts, so their edges are already in the graph.
        proof.extend((d.premises.iter()).filter_map(|&p| edges.get(p as usize).copied()));
        let edge = Edge::new(RelId(d.fact.rel), Basis::Derived);
        let from = NodeIndex::new(d.fact.from as usize);
        let to = NodeIndex::new(d.fact.to as usize);
        let ix = graph.add_derived_edge(from, to, edge, d.rule, &proof);
        edges.push(ix);
    }
    count
}

/// How many derived edges [`add`] and [`add_facts`] read the `to` nodes of
/// before adding them ([`touch_ahead`]).
const TOUCH_BLOCK: usize = 64;

/// At the start of each block of [`TOUCH_BLOCK`] facts, reads the `to`
/// nodes of the block's facts, from fact `i` on, so that their cache misses
/// overlap before the edges are added ([`Graph::touch_incoming`]).
fn touch_ahead(graph: &Graph, facts: &[Fact], i: usize) {
    if i.is_multiple_of(TOUCH_BLOCK) {
        let ahead = facts.get(i..).unwrap_or_default().iter().take(TOUCH_BLOCK);
        graph.touch_incoming(ahead.map(|f| NodeIndex::new(f.to as usize)));
    }
}

/// Drops every derived edge and derives again: what a what-if analysis runs
/// after it removes nodes, so no edge rests on a removed one.
pub fn rederive(graph: &mut Graph) -> Result<usize, ReasonError> {
    graph.remove_derived();
    materialise(graph)
}

/// A proof as a tree down to asserted edges: each node of the tree is an
/// edge, and a derived edge's children are the edges its rule followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofTree {
    /// The edge.
    pub edge: EdgeIndex,
    /// The rule that derived it (a position in the schema's rules), or
    /// `None` for an asserted edge.
    pub rule: Option<usize>,
    /// The edges the rule followed; empty for an asserted edge.
    pub premises: Vec<ProofTree>,
}

impl ProofTree {
    /// The proof tree of an edge (a leaf for an asserted edge).
    ///
    /// Finite: a derived edge's premises were all known before it.
    pub fn of(graph: &Graph, edge: EdgeIndex) -> ProofTree {
        match graph.proof(edge) {
            Some(p) => ProofTree {
                edge,
                rule: Some(p.rule),
                premises: p.edges.iter().map(|&e| ProofTree::of(graph, e)).collect(),
            },
            None => ProofTree {
                edge,
                rule: None,
                premises: Vec::new(),
            },
        }
    }

    /// The asserted edges the proof rests on, left to right.
    pub fn leaves(&self) -> Vec<EdgeIndex> {
        if self.premises.is_empty() {
            return vec![self.edge];
        }
        self.premises.iter().flat_map(ProofTree::leaves).collect()
    }
}

/// The nodes a derived edge's chain passes through, between its ends
/// ("via Movement of Terrorist Groups"): the `to` node of each premise but
/// the last.
pub fn via(graph: &Graph, edge: EdgeIndex) -> Vec<NodeIndex> {
    let Some(proof) = graph.proof(edge) else {
        return Vec::new();
    };
    let n = proof.edges.len();
    proof
        .edges
        .iter()
        .take(n.saturating_sub(1))
        .filter_map(|&e| graph.edge(e).map(|e| e.to))
        .collect()
}
