//! Reading RDF graph files: Turtle (`.ttl`) and N-Triples (`.nt`).
//!
//! The triples are read with oxttl's parsers and turned back into the
//! declarations a TOML or JSON file gives ([`FileDecl`]), so an RDF file
//! goes through the same checks as any graph file (unknown kinds and
//! relations with the nearest name, edges to missing nodes, the schema's
//! allowed ends, unknown sources) and merges with other graph files. The
//! IRI scheme is the one [`crate::write::rdf`] writes and documents.
//!
//! **The base.** A file names its base with the graph resource,
//! `<BASE graph> a sc:Graph`; a file without one uses the default base
//! `urn:seccoop:`. Names are percent-decoded, so `node:a%20b` is the id
//! `a b`, and an IRI written with raw Unicode means the same as its encoded
//! form.
//!
//! **What is read.** A subject `node:ID` is a node: exactly one
//! `rdf:type kind:NAME`, exactly one `rdfs:label` (its name), `prop:NAME`
//! values, `sc:provenance` entries, and `rel:NAME` triples to other nodes
//! (its edges). A subject `edge:…`, or any subject typed `rdf:Statement`,
//! carries the data of the edge it names with `rdf:subject`, `rdf:predicate`
//! and `rdf:object`: `sc:basis`, `prop:NAME`, `sc:provenance`. Subjects
//! `kind:NAME` and `rel:NAME` declare the schema (a file that declares none
//! uses the default schema), `source:ID` the sources, `BASE graph` the
//! graph's name and description. The order of the file is kept.
//!
//! **Values.** `xsd:string` and language-tagged strings (the tag is
//! dropped) are strings; `xsd:integer` and its subtypes integers (within 64
//! bits); `xsd:double`, `xsd:float` and `xsd:decimal` floats; `xsd:boolean`
//! booleans; dates and times keep their text as strings, as TOML dates do;
//! an RDF collection is a list. Any other datatype is an error.
//!
//! **What does not fit is an error**, never silently dropped, as an unknown
//! key of a TOML file is: a triple whose predicate seccoop does not read on
//! that subject (a foreign vocabulary), a literal where a node is expected,
//! an IRI where a value is expected, a property with two values, a node
//! with no kind, two kinds or no name, a blank node that is not a list cell
//! or a provenance entry, a subject outside the scheme, and a statement
//! about an edge the file does not state. Each error gives the line and
//! column of the term concerned, and says what to write instead.
//!
//! **Positions.** oxttl reports syntax errors with their position, but not
//! where each triple was read. The file is therefore fed to the parser one
//! line at a time (long lines in pieces of 256 bytes): each triple is known
//! to come from the text fed since the previous triple, and a problem points
//! at the term's text there (its last name segment, or a literal's text);
//! when the text cannot be found, at the last line of it.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use oxrdf::vocab::{rdf, rdfs, xsd};
use oxrdf::{Literal, NamedNode, NamedOrBlankNode, Term, TermRef, Triple};

use crate::model::{Basis, ImpactFlow, Properties, Source, Value};
use crate::write::rdf::{Base, DCTERMS, RdfSyntax, Space, VOCAB, decode as decode_name};

use super::bulk::{FastMap, MAX_LISTED};
use super::decode::{
    EdgeDecl, FileDecl, KIND_EXTRA_KEYS, KindDecl, NodeDecl, ProvDecl, RELATION_EXTRA_KEYS,
    RelationDecl, SchemaDecl, Spanned, decode_kind_extra, decode_relation_extra, text_problem,
};
use super::doc::{Doc, DocValue, Key, Span};
use super::error::{LoadError, LoadErrorKind as K, SourceFile};

/// How deep lists may nest.
const MAX_DEPTH: usize = 64;

/// Names a node's properties cannot have: they are its fields.
const NODE_FIELDS: &[&str] = &["id", "kind", "name", "provenance"];
/// Names an edge's properties cannot have.
const EDGE_FIELDS: &[&str] = &["from", "rel", "to", "basis", "provenance"];

/// A triple and the bytes of the file it was read from.
struct Located {
    /// Shared, so reading a triple's parts does not copy its strings.
    triple: Rc<Triple>,
    /// Byte range of the lines fed to the parser since the previous triple.
    window: (usize, usize),
}

/// Reads an RDF file into declarations, pushing every problem onto `errors`.
pub fn decode_file(
    file: &Arc<SourceFile>,
    syntax: RdfSyntax,
    errors: &mut Vec<LoadError>,
) -> FileDecl {
    let Some(triples) = parse(file, syntax, errors) else {
        return FileDecl::default();
    };
    let before = errors.len();
    let decl = Reader::new(file, triples, errors).read();
    // A file of foreign data could give one problem per triple.
    if errors.len() - before > MAX_LISTED {
        let more = errors.len() - before - MAX_LISTED;
        errors.truncate(before + MAX_LISTED);
        errors.push(LoadError::bare(K::TooMany { more }));
    }
    decl
}

/// The low-level parser of a syntax, fed by hand.
enum Parser {
    Turtle(oxttl::turtle::LowLevelTurtleParser),
    NTriples(oxttl::ntriples::LowLevelNTriplesParser),
}

impl Parser {
    fn extend(&mut self, bytes: &[u8]) {
        match self {
            Parser::Turtle(p) => p.extend_from_slice(bytes),
            Parser::NTriples(p) => p.extend_from_slice(bytes),
        }
    }

    fn end(&mut self) {
        match self {
            Parser::Turtle(p) => p.end(),
            Parser::NTriples(p) => p.end(),
        }
    }

    fn next(&mut self) -> Option<Result<Triple, oxttl::TurtleSyntaxError>> {
        match self {
            Parser::Turtle(p) => p.parse_next(),
            Parser::NTriples(p) => p.parse_next(),
        }
    }
}

/// Every triple of the file with where it was read, or `None` after a
/// syntax error (reported; the rest of the file is not read).
fn parse(
    file: &Arc<SourceFile>,
    syntax: RdfSyntax,
    errors: &mut Vec<LoadError>,
) -> Option<Vec<Located>> {
    let mut parser = match syntax {
        RdfSyntax::Turtle => Parser::Turtle(oxttl::TurtleParser::new().low_level()),
        RdfSyntax::NTriples => Parser::NTriples(oxttl::NTriplesParser::new().low_level()),
    };
    let text = file.text.as_str();
    let mut lines = text.split_inclusive('\n').flat_map(pieces);
    let mut out = Vec::new();
    let (mut pos, mut window_start) = (0, 0);
    loop {
        let line = lines.next();
        match line {
            Some(line) => parser.extend(line.as_bytes()),
            None => parser.end(),
        }
        let line_start = pos;
        pos += line.map_or(0, str::len);
        let mut read = false;
        while let Some(result) = parser.next() {
            match result {
                Ok(triple) => {
                    out.push(Located {
                        triple: Rc::new(triple),
                        window: (window_start, pos),
                    });
                    read = true;
                }
                Err(e) => {
                    let at = e.location();
                    let start = usize::try_from(at.start.offset)
                        .unwrap_or(usize::MAX)
                        .min(text.len());
                    let end = usize::try_from(at.end.offset)
                        .unwrap_or(usize::MAX)
                        .clamp(start, text.len());
                    let span = Span { start, end };
                    errors.push(LoadError::at(
                        file,
                        span,
                        K::Syntax {
                            message: e.message().to_string(),
                            format: syntax.name(),
                        },
                    ));
                    return None;
                }
            }
        }
        if read {
            window_start = line_start;
        }
        if line.is_none() {
            return Some(out);
        }
    }
}

/// The longest piece of a line fed to the parser at once.
const PIECE: usize = 256;

/// A line cut into pieces of at most [`PIECE`] bytes (on character
/// boundaries), so that a triple's window stays short even in a file
/// written on one line.
fn pieces(line: &str) -> impl Iterator<Item = &str> {
    let mut rest = line;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut end = rest.len().min(PIECE);
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece)
    })
}

/// What a predicate is to the reader.
enum Pred<'t> {
    Type,
    Label,
    Comment,
    SubClassOf,
    Domain,
    Range,
    First,
    Rest,
    Subject,
    Predicate,
    Object,
    /// A term of seccoop's vocabulary (`sc:`), by its name.
    Vocab(&'t str),
    /// A Dublin Core term, by its name.
    Dc(&'t str),
    /// A name under the base, still encoded.
    Ours(Space, &'t str),
    Other,
}

/// A statement's data, waiting for the edge it describes.
struct Statement {
    basis: Basis,
    properties: Properties,
    provenance: Vec<ProvDecl>,
    /// Where it was written, for the error when no edge matches it.
    at: (usize, NamedOrBlankNode),
    used: bool,
}

/// The interpretation of one file's triples.
struct Reader<'a> {
    file: &'a Arc<SourceFile>,
    triples: Vec<Located>,
    /// Subjects in order of first appearance, with their triples.
    subjects: Vec<NamedOrBlankNode>,
    by_subject: FastMap<NamedOrBlankNode, Vec<usize>>,
    base: Base,
    errors: &'a mut Vec<LoadError>,
    /// Blank nodes and IRIs read as a part of something else (list cells,
    /// provenance entries).
    consumed: HashSet<NamedOrBlankNode>,
}

impl<'a> Reader<'a> {
    fn new(
        file: &'a Arc<SourceFile>,
        triples: Vec<Located>,
        errors: &'a mut Vec<LoadError>,
    ) -> Self {
        let mut subjects = Vec::new();
        let mut by_subject: FastMap<NamedOrBlankNode, Vec<usize>> = FastMap::default();
        for (i, t) in triples.iter().enumerate() {
            let subject = &t.triple.subject;
            match by_subject.get_mut(subject) {
                Some(idxs) => idxs.push(i),
                None => {
                    subjects.push(subject.clone());
                    by_subject.insert(subject.clone(), vec![i]);
                }
            }
        }
        Reader {
            file,
            triples,
            subjects,
            by_subject,
            base: Base::default(),
            errors,
            consumed: HashSet::new(),
        }
    }

    fn read(mut self) -> FileDecl {
        let mut out = FileDecl::default();
        self.find_base();
        let mut schema = SchemaDecl::default();
        let mut statements: HashMap<(String, String, String), Statement> = HashMap::new();
        let mut others = Vec::new();
        let subjects = std::mem::take(&mut self.subjects);
        for subject in &subjects {
            let idxs = self.by_subject.get(subject).cloned().unwrap_or_default();
            let place = match subject {
                NamedOrBlankNode::NamedNode(n) if n.as_str() == self.base.graph() => {
                    Some(Place::Graph)
                }
                NamedOrBlankNode::NamedNode(n) => self
                    .base
                    .split(n.as_str())
                    .map(|(space, local)| Place::Ours(space, local.to_string())),
                NamedOrBlankNode::BlankNode(_) => None,
            };
            let typed_statement = idxs.iter().any(|&i| {
                // The subject index holds positions in `triples` only.
                let t = &self.triples[i].triple;
                t.predicate.as_ref() == rdf::TYPE
                    && t.object == Term::from(rdf::STATEMENT.into_owned())
            });
            match place {
                Some(Place::Graph) => self.graph(&idxs, &mut out, &mut schema),
                Some(Place::Ours(Space::Node, local)) => {
                    self.node(subject, &local, &idxs, &mut out)
                }
                Some(Place::Ours(Space::Kind, local)) => {
                    self.kind(subject, &local, &idxs, &mut schema)
                }
                Some(Place::Ours(Space::Rel, local)) => {
                    self.relation(subject, &local, &idxs, &mut schema)
                }
                Some(Place::Ours(Space::Source, local)) => {
                    self.source(subject, &local, &idxs, &mut out)
                }
                Some(Place::Ours(Space::Edge, _)) => {
                    self.statement(subject, &idxs, &mut statements)
                }
                _ if typed_statement => self.statement(subject, &idxs, &mut statements),
                _ => others.push((subject.clone(), idxs)),
            }
        }
        self.edges(&mut statements, &mut out);
        let mut unused: Vec<_> = statements.into_values().filter(|s| !s.used).collect();
        unused.sort_by_key(|s| s.at.0);
        for s in unused {
            self.error(
                s.at.0,
                s.at.1.as_ref().into(),
                "this statement describes an edge the file does not state".into(),
                "add the edge's own triple (`node:FROM rel:NAME node:TO`), or remove the statement"
                    .into(),
            );
        }
        for (subject, idxs) in others {
            if self.consumed.contains(&subject) {
                continue;
            }
            let Some(&first) = idxs.first() else { continue };
            let reason = match &subject {
                // Its label may be made up by the parser, so it is not shown.
                NamedOrBlankNode::BlankNode(_) => {
                    "this blank node is neither a list cell nor a provenance entry".to_string()
                }
                NamedOrBlankNode::NamedNode(n) => {
                    format!("`<{}>` is not a name of the graph", n.as_str())
                }
            };
            let help = format!(
                "seccoop reads nodes `<{b}node/ID>`, kinds `<{b}kind/NAME>`, relations \
                 `<{b}rel/NAME>`, sources `<{b}source/ID>`, edge statements and the graph \
                 `<{b}graph>`; name the node with an IRI like these, or remove these triples",
                b = self.base
            );
            self.error(first, subject.as_ref().into(), reason, help);
        }
        if !schema.kinds.is_empty() || !schema.relations.is_empty() {
            out.schema = Some(schema);
        }
        out
    }

    /// Takes the base from the graph resource `<BASE graph> a sc:Graph`.
    fn find_base(&mut self) {
        let graph_class = Term::from(NamedNode::new_unchecked(format!("{VOCAB}Graph")));
        let mut found: Vec<(usize, NamedNode)> = Vec::new();
        for (i, t) in self.triples.iter().enumerate() {
            if t.triple.predicate.as_ref() == rdf::TYPE && t.triple.object == graph_class {
                match &t.triple.subject {
                    NamedOrBlankNode::NamedNode(n) if !found.iter().any(|(_, f)| f == n) => {
                        found.push((i, n.clone()));
                    }
                    _ => {}
                }
            }
        }
        let Some((i, graph)) = found.first().cloned() else {
            return;
        };
        if let Some((j, second)) = found.get(1).cloned() {
            self.error(
                j,
                second.as_ref().into(),
                "the file describes two graphs".into(),
                format!(
                    "load each graph from its own file; the first is `<{}>`",
                    graph.as_str()
                ),
            );
            return;
        }
        let base = graph
            .as_str()
            .strip_suffix("graph")
            .and_then(|b| Base::new(b).ok());
        match base {
            Some(base) => self.base = base,
            None => self.error(
                i,
                graph.as_ref().into(),
                format!(
                    "the graph resource `<{}>` is not a base IRI followed by `graph`",
                    graph.as_str()
                ),
                "name it `<BASE graph>`, where BASE ends with `/`, `#` or `:` and prefixes \
                 every node, kind and relation IRI"
                    .into(),
            ),
        }
    }

    fn pred<'t>(&self, p: &'t NamedNode) -> Pred<'t> {
        let iri = p.as_str();
        let r = p.as_ref();
        if r == rdf::TYPE {
            Pred::Type
        } else if r == rdfs::LABEL {
            Pred::Label
        } else if r == rdfs::COMMENT {
            Pred::Comment
        } else if r == rdfs::SUB_CLASS_OF {
            Pred::SubClassOf
        } else if r == rdfs::DOMAIN {
            Pred::Domain
        } else if r == rdfs::RANGE {
            Pred::Range
        } else if r == rdf::FIRST {
            Pred::First
        } else if r == rdf::REST {
            Pred::Rest
        } else if r == rdf::SUBJECT {
            Pred::Subject
        } else if r == rdf::PREDICATE {
            Pred::Predicate
        } else if r == rdf::OBJECT {
            Pred::Object
        } else if let Some(term) = iri.strip_prefix(VOCAB) {
            Pred::Vocab(term)
        } else if let Some(term) = iri.strip_prefix(DCTERMS) {
            Pred::Dc(term)
        } else if let Some((space, local)) = self.base.split(iri) {
            Pred::Ours(space, local)
        } else {
            Pred::Other
        }
    }

    // ---- positions and errors ----

    /// Where a term of triple `i` is written: its text within the lines the
    /// triple was read from, else the last of those lines.
    fn span_of(&self, i: usize, term: TermRef<'_>) -> Span {
        let text = self.file.text.as_str();
        let Some(located) = self.triples.get(i) else {
            return Span { start: 0, end: 0 };
        };
        let (start, end) = located.window;
        let window = text.get(start..end).unwrap_or("");
        let needle = match term {
            TermRef::NamedNode(n) => {
                let iri = n.as_str();
                let tail = iri.rsplit(['/', '#', ':']).next().unwrap_or(iri);
                if tail.is_empty() { iri } else { tail }
            }
            TermRef::BlankNode(b) => b.as_str(),
            TermRef::Literal(l) => l.value().lines().next().unwrap_or(""),
        };
        if !needle.is_empty() {
            let name_char = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '%');
            let found = window.rmatch_indices(needle).find(|&(at, _)| {
                let before = window[..at].chars().next_back();
                let after = window[at + needle.len()..].chars().next();
                !before.is_some_and(name_char) && !after.is_some_and(name_char)
            });
            if let Some((at, _)) = found {
                return Span {
                    start: start + at,
                    end: start + at + needle.len(),
                };
            }
        }
        // The last non-blank line of the window.
        let trimmed = window.trim_end();
        let line_start = trimmed.rfind('\n').map_or(0, |k| k + 1);
        let line = &trimmed[line_start..];
        let indent = line.len() - line.trim_start().len();
        Span {
            start: start + line_start + indent,
            end: start + trimmed.len(),
        }
    }

    fn error(&mut self, i: usize, term: TermRef<'_>, reason: String, help: String) {
        let span = self.span_of(i, term);
        self.errors
            .push(LoadError::at(self.file, span, K::Triple { reason, help }));
    }

    fn triple(&self, i: usize) -> Rc<Triple> {
        self.triples
            .get(i)
            .map(|t| Rc::clone(&t.triple))
            .unwrap_or_else(|| Rc::new(Triple::new(rdf::NIL, rdf::NIL, rdf::NIL)))
    }

    fn unexpected(&mut self, i: usize, what: &str, allowed: &str) {
        let t = self.triple(i);
        self.error(
            i,
            t.predicate.as_ref().into(),
            format!(
                "`<{}>` is not a predicate seccoop reads on {what}",
                t.predicate.as_str()
            ),
            format!("{what} takes {allowed}; remove this triple or use one of them"),
        );
    }

    fn twice(&mut self, i: usize, what: &str) {
        let t = self.triple(i);
        self.error(
            i,
            t.object.as_ref(),
            format!("{what} is given twice"),
            "keep one of the two triples".into(),
        );
    }

    // ---- terms ----

    /// The decoded name of a term under the base, in `space`.
    fn our_name(&mut self, i: usize, term: TermRef<'_>, space: Space) -> Option<String> {
        let TermRef::NamedNode(n) = term else {
            return None;
        };
        let (s, local) = self.base.split(n.as_str())?;
        if s != space {
            return None;
        }
        self.decoded(i, term, local)
    }

    /// A percent-decoded name, checked like every id and name.
    fn decoded(&mut self, i: usize, term: TermRef<'_>, local: &str) -> Option<String> {
        let name = self.decoded_text(i, term, local)?;
        if let Some(problem) = text_problem(&name) {
            self.error(
                i,
                term,
                format!("the name `{name}` {problem}"),
                "write plain text without control characters or surrounding spaces".into(),
            );
            return None;
        }
        Some(name)
    }

    /// A percent-decoded name of any text: a property name, which TOML and
    /// JSON files may spell with any characters.
    fn decoded_text(&mut self, i: usize, term: TermRef<'_>, local: &str) -> Option<String> {
        let Some(name) = decode_name(local) else {
            self.error(
                i,
                term,
                format!("`{local}` is not valid percent-encoded UTF-8"),
                "write `%` only as the start of `%XX`, two hex digits of a UTF-8 byte".into(),
            );
            return None;
        };
        Some(name)
    }

    /// The object of triple `i` as a string, or an error naming `what`.
    fn text(&mut self, i: usize, what: &str) -> Option<String> {
        let t = self.triple(i);
        match &t.object {
            Term::Literal(l) if is_string(l) => Some(l.value().to_string()),
            other => {
                self.error(
                    i,
                    other.as_ref(),
                    format!("{what} must be a string, not {}", describe(other)),
                    "write a plain string literal: \"…\"".into(),
                );
                None
            }
        }
    }

    /// The object of triple `i` as a name of `space` under the base.
    fn reference(&mut self, i: usize, space: Space, what: &str) -> Option<Spanned<String>> {
        let t = self.triple(i);
        let span = self.span_of(i, t.object.as_ref());
        if let Some(name) = self.our_name(i, t.object.as_ref(), space) {
            return Some(Spanned { value: name, span });
        }
        if matches!(&t.object, Term::NamedNode(n) if self.base.split(n.as_str()).is_some_and(|(s, _)| s == space))
        {
            return None; // a bad name, reported
        }
        self.error(
            i,
            t.object.as_ref(),
            format!(
                "{what} must be `<{}NAME>`, not {}",
                self.base.namespace(space),
                describe(&t.object)
            ),
            format!(
                "write `{}:NAME` (prefix `{}:` = `<{}>`)",
                space.prefix(),
                space.prefix(),
                self.base.namespace(space)
            ),
        );
        None
    }

    // ---- values ----

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

    fn value(&mut self, i: usize, term: &Term, depth: usize) -> Option<Value> {
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

    fn literal(&mut self, i: usize, l: &Literal) -> Option<Value> {
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
    fn list(&mut self, i: usize, head: NamedOrBlankNode, depth: usize) -> Option<Value> {
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
    fn property(&mut self, i: usize, local: &str, properties: &mut Properties, fields: &[&str]) {
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
    fn provenance(&mut self, i: usize) -> Option<ProvDecl> {
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

    // ---- subjects ----

    fn graph(&mut self, idxs: &[usize], out: &mut FileDecl, schema: &mut SchemaDecl) {
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
                        Ok(doc) => schema.rules.extend(super::decode::decode_rules(
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

    fn source(
        &mut self,
        subject: &NamedOrBlankNode,
        local: &str,
        idxs: &[usize],
        out: &mut FileDecl,
    ) {
        let Some(&first) = idxs.first() else { return };
        let Some(id) = self.decoded(first, subject.as_ref().into(), local) else {
            return;
        };
        let span = self.span_of(first, subject.as_ref().into());
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

    fn kind(
        &mut self,
        subject: &NamedOrBlankNode,
        local: &str,
        idxs: &[usize],
        schema: &mut SchemaDecl,
    ) {
        let Some(&first) = idxs.first() else { return };
        let Some(name) = self.decoded(first, subject.as_ref().into(), local) else {
            return;
        };
        let span = self.span_of(first, subject.as_ref().into());
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

    fn relation(
        &mut self,
        subject: &NamedOrBlankNode,
        local: &str,
        idxs: &[usize],
        schema: &mut SchemaDecl,
    ) {
        let Some(&first) = idxs.first() else { return };
        let Some(name) = self.decoded(first, subject.as_ref().into(), local) else {
            return;
        };
        let span = self.span_of(first, subject.as_ref().into());
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

    fn node(
        &mut self,
        subject: &NamedOrBlankNode,
        local: &str,
        idxs: &[usize],
        out: &mut FileDecl,
    ) {
        let Some(&first) = idxs.first() else { return };
        let Some(id) = self.decoded(first, subject.as_ref().into(), local) else {
            return;
        };
        let id = Spanned {
            value: id,
            span: self.span_of(first, subject.as_ref().into()),
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
                    crate::write::rdf::encode(&id.value)
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

    fn statement(
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
    fn edges(
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

/// Where a subject sits in the scheme.
enum Place {
    Graph,
    Ours(Space, String),
}

/// Datatypes read as integers.
const INTEGER_TYPES: &[&str] = &[
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
const TEXT_TYPES: &[&str] = &[
    "http://www.w3.org/2001/XMLSchema#date",
    "http://www.w3.org/2001/XMLSchema#dateTime",
    "http://www.w3.org/2001/XMLSchema#time",
    "http://www.w3.org/2001/XMLSchema#gYear",
    "http://www.w3.org/2001/XMLSchema#gYearMonth",
    "http://www.w3.org/2001/XMLSchema#anyURI",
    "http://www.w3.org/2001/XMLSchema#normalizedString",
    "http://www.w3.org/2001/XMLSchema#token",
];

fn is_string(l: &Literal) -> bool {
    l.datatype() == xsd::STRING || l.datatype() == rdf::LANG_STRING
}

/// A term as an error message names it.
fn describe(term: &Term) -> String {
    match term {
        Term::NamedNode(n) => format!("the IRI `<{}>`", n.as_str()),
        Term::BlankNode(b) => format!("the blank node `_:{}`", b.as_str()),
        Term::Literal(l) => format!("the literal {l}"),
    }
}

#[cfg(test)]
mod tests;

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
