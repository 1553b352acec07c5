//! The checks of a bulk load's edges: ends that name no node, relations
//! the schema does not allow between the ends' kinds, and duplicates.
//!
//! The edges are cut into pieces of whole runs (edges that share a `from`,
//! which bulk files list together), and any thread with nothing else to do
//! takes the next piece ([`Checks::work_one`]). Without rules the second
//! core checks while the first adds the edges. With rules the second core
//! derives first; the first, once its asserted edges are in, adds the
//! derived ones as they come and checks a piece whenever none is waiting,
//! and both share what is left when the derivation ends. The checks no
//! longer wait for one core alone (BENCHMARKS.md, "Checks shared by both
//! cores"). The pieces depend on the edges alone, not on the threads, and
//! [`Checks::finish`] puts their findings back in file order, so which
//! thread checked which piece never changes the problems listed.
//!
//! Duplicates are looked for within each run, in a small sort per run. A
//! `from` that begins more than one run (a file not grouped by `from`, or
//! lines straddling two of the chunks a file is parsed in) is marked; if
//! any is, one sort of the keys of those `from`s' edges settles whether a
//! repeat lies across runs (sorting every edge's key instead cost 2 s at
//! 10M nodes). The marks are atomic bits, so pieces checked in any order,
//! on any thread, mark the same `from`s.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use crate::model::{KindId, RelId, Schema};

use super::edges::{EdgeBatch, Pending, UNKNOWN, known};
use super::{FastMap, MAX_LISTED};

/// How many pieces the edges are cut into, at most: enough that two
/// threads finish within a piece of each other.
const PIECES: usize = 32;

/// The fewest edges in a piece: smaller ones cost more to hand out than
/// to check.
const MIN_PIECE: usize = 1 << 14;

/// How many edges' `to` kinds are read together before they are used.
const BLOCK: usize = 64;

/// A problem found by the checks, described by position only: the graph is
/// being written to while the checks run, so the messages are written
/// afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Finding {
    /// An end names no node (0: `from`, 1: `to`).
    Unknown { batch: usize, edge: usize, end: u8 },
    /// The schema does not allow the relation between the ends' kinds.
    Forbidden { batch: usize, edge: usize },
    /// The same edge again; `first` is the (batch, edge) of an earlier copy
    /// (the one before it in its run, or the first when its `from` has
    /// several runs).
    Duplicate {
        batch: usize,
        edge: usize,
        first: (usize, usize),
    },
}

impl Finding {
    /// The edge it is about, as (batch, edge).
    fn at(&self) -> (usize, usize) {
        match *self {
            Finding::Unknown { batch, edge, .. }
            | Finding::Forbidden { batch, edge }
            | Finding::Duplicate { batch, edge, .. } => (batch, edge),
        }
    }
}

/// The findings of the pieces one thread checked, each with its piece's
/// number.
pub(super) type Part = Vec<(usize, Vec<Finding>)>;

/// The checks of a load's edges, shared out in pieces.
pub(super) struct Checks<'a> {
    batches: &'a [&'a EdgeBatch],
    kinds: &'a [KindId],
    rejected: &'a HashSet<String>,
    /// Whether relation `r` may go from kind `f` to kind `t`, at
    /// `(r * n_kinds + f) * n_kinds + t`.
    allowed: Vec<bool>,
    n_kinds: usize,
    /// Each piece: its batch and the range of that batch's edges.
    pieces: Vec<(usize, Range<usize>)>,
    /// The next piece to hand out.
    next: AtomicUsize,
    /// The `from`s that began a run, and those that began a second one:
    /// duplicates in different runs can only be theirs.
    began_a_run: AtomicBits,
    several_runs: AtomicBits,
    scattered: AtomicBool,
}

impl<'a> Checks<'a> {
    /// The checks of `batches`, whose nodes have `kinds`; ends that name a
    /// node in `rejected` (one reported already) are not reported again.
    pub fn new(
        batches: &'a [&'a EdgeBatch],
        kinds: &'a [KindId],
        schema: &Schema,
        rejected: &'a HashSet<String>,
    ) -> Self {
        let total: usize = batches.iter().map(|b| b.edges.len()).sum();
        Self::with_pieces_of(batches, kinds, schema, rejected, piece_len(total))
    }

    /// [`Checks::new`] with pieces of about `len` edges (tests cut small
    /// ones).
    fn with_pieces_of(
        batches: &'a [&'a EdgeBatch],
        kinds: &'a [KindId],
        schema: &Schema,
        rejected: &'a HashSet<String>,
        len: usize,
    ) -> Self {
        let n_kinds = schema.kinds().len();
        let mut allowed = vec![false; schema.relations().len() * n_kinds * n_kinds];
        for (rel, def) in schema.relations() {
            for &f in &def.from {
                for &t in &def.to {
                    if let Some(a) = allowed.get_mut(cell(n_kinds, rel, f, t)) {
                        *a = true;
                    }
                }
            }
        }
        let mut pieces = Vec::new();
        for (b, batch) in batches.iter().enumerate() {
            let edges = &batch.edges;
            let mut start = 0;
            while start < edges.len() {
                // A piece ends where its last run does.
                let mut end = start.saturating_add(len.max(1)).min(edges.len());
                while end < edges.len() && edges[end].from == edges[end - 1].from {
                    end += 1;
                }
                pieces.push((b, start..end));
                start = end;
            }
        }
        Checks {
            batches,
            kinds,
            rejected,
            allowed,
            n_kinds,
            pieces,
            next: AtomicUsize::new(0),
            began_a_run: AtomicBits::new(kinds.len()),
            several_runs: AtomicBits::new(kinds.len()),
            scattered: AtomicBool::new(false),
        }
    }

    /// Checks pieces until none is left; returns their findings.
    pub fn work(&self) -> Part {
        let mut done = Vec::new();
        while self.work_one(&mut done) {}
        done
    }

    /// Checks the next piece, if one is left, adding its findings to
    /// `done`; whether there was one.
    pub fn work_one(&self, done: &mut Part) -> bool {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let Some((b, range)) = self.pieces.get(n) else {
            return false;
        };
        done.push((n, self.piece(*b, range.clone())));
        true
    }

    /// Whether the schema lets `rel` go from a node of kind `from` to one
    /// of kind `to`.
    fn allows(&self, rel: RelId, from: KindId, to: KindId) -> bool {
        let at = cell(self.n_kinds, rel, from, to);
        self.allowed.get(at).copied().unwrap_or(false)
    }

    fn kind(&self, ix: u32) -> KindId {
        self.kinds.get(ix as usize).copied().unwrap_or(KindId(0))
    }

    /// The findings of one piece: edges `range` of batch `b`.
    fn piece(&self, b: usize, range: Range<usize>) -> Vec<Finding> {
        let mut found = Vec::new();
        let Some(batch) = self.batches.get(b) else {
            return found;
        };
        let first = range.start;
        let edges = batch.edges.get(range).unwrap_or_default();
        let mut run: Vec<(u64, usize)> = Vec::new();
        let mut run_from = UNKNOWN;
        let flush = |run: &mut Vec<(u64, usize)>, found: &mut Vec<Finding>| {
            if run.len() > 1 {
                run.sort_unstable();
                for w in run.windows(2) {
                    if w[0].0 == w[1].0 {
                        found.push(Finding::Duplicate {
                            batch: b,
                            edge: w[1].1,
                            first: (b, w[0].1),
                        });
                    }
                }
            }
            run.clear();
        };
        // The kinds of a block's `to` ends, read together before they are
        // used: ends are scattered over the node table, and independent
        // reads let their cache misses overlap (at 10M nodes the table is
        // 20 MB).
        let mut to_kinds = [KindId(0); BLOCK];
        for (block_no, block) in edges.chunks(BLOCK).enumerate() {
            for (slot, p) in to_kinds.iter_mut().zip(block) {
                *slot = known(p.to).map_or(KindId(0), |t| self.kind(t));
            }
            for ((j, p), &to_kind) in block.iter().enumerate().zip(&to_kinds) {
                let i = first + block_no * BLOCK + j;
                let (Some(from), Some(to)) = (known(p.from), known(p.to)) else {
                    for (end, n) in [(0u8, p.from), (1, p.to)] {
                        if known(n).is_none() && !self.rejected.contains(batch.end_text(n)) {
                            found.push(Finding::Unknown {
                                batch: b,
                                edge: i,
                                end,
                            });
                        }
                    }
                    continue;
                };
                if !self.allows(p.rel, self.kind(from), to_kind) {
                    found.push(Finding::Forbidden { batch: b, edge: i });
                    continue;
                }
                if from != run_from {
                    flush(&mut run, &mut found);
                    run_from = from;
                    if self.began_a_run.set(from) {
                        self.scattered.store(true, Ordering::Relaxed);
                        self.several_runs.set(from);
                    }
                }
                run.push((u64::from(p.rel.0) << 32 | u64::from(to), i));
            }
        }
        flush(&mut run, &mut found);
        found
    }

    /// The findings of every piece (`parts`, from every thread that
    /// worked), in file order, with the duplicates across runs: the first
    /// [`MAX_LISTED`] and a count of the rest.
    pub fn finish(self, parts: impl IntoIterator<Item = Part>) -> (Vec<Finding>, usize) {
        let mut pieces: Vec<(usize, Vec<Finding>)> = parts.into_iter().flatten().collect();
        pieces.sort_unstable_by_key(|(n, _)| *n);
        let mut found: Vec<Finding> = pieces.into_iter().flat_map(|(_, f)| f).collect();
        if !self.scattered.load(Ordering::Relaxed) {
            return capped(found);
        }
        let (batches, several_runs) = (self.batches, &self.several_runs);
        // Some `from` has edges in several runs. A repeat within a run is
        // found already; one across runs has such a `from`: sort those
        // edges' keys to know whether any repeats. If any edge repeats,
        // every duplicate is then found again in file order, each beside
        // its first occurrence.
        let within_runs = found.iter().any(|f| matches!(f, Finding::Duplicate { .. }));
        found.retain(|f| !matches!(f, Finding::Duplicate { .. }));
        let good = |p: &Pending| {
            let (from, to) = (known(p.from)?, known(p.to)?);
            Some(u128::from(from) << 48 | u128::from(p.rel.0) << 32 | u128::from(to))
        };
        let in_several_runs = |p: &Pending| known(p.from).is_some_and(|f| several_runs.get(f));
        let mut keys: Vec<u64> = Vec::new();
        let mut wide: Vec<u128> = Vec::new();
        let packed = self.kinds.len() < (1 << 24);
        // With a repeat found already, the keys are not needed.
        let across = if within_runs { &[][..] } else { batches };
        for batch in across {
            for p in batch.edges.iter().filter(|p| in_several_runs(p)) {
                if let Some(k) = good(p) {
                    if packed {
                        keys.push(
                            ((k >> 48) as u64) << 40
                                | ((k >> 32) as u64 & 0xFFFF) << 24
                                | (k as u64 & 0xFF_FFFF),
                        );
                    } else {
                        wide.push(k);
                    }
                }
            }
        }
        let any = within_runs
            || if packed {
                radix_sort(&mut keys);
                keys.windows(2).any(|w| w[0] == w[1])
            } else {
                wide.sort_unstable();
                wide.windows(2).any(|w| w[0] == w[1])
            };
        if !any {
            return capped(found);
        }
        let mut first: FastMap<u128, (usize, usize)> = FastMap::default();
        for (b, batch) in batches.iter().enumerate() {
            for (i, p) in batch.edges.iter().enumerate() {
                let Some(k) = good(p) else { continue };
                if !self.allows(p.rel, self.kind((k >> 48) as u32), self.kind(k as u32)) {
                    continue;
                }
                match first.get(&k) {
                    Some(&origin) => found.push(Finding::Duplicate {
                        batch: b,
                        edge: i,
                        first: origin,
                    }),
                    None => {
                        first.insert(k, (b, i));
                    }
                }
            }
        }
        capped(found)
    }
}

/// Checks every edge on the calling thread alone.
#[cfg(test)]
fn check_edges(
    batches: &[&EdgeBatch],
    kinds: &[KindId],
    schema: &Schema,
    rejected: &HashSet<String>,
) -> (Vec<Finding>, usize) {
    let checks = Checks::new(batches, kinds, schema, rejected);
    let part = checks.work();
    checks.finish([part])
}

/// Where `allowed` says whether `rel` may go from kind `from` to kind `to`,
/// with `n_kinds` kinds.
fn cell(n_kinds: usize, rel: RelId, from: KindId, to: KindId) -> usize {
    (usize::from(rel.0) * n_kinds + usize::from(from.0)) * n_kinds + usize::from(to.0)
}

/// How long the pieces of `total` edges are.
fn piece_len(total: usize) -> usize {
    total.div_ceil(PIECES).max(MIN_PIECE)
}

/// A bit per node that threads set together.
struct AtomicBits(Vec<AtomicU64>);

impl AtomicBits {
    fn new(nodes: usize) -> Self {
        AtomicBits((0..nodes.div_ceil(64)).map(|_| AtomicU64::new(0)).collect())
    }

    /// Sets the bit of `node`; whether it was set already.
    fn set(&self, node: u32) -> bool {
        let bit = 1u64 << (node % 64);
        // Most bits are set once: read first, so that a word another core
        // is writing is not claimed for nothing.
        self.0.get(node as usize / 64).is_some_and(|w| {
            w.load(Ordering::Relaxed) & bit != 0 || w.fetch_or(bit, Ordering::Relaxed) & bit != 0
        })
    }

    /// Whether the bit of `node` is set.
    fn get(&self, node: u32) -> bool {
        (self.0.get(node as usize / 64))
            .is_some_and(|w| w.load(Ordering::Relaxed) & (1 << (node % 64)) != 0)
    }
}

/// Sorts keys by their bits, 11 at a time: six linear passes (2048
/// buckets stay in the cache), where a comparison sort of millions of keys
/// takes several times longer.
fn radix_sort(keys: &mut Vec<u64>) {
    const BITS: u32 = 11;
    let mut other = vec![0u64; keys.len()];
    for pass in 0..64u32.div_ceil(BITS) {
        let shift = pass * BITS;
        let digit = |k: u64| ((k >> shift) & ((1 << BITS) - 1)) as usize;
        let mut count = vec![0usize; 1 << BITS];
        for &k in keys.iter() {
            count[digit(k)] += 1;
        }
        // A digit all keys share leaves the order as it is.
        if count.contains(&keys.len()) {
            continue;
        }
        let mut sum = 0;
        for c in count.iter_mut() {
            let n = *c;
            *c = sum;
            sum += n;
        }
        for &k in keys.iter() {
            let d = digit(k);
            other[count[d]] = k;
            count[d] += 1;
        }
        std::mem::swap(keys, &mut other);
    }
}

/// The first [`MAX_LISTED`] findings in file order, and a count of the
/// rest: sorted (a stable sort keeps an edge's `from` before its `to`), so
/// that those listed are the first in the files however the pieces were
/// cut.
fn capped(mut found: Vec<Finding>) -> (Vec<Finding>, usize) {
    found.sort_by_key(Finding::at);
    let more = found.len().saturating_sub(MAX_LISTED);
    found.truncate(MAX_LISTED);
    (found, more)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::bulk::Part as FieldPart;
    use crate::load::bulk::edges::NO_EXTRA;
    use crate::model::Basis;
    use proptest::prelude::*;

    /// Batches of edges among `kinds.len()` nodes, each `(from, rel, to)`.
    fn batches(edges: &[Vec<(u32, u16, u32)>]) -> Vec<EdgeBatch> {
        (edges.iter().enumerate())
            .map(|(file, list)| {
                let mut b = EdgeBatch::new(file, (FieldPart::Field(0), FieldPart::Field(2)));
                for (i, &(from, rel, to)) in list.iter().enumerate() {
                    b.edges.push(Pending {
                        from,
                        to,
                        extra: NO_EXTRA,
                        rel: RelId(rel),
                        basis: Basis::Stated,
                        at: i as u64,
                    });
                }
                b
            })
            .collect()
    }

    proptest! {
        /// Whatever the order of the edges (grouped by `from` or
        /// scattered, in one file or several) and however they are cut
        /// into pieces, the checks flag exactly the edges the schema
        /// forbids and every repeat of an allowed edge after its first,
        /// each beside an earlier copy of itself.
        #[test]
        fn the_checks_find_what_a_naive_reading_finds(
            kinds in proptest::collection::vec(0usize..3, 1..9),
            edges in proptest::collection::vec(
                proptest::collection::vec((0u32..8, 0u16..3, 0u32..8), 0..40),
                1..4,
            ),
            piece in 1usize..12,
        ) {
            let graph = crate::load::embedded().unwrap_or_else(|e| panic!("{e:?}"));
            let schema = graph.schema();
            let names = ["activity", "threat", "challenge"];
            let kind_ids: Vec<KindId> = names.iter().filter_map(|n| schema.kind_id(n)).collect();
            let rel_ids: Vec<RelId> = ["addresses", "hindered_by", "drives"]
                .iter()
                .filter_map(|r| schema.rel_id(r))
                .collect();
            prop_assert_eq!((kind_ids.len(), rel_ids.len()), (3, 3));
            let node_kinds: Vec<KindId> = kinds.iter().map(|&k| kind_ids[k]).collect();
            let n = node_kinds.len() as u32;
            let edges: Vec<Vec<(u32, u16, u32)>> = (edges.iter())
                .map(|l| l.iter().map(|&(f, r, t)| (f % n, rel_ids[r as usize].0, t % n)).collect())
                .collect();
            let batches = batches(&edges);
            let views: Vec<&EdgeBatch> = batches.iter().collect();
            let rejected = HashSet::new();
            let (found, more) = check_edges(&views, &node_kinds, schema, &rejected);
            prop_assert_eq!(more, 0);
            // Cut into small pieces and shared by two threads, the same
            // findings, in the same order (a repeat may name another
            // earlier copy: the first, or the one before it in its run).
            let checks = Checks::with_pieces_of(&views, &node_kinds, schema, &rejected, piece);
            let parts = std::thread::scope(|s| {
                let other = s.spawn(|| checks.work());
                let mine = checks.work();
                [other.join().unwrap_or_default(), mine]
            });
            let shared = checks.finish(parts);
            let without_first = |f: &[Finding]| -> Vec<Finding> {
                f.iter().map(|&f| match f {
                    Finding::Duplicate { batch, edge, .. } => Finding::Duplicate { batch, edge, first: (0, 0) },
                    other => other,
                }).collect()
            };
            prop_assert_eq!(shared.1, 0);
            prop_assert_eq!(without_first(&shared.0), without_first(&found));
            for f in &shared.0 {
                if let Finding::Duplicate { batch, edge, first } = *f {
                    prop_assert!(first < (batch, edge));
                    prop_assert_eq!(edges[first.0][first.1], edges[batch][edge]);
                }
            }
            // In file order.
            prop_assert!(found.windows(2).all(|w| w[0].at() <= w[1].at()));

            let mut forbidden = Vec::new();
            let mut repeats = Vec::new();
            let mut seen = HashSet::new();
            for (b, list) in edges.iter().enumerate() {
                for (i, &(f, r, t)) in list.iter().enumerate() {
                    let allowed = schema.allows(RelId(r), node_kinds[f as usize], node_kinds[t as usize]);
                    if !allowed {
                        forbidden.push((b, i));
                    } else if !seen.insert((f, r, t)) {
                        repeats.push((b, i));
                    }
                }
            }
            let mut got_forbidden = Vec::new();
            let mut got_repeats = Vec::new();
            for f in &found {
                match *f {
                    Finding::Forbidden { batch, edge } => got_forbidden.push((batch, edge)),
                    Finding::Duplicate { batch, edge, first } => {
                        prop_assert!(first < (batch, edge), "{first:?} is not before {:?}", (batch, edge));
                        prop_assert_eq!(edges[first.0][first.1], edges[batch][edge]);
                        got_repeats.push((batch, edge));
                    }
                    Finding::Unknown { .. } => prop_assert!(false, "no end is unknown"),
                }
            }
            got_forbidden.sort_unstable();
            got_repeats.sort_unstable();
            prop_assert_eq!(got_forbidden, forbidden);
            prop_assert_eq!(got_repeats, repeats);
        }
    }
}
