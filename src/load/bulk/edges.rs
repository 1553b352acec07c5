//! The edges of bulk inputs: parsed into [`EdgeBatch`]es, their ends
//! resolved to nodes, then checked against the schema and for duplicates,
//! and added, the checks running on a second thread.
//!
//! A CSV folder's edges are parsed while its nodes load, each end kept as
//! the offset of its text in its row; once the nodes are in the graph,
//! [`EdgeBatch::resolve_ends`] looks every end up in the graph's id map, on
//! two threads, a block of ends at a time ([`Graph::lookup_ids`]), so
//! that the cache misses of a block's lookups overlap. A JSON Lines file's lines are not kept,
//! so its edge ends are copied as they are parsed into the batch's arena of
//! end texts ([`EdgeBatch::end`]), each end the position of its text there,
//! and looked up the same way once every node is known ([`add_edges`]).
//! Interning them instead (a number per distinct id, each id looked up
//! once) cost more than it saved: the table of a million ids grew by
//! rehashing while the lines were parsed, and its probes missed the cache,
//! 37% of the load's time in `perf`.

use std::collections::HashSet;

use petgraph::stable_graph::NodeIndex;

use crate::load::error::LoadErrorKind as K;
use crate::model::{Basis, Edge, Graph, KindId, Properties, Provenance, RelId, Schema};
use crate::reason::apart::Gather;
use crate::reason::engine::Proofs;
use crate::reason::{Fact, ReasonError};
use crate::suggest::nearest_one;

use super::checks::{Checks, Finding};
use super::problems::{Part, Problems, RowError};

/// Unknown-node suggestions compare an id with every node id, so they are
/// made only for graphs up to this size, and for the first few problems.
const SUGGEST_UP_TO_NODES: usize = 100_000;
const MAX_NODE_SUGGESTIONS: usize = 50;

/// An edge read but not yet added.
///
/// Its ends are node indices, or [`UNKNOWN`] plus the position of the end's
/// text in the batch's texts. Until they are resolved, they may also be
/// offsets of their text in the row (CSV) or in the batch's arena of end
/// texts (JSON Lines).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pending {
    /// The `from` end.
    pub from: u32,
    /// The `to` end.
    pub to: u32,
    /// Index into the batch's extras, or `NO_EXTRA`.
    pub extra: u32,
    /// The relation.
    pub rel: RelId,
    /// Stated or inferred.
    pub basis: Basis,
    /// Byte offset of the row.
    pub at: u64,
}

/// [`Pending::extra`] of an edge with no properties or provenance.
pub(crate) const NO_EXTRA: u32 = u32::MAX;

/// The bit that marks an end held as text: one that names no node, or
/// (before the ends are resolved) one read from a quoted field. The bits
/// below it are the position of the text in the batch's texts. Node
/// indices stay below it: a graph of 2³¹ nodes would not fit in memory.
pub(crate) const UNKNOWN: u32 = 1 << 31;

/// How many edges [`EdgeBatch::resolve_ends`] finds the texts of before it
/// looks them up together.
const BLOCK: usize = 64;

/// The node index of an end, `None` for one that names no node.
pub(super) fn known(end: u32) -> Option<u32> {
    (end & UNKNOWN == 0).then_some(end)
}

/// The properties and provenance of an edge that has any.
#[derive(Debug, Default)]
pub(crate) struct Extra {
    pub properties: Properties,
    pub provenance: Vec<Provenance>,
}

/// The edges of one file, parsed and waiting for the nodes.
#[derive(Debug)]
pub(crate) struct EdgeBatch {
    /// Index of the file in the load's file list.
    pub file: usize,
    /// The texts of ends copied as they are read ([`EdgeBatch::end`]),
    /// each a 4-byte length and its bytes; empty once resolved.
    arena: Vec<u8>,
    /// The text of each end marked [`UNKNOWN`].
    texts: Vec<Box<str>>,
    /// The edges, in file order.
    pub edges: Vec<Pending>,
    /// Properties and provenance of the edges that have any.
    extras: Vec<Extra>,
    /// Where `from` and `to` are in a row, for problems found later.
    pub parts: (Part, Part),
    /// Problems found while parsing.
    pub problems: Problems,
}

impl EdgeBatch {
    /// An empty batch for `file`.
    pub fn new(file: usize, parts: (Part, Part)) -> Self {
        EdgeBatch {
            file,
            arena: Vec::new(),
            texts: Vec::new(),
            edges: Vec::new(),
            extras: Vec::new(),
            parts,
            problems: Problems::default(),
        }
    }

    /// An end for a reader that keeps no copy of its lines: the position
    /// of the id's text, copied into the batch's arena (or, past 2 GB of
    /// them, an end held as text).
    pub fn end(&mut self, id: &str) -> u32 {
        let at = self.arena.len();
        match (u32::try_from(at), u32::try_from(id.len())) {
            (Ok(pos), Ok(len)) if pos < UNKNOWN && at + 4 + id.len() <= UNKNOWN as usize => {
                self.arena.extend_from_slice(&len.to_le_bytes());
                self.arena.extend_from_slice(id.as_bytes());
                pos
            }
            _ => self.text_end(id),
        }
    }

    /// Resolves the ends [`EdgeBatch::end`] copied to node indices
    /// ([`EdgeBatch::resolve_ends`]) and frees their texts.
    fn resolve_copied(&mut self, graph: &Graph) {
        if self.arena.is_empty() {
            return;
        }
        let arena = std::mem::take(&mut self.arena);
        self.resolve_ends(graph, |_, at| {
            let at = at as usize;
            let len = arena
                .get(at..at + 4)
                .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
            // Only whole `&str`s were copied in.
            arena.get(at + 4..at + 4 + len).unwrap_or_default()
        });
    }

    /// An end held as text: one whose text is not a slice of its row.
    pub fn text_end(&mut self, id: &str) -> u32 {
        self.texts.push(id.into());
        UNKNOWN | u32::try_from(self.texts.len() - 1).unwrap_or(UNKNOWN - 1)
    }

    /// The text of an end marked [`UNKNOWN`].
    pub(super) fn end_text(&self, end: u32) -> &str {
        self.texts.get((end & !UNKNOWN) as usize).map_or("", |t| t)
    }

    /// Resolves ends read as offsets into their rows to node indices, on
    /// two threads (half the edges each): `text(edge, offset)` is the text
    /// of an end, as bytes (UTF-8, checked when the edge was read). Ends held as text are looked up too; an end that names
    /// no node is left (or becomes) one held as text, for its problem.
    ///
    /// A `from` equal to the previous edge's is not looked up again: bulk
    /// files list a node's edges together.
    pub fn resolve_ends<'t>(
        &mut self,
        graph: &Graph,
        text: impl Fn(&Pending, u32) -> &'t [u8] + Sync,
    ) {
        let texts = &self.texts;
        let pass = |edges: &mut [Pending]| -> Vec<(usize, bool, &'t [u8])> {
            let mut unknown = Vec::new();
            // A block's ids are gathered first and looked up together
            // ([`Graph::lookup_ids`]), so that their cache misses overlap.
            let mut names: Vec<&[u8]> = Vec::with_capacity(2 * BLOCK);
            let mut found: Vec<Option<NodeIndex>> = Vec::with_capacity(2 * BLOCK);
            let mut texts_of: Vec<[Option<&'t [u8]>; 2]> = Vec::with_capacity(BLOCK);
            // The previous edge's `from`, as read and as found.
            let mut prev: Option<&'t [u8]> = None;
            let mut prev_found: Option<NodeIndex> = None;
            let held = |end: u32| {
                texts
                    .get((end & !UNKNOWN) as usize)
                    .map_or(&b""[..], |t| t.as_bytes())
            };
            let offset = |p: &Pending, end: u32| (end & UNKNOWN == 0).then(|| text(p, end));
            for (b, chunk) in edges.chunks_mut(BLOCK).enumerate() {
                texts_of.clear();
                names.clear();
                let mut last = prev;
                for p in chunk.iter() {
                    let (from, to) = (offset(p, p.from), offset(p, p.to));
                    match from {
                        Some(t) if last == Some(t) => {}
                        Some(t) => names.push(t),
                        None => names.push(held(p.from)),
                    }
                    names.push(to.unwrap_or_else(|| held(p.to)));
                    last = from;
                    texts_of.push([from, to]);
                }
                found.clear();
                graph.lookup_ids(&names, &mut found);
                let mut next = found.iter().copied();
                for (k, (p, &[from, to])) in chunk.iter_mut().zip(&texts_of).enumerate() {
                    let i = b * BLOCK + k;
                    match from {
                        Some(t) => {
                            if prev != Some(t) {
                                prev_found = next.next().flatten();
                            }
                            match prev_found {
                                Some(ix) => p.from = ix.index() as u32,
                                None => unknown.push((i, false, t)),
                            }
                        }
                        None => {
                            if let Some(ix) = next.next().flatten() {
                                p.from = ix.index() as u32;
                            }
                        }
                    }
                    prev = from;
                    match (to, next.next().flatten()) {
                        (_, Some(ix)) => p.to = ix.index() as u32,
                        (Some(t), None) => unknown.push((i, true, t)),
                        (None, None) => {}
                    }
                }
            }
            unknown
        };
        let mid = self.edges.len() / 2;
        let (left, right) = self.edges.split_at_mut(mid);
        let (mine, theirs) = std::thread::scope(|s| {
            let other = s.spawn(|| pass(right));
            (pass(left), other.join())
        });
        let theirs = theirs.unwrap_or_else(|p| std::panic::resume_unwind(p));
        let found = mine
            .into_iter()
            .chain(theirs.into_iter().map(|(i, to, t)| (i + mid, to, t)));
        for (i, to, t) in found {
            let end = self.text_end(&String::from_utf8_lossy(t));
            if let Some(p) = self.edges.get_mut(i) {
                if to {
                    p.to = end;
                } else {
                    p.from = end;
                }
            }
        }
    }

    /// Makes room for `n` more edges.
    pub fn reserve(&mut self, n: usize) {
        self.edges.reserve(n);
    }

    /// Puts edges appended in segments back to front (chunks taken from
    /// the end of a file) into file order; `starts` are the segments' starts.
    pub fn reverse_segments(&mut self, starts: &[usize]) {
        if starts.len() < 2 {
            return;
        }
        let mut ordered = Vec::with_capacity(self.edges.len());
        let mut end = self.edges.len();
        for &start in starts.iter().rev() {
            ordered.extend_from_slice(&self.edges[start..end]);
            end = start;
        }
        self.edges = ordered;
    }

    /// Adds an edge.
    pub fn push(
        &mut self,
        from: u32,
        rel: RelId,
        to: u32,
        basis: Basis,
        extra: Option<Extra>,
        at: u64,
    ) {
        let extra = match extra {
            Some(e) if !e.properties.is_empty() || !e.provenance.is_empty() => {
                self.extras.push(e);
                u32::try_from(self.extras.len() - 1).unwrap_or(NO_EXTRA)
            }
            _ => NO_EXTRA,
        };
        self.edges.push(Pending {
            from,
            to,
            extra,
            rel,
            basis,
            at,
        });
    }
}

/// Adds the edges of every batch to the graph, in order, checking their
/// ends, the schema and duplicates.
///
/// The checks run on a second thread while the edges are added: a load
/// with any problem returns no graph, so an edge added before its problem
/// is known does no harm.
pub(crate) fn add_edges(
    graph: &mut Graph,
    mut batches: Vec<EdgeBatch>,
    kinds: &[KindId],
    rejected: &HashSet<String>,
    problems: &mut Problems,
    wanted: super::Derive<'_>,
) -> Option<Result<Option<crate::reason::Apart>, ReasonError>> {
    for batch in &mut batches {
        batch.resolve_copied(graph);
    }
    let total: usize = batches.iter().map(|b| b.edges.len()).sum();
    graph.reserve(0, total);
    let schema = graph.schema().clone();
    // The extras are taken out as the edges are added; the checks read the rest.
    let mut extras: Vec<Vec<Extra>> = batches
        .iter_mut()
        .map(|b| std::mem::take(&mut b.extras))
        .collect();
    let views: Vec<&EdgeBatch> = batches.iter().collect();
    // Kept apart, the derived edges are gathered, not added, as they come.
    let link = wanted == super::Derive::Link;
    let derive = wanted != super::Derive::Off && !schema.rules().is_empty();
    let checks = Checks::new(&views, kinds, &schema, rejected);
    let (parts, derived) = std::thread::scope(|s| {
        // The second core checks while this one adds the edges. When the
        // rules derive, that core derives first (the derivations need only
        // the edges' ends and relations) while this thread adds the
        // asserted edges and then the derived ones, handed over a chunk at
        // a time, checking a piece while it waits for one; then both
        // check, a piece at a time, whichever is free first. A third
        // thread would slow both.
        let (chunks_out, chunks) = std::sync::mpsc::channel();
        let (v, sc, ch) = (&views, &schema, &checks);
        let other = s.spawn(move || {
            let derived = derive.then(|| derive_from(v, sc, chunks_out));
            (derived, ch.work())
        });
        let mut added = 0;
        for (batch, extras) in views.iter().zip(&mut extras) {
            for block in batch.edges.chunks(BLOCK) {
                graph.touch_incoming(
                    (block.iter()).filter_map(|p| known(p.to).map(|t| NodeIndex::new(t as usize))),
                );
                for p in block {
                    let (Some(from), Some(to)) = (known(p.from), known(p.to)) else {
                        continue;
                    };
                    // Most edges have no properties or provenance: made
                    // without them, no empty map is built and dropped.
                    let edge = if p.extra == NO_EXTRA {
                        Edge::new(p.rel, p.basis)
                    } else {
                        let extra = extras
                            .get_mut(p.extra as usize)
                            .map(std::mem::take)
                            .unwrap_or_default();
                        Edge::with(p.rel, p.basis, extra.properties, extra.provenance)
                    };
                    graph.add_edge(
                        NodeIndex::new(from as usize),
                        NodeIndex::new(to as usize),
                        edge,
                    );
                    added += 1;
                }
            }
        }
        // The derivations' premises are fact ids, which are the edges'
        // indices in a graph that holds the facts alone, in order.
        let fresh = derive && crate::reason::is_fresh(graph, added);
        let mut mine = Vec::new();
        let mut kept = match wanted {
            super::Derive::At(ids) => {
                use petgraph::visit::NodeIndexable as _;
                let seeds: Option<Vec<_>> = ids.iter().map(|id| graph.node_index(id)).collect();
                let bound = graph.petgraph().node_bound();
                seeds.map_or_else(Gather::all, |seeds| Gather::at(seeds, bound))
            }
            _ => Gather::all(),
        };
        if fresh {
            // Each chunk as it comes; while none is there, a piece of the
            // checks.
            use std::sync::mpsc::TryRecvError;
            loop {
                let chunk = match chunks.try_recv() {
                    Ok(chunk) => chunk,
                    Err(TryRecvError::Disconnected) => break,
                    Err(TryRecvError::Empty) if checks.work_one(&mut mine) => continue,
                    Err(TryRecvError::Empty) => match chunks.recv() {
                        Ok(chunk) => chunk,
                        Err(_) => break,
                    },
                };
                if link {
                    crate::reason::add_facts(graph, &chunk);
                } else {
                    kept.take(chunk);
                }
            }
        }
        // Stops the derivation at its next chunk if they are not taken.
        drop(chunks);
        while checks.work_one(&mut mine) {}
        let (result, theirs) = other
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        let derived = result.map(|r| match r {
            Ok((_, proofs)) if fresh && !link => {
                match std::mem::replace(&mut kept, Gather::all()).finish(added, proofs) {
                    Some(apart) => Ok(Some(apart)),
                    // Not expected: then derive again, the slow way.
                    None => crate::reason::materialise(graph).map(|_| None),
                }
            }
            Ok((_, proofs)) if fresh => {
                match crate::reason::adopt_proofs(graph, added, proofs) {
                    Ok(()) => Ok(None),
                    // Not expected: then derive again, the slow way.
                    Err(_) => {
                        graph.drop_unproved_from(added);
                        crate::reason::materialise(graph).map(|_| None)
                    }
                }
            }
            Ok(_) => crate::reason::materialise(graph).map(|_| None),
            Err(e) => Err(e),
        });
        ([mine, theirs], derived)
    });
    let (findings, more) = checks.finish(parts);
    drop(extras);
    problems.more += more;

    // The findings as problems, now that the graph can be read.
    let mut suggestions_left = if graph.node_count() <= SUGGEST_UP_TO_NODES {
        MAX_NODE_SUGGESTIONS
    } else {
        0
    };
    let node = |ix: u32| graph.node(NodeIndex::new(ix as usize));
    for f in findings {
        match f {
            Finding::Unknown { batch, edge, end } => {
                let b = &batches[batch];
                let p = b.edges[edge];
                let (end, n, part) = if end == 0 {
                    ("from", p.from, b.parts.0)
                } else {
                    ("to", p.to, b.parts.1)
                };
                let id = b.end_text(n);
                let suggest = suggestions_left > 0;
                suggestions_left = suggestions_left.saturating_sub(1);
                problems.row(b.file, p.at, part, || K::UnknownNode {
                    end,
                    id: id.to_string(),
                    suggestion: suggest
                        .then(|| nearest_one(id, graph.nodes().map(|(_, n)| &*n.id)))
                        .flatten(),
                });
            }
            Finding::Forbidden { batch, edge } => {
                let b = &batches[batch];
                let p = b.edges[edge];
                if let (Some(f), Some(t)) = (node(p.from), node(p.to)) {
                    problems.row(b.file, p.at, Part::Row, || {
                        crate::load::assemble::forbidden_endpoints(graph, p.rel, f, t)
                    });
                }
            }
            Finding::Duplicate { batch, edge, first } => {
                let b = &batches[batch];
                let p = b.edges[edge];
                let id = |ix: u32| node(ix).map(|n| String::from(&*n.id)).unwrap_or_default();
                let origin = batches
                    .get(first.0)
                    .and_then(|fb| fb.edges.get(first.1).map(|fp| (fb.file, fp.at)));
                problems.duplicate(RowError {
                    file: b.file,
                    at: p.at,
                    part: Part::Row,
                    kind: K::DuplicateEdge {
                        from: id(p.from),
                        rel: graph.rel_name(p.rel).to_string(),
                        to: id(p.to),
                        first: None,
                    },
                    first: origin,
                });
            }
        }
    }
    for batch in batches.drain(..) {
        problems.append(batch.problems);
    }
    derived
}

/// What the schema's rules derive from the edges, as the graph will hold
/// them: in the order they are added, skipping those with an unknown end
/// (which fail the load anyway). The derived facts are sent to `out` a
/// chunk at a time; returns how many there are, with their proofs.
fn derive_from(
    batches: &[&EdgeBatch],
    schema: &Schema,
    out: std::sync::mpsc::Sender<Vec<Fact>>,
) -> Result<(usize, Proofs), ReasonError> {
    let facts = BatchFacts { batches };
    crate::reason::derive_facts_in_chunks(schema, &facts, &mut |chunk| out.send(chunk).is_ok())
}

/// The edges of a load's batches as the rules' engine reads them, lent
/// rather than copied: fact `i` is the `i`-th edge with both ends known,
/// which is edge `i` of the graph they are added to.
struct BatchFacts<'b> {
    batches: &'b [&'b EdgeBatch],
}

impl crate::reason::engine::Asserted for BatchFacts<'_> {
    fn facts(&self) -> impl Iterator<Item = Fact> + Clone + '_ {
        (self.batches.iter().flat_map(|b| b.edges.iter())).filter_map(|p| {
            Some(Fact {
                from: known(p.from)?,
                rel: p.rel.0,
                to: known(p.to)?,
            })
        })
    }
}
