//! `EXPLAIN` and `PROFILE`: the plan of a query as a tree of operators.
//!
//! A query that starts with `EXPLAIN` is planned, not run; one that starts
//! with `PROFILE` is run and its answer dropped. Either answers with one
//! row per operator, the result at the top and each operator's input below
//! it (indented, as Neo4j draws plans): its name, what it does, the rows
//! estimated before running, and, for `PROFILE`, the rows it produced and
//! the time spent in it (its own work, not that of the operators it feeds;
//! a `UNION` row above several queries gives the whole run's time). As rows, the plan prints in every format a
//! query answer does (table, JSON, CSV).
//!
//! The estimate of a `MATCH` is the candidate nodes its patterns start
//! from (a bound variable: 1; an `{id: …}` the graph indexes: 1; else the
//! smallest label's count, or every node), multiplied over its patterns;
//! other operators pass their input's estimate on, except aggregation
//! without grouping keys (1) and `LIMIT` (at most the limit).

use super::error::Span;
use super::exec::Profile;
use super::graph::QueryGraph;
use super::plan::{MatchPlan, PExpr, Plan, ProjectPlan, Props, Step};
use super::value::Value;

/// Whether a query asks for its plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Explain,
    Profile,
}

/// The columns of a plan.
pub(crate) const COLUMNS: [&str; 5] = ["operator", "details", "estimated rows", "rows", "time ms"];

/// `EXPLAIN` or `PROFILE` at the start of `text`, and the text with that
/// keyword blanked out (so spans stay where they are).
pub(crate) fn mode(text: &str) -> Option<(Mode, String)> {
    let trimmed = text.trim_start();
    let at = text.len() - trimmed.len();
    let word: String = trimmed
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let mode = match word.to_ascii_uppercase().as_str() {
        "EXPLAIN" => Mode::Explain,
        "PROFILE" => Mode::Profile,
        _ => return None,
    };
    let end = at + word.len();
    let rest = text.get(end..).unwrap_or("");
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    Some((mode, format!("{}{rest}", " ".repeat(end))))
}

/// The plan's rows: `profile` holds each step's rows out and time, per
/// query of a union, when the query ran; `millis` is the whole run's time.
pub(crate) fn rows(
    plan: &Plan,
    text: &str,
    graph: Option<&dyn QueryGraph>,
    profile: Option<&Profile>,
    millis: Option<f64>,
) -> Vec<Vec<Value>> {
    let mut out = Vec::new();
    let parts: Vec<&Plan> = std::iter::once(plan).chain(&plan.unions).collect();
    let depth = usize::from(parts.len() > 1);
    if depth == 1 {
        let how = if plan.union_distinct {
            "UNION"
        } else {
            "UNION ALL"
        };
        out.push(row(0, "Union", how.into(), None, None, millis));
    }
    for (q, part) in parts.iter().enumerate() {
        let counts = profile.and_then(|p| p.rows.get(q));
        let times = profile.and_then(|p| p.millis.get(q));
        let mut estimates = Vec::with_capacity(part.steps.len());
        let mut estimate: Option<f64> = Some(1.0);
        for step in &part.steps {
            estimate = estimate_step(step, estimate, graph);
            estimates.push(estimate);
        }
        for (k, step) in part.steps.iter().enumerate().rev() {
            let level = depth + part.steps.len() - 1 - k;
            let (name, details) = describe(step, text);
            let actual = counts.and_then(|c| c.get(k)).copied();
            let time = times.and_then(|t| t.get(k)).copied();
            out.push(row(level, name, details, estimates[k], actual, time));
        }
    }
    out
}

fn row(
    level: usize,
    name: &str,
    details: String,
    estimate: Option<f64>,
    actual: Option<usize>,
    millis: Option<f64>,
) -> Vec<Value> {
    let operator = if level == 0 {
        name.to_string()
    } else {
        format!("{}└─{name}", "  ".repeat(level - 1))
    };
    vec![
        Value::String(operator),
        Value::String(details),
        estimate.map_or(Value::Null, |e| {
            Value::Int(e.round().min(i64::MAX as f64) as i64)
        }),
        actual.map_or(Value::Null, |a| {
            Value::Int(i64::try_from(a).unwrap_or(i64::MAX))
        }),
        millis.map_or(Value::Null, |m| Value::Float((m * 1000.0).round() / 1000.0)),
    ]
}

fn text_of(text: &str, span: Span) -> String {
    let t = text.get(span.start..span.end).unwrap_or("");
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An operator's name and details.
fn describe(step: &Step, text: &str) -> (&'static str, String) {
    match step {
        Step::Match(m) => (
            if m.optional { "OptionalMatch" } else { "Match" },
            text_of(text, m.span),
        ),
        Step::Unwind { span, .. } => ("Unwind", text_of(text, *span)),
        Step::Project(p) => (project_name(p), text_of(text, p.span)),
        Step::Create { .. } => ("Create", String::new()),
        Step::Call { span, .. } => ("CallSubquery", text_of(text, *span)),
        Step::Procedure { span, .. } => ("ProcedureCall", text_of(text, *span)),
    }
}

fn project_name(p: &ProjectPlan) -> &'static str {
    if p.aggregating {
        "Aggregate"
    } else if !p.order.is_empty() {
        "Sort"
    } else if p.distinct {
        "Distinct"
    } else if p.limit.is_some() {
        "Limit"
    } else if p.filter.is_some() {
        "Filter"
    } else {
        "Project"
    }
}

fn estimate_step(step: &Step, input: Option<f64>, graph: Option<&dyn QueryGraph>) -> Option<f64> {
    let input = input?;
    match step {
        Step::Match(m) => {
            let starts = match_starts(m, graph?)?;
            let e = input * starts;
            Some(if m.optional { e.max(input) } else { e })
        }
        Step::Unwind { expr, .. } => match expr {
            PExpr::Const(Value::List(items)) => Some(input * items.len() as f64),
            _ => None,
        },
        Step::Project(p) => {
            let mut e = if p.aggregating && p.keys.is_empty() {
                1.0
            } else {
                input
            };
            if let Some((PExpr::Const(Value::Int(l)), _)) = &p.limit {
                e = e.min(*l as f64);
            }
            Some(e)
        }
        Step::Create { .. } => Some(input),
        Step::Call { .. } | Step::Procedure { .. } => None,
    }
}

/// The candidate start nodes of a MATCH's patterns, multiplied.
fn match_starts(m: &MatchPlan, g: &dyn QueryGraph) -> Option<f64> {
    let mut product = 1.0;
    for part in &m.parts {
        let best = part
            .nodes
            .iter()
            .map(|n| {
                if n.slot.is_some_and(|s| s < m.width_in) {
                    return 1.0;
                }
                if let Props::Map(entries) = &n.props
                    && entries.iter().any(
                        |(k, v)| matches!(v, PExpr::Const(c) if g.node_by_property(k, c).is_some()),
                    )
                {
                    return 1.0;
                }
                n.labels
                    .iter()
                    .map(|l| g.label(l).map_or(0, |id| g.label_count(id)))
                    .min()
                    .unwrap_or(g.node_count()) as f64
            })
            .fold(f64::INFINITY, f64::min);
        product *= if best.is_finite() { best } else { 0.0 };
    }
    Some(product)
}
