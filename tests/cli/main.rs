//! The command-line test suite: one binary, one module per subcommand.
//!
//! Every test except `curated` runs the real `seccoop` binary through
//! [`harness`] and checks its stdout, stderr and exit code. Short expected
//! output is written inline; long output (`show`, `related`, JSON) is an
//! insta snapshot in `tests/cli/snapshots/`.

// A failed `expect` in a test is a failed test with a message, which is what
// a test should do; the crate-wide lints that forbid it are for the library.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod harness;

mod architecture;
mod bulk;
mod check;
mod completions;
mod curated;
mod diagrams;
mod differential;
mod dot_roundtrip;
mod errors;
mod every_command;
mod exit_codes;
mod explain;
mod explorer;
mod export;
mod file_modes;
mod formats;
mod gaps;
mod help;
mod hostile;
mod hostile_input;
mod huge_pages;
mod impact;
mod in_place;
mod interchange;
mod large_csv;
mod list;
mod man;
mod matrix;
mod mermaid;
mod overview;
mod path;
mod prioritize;
mod python;
mod query;
mod rank;
mod rdf;
mod readme;
mod related;
mod schema;
mod schema_data;
mod search;
mod show;
mod snapshot;
mod stats;
mod whatif;
