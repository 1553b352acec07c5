//! Opening a snapshot (`.sccp`, laid out as [`crate::format::snapshot`]
//! says): one read of the file, the header and checksum checked, then the
//! graph rebuilt column by column, and the index checked against the
//! columns it indexes (for a large file on the second core, while the
//! graph is built). A
//! question about a few nodes can instead open the file in place
//! ([`view`]), reading only what it needs through the index.
//!
//! A snapshot is a file anyone can hand over, so nothing in it is trusted:
//! the header is checked before the body is looked at, every length is
//! checked against the bytes left before anything is allocated for it,
//! every position (a string, a node, a kind, a relation, a rule, a premise)
//! against what it points into, and a proof's premises must come before
//! the edge they prove, so proofs cannot loop. A file that fails any check
//! is refused whole with a [`SnapshotError`], never half read.
//!
//! The checksum catches damage; the checks after it catch a file forged
//! with a correct checksum, or a writer's bug. Each is a comparison per
//! field: the whole decoding, checks included, was under 5% of the time
//! of opening a million-node snapshot (BENCHMARKS.md), most of the rest
//! being the graph's own construction, which waits on memory: each edge
//! is linked into both its ends' lists and each id into the id table, at
//! random places. So a large section is added a block at a time, each
//! block's places read first so that their cache misses overlap (which
//! took the whole read of the million-node snapshot from 1.9 s to 1.2 s).
//!
//! The built-in snapshot (`read_static`) lives as long as the program,
//! so its nodes' and edges' properties and provenance are checked as they
//! are read but decoded only when a command asks for them (`Deferred`):
//! most commands read a few or none, and decoding all of them (a thousand
//! strings, maps and lists) was a quarter of the instructions and half the
//! memory of a command on the built-in graph.

pub mod view;

use super::decode::{is_colour, is_graphviz_word};
use crate::format::graph_file::MAX_GENERATED_EDGES;
use std::borrow::Cow;
use std::path::Path;

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use super::{LoadError, LoadErrorKind, LoadErrors};
use crate::format::snapshot::{
    self as fmt, FORMAT_VERSION, HAS_PROPERTIES, HAS_PROVENANCE, MAGIC, MAX_DEPTH, NONE, SECTIONS,
    WRITER, value_tag,
};
use crate::model::{
    self, Basis, Edge, EdgeMix, Graph, GraphMeta, KindDef, KindId, KindLook, Node, Properties,
    Provenance, RelId, RelationDef, RelationLook, Roles, RuleDef, Schema, Source, Value,
};
use crate::model::{DeferredExtras, Later};

/// How many nodes or edges a whole read brings into cache together before
/// it adds them (see [`nodes_section`] and [`edges_section`]).
const BLOCK: usize = 64;

/// How many nodes and edges a snapshot holds, at least, for its index to
/// be checked on a second thread while the graph is built, and how many
/// rows a section holds for each block of them to be brought into cache
/// before it is added: below it the graph fits in cache, and the thread
/// and the extra reads would cost more than they save (the built-in graph
/// is read at every start).
const LARGE: usize = 50_000;

/// Why a snapshot cannot be opened. Every message ends in the same advice:
/// convert again from the source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    /// The file is empty.
    #[error("the file is empty")]
    Empty,
    /// The file ends inside the header.
    #[error("it ends after {size} bytes, inside its header: the file was cut short")]
    CutHeader {
        /// The file's size.
        size: usize,
    },
    /// The file does not start with a snapshot's magic bytes.
    #[error("it is not a seccoop snapshot (it does not start with a snapshot's magic bytes)")]
    Foreign,
    /// Another version of the format.
    #[error(
        "it was written by {writer} in snapshot format {found}, and this seccoop ({WRITER}) reads format {FORMAT_VERSION} only"
    )]
    Version {
        /// The format version in the file.
        found: u32,
        /// The seccoop that wrote it, as the header says.
        writer: String,
    },
    /// The file is shorter, or longer, than its header says.
    #[error(
        "it is {} bytes long, but {writer} wrote {expected}: {}",
        size,
        if size < expected { "the file was cut short" } else { "bytes were added after its end" }
    )]
    Length {
        /// The file's size.
        size: u64,
        /// The size its header gives.
        expected: u64,
        /// The seccoop that wrote it.
        writer: String,
    },
    /// The body's checksum does not match the header's.
    #[error("its checksum does not match: the file was changed or damaged after {writer} wrote it")]
    Checksum {
        /// The seccoop that wrote it.
        writer: String,
    },
    /// The body is well formed as bytes but says something impossible:
    /// a forged file, or a writer's bug.
    #[error("its {section} section is malformed at byte {offset}: {what} (written by {writer})")]
    Malformed {
        /// The section.
        section: &'static str,
        /// The byte of the file where the problem is.
        offset: usize,
        /// What is wrong there.
        what: String,
        /// The seccoop that wrote it.
        writer: String,
    },
}

/// Opens the snapshot at `path`.
///
/// # Errors
/// One [`LoadError`] whose kind is [`LoadErrorKind::Snapshot`] for a file
/// that is not a snapshot this seccoop reads, or [`LoadErrorKind::Read`]
/// when the file cannot be read at all.
pub fn open(path: &Path) -> Result<Graph, LoadErrors> {
    open_with(path, Derived::Keep)
}

/// [`open`], keeping the derived edges and their proofs or stepping over
/// them as `derived` says.
pub fn open_with(path: &Path, derived: Derived) -> Result<Graph, LoadErrors> {
    opened(path, derived).map_err(|e| LoadErrors(vec![e]))
}

/// What a read does with the derived edges a snapshot holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Derived {
    /// Adds them to the graph with their proofs, each proof checked.
    Keep,
    /// Steps over them and their proofs, as a command answering from the
    /// asserted edges alone (`--no-reasoning`) or writing a text format
    /// (which holds what the sources assert) would remove them anyway: a
    /// million-node graph's 1.3M derived edges are a quarter of its edges.
    /// The checksum still covers every byte, and each proof's length is
    /// still read to find the next, so the same files open.
    Skip,
}

#[allow(clippy::result_large_err)] // Private: `open` returns it as a list.
fn opened(path: &Path, derived: Derived) -> Result<Graph, LoadError> {
    if path.is_dir() {
        let kind = LoadErrorKind::IsDirectory {
            path: path.to_path_buf(),
        };
        return Err(LoadError::bare(kind));
    }
    if let Some(what) = super::special_file(path) {
        let kind = LoadErrorKind::NotAFile {
            path: path.to_path_buf(),
            what,
        };
        return Err(LoadError::bare(kind));
    }
    let bytes = std::fs::read(path).map_err(|io| {
        LoadError::bare(LoadErrorKind::Read {
            path: path.to_path_buf(),
            reason: crate::io_text::io_reason(&io),
            io,
        })
    })?;
    read_with(&bytes, Trust::File, derived).map_err(|problem| {
        LoadError::bare(LoadErrorKind::Snapshot {
            path: path.to_path_buf(),
            problem,
        })
    })
}

/// Whether `-g path` names a snapshot: by its extension (`.sccp`), or, for
/// a regular file whose name says no format, by its first bytes.
pub fn is_snapshot(path: &Path) -> bool {
    use crate::format::GraphFormat;
    use std::io::Read as _;
    match GraphFormat::to_read(path) {
        Some(format) => format == GraphFormat::Snapshot,
        // Never opened when it could block (a FIFO) or is no file at all.
        None if path.is_file() && super::special_file(path).is_none() => {
            let mut head = [0; MAGIC.len()];
            std::fs::File::open(path)
                .and_then(|mut f| f.read_exact(&mut head))
                .is_ok_and(|()| head == MAGIC)
        }
        None => false,
    }
}

/// The header's parts.
struct Header<'a> {
    writer: String,
    body: &'a [u8],
    /// Where the body starts in the file.
    start: usize,
}

fn header(bytes: &[u8]) -> Result<Header<'_>, SnapshotError> {
    let h = head(bytes, bytes.len() as u64)?;
    let body = bytes.get(h.start..).unwrap_or_default();
    if fmt::checksum(body) != h.sum {
        return Err(SnapshotError::Checksum { writer: h.writer });
    }
    Ok(Header {
        writer: h.writer,
        body,
        start: h.start,
    })
}

/// The header's fields, checked as far as they can be without the body.
struct Head {
    writer: String,
    /// Where the body starts in the file.
    start: usize,
    /// The body's checksum, as the header gives it.
    sum: u64,
}

/// Reads the header from the first bytes of a file of `size` bytes (the
/// whole file, or at least as much as the longest header takes), and
/// checks everything in it but the checksum.
fn head(bytes: &[u8], size: u64) -> Result<Head, SnapshotError> {
    if bytes.is_empty() {
        return Err(SnapshotError::Empty);
    }
    let cut = SnapshotError::CutHeader { size: bytes.len() };
    if bytes.len() < MAGIC.len() && MAGIC.starts_with(bytes) {
        return Err(cut);
    }
    if bytes.get(..MAGIC.len()) != Some(&MAGIC[..]) {
        return Err(SnapshotError::Foreign);
    }
    let mut at = MAGIC.len();
    let version = bytes
        .get(at..at + 4)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_le_bytes)
        .ok_or_else(|| cut.clone())?;
    at += 4;
    let len = usize::from(*bytes.get(at).ok_or_else(|| cut.clone())?);
    at += 1;
    let writer = bytes.get(at..at + len).ok_or_else(|| cut.clone())?;
    at += len;
    // A writer's name is shown in messages: keep it printable.
    let writer: String = String::from_utf8_lossy(writer)
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if version != FORMAT_VERSION {
        return Err(SnapshotError::Version {
            found: version,
            writer,
        });
    }
    let field = |at: usize| {
        bytes
            .get(at..at + 8)
            .and_then(|b| b.try_into().ok())
            .map(u64::from_le_bytes)
    };
    let body_len = field(at).ok_or_else(|| cut.clone())?;
    let sum = field(at + 8).ok_or_else(|| cut.clone())?;
    let start = at + 16;
    let expected = (start as u64).saturating_add(body_len);
    if size != expected {
        return Err(SnapshotError::Length {
            size,
            expected,
            writer,
        });
    }
    Ok(Head { writer, start, sum })
}

/// A problem inside the body: a message and the byte of the file.
struct Bad {
    section: usize,
    offset: usize,
    what: String,
}

type R<T> = Result<T, Bad>;

/// Reads one section, every read bounded by the bytes left.
#[derive(Clone)]
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Where `bytes` starts in the file, for messages.
    base: usize,
    section: usize,
}

impl<'a> Cursor<'a> {
    fn bad(&self, what: impl Into<String>) -> Bad {
        Bad {
            section: self.section,
            offset: self.base + self.pos,
            what: what.into(),
        }
    }

    fn left(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    fn take(&mut self, n: usize) -> R<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        match end.and_then(|e| self.bytes.get(self.pos..e)) {
            Some(b) => {
                self.pos += n;
                Ok(b)
            }
            None => Err(self.bad(format!(
                "{n} bytes are wanted where {} are left",
                self.left()
            ))),
        }
    }

    fn array<const N: usize>(&mut self) -> R<[u8; N]> {
        let b = self.take(N)?;
        b.try_into().map_err(|_| self.bad("short read"))
    }

    fn u8(&mut self) -> R<u8> {
        Ok(self.array::<1>()?[0])
    }
    fn u16(&mut self) -> R<u16> {
        self.array().map(u16::from_le_bytes)
    }
    fn u32(&mut self) -> R<u32> {
        self.array().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> R<u64> {
        self.array().map(u64::from_le_bytes)
    }

    fn flag(&mut self) -> R<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(self.bad(format!("a flag is {b}, not 0 or 1"))),
        }
    }

    /// A count of items each at least `width` bytes long, checked against
    /// the bytes left, so a lying count allocates nothing.
    fn count(&mut self, width: usize) -> R<usize> {
        let n = self.u32()? as usize;
        if n.saturating_mul(width) > self.left() {
            return Err(self.bad(format!(
                "a count of {n} needs {} bytes, and {} are left",
                n.saturating_mul(width),
                self.left()
            )));
        }
        Ok(n)
    }

    /// A column of `n` fixed-width values.
    fn column(&mut self, n: usize, width: usize) -> R<Column<'a>> {
        let at = self.base + self.pos;
        let bytes = self.take(n.saturating_mul(width))?;
        Ok(Column { bytes, at })
    }

    /// A problem at a byte of the file other than the cursor's.
    fn bad_at(&self, offset: usize, what: impl Into<String>) -> Bad {
        Bad {
            section: self.section,
            offset,
            what: what.into(),
        }
    }

    fn end(&self) -> R<()> {
        if self.left() == 0 {
            Ok(())
        } else {
            Err(self.bad(format!("{} bytes are left over", self.left())))
        }
    }
}

/// A column of little-endian values.
#[derive(Clone, Copy)]
struct Column<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Column<'a> {
    fn u32s(&self) -> impl Iterator<Item = u32> + 'a {
        self.bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
    }
    fn u64s(&self) -> impl Iterator<Item = u64> + 'a {
        self.bytes
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
    }
    /// The value at `i`, if the column has one there.
    fn u32_at(&self, i: usize) -> Option<u32> {
        let b = self.bytes.get(i.checked_mul(4)?..)?.get(..4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u16s(&self) -> impl Iterator<Item = u16> + 'a {
        self.bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
    }
}

/// Reads bytes at a position of a snapshot file: how a reader that keeps
/// the file rather than its bytes ([`view`]) reaches the string table.
trait ReadAt: Sync {
    /// The `len` bytes at `at`, or `None` past the end of the file.
    fn read_at(&self, at: usize, len: usize) -> Option<Vec<u8>>;
}

/// The text of the string table.
enum Text<'a> {
    /// In memory, checked whole as UTF-8 with every end between characters
    /// ([`Strings::read`]).
    Checked(&'a str),
    /// In the file, each string read and checked when it is asked for
    /// ([`Strings::in_file`]), for a reader that reads a few of millions.
    InFile {
        source: &'a dyn ReadAt,
        /// Where the column of ends starts in the file.
        ends_at: usize,
        /// Where the text starts in the file, and its length.
        text_at: usize,
        text_len: usize,
    },
}

/// The string table.
struct Strings<'a> {
    text: Text<'a>,
    ends: Column<'a>,
    count: usize,
    /// How a string read from the table is kept in a [`Provenance`]: a
    /// copy ([`owned`]), or the string itself when the table lives as long
    /// as the program (the built-in snapshot, [`read_static`]).
    keep: fn(Cow<'a, str>) -> model::Text,
}

/// A copy of a string of the table, to keep.
fn owned(s: Cow<'_, str>) -> model::Text {
    Cow::Owned(s.into_owned())
}

impl<'a> Strings<'a> {
    fn read(c: &mut Cursor<'a>) -> R<Self> {
        let count = c.count(4)?;
        let ends = c.column(count, 4)?;
        let at = c.base + c.pos;
        let bytes = c.take(c.left())?;
        let text = std::str::from_utf8(bytes).map_err(|e| Bad {
            section: 0,
            offset: at + e.valid_up_to(),
            what: "the strings are not UTF-8".into(),
        })?;
        // Ends rise, stay inside the text and fall between characters:
        // then every string is a slice of it.
        let mut last = 0usize;
        for (i, end) in ends.u32s().enumerate() {
            let end = end as usize;
            if end < last || !text.is_char_boundary(end) {
                return Err(Bad {
                    section: 0,
                    offset: ends.at + 4 * i,
                    what: format!("string {i} ends at {end}, which is not a place in the text"),
                });
            }
            last = end;
        }
        Ok(Strings {
            text: Text::Checked(text),
            ends,
            count,
            keep: owned,
        })
    }

    /// The table of a file read through `source`: `count` (read from the
    /// section's first bytes) strings whose ends start at `at`, the text
    /// running to `end`. Nothing is checked until a string is read.
    fn in_file(source: &'a dyn ReadAt, count: usize, at: usize, end: usize) -> Self {
        let ends_at = at;
        let text_at = at.saturating_add(count.saturating_mul(4));
        Strings {
            text: Text::InFile {
                source,
                ends_at,
                text_at,
                text_len: end.saturating_sub(text_at),
            },
            ends: Column { bytes: &[], at },
            count,
            keep: owned,
        }
    }

    fn end(&self, i: usize) -> usize {
        let four = |c: &[u8]| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize;
        match self.text {
            Text::Checked(_) => self.ends.bytes.get(4 * i..4 * i + 4).map_or(0, four),
            Text::InFile {
                source, ends_at, ..
            } => source
                .read_at(ends_at.saturating_add(4 * i), 4)
                .filter(|b| b.len() == 4)
                .map_or(0, |b| four(&b)),
        }
    }

    fn get(&self, i: u32, c: &Cursor<'_>) -> R<Cow<'a, str>> {
        let i = i as usize;
        if i >= self.count {
            return Err(c.bad(format!(
                "string {i} is named, and the table holds {}",
                self.count
            )));
        }
        let start = if i == 0 { 0 } else { self.end(i - 1) };
        let end = self.end(i);
        let out = || c.bad(format!("string {i} is out of the text"));
        match self.text {
            Text::Checked(text) => text.get(start..end).map(Cow::Borrowed).ok_or_else(out),
            Text::InFile {
                source,
                text_at,
                text_len,
                ..
            } => {
                if start > end || end > text_len {
                    return Err(out());
                }
                let bytes = source
                    .read_at(text_at + start, end - start)
                    .ok_or_else(out)?;
                String::from_utf8(bytes)
                    .map(Cow::Owned)
                    .map_err(|_| c.bad(format!("string {i} is not UTF-8")))
            }
        }
    }

    /// A string that names something (an id, a kind, a relation …), held
    /// to the rule every reader applies ([`super::decode::text_problem`]),
    /// so what a snapshot holds converts to every text format.
    fn name(&self, i: u32, c: &Cursor<'_>, what: &str) -> R<Cow<'a, str>> {
        let text = self.get(i, c)?;
        match super::decode::text_problem(&text) {
            None => Ok(text),
            Some(problem) => Err(c.bad(format!("{what} {text:?} {problem}"))),
        }
    }

    fn named(&self, c: &mut Cursor<'_>, what: &str) -> R<String> {
        let i = c.u32()?;
        self.name(i, c, what).map(Cow::into_owned)
    }

    fn string(&self, c: &mut Cursor<'_>) -> R<String> {
        let i = c.u32()?;
        self.get(i, c).map(Cow::into_owned)
    }

    /// A provenance's string, kept as [`Strings::keep`] says.
    fn kept(&self, c: &mut Cursor<'_>) -> R<Option<model::Text>> {
        match c.u32()? {
            NONE => Ok(None),
            i => self.get(i, c).map(|s| Some((self.keep)(s))),
        }
    }

    fn opt(&self, c: &mut Cursor<'_>) -> R<Option<String>> {
        match c.u32()? {
            NONE => Ok(None),
            i => self.get(i, c).map(|s| Some(s.into_owned())),
        }
    }

    /// An optional string held to the rule the text readers apply to the
    /// same field (`ok`), so what a snapshot holds converts to every text
    /// format and reads back.
    fn opt_checked(
        &self,
        c: &mut Cursor<'_>,
        what: &str,
        ok: impl Fn(&str) -> bool,
    ) -> R<Option<String>> {
        match self.opt(c)? {
            Some(s) if !ok(&s) => {
                Err(c.bad(format!("{what} {s:?} is not one a graph file may hold")))
            }
            s => Ok(s),
        }
    }
}

/// Rebuilds the graph a snapshot holds, its derived edges and proofs
/// included.
///
/// # Errors
/// A [`SnapshotError`] saying what is wrong with the bytes; see the module
/// docs for what is checked.
///
/// # Example
/// ```
/// let graph = seccoop::load::embedded().unwrap();
/// let bytes = seccoop::write::snapshot::to_bytes(&graph).unwrap();
/// let again = seccoop::load::snapshot::read(&bytes).unwrap();
/// assert_eq!(again.dump(), graph.dump());
/// let cut = seccoop::load::snapshot::read(&bytes[..bytes.len() - 1]);
/// assert!(cut.unwrap_err().to_string().contains("cut short"));
/// ```
pub fn read(bytes: &[u8]) -> Result<Graph, SnapshotError> {
    read_with(bytes, Trust::File, Derived::Keep)
}

/// [`read`] without the derived edges and their proofs
/// ([`Derived::Skip`]): the graph [`read`] gives with
/// [`Graph::remove_derived`] done.
///
/// # Errors
/// As [`read`], but for what only a proof's contents could show: a proof
/// naming the wrong rule, or an edge that does not come before it.
///
/// # Example
/// ```
/// let graph = seccoop::load::embedded_with_derived().unwrap().unwrap();
/// assert!(graph.derived_count() > 0);
/// let bytes = seccoop::write::snapshot::to_bytes(&graph).unwrap();
/// let asserted = seccoop::load::snapshot::read_asserted(&bytes).unwrap();
/// assert_eq!(asserted.derived_count(), 0);
/// assert_eq!(asserted.dump(), seccoop::load::embedded().unwrap().dump());
/// ```
pub fn read_asserted(bytes: &[u8]) -> Result<Graph, SnapshotError> {
    read_with(bytes, Trust::File, Derived::Skip)
}

/// How far a snapshot's word is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trust {
    /// A file: everything is checked.
    File,
    /// The snapshot compiled into the binary, which a test compares with a
    /// fresh load of its source: its flag saying the schema is the default
    /// one is believed rather than checked by parsing the default schema's
    /// text, the one step of opening it that costs as much as the rest.
    Embedded,
}

/// [`read`], trusting the bytes as far as `trust` says.
pub(crate) fn read_with(
    bytes: &[u8],
    trust: Trust,
    derived: Derived,
) -> Result<Graph, SnapshotError> {
    let h = header(bytes)?;
    body(&h, trust, derived, owned, |_, _| None).map_err(|b| b.into_error(&h.writer))
}

/// [`read_with`] for bytes that live as long as the program: the graph's
/// provenance strings are the snapshot's own, not copies.
pub(crate) fn read_static(bytes: &'static [u8], trust: Trust) -> Result<Graph, SnapshotError> {
    let h = header(bytes)?;
    let defer = |x: &Cursor<'static>, t: &Strings<'static>| match (trust, &t.text) {
        (Trust::Embedded, &Text::Checked(text)) => {
            let deferred: &'static Deferred = Box::leak(Box::new(Deferred {
                text,
                ends: t.ends,
                count: t.count,
                extras: x.clone(),
            }));
            Some(deferred as &'static dyn DeferredExtras)
        }
        _ => None,
    };
    body(&h, trust, Derived::Keep, |s| s, defer).map_err(|b| b.into_error(&h.writer))
}

/// The extras section of the built-in snapshot and its string table, from
/// which a node's or an edge's properties and provenance are decoded when
/// first asked for ([`Later`]).
///
/// Each entry was checked as the graph was read ([`Checker`]), as the
/// decoder checks it, except that two property keys are compared by their
/// place in the string table rather than by their text: the writer keeps
/// each string once, so for what it writes the two are the same. The bytes
/// are the ones `the_embedded_snapshot_is_a_fresh_load_of_graph` compares
/// with what the writer makes of `graph/` and a test decodes whole.
struct Deferred {
    text: &'static str,
    ends: Column<'static>,
    count: usize,
    extras: Cursor<'static>,
}

impl DeferredExtras for Deferred {
    fn decode(&self, at: usize, flags: u8) -> (Properties, Vec<Provenance>) {
        let t = Strings {
            text: Text::Checked(self.text),
            ends: self.ends,
            count: self.count,
            keep: |s| s,
        };
        let mut c = Cursor {
            pos: at,
            ..self.extras.clone()
        };
        let decoded = extras(flags, &mut c, &t);
        debug_assert!(decoded.is_ok(), "checked as the graph was read");
        // Checked as the graph was read, so this does not fail for these
        // bytes; were it to, the node or edge would show no extras rather
        // than stop the program.
        decoded.unwrap_or_default()
    }
}

/// Checks the extras of the built-in snapshot's entries as they are read,
/// and leaves them to be decoded when asked for.
struct Checker<'t> {
    source: &'static dyn DeferredExtras,
    /// The sources the graph declares.
    declared: &'t foldhash::HashSet<&'t str>,
    /// The last provenance source found declared, by its place in the table.
    known: Option<u32>,
    /// The property keys of the entry, by their place in the table.
    keys: Vec<u32>,
}

impl Checker<'_> {
    /// Checks the extras at `x` as [`extras`] would and moves past them.
    fn check(&mut self, flags: u8, x: &mut Cursor<'_>, t: &Strings<'_>) -> R<Later> {
        let at = x.pos;
        if flags & !(HAS_PROPERTIES | HAS_PROVENANCE) != 0 {
            return Err(x.bad(format!("flags {flags:#04x} are unknown")));
        }
        let string = |i: u32, x: &Cursor<'_>| {
            // The ends were checked whole when the table was read.
            if (i as usize) < t.count {
                Ok(())
            } else {
                Err(x.bad(format!(
                    "string {i} is named, and the table holds {}",
                    t.count
                )))
            }
        };
        if flags & HAS_PROPERTIES != 0 {
            self.keys.clear();
            for _ in 0..x.count(6)? {
                let key = x.u32()?;
                string(key, x)?;
                if self.keys.contains(&key) {
                    return Err(x.bad("a property is given twice"));
                }
                self.keys.push(key);
                skip_value(x, &string, 0)?;
            }
        }
        if flags & HAS_PROVENANCE != 0 {
            for _ in 0..x.count(16)? {
                let source = x.u32()?;
                if self.known != Some(source) {
                    let name = t.name(source, x, "a provenance source")?;
                    if !self.declared.contains(&*name) {
                        return Err(x.bad(format!(
                            "a provenance names the source `{name}`, which the snapshot does not declare"
                        )));
                    }
                    self.known = Some(source);
                }
                for _ in 0..3 {
                    match x.u32()? {
                        NONE => {}
                        i => string(i, x)?,
                    }
                }
            }
        }
        Ok(Later::new(self.source, at, flags))
    }
}

/// Moves past a value, checking it as [`value`] would.
fn skip_value(
    c: &mut Cursor<'_>,
    string: &impl Fn(u32, &Cursor<'_>) -> R<()>,
    depth: usize,
) -> R<()> {
    match c.u8()? {
        value_tag::STRING => {
            let i = c.u32()?;
            string(i, c)?;
        }
        value_tag::INTEGER | value_tag::FLOAT => {
            c.u64()?;
        }
        value_tag::BOOL => {
            c.flag()?;
        }
        value_tag::LIST if depth < MAX_DEPTH => {
            for _ in 0..c.count(2)? {
                skip_value(c, string, depth + 1)?;
            }
        }
        value_tag::LIST => return Err(c.bad(format!("lists nest more than {MAX_DEPTH} deep"))),
        tag => return Err(c.bad(format!("value type {tag} is unknown"))),
    }
    Ok(())
}

impl Bad {
    /// The error a reader returns for this problem.
    fn into_error(self, writer: &str) -> SnapshotError {
        SnapshotError::Malformed {
            section: SECTIONS.get(self.section).copied().unwrap_or("body"),
            offset: self.offset,
            what: self.what,
            writer: writer.to_string(),
        }
    }
}

/// Reads the body. `defer` may give the extras section a reader that
/// decodes each entry's extras when first asked for ([`read_static`]).
fn body<'a>(
    h: &Header<'a>,
    trust: Trust,
    derived: Derived,
    keep: fn(Cow<'a, str>) -> model::Text,
    defer: impl FnOnce(&Cursor<'a>, &Strings<'a>) -> Option<&'static dyn DeferredExtras>,
) -> R<Graph> {
    let mut outer = Cursor {
        bytes: h.body,
        pos: 0,
        base: h.start,
        section: 0,
    };
    let mut sections = Vec::with_capacity(SECTIONS.len());
    for section in 0..SECTIONS.len() {
        outer.section = section;
        let len = outer.u64()?;
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        let base = outer.base + outer.pos;
        let bytes = outer.take(len)?;
        sections.push(Cursor {
            bytes,
            pos: 0,
            base,
            section,
        });
    }
    outer.end()?;
    let [
        mut strings,
        mut graph,
        mut nodes,
        mut edges,
        mut extras,
        mut proofs,
        mut index,
    ]: [Cursor; 7] = sections
        .try_into()
        .map_err(|_| outer.bad("seven sections are wanted"))?;
    let table = Strings {
        keep,
        ..Strings::read(&mut strings)?
    };
    let mut g = graph_section(&mut graph, &table, trust)?;
    graph.end()?;
    // The declared sources, for the checks of provenance below (and, for
    // extras left to decode, as each entry is read).
    let sources: Vec<String> = g.sources().iter().map(|s| s.id.clone()).collect();
    let declared: foldhash::HashSet<&str> = sources.iter().map(String::as_str).collect();
    let mut checker = defer(&extras, &table).map(|source| Checker {
        source,
        declared: &declared,
        known: None,
        keys: Vec::new(),
    });
    // The index is checked against the columns it indexes, read from the
    // file rather than the graph, so a large snapshot has it checked on
    // the second core while this one builds the graph. A problem in the
    // nodes or edges is reported before one in the index, as when the
    // sections were read in turn.
    let mut peek = nodes.clone();
    let n = peek.count(11)?;
    let ids = peek.column(n, 4)?;
    let mut peek = edges.clone();
    let m = peek.count(12)?;
    let ends = [peek.column(m, 4)?, peek.column(m, 4)?];
    let mut marks = Vec::new();
    let mut build = || -> R<()> {
        nodes_section(
            &mut g,
            &mut nodes,
            &mut extras,
            &table,
            &mut marks,
            &mut checker,
        )?;
        nodes.end()?;
        edges_section(
            &mut g,
            &mut edges,
            &mut extras,
            &mut proofs,
            &table,
            &mut marks,
            &mut checker,
            derived,
        )?;
        edges.end()?;
        extras.end()?;
        proofs.end()
    };
    let (built, indexed) = if n + m >= LARGE {
        std::thread::scope(|s| {
            let check = s.spawn(|| index_section(&mut index, ids, &table, ends));
            let built = build();
            let indexed = check
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            (built, indexed)
        })
    } else {
        let built = build();
        let indexed = match built {
            Ok(()) => index_section(&mut index, ids, &table, ends),
            Err(_) => Ok(()),
        };
        (built, indexed)
    };
    built?;
    indexed?;
    index_marks(&mut index, &marks)?;
    index.end()?;
    // Every provenance names a declared source, as the text readers require.
    // (A fast hasher: the built-in graph checks 324 provenances at every
    // start, and SipHash made that a tenth of opening it.)
    if declared.len() != g.sources().len() {
        return Err(extras.bad("a source is declared twice".to_string()));
    }
    if checker.is_some() {
        // Checked entry by entry, as read.
        return Ok(g);
    }
    let named = g
        .nodes()
        .flat_map(|(_, n)| n.provenance().iter())
        .chain(g.edges().flat_map(|e| e.edge.provenance().iter()));
    for p in named {
        if !declared.contains(&*p.source) {
            return Err(extras.bad(format!(
                "a provenance names the source `{}`, which the snapshot does not declare",
                p.source
            )));
        }
    }
    Ok(g)
}

fn graph_section(c: &mut Cursor<'_>, t: &Strings<'_>, trust: Trust) -> R<Graph> {
    let meta = GraphMeta {
        name: t.opt(c)?,
        description: t.opt(c)?,
    };
    let mut sources = Vec::new();
    for _ in 0..c.count(20)? {
        sources.push(Source {
            id: t.named(c, "a source id")?,
            title: t.string(c)?,
            author: t.opt(c)?,
            date: t.opt(c)?,
            url: t.opt(c)?,
        });
    }
    let default_schema = c.flag()?;
    let mut schema = Schema::new();
    let kinds = c.count(33)?;
    for i in 0..kinds {
        let def = KindDef {
            name: t.named(c, "a kind")?,
            plural: t.opt_checked(c, "a kind's plural", |s| {
                super::decode::text_problem(s).is_none()
            })?,
            description: t.string(c)?,
            look: KindLook {
                shape: t.opt_checked(c, "a shape", |s| is_graphviz_word(s, false))?,
                style: t.opt_checked(c, "a style", |s| is_graphviz_word(s, true))?,
                fill: t.opt_checked(c, "a fill colour", is_colour)?,
                border: t.opt_checked(c, "a border colour", is_colour)?,
            },
            share: {
                let some = c.flag()?;
                let share = c.u32()?;
                if share > 100 {
                    return Err(c.bad(format!("a kind's share of {share}% is over 100%")));
                }
                some.then_some(share)
            },
        };
        let name = def.name.clone();
        match schema.add_kind(def) {
            Ok(id) if usize::from(id.0) == i => {}
            _ => return Err(c.bad(format!("kind `{name}` is declared twice"))),
        }
    }
    let kind = |c: &mut Cursor<'_>| -> R<KindId> {
        let k = c.u16()?;
        if usize::from(k) < kinds {
            Ok(KindId(k))
        } else {
            Err(c.bad(format!("kind {k} is named, and the schema has {kinds}")))
        }
    };
    let relations = c.count(4 + 4 + 4 + 16 + 7 + 1 + 1 + 2 + 8)?;
    for i in 0..relations {
        let name = t.named(c, "a relation")?;
        let mut ends = [Vec::new(), Vec::new()];
        for end in &mut ends {
            for _ in 0..c.count(2)? {
                end.push(kind(c)?);
            }
        }
        let [from, to] = ends;
        let meaning = t.string(c)?;
        let inverse = t.opt(c)?;
        let colour = t.opt_checked(c, "a colour", is_colour)?;
        let arrowhead = t.opt_checked(c, "an arrowhead", |s| is_graphviz_word(s, false))?;
        let impact = c.u8()?;
        let impact = fmt::impact_of(impact)
            .ok_or_else(|| c.bad(format!("impact code {impact} is unknown")))?;
        let mitigation = c.flag()?;
        let line = c.u8()?;
        let line =
            fmt::line_of(line).ok_or_else(|| c.bad(format!("line code {line} is unknown")))?;
        let cluster = c.flag()?;
        let roles = Roles {
            counters: c.flag()?,
            participants: c.flag()?,
            rank: c.flag()?,
        };
        let generates = c.flag()?;
        let has_from = c.flag()?;
        let mix_from = if has_from {
            Some(kind(c)?)
        } else {
            c.u16().map(|_| None)?
        };
        let (min, max) = (c.u32()?, c.u32()?);
        if generates && (min > max || max > MAX_GENERATED_EDGES) {
            return Err(c.bad(format!(
                "relation `{name}` generates {min} to {max} edges, which no graph file may say"
            )));
        }
        let def = RelationDef {
            name: name.clone(),
            from,
            to,
            meaning,
            inverse,
            impact,
            mitigation,
            look: RelationLook {
                colour,
                line,
                arrowhead,
                cluster,
            },
            roles,
            generate: generates.then_some(EdgeMix {
                from: mix_from,
                min,
                max,
            }),
        };
        match schema.add_relation(def) {
            Ok(id) if usize::from(id.0) == i => {}
            _ => return Err(c.bad(format!("relation `{name}` is declared twice"))),
        }
    }
    let rel = |c: &mut Cursor<'_>| -> R<RelId> {
        let r = c.u16()?;
        if usize::from(r) < relations {
            Ok(RelId(r))
        } else {
            Err(c.bad(format!(
                "relation {r} is named, and the schema has {relations}"
            )))
        }
    };
    let rules = c.count(14)?;
    for _ in 0..rules {
        let name = t.named(c, "a rule")?;
        let meaning = t.string(c)?;
        let mut chain = Vec::new();
        for _ in 0..c.count(2)? {
            chain.push(rel(c)?);
        }
        let head = rel(c)?;
        let before = schema.rules().len();
        let added = schema.add_rule(RuleDef {
            name: name.clone(),
            meaning,
            chain,
            head,
        });
        if added.is_err() || schema.rules().len() == before {
            return Err(c.bad(format!("rule `{name}` is declared twice")));
        }
    }
    // The rules as the text readers check them: kinds that meet, heads that
    // take what the chain gives, no relations deriving each other.
    for r in schema.rules() {
        if let Some((_, problem)) = crate::reason::check_rule(&schema, &r.name, &r.chain, r.head)
            .into_iter()
            .next()
        {
            return Err(c.bad(problem.to_string()));
        }
    }
    if crate::reason::find_cycle(schema.rules()).is_some() {
        return Err(c.bad("the rules make relations derive each other".to_string()));
    }
    let mut g = Graph::new(schema);
    g.set_meta(meta);
    for s in sources {
        g.add_source(s);
    }
    // The flag lets writers leave the schema out, so it must be true: a
    // forged flag on another schema would lose that schema on the way out.
    if default_schema && trust == Trust::File {
        let default = super::default_schema_model();
        let same = g.schema().kinds().eq(default.kinds())
            && g.schema().relations().eq(default.relations())
            && g.schema().rules() == default.rules();
        if !same {
            return Err(c.bad("the schema is marked as the default one, and it is not"));
        }
    }
    g.set_default_schema(default_schema);
    Ok(g)
}

fn value(c: &mut Cursor<'_>, t: &Strings<'_>, depth: usize) -> R<Value> {
    Ok(match c.u8()? {
        value_tag::STRING => Value::String(t.string(c)?),
        value_tag::INTEGER => Value::Integer(c.u64()? as i64),
        value_tag::FLOAT => Value::Float(f64::from_bits(c.u64()?)),
        value_tag::BOOL => Value::Bool(c.flag()?),
        value_tag::LIST if depth < MAX_DEPTH => {
            let n = c.count(2)?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(value(c, t, depth + 1)?);
            }
            Value::List(items)
        }
        value_tag::LIST => return Err(c.bad(format!("lists nest more than {MAX_DEPTH} deep"))),
        tag => return Err(c.bad(format!("value type {tag} is unknown"))),
    })
}

/// The properties and provenance the flags announce, from the extras.
fn extras(flags: u8, c: &mut Cursor<'_>, t: &Strings<'_>) -> R<(Properties, Vec<Provenance>)> {
    let mut properties = Properties::new();
    let mut provenance = Vec::new();
    if flags & !(HAS_PROPERTIES | HAS_PROVENANCE) != 0 {
        return Err(c.bad(format!("flags {flags:#04x} are unknown")));
    }
    if flags & HAS_PROPERTIES != 0 {
        for _ in 0..c.count(6)? {
            let key = t.string(c)?;
            let v = value(c, t, 0)?;
            if properties.insert(key, v).is_some() {
                return Err(c.bad("a property is given twice"));
            }
        }
    }
    if flags & HAS_PROVENANCE != 0 {
        let n = c.count(16)?;
        provenance.reserve_exact(n);
        for _ in 0..n {
            provenance.push(Provenance {
                source: (t.keep)(t.name(c.u32()?, c, "a provenance source")?),
                section: t.kept(c)?,
                item: t.kept(c)?,
                note: t.kept(c)?,
            });
        }
    }
    Ok((properties, provenance))
}

fn nodes_section(
    g: &mut Graph,
    c: &mut Cursor<'_>,
    x: &mut Cursor<'_>,
    t: &Strings<'_>,
    marks: &mut Vec<u64>,
    checker: &mut Option<Checker<'_>>,
) -> R<()> {
    let n = c.count(11)?;
    let ids = c.column(n, 4)?;
    let names = c.column(n, 4)?;
    let kinds = c.column(n, 2)?;
    let flags = c.column(n, 1)?;
    let kind_count = g.schema().kinds().len();
    g.reserve(n, 0);
    let rows = ids.u32s().zip(names.u32s()).zip(kinds.u16s());
    for (pos, (((id, name), kind), &flags)) in rows.zip(flags.bytes).enumerate() {
        if pos % fmt::STRIDE == 0 {
            marks.push(x.pos as u64);
        }
        if n >= LARGE && pos % BLOCK == 0 {
            // The id table is written at random places: the next block's
            // are brought into cache together, so their misses overlap.
            let next = (pos..pos + BLOCK).map_while(|i| ids.u32_at(i));
            let next: Vec<Cow<'_, str>> = next.filter_map(|i| t.get(i, c).ok()).collect();
            g.touch_ids(next.iter().map(|s| &**s));
        }
        let id = t.name(id, c, "a node id")?;
        let name = t.name(name, c, "a node name")?;
        if usize::from(kind) >= kind_count {
            return Err(c.bad(format!(
                "node `{id}` is of kind {kind}, and the schema has {kind_count}"
            )));
        }
        let node = match checker {
            Some(checker) if flags != 0 => {
                Node::deferred(&*id, KindId(kind), &*name, checker.check(flags, x, t)?)
            }
            _ => {
                let (properties, provenance) = if flags == 0 {
                    Default::default()
                } else {
                    extras(flags, x, t)?
                };
                Node::with(&*id, KindId(kind), &*name, properties, provenance)
            }
        };
        if g.add_node(node).is_err() {
            return Err(c.bad(format!("node `{id}` is given twice")));
        }
    }
    Ok(())
}

// The section, the three it is read against, and what the read records
// beside the graph: each a different borrow, so no struct to hide them in.
#[allow(clippy::too_many_arguments)]
fn edges_section<'a>(
    g: &mut Graph,
    c: &mut Cursor<'a>,
    x: &mut Cursor<'_>,
    p: &mut Cursor<'_>,
    t: &Strings<'_>,
    marks: &mut Vec<u64>,
    checker: &mut Option<Checker<'_>>,
    keep: Derived,
) -> R<()> {
    let m = c.count(12)?;
    let froms = c.column(m, 4)?;
    let tos = c.column(m, 4)?;
    let rels = c.column(m, 2)?;
    let bases = c.column(m, 1)?;
    let flags = c.column(m, 1)?;
    let n = g.node_count();
    // Which kinds each relation allows at each end, as one table, so an
    // edge is checked without a search.
    let kinds = g.schema().kinds().len();
    let mut allowed = vec![[false; 2]; g.schema().relations().len() * kinds];
    for (r, def) in g.schema().relations() {
        for (end, ks) in [&def.from, &def.to].into_iter().enumerate() {
            for k in ks {
                if let Some(a) = allowed.get_mut(usize::from(r.0) * kinds + usize::from(k.0)) {
                    a[end] = true;
                }
            }
        }
    }
    let rule_heads: Vec<RelId> = g.schema().rules().iter().map(|r| r.head).collect();
    let node_kinds: Vec<u16> = g.nodes().map(|(_, n)| n.kind.0).collect();
    // The kinds of the current block's ends, read together (see below);
    // `None` for an end that is not a node.
    let mut block_kinds = [(None, None); BLOCK];
    let derived = p.count(8)?;
    let mut proofs_left = derived;
    let mut premises: Vec<EdgeIndex> = Vec::new();
    g.reserve(0, m - derived.min(m));
    if keep == Derived::Keep {
        // Every premise is four bytes of what is left of the proofs.
        g.reserve_derived(derived.min(m), p.left() / 4);
    }
    let rows = froms.u32s().zip(tos.u32s()).zip(rels.u16s());
    let rows = rows.zip(bases.bytes.iter().zip(flags.bytes));
    let mut proof_marks = Vec::with_capacity(fmt::marks(m));
    for (pos, (((from, to), rel), (&basis, &flags))) in rows.enumerate() {
        if pos % fmt::STRIDE == 0 {
            marks.push(x.pos as u64);
            proof_marks.push(p.pos as u64);
        }
        if pos % BLOCK == 0 {
            // Adding an edge links it into both ends' lists, at random
            // places in the node table: a block's ends are read first so
            // that their cache misses overlap rather than come in turn.
            let block = pos..pos + BLOCK;
            let ends = block.clone().map_while(|i| froms.u32_at(i));
            let ends = ends.chain(block.clone().map_while(|i| tos.u32_at(i)));
            if m >= LARGE {
                g.touch_incoming(
                    ends.filter(|&e| (e as usize) < n)
                        .map(|e| NodeIndex::new(e as usize)),
                );
            }
            let kind = |e: Option<u32>| node_kinds.get(e? as usize).map(|&k| usize::from(k));
            for (slot, i) in block_kinds.iter_mut().zip(block) {
                *slot = (kind(froms.u32_at(i)), kind(tos.u32_at(i)));
            }
        }
        let (from, to) = (from as usize, to as usize);
        let (Some(kf), Some(kt)) = block_kinds[pos % BLOCK] else {
            return Err(c.bad(format!(
                "edge {pos} joins nodes {from} and {to}, and the graph has {n}"
            )));
        };
        let ok = |end: usize, k: usize| {
            allowed
                .get(usize::from(rel) * kinds + k)
                .is_some_and(|a| a[end])
        };
        if !ok(0, kf) || !ok(1, kt) {
            return Err(c.bad(format!(
                "edge {pos}'s relation {rel} does not allow its ends' kinds"
            )));
        }
        let basis = fmt::basis_of(basis)
            .ok_or_else(|| c.bad(format!("edge {pos}'s basis code {basis} is unknown")))?;
        let edge = match checker {
            Some(checker) if flags != 0 => {
                Edge::deferred(RelId(rel), basis, checker.check(flags, x, t)?)
            }
            _ => {
                let (properties, provenance) = if flags == 0 {
                    Default::default()
                } else {
                    extras(flags, x, t)?
                };
                Edge::with(RelId(rel), basis, properties, provenance)
            }
        };
        let (from, to) = (NodeIndex::new(from), NodeIndex::new(to));
        if basis != Basis::Derived {
            g.add_edge(from, to, edge);
            continue;
        }
        if proofs_left == 0 {
            return Err(p.bad(format!("derived edge {pos} has no proof")));
        }
        proofs_left -= 1;
        if keep == Derived::Skip {
            // The proof's rule, its length and its premises, unread.
            p.u32()?;
            let k = p.count(4)?;
            p.take(4 * k)?;
            continue;
        }
        let rule = p.u32()? as usize;
        if rule_heads.get(rule) != Some(&RelId(rel)) {
            return Err(p.bad(format!(
                "derived edge {pos} names rule {rule}, which does not derive its relation"
            )));
        }
        let k = p.count(4)?;
        premises.clear();
        for _ in 0..k {
            let e = p.u32()? as usize;
            if e >= pos {
                return Err(p.bad(format!(
                    "derived edge {pos} rests on edge {e}, which does not come before it"
                )));
            }
            premises.push(EdgeIndex::new(e));
        }
        g.add_derived_edge(from, to, edge, rule, &premises);
    }
    if proofs_left != 0 {
        return Err(p.bad(format!("{proofs_left} proofs are left over")));
    }
    marks.extend(proof_marks);
    Ok(())
}

/// Checks that the index is exactly what the other sections imply: the
/// nodes in the order of their ids, each node's edges out and in, the
/// marks where the extras and proofs records start. A full load does not
/// use the index, but [`view`] answers from it alone, so a file whose
/// index disagrees is refused here: every file that opens answers the
/// same both ways.
///
/// The lists are checked here against the columns they index, read from
/// the file (the node ids, `ids`, as positions in the string table `t`,
/// and the edges' two `ends`), not against the graph, so that this can run
/// while the graph is built; the marks, which reading the other sections
/// finds, are checked after, by [`index_marks`].
fn index_section(
    c: &mut Cursor<'_>,
    ids: Column<'_>,
    t: &Strings<'_>,
    ends: [Column<'_>; 2],
) -> R<()> {
    let (n, m) = (ids.bytes.len() / 4, ends[0].bytes.len() / 4);
    let (nc, mc) = (c.u32()? as usize, c.u32()? as usize);
    if (nc, mc) != (n, m) {
        return Err(c.bad(format!(
            "the index is of {nc} nodes and {mc} edges, and the graph has {n} and {m}"
        )));
    }
    let by_id = c.column(n, 4)?;
    let id = |p: u32| t.get(ids.u32_at(p as usize)?, c).ok();
    let mut last: Option<Cow<'_, str>> = None;
    for (i, p) in by_id.u32s().enumerate() {
        let here = id(p);
        // Ids are distinct, so strictly rising ids are every node once.
        if here.is_none() || (last.is_some() && here <= last) {
            return Err(c.bad_at(
                by_id.at + 4 * i,
                format!("the index's node {i} is out of the order of ids"),
            ));
        }
        last = here;
    }
    for (end, column) in ends.iter().enumerate() {
        let offsets = c.column(n + 1, 4)?;
        let list = c.column(m, 4)?;
        let mut starts = offsets.u32s();
        let mut at = starts.next().unwrap_or(0) as usize;
        if at != 0 {
            return Err(c.bad_at(offsets.at, "the index's first offset is not 0"));
        }
        for (node, next) in starts.enumerate() {
            let next = next as usize;
            let Some(edges) = list
                .bytes
                .get(4 * at..)
                .and_then(|b| b.get(..4 * next.checked_sub(at)?))
            else {
                return Err(c.bad_at(
                    offsets.at + 4 * (node + 1),
                    format!("the index's offset {next} is out of order"),
                ));
            };
            let mut before = None;
            for (k, e) in edges.chunks_exact(4).enumerate() {
                let e = u32::from_le_bytes([e[0], e[1], e[2], e[3]]);
                let ok =
                    before.is_none_or(|b| e > b) && column.u32_at(e as usize) == Some(node as u32);
                if !ok {
                    let dir = if end == 0 { "out" } else { "in" };
                    return Err(c.bad_at(
                        list.at + 4 * (at + k),
                        format!("the index lists edge {e} {dir} of node {node}, which is not one of its edges in order"),
                    ));
                }
                before = Some(e);
            }
            at = next;
        }
        if at != m {
            return Err(c.bad_at(
                offsets.at + 4 * n,
                format!("the index's offsets end at {at}, and the graph has {m} edges"),
            ));
        }
    }
    Ok(())
}

/// Checks the index's marks: where every [`fmt::STRIDE`]th node's and
/// edge's record starts, as the reading of their sections found.
fn index_marks(c: &mut Cursor<'_>, marks: &[u64]) -> R<()> {
    let found = c.column(marks.len(), 8)?;
    for (i, (mark, &want)) in found.u64s().zip(marks).enumerate() {
        if mark != want {
            return Err(c.bad_at(
                found.at + 8 * i,
                format!("the index's mark {i} is {mark}, and its record starts at {want}"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::model::{KindId, Node, Properties, Provenance, Source};

    /// A snapshot of the built-in graph plus `extra` sources and a node
    /// whose provenance names `named`.
    fn with_provenance(extra: usize, named: &'static str) -> Vec<u8> {
        let mut g = crate::load::embedded().unwrap();
        for i in 0..extra {
            g.add_source(Source {
                id: format!("extra-{i}"),
                title: format!("Extra {i}"),
                author: None,
                date: None,
                url: None,
            });
        }
        let provenance = vec![Provenance {
            source: named.into(),
            section: None,
            item: None,
            note: None,
        }];
        let node = Node::with("added", KindId(0), "Added", Properties::new(), provenance);
        g.add_node(node).unwrap();
        crate::write::snapshot::to_bytes(&g).unwrap()
    }

    /// The built-in snapshot read with its extras left to be decoded
    /// holds what reading it whole does, once they are.
    #[test]
    fn the_built_in_snapshot_read_lazily_is_the_one_read_whole() {
        let lazy = super::read_static(crate::load::EMBEDDED_SNAPSHOT, super::Trust::Embedded)
            .unwrap_or_else(|e| panic!("{e}"));
        let deferred = lazy.nodes().filter(|(_, n)| n.extras_deferred()).count()
            + lazy.edges().filter(|e| e.edge.extras_deferred()).count();
        assert!(deferred > 200, "{deferred} entries deferred");
        let whole = super::read(crate::load::EMBEDDED_SNAPSHOT).unwrap_or_else(|e| panic!("{e}"));
        assert!(whole.nodes().all(|(_, n)| !n.extras_deferred()));
        assert_eq!(lazy.dump(), whole.dump());
    }

    /// Read lazily, a snapshot is checked as when read whole: a provenance
    /// naming an undeclared source is refused before any is decoded.
    #[test]
    fn extras_left_to_decode_are_checked_as_read() {
        for extra in [0, 12] {
            let fine = if extra == 0 { "article" } else { "extra-11" };
            let bytes: &'static [u8] = Vec::leak(with_provenance(extra, fine));
            let lazy = super::read_static(bytes, super::Trust::Embedded)
                .unwrap_or_else(|e| panic!("{extra}: {e}"));
            let whole = super::read(bytes).unwrap_or_else(|e| panic!("{extra}: {e}"));
            assert_eq!(lazy.dump(), whole.dump(), "{extra}");
            let bytes: &'static [u8] = Vec::leak(with_provenance(extra, "nowhere"));
            let e = super::read_static(bytes, super::Trust::Embedded).unwrap_err();
            assert!(
                e.to_string().contains("names the source `nowhere`"),
                "{extra}: {e}"
            );
        }
    }

    #[test]
    fn a_provenance_must_name_a_declared_source_however_many_there_are() {
        for extra in [0, 12] {
            let fine = if extra == 0 { "article" } else { "extra-11" };
            assert!(
                super::read(&with_provenance(extra, fine)).is_ok(),
                "{extra}"
            );
            let e = super::read(&with_provenance(extra, "nowhere")).unwrap_err();
            assert!(
                e.to_string().contains("names the source `nowhere`"),
                "{extra}: {e}"
            );
        }
    }
}
