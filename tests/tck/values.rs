//! Values as the TCK writes them in result tables, and the comparison of
//! expected and actual results.
//!
//! The TCK's format: `null`, `true`, `1`, `1.5`, `NaN`, `'text'`, `[1, 2]`,
//! `{k: 1}`, nodes `(:A:B {k: 1})`, relationships `[:T {k: 1}]` and paths
//! `<(:A)-[:T]->(:B)<-[:U]-()>`.

use std::collections::{BTreeMap, BTreeSet};

use seccoop::query::{QueryGraph, Value};

/// A value in the TCK's terms: graph elements by their labels, type and
/// properties, since their identity is not written.
#[derive(Debug, Clone)]
pub enum TVal {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<TVal>),
    Map(BTreeMap<String, TVal>),
    Node(BTreeSet<String>, BTreeMap<String, TVal>),
    Rel(String, BTreeMap<String, TVal>),
    /// The start node and each step: relationship, whether it points
    /// forward, and the node reached.
    Path(Box<TVal>, Vec<(TVal, bool, TVal)>),
}

impl TVal {
    /// Two values the same, floats within a relative 1e-9 (the TCK writes
    /// them in decimal), NaN equal to NaN.
    pub fn same(&self, other: &TVal) -> bool {
        use TVal as T;
        match (self, other) {
            (T::Null, T::Null) => true,
            (T::Bool(a), T::Bool(b)) => a == b,
            (T::Int(a), T::Int(b)) => a == b,
            (T::Float(a), T::Float(b)) => {
                (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
            }
            (T::String(a), T::String(b)) => a == b,
            (T::List(a), T::List(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y))
            }
            (T::Map(a), T::Map(b)) => same_map(a, b),
            (T::Node(la, pa), T::Node(lb, pb)) => la == lb && same_map(pa, pb),
            (T::Rel(ta, pa), T::Rel(tb, pb)) => ta == tb && same_map(pa, pb),
            (T::Path(sa, a), T::Path(sb, b)) => {
                sa.same(sb)
                    && a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|(x, y)| x.0.same(&y.0) && x.1 == y.1 && x.2.same(&y.2))
            }
            _ => false,
        }
    }

    /// The value with every list sorted, for "ignoring element order for
    /// lists".
    pub fn sorted_lists(&self) -> TVal {
        match self {
            TVal::List(items) => {
                let mut items: Vec<TVal> = items.iter().map(TVal::sorted_lists).collect();
                items.sort_by_key(|v| v.to_string());
                TVal::List(items)
            }
            TVal::Map(m) => TVal::Map(
                m.iter()
                    .map(|(k, v)| (k.clone(), v.sorted_lists()))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

fn same_map(a: &BTreeMap<String, TVal>, b: &BTreeMap<String, TVal>) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|((ka, va), (kb, vb))| ka == kb && va.same(vb))
}

fn write_props(
    f: &mut std::fmt::Formatter<'_>,
    props: &BTreeMap<String, TVal>,
) -> std::fmt::Result {
    if props.is_empty() {
        return Ok(());
    }
    write!(f, " {}", TVal::Map(props.clone()))
}

impl std::fmt::Display for TVal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TVal::Null => write!(f, "null"),
            TVal::Bool(b) => write!(f, "{b}"),
            TVal::Int(i) => write!(f, "{i}"),
            TVal::Float(x) => write!(f, "{}", seccoop::query::float_to_string(*x)),
            TVal::String(s) => write!(f, "'{s}'"),
            TVal::List(items) => {
                write!(f, "[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{v}")?;
                }
                write!(f, "]")
            }
            TVal::Map(m) => {
                write!(f, "{{")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                write!(f, "}}")
            }
            TVal::Node(labels, props) => {
                write!(f, "(")?;
                for l in labels {
                    write!(f, ":{l}")?;
                }
                write_props(f, props)?;
                write!(f, ")")
            }
            TVal::Rel(t, props) => {
                write!(f, "[:{t}")?;
                write_props(f, props)?;
                write!(f, "]")
            }
            TVal::Path(start, steps) => {
                write!(f, "<{start}")?;
                for (r, forward, n) in steps {
                    if *forward {
                        write!(f, "-{r}->{n}")?;
                    } else {
                        write!(f, "<-{r}-{n}")?;
                    }
                }
                write!(f, ">")
            }
        }
    }
}

/// An actual result value in the TCK's terms.
pub fn from_value(g: &dyn QueryGraph, v: &Value) -> TVal {
    let props = |m: BTreeMap<String, Value>| -> BTreeMap<String, TVal> {
        m.iter()
            .map(|(k, v)| (k.clone(), from_value(g, v)))
            .collect()
    };
    match v {
        Value::Null => TVal::Null,
        Value::Bool(b) => TVal::Bool(*b),
        Value::Int(i) => TVal::Int(*i),
        Value::Float(x) => TVal::Float(*x),
        Value::String(s) => TVal::String(s.clone()),
        Value::List(items) => TVal::List(items.iter().map(|i| from_value(g, i)).collect()),
        Value::Map(m) => TVal::Map(props(m.clone())),
        Value::Node(n) => TVal::Node(
            g.labels(*n).into_iter().collect(),
            props(g.node_properties(*n)),
        ),
        Value::Rel(e) => TVal::Rel(g.type_name(*e), props(g.edge_properties(*e))),
        Value::Path(p) => {
            let mut at = p.start;
            let mut steps = Vec::new();
            for &(e, next) in &p.steps {
                let forward = g.endpoints(e).0 == at && g.endpoints(e).1 == next;
                steps.push((
                    from_value(g, &Value::Rel(e)),
                    forward,
                    from_value(g, &Value::Node(next)),
                ));
                at = next;
            }
            TVal::Path(Box::new(from_value(g, &Value::Node(p.start))), steps)
        }
    }
}

/// Reads a TCK value.
pub fn parse(text: &str) -> Result<TVal, String> {
    let mut p = P {
        s: text.trim().chars().collect(),
        i: 0,
    };
    let v = p.value()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!("trailing text in `{text}`"));
    }
    Ok(v)
}

struct P {
    s: Vec<char>,
    i: usize,
}

impl P {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.ws();
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!("expected `{c}` at {}", self.i))
        }
    }

    fn starts(&self, word: &str) -> bool {
        word.chars()
            .enumerate()
            .all(|(k, c)| self.s.get(self.i + k) == Some(&c))
    }

    fn name(&mut self) -> Result<String, String> {
        self.ws();
        if self.peek() == Some('`') {
            self.i += 1;
            let mut out = String::new();
            while let Some(c) = self.peek() {
                self.i += 1;
                if c == '`' {
                    return Ok(out);
                }
                out.push(c);
            }
            return Err("unclosed backquote".into());
        }
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
            self.i += 1;
        }
        if start == self.i {
            return Err(format!("expected a name at {}", self.i));
        }
        Ok(self.s[start..self.i].iter().collect())
    }

    fn map(&mut self) -> Result<BTreeMap<String, TVal>, String> {
        self.expect('{')?;
        let mut m = BTreeMap::new();
        if self.eat('}') {
            return Ok(m);
        }
        loop {
            let k = self.name()?;
            self.expect(':')?;
            let v = self.value()?;
            m.insert(k, v);
            if self.eat('}') {
                return Ok(m);
            }
            self.expect(',')?;
        }
    }

    fn node(&mut self) -> Result<TVal, String> {
        self.expect('(')?;
        let mut labels = BTreeSet::new();
        while self.eat(':') {
            labels.insert(self.name()?);
        }
        self.ws();
        let props = if self.peek() == Some('{') {
            self.map()?
        } else {
            BTreeMap::new()
        };
        self.expect(')')?;
        Ok(TVal::Node(labels, props))
    }

    fn rel(&mut self) -> Result<TVal, String> {
        self.expect('[')?;
        self.expect(':')?;
        let t = self.name()?;
        self.ws();
        let props = if self.peek() == Some('{') {
            self.map()?
        } else {
            BTreeMap::new()
        };
        self.expect(']')?;
        Ok(TVal::Rel(t, props))
    }

    fn value(&mut self) -> Result<TVal, String> {
        self.ws();
        let Some(c) = self.peek() else {
            return Err("expected a value".into());
        };
        match c {
            '\'' => {
                self.i += 1;
                let mut out = String::new();
                loop {
                    let Some(c) = self.peek() else {
                        return Err("unclosed string".into());
                    };
                    self.i += 1;
                    match c {
                        '\'' => return Ok(TVal::String(out)),
                        '\\' => {
                            if let Some(n) = self.peek() {
                                self.i += 1;
                                out.push(n);
                            }
                        }
                        c => out.push(c),
                    }
                }
            }
            '[' if self.s.get(self.i + 1) == Some(&':') => self.rel(),
            '[' => {
                self.i += 1;
                let mut items = Vec::new();
                if self.eat(']') {
                    return Ok(TVal::List(items));
                }
                loop {
                    items.push(self.value()?);
                    if self.eat(']') {
                        return Ok(TVal::List(items));
                    }
                    self.expect(',')?;
                }
            }
            '{' => Ok(TVal::Map(self.map()?)),
            '(' => self.node(),
            '<' => {
                self.i += 1;
                let start = self.node()?;
                let mut steps = Vec::new();
                loop {
                    self.ws();
                    if self.eat('>') {
                        return Ok(TVal::Path(Box::new(start), steps));
                    }
                    let forward = if self.eat('<') {
                        self.expect('-')?;
                        false
                    } else {
                        self.expect('-')?;
                        true
                    };
                    let r = self.rel()?;
                    self.expect('-')?;
                    if forward {
                        self.expect('>')?;
                    }
                    let n = self.node()?;
                    steps.push((r, forward, n));
                }
            }
            _ => {
                for (word, v) in [
                    ("null", TVal::Null),
                    ("true", TVal::Bool(true)),
                    ("false", TVal::Bool(false)),
                    ("NaN", TVal::Float(f64::NAN)),
                    ("Inf", TVal::Float(f64::INFINITY)),
                    ("-Inf", TVal::Float(f64::NEG_INFINITY)),
                    ("Infinity", TVal::Float(f64::INFINITY)),
                    ("-Infinity", TVal::Float(f64::NEG_INFINITY)),
                ] {
                    if self.starts(word)
                        && !self
                            .s
                            .get(self.i + word.len())
                            .is_some_and(|c| c.is_alphanumeric())
                    {
                        self.i += word.len();
                        return Ok(v);
                    }
                }
                let start = self.i;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                {
                    self.i += 1;
                }
                let text: String = self.s[start..self.i].iter().collect();
                if let Ok(i) = text.parse::<i64>() {
                    return Ok(TVal::Int(i));
                }
                text.parse::<f64>()
                    .map(TVal::Float)
                    .map_err(|_| format!("cannot read `{text}`"))
            }
        }
    }
}
