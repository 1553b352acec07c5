//! A coverage matrix drawn as an SVG heatmap, or an HTML page holding one:
//! a filled cell where the relation is stated, a pale one where it is
//! inferred, totals at the end of each row and column. Written directly,
//! without Graphviz, so the picture needs nothing installed.

use std::fmt::Write as _;

use crate::analysis::matrix::Matrix;
use crate::model::{Basis, Graph, RelId};

/// The side of a cell, in pixels.
const CELL: f64 = 20.0;
/// Width of a character of the 12 px labels, for sizing the margins.
const CHAR: f64 = 6.6;
/// The longest label shown, in characters; longer ones are cut with `…`.
const MAX_LABEL: usize = 40;

use super::html::escape_text as escape;

fn label(graph: &Graph, n: petgraph::stable_graph::NodeIndex) -> String {
    let name = graph.node(n).map(|n| &*n.name).unwrap_or_default();
    crate::output::shorten(name, MAX_LABEL).into_owned()
}

/// The matrix as a standalone SVG image.
///
/// # Example
/// ```
/// use seccoop::analysis::matrix::{default_query, matrix};
/// let graph = seccoop::load::embedded().unwrap();
/// let rel = graph.schema().rel_id("addresses").unwrap();
/// let m = matrix(&graph, &default_query(&graph, rel).unwrap()).unwrap();
/// let svg = seccoop::export::heatmap::to_svg(&graph, &m, rel, "Coverage");
/// assert!(svg.starts_with("<svg"));
/// ```
pub fn to_svg(graph: &Graph, m: &Matrix, rel: RelId, title: &str) -> String {
    let colour = super::style::relation_style(graph.schema(), rel).colour;
    let colour = colour.as_str();
    let longest = |nodes: &[petgraph::stable_graph::NodeIndex]| {
        nodes
            .iter()
            .map(|&n| label(graph, n).chars().count())
            .max()
            .unwrap_or(0) as f64
    };
    let left = 16.0 + longest(&m.rows) * CHAR;
    // Column labels are turned 50 degrees up from the horizontal.
    let top = 40.0 + longest(&m.cols) * CHAR * 0.77;
    let grid_w = m.cols.len() as f64 * CELL;
    let grid_h = m.rows.len() as f64 * CELL;
    let legend_w = 150.0;
    let width = left + grid_w + 50.0 + legend_w;
    let height = (top + grid_h + 40.0).max(top + 110.0);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="Helvetica, Arial, sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, "<title>{}</title>", escape(title));
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let _ = writeln!(
        s,
        r##"<text x="8" y="20" font-size="15" font-weight="bold" fill="#222">{}</text>"##,
        escape(title)
    );
    for (c, &n) in m.cols.iter().enumerate() {
        let x = left + c as f64 * CELL + CELL / 2.0;
        let _ = writeln!(
            s,
            r##"<text transform="translate({x:.1},{:.1}) rotate(-50)" fill="#222">{}</text>"##,
            top - 6.0,
            escape(&label(graph, n))
        );
    }
    for (r, &n) in m.rows.iter().enumerate() {
        let y = top + r as f64 * CELL;
        let _ = writeln!(
            s,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="#222">{}</text>"##,
            left - 6.0,
            y + CELL * 0.7,
            escape(&label(graph, n))
        );
        for (c, cell) in m.cells.get(r).into_iter().flatten().enumerate() {
            let x = left + c as f64 * CELL;
            let (fill, opacity, dash) = match cell {
                Some(Basis::Stated) => (colour, "1", ""),
                Some(Basis::Inferred) => (colour, "0.35", r#" stroke-dasharray="3 2""#),
                Some(Basis::Derived) => (colour, "0.15", r#" stroke-dasharray="1 2""#),
                None => ("#ffffff", "1", ""),
            };
            let _ = writeln!(
                s,
                r##"<rect x="{x:.1}" y="{y:.1}" width="{CELL}" height="{CELL}" fill="{fill}" fill-opacity="{opacity}" stroke="#b8b8b8"{dash}/>"##
            );
        }
        let total = m.row_total(r);
        let _ = writeln!(
            s,
            r##"<text x="{:.1}" y="{:.1}" fill="{}">{total}</text>"##,
            left + grid_w + 6.0,
            y + CELL * 0.7,
            if total == 0 { "#c0392b" } else { "#444" }
        );
    }
    for c in 0..m.cols.len() {
        let total = m.col_total(c);
        let _ = writeln!(
            s,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="{}">{total}</text>"##,
            left + c as f64 * CELL + CELL / 2.0,
            top + grid_h + 16.0,
            if total <= 1 { "#c0392b" } else { "#444" }
        );
    }
    // The legend, beside the grid.
    let lx = left + grid_w + 40.0;
    let ly = top;
    let _ = writeln!(
        s,
        r##"<text x="{lx:.1}" y="{:.1}" font-weight="bold" fill="#222">{}</text>"##,
        ly + 12.0,
        escape(graph.rel_name(rel))
    );
    for (i, (text, opacity, dash)) in [
        ("stated", "1", ""),
        ("inferred", "0.35", r#" stroke-dasharray="3 2""#),
        ("none", "0", ""),
    ]
    .iter()
    .enumerate()
    {
        let y = ly + 24.0 + i as f64 * 22.0;
        let _ = writeln!(
            s,
            r##"<rect x="{lx:.1}" y="{y:.1}" width="16" height="16" fill="{colour}" fill-opacity="{opacity}" stroke="#b8b8b8"{dash}/><text x="{:.1}" y="{:.1}" fill="#222">{text}</text>"##,
            lx + 22.0,
            y + 12.0
        );
    }
    let _ = writeln!(
        s,
        r##"<text x="{lx:.1}" y="{:.1}" fill="#c0392b">red total: a gap</text>"##,
        ly + 100.0
    );
    s.push_str("</svg>\n");
    s
}

/// The matrix as a self-contained HTML page around the SVG heatmap.
pub fn to_html(graph: &Graph, m: &Matrix, rel: RelId, title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>{}</title>\n<style>body {{ font-family: system-ui, sans-serif; margin: 16px; }}</style>\n\
         </head>\n<body>\n{}</body>\n</html>\n",
        escape(title),
        to_svg(graph, m, rel, title)
    )
}
