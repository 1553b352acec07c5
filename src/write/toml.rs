//! The TOML graph file, in the curated graph's style: `[graph]`,
//! `[[sources]]`, `[schema]`, then one `[[nodes]]` and one `[[edges]]` table
//! each, provenance as an inline list.

use std::io::Write;

use crate::model::{Graph, Properties, Provenance, Value};

/// A key, bare when TOML allows it, else a one-line basic string (a key
/// cannot be a multi-line string, which `toml` picks for some values).
fn key(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return k.to_string();
    }
    let mut out = String::with_capacity(k.len() + 2);
    out.push('"');
    for c in k.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn value(v: &Value) -> toml::Value {
    match v {
        Value::String(s) => toml::Value::String(s.clone()),
        Value::Integer(i) => toml::Value::Integer(*i),
        Value::Float(x) => toml::Value::Float(*x),
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::List(items) => toml::Value::Array(items.iter().map(value).collect()),
    }
}

fn provenance(entries: &[Provenance]) -> toml::Value {
    toml::Value::Array(
        entries
            .iter()
            .map(|p| {
                let mut t = toml::map::Map::new();
                t.insert("source".into(), toml::Value::String(p.source.to_string()));
                for (k, v) in [
                    ("section", &p.section),
                    ("item", &p.item),
                    ("note", &p.note),
                ] {
                    if let Some(v) = v {
                        t.insert(k.into(), toml::Value::String(v.to_string()));
                    }
                }
                toml::Value::Table(t)
            })
            .collect(),
    )
}

fn line(w: &mut dyn Write, k: &str, v: &str) -> std::io::Result<()> {
    writeln!(w, "{} = {v}", key(k))
}

fn payload(w: &mut dyn Write, props: &Properties, prov: &[Provenance]) -> std::io::Result<()> {
    for (k, v) in props {
        line(w, k, &value(v).to_string())?;
    }
    if !prov.is_empty() {
        line(w, "provenance", &provenance(prov).to_string())?;
    }
    Ok(())
}

/// Writes `[graph]` and `[[sources]]`, and `[schema]` when `with_schema`
/// and the schema is not the default one.
pub(crate) fn write_preamble(
    graph: &Graph,
    w: &mut dyn Write,
    with_schema: bool,
) -> std::io::Result<()> {
    if let Some(m) = super::meta(graph) {
        w.write_all(b"[graph]\n")?;
        if let Some(n) = m.name {
            line(w, "name", &string(n))?;
        }
        if let Some(d) = m.description {
            line(w, "description", &string(d))?;
        }
        w.write_all(b"\n")?;
    }
    for s in graph.sources() {
        w.write_all(b"[[sources]]\n")?;
        line(w, "id", &string(&s.id))?;
        line(w, "title", &string(&s.title))?;
        for (k, v) in [("author", &s.author), ("date", &s.date), ("url", &s.url)] {
            if let Some(v) = v {
                line(w, k, &string(v))?;
            }
        }
        w.write_all(b"\n")?;
    }
    if with_schema && !graph.has_default_schema() {
        write_schema(graph.schema(), w, "schema.")?;
    }
    Ok(())
}

/// Writes a schema's kinds and relations as tables under `prefix`
/// (`schema.` in a graph file, nothing in `schema.toml`).
pub(crate) fn write_schema(
    schema: &crate::model::Schema,
    w: &mut dyn Write,
    prefix: &str,
) -> std::io::Result<()> {
    let (kinds, relations) = super::schema_parts(schema);
    for (name, k) in &kinds {
        writeln!(w, "[{prefix}kinds.{}]", key(name))?;
        if let Some(p) = k.plural {
            line(w, "plural", &string(p))?;
        }
        if !k.description.is_empty() {
            line(w, "description", &string(k.description))?;
        }
        for (field, value) in [
            ("shape", k.shape),
            ("style", k.style),
            ("fill", k.fill),
            ("border", k.border),
        ] {
            if let Some(v) = value {
                line(w, field, &string(v))?;
            }
        }
        if let Some(share) = k.share {
            line(w, "share", &share.to_string())?;
        }
        w.write_all(b"\n")?;
    }
    for (name, r) in &relations {
        writeln!(w, "[{prefix}relations.{}]", key(name))?;
        let list = |l: &[&str]| {
            toml::Value::Array(
                l.iter()
                    .map(|s| toml::Value::String(s.to_string()))
                    .collect(),
            )
            .to_string()
        };
        line(w, "from", &list(&r.from))?;
        line(w, "to", &list(&r.to))?;
        if !r.meaning.is_empty() {
            line(w, "meaning", &string(r.meaning))?;
        }
        if let Some(i) = r.inverse {
            line(w, "inverse", &string(i))?;
        }
        line(w, "impact", &string(r.impact))?;
        for (field, set) in [
            ("mitigation", r.mitigation),
            ("counters", r.counters),
            ("participants", r.participants),
            ("rank", r.rank),
            ("cluster", r.cluster),
        ] {
            if set {
                line(w, field, "true")?;
            }
        }
        for (field, value) in [
            ("colour", r.colour),
            ("line", r.line),
            ("arrowhead", r.arrowhead),
        ] {
            if let Some(v) = value {
                line(w, field, &string(v))?;
            }
        }
        if let Some(g) = &r.generate {
            let from = g
                .from
                .map(|k| format!("from = {}, ", string(k)))
                .unwrap_or_default();
            let [lo, hi] = g.edges;
            line(w, "generate", &format!("{{ {from}edges = [{lo}, {hi}] }}"))?;
        }
        w.write_all(b"\n")?;
    }
    for (name, r) in super::rule_parts(schema) {
        writeln!(w, "[{prefix}rules.{}]", key(name))?;
        let chain: Vec<toml::Value> = r
            .chain
            .iter()
            .map(|s| toml::Value::String(s.to_string()))
            .collect();
        line(w, "chain", &toml::Value::Array(chain).to_string())?;
        line(w, "gives", &string(r.gives))?;
        if !r.meaning.is_empty() {
            line(w, "meaning", &string(r.meaning))?;
        }
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes `graph` as a TOML graph file.
pub fn write(graph: &Graph, w: &mut dyn Write) -> std::io::Result<()> {
    write_preamble(graph, w, true)?;
    for (_, n) in graph.nodes() {
        w.write_all(b"[[nodes]]\n")?;
        line(w, "id", &string(&n.id))?;
        line(w, "kind", &string(graph.kind_name(n.kind)))?;
        line(w, "name", &string(&n.name))?;
        payload(w, n.properties(), n.provenance())?;
        w.write_all(b"\n")?;
    }
    for e in graph.edges() {
        let (Some(from), Some(to)) = (graph.node(e.from), graph.node(e.to)) else {
            continue;
        };
        w.write_all(b"[[edges]]\n")?;
        line(w, "from", &string(&from.id))?;
        line(w, "rel", &string(graph.rel_name(e.edge.rel)))?;
        line(w, "to", &string(&to.id))?;
        if e.edge.basis != crate::model::Basis::Stated {
            line(w, "basis", &string(e.edge.basis.as_str()))?;
        }
        payload(w, e.edge.properties(), e.edge.provenance())?;
        w.write_all(b"\n")?;
    }
    Ok(())
}
