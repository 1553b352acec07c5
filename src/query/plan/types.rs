//! The plan a query becomes: steps over rows, with variables as slots.

use super::super::Warning;
use super::super::ast::{BinaryOp, Dir, Quantifier, Shortest};
use super::super::error::Span;
use super::super::functions::{AggFunc, Func};
use super::super::value::Value;

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
    /// A map projection: the target's properties when `all`, then the
    /// entries (null when the target is null).
    MapProjection {
        target: Box<PExpr>,
        all: bool,
        entries: Vec<(String, PExpr)>,
        span: Span,
    },
    /// `EXISTS { … }` or `COUNT { … }`: the subquery's plan, run with the
    /// first `width` slots (row and comprehension variables) as its input.
    Subquery {
        plan: Box<Plan>,
        width: usize,
        count: bool,
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
    /// The relationship pattern's text, for errors while walking it.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub(crate) struct PartPlan {
    /// Only the shortest matches, per pair of end nodes.
    pub shortest: Option<Shortest>,
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
    /// The clause's text, for errors about its rows.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub(crate) enum Step {
    Match(MatchPlan),
    Unwind {
        expr: PExpr,
        span: Span,
    },
    Project(Box<ProjectPlan>),
    /// `CALL proc() YIELD …`: the procedure's rows (the outputs at
    /// `picks`), each appended to the row.
    Procedure {
        procedure: Box<super::super::procedures::Procedure>,
        args: Vec<PExpr>,
        picks: Vec<usize>,
        /// A procedure without outputs, called within a query, passes each
        /// row on once.
        pass_through: bool,
        /// `YIELD … WHERE`: the rows kept.
        filter: Option<PExpr>,
        span: Span,
    },
    /// `CALL { … }`: each row's subquery rows, appended to it.
    Call {
        plan: Box<Plan>,
        width_in: usize,
        span: Span,
    },
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
    /// The queries joined by `UNION` (their columns are these columns).
    pub unions: Vec<Plan>,
    /// `UNION` rather than `UNION ALL`: duplicates of the joined rows go.
    pub union_distinct: bool,
}
