//! The parser: tokens to a syntax tree, by recursive descent with one
//! function per precedence level of openCypher's grammar.
//!
//! Nesting is bounded ([`MAX_DEPTH`]): every nested expression, bracket,
//! list and unary operator counts, so a query of 100,000 nested parentheses
//! is a syntax error, not a stack overflow. Binary operator chains are
//! parsed in a loop and do not count: `a OR b OR …` and `1 + 2 + …` may be
//! as long as the text (their left-deep trees are walked on a stack sized to
//! the text, see `query::run`).

use super::ast::*;
use super::error::{Code, QueryError, Span};
use super::lexer::{Tok, Token, lex};

/// How deeply expressions may nest.
pub const MAX_DEPTH: usize = 200;

/// Parses a query.
pub fn parse(text: &str) -> Result<Query, QueryError> {
    let tokens = lex(text)?;
    let mut p = Parser {
        text,
        tokens,
        pos: 0,
        depth: 0,
        failed_patterns: Vec::new(),
    };
    p.query()
}

/// Parses a single expression (for `--param name=value`).
pub fn parse_expression(text: &str) -> Result<Expr, QueryError> {
    let tokens = lex(text)?;
    let mut p = Parser {
        text,
        tokens,
        pos: 0,
        depth: 0,
        failed_patterns: Vec::new(),
    };
    let e = p.expr()?;
    p.expect(Tok::Eof, "the end of the value")?;
    Ok(e)
}

/// Clause keywords of openCypher that seccoop does not run.
const WRITE_CLAUSES: &[&str] = &[
    "SET", "DELETE", "DETACH", "MERGE", "REMOVE", "FOREACH", "LOAD", "USE",
];

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    /// Token positions where a pattern was tried in an expression and did
    /// not parse, so each is tried once (no exponential backtracking).
    failed_patterns: Vec<usize>,
}

type PResult<T> = Result<T, QueryError>;

// Token indexing cannot fail: the lexer always ends the list with an end
// token, positions are clamped to it, and `pos - 1` is read only when
// `pos > 0`. An operator list is always one shorter than its operands.
impl Parser<'_> {
    fn tok(&self) -> &Tok {
        &self.tokens[self.pos.min(self.tokens.len() - 1)].tok
    }

    fn tok_at(&self, offset: usize) -> &Tok {
        &self.tokens[(self.pos + offset).min(self.tokens.len() - 1)].tok
    }

    fn span(&self) -> Span {
        self.tokens[self.pos.min(self.tokens.len() - 1)].span
    }

    fn prev_end(&self) -> usize {
        if self.pos == 0 {
            0
        } else {
            self.tokens[self.pos - 1].span.end
        }
    }

    fn advance(&mut self) -> Token {
        let t = self.tokens[self.pos.min(self.tokens.len() - 1)].clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn at(&self, tok: &Tok) -> bool {
        self.tok() == tok
    }

    fn eat(&mut self, tok: &Tok) -> bool {
        if self.at(tok) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn is_kw_at(&self, offset: usize, kw: &str) -> bool {
        matches!(self.tok_at(offset), Tok::Ident { name, quoted: false } if name.eq_ignore_ascii_case(kw))
    }

    fn is_kw(&self, kw: &str) -> bool {
        self.is_kw_at(0, kw)
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn error(&self, expected: &str) -> QueryError {
        QueryError::syntax(
            Code::UnexpectedSyntax,
            self.span(),
            format!("expected {expected}, found {}", self.tok().describe()),
        )
    }

    fn expect(&mut self, tok: Tok, expected: &str) -> PResult<Span> {
        if self.at(&tok) {
            Ok(self.advance().span)
        } else {
            Err(self.error(expected))
        }
    }

    fn expect_kw(&mut self, kw: &str) -> PResult<Span> {
        if self.is_kw(kw) {
            Ok(self.advance().span)
        } else {
            Err(self.error(&format!("`{kw}`")))
        }
    }

    fn ident(&mut self, expected: &str) -> PResult<Ident> {
        match self.tok().clone() {
            Tok::Ident { name, .. } => {
                let span = self.advance().span;
                Ok(Ident { name, span })
            }
            _ => Err(self.error(expected)),
        }
    }

    /// A variable name: an identifier that is not a reserved word here.
    fn is_var_start(&self) -> bool {
        match self.tok() {
            Tok::Ident { quoted: true, .. } => true,
            Tok::Ident { name, .. } => !is_reserved(name),
            _ => false,
        }
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(QueryError::syntax(
                Code::TooDeep,
                self.span(),
                format!("the query nests more than {MAX_DEPTH} levels deep"),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn text_of(&self, span: Span) -> String {
        self.text
            .get(span.start..span.end)
            .unwrap_or("")
            .to_string()
    }

    // ---- clauses ----

    fn query(&mut self) -> PResult<Query> {
        let start = self.span().start;
        let mut clauses = Vec::new();
        let mut unions: Vec<Union> = Vec::new();
        loop {
            if self.at(&Tok::Eof) {
                break;
            }
            if self.at(&Tok::Semi) {
                self.advance();
                if !self.at(&Tok::Eof) {
                    return Err(self.error("the end of the query after `;`"));
                }
                break;
            }
            if self.is_kw("UNION") {
                let keyword = self.advance().span;
                let all = self.eat_kw("ALL");
                let keyword = keyword.to(Span::new(keyword.start, self.prev_end()));
                let before = unions.last().map_or(&clauses, |u| &u.clauses);
                if before.is_empty() {
                    return Err(QueryError::syntax(
                        Code::UnexpectedSyntax,
                        keyword,
                        "expected a query before `UNION`",
                    ));
                }
                let span = self.span();
                unions.push(Union {
                    all,
                    clauses: Vec::new(),
                    keyword,
                    span,
                });
                continue;
            }
            let clause = self.clause()?;
            match unions.last_mut() {
                Some(u) => {
                    u.clauses.push(clause);
                    u.span = u.span.to(Span::new(u.span.start, self.prev_end()));
                }
                None => clauses.push(clause),
            }
        }
        if clauses.is_empty() {
            return Err(self.error("a clause such as `MATCH` or `RETURN`"));
        }
        if unions.last().is_some_and(|u| u.clauses.is_empty()) {
            return Err(self.error("a query after `UNION`"));
        }
        Ok(Query {
            clauses,
            span: Span::new(start, self.prev_end()),
            unions,
        })
    }

    /// The inside of `EXISTS { … }` or `COUNT { … }`: a pattern with an
    /// optional `WHERE`, or read-only clauses.
    fn subquery_body(&mut self) -> PResult<Vec<Clause>> {
        let start = self.span();
        let clause_ahead = ["MATCH", "OPTIONAL", "WITH", "UNWIND", "RETURN"]
            .iter()
            .any(|kw| self.is_kw(kw));
        if !clause_ahead {
            let patterns = self.patterns()?;
            let filter = if self.eat_kw("WHERE") {
                Some(self.expr()?)
            } else {
                None
            };
            return Ok(vec![Clause::Match {
                optional: false,
                patterns,
                filter,
                span: Span::new(start.start, self.prev_end()),
            }]);
        }
        let mut clauses = Vec::new();
        while !self.at(&Tok::RBrace) && !self.at(&Tok::Eof) {
            if let Tok::Ident {
                name,
                quoted: false,
            } = self.tok()
            {
                let upper = name.to_ascii_uppercase();
                if upper == "CREATE" || WRITE_CLAUSES.contains(&upper.as_str()) {
                    return Err(QueryError::semantic(
                        Code::InvalidClauseComposition,
                        self.span(),
                        format!("a subquery cannot use `{upper}`: it only reads"),
                    ));
                }
            }
            clauses.push(self.clause()?);
        }
        Ok(clauses)
    }

    fn clause(&mut self) -> PResult<Clause> {
        let start = self.span();
        if self.eat_kw("MATCH") {
            return self.match_clause(false, start);
        }
        if self.is_kw("OPTIONAL") {
            self.advance();
            self.expect_kw("MATCH")?;
            return self.match_clause(true, start);
        }
        if self.eat_kw("UNWIND") {
            let expr = self.expr()?;
            self.expect_kw("AS")?;
            let var = self.variable()?;
            return Ok(Clause::Unwind {
                expr,
                var,
                span: start.to(Span::new(start.start, self.prev_end())),
            });
        }
        if self.eat_kw("WITH") {
            return Ok(Clause::With(self.projection(true, start)?));
        }
        if self.eat_kw("RETURN") {
            return Ok(Clause::Return(self.projection(false, start)?));
        }
        if self.is_kw("CALL") && self.tok_at(1) == &Tok::LBrace {
            self.advance();
            self.advance();
            self.enter()?;
            let clauses = super::with_stack(|| self.subquery_body())?;
            self.leave();
            self.expect(Tok::RBrace, "`}` to close the subquery")?;
            return Ok(Clause::Call {
                clauses,
                span: Span::new(start.start, self.prev_end()),
            });
        }
        if self.is_kw("SHOW") && self.is_kw_at(1, "PROCEDURES") {
            self.advance();
            let end = self.advance().span;
            return Ok(Clause::Procedure {
                name: Ident {
                    name: "dbms.procedures".into(),
                    span: start.to(end),
                },
                args: Some(Vec::new()),
                yields: None,
                yield_star: None,
                filter: None,
                span: start.to(end),
            });
        }
        if self.eat_kw("CALL") {
            let first = self.ident("a procedure name such as `db.labels`")?;
            let mut name = first.name;
            let mut name_span = first.span;
            while self.eat(&Tok::Dot) {
                let part = self.ident("the rest of the procedure name")?;
                name.push('.');
                name.push_str(&part.name);
                name_span = name_span.to(part.span);
            }
            // Without parentheses, the arguments are the parameters named
            // as the procedure's inputs.
            let args = if self.eat(&Tok::LParen) {
                let mut args = Vec::new();
                while !self.at(&Tok::RParen) {
                    args.push(self.expr()?);
                    if !self.eat(&Tok::Comma) {
                        break;
                    }
                }
                self.expect(Tok::RParen, "`)` to close the arguments")?;
                Some(args)
            } else {
                None
            };
            let mut yield_star = None;
            let yields = if self.eat_kw("YIELD") {
                if self.at(&Tok::Star) {
                    yield_star = Some(self.advance().span);
                    None
                } else {
                    let mut items = Vec::new();
                    loop {
                        let out = self.ident("an output of the procedure")?;
                        let alias = if self.eat_kw("AS") {
                            Some(self.variable()?)
                        } else {
                            None
                        };
                        items.push((out, alias));
                        if !self.eat(&Tok::Comma) {
                            break;
                        }
                    }
                    Some(items)
                }
            } else {
                None
            };
            let filter = if yields.is_some() && self.eat_kw("WHERE") {
                Some(self.expr()?)
            } else {
                None
            };
            return Ok(Clause::Procedure {
                name: Ident {
                    name,
                    span: name_span,
                },
                args,
                yields,
                yield_star,
                filter,
                span: Span::new(start.start, self.prev_end()),
            });
        }
        if self.eat_kw("CREATE") {
            let patterns = self.patterns()?;
            return Ok(Clause::Create {
                patterns,
                span: Span::new(start.start, self.prev_end()),
            });
        }
        if let Tok::Ident {
            name,
            quoted: false,
        } = self.tok()
        {
            let upper = name.to_ascii_uppercase();
            if WRITE_CLAUSES.contains(&upper.as_str()) {
                return Err(QueryError::semantic(
                    Code::Unsupported,
                    self.span(),
                    format!("`{upper}` is not supported: seccoop queries only read the graph"),
                )
                .with_help(
                    "use MATCH, OPTIONAL MATCH, WITH, UNWIND and RETURN; to change the graph, edit its files",
                ));
            }
        }
        Err(self.error("a clause (`MATCH`, `OPTIONAL MATCH`, `WITH`, `UNWIND` or `RETURN`)"))
    }

    fn match_clause(&mut self, optional: bool, start: Span) -> PResult<Clause> {
        let patterns = self.patterns()?;
        let filter = if self.eat_kw("WHERE") {
            Some(self.expr()?)
        } else {
            None
        };
        Ok(Clause::Match {
            optional,
            patterns,
            filter,
            span: Span::new(start.start, self.prev_end()),
        })
    }

    fn variable(&mut self) -> PResult<Ident> {
        if !matches!(self.tok(), Tok::Ident { .. }) {
            return Err(self.error("a variable name"));
        }
        self.ident("a variable name")
    }

    fn projection(&mut self, is_with: bool, start: Span) -> PResult<Projection> {
        let distinct = self.eat_kw("DISTINCT");
        let mut star = false;
        let mut items = Vec::new();
        if self.eat(&Tok::Star) {
            star = true;
            while self.eat(&Tok::Comma) {
                items.push(self.proj_item()?);
            }
        } else {
            items.push(self.proj_item()?);
            while self.eat(&Tok::Comma) {
                items.push(self.proj_item()?);
            }
        }
        let mut order = Vec::new();
        if self.is_kw("ORDER") {
            self.advance();
            self.expect_kw("BY")?;
            loop {
                let expr = self.expr()?;
                let descending = if self.eat_kw("DESC") || self.eat_kw("DESCENDING") {
                    true
                } else {
                    let _ = self.eat_kw("ASC") || self.eat_kw("ASCENDING");
                    false
                };
                order.push(SortItem { expr, descending });
                if !self.eat(&Tok::Comma) {
                    break;
                }
            }
        }
        let skip = if self.eat_kw("SKIP") {
            Some(self.expr()?)
        } else {
            None
        };
        let limit = if self.eat_kw("LIMIT") {
            Some(self.expr()?)
        } else {
            None
        };
        let filter = if is_with && self.eat_kw("WHERE") {
            Some(self.expr()?)
        } else {
            None
        };
        Ok(Projection {
            distinct,
            star,
            items,
            order,
            skip,
            limit,
            filter,
            span: Span::new(start.start, self.prev_end()),
        })
    }

    fn proj_item(&mut self) -> PResult<ProjItem> {
        let expr = self.expr()?;
        let text = self.text_of(expr.span);
        let alias = if self.eat_kw("AS") {
            Some(self.variable()?)
        } else {
            None
        };
        Ok(ProjItem { expr, alias, text })
    }

    // ---- patterns ----

    fn patterns(&mut self) -> PResult<Vec<PatternPart>> {
        let mut parts = vec![self.pattern_part()?];
        while self.eat(&Tok::Comma) {
            parts.push(self.pattern_part()?);
        }
        Ok(parts)
    }

    fn pattern_part(&mut self) -> PResult<PatternPart> {
        let start = self.span().start;
        let var = if matches!(self.tok(), Tok::Ident { .. }) && self.tok_at(1) == &Tok::Eq {
            let v = self.variable()?;
            self.advance();
            Some(v)
        } else {
            None
        };
        let shortest = self.shortest_selector()?;
        let (nodes, rels) = match shortest {
            Some((_, true)) => {
                let (nodes, rels) = self.pattern_element()?;
                self.expect(Tok::RParen, "`)` to close the shortest path")?;
                (nodes, rels)
            }
            _ => self.pattern_element()?,
        };
        Ok(PatternPart {
            var,
            nodes,
            rels,
            span: Span::new(start, self.prev_end()),
            shortest: shortest.map(|s| s.0),
        })
    }

    /// `shortestPath(` and `allShortestPaths(` (then `true`: a `)` closes
    /// the pattern), or the path selectors `ANY SHORTEST`, `ALL SHORTEST`,
    /// `SHORTEST 1`, `SHORTEST k`.
    fn shortest_selector(&mut self) -> PResult<Option<(Shortest, bool)>> {
        if self.tok_at(1) == &Tok::LParen {
            for (name, s) in [
                ("SHORTESTPATH", Shortest::One),
                ("ALLSHORTESTPATHS", Shortest::All),
            ] {
                if self.is_kw(name) {
                    self.advance();
                    self.advance();
                    return Ok(Some((s, true)));
                }
            }
        }
        let selector = if self.is_kw("ANY") && self.is_kw_at(1, "SHORTEST") {
            self.advance();
            Shortest::One
        } else if self.is_kw("ALL") && self.is_kw_at(1, "SHORTEST") {
            self.advance();
            Shortest::All
        } else if self.is_kw("SHORTEST") {
            let at = self.span();
            match self.tok_at(1) {
                Tok::Int(1) => {
                    self.advance();
                    Shortest::One
                }
                &Tok::Int(k) if k > 1 => {
                    self.advance();
                    Shortest::Count(k)
                }
                Tok::Int(_) => {
                    return Err(QueryError::semantic(
                        Code::InvalidArgumentValue,
                        at.to(self.tokens[self.pos + 1].span),
                        "SHORTEST needs a number of paths of at least 1",
                    )
                    .with_help(
                        "write `SHORTEST 1`, `SHORTEST 3`, `ANY SHORTEST` or `ALL SHORTEST`",
                    ));
                }
                _ => return Err(self.error("a number after `SHORTEST`")),
            }
        } else {
            return Ok(None);
        };
        self.advance();
        if self.is_kw("GROUPS") {
            return Err(QueryError::semantic(
                Code::Unsupported,
                self.span(),
                "`SHORTEST k GROUPS` is not supported",
            )
            .with_help("use `ALL SHORTEST` for every path of the shortest length, or `SHORTEST k` for k paths"));
        }
        // GQL's optional noise word: `ANY SHORTEST PATH`, `SHORTEST 2 PATHS`.
        if (self.is_kw("PATH") || self.is_kw("PATHS")) && self.tok_at(1) == &Tok::LParen {
            self.advance();
        }
        Ok(Some((selector, false)))
    }

    fn pattern_element(&mut self) -> PResult<(Vec<NodePattern>, Vec<RelPattern>)> {
        self.enter()?;
        let mut nodes = vec![self.node_pattern()?];
        let mut rels = Vec::new();
        while self.at(&Tok::Minus) || (self.at(&Tok::Lt) && self.tok_at(1) == &Tok::Minus) {
            rels.push(self.rel_pattern()?);
            nodes.push(self.node_pattern()?);
        }
        self.leave();
        Ok((nodes, rels))
    }

    fn node_pattern(&mut self) -> PResult<NodePattern> {
        let start = self.expect(Tok::LParen, "`(` to start a node pattern")?;
        let var = if self.is_var_start() {
            Some(self.variable()?)
        } else {
            None
        };
        let mut labels = Vec::new();
        while self.eat(&Tok::Colon) {
            labels.push(self.ident("a label after `:`")?);
        }
        let props = self.pattern_props()?;
        let end = self.expect(Tok::RParen, "`)` to close the node pattern")?;
        Ok(NodePattern {
            var,
            labels,
            props,
            span: start.to(end),
        })
    }

    fn pattern_props(&mut self) -> PResult<Option<Expr>> {
        match self.tok().clone() {
            Tok::LBrace => Ok(Some(self.map_literal()?)),
            Tok::Param(name) => {
                let span = self.advance().span;
                Ok(Some(Expr::new(ExprKind::Param(name), span)))
            }
            _ => Ok(None),
        }
    }

    fn rel_pattern(&mut self) -> PResult<RelPattern> {
        let start = self.span();
        let left = self.eat(&Tok::Lt);
        self.expect(Tok::Minus, "`-` in a relationship pattern")?;
        let mut var = None;
        let mut types = Vec::new();
        let mut length = None;
        let mut props = None;
        if self.eat(&Tok::LBracket) {
            if self.is_var_start() {
                var = Some(self.variable()?);
            }
            if self.eat(&Tok::Colon) {
                types.push(self.ident("a relationship type after `:`")?);
                while self.eat(&Tok::Pipe) {
                    self.eat(&Tok::Colon);
                    types.push(self.ident("a relationship type after `|`")?);
                }
            }
            if self.at(&Tok::DotDot) || matches!(self.tok(), Tok::Int(_)) {
                return Err(QueryError::syntax(
                    Code::InvalidRelationshipPattern,
                    self.span(),
                    "a variable-length relationship needs `*` before its hops: `[:T*1..3]`",
                ));
            }
            if self.eat(&Tok::Star) {
                if self.at(&Tok::Minus) {
                    return Err(QueryError::syntax(
                        Code::InvalidRelationshipPattern,
                        self.span(),
                        "the hops of a variable-length relationship cannot be negative",
                    ));
                }
                let int = |p: &mut Self| -> PResult<Option<u64>> {
                    match p.tok() {
                        Tok::Int(i) => {
                            let i = *i;
                            p.advance();
                            Ok(Some(i))
                        }
                        _ => Ok(None),
                    }
                };
                let min = int(self)?;
                if self.eat(&Tok::DotDot) {
                    let max = int(self)?;
                    length = Some((min, max));
                } else {
                    length = Some((min, min));
                }
            }
            props = self.pattern_props()?;
            self.expect(Tok::RBracket, "`]` to close the relationship pattern")?;
        }
        self.expect(Tok::Minus, "`-` to end the relationship pattern")?;
        let right = self.eat(&Tok::Gt);
        let dir = match (left, right) {
            (true, false) => Dir::Left,
            (false, true) => Dir::Right,
            _ => Dir::Both,
        };
        Ok(RelPattern {
            var,
            types,
            dir,
            length,
            props,
            span: Span::new(start.start, self.prev_end()),
        })
    }

    // ---- expressions ----

    fn expr(&mut self) -> PResult<Expr> {
        self.enter()?;
        let e = super::with_stack(|| self.or_expr());
        self.leave();
        e
    }

    fn binary_chain(
        &mut self,
        next: fn(&mut Self) -> PResult<Expr>,
        ops: &[(&str, BinaryOp)],
    ) -> PResult<Expr> {
        let mut lhs = next(self)?;
        while let Some(op) = ops.iter().find(|(kw, _)| self.is_kw(kw)).map(|p| p.1) {
            self.advance();
            let rhs = next(self)?;
            let span = lhs.span.to(rhs.span);
            lhs = Expr::new(ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), span);
        }
        Ok(lhs)
    }

    fn or_expr(&mut self) -> PResult<Expr> {
        self.binary_chain(Self::xor_expr, &[("OR", BinaryOp::Or)])
    }

    fn xor_expr(&mut self) -> PResult<Expr> {
        self.binary_chain(Self::and_expr, &[("XOR", BinaryOp::Xor)])
    }

    fn and_expr(&mut self) -> PResult<Expr> {
        self.binary_chain(Self::not_expr, &[("AND", BinaryOp::And)])
    }

    fn not_expr(&mut self) -> PResult<Expr> {
        if self.is_kw("NOT") {
            let start = self.advance().span;
            self.enter()?;
            let inner = super::with_stack(|| self.not_expr())?;
            self.leave();
            let span = start.to(inner.span);
            return Ok(Expr::new(
                ExprKind::Unary(UnaryOp::Not, Box::new(inner)),
                span,
            ));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let first = self.predicate_expr()?;
        let mut operands = vec![first];
        let mut ops = Vec::new();
        loop {
            let op = match self.tok() {
                Tok::Eq => BinaryOp::Eq,
                Tok::Ne => BinaryOp::Ne,
                Tok::Lt => BinaryOp::Lt,
                Tok::Gt => BinaryOp::Gt,
                Tok::Le => BinaryOp::Le,
                Tok::Ge => BinaryOp::Ge,
                _ => break,
            };
            self.advance();
            ops.push(op);
            operands.push(self.predicate_expr()?);
        }
        if ops.is_empty() {
            return Ok(operands
                .pop()
                .unwrap_or_else(|| Expr::new(ExprKind::Literal(Literal::Null), Span::default())));
        }
        // `a < b < c` means `a < b AND b < c`.
        let mut result: Option<Expr> = None;
        for (i, op) in ops.iter().enumerate() {
            let (a, b) = (operands[i].clone(), operands[i + 1].clone());
            let span = a.span.to(b.span);
            let cmp = Expr::new(ExprKind::Binary(*op, Box::new(a), Box::new(b)), span);
            result = Some(match result {
                None => cmp,
                Some(prev) => {
                    let span = prev.span.to(cmp.span);
                    Expr::new(
                        ExprKind::Binary(BinaryOp::And, Box::new(prev), Box::new(cmp)),
                        span,
                    )
                }
            });
        }
        Ok(result.unwrap_or_else(|| Expr::new(ExprKind::Literal(Literal::Null), Span::default())))
    }

    /// `STARTS WITH`, `ENDS WITH`, `CONTAINS`, `IN`, `=~`, `IS [NOT] NULL`.
    fn predicate_expr(&mut self) -> PResult<Expr> {
        let mut lhs = self.additive()?;
        loop {
            let op = if self.is_kw("STARTS") && self.is_kw_at(1, "WITH") {
                self.advance();
                BinaryOp::StartsWith
            } else if self.is_kw("ENDS") && self.is_kw_at(1, "WITH") {
                self.advance();
                BinaryOp::EndsWith
            } else if self.is_kw("CONTAINS") {
                BinaryOp::Contains
            } else if self.is_kw("IN") {
                BinaryOp::In
            } else if self.at(&Tok::Regex) {
                BinaryOp::Regex
            } else if self.is_kw("IS") {
                self.advance();
                let negated = self.eat_kw("NOT");
                let end = self.expect_kw("NULL")?;
                let span = lhs.span.to(end);
                lhs = Expr::new(ExprKind::IsNull(Box::new(lhs), negated), span);
                continue;
            } else {
                break;
            };
            self.advance();
            let rhs = self.additive()?;
            let span = lhs.span.to(rhs.span);
            lhs = Expr::new(ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), span);
        }
        Ok(lhs)
    }

    fn symbol_chain(
        &mut self,
        next: fn(&mut Self) -> PResult<Expr>,
        ops: &[(Tok, BinaryOp)],
    ) -> PResult<Expr> {
        let mut lhs = next(self)?;
        while let Some(op) = ops.iter().find(|(t, _)| self.at(t)).map(|p| p.1) {
            self.advance();
            let rhs = next(self)?;
            let span = lhs.span.to(rhs.span);
            lhs = Expr::new(ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), span);
        }
        Ok(lhs)
    }

    fn additive(&mut self) -> PResult<Expr> {
        self.symbol_chain(
            Self::multiplicative,
            &[(Tok::Plus, BinaryOp::Add), (Tok::Minus, BinaryOp::Sub)],
        )
    }

    fn multiplicative(&mut self) -> PResult<Expr> {
        self.symbol_chain(
            Self::power,
            &[
                (Tok::Star, BinaryOp::Mul),
                (Tok::Slash, BinaryOp::Div),
                (Tok::Percent, BinaryOp::Mod),
            ],
        )
    }

    fn power(&mut self) -> PResult<Expr> {
        self.symbol_chain(Self::unary, &[(Tok::Caret, BinaryOp::Pow)])
    }

    fn unary(&mut self) -> PResult<Expr> {
        let op = match self.tok() {
            Tok::Minus => UnaryOp::Neg,
            Tok::Plus => UnaryOp::Pos,
            _ => return self.postfix(),
        };
        let start = self.advance().span;
        // `-9223372036854775808` is the one integer whose magnitude is not an i64.
        if op == UnaryOp::Neg
            && let Tok::Int(magnitude) = *self.tok()
            && magnitude == 1u64 << 63
        {
            let end = self.advance().span;
            let lit = Expr::new(ExprKind::Literal(Literal::Int(i64::MIN)), start.to(end));
            return self.postfix_ops(lit);
        }
        self.enter()?;
        let inner = super::with_stack(|| self.unary())?;
        self.leave();
        let span = start.to(inner.span);
        Ok(Expr::new(ExprKind::Unary(op, Box::new(inner)), span))
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let atom = self.atom()?;
        self.postfix_ops(atom)
    }

    fn postfix_ops(&mut self, mut e: Expr) -> PResult<Expr> {
        let saved = self.depth;
        loop {
            match self.tok() {
                Tok::Dot => {
                    self.advance();
                    self.enter()?;
                    let key = self.ident("a property name after `.`")?;
                    let span = e.span.to(key.span);
                    e = Expr::new(ExprKind::Property(Box::new(e), key), span);
                }
                Tok::LBracket => {
                    self.advance();
                    self.enter()?;
                    let from = if self.at(&Tok::DotDot) {
                        None
                    } else {
                        Some(Box::new(self.expr()?))
                    };
                    if self.eat(&Tok::DotDot) {
                        let to = if self.at(&Tok::RBracket) {
                            None
                        } else {
                            Some(Box::new(self.expr()?))
                        };
                        let end = self.expect(Tok::RBracket, "`]` to close the slice")?;
                        let span = e.span.to(end);
                        e = Expr::new(ExprKind::Slice(Box::new(e), from, to), span);
                    } else {
                        let end = self.expect(Tok::RBracket, "`]` to close the index")?;
                        let Some(index) = from else {
                            return Err(self.error("an index"));
                        };
                        let span = e.span.to(end);
                        e = Expr::new(ExprKind::Index(Box::new(e), index), span);
                    }
                }
                Tok::LBrace if matches!(e.kind, ExprKind::Var(_)) => {
                    self.advance();
                    self.enter()?;
                    let mut items = Vec::new();
                    while !self.at(&Tok::RBrace) {
                        if self.eat(&Tok::Dot) {
                            if self.eat(&Tok::Star) {
                                items.push(MapProjItem::AllProperties);
                            } else {
                                items.push(MapProjItem::Property(
                                    self.ident("a property name after `.`")?,
                                ));
                            }
                        } else {
                            let name = self.ident("`.key`, `.*`, `key: value` or a variable")?;
                            if self.eat(&Tok::Colon) {
                                items.push(MapProjItem::Literal(name, self.expr()?));
                            } else {
                                items.push(MapProjItem::Variable(name));
                            }
                        }
                        if !self.eat(&Tok::Comma) {
                            break;
                        }
                    }
                    let end = self.expect(Tok::RBrace, "`}` to close the map projection")?;
                    let span = e.span.to(end);
                    e = Expr::new(
                        ExprKind::MapProjection {
                            target: Box::new(e),
                            items,
                        },
                        span,
                    );
                }
                Tok::Colon => {
                    let mut labels = Vec::new();
                    while self.eat(&Tok::Colon) {
                        labels.push(self.ident("a label after `:`")?);
                    }
                    self.enter()?;
                    let span = e.span.to(labels.last().map_or(e.span, |l| l.span));
                    e = Expr::new(ExprKind::HasLabels(Box::new(e), labels), span);
                }
                _ => break,
            }
        }
        self.depth = saved;
        Ok(e)
    }

    fn atom(&mut self) -> PResult<Expr> {
        let span = self.span();
        match self.tok().clone() {
            Tok::Int(magnitude) => {
                self.advance();
                let v = i64::try_from(magnitude).map_err(|_| {
                    QueryError::syntax(
                        Code::IntegerOverflow,
                        span,
                        "integer literal is too large for a 64-bit integer",
                    )
                })?;
                Ok(Expr::new(ExprKind::Literal(Literal::Int(v)), span))
            }
            Tok::Float(f) => {
                self.advance();
                Ok(Expr::new(ExprKind::Literal(Literal::Float(f)), span))
            }
            Tok::BadNumber { reason, .. } => Err(QueryError::syntax(
                Code::InvalidNumberLiteral,
                span,
                format!("invalid number literal: {reason}"),
            )),
            Tok::Str(s) => {
                self.advance();
                Ok(Expr::new(ExprKind::Literal(Literal::String(s)), span))
            }
            Tok::Param(name) => {
                self.advance();
                Ok(Expr::new(ExprKind::Param(name), span))
            }
            Tok::LBracket => self.bracket(),
            Tok::LBrace => self.map_literal(),
            Tok::LParen => self.paren(),
            Tok::Ident { name, quoted } => {
                if !quoted && let Some(e) = self.keyword_atom(&name, span)? {
                    return Ok(e);
                }
                if self.tok_at(1) == &Tok::LParen
                    || (self.tok_at(1) == &Tok::Dot && self.is_call_ahead())
                {
                    return self.call();
                }
                if !quoted && is_reserved(&name) {
                    return Err(self.error("an expression"));
                }
                self.advance();
                Ok(Expr::new(ExprKind::Var(name), span))
            }
            _ => Err(self.error("an expression")),
        }
    }

    /// `a.b.c(` ahead: a namespaced function name.
    fn is_call_ahead(&self) -> bool {
        let mut i = 0;
        loop {
            if !matches!(self.tok_at(i), Tok::Ident { .. }) {
                return false;
            }
            match self.tok_at(i + 1) {
                Tok::Dot => i += 2,
                Tok::LParen => return true,
                _ => return false,
            }
        }
    }

    fn keyword_atom(&mut self, name: &str, span: Span) -> PResult<Option<Expr>> {
        let lit = |l| Ok(Some(Expr::new(ExprKind::Literal(l), span)));
        let upper = name.to_ascii_uppercase();
        match upper.as_str() {
            "TRUE" => {
                self.advance();
                lit(Literal::Bool(true))
            }
            "FALSE" => {
                self.advance();
                lit(Literal::Bool(false))
            }
            "NULL" => {
                self.advance();
                lit(Literal::Null)
            }
            "CASE" => self.case().map(Some),
            "ALL" | "ANY" | "NONE" | "SINGLE"
                if self.tok_at(1) == &Tok::LParen
                    && matches!(self.tok_at(2), Tok::Ident { .. })
                    && self.is_kw_at(3, "IN") =>
            {
                let quantifier = match upper.as_str() {
                    "ALL" => Quantifier::All,
                    "ANY" => Quantifier::Any,
                    "NONE" => Quantifier::None,
                    _ => Quantifier::Single,
                };
                self.advance();
                self.advance();
                let var = self.variable()?;
                self.expect_kw("IN")?;
                let list = self.expr()?;
                let filter = if self.eat_kw("WHERE") {
                    Some(Box::new(self.expr()?))
                } else {
                    None
                };
                let end = self.expect(Tok::RParen, "`)` to close the quantifier")?;
                Ok(Some(Expr::new(
                    ExprKind::Quantified {
                        quantifier,
                        var,
                        list: Box::new(list),
                        filter,
                    },
                    span.to(end),
                )))
            }
            "REDUCE" if self.tok_at(1) == &Tok::LParen => {
                self.advance();
                self.advance();
                let acc = self.variable()?;
                self.expect(Tok::Eq, "`=` after the accumulator of reduce")?;
                let init = self.expr()?;
                self.expect(Tok::Comma, "`,` after the accumulator's first value")?;
                let var = self.variable()?;
                self.expect_kw("IN")?;
                let list = self.expr()?;
                self.expect(Tok::Pipe, "`|` before the expression of reduce")?;
                let expr = self.expr()?;
                let end = self.expect(Tok::RParen, "`)` to close reduce")?;
                Ok(Some(Expr::new(
                    ExprKind::Reduce {
                        acc,
                        init: Box::new(init),
                        var,
                        list: Box::new(list),
                        expr: Box::new(expr),
                    },
                    span.to(end),
                )))
            }
            "EXISTS" | "COUNT" if self.tok_at(1) == &Tok::LBrace => {
                self.advance();
                self.advance();
                self.enter()?;
                let clauses = super::with_stack(|| self.subquery_body())?;
                self.leave();
                let end = self.expect(Tok::RBrace, "`}` to close the subquery")?;
                Ok(Some(Expr::new(
                    ExprKind::Subquery {
                        count: upper == "COUNT",
                        clauses,
                    },
                    span.to(end),
                )))
            }
            "EXISTS" if self.tok_at(1) == &Tok::LParen => {
                self.advance();
                self.advance();
                let inner = self.expr()?;
                let end = self.expect(Tok::RParen, "`)` to close exists")?;
                Ok(Some(Expr::new(
                    ExprKind::Exists(Box::new(inner)),
                    span.to(end),
                )))
            }
            _ => Ok(None),
        }
    }

    fn call(&mut self) -> PResult<Expr> {
        let first = self.ident("a function name")?;
        let mut name = first.name;
        let mut name_span = first.span;
        while self.eat(&Tok::Dot) {
            let part = self.ident("a function name")?;
            name.push('.');
            name.push_str(&part.name);
            name_span = name_span.to(part.span);
        }
        self.expect(Tok::LParen, "`(`")?;
        let distinct = self.eat_kw("DISTINCT");
        let mut args = Vec::new();
        let mut star = false;
        if self.at(&Tok::Star) && self.tok_at(1) == &Tok::RParen {
            self.advance();
            star = true;
        } else if !self.at(&Tok::RParen) {
            args.push(self.expr()?);
            while self.eat(&Tok::Comma) {
                args.push(self.expr()?);
            }
        }
        let end = self.expect(Tok::RParen, "`,` or `)` in the argument list")?;
        Ok(Expr::new(
            ExprKind::Call {
                name: Ident {
                    name,
                    span: name_span,
                },
                distinct,
                args,
                star,
            },
            name_span.to(end),
        ))
    }

    fn case(&mut self) -> PResult<Expr> {
        let start = self.advance().span;
        let subject = if self.is_kw("WHEN") {
            None
        } else {
            Some(Box::new(self.expr()?))
        };
        let mut arms = Vec::new();
        while self.eat_kw("WHEN") {
            let when = self.expr()?;
            self.expect_kw("THEN")?;
            let then = self.expr()?;
            arms.push((when, then));
        }
        if arms.is_empty() {
            return Err(self.error("`WHEN`"));
        }
        let otherwise = if self.eat_kw("ELSE") {
            Some(Box::new(self.expr()?))
        } else {
            None
        };
        let end = self.expect_kw("END")?;
        Ok(Expr::new(
            ExprKind::Case {
                subject,
                arms,
                otherwise,
            },
            start.to(end),
        ))
    }

    fn map_literal(&mut self) -> PResult<Expr> {
        let start = self.expect(Tok::LBrace, "`{`")?;
        self.enter()?;
        let mut entries = Vec::new();
        if !self.at(&Tok::RBrace) {
            loop {
                let key = self.ident("a property name")?;
                self.expect(Tok::Colon, "`:` after the key")?;
                let value = self.expr()?;
                entries.push((key, value));
                if !self.eat(&Tok::Comma) {
                    break;
                }
            }
        }
        let end = self.expect(Tok::RBrace, "`,` or `}` in the map")?;
        self.leave();
        Ok(Expr::new(ExprKind::Map(entries), start.to(end)))
    }

    /// `[` starts a list literal, a list comprehension or a pattern
    /// comprehension.
    fn bracket(&mut self) -> PResult<Expr> {
        let start = self.span();
        self.enter()?;
        let result = self.bracket_inner(start);
        self.leave();
        result
    }

    fn bracket_inner(&mut self, start: Span) -> PResult<Expr> {
        // List comprehension: `[x IN list …]`.
        if matches!(self.tok_at(1), Tok::Ident { .. }) && self.is_kw_at(2, "IN") {
            self.advance();
            let var = self.variable()?;
            self.advance();
            let list = self.expr()?;
            let filter = if self.eat_kw("WHERE") {
                Some(Box::new(self.expr()?))
            } else {
                None
            };
            let map = if self.eat(&Tok::Pipe) {
                Some(Box::new(self.expr()?))
            } else {
                None
            };
            let end = self.expect(
                Tok::RBracket,
                "`WHERE`, `|` or `]` in the list comprehension",
            )?;
            return Ok(Expr::new(
                ExprKind::ListComp {
                    var,
                    list: Box::new(list),
                    filter,
                    map,
                },
                start.to(end),
            ));
        }
        // Pattern comprehension: `[(a)-->(b) | …]`, `[p = (a)-->(b) | …]`.
        let named = matches!(self.tok_at(1), Tok::Ident { .. })
            && self.tok_at(2) == &Tok::Eq
            && self.tok_at(3) == &Tok::LParen;
        if named || self.tok_at(1) == &Tok::LParen {
            let save = self.pos;
            self.advance();
            if let Some(pattern) = self.try_pattern(named)? {
                let filter = if self.eat_kw("WHERE") {
                    Some(Box::new(self.expr()?))
                } else {
                    None
                };
                self.expect(Tok::Pipe, "`|` in the pattern comprehension")?;
                let map = self.expr()?;
                let end = self.expect(Tok::RBracket, "`]` to close the pattern comprehension")?;
                return Ok(Expr::new(
                    ExprKind::PatternComp {
                        pattern: Box::new(pattern),
                        filter,
                        map: Box::new(map),
                    },
                    start.to(end),
                ));
            }
            self.pos = save;
        }
        self.advance();
        let mut items = Vec::new();
        if !self.at(&Tok::RBracket) {
            items.push(self.expr()?);
            while self.eat(&Tok::Comma) {
                items.push(self.expr()?);
            }
        }
        let end = self.expect(Tok::RBracket, "`,` or `]` in the list")?;
        Ok(Expr::new(ExprKind::List(items), start.to(end)))
    }

    /// Tries to read a pattern with at least one relationship here; leaves
    /// the position unchanged when there is none.
    fn try_pattern(&mut self, named: bool) -> PResult<Option<PatternPart>> {
        let save = self.pos;
        if self.failed_patterns.contains(&save) {
            return Ok(None);
        }
        let attempt = if named {
            self.pattern_part()
        } else {
            self.pattern_element().map(|(nodes, rels)| PatternPart {
                var: None,
                nodes,
                rels,
                span: Span::new(self.tokens[save].span.start, self.prev_end()),
                shortest: None,
            })
        };
        match attempt {
            Ok(p) if !p.rels.is_empty() => Ok(Some(p)),
            Err(e) if e.code() == Some(Code::TooDeep) => Err(e),
            _ => {
                self.failed_patterns.push(save);
                self.pos = save;
                Ok(None)
            }
        }
    }

    fn paren(&mut self) -> PResult<Expr> {
        if let Some(pattern) = self.try_pattern(false)? {
            let span = pattern.span;
            return Ok(Expr::new(ExprKind::Pattern(Box::new(pattern)), span));
        }
        let start = self.advance().span;
        let inner = self.expr()?;
        let end = self.expect(Tok::RParen, "`)`")?;
        Ok(Expr::new(inner.kind, start.to(end)))
    }
}

/// Words that cannot be variables without backquotes.
fn is_reserved(name: &str) -> bool {
    const RESERVED: &[&str] = &[
        "MATCH",
        "OPTIONAL",
        "WHERE",
        "RETURN",
        "WITH",
        "UNWIND",
        "AS",
        "ORDER",
        "BY",
        "SKIP",
        "LIMIT",
        "DISTINCT",
        "AND",
        "OR",
        "XOR",
        "NOT",
        "IN",
        "IS",
        "NULL",
        "TRUE",
        "FALSE",
        "CASE",
        "WHEN",
        "THEN",
        "ELSE",
        "END",
        "CREATE",
        "STARTS",
        "ENDS",
        "CONTAINS",
        "ASC",
        "DESC",
        "ASCENDING",
        "DESCENDING",
        "SET",
        "DELETE",
        "MERGE",
        "REMOVE",
        "UNION",
    ];
    RESERVED.iter().any(|k| k.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Query {
        parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn parses_the_example_query() {
        let q = ok(
            "MATCH (a:activity)-[:addresses]->(t:threat {id: \"terrorism\"}) RETURN a.id, a.name ORDER BY a.name",
        );
        assert_eq!(q.clauses.len(), 2);
        let Clause::Match { patterns, .. } = &q.clauses[0] else {
            panic!("not a match")
        };
        assert_eq!(patterns[0].rels[0].dir, Dir::Right);
        let Clause::Return(p) = &q.clauses[1] else {
            panic!("not a return")
        };
        assert_eq!(p.items[1].text, "a.name");
    }

    #[test]
    fn precedence_follows_opencypher() {
        let q = ok("RETURN NOT 1 = 2 AND 3 IN [1] + 2");
        let Clause::Return(p) = &q.clauses[0] else {
            panic!()
        };
        let ExprKind::Binary(BinaryOp::And, lhs, rhs) = &p.items[0].expr.kind else {
            panic!("{:?}", p.items[0].expr)
        };
        assert!(matches!(lhs.kind, ExprKind::Unary(UnaryOp::Not, _)));
        assert!(matches!(rhs.kind, ExprKind::Binary(BinaryOp::In, _, _)));
    }

    #[test]
    fn variable_length_and_alternatives() {
        let q = ok("MATCH (a)<-[:x|:y*1..3]-(b) RETURN a");
        let Clause::Match { patterns, .. } = &q.clauses[0] else {
            panic!()
        };
        let r = &patterns[0].rels[0];
        assert_eq!(r.dir, Dir::Left);
        assert_eq!(r.types.len(), 2);
        assert_eq!(r.length, Some((Some(1), Some(3))));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("RETURN {}1{}", "(".repeat(100_000), ")".repeat(100_000));
        let err = parse(&deep).expect_err("too deep");
        assert_eq!(err.code(), Some(Code::TooDeep));
        // A flat chain is not nesting: it parses at any length (its tree is
        // left-deep, so it is dropped on a stack large enough for it).
        let long = format!("RETURN 1{}", " + 1".repeat(100_000));
        stacker::grow(long.len() * 512, || {
            assert!(parse(&long).is_ok());
        });
        let nots = format!("RETURN {}true", "NOT ".repeat(100_000));
        assert_eq!(
            parse(&nots).expect_err("too deep").code(),
            Some(Code::TooDeep)
        );
    }

    #[test]
    fn syntax_errors_say_what_was_expected() {
        let err = parse("MATCH (a RETURN a").expect_err("bad");
        assert_eq!(
            err.to_string(),
            "syntax error: expected `)` to close the node pattern, found `RETURN`"
        );
    }

    #[test]
    fn writes_are_refused() {
        let err = parse("MATCH (n) SET n.x = 1").expect_err("read-only");
        assert!(err.to_string().contains("`SET` is not supported"), "{err}");
    }
}
