//! From a parsed document to declarations: the graph file format.
//!
//! A graph file (TOML or JSON, same shape) has these top-level keys, all
//! optional:
//!
//! - `graph`: `{ name, description }`
//! - `sources`: `[{ id, title, author?, date?, url? }]`
//! - `schema`: `{ kinds = { NAME = { plural?, description?, shape?, style?, fill?, border?, share? } }, relations = { NAME = { from, to, meaning?, inverse?, impact?, mitigation?, colour?, line?, arrowhead?, cluster?, counters?, participants?, rank?, generate? } } }`
//!   (each described in `graph/schema.toml`)
//! - `nodes`: `[{ id, kind, name, provenance?, …properties }]`
//! - `edges`: `[{ from, rel, to, basis?, provenance?, …properties }]`
//! - `$schema`: the JSON Schema an editor checks the file against, ignored
//!
//! Provenance is a table or a list of tables `{ source, section?, item?, note? }`.
//! Decoding checks shapes and types only, collecting every problem; checks
//! that need the whole graph (ids, kinds, relations) happen in `assemble`.

use std::sync::Arc;

use crate::model::{
    Basis, GraphMeta, ImpactFlow, KindLook, LineStyle, Properties, RelationLook, Roles, Source,
    Span, Value,
};
use crate::suggest::nearest_one;

use super::doc::{Doc, DocValue, Key};
use super::error::{LoadError, LoadErrorKind as K, SourceFile};

mod schema;
pub(crate) use schema::{is_colour, is_graphviz_word};

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

/// A provenance entry as written.
// Fields mirror the keys of the file format described above.
#[allow(missing_docs)]
#[derive(Debug, Clone)]
pub struct ProvDecl {
    pub source: Spanned<String>,
    pub section: Option<String>,
    pub item: Option<String>,
    pub note: Option<String>,
}

/// A node as written.
// Fields mirror the keys of the file format described above.
#[allow(missing_docs)]
#[derive(Debug, Clone)]
pub struct NodeDecl {
    pub id: Spanned<String>,
    pub kind: Spanned<String>,
    pub name: String,
    pub properties: Properties,
    pub provenance: Vec<ProvDecl>,
}

/// An edge as written.
// Fields mirror the keys of the file format described above.
#[allow(missing_docs)]
#[derive(Debug, Clone)]
pub struct EdgeDecl {
    pub from: Spanned<String>,
    pub rel: Spanned<String>,
    pub to: Spanned<String>,
    pub basis: Basis,
    pub properties: Properties,
    pub provenance: Vec<ProvDecl>,
    pub span: Span,
}

/// A kind as written.
// Fields mirror the keys of the file format described above.
#[allow(missing_docs)]
#[derive(Debug, Clone)]
pub struct KindDecl {
    pub name: Spanned<String>,
    pub plural: Option<String>,
    pub description: String,
    pub look: KindLook,
    pub share: Option<u32>,
}

/// A relation as written.
// Fields mirror the keys of the file format described above.
#[allow(missing_docs)]
#[derive(Debug, Clone)]
pub struct RelationDecl {
    pub name: Spanned<String>,
    pub from: Vec<Spanned<String>>,
    pub to: Vec<Spanned<String>>,
    pub meaning: String,
    pub inverse: Option<String>,
    pub impact: ImpactFlow,
    pub mitigation: bool,
    pub look: RelationLook,
    pub roles: Roles,
    pub generate: Option<EdgeMixDecl>,
}

/// A rule as written: `chain` followed end to end `gives` an edge.
// Fields mirror the keys of the file format described above.
#[allow(missing_docs)]
#[derive(Debug, Clone)]
pub struct RuleDecl {
    pub name: Spanned<String>,
    pub meaning: String,
    pub chain: Vec<Spanned<String>>,
    /// Where the chain was written, for a problem with the chain as a whole.
    pub chain_span: Span,
    pub gives: Spanned<String>,
}

/// A relation's `generate = { from?, edges }` as written.
#[derive(Debug, Clone)]
pub struct EdgeMixDecl {
    /// The one `from` kind whose nodes get edges, if named.
    pub from: Option<Spanned<String>>,
    /// The fewest and the most edges per node.
    pub edges: (u32, u32),
}

pub use crate::format::graph_file::MAX_GENERATED_EDGES;

/// What `generate.edges` must be.
const EDGES_EXPECTED: &str = "a pair `[min, max]` of whole numbers, 0 ≤ min ≤ max ≤ 1000";

/// A schema as written.
// Fields mirror the keys of the file format described above.
#[allow(missing_docs)]
#[derive(Debug, Clone, Default)]
pub struct SchemaDecl {
    pub kinds: Vec<KindDecl>,
    pub relations: Vec<RelationDecl>,
    pub rules: Vec<RuleDecl>,
}

/// Everything one graph file declares.
// Fields mirror the keys of the file format described above.
#[allow(missing_docs)]
#[derive(Debug, Clone, Default)]
pub struct FileDecl {
    pub meta: GraphMeta,
    pub sources: Vec<Spanned<Source>>,
    pub schema: Option<SchemaDecl>,
    pub nodes: Vec<NodeDecl>,
    /// Ids of nodes rejected for other problems (already reported).
    pub rejected_ids: Vec<Spanned<String>>,
    pub edges: Vec<EdgeDecl>,
}

pub(crate) const TOP_KEYS: &[&str] = &["graph", "sources", "schema", "nodes", "edges", "$schema"];
pub(crate) const SCHEMA_KEYS: &[&str] = &["kinds", "relations", "rules"];
pub(crate) const RULE_KEYS: &[&str] = &["chain", "gives", "meaning"];
pub(crate) const GRAPH_KEYS: &[&str] = &["name", "description"];
pub(crate) const SOURCE_KEYS: &[&str] = &["id", "title", "author", "date", "url"];
pub(crate) const KIND_KEYS: &[&str] = &[
    "plural",
    "description",
    "shape",
    "style",
    "fill",
    "border",
    "share",
];
pub(crate) const RELATION_KEYS: &[&str] = &[
    "from",
    "to",
    "meaning",
    "inverse",
    "impact",
    "mitigation",
    "colour",
    "line",
    "arrowhead",
    "cluster",
    "counters",
    "participants",
    "rank",
    "generate",
];
pub(crate) const GENERATE_KEYS: &[&str] = &["from", "edges"];
/// The keys of a kind that say how it is drawn and generated (all after
/// `plural` and `description`): the ones a reader of another format (RDF)
/// carries as separate statements.
pub(crate) const KIND_EXTRA_KEYS: &[&str] = KIND_KEYS.split_at(2).1;
/// The keys of a relation that say how it is drawn, what the analyses read
/// it as and how it is generated (all after `mitigation`).
pub(crate) const RELATION_EXTRA_KEYS: &[&str] = RELATION_KEYS.split_at(6).1;

/// Reads one of [`KIND_EXTRA_KEYS`], given as a key and a value, into `kind`,
/// checked as in a graph file.
pub(crate) fn decode_kind_extra(
    file: &Arc<SourceFile>,
    key: &Key,
    value: &Doc,
    kind: &mut KindDecl,
    errors: &mut Vec<LoadError>,
) {
    Decoder { file, errors }.kind_extra(key, value, kind);
}

/// Reads a table of rules (`{NAME: {chain, gives, meaning}}`), checked as
/// a graph file's `[schema.rules]` is.
pub(crate) fn decode_rules(
    file: &Arc<SourceFile>,
    doc: &Doc,
    errors: &mut Vec<LoadError>,
) -> Vec<RuleDecl> {
    let mut d = Decoder { file, errors };
    let Some(entries) = d.table(doc, "rules") else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|(name, def)| d.rule(name, def))
        .collect()
}

/// Reads one of [`RELATION_EXTRA_KEYS`] into `rel`, checked as in a graph file.
pub(crate) fn decode_relation_extra(
    file: &Arc<SourceFile>,
    key: &Key,
    value: &Doc,
    rel: &mut RelationDecl,
    errors: &mut Vec<LoadError>,
) {
    Decoder { file, errors }.relation_extra(key, value, rel);
}
pub(crate) const PROVENANCE_KEYS: &[&str] = &["source", "section", "item", "note"];
pub(crate) const NODE_FIELDS: &[&str] = &["id", "kind", "name", "provenance"];
pub(crate) const EDGE_FIELDS: &[&str] = &["from", "rel", "to", "basis", "provenance"];

/// Reads the shape of a graph file, pushing every problem onto `errors`.
pub fn decode_file(file: &Arc<SourceFile>, doc: &Doc, errors: &mut Vec<LoadError>) -> FileDecl {
    let mut d = Decoder { file, errors };
    let mut out = FileDecl::default();
    let Some(top) = d.table(doc, "the file") else {
        return out;
    };
    for (key, value) in top {
        match key.name.as_str() {
            "graph" => out.meta = d.graph_meta(value),
            "sources" => out.sources = d.list(value, "sources", Decoder::source),
            "schema" => out.schema = Some(d.schema(value)),
            "nodes" => match &value.value {
                DocValue::Array(items) => {
                    for item in items {
                        match d.node(item) {
                            Some(node) => out.nodes.push(node),
                            None => out.rejected_ids.extend(peek_id(item)),
                        }
                    }
                }
                _ => d.wrong_type(value, "nodes", "a list of tables"),
            },
            "edges" => out.edges = d.list(value, "edges", Decoder::edge),
            // The JSON Schema an editor checks the file against; only its type matters here.
            "$schema" => {
                d.string(value, "$schema");
            }
            _ => d.unknown_key(key, "the top level", TOP_KEYS),
        }
    }
    out
}

/// Reads a schema file: top-level `kinds` and `relations`.
pub fn decode_schema_file(
    file: &Arc<SourceFile>,
    doc: &Doc,
    errors: &mut Vec<LoadError>,
) -> SchemaDecl {
    Decoder { file, errors }.schema(doc)
}

/// The `id` of a node table, if it has a string one.
fn peek_id(doc: &Doc) -> Option<Spanned<String>> {
    let DocValue::Table(entries) = &doc.value else {
        return None;
    };
    entries
        .iter()
        .find(|(k, _)| k.name == "id")
        .and_then(|(_, v)| match &v.value {
            DocValue::String(s) => Some(Spanned {
                value: s.clone(),
                span: v.span,
            }),
            _ => None,
        })
}

/// What is wrong with a string that names something (an id, a kind, a
/// name): empty, control characters, or spaces around it. Every reader
/// applies this rule, so a graph converts between formats unchanged.
pub fn text_problem(text: &str) -> Option<&'static str> {
    let bytes = text.as_bytes();
    // Printable ASCII without spaces at the ends: most ids, checked fast.
    if bytes.iter().all(|b| (b' '..=b'~').contains(b))
        && bytes.first().is_some_and(|&b| b != b' ')
        && bytes.last().is_some_and(|&b| b != b' ')
    {
        return None;
    }
    if text.is_empty() {
        Some("is empty")
    } else if text.chars().any(char::is_control) {
        Some("holds control characters")
    } else if text.trim() != text {
        Some("has leading or trailing spaces")
    } else {
        None
    }
}

/// Decodes one node table (a line of a JSON Lines file), pushing problems
/// onto `errors`. `None` when the node is rejected; its id, if readable,
/// is in the second value.
pub fn decode_node(
    file: &Arc<SourceFile>,
    doc: &Doc,
    errors: &mut Vec<LoadError>,
) -> (Option<NodeDecl>, Option<Spanned<String>>) {
    let node = Decoder { file, errors }.node(doc);
    let id = if node.is_none() { peek_id(doc) } else { None };
    (node, id)
}

/// Decodes one edge table, pushing problems onto `errors`.
pub fn decode_edge(
    file: &Arc<SourceFile>,
    doc: &Doc,
    errors: &mut Vec<LoadError>,
) -> Option<EdgeDecl> {
    Decoder { file, errors }.edge(doc)
}

/// Decodes one source table, pushing problems onto `errors`.
pub fn decode_source(
    file: &Arc<SourceFile>,
    doc: &Doc,
    errors: &mut Vec<LoadError>,
) -> Option<Spanned<Source>> {
    Decoder { file, errors }.source(doc)
}

/// Decodes provenance (one entry or a list of them), pushing problems onto
/// `errors`: what every reader of provenance written as JSON or TOML uses.
pub fn decode_provenance(
    file: &Arc<SourceFile>,
    doc: &Doc,
    errors: &mut Vec<LoadError>,
) -> Vec<ProvDecl> {
    Decoder { file, errors }.provenance(doc)
}

/// Decodes a `graph` table (name and description), pushing problems onto `errors`.
pub fn decode_graph_meta(
    file: &Arc<SourceFile>,
    doc: &Doc,
    errors: &mut Vec<LoadError>,
) -> GraphMeta {
    Decoder { file, errors }.graph_meta(doc)
}

struct Decoder<'a> {
    file: &'a Arc<SourceFile>,
    errors: &'a mut Vec<LoadError>,
}

impl Decoder<'_> {
    fn error(&mut self, span: Span, kind: K) {
        self.errors.push(LoadError::at(self.file, span, kind));
    }

    fn unknown_key(&mut self, key: &Key, what: &'static str, allowed: &'static [&'static str]) {
        let suggestion = nearest_one(&key.name, allowed.iter());
        self.error(
            key.span,
            K::UnknownField {
                field: key.name.clone(),
                what,
                allowed,
                suggestion,
            },
        );
    }

    fn wrong_type(&mut self, doc: &Doc, field: &str, expected: &'static str) {
        self.error(
            doc.span,
            K::WrongType {
                field: field.to_string(),
                expected,
                found: doc.type_name(),
            },
        );
    }

    fn table<'d>(&mut self, doc: &'d Doc, field: &str) -> Option<&'d [(Key, Doc)]> {
        match &doc.value {
            DocValue::Table(entries) => Some(entries),
            _ => {
                self.wrong_type(doc, field, "a table");
                None
            }
        }
    }

    /// A list of tables, each decoded by `item`; bad items are skipped.
    fn list<T>(
        &mut self,
        doc: &Doc,
        field: &str,
        item: fn(&mut Self, &Doc) -> Option<T>,
    ) -> Vec<T> {
        match &doc.value {
            DocValue::Array(items) => items.iter().filter_map(|i| item(self, i)).collect(),
            _ => {
                self.wrong_type(doc, field, "a list of tables");
                Vec::new()
            }
        }
    }

    fn string(&mut self, doc: &Doc, field: &str) -> Option<Spanned<String>> {
        match &doc.value {
            DocValue::String(s) => Some(Spanned {
                value: s.clone(),
                span: doc.span,
            }),
            _ => {
                self.wrong_type(doc, field, "a string");
                None
            }
        }
    }

    /// A string that names something: not empty, no control characters,
    /// no surrounding spaces.
    fn name_text(&mut self, doc: &Doc, field: &str) -> Option<Spanned<String>> {
        let s = self.string(doc, field)?;
        match text_problem(&s.value) {
            Some(problem) => {
                self.error(
                    s.span,
                    K::BadText {
                        field: field.to_string(),
                        problem,
                    },
                );
                None
            }
            None => Some(s),
        }
    }

    fn string_list(&mut self, doc: &Doc, field: &str) -> Vec<Spanned<String>> {
        match &doc.value {
            DocValue::String(_) => self.name_text(doc, field).into_iter().collect(),
            DocValue::Array(items) => items
                .iter()
                .filter_map(|i| self.name_text(i, field))
                .collect(),
            _ => {
                self.wrong_type(doc, field, "a string or a list of strings");
                Vec::new()
            }
        }
    }

    /// Reports a missing required field, pointing at the entry and naming a
    /// key that looks like a misspelling of it.
    fn missing(
        &mut self,
        entries: &[(Key, Doc)],
        span: Span,
        field: &'static str,
        what: &'static str,
    ) {
        let near = entries
            .iter()
            .map(|(k, _)| k.name.as_str())
            .find(|k| *k != field && strsim::damerau_levenshtein(k, field) <= 2 && k.len() > 1);
        self.error(
            span,
            K::MissingField {
                field,
                what,
                near: near.map(str::to_string),
            },
        );
    }

    fn value(&mut self, doc: &Doc, field: &str) -> Option<Value> {
        Some(match &doc.value {
            DocValue::String(s) | DocValue::Datetime(s) => Value::String(s.clone()),
            DocValue::Integer(i) => Value::Integer(*i),
            DocValue::Float(x) => Value::Float(*x),
            DocValue::Bool(b) => Value::Bool(*b),
            DocValue::Null => return None,
            DocValue::Array(items) => {
                Value::List(items.iter().filter_map(|i| self.value(i, field)).collect())
            }
            DocValue::Table(_) => {
                self.wrong_type(doc, field, "a string, number, boolean or list");
                return None;
            }
        })
    }

    fn graph_meta(&mut self, doc: &Doc) -> GraphMeta {
        let mut meta = GraphMeta::default();
        let Some(entries) = self.table(doc, "graph") else {
            return meta;
        };
        for (key, value) in entries {
            match key.name.as_str() {
                "name" => meta.name = self.string(value, "name").map(|s| s.value),
                "description" => {
                    meta.description = self.string(value, "description").map(|s| s.value)
                }
                _ => self.unknown_key(key, "[graph]", GRAPH_KEYS),
            }
        }
        meta
    }

    fn source(&mut self, doc: &Doc) -> Option<Spanned<Source>> {
        let entries = self.table(doc, "sources")?;
        let (mut id, mut title) = (None, None);
        let mut source = Source {
            id: String::new(),
            title: String::new(),
            author: None,
            date: None,
            url: None,
        };
        for (key, value) in entries {
            match key.name.as_str() {
                "id" => id = self.name_text(value, "id"),
                "title" => title = self.string(value, "title"),
                "author" => source.author = self.string(value, "author").map(|s| s.value),
                "date" => {
                    source.date = match &value.value {
                        DocValue::Datetime(s) => Some(s.clone()),
                        _ => self.string(value, "date").map(|s| s.value),
                    }
                }
                "url" => source.url = self.string(value, "url").map(|s| s.value),
                _ => self.unknown_key(key, "a source", SOURCE_KEYS),
            }
        }
        match (id, title) {
            (Some(id), Some(title)) => {
                source.id = id.value;
                source.title = title.value;
                Some(Spanned {
                    value: source,
                    span: id.span,
                })
            }
            (None, _) => {
                self.missing(entries, doc.span, "id", "a source");
                None
            }
            (_, None) => {
                self.missing(entries, doc.span, "title", "a source");
                None
            }
        }
    }

    fn provenance(&mut self, doc: &Doc) -> Vec<ProvDecl> {
        match &doc.value {
            DocValue::Table(_) => self.provenance_entry(doc).into_iter().collect(),
            DocValue::Array(items) => items
                .iter()
                .filter_map(|i| self.provenance_entry(i))
                .collect(),
            _ => {
                self.wrong_type(doc, "provenance", "a table or a list of tables");
                Vec::new()
            }
        }
    }

    fn provenance_entry(&mut self, doc: &Doc) -> Option<ProvDecl> {
        let entries = self.table(doc, "provenance")?;
        let mut source = None;
        let (mut section, mut item, mut note) = (None, None, None);
        for (key, value) in entries {
            match key.name.as_str() {
                "source" => source = self.name_text(value, "source"),
                "section" => section = self.string(value, "section").map(|s| s.value),
                "item" => item = self.string(value, "item").map(|s| s.value),
                "note" => note = self.string(value, "note").map(|s| s.value),
                _ => self.unknown_key(key, "a provenance entry", PROVENANCE_KEYS),
            }
        }
        let Some(source) = source else {
            self.missing(entries, doc.span, "source", "a provenance entry");
            return None;
        };
        Some(ProvDecl {
            source,
            section,
            item,
            note,
        })
    }

    fn node(&mut self, doc: &Doc) -> Option<NodeDecl> {
        let entries = self.table(doc, "nodes")?;
        let (mut id, mut kind, mut name) = (None, None, None);
        let mut properties = Properties::new();
        let mut provenance = Vec::new();
        let mut ok = true;
        for (key, value) in entries {
            match key.name.as_str() {
                "id" => id = self.name_text(value, "id"),
                "kind" => kind = self.name_text(value, "kind"),
                "name" => name = self.name_text(value, "name"),
                "provenance" => provenance = self.provenance(value),
                other => {
                    if let Some(v) = self.value(value, other) {
                        properties.insert(other.to_string(), v);
                    }
                }
            }
        }
        for (field, present) in [
            ("id", id.is_some()),
            ("kind", kind.is_some()),
            ("name", name.is_some()),
        ] {
            if !present && !entries.iter().any(|(k, _)| k.name == field) {
                self.missing_among(entries, doc.span, field, "a node", NODE_FIELDS);
            }
            ok &= present;
        }
        if !ok {
            return None;
        }
        Some(NodeDecl {
            id: id?,
            kind: kind?,
            name: name?.value,
            properties,
            provenance,
        })
    }

    fn edge(&mut self, doc: &Doc) -> Option<EdgeDecl> {
        let entries = self.table(doc, "edges")?;
        let (mut from, mut rel, mut to) = (None, None, None);
        let mut basis = Basis::Stated;
        let mut properties = Properties::new();
        let mut provenance = Vec::new();
        let mut ok = true;
        for (key, value) in entries {
            match key.name.as_str() {
                "from" => from = self.name_text(value, "from"),
                "rel" => rel = self.name_text(value, "rel"),
                "to" => to = self.name_text(value, "to"),
                "provenance" => provenance = self.provenance(value),
                "basis" => match self.string(value, "basis") {
                    Some(s) if s.value == "stated" => basis = Basis::Stated,
                    Some(s) if s.value == "inferred" => basis = Basis::Inferred,
                    Some(s) => {
                        let suggestion = nearest_one(&s.value, ["stated", "inferred"]);
                        self.error(
                            s.span,
                            K::BadValue {
                                field: "basis",
                                value: s.value,
                                allowed: vec!["stated".into(), "inferred".into()],
                                suggestion,
                            },
                        );
                        ok = false;
                    }
                    None => ok = false,
                },
                other => {
                    if let Some(v) = self.value(value, other) {
                        properties.insert(other.to_string(), v);
                    }
                }
            }
        }
        for (field, present) in [
            ("from", from.is_some()),
            ("rel", rel.is_some()),
            ("to", to.is_some()),
        ] {
            if !present && !entries.iter().any(|(k, _)| k.name == field) {
                self.missing_among(entries, doc.span, field, "an edge", EDGE_FIELDS);
            }
            ok &= present;
        }
        if !ok {
            return None;
        }
        Some(EdgeDecl {
            from: from?,
            rel: rel?,
            to: to?,
            basis,
            properties,
            provenance,
            span: doc.span,
        })
    }

    /// Like [`Self::missing`], but a near key that is itself a field of the
    /// entry (`to` for `from`) is no misspelling.
    fn missing_among(
        &mut self,
        entries: &[(Key, Doc)],
        span: Span,
        field: &'static str,
        what: &'static str,
        fields: &[&str],
    ) {
        let others: Vec<(Key, Doc)> = entries
            .iter()
            .filter(|(k, _)| !fields.contains(&k.name.as_str()))
            .cloned()
            .collect();
        self.missing(&others, span, field, what);
    }
}

#[cfg(test)]
mod schema_tests {
    //! The JSON Schema of graph files (`format::graph_file`) names the keys
    //! this decoder reads, and spells names and values by its rules.
    use crate::format::graph_file::json_schema;
    use crate::load::decode;
    use serde_json::Value;

    fn keys(schema: &Value, pointer: &str) -> Vec<String> {
        let object = schema
            .pointer(pointer)
            .and_then(Value::as_object)
            .unwrap_or_else(|| panic!("no object at {pointer}"));
        let mut keys: Vec<String> = object.keys().cloned().collect();
        keys.sort();
        keys
    }

    fn sorted(list: &[&str]) -> Vec<String> {
        let mut list: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        list.sort();
        list
    }

    #[test]
    fn the_schema_names_the_keys_the_decoder_reads() {
        let s = json_schema();
        let d = "/definitions";
        for (pointer, decoder_keys) in [
            ("/properties".to_string(), decode::TOP_KEYS),
            (format!("{d}/GraphInfo/properties"), decode::GRAPH_KEYS),
            (format!("{d}/SourceEntry/properties"), decode::SOURCE_KEYS),
            (format!("{d}/GraphSchema/properties"), decode::SCHEMA_KEYS),
            (format!("{d}/KindDef/properties"), decode::KIND_KEYS),
            (format!("{d}/RelationDef/properties"), decode::RELATION_KEYS),
            (format!("{d}/RuleDef/properties"), decode::RULE_KEYS),
            (format!("{d}/EdgeMix/properties"), decode::GENERATE_KEYS),
            (
                format!("{d}/ProvenanceEntry/properties"),
                decode::PROVENANCE_KEYS,
            ),
            (format!("{d}/Node/properties"), decode::NODE_FIELDS),
            (format!("{d}/Edge/properties"), decode::EDGE_FIELDS),
        ] {
            assert_eq!(keys(&s, &pointer), sorted(decoder_keys), "at {pointer}");
        }
    }

    #[test]
    fn the_schema_spells_impact_and_basis_as_the_model_does() {
        let s = json_schema();
        let values = |name: &str| -> Vec<String> {
            let mut v: Vec<String> = s["definitions"][name]["oneOf"]
                .as_array()
                .or_else(|| s["definitions"][name]["enum"].as_array())
                .into_iter()
                .flatten()
                .filter_map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .or_else(|| v["const"].as_str().map(str::to_string))
                        .or_else(|| v["enum"][0].as_str().map(str::to_string))
                })
                .collect();
            v.sort();
            v
        };
        assert_eq!(
            values("ImpactFlow"),
            sorted(&crate::model::ImpactFlow::NAMES)
        );
        assert_eq!(values("Basis"), sorted(&["stated", "inferred"]));
        assert_eq!(values("LineStyle"), sorted(&crate::model::LineStyle::NAMES));
    }

    #[test]
    fn the_name_pattern_follows_the_decoders_rule() {
        let s = json_schema();
        let pattern = s["definitions"]["NameText"]["pattern"]
            .as_str()
            .expect("a pattern");
        // JSON Schema patterns are ECMA-262; this one uses only what the
        // regex crate reads the same way.
        let re = regex::Regex::new(pattern).expect("the pattern compiles");
        for text in [
            "terrorism",
            "a",
            "Joint Maritime Patrols",
            "ü-ñ",
            " lead",
            "trail ",
            "",
            "tab\there",
            "bell\u{7}",
            "c1\u{85}",
            "new\nline",
            "\u{a0}nbsp",
        ] {
            assert_eq!(
                re.is_match(text),
                decode::text_problem(text).is_none(),
                "{text:?}"
            );
        }
    }
}
