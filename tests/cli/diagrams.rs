//! The diagrams committed in `docs/diagrams` are what seccoop draws today.
//!
//! `docs/diagrams/diagrams.txt` lists each diagram with the arguments that
//! print its DOT source; `docs/diagrams/regenerate.sh` writes the sources
//! and renders the SVGs. These tests run the same arguments and compare.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::harness::seccoop;

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/diagrams")
}

/// `(name, arguments)` of every line of `diagrams.txt`.
fn manifest() -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(folder().join("diagrams.txt")).expect("diagrams.txt");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, args) = l.split_once(':').expect("NAME: ARGS");
            (
                name.trim().to_string(),
                args.split_whitespace().map(String::from).collect(),
            )
        })
        .collect()
}

fn read(name: &str) -> String {
    let path = folder().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

#[test]
fn committed_dot_sources_are_what_seccoop_draws() {
    let diagrams = manifest();
    assert!(diagrams.len() >= 4);
    for (name, args) in diagrams {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = seccoop(&args);
        let now = &run.success().stdout;
        // An overview is drawn as SVG by seccoop itself: the SVG is its source.
        let source = if is_overview(&args) { "svg" } else { "dot" };
        let committed = read(&format!("{name}.{source}"));
        if *now != committed {
            let line = now
                .lines()
                .zip(committed.lines())
                .position(|(a, b)| a != b)
                .map_or_else(|| "the end".to_string(), |i| format!("line {}", i + 1));
            panic!(
                "docs/diagrams/{name}.{source} differs from `seccoop {}` at {line}; \
                 run docs/diagrams/regenerate.sh",
                args.join(" ")
            );
        }
    }
}

/// Whether a manifest line draws an overview, which seccoop writes as SVG.
fn is_overview<S: AsRef<str>>(args: &[S]) -> bool {
    args.iter().any(|a| a.as_ref() == "--overview")
}

#[test]
fn committed_svgs_draw_their_sources() {
    for (name, args) in manifest() {
        if is_overview(&args) {
            continue;
        }
        let dot = read(&format!("{name}.dot"));
        let svg = read(&format!("{name}.svg"));
        assert!(svg.contains("<svg"), "{name}.svg is not an SVG");
        // Every node of the source is in the picture: Graphviz titles each
        // node's group with its name.
        let mut nodes = 0;
        for line in dot.lines().map(str::trim_start) {
            let Some(rest) = line.strip_prefix('"') else {
                continue;
            };
            let Some((id, attrs)) = rest.split_once('"') else {
                continue;
            };
            if !attrs.starts_with('[') {
                continue;
            }
            nodes += 1;
            let title = format!(
                "<title>{}</title>",
                id.replace('&', "&amp;").replace('-', "&#45;")
            );
            assert!(
                svg.contains(&title),
                "{name}.svg does not draw {id}; run docs/diagrams/regenerate.sh"
            );
        }
        assert!(nodes > 0, "{name}.dot has no nodes");
    }
}

#[test]
fn the_manifest_lists_every_committed_diagram() {
    let listed: BTreeSet<String> = manifest().into_iter().map(|(name, _)| name).collect();
    let mut found = BTreeSet::new();
    for entry in std::fs::read_dir(folder()).expect("docs/diagrams") {
        let name = entry
            .expect("an entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        for ext in [".dot", ".svg"] {
            if let Some(stem) = name.strip_suffix(ext) {
                found.insert(stem.to_string());
            }
        }
    }
    assert_eq!(found, listed);
}
