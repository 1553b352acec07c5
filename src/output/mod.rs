//! The output layer: answers turned into text, and errors into reports.
//!
//! Commands build plain data; this layer turns it into text. Nothing here
//! writes to a stream: callers get a `String` and write it whole, so a
//! failure never leaves half an answer on stdout.
//!
//! - [`format`](mod@format): the `--format` values, grouped into records and diagrams;
//! - [`records`]: rows as a table, JSON, JSON Lines or CSV;
//! - [`table`](mod@table): aligned columns and titled report sections;
//! - [`text`]: text made safe and short for a terminal, and its style;
//! - [`diagnostic`](mod@diagnostic): errors drawn with their source line and caret.
//!
//! This layer depends on nothing else in the crate: diagrams are drawn by
//! the `export` module, and files are written by the `atomic` module.

pub mod diagnostic;
pub mod format;
pub mod records;
pub mod table;
pub mod text;

pub use diagnostic::diagnostic;
pub use format::{DiagramFormat, Format, RecordFormat, ReportFormat, Shape};
pub use records::{Records, csv, json, jsonl};
pub use table::{section, table};
pub use text::{MAX_CELL, Style, count, safe, shorten};
