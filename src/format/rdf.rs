//! RDF, Turtle and N-Triples: how a graph is spelled as triples.
//!
//! A property graph does not map onto triples by itself, so this module
//! fixes one mapping, the **IRI scheme**, which the writer
//! (`write::rdf`) follows and the reader (`load::rdf`)
//! inverts exactly. Every name is minted under a
//! *base* IRI (by default [`DEFAULT_BASE`], `urn:seccoop:`, which claims no
//! web domain; `seccoop convert --base IRI` mints them in a namespace of your
//! own), and the few terms of seccoop's own vocabulary live in the fixed
//! namespace [`VOCAB`] (prefix `sc:`):
//!
//! | what | IRI | Turtle prefix |
//! |---|---|---|
//! | the graph | `BASE graph`, `a sc:Graph`, name as `rdfs:label`, description as `rdfs:comment`, the schema's rules as `sc:rules` (JSON text) | |
//! | a node | `BASE node/ID`, `a` its kind, name as `rdfs:label` | `node:` |
//! | a kind | `BASE kind/NAME`, an `rdfs:Class`, `rdfs:subClassOf sc:Node` | `kind:` |
//! | a relation | `BASE rel/NAME`, an `rdf:Property`; an edge is the triple `node:A rel:R node:B` | `rel:` |
//! | a property | `BASE prop/NAME`, one triple per property | `prop:` |
//! | a source | `BASE source/ID`, `a sc:Source`, `dcterms:title`, `dcterms:creator`, `dcterms:date`, `sc:url` | `source:` |
//! | an edge's data | `BASE edge/FROM.REL.TO`, an `rdf:Statement` (standard reification) | `edge:` |
//!
//! Every part taken from the graph (ids, kind, relation and property names)
//! is percent-encoded: every byte of its UTF-8 other than ASCII letters,
//! digits, `-` and `_` becomes `%XX`, so any id (spaces, quotes, `#`, `/`,
//! `.`, any script) gives a valid IRI, and the `.` between the parts of an
//! edge's IRI cannot come from an id. See [`encode`] and [`decode`].
//!
//! **Values.** Strings are plain literals (`xsd:string`), integers
//! `xsd:integer`, floats `xsd:double` (`INF`, `-INF` and `NaN` included),
//! booleans `xsd:boolean`; a list is an RDF collection (`( … )` in Turtle),
//! so its order and the types of its items survive, lists in lists too.
//!
//! **Edge data.** The edge itself is the plain triple, so a SPARQL query
//! matches `?a rel:addresses ?t` directly. Its basis, properties and
//! provenance hang on an `rdf:Statement` resource naming the triple with
//! `rdf:subject`, `rdf:predicate` and `rdf:object`, written for every edge:
//! `sc:basis "stated"` or `"inferred"`, `prop:NAME` values, `sc:provenance`.
//! Standard reification rather than RDF 1.2 triple terms, because the tools
//! users load these files into (rdflib among them) read it everywhere.
//!
//! **Provenance.** Each entry is a blank node linked by `sc:provenance` from
//! its node or edge statement, with `sc:source` (the source's IRI),
//! `sc:section`, `sc:item` and `sc:note`.
//!
//! **Schema.** Every export carries its schema, the default one included,
//! as RDFS a SPARQL user can query: each kind with `rdfs:label`,
//! `sc:plural` and `rdfs:comment`; each relation with `rdfs:label`,
//! `sc:from` and `sc:to` (the kinds allowed at each end), `rdfs:comment`
//! (its meaning), `sc:inverse`, `sc:impact` and `sc:mitigation`. The
//! schema's other fields (how a kind or relation is drawn, its roles, its
//! generation mix) are `sc:FIELD` statements named as in a graph file
//! (`sc:colour "#9c2b23"`, `sc:rank true`), `sc:generate` holding its table
//! as JSON text. A relation
//! with a single kind at an end also gets `rdfs:domain` or `rdfs:range`
//! (RDFS reads several domains as "all of them", so none is written then).
//!
//! RDF has no order, so nothing here relies on one: a reader keeps the order
//! of the file, and seccoop writes nodes, edges, kinds and provenance in the
//! graph's order, so its own exports read back identically.

use std::fmt;

use oxrdf::NamedNode;

/// The base IRI names are minted under unless another is given.
pub const DEFAULT_BASE: &str = "urn:seccoop:";

/// The namespace of seccoop's own terms (`sc:basis`, `sc:Graph`, …), the
/// same in every export whatever its base.
pub const VOCAB: &str = "urn:seccoop:vocab#";

/// The Dublin Core terms namespace, for the sources' titles and authors.
pub const DCTERMS: &str = "http://purl.org/dc/terms/";

/// The two RDF syntaxes seccoop reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RdfSyntax {
    /// Turtle (`.ttl`): prefixes, one subject's triples grouped.
    Turtle,
    /// N-Triples (`.nt`): one full triple per line.
    NTriples,
}

impl RdfSyntax {
    /// The syntax's name as messages show it.
    pub fn name(self) -> &'static str {
        match self {
            RdfSyntax::Turtle => "Turtle",
            RdfSyntax::NTriples => "N-Triples",
        }
    }
}

/// Why a base IRI cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaseError {
    /// The text is not an absolute IRI.
    #[error("`{iri}` is not an absolute IRI: {reason}")]
    Invalid {
        /// The text given.
        iri: String,
        /// The IRI parser's reason.
        reason: String,
    },
    /// Names appended to the base would run into its last segment.
    #[error("the base IRI `{iri}` must end with `/`, `#` or `:`")]
    BadEnd {
        /// The text given.
        iri: String,
    },
}

/// The base IRI every name of an export is minted under, checked: an
/// absolute IRI ending with `/`, `#` or `:`.
///
/// ```
/// use seccoop::format::rdf::Base;
/// let base = Base::new("https://example.org/graph/").unwrap();
/// assert_eq!(base.node("drills, joint"), "https://example.org/graph/node/drills%2C%20joint");
/// assert!(Base::new("https://example.org/graph").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base(String);

impl Default for Base {
    fn default() -> Self {
        Base(DEFAULT_BASE.to_string())
    }
}

impl fmt::Display for Base {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Base {
    type Err = BaseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Base::new(s)
    }
}

impl Base {
    /// Checks `iri` as a base.
    pub fn new(iri: &str) -> Result<Self, BaseError> {
        NamedNode::new(iri).map_err(|e| BaseError::Invalid {
            iri: iri.to_string(),
            reason: e.to_string(),
        })?;
        if !iri.ends_with(['/', '#', ':']) {
            return Err(BaseError::BadEnd {
                iri: iri.to_string(),
            });
        }
        Ok(Base(iri.to_string()))
    }

    /// The base's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The namespace of one kind of name (`node/`, `kind/`, …).
    pub fn namespace(&self, space: Space) -> String {
        format!("{}{}", self.0, space.segment())
    }

    fn mint(&self, space: Space, name: &str) -> String {
        format!("{}{}{}", self.0, space.segment(), encode(name))
    }

    /// The IRI of the graph itself.
    pub fn graph(&self) -> String {
        format!("{}graph", self.0)
    }

    /// The IRI of a node.
    pub fn node(&self, id: &str) -> String {
        self.mint(Space::Node, id)
    }

    /// The IRI of a kind.
    pub fn kind(&self, name: &str) -> String {
        self.mint(Space::Kind, name)
    }

    /// The IRI of a relation.
    pub fn rel(&self, name: &str) -> String {
        self.mint(Space::Rel, name)
    }

    /// The IRI of a property.
    pub fn prop(&self, name: &str) -> String {
        self.mint(Space::Prop, name)
    }

    /// The IRI of a source.
    pub fn source(&self, id: &str) -> String {
        self.mint(Space::Source, id)
    }

    /// The IRI of the statement that carries an edge's data.
    pub fn edge(&self, from: &str, rel: &str, to: &str) -> String {
        format!(
            "{}{}{}.{}.{}",
            self.0,
            Space::Edge.segment(),
            encode(from),
            encode(rel),
            encode(to)
        )
    }

    /// Which namespace an IRI is in, and its name there (still encoded).
    pub fn split<'i>(&self, iri: &'i str) -> Option<(Space, &'i str)> {
        let rest = iri.strip_prefix(self.0.as_str())?;
        Space::ALL
            .into_iter()
            .find_map(|s| rest.strip_prefix(s.segment()).map(|local| (s, local)))
    }
}

/// The namespaces under a base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    /// `node/ID`: a node, by id.
    Node,
    /// `kind/NAME`: a kind, an `rdfs:Class`.
    Kind,
    /// `rel/NAME`: a relation, the predicate of its edges.
    Rel,
    /// `prop/NAME`: a property, the predicate of its values.
    Prop,
    /// `source/ID`: a source, by id.
    Source,
    /// `edge/FROM.REL.TO`: the statement carrying an edge's data.
    Edge,
}

impl Space {
    /// Every namespace.
    pub const ALL: [Space; 6] = [
        Space::Node,
        Space::Kind,
        Space::Rel,
        Space::Prop,
        Space::Source,
        Space::Edge,
    ];

    /// The path segment after the base, which is also the Turtle prefix.
    pub fn segment(self) -> &'static str {
        match self {
            Space::Node => "node/",
            Space::Kind => "kind/",
            Space::Rel => "rel/",
            Space::Prop => "prop/",
            Space::Source => "source/",
            Space::Edge => "edge/",
        }
    }

    /// The Turtle prefix of the namespace.
    pub fn prefix(self) -> &'static str {
        self.segment().trim_end_matches('/')
    }
}

/// Percent-encodes a name for an IRI: ASCII letters, digits, `-` and `_`
/// stay; every other byte of the UTF-8 becomes `%XX`.
///
/// ```
/// use seccoop::format::rdf::{decode, encode};
/// assert_eq!(encode("a b/c#d.é"), "a%20b%2Fc%23d%2E%C3%A9");
/// assert_eq!(decode(&encode("a b/c#d.é")).as_deref(), Some("a b/c#d.é"));
/// ```
pub fn encode(name: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(name.len());
    for &b in name.as_bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(char::from(b));
        } else {
            out.push('%');
            // A nibble (0..16) indexes the 16 digits.
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

/// Decodes a name written by [`encode`], or by another tool: `%XX`
/// sequences become bytes, other characters stay. `None` when a `%` is not
/// followed by two hex digits or the bytes are not UTF-8.
pub fn decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_string());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}
