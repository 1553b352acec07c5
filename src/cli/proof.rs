//! How answers show a derived edge: its proof in JSON, and the nodes its
//! rule went through ("via Movement of Terrorist Groups") in tables.

use petgraph::stable_graph::EdgeIndex;
use serde::Serialize;

use super::Context;
use crate::model::Basis;

/// A derived edge's proof as JSON answers carry it: the rule's name and the
/// edges it followed, each with its basis.
#[derive(Debug, Clone, Serialize)]
pub struct ProofJson {
    /// The rule's name.
    pub rule: String,
    /// The edges the rule followed, in chain order.
    pub edges: Vec<ProofEdge>,
}

/// One edge of a proof.
#[derive(Debug, Clone, Serialize)]
pub struct ProofEdge {
    /// The id of the node the edge starts at.
    pub from: String,
    /// Its relation.
    pub rel: String,
    /// The id of the node it ends at.
    pub to: String,
    /// Stated, inferred or derived.
    pub basis: Basis,
}

impl Context {
    /// The proof of a derived edge; `None` for an asserted one.
    pub fn proof_json(&self, edge: EdgeIndex) -> Option<ProofJson> {
        let graph = &self.graph;
        let proof = graph.proof(edge)?;
        let rule = graph.schema().rules().get(proof.rule)?.name.clone();
        let edges = proof
            .edges
            .iter()
            .filter_map(|&e| {
                let json = self.edge_ends(e);
                let basis = graph.edge(e)?.edge.basis;
                Some(ProofEdge {
                    from: json.from,
                    rel: json.rel,
                    to: json.to,
                    basis,
                })
            })
            .collect();
        Some(ProofJson { rule, edges })
    }

    /// `via NAME, NAME` for a derived edge (the nodes its rule went
    /// through), empty for an asserted one.
    pub fn via(&self, edge: EdgeIndex) -> String {
        let names: Vec<String> = crate::reason::via(&self.graph, edge)
            .into_iter()
            .filter_map(|n| self.graph.node(n))
            .map(|n| crate::output::safe(&n.name).into_owned())
            .collect();
        if names.is_empty() {
            String::new()
        } else {
            format!("via {}", names.join(", "))
        }
    }
}
