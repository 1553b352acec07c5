//! Diagrams of a graph or of an answer: DOT (through graphviz-rust),
//! Mermaid, and SVG, PNG or PDF rendered by Graphviz.
//!
//! Every graph-shaped answer (a neighbourhood, an impact, a path, a filtered
//! view) becomes a [`Diagram`]: a set of nodes and edges of one [`Graph`],
//! with an optional root to highlight. The writers ([`dot`], [`mermaid`])
//! turn a diagram into text, styled the same way everywhere: each kind has
//! a shape and a fill ([`style`]) that stay distinguishable in greyscale,
//! each edge is labelled by its relation and drawn in its colour, inferred
//! edges are dashed, and the `from` nodes of a relation the schema marks
//! `cluster = true` (activities `part_of` an area) are boxed with their `to`
//! node. [`render`] runs Graphviz with a time limit.

pub mod dot;
pub mod heatmap;
pub mod html;
pub mod layout;
pub mod mermaid;
pub mod overview;
pub mod render;
pub mod style;

use std::collections::{HashMap, HashSet};

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use crate::analysis::traverse::reach;
use crate::model::{Graph, KindId, RelId};

/// Which way the layout flows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum RankDir {
    /// Left to right: suits wide screens and long chains.
    #[default]
    #[value(name = "LR")]
    Lr,
    /// Top to bottom.
    #[value(name = "TB")]
    Tb,
}

/// How a diagram is drawn.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DiagramOptions {
    /// The layout direction.
    pub rankdir: RankDir,
    /// Add a legend of the kinds and edge styles shown.
    pub legend: bool,
}

/// A part of a graph to draw.
#[derive(Debug, Clone)]
pub struct Diagram<'g> {
    /// The graph the nodes and edges belong to.
    pub graph: &'g Graph,
    /// The nodes to draw, in order.
    pub nodes: Vec<NodeIndex>,
    /// The edges to draw; both ends are among `nodes`.
    pub edges: Vec<EdgeIndex>,
    /// A node to highlight (the subject of the answer).
    pub root: Option<NodeIndex>,
    /// More nodes to highlight the same way (a chosen set).
    pub highlight: Vec<NodeIndex>,
    /// A title for the diagram.
    pub title: Option<String>,
}

/// Filters for a view of the whole graph. Empty lists keep everything.
#[derive(Debug, Clone, Default)]
pub struct ViewFilter {
    /// Keep nodes of these kinds.
    pub kinds: Vec<KindId>,
    /// Keep edges of these relations (nodes left with no edge are dropped).
    pub rels: Vec<RelId>,
}

impl<'g> Diagram<'g> {
    /// A diagram of the given nodes and edges; edges whose ends are not
    /// both among the nodes are dropped, duplicates removed.
    pub fn new(
        graph: &'g Graph,
        nodes: impl IntoIterator<Item = NodeIndex>,
        edges: impl IntoIterator<Item = EdgeIndex>,
    ) -> Self {
        let mut seen = HashSet::new();
        let nodes: Vec<NodeIndex> = nodes
            .into_iter()
            .filter(|n| graph.node(*n).is_some() && seen.insert(*n))
            .collect();
        let mut seen_edges = HashSet::new();
        let edges = edges
            .into_iter()
            .filter(|e| {
                graph
                    .petgraph()
                    .edge_endpoints(*e)
                    .is_some_and(|(a, b)| seen.contains(&a) && seen.contains(&b))
                    && seen_edges.insert(*e)
            })
            .collect();
        Diagram {
            graph,
            nodes,
            edges,
            root: None,
            highlight: Vec::new(),
            title: None,
        }
    }

    /// Highlights a node.
    pub fn with_root(mut self, root: NodeIndex) -> Self {
        self.root = Some(root);
        self
    }

    /// Highlights a set of nodes.
    pub fn with_highlight(mut self, nodes: impl IntoIterator<Item = NodeIndex>) -> Self {
        self.highlight.extend(nodes);
        self
    }

    /// Whether `n` is drawn highlighted.
    pub fn is_highlighted(&self, n: NodeIndex) -> bool {
        self.root == Some(n) || self.highlight.contains(&n)
    }

    /// Sets the title.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The whole graph, or the part of it that passes `filter`.
    pub fn view(graph: &'g Graph, filter: &ViewFilter) -> Self {
        let keep_node = |k: KindId| filter.kinds.is_empty() || filter.kinds.contains(&k);
        let nodes: Vec<NodeIndex> = graph
            .nodes()
            .filter(|(_, n)| keep_node(n.kind))
            .map(|(ix, _)| ix)
            .collect();
        let kept: HashSet<NodeIndex> = nodes.iter().copied().collect();
        let edges: Vec<EdgeIndex> = graph
            .edges()
            .filter(|e| filter.rels.is_empty() || filter.rels.contains(&e.edge.rel))
            .filter(|e| kept.contains(&e.from) && kept.contains(&e.to))
            .map(|e| e.index)
            .collect();
        let nodes = if filter.rels.is_empty() {
            nodes
        } else {
            let touched: HashSet<NodeIndex> = edges
                .iter()
                .filter_map(|&e| graph.petgraph().edge_endpoints(e))
                .flat_map(|(a, b)| [a, b])
                .collect();
            nodes.into_iter().filter(|n| touched.contains(n)).collect()
        };
        Diagram::new(graph, nodes, edges)
    }

    /// The nodes within `depth` edges of `focus` (either direction) that
    /// pass `filter`, and every kept edge among them.
    pub fn neighbourhood(
        graph: &'g Graph,
        focus: NodeIndex,
        depth: usize,
        filter: &ViewFilter,
    ) -> Self {
        let keep_kind = |n: NodeIndex| {
            n == focus
                || filter.kinds.is_empty()
                || graph
                    .node(n)
                    .is_some_and(|m| filter.kinds.contains(&m.kind))
        };
        let keep_rel = |r: RelId| filter.rels.is_empty() || filter.rels.contains(&r);
        let reached = reach(graph.petgraph(), focus, depth, |e, dir, _| {
            use petgraph::visit::EdgeRef as _;
            let other = if dir == petgraph::Direction::Outgoing {
                e.target()
            } else {
                e.source()
            };
            keep_rel(e.weight().rel) && keep_kind(other)
        });
        let nodes: Vec<NodeIndex> = reached.iter().map(|r| r.node).collect();
        let kept: HashSet<NodeIndex> = nodes.iter().copied().collect();
        let edges: Vec<EdgeIndex> = graph
            .edges()
            .filter(|e| keep_rel(e.edge.rel) && kept.contains(&e.from) && kept.contains(&e.to))
            .map(|e| e.index)
            .collect();
        Diagram::new(graph, nodes, edges).with_root(focus)
    }

    /// Clusters: for each node that another node reaches by a clustering
    /// relation (an area, through `part_of`), the members drawn inside its
    /// box. A node in several goes in the first; its other clustering edges
    /// are drawn as edges.
    pub fn clusters(&self) -> Vec<(NodeIndex, Vec<NodeIndex>)> {
        let clustering = self.clustering();
        if clustering.is_empty() {
            return Vec::new();
        }
        let drawn: HashSet<NodeIndex> = self.nodes.iter().copied().collect();
        let mut placed: HashSet<NodeIndex> = HashSet::new();
        let mut clusters: Vec<(NodeIndex, Vec<NodeIndex>)> = Vec::new();
        let mut slot: HashMap<NodeIndex, usize> = HashMap::new();
        for &e in &self.edges {
            let Some(edge) = self.graph.petgraph().edge_weight(e) else {
                continue;
            };
            let Some((member, area)) = self.graph.petgraph().edge_endpoints(e) else {
                continue;
            };
            if !clustering.contains(&edge.rel)
                || !drawn.contains(&area)
                || placed.contains(&member)
                || member == area
            {
                continue;
            }
            // An area inside another area's box would nest clusters; keep it flat.
            if slot.contains_key(&member) {
                continue;
            }
            placed.insert(member);
            let i = *slot.entry(area).or_insert_with(|| {
                clusters.push((area, Vec::new()));
                clusters.len() - 1
            });
            // `i` was found in, or just pushed onto, `clusters`.
            clusters[i].1.push(member);
        }
        clusters.retain(|(area, _)| !placed.contains(area));
        clusters
    }

    /// The relations the schema marks `cluster = true`.
    fn clustering(&self) -> Vec<RelId> {
        self.graph
            .schema()
            .relations()
            .filter(|(_, r)| r.look.cluster)
            .map(|(id, _)| id)
            .collect()
    }

    /// Whether an edge is implied by the clusters (a member's clustering
    /// edge to the node whose box holds it) and so is not drawn.
    pub fn implied_by_cluster(
        &self,
        clusters: &[(NodeIndex, Vec<NodeIndex>)],
        e: EdgeIndex,
    ) -> bool {
        let (Some(edge), Some((a, b))) = (
            self.graph.petgraph().edge_weight(e),
            self.graph.petgraph().edge_endpoints(e),
        ) else {
            return false;
        };
        self.graph.schema().relation(edge.rel).look.cluster
            && clusters
                .iter()
                .any(|(area, members)| *area == b && members.contains(&a))
    }
}
