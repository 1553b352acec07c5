//! Running a plan: each step turns the rows of the one before into its own.
//!
//! Steps run one after the other over whole row sets, which keeps each
//! simple and makes `ORDER BY`, `DISTINCT` and aggregation natural. The one
//! streaming shortcut: a `MATCH` whose rows go straight to a projection with
//! `LIMIT` and nothing that needs every row stops matching once it has
//! enough.
//!
//! Indexing here cannot fail: slots come from the planner, below the row's
//! length; `p.items[k]`, `p.order[i]` and `groups[g]` are indexed by
//! positions of those same vectors; a path's `nodes` hold one more entry than
//! its relationships.

use std::collections::{BTreeMap, HashMap};

use super::error::{QueryError, Span};
use super::eval::{Engine, Frame, Session};
use super::functions::AggState;
use super::graph::QueryGraph;
use super::matcher::Matcher;
use super::memory::MemoryGraph;
use super::plan::{self, MatchPlan, PExpr, PartPlan, Plan, ProjectPlan, Props, Step};
use super::value::{Key, Path, Value};

/// The graph a run reads, or reads and writes (`CREATE`).
pub(crate) enum Access<'g> {
    Read(&'g dyn QueryGraph),
    Write(&'g mut MemoryGraph),
}

impl Access<'_> {
    fn graph(&self) -> &dyn QueryGraph {
        match self {
            Access::Read(g) => *g,
            Access::Write(g) => &**g,
        }
    }
}

type Row = Vec<Value>;

/// Runs a plan; returns the final rows.
pub(crate) fn execute(
    plan: &Plan,
    mut access: Access<'_>,
    session: &Session,
) -> Result<Vec<Row>, QueryError> {
    let mut rows: Vec<Row> = vec![Vec::new()];
    for (i, step) in plan.steps.iter().enumerate() {
        rows = match step {
            Step::Match(m) => {
                let engine = Engine {
                    graph: access.graph(),
                    session,
                };
                let cap = row_cap(plan.steps.get(i + 1));
                match_step(&engine, rows, m, cap)?
            }
            Step::Unwind { expr, span } => {
                let engine = Engine {
                    graph: access.graph(),
                    session,
                };
                unwind(&engine, rows, expr, *span)?
            }
            Step::Project(p) => {
                let engine = Engine {
                    graph: access.graph(),
                    session,
                };
                project(&engine, rows, p)?
            }
            Step::Create { parts, width_out } => match &mut access {
                Access::Write(g) => create(g, session, rows, parts, *width_out)?,
                Access::Read(_) => {
                    return Err(QueryError::semantic(
                        super::error::Code::ReadOnly,
                        Span::default(),
                        "CREATE needs an in-memory graph; seccoop's graph is read-only",
                    ));
                }
            },
        };
    }
    Ok(rows)
}

/// How many rows a `MATCH` needs to produce when the next step only keeps
/// the first few of them.
fn row_cap(next: Option<&Step>) -> Option<usize> {
    let Some(Step::Project(p)) = next else {
        return None;
    };
    if p.aggregating || p.distinct || !p.order.is_empty() || p.filter.is_some() {
        return None;
    }
    let count = |e: &Option<(PExpr, Span)>| match e {
        Some((PExpr::Const(Value::Int(i)), _)) if *i >= 0 => Some(*i as usize),
        None => Some(0),
        _ => None,
    };
    let limit = match &p.limit {
        None => return None,
        Some(_) => count(&p.limit)?,
    };
    Some(limit.saturating_add(count(&p.skip)?))
}

fn match_step(
    engine: &Engine<'_>,
    rows: Vec<Row>,
    m: &MatchPlan,
    cap: Option<usize>,
) -> Result<Vec<Row>, QueryError> {
    let matcher = Matcher::new(engine, &m.parts, m.width_in);
    let mut out = Vec::new();
    for row in rows {
        let mut row = row;
        row.resize(m.width_out, Value::Null);
        let before = out.len();
        matcher.run(row.clone(), &mut |r: &[Value]| {
            if let Some(filter) = &m.filter
                && !engine.eval(filter, &mut Frame::new(r))?.is_true()
            {
                return Ok(true);
            }
            out.push(r.to_vec());
            too_many(out.len(), engine.session, m.span)?;
            Ok(cap.is_none_or(|c| out.len() < c))
        })?;
        if m.optional && out.len() == before {
            out.push(row);
        }
        if cap.is_some_and(|c| out.len() >= c) {
            break;
        }
    }
    Ok(out)
}

fn unwind(
    engine: &Engine<'_>,
    rows: Vec<Row>,
    expr: &PExpr,
    span: Span,
) -> Result<Vec<Row>, QueryError> {
    let mut out = Vec::new();
    for row in rows {
        let v = engine.eval(expr, &mut Frame::new(&row))?;
        let items = match v {
            Value::List(items) => items,
            Value::Null => continue,
            other => vec![other],
        };
        too_many(out.len() + items.len(), engine.session, span)?;
        for item in items {
            let mut r = row.clone();
            r.push(item);
            out.push(r);
        }
    }
    Ok(out)
}

/// The error for a clause that produced more rows than the session allows.
fn too_many(rows: usize, session: &Session, span: Span) -> Result<(), QueryError> {
    if rows <= session.max_rows {
        return Ok(());
    }
    Err(QueryError::argument(
        super::error::Code::LimitReached,
        span,
        format!(
            "this clause produced more than the limit of {} rows{}",
            session.max_rows,
            super::error::ROWS_STOPPED
        ),
    ))
}

struct Group {
    repr: Row,
    states: Vec<AggState>,
}

fn project(engine: &Engine<'_>, rows: Vec<Row>, p: &ProjectPlan) -> Result<Vec<Row>, QueryError> {
    // Each record: the projected row, its sort keys, and whether it passes
    // WHERE (computed now, while the old row is at hand; applied last).
    let mut records: Vec<(Row, Vec<Value>, bool)> = Vec::new();
    if p.aggregating {
        let mut index: HashMap<Key, usize> = HashMap::new();
        let mut groups: Vec<Group> = Vec::new();
        for row in &rows {
            let mut f = Frame::new(row);
            let mut key = Vec::with_capacity(p.keys.len());
            for &k in &p.keys {
                key.push(engine.eval(&p.items[k], &mut f)?);
            }
            let g = *index.entry(Key(key)).or_insert_with(|| {
                groups.push(Group {
                    repr: row.clone(),
                    states: p
                        .aggs
                        .iter()
                        .map(|a| AggState::new(a.func, a.distinct))
                        .collect(),
                });
                groups.len() - 1
            });
            for (state, spec) in groups[g].states.iter_mut().zip(&p.aggs) {
                let mut args = Vec::with_capacity(spec.args.len());
                for a in &spec.args {
                    args.push(engine.eval(a, &mut f)?);
                }
                state.add(args, spec.span)?;
            }
        }
        if groups.is_empty() && p.keys.is_empty() {
            let width = rows.first().map_or(0, Vec::len);
            groups.push(Group {
                repr: vec![Value::Null; width],
                states: p
                    .aggs
                    .iter()
                    .map(|a| AggState::new(a.func, a.distinct))
                    .collect(),
            });
        }
        for g in groups {
            let aggs: Vec<Value> = g.states.into_iter().map(AggState::finish).collect();
            let mut f = Frame::new(&g.repr);
            f.aggs = &aggs;
            let mut out = Vec::with_capacity(p.items.len());
            for item in &p.items {
                out.push(engine.eval(item, &mut f)?);
            }
            let (keys, keep) = sort_keys(engine, p, &g.repr, &out, &aggs)?;
            records.push((out, keys, keep));
        }
    } else {
        for row in &rows {
            let mut f = Frame::new(row);
            let mut out = Vec::with_capacity(p.items.len());
            for item in &p.items {
                out.push(engine.eval(item, &mut f)?);
            }
            let (keys, keep) = sort_keys(engine, p, row, &out, &[])?;
            records.push((out, keys, keep));
        }
    }
    if p.distinct {
        let mut seen = std::collections::HashSet::new();
        records.retain(|(row, _, _)| seen.insert(Key(row.clone())));
    }
    if !p.order.is_empty() {
        records.sort_by(|(_, a, _), (_, b, _)| {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                let o = x.order(y);
                let o = if p.order[i].1 { o.reverse() } else { o };
                if o.is_ne() {
                    return o;
                }
            }
            std::cmp::Ordering::Equal
        });
    }
    let count = |e: &Option<(PExpr, Span)>, clause: &str| -> Result<Option<usize>, QueryError> {
        match e {
            None => Ok(None),
            Some((expr, span)) => {
                let v = engine.eval(expr, &mut Frame::new(&[]))?;
                plan::check_count(&v, *span, clause, false)?;
                Ok(match v {
                    Value::Int(i) => Some(usize::try_from(i).unwrap_or(usize::MAX)),
                    _ => None,
                })
            }
        }
    };
    let skip = count(&p.skip, "SKIP")?.unwrap_or(0);
    let limit = count(&p.limit, "LIMIT")?;
    Ok(records
        .into_iter()
        .skip(skip)
        .take(limit.unwrap_or(usize::MAX))
        .filter(|r| r.2)
        .map(|(row, _, _)| row)
        .collect())
}

/// A record's sort keys, and whether it passes the projection's WHERE.
fn sort_keys(
    engine: &Engine<'_>,
    p: &ProjectPlan,
    row: &[Value],
    columns: &[Value],
    aggs: &[Value],
) -> Result<(Vec<Value>, bool), QueryError> {
    let mut f = Frame::new(row);
    f.columns = columns;
    f.aggs = aggs;
    let mut keys = Vec::with_capacity(p.order.len());
    for (e, _) in &p.order {
        keys.push(engine.eval(e, &mut f)?);
    }
    let keep = match &p.filter {
        Some(filter) => engine.eval(filter, &mut f)?.is_true(),
        None => true,
    };
    Ok((keys, keep))
}

fn eval_props(
    graph: &dyn QueryGraph,
    session: &Session,
    props: &Props,
    row: &[Value],
) -> Result<BTreeMap<String, Value>, QueryError> {
    let engine = Engine { graph, session };
    let mut f = Frame::new(row);
    Ok(match props {
        Props::None => BTreeMap::new(),
        Props::Map(entries) => {
            let mut m = BTreeMap::new();
            for (k, e) in entries {
                m.insert(k.clone(), engine.eval(e, &mut f)?);
            }
            m
        }
        Props::Expr(e) => match engine.eval(e, &mut f)? {
            Value::Map(m) => m,
            _ => BTreeMap::new(),
        },
    })
}

fn create(
    g: &mut MemoryGraph,
    session: &Session,
    rows: Vec<Row>,
    parts: &[PartPlan],
    width: usize,
) -> Result<Vec<Row>, QueryError> {
    let mut out = Vec::with_capacity(rows.len());
    for mut row in rows {
        let bound_before = row.len();
        row.resize(width, Value::Null);
        let mut bound: Vec<bool> = (0..width).map(|i| i < bound_before).collect();
        for part in parts {
            let mut nodes = Vec::with_capacity(part.nodes.len());
            for node in &part.nodes {
                if let Some(slot) = node.slot.filter(|&s| bound[s]) {
                    match &row[slot] {
                        Value::Node(n) => {
                            nodes.push(*n);
                            continue;
                        }
                        other => {
                            return Err(QueryError::type_error(
                                super::error::Code::InvalidArgumentType,
                                Span::default(),
                                format!("CREATE needs a node, not {}", other.type_name()),
                            ));
                        }
                    }
                }
                let props = eval_props(g, session, &node.props, &row)?;
                let n = g.add_node(&node.labels, props);
                if let Some(slot) = node.slot {
                    row[slot] = Value::Node(n);
                    bound[slot] = true;
                }
                nodes.push(n);
            }
            let mut steps = Vec::with_capacity(part.rels.len());
            for (j, rel) in part.rels.iter().enumerate() {
                let props = eval_props(g, session, &rel.props, &row)?;
                let (a, b) = (nodes[j], nodes[j + 1]);
                let (from, to) = if rel.dir == super::ast::Dir::Left {
                    (b, a)
                } else {
                    (a, b)
                };
                let t = rel.types.first().map_or("", String::as_str);
                let e = g.add_edge(from, to, t, props);
                if let Some(slot) = rel.slot {
                    row[slot] = Value::Rel(e);
                    bound[slot] = true;
                }
                steps.push((e, b));
            }
            if let Some(slot) = part.path_slot {
                row[slot] = Value::Path(Path {
                    start: nodes[0],
                    steps,
                });
                bound[slot] = true;
            }
        }
        out.push(row);
    }
    Ok(out)
}
