//! Writing node-link JSON, in the shape [`crate::format::node_link`] describes.

use std::io::Write;

use serde::Serialize;

use super::records::Object;
use super::{
    GraphFormat, Ordered, Records, SchemaOut, WriteError, json_text, node_out, schema_parts,
};
use crate::format::node_link::EDGE_FIELDS;
use crate::model::{Basis, Graph, Properties, Provenance, Source, Value};

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
pub(super) struct EdgeOut<'g> {
    pub source: &'g str,
    pub target: &'g str,
    pub key: &'g str,
    pub rel: &'g str,
    pub basis: Basis,
    #[serde(flatten)]
    pub properties: &'g Properties,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub provenance: &'g [Provenance],
}

impl<'g> EdgeOut<'g> {
    /// An edge as this format writes it: its relation is also its key.
    pub(super) fn of(e: &super::EdgeOut<'g>) -> Self {
        EdgeOut {
            source: e.from,
            target: e.to,
            key: e.rel,
            rel: e.rel,
            basis: e.basis,
            properties: e.properties,
            provenance: e.provenance,
        }
    }

    /// The fields as the derived `Serialize` writes them (basis always),
    /// written by hand (see [`super::records`]).
    pub(super) fn fill(&self, o: &mut Object<'_>) {
        o.text("source", self.source);
        o.text("target", self.target);
        o.text("key", self.key);
        o.text("rel", self.rel);
        o.text("basis", self.basis.as_str());
        o.properties(self.properties);
        o.provenance(self.provenance);
    }
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
        if let Some((k, _)) = n.properties().iter().find(|(_, v)| !finite(v)) {
            return Err(bad(format!(
                "property `{k}` of node `{}` is not a finite number, which JSON cannot hold; \
                 convert to TOML, GraphML or a CSV folder",
                n.id
            )));
        }
    }
    /// What node-link JSON cannot carry in an edge's properties.
    enum Odd<'p> {
        /// A property named like one of the format's edge fields.
        Field(&'static str),
        /// A property holding NaN or an infinity.
        Number(&'p str),
    }
    // The first edge with either problem, a field name told before a
    // number in the same edge.
    fn odd(p: &Properties) -> Option<Odd<'_>> {
        let field = EDGE_FIELDS.iter().find(|k| p.contains_key(**k));
        let number = || p.iter().find(|(_, v)| !finite(v)).map(|(k, _)| k.as_str());
        field
            .map(|k| Odd::Field(k))
            .or_else(|| number().map(Odd::Number))
    }
    if let Some((e, problem)) = super::first_edge(graph, odd) {
        return Err(bad(match problem {
            Odd::Field(k) => format!(
                "edge `{}` -{}-> `{}` has a property named `{k}`, which node-link JSON uses \
                 for the edge itself; rename the property, or convert to another format",
                e.from, e.rel, e.to
            ),
            Odd::Number(k) => format!(
                "property `{k}` of edge `{}` -{}-> `{}` is not a finite number, which JSON \
                 cannot hold; convert to TOML, GraphML or a CSV folder",
                e.from, e.rel, e.to
            ),
        }));
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
        schema: (!graph.has_default_schema()).then_some(SchemaOut {
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
    let mut records = Records::default();
    w.write_all(b"  \"nodes\": [")?;
    for (i, (_, n)) in graph.nodes().enumerate() {
        let sep = if i == 0 { "\n    " } else { ",\n    " };
        records.put_object(w, sep, |o| o.node(None, &node_out(graph, n)), "")?;
    }
    w.write_all(b"\n  ],\n  \"edges\": [")?;
    for (i, e) in super::edges_out(graph).enumerate() {
        let sep = if i == 0 { "\n    " } else { ",\n    " };
        let out = EdgeOut::of(&e);
        records.put_object(w, sep, |o| out.fill(o), "")?;
    }
    w.write_all(b"\n  ]\n}\n")
}
