//! Derived edges kept apart from the graph's adjacency lists until a
//! command says how much of the graph it reads.
//!
//! A bulk load derives every edge the rules give, with its proof, on its
//! second thread ([`super::derive_facts_in_chunks`]). Linking 1.3 million of
//! them into petgraph's lists at a million nodes is the first thread's
//! largest share of the rules' cost (about 30 ms, and 42 MB of fresh
//! memory, BENCHMARKS.md). A command that reads only a few nodes and what
//! lies near them (`Scope::Around` in the command line) does not need them
//! all: [`Apart::link_around`] links the derived edges of that
//! neighbourhood, and the edges each one's proof names, recursively, so
//! every proof still reads down to asserted edges. Every other command
//! links them all ([`Apart::link_all`]), which gives the graph a load that
//! links them as they come would.
//!
//! Both ways the derivation is whole: which edges are derived, and each
//! one's proof, do not depend on the neighbourhood. A derived edge linked
//! alone takes the next free index; [`Linked::Around`] gives each one's
//! index in the graph that links them all (derived edge `k` at
//! `first + k`).
//!
//! What is kept of the derived facts as they come (`Gather`):
//!
//! - for a command that reads only its nodes' own edges (radius 1:
//!   `related`, `show`, `explain`), the facts at those nodes alone. The
//!   rest are dropped as they come, so the engine's thread reuses their
//!   memory for the next chunk rather than ask the kernel for 16 MB more
//!   at a million nodes. A derived edge a kept one's proof names is rebuilt
//!   from its own proof: a chain's premises run end to end, so the first
//!   one's `from`, the rule's relation and the last one's `to` are the
//!   fact (checked link by link);
//! - otherwise every fact. Finding a neighbourhood's derived edges is then
//!   a pass over them, reading a bit per node (128 KB at a million nodes,
//!   which stays in the cache) for each end.

use std::collections::HashMap;

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use super::engine::{Bits, Fact, Proofs};
use super::{ReasonError, adopt_proofs, materialise};
use crate::model::{Basis, Direction, Edge, Graph, RelId};

/// What the rules derived from a bulk load's edges, not yet in the graph's
/// lists: derived edge `k` is fact `k`, its proof proof `k`, and its
/// premises fact ids (below `first` an asserted edge's index, from `first`
/// on derived edge `id - first`).
#[derive(Debug)]
pub struct Apart {
    first: usize,
    kept: Kept,
    proofs: Proofs,
}

/// The derived facts an [`Apart`] keeps.
#[derive(Debug)]
enum Kept {
    /// All of them, in the chunks the engine handed them over in.
    All(Vec<Vec<Fact>>),
    /// Those with an end at one of `seeds` (`marks`, as bits), each with
    /// its number.
    At {
        seeds: Vec<NodeIndex>,
        marks: Bits,
        facts: Vec<(usize, Fact)>,
    },
}

/// The derived facts of a bulk load, gathered as the engine hands them
/// over ([`Apart`] says what is kept).
#[derive(Debug)]
pub(crate) struct Gather {
    kept: Kept,
    /// How many facts have come.
    count: usize,
}

impl Gather {
    /// Keeps every fact.
    pub(crate) fn all() -> Gather {
        Gather {
            kept: Kept::All(Vec::new()),
            count: 0,
        }
    }

    /// Keeps the facts with an end at one of `seeds`, nodes of a graph of
    /// `bound` node indices.
    pub(crate) fn at(seeds: Vec<NodeIndex>, bound: usize) -> Gather {
        let mut marks = Bits::new(bound);
        seeds.iter().for_each(|s| marks.set(s.index() as u32));
        Gather {
            kept: Kept::At {
                seeds,
                marks,
                facts: Vec::new(),
            },
            count: 0,
        }
    }

    /// Takes the next chunk of facts.
    pub(crate) fn take(&mut self, chunk: Vec<Fact>) {
        let start = self.count;
        self.count += chunk.len();
        match &mut self.kept {
            Kept::All(chunks) => chunks.push(chunk),
            Kept::At { marks, facts, .. } => facts.extend(
                (chunk.iter().enumerate())
                    .filter(|(_, f)| marks.get(f.from) || marks.get(f.to))
                    .map(|(i, &f)| (start + i, f)),
            ),
        }
    }

    /// The facts with their proofs, for a load whose `first` edges are
    /// asserted; `None` when the proofs do not give one proof to each fact
    /// (then derive again, [`materialise`]).
    pub(crate) fn finish(self, first: usize, proofs: Proofs) -> Option<Apart> {
        let Proofs {
            rules,
            starts,
            premises,
        } = proofs;
        // No derivation at all leaves no starts.
        let starts = if starts.is_empty() { vec![0] } else { starts };
        // Each proof's premises are read with checked slicing, and that
        // they name earlier facts is checked where they are read
        // ([`Apart::around`], [`Apart::link_chosen`]); linking all adopts
        // the proofs, which checks them whole.
        let fits = rules.len() == self.count
            && starts.len() == self.count + 1
            && starts.last().map(|&s| s as usize) == Some(premises.len());
        fits.then_some(Apart {
            first,
            kept: self.kept,
            proofs: Proofs {
                rules,
                starts,
                premises,
            },
        })
    }
}

/// How [`Apart::link_around`] linked the derived edges.
#[derive(Debug)]
pub enum Linked {
    /// All of them (the neighbourhood was too large, or not the one the
    /// facts were kept for): as many as this.
    All(usize),
    /// Those of the neighbourhood, after the graph's `first` (asserted)
    /// edges: the `k`-th linked has index `first + k` here and
    /// `whole[k]` in a graph that links them all.
    Around {
        /// How many edges came before the derived ones.
        first: usize,
        /// Each linked derived edge's index in the fully linked graph.
        whole: Vec<u32>,
    },
}

impl Apart {
    /// How many edges were derived.
    pub fn len(&self) -> usize {
        self.proofs.rules.len()
    }

    /// Whether none was.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The premises of derived edge `k`'s proof, as fact ids.
    fn premises(&self, k: usize) -> Option<&[u32]> {
        let (a, b) = (self.proofs.starts.get(k)?, self.proofs.starts.get(k + 1)?);
        self.proofs.premises.get(*a as usize..*b as usize)
    }

    /// Links every derived edge, in order, and gives the graph their
    /// proofs: the graph a load that links them as they come gives. When
    /// only some facts were kept, derives again ([`materialise`]).
    ///
    /// # Errors
    /// Only if the proofs cannot be adopted and deriving again fails.
    pub fn link_all(self, graph: &mut Graph) -> Result<usize, ReasonError> {
        let count = self.len();
        let Kept::All(chunks) = &self.kept else {
            return materialise(graph);
        };
        for chunk in chunks {
            super::add_facts(graph, chunk);
        }
        match adopt_proofs(graph, self.first, self.proofs) {
            Ok(()) => Ok(count),
            // Not expected: then derive again.
            Err(_) => {
                graph.drop_unproved_from(self.first);
                materialise(graph)
            }
        }
    }

    /// Links the derived edges of every node closer than `radius` edges to
    /// one of `seeds` (in either direction, along asserted and derived
    /// edges alike), and those their proofs name, recursively: what a
    /// command reading that neighbourhood can see. When that would be more
    /// than `limit` edges, or more than `limit` nodes are in reach, links
    /// them all instead (as when the facts were kept for other seeds).
    ///
    /// # Errors
    /// As [`Apart::link_all`], when it links them all.
    pub fn link_around(
        self,
        graph: &mut Graph,
        seeds: &[NodeIndex],
        radius: usize,
        limit: usize,
    ) -> Result<Linked, ReasonError> {
        let chosen = match &self.kept {
            Kept::All(_) => self.around(graph, seeds, radius, limit),
            Kept::At {
                seeds: kept, facts, ..
            } if kept == seeds && radius <= 1 => {
                let picked = facts.iter().map(|&(k, _)| k).collect();
                self.with_premises(picked, usize::MAX)
            }
            Kept::At { .. } => None,
        };
        let Some(chosen) = chosen else {
            return self.link_all(graph).map(Linked::All);
        };
        match self.link_chosen(graph, &chosen) {
            Some(whole) => Ok(Linked::Around {
                first: self.first,
                whole,
            }),
            // Not expected: a proof that is no chain. Then derive again.
            None => {
                graph.remove_derived();
                materialise(graph).map(Linked::All)
            }
        }
    }

    /// The derived edges [`Apart::link_around`] links, in order; `None`
    /// past `limit`, or should a proof name a later fact (the engine's
    /// proofs never do).
    fn around(
        &self,
        graph: &Graph,
        seeds: &[NodeIndex],
        radius: usize,
        limit: usize,
    ) -> Option<Vec<usize>> {
        use petgraph::visit::NodeIndexable as _;
        let Kept::All(chunks) = &self.kept else {
            return None;
        };
        let bound = graph.petgraph().node_bound();
        let mut seen = Bits::new(bound);
        let mut frontier: Vec<usize> = Vec::new();
        for s in seeds {
            if s.index() >= bound {
                return None;
            }
            if seen.insert(s.index() as u32) {
                frontier.push(s.index());
            }
        }
        let mut chosen = Bits::new(self.len());
        let mut picked: Vec<usize> = Vec::new();
        let mut nodes = frontier.len();
        for _ in 0..radius {
            let mut here = Bits::new(bound);
            frontier.iter().for_each(|&n| here.set(n as u32));
            let mut next = Vec::new();
            for &n in &frontier {
                // The graph's lists hold the asserted edges alone.
                for e in graph.edges_of(NodeIndex::new(n), Direction::Both) {
                    let other = if e.from.index() == n { e.to } else { e.from };
                    if seen.insert(other.index() as u32) {
                        next.push(other.index());
                    }
                }
            }
            for (k, f) in chunks.iter().flatten().enumerate() {
                if here.get(f.from) || here.get(f.to) {
                    if chosen.insert(k as u32) {
                        picked.push(k);
                    }
                    for end in [f.from, f.to] {
                        if seen.insert(end) {
                            next.push(end as usize);
                        }
                    }
                }
            }
            nodes += next.len();
            if nodes > limit || picked.len() > limit {
                return None;
            }
            frontier = next;
        }
        self.with_premises(picked, limit)
    }

    /// `picked` with the derived edges their proofs name, down to asserted
    /// ones, in order; `None` past `limit` or for a proof that names a
    /// later fact.
    fn with_premises(&self, mut picked: Vec<usize>, limit: usize) -> Option<Vec<usize>> {
        let mut chosen = Bits::new(self.len());
        picked.iter().for_each(|&k| chosen.set(k as u32));
        let mut todo = picked.clone();
        while let Some(k) = todo.pop() {
            for &p in self.premises(k)? {
                let Some(j) = (p as usize).checked_sub(self.first) else {
                    continue;
                };
                if j >= k {
                    return None;
                }
                if chosen.insert(j as u32) {
                    picked.push(j);
                    todo.push(j);
                }
            }
            if picked.len() > limit {
                return None;
            }
        }
        picked.sort_unstable();
        Some(picked)
    }

    /// Links the derived edges `chosen` (in order, each after those its
    /// proof names) with their proofs; gives each one's index in the fully
    /// linked graph. `None` for a fact that was not kept and whose proof
    /// is no chain of linked edges.
    fn link_chosen(&self, graph: &mut Graph, chosen: &[usize]) -> Option<Vec<u32>> {
        let kept: HashMap<usize, Fact> = match &self.kept {
            Kept::At { facts, .. } => facts.iter().copied().collect(),
            Kept::All(_) => HashMap::new(),
        };
        // Where each chunk starts among the facts.
        let chunks: &[Vec<Fact>] = match &self.kept {
            Kept::All(chunks) => chunks,
            Kept::At { .. } => &[],
        };
        let starts: Vec<usize> = (chunks.iter())
            .scan(0, |at, c| {
                let start = *at;
                *at += c.len();
                Some(start)
            })
            .collect();
        let in_chunks = |k: usize| {
            let c = starts.partition_point(|&s| s <= k).checked_sub(1)?;
            chunks.get(c)?.get(k - starts.get(c)?).copied()
        };
        let mut index_of: HashMap<usize, EdgeIndex> = HashMap::with_capacity(chosen.len());
        let mut whole = Vec::with_capacity(chosen.len());
        let mut premises: Vec<EdgeIndex> = Vec::new();
        for &k in chosen {
            premises.clear();
            for &p in self.premises(k)? {
                premises.push(match (p as usize).checked_sub(self.first) {
                    // Chosen with it, and earlier, so linked already.
                    Some(j) => *index_of.get(&j)?,
                    None => EdgeIndex::new(p as usize),
                });
            }
            let rule = *self.proofs.rules.get(k)? as usize;
            let fact = match kept.get(&k).copied().or_else(|| in_chunks(k)) {
                Some(f) => f,
                None => rebuilt(graph, rule, &premises)?,
            };
            let ix = graph.add_derived_edge(
                NodeIndex::new(fact.from as usize),
                NodeIndex::new(fact.to as usize),
                Edge::new(RelId(fact.rel), Basis::Derived),
                rule,
                &premises,
            );
            index_of.insert(k, ix);
            whole.push(u32::try_from(self.first + k).unwrap_or(u32::MAX));
        }
        Some(whole)
    }
}

/// The fact a proof by `rule` from the edges `premises` derives: from the
/// first premise's `from` to the last one's `to`, by the rule's relation;
/// `None` unless the premises run end to end.
fn rebuilt(graph: &Graph, rule: usize, premises: &[EdgeIndex]) -> Option<Fact> {
    let head = graph.schema().rules().get(rule)?.head;
    let edges: Vec<_> = premises
        .iter()
        .map(|&p| graph.edge(p))
        .collect::<Option<_>>()?;
    let chained = edges.windows(2).all(|w| w[0].to == w[1].from);
    let (first, last) = (edges.first()?, edges.last()?);
    chained.then(|| Fact {
        from: first.from.index() as u32,
        rel: head.0,
        to: last.to.index() as u32,
    })
}
