//! `seccoop prioritize --budget K`: the K activities that cover the most
//! threats, proved optimal or with a stated gap.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::time::Duration;

use petgraph::stable_graph::NodeIndex;
use serde::Serialize;

use super::{CliError, Context, NodeRef, Output};
use crate::analysis::prioritize::{Method, Plan, Portfolio, Search, hindrances, prioritize};
use crate::export::Diagram;
use crate::output::{self, Format, RecordFormat, Shape};

/// Choose the K activities that cover the most threats.
///
/// With the means for only K activities, which K address the most threats
/// (each counted once it is addressed --redundancy times, weighed by
/// --weight)? The answer lists the chosen activities in the order of what
/// each adds, the threats left uncovered, the score against the whole
/// portfolio, and the challenges that hinder each chosen activity.
///
/// On graphs of the curated size the answer is proved optimal (an
/// exhaustive search with bounds) and says "optimal". On big graphs it is
/// greedy, with a computed upper bound: the answer says it is "within X%
/// of optimal" (for --redundancy 1 greedy is also never below 63% of the
/// optimum). When --time-limit cuts the search short, the best portfolio
/// found is returned and every format says it is not proved optimal.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  seccoop prioritize --budget 5\n  \
                        seccoop prioritize --budget 5 --redundancy 2 --keep intelligence-sharing\n  \
                        seccoop prioritize --budget 3 --format svg -o portfolio.svg")]
pub struct Args {
    /// Choose at most K activities.
    #[arg(long, short = 'k', value_name = "K")]
    pub budget: usize,

    /// Count a threat only when at least R chosen activities address it.
    #[arg(long, value_name = "R", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub redundancy: u32,

    /// Weigh each threat by this numeric property of it [default: 1 each].
    #[arg(long, value_name = "PROP")]
    pub weight: Option<String>,

    /// Choose among nodes of this kind [default: the `from` kinds of --rel].
    #[arg(long, value_name = "KIND", add = super::completions::kind())]
    pub kind: Option<String>,

    /// Always choose this node (repeatable).
    #[arg(long, value_name = "NODE", add = super::completions::node())]
    pub keep: Vec<String>,

    /// Take this node out: never chosen, or never counted (repeatable).
    #[arg(long, value_name = "NODE", add = super::completions::node())]
    pub without: Vec<String>,

    /// The relation by which an activity covers a threat.
    #[arg(long, value_name = "REL", default_value = "addresses", add = super::completions::relation())]
    pub rel: String,

    /// Stop searching after SECS seconds and return the best portfolio found.
    #[arg(long, value_name = "SECS", default_value_t = 10.0, value_parser = seconds)]
    pub time_limit: f64,

    /// How to search: exhaustive when small (auto), greedy only, or
    /// exhaustive whatever the size (still bounded by --time-limit).
    #[arg(long, value_enum, default_value_t = SearchArg::Auto)]
    pub search: SearchArg,
}

/// `--search`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SearchArg {
    /// Exhaustive up to 200 useful candidates, greedy above.
    Auto,
    /// Greedy with an upper bound.
    Greedy,
    /// Exhaustive whatever the size.
    Exhaustive,
}

fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if (0.0..=1e9).contains(&s) => Ok(s),
        _ => Err(format!("`{text}` is not a number of seconds >= 0")),
    }
}

/// The formats `prioritize` offers, its default first.
pub const FORMATS: &[Format] = &[
    Format::Table,
    Format::Json,
    Format::Csv,
    Format::Dot,
    Format::Mermaid,
    Format::Svg,
    Format::Png,
    Format::Pdf,
    Format::Html,
];

/// The resolved plan of `prioritize`-style arguments, shared with `whatif`.
pub(super) fn plan(
    ctx: &Context,
    budget: usize,
    rel: &str,
    without: &[String],
) -> Result<Plan, CliError> {
    let mut plan = Plan::new(ctx.relation(rel)?, budget);
    plan.without = without
        .iter()
        .map(|t| ctx.node(t))
        .collect::<Result<HashSet<_>, _>>()?;
    Ok(plan)
}

/// Runs `prioritize`.
pub fn run(args: &Args, ctx: &Context) -> Result<Output, CliError> {
    let mut plan = plan(ctx, args.budget, &args.rel, &args.without)?;
    plan.redundancy = args.redundancy;
    plan.weight = args.weight.clone();
    plan.kind = args.kind.as_deref().map(|k| ctx.kind(k)).transpose()?;
    plan.keep = args
        .keep
        .iter()
        .map(|t| ctx.node(t))
        .collect::<Result<_, _>>()?;
    plan.time_limit = Duration::from_secs_f64(args.time_limit);
    plan.search = match args.search {
        SearchArg::Auto => Search::Auto,
        SearchArg::Greedy => Search::Greedy,
        SearchArg::Exhaustive => Search::Exhaustive,
    };
    let found = prioritize(&ctx.graph, &plan).map_err(CliError::Plan)?;
    let report = portfolio_json(&found, &plan, ctx);
    let mut out = match ctx.format.shape() {
        Shape::Records(RecordFormat::Json) => Output::answer(output::json(&report)),
        Shape::Records(RecordFormat::Table) => Output::answer(render(&report, ctx)),
        Shape::Records(RecordFormat::Csv) => Output::answer(csv(&report)),
        // Not in FORMATS, so refused before the graph was read.
        Shape::Records(RecordFormat::Jsonl) => return Err(ctx.unsupported()),
        Shape::Diagram(format) => ctx.draw(&diagram(&found, &plan, ctx, &report.status), format)?,
    };
    if !found.optimal && ctx.format != Format::Table {
        let _ = writeln!(out.stderr, "note: {}", report.status);
    }
    Ok(out)
}

/// A portfolio as JSON answers give it.
#[derive(Serialize)]
pub(super) struct PortfolioJson {
    pub budget: usize,
    pub redundancy: u32,
    /// The relation by which a chosen node covers a target.
    pub rel: String,
    pub chosen: Vec<ChosenJson>,
    pub covered: Vec<String>,
    pub under_covered: Vec<UnderJson>,
    pub uncovered: Vec<String>,
    pub score: f64,
    pub total: f64,
    pub whole_portfolio: WholeJson,
    pub optimal: bool,
    pub gap: Option<f64>,
    pub upper_bound: f64,
    pub method: &'static str,
    pub timed_out: bool,
    /// One sentence on how good the answer is.
    pub status: String,
    /// What the candidates and targets are called (`activities`, `threats`).
    #[serde(skip)]
    pub nouns: (String, String),
    /// Whether targets are weighed.
    #[serde(skip)]
    pub weighted: bool,
}

#[derive(Serialize)]
pub(super) struct ChosenJson {
    pub id: String,
    pub name: String,
    pub kept: bool,
    pub adds: Vec<String>,
    /// Those of `adds` the candidate covers only through edges the schema's
    /// rules derive (`seccoop explain` shows why each holds).
    pub adds_derived: Vec<String>,
    pub hindered_by: Vec<HindranceJson>,
}

#[derive(Serialize)]
pub(super) struct HindranceJson {
    pub id: String,
    pub name: String,
    pub mitigated_by: Vec<String>,
}

#[derive(Serialize)]
pub(super) struct UnderJson {
    pub id: String,
    pub count: u32,
}

#[derive(Serialize)]
pub(super) struct WholeJson {
    pub size: usize,
    pub score: f64,
}

/// A number as short as it can be said: `3`, not `3.0`.
fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:.3}")
    }
}

/// The sentence saying how good an answer is.
fn status(p: &Portfolio, time_limit: Duration) -> String {
    let gap = p.gap().unwrap_or(0.0) * 100.0;
    match (p.optimal, p.timed_out) {
        (true, _) => "optimal".into(),
        (false, true) => format!(
            "not proved optimal: the time limit ({} s) cut the search short; within {gap:.1}% of \
             optimal (upper bound {})",
            num(time_limit.as_secs_f64()),
            num(p.upper_bound)
        ),
        (false, false) => format!(
            "not proved optimal (greedy): within {gap:.1}% of optimal (upper bound {})",
            num(p.upper_bound)
        ),
    }
}

pub(super) fn portfolio_json(p: &Portfolio, plan: &Plan, ctx: &Context) -> PortfolioJson {
    let id = |n: NodeIndex| ctx.node_ref(n).id;
    let mut covered: Vec<NodeRef> = Vec::new();
    let mut uncovered: Vec<NodeRef> = Vec::new();
    let mut under: Vec<(NodeRef, u32)> = Vec::new();
    for &(t, count) in &p.counts {
        if count >= p.redundancy {
            covered.push(ctx.node_ref(t));
        } else {
            uncovered.push(ctx.node_ref(t));
            if count > 0 {
                under.push((ctx.node_ref(t), count));
            }
        }
    }
    let by_name = |a: &NodeRef, b: &NodeRef| a.id.cmp(&b.id);
    covered.sort_by(by_name);
    uncovered.sort_by(by_name);
    under.sort_by(|a, b| by_name(&a.0, &b.0));
    PortfolioJson {
        budget: plan.budget,
        redundancy: p.redundancy,
        rel: ctx.graph.rel_name(plan.rel).to_string(),
        chosen: p
            .chosen
            .iter()
            .map(|pick| ChosenJson {
                id: id(pick.node),
                name: ctx.node_ref(pick.node).name,
                kept: pick.kept,
                adds: pick.adds.iter().map(|&t| id(t)).collect(),
                adds_derived: pick
                    .adds
                    .iter()
                    .filter(|&&t| only_derived(&ctx.graph, pick.node, plan.rel, t))
                    .map(|&t| id(t))
                    .collect(),
                hindered_by: hindrances(&ctx.graph, pick.node, &plan.without)
                    .into_iter()
                    .map(|(c, by)| HindranceJson {
                        id: id(c),
                        name: ctx.node_ref(c).name,
                        mitigated_by: by.into_iter().map(id).collect(),
                    })
                    .collect(),
            })
            .collect(),
        covered: covered.into_iter().map(|r| r.id).collect(),
        under_covered: under
            .into_iter()
            .map(|(r, count)| UnderJson { id: r.id, count })
            .collect(),
        uncovered: uncovered.into_iter().map(|r| r.id).collect(),
        score: p.score,
        total: p.total_weight,
        whole_portfolio: WholeJson {
            size: p.whole.0,
            score: p.whole.1,
        },
        optimal: p.optimal,
        gap: p.gap(),
        upper_bound: p.upper_bound,
        method: match p.method {
            Method::Greedy => "greedy",
            Method::Exhaustive => "exhaustive",
        },
        timed_out: p.timed_out,
        status: status(p, plan.time_limit),
        nouns: nouns(plan, ctx),
        weighted: plan.weight.is_some(),
    }
}

/// The plural names of the candidates' and the targets' kinds.
fn nouns(plan: &Plan, ctx: &Context) -> (String, String) {
    let schema = ctx.graph.schema();
    let def = schema.relation(plan.rel);
    let name = |kinds: &[crate::model::KindId], fallback: &str| match kinds {
        [k] => schema.kind(*k).plural_form(),
        _ => fallback.to_string(),
    };
    let from = match plan.kind {
        Some(k) => vec![k],
        None => def.from.clone(),
    };
    (name(&from, "candidates"), name(&def.to, "targets"))
}

/// The headline: what was chosen, its score, and how good it is.
pub(super) fn headline(r: &PortfolioJson) -> String {
    let (candidates, targets) = &r.nouns;
    let times = if r.redundancy == 1 {
        String::new()
    } else {
        format!(" at least {} times", r.redundancy)
    };
    let by = if r.weighted { " by weight" } else { "" };
    format!(
        "{} of {} {candidates} chosen (budget {}) cover {} of {} {targets}{times}{by}; all {} \
         cover {} ({})",
        r.chosen.len(),
        r.whole_portfolio.size,
        r.budget,
        num(r.score),
        num(r.total),
        r.whole_portfolio.size,
        num(r.whole_portfolio.score),
        r.status
    )
}

/// Whether `from` reaches `to` by `rel` only through derived edges.
fn only_derived(
    graph: &crate::model::Graph,
    from: NodeIndex,
    rel: crate::model::RelId,
    to: NodeIndex,
) -> bool {
    let mut edges = graph
        .edges_of(from, crate::model::Direction::Out)
        .filter(|e| e.to == to && e.edge.rel == rel)
        .peekable();
    edges.peek().is_some() && edges.all(|e| e.edge.basis == crate::model::Basis::Derived)
}

/// The chosen activities, one row each; a target covered only through a
/// derived edge is marked `*`, with a note under the table.
pub(super) fn chosen_table(r: &PortfolioJson, ctx: &Context) -> String {
    let mut out = output::table(
        &["#", "CHOSEN", "ADDS", "ADDED"],
        r.chosen.iter().enumerate().map(|(i, c)| {
            let mark = if c.kept { " (kept)" } else { "" };
            let added: Vec<String> = c
                .adds
                .iter()
                .map(|t| {
                    if c.adds_derived.contains(t) {
                        format!("{t}*")
                    } else {
                        t.clone()
                    }
                })
                .collect();
            vec![
                (i + 1).to_string(),
                format!("{}{mark}", c.id),
                c.adds.len().to_string(),
                added.join(", "),
            ]
        }),
        ctx.style,
    );
    if let Some((c, t)) = r
        .chosen
        .iter()
        .find_map(|c| c.adds_derived.first().map(|t| (c, t)))
    {
        let _ = writeln!(
            out,
            "* covered through an edge the schema's rules derive; `seccoop explain {} {} {t}` shows why",
            c.id, r.rel
        );
    }
    out
}

fn render(r: &PortfolioJson, ctx: &Context) -> String {
    let style = ctx.style;
    let mut out = format!("{}\n\n", style.bold(&headline(r)));
    out.push_str(&chosen_table(r, ctx));
    let mut body = String::new();
    let title = if r.redundancy == 1 {
        format!("{} left uncovered", capitalised(&r.nouns.1))
    } else {
        format!(
            "{} covered fewer than {} times",
            capitalised(&r.nouns.1),
            r.redundancy
        )
    };
    output::section(&mut body, style, &title, r.uncovered.len(), || {
        let counts: std::collections::HashMap<&str, u32> = r
            .under_covered
            .iter()
            .map(|u| (u.id.as_str(), u.count))
            .collect();
        // With redundancy 1 an uncovered threat is addressed by none.
        let headers: &[&str] = if r.redundancy == 1 {
            &["ID"]
        } else {
            &["ID", "COVERED BY CHOSEN"]
        };
        output::table(
            headers,
            r.uncovered.iter().map(|t| {
                let mut row = vec![t.clone()];
                if r.redundancy > 1 {
                    row.push(counts.get(t.as_str()).copied().unwrap_or(0).to_string());
                }
                row
            }),
            style,
        )
    });
    // One row per challenge: the chosen activities it hinders, and what
    // mitigates it.
    let mut challenges: std::collections::BTreeMap<&str, (Vec<&str>, &[String])> =
        std::collections::BTreeMap::new();
    for c in &r.chosen {
        for h in &c.hindered_by {
            let row = challenges
                .entry(h.id.as_str())
                .or_insert((Vec::new(), &h.mitigated_by));
            row.0.push(c.id.as_str());
        }
    }
    let rows: Vec<Vec<String>> = challenges
        .into_iter()
        .map(|(id, (hinders, by))| {
            let by = if by.is_empty() {
                "nothing".to_string()
            } else {
                by.join(", ")
            };
            vec![id.to_string(), hinders.join(", "), by]
        })
        .collect();
    output::section(
        &mut body,
        style,
        "Challenges that hinder the chosen",
        rows.len(),
        || output::table(&["CHALLENGE", "HINDERS", "MITIGATED BY"], rows, style),
    );
    out.push('\n');
    out.push_str(&body);
    out
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn csv(r: &PortfolioJson) -> String {
    let gap = r.gap.map(|g| g.to_string()).unwrap_or_default();
    output::csv(
        &[
            "rank", "id", "name", "kept", "adds", "score", "optimal", "gap",
        ],
        r.chosen.iter().enumerate().map(|(i, c)| {
            vec![
                (i + 1).to_string(),
                c.id.clone(),
                c.name.clone(),
                c.kept.to_string(),
                c.adds.join(";"),
                r.score.to_string(),
                r.optimal.to_string(),
                gap.clone(),
            ]
        }),
    )
}

/// Every candidate that covers something and every target, with the
/// covering edges; the chosen set highlighted.
fn diagram<'g>(p: &Portfolio, plan: &Plan, ctx: &'g Context, status: &str) -> Diagram<'g> {
    let graph = &ctx.graph;
    let targets: HashSet<NodeIndex> = p.counts.iter().map(|(t, _)| *t).collect();
    let mut nodes: Vec<NodeIndex> = Vec::new();
    let mut edges = Vec::new();
    let def = graph.schema().relation(plan.rel);
    for (ix, node) in graph.nodes() {
        let candidate = match plan.kind {
            Some(k) => node.kind == k,
            None => def.from.contains(&node.kind),
        };
        if !candidate || plan.without.contains(&ix) {
            continue;
        }
        let covering: Vec<_> = graph
            .edges_of(ix, crate::model::Direction::Out)
            .filter(|e| e.edge.rel == plan.rel && targets.contains(&e.to))
            .map(|e| e.index)
            .collect();
        if !covering.is_empty() {
            nodes.push(ix);
            edges.extend(covering);
        }
    }
    nodes.extend(p.counts.iter().map(|(t, _)| *t));
    Diagram::new(graph, nodes, edges)
        .with_highlight(p.chosen.iter().map(|c| c.node))
        .with_title(format!(
            "Best {} of {} ({status})",
            p.chosen.len(),
            plan.budget
        ))
}
