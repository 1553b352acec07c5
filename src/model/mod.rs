//! The data model: a typed property graph checked against a schema.
//!
//! A [`Graph`] holds nodes and edges in a petgraph `StableGraph` with an
//! id → index map, so indices stay valid when nodes are removed (what-if
//! analyses remove nodes). Kinds and relations are interned as small ids
//! ([`KindId`], [`RelId`]) into the [`Schema`], which keeps nodes and edges
//! small when a graph holds millions of them.
//!
//! The model knows nothing about files: the `load` module builds graphs from
//! every format seccoop reads and reports errors with positions, the
//! `write` module writes them; the model only enforces what must hold for
//! any graph (unique ids, known kinds and relations). [`Span`], the byte
//! range those positions are made of, lives here so that every reader of
//! text (graph files, queries) shares it.

mod graph;
pub mod ids;
mod schema;
mod span;
mod value;

pub use graph::{
    AdoptError, Basis, Direction, Edge, EdgeRef, Graph, GraphError, GraphMeta, InlineStr, Node,
    Proof, Provenance, Source, Text,
};
pub(crate) use graph::{DeferredExtras, Later};
pub use schema::{
    EdgeMix, ImpactFlow, KindDef, KindId, KindLook, LineStyle, RelId, RelationDef, RelationLook,
    Roles, RuleDef, Schema, SchemaError, Unknown,
};
pub use span::Span;
pub use value::Value;

/// Properties of a node or an edge, ordered by name so output is stable.
pub type Properties = std::collections::BTreeMap<String, Value>;
