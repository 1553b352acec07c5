//! The graph itself: nodes, edges, provenance, and the id → index map.
//!
//! # Compact payloads
//!
//! A generated graph of a million nodes holds about five million edges once
//! the rules have run, so the size of petgraph's node and edge entries
//! decides the memory a big load takes and how many cache lines each
//! `add_edge` touches (it updates both endpoints, at random places). Hence:
//!
//! - Properties and provenance, empty on almost every edge and on every
//!   node of a generated graph, live together behind one
//!   `Option<Box<Extras>>`: 8 bytes when absent instead of 48 (an empty
//!   `BTreeMap` and an empty `Vec`). They are read through
//!   [`Node::properties`] / [`Node::provenance`] (and the same on [`Edge`]),
//!   which lend a static empty map or slice when there is no box; the
//!   `_mut` accessors box on demand, and the constructors
//!   ([`Node::with`], [`Edge::with`]) box only what is not empty. Equality
//!   and `Debug` go through the accessors, so an empty box and no box are
//!   the same edge. The built-in graph's extras are decoded from the
//!   snapshot compiled into the binary when first read (`Later`, in the
//!   box, which grows from 48 to 56 bytes: both take a 64-byte block from
//!   the allocator).
//! - A node's id and name are [`InlineStr`]s (24 bytes): a string of up to
//!   24 bytes is kept in place, a longer one on the heap. Ids and the
//!   names of generated graphs are that short, so a bulk load makes no
//!   allocation of its own for either, where `Box<str>` (16 bytes and a
//!   heap block of 32 for a 13-byte id) made two per node: 72 bytes per
//!   node in petgraph instead of 56 plus two blocks of 32, and no `malloc`
//!   call (at 1M nodes 45 MiB less peak memory, BENCHMARKS.md).
//!
//! With kind and relation interned as `u16`, an [`Edge`] is 16 bytes (32
//! in petgraph, with its links and endpoints) and a [`Node`] 64 (72 in
//! petgraph, with no heap blocks for short ids and names), down from 56
//! (72) and 104 (112); a unit test holds them there.

use petgraph::Direction as PgDirection;
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeRef as _, IntoEdgeReferences as _};
use serde::Serialize;

use super::Properties;
use super::ids::IdMap;
use super::schema::{KindId, RelId, Schema};

/// A string of a [`Provenance`]: borrowed from the built-in snapshot, which
/// lives as long as the program, or owned when read from a file. Opening
/// the built-in graph so allocates none of its thousand provenance strings.
pub type Text = std::borrow::Cow<'static, str>;

/// A node's id or name: up to 24 bytes kept in place, longer on the heap
/// (see the module docs).
pub type InlineStr = compact_str::CompactString;

/// Where a node or an edge comes from: a declared source, the section and
/// item of it, and a note saying why the statement holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provenance {
    /// The id of a [`Source`] declared in the graph.
    pub source: Text,
    /// The section of the source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<Text>,
    /// The item within the section.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<Text>,
    /// One line on why the node or edge holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// A document a graph's statements come from, declared once per graph.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    /// The id provenance entries refer to.
    pub id: String,
    /// The document's title.
    pub title: String,
    /// Its author.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Its date of publication, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Where to find it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Optional description of a whole graph.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GraphMeta {
    /// A short title.
    pub name: Option<String>,
    /// One line on what the graph holds.
    pub description: Option<String>,
}

/// Whether an edge is stated by its source, inferred from it, or derived by
/// the schema's rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// The source says so.
    #[default]
    Stated,
    /// A reasonable reading of the source, not a statement of it.
    Inferred,
    /// Concluded by a rule of the schema from other edges; the graph keeps
    /// its [`Proof`]. Never written in a graph file.
    Derived,
}

impl Basis {
    /// The spelling used in graph files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Stated => "stated",
            Basis::Inferred => "inferred",
            Basis::Derived => "derived",
        }
    }
}

/// Why a derived edge holds: the rule that concluded it and the edges it
/// followed, in chain order (each asserted or itself derived).
///
/// A view into the graph, which keeps every proof in one flat array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proof<'g> {
    /// The position of the rule in the schema's rules.
    pub rule: usize,
    /// The edges the rule followed.
    pub edges: &'g [EdgeIndex],
}

/// The properties and provenance of a node or an edge, kept behind one box
/// because most edges (and a generated graph's nodes) have neither.
///
/// Those of the built-in graph are decoded on first use ([`Later`]): a
/// command on it reads the extras of a few nodes and edges, or none.
#[derive(Debug, Clone, Default)]
struct Extras {
    properties: Properties,
    provenance: Vec<Provenance>,
    /// When set, the extras are its, and the two fields above are empty.
    later: Option<Box<Later>>,
}

/// What [`Node::properties`] and [`Edge::properties`] lend when there are none.
static NO_PROPERTIES: Properties = Properties::new();

/// Bytes that hold the properties and provenance of nodes and edges, for
/// as long as the program runs (the built-in snapshot), decoded on demand.
pub(crate) trait DeferredExtras: Send + Sync {
    /// The extras written at `at` with `flags`. The bytes were checked when
    /// the graph was read; see the implementation for what a failure means.
    fn decode(&self, at: usize, flags: u8) -> (Properties, Vec<Provenance>);
}

/// Extras not decoded yet: where they are, and, once asked for, what they
/// hold.
#[derive(Clone)]
pub(crate) struct Later {
    source: &'static dyn DeferredExtras,
    at: usize,
    flags: u8,
    decoded: std::sync::OnceLock<(Properties, Vec<Provenance>)>,
}

impl std::fmt::Debug for Later {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Later")
            .field("at", &self.at)
            .field("flags", &self.flags)
            .field("decoded", &self.decoded.get().is_some())
            .finish()
    }
}

impl Later {
    /// The extras `source` holds at `at`, written with `flags` (not 0).
    pub(crate) fn new(source: &'static dyn DeferredExtras, at: usize, flags: u8) -> Self {
        Self {
            source,
            at,
            flags,
            decoded: std::sync::OnceLock::new(),
        }
    }

    fn get(&self) -> &(Properties, Vec<Provenance>) {
        self.decoded
            .get_or_init(|| self.source.decode(self.at, self.flags))
    }

    fn into_parts(self) -> (Properties, Vec<Provenance>) {
        let Later {
            source,
            at,
            flags,
            decoded,
        } = self;
        decoded
            .into_inner()
            .unwrap_or_else(|| source.decode(at, flags))
    }
}

impl Extras {
    /// Boxes properties and provenance, or nothing when both are empty.
    fn boxed(properties: Properties, provenance: Vec<Provenance>) -> Option<Box<Self>> {
        (!properties.is_empty() || !provenance.is_empty()).then(|| {
            Box::new(Self {
                properties,
                provenance,
                later: None,
            })
        })
    }

    /// Boxes extras to be decoded when first asked for.
    fn deferred(later: Later) -> Option<Box<Self>> {
        Some(Box::new(Self {
            later: Some(Box::new(later)),
            ..Self::default()
        }))
    }

    fn properties(extra: &Option<Box<Self>>) -> &Properties {
        match extra.as_deref() {
            None => &NO_PROPERTIES,
            Some(Self {
                later: Some(later), ..
            }) => &later.get().0,
            Some(x) => &x.properties,
        }
    }

    fn provenance(extra: &Option<Box<Self>>) -> &[Provenance] {
        match extra.as_deref() {
            None => &[],
            Some(Self {
                later: Some(later), ..
            }) => &later.get().1,
            Some(x) => &x.provenance,
        }
    }

    /// The box, its extras decoded, to change them.
    fn decoded(extra: &mut Option<Box<Self>>) -> &mut Self {
        let x = extra.get_or_insert_default();
        if let Some(later) = x.later.take() {
            (x.properties, x.provenance) = later.into_parts();
        }
        x
    }

    /// Takes both out, leaving nothing behind.
    fn take(extra: &mut Option<Box<Self>>) -> (Properties, Vec<Provenance>) {
        match extra.take().map(|x| *x) {
            None => Default::default(),
            Some(Self {
                later: Some(later), ..
            }) => later.into_parts(),
            Some(x) => (x.properties, x.provenance),
        }
    }
}

/// A node: a unique id, a kind, a display name and properties.
///
/// Properties and provenance are reached through [`Node::properties`] and
/// [`Node::provenance`] (see the module docs for why they are boxed).
#[derive(Clone)]
pub struct Node {
    /// Unique within the graph.
    pub id: InlineStr,
    /// The node's kind in the graph's schema.
    pub kind: KindId,
    /// The name shown to people.
    pub name: InlineStr,
    extra: Option<Box<Extras>>,
}

/// The accessors of a node's or an edge's properties and provenance, which
/// both keep them in an `extra: Option<Box<Extras>>` field.
macro_rules! extras_accessors {
    ($what:literal) => {
        /// Every other property (`description`, a node's `aliases`, …).
        pub fn properties(&self) -> &Properties {
            Extras::properties(&self.extra)
        }

        #[doc = concat!("Where the ", $what, " comes from.")]
        pub fn provenance(&self) -> &[Provenance] {
            Extras::provenance(&self.extra)
        }

        /// The properties, to change them.
        pub fn properties_mut(&mut self) -> &mut Properties {
            &mut Extras::decoded(&mut self.extra).properties
        }

        /// The provenance, to change it.
        pub fn provenance_mut(&mut self) -> &mut Vec<Provenance> {
            &mut Extras::decoded(&mut self.extra).provenance
        }

        /// Takes the properties and provenance out, leaving none.
        pub fn take_extras(&mut self) -> (Properties, Vec<Provenance>) {
            Extras::take(&mut self.extra)
        }

        /// Whether the extras are still to be decoded ([`Later`]).
        #[cfg(test)]
        pub(crate) fn extras_deferred(&self) -> bool {
            self.extra.as_ref().is_some_and(|x| x.later.is_some())
        }
    };
}

impl Node {
    /// A node without properties or provenance.
    pub fn new(id: impl Into<InlineStr>, kind: KindId, name: impl Into<InlineStr>) -> Self {
        Self {
            id: id.into(),
            kind,
            name: name.into(),
            extra: None,
        }
    }

    /// A node with properties and provenance (either may be empty).
    pub fn with(
        id: impl Into<InlineStr>,
        kind: KindId,
        name: impl Into<InlineStr>,
        properties: Properties,
        provenance: Vec<Provenance>,
    ) -> Self {
        Self {
            id: id.into(),
            kind,
            name: name.into(),
            extra: Extras::boxed(properties, provenance),
        }
    }

    /// A node whose properties and provenance are decoded when first
    /// asked for.
    pub(crate) fn deferred(
        id: impl Into<InlineStr>,
        kind: KindId,
        name: impl Into<InlineStr>,
        later: Later,
    ) -> Self {
        Self {
            id: id.into(),
            kind,
            name: name.into(),
            extra: Extras::deferred(later),
        }
    }

    extras_accessors!("node");

    /// The node's aliases: the strings of its `aliases` property.
    pub fn aliases(&self) -> impl Iterator<Item = &str> {
        self.properties()
            .get("aliases")
            .into_iter()
            .flat_map(|v| v.strings())
    }

    /// The node's `description` property, when it is a string.
    pub fn description(&self) -> Option<&str> {
        self.properties()
            .get("description")
            .and_then(|v| v.as_str())
    }
}

/// Shown field by field, as if properties and provenance were fields.
impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("properties", self.properties())
            .field("provenance", &self.provenance())
            .finish()
    }
}

/// Equal when id, kind, name, properties and provenance are: whether an
/// empty box of extras exists does not count.
impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.kind == other.kind
            && self.name == other.name
            && self.properties() == other.properties()
            && self.provenance() == other.provenance()
    }
}

/// An edge's payload: its relation, basis, properties and provenance.
///
/// Properties and provenance are reached through [`Edge::properties`] and
/// [`Edge::provenance`] (see the module docs for why they are boxed).
#[derive(Clone)]
pub struct Edge {
    /// The edge's relation in the graph's schema.
    pub rel: RelId,
    /// Stated by the source or inferred from it.
    pub basis: Basis,
    extra: Option<Box<Extras>>,
}

impl Edge {
    /// An edge without properties or provenance.
    pub fn new(rel: RelId, basis: Basis) -> Self {
        Self {
            rel,
            basis,
            extra: None,
        }
    }

    /// An edge with properties and provenance (either may be empty).
    pub fn with(
        rel: RelId,
        basis: Basis,
        properties: Properties,
        provenance: Vec<Provenance>,
    ) -> Self {
        Self {
            rel,
            basis,
            extra: Extras::boxed(properties, provenance),
        }
    }

    /// An edge whose properties and provenance are decoded when first
    /// asked for.
    pub(crate) fn deferred(rel: RelId, basis: Basis, later: Later) -> Self {
        Self {
            rel,
            basis,
            extra: Extras::deferred(later),
        }
    }

    extras_accessors!("edge");
}

/// Shown field by field, as if properties and provenance were fields.
impl std::fmt::Debug for Edge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Edge")
            .field("rel", &self.rel)
            .field("basis", &self.basis)
            .field("properties", self.properties())
            .field("provenance", &self.provenance())
            .finish()
    }
}

/// Equal when relation, basis, properties and provenance are: whether an
/// empty box of extras exists does not count.
impl PartialEq for Edge {
    fn eq(&self, other: &Self) -> bool {
        self.rel == other.rel
            && self.basis == other.basis
            && self.properties() == other.properties()
            && self.provenance() == other.provenance()
    }
}

/// Which edges of a node to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Edges that start at the node.
    Out,
    /// Edges that end at the node.
    In,
    /// Both.
    Both,
}

/// An edge with its endpoints.
#[derive(Debug, Clone, Copy)]
pub struct EdgeRef<'g> {
    /// The edge's index.
    pub index: EdgeIndex,
    /// The node it starts at.
    pub from: NodeIndex,
    /// The node it ends at.
    pub to: NodeIndex,
    /// Its payload.
    pub edge: &'g Edge,
}

/// Proofs that [`Graph::adopt_proofs`] cannot take: the graph has proofs
/// already, or the arrays do not give one proof to each edge from the
/// first named to the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the proofs do not match the graph's last edges, or it has proofs already")]
pub struct AdoptError;

/// What a graph refuses to hold.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GraphError {
    /// A node with this id exists already.
    #[error("duplicate node id `{0}`")]
    DuplicateId(String),
}

/// Where each derived edge's proof is, by edge index: a slot per index
/// from the lowest index that ever had a proof (`base`), `u32::MAX` for
/// an edge without one.
///
/// A bulk load adds its derived edges after its asserted ones, so the
/// slots cover the derived edges alone: at a million nodes 1.3M slots, not
/// one for each of the 5M edges (15 MB less written while the derived
/// edges are added, which on a host slow to hand out fresh pages was a
/// measurable part of the rules' cost). A derived edge that takes a lower
/// index (a slot freed by a removal) moves the base down.
///
/// Proofs adopted whole ([`Graph::adopt_proofs`]) are `dense`: edge
/// `base + k` has slot `k` for every `k` below it, and no table is written
/// until something changes.
#[derive(Debug, Clone, Default)]
struct ProofSlots {
    base: usize,
    slots: Vec<u32>,
    /// How many edges from `base` on have the slot of their position,
    /// without `slots` (which is then empty).
    dense: usize,
}

impl ProofSlots {
    /// The proof slot of edge `ix`, if it has one.
    fn get(&self, ix: usize) -> Option<u32> {
        let at = ix.checked_sub(self.base)?;
        if at < self.dense {
            return u32::try_from(at).ok();
        }
        let s = *self.slots.get(at)?;
        (s != u32::MAX).then_some(s)
    }

    /// Writes out the slots of dense proofs, before a change.
    fn spell_out(&mut self) {
        if self.dense > 0 {
            self.slots = (0..self.dense)
                .map(|k| u32::try_from(k).unwrap_or(u32::MAX))
                .collect();
            self.dense = 0;
        }
    }

    /// Edges `base..base + count` get slots `0..count`; there must be no
    /// slot yet.
    fn set_dense(&mut self, base: usize, count: usize) {
        self.slots.clear();
        self.base = base;
        self.dense = count;
    }

    /// Makes room for `count` edges from index `next` on.
    fn reserve(&mut self, next: usize, count: usize) {
        self.spell_out();
        if self.slots.is_empty() {
            self.base = next;
        }
        let end = next.saturating_add(count).saturating_sub(self.base);
        self.slots.reserve(end.saturating_sub(self.slots.len()));
    }

    /// Gives edge `ix` the proof at `slot`.
    fn set(&mut self, ix: usize, slot: u32) {
        self.spell_out();
        if self.slots.is_empty() {
            self.base = ix;
        } else if ix < self.base {
            // Down at least as far as the slots reach up, so that edges
            // taking lower and lower indices move the slots a few times,
            // not once each.
            let base = ix.min(self.base.saturating_sub(self.slots.len()));
            let gap = self.base - base;
            self.slots.splice(0..0, std::iter::repeat_n(u32::MAX, gap));
            self.base = base;
        }
        let at = ix - self.base;
        if self.slots.len() <= at {
            self.slots.resize(at + 1, u32::MAX);
        }
        if let Some(s) = self.slots.get_mut(at) {
            *s = slot;
        }
    }

    /// Takes edge `ix`'s proof away; whether it had one.
    fn unset(&mut self, ix: usize) -> bool {
        if self.get(ix).is_none() {
            return false;
        }
        self.spell_out();
        if let Some(s) = ix
            .checked_sub(self.base)
            .and_then(|at| self.slots.get_mut(at))
        {
            *s = u32::MAX;
        }
        true
    }

    /// The indices of the edges with a proof, in order.
    fn edges(&self) -> impl Iterator<Item = usize> + '_ {
        let dense = (0..self.dense).map(|k| self.base + k);
        let listed = (self.slots.iter().enumerate())
            .filter(|(_, s)| **s != u32::MAX)
            .map(|(i, _)| self.base + i);
        dense.chain(listed)
    }

    fn clear(&mut self) {
        self.slots.clear();
        self.base = 0;
        self.dense = 0;
    }
}

/// A typed property graph: nodes and edges checked against a [`Schema`].
///
/// Backed by a petgraph [`StableDiGraph`] (indices survive removals) with an
/// id → index map for lookups by id.
#[derive(Debug, Clone)]
pub struct Graph {
    inner: StableDiGraph<Node, Edge>,
    /// Id → node index; see [`IdMap`] for why not a `HashMap`.
    index: IdMap,
    schema: Schema,
    sources: Vec<Source>,
    meta: GraphMeta,
    /// The proofs of derived edges, flat: each proof's rule, where its
    /// premises start in `premises` (one more entry than proofs), and for
    /// each edge index from the first derived one the position of its proof
    /// ([`ProofSlots`]). A million derived edges are stored without hashing
    /// and without an allocation each.
    proof_rules: Vec<u32>,
    proof_starts: Vec<u32>,
    premises: Vec<EdgeIndex>,
    proof_of: ProofSlots,
    /// How many edges have a proof.
    derived: usize,
    /// Whether `schema` is the default schema, which writers leave out
    /// because every reader falls back to it.
    default_schema: bool,
}

impl Graph {
    /// A copy of the graph's structure: every node and edge at the same
    /// index, with its id, kind, name, relation and basis, and every proof,
    /// but no node's or edge's properties or provenance. For an analysis
    /// that takes nodes away from a copy and reads only the structure
    /// (`whatif`): copying and dropping the properties was a third of its
    /// work on the built-in graph.
    pub fn structure(&self) -> Graph {
        Graph {
            inner: self.inner.map(
                |_, n| Node {
                    id: n.id.clone(),
                    kind: n.kind,
                    name: n.name.clone(),
                    extra: None,
                },
                |_, e| Edge::new(e.rel, e.basis),
            ),
            index: self.index.clone(),
            schema: self.schema.clone(),
            sources: self.sources.clone(),
            meta: self.meta.clone(),
            proof_rules: self.proof_rules.clone(),
            proof_starts: self.proof_starts.clone(),
            premises: self.premises.clone(),
            proof_of: self.proof_of.clone(),
            derived: self.derived,
            default_schema: self.default_schema,
        }
    }

    /// Everything the graph holds, as text, in order and by name: meta,
    /// sources, schema, and every node and edge with its properties and
    /// provenance. Two graphs hold the same when their dumps are equal (NaN
    /// included, which `==` on values would not say): what the round-trip
    /// tests and the fuzz targets compare.
    pub fn dump(&self) -> String {
        let g = self;
        let mut out = format!("meta {:?}\nsources {:?}\n", g.meta(), g.sources());
        let schema = g.schema();
        for (_, k) in schema.kinds() {
            out += &format!("kind {k:?}\n");
        }
        for (_, r) in schema.relations() {
            let names = |ks: &[KindId]| -> Vec<&str> {
                ks.iter().map(|&k| schema.kind(k).name.as_str()).collect()
            };
            out += &format!(
                "relation {:?} {:?} {:?} {:?} {:?} {:?} {}\n",
                r.name,
                names(&r.from),
                names(&r.to),
                r.meaning,
                r.inverse,
                r.impact,
                r.mitigation
            );
        }
        for r in schema.rules() {
            let chain: Vec<&str> = r.chain.iter().map(|&c| g.rel_name(c)).collect();
            out += &format!(
                "rule {:?} {:?} {:?} {:?}\n",
                r.name,
                chain,
                g.rel_name(r.head),
                r.meaning
            );
        }
        for (_, n) in g.nodes() {
            out += &format!(
                "node {:?} {:?} {:?} {:?} {:?}\n",
                n.id,
                g.kind_name(n.kind),
                n.name,
                n.properties(),
                n.provenance()
            );
        }
        for e in g.edges() {
            let id = |ix| g.node(ix).map(|n| n.id.clone()).unwrap_or_default();
            out += &format!(
                "edge {:?} {:?} {:?} {:?} {:?} {:?}\n",
                id(e.from),
                g.rel_name(e.edge.rel),
                id(e.to),
                e.edge.basis,
                e.edge.properties(),
                e.edge.provenance()
            );
        }
        out
    }

    /// An empty graph over a schema.
    pub fn new(schema: Schema) -> Self {
        Self {
            inner: StableDiGraph::new(),
            index: IdMap::new(),
            schema,
            sources: Vec::new(),
            meta: GraphMeta::default(),
            default_schema: false,
            proof_rules: Vec::new(),
            proof_starts: Vec::new(),
            premises: Vec::new(),
            proof_of: ProofSlots::default(),
            derived: 0,
        }
    }

    /// Adds an edge derived by a rule, with its proof: the position of the
    /// rule in the schema's rules and the edges it followed. The edge's
    /// basis is [`Basis::Derived`] whatever `edge` says.
    pub fn add_derived_edge(
        &mut self,
        from: NodeIndex,
        to: NodeIndex,
        mut edge: Edge,
        rule: usize,
        premises: &[EdgeIndex],
    ) -> EdgeIndex {
        edge.basis = Basis::Derived;
        let ix = self.inner.add_edge(from, to, edge);
        let slot = u32::try_from(self.proof_rules.len()).unwrap_or(u32::MAX);
        self.proof_of.set(ix.index(), slot);
        if self.proof_starts.is_empty() {
            self.proof_starts.push(0);
        }
        self.proof_rules
            .push(u32::try_from(rule).unwrap_or(u32::MAX));
        self.premises.extend_from_slice(premises);
        self.proof_starts
            .push(u32::try_from(self.premises.len()).unwrap_or(u32::MAX));
        self.derived += 1;
        ix
    }

    /// Makes room for `count` more derived edges, their proofs holding
    /// `premises` edges in all.
    pub fn reserve_derived(&mut self, count: usize, premises: usize) {
        self.inner.reserve_edges(count);
        self.proof_rules.reserve(count);
        self.proof_starts.reserve(count + 1);
        self.premises.reserve(premises);
        use petgraph::visit::EdgeIndexable as _;
        // Without removals the next edges take the next indices.
        let next = self.inner.edge_bound();
        self.proof_of.reserve(next, count);
    }

    /// Takes the proofs of derived edges added without them, in one piece:
    /// the edges from `first` on (as many as `rules` holds), added in that
    /// order with [`Graph::add_edge`] and basis [`Basis::Derived`], and
    /// no proof in the graph yet. Proof `k` is rule `rules[k]` with the
    /// edges `premises[starts[k]..starts[k + 1]]`, as edge indices.
    ///
    /// A bulk load works the proofs out on another thread while it adds the
    /// edges, and hands them over here without a copy: written again on
    /// this thread, their 26 MB at a million nodes cost fresh pages on the
    /// critical path (BENCHMARKS.md, "Checks shared by both cores").
    ///
    /// # Errors
    /// [`AdoptError`] when the graph has proofs already, or the arrays do
    /// not describe one proof per edge from `first` to the last edge.
    pub fn adopt_proofs(
        &mut self,
        first: usize,
        rules: Vec<u32>,
        starts: Vec<u32>,
        premises: Vec<u32>,
    ) -> Result<(), AdoptError> {
        use petgraph::visit::EdgeIndexable as _;
        let count = rules.len();
        let fits = self.derived == 0
            && self.proof_rules.is_empty()
            && first.checked_add(count) == Some(self.inner.edge_bound())
            && self.inner.edge_count() == self.inner.edge_bound()
            && starts.len() == count + 1
            && starts.first() == Some(&0)
            && starts.windows(2).all(|w| w[0] <= w[1])
            && starts.last().map(|&s| s as usize) == Some(premises.len())
            && premises.iter().all(|&p| (p as usize) < first + count);
        if !fits {
            return Err(AdoptError);
        }
        self.proof_rules = rules;
        self.proof_starts = starts;
        // In place: an edge index is a `u32` too.
        self.premises = premises
            .into_iter()
            .map(|p| EdgeIndex::new(p as usize))
            .collect();
        self.proof_of.set_dense(first, count);
        self.derived = count;
        Ok(())
    }

    /// Removes the edges from index `first` on that have no proof (derived
    /// edges whose proofs could not be adopted), last first.
    pub(crate) fn drop_unproved_from(&mut self, first: usize) {
        use petgraph::visit::EdgeIndexable as _;
        for ix in (first..self.inner.edge_bound()).rev() {
            if self.proof_of.get(ix).is_none() {
                self.inner.remove_edge(EdgeIndex::new(ix));
            }
        }
    }

    /// The proof of a derived edge; `None` for an asserted one.
    pub fn proof(&self, edge: EdgeIndex) -> Option<Proof<'_>> {
        let slot = self.proof_of.get(edge.index())? as usize;
        let rule = *self.proof_rules.get(slot)? as usize;
        let (a, b) = (
            *self.proof_starts.get(slot)?,
            *self.proof_starts.get(slot + 1)?,
        );
        let edges = self.premises.get(a as usize..b as usize)?;
        Some(Proof { rule, edges })
    }

    /// The number of derived edges.
    pub fn derived_count(&self) -> usize {
        self.derived
    }

    /// Removes every derived edge, leaving the asserted graph.
    pub fn remove_derived(&mut self) {
        let derived: Vec<EdgeIndex> = self.proof_of.edges().map(EdgeIndex::new).collect();
        // Last first, so the free slots are reused in index order later.
        for e in derived.into_iter().rev() {
            self.inner.remove_edge(e);
        }
        self.proof_rules.clear();
        self.proof_starts.clear();
        self.premises.clear();
        self.proof_of.clear();
        self.derived = 0;
    }

    /// The edge at an index, with its endpoints.
    pub fn edge(&self, ix: EdgeIndex) -> Option<EdgeRef<'_>> {
        let (from, to) = self.inner.edge_endpoints(ix)?;
        Some(EdgeRef {
            index: ix,
            from,
            to,
            edge: self.inner.edge_weight(ix)?,
        })
    }

    /// Whether the graph's schema is the default one (`graph/schema.toml`),
    /// as its loader found; a graph built by hand says no.
    pub fn has_default_schema(&self) -> bool {
        self.default_schema
    }

    /// Records whether the graph's schema is the default one; the loader,
    /// which knows the default schema, says.
    pub fn set_default_schema(&mut self, is_default: bool) {
        self.default_schema = is_default;
    }

    /// Adds a node; its id must be new.
    pub fn add_node(&mut self, node: Node) -> Result<NodeIndex, GraphError> {
        use petgraph::visit::NodeIndexable as _;
        // Without removals the new node takes the next index, so the id is
        // hashed and probed once: bulk loads add millions of nodes.
        let bound = self.inner.node_bound();
        if self.inner.node_count() == bound {
            let next = u32::try_from(bound).unwrap_or(u32::MAX);
            let (_, added) = self.index.get_or_insert(&node.id, || next);
            if !added {
                return Err(GraphError::DuplicateId(node.id.into()));
            }
            return Ok(self.inner.add_node(node));
        }
        if self.index.get(&node.id).is_some() {
            return Err(GraphError::DuplicateId(node.id.into()));
        }
        let ix = self.inner.add_node(node);
        let id = &self.inner[ix].id;
        self.index.get_or_insert(id, || ix.index() as u32);
        Ok(ix)
    }

    /// Reads where each of `nodes` keeps its incoming edges, so that edges
    /// added to them next find that in cache. Adding an edge updates its
    /// `to` node, at a random place: a bulk load reads a block of them first
    /// so that their cache misses overlap rather than come one at a time.
    pub fn touch_incoming(&self, nodes: impl IntoIterator<Item = NodeIndex>) {
        for n in nodes {
            std::hint::black_box(self.inner.edges_directed(n, PgDirection::Incoming));
        }
    }

    /// Adds an edge between two nodes of this graph.
    ///
    /// The caller checks the edge against the schema (the loader does, so it
    /// can report where the edge was written).
    pub fn add_edge(&mut self, from: NodeIndex, to: NodeIndex, edge: Edge) -> EdgeIndex {
        self.inner.add_edge(from, to, edge)
    }

    /// Makes room for `nodes` more nodes and `edges` more edges, so a bulk
    /// load does not grow its storage step by step.
    pub fn reserve(&mut self, nodes: usize, edges: usize) {
        self.inner.reserve_nodes(nodes);
        self.inner.reserve_edges(edges);
        self.index.reserve(nodes);
    }

    /// Removes a node and its edges, returning it.
    ///
    /// Derived edges that rested on its edges stay until the derivations are
    /// recomputed ([`crate::reason::rederive`]).
    pub fn remove_node(&mut self, ix: NodeIndex) -> Option<Node> {
        if self.derived > 0 {
            let gone: Vec<EdgeIndex> = self
                .edges_of(ix, Direction::Both)
                .map(|e| e.index)
                .collect();
            for e in gone {
                if self.proof_of.unset(e.index()) {
                    self.derived -= 1;
                }
            }
        }
        let node = self.inner.remove_node(ix)?;
        self.index.remove(&node.id);
        Some(node)
    }

    /// Declares a source that provenance entries may refer to.
    pub fn add_source(&mut self, source: Source) {
        self.sources.push(source);
    }

    /// Sets the graph's name and description.
    pub fn set_meta(&mut self, meta: GraphMeta) {
        self.meta = meta;
    }

    /// The index of the node with this exact id.
    #[inline]
    pub fn node_index(&self, id: &str) -> Option<NodeIndex> {
        self.index.get(id).map(|i| NodeIndex::new(i as usize))
    }

    /// The indices of the nodes with these exact ids (as bytes; bytes that
    /// are not UTF-8 name no node), in order, appended to `out`: what
    /// [`Graph::node_index`] gives for each, faster for many ids at once
    /// (see [`IdMap::get_many`]).
    pub fn lookup_ids(&self, ids: &[&[u8]], out: &mut Vec<Option<NodeIndex>>) {
        out.reserve(ids.len());
        self.index
            .get_many(ids, |i| out.push(i.map(|i| NodeIndex::new(i as usize))));
    }

    /// Brings the id table's entries for `ids` into the cache, for a bulk
    /// load about to add (or look up) them: see [`IdMap::touch_many`].
    pub fn touch_ids<'a>(&self, ids: impl IntoIterator<Item = &'a str>) {
        self.index.touch_many(ids);
    }

    /// The node at an index, if it is in the graph.
    pub fn node(&self, ix: NodeIndex) -> Option<&Node> {
        self.inner.node_weight(ix)
    }

    /// The node with this exact id.
    pub fn node_by_id(&self, id: &str) -> Option<&Node> {
        self.node_index(id).and_then(|ix| self.node(ix))
    }

    /// Every node with its index, in insertion order.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeIndex, &Node)> {
        self.inner
            .node_indices()
            .filter_map(|ix| self.inner.node_weight(ix).map(|n| (ix, n)))
    }

    /// Every edge, in insertion order.
    pub fn edges(&self) -> impl Iterator<Item = EdgeRef<'_>> {
        (&self.inner).edge_references().map(|e| EdgeRef {
            index: e.id(),
            from: e.source(),
            to: e.target(),
            edge: e.weight(),
        })
    }

    /// The edges at a node in one direction or both (outgoing first).
    pub fn edges_of(&self, ix: NodeIndex, dir: Direction) -> impl Iterator<Item = EdgeRef<'_>> {
        let out = matches!(dir, Direction::Out | Direction::Both);
        let inc = matches!(dir, Direction::In | Direction::Both);
        let pick = |d, wanted: bool| {
            wanted
                .then(|| self.inner.edges_directed(ix, d))
                .into_iter()
                .flatten()
                .map(|e| EdgeRef {
                    index: e.id(),
                    from: e.source(),
                    to: e.target(),
                    edge: e.weight(),
                })
        };
        pick(PgDirection::Outgoing, out).chain(pick(PgDirection::Incoming, inc))
    }

    /// The number of nodes.
    pub fn node_count(&self) -> usize {
        self.inner.node_count()
    }

    /// The number of edges.
    pub fn edge_count(&self) -> usize {
        self.inner.edge_count()
    }

    /// The graph's schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The declared sources.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// The source with this id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// The graph's name and description.
    pub fn meta(&self) -> &GraphMeta {
        &self.meta
    }

    /// The name of a kind.
    pub fn kind_name(&self, kind: KindId) -> &str {
        &self.schema.kind(kind).name
    }

    /// The name of a relation.
    pub fn rel_name(&self, rel: RelId) -> &str {
        &self.schema.relation(rel).name
    }

    /// The underlying petgraph graph, for algorithms written against
    /// petgraph's `visit` traits.
    pub fn petgraph(&self) -> &StableDiGraph<Node, Edge> {
        &self.inner
    }
}

#[cfg(test)]
mod tests {
    use std::mem::size_of;

    use super::*;

    /// What a `StableDiGraph<Node, Edge>` stores per node and per edge.
    type PgNode = petgraph::graph::Node<Option<Node>, u32>;
    type PgEdge = petgraph::graph::Edge<Option<Edge>, u32>;

    proptest::proptest! {
        /// Proof slots answer as a map from edge index to slot would, for
        /// any order of setting and taking away, indices going up or down.
        #[test]
        fn proof_slots_act_as_a_map(
            dense in 0usize..30,
            base in 0usize..100,
            ops in proptest::collection::vec((0usize..3, 0usize..200, 0u32..1000), 0..200),
        ) {
            // Starting, as an adopting load does, from dense slots.
            let mut slots = ProofSlots::default();
            slots.set_dense(base, dense);
            let mut map: std::collections::BTreeMap<usize, u32> =
                (0..dense).map(|k| (base + k, k as u32)).collect();
            for (op, ix, slot) in ops {
                match op {
                    0 => {
                        slots.set(ix, slot);
                        map.insert(ix, slot);
                    }
                    1 => proptest::prop_assert_eq!(slots.unset(ix), map.remove(&ix).is_some()),
                    _ => slots.reserve(ix, usize::from(slot > 500) * 50),
                }
                for i in 0..210 {
                    proptest::prop_assert_eq!(slots.get(i), map.get(&i).copied());
                }
                let set: Vec<usize> = slots.edges().collect();
                proptest::prop_assert_eq!(set, map.keys().copied().collect::<Vec<_>>());
            }
            slots.clear();
            proptest::prop_assert_eq!(slots.edges().count(), 0);
        }
    }

    /// Proofs taken whole answer as proofs added one by one do, are
    /// refused when they do not fit the graph's last edges, and are
    /// forgotten with their edges' nodes.
    #[test]
    fn adopted_proofs_answer_and_refuse_what_does_not_fit() {
        let mut g = crate::load::embedded().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(g.derived_count(), 0);
        let first = g.edge_count();
        let ends = |g: &Graph, k: usize| {
            let e = g.edges().nth(k).unwrap_or_else(|| panic!("edge {k}"));
            (e.from, e.to, e.edge.rel)
        };
        let (a, b, rel) = ends(&g, 0);
        let (c, d, _) = ends(&g, 1);
        g.add_edge(a, b, Edge::new(rel, Basis::Derived));
        g.add_edge(c, d, Edge::new(rel, Basis::Derived));
        let last = first as u32;
        // Not from the first of the last edges, not one start per proof, a
        // premise past the edges: refused, and nothing taken.
        let refused = [
            (first + 1, vec![0, 1], vec![0, 2, 4], vec![0, 1, last, 2]),
            (first, vec![0, 1], vec![0, 2], vec![0, 1]),
            (first, vec![0, 1], vec![0, 2, 4], vec![0, 1, last + 2, 2]),
            (first, vec![0, 1], vec![1, 2, 4], vec![0, 1, last, 2]),
        ];
        for (at, rules, starts, premises) in refused {
            assert_eq!(g.adopt_proofs(at, rules, starts, premises), Err(AdoptError));
            assert_eq!(g.derived_count(), 0);
        }
        g.adopt_proofs(first, vec![0, 1], vec![0, 2, 4], vec![0, 1, last, 2])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(g.derived_count(), 2);
        let proof = g
            .proof(EdgeIndex::new(first + 1))
            .unwrap_or_else(|| panic!("a proof"));
        assert_eq!(proof.rule, 1);
        assert_eq!(proof.edges, &[EdgeIndex::new(first), EdgeIndex::new(2)]);
        assert!(g.proof(EdgeIndex::new(0)).is_none());
        // A graph with proofs takes no more whole.
        let again = g.adopt_proofs(first, vec![0, 1], vec![0, 2, 4], vec![0, 1, last, 2]);
        assert_eq!(again, Err(AdoptError));
        // Removing an end of the first derived edge takes its proof away,
        // and the other keeps its own.
        let other = g.proof(EdgeIndex::new(first + 1)).map(|p| p.rule);
        g.remove_node(a);
        assert!(g.proof(EdgeIndex::new(first)).is_none());
        if c != a && d != a {
            assert_eq!(g.proof(EdgeIndex::new(first + 1)).map(|p| p.rule), other);
        }
        g.remove_derived();
        assert_eq!(g.derived_count(), 0);
        assert!(g.edges().all(|e| e.edge.basis != Basis::Derived));
    }

    #[test]
    fn proof_slots_cover_the_derived_edges_alone() {
        let mut slots = ProofSlots::default();
        slots.reserve(1_000_000, 10);
        for i in 0..10 {
            slots.set(1_000_000 + i, i as u32);
        }
        assert_eq!(slots.slots.len(), 10);
        assert_eq!(slots.get(1_000_003), Some(3));
        assert_eq!(slots.get(999_999), None);
        // A lower index moves the base down by at least the slots' reach.
        slots.set(999_995, 42);
        assert_eq!(slots.base, 999_990);
        assert_eq!(slots.get(999_995), Some(42));
        assert_eq!(slots.get(1_000_009), Some(9));
    }

    #[test]
    fn payloads_stay_compact() {
        // Regression guard for the compact payloads of the module docs: a
        // million-node graph holds five million edges.
        assert_eq!(size_of::<Edge>(), 16);
        assert_eq!(size_of::<PgEdge>(), 32);
        assert_eq!(size_of::<Node>(), 64);
        assert_eq!(size_of::<PgNode>(), 72);
        // An id and a name of up to 24 bytes each take no heap block.
        let node = Node::new(
            "threat-1234567890123456",
            KindId(0),
            "Threat 1234567890123456",
        );
        assert!(!node.id.is_heap_allocated() && !node.name.is_heap_allocated());
    }

    fn provenance(source: &str) -> Provenance {
        Provenance {
            source: source.to_string().into(),
            section: None,
            item: None,
            note: None,
        }
    }

    #[test]
    fn empty_extras_read_as_none_and_compare_equal() {
        let rel = RelId(0);
        let bare = Edge::new(rel, Basis::Stated);
        assert!(bare.properties().is_empty() && bare.provenance().is_empty());
        assert!(bare.extra.is_none());
        // `with` boxes nothing when both are empty.
        let with = Edge::with(rel, Basis::Stated, Properties::new(), Vec::new());
        assert!(with.extra.is_none());
        // A box left empty by a `_mut` accessor is the same edge.
        let mut boxed = Edge::new(rel, Basis::Stated);
        let _ = boxed.properties_mut();
        assert!(boxed.extra.is_some());
        assert_eq!(boxed, bare);
        assert_eq!(format!("{boxed:?}"), format!("{bare:?}"));
        // What is written through the accessors is read back.
        boxed.provenance_mut().push(provenance("a"));
        boxed
            .properties_mut()
            .insert("weight".into(), super::super::Value::Integer(3));
        assert_ne!(boxed, bare);
        assert_eq!(boxed.provenance(), [provenance("a")]);
        assert_eq!(
            boxed.properties().get("weight"),
            Some(&super::super::Value::Integer(3))
        );
        let (props, prov) = boxed.take_extras();
        assert_eq!((props.len(), prov.len()), (1, 1));
        assert_eq!(boxed, bare);
    }

    #[test]
    fn node_extras_behave_like_fields() {
        let kind = KindId(0);
        let mut props = Properties::new();
        props.insert(
            "description".into(),
            super::super::Value::String("d".into()),
        );
        let full = Node::with("n", kind, "N", props.clone(), vec![provenance("s")]);
        assert_eq!(full.description(), Some("d"));
        assert_eq!(full.provenance(), [provenance("s")]);
        let mut built = Node::new("n", kind, "N");
        assert_ne!(built, full);
        *built.properties_mut() = props;
        built.provenance_mut().push(provenance("s"));
        assert_eq!(built, full);
        assert_eq!(format!("{built:?}"), format!("{full:?}"));
        assert_eq!(&*full.id, "n");
    }

    /// Extras decoded on demand, counting how often they are.
    struct Counted(std::sync::atomic::AtomicUsize);

    impl DeferredExtras for Counted {
        fn decode(&self, at: usize, flags: u8) -> (Properties, Vec<Provenance>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut props = Properties::new();
            props.insert("at".into(), super::super::Value::Integer(at as i64));
            (props, vec![provenance(&flags.to_string())])
        }
    }

    /// Deferred extras are decoded once, when first read, and then behave
    /// as extras given whole: read, compared, shown, cloned, changed and
    /// taken alike.
    #[test]
    fn deferred_extras_are_decoded_once_when_first_read() {
        let counted: &'static Counted =
            Box::leak(Box::new(Counted(std::sync::atomic::AtomicUsize::new(0))));
        let decodes = || counted.0.load(std::sync::atomic::Ordering::Relaxed);
        let kind = KindId(0);
        let lazy = Node::deferred("n", kind, "N", Later::new(counted, 7, 3));
        let copy = lazy.clone();
        assert_eq!(decodes(), 0, "nothing decoded before it is read");
        let mut props = Properties::new();
        props.insert("at".into(), super::super::Value::Integer(7));
        let whole = Node::with("n", kind, "N", props, vec![provenance("3")]);
        assert_eq!(lazy, whole);
        assert_eq!(decodes(), 1);
        assert_eq!(lazy.provenance(), [provenance("3")]);
        assert_eq!(format!("{lazy:?}"), format!("{whole:?}"));
        assert_eq!(decodes(), 1, "decoded once");
        assert_eq!(copy, whole, "a copy made before decodes on its own");
        assert_eq!(decodes(), 2);
        let mut changed = lazy.clone();
        changed.provenance_mut().push(provenance("more"));
        assert_eq!(changed.provenance(), [provenance("3"), provenance("more")]);
        assert_eq!(changed.properties(), whole.properties());
        let mut edge = Edge::deferred(RelId(1), Basis::Inferred, Later::new(counted, 9, 1));
        let (props, prov) = edge.take_extras();
        assert_eq!(
            (props.get("at"), prov),
            (
                Some(&super::super::Value::Integer(9)),
                vec![provenance("1")]
            )
        );
        assert_eq!(edge, Edge::new(RelId(1), Basis::Inferred));
    }

    #[test]
    fn the_structure_keeps_every_index_id_relation_and_proof_and_no_extras() {
        let mut g = crate::load::embedded_with_derived()
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("{e}"));
        // A hole in the indices, which the copy must keep.
        let gone = g
            .node_index("intelligence-sharing")
            .unwrap_or_else(|| panic!());
        g.remove_node(gone);
        let s = g.structure();
        assert_eq!(
            (s.node_count(), s.edge_count()),
            (g.node_count(), g.edge_count())
        );
        assert_eq!(s.derived_count(), g.derived_count());
        assert!(g.derived_count() > 0);
        for (ix, n) in g.nodes() {
            let copy = s.node(ix).unwrap_or_else(|| panic!("{ix:?}"));
            assert_eq!((&copy.id, copy.kind, &copy.name), (&n.id, n.kind, &n.name));
            assert!(copy.properties().is_empty() && copy.provenance().is_empty());
            assert_eq!(s.node_index(&n.id), Some(ix));
        }
        assert!(s.node(gone).is_none());
        assert!(g.nodes().any(|(_, n)| !n.provenance().is_empty()));
        for e in g.edges() {
            let copy = s.edge(e.index).unwrap_or_else(|| panic!("{:?}", e.index));
            assert_eq!((copy.from, copy.to), (e.from, e.to));
            assert_eq!((copy.edge.rel, copy.edge.basis), (e.edge.rel, e.edge.basis));
            assert!(copy.edge.properties().is_empty() && copy.edge.provenance().is_empty());
            assert_eq!(
                s.proof(e.index).map(|p| (p.rule, p.edges.to_vec())),
                g.proof(e.index).map(|p| (p.rule, p.edges.to_vec()))
            );
        }
    }
}
