//! Mermaid output read back by the real Mermaid parser.
//!
//! `tests/mermaid/parse.mjs` runs Mermaid 11 in Node (jsdom stands in for
//! the browser its sanitizer needs) on a flowchart and prints what it read:
//! each node's id and label, each edge's ends and label, each box's title
//! and members, and the title as Mermaid draws it. These tests write
//! hostile graphs (and random ones) as Mermaid and compare that with the
//! graph. Node ids are stand-ins (`n0`, …) with the real id in a comment
//! line before each node, which the parser drops; those comments are read
//! here.
//!
//! The parser is installed by `npm ci` in `tests/mermaid` (`.ci/run` does
//! it). Without Node or the installed parser the tests skip with a note,
//! unless `SECCOOP_REQUIRE_MERMAID` is set. The structural test at the end
//! needs neither.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use proptest::strategy::{Strategy as _, ValueTree as _};
use seccoop::export::mermaid::to_mermaid;
use seccoop::export::{Diagram, DiagramOptions, ViewFilter};
use serde_json::Value;

use crate::harness::{Scratch, note};
use crate::hostile::{self, CONTROL, PRINTABLE};

fn checker() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mermaid")
}

/// Whether Node and the Mermaid parser are installed.
#[track_caller]
pub(crate) fn parser(test: &str) -> bool {
    let node = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join("node").is_file()));
    let installed = checker()
        .join("node_modules/mermaid/package.json")
        .is_file();
    if node && installed {
        return true;
    }
    let why = if node {
        "the Mermaid parser is not installed (run `npm ci` in tests/mermaid)"
    } else {
        "Node is not on PATH"
    };
    let required = std::env::var_os("SECCOOP_REQUIRE_MERMAID").is_some_and(|v| !v.is_empty());
    assert!(
        !required,
        "{test}: {why}, and SECCOOP_REQUIRE_MERMAID is set"
    );
    note(&format!("{test} skipped: {why}"));
    false
}

/// What Mermaid read from a flowchart.
pub(crate) fn parse(text: &str) -> Value {
    let answer = parse_all(&[text.to_string()]).remove(0);
    if let Some(error) = answer.get("error") {
        panic!("Mermaid rejected the flowchart: {error}\n{text}");
    }
    answer
}

/// What Mermaid read from each flowchart (`{"error": …}` when one does not
/// parse), in one run of Node.
fn parse_all(texts: &[String]) -> Vec<Value> {
    let mut child = Command::new("node")
        .arg(checker().join("parse.mjs"))
        .arg("--batch")
        .current_dir(checker())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run node");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&serde_json::to_vec(texts).expect("texts as JSON"))
        .expect("write to node");
    let out = child.wait_with_output().expect("wait for node");
    assert!(
        out.status.success(),
        "parse.mjs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("parse.mjs prints a JSON array")
}

/// Decodes Mermaid entity codes (`#34;`).
pub(crate) fn decode(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('#') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let code = tail
            .find(';')
            .and_then(|end| tail[..end].parse::<u32>().ok().map(|n| (n, end)));
        match code.and_then(|(n, end)| char::from_u32(n).map(|c| (c, end))) {
            Some((c, end)) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('#');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Text as a Mermaid label shows it: line breaks and tabs as spaces, other
/// control characters dropped, and (Mermaid trims labels) no surrounding
/// white space.
fn as_label(text: &str) -> String {
    let spaced: String = text
        .chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    spaced.trim().to_string()
}

/// The real id of each stand-in node id, from the `%% id` comment line
/// written before the node's line; a box (`subgraph nX` or `subgraph cX`)
/// maps to the area it is the box of.
pub(crate) fn real_ids(text: &str) -> BTreeMap<String, String> {
    let lines: Vec<&str> = text.lines().map(str::trim_start).collect();
    let mut ids = BTreeMap::new();
    for pair in lines.windows(2) {
        let line = pair[1].strip_prefix("subgraph ").unwrap_or(pair[1]);
        if let (Some(id), Some(node)) = (
            pair[0].strip_prefix("%% "),
            line.split(['[', '(', '{', ' ']).next(),
        ) && (node.starts_with('n') || node.starts_with('c'))
            && node.len() > 1
            && node[1..].chars().all(|c| c.is_ascii_digit())
        {
            ids.insert(node.to_string(), decode(id));
        }
    }
    ids
}

fn texts(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

/// Asserts Mermaid reads `text` (written for `d`) back as exactly the
/// diagram's nodes, labels, edges and boxes.
#[track_caller]
fn assert_reads_back(d: &Diagram, text: &str) {
    assert_read_as(d, text, &parse(text));
}

/// Asserts `read`, what Mermaid read from `text` (written for `d`), is
/// exactly the diagram's nodes, labels, edges and boxes.
#[track_caller]
fn assert_read_as(d: &Diagram, text: &str, read: &Value) {
    let g = d.graph;
    if let Some(error) = read.get("error") {
        panic!("Mermaid rejected the flowchart: {error}\n{text}");
    }
    let real = real_ids(text);
    let node = |id: &str| {
        d.nodes
            .iter()
            .copied()
            .find(|&ix| &*g.node(ix).expect("a node").id == id)
            .unwrap_or_else(|| panic!("no diagram node has the id {id:?}\n{text}"))
    };
    let boxes: BTreeSet<String> = read["subgraphs"]
        .as_array()
        .expect("subgraphs")
        .iter()
        .map(|s| texts(s, "id"))
        .collect();
    let mut seen = BTreeSet::new();
    for v in read["vertices"].as_array().expect("vertices") {
        let stand_in = texts(v, "id");
        // An edge to an area that is its box names the box.
        if boxes.contains(&stand_in) {
            continue;
        }
        let id = real
            .get(&stand_in)
            .unwrap_or_else(|| panic!("{stand_in} has no id comment\n{text}"));
        let n = g.node(node(id)).expect("a node");
        assert!(seen.insert(id.clone()), "{id:?} is drawn twice\n{text}");
        assert_eq!(
            texts(v, "text"),
            as_label(&n.name),
            "label of {id:?}\n{text}"
        );
    }

    let mut expected: Vec<(String, String, String)> = d
        .edges
        .iter()
        .map(|&e| {
            let (a, b) = g.petgraph().edge_endpoints(e).expect("an edge");
            let id = |ix| g.node(ix).expect("a node").id.to_string();
            (id(a), as_label(g.rel_name(g.petgraph()[e].rel)), id(b))
        })
        .collect();
    let mut drawn: Vec<(String, String, String)> = read["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            (
                real[&texts(e, "start")].clone(),
                texts(e, "text"),
                real[&texts(e, "end")].clone(),
            )
        })
        .collect();
    // A box: its title is its area's name, and the `part_of` edges of its
    // members to the area are the box. An area is its box (`subgraph nX`),
    // or a node beside it (`subgraph cX`) when an edge joins it to a member.
    for s in read["subgraphs"].as_array().expect("subgraphs") {
        let stand_in = texts(s, "id");
        let area = real
            .get(&stand_in)
            .unwrap_or_else(|| panic!("box {stand_in} has no area comment\n{text}"))
            .clone();
        let title = texts(s, "title");
        assert_eq!(
            title,
            as_label(&g.node(node(&area)).expect("a node").name),
            "box {stand_in} is not titled by its area\n{text}"
        );
        if stand_in.starts_with('n') {
            assert!(seen.insert(area.clone()), "{area:?} is drawn twice\n{text}");
        }
        let members: Vec<String> = s["nodes"]
            .as_array()
            .expect("box members")
            .iter()
            .map(|m| real[m.as_str().expect("a member")].clone())
            .collect();
        assert!(
            !members.contains(&area),
            "{area:?} is inside its own box\n{text}"
        );
        for m in &members {
            let implied = (m.clone(), "part_of".to_string(), area.clone());
            let before = expected.len();
            expected.retain(|e| *e != implied || drawn.contains(e));
            assert!(
                expected.len() < before,
                "{m:?} is in box {title:?} without being part of it\n{text}"
            );
        }
    }
    assert_eq!(seen.len(), d.nodes.len(), "nodes missing\n{text}");
    expected.sort();
    drawn.sort();
    assert_eq!(drawn, expected, "edges differ\n{text}");
}

/// What Mermaid draws as the title: the look-alikes stand for `<`, `>`, `&`.
fn as_title(text: &str) -> String {
    as_label(text)
        .replace('<', "‹")
        .replace('>', "›")
        .replace('&', "＆")
}

#[test]
fn a_hostile_graph_reads_back_exactly() {
    if !parser("a_hostile_graph_reads_back_exactly") {
        return;
    }
    let pairs: Vec<(&str, &str)> = PRINTABLE.iter().chain(CONTROL).copied().collect();
    let g = hostile::build(&hostile::spec(&pairs));
    let d = Diagram::view(&g, &ViewFilter::default());
    assert_reads_back(&d, &to_mermaid(&d, &DiagramOptions::default()));
}

#[test]
fn a_hostile_graph_file_reads_back_exactly_through_the_command_line() {
    if !parser("a_hostile_graph_file_reads_back_exactly_through_the_command_line") {
        return;
    }
    let scratch = Scratch::new();
    let text = hostile::toml(&hostile::spec(PRINTABLE));
    scratch.write("hostile.toml", &text);
    let g = seccoop::load::load_str("hostile.toml", &text).expect("the hostile graph loads");
    let d = Diagram::view(&g, &ViewFilter::default());
    let run = scratch.run(&["-g", "hostile.toml", "export", "--format", "mermaid"]);
    assert_reads_back(&d, &run.success().stdout);
}

#[test]
fn a_title_with_punctuation_showed_entity_codes() {
    // Regression: the title went through the label escaping, and Mermaid
    // does not decode entity codes in titles, so "Impact (depth 3)" was
    // drawn as "Impact #40;depth 3#41;".
    if !parser("a_title_with_punctuation_showed_entity_codes") {
        return;
    }
    let g = hostile::build(&hostile::flat(&PRINTABLE[..3]));
    let titles = [
        "Impact (depth 3)",
        r#"a "quoted" \ title; #1 [x] {y} | z"#,
        "<b>bold</b> & <<x>> &amp;",
        "日本語 🎉 עברית \u{202E}x",
        "two\nlines",
    ];
    let diagrams: Vec<Diagram> = titles
        .iter()
        .map(|t| Diagram::view(&g, &ViewFilter::default()).with_title(*t))
        .collect();
    let texts: Vec<String> = diagrams
        .iter()
        .map(|d| to_mermaid(d, &DiagramOptions::default()))
        .collect();
    let answers = parse_all(&texts);
    for (((title, d), text), read) in titles.iter().zip(&diagrams).zip(&texts).zip(&answers) {
        assert_read_as(d, text, read);
        assert_eq!(read["title"], as_title(title), "{text}");
    }
}

#[test]
fn an_empty_label_did_not_parse() {
    // Regression: a node or relation with an empty name was written as
    // `[""]`, which Mermaid rejects.
    if !parser("an_empty_label_did_not_parse") {
        return;
    }
    let mut spec = hostile::spec(&[("a", ""), ("b", "\n"), ("c", "x"), ("d", "y")]);
    spec.rels[hostile::LINKS].0 = String::new();
    let g = hostile::build(&spec);
    let d = Diagram::view(&g, &ViewFilter::default());
    assert_reads_back(&d, &to_mermaid(&d, &DiagramOptions::default()));
}

#[test]
fn random_ids_and_names_read_back_exactly() {
    // Property-based like the DOT test, but with the cases generated up
    // front and parsed in one run of Node: starting Mermaid takes most of a
    // second. A failure prints the flowchart (there is no shrinking).
    if !parser("random_ids_and_names_read_back_exactly") {
        return;
    }
    let mut runner = proptest::test_runner::TestRunner::default();
    let strategy = hostile::random_spec();
    let graphs: Vec<seccoop::model::Graph> = (0..96)
        .map(|_| {
            let spec = strategy
                .new_tree(&mut runner)
                .expect("a random spec")
                .current();
            hostile::build(&spec)
        })
        .collect();
    let diagrams: Vec<Diagram> = graphs
        .iter()
        .map(|g| Diagram::view(g, &ViewFilter::default()))
        .collect();
    let texts: Vec<String> = diagrams
        .iter()
        .map(|d| to_mermaid(d, &DiagramOptions::default()))
        .collect();
    for ((d, text), read) in diagrams.iter().zip(&texts).zip(parse_all(&texts)) {
        assert_read_as(d, text, &read);
    }
}

/// Needs no parser: every label is one quoted string with nothing inside
/// that Mermaid reads as syntax, and its entity codes decode to the name.
#[test]
fn labels_are_quoted_and_hold_no_syntax() {
    let pairs: Vec<(&str, &str)> = PRINTABLE.iter().chain(CONTROL).copied().collect();
    let g = hostile::build(&hostile::spec(&pairs));
    let d = Diagram::view(&g, &ViewFilter::default());
    let text = to_mermaid(&d, &DiagramOptions::default());
    let names: BTreeSet<String> = d
        .nodes
        .iter()
        .map(|&n| as_label(&g.node(n).expect("a node").name))
        .collect();
    let mut labels = 0;
    for line in text.lines().map(str::trim) {
        // An area that is its box has its label on the box's line.
        let line = line.strip_prefix("subgraph ").unwrap_or(line);
        if line.starts_with("%%") || !line.starts_with('n') {
            continue;
        }
        // `nK["label"]:::class`, with Mermaid's brackets for the shape.
        let (Some(open), Some(close)) = (line.find('"'), line.rfind('"')) else {
            continue;
        };
        let inside = &line[open + 1..close];
        if line[..open].contains("-->") || line[..open].contains("-.->") {
            continue;
        }
        for c in ['"', '<', '>', '|', '[', ']', '{', '}', '(', ')', '`', '\\'] {
            assert!(!inside.contains(c), "{c:?} inside the label of {line:?}");
        }
        assert!(names.contains(decode(inside).trim()), "{line:?}");
        labels += 1;
    }
    assert_eq!(labels, d.nodes.len());
}

#[test]
fn an_area_at_an_edge_end_was_drawn_inside_its_own_box() {
    // Regression: Mermaid drew every area as a node inside its own box, so
    // an edge to an area (intelligence sharing `part_of` a second area)
    // ended at that node. The box now takes the area's id: the edge ends at
    // the box, and no node stands for the area.
    let g = seccoop::load::embedded().expect("the curated graph");
    let d = Diagram::view(&g, &ViewFilter::default());
    let text = to_mermaid(&d, &DiagramOptions::default());
    let real = real_ids(&text);
    let area = "information-sharing-and-capacity-building";
    let (stand_in, _) = real
        .iter()
        .find(|(_, id)| *id == area)
        .expect("the area has a stand-in id");
    assert!(stand_in.starts_with('n'), "{text}");
    assert!(
        text.contains(&format!("subgraph {stand_in} [")),
        "the box is not the area's\n{text}"
    );
    assert!(
        !text
            .lines()
            .any(|l| l.trim().starts_with(&format!("{stand_in}["))),
        "{area} is drawn as a node\n{text}"
    );
    let into_box = text
        .lines()
        .filter(|l| l.trim().ends_with(&format!("| {stand_in}")))
        .count();
    assert!(into_box >= 1, "no edge ends at the box\n{text}");
    if parser("an_area_at_an_edge_end_was_drawn_inside_its_own_box") {
        assert_reads_back(&d, &text);
    }
}

#[test]
fn an_area_joined_to_its_own_member_stands_beside_its_box() {
    // Mermaid cannot draw an edge between a box and a node inside it: such
    // an area is a node outside its box, and the box keeps its members.
    let mut spec = hostile::flat(&[("m", "member"), ("a", "area"), ("o", "other")]);
    spec.nodes[1].2 = hostile::AREA;
    spec.edges = vec![
        (0, hostile::PART_OF, 1, false),
        (1, hostile::LINKS, 0, false),
        (2, hostile::LINKS, 1, false),
    ];
    let g = hostile::build(&spec);
    let d = Diagram::view(&g, &ViewFilter::default());
    let text = to_mermaid(&d, &DiagramOptions::default());
    assert!(text.contains("subgraph c0 ["), "{text}");
    if parser("an_area_joined_to_its_own_member_stands_beside_its_box") {
        let read = parse(&text);
        let boxes = read["subgraphs"].as_array().expect("subgraphs");
        assert_eq!(boxes.len(), 1, "{text}");
        assert_eq!(
            boxes[0]["nodes"].as_array().map(Vec::len),
            Some(1),
            "{text}"
        );
        assert_read_as(&d, &text, &read);
    }
}
