//! Loads a graph file of one's own (here `examples/regional-cooperation.toml`,
//! which brings its own schema), checks it, and asks it a question.
//!
//! Run with `cargo run --example user_graph [FILE]`.

use std::path::PathBuf;

use seccoop::analysis::{NeighborFilter, related, resolve_node, stats};

fn main() -> std::process::ExitCode {
    let path = std::env::args_os().nth(1).map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/examples/regional-cooperation.toml"
            ))
        },
        PathBuf::from,
    );
    let graph = match seccoop::load::load_paths(std::slice::from_ref(&path)) {
        Ok(graph) => graph,
        Err(errors) => {
            // Each error knows its file, line and column.
            for e in &errors.0 {
                match e.location() {
                    Some(at) => eprintln!("{at}: {e}"),
                    None => eprintln!("{e}"),
                }
            }
            return std::process::ExitCode::FAILURE;
        }
    };
    let s = stats(&graph);
    println!(
        "{}: {} nodes, {} edges",
        path.display(),
        graph.node_count(),
        graph.edge_count()
    );
    for (kind, count) in &s.kinds {
        println!("  {:<10} {count}", graph.kind_name(*kind));
    }
    // Who takes part in the maritime patrols?
    if let Ok(patrols) = resolve_node(&graph, "Joint Maritime Patrols") {
        println!("Joint Maritime Patrols links to:");
        for n in related(&graph, patrols, &NeighborFilter::default()) {
            if let Some(node) = graph.node(n.node) {
                println!("  {} {}", graph.rel_name(n.rel), node.name);
            }
        }
    }
    std::process::ExitCode::SUCCESS
}
