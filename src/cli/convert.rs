//! `seccoop convert [IN] OUT`: a graph from one format into another.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::{CliError, Output, Printing};
use crate::output::{self, Format, ReportFormat};
use crate::write::{self, GraphFormat};

/// Convert a graph between formats, or export it for other tools.
///
/// IN is read as -g reads it (a TOML, JSON, GraphML or node-link file, a
/// .jsonl file, a folder holding nodes.csv, RDF as .ttl or .nt, or a
/// snapshot), and checked: a graph with problems is not converted. Given only OUT, convert
/// writes the graph -g loads, or the built-in graph when there is no -g.
///
/// OUT's format comes from --to, else from its name: .toml, .json, .jsonl or
/// .ndjson, .graphml, .ttl (Turtle) or .nt (N-Triples), or a folder (an
/// existing directory or a name without extension) for CSV. Converting
/// between TOML, JSON, JSON Lines, CSV, GraphML, node-link and RDF keeps
/// everything: properties and their types, provenance, basis, sources, the
/// graph's description and its schema. RDF names nodes `BASE node/ID`, kinds
/// `BASE kind/NAME`, relations `BASE rel/NAME` (see the README).
///
/// A snapshot (.sccp, --to snapshot) is seccoop's own binary form, which -g
/// opens fastest: it holds everything, the edges the schema's rules derive
/// and their proofs too. Convert again when the source changes.
///
/// For other tools: --to graphml (Gephi, yEd, NetworkX's read_graphml),
/// --to node-link (JSON for NetworkX's node_link_graph), --to neo4j and
/// --to kuzu (a folder of CSV files, one per kind and per relation, with
/// neo4j-import.cypher or kuzu-import.cypher to create the schema and load
/// them).
///
/// Examples:
///
/// seccoop convert graph/security-cooperation.toml curated/ && seccoop -g curated stats
///
/// seccoop convert curated.graphml   (the built-in graph, as GraphML)
///
/// seccoop -g mine.toml convert --to kuzu mine-kuzu/   (mine.toml, for Kuzu)
///
/// seccoop convert big/ big.sccp && seccoop -g big.sccp stats   (a snapshot)
#[derive(Debug, clap::Args)]
#[command(override_usage = "seccoop convert [OPTIONS] [IN] OUT")]
pub struct Args {
    /// [IN] OUT: the graph to read (default: -g, else the built-in graph),
    /// and where to write it: a file, or a folder for CSV, neo4j and kuzu.
    // Not `output`: that is the id of the global -o option.
    #[arg(value_name = "PATH", num_args = 1..=2, required = true)]
    pub paths: Vec<PathBuf>,
    /// The format to write [default: from OUT's name].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub to: Option<GraphFormat>,
    /// Mint RDF names under this base IRI, ending with `/`, `#` or `:` [default: urn:seccoop:].
    #[arg(long, value_name = "IRI")]
    pub base: Option<crate::write::rdf::Base>,
}

/// The formats `convert` prints its summary in, its default first.
pub const FORMATS: &[Format] = Format::REPORT;

/// Runs `convert`; `graph_files` are the paths given with -g.
pub fn run(
    args: &Args,
    graph_files: &[PathBuf],
    printing: &Printing,
    progress: &dyn crate::load::Progress,
) -> Result<Output, CliError> {
    let (inputs, dest): (Vec<PathBuf>, &PathBuf) = match args.paths.as_slice() {
        [input, dest] if graph_files.is_empty() => (vec![input.clone()], dest),
        [_, _] => return Err(CliError::ConvertInput),
        [dest] => (graph_files.to_vec(), dest),
        _ => return Err(CliError::ConvertInput),
    };
    let to = match args.to.or_else(|| GraphFormat::to_write(dest)) {
        Some(to) => to,
        None => {
            return Err(CliError::OutputFormat { path: dest.clone() });
        }
    };
    // A usage error stops the command before it reads or writes anything.
    let format = printing.report()?;
    let rdf = match to {
        GraphFormat::Turtle => Some(write::rdf::RdfSyntax::Turtle),
        GraphFormat::NTriples => Some(write::rdf::RdfSyntax::NTriples),
        _ => None,
    };
    if args.base.is_some() && rdf.is_none() {
        return Err(CliError::BaseWithoutRdf { format: to.name() });
    }
    // The built-in graph comes from the snapshot compiled into the binary,
    // which a test holds equal to its text, so no TOML is parsed for it.
    let mut graph = if inputs.is_empty() {
        crate::load::embedded_with_derived().map_err(CliError::Load)??
    } else if to == GraphFormat::Snapshot {
        crate::load::load_paths_with(&inputs, progress).map_err(CliError::Load)?
    } else {
        crate::load::load_paths_asserted(&inputs, progress).map_err(CliError::Load)?
    };
    // A snapshot holds the derived edges, so opening it skips the
    // derivation; the text formats hold what the sources assert.
    if to == GraphFormat::Snapshot {
        if graph.derived_count() == 0 {
            crate::reason::materialise(&mut graph)?;
        }
    } else {
        graph.remove_derived();
    }
    match (rdf, &args.base) {
        (Some(syntax), Some(base)) => write::rdf::write_file(&graph, dest, syntax, base),
        _ => write::write(&graph, dest, to),
    }
    .map_err(CliError::Convert)?;
    let input = if inputs.is_empty() {
        crate::load::EMBEDDED_NAME.to_string()
    } else {
        inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let text = match format {
        ReportFormat::Json => output::json(&serde_json::json!({
            "input": input,
            "output": dest.display().to_string(),
            "format": to.name(),
            "nodes": graph.node_count(),
            "edges": graph.edge_count(),
        })),
        ReportFormat::Table => {
            let mut s = String::new();
            let _ = writeln!(
                s,
                "wrote {} and {}{} to {} ({})",
                output::count(graph.node_count(), "node", "nodes"),
                output::count(graph.edge_count(), "edge", "edges"),
                match graph.derived_count() {
                    0 => String::new(),
                    n => format!(" ({n} derived)"),
                },
                dest.display(),
                to.name()
            );
            s
        }
    };
    // The graph is left for the OS to free, as after any command: freeing
    // it one allocation at a time was a tenth of converting the built-in
    // graph, and for a big graph longer than writing it.
    std::mem::forget(graph);
    Ok(Output::answer(text))
}
