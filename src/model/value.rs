//! Property values: the scalar and list types a node or edge property holds.

use std::fmt;

use serde::Serialize;

/// A property value.
///
/// Graph files hold strings, integers, floats, booleans and lists of these;
/// TOML dates are kept as strings in their original spelling.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// Text.
    String(String),
    /// A signed 64-bit integer.
    Integer(i64),
    /// A 64-bit float.
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// A list of values, possibly of mixed types.
    List(Vec<Value>),
}

impl Value {
    /// The text of a string value, `None` for other types.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The name of the value's type, as used in error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
            Value::Integer(_) => "integer",
            Value::Float(_) => "float",
            Value::Bool(_) => "boolean",
            Value::List(_) => "list",
        }
    }

    /// Every string inside the value (the value itself, or a list's strings).
    pub fn strings(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        match self {
            Value::String(s) => Box::new(std::iter::once(s.as_str())),
            Value::List(items) => Box::new(items.iter().flat_map(Value::strings)),
            _ => Box::new(std::iter::empty()),
        }
    }
}

/// Values print as a person reads them: strings bare, lists comma-separated.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::String(s) => f.write_str(s),
            Value::Integer(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                Ok(())
            }
        }
    }
}
