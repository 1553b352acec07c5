//! What is known of an expression's type before running, and the type
//! errors that knowledge finds.

use super::super::ast::BinaryOp;
use super::super::error::{Code, QueryError, Span};
use super::super::value::Value;
use super::{ExprCtx, PExpr, Planner, Scope};

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
    pub(super) fn of(v: &Value) -> SType {
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

    pub(crate) fn name(self) -> &'static str {
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

impl Planner<'_> {
    /// The static type of a planned expression, as far as it is known.
    pub(super) fn stype(&self, e: &PExpr, scope: &Scope) -> SType {
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
            PExpr::Subquery { count: true, .. } => SType::Int,
            PExpr::MapProjection { .. } => SType::Map,
            PExpr::Subquery { count: false, .. } => SType::Bool,
            PExpr::Pattern { .. } => SType::List,
            _ => SType::Any,
        }
    }

    pub(super) fn expect_type(
        &self,
        e: &PExpr,
        scope: &Scope,
        allowed: &[SType],
        span: Span,
        what: &str,
    ) -> Result<(), QueryError> {
        expect(self.stype(e, scope), allowed, span, what)
    }

    /// As [`Planner::stype`], with comprehension variables and projected
    /// columns.
    pub(super) fn stype_ctx(&self, e: &PExpr, ctx: &ExprCtx<'_>) -> SType {
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

    pub(super) fn expect_type_ctx(
        &self,
        e: &PExpr,
        ctx: &ExprCtx<'_>,
        allowed: &[SType],
        span: Span,
        what: &str,
    ) -> Result<(), QueryError> {
        expect(self.stype_ctx(e, ctx), allowed, span, what)
    }
}

/// A type error unless `t` is one of `allowed` (or unknown, or null).
fn expect(t: SType, allowed: &[SType], span: Span, what: &str) -> Result<(), QueryError> {
    if t == SType::Any || t == SType::Null || allowed.contains(&t) {
        return Ok(());
    }
    Err(QueryError::semantic(
        Code::InvalidArgumentType,
        span,
        format!("expected {what}, but this is {}", t.name()),
    ))
}

/// The type of every element of a constant list, when they share one.
pub(super) fn element_type(list: &PExpr) -> SType {
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
