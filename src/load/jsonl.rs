//! JSON Lines (`.jsonl`, `.ndjson`): one JSON object per line.
//!
//! The records and their order are [`crate::format::jsonl`]'s.
//!
//! Lines are parsed straight into nodes and edges; a line that breaks a rule
//! is parsed again through the spanned document tree, so its problems are
//! reported exactly as in a JSON graph file, with the file's line number.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::Arc;

use serde_json::{Map, Value as J};

use crate::format::jsonl::RECORD_TYPES;

use crate::model::{Basis, Node, Properties, Provenance, RelId, Schema, Source};

use super::bulk::{
    EdgeBatch, Extra, Names, NodeSink, Part, Preamble, Problems, ProvenanceProblem,
    json_provenance, json_value, unknown_source,
};
use super::decode::{self, ProvDecl};
use super::doc::{Doc, DocValue};
use super::error::{LoadError, LoadErrorKind as K, SourceFile};

/// A JSON Lines file being read, in two phases: [`Self::preamble`], then
/// [`Self::body`].
pub(crate) struct JsonlInput {
    file: usize,
    name: String,
    reader: BufReader<File>,
    size: u64,
    /// Byte offset of the next line.
    offset: u64,
    /// 1-based number of the next line.
    line: usize,
    /// The first line of the body, read by the preamble.
    held: Option<(Vec<u8>, u64, usize)>,
}

/// What a record is.
enum Record {
    Node,
    Edge,
    Header(&'static str),
}

impl JsonlInput {
    /// Opens a file, skipping a byte-order mark.
    pub fn open(path: &Path, file: usize, name: String) -> std::io::Result<Self> {
        super::refuse_special(path)?;
        let f = File::open(path)?;
        let size = f.metadata().map(|m| m.len()).unwrap_or(0);
        let mut reader = BufReader::with_capacity(1 << 20, f);
        let offset = if reader.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
            reader.consume(3);
            3
        } else {
            0
        };
        Ok(JsonlInput {
            file,
            name,
            reader,
            size,
            offset,
            line: 1,
            held: None,
        })
    }

    /// Index of the file in the load's file list.
    pub fn file(&self) -> usize {
        self.file
    }

    /// The file's size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    fn read_line(&mut self, buf: &mut Vec<u8>) -> std::io::Result<Option<(u64, usize)>> {
        buf.clear();
        let n = self.reader.read_until(b'\n', buf)?;
        if n == 0 {
            return Ok(None);
        }
        let at = (self.offset, self.line);
        self.offset += n as u64;
        self.line += 1;
        if buf.last() == Some(&b'\n') {
            buf.pop();
        }
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        Ok(Some(at))
    }

    fn excerpt(&self, text: &str, line: usize) -> Arc<SourceFile> {
        Arc::new(SourceFile::excerpt(self.name.clone(), text, line))
    }

    /// Reads the `graph`, `source` and `schema` records at the top.
    pub fn preamble(
        &mut self,
        pre: &mut Preamble,
        errors: &mut Vec<LoadError>,
    ) -> std::io::Result<()> {
        let mut buf = Vec::new();
        while let Some((at, line)) = self.read_line(&mut buf)? {
            let header = std::str::from_utf8(&buf).ok().and_then(|text| {
                if text.trim().is_empty() {
                    return Some(None);
                }
                match serde_json::from_str::<J>(text) {
                    Ok(J::Object(map)) => match classify(&map) {
                        Ok(Record::Header(t)) => Some(Some(t)),
                        _ => None,
                    },
                    _ => None,
                }
            });
            match header {
                Some(None) => continue,
                Some(Some(t)) => {
                    // Checked as UTF-8 above.
                    let text = String::from_utf8_lossy(&buf).into_owned();
                    self.header_record(t, &text, line, pre, errors);
                }
                None => {
                    self.held = Some((std::mem::take(&mut buf), at, line));
                    break;
                }
            }
        }
        Ok(())
    }

    fn header_record(
        &self,
        kind: &str,
        text: &str,
        line: usize,
        pre: &mut Preamble,
        errors: &mut Vec<LoadError>,
    ) {
        let file = self.excerpt(text, line);
        let Some(doc) = doc_without_type(&file, errors) else {
            return;
        };
        match kind {
            "graph" => pre
                .metas
                .push(decode::decode_graph_meta(&file, &doc, errors)),
            "source" => {
                if let Some(source) = decode::decode_source(&file, &doc, errors) {
                    pre.sources.push((file, source));
                }
            }
            _ => {
                let schema = decode::decode_schema_file(&file, &doc, errors);
                pre.schemas.push((file, schema));
            }
        }
    }

    /// Reads the nodes into the graph and the edges into a batch.
    pub fn body(
        mut self,
        nodes: &mut NodeSink<'_>,
        rels: &Names<RelId>,
        problems: &mut Problems,
        progress: &dyn super::Progress,
    ) -> std::io::Result<EdgeBatch> {
        let mut batch = EdgeBatch::new(self.file, (Part::Key("from"), Part::Key("to")));
        let sources = nodes.graph.sources().to_vec();
        let mut buf = Vec::new();
        let mut reported = 0u64;
        let mut held = self.held.take();
        loop {
            let (at, line) = match held.take() {
                Some((b, at, line)) => {
                    buf = b;
                    (at, line)
                }
                None => match self.read_line(&mut buf)? {
                    Some(pos) => pos,
                    None => break,
                },
            };
            if at >= reported + (4 << 20) {
                progress.advance(at - reported);
                reported = at;
            }
            let Ok(text) = std::str::from_utf8(&buf) else {
                problems.row(self.file, at, Part::Row, || K::NotUtf8 { offset: 0 });
                continue;
            };
            if text.trim().is_empty() {
                continue;
            }
            let map = match serde_json::from_str::<J>(text) {
                Ok(J::Object(map)) => map,
                Ok(_) => {
                    problems.row(self.file, at, Part::Row, || K::BadRecord {
                        reason: "a line must hold one JSON object".into(),
                    });
                    continue;
                }
                Err(_) => {
                    // The document parser says where and why.
                    let file = self.excerpt(text, line);
                    let mut errors = Vec::new();
                    doc_without_type(&file, &mut errors);
                    if errors.is_empty() {
                        errors.push(LoadError::bare(K::BadRecord {
                            reason: format!("line {line} is not JSON"),
                        }));
                    }
                    for e in errors {
                        problems.report(|| e);
                    }
                    continue;
                }
            };
            let at_line = Line {
                input: &self,
                text,
                at,
                line,
            };
            match classify(&map) {
                Ok(Record::Node) => at_line.node(map, nodes, &sources, problems),
                Ok(Record::Edge) => {
                    let schema = nodes.graph.schema();
                    at_line.edge(map, rels, schema, &sources, &mut batch, problems);
                }
                Ok(Record::Header(_)) => {
                    problems.row(self.file, at, Part::Key("type"), || K::BadRecord {
                        reason: "`graph`, `source` and `schema` records must come before the \
                                 first node or edge"
                            .into(),
                    })
                }
                Err(reason) => {
                    problems.row(self.file, at, Part::Row, || K::BadRecord { reason });
                }
            }
        }
        progress.advance(self.size.saturating_sub(reported));
        Ok(batch)
    }
}

/// What a record is, by its `type`, else by its keys.
fn classify(map: &Map<String, J>) -> Result<Record, String> {
    match map.get("type") {
        Some(J::String(t)) => match t.as_str() {
            "node" => Ok(Record::Node),
            "edge" => Ok(Record::Edge),
            "graph" => Ok(Record::Header("graph")),
            "source" => Ok(Record::Header("source")),
            "schema" => Ok(Record::Header("schema")),
            other => Err(match crate::suggest::nearest_one(other, RECORD_TYPES) {
                Some(near) => format!("unknown record type `{other}`; did you mean `{near}`?"),
                None => format!("unknown record type `{other}`"),
            }),
        },
        Some(_) => Err("`type` must be a string".into()),
        None if map.contains_key("id") => Ok(Record::Node),
        None if map.contains_key("from") || map.contains_key("rel") || map.contains_key("to") => {
            Ok(Record::Edge)
        }
        None => Err("a record needs `id` (a node) or `from`, `rel` and `to` (an edge)".into()),
    }
}

/// Parses a line through the document tree, without its `type` key.
fn doc_without_type(file: &Arc<SourceFile>, errors: &mut Vec<LoadError>) -> Option<Doc> {
    match Doc::parse_json(&file.text) {
        Ok(mut doc) => {
            if let DocValue::Table(entries) = &mut doc.value {
                entries.retain(|(k, _)| k.name != "type");
            }
            Some(doc)
        }
        Err(e) => {
            errors.push(LoadError::at(
                file,
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

/// A node read on the fast path.
struct FastNode {
    id: String,
    kind: String,
    name: String,
    properties: Properties,
    provenance: Option<J>,
}

/// A node record, if it keeps every rule of the JSON graph file.
fn fast_node(map: Map<String, J>) -> Option<FastNode> {
    let (mut id, mut kind, mut name, mut provenance) = (None, None, None, None);
    let mut properties = Properties::new();
    for (key, value) in map {
        match key.as_str() {
            "type" => {}
            "id" => id = Some(name_text(value)?),
            "kind" => kind = Some(name_text(value)?),
            "name" => name = Some(name_text(value)?),
            "provenance" => provenance = Some(value),
            _ => {
                if let Some(v) = json_value(value).ok()? {
                    properties.insert(key, v);
                }
            }
        }
    }
    Some(FastNode {
        id: id?,
        kind: kind?,
        name: name?,
        properties,
        provenance,
    })
}

/// An edge read on the fast path.
struct FastEdge {
    from: String,
    rel: String,
    to: String,
    basis: Basis,
    properties: Properties,
    provenance: Option<J>,
}

/// An edge record, if it keeps every rule of the JSON graph file.
fn fast_edge(map: Map<String, J>) -> Option<FastEdge> {
    let (mut from, mut rel, mut to, mut provenance) = (None, None, None, None);
    let mut basis = Basis::Stated;
    let mut properties = Properties::new();
    for (key, value) in map {
        match key.as_str() {
            "type" => {}
            "from" => from = Some(name_text(value)?),
            "rel" => rel = Some(name_text(value)?),
            "to" => to = Some(name_text(value)?),
            "basis" => {
                basis = match value.as_str()? {
                    "stated" => Basis::Stated,
                    "inferred" => Basis::Inferred,
                    _ => return None,
                }
            }
            "provenance" => provenance = Some(value),
            _ => {
                if let Some(v) = json_value(value).ok()? {
                    properties.insert(key, v);
                }
            }
        }
    }
    Some(FastEdge {
        from: from?,
        rel: rel?,
        to: to?,
        basis,
        properties,
        provenance,
    })
}

fn name_text(value: J) -> Option<String> {
    match value {
        J::String(s) if decode::text_problem(&s).is_none() => Some(s),
        _ => None,
    }
}

/// Provenance declared on the slow path, with its sources checked.
fn checked(decls: Vec<ProvDecl>, sources: &[Source]) -> Result<Vec<Provenance>, String> {
    decls
        .into_iter()
        .map(|p| {
            if sources.iter().any(|s| s.id == p.source.value) {
                Ok(Provenance {
                    source: p.source.value,
                    section: p.section,
                    item: p.item,
                    note: p.note,
                })
            } else {
                Err(p.source.value)
            }
        })
        .collect()
}

/// One line of the body, for reporting.
struct Line<'a> {
    input: &'a JsonlInput,
    text: &'a str,
    at: u64,
    line: usize,
}

impl Line<'_> {
    /// Parses the line through the document tree, reporting its problems.
    fn slow<T>(
        &self,
        problems: &mut Problems,
        decode: impl FnOnce(&Arc<SourceFile>, &Doc, &mut Vec<LoadError>) -> T,
    ) -> Option<T> {
        let file = self.input.excerpt(self.text, self.line);
        let mut errors = Vec::new();
        let out = doc_without_type(&file, &mut errors).map(|doc| decode(&file, &doc, &mut errors));
        for e in errors {
            problems.report(|| e);
        }
        out
    }

    fn node(
        &self,
        map: Map<String, J>,
        nodes: &mut NodeSink<'_>,
        sources: &[Source],
        problems: &mut Problems,
    ) {
        let fast = fast_node(map).and_then(|f| {
            let provenance = match f.provenance {
                None => Ok(Vec::new()),
                Some(v) => match json_provenance(v, sources) {
                    Ok(p) => Ok(p),
                    Err(ProvenanceProblem::UnknownSource(id)) => Err(id),
                    Err(ProvenanceProblem::Shape) => return None,
                },
            };
            Some((f.id, f.kind, f.name, f.properties, provenance))
        });
        let node = match fast {
            Some(node) => node,
            None => {
                let decoded = self.slow(problems, |file, doc, errors| {
                    decode::decode_node(file, doc, errors)
                });
                match decoded {
                    Some((Some(d), _)) => (
                        d.id.value,
                        d.kind.value,
                        d.name,
                        d.properties,
                        checked(d.provenance, sources),
                    ),
                    Some((None, Some(id))) => {
                        nodes.rejected.insert(id.value);
                        return;
                    }
                    _ => return,
                }
            }
        };
        let (id, kind_text, name, properties, provenance) = node;
        let file = self.input.file;
        let kind = nodes.kinds.get(&kind_text);
        if kind.is_none() {
            let schema = nodes.graph.schema();
            problems.row(file, self.at, Part::Key("kind"), || {
                super::assemble::unknown_kind(schema, &kind_text)
            });
        }
        let provenance = provenance.map_err(|source| {
            problems.row(file, self.at, Part::Key("provenance"), || {
                unknown_source(sources, source)
            });
        });
        match (kind, provenance) {
            (Some(kind), Ok(provenance)) => nodes.add(
                Node::with(id, kind, name, properties, provenance),
                file,
                self.at,
                Part::Key("id"),
                problems,
            ),
            _ => {
                nodes.rejected.insert(id);
            }
        }
    }

    fn edge(
        &self,
        map: Map<String, J>,
        rels: &Names<RelId>,
        schema: &Schema,
        sources: &[Source],
        batch: &mut EdgeBatch,
        problems: &mut Problems,
    ) {
        let fast = fast_edge(map).and_then(|f| {
            let provenance = match f.provenance {
                None => Ok(Vec::new()),
                Some(v) => match json_provenance(v, sources) {
                    Ok(p) => Ok(p),
                    Err(ProvenanceProblem::UnknownSource(id)) => Err(id),
                    Err(ProvenanceProblem::Shape) => return None,
                },
            };
            Some((f.from, f.rel, f.to, f.basis, f.properties, provenance))
        });
        let edge = match fast {
            Some(edge) => edge,
            None => {
                let decoded = self.slow(problems, |file, doc, errors| {
                    decode::decode_edge(file, doc, errors)
                });
                let Some(Some(d)) = decoded else {
                    return;
                };
                (
                    d.from.value,
                    d.rel.value,
                    d.to.value,
                    d.basis,
                    d.properties,
                    checked(d.provenance, sources),
                )
            }
        };
        let (from, rel_text, to, basis, properties, provenance) = edge;
        let file = self.input.file;
        let rel = rels.get(&rel_text);
        if rel.is_none() {
            problems.row(file, self.at, Part::Key("rel"), || {
                super::assemble::unknown_relation(schema, &rel_text)
            });
        }
        let provenance = provenance.map_err(|source| {
            problems.row(file, self.at, Part::Key("provenance"), || {
                unknown_source(sources, source)
            });
        });
        let (Some(rel), Ok(provenance)) = (rel, provenance) else {
            return;
        };
        let from = batch.end(&from);
        let to = batch.end(&to);
        let extra = Extra {
            properties,
            provenance,
        };
        batch.push(from, rel, to, basis, Some(extra), self.at);
    }
}
