//! Loading graph files: reading, parsing, checking, merging.
//!
//! Loading runs in three steps, each collecting every problem it finds so
//! `check` can report them all at once:
//!
//! 1. read the file, tell its format ([`GraphFormat::detect`]) and parse it:
//!    TOML and JSON into a spanned [`doc::Doc`];
//! 2. decode the document's shape into declarations ([`decode`]);
//! 3. assemble the declarations of every file into one checked
//!    [`Graph`] ([`assemble`]).
//!
//! The curated graph and the default schema are compiled into the binary
//! ([`embedded`]), so the tool needs no files. The command line opens the
//! curated graph from a snapshot of it compiled in beside the text
//! ([`embedded_with_derived`]), so no command parses TOML at start.
//!
//! RDF files (Turtle, N-Triples, [`rdf`]), GraphML files ([`graphml`]) and
//! node-link JSON ([`node_link`]) are read into the same declarations as
//! TOML and JSON, so they are checked and merged alike. What a format looks
//! like, the part its reader and writer share, is in [`crate::format`].
//!
//! Bulk inputs, a CSV folder ([`csv`]) or a JSON Lines file ([`jsonl`]),
//! skip the document tree and stream rows straight into the graph
//! ([`bulk`]); [`GraphFormat::to_read`] tells them apart by path.
//!
//! A snapshot (`.sccp`, [`snapshot`]) is opened alone: it holds one whole
//! graph, checked when it was written, with its derived edges.

pub mod assemble;
pub mod bulk;
pub mod csv;
pub mod decode;
pub mod doc;
mod error;
pub mod graphml;
pub mod jsonl;
pub mod node_link;
pub mod rdf;
pub mod snapshot;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use error::{LoadError, LoadErrorKind, LoadErrors, Location, SourceFile, problem_count};

use crate::format::GraphFormat;
use crate::model::{Graph, Span};
use decode::{FileDecl, SchemaDecl};
use doc::Doc;

/// The curated security-cooperation graph, as shipped.
pub const EMBEDDED_GRAPH: &str = include_str!("../../graph/security-cooperation.toml");

/// The curated graph as a snapshot, with the edges its rules derive: what
/// the command line opens. Made from [`EMBEDDED_GRAPH`] by
/// `seccoop convert graph/security-cooperation.toml graph/security-cooperation.sccp`
/// (or `UPDATE_EMBEDDED=1 cargo test --lib embedded_snapshot`); a test
/// fails when it no longer matches the text, byte for byte.
///
/// # Why a file in the repository, not one made by a build script
/// A build script cannot call the library it belongs to, and moving the
/// loader and the snapshot writer into a crate of their own for it would
/// split the library in two. The snapshot is small (about 50 kB), and the
/// test that compares it with a fresh load of the text keeps it from
/// going stale.
pub const EMBEDDED_SNAPSHOT: &[u8] = include_bytes!("../../graph/security-cooperation.sccp");

/// The default schema, used by every file that does not bring its own.
pub const DEFAULT_SCHEMA: &str = include_str!("../../graph/schema.toml");

/// The name the embedded graph is shown under in messages.
pub const EMBEDDED_NAME: &str = "<embedded>/security-cooperation.toml";

/// Hears how far a load has got, for a progress bar. Bulk loads report the
/// bytes read, from two threads at once.
pub trait Progress: Sync {
    /// The load will read about `total` bytes.
    fn begin(&self, total: u64);
    /// `bytes` more were read.
    fn advance(&self, bytes: u64);
    /// The load is over.
    fn finish(&self);
}

/// A [`Progress`] that shows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn begin(&self, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// Reads a file as UTF-8 text, dropping a byte-order mark.
///
/// A file that is not UTF-8 is still returned (lossily decoded, so the error
/// can show it) together with the error.
pub fn read_file(path: &Path) -> (Option<Arc<SourceFile>>, Option<LoadError>) {
    let name = path.display().to_string();
    if path.is_dir() {
        let kind = LoadErrorKind::IsDirectory {
            path: path.to_path_buf(),
        };
        return (None, Some(LoadError::bare(kind)));
    }
    let fifo = match special_file(path) {
        Some("FIFO") => true,
        Some(what) => {
            let kind = LoadErrorKind::NotAFile {
                path: path.to_path_buf(),
                what,
            };
            return (None, Some(LoadError::bare(kind)));
        }
        _ => false,
    };
    let read = if fifo {
        read_fifo(path)
    } else {
        std::fs::read(path)
    };
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(source) => {
            let reason = crate::io_text::io_reason(&source);
            let kind = LoadErrorKind::Read {
                path: path.to_path_buf(),
                reason,
                io: source,
            };
            return (None, Some(LoadError::bare(kind)));
        }
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (Some(Arc::new(SourceFile::new(name, text))), None),
        Err(e) => {
            let offset = e.valid_up_to();
            let file = Arc::new(SourceFile::new(
                name,
                String::from_utf8_lossy(bytes).into_owned(),
            ));
            // The lossy text replaces the bad byte with U+FFFD, which starts at the same offset.
            let span = Span {
                start: offset,
                end: offset + '\u{FFFD}'.len_utf8(),
            };
            let err = LoadError::at(&file, span, LoadErrorKind::NotUtf8 { offset });
            (Some(file), Some(err))
        }
    }
}

/// How long a FIFO is given to find a writer before `-g` gives up on it.
pub const FIFO_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Reads a FIFO or pipe, so `-g <(command)` and `-g /dev/stdin` work.
///
/// Opening a FIFO blocks until some program opens it for writing, which may
/// never happen; the open runs on its own thread and is given [`FIFO_WAIT`].
/// A thread still waiting then is left behind: the command is about to fail
/// and exit. Once a writer is there, reading waits for it as long as it
/// writes, as any reader of a pipe does.
fn read_fifo(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let (tx, rx) = std::sync::mpsc::channel();
    let owned = path.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(std::fs::File::open(owned));
    });
    let mut file = match rx.recv_timeout(FIFO_WAIT) {
        Ok(opened) => opened?,
        Err(_) => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!(
                    "it is a FIFO and no program opened it for writing within {} s",
                    FIFO_WAIT.as_secs()
                ),
            ));
        }
    };
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// An error for opening a special file (see [`special_file`]) as a bulk
/// input, before the open that could block.
pub(crate) fn refuse_special(path: &Path) -> std::io::Result<()> {
    match special_file(path) {
        Some(what) => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("it is a {what}, not a regular file"),
        )),
        None => Ok(()),
    }
}

/// What `path` is when it is neither a file nor a directory: a FIFO with
/// no writer would block the read forever (graph files read one with a
/// bound on the wait, [`read_fifo`]; bulk inputs refuse it), and a device
/// such as `/dev/zero` never ends.
pub(crate) fn special_file(path: &Path) -> Option<&'static str> {
    let kind = std::fs::metadata(path).ok()?.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_fifo() {
            return Some("FIFO");
        }
        if kind.is_socket() {
            return Some("socket");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("device");
        }
    }
    (!kind.is_file() && !kind.is_dir()).then_some("special file")
}

/// Parses and decodes one graph file.
pub fn parse_file(file: &Arc<SourceFile>, errors: &mut Vec<LoadError>) -> FileDecl {
    use crate::format::rdf::RdfSyntax;
    let format = GraphFormat::detect(&file.name, &file.text);
    match format {
        GraphFormat::Turtle => return rdf::decode_file(file, RdfSyntax::Turtle, errors),
        GraphFormat::NTriples => return rdf::decode_file(file, RdfSyntax::NTriples, errors),
        GraphFormat::Graphml => return graphml::decode_graphml(file, errors),
        _ => {}
    }
    match parse_doc(file, format, errors) {
        // Node-link is JSON: a TOML file is never read as one.
        Some(doc) if format == GraphFormat::Json && node_link::is_node_link(&doc) => {
            node_link::decode_node_link(file, doc, errors)
        }
        Some(doc) => decode::decode_file(file, &doc, errors),
        None => FileDecl::default(),
    }
}

/// The document tree of a TOML or JSON file; `None` for other formats,
/// which are not read as one.
fn parse_doc(
    file: &Arc<SourceFile>,
    format: GraphFormat,
    errors: &mut Vec<LoadError>,
) -> Option<Doc> {
    match format {
        GraphFormat::Toml => Doc::parse_toml(&file.text)
            .map_err(|errs| {
                errors.extend(errs.into_iter().map(|e| {
                    LoadError::at(
                        file,
                        e.span,
                        LoadErrorKind::Syntax {
                            message: e.message,
                            format: "TOML",
                        },
                    )
                }));
            })
            .ok(),
        // A blank file is an empty graph in either format (`check` warns).
        GraphFormat::Json if file.text.trim().is_empty() => Doc::parse_json("{}").ok(),
        GraphFormat::Json => Doc::parse_json(&file.text)
            .map_err(|e| {
                errors.push(LoadError::at(
                    file,
                    e.span,
                    LoadErrorKind::Syntax {
                        message: e.message,
                        format: "JSON",
                    },
                ));
            })
            .ok(),
        _ => None,
    }
}

/// The default schema, parsed.
pub(crate) fn default_schema(errors: &mut Vec<LoadError>) -> (Arc<SourceFile>, SchemaDecl) {
    let file = Arc::new(SourceFile::new("<embedded>/schema.toml", DEFAULT_SCHEMA));
    let decl = match Doc::parse_toml(DEFAULT_SCHEMA) {
        Ok(doc) => decode::decode_schema_file(&file, &doc, errors),
        Err(_) => SchemaDecl::default(),
    };
    (file, decl)
}

/// The default schema (`graph/schema.toml`), built: the schema of every
/// graph file that brings none.
pub fn default_schema_model() -> crate::model::Schema {
    let mut errors = Vec::new();
    let (file, decl) = default_schema(&mut errors);
    assemble::build_schema(&[(&file, &decl)], &mut errors)
}

/// Whether `schema` holds the default schema's kinds and relations, in its
/// order: a graph file or folder may spell the default schema out.
pub fn is_default_schema(schema: &crate::model::Schema) -> bool {
    let default = default_schema_model();
    schema.kinds().eq(default.kinds()) && schema.relations().eq(default.relations())
}

/// Builds a graph from files already read, reporting every problem.
pub fn load_sources(files: Vec<Arc<SourceFile>>) -> Result<Graph, LoadErrors> {
    let mut errors = Vec::new();
    let parsed: Vec<_> = files
        .into_iter()
        .map(|f| {
            let decl = parse_file(&f, &mut errors);
            (f, decl)
        })
        .collect();
    let schema = default_schema(&mut errors);
    let graph = assemble::assemble(&parsed, &schema, &mut errors);
    if errors.is_empty() {
        return Ok(graph);
    }
    // Report in file order, then line order, whichever pass found them.
    let order = |e: &LoadError| {
        let file = e
            .file
            .as_ref()
            .and_then(|f| parsed.iter().position(|(p, _)| Arc::ptr_eq(p, f)))
            .unwrap_or(usize::MAX);
        (file, e.span.map_or(0, |s| s.start))
    };
    errors.sort_by_key(order);
    Err(LoadErrors(cap(errors)))
}

/// The first [`bulk::MAX_LISTED`] problems and a count of the rest, so a
/// file with a million duplicates reports a readable list, fast.
fn cap(mut errors: Vec<LoadError>) -> Vec<LoadError> {
    if errors.len() > bulk::MAX_LISTED {
        let more = error::problem_count(errors.get(bulk::MAX_LISTED..).unwrap_or_default());
        errors.truncate(bulk::MAX_LISTED);
        errors.push(LoadError::bare(LoadErrorKind::TooMany { more }));
    }
    errors
}

/// Reads, checks and merges graph files into one graph (TOML, JSON,
/// node-link JSON and GraphML files, or CSV folders and JSON Lines files),
/// or opens one snapshot.
///
/// Every problem in every file is reported, in file order. CSV folders and
/// JSON Lines files load together, but not with graph files read whole.
pub fn load_paths(paths: &[PathBuf]) -> Result<Graph, LoadErrors> {
    load_paths_with(paths, &NoProgress)
}

/// [`load_paths`], telling `progress` how far bulk inputs have got.
pub fn load_paths_with(paths: &[PathBuf], progress: &dyn Progress) -> Result<Graph, LoadErrors> {
    load_paths_deriving(paths, progress, bulk::Derive::Off).map(|(graph, _)| graph)
}

/// [`load_paths_with`] without derived edges: what the sources assert, as
/// a command answering with `--no-reasoning`, or writing a format that
/// holds only that, wants. A snapshot's derived edges are stepped over as
/// it is read ([`snapshot::Derived::Skip`]) rather than added and then
/// removed; no other format holds any.
pub fn load_paths_asserted(
    paths: &[PathBuf],
    progress: &dyn Progress,
) -> Result<Graph, LoadErrors> {
    load_paths_opening(paths, progress, bulk::Derive::Off, snapshot::Derived::Skip)
        .map(|(graph, _)| graph)
}

/// [`load_paths_with`], then the edges the schema's rules derive added
/// ([`crate::reason::materialise`]), or why they could not be. A bulk load
/// derives on a second thread while it adds the asserted edges, and adds
/// the derived ones as they come ([`crate::reason::derive_in_chunks`]).
pub fn load_paths_reasoning(
    paths: &[PathBuf],
    progress: &dyn Progress,
) -> Result<Result<Graph, crate::reason::ReasonError>, LoadErrors> {
    // Linked as they come, none is kept apart.
    reasoned(paths, progress, bulk::Derive::Link).map(|r| r.map(|(graph, _)| graph))
}

/// [`load_paths_reasoning`], except that a bulk load hands back the edges
/// its rules derived apart from the graph (see [`crate::reason::apart`]),
/// for a command that reads only a neighbourhood to link those it needs;
/// the graph holds them already when the second part is `None`. With
/// `at`, the ids of the only nodes whose own edges the command reads, only
/// the derived edges at them are kept.
pub fn load_paths_reasoning_apart(
    paths: &[PathBuf],
    progress: &dyn Progress,
    at: Option<&[&str]>,
) -> ReasonedApart {
    reasoned(
        paths,
        progress,
        at.map_or(bulk::Derive::Apart, bulk::Derive::At),
    )
}

/// Loads with the rules as `derive` says: the graph, with the derived edges
/// in it or (from a bulk load, when `derive` says so) apart.
fn reasoned(paths: &[PathBuf], progress: &dyn Progress, derive: bulk::Derive<'_>) -> ReasonedApart {
    let (mut graph, derived) = load_paths_deriving(paths, progress, derive)?;
    let apart = match derived {
        Some(apart) => apart,
        // A snapshot brings its derived edges.
        None if graph.derived_count() > 0 => Ok(None),
        None => crate::reason::materialise(&mut graph).map(|_| None),
    };
    Ok(apart.map(|apart| (graph, apart)))
}

/// What [`load_paths_reasoning_apart`] gives.
pub type ReasonedApart =
    Result<Result<(Graph, Option<crate::reason::Apart>), crate::reason::ReasonError>, LoadErrors>;

/// Loads, and unless `derive` says not to, has a bulk load work out what
/// the rules derive.
fn load_paths_deriving(
    paths: &[PathBuf],
    progress: &dyn Progress,
    derive: bulk::Derive<'_>,
) -> Result<bulk::Loaded, LoadErrors> {
    load_paths_opening(paths, progress, derive, snapshot::Derived::Keep)
}

/// [`load_paths_deriving`], opening a snapshot with its derived edges or
/// without them as `derived` says.
fn load_paths_opening(
    paths: &[PathBuf],
    progress: &dyn Progress,
    derive: bulk::Derive<'_>,
    derived: snapshot::Derived,
) -> Result<bulk::Loaded, LoadErrors> {
    if let Some(path) = paths.iter().find(|p| snapshot::is_snapshot(p)) {
        if paths.len() > 1 {
            let kind = LoadErrorKind::SnapshotNotAlone { path: path.clone() };
            return Err(LoadErrors(vec![LoadError::bare(kind)]));
        }
        return snapshot::open_with(path, derived).map(|graph| (graph, None));
    }
    // The bulk format of each path, `None` for a graph file read whole.
    let kinds: Vec<Option<GraphFormat>> = paths
        .iter()
        .map(|p| GraphFormat::to_read(p).filter(|f| f.is_bulk()))
        .collect();
    if kinds.iter().any(Option::is_some) {
        if let Some(i) = kinds.iter().position(Option::is_none) {
            let bulk = kinds.iter().position(Option::is_some).unwrap_or(i);
            return Err(LoadErrors(vec![LoadError::bare(
                LoadErrorKind::MixedFormats {
                    // cannot fail: `bulk` is a position in `kinds`, which has one entry per path.
                    path: paths[bulk].clone(),
                },
            )]));
        }
        let inputs: Vec<bulk::BulkInput> = paths
            .iter()
            .zip(kinds)
            .map(|(p, k)| match k {
                Some(GraphFormat::Csv) => bulk::BulkInput::CsvFolder(p.clone()),
                _ => bulk::BulkInput::JsonLines(p.clone()),
            })
            .collect();
        return bulk::load(&inputs, progress, derive);
    }
    let mut errors = Vec::new();
    let mut files = Vec::new();
    for path in paths {
        let (file, err) = read_file(path);
        match err {
            // A file that is not UTF-8 is reported, not parsed.
            Some(e) => errors.push(e),
            None => files.extend(file),
        }
    }
    match load_sources(files) {
        Ok(graph) if errors.is_empty() => Ok((graph, None)),
        Ok(_) => Err(LoadErrors(errors)),
        Err(LoadErrors(more)) => {
            errors.extend(more);
            Err(LoadErrors(cap(errors)))
        }
    }
}

/// Builds a graph from the text of a graph file read whole (TOML, JSON,
/// node-link JSON, GraphML, Turtle or N-Triples; the format is detected
/// from `name` and the text).
///
/// ```
/// let graph = seccoop::load::load_str("mine.toml", r#"
/// [[nodes]]
/// id = "phishing"
/// kind = "threat"
/// name = "Phishing"
/// "#).unwrap();
/// assert_eq!(graph.node_count(), 1);
/// ```
pub fn load_str(name: &str, text: &str) -> Result<Graph, LoadErrors> {
    load_sources(vec![Arc::new(SourceFile::new(name, text))])
}

/// The curated security-cooperation graph compiled into the binary.
///
/// ```
/// let graph = seccoop::load::embedded().unwrap();
/// assert!(graph.node_by_id("terrorism").is_some());
/// ```
pub fn embedded() -> Result<Graph, LoadErrors> {
    load_str(EMBEDDED_NAME, EMBEDDED_GRAPH)
}

/// The curated graph with the edges its rules derive, opened from the
/// snapshot compiled into the binary ([`EMBEDDED_SNAPSHOT`]): the same
/// graph as [`embedded`] followed by [`crate::reason::materialise`], in a
/// fraction of the time, since nothing is parsed or derived.
///
/// Should the snapshot be one this build cannot read (a change to the
/// snapshot format not yet followed by a new snapshot, which the tests
/// report), the text is loaded and the edges derived instead.
///
/// ```
/// let graph = seccoop::load::embedded_with_derived().unwrap().unwrap();
/// assert!(graph.derived_count() > 0);
/// let mut again = seccoop::load::embedded().unwrap();
/// seccoop::reason::materialise(&mut again).unwrap();
/// assert_eq!(graph.dump(), again.dump());
/// ```
pub fn embedded_with_derived() -> Result<Result<Graph, crate::reason::ReasonError>, LoadErrors> {
    if let Ok(graph) = snapshot::read_static(EMBEDDED_SNAPSHOT, snapshot::Trust::Embedded) {
        return Ok(Ok(graph));
    }
    let mut graph = embedded()?;
    Ok(crate::reason::materialise(&mut graph).map(|_| graph))
}

#[cfg(test)]
mod tests {
    /// The snapshot compiled into the binary is exactly what converting the
    /// curated graph's text writes today, so it cannot go stale: editing
    /// the graph, the schema, the rules or the snapshot format without
    /// making it again fails here. `UPDATE_EMBEDDED=1` writes it afresh.
    #[test]
    fn the_embedded_snapshot_is_a_fresh_load_of_graph() {
        let mut fresh = super::embedded().unwrap_or_else(|e| panic!("{e}"));
        crate::reason::materialise(&mut fresh).unwrap_or_else(|e| panic!("{e}"));
        let bytes = crate::write::snapshot::to_bytes(&fresh).unwrap_or_else(|e| panic!("{e}"));
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/graph/security-cooperation.sccp"
        );
        if std::env::var_os("UPDATE_EMBEDDED").is_some() {
            std::fs::write(path, &bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
            return;
        }
        let opened = super::snapshot::read(super::EMBEDDED_SNAPSHOT)
            .unwrap_or_else(|e| panic!("the embedded snapshot does not open: {e}"));
        assert_eq!(
            opened.dump(),
            fresh.dump(),
            "graph/security-cooperation.sccp is stale: make it again with \
             `UPDATE_EMBEDDED=1 cargo test --lib embedded_snapshot`"
        );
        assert!(
            bytes == super::EMBEDDED_SNAPSHOT,
            "graph/security-cooperation.sccp holds the same graph but not the bytes this \
             build writes: make it again with `UPDATE_EMBEDDED=1 cargo test --lib embedded_snapshot`"
        );
        assert!(opened.derived_count() > 0);
    }

    /// `--no-reasoning` on the built-in graph drops the snapshot's derived
    /// edges: what is left is the text's graph, edge for edge.
    #[test]
    fn the_embedded_snapshot_without_derived_edges_is_the_text() {
        let mut opened = super::embedded_with_derived()
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("{e}"));
        opened.remove_derived();
        let text = super::embedded().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(opened.dump(), text.dump());
        assert_eq!(opened.derived_count(), 0);
    }
}
