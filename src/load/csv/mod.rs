//! Reading a CSV folder (its layout: [`crate::format::csv`]) into the graph,
//! row by row.
//!
//! Problems are reported with the file, the line and the field; a row with
//! a problem is skipped and the rest of the file is still checked.

mod records;

use std::path::Path;

use records::{Next, Records};

use crate::format::csv::{ColumnType, EDGE_COLUMNS, NODE_COLUMNS, split_header};
use crate::model::{Basis, Graph, Node, Properties, Value};
use crate::suggest::nearest_one;

use super::bulk::{
    EdgeBatch, Extra, Names, NodeSink, Part, Pending, Problems, ProvenanceProblem, UNKNOWN,
    json_provenance, json_value, provenance_problem, shorten, unknown_source,
};
use super::error::{LoadError, LoadErrorKind as K};
use crate::model::{RelId, Source};

/// The value of a non-empty cell of a column of type `ty`, `Ok(None)` for
/// JSON `null`; `Err` with what the column takes when the cell does not
/// hold it.
fn parse_cell(ty: ColumnType, cell: &str) -> Result<Option<Value>, &'static str> {
    parse_raw(ty, cell).map_err(|()| ty.expected())
}

fn parse_raw(ty: ColumnType, cell: &str) -> Result<Option<Value>, ()> {
    Ok(Some(match ty {
        ColumnType::String => Value::String(cell.to_string()),
        ColumnType::Int => Value::Integer(cell.parse().map_err(|_| ())?),
        ColumnType::Float => Value::Float(cell.parse().map_err(|_| ())?),
        ColumnType::Bool => match cell {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(()),
        },
        ColumnType::Json => {
            return serde_json::from_str::<serde_json::Value>(cell)
                .map_err(|_| ())
                .and_then(json_value);
        }
    }))
}

/// A property column: its position, header, property name and type.
#[derive(Debug)]
struct PropColumn {
    index: usize,
    header: String,
    name: String,
    ty: ColumnType,
}

/// Where the columns of a header are.
#[derive(Debug)]
struct Header {
    /// Positions of the fixed columns, in the order of the fixed names.
    fixed: Vec<Option<usize>>,
    props: Vec<PropColumn>,
    len: usize,
}

impl Header {
    fn fixed(&self, i: usize) -> usize {
        self.fixed.get(i).copied().flatten().unwrap_or(usize::MAX)
    }
}

/// A CSV file read into memory, without its byte-order mark.
struct CsvFile {
    data: Vec<u8>,
    /// 3 after a byte-order mark: positions in `data` plus `base` are file offsets.
    base: u64,
}

fn open(path: &Path) -> std::io::Result<CsvFile> {
    crate::load::refuse_special(path)?;
    let mut data = std::fs::read(path)?;
    let base = if data.starts_with(b"\xEF\xBB\xBF") {
        data.drain(..3);
        3
    } else {
        0
    };
    Ok(CsvFile { data, base })
}

/// How a record read went.
enum Step {
    Record(u64),
    Skip,
    End,
}

/// Reads the next record, reporting one that is not UTF-8 or never closes
/// its quotes.
fn next(records: &mut Records<'_>, base: u64, file: usize, problems: &mut Problems) -> Step {
    match records.next_record() {
        Next::Record(at) => Step::Record(base + at as u64),
        Next::End => Step::End,
        Next::NotUtf8(at) => {
            problems.row(file, base + at as u64, Part::Row, || K::NotUtf8 {
                offset: 0,
            });
            Step::Skip
        }
        Next::Unclosed(at) => {
            problems.row(file, base + at as u64, Part::Row, || K::Syntax {
                message: "a quoted field is never closed".into(),
                format: "CSV",
            });
            Step::End
        }
    }
}

/// Reads and checks the header row.
fn header(
    records: &mut Records<'_>,
    base: u64,
    file: usize,
    file_name: &str,
    fixed: &[&str],
    required: usize,
    problems: &mut Problems,
) -> Option<Header> {
    let at = match next(records, base, file, problems) {
        Step::Record(at) => at,
        Step::Skip => return None,
        Step::End => {
            problems.report(|| {
                LoadError::bare(K::BadHeader {
                    reason: format!("`{file_name}` is empty"),
                    help: format!(
                        "its first line is the header: `{}`, then any property columns",
                        // cannot fail: `required` counts the leading entries of `fixed`.
                        fixed[..required].join(",")
                    ),
                })
            });
            return None;
        }
    };
    let mut h = Header {
        fixed: vec![None; fixed.len()],
        props: Vec::new(),
        len: records.len(),
    };
    let mut ok = true;
    let mut seen: Vec<&str> = Vec::new();
    for (i, text) in records.iter().enumerate() {
        let mut bad = |reason: String, help: String| {
            problems.row(file, at, Part::Field(i), || K::BadHeader { reason, help });
            ok = false;
        };
        let (name, ty) = split_header(text);
        if seen.contains(&name) {
            bad(
                format!("column `{name}` appears twice"),
                "give each column its own name".into(),
            );
            continue;
        }
        seen.push(name);
        if let Some(f) = fixed.iter().position(|&f| f == text) {
            // cannot fail: `f` is a position in `fixed`, and `h.fixed` has one slot per entry.
            h.fixed[f] = Some(i);
        } else if fixed.contains(&name) {
            bad(
                format!("column `{name}` takes no type"),
                format!("write the header as `{name}`"),
            );
        } else if name.is_empty() || name.chars().any(char::is_control) {
            bad(
                "a column has no name".into(),
                "name every column; remove a trailing comma from the header".into(),
            );
        } else {
            h.props.push(PropColumn {
                index: i,
                header: text.to_string(),
                name: name.to_string(),
                ty,
            });
        }
    }
    // cannot fail: `required <= fixed.len() == h.fixed.len()`.
    for (f, name) in fixed[..required].iter().enumerate() {
        if h.fixed[f].is_none() {
            let near = records
                .iter()
                .find(|c| strsim::damerau_levenshtein(c, name) <= 2 && !fixed.contains(c));
            problems.row(file, at, Part::Row, || K::BadHeader {
                reason: format!("`{file_name}` has no `{name}` column"),
                help: match near {
                    Some(near) => format!("did you mean `{name}` instead of `{near}`?"),
                    None => format!(
                        "the header starts `{}`; further columns are properties",
                        // cannot fail: as above.
                        fixed[..required].join(",")
                    ),
                },
            });
            ok = false;
        }
    }
    ok.then_some(h)
}

/// Reads the property cells of a row; reports bad cells.
fn properties(
    record: &Records<'_>,
    columns: &[PropColumn],
    file: usize,
    at: u64,
    problems: &mut Problems,
) -> Option<Properties> {
    let mut props = Properties::new();
    let mut ok = true;
    for col in columns {
        let cell = record.get(col.index);
        if cell.is_empty() {
            continue;
        }
        match parse_cell(col.ty, cell) {
            Ok(Some(v)) => {
                props.insert(col.name.clone(), v);
            }
            Ok(None) => {}
            Err(_) => {
                problems.row(file, at, Part::Field(col.index), || K::BadCell {
                    column: col.header.clone(),
                    expected: col.ty.expected(),
                    cell: shorten(cell),
                });
                ok = false;
            }
        }
    }
    ok.then_some(props)
}

/// Reads a provenance cell; reports a bad one.
fn provenance(
    cell: &str,
    sources: &[Source],
    file: usize,
    at: u64,
    column: usize,
    problems: &mut Problems,
) -> Option<Vec<crate::model::Provenance>> {
    if cell.is_empty() {
        return Some(Vec::new());
    }
    let parsed = serde_json::from_str::<serde_json::Value>(cell)
        .map_err(|_| ProvenanceProblem::Shape)
        .and_then(|v| json_provenance(v, sources));
    match parsed {
        Ok(p) => Some(p),
        Err(ProvenanceProblem::Shape) => {
            problems.row(file, at, Part::Field(column), || {
                provenance_problem(cell).unwrap_or_else(|| K::BadCell {
                    column: "provenance".into(),
                    expected: "JSON: {\"source\": …, \"section\"?, \"item\"?, \"note\"?} or a list of them",
                    cell: shorten(cell),
                })
            });
            None
        }
        Err(ProvenanceProblem::UnknownSource(id)) => {
            problems.row(file, at, Part::Field(column), || {
                unknown_source(sources, id)
            });
            None
        }
    }
}

/// Reports a text field (id, kind, name) that breaks the naming rule.
fn check_text(
    text: &str,
    field: &'static str,
    file: usize,
    at: u64,
    column: usize,
    problems: &mut Problems,
) -> bool {
    match super::decode::text_problem(text) {
        None => true,
        Some(problem) => {
            problems.row(file, at, Part::Field(column), || K::BadText {
                field: field.into(),
                problem,
            });
            false
        }
    }
}

/// Calls `progress` with the bytes read since the last call, every few MB.
struct Ticker<'p> {
    progress: &'p dyn super::Progress,
    reported: u64,
}

impl Ticker<'_> {
    fn at(&mut self, offset: u64) {
        if offset >= self.reported + (4 << 20) {
            self.progress.advance(offset - self.reported);
            self.reported = offset;
        }
    }

    fn done(&mut self, size: u64) {
        self.progress.advance(size.saturating_sub(self.reported));
        self.reported = size;
    }
}

/// How many checked nodes `read_nodes` gathers before adding them.
const NODE_BLOCK: usize = 64;

/// Brings the id table's slots for nodes about to be added into the cache
/// at once ([`Graph::touch_ids`]), so that the adds that follow find them
/// there rather than wait for each in turn. Worth it once the table
/// outgrows the cache; about free below.
fn touch_ids(graph: &Graph, ready: &[(Node, u64)]) {
    graph.touch_ids(ready.iter().map(|(node, _)| &*node.id));
}

/// Reads `nodes.csv` into the graph.
pub(crate) fn read_nodes(
    path: &Path,
    file: usize,
    file_name: &str,
    nodes: &mut NodeSink<'_>,
    problems: &mut Problems,
    progress: &dyn super::Progress,
) -> Result<(), std::io::Error> {
    let csv = open(path)?;
    let size = csv.data.len() as u64 + csv.base;
    let mut records = Records::new(&csv.data);
    let base = csv.base;
    let Some(h) = header(
        &mut records,
        base,
        file,
        file_name,
        &NODE_COLUMNS,
        3,
        problems,
    ) else {
        progress.advance(size);
        return Ok(());
    };
    nodes.reserve(estimate_rows(&csv.data));
    // cannot fail: a nodes header has a slot for each of the four NODE_COLUMNS.
    let (c_id, c_kind, c_name, c_prov) = (h.fixed(0), h.fixed(1), h.fixed(2), h.fixed[3]);
    let sources = nodes.graph.sources().to_vec();
    let mut ticker = Ticker {
        progress,
        reported: 0,
    };
    // Nodes read but not yet added: adding a block of them one after the
    // other lets the cache misses of their id lookups overlap.
    let mut ready: Vec<(Node, u64)> = Vec::with_capacity(NODE_BLOCK);
    loop {
        let at = match next(&mut records, base, file, problems) {
            Step::Record(at) => at,
            Step::Skip => continue,
            Step::End => break,
        };
        ticker.at(at);
        if records.len() != h.len {
            problems.row(file, at, Part::Row, || K::FieldCount {
                found: records.len(),
                expected: h.len,
            });
            if c_id < records.len() {
                nodes.rejected.insert(records.get(c_id).to_string());
            }
            continue;
        }
        let id = records.get(c_id);
        let kind_text = records.get(c_kind);
        let name = records.get(c_name);
        let mut ok = check_text(id, "id", file, at, c_id, problems);
        // A kind of the schema is good text; only an unknown one is checked.
        let kind = nodes.kinds.get(kind_text);
        if kind.is_none() && check_text(kind_text, "kind", file, at, c_kind, problems) {
            let schema = nodes.graph.schema();
            problems.row(file, at, Part::Field(c_kind), || {
                super::assemble::unknown_kind(schema, kind_text)
            });
        }
        ok &= check_text(name, "name", file, at, c_name, problems);
        let provenance = match c_prov {
            Some(c) => provenance(records.get(c), &sources, file, at, c, problems),
            None => Some(Vec::new()),
        };
        let properties = if h.props.is_empty() {
            Some(Properties::new())
        } else {
            properties(&records, &h.props, file, at, problems)
        };
        match (ok, kind, properties, provenance) {
            (true, Some(kind), Some(properties), Some(provenance)) => {
                ready.push((Node::with(id, kind, name, properties, provenance), at));
            }
            _ => {
                nodes.rejected.insert(id.to_string());
            }
        }
        // Once a problem is found, each node is added at once, so that
        // problems are found in row order (which decides the listed ones).
        if ready.len() >= NODE_BLOCK || !problems.is_empty() {
            touch_ids(nodes.graph, &ready);
            for (node, at) in ready.drain(..) {
                nodes.add(node, file, at, Part::Field(c_id), problems);
            }
        }
    }
    for (node, at) in ready.drain(..) {
        nodes.add(node, file, at, Part::Field(c_id), problems);
    }
    ticker.done(size);
    Ok(())
}

/// The `edges.csv` files of a load, read into memory and cut into chunks
/// that two threads share: the edge thread takes chunks from the front
/// while the main thread loads the nodes, and the main thread, once done,
/// takes them from the back. A row never spans two chunks.
///
/// An edge's ends are kept as the offsets of their text in its row, and
/// looked up once every node is in the graph ([`EdgeWork::resolve`]):
/// interning them as they were read, then resolving each distinct id,
/// cost twice the lookups, and the interning ran on one thread.
pub(crate) struct EdgeWork {
    files: Vec<EdgesCsv>,
    /// (position in `files`, byte range of the data), in file order.
    chunks: Vec<(usize, std::ops::Range<usize>)>,
    /// The next chunk from the front, and one past the last one left.
    claims: std::sync::Mutex<(usize, usize)>,
}

/// One `edges.csv` to read.
pub(crate) struct EdgesInput {
    /// Index of the file in the load's file list.
    pub file: usize,
    pub path: std::path::PathBuf,
    /// The name problems show.
    pub name: String,
}

/// One `edges.csv`, read.
struct EdgesCsv {
    file: usize,
    data: Vec<u8>,
    base: u64,
    header: Option<Header>,
}

/// Chunks of about this many bytes: small enough for the main thread to
/// take a fair share, large enough that claiming one costs nothing.
const CHUNK: usize = 1 << 20;

impl EdgeWork {
    /// Reads every edges file and cuts it into chunks; also returns the
    /// files that could not be read, and batches holding header problems.
    pub fn open(files: &[EdgesInput]) -> (Self, Vec<super::LoadError>, Vec<EdgeBatch>) {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let mut header_problems = Vec::new();
        let mut chunks = Vec::new();
        for EdgesInput { file, path, name } in files {
            let csv = match open(path) {
                Ok(csv) => csv,
                Err(e) => {
                    errors.push(super::bulk::read_error(path, e));
                    continue;
                }
            };
            let mut problems = Problems::default();
            // Only the header is read here: the body is checked as UTF-8
            // chunk by chunk when parsed, and checking the whole file here
            // as well read it twice (71 ms of the edge thread at 1M nodes).
            let mut records = Records::lazy(&csv.data);
            let header = header(
                &mut records,
                csv.base,
                *file,
                name,
                &EDGE_COLUMNS,
                3,
                &mut problems,
            );
            let body = if header.is_some() {
                records.position()
            } else {
                csv.data.len()
            };
            let pos = out.len();
            let data = &csv.data;
            // cannot fail: `body` is a position of the records reader, at most `data.len()`;
            // chunk ends are clamped to `data.len()`.
            if memchr::memchr(b'"', &data[body..]).is_some() {
                // Quoted fields may hold newlines: one chunk, read in order.
                chunks.push((pos, body..data.len()));
            } else {
                let mut start = body;
                while start < data.len() {
                    let end = match memchr::memchr(b'\n', &data[(start + CHUNK).min(data.len())..])
                    {
                        Some(i) => (start + CHUNK).min(data.len()) + i + 1,
                        None => data.len(),
                    };
                    chunks.push((pos, start..end));
                    start = end;
                }
            }
            if !problems.is_empty() {
                let mut batch = EdgeBatch::new(*file, (Part::Row, Part::Row));
                batch.problems = problems;
                header_problems.push(batch);
            }
            out.push(EdgesCsv {
                file: *file,
                data: csv.data,
                base: csv.base,
                header,
            });
        }
        let n = chunks.len();
        let work = EdgeWork {
            files: out,
            chunks,
            claims: std::sync::Mutex::new((0, n)),
        };
        (work, errors, header_problems)
    }

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

    /// Parses chunks until none is left, from the front or the back, into
    /// batches in file order (one per file touched).
    pub fn run(
        &self,
        from_front: bool,
        rels: &Names<RelId>,
        schema: &crate::model::Schema,
        sources: &[Source],
        progress: &dyn super::Progress,
    ) -> Vec<EdgeBatch> {
        let mut batches: Vec<EdgeBatch> = Vec::new();
        // Where each chunk's edges start in its batch, to put chunks taken
        // from the back into file order.
        let mut starts: Vec<Vec<usize>> = Vec::new();
        while let Some(c) = self.claim(from_front) {
            // cannot fail: `claim` returns indices of `chunks`, and each chunk's `pos`
            // is the index of the file it was cut from.
            let (pos, range) = &self.chunks[c];
            let f = &self.files[*pos];
            let Some(h) = &f.header else {
                continue;
            };
            if batches.last().is_none_or(|b| b.file != f.file) {
                let parts = (Part::Field(h.fixed(0)), Part::Field(h.fixed(2)));
                let mut batch = EdgeBatch::new(f.file, parts);
                // Rows are about 38 bytes in generated graphs.
                batch.reserve(range.len() / 32);
                batches.push(batch);
                starts.push(Vec::new());
            }
            let (Some(batch), Some(starts)) = (batches.last_mut(), starts.last_mut()) else {
                continue;
            };
            starts.push(batch.edges.len());
            parse_chunk(f, h, range.clone(), batch, rels, schema, sources);
            progress.advance(range.len() as u64);
        }
        if !from_front {
            for (batch, starts) in batches.iter_mut().zip(&starts) {
                batch.reverse_segments(starts);
            }
            batches.reverse();
        }
        batches
    }

    /// Looks up the ends of a batch this work parsed, once every node is
    /// in `graph` ([`EdgeBatch::resolve_ends`]).
    pub fn resolve(&self, batch: &mut EdgeBatch, graph: &Graph) {
        let Some(f) = self.files.iter().find(|f| f.file == batch.file) else {
            return;
        };
        batch.resolve_ends(graph, |p: &Pending, offset| {
            let row = usize::try_from(p.at - f.base).unwrap_or(usize::MAX);
            // The row was checked as UTF-8 when it was parsed.
            records::field_at(&f.data, row.saturating_add(offset as usize))
        });
    }
}

/// Parses the rows of one chunk of `edges.csv` into `batch`; the ends are
/// kept as the offsets of their text in the row, or as text when the row
/// has quotes ([`EdgeBatch::text_end`]).
fn parse_chunk(
    f: &EdgesCsv,
    h: &Header,
    range: std::ops::Range<usize>,
    batch: &mut EdgeBatch,
    rels: &Names<RelId>,
    schema: &crate::model::Schema,
    sources: &[Source],
) {
    let file = f.file;
    let base = f.base + range.start as u64;
    let mut records = Records::new(&f.data[range]);
    let (c_from, c_rel, c_to) = (h.fixed(0), h.fixed(1), h.fixed(2));
    // cannot fail: `range` is a chunk cut from this file's data; the edges header
    // has a slot for each of the five EDGE_COLUMNS.
    let (c_basis, c_prov) = (h.fixed[3], h.fixed[4]);
    let mut problems = Problems::default();
    let problems = &mut problems;
    loop {
        let at = match next(&mut records, base, file, problems) {
            Step::Record(at) => at,
            Step::Skip => continue,
            Step::End => break,
        };
        if records.len() != h.len {
            problems.row(file, at, Part::Row, || K::FieldCount {
                found: records.len(),
                expected: h.len,
            });
            continue;
        }
        let rel_text = records.get(c_rel);
        let rel = rels.get(rel_text);
        if rel.is_none() {
            problems.row(file, at, Part::Field(c_rel), || {
                super::assemble::unknown_relation(schema, rel_text)
            });
        }
        let basis = match c_basis.map_or("", |c| records.get(c)) {
            "" | "stated" => Some(Basis::Stated),
            "inferred" => Some(Basis::Inferred),
            other => {
                problems.row(file, at, Part::Field(c_basis.unwrap_or(0)), || {
                    K::BadValue {
                        field: "basis",
                        value: other.to_string(),
                        allowed: vec!["stated".into(), "inferred".into()],
                        suggestion: nearest_one(other, ["stated", "inferred"]),
                    }
                });
                None
            }
        };
        let extra = if h.props.is_empty() && c_prov.is_none() {
            Some(None)
        } else {
            let provenance = match c_prov {
                Some(c) => provenance(records.get(c), sources, file, at, c, problems),
                None => Some(Vec::new()),
            };
            let properties = properties(&records, &h.props, file, at, problems);
            match (properties, provenance) {
                (Some(properties), Some(provenance)) => Some(Some(Extra {
                    properties,
                    provenance,
                })),
                _ => None,
            }
        };
        let (Some(rel), Some(basis), Some(extra)) = (rel, basis, extra) else {
            continue;
        };
        let mut end = |column: usize| match records
            .field_offset(column)
            .and_then(|o| u32::try_from(o).ok())
        {
            Some(offset) if offset < UNKNOWN => offset,
            _ => batch.text_end(records.get(column)),
        };
        let from = end(c_from);
        let to = end(c_to);
        batch.push(from, rel, to, basis, extra, at);
    }
    batch.problems.append(std::mem::take(problems));
}

/// About how many rows `data` holds, a little more rather than less: the
/// rows of its first 256 KiB, scaled to its length, plus a sixteenth. The id
/// map is sized from it and every page of that table is touched, so a guess
/// far too high costs real memory (at one row per 32 bytes, 0.5 GB more at
/// 10M nodes); one too low costs a doubling of the table.
fn estimate_rows(data: &[u8]) -> usize {
    const SAMPLE: usize = 256 << 10;
    let head = data.get(..SAMPLE).unwrap_or(data);
    let lines = memchr::memchr_iter(b'\n', head).count().max(1);
    let rows = data.len().saturating_mul(lines) / head.len().max(1);
    rows + rows / 16 + 1
}

#[cfg(test)]
mod tests {
    use crate::load::{LoadErrorKind, load_paths};

    #[test]
    fn provenance_with_an_unknown_key_names_the_nearest() {
        let dir = tempfile::tempdir().expect("a folder");
        std::fs::write(
            dir.path().join("graph.toml"),
            "[[sources]]\nid = \"article\"\ntitle = \"An article\"\n",
        )
        .expect("graph.toml");
        std::fs::write(
            dir.path().join("nodes.csv"),
            "id,kind,name,provenance\ndrills,activity,Drills,\"{\"\"source\"\": \"\"article\"\", \"\"nott\"\": \"\"x\"\"}\"\n",
        )
        .expect("nodes.csv");
        let errors = load_paths(&[dir.path().to_path_buf()]).expect_err("an unknown key");
        let [e] = errors.0.as_slice() else {
            panic!("one error: {errors:?}");
        };
        assert!(
            matches!(&e.kind, LoadErrorKind::UnknownField { field, suggestion, .. }
                if field == "nott" && suggestion.as_deref() == Some("note")),
            "{e:?}"
        );
        assert_eq!(e.location().map(|l| l.line), Some(2));
    }
}
