//! A coverage problem taken out of a graph, in small dense arrays, and the
//! weights read from a node property.

use super::*;

/// A coverage problem taken out of a graph: candidates, the targets each
/// covers, and the targets' weights. Positions, not node indices, so the
/// search works on small dense arrays.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Instance {
    /// The candidate nodes.
    pub candidates: Vec<NodeIndex>,
    /// The target nodes.
    pub targets: Vec<NodeIndex>,
    /// Each target's weight (≥ 0).
    pub weights: Vec<f64>,
    /// For each candidate, the positions in `targets` it covers (sorted,
    /// without repeats).
    pub covers: Vec<Vec<u32>>,
}

impl Instance {
    /// The instance a plan asks of a graph: candidates of the plan's kind
    /// (or the relation's `from` kinds), targets of the relation's `to`
    /// kinds, both without the plan's `without` nodes.
    ///
    /// # Complexity
    /// O(|V| + |E|).
    pub fn from_graph(graph: &Graph, plan: &Plan) -> Result<Instance, PlanError> {
        let def = graph.schema().relation(plan.rel);
        let candidate_kinds: Vec<KindId> = match plan.kind {
            Some(k) => vec![k],
            None => def.from.clone(),
        };
        let target_kinds = &def.to;
        let bound = petgraph::visit::NodeIndexable::node_bound(graph.petgraph());
        let mut target_pos: Vec<u32> = vec![u32::MAX; bound];
        let mut inst = Instance::default();
        for (ix, node) in graph.nodes() {
            if plan.without.contains(&ix) {
                continue;
            }
            if target_kinds.contains(&node.kind) {
                let weight = match &plan.weight {
                    None => 1.0,
                    Some(p) => {
                        weight_of(node.properties().get(p)).map_err(|found| PlanError::Weight {
                            node: String::from(&*node.id),
                            property: p.clone(),
                            found: with_near_miss(found, p, node),
                        })?
                    }
                };
                // Positions fit in u32: a graph holds fewer than 2^32 nodes.
                target_pos[ix.index()] = inst.targets.len() as u32;
                inst.targets.push(ix);
                inst.weights.push(weight);
            }
        }
        for (ix, node) in graph.nodes() {
            if plan.without.contains(&ix) || !candidate_kinds.contains(&node.kind) {
                continue;
            }
            let mut cover: Vec<u32> = graph
                .edges_of(ix, crate::model::Direction::Out)
                .filter(|e| e.edge.rel == plan.rel)
                .filter_map(|e| target_pos.get(e.to.index()).copied())
                .filter(|&p| p != u32::MAX)
                .collect();
            cover.sort_unstable();
            cover.dedup();
            inst.candidates.push(ix);
            inst.covers.push(cover);
        }
        for &k in &plan.keep {
            let Some(node) = graph.node(k) else { continue };
            if plan.without.contains(&k) {
                return Err(PlanError::KeptAndWithout {
                    node: String::from(&*node.id),
                });
            }
            if !candidate_kinds.contains(&node.kind) {
                let names: Vec<&str> = candidate_kinds
                    .iter()
                    .map(|&k| graph.kind_name(k))
                    .collect();
                return Err(PlanError::NotCandidate {
                    node: String::from(&*node.id),
                    kind: graph.kind_name(node.kind).to_string(),
                    candidates: names.join(", "),
                });
            }
        }
        let keep: HashSet<NodeIndex> = plan.keep.iter().copied().collect();
        if keep.len() > plan.budget {
            return Err(PlanError::OverBudget {
                keep: keep.len(),
                budget: plan.budget,
            });
        }
        Ok(inst)
    }

    /// How many chosen candidates cover each target.
    pub fn counts(&self, chosen: &[usize]) -> Vec<u32> {
        let mut counts = vec![0u32; self.targets.len()];
        for &c in chosen {
            for &t in &self.covers[c] {
                counts[t as usize] += 1;
            }
        }
        counts
    }

    /// The weighted number of targets covered at least `r` times.
    pub fn score(&self, counts: &[u32], r: u32) -> f64 {
        counts
            .iter()
            .zip(&self.weights)
            .filter(|(c, _)| **c >= r)
            .map(|(_, w)| *w)
            .sum::<f64>()
            // An empty sum is -0.0, which would print as `-0`.
            + 0.0
    }
}

/// A weight property's value as a number ≥ 0, or what it is instead.
pub(super) fn weight_of(value: Option<&Value>) -> Result<f64, String> {
    let n = match value {
        None => return Err("it has none".into()),
        Some(Value::Integer(i)) => *i as f64,
        Some(Value::Float(f)) => *f,
        Some(other) => return Err(format!("it holds a {}", other.type_name())),
    };
    if n.is_finite() && n >= 0.0 {
        Ok(n)
    } else {
        Err(format!("it holds {n}, and weights must be numbers >= 0"))
    }
}

/// `found`, with the node's nearest numeric property suggested when the
/// weight property is missing (likely misspelt).
pub(super) fn with_near_miss(
    mut found: String,
    property: &str,
    node: &crate::model::Node,
) -> String {
    if node.properties().contains_key(property) {
        return found;
    }
    let numeric = node
        .properties()
        .iter()
        .filter(|(_, v)| matches!(v, Value::Integer(_) | Value::Float(_)))
        .map(|(k, _)| k);
    if let Some(near) = crate::suggest::nearest_one(property, numeric) {
        found.push_str(&format!("; did you mean `{near}`?"));
    }
    found
}
