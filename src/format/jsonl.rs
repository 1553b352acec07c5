//! JSON Lines (`.jsonl`, `.ndjson`): one JSON object per line, read by
//! `load::jsonl` and written by `write::jsonl`.
//!
//! Each line is one record:
//!
//! - a node: `{"id": …, "kind": …, "name": …, "provenance"?: …, …properties}`;
//! - an edge: `{"from": …, "rel": …, "to": …, "basis"?: …, "provenance"?: …, …properties}`;
//! - `{"type": "graph", "name": …, "description": …}`;
//! - `{"type": "source", "id": …, "title": …, "author"?: …, "date"?: …, "url"?: …}`;
//! - `{"type": "schema", "kinds": {…}, "relations": {…}}`, as in a JSON graph file.
//!
//! Nodes and edges have the shape of the JSON graph file's `nodes` and
//! `edges` entries. A record without `type` is a node when it has `id`, and
//! an edge otherwise; `"type": "node"` or `"type": "edge"` says so outright
//! (so `type` is not a property name in this format). `graph`, `source` and
//! `schema` records come before the first node or edge. Blank lines, a UTF-8
//! byte-order mark and CRLF line ends are accepted.

/// The record types a `type` key names.
pub const RECORD_TYPES: [&str; 5] = ["node", "edge", "graph", "source", "schema"];
