//! The command line: one module per subcommand, and the three steps every
//! run takes.
//!
//! - `args`: what can be typed — the global options, the subcommands,
//!   and the formats each subcommand offers;
//! - `context`: the resolve step — how to print ([`Printing`]), the
//!   loaded graph and its lookups ([`Context`]), what a command returns
//!   ([`Output`]);
//! - `run`: parse, check the format before any work, dispatch,
//!   write the answer.
//!
//! Parsing runs in two steps. clap checks what was typed ([`Cli`]); then
//! the chosen `--format` is checked against the subcommand's list (a usage
//! error, exit 2, before any graph is read), [`Context::resolve`] loads the
//! graph (or, for a command that says it needs only the neighbourhood of
//! its nodes, [`Context::resolve_scope`] may read just that from a
//! snapshot; `query` asks for the graph only once it has read the query,
//! since the query says how far it reaches), and each command resolves its
//! own arguments (node names,
//! relations, kinds) into graph values before it runs. Commands return an
//! [`Output`]; only [`run()`] writes to the terminal or to `--output`.

mod args;
mod context;
mod error;
mod huge_pages;
mod progress;
mod proof;
mod run;

mod check;
mod completions;
mod convert;
mod explain;
mod export;
mod gaps;
mod generate;
mod impact;
mod list;
mod man;
mod matrix;
mod path;
mod prioritize;
mod query;
mod rank;
mod related;
mod schema;
mod search;
mod show;
mod stats;
mod whatif;

pub use args::{Cli, Command, EXIT_CODES, command};
pub use context::{Context, EdgeJson, NodeRef, Output, Printing, Scope, WHOLE_GRAPH_ENV};
pub use error::CliError;
pub use run::{EMPTY_GRAPH_WARNING, run};
