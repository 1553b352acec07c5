//! Expressions lowered from syntax to plans: variables to slots, functions
//! resolved, aggregates collected, patterns planned.

use super::super::ast::{self, BinaryOp, Expr, ExprKind, Literal, UnaryOp};
use super::super::error::{Code, QueryError, Span};
use super::super::functions::{AggFunc, Func};
use super::super::value::Value;
use super::infer::element_type;
use super::rewrite::{fold_list, fold_map, wraps};
use super::{AggSpec, ExprCtx, PExpr, Planner, SType, Scope, Var};

impl Planner<'_> {
    /// An expression where aggregation is not allowed.
    pub(super) fn expr_in(
        &mut self,
        e: &Expr,
        scope: &Scope,
        clause: &'static str,
    ) -> Result<PExpr, QueryError> {
        self.expr_where(e, scope, clause, false)
    }

    /// As [`Planner::expr_in`]; `patterns_ok` when a pattern may stand as a
    /// predicate (WHERE).
    pub(super) fn expr_where(
        &mut self,
        e: &Expr,
        scope: &Scope,
        clause: &'static str,
        patterns_ok: bool,
    ) -> Result<PExpr, QueryError> {
        let mut ctx = ExprCtx {
            scope,
            locals: Vec::new(),
            aggs: None,
            no_agg: clause,
            columns: &[],
            scope_visible: true,
            in_agg: false,
            patterns_ok,
        };
        self.expr(e, &mut ctx)
    }

    /// A MATCH's WHERE: a boolean condition that may use patterns.
    pub(super) fn predicate(&mut self, e: &Expr, scope: &Scope) -> Result<PExpr, QueryError> {
        let pe = self.expr_where(e, scope, "WHERE", true)?;
        self.expect_type(&pe, scope, &[SType::Bool], e.span, "a condition")?;
        Ok(pe)
    }

    pub(super) fn expr(&mut self, e: &Expr, ctx: &mut ExprCtx<'_>) -> Result<PExpr, QueryError> {
        super::super::with_stack(|| self.expr_inner(e, ctx))
    }

    pub(super) fn expr_inner(
        &mut self,
        e: &Expr,
        ctx: &mut ExprCtx<'_>,
    ) -> Result<PExpr, QueryError> {
        // In ORDER BY, an expression written as a projected one is that column.
        if !ctx.columns.is_empty() && !matches!(e.kind, ExprKind::Literal(_)) {
            let toks = self.tokens(e.span);
            if let Some(i) = ctx.columns.iter().position(|c| c.1 == toks)
                && ctx.locals.is_empty()
            {
                return Ok(PExpr::Column(i));
            }
        }
        let span = e.span;
        let b = Box::new;
        Ok(match &e.kind {
            ExprKind::Literal(l) => PExpr::Const(match l {
                Literal::Null => Value::Null,
                Literal::Bool(v) => Value::Bool(*v),
                Literal::Int(v) => Value::Int(*v),
                Literal::Float(v) => Value::Float(*v),
                Literal::String(v) => Value::String(v.clone()),
            }),
            ExprKind::Param(name) => match self.params.get(name) {
                Some(v) => PExpr::Const(v.clone()),
                None => {
                    return Err(QueryError::MissingParameter {
                        name: name.clone(),
                        span,
                    });
                }
            },
            ExprKind::Var(name) => self.variable(name, span, ctx)?,
            ExprKind::List(items) => {
                let mut out = Vec::new();
                for i in items {
                    out.push(self.expr(i, ctx)?);
                }
                fold_list(out)
            }
            ExprKind::Map(entries) => {
                let mut out = Vec::new();
                for (k, v) in entries {
                    out.push((k.name.clone(), self.expr(v, ctx)?));
                }
                fold_map(out)
            }
            ExprKind::Property(target, key) => {
                let t = self.expr(target, ctx)?;
                let ty = self.stype_ctx(&t, ctx);
                match ty {
                    SType::Node | SType::Rel => self.check_key(&key.name, key.span),
                    SType::Any | SType::Null | SType::Map => {}
                    other => {
                        return Err(QueryError::semantic(
                            Code::InvalidArgumentType,
                            span,
                            format!("cannot read property `{}` of {}", key.name, other.name()),
                        ));
                    }
                }
                PExpr::Property(b(t), key.name.clone(), span)
            }
            ExprKind::Index(target, index) => {
                let t = self.expr(target, ctx)?;
                let i = self.expr(index, ctx)?;
                PExpr::Index(b(t), b(i), span)
            }
            ExprKind::Slice(target, from, to) => {
                let t = self.expr(target, ctx)?;
                let from = match from {
                    Some(f) => Some(b(self.expr(f, ctx)?)),
                    None => None,
                };
                let to = match to {
                    Some(x) => Some(b(self.expr(x, ctx)?)),
                    None => None,
                };
                PExpr::Slice(b(t), from, to, span)
            }
            ExprKind::HasLabels(target, labels) => {
                for l in labels {
                    self.check_label(l);
                }
                let t = self.expr(target, ctx)?;
                PExpr::HasLabels(b(t), labels.iter().map(|l| l.name.clone()).collect(), span)
            }
            ExprKind::Unary(op, inner) => {
                let x = self.expr(inner, ctx)?;
                match op {
                    UnaryOp::Not => {
                        self.expect_type_ctx(&x, ctx, &[SType::Bool], inner.span, "a boolean")?;
                        PExpr::Not(b(x), span)
                    }
                    UnaryOp::Neg => match x {
                        PExpr::Const(Value::Float(f)) => PExpr::Const(Value::Float(-f)),
                        PExpr::Const(Value::Int(i)) if i != i64::MIN => {
                            PExpr::Const(Value::Int(-i))
                        }
                        x => PExpr::Neg(b(x), span),
                    },
                    UnaryOp::Pos => x,
                }
            }
            ExprKind::Binary(op, l, r) => {
                let lhs = self.expr(l, ctx)?;
                let rhs = self.expr(r, ctx)?;
                match op {
                    BinaryOp::And | BinaryOp::Or | BinaryOp::Xor => {
                        self.expect_type_ctx(&lhs, ctx, &[SType::Bool], l.span, "a boolean")?;
                        self.expect_type_ctx(&rhs, ctx, &[SType::Bool], r.span, "a boolean")?;
                    }
                    BinaryOp::In => {
                        self.expect_type_ctx(&rhs, ctx, &[SType::List], r.span, "a list after IN")?;
                    }
                    BinaryOp::Sub
                    | BinaryOp::Mul
                    | BinaryOp::Div
                    | BinaryOp::Mod
                    | BinaryOp::Pow => {
                        let numbers = [SType::Int, SType::Float];
                        self.expect_type_ctx(&lhs, ctx, &numbers, l.span, "a number")?;
                        self.expect_type_ctx(&rhs, ctx, &numbers, r.span, "a number")?;
                    }
                    _ => {}
                }
                PExpr::Binary(*op, b(lhs), b(rhs), span)
            }
            ExprKind::IsNull(inner, negated) => PExpr::IsNull(b(self.expr(inner, ctx)?), *negated),
            ExprKind::Call {
                name,
                distinct,
                args,
                star,
            } => self.call(name, *distinct, args, *star, span, ctx)?,
            ExprKind::Case {
                subject,
                arms,
                otherwise,
            } => {
                let subject = match subject {
                    Some(s) => Some(b(self.expr(s, ctx)?)),
                    None => None,
                };
                let mut planned = Vec::new();
                for (w, t) in arms {
                    planned.push((self.expr(w, ctx)?, self.expr(t, ctx)?));
                }
                let otherwise = match otherwise {
                    Some(o) => Some(b(self.expr(o, ctx)?)),
                    None => None,
                };
                PExpr::Case {
                    subject,
                    arms: planned,
                    otherwise,
                }
            }
            ExprKind::ListComp {
                var,
                list,
                filter,
                map,
            } => {
                let list = self.expr(list, ctx)?;
                self.expect_type_ctx(&list, ctx, &[SType::List], span, "a list")?;
                let slot = self.push_typed_local(ctx, var, element_type(&list));
                let filter = match filter {
                    Some(f) => {
                        let outer = std::mem::replace(&mut ctx.patterns_ok, true);
                        let pf = self.expr(f, ctx);
                        ctx.patterns_ok = outer;
                        Some(b(pf?))
                    }
                    None => None,
                };
                let map = match map {
                    Some(m) => Some(b(self.expr(m, ctx)?)),
                    None => None,
                };
                ctx.locals.pop();
                PExpr::ListComp {
                    slot,
                    list: b(list),
                    filter,
                    map,
                    span,
                }
            }
            ExprKind::Quantified {
                quantifier,
                var,
                list,
                filter,
            } => {
                let list = self.expr(list, ctx)?;
                self.expect_type_ctx(&list, ctx, &[SType::List], span, "a list")?;
                let slot = self.push_typed_local(ctx, var, element_type(&list));
                let filter = match filter {
                    Some(f) => {
                        let outer = std::mem::replace(&mut ctx.patterns_ok, true);
                        let pf = self.expr(f, ctx);
                        ctx.patterns_ok = outer;
                        Some(b(pf?))
                    }
                    None => None,
                };
                ctx.locals.pop();
                PExpr::Quantified {
                    quantifier: *quantifier,
                    slot,
                    list: b(list),
                    filter,
                    span,
                }
            }
            ExprKind::Reduce {
                acc,
                init,
                var,
                list,
                expr,
            } => {
                let init = self.expr(init, ctx)?;
                let list = self.expr(list, ctx)?;
                let acc_slot = self.push_local(ctx, acc);
                let slot = self.push_local(ctx, var);
                let body = self.expr(expr, ctx)?;
                ctx.locals.pop();
                ctx.locals.pop();
                let nests = wraps(&body, acc_slot, false);
                PExpr::Reduce {
                    acc: acc_slot,
                    init: b(init),
                    slot,
                    list: b(list),
                    expr: b(body),
                    span,
                    nests,
                }
            }
            ExprKind::Pattern(part) if ctx.patterns_ok => {
                self.pattern_expr(part, None, None, ctx)?
            }
            // Elsewhere a pattern is the list of its paths (`size((n)--())`).
            ExprKind::Pattern(part) => {
                // A name no query can write, for the path of each match.
                const PATH: &str = " path";
                let mut named = part.clone();
                named.var = Some(ast::Ident {
                    name: PATH.into(),
                    span,
                });
                let path = Expr::new(ExprKind::Var(PATH.into()), span);
                self.pattern_expr(&named, None, Some(&path), ctx)?
            }
            ExprKind::PatternComp {
                pattern,
                filter,
                map,
            } => self.pattern_expr(pattern, filter.as_deref(), Some(map), ctx)?,
            ExprKind::MapProjection { target, items } => {
                let t = self.expr(target, ctx)?;
                self.expect_type_ctx(
                    &t,
                    ctx,
                    &[SType::Node, SType::Rel, SType::Map],
                    target.span,
                    "a node, relationship or map",
                )?;
                let mut all = false;
                let mut entries = Vec::new();
                for item in items {
                    match item {
                        ast::MapProjItem::AllProperties => all = true,
                        ast::MapProjItem::Property(key) => {
                            self.check_key(&key.name, key.span);
                            entries.push((
                                key.name.clone(),
                                PExpr::Property(b(t.clone()), key.name.clone(), key.span),
                            ));
                        }
                        ast::MapProjItem::Literal(key, e) => {
                            entries.push((key.name.clone(), self.expr(e, ctx)?));
                        }
                        ast::MapProjItem::Variable(v) => {
                            entries.push((v.name.clone(), self.variable(&v.name, v.span, ctx)?));
                        }
                    }
                }
                PExpr::MapProjection {
                    target: b(t),
                    all,
                    entries,
                    span,
                }
            }
            ExprKind::Subquery { count, clauses } => {
                let width = ctx.next_slot();
                let mut vars = ctx.scope.vars.clone();
                vars.extend(ctx.locals.iter().cloned());
                let scope = Scope { vars, width };
                let plan = self.query(clauses, span, scope, false)?;
                PExpr::Subquery {
                    plan: Box::new(plan),
                    width,
                    count: *count,
                }
            }
            ExprKind::Exists(inner) => match &inner.kind {
                ExprKind::Pattern(part) => self.pattern_expr(part, None, None, ctx)?,
                ExprKind::Property(..) => PExpr::IsNull(b(self.expr(inner, ctx)?), true),
                _ => {
                    return Err(QueryError::semantic(
                        Code::InvalidArgumentType,
                        inner.span,
                        "exists() takes a property (`n.key`) or a pattern",
                    ));
                }
            },
        })
    }

    pub(super) fn push_local(&mut self, ctx: &mut ExprCtx<'_>, var: &ast::Ident) -> usize {
        self.push_typed_local(ctx, var, SType::Any)
    }

    pub(super) fn push_typed_local(
        &mut self,
        ctx: &mut ExprCtx<'_>,
        var: &ast::Ident,
        ty: SType,
    ) -> usize {
        let slot = ctx.next_slot();
        ctx.locals.push(Var {
            name: var.name.clone(),
            slot,
            ty,
        });
        slot
    }

    pub(super) fn variable(
        &mut self,
        name: &str,
        span: Span,
        ctx: &ExprCtx<'_>,
    ) -> Result<PExpr, QueryError> {
        if let Some(v) = ctx.locals.iter().rev().find(|v| v.name == name) {
            return Ok(PExpr::Var(v.slot));
        }
        if let Some(i) = ctx.columns.iter().position(|c| c.0 == name) {
            return Ok(PExpr::Column(i));
        }
        if ctx.scope_visible {
            if let Some(v) = ctx.scope.get(name) {
                return Ok(PExpr::Var(v.slot));
            }
        } else if ctx.scope.get(name).is_some() {
            return Err(QueryError::semantic(
                Code::UndefinedVariable,
                span,
                format!("`{name}` is not projected, so it cannot be used after DISTINCT or an aggregation"),
            )
            .with_help(format!("add `{name}` to the projection")));
        }
        let mut known: Vec<String> = ctx.scope.vars.iter().map(|v| v.name.clone()).collect();
        known.extend(ctx.locals.iter().map(|v| v.name.clone()));
        known.extend(ctx.columns.iter().map(|c| c.0.clone()));
        let hint = crate::suggest::nearest_one(name, &known);
        let err = QueryError::semantic(
            Code::UndefinedVariable,
            span,
            format!("variable `{name}` is not defined"),
        );
        Err(match hint {
            Some(h) => err.with_help(format!("did you mean `{h}`?")),
            None if known.is_empty() => err.with_help("bind it first, e.g. in MATCH or WITH"),
            None => err.with_help(format!("variables in scope: {}", known.join(", "))),
        })
    }

    pub(super) fn call(
        &mut self,
        name: &ast::Ident,
        distinct: bool,
        args: &[Expr],
        star: bool,
        span: Span,
        ctx: &mut ExprCtx<'_>,
    ) -> Result<PExpr, QueryError> {
        if let Some(func) = AggFunc::from_name(&name.name) {
            if ctx.in_agg {
                return Err(QueryError::semantic(
                    Code::NestedAggregation,
                    span,
                    "an aggregate cannot be inside another aggregate",
                ));
            }
            if ctx.aggs.is_none() {
                // Its arguments may be wrong in a way that says more.
                for a in args {
                    self.expr(a, ctx)?;
                }
                return Err(QueryError::semantic(
                    Code::InvalidAggregation,
                    span,
                    format!(
                        "{} cannot aggregate",
                        if ctx.no_agg.is_empty() {
                            "this expression"
                        } else {
                            ctx.no_agg
                        }
                    ),
                )
                .with_help("aggregate in the projection with `AS name`, then use the name"));
            }
            if !ctx.locals.is_empty() {
                return Err(QueryError::semantic(
                    Code::InvalidAggregation,
                    span,
                    "an aggregate cannot be inside a list comprehension or quantifier",
                ));
            }
            let (min, max) = func.arity();
            let n = if star { 0 } else { args.len() };
            if star && func != AggFunc::Count {
                return Err(QueryError::semantic(
                    Code::InvalidArgumentType,
                    span,
                    format!("only count takes `*`, not {}", name.name),
                ));
            }
            if !star && (n < min || n > max) {
                return Err(arity_error(&name.name, min, max, span));
            }
            let mut planned = Vec::new();
            ctx.in_agg = true;
            let columns = std::mem::take(&mut ctx.columns);
            let visible = ctx.scope_visible;
            ctx.scope_visible = true;
            for a in args {
                let pa = self.expr(a, ctx);
                match pa {
                    Ok(pa) => planned.push(pa),
                    Err(e) => {
                        ctx.in_agg = false;
                        ctx.columns = columns;
                        ctx.scope_visible = visible;
                        return Err(e);
                    }
                }
            }
            ctx.in_agg = false;
            ctx.columns = columns;
            ctx.scope_visible = visible;
            if func.percentile()
                && let Some(PExpr::Const(v)) = planned.get(1)
                && !matches!(v, Value::Int(_) | Value::Float(_) | Value::Null)
            {
                return Err(QueryError::semantic(
                    Code::InvalidArgumentType,
                    // `planned` has a second argument, so `args` has too.
                    args[1].span,
                    "a percentile must be a number",
                ));
            }
            if planned.iter().any(uses_rand) {
                return Err(QueryError::semantic(
                    Code::NonConstantExpression,
                    span,
                    "an aggregate's argument cannot be random",
                ));
            }
            let aggs = ctx.aggs.as_deref_mut().map_or(0, |a| {
                a.push(AggSpec {
                    func: if star { AggFunc::CountStar } else { func },
                    distinct,
                    args: planned,
                    span,
                });
                a.len() - 1
            });
            return Ok(PExpr::Agg(aggs));
        }
        let Some(func) = Func::from_name(&name.name) else {
            let err = QueryError::semantic(
                Code::UnknownFunction,
                name.span,
                format!("unknown function `{}`", name.name),
            );
            return Err(super::warnings::with_nearest(
                err,
                &name.name,
                Func::names(),
            ));
        };
        if star {
            return Err(QueryError::syntax(
                Code::UnexpectedSyntax,
                span,
                format!("only count takes `*`, not {}", name.name),
            ));
        }
        let (min, max) = func.arity();
        if args.len() < min || args.len() > max {
            return Err(arity_error(&name.name, min, max, span));
        }
        // A pattern argument is a list of paths (`size((n)--())`), not a
        // predicate.
        let outer = std::mem::replace(&mut ctx.patterns_ok, false);
        let mut planned = Vec::new();
        for a in args {
            match self.expr(a, ctx) {
                Ok(pa) => planned.push(pa),
                Err(e) => {
                    ctx.patterns_ok = outer;
                    return Err(e);
                }
            }
        }
        ctx.patterns_ok = outer;
        for (i, (a, pa)) in args.iter().zip(&planned).enumerate() {
            let allowed = func.accepts(i);
            if !allowed.is_empty() {
                self.expect_type_ctx(
                    pa,
                    ctx,
                    allowed,
                    a.span,
                    &format!("an argument {} takes", name.name),
                )?;
            }
        }
        Ok(PExpr::Call(func, planned, span))
    }

    pub(super) fn pattern_expr(
        &mut self,
        part: &ast::PatternPart,
        filter: Option<&Expr>,
        map: Option<&Expr>,
        ctx: &mut ExprCtx<'_>,
    ) -> Result<PExpr, QueryError> {
        // The pattern sees the row and the comprehension variables as one
        // scope; its own new variables come after them.
        let base = ctx.next_slot();
        let mut vars = ctx.scope.vars.clone();
        vars.extend(ctx.locals.iter().cloned());
        if map.is_none() {
            // A pattern predicate only tests what is bound (openCypher).
            let named = part.nodes.iter().filter_map(|n| n.var.as_ref());
            let named = named.chain(part.rels.iter().filter_map(|r| r.var.as_ref()));
            for v in named {
                if !vars.iter().any(|x| x.name == v.name) {
                    return Err(QueryError::semantic(
                        Code::UndefinedVariable,
                        v.span,
                        format!(
                            "variable `{}` is not defined: a pattern predicate cannot introduce new variables",
                            v.name
                        ),
                    )
                    .with_help("bind it in MATCH first, or use a pattern comprehension"));
                }
            }
        }
        let mut scope = Scope { vars, width: base };
        let p = self.pattern_part(part, &mut scope, false)?;
        if map.is_none() && p.path_slot.is_some() {
            return Err(QueryError::semantic(
                Code::UnexpectedSyntax,
                part.span,
                "a pattern predicate cannot name its path",
            ));
        }
        let width = scope.width;
        let mut inner = ExprCtx {
            scope: &scope,
            locals: Vec::new(),
            aggs: None,
            no_agg: "a pattern comprehension",
            columns: &[],
            scope_visible: true,
            in_agg: false,
            patterns_ok: true,
        };
        let filter = match filter {
            Some(f) => Some(Box::new(self.expr(f, &mut inner)?)),
            None => None,
        };
        let map = match map {
            Some(m) => Some(Box::new(self.expr(m, &mut inner)?)),
            None => None,
        };
        Ok(PExpr::Pattern {
            part: Box::new(p),
            base,
            width,
            filter,
            map,
        })
    }
}

fn uses_rand(e: &PExpr) -> bool {
    match e {
        PExpr::Call(Func::Rand, ..) => true,
        PExpr::Call(_, args, _) => args.iter().any(uses_rand),
        PExpr::Binary(_, a, b, _) => uses_rand(a) || uses_rand(b),
        PExpr::Not(a, _) | PExpr::Neg(a, _) => uses_rand(a),
        _ => false,
    }
}

fn arity_error(name: &str, min: usize, max: usize, span: Span) -> QueryError {
    let want = if min == max {
        format!("{min}")
    } else if max == usize::MAX {
        format!("at least {min}")
    } else {
        format!("{min} to {max}")
    };
    QueryError::semantic(
        Code::InvalidArgumentType,
        span,
        format!(
            "{name} takes {want} argument{}",
            if want == "1" { "" } else { "s" }
        ),
    )
}
