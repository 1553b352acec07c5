//! Read-only procedures, called with `CALL name(args) [YIELD …]`.
//!
//! Every procedure is a row of one table, [`BUILTINS`], which the planner
//! reads by name: what a graph holds (`db.labels`, `db.relationshipTypes`,
//! `db.propertyKeys`, `db.schema.visualization`, as Neo4j names them),
//! seccoop's own analyses (`seccoop.impact`, `seccoop.path`, `seccoop.gaps`,
//! which answer as the `impact`, `path` and `gaps` commands do, so a query
//! can join them to patterns), and which procedures there are
//! (`dbms.procedures`, also `SHOW PROCEDURES`).
//!
//! A graph may bring procedures of its own ([`QueryGraph::procedures`]):
//! the openCypher TCK declares test procedures by their signature and a
//! table of rows ([`Procedure::table`]), and a [`MemoryGraph`] holds them.
//!
//! [`MemoryGraph`]: super::MemoryGraph

use std::collections::{BTreeMap, HashSet};

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use super::error::{Code, QueryError, Span};
use super::graph::{Expand, QueryGraph};
use super::value::{EdgeId, NodeId, Path, Value};
use crate::analysis;
use crate::model::Graph;

/// An input or an output of a procedure.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcParam {
    /// Its name: the output's column, or the input's parameter name.
    pub name: String,
    /// Its Cypher type as a signature writes it (`INTEGER?`, `NODE`,
    /// `LIST<RELATIONSHIP>`); a final `?` accepts `null`.
    pub ty: String,
    /// An input's value when the call leaves it out.
    pub default: Option<Value>,
}

impl ProcParam {
    fn new(name: &str, ty: &str) -> Self {
        ProcParam {
            name: name.into(),
            ty: ty.into(),
            default: None,
        }
    }

    /// Whether `v` is a value of this parameter's type.
    pub(crate) fn accepts(&self, v: &Value) -> bool {
        let (base, nullable) = match self.ty.strip_suffix('?') {
            Some(b) => (b, true),
            None => (self.ty.as_str(), false),
        };
        match v {
            Value::Null => nullable,
            Value::Bool(_) => matches!(base, "BOOLEAN" | "ANY"),
            // An integer is a FLOAT argument too, as in Neo4j.
            Value::Int(_) => matches!(base, "INTEGER" | "FLOAT" | "NUMBER" | "ANY"),
            Value::Float(_) => matches!(base, "FLOAT" | "NUMBER" | "ANY"),
            Value::String(_) => matches!(base, "STRING" | "ANY" | "NODE|STRING"),
            Value::List(_) => base.starts_with("LIST") || base == "ANY",
            Value::Map(_) => matches!(base, "MAP" | "ANY"),
            Value::Node(_) => matches!(base, "NODE" | "ANY" | "NODE|STRING"),
            Value::Rel(_) => matches!(base, "RELATIONSHIP" | "ANY"),
            Value::Path(_) => matches!(base, "PATH" | "ANY"),
        }
    }
}

/// What a built-in procedure is given: the graph, the call's arguments (one
/// per input, defaults filled in, types checked) and the call's place.
pub(crate) struct Call<'a> {
    pub graph: &'a dyn QueryGraph,
    pub args: &'a [Value],
    pub span: Span,
}

type Builtin = fn(&Call<'_>) -> Result<Vec<Vec<Value>>, QueryError>;

/// What a procedure runs.
#[derive(Clone)]
enum Body {
    /// Code, for the built-in procedures.
    Builtin(Builtin),
    /// Fixed rows, each its inputs then its outputs: a call yields the
    /// outputs of the rows whose inputs equal its arguments.
    Table(Vec<Vec<Value>>),
}

/// A read-only procedure: its name, inputs, outputs, and what it does.
#[derive(Clone)]
pub struct Procedure {
    /// The dotted name (`db.labels`).
    pub name: String,
    /// The inputs, in call order.
    pub inputs: Vec<ProcParam>,
    /// The outputs: the columns `YIELD` picks from.
    pub outputs: Vec<ProcParam>,
    /// One line saying what it returns.
    pub description: String,
    body: Body,
}

impl std::fmt::Debug for Procedure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.signature())
    }
}

impl Procedure {
    /// A procedure that answers from a table, declared by its signature
    /// as the openCypher TCK writes it:
    /// `test.my.proc(in :: INTEGER?) :: (out :: STRING?)`. Each row holds
    /// the inputs' values then the outputs'; a call yields the outputs of
    /// every row whose inputs equal its arguments (`null` equal to `null`).
    ///
    /// # Errors
    /// A message when the signature does not read as one, or a row is not
    /// as long as the inputs and outputs together.
    ///
    /// ```
    /// use seccoop::query::{self, MemoryGraph, Options, Params, Procedure, Value};
    ///
    /// let proc = Procedure::table(
    ///     "test.double(in :: INTEGER?) :: (out :: INTEGER?)",
    ///     vec![vec![Value::Int(2), Value::Int(4)]],
    /// )
    /// .unwrap();
    /// let mut g = MemoryGraph::new();
    /// g.add_procedure(proc);
    /// let r = query::run("CALL test.double(2)", &g, &Params::new(), &Options::default()).unwrap();
    /// assert_eq!(r.rows, [[Value::Int(4)]]);
    /// ```
    pub fn table(signature: &str, rows: Vec<Vec<Value>>) -> Result<Procedure, String> {
        let bad = || {
            format!(
                "`{signature}` is not a procedure signature `name(in :: TYPE, …) :: (out :: TYPE, …)`"
            )
        };
        let (name, rest) = signature.split_once('(').ok_or_else(bad)?;
        let (inputs, rest) = rest.split_once(')').ok_or_else(bad)?;
        let outputs = rest
            .trim()
            .strip_prefix("::")
            .map(str::trim)
            .and_then(|r| r.strip_prefix('('))
            .and_then(|r| r.trim_end().strip_suffix(')'))
            .ok_or_else(bad)?;
        let params = |text: &str| -> Result<Vec<ProcParam>, String> {
            text.split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (n, t) = p.split_once("::").ok_or_else(bad)?;
                    Ok(ProcParam::new(n.trim(), t.trim()))
                })
                .collect()
        };
        let proc = Procedure {
            name: name.trim().to_string(),
            inputs: params(inputs)?,
            outputs: params(outputs)?,
            description: String::new(),
            body: Body::Table(rows),
        };
        let width = proc.inputs.len() + proc.outputs.len();
        if let Body::Table(rows) = &proc.body
            && let Some(row) = rows.iter().find(|r| r.len() != width)
        {
            return Err(format!(
                "a row of `{}` has {} values, not {width}",
                proc.name,
                row.len()
            ));
        }
        Ok(proc)
    }

    /// The signature, as `dbms.procedures` lists it.
    pub fn signature(&self) -> String {
        let list = |ps: &[ProcParam]| {
            ps.iter()
                .map(|p| match &p.default {
                    Some(d) => format!("{} = {} :: {}", p.name, literal(d), p.ty),
                    None => format!("{} :: {}", p.name, p.ty),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "{}({}) :: ({})",
            self.name,
            list(&self.inputs),
            list(&self.outputs)
        )
    }

    /// How many inputs a call must give.
    pub(crate) fn required(&self) -> usize {
        self.inputs
            .iter()
            .take_while(|p| p.default.is_none())
            .count()
    }

    /// Runs the procedure with `args` (as many as its inputs, checked).
    pub(crate) fn run(&self, call: &Call<'_>) -> Result<Vec<Vec<Value>>, QueryError> {
        match &self.body {
            Body::Builtin(f) => f(call),
            Body::Table(rows) => {
                let n = self.inputs.len();
                Ok(rows
                    .iter()
                    .filter(|row| {
                        row.iter()
                            .zip(call.args)
                            .all(|(a, b)| (a.is_null() && b.is_null()) || a.equals(b) == Some(true))
                    })
                    .map(|row| row.get(n..).unwrap_or_default().to_vec())
                    .collect())
            }
        }
    }
}

/// A built-in procedure's row of [`BUILTINS`].
struct Def {
    name: &'static str,
    inputs: &'static [(&'static str, &'static str, Option<i64>)],
    outputs: &'static [(&'static str, &'static str)],
    description: &'static str,
    run: Builtin,
}

/// Every built-in procedure, by name.
const BUILTINS: &[Def] = &[
    Def {
        name: "db.labels",
        inputs: &[],
        outputs: &[("label", "STRING")],
        description: "Every node label of the graph.",
        run: |c| Ok(strings(c.graph.label_names())),
    },
    Def {
        name: "db.propertyKeys",
        inputs: &[],
        outputs: &[("propertyKey", "STRING")],
        description: "Every property key of the graph's nodes and relationships.",
        run: |c| Ok(strings(c.graph.property_keys())),
    },
    Def {
        name: "db.relationshipTypes",
        inputs: &[],
        outputs: &[("relationshipType", "STRING")],
        description: "Every relationship type of the graph.",
        run: |c| Ok(strings(c.graph.type_names())),
    },
    Def {
        name: "db.schema.visualization",
        inputs: &[],
        outputs: &[("nodes", "LIST<MAP>"), ("relationships", "LIST<MAP>")],
        description: "The schema as a graph: a map {name, count} per label, and a map {type, start, end, count} per relationship type between two labels.",
        run: schema_visualization,
    },
    Def {
        name: "dbms.procedures",
        inputs: &[],
        outputs: &[
            ("name", "STRING"),
            ("signature", "STRING"),
            ("description", "STRING"),
        ],
        description: "Every procedure, with its signature.",
        run: |c| {
            Ok(all(c.graph)
                .into_iter()
                .map(|p| {
                    vec![
                        Value::String(p.name.clone()),
                        Value::String(p.signature()),
                        Value::String(p.description.clone()),
                    ]
                })
                .collect())
        },
    },
    Def {
        name: "seccoop.gaps",
        inputs: &[],
        outputs: &[
            ("gap", "STRING"),
            ("node", "NODE"),
            ("related", "LIST<NODE>"),
        ],
        description: "Where coverage is thin, as `seccoop gaps` finds it: one row per gap (unaddressed_threats, single_activity_threats, unmitigated_challenges, activities_without_actor, single_points_of_failure), its node, and the nodes it concerns.",
        run: gaps,
    },
    Def {
        name: "seccoop.impact",
        inputs: &[("node", "NODE|STRING", None), ("depth", "INTEGER", Some(3))],
        outputs: &[
            ("node", "NODE"),
            ("depth", "INTEGER"),
            ("chains", "INTEGER"),
            ("via", "LIST<RELATIONSHIP>"),
        ],
        description: "What a node's loss or weakening reaches within `depth` relations, as `seccoop impact` traces it: each node, its distance, how many shortest chains reach it, and one of them.",
        run: impact,
    },
    Def {
        name: "seccoop.path",
        inputs: &[("from", "NODE|STRING", None), ("to", "NODE|STRING", None)],
        outputs: &[("path", "PATH"), ("length", "INTEGER")],
        description: "One shortest connection between two nodes, along relationships in either direction, as `seccoop path` finds it; no row when there is none.",
        run: path,
    },
];

impl Def {
    fn procedure(&self) -> Procedure {
        Procedure {
            name: self.name.into(),
            inputs: self
                .inputs
                .iter()
                .map(|&(n, t, d)| ProcParam {
                    default: d.map(Value::Int),
                    ..ProcParam::new(n, t)
                })
                .collect(),
            outputs: self
                .outputs
                .iter()
                .map(|&(n, t)| ProcParam::new(n, t))
                .collect(),
            description: self.description.into(),
            body: Body::Builtin(self.run),
        }
    }
}

/// Every procedure a query over `graph` may call: the built-in ones, then
/// the graph's own, sorted by name.
pub(crate) fn all(graph: &dyn QueryGraph) -> Vec<Procedure> {
    let mut out: Vec<Procedure> = BUILTINS.iter().map(Def::procedure).collect();
    out.extend(graph.procedures().iter().cloned());
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The procedure named `name`: the graph's own first, then a built-in one.
pub(crate) fn find(name: &str, own: &[Procedure]) -> Option<Procedure> {
    own.iter()
        .find(|p| p.name == name)
        .cloned()
        .or_else(|| BUILTINS.iter().find(|d| d.name == name).map(Def::procedure))
}

/// Every procedure's name, for suggestions and completion.
pub(crate) fn names(own: &[Procedure]) -> Vec<String> {
    BUILTINS
        .iter()
        .map(|d| d.name.to_string())
        .chain(own.iter().map(|p| p.name.clone()))
        .collect()
}

/// A plain value as a query would write it (only numbers and null reach
/// here: defaults and a depth).
fn literal(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::String(s) => format!("'{s}'"),
        Value::Null => "null".into(),
        other => other.type_name().to_string(),
    }
}

fn strings(mut names: Vec<String>) -> Vec<Vec<Value>> {
    names.sort();
    names.dedup();
    names.into_iter().map(|n| vec![Value::String(n)]).collect()
}

fn nix(n: NodeId) -> NodeIndex {
    NodeIndex::new(n.0 as usize)
}

fn node(ix: NodeIndex) -> Value {
    Value::Node(NodeId(ix.index() as u32))
}

fn rel(ix: EdgeIndex) -> Value {
    Value::Rel(EdgeId(ix.index() as u32))
}

/// seccoop's graph, which the `seccoop.*` procedures need.
fn model<'a>(c: &Call<'a>, name: &str) -> Result<&'a Graph, QueryError> {
    c.graph.model().ok_or_else(|| {
        QueryError::semantic(
            Code::Unsupported,
            c.span,
            format!("{name} needs a seccoop graph, and this graph is a general property graph"),
        )
    })
}

/// A node argument: a node, or the id, name or alias of one.
fn node_arg(g: &Graph, v: &Value, span: Span) -> Result<NodeIndex, QueryError> {
    match v {
        Value::Node(n) => Ok(nix(*n)),
        Value::String(s) => analysis::resolve_node(g, s).map_err(|e| {
            let message = match &e {
                analysis::ResolveError::Unknown { suggestions, .. } => match suggestions.first() {
                    Some(near) => format!("{e}; did you mean `{near}`?"),
                    None => e.to_string(),
                },
                analysis::ResolveError::Ambiguous { candidates, .. } => {
                    format!("{e}: {}; pass one's id", candidates.join(", "))
                }
            };
            QueryError::argument(Code::InvalidArgumentValue, span, message)
        }),
        other => Err(QueryError::type_error(
            Code::InvalidArgumentType,
            span,
            format!("expected a node or a node's id, not {}", other.type_name()),
        )),
    }
}

fn impact(c: &Call<'_>) -> Result<Vec<Vec<Value>>, QueryError> {
    let g = model(c, "seccoop.impact")?;
    let root = node_arg(g, &c.args[0], c.span)?;
    let depth = match c.args[1] {
        Value::Int(d) if (1..=analysis::impact::MAX_DEPTH as i64).contains(&d) => d as usize,
        ref other => {
            return Err(QueryError::argument(
                Code::InvalidArgumentValue,
                c.span,
                format!(
                    "seccoop.impact's depth must be from 1 to {}, not {}",
                    analysis::impact::MAX_DEPTH,
                    literal(other)
                ),
            ));
        }
    };
    let found = analysis::impact(g, root, depth);
    Ok(found
        .reached
        .iter()
        .map(|r| {
            vec![
                node(r.node),
                Value::Int(r.depth as i64),
                Value::Int(i64::try_from(r.chains).unwrap_or(i64::MAX)),
                Value::List(r.via.iter().map(|&e| rel(e)).collect()),
            ]
        })
        .collect())
}

fn path(c: &Call<'_>) -> Result<Vec<Vec<Value>>, QueryError> {
    let g = model(c, "seccoop.path")?;
    let from = node_arg(g, &c.args[0], c.span)?;
    let to = node_arg(g, &c.args[1], c.span)?;
    let found = analysis::connections(g, from, to, &analysis::PathQuery::default());
    Ok(found
        .paths
        .iter()
        .map(|p| {
            let steps: Vec<(EdgeId, NodeId)> = p
                .edges
                .iter()
                .zip(p.nodes.iter().skip(1))
                .map(|(e, n)| (EdgeId(e.index() as u32), NodeId(n.index() as u32)))
                .collect();
            let length = steps.len() as i64;
            vec![
                Value::Path(Path {
                    start: NodeId(from.index() as u32),
                    steps,
                }),
                Value::Int(length),
            ]
        })
        .collect())
}

fn gaps(c: &Call<'_>) -> Result<Vec<Vec<Value>>, QueryError> {
    let g = model(c, "seccoop.gaps")?;
    let cov = analysis::coverage(g, &HashSet::new());
    let mut rows = Vec::new();
    let mut add = |gap: &str, n: NodeIndex, related: Vec<NodeIndex>| {
        rows.push(vec![
            Value::String(gap.into()),
            node(n),
            Value::List(related.into_iter().map(node).collect()),
        ]);
    };
    cov.unaddressed()
        .for_each(|t| add("unaddressed_threats", t, Vec::new()));
    cov.single()
        .for_each(|(t, a)| add("single_activity_threats", t, vec![a]));
    cov.unmitigated()
        .for_each(|t| add("unmitigated_challenges", t, Vec::new()));
    cov.without_actor()
        .for_each(|a| add("activities_without_actor", a, Vec::new()));
    for (a, threats) in cov.single_points() {
        add("single_points_of_failure", a, threats);
    }
    Ok(rows)
}

/// `db.schema.visualization`: on seccoop's graph, every kind and every
/// relation the schema declares (with how many nodes and edges the graph
/// has of each); on another graph, the labels and the (label, type, label)
/// triples its data holds.
fn schema_visualization(c: &Call<'_>) -> Result<Vec<Vec<Value>>, QueryError> {
    let g = c.graph;
    // (start label, type, end label) → edges.
    let mut triples: BTreeMap<(String, String, String), i64> = BTreeMap::new();
    let mut adj = Vec::new();
    for n in g.nodes() {
        adj.clear();
        g.expand(n, Expand::Out, &mut adj);
        for a in &adj {
            let t = g.type_name(a.edge);
            for s in g.labels(n) {
                for e in g.labels(a.other) {
                    *triples.entry((s.clone(), t.clone(), e)).or_default() += 1;
                }
            }
        }
    }
    let count = |name: &str| g.label(name).map_or(0, |l| g.label_count(l)) as i64;
    let (labels, declared): (Vec<String>, Vec<(String, String, String)>) = match g.model() {
        Some(m) => {
            let s = m.schema();
            let kinds = s.kinds().map(|(_, k)| k.name.clone()).collect();
            let mut rels = Vec::new();
            for (_, r) in s.relations() {
                for &f in &r.from {
                    for &t in &r.to {
                        rels.push((
                            s.kind(f).name.clone(),
                            r.name.clone(),
                            s.kind(t).name.clone(),
                        ));
                    }
                }
            }
            (kinds, rels)
        }
        None => {
            let mut labels = g.label_names();
            labels.sort();
            labels.dedup();
            (labels, triples.keys().cloned().collect())
        }
    };
    let nodes = labels
        .iter()
        .map(|l| {
            Value::Map(BTreeMap::from([
                ("name".to_string(), Value::String(l.clone())),
                ("count".to_string(), Value::Int(count(l))),
            ]))
        })
        .collect();
    let rels = declared
        .into_iter()
        .map(|(s, t, e)| {
            let n = triples
                .get(&(s.clone(), t.clone(), e.clone()))
                .copied()
                .unwrap_or(0);
            Value::Map(BTreeMap::from([
                ("type".to_string(), Value::String(t)),
                ("start".to_string(), Value::String(s)),
                ("end".to_string(), Value::String(e)),
                ("count".to_string(), Value::Int(n)),
            ]))
        })
        .collect();
    Ok(vec![vec![Value::List(nodes), Value::List(rels)]])
}
