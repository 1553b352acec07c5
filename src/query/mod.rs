//! Cypher queries: a read-only openCypher subset over any loaded graph.
//!
//! ```
//! use seccoop::query::{self, Params, SeccoopGraph};
//!
//! let graph = seccoop::load::embedded().unwrap();
//! let result = query::run(
//!     "MATCH (a:activity)-[:addresses]->(:threat {id: 'terrorism'}) RETURN a.id ORDER BY a.id",
//!     &SeccoopGraph::new(&graph),
//!     &Params::new(),
//!     &query::Options::default(),
//! )
//! .unwrap();
//! assert_eq!(result.columns, ["a.id"]);
//! assert!(!result.rows.is_empty());
//! ```
//!
//! # How a query runs
//!
//! text → [`lexer`] → [`parser`] (a syntax tree with spans) → `plan`
//! (semantic checks, variables to row slots, warnings about names the graph
//! lacks) → `exec` (steps over rows; `matcher` binds patterns; `eval`
//! computes expressions). Each stage returns data or a [`QueryError`];
//! nothing prints.
//!
//! # Decisions
//!
//! - **Hand-written lexer and recursive-descent parser**, one function per
//!   precedence level of openCypher's grammar. Parser combinators and PEG
//!   crates were weighed: Cypher's grammar is small and stable, and
//!   hand-written code gives the best messages ("expected `)` to close the
//!   node pattern, found `RETURN`"), exact spans, bounded nesting (a query of
//!   100,000 nested brackets is an error, not a stack overflow, see
//!   [`parser::MAX_DEPTH`]), and no dependency.
//! - **The engine reads graphs through a trait, [`QueryGraph`].** seccoop's
//!   [`Graph`](crate::model::Graph) is wrapped by [`SeccoopGraph`]
//!   (read-only; a node's one label is its kind; `id` and `name` are
//!   properties). openCypher's model is looser (several labels or none, any
//!   property anywhere), and the TCK builds its graphs with `CREATE`, so a
//!   second implementation, [`MemoryGraph`], is a general property graph
//!   that `CREATE` writes to ([`run_on_memory`]). The model itself is
//!   unchanged and queries over it cannot write.
//! - **`id(n)` is the node's string id** on seccoop's graph: ids are
//!   strings there, stable across loads and meaningful to people; an
//!   integer would be an accident of load order. `id(r)` is the edge's
//!   index, as edges have no ids. On a [`MemoryGraph`] both are integers.
//! - **Exact answers, bounded work.** `*` without an upper bound walks every
//!   path (relationships are used once per match, so every walk ends), and
//!   its answer is exact. The limits a run may set — [`Options::max_hops`]
//!   (none by default), [`Options::max_rows`] rows held per clause (ten million
//!   by default), [`Options::timeout`] (none by default; the `query` command
//!   sets one), ten million elements from `range()` — are guards: reaching
//!   one stops the query with an error that names it
//!   ([`Code::LimitReached`]), never with a shorter answer.
//! - **Rows stream; only held rows count against the row limit.** An
//!   aggregate over a `MATCH` (`count(p)`, `sum`, `min`, `max`, `avg`) takes
//!   each row as it comes and keeps one state per group, so counting a
//!   billion paths needs no more memory than counting ten; the row limit
//!   bounds memory (rows sorted, grouped, kept by `DISTINCT` or returned),
//!   and the time limit bounds work.
//! - **Planning starts at the most selective node** of each pattern: a bound
//!   variable, an `{id: …}` the graph looks up in its index, else the label
//!   with the fewest nodes; see the `matcher` module.
//! - **Names the graph lacks are warnings**, with the nearest names: a label,
//!   relationship type or property that does not exist makes a pattern match
//!   nothing, which must not pass silently.

pub mod ast;
mod error;
mod eval;
mod exec;
mod explain;
mod functions;
mod graph;
pub mod lexer;
mod matcher;
mod memory;
pub mod parser;
mod plan;
mod procedures;
mod reach;
mod render;
mod value;

pub use ast::Query;
pub use error::{Category, Code, QueryError, Report, Span, line_col};
pub use functions::{AggFunc, Func, float_to_string};
pub use graph::{Adjacent, Expand, LabelId, QueryGraph, SeccoopGraph, TypeId};
pub use memory::MemoryGraph;
pub use procedures::{ProcParam, Procedure};
pub use reach::{Reach, reach, reach_of};
pub use render::{cell_text, to_json};
pub use value::{EdgeId, Key, NodeId, Path, Value};

use std::collections::BTreeMap;

/// Runs `f` with enough stack for one more level of a recursive walk.
///
/// The parser bounds nesting ([`parser::MAX_DEPTH`]); this makes sure the
/// bounded recursion fits whatever stack the caller's thread has (test
/// threads have 2 MiB, and debug builds use large frames).
pub(crate) fn with_stack<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, f)
}

/// Runs `f`, the whole life of one query (parse, plan, run, drop), on a
/// stack sized to the query text when the text is long.
///
/// Only real nesting is bounded by [`parser::MAX_DEPTH`]; a flat chain
/// (`a OR b OR …`, `1 + 2 + …`) may be as long as the text, and its tree,
/// built left-deep for left-to-right evaluation, is walked and dropped
/// recursively. A tree is never deeper than half the text's length, so a
/// stack of a few hundred bytes per byte of text always holds it.
fn with_query_stack<R>(text: &str, f: impl FnOnce() -> R) -> R {
    const SHORT: usize = 2 * 1024;
    if text.len() <= SHORT {
        return f();
    }
    stacker::grow(text.len().saturating_mul(512), f)
}

/// Parameter values by name (`$name` in a query).
pub type Params = BTreeMap<String, Value>;

/// A note about a query that ran: a name the graph does not have.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// What to know, lowercase.
    pub message: String,
    /// What to do about it: the nearest names.
    pub help: Option<String>,
    /// Where in the query.
    pub span: Span,
}

impl Warning {
    /// The warning with the query text, ready for miette to draw.
    pub fn report(&self, name: &str, text: &str) -> Report {
        Report::new(
            name,
            text,
            self.message.clone(),
            self.help.clone(),
            self.span,
            "here",
        )
        .warning()
    }
}

/// Limits on evaluation.
#[derive(Debug, Clone)]
pub struct Options {
    /// How many hops `*` without an upper bound may walk; `None` (the
    /// default) walks every path, as openCypher says. Reaching the limit
    /// with more to walk is an error ([`Code::LimitReached`]), never a
    /// shorter answer.
    pub max_hops: Option<u64>,
    /// How many rows one clause may hold at once before the query is
    /// stopped with an error: the answer, the rows `ORDER BY` sorts, the
    /// groups of an aggregation, the rows `DISTINCT` has seen. Rows that
    /// stream through (a `MATCH` whose rows are counted) are not held and
    /// do not count; [`Options::timeout`] bounds them.
    pub max_rows: usize,
    /// How long a run may take before it is stopped with an error
    /// ([`Code::LimitReached`]); `None` (the default) sets no limit.
    pub timeout: Option<std::time::Duration>,
    /// Seed of `rand()`.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_hops: None,
            max_rows: 10_000_000,
            timeout: None,
            seed: 0x5eed_c00b,
        }
    }
}

/// What a query returned.
#[derive(Debug, Clone, Default)]
pub struct QueryResult {
    /// The column names, in order.
    pub columns: Vec<String>,
    /// The rows, each as long as `columns`.
    pub rows: Vec<Vec<Value>>,
    /// Notes about names the graph lacks.
    pub warnings: Vec<Warning>,
}

/// Parses a query without running it.
pub fn parse(text: &str) -> Result<Query, QueryError> {
    parser::parse(text)
}

/// Parses a parameter value: a Cypher literal (`42`, `'x'`, `[1, 2]`,
/// `{a: 1}`), or `None` when the text is not one.
pub fn parse_literal(text: &str) -> Option<Value> {
    let expr = parser::parse_expression(text).ok()?;
    let scope = Params::new();
    let q = ast::Query {
        clauses: vec![ast::Clause::Return(ast::Projection {
            distinct: false,
            star: false,
            items: vec![ast::ProjItem {
                expr,
                alias: None,
                text: String::new(),
            }],
            order: Vec::new(),
            skip: None,
            limit: None,
            filter: None,
            span: Span::default(),
        })],
        span: Span::default(),
        unions: Vec::new(),
    };
    let plan = plan::plan(&q, text, &scope, None, &[]).ok()?;
    // A literal has no variables, so it plans to one constant.
    match plan.steps.first() {
        Some(plan::Step::Project(p)) => match p.items.first() {
            Some(plan::PExpr::Const(v)) => Some(v.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Parses, checks and runs a read-only query over a graph.
///
/// # Arguments
/// - `text`: the query;
/// - `graph`: what it runs over, e.g. [`SeccoopGraph::new`] of a loaded graph;
/// - `params`: the values of `$name` parameters;
/// - `options`: the bounds of evaluation.
///
/// # Returns
/// The columns and rows of the final `RETURN`, with warnings about names the
/// graph lacks.
///
/// # Errors
/// A [`QueryError`] with the span of the problem: syntax, an undefined
/// variable, a type error at run time, `CREATE` on a read-only graph, a
/// limit of `options` reached.
///
/// # Complexity
/// Proportional to the part of the graph the patterns walk from their most
/// selective nodes, and to the rows the clauses produce.
///
/// ```
/// use seccoop::query::{self, MemoryGraph, Options, Params, Value};
///
/// let mut g = MemoryGraph::new();
/// let opts = Options::default();
/// query::run_on_memory("CREATE (:P {n: 1})-[:K]->(:P {n: 2})", &mut g, &Params::new(), &opts).unwrap();
/// let r = query::run("MATCH (a)-[:K]->(b) RETURN a.n + b.n AS s", &g, &Params::new(), &opts).unwrap();
/// assert_eq!(r.rows, [[Value::Int(3)]]);
/// ```
pub fn run(
    text: &str,
    graph: &dyn QueryGraph,
    params: &Params,
    options: &Options,
) -> Result<QueryResult, QueryError> {
    with_query_stack(text, || run_read(text, graph, params, options))
}

fn run_read(
    text: &str,
    graph: &dyn QueryGraph,
    params: &Params,
    options: &Options,
) -> Result<QueryResult, QueryError> {
    if let Some((mode, inner)) = explain::mode(text) {
        return run_explained(mode, &inner, graph, params, options);
    }
    let query = parser::parse(text)?;
    let plan = plan::plan(&query, text, params, Some(graph), graph.procedures())?;
    if let Some(span) = plan.create_span {
        return Err(QueryError::semantic(
            Code::ReadOnly,
            span,
            "CREATE is not supported: seccoop queries only read the graph",
        )
        .with_help("to add nodes or edges, edit the graph's files"));
    }
    finish(plan, exec::Access::Read(graph), options, text)
}

/// Runs a query that may `CREATE` over an in-memory graph.
pub fn run_on_memory(
    text: &str,
    graph: &mut MemoryGraph,
    params: &Params,
    options: &Options,
) -> Result<QueryResult, QueryError> {
    with_query_stack(text, || {
        let query = parser::parse(text)?;
        let plan = plan::plan(&query, text, params, None, graph.procedures())?;
        finish(plan, exec::Access::Write(graph), options, text)
    })
}

/// `EXPLAIN` (plan only) or `PROFILE` (run, count, time): the plan's
/// operators as rows.
fn run_explained(
    mode: explain::Mode,
    text: &str,
    graph: &dyn QueryGraph,
    params: &Params,
    options: &Options,
) -> Result<QueryResult, QueryError> {
    let query = parser::parse(text)?;
    let plan = plan::plan(&query, text, params, Some(graph), graph.procedures())?;
    let (profile, millis) = match mode {
        explain::Mode::Explain => (None, None),
        explain::Mode::Profile => {
            let started = std::time::Instant::now();
            let session = eval::Session::new(options).for_query(text);
            let (_, profile) =
                exec::execute_union(&plan, exec::Access::Read(graph), &session, true)?;
            (
                Some(profile),
                Some(started.elapsed().as_secs_f64() * 1000.0),
            )
        }
    };
    Ok(QueryResult {
        columns: explain::COLUMNS.iter().map(|c| c.to_string()).collect(),
        rows: explain::rows(&plan, text, Some(graph), profile.as_ref(), millis),
        warnings: plan.warnings,
    })
}

fn finish(
    plan: plan::Plan,
    access: exec::Access<'_>,
    options: &Options,
    text: &str,
) -> Result<QueryResult, QueryError> {
    let session = eval::Session::new(options).for_query(text);
    let (rows, _) = exec::execute_union(&plan, access, &session, false)?;
    let rows = if plan.updating && plan.columns.is_empty() {
        Vec::new()
    } else {
        rows
    };
    Ok(QueryResult {
        columns: plan.columns,
        rows,
        warnings: plan.warnings,
    })
}

/// Labels, relationship types, property keys, node ids and procedure names
/// of a graph, for completion in the shell.
pub fn vocabulary(graph: &dyn QueryGraph) -> Vec<String> {
    let mut words = procedures::names(graph.procedures());
    words.extend(graph.label_names());
    words.extend(graph.type_names());
    words.extend(graph.property_keys());
    words.extend(graph.node_keys());
    words.sort();
    words.dedup();
    words
}

#[cfg(test)]
mod tests;
