//! The JSON records of nodes and edges, written by hand into one reused
//! buffer.
//!
//! A graph file's nodes and edges are thousands of small objects (millions
//! in a large graph) whose text is mostly plain words. serde_json escapes a
//! string a byte at a time through a table, which was a third of all the
//! instructions `convert` spent writing the built-in graph as JSON Lines
//! (1.03 M of 3.06 M, callgrind; BENCHMARKS.md, "JSON records written by
//! hand"). Here a string is checked sixteen bytes at a time for the three
//! things JSON must escape (`"`, `\` and control characters) and copied
//! whole when it has none, and the records' own field names are written as
//! they are. The text is byte for byte what serde_json writes for the same
//! records: tests here compare strings and values, and `write::tests`
//! compares every node and edge record with serde_json's text of the
//! records' derived `Serialize`, which stays their definition. Numbers
//! still go through serde_json.
//!
//! Field order follows the records' declarations in [`super`]: the fixed
//! fields, then the properties in name order (as `#[serde(flatten)]` put
//! them), then the provenance when there is any.

use std::io::Write;

use serde::Serialize;

use super::{EdgeOut, NodeOut};
use crate::model::{Basis, Properties, Provenance, Value};

/// Writes JSON records one after another through one buffer, reused for
/// every record: a `String` made and grown for each record cost more than
/// escaping their text.
#[derive(Default)]
pub(crate) struct Records {
    buf: Vec<u8>,
}

impl Records {
    /// Writes `before`, the JSON text of `value`, then `after`, to `w` in
    /// one write.
    pub(crate) fn put<T: Serialize + ?Sized>(
        &mut self,
        w: &mut dyn Write,
        before: &str,
        value: &T,
        after: &str,
    ) -> std::io::Result<()> {
        self.buf.clear();
        self.buf.extend_from_slice(before.as_bytes());
        serde_json::to_writer(&mut self.buf, value).map_err(std::io::Error::other)?;
        self.buf.extend_from_slice(after.as_bytes());
        w.write_all(&self.buf)
    }

    /// Writes `before`, the record `fill` writes into an [`Object`], then
    /// `after`, to `w` in one write.
    pub(crate) fn put_object(
        &mut self,
        w: &mut dyn Write,
        before: &str,
        fill: impl FnOnce(&mut Object<'_>),
        after: &str,
    ) -> std::io::Result<()> {
        self.buf.clear();
        self.buf.extend_from_slice(before.as_bytes());
        let mut object = Object::open(&mut self.buf);
        fill(&mut object);
        object.close();
        self.buf.extend_from_slice(after.as_bytes());
        w.write_all(&self.buf)
    }
}

/// A JSON object being written: fields are added in order, and the first
/// has no comma before it.
pub(crate) struct Object<'b> {
    buf: &'b mut Vec<u8>,
    empty: bool,
}

impl<'b> Object<'b> {
    fn open(buf: &'b mut Vec<u8>) -> Self {
        buf.push(b'{');
        Object { buf, empty: true }
    }

    fn close(self) {
        self.buf.push(b'}');
    }

    fn comma(&mut self) {
        if !self.empty {
            self.buf.push(b',');
        }
        self.empty = false;
    }

    /// A field whose value is text. `key` is one of the records' own field
    /// names, which have nothing to escape, so it is written as it is.
    pub(crate) fn text(&mut self, key: &'static str, value: &str) {
        debug_assert!(clean(key.as_bytes()), "{key:?} needs escaping");
        self.comma();
        self.buf.push(b'"');
        self.buf.extend_from_slice(key.as_bytes());
        self.buf.extend_from_slice(b"\":");
        string(self.buf, value);
    }

    /// The properties, one field each, in name order.
    pub(crate) fn properties(&mut self, properties: &Properties) {
        for (k, v) in properties {
            self.comma();
            string(self.buf, k);
            self.buf.push(b':');
            value(self.buf, v);
        }
    }

    /// The `provenance` field, left out when there is none.
    pub(crate) fn provenance(&mut self, provenance: &[Provenance]) {
        if provenance.is_empty() {
            return;
        }
        self.comma();
        self.buf.extend_from_slice(b"\"provenance\":");
        self.buf.push(b'[');
        for (i, p) in provenance.iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            let mut o = Object::open(self.buf);
            o.text("source", &p.source);
            for (key, part) in [
                ("section", &p.section),
                ("item", &p.item),
                ("note", &p.note),
            ] {
                if let Some(part) = part {
                    o.text(key, part);
                }
            }
            o.close();
        }
        self.buf.push(b']');
    }

    /// A node's fields, after a `type` field when `kind` is given.
    pub(crate) fn node(&mut self, kind: Option<&str>, n: &NodeOut<'_>) {
        if let Some(kind) = kind {
            self.text("type", kind);
        }
        self.text("id", n.id);
        self.text("kind", n.kind);
        self.text("name", n.name);
        self.properties(n.properties);
        self.provenance(n.provenance);
    }

    /// An edge's fields, after a `type` field when `kind` is given; its
    /// basis only when it is not `stated`.
    pub(crate) fn edge(&mut self, kind: Option<&str>, e: &EdgeOut<'_>) {
        if let Some(kind) = kind {
            self.text("type", kind);
        }
        self.text("from", e.from);
        self.text("rel", e.rel);
        self.text("to", e.to);
        if e.basis != Basis::Stated {
            self.text("basis", e.basis.as_str());
        }
        self.properties(e.properties);
        self.provenance(e.provenance);
    }
}

/// A value as serde_json writes [`Value`]: untagged.
fn value(buf: &mut Vec<u8>, v: &Value) {
    match v {
        Value::String(s) => string(buf, s),
        Value::Integer(i) => number(buf, i),
        Value::Float(x) => number(buf, x),
        Value::Bool(true) => buf.extend_from_slice(b"true"),
        Value::Bool(false) => buf.extend_from_slice(b"false"),
        Value::List(items) => {
            buf.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    buf.push(b',');
                }
                value(buf, item);
            }
            buf.push(b']');
        }
    }
}

/// A number as serde_json writes it (integers in full, floats in the
/// shortest form that reads back the same, `null` for what JSON cannot
/// spell).
fn number<T: Serialize>(buf: &mut Vec<u8>, n: &T) {
    // Writing a number into a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut *buf, n);
}

/// `s` as a JSON string, quoted and escaped as serde_json escapes it: `"`
/// and `\` with a backslash, the control characters with a short escape
/// where JSON has one and `\u00XX` (lower-case hex) otherwise; everything
/// else as it is. Most strings need no escape at all and are copied whole
/// once [`clean`] has said so.
pub(crate) fn string(buf: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    buf.reserve(bytes.len() + 2);
    buf.push(b'"');
    if clean(bytes) {
        buf.extend_from_slice(bytes);
    } else {
        escaped(buf, bytes);
    }
    buf.push(b'"');
}

/// Whether `bytes` hold nothing JSON must escape. Written as a fold with
/// no early exit over blocks of 16 bytes, which the compiler turns into
/// vector compares (SSE2 on x86-64); the last few bytes are padded with a
/// letter to make a last block, since most strings here are shorter than
/// one.
fn clean(bytes: &[u8]) -> bool {
    fn any(block: &[u8; 16]) -> bool {
        let special = |b: u8| u8::from(b < 0x20) | u8::from(b == b'"') | u8::from(b == b'\\');
        block.iter().fold(0u8, |acc, &b| acc | special(b)) != 0
    }
    let mut blocks = bytes.chunks_exact(16);
    for block in &mut blocks {
        if <&[u8; 16]>::try_from(block).is_ok_and(any) {
            return false;
        }
    }
    let rest = blocks.remainder();
    let mut last = [b'a'; 16];
    if let Some(head) = last.get_mut(..rest.len()) {
        head.copy_from_slice(rest);
    }
    !any(&last)
}

/// `bytes` escaped, a byte at a time, runs without escapes copied whole.
fn escaped(buf: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..0x20 => b"",
            _ => continue,
        };
        buf.extend_from_slice(bytes.get(start..i).unwrap_or_default());
        if escape.is_empty() {
            let hex = |n: u8| HEX.get(usize::from(n & 0xf)).copied().unwrap_or(b'0');
            buf.extend_from_slice(&[b'\\', b'u', b'0', b'0', hex(b >> 4), hex(b)]);
        } else {
            buf.extend_from_slice(escape);
        }
        start = i + 1;
    }
    buf.extend_from_slice(bytes.get(start..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ours(s: &str) -> String {
        let mut buf = Vec::new();
        string(&mut buf, s);
        String::from_utf8(buf).expect("UTF-8 in, UTF-8 out")
    }

    #[test]
    fn every_byte_that_needs_escaping_is_escaped_as_serde_json_does() {
        for c in (0u8..0x80).map(char::from).chain(['é', '\u{2028}', '😀']) {
            for s in [
                c.to_string(),
                format!("abcdefg{c}"),
                format!("abcdefgh{c}ijklmnopq"),
                format!("{c}{c}a{c}"),
            ] {
                let theirs = serde_json::to_string(&s).expect("serialize");
                assert_eq!(ours(&s), theirs, "{s:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn strings_are_written_as_serde_json_writes_them(s in "(?s).{0,40}|[a-z\"\\\\\u{0}-\u{1f} ]{0,40}") {
            prop_assert_eq!(ours(&s), serde_json::to_string(&s).expect("serialize"));
        }

        #[test]
        fn values_are_written_as_serde_json_writes_them(
            text in "(?s).{0,12}",
            int in any::<i64>(),
            float in any::<f64>(),
            flag in any::<bool>(),
        ) {
            let v = Value::List(vec![
                Value::String(text),
                Value::Integer(int),
                Value::Float(float),
                Value::Bool(flag),
                Value::List(vec![]),
            ]);
            let mut buf = Vec::new();
            value(&mut buf, &v);
            prop_assert_eq!(
                String::from_utf8(buf).expect("UTF-8"),
                serde_json::to_string(&v).expect("serialize")
            );
        }
    }
}
