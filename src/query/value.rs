//! Runtime values of the query language and the openCypher rules for
//! comparing them.
//!
//! Three relations are at work, and openCypher keeps them apart:
//!
//! - **equality** (`=`, `<>`, `IN`) is three-valued: `null = 1` is `null`,
//!   `[1, null] = [1, 2]` is `null`, `1 = 1.0` is `true`;
//! - **comparison** (`<`, `>`, …) is defined within a type (numbers, strings,
//!   booleans, lists) and `null` across types;
//! - **orderability** (`ORDER BY`) is total: maps < nodes < relationships <
//!   lists < paths < strings < booleans < numbers < `null`, with NaN above
//!   every other number;
//! - **equivalence** (`DISTINCT`, grouping) is equality where `null` is
//!   equivalent to `null` and NaN to NaN.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

/// A node of the graph a query runs over, as the graph numbers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

/// A relationship of the graph a query runs over, as the graph numbers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EdgeId(pub u32);

/// A path: a start node and the relationships walked from it, each with the
/// node it leads to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Path {
    /// The first node.
    pub start: NodeId,
    /// Each step: the relationship and the node at its far end.
    pub steps: Vec<(EdgeId, NodeId)>,
}

impl Path {
    /// The nodes along the path, the start first.
    pub fn nodes(&self) -> impl Iterator<Item = NodeId> + '_ {
        std::iter::once(self.start).chain(self.steps.iter().map(|s| s.1))
    }

    /// The relationships along the path, in walking order.
    pub fn edges(&self) -> impl Iterator<Item = EdgeId> + '_ {
        self.steps.iter().map(|s| s.0)
    }

    /// The last node.
    pub fn end(&self) -> NodeId {
        self.steps.last().map_or(self.start, |s| s.1)
    }
}

/// A value a query computes: a property value, a container, or a graph
/// element.
///
/// `==` is structural (`1` is not `1.0`, NaN is not NaN); Cypher's `=` is
/// [`Value::equals`].
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Value {
    /// The missing value.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A signed 64-bit integer.
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// Text.
    String(String),
    /// A list of values of any types.
    List(Vec<Value>),
    /// A map from keys to values, ordered by key.
    Map(BTreeMap<String, Value>),
    /// A node.
    Node(NodeId),
    /// A relationship.
    Rel(EdgeId),
    /// A path.
    Path(Path),
}

impl Value {
    /// The type's name as error messages and `valueType` spell it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "float",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Map(_) => "map",
            Value::Node(_) => "node",
            Value::Rel(_) => "relationship",
            Value::Path(_) => "path",
        }
    }

    /// Whether the value is `true` (not `false`, not `null`).
    pub fn is_true(&self) -> bool {
        matches!(self, Value::Bool(true))
    }

    /// Whether the value is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value as a number, for arithmetic.
    fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// Three-valued equality: `None` is `null`.
    pub fn equals(&self, other: &Value) -> Option<bool> {
        use Value as V;
        match (self, other) {
            (V::Null, _) | (_, V::Null) => None,
            (V::Bool(a), V::Bool(b)) => Some(a == b),
            (V::Int(a), V::Int(b)) => Some(a == b),
            (V::Int(_) | V::Float(_), V::Int(_) | V::Float(_)) => Some(num_eq(self, other)),
            (V::String(a), V::String(b)) => Some(a == b),
            (V::List(a), V::List(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                all_equal(a.iter().zip(b))
            }
            (V::Map(a), V::Map(b)) => {
                if a.len() != b.len() || a.keys().ne(b.keys()) {
                    return Some(false);
                }
                all_equal(a.values().zip(b.values()))
            }
            (V::Node(a), V::Node(b)) => Some(a == b),
            (V::Rel(a), V::Rel(b)) => Some(a == b),
            (V::Path(a), V::Path(b)) => Some(a == b),
            _ => Some(false),
        }
    }

    /// Comparison for `<`, `<=`, `>`, `>=`: `None` when the two are not
    /// comparable (different types, `null`, NaN).
    pub fn compare(&self, other: &Value) -> Option<Ordering> {
        use Value as V;
        match (self, other) {
            (V::Int(a), V::Int(b)) => Some(a.cmp(b)),
            (V::Int(_) | V::Float(_), V::Int(_) | V::Float(_)) => num_cmp(self, other),
            (V::String(a), V::String(b)) => Some(a.cmp(b)),
            (V::Bool(a), V::Bool(b)) => Some(a.cmp(b)),
            (V::List(a), V::List(b)) => {
                for (x, y) in a.iter().zip(b) {
                    match x.compare(y)? {
                        Ordering::Equal => {}
                        o => return Some(o),
                    }
                }
                Some(a.len().cmp(&b.len()))
            }
            _ => None,
        }
    }

    /// The total order `ORDER BY` sorts by.
    pub fn order(&self, other: &Value) -> Ordering {
        use Value as V;
        let rank = |v: &Value| match v {
            V::Map(_) => 0,
            V::Node(_) => 1,
            V::Rel(_) => 2,
            V::List(_) => 3,
            V::Path(_) => 4,
            V::String(_) => 5,
            V::Bool(_) => 6,
            V::Int(_) | V::Float(_) => 7,
            V::Null => 8,
        };
        match (self, other) {
            (V::Int(a), V::Int(b)) => a.cmp(b),
            (V::Int(_) | V::Float(_), V::Int(_) | V::Float(_)) => {
                let (a, b) = (self.as_f64().unwrap_or(0.0), other.as_f64().unwrap_or(0.0));
                match (a.is_nan(), b.is_nan()) {
                    (true, true) => Ordering::Equal,
                    (true, false) => Ordering::Greater,
                    (false, true) => Ordering::Less,
                    (false, false) => num_cmp(self, other).unwrap_or(Ordering::Equal),
                }
            }
            (V::String(a), V::String(b)) => a.cmp(b),
            (V::Bool(a), V::Bool(b)) => a.cmp(b),
            (V::List(a), V::List(b)) => {
                for (x, y) in a.iter().zip(b) {
                    match x.order(y) {
                        Ordering::Equal => {}
                        o => return o,
                    }
                }
                a.len().cmp(&b.len())
            }
            (V::Map(a), V::Map(b)) => {
                // Keys first, then values, both in key order.
                let keys = a.keys().cmp(b.keys());
                if keys != Ordering::Equal {
                    return keys;
                }
                for (x, y) in a.values().zip(b.values()) {
                    match x.order(y) {
                        Ordering::Equal => {}
                        o => return o,
                    }
                }
                Ordering::Equal
            }
            (V::Node(a), V::Node(b)) => a.cmp(b),
            (V::Rel(a), V::Rel(b)) => a.cmp(b),
            (V::Path(a), V::Path(b)) => a.start.cmp(&b.start).then_with(|| a.steps.cmp(&b.steps)),
            _ => rank(self).cmp(&rank(other)),
        }
    }

    /// Equivalence, the equality of `DISTINCT` and grouping.
    pub fn equivalent(&self, other: &Value) -> bool {
        use Value as V;
        match (self, other) {
            (V::Null, V::Null) => true,
            (V::Int(_) | V::Float(_), V::Int(_) | V::Float(_)) => {
                let both_nan =
                    matches!((self, other), (V::Float(a), V::Float(b)) if a.is_nan() && b.is_nan());
                both_nan || num_eq(self, other)
            }
            (V::List(a), V::List(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.equivalent(y))
            }
            (V::Map(a), V::Map(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((ka, va), (kb, vb))| ka == kb && va.equivalent(vb))
            }
            _ => self.equals(other) == Some(true),
        }
    }

    /// Feeds the value to a hasher consistently with [`Value::equivalent`]:
    /// `1` and `1.0` hash alike.
    pub fn hash_into<H: Hasher>(&self, h: &mut H) {
        use Value as V;
        match self {
            V::Null => 0u8.hash(h),
            V::Bool(b) => (1u8, b).hash(h),
            V::Int(i) => (2u8, i).hash(h),
            V::Float(f) => {
                if f.fract() == 0.0 && *f >= i64::MIN as f64 && *f < i64::MAX as f64 {
                    (2u8, *f as i64).hash(h);
                } else if f.is_nan() {
                    3u8.hash(h);
                } else {
                    (4u8, f.to_bits()).hash(h);
                }
            }
            V::String(s) => (5u8, s).hash(h),
            V::List(items) => {
                (6u8, items.len()).hash(h);
                for item in items {
                    item.hash_into(h);
                }
            }
            V::Map(map) => {
                (7u8, map.len()).hash(h);
                for (k, v) in map {
                    k.hash(h);
                    v.hash_into(h);
                }
            }
            V::Node(n) => (8u8, n).hash(h),
            V::Rel(r) => (9u8, r).hash(h),
            V::Path(p) => (10u8, p).hash(h),
        }
    }
}

/// Rows of values compared by equivalence, for `DISTINCT` and grouping.
#[derive(Debug, Clone)]
pub struct Key(pub Vec<Value>);

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.0.iter().zip(&other.0).all(|(a, b)| a.equivalent(b))
    }
}

impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for v in &self.0 {
            v.hash_into(state);
        }
    }
}

fn all_equal<'a>(pairs: impl Iterator<Item = (&'a Value, &'a Value)>) -> Option<bool> {
    let mut unknown = false;
    for (a, b) in pairs {
        match a.equals(b) {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown { None } else { Some(true) }
}

/// Numeric equality without losing precision when an integer meets a float.
fn num_eq(a: &Value, b: &Value) -> bool {
    num_cmp(a, b) == Some(Ordering::Equal)
}

/// Numeric comparison; an integer and a float compare exactly.
fn num_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        (Value::Int(i), Value::Float(f)) => int_float_cmp(*i, *f),
        (Value::Float(f), Value::Int(i)) => int_float_cmp(*i, *f).map(Ordering::reverse),
        _ => None,
    }
}

fn int_float_cmp(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    // 2^63 as a float: every i64 is below it.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if f >= LIMIT {
        return Some(Ordering::Less);
    }
    if f < -LIMIT {
        return Some(Ordering::Greater);
    }
    let t = f.trunc();
    // `t` is within i64 range here, so the cast is exact.
    let ti = t as i64;
    match i.cmp(&ti) {
        Ordering::Equal => 0.0f64.partial_cmp(&(f - t)),
        o => Some(o),
    }
}

impl From<&crate::model::Value> for Value {
    fn from(v: &crate::model::Value) -> Self {
        use crate::model::Value as M;
        match v {
            M::String(s) => Value::String(s.clone()),
            M::Integer(i) => Value::Int(*i),
            M::Float(f) => Value::Float(*f),
            M::Bool(b) => Value::Bool(*b),
            M::List(items) => Value::List(items.iter().map(Value::from).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_is_three_valued() {
        assert_eq!(Value::Null.equals(&Value::Int(1)), None);
        assert_eq!(Value::Int(1).equals(&Value::Float(1.0)), Some(true));
        let a = Value::List(vec![Value::Int(1), Value::Null]);
        let b = Value::List(vec![Value::Int(1), Value::Int(2)]);
        let c = Value::List(vec![Value::Int(2), Value::Null]);
        assert_eq!(a.equals(&b), None);
        assert_eq!(a.equals(&c), Some(false));
    }

    #[test]
    fn ordering_puts_null_last_and_nan_above_numbers() {
        let mut v = [
            Value::Null,
            Value::Float(f64::NAN),
            Value::Int(3),
            Value::String("a".into()),
            Value::Bool(true),
            Value::Float(1.5),
        ];
        v.sort_by(|a, b| a.order(b));
        let names: Vec<_> = v.iter().map(Value::type_name).collect();
        assert_eq!(
            names,
            ["string", "boolean", "float", "integer", "float", "null"]
        );
    }

    #[test]
    fn large_integers_compare_exactly_with_floats() {
        let big = Value::Int(i64::MAX);
        assert_eq!(
            big.compare(&Value::Float(9_223_372_036_854_775_808.0)),
            Some(Ordering::Less)
        );
        assert!(Value::Int(4).equivalent(&Value::Float(4.0)));
    }
}
