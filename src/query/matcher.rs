//! Pattern matching: binds a clause's path patterns to the graph, row by
//! row.
//!
//! For each path pattern the matcher starts at its most selective node: one
//! already bound, else one whose `{id: …}` the graph can look up in its
//! index, else the label with the fewest nodes, and only as a last resort
//! every node. From there it expands along adjacency, right along the
//! pattern and then left, checking types, labels and properties as it goes,
//! so the work is proportional to the neighbourhood walked, not the graph.
//! Patterns that share variables are matched one after the other so later
//! ones start from nodes the earlier ones bound.
//!
//! Relationships are matched at most once per clause (openCypher's
//! relationship isomorphism), so a variable-length relationship without an
//! upper bound walks every trail, however long, and its answer is exact. A
//! hop limit, when the session sets one, is a guard: reaching it with more
//! to walk is an error, never a shorter answer.
//!
//! Indexing here cannot fail: the planner gives every variable a slot below
//! the row's length (`st.row`, `st.bound` are built with one entry per slot),
//! and `pi`, `pos` and `j` walk the plan's parts, nodes and relationships,
//! from which `st.nodes`, `st.steps`, `self.labels` and `self.types` are built
//! with the same shape; query text never becomes an index.

use super::ast::Dir;
use super::error::{Code, QueryError};
use super::eval::{Engine, Frame};
use super::graph::{Adjacent, Expand, LabelId, TypeId};
use std::collections::{HashMap, HashSet};

use super::ast::Shortest;
use super::plan::{NodePlan, PartPlan, Props, RelPlan};
use super::value::{EdgeId, NodeId, Path, Value};

/// Called with each complete match; returns whether to go on.
pub(crate) type Emit<'f> = dyn FnMut(&[Value]) -> Result<bool, QueryError> + 'f;

/// Called with each shortest path found; returns whether to go on.
type OnPath<'f, 'e, 'a> =
    dyn FnMut(&Matcher<'e, 'a>, &mut State, &[(EdgeId, NodeId)]) -> Result<bool, QueryError> + 'f;

/// Matches path patterns against the graph of an engine.
pub(crate) struct Matcher<'e, 'a> {
    engine: &'e Engine<'a>,
    parts: &'e [PartPlan],
    /// Slots below this are bound when matching starts.
    bound_before: usize,
    /// The order in which to match the parts.
    order: Vec<usize>,
    /// Labels resolved against the graph, per part and node: `None` for a
    /// label the graph lacks (nothing can match).
    labels: Vec<Vec<Vec<Option<LabelId>>>>,
    /// Types resolved against the graph: `None` for any type.
    types: Vec<Vec<Option<Vec<TypeId>>>>,
}

struct State {
    row: Vec<Value>,
    bound: Vec<bool>,
    used: Vec<EdgeId>,
    nodes: Vec<Vec<Option<NodeId>>>,
    /// Per part and relationship: the steps from its left node to its right
    /// node, each an edge and the node it reaches.
    steps: Vec<Vec<Vec<(EdgeId, NodeId)>>>,
}

fn expand_dir(dir: Dir, forward: bool) -> Expand {
    match (dir, forward) {
        (Dir::Both, _) => Expand::Both,
        (Dir::Right, true) | (Dir::Left, false) => Expand::Out,
        _ => Expand::In,
    }
}

impl<'e, 'a> Matcher<'e, 'a> {
    pub(crate) fn new(engine: &'e Engine<'a>, parts: &'e [PartPlan], bound_before: usize) -> Self {
        let g = engine.graph;
        let labels = parts
            .iter()
            .map(|p| {
                p.nodes
                    .iter()
                    .map(|n| n.labels.iter().map(|l| g.label(l)).collect())
                    .collect()
            })
            .collect();
        let types = parts
            .iter()
            .map(|p| {
                p.rels
                    .iter()
                    .map(|r| {
                        (!r.types.is_empty())
                            .then(|| r.types.iter().filter_map(|t| g.rel_type(t)).collect())
                    })
                    .collect()
            })
            .collect();
        // Parts that share variables with what is bound go first.
        let mut placed: Vec<usize> = Vec::new();
        let mut order = Vec::new();
        let slots =
            |p: &PartPlan| -> Vec<usize> { p.nodes.iter().filter_map(|n| n.slot).collect() };
        let mut left: Vec<usize> = (0..parts.len()).collect();
        while !left.is_empty() {
            let best = left
                .iter()
                .enumerate()
                .max_by_key(|&(i, &p)| {
                    let shared = slots(&parts[p])
                        .iter()
                        .filter(|s| **s < bound_before || placed.contains(s))
                        .count();
                    (shared, usize::MAX - i)
                })
                .map_or(0, |(i, _)| i);
            let p = left.remove(best);
            placed.extend(slots(&parts[p]));
            order.push(p);
        }
        Matcher {
            engine,
            parts,
            bound_before,
            order,
            labels,
            types,
        }
    }

    /// Matches every part against `row` (its new slots `null`), calling
    /// `emit` with each complete row.
    pub(crate) fn run(&self, row: Vec<Value>, emit: &mut Emit<'_>) -> Result<(), QueryError> {
        let width = row.len();
        let mut bound = vec![false; width];
        for b in bound.iter_mut().take(self.bound_before) {
            *b = true;
        }
        let mut st = State {
            row,
            bound,
            used: Vec::new(),
            nodes: self
                .parts
                .iter()
                .map(|p| vec![None; p.nodes.len()])
                .collect(),
            steps: self
                .parts
                .iter()
                .map(|p| vec![Vec::new(); p.rels.len()])
                .collect(),
        };
        self.part(&mut st, 0, emit)?;
        Ok(())
    }

    fn part(&self, st: &mut State, k: usize, emit: &mut Emit<'_>) -> Result<bool, QueryError> {
        let Some(&pi) = self.order.get(k) else {
            return emit(&st.row);
        };
        let (start, candidates) = self.start(st, pi)?;
        for n in candidates {
            let Some(undo) = self.bind_node(st, pi, start, n)? else {
                continue;
            };
            let go_on = self.extend(st, k, pi, start, 0, emit)?;
            self.unbind_node(st, pi, start, undo);
            if !go_on {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Where to start a part, and the candidate nodes there.
    fn start(&self, st: &State, pi: usize) -> Result<(usize, Vec<NodeId>), QueryError> {
        let g = self.engine.graph;
        let part = &self.parts[pi];
        let mut best: Option<(usize, usize)> = None; // (cost, position)
        let mut lookups: Vec<Option<Vec<NodeId>>> = vec![None; part.nodes.len()];
        for (pos, node) in part.nodes.iter().enumerate() {
            let cost = if node.slot.is_some_and(|s| st.bound[s]) {
                0
            } else if let Some(found) = self.indexed(st, node)? {
                let c = found.len();
                lookups[pos] = Some(found);
                c + 1
            } else {
                match &self.labels[pi][pos] {
                    _ if node.labels.is_empty() => g.node_count() + 2,
                    labels if labels.iter().any(Option::is_none) => 0,
                    labels => {
                        labels
                            .iter()
                            .flatten()
                            .map(|&l| g.label_count(l))
                            .min()
                            .unwrap_or(0)
                            + 2
                    }
                }
            };
            if best.is_none_or(|(c, _)| cost < c) {
                best = Some((cost, pos));
            }
        }
        let pos = best.map_or(0, |b| b.1);
        let node = &part.nodes[pos];
        let candidates = if let Some(slot) = node.slot.filter(|&s| st.bound[s]) {
            match &st.row[slot] {
                Value::Node(n) => vec![*n],
                _ => Vec::new(),
            }
        } else if let Some(found) = lookups[pos].take() {
            found
        } else if node.labels.is_empty() {
            g.nodes()
        } else {
            let labels = &self.labels[pi][pos];
            if labels.iter().any(Option::is_none) {
                Vec::new()
            } else {
                labels
                    .iter()
                    .flatten()
                    .min_by_key(|&&l| g.label_count(l))
                    .map(|&l| g.nodes_with_label(l))
                    .unwrap_or_default()
            }
        };
        Ok((pos, candidates))
    }

    /// The nodes an index gives for a node pattern's properties, if the
    /// graph indexes one of them.
    fn indexed(&self, st: &State, node: &NodePlan) -> Result<Option<Vec<NodeId>>, QueryError> {
        let Props::Map(entries) = &node.props else {
            return Ok(None);
        };
        for (key, expr) in entries {
            let value = self.engine.eval(expr, &mut Frame::new(&st.row))?;
            if let Some(found) = self.engine.graph.node_by_property(key, &value) {
                return Ok(Some(found.into_iter().collect()));
            }
        }
        Ok(None)
    }

    fn props_match(
        &self,
        st: &State,
        props: &Props,
        read: &dyn Fn(&str) -> Value,
        all: &dyn Fn() -> std::collections::BTreeMap<String, Value>,
    ) -> Result<bool, QueryError> {
        match props {
            Props::None => Ok(true),
            Props::Map(entries) => {
                for (key, expr) in entries {
                    let want = self.engine.eval(expr, &mut Frame::new(&st.row))?;
                    if read(key).equals(&want) != Some(true) {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Props::Expr(expr) => match self.engine.eval(expr, &mut Frame::new(&st.row))? {
                Value::Map(m) => {
                    let have = all();
                    Ok(m.iter()
                        .all(|(k, v)| have.get(k).and_then(|h| h.equals(v)) == Some(true)))
                }
                _ => Ok(false),
            },
        }
    }

    /// Checks `n` against the node pattern at `pos` and binds it. Returns
    /// `None` when it does not match, else whether a slot was newly bound.
    fn bind_node(
        &self,
        st: &mut State,
        pi: usize,
        pos: usize,
        n: NodeId,
    ) -> Result<Option<bool>, QueryError> {
        let g = self.engine.graph;
        let plan = &self.parts[pi].nodes[pos];
        if let Some(slot) = plan.slot
            && st.bound[slot]
            && !matches!(st.row[slot], Value::Node(m) if m == n)
        {
            return Ok(None);
        }
        for l in &self.labels[pi][pos] {
            match l {
                Some(l) if g.has_label(n, *l) => {}
                _ => return Ok(None),
            }
        }
        if !self.props_match(st, &plan.props, &|k| g.node_property(n, k), &|| {
            g.node_properties(n)
        })? {
            return Ok(None);
        }
        st.nodes[pi][pos] = Some(n);
        let mut newly = false;
        if let Some(slot) = plan.slot
            && !st.bound[slot]
        {
            st.row[slot] = Value::Node(n);
            st.bound[slot] = true;
            newly = true;
        }
        Ok(Some(newly))
    }

    fn unbind_node(&self, st: &mut State, pi: usize, pos: usize, newly: bool) {
        st.nodes[pi][pos] = None;
        if newly && let Some(slot) = self.parts[pi].nodes[pos].slot {
            st.row[slot] = Value::Null;
            st.bound[slot] = false;
        }
    }

    fn edge_ok(
        &self,
        st: &State,
        pi: usize,
        j: usize,
        e: EdgeId,
        path: &[(EdgeId, NodeId)],
    ) -> Result<bool, QueryError> {
        let g = self.engine.graph;
        if st.used.contains(&e) || path.iter().any(|s| s.0 == e) {
            return Ok(false);
        }
        if let Some(types) = &self.types[pi][j] {
            let t = g.type_of(e);
            if !types.contains(&t) {
                return Ok(false);
            }
        }
        let plan = &self.parts[pi].rels[j];
        if plan.length.is_none()
            && let Some(slot) = plan.slot
            && st.bound[slot]
            && !matches!(st.row[slot], Value::Rel(r) if r == e)
        {
            return Ok(false);
        }
        self.props_match(st, &plan.props, &|k| g.edge_property(e, k), &|| {
            g.edge_properties(e)
        })
    }

    /// Matches the `s`-th step of part `pi` (started at `start`): first the
    /// relationships right of the start, then those left of it.
    fn extend(
        &self,
        st: &mut State,
        k: usize,
        pi: usize,
        start: usize,
        s: usize,
        emit: &mut Emit<'_>,
    ) -> Result<bool, QueryError> {
        let part = &self.parts[pi];
        let rels = part.rels.len();
        let right = rels - start;
        if s == rels {
            return self.finish_part(st, k, pi, emit);
        }
        let (j, forward) = if s < right {
            (start + s, true)
        } else {
            (start - 1 - (s - right), false)
        };
        let (from_pos, to_pos) = if forward { (j, j + 1) } else { (j + 1, j) };
        let Some(from) = st.nodes[pi][from_pos] else {
            return Ok(true);
        };
        let rel = &part.rels[j];
        if let Some(Shortest::Count(count)) = part.shortest
            && let Some((min, max)) = rel.length
        {
            return self.k_shortest(
                st,
                k,
                pi,
                start,
                s,
                j,
                forward,
                from,
                to_pos,
                (min, max),
                count,
                emit,
            );
        }
        if let Some(which) = part.shortest
            && let Some((min, max)) = rel.length
        {
            return self.shortest(
                st,
                k,
                pi,
                start,
                s,
                j,
                forward,
                from,
                to_pos,
                (min, max),
                which,
                emit,
            );
        }
        match rel.length {
            None => self.single_hop(st, k, pi, start, s, j, forward, from, to_pos, emit),
            Some((min, max)) => {
                let mut path = Vec::new();
                self.var_hops(
                    st, k, pi, start, s, j, forward, from, to_pos, min, max, &mut path, emit,
                )
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn single_hop(
        &self,
        st: &mut State,
        k: usize,
        pi: usize,
        start: usize,
        s: usize,
        j: usize,
        forward: bool,
        from: NodeId,
        to_pos: usize,
        emit: &mut Emit<'_>,
    ) -> Result<bool, QueryError> {
        let rel: &RelPlan = &self.parts[pi].rels[j];
        let mut adj: Vec<Adjacent> = Vec::new();
        self.engine
            .graph
            .expand(from, expand_dir(rel.dir, forward), &mut adj);
        for a in adj {
            if !self.edge_ok(st, pi, j, a.edge, &[])? {
                continue;
            }
            let Some(undo) = self.bind_node(st, pi, to_pos, a.other)? else {
                continue;
            };
            st.used.push(a.edge);
            let right_node = if forward { a.other } else { from };
            st.steps[pi][j] = vec![(a.edge, right_node)];
            let mut newly = false;
            if let Some(slot) = rel.slot
                && !st.bound[slot]
            {
                st.row[slot] = Value::Rel(a.edge);
                st.bound[slot] = true;
                newly = true;
            }
            let go_on = self.extend(st, k, pi, start, s + 1, emit)?;
            if newly && let Some(slot) = rel.slot {
                st.row[slot] = Value::Null;
                st.bound[slot] = false;
            }
            st.used.pop();
            self.unbind_node(st, pi, to_pos, undo);
            if !go_on {
                return Ok(false);
            }
        }
        Ok(true)
    }

    #[allow(clippy::too_many_arguments)]
    fn var_hops(
        &self,
        st: &mut State,
        k: usize,
        pi: usize,
        start: usize,
        s: usize,
        j: usize,
        forward: bool,
        at: NodeId,
        to_pos: usize,
        min: u64,
        max: Option<u64>,
        path: &mut Vec<(EdgeId, NodeId)>,
        emit: &mut Emit<'_>,
    ) -> Result<bool, QueryError> {
        let rel: &RelPlan = &self.parts[pi].rels[j];
        self.engine.session.tick(rel.span)?;
        let depth = path.len() as u64;
        if depth >= min
            && let Some(undo) = self.bind_node(st, pi, to_pos, at)?
        {
            let go_on = self.bind_var_rel(st, k, pi, start, s, j, forward, path, emit)?;
            self.unbind_node(st, pi, to_pos, undo);
            if !go_on {
                return Ok(false);
            }
        }
        let limit = max.or(self.engine.session.max_hops);
        let mut adj: Vec<Adjacent> = Vec::new();
        self.engine
            .graph
            .expand(at, expand_dir(rel.dir, forward), &mut adj);
        if let Some(limit) = limit
            && depth >= limit
        {
            if max.is_none() {
                for a in &adj {
                    if self.edge_ok(st, pi, j, a.edge, path)? {
                        return Err(hop_limit(limit, rel));
                    }
                }
            }
            return Ok(true);
        }
        for a in adj {
            if !self.edge_ok(st, pi, j, a.edge, path)? {
                continue;
            }
            path.push((a.edge, a.other));
            // Without a hop limit a walk is as long as its longest trail.
            let go_on = super::with_stack(|| {
                self.var_hops(
                    st, k, pi, start, s, j, forward, a.other, to_pos, min, max, path, emit,
                )
            })?;
            path.pop();
            if !go_on {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The shortest paths from `from` along relationship `j` (the part's
    /// only one): a breadth-first search gives every node's distance, then
    /// for each end node the paths that go one layer further at every step,
    /// which are exactly its shortest paths (one of them for
    /// [`Shortest::One`]).
    #[allow(clippy::too_many_arguments)]
    fn shortest(
        &self,
        st: &mut State,
        k: usize,
        pi: usize,
        start: usize,
        s: usize,
        j: usize,
        forward: bool,
        from: NodeId,
        to_pos: usize,
        (min, max): (u64, Option<u64>),
        which: Shortest,
        emit: &mut Emit<'_>,
    ) -> Result<bool, QueryError> {
        let rel: &RelPlan = &self.parts[pi].rels[j];
        let dir = expand_dir(rel.dir, forward);
        let mut dist: HashMap<NodeId, u64> = HashMap::from([(from, 0)]);
        let mut order = vec![from];
        let mut next = 0;
        let mut adj: Vec<Adjacent> = Vec::new();
        while let Some(&at) = order.get(next) {
            next += 1;
            let d = dist.get(&at).copied().unwrap_or(0);
            if max.is_some_and(|m| d >= m) {
                continue;
            }
            adj.clear();
            self.engine.graph.expand(at, dir, &mut adj);
            for a in &adj {
                if !dist.contains_key(&a.other) && self.edge_ok(st, pi, j, a.edge, &[])? {
                    dist.insert(a.other, d + 1);
                    order.push(a.other);
                }
            }
        }
        for &end in &order {
            let d = dist.get(&end).copied().unwrap_or(0);
            if d < min {
                continue;
            }
            let Some(undo) = self.bind_node(st, pi, to_pos, end)? else {
                continue;
            };
            let mut path = Vec::new();
            let mut go_on = true;
            self.layered_paths(
                st,
                pi,
                j,
                dir,
                &dist,
                from,
                end,
                &mut path,
                &mut |me, st, path| {
                    go_on = me.bind_var_rel(st, k, pi, start, s, j, forward, path, emit)?;
                    Ok(go_on && which == Shortest::All)
                },
            )?;
            self.unbind_node(st, pi, to_pos, undo);
            if !go_on {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The `count` shortest paths from `from` along relationship `j` to each
    /// end node the pattern accepts: trails of length 0, 1, 2, … are walked
    /// in turn (each round depth-first, as far as that length), and each end
    /// takes the first `count` that reach it. The rounds stop when every
    /// reachable end has its paths, when no trail is as long as the round,
    /// or at the relationship's upper bound. Walking the shorter trails
    /// again each round costs less than the last round, which dominates.
    #[allow(clippy::too_many_arguments)]
    fn k_shortest(
        &self,
        st: &mut State,
        k: usize,
        pi: usize,
        start: usize,
        s: usize,
        j: usize,
        forward: bool,
        from: NodeId,
        to_pos: usize,
        (min, max): (u64, Option<u64>),
        count: u64,
        emit: &mut Emit<'_>,
    ) -> Result<bool, QueryError> {
        let rel: &RelPlan = &self.parts[pi].rels[j];
        let dir = expand_dir(rel.dir, forward);
        // The reachable nodes the pattern's end accepts, with the paths each
        // has had.
        let mut seen: HashSet<NodeId> = HashSet::from([from]);
        let mut order = vec![from];
        let mut next = 0;
        let mut adj: Vec<Adjacent> = Vec::new();
        while let Some(&at) = order.get(next) {
            next += 1;
            adj.clear();
            self.engine.graph.expand(at, dir, &mut adj);
            for a in &adj {
                if !seen.contains(&a.other) && self.edge_ok(st, pi, j, a.edge, &[])? {
                    seen.insert(a.other);
                    order.push(a.other);
                }
            }
        }
        let mut wanted: HashMap<NodeId, u64> = HashMap::new();
        for end in order {
            if let Some(undo) = self.bind_node(st, pi, to_pos, end)? {
                self.unbind_node(st, pi, to_pos, undo);
                wanted.insert(end, 0);
            }
        }
        let mut len = 0;
        while wanted.values().any(|&n| n < count) && max.is_none_or(|m| len <= m) {
            if max.is_none()
                && let Some(limit) = self.engine.session.max_hops
                && len > limit
            {
                return Err(hop_limit(limit, rel));
            }
            let mut reached = false;
            let mut go_on = true;
            let mut path = Vec::new();
            self.trails(
                st,
                pi,
                j,
                dir,
                from,
                len,
                &mut path,
                &mut reached,
                &mut |me, st, path| {
                    let end = path.last().map_or(from, |s| s.1);
                    if len < min {
                        return Ok(true);
                    }
                    let Some(n) = wanted.get_mut(&end).filter(|n| **n < count) else {
                        return Ok(true);
                    };
                    *n += 1;
                    let Some(undo) = me.bind_node(st, pi, to_pos, end)? else {
                        return Ok(true);
                    };
                    go_on = me.bind_var_rel(st, k, pi, start, s, j, forward, path, emit)?;
                    me.unbind_node(st, pi, to_pos, undo);
                    Ok(go_on)
                },
            )?;
            if !go_on {
                return Ok(false);
            }
            if !reached {
                break;
            }
            len += 1;
        }
        Ok(true)
    }

    /// Calls `each` with every trail of exactly `len` relationships from
    /// `at` (sets `reached` when there is one); returns whether to go on.
    #[allow(clippy::too_many_arguments)]
    fn trails(
        &self,
        st: &mut State,
        pi: usize,
        j: usize,
        dir: Expand,
        at: NodeId,
        len: u64,
        path: &mut Vec<(EdgeId, NodeId)>,
        reached: &mut bool,
        each: &mut OnPath<'_, 'e, 'a>,
    ) -> Result<bool, QueryError> {
        self.engine.session.tick(self.parts[pi].rels[j].span)?;
        if path.len() as u64 == len {
            *reached = true;
            return each(self, st, path);
        }
        let mut adj: Vec<Adjacent> = Vec::new();
        self.engine.graph.expand(at, dir, &mut adj);
        for a in adj {
            if !self.edge_ok(st, pi, j, a.edge, path)? {
                continue;
            }
            path.push((a.edge, a.other));
            let go_on = super::with_stack(|| {
                self.trails(st, pi, j, dir, a.other, len, path, reached, each)
            })?;
            path.pop();
            if !go_on {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Calls `each` with every path from `at` to `end` that goes one
    /// breadth-first layer further at each step; returns whether to go on.
    #[allow(clippy::too_many_arguments)]
    fn layered_paths(
        &self,
        st: &mut State,
        pi: usize,
        j: usize,
        dir: Expand,
        dist: &HashMap<NodeId, u64>,
        at: NodeId,
        end: NodeId,
        path: &mut Vec<(EdgeId, NodeId)>,
        each: &mut OnPath<'_, 'e, 'a>,
    ) -> Result<bool, QueryError> {
        let here = dist.get(&at).copied().unwrap_or(0);
        let target = dist.get(&end).copied().unwrap_or(0);
        if at == end && here == target {
            return each(self, st, path);
        }
        if here >= target {
            return Ok(true);
        }
        let mut adj: Vec<Adjacent> = Vec::new();
        self.engine.graph.expand(at, dir, &mut adj);
        for a in adj {
            if dist.get(&a.other) != Some(&(here + 1)) || !self.edge_ok(st, pi, j, a.edge, path)? {
                continue;
            }
            path.push((a.edge, a.other));
            let go_on = self.layered_paths(st, pi, j, dir, dist, a.other, end, path, each)?;
            path.pop();
            if !go_on {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Binds a variable-length relationship's variable and steps to the
    /// walked `path`, then matches on.
    #[allow(clippy::too_many_arguments)]
    fn bind_var_rel(
        &self,
        st: &mut State,
        k: usize,
        pi: usize,
        start: usize,
        s: usize,
        j: usize,
        forward: bool,
        path: &[(EdgeId, NodeId)],
        emit: &mut Emit<'_>,
    ) -> Result<bool, QueryError> {
        let rel = &self.parts[pi].rels[j];
        // Steps in pattern order, left to right.
        let steps: Vec<(EdgeId, NodeId)> = if forward {
            path.to_vec()
        } else {
            let right = st.nodes[pi][j + 1];
            let mut nodes: Vec<NodeId> = path.iter().rev().skip(1).map(|s| s.1).collect();
            nodes.extend(right);
            path.iter().rev().map(|s| s.0).zip(nodes).collect()
        };
        let edges = Value::List(steps.iter().map(|s| Value::Rel(s.0)).collect());
        let mut newly = false;
        if let Some(slot) = rel.slot {
            if st.bound[slot] {
                if st.row[slot].equals(&edges) != Some(true) {
                    return Ok(true);
                }
            } else {
                st.row[slot] = edges;
                st.bound[slot] = true;
                newly = true;
            }
        }
        let used_before = st.used.len();
        st.used.extend(steps.iter().map(|s| s.0));
        st.steps[pi][j] = steps;
        let go_on = self.extend(st, k, pi, start, s + 1, emit)?;
        st.used.truncate(used_before);
        if newly && let Some(slot) = rel.slot {
            st.row[slot] = Value::Null;
            st.bound[slot] = false;
        }
        Ok(go_on)
    }

    fn finish_part(
        &self,
        st: &mut State,
        k: usize,
        pi: usize,
        emit: &mut Emit<'_>,
    ) -> Result<bool, QueryError> {
        let part = &self.parts[pi];
        let Some(slot) = part.path_slot else {
            return self.part(st, k + 1, emit);
        };
        let Some(first) = st.nodes[pi][0] else {
            return Ok(true);
        };
        let path = Path {
            start: first,
            steps: st.steps[pi].iter().flatten().copied().collect(),
        };
        st.row[slot] = Value::Path(path);
        st.bound[slot] = true;
        let go_on = self.part(st, k + 1, emit)?;
        st.row[slot] = Value::Null;
        st.bound[slot] = false;
        Ok(go_on)
    }
}

/// The error for a variable-length relationship without an upper bound that
/// reached the session's hop limit with more to walk: its answer would be
/// incomplete.
fn hop_limit(limit: u64, rel: &RelPlan) -> QueryError {
    QueryError::argument(
        Code::LimitReached,
        rel.span,
        format!(
            "this variable-length relationship reached the hop limit of {limit} with more to walk, so the answer would be incomplete"
        ),
    )
}
