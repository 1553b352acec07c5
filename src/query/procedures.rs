//! Read-only procedures, called with `CALL name() [YIELD …]`: what a graph
//! holds (`db.labels`, `db.relationshipTypes`, `db.propertyKeys`) and which
//! procedures there are (`dbms.procedures`, also `SHOW PROCEDURES`), as
//! Neo4j names them.

use super::graph::QueryGraph;
use super::value::Value;

/// A procedure: its name, its output columns, and what it does.
pub(crate) struct Procedure {
    pub name: &'static str,
    pub outputs: &'static [&'static str],
    pub description: &'static str,
    pub run: fn(&dyn QueryGraph) -> Vec<Vec<Value>>,
}

/// Every procedure, by name.
pub(crate) const PROCEDURES: &[Procedure] = &[
    Procedure {
        name: "db.labels",
        outputs: &["label"],
        description: "Every node label of the graph.",
        run: |g| strings(g.label_names()),
    },
    Procedure {
        name: "db.propertyKeys",
        outputs: &["propertyKey"],
        description: "Every property key of the graph's nodes and relationships.",
        run: |g| strings(g.property_keys()),
    },
    Procedure {
        name: "db.relationshipTypes",
        outputs: &["relationshipType"],
        description: "Every relationship type of the graph.",
        run: |g| strings(g.type_names()),
    },
    Procedure {
        name: "dbms.procedures",
        outputs: &["name", "signature", "description"],
        description: "Every procedure, with its signature.",
        run: |_| {
            PROCEDURES
                .iter()
                .map(|p| {
                    vec![
                        Value::String(p.name.into()),
                        Value::String(signature(p)),
                        Value::String(p.description.into()),
                    ]
                })
                .collect()
        },
    },
];

fn strings(mut names: Vec<String>) -> Vec<Vec<Value>> {
    names.sort();
    names.dedup();
    names.into_iter().map(|n| vec![Value::String(n)]).collect()
}

fn signature(p: &Procedure) -> String {
    let outputs: Vec<String> = p.outputs.iter().map(|o| format!("{o} :: STRING")).collect();
    format!("{}() :: ({})", p.name, outputs.join(", "))
}

/// The procedure named `name`.
pub(crate) fn find(name: &str) -> Option<&'static Procedure> {
    PROCEDURES.iter().find(|p| p.name == name)
}

/// Every procedure's name, for suggestions.
pub(crate) fn names() -> Vec<&'static str> {
    PROCEDURES.iter().map(|p| p.name).collect()
}
