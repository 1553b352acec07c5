//! Import bundles for graph databases: a folder of CSV files, one per node
//! kind and one per relation, and the Cypher script that creates the schema
//! and loads them — `neo4j-import.cypher` for Neo4j, `kuzu-import.cypher`
//! for Kuzu. The CSV files are the same for both.
//!
//! - `node_KIND.csv`: `id`, `name`, the kind's properties, `provenance`;
//! - `rel_REL.csv`: `from`, `to`, `basis`, the relation's properties,
//!   `provenance`. A relation the schema allows between several pairs of
//!   kinds gets one file per pair that has edges, `rel_REL_FROM_TO.csv`,
//!   because Kuzu loads a relationship table one pair at a time.
//!
//! A column is typed by its values as in the CSV folder: `INT64`, `DOUBLE`,
//! `BOOLEAN`, else `STRING`. Lists, values of mixed types, empty strings and
//! provenance are JSON text in a `STRING` column (neither database parses
//! JSON without an extension). An empty cell is no value.
//!
//! Neo4j loads with `LOAD CSV` from its import folder, run by
//! `cypher-shell -f`, on a running server: the one way that needs no admin
//! tool and no empty database. Kuzu creates node and relationship tables and
//! `COPY`s each file, with paths relative to the folder the script runs in.

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
}

fn columns<'a>(rows: impl Iterator<Item = &'a Properties>) -> Vec<Column> {
    super::values_by_property(rows)
        .into_iter()
        .map(|(name, vs)| Column {
            name: name.to_string(),
            ty: super::csv::column_type(vs.into_iter()),
        })
        .collect()
}

fn db_type(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Int => "INT64",
        ColumnType::Float => "DOUBLE",
        ColumnType::Bool => "BOOLEAN",
        ColumnType::String | ColumnType::Json => "STRING",
    }
}

/// A name quoted as a Cypher identifier.
fn ident(name: &str) -> String {
    format!("`{name}`")
}

/// The cell of a value in a column.
fn cell(v: &Value, ty: ColumnType) -> std::io::Result<String> {
    Ok(match (ty, v) {
        (ColumnType::String, Value::String(s)) => s.clone(),
        (ColumnType::Int, Value::Integer(i)) => i.to_string(),
        (ColumnType::Float, Value::Float(x)) => format!("{x:?}"),
        (ColumnType::Bool, Value::Bool(b)) => b.to_string(),
        _ => json_text(v)?,
    })
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
        .flat_map(|(_, n)| n.properties.keys())
        .chain(graph.edges().flat_map(|e| e.edge.properties.keys()));
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

fn plan(graph: &Graph) -> Plan {
    let schema = graph.schema();
    let kinds = schema
        .kinds()
        .map(|(k, def)| {
            let nodes = || graph.nodes().filter(move |(_, n)| n.kind == k);
            let cols = columns(nodes().map(|(_, n)| &n.properties));
            let prov = nodes().any(|(_, n)| !n.provenance.is_empty());
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
            let cols = columns(edges().map(|e| &e.edge.properties));
            let prov = edges().any(|e| !e.edge.provenance.is_empty());
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
    let plan = plan(graph);
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
                let mut row = vec![n.id.clone(), n.name.clone()];
                for c in cols {
                    row.push(match n.properties.get(&c.name) {
                        Some(v) => cell(v, c.ty)?,
                        None => String::new(),
                    });
                }
                if *prov {
                    row.push(provenance_cell(&n.provenance)?);
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
                        from.id.clone(),
                        to.id.clone(),
                        e.edge.basis.as_str().to_string(),
                    ];
                    for c in cols {
                        row.push(match e.edge.properties.get(&c.name) {
                            Some(v) => cell(v, c.ty)?,
                            None => String::new(),
                        });
                    }
                    if *prov {
                        row.push(provenance_cell(&e.edge.provenance)?);
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
        .map(|c| format!("{} {}", ident(&c.name), db_type(c.ty)))
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
                "COPY {} FROM '{file}' (HEADER=true, PARALLEL=false);",
                ident(&schema.kind(t.kind).name),
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
                    "from='{}', to='{}', ",
                    schema.kind(*f).name,
                    schema.kind(*to).name
                )
            };
            let _ = writeln!(
                s,
                "COPY {} FROM '{file}' ({pair}HEADER=true, PARALLEL=false);",
                ident(&def.name)
            );
        }
    }
    s
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
