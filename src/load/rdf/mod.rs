//! Reading RDF graph files: Turtle (`.ttl`) and N-Triples (`.nt`).
//!
//! The triples are read with oxttl's parsers and turned back into the
//! declarations a TOML or JSON file gives ([`FileDecl`]), so an RDF file
//! goes through the same checks as any graph file (unknown kinds and
//! relations with the nearest name, edges to missing nodes, the schema's
//! allowed ends, unknown sources) and merges with other graph files. The
//! IRI scheme is the one [`crate::format::rdf`] documents.
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
//!
//! This module parses the file and sorts its triples by subject into a
//! `Reader`; what the reader does with them is split by what it reads:
//! `terms` (positions, errors, names under the base), `values`
//! (literals, lists, provenance) and `subjects` (the graph, sources,
//! kinds, relations, nodes and edges).

mod subjects;
mod terms;
mod values;

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use oxrdf::vocab::{rdf, rdfs};
use oxrdf::{NamedNode, NamedOrBlankNode, Term, Triple};

use crate::format::rdf::{Base, DCTERMS, RdfSyntax, Space, VOCAB};
use crate::model::{Basis, Properties, Span};

use super::bulk::{FastMap, MAX_LISTED};
use super::decode::{FileDecl, ProvDecl, SchemaDecl};
use super::error::{LoadError, LoadErrorKind as K, SourceFile};

use values::is_string;

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
}

/// Where a subject sits in the scheme.
enum Place {
    Graph,
    Ours(Space, String),
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
