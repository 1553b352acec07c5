//! What the bulk readers share: CSV folders ([`super::csv`]) and JSON Lines
//! files ([`super::jsonl`]).
//!
//! Bulk inputs hold millions of rows, so they skip the spanned document tree
//! that TOML and JSON files go through: rows are checked and added to the
//! graph as they are read, and nothing keeps a copy of the file. A problem
//! remembers only its file, the byte offset of its row and which field is
//! wrong (`problems`); when the load ends, the few rows with problems are
//! read again to show them with their line numbers.
//! At most [`MAX_LISTED`] problems are listed, with a count of the rest.
//!
//! Loading runs in phases, so every edge sees every node:
//!
//! 1. the preamble (`preamble`): each input's schema, graph description
//!    and sources;
//! 2. the nodes of every input, added to the graph on the main thread
//!    (`nodes`), while a second thread parses every `edges.csv` into
//!    `EdgeBatch`es whose ends are the offsets of their text in the row (a
//!    JSON Lines file's edges are parsed with its nodes, their ends
//!    copied into an arena of their batch, each end its text's position);
//! 3. the ends looked up in the finished graph, on two threads;
//! 4. the edges (`edges`): every edge added, and checked against the schema
//!    and for duplicates (`checks`) in pieces on both threads.
//!
//! What a row's fields mean (kinds and relations by name, JSON values,
//! provenance) is shared by both readers (`values`); `load` runs the
//! phases.
//!
//! Indexing here cannot fail on file contents: copied edge endpoints are
//! read back with checked slicing (`resolve_copied`), batches and
//! files are indexed by the positions they were stored at, the radix sort's
//! counts have one slot per byte value, and `starts` lookups are clamped to
//! the table by the binary search that finds them.

mod checks;
mod edges;
mod nodes;
mod preamble;
mod problems;
mod values;

use std::collections::HashSet;
use std::path::PathBuf;

use crate::model::Graph;

use super::error::{LoadError, LoadErrorKind as K};

pub(crate) use edges::{EdgeBatch, Extra, Pending, UNKNOWN, add_edges};
pub(crate) use nodes::NodeSink;
use preamble::folder_preamble;
pub(crate) use preamble::{Preamble, start_graph};
pub(crate) use problems::{BulkFile, Layout, Part, Problems, shorten};
pub(crate) use values::{
    Names, ProvenanceProblem, json_provenance, json_value, provenance_problem, unknown_source,
};

/// A hash map with a fast, per-process seeded hasher, for the millions of
/// ids a bulk load looks up.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// How many problems a load lists; the rest are counted.
pub const MAX_LISTED: usize = 1000;

/// A loaded graph, and when that was asked, the edges the rules derived
/// (or why they could not): in the graph (`None`), or kept apart
/// ([`Derive::Apart`]).
pub(crate) type Loaded = (
    Graph,
    Option<Result<Option<crate::reason::Apart>, crate::reason::ReasonError>>,
);

/// What a bulk load does with the schema's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Derive<'a> {
    /// Nothing: the asserted edges alone.
    Off,
    /// Derives on a second thread and adds each derived edge to the graph
    /// as it comes.
    Link,
    /// Derives the same way, and hands the derived edges back apart from
    /// the graph ([`crate::reason::Apart`]), for a command that reads only
    /// a neighbourhood to link what it needs.
    Apart,
    /// As `Apart`, keeping only the derived edges at the nodes whose ids
    /// these are (all, should one not be an id), for a command that reads
    /// those nodes' own edges alone.
    At(&'a [&'a str]),
}

/// A bulk input: a CSV folder or a JSON Lines file.
#[derive(Debug, Clone)]
pub(crate) enum BulkInput {
    /// A folder holding `nodes.csv` and more.
    CsvFolder(PathBuf),
    /// A `.jsonl` or `.ndjson` file.
    JsonLines(PathBuf),
}

/// Loads bulk inputs into one graph, reporting every problem (up to
/// [`MAX_LISTED`]). Unless `derive` is [`Derive::Off`], it also works out
/// the edges the schema's rules derive, on a second thread while the edges
/// are added.
pub(crate) fn load(
    inputs: &[BulkInput],
    progress: &dyn super::Progress,
    derive: Derive<'_>,
) -> Result<Loaded, super::LoadErrors> {
    use super::csv as c;
    use crate::format::csv as layout;
    let mut errors: Vec<LoadError> = Vec::new();
    let mut pre = Preamble::default();
    let mut files: Vec<BulkFile> = Vec::new();
    // Display order of every file, for sorting problems.
    let mut order: Vec<String> = Vec::new();
    // Per input: (nodes.csv, edges.csv) file indices, or the JSON Lines reader.
    enum Opened {
        Csv(Option<usize>, Option<usize>),
        Jsonl(Box<super::jsonl::JsonlInput>),
    }
    let mut opened = Vec::new();
    let mut total = 0u64;
    let shown = |p: &std::path::Path| p.display().to_string();
    for input in inputs {
        match input {
            BulkInput::CsvFolder(dir) => {
                for name in [layout::GRAPH_FILE, layout::SCHEMA_FILE] {
                    order.push(shown(&dir.join(name)));
                }
                folder_preamble(dir, &mut pre, &mut errors);
                let mut csv_file = |name: &str| {
                    let path = dir.join(name);
                    if !path.is_file() {
                        return None;
                    }
                    total += std::fs::metadata(&path).map_or(0, |m| m.len());
                    order.push(shown(&path));
                    files.push(BulkFile {
                        name: shown(&path),
                        path,
                        layout: Layout::Csv,
                    });
                    Some(files.len() - 1)
                };
                let nodes = csv_file(layout::NODES_FILE);
                let edges = csv_file(layout::EDGES_FILE);
                opened.push(Opened::Csv(nodes, edges));
            }
            BulkInput::JsonLines(path) => {
                order.push(shown(path));
                files.push(BulkFile {
                    name: shown(path),
                    path: path.clone(),
                    layout: Layout::Jsonl,
                });
                let index = files.len() - 1;
                match super::jsonl::JsonlInput::open(path, index, shown(path)) {
                    Ok(mut reader) => {
                        total += reader.size();
                        if let Err(e) = reader.preamble(&mut pre, &mut errors) {
                            errors.push(read_error(path, e));
                        }
                        opened.push(Opened::Jsonl(Box::new(reader)));
                    }
                    Err(e) => errors.push(read_error(path, e)),
                }
            }
        }
    }
    progress.begin(total);
    let mut graph = start_graph(&pre, &mut errors);
    let rels = Names::relations(graph.schema());
    let mut problems = Problems::default();
    let mut batches: Vec<EdgeBatch> = Vec::new();
    let mut rejected = HashSet::new();
    let mut node_kinds = Vec::new();
    let (schema, sources) = (graph.schema().clone(), graph.sources().to_vec());
    let shared: std::sync::OnceLock<c::EdgeWork> = std::sync::OnceLock::new();
    std::thread::scope(|scope| {
        // edges.csv files are parsed on a second thread while the nodes
        // load; then the main thread helps from the other end.
        let csv_edges: Vec<c::EdgesInput> = opened
            .iter()
            .filter_map(|o| match o {
                Opened::Csv(_, Some(e)) => Some(c::EdgesInput {
                    file: *e,
                    path: files[*e].path.clone(),
                    name: files[*e].name.clone(),
                }),
                _ => None,
            })
            .collect();
        let (rels, schema, sources, shared) = (&rels, &schema, &sources, &shared);
        let edge_thread = scope.spawn(move || {
            let (work, io_errors, mut batches) = c::EdgeWork::open(&csv_edges);
            let work = shared.get_or_init(|| work);
            batches.extend(work.run(true, rels, schema, sources, progress));
            (batches, io_errors)
        });
        let mut sink = NodeSink::new(&mut graph);
        let mut jsonl_batches = Vec::new();
        for o in opened {
            match o {
                Opened::Csv(Some(n), _) => {
                    let (path, name) = (files[n].path.clone(), files[n].name.clone());
                    if let Err(e) =
                        c::read_nodes(&path, n, &name, &mut sink, &mut problems, progress)
                    {
                        errors.push(read_error(&path, e));
                    }
                }
                Opened::Csv(None, _) => {}
                Opened::Jsonl(reader) => {
                    let path = files[reader.file()].path.clone();
                    match reader.body(&mut sink, rels, &mut problems, progress) {
                        Ok(batch) => jsonl_batches.extend(batch),
                        Err(e) => errors.push(read_error(&path, e)),
                    }
                }
            }
        }
        rejected = std::mem::take(&mut sink.rejected);
        node_kinds = std::mem::take(&mut sink.node_kinds);
        let helped = match shared.get() {
            Some(work) => work.run(false, rels, schema, sources, progress),
            None => Vec::new(),
        };
        let (front, io_errors) = edge_thread
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        errors.extend(io_errors);
        // Every node is in the graph: the ends of the CSV edges can be looked up.
        let mut csv_batches: Vec<EdgeBatch> = front.into_iter().chain(helped).collect();
        if let Some(work) = shared.get() {
            for batch in &mut csv_batches {
                work.resolve(batch, &graph);
            }
        }
        batches.extend(csv_batches);
        batches.extend(jsonl_batches);
    });
    // The text of every edges.csv is parsed by now: nothing below reads it,
    // and freeing it before the graph takes its edges lowers the peak.
    drop(shared);
    // Edges in file order, whichever thread read them (the sort is stable:
    // the front thread's part of a file comes first).
    batches.sort_by_key(|b| b.file);
    let derived = add_edges(
        &mut graph,
        batches,
        &node_kinds,
        &rejected,
        &mut problems,
        derive,
    );
    progress.finish();
    if errors.is_empty() && problems.is_empty() {
        return Ok((graph, derived));
    }
    let mut all = errors;
    all.extend(problems.finish(&files, &order));
    Err(super::LoadErrors(all))
}

/// The error for a file that cannot be read.
pub(crate) fn read_error(path: &std::path::Path, e: std::io::Error) -> LoadError {
    LoadError::bare(K::Read {
        path: path.to_path_buf(),
        reason: crate::io_text::io_reason(&e),
        io: e,
    })
}
