//! What the fields of a bulk row mean: kinds and relations looked up by
//! name, JSON values and provenance, and undeclared sources.

use std::sync::Arc;

use crate::load::doc::Doc;
use crate::load::error::{LoadErrorKind as K, SourceFile};
use crate::model::{KindId, Provenance, RelId, Schema, Source, Value};
use crate::suggest::nearest_one;

/// The exact names of a schema's kinds or relations. A schema holds a
/// handful, so a scan beats hashing every row's text.
#[derive(Debug, Clone)]
pub(crate) struct Names<T> {
    list: Vec<(Box<str>, T)>,
}

impl<T: Copy> Names<T> {
    /// The id of exactly this name.
    pub fn get(&self, name: &str) -> Option<T> {
        self.list
            .iter()
            .find(|(n, _)| **n == *name)
            .map(|&(_, id)| id)
    }
}

impl Names<KindId> {
    /// The kinds of a schema, by name (not plural: files write the name).
    pub fn kinds(schema: &Schema) -> Self {
        Names {
            list: schema
                .kinds()
                .map(|(id, k)| (k.name.as_str().into(), id))
                .collect(),
        }
    }
}

impl Names<RelId> {
    /// The relations of a schema, by name.
    pub fn relations(schema: &Schema) -> Self {
        Names {
            list: schema
                .relations()
                .map(|(id, r)| (r.name.as_str().into(), id))
                .collect(),
        }
    }
}

/// A property value from JSON, the way the JSON graph file reads it: `null`
/// is no value; objects are refused.
pub(crate) fn json_value(value: serde_json::Value) -> Result<Option<Value>, ()> {
    use serde_json::Value as J;
    Ok(Some(match value {
        J::Null => return Ok(None),
        J::Bool(b) => Value::Bool(b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Float(n.as_f64().ok_or(())?),
        },
        J::String(s) => Value::String(s),
        J::Array(items) => {
            let mut list = Vec::with_capacity(items.len());
            for item in items {
                list.extend(json_value(item)?);
            }
            Value::List(list)
        }
        J::Object(_) => return Err(()),
    }))
}

/// Why a provenance value was refused.
#[derive(Debug)]
pub(crate) enum ProvenanceProblem {
    /// Not `{source, section?, item?, note?}` or a list of them.
    Shape,
    /// A source the graph does not declare.
    UnknownSource(String),
}

/// Provenance from JSON: an object `{source, section?, item?, note?}` or a
/// list of them, whose sources the graph declares.
pub(crate) fn json_provenance(
    value: serde_json::Value,
    sources: &[Source],
) -> Result<Vec<Provenance>, ProvenanceProblem> {
    use serde_json::Value as J;
    let entries = match value {
        J::Array(items) => items,
        J::Object(_) => vec![value],
        _ => return Err(ProvenanceProblem::Shape),
    };
    let mut out = Vec::with_capacity(entries.len());
    for entry in entries {
        let J::Object(map) = entry else {
            return Err(ProvenanceProblem::Shape);
        };
        let mut p = Provenance {
            source: Default::default(),
            section: None,
            item: None,
            note: None,
        };
        let mut has_source = false;
        for (key, value) in map {
            let J::String(text) = value else {
                return Err(ProvenanceProblem::Shape);
            };
            match key.as_str() {
                "source" if crate::load::decode::text_problem(&text).is_none() => {
                    p.source = text.into();
                    has_source = true;
                }
                "section" => p.section = Some(text.into()),
                "item" => p.item = Some(text.into()),
                "note" => p.note = Some(text.into()),
                _ => return Err(ProvenanceProblem::Shape),
            }
        }
        if !has_source {
            return Err(ProvenanceProblem::Shape);
        }
        if !sources.iter().any(|s| s.id == p.source) {
            return Err(ProvenanceProblem::UnknownSource(p.source.into_owned()));
        }
        out.push(p);
    }
    Ok(out)
}

/// Why JSON text that [`json_provenance`] refused for its shape is not
/// provenance, as the JSON graph file's decoder says it (an unknown key
/// with the nearest known one, a value of the wrong type); `None` when the
/// text is not JSON.
pub(crate) fn provenance_problem(text: &str) -> Option<K> {
    let doc = Doc::parse_json(text).ok()?;
    let file = Arc::new(SourceFile::new("", text));
    let mut errors = Vec::new();
    crate::load::decode::decode_provenance(&file, &doc, &mut errors);
    errors.into_iter().next().map(|e| e.kind)
}

/// The error for a provenance entry naming an undeclared source.
pub(crate) fn unknown_source(sources: &[Source], id: String) -> K {
    let suggestion = nearest_one(&id, sources.iter().map(|s| s.id.as_str()));
    K::UnknownSource {
        source_id: id,
        suggestion,
    }
}
