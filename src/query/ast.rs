//! The syntax tree the parser builds: clauses, patterns and expressions,
//! each with the span of its text.

use super::error::Span;

/// A name as written, with where.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A whole query: its clauses in order, then the queries joined to it by
/// `UNION`.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The clauses (of the first query, when there are unions).
    pub clauses: Vec<Clause>,
    /// The whole text.
    pub span: Span,
    /// The queries after each `UNION` or `UNION ALL`, in order.
    pub unions: Vec<Union>,
}

/// `UNION [ALL]` and the query after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// `UNION ALL` (keep duplicates) rather than `UNION`.
    pub all: bool,
    /// The query's clauses.
    pub clauses: Vec<Clause>,
    /// The `UNION` keyword(s).
    pub keyword: Span,
    /// The query after the keyword.
    pub span: Span,
}

/// An entry of a map projection.
#[derive(Debug, Clone, PartialEq)]
pub enum MapProjItem {
    /// `.key`: the target's property.
    Property(Ident),
    /// `.*`: every property of the target.
    AllProperties,
    /// `key: expr`.
    Literal(Ident, Expr),
    /// `v`: a variable, under its own name.
    Variable(Ident),
}

/// One clause.
#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    /// `[OPTIONAL] MATCH patterns [WHERE expr]`.
    Match {
        /// `OPTIONAL MATCH`.
        optional: bool,
        /// The comma-separated patterns.
        patterns: Vec<PatternPart>,
        /// The filter.
        filter: Option<Expr>,
        /// The clause's text.
        span: Span,
    },
    /// `UNWIND expr AS var`.
    Unwind {
        /// The list.
        expr: Expr,
        /// The variable each element is bound to.
        var: Ident,
        /// The clause's text.
        span: Span,
    },
    /// `WITH …`.
    With(Projection),
    /// `RETURN …`.
    Return(Projection),
    /// `CALL { … }`: a read-only subquery run for each row, whose returned
    /// columns join the row (one row out per row it returns).
    Call {
        /// The subquery's clauses, ending in `RETURN`.
        clauses: Vec<Clause>,
        /// The clause's text.
        span: Span,
    },
    /// `CALL name(args) [YIELD out [AS v], …]`, or `SHOW PROCEDURES`.
    Procedure {
        /// The dotted name.
        name: Ident,
        /// The arguments; `None` without parentheses (`CALL db.labels`),
        /// when they are the parameters named as the procedure's inputs.
        args: Option<Vec<Expr>>,
        /// The yielded outputs and their names; `None` for all of them.
        yields: Option<Vec<(Ident, Option<Ident>)>>,
        /// Where `YIELD *` is, if it is written.
        yield_star: Option<Span>,
        /// `YIELD … WHERE condition`: which of the procedure's rows to keep.
        filter: Option<Expr>,
        /// The clause's text.
        span: Span,
    },
    /// `CREATE patterns` (only on an in-memory graph).
    Create {
        /// The patterns to create.
        patterns: Vec<PatternPart>,
        /// The clause's text.
        span: Span,
    },
}

/// The body of `WITH` and `RETURN`.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// `DISTINCT`.
    pub distinct: bool,
    /// `*`: every variable in scope.
    pub star: bool,
    /// The items after `*`, if any.
    pub items: Vec<ProjItem>,
    /// `ORDER BY`.
    pub order: Vec<SortItem>,
    /// `SKIP`.
    pub skip: Option<Expr>,
    /// `LIMIT`.
    pub limit: Option<Expr>,
    /// `WHERE` (after `WITH` only).
    pub filter: Option<Expr>,
    /// The clause's text.
    pub span: Span,
}

/// `expr [AS alias]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjItem {
    /// The expression.
    pub expr: Expr,
    /// The alias.
    pub alias: Option<Ident>,
    /// The expression as written: the column name when there is no alias.
    pub text: String,
}

/// `expr [ASC|DESC]`.
#[derive(Debug, Clone, PartialEq)]
pub struct SortItem {
    /// The sort key.
    pub expr: Expr,
    /// `DESC`.
    pub descending: bool,
}

/// A path pattern: `[p =] (a)-[r]->(b)…`.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternPart {
    /// The path variable.
    pub var: Option<Ident>,
    /// The nodes; one more than the relationships.
    pub nodes: Vec<NodePattern>,
    /// The relationships between consecutive nodes.
    pub rels: Vec<RelPattern>,
    /// The pattern's text.
    pub span: Span,
    /// `shortestPath(…)`, `allShortestPaths(…)`, `ANY SHORTEST`,
    /// `ALL SHORTEST`, `SHORTEST k`: only the shortest matches.
    pub shortest: Option<Shortest>,
}

/// Which shortest paths a pattern keeps, per pair of end nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortest {
    /// One shortest path.
    One,
    /// Every shortest path.
    All,
    /// The `k` shortest paths (`SHORTEST k`, k > 1), shorter ones first;
    /// among paths of one length, the first found.
    Count(u64),
}

/// `(var:Label:Other {props})`.
#[derive(Debug, Clone, PartialEq)]
pub struct NodePattern {
    /// The variable.
    pub var: Option<Ident>,
    /// The labels, all required.
    pub labels: Vec<Ident>,
    /// The property map (a map literal or a parameter).
    pub props: Option<Expr>,
    /// The node's text.
    pub span: Span,
}

/// Which way a relationship pattern points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// `-->`: from the left node to the right one.
    Right,
    /// `<--`: from the right node to the left one.
    Left,
    /// `--`: either way.
    Both,
}

/// `-[var:T|U*1..3 {props}]->`.
#[derive(Debug, Clone, PartialEq)]
pub struct RelPattern {
    /// The variable.
    pub var: Option<Ident>,
    /// The types, any of which matches; empty for any type.
    pub types: Vec<Ident>,
    /// The direction.
    pub dir: Dir,
    /// `*min..max` for variable length: each bound optional.
    pub length: Option<(Option<u64>, Option<u64>)>,
    /// The property map.
    pub props: Option<Expr>,
    /// The relationship's text.
    pub span: Span,
}

/// An expression with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Its text.
    pub span: Span,
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `null`.
    Null,
    /// `true`, `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    String(String),
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `NOT`.
    Not,
    /// `-`.
    Neg,
    /// `+`.
    Pos,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // Each is its operator.
pub enum BinaryOp {
    Or,
    Xor,
    And,
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    In,
    StartsWith,
    EndsWith,
    Contains,
    Regex,
}

/// `all`, `any`, `none`, `single`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // Each is its function.
pub enum Quantifier {
    All,
    Any,
    None,
    Single,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A literal.
    Literal(Literal),
    /// `$name`.
    Param(String),
    /// A variable.
    Var(String),
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `{k: v}`.
    Map(Vec<(Ident, Expr)>),
    /// `expr.key`.
    Property(Box<Expr>, Ident),
    /// `expr[index]`.
    Index(Box<Expr>, Box<Expr>),
    /// `expr[from..to]`.
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// `expr:Label:Other`.
    HasLabels(Box<Expr>, Vec<Ident>),
    /// A prefix operator.
    Unary(UnaryOp, Box<Expr>),
    /// A binary operator.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `expr IS [NOT] NULL`; `true` for `IS NOT NULL`.
    IsNull(Box<Expr>, bool),
    /// A function call; `count(*)` has `star`.
    Call {
        /// The name, namespaces joined with `.`.
        name: Ident,
        /// `DISTINCT` inside the brackets.
        distinct: bool,
        /// The arguments.
        args: Vec<Expr>,
        /// `count(*)`.
        star: bool,
    },
    /// `CASE [subject] WHEN … THEN … [ELSE …] END`.
    Case {
        /// The subject of the simple form.
        subject: Option<Box<Expr>>,
        /// The `WHEN … THEN …` pairs.
        arms: Vec<(Expr, Expr)>,
        /// `ELSE`.
        otherwise: Option<Box<Expr>>,
    },
    /// `[x IN list WHERE pred | expr]`.
    ListComp {
        /// The element variable.
        var: Ident,
        /// The list.
        list: Box<Expr>,
        /// The filter.
        filter: Option<Box<Expr>>,
        /// The mapping.
        map: Option<Box<Expr>>,
    },
    /// `all(x IN list WHERE pred)` and the like.
    Quantified {
        /// Which quantifier.
        quantifier: Quantifier,
        /// The element variable.
        var: Ident,
        /// The list.
        list: Box<Expr>,
        /// The predicate.
        filter: Option<Box<Expr>>,
    },
    /// `reduce(acc = init, x IN list | expr)`.
    Reduce {
        /// The accumulator.
        acc: Ident,
        /// Its first value.
        init: Box<Expr>,
        /// The element variable.
        var: Ident,
        /// The list.
        list: Box<Expr>,
        /// The next accumulator value.
        expr: Box<Expr>,
    },
    /// `[p = (a)-->(b) WHERE pred | expr]`.
    PatternComp {
        /// The pattern.
        pattern: Box<PatternPart>,
        /// The filter.
        filter: Option<Box<Expr>>,
        /// The value collected per match.
        map: Box<Expr>,
    },
    /// A pattern used as a predicate: `WHERE (a)-->(b)`.
    Pattern(Box<PatternPart>),
    /// `exists(expr)` or `EXISTS { pattern }`.
    Exists(Box<Expr>),
    /// A map projection, `n {.id, .*, degree: expr, v}`.
    MapProjection {
        /// The variable projected.
        target: Box<Expr>,
        /// The entries, in order.
        items: Vec<MapProjItem>,
    },
    /// `EXISTS { … }` or `COUNT { … }`: a subquery that sees the variables
    /// around it, either a pattern with an optional `WHERE` (read as one
    /// `MATCH`) or clauses, with or without a final `RETURN`.
    Subquery {
        /// `COUNT { … }` (its rows counted) rather than `EXISTS { … }`.
        count: bool,
        /// Its clauses.
        clauses: Vec<Clause>,
    },
}

impl Expr {
    /// An expression of a kind at a span.
    pub fn new(kind: ExprKind, span: Span) -> Self {
        Expr { kind, span }
    }

    /// Calls `f` on each direct sub-expression.
    pub fn for_each_child<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        use ExprKind as K;
        match &self.kind {
            // A subquery's expressions belong to its own clauses.
            K::Literal(_) | K::Param(_) | K::Var(_) | K::Subquery { .. } => {}
            K::List(items) => items.iter().for_each(f),
            K::Map(entries) => entries.iter().for_each(|(_, e)| f(e)),
            K::Property(e, _) | K::HasLabels(e, _) | K::Unary(_, e) | K::IsNull(e, _) => f(e),
            K::Exists(e) => f(e),
            K::MapProjection { target, items } => {
                f(target);
                for item in items {
                    if let MapProjItem::Literal(_, e) = item {
                        f(e);
                    }
                }
            }
            K::Index(a, b) | K::Binary(_, a, b) => {
                f(a);
                f(b);
            }
            K::Slice(a, b, c) => {
                f(a);
                if let Some(b) = b {
                    f(b);
                }
                if let Some(c) = c {
                    f(c);
                }
            }
            K::Call { args, .. } => args.iter().for_each(f),
            K::Case {
                subject,
                arms,
                otherwise,
            } => {
                if let Some(s) = subject {
                    f(s);
                }
                for (w, t) in arms {
                    f(w);
                    f(t);
                }
                if let Some(o) = otherwise {
                    f(o);
                }
            }
            K::ListComp {
                list, filter, map, ..
            } => {
                f(list);
                if let Some(x) = filter {
                    f(x);
                }
                if let Some(x) = map {
                    f(x);
                }
            }
            K::Quantified { list, filter, .. } => {
                f(list);
                if let Some(x) = filter {
                    f(x);
                }
            }
            K::Reduce {
                init, list, expr, ..
            } => {
                f(init);
                f(list);
                f(expr);
            }
            K::PatternComp {
                pattern,
                filter,
                map,
            } => {
                pattern_exprs(pattern, f);
                if let Some(x) = filter {
                    f(x);
                }
                f(map);
            }
            K::Pattern(p) => pattern_exprs(p, f),
        }
    }
}

fn pattern_exprs<'a>(p: &'a PatternPart, f: &mut dyn FnMut(&'a Expr)) {
    for n in &p.nodes {
        if let Some(e) = &n.props {
            f(e);
        }
    }
    for r in &p.rels {
        if let Some(e) = &r.props {
            f(e);
        }
    }
}
