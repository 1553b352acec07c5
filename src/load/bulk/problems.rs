//! Problems in the rows of bulk files, collected cheaply and placed late.
//!
//! A problem found while rows stream past remembers only its file, the byte
//! offset of its row and which part is wrong ([`RowError`]); [`Problems`]
//! keeps the first [`MAX_LISTED`](super::MAX_LISTED) and counts the rest.
//! When the load ends, [`materialize`] reads the few rows with problems
//! again to give each its line, column and snippet.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::Arc;

use crate::load::doc::{Doc, DocValue};
use crate::load::error::{LoadError, LoadErrorKind as K, Location, SourceFile};
use crate::model::Span;

use super::{FastMap, MAX_LISTED};

/// The longest excerpt of a row shown with a problem.
const MAX_EXCERPT: usize = 64 * 1024;

/// How a bulk file is laid out, which decides how a row is cut out of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// RFC 4180 CSV: a row may span lines inside quotes.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// A bulk file a load reads rows from.
#[derive(Debug, Clone)]
pub(crate) struct BulkFile {
    /// Its path, as the load was given it or inside a CSV folder.
    pub path: PathBuf,
    /// The name it is shown under.
    pub name: String,
    /// CSV or JSON Lines.
    pub layout: Layout,
}

/// The part of a row a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// The whole row.
    Row,
    /// A CSV field, by position.
    Field(usize),
    /// The value of a top-level key of a JSON Lines record.
    Key(&'static str),
}

/// A problem in a row of a bulk file, positioned by byte offset; turned into
/// a [`LoadError`] with line, column and snippet when the load ends.
#[derive(Debug)]
pub(crate) struct RowError {
    /// Index of the file in the load's file list.
    pub file: usize,
    /// Byte offset of the row in the file.
    pub at: u64,
    /// Which part of the row.
    pub part: Part,
    /// What is wrong.
    pub kind: K,
    /// For duplicates: the file and row offset of the first definition.
    pub first: Option<(usize, u64)>,
}

/// The problems of a load: the first [`MAX_LISTED`] and a count of the rest.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    ready: Vec<LoadError>,
    rows: Vec<RowError>,
    pub(super) more: usize,
}

impl Problems {
    fn full(&self) -> bool {
        self.ready.len() + self.rows.len() >= MAX_LISTED
    }

    /// Records a positioned problem; `make` runs only if it will be listed.
    pub fn report(&mut self, make: impl FnOnce() -> LoadError) {
        if self.full() {
            self.more += 1;
        } else {
            self.ready.push(make());
        }
    }

    /// Records a problem in a row.
    pub fn row(&mut self, file: usize, at: u64, part: Part, kind: impl FnOnce() -> K) {
        if self.full() {
            self.more += 1;
        } else {
            self.rows.push(RowError {
                file,
                at,
                part,
                kind: kind(),
                first: None,
            });
        }
    }

    /// Records a problem in a row that names where the row's id or edge
    /// was first defined.
    pub(super) fn duplicate(&mut self, error: RowError) {
        if self.full() {
            self.more += 1;
        } else {
            self.rows.push(error);
        }
    }

    /// Adds the problems of another part of the load.
    pub fn append(&mut self, other: Problems) {
        self.ready.extend(other.ready);
        self.rows.extend(other.rows);
        self.more += other.more;
    }

    /// Counts `n` problems that are not listed.
    pub fn count_unlisted(&mut self, n: usize) {
        self.more += n;
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.ready.is_empty() && self.rows.is_empty() && self.more == 0
    }

    /// Every problem as a [`LoadError`], in file order then line order, the
    /// count of unlisted ones last.
    pub fn finish(self, files: &[BulkFile], order: &[String]) -> Vec<LoadError> {
        let mut all = self.ready;
        all.extend(materialize(files, self.rows));
        let rank = |e: &LoadError| {
            let file = e
                .file_name()
                .and_then(|name| order.iter().position(|o| *o == name))
                .map_or(0, |i| i + 1);
            (file, e.location().map_or(0, |l| l.line))
        };
        all.sort_by_cached_key(rank);
        let mut more = self.more;
        if all.len() > MAX_LISTED {
            more += all.len() - MAX_LISTED;
            all.truncate(MAX_LISTED);
        }
        if more > 0 {
            all.push(LoadError::bare(K::TooMany { more }));
        }
        all
    }
}

/// Turns row problems into [`LoadError`]s: reads each row again, counts the
/// lines before it, and points at the field.
fn materialize(files: &[BulkFile], rows: Vec<RowError>) -> Vec<LoadError> {
    if rows.is_empty() {
        return Vec::new();
    }
    // Every offset that needs a line number, per file.
    let mut wanted: Vec<Vec<u64>> = vec![Vec::new(); files.len()];
    for r in &rows {
        if let Some(w) = wanted.get_mut(r.file) {
            w.push(r.at);
        }
        if let Some((f, at)) = r.first
            && let Some(w) = wanted.get_mut(f)
        {
            w.push(at);
        }
    }
    let lines: Vec<FastMap<u64, usize>> = wanted
        .into_iter()
        .zip(files)
        .map(|(mut offsets, file)| {
            offsets.sort_unstable();
            offsets.dedup();
            line_numbers(file, &offsets).unwrap_or_default()
        })
        .collect();
    let location = |file: usize, at: u64| -> Option<Location> {
        let line = *lines.get(file)?.get(&at)?;
        Some(Location {
            file: files.get(file)?.name.clone(),
            line,
            column: 1,
        })
    };
    rows.into_iter()
        .map(|mut r| {
            let first = r.first.and_then(|(f, at)| location(f, at));
            match &mut r.kind {
                K::DuplicateId { first: slot, .. } | K::DuplicateEdge { first: slot, .. } => {
                    *slot = first;
                }
                _ => {}
            }
            let (Some(file), Some(&line)) = (
                files.get(r.file),
                lines.get(r.file).and_then(|l| l.get(&r.at)),
            ) else {
                return LoadError::bare(r.kind);
            };
            match excerpt(file, r.at, line) {
                Some((source, raw)) => {
                    let span = locate(file.layout, &source.text, &raw, r.part, &mut r.kind, r.at);
                    LoadError::at(&Arc::new(source), span, r.kind)
                }
                None => LoadError::bare(r.kind),
            }
        })
        .collect()
}

/// The 1-based line of each offset (sorted), counting newlines from the start.
fn line_numbers(file: &BulkFile, offsets: &[u64]) -> Option<FastMap<u64, usize>> {
    let mut reader = BufReader::with_capacity(1 << 20, File::open(&file.path).ok()?);
    let mut out = FastMap::default();
    let (mut pos, mut line) = (0u64, 1usize);
    let mut next = offsets.iter().peekable();
    while let Some(&&want) = next.peek() {
        let buf = reader.fill_buf().ok()?;
        if buf.is_empty() {
            break;
        }
        let take = usize::try_from(want - pos)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        line += buf[..take].iter().filter(|&&b| b == b'\n').count();
        pos += take as u64;
        reader.consume(take);
        while next.peek().is_some_and(|&&w| w == pos) {
            out.insert(pos, line);
            next.next();
        }
    }
    Some(out)
}

/// The row at `at`, as an excerpt starting at line `line`, and its raw bytes.
fn excerpt(file: &BulkFile, at: u64, line: usize) -> Option<(SourceFile, Vec<u8>)> {
    let mut f = File::open(&file.path).ok()?;
    f.seek(SeekFrom::Start(at)).ok()?;
    let mut raw = Vec::new();
    f.take(MAX_EXCERPT as u64).read_to_end(&mut raw).ok()?;
    let end = match file.layout {
        Layout::Jsonl => raw.iter().position(|&b| b == b'\n').unwrap_or(raw.len()),
        Layout::Csv => {
            let mut quoted = false;
            raw.iter()
                .position(|&b| {
                    if b == b'"' {
                        quoted = !quoted;
                    }
                    b == b'\n' && !quoted
                })
                .unwrap_or(raw.len())
        }
    };
    raw.truncate(end);
    if raw.last() == Some(&b'\r') {
        raw.pop();
    }
    let text = String::from_utf8_lossy(&raw).into_owned();
    Some((SourceFile::excerpt(file.name.clone(), text, line), raw))
}

/// The span of `part` in an excerpt; fixes the offset of a UTF-8 problem.
fn locate(layout: Layout, text: &str, raw: &[u8], part: Part, kind: &mut K, at: u64) -> Span {
    let whole = Span {
        start: 0,
        end: text.len(),
    };
    if let K::NotUtf8 { offset } = kind {
        let bad = std::str::from_utf8(raw)
            .err()
            .map_or(0, |e| e.valid_up_to());
        *offset = usize::try_from(at)
            .unwrap_or(usize::MAX)
            .saturating_add(bad);
        // The lossy text has U+FFFD where the bad byte was, at the same offset.
        return Span {
            start: bad.min(text.len()),
            end: (bad + '\u{FFFD}'.len_utf8()).min(text.len()),
        };
    }
    match (layout, part) {
        (Layout::Csv, Part::Field(i)) => csv_field_spans(text).get(i).copied().unwrap_or(whole),
        (Layout::Jsonl, Part::Key(key)) => key_span(text, key).unwrap_or(whole),
        _ => whole,
    }
}

/// The byte range of each field of one CSV row, quotes included.
pub(crate) fn csv_field_spans(row: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, b) in row.bytes().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => {
                spans.push(Span { start, end: i });
                start = i + 1;
            }
            _ => {}
        }
    }
    spans.push(Span {
        start,
        end: row.len(),
    });
    spans
}

/// The span of the value of a top-level key of a JSON object.
pub(crate) fn key_span(text: &str, key: &str) -> Option<Span> {
    let doc = Doc::parse_json(text).ok()?;
    let DocValue::Table(entries) = doc.value else {
        return None;
    };
    entries
        .into_iter()
        .find(|(k, _)| k.name == key)
        .map(|(_, v)| v.span)
}

/// Cuts a cell for an error message.
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    match text.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}
