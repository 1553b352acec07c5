//! Expression evaluation: planned expressions to values, with openCypher's
//! null propagation and three-valued logic.

use std::cell::{Cell, RefCell};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use super::ast::{BinaryOp, Quantifier};
use super::error::{Code, QueryError, Span};
use super::functions;
use super::graph::QueryGraph;
use super::matcher::Matcher;
use super::plan::PExpr;
use super::value::Value;

/// State that lasts for one run of a query, whatever graph access a step
/// has: the random generator, compiled regexes, the limits.
pub(crate) struct Session {
    /// The hop limit for `*` without an upper bound, if any.
    pub max_hops: Option<u64>,
    /// How many rows a clause may hold.
    pub max_rows: usize,
    /// How long the run may take, and when it must stop.
    time_limit: Option<(Duration, Instant)>,
    /// What the time-limit error points at: the whole query, since which
    /// clause happens to be at work when the clock runs out is chance.
    whole: Cell<Option<Span>>,
    /// Steps of work since the clock was last read.
    ticks: Cell<u32>,
    rng: Cell<u64>,
    regexes: RefCell<HashMap<String, regex::Regex>>,
}

impl Session {
    pub(crate) fn new(options: &super::Options) -> Self {
        Session {
            max_hops: options.max_hops,
            max_rows: options.max_rows,
            time_limit: options.timeout.map(|t| (t, Instant::now() + t)),
            whole: Cell::new(None),
            ticks: Cell::new(0),
            rng: Cell::new(options.seed | 1),
            regexes: RefCell::new(HashMap::new()),
        }
    }

    /// Sets the span the time-limit error points at (the query's text).
    pub(crate) fn for_query(self, text: &str) -> Self {
        self.whole.set(Some(Span::new(0, text.len())));
        self
    }

    /// Counts one step of work (a row matched, a hop walked); every 1024
    /// steps, an error when the run is past its time limit.
    pub(crate) fn tick(&self, span: Span) -> Result<(), QueryError> {
        let Some((limit, deadline)) = self.time_limit else {
            return Ok(());
        };
        let t = self.ticks.get().wrapping_add(1);
        self.ticks.set(t);
        if !t.is_multiple_of(1024) || Instant::now() < deadline {
            return Ok(());
        }
        Err(QueryError::argument(
            Code::LimitReached,
            self.whole.get().unwrap_or(span),
            format!(
                "this query was still at work when it reached its time limit of {} s{}",
                limit.as_secs_f64(),
                super::error::TIME_STOPPED
            ),
        ))
    }

    /// A float in `[0, 1)` from a xorshift generator: `rand()` needs no
    /// cryptographic quality, and a seed makes runs reproducible.
    pub(crate) fn rand(&self) -> f64 {
        let mut x = self.rng.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng.set(x);
        (x >> 11) as f64 / (1u64 << 53) as f64
    }

    fn regex(&self, pattern: &str, span: Span) -> Result<regex::Regex, QueryError> {
        if let Some(r) = self.regexes.borrow().get(pattern) {
            return Ok(r.clone());
        }
        let anchored = format!("^(?:{pattern})$");
        let r = regex::Regex::new(&anchored).map_err(|e| {
            QueryError::argument(
                Code::InvalidArgumentValue,
                span,
                format!(
                    "invalid regular expression: {}",
                    e.to_string().lines().last().unwrap_or("")
                ),
            )
        })?;
        self.regexes
            .borrow_mut()
            .insert(pattern.to_string(), r.clone());
        Ok(r)
    }
}

/// Evaluates expressions against one graph.
pub(crate) struct Engine<'a> {
    pub graph: &'a dyn QueryGraph,
    pub session: &'a Session,
}

/// What an expression sees: the row, comprehension variables past its end,
/// and, in a projection, the new columns and the aggregates' values.
pub(crate) struct Frame<'a> {
    pub row: &'a [Value],
    pub locals: Vec<Value>,
    pub columns: &'a [Value],
    pub aggs: &'a [Value],
}

impl<'a> Frame<'a> {
    pub(crate) fn new(row: &'a [Value]) -> Self {
        Frame {
            row,
            locals: Vec::new(),
            columns: &[],
            aggs: &[],
        }
    }

    fn get(&self, slot: usize) -> Value {
        // Indexing cannot fail: `slot` is tested against the length.
        if slot < self.row.len() {
            self.row[slot].clone()
        } else {
            self.locals
                .get(slot - self.row.len())
                .cloned()
                .unwrap_or(Value::Null)
        }
    }

    fn set(&mut self, slot: usize, v: Value) {
        let i = slot.saturating_sub(self.row.len());
        if self.locals.len() <= i {
            self.locals.resize(i + 1, Value::Null);
        }
        // Indexing cannot fail: the list was just grown past `i`.
        self.locals[i] = v;
    }
}

/// How deeply `reduce` may nest lists and maps. Values are walked
/// recursively (compared, cloned, printed), so their depth is bounded like
/// the query's.
const MAX_VALUE_DEPTH: usize = 1000;

/// Whether `v` nests lists and maps more than `limit` levels deep.
fn nested_deeper_than(v: &Value, limit: usize) -> bool {
    match v {
        Value::List(items) => limit == 0 || items.iter().any(|i| nested_deeper_than(i, limit - 1)),
        Value::Map(m) => limit == 0 || m.values().any(|i| nested_deeper_than(i, limit - 1)),
        _ => false,
    }
}

fn type_error(span: Span, message: String) -> QueryError {
    QueryError::type_error(Code::InvalidArgumentType, span, message)
}

/// `Some(bool)` or `None` for null; anything else is a type error.
fn truth(v: &Value, span: Span) -> Result<Option<bool>, QueryError> {
    match v {
        Value::Bool(b) => Ok(Some(*b)),
        Value::Null => Ok(None),
        other => Err(type_error(
            span,
            format!("expected a boolean, but this is {}", other.type_name()),
        )),
    }
}

fn opt_bool(b: Option<bool>) -> Value {
    b.map_or(Value::Null, Value::Bool)
}

impl Engine<'_> {
    pub(crate) fn eval(&self, e: &PExpr, f: &mut Frame<'_>) -> Result<Value, QueryError> {
        super::with_stack(|| self.eval_inner(e, f))
    }

    fn eval_inner(&self, e: &PExpr, f: &mut Frame<'_>) -> Result<Value, QueryError> {
        Ok(match e {
            PExpr::Const(v) => v.clone(),
            PExpr::Var(slot) => f.get(*slot),
            PExpr::Column(i) => f.columns.get(*i).cloned().unwrap_or(Value::Null),
            PExpr::Agg(i) => f.aggs.get(*i).cloned().unwrap_or(Value::Null),
            PExpr::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.eval(i, f)?);
                }
                Value::List(out)
            }
            PExpr::Map(entries) => {
                let mut out = BTreeMap::new();
                for (k, v) in entries {
                    out.insert(k.clone(), self.eval(v, f)?);
                }
                Value::Map(out)
            }
            PExpr::Property(target, key, span) => {
                let t = self.eval(target, f)?;
                self.property(&t, key, *span)?
            }
            PExpr::Index(target, index, span) => {
                let t = self.eval(target, f)?;
                let i = self.eval(index, f)?;
                self.index(t, i, *span)?
            }
            PExpr::Slice(target, from, to, span) => {
                let t = self.eval(target, f)?;
                let from = match from {
                    Some(x) => Some(self.eval(x, f)?),
                    None => None,
                };
                let to = match to {
                    Some(x) => Some(self.eval(x, f)?),
                    None => None,
                };
                slice(t, from, to, *span)?
            }
            PExpr::HasLabels(target, labels, span) => match self.eval(target, f)? {
                Value::Null => Value::Null,
                Value::Node(n) => Value::Bool(labels.iter().all(|l| {
                    self.graph
                        .label(l)
                        .is_some_and(|id| self.graph.has_label(n, id))
                })),
                other => {
                    return Err(type_error(
                        *span,
                        format!("only a node has labels, not {}", other.type_name()),
                    ));
                }
            },
            PExpr::Not(inner, span) => {
                let v = self.eval(inner, f)?;
                opt_bool(truth(&v, *span)?.map(|b| !b))
            }
            PExpr::Neg(inner, span) => match self.eval(inner, f)? {
                Value::Int(i) => Value::Int(
                    i.checked_neg()
                        .ok_or_else(|| QueryError::arithmetic(*span, "integer overflow"))?,
                ),
                Value::Float(x) => Value::Float(-x),
                Value::Null => Value::Null,
                other => {
                    return Err(type_error(
                        *span,
                        format!("cannot negate {}", other.type_name()),
                    ));
                }
            },
            PExpr::Binary(op, l, r, span) => self.binary(*op, l, r, *span, f)?,
            PExpr::IsNull(inner, negated) => {
                let v = self.eval(inner, f)?;
                Value::Bool(v.is_null() != *negated)
            }
            PExpr::Call(func, args, span) => {
                let mut values = Vec::with_capacity(args.len());
                for a in args {
                    values.push(self.eval(a, f)?);
                }
                functions::call(self.graph, *func, values, *span, &mut || {
                    self.session.rand()
                })?
            }
            PExpr::Case {
                subject,
                arms,
                otherwise,
            } => {
                let subject = match subject {
                    Some(s) => Some(self.eval(s, f)?),
                    None => None,
                };
                for (when, then) in arms {
                    let w = self.eval(when, f)?;
                    let hit = match &subject {
                        Some(s) => s.equals(&w) == Some(true),
                        None => w.is_true(),
                    };
                    if hit {
                        return self.eval(then, f);
                    }
                }
                match otherwise {
                    Some(o) => self.eval(o, f)?,
                    None => Value::Null,
                }
            }
            PExpr::ListComp {
                slot,
                list,
                filter,
                map,
                span,
            } => {
                let items = match self.eval(list, f)? {
                    Value::List(items) => items,
                    Value::Null => return Ok(Value::Null),
                    other => {
                        return Err(type_error(
                            *span,
                            format!("expected a list, but this is {}", other.type_name()),
                        ));
                    }
                };
                let saved = f.locals.len();
                let mut out = Vec::new();
                for item in items {
                    f.set(*slot, item.clone());
                    if let Some(filter) = filter
                        && !self.eval(filter, f)?.is_true()
                    {
                        continue;
                    }
                    out.push(match map {
                        Some(m) => self.eval(m, f)?,
                        None => item,
                    });
                }
                f.locals.truncate(saved);
                Value::List(out)
            }
            PExpr::Quantified {
                quantifier,
                slot,
                list,
                filter,
                span,
            } => {
                let items = match self.eval(list, f)? {
                    Value::List(items) => items,
                    Value::Null => return Ok(Value::Null),
                    other => {
                        return Err(type_error(
                            *span,
                            format!("expected a list, but this is {}", other.type_name()),
                        ));
                    }
                };
                let saved = f.locals.len();
                let (mut trues, mut nulls) = (0usize, 0usize);
                let total = items.len();
                for item in items {
                    f.set(*slot, item.clone());
                    let v = match filter {
                        Some(p) => self.eval(p, f)?,
                        None => item,
                    };
                    match truth(&v, *span)? {
                        Some(true) => trues += 1,
                        None => nulls += 1,
                        Some(false) => {}
                    }
                }
                f.locals.truncate(saved);
                let falses = total - trues - nulls;
                match quantifier {
                    Quantifier::All if falses > 0 => Value::Bool(false),
                    Quantifier::All if nulls > 0 => Value::Null,
                    Quantifier::All => Value::Bool(true),
                    Quantifier::Any if trues > 0 => Value::Bool(true),
                    Quantifier::Any if nulls > 0 => Value::Null,
                    Quantifier::Any => Value::Bool(false),
                    Quantifier::None if trues > 0 => Value::Bool(false),
                    Quantifier::None if nulls > 0 => Value::Null,
                    Quantifier::None => Value::Bool(true),
                    Quantifier::Single if trues > 1 => Value::Bool(false),
                    Quantifier::Single if nulls > 0 => Value::Null,
                    Quantifier::Single => Value::Bool(trues == 1),
                }
            }
            PExpr::Reduce {
                acc,
                init,
                slot,
                list,
                expr,
                span,
                nests,
            } => {
                let mut value = self.eval(init, f)?;
                let items = match self.eval(list, f)? {
                    Value::List(items) => items,
                    Value::Null => return Ok(Value::Null),
                    other => {
                        return Err(type_error(
                            *span,
                            format!("expected a list, but this is {}", other.type_name()),
                        ));
                    }
                };
                let saved = f.locals.len();
                for item in items {
                    f.set(*acc, value);
                    f.set(*slot, item);
                    value = self.eval(expr, f)?;
                    if *nests && nested_deeper_than(&value, MAX_VALUE_DEPTH) {
                        return Err(QueryError::argument(
                            Code::NumberOutOfRange,
                            *span,
                            format!(
                                "reduce built a value nested more than {MAX_VALUE_DEPTH} levels deep"
                            ),
                        ));
                    }
                }
                f.locals.truncate(saved);
                value
            }
            PExpr::Pattern {
                part,
                base,
                width,
                filter,
                map,
            } => {
                // The pattern runs over the row and the comprehension
                // variables as one row, its new variables after them.
                let mut row: Vec<Value> = Vec::with_capacity(*width);
                row.extend(f.row.iter().take(*base).cloned());
                row.extend(f.locals.iter().cloned());
                row.resize(*base, Value::Null);
                row.resize(*width, Value::Null);
                let parts = std::slice::from_ref(part.as_ref());
                let matcher = Matcher::new(self, parts, *base);
                let mut out = Vec::new();
                let mut found = false;
                matcher.run(row, &mut |r: &[Value]| {
                    let mut inner = Frame::new(r);
                    if let Some(filter) = filter
                        && !self.eval(filter, &mut inner)?.is_true()
                    {
                        return Ok(true);
                    }
                    match map {
                        Some(m) => {
                            out.push(self.eval(m, &mut inner)?);
                            Ok(true)
                        }
                        None => {
                            found = true;
                            Ok(false)
                        }
                    }
                })?;
                if map.is_some() {
                    Value::List(out)
                } else {
                    Value::Bool(found)
                }
            }
            PExpr::MapProjection {
                target,
                all,
                entries,
                span,
            } => {
                let t = self.eval(target, f)?;
                let mut map = match (&t, all) {
                    (Value::Null, _) => return Ok(Value::Null),
                    (_, false) => BTreeMap::new(),
                    (Value::Node(n), true) => self.graph.node_properties(*n),
                    (Value::Rel(r), true) => self.graph.edge_properties(*r),
                    (Value::Map(m), true) => m.clone(),
                    (other, true) => {
                        return Err(type_error(
                            *span,
                            format!(
                                "a map projection needs a node, relationship or map, not {}",
                                other.type_name()
                            ),
                        ));
                    }
                };
                for (k, e) in entries {
                    map.insert(k.clone(), self.eval(e, f)?);
                }
                Value::Map(map)
            }
            PExpr::Subquery { plan, width, count } => {
                let mut row: Vec<Value> = Vec::with_capacity(*width);
                row.extend(f.row.iter().take(*width).cloned());
                row.extend(f.locals.iter().cloned());
                row.resize(*width, Value::Null);
                let rows = super::exec::subquery(plan, self, row, !*count)?;
                if *count {
                    Value::Int(i64::try_from(rows).unwrap_or(i64::MAX))
                } else {
                    Value::Bool(rows > 0)
                }
            }
        })
    }

    pub(crate) fn property(&self, t: &Value, key: &str, span: Span) -> Result<Value, QueryError> {
        Ok(match t {
            Value::Null => Value::Null,
            Value::Node(n) => self.graph.node_property(*n, key),
            Value::Rel(r) => self.graph.edge_property(*r, key),
            Value::Map(m) => m.get(key).cloned().unwrap_or(Value::Null),
            other => {
                return Err(type_error(
                    span,
                    format!("cannot read property `{key}` of {}", other.type_name()),
                ));
            }
        })
    }

    fn index(&self, t: Value, i: Value, span: Span) -> Result<Value, QueryError> {
        Ok(match (t, i) {
            (Value::Null, _) | (_, Value::Null) => Value::Null,
            (Value::List(items), Value::Int(i)) => {
                let len = items.len() as i64;
                let i = if i < 0 { len + i } else { i };
                if i < 0 || i >= len {
                    Value::Null
                } else {
                    items.into_iter().nth(i as usize).unwrap_or(Value::Null)
                }
            }
            (Value::List(_), other) => {
                return Err(QueryError::type_error(
                    Code::ListElementAccessByNonInteger,
                    span,
                    format!("a list index must be an integer, not {}", other.type_name()),
                ));
            }
            (t @ (Value::Map(_) | Value::Node(_) | Value::Rel(_)), Value::String(k)) => {
                self.property(&t, &k, span)?
            }
            (Value::Map(_) | Value::Node(_) | Value::Rel(_), other) => {
                return Err(QueryError::type_error(
                    Code::MapElementAccessByNonString,
                    span,
                    format!("a map key must be a string, not {}", other.type_name()),
                ));
            }
            (other, _) => {
                return Err(type_error(
                    span,
                    format!("cannot index into {}", other.type_name()),
                ));
            }
        })
    }

    fn binary(
        &self,
        op: BinaryOp,
        l: &PExpr,
        r: &PExpr,
        span: Span,
        f: &mut Frame<'_>,
    ) -> Result<Value, QueryError> {
        // The logical operators are three-valued and check both sides' types.
        if matches!(op, BinaryOp::And | BinaryOp::Or | BinaryOp::Xor) {
            let a = truth(&self.eval(l, f)?, span)?;
            let b = truth(&self.eval(r, f)?, span)?;
            return Ok(opt_bool(match op {
                BinaryOp::And => match (a, b) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                },
                BinaryOp::Or => match (a, b) {
                    (Some(true), _) | (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                },
                _ => match (a, b) {
                    (Some(x), Some(y)) => Some(x != y),
                    _ => None,
                },
            }));
        }
        let a = self.eval(l, f)?;
        let b = self.eval(r, f)?;
        binary_values(op, a, b, span, self.session)
    }
}

fn is_nan(v: &Value) -> bool {
    matches!(v, Value::Float(f) if f.is_nan())
}

/// A binary operator other than AND, OR and XOR on two values.
fn binary_values(
    op: BinaryOp,
    a: Value,
    b: Value,
    span: Span,
    session: &Session,
) -> Result<Value, QueryError> {
    use Value as V;
    let cmp = |want: fn(Ordering) -> bool| -> Value {
        if a.is_null() || b.is_null() {
            return V::Null;
        }
        if is_nan(&a) || is_nan(&b) {
            let numeric = |v: &Value| matches!(v, V::Int(_) | V::Float(_));
            return if numeric(&a) && numeric(&b) {
                V::Bool(false)
            } else {
                V::Null
            };
        }
        a.compare(&b).map_or(V::Null, |o| V::Bool(want(o)))
    };
    Ok(match op {
        BinaryOp::Eq => opt_bool(a.equals(&b)),
        BinaryOp::Ne => opt_bool(a.equals(&b).map(|x| !x)),
        BinaryOp::Lt => cmp(Ordering::is_lt),
        BinaryOp::Gt => cmp(Ordering::is_gt),
        BinaryOp::Le => cmp(Ordering::is_le),
        BinaryOp::Ge => cmp(Ordering::is_ge),
        BinaryOp::In => match b {
            V::Null => V::Null,
            V::List(items) => {
                let mut unknown = false;
                for item in &items {
                    match a.equals(item) {
                        Some(true) => return Ok(V::Bool(true)),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                if unknown { V::Null } else { V::Bool(false) }
            }
            other => {
                return Err(type_error(
                    span,
                    format!("IN needs a list on its right, not {}", other.type_name()),
                ));
            }
        },
        BinaryOp::StartsWith | BinaryOp::EndsWith | BinaryOp::Contains => match (&a, &b) {
            (V::String(s), V::String(t)) => V::Bool(match op {
                BinaryOp::StartsWith => s.starts_with(t.as_str()),
                BinaryOp::EndsWith => s.ends_with(t.as_str()),
                _ => s.contains(t.as_str()),
            }),
            _ => V::Null,
        },
        BinaryOp::Regex => match (&a, &b) {
            (V::String(s), V::String(p)) => V::Bool(session.regex(p, span)?.is_match(s)),
            _ => V::Null,
        },
        BinaryOp::Add => add(a, b, span)?,
        BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod | BinaryOp::Pow => {
            arithmetic(op, a, b, span)?
        }
        BinaryOp::And | BinaryOp::Or | BinaryOp::Xor => V::Null,
    })
}

fn add(a: Value, b: Value, span: Span) -> Result<Value, QueryError> {
    use Value as V;
    Ok(match (a, b) {
        (V::Null, _) | (_, V::Null) => V::Null,
        (V::List(mut x), V::List(y)) => {
            x.extend(y);
            V::List(x)
        }
        (V::List(mut x), y) => {
            x.push(y);
            V::List(x)
        }
        (x, V::List(mut y)) => {
            y.insert(0, x);
            V::List(y)
        }
        (V::String(x), V::String(y)) => V::String(x + &y),
        (V::String(x), y @ (V::Int(_) | V::Float(_))) => V::String(x + &scalar_text(&y)),
        (x @ (V::Int(_) | V::Float(_)), V::String(y)) => V::String(scalar_text(&x) + &y),
        (x, y) => arithmetic(BinaryOp::Add, x, y, span)?,
    })
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Float(f) => functions::float_to_string(*f),
        _ => String::new(),
    }
}

fn arithmetic(op: BinaryOp, a: Value, b: Value, span: Span) -> Result<Value, QueryError> {
    use Value as V;
    let overflow = || QueryError::arithmetic(span, "integer overflow");
    Ok(match (a, b) {
        (V::Null, _) | (_, V::Null) => V::Null,
        (V::Int(x), V::Int(y)) => match op {
            BinaryOp::Add => V::Int(x.checked_add(y).ok_or_else(overflow)?),
            BinaryOp::Sub => V::Int(x.checked_sub(y).ok_or_else(overflow)?),
            BinaryOp::Mul => V::Int(x.checked_mul(y).ok_or_else(overflow)?),
            BinaryOp::Div if y == 0 => {
                return Err(QueryError::arithmetic(span, "division by zero"));
            }
            BinaryOp::Div => V::Int(x.checked_div(y).ok_or_else(overflow)?),
            BinaryOp::Mod if y == 0 => {
                return Err(QueryError::arithmetic(span, "division by zero"));
            }
            BinaryOp::Mod => V::Int(x.checked_rem(y).ok_or_else(overflow)?),
            _ => V::Float(libm::pow(x as f64, y as f64)),
        },
        (x @ (V::Int(_) | V::Float(_)), y @ (V::Int(_) | V::Float(_))) => {
            let as_f = |v: &Value| match v {
                V::Int(i) => *i as f64,
                V::Float(f) => *f,
                _ => 0.0,
            };
            let (x, y) = (as_f(&x), as_f(&y));
            V::Float(match op {
                BinaryOp::Add => x + y,
                BinaryOp::Sub => x - y,
                BinaryOp::Mul => x * y,
                BinaryOp::Div => x / y,
                BinaryOp::Mod => x % y,
                _ => libm::pow(x, y),
            })
        }
        (x, y) => {
            let sym = match op {
                BinaryOp::Add => "+",
                BinaryOp::Sub => "-",
                BinaryOp::Mul => "*",
                BinaryOp::Div => "/",
                BinaryOp::Mod => "%",
                _ => "^",
            };
            return Err(type_error(
                span,
                format!("cannot compute {} {sym} {}", x.type_name(), y.type_name()),
            ));
        }
    })
}

fn slice(
    t: Value,
    from: Option<Value>,
    to: Option<Value>,
    span: Span,
) -> Result<Value, QueryError> {
    let items = match t {
        Value::Null => return Ok(Value::Null),
        Value::List(items) => items,
        other => {
            return Err(type_error(
                span,
                format!("cannot slice {}", other.type_name()),
            ));
        }
    };
    let len = items.len() as i64;
    let bound = |v: Option<Value>, default: i64| -> Result<Option<i64>, QueryError> {
        match v {
            None => Ok(Some(default)),
            Some(Value::Null) => Ok(None),
            Some(Value::Int(i)) => Ok(Some(if i < 0 { (len + i).max(0) } else { i.min(len) })),
            Some(other) => Err(QueryError::type_error(
                Code::ListElementAccessByNonInteger,
                span,
                format!(
                    "a slice bound must be an integer, not {}",
                    other.type_name()
                ),
            )),
        }
    };
    let (Some(start), Some(end)) = (bound(from, 0)?, bound(to, len)?) else {
        return Ok(Value::Null);
    };
    if start >= end {
        return Ok(Value::List(Vec::new()));
    }
    Ok(Value::List(
        items
            .into_iter()
            .skip(start as usize)
            .take((end - start) as usize)
            .collect(),
    ))
}
