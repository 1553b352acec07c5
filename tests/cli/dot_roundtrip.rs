//! DOT output read back by the real Graphviz.
//!
//! graphviz-rust prints ids and attribute values as given, so
//! `seccoop::export::dot` quotes and escapes them itself. These tests write
//! hostile graphs (and random ones) as DOT, have `dot -Tjson` parse and lay
//! them out, and compare what Graphviz read with the graph: every node by
//! its id (or, for the rare id no DOT form can hold, a stand-in whose
//! tooltip names it), its label, every edge with its real direction and
//! relation, and each area box with its label and members.
//!
//! They run in the one test binary, like `curated`: they test the library,
//! but a second test target would link the whole crate again for no gain.
//! Without Graphviz they skip with a note, unless `SECCOOP_REQUIRE_GRAPHVIZ`
//! is set.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::process::{Command, Stdio};

use proptest::prelude::*;
use seccoop::export::dot::{quote_id, to_dot};
use seccoop::export::{Diagram, DiagramOptions, RankDir, ViewFilter};
use seccoop::model::Graph;
use serde_json::Value;

use crate::harness::{Scratch, graphviz};
use crate::hostile::{self, CONTROL, PRINTABLE};

/// What Graphviz read from a DOT text.
#[derive(Debug, Default)]
pub(crate) struct Read {
    /// Nodes outside the legend: name, label, tooltip (labels unescaped).
    pub(crate) nodes: Vec<(String, String, String)>,
    /// Edges outside the legend.
    pub(crate) edges: Vec<ReadEdge>,
    /// Area boxes.
    pub(crate) clusters: Vec<ReadCluster>,
    /// The legend's labels, node and edge.
    pub(crate) legend: BTreeSet<String>,
    /// The graph's label (the title).
    pub(crate) title: Option<String>,
}

/// An edge Graphviz read.
#[derive(Debug)]
pub(crate) struct ReadEdge {
    /// The tail's node name.
    pub(crate) tail: String,
    /// The head's node name.
    pub(crate) head: String,
    /// The label, or the tooltip when there is none.
    pub(crate) label: String,
    /// Whether the edge is drawn `dir=back` (head first).
    pub(crate) back: bool,
    /// The tooltip of the box the edge starts from (`ltail`), when it is
    /// drawn from an area's box rather than from its tail node.
    pub(crate) ltail: Option<String>,
    /// The tooltip of the box the edge ends at (`lhead`).
    pub(crate) lhead: Option<String>,
}

/// An area box Graphviz read.
#[derive(Debug)]
pub(crate) struct ReadCluster {
    /// The label: the area's name.
    pub(crate) label: String,
    /// The tooltip: the area's id and kind, as a node's.
    pub(crate) tooltip: String,
    /// The names of the nodes inside.
    pub(crate) members: BTreeSet<String>,
}

impl ReadEdge {
    /// The ends as drawn in the real direction: `(from, to)`, each the
    /// name of the node drawn or, for an edge to or from a box, the box's
    /// tooltip.
    pub(crate) fn ends(&self) -> (End<'_>, End<'_>) {
        let tail = self
            .ltail
            .as_deref()
            .map_or(End::Node(&self.tail), End::Box);
        let head = self
            .lhead
            .as_deref()
            .map_or(End::Node(&self.head), End::Box);
        if self.back {
            (head, tail)
        } else {
            (tail, head)
        }
    }
}

/// One end of an edge as drawn: a node (by name) or an area's box (by its
/// tooltip).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End<'a> {
    Node(&'a str),
    Box(&'a str),
}

/// The texts of a legend table's names (the left-aligned cells of an
/// HTML-like label), entities undone.
fn legend_table_names(html: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(r#"<TD ROWSPAN="2" ALIGN="LEFT">"#) {
        rest = &rest[at..];
        let end = rest.find("</TD>").expect("a closed cell");
        let cell = &rest[..end];
        // The text is what stands between tags.
        let mut text = String::new();
        let mut inside = false;
        for c in cell.chars() {
            match c {
                '<' => inside = true,
                '>' => inside = false,
                c if !inside => text.push(c),
                _ => {}
            }
        }
        names.push(
            text.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&"),
        );
        rest = &rest[end..];
    }
    names
}

/// Undoes Graphviz escape strings as a renderer does: `\\` is a backslash,
/// `\"` a quote, `\n`, `\l` and `\r` line breaks. Any other backslash is
/// left as it is, so a stray `\N` (which Graphviz would replace by the node
/// name) shows up as a difference.
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('n' | 'l' | 'r') => out.push('\n'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Runs `dot -Tjson` on `text` and collects what it read.
pub(crate) fn read_back(text: &str) -> Read {
    let mut child = Command::new("dot")
        .arg("-Tjson")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run dot");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write DOT to dot");
    let out = child.wait_with_output().expect("wait for dot");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !stderr.contains("Error") && !stderr.contains("Warning"),
        "dot rejected the DOT: {stderr}\n{text}"
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("dot -Tjson prints JSON");
    let str_of = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    let objects = json["objects"].as_array().cloned().unwrap_or_default();
    let subgraphs = json["_subgraph_cnt"].as_u64().unwrap_or(0) as usize;
    let mut legend_gvids = BTreeSet::new();
    let mut read = Read {
        title: str_of(&json, "label").map(|l| unescape(&l)),
        ..Read::default()
    };
    let mut name_of: BTreeMap<u64, String> = BTreeMap::new();
    for o in &objects[subgraphs..] {
        let gvid = o["_gvid"].as_u64().expect("a node gvid");
        name_of.insert(gvid, str_of(o, "name").expect("a node name"));
    }
    // Box tooltips by the box's DOT name, for `lhead` and `ltail`.
    let mut box_tooltip: BTreeMap<String, String> = BTreeMap::new();
    for o in &objects[..subgraphs] {
        let name = str_of(o, "name").unwrap_or_default();
        let members: BTreeSet<u64> = o["nodes"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default();
        if name == "cluster_legend" {
            legend_gvids.extend(members);
        } else if name.starts_with("cluster") {
            let tooltip = unescape(&str_of(o, "tooltip").unwrap_or_default());
            box_tooltip.insert(name, tooltip.clone());
            read.clusters.push(ReadCluster {
                label: unescape(&str_of(o, "label").unwrap_or_default()),
                tooltip,
                members: members.iter().map(|g| name_of[g].clone()).collect(),
            });
        }
    }
    for o in &objects[subgraphs..] {
        let gvid = o["_gvid"].as_u64().expect("a node gvid");
        let label = unescape(&str_of(o, "label").unwrap_or_default());
        if legend_gvids.contains(&gvid) {
            if str_of(o, "shape").as_deref() == Some("plain") {
                // The table of relations and edge styles.
                read.legend.extend(legend_table_names(&label));
            } else if label != "\\N" {
                read.legend.insert(label);
            }
            continue;
        }
        read.nodes.push((
            name_of[&gvid].clone(),
            label,
            unescape(&str_of(o, "tooltip").unwrap_or_default()),
        ));
    }
    for e in json["edges"].as_array().cloned().unwrap_or_default() {
        let (tail, head) = (
            e["tail"].as_u64().expect("a tail"),
            e["head"].as_u64().expect("a head"),
        );
        // Once any edge has a label (the legend's do), Graphviz gives every
        // edge one, empty by default; unlabelled edges name their relation
        // in the tooltip.
        let label = str_of(&e, "label")
            .filter(|l| !l.is_empty())
            .or_else(|| str_of(&e, "tooltip"));
        let label = unescape(&label.unwrap_or_default());
        let to_legend = legend_gvids.contains(&tail) || legend_gvids.contains(&head);
        if str_of(&e, "style").as_deref() == Some("invis") {
            // Unseen edges only tie the legend to the drawing.
            assert!(to_legend, "an unseen edge outside the legend\n{text}");
            continue;
        }
        if to_legend {
            read.legend.insert(label);
            continue;
        }
        // The box an edge is clipped at must exist and hold the node the
        // edge is drawn to, or Graphviz draws it to the node instead.
        let clipped = |key: &str, end: u64| {
            let name = str_of(&e, key)?;
            let tooltip = box_tooltip
                .get(&name)
                .unwrap_or_else(|| panic!("{key}={name} names no box\n{text}"));
            let held = read
                .clusters
                .iter()
                .any(|c| c.tooltip == *tooltip && c.members.contains(&name_of[&end]));
            assert!(held, "{key}={name} does not hold its end\n{text}");
            Some(tooltip.clone())
        };
        let (ltail, lhead) = (clipped("ltail", tail), clipped("lhead", head));
        read.edges.push(ReadEdge {
            tail: name_of[&tail].clone(),
            head: name_of[&head].clone(),
            label,
            back: str_of(&e, "dir").as_deref() == Some("back"),
            ltail,
            lhead,
        });
    }
    read
}

/// A name as a label shows it: `\r\n` and a lone `\r` are line breaks.
fn as_label(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Asserts Graphviz reads `dot` (written for `d`) back as exactly the
/// diagram's nodes, labels, edges and boxes. Returns the ids drawn as
/// stand-ins.
#[track_caller]
fn assert_reads_back(d: &Diagram, dot: &str) -> BTreeSet<String> {
    let g = d.graph;
    let read = read_back(dot);
    let node = |ix| g.node(ix).expect("a diagram node");
    let kind = |ix| g.kind_name(node(ix).kind).to_string();
    let tooltip_of = |ix| as_label(&format!("{} ({})", node(ix).id, kind(ix)));

    // Nodes: each drawn node is one diagram node, found by its tooltip; its
    // DOT name is its id unless no DOT form can hold the id.
    let mut stand_ins = BTreeSet::new();
    let mut drawn_id: BTreeMap<String, String> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for (name, label, tooltip) in &read.nodes {
        let matches: Vec<_> = d
            .nodes
            .iter()
            .copied()
            .filter(|&ix| tooltip_of(ix) == *tooltip)
            .collect();
        assert_eq!(
            matches.len(),
            1,
            "drawn node {name:?} ({tooltip:?}) is not one graph node\n{dot}"
        );
        let ix = matches[0];
        let id = node(ix).id.to_string();
        assert!(seen.insert(id.clone()), "{id:?} is drawn twice\n{dot}");
        if *name != id {
            assert!(
                quote_id(&id).is_none() && name.starts_with("seccoop-node-"),
                "node {id:?} reads back as {name:?}\n{dot}"
            );
            stand_ins.insert(id.clone());
        }
        assert_eq!(*label, as_label(&node(ix).name), "label of {id:?}\n{dot}");
        assert!(
            drawn_id.insert(name.clone(), id).is_none(),
            "two nodes named {name:?}"
        );
    }
    // Each box is one area of the diagram, found by its tooltip, and
    // labelled with its name.
    let box_id = |tooltip: &str| -> String {
        let matches: Vec<_> = d
            .nodes
            .iter()
            .copied()
            .filter(|&ix| tooltip_of(ix) == tooltip)
            .collect();
        assert_eq!(
            matches.len(),
            1,
            "box {tooltip:?} is not one graph node\n{dot}"
        );
        node(matches[0]).id.to_string()
    };
    let mut boxed_areas = BTreeSet::new();
    for c in &read.clusters {
        let id = box_id(&c.tooltip);
        let ix = d.nodes.iter().copied().find(|&ix| *node(ix).id == *id);
        assert_eq!(
            c.label,
            as_label(&node(ix.expect("a box's area")).name),
            "label of the box of {id:?}\n{dot}"
        );
        assert!(
            boxed_areas.insert(id.clone()),
            "two boxes for {id:?}\n{dot}"
        );
    }
    // Every diagram node is drawn, or is an area drawn as its box alone.
    for &ix in &d.nodes {
        let n = node(ix);
        assert!(
            seen.contains(&*n.id) || boxed_areas.contains(&*n.id),
            "{:?} is missing\n{dot}",
            n.id
        );
    }

    // Edges: real direction (head first when drawn `dir=back`), relation;
    // an end at a box is the box's area.
    let mut expected: Vec<(String, String, String)> = d
        .edges
        .iter()
        .map(|&e| {
            let (a, b) = g.petgraph().edge_endpoints(e).expect("an edge");
            let rel = g.rel_name(g.petgraph()[e].rel).to_string();
            (node(a).id.to_string(), rel, node(b).id.to_string())
        })
        .collect();
    let id_of = |end: End| match end {
        End::Node(name) => drawn_id[name].clone(),
        End::Box(tooltip) => box_id(tooltip),
    };
    let mut drawn: Vec<(String, String, String)> = read
        .edges
        .iter()
        .map(|e| {
            let (from, to) = e.ends();
            (id_of(from), as_label(&e.label), id_of(to))
        })
        .collect();
    // A member's `part_of` edge to the area whose box holds it is the box;
    // nothing else stands in a box, the area itself least of all.
    for c in &read.clusters {
        let area = box_id(&c.tooltip);
        for member in &c.members {
            let Some(id) = drawn_id.get(member) else {
                continue;
            };
            assert_ne!(*id, area, "{id:?} is drawn inside its own box\n{dot}");
            let before = expected.len();
            expected.retain(|(from, rel, to)| {
                let boxed = from == id
                    && rel == "part_of"
                    && *to == area
                    && !drawn.contains(&(from.clone(), rel.clone(), to.clone()));
                !boxed
            });
            assert!(
                expected.len() < before,
                "{id:?} is in the box of {area:?} without being part of it\n{dot}"
            );
        }
    }
    expected.sort();
    drawn.sort();
    // Relation names are labels too: compare them as labels.
    let expected: Vec<_> = expected
        .into_iter()
        .map(|(a, r, b)| (a, as_label(&r), b))
        .collect();
    assert_eq!(drawn, expected, "edges differ\n{dot}");
    stand_ins
}

fn options(legend: bool, rankdir: RankDir) -> DiagramOptions {
    DiagramOptions { rankdir, legend }
}

/// The whole graph as a diagram.
fn whole(g: &Graph) -> Diagram<'_> {
    Diagram::view(g, &ViewFilter::default())
}

#[test]
fn a_hostile_graph_reads_back_exactly() {
    if !graphviz("a_hostile_graph_reads_back_exactly") {
        return;
    }
    let pairs: Vec<(&str, &str)> = PRINTABLE.iter().chain(CONTROL).copied().collect();
    let g = hostile::build(&hostile::spec(&pairs));
    let d = whole(&g);
    // Past 40 edges the relation is in each edge's tooltip.
    assert!(d.edges.len() > seccoop::export::dot::MAX_LABELLED_EDGES);
    let dot = to_dot(&d, &DiagramOptions::default());
    let stand_ins = assert_reads_back(&d, &dot);
    // Both ways an area at an edge's end is drawn occur: as its box (the
    // edge clipped there) and as a node beside its box.
    let read = read_back(&dot);
    assert!(
        read.edges
            .iter()
            .any(|e| e.lhead.is_some() || e.ltail.is_some()),
        "{dot}"
    );
    assert!(
        read.clusters.iter().any(|c| read
            .nodes
            .iter()
            .any(|(_, _, tooltip)| *tooltip == c.tooltip)),
        "{dot}"
    );
    // Only an id with a backslash before its end and unbalanced angle
    // brackets, and ids that start with `%`, have no DOT form.
    assert_eq!(
        stand_ins,
        BTreeSet::from([r"<x\", "%percent", "%3"].map(String::from))
    );
}

#[test]
fn an_area_at_an_edge_end_was_drawn_inside_its_own_box() {
    // Regression: an area that an edge ends at (an activity `part_of` a
    // second area, whose box holds it elsewhere) was drawn as a node inside
    // its own box. The edge now ends at the box, clipped there by `lhead`.
    if !graphviz("an_area_at_an_edge_end_was_drawn_inside_its_own_box") {
        return;
    }
    let g = seccoop::load::embedded().expect("the curated graph");
    let d = whole(&g);
    let dot = to_dot(&d, &DiagramOptions::default());
    assert_reads_back(&d, &dot);
    let read = read_back(&dot);
    let area = "information-sharing-and-capacity-building";
    assert!(
        read.nodes.iter().all(|(name, _, _)| name != area),
        "{area} is drawn as a node\n{dot}"
    );
    let to_box = read
        .edges
        .iter()
        .filter(|e| {
            e.ends()
                == (
                    End::Node("intelligence-sharing"),
                    End::Box(&format!("{area} (area)")),
                )
        })
        .count();
    assert_eq!(
        to_box, 1,
        "intelligence-sharing part_of {area} ends at its box\n{dot}"
    );
}

#[test]
fn an_area_joined_to_its_own_member_stands_beside_its_box() {
    // Graphviz cannot clip an edge between a box and a node inside it: such
    // an area is drawn as a node outside its box, and the box keeps it.
    if !graphviz("an_area_joined_to_its_own_member_stands_beside_its_box") {
        return;
    }
    let mut spec = hostile::flat(&[("m", "member"), ("a", "area"), ("o", "other")]);
    spec.nodes[1].2 = hostile::AREA;
    spec.edges = vec![
        (0, hostile::PART_OF, 1, false),
        (1, hostile::LINKS, 0, false),
        (2, hostile::LINKS, 1, false),
    ];
    let g = hostile::build(&spec);
    let d = whole(&g);
    let dot = to_dot(&d, &options(true, RankDir::Lr));
    assert_reads_back(&d, &dot);
    let read = read_back(&dot);
    assert_eq!(read.clusters.len(), 1, "{dot}");
    assert_eq!(read.clusters[0].members, BTreeSet::from(["m".to_string()]));
    assert!(read.nodes.iter().any(|(name, _, _)| name == "a"), "{dot}");
    assert!(
        read.edges
            .iter()
            .all(|e| e.ltail.is_none() && e.lhead.is_none()),
        "{dot}"
    );
}

#[test]
fn a_small_hostile_graph_with_labels_legend_and_title() {
    if !graphviz("a_small_hostile_graph_with_labels_legend_and_title") {
        return;
    }
    let g = hostile::build(&hostile::spec(&PRINTABLE[..10]));
    let title = "Title \"quoted\" \\ <b>bold</b>\nsecond line";
    let d = whole(&g).with_title(title);
    assert!(d.edges.len() <= seccoop::export::dot::MAX_LABELLED_EDGES);
    for rankdir in [RankDir::Lr, RankDir::Tb] {
        let dot = to_dot(&d, &options(true, rankdir));
        assert_reads_back(&d, &dot);
        let read = read_back(&dot);
        assert_eq!(read.title.as_deref(), Some(title));
        // The legend names every kind drawn and every relation drawn as an
        // edge (not `part_of`, drawn as boxes).
        let mut names: BTreeSet<String> = d
            .nodes
            .iter()
            .map(|&n| g.kind_name(g.node(n).expect("a node").kind).to_string())
            .collect();
        names.extend(read.edges.iter().map(|e| e.label.clone()));
        names.extend(["stated".to_string(), "inferred".to_string()]);
        assert_eq!(read.legend, names);
        assert!(!names.contains("part_of"));
    }
}

#[test]
fn neighbourhoods_of_hostile_nodes_read_back_exactly() {
    if !graphviz("neighbourhoods_of_hostile_nodes_read_back_exactly") {
        return;
    }
    let g = hostile::build(&hostile::spec(PRINTABLE));
    for id in ["graph", r"<x\", r"trail\", "legend_kind_0"] {
        let focus = g.node_index(id).expect("a hostile node");
        let d = Diagram::neighbourhood(&g, focus, 1, &ViewFilter::default());
        assert_reads_back(&d, &to_dot(&d, &options(false, RankDir::Lr)));
    }
}

#[test]
fn a_hostile_graph_file_reads_back_exactly_through_the_command_line() {
    if !graphviz("a_hostile_graph_file_reads_back_exactly_through_the_command_line") {
        return;
    }
    let scratch = Scratch::new();
    let text = hostile::toml(&hostile::spec(PRINTABLE));
    scratch.write("hostile.toml", &text);
    let g = seccoop::load::load_str("hostile.toml", &text).expect("the hostile graph loads");
    let d = whole(&g);
    for args in [
        &["-g", "hostile.toml", "export"][..],
        &[
            "-g",
            "hostile.toml",
            "export",
            "--legend",
            "--rankdir",
            "TB",
        ],
    ] {
        let run = scratch.run(args);
        assert_reads_back(&d, &run.success().stdout);
    }
    let title = r#"a "title" \ with <html>"#;
    let run = scratch.run(&["-g", "hostile.toml", "export", "--title", title]);
    assert_eq!(
        read_back(&run.success().stdout).title.as_deref(),
        Some(title)
    );
}

#[test]
fn made_up_node_names_merged_with_real_nodes_of_that_name() {
    // Regression: a node whose id was `legend_kind_0` (or `seccoop-node-1`)
    // became one DOT node with the legend's sample (or with another node's
    // stand-in): Graphviz drew one node where the graph has two, and moved
    // the real node into the legend box.
    if !graphviz("made_up_node_names_merged_with_real_nodes_of_that_name") {
        return;
    }
    let g = hostile::build(&hostile::flat(&[
        ("legend_kind_0", "real one"),
        ("legend_kind_1", "real two"),
        ("legend_edge_0_a", "real three"),
        ("legend_edge_0", "real four"),
        ("seccoop-node-0", "real five"),
        ("seccoop-node-1", "real six"),
        (r"<x\", "needs a stand-in"),
        (r"<y\", "needs another"),
    ]));
    let d = whole(&g);
    let dot = to_dot(&d, &options(true, RankDir::Lr));
    let stand_ins = assert_reads_back(&d, &dot);
    assert_eq!(stand_ins.len(), 2);
    assert_eq!(read_back(&dot).nodes.len(), d.nodes.len());
}

#[test]
fn a_lone_carriage_return_in_a_name_was_dropped() {
    // Regression: labels dropped every `\r`, so a name with a lone carriage
    // return between two lines was drawn as one run-together line.
    if !graphviz("a_lone_carriage_return_in_a_name_was_dropped") {
        return;
    }
    let g = hostile::build(&hostile::spec(&[("a", "one\rtwo"), ("b", "three\r\nfour")]));
    let d = whole(&g);
    let read = read_back(&to_dot(&d, &DiagramOptions::default()));
    let labels: BTreeSet<&str> = read.nodes.iter().map(|(_, l, _)| l.as_str()).collect();
    assert!(
        labels.contains("one\ntwo") && labels.contains("three\nfour"),
        "{labels:?}"
    );
}

#[test]
fn an_id_starting_with_percent_read_back_as_a_graphviz_number() {
    // Regression: Graphviz keeps names that start with `%` for its anonymous
    // nodes, so a node with the id `%percent` read back as `%3` (and the
    // SVG's titles said `%3`). Such ids now get a stand-in and keep the real
    // id in the tooltip.
    if !graphviz("an_id_starting_with_percent_read_back_as_a_graphviz_number") {
        return;
    }
    let g = hostile::build(&hostile::flat(&[
        ("%percent", "a"),
        ("%3", "b"),
        ("50%", "c"),
    ]));
    let d = whole(&g);
    let stand_ins = assert_reads_back(&d, &to_dot(&d, &DiagramOptions::default()));
    assert_eq!(
        stand_ins,
        BTreeSet::from(["%percent", "%3"].map(String::from))
    );
}

#[test]
fn a_lone_line_break_in_an_id_was_dropped_by_graphviz() {
    // Regression: Graphviz's lexer drops a line break that is alone between
    // a quoted string's ends, quotes and backslashes, so the id "\n" read
    // back as "" and "\n\\x" as "\\x", merging with that node.
    if !graphviz("a_lone_line_break_in_an_id_was_dropped_by_graphviz") {
        return;
    }
    let g = hostile::build(&hostile::flat(&[
        ("\n", "a"),
        ("", "b"),
        ("\n\\x", "c"),
        ("\\x", "d"),
        ("q\"\n\"q", "e"),
    ]));
    let d = whole(&g);
    let stand_ins = assert_reads_back(&d, &to_dot(&d, &DiagramOptions::default()));
    assert!(stand_ins.is_empty(), "{stand_ins:?}");
}

proptest! {
    // Each case runs `dot` once; 96 cases take a few seconds.
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn random_ids_and_names_read_back_exactly(spec in hostile::random_spec(), legend: bool) {
        if !graphviz("random_ids_and_names_read_back_exactly") {
            return Ok(());
        }
        let g = hostile::build(&spec);
        let d = whole(&g);
        assert_reads_back(&d, &to_dot(&d, &options(legend, RankDir::Lr)));
    }
}
