//! Reading `nodes.csv`: rows parsed into nodes by both threads of a load,
//! nodes added to the graph by the main thread in file order.
//!
//! Adding a node (its id into the id map, the node into the graph) has to
//! happen on one thread and in row order, since node indices follow the
//! file. Parsing a row into a node does not. So a large `nodes.csv` whose
//! body has no quotes (no row can span two chunks) is cut into chunks of
//! about 1 MB, and any thread parses them: the main thread takes the next
//! chunk it needs when nobody has, and otherwise waits for it; the thread
//! that parses `edges.csv` ([`super::EdgeWork`]) parses node chunks first,
//! up to [`AHEAD`] chunks ahead of the main thread, and edges otherwise
//! ([`NodeHelp`]). On the 10M-node graph the main thread's node work was
//! the longest stretch of the load, and half of it was parsing
//! (BENCHMARKS.md, "Nodes parsed on both threads").
//!
//! A chunk parsed off the main thread is kept only if every row of it is
//! good. At the first chunk with a problem the main thread parses the rest
//! of the file alone, row by row, exactly as a small file is read, so which
//! problems are found, in which order, and which are listed under a cap, do
//! not depend on the threads.

use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use super::records::Records;
use super::{
    CHUNK, CsvFile, Header, NODE_BLOCK, Step, Ticker, check_text, cut, header, next, open,
};
use super::{properties, provenance, touch_ids};
use crate::format::csv::NODE_COLUMNS;
use crate::load::bulk::{Names, NodeSink, Part, Problems};
use crate::load::error::LoadErrorKind as K;
use crate::model::{KindId, Node, Properties, Schema, Source};

/// How many chunks a helper parses ahead of the main thread: enough that
/// the main thread rarely waits, few enough that parsed nodes waiting to be
/// added stay a few megabytes.
const AHEAD: usize = 8;

/// The columns of a nodes header, found once.
#[derive(Clone, Copy)]
struct Columns {
    id: usize,
    kind: usize,
    name: usize,
    provenance: Option<usize>,
}

/// What one row of `nodes.csv` holds.
enum Row {
    Node(Node),
    /// The row has a problem (reported); its id, if it has one, is
    /// rejected, so edges to it are not reported again.
    Rejected(Option<String>),
}

/// Parses the current row of `records` (starting at file offset `at`),
/// reporting its problems.
#[allow(clippy::too_many_arguments)]
fn row(
    records: &Records<'_>,
    h: &Header,
    c: Columns,
    kinds: &Names<KindId>,
    schema: &Schema,
    sources: &[Source],
    file: usize,
    at: u64,
    problems: &mut Problems,
) -> Row {
    if records.len() != h.len {
        problems.row(file, at, Part::Row, || K::FieldCount {
            found: records.len(),
            expected: h.len,
        });
        return Row::Rejected((c.id < records.len()).then(|| records.get(c.id).to_string()));
    }
    let id = records.get(c.id);
    let kind_text = records.get(c.kind);
    let name = records.get(c.name);
    let mut ok = check_text(id, "id", file, at, c.id, problems);
    // A kind of the schema is good text; only an unknown one is checked.
    let kind = kinds.get(kind_text);
    if kind.is_none() && check_text(kind_text, "kind", file, at, c.kind, problems) {
        problems.row(file, at, Part::Field(c.kind), || {
            crate::load::assemble::unknown_kind(schema, kind_text)
        });
    }
    ok &= check_text(name, "name", file, at, c.name, problems);
    let provenance = match c.provenance {
        Some(col) => provenance(records.get(col), sources, file, at, col, problems),
        None => Some(Vec::new()),
    };
    let properties = if h.props.is_empty() {
        Some(Properties::new())
    } else {
        properties(records, &h.props, file, at, problems)
    };
    match (ok, kind, properties, provenance) {
        (true, Some(kind), Some(properties), Some(provenance)) => {
            Row::Node(Node::with(id, kind, name, properties, provenance))
        }
        _ => Row::Rejected(Some(id.to_string())),
    }
}

/// A chunk's nodes with their row offsets, or `None` when a row of it has
/// a problem (the main thread then reads it again, reporting).
type Parsed = Option<Vec<(Node, u64)>>;

/// One large `nodes.csv`, open for parsing by any thread.
pub(crate) struct NodeJob {
    csv: CsvFile,
    header: Header,
    columns: Columns,
    kinds: Names<KindId>,
    sources: Vec<Source>,
    file: usize,
    /// Byte ranges of `csv.data`, in file order; rows never span two.
    chunks: Vec<std::ops::Range<usize>>,
    state: Mutex<JobState>,
    /// Signalled when a chunk is parsed or added.
    changed: Condvar,
}

#[derive(Default)]
struct JobState {
    /// The next chunk nobody has taken.
    next: usize,
    /// How many chunks the main thread has added.
    added: usize,
    /// The chunks parsed and not yet added, by position.
    parsed: Vec<Option<Parsed>>,
    /// Set when the main thread reads the rest alone: nobody takes more.
    stopped: bool,
}

impl NodeJob {
    fn state(&self) -> MutexGuard<'_, JobState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Parses chunk `k` into nodes, or `None` at the first row with a
    /// problem.
    fn parse(&self, k: usize, schema: &Schema) -> Parsed {
        let range = self.chunks.get(k)?.clone();
        let base = self.csv.base + range.start as u64;
        let mut records = Records::new(self.csv.data.get(range)?);
        let mut problems = Problems::default();
        let mut nodes = Vec::new();
        loop {
            let at = match next(&mut records, base, self.file, &mut problems) {
                Step::Record(at) => at,
                Step::Skip => return None,
                Step::End => break,
            };
            let (h, c) = (&self.header, self.columns);
            match row(
                &records,
                h,
                c,
                &self.kinds,
                schema,
                &self.sources,
                self.file,
                at,
                &mut problems,
            ) {
                Row::Node(node) if problems.is_empty() => nodes.push((node, at)),
                _ => return None,
            }
        }
        problems.is_empty().then_some(nodes)
    }

    /// Takes a chunk no thread has taken, within [`AHEAD`] of the main
    /// thread, parses it and leaves it for the main thread; returns whether
    /// there was one.
    fn help_once(&self, schema: &Schema) -> bool {
        let k = {
            let mut s = self.state();
            if s.stopped || s.next >= self.chunks.len() || s.next >= s.added + AHEAD {
                return false;
            }
            s.next += 1;
            s.next - 1
        };
        // A panic here must not leave the main thread waiting for the
        // chunk: it gets "read it again" and the panic goes on.
        let parsed =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.parse(k, schema)));
        let (parsed, panic) = match parsed {
            Ok(p) => (p, None),
            Err(e) => (None, Some(e)),
        };
        if let Some(slot) = self.state().parsed.get_mut(k) {
            *slot = Some(parsed);
        }
        self.changed.notify_all();
        if let Some(e) = panic {
            std::panic::resume_unwind(e);
        }
        true
    }

    /// Whether a helper could take a chunk later: some are left and the
    /// main thread has not stopped the parallel reading.
    fn open(&self) -> bool {
        let s = self.state();
        !s.stopped && s.next < self.chunks.len()
    }

    /// The main thread's side: chunk `k` parsed, by whichever thread.
    fn take(&self, k: usize, schema: &Schema) -> Parsed {
        let mut s = self.state();
        loop {
            if let Some(parsed) = s.parsed.get_mut(k).and_then(Option::take) {
                return parsed;
            }
            if s.next == k {
                s.next += 1;
                drop(s);
                return self.parse(k, schema);
            }
            s = self.changed.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Records that chunk `k` was added, so helpers may go further ahead.
    fn added(&self, k: usize) {
        self.state().added = k + 1;
        self.changed.notify_all();
    }

    /// Stops the parallel reading: nobody takes another chunk.
    fn stop(&self) {
        self.state().stopped = true;
        self.changed.notify_all();
    }
}

/// Where the main thread offers the `nodes.csv` it is reading to the
/// thread that parses edges.
#[derive(Default)]
pub(crate) struct NodeHelp {
    job: Mutex<Option<Arc<NodeJob>>>,
}

impl NodeHelp {
    fn current(&self) -> Option<Arc<NodeJob>> {
        self.job.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn offer(&self, job: Option<Arc<NodeJob>>) {
        *self.job.lock().unwrap_or_else(|e| e.into_inner()) = job;
    }

    /// Parses node chunks ahead of the main thread while there are any
    /// within reach; returns without waiting.
    pub fn help(&self, schema: &Schema) {
        if let Some(job) = self.current() {
            while job.help_once(schema) {}
        }
    }

    /// Helps with the `nodes.csv` being read until its last chunk is
    /// taken, waiting when far enough ahead: for a helper with no other
    /// work left.
    pub fn help_to_the_end(&self, schema: &Schema) {
        while let Some(job) = self.current().filter(|job| job.open()) {
            if !job.help_once(schema) {
                // Far enough ahead: wait until the main thread adds a chunk
                // (or stops).
                let s = job.state();
                if !s.stopped && s.next >= s.added + AHEAD {
                    drop(job.changed.wait(s));
                }
            }
        }
    }
}

/// Reads `nodes.csv` into the graph; a large file is parsed by both
/// threads when `help` is given (see the module documentation).
#[allow(clippy::too_many_arguments)]
pub(crate) fn read_nodes(
    path: &Path,
    file: usize,
    file_name: &str,
    nodes: &mut NodeSink<'_>,
    problems: &mut Problems,
    progress: &dyn crate::load::Progress,
    help: Option<&NodeHelp>,
) -> Result<(), std::io::Error> {
    let csv = open(path)?;
    let size = csv.data.len() as u64 + csv.base;
    let mut records = Records::lazy(&csv.data);
    let Some(h) = header(
        &mut records,
        csv.base,
        file,
        file_name,
        &NODE_COLUMNS,
        3,
        problems,
    ) else {
        progress.advance(size);
        return Ok(());
    };
    let body = records.position();
    // Rows are about 40 bytes in generated graphs; reserving too much costs
    // only address space.
    nodes.reserve(csv.data.len() / 32);
    let columns = Columns {
        id: h.fixed(0),
        kind: h.fixed(1),
        name: h.fixed(2),
        provenance: h.fixed.get(3).copied().flatten(),
    };
    let schema = nodes.graph.schema().clone();
    let sources = nodes.graph.sources().to_vec();
    let mut ticker = Ticker {
        progress,
        reported: 0,
    };
    let data = csv.data.get(body..).unwrap_or_default();
    let parallel = help.is_some() && data.len() > 2 * CHUNK && memchr::memchr(b'"', data).is_none();
    let chunks = if parallel {
        cut(csv.data.len(), body, |from| {
            memchr::memchr(b'\n', csv.data.get(from..).unwrap_or_default())
        })
    } else {
        Vec::new()
    };
    let job = Arc::new(NodeJob {
        state: Mutex::new(JobState {
            parsed: (0..chunks.len()).map(|_| None).collect(),
            ..JobState::default()
        }),
        changed: Condvar::new(),
        kinds: nodes.kinds.clone(),
        sources,
        csv,
        header: h,
        columns,
        file,
        chunks,
    });
    if !parallel {
        rows_alone(&job, body, &schema, nodes, problems, &mut ticker);
        ticker.done(size);
        return Ok(());
    }
    if let Some(help) = help {
        help.offer(Some(job.clone()));
    }
    let mut ready: Vec<(Node, u64)> = Vec::with_capacity(NODE_BLOCK);
    for k in 0..job.chunks.len() {
        let Some(parsed) = job.take(k, &schema) else {
            // A row of this chunk has a problem: the rest is read alone.
            job.stop();
            if let Some(help) = help {
                help.offer(None);
            }
            let start = job.chunks.get(k).map_or(body, |r| r.start);
            rows_alone(&job, start, &schema, nodes, problems, &mut ticker);
            break;
        };
        for (node, at) in parsed {
            ready.push((node, at));
            if ready.len() >= NODE_BLOCK {
                touch_ids(nodes.graph, &ready);
                for (node, at) in ready.drain(..) {
                    nodes.add(node, file, at, Part::Field(columns.id), problems);
                }
            }
        }
        for (node, at) in ready.drain(..) {
            nodes.add(node, file, at, Part::Field(columns.id), problems);
        }
        job.added(k);
        ticker.at(job.chunks.get(k).map_or(0, |r| r.end as u64) + job.csv.base);
    }
    job.stop();
    if let Some(help) = help {
        help.offer(None);
    }
    ticker.done(size);
    Ok(())
}

/// Reads the rows of `job`'s file from byte `start` on, one after the
/// other, on this thread: how every small file is read, and the rest of a
/// large one once a problem is found.
fn rows_alone(
    job: &NodeJob,
    start: usize,
    schema: &Schema,
    nodes: &mut NodeSink<'_>,
    problems: &mut Problems,
    ticker: &mut Ticker<'_>,
) {
    let (csv, h, c, file) = (&job.csv, &job.header, job.columns, job.file);
    let (kinds, sources) = (&job.kinds, job.sources.as_slice());
    let base = csv.base + start as u64;
    let mut records = Records::new(csv.data.get(start..).unwrap_or_default());
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
        match row(&records, h, c, kinds, schema, sources, file, at, problems) {
            Row::Node(node) => ready.push((node, at)),
            Row::Rejected(Some(id)) => {
                nodes.rejected.insert(id);
            }
            Row::Rejected(None) => {}
        }
        // Once a problem is found, each node is added at once, so that
        // problems are found in row order (which decides the listed ones).
        if ready.len() >= NODE_BLOCK || !problems.is_empty() {
            touch_ids(nodes.graph, &ready);
            for (node, at) in ready.drain(..) {
                nodes.add(node, file, at, Part::Field(c.id), problems);
            }
        }
    }
    for (node, at) in ready.drain(..) {
        nodes.add(node, file, at, Part::Field(c.id), problems);
    }
}
