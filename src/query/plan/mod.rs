//! The planner: checks a parsed query and turns it into steps over rows.
//!
//! Rows are vectors of values; every variable gets a fixed slot, so
//! evaluation never looks a name up. The planner is also where semantic
//! errors are found (undefined variables, a node variable used as a
//! relationship, misplaced aggregation, literals of the wrong type) and
//! where names the loaded graph does not have are warned about.
//!
//! - [`types`]: the plan a query becomes (steps, patterns, expressions);
//! - `patterns`: MATCH and CREATE patterns, variables bound to slots;
//! - `projection`: WITH and RETURN, grouping, ORDER BY, SKIP and LIMIT;
//! - `lower`: expressions from syntax to slots and resolved functions;
//! - `infer`: what is known of an expression's type before running;
//! - `warnings`: names the graph does not have;
//! - `rewrite`: constant folding and filters pushed into patterns.

mod call;
mod infer;
mod lower;
mod patterns;
mod projection;
mod rewrite;
pub(crate) mod types;
mod warnings;

use std::collections::HashSet;

use super::ast::{self, Clause};
use super::error::{Code, QueryError, Span};
use super::graph::QueryGraph;
use super::lexer::{Tok, lex};
use super::procedures::Procedure;
use super::{Params, Warning};
use patterns::already_bound;

pub(crate) use infer::SType;
pub(crate) use projection::check_count;
pub(crate) use types::*;

#[derive(Debug, Clone)]
struct Var {
    name: String,
    slot: usize,
    ty: SType,
}

/// The variables visible to an expression.
#[derive(Default)]
struct Scope {
    vars: Vec<Var>,
    width: usize,
}

impl Scope {
    fn get(&self, name: &str) -> Option<&Var> {
        self.vars.iter().rev().find(|v| v.name == name)
    }
}

/// Where an expression is planned, and what it may use.
struct ExprCtx<'s> {
    scope: &'s Scope,
    /// Comprehension variables, innermost last.
    locals: Vec<Var>,
    /// Aggregates found so far, when aggregation is allowed here.
    aggs: Option<&'s mut Vec<AggSpec>>,
    /// Why aggregation is not allowed here, when it is not.
    no_agg: &'static str,
    /// Projected columns visible by name and by expression text (`ORDER BY`).
    columns: &'s [(String, Vec<Tok>, SType)],
    /// Whether variables of `scope` may be used (not after `DISTINCT` or
    /// aggregation in `ORDER BY`).
    scope_visible: bool,
    /// Inside an aggregate's arguments.
    in_agg: bool,
    /// A pattern may stand as a predicate here (in WHERE, `exists()`).
    patterns_ok: bool,
}

impl ExprCtx<'_> {
    fn next_slot(&self) -> usize {
        self.scope.width + self.locals.len()
    }
}

pub(crate) struct Planner<'a> {
    text: &'a str,
    params: &'a Params,
    graph: Option<&'a dyn QueryGraph>,
    /// The graph's own procedures, besides the built-in ones.
    procedures: &'a [Procedure],
    warnings: Vec<Warning>,
    warned: HashSet<String>,
    known_keys: Option<Vec<String>>,
}

/// Plans a parsed query. `graph` is used only for warnings about names it
/// does not have; `procedures` are those the graph brings.
pub(crate) fn plan(
    query: &ast::Query,
    text: &str,
    params: &Params,
    graph: Option<&dyn QueryGraph>,
    procedures: &[Procedure],
) -> Result<Plan, QueryError> {
    let mut p = Planner {
        text,
        params,
        graph,
        procedures,
        warnings: Vec::new(),
        warned: HashSet::new(),
        known_keys: None,
    };
    let mut plan = p.query(&query.clauses, query.span, Scope::default(), true)?;
    let mut kinds = Vec::new();
    for u in &query.unions {
        if kinds.first().is_some_and(|&all| all != u.all) {
            return Err(QueryError::semantic(
                Code::InvalidClauseComposition,
                u.keyword,
                "`UNION` and `UNION ALL` cannot be mixed in one query",
            )
            .with_help("use `UNION` throughout to drop duplicates, `UNION ALL` to keep them"));
        }
        kinds.push(u.all);
        let part = p.query(&u.clauses, u.span, Scope::default(), true)?;
        if part.columns != plan.columns {
            return Err(QueryError::semantic(
                Code::DifferentColumnsInUnion,
                u.keyword,
                format!(
                    "the queries joined by `UNION` return different columns: {} before, {} after",
                    plan.columns.join(", "),
                    part.columns.join(", ")
                ),
            )
            .with_help("name the columns alike and in the same order, with `AS`"));
        }
        plan.updating |= part.updating;
        plan.create_span = plan.create_span.or(part.create_span);
        plan.unions.push(part);
    }
    plan.union_distinct = kinds.first().is_some_and(|&all| !all);
    plan.warnings = std::mem::take(&mut p.warnings);
    Ok(plan)
}

impl Planner<'_> {
    fn tokens(&self, span: Span) -> Vec<Tok> {
        let text = self.text.get(span.start..span.end).unwrap_or("");
        lex(text)
            .map(|ts| ts.into_iter().map(|t| t.tok).collect())
            .unwrap_or_default()
    }

    /// Plans one query of a union, or a subquery: its clauses and their
    /// text, the variables it starts with, and whether it must end in
    /// `RETURN`.
    fn query(
        &mut self,
        clauses: &[Clause],
        span: Span,
        mut scope: Scope,
        needs_return: bool,
    ) -> Result<Plan, QueryError> {
        let mut steps = Vec::new();
        let mut columns = Vec::new();
        let mut updating = false;
        let mut create_span = None;
        let n = clauses.len();
        for (i, clause) in clauses.iter().enumerate() {
            let last = i + 1 == n;
            match clause {
                Clause::Match {
                    optional,
                    patterns,
                    filter,
                    span,
                } => {
                    let m =
                        self.match_clause(*optional, *span, patterns, filter.as_ref(), &mut scope)?;
                    steps.push(Step::Match(m));
                }
                Clause::Unwind { expr, var, .. } => {
                    let e = self.expr_in(expr, &scope, "UNWIND")?;
                    if scope.get(&var.name).is_some() {
                        return Err(already_bound(var));
                    }
                    let slot = scope.width;
                    scope.vars.push(Var {
                        name: var.name.clone(),
                        slot,
                        ty: SType::Any,
                    });
                    scope.width += 1;
                    steps.push(Step::Unwind {
                        expr: e,
                        span: clause.span(),
                    });
                }
                Clause::With(p) => {
                    let (plan, new_scope, _) = self.projection(p, &scope, true)?;
                    steps.push(Step::Project(Box::new(plan)));
                    scope = new_scope;
                }
                Clause::Return(p) => {
                    if !last {
                        return Err(QueryError::syntax(
                            Code::UnexpectedSyntax,
                            // Not the last clause, so `i + 1` is one.
                            clauses[i + 1].span(),
                            "expected the end of the query after `RETURN`",
                        ));
                    }
                    let (plan, _, names) = self.projection(p, &scope, false)?;
                    steps.push(Step::Project(Box::new(plan)));
                    columns = names;
                }
                Clause::Call {
                    clauses: inner,
                    span,
                } => {
                    let sub = Scope {
                        vars: scope.vars.clone(),
                        width: scope.width,
                    };
                    let plan = self.query(inner, *span, sub, true)?;
                    let width_in = scope.width;
                    for name in &plan.columns {
                        if scope.get(name).is_some() {
                            return Err(QueryError::semantic(
                                Code::VariableAlreadyBound,
                                *span,
                                format!("the subquery returns `{name}`, which is already bound"),
                            )
                            .with_help("rename the subquery's column with `AS`"));
                        }
                        scope.vars.push(Var {
                            name: name.clone(),
                            slot: scope.width,
                            ty: SType::Any,
                        });
                        scope.width += 1;
                    }
                    steps.push(Step::Call {
                        plan: Box::new(plan),
                        width_in,
                        span: *span,
                    });
                }
                Clause::Procedure {
                    name,
                    args,
                    yields,
                    yield_star,
                    filter,
                    span,
                } => {
                    let standalone = n == 1;
                    if let Some(star) = yield_star
                        && !standalone
                    {
                        return Err(QueryError::semantic(
                            Code::UnexpectedSyntax,
                            *star,
                            "`YIELD *` is only allowed in a query that is just the call",
                        )
                        .with_help("name the outputs to yield: `YIELD a, b`"));
                    }
                    let (mut step, names) = self.procedure_call(
                        name,
                        args.as_deref(),
                        yields,
                        *span,
                        &scope,
                        standalone,
                    )?;
                    for name in &names {
                        scope.vars.push(Var {
                            name: name.clone(),
                            slot: scope.width,
                            ty: SType::Any,
                        });
                        scope.width += 1;
                    }
                    if let (Some(e), Step::Procedure { filter, .. }) = (filter, &mut step) {
                        *filter = Some(self.predicate(e, &scope)?);
                    }
                    steps.push(step);
                    if standalone {
                        columns = names;
                        continue;
                    }
                }
                Clause::Create { patterns, span } => {
                    updating = true;
                    create_span = create_span.or(Some(*span));
                    let parts = self.create_clause(patterns, &mut scope)?;
                    steps.push(Step::Create {
                        parts,
                        width_out: scope.width,
                    });
                }
            }
            if needs_return && last && !matches!(clause, Clause::Return(_)) && !updating {
                return Err(QueryError::syntax(
                    Code::UnexpectedSyntax,
                    Span::new(span.end, span.end),
                    "expected `RETURN` at the end of the query",
                ));
            }
        }
        Ok(Plan {
            steps,
            columns,
            warnings: Vec::new(),
            updating,
            create_span,
            unions: Vec::new(),
            union_distinct: false,
        })
    }
}

impl Clause {
    /// The clause's text.
    pub fn span(&self) -> Span {
        match self {
            Clause::Match { span, .. }
            | Clause::Unwind { span, .. }
            | Clause::Create { span, .. }
            | Clause::Call { span, .. }
            | Clause::Procedure { span, .. } => *span,
            Clause::With(p) | Clause::Return(p) => p.span,
        }
    }
}
