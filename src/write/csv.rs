//! The CSV folder (see [`crate::format::csv`]): `nodes.csv`, `edges.csv`,
//! and `graph.toml` and `schema.toml` when the graph has a description,
//! sources or its own schema.
//!
//! Each property becomes a column typed by its values: a plain column when
//! every value is non-empty text, `:int`, `:float` or `:bool` when every
//! value has that type, and `:json` otherwise (lists, mixed types, empty
//! strings). A property name with a colon always gets its type written, so
//! it reads back as the same name.

use std::io::Write;
use std::path::Path;

use super::{WriteError, atomic, json_text};
use crate::format::csv::{
    ColumnType, EDGE_COLUMNS, EDGES_FILE, GRAPH_FILE, NODE_COLUMNS, NODES_FILE, SCHEMA_FILE,
    split_header,
};
use crate::model::{Basis, Graph, Properties, Provenance, Value};

/// The narrowest column type that holds every value.
pub(crate) fn column_type<'a>(values: impl Iterator<Item = &'a Value>) -> ColumnType {
    let mut ty = None;
    for v in values {
        let this = match v {
            Value::String(s) if !s.is_empty() => ColumnType::String,
            Value::Integer(_) => ColumnType::Int,
            Value::Float(_) => ColumnType::Float,
            Value::Bool(_) => ColumnType::Bool,
            _ => return ColumnType::Json,
        };
        match ty {
            None => ty = Some(this),
            Some(t) if t == this => {}
            Some(_) => return ColumnType::Json,
        }
    }
    ty.unwrap_or(ColumnType::String)
}

/// The header of a property column: the name, and the type when it is not
/// plain text or the name would be misread.
fn header(name: &str, ty: ColumnType) -> String {
    if ty == ColumnType::String && split_header(name) == (name, ColumnType::String) {
        name.to_string()
    } else {
        format!("{name}:{}", ty.name())
    }
}

/// A cell holding `v` in a column of type `ty`.
fn cell(v: &Value, ty: ColumnType) -> std::io::Result<String> {
    Ok(match (ty, v) {
        (ColumnType::String, Value::String(s)) => s.clone(),
        (ColumnType::Int, Value::Integer(i)) => i.to_string(),
        (ColumnType::Float, Value::Float(x)) => x.to_string(),
        (ColumnType::Bool, Value::Bool(b)) => b.to_string(),
        _ => json_text(v)?,
    })
}

/// The property columns of some rows: name, type, header.
fn columns<'a>(rows: impl Iterator<Item = &'a Properties>) -> Vec<(String, ColumnType, String)> {
    super::values_by_property(rows)
        .into_iter()
        .map(|(name, vs)| {
            let ty = column_type(vs.into_iter());
            (name.to_string(), ty, header(name, ty))
        })
        .collect()
}

fn provenance_cell(p: &[Provenance]) -> std::io::Result<String> {
    if p.is_empty() {
        Ok(String::new())
    } else {
        json_text(p)
    }
}

/// Refuses property names a CSV header cannot hold.
fn check_names(cols: &[(String, ColumnType, String)], file: &str) -> Result<(), WriteError> {
    for (name, _, _) in cols {
        if name.is_empty() || name.chars().any(char::is_control) {
            return Err(WriteError::Unrepresentable {
                reason: format!(
                    "a property named {name:?} cannot be a column of {file}; rename it, \
                     or convert to TOML, JSON or JSON Lines"
                ),
                format: super::GraphFormat::Csv,
            });
        }
    }
    Ok(())
}

/// Writes `graph` into the folder `dir` (created if missing).
pub fn write(graph: &Graph, dir: &Path) -> Result<(), WriteError> {
    std::fs::create_dir_all(dir).map_err(|source| WriteError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let node_cols = columns(graph.nodes().map(|(_, n)| n.properties()));
    let edge_cols = columns(graph.edges().map(|e| e.edge.properties()));
    check_names(&node_cols, NODES_FILE)?;
    check_names(&edge_cols, EDGES_FILE)?;
    let node_prov = graph.nodes().any(|(_, n)| !n.provenance().is_empty());
    let edge_prov = graph.edges().any(|e| !e.edge.provenance().is_empty());
    let basis = graph.edges().any(|e| e.edge.basis != Basis::Stated);

    atomic(&dir.join(NODES_FILE), |w| {
        let mut csv = ::csv::Writer::from_writer(w);
        let mut head: Vec<&str> = NODE_COLUMNS[..3].to_vec();
        if node_prov {
            head.push(NODE_COLUMNS[3]);
        }
        head.extend(node_cols.iter().map(|(_, _, h)| h.as_str()));
        csv.write_record(&head)?;
        let mut row: Vec<String> = Vec::with_capacity(head.len());
        for (_, n) in graph.nodes() {
            row.clear();
            row.push(String::from(&*n.id));
            row.push(graph.kind_name(n.kind).to_string());
            row.push(String::from(&*n.name));
            if node_prov {
                row.push(provenance_cell(n.provenance())?);
            }
            for (name, ty, _) in &node_cols {
                row.push(match n.properties().get(name) {
                    Some(v) => cell(v, *ty)?,
                    None => String::new(),
                });
            }
            csv.write_record(&row)?;
        }
        csv.flush()
    })?;

    atomic(&dir.join(EDGES_FILE), |w| {
        let mut csv = ::csv::Writer::from_writer(w);
        let mut head: Vec<&str> = EDGE_COLUMNS[..3].to_vec();
        if basis {
            head.push(EDGE_COLUMNS[3]);
        }
        if edge_prov {
            head.push(EDGE_COLUMNS[4]);
        }
        head.extend(edge_cols.iter().map(|(_, _, h)| h.as_str()));
        csv.write_record(&head)?;
        let mut row: Vec<String> = Vec::with_capacity(head.len());
        for e in graph.edges() {
            let (Some(from), Some(to)) = (graph.node(e.from), graph.node(e.to)) else {
                continue;
            };
            row.clear();
            row.push(String::from(&*from.id));
            row.push(graph.rel_name(e.edge.rel).to_string());
            row.push(String::from(&*to.id));
            if basis {
                row.push(e.edge.basis.as_str().to_string());
            }
            if edge_prov {
                row.push(provenance_cell(e.edge.provenance())?);
            }
            for (name, ty, _) in &edge_cols {
                row.push(match e.edge.properties().get(name) {
                    Some(v) => cell(v, *ty)?,
                    None => String::new(),
                });
            }
            csv.write_record(&row)?;
        }
        csv.flush()
    })?;

    // The description and sources, and the schema, in TOML beside the CSV.
    let side = |name: &str, wanted: bool, body: &dyn Fn(&mut dyn Write) -> std::io::Result<()>| {
        let path = dir.join(name);
        if wanted {
            atomic(&path, |w| body(w))
        } else {
            // A stale side file would change the graph when read back.
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    Err(WriteError::Io { path, source: e })
                }
                _ => Ok(()),
            }
        }
    };
    let graph_wanted = super::meta(graph).is_some() || !graph.sources().is_empty();
    side(GRAPH_FILE, graph_wanted, &|w| {
        let mut text = Vec::new();
        super::toml::write_preamble(graph, &mut text, false)?;
        w.write_all(&text)
    })?;
    let schema_wanted = !graph.has_default_schema();
    side(SCHEMA_FILE, schema_wanted, &|w| {
        super::toml::write_schema(graph.schema(), w, "")
    })?;
    Ok(())
}
