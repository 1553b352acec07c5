//! The bodies of seccoop's fuzz targets, one function per target.
//!
//! Each function takes the raw bytes a fuzzer (or a proptest strategy)
//! made, feeds them to the library through the same public entry points the
//! `seccoop` binary uses, and panics when an invariant breaks. A panic is a
//! finding; so is a crash, a hang or running out of memory.
//!
//! # Where this code lives, and why
//!
//! The fuzz crate (`fuzz/`, its own workspace, built by `cargo +nightly
//! fuzz`) uses this file as its library, and the proptest stand-ins compile
//! the very same file into the test binary with
//! `#[path = "../fuzz/src/lib.rs"] mod targets;` (`tests/fuzz_standins/main.rs`).
//! So a stable toolchain without cargo-fuzz runs exactly the code the
//! fuzzers run. It is kept out of the `seccoop` library on purpose: its
//! assertions are a test oracle and must not ship in the binary, and the
//! library's public API needs no hooks for it. The file uses nothing but
//! seccoop's public API and crates seccoop itself depends on, and no inner
//! attributes, so it compiles as either a crate root or a module.
//!
//! # What each target checks
//!
//! - **Loaders** ([`load_toml`], [`load_json`], [`load_jsonl`],
//!   [`load_csv`]): a rejected input gets at least one error, every error
//!   has a sane position and renders as the command line renders it (miette
//!   with the source line); an accepted graph is well formed, round-trips
//!   through TOML, JSON, JSON Lines and a CSV folder with the same nodes,
//!   edges, properties, provenance, schema, sources and description, and
//!   its DOT reads back the same through graphviz-rust's parser. A writer
//!   may refuse a graph its format cannot express (JSON Lines and a
//!   property named `type`; CSV and a property name with a control
//!   character), but only with [`seccoop::write::WriteError::Unrepresentable`].
//!   The round trip includes a snapshot.
//! - **Snapshot** ([`load_snapshot`]): the bytes as a snapshot, as they
//!   are and resealed with a fitting checksum so the body's decoder is
//!   reached; refused with a printable error, or accepted as a well-formed
//!   graph that writes back the same. Opened in place, the same bytes
//!   never panic, and a snapshot that opens whole gives every node's edges
//!   in place as the whole graph gives them.
//! - **Cypher** ([`cypher_parse`], [`cypher_eval`]): errors carry spans
//!   inside the query and render; every result row is as wide as the
//!   columns and every cell renders as text and JSON. The evaluator runs on
//!   the curated graph with tighter bounds than the command line's (5 hops,
//!   20,000 rows a clause), so the fuzzer spends its time on many queries
//!   rather than one large answer: those bounds are tested elsewhere.
//! - **DOT** ([`dot_write`]): the bytes describe a graph (ids and names
//!   with any characters, self-loops, parallel edges, any relation between
//!   any kinds) and a diagram of it; the DOT text, read back with
//!   [`graphviz_rust::parse`], has every node under its id (or a stand-in
//!   whose tooltip names it), its label, every edge with its real direction
//!   and relation, and the title.
//!
//! Bulk inputs (JSON Lines, CSV folders) are read from files, as the
//! binary reads them: the bulk loaders stream from disk and re-read rows to
//! show problems, so an in-memory entry point would be a second code path.
//! Each input is written to a per-thread scratch folder under the system's
//! temporary folder (`fuzz/run.sh` points `TMPDIR` at `/dev/shm`).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use graphviz_rust::dot_structures::{Attribute, EdgeTy, Graph as DotGraph, Id, Stmt, Vertex};
use seccoop::export::dot::{quote_id, to_dot};
use seccoop::export::{Diagram, DiagramOptions, RankDir, ViewFilter};
use seccoop::load::{LoadErrors, load_paths, load_str};
use seccoop::model::{Basis, Edge, Graph, KindId, Node, RelId};
use seccoop::query::{self, Options, Params, QueryError, SeccoopGraph};
use seccoop::write::{GraphFormat, WriteError, write};

/// Fuzz target `load_toml`: the bytes as a TOML graph file.
pub fn load_toml(data: &[u8]) {
    graph_file(data, "fuzz.toml");
}

/// Fuzz target `load_json`: the bytes as a JSON graph file.
pub fn load_json(data: &[u8]) {
    graph_file(data, "fuzz.json");
}

/// Fuzz target `load_jsonl`: the bytes as a JSON Lines file.
pub fn load_jsonl(data: &[u8]) {
    with_scratch(|dir| {
        let path = dir.join("fuzz.jsonl");
        put(&path, data);
        check_load(load_paths(std::slice::from_ref(&path)), dir);
    });
}

/// The line that starts another file of a CSV folder in [`load_csv`]'s
/// input: `==> edges.csv <==` (as `head` prints several files).
pub const CSV_FILE_MARK: (&str, &str) = ("==> ", " <==");

/// The files a CSV folder may hold besides `nodes.csv`.
pub const CSV_OTHER_FILES: [&str; 3] = ["edges.csv", "schema.toml", "graph.toml"];

/// Fuzz target `load_csv`: the bytes as a CSV folder. They are `nodes.csv`
/// up to a line `==> NAME <==`, where NAME is `edges.csv`, `schema.toml` or
/// `graph.toml`, which starts that file; see [`csv_bundle`].
pub fn load_csv(data: &[u8]) {
    with_scratch(|dir| {
        let folder = dir.join("folder");
        let _ = std::fs::create_dir_all(&folder);
        let files = split_bundle(data);
        for name in std::iter::once("nodes.csv").chain(CSV_OTHER_FILES) {
            let path = folder.join(name);
            match files.get(name) {
                Some(bytes) => put(&path, bytes),
                None => {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
        check_load(load_paths(std::slice::from_ref(&folder)), dir);
    });
}

/// Fuzz target `load_snapshot`: the bytes as a snapshot, twice. First as
/// they are: a random change almost always breaks the checksum, which must
/// be told, like a cut or foreign file, by an error that says what is wrong
/// and to convert again. Then resealed ([`reseal`]: the header's body
/// length and checksum made to fit), so the fuzzer reaches the body's
/// decoder: a forged body is refused with an error, never a panic or a
/// huge allocation, and a body accepted is a graph as well formed as one
/// loaded from text, which writes back to a snapshot that reads the same.
pub fn load_snapshot(data: &[u8]) {
    use seccoop::load::snapshot::{read, read_asserted};
    for bytes in [data.to_vec(), reseal(data)] {
        view_snapshot(&bytes, read(&bytes).ok().as_ref());
        match read(&bytes) {
            Ok(mut graph) => {
                let again = seccoop::write::snapshot::to_bytes(&graph)
                    .unwrap_or_else(|e| panic!("an opened snapshot cannot be written: {e}"));
                let back = read(&again).unwrap_or_else(|e| {
                    panic!("a snapshot written from a snapshot is refused: {e}")
                });
                assert_eq!(dump(&back), dump(&graph), "a snapshot reads back otherwise");
                for e in graph.edges() {
                    let Some(proof) = graph.proof(e.index) else {
                        continue;
                    };
                    let rule = graph.schema().rules().get(proof.rule);
                    assert_eq!(rule.map(|r| r.head), Some(e.edge.rel), "a proof's rule");
                    for p in proof.edges {
                        assert!(p.index() < e.index.index(), "a premise after its edge");
                        assert!(graph.edge(*p).is_some(), "a premise that is no edge");
                    }
                }
                // The text formats hold what is asserted; derived edges are
                // derived again when they are read.
                graph.remove_derived();
                // Stepping over the derived edges as it reads gives the same.
                let asserted = read_asserted(&bytes).unwrap_or_else(|e| {
                    panic!("a snapshot that opens is refused without its derived edges: {e}")
                });
                assert_eq!(dump(&asserted), dump(&graph), "read without derived edges");
                with_scratch(|dir| check_graph(&graph, dir));
            }
            Err(problem) => {
                // Without the proofs' contents to check, it may open or be
                // refused, but never panic.
                if let Err(e) = read_asserted(&bytes) {
                    assert!(!e.to_string().is_empty(), "an empty message");
                }
                assert!(!problem.to_string().is_empty(), "an empty message");
                let kind = seccoop::load::LoadErrorKind::Snapshot {
                    path: PathBuf::from("fuzz.sccp"),
                    problem,
                };
                let error = seccoop::load::LoadError::bare(kind);
                let help = error.help().unwrap_or_default();
                assert!(help.contains("convert again"), "help: {help}");
                check_load_errors(&LoadErrors(vec![error]));
            }
        }
    }
}

/// The bytes with the header's body length and checksum set to fit the
/// rest, when they start like a snapshot of this version; else unchanged.
/// The bytes opened in place ([`seccoop::load::snapshot::view`]): never a
/// panic; and for a snapshot that opens whole (`whole`), every node found
/// by its id, and its neighbourhood holding the node's edges, in the same
/// order and with the same proofs, with and without derived edges.
pub fn view_snapshot(bytes: &[u8], whole: Option<&Graph>) {
    use seccoop::load::snapshot::view::View;
    use seccoop::model::Direction;
    let view = match (View::new(bytes.to_vec()), whole) {
        (Ok(view), _) => view,
        (Err(e), None) => {
            assert!(!e.to_string().is_empty(), "an empty message");
            return;
        }
        (Err(e), Some(_)) => panic!("a snapshot that opens whole is refused in place: {e}"),
    };
    let Some(graph) = whole else {
        // Whatever it says, it says it without a panic.
        for pos in 0..view.node_count().min(8) as u32 {
            let _ = view.neighbourhood(&[pos], 2, true, usize::MAX);
            let _ = view.impact_neighbourhood(&[pos], 3, true, usize::MAX);
        }
        let _ = view.find("a");
        return;
    };
    assert_eq!(view.node_count(), graph.node_count());
    assert_eq!(view.derived_count(), graph.derived_count());
    let edges = |g: &Graph, id: &str, derived: bool| -> Vec<String> {
        let Some(ix) = g.node_index(id) else {
            return vec!["no such node".into()];
        };
        g.edges_of(ix, Direction::Both)
            .filter(|e| derived || g.proof(e.index).is_none())
            .map(|e| {
                let end = |ix| g.node(ix).map_or("?".into(), |n| n.id.to_string());
                let proof = g.proof(e.index).map(|p| {
                    let rule = p.rule;
                    let premises: Vec<String> = p
                        .edges
                        .iter()
                        .filter_map(|&x| g.edge(x))
                        .map(|x| format!("{}-{}->{}", end(x.from), x.edge.rel.0, end(x.to)))
                        .collect();
                    format!("{rule}: {}", premises.join(", "))
                });
                format!(
                    "{}-{}->{} {:?} {proof:?}",
                    end(e.from),
                    e.edge.rel.0,
                    end(e.to),
                    e.edge
                )
            })
            .collect()
    };
    for (_, node) in graph.nodes().take(16) {
        let pos = view
            .find(&node.id)
            .unwrap_or_else(|e| panic!("a node is not found in place: {e}"))
            .unwrap_or_else(|| panic!("node {} is not found in place", node.id));
        for derived in [true, false] {
            let around = view
                .neighbourhood(&[pos], 1, derived, usize::MAX)
                .unwrap_or_else(|e| panic!("a neighbourhood is refused in place: {e}"))
                .unwrap_or_else(|| panic!("a neighbourhood without a limit gave way"));
            assert_eq!(
                edges(&around.graph, &node.id, derived),
                edges(graph, &node.id, derived),
                "node {}'s edges in place",
                node.id
            );
            // Each edge read in place names its own place in the whole graph.
            assert_eq!(around.whole_edges.len(), around.graph.edge_count());
            for (part, &whole) in around.graph.edges().zip(&around.whole_edges) {
                let whole = graph
                    .edges()
                    .find(|e| e.index.index() == whole as usize)
                    .unwrap_or_else(|| panic!("edge {whole} is not in the whole graph"));
                let ends = |g: &seccoop::model::Graph, e: &seccoop::model::EdgeRef<'_>| {
                    (
                        g.node(e.from).map(|n| n.id.to_string()),
                        g.node(e.to).map(|n| n.id.to_string()),
                    )
                };
                assert_eq!(ends(&around.graph, &part), ends(graph, &whole));
                assert_eq!(
                    part.edge,
                    whole.edge,
                    "edge {} in place",
                    whole.index.index()
                );
            }
        }
    }
    assert_eq!(view.find("\u{0}no such id").ok(), Some(None));
}

pub fn reseal(data: &[u8]) -> Vec<u8> {
    use seccoop::format::snapshot::{FORMAT_VERSION, MAGIC, checksum};
    let mut out = data.to_vec();
    if !data.starts_with(&MAGIC) || data.get(8..12) != Some(&FORMAT_VERSION.to_le_bytes()[..]) {
        return out;
    }
    let Some(&len) = data.get(12) else {
        return out;
    };
    let at = 13 + usize::from(len);
    let start = at + 16;
    if data.len() < start {
        return out;
    }
    let body = &data[start..];
    out[at..at + 8].copy_from_slice(&(body.len() as u64).to_le_bytes());
    out[at + 8..start].copy_from_slice(&checksum(body).to_le_bytes());
    out
}

/// A CSV folder as one [`load_csv`] input: `nodes.csv`, then each other
/// file present after its `==> NAME <==` line.
pub fn csv_bundle(folder: &Path) -> Vec<u8> {
    let mut out = std::fs::read(folder.join("nodes.csv")).unwrap_or_default();
    for name in CSV_OTHER_FILES {
        if let Ok(bytes) = std::fs::read(folder.join(name)) {
            if !out.ends_with(b"\n") && !out.is_empty() {
                out.push(b'\n');
            }
            out.extend_from_slice(
                format!("{}{name}{}\n", CSV_FILE_MARK.0, CSV_FILE_MARK.1).as_bytes(),
            );
            out.extend_from_slice(&bytes);
        }
    }
    out
}

fn split_bundle(data: &[u8]) -> BTreeMap<&'static str, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut current = "nodes.csv";
    let mut body: Vec<u8> = Vec::new();
    for line in data.split_inclusive(|&b| b == b'\n') {
        let text = line.strip_suffix(b"\n").unwrap_or(line);
        let named = std::str::from_utf8(text).ok().and_then(|t| {
            let name = t
                .strip_prefix(CSV_FILE_MARK.0)?
                .strip_suffix(CSV_FILE_MARK.1)?;
            CSV_OTHER_FILES.into_iter().find(|n| *n == name)
        });
        match named {
            Some(name) => {
                files.insert(current, std::mem::take(&mut body));
                current = name;
            }
            None => body.extend_from_slice(line),
        }
    }
    files.insert(current, body);
    files
}

fn graph_file(data: &[u8], name: &str) {
    match std::str::from_utf8(data) {
        // What `-g FILE` does after reading a UTF-8 file.
        Ok(text) => with_scratch(|dir| check_load(load_str(name, text), dir)),
        // Not UTF-8: through the file, as the binary reads it.
        Err(_) => with_scratch(|dir| {
            let path = dir.join(name);
            put(&path, data);
            check_load(load_paths(std::slice::from_ref(&path)), dir);
        }),
    }
}

thread_local! {
    static SCRATCH: RefCell<Option<tempfile::TempDir>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's scratch folder, made on first use.
fn with_scratch(f: impl FnOnce(&Path)) {
    let dir: PathBuf = SCRATCH.with(|s| {
        let mut s = s.borrow_mut();
        if s.is_none() {
            *s = Some(
                tempfile::Builder::new()
                    .prefix("seccoop-fuzz-")
                    .tempdir()
                    .unwrap_or_else(|e| panic!("cannot make a scratch folder: {e}")),
            );
        }
        s.as_ref()
            .map(|d| d.path().to_path_buf())
            .unwrap_or_default()
    });
    f(&dir);
}

fn put(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes)
        .unwrap_or_else(|e| panic!("cannot write scratch file {}: {e}", path.display()));
}

/// Checks the outcome of a load: errors, or a graph.
fn check_load(result: Result<Graph, LoadErrors>, scratch: &Path) {
    match result {
        Ok(graph) => check_graph(&graph, scratch),
        Err(errors) => check_load_errors(&errors),
    }
}

/// Every error has a position that makes sense and renders as the command
/// line shows it.
pub fn check_load_errors(errors: &LoadErrors) {
    assert!(!errors.0.is_empty(), "a load failed without an error");
    for e in &errors.0 {
        let message = e.to_string();
        assert!(!message.is_empty(), "an error without a message: {e:?}");
        if let Some(loc) = e.location() {
            assert!(
                loc.line >= 1 && loc.column >= 1,
                "position {loc:?} of {message:?}"
            );
        }
        let _ = e.help();
        let shown = seccoop::output::diagnostic(e, false);
        assert!(!shown.is_empty());
    }
    let _ = errors.to_string();
}

/// An accepted graph is well formed, round-trips through every format that
/// reads back, and draws as DOT that reads back.
pub fn check_graph(graph: &Graph, scratch: &Path) {
    let mut ids = 0;
    for (ix, node) in graph.nodes() {
        assert_eq!(
            graph.node_index(&node.id),
            Some(ix),
            "id map of {:?}",
            node.id
        );
        ids += 1;
    }
    assert_eq!(ids, graph.node_count());
    for e in graph.edges() {
        let (Some(from), Some(to)) = (graph.node(e.from), graph.node(e.to)) else {
            panic!("an edge to a missing node");
        };
        assert!(
            graph.schema().allows(e.edge.rel, from.kind, to.kind),
            "the schema forbids {} -{}-> {}, yet the graph was accepted",
            from.id,
            graph.rel_name(e.edge.rel),
            to.id
        );
    }
    round_trip(graph, scratch);
    let diagram = Diagram::view(graph, &ViewFilter::default());
    check_dot(&diagram, &DiagramOptions::default());
}

/// Writes `graph` in every format and reads it back: the same graph.
pub fn round_trip(graph: &Graph, scratch: &Path) {
    let want = dump(graph);
    let out = scratch.join("out");
    let _ = std::fs::create_dir_all(&out);
    for (name, format) in [
        ("g.toml", GraphFormat::Toml),
        ("g.json", GraphFormat::Json),
        ("g.jsonl", GraphFormat::Jsonl),
        ("csv", GraphFormat::Csv),
        ("g.graphml", GraphFormat::Graphml),
        ("nl.json", GraphFormat::NodeLink),
        ("g.ttl", GraphFormat::Turtle),
        ("g.nt", GraphFormat::NTriples),
        ("g.sccp", GraphFormat::Snapshot),
    ] {
        let path = out.join(name);
        match write(graph, &path, format) {
            Ok(()) => {}
            // The format cannot hold this graph, and says so: only for the
            // documented reasons. XML 1.0 has no way to write most control
            // characters, which property values and notes may hold: GraphML
            // refuses them by name.
            Err(WriteError::Unrepresentable { reason, .. })
                if format == GraphFormat::Graphml
                    && (reason.contains("XML")
                        || (!all_finite(graph) && reason.contains("NaN"))) =>
            {
                continue;
            }
            Err(WriteError::Unrepresentable { reason, .. }) => {
                assert!(
                    cannot_hold(graph, format),
                    "{name} refuses a graph it can hold: {reason}"
                );
                continue;
            }
            Err(e) => panic!("writing {name} failed: {e}"),
        }
        match load_paths(std::slice::from_ref(&path)) {
            Ok(back) => {
                let got = dump(&back);
                if got != want {
                    let wrote: Vec<&str> = want
                        .lines()
                        .filter(|l| !got.lines().any(|g| g == *l))
                        .collect();
                    let read: Vec<&str> = got
                        .lines()
                        .filter(|l| !want.lines().any(|w| w == *l))
                        .collect();
                    panic!(
                        "{name} does not read back the same graph\n--- wrote\n{}\n--- read\n{}",
                        wrote.join("\n"),
                        read.join("\n")
                    );
                }
            }
            Err(errors) => {
                let text = if path.is_dir() {
                    csv_bundle(&path)
                } else {
                    std::fs::read(&path).unwrap_or_default()
                };
                panic!(
                    "{name} written from an accepted graph is refused: {:#?}\n{}",
                    errors.0.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
                    String::from_utf8_lossy(&text)
                );
            }
        }
    }
}

/// Whether `format` cannot express `graph`: JSON Lines names a record's
/// type with `type`, a CSV header cannot be empty or hold a control
/// character, node-link edges reserve `source`, `target` and `key`, and
/// JSON, JSON Lines, CSV and node-link have no NaN or infinities.
fn cannot_hold(graph: &Graph, format: GraphFormat) -> bool {
    let names = graph
        .nodes()
        .flat_map(|(_, n)| n.properties().keys())
        .chain(graph.edges().flat_map(|e| e.edge.properties().keys()));
    let mut names = names;
    let all_finite = all_finite(graph);
    match format {
        GraphFormat::Jsonl => !all_finite || names.any(|k| k == "type"),
        GraphFormat::Csv => {
            !all_finite || names.any(|k| k.is_empty() || k.chars().any(char::is_control))
        }
        GraphFormat::Json => !all_finite,
        // Node-link edges keep their ends and key under these names.
        GraphFormat::NodeLink => {
            !all_finite
                || graph
                    .edges()
                    .flat_map(|e| e.edge.properties().keys())
                    .any(|k| matches!(k.as_str(), "source" | "target" | "key"))
        }
        GraphFormat::Neo4j | GraphFormat::Kuzu => !all_finite,
        GraphFormat::Snapshot => graph
            .nodes()
            .flat_map(|(_, n)| n.properties().values())
            .chain(graph.edges().flat_map(|e| e.edge.properties().values()))
            .any(|v| nesting(v) > seccoop::format::snapshot::MAX_DEPTH),
        GraphFormat::Toml | GraphFormat::Graphml | GraphFormat::Turtle | GraphFormat::NTriples => {
            false
        }
    }
}

/// How deep lists nest in a value (0 for a scalar).
fn nesting(v: &seccoop::model::Value) -> usize {
    match v {
        seccoop::model::Value::List(items) => 1 + items.iter().map(nesting).max().unwrap_or(0),
        _ => 0,
    }
}

/// Whether no property holds NaN or an infinity, alone or in a list.
fn all_finite(graph: &Graph) -> bool {
    fn finite(v: &seccoop::model::Value) -> bool {
        match v {
            seccoop::model::Value::Float(x) => x.is_finite(),
            seccoop::model::Value::List(items) => items.iter().all(finite),
            _ => true,
        }
    }
    graph
        .nodes()
        .flat_map(|(_, n)| n.properties().values())
        .chain(graph.edges().flat_map(|e| e.edge.properties().values()))
        .all(finite)
}

/// Everything a graph holds, as text: [`Graph::dump`].
pub fn dump(g: &Graph) -> String {
    g.dump()
}

/// Fuzz target `cypher_parse`: the bytes as a Cypher query, and as a
/// parameter literal.
pub fn cypher_parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = query::parse(&text) {
        check_query_error(&e, &text);
    }
    let _ = query::parse_literal(&text);
}

/// The graph [`cypher_eval`] queries: the curated one.
fn curated() -> &'static Graph {
    static GRAPH: OnceLock<Graph> = OnceLock::new();
    GRAPH.get_or_init(|| {
        seccoop::load::embedded().unwrap_or_else(|e| panic!("the curated graph loads: {e}"))
    })
}

/// Fuzz target `cypher_eval`: the bytes as a Cypher query over the curated
/// graph.
pub fn cypher_eval(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let graph = SeccoopGraph::new(curated());
    let options = Options {
        max_hops: Some(5),
        max_rows: 20_000,
        ..Options::default()
    };
    match query::run(&text, &graph, &Params::new(), &options) {
        Ok(result) => {
            for w in &result.warnings {
                check_span(w.span, &text, &w.message);
                let _ = seccoop::output::diagnostic(&w.report("<query>", &text), false);
            }
            for row in &result.rows {
                assert_eq!(row.len(), result.columns.len(), "row width in {text:?}");
                for v in row {
                    let _ = query::cell_text(&graph, v);
                    let _ = query::to_json(&graph, v).to_string();
                }
            }
        }
        Err(e) => check_query_error(&e, &text),
    }
}

fn check_span(span: query::Span, text: &str, what: &str) {
    assert!(
        span.start <= span.end
            && span.end <= text.len()
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end),
        "span {span:?} of {what:?} is not inside the query {text:?}"
    );
}

fn check_query_error(e: &QueryError, text: &str) {
    let message = e.to_string();
    assert!(!message.is_empty());
    check_span(e.span(), text, &message);
    let _ = e.line_col(text);
    let _ = e.help();
    let shown = seccoop::output::diagnostic(&e.report("<query>", text), false);
    assert!(!shown.is_empty());
}

/// Reads fuzz bytes as small numbers and strings; past the end, zeros.
struct Reader<'a> {
    data: &'a [u8],
}

impl Reader<'_> {
    fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    /// A number below `n` (which must be positive).
    fn below(&mut self, n: usize) -> usize {
        self.byte() as usize % n
    }

    /// A string of up to 31 bytes, decoded lossily (so any bytes make text).
    fn text(&mut self) -> String {
        let len = (self.byte() as usize % 32).min(self.data.len());
        let (head, rest) = self.data.split_at(len);
        self.data = rest;
        String::from_utf8_lossy(head).into_owned()
    }
}

/// Fuzz target `dot_write`: a graph and a diagram of it made from the
/// bytes, written as DOT and read back with graphviz-rust's parser.
pub fn dot_write(data: &[u8]) {
    let mut r = Reader { data };
    let schema = curated().schema().clone();
    let kinds: Vec<KindId> = schema.kinds().map(|(k, _)| k).collect();
    let rels: Vec<RelId> = schema.relations().map(|(r, _)| r).collect();
    let mut graph = Graph::new(schema);
    let flags = r.byte();
    let node_count = r.below(16) + 1;
    let mut nodes = Vec::new();
    for _ in 0..node_count {
        let id = r.text();
        let name = r.text();
        let kind = kinds[r.below(kinds.len())];
        let node = Node::new(id, kind, name);
        // A repeated id is refused by the graph, as by the loaders.
        if let Ok(ix) = graph.add_node(node) {
            nodes.push(ix);
        }
    }
    let edge_count = r.below(32);
    for _ in 0..edge_count {
        let from = nodes[r.below(nodes.len())];
        let rel = rels[r.below(rels.len())];
        let to = nodes[r.below(nodes.len())];
        let basis = if r.byte() & 1 == 1 {
            Basis::Inferred
        } else {
            Basis::Stated
        };
        let edge = Edge::new(rel, basis);
        graph.add_edge(from, to, edge);
    }
    let options = DiagramOptions {
        rankdir: if flags & 1 == 1 {
            RankDir::Tb
        } else {
            RankDir::Lr
        },
        legend: flags & 2 == 2,
    };
    let mut diagram = if flags & 4 == 4 {
        let focus = nodes[r.below(nodes.len())];
        let depth = r.below(3);
        Diagram::neighbourhood(&graph, focus, depth, &ViewFilter::default())
    } else {
        Diagram::view(&graph, &ViewFilter::default())
    };
    if flags & 8 == 8 {
        diagram = diagram.with_title(r.text());
    }
    check_dot(&diagram, &options);
}

/// A label as Graphviz shows it: `\r\n` and a lone `\r` break the line.
fn as_label(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Undoes [`seccoop::export::dot::quote_label`]: a quoted escape string.
fn unescape_label(id: &Id) -> String {
    let Id::Escaped(quoted) = id else {
        return id.to_string();
    };
    let inner = quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(quoted);
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('n') => out.push('\n'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// The name Graphviz gives a node written as `id`: in a quoted string only
/// `\"` is an escape.
fn node_name(id: &Id) -> String {
    match id {
        Id::Escaped(quoted) => quoted
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or(quoted)
            .replace("\\\"", "\""),
        Id::Html(html) => html
            .strip_prefix('<')
            .and_then(|s| s.strip_suffix('>'))
            .unwrap_or(html)
            .to_string(),
        Id::Plain(s) => s.clone(),
        Id::Anonymous(s) => s.clone(),
    }
}

fn attr<'a>(attrs: &'a [Attribute], key: &str) -> Option<&'a Id> {
    attrs
        .iter()
        .find(|Attribute(k, _)| matches!(k, Id::Plain(p) if p == key))
        .map(|Attribute(_, v)| v)
}

/// What the DOT text holds, as graphviz-rust parsed it.
#[derive(Default)]
struct ReadBack {
    /// Node name → (label, tooltip), outside the legend.
    nodes: BTreeMap<String, (String, String)>,
    /// Every node name, legend included, with how often it is declared.
    names: BTreeMap<String, usize>,
    /// The legend's node names.
    legend: std::collections::BTreeSet<String>,
    /// Outside the legend: (tail, head, relation, drawn `dir=back`, the
    /// box the tail stands for (`ltail`), the box the head stands for
    /// (`lhead`), drawn unseen).
    edges: Vec<ReadEdge>,
    /// Area boxes: DOT name → (tooltip, member names).
    boxes: BTreeMap<String, (String, Vec<String>)>,
    /// The graph's label.
    title: Option<String>,
}

/// An edge as read: tail, head, relation, `dir=back`, `ltail`, `lhead`,
/// `style=invis`.
type ReadEdge = (
    String,
    String,
    String,
    bool,
    Option<String>,
    Option<String>,
    bool,
);

fn collect(stmts: &[Stmt], in_legend: bool, top: bool, out: &mut ReadBack) -> Vec<String> {
    // The names of the nodes declared here and in nested subgraphs.
    let mut declared = Vec::new();
    for stmt in stmts {
        match stmt {
            Stmt::Node(n) => {
                let name = node_name(&n.id.0);
                *out.names.entry(name.clone()).or_default() += 1;
                declared.push(name.clone());
                if in_legend {
                    out.legend.insert(name);
                } else {
                    let label = attr(&n.attributes, "label").map(unescape_label);
                    let tooltip = attr(&n.attributes, "tooltip").map(unescape_label);
                    out.nodes.insert(
                        name,
                        (label.unwrap_or_default(), tooltip.unwrap_or_default()),
                    );
                }
            }
            Stmt::Edge(e) => {
                if in_legend {
                    continue;
                }
                let EdgeTy::Pair(Vertex::N(a), Vertex::N(b)) = &e.ty else {
                    panic!("an edge that is not between two nodes: {e:?}");
                };
                let rel = attr(&e.attributes, "label")
                    .or_else(|| attr(&e.attributes, "tooltip"))
                    .map(unescape_label)
                    .unwrap_or_default();
                let back = matches!(attr(&e.attributes, "dir"), Some(Id::Plain(d)) if d == "back");
                let clipped = |key| attr(&e.attributes, key).map(node_name);
                let unseen =
                    matches!(attr(&e.attributes, "style"), Some(Id::Plain(s)) if s == "invis");
                out.edges.push((
                    node_name(&a.0),
                    node_name(&b.0),
                    rel,
                    back,
                    clipped("ltail"),
                    clipped("lhead"),
                    unseen,
                ));
            }
            Stmt::Subgraph(s) => {
                let name = node_name(&s.id);
                let legend = in_legend || name == "cluster_legend";
                let inside = collect(&s.stmts, legend, false, out);
                if !legend && name.starts_with("cluster_") {
                    let tooltip = s.stmts.iter().find_map(|st| match st {
                        Stmt::Attribute(Attribute(Id::Plain(k), v)) if k == "tooltip" => {
                            Some(unescape_label(v))
                        }
                        _ => None,
                    });
                    out.boxes
                        .insert(name, (tooltip.unwrap_or_default(), inside.clone()));
                }
                declared.extend(inside);
            }
            Stmt::Attribute(Attribute(Id::Plain(k), v)) if top && k == "label" => {
                out.title = Some(unescape_label(v));
            }
            _ => {}
        }
    }
    declared
}

/// Writes `d` as DOT, parses it back with graphviz-rust and checks every
/// node, label, edge and the title came back.
pub fn check_dot(d: &Diagram, options: &DiagramOptions) {
    let g = d.graph;
    let dot = to_dot(d, options);
    // graphviz-rust's grammar ends an HTML id at `>` `>` (Graphviz at the
    // `>` that balances the first `<`), so it cannot read the ids written in
    // that form; `tests/cli/dot_roundtrip.rs` checks those with Graphviz.
    let html = d.nodes.iter().any(|&n| {
        g.node(n)
            .is_some_and(|node| matches!(quote_id(&node.id), Some(Id::Html(_))))
    });
    if html {
        return;
    }
    let parsed = graphviz_rust::parse(&dot)
        .unwrap_or_else(|e| panic!("graphviz-rust cannot read the DOT: {e}\n{dot}"));
    let DotGraph::DiGraph { stmts, .. } = &parsed else {
        panic!("not a digraph:\n{dot}");
    };
    let mut read = ReadBack::default();
    collect(stmts, false, true, &mut read);

    for (name, count) in &read.names {
        assert_eq!(*count, 1, "{name:?} is declared {count} times\n{dot}");
    }
    assert_eq!(
        read.title.as_deref(),
        d.title.as_deref().map(as_label).as_deref(),
        "title\n{dot}"
    );

    // Every drawn node is a diagram node, under its id or a stand-in.
    let by_id: BTreeMap<&str, &Node> = d
        .nodes
        .iter()
        .filter_map(|&n| g.node(n))
        .map(|n| (&*n.id, n))
        .collect();
    let tooltip = |n: &Node| as_label(&format!("{} ({})", n.id, g.kind_name(n.kind)));
    let mut id_of: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, (label, tip)) in &read.nodes {
        let node = match by_id.get(name.as_str()) {
            Some(node) => *node,
            None => {
                assert!(
                    name.starts_with("seccoop-node-"),
                    "drawn node {name:?} is no node of the diagram\n{dot}"
                );
                let found: Vec<&Node> = by_id
                    .values()
                    .filter(|n| tooltip(n) == *tip)
                    .copied()
                    .collect();
                assert_eq!(found.len(), 1, "stand-in {name:?} ({tip:?})\n{dot}");
                assert!(
                    quote_id(&found[0].id).is_none(),
                    "{:?} has a DOT form, yet is drawn as stand-in {name:?}\n{dot}",
                    found[0].id
                );
                found[0]
            }
        };
        assert_eq!(
            *label,
            as_label(&node.name),
            "label of {:?}\n{dot}",
            node.id
        );
        assert_eq!(*tip, tooltip(node), "tooltip of {:?}\n{dot}", node.id);
        assert!(
            id_of.insert(name.as_str(), &*node.id).is_none(),
            "{name:?} twice"
        );
    }
    // Each box is one area, found by its tooltip; no area stands inside
    // its own box. A label reads a carriage return as a line break, so
    // areas whose ids differ only in their line breaks share a tooltip: a
    // box then stands for one of them, there are no more such boxes than
    // such areas, and one of them at least is not inside the box.
    let areas_of = |tip: &str| -> Vec<&str> {
        by_id
            .values()
            .filter(|n| tooltip(n) == tip)
            .map(|n| &*n.id)
            .collect()
    };
    let mut boxed = std::collections::BTreeSet::new();
    let mut boxes_per_tip: BTreeMap<&str, usize> = BTreeMap::new();
    for (tooltip, members) in read.boxes.values() {
        let areas = areas_of(tooltip);
        let count = boxes_per_tip.entry(tooltip.as_str()).or_default();
        *count += 1;
        assert!(
            !areas.is_empty() && *count <= areas.len(),
            "box {tooltip:?}: {count} box(es), areas {areas:?}\n{dot}"
        );
        let inside = |area: &str| {
            members
                .iter()
                .any(|m| id_of.get(m.as_str()).copied() == Some(area))
        };
        assert!(
            areas.iter().any(|a| !inside(a)),
            "{areas:?} inside its own box\n{dot}"
        );
        boxed.extend(areas);
    }
    // Edge ends are compared by id, except that nodes sharing a tooltip
    // (see above) are told apart no further than the drawing tells them.
    let canon = |id: &str| -> String {
        match by_id.get(id) {
            Some(n) if areas_of(&tooltip(n)).len() > 1 => format!("one of {:?}", tooltip(n)),
            _ => id.to_string(),
        }
    };

    // Every diagram node is drawn, or is an area drawn as its box alone.
    let clusters = d.clusters();
    let drawn: std::collections::BTreeSet<&str> = id_of.values().copied().collect();
    for &n in &d.nodes {
        let Some(node) = g.node(n) else { continue };
        assert!(
            drawn.contains(&*node.id) || boxed.contains(&*node.id),
            "{:?} is not drawn\n{dot}",
            node.id
        );
    }

    // Edges: each diagram edge not drawn as a box, in its real direction.
    let mut want: Vec<(String, String, String)> = d
        .edges
        .iter()
        .filter(|&&e| !d.implied_by_cluster(&clusters, e))
        .filter_map(|&e| {
            let (a, b) = g.petgraph().edge_endpoints(e)?;
            let rel = g.rel_name(g.petgraph().edge_weight(e)?.rel).to_string();
            Some((canon(&g.node(a)?.id), as_label(&rel), canon(&g.node(b)?.id)))
        })
        .collect();
    let mut got: Vec<(String, String, String)> = Vec::new();
    for (tail, head, rel, back, ltail, lhead, unseen) in &read.edges {
        if *unseen {
            // Unseen edges only tie the legend to the drawing.
            assert!(
                read.legend.contains(tail) || read.legend.contains(head),
                "an unseen edge outside the legend\n{dot}"
            );
            continue;
        }
        // An end at a box (`lhead`/`ltail`) is drawn to a member of the box
        // and stands for the box's area.
        let end = |name: &String, clip: &Option<String>| match clip {
            Some(b) => {
                let (tooltip, members) = read
                    .boxes
                    .get(b)
                    .unwrap_or_else(|| panic!("{b:?} is no box\n{dot}"));
                assert!(members.contains(name), "{name:?} is not in {b:?}\n{dot}");
                let areas = areas_of(tooltip);
                canon(areas.first().copied().unwrap_or_default())
            }
            None => id_of
                .get(name.as_str())
                .map(|s| canon(s))
                .unwrap_or_else(|| panic!("an edge ends at {name:?}, no drawn node\n{dot}")),
        };
        let (tail, head) = (end(tail, ltail), end(head, lhead));
        let (from, to) = if *back { (head, tail) } else { (tail, head) };
        got.push((from, rel.clone(), to));
    }
    want.sort();
    got.sort();
    assert_eq!(got, want, "edges\n{dot}");
}
