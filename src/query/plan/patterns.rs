//! MATCH and CREATE patterns: variables bound to row slots, types checked.

use std::collections::HashSet;

use super::super::ast::{self, Dir, Expr, ExprKind};
use super::super::error::{Code, QueryError, Span};
use super::rewrite::push_down;
use super::{MatchPlan, NodePlan, PartPlan, Planner, Props, RelPlan, SType, Scope, Var};

impl Planner<'_> {
    pub(super) fn match_clause(
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

    pub(super) fn bind(&mut self, scope: &mut Scope, var: &ast::Ident, ty: SType) -> usize {
        let slot = scope.width;
        scope.vars.push(Var {
            name: var.name.clone(),
            slot,
            ty,
        });
        scope.width += 1;
        slot
    }

    pub(super) fn pattern_part(
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
                span: r.span,
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
        if p.shortest.is_some() && (rels.len() != 1 || create) {
            return Err(QueryError::semantic(
                Code::UnexpectedSyntax,
                p.span,
                "a shortest path pattern needs exactly one relationship, such as `(a)-[*]-(b)`",
            ));
        }
        if p.shortest.is_some()
            && let Some(r) = rels.first()
            && r.length.is_none_or(|(min, _)| min > 1)
        {
            return Err(QueryError::semantic(
                Code::UnexpectedSyntax,
                r.span,
                "a shortest path needs a variable-length relationship from 0 or 1 hops",
            )
            .with_help("write `-[*]-` or `-[*..n]-`; filter on `length(p)` for longer ones"));
        }
        Ok(PartPlan {
            shortest: p.shortest,
            path_slot,
            nodes,
            rels,
        })
    }

    pub(super) fn props(
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

    pub(super) fn create_clause(
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
}

pub(super) fn already_bound(v: &ast::Ident) -> QueryError {
    QueryError::semantic(
        Code::VariableAlreadyBound,
        v.span,
        format!("variable `{}` is already bound", v.name),
    )
    .with_help("use a new name")
}

pub(super) fn type_conflict(v: &ast::Ident, has: SType, wanted: &str) -> QueryError {
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
