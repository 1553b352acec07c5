//! Values as text and JSON, for the output layer.
//!
//! Graph elements need the graph to be shown (a node is an index until its
//! id and labels are looked up), so rendering takes it.

use std::fmt::Write as _;

use serde_json::json;

use super::functions::float_to_string;
use super::graph::QueryGraph;
use super::value::{EdgeId, NodeId, Value};

/// A value as a table or CSV cell: strings bare at the top level, quoted
/// inside lists and maps; a node of seccoop's graph as `(id:kind)`, other
/// nodes as `(:Label {key: value})`; a relationship with its ends.
pub fn cell_text(graph: &dyn QueryGraph, v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => {
            let mut out = String::new();
            write_value(graph, other, &mut out);
            out
        }
    }
}

fn write_value(graph: &dyn QueryGraph, v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&float_to_string(*f)),
        Value::String(s) => {
            out.push('\'');
            out.push_str(&s.replace('\\', "\\\\").replace('\'', "\\'"));
            out.push('\'');
        }
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(graph, item, out);
            }
            out.push(']');
        }
        Value::Map(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{k}: ");
                write_value(graph, item, out);
            }
            out.push('}');
        }
        Value::Node(n) => write_node(graph, *n, out),
        Value::Rel(e) => {
            let (from, to) = graph.endpoints(*e);
            write_node(graph, from, out);
            out.push('-');
            write_edge(graph, *e, out);
            out.push_str("->");
            write_node(graph, to, out);
        }
        Value::Path(p) => {
            write_node(graph, p.start, out);
            let mut at = p.start;
            for &(e, next) in &p.steps {
                let (from, _) = graph.endpoints(e);
                if from == at {
                    out.push('-');
                    write_edge(graph, e, out);
                    out.push_str("->");
                } else {
                    out.push_str("<-");
                    write_edge(graph, e, out);
                    out.push('-');
                }
                write_node(graph, next, out);
                at = next;
            }
        }
    }
}

fn write_node(graph: &dyn QueryGraph, n: NodeId, out: &mut String) {
    out.push('(');
    let labels = graph.labels(n);
    match graph.node_identity(n) {
        Value::String(id) => {
            out.push_str(&id);
            for l in labels {
                let _ = write!(out, ":{l}");
            }
        }
        _ => {
            for l in labels {
                let _ = write!(out, ":{l}");
            }
            write_props(graph, &Value::Map(graph.node_properties(n)), out);
        }
    }
    out.push(')');
}

fn write_edge(graph: &dyn QueryGraph, e: EdgeId, out: &mut String) {
    let _ = write!(out, "[:{}", graph.type_name(e));
    // seccoop's nodes show their ids; property-graph elements their properties.
    let (from, _) = graph.endpoints(e);
    if !matches!(graph.node_identity(from), Value::String(_)) {
        write_props(graph, &Value::Map(graph.edge_properties(e)), out);
    }
    out.push(']');
}

fn write_props(graph: &dyn QueryGraph, props: &Value, out: &mut String) {
    if matches!(props, Value::Map(m) if m.is_empty()) {
        return;
    }
    out.push(' ');
    write_value(graph, props, out);
}

/// A value as JSON: a node as `{id, labels, properties}`, a relationship as
/// `{id, type, from, to, properties}`, a path as `{nodes, relationships}`;
/// NaN and infinities, which JSON has no numbers for, as the objects
/// `{"$float": "NaN"}`, `{"$float": "Infinity"}` and
/// `{"$float": "-Infinity"}`, which no string value can be mistaken for.
pub fn to_json(graph: &dyn QueryGraph, v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => json!(b),
        Value::Int(i) => json!(i),
        Value::Float(f) if f.is_finite() => json!(f),
        Value::Float(f) => json!({ "$float": float_to_string(*f) }),
        Value::String(s) => json!(s),
        Value::List(items) => items.iter().map(|i| to_json(graph, i)).collect(),
        Value::Map(map) => map
            .iter()
            .map(|(k, v)| (k.clone(), to_json(graph, v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        Value::Node(n) => node_json(graph, *n),
        Value::Rel(e) => edge_json(graph, *e),
        Value::Path(p) => json!({
            "nodes": p.nodes().map(|n| node_json(graph, n)).collect::<Vec<_>>(),
            "relationships": p.edges().map(|e| edge_json(graph, e)).collect::<Vec<_>>(),
        }),
    }
}

fn node_json(graph: &dyn QueryGraph, n: NodeId) -> serde_json::Value {
    json!({
        "id": to_json(graph, &graph.node_identity(n)),
        "labels": graph.labels(n),
        "properties": to_json(graph, &Value::Map(graph.node_properties(n))),
    })
}

fn edge_json(graph: &dyn QueryGraph, e: EdgeId) -> serde_json::Value {
    let (from, to) = graph.endpoints(e);
    json!({
        "id": to_json(graph, &graph.edge_identity(e)),
        "type": graph.type_name(e),
        "from": to_json(graph, &graph.node_identity(from)),
        "to": to_json(graph, &graph.node_identity(to)),
        "properties": to_json(graph, &Value::Map(graph.edge_properties(e))),
    })
}
