//! The overview: a whole graph (or a large view of it) as one static SVG
//! that fits a report page, `seccoop export --overview`.
//!
//! Graphviz lays a whole graph out as a tall ribbon whose labels no page
//! can show at a readable size. The overview uses the explorer's layered
//! layout ([`super::layout`]) with compact boxes instead: one column per
//! layer of impact, each kind a block under its heading, edges as thin
//! curves coloured by relation (dashed when inferred, dotted when derived,
//! as in the DOT diagrams), and the legend beside the drawing, on the
//! right, where it costs no height. Areas are
//! nodes of their own column, never boxes around other nodes, so an area
//! that is also an edge's end is drawn once. It needs no Graphviz.

use std::collections::HashMap;
use std::fmt::Write as _;

use petgraph::stable_graph::NodeIndex;

use super::Diagram;
use super::layout::{Geometry, layered_with};
use crate::model::Basis;

/// Width of a character of the 10.5 px labels.
const CHAR: f64 = 5.9;
/// Width of the legend column.
const LEGEND: f64 = 190.0;
/// How far an edge within a column bows out to its right, at most; the
/// legend keeps clear of it.
const BULGE: f64 = 50.0;

use super::html::escape_text as escape;

/// The overview of `diagram` as an SVG image.
///
/// # Example
/// ```
/// use seccoop::export::{Diagram, ViewFilter, overview::to_svg};
/// let graph = seccoop::load::embedded().unwrap();
/// let svg = to_svg(&Diagram::view(&graph, &ViewFilter::default()));
/// assert!(svg.starts_with("<svg"));
/// ```
pub fn to_svg(diagram: &Diagram) -> String {
    let geo = Geometry::COMPACT;
    let layout = layered_with(diagram, &geo);
    let graph = diagram.graph;
    let schema = graph.schema();
    let g = graph.petgraph();
    let at: HashMap<NodeIndex, usize> = diagram
        .nodes
        .iter()
        .enumerate()
        .map(|(i, &n)| (n, i))
        .collect();
    let title_h = if diagram.title.is_some() { 26.0 } else { 0.0 };
    let width = layout.width + BULGE + LEGEND;
    let height = layout.height.max(260.0) + title_h;
    let (w, h) = (geo.node_width, geo.node_height);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="Helvetica, Arial, sans-serif" font-size="10.5">"#
    );
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    if let Some(title) = &diagram.title {
        let _ = writeln!(
            s,
            r##"<text x="{:.0}" y="20" font-size="15" font-weight="bold" fill="#222">{}</text>"##,
            geo.margin,
            escape(title)
        );
    }
    let _ = writeln!(s, r#"<g transform="translate(0,{title_h:.0})">"#);
    // Edges first, under the nodes.
    let mut seen_pairs: HashMap<(usize, usize), usize> = HashMap::new();
    for &e in &diagram.edges {
        let (Some((a, b)), Some(edge)) = (g.edge_endpoints(e), g.edge_weight(e)) else {
            continue;
        };
        let (Some(&ia), Some(&ib)) = (at.get(&a), at.get(&b)) else {
            continue;
        };
        let nth = seen_pairs.entry((ia.min(ib), ia.max(ib))).or_insert(0);
        let off = *nth as f64 * 5.0;
        *nth += 1;
        let (Some(&(ax, ay)), Some(&(bx, by))) =
            (layout.positions.get(ia), layout.positions.get(ib))
        else {
            continue;
        };
        let d = if ia == ib {
            let x = ax + w / 2.0;
            format!(
                "M{x:.1},{:.1}C{:.1},{:.1} {:.1},{:.1} {x:.1},{:.1}",
                ay - 4.0,
                x + 24.0 + off,
                ay - 20.0,
                x + 24.0 + off,
                ay + 20.0,
                ay + 4.0
            )
        } else if (bx - ax).abs() > w {
            let sg = if bx > ax { 1.0 } else { -1.0 };
            let (x1, x2) = (ax + sg * w / 2.0, bx - sg * w / 2.0);
            let c = ((x2 - x1).abs() / 2.0).max(30.0);
            format!(
                "M{x1:.1},{ay:.1}C{:.1},{:.1} {:.1},{:.1} {x2:.1},{by:.1}",
                x1 + sg * c,
                ay + off,
                x2 - sg * c,
                by + off
            )
        } else {
            let (x1, x2) = (ax + w / 2.0, bx + w / 2.0);
            let bulge = 14.0 + ((by - ay).abs() * 0.3).min(BULGE) + off;
            format!(
                "M{x1:.1},{ay:.1}C{:.1},{ay:.1} {:.1},{by:.1} {x2:.1},{by:.1}",
                x1 + bulge,
                x2 + bulge
            )
        };
        let colour = super::style::relation_style(schema, edge.rel).colour;
        let dash = dash_of(edge.basis);
        let _ = writeln!(
            s,
            r#"<path d="{d}" fill="none" stroke="{colour}" stroke-opacity="0.55" stroke-width="0.9"{dash}/>"#
        );
    }
    for heading in &layout.headings {
        let _ = writeln!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" font-weight="bold" fill="#444">{}</text>"##,
            heading.x,
            heading.y - 6.0,
            escape(&schema.kind(heading.kind).plural_form())
        );
    }
    let fits = ((w - 8.0) / CHAR) as usize;
    for (i, &n) in diagram.nodes.iter().enumerate() {
        let (Some(node), Some(&(x, y))) = (graph.node(n), layout.positions.get(i)) else {
            continue;
        };
        let style = super::style::kind_style(schema, node.kind);
        let rx = if style.style.contains("rounded") || style.shape == "ellipse" {
            h / 2.0
        } else {
            2.0
        };
        let width = if diagram.root == Some(n) { 2.6 } else { 1.0 };
        let _ = writeln!(
            s,
            r#"<rect x="{:.1}" y="{:.1}" width="{w:.0}" height="{h:.0}" rx="{rx:.1}" fill="{}" stroke="{}" stroke-width="{width}"><title>{}</title></rect>"#,
            x - w / 2.0,
            y - h / 2.0,
            style.fill,
            style.border,
            escape(&node.name)
        );
        let _ = writeln!(
            s,
            r##"<text x="{x:.1}" y="{:.1}" text-anchor="middle" fill="#1d1d1f">{}</text>"##,
            y + 3.8,
            escape(&crate::output::shorten(&node.name, fits))
        );
    }
    legend(
        &mut s,
        diagram,
        layout.width + BULGE + 10.0,
        geo.margin * 1.6,
    );
    s.push_str("</g>\n</svg>\n");
    s
}

/// The legend, in a column of its own at `x`: each kind drawn with its
/// count, each relation drawn with its colour, and the two edge styles.
fn legend(s: &mut String, diagram: &Diagram, x: f64, top: f64) {
    let graph = diagram.graph;
    let schema = graph.schema();
    let mut kinds: Vec<(crate::model::KindId, usize)> = Vec::new();
    for &n in &diagram.nodes {
        let Some(k) = graph.node(n).map(|n| n.kind) else {
            continue;
        };
        match kinds.iter_mut().find(|(kk, _)| *kk == k) {
            Some((_, c)) => *c += 1,
            None => kinds.push((k, 1)),
        }
    }
    kinds.sort_by_key(|(k, _)| k.0);
    let mut rels: Vec<crate::model::RelId> = diagram
        .edges
        .iter()
        .filter_map(|&e| graph.petgraph().edge_weight(e).map(|x| x.rel))
        .collect();
    rels.sort_unstable();
    rels.dedup();
    let mut y = top;
    let _ = writeln!(
        s,
        r##"<text x="{x:.1}" y="{:.1}" font-size="12" font-weight="bold" fill="#444">legend</text>"##,
        y - 6.0
    );
    for (k, count) in kinds {
        let name = &schema.kind(k).name;
        let style = super::style::kind_style(schema, k);
        let _ = writeln!(
            s,
            r##"<rect x="{x:.1}" y="{:.1}" width="22" height="12" rx="2" fill="{}" stroke="{}"/><text x="{:.1}" y="{:.1}" fill="#222">{} ({count})</text>"##,
            y,
            style.fill,
            style.border,
            x + 28.0,
            y + 10.0,
            escape(name)
        );
        y += 17.0;
    }
    y += 6.0;
    let line = |s: &mut String, y: f64, colour: &str, dash: &str, text: &str| {
        let _ = writeln!(
            s,
            r##"<path d="M{x:.1},{:.1}h22" stroke="{colour}" stroke-width="2"{dash}/><text x="{:.1}" y="{:.1}" fill="#222">{}</text>"##,
            y + 6.0,
            x + 28.0,
            y + 10.0,
            escape(text)
        );
    };
    for r in rels {
        let name = graph.rel_name(r);
        line(
            s,
            y,
            &super::style::relation_style(schema, r).colour,
            "",
            name,
        );
        y += 17.0;
    }
    y += 6.0;
    let mut bases = vec![Basis::Stated, Basis::Inferred];
    let derived = diagram.edges.iter().any(|&e| {
        graph
            .petgraph()
            .edge_weight(e)
            .is_some_and(|x| x.basis == Basis::Derived)
    });
    if derived {
        bases.push(Basis::Derived);
    }
    for basis in bases {
        line(s, y, "#444444", dash_of(basis), basis.as_str());
        y += 17.0;
    }
}

/// The dashes an edge of `basis` is drawn with, as the DOT diagrams draw
/// them: stated solid, inferred dashed, derived dotted.
fn dash_of(basis: Basis) -> &'static str {
    match basis {
        Basis::Stated => "",
        Basis::Inferred => r#" stroke-dasharray="4 3""#,
        Basis::Derived => r#" stroke-dasharray="1 2.5""#,
    }
}
