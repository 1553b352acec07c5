//! The interchange formats: each one's layout, names and file extensions,
//! shared by the readers (`load`) and the writers (`write`), so that
//! neither needs the other to know what a file looks like.
//!
//! [`GraphFormat`] is the one table of graph formats: which format a path
//! names (by its extension, or by its content where a graph file's
//! extension says nothing), and whether seccoop reads it, writes it, or
//! both. The submodules hold what reader and writer of one format must
//! agree on beyond the format's own standard:
//!
//! - [`csv`]: the CSV folder's files, columns and column types;
//! - [`graph_file`]: the TOML and JSON graph file, as Rust types for its
//!   JSON Schema;
//! - [`graphml`]: how seccoop marks JSON-encoded GraphML values;
//! - [`jsonl`]: the records of a JSON Lines file;
//! - [`node_link`]: the keys of node-link JSON;
//! - [`rdf`]: the IRI scheme and the mapping of a graph onto triples;
//! - [`snapshot`]: the layout of seccoop's own binary snapshot.

pub mod csv;
pub mod graph_file;
pub mod graphml;
pub mod jsonl;
pub mod node_link;
pub mod rdf;
pub mod snapshot;

use std::path::Path;

/// The formats a graph is read from or written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// A TOML graph file.
    Toml,
    /// A JSON graph file.
    Json,
    /// JSON Lines: one node or edge per line.
    Jsonl,
    /// A CSV folder: nodes.csv, edges.csv, graph.toml, schema.toml.
    Csv,
    /// RDF as Turtle (.ttl).
    Turtle,
    /// RDF as N-Triples (.nt).
    #[value(name = "ntriples")]
    NTriples,
    /// GraphML, for Gephi, yEd, Cytoscape and NetworkX (.graphml).
    Graphml,
    /// Node-link JSON, as NetworkX's node_link_graph reads it.
    NodeLink,
    /// A folder of CSV files and a Cypher script for Neo4j's LOAD CSV.
    Neo4j,
    /// A folder of CSV files and a Cypher script for Kuzu's COPY.
    Kuzu,
    /// seccoop's own binary snapshot (.sccp), which opens fastest.
    Snapshot,
}

/// Which way seccoop handles files with an extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    /// Read and written.
    Both,
    /// Read only: another tool's name for the format.
    Read,
}

/// The file extensions of the graph formats, lowercase, each with the
/// format it names. Node-link JSON is a `.json` file told apart by its
/// content once parsed; the CSV folder and the database bundles are
/// folders.
const EXTENSIONS: [(&str, GraphFormat, Use); 9] = [
    ("toml", GraphFormat::Toml, Use::Both),
    ("json", GraphFormat::Json, Use::Both),
    ("jsonl", GraphFormat::Jsonl, Use::Both),
    ("ndjson", GraphFormat::Jsonl, Use::Both),
    ("ttl", GraphFormat::Turtle, Use::Both),
    ("nt", GraphFormat::NTriples, Use::Both),
    ("graphml", GraphFormat::Graphml, Use::Both),
    ("xml", GraphFormat::Graphml, Use::Read),
    ("sccp", GraphFormat::Snapshot, Use::Both),
];

/// The command that writes graph files, named when another command is
/// asked to write one.
pub const WRITTEN_BY: &str = "seccoop convert";

/// A path's extension, lowercase.
fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

/// The table's row for a path's extension.
fn by_extension(path: &Path) -> Option<(GraphFormat, Use)> {
    let ext = extension(path)?;
    EXTENSIONS
        .iter()
        .find(|(e, _, _)| *e == ext)
        .map(|&(_, format, way)| (format, way))
}

impl GraphFormat {
    /// The extensions of the files seccoop writes graphs as, dotted, in the
    /// table's order (`.toml`, `.json` …), for help texts.
    pub fn written_extensions() -> Vec<String> {
        EXTENSIONS
            .iter()
            .filter(|(_, format, way)| *way == Use::Both && format.writable())
            .map(|(ext, _, _)| format!(".{ext}"))
            .collect()
    }

    /// The names of the formats seccoop writes, as `--to` takes them.
    pub fn written_names() -> Vec<&'static str> {
        use clap::ValueEnum as _;
        GraphFormat::value_variants()
            .iter()
            .filter(|f| f.writable())
            .map(|f| f.name())
            .collect()
    }

    /// The format's name, as `--to` takes it.
    pub fn name(self) -> &'static str {
        match self {
            GraphFormat::Toml => "toml",
            GraphFormat::Json => "json",
            GraphFormat::Jsonl => "jsonl",
            GraphFormat::Csv => "csv",
            GraphFormat::Turtle => "turtle",
            GraphFormat::NTriples => "ntriples",
            GraphFormat::Graphml => "graphml",
            GraphFormat::NodeLink => "node-link",
            GraphFormat::Neo4j => "neo4j",
            GraphFormat::Kuzu => "kuzu",
            GraphFormat::Snapshot => "snapshot",
        }
    }

    /// Whether seccoop reads graphs in the format (`-g`); the database
    /// bundles are written only.
    pub fn readable(self) -> bool {
        !matches!(self, GraphFormat::Neo4j | GraphFormat::Kuzu)
    }

    /// Whether seccoop writes graphs in the format (`seccoop convert`);
    /// every format is.
    pub fn writable(self) -> bool {
        true
    }

    /// Whether the format is binary: a snapshot, opened by its own reader
    /// and never parsed as text.
    pub fn is_binary(self) -> bool {
        self == GraphFormat::Snapshot
    }

    /// Whether the format is a bulk input, streamed row by row rather than
    /// parsed whole: a CSV folder or a JSON Lines file.
    pub fn is_bulk(self) -> bool {
        matches!(self, GraphFormat::Csv | GraphFormat::Jsonl)
    }

    /// The format a path given to `-g` is read in, when the path tells it
    /// before the file is opened: a directory holding `nodes.csv` is a CSV
    /// folder, a file named by an extension of the table is in its format.
    /// `None` for anything else, which is read as a graph file whose format
    /// [`GraphFormat::detect`] tells from its text (or reading it reports
    /// why it cannot be read).
    ///
    /// ```
    /// use seccoop::format::GraphFormat;
    /// use std::path::Path;
    /// assert_eq!(GraphFormat::to_read(Path::new("g.ndjson")), Some(GraphFormat::Jsonl));
    /// assert_eq!(GraphFormat::to_read(Path::new("g.xml")), Some(GraphFormat::Graphml));
    /// assert_eq!(GraphFormat::to_read(Path::new("graph")), None);
    /// ```
    pub fn to_read(path: &Path) -> Option<Self> {
        if path.is_dir() {
            return path
                .join(csv::NODES_FILE)
                .is_file()
                .then_some(GraphFormat::Csv);
        }
        by_extension(path).map(|(format, _)| format)
    }

    /// The format of a graph file read as a whole (not a bulk input nor a
    /// snapshot): by its name's extension, else by its first character (`{`
    /// is JSON, `<` GraphML), else TOML. Node-link JSON is JSON here; its reader tells
    /// it apart once the JSON is parsed.
    ///
    /// ```
    /// use seccoop::format::GraphFormat;
    /// assert_eq!(GraphFormat::detect("g.ttl", ""), GraphFormat::Turtle);
    /// assert_eq!(GraphFormat::detect("-", " {\"nodes\": []}"), GraphFormat::Json);
    /// assert_eq!(GraphFormat::detect("-", "<graphml/>"), GraphFormat::Graphml);
    /// assert_eq!(GraphFormat::detect("-", "[[nodes]]"), GraphFormat::Toml);
    /// ```
    pub fn detect(name: &str, text: &str) -> Self {
        match by_extension(Path::new(name)) {
            Some((format, _)) if !format.is_bulk() && !format.is_binary() => format,
            _ if text.trim_start().starts_with('{') => GraphFormat::Json,
            _ if graphml::looks_like_xml(text) => GraphFormat::Graphml,
            _ => GraphFormat::Toml,
        }
    }

    /// The format a path asks to be written in: an existing directory or a
    /// name without an extension is a CSV folder; else by extension (`.xml`
    /// is not written; node-link JSON and the database bundles are asked
    /// for by name, `--to`).
    ///
    /// ```
    /// use seccoop::format::GraphFormat;
    /// use std::path::Path;
    /// assert_eq!(GraphFormat::to_write(Path::new("g.graphml")), Some(GraphFormat::Graphml));
    /// assert_eq!(GraphFormat::to_write(Path::new("folder")), Some(GraphFormat::Csv));
    /// assert_eq!(GraphFormat::to_write(Path::new("g.xml")), None);
    /// ```
    pub fn to_write(path: &Path) -> Option<Self> {
        if path.is_dir() || extension(path).is_none() {
            return Some(GraphFormat::Csv);
        }
        match by_extension(path)? {
            (format, Use::Both) => Some(format),
            (_, Use::Read) => None,
        }
    }

    /// The graph format a file's extension names, when [`WRITTEN_BY`]
    /// writes it: what an answer's `-o` must not be given, since the answer
    /// would be something else in a file named as a graph.
    ///
    /// ```
    /// use seccoop::format::GraphFormat;
    /// use std::path::Path;
    /// assert_eq!(GraphFormat::graph_file(Path::new("out.GraphML")), Some(GraphFormat::Graphml));
    /// assert_eq!(GraphFormat::graph_file(Path::new("out.svg")), None);
    /// ```
    pub fn graph_file(path: &Path) -> Option<Self> {
        match by_extension(path)? {
            (format, Use::Both) if format.writable() => Some(format),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_extension_names_a_format_read_and_lowercase() {
        for (ext, format, _) in EXTENSIONS {
            assert_eq!(ext, ext.to_ascii_lowercase());
            assert!(format.readable(), "{ext}");
            let upper = format!("g.{}", ext.to_ascii_uppercase());
            assert_eq!(GraphFormat::to_read(Path::new(&upper)), Some(format));
        }
    }

    #[test]
    fn what_is_written_reads_back_in_the_same_format() {
        for (ext, _, _) in EXTENSIONS {
            let path = format!("g.{ext}");
            if let Some(format) = GraphFormat::to_write(Path::new(&path)) {
                assert_eq!(GraphFormat::to_read(Path::new(&path)), Some(format));
            }
        }
    }

    /// The code of every `.rs` file under `src/DIR`, without its tests.
    fn code_under(dir: &str) -> Vec<(std::path::PathBuf, String)> {
        fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).expect("a source folder").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        walk(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir),
            &mut files,
        );
        files
            .into_iter()
            .filter(|p| p.file_name().is_some_and(|n| n != "tests.rs"))
            .map(|p| {
                let text = std::fs::read_to_string(&p).expect("a source file");
                let code = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
                (p, code)
            })
            .collect()
    }

    #[test]
    fn readers_and_writers_share_formats_not_each_other() {
        // Only round-trip tests may use both sides.
        for (side, other) in [
            ("load", "write"),
            ("write", "load"),
            ("format", "load"),
            ("format", "write"),
        ] {
            for (path, code) in code_under(side) {
                assert!(
                    !code.contains(&format!("crate::{other}")),
                    "{} names crate::{other}",
                    path.display()
                );
            }
        }
    }

    #[test]
    fn a_bulk_extension_is_not_a_whole_file_format() {
        // A JSON Lines name given to the whole-file reader is sniffed.
        assert_eq!(GraphFormat::detect("g.jsonl", "{}"), GraphFormat::Json);
        assert_eq!(GraphFormat::detect("g.ndjson", "x = 1"), GraphFormat::Toml);
    }
}
