//! Running a plan: rows stream through the steps one at a time.
//!
//! Each input row of a step is pushed through it at once to the next step,
//! so a `MATCH` never holds its rows: a projection that aggregates keeps one
//! state per group (`count`, `sum`, `min`, `max` and `avg` in constant
//! space), one that only maps rows passes them on, and `LIMIT` stops the
//! steps before it as soon as it has enough. Only `ORDER BY` (which must see
//! every row) and the final answer hold rows, within
//! [`Options::max_rows`](super::Options::max_rows); a clause that produces
//! more rows than that stops the query with an error, whether it holds them
//! or not, so work is bounded too. `CREATE` (on in-memory graphs only)
//! needs the graph mutably, so the steps before it run to completion first.
//!
//! Indexing here cannot fail: slots come from the planner, below the row's
//! length; `p.items[k]`, `p.order[i]` and `groups[g]` are indexed by
//! positions of those same vectors; a path's `nodes` hold one more entry than
//! its relationships; `self.states[i]` has one entry per step.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use super::error::{QueryError, Span};
use super::eval::{Engine, Frame, Session};
use super::functions::AggState;
use super::graph::QueryGraph;
use super::matcher::Matcher;
use super::memory::MemoryGraph;
use super::plan::{self, PExpr, PartPlan, Plan, ProjectPlan, Props, Step};
use super::procedures::Call;
use super::value::{Key, Path, Value};

/// The graph a run reads, or reads and writes (`CREATE`).
pub(crate) enum Access<'g> {
    Read(&'g dyn QueryGraph),
    Write(&'g mut MemoryGraph),
}

impl Access<'_> {
    fn reborrow(&mut self) -> Access<'_> {
        match self {
            Access::Read(g) => Access::Read(*g),
            Access::Write(g) => Access::Write(g),
        }
    }

    fn graph(&self) -> &dyn QueryGraph {
        match self {
            Access::Read(g) => *g,
            Access::Write(g) => &**g,
        }
    }
}

type Row = Vec<Value>;

/// What `PROFILE` measures of each step of each query of a union: the
/// rows out of it, and (when timed) the milliseconds spent in the step
/// itself, not in the steps it pushes rows on to.
#[derive(Debug, Default)]
pub(crate) struct Profile {
    pub rows: Vec<Vec<usize>>,
    pub millis: Vec<Vec<f64>>,
}

/// Runs a plan and the plans joined to it by `UNION`; returns the rows of
/// each in turn, without duplicates for `UNION`, and the rows out of each
/// step.
pub(crate) fn execute_union(
    plan: &Plan,
    mut access: Access<'_>,
    session: &Session,
    timed: bool,
) -> Result<(Vec<Row>, Profile), QueryError> {
    let mut counts = Profile::default();
    let mut rows = execute(plan, access.reborrow(), session, &mut counts, timed)?;
    for part in &plan.unions {
        rows.extend(execute(
            part,
            access.reborrow(),
            session,
            &mut counts,
            timed,
        )?);
        too_many(rows.len(), session, Span::default())?;
    }
    if plan.union_distinct {
        let mut seen = HashSet::new();
        rows.retain(|r| seen.insert(Key(r.clone())));
    }
    Ok((rows, counts))
}

/// Runs one query's plan; returns its rows, and adds the rows out of each
/// step (and, when `timed`, its time) to `counts`.
fn execute(
    plan: &Plan,
    mut access: Access<'_>,
    session: &Session,
    counts: &mut Profile,
    timed: bool,
) -> Result<Vec<Row>, QueryError> {
    let mut rows: Vec<Row> = vec![Vec::new()];
    let mut out_counts = Vec::with_capacity(plan.steps.len());
    let mut out_millis = Vec::with_capacity(plan.steps.len());
    let mut rest: &[Step] = &plan.steps;
    while !rest.is_empty() {
        let reads = rest
            .iter()
            .position(|s| matches!(s, Step::Create { .. }))
            .unwrap_or(rest.len());
        let (streamed, after) = rest.split_at(reads);
        if !streamed.is_empty() {
            let engine = Engine {
                graph: access.graph(),
                session,
            };
            let mut pipeline = Pipeline::new(&engine, streamed)?;
            if timed {
                pipeline.inclusive = Some(vec![Duration::ZERO; streamed.len()]);
            }
            rows = pipeline.run(rows)?;
            out_counts.extend(pipeline.pushed.iter().skip(1).take(streamed.len() - 1));
            out_counts.push(rows.len());
            out_millis.extend(pipeline.self_millis());
        }
        if let Some((Step::Create { parts, width_out }, tail)) = after.split_first() {
            rows = match &mut access {
                Access::Write(g) => {
                    let started = Instant::now();
                    let created = create(g, session, rows, parts, *width_out)?;
                    out_counts.push(created.len());
                    out_millis.push(started.elapsed().as_secs_f64() * 1000.0);
                    created
                }
                Access::Read(_) => {
                    return Err(QueryError::semantic(
                        super::error::Code::ReadOnly,
                        Span::default(),
                        "CREATE needs an in-memory graph; seccoop's graph is read-only",
                    ));
                }
            };
            rest = tail;
        } else {
            rest = after;
        }
    }
    counts.rows.push(out_counts);
    counts.millis.push(out_millis);
    Ok(rows)
}

/// Runs the plan of `EXISTS { … }` or `COUNT { … }` from one input row;
/// returns how many rows it produced (at most one when `any` is enough).
pub(crate) fn subquery(
    plan: &Plan,
    engine: &Engine<'_>,
    row: Row,
    any: bool,
) -> Result<usize, QueryError> {
    let mut pipeline = Pipeline::new(engine, &plan.steps)?;
    pipeline.stop_after_one = any;
    pipeline.push(0, row)?;
    for i in 0..plan.steps.len() {
        pipeline.flush(i)?;
    }
    Ok(pipeline.out.len())
}

/// The error for a clause that would hold more rows than the session allows.
fn too_many(rows: usize, session: &Session, span: Span) -> Result<(), QueryError> {
    if rows <= session.max_rows {
        return Ok(());
    }
    Err(QueryError::argument(
        super::error::Code::LimitReached,
        span,
        format!(
            "this clause would hold more than the limit of {} rows{}",
            session.max_rows,
            super::error::ROWS_STOPPED
        ),
    ))
}

struct Group {
    repr: Row,
    states: Vec<AggState>,
}

/// A projected row, its sort keys, and whether it passes the projection's
/// WHERE (computed while the old row is at hand; applied last).
type Record = (Row, Vec<Value>, bool);

/// What a projection keeps between rows.
enum Projecting {
    /// Rows pass straight on: no aggregation and no ORDER BY.
    Streaming {
        /// Rows seen so far, for SKIP and LIMIT.
        seen: usize,
        /// With DISTINCT, the rows passed on.
        distinct: Option<HashSet<Key>>,
    },
    /// One state per group.
    Aggregating {
        index: HashMap<Key, usize>,
        groups: Vec<Group>,
    },
    /// Every record, to sort them.
    Sorting(Vec<Record>),
}

/// The state of one step during a run.
enum StepState {
    /// How many rows the step has produced (MATCH, UNWIND).
    Producing(usize),
    Project {
        how: Projecting,
        skip: usize,
        limit: Option<usize>,
        /// Whether the step wants no more rows.
        done: bool,
    },
}

/// Steps that rows are pushed through, one row at a time.
struct Pipeline<'e, 'a> {
    engine: &'e Engine<'a>,
    steps: &'e [Step],
    states: Vec<StepState>,
    /// The rows out of the last step.
    out: Vec<Row>,
    /// The widest input row seen, for the group of an empty aggregation.
    width_in: Vec<usize>,
    /// Stop at the first row out (`EXISTS { … }`).
    stop_after_one: bool,
    /// Rows pushed into each step, and (last) out of the last one.
    pushed: Vec<usize>,
    /// For `PROFILE`: the time spent in each step and in the steps after
    /// it that it pushed rows to.
    inclusive: Option<Vec<Duration>>,
}

impl<'e, 'a> Pipeline<'e, 'a> {
    fn new(engine: &'e Engine<'a>, steps: &'e [Step]) -> Result<Self, QueryError> {
        let mut states = Vec::with_capacity(steps.len());
        for step in steps {
            states.push(match step {
                Step::Project(p) => {
                    let skip = count_value(engine, &p.skip, "SKIP")?.unwrap_or(0);
                    let limit = count_value(engine, &p.limit, "LIMIT")?;
                    let how = if p.aggregating {
                        Projecting::Aggregating {
                            index: HashMap::new(),
                            groups: Vec::new(),
                        }
                    } else if p.order.is_empty() {
                        Projecting::Streaming {
                            seen: 0,
                            distinct: p.distinct.then(HashSet::new),
                        }
                    } else {
                        Projecting::Sorting(Vec::new())
                    };
                    StepState::Project {
                        how,
                        skip,
                        limit,
                        done: false,
                    }
                }
                _ => StepState::Producing(0),
            });
        }
        Ok(Pipeline {
            engine,
            steps,
            states,
            out: Vec::new(),
            width_in: vec![0; steps.len()],
            stop_after_one: false,
            pushed: vec![0; steps.len() + 1],
            inclusive: None,
        })
    }

    /// The span of the last step, which the rows out of the pipeline are
    /// counted against.
    fn last_span(&self) -> Span {
        p_span(self.steps, self.steps.len().saturating_sub(1))
    }

    /// Each step's own time in milliseconds: its inclusive time less that
    /// of the step it pushes to (empty when not timed).
    fn self_millis(&self) -> Vec<f64> {
        let Some(times) = &self.inclusive else {
            return Vec::new();
        };
        times
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let after = times.get(i + 1).copied().unwrap_or(Duration::ZERO);
                t.saturating_sub(after).as_secs_f64() * 1000.0
            })
            .collect()
    }

    /// Runs `f` on step `i`, adding its time when timed.
    fn timed<R>(&mut self, i: usize, f: impl FnOnce(&mut Self) -> R) -> R {
        if self.inclusive.as_ref().is_none_or(|t| i >= t.len()) {
            return f(self);
        }
        let started = Instant::now();
        let r = f(self);
        if let Some(t) = self.inclusive.as_mut().and_then(|t| t.get_mut(i)) {
            *t += started.elapsed();
        }
        r
    }

    /// Pushes every row through, then flushes the projections that held
    /// rows back, in order.
    fn run(&mut self, rows: Vec<Row>) -> Result<Vec<Row>, QueryError> {
        for row in rows {
            if !self.push(0, row)? {
                break;
            }
        }
        for i in 0..self.steps.len() {
            self.flush(i)?;
        }
        Ok(std::mem::take(&mut self.out))
    }

    /// Pushes one row into step `i`; returns whether more rows are wanted.
    fn push(&mut self, i: usize, row: Row) -> Result<bool, QueryError> {
        self.timed(i, |me| me.push_untimed(i, row))
    }

    fn push_untimed(&mut self, i: usize, row: Row) -> Result<bool, QueryError> {
        let steps = self.steps;
        let engine = self.engine;
        if let Some(n) = self.pushed.get_mut(i) {
            *n += 1;
        }
        let Some(step) = steps.get(i) else {
            self.out.push(row);
            too_many(self.out.len(), engine.session, self.last_span())?;
            return Ok(!self.stop_after_one);
        };
        self.width_in[i] = self.width_in[i].max(row.len());
        match step {
            Step::Match(m) => {
                let matcher = Matcher::new(engine, &m.parts, m.width_in);
                let mut row = row;
                row.resize(m.width_out, Value::Null);
                let mut found = false;
                let mut go_on = true;
                matcher.run(row.clone(), &mut |r: &[Value]| {
                    engine.session.tick(m.span)?;
                    if let Some(filter) = &m.filter
                        && !engine.eval(filter, &mut Frame::new(r))?.is_true()
                    {
                        return Ok(true);
                    }
                    found = true;
                    self.produced(i, m.span)?;
                    go_on = self.push(i + 1, r.to_vec())?;
                    Ok(go_on)
                })?;
                if m.optional && !found && go_on {
                    self.produced(i, m.span)?;
                    go_on = self.push(i + 1, row)?;
                }
                Ok(go_on)
            }
            Step::Unwind { expr, span } => {
                let items = match engine.eval(expr, &mut Frame::new(&row))? {
                    Value::List(items) => items,
                    Value::Null => return Ok(true),
                    other => vec![other],
                };
                for item in items {
                    self.produced(i, *span)?;
                    let mut r = row.clone();
                    r.push(item);
                    if !self.push(i + 1, r)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Step::Project(p) => self.project(i, p, row),
            Step::Procedure {
                procedure,
                args,
                picks,
                pass_through,
                filter,
                span,
            } => {
                let mut values = Vec::with_capacity(args.len());
                for (a, input) in args.iter().zip(&procedure.inputs) {
                    let v = engine.eval(a, &mut Frame::new(&row))?;
                    if !input.accepts(&v) {
                        return Err(QueryError::type_error(
                            super::error::Code::InvalidArgumentType,
                            *span,
                            format!(
                                "{}'s input `{}` is {}, not {}",
                                procedure.name,
                                input.name,
                                input.ty,
                                v.type_name()
                            ),
                        ));
                    }
                    values.push(v);
                }
                let call = Call {
                    graph: engine.graph,
                    args: &values,
                    span: *span,
                };
                let found = procedure.run(&call)?;
                if *pass_through {
                    self.produced(i, *span)?;
                    return self.push(i + 1, row);
                }
                for out in found {
                    self.produced(i, *span)?;
                    let mut r = row.clone();
                    r.extend(
                        picks
                            .iter()
                            .map(|&k| out.get(k).cloned().unwrap_or(Value::Null)),
                    );
                    if let Some(f) = filter
                        && !engine.eval(f, &mut Frame::new(&r))?.is_true()
                    {
                        continue;
                    }
                    if !self.push(i + 1, r)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Step::Call {
                plan,
                width_in,
                span,
            } => {
                let mut input = row;
                input.truncate(*width_in);
                let mut sub = Pipeline::new(engine, &plan.steps)?;
                let returned = sub.run(vec![input.clone()])?;
                for values in returned {
                    self.produced(i, *span)?;
                    let mut r = input.clone();
                    r.extend(values);
                    if !self.push(i + 1, r)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            // Runs apart, see `execute`.
            Step::Create { .. } => Ok(true),
        }
    }

    /// Counts a row produced by step `i`: it streams on and is not held,
    /// so only the time limit bounds it.
    fn produced(&mut self, i: usize, span: Span) -> Result<(), QueryError> {
        if let Some(StepState::Producing(n)) = self.states.get_mut(i) {
            *n += 1;
        }
        self.engine.session.tick(span)
    }

    fn project(&mut self, i: usize, p: &ProjectPlan, row: Row) -> Result<bool, QueryError> {
        let engine = self.engine;
        let StepState::Project { how, done, .. } = &mut self.states[i] else {
            return Ok(true);
        };
        if *done {
            return Ok(false);
        }
        match how {
            Projecting::Streaming { .. } => {
                let mut f = Frame::new(&row);
                let mut out = Vec::with_capacity(p.items.len());
                for item in &p.items {
                    out.push(engine.eval(item, &mut f)?);
                }
                let (_, keep) = sort_keys(engine, p, &row, &out, &[])?;
                self.pass_on(i, out, keep)
            }
            Projecting::Aggregating { index, groups } => {
                let mut f = Frame::new(&row);
                let mut key = Vec::with_capacity(p.keys.len());
                for &k in &p.keys {
                    key.push(engine.eval(&p.items[k], &mut f)?);
                }
                let g = match index.get(&Key(key.clone())) {
                    Some(&g) => g,
                    None => {
                        groups.push(Group {
                            repr: row.clone(),
                            states: new_states(p),
                        });
                        too_many(groups.len(), engine.session, p.span)?;
                        index.insert(Key(key), groups.len() - 1);
                        groups.len() - 1
                    }
                };
                for (state, spec) in groups[g].states.iter_mut().zip(&p.aggs) {
                    let mut args = Vec::with_capacity(spec.args.len());
                    for a in &spec.args {
                        args.push(engine.eval(a, &mut f)?);
                    }
                    state.add(args, spec.span)?;
                }
                Ok(true)
            }
            Projecting::Sorting(records) => {
                let mut f = Frame::new(&row);
                let mut out = Vec::with_capacity(p.items.len());
                for item in &p.items {
                    out.push(engine.eval(item, &mut f)?);
                }
                let (keys, keep) = sort_keys(engine, p, &row, &out, &[])?;
                records.push((out, keys, keep));
                too_many(records.len(), engine.session, p.span)?;
                Ok(true)
            }
        }
    }

    /// Passes a projected row on from step `i`, applying DISTINCT, SKIP,
    /// LIMIT and the WHERE after WITH, in that order; returns whether more
    /// rows are wanted.
    fn pass_on(&mut self, i: usize, out: Row, keep: bool) -> Result<bool, QueryError> {
        let StepState::Project {
            how,
            skip,
            limit,
            done,
        } = &mut self.states[i]
        else {
            return Ok(true);
        };
        let seen = match how {
            Projecting::Streaming { seen, distinct } => {
                if let Some(d) = distinct {
                    if !d.insert(Key(out.clone())) {
                        return Ok(true);
                    }
                    too_many(d.len(), self.engine.session, p_span(self.steps, i))?;
                }
                *seen += 1;
                *seen
            }
            _ => return Ok(true),
        };
        if seen <= *skip {
            return Ok(true);
        }
        let taken = seen - *skip;
        if limit.is_some_and(|l| taken > l) {
            *done = true;
            return Ok(false);
        }
        let full = limit.is_some_and(|l| taken >= l);
        if full {
            *done = true;
        }
        let go_on = if keep { self.push(i + 1, out)? } else { true };
        Ok(go_on && !full)
    }

    /// Finishes step `i` when it held rows back: the groups' values, or the
    /// sorted records, pushed on.
    fn flush(&mut self, i: usize) -> Result<(), QueryError> {
        self.timed(i, |me| me.flush_untimed(i))
    }

    fn flush_untimed(&mut self, i: usize) -> Result<(), QueryError> {
        let Some(Step::Project(p)) = self.steps.get(i) else {
            return Ok(());
        };
        let engine = self.engine;
        let width = self.width_in[i];
        let Some(StepState::Project {
            how, skip, limit, ..
        }) = self.states.get_mut(i)
        else {
            return Ok(());
        };
        let (skip, limit) = (*skip, *limit);
        let mut records: Vec<Record> = match how {
            Projecting::Streaming { .. } => return Ok(()),
            Projecting::Sorting(records) => std::mem::take(records),
            Projecting::Aggregating { groups, index } => {
                index.clear();
                let mut groups = std::mem::take(groups);
                if groups.is_empty() && p.keys.is_empty() {
                    groups.push(Group {
                        repr: vec![Value::Null; width],
                        states: new_states(p),
                    });
                }
                let mut records = Vec::with_capacity(groups.len());
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
                records
            }
        };
        if p.distinct {
            let mut seen = HashSet::new();
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
        let kept = records
            .into_iter()
            .skip(skip)
            .take(limit.unwrap_or(usize::MAX))
            .filter(|r| r.2);
        for (row, _, _) in kept {
            if !self.push(i + 1, row)? {
                break;
            }
        }
        Ok(())
    }
}

/// The span of step `i` when it is a projection.
fn p_span(steps: &[Step], i: usize) -> Span {
    match steps.get(i) {
        Some(Step::Project(p)) => p.span,
        _ => Span::default(),
    }
}

fn new_states(p: &ProjectPlan) -> Vec<AggState> {
    p.aggs
        .iter()
        .map(|a| AggState::new(a.func, a.distinct))
        .collect()
}

/// The value of `SKIP` or `LIMIT`, checked.
fn count_value(
    engine: &Engine<'_>,
    e: &Option<(PExpr, Span)>,
    clause: &str,
) -> Result<Option<usize>, QueryError> {
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
