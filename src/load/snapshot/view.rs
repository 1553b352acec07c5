//! A snapshot opened in place: the file's bytes, its header and checksum
//! checked, and nothing else built until a question names the nodes it is
//! about. [`View::neighbourhood`] then reads those nodes, their edges, the
//! nodes at the other ends and what the derived edges among them rest on,
//! into an ordinary [`Graph`] on which any command runs unchanged.
//!
//! # Why a subgraph rather than a second graph type
//!
//! Every command is written against [`Graph`]. A question about one node
//! (`related`) reads a few dozen of a million nodes; building those into a
//! small `Graph` costs microseconds and lets the command's own code answer,
//! so the answer cannot drift from the full load's. The price is that a
//! command must say which nodes it needs and how far around them
//! ([`crate::cli`] does, and loads the whole graph for every other
//! command).
//!
//! # Why the answer is the same as the full load's
//!
//! - Nodes and edges go into the subgraph in file order, as a full load
//!   adds them, so a node's edges come out of the subgraph in the order
//!   they come out of the whole graph.
//! - Every edge of a node within the radius is read (with `derived` off,
//!   every asserted one: what `--no-reasoning` leaves), and every edge a
//!   derived edge's proof names, recursively, with its ends: a proof, and
//!   the nodes it went through, read as in the whole graph.
//! - A neighbourhood of radius r + 1 holds every edge between two nodes
//!   within r, since one of the two is closer than r + 1: what
//!   `export --focus NODE --depth r` draws.
//! - Reading more than a set number of edges gives way (`None`): the
//!   caller loads the whole graph, and the answer is the whole graph's.
//! - An impact walk ([`View::impact_neighbourhood`]) reads, of each node
//!   it reaches closer than its depth, every edge along which the schema
//!   lets impact flow (and, at the roots, the edges into them that
//!   mitigate): every edge the walk of [`crate::analysis::impact()`] can
//!   take, since that walk follows only those, and more (it also refuses
//!   to turn back along the relation it came by).
//! - The index says nothing the other sections do not, and a full load
//!   refuses a file whose index disagrees with them
//!   ([`super::read`]): for every snapshot that opens, the index leads to
//!   exactly the records a full load reads.
//!
//! # Nothing in the file is trusted
//!
//! The checksum is checked at [`View::new`] over the whole body, as a full
//! load does. After it, every position, offset and count read from the
//! file is checked against what it points into before it is followed, and
//! every record read is checked as the full load checks it (names, kinds,
//! relations that allow their ends, rules that derive the relation,
//! premises before the edge, declared sources). What the view does not
//! read it does not check: a forged file with a correct checksum that a
//! full load refuses for a fault far from the nodes asked about may still
//! be answered here. No read panics; a fault is a [`SnapshotError`].
//!
//! # Cost: the file is hashed, not kept
//!
//! Opening a file streams it once through the checksum in pieces of
//! [`PIECE`] bytes and keeps none of it: holding a million-node snapshot
//! in memory would cost its size in memory, and more time zeroing and
//! mapping the pages than hashing them (two thirds of the time of a
//! question, measured with `perf`). The records a question needs are then
//! read from the file where the index says they are, a few bytes at a
//! time: a binary search per id and, per node or edge read, a walk of at
//! most [`STRIDE`] records from the nearest mark. The file is read again
//! after its checksum was checked, so a file changed in between is read
//! as changed; every read is checked as above, so that costs a wrong
//! answer or an error, never a panic. [`View::new`] keeps bytes already
//! in memory instead (tests, fuzzing).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::path::Path;

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use super::{Bad, Cursor, R, ReadAt, SnapshotError, Strings, Trust};
use crate::format::snapshot::{self as fmt, SECTIONS, STRIDE};
use crate::load::{LoadError, LoadErrorKind, LoadErrors};
use crate::model::{
    Basis, Edge, Graph, ImpactFlow, KindId, Node, Properties, Provenance, RelId, Schema,
};

/// How many bytes of the file are hashed at a time when it is opened.
pub const PIECE: usize = 1 << 20;

/// The most bytes a header can take: magic, format, writer, body length
/// and checksum.
const MAX_HEADER: usize = 8 + 4 + 1 + 255 + 16;

/// Where a part of the file is: its first byte and its length.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    at: usize,
    len: usize,
}

/// The sections' parts, as spans of the file.
#[derive(Debug, Default)]
struct Parts {
    sections: [Span; SECTIONS.len()],
    ids: Span,
    names: Span,
    kinds: Span,
    node_flags: Span,
    froms: Span,
    tos: Span,
    rels: Span,
    bases: Span,
    edge_flags: Span,
    by_id: Span,
    out_offsets: Span,
    out_edges: Span,
    in_offsets: Span,
    in_edges: Span,
    marks: Span,
}

/// Where the bytes come from.
#[derive(Debug)]
enum Source {
    /// A file, read where a question needs it.
    File(File),
    /// Bytes in memory.
    Memory(Vec<u8>),
}

impl ReadAt for Source {
    fn read_at(&self, at: usize, len: usize) -> Option<Vec<u8>> {
        match self {
            Source::Memory(bytes) => bytes.get(at..at.checked_add(len)?).map(<[u8]>::to_vec),
            Source::File(file) => {
                use std::os::unix::fs::FileExt as _;
                // A length past the end of the file fails the read below;
                // it is never allocated beyond what the file holds.
                let size = file.metadata().ok()?.len();
                if (at as u64).checked_add(len as u64)? > size {
                    return None;
                }
                let mut buf = vec![0; len];
                file.read_exact_at(&mut buf, at as u64).ok()?;
                Some(buf)
            }
        }
    }
}

/// A part of the graph read in place: what [`View::neighbourhood`] and
/// [`View::impact_neighbourhood`] give.
#[derive(Debug)]
pub struct Neighbourhood {
    /// The nodes and edges read, as a graph of their own.
    pub graph: Graph,
    /// For each of the part's edges, by index, its index in the whole
    /// graph: its position in the file, which is where a full load puts it
    /// (and where it stays when `--no-reasoning` drops the derived edges).
    pub whole_edges: Vec<u32>,
}

/// A snapshot opened in place. See the module docs.
#[derive(Debug)]
pub struct View {
    source: Source,
    writer: String,
    parts: Parts,
    nodes: usize,
    edges: usize,
    derived: usize,
}

/// Which edges a neighbourhood follows.
#[derive(Clone, Copy)]
enum Walk<'s> {
    /// Every edge, up to `limit` edges read.
    All { limit: usize },
    /// Those an impact walk may take, up to `limit` edges.
    Impact { schema: &'s Schema, limit: usize },
}

/// One edge as the columns give it.
#[derive(Debug, Clone, Copy)]
struct EdgeRow {
    from: u32,
    to: u32,
    rel: u16,
    basis: u8,
    flags: u8,
}

fn u32_of(b: &[u8]) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(..4)?.try_into().ok()?))
}

impl View {
    /// Opens the snapshot at `path` in place: its header checked, its body
    /// hashed and checked against the header's checksum, its sections and
    /// columns measured. Nothing of it is kept in memory.
    ///
    /// # Errors
    /// As [`super::open`]: the file cannot be read, or is not a snapshot
    /// this seccoop reads (its header, checksum or section lengths).
    pub fn open(path: &Path) -> Result<View, LoadErrors> {
        let read_error = |io: std::io::Error| {
            LoadErrors(vec![LoadError::bare(LoadErrorKind::Read {
                path: path.to_path_buf(),
                reason: crate::io_text::io_reason(&io),
                io,
            })])
        };
        let snapshot_error = |problem| {
            LoadErrors(vec![LoadError::bare(LoadErrorKind::Snapshot {
                path: path.to_path_buf(),
                problem,
            })])
        };
        let mut file = File::open(path).map_err(read_error)?;
        let size = file.metadata().map_err(read_error)?.len();
        let checked = Self::hash(&mut file, size).map_err(read_error)?;
        let (head, sum) = checked;
        let h = super::head(&head, size).map_err(snapshot_error)?;
        if sum != h.sum {
            return Err(snapshot_error(SnapshotError::Checksum { writer: h.writer }));
        }
        Self::with(Source::File(file), h.writer, h.start, size).map_err(snapshot_error)
    }

    /// The header's bytes (up to [`MAX_HEADER`]) and the checksum of what
    /// follows the header, reading the file once. The header's length is
    /// only known once it is read, so the first piece is hashed from its
    /// end.
    fn hash(file: &mut File, size: u64) -> std::io::Result<(Vec<u8>, u64)> {
        use std::io::Read as _;
        let mut head = Vec::with_capacity(MAX_HEADER);
        file.by_ref()
            .take(MAX_HEADER as u64)
            .read_to_end(&mut head)?;
        let start = super::head(&head, size).map_or(head.len(), |h| h.start);
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(head.get(start..).unwrap_or_default());
        let mut piece = vec![0; PIECE];
        loop {
            let n = file.read(&mut piece)?;
            if n == 0 {
                break;
            }
            hasher.update(piece.get(..n).unwrap_or_default());
        }
        Ok((head, hasher.digest()))
    }

    /// Checks a snapshot held in memory as [`View::open`] checks a file,
    /// and keeps its bytes for the questions to come.
    ///
    /// # Errors
    /// A [`SnapshotError`] for a file that is not a snapshot this seccoop
    /// reads, or whose sections do not hold the columns they announce.
    ///
    /// # Example
    /// ```
    /// use seccoop::load::snapshot::view::View;
    /// let graph = seccoop::load::embedded_with_derived().unwrap().unwrap();
    /// let bytes = seccoop::write::snapshot::to_bytes(&graph).unwrap();
    /// let view = View::new(bytes).unwrap();
    /// let terrorism = view.find("terrorism").unwrap().unwrap();
    /// let around = view.neighbourhood(&[terrorism], 1, true, usize::MAX).unwrap().unwrap();
    /// assert!(around.graph.node_count() < graph.node_count());
    /// assert!(around.graph.node_index("terrorism").is_some());
    /// assert_eq!(around.whole_edges.len(), around.graph.edge_count());
    /// ```
    pub fn new(bytes: Vec<u8>) -> Result<View, SnapshotError> {
        let h = super::header(&bytes)?;
        let (writer, start) = (h.writer, h.start);
        let size = bytes.len() as u64;
        Self::with(Source::Memory(bytes), writer, start, size)
    }

    fn with(
        source: Source,
        writer: String,
        start: usize,
        size: u64,
    ) -> Result<View, SnapshotError> {
        let mut view = View {
            source,
            writer,
            parts: Parts::default(),
            nodes: 0,
            edges: 0,
            derived: 0,
        };
        view.measure(start, size).map_err(|b| view.error(b))?;
        Ok(view)
    }

    /// Finds the sections and, in them, the columns, checking that each
    /// holds what its counts announce.
    fn measure(&mut self, start: usize, size: u64) -> R<()> {
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let mut at = start;
        for section in 0..SECTIONS.len() {
            let bad = |what: String| Bad {
                section,
                offset: at,
                what,
            };
            let len = self
                .source
                .read_at(at, 8)
                .and_then(|b| Some(u64::from_le_bytes(b.get(..8)?.try_into().ok()?)))
                .ok_or_else(|| {
                    bad(format!(
                        "8 bytes are wanted where {} are left",
                        size.saturating_sub(at)
                    ))
                })?;
            let len = usize::try_from(len).unwrap_or(usize::MAX);
            let left = size.saturating_sub(at + 8);
            if len > left {
                return Err(bad(format!("{len} bytes are wanted where {left} are left")));
            }
            if let Some(span) = self.parts.sections.get_mut(section) {
                *span = Span { at: at + 8, len };
            }
            at += 8 + len;
        }
        if at != size {
            return Err(Bad {
                section: SECTIONS.len() - 1,
                offset: at,
                what: format!("{} bytes are left over", size - at),
            });
        }
        // The counts and fixed-width parts of each section, read as a
        // cursor over their first bytes.
        let n = self.count(2, 0, 11)?;
        let mut at = 4;
        let ids = self.span_in(2, &mut at, n, 4)?;
        let names = self.span_in(2, &mut at, n, 4)?;
        let kinds = self.span_in(2, &mut at, n, 2)?;
        let node_flags = self.span_in(2, &mut at, n, 1)?;
        let p = &mut self.parts;
        (p.ids, p.names, p.kinds, p.node_flags) = (ids, names, kinds, node_flags);
        let m = self.count(3, 0, 12)?;
        let mut at = 4;
        let froms = self.span_in(3, &mut at, m, 4)?;
        let tos = self.span_in(3, &mut at, m, 4)?;
        let rels = self.span_in(3, &mut at, m, 2)?;
        let bases = self.span_in(3, &mut at, m, 1)?;
        let flags = self.span_in(3, &mut at, m, 1)?;
        let p = &mut self.parts;
        (p.froms, p.tos, p.rels, p.bases, p.edge_flags) = (froms, tos, rels, bases, flags);
        self.derived = self.count(5, 0, 8)?;
        let (nc, mc) = (self.count(6, 0, 0)?, self.count(6, 4, 0)?);
        if (nc, mc) != (n, m) {
            return Err(self.bad_index(
                self.parts.sections[6].at,
                format!("the index is of {nc} nodes and {mc} edges, and the graph has {n} and {m}"),
            ));
        }
        let marks = fmt::marks(n) + 2 * fmt::marks(m);
        let mut at = 8;
        let mut col = |count: usize, width: usize| self.span_in(6, &mut at, count, width);
        let by_id = col(n, 4)?;
        let out_offsets = col(n + 1, 4)?;
        let out_edges = col(m, 4)?;
        let in_offsets = col(n + 1, 4)?;
        let in_edges = col(m, 4)?;
        let mark_span = col(marks, 8)?;
        if at != self.parts.sections[6].len {
            let left = self.parts.sections[6].len.saturating_sub(at);
            return Err(self.bad_index(
                self.parts.sections[6].at + at,
                format!("{left} bytes are left over"),
            ));
        }
        let p = &mut self.parts;
        (p.by_id, p.out_offsets, p.out_edges) = (by_id, out_offsets, out_edges);
        (p.in_offsets, p.in_edges, p.marks) = (in_offsets, in_edges, mark_span);
        let (nodes_len, edges_len) = (self.parts.sections[2].len, self.parts.sections[3].len);
        if nodes_len != 4 + 11 * n || edges_len != 4 + 12 * m {
            return Err(Bad {
                section: 2,
                offset: self.parts.sections[2].at,
                what: "the node or edge columns are not as long as their counts say".into(),
            });
        }
        self.nodes = n;
        self.edges = m;
        Ok(())
    }

    /// Where a section lies in the file; an unknown section is empty, so
    /// every read from it is refused as too short.
    fn section_span(&self, section: usize) -> Span {
        self.parts
            .sections
            .get(section)
            .copied()
            .unwrap_or_default()
    }

    /// The u32 at `offset` of a section, as a count of items at least
    /// `width` bytes long that must fit in what is left of it.
    fn count(&self, section: usize, offset: usize, width: usize) -> R<usize> {
        let span = self.section_span(section);
        let bad = |what: String| Bad {
            section,
            offset: span.at + offset,
            what,
        };
        if offset + 4 > span.len {
            return Err(bad(format!(
                "4 bytes are wanted where {} are left",
                span.len.saturating_sub(offset)
            )));
        }
        let n = self
            .source
            .read_at(span.at + offset, 4)
            .as_deref()
            .and_then(u32_of)
            .ok_or_else(|| bad("the count cannot be read".into()))? as usize;
        let left = span.len - offset - 4;
        if n.saturating_mul(width) > left {
            return Err(bad(format!(
                "a count of {n} needs {} bytes, and {left} are left",
                n.saturating_mul(width)
            )));
        }
        Ok(n)
    }

    fn span_in(&self, section: usize, at: &mut usize, count: usize, width: usize) -> R<Span> {
        let span = self.section_span(section);
        let len = count.saturating_mul(width);
        let left = span.len.saturating_sub(*at);
        if len > left {
            return Err(Bad {
                section,
                offset: span.at + *at,
                what: format!("{len} bytes are wanted where {left} are left"),
            });
        }
        let out = Span {
            at: span.at + *at,
            len,
        };
        *at += len;
        Ok(out)
    }

    /// `count` items of `width` bytes from item `i` of a column.
    fn items(&self, column: Span, i: usize, count: usize, width: usize) -> Option<Vec<u8>> {
        let from = i.checked_mul(width)?;
        let len = count.checked_mul(width)?;
        if from.checked_add(len)? > column.len {
            return None;
        }
        self.source.read_at(column.at + from, len)
    }

    fn u32_at(&self, column: Span, i: usize) -> Option<u32> {
        u32_of(&self.items(column, i, 1, 4)?)
    }

    fn u16_at(&self, column: Span, i: usize) -> Option<u16> {
        let b = self.items(column, i, 1, 2)?;
        Some(u16::from_le_bytes(b.get(..2)?.try_into().ok()?))
    }

    fn u8_at(&self, column: Span, i: usize) -> Option<u8> {
        self.items(column, i, 1, 1)?.first().copied()
    }

    /// A problem at a byte of the index.
    fn bad_index(&self, at: usize, what: String) -> Bad {
        Bad {
            section: 6,
            offset: at,
            what,
        }
    }

    /// The string table, read where it lies.
    fn strings(&self) -> Strings<'_> {
        let span = self.parts.sections[0];
        let count = self
            .source
            .read_at(span.at, 4)
            .as_deref()
            .and_then(u32_of)
            .unwrap_or(0) as usize;
        // A count larger than the section leaves every string out of it.
        let count = count.min(span.len.saturating_sub(4) / 4);
        Strings::in_file(&self.source, count, span.at + 4, span.at + span.len)
    }

    /// A cursor over `len` bytes at `offset` of a section (to its end when
    /// `len` is `None`), read into `buf`.
    fn cursor<'b>(
        &self,
        section: usize,
        offset: usize,
        len: Option<usize>,
        buf: &'b mut Vec<u8>,
    ) -> R<Cursor<'b>> {
        let span = self.section_span(section);
        let bad = |what: String| Bad {
            section,
            offset: span.at,
            what,
        };
        if offset > span.len {
            return Err(bad(format!("offset {offset} is out of the section")));
        }
        let len = len.unwrap_or(span.len - offset).min(span.len - offset);
        *buf = self
            .source
            .read_at(span.at + offset, len)
            .ok_or_else(|| bad("the section cannot be read".into()))?;
        Ok(Cursor {
            bytes: buf,
            pos: 0,
            base: span.at + offset,
            section,
        })
    }

    fn error(&self, bad: Bad) -> SnapshotError {
        bad.into_error(&self.writer)
    }

    /// How many nodes the snapshot holds.
    pub fn node_count(&self) -> usize {
        self.nodes
    }

    /// How many edges the snapshot holds, derived ones included.
    pub fn edge_count(&self) -> usize {
        self.edges
    }

    /// How many of its edges are derived.
    pub fn derived_count(&self) -> usize {
        self.derived
    }

    /// The position of the node whose id is `id`, found by binary search
    /// in the index; `None` when no node has that id.
    ///
    /// # Errors
    /// A [`SnapshotError`] when the index names a node or string that is
    /// not in the file.
    pub fn find(&self, id: &str) -> Result<Option<u32>, SnapshotError> {
        self.find_in(id).map_err(|b| self.error(b))
    }

    fn find_in(&self, id: &str) -> R<Option<u32>> {
        let strings = self.strings();
        let (by_id, ids) = (self.parts.by_id, self.parts.ids);
        let c = Cursor {
            bytes: &[],
            pos: 0,
            base: by_id.at,
            section: 6,
        };
        let (mut lo, mut hi) = (0, self.nodes);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let bad = || {
                self.bad_index(
                    by_id.at + 4 * mid,
                    format!("index entry {mid} names no node"),
                )
            };
            let pos = self.u32_at(by_id, mid).ok_or_else(bad)?;
            let string = self.u32_at(ids, pos as usize).ok_or_else(bad)?;
            let here = strings.get(string, &c)?;
            match (*here).cmp(id) {
                std::cmp::Ordering::Equal => return Ok(Some(pos)),
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        Ok(None)
    }

    /// The graph around `seeds` (node positions, as [`View::find`] gives
    /// them): every node within `radius` edges of one of them, in either
    /// direction; the edges of every node closer than `radius`; for each
    /// derived edge, the edges its proof names, recursively, with their
    /// ends; and the snapshot's schema, meta and sources. With `derived`
    /// off, derived edges are left out, as `--no-reasoning` leaves them.
    ///
    /// `None` when that means reading more than `limit` edges: reading so
    /// many in place costs more than loading the whole graph.
    ///
    /// # Errors
    /// A [`SnapshotError`] for a fault in what it reads.
    pub fn neighbourhood(
        &self,
        seeds: &[u32],
        radius: usize,
        derived: bool,
        limit: usize,
    ) -> Result<Option<Neighbourhood>, SnapshotError> {
        self.neighbourhood_in(seeds, radius, derived, Walk::All { limit })
            .map_err(|b| self.error(b))
    }

    /// The graph an impact walk from `seeds` needs ([`crate::analysis::impact()`]):
    /// every node such a walk can reach within `radius` edges, following
    /// only edges along which the schema lets impact flow (the walk's rule
    /// against turning back is not applied, so this is a superset); the
    /// edges of those nodes closer than `radius` along which impact flows;
    /// the edges into the seeds whose relation mitigates; and, as for
    /// [`View::neighbourhood`], what derived edges rest on.
    ///
    /// `None` when the walk would read more than `limit` edges (those it
    /// takes and those it looks at and leaves): reading so many in place
    /// costs more than loading the whole graph.
    ///
    /// # Errors
    /// A [`SnapshotError`] for a fault in what it reads.
    pub fn impact_neighbourhood(
        &self,
        seeds: &[u32],
        radius: usize,
        derived: bool,
        limit: usize,
    ) -> Result<Option<Neighbourhood>, SnapshotError> {
        let t = self.strings();
        let mut buf = Vec::new();
        let schema = self
            .cursor(1, 0, None, &mut buf)
            .and_then(|mut c| super::graph_section(&mut c, &t, Trust::File))
            .map_err(|b| self.error(b))?
            .schema()
            .clone();
        let walk = Walk::Impact {
            schema: &schema,
            limit,
        };
        self.neighbourhood_in(seeds, radius, derived, walk)
            .map_err(|b| self.error(b))
    }

    fn neighbourhood_in(
        &self,
        seeds: &[u32],
        radius: usize,
        derived: bool,
        walk: Walk<'_>,
    ) -> R<Option<Neighbourhood>> {
        let mut rows = Rows {
            view: self,
            rows: HashMap::new(),
        };
        let derived_code = fmt::basis_code(Basis::Derived);
        let mut nodes: BTreeSet<u32> = BTreeSet::new();
        let mut edges: BTreeSet<u32> = BTreeSet::new();
        for &s in seeds {
            if s as usize >= self.nodes {
                return Err(
                    self.bad_index(self.parts.by_id.at, format!("node {s} is not in the graph"))
                );
            }
            nodes.insert(s);
        }
        // The nodes the walk goes on from: every node reached, for the
        // whole neighbourhood; for an impact walk, only those reached
        // along edges impact flows on.
        let mut walked = nodes.clone();
        let mut read = 0usize;
        let mut frontier: Vec<u32> = nodes.iter().copied().collect();
        for level in 0..radius {
            let mut next = Vec::new();
            for &v in &frontier {
                for out in [true, false] {
                    for e in self.adjacent(v, out, &mut rows)? {
                        let row = rows.get(e)?;
                        if !derived && row.basis == derived_code {
                            continue;
                        }
                        read += 1;
                        let goes_on = match walk {
                            Walk::All { limit } if read > limit => return Ok(None),
                            Walk::All { .. } => true,
                            Walk::Impact { limit, .. } if read > limit => return Ok(None),
                            Walk::Impact { schema, .. } => {
                                // The row is not checked against the schema
                                // until the graph is built: check it here.
                                if usize::from(row.rel) >= schema.relations().len() {
                                    return Err(self.bad_index(
                                        self.parts.rels.at,
                                        format!(
                                            "edge {e}'s relation {} is not in the schema",
                                            row.rel
                                        ),
                                    ));
                                }
                                let def = schema.relation(RelId(row.rel));
                                let flows = match def.impact {
                                    ImpactFlow::Forward => out,
                                    ImpactFlow::Backward => !out,
                                    ImpactFlow::Both => true,
                                    ImpactFlow::None => false,
                                };
                                let mitigates = level == 0 && !out && def.mitigation;
                                if !flows && !mitigates {
                                    continue;
                                }
                                flows
                            }
                        };
                        edges.insert(e);
                        let other = if out { row.to } else { row.from };
                        nodes.insert(other);
                        if goes_on && walked.insert(other) {
                            next.push(other);
                        }
                    }
                }
            }
            frontier = next;
        }
        // What the derived edges rest on, down to asserted edges.
        let mut proofs: BTreeMap<u32, (usize, Vec<u32>)> = BTreeMap::new();
        let mut work: Vec<u32> = edges.iter().copied().collect();
        while let Some(e) = work.pop() {
            let row = rows.get(e)?;
            nodes.insert(row.from);
            nodes.insert(row.to);
            if row.basis != derived_code || proofs.contains_key(&e) {
                continue;
            }
            let proof = self.proof(e)?;
            for &p in &proof.1 {
                if edges.insert(p) {
                    work.push(p);
                }
            }
            proofs.insert(e, proof);
        }
        let graph = self.build(&nodes, &edges, &proofs, &mut rows)?;
        Ok(Some(Neighbourhood {
            graph,
            whole_edges: edges.into_iter().collect(),
        }))
    }

    /// The edges out of (or into) node `v`, as the index lists them, each
    /// checked to be one of `v`'s.
    fn adjacent(&self, v: u32, out: bool, rows: &mut Rows<'_>) -> R<Vec<u32>> {
        let (offsets, list) = if out {
            (self.parts.out_offsets, self.parts.out_edges)
        } else {
            (self.parts.in_offsets, self.parts.in_edges)
        };
        let v = v as usize;
        let bad = |what: String| self.bad_index(offsets.at + 4 * v, what);
        let pair = self.items(offsets, v, 2, 4);
        let (Some(a), Some(b)) = (
            pair.as_deref().and_then(u32_of),
            pair.as_deref().and_then(|p| u32_of(p.get(4..)?)),
        ) else {
            return Err(bad(format!("node {v} has no offsets")));
        };
        let (a, b) = (a as usize, b as usize);
        if a > b || b > self.edges {
            return Err(bad(format!(
                "node {v}'s edges run from {a} to {b}, out of order"
            )));
        }
        let found = self
            .items(list, a, b - a, 4)
            .ok_or_else(|| bad(format!("node {v}'s edges are out of the list")))?;
        let mut edges = Vec::with_capacity(b - a);
        for (k, e) in found.chunks_exact(4).enumerate() {
            let e = u32_of(e).unwrap_or(u32::MAX);
            let row = rows.get(e).map_err(|_| {
                self.bad_index(
                    list.at + 4 * (a + k),
                    format!("the index lists edge {e}, which is not one of its edges"),
                )
            })?;
            if (if out { row.from } else { row.to }) as usize != v {
                return Err(self.bad_index(
                    list.at + 4 * (a + k),
                    format!("the index lists edge {e} at node {v}, and it is not one of its edges"),
                ));
            }
            edges.push(e);
        }
        Ok(edges)
    }

    fn edge_row(&self, e: u32) -> R<EdgeRow> {
        let i = e as usize;
        let p = &self.parts;
        let row = (|| {
            Some(EdgeRow {
                from: self.u32_at(p.froms, i)?,
                to: self.u32_at(p.tos, i)?,
                rel: self.u16_at(p.rels, i)?,
                basis: self.u8_at(p.bases, i)?,
                flags: self.u8_at(p.edge_flags, i)?,
            })
        })();
        let row = row.ok_or_else(|| Bad {
            section: 3,
            offset: p.froms.at,
            what: format!("edge {e} is named, and the graph has {}", self.edges),
        })?;
        if row.from as usize >= self.nodes || row.to as usize >= self.nodes {
            return Err(Bad {
                section: 3,
                offset: p.froms.at + 4 * i,
                what: format!(
                    "edge {e} joins nodes {} and {}, and the graph has {}",
                    row.from, row.to, self.nodes
                ),
            });
        }
        Ok(row)
    }

    /// The records of the stride holding item `i`, as a cursor: `which` is
    /// 0 for nodes' extras, 1 for edges' extras, 2 for edges' proofs. They
    /// run from the stride's mark to the next mark, or else to the end of
    /// the section.
    fn stride<'b>(&self, which: usize, i: usize, buf: &'b mut Vec<u8>) -> R<Cursor<'b>> {
        let (first, count) = match which {
            0 => (0, fmt::marks(self.nodes)),
            1 => (fmt::marks(self.nodes), fmt::marks(self.edges)),
            _ => (
                fmt::marks(self.nodes) + fmt::marks(self.edges),
                fmt::marks(self.edges),
            ),
        };
        let k = first + i / STRIDE;
        let marks = self.parts.marks;
        let mark = |k: usize| {
            self.items(marks, k, 1, 8)
                .and_then(|b| Some(u64::from_le_bytes(b.get(..8)?.try_into().ok()?)))
                .and_then(|m| usize::try_from(m).ok())
        };
        let at = mark(k).ok_or_else(|| {
            self.bad_index(
                marks.at + 8 * k,
                format!("the index's mark {k} is out of the file"),
            )
        })?;
        // Node extras run on into edge extras, whose first mark ends them.
        let next = if k + 1 < first + count || which == 0 {
            mark(k + 1)
        } else {
            None
        };
        let len = next.and_then(|n| n.checked_sub(at));
        let section = if which == 2 { 5 } else { 4 };
        self.cursor(section, at, len, buf).map_err(|_| {
            self.bad_index(
                marks.at + 8 * k,
                format!("the index's mark {k} is out of the file"),
            )
        })
    }

    /// The proof of derived edge `e`: its rule and premises, checked.
    fn proof(&self, e: u32) -> R<(usize, Vec<u32>)> {
        let i = e as usize;
        let mut buf = Vec::new();
        let mut c = self.stride(2, i, &mut buf)?;
        let derived = fmt::basis_code(Basis::Derived);
        let from = i - i % STRIDE;
        let bases = self
            .items(self.parts.bases, from, i - from, 1)
            .unwrap_or_default();
        for &basis in &bases {
            if basis == derived {
                c.u32()?;
                let k = c.count(4)?;
                c.take(4 * k)?;
            }
        }
        let rule = c.u32()? as usize;
        let k = c.count(4)?;
        let mut premises = Vec::with_capacity(k);
        for _ in 0..k {
            let p = c.u32()?;
            if p >= e {
                return Err(c.bad(format!(
                    "derived edge {e} rests on edge {p}, which does not come before it"
                )));
            }
            premises.push(p);
        }
        Ok((rule, premises))
    }

    /// The extras of node `i` (`edge` off) or edge `i`, walked to from the
    /// mark before it.
    fn extras(
        &self,
        edge: bool,
        i: usize,
        flags: u8,
        t: &Strings<'_>,
    ) -> R<(Properties, Vec<Provenance>)> {
        if flags == 0 {
            return Ok(Default::default());
        }
        let mut buf = Vec::new();
        let mut c = self.stride(usize::from(edge), i, &mut buf)?;
        let column = if edge {
            self.parts.edge_flags
        } else {
            self.parts.node_flags
        };
        let from = i - i % STRIDE;
        let before = self.items(column, from, i - from, 1).unwrap_or_default();
        for &f in &before {
            if f != 0 {
                super::extras(f, &mut c, t)?;
            }
        }
        super::extras(flags, &mut c, t)
    }

    /// Builds the subgraph of `nodes` and `edges`, in file order: the
    /// `i`-th of `edges` becomes edge `i`.
    fn build(
        &self,
        nodes: &BTreeSet<u32>,
        edges: &BTreeSet<u32>,
        proofs: &BTreeMap<u32, (usize, Vec<u32>)>,
        rows: &mut Rows<'_>,
    ) -> R<Graph> {
        let t = self.strings();
        let mut buf = Vec::new();
        let mut g = super::graph_section(&mut self.cursor(1, 0, None, &mut buf)?, &t, Trust::File)?;
        let c = Cursor {
            bytes: &[],
            pos: 0,
            base: self.parts.sections[1].at,
            section: 1,
        };
        let declared: std::collections::HashSet<String> =
            g.sources().iter().map(|s| s.id.clone()).collect();
        if declared.len() != g.sources().len() {
            return Err(c.bad("a source is declared twice"));
        }
        let check_sources = |provenance: &[Provenance], c: &Cursor<'_>| -> R<()> {
            match provenance.iter().find(|p| !declared.contains(&*p.source)) {
                Some(p) => Err(c.bad(format!(
                    "a provenance names the source `{}`, which the snapshot does not declare",
                    p.source
                ))),
                None => Ok(()),
            }
        };
        let c = Cursor {
            base: self.parts.sections[2].at,
            section: 2,
            ..c
        };
        let p = &self.parts;
        let kinds = g.schema().kinds().len();
        let mut at: HashMap<u32, NodeIndex> = HashMap::new();
        for &v in nodes {
            let i = v as usize;
            let missing = || {
                c.bad(format!(
                    "node {i} is named, and the graph has {}",
                    self.nodes
                ))
            };
            let id = self.u32_at(p.ids, i).ok_or_else(missing)?;
            let name = self.u32_at(p.names, i).ok_or_else(missing)?;
            let kind = self.u16_at(p.kinds, i).ok_or_else(missing)?;
            let flags = self.u8_at(p.node_flags, i).ok_or_else(missing)?;
            let id = t.name(id, &c, "a node id")?;
            let name = t.name(name, &c, "a node name")?;
            if usize::from(kind) >= kinds {
                return Err(c.bad(format!(
                    "node `{id}` is of kind {kind}, and the schema has {kinds}"
                )));
            }
            let (properties, provenance) = self.extras(false, i, flags, &t)?;
            check_sources(&provenance, &c)?;
            let node = Node::with(&*id, KindId(kind), &*name, properties, provenance);
            let ix = g
                .add_node(node)
                .map_err(|_| c.bad(format!("node `{id}` is given twice")))?;
            at.insert(v, ix);
        }
        let c = Cursor {
            base: self.parts.sections[3].at,
            section: 3,
            ..c
        };
        let rule_heads: Vec<RelId> = g.schema().rules().iter().map(|r| r.head).collect();
        let mut edge_at: HashMap<u32, EdgeIndex> = HashMap::new();
        let mut premises = Vec::new();
        for &e in edges {
            let row = rows.get(e)?;
            let (Some(&from), Some(&to)) = (at.get(&row.from), at.get(&row.to)) else {
                return Err(c.bad(format!("edge {e}'s ends were not read")));
            };
            let kind = |ix| g.node(ix).map(|n| n.kind);
            let rel = RelId(row.rel);
            let allowed = usize::from(row.rel) < g.schema().relations().len()
                && matches!((kind(from), kind(to)), (Some(a), Some(b)) if g.schema().allows(rel, a, b));
            if !allowed {
                return Err(c.bad(format!(
                    "edge {e}'s relation {} does not allow its ends' kinds",
                    row.rel
                )));
            }
            let basis = fmt::basis_of(row.basis)
                .ok_or_else(|| c.bad(format!("edge {e}'s basis code {} is unknown", row.basis)))?;
            let (properties, provenance) = self.extras(true, e as usize, row.flags, &t)?;
            check_sources(&provenance, &c)?;
            let edge = Edge::with(rel, basis, properties, provenance);
            let ix = if basis == Basis::Derived {
                let Some((rule, proof)) = proofs.get(&e) else {
                    return Err(c.bad(format!("derived edge {e}'s proof was not read")));
                };
                if rule_heads.get(*rule) != Some(&rel) {
                    return Err(c.bad(format!(
                        "derived edge {e} names rule {rule}, which does not derive its relation"
                    )));
                }
                premises.clear();
                for p in proof {
                    let ix = edge_at
                        .get(p)
                        .ok_or_else(|| c.bad(format!("edge {p} was not read")))?;
                    premises.push(*ix);
                }
                g.add_derived_edge(from, to, edge, *rule, &premises)
            } else {
                g.add_edge(from, to, edge)
            };
            debug_assert_eq!(ix.index(), edge_at.len(), "edges numbered in order");
            edge_at.insert(e, ix);
        }
        Ok(g)
    }
}

/// The edges read so far, each read from the columns once.
struct Rows<'v> {
    view: &'v View,
    rows: HashMap<u32, EdgeRow>,
}

impl Rows<'_> {
    fn get(&mut self, e: u32) -> R<EdgeRow> {
        if let Some(row) = self.rows.get(&e) {
            return Ok(*row);
        }
        let row = self.view.edge_row(e)?;
        self.rows.insert(e, row);
        Ok(row)
    }
}

#[cfg(test)]
mod tests {
    //! A forged index met in place: each fault is an error naming the
    //! index, never a panic. (Through the command line, such a fault sends
    //! the command to the whole graph, which refuses the file.)

    use super::View;
    use crate::format::snapshot as fmt;

    /// The curated graph's snapshot and where its index parts start:
    /// by id, out offsets, out edges, in offsets, in edges, marks.
    fn snapshot() -> (Vec<u8>, [usize; 6], usize, usize) {
        let graph = crate::load::embedded_with_derived().unwrap().unwrap();
        let bytes = crate::write::snapshot::to_bytes(&graph).unwrap();
        let (n, m) = (graph.node_count(), graph.edge_count());
        let mut at = fmt::header_prefix_len(fmt::WRITER) + 16;
        for _ in 0..6 {
            let len = u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
            at += 8 + len as usize;
        }
        let by_id = at + 8 + 8;
        let out_offsets = by_id + 4 * n;
        let out_edges = out_offsets + 4 * (n + 1);
        let in_offsets = out_edges + 4 * m;
        let in_edges = in_offsets + 4 * (n + 1);
        let marks = in_edges + 4 * m;
        let parts = [by_id, out_offsets, out_edges, in_offsets, in_edges, marks];
        (bytes, parts, n, m)
    }

    fn reseal(bytes: &mut [u8]) {
        let start = fmt::header_prefix_len(fmt::WRITER) + 16;
        let sum = fmt::checksum(&bytes[start..]);
        bytes[start - 8..start].copy_from_slice(&sum.to_le_bytes());
    }

    fn fill(bytes: &mut [u8], from: usize, count: usize, value: &[u8]) {
        for i in 0..count {
            let at = from + i * value.len();
            bytes[at..at + value.len()].copy_from_slice(value);
        }
        reseal(bytes);
    }

    /// The error of asking for terrorism's neighbourhood in `bytes`.
    fn asked(bytes: Vec<u8>) -> String {
        let view = match View::new(bytes) {
            Ok(view) => view,
            Err(e) => return e.to_string(),
        };
        let found = match view.find("terrorism") {
            Ok(Some(found)) => found,
            Ok(None) => return "not found".into(),
            Err(e) => return e.to_string(),
        };
        match view.neighbourhood(&[found], 1, true, usize::MAX) {
            Ok(_) => "answered".into(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn the_untouched_snapshot_answers() {
        assert_eq!(asked(snapshot().0), "answered");
    }

    #[test]
    fn node_positions_out_of_range_are_refused() {
        let (mut bytes, [by_id, ..], n, _) = snapshot();
        fill(&mut bytes, by_id, n, &9999u32.to_le_bytes());
        let e = asked(bytes);
        assert!(e.contains("its index section is malformed"), "{e}");
        assert!(e.contains("names no node"), "{e}");
    }

    #[test]
    fn offsets_not_monotonic_are_refused() {
        let (mut bytes, [_, out_offsets, _, in_offsets, ..], n, _) = snapshot();
        fill(&mut bytes, out_offsets + 4, n, &500u32.to_le_bytes());
        fill(&mut bytes, in_offsets + 4, n, &3u32.to_le_bytes());
        let e = asked(bytes);
        assert!(e.contains("out of order"), "{e}");
    }

    #[test]
    fn edge_positions_out_of_range_or_of_another_node_are_refused() {
        let (good, [_, _, out_edges, _, in_edges, _], _, m) = snapshot();
        for value in [u32::MAX, 0] {
            let mut bytes = good.clone();
            fill(&mut bytes, out_edges, m, &value.to_le_bytes());
            fill(&mut bytes, in_edges, m, &value.to_le_bytes());
            let e = asked(bytes);
            assert!(e.contains("not one of its edges"), "{e}");
        }
    }

    #[test]
    fn marks_out_of_the_file_are_refused() {
        let (mut bytes, [.., marks], _, _) = snapshot();
        let count = (bytes.len() - marks) / 8;
        fill(&mut bytes, marks, count, &u64::MAX.to_le_bytes());
        let e = asked(bytes);
        assert!(e.contains("mark"), "{e}");
    }

    #[test]
    fn a_truncated_index_is_refused() {
        let (good, [.., marks], _, _) = snapshot();
        for cut in [1, 12, good.len() - marks + 40] {
            let mut bytes = good.clone();
            bytes.truncate(bytes.len() - cut);
            // The header and the index's own length made to fit the cut.
            let start = fmt::header_prefix_len(fmt::WRITER) + 16;
            let body = (bytes.len() - start) as u64;
            bytes[start - 16..start - 8].copy_from_slice(&body.to_le_bytes());
            reseal(&mut bytes);
            let e = asked(bytes);
            assert!(e.contains("malformed"), "{cut}: {e}");
        }
    }

    #[test]
    fn every_cut_and_every_flipped_byte_of_the_index_is_no_panic() {
        let (good, [by_id, ..], _, _) = snapshot();
        for at in (by_id - 16..good.len()).step_by(7) {
            let mut bytes = good.clone();
            bytes[at] ^= 0x5a;
            reseal(&mut bytes);
            let _ = asked(bytes);
        }
    }

    /// An impact walk read in place takes less than the whole graph, and
    /// the impact traced on it is the whole graph's; past its limit it
    /// gives way (the command then loads the whole graph).
    #[test]
    fn an_impact_walk_in_place_answers_as_the_whole_graph() {
        let whole = crate::load::embedded_with_derived().unwrap().unwrap();
        let view = View::new(snapshot().0).unwrap();
        let answer = |g: &crate::model::Graph, depth| {
            let root = g.node_index("lack-of-trust-and-transparency").unwrap();
            let found = crate::analysis::impact(g, root, depth);
            let id = |n| g.node(n).map(|n| n.id.to_string());
            let reached: Vec<_> = found
                .reached
                .iter()
                .map(|r| (id(r.node), r.depth, r.chains, r.via.len()))
                .collect();
            let mitigated: Vec<_> = found.mitigated_by.iter().map(|m| id(m.node)).collect();
            (reached, mitigated)
        };
        let seed = view
            .find("lack-of-trust-and-transparency")
            .unwrap()
            .unwrap();
        for depth in 1..=4 {
            let part = view
                .impact_neighbourhood(&[seed], depth, true, usize::MAX)
                .unwrap()
                .unwrap()
                .graph;
            assert!(part.edge_count() < whole.edge_count(), "depth {depth}");
            assert_eq!(answer(&part, depth), answer(&whole, depth), "depth {depth}");
            assert!(!answer(&part, depth).0.is_empty());
        }
        let cut = view.impact_neighbourhood(&[seed], 3, true, 2).unwrap();
        assert!(cut.is_none(), "a walk past its limit gives way");
        let around = view.neighbourhood(&[seed], 2, true, 2).unwrap();
        assert!(around.is_none(), "so does a neighbourhood");
        let around = view.neighbourhood(&[seed], 2, true, 10_000).unwrap();
        assert!(around.is_some_and(|p| p.graph.edge_count() > 2));
    }
}
