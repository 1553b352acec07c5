//! Import bundles for graph databases: a folder of CSV files, one per node
//! kind and one per relation, and the Cypher script that creates the schema
//! and loads them — `neo4j-import.cypher` for Neo4j, `kuzu-import.cypher`
//! for Kuzu.
//!
//! - `node_KIND.csv`: `id`, `name`, the kind's properties, `provenance`;
//! - `rel_REL.csv`: `from`, `to`, `basis`, the relation's properties,
//!   `provenance`. A relation the schema allows between several pairs of
//!   kinds gets one file per pair that has edges, `rel_REL_FROM_TO.csv`,
//!   because Kuzu loads a relationship table one pair at a time.
//!
//! A column is typed by its values as in the CSV folder: `INT64`, `DOUBLE`,
//! `BOOLEAN`, else `STRING`. Values of mixed types, empty strings and
//! provenance are JSON text in a `STRING` column (neither database parses
//! JSON without an extension). An empty cell is no value.
//!
//! Lists differ between the two. Kuzu has typed lists, so a column whose
//! values are all lists of one scalar type is `STRING[]`, `INT64[]`,
//! `DOUBLE[]` or `BOOLEAN[]`, and `size(n.aliases)` counts elements. A list
//! column that cannot be typed falls back to JSON text in a `STRING` column:
//! lists mixing element types (`[1, "a"]`, `[1, 2.5]`), lists of lists, and
//! strings holding both `"` and `'` (see below). Neo4j's `LOAD CSV` has no
//! list syntax, so its lists stay JSON text.
//!
//! Kuzu reads a list cell `[a,b]` by splitting at commas outside quotes and
//! brackets, trimming spaces, and keeping any quotes in the element. So each
//! string element is written between `"` (or `'` when it holds a `"`; Kuzu has
//! no escape inside quotes), and a table with a `STRING[]` column is loaded
//! through `LOAD WITH HEADERS`, which declares every column's type and strips
//! the quotes again (setting the column after a plain `COPY` would take a
//! second pass, and Kuzu 0.11 mixes up list values between rows when a
//! `SET` rewrites them with `list_transform`).
//!
//! Neo4j loads with `LOAD CSV` from its import folder, run by
//! `cypher-shell -f`, on a running server: the one way that needs no admin
//! tool and no empty database. Kuzu creates node and relationship tables and
//! `COPY`s each file, with paths relative to the folder the script runs in.
//! The CSV files are the same for both but for list columns.

use std::fmt::Write as _;
use std::path::Path;

use super::{GraphFormat, WriteError, atomic, json_text};
use crate::format::csv::ColumnType;
use crate::model::{Graph, KindId, Properties, RelId, Value};

/// Which database the script is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Database {
    /// Neo4j 5: constraints and `LOAD CSV`.
    Neo4j,
    /// Kuzu: `CREATE NODE TABLE`, `CREATE REL TABLE`, `COPY`.
    Kuzu,
}

impl Database {
    /// The script's file name.
    pub fn script(self) -> &'static str {
        match self {
            Database::Neo4j => "neo4j-import.cypher",
            Database::Kuzu => "kuzu-import.cypher",
        }
    }

    fn format(self) -> GraphFormat {
        match self {
            Database::Neo4j => GraphFormat::Neo4j,
            Database::Kuzu => GraphFormat::Kuzu,
        }
    }
}

/// A typed property column.
struct Column {
    name: String,
    ty: ColumnType,
    /// The column holds lists whose elements are all of type `ty` (Kuzu
    /// only; `ty` is never `Json` then).
    list: bool,
}

fn columns<'a>(rows: impl Iterator<Item = &'a Properties>, db: Database) -> Vec<Column> {
    super::values_by_property(rows)
        .into_iter()
        .map(|(name, vs)| {
            let list = match db {
                Database::Kuzu => list_type(&vs),
                Database::Neo4j => None,
            };
            Column {
                name: name.to_string(),
                ty: list.unwrap_or_else(|| super::csv::column_type(vs.into_iter())),
                list: list.is_some(),
            }
        })
        .collect()
}

/// The element type of a column whose values are all lists of one scalar
/// type that a Kuzu list cell can hold, else `None`. Lists that are all
/// empty are lists of strings.
fn list_type(values: &[&Value]) -> Option<ColumnType> {
    let mut ty = None;
    for v in values {
        let Value::List(items) = v else { return None };
        for item in items {
            let this = match item {
                Value::String(s) if !(s.contains('"') && s.contains('\'')) => ColumnType::String,
                Value::Integer(_) => ColumnType::Int,
                Value::Float(_) => ColumnType::Float,
                Value::Bool(_) => ColumnType::Bool,
                _ => return None,
            };
            match ty {
                None => ty = Some(this),
                Some(t) if t == this => {}
                Some(_) => return None,
            }
        }
    }
    Some(ty.unwrap_or(ColumnType::String))
}

fn db_type(c: &Column) -> String {
    let scalar = match c.ty {
        ColumnType::Int => "INT64",
        ColumnType::Float => "DOUBLE",
        ColumnType::Bool => "BOOLEAN",
        ColumnType::String | ColumnType::Json => "STRING",
    };
    if c.list {
        format!("{scalar}[]")
    } else {
        scalar.to_string()
    }
}

/// A name quoted as a Cypher identifier.
fn ident(name: &str) -> String {
    format!("`{name}`")
}

/// The cell of a value in a column.
fn cell(v: &Value, c: &Column) -> std::io::Result<String> {
    if c.list
        && let Value::List(items) = v
    {
        let items: Vec<String> = items.iter().map(list_item).collect();
        return Ok(format!("[{}]", items.join(",")));
    }
    Ok(match (c.ty, v) {
        (ColumnType::String, Value::String(s)) => s.clone(),
        (ColumnType::Int, Value::Integer(i)) => i.to_string(),
        (ColumnType::Float, Value::Float(x)) => format!("{x:?}"),
        (ColumnType::Bool, Value::Bool(b)) => b.to_string(),
        _ => json_text(v)?,
    })
}

/// An element of a Kuzu list cell: a string between quotes that it does not
/// hold ([`list_type`] made sure one of them is free), else the scalar as
/// Kuzu reads it.
fn list_item(v: &Value) -> String {
    match v {
        Value::String(s) if s.contains('"') => format!("'{s}'"),
        Value::String(s) => format!("\"{s}\""),
        Value::Integer(i) => i.to_string(),
        Value::Float(x) => format!("{x:?}"),
        Value::Bool(b) => b.to_string(),
        // Not reached: `list_type` refuses lists of lists.
        Value::List(items) => format!(
            "[{}]",
            items.iter().map(list_item).collect::<Vec<_>>().join(",")
        ),
    }
}

/// Refuses names a file name or a quoted identifier cannot hold.
fn check_names(graph: &Graph, db: Database) -> Result<(), WriteError> {
    let bad = |reason: String| WriteError::Unrepresentable {
        reason,
        format: db.format(),
    };
    let schema = graph.schema();
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    for name in schema
        .kinds()
        .map(|(_, k)| &k.name)
        .chain(schema.relations().map(|(_, r)| &r.name))
    {
        if !plain(name) {
            return Err(bad(format!(
                "the kind or relation `{name}` cannot name a table file; use letters, digits, \
                 `_` and `-` only"
            )));
        }
    }
    let props = graph
        .nodes()
        .flat_map(|(_, n)| n.properties().keys())
        .chain(graph.edges().flat_map(|e| e.edge.properties().keys()));
    for name in props {
        if name.contains('`') || name.chars().any(char::is_control) {
            return Err(bad(format!(
                "the property name {name:?} cannot be a column name in Cypher; rename it"
            )));
        }
    }
    Ok(())
}

/// The nodes of one kind: a node table.
struct KindTable {
    kind: KindId,
    /// The CSV file, `None` when the kind has no nodes.
    file: Option<String>,
    columns: Vec<Column>,
    provenance: bool,
}

/// The edges of one relation: a relationship table.
struct RelTable {
    rel: RelId,
    columns: Vec<Column>,
    provenance: bool,
    /// One CSV file per pair of kinds that has edges.
    files: Vec<((KindId, KindId), String)>,
}

/// What the bundle holds, worked out before anything is written.
struct Plan {
    kinds: Vec<KindTable>,
    rels: Vec<RelTable>,
}

fn plan(graph: &Graph, db: Database) -> Plan {
    let schema = graph.schema();
    let kinds = schema
        .kinds()
        .map(|(k, def)| {
            let nodes = || graph.nodes().filter(move |(_, n)| n.kind == k);
            let cols = columns(nodes().map(|(_, n)| n.properties()), db);
            let prov = nodes().any(|(_, n)| !n.provenance().is_empty());
            KindTable {
                kind: k,
                file: nodes().next().map(|_| format!("node_{}.csv", def.name)),
                columns: cols,
                provenance: prov,
            }
        })
        .collect();
    let kind_of = |ix| graph.node(ix).map(|n| n.kind);
    let rels = schema
        .relations()
        .map(|(r, def)| {
            let edges = || graph.edges().filter(move |e| e.edge.rel == r);
            let cols = columns(edges().map(|e| e.edge.properties()), db);
            let prov = edges().any(|e| !e.edge.provenance().is_empty());
            let single = def.from.len() == 1 && def.to.len() == 1;
            let mut pairs: Vec<(KindId, KindId)> = edges()
                .filter_map(|e| Some((kind_of(e.from)?, kind_of(e.to)?)))
                .collect();
            pairs.sort();
            pairs.dedup();
            let files = pairs
                .into_iter()
                .map(|(f, t)| {
                    let file = if single {
                        format!("rel_{}.csv", def.name)
                    } else {
                        format!(
                            "rel_{}_{}_{}.csv",
                            def.name,
                            schema.kind(f).name,
                            schema.kind(t).name
                        )
                    };
                    ((f, t), file)
                })
                .collect();
            RelTable {
                rel: r,
                columns: cols,
                provenance: prov,
                files,
            }
        })
        .collect();
    Plan { kinds, rels }
}

/// Writes the CSV files and the script for `db` into the folder `dir`.
pub fn write(graph: &Graph, dir: &Path, db: Database) -> Result<(), WriteError> {
    check_names(graph, db)?;
    std::fs::create_dir_all(dir).map_err(|source| WriteError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let plan = plan(graph, db);
    for KindTable {
        kind,
        file,
        columns: cols,
        provenance: prov,
    } in &plan.kinds
    {
        let Some(file) = file else { continue };
        atomic(&dir.join(file), |w| {
            let mut csv = ::csv::Writer::from_writer(w);
            let mut head = vec!["id", "name"];
            head.extend(cols.iter().map(|c| c.name.as_str()));
            if *prov {
                head.push("provenance");
            }
            csv.write_record(&head)?;
            for (_, n) in graph.nodes().filter(|(_, n)| n.kind == *kind) {
                let mut row = vec![String::from(&*n.id), String::from(&*n.name)];
                for c in cols {
                    row.push(match n.properties().get(&c.name) {
                        Some(v) => cell(v, c)?,
                        None => String::new(),
                    });
                }
                if *prov {
                    row.push(provenance_cell(n.provenance())?);
                }
                csv.write_record(&row)?;
            }
            csv.flush()
        })?;
    }
    for RelTable {
        rel,
        columns: cols,
        provenance: prov,
        files,
    } in &plan.rels
    {
        for ((fk, tk), file) in files {
            atomic(&dir.join(file), |w| {
                let mut csv = ::csv::Writer::from_writer(w);
                let mut head = vec!["from", "to", "basis"];
                head.extend(cols.iter().map(|c| c.name.as_str()));
                if *prov {
                    head.push("provenance");
                }
                csv.write_record(&head)?;
                for e in graph.edges().filter(|e| e.edge.rel == *rel) {
                    let (Some(from), Some(to)) = (graph.node(e.from), graph.node(e.to)) else {
                        continue;
                    };
                    if (from.kind, to.kind) != (*fk, *tk) {
                        continue;
                    }
                    let mut row = vec![
                        String::from(&*from.id),
                        String::from(&*to.id),
                        e.edge.basis.as_str().to_string(),
                    ];
                    for c in cols {
                        row.push(match e.edge.properties().get(&c.name) {
                            Some(v) => cell(v, c)?,
                            None => String::new(),
                        });
                    }
                    if *prov {
                        row.push(provenance_cell(e.edge.provenance())?);
                    }
                    csv.write_record(&row)?;
                }
                csv.flush()
            })?;
        }
    }
    let script = match db {
        Database::Neo4j => neo4j_script(graph, &plan),
        Database::Kuzu => kuzu_script(graph, &plan),
    };
    atomic(&dir.join(db.script()), |w| w.write_all(script.as_bytes()))
}

fn provenance_cell(p: &[crate::model::Provenance]) -> std::io::Result<String> {
    if p.is_empty() {
        Ok(String::new())
    } else {
        json_text(p)
    }
}

/// The column declarations of a table: properties, then provenance.
fn column_fields(columns: &[Column], provenance: bool) -> Vec<String> {
    let mut fields: Vec<String> = columns
        .iter()
        .map(|c| format!("{} {}", ident(&c.name), db_type(c)))
        .collect();
    if provenance {
        fields.push("`provenance` STRING".into());
    }
    fields
}

fn kuzu_script(graph: &Graph, plan: &Plan) -> String {
    let schema = graph.schema();
    let mut s = String::from(
        "// Creates this graph's tables in a Kuzu database and loads the CSV files beside\n\
         // this script. Run it from this folder, e.g. `kuzu graph.kuzu < kuzu-import.cypher`,\n\
         // or in Python: conn.execute(open(\"kuzu-import.cypher\").read()).\n",
    );
    for t in &plan.kinds {
        let mut fields = vec!["`id` STRING".to_string(), "`name` STRING".to_string()];
        fields.extend(column_fields(&t.columns, t.provenance));
        fields.push("PRIMARY KEY (`id`)".into());
        let _ = writeln!(
            s,
            "CREATE NODE TABLE {}({});",
            ident(&schema.kind(t.kind).name),
            fields.join(", ")
        );
    }
    for t in &plan.rels {
        let def = schema.relation(t.rel);
        let mut fields: Vec<String> = def
            .from
            .iter()
            .flat_map(|f| {
                def.to.iter().map(move |to| {
                    format!(
                        "FROM {} TO {}",
                        ident(&schema.kind(*f).name),
                        ident(&schema.kind(*to).name)
                    )
                })
            })
            .collect();
        fields.push("`basis` STRING".into());
        fields.extend(column_fields(&t.columns, t.provenance));
        let _ = writeln!(
            s,
            "CREATE REL TABLE {}({});",
            ident(&def.name),
            fields.join(", ")
        );
    }
    for t in &plan.kinds {
        if let Some(file) = &t.file {
            let _ = writeln!(
                s,
                "COPY {} FROM {};",
                ident(&schema.kind(t.kind).name),
                kuzu_source(file, &["id", "name"], &t.columns, t.provenance, "")
            );
        }
    }
    for t in &plan.rels {
        let def = schema.relation(t.rel);
        let single = def.from.len() == 1 && def.to.len() == 1;
        for ((f, to), file) in &t.files {
            // A table over several pairs of kinds loads one pair at a time.
            let pair = if single {
                String::new()
            } else {
                format!(
                    "from='{}', to='{}'",
                    schema.kind(*f).name,
                    schema.kind(*to).name
                )
            };
            let _ = writeln!(
                s,
                "COPY {} FROM {};",
                ident(&def.name),
                kuzu_source(
                    file,
                    &["from", "to", "basis"],
                    &t.columns,
                    t.provenance,
                    &pair
                )
            );
        }
    }
    s
}

/// What a Kuzu `COPY` reads a table from: the file itself, or, when the table
/// has a `STRING[]` column, a `LOAD WITH HEADERS` of it (every column declared
/// with its type) that strips the quotes around each string element. `fixed`
/// are the leading text columns; `pair` the `from=…, to=…` options of a
/// relationship table over several pairs of kinds.
fn kuzu_source(
    file: &str,
    fixed: &[&str],
    columns: &[Column],
    provenance: bool,
    pair: &str,
) -> String {
    let sep = if pair.is_empty() { "" } else { ", " };
    if !columns.iter().any(|c| c.list && c.ty == ColumnType::String) {
        return format!("'{file}' ({pair}{sep}HEADER=true, PARALLEL=false)");
    }
    // The lambda's variable must not be a column's name, which it would hide
    // (compared without case, as Kuzu may).
    let taken = |v: &str| {
        fixed.iter().any(|f| f.eq_ignore_ascii_case(v))
            || columns.iter().any(|c| c.name.eq_ignore_ascii_case(v))
    };
    let var = std::iter::successors(Some("item".to_string()), |v| Some(format!("{v}_")))
        .find(|v| !taken(v))
        .unwrap_or_default();
    let mut declared: Vec<String> = fixed
        .iter()
        .map(|f| format!("{} STRING", ident(f)))
        .collect();
    let mut read: Vec<String> = fixed.iter().map(|f| ident(f)).collect();
    for c in columns {
        let col = ident(&c.name);
        declared.push(format!("{col} {}", db_type(c)));
        read.push(if c.list && c.ty == ColumnType::String {
            format!("list_transform({col}, {var} -> substring({var}, 2, size({var}) - 2))")
        } else {
            col
        });
    }
    if provenance {
        declared.push("`provenance` STRING".into());
        read.push("`provenance`".into());
    }
    let options = if pair.is_empty() {
        String::new()
    } else {
        format!(" ({pair})")
    };
    format!(
        "(LOAD WITH HEADERS ({}) FROM '{file}' (HEADER=true, PARALLEL=false) RETURN {}){options}",
        declared.join(", "),
        read.join(", "),
    )
}

/// The Cypher expression that reads a column's cell as its type.
fn neo4j_read(column: &str, ty: ColumnType) -> String {
    let cell = format!("row.{}", ident(column));
    match ty {
        ColumnType::Int => format!("toInteger({cell})"),
        ColumnType::Float => format!("toFloat({cell})"),
        ColumnType::Bool => format!("toBoolean({cell})"),
        ColumnType::String | ColumnType::Json => cell,
    }
}

/// `SET` of a node's or relationship's columns, each read as its type.
fn neo4j_set(var: &str, first: Option<&str>, columns: &[Column], provenance: bool) -> String {
    let mut parts: Vec<String> = first.into_iter().map(str::to_string).collect();
    parts.extend(
        columns
            .iter()
            .map(|c| format!("{var}.{} = {}", ident(&c.name), neo4j_read(&c.name, c.ty))),
    );
    if provenance {
        parts.push(format!("{var}.`provenance` = row.`provenance`"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("\nSET {}", parts.join(", "))
    }
}

fn neo4j_script(graph: &Graph, plan: &Plan) -> String {
    let schema = graph.schema();
    let mut s = String::from(
        "// Loads this graph into Neo4j 5. Copy the CSV files beside this script into the\n\
         // database's import folder, then run\n\
         //   cypher-shell -u neo4j -p PASSWORD -f neo4j-import.cypher\n",
    );
    for t in &plan.kinds {
        let name = &schema.kind(t.kind).name;
        let _ = writeln!(
            s,
            "CREATE CONSTRAINT {} IF NOT EXISTS FOR (n:{}) REQUIRE n.`id` IS UNIQUE;",
            ident(&format!("{name}_id")),
            ident(name)
        );
    }
    for t in &plan.kinds {
        let Some(file) = &t.file else { continue };
        let _ = writeln!(
            s,
            "LOAD CSV WITH HEADERS FROM 'file:///{file}' AS row\n\
             CREATE (n:{} {{`id`: row.`id`, `name`: row.`name`}}){};",
            ident(&schema.kind(t.kind).name),
            neo4j_set("n", None, &t.columns, t.provenance)
        );
    }
    for t in &plan.rels {
        for ((f, to), file) in &t.files {
            let _ = writeln!(
                s,
                "LOAD CSV WITH HEADERS FROM 'file:///{file}' AS row\n\
                 MATCH (a:{} {{`id`: row.`from`}}), (b:{} {{`id`: row.`to`}})\n\
                 CREATE (a)-[r:{}]->(b){};",
                ident(&schema.kind(*f).name),
                ident(&schema.kind(*to).name),
                ident(&schema.relation(t.rel).name),
                neo4j_set(
                    "r",
                    Some("r.`basis` = row.`basis`"),
                    &t.columns,
                    t.provenance
                )
            );
        }
    }
    s
}
