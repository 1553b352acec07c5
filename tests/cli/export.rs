//! `seccoop export`, and the diagrams of `related`, `show`, `impact` and
//! `path`: what each draws, the formats, `-o`, and what happens when
//! Graphviz is missing, hangs or fails.
//!
//! What a diagram holds is read from its Mermaid form, which lists every
//! node with its real id in a comment and every edge (DOT leaves out an
//! area drawn as a box); the DOT form is read back with Graphviz where it
//! is installed.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::dot_roundtrip::{End, read_back};
use crate::harness::{
    Run, Scratch, command, curated_toml, fake_dot, finish, graphviz, note, seccoop,
};
use crate::mermaid::{decode, real_ids};

type Triple = (String, String, String);

/// The nodes and edges a Mermaid diagram draws, with real ids; a member's
/// place in its area's box counts as its `part_of` edge.
fn drawing(text: &str) -> (BTreeSet<String>, BTreeSet<Triple>) {
    let real = real_ids(text);
    let nodes: BTreeSet<String> = real.values().cloned().collect();
    let mut edges = BTreeSet::new();
    let mut area: Option<String> = None;
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("subgraph ") {
            // The box stands for its area (see `real_ids`).
            let id = rest.split([' ', '[']).next().unwrap_or_default();
            area = Some(real.get(id).cloned().unwrap_or_default());
            continue;
        }
        if line == "end" {
            area = None;
            continue;
        }
        let first = line.split(['[', '(', '{', ' ']).next().unwrap_or_default();
        if let Some(id) = real.get(first) {
            match &mut area {
                Some(a) if a.is_empty() => *a = id.clone(),
                Some(a) => {
                    edges.insert((id.clone(), "part_of".to_string(), a.clone()));
                }
                None => {}
            }
        }
        for arrow in [" -->|\"", " -.->|\""] {
            if let Some((from, rest)) = line.split_once(arrow) {
                let (rel, to) = rest.split_once("\"| ").expect("an edge label");
                edges.insert((real[from].clone(), decode(rel), real[to].clone()));
            }
        }
    }
    (nodes, edges)
}

/// `ARGS --format mermaid`, drawn.
fn drawn(args: &[&str]) -> (BTreeSet<String>, BTreeSet<Triple>) {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "mermaid"]);
    drawing(&seccoop(&all).success().stdout)
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "json"]);
    seccoop(&all).success().json()
}

fn edge(e: &Value) -> Triple {
    let f = |k: &str| e[k].as_str().expect("an edge field").to_string();
    (f("from"), f("rel"), f("to"))
}

/// The edges of `related NODE` in their real direction, and the ids.
fn neighbourhood(node: &str) -> (BTreeSet<String>, BTreeSet<Triple>) {
    let rows = json(&["related", node]);
    let mut nodes = BTreeSet::from([node.to_string()]);
    let mut edges = BTreeSet::new();
    for r in rows.as_array().expect("rows") {
        let f = |k: &str| r[k].as_str().expect("a field").to_string();
        nodes.insert(f("id"));
        edges.insert(if f("dir") == "out" {
            (node.to_string(), f("rel"), f("id"))
        } else {
            (f("id"), f("rel"), node.to_string())
        });
    }
    (nodes, edges)
}

/// Asserts the DOT form of `ARGS` draws the same nodes as its Mermaid form
/// (an area may be drawn as a box only) and the same edges.
#[track_caller]
fn assert_dot_matches(args: &[&str], nodes: &BTreeSet<String>, edges: &BTreeSet<Triple>) {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "dot"]);
    let text = seccoop(&all).success().stdout.clone();
    assert!(text.starts_with("digraph seccoop {"), "{text}");
    if !graphviz("assert_dot_matches") {
        return;
    }
    let read = read_back(&text);
    let drawn: BTreeSet<String> = read.nodes.iter().map(|(name, _, _)| name.clone()).collect();
    assert!(
        drawn.is_subset(nodes),
        "{args:?}: {:?}",
        drawn.difference(nodes)
    );
    // A box's tooltip is its area's id and kind.
    let area_of = |tooltip: &str| {
        let (id, _kind) = tooltip.rsplit_once(" (").expect("a box tooltip: id (kind)");
        id.to_string()
    };
    let boxes: BTreeSet<String> = read.clusters.iter().map(|c| area_of(&c.tooltip)).collect();
    for missing in nodes.difference(&drawn) {
        assert!(boxes.contains(missing), "{args:?}: {missing} is not drawn");
    }
    let id_of = |end: End| match end {
        End::Node(name) => name.to_string(),
        End::Box(tooltip) => area_of(tooltip),
    };
    let mut dot_edges: BTreeSet<Triple> = read
        .edges
        .iter()
        .map(|e| {
            let (a, b) = e.ends();
            (id_of(a), e.label.clone(), id_of(b))
        })
        .collect();
    for c in &read.clusters {
        let area = area_of(&c.tooltip);
        for m in &c.members {
            assert_ne!(*m, area, "{args:?}: {m} is drawn inside its own box");
            dot_edges.insert((m.clone(), "part_of".into(), area.clone()));
        }
    }
    assert_eq!(&dot_edges, edges, "{args:?}");
}

#[test]
fn export_prints_dot_by_default() {
    let run = seccoop(&["export"]);
    assert!(
        run.success().stdout.starts_with("digraph seccoop {\n"),
        "{run}"
    );
    assert!(run.stdout.ends_with("}\n"));
    run.stderr_is("");
}

#[test]
fn format_mermaid() {
    let run = seccoop(&["export", "--format", "mermaid"]);
    assert!(run.success().stdout.starts_with("flowchart LR\n"), "{run}");
    let (nodes, edges) = drawing(&run.stdout);
    assert_eq!(nodes.len(), 78);
    // Every edge of the graph (215 in the file and 22 derived), each
    // `part_of` as a place in a box or an edge.
    assert_eq!(edges.len(), 237);
    let asserted = seccoop(&["--no-reasoning", "export", "--format", "mermaid"]);
    assert_eq!(drawing(&asserted.success().stdout).1.len(), 215);
    let tb = seccoop(&["export", "--format", "mermaid", "--rankdir", "TB"]);
    assert!(tb.success().stdout.starts_with("flowchart TB\n"));
}

#[test]
fn output_extension_chooses_the_format() {
    let scratch = Scratch::new();
    for (file, starts) in [
        ("graph.dot", "digraph"),
        ("graph.gv", "digraph"),
        ("graph.mmd", "flowchart"),
    ] {
        scratch.run(&["export", "-o", file]).success().stdout_is("");
        let text = std::fs::read_to_string(scratch.path().join(file)).expect("the file");
        assert!(text.starts_with(starts), "{file}: {text:.40}");
    }
    if !graphviz("output_extension_chooses_the_format") {
        return;
    }
    for (file, magic) in [
        ("graph.svg", &b"<?xml"[..]),
        ("graph.png", b"\x89PNG\r\n\x1a\n"),
        ("graph.pdf", b"%PDF"),
    ] {
        scratch.run(&["export", "-o", file]).success().stdout_is("");
        let bytes = std::fs::read(scratch.path().join(file)).expect("the file");
        assert!(
            bytes.starts_with(magic) || (file.ends_with(".svg") && bytes.starts_with(b"<svg")),
            "{file} starts with {:?}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(16)])
        );
    }
    // --format wins over the extension.
    scratch
        .run(&["export", "--format", "dot", "-o", "really-dot.svg"])
        .success();
    let text = std::fs::read_to_string(scratch.path().join("really-dot.svg")).expect("the file");
    assert!(text.starts_with("digraph"));
    assert_no_temp_files(scratch.path());
}

#[test]
fn focus_depth_1_draws_exactly_the_neighbours() {
    let (nodes, edges) = neighbourhood("terrorism");
    let (drawn_nodes, drawn_edges) = drawn(&["export", "--focus", "terrorism", "--depth", "1"]);
    assert_eq!(drawn_nodes, nodes);
    // Every edge among those nodes, not only those at terrorism.
    assert!(drawn_edges.is_superset(&edges));
    let mut among = BTreeSet::new();
    for n in &nodes {
        among.extend(
            neighbourhood(n)
                .1
                .into_iter()
                .filter(|(a, _, b)| nodes.contains(a) && nodes.contains(b)),
        );
    }
    assert_eq!(drawn_edges, among);
    assert!(
        among.len() > edges.len(),
        "the test needs an edge between two neighbours"
    );
    assert_dot_matches(
        &["export", "--focus", "terrorism", "--depth", "1"],
        &nodes,
        &among,
    );
}

#[test]
fn kind_and_rel_filters() {
    let file = curated_toml();
    let addresses: BTreeSet<Triple> = file["edges"]
        .as_array()
        .expect("[[edges]]")
        .iter()
        .filter(|e| e["rel"].as_str() == Some("addresses"))
        .map(|e| {
            let f = |k: &str| e[k].as_str().expect("an end").to_string();
            (f("from"), "addresses".to_string(), f("to"))
        })
        .collect();
    let touched: BTreeSet<String> = addresses
        .iter()
        .flat_map(|(a, _, b)| [a.clone(), b.clone()])
        .collect();
    // The file's edges: what the file asserts, without derived ones.
    let args = [
        "--no-reasoning",
        "export",
        "--kind",
        "activity",
        "--kind",
        "threat",
        "--rel",
        "addresses",
    ];
    let (nodes, edges) = drawn(&args);
    assert_eq!(edges, addresses);
    assert_eq!(nodes, touched);
    assert_dot_matches(&args, &nodes, &edges);
    // --kind alone keeps those kinds and every edge among them.
    let (nodes, edges) = drawn(&["export", "--kind", "challenge", "--kind", "principle"]);
    let kinds = json(&["list", "challenge"])
        .as_array()
        .expect("a list")
        .len()
        + json(&["list", "principle"])
            .as_array()
            .expect("a list")
            .len();
    assert_eq!(nodes.len(), kinds);
    assert!(!edges.is_empty());
    assert!(edges.iter().all(|(_, rel, _)| rel == "mitigates"));
}

#[test]
fn unknown_kind_relation_and_focus_are_errors() {
    seccoop(&["export", "--kind", "activty"])
        .error()
        .stderr_has(&["unknown kind `activty`"]);
    seccoop(&["export", "--rel", "adresses"])
        .error()
        .stderr_has(&["unknown relation `adresses`"]);
    seccoop(&["export", "--focus", "terorism"])
        .error()
        .stderr_has(&["unknown node `terorism`"]);
    seccoop(&["export", "--depth", "2"])
        .exits(2)
        .stderr_has(&["--focus"]);
}

#[test]
fn related_draws_exactly_its_answer() {
    let (nodes, edges) = neighbourhood("terrorism");
    let drawing = drawn(&["related", "terrorism"]);
    assert_eq!(drawing, (nodes.clone(), edges.clone()));
    assert_dot_matches(&["related", "terrorism"], &nodes, &edges);
    // With a filter, only what the filter keeps.
    let (nodes, edges) = drawn(&["related", "terrorism", "--rel", "addresses"]);
    // Terrorism and its four addressers, one of them derived.
    assert_eq!(nodes.len(), 5);
    assert!(
        edges
            .iter()
            .all(|(_, rel, to)| rel == "addresses" && to == "terrorism")
    );
}

#[test]
fn show_draws_the_node_and_its_edges() {
    let expected = neighbourhood("intelligence-sharing");
    assert_eq!(drawn(&["show", "intelligence-sharing"]), expected);
    assert_dot_matches(&["show", "intelligence-sharing"], &expected.0, &expected.1);
}

#[test]
fn impact_draws_what_it_reaches_and_how() {
    let answer = json(&["impact", "lack-of-trust-and-transparency"]);
    let mut nodes = BTreeSet::from(["lack-of-trust-and-transparency".to_string()]);
    let mut edges = BTreeSet::new();
    for r in answer["reached"].as_array().expect("reached") {
        nodes.insert(r["id"].as_str().expect("id").to_string());
        edges.extend(
            r["reached_from"]
                .as_array()
                .expect("reached_from")
                .iter()
                .map(edge),
        );
    }
    for m in answer["mitigated_by"].as_array().expect("mitigated_by") {
        let id = m["id"].as_str().expect("id").to_string();
        edges.insert((
            id.clone(),
            "mitigates".into(),
            "lack-of-trust-and-transparency".into(),
        ));
        nodes.insert(id);
    }
    let args = ["impact", "lack-of-trust-and-transparency"];
    assert_eq!(drawn(&args), (nodes.clone(), edges.clone()));
    assert_dot_matches(&args, &nodes, &edges);
}

#[test]
fn path_draws_the_paths() {
    for args in [
        &["path", "resource-constraints", "terrorism"][..],
        &[
            "path",
            "intelligence-sharing",
            "terrorism",
            "--all",
            "--max-hops",
            "2",
        ],
    ] {
        let answer = json(args);
        let mut nodes = BTreeSet::new();
        let mut edges = BTreeSet::new();
        for p in answer["paths"].as_array().expect("paths") {
            nodes.extend(
                p["nodes"]
                    .as_array()
                    .expect("nodes")
                    .iter()
                    .map(|n| n.as_str().expect("id").to_string()),
            );
            edges.extend(p["edges"].as_array().expect("edges").iter().map(edge));
        }
        assert!(!edges.is_empty());
        assert_eq!(drawn(args), (nodes.clone(), edges.clone()), "{args:?}");
        assert_dot_matches(args, &nodes, &edges);
    }
}

#[test]
fn list_and_gaps_do_not_draw() {
    for args in [&["list"][..], &["gaps"], &["search", "terror"], &["stats"]] {
        for format in ["dot", "mermaid", "svg"] {
            let mut all = args.to_vec();
            all.extend_from_slice(&["--format", format]);
            let run = seccoop(&all);
            run.exits(2)
                .stdout_is("")
                .stderr_has(&[&format!("does not print --format {format}")]);
        }
    }
}

/// Runs `seccoop ARGS` in `dir` with PATH set to `path`.
fn run_with_path(dir: &Path, path: &str, args: &[&str]) -> Run {
    let mut cmd = command(dir, args);
    cmd.env("PATH", path);
    finish(cmd, args)
}

#[track_caller]
fn assert_no_temp_files(dir: &Path) {
    let leftovers: Vec<String> = std::fs::read_dir(dir)
        .expect("read the folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".seccoop-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn without_graphviz_images_fail_and_say_how_to_install_it() {
    let scratch = Scratch::new();
    let empty = Scratch::new();
    let path = empty.path().to_str().expect("a UTF-8 path");
    for args in [
        &["export", "-o", "graph.svg"][..],
        &["export", "--format", "png"],
        &["impact", "nato", "--format", "pdf"],
    ] {
        run_with_path(scratch.path(), path, args)
            .error()
            .stderr_has(&[
                "Graphviz's `dot` program was not found on PATH",
                "apt-get install graphviz",
                "--format dot, which needs nothing",
            ]);
    }
    assert!(!scratch.path().join("graph.svg").exists());
    // DOT and Mermaid need no Graphviz.
    run_with_path(scratch.path(), path, &["export"]).success();
    run_with_path(scratch.path(), path, &["export", "--format", "mermaid"]).success();
}

/// The processes whose command line holds `needle`, from /proc; `None`
/// where there is no /proc.
fn processes_with(needle: &str) -> Option<Vec<String>> {
    let entries = std::fs::read_dir("/proc").ok()?;
    Some(
        entries
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .chars()
                    .all(|c| c.is_ascii_digit())
            })
            .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
            .map(|bytes| String::from_utf8_lossy(&bytes).replace('\0', " "))
            .filter(|cmdline| cmdline.contains(needle))
            .collect(),
    )
}

#[test]
fn a_hanging_graphviz_is_stopped_with_everything_it_started() {
    // Regression: a `dot` that was a script running a child was killed but
    // its child kept the output pipe open, so `--render-timeout 1` waited
    // 30 seconds for it, and the child was left running.
    let scratch = Scratch::new();
    scratch.write("old.svg", "old");
    // A distinctive duration, to find the process again.
    let bin = fake_dot("sleep 29.75");
    let path = format!("{}:/usr/bin:/bin", bin.path().display());
    let started = Instant::now();
    let run = run_with_path(
        scratch.path(),
        &path,
        &["export", "-o", "old.svg", "--render-timeout", "1"],
    );
    let took = started.elapsed();
    run.error().stderr_has(&[
        "Graphviz took longer than 1s and was stopped",
        "--render-timeout SECS",
    ]);
    assert!(took < Duration::from_secs(4), "took {took:?}");
    // SIGKILL takes effect a moment after it is sent: allow two seconds.
    let gone_by = Instant::now() + Duration::from_secs(2);
    loop {
        match processes_with("sleep 29.75") {
            Some(left) if left.is_empty() => break,
            Some(left) if Instant::now() > gone_by => panic!("left running: {left:?}"),
            Some(_) => std::thread::sleep(Duration::from_millis(50)),
            None => {
                note("no /proc here; leftover processes not checked");
                break;
            }
        }
    }
    // -o is atomic: the old file is untouched, no temporary file is left.
    assert_eq!(
        std::fs::read_to_string(scratch.path().join("old.svg")).expect("old.svg"),
        "old"
    );
    assert_no_temp_files(scratch.path());
}

#[test]
fn a_failing_graphviz_is_a_clear_error_and_leaves_the_file_alone() {
    let scratch = Scratch::new();
    scratch.write("graph.png", "old");
    let bin = fake_dot("echo 'Error: something broke' >&2\nexit 1");
    let path = format!("{}:/usr/bin:/bin", bin.path().display());
    run_with_path(scratch.path(), &path, &["export", "-o", "graph.png"])
        .error()
        .stderr_has(&[
            "Graphviz failed: Error: something broke",
            "--format dot shows the diagram's source",
        ]);
    assert_eq!(
        std::fs::read_to_string(scratch.path().join("graph.png")).expect("graph.png"),
        "old"
    );
    assert_no_temp_files(scratch.path());
    // Silent failure: the exit status is the message.
    let bin = fake_dot("exit 3");
    let path = format!("{}:/usr/bin:/bin", bin.path().display());
    run_with_path(scratch.path(), &path, &["export", "-o", "graph.png"])
        .error()
        .stderr_has(&["Graphviz failed: `dot` exited with exit status: 3"]);
}

#[test]
fn output_into_a_missing_folder_is_an_error() {
    let scratch = Scratch::new();
    scratch
        .run(&["export", "-o", "no/such/folder/graph.dot"])
        .error()
        .stderr_has(&[
            "cannot write `no/such/folder/graph.dot`",
            "no such file or directory",
            "check that the folder exists",
        ]);
    assert!(!scratch.path().join("no").exists());
}

#[test]
fn output_replaces_a_file_whole() {
    let scratch = Scratch::new();
    scratch.write("graph.dot", "x".repeat(1_000_000));
    scratch
        .run(&["export", "-o", "graph.dot", "--focus", "nato"])
        .success();
    let text = std::fs::read_to_string(scratch.path().join("graph.dot")).expect("graph.dot");
    assert!(text.starts_with("digraph") && text.ends_with("}\n") && !text.contains("xxx"));
    assert_no_temp_files(scratch.path());
}

#[test]
fn a_binary_format_is_not_written_to_a_terminal() {
    // `script` gives the command a terminal for stdout.
    let works = std::process::Command::new("script")
        .args(["-qec", "true", "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    if !works {
        note("a_binary_format_is_not_written_to_a_terminal skipped: no util-linux `script`");
        return;
    }
    // The refusal comes after rendering, so Graphviz is needed.
    if !graphviz("a_binary_format_is_not_written_to_a_terminal") {
        return;
    }
    let scratch = Scratch::new();
    let line = format!("{} export --format png", crate::harness::BIN);
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"])
        .current_dir(scratch.path())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null());
    let out = cmd.output().expect("run script");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("refusing to write png to a terminal"),
        "{shown}"
    );
    assert!(shown.contains("-o FILE.png"), "{shown}");
    assert!(
        !shown.contains("PNG"),
        "image bytes reached the terminal: {shown}"
    );
}

#[test]
fn output_named_as_a_graph_file_names_the_command_that_writes_it() {
    // `export -o graph.graphml` wrote DOT into a file named as GraphML.
    let scratch = Scratch::new();
    for (name, format) in [
        ("graph.graphml", "graphml"),
        ("graph.toml", "toml"),
        ("graph.TTL", "turtle"),
        ("graph.nt", "ntriples"),
    ] {
        scratch
            .run(&["-g", "/nonexistent/graph.toml", "export", "-o", name])
            .exits(2)
            .stderr_has(&[
                &format!("error: `export` does not write {format} files such as `{name}`"),
                &format!(
                    "`seccoop convert` writes the graph as {format}: `seccoop convert {name}`"
                ),
            ]);
        assert!(!scratch.path().join(name).exists(), "{name}");
    }
    // Asked for by name, DOT goes where it is told.
    scratch
        .run(&["export", "--format", "dot", "-o", "graph.graphml"])
        .success();
    let text = std::fs::read_to_string(scratch.path().join("graph.graphml")).expect("written");
    assert!(text.starts_with("digraph"));
}
