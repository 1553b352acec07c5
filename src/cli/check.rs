//! `seccoop check [FILE]...`: validate graph files, reporting every problem.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use super::{CliError, Output, Printing};
use crate::load::{self, LoadError, Location, SourceFile};
use crate::model::Graph;
use crate::output::{self, Format, ReportFormat};

/// Check graph files and report every problem.
///
/// The files are checked together, as `-g` would load them: an edge may
/// point at a node of another file. With no FILE, checks the files given
/// with `-g`, or else the built-in graph. A CSV folder or a JSON Lines file
/// gets every bad row listed with its line (the first 1000, and a count of
/// the rest). Exits with 1 when there is any problem.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  seccoop check my-graph.toml")]
pub struct Args {
    /// The graph files: TOML, JSON, JSON Lines (.jsonl) or CSV folders.
    pub files: Vec<PathBuf>,
}

#[derive(Serialize)]
struct Report {
    ok: bool,
    files: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nodes: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    edges: Option<usize>,
    problems: Vec<Problem>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct Problem {
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<String>,
}

/// The formats `check` prints its report in, its default first.
pub const FORMATS: &[Format] = Format::REPORT;

/// Runs `check`.
pub fn run(
    args: &Args,
    global_files: &[PathBuf],
    printing: &Printing,
    stderr_color: bool,
) -> Result<Output, CliError> {
    let format = printing.report()?;
    let style = printing.style;
    let paths: &[PathBuf] = if args.files.is_empty() {
        global_files
    } else {
        &args.files
    };
    let (names, result) = if paths.is_empty() {
        // The built-in graph is the snapshot compiled into the binary, which
        // a test holds equal to a fresh load of its text: it is checked as
        // every other command opens it, without parsing the text again. Only
        // if the snapshot did not open is the text read, to report why.
        let name = load::EMBEDDED_NAME.to_owned();
        match load::embedded_with_derived() {
            Ok(Ok(graph)) => (vec![name], Ok(graph)),
            _ => {
                let file = Arc::new(SourceFile::new(load::EMBEDDED_NAME, load::EMBEDDED_GRAPH));
                (vec![name], load::load_sources(vec![file]))
            }
        }
    } else {
        let names = paths.iter().map(|p| display(p)).collect();
        (
            names,
            load::load_paths_with(paths, &super::run::progress_bar()),
        )
    };
    let (graph, problems): (Option<Graph>, Vec<LoadError>) = match result {
        // A snapshot brings derived edges; a file is checked for what it asserts.
        Ok(mut g) => {
            g.remove_derived();
            (Some(g), Vec::new())
        }
        Err(e) => (None, e.0),
    };
    let warnings = match &graph {
        Some(g) if g.node_count() == 0 => vec![format!(
            "{} hold{} no nodes: an empty graph",
            names.join(", "),
            if names.len() == 1 { "s" } else { "" }
        )],
        _ => Vec::new(),
    };
    let report = Report {
        ok: problems.is_empty(),
        files: names,
        nodes: graph.as_ref().map(Graph::node_count),
        edges: graph.as_ref().map(Graph::edge_count),
        problems: problems
            .iter()
            .map(|p| {
                let at: Option<Location> = p.location();
                Problem {
                    file: p.file_name(),
                    line: at.as_ref().map(|l| l.line),
                    column: at.as_ref().map(|l| l.column),
                    message: p.to_string(),
                    help: p.help(),
                }
            })
            .collect(),
        warnings,
    };
    let mut out = Output {
        failed: !report.ok,
        ..Output::default()
    };
    let mut stdout = String::new();
    match format {
        ReportFormat::Json => stdout = output::json(&report),
        ReportFormat::Table => {
            for p in &problems {
                out.stderr.push_str(&output::diagnostic(p, stderr_color));
            }
            let files = output::safe(&report.files.join(", ")).into_owned();
            for w in &report.warnings {
                let _ = writeln!(
                    out.stderr,
                    "warning: {}\n  help: add nodes to the file, or check that it is the file you meant",
                    output::safe(w)
                );
            }
            match &graph {
                Some(g) => {
                    let _ = writeln!(
                        stdout,
                        "{} {files}: {}, {}, no problems",
                        style.bold("ok"),
                        output::count(g.node_count(), "node", "nodes"),
                        output::count(g.edge_count(), "edge", "edges")
                    );
                }
                None => {
                    let n = load::problem_count(&problems);
                    let _ = writeln!(
                        out.stderr,
                        "error: {n} problem{} in {files}",
                        if n == 1 { "" } else { "s" }
                    );
                }
            }
        }
    }
    out.stdout = stdout.into_bytes();
    Ok(out)
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
