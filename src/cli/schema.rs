//! `seccoop schema`: the JSON Schema of graph files, for editors and
//! validators.

use super::{CliError, Output};
use crate::output::Format;

const LONG_HELP: &str = "\
The schema is also in the repository as graph/graph.schema.json. Editors use
it to check a graph file while it is typed:
  TOML (VS Code with Even Better TOML, or any taplo-based editor): put
    #:schema ./graph.schema.json
  as the first line of the file, or map files to it in a .taplo.toml.
  JSON: add \"$schema\": \"./graph.schema.json\" at the top level; seccoop
    ignores that key.
The schema checks the shape of a file (keys, types, basis and impact values,
well-formed ids); `seccoop check` also checks what needs the whole graph:
unique ids, known kinds and relations, edges allowed by the schema.

Example:
  seccoop schema -o graph.schema.json";

/// Print the JSON Schema of graph files (TOML or JSON), for editors and validators.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  seccoop schema -o graph.schema.json",
    after_long_help = LONG_HELP
)]
pub struct Args {}

/// `schema` prints JSON only.
pub const FORMATS: &[Format] = &[Format::Json];

/// Runs `schema`.
pub fn run(_: &Args) -> Result<Output, CliError> {
    Ok(Output::answer(crate::format::graph_file::json_schema_text()))
}
