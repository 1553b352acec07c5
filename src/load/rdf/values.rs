//! Property values from RDF terms: literals by datatype, collections as
//! lists, and provenance entries.

use std::collections::HashSet;

use oxrdf::vocab::{rdf, xsd};
use oxrdf::{Literal, NamedOrBlankNode, Term};

use crate::format::rdf::Space;
use crate::load::decode::ProvDecl;
use crate::model::{Properties, Value};

use super::{MAX_DEPTH, Pred, Reader, describe};

impl<'a> Reader<'a> {
    pub(super) fn value(&mut self, i: usize, term: &Term, depth: usize) -> Option<Value> {
        match term {
            Term::Literal(l) => self.literal(i, l),
            Term::NamedNode(n) if n.as_ref() == rdf::NIL => Some(Value::List(Vec::new())),
            Term::BlankNode(b) => self.list(i, NamedOrBlankNode::from(b.clone()), depth),
            other => {
                self.error(
                    i,
                    other.as_ref(),
                    format!(
                        "a property value must be a literal or a list, not {}",
                        describe(other)
                    ),
                    "write a string, number or boolean literal, or a list `( … )`; an edge \
                     to a node is written with a `rel:` predicate"
                        .into(),
                );
                None
            }
        }
    }

    pub(super) fn literal(&mut self, i: usize, l: &Literal) -> Option<Value> {
        let text = l.value();
        let dt = l.datatype();
        let bad = |this: &mut Self, expected: &str| {
            this.error(
                i,
                l.as_ref().into(),
                format!("`{text}` is not {expected}"),
                format!("write {expected}, or type the literal as a string"),
            );
            None
        };
        if is_string(l) {
            return Some(Value::String(text.to_string()));
        }
        if INTEGER_TYPES.contains(&dt.as_str()) {
            return match text.trim().parse::<i64>() {
                Ok(n) => Some(Value::Integer(n)),
                Err(_) => bad(self, "an integer within 64 bits"),
            };
        }
        if dt == xsd::DOUBLE || dt == xsd::FLOAT || dt == xsd::DECIMAL {
            let parsed = match text.trim() {
                "INF" | "+INF" => Some(f64::INFINITY),
                "-INF" => Some(f64::NEG_INFINITY),
                "NaN" => Some(f64::NAN),
                t if t.bytes().any(|b| b.is_ascii_digit()) => t.parse::<f64>().ok(),
                _ => None,
            };
            return match parsed {
                Some(x) => Some(Value::Float(x)),
                None => bad(self, "a number"),
            };
        }
        if dt == xsd::BOOLEAN {
            return match text.trim() {
                "true" | "1" => Some(Value::Bool(true)),
                "false" | "0" => Some(Value::Bool(false)),
                _ => bad(self, "`true` or `false`"),
            };
        }
        if TEXT_TYPES.contains(&dt.as_str()) {
            return Some(Value::String(text.to_string()));
        }
        self.error(
            i,
            l.as_ref().into(),
            format!("the datatype `<{}>` has no seccoop value type", dt.as_str()),
            "type it xsd:string, xsd:integer, xsd:double, xsd:boolean or xsd:date".into(),
        );
        None
    }

    /// An RDF collection starting at `head`.
    pub(super) fn list(&mut self, i: usize, head: NamedOrBlankNode, depth: usize) -> Option<Value> {
        if depth >= MAX_DEPTH {
            self.error(
                i,
                head.as_ref().into(),
                format!("lists nest deeper than {MAX_DEPTH} levels"),
                "flatten the value".into(),
            );
            return None;
        }
        let mut items = Vec::new();
        let mut cell = head;
        let mut at = i;
        let mut seen = HashSet::new();
        loop {
            if !seen.insert(cell.clone()) {
                self.error(
                    at,
                    cell.as_ref().into(),
                    "this list runs in a circle".into(),
                    "end the list with `rdf:rest rdf:nil`".into(),
                );
                return None;
            }
            self.consumed.insert(cell.clone());
            let idxs = self.by_subject.get(&cell).cloned().unwrap_or_default();
            let (mut first, mut rest) = (None, None);
            for &j in &idxs {
                let t = self.triple(j);
                match self.pred(&t.predicate) {
                    Pred::First if first.is_none() => first = Some((j, t.object.clone())),
                    Pred::Rest if rest.is_none() => rest = Some((j, t.object.clone())),
                    Pred::First => self.twice(j, "`rdf:first` of a list cell"),
                    Pred::Rest => self.twice(j, "`rdf:rest` of a list cell"),
                    Pred::Type if t.object == Term::from(rdf::LIST.into_owned()) => {}
                    _ => self.unexpected(j, "a list cell", "`rdf:first` and `rdf:rest`"),
                }
            }
            let (Some((j, item)), Some((k, next))) = (first, rest) else {
                self.error(
                    at,
                    cell.as_ref().into(),
                    "a property value is a blank node that is not a list cell".into(),
                    "write a list `( … )`, or a literal".into(),
                );
                return None;
            };
            items.push(self.value(j, &item, depth + 1)?);
            match next {
                Term::NamedNode(n) if n.as_ref() == rdf::NIL => return Some(Value::List(items)),
                Term::BlankNode(b) => {
                    cell = b.into();
                    at = k;
                }
                other => {
                    self.error(
                        k,
                        other.as_ref(),
                        "a list goes on with something that is not a list cell".into(),
                        "end the list with `rdf:rest rdf:nil`".into(),
                    );
                    return None;
                }
            }
        }
    }

    /// A property triple: `prop:NAME` with a value, added to `properties`.
    pub(super) fn property(
        &mut self,
        i: usize,
        local: &str,
        properties: &mut Properties,
        fields: &[&str],
    ) {
        let t = self.triple(i);
        let Some(name) = self.decoded_text(i, t.predicate.as_ref().into(), local) else {
            return;
        };
        if fields.contains(&name.as_str()) {
            self.error(
                i,
                t.predicate.as_ref().into(),
                format!("`{name}` is a field, not a property"),
                "rename the property; fields have their own predicates (rdf:type, rdfs:label, \
                 sc:basis, sc:provenance)"
                    .into(),
            );
            return;
        }
        if properties.contains_key(&name) {
            self.error(
                i,
                t.predicate.as_ref().into(),
                format!("property `{name}` has two values"),
                "give a property one value; write several as a list `( … )`".into(),
            );
            return;
        }
        if let Some(value) = self.value(i, &t.object, 0) {
            properties.insert(name, value);
        }
    }

    /// A provenance entry, the object of triple `i`.
    pub(super) fn provenance(&mut self, i: usize) -> Option<ProvDecl> {
        let t = self.triple(i);
        let entry = match &t.object {
            Term::NamedNode(n) => NamedOrBlankNode::from(n.clone()),
            Term::BlankNode(b) => NamedOrBlankNode::from(b.clone()),
            other => {
                self.error(
                    i,
                    other.as_ref(),
                    format!(
                        "a provenance entry must be a resource, not {}",
                        describe(other)
                    ),
                    "write `sc:provenance [ sc:source source:ID ; sc:note \"…\" ]`".into(),
                );
                return None;
            }
        };
        self.consumed.insert(entry.clone());
        let idxs = self.by_subject.get(&entry).cloned().unwrap_or_default();
        let mut source = None;
        let (mut section, mut item, mut note) = (None, None, None);
        for &j in &idxs {
            let tj = self.triple(j);
            match self.pred(&tj.predicate) {
                Pred::Vocab("source") if source.is_none() => {
                    source = self.reference(j, Space::Source, "`sc:source`");
                }
                Pred::Vocab(field @ ("section" | "item" | "note")) => {
                    let slot = match field {
                        "section" => &mut section,
                        "item" => &mut item,
                        _ => &mut note,
                    };
                    if slot.is_some() {
                        self.twice(j, &format!("`sc:{field}`"));
                    } else {
                        *slot = self.text(j, &format!("`sc:{field}`"));
                    }
                }
                Pred::Vocab("source") => self.twice(j, "`sc:source`"),
                _ => self.unexpected(
                    j,
                    "a provenance entry",
                    "`sc:source`, `sc:section`, `sc:item` and `sc:note`",
                ),
            }
        }
        let Some(source) = source else {
            self.error(
                i,
                t.object.as_ref(),
                "this provenance entry names no source".into(),
                "add `sc:source source:ID` to it".into(),
            );
            return None;
        };
        Some(ProvDecl {
            source,
            section,
            item,
            note,
        })
    }
}

/// Datatypes read as integers.
pub(super) const INTEGER_TYPES: &[&str] = &[
    "http://www.w3.org/2001/XMLSchema#integer",
    "http://www.w3.org/2001/XMLSchema#int",
    "http://www.w3.org/2001/XMLSchema#long",
    "http://www.w3.org/2001/XMLSchema#short",
    "http://www.w3.org/2001/XMLSchema#byte",
    "http://www.w3.org/2001/XMLSchema#nonNegativeInteger",
    "http://www.w3.org/2001/XMLSchema#nonPositiveInteger",
    "http://www.w3.org/2001/XMLSchema#positiveInteger",
    "http://www.w3.org/2001/XMLSchema#negativeInteger",
    "http://www.w3.org/2001/XMLSchema#unsignedLong",
    "http://www.w3.org/2001/XMLSchema#unsignedInt",
    "http://www.w3.org/2001/XMLSchema#unsignedShort",
    "http://www.w3.org/2001/XMLSchema#unsignedByte",
];

/// Datatypes whose text is kept as a string (TOML dates are strings too).
pub(super) const TEXT_TYPES: &[&str] = &[
    "http://www.w3.org/2001/XMLSchema#date",
    "http://www.w3.org/2001/XMLSchema#dateTime",
    "http://www.w3.org/2001/XMLSchema#time",
    "http://www.w3.org/2001/XMLSchema#gYear",
    "http://www.w3.org/2001/XMLSchema#gYearMonth",
    "http://www.w3.org/2001/XMLSchema#anyURI",
    "http://www.w3.org/2001/XMLSchema#normalizedString",
    "http://www.w3.org/2001/XMLSchema#token",
];

pub(super) fn is_string(l: &Literal) -> bool {
    l.datatype() == xsd::STRING || l.datatype() == rdf::LANG_STRING
}
