//! The explorer: a diagram as one self-contained HTML page to open offline,
//! mail to a colleague and click through.
//!
//! # Why no library
//!
//! The page draws inline SVG with about 900 lines of plain
//! JavaScript ([`explorer.js`](explorer.js)) and no framework, and the
//! positions come from Rust ([`super::layout`]). We weighed the others:
//!
//! - Cytoscape.js (MIT) would bring 400 kB of minified code to vendor,
//!   audit and update, a canvas renderer whose drawing the tests could not
//!   count element by element, and a force layout that moves on every open.
//! - Graphviz's own layout (`dot -Tsvg`) would make the explorer need
//!   Graphviz, which the page must not, and Graphviz in WebAssembly would
//!   add 1.5 MB to a page that must stay under 1 MB.
//!
//! A layout computed in Rust is deterministic (the same graph draws the
//! same way in every page and every test), costs the browser nothing, and
//! lets a 10,000-node page open in a few seconds. SVG keeps every node and
//! edge an element that keyboard focus, screen readers, the tests and
//! "save as SVG" can reach.
//!
//! # Safety
//!
//! Graph text (ids, names, descriptions, provenance, kinds, relations) is
//! data, never markup. It travels as JSON in a
//! `<script type="application/json">` element, with `<`, `>`, `&`, U+2028
//! and U+2029 written as `\u` escapes so no text can close the element;
//! the script builds the page only with `textContent`, `setAttribute` and
//! `createElementNS`. A Content-Security-Policy allows exactly the page's
//! own script and style (by their SHA-256 hashes) and no network at all,
//! so even a mistake could neither run an injected handler nor fetch
//! anything.
//!
//! # Impact and paths in the page
//!
//! The page answers impact and path questions itself, so any node can be
//! picked: it runs the same walks as [`crate::analysis::impact()`] and
//! [`crate::analysis::connections`] over the drawn edges, with each
//! node's edges listed in the order the graph stores them, so ties break
//! the same way and the page lights up the CLI's sets (the browser tests
//! compare them for every challenge and several pairs).
//!
//! # Size
//!
//! Pages are refused above [`MAX_NODES`] nodes or [`MAX_EDGES`] edges:
//! past that a browser takes too long to draw them, and nobody reads such
//! a picture; `--focus`, `--kind` and `--rel` cut a view to size.

use std::collections::HashMap;

use base64::Engine as _;
use petgraph::Direction;
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef as _;
use serde::Serialize;
use sha2::Digest as _;

use super::Diagram;
use super::layout::{self, Layout};
use crate::model::{Graph, ImpactFlow, Provenance};

/// The most nodes a page holds.
pub const MAX_NODES: usize = 20_000;
/// The most edges a page holds.
pub const MAX_EDGES: usize = 80_000;

const TEMPLATE: &str = include_str!("page.html");
const SCRIPT: &str = include_str!("explorer.js");
const STYLE: &str = include_str!("explorer.css");

/// Why a page could not be made.
#[derive(Debug, thiserror::Error)]
pub enum HtmlError {
    /// The diagram is above the size a page can hold.
    #[error(
        "the page would hold {nodes} nodes and {edges} edges, more than an explorer page takes \
         ({MAX_NODES} nodes, {MAX_EDGES} edges)"
    )]
    TooLarge {
        /// Nodes in the diagram.
        nodes: usize,
        /// Edges in the diagram.
        edges: usize,
    },
}

impl HtmlError {
    /// What to do about the error.
    pub fn help(&self) -> &'static str {
        match self {
            HtmlError::TooLarge { .. } => {
                "draw a part of the graph: --focus NODE --depth N, or --kind KIND and --rel REL"
            }
        }
    }
}

/// The explorer page for `diagram`.
///
/// # Errors
/// [`HtmlError::TooLarge`] above [`MAX_NODES`] nodes or [`MAX_EDGES`] edges.
///
/// # Example
/// ```
/// use seccoop::export::{Diagram, ViewFilter, html::to_html};
/// let graph = seccoop::load::embedded().unwrap();
/// let page = to_html(&Diagram::view(&graph, &ViewFilter::default())).unwrap();
/// assert!(page.starts_with("<!DOCTYPE html>"));
/// ```
pub fn to_html(diagram: &Diagram) -> Result<String, HtmlError> {
    if diagram.nodes.len() > MAX_NODES || diagram.edges.len() > MAX_EDGES {
        return Err(HtmlError::TooLarge {
            nodes: diagram.nodes.len(),
            edges: diagram.edges.len(),
        });
    }
    let layout = layout::layered(diagram);
    let data = script_json(&payload(diagram, &layout));
    let title = diagram
        .title
        .clone()
        .or_else(|| diagram.graph.meta().name.clone())
        .unwrap_or_else(|| "seccoop graph".to_string());
    let csp = format!(
        "default-src 'none'; script-src '{}'; style-src '{}'; img-src data: blob:; \
         base-uri 'none'; form-action 'none'",
        csp_hash(SCRIPT),
        csp_hash(STYLE)
    );
    let fill = |mark: &str| -> String {
        match mark {
            "CSP" => escape_text(&csp),
            "TITLE" => escape_text(&title),
            "STYLE" => STYLE.to_string(),
            "DATA" => data.clone(),
            "SCRIPT" => SCRIPT.to_string(),
            _ => String::new(),
        }
    };
    // The template is read once, left to right: text put in for one
    // placeholder is never searched for another.
    let mut page = String::with_capacity(TEMPLATE.len() + data.len() + SCRIPT.len() + 4096);
    let mut rest = TEMPLATE;
    while let Some((before, after)) = rest.split_once("{{") {
        let Some((mark, after)) = after.split_once("}}") else {
            break;
        };
        page.push_str(before);
        page.push_str(&fill(mark));
        rest = after;
    }
    page.push_str(rest);
    Ok(page)
}

/// `'sha256-…'` of an inline script or style, as CSP names it.
fn csp_hash(text: &str) -> String {
    let digest = sha2::Sha256::digest(text.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Text for an HTML or SVG element or a quoted attribute: markup
/// characters as entities, control characters (which XML forbids) as
/// spaces. The one escaper of every page and picture seccoop writes itself.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// JSON that can sit inside a `<script>` element: no text can close the
/// element or start a comment, and no line separator breaks old parsers.
/// The escaped characters only occur inside JSON strings, where `\u`
/// escapes mean the same characters.
fn script_json<T: Serialize>(value: &T) -> String {
    // Plain data always serializes.
    let text = serde_json::to_string(value).unwrap_or_default();
    let mut out = String::with_capacity(text.len() + 64);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Everything the page draws and answers from.
#[derive(Serialize)]
struct Payload {
    generator: String,
    kinds: Vec<KindJson>,
    rels: Vec<RelJson>,
    bases: Vec<&'static str>,
    sources: Vec<SourceJson>,
    nodes: Vec<NodeJson>,
    edges: Vec<EdgeJson>,
    headings: Vec<HeadingJson>,
    width: f64,
    height: f64,
    node_width: f64,
    node_height: f64,
    root: Option<usize>,
    /// Nodes the answer picks out (a `prioritize` portfolio), drawn bold.
    highlight: Vec<usize>,
}

#[derive(Serialize)]
struct KindJson {
    name: String,
    plural: String,
    fill: String,
    border: String,
    shape: String,
    rounded: bool,
}

#[derive(Serialize)]
struct RelJson {
    name: String,
    inverse: Option<String>,
    meaning: String,
    colour: String,
    impact: ImpactFlow,
    mitigation: bool,
}

#[derive(Serialize)]
struct SourceJson {
    id: String,
    title: String,
    author: Option<String>,
    date: Option<String>,
    url: Option<String>,
}

#[derive(Serialize)]
struct NodeJson {
    id: String,
    name: String,
    /// Index into `kinds`.
    k: usize,
    x: f64,
    y: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    aliases: Vec<String>,
    /// Other properties, as `[name, text]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    props: Vec<(String, String)>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    prov: Vec<ProvJson>,
    /// Indices into `edges`: outgoing then incoming, each in the order
    /// the graph stores them (the order the CLI's walks take them in).
    out: Vec<usize>,
    #[serde(rename = "in")]
    inc: Vec<usize>,
}

#[derive(Serialize)]
struct EdgeJson {
    /// Index into `nodes` of the edge's `from` end.
    s: usize,
    /// Index into `nodes` of its `to` end.
    t: usize,
    /// Index into `rels`.
    r: usize,
    /// Index into `bases`.
    b: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    prov: Vec<ProvJson>,
}

#[derive(Serialize)]
struct ProvJson {
    source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    section: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

#[derive(Serialize)]
struct HeadingJson {
    k: usize,
    x: f64,
    y: f64,
}

fn prov(list: &[Provenance]) -> Vec<ProvJson> {
    list.iter()
        .map(|p| ProvJson {
            source: p.source.to_string(),
            section: p.section.as_deref().map(str::to_string),
            item: p.item.as_deref().map(str::to_string),
            note: p.note.as_deref().map(str::to_string),
        })
        .collect()
}

/// Rounded to a tenth of a pixel: the page needs no more, and it halves
/// the size of the numbers.
fn px(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn payload(diagram: &Diagram, layout: &Layout) -> Payload {
    let graph: &Graph = diagram.graph;
    let schema = graph.schema();
    let kinds: Vec<KindJson> = schema
        .kinds()
        .map(|(id, k)| {
            let s = super::style::kind_style(schema, id);
            KindJson {
                name: k.name.clone(),
                plural: k.plural_form(),
                fill: s.fill,
                border: s.border,
                shape: s.shape,
                rounded: s.style.contains("rounded"),
            }
        })
        .collect();
    let rels: Vec<RelJson> = schema
        .relations()
        .map(|(id, r)| RelJson {
            name: r.name.clone(),
            inverse: r.inverse.clone(),
            meaning: r.meaning.clone(),
            colour: super::style::relation_style(schema, id).colour,
            impact: r.impact,
            mitigation: r.mitigation,
        })
        .collect();
    let kind_at: HashMap<_, usize> = schema
        .kinds()
        .enumerate()
        .map(|(i, (k, _))| (k, i))
        .collect();
    let rel_at: HashMap<_, usize> = schema
        .relations()
        .enumerate()
        .map(|(i, (r, _))| (r, i))
        .collect();
    let node_at: HashMap<NodeIndex, usize> = diagram
        .nodes
        .iter()
        .enumerate()
        .map(|(i, &n)| (n, i))
        .collect();
    let edge_at: HashMap<EdgeIndex, usize> = diagram
        .edges
        .iter()
        .enumerate()
        .map(|(i, &e)| (e, i))
        .collect();
    let mut bases: Vec<&'static str> = Vec::new();
    let g = graph.petgraph();
    let edges: Vec<EdgeJson> = diagram
        .edges
        .iter()
        .filter_map(|&e| {
            let (a, b) = g.edge_endpoints(e)?;
            let edge = g.edge_weight(e)?;
            let basis = edge.basis.as_str();
            let bi = match bases.iter().position(|&x| x == basis) {
                Some(i) => i,
                None => {
                    bases.push(basis);
                    bases.len() - 1
                }
            };
            Some(EdgeJson {
                s: *node_at.get(&a)?,
                t: *node_at.get(&b)?,
                r: *rel_at.get(&edge.rel)?,
                b: bi,
                prov: prov(edge.provenance()),
            })
        })
        .collect();
    let drawn = |n: NodeIndex, dir: Direction| -> Vec<usize> {
        g.edges_directed(n, dir)
            .filter_map(|e| edge_at.get(&e.id()).copied())
            .collect()
    };
    let nodes: Vec<NodeJson> = diagram
        .nodes
        .iter()
        .zip(&layout.positions)
        .filter_map(|(&ix, &(x, y))| {
            let n = graph.node(ix)?;
            Some(NodeJson {
                id: String::from(&*n.id),
                name: String::from(&*n.name),
                k: kind_at.get(&n.kind).copied().unwrap_or(0),
                x: px(x),
                y: px(y),
                description: n.description().map(str::to_string),
                aliases: n.aliases().map(str::to_string).collect(),
                props: n
                    .properties()
                    .iter()
                    .filter(|(k, _)| *k != "description" && *k != "aliases")
                    .map(|(k, v)| (k.clone(), v.to_string()))
                    .collect(),
                prov: prov(n.provenance()),
                out: drawn(ix, Direction::Outgoing),
                inc: drawn(ix, Direction::Incoming),
            })
        })
        .collect();
    Payload {
        generator: format!("seccoop {}", env!("CARGO_PKG_VERSION")),
        kinds,
        rels,
        bases,
        sources: graph
            .sources()
            .iter()
            .map(|s| SourceJson {
                id: s.id.clone(),
                title: s.title.clone(),
                author: s.author.clone(),
                date: s.date.clone(),
                url: s.url.clone(),
            })
            .collect(),
        nodes,
        edges,
        headings: layout
            .headings
            .iter()
            .map(|h| HeadingJson {
                k: kind_at.get(&h.kind).copied().unwrap_or(0),
                x: px(h.x),
                y: px(h.y),
            })
            .collect(),
        width: px(layout.width),
        height: px(layout.height),
        node_width: layout::Geometry::EXPLORER.node_width,
        node_height: layout::Geometry::EXPLORER.node_height,
        root: diagram.root.and_then(|r| node_at.get(&r).copied()),
        highlight: diagram
            .highlight
            .iter()
            .filter_map(|n| node_at.get(n).copied())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_its_element() {
        let text = script_json(&["</script><!-- \u{2028} & >"]);
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        assert!(!text.contains('\u{2028}'));
        let back: Vec<String> = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back, ["</script><!-- \u{2028} & >"]);
    }

    #[test]
    fn the_policy_names_the_page_script_by_its_hash() {
        let graph = crate::load::embedded().unwrap_or_else(|e| panic!("{e}"));
        let page = to_html(&Diagram::view(&graph, &super::super::ViewFilter::default()))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(page.contains(&csp_hash(SCRIPT)));
        assert!(page.contains(&format!("<script>{SCRIPT}</script>")));
        assert!(page.contains(&format!("<style>{STYLE}</style>")));
    }
}
