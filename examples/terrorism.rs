//! Which activities address terrorism? Asked of the built-in graph through
//! the library API.
//!
//! Run with `cargo run --example terrorism`.

use seccoop::analysis::{NeighborFilter, related, resolve_node};
use seccoop::model::Direction;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let graph = seccoop::load::embedded()?;
    let terrorism = resolve_node(&graph, "terrorism")?;
    let addresses = graph
        .schema()
        .rel_id("addresses")
        .ok_or("the schema has no `addresses` relation")?;
    let filter = NeighborFilter {
        rels: vec![addresses],
        dir: Direction::In,
        kinds: Vec::new(),
    };
    println!("Activities that address terrorism:");
    for n in related(&graph, terrorism, &filter) {
        let (Some(node), Some(edge)) = (graph.node(n.node), graph.petgraph().edge_weight(n.edge))
        else {
            continue;
        };
        println!("- {} ({}, {})", node.name, node.id, edge.basis.as_str());
    }
    Ok(())
}
