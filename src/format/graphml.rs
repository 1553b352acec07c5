//! GraphML: the XML graph format of Gephi, yEd, Cytoscape and NetworkX,
//! read by `load::graphml` and written by `write::graphml`.
//!
//! What both sides must agree on beyond GraphML itself: seccoop writes a
//! property GraphML cannot type (lists, mixed types), provenance, sources
//! and the schema as JSON text in a `string` key whose `<desc>` is
//! [`JSON_DESC`], so it reads them back as the original values.

/// GraphML's XML namespace.
pub const NAMESPACE: &str = "http://graphml.graphdrawing.org/xmlns";

/// The `<desc>` of a key whose values are JSON text.
pub const JSON_DESC: &str = "seccoop: JSON-encoded value";

/// Whether a file's text looks like XML (its first character is `<`), which
/// a graph file without a known extension is then read as.
pub fn looks_like_xml(text: &str) -> bool {
    text.trim_start().starts_with('<')
}
