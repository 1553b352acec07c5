//! JSON Lines: a `graph`, `source` and `schema` record first, then one
//! line per node and per edge (see [`crate::format::jsonl`]).

use std::io::Write;

use serde::Serialize;

use super::{
    GraphFormat, MetaOut, Ordered, SchemaOut, WriteError, edges_out, json_text, meta, node_out,
    schema_parts,
};
use crate::model::{Graph, Source};

#[derive(Serialize)]
struct Typed<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    body: &'a T,
}

/// Refuses a graph with a property named `type`, which names a record's
/// type in this format.
pub fn check(graph: &Graph) -> Result<(), WriteError> {
    let bad = |what: String| WriteError::Unrepresentable {
        reason: format!(
            "{what} has a property named `type`, which JSON Lines uses for the record type; \
             rename the property, or convert to TOML, JSON or a CSV folder"
        ),
        format: GraphFormat::Jsonl,
    };
    if let Some((_, n)) = graph
        .nodes()
        .find(|(_, n)| n.properties().contains_key("type"))
    {
        return Err(bad(format!("node `{}`", n.id)));
    }
    if let Some(e) = edges_out(graph).find(|e| e.properties.contains_key("type")) {
        return Err(bad(format!("edge `{}` -{}-> `{}`", e.from, e.rel, e.to)));
    }
    Ok(())
}

/// Writes `graph` as JSON Lines.
pub fn write(graph: &Graph, w: &mut dyn Write) -> std::io::Result<()> {
    if let Some(m) = meta(graph) {
        let body: &MetaOut<'_> = &m;
        writeln!(
            w,
            "{}",
            json_text(&Typed {
                kind: "graph",
                body
            })?
        )?;
    }
    for s in graph.sources() {
        let body: &Source = s;
        writeln!(
            w,
            "{}",
            json_text(&Typed {
                kind: "source",
                body
            })?
        )?;
    }
    if !graph.has_default_schema() {
        let (kinds, relations) = schema_parts(graph.schema());
        let rules = super::rule_parts(graph.schema());
        let body = SchemaOut {
            kinds: Ordered(&kinds),
            relations: Ordered(&relations),
            rules: Ordered(&rules),
        };
        writeln!(
            w,
            "{}",
            json_text(&Typed {
                kind: "schema",
                body: &body
            })?
        )?;
    }
    for (_, n) in graph.nodes() {
        writeln!(w, "{}", json_text(&node_out(graph, n))?)?;
    }
    for e in edges_out(graph) {
        // Without `type`, a record with `id` is read as a node.
        if e.properties.contains_key("id") {
            writeln!(
                w,
                "{}",
                json_text(&Typed {
                    kind: "edge",
                    body: &e
                })?
            )?;
        } else {
            writeln!(w, "{}", json_text(&e)?)?;
        }
    }
    Ok(())
}
