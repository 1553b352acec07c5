//! Node-link JSON, the shape NetworkX's `node_link_graph` reads (and D3
//! draws):
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

use std::io::Write;

use serde::Serialize;

use super::{GraphFormat, Ordered, SchemaOut, WriteError, json_text, node_out, schema_parts};
use crate::model::{Basis, Graph, Properties, Provenance, Source, Value};

/// Edge keys the format itself uses, which no edge property may take.
const EDGE_FIELDS: [&str; 3] = ["source", "target", "key"];

#[derive(Serialize)]
struct Meta<'g> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'g str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'g str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    sources: &'g [Source],
    #[serde(skip_serializing_if = "Option::is_none")]
    schema: Option<SchemaOut<'g>>,
}

#[derive(Serialize)]
struct EdgeOut<'g> {
    source: &'g str,
    target: &'g str,
    key: &'g str,
    rel: &'g str,
    basis: Basis,
    #[serde(flatten)]
    properties: &'g Properties,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    provenance: &'g [Provenance],
}

/// Refuses what node-link JSON cannot carry: an edge property named like a
/// field of the format, and floats JSON has no number for.
pub fn check(graph: &Graph) -> Result<(), WriteError> {
    let bad = |reason: String| WriteError::Unrepresentable {
        reason,
        format: GraphFormat::NodeLink,
    };
    fn finite(v: &Value) -> bool {
        match v {
            Value::Float(x) => x.is_finite(),
            Value::List(items) => items.iter().all(finite),
            _ => true,
        }
    }
    for (_, n) in graph.nodes() {
        if let Some((k, _)) = n.properties.iter().find(|(_, v)| !finite(v)) {
            return Err(bad(format!(
                "property `{k}` of node `{}` is not a finite number, which JSON cannot hold; \
                 convert to TOML, GraphML or a CSV folder",
                n.id
            )));
        }
    }
    for e in super::edges_out(graph) {
        if let Some(k) = EDGE_FIELDS.iter().find(|k| e.properties.contains_key(**k)) {
            return Err(bad(format!(
                "edge `{}` -{}-> `{}` has a property named `{k}`, which node-link JSON uses \
                 for the edge itself; rename the property, or convert to another format",
                e.from, e.rel, e.to
            )));
        }
        if let Some((k, _)) = e.properties.iter().find(|(_, v)| !finite(v)) {
            return Err(bad(format!(
                "property `{k}` of edge `{}` -{}-> `{}` is not a finite number, which JSON \
                 cannot hold; convert to TOML, GraphML or a CSV folder",
                e.from, e.rel, e.to
            )));
        }
    }
    Ok(())
}

/// Writes `graph` as node-link JSON, one node or edge per line.
pub fn write(graph: &Graph, w: &mut dyn Write) -> std::io::Result<()> {
    let (kinds, relations) = schema_parts(graph.schema());
    let rules = super::rule_parts(graph.schema());
    let meta = graph.meta();
    let head = Meta {
        name: meta.name.as_deref(),
        description: meta.description.as_deref(),
        sources: graph.sources(),
        schema: (!super::is_default_schema(graph.schema())).then_some(SchemaOut {
            kinds: Ordered(&kinds),
            relations: Ordered(&relations),
            rules: Ordered(&rules),
        }),
    };
    writeln!(
        w,
        "{{\n  \"directed\": true,\n  \"multigraph\": true,\n  \"graph\": {},",
        json_text(&head)?
    )?;
    w.write_all(b"  \"nodes\": [")?;
    for (i, (_, n)) in graph.nodes().enumerate() {
        let sep = if i == 0 { "\n" } else { ",\n" };
        write!(w, "{sep}    {}", json_text(&node_out(graph, n))?)?;
    }
    w.write_all(b"\n  ],\n  \"edges\": [")?;
    for (i, e) in super::edges_out(graph).enumerate() {
        let sep = if i == 0 { "\n" } else { ",\n" };
        let out = EdgeOut {
            source: e.from,
            target: e.to,
            key: e.rel,
            rel: e.rel,
            basis: e.basis,
            properties: e.properties,
            provenance: e.provenance,
        };
        write!(w, "{sep}    {}", json_text(&out)?)?;
    }
    w.write_all(b"\n  ]\n}\n")
}
