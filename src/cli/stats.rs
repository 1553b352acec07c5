//! `seccoop stats`: counts and rankings.

use std::fmt::Write as _;

use serde::Serialize;

use super::{CliError, Context, NodeRef, Output};
use crate::analysis::{Ranked, stats};
use crate::output::{self, Format};

/// Count nodes and edges; rank threats and challenges.
///
/// Threats are ranked by how many activities address them, challenges by
/// how many activities they hinder.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  seccoop stats --format json")]
pub struct Args {}

#[derive(Serialize)]
struct Report {
    nodes: usize,
    edges: usize,
    kinds: Vec<KindCount>,
    relations: Vec<RelCount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    threats: Option<Vec<RankRow>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    challenges: Option<Vec<RankRow>>,
}

#[derive(Serialize)]
struct KindCount {
    kind: String,
    nodes: usize,
}

#[derive(Serialize)]
struct RelCount {
    rel: String,
    edges: usize,
    stated: usize,
    inferred: usize,
    derived: usize,
}

#[derive(Serialize)]
struct RankRow {
    #[serde(flatten)]
    node: NodeRef,
    activities: usize,
}

/// The formats `stats` prints, its default first.
pub const FORMATS: &[Format] = Format::REPORT;

/// Runs `stats`.
pub fn run(_args: &Args, ctx: &Context) -> Result<Output, CliError> {
    let graph = &ctx.graph;
    let s = stats(graph);
    let rank = |r: Option<Vec<Ranked>>| {
        r.map(|rows| {
            rows.into_iter()
                .map(|r| RankRow {
                    node: ctx.node_ref(r.node),
                    activities: r.count,
                })
                .collect::<Vec<_>>()
        })
    };
    let report = Report {
        nodes: graph.node_count(),
        edges: graph.edge_count(),
        kinds: s
            .kinds
            .iter()
            .map(|&(k, n)| KindCount {
                kind: graph.kind_name(k).to_string(),
                nodes: n,
            })
            .collect(),
        relations: s
            .relations
            .iter()
            .map(|&(r, edges, stated, inferred, derived)| RelCount {
                rel: graph.rel_name(r).to_string(),
                edges,
                stated,
                inferred,
                derived,
            })
            .collect(),
        threats: rank(s.threats),
        challenges: rank(s.challenges),
    };
    ctx.table_or_json(|| output::json(&report), || render(&report, ctx))
}

fn render(r: &Report, ctx: &Context) -> String {
    let style = ctx.style;
    let mut out = format!(
        "{}, {}\n\n",
        output::count(r.nodes, "node", "nodes"),
        output::count(r.edges, "edge", "edges")
    );
    out.push_str(&output::table(
        &["KIND", "NODES"],
        r.kinds
            .iter()
            .map(|k| vec![k.kind.clone(), k.nodes.to_string()]),
        style,
    ));
    out.push('\n');
    // The derived column only when the rules derived something.
    let derived = r.relations.iter().any(|k| k.derived > 0);
    let headers: &[&str] = if derived {
        &["RELATION", "EDGES", "STATED", "INFERRED", "DERIVED"]
    } else {
        &["RELATION", "EDGES", "STATED", "INFERRED"]
    };
    out.push_str(&output::table(
        headers,
        r.relations.iter().map(|k| {
            let mut row = vec![
                k.rel.clone(),
                k.edges.to_string(),
                k.stated.to_string(),
                k.inferred.to_string(),
            ];
            if derived {
                row.push(k.derived.to_string());
            }
            row
        }),
        style,
    ));
    for (title, heading, rows) in [
        ("THREAT", "ADDRESSED BY", &r.threats),
        ("CHALLENGE", "HINDERS", &r.challenges),
    ] {
        let Some(rows) = rows else { continue };
        let _ = writeln!(out);
        out.push_str(&output::table(
            &[title, "NAME", heading],
            rows.iter().map(|row| {
                let n = row.activities;
                let count = format!("{n} {}", if n == 1 { "activity" } else { "activities" });
                vec![row.node.id.clone(), row.node.name.clone(), count]
            }),
            style,
        ));
    }
    out
}
