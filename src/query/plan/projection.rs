//! WITH and RETURN: items, grouping keys and aggregates, ORDER BY, SKIP,
//! LIMIT and the WHERE after WITH.

use std::collections::HashSet;

use super::super::ast::{self, Expr, ExprKind};
use super::super::error::{Code, QueryError, Span};
use super::super::functions::AggFunc;
use super::super::lexer::Tok;
use super::super::value::Value;
use super::{ExprCtx, PExpr, Planner, ProjectPlan, SType, Scope, Var};

pub(super) fn is_aggregate_name(name: &str) -> bool {
    AggFunc::from_name(name).is_some()
}

pub(super) fn contains_aggregate(e: &Expr) -> bool {
    if let ExprKind::Call { name, .. } = &e.kind
        && is_aggregate_name(&name.name)
    {
        return true;
    }
    let mut found = false;
    e.for_each_child(&mut |c| found = found || contains_aggregate(c));
    found
}

impl Planner<'_> {
    /// Plans `WITH` or `RETURN`: the plan, the scope after it, the column names.
    pub(super) fn projection(
        &mut self,
        p: &ast::Projection,
        scope: &Scope,
        is_with: bool,
    ) -> Result<(ProjectPlan, Scope, Vec<String>), QueryError> {
        // The items: `*` first (named variables, by name), then the rest.
        let mut items: Vec<(String, Expr, Option<Span>)> = Vec::new();
        if p.star {
            let mut names: Vec<&Var> = scope.vars.iter().filter(|v| !v.name.is_empty()).collect();
            names.sort_by(|a, b| a.name.cmp(&b.name));
            names.dedup_by(|a, b| a.name == b.name);
            if names.is_empty() && p.items.is_empty() {
                return Err(QueryError::semantic(
                    Code::NoVariablesInScope,
                    p.span,
                    format!(
                        "`{} *` needs variables in scope, and there are none",
                        if is_with { "WITH" } else { "RETURN" }
                    ),
                ));
            }
            for v in names {
                items.push((
                    v.name.clone(),
                    Expr::new(ExprKind::Var(v.name.clone()), p.span),
                    None,
                ));
            }
        }
        // Reported after the other checks of the projection, which say more.
        let mut unnamed: Option<QueryError> = None;
        for item in &p.items {
            let name = match &item.alias {
                Some(a) => a.name.clone(),
                None => {
                    if is_with && !matches!(item.expr.kind, ExprKind::Var(_)) && unnamed.is_none() {
                        unnamed = Some(
                            QueryError::semantic(
                                Code::NoExpressionAlias,
                                item.expr.span,
                                "an expression in WITH needs a name",
                            )
                            .with_help(format!("add `AS name`: `{} AS name`", item.text)),
                        );
                    }
                    item.text.clone()
                }
            };
            items.push((name, item.expr.clone(), item.alias.as_ref().map(|a| a.span)));
        }
        {
            let mut seen = HashSet::new();
            for (name, e, alias) in &items {
                if !seen.insert(name.clone()) {
                    return Err(QueryError::semantic(
                        Code::ColumnNameConflict,
                        alias.unwrap_or(e.span),
                        format!("two columns are named `{name}`"),
                    )
                    .with_help("give each a different name with `AS`"));
                }
            }
        }
        let aggregating = items.iter().any(|(_, e, _)| contains_aggregate(e));

        // Grouping keys: the items without aggregates.
        let key_texts: Vec<Vec<Tok>> = items
            .iter()
            .filter(|(_, e, _)| !contains_aggregate(e))
            .map(|(_, e, _)| self.tokens(e.span))
            .collect();
        let key_vars: Vec<String> = items
            .iter()
            .filter_map(|(_, e, _)| match &e.kind {
                ExprKind::Var(v) => Some(v.clone()),
                _ => None,
            })
            .collect();

        let mut aggs = Vec::new();
        let mut planned = Vec::new();
        let mut keys = Vec::new();
        let mut types = Vec::new();
        for (i, (_, e, _)) in items.iter().enumerate() {
            if aggregating && contains_aggregate(e) {
                self.check_ambiguous(e, &key_texts, &key_vars, &mut Vec::new(), None)?;
                let mut ctx = ExprCtx {
                    scope,
                    locals: Vec::new(),
                    aggs: Some(&mut aggs),
                    no_agg: "",
                    columns: &[],
                    scope_visible: true,
                    in_agg: false,
                    patterns_ok: false,
                };
                planned.push(self.expr(e, &mut ctx)?);
                types.push(SType::Any);
            } else {
                let pe = self.expr_in(e, scope, if is_with { "WITH" } else { "RETURN" })?;
                types.push(self.stype(&pe, scope));
                planned.push(pe);
                keys.push(i);
            }
        }

        // ORDER BY sees the new columns by name, and the old variables unless
        // DISTINCT or aggregation has folded rows together.
        let columns: Vec<(String, Vec<Tok>, SType)> = items
            .iter()
            .zip(&types)
            .map(|((name, e, _), ty)| (name.clone(), self.tokens(e.span), *ty))
            .collect();
        let mut order = Vec::new();
        for s in &p.order {
            if aggregating {
                let keys_for_order: Vec<Vec<Tok>> = columns.iter().map(|c| c.1.clone()).collect();
                let names: Vec<String> = columns.iter().map(|c| c.0.clone()).collect();
                // An item that is a projected column is that column
                // (`RETURN type(r), count(*) ORDER BY type(r)`); only an
                // item that aggregates is held to the stricter rule.
                let is_column = keys_for_order.contains(&self.tokens(s.expr.span));
                if !is_column {
                    let order = Some(contains_aggregate(&s.expr));
                    self.check_ambiguous(&s.expr, &keys_for_order, &names, &mut Vec::new(), order)?;
                }
            } else if contains_aggregate(&s.expr) {
                return Err(QueryError::semantic(
                    Code::InvalidAggregation,
                    s.expr.span,
                    "ORDER BY cannot aggregate unless the projection does",
                )
                .with_help(
                    "add the aggregate to the projection with `AS name` and order by the name",
                ));
            }
            let mut ctx = ExprCtx {
                scope,
                locals: Vec::new(),
                aggs: None,
                no_agg: "ORDER BY",
                columns: &columns,
                scope_visible: !(p.distinct || aggregating),
                in_agg: false,
                patterns_ok: false,
            };
            let e = self.expr(&s.expr, &mut ctx)?;
            order.push((e, s.descending));
        }

        let skip = match &p.skip {
            Some(e) => Some((self.count_expr(e, "SKIP")?, e.span)),
            None => None,
        };
        let limit = match &p.limit {
            Some(e) => Some((self.count_expr(e, "LIMIT")?, e.span)),
            None => None,
        };

        if let Some(err) = unnamed {
            return Err(err);
        }
        let names: Vec<String> = items.iter().map(|(n, _, _)| n.clone()).collect();
        let new_scope = Scope {
            vars: names
                .iter()
                .zip(&types)
                .enumerate()
                .map(|(slot, (name, ty))| Var {
                    name: name.clone(),
                    slot,
                    ty: *ty,
                })
                .collect(),
            width: names.len(),
        };
        // WHERE after WITH sees the new columns and, like ORDER BY, the old
        // variables unless DISTINCT or aggregation folded rows together.
        let filter = match &p.filter {
            Some(f) => {
                let mut ctx = ExprCtx {
                    scope,
                    locals: Vec::new(),
                    aggs: None,
                    no_agg: "WHERE",
                    columns: &columns,
                    scope_visible: !(p.distinct || aggregating),
                    in_agg: false,
                    patterns_ok: true,
                };
                let e = self.expr(f, &mut ctx)?;
                self.expect_type_ctx(&e, &ctx, &[SType::Bool], f.span, "a condition")?;
                Some(e)
            }
            None => None,
        };
        Ok((
            ProjectPlan {
                distinct: p.distinct,
                items: planned,
                keys,
                aggregating,
                aggs,
                order,
                skip,
                limit,
                filter,
                span: p.span,
            },
            new_scope,
            names,
        ))
    }

    /// An expression outside any aggregate in an aggregating projection may
    /// only use what is grouped on.
    /// `order_by`: checking an ORDER BY item, where only the projected
    /// columns are in scope; `Some(true)` when the item aggregates, which
    /// allows only variables and property accesses next to the aggregate.
    pub(super) fn check_ambiguous(
        &self,
        e: &Expr,
        keys: &[Vec<Tok>],
        key_vars: &[String],
        locals: &mut Vec<String>,
        order_by: Option<bool>,
    ) -> Result<(), QueryError> {
        match &e.kind {
            ExprKind::Call { name, .. } if is_aggregate_name(&name.name) => return Ok(()),
            ExprKind::Var(v) => {
                if locals.contains(v) || key_vars.contains(v) {
                    return Ok(());
                }
                if order_by.is_some() {
                    return Err(QueryError::semantic(
                        Code::UndefinedVariable,
                        e.span,
                        format!(
                            "`{v}` is not projected, so ORDER BY cannot use it after an aggregation"
                        ),
                    )
                    .with_help(format!("add `{v}` to the projection")));
                }
                return Err(QueryError::semantic(
                    Code::AmbiguousAggregationExpression,
                    e.span,
                    format!("`{v}` is used next to an aggregate but is not grouped on"),
                )
                .with_help(format!(
                    "add `{v}` (or the expression that uses it) to the projection as its own column"
                )));
            }
            _ => {}
        }
        // A grouped property access may be used next to an aggregate; a more
        // complex grouped expression may not (openCypher).
        let simple =
            matches!(&e.kind, ExprKind::Property(t, _) if matches!(t.kind, ExprKind::Var(_)));
        if !contains_aggregate(e) && keys.contains(&self.tokens(e.span)) {
            if simple {
                return Ok(());
            }
            if order_by == Some(true) {
                return Err(QueryError::semantic(
                    Code::AmbiguousAggregationExpression,
                    e.span,
                    "only a variable or property access may be used next to an aggregate, not a longer expression",
                )
                .with_help("order by the projected column's name instead"));
            }
        }
        let introduced = match &e.kind {
            ExprKind::ListComp { var, .. } | ExprKind::Quantified { var, .. } => {
                vec![var.name.clone()]
            }
            ExprKind::Reduce { acc, var, .. } => vec![acc.name.clone(), var.name.clone()],
            _ => Vec::new(),
        };
        let before = locals.len();
        locals.extend(introduced);
        let mut result = Ok(());
        e.for_each_child(&mut |c| {
            if result.is_ok() {
                result = self.check_ambiguous(c, keys, key_vars, locals, order_by);
            }
        });
        locals.truncate(before);
        result
    }

    /// `SKIP` and `LIMIT`: constant, non-negative integers.
    pub(super) fn count_expr(
        &mut self,
        e: &Expr,
        clause: &'static str,
    ) -> Result<PExpr, QueryError> {
        let empty = Scope {
            vars: Vec::new(),
            width: 0,
        };
        let pe = self.expr_in(e, &empty, clause).map_err(|err| match err {
            QueryError::Semantic {
                code: Code::UndefinedVariable,
                span,
                ..
            } => QueryError::semantic(
                Code::NonConstantExpression,
                span,
                format!("{clause} takes a constant, not a variable"),
            ),
            other => other,
        })?;
        if let PExpr::Const(v) = &pe {
            check_count(v, e.span, clause, true)?;
        }
        Ok(pe)
    }
}

/// Checks a `SKIP` or `LIMIT` value.
pub(crate) fn check_count(
    v: &Value,
    span: Span,
    clause: &str,
    compile: bool,
) -> Result<(), QueryError> {
    let err = |code, msg: String| {
        if compile {
            QueryError::semantic(code, span, msg)
        } else {
            QueryError::argument(code, span, msg)
        }
    };
    match v {
        Value::Int(i) if *i < 0 => Err(err(
            Code::NegativeIntegerArgument,
            format!("{clause} must not be negative, but is {i}"),
        )),
        Value::Int(_) => Ok(()),
        other => {
            let msg = format!("{clause} takes an integer, not {}", other.type_name());
            Err(if compile {
                QueryError::semantic(Code::InvalidArgumentType, span, msg)
            } else {
                QueryError::type_error(Code::InvalidArgumentType, span, msg)
            })
        }
    }
}
