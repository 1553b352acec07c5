//! `seccoop rank --by degree|betweenness|pagerank|coverage`: which nodes
//! matter most.

use petgraph::stable_graph::NodeIndex;
use serde::Serialize;

use super::{CliError, Context, Output};
use crate::analysis::prioritize::{Instance, Plan};
use crate::analysis::rank::{betweenness, degree, irreplaceable, pagerank};
use crate::output::{self, Format};

/// Rank nodes by degree, betweenness, PageRank or irreplaceability.
///
/// Degree, betweenness and PageRank read the graph as a simple directed
/// graph: one edge from u to v when any relation links them that way,
/// loops dropped (NetworkX's DiGraph of the same edges gives the same
/// figures). Betweenness is normalised; PageRank uses damping 0.85.
///
/// --by coverage ranks activities (or nodes of --kind) by the threats only
/// they address: the single points of failure of `gaps`, scored (by
/// --weight when given), then by how many threats each addresses.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  seccoop rank --by coverage\n  \
                        seccoop rank --kind threat --by pagerank --top 5")]
pub struct Args {
    /// What to rank by.
    #[arg(long, value_enum, default_value_t = By::Degree)]
    pub by: By,

    /// Rank only nodes of this kind [default: every node; for coverage, the
    /// `from` kinds of --rel].
    #[arg(long, value_name = "KIND", add = super::completions::kind())]
    pub kind: Option<String>,

    /// Show only the first N.
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,

    /// For coverage: the relation by which an activity covers a threat.
    #[arg(long, value_name = "REL", default_value = "addresses", add = super::completions::relation())]
    pub rel: String,

    /// For coverage: weigh each threat by this numeric property of it.
    #[arg(long, value_name = "PROP")]
    pub weight: Option<String>,
}

/// `--by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    /// Edges in and out.
    Degree,
    /// How many shortest paths run through the node (normalised).
    Betweenness,
    /// PageRank, damping 0.85.
    Pagerank,
    /// The threats no other activity addresses.
    Coverage,
}

#[derive(Serialize)]
struct Row {
    rank: usize,
    id: String,
    kind: String,
    name: String,
    score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    only: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    addresses: Option<usize>,
}

/// A ranked node: the node, its score, and for coverage the threats only
/// it addresses and how many it addresses in all.
type Scored = (NodeIndex, f64, Option<Vec<NodeIndex>>, Option<usize>);

/// The formats `rank` prints, its default first.
pub const FORMATS: &[Format] = &[Format::Table, Format::Json, Format::Csv];

/// Runs `rank`.
pub fn run(args: &Args, ctx: &Context) -> Result<Output, CliError> {
    let kind = args.kind.as_deref().map(|k| ctx.kind(k)).transpose()?;
    let graph = &ctx.graph;
    let scored: Vec<Scored> = match args.by {
        By::Coverage => {
            let mut plan = Plan::new(ctx.relation(&args.rel)?, 0);
            plan.kind = kind;
            plan.weight = args.weight.clone();
            let inst = Instance::from_graph(graph, &plan).map_err(CliError::Plan)?;
            irreplaceable(&inst)
                .into_iter()
                .map(|i| (i.node, i.score, Some(i.only), Some(i.covers)))
                .collect()
        }
        By::Degree | By::Betweenness | By::Pagerank => {
            let all = match args.by {
                By::Degree => degree(graph),
                By::Betweenness => betweenness(graph),
                _ => pagerank(graph),
            };
            all.into_iter()
                .filter(|(n, _)| {
                    kind.is_none_or(|k| graph.node(*n).is_some_and(|node| node.kind == k))
                })
                .map(|(n, s)| (n, s, None, None))
                .collect()
        }
    };
    let id = |n: NodeIndex| graph.node(n).map(|n| &*n.id).unwrap_or_default();
    // Ids are unique, so the order is total and an unstable sort gives the
    // one answer; each node's id is read once, not at every comparison (a
    // million nodes with many equal scores compare by id millions of times).
    let mut keyed: Vec<(&str, Scored)> = scored.into_iter().map(|s| (id(s.0), s)).collect();
    keyed.sort_unstable_by(|(ia, a), (ib, b)| {
        b.1.total_cmp(&a.1)
            .then(b.3.cmp(&a.3))
            .then_with(|| ia.cmp(ib))
    });
    let scored = keyed.into_iter().map(|(_, s)| s);
    let rows: Vec<Row> = scored
        .take(args.top.unwrap_or(usize::MAX))
        .enumerate()
        .map(|(i, (n, score, only, addresses))| {
            let r = ctx.node_ref(n);
            Row {
                rank: i + 1,
                id: r.id,
                kind: r.kind,
                name: r.name,
                score,
                only: only.map(|v| v.into_iter().map(|t| id(t).to_string()).collect()),
                addresses,
            }
        })
        .collect();
    let score = |s: f64| match args.by {
        // A whole number as an integer: the same text as `{s:.0}`, without
        // the exact float formatting (a million of them at 1M nodes).
        By::Degree | By::Coverage if s.fract() == 0.0 && (1.0..9.0e15).contains(&s) => {
            (s as u64).to_string()
        }
        By::Degree | By::Coverage if s.fract() == 0.0 => format!("{s:.0}"),
        By::Coverage => format!("{s:.3}"),
        _ => format!("{s:.6}"),
    };
    let cells = |r: &Row| {
        let mut v = vec![
            r.rank.to_string(),
            r.id.clone(),
            r.kind.clone(),
            score(r.score),
        ];
        if let (Some(only), Some(n)) = (&r.only, r.addresses) {
            v.push(n.to_string());
            v.push(only.join(", "));
        }
        v
    };
    let headers: &[&str] = if args.by == By::Coverage {
        &[
            "RANK",
            "ID",
            "KIND",
            "ONLY",
            "ADDRESSES",
            "THREATS ONLY IT ADDRESSES",
        ]
    } else {
        &["RANK", "ID", "KIND", "SCORE"]
    };
    match ctx.format {
        Format::Json => Ok(Output::answer(output::json(&rows))),
        Format::Table => Ok(Output::answer(output::table(
            headers,
            rows.iter().map(cells),
            ctx.style,
        ))),
        Format::Csv => {
            let lower: Vec<String> = headers
                .iter()
                .map(|h| h.to_lowercase().replace(' ', "_"))
                .collect();
            let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
            Ok(Output::answer(output::csv(
                &lower,
                rows.iter().map(|r| {
                    let mut c = cells(r);
                    c[3] = r.score.to_string();
                    c
                }),
            )))
        }
        // Not in FORMATS, so refused before the graph was read.
        Format::Jsonl
        | Format::Dot
        | Format::Mermaid
        | Format::Svg
        | Format::Png
        | Format::Pdf
        | Format::Html => Err(ctx.unsupported()),
    }
}
