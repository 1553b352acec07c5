//! Node-link JSON (NetworkX's `node_link_data`, and what seccoop writes:
//! [`crate::format::node_link`]), read as a JSON graph file.
//!
//! A JSON file is node-link when its top level has `directed`, `multigraph`
//! or `links`, or its first edge has `source`. The document is rewritten
//! into the graph file's shape, keeping every span, and decoded by
//! [`decode::decode_file`], so it is checked and its problems placed exactly
//! as a JSON graph file's:
//!
//! - `graph`: `name` and `description` are the graph's; `sources` and
//!   `schema` the file's; any other graph attribute is not carried;
//! - `nodes`: as in a graph file, except that `name` defaults to the id and
//!   an integer id is read as text (NetworkX graphs often number nodes);
//! - `edges` (or `links`): `source` and `target` are `from` and `to`; `key`
//!   (the multigraph key) is not carried; `rel` is required.

use std::sync::Arc;

use super::decode::{self, FileDecl};
use super::doc::{Doc, DocValue, Key};
use super::error::{LoadError, LoadErrorKind as K, SourceFile};

fn entries(doc: &Doc) -> Option<&[(Key, Doc)]> {
    match &doc.value {
        DocValue::Table(e) => Some(e),
        _ => None,
    }
}

fn get<'d>(doc: &'d Doc, key: &str) -> Option<&'d Doc> {
    entries(doc)?
        .iter()
        .find(|(k, _)| k.name == key)
        .map(|(_, v)| v)
}

/// Whether a parsed JSON document is node-link JSON.
pub fn is_node_link(doc: &Doc) -> bool {
    let Some(top) = entries(doc) else {
        return false;
    };
    if top
        .iter()
        .any(|(k, _)| matches!(k.name.as_str(), "directed" | "multigraph" | "links"))
    {
        return true;
    }
    match get(doc, "edges").map(|e| &e.value) {
        // A graph file's edge names its ends `from` and `to`, and may have
        // a property called `source`.
        Some(DocValue::Array(items)) => items
            .first()
            .is_some_and(|e| get(e, "source").is_some() && get(e, "from").is_none()),
        _ => false,
    }
}

/// An integer id as text; anything else unchanged.
fn id_text(doc: Doc) -> Doc {
    match doc.value {
        DocValue::Integer(i) => Doc {
            value: DocValue::String(i.to_string()),
            span: doc.span,
        },
        _ => doc,
    }
}

fn key(name: &str, like: &Key) -> Key {
    Key {
        name: name.to_string(),
        span: like.span,
    }
}

fn node(n: Doc) -> Doc {
    let Doc {
        value: DocValue::Table(fields),
        span,
    } = n
    else {
        return n;
    };
    let has_name = fields.iter().any(|(f, _)| f.name == "name");
    let mut fields: Vec<(Key, Doc)> = fields
        .into_iter()
        .map(|(f, value)| match f.name.as_str() {
            "id" => (f, id_text(value)),
            _ => (f, value),
        })
        .collect();
    if !has_name && let Some((idk, id)) = fields.iter().find(|(f, _)| f.name == "id") {
        let name = (key("name", idk), id.clone());
        fields.push(name);
    }
    Doc {
        value: DocValue::Table(fields),
        span,
    }
}

/// An edge in the graph file's shape, or `None` (after an error) when it
/// lacks an end.
fn edge(file: &Arc<SourceFile>, e: Doc, errors: &mut Vec<LoadError>) -> Option<Doc> {
    let Doc {
        value: DocValue::Table(fields),
        span,
    } = e
    else {
        return Some(e);
    };
    let mut complete = true;
    for end in ["source", "target"] {
        if !fields.iter().any(|(f, _)| f.name == end) {
            errors.push(LoadError::at(
                file,
                span,
                K::MissingField {
                    field: end,
                    what: "a node-link edge",
                    near: None,
                },
            ));
            complete = false;
        }
    }
    if !complete {
        return None;
    }
    let fields = fields
        .into_iter()
        .filter(|(f, _)| f.name != "key")
        .map(|(f, value)| match f.name.as_str() {
            "source" => (key("from", &f), id_text(value)),
            "target" => (key("to", &f), id_text(value)),
            _ => (f, value),
        })
        .collect();
    Some(Doc {
        value: DocValue::Table(fields),
        span,
    })
}

/// Decodes node-link JSON, pushing every problem onto `errors`.
pub fn decode_node_link(file: &Arc<SourceFile>, doc: Doc, errors: &mut Vec<LoadError>) -> FileDecl {
    let Doc {
        value: DocValue::Table(top),
        span,
    } = doc
    else {
        return decode::decode_file(file, &doc, errors);
    };
    let mut out: Vec<(Key, Doc)> = Vec::new();
    for (k, v) in top {
        match (k.name.as_str(), v) {
            (
                "graph",
                Doc {
                    value: DocValue::Table(attrs),
                    span: graph_span,
                },
            ) => {
                let mut meta = Vec::new();
                for (a, value) in attrs {
                    match a.name.as_str() {
                        "name" | "description" => meta.push((a, value)),
                        "sources" | "schema" => out.push((a, value)),
                        _ => {}
                    }
                }
                if !meta.is_empty() {
                    let graph = Doc {
                        value: DocValue::Table(meta),
                        span: graph_span,
                    };
                    out.push((k, graph));
                }
            }
            (
                "nodes",
                Doc {
                    value: DocValue::Array(items),
                    span: nodes_span,
                },
            ) => {
                let nodes = Doc {
                    value: DocValue::Array(items.into_iter().map(node).collect()),
                    span: nodes_span,
                };
                out.push((k, nodes));
            }
            (
                "edges" | "links",
                Doc {
                    value: DocValue::Array(items),
                    span: edges_span,
                },
            ) => {
                let edges = items
                    .into_iter()
                    .filter_map(|e| edge(file, e, errors))
                    .collect();
                let edges = Doc {
                    value: DocValue::Array(edges),
                    span: edges_span,
                };
                out.push((key("edges", &k), edges));
            }
            // Whether the graph is directed or a multigraph: seccoop's
            // graphs are both.
            ("directed" | "multigraph", _) => {}
            ("links", v) => out.push((key("edges", &k), v)),
            (_, v) => out.push((k, v)),
        }
    }
    let doc = Doc {
        value: DocValue::Table(out),
        span,
    };
    decode::decode_file(file, &doc, errors)
}
