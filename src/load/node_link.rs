//! Node-link JSON (NetworkX's `node_link_data`, and what
//! [`crate::write::node_link`] writes), read as a JSON graph file.
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
        Some(DocValue::Array(items)) => items.first().is_some_and(|e| get(e, "source").is_some()),
        _ => false,
    }
}

/// An integer id as text; anything else unchanged.
fn id_text(doc: &Doc) -> Doc {
    match doc.value {
        DocValue::Integer(i) => Doc {
            value: DocValue::String(i.to_string()),
            span: doc.span,
        },
        _ => doc.clone(),
    }
}

fn key(name: &str, like: &Key) -> Key {
    Key {
        name: name.to_string(),
        span: like.span,
    }
}

/// Decodes node-link JSON, pushing every problem onto `errors`.
pub fn decode_node_link(
    file: &Arc<SourceFile>,
    doc: &Doc,
    errors: &mut Vec<LoadError>,
) -> FileDecl {
    let Some(top) = entries(doc) else {
        return decode::decode_file(file, doc, errors);
    };
    let mut out: Vec<(Key, Doc)> = Vec::new();
    for (k, v) in top {
        match k.name.as_str() {
            "graph" => {
                let Some(attrs) = entries(v) else {
                    out.push((k.clone(), v.clone()));
                    continue;
                };
                let meta: Vec<(Key, Doc)> = attrs
                    .iter()
                    .filter(|(a, _)| matches!(a.name.as_str(), "name" | "description"))
                    .cloned()
                    .collect();
                if !meta.is_empty() {
                    out.push((
                        k.clone(),
                        Doc {
                            value: DocValue::Table(meta),
                            span: v.span,
                        },
                    ));
                }
                for (a, value) in attrs {
                    if matches!(a.name.as_str(), "sources" | "schema") {
                        out.push((a.clone(), value.clone()));
                    }
                }
            }
            "nodes" => {
                let DocValue::Array(items) = &v.value else {
                    out.push((k.clone(), v.clone()));
                    continue;
                };
                let nodes = items.iter().map(|n| {
                    let Some(fields) = entries(n) else {
                        return n.clone();
                    };
                    let mut fields: Vec<(Key, Doc)> = fields
                        .iter()
                        .map(|(f, value)| match f.name.as_str() {
                            "id" => (f.clone(), id_text(value)),
                            _ => (f.clone(), value.clone()),
                        })
                        .collect();
                    if get(n, "name").is_none()
                        && let Some((idk, id)) = fields.iter().find(|(f, _)| f.name == "id")
                    {
                        let name = (key("name", idk), id.clone());
                        fields.push(name);
                    }
                    Doc {
                        value: DocValue::Table(fields),
                        span: n.span,
                    }
                });
                out.push((
                    k.clone(),
                    Doc {
                        value: DocValue::Array(nodes.collect()),
                        span: v.span,
                    },
                ));
            }
            "edges" | "links" => {
                let DocValue::Array(items) = &v.value else {
                    out.push((key("edges", k), v.clone()));
                    continue;
                };
                let mut edges = Vec::with_capacity(items.len());
                for e in items {
                    let Some(fields) = entries(e) else {
                        edges.push(e.clone());
                        continue;
                    };
                    let mut complete = true;
                    for end in ["source", "target"] {
                        if get(e, end).is_none() {
                            errors.push(LoadError::at(
                                file,
                                e.span,
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
                        continue;
                    }
                    let fields = fields
                        .iter()
                        .filter(|(f, _)| f.name != "key")
                        .map(|(f, value)| match f.name.as_str() {
                            "source" => (key("from", f), id_text(value)),
                            "target" => (key("to", f), id_text(value)),
                            _ => (f.clone(), value.clone()),
                        })
                        .collect();
                    edges.push(Doc {
                        value: DocValue::Table(fields),
                        span: e.span,
                    });
                }
                out.push((
                    key("edges", k),
                    Doc {
                        value: DocValue::Array(edges),
                        span: v.span,
                    },
                ));
            }
            // Whether the graph is directed or a multigraph: seccoop's
            // graphs are both.
            "directed" | "multigraph" => {}
            _ => out.push((k.clone(), v.clone())),
        }
    }
    let doc = Doc {
        value: DocValue::Table(out),
        span: doc.span,
    };
    decode::decode_file(file, &doc, errors)
}
