//! DOT output through graphviz-rust's `dot_structures` and printer.
//!
//! graphviz-rust prints ids and attribute values exactly as given, so this
//! module quotes and escapes every one itself:
//!
//! - A node id is written as a quoted string with `"` escaped as `\"`. DOT
//!   keeps every other character of a quoted id as it is (a backslash stays
//!   a backslash), so this is exact unless a backslash would end the string,
//!   precede a quote, or precede a line break, or a line break stands alone
//!   between the string's ends, quotes and backslashes (Graphviz's lexer
//!   drops it: `"\n"` reads back as an empty id). Such ids are written as an
//!   HTML-like id `<…>`, which DOT keeps verbatim, when their angle brackets
//!   balance; the rare id that fits neither form gets a numbered stand-in
//!   (`seccoop-node-N`) and keeps its real id in the `tooltip`. So does an
//!   id that starts with `%`: Graphviz keeps such names for its anonymous
//!   nodes and would print `%3` in its place.
//! - Labels and tooltips are Graphviz escape strings: `\` becomes `\\`,
//!   `"` becomes `\"`, a line break (`\n`, `\r\n` or a lone `\r`) becomes
//!   `\n`.
//! - Names the writer makes up (stand-ins, the legend's sample nodes) are
//!   numbered past any id of a drawn node, so they never merge with one.
//!
//! Layout choices, made by looking at the curated graph drawn:
//!
//! - Edges of a relation whose impact flows backwards (`hindered_by`) are
//!   written head first with `dir=back`: the arrow still points the real
//!   way, but the layout runs from cause to effect, so a challenge sits
//!   before the activities it hinders and those before the threats they
//!   address.
//! - The members of an area stand in one rank (a column, left to right) of
//!   its box; an edge between two boxed nodes of the same kind (`supports`)
//!   or of a relation that carries no impact (`mitigates`, `kind_of`) does
//!   not constrain the ranks, so those edges do not stretch the boxes. A
//!   `supports` edge to an unboxed activity does constrain them, so in an
//!   impact diagram an activity reached through another stands a column
//!   further on, not back at the root's.
//! - An area drawn as a box around its activities is not drawn again as a
//!   node unless an edge needs it.
//! - Past [`MAX_LABELLED_EDGES`] edges, labels turn the picture into a
//!   hairball; edges are then told apart by colour alone and the legend is
//!   always drawn. (`concentrate` would merge parallel edges, but Graphviz
//!   fails on it together with clusters.)
//!
//! Tests read the output back with the real `dot` program and compare node
//! ids, edges and labels with the graph's.

use std::collections::{HashMap, HashSet};

use graphviz_rust::dot_structures::{
    Attribute, Edge as DotEdge, EdgeTy, Graph as DotGraph, Id, Node as DotNode, NodeId, Stmt,
    Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};
use petgraph::stable_graph::NodeIndex;

use super::style::{kind_style, relation_style};
use super::{Diagram, DiagramOptions, RankDir};
use crate::model::{Basis, LineStyle};

/// Diagrams with more edges than this draw them without labels.
pub const MAX_LABELLED_EDGES: usize = 40;

/// The DOT text of a diagram.
///
/// # Example
/// ```
/// use seccoop::export::{Diagram, DiagramOptions, ViewFilter};
/// let graph = seccoop::load::embedded().unwrap();
/// let diagram = Diagram::view(&graph, &ViewFilter::default());
/// let dot = seccoop::export::dot::to_dot(&diagram, &DiagramOptions::default());
/// assert!(dot.starts_with("digraph"));
/// ```
pub fn to_dot(diagram: &Diagram, options: &DiagramOptions) -> String {
    let graph = dot_graph(diagram, options);
    let mut ctx = PrinterContext::default();
    let mut text = graph.print(&mut ctx);
    text.push('\n');
    text
}

/// A Graphviz quoted string holding exactly `text` as an escape string
/// (labels, tooltips).
pub fn quote_label(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            // A carriage return breaks the line too; `\r\n` is one break.
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The DOT form of a node id, when one exists that Graphviz reads back as
/// exactly `id`.
pub fn quote_id(id: &str) -> Option<Id> {
    // Graphviz takes a name that starts with `%` for one of its own
    // anonymous names and prints `%3` instead, whatever the quoting.
    if id.starts_with('%') {
        return None;
    }
    let bytes = id.as_bytes();
    let awkward_backslash = bytes
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'\\' && matches!(bytes.get(i + 1), None | Some(b'"' | b'\n' | b'\r')));
    // Graphviz's lexer drops a line break that stands alone between the
    // string's ends, quotes and backslashes (`"\n"` reads back as ``).
    let lone_line_break = bytes.iter().enumerate().any(|(i, &b)| {
        b == b'\n'
            // `i - 1` is a position in `bytes`: `i == 0` is tested first.
            && (i == 0 || bytes[i - 1] == b'"')
            && matches!(bytes.get(i + 1), None | Some(b'"' | b'\\'))
    });
    if !awkward_backslash && !lone_line_break {
        return Some(Id::Escaped(format!("\"{}\"", id.replace('"', "\\\""))));
    }
    let mut depth = 0i64;
    for c in id.chars() {
        match c {
            '<' => depth += 1,
            '>' => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            _ => {}
        }
    }
    (depth == 0).then(|| Id::Html(format!("<{id}>")))
}

/// Node names the writer makes up, kept apart from the ids of the drawn
/// nodes (a real node may well be called `legend_kind_0`).
struct Names {
    taken: HashSet<String>,
    next: HashMap<&'static str, usize>,
}

impl Names {
    fn new(d: &Diagram) -> Self {
        Names {
            taken: d
                .nodes
                .iter()
                .filter_map(|&n| d.graph.node(n).map(|node| node.id.clone()))
                .collect(),
            next: HashMap::new(),
        }
    }

    /// `prefix` followed by the lowest number not yet used with it that
    /// makes a name no node has.
    fn fresh(&mut self, prefix: &'static str) -> String {
        let n = self.next.entry(prefix).or_insert(0);
        loop {
            let name = format!("{prefix}{n}");
            *n += 1;
            if self.taken.insert(name.clone()) {
                return name;
            }
        }
    }
}

fn attr(key: &str, value: Id) -> Attribute {
    Attribute(Id::Plain(key.to_string()), value)
}

fn plain(value: &str) -> Id {
    Id::Plain(value.to_string())
}

fn label(value: &str) -> Id {
    Id::Escaped(quote_label(value))
}

/// A node's `style`: `filled` and the kind's own style words.
fn filled(style: &str) -> String {
    if style.is_empty() {
        "filled".to_string()
    } else {
        format!("filled,{style}")
    }
}

/// An edge's `style`, if not plain: inferred edges are dashed (and stay
/// bold when their relation is); otherwise the relation's line.
fn line_style(line: LineStyle, basis: Basis) -> Option<&'static str> {
    match (basis, line) {
        (Basis::Inferred, LineStyle::Bold) => Some("dashed,bold"),
        (Basis::Inferred, _) => Some("dashed"),
        // Derived edges are dotted whatever the relation's line: their own style.
        (Basis::Derived, LineStyle::Bold) => Some("dotted,bold"),
        (Basis::Derived, _) => Some("dotted"),
        (Basis::Stated, LineStyle::Solid) => None,
        (Basis::Stated, line) => Some(line.name()),
    }
}

/// A style value: a single word as it is, a comma-joined list quoted.
fn word_list(words: &str) -> Id {
    if words.contains(',') {
        label(words)
    } else {
        plain(words)
    }
}

fn dot_graph(d: &Diagram, options: &DiagramOptions) -> DotGraph {
    let g = d.graph;
    let mut stmts: Vec<Stmt> = vec![
        Stmt::Attribute(attr(
            "rankdir",
            plain(match options.rankdir {
                RankDir::Lr => "LR",
                RankDir::Tb => "TB",
            }),
        )),
        Stmt::Attribute(attr("newrank", plain("true"))),
        Stmt::Attribute(attr("nodesep", plain("0.25"))),
        Stmt::Attribute(attr("ranksep", plain("0.6"))),
        Stmt::Attribute(attr("fontname", label("Helvetica"))),
        Stmt::Attribute(attr("fontsize", plain("11"))),
        Stmt::GAttribute(graphviz_rust::dot_structures::GraphAttributes::Node(vec![
            attr("fontname", label("Helvetica")),
            attr("fontsize", plain("10")),
            attr("margin", label("0.08,0.04")),
        ])),
        Stmt::GAttribute(graphviz_rust::dot_structures::GraphAttributes::Edge(vec![
            attr("fontname", label("Helvetica")),
            attr("fontsize", plain("8")),
            attr("arrowsize", plain("0.6")),
        ])),
    ];
    if let Some(title) = &d.title {
        stmts.push(Stmt::Attribute(attr("label", label(title))));
        stmts.push(Stmt::Attribute(attr("labelloc", plain("t"))));
    }

    // Names the writer makes up (stand-ins, legend samples) must not be the
    // id of a drawn node: DOT would merge the two into one node.
    let mut names = Names::new(d);
    let mut ids: HashMap<NodeIndex, Id> = HashMap::new();
    for &n in &d.nodes {
        let Some(node) = g.node(n) else { continue };
        let id = quote_id(&node.id)
            .unwrap_or_else(|| Id::Escaped(format!("\"{}\"", names.fresh("seccoop-node-"))));
        ids.insert(n, id);
    }

    let clusters = d.clusters();
    let drawn_edges: Vec<petgraph::stable_graph::EdgeIndex> = d
        .edges
        .iter()
        .copied()
        .filter(|&e| !d.implied_by_cluster(&clusters, e))
        .collect();
    let labelled = drawn_edges.len() <= MAX_LABELLED_EDGES;
    // An area whose box already names it needs no node of its own, unless an
    // edge (a part_of from outside the box, say) ends at it.
    let touched: HashSet<NodeIndex> = drawn_edges
        .iter()
        .filter_map(|&e| g.petgraph().edge_endpoints(e))
        .flat_map(|(a, b)| [a, b])
        .collect();
    let in_cluster: HashMap<NodeIndex, usize> = clusters
        .iter()
        .enumerate()
        .flat_map(|(i, (area, members))| {
            std::iter::once((*area, i)).chain(members.iter().map(move |m| (*m, i)))
        })
        .collect();
    let node_stmt = |n: NodeIndex| -> Option<Stmt> {
        let node = g.node(n)?;
        let kind = g.kind_name(node.kind);
        let s = kind_style(g.schema(), node.kind);
        let mut attrs = vec![
            attr("label", label(&node.name)),
            attr("shape", plain(&s.shape)),
            attr("style", label(&filled(&s.style))),
            attr("fillcolor", label(&s.fill)),
            attr("color", label(&s.border)),
            attr("tooltip", label(&format!("{} ({kind})", node.id))),
        ];
        if d.is_highlighted(n) {
            attrs.push(attr("penwidth", plain("2.5")));
            attrs.push(attr("fontname", label("Helvetica-Bold")));
        }
        Some(Stmt::Node(DotNode::new(
            NodeId(ids.get(&n)?.clone(), None),
            attrs,
        )))
    };

    for (i, (area, members)) in clusters.iter().enumerate() {
        let Some(area_node) = g.node(*area) else {
            continue;
        };
        let mut inner: Vec<Stmt> = vec![
            Stmt::Attribute(attr("label", label(&area_node.name))),
            Stmt::Attribute(attr("style", label("rounded,filled"))),
            Stmt::Attribute(attr("fillcolor", label("#fafafa"))),
            Stmt::Attribute(attr("color", label("#bbbbbb"))),
        ];
        if touched.contains(area) || d.root == Some(*area) {
            inner.extend(node_stmt(*area));
        }
        // The members of an area stand in one column (one rank) of its box.
        let mut column = vec![Stmt::Attribute(attr("rank", plain("same")))];
        column.extend(members.iter().copied().filter_map(node_stmt));
        inner.push(Stmt::Subgraph(Subgraph {
            id: Id::Plain(format!("members_{i}")),
            stmts: column,
        }));
        stmts.push(Stmt::Subgraph(Subgraph {
            id: Id::Plain(format!("cluster_{i}")),
            stmts: inner,
        }));
    }
    stmts.extend(
        d.nodes
            .iter()
            .filter(|n| !in_cluster.contains_key(n))
            .filter_map(|&n| node_stmt(n)),
    );

    for &e in &drawn_edges {
        let (Some((a, b)), Some(edge)) =
            (g.petgraph().edge_endpoints(e), g.petgraph().edge_weight(e))
        else {
            continue;
        };
        let (Some(ia), Some(ib)) = (ids.get(&a), ids.get(&b)) else {
            continue;
        };
        let def = g.schema().relation(edge.rel);
        let look = relation_style(g.schema(), edge.rel);
        let mut attrs = vec![attr("color", label(&look.colour))];
        if labelled {
            attrs.push(attr("label", label(&def.name)));
            attrs.push(attr("fontcolor", label(&look.colour)));
        } else {
            attrs.push(attr("tooltip", label(&def.name)));
        }
        if let Some(line) = line_style(look.line, edge.basis) {
            attrs.push(attr("style", word_list(line)));
        }
        // An edge between two boxed nodes of one kind (an activity
        // supporting another) does not push them into different columns:
        // the boxes stay side by side. Unboxed, it does: in an impact
        // diagram the supported activity then stands one step further on.
        let same_kind = g.node(a).map(|n| n.kind) == g.node(b).map(|n| n.kind);
        let boxed = in_cluster.contains_key(&a) && in_cluster.contains_key(&b);
        if (same_kind && boxed) || def.impact == crate::model::ImpactFlow::None {
            attrs.push(attr("constraint", plain("false")));
        }
        let backwards = def.impact == crate::model::ImpactFlow::Backward;
        let (tail, head) = if backwards { (ib, ia) } else { (ia, ib) };
        if backwards {
            attrs.push(attr("dir", plain("back")));
        }
        if let Some(arrow) = &look.arrowhead {
            // Drawn head first, the arrow stands at the tail.
            let end = if backwards { "arrowtail" } else { "arrowhead" };
            attrs.push(attr(end, plain(arrow)));
        }
        stmts.push(Stmt::Edge(DotEdge {
            ty: EdgeTy::Pair(
                Vertex::N(NodeId(tail.clone(), None)),
                Vertex::N(NodeId(head.clone(), None)),
            ),
            attributes: attrs,
        }));
    }

    if options.legend || !labelled {
        stmts.push(legend(d, &drawn_edges, &mut names));
    }
    DotGraph::DiGraph {
        id: Id::Plain("seccoop".into()),
        strict: false,
        stmts,
    }
}

/// A legend box: one sample node per kind drawn, one sample edge per
/// relation drawn, and the two edge styles.
fn legend(d: &Diagram, edges: &[petgraph::stable_graph::EdgeIndex], names: &mut Names) -> Stmt {
    let g = d.graph;
    let mut kinds: Vec<crate::model::KindId> = d
        .nodes
        .iter()
        .filter_map(|&n| g.node(n).map(|x| x.kind))
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mut stmts = vec![
        Stmt::Attribute(attr("label", label("Legend"))),
        Stmt::Attribute(attr("style", label("rounded"))),
        Stmt::Attribute(attr("color", label("#999999"))),
    ];
    for k in &kinds {
        let kind = &g.schema().kind(*k).name;
        let s = kind_style(g.schema(), *k);
        stmts.push(Stmt::Node(DotNode::new(
            NodeId(Id::Plain(names.fresh("legend_kind_")), None),
            vec![
                attr("label", label(kind)),
                attr("shape", plain(&s.shape)),
                attr("style", label(&filled(&s.style))),
                attr("fillcolor", label(&s.fill)),
                attr("color", label(&s.border)),
            ],
        )));
    }
    let mut rels: Vec<crate::model::RelId> = edges
        .iter()
        .filter_map(|&e| g.petgraph().edge_weight(e).map(|x| x.rel))
        .collect();
    rels.sort_unstable();
    rels.dedup();
    let black = || super::style::EdgeStyle {
        colour: "#000000".into(),
        line: LineStyle::Solid,
        arrowhead: None,
    };
    let mut samples: Vec<(String, Basis, super::style::EdgeStyle)> = rels
        .iter()
        .map(|&r| {
            let name = g.rel_name(r).to_string();
            (name, Basis::Stated, relation_style(g.schema(), r))
        })
        .collect();
    samples.push(("stated".into(), Basis::Stated, black()));
    samples.push(("inferred".into(), Basis::Inferred, black()));
    let derived = edges.iter().any(|&e| {
        g.petgraph()
            .edge_weight(e)
            .is_some_and(|x| x.basis == Basis::Derived)
    });
    if derived {
        samples.push(("derived".into(), Basis::Derived, black()));
    }
    for (text, basis, look) in &samples {
        let a = Id::Plain(names.fresh("legend_edge_"));
        let b = Id::Plain(names.fresh("legend_edge_"));
        for id in [&a, &b] {
            stmts.push(Stmt::Node(DotNode::new(
                NodeId(id.clone(), None),
                vec![attr("shape", plain("point")), attr("width", plain("0.05"))],
            )));
        }
        stmts.push(Stmt::Edge(DotEdge {
            ty: EdgeTy::Pair(Vertex::N(NodeId(a, None)), Vertex::N(NodeId(b, None))),
            attributes: std::iter::once(attr("label", label(text)))
                .chain(Some(attr(
                    "style",
                    word_list(line_style(look.line, *basis).unwrap_or("solid")),
                )))
                .chain([
                    attr("color", label(&look.colour)),
                    attr("fontcolor", label(&look.colour)),
                ])
                .chain(
                    look.arrowhead
                        .as_deref()
                        .map(|a| attr("arrowhead", plain(a))),
                )
                .collect(),
        }));
    }
    Stmt::Subgraph(Subgraph {
        id: Id::Plain("cluster_legend".into()),
        stmts,
    })
}
