//! The subjects of the scheme, each read into its declaration: the graph,
//! sources, kinds, relations, nodes, and edges with their statements.

use std::collections::HashMap;

use oxrdf::vocab::{rdf, rdfs};
use oxrdf::{NamedOrBlankNode, Term};

use crate::format::rdf::{Space, VOCAB};
use crate::load::decode::{
    EdgeDecl, FileDecl, KIND_EXTRA_KEYS, KindDecl, NodeDecl, RELATION_EXTRA_KEYS, RelationDecl,
    SchemaDecl, Spanned, decode_kind_extra, decode_relation_extra, text_problem,
};
use crate::load::doc::{Doc, DocValue, Key};
use crate::load::error::{LoadError, LoadErrorKind as K};
use crate::model::{Basis, ImpactFlow, Properties, Source, Span, Value};

use super::{EDGE_FIELDS, NODE_FIELDS, Pred, Reader, Statement, describe};

impl<'a> Reader<'a> {
    /// The subject's first statement, and its name decoded from `local` at
    /// the subject's place; `None` when it has no statement or the name is
    /// bad (an error then says why).
    fn subject_name(
        &mut self,
        subject: &NamedOrBlankNode,
        local: &str,
        idxs: &[usize],
    ) -> Option<(usize, Spanned<String>)> {
        let &first = idxs.first()?;
        let value = self.decoded(first, subject.as_ref().into(), local)?;
        let span = self.span_of(first, subject.as_ref().into());
        Some((first, Spanned { value, span }))
    }

    pub(super) fn graph(&mut self, idxs: &[usize], out: &mut FileDecl, schema: &mut SchemaDecl) {
        for &i in idxs {
            let t = self.triple(i);
            match self.pred(&t.predicate) {
                Pred::Type if t.object.to_string() == format!("<{VOCAB}Graph>") => {}
                Pred::Label if out.meta.name.is_none() => {
                    out.meta.name = self.text(i, "the graph's name")
                }
                Pred::Comment if out.meta.description.is_none() => {
                    out.meta.description = self.text(i, "the graph's description")
                }
                Pred::Label | Pred::Comment => self.twice(i, "the graph's name or description"),
                // The schema's rules, as the JSON a graph file's `rules` holds.
                Pred::Vocab("rules") => {
                    let Some(text) = self.text(i, "`sc:rules`") else {
                        continue;
                    };
                    let t = self.triple(i);
                    let span = self.span_of(i, t.object.as_ref());
                    match Doc::parse_json(&text) {
                        Ok(doc) => schema.rules.extend(crate::load::decode::decode_rules(
                            self.file,
                            &at(doc, span),
                            self.errors,
                        )),
                        Err(e) => self.error(
                            i,
                            t.object.as_ref(),
                            format!("`sc:rules` is not JSON: {}", e.message),
                            r#"write `{"NAME": {"chain": [REL, REL], "gives": REL}}`"#.into(),
                        ),
                    }
                }
                _ => self.unexpected(
                    i,
                    "the graph",
                    "`rdfs:label`, `rdfs:comment` and `sc:rules`",
                ),
            }
        }
    }

    pub(super) fn source(
        &mut self,
        subject: &NamedOrBlankNode,
        local: &str,
        idxs: &[usize],
        out: &mut FileDecl,
    ) {
        let Some((first, Spanned { value: id, span })) = self.subject_name(subject, local, idxs)
        else {
            return;
        };
        let mut source = Source {
            id,
            title: String::new(),
            author: None,
            date: None,
            url: None,
        };
        let mut title = None;
        for &i in idxs {
            let t = self.triple(i);
            let slot = match self.pred(&t.predicate) {
                Pred::Type if t.object.to_string() == format!("<{VOCAB}Source>") => continue,
                Pred::Dc("title") => &mut title,
                Pred::Dc("creator") => &mut source.author,
                Pred::Dc("date") => &mut source.date,
                Pred::Vocab("url") => &mut source.url,
                _ => {
                    self.unexpected(
                        i,
                        "a source",
                        "`dcterms:title`, `dcterms:creator`, `dcterms:date` and `sc:url`",
                    );
                    continue;
                }
            };
            if slot.is_some() {
                self.twice(i, "a field of the source");
            } else {
                *slot = self.text(i, "a source's field");
            }
        }
        let Some(title) = title else {
            self.error(
                first,
                subject.as_ref().into(),
                format!("source `{}` has no title", source.id),
                "add `dcterms:title \"…\"` to it".into(),
            );
            return;
        };
        source.title = title;
        out.sources.push(Spanned {
            value: source,
            span,
        });
    }

    /// A schema field carried as `sc:FIELD` (`sc:colour "#9c2b23"`), as the
    /// key and value a graph file would hold, for the graph file's decoder
    /// to check. `sc:generate` holds its table as JSON text.
    fn extra(&mut self, i: usize, field: &str) -> Option<(Key, Doc)> {
        let t = self.triple(i);
        let span = self.span_of(i, t.object.as_ref());
        let value = match self.value(i, &t.object, 0)? {
            Value::String(text) if field == "generate" => match Doc::parse_json(&text) {
                // Spans inside the JSON text point at the whole literal.
                Ok(doc) => return Some((key(field, span), at(doc, span))),
                Err(e) => {
                    self.error(
                        i,
                        t.object.as_ref(),
                        format!("`sc:generate` is not JSON: {}", e.message),
                        r#"write `{"edges": [MIN, MAX]}`, with `"from": KIND` if need be"#.into(),
                    );
                    return None;
                }
            },
            Value::String(text) => DocValue::String(text),
            Value::Bool(b) => DocValue::Bool(b),
            Value::Integer(n) => DocValue::Integer(n),
            Value::Float(x) => DocValue::Float(x),
            Value::List(_) => DocValue::Array(Vec::new()),
        };
        Some((key(field, span), Doc { value, span }))
    }

    pub(super) fn kind(
        &mut self,
        subject: &NamedOrBlankNode,
        local: &str,
        idxs: &[usize],
        schema: &mut SchemaDecl,
    ) {
        let Some((_, Spanned { value: name, span })) = self.subject_name(subject, local, idxs)
        else {
            return;
        };
        let (mut plural, mut description) = (None, None);
        let mut extras = Vec::new();
        for &i in idxs {
            let t = self.triple(i);
            match self.pred(&t.predicate) {
                Pred::Type if t.object == Term::from(rdfs::CLASS.into_owned()) => {}
                Pred::Vocab(field) if KIND_EXTRA_KEYS.contains(&field) => {
                    extras.extend(self.extra(i, field));
                }
                Pred::SubClassOf if t.object.to_string() == format!("<{VOCAB}Node>") => {}
                // The label repeats the name the IRI gives.
                Pred::Label => {}
                Pred::Vocab("plural") if plural.is_none() => plural = self.text(i, "a plural"),
                Pred::Comment if description.is_none() => {
                    description = self.text(i, "a kind's description")
                }
                Pred::Vocab("plural") | Pred::Comment => {
                    self.twice(i, "a kind's plural or description")
                }
                _ => self.unexpected(
                    i,
                    "a kind",
                    "`rdf:type rdfs:Class`, `rdfs:subClassOf sc:Node`, `rdfs:label`, `sc:plural`, \
                     `rdfs:comment` and the schema's drawing and generation fields (`sc:shape` …)",
                ),
            }
        }
        let mut kind = KindDecl {
            name: Spanned { value: name, span },
            plural,
            description: description.unwrap_or_default(),
            look: Default::default(),
            share: None,
        };
        for (key, value) in &extras {
            decode_kind_extra(self.file, key, value, &mut kind, self.errors);
        }
        schema.kinds.push(kind);
    }

    pub(super) fn relation(
        &mut self,
        subject: &NamedOrBlankNode,
        local: &str,
        idxs: &[usize],
        schema: &mut SchemaDecl,
    ) {
        let Some((_, Spanned { value: name, span })) = self.subject_name(subject, local, idxs)
        else {
            return;
        };
        let mut rel = RelationDecl {
            name: Spanned { value: name, span },
            from: Vec::new(),
            to: Vec::new(),
            meaning: String::new(),
            inverse: None,
            impact: ImpactFlow::None,
            mitigation: false,
            look: Default::default(),
            roles: Default::default(),
            generate: None,
        };
        let (mut meaning, mut impact, mut mitigation) = (None, None, None);
        let mut extras = Vec::new();
        for &i in idxs {
            let t = self.triple(i);
            match self.pred(&t.predicate) {
                Pred::Type if t.object == Term::from(rdf::PROPERTY.into_owned()) => {}
                Pred::Vocab(field) if RELATION_EXTRA_KEYS.contains(&field) => {
                    extras.extend(self.extra(i, field));
                }
                // The label repeats the name; domain and range repeat
                // `sc:from` and `sc:to`, which say it exactly.
                Pred::Label | Pred::Domain | Pred::Range => {}
                Pred::Vocab("from") => rel.from.extend(self.reference(i, Space::Kind, "`sc:from`")),
                Pred::Vocab("to") => rel.to.extend(self.reference(i, Space::Kind, "`sc:to`")),
                Pred::Comment if meaning.is_none() => {
                    meaning = self.text(i, "a relation's meaning")
                }
                Pred::Vocab("inverse") if rel.inverse.is_none() => {
                    rel.inverse = self.text(i, "`sc:inverse`")
                }
                Pred::Vocab("impact") if impact.is_none() => {
                    let Some(text) = self.text(i, "`sc:impact`") else {
                        continue;
                    };
                    impact = Some(());
                    match ImpactFlow::parse(&text) {
                        Some(flow) => rel.impact = flow,
                        None => {
                            let allowed: Vec<String> =
                                ImpactFlow::NAMES.iter().map(|s| s.to_string()).collect();
                            let suggestion = crate::suggest::nearest_one(&text, &allowed);
                            let span = self.span_of(i, t.object.as_ref());
                            self.errors.push(LoadError::at(
                                self.file,
                                span,
                                K::BadValue {
                                    field: "impact",
                                    value: text,
                                    allowed,
                                    suggestion,
                                },
                            ));
                        }
                    }
                }
                Pred::Vocab("mitigation") if mitigation.is_none() => {
                    mitigation = Some(());
                    match self.value(i, &t.object, 0) {
                        Some(Value::Bool(b)) => rel.mitigation = b,
                        Some(_) => self.error(
                            i,
                            t.object.as_ref(),
                            "`sc:mitigation` must be a boolean".into(),
                            "write `true` or `false`".into(),
                        ),
                        None => {}
                    }
                }
                Pred::Comment | Pred::Vocab("inverse" | "impact" | "mitigation") => {
                    self.twice(i, "a field of the relation")
                }
                _ => self.unexpected(
                    i,
                    "a relation",
                    "`rdf:type rdf:Property`, `rdfs:label`, `sc:from`, `sc:to`, `rdfs:domain`, \
                     `rdfs:range`, `rdfs:comment`, `sc:inverse`, `sc:impact`, `sc:mitigation` \
                     and the schema's drawing, role and generation fields (`sc:colour` …)",
                ),
            }
        }
        rel.meaning = meaning.unwrap_or_default();
        for (key, value) in &extras {
            decode_relation_extra(self.file, key, value, &mut rel, self.errors);
        }
        schema.relations.push(rel);
    }

    pub(super) fn node(
        &mut self,
        subject: &NamedOrBlankNode,
        local: &str,
        idxs: &[usize],
        out: &mut FileDecl,
    ) {
        let Some((first, id)) = self.subject_name(subject, local, idxs) else {
            return;
        };
        let mut kind: Option<Spanned<String>> = None;
        let mut name = None;
        let mut properties = Properties::new();
        let mut provenance = Vec::new();
        let mut has_edges = false;
        for &i in idxs {
            let t = self.triple(i);
            match self.pred(&t.predicate) {
                Pred::Type => {
                    let Some(k) = self.reference(i, Space::Kind, "a node's type") else {
                        continue;
                    };
                    match &kind {
                        Some(first) => {
                            let span = k.span;
                            self.errors.push(LoadError::at(
                                self.file,
                                span,
                                K::Triple {
                                    reason: format!(
                                        "node `{}` has two kinds, `{}` and `{}`",
                                        id.value, first.value, k.value
                                    ),
                                    help: "give a node one `rdf:type kind:NAME`".into(),
                                },
                            ));
                        }
                        None => kind = Some(k),
                    }
                }
                Pred::Label if name.is_none() => name = self.text(i, "a node's name (`rdfs:label`)"),
                Pred::Label => self.twice(i, &format!("the name of node `{}`", id.value)),
                Pred::Vocab("provenance") => provenance.extend(self.provenance(i)),
                Pred::Ours(Space::Prop, local) => self.property(i, local, &mut properties, NODE_FIELDS),
                // Edges are read in file order by `edges`.
                Pred::Ours(Space::Rel, _) => has_edges = true,
                _ => self.unexpected(
                    i,
                    "a node",
                    "`rdf:type kind:NAME`, `rdfs:label`, `prop:NAME`, `rel:NAME` and `sc:provenance`",
                ),
            }
        }
        let missing = match (&kind, &name) {
            (None, _) => Some(("kind", "`rdf:type kind:NAME`")),
            (_, None) => Some(("name", "`rdfs:label \"…\"`")),
            _ => None,
        };
        if let Some((field, triple)) = missing {
            let reason = if has_edges && kind.is_none() && name.is_none() {
                format!("`{}` has edges but is not declared as a node", id.value)
            } else {
                format!("node `{}` has no {field}", id.value)
            };
            self.error(
                first,
                subject.as_ref().into(),
                reason,
                format!(
                    "add {triple} to `node:{}`",
                    crate::format::rdf::encode(&id.value)
                ),
            );
            out.rejected_ids.push(id);
            return;
        }
        let (Some(kind), Some(name)) = (kind, name) else {
            return;
        };
        if let Some(problem) = text_problem(&name) {
            self.error(
                first,
                subject.as_ref().into(),
                format!("the name of node `{}` {problem}", id.value),
                "write plain text without control characters or surrounding spaces".into(),
            );
            out.rejected_ids.push(id);
            return;
        }
        out.nodes.push(NodeDecl {
            id,
            kind,
            name,
            properties,
            provenance,
        });
    }

    pub(super) fn statement(
        &mut self,
        subject: &NamedOrBlankNode,
        idxs: &[usize],
        statements: &mut HashMap<(String, String, String), Statement>,
    ) {
        let Some(&first) = idxs.first() else { return };
        let (mut s, mut p, mut o) = (None, None, None);
        let mut basis = None;
        let mut properties = Properties::new();
        let mut provenance = Vec::new();
        for &i in idxs {
            let t = self.triple(i);
            match self.pred(&t.predicate) {
                Pred::Type if t.object == Term::from(rdf::STATEMENT.into_owned()) => {}
                Pred::Subject | Pred::Object => {
                    let end = if matches!(self.pred(&t.predicate), Pred::Subject) {
                        &mut s
                    } else {
                        &mut o
                    };
                    if end.is_some() {
                        self.twice(i, "an end of the statement");
                        continue;
                    }
                    let value = self.reference(i, Space::Node, "an end of an edge");
                    // Set through the same match, now that `reference` is done.
                    if matches!(self.pred(&t.predicate), Pred::Subject) {
                        s = value.map(|_| t.object.to_string());
                    } else {
                        o = value.map(|_| t.object.to_string());
                    }
                }
                Pred::Predicate if p.is_none() => {
                    p = self
                        .reference(i, Space::Rel, "`rdf:predicate`")
                        .map(|_| t.object.to_string());
                }
                Pred::Predicate => self.twice(i, "`rdf:predicate`"),
                Pred::Vocab("basis") if basis.is_none() => {
                    let Some(text) = self.text(i, "`sc:basis`") else {
                        continue;
                    };
                    basis = Some(match text.as_str() {
                        "stated" => Basis::Stated,
                        "inferred" => Basis::Inferred,
                        _ => {
                            let allowed = vec!["stated".to_string(), "inferred".to_string()];
                            let suggestion = crate::suggest::nearest_one(&text, &allowed);
                            let span = self.span_of(i, t.object.as_ref());
                            self.errors.push(LoadError::at(
                                self.file,
                                span,
                                K::BadValue {
                                    field: "basis",
                                    value: text,
                                    allowed,
                                    suggestion,
                                },
                            ));
                            continue;
                        }
                    });
                }
                Pred::Vocab("basis") => self.twice(i, "`sc:basis`"),
                Pred::Vocab("provenance") => provenance.extend(self.provenance(i)),
                Pred::Ours(Space::Prop, local) => {
                    self.property(i, local, &mut properties, EDGE_FIELDS)
                }
                _ => self.unexpected(
                    i,
                    "an edge statement",
                    "`rdf:subject`, `rdf:predicate`, `rdf:object`, `sc:basis`, `prop:NAME` and \
                     `sc:provenance`",
                ),
            }
        }
        let (Some(s), Some(p), Some(o)) = (s, p, o) else {
            self.error(
                first,
                subject.as_ref().into(),
                "this edge statement does not name its edge".into(),
                "give it `rdf:subject node:FROM`, `rdf:predicate rel:NAME` and `rdf:object node:TO`"
                    .into(),
            );
            return;
        };
        let key = (s, p, o);
        if statements.contains_key(&key) {
            self.error(
                first,
                subject.as_ref().into(),
                "a second statement describes the same edge".into(),
                "merge the two statements into one".into(),
            );
            return;
        }
        statements.insert(
            key,
            Statement {
                basis: basis.unwrap_or_default(),
                properties,
                provenance,
                at: (first, subject.clone()),
                used: false,
            },
        );
    }

    /// Every `node:A rel:R node:B` triple, in file order, with the data of
    /// the statement that describes it.
    pub(super) fn edges(
        &mut self,
        statements: &mut HashMap<(String, String, String), Statement>,
        out: &mut FileDecl,
    ) {
        for i in 0..self.triples.len() {
            let t = self.triple(i);
            let NamedOrBlankNode::NamedNode(subject) = &t.subject else {
                continue;
            };
            let Some((Space::Node, from_local)) = self.base.split(subject.as_str()) else {
                continue;
            };
            let Pred::Ours(Space::Rel, rel_local) = self.pred(&t.predicate) else {
                continue;
            };
            let to = match &t.object {
                Term::NamedNode(n)
                    if self
                        .base
                        .split(n.as_str())
                        .is_some_and(|(s, _)| s == Space::Node) =>
                {
                    self.our_name(i, t.object.as_ref(), Space::Node)
                }
                other => {
                    self.error(
                        i,
                        other.as_ref(),
                        format!("an edge must end at a node, not {}", describe(other)),
                        format!(
                            "write `node:ID` (`<{}ID>`) here, or a property with `prop:NAME`",
                            self.base.namespace(Space::Node)
                        ),
                    );
                    continue;
                }
            };
            let from = self.decoded(i, subject.as_ref().into(), from_local);
            let rel = self.decoded(i, t.predicate.as_ref().into(), rel_local);
            let (Some(from), Some(rel), Some(to)) = (from, rel, to) else {
                continue;
            };
            let from_span = self.span_of(i, subject.as_ref().into());
            let rel_span = self.span_of(i, t.predicate.as_ref().into());
            let to_span = self.span_of(i, t.object.as_ref());
            let span = if from_span.start < to_span.end {
                Span {
                    start: from_span.start,
                    end: to_span.end,
                }
            } else {
                rel_span
            };
            let key = (
                t.subject.to_string(),
                t.predicate.to_string(),
                t.object.to_string(),
            );
            let mut edge = EdgeDecl {
                from: Spanned {
                    value: from,
                    span: from_span,
                },
                rel: Spanned {
                    value: rel,
                    span: rel_span,
                },
                to: Spanned {
                    value: to,
                    span: to_span,
                },
                basis: Basis::Stated,
                properties: Properties::new(),
                provenance: Vec::new(),
                span,
            };
            if let Some(s) = statements.get_mut(&key) {
                s.used = true;
                edge.basis = s.basis;
                edge.properties = std::mem::take(&mut s.properties);
                edge.provenance = std::mem::take(&mut s.provenance);
            }
            out.edges.push(edge);
        }
    }
}

/// A key for a schema field read from a statement.
fn key(field: &str, span: Span) -> Key {
    Key {
        name: field.to_string(),
        span,
    }
}

/// `doc` with every span set to `span`.
fn at(doc: Doc, span: Span) -> Doc {
    let value = match doc.value {
        DocValue::Array(items) => DocValue::Array(items.into_iter().map(|d| at(d, span)).collect()),
        DocValue::Table(entries) => DocValue::Table(
            entries
                .into_iter()
                .map(|(k, d)| (key(&k.name, span), at(d, span)))
                .collect(),
        ),
        other => other,
    };
    Doc { value, span }
}
