//! Mermaid flowcharts, for Markdown pages.
//!
//! Node ids are stand-ins (`n0`, `n1`, …) because Mermaid ids cannot hold
//! arbitrary text and words such as `end` break the parser; the real id is
//! kept in a comment line before each node, entity-coded like a label (and
//! its control characters too, so the comment holds it exactly). Labels are quoted and every
//! character Mermaid would read as syntax or markup (`"`, `#`, `<`, `>`,
//! `&`, backtick, `|`, brackets and braces) is written as a Mermaid entity
//! code (`#34;`), so the label shows exactly the node's name. Line breaks
//! and tabs become spaces; other control characters are dropped; an empty
//! label is written as one space, as Mermaid rejects `""`.
//!
//! The title is another matter: Mermaid reads it from YAML front matter,
//! shows it as plain text without decoding entity codes, and runs it
//! through its HTML sanitizer first, which turns `<`, `>` and `&` into
//! `&lt;`, `&gt;` and `&amp;` shown as such. So the title is a YAML
//! double-quoted string (`\\` and `\"` escaped) with those three characters
//! written as the look-alikes `‹`, `›` and `＆`.
//!
//! Tests parse the output with the real Mermaid parser (`tests/mermaid/`)
//! and compare ids, labels, edges and boxes with the graph's.

use std::collections::HashMap;
use std::fmt::Write as _;

use petgraph::stable_graph::NodeIndex;

use super::style::{kind_style, relation_style};
use super::{Diagram, DiagramOptions, RankDir};
use crate::model::{Basis, LineStyle};

/// Mermaid's entity-code form of `text`, for use inside a quoted label.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    out
}

/// Adds [`escape`]'s form of one character to `out`.
fn push_escaped(out: &mut String, c: char) {
    match c {
        '"' | '#' | '<' | '>' | '&' | '`' | '|' | '[' | ']' | '{' | '}' | '(' | ')' | ';'
        | '\\' => {
            let _ = write!(out, "#{};", u32::from(c));
        }
        '\n' | '\r' | '\t' => out.push(' '),
        c if c.is_control() => {}
        c => out.push(c),
    }
}

/// An id for the comment line before its node: [`escape`]d, with control
/// characters as entity codes too, so the comment holds the id exactly.
fn comment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            let _ = write!(out, "#{};", u32::from(c));
        } else {
            push_escaped(&mut out, c);
        }
    }
    out
}

/// A quoted label's text: [`escape`]d, and never empty.
fn label(text: &str) -> String {
    let escaped = escape(text);
    if escaped.is_empty() {
        " ".to_string()
    } else {
        escaped
    }
}

/// The text of a YAML double-quoted string that Mermaid shows as `text`
/// in a title (see the module docs).
pub fn title(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '<' => out.push('‹'),
            '>' => out.push('›'),
            '&' => out.push('＆'),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The Mermaid flowchart of a diagram.
///
/// # Example
/// ```
/// use seccoop::export::{Diagram, DiagramOptions, ViewFilter};
/// let graph = seccoop::load::embedded().unwrap();
/// let d = Diagram::view(&graph, &ViewFilter::default());
/// assert!(seccoop::export::mermaid::to_mermaid(&d, &DiagramOptions::default()).starts_with("flowchart LR"));
/// ```
pub fn to_mermaid(d: &Diagram, options: &DiagramOptions) -> String {
    let g = d.graph;
    let mut out = String::new();
    let dir = match options.rankdir {
        RankDir::Lr => "LR",
        RankDir::Tb => "TB",
    };
    if let Some(title) = &d.title {
        let _ = writeln!(out, "---\ntitle: \"{}\"\n---", self::title(title));
    }
    let _ = writeln!(out, "flowchart {dir}");
    let ids: HashMap<NodeIndex, String> = d
        .nodes
        .iter()
        .enumerate()
        .map(|(i, &n)| (n, format!("n{i}")))
        .collect();
    let node_line = |n: NodeIndex| -> Option<String> {
        let node = g.node(n)?;
        let kind = g.kind_name(node.kind);
        let (open, close) = shape(&kind_style(g.schema(), node.kind).shape);
        Some(format!(
            "%% {}\n{}{open}\"{}\"{close}:::{}",
            comment(&node.id),
            ids.get(&n)?,
            label(&node.name),
            class_name(kind)
        ))
    };
    let clusters = d.clusters();
    let mut clustered = std::collections::HashSet::new();
    for (i, (area, members)) in clusters.iter().enumerate() {
        let Some(area_node) = g.node(*area) else {
            continue;
        };
        // An area is its box: the box takes the area's id, so an edge to the
        // area ends at the box. Mermaid cannot draw an edge between a box and
        // a node inside it, so an area joined to one of its own members by an
        // edge the box does not stand for is a node beside its box instead.
        let beside = d.edges.iter().any(|&e| {
            !d.implied_by_cluster(&clusters, e)
                && g.petgraph().edge_endpoints(e).is_some_and(|(a, b)| {
                    (a == *area && members.contains(&b)) || (b == *area && members.contains(&a))
                })
        });
        let box_id = match ids.get(area) {
            Some(id) if !beside => id.clone(),
            _ => format!("c{i}"),
        };
        let _ = writeln!(out, "  %% {}", comment(&area_node.id));
        let _ = writeln!(out, "  subgraph {box_id} [\"{}\"]", label(&area_node.name));
        if !beside {
            clustered.insert(*area);
        }
        for &m in members {
            if let Some(line) = node_line(m) {
                for l in line.lines() {
                    let _ = writeln!(out, "    {l}");
                }
                clustered.insert(m);
            }
        }
        let _ = writeln!(out, "  end");
    }
    for &n in &d.nodes {
        if clustered.contains(&n) {
            continue;
        }
        if let Some(line) = node_line(n) {
            for l in line.lines() {
                let _ = writeln!(out, "  {l}");
            }
        }
    }
    let mut link = 0usize;
    let mut link_styles = Vec::new();
    for &e in &d.edges {
        if d.implied_by_cluster(&clusters, e) {
            continue;
        }
        let (Some((a, b)), Some(edge)) =
            (g.petgraph().edge_endpoints(e), g.petgraph().edge_weight(e))
        else {
            continue;
        };
        let (Some(ia), Some(ib)) = (ids.get(&a), ids.get(&b)) else {
            continue;
        };
        let rel = g.rel_name(edge.rel);
        let arrow = match edge.basis {
            Basis::Inferred | Basis::Derived => "-.->",
            Basis::Stated => "-->",
        };
        let _ = writeln!(out, "  {ia} {arrow}|\"{}\"| {ib}", label(rel));
        let look = relation_style(g.schema(), edge.rel);
        let line = match (edge.basis, look.line) {
            // Derived edges are dotted finer than any relation's line.
            (Basis::Derived, _) => ",stroke-dasharray:2 4",
            (_, LineStyle::Solid) => "",
            (_, LineStyle::Dotted) => ",stroke-dasharray:2",
            (_, LineStyle::Bold) => ",stroke-width:3px",
        };
        link_styles.push(format!("  linkStyle {link} stroke:{}{line}", look.colour));
        link += 1;
    }
    for l in link_styles {
        let _ = writeln!(out, "{l}");
    }
    let mut kinds: Vec<crate::model::KindId> = d
        .nodes
        .iter()
        .filter_map(|&n| g.node(n).map(|x| x.kind))
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    for k in kinds {
        let kind = &g.schema().kind(k).name;
        let s = kind_style(g.schema(), k);
        let _ = writeln!(
            out,
            "  classDef {} fill:{},stroke:{}",
            class_name(kind),
            s.fill,
            s.border
        );
    }
    for n in d.root.iter().chain(&d.highlight) {
        if let Some(id) = ids.get(n) {
            let _ = writeln!(out, "  style {id} stroke-width:3px");
        }
    }
    out
}

/// A Mermaid class name for a kind: letters, digits and `_` only.
fn class_name(kind: &str) -> String {
    let mut s: String = kind
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    s.insert_str(0, "k_");
    s
}

/// The Mermaid brackets closest to a Graphviz shape.
fn shape(graphviz: &str) -> (&'static str, &'static str) {
    match graphviz {
        "box" => ("(", ")"),
        "ellipse" => ("([", "])"),
        "octagon" | "hexagon" => ("{{", "}}"),
        "note" => ("[/", "/]"),
        "tab" => ("[", "]"),
        "cylinder" => ("[(", ")]"),
        "parallelogram" => ("[/", "/]"),
        "trapezium" => ("[/", "\\]"),
        _ => ("[", "]"),
    }
}
