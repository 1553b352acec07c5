//! seccoop: a knowledge-graph query tool for security cooperation.
//!
//! The crate is a library first; the `seccoop` binary is a thin shell over
//! [`cli::run`]. Its parts, in the order data flows through them:
//!
//! - [`model`]: the typed property graph and its schema;
//! - [`format`](mod@format): the interchange formats, what their readers and writers
//!   share: layouts, names, extensions, and the one table of graph formats;
//! - [`load`]: reading, checking and merging graph files, and the curated
//!   graph compiled into the binary;
//! - [`reason`]: edges derived from the schema's rules, with their proofs;
//! - [`analysis`]: the questions asked of a graph (resolve, search,
//!   neighbours, statistics), returning data;
//! - [`query`]: openCypher queries over a graph, returning rows;
//! - [`generate`]: synthetic graphs of any size, for benchmarks;
//! - [`export`]: diagrams (DOT, Mermaid, rendered images) of a graph or an answer;
//! - [`output`]: turning data into tables, JSON and error reports;
//! - [`write`](mod@write): writing a graph in every format it is read from, and the
//!   Neo4j and Kuzu import bundles;
//! - [`atomic`]: replacing a file whole, the one way every file is written;
//! - [`cli`]: the command line, one module per subcommand.
//!
//! Two small helpers serve every layer: [`suggest`] (the nearest name, for
//! "did you mean") and [`io_text`] (how an I/O error reads in a message).
//!
//! ```
//! use seccoop::analysis::{related, NeighborFilter};
//!
//! let graph = seccoop::load::embedded().unwrap();
//! let terrorism = graph.node_index("terrorism").unwrap();
//! let addresses = graph.schema().rel_id("addresses").unwrap();
//! let filter = NeighborFilter { rels: vec![addresses], ..Default::default() };
//! for n in related(&graph, terrorism, &filter) {
//!     println!("{}", graph.node(n.node).unwrap().name);
//! }
//! ```

#![forbid(unsafe_code)]

pub mod analysis;
pub mod atomic;
pub mod cli;
pub mod export;
pub mod format;
pub mod generate;
pub mod io_text;
pub mod load;
pub mod model;
pub mod output;
pub mod query;
pub mod reason;
pub mod suggest;
pub mod write;
