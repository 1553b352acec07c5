//! `seccoop convert IN OUT`: a graph from one format into another.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::{CliError, Output};
use crate::output::{self, Format};
use crate::write::{self, GraphFormat};

/// Convert a graph between TOML, JSON, JSON Lines, a CSV folder and RDF.
///
/// IN is read as -g reads it (a TOML or JSON file, a .jsonl file, a folder
/// holding nodes.csv, or a .ttl or .nt file), and checked: a graph with problems is not converted.
/// OUT's format comes from --to, else from its name: .toml, .json, .jsonl or
/// .ndjson, .ttl (Turtle) or .nt (N-Triples), or a folder (an existing
/// directory or a name without extension) for CSV. Everything survives a
/// conversion: properties and their types, provenance, basis, sources, the
/// graph's description and its schema. RDF names nodes `BASE node/ID`,
/// kinds `BASE kind/NAME`, relations `BASE rel/NAME` (see the README).
///
/// Example: seccoop convert graph/security-cooperation.toml curated/ && seccoop -g curated stats
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The graph to read.
    #[arg(value_name = "IN")]
    pub input: PathBuf,
    /// Where to write it: a file, or a folder for CSV.
    // Not `output`: that is the id of the global -o option.
    #[arg(value_name = "OUT")]
    pub dest: PathBuf,
    /// The format to write [default: from OUT's name].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub to: Option<GraphFormat>,
    /// Mint RDF names under this base IRI, ending with `/`, `#` or `:` [default: urn:seccoop:].
    #[arg(long, value_name = "IRI")]
    pub base: Option<crate::write::rdf::Base>,
}

/// Runs `convert`.
pub fn run(
    args: &Args,
    format: Format,
    progress: &dyn crate::load::Progress,
) -> Result<Output, CliError> {
    let to = match args.to.or_else(|| GraphFormat::of_path(&args.dest)) {
        Some(to) => to,
        None => {
            return Err(CliError::OutputFormat {
                path: args.dest.clone(),
            });
        }
    };
    // A usage error stops the command before it writes anything.
    if !matches!(format, Format::Json | Format::Table) {
        return Err(unsupported(format));
    }
    let graph = crate::load::load_paths_with(std::slice::from_ref(&args.input), progress)
        .map_err(CliError::Load)?;
    match (to, &args.base) {
        (GraphFormat::Turtle | GraphFormat::NTriples, Some(base)) => {
            let syntax = match to {
                GraphFormat::Turtle => write::rdf::RdfSyntax::Turtle,
                _ => write::rdf::RdfSyntax::NTriples,
            };
            write::rdf::write_file(&graph, &args.dest, syntax, base)
        }
        (_, Some(_)) => return Err(CliError::BaseWithoutRdf { format: to.name() }),
        (_, None) => write::write(&graph, &args.dest, to),
    }
    .map_err(CliError::Convert)?;
    let text = match format {
        Format::Json => output::json(&serde_json::json!({
            "input": args.input.display().to_string(),
            "output": args.dest.display().to_string(),
            "format": to.name(),
            "nodes": graph.node_count(),
            "edges": graph.edge_count(),
        })),
        Format::Table => {
            let mut s = String::new();
            let _ = writeln!(
                s,
                "wrote {} and {} to {} ({})",
                output::count(graph.node_count(), "node", "nodes"),
                output::count(graph.edge_count(), "edge", "edges"),
                args.dest.display(),
                to.name()
            );
            s
        }
        _ => return Err(unsupported(format)),
    };
    // A big graph is left for the OS to free, as after any command.
    if graph.node_count() > 100_000 {
        std::mem::forget(graph);
    }
    Ok(Output::answer(text))
}

fn unsupported(format: Format) -> CliError {
    CliError::Format {
        command: "convert",
        format,
        supported: &[Format::Table, Format::Json],
    }
}
