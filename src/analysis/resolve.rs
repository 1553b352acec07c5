//! Turning what a user typed into a node: an id, a name or an alias.

use petgraph::stable_graph::NodeIndex;

use crate::model::Graph;
use crate::suggest::nearest;

/// Why a typed node could not be resolved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ResolveError {
    /// Nothing matches; `suggestions` are ids of near misses, best first.
    #[error("unknown node `{text}`")]
    Unknown {
        /// What was typed.
        text: String,
        /// Ids of the nearest nodes.
        suggestions: Vec<String>,
    },
    /// Several nodes share the name or alias; `candidates` are their ids.
    #[error("`{text}` names {} nodes", candidates.len())]
    Ambiguous {
        /// What was typed.
        text: String,
        /// Ids of every match.
        candidates: Vec<String>,
    },
}

/// Finds the node a user means by `text`.
///
/// Tries, in order: the exact id; the id ignoring case; the name ignoring
/// case; an alias ignoring case. A name or alias shared by several nodes is
/// ambiguous. When nothing matches, the error carries up to three near
/// misses among ids, names and aliases.
///
/// # Complexity
/// O(1) for an exact id, O(n) otherwise.
///
/// # Example
/// ```
/// let graph = seccoop::load::embedded().unwrap();
/// let ix = seccoop::analysis::resolve_node(&graph, "Terrorism").unwrap();
/// assert_eq!(&*graph.node(ix).unwrap().id, "terrorism");
/// ```
pub fn resolve_node(graph: &Graph, text: &str) -> Result<NodeIndex, ResolveError> {
    if let Some(ix) = graph.node_index(text) {
        return Ok(ix);
    }
    let wanted = text.trim().to_lowercase();
    let tiers: [&dyn Fn(&crate::model::Node) -> bool; 3] = [
        &|n| n.id.to_lowercase() == wanted,
        &|n| n.name.to_lowercase() == wanted,
        &|n| n.aliases().any(|a| a.to_lowercase() == wanted),
    ];
    for matches in tiers {
        let found: Vec<NodeIndex> = graph
            .nodes()
            .filter(|(_, n)| matches(n))
            .map(|(ix, _)| ix)
            .collect();
        match found.as_slice() {
            [] => continue,
            [one] => return Ok(*one),
            many => {
                return Err(ResolveError::Ambiguous {
                    text: text.to_string(),
                    candidates: many
                        .iter()
                        .filter_map(|&ix| graph.node(ix).map(|n| String::from(&*n.id)))
                        .collect(),
                });
            }
        }
    }
    Err(ResolveError::Unknown {
        text: text.to_string(),
        suggestions: suggestions(graph, &wanted),
    })
}

/// How far ahead of the next search hit the best one must score to be taken
/// for what was meant ([`resolve_node_or_search`]).
pub const CLEAR_LEAD: u32 = 10;

/// The lowest score of a hit that can be taken for what was meant: the text
/// occurs in the node's id, name or alias (see [`search`](super::search::search())).
pub const LEAST_GUESS: u32 = 50;

/// [`resolve_node`], and when nothing matches by id, name or alias, the
/// best [`search`](super::search::search()) hit if it is clearly best: it scores at
/// least [`LEAST_GUESS`] and [`CLEAR_LEAD`] more than the next. Returns the
/// node and whether it was such a guess; otherwise the error suggests the
/// near misses, or the top search hits when no spelling is near.
///
/// # Example
/// ```
/// let graph = seccoop::load::embedded().unwrap();
/// let (ix, guessed) = seccoop::analysis::resolve_node_or_search(&graph, "border").unwrap();
/// assert_eq!(&*graph.node(ix).unwrap().id, "border-security-cooperation");
/// assert!(guessed);
/// ```
pub fn resolve_node_or_search(
    graph: &Graph,
    text: &str,
) -> Result<(NodeIndex, bool), ResolveError> {
    let error = match resolve_node(graph, text) {
        Ok(ix) => return Ok((ix, false)),
        Err(e @ ResolveError::Ambiguous { .. }) => return Err(e),
        Err(e) => e,
    };
    let hits = super::search(graph, text);
    if let Some(best) = hits.first()
        && best.score >= LEAST_GUESS
        && hits
            .get(1)
            .is_none_or(|next| next.score + CLEAR_LEAD <= best.score)
    {
        return Ok((best.node, true));
    }
    match error {
        ResolveError::Unknown { text, suggestions } if suggestions.is_empty() => {
            let suggestions = hits
                .iter()
                .take(3)
                .filter_map(|h| graph.node(h.node).map(|n| String::from(&*n.id)))
                .collect();
            Err(ResolveError::Unknown { text, suggestions })
        }
        other => Err(other),
    }
}

/// Ids of the nodes whose id, name or alias is nearest to `text`.
fn suggestions(graph: &Graph, text: &str) -> Vec<String> {
    let mut spellings: Vec<(&str, &str)> = Vec::new();
    for (_, node) in graph.nodes() {
        spellings.push((&*node.id, &*node.id));
        spellings.push((&*node.name, &*node.id));
        spellings.extend(node.aliases().map(|a| (a, &*node.id)));
    }
    let near = nearest(text, spellings.iter().map(|(s, _)| *s), 12);
    let mut ids: Vec<String> = Vec::new();
    for s in near {
        if let Some((_, id)) = spellings.iter().find(|(sp, _)| *sp == s)
            && !ids.iter().any(|i| i == id)
        {
            ids.push(id.to_string());
        }
    }
    ids.truncate(3);
    ids
}
