//! `seccoop generate --nodes N DIR`: a synthetic graph as a CSV folder, in
//! the mix its schema sets (the schema of the `-g` graph, else the curated one).

use std::fmt::Write as _;
use std::path::PathBuf;

use super::{CliError, Output, Printing};
use crate::generate::{self, MIN_NODES};
use crate::output::{self, Format, ReportFormat};

/// Write a synthetic graph with the curated graph's shape, as a CSV folder.
///
/// Half the nodes are activities, each part of one area, addressing 2–4
/// threats, involving 1–3 actors and hindered by 0–2 challenges; about 20%
/// are threats, 20% actors, 6% challenges, and the rest areas and principles
/// that mitigate challenges. With -g, the graph's own schema sets the mix
/// (its kinds' `share` and its relations' `generate`) and is written beside
/// as schema.toml. The same --nodes and --seed always write the same files.
/// Load the folder with -g DIR.
///
/// Example: seccoop generate --nodes 1000000 --seed 1 big && seccoop -g big stats
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many nodes (at least 10).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(MIN_NODES..))]
    pub nodes: u64,
    /// The seed of the random choices.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// The folder to write nodes.csv, edges.csv and graph.toml into (created if missing).
    pub dir: PathBuf,
}

/// The formats `generate` prints its summary in, its default first.
pub const FORMATS: &[Format] = Format::REPORT;

/// Runs `generate`, in the schema of the graph files `graph` (the curated
/// schema when there are none).
pub fn run(args: &Args, graph: &[PathBuf], printing: &Printing) -> Result<Output, CliError> {
    // A usage error stops the command before it writes anything.
    let format = printing.report()?;
    let written = if graph.is_empty() {
        generate::generate(&args.dir, args.nodes, args.seed)
    } else {
        let graph = crate::load::load_paths(graph).map_err(CliError::Load)?;
        generate::generate_with(graph.schema(), &args.dir, args.nodes, args.seed)
    };
    let summary = written.map_err(|source| CliError::Write {
        path: args.dir.clone(),
        source,
    })?;
    let text = match format {
        ReportFormat::Json => output::json(&summary),
        ReportFormat::Table => {
            let mut s = String::new();
            let _ = writeln!(
                s,
                "wrote {} and {} to {}",
                output::count(summary.nodes as usize, "node", "nodes"),
                output::count(summary.edges as usize, "edge", "edges"),
                args.dir.display()
            );
            s
        }
    };
    Ok(Output::answer(text))
}
