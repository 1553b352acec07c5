//! The function library: scalar functions and aggregates.
//!
//! Names are matched without case (`toUpper`, `TOUPPER`). Functions return
//! `null` for a `null` argument unless openCypher says otherwise
//! (`coalesce`, `size`), and report a type error, never panic, for an
//! argument of the wrong type.
//!
//! The transcendental functions (`exp`, `log`, `log10`, `sin`, `cos`,
//! `tan`, and `^` in `eval`) are the `libm` crate's, a port of musl's,
//! rather than the system's: with them the binary needs no `libm.so`,
//! which every command paid for at start (BENCHMARKS.md, start-up).

use std::collections::HashSet;

use super::error::{Code, QueryError, Span};
use super::graph::QueryGraph;
use super::plan::SType;
use super::value::{Key, Value};

macro_rules! functions {
    ($($variant:ident = $name:literal, $min:literal, $max:expr, $ret:ident;)*) => {
        /// A scalar function.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(missing_docs)] // Each is the function of its name.
        pub enum Func { $($variant,)* }

        impl Func {
            /// The function with this name, ignoring case.
            pub fn from_name(name: &str) -> Option<Func> {
                $(if name.eq_ignore_ascii_case($name) { return Some(Func::$variant); })*
                None
            }

            /// Every function's name.
            pub fn names() -> &'static [&'static str] {
                &[$($name,)*]
            }

            /// The least and most arguments it takes.
            pub fn arity(self) -> (usize, usize) {
                match self { $(Func::$variant => ($min, $max),)* }
            }

            /// What it returns, as far as the planner can tell.
            pub(crate) fn returns(self) -> SType {
                match self { $(Func::$variant => SType::$ret,)* }
            }
        }
    };
}

const MANY: usize = usize::MAX;

functions! {
    Id = "id", 1, 1, Any;
    ElementId = "elementId", 1, 1, String;
    Labels = "labels", 1, 1, List;
    Type = "type", 1, 1, String;
    Properties = "properties", 1, 1, Map;
    Keys = "keys", 1, 1, List;
    Size = "size", 1, 1, Int;
    Length = "length", 1, 1, Int;
    Nodes = "nodes", 1, 1, List;
    Relationships = "relationships", 1, 1, List;
    StartNode = "startNode", 1, 1, Node;
    EndNode = "endNode", 1, 1, Node;
    Head = "head", 1, 1, Any;
    Last = "last", 1, 1, Any;
    Tail = "tail", 1, 1, List;
    Range = "range", 2, 3, List;
    Reverse = "reverse", 1, 1, Any;
    ToLower = "toLower", 1, 1, String;
    ToUpper = "toUpper", 1, 1, String;
    Trim = "trim", 1, 1, String;
    LTrim = "ltrim", 1, 1, String;
    RTrim = "rtrim", 1, 1, String;
    Substring = "substring", 2, 3, String;
    Left = "left", 2, 2, String;
    Right = "right", 2, 2, String;
    Replace = "replace", 3, 3, String;
    Split = "split", 2, 2, List;
    ToString = "toString", 1, 1, String;
    ToStringOrNull = "toStringOrNull", 1, 1, Any;
    ToInteger = "toInteger", 1, 1, Any;
    ToIntegerOrNull = "toIntegerOrNull", 1, 1, Any;
    ToFloat = "toFloat", 1, 1, Any;
    ToFloatOrNull = "toFloatOrNull", 1, 1, Any;
    ToBoolean = "toBoolean", 1, 1, Any;
    ToBooleanOrNull = "toBooleanOrNull", 1, 1, Any;
    Coalesce = "coalesce", 1, MANY, Any;
    Abs = "abs", 1, 1, Any;
    Sign = "sign", 1, 1, Int;
    Ceil = "ceil", 1, 1, Float;
    Floor = "floor", 1, 1, Float;
    Round = "round", 1, 1, Float;
    Sqrt = "sqrt", 1, 1, Float;
    Exp = "exp", 1, 1, Float;
    Log = "log", 1, 1, Float;
    Log10 = "log10", 1, 1, Float;
    Sin = "sin", 1, 1, Float;
    Cos = "cos", 1, 1, Float;
    Tan = "tan", 1, 1, Float;
    Pi = "pi", 0, 0, Float;
    E = "e", 0, 0, Float;
    Rand = "rand", 0, 0, Float;
    IsEmpty = "isEmpty", 1, 1, Any;
    ValueType = "valueType", 1, 1, String;
}

impl Func {
    /// The static types argument `i` may have (empty: any).
    pub(crate) fn accepts(self, i: usize) -> &'static [SType] {
        use SType as T;
        match (self, i) {
            (Func::Labels, 0) => &[T::Node],
            (Func::Type, 0) => &[T::Rel],
            (Func::Properties, 0) => &[T::Node, T::Rel, T::Map],
            (Func::Keys, 0) => &[T::Node, T::Rel, T::Map],
            (Func::Size, 0) => &[T::List, T::String],
            (Func::Length, 0) => &[T::Path, T::String],
            (Func::Nodes | Func::Relationships, 0) => &[T::Path],
            (Func::StartNode | Func::EndNode, 0) => &[T::Rel],
            (Func::Head | Func::Last | Func::Tail, 0) => &[T::List],
            (Func::Id, 0) => &[T::Node, T::Rel],
            _ => &[],
        }
    }
}

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // Each is the function of its name.
pub enum AggFunc {
    Count,
    CountStar,
    Collect,
    Min,
    Max,
    Sum,
    Avg,
    PercentileDisc,
    PercentileCont,
    StDev,
    StDevP,
}

impl AggFunc {
    /// The aggregate with this name, ignoring case.
    pub fn from_name(name: &str) -> Option<AggFunc> {
        const NAMES: &[(&str, AggFunc)] = &[
            ("count", AggFunc::Count),
            ("collect", AggFunc::Collect),
            ("min", AggFunc::Min),
            ("max", AggFunc::Max),
            ("sum", AggFunc::Sum),
            ("avg", AggFunc::Avg),
            ("percentileDisc", AggFunc::PercentileDisc),
            ("percentileCont", AggFunc::PercentileCont),
            ("stDev", AggFunc::StDev),
            ("stDevP", AggFunc::StDevP),
        ];
        NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|p| p.1)
    }

    /// The least and most arguments.
    pub fn arity(self) -> (usize, usize) {
        if self.percentile() { (2, 2) } else { (1, 1) }
    }

    /// `percentileDisc` or `percentileCont`.
    pub fn percentile(self) -> bool {
        matches!(self, AggFunc::PercentileDisc | AggFunc::PercentileCont)
    }
}

/// The running state of one aggregate over one group.
#[derive(Debug, Clone)]
pub(crate) struct AggState {
    func: AggFunc,
    seen: Option<HashSet<Key>>,
    count: i64,
    values: Vec<Value>,
    best: Option<Value>,
    int_sum: i64,
    float_sum: f64,
    floats: bool,
    percentile: Option<f64>,
}

impl AggState {
    pub(crate) fn new(func: AggFunc, distinct: bool) -> Self {
        AggState {
            func,
            seen: distinct.then(HashSet::new),
            count: 0,
            values: Vec::new(),
            best: None,
            int_sum: 0,
            float_sum: 0.0,
            floats: false,
            percentile: None,
        }
    }

    /// Adds one row's argument values.
    pub(crate) fn add(&mut self, args: Vec<Value>, span: Span) -> Result<(), QueryError> {
        if self.func == AggFunc::CountStar {
            self.count += 1;
            return Ok(());
        }
        let mut args = args.into_iter();
        let v = args.next().unwrap_or(Value::Null);
        if v.is_null() {
            return Ok(());
        }
        if let Some(seen) = &mut self.seen
            && !seen.insert(Key(vec![v.clone()]))
        {
            return Ok(());
        }
        match self.func {
            AggFunc::Count | AggFunc::CountStar => self.count += 1,
            AggFunc::Collect => self.values.push(v),
            AggFunc::Min | AggFunc::Max => {
                let better = match &self.best {
                    None => true,
                    Some(b) => {
                        let o = v.order(b);
                        if self.func == AggFunc::Min {
                            o.is_lt()
                        } else {
                            o.is_gt()
                        }
                    }
                };
                if better {
                    self.best = Some(v);
                }
            }
            AggFunc::Sum | AggFunc::Avg => {
                self.count += 1;
                match v {
                    Value::Int(i) if !self.floats => match self.int_sum.checked_add(i) {
                        Some(s) => self.int_sum = s,
                        None => {
                            return Err(QueryError::arithmetic(
                                span,
                                "integer overflow while summing",
                            ));
                        }
                    },
                    Value::Int(i) => self.float_sum += i as f64,
                    Value::Float(f) => {
                        if !self.floats {
                            self.floats = true;
                            self.float_sum = self.int_sum as f64;
                        }
                        self.float_sum += f;
                    }
                    other => {
                        return Err(QueryError::type_error(
                            Code::InvalidArgumentType,
                            span,
                            format!("cannot sum {}: only numbers", other.type_name()),
                        ));
                    }
                }
            }
            AggFunc::PercentileDisc
            | AggFunc::PercentileCont
            | AggFunc::StDev
            | AggFunc::StDevP => {
                if !matches!(v, Value::Int(_) | Value::Float(_)) {
                    return Err(QueryError::type_error(
                        Code::InvalidArgumentType,
                        span,
                        format!("expected a number, not {}", v.type_name()),
                    ));
                }
                if self.func.percentile() && self.percentile.is_none() {
                    let p = match args.next() {
                        Some(Value::Int(i)) => i as f64,
                        Some(Value::Float(f)) => f,
                        _ => {
                            return Err(QueryError::type_error(
                                Code::InvalidArgumentType,
                                span,
                                "a percentile must be a number",
                            ));
                        }
                    };
                    if !(0.0..=1.0).contains(&p) {
                        return Err(QueryError::argument(
                            Code::NumberOutOfRange,
                            span,
                            format!("a percentile must be between 0.0 and 1.0, not {p}"),
                        ));
                    }
                    self.percentile = Some(p);
                }
                self.values.push(v);
            }
        }
        Ok(())
    }

    /// The aggregate's value.
    pub(crate) fn finish(self) -> Value {
        let nums = |values: &[Value]| -> Vec<f64> {
            values
                .iter()
                .filter_map(|v| match v {
                    Value::Int(i) => Some(*i as f64),
                    Value::Float(f) => Some(*f),
                    _ => None,
                })
                .collect()
        };
        match self.func {
            AggFunc::Count | AggFunc::CountStar => Value::Int(self.count),
            AggFunc::Collect => Value::List(self.values),
            AggFunc::Min | AggFunc::Max => self.best.unwrap_or(Value::Null),
            AggFunc::Sum if self.floats => Value::Float(self.float_sum),
            AggFunc::Sum => Value::Int(self.int_sum),
            AggFunc::Avg if self.count == 0 => Value::Null,
            AggFunc::Avg => {
                let total = if self.floats {
                    self.float_sum
                } else {
                    self.int_sum as f64
                };
                Value::Float(total / self.count as f64)
            }
            AggFunc::PercentileDisc | AggFunc::PercentileCont => {
                if self.values.is_empty() {
                    return Value::Null;
                }
                let p = self.percentile.unwrap_or(0.0);
                let mut values = self.values;
                values.sort_by(|a, b| a.order(b));
                let n = values.len();
                if self.func == AggFunc::PercentileDisc {
                    let idx = if p == 0.0 {
                        0
                    } else {
                        ((p * n as f64).ceil() as usize).saturating_sub(1)
                    };
                    values.get(idx.min(n - 1)).cloned().unwrap_or(Value::Null)
                } else {
                    let xs = nums(&values);
                    let pos = p * (n - 1) as f64;
                    let lo = pos.floor() as usize;
                    let hi = pos.ceil() as usize;
                    // Indexing cannot fail: `n > 0` (tested above), and every
                    // value is a number (checked as it was added), so `xs` has `n`.
                    let (a, b) = (xs[lo.min(n - 1)], xs[hi.min(n - 1)]);
                    Value::Float(a + (b - a) * (pos - lo as f64))
                }
            }
            AggFunc::StDev | AggFunc::StDevP => {
                let xs = nums(&self.values);
                let n = xs.len() as f64;
                let denominator = if self.func == AggFunc::StDev {
                    n - 1.0
                } else {
                    n
                };
                if denominator <= 0.0 {
                    return Value::Float(0.0);
                }
                let mean = xs.iter().sum::<f64>() / n;
                let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / denominator;
                Value::Float(var.sqrt())
            }
        }
    }
}

fn type_err(span: Span, func: &str, v: &Value) -> QueryError {
    QueryError::type_error(
        Code::InvalidArgumentType,
        span,
        format!("{func} cannot take {}", v.type_name()),
    )
}

/// A graph function given a value that is not the element it reads.
fn value_err(span: Span, func: &str, v: &Value) -> QueryError {
    QueryError::type_error(
        Code::InvalidArgumentValue,
        span,
        format!("{func} cannot take {}", v.type_name()),
    )
}

/// Formats a float the way openCypher (after Java) prints it: `1.0`,
/// `0.001`, `1.0E7`, `NaN`, `Infinity`.
pub fn float_to_string(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let abs = f.abs();
    if (1e-3..1e7).contains(&abs) {
        let s = format!("{f}");
        if s.contains('.') { s } else { format!("{s}.0") }
    } else {
        let s = format!("{f:e}");
        // Rust writes `1e7` and `1.5e-5`; Java writes `1.0E7` and `1.5E-5`.
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = if mantissa.contains('.') {
            mantissa.to_string()
        } else {
            format!("{mantissa}.0")
        };
        format!("{mantissa}E{exp}")
    }
}

fn int_arg(v: &Value, span: Span, func: &str) -> Result<Option<i64>, QueryError> {
    match v {
        Value::Null => Ok(None),
        Value::Int(i) => Ok(Some(*i)),
        other => Err(type_err(span, func, other)),
    }
}

fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Some(i);
    }
    let f: f64 = t.parse().ok()?;
    if f.is_finite() && f >= i64::MIN as f64 && f < i64::MAX as f64 {
        Some(f.trunc() as i64)
    } else {
        None
    }
}

fn parse_float(s: &str) -> Option<f64> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    if [
        "inf",
        "+inf",
        "-inf",
        "infinity",
        "+infinity",
        "-infinity",
        "nan",
    ]
    .contains(&lower.as_str())
    {
        return None;
    }
    t.parse().ok()
}

/// Calls a scalar function on evaluated arguments. `rand` is served by the
/// caller's generator.
pub(crate) fn call(
    graph: &dyn QueryGraph,
    func: Func,
    args: Vec<Value>,
    span: Span,
    rand: &mut dyn FnMut() -> f64,
) -> Result<Value, QueryError> {
    use Value as V;
    let mut it = args.into_iter();
    let a = it.next().unwrap_or(V::Null);
    let b = it.next().unwrap_or(V::Null);
    let c = it.next();
    let name = Func::names()
        .iter()
        .find(|n| Func::from_name(n) == Some(func))
        .copied()
        .unwrap_or("function");
    let num = |v: &Value| -> Result<Option<f64>, QueryError> {
        match v {
            V::Null => Ok(None),
            V::Int(i) => Ok(Some(*i as f64)),
            V::Float(f) => Ok(Some(*f)),
            other => Err(type_err(span, name, other)),
        }
    };
    let string = |v: &Value| -> Result<Option<String>, QueryError> {
        match v {
            V::Null => Ok(None),
            V::String(s) => Ok(Some(s.clone())),
            other => Err(type_err(span, name, other)),
        }
    };
    Ok(match func {
        Func::Id => match a {
            V::Node(n) => graph.node_identity(n),
            V::Rel(r) => graph.edge_identity(r),
            V::Null => V::Null,
            other => return Err(type_err(span, name, &other)),
        },
        Func::ElementId => match a {
            V::Node(n) => V::String(format!("{:?}", graph.node_identity(n))),
            V::Rel(r) => match graph.edge_identity(r) {
                V::Int(i) => V::String(format!("r{i}")),
                _ => V::Null,
            },
            V::Null => V::Null,
            other => return Err(type_err(span, name, &other)),
        },
        Func::Labels => match a {
            V::Node(n) => V::List(graph.labels(n).into_iter().map(V::String).collect()),
            V::Null => V::Null,
            other => return Err(value_err(span, name, &other)),
        },
        Func::Type => match a {
            V::Rel(r) => V::String(graph.type_name(r)),
            V::Null => V::Null,
            other => return Err(value_err(span, name, &other)),
        },
        Func::Properties => match a {
            V::Node(n) => V::Map(graph.node_properties(n)),
            V::Rel(r) => V::Map(graph.edge_properties(r)),
            V::Map(m) => V::Map(m),
            V::Null => V::Null,
            other => return Err(type_err(span, name, &other)),
        },
        Func::Keys => match a {
            V::Node(n) => V::List(
                graph
                    .node_properties(n)
                    .into_keys()
                    .map(V::String)
                    .collect(),
            ),
            V::Rel(r) => V::List(
                graph
                    .edge_properties(r)
                    .into_keys()
                    .map(V::String)
                    .collect(),
            ),
            V::Map(m) => V::List(m.into_keys().map(V::String).collect()),
            V::Null => V::Null,
            other => return Err(type_err(span, name, &other)),
        },
        Func::Size => match a {
            V::List(l) => V::Int(l.len() as i64),
            V::String(s) => V::Int(s.chars().count() as i64),
            V::Null => V::Null,
            other => return Err(type_err(span, name, &other)),
        },
        Func::Length => match a {
            V::Path(p) => V::Int(p.steps.len() as i64),
            V::String(s) => V::Int(s.chars().count() as i64),
            V::Null => V::Null,
            other => return Err(type_err(span, name, &other)),
        },
        Func::Nodes => match a {
            V::Path(p) => V::List(p.nodes().map(V::Node).collect()),
            V::Null => V::Null,
            other => return Err(type_err(span, name, &other)),
        },
        Func::Relationships => match a {
            V::Path(p) => V::List(p.edges().map(V::Rel).collect()),
            V::Null => V::Null,
            other => return Err(type_err(span, name, &other)),
        },
        Func::StartNode | Func::EndNode => match a {
            V::Rel(r) => {
                let (from, to) = graph.endpoints(r);
                V::Node(if func == Func::StartNode { from } else { to })
            }
            V::Null => V::Null,
            other => return Err(type_err(span, name, &other)),
        },
        Func::Head => match a {
            V::List(l) => l.into_iter().next().unwrap_or(V::Null),
            V::Null => V::Null,
            other => return Err(type_err(span, name, &other)),
        },
        Func::Last => match a {
            V::List(l) => l.into_iter().last().unwrap_or(V::Null),
            V::Null => V::Null,
            other => return Err(type_err(span, name, &other)),
        },
        Func::Tail => match a {
            V::List(l) => V::List(l.into_iter().skip(1).collect()),
            V::Null => V::Null,
            other => return Err(type_err(span, name, &other)),
        },
        Func::Range => {
            // openCypher classes a non-integer bound of range as an argument error.
            let arg = |v: &Value| {
                int_arg(v, span, name).map_err(|_| {
                    QueryError::argument(
                        Code::InvalidArgumentType,
                        span,
                        format!("range takes integers, not {}", v.type_name()),
                    )
                })
            };
            let start = arg(&a)?;
            let end = arg(&b)?;
            let step = match &c {
                Some(v) => arg(v)?,
                None => Some(1),
            };
            let (Some(start), Some(end), Some(step)) = (start, end, step) else {
                return Ok(V::Null);
            };
            if step == 0 {
                return Err(QueryError::argument(
                    Code::NumberOutOfRange,
                    span,
                    "range cannot step by 0",
                ));
            }
            let count = if (step > 0 && start > end) || (step < 0 && start < end) {
                0
            } else {
                (i128::from(end) - i128::from(start)) / i128::from(step) + 1
            };
            const MAX_RANGE: i128 = 10_000_000;
            if count > MAX_RANGE {
                return Err(QueryError::argument(
                    Code::NumberOutOfRange,
                    span,
                    format!("range would make {count} elements; at most {MAX_RANGE} are allowed"),
                ));
            }
            let mut out = Vec::with_capacity(count as usize);
            let mut x = i128::from(start);
            for _ in 0..count {
                out.push(V::Int(x as i64));
                x += i128::from(step);
            }
            V::List(out)
        }
        Func::Reverse => match a {
            V::List(mut l) => {
                l.reverse();
                V::List(l)
            }
            V::String(s) => V::String(s.chars().rev().collect()),
            V::Null => V::Null,
            other => return Err(type_err(span, name, &other)),
        },
        Func::ToLower => string(&a)?.map_or(V::Null, |s| V::String(s.to_lowercase())),
        Func::ToUpper => string(&a)?.map_or(V::Null, |s| V::String(s.to_uppercase())),
        Func::Trim => string(&a)?.map_or(V::Null, |s| V::String(s.trim().to_string())),
        Func::LTrim => string(&a)?.map_or(V::Null, |s| V::String(s.trim_start().to_string())),
        Func::RTrim => string(&a)?.map_or(V::Null, |s| V::String(s.trim_end().to_string())),
        Func::Substring => {
            let Some(s) = string(&a)? else {
                return Ok(V::Null);
            };
            let start = int_arg(&b, span, name)?;
            let len = match &c {
                Some(v) => int_arg(v, span, name)?,
                None => Some(i64::MAX),
            };
            let (Some(start), Some(len)) = (start, len) else {
                return Ok(V::Null);
            };
            if start < 0 || len < 0 {
                return Err(QueryError::argument(
                    Code::NumberOutOfRange,
                    span,
                    "substring takes a start and a length that are not negative",
                ));
            }
            V::String(s.chars().skip(start as usize).take(len as usize).collect())
        }
        Func::Left | Func::Right => {
            let Some(s) = string(&a)? else {
                return Ok(V::Null);
            };
            let Some(n) = int_arg(&b, span, name)? else {
                return Err(type_err(span, name, &V::Null));
            };
            if n < 0 {
                return Err(QueryError::argument(
                    Code::NumberOutOfRange,
                    span,
                    format!("{name} takes a length that is not negative"),
                ));
            }
            let chars: Vec<char> = s.chars().collect();
            // Slicing cannot fail: `n` is at most the length.
            let n = (n as usize).min(chars.len());
            V::String(if func == Func::Left {
                chars[..n].iter().collect()
            } else {
                chars[chars.len() - n..].iter().collect()
            })
        }
        Func::Replace => {
            let (Some(s), Some(from), Some(to)) = (
                string(&a)?,
                string(&b)?,
                string(c.as_ref().unwrap_or(&V::Null))?,
            ) else {
                return Ok(V::Null);
            };
            V::String(s.replace(&from, &to))
        }
        Func::Split => {
            let (Some(s), Some(sep)) = (string(&a)?, string(&b)?) else {
                return Ok(V::Null);
            };
            if sep.is_empty() {
                V::List(s.chars().map(|ch| V::String(ch.to_string())).collect())
            } else {
                V::List(
                    s.split(sep.as_str())
                        .map(|p| V::String(p.to_string()))
                        .collect(),
                )
            }
        }
        Func::ToString | Func::ToStringOrNull => match a {
            V::Null => V::Null,
            V::String(s) => V::String(s),
            V::Int(i) => V::String(i.to_string()),
            V::Float(f) => V::String(float_to_string(f)),
            V::Bool(b) => V::String(b.to_string()),
            _ if func == Func::ToStringOrNull => V::Null,
            other => {
                return Err(QueryError::type_error(
                    Code::InvalidArgumentValue,
                    span,
                    format!("toString cannot take {}", other.type_name()),
                ));
            }
        },
        Func::ToInteger | Func::ToIntegerOrNull => match a {
            V::Null => V::Null,
            V::Int(i) => V::Int(i),
            V::Float(f) if f.is_finite() && f >= i64::MIN as f64 && f < i64::MAX as f64 => {
                V::Int(f.trunc() as i64)
            }
            V::Float(_) => V::Null,
            V::Bool(b) => V::Int(i64::from(b)),
            V::String(s) => parse_int(&s).map_or(V::Null, V::Int),
            _ if func == Func::ToIntegerOrNull => V::Null,
            other => {
                return Err(QueryError::type_error(
                    Code::InvalidArgumentValue,
                    span,
                    format!("toInteger cannot take {}", other.type_name()),
                ));
            }
        },
        Func::ToFloat | Func::ToFloatOrNull => match a {
            V::Null => V::Null,
            V::Int(i) => V::Float(i as f64),
            V::Float(f) => V::Float(f),
            V::String(s) => parse_float(&s).map_or(V::Null, V::Float),
            _ if func == Func::ToFloatOrNull => V::Null,
            other => {
                return Err(QueryError::type_error(
                    Code::InvalidArgumentValue,
                    span,
                    format!("toFloat cannot take {}", other.type_name()),
                ));
            }
        },
        Func::ToBoolean | Func::ToBooleanOrNull => match a {
            V::Null => V::Null,
            V::Bool(b) => V::Bool(b),
            V::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" => V::Bool(true),
                "false" => V::Bool(false),
                _ => V::Null,
            },
            V::Int(i) => V::Bool(i != 0),
            _ if func == Func::ToBooleanOrNull => V::Null,
            other => {
                return Err(QueryError::type_error(
                    Code::InvalidArgumentValue,
                    span,
                    format!("toBoolean cannot take {}", other.type_name()),
                ));
            }
        },
        Func::Coalesce => {
            let mut all = vec![a, b];
            all.extend(c);
            all.extend(it);
            all.into_iter().find(|v| !v.is_null()).unwrap_or(V::Null)
        }
        Func::Abs => match a {
            V::Int(i) => V::Int(
                i.checked_abs()
                    .ok_or_else(|| QueryError::arithmetic(span, "integer overflow in abs"))?,
            ),
            V::Float(f) => V::Float(f.abs()),
            V::Null => V::Null,
            other => return Err(type_err(span, name, &other)),
        },
        Func::Sign => match num(&a)? {
            None => V::Null,
            Some(f) if f > 0.0 => V::Int(1),
            Some(f) if f < 0.0 => V::Int(-1),
            Some(_) => V::Int(0),
        },
        Func::Ceil => num(&a)?.map_or(V::Null, |f| V::Float(f.ceil())),
        Func::Floor => num(&a)?.map_or(V::Null, |f| V::Float(f.floor())),
        Func::Round => num(&a)?.map_or(V::Null, |f| V::Float(round_half_up(f))),
        Func::Sqrt => num(&a)?.map_or(V::Null, |f| V::Float(f.sqrt())),
        Func::Exp => num(&a)?.map_or(V::Null, |f| V::Float(libm::exp(f))),
        Func::Log => num(&a)?.map_or(V::Null, |f| V::Float(libm::log(f))),
        Func::Log10 => num(&a)?.map_or(V::Null, |f| V::Float(libm::log10(f))),
        Func::Sin => num(&a)?.map_or(V::Null, |f| V::Float(libm::sin(f))),
        Func::Cos => num(&a)?.map_or(V::Null, |f| V::Float(libm::cos(f))),
        Func::Tan => num(&a)?.map_or(V::Null, |f| V::Float(libm::tan(f))),
        Func::Pi => V::Float(std::f64::consts::PI),
        Func::E => V::Float(std::f64::consts::E),
        Func::Rand => V::Float(rand()),
        Func::IsEmpty => match a {
            V::List(l) => V::Bool(l.is_empty()),
            V::String(s) => V::Bool(s.is_empty()),
            V::Map(m) => V::Bool(m.is_empty()),
            V::Null => V::Null,
            other => return Err(type_err(span, name, &other)),
        },
        Func::ValueType => V::String(
            match &a {
                V::Null => "NULL",
                V::Bool(_) => "BOOLEAN",
                V::Int(_) => "INTEGER",
                V::Float(_) => "FLOAT",
                V::String(_) => "STRING",
                V::List(_) => "LIST<ANY>",
                V::Map(_) => "MAP",
                V::Node(_) => "NODE",
                V::Rel(_) => "RELATIONSHIP",
                V::Path(_) => "PATH",
            }
            .to_string(),
        ),
    })
}

/// `round(x)` as Neo4j has it: the nearest integer, ties towards positive
/// infinity (`round(-2.5)` is -2). `(x + 0.5).floor()` says the same but the
/// addition rounds: it lifts 0.49999999999999994 to 1 and an odd integer
/// above 2^52 to the next even one. `x - x.floor()` is exact, so comparing
/// it with one half is too.
fn round_half_up(x: f64) -> f64 {
    let down = x.floor();
    if x - down >= 0.5 { down + 1.0 } else { down }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_was_off_by_one_where_adding_a_half_rounds() {
        // Bug: round() added 0.5 and took the floor, and the addition itself
        // rounded, so round(0.49999999999999994) was 1.0 and
        // round(4503599627370497.0) was 4503599627370498.0.
        assert_eq!(round_half_up(0.499_999_999_999_999_94), 0.0);
        assert_eq!(
            round_half_up(4_503_599_627_370_497.0),
            4_503_599_627_370_497.0
        );
        assert_eq!(
            round_half_up(-4_503_599_627_370_497.0),
            -4_503_599_627_370_497.0
        );
        assert_eq!(round_half_up(2.5), 3.0);
        assert_eq!(round_half_up(-2.5), -2.0);
        assert_eq!(round_half_up(-0.4), -0.0);
        assert_eq!(round_half_up(2.4), 2.0);
        assert_eq!(round_half_up(f64::INFINITY), f64::INFINITY);
        assert!(round_half_up(f64::NAN).is_nan());
    }

    #[test]
    fn floats_print_like_opencypher() {
        assert_eq!(float_to_string(1.0), "1.0");
        assert_eq!(float_to_string(0.5), "0.5");
        assert_eq!(float_to_string(1e7), "1.0E7");
        assert_eq!(float_to_string(1.5e-5), "1.5E-5");
        assert_eq!(float_to_string(-2.25), "-2.25");
    }

    #[test]
    fn names_ignore_case() {
        assert_eq!(Func::from_name("TOUPPER"), Some(Func::ToUpper));
        assert_eq!(AggFunc::from_name("Count"), Some(AggFunc::Count));
        assert_eq!(Func::from_name("nope"), None);
    }
}
