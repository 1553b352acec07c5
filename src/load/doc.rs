//! A spanned document tree shared by the TOML and JSON readers.
//!
//! Both formats are parsed into [`Doc`] values that remember the byte range
//! each value and key came from, so every later check (a duplicate id, an
//! unknown relation) can point at the exact spot in the file.

use crate::model::Span;

/// A table key and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key.
    pub name: String,
    /// Where it was written.
    pub span: Span,
}

/// A value of a parsed document.
#[derive(Debug, Clone, PartialEq)]
pub enum DocValue {
    /// A string.
    String(String),
    /// An integer.
    Integer(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A TOML date or time, kept in its spelling.
    Datetime(String),
    /// JSON's `null`.
    Null,
    /// An array.
    Array(Vec<Doc>),
    /// A table or object, in file order.
    Table(Vec<(Key, Doc)>),
}

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    /// The value.
    pub value: DocValue,
    /// Where it was written.
    pub span: Span,
}

/// A syntax error: where and what.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// Where the parser stopped.
    pub span: Span,
    /// What the parser expected or found.
    pub message: String,
}

/// How deep arrays and objects may nest in a JSON file.
///
/// The JSON parser recurses, so nesting is bounded before it runs; real graph
/// files nest four or five levels.
pub const MAX_JSON_DEPTH: usize = 128;

impl Doc {
    /// The name of the value's type, as used in error messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            DocValue::String(_) => "string",
            DocValue::Integer(_) => "integer",
            DocValue::Float(_) => "float",
            DocValue::Bool(_) => "boolean",
            DocValue::Datetime(_) => "date-time",
            DocValue::Null => "null",
            DocValue::Array(_) => "array",
            DocValue::Table(_) => "table",
        }
    }

    /// Parses a TOML document, reporting every syntax error it can recover from.
    pub fn parse_toml(text: &str) -> Result<Doc, Vec<SyntaxError>> {
        let (table, errors) = toml::de::DeTable::parse_recoverable(text);
        if !errors.is_empty() {
            return Err(errors
                .iter()
                .map(|e| SyntaxError {
                    span: e.span().map(Span::from).unwrap_or_default(),
                    message: e.message().trim().to_string(),
                })
                .collect());
        }
        let span = Span::from(table.span());
        Ok(from_toml_table(table.into_inner(), span))
    }

    /// Parses a JSON document (strict JSON: no comments or trailing commas).
    pub fn parse_json(text: &str) -> Result<Doc, SyntaxError> {
        check_json_depth(text)?;
        let options = jsonc_parser::ParseOptions {
            allow_comments: false,
            allow_loose_object_property_names: false,
            allow_trailing_commas: false,
            allow_missing_commas: false,
            allow_single_quoted_strings: false,
            allow_hexadecimal_numbers: false,
            allow_unary_plus_numbers: false,
            allow_bare_decimal_point_numbers: false,
            allow_non_finite_numbers: false,
            allow_extended_string_escapes: false,
        };
        let parsed =
            jsonc_parser::parse_to_ast(text, &Default::default(), &options).map_err(|e| {
                let r = e.range();
                SyntaxError {
                    span: Span {
                        start: r.start,
                        end: r.end,
                    },
                    message: e.kind().to_string().to_lowercase(),
                }
            })?;
        match parsed.value {
            Some(value) => from_json(value),
            None => Err(SyntaxError {
                span: Span::default(),
                message: "the file holds no JSON value".into(),
            }),
        }
    }
}

fn from_toml_table(table: toml::de::DeTable<'_>, span: Span) -> Doc {
    let entries = table
        .into_iter()
        .map(|(k, v)| {
            let key = Key {
                span: Span::from(k.span()),
                name: k.into_inner().into_owned(),
            };
            (key, from_toml(v))
        })
        .collect();
    Doc {
        value: DocValue::Table(entries),
        span,
    }
}

fn from_toml(value: toml::Spanned<toml::de::DeValue<'_>>) -> Doc {
    use toml::de::DeValue;
    let span = Span::from(value.span());
    let value = match value.into_inner() {
        DeValue::String(s) => DocValue::String(s.into_owned()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => DocValue::Integer(n),
            // Out of i64 range: keep the value rather than lose it.
            Err(_) => DocValue::Float(i.as_str().parse().unwrap_or(f64::NAN)),
        },
        DeValue::Float(f) => DocValue::Float(f.as_str().parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => DocValue::Bool(b),
        DeValue::Datetime(d) => DocValue::Datetime(d.to_string()),
        DeValue::Array(items) => DocValue::Array(items.into_iter().map(from_toml).collect()),
        DeValue::Table(t) => return from_toml_table(t, span),
    };
    Doc { value, span }
}

fn from_json(value: jsonc_parser::ast::Value<'_>) -> Result<Doc, SyntaxError> {
    use jsonc_parser::ast::{ObjectPropName, Value};
    use jsonc_parser::common::Ranged;
    let r = value.range();
    let span = Span {
        start: r.start,
        end: r.end,
    };
    let value = match value {
        Value::StringLit(s) => DocValue::String(s.value.into_owned()),
        Value::NumberLit(n) => match n.value.parse::<i64>() {
            Ok(i) => DocValue::Integer(i),
            Err(_) => match n.value.parse::<f64>() {
                Ok(x) => DocValue::Float(x),
                Err(_) => {
                    return Err(SyntaxError {
                        span,
                        message: format!("`{}` is not a number", n.value),
                    });
                }
            },
        },
        Value::BooleanLit(b) => DocValue::Bool(b.value),
        Value::NullKeyword(_) => DocValue::Null,
        Value::Array(a) => DocValue::Array(
            a.elements
                .into_iter()
                .map(from_json)
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(o) => DocValue::Table(
            o.properties
                .into_iter()
                .map(|p| {
                    let kr = p.name.range();
                    let name = match p.name {
                        ObjectPropName::String(s) => s.value.into_owned(),
                        ObjectPropName::Word(w) => w.value.to_string(),
                    };
                    let key = Key {
                        name,
                        span: Span {
                            start: kr.start,
                            end: kr.end,
                        },
                    };
                    from_json(p.value).map(|v| (key, v))
                })
                .collect::<Result<_, _>>()?,
        ),
    };
    Ok(Doc { value, span })
}

/// Rejects JSON nested deeper than [`MAX_JSON_DEPTH`] before the recursive
/// parser sees it.
fn check_json_depth(text: &str) -> Result<(), SyntaxError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Err(SyntaxError {
                        span: Span {
                            start: i,
                            end: i + 1,
                        },
                        message: format!(
                            "arrays and objects nest more than {MAX_JSON_DEPTH} levels deep"
                        ),
                    });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_spans_point_at_values() {
        let text = "[[nodes]]\nid = \"a\"\n";
        let doc = Doc::parse_toml(text).unwrap();
        let DocValue::Table(top) = doc.value else {
            panic!("not a table")
        };
        let DocValue::Array(nodes) = &top[0].1.value else {
            panic!("not an array")
        };
        let DocValue::Table(node) = &nodes[0].value else {
            panic!("not a table")
        };
        let id = &node[0].1;
        assert_eq!(&text[id.span.start..id.span.end], "\"a\"");
    }

    #[test]
    fn json_spans_point_at_values() {
        let text = r#"{"nodes": [{"id": "a"}]}"#;
        let doc = Doc::parse_json(text).unwrap();
        let DocValue::Table(top) = doc.value else {
            panic!("not a table")
        };
        let DocValue::Array(nodes) = &top[0].1.value else {
            panic!("not an array")
        };
        let DocValue::Table(node) = &nodes[0].value else {
            panic!("not a table")
        };
        assert_eq!(&text[node[0].0.span.start..node[0].0.span.end], "\"id\"");
        assert_eq!(&text[node[0].1.span.start..node[0].1.span.end], "\"a\"");
    }

    #[test]
    fn deep_json_is_refused_before_parsing() {
        let text = "[".repeat(100_000);
        let err = Doc::parse_json(&text).unwrap_err();
        assert_eq!(err.span.start, MAX_JSON_DEPTH);
    }
}
