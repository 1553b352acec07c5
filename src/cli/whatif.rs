//! `seccoop whatif --without NODE...`: what is lost if nodes fall away.

use std::collections::HashSet;
use std::fmt::Write as _;

use petgraph::stable_graph::NodeIndex;
use serde::Serialize;

use super::gaps::{GapsJson, gaps_json, render as render_gaps};
use super::prioritize::{PortfolioJson, chosen_table, headline, plan, portfolio_json};
use super::{CliError, Context, NodeRef, Output};
use crate::analysis::coverage::whatif;
use crate::output::{self, Format};

/// Recompute coverage with some nodes removed, and report what is lost.
///
/// Lists the threats that lose all or part of their coverage, the activities
/// that lose their only actors, and the challenges that lose every
/// mitigation; then the gaps of the reduced graph.
///
/// With --budget K it also compares the best K-activity portfolio (as
/// `prioritize --budget K` chooses it) before and after the removal.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  seccoop whatif --without intelligence-sharing --without nato\n  \
                        seccoop whatif --without counter-terrorism-cooperation --budget 3"
)]
pub struct Args {
    /// Remove this node (repeatable; an id, a name or an alias).
    #[arg(
        long = "without",
        value_name = "NODE",
        required = true,
        num_args = 1..,
        add = super::completions::node()
    )]
    pub without: Vec<String>,

    /// Also compare the best portfolio of K activities before and after.
    #[arg(long, value_name = "K")]
    pub budget: Option<usize>,

    /// With --budget: the relation by which an activity covers a threat.
    #[arg(long, value_name = "REL", default_value = "addresses", add = super::completions::relation())]
    pub rel: String,
}

#[derive(Serialize)]
struct Report {
    removed: Vec<NodeRef>,
    threats_uncovered: Vec<Lost>,
    threats_weakened: Vec<Weakened>,
    activities_orphaned: Vec<Lost>,
    challenges_unmitigated: Vec<Lost>,
    gaps: GapsJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    portfolio: Option<PortfolioChange>,
}

/// The best K-portfolio before and after the removal.
#[derive(Serialize)]
struct PortfolioChange {
    budget: usize,
    before: PortfolioJson,
    after: PortfolioJson,
    /// Chosen before, not after.
    dropped: Vec<String>,
    /// Chosen after, not before.
    added: Vec<String>,
}

#[derive(Serialize)]
struct Lost {
    node: NodeRef,
    lost: Vec<NodeRef>,
}

#[derive(Serialize)]
struct Weakened {
    node: NodeRef,
    lost: Vec<NodeRef>,
    remaining: Vec<NodeRef>,
}

/// The formats `whatif` prints, its default first.
pub const FORMATS: &[Format] = Format::REPORT;

/// Runs `whatif`.
pub fn run(args: &Args, ctx: &Context) -> Result<Output, CliError> {
    let removed: Vec<NodeIndex> = args
        .without
        .iter()
        .map(|t| ctx.node(t))
        .collect::<Result<_, _>>()?;
    let set: HashSet<NodeIndex> = removed.iter().copied().collect();
    let w = whatif(&ctx.graph, &set);
    let refs = |v: &[NodeIndex]| v.iter().map(|&n| ctx.node_ref(n)).collect::<Vec<_>>();
    let lost = |v: &[(NodeIndex, Vec<NodeIndex>)]| {
        v.iter()
            .map(|(n, l)| Lost {
                node: ctx.node_ref(*n),
                lost: refs(l),
            })
            .collect::<Vec<_>>()
    };
    let name = |n: NodeIndex| ctx.graph.node(n).map(|n| n.name.to_lowercase());
    let mut w = w;
    w.threats_uncovered.sort_by_cached_key(|(n, _)| name(*n));
    w.threats_weakened.sort_by_cached_key(|(n, _, _)| name(*n));
    w.activities_orphaned.sort_by_cached_key(|(n, _)| name(*n));
    w.challenges_unmitigated
        .sort_by_cached_key(|(n, _)| name(*n));
    let report = Report {
        removed: refs(&removed),
        threats_uncovered: lost(&w.threats_uncovered),
        threats_weakened: w
            .threats_weakened
            .iter()
            .map(|(n, l, r)| Weakened {
                node: ctx.node_ref(*n),
                lost: refs(l),
                remaining: refs(r),
            })
            .collect(),
        activities_orphaned: lost(&w.activities_orphaned),
        challenges_unmitigated: lost(&w.challenges_unmitigated),
        gaps: gaps_json(&w.after, ctx),
        portfolio: args
            .budget
            .map(|k| portfolio_change(args, k, ctx))
            .transpose()?,
    };
    ctx.table_or_json(
        || output::json(&report),
        || {
            let mut out = render(&report, ctx);
            let _ = writeln!(out, "\n{}\n", ctx.style.bold("Gaps after the removal"));
            out.push_str(&render_gaps(&w.after, ctx));
            if let Some(p) = &report.portfolio {
                render_portfolio(&mut out, p, ctx);
            }
            out
        },
    )
}

fn render(r: &Report, ctx: &Context) -> String {
    let style = ctx.style;
    let ids = |v: &[NodeRef]| {
        v.iter()
            .map(|n| n.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = format!("{} {}\n", style.bold("without"), ids(&r.removed));
    let mut section = |title: &str, header: [&str; 2], rows: Vec<Vec<String>>| {
        output::section(&mut out, style, title, rows.len(), || {
            output::table(&header, rows, style)
        });
    };
    section(
        "Threats left with no activity",
        ["THREAT", "ACTIVITIES LOST"],
        r.threats_uncovered
            .iter()
            .map(|l| vec![l.node.id.clone(), ids(&l.lost)])
            .collect(),
    );
    section(
        "Threats with weaker coverage",
        ["THREAT", "ACTIVITIES LOST / REMAINING"],
        r.threats_weakened
            .iter()
            .map(|w| {
                vec![
                    w.node.id.clone(),
                    format!("{} / {}", ids(&w.lost), ids(&w.remaining)),
                ]
            })
            .collect(),
    );
    section(
        "Activities left with no actor",
        ["ACTIVITY", "ACTORS LOST"],
        r.activities_orphaned
            .iter()
            .map(|l| vec![l.node.id.clone(), ids(&l.lost)])
            .collect(),
    );
    section(
        "Challenges left with no mitigation",
        ["CHALLENGE", "MITIGATIONS LOST"],
        r.challenges_unmitigated
            .iter()
            .map(|l| vec![l.node.id.clone(), ids(&l.lost)])
            .collect(),
    );
    out
}

/// The best `budget`-portfolio of the whole graph and of the graph without
/// the removed nodes.
fn portfolio_change(
    args: &Args,
    budget: usize,
    ctx: &Context,
) -> Result<PortfolioChange, CliError> {
    let solve = |without: &[String]| -> Result<PortfolioJson, CliError> {
        let plan = plan(ctx, budget, &args.rel, without)?;
        let found = crate::analysis::prioritize(&ctx.graph, &plan).map_err(CliError::Plan)?;
        Ok(portfolio_json(&found, &plan, ctx))
    };
    let before = solve(&[])?;
    let after = solve(&args.without)?;
    let ids = |p: &PortfolioJson| p.chosen.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    let (was, now) = (ids(&before), ids(&after));
    Ok(PortfolioChange {
        budget,
        dropped: was.iter().filter(|i| !now.contains(i)).cloned().collect(),
        added: now.iter().filter(|i| !was.contains(i)).cloned().collect(),
        before,
        after,
    })
}

fn render_portfolio(out: &mut String, p: &PortfolioChange, ctx: &Context) {
    let style = ctx.style;
    for (title, r) in [("before", &p.before), ("after", &p.after)] {
        let _ = writeln!(
            out,
            "\n{}\n{}\n",
            style.bold(&format!(
                "Best portfolio of {} {title} the removal",
                p.budget
            )),
            headline(r)
        );
        out.push_str(&chosen_table(r, ctx));
    }
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    let _ = writeln!(
        out,
        "\ndropped: {}\nadded: {}\nscore: {} -> {}",
        list(&p.dropped),
        list(&p.added),
        p.before.score,
        p.after.score
    );
}
