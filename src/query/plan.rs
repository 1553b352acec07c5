//! The planner: checks a parsed query and turns it into steps over rows.
//!
//! Rows are vectors of values; every variable gets a fixed slot, so
//! evaluation never looks a name up. The planner is also where semantic
//! errors are found (undefined variables, a node variable used as a
//! relationship, misplaced aggregation, literals of the wrong type) and
//! where names the loaded graph does not have are warned about.

use std::collections::HashSet;

use super::ast::{self, BinaryOp, Clause, Dir, Expr, ExprKind, Literal, Quantifier, UnaryOp};
use super::error::{Code, QueryError, Span};
use super::functions::{AggFunc, Func};
use super::graph::QueryGraph;
use super::lexer::{Tok, lex};
use super::value::Value;
use super::{Params, Warning};

/// What the planner knows of a value's type before running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SType {
    Any,
    Null,
    Bool,
    Int,
    Float,
    String,
    List,
    Map,
    Node,
    Rel,
    Path,
}

impl SType {
    fn of(v: &Value) -> SType {
        match v {
            Value::Null => SType::Null,
            Value::Bool(_) => SType::Bool,
            Value::Int(_) => SType::Int,
            Value::Float(_) => SType::Float,
            Value::String(_) => SType::String,
            Value::List(_) => SType::List,
            Value::Map(_) => SType::Map,
            Value::Node(_) => SType::Node,
            Value::Rel(_) => SType::Rel,
            Value::Path(_) => SType::Path,
        }
    }

    fn name(self) -> &'static str {
        match self {
            SType::Any => "any value",
            SType::Null => "null",
            SType::Bool => "a boolean",
            SType::Int => "an integer",
            SType::Float => "a float",
            SType::String => "a string",
            SType::List => "a list",
            SType::Map => "a map",
            SType::Node => "a node",
            SType::Rel => "a relationship",
            SType::Path => "a path",
        }
    }
}

/// A planned expression: variables are slots, functions are resolved.
#[derive(Debug, Clone)]
pub(crate) enum PExpr {
    Const(Value),
    /// A slot of the row, or a comprehension variable past its end.
    Var(usize),
    /// A column of the projection being computed (`ORDER BY alias`).
    Column(usize),
    /// The value of an aggregate of the projection being computed.
    Agg(usize),
    List(Vec<PExpr>),
    Map(Vec<(String, PExpr)>),
    Property(Box<PExpr>, String, Span),
    Index(Box<PExpr>, Box<PExpr>, Span),
    Slice(Box<PExpr>, Option<Box<PExpr>>, Option<Box<PExpr>>, Span),
    HasLabels(Box<PExpr>, Vec<String>, Span),
    Not(Box<PExpr>, Span),
    Neg(Box<PExpr>, Span),
    Binary(BinaryOp, Box<PExpr>, Box<PExpr>, Span),
    IsNull(Box<PExpr>, bool),
    Call(Func, Vec<PExpr>, Span),
    Case {
        subject: Option<Box<PExpr>>,
        arms: Vec<(PExpr, PExpr)>,
        otherwise: Option<Box<PExpr>>,
    },
    ListComp {
        slot: usize,
        list: Box<PExpr>,
        filter: Option<Box<PExpr>>,
        map: Option<Box<PExpr>>,
        span: Span,
    },
    Quantified {
        quantifier: Quantifier,
        slot: usize,
        list: Box<PExpr>,
        filter: Option<Box<PExpr>>,
        span: Span,
    },
    Reduce {
        acc: usize,
        init: Box<PExpr>,
        slot: usize,
        list: Box<PExpr>,
        expr: Box<PExpr>,
        span: Span,
        /// The body wraps the accumulator in a list or map, so each step
        /// can nest the value one level deeper.
        nests: bool,
    },
    /// A pattern predicate (`map` is `None`) or comprehension. `base` is the
    /// number of slots (row and comprehension variables) in scope; the
    /// pattern's new variables come after.
    Pattern {
        part: Box<PartPlan>,
        base: usize,
        width: usize,
        filter: Option<Box<PExpr>>,
        map: Option<Box<PExpr>>,
    },
}

/// Property constraints of a node or relationship pattern.
#[derive(Debug, Clone)]
pub(crate) enum Props {
    None,
    Map(Vec<(String, PExpr)>),
    Expr(PExpr),
}

#[derive(Debug, Clone)]
pub(crate) struct NodePlan {
    pub slot: Option<usize>,
    pub labels: Vec<String>,
    pub props: Props,
}

#[derive(Debug, Clone)]
pub(crate) struct RelPlan {
    pub slot: Option<usize>,
    pub types: Vec<String>,
    pub dir: Dir,
    /// `(min, max)` hops of a variable-length relationship.
    pub length: Option<(u64, Option<u64>)>,
    pub props: Props,
}

#[derive(Debug, Clone)]
pub(crate) struct PartPlan {
    pub path_slot: Option<usize>,
    pub nodes: Vec<NodePlan>,
    pub rels: Vec<RelPlan>,
}

#[derive(Debug, Clone)]
pub(crate) struct MatchPlan {
    pub optional: bool,
    pub span: Span,
    pub parts: Vec<PartPlan>,
    pub filter: Option<PExpr>,
    pub width_in: usize,
    pub width_out: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct AggSpec {
    pub func: AggFunc,
    pub distinct: bool,
    pub args: Vec<PExpr>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub(crate) struct ProjectPlan {
    pub distinct: bool,
    pub items: Vec<PExpr>,
    /// Indices of items that group (all items when nothing aggregates).
    pub keys: Vec<usize>,
    pub aggregating: bool,
    pub aggs: Vec<AggSpec>,
    pub order: Vec<(PExpr, bool)>,
    pub skip: Option<(PExpr, Span)>,
    pub limit: Option<(PExpr, Span)>,
    pub filter: Option<PExpr>,
}

#[derive(Debug, Clone)]
pub(crate) enum Step {
    Match(MatchPlan),
    Unwind {
        expr: PExpr,
        span: Span,
    },
    Project(Box<ProjectPlan>),
    Create {
        parts: Vec<PartPlan>,
        width_out: usize,
    },
}

/// A query ready to run over rows.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub steps: Vec<Step>,
    pub columns: Vec<String>,
    pub warnings: Vec<Warning>,
    /// Whether the query writes (`CREATE`).
    pub updating: bool,
    /// The first `CREATE` clause, for the error on a read-only graph.
    pub create_span: Option<Span>,
}

#[derive(Debug, Clone)]
struct Var {
    name: String,
    slot: usize,
    ty: SType,
}

/// The variables visible to an expression.
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
    warnings: Vec<Warning>,
    warned: HashSet<String>,
    known_keys: Option<Vec<String>>,
}

/// Plans a parsed query. `graph` is used only for warnings about names it
/// does not have.
pub(crate) fn plan(
    query: &ast::Query,
    text: &str,
    params: &Params,
    graph: Option<&dyn QueryGraph>,
) -> Result<Plan, QueryError> {
    let mut p = Planner {
        text,
        params,
        graph,
        warnings: Vec::new(),
        warned: HashSet::new(),
        known_keys: None,
    };
    p.query(query)
}

fn is_aggregate_name(name: &str) -> bool {
    AggFunc::from_name(name).is_some()
}

fn contains_aggregate(e: &Expr) -> bool {
    if let ExprKind::Call { name, .. } = &e.kind
        && is_aggregate_name(&name.name)
    {
        return true;
    }
    let mut found = false;
    e.for_each_child(&mut |c| found = found || contains_aggregate(c));
    found
}

impl<'a> Planner<'a> {
    fn tokens(&self, span: Span) -> Vec<Tok> {
        let text = self.text.get(span.start..span.end).unwrap_or("");
        lex(text)
            .map(|ts| ts.into_iter().map(|t| t.tok).collect())
            .unwrap_or_default()
    }

    fn warn(&mut self, key: String, message: String, help: Option<String>, span: Span) {
        if self.warned.insert(key) {
            self.warnings.push(Warning {
                message,
                help,
                span,
            });
        }
    }

    fn check_label(&mut self, label: &ast::Ident) {
        let Some(g) = self.graph else { return };
        if g.label(&label.name).is_some() {
            return;
        }
        let names = g.label_names();
        let hint = did_you_mean(&label.name, &names, true);
        self.warn(
            format!("label:{}", label.name),
            format!(
                "the graph has no label `{}`, so this matches nothing",
                label.name
            ),
            hint,
            label.span,
        );
    }

    fn check_type(&mut self, t: &ast::Ident) {
        let Some(g) = self.graph else { return };
        if g.rel_type(&t.name).is_some() {
            return;
        }
        let names = g.type_names();
        let hint = did_you_mean(&t.name, &names, true);
        self.warn(
            format!("type:{}", t.name),
            format!(
                "the graph has no relationship type `{}`, so this matches nothing",
                t.name
            ),
            hint,
            t.span,
        );
    }

    fn check_key(&mut self, key: &str, span: Span) {
        let Some(g) = self.graph else { return };
        if g.has_property_key(key) {
            return;
        }
        let keys = self.known_keys.get_or_insert_with(|| g.property_keys());
        let hint = did_you_mean(key, keys, false);
        self.warn(
            format!("key:{key}"),
            format!("no node or relationship in the graph has a property `{key}`, so it is null everywhere"),
            hint,
            span,
        );
    }

    fn query(&mut self, q: &ast::Query) -> Result<Plan, QueryError> {
        let mut scope = Scope {
            vars: Vec::new(),
            width: 0,
        };
        let mut steps = Vec::new();
        let mut columns = Vec::new();
        let mut updating = false;
        let mut create_span = None;
        let n = q.clauses.len();
        for (i, clause) in q.clauses.iter().enumerate() {
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
                            q.clauses[i + 1].span(),
                            "expected the end of the query after `RETURN`",
                        ));
                    }
                    let (plan, _, names) = self.projection(p, &scope, false)?;
                    steps.push(Step::Project(Box::new(plan)));
                    columns = names;
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
            if last && !matches!(clause, Clause::Return(_)) && !updating {
                return Err(QueryError::syntax(
                    Code::UnexpectedSyntax,
                    Span::new(q.span.end, q.span.end),
                    "expected `RETURN` at the end of the query",
                ));
            }
        }
        Ok(Plan {
            steps,
            columns,
            warnings: std::mem::take(&mut self.warnings),
            updating,
            create_span,
        })
    }

    // ---- patterns ----

    fn match_clause(
        &mut self,
        optional: bool,
        span: Span,
        patterns: &[ast::PatternPart],
        filter: Option<&Expr>,
        scope: &mut Scope,
    ) -> Result<MatchPlan, QueryError> {
        let width_in = scope.width;
        // A relationship variable may appear once per MATCH.
        let mut rel_vars = HashSet::new();
        for p in patterns {
            for r in &p.rels {
                if let Some(v) = &r.var
                    && !rel_vars.insert(v.name.clone())
                    && scope.get(&v.name).is_none_or(|x| x.slot >= width_in)
                {
                    return Err(QueryError::semantic(
                        Code::RelationshipUniquenessViolation,
                        v.span,
                        format!(
                            "relationship variable `{}` is used twice in one pattern, but a relationship can be matched only once",
                            v.name
                        ),
                    ));
                }
            }
        }
        let mut parts = Vec::new();
        for p in patterns {
            parts.push(self.pattern_part(p, scope, false)?);
        }
        let filter = match filter {
            Some(f) => Some(self.predicate(f, scope)?),
            None => None,
        };
        if let Some(f) = &filter {
            push_down(f, &mut parts, width_in, scope);
        }
        Ok(MatchPlan {
            optional,
            span,
            parts,
            filter,
            width_in,
            width_out: scope.width,
        })
    }

    fn bind(&mut self, scope: &mut Scope, var: &ast::Ident, ty: SType) -> usize {
        let slot = scope.width;
        scope.vars.push(Var {
            name: var.name.clone(),
            slot,
            ty,
        });
        scope.width += 1;
        slot
    }

    fn pattern_part(
        &mut self,
        p: &ast::PatternPart,
        scope: &mut Scope,
        create: bool,
    ) -> Result<PartPlan, QueryError> {
        if let Some(v) = &p.var
            && scope.get(&v.name).is_some()
        {
            return Err(already_bound(v));
        }
        let mut nodes = Vec::new();
        for n in &p.nodes {
            for l in &n.labels {
                if !create {
                    self.check_label(l);
                }
            }
            let props = self.props(n.props.as_ref(), scope, create)?;
            let slot = match &n.var {
                None => None,
                Some(v) => match scope.get(&v.name) {
                    Some(existing) => {
                        if !matches!(existing.ty, SType::Node | SType::Any | SType::Null) {
                            return Err(type_conflict(v, existing.ty, "a node"));
                        }
                        if create && (!n.labels.is_empty() || n.props.is_some()) {
                            return Err(already_bound(v));
                        }
                        Some(existing.slot)
                    }
                    None => Some(self.bind(scope, v, SType::Node)),
                },
            };
            nodes.push(NodePlan {
                slot,
                labels: n.labels.iter().map(|l| l.name.clone()).collect(),
                props,
            });
        }
        let mut rels = Vec::new();
        for r in &p.rels {
            for t in &r.types {
                if !create {
                    self.check_type(t);
                }
            }
            let length = r.length.map(|(min, max)| (min.unwrap_or(1), max));
            if create {
                if r.types.len() != 1 {
                    return Err(QueryError::semantic(
                        Code::UnexpectedSyntax,
                        r.span,
                        "a created relationship needs exactly one type",
                    ));
                }
                if r.dir == Dir::Both {
                    return Err(QueryError::semantic(
                        Code::UnexpectedSyntax,
                        r.span,
                        "a created relationship needs a direction",
                    ));
                }
            }
            let props = self.props(r.props.as_ref(), scope, create)?;
            let want = if length.is_some() {
                SType::List
            } else {
                SType::Rel
            };
            let slot = match &r.var {
                None => None,
                Some(v) => match scope.get(&v.name) {
                    Some(existing) => {
                        if create {
                            return Err(already_bound(v));
                        }
                        if !(existing.ty == want || matches!(existing.ty, SType::Any | SType::Null))
                        {
                            return Err(type_conflict(v, existing.ty, "a relationship"));
                        }
                        Some(existing.slot)
                    }
                    None => Some(self.bind(scope, v, want)),
                },
            };
            rels.push(RelPlan {
                slot,
                types: r.types.iter().map(|t| t.name.clone()).collect(),
                dir: r.dir,
                length,
                props,
            });
        }
        if let Some(v) = &p.var {
            let clash = p
                .nodes
                .iter()
                .filter_map(|n| n.var.as_ref())
                .chain(p.rels.iter().filter_map(|r| r.var.as_ref()))
                .any(|x| x.name == v.name);
            if clash {
                return Err(QueryError::semantic(
                    Code::VariableAlreadyBound,
                    v.span,
                    format!("`{}` names both the path and an element of it", v.name),
                )
                .with_help("give the path its own name"));
            }
        }
        let path_slot = p.var.as_ref().map(|v| self.bind(scope, v, SType::Path));
        Ok(PartPlan {
            path_slot,
            nodes,
            rels,
        })
    }

    fn props(
        &mut self,
        props: Option<&Expr>,
        scope: &Scope,
        create: bool,
    ) -> Result<Props, QueryError> {
        match props {
            None => Ok(Props::None),
            Some(Expr {
                kind: ExprKind::Map(entries),
                ..
            }) => {
                let mut out = Vec::new();
                for (k, v) in entries {
                    if !create {
                        self.check_key(&k.name, k.span);
                    }
                    out.push((k.name.clone(), self.expr_in(v, scope, "a pattern")?));
                }
                Ok(Props::Map(out))
            }
            Some(e) if create => Ok(Props::Expr(self.expr_in(e, scope, "a pattern")?)),
            Some(e) => Err(QueryError::semantic(
                Code::InvalidParameterUse,
                e.span,
                "a parameter cannot stand for the properties of a pattern in MATCH",
            )
            .with_help("write the properties as a map: `(n {key: $value})`")),
        }
    }

    fn create_clause(
        &mut self,
        patterns: &[ast::PatternPart],
        scope: &mut Scope,
    ) -> Result<Vec<PartPlan>, QueryError> {
        let mut parts = Vec::new();
        for p in patterns {
            parts.push(self.pattern_part(p, scope, true)?);
        }
        Ok(parts)
    }

    // ---- projections ----

    /// Plans `WITH` or `RETURN`: the plan, the scope after it, the column names.
    fn projection(
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
                self.check_ambiguous(e, &key_texts, &key_vars, &mut Vec::new(), false)?;
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
                self.check_ambiguous(&s.expr, &keys_for_order, &names, &mut Vec::new(), true)?;
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
            },
            new_scope,
            names,
        ))
    }

    /// An expression outside any aggregate in an aggregating projection may
    /// only use what is grouped on.
    /// `order_by`: checking an ORDER BY item, where only the projected
    /// columns are in scope.
    fn check_ambiguous(
        &self,
        e: &Expr,
        keys: &[Vec<Tok>],
        key_vars: &[String],
        locals: &mut Vec<String>,
        order_by: bool,
    ) -> Result<(), QueryError> {
        match &e.kind {
            ExprKind::Call { name, .. } if is_aggregate_name(&name.name) => return Ok(()),
            ExprKind::Var(v) => {
                if locals.contains(v) || key_vars.contains(v) {
                    return Ok(());
                }
                if order_by {
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
            if order_by {
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
    fn count_expr(&mut self, e: &Expr, clause: &'static str) -> Result<PExpr, QueryError> {
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

    // ---- expressions ----

    /// An expression where aggregation is not allowed.
    fn expr_in(
        &mut self,
        e: &Expr,
        scope: &Scope,
        clause: &'static str,
    ) -> Result<PExpr, QueryError> {
        self.expr_where(e, scope, clause, false)
    }

    /// As [`Planner::expr_in`]; `patterns_ok` when a pattern may stand as a
    /// predicate (WHERE).
    fn expr_where(
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
    fn predicate(&mut self, e: &Expr, scope: &Scope) -> Result<PExpr, QueryError> {
        let pe = self.expr_where(e, scope, "WHERE", true)?;
        self.expect_type(&pe, scope, &[SType::Bool], e.span, "a condition")?;
        Ok(pe)
    }

    /// The static type of a planned expression, as far as it is known.
    fn stype(&self, e: &PExpr, scope: &Scope) -> SType {
        match e {
            PExpr::Const(v) => SType::of(v),
            PExpr::Var(slot) => scope
                .vars
                .iter()
                .rev()
                .find(|v| v.slot == *slot)
                .map_or(SType::Any, |v| v.ty),
            PExpr::List(_) | PExpr::ListComp { .. } | PExpr::Slice(..) => SType::List,
            PExpr::Map(_) => SType::Map,
            PExpr::Not(..)
            | PExpr::IsNull(..)
            | PExpr::HasLabels(..)
            | PExpr::Quantified { .. } => SType::Bool,
            PExpr::Binary(
                BinaryOp::Or
                | BinaryOp::Xor
                | BinaryOp::And
                | BinaryOp::Eq
                | BinaryOp::Ne
                | BinaryOp::Lt
                | BinaryOp::Gt
                | BinaryOp::Le
                | BinaryOp::Ge
                | BinaryOp::In
                | BinaryOp::StartsWith
                | BinaryOp::EndsWith
                | BinaryOp::Contains
                | BinaryOp::Regex,
                ..,
            ) => SType::Bool,
            PExpr::Call(f, ..) => f.returns(),
            PExpr::Pattern { map: None, .. } => SType::Bool,
            PExpr::Pattern { .. } => SType::List,
            _ => SType::Any,
        }
    }

    fn expect_type(
        &self,
        e: &PExpr,
        scope: &Scope,
        allowed: &[SType],
        span: Span,
        what: &str,
    ) -> Result<(), QueryError> {
        let t = self.stype(e, scope);
        if t == SType::Any || t == SType::Null || allowed.contains(&t) {
            return Ok(());
        }
        Err(QueryError::semantic(
            Code::InvalidArgumentType,
            span,
            format!("expected {what}, but this is {}", t.name()),
        ))
    }

    fn expr(&mut self, e: &Expr, ctx: &mut ExprCtx<'_>) -> Result<PExpr, QueryError> {
        super::with_stack(|| self.expr_inner(e, ctx))
    }

    fn expr_inner(&mut self, e: &Expr, ctx: &mut ExprCtx<'_>) -> Result<PExpr, QueryError> {
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
            ExprKind::Pattern(part) => {
                if !ctx.patterns_ok {
                    return Err(QueryError::syntax(
                        Code::UnexpectedSyntax,
                        span,
                        "a pattern can only be a predicate in WHERE or exists()",
                    ));
                }
                self.pattern_expr(part, None, None, ctx)?
            }
            ExprKind::PatternComp {
                pattern,
                filter,
                map,
            } => self.pattern_expr(pattern, filter.as_deref(), Some(map), ctx)?,
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

    fn stype_ctx(&self, e: &PExpr, ctx: &ExprCtx<'_>) -> SType {
        match e {
            PExpr::Var(slot) if *slot >= ctx.scope.width => ctx
                .locals
                .iter()
                .rev()
                .find(|v| v.slot == *slot)
                .map_or(SType::Any, |v| v.ty),
            PExpr::Column(i) => ctx.columns.get(*i).map_or(SType::Any, |c| c.2),
            _ => self.stype(e, ctx.scope),
        }
    }

    fn expect_type_ctx(
        &self,
        e: &PExpr,
        ctx: &ExprCtx<'_>,
        allowed: &[SType],
        span: Span,
        what: &str,
    ) -> Result<(), QueryError> {
        let t = self.stype_ctx(e, ctx);
        if t == SType::Any || t == SType::Null || allowed.contains(&t) {
            return Ok(());
        }
        Err(QueryError::semantic(
            Code::InvalidArgumentType,
            span,
            format!("expected {what}, but this is {}", t.name()),
        ))
    }

    fn push_local(&mut self, ctx: &mut ExprCtx<'_>, var: &ast::Ident) -> usize {
        self.push_typed_local(ctx, var, SType::Any)
    }

    fn push_typed_local(&mut self, ctx: &mut ExprCtx<'_>, var: &ast::Ident, ty: SType) -> usize {
        let slot = ctx.next_slot();
        ctx.locals.push(Var {
            name: var.name.clone(),
            slot,
            ty,
        });
        slot
    }

    fn variable(&mut self, name: &str, span: Span, ctx: &ExprCtx<'_>) -> Result<PExpr, QueryError> {
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

    fn call(
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
            let hint = crate::suggest::nearest_one(&name.name, Func::names());
            let err = QueryError::semantic(
                Code::UnknownFunction,
                name.span,
                format!("unknown function `{}`", name.name),
            );
            return Err(match hint {
                Some(h) => err.with_help(format!("did you mean `{h}`?")),
                None => err,
            });
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
        let mut planned = Vec::new();
        for a in args {
            planned.push(self.expr(a, ctx)?);
        }
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

    fn pattern_expr(
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

/// A list literal of constants is a constant.
fn fold_list(items: Vec<PExpr>) -> PExpr {
    if items.iter().all(|i| matches!(i, PExpr::Const(_))) {
        PExpr::Const(Value::List(
            items
                .into_iter()
                .map(|i| match i {
                    PExpr::Const(v) => v,
                    _ => Value::Null,
                })
                .collect(),
        ))
    } else {
        PExpr::List(items)
    }
}

/// Copies the conjuncts of a MATCH's WHERE that constrain one new node,
/// `n.key = constant` and `n:Label`, into the node's pattern, so matching
/// can start from an index or a small label and check them while it walks.
/// The WHERE still runs: this only prunes earlier.
fn push_down(filter: &PExpr, parts: &mut [PartPlan], width_in: usize, scope: &Scope) {
    let is_node = |slot: usize| {
        slot >= width_in
            && scope
                .vars
                .iter()
                .any(|v| v.slot == slot && v.ty == SType::Node)
    };
    let mut conjuncts = vec![filter];
    while let Some(c) = conjuncts.pop() {
        match c {
            PExpr::Binary(BinaryOp::And, a, b, _) => {
                conjuncts.push(a);
                conjuncts.push(b);
            }
            PExpr::Binary(BinaryOp::Eq, a, b, _) => {
                let (target, value) = match (a.as_ref(), b.as_ref()) {
                    (PExpr::Property(t, key, _), PExpr::Const(v))
                    | (PExpr::Const(v), PExpr::Property(t, key, _)) => ((t, key), v),
                    _ => continue,
                };
                let PExpr::Var(slot) = target.0.as_ref() else {
                    continue;
                };
                if !is_node(*slot) {
                    continue;
                }
                for n in parts.iter_mut().flat_map(|p| p.nodes.iter_mut()) {
                    if n.slot == Some(*slot) {
                        let entry = (target.1.clone(), PExpr::Const(value.clone()));
                        match &mut n.props {
                            Props::Map(entries) => entries.push(entry),
                            p @ Props::None => *p = Props::Map(vec![entry]),
                            Props::Expr(_) => {}
                        }
                    }
                }
            }
            PExpr::HasLabels(target, labels, _) => {
                let PExpr::Var(slot) = target.as_ref() else {
                    continue;
                };
                if !is_node(*slot) {
                    continue;
                }
                for n in parts.iter_mut().flat_map(|p| p.nodes.iter_mut()) {
                    if n.slot == Some(*slot) {
                        n.labels.extend(labels.iter().cloned());
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether `slot` is read inside a list or map built by `e` (`inside`:
/// already under one).
fn wraps(e: &PExpr, slot: usize, inside: bool) -> bool {
    let w = |x: &PExpr, inside| wraps(x, slot, inside);
    match e {
        PExpr::Var(s) => inside && *s == slot,
        PExpr::Const(_) | PExpr::Column(_) | PExpr::Agg(_) => false,
        PExpr::List(items) => items.iter().any(|i| w(i, true)),
        PExpr::Map(entries) => entries.iter().any(|(_, v)| w(v, true)),
        PExpr::ListComp {
            list, filter, map, ..
        } => {
            w(list, inside)
                || filter.as_deref().is_some_and(|f| w(f, inside))
                || map.as_deref().is_some_and(|m| w(m, true))
        }
        PExpr::Property(a, ..) | PExpr::HasLabels(a, ..) | PExpr::Not(a, _) | PExpr::Neg(a, _) => {
            w(a, inside)
        }
        PExpr::IsNull(a, _) => w(a, inside),
        PExpr::Index(a, b, _) | PExpr::Binary(_, a, b, _) => w(a, inside) || w(b, inside),
        PExpr::Slice(a, b, c, _) => {
            w(a, inside)
                || b.as_deref().is_some_and(|x| w(x, inside))
                || c.as_deref().is_some_and(|x| w(x, inside))
        }
        PExpr::Call(_, args, _) => args.iter().any(|a| w(a, inside)),
        PExpr::Case {
            subject,
            arms,
            otherwise,
        } => {
            subject.as_deref().is_some_and(|x| w(x, inside))
                || arms.iter().any(|(a, b)| w(a, inside) || w(b, inside))
                || otherwise.as_deref().is_some_and(|x| w(x, inside))
        }
        PExpr::Quantified { list, filter, .. } => {
            w(list, inside) || filter.as_deref().is_some_and(|f| w(f, inside))
        }
        PExpr::Reduce {
            init, list, expr, ..
        } => w(init, inside) || w(list, inside) || w(expr, inside),
        // A pattern comprehension collects whatever its map reads.
        PExpr::Pattern { .. } => true,
    }
}

/// The type of every element of a constant list, when they share one.
fn element_type(list: &PExpr) -> SType {
    match list {
        PExpr::Const(Value::List(items)) => {
            let mut types = items.iter().map(SType::of);
            match types.next() {
                Some(first) if types.all(|t| t == first) && first != SType::Null => first,
                _ => SType::Any,
            }
        }
        _ => SType::Any,
    }
}

/// A map literal of constants is a constant.
fn fold_map(entries: Vec<(String, PExpr)>) -> PExpr {
    if entries.iter().all(|(_, v)| matches!(v, PExpr::Const(_))) {
        PExpr::Const(Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| match v {
                    PExpr::Const(v) => (k, v),
                    _ => (k, Value::Null),
                })
                .collect(),
        ))
    } else {
        PExpr::Map(entries)
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

fn already_bound(v: &ast::Ident) -> QueryError {
    QueryError::semantic(
        Code::VariableAlreadyBound,
        v.span,
        format!("variable `{}` is already bound", v.name),
    )
    .with_help("use a new name")
}

fn type_conflict(v: &ast::Ident, has: SType, wanted: &str) -> QueryError {
    QueryError::semantic(
        Code::VariableTypeConflict,
        v.span,
        format!(
            "`{}` is {}, so it cannot be used as {wanted}",
            v.name,
            has.name()
        ),
    )
}

/// "did you mean `x`?", or, when nothing is near and `list_all`, every name.
fn did_you_mean(word: &str, names: &[String], list_all: bool) -> Option<String> {
    match crate::suggest::nearest(word, names.iter().map(String::as_str), 3).as_slice() {
        [] if names.is_empty() || !list_all => None,
        [] => Some(format!("the graph has: {}", names.join(", "))),
        near => Some(format!(
            "did you mean {}?",
            near.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        )),
    }
}

impl Clause {
    /// The clause's text.
    pub fn span(&self) -> Span {
        match self {
            Clause::Match { span, .. }
            | Clause::Unwind { span, .. }
            | Clause::Create { span, .. } => *span,
            Clause::With(p) | Clause::Return(p) => p.span,
        }
    }
}
