//! The JSON graph file: `{"graph", "sources", "schema", "nodes", "edges"}`,
//! one node or edge per line so big graphs stay readable and diffable.

use std::io::Write;

use super::{Ordered, Records, SchemaOut, edges_out, json_text, meta, node_out, schema_parts};
use crate::model::Graph;

/// Writes `graph` as a JSON graph file.
pub fn write(graph: &Graph, w: &mut dyn Write) -> std::io::Result<()> {
    w.write_all(b"{\n")?;
    if let Some(meta) = meta(graph) {
        writeln!(w, "  \"graph\": {},", json_text(&meta)?)?;
    }
    if !graph.sources().is_empty() {
        w.write_all(b"  \"sources\": [\n")?;
        for (i, s) in graph.sources().iter().enumerate() {
            let comma = if i + 1 < graph.sources().len() {
                ","
            } else {
                ""
            };
            writeln!(w, "    {}{comma}", json_text(s)?)?;
        }
        w.write_all(b"  ],\n")?;
    }
    if !graph.has_default_schema() {
        let (kinds, relations) = schema_parts(graph.schema());
        let rules = super::rule_parts(graph.schema());
        let schema = SchemaOut {
            kinds: Ordered(&kinds),
            relations: Ordered(&relations),
            rules: Ordered(&rules),
        };
        writeln!(w, "  \"schema\": {},", json_text(&schema)?)?;
    }
    let mut out = Records::default();
    w.write_all(b"  \"nodes\": [")?;
    for (i, (_, n)) in graph.nodes().enumerate() {
        let sep = if i == 0 { "\n    " } else { ",\n    " };
        out.put_object(w, sep, |o| o.node(None, &node_out(graph, n)), "")?;
    }
    w.write_all(b"\n  ],\n  \"edges\": [")?;
    for (i, e) in edges_out(graph).enumerate() {
        let sep = if i == 0 { "\n    " } else { ",\n    " };
        out.put_object(w, sep, |o| o.edge(None, &e), "")?;
    }
    w.write_all(b"\n  ]\n}\n")?;
    Ok(())
}
