//! Writing a snapshot (`.sccp`): the layout is in
//! [`crate::format::snapshot`]. The whole body is built in memory, since
//! its checksum goes in the header before it, and then written at once.

use std::collections::HashMap;

use super::WriteError;
use crate::format::GraphFormat;
use crate::format::snapshot::{
    self as fmt, HAS_PROPERTIES, HAS_PROVENANCE, MAGIC, MAX_DEPTH, NONE, value_tag,
};
use crate::model::{Graph, Properties, Provenance, Value};

/// The string table being built: each distinct string once.
#[derive(Default)]
struct Strings<'g> {
    positions: HashMap<&'g str, u32, foldhash::fast::FixedState>,
    ends: Vec<u32>,
    bytes: Vec<u8>,
}

impl<'g> Strings<'g> {
    fn with_capacity(n: usize) -> Self {
        Strings {
            positions: HashMap::with_capacity_and_hasher(n, Default::default()),
            ends: Vec::with_capacity(n),
            bytes: Vec::new(),
        }
    }

    fn put(&mut self, s: &'g str) -> Result<u32, WriteError> {
        if let Some(&i) = self.positions.get(s) {
            return Ok(i);
        }
        let i = u32::try_from(self.ends.len())
            .ok()
            .filter(|&i| i != NONE)
            .ok_or_else(|| too_big("more than 4,294,967,294 distinct strings"))?;
        self.bytes.extend_from_slice(s.as_bytes());
        let end = u32::try_from(self.bytes.len())
            .map_err(|_| too_big("more than 4 GiB of text in ids, names and values"))?;
        self.ends.push(end);
        self.positions.insert(s, i);
        Ok(i)
    }

    fn put_opt(&mut self, s: Option<&'g str>) -> Result<u32, WriteError> {
        s.map_or(Ok(NONE), |s| self.put(s))
    }
}

fn too_big(what: &str) -> WriteError {
    WriteError::Unrepresentable {
        reason: format!("the graph holds {what}, more than a snapshot can"),
        format: GraphFormat::Snapshot,
    }
}

fn count(n: usize, what: &str) -> Result<u32, WriteError> {
    u32::try_from(n).map_err(|_| too_big(&format!("more than 4,294,967,295 {what}")))
}

/// A section being written.
#[derive(Default)]
struct Out(Vec<u8>);

impl Out {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn flag(&mut self, v: bool) {
        self.u8(u8::from(v));
    }
}

/// Everything but the string table, written while the table fills.
struct Writer<'g> {
    strings: Strings<'g>,
    graph: Out,
    nodes: Out,
    edges: Out,
    extras: Out,
    proofs: Out,
}

impl<'g> Writer<'g> {
    fn s(&mut self, s: &'g str) -> Result<u32, WriteError> {
        self.strings.put(s)
    }

    fn opt(&mut self, s: &'g Option<String>) -> Result<u32, WriteError> {
        self.strings.put_opt(s.as_deref())
    }

    fn graph_section(&mut self, graph: &'g Graph) -> Result<(), WriteError> {
        let meta = graph.meta();
        let v = self.opt(&meta.name)?;
        self.graph.u32(v);
        let v = self.opt(&meta.description)?;
        self.graph.u32(v);
        self.graph.u32(count(graph.sources().len(), "sources")?);
        for s in graph.sources() {
            for v in [
                self.s(&s.id)?,
                self.s(&s.title)?,
                self.opt(&s.author)?,
                self.opt(&s.date)?,
                self.opt(&s.url)?,
            ] {
                self.graph.u32(v);
            }
        }
        self.graph.flag(graph.has_default_schema());
        let schema = graph.schema();
        self.graph.u32(count(schema.kinds().len(), "kinds")?);
        for (_, k) in schema.kinds() {
            for v in [
                self.s(&k.name)?,
                self.opt(&k.plural)?,
                self.s(&k.description)?,
                self.opt(&k.look.shape)?,
                self.opt(&k.look.style)?,
                self.opt(&k.look.fill)?,
                self.opt(&k.look.border)?,
            ] {
                self.graph.u32(v);
            }
            self.graph.flag(k.share.is_some());
            self.graph.u32(k.share.unwrap_or(0));
        }
        self.graph
            .u32(count(schema.relations().len(), "relations")?);
        for (_, r) in schema.relations() {
            let v = self.s(&r.name)?;
            self.graph.u32(v);
            for kinds in [&r.from, &r.to] {
                self.graph.u32(count(kinds.len(), "kinds")?);
                for k in kinds {
                    self.graph.u16(k.0);
                }
            }
            for v in [
                self.s(&r.meaning)?,
                self.opt(&r.inverse)?,
                self.opt(&r.look.colour)?,
                self.opt(&r.look.arrowhead)?,
            ] {
                self.graph.u32(v);
            }
            self.graph.u8(fmt::impact_code(r.impact));
            self.graph.flag(r.mitigation);
            self.graph.u8(fmt::line_code(r.look.line));
            self.graph.flag(r.look.cluster);
            self.graph.flag(r.roles.counters);
            self.graph.flag(r.roles.participants);
            self.graph.flag(r.roles.rank);
            self.graph.flag(r.generate.is_some());
            let mix = r.generate.as_ref();
            self.graph.flag(mix.is_some_and(|m| m.from.is_some()));
            self.graph.u16(mix.and_then(|m| m.from).map_or(0, |k| k.0));
            self.graph.u32(mix.map_or(0, |m| m.min));
            self.graph.u32(mix.map_or(0, |m| m.max));
        }
        self.graph.u32(count(schema.rules().len(), "rules")?);
        for r in schema.rules() {
            let v = self.s(&r.name)?;
            self.graph.u32(v);
            let v = self.s(&r.meaning)?;
            self.graph.u32(v);
            self.graph
                .u32(count(r.chain.len(), "relations in a chain")?);
            for c in &r.chain {
                self.graph.u16(c.0);
            }
            self.graph.u16(r.head.0);
        }
        Ok(())
    }

    fn value(&mut self, v: &'g Value, depth: usize) -> Result<(), WriteError> {
        match v {
            Value::String(s) => {
                self.extras.u8(value_tag::STRING);
                let i = self.s(s)?;
                self.extras.u32(i);
            }
            Value::Integer(i) => {
                self.extras.u8(value_tag::INTEGER);
                self.extras.u64(*i as u64);
            }
            Value::Float(x) => {
                self.extras.u8(value_tag::FLOAT);
                self.extras.u64(x.to_bits());
            }
            Value::Bool(b) => {
                self.extras.u8(value_tag::BOOL);
                self.extras.flag(*b);
            }
            Value::List(items) => {
                if depth >= MAX_DEPTH {
                    return Err(WriteError::Unrepresentable {
                        reason: format!(
                            "a property value nests lists more than {MAX_DEPTH} deep, more than a \
                             snapshot holds"
                        ),
                        format: GraphFormat::Snapshot,
                    });
                }
                self.extras.u8(value_tag::LIST);
                self.extras.u32(count(items.len(), "items in a list")?);
                for item in items {
                    self.value(item, depth + 1)?;
                }
            }
        }
        Ok(())
    }

    fn extras(
        &mut self,
        properties: &'g Properties,
        provenance: &'g [Provenance],
    ) -> Result<(), WriteError> {
        if !properties.is_empty() {
            self.extras
                .u32(count(properties.len(), "properties on one node or edge")?);
            for (k, v) in properties {
                let k = self.s(k)?;
                self.extras.u32(k);
                self.value(v, 0)?;
            }
        }
        if !provenance.is_empty() {
            self.extras.u32(count(
                provenance.len(),
                "provenance entries on one node or edge",
            )?);
            for p in provenance {
                for v in [
                    self.s(&p.source)?,
                    self.strings.put_opt(p.section.as_deref())?,
                    self.strings.put_opt(p.item.as_deref())?,
                    self.strings.put_opt(p.note.as_deref())?,
                ] {
                    self.extras.u32(v);
                }
            }
        }
        Ok(())
    }
}

fn flags(properties: &Properties, provenance: &[Provenance]) -> u8 {
    let mut f = 0;
    if !properties.is_empty() {
        f |= HAS_PROPERTIES;
    }
    if !provenance.is_empty() {
        f |= HAS_PROVENANCE;
    }
    f
}

/// The snapshot of a graph, header and body: what [`write`](super::write)
/// writes to a `.sccp` file. Derived edges and their proofs are written as
/// the graph holds them.
///
/// # Errors
/// [`WriteError::Unrepresentable`] for a graph beyond the format's widths
/// (more than 4 GiB of text, lists nested deeper than
/// [`MAX_DEPTH`]).
pub fn to_bytes(graph: &Graph) -> Result<Vec<u8>, WriteError> {
    let n = graph.node_count();
    let m = graph.edge_count();
    let mut w = Writer {
        strings: Strings::with_capacity(2 * n + 64),
        graph: Out::default(),
        nodes: Out(Vec::with_capacity(4 + 11 * n)),
        edges: Out(Vec::with_capacity(4 + 12 * m)),
        extras: Out::default(),
        proofs: Out::default(),
    };
    w.graph_section(graph)?;

    // Node and edge positions in the file: the graph's indices may have
    // holes (a what-if removed nodes), the file's positions have none.
    let nodes: Vec<_> = graph.nodes().collect();
    let mut node_pos = vec![
        NONE;
        nodes
            .iter()
            .map(|(ix, _)| ix.index() + 1)
            .max()
            .unwrap_or(0)
    ];
    w.nodes.u32(count(nodes.len(), "nodes")?);
    let mut ids = Vec::with_capacity(n);
    let mut names = Vec::with_capacity(n);
    for (pos, (ix, node)) in nodes.iter().enumerate() {
        if let Some(slot) = node_pos.get_mut(ix.index()) {
            *slot = pos as u32;
        }
        ids.push(w.s(&node.id)?);
        names.push(w.s(&node.name)?);
    }
    for i in ids {
        w.nodes.u32(i);
    }
    for i in names {
        w.nodes.u32(i);
    }
    for (_, node) in &nodes {
        w.nodes.u16(node.kind.0);
    }
    for (_, node) in &nodes {
        w.nodes.u8(flags(node.properties(), node.provenance()));
    }
    let mut marks = Vec::with_capacity(fmt::marks(n) + 2 * fmt::marks(m));
    for (pos, (_, node)) in nodes.iter().enumerate() {
        if pos % fmt::STRIDE == 0 {
            marks.push(w.extras.0.len() as u64);
        }
        w.extras(node.properties(), node.provenance())?;
    }

    let edges: Vec<_> = graph.edges().collect();
    let mut edge_pos = vec![NONE; edges.iter().map(|e| e.index.index() + 1).max().unwrap_or(0)];
    for (pos, e) in edges.iter().enumerate() {
        if let Some(slot) = edge_pos.get_mut(e.index.index()) {
            *slot = pos as u32;
        }
    }
    let pos_of = |ix: usize, table: &[u32]| table.get(ix).copied().unwrap_or(NONE);
    w.edges.u32(count(edges.len(), "edges")?);
    for e in &edges {
        w.edges.u32(pos_of(e.from.index(), &node_pos));
    }
    for e in &edges {
        w.edges.u32(pos_of(e.to.index(), &node_pos));
    }
    for e in &edges {
        w.edges.u16(e.edge.rel.0);
    }
    for e in &edges {
        w.edges.u8(fmt::basis_code(e.edge.basis));
    }
    for e in &edges {
        w.edges.u8(flags(e.edge.properties(), e.edge.provenance()));
    }
    for (pos, e) in edges.iter().enumerate() {
        if pos % fmt::STRIDE == 0 {
            marks.push(w.extras.0.len() as u64);
        }
        w.extras(e.edge.properties(), e.edge.provenance())?;
    }

    let is_derived = |e: &crate::model::EdgeRef<'_>| e.edge.basis == crate::model::Basis::Derived;
    let derived = edges.iter().filter(|e| is_derived(e)).count();
    w.proofs.u32(count(derived, "derived edges")?);
    // A proof that names no edge of the graph would make a snapshot no
    // seccoop opens: refused here, where the cause is known.
    let unproven = |e: &crate::model::EdgeRef<'_>| WriteError::Unrepresentable {
        reason: format!(
            "the derived edge {} -{}-> {} has no proof whose edges are all in the graph; \
             derive the edges again first",
            graph.node(e.from).map_or("?", |n| &*n.id),
            graph.rel_name(e.edge.rel),
            graph.node(e.to).map_or("?", |n| &*n.id),
        ),
        format: GraphFormat::Snapshot,
    };
    for (pos, e) in edges.iter().enumerate() {
        if pos % fmt::STRIDE == 0 {
            marks.push(w.proofs.0.len() as u64);
        }
        if !is_derived(e) {
            continue;
        }
        let proof = graph.proof(e.index).ok_or_else(|| unproven(e))?;
        w.proofs
            .u32(u32::try_from(proof.rule).map_err(|_| unproven(e))?);
        w.proofs.u32(count(proof.edges.len(), "premises")?);
        for p in proof.edges {
            match pos_of(p.index(), &edge_pos) {
                NONE => return Err(unproven(e)),
                at => w.proofs.u32(at),
            }
        }
    }

    let index = index_section(&nodes, &edges, &node_pos, &marks);

    let mut strings = Out(Vec::with_capacity(4 + 4 * w.strings.ends.len()));
    strings.u32(count(w.strings.ends.len(), "strings")?);
    for &end in &w.strings.ends {
        strings.u32(end);
    }
    strings.0.extend_from_slice(&w.strings.bytes);
    drop(w.strings);

    let sections = [
        strings, w.graph, w.nodes, w.edges, w.extras, w.proofs, index,
    ];
    let body_len: usize = sections.iter().map(|s| 8 + s.0.len()).sum();
    let mut body = Vec::with_capacity(body_len);
    for s in &sections {
        body.extend_from_slice(&(s.0.len() as u64).to_le_bytes());
        body.extend_from_slice(&s.0);
    }
    drop(sections);
    let mut out = Vec::with_capacity(fmt::header_prefix_len(fmt::WRITER) + 16 + body.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&fmt::FORMAT_VERSION.to_le_bytes());
    out.push(fmt::WRITER.len() as u8);
    out.extend_from_slice(fmt::WRITER.as_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&fmt::checksum(&body).to_le_bytes());
    out.extend_from_slice(&body);
    Ok(out)
}

/// The index section: nodes in the order of their ids, each node's edges
/// out and in, and the marks into the extras and proofs sections (laid
/// out in [`crate::format::snapshot`]). Counts were checked to fit in u32
/// when the node and edge columns were written.
fn index_section(
    nodes: &[(petgraph::stable_graph::NodeIndex, &crate::model::Node)],
    edges: &[crate::model::EdgeRef<'_>],
    node_pos: &[u32],
    marks: &[u64],
) -> Out {
    let (n, m) = (nodes.len(), edges.len());
    let mut out = Out(Vec::with_capacity(8 + 12 * n + 8 * m + 8 * marks.len() + 8));
    out.u32(n as u32);
    out.u32(m as u32);
    let mut by_id: Vec<u32> = (0..n as u32).collect();
    by_id.sort_unstable_by(|&a, &b| {
        let id = |p: u32| nodes.get(p as usize).map_or("", |(_, node)| &*node.id);
        id(a).cmp(id(b))
    });
    for p in by_id {
        out.u32(p);
    }
    let pos_of =
        |ix: petgraph::stable_graph::NodeIndex| node_pos.get(ix.index()).map_or(0, |&p| p as usize);
    for end in [
        |e: &crate::model::EdgeRef<'_>| e.from,
        |e: &crate::model::EdgeRef<'_>| e.to,
    ] {
        // A counting sort: offsets from the degrees, then each edge in
        // ascending position at its node's next free place.
        let mut offsets = vec![0u32; n + 1];
        for e in edges {
            if let Some(o) = offsets.get_mut(pos_of(end(e)) + 1) {
                *o += 1;
            }
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut list = vec![0u32; m];
        for (pos, e) in edges.iter().enumerate() {
            if let Some(at) = next.get_mut(pos_of(end(e))) {
                if let Some(slot) = list.get_mut(*at as usize) {
                    *slot = pos as u32;
                }
                *at += 1;
            }
        }
        for o in offsets {
            out.u32(o);
        }
        for e in list {
            out.u32(e);
        }
    }
    for &mark in marks {
        out.u64(mark);
    }
    out
}

#[cfg(test)]
mod tests {
    //! Round trips: a snapshot holds exactly what the graph holds, derived
    //! edges and proofs included. [`Graph::dump`] covers what every format
    //! carries; the schema's drawing, roles and mix and the proofs, which
    //! the dump leaves out, are compared on their own.

    use proptest::prelude::*;

    use super::to_bytes;
    use crate::load::snapshot::read;
    use crate::model::{Edge, Graph, KindId, Node, Provenance, RelId, Source, Value};

    /// The graph read back from its snapshot, checked equal to it.
    fn round_trip(graph: &Graph) -> Graph {
        let bytes = to_bytes(graph).expect("a snapshot");
        let back = read(&bytes).expect("the snapshot reads");
        assert_eq!(back.dump(), graph.dump());
        let (s, t) = (graph.schema(), back.schema());
        assert!(s.kinds().eq(t.kinds()));
        assert!(s.relations().eq(t.relations()));
        assert_eq!(s.rules(), t.rules());
        assert_eq!(graph.has_default_schema(), back.has_default_schema());
        assert_eq!(graph.derived_count(), back.derived_count());
        // Edges keep their order; proofs name the same edges by position.
        let pos = |g: &Graph| -> Vec<Option<(usize, Vec<usize>)>> {
            let at: std::collections::HashMap<_, _> =
                g.edges().enumerate().map(|(i, e)| (e.index, i)).collect();
            g.edges()
                .map(|e| {
                    g.proof(e.index)
                        .map(|p| (p.rule, p.edges.iter().map(|x| at[x]).collect()))
                })
                .collect()
        };
        assert_eq!(pos(graph), pos(&back));
        // Read without its derived edges, it is the graph without them,
        // edges in the same order.
        let asserted = crate::load::snapshot::read_asserted(&bytes).expect("reads asserted");
        let mut removed = back.clone();
        removed.remove_derived();
        assert_eq!(asserted.derived_count(), 0);
        assert_eq!(asserted.dump(), removed.dump());
        let ends =
            |g: &Graph| -> Vec<_> { g.edges().map(|e| (e.from, e.to, e.edge.rel)).collect() };
        assert_eq!(ends(&asserted), ends(&removed));
        back
    }

    #[test]
    fn the_curated_graph_round_trips_asserted_and_reasoned() {
        let mut graph = crate::load::embedded().expect("the curated graph");
        round_trip(&graph);
        let derived = crate::reason::materialise(&mut graph).expect("the rules derive");
        assert!(derived > 0);
        let back = round_trip(&graph);
        // Deriving again on the opened snapshot adds nothing.
        let mut back = back;
        assert_eq!(crate::reason::materialise(&mut back), Ok(0));
    }

    #[test]
    fn a_generated_graph_round_trips() {
        let dir = tempfile::tempdir().expect("a folder");
        let folder = dir.path().join("g");
        crate::generate::generate(&folder, 3000, 7).expect("generate");
        let mut graph = crate::load::load_paths(&[folder]).expect("the generated graph loads");
        crate::reason::materialise(&mut graph).expect("the rules derive");
        assert!(graph.derived_count() > 0);
        round_trip(&graph);
    }

    #[test]
    fn holes_left_by_removed_nodes_are_closed() {
        let mut graph = crate::load::embedded().expect("the curated graph");
        crate::reason::materialise(&mut graph).expect("the rules derive");
        let gone = graph.node_index("terrorism").expect("a node");
        graph.remove_node(gone);
        crate::reason::rederive(&mut graph).expect("the rules derive");
        round_trip(&graph);
    }

    #[test]
    fn a_proof_resting_on_a_removed_edge_is_refused_until_derived_again() {
        let mut graph = crate::load::embedded().expect("the curated graph");
        crate::reason::materialise(&mut graph).expect("the rules derive");
        // A node some derived edge's chain passes through, not an end of it.
        let via = graph
            .edges()
            .find_map(|e| crate::reason::via(&graph, e.index).first().copied())
            .expect("a derived edge through a node");
        graph.remove_node(via);
        let refused = to_bytes(&graph).expect_err("a proof names a removed edge");
        assert!(refused.to_string().contains("derive the edges again first"));
        crate::reason::rederive(&mut graph).expect("the rules derive");
        round_trip(&graph);
    }

    #[test]
    fn a_default_schema_flag_on_another_schema_is_refused() {
        // Found by the load_snapshot fuzz target: a forged flag made the
        // text writers leave the snapshot's own schema out.
        let mut schema = crate::model::Schema::new();
        let kind = crate::model::KindDef {
            name: "thing".into(),
            plural: None,
            description: "A thing.".into(),
            look: Default::default(),
            share: None,
        };
        schema.add_kind(kind).expect("a kind");
        let mut graph = Graph::new(schema);
        graph.set_default_schema(true);
        let bytes = to_bytes(&graph).expect("a snapshot");
        let refused = read(&bytes).expect_err("the flag is false");
        assert!(
            refused.to_string().contains("marked as the default"),
            "{refused}"
        );
        let real = crate::load::embedded().expect("the curated graph");
        assert!(read(&to_bytes(&real).expect("a snapshot")).is_ok());
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            ".{0,8}".prop_map(Value::String),
            any::<i64>().prop_map(Value::Integer),
            any::<f64>().prop_map(Value::Float),
            any::<bool>().prop_map(Value::Bool),
        ];
        leaf.prop_recursive(3, 12, 4, |inner| {
            prop::collection::vec(inner, 0..4).prop_map(Value::List)
        })
    }

    fn provenance() -> impl Strategy<Value = Vec<Provenance>> {
        let one = (
            prop::option::of(".{0,6}"),
            prop::option::of(".{0,6}"),
            prop::option::of(".{0,6}"),
        )
            .prop_map(|(section, item, note)| Provenance {
                source: "src".into(),
                section: section.map(Into::into),
                item: item.map(Into::into),
                note: note.map(Into::into),
            });
        prop::collection::vec(one, 0..3)
    }

    fn extras() -> impl Strategy<Value = (Vec<(String, Value)>, Vec<Provenance>)> {
        (
            prop::collection::vec(("[a-z]{1,4}", value()), 0..3),
            provenance(),
        )
    }

    /// Random graphs over the default schema (which has rules), with
    /// properties of every type and provenance, derived edges added.
    fn graphs() -> impl Strategy<Value = Graph> {
        let nodes = prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                "[A-Za-zé0-9][A-Za-zé0-9 ]{0,4}[A-Za-zé0-9]|[A-Za-z]",
                extras(),
            ),
            1..24,
        );
        let edges = prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                any::<prop::sample::Index>(),
                any::<prop::sample::Index>(),
                any::<bool>(),
                extras(),
            ),
            0..60,
        );
        (nodes, edges).prop_map(|(nodes, edges)| {
            let schema = crate::load::default_schema_model();
            let kinds = schema.kinds().len();
            let rels = schema.relations().len();
            let mut g = Graph::new(schema);
            g.set_default_schema(true);
            g.add_source(Source {
                id: "src".into(),
                title: "A source".into(),
                author: None,
                date: Some("2024".into()),
                url: None,
            });
            for (i, (kind, name, (props, provenance))) in nodes.into_iter().enumerate() {
                let node = Node::with(
                    format!("n{i}"),
                    KindId(kind.index(kinds) as u16),
                    name,
                    props.into_iter().collect(),
                    provenance,
                );
                g.add_node(node).expect("ids are distinct");
            }
            let ixs: Vec<_> = g.nodes().map(|(ix, n)| (ix, n.kind)).collect();
            for (a, r, b, inferred, (props, provenance)) in edges {
                let ((from, fk), (to, tk)) = (ixs[a.index(ixs.len())], ixs[b.index(ixs.len())]);
                let rel = RelId(r.index(rels) as u16);
                if !g.schema().allows(rel, fk, tk) {
                    continue;
                }
                let basis = if inferred {
                    crate::model::Basis::Inferred
                } else {
                    crate::model::Basis::Stated
                };
                let edge = Edge::with(rel, basis, props.into_iter().collect(), provenance);
                g.add_edge(from, to, edge);
            }
            crate::reason::materialise(&mut g).expect("small graphs derive little");
            g
        })
    }

    proptest! {
        #[test]
        fn any_graph_round_trips(g in graphs()) {
            round_trip(&g);
        }
    }
}
