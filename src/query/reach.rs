//! How far a query can look from the nodes it names: what lets `query` on
//! a snapshot read only a neighbourhood in place, as `related` does.
//!
//! [`reach`] reads a parsed query and, when it can prove the answer lies
//! near some nodes named by id, gives those ids and a radius; the caller
//! reads the neighbourhood of that radius
//! ([`crate::load::snapshot::view::View::neighbourhood`]) and runs the
//! query on it. `None` means "the whole graph may matter".
//!
//! # Why the neighbourhood gives the whole graph's answer
//!
//! The matcher ([`super::matcher`]) starts each pattern at one node and
//! walks the pattern outwards from it, expanding only from nodes it has
//! reached. It starts at the first node pattern that is already bound (a
//! variable from an earlier clause), else at the first whose `id` the
//! graph looks up in its index, else it scans a label or every node. A
//! pattern this module accepts never scans: each of its parts starts at a
//! bound variable whose distance from a named node is known, or at an
//! `{id: …}` given as a string literal or string parameter (inline, or
//! `n.id = …` in the `MATCH`'s `WHERE`, which the planner copies into the
//! pattern). Walking a relationship of at most `L` hops from a node at
//! distance at most `d` expands from nodes at distance below `d + L` and
//! reaches nodes at distance at most `d + L`; the radius is the largest
//! such `d + L`. The neighbourhood of that radius holds every edge of every
//! node closer than it, and every node within it, so every expansion the
//! whole graph makes is made the same in the neighbourhood: the same edges
//! in the same (file) order, hence the same matches in the same order.
//!
//! The rest follows from what the neighbourhood is: nodes and edges keep
//! their file order, ids and properties, so values compare, sort and print
//! the same; `id(r)` is kept by mapping each edge to its index in the whole
//! graph ([`super::SeccoopGraph::with_edge_ids`]).
//!
//! Two things can still differ, and the caller checks both and answers from
//! the whole graph when either happens: a warning about a property key no
//! node in the neighbourhood has (the whole graph may have it), and an
//! error.
//!
//! # What is refused
//!
//! Anything this reasoning does not cover gives `None`: a pattern with no
//! bound or id-named start, a variable-length relationship without an upper
//! bound, an `id` given by anything but a literal or parameter string, a
//! variable of unknown distance where a walk starts (one from `UNWIND`, a
//! list, a function), procedures, `CALL { … }` subqueries, `CREATE`, and
//! `EXPLAIN`/`PROFILE` (their plan's estimates count the graph's labels).
//! Refusing costs only time: the whole graph answers.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::Params;
use super::ast::{BinaryOp, Clause, Expr, ExprKind, Literal, NodePattern, PatternPart, Projection};
use super::value::Value;

/// The nodes a query's answer lies near, and how near.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    /// The ids the query names, in the order first named.
    pub anchors: Vec<String>,
    /// How many edges from the nearest anchor the answer can lie.
    pub radius: usize,
}

/// The ids `query` names and the radius around them its answer lies in,
/// when that can be shown (see the module docs); `None` when the whole graph
/// may matter.
///
/// # Complexity
/// Linear in the size of the query.
///
/// # Example
/// ```
/// use seccoop::query::{self, Params, reach};
///
/// let q = query::parse("MATCH (t {id: 'terrorism'})<-[:addresses]-(a) RETURN a.id").unwrap();
/// let r = reach(&q, &Params::new()).unwrap();
/// assert_eq!((r.anchors, r.radius), (vec!["terrorism".to_string()], 1));
///
/// let scan = query::parse("MATCH (a:activity) RETURN a.id").unwrap();
/// assert!(reach(&scan, &Params::new()).is_none());
/// ```
pub fn reach(query: &super::Query, params: &Params) -> Option<Reach> {
    let mut walk = Walk {
        params,
        anchors: Vec::new(),
        radius: 0,
    };
    walk.clauses(&query.clauses, &mut Vars::new())?;
    for union in &query.unions {
        walk.clauses(&union.clauses, &mut Vars::new())?;
    }
    if walk.anchors.is_empty() {
        return None;
    }
    Some(Reach {
        anchors: walk.anchors,
        radius: walk.radius,
    })
}

/// [`reach`] of a query's text: `None` too when it does not parse. The
/// text is parsed, read and its tree dropped on a stack as deep as the
/// text may need (a flat chain of 20,000 `+` is a tree 20,000 deep).
pub fn reach_of(text: &str, params: &Params) -> Option<Reach> {
    super::with_query_stack(text, || {
        super::parse(text)
            .ok()
            .and_then(|query| reach(&query, params))
    })
}

/// What is known of a variable in scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    /// A node at most this many edges from an anchor.
    Near(usize),
    /// Anything else: a relationship, a path, a value, or a node whose
    /// distance is not known.
    Other,
}

type Vars = HashMap<String, Known>;

struct Walk<'p> {
    params: &'p Params,
    anchors: Vec<String>,
    radius: usize,
}

/// What a node pattern's `id` says.
enum Id {
    /// No `id`.
    None,
    /// A string, known before the query runs.
    Is(String),
}

impl Walk<'_> {
    fn clauses(&mut self, clauses: &[Clause], vars: &mut Vars) -> Option<()> {
        for clause in clauses {
            match clause {
                Clause::Match {
                    patterns, filter, ..
                } => {
                    let pushed = match filter {
                        Some(f) => self.pushed_ids(f, patterns, vars)?,
                        None => HashMap::new(),
                    };
                    self.parts(patterns, &pushed, vars)?;
                    if let Some(f) = filter {
                        self.expr(f, vars)?;
                    }
                }
                Clause::Unwind { expr, var, .. } => {
                    self.expr(expr, vars)?;
                    vars.insert(var.name.clone(), Known::Other);
                }
                Clause::With(p) => *vars = self.projection(p, vars)?,
                Clause::Return(p) => {
                    self.projection(p, vars)?;
                }
                Clause::Call { .. } | Clause::Procedure { .. } | Clause::Create { .. } => {
                    return None;
                }
            }
        }
        Some(())
    }

    /// The scope after a `WITH` (or `RETURN`): a variable passed on as it
    /// is keeps what is known of it.
    fn projection(&mut self, p: &Projection, vars: &Vars) -> Option<Vars> {
        for item in &p.items {
            self.expr(&item.expr, vars)?;
        }
        let mut out = if p.star { vars.clone() } else { Vars::new() };
        for item in &p.items {
            let known = match &item.expr.kind {
                ExprKind::Var(v) => vars.get(v).copied().unwrap_or(Known::Other),
                _ => Known::Other,
            };
            let name = match (&item.alias, &item.expr.kind) {
                (Some(a), _) => a.name.clone(),
                (None, ExprKind::Var(v)) => v.clone(),
                (None, _) => item.text.clone(),
            };
            out.insert(name, known);
        }
        // ORDER BY sees both the old names and the new.
        let mut both = vars.clone();
        both.extend(out.iter().map(|(k, v)| (k.clone(), *v)));
        for e in p
            .order
            .iter()
            .map(|s| &s.expr)
            .chain(&p.skip)
            .chain(&p.limit)
        {
            self.expr(e, &both)?;
        }
        if let Some(f) = &p.filter {
            self.expr(f, &out)?;
        }
        Some(out)
    }

    /// The ids the planner copies from a `MATCH`'s `WHERE` into its
    /// patterns: `n.id = 'x'` for a node `n` new in the clause. An `id`
    /// compared there to a constant this walk cannot read gives `None`,
    /// since the matcher might start at it.
    fn pushed_ids(
        &self,
        filter: &Expr,
        patterns: &[PatternPart],
        vars: &Vars,
    ) -> Option<HashMap<String, Vec<String>>> {
        let new_nodes: HashSet<&str> = patterns
            .iter()
            .flat_map(|p| &p.nodes)
            .filter_map(|n| n.var.as_ref())
            .map(|v| v.name.as_str())
            .filter(|v| !vars.contains_key(*v))
            .collect();
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        let mut conjuncts = vec![filter];
        while let Some(c) = conjuncts.pop() {
            match &c.kind {
                ExprKind::Binary(BinaryOp::And, a, b) => {
                    conjuncts.push(a);
                    conjuncts.push(b);
                }
                ExprKind::Binary(BinaryOp::Eq, a, b) => {
                    for (side, other) in [(a, b), (b, a)] {
                        let ExprKind::Property(target, key) = &side.kind else {
                            continue;
                        };
                        let ExprKind::Var(v) = &target.kind else {
                            continue;
                        };
                        if key.name != "id" || !new_nodes.contains(v.as_str()) {
                            continue;
                        }
                        match self.string(other) {
                            Some(id) => out.entry(v.clone()).or_default().push(id),
                            None if constant(other) => return None,
                            None => {}
                        }
                    }
                }
                _ => {}
            }
        }
        Some(out)
    }

    /// The string a literal or parameter holds.
    fn string(&self, e: &Expr) -> Option<String> {
        match &e.kind {
            ExprKind::Literal(Literal::String(s)) => Some(s.clone()),
            ExprKind::Param(name) => match self.params.get(name) {
                Some(Value::String(s)) => Some(s.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    /// The `id` a node pattern gives inline; `None` when it gives one this
    /// walk cannot read before the query runs.
    fn inline_id(&self, node: &NodePattern) -> Option<Id> {
        let Some(props) = &node.props else {
            return Some(Id::None);
        };
        let ExprKind::Map(entries) = &props.kind else {
            // A parameter map is checked while matching, never looked up.
            return Some(Id::None);
        };
        match entries.iter().find(|(k, _)| k.name == "id") {
            None => Some(Id::None),
            Some((_, e)) => self.string(e).map(Id::Is),
        }
    }

    /// The parts of one `MATCH`, in the order the matcher takes them: those
    /// sharing most node variables with what is bound first, then in the
    /// order written.
    fn parts(
        &mut self,
        parts: &[PatternPart],
        pushed: &HashMap<String, Vec<String>>,
        vars: &mut Vars,
    ) -> Option<()> {
        let before: HashSet<String> = vars.keys().cloned().collect();
        let mut placed: HashSet<String> = HashSet::new();
        let mut left: Vec<usize> = (0..parts.len()).collect();
        while !left.is_empty() {
            let shared = |p: &PatternPart| {
                p.nodes
                    .iter()
                    .filter_map(|n| n.var.as_ref())
                    .filter(|v| before.contains(&v.name) || placed.contains(&v.name))
                    .count()
            };
            let mut best = 0;
            for (i, &p) in left.iter().enumerate() {
                if shared(&parts[p]) > shared(&parts[left[best]]) {
                    best = i;
                }
            }
            let part = &parts[left.remove(best)];
            self.part(part, pushed, vars)?;
            placed.extend(
                part.nodes
                    .iter()
                    .filter_map(|n| n.var.clone())
                    .map(|v| v.name),
            );
        }
        Some(())
    }

    /// One path pattern: where the matcher starts it, how far its walk
    /// goes, and what is then known of its variables.
    fn part(
        &mut self,
        part: &PatternPart,
        pushed: &HashMap<String, Vec<String>>,
        vars: &mut Vars,
    ) -> Option<()> {
        for e in part
            .nodes
            .iter()
            .filter_map(|n| n.props.as_ref())
            .chain(part.rels.iter().filter_map(|r| r.props.as_ref()))
        {
            self.expr(e, vars)?;
        }
        let hops: Vec<usize> = part
            .rels
            .iter()
            .map(|r| match r.length {
                None => Some(1),
                Some((_, Some(max))) => usize::try_from(max).ok(),
                Some((_, None)) => None,
            })
            .collect::<Option<_>>()?;
        let mut near: Vec<Option<usize>> = vec![None; part.nodes.len()];
        let mut bound: Option<usize> = None;
        let mut indexed: Option<usize> = None;
        for (pos, node) in part.nodes.iter().enumerate() {
            let var = node.var.as_ref().map(|v| v.name.as_str());
            let mut ids: Vec<String> = var.and_then(|v| pushed.get(v)).cloned().unwrap_or_default();
            if let Id::Is(id) = self.inline_id(node)? {
                ids.insert(0, id);
            }
            match var.and_then(|v| vars.get(v)) {
                Some(known) => {
                    bound.get_or_insert(pos);
                    if let Known::Near(d) = known {
                        near[pos] = Some(*d);
                    }
                }
                None if !ids.is_empty() => {
                    indexed.get_or_insert(pos);
                }
                None => {}
            }
            if !ids.is_empty() {
                near[pos] = Some(0);
                for id in ids {
                    if !self.anchors.contains(&id) {
                        self.anchors.push(id);
                    }
                }
            }
        }
        let start = bound.or(indexed)?;
        near[start]?;
        // Right of the start, each relationship is walked from its left
        // node; left of it, from its right node.
        for (j, &h) in hops.iter().enumerate().skip(start) {
            self.step(&mut near, j, j + 1, h)?;
        }
        for (j, &h) in hops.iter().enumerate().take(start).rev() {
            self.step(&mut near, j + 1, j, h)?;
        }
        for (pos, node) in part.nodes.iter().enumerate() {
            if let (Some(v), Some(d)) = (&node.var, near[pos]) {
                let known = match vars.get(&v.name) {
                    Some(Known::Near(old)) => Known::Near((*old).min(d)),
                    _ => Known::Near(d),
                };
                vars.insert(v.name.clone(), known);
            }
        }
        for v in part
            .rels
            .iter()
            .filter_map(|r| r.var.as_ref())
            .chain(&part.var)
        {
            vars.entry(v.name.clone()).or_insert(Known::Other);
        }
        Some(())
    }

    /// Walks a relationship of at most `hops` hops from node `from` of a
    /// pattern to node `to`.
    fn step(
        &mut self,
        near: &mut [Option<usize>],
        from: usize,
        to: usize,
        hops: usize,
    ) -> Option<()> {
        let d = near[from]?.checked_add(hops)?;
        self.radius = self.radius.max(d);
        near[to] = Some(near[to].map_or(d, |old| old.min(d)));
        Some(())
    }

    /// Checks the patterns and subqueries inside an expression.
    fn expr(&mut self, e: &Expr, vars: &Vars) -> Option<()> {
        match &e.kind {
            ExprKind::Pattern(p) => {
                // A pattern predicate binds nothing new around it.
                self.part(p, &HashMap::new(), &mut vars.clone())?;
            }
            ExprKind::PatternComp {
                pattern,
                filter,
                map,
            } => {
                let mut inner = vars.clone();
                self.part(pattern, &HashMap::new(), &mut inner)?;
                for x in filter.iter().map(AsRef::as_ref).chain([map.as_ref()]) {
                    self.expr(x, &inner)?;
                }
                return Some(());
            }
            ExprKind::Subquery { clauses, .. } => {
                self.clauses(clauses, &mut vars.clone())?;
            }
            ExprKind::ListComp { var, .. } | ExprKind::Quantified { var, .. } => {
                // Inside, the element is bound, to a value of unknown reach.
                let mut inner = vars.clone();
                inner.insert(var.name.clone(), Known::Other);
                let mut ok = true;
                e.for_each_child(&mut |c| ok = ok && self.expr(c, &inner).is_some());
                return ok.then_some(());
            }
            ExprKind::Reduce { acc, var, .. } => {
                let mut inner = vars.clone();
                inner.insert(acc.name.clone(), Known::Other);
                inner.insert(var.name.clone(), Known::Other);
                let mut ok = true;
                e.for_each_child(&mut |c| ok = ok && self.expr(c, &inner).is_some());
                return ok.then_some(());
            }
            _ => {}
        }
        let mut ok = true;
        e.for_each_child(&mut |c| ok = ok && self.expr(c, vars).is_some());
        ok.then_some(())
    }
}

/// Whether an expression reads no variable, so the planner may fold it to
/// a constant.
fn constant(e: &Expr) -> bool {
    let mut vars = BTreeSet::new();
    variables(e, &mut vars);
    vars.is_empty()
        && !matches!(
            e.kind,
            ExprKind::Pattern(_) | ExprKind::PatternComp { .. } | ExprKind::Subquery { .. }
        )
}

fn variables<'a>(e: &'a Expr, out: &mut BTreeSet<&'a str>) {
    if let ExprKind::Var(v) = &e.kind {
        out.insert(v);
    }
    e.for_each_child(&mut |c| variables(c, out));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;

    fn of(text: &str) -> Option<(Vec<String>, usize)> {
        let mut params = Params::new();
        params.insert("t".into(), Value::String("terrorism".into()));
        params.insert("n".into(), Value::Int(3));
        reach(&parse(text).unwrap(), &params).map(|r| (r.anchors, r.radius))
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_pattern_from_a_named_node_reaches_as_far_as_it_walks() {
        let t = ids(&["terrorism"]);
        assert_eq!(
            of("MATCH (t {id: 'terrorism'}) RETURN t"),
            Some((t.clone(), 0))
        );
        assert_eq!(
            of("MATCH (t:threat {id: $t})<-[:addresses]-(a) RETURN a.id"),
            Some((t.clone(), 1))
        );
        assert_eq!(
            of("MATCH (x)-->(a)-[:addresses]->(t {id: 'terrorism'}) RETURN x"),
            Some((t.clone(), 2))
        );
        assert_eq!(
            of("MATCH (t {id: 'terrorism'})<-[*1..3]-(y) RETURN DISTINCT y.id"),
            Some((t.clone(), 3))
        );
        assert_eq!(
            of("MATCH (t) WHERE t.id = 'terrorism' MATCH (t)--(a)--(b) RETURN b"),
            Some((t.clone(), 2))
        );
        assert_eq!(
            of("MATCH (a {id: 'a'})-->(b), (b)-->(c) RETURN c"),
            Some((ids(&["a"]), 2))
        );
    }

    #[test]
    fn variables_carried_by_with_keep_their_distance() {
        assert_eq!(
            of("MATCH (t {id: 'x'})<--(a) WITH a, count(*) AS n MATCH (a)-->(b) RETURN b, n"),
            Some((ids(&["x"]), 2))
        );
        assert_eq!(
            of("MATCH (t {id: 'x'})<--(a) WITH a AS z MATCH (z)-->(b) RETURN b"),
            Some((ids(&["x"]), 2))
        );
        // Through a list, the distance is lost.
        assert_eq!(
            of(
                "MATCH (t {id: 'x'})<--(a) WITH collect(a) AS l UNWIND l AS z MATCH (z)-->(b) RETURN b"
            ),
            None
        );
    }

    #[test]
    fn predicates_and_subqueries_walk_from_what_they_see() {
        assert_eq!(
            of("MATCH (t {id: 'x'})<--(a) WHERE (a)-->(:actor) RETURN a"),
            Some((ids(&["x"]), 2))
        );
        assert_eq!(
            of("MATCH (t {id: 'x'}) RETURN size([(t)<--(a) | a.id]) AS n"),
            Some((ids(&["x"]), 1))
        );
        assert_eq!(
            of("MATCH (t {id: 'x'})<--(a) WHERE EXISTS { MATCH (a)-->(b)-->(c) } RETURN a"),
            Some((ids(&["x"]), 3))
        );
        assert_eq!(
            of("MATCH (t {id: 'x'}) RETURN [n IN [t] | [(n)-->(m) | m]] AS l"),
            None
        );
    }

    #[test]
    fn whatever_may_need_the_whole_graph_is_refused() {
        for text in [
            "MATCH (a:activity) RETURN a.id",
            "MATCH (a) RETURN count(a)",
            "MATCH (t {id: 'x'}), (a:activity) RETURN a",
            "MATCH (t {id: 'x'})<-[*]-(y) RETURN y",
            "MATCH (t {id: 'x'})<-[*2..]-(y) RETURN y",
            "MATCH (t {id: 'x' + 'y'}) RETURN t",
            "MATCH (t {id: $n}) RETURN t",
            "MATCH (t {id: $missing}) RETURN t",
            "MATCH (t) WHERE t.id = toLower('X') RETURN t",
            "MATCH (t {id: 'x'}) CALL { MATCH (a) RETURN a } RETURN a",
            "CALL db.labels()",
            "UNWIND ['x'] AS i MATCH (t {id: i}) RETURN t",
            "MATCH (t {id: 'x'}) RETURN t UNION MATCH (a:actor) RETURN a AS t",
            "RETURN 1",
        ] {
            assert_eq!(of(text), None, "{text}");
        }
    }

    #[test]
    fn unions_join_their_anchors() {
        assert_eq!(
            of("MATCH (t {id: 'x'})--(a) RETURN a UNION MATCH (t {id: 'y'})--()--(a) RETURN a"),
            Some((ids(&["x", "y"]), 2))
        );
    }

    /// Builds a query from drawn numbers: a path of one to three steps with
    /// a node named by id somewhere on it (inline, as a parameter, or in the
    /// `WHERE`), then one of several ways to go on from it, then one of
    /// several returns. Every query built is one [`reach`] accepts.
    fn build(ids: &[String], types: &[String], d: &Drawn) -> (String, Params) {
        let steps = d.steps.len();
        let at = d.at % (steps + 1);
        let last = if at == steps { 0 } else { steps };
        let anchor = &ids[d.anchor % ids.len()];
        let mut params = Params::new();
        let mut text = String::from("MATCH p = ");
        for i in 0..=steps {
            let label = if i != at && d.labels & (1 << i) != 0 {
                ":activity"
            } else {
                ""
            };
            let props = match (i == at, d.form % 3) {
                (true, 0) => format!(" {{id: '{anchor}'}}"),
                (true, 1) => {
                    params.insert("a".into(), Value::String(anchor.clone()));
                    " {id: $a}".to_string()
                }
                _ => String::new(),
            };
            text.push_str(&format!("(n{i}{label}{props})"));
            if let Some(&(dir, ty, var)) = d.steps.get(i) {
                let ty = ty.map_or(String::new(), |t| format!(":{}", types[t % types.len()]));
                let len = if var { "*1..2" } else { "" };
                let (l, r) = [("-", "->"), ("<-", "-"), ("-", "-")][usize::from(dir % 3)];
                text.push_str(&format!("{l}[r{i}{ty}{len}]{r}"));
            }
        }
        let mut filter = Vec::new();
        if d.form % 3 == 2 {
            filter.push(format!("n{at}.id = '{anchor}'"));
        }
        if d.tail == 2 {
            filter.push(format!("(n{last})-->()"));
        }
        if !filter.is_empty() {
            text.push_str(&format!(" WHERE {}", filter.join(" AND ")));
        }
        match d.tail {
            1 => text.push_str(&format!(
                " WITH n{last}, count(*) AS c MATCH (n{last})-[s]-(m) RETURN n{last}.id, c, s, m.id"
            )),
            3 => text.push_str(&format!(
                " OPTIONAL MATCH (n{last})<-[s]-(m:actor) RETURN n0.id, s, m"
            )),
            4 => text.push_str(&format!(
                " RETURN n{at}.id, size([(n{last})-->(x) | x.id]) AS out, n{last}"
            )),
            _ => text.push_str(match d.ret % 4 {
                0 => " RETURN *",
                1 => " RETURN n0.id, r0, id(r0)",
                2 => " RETURN count(*) AS c, collect(DISTINCT n0.id) AS ids",
                _ => " RETURN p, n0.description",
            }),
        }
        (text, params)
    }

    #[derive(Debug, Clone)]
    struct Drawn {
        anchor: usize,
        at: usize,
        steps: Vec<(u8, Option<usize>, bool)>,
        labels: u8,
        form: u8,
        tail: u8,
        ret: u8,
    }

    fn drawn() -> impl proptest::strategy::Strategy<Value = Drawn> {
        use proptest::prelude::*;
        let step = (
            any::<u8>(),
            proptest::option::of(0usize..64),
            proptest::bool::weighted(0.2),
        );
        (
            any::<usize>(),
            0usize..4,
            proptest::collection::vec(step, 1..4),
            any::<u8>(),
            any::<u8>(),
            0u8..5,
            any::<u8>(),
        )
            .prop_map(|(anchor, at, steps, labels, form, tail, ret)| Drawn {
                anchor,
                at,
                steps,
                labels,
                form,
                tail,
                ret,
            })
    }

    /// The answer as the `query` command prints it in JSON, with the
    /// warnings.
    fn answer(graph: &crate::query::SeccoopGraph<'_>, text: &str, params: &Params) -> String {
        match crate::query::run(text, graph, params, &crate::query::Options::default()) {
            Ok(r) => {
                let rows: Vec<Vec<serde_json::Value>> = r
                    .rows
                    .iter()
                    .map(|row| {
                        row.iter()
                            .map(|v| crate::query::to_json(graph, v))
                            .collect()
                    })
                    .collect();
                format!(
                    "{:?} {} warnings {:?}",
                    r.columns,
                    serde_json::json!(rows),
                    r.warnings.len()
                )
            }
            Err(e) => format!("error {e}"),
        }
    }

    /// The graphs the property runs on, each with its derived edges and a
    /// snapshot of it: the curated graph, and a generated one of 2,000
    /// nodes, where a neighbourhood of radius 2 or 3 is a small part.
    fn graphs() -> &'static [(crate::model::Graph, Vec<u8>)] {
        static GRAPHS: std::sync::OnceLock<Vec<(crate::model::Graph, Vec<u8>)>> =
            std::sync::OnceLock::new();
        GRAPHS.get_or_init(|| {
            let curated = crate::load::embedded_with_derived().unwrap().unwrap();
            let dir = tempfile::tempdir().unwrap();
            crate::generate::generate(dir.path(), 2000, 7).unwrap();
            let paths = [dir.path().to_path_buf()];
            let generated = crate::load::load_paths_reasoning(&paths, &crate::load::NoProgress)
                .unwrap()
                .unwrap();
            [curated, generated]
                .into_iter()
                .map(|g| {
                    let bytes = crate::write::snapshot::to_bytes(&g).unwrap();
                    (g, bytes)
                })
                .collect()
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(400))]

        /// The neighbourhood [`reach`] names, read in place from a snapshot
        /// of the curated graph or a generated one, answers every query
        /// built here exactly as the whole graph does: the same rows in the
        /// same order, the same relationship ids; unless it warns, when the
        /// command asks the whole graph instead.
        #[test]
        fn the_neighbourhood_answers_as_the_whole_graph(
            d in drawn(),
            reasoning in proptest::bool::ANY,
            generated in proptest::bool::ANY,
        ) {
            use crate::load::snapshot::view::View;
            let (graph, bytes) = &graphs()[usize::from(generated)];
            let mut whole = graph.clone();
            let view = View::new(bytes.clone()).unwrap();
            if !reasoning {
                whole.remove_derived();
            }
            let ids: Vec<String> = whole.nodes().map(|(_, n)| n.id.to_string()).collect();
            let types: Vec<String> = whole.schema().relations().map(|(_, r)| r.name.clone()).collect();
            let (text, params) = build(&ids, &types, &d);
            let q = crate::query::parse(&text).unwrap();
            let r = reach(&q, &params);
            proptest::prop_assert!(r.is_some(), "refused: {}", text);
            let r = r.unwrap();
            let seeds: Vec<u32> = r.anchors.iter().map(|a| view.find(a).unwrap().unwrap()).collect();
            let part = view.neighbourhood(&seeds, r.radius, reasoning, usize::MAX).unwrap().unwrap();
            let near = answer(
                &crate::query::SeccoopGraph::with_edge_ids(&part.graph, &part.whole_edges),
                &text,
                &params,
            );
            if near.ends_with("warnings 0") {
                let full = answer(&crate::query::SeccoopGraph::new(&whole), &text, &params);
                proptest::prop_assert_eq!(near, full, "{}", text);
            }
        }
    }
}
