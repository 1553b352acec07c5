//! The CSV folder: the layout graph databases use for bulk import, read by
//! `load::csv` and written by `write::csv`.
//!
//! A folder holds:
//!
//! - `nodes.csv`, header `id,kind,name`, then optional columns: `provenance`
//!   and one column per property;
//! - `edges.csv` (optional), header `from,rel,to`, then optional columns:
//!   `basis` (`stated`, the default when empty, or `inferred`), `provenance`
//!   and one column per property;
//! - `schema.toml` (optional): the schema, in the shape of
//!   `graph/schema.toml`; without it, the default schema;
//! - `graph.toml` (optional): `[graph]` (name, description) and
//!   `[[sources]]`, as in a TOML graph file.
//!
//! Files are RFC 4180 CSV: fields may be quoted, and quoted fields may hold
//! commas, doubled quotes and newlines. A UTF-8 byte-order mark, CRLF line
//! ends and blank lines are accepted. Columns may come in any order.
//!
//! **Typed columns.** A property column's header is `NAME` or `NAME:TYPE`,
//! where TYPE is `string` (the default), `int`, `float`, `bool` or `json`
//! (any value, JSON-encoded: lists, or a column whose values mix types). An
//! empty cell means the row has no such property. A header whose part after
//! the last colon is not a type is a string column named by the whole header
//! (`ratio:2` is the property `ratio:2`).
//!
//! **Provenance** is a JSON cell: one `{"source": …, "section": …, "item":
//! …, "note": …}` object or a list of them, as in the JSON graph file.

/// The nodes file of a CSV folder.
pub const NODES_FILE: &str = "nodes.csv";
/// The edges file of a CSV folder.
pub const EDGES_FILE: &str = "edges.csv";
/// The schema file of a CSV folder.
pub const SCHEMA_FILE: &str = "schema.toml";
/// The file of a CSV folder that describes the graph and declares sources.
pub const GRAPH_FILE: &str = "graph.toml";

/// Fixed columns of `nodes.csv`.
pub const NODE_COLUMNS: [&str; 4] = ["id", "kind", "name", "provenance"];
/// Fixed columns of `edges.csv`.
pub const EDGE_COLUMNS: [&str; 5] = ["from", "rel", "to", "basis", "provenance"];

/// The type of a property column, written after a colon in its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Text, as written.
    String,
    /// A signed 64-bit integer.
    Int,
    /// A 64-bit float (`inf`, `-inf` and `nan` included).
    Float,
    /// `true` or `false`.
    Bool,
    /// Any value, JSON-encoded.
    Json,
}

impl ColumnType {
    /// Every type, as written in headers.
    pub const NAMES: [&'static str; 5] = ["string", "int", "float", "bool", "json"];

    /// The type a header suffix names.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "string" => Self::String,
            "int" => Self::Int,
            "float" => Self::Float,
            "bool" => Self::Bool,
            "json" => Self::Json,
            _ => return None,
        })
    }

    /// The suffix that names the type.
    pub fn name(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Int => "int",
            Self::Float => "float",
            Self::Bool => "bool",
            Self::Json => "json",
        }
    }

    /// What a cell of the type holds, for messages.
    pub fn expected(self) -> &'static str {
        match self {
            Self::String => "text",
            Self::Int => "an integer",
            Self::Float => "a number",
            Self::Bool => "`true` or `false`",
            Self::Json => "a JSON string, number, boolean or list",
        }
    }
}

/// Splits a property column's header into the property's name and type.
pub fn split_header(header: &str) -> (&str, ColumnType) {
    match header.rsplit_once(':') {
        Some((name, ty)) => match ColumnType::parse(ty) {
            Some(ty) => (name, ty),
            None => (header, ColumnType::String),
        },
        None => (header, ColumnType::String),
    }
}
