//! `seccoop stats`: counts and rankings.

use std::fmt::Write as _;

use serde::Serialize;

use super::{CliError, Context, NodeRef, Output};
use crate::analysis::{Ranking, stats};
use crate::output::{self, Format};

/// Count nodes and edges; rank threats and challenges.
///
/// Threats are ranked by how many activities address them, challenges by
/// how many activities they hinder: in general, the `to` nodes of each
/// relation the schema marks `rank = true`, by how many `from` nodes reach
/// them.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  seccoop stats --format json")]
pub struct Args {}

struct Report {
    nodes: usize,
    edges: usize,
    kinds: Vec<KindCount>,
    relations: Vec<RelCount>,
    rankings: Vec<RankSection>,
}

/// A ranking, named after the relation's kinds: in JSON the section is the
/// plural of its first `to` kind (`threats`), or the relation's name when
/// that key is taken (by an earlier ranking or a section of the report), and
/// each row's count the plural of its first `from` kind (`activities`).
struct RankSection {
    rel: crate::model::RelId,
    /// The section's key (`threats`).
    key: String,
    /// The table's first heading (`THREAT`).
    title: String,
    /// The count column's heading: the relation read backwards (`ADDRESSED BY`).
    heading: String,
    /// What is counted, singular and plural (`activity`, `activities`).
    unit: (String, String),
    rows: Vec<RankRow>,
}

impl Serialize for Report {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("nodes", &self.nodes)?;
        map.serialize_entry("edges", &self.edges)?;
        map.serialize_entry("kinds", &self.kinds)?;
        map.serialize_entry("relations", &self.relations)?;
        for section in &self.rankings {
            let rows: Vec<_> = section
                .rows
                .iter()
                .map(|r| RankJson {
                    node: &r.node,
                    count: (section.unit.1.as_str(), r.count),
                })
                .collect();
            map.serialize_entry(&section.key, &rows)?;
        }
        map.end()
    }
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

struct RankRow {
    node: NodeRef,
    count: usize,
}

/// A ranked node in JSON: `{id, kind, name}` and the count under its unit.
#[derive(Serialize)]
struct RankJson<'a> {
    #[serde(flatten)]
    node: &'a NodeRef,
    #[serde(flatten, serialize_with = "one_entry")]
    count: (&'a str, usize),
}

fn one_entry<S: serde::Serializer>(entry: &(&str, usize), s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap as _;
    let mut map = s.serialize_map(Some(1))?;
    map.serialize_entry(entry.0, &entry.1)?;
    map.end()
}

/// The formats `stats` prints, its default first.
pub const FORMATS: &[Format] = Format::REPORT;

/// Runs `stats`.
pub fn run(_args: &Args, ctx: &Context) -> Result<Output, CliError> {
    let graph = &ctx.graph;
    let s = stats(graph);
    let schema = graph.schema();
    // The kind a ranking is named after: the first of the relation's `from`
    // or `to` kinds; a relation with none (it can have no edge) falls back
    // on generic words.
    let first = |kinds: &[crate::model::KindId]| kinds.first().map(|&k| schema.kind(k));
    let rank = |r: Ranking| {
        let def = schema.relation(r.rel);
        let (to, from) = (first(&def.to), first(&def.from));
        RankSection {
            rel: r.rel,
            key: to.map_or_else(|| def.name.clone(), |k| k.plural_form()),
            title: to.map_or("NODE", |k| k.name.as_str()).to_uppercase(),
            heading: def.inverse.as_ref().unwrap_or(&def.name).to_uppercase(),
            unit: from.map_or_else(
                || ("node".to_string(), "nodes".to_string()),
                |k| (k.name.clone(), k.plural_form()),
            ),
            rows: r
                .nodes
                .into_iter()
                .map(|r| RankRow {
                    node: ctx.node_ref(r.node),
                    count: r.count,
                })
                .collect(),
        }
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
        rankings: s
            .rankings
            .into_iter()
            .map(rank)
            .fold(Vec::new(), |mut all, mut r| {
                let taken = |key: &str| {
                    ["nodes", "edges", "kinds", "relations"].contains(&key)
                        || all.iter().any(|a: &RankSection| a.key == key)
                };
                if taken(&r.key) {
                    r.key = schema.relation(r.rel).name.clone();
                    while taken(&r.key) {
                        r.key.push_str("_ranking");
                    }
                }
                all.push(r);
                all
            }),
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
    for section in &r.rankings {
        let _ = writeln!(out);
        let (one, many) = &section.unit;
        out.push_str(&output::table(
            &[&section.title, "NAME", &section.heading],
            section.rows.iter().map(|row| {
                let n = row.count;
                let count = format!("{n} {}", if n == 1 { one } else { many });
                vec![row.node.id.clone(), row.node.name.clone(), count]
            }),
            style,
        ));
    }
    out
}
