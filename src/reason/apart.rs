//! Derived edges kept apart from the graph's adjacency lists until a
//! command says how much of the graph it reads.
//!
//! A bulk load derives every edge the rules give, with its proof, on its
//! second thread ([`super::derive_facts_in_chunks`]). Linking 1.3 million of
//! them into petgraph's lists at a million nodes is the first thread's
//! largest share of the rules' cost (about 30 ms, and 42 MB of fresh
//! memory, BENCHMARKS.md). A command that reads only a few nodes and what
//! lies near them (`Scope::Around` in the command line) does not need them all:
//! [`Apart::link_around`] links the derived edges of that neighbourhood,
//! and the edges each one's proof names, recursively, so every proof still
//! reads down to asserted edges. Every other command links them all
//! ([`Apart::link_all`]), which gives the graph a load that links them as
//! they come would.
//!
//! Both ways the derivation is whole: which edges are derived, and each
//! one's proof, do not depend on the neighbourhood. A derived edge linked
//! alone takes the next free index; [`Linked::Around`] gives each edge's
//! index in the graph that links them all (derived edge `k` at
//! `first + k`), as a snapshot's neighbourhood does.

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use super::engine::{Fact, Proofs};
use super::{ReasonError, adopt_proofs, materialise};
use crate::model::{Basis, Direction, Edge, Graph, RelId};

/// What the rules derived from a bulk load's edges, not yet in the graph's
/// lists: derived edge `k` is fact `k` of the chunks, its proof proof `k`,
/// and its premises fact ids (below `first` an asserted edge's index, from
/// `first` on derived edge `id - first`).
#[derive(Debug)]
pub struct Apart {
    first: usize,
    chunks: Vec<Vec<Fact>>,
    proofs: Proofs,
}

/// How [`Apart::link_around`] linked the derived edges.
#[derive(Debug)]
pub enum Linked {
    /// All of them (the neighbourhood was too large, or a seed was not in
    /// the graph): as many as this.
    All(usize),
    /// Those of the neighbourhood; for each edge of the graph, its index in
    /// a graph that links them all.
    Around(Vec<u32>),
}

impl Apart {
    /// The derivations of a load whose `first` edges are asserted, if the
    /// proofs give one proof to each fact and name only earlier facts;
    /// `None` otherwise (then derive again, [`materialise`]).
    pub(crate) fn new(first: usize, chunks: Vec<Vec<Fact>>, proofs: Proofs) -> Option<Apart> {
        let count: usize = chunks.iter().map(Vec::len).sum();
        let Proofs {
            rules,
            starts,
            premises,
        } = proofs;
        // No derivation at all leaves no starts.
        let starts = if starts.is_empty() { vec![0] } else { starts };
        let fits = rules.len() == count
            && starts.len() == count + 1
            && starts.first() == Some(&0)
            && starts.windows(2).all(|w| w[0] <= w[1])
            && starts.last().map(|&s| s as usize) == Some(premises.len())
            && (0..count).all(|k| {
                premises[starts[k] as usize..starts[k + 1] as usize]
                    .iter()
                    .all(|&p| (p as usize) < first + k)
            });
        fits.then_some(Apart {
            first,
            chunks,
            proofs: Proofs {
                rules,
                starts,
                premises,
            },
        })
    }

    /// How many edges were derived.
    pub fn len(&self) -> usize {
        self.proofs.rules.len()
    }

    /// Whether none was.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Links every derived edge, in order, and gives the graph their
    /// proofs: the graph a load that links them as they come gives.
    ///
    /// # Errors
    /// Only if the proofs cannot be adopted and deriving again fails.
    pub fn link_all(self, graph: &mut Graph) -> Result<usize, ReasonError> {
        let count = self.len();
        for chunk in &self.chunks {
            super::add_facts(graph, chunk);
        }
        match adopt_proofs(graph, self.first, self.proofs) {
            Ok(()) => Ok(count),
            // Not expected (`new` checked them): then derive again.
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
    /// them all instead.
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
        match self.around(graph, seeds, radius, limit) {
            Some(chosen) => Ok(Linked::Around(self.link_chosen(graph, &chosen))),
            None => self.link_all(graph).map(Linked::All),
        }
    }

    /// The derived edges [`Apart::link_around`] links, in order; `None`
    /// past `limit`.
    fn around(
        &self,
        graph: &Graph,
        seeds: &[NodeIndex],
        radius: usize,
        limit: usize,
    ) -> Option<Vec<usize>> {
        use petgraph::visit::NodeIndexable as _;
        let bound = graph.petgraph().node_bound();
        // The level each node was reached at, 1 for a seed; 0 unreached.
        let mut level = vec![0usize; bound];
        let mut frontier: Vec<usize> = Vec::new();
        for s in seeds {
            let at = level.get_mut(s.index())?;
            if *at == 0 {
                *at = 1;
                frontier.push(s.index());
            }
        }
        let mut chosen = vec![false; self.len()];
        let (mut nodes, mut edges) = (frontier.len(), 0usize);
        for depth in 1..=radius {
            let mut next = Vec::new();
            let reach = |n: usize, next: &mut Vec<usize>, level: &mut [usize]| {
                if let Some(l) = level.get_mut(n)
                    && *l == 0
                {
                    *l = depth + 1;
                    next.push(n);
                }
            };
            for &n in &frontier {
                // The graph's lists hold the asserted edges alone.
                for e in graph.edges_of(NodeIndex::new(n), Direction::Both) {
                    let other = if e.from.index() == n { e.to } else { e.from };
                    reach(other.index(), &mut next, &mut level);
                }
            }
            for (k, f) in self.facts() {
                let (from, to) = (f.from as usize, f.to as usize);
                let at = |n: usize| level.get(n) == Some(&depth);
                if at(from) || at(to) {
                    if !chosen[k] {
                        chosen[k] = true;
                        edges += 1;
                    }
                    reach(from, &mut next, &mut level);
                    reach(to, &mut next, &mut level);
                }
            }
            nodes += next.len();
            if nodes > limit || edges > limit {
                return None;
            }
            frontier = next;
        }
        // The derived edges their proofs name, down to asserted ones:
        // premises are earlier facts, so one pass from the last back.
        let (starts, premises) = (&self.proofs.starts, &self.proofs.premises);
        for k in (0..chosen.len()).rev() {
            if !chosen[k] {
                continue;
            }
            let (a, b) = (starts[k] as usize, starts[k + 1] as usize);
            for &p in &premises[a..b] {
                if let Some(j) = (p as usize).checked_sub(self.first)
                    && !chosen[j]
                {
                    chosen[j] = true;
                    edges += 1;
                }
            }
        }
        if edges > limit {
            return None;
        }
        Some((0..chosen.len()).filter(|&k| chosen[k]).collect())
    }

    /// Every derived fact with its number.
    fn facts(&self) -> impl Iterator<Item = (usize, &Fact)> {
        self.chunks.iter().flatten().enumerate()
    }

    /// Links the derived edges `chosen` (in order) with their proofs; the
    /// index in the whole graph of each of the graph's edges.
    fn link_chosen(&self, graph: &mut Graph, chosen: &[usize]) -> Vec<u32> {
        use petgraph::visit::EdgeIndexable as _;
        let mut whole: Vec<u32> = (0..graph.petgraph().edge_bound())
            .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
            .collect();
        let mut index_of = std::collections::HashMap::with_capacity(chosen.len());
        let mut wanted = chosen.iter().copied().peekable();
        let mut premises: Vec<EdgeIndex> = Vec::new();
        for (k, f) in self.facts() {
            if wanted.peek() != Some(&k) {
                continue;
            }
            wanted.next();
            let (a, b) = (
                self.proofs.starts[k] as usize,
                self.proofs.starts[k + 1] as usize,
            );
            premises.clear();
            premises.extend(self.proofs.premises[a..b].iter().map(|&p| {
                match (p as usize).checked_sub(self.first) {
                    // Chosen with it, and earlier, so linked already.
                    Some(j) => index_of.get(&j).copied().unwrap_or(EdgeIndex::end()),
                    None => EdgeIndex::new(p as usize),
                }
            }));
            let ix = graph.add_derived_edge(
                NodeIndex::new(f.from as usize),
                NodeIndex::new(f.to as usize),
                Edge::new(RelId(f.rel), Basis::Derived),
                self.proofs.rules[k] as usize,
                &premises,
            );
            index_of.insert(k, ix);
            whole.resize(ix.index() + 1, u32::MAX);
            whole[ix.index()] = u32::try_from(self.first + k).unwrap_or(u32::MAX);
        }
        whole
    }
}
