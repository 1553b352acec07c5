//! GraphML files (`.graphml`, or a file that starts with `<`): the files
//! seccoop writes (see [`crate::format::graphml`]), and those other tools write (NetworkX's
//! `write_graphml`, Gephi, yEd), as long as they carry a `kind` on every node
//! and a `rel` on every edge.
//!
//! The document is read with quick-xml into the same declarations a TOML or
//! JSON file decodes to ([`FileDecl`]), with every position pointing into the
//! GraphML text, so [`super::assemble`] checks kinds, relations, ids and
//! endpoints and reports them exactly as for the other formats.
//!
//! How elements map:
//!
//! - `<key>`: `attr.name` names the field or property, `attr.type` its type
//!   (`string`, `int`, `long`, `float`, `double`, `boolean`), `<default>` its
//!   value where an element has no `<data>` for it. A key whose `<desc>` is
//!   [`JSON_DESC`] holds JSON text (lists, mixed types, provenance). Keys
//!   without `attr.name` (yEd's graphics) are skipped.
//! - `<graph>` data: `name`, `description`, `sources` and `schema` (JSON);
//!   any other graph data is not carried.
//! - `<node id>`: `kind` (required), `name` (the id when absent),
//!   `provenance`, and every other key a property.
//! - `<edge source target>`: `rel` (required), `basis`, `provenance`, and
//!   every other key a property. Edge ids are not carried (writing makes new
//!   ones). Edges are read in the direction written, whatever
//!   `edgedefault` says.
//!
//! Nested graphs and hyperedges are refused; ports are ignored.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::format::graphml::JSON_DESC;
use crate::model::{Basis, Properties, Span, Value};
use crate::suggest::nearest_one;

use super::decode::{self, EdgeDecl, FileDecl, NodeDecl, ProvDecl, Spanned};
use super::doc::Doc;
use super::error::{LoadError, LoadErrorKind as K, SourceFile};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Domain {
    Graph,
    Node,
    Edge,
    All,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AttrType {
    String,
    Int,
    Float,
    Boolean,
}

#[derive(Debug, Clone)]
struct KeyDef {
    name: Option<String>,
    domain: Domain,
    ty: AttrType,
    json: bool,
    default: Option<String>,
}

/// One `<data>` as read: its key, text, and where each was written.
struct Data {
    key: Spanned<String>,
    text: Spanned<String>,
}

/// The node or edge being read.
struct Element {
    kind: ElementKind,
    span: Span,
    data: Vec<Data>,
}

enum ElementKind {
    Graph,
    Node {
        id: Option<Spanned<String>>,
    },
    Edge {
        source: Option<Spanned<String>>,
        target: Option<Spanned<String>>,
    },
}

/// What `<data>` or `<key>` is collecting text for.
enum Collect {
    Data { key: Spanned<String>, start: Span },
    Desc,
    Default,
}

struct Parser<'a> {
    file: &'a Arc<SourceFile>,
    errors: &'a mut Vec<LoadError>,
    keys: HashMap<String, KeyDef>,
    /// The key being declared.
    key: Option<(String, KeyDef)>,
    out: FileDecl,
    graphs: usize,
}

/// Reads a GraphML document, pushing every problem onto `errors`.
pub fn decode_graphml(file: &Arc<SourceFile>, errors: &mut Vec<LoadError>) -> FileDecl {
    let mut p = Parser {
        file,
        errors,
        keys: HashMap::new(),
        key: None,
        out: FileDecl::default(),
        graphs: 0,
    };
    p.run();
    p.out
}

fn markup(reason: impl Into<String>, help: impl Into<String>) -> K {
    K::Markup {
        reason: reason.into(),
        help: help.into(),
    }
}

impl<'a> Parser<'a> {
    /// Whether `name`, the first element, is `<graphml>`; an error when not.
    fn is_root(&mut self, name: &str, span: Span) -> bool {
        if name == "graphml" {
            return true;
        }
        self.error(
            span,
            markup(
                format!("the root element is <{name}>, not <graphml>"),
                "give -g a GraphML file, or a TOML, JSON, JSON Lines or CSV graph",
            ),
        );
        false
    }

    fn error(&mut self, span: Span, kind: K) {
        self.errors.push(LoadError::at(self.file, span, kind));
    }

    fn syntax(&mut self, at: usize, message: String) {
        let end = (at + 1).min(self.file.text.len()).max(at);
        self.error(
            Span { start: at, end },
            K::Syntax {
                message,
                format: "XML",
            },
        );
    }

    /// Where a borrowed piece of the file's text sits in it.
    fn span_of(&self, piece: &str, fallback: Span) -> Span {
        let base = self.file.text.as_ptr() as usize;
        let at = piece.as_ptr() as usize;
        if at >= base && at + piece.len() <= base + self.file.text.len() {
            Span {
                start: at - base,
                end: at - base + piece.len(),
            }
        } else {
            fallback
        }
    }

    /// The attributes of a tag, unescaped, with their spans.
    fn attributes(&mut self, e: &BytesStart<'_>, tag: Span) -> Vec<(String, Spanned<String>)> {
        let mut out = Vec::new();
        for attr in e.attributes() {
            match attr {
                Ok(a) => {
                    let span = self.span_of(&a.value, tag);
                    let name = a.key.local_name().as_ref().to_string();
                    match a.normalized_value(XmlVersion::Implicit1_0) {
                        Ok(v) => out.push((
                            name,
                            Spanned {
                                value: v.into_owned(),
                                span,
                            },
                        )),
                        Err(err) => self.syntax(span.start, err.to_string()),
                    }
                }
                Err(err) => self.syntax(tag.start, err.to_string()),
            }
        }
        out
    }

    fn run(&mut self) {
        // A copy of the shared reference, so events borrow the text while
        // `self` changes.
        let file: &'a Arc<SourceFile> = self.file;
        let mut reader = Reader::from_str(&file.text);
        reader.config_mut().check_end_names = true;
        let mut stack: Vec<(String, Span)> = Vec::new();
        let mut elements: Vec<Element> = Vec::new();
        let mut collect: Option<Collect> = None;
        let mut buf = String::new();
        let mut root_seen = false;
        loop {
            let start = reader.buffer_position() as usize;
            let event = match reader.read_event() {
                Ok(ev) => ev,
                Err(e) => {
                    self.syntax(reader.error_position() as usize, e.to_string());
                    return;
                }
            };
            let end = reader.buffer_position() as usize;
            let span = Span { start, end };
            match event {
                // Markup inside <data> (yEd's graphics): only text counts.
                Event::Start(_) if collect.is_some() => stack.push((String::new(), span)),
                Event::Empty(_) if collect.is_some() => {}
                Event::Start(e) => {
                    let name = e.local_name().as_ref().to_string();
                    if !std::mem::replace(&mut root_seen, true) && !self.is_root(&name, span) {
                        return;
                    }
                    self.open(&name, &e, span, &mut elements, &mut collect, &mut buf);
                    stack.push((name, span));
                }
                Event::Empty(e) => {
                    let name = e.local_name().as_ref().to_string();
                    if !std::mem::replace(&mut root_seen, true) && !self.is_root(&name, span) {
                        return;
                    }
                    self.open(&name, &e, span, &mut elements, &mut collect, &mut buf);
                    self.close(&name, span, &mut elements, &mut collect, &mut buf);
                }
                Event::End(_) => {
                    let Some((name, _)) = stack.pop() else {
                        self.syntax(start, "a closing tag with no opening tag".into());
                        return;
                    };
                    if name.is_empty() {
                        continue;
                    }
                    self.close(&name, span, &mut elements, &mut collect, &mut buf);
                }
                Event::Text(t) => {
                    if collect.is_some() {
                        buf.push_str(&t.xml10_content());
                    }
                }
                Event::CData(t) => {
                    if collect.is_some() {
                        buf.push_str(&t.xml10_content());
                    }
                }
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(Cow::Owned(c.to_string())),
                        Ok(None) => {
                            quick_xml::escape::resolve_predefined_entity(&r).map(Cow::Borrowed)
                        }
                        Err(_) => None,
                    };
                    match resolved {
                        Some(text) => {
                            if collect.is_some() {
                                buf.push_str(&text);
                            }
                        }
                        None => self.error(
                            span,
                            markup(
                                format!("unknown entity or character reference `&{};`", &*r),
                                "write &amp; for a literal `&`; only XML's five named entities \
                                 and character references are read",
                            ),
                        ),
                    }
                }
                Event::Eof => {
                    if let Some((name, at)) = stack.last() {
                        let name = name.clone();
                        self.error(
                            *at,
                            K::Syntax {
                                message: format!("the document ends before <{name}> is closed"),
                                format: "XML",
                            },
                        );
                    } else if !root_seen {
                        self.error(
                            Span { start: 0, end: 0 },
                            markup(
                                "the file holds no <graphml> element",
                                "give -g a GraphML file, or a TOML, JSON, JSON Lines or CSV graph",
                            ),
                        );
                    }
                    return;
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            }
        }
    }

    fn open(
        &mut self,
        name: &str,
        e: &BytesStart<'_>,
        span: Span,
        elements: &mut Vec<Element>,
        collect: &mut Option<Collect>,
        buf: &mut String,
    ) {
        match name {
            "key" => {
                let attrs = self.attributes(e, span);
                let get = |n: &str| attrs.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
                let Some(id) = get("id") else {
                    self.error(
                        span,
                        markup("<key> has no `id`", "give the key an id=\"…\""),
                    );
                    return;
                };
                let domain = match get("for").as_ref().map(|v| v.value.as_str()) {
                    Some("graph") => Domain::Graph,
                    Some("node") => Domain::Node,
                    Some("edge") => Domain::Edge,
                    Some("all") | None => Domain::All,
                    Some(_) => Domain::Other,
                };
                let ty = match get("attr.type") {
                    None => AttrType::String,
                    Some(t) => match t.value.as_str() {
                        "string" => AttrType::String,
                        "int" | "long" => AttrType::Int,
                        "float" | "double" => AttrType::Float,
                        "boolean" => AttrType::Boolean,
                        other => {
                            let types = ["string", "int", "long", "float", "double", "boolean"];
                            let suggestion = nearest_one(other, types.iter());
                            self.error(
                                t.span,
                                K::BadValue {
                                    field: "attr.type",
                                    value: other.to_string(),
                                    allowed: types.iter().map(|s| s.to_string()).collect(),
                                    suggestion,
                                },
                            );
                            AttrType::String
                        }
                    },
                };
                self.key = Some((
                    id.value,
                    KeyDef {
                        name: get("attr.name").map(|n| n.value),
                        domain,
                        ty,
                        json: false,
                        default: None,
                    },
                ));
            }
            "desc" if self.key.is_some() && elements.is_empty() => {
                *collect = Some(Collect::Desc);
                buf.clear();
            }
            "default" if self.key.is_some() => {
                *collect = Some(Collect::Default);
                buf.clear();
            }
            "graph" => {
                if !elements.is_empty() {
                    self.error(
                        span,
                        markup(
                            "nested graphs are not supported",
                            "flatten the graph: put every node and edge in the top-level <graph>",
                        ),
                    );
                } else if self.graphs > 0 {
                    self.error(
                        span,
                        markup(
                            "a second <graph> in one file",
                            "put each graph in a file of its own and pass each with -g",
                        ),
                    );
                }
                self.graphs += 1;
                elements.push(Element {
                    kind: ElementKind::Graph,
                    span,
                    data: Vec::new(),
                });
            }
            "node" => {
                let attrs = self.attributes(e, span);
                let id = attrs.into_iter().find(|(k, _)| k == "id").map(|(_, v)| v);
                elements.push(Element {
                    kind: ElementKind::Node { id },
                    span,
                    data: Vec::new(),
                });
            }
            "edge" => {
                let attrs = self.attributes(e, span);
                let get = |n: &str| attrs.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
                elements.push(Element {
                    kind: ElementKind::Edge {
                        source: get("source"),
                        target: get("target"),
                    },
                    span,
                    data: Vec::new(),
                });
            }
            "hyperedge" => self.error(
                span,
                markup(
                    "hyperedges are not supported",
                    "write each hyperedge as edges between pairs of nodes",
                ),
            ),
            "data" => {
                let attrs = self.attributes(e, span);
                match attrs.into_iter().find(|(k, _)| k == "key") {
                    Some((_, key)) => {
                        *collect = Some(Collect::Data { key, start: span });
                        buf.clear();
                    }
                    None => self.error(
                        span,
                        markup(
                            "<data> has no `key`",
                            "name the key it gives a value for: key=\"…\"",
                        ),
                    ),
                }
            }
            _ => {}
        }
    }

    fn close(
        &mut self,
        name: &str,
        span: Span,
        elements: &mut Vec<Element>,
        collect: &mut Option<Collect>,
        buf: &mut String,
    ) {
        match name {
            "key" => {
                if let Some((id, def)) = self.key.take() {
                    self.keys.insert(id, def);
                }
            }
            "desc" => {
                if let (Some(Collect::Desc), Some((_, def))) = (collect.as_ref(), self.key.as_mut())
                {
                    def.json = buf.trim() == JSON_DESC;
                    *collect = None;
                }
            }
            "default" => {
                if let (Some(Collect::Default), Some((_, def))) =
                    (collect.as_ref(), self.key.as_mut())
                {
                    def.default = Some(std::mem::take(buf));
                    *collect = None;
                }
            }
            "data" => {
                if let Some(Collect::Data { key, start }) = collect.take() {
                    // The text's span: from the end of the start tag to the
                    // start of the end tag (the tag itself when empty).
                    let text_span = if span.start > start.end {
                        Span {
                            start: start.end,
                            end: span.start,
                        }
                    } else {
                        start
                    };
                    let data = Data {
                        key,
                        text: Spanned {
                            value: std::mem::take(buf),
                            span: text_span,
                        },
                    };
                    // Data on <graphml> itself is nothing seccoop carries.
                    if let Some(el) = elements.last_mut() {
                        el.data.push(data);
                    }
                }
            }
            "graph" | "node" | "edge" => {
                if let Some(el) = elements.pop() {
                    match el.kind {
                        ElementKind::Graph => self.graph_data(el.data),
                        ElementKind::Node { id } => self.node(id, el.span, el.data),
                        ElementKind::Edge { source, target } => {
                            self.edge(source, target, el.span, el.data)
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// The key a `<data>` refers to, checked against the element's domain.
    fn key_for(&mut self, data: &Data, domain: Domain) -> Option<KeyDef> {
        match self.keys.get(&data.key.value) {
            Some(def) if def.domain == Domain::All || def.domain == domain => Some(def.clone()),
            // A key declared for another kind of element: not this one's.
            Some(_) => None,
            None => {
                let suggestion = nearest_one(&data.key.value, self.keys.keys());
                let help = match suggestion {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "declare it with <key id=\"…\" for=\"…\" attr.name=\"…\" attr.type=\"…\"/> before the graph".into(),
                };
                self.error(
                    data.key.span,
                    markup(
                        format!(
                            "<data> refers to key `{}`, which no <key> declares",
                            data.key.value
                        ),
                        help,
                    ),
                );
                None
            }
        }
    }

    /// The element's values by attribute name, with keys' defaults filled in.
    fn values(
        &mut self,
        data: Vec<Data>,
        domain: Domain,
        at: Span,
    ) -> Vec<(String, KeyDef, Spanned<String>)> {
        let mut out: Vec<(String, KeyDef, Spanned<String>)> = Vec::new();
        for d in data {
            let Some(def) = self.key_for(&d, domain) else {
                continue;
            };
            let Some(name) = def.name.clone() else {
                continue;
            };
            out.retain(|(n, _, _)| *n != name);
            out.push((name, def, d.text));
        }
        for def in self.keys.values() {
            let (Some(name), Some(default)) = (&def.name, &def.default) else {
                continue;
            };
            if (def.domain == domain || def.domain == Domain::All)
                && !out.iter().any(|(n, _, _)| n == name)
            {
                out.push((
                    name.clone(),
                    def.clone(),
                    Spanned {
                        value: default.clone(),
                        span: at,
                    },
                ));
            }
        }
        out
    }

    /// A typed value as its key declares it.
    fn value(&mut self, name: &str, def: &KeyDef, text: &Spanned<String>) -> Option<Option<Value>> {
        let t = text.value.trim();
        let bad = |expected: &str| {
            markup(
                format!(
                    "`{name}` is declared `{}`, but `{}` is not {expected}",
                    match def.ty {
                        AttrType::String => "string",
                        AttrType::Int => "int",
                        AttrType::Float => "double",
                        AttrType::Boolean => "boolean",
                    },
                    super::bulk::shorten(&text.value)
                ),
                format!("write {expected} here, or change the key's attr.type"),
            )
        };
        if def.json {
            return match serde_json::from_str::<serde_json::Value>(&text.value)
                .ok()
                .and_then(|v| super::bulk::json_value(v).ok())
            {
                Some(v) => Some(v),
                None => {
                    self.error(text.span, bad("JSON text (its key is marked as JSON)"));
                    None
                }
            };
        }
        let v = match def.ty {
            AttrType::String => Value::String(text.value.clone()),
            AttrType::Int => match t.parse::<i64>() {
                Ok(i) => Value::Integer(i),
                Err(_) => {
                    self.error(text.span, bad("an integer"));
                    return None;
                }
            },
            AttrType::Float => match t.parse::<f64>() {
                Ok(x) => Value::Float(x),
                Err(_) => {
                    self.error(text.span, bad("a number"));
                    return None;
                }
            },
            AttrType::Boolean => match t.to_ascii_lowercase().as_str() {
                "true" | "1" => Value::Bool(true),
                "false" | "0" => Value::Bool(false),
                _ => {
                    self.error(text.span, bad("`true` or `false`"));
                    return None;
                }
            },
        };
        Some(Some(v))
    }

    /// A name-like text (id, kind, relation, name), checked as every reader checks it.
    fn name_text(&mut self, field: &str, text: &Spanned<String>) -> Option<Spanned<String>> {
        match decode::text_problem(&text.value) {
            None => Some(text.clone()),
            Some(problem) => {
                self.error(
                    text.span,
                    K::BadText {
                        field: field.to_string(),
                        problem,
                    },
                );
                None
            }
        }
    }

    /// The JSON text of a value, parsed into a document of its own that
    /// keeps the value's line and column, so its problems are placed; a
    /// syntax error is reported.
    fn json(&mut self, text: &Spanned<String>) -> Option<(Arc<SourceFile>, Doc)> {
        // Indented to the value's column, so columns match the file's.
        let (line, column) = self.file.line_col(text.span.start);
        let indent = " ".repeat(column.saturating_sub(1));
        let json = Arc::new(SourceFile::excerpt(
            self.file.name.clone(),
            format!("{indent}{}", text.value),
            line,
        ));
        match Doc::parse_json(&json.text) {
            Ok(doc) => Some((json, doc)),
            Err(e) => {
                self.errors.push(LoadError::at(
                    &json,
                    e.span,
                    K::Syntax {
                        message: e.message,
                        format: "JSON",
                    },
                ));
                None
            }
        }
    }

    /// Provenance, JSON text decoded as a JSON graph file's is: an unknown
    /// key is refused, with the nearest known one.
    fn provenance(&mut self, text: &Spanned<String>) -> Option<Vec<ProvDecl>> {
        let (json, doc) = self.json(text)?;
        let before = self.errors.len();
        let mut out = decode::decode_provenance(&json, &doc, self.errors);
        if self.errors.len() > before {
            return None;
        }
        // An undeclared source is found later, against the GraphML file.
        for p in &mut out {
            p.source.span = text.span;
        }
        Some(out)
    }

    fn graph_data(&mut self, data: Vec<Data>) {
        let at = Span::default();
        for (name, _, text) in self.values(data, Domain::Graph, at) {
            match name.as_str() {
                "name" => self.out.meta.name = Some(text.value),
                "description" => self.out.meta.description = Some(text.value),
                "sources" | "schema" => {
                    let Some((json, doc)) = self.json(&text) else {
                        continue;
                    };
                    if name == "schema" {
                        self.out.schema =
                            Some(decode::decode_schema_file(&json, &doc, self.errors));
                    } else if let super::doc::DocValue::Array(items) = &doc.value {
                        for item in items {
                            if let Some(source) = decode::decode_source(&json, item, self.errors) {
                                self.out.sources.push(source);
                            }
                        }
                    } else {
                        self.errors.push(LoadError::at(
                            &json,
                            doc.span,
                            K::WrongType {
                                field: "sources".into(),
                                expected: "a list",
                                found: doc.type_name(),
                            },
                        ));
                    }
                }
                _ => {}
            }
        }
    }

    fn node(&mut self, id: Option<Spanned<String>>, span: Span, data: Vec<Data>) {
        let Some(raw_id) = id else {
            self.error(
                span,
                markup("<node> has no `id`", "give every node an id=\"…\""),
            );
            return;
        };
        let id = self.name_text("id", &raw_id);
        let mut kind = None;
        let mut name = None;
        let mut provenance = Vec::new();
        let mut properties = Properties::new();
        let mut ok = id.is_some();
        for (key, def, text) in self.values(data, Domain::Node, span) {
            match key.as_str() {
                "kind" => kind = self.name_text("kind", &text),
                "name" => name = self.name_text("name", &text),
                "provenance" => match self.provenance(&text) {
                    Some(p) => provenance = p,
                    None => ok = false,
                },
                "id" => {
                    self.error(
                        text.span,
                        markup(
                            "a node property cannot be named `id`: the node's id attribute is its id",
                            "rename the property",
                        ),
                    );
                    ok = false;
                }
                _ => match self.value(&key, &def, &text) {
                    Some(Some(v)) => {
                        properties.insert(key, v);
                    }
                    Some(None) => {}
                    None => ok = false,
                },
            }
        }
        let Some(kind) = kind else {
            let declared = self
                .keys
                .iter()
                .find(|(_, k)| k.name.as_deref() == Some("kind") && k.domain != Domain::Edge)
                .map(|(id, _)| id.clone());
            let help = match declared {
                Some(key) => format!(
                    "give the node a <data key=\"{key}\"> naming its kind, one of the schema's kinds"
                ),
                None => "declare <key id=\"kind\" for=\"node\" attr.name=\"kind\" \
                         attr.type=\"string\"/> and give every node a <data key=\"kind\">"
                    .into(),
            };
            self.error(
                span,
                markup(
                    format!("GraphML node `{}` has no `kind`", raw_id.value),
                    help,
                ),
            );
            self.out.rejected_ids.extend(id);
            return;
        };
        let Some(id) = id else { return };
        if !ok {
            self.out.rejected_ids.push(id);
            return;
        }
        let name = name.map_or_else(|| id.value.clone(), |n| n.value);
        self.out.nodes.push(NodeDecl {
            id,
            kind,
            name,
            properties,
            provenance,
        });
    }

    fn edge(
        &mut self,
        source: Option<Spanned<String>>,
        target: Option<Spanned<String>>,
        span: Span,
        data: Vec<Data>,
    ) {
        let (Some(from), Some(to)) = (source, target) else {
            self.error(
                span,
                markup(
                    "<edge> needs both `source` and `target`",
                    "give the edge source=\"…\" and target=\"…\" node ids",
                ),
            );
            return;
        };
        let mut rel = None;
        let mut basis = Basis::Stated;
        let mut provenance = Vec::new();
        let mut properties = Properties::new();
        let mut ok = true;
        for (key, def, text) in self.values(data, Domain::Edge, span) {
            match key.as_str() {
                "rel" => rel = self.name_text("rel", &text),
                "basis" => match text.value.trim() {
                    "stated" | "" => basis = Basis::Stated,
                    "inferred" => basis = Basis::Inferred,
                    other => {
                        let allowed = ["stated", "inferred"];
                        self.error(
                            text.span,
                            K::BadValue {
                                field: "basis",
                                value: other.to_string(),
                                allowed: allowed.iter().map(|s| s.to_string()).collect(),
                                suggestion: nearest_one(other, allowed.iter()),
                            },
                        );
                        ok = false;
                    }
                },
                "provenance" => match self.provenance(&text) {
                    Some(p) => provenance = p,
                    None => ok = false,
                },
                _ => match self.value(&key, &def, &text) {
                    Some(Some(v)) => {
                        properties.insert(key, v);
                    }
                    Some(None) => {}
                    None => ok = false,
                },
            }
        }
        let Some(rel) = rel else {
            self.error(
                span,
                markup(
                    format!(
                        "GraphML edge `{}` → `{}` has no `rel`",
                        from.value, to.value
                    ),
                    "declare <key id=\"rel\" for=\"edge\" attr.name=\"rel\" attr.type=\"string\"/> \
                     and give every edge a <data key=\"rel\"> naming its relation",
                ),
            );
            return;
        };
        if !ok {
            return;
        }
        self.out.edges.push(EdgeDecl {
            from,
            rel,
            to,
            basis,
            properties,
            provenance,
            span,
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::load::{LoadErrorKind, load_str};

    const FILE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="kind" for="node" attr.name="kind" attr.type="string"/>
  <key id="prov" for="node" attr.name="provenance" attr.type="string"/>
  <key id="sources" for="graph" attr.name="sources" attr.type="string"/>
  <graph edgedefault="directed">
    <data key="sources">[{"id": "article", "title": "An article"}]</data>
    <node id="drills"><data key="kind">activity</data>
      <data key="prov">[{"source": "article", "sectoin": "2"}]</data></node>
  </graph>
</graphml>
"#;

    #[test]
    fn provenance_with_an_unknown_key_is_refused_with_a_suggestion() {
        // GraphML provenance ignored keys that every other reader refuses.
        let errors = load_str("g.graphml", FILE).expect_err("an unknown key");
        let [e] = errors.0.as_slice() else {
            panic!("one error: {errors:?}");
        };
        match &e.kind {
            LoadErrorKind::UnknownField {
                field, suggestion, ..
            } => {
                assert_eq!(field, "sectoin");
                assert_eq!(suggestion.as_deref(), Some("section"));
            }
            other => panic!("not an unknown field: {other:?}"),
        }
        assert_eq!(e.help().as_deref(), Some("did you mean `section`?"));
        let at = e.location().expect("a position");
        assert_eq!((at.file.as_str(), at.line), ("g.graphml", 9));
        let column = FILE
            .lines()
            .nth(8)
            .and_then(|l| l.find("\"sectoin"))
            .expect("the key");
        assert_eq!(at.column, column + 1);
    }

    #[test]
    fn well_formed_provenance_is_kept() {
        let good = FILE.replace("sectoin", "section");
        let graph = load_str("g.graphml", &good).expect("loads");
        let node = graph.node_by_id("drills").expect("drills");
        assert_eq!(node.provenance().len(), 1);
        assert_eq!(node.provenance()[0].section.as_deref(), Some("2"));
    }
}
