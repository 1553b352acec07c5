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
//! # Cost
//!
//! Opening reads the file once (`std::fs::read`) and hashes it; a
//! question then costs a binary search per id and, per node or edge read,
//! a walk of at most [`STRIDE`] records from the nearest mark.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use super::{Bad, Column, Cursor, R, SnapshotError, Strings, Trust};
use crate::format::snapshot::{self as fmt, SECTIONS, STRIDE};
use crate::load::{LoadError, LoadErrorKind, LoadErrors};
use crate::model::{Basis, Edge, Graph, KindId, Node, RelId};

/// Where a part of the body is: its first byte in the file and its length.
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

/// A snapshot opened in place. See the module docs.
#[derive(Debug)]
pub struct View {
    bytes: Vec<u8>,
    writer: String,
    parts: Parts,
    nodes: usize,
    edges: usize,
    derived: usize,
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

impl View {
    /// Opens the snapshot at `path` in place.
    ///
    /// # Errors
    /// As [`super::open`]: the file cannot be read, or is not a snapshot
    /// this seccoop reads (its header, checksum or section lengths).
    pub fn open(path: &Path) -> Result<View, LoadErrors> {
        let bytes = std::fs::read(path).map_err(|io| {
            LoadErrors(vec![LoadError::bare(LoadErrorKind::Read {
                path: path.to_path_buf(),
                reason: crate::io_text::io_reason(&io),
                io,
            })])
        })?;
        View::new(bytes).map_err(|problem| {
            LoadErrors(vec![LoadError::bare(LoadErrorKind::Snapshot {
                path: path.to_path_buf(),
                problem,
            })])
        })
    }

    /// Checks a snapshot's header, checksum and the lengths of its
    /// sections and columns, and keeps its bytes for the questions to come.
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
    /// let around = view.neighbourhood(&[terrorism], 1, true).unwrap();
    /// assert!(around.node_count() < graph.node_count());
    /// assert!(around.node_index("terrorism").is_some());
    /// ```
    pub fn new(bytes: Vec<u8>) -> Result<View, SnapshotError> {
        let (writer, parts, counts) = {
            let h = super::header(&bytes)?;
            let parts = Self::parts(&h).map_err(|b| b.into_error(&h.writer))?;
            (h.writer, parts.0, parts.1)
        };
        let [nodes, edges, derived] = counts;
        Ok(View {
            bytes,
            writer,
            parts,
            nodes,
            edges,
            derived,
        })
    }

    /// Splits the body into its sections and the sections into columns.
    fn parts(h: &super::Header<'_>) -> R<(Parts, [usize; 3])> {
        let mut outer = Cursor {
            bytes: h.body,
            pos: 0,
            base: h.start,
            section: 0,
        };
        let mut parts = Parts::default();
        for (section, span) in parts.sections.iter_mut().enumerate() {
            outer.section = section;
            let len = usize::try_from(outer.u64()?).unwrap_or(usize::MAX);
            let at = outer.base + outer.pos;
            outer.take(len)?;
            *span = Span { at, len };
        }
        outer.end()?;
        let span = |c: &Column<'_>| Span {
            at: c.at,
            len: c.bytes.len(),
        };
        let mut c = Self::cursor_in(h.body, h.start, &parts.sections, 2)?;
        let n = c.count(11)?;
        parts.ids = span(&c.column(n, 4)?);
        parts.names = span(&c.column(n, 4)?);
        parts.kinds = span(&c.column(n, 2)?);
        parts.node_flags = span(&c.column(n, 1)?);
        c.end()?;
        let mut c = Self::cursor_in(h.body, h.start, &parts.sections, 3)?;
        let m = c.count(12)?;
        parts.froms = span(&c.column(m, 4)?);
        parts.tos = span(&c.column(m, 4)?);
        parts.rels = span(&c.column(m, 2)?);
        parts.bases = span(&c.column(m, 1)?);
        parts.edge_flags = span(&c.column(m, 1)?);
        c.end()?;
        let derived = Self::cursor_in(h.body, h.start, &parts.sections, 5)?.count(8)?;
        let mut c = Self::cursor_in(h.body, h.start, &parts.sections, 6)?;
        let (nc, mc) = (c.u32()? as usize, c.u32()? as usize);
        if (nc, mc) != (n, m) {
            return Err(c.bad(format!(
                "the index is of {nc} nodes and {mc} edges, and the graph has {n} and {m}"
            )));
        }
        parts.by_id = span(&c.column(n, 4)?);
        parts.out_offsets = span(&c.column(n + 1, 4)?);
        parts.out_edges = span(&c.column(m, 4)?);
        parts.in_offsets = span(&c.column(n + 1, 4)?);
        parts.in_edges = span(&c.column(m, 4)?);
        parts.marks = span(&c.column(fmt::marks(n) + 2 * fmt::marks(m), 8)?);
        c.end()?;
        Ok((parts, [n, m, derived]))
    }

    /// A cursor at the start of a section, given the body.
    fn cursor_in<'a>(
        body: &'a [u8],
        start: usize,
        sections: &[Span; SECTIONS.len()],
        section: usize,
    ) -> R<Cursor<'a>> {
        let span = sections.get(section).copied().unwrap_or_default();
        let bytes = span
            .at
            .checked_sub(start)
            .and_then(|from| body.get(from..from.checked_add(span.len)?));
        match bytes {
            Some(bytes) => Ok(Cursor {
                bytes,
                pos: 0,
                base: span.at,
                section,
            }),
            None => Err(Bad {
                section,
                offset: span.at,
                what: "the section is out of the file".into(),
            }),
        }
    }

    /// A cursor at `offset` of a section.
    fn cursor(&self, section: usize, offset: usize) -> R<Cursor<'_>> {
        let span = self
            .parts
            .sections
            .get(section)
            .copied()
            .unwrap_or_default();
        let bytes = self.bytes.get(span.at..).and_then(|b| b.get(..span.len));
        match bytes {
            Some(bytes) if offset <= bytes.len() => Ok(Cursor {
                bytes,
                pos: offset,
                base: span.at,
                section,
            }),
            _ => Err(Bad {
                section,
                offset: span.at,
                what: format!("offset {offset} is out of the section"),
            }),
        }
    }

    /// A column of the file.
    fn column(&self, span: Span) -> Column<'_> {
        let bytes = self
            .bytes
            .get(span.at..)
            .and_then(|b| b.get(..span.len))
            .unwrap_or_default();
        Column { bytes, at: span.at }
    }

    /// A problem at a byte of the index.
    fn bad_index(&self, at: usize, what: String) -> Bad {
        Bad {
            section: 6,
            offset: at,
            what,
        }
    }

    fn strings(&self) -> R<Strings<'_>> {
        Strings::lazy(&mut self.cursor(0, 0)?)
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
        let strings = self.strings()?;
        let by_id = self.column(self.parts.by_id);
        let ids = self.column(self.parts.ids);
        let c = self.cursor(6, 0)?;
        let (mut lo, mut hi) = (0, self.nodes);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let bad = || {
                self.bad_index(
                    by_id.at + 4 * mid,
                    format!("index entry {mid} names no node"),
                )
            };
            let pos = by_id.u32_at(mid).ok_or_else(bad)?;
            let string = ids.u32_at(pos as usize).ok_or_else(bad)?;
            let here = strings.get(string, &c)?;
            match here.cmp(id) {
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
    /// # Errors
    /// A [`SnapshotError`] for a fault in what it reads.
    pub fn neighbourhood(
        &self,
        seeds: &[u32],
        radius: usize,
        derived: bool,
    ) -> Result<Graph, SnapshotError> {
        self.neighbourhood_in(seeds, radius, derived)
            .map_err(|b| self.error(b))
    }

    fn neighbourhood_in(&self, seeds: &[u32], radius: usize, derived: bool) -> R<Graph> {
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
        let mut frontier: Vec<u32> = nodes.iter().copied().collect();
        for _ in 0..radius {
            let mut next = Vec::new();
            for &v in &frontier {
                for out in [true, false] {
                    for e in self.adjacent(v, out)? {
                        let row = self.edge_row(e)?;
                        if !derived && row.basis == fmt::basis_code(Basis::Derived) {
                            continue;
                        }
                        edges.insert(e);
                        let other = if out { row.to } else { row.from };
                        if nodes.insert(other) {
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
            let row = self.edge_row(e)?;
            nodes.insert(row.from);
            nodes.insert(row.to);
            if row.basis != fmt::basis_code(Basis::Derived) || proofs.contains_key(&e) {
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
        self.build(&nodes, &edges, &proofs)
    }

    /// The edges out of (or into) node `v`, as the index lists them, each
    /// checked to be one of `v`'s.
    fn adjacent(&self, v: u32, out: bool) -> R<Vec<u32>> {
        let (offsets, list, ends) = if out {
            (
                self.parts.out_offsets,
                self.parts.out_edges,
                self.parts.froms,
            )
        } else {
            (self.parts.in_offsets, self.parts.in_edges, self.parts.tos)
        };
        let (offsets, list, ends) = (self.column(offsets), self.column(list), self.column(ends));
        let v = v as usize;
        let bad = |what: String| self.bad_index(offsets.at + 4 * v, what);
        let (Some(a), Some(b)) = (offsets.u32_at(v), offsets.u32_at(v + 1)) else {
            return Err(bad(format!("node {v} has no offsets")));
        };
        let (a, b) = (a as usize, b as usize);
        if a > b || b > self.edges {
            return Err(bad(format!(
                "node {v}'s edges run from {a} to {b}, out of order"
            )));
        }
        let mut found = Vec::with_capacity(b - a);
        for i in a..b {
            let e = list
                .u32_at(i)
                .ok_or_else(|| bad(format!("edge list entry {i} is missing")))?;
            if ends.u32_at(e as usize) != Some(v as u32) {
                return Err(self.bad_index(
                    list.at + 4 * i,
                    format!("the index lists edge {e} at node {v}, and it is not one of its edges"),
                ));
            }
            found.push(e);
        }
        Ok(found)
    }

    fn edge_row(&self, e: u32) -> R<EdgeRow> {
        let i = e as usize;
        let p = &self.parts;
        let row = (|| {
            Some(EdgeRow {
                from: self.column(p.froms).u32_at(i)?,
                to: self.column(p.tos).u32_at(i)?,
                rel: self.column(p.rels).u16_at(i)?,
                basis: *self.column(p.bases).bytes.get(i)?,
                flags: *self.column(p.edge_flags).bytes.get(i)?,
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

    /// The mark of the stride holding item `i`: `which` is 0 for nodes'
    /// extras, 1 for edges' extras, 2 for edges' proofs.
    fn mark(&self, which: usize, i: usize) -> R<usize> {
        let first = match which {
            0 => 0,
            1 => fmt::marks(self.nodes),
            _ => fmt::marks(self.nodes) + fmt::marks(self.edges),
        };
        let marks = self.column(self.parts.marks);
        let k = first + i / STRIDE;
        let mark = marks
            .u64_at(k)
            .ok_or_else(|| self.bad_index(marks.at, format!("mark {k} is missing")))?;
        usize::try_from(mark)
            .map_err(|_| self.bad_index(marks.at + 8 * k, format!("mark {k} is out of the file")))
    }

    /// The proof of derived edge `e`: its rule and premises, checked.
    fn proof(&self, e: u32) -> R<(usize, Vec<u32>)> {
        let i = e as usize;
        let mut c = self.cursor(5, self.mark(2, i)?)?;
        let derived = fmt::basis_code(Basis::Derived);
        for q in i - i % STRIDE..i {
            if self.edge_row(q as u32)?.basis == derived {
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
    ) -> R<(crate::model::Properties, Vec<crate::model::Provenance>)> {
        if flags == 0 {
            return Ok(Default::default());
        }
        let mut c = self.cursor(4, self.mark(usize::from(edge), i)?)?;
        let column = self.column(if edge {
            self.parts.edge_flags
        } else {
            self.parts.node_flags
        });
        for q in i - i % STRIDE..i {
            let f = column.bytes.get(q).copied().unwrap_or(0);
            if f != 0 {
                super::extras(f, &mut c, t)?;
            }
        }
        super::extras(flags, &mut c, t)
    }

    /// Builds the subgraph of `nodes` and `edges`, in file order.
    fn build(
        &self,
        nodes: &BTreeSet<u32>,
        edges: &BTreeSet<u32>,
        proofs: &BTreeMap<u32, (usize, Vec<u32>)>,
    ) -> R<Graph> {
        let t = self.strings()?;
        let mut g = super::graph_section(&mut self.cursor(1, 0)?, &t, Trust::File)?;
        let declared: std::collections::HashSet<&str> =
            g.sources().iter().map(|s| s.id.as_str()).collect();
        if declared.len() != g.sources().len() {
            return Err(self.cursor(1, 0)?.bad("a source is declared twice"));
        }
        let declared: std::collections::HashSet<String> =
            declared.into_iter().map(str::to_string).collect();
        let check_sources = |provenance: &[crate::model::Provenance], c: &Cursor<'_>| -> R<()> {
            match provenance.iter().find(|p| !declared.contains(&p.source)) {
                Some(p) => Err(c.bad(format!(
                    "a provenance names the source `{}`, which the snapshot does not declare",
                    p.source
                ))),
                None => Ok(()),
            }
        };
        let c = self.cursor(2, 0)?;
        let p = &self.parts;
        let kinds = g.schema().kinds().len();
        let mut at: BTreeMap<u32, NodeIndex> = BTreeMap::new();
        for &v in nodes {
            let i = v as usize;
            let missing = || {
                c.bad(format!(
                    "node {i} is named, and the graph has {}",
                    self.nodes
                ))
            };
            let id = self.column(p.ids).u32_at(i).ok_or_else(missing)?;
            let name = self.column(p.names).u32_at(i).ok_or_else(missing)?;
            let kind = self.column(p.kinds).u16_at(i).ok_or_else(missing)?;
            let flags = *self.column(p.node_flags).bytes.get(i).ok_or_else(missing)?;
            let id = t.name(id, &c, "a node id")?;
            let name = t.name(name, &c, "a node name")?;
            if usize::from(kind) >= kinds {
                return Err(c.bad(format!(
                    "node `{id}` is of kind {kind}, and the schema has {kinds}"
                )));
            }
            let (properties, provenance) = self.extras(false, i, flags, &t)?;
            check_sources(&provenance, &c)?;
            let node = Node::with(id, KindId(kind), name, properties, provenance);
            let ix = g
                .add_node(node)
                .map_err(|_| c.bad(format!("node `{id}` is given twice")))?;
            at.insert(v, ix);
        }
        let c = self.cursor(3, 0)?;
        let rule_heads: Vec<RelId> = g.schema().rules().iter().map(|r| r.head).collect();
        let mut edge_at: BTreeMap<u32, EdgeIndex> = BTreeMap::new();
        let mut premises = Vec::new();
        for &e in edges {
            let row = self.edge_row(e)?;
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
            edge_at.insert(e, ix);
        }
        Ok(g)
    }
}
