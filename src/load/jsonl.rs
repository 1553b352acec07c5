//! JSON Lines (`.jsonl`, `.ndjson`): one JSON object per line.
//!
//! The records and their order are [`crate::format::jsonl`]'s.
//!
//! Lines are parsed straight into nodes and edges; a line that breaks a rule
//! is parsed again through the spanned document tree, so its problems are
//! reported exactly as in a JSON graph file, with the file's line number.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value as J};

use crate::format::jsonl::RECORD_TYPES;

use crate::model::{Basis, KindId, Node, Properties, Provenance, RelId, Schema, Source};

use super::bulk::{
    EdgeBatch, Extra, MAX_LISTED, Names, NodeSink, Part, Preamble, Problems, ProvenanceProblem,
    json_provenance, json_value, unknown_source,
};
use super::decode::{self, ProvDecl};
use super::doc::{Doc, DocValue};
use super::error::{LoadError, LoadErrorKind as K, SourceFile};

/// A JSON Lines file being read, in two phases: [`Self::preamble`], then
/// [`Self::body`].
pub(crate) struct JsonlInput {
    file: usize,
    name: String,
    path: PathBuf,
    reader: BufReader<File>,
    size: u64,
    /// Byte offset of the next line.
    offset: u64,
    /// 1-based number of the next line.
    line: usize,
    /// The first line of the body, read by the preamble.
    held: Option<(Vec<u8>, u64, usize)>,
}

/// What a record is.
enum Record {
    Node,
    Edge,
    Header(&'static str),
}

impl JsonlInput {
    /// Opens a file, skipping a byte-order mark.
    pub fn open(path: &Path, file: usize, name: String) -> std::io::Result<Self> {
        super::refuse_special(path)?;
        let f = File::open(path)?;
        let size = f.metadata().map(|m| m.len()).unwrap_or(0);
        let mut reader = BufReader::with_capacity(1 << 20, f);
        let offset = if reader.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
            reader.consume(3);
            3
        } else {
            0
        };
        Ok(JsonlInput {
            file,
            name,
            path: path.to_path_buf(),
            reader,
            size,
            offset,
            line: 1,
            held: None,
        })
    }

    /// Index of the file in the load's file list.
    pub fn file(&self) -> usize {
        self.file
    }

    /// The file's size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    fn read_line(&mut self, buf: &mut Vec<u8>) -> std::io::Result<Option<(u64, usize)>> {
        buf.clear();
        let n = self.reader.read_until(b'\n', buf)?;
        if n == 0 {
            return Ok(None);
        }
        let at = (self.offset, self.line);
        self.offset += n as u64;
        self.line += 1;
        if buf.last() == Some(&b'\n') {
            buf.pop();
        }
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        Ok(Some(at))
    }

    fn excerpt(&self, text: &str, line: usize) -> Arc<SourceFile> {
        Arc::new(SourceFile::excerpt(self.name.clone(), text, line))
    }

    /// Reads the `graph`, `source` and `schema` records at the top.
    pub fn preamble(
        &mut self,
        pre: &mut Preamble,
        errors: &mut Vec<LoadError>,
    ) -> std::io::Result<()> {
        let mut buf = Vec::new();
        while let Some((at, line)) = self.read_line(&mut buf)? {
            let header = std::str::from_utf8(&buf).ok().and_then(|text| {
                if text.trim().is_empty() {
                    return Some(None);
                }
                match serde_json::from_str::<J>(text) {
                    Ok(J::Object(map)) => match classify(&map) {
                        Ok(Record::Header(t)) => Some(Some(t)),
                        _ => None,
                    },
                    _ => None,
                }
            });
            match header {
                Some(None) => continue,
                Some(Some(t)) => {
                    // Checked as UTF-8 above.
                    let text = String::from_utf8_lossy(&buf).into_owned();
                    self.header_record(t, &text, line, pre, errors);
                }
                None => {
                    self.held = Some((std::mem::take(&mut buf), at, line));
                    break;
                }
            }
        }
        Ok(())
    }

    fn header_record(
        &self,
        kind: &str,
        text: &str,
        line: usize,
        pre: &mut Preamble,
        errors: &mut Vec<LoadError>,
    ) {
        let file = self.excerpt(text, line);
        let Some(doc) = doc_without_type(&file, errors) else {
            return;
        };
        match kind {
            "graph" => pre
                .metas
                .push(decode::decode_graph_meta(&file, &doc, errors)),
            "source" => {
                if let Some(source) = decode::decode_source(&file, &doc, errors) {
                    pre.sources.push((file, source));
                }
            }
            _ => {
                let schema = decode::decode_schema_file(&file, &doc, errors);
                pre.schemas.push((file, schema));
            }
        }
    }

    /// Reads the nodes into the graph and the edges into batches, in file
    /// order.
    ///
    /// The body is cut into chunks of [`CHUNK`] bytes at line ends and read
    /// on two threads, as `edges.csv` is: this thread takes chunks from the
    /// front and adds their nodes as it goes; a second thread takes chunks
    /// from the back into a batch of its own, keeping its nodes and problems
    /// in line order until this thread, done with the front, adds them.
    /// Every problem and node is thus taken in file order, as one thread
    /// reading line by line would.
    pub fn body(
        mut self,
        nodes: &mut NodeSink<'_>,
        rels: &Names<RelId>,
        problems: &mut Problems,
        progress: &dyn super::Progress,
    ) -> std::io::Result<Vec<EdgeBatch>> {
        let Some((_, start, first_line)) = self.held.take() else {
            progress.advance(self.size);
            return Ok(Vec::new());
        };
        progress.advance(start);
        let end = self
            .reader
            .get_ref()
            .metadata()
            .map_or(self.size, |m| m.len());
        let span = end.saturating_sub(start);
        let n = usize::try_from(span.div_ceil(CHUNK)).unwrap_or(usize::MAX);
        let work = BodyWork {
            path: &self.path,
            start,
            end,
            first_line,
            counts: (0..n).map(|_| std::sync::OnceLock::new()).collect(),
            claims: std::sync::Mutex::new((0, n)),
        };
        let sources = nodes.graph.sources().to_vec();
        let schema = nodes.graph.schema().clone();
        let ctx = Ctx {
            input: &self,
            rels,
            kinds: nodes.kinds.clone(),
            schema: &schema,
            sources: &sources,
        };
        let parts = (Part::Key("from"), Part::Key("to"));
        let (front, back) = std::thread::scope(|scope| {
            let (ctx, work) = (&ctx, &work);
            let helper = scope.spawn(move || -> std::io::Result<_> {
                let mut reader = Reader::open(work)?;
                let mut batch = EdgeBatch::new(ctx.input.file, parts);
                let mut starts = Vec::new();
                let mut chunks = Vec::new();
                while let Some(k) = work.claim(false) {
                    starts.push(batch.edges.len());
                    let mut chunk = Chunk::default();
                    reader.parse(k, None, ctx, &mut batch, &mut chunk)?;
                    progress.advance(work.region(k).1 - work.region(k).0);
                    chunks.push(chunk);
                    // Once the chunks from this one on list MAX_LISTED
                    // problems, the later chunks' problems are only counted.
                    let mut listed = 0;
                    for i in (0..chunks.len()).rev() {
                        if let Some(c) = chunks.get_mut(i)
                            && listed >= MAX_LISTED
                            && c.listed > 0
                        {
                            c.unlist();
                        }
                        listed += chunks.get(i).map_or(0, |c| c.listed);
                    }
                }
                batch.reverse_segments(&starts);
                chunks.reverse();
                Ok((batch, chunks))
            });
            let mut front = || -> std::io::Result<EdgeBatch> {
                let mut reader = Reader::open(work)?;
                let mut batch = EdgeBatch::new(ctx.input.file, parts);
                let mut line = first_line;
                while let Some(k) = work.claim(true) {
                    let mut chunk = Chunk::default();
                    line += reader.parse(k, Some(line), ctx, &mut batch, &mut chunk)?;
                    chunk.replay(ctx, nodes, problems);
                    progress.advance(work.region(k).1 - work.region(k).0);
                }
                Ok(batch)
            };
            let front = front();
            let back = helper
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            (front, back)
        });
        let front = front?;
        let (back, chunks) = back?;
        for chunk in chunks {
            chunk.replay(&ctx, nodes, problems);
        }
        Ok(vec![front, back])
    }
}

/// Chunks of about this many bytes: small enough for the threads to share
/// the work evenly, large enough that claiming one costs nothing.
const CHUNK: u64 = 1 << 20;

/// The body of a JSON Lines file, cut into chunks that two threads claim:
/// chunk `k` holds the lines that start in its region of [`CHUNK`] bytes.
struct BodyWork<'a> {
    path: &'a Path,
    /// Byte offset of the body's first line, and of the file's end.
    start: u64,
    end: u64,
    /// 1-based number of the body's first line.
    first_line: usize,
    /// Newlines in each region, counted when a line number is needed on
    /// the back thread.
    counts: Vec<std::sync::OnceLock<usize>>,
    /// The next chunk from the front, and one past the last one left.
    claims: std::sync::Mutex<(usize, usize)>,
}

impl BodyWork<'_> {
    fn claim(&self, from_front: bool) -> Option<usize> {
        let mut claims = self.claims.lock().unwrap_or_else(|e| e.into_inner());
        let (front, back) = *claims;
        if front >= back {
            return None;
        }
        Some(if from_front {
            claims.0 += 1;
            front
        } else {
            claims.1 -= 1;
            back - 1
        })
    }

    /// The byte range of region `k`.
    fn region(&self, k: usize) -> (u64, u64) {
        let lo = self.start.saturating_add(CHUNK.saturating_mul(k as u64));
        (lo.min(self.end), lo.saturating_add(CHUNK).min(self.end))
    }
}

/// A thread's own handle on the file, and its buffer.
struct Reader<'w, 'a> {
    work: &'w BodyWork<'a>,
    file: File,
    buf: Vec<u8>,
}

impl<'w, 'a> Reader<'w, 'a> {
    fn open(work: &'w BodyWork<'a>) -> std::io::Result<Self> {
        Ok(Reader {
            work,
            file: File::open(work.path)?,
            buf: Vec::new(),
        })
    }

    /// Reads bytes `from..to` (fewer at the end of the file) after the
    /// buffer's contents.
    fn read(&mut self, from: u64, to: u64) -> std::io::Result<usize> {
        read_range(&mut self.file, &mut self.buf, from, to)
    }

    /// Newlines in region `j`, counted once.
    fn count(&mut self, j: usize) -> std::io::Result<usize> {
        if let Some(&n) = self.work.counts.get(j).and_then(|c| c.get()) {
            return Ok(n);
        }
        let (lo, hi) = self.work.region(j);
        let mut region = Vec::new();
        read_range(&mut self.file, &mut region, lo, hi)?;
        let n = memchr::memchr_iter(b'\n', &region).count();
        if let Some(c) = self.work.counts.get(j) {
            let _ = c.set(n);
        }
        Ok(n)
    }

    /// Parses the lines of chunk `k` into `batch` and `chunk`; `line` is
    /// the number of its first line when the caller knows it. Returns how
    /// many lines the chunk holds.
    fn parse(
        &mut self,
        k: usize,
        line: Option<usize>,
        ctx: &Ctx<'_>,
        batch: &mut EdgeBatch,
        chunk: &mut Chunk,
    ) -> std::io::Result<usize> {
        let (lo, hi) = self.work.region(k);
        if lo >= hi {
            return Ok(0);
        }
        // From the byte before the region, to see whether a line starts
        // at its first byte.
        let from = if k == 0 { lo } else { lo - 1 };
        self.buf.clear();
        self.read(from, hi)?;
        let first = if k == 0 {
            0
        } else {
            let last = usize::try_from(hi - 1 - from).unwrap_or(usize::MAX);
            match memchr::memchr(b'\n', self.buf.get(..last).unwrap_or(&[])) {
                Some(i) => i + 1,
                // No line starts in the region.
                None => return Ok(0),
            }
        };
        // The last line ends at the first newline from the region's last
        // byte on.
        let mut scan = usize::try_from(hi - 1 - from).unwrap_or(usize::MAX);
        let mut end = loop {
            if let Some(i) = memchr::memchr(b'\n', self.buf.get(scan..).unwrap_or(&[])) {
                break scan + i + 1;
            }
            scan = self.buf.len();
            let at = from + self.buf.len() as u64;
            if self.read(at, at.saturating_add(1 << 16))? == 0 {
                break self.buf.len();
            }
        };
        end = end.min(self.buf.len());
        let base = match line {
            Some(line) => line,
            None => {
                let mut line = self.work.first_line;
                for j in 0..k {
                    line += self.count(j)?;
                }
                line + memchr::memchr_iter(b'\n', self.buf.get(1..first).unwrap_or(&[])).count()
            }
        };
        Ok(parse_lines(
            self.buf.get(first..end).unwrap_or(&[]),
            from + first as u64,
            base,
            ctx,
            batch,
            chunk,
        ))
    }
}

/// Reads bytes `from..to` of `file` (fewer at its end) after `buf`'s
/// contents; returns how many.
fn read_range(file: &mut File, buf: &mut Vec<u8>, from: u64, to: u64) -> std::io::Result<usize> {
    use std::io::{Read, Seek, SeekFrom};
    file.seek(SeekFrom::Start(from))?;
    let before = buf.len();
    file.take(to.saturating_sub(from)).read_to_end(buf)?;
    Ok(buf.len() - before)
}

/// What the lines read need, on either thread.
struct Ctx<'a> {
    input: &'a JsonlInput,
    rels: &'a Names<RelId>,
    kinds: Names<KindId>,
    schema: &'a Schema,
    sources: &'a [Source],
}

/// Parses the lines of `text`, the first at byte `at` and numbered `line`;
/// returns how many there are.
fn parse_lines(
    text: &[u8],
    mut at: u64,
    mut line: usize,
    ctx: &Ctx<'_>,
    batch: &mut EdgeBatch,
    chunk: &mut Chunk,
) -> usize {
    let file = ctx.input.file;
    let mut count = 0;
    // Bulk files list a node's edges together: the last `from` is usually
    // the next one too.
    let mut last_from: (String, u32) = (String::new(), u32::MAX);
    let mut rest = text;
    while !rest.is_empty() {
        let (mut raw, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (
                rest.get(..i).unwrap_or(&[]),
                rest.get(i + 1..).unwrap_or(&[]),
            ),
            None => (rest, &[][..]),
        };
        let len = (rest.len() - next.len()) as u64;
        rest = next;
        if let Some(stripped) = raw.strip_suffix(b"\r") {
            raw = stripped;
        }
        let here = (at, line);
        at += len;
        line += 1;
        count += 1;
        let (at, line) = here;
        let Ok(text) = std::str::from_utf8(raw) else {
            chunk.row(file, at, Part::Row, || K::NotUtf8 { offset: 0 });
            continue;
        };
        let this = Line {
            input: ctx.input,
            text,
            at,
            line,
        };
        // The common line, read without building a JSON tree.
        match Plain::read(text) {
            Some(Plain::Node(id, kind_text, name)) => {
                let kind = ctx
                    .kinds
                    .get(&kind_text)
                    .ok_or_else(|| kind_text.into_owned());
                chunk.node(
                    NodeRow::Add {
                        id: id.into_owned(),
                        kind,
                        name: name.into_owned(),
                        properties: Properties::new(),
                        provenance: Ok(Vec::new()),
                    },
                    at,
                );
                continue;
            }
            Some(Plain::Edge(from, rel_text, to, basis)) => {
                match ctx.rels.get(&rel_text) {
                    Some(rel) => {
                        let from = if last_from.1 != u32::MAX && *last_from.0 == *from {
                            last_from.1
                        } else {
                            let n = batch.end(&from);
                            last_from.0.clear();
                            last_from.0.push_str(&from);
                            last_from.1 = n;
                            n
                        };
                        let to = batch.end(&to);
                        batch.push(from, rel, to, basis, None, at);
                    }
                    None => chunk.row(file, at, Part::Key("rel"), || {
                        super::assemble::unknown_relation(ctx.schema, &rel_text)
                    }),
                }
                continue;
            }
            None => {}
        }
        if text.trim().is_empty() {
            continue;
        }
        let map = match serde_json::from_str::<J>(text) {
            Ok(J::Object(map)) => map,
            Ok(_) => {
                chunk.row(file, at, Part::Row, || K::BadRecord {
                    reason: "a line must hold one JSON object".into(),
                });
                continue;
            }
            Err(_) => {
                // The document parser says where and why.
                let file = ctx.input.excerpt(text, line);
                let mut errors = Vec::new();
                doc_without_type(&file, &mut errors);
                if errors.is_empty() {
                    errors.push(LoadError::bare(K::BadRecord {
                        reason: format!("line {line} is not JSON"),
                    }));
                }
                for e in errors {
                    chunk.report(|| e);
                }
                continue;
            }
        };
        match classify(&map) {
            Ok(Record::Node) => this.node(map, ctx, chunk),
            Ok(Record::Edge) => this.edge(map, ctx, batch, chunk),
            Ok(Record::Header(_)) => chunk.row(file, at, Part::Key("type"), || K::BadRecord {
                reason: "`graph`, `source` and `schema` records must come before the \
                         first node or edge"
                    .into(),
            }),
            Err(reason) => {
                chunk.row(file, at, Part::Row, || K::BadRecord { reason });
            }
        }
    }
    count
}

/// A line with nothing but text in the fields every node or edge has,
/// each valid: most lines of a bulk file. Any other line is read through
/// a JSON tree.
enum Plain<'a> {
    /// `id`, `kind`, `name`.
    Node(Cow<'a, str>, Cow<'a, str>, Cow<'a, str>),
    /// `from`, `rel`, `to`, `basis`.
    Edge(Cow<'a, str>, Cow<'a, str>, Cow<'a, str>, Basis),
}

/// The text fields of a plain line, borrowed from it unless escaped.
#[derive(Default)]
struct PlainFields<'a> {
    ty: Option<Cow<'a, str>>,
    id: Option<Cow<'a, str>>,
    kind: Option<Cow<'a, str>>,
    name: Option<Cow<'a, str>>,
    from: Option<Cow<'a, str>>,
    rel: Option<Cow<'a, str>>,
    to: Option<Cow<'a, str>>,
    basis: Option<Cow<'a, str>>,
}

/// A JSON string, borrowed from the line unless escaped.
struct Text<'a>(Cow<'a, str>);

impl<'de> serde::Deserialize<'de> for Text<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(s.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> serde::Deserialize<'de> for PlainFields<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = PlainFields<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of text fields")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<PlainFields<'de>, A::Error> {
                use serde::de::Error;
                let mut out = PlainFields::default();
                while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
                    let slot = match &*key {
                        "type" => &mut out.ty,
                        "id" => &mut out.id,
                        "kind" => &mut out.kind,
                        "name" => &mut out.name,
                        "from" => &mut out.from,
                        "rel" => &mut out.rel,
                        "to" => &mut out.to,
                        "basis" => &mut out.basis,
                        _ => return Err(A::Error::custom("not a plain line")),
                    };
                    if slot.is_some() {
                        return Err(A::Error::custom("a key twice"));
                    }
                    *slot = Some(map.next_value::<Text<'de>>()?.0);
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

impl<'a> Plain<'a> {
    /// The line as a plain node or edge, or `None` for any other line;
    /// what it gives is what the JSON tree path would make of the line.
    fn read(text: &'a str) -> Option<Plain<'a>> {
        let f: PlainFields<'a> = serde_json::from_str(text).ok()?;
        let ok = |t: Option<Cow<'a, str>>| t.filter(|t| decode::text_problem(t).is_none());
        let node = match f.ty.as_deref() {
            Some("node") => true,
            Some("edge") => false,
            Some(_) => return None,
            None => f.id.is_some(),
        };
        if node {
            // On a node, edge fields would be properties.
            if f.from.is_some() || f.rel.is_some() || f.to.is_some() || f.basis.is_some() {
                return None;
            }
            Some(Plain::Node(ok(f.id)?, ok(f.kind)?, ok(f.name)?))
        } else {
            if f.id.is_some() || f.kind.is_some() || f.name.is_some() {
                return None;
            }
            let basis = match f.basis.as_deref() {
                None | Some("stated") => Basis::Stated,
                Some("inferred") => Basis::Inferred,
                Some(_) => return None,
            };
            Some(Plain::Edge(ok(f.from)?, ok(f.rel)?, ok(f.to)?, basis))
        }
    }
}

/// A node read from a line, to be added in file order.
enum NodeRow {
    /// A node whose kind and provenance are still to be checked.
    Add {
        id: String,
        kind: Result<KindId, String>,
        name: String,
        properties: Properties,
        provenance: Result<Vec<Provenance>, String>,
    },
    /// The id of a node rejected for its problems.
    Rejected(String),
}

/// What a chunk's lines give the main thread, in line order.
enum Event {
    Node(NodeRow, u64),
    Row(u64, Part, K),
    Ready(LoadError),
}

/// The nodes and problems of a chunk; past [`MAX_LISTED`] problems, only
/// a count, as [`Problems`] would keep.
#[derive(Default)]
struct Chunk {
    events: Vec<Event>,
    listed: usize,
    more: usize,
}

impl Chunk {
    fn node(&mut self, row: NodeRow, at: u64) {
        self.events.push(Event::Node(row, at));
    }

    fn row(&mut self, _file: usize, at: u64, part: Part, kind: impl FnOnce() -> K) {
        if self.listed >= MAX_LISTED {
            self.more += 1;
        } else {
            self.listed += 1;
            self.events.push(Event::Row(at, part, kind()));
        }
    }

    fn report(&mut self, make: impl FnOnce() -> LoadError) {
        if self.listed >= MAX_LISTED {
            self.more += 1;
        } else {
            self.listed += 1;
            self.events.push(Event::Ready(make()));
        }
    }

    /// Keeps only a count of the problems, for a chunk whose problems come
    /// after [`MAX_LISTED`] others.
    fn unlist(&mut self) {
        self.events.retain(|e| matches!(e, Event::Node(..)));
        self.more += self.listed;
        self.listed = 0;
    }

    /// Adds the nodes and problems, in line order.
    fn replay(self, ctx: &Ctx<'_>, nodes: &mut NodeSink<'_>, problems: &mut Problems) {
        let file = ctx.input.file;
        // The chunk's node ids (a few thousand) are brought into the cache
        // together, so that their adds do not wait for each miss in turn.
        nodes
            .graph
            .touch_ids(self.events.iter().filter_map(|e| match e {
                Event::Node(NodeRow::Add { id, .. }, _) => Some(&**id),
                _ => None,
            }));
        for event in self.events {
            match event {
                Event::Node(row, at) => add_node(row, at, ctx, nodes, problems),
                Event::Row(at, part, kind) => problems.row(file, at, part, || kind),
                Event::Ready(e) => problems.report(|| e),
            }
        }
        // Past its first MAX_LISTED problems a chunk has filled the list.
        problems.count_unlisted(self.more);
    }
}

/// Checks a node's kind and provenance, and adds it.
fn add_node(
    row: NodeRow,
    at: u64,
    ctx: &Ctx<'_>,
    nodes: &mut NodeSink<'_>,
    problems: &mut Problems,
) {
    let (id, kind, name, properties, provenance) = match row {
        NodeRow::Rejected(id) => {
            nodes.rejected.insert(id);
            return;
        }
        NodeRow::Add {
            id,
            kind,
            name,
            properties,
            provenance,
        } => (id, kind, name, properties, provenance),
    };
    let file = ctx.input.file;
    if let Err(kind_text) = &kind {
        problems.row(file, at, Part::Key("kind"), || {
            super::assemble::unknown_kind(ctx.schema, kind_text)
        });
    }
    let provenance = provenance.map_err(|source| {
        problems.row(file, at, Part::Key("provenance"), || {
            unknown_source(ctx.sources, source)
        });
    });
    match (kind, provenance) {
        (Ok(kind), Ok(provenance)) => nodes.add(
            Node::with(id, kind, name, properties, provenance),
            file,
            at,
            Part::Key("id"),
            problems,
        ),
        _ => {
            nodes.rejected.insert(id);
        }
    }
}

/// What a record is, by its `type`, else by its keys.
fn classify(map: &Map<String, J>) -> Result<Record, String> {
    match map.get("type") {
        Some(J::String(t)) => match t.as_str() {
            "node" => Ok(Record::Node),
            "edge" => Ok(Record::Edge),
            "graph" => Ok(Record::Header("graph")),
            "source" => Ok(Record::Header("source")),
            "schema" => Ok(Record::Header("schema")),
            other => Err(match crate::suggest::nearest_one(other, RECORD_TYPES) {
                Some(near) => format!("unknown record type `{other}`; did you mean `{near}`?"),
                None => format!("unknown record type `{other}`"),
            }),
        },
        Some(_) => Err("`type` must be a string".into()),
        None if map.contains_key("id") => Ok(Record::Node),
        None if map.contains_key("from") || map.contains_key("rel") || map.contains_key("to") => {
            Ok(Record::Edge)
        }
        None => Err("a record needs `id` (a node) or `from`, `rel` and `to` (an edge)".into()),
    }
}

/// Parses a line through the document tree, without its `type` key.
fn doc_without_type(file: &Arc<SourceFile>, errors: &mut Vec<LoadError>) -> Option<Doc> {
    match Doc::parse_json(&file.text) {
        Ok(mut doc) => {
            if let DocValue::Table(entries) = &mut doc.value {
                entries.retain(|(k, _)| k.name != "type");
            }
            Some(doc)
        }
        Err(e) => {
            errors.push(LoadError::at(
                file,
                e.span,
                K::Syntax {
                    message: e.message,
                    format: "JSON",
                },
            ));
            None
        }
    }
}

/// A node read on the fast path.
struct FastNode {
    id: String,
    kind: String,
    name: String,
    properties: Properties,
    provenance: Option<J>,
}

/// A node record, if it keeps every rule of the JSON graph file.
fn fast_node(map: Map<String, J>) -> Option<FastNode> {
    let (mut id, mut kind, mut name, mut provenance) = (None, None, None, None);
    let mut properties = Properties::new();
    for (key, value) in map {
        match key.as_str() {
            "type" => {}
            "id" => id = Some(name_text(value)?),
            "kind" => kind = Some(name_text(value)?),
            "name" => name = Some(name_text(value)?),
            "provenance" => provenance = Some(value),
            _ => {
                if let Some(v) = json_value(value).ok()? {
                    properties.insert(key, v);
                }
            }
        }
    }
    Some(FastNode {
        id: id?,
        kind: kind?,
        name: name?,
        properties,
        provenance,
    })
}

/// An edge read on the fast path.
struct FastEdge {
    from: String,
    rel: String,
    to: String,
    basis: Basis,
    properties: Properties,
    provenance: Option<J>,
}

/// An edge record, if it keeps every rule of the JSON graph file.
fn fast_edge(map: Map<String, J>) -> Option<FastEdge> {
    let (mut from, mut rel, mut to, mut provenance) = (None, None, None, None);
    let mut basis = Basis::Stated;
    let mut properties = Properties::new();
    for (key, value) in map {
        match key.as_str() {
            "type" => {}
            "from" => from = Some(name_text(value)?),
            "rel" => rel = Some(name_text(value)?),
            "to" => to = Some(name_text(value)?),
            "basis" => {
                basis = match value.as_str()? {
                    "stated" => Basis::Stated,
                    "inferred" => Basis::Inferred,
                    _ => return None,
                }
            }
            "provenance" => provenance = Some(value),
            _ => {
                if let Some(v) = json_value(value).ok()? {
                    properties.insert(key, v);
                }
            }
        }
    }
    Some(FastEdge {
        from: from?,
        rel: rel?,
        to: to?,
        basis,
        properties,
        provenance,
    })
}

fn name_text(value: J) -> Option<String> {
    match value {
        J::String(s) if decode::text_problem(&s).is_none() => Some(s),
        _ => None,
    }
}

/// Provenance declared on the slow path, with its sources checked.
fn checked(decls: Vec<ProvDecl>, sources: &[Source]) -> Result<Vec<Provenance>, String> {
    decls
        .into_iter()
        .map(|p| {
            if sources.iter().any(|s| s.id == p.source.value) {
                Ok(Provenance {
                    source: p.source.value.into(),
                    section: p.section.map(Into::into),
                    item: p.item.map(Into::into),
                    note: p.note.map(Into::into),
                })
            } else {
                Err(p.source.value)
            }
        })
        .collect()
}

/// One line of the body, for reporting.
struct Line<'a> {
    input: &'a JsonlInput,
    text: &'a str,
    at: u64,
    line: usize,
}

impl Line<'_> {
    /// Parses the line through the document tree, reporting its problems.
    fn slow<T>(
        &self,
        chunk: &mut Chunk,
        decode: impl FnOnce(&Arc<SourceFile>, &Doc, &mut Vec<LoadError>) -> T,
    ) -> Option<T> {
        let file = self.input.excerpt(self.text, self.line);
        let mut errors = Vec::new();
        let out = doc_without_type(&file, &mut errors).map(|doc| decode(&file, &doc, &mut errors));
        for e in errors {
            chunk.report(|| e);
        }
        out
    }

    fn node(&self, map: Map<String, J>, ctx: &Ctx<'_>, chunk: &mut Chunk) {
        let sources = ctx.sources;
        let fast = fast_node(map).and_then(|f| {
            let provenance = match f.provenance {
                None => Ok(Vec::new()),
                Some(v) => match json_provenance(v, sources) {
                    Ok(p) => Ok(p),
                    Err(ProvenanceProblem::UnknownSource(id)) => Err(id),
                    Err(ProvenanceProblem::Shape) => return None,
                },
            };
            Some((f.id, f.kind, f.name, f.properties, provenance))
        });
        let (id, kind_text, name, properties, provenance) = match fast {
            Some(node) => node,
            None => {
                let decoded = self.slow(chunk, |file, doc, errors| {
                    decode::decode_node(file, doc, errors)
                });
                match decoded {
                    Some((Some(d), _)) => (
                        d.id.value,
                        d.kind.value,
                        d.name,
                        d.properties,
                        checked(d.provenance, sources),
                    ),
                    Some((None, Some(id))) => {
                        chunk.node(NodeRow::Rejected(id.value), self.at);
                        return;
                    }
                    _ => return,
                }
            }
        };
        let kind = ctx.kinds.get(&kind_text).ok_or(kind_text);
        chunk.node(
            NodeRow::Add {
                id,
                kind,
                name,
                properties,
                provenance,
            },
            self.at,
        );
    }

    fn edge(&self, map: Map<String, J>, ctx: &Ctx<'_>, batch: &mut EdgeBatch, chunk: &mut Chunk) {
        let sources = ctx.sources;
        let fast = fast_edge(map).and_then(|f| {
            let provenance = match f.provenance {
                None => Ok(Vec::new()),
                Some(v) => match json_provenance(v, sources) {
                    Ok(p) => Ok(p),
                    Err(ProvenanceProblem::UnknownSource(id)) => Err(id),
                    Err(ProvenanceProblem::Shape) => return None,
                },
            };
            Some((f.from, f.rel, f.to, f.basis, f.properties, provenance))
        });
        let edge = match fast {
            Some(edge) => edge,
            None => {
                let decoded = self.slow(chunk, |file, doc, errors| {
                    decode::decode_edge(file, doc, errors)
                });
                let Some(Some(d)) = decoded else {
                    return;
                };
                (
                    d.from.value,
                    d.rel.value,
                    d.to.value,
                    d.basis,
                    d.properties,
                    checked(d.provenance, sources),
                )
            }
        };
        let (from, rel_text, to, basis, properties, provenance) = edge;
        let file = self.input.file;
        let rel = ctx.rels.get(&rel_text);
        if rel.is_none() {
            chunk.row(file, self.at, Part::Key("rel"), || {
                super::assemble::unknown_relation(ctx.schema, &rel_text)
            });
        }
        let provenance = provenance.map_err(|source| {
            chunk.row(file, self.at, Part::Key("provenance"), || {
                unknown_source(sources, source)
            });
        });
        let (Some(rel), Ok(provenance)) = (rel, provenance) else {
            return;
        };
        let from = batch.end(&from);
        let to = batch.end(&to);
        let extra = Extra {
            properties,
            provenance,
        };
        batch.push(from, rel, to, basis, Some(extra), self.at);
    }
}

#[cfg(test)]
mod tests {
    use super::CHUNK;
    use crate::load::load_paths;
    use crate::write::{GraphFormat, write};

    /// A generated graph written as JSON Lines of several chunks, and the
    /// graph read from its CSV folder.
    fn big_file(dir: &std::path::Path) -> (std::path::PathBuf, crate::model::Graph) {
        let csv = dir.join("g");
        crate::generate::generate(&csv, 20_000, 7).expect("generated");
        let graph = load_paths(&[csv]).expect("the CSV folder loads");
        let path = dir.join("g.jsonl");
        write(&graph, &path, GraphFormat::Jsonl).expect("written");
        let size = std::fs::metadata(&path).expect("size").len();
        assert!(size > 4 * CHUNK, "{size} bytes are too few chunks");
        (path, graph)
    }

    #[test]
    fn a_file_of_many_chunks_loads_as_its_csv_folder_does() {
        let dir = tempfile::tempdir().expect("a folder");
        let (path, from_csv) = big_file(dir.path());
        let from_jsonl = load_paths(&[path]).expect("the JSON Lines file loads");
        assert_eq!(from_jsonl.dump(), from_csv.dump());
    }

    #[test]
    fn problems_in_every_chunk_name_their_lines() {
        let dir = tempfile::tempdir().expect("a folder");
        let (path, _) = big_file(dir.path());
        let text = std::fs::read_to_string(&path).expect("read");
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let n = lines.len();
        let first_node = lines
            .iter()
            .position(|l| l.starts_with("{\"id\":"))
            .expect("a node line");
        // 1-based line numbers, in the front chunks and in the back ones.
        let unknown_kind = first_node + 3;
        let not_json = n / 2;
        let unknown_rel = n - 10;
        let bad_id = n - 3;
        let duplicate = n + 1;
        // Edges to a node rejected for its kind are not reported again.
        lines[unknown_kind - 1] =
            lines[unknown_kind - 1].replace(r#""kind":"activity""#, r#""kind":"activty""#);
        lines[not_json - 1] = "not json".into();
        let edge = &lines[unknown_rel - 1];
        assert!(edge.contains("\"rel\":"), "{edge}");
        lines[unknown_rel - 1] = r#"{"from":"activity-0","rel":"adresses","to":"threat-1"}"#.into();
        lines[bad_id - 1] = r#"{"id":1,"kind":"activity","name":"Y"}"#.into();
        lines.push(lines[first_node].clone());
        std::fs::write(&path, lines.join("\n") + "\n").expect("written");
        let errors = load_paths(&[path]).expect_err("problems");
        let found: Vec<Option<usize>> = errors
            .0
            .iter()
            .map(|e| e.location().map(|l| l.line))
            .collect();
        assert_eq!(
            found,
            [unknown_kind, not_json, unknown_rel, bad_id, duplicate].map(Some),
            "{errors:?}"
        );
    }

    #[test]
    fn past_the_listed_problems_the_rest_are_counted_in_file_order() {
        let dir = tempfile::tempdir().expect("a folder");
        let (path, _) = big_file(dir.path());
        let text = std::fs::read_to_string(&path).expect("read");
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let n = lines.len();
        // Fewer than MAX_LISTED problems a chunk, in the last chunks, which
        // the second thread reads first.
        let mut bad = Vec::new();
        for (i, line) in lines.iter_mut().enumerate().skip(n - n / 4).step_by(20) {
            assert!(line.contains(r#""rel":""#), "{line}");
            *line = line.replace(r#""rel":""#, r#""rel":"x"#);
            bad.push(i + 1);
        }
        assert!(bad.len() > crate::load::bulk::MAX_LISTED, "{}", bad.len());
        std::fs::write(&path, lines.join("\n") + "\n").expect("written");
        let errors = load_paths(&[path]).expect_err("problems");
        let (last, listed) = errors.0.split_last().expect("errors");
        let found: Vec<Option<usize>> = listed
            .iter()
            .map(|e| e.location().map(|l| l.line))
            .collect();
        let expected: Vec<Option<usize>> = bad
            .iter()
            .take(crate::load::bulk::MAX_LISTED)
            .map(|&l| Some(l))
            .collect();
        assert_eq!(found, expected);
        assert!(
            matches!(last.kind, crate::load::LoadErrorKind::TooMany { more }
                if more == bad.len() - crate::load::bulk::MAX_LISTED),
            "{last:?}"
        );
    }
}
