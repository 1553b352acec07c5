//! JSON Lines: a `graph`, `source` and `schema` record first, then one
//! line per node and per edge (see [`crate::format::jsonl`]).

use std::io::Write;

use serde::Serialize;

use super::{
    GraphFormat, MetaOut, Ordered, Records, SchemaOut, WriteError, edges_out, meta, node_out,
    schema_parts,
};
use crate::model::{Graph, Properties, Source};

#[derive(Serialize)]
pub(super) struct Typed<'a, T: Serialize> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub body: &'a T,
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
    let typed = |p: &Properties| p.contains_key("type").then_some(());
    if let Some((e, ())) = super::first_edge(graph, typed) {
        return Err(bad(format!("edge `{}` -{}-> `{}`", e.from, e.rel, e.to)));
    }
    Ok(())
}

/// Writes `graph` as JSON Lines.
pub fn write(graph: &Graph, w: &mut dyn Write) -> std::io::Result<()> {
    let mut out = Records::default();
    if let Some(m) = meta(graph) {
        let body: &MetaOut<'_> = &m;
        let record = Typed {
            kind: "graph",
            body,
        };
        out.put(w, "", &record, "\n")?;
    }
    for s in graph.sources() {
        let body: &Source = s;
        let record = Typed {
            kind: "source",
            body,
        };
        out.put(w, "", &record, "\n")?;
    }
    if !graph.has_default_schema() {
        let (kinds, relations) = schema_parts(graph.schema());
        let rules = super::rule_parts(graph.schema());
        let body = SchemaOut {
            kinds: Ordered(&kinds),
            relations: Ordered(&relations),
            rules: Ordered(&rules),
        };
        let record = Typed {
            kind: "schema",
            body: &body,
        };
        out.put(w, "", &record, "\n")?;
    }
    for (_, n) in graph.nodes() {
        out.put_object(w, "", |o| o.node(None, &node_out(graph, n)), "\n")?;
    }
    for e in edges_out(graph) {
        // Without `type`, a record with `id` is read as a node.
        let kind = e.properties.contains_key("id").then_some("edge");
        out.put_object(w, "", |o| o.edge(kind, &e), "\n")?;
    }
    Ok(())
}
