//! What the bulk readers share: CSV folders ([`super::csv`]) and JSON Lines
//! files ([`super::jsonl`]).
//!
//! Bulk inputs hold millions of rows, so they skip the spanned document tree
//! that TOML and JSON files go through: rows are checked and added to the
//! graph as they are read, and nothing keeps a copy of the file. A problem
//! remembers only its file, the byte offset of its row and which field is
//! wrong ([`RowError`]); when the load ends, the few rows with problems are
//! read again to show them with their line numbers ([`SourceFile::excerpt`]).
//! At most [`MAX_LISTED`] problems are listed, with a count of the rest.
//!
//! Loading runs in phases, so every edge sees every node:
//!
//! 1. the preamble: each input's schema, graph description and sources;
//! 2. the nodes of every input, added to the graph on the main thread, while
//!    a second thread parses every `edges.csv` into [`EdgeBatch`]es whose
//!    endpoints are interned as small numbers;
//! 3. the edges, their endpoints resolved once per distinct id, checked
//!    against the schema and for duplicates, and added.
//!
//! Indexing here cannot fail on file contents: edge endpoints are interned
//! as positions of their batch's name table (`resolved`, `names`), batches and
//! files are indexed by the positions they were stored at, the radix sort's
//! counts have one slot per byte value, and `starts` lookups are clamped to
//! the table by the binary search that finds them.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::Arc;

use petgraph::stable_graph::NodeIndex;

use crate::model::ids::IdMap;
use crate::model::{
    Basis, Edge, Graph, GraphError, GraphMeta, KindId, Node, Properties, Provenance, RelId, Schema,
    Source, Value,
};
use crate::suggest::nearest_one;

use super::decode::{SchemaDecl, Spanned};
use super::doc::{Doc, DocValue};
use super::error::{LoadError, LoadErrorKind as K, Location, SourceFile};
use crate::model::Span;

/// A hash map with a fast, per-process seeded hasher, for the millions of
/// ids a bulk load looks up.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// How many problems a load lists; the rest are counted.
pub const MAX_LISTED: usize = 1000;

/// Unknown-node suggestions compare an id with every node id, so they are
/// made only for graphs up to this size, and for the first few problems.
const SUGGEST_UP_TO_NODES: usize = 100_000;
const MAX_NODE_SUGGESTIONS: usize = 50;

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
    /// Its path.
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
    more: usize,
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
    fn duplicate(&mut self, error: RowError) {
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

/// What the inputs declare besides nodes and edges.
#[derive(Debug, Default)]
pub(crate) struct Preamble {
    /// Schemas the inputs bring (`schema.toml`, `schema` records).
    pub schemas: Vec<(Arc<SourceFile>, SchemaDecl)>,
    /// Graph descriptions.
    pub metas: Vec<GraphMeta>,
    /// Declared sources.
    pub sources: Vec<(Arc<SourceFile>, Spanned<Source>)>,
}

/// An empty graph with the inputs' schema (or the default one), description
/// and sources.
pub(crate) fn start_graph(pre: &Preamble, errors: &mut Vec<LoadError>) -> Graph {
    let default;
    let schemas: Vec<(&Arc<SourceFile>, &SchemaDecl)> = if pre.schemas.is_empty() {
        default = super::default_schema(errors);
        vec![(&default.0, &default.1)]
    } else {
        pre.schemas.iter().map(|(f, s)| (f, s)).collect()
    };
    let mut graph = Graph::new(super::assemble::build_schema(&schemas, errors));
    let is_default = pre.schemas.is_empty() || super::is_default_schema(graph.schema());
    graph.set_default_schema(is_default);
    if let Some(meta) = pre.metas.iter().find(|m| m.name.is_some()) {
        graph.set_meta(meta.clone());
    }
    for (file, source) in &pre.sources {
        if graph.source(&source.value.id).is_some() {
            errors.push(LoadError::at(
                file,
                source.span,
                K::DuplicateSource {
                    id: source.value.id.clone(),
                },
            ));
        } else {
            graph.add_source(source.value.clone());
        }
    }
    graph
}

/// The exact names of a schema's kinds or relations. A schema holds a
/// handful, so a scan beats hashing every row's text.
#[derive(Debug, Clone)]
pub(crate) struct Names<T> {
    list: Vec<(Box<str>, T)>,
}

impl<T: Copy> Names<T> {
    /// The id of exactly this name.
    pub fn get(&self, name: &str) -> Option<T> {
        self.list
            .iter()
            .find(|(n, _)| **n == *name)
            .map(|&(_, id)| id)
    }
}

impl Names<KindId> {
    /// The kinds of a schema, by name (not plural: files write the name).
    pub fn kinds(schema: &Schema) -> Self {
        Names {
            list: schema
                .kinds()
                .map(|(id, k)| (k.name.as_str().into(), id))
                .collect(),
        }
    }
}

impl Names<RelId> {
    /// The relations of a schema, by name.
    pub fn relations(schema: &Schema) -> Self {
        Names {
            list: schema
                .relations()
                .map(|(id, r)| (r.name.as_str().into(), id))
                .collect(),
        }
    }
}

/// A property value from JSON, the way the JSON graph file reads it: `null`
/// is no value; objects are refused.
pub(crate) fn json_value(value: serde_json::Value) -> Result<Option<Value>, ()> {
    use serde_json::Value as J;
    Ok(Some(match value {
        J::Null => return Ok(None),
        J::Bool(b) => Value::Bool(b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Float(n.as_f64().ok_or(())?),
        },
        J::String(s) => Value::String(s),
        J::Array(items) => {
            let mut list = Vec::with_capacity(items.len());
            for item in items {
                list.extend(json_value(item)?);
            }
            Value::List(list)
        }
        J::Object(_) => return Err(()),
    }))
}

/// Why a provenance value was refused.
#[derive(Debug)]
pub(crate) enum ProvenanceProblem {
    /// Not `{source, section?, item?, note?}` or a list of them.
    Shape,
    /// A source the graph does not declare.
    UnknownSource(String),
}

/// Provenance from JSON: an object `{source, section?, item?, note?}` or a
/// list of them, whose sources the graph declares.
pub(crate) fn json_provenance(
    value: serde_json::Value,
    sources: &[Source],
) -> Result<Vec<Provenance>, ProvenanceProblem> {
    use serde_json::Value as J;
    let entries = match value {
        J::Array(items) => items,
        J::Object(_) => vec![value],
        _ => return Err(ProvenanceProblem::Shape),
    };
    let mut out = Vec::with_capacity(entries.len());
    for entry in entries {
        let J::Object(map) = entry else {
            return Err(ProvenanceProblem::Shape);
        };
        let mut p = Provenance {
            source: String::new(),
            section: None,
            item: None,
            note: None,
        };
        let mut has_source = false;
        for (key, value) in map {
            let J::String(text) = value else {
                return Err(ProvenanceProblem::Shape);
            };
            match key.as_str() {
                "source" if super::decode::text_problem(&text).is_none() => {
                    p.source = text;
                    has_source = true;
                }
                "section" => p.section = Some(text),
                "item" => p.item = Some(text),
                "note" => p.note = Some(text),
                _ => return Err(ProvenanceProblem::Shape),
            }
        }
        if !has_source {
            return Err(ProvenanceProblem::Shape);
        }
        if !sources.iter().any(|s| s.id == p.source) {
            return Err(ProvenanceProblem::UnknownSource(p.source));
        }
        out.push(p);
    }
    Ok(out)
}

/// Why JSON text that [`json_provenance`] refused for its shape is not
/// provenance, as the JSON graph file's decoder says it (an unknown key
/// with the nearest known one, a value of the wrong type); `None` when the
/// text is not JSON.
pub(crate) fn provenance_problem(text: &str) -> Option<K> {
    let doc = Doc::parse_json(text).ok()?;
    let file = Arc::new(SourceFile::new("", text));
    let mut errors = Vec::new();
    super::decode::decode_provenance(&file, &doc, &mut errors);
    errors.into_iter().next().map(|e| e.kind)
}

/// The error for a provenance entry naming an undeclared source.
pub(crate) fn unknown_source(sources: &[Source], id: String) -> K {
    let suggestion = nearest_one(&id, sources.iter().map(|s| s.id.as_str()));
    K::UnknownSource {
        source_id: id,
        suggestion,
    }
}

/// Adds nodes to the graph, remembering where each came from so a
/// duplicate can name the first definition.
pub(crate) struct NodeSink<'g> {
    /// The graph being built.
    pub graph: &'g mut Graph,
    /// The schema's kinds.
    pub kinds: Names<KindId>,
    /// Byte offset of each node's row, by node index.
    rows: Vec<u64>,
    /// The first node index of each file, with the file: node indices are
    /// handed out in file order.
    starts: Vec<(usize, usize)>,
    /// Ids of rows rejected for other problems: an edge to one is not
    /// reported again as dangling.
    pub rejected: HashSet<String>,
    /// The kind of each node, by node index: the edge checks read it
    /// without touching the graph.
    pub node_kinds: Vec<KindId>,
}

impl<'g> NodeSink<'g> {
    /// A sink adding to `graph`.
    pub fn new(graph: &'g mut Graph) -> Self {
        let kinds = Names::kinds(graph.schema());
        NodeSink {
            graph,
            kinds,
            rows: Vec::new(),
            starts: Vec::new(),
            rejected: HashSet::new(),
            node_kinds: Vec::new(),
        }
    }

    /// Adds a checked node read from the row at `at` of `file`; a duplicate
    /// id is reported at `id_part`.
    pub fn add(
        &mut self,
        node: Node,
        file: usize,
        at: u64,
        id_part: Part,
        problems: &mut Problems,
    ) {
        let kind = node.kind;
        match self.graph.add_node(node) {
            Ok(ix) => {
                self.node_kinds.push(kind);
                if self.starts.last().is_none_or(|&(_, f)| f != file) {
                    self.starts.push((ix.index(), file));
                }
                self.rows.push(at);
            }
            Err(GraphError::DuplicateId(id)) => {
                let first = self.graph.node_index(&id).map(|ix| self.origin(ix));
                problems.duplicate(RowError {
                    file,
                    at,
                    part: id_part,
                    kind: K::DuplicateId { id, first: None },
                    first,
                });
            }
        }
    }

    /// The file and row offset a node was read from.
    fn origin(&self, ix: NodeIndex) -> (usize, u64) {
        let i = ix.index();
        let file = match self.starts.binary_search_by_key(&i, |&(start, _)| start) {
            Ok(k) => self.starts[k].1,
            Err(0) => 0,
            Err(k) => self.starts[k - 1].1,
        };
        (file, self.rows.get(i).copied().unwrap_or(0))
    }

    /// Reserves room for about `n` more nodes.
    pub fn reserve(&mut self, n: usize) {
        self.graph.reserve(n, 0);
        self.rows.reserve(n);
        self.node_kinds.reserve(n);
    }
}

/// An edge read but not yet added: its ends are numbers into its batch's
/// interned ids.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pending {
    /// The interned `from` id.
    pub from: u32,
    /// The interned `to` id.
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

/// The properties and provenance of an edge that has any.
#[derive(Debug, Default)]
pub(crate) struct Extra {
    /// Properties.
    pub properties: Properties,
    /// Provenance.
    pub provenance: Vec<Provenance>,
}

/// The edges of one file, parsed and waiting for the nodes.
#[derive(Debug)]
pub(crate) struct EdgeBatch {
    /// Index of the file in the load's file list.
    pub file: usize,
    /// Every distinct endpoint id, numbered in order of appearance.
    ends: IdMap,
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
            ends: IdMap::new(),
            edges: Vec::new(),
            extras: Vec::new(),
            parts,
            problems: Problems::default(),
        }
    }

    /// The number of an endpoint id, interning it on first sight.
    pub fn end(&mut self, id: &str) -> u32 {
        let next = u32::try_from(self.ends.len()).unwrap_or(u32::MAX);
        self.ends.get_or_insert(id, || next).0
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

/// An endpoint that resolved to no node.
const UNRESOLVED: u32 = u32::MAX;

/// A problem found by [`check_edges`], described by position only: the
/// graph is being written to while the checks run, so the messages are
/// written afterwards.
#[derive(Debug, Clone, Copy)]
enum Finding {
    /// An end names no node (0: `from`, 1: `to`).
    Unknown { batch: usize, edge: usize, end: u8 },
    /// The schema does not allow the relation between the ends' kinds.
    Forbidden { batch: usize, edge: usize },
    /// The same edge again; `first` is the (batch, edge) of the first one.
    Duplicate {
        batch: usize,
        edge: usize,
        first: (usize, usize),
    },
}

/// Checks every edge: ends that name no node, relations the schema does
/// not allow between the ends' kinds, and duplicates.
///
/// Duplicates are looked for within each run of edges that share a `from`
/// (bulk files list a node's edges together), in a small sort per run; if
/// some `from` comes back after a run of another, one sort of every edge's
/// key settles it.
fn check_edges(
    batches: &[(&[Pending], &IdMap, &[u32])],
    kinds: &[KindId],
    schema: &Schema,
    rejected: &HashSet<String>,
) -> (Vec<Finding>, usize) {
    let n_kinds = schema.kinds().len();
    let mut allowed = vec![false; schema.relations().len() * n_kinds * n_kinds];
    for (rel, def) in schema.relations() {
        for &f in &def.from {
            for &t in &def.to {
                let cell = (usize::from(rel.0) * n_kinds + usize::from(f.0)) * n_kinds;
                allowed[cell + usize::from(t.0)] = true;
            }
        }
    }
    let kind = |ix: u32| kinds.get(ix as usize).copied().unwrap_or(KindId(0));
    let mut found = Vec::new();
    let mut names: Vec<Vec<&str>> = Vec::new();
    // The run each `from` was last seen in; a second run means the file is
    // not grouped by `from`.
    let mut last_run: Vec<u32> = vec![u32::MAX; kinds.len()];
    let mut run_number = 0u32;
    let mut scattered = false;
    let mut run: Vec<(u64, usize)> = Vec::new();
    let mut run_from = UNRESOLVED;
    let mut run_batch = 0;
    let flush = |run: &mut Vec<(u64, usize)>, batch: usize, found: &mut Vec<Finding>| {
        if run.len() > 1 {
            run.sort_unstable();
            for w in run.windows(2) {
                if w[0].0 == w[1].0 {
                    found.push(Finding::Duplicate {
                        batch,
                        edge: w[1].1,
                        first: (batch, w[0].1),
                    });
                }
            }
        }
        run.clear();
    };
    for (b, (edges, ends, resolved)) in batches.iter().enumerate() {
        for (i, p) in edges.iter().enumerate() {
            let (from, to) = (resolved[p.from as usize], resolved[p.to as usize]);
            if from == UNRESOLVED || to == UNRESOLVED {
                for (end, n, ix) in [(0u8, p.from, from), (1, p.to, to)] {
                    if ix == UNRESOLVED {
                        if names.len() <= b {
                            names.resize(b + 1, Vec::new());
                        }
                        if names[b].is_empty() {
                            names[b] = vec![""; ends.len()];
                            for (id, m) in ends.iter() {
                                names[b][m as usize] = id;
                            }
                        }
                        let id = names[b][n as usize];
                        if !rejected.contains(id) {
                            found.push(Finding::Unknown {
                                batch: b,
                                edge: i,
                                end,
                            });
                        }
                    }
                }
                continue;
            }
            let cell = (usize::from(p.rel.0) * n_kinds + usize::from(kind(from).0)) * n_kinds
                + usize::from(kind(to).0);
            if !allowed.get(cell).copied().unwrap_or(false) {
                found.push(Finding::Forbidden { batch: b, edge: i });
                continue;
            }
            if from != run_from || b != run_batch {
                flush(&mut run, run_batch, &mut found);
                run_from = from;
                run_batch = b;
                run_number += 1;
                if let Some(slot) = last_run.get_mut(from as usize) {
                    scattered |= *slot != u32::MAX;
                    *slot = run_number;
                }
            }
            run.push((u64::from(p.rel.0) << 32 | u64::from(to), i));
        }
    }
    flush(&mut run, run_batch, &mut found);
    if !scattered {
        return capped(found);
    }
    // Some `from` has edges in several runs: sort every key to know whether
    // any repeats, and only then find which.
    found.retain(|f| !matches!(f, Finding::Duplicate { .. }));
    let good = |p: &Pending, resolved: &[u32]| {
        let (from, to) = (resolved[p.from as usize], resolved[p.to as usize]);
        (from != UNRESOLVED && to != UNRESOLVED)
            .then(|| u128::from(from) << 48 | u128::from(p.rel.0) << 32 | u128::from(to))
    };
    let mut keys: Vec<u64> = Vec::new();
    let mut wide: Vec<u128> = Vec::new();
    let packed = kinds.len() < (1 << 24);
    for (edges, _, resolved) in batches {
        for p in edges.iter() {
            if let Some(k) = good(p, resolved) {
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
    let any = if packed {
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
    for (b, (edges, _, resolved)) in batches.iter().enumerate() {
        for (i, p) in edges.iter().enumerate() {
            let Some(k) = good(p, resolved) else { continue };
            let cell = (usize::from(p.rel.0) * n_kinds + usize::from(kind((k >> 48) as u32).0))
                * n_kinds
                + usize::from(kind(k as u32).0);
            if !allowed.get(cell).copied().unwrap_or(false) {
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

/// The first [`MAX_LISTED`] findings and a count of the rest.
fn capped(mut found: Vec<Finding>) -> (Vec<Finding>, usize) {
    let more = found.len().saturating_sub(MAX_LISTED);
    found.truncate(MAX_LISTED);
    (found, more)
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
) {
    // Each distinct endpoint id is looked up once, on two threads.
    let resolved: Vec<Vec<u32>> = batches
        .iter()
        .map(|b| {
            let ids: Vec<(&str, u32)> = b.ends.iter().collect();
            let (left, right) = ids.split_at(ids.len() / 2);
            let graph = &*graph;
            let look = |part: &[(&str, u32)]| -> Vec<(u32, u32)> {
                part.iter()
                    .map(|&(id, n)| {
                        let ix = graph
                            .node_index(id)
                            .map_or(UNRESOLVED, |ix| ix.index() as u32);
                        (n, ix)
                    })
                    .collect()
            };
            let (mine, theirs) = std::thread::scope(|s| {
                let other = s.spawn(|| look(right));
                (look(left), other.join())
            });
            let theirs = theirs.unwrap_or_else(|p| std::panic::resume_unwind(p));
            let mut r = vec![UNRESOLVED; b.ends.len()];
            for (n, ix) in mine.into_iter().chain(theirs) {
                r[n as usize] = ix;
            }
            r
        })
        .collect();

    let total: usize = batches.iter().map(|b| b.edges.len()).sum();
    graph.reserve(0, total);
    let schema = graph.schema().clone();
    let mut parts: Vec<(&[Pending], &IdMap, &mut Vec<Extra>)> = batches
        .iter_mut()
        .map(|b| {
            let EdgeBatch {
                edges,
                ends,
                extras,
                ..
            } = b;
            (&edges[..], &*ends, extras)
        })
        .collect();
    let views: Vec<(&[Pending], &IdMap, &[u32])> = parts
        .iter()
        .zip(&resolved)
        .map(|((edges, ends, _), r)| (*edges, *ends, &r[..]))
        .collect();
    let (findings, more) = std::thread::scope(|s| {
        let checks = s.spawn(|| check_edges(&views, kinds, &schema, rejected));
        for ((edges, _, extras), resolved) in parts.iter_mut().zip(&resolved) {
            for p in edges.iter() {
                let (from, to) = (resolved[p.from as usize], resolved[p.to as usize]);
                if from == UNRESOLVED || to == UNRESOLVED {
                    continue;
                }
                let extra = if p.extra == NO_EXTRA {
                    Extra::default()
                } else {
                    extras
                        .get_mut(p.extra as usize)
                        .map(std::mem::take)
                        .unwrap_or_default()
                };
                graph.add_edge(
                    NodeIndex::new(from as usize),
                    NodeIndex::new(to as usize),
                    Edge {
                        rel: p.rel,
                        basis: p.basis,
                        properties: extra.properties,
                        provenance: extra.provenance,
                    },
                );
            }
        }
        checks
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    });
    drop(views);
    drop(parts);
    problems.more += more;

    // The findings as problems, now that the graph can be read.
    let mut suggestions_left = if graph.node_count() <= SUGGEST_UP_TO_NODES {
        MAX_NODE_SUGGESTIONS
    } else {
        0
    };
    let mut names: Vec<Vec<&str>> = vec![Vec::new(); batches.len()];
    let node = |ix: u32| graph.node(NodeIndex::new(ix as usize));
    for f in findings {
        match f {
            Finding::Unknown { batch, edge, end } => {
                let b = &batches[batch];
                let p = b.edges[edge];
                if names[batch].is_empty() {
                    names[batch] = vec![""; b.ends.len()];
                    for (id, n) in b.ends.iter() {
                        names[batch][n as usize] = id;
                    }
                }
                let (end, n, part) = if end == 0 {
                    ("from", p.from, b.parts.0)
                } else {
                    ("to", p.to, b.parts.1)
                };
                let id = names[batch][n as usize];
                let suggest = suggestions_left > 0;
                suggestions_left = suggestions_left.saturating_sub(1);
                problems.row(b.file, p.at, part, || K::UnknownNode {
                    end,
                    id: id.to_string(),
                    suggestion: suggest
                        .then(|| nearest_one(id, graph.nodes().map(|(_, n)| n.id.as_str())))
                        .flatten(),
                });
            }
            Finding::Forbidden { batch, edge } => {
                let b = &batches[batch];
                let p = b.edges[edge];
                let r = &resolved[batch];
                if let (Some(f), Some(t)) = (node(r[p.from as usize]), node(r[p.to as usize])) {
                    problems.row(b.file, p.at, Part::Row, || {
                        super::assemble::forbidden_endpoints(graph, p.rel, f, t)
                    });
                }
            }
            Finding::Duplicate { batch, edge, first } => {
                let b = &batches[batch];
                let p = b.edges[edge];
                let r = &resolved[batch];
                let id = |ix: u32| node(ix).map(|n| n.id.clone()).unwrap_or_default();
                let origin = batches
                    .get(first.0)
                    .and_then(|fb| fb.edges.get(first.1).map(|fp| (fb.file, fp.at)));
                problems.duplicate(RowError {
                    file: b.file,
                    at: p.at,
                    part: Part::Row,
                    kind: K::DuplicateEdge {
                        from: id(r[p.from as usize]),
                        rel: graph.rel_name(p.rel).to_string(),
                        to: id(r[p.to as usize]),
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

/// A bulk input: a CSV folder or a JSON Lines file.
#[derive(Debug, Clone)]
pub(crate) enum BulkInput {
    /// A folder holding `nodes.csv` and more.
    CsvFolder(PathBuf),
    /// A `.jsonl` or `.ndjson` file.
    JsonLines(PathBuf),
}

/// Reads a small side file of a CSV folder (`schema.toml`, `graph.toml`).
fn side_file(
    path: &std::path::Path,
    errors: &mut Vec<LoadError>,
) -> Option<(Arc<SourceFile>, Doc)> {
    if !path.is_file() {
        return None;
    }
    let (file, err) = super::read_file(path);
    if let Some(e) = err {
        errors.push(e);
        return None;
    }
    let file = file?;
    match Doc::parse_toml(&file.text) {
        Ok(doc) => Some((file, doc)),
        Err(errs) => {
            errors.extend(errs.into_iter().map(|e| {
                LoadError::at(
                    &file,
                    e.span,
                    K::Syntax {
                        message: e.message,
                        format: "TOML",
                    },
                )
            }));
            None
        }
    }
}

/// The keys `graph.toml` of a CSV folder takes.
const GRAPH_FILE_KEYS: &[&str] = &["graph", "sources"];

/// Reads the `schema.toml` and `graph.toml` of a CSV folder, when present.
fn folder_preamble(dir: &std::path::Path, pre: &mut Preamble, errors: &mut Vec<LoadError>) {
    use crate::format::csv as c;
    if let Some((file, doc)) = side_file(&dir.join(c::SCHEMA_FILE), errors) {
        let decl = super::decode::decode_schema_file(&file, &doc, errors);
        pre.schemas.push((file, decl));
    }
    let Some((file, doc)) = side_file(&dir.join(c::GRAPH_FILE), errors) else {
        return;
    };
    if let DocValue::Table(entries) = &doc.value {
        for (key, _) in entries {
            if !GRAPH_FILE_KEYS.contains(&key.name.as_str()) {
                errors.push(LoadError::at(
                    &file,
                    key.span,
                    K::UnknownField {
                        field: key.name.clone(),
                        what: "the graph.toml of a CSV folder",
                        allowed: GRAPH_FILE_KEYS,
                        suggestion: None,
                    },
                ));
            }
        }
    }
    let decl = super::decode::decode_file(&file, &doc, errors);
    pre.metas.push(decl.meta);
    pre.sources
        .extend(decl.sources.into_iter().map(|s| (Arc::clone(&file), s)));
}

/// Loads bulk inputs into one graph, reporting every problem (up to
/// [`MAX_LISTED`]).
pub(crate) fn load(
    inputs: &[BulkInput],
    progress: &dyn super::Progress,
) -> Result<Graph, super::LoadErrors> {
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
    let schema = graph.schema().clone();
    let sources = graph.sources().to_vec();
    let mut problems = Problems::default();
    let mut batches: Vec<EdgeBatch> = Vec::new();
    let mut rejected = HashSet::new();
    let mut node_kinds = Vec::new();
    let shared: std::sync::OnceLock<c::EdgeWork> = std::sync::OnceLock::new();
    std::thread::scope(|scope| {
        // edges.csv files are parsed on a second thread while the nodes
        // load; then the main thread helps from the other end.
        let csv_edges: Vec<(usize, PathBuf, String)> = opened
            .iter()
            .filter_map(|o| match o {
                Opened::Csv(_, Some(e)) => {
                    Some((*e, files[*e].path.clone(), files[*e].name.clone()))
                }
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
                        Ok(batch) => jsonl_batches.push(batch),
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
        batches.extend(front);
        batches.extend(helped);
        batches.extend(jsonl_batches);
    });
    // Edges in file order, whichever thread read them (the sort is stable:
    // the front thread's part of a file comes first).
    batches.sort_by_key(|b| b.file);
    add_edges(&mut graph, batches, &node_kinds, &rejected, &mut problems);
    progress.finish();
    if errors.is_empty() && problems.is_empty() {
        return Ok(graph);
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
