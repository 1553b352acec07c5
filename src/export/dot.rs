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
//! - Names the writer makes up (stand-ins, the legend's nodes) are
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
//! - An area drawn as a box around its activities is that box: it is not
//!   drawn again as a node, and an edge that ends at it (an activity
//!   `part_of` a second area) ends at the box's border (`compound`, with
//!   `lhead`/`ltail`). Graphviz cannot clip an edge between a box and a node
//!   inside it, so an area joined by an edge to one of its own members is
//!   drawn as a node beside its box. The box's tooltip names the area's id
//!   as a node's does.
//! - Past [`MAX_LABELLED_EDGES`] edges, labels turn the picture into a
//!   hairball; edges are then told apart by colour alone and the legend is
//!   always drawn. (`concentrate` would merge parallel edges, but Graphviz
//!   fails on it together with clusters.)
//! - The legend is one narrow column beside the drawing, not a block above
//!   it: the kinds' sample nodes and one table of the relations and edge
//!   styles, each a short line drawn as the edges are (sample edges, each
//!   with its label, made a block two columns wide). Left to right, unseen
//!   edges place that column first; top to bottom, Graphviz already puts a
//!   part not joined to the rest beside it.
//!
//! Tests read the output back with the real `dot` program and compare node
//! ids, edges and labels with the graph's.

use foldhash::{HashMap, HashMapExt as _, HashSet};

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
    let mut out = Statements::new();
    dot_graph(diagram, options, &mut out);
    out.finish()
}

/// The DOT text of a graph, printed one statement at a time by
/// graphviz-rust's printer as the statements are made.
///
/// Printing the whole `dot_structures::Graph` at the end gives the same
/// bytes, but holds every statement, every statement's text and their
/// join at once: for a million-node graph that was 6 GiB, and most of the
/// time went to the kernel handing out fresh pages for it. Here only the
/// text stays. The printer prints the statements of a graph with its
/// context indented one step and set for a directed graph; printing an
/// empty digraph first leaves the context in that state (the printer never
/// undoes the step it takes for a graph's body), so each statement comes
/// out exactly as it would inside the whole graph. A unit test holds the
/// two ways equal.
struct Statements {
    ctx: PrinterContext,
    text: String,
    empty: bool,
}

/// The graph's DOT name.
const GRAPH_NAME: &str = "seccoop";

impl Statements {
    fn new() -> Self {
        let mut ctx = PrinterContext::default();
        // The printer prints an edge a second time "inline" when its first
        // text is short; with attributes on one line (this context's way)
        // both texts are the same, so the second print only cost time (4%
        // of `export`'s instructions on the built-in graph).
        ctx.with_inline_size(0);
        let header = DotGraph::DiGraph {
            id: Id::Plain(GRAPH_NAME.into()),
            strict: false,
            stmts: Vec::new(),
        };
        // `digraph seccoop {` and the line break after it; the rest of
        // this text is the empty body and the closing brace.
        let printed = header.print(&mut ctx);
        let open = printed.find('{').map_or(0, |i| i + 2);
        Statements {
            ctx,
            text: printed.get(..open).unwrap_or_default().to_string(),
            empty: true,
        }
    }

    fn push(&mut self, stmt: Stmt) {
        if !self.empty {
            self.text.push('\n');
        }
        self.empty = false;
        self.text.push_str(&stmt.print(&mut self.ctx));
    }

    fn finish(mut self) -> String {
        self.text.push_str("\n}\n");
        self.text
    }
}

/// A Graphviz quoted string holding exactly `text` as an escape string
/// (labels, tooltips).
pub fn quote_label(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    // Most labels hold nothing to escape: copied whole, not a character
    // at a time.
    if !text
        .bytes()
        .any(|b| matches!(b, b'\\' | b'"' | b'\n' | b'\r'))
    {
        out.push_str(text);
        out.push('"');
        return out;
    }
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
        let mut quoted = String::with_capacity(id.len() + 2);
        quoted.push('"');
        for (i, piece) in id.split('"').enumerate() {
            if i > 0 {
                quoted.push_str("\\\"");
            }
            quoted.push_str(piece);
        }
        quoted.push('"');
        return Some(Id::Escaped(quoted));
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
                .filter_map(|&n| d.graph.node(n).map(|node| String::from(&*node.id)))
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

fn dot_graph(d: &Diagram, options: &DiagramOptions, out: &mut Statements) {
    let g = d.graph;
    let header = [
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
    for stmt in header {
        out.push(stmt);
    }
    if let Some(title) = &d.title {
        out.push(Stmt::Attribute(attr("label", label(title))));
        out.push(Stmt::Attribute(attr("labelloc", plain("t"))));
    }

    // Names the writer makes up (stand-ins, legend samples) must not be the
    // id of a drawn node: DOT would merge the two into one node.
    let mut names = Names::new(d);
    let mut ids: HashMap<NodeIndex, Id> = HashMap::with_capacity(d.nodes.len());
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
    let in_cluster: HashMap<NodeIndex, usize> = clusters
        .iter()
        .enumerate()
        .flat_map(|(i, (area, members))| {
            std::iter::once((*area, i)).chain(members.iter().map(move |m| (*m, i)))
        })
        .collect();
    // An area is its box: an edge that ends at it is drawn to the box's edge
    // (`lhead`/`ltail` through one of its members), so the area is not drawn
    // again as a node inside its own box. Graphviz cannot clip an edge
    // between a box and a node inside it, so an area joined by an edge to
    // one of its own members (or to itself) is drawn as a node beside its
    // box instead.
    // Each area's boxes, found by a lookup: a large graph has thousands of
    // areas and millions of edges.
    let mut boxes_of: HashMap<NodeIndex, Vec<&[NodeIndex]>> = HashMap::new();
    for (area, members) in &clusters {
        boxes_of.entry(*area).or_default().push(members);
    }
    let hugged: HashSet<NodeIndex> = drawn_edges
        .iter()
        .filter_map(|&e| g.petgraph().edge_endpoints(e))
        .flat_map(|(a, b)| [(a, b), (b, a)])
        .filter(|&(area, other)| {
            boxes_of.get(&area).is_some_and(|boxes| {
                boxes
                    .iter()
                    .any(|members| other == area || members.contains(&other))
            })
        })
        .map(|(area, _)| area)
        .collect();
    // For an area drawn as its box alone: the box's index and the member an
    // edge to the box is drawn to (the middle one, so it meets the box
    // near its centre).
    let as_box: HashMap<NodeIndex, (usize, NodeIndex)> = clusters
        .iter()
        .enumerate()
        .filter(|(_, (area, members))| !hugged.contains(area) && !members.is_empty())
        .map(|(i, (area, members))| (*area, (i, members[members.len() / 2])))
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

    // An edge between two boxed nodes of one kind (an activity supporting
    // another) does not push them into different columns: the boxes stay
    // side by side. Unboxed, it does: in an impact diagram the supported
    // activity then stands one step further on.
    let loose = |e: petgraph::stable_graph::EdgeIndex| {
        let (Some((a, b)), Some(edge)) =
            (g.petgraph().edge_endpoints(e), g.petgraph().edge_weight(e))
        else {
            return false;
        };
        let same_kind = g.node(a).map(|n| n.kind) == g.node(b).map(|n| n.kind);
        let boxed = in_cluster.contains_key(&a) && in_cluster.contains_key(&b);
        (same_kind && boxed)
            || g.schema().relation(edge.rel).impact == crate::model::ImpactFlow::None
    };
    if drawn_edges.iter().any(|&e| {
        g.petgraph()
            .edge_endpoints(e)
            .is_some_and(|(a, b)| as_box.contains_key(&a) || as_box.contains_key(&b))
    }) {
        out.push(Stmt::Attribute(attr("compound", plain("true"))));
    }
    for (i, (area, members)) in clusters.iter().enumerate() {
        let Some(area_node) = g.node(*area) else {
            continue;
        };
        let kind = g.kind_name(area_node.kind);
        let mut inner: Vec<Stmt> = vec![
            Stmt::Attribute(attr("label", label(&area_node.name))),
            Stmt::Attribute(attr("style", label("rounded,filled"))),
            Stmt::Attribute(attr("fillcolor", label("#fafafa"))),
            Stmt::Attribute(attr("color", label("#bbbbbb"))),
            // The area's id, as a node's tooltip gives it.
            Stmt::Attribute(attr(
                "tooltip",
                label(&format!("{} ({kind})", area_node.id)),
            )),
        ];
        if as_box.contains_key(area) && d.is_highlighted(*area) {
            inner.push(Stmt::Attribute(attr("penwidth", plain("2.5"))));
            inner.push(Stmt::Attribute(attr("fontname", label("Helvetica-Bold"))));
        }
        // The members of an area stand in one column (one rank) of its box.
        let mut column = vec![Stmt::Attribute(attr("rank", plain("same")))];
        column.extend(members.iter().copied().filter_map(node_stmt));
        inner.push(Stmt::Subgraph(Subgraph {
            id: Id::Plain(format!("members_{i}")),
            stmts: column,
        }));
        out.push(Stmt::Subgraph(Subgraph {
            id: Id::Plain(format!("cluster_{i}")),
            stmts: inner,
        }));
    }
    // Outside the boxes: every node that is not a member of one and not
    // drawn as its box.
    let top_level: Vec<NodeIndex> = d
        .nodes
        .iter()
        .copied()
        .filter(|n| {
            in_cluster.get(n).is_none_or(|&i| clusters[i].0 == *n) && !as_box.contains_key(n)
        })
        .collect();
    for stmt in top_level.iter().filter_map(|&n| node_stmt(n)) {
        out.push(stmt);
    }

    for &e in &drawn_edges {
        let (Some((a, b)), Some(edge)) =
            (g.petgraph().edge_endpoints(e), g.petgraph().edge_weight(e))
        else {
            continue;
        };
        // Each end: the DOT node drawn, and the box it stands for if any.
        let end = |n: NodeIndex| match as_box.get(&n) {
            Some(&(i, member)) => ids.get(&member).map(|id| (id, Some(i))),
            None => ids.get(&n).map(|id| (id, None)),
        };
        let (Some((ia, box_a)), Some((ib, box_b))) = (end(a), end(b)) else {
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
        if loose(e) {
            attrs.push(attr("constraint", plain("false")));
        }
        let backwards = def.impact == crate::model::ImpactFlow::Backward;
        let ((tail, tail_box), (head, head_box)) = if backwards {
            ((ib, box_b), (ia, box_a))
        } else {
            ((ia, box_a), (ib, box_b))
        };
        if backwards {
            attrs.push(attr("dir", plain("back")));
        }
        if let Some(arrow) = &look.arrowhead {
            // Drawn head first, the arrow stands at the tail.
            let end = if backwards { "arrowtail" } else { "arrowhead" };
            attrs.push(attr(end, plain(arrow)));
        }
        for (key, cluster) in [("ltail", tail_box), ("lhead", head_box)] {
            if let Some(i) = cluster {
                attrs.push(attr(key, plain(&format!("cluster_{i}"))));
            }
        }
        out.push(Stmt::Edge(DotEdge {
            ty: EdgeTy::Pair(
                Vertex::N(NodeId(tail.clone(), None)),
                Vertex::N(NodeId(head.clone(), None)),
            ),
            attributes: attrs,
        }));
    }

    if options.legend || !labelled {
        // Left to right, the legend is the first column: unseen edges to
        // every node no drawn edge points at put it before them all and make
        // Graphviz lay it out with the drawing, instead of stacking it above
        // as a part of its own. (They also draw nodes tied to the rest by
        // loose edges alone, such as principles, in the next column rather
        // than anywhere.) Top to bottom, a part of its own already stands
        // beside the drawing.
        let anchors = if options.rankdir == RankDir::Lr {
            legend_anchors(d, &drawn_edges, &ids, &as_box, |e| !loose(e))
        } else {
            Vec::new()
        };
        for stmt in legend(d, &drawn_edges, &mut names, &anchors) {
            out.push(stmt);
        }
    }
}

/// The nodes the legend is tied to: every drawn node that no edge which
/// sets the columns points at (so the legend's column stands before all of
/// them), or the first drawn node when each one is pointed at.
fn legend_anchors(
    d: &Diagram,
    edges: &[petgraph::stable_graph::EdgeIndex],
    ids: &HashMap<NodeIndex, Id>,
    as_box: &HashMap<NodeIndex, (usize, NodeIndex)>,
    constrains: impl Fn(petgraph::stable_graph::EdgeIndex) -> bool,
) -> Vec<Id> {
    let g = d.graph;
    let drawn = |n: NodeIndex| as_box.get(&n).map_or(n, |&(_, member)| member);
    let pointed_at: HashSet<NodeIndex> = edges
        .iter()
        .filter(|&&e| constrains(e))
        .filter_map(|&e| {
            let (a, b) = g.petgraph().edge_endpoints(e)?;
            let def = g.schema().relation(g.petgraph().edge_weight(e)?.rel);
            Some(if def.impact == crate::model::ImpactFlow::Backward {
                drawn(a)
            } else {
                drawn(b)
            })
        })
        .collect();
    let drawn_nodes = d
        .nodes
        .iter()
        .copied()
        .filter(|&n| ids.contains_key(&n) && !as_box.contains_key(&n));
    let mut anchors: Vec<NodeIndex> = drawn_nodes
        .clone()
        .filter(|n| !pointed_at.contains(n))
        .collect();
    if anchors.is_empty() {
        anchors.extend(drawn_nodes.take(1));
    }
    anchors
        .into_iter()
        .filter_map(|n| ids.get(&n).cloned())
        .collect()
}

/// A character that looks like Graphviz's arrowhead `name` pointing right,
/// for the legend's table (which can draw lines but not arrowheads). An
/// arrow name this does not know shows as the usual filled triangle.
fn arrowhead_glyph(name: &str) -> &'static str {
    match name {
        "none" => "",
        "empty" | "onormal" => "\u{25b7}",
        "vee" | "open" => "\u{203a}",
        "dot" => "\u{25cf}",
        "odot" => "\u{25cb}",
        "diamond" => "\u{25c6}",
        "odiamond" | "ediamond" => "\u{25c7}",
        "box" => "\u{25a0}",
        "obox" => "\u{25a1}",
        "tee" => "\u{22a3}",
        _ => "\u{25b6}",
    }
}

/// Text for an HTML-like label: `&`, `<`, `>` and `"` as entities.
fn html_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A legend box standing as one column (or, top to bottom, one row): a
/// sample node per kind drawn, then one table of the relations drawn and
/// the edge styles, each a short line as the edges are drawn (its colour,
/// bold, dashed or dotted, and its arrowhead) and its name. Unseen edges tie it to `anchors`,
/// so that it stands in a column before them.
fn legend(
    d: &Diagram,
    edges: &[petgraph::stable_graph::EdgeIndex],
    names: &mut Names,
    anchors: &[Id],
) -> Vec<Stmt> {
    let g = d.graph;
    let mut kinds: Vec<crate::model::KindId> = d
        .nodes
        .iter()
        .filter_map(|&n| g.node(n).map(|x| x.kind))
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mut column = vec![Stmt::Attribute(attr("rank", plain("same")))];
    for k in &kinds {
        let kind = &g.schema().kind(*k).name;
        let s = kind_style(g.schema(), *k);
        column.push(Stmt::Node(DotNode::new(
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
    // A line is a cell's bottom border: three points wide when bold, in the
    // dashes or dots of the edge style.
    let mut rows = String::new();
    for (text, basis, look) in &samples {
        let style = line_style(look.line, *basis).unwrap_or("solid");
        let width = if style.contains("bold") { 3 } else { 1 };
        let dash = if style.contains("dashed") {
            r#" STYLE="dashed""#
        } else if style.contains("dotted") {
            r#" STYLE="dotted""#
        } else {
            ""
        };
        let colour = html_text(&look.colour);
        // The line is the bottom border of the upper of two half-rows
        // beside the name, so it stands level with the name's middle; the
        // arrowhead is a character at its end.
        let head = arrowhead_glyph(look.arrowhead.as_deref().unwrap_or("normal"));
        rows.push_str(&format!(
            r#"<TR><TD WIDTH="30" HEIGHT="6" SIDES="B" BORDER="{width}"{dash} COLOR="{colour}"></TD><TD ROWSPAN="2" WIDTH="8"><FONT COLOR="{colour}" POINT-SIZE="7">{head}</FONT></TD><TD ROWSPAN="2" ALIGN="LEFT"><FONT COLOR="{colour}">{}</FONT></TD></TR><TR><TD HEIGHT="6"></TD></TR>"#,
            html_text(text)
        ));
    }
    let table = names.fresh("legend_edges_");
    column.push(Stmt::Node(DotNode::new(
        NodeId(Id::Plain(table.clone()), None),
        vec![
            attr("shape", plain("plain")),
            attr("fontsize", plain("8")),
            attr(
                "label",
                Id::Html(format!(
                    r#"<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">{rows}</TABLE>>"#
                )),
            ),
        ],
    )));
    let stmts = vec![
        Stmt::Attribute(attr("label", label("Legend"))),
        Stmt::Attribute(attr("style", label("rounded"))),
        Stmt::Attribute(attr("color", label("#999999"))),
        Stmt::Subgraph(Subgraph {
            id: Id::Plain("legend_column".into()),
            stmts: column,
        }),
    ];
    let mut out = vec![Stmt::Subgraph(Subgraph {
        id: Id::Plain("cluster_legend".into()),
        stmts,
    })];
    for anchor in anchors {
        out.push(Stmt::Edge(DotEdge {
            ty: EdgeTy::Pair(
                Vertex::N(NodeId(Id::Plain(table.clone()), None)),
                Vertex::N(NodeId(anchor.clone(), None)),
            ),
            attributes: vec![attr("style", plain("invis"))],
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Statements of every sort, nested two deep, with quoted, HTML-like and
    /// plain ids.
    fn sample() -> Vec<Stmt> {
        let node = |id: &str| {
            Stmt::Node(DotNode::new(
                NodeId(quote_id(id).expect("quotable"), None),
                vec![attr("label", label(id)), attr("shape", plain("box"))],
            ))
        };
        vec![
            Stmt::Attribute(attr("rankdir", plain("LR"))),
            Stmt::GAttribute(graphviz_rust::dot_structures::GraphAttributes::Node(vec![
                attr("fontsize", plain("10")),
            ])),
            Stmt::Subgraph(Subgraph {
                id: Id::Plain("cluster_0".into()),
                stmts: vec![
                    Stmt::Attribute(attr("label", label("An \"area\""))),
                    Stmt::Subgraph(Subgraph {
                        id: Id::Plain("members_0".into()),
                        stmts: vec![Stmt::Attribute(attr("rank", plain("same"))), node("a b")],
                    }),
                ],
            }),
            node("graph"),
            Stmt::Node(DotNode::new(NodeId(Id::Html("<x\\>".into()), None), vec![])),
            Stmt::Edge(DotEdge {
                ty: EdgeTy::Pair(
                    Vertex::N(NodeId(quote_id("a b").expect("quotable"), None)),
                    Vertex::N(NodeId(quote_id("graph").expect("quotable"), None)),
                ),
                attributes: vec![
                    attr("color", label("#9c2b23")),
                    attr("lhead", plain("cluster_0")),
                ],
            }),
            Stmt::Edge(DotEdge {
                ty: EdgeTy::Pair(
                    Vertex::N(NodeId(Id::Plain("x".into()), None)),
                    Vertex::N(NodeId(Id::Plain("y".into()), None)),
                ),
                attributes: vec![],
            }),
        ]
    }

    #[test]
    fn statements_printed_one_by_one_equal_the_whole_graph_printed() {
        let whole = DotGraph::DiGraph {
            id: Id::Plain(GRAPH_NAME.into()),
            strict: false,
            stmts: sample(),
        };
        let mut ctx = PrinterContext::default();
        ctx.with_inline_size(0);
        let expected = format!("{}\n", whole.print(&mut ctx));
        let mut out = Statements::new();
        for stmt in sample() {
            out.push(stmt);
        }
        let got = out.finish();
        assert_eq!(got, expected);
        assert!(
            got.contains("\n  subgraph cluster_0 {\n    label="),
            "{got}"
        );
        assert!(got.contains("\n      \"a b\"[label="), "{got}");
        assert!(got.contains("\n  \"a b\" -> \"graph\" [color="), "{got}");
    }

    #[test]
    fn a_graph_without_statements_is_still_a_digraph() {
        let out = Statements::new().finish();
        let mut ctx = PrinterContext::default();
        let whole = DotGraph::DiGraph {
            id: Id::Plain(GRAPH_NAME.into()),
            strict: false,
            stmts: Vec::new(),
        };
        assert_eq!(out, format!("{}\n", whole.print(&mut ctx)));
    }
}
