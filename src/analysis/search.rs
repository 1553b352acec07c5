//! Free-text search over ids, names, aliases and descriptions.

use petgraph::stable_graph::NodeIndex;
use serde::Serialize;

use crate::model::{Graph, Node};

/// Which part of a node matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchField {
    /// The id.
    Id,
    /// The name.
    Name,
    /// An alias.
    Alias,
    /// The description.
    Description,
    /// Another string property.
    Property,
}

impl MatchField {
    /// The field's name, as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchField::Id => "id",
            MatchField::Name => "name",
            MatchField::Alias => "alias",
            MatchField::Description => "description",
            MatchField::Property => "property",
        }
    }
}

/// A matching node and how well it matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// The node.
    pub node: NodeIndex,
    /// Higher is better; 100 is an exact id or name.
    pub score: u32,
    /// The best-matching field.
    pub field: MatchField,
}

/// Nodes matching `text`, best first.
///
/// Case is ignored. Scores: exact id or name 100, exact alias 95; a name,
/// id or alias that starts with the text 80/75/70, one that holds it at a
/// word start 65/60/60, anywhere 55/50/50; the description 30; another
/// string property 20. A text of several words that matches no field
/// whole also matches when every word occurs in the node: in the name or
/// id 45, with the aliases 40, with the description 25. Ties go by name.
///
/// # Complexity
/// O(n · L) for n nodes of total text length L.
///
/// # Example
/// ```
/// let graph = seccoop::load::embedded().unwrap();
/// let hits = seccoop::analysis::search(&graph, "terror");
/// assert_eq!(&*graph.node(hits[0].node).unwrap().id, "terrorism");
/// ```
pub fn search(graph: &Graph, text: &str) -> Vec<Hit> {
    let query = text.trim().to_lowercase();
    if query.is_empty() {
        return Vec::new();
    }
    let words: Vec<&str> = query.split_whitespace().collect();
    let mut hits: Vec<Hit> = graph
        .nodes()
        .filter_map(|(ix, node)| {
            score(node, &query, &words).map(|(score, field)| Hit {
                node: ix,
                score,
                field,
            })
        })
        .collect();
    hits.sort_by_cached_key(|h| {
        let node = graph.node(h.node);
        (
            std::cmp::Reverse(h.score),
            node.map(|n| n.name.to_lowercase()),
            node.map(|n| n.id.clone()),
        )
    });
    hits
}

fn score(node: &Node, query: &str, words: &[&str]) -> Option<(u32, MatchField)> {
    let id = node.id.to_lowercase();
    let name = node.name.to_lowercase();
    let aliases: Vec<String> = node.aliases().map(str::to_lowercase).collect();
    let mut best: Option<(u32, MatchField)> = None;
    let offer = |best: &mut Option<(u32, MatchField)>, score: u32, field: MatchField| {
        if best.is_none_or(|(s, _)| score > s) {
            *best = Some((score, field));
        }
    };
    let graded = |text: &str, exact: u32, prefix: u32, word: u32, anywhere: u32| -> Option<u32> {
        if text == query {
            Some(exact)
        } else if text.starts_with(query) {
            Some(prefix)
        } else if at_word_start(text, query) {
            Some(word)
        } else if text.contains(query) {
            Some(anywhere)
        } else {
            None
        }
    };
    if let Some(s) = graded(&id, 100, 75, 60, 50) {
        offer(&mut best, s, MatchField::Id);
    }
    if let Some(s) = graded(&name, 100, 80, 65, 55) {
        offer(&mut best, s, MatchField::Name);
    }
    for alias in &aliases {
        if let Some(s) = graded(alias, 95, 70, 60, 50) {
            offer(&mut best, s, MatchField::Alias);
        }
    }
    let description = node.description().map(str::to_lowercase);
    if description.as_deref().is_some_and(|d| d.contains(query)) {
        offer(&mut best, 30, MatchField::Description);
    }
    let other = || {
        node.properties()
            .iter()
            .filter(|(k, _)| k.as_str() != "description" && k.as_str() != "aliases")
            .flat_map(|(_, v)| v.strings())
    };
    if other().any(|s| s.to_lowercase().contains(query)) {
        offer(&mut best, 20, MatchField::Property);
    }
    if best.is_none() && words.len() > 1 {
        // Every word somewhere: the narrowest field that holds them all.
        let all_in = |text: &str| words.iter().all(|w| text.contains(w));
        let names = format!("{name} {id}");
        let with_aliases = format!("{names} {}", aliases.join(" "));
        let everything = format!("{with_aliases} {}", description.as_deref().unwrap_or(""));
        if all_in(&names) {
            offer(&mut best, 45, MatchField::Name);
        } else if all_in(&with_aliases) {
            offer(&mut best, 40, MatchField::Alias);
        } else if all_in(&everything) {
            offer(&mut best, 25, MatchField::Description);
        }
    }
    best
}

/// Whether `needle` occurs in `text` right after a space, dash or other
/// non-alphanumeric character.
fn at_word_start(text: &str, needle: &str) -> bool {
    text.match_indices(needle).any(|(i, _)| {
        text[..i]
            .chars()
            .next_back()
            .is_some_and(|c| !c.is_alphanumeric())
    })
}
