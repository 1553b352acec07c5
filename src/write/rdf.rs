//! Writing a graph as RDF: Turtle or N-Triples, for RDF stores and SPARQL,
//! in the mapping [`crate::format::rdf`] fixes (the IRI scheme, values,
//! edge data, provenance and schema), which the reader
//! inverts exactly.
//!
//! Nodes, edges, kinds and provenance are written in the graph's order, so
//! seccoop's own exports read back identically.

use std::io::{self, Write};
use std::path::Path;

use oxrdf::vocab::{rdf, rdfs, xsd};
use oxrdf::{BlankNode, Literal, NamedNode, NamedOrBlankNode, Term, TripleRef};
use oxttl::{NTriplesSerializer, TurtleSerializer};

use super::WriteError;
pub use crate::format::rdf::{Base, RdfSyntax};
use crate::format::rdf::{DCTERMS, Space, VOCAB};
use crate::model::{Graph, ImpactFlow, Properties, Provenance, Value};

/// The lexical form of a float as `xsd:double`, which reads back to the
/// same bits (the shortest form that does).
pub fn double_lexical(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "INF" } else { "-INF" }.into()
    } else {
        format!("{x:?}")
    }
}

/// Writes `graph` to `path` in `syntax`, names minted under `base`,
/// atomically.
pub fn write_file(
    graph: &Graph,
    path: &Path,
    syntax: RdfSyntax,
    base: &Base,
) -> Result<(), WriteError> {
    super::atomic(path, |w| write(graph, w, syntax, base))
}

/// Writes `graph` as RDF in `syntax` to `w`, names minted under `base`.
///
/// Streams: a node's or edge's triples are written as it is reached, and
/// the graph is never held twice. Blank nodes (provenance entries and list
/// cells) are numbered in the order they are written, so the same graph
/// always gives the same file.
///
/// # Example
/// ```
/// use seccoop::write::rdf::{write, Base, RdfSyntax};
/// let graph = seccoop::load::embedded().unwrap();
/// let mut out = Vec::new();
/// write(&graph, &mut out, RdfSyntax::Turtle, &Base::default()).unwrap();
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.contains("node:counter-terrorism-cooperation rel:addresses node:terrorism ."));
/// ```
pub fn write(graph: &Graph, w: &mut dyn Write, syntax: RdfSyntax, base: &Base) -> io::Result<()> {
    let mut out = Emitter::new(w, syntax, base)?;
    let sc = |term: &str| NamedNode::new_unchecked(format!("{VOCAB}{term}"));
    let dc = |term: &str| NamedNode::new_unchecked(format!("{DCTERMS}{term}"));

    // The graph.
    let me = named(base.graph());
    out.triple(&me, rdf::TYPE.into(), sc("Graph"))?;
    let meta = graph.meta();
    if let Some(name) = &meta.name {
        out.triple(&me, rdfs::LABEL.into(), string(name))?;
    }
    if let Some(description) = &meta.description {
        out.triple(&me, rdfs::COMMENT.into(), string(description))?;
    }
    // The schema's rules, as the JSON a graph file's `rules` holds: RDF
    // schema vocabularies have no term for a property chain with a name.
    let rules = super::rule_parts(graph.schema());
    if !rules.is_empty() {
        let json = super::json_text(&super::Ordered(&rules))?;
        out.triple(&me, sc("rules"), string(&json))?;
    }

    // Its sources.
    for source in graph.sources() {
        let s = named(base.source(&source.id));
        out.triple(&s, rdf::TYPE.into(), sc("Source"))?;
        out.triple(&s, dc("title"), string(&source.title))?;
        if let Some(author) = &source.author {
            out.triple(&s, dc("creator"), string(author))?;
        }
        if let Some(date) = &source.date {
            out.triple(&s, dc("date"), string(date))?;
        }
        if let Some(url) = &source.url {
            out.triple(&s, sc("url"), string(url))?;
        }
    }

    // The schema.
    let schema = graph.schema();
    for (_, kind) in schema.kinds() {
        let k = named(base.kind(&kind.name));
        out.triple(&k, rdf::TYPE.into(), rdfs::CLASS.into_owned())?;
        out.triple(&k, rdfs::SUB_CLASS_OF.into(), sc("Node"))?;
        out.triple(&k, rdfs::LABEL.into(), string(&kind.name))?;
        if let Some(plural) = &kind.plural {
            out.triple(&k, sc("plural"), string(plural))?;
        }
        if !kind.description.is_empty() {
            out.triple(&k, rdfs::COMMENT.into(), string(&kind.description))?;
        }
        let look = &kind.look;
        for (field, value) in [
            ("shape", &look.shape),
            ("style", &look.style),
            ("fill", &look.fill),
            ("border", &look.border),
        ] {
            if let Some(value) = value {
                out.triple(&k, sc(field), string(value))?;
            }
        }
        if let Some(share) = kind.share {
            out.triple(&k, sc("share"), Literal::from(i64::from(share)))?;
        }
    }
    for (_, rel) in schema.relations() {
        let r = named(base.rel(&rel.name));
        let kind_iri = |k| NamedNode::new_unchecked(base.kind(&schema.kind(k).name));
        out.triple(&r, rdf::TYPE.into(), rdf::PROPERTY.into_owned())?;
        out.triple(&r, rdfs::LABEL.into(), string(&rel.name))?;
        for &k in &rel.from {
            out.triple(&r, sc("from"), kind_iri(k))?;
        }
        for &k in &rel.to {
            out.triple(&r, sc("to"), kind_iri(k))?;
        }
        if let [k] = rel.from[..] {
            out.triple(&r, rdfs::DOMAIN.into(), kind_iri(k))?;
        }
        if let [k] = rel.to[..] {
            out.triple(&r, rdfs::RANGE.into(), kind_iri(k))?;
        }
        if !rel.meaning.is_empty() {
            out.triple(&r, rdfs::COMMENT.into(), string(&rel.meaning))?;
        }
        if let Some(inverse) = &rel.inverse {
            out.triple(&r, sc("inverse"), string(inverse))?;
        }
        out.triple(&r, sc("impact"), string(impact_name(rel.impact)))?;
        out.triple(&r, sc("mitigation"), boolean(rel.mitigation))?;
        for (field, set) in [
            ("counters", rel.roles.counters),
            ("participants", rel.roles.participants),
            ("rank", rel.roles.rank),
            ("cluster", rel.look.cluster),
        ] {
            if set {
                out.triple(&r, sc(field), boolean(true))?;
            }
        }
        if let Some(colour) = &rel.look.colour {
            out.triple(&r, sc("colour"), string(colour))?;
        }
        if rel.look.line != crate::model::LineStyle::Solid {
            out.triple(&r, sc("line"), string(rel.look.line.name()))?;
        }
        if let Some(arrowhead) = &rel.look.arrowhead {
            out.triple(&r, sc("arrowhead"), string(arrowhead))?;
        }
        if let Some(mix) = &rel.generate {
            // One statement holds the table, as JSON text.
            let from = mix.from.map(|k| schema.kind(k).name.as_str());
            let json = match from {
                Some(from) => serde_json::json!({ "from": from, "edges": [mix.min, mix.max] }),
                None => serde_json::json!({ "edges": [mix.min, mix.max] }),
            };
            out.triple(&r, sc("generate"), string(&json.to_string()))?;
        }
    }

    // The nodes.
    for (_, node) in graph.nodes() {
        let n = named(base.node(&node.id));
        out.triple(
            &n,
            rdf::TYPE.into(),
            named(base.kind(graph.kind_name(node.kind))),
        )?;
        out.triple(&n, rdfs::LABEL.into(), string(&node.name))?;
        out.data(&n, node.properties(), node.provenance())?;
    }

    // The edges: the triple, then the statement that carries its data.
    for e in graph.edges() {
        let (Some(from), Some(to)) = (graph.node(e.from), graph.node(e.to)) else {
            continue;
        };
        let rel_name = graph.rel_name(e.edge.rel);
        let (a, r, b) = (
            named(base.node(&from.id)),
            NamedNode::new_unchecked(base.rel(rel_name)),
            named(base.node(&to.id)),
        );
        out.triple(&a, r.clone(), b.clone())?;
        let s = named(base.edge(&from.id, rel_name, &to.id));
        out.triple(&s, rdf::TYPE.into(), rdf::STATEMENT.into_owned())?;
        out.triple(&s, rdf::SUBJECT.into(), a)?;
        out.triple(&s, rdf::PREDICATE.into(), r)?;
        out.triple(&s, rdf::OBJECT.into(), b)?;
        out.triple(&s, sc("basis"), string(e.edge.basis.as_str()))?;
        out.data(&s, e.edge.properties(), e.edge.provenance())?;
    }
    out.finish()
}

fn impact_name(flow: ImpactFlow) -> &'static str {
    match flow {
        ImpactFlow::Forward => "forward",
        ImpactFlow::Backward => "backward",
        ImpactFlow::Both => "both",
        ImpactFlow::None => "none",
    }
}

fn named(iri: String) -> NamedOrBlankNode {
    NamedOrBlankNode::NamedNode(NamedNode::new_unchecked(iri))
}

fn string(text: &str) -> Literal {
    Literal::new_simple_literal(text)
}

fn boolean(b: bool) -> Literal {
    Literal::new_typed_literal(if b { "true" } else { "false" }, xsd::BOOLEAN)
}

/// The serializer of one syntax. One lives per export, so the size of the
/// Turtle one (its prefixes) does not matter.
#[allow(clippy::large_enum_variant)]
enum Serializer<'w> {
    Turtle(oxttl::turtle::WriterTurtleSerializer<&'w mut dyn Write>),
    NTriples(oxttl::ntriples::WriterNTriplesSerializer<&'w mut dyn Write>),
}

/// Writes triples, numbering blank nodes, with structures that hang off a
/// subject (provenance entries, list cells) written after its own triples
/// so Turtle keeps each subject's triples together.
struct Emitter<'w> {
    serializer: Serializer<'w>,
    base: &'w Base,
    blanks: u64,
}

/// A structure to write after the current subject.
#[derive(Clone)]
enum Pending<'g> {
    Provenance(BlankNode, &'g Provenance),
    List(BlankNode, &'g [Value]),
}

impl<'w> Emitter<'w> {
    fn new(w: &'w mut dyn Write, syntax: RdfSyntax, base: &'w Base) -> io::Result<Self> {
        let serializer = match syntax {
            RdfSyntax::NTriples => Serializer::NTriples(NTriplesSerializer::new().for_writer(w)),
            RdfSyntax::Turtle => {
                let mut s = TurtleSerializer::new();
                let prefixes = Space::ALL
                    .into_iter()
                    .map(|space| (space.prefix(), base.namespace(space)))
                    .chain([
                        ("sc", VOCAB.to_string()),
                        ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#".into()),
                        ("rdfs", "http://www.w3.org/2000/01/rdf-schema#".into()),
                        ("xsd", "http://www.w3.org/2001/XMLSchema#".into()),
                        ("dcterms", DCTERMS.into()),
                    ]);
                for (name, iri) in prefixes {
                    s = s.with_prefix(name, iri).map_err(io::Error::other)?;
                }
                Serializer::Turtle(s.for_writer(w))
            }
        };
        Ok(Emitter {
            serializer,
            base,
            blanks: 0,
        })
    }

    fn triple(
        &mut self,
        subject: &NamedOrBlankNode,
        predicate: NamedNode,
        object: impl Into<Term>,
    ) -> io::Result<()> {
        let object = object.into();
        let t = TripleRef::new(subject, &predicate, &object);
        match &mut self.serializer {
            Serializer::Turtle(s) => s.serialize_triple(t),
            Serializer::NTriples(s) => s.serialize_triple(t),
        }
    }

    fn blank(&mut self) -> BlankNode {
        self.blanks += 1;
        BlankNode::new_unchecked(format!("b{}", self.blanks))
    }

    /// A value as an RDF term; a list becomes a blank node written later.
    fn value<'g>(&mut self, value: &'g Value, pending: &mut Vec<Pending<'g>>) -> Term {
        match value {
            Value::String(s) => string(s).into(),
            Value::Integer(i) => Literal::new_typed_literal(i.to_string(), xsd::INTEGER).into(),
            Value::Float(x) => Literal::new_typed_literal(double_lexical(*x), xsd::DOUBLE).into(),
            Value::Bool(b) => boolean(*b).into(),
            Value::List(items) if items.is_empty() => rdf::NIL.into_owned().into(),
            Value::List(items) => {
                let cell = self.blank();
                pending.push(Pending::List(cell.clone(), items));
                cell.into()
            }
        }
    }

    /// The properties and provenance of a node or an edge statement, then
    /// the structures they refer to.
    fn data(
        &mut self,
        subject: &NamedOrBlankNode,
        properties: &Properties,
        provenance: &[Provenance],
    ) -> io::Result<()> {
        let mut pending = Vec::new();
        for (name, value) in properties {
            let object = self.value(value, &mut pending);
            let p = NamedNode::new_unchecked(self.base.prop(name));
            self.triple(subject, p, object)?;
        }
        for p in provenance {
            let entry = self.blank();
            pending.push(Pending::Provenance(entry.clone(), p));
            self.triple(subject, vocab("provenance"), entry)?;
        }
        // Written in order; a list's own nested lists are queued behind it.
        let mut i = 0;
        while let Some(item) = pending.get(i).cloned() {
            match item {
                Pending::Provenance(entry, p) => {
                    let s = NamedOrBlankNode::from(entry.clone());
                    let source = NamedNode::new_unchecked(self.base.source(&p.source));
                    self.triple(&s, vocab("source"), source)?;
                    for (term, text) in [
                        ("section", &p.section),
                        ("item", &p.item),
                        ("note", &p.note),
                    ] {
                        if let Some(text) = text {
                            self.triple(&s, vocab(term), string(text))?;
                        }
                    }
                }
                Pending::List(first, items) => {
                    let mut cell = NamedOrBlankNode::from(first);
                    for (k, item) in items.iter().enumerate() {
                        let object = self.value(item, &mut pending);
                        self.triple(&cell, rdf::FIRST.into(), object)?;
                        if k + 1 == items.len() {
                            self.triple(&cell, rdf::REST.into(), rdf::NIL.into_owned())?;
                        } else {
                            let next = self.blank();
                            self.triple(&cell, rdf::REST.into(), next.clone())?;
                            cell = next.into();
                        }
                    }
                }
            }
            i += 1;
        }
        Ok(())
    }

    fn finish(self) -> io::Result<()> {
        match self.serializer {
            Serializer::Turtle(s) => s.finish()?.flush(),
            Serializer::NTriples(s) => s.finish().flush(),
        }
    }
}

fn vocab(term: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{VOCAB}{term}"))
}
