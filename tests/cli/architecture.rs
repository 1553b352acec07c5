//! The module picture in `docs/architecture/` and the README's module table
//! are the code's own: both match a fresh scan of `src/` by
//! `examples/module_graph.rs`, and the modules never use each other in a
//! circle.

#[allow(dead_code)]
#[path = "../../examples/module_graph.rs"]
mod module_graph;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn scan() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    module_graph::scan(&root.join("src")).expect("src/ is readable")
}

#[test]
fn the_committed_module_graph_matches_the_source() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let committed = std::fs::read_to_string(root.join("docs/architecture/modules.toml"))
        .expect("docs/architecture/modules.toml exists");
    assert_eq!(
        committed,
        module_graph::render(&scan()),
        "docs/architecture/modules.toml is stale: run \
         `cargo run --example module_graph > docs/architecture/modules.toml` \
         and docs/architecture/regenerate.sh"
    );
}

#[test]
fn no_module_uses_another_in_a_circle() {
    let uses = scan();
    assert!(uses.len() >= 8, "the scan found the modules: {uses:?}");
    // Kahn's algorithm: whatever cannot be peeled off lies on a cycle.
    let mut left = uses.clone();
    loop {
        let leaves: Vec<String> = left
            .iter()
            .filter(|(_, used)| used.iter().all(|u| !left.contains_key(u)))
            .map(|(m, _)| m.clone())
            .collect();
        if leaves.is_empty() {
            break;
        }
        for m in leaves {
            left.remove(&m);
        }
    }
    assert!(left.is_empty(), "modules on a cycle: {left:?}");
}

#[test]
fn the_readme_module_table_matches_the_source() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let start = "<!-- module table: cargo run --example module_graph -- --table -->\n";
    let from = readme.find(start).expect("the README has the module table") + start.len();
    let to = from
        + readme[from..]
            .find("<!-- end of module table -->")
            .expect("its end");
    assert_eq!(
        &readme[from..to],
        module_graph::table(&scan()),
        "the README's module table is stale: paste \
         `cargo run --example module_graph -- --table` into it"
    );
}
