//! Node-link JSON, the shape NetworkX's `node_link_graph` reads (and D3
//! draws), written by `write::node_link` and read by
//! `load::node_link`:
//!
//! ```json
//! {"directed": true, "multigraph": true,
//!  "graph": {"name": …, "description": …, "sources": […], "schema": {…}},
//!  "nodes": [{"id": …, "kind": …, "name": …, …properties, "provenance": […]}],
//!  "edges": [{"source": …, "target": …, "key": REL, "rel": REL, "basis": …, …properties, "provenance": […]}]}
//! ```
//!
//! The edge list is `edges`, NetworkX's default since 3.4 (older versions
//! read it with `edges="edges"`). The graph is a directed multigraph keyed by
//! relation: two nodes may be joined by edges of several relations, and never
//! by two of the same one. Properties keep their JSON types, lists included;
//! `schema` is written only when it is not the default schema.

/// Edge keys the format itself uses, which no edge property may take.
pub const EDGE_FIELDS: [&str; 3] = ["source", "target", "key"];
