//! The curated graph's content, checked through the library: where every
//! statement comes from, the shape of the ids, the counts the article gives,
//! and that the descriptions and notes are our own words.

use std::collections::{BTreeSet, HashSet};

use seccoop::model::{Graph, Provenance};

const OUTLINE: &str = include_str!("../data/article-outline.toml");
const ARTICLE_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/seed/security-cooperation-activities.txt"
);

fn graph() -> Graph {
    seccoop::load::embedded().unwrap_or_else(|errors| {
        let problems: Vec<String> = errors
            .0
            .iter()
            .map(|e| match e.location() {
                Some(at) => format!("{at}: {e}"),
                None => e.to_string(),
            })
            .collect();
        panic!("the embedded graph does not load:\n{}", problems.join("\n"))
    })
}

/// Every `(section, item)` pair of `tests/data/article-outline.toml`.
fn outline() -> HashSet<(String, String)> {
    let doc: toml::Table = toml::from_str(OUTLINE).expect("article-outline.toml parses");
    let sections = doc["sections"].as_array().expect("[[sections]]");
    let mut pairs = HashSet::new();
    for section in sections {
        let title = section["title"].as_str().expect("a section title");
        for item in section["items"].as_array().expect("section items") {
            let item = item.as_str().expect("an item title");
            pairs.insert((title.to_string(), item.to_string()));
        }
    }
    assert!(pairs.len() > 40, "the outline looks truncated");
    pairs
}

/// What is wrong with a list of provenance entries, if anything.
fn provenance_problems(
    graph: &Graph,
    outline: &HashSet<(String, String)>,
    entries: &[Provenance],
) -> Vec<String> {
    if entries.is_empty() {
        return vec!["no provenance".into()];
    }
    let mut problems = Vec::new();
    for p in entries {
        if graph.source(&p.source).is_none() {
            problems.push(format!("undeclared source `{}`", p.source));
        }
        let pair = (
            p.section.clone().unwrap_or_default(),
            p.item.clone().unwrap_or_default(),
        );
        if !outline.contains(&pair) {
            problems.push(format!(
                "({:?}, {:?}) is not in the outline",
                pair.0, pair.1
            ));
        }
        if p.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
            problems.push("no note".into());
        }
    }
    problems
}

#[test]
fn every_node_has_provenance_from_the_article_outline() {
    let graph = graph();
    let outline = outline();
    let problems: Vec<String> = graph
        .nodes()
        .flat_map(|(_, n)| {
            provenance_problems(&graph, &outline, &n.provenance)
                .into_iter()
                .map(|p| format!("node `{}`: {p}", n.id))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_edge_has_provenance_from_the_article_outline() {
    let graph = graph();
    let outline = outline();
    let id = |ix| graph.node(ix).map_or("?", |n| n.id.as_str());
    let problems: Vec<String> = graph
        .edges()
        .flat_map(|e| {
            let edge = format!(
                "{} -{}-> {}",
                id(e.from),
                graph.rel_name(e.edge.rel),
                id(e.to)
            );
            provenance_problems(&graph, &outline, &e.edge.provenance)
                .into_iter()
                .map(move |p| format!("edge {edge}: {p}"))
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(graph.edge_count(), 215);
}

#[test]
fn node_ids_are_kebab_case() {
    let kebab = |id: &str| {
        !id.is_empty()
            && id.split('-').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            })
    };
    let graph = graph();
    let bad: Vec<&str> = graph
        .nodes()
        .map(|(_, n)| n.id.as_str())
        .filter(|id| !kebab(id))
        .collect();
    assert!(bad.is_empty(), "not kebab-case: {bad:?}");
}

/// The ids of the nodes of a kind.
fn ids_of_kind(graph: &Graph, kind: &str) -> BTreeSet<String> {
    let kind = graph.schema().kind_id(kind).expect("a kind of the schema");
    graph
        .nodes()
        .filter(|(_, n)| n.kind == kind)
        .map(|(_, n)| n.id.clone())
        .collect()
}

#[test]
fn counts_per_kind() {
    let graph = graph();
    for (kind, count) in [
        ("activity", 22),
        ("area", 6),
        ("challenge", 6),
        ("principle", 3),
    ] {
        assert_eq!(ids_of_kind(&graph, kind).len(), count, "{kind}");
    }
}

/// The ids of the areas an activity is `part_of`.
fn areas_of(graph: &Graph, activity: &str) -> BTreeSet<String> {
    let part_of = graph.schema().rel_id("part_of").expect("part_of");
    let ix = graph.node_index(activity).expect("the activity");
    graph
        .edges()
        .filter(|e| e.from == ix && e.edge.rel == part_of)
        .filter_map(|e| graph.node(e.to).map(|n| n.id.clone()))
        .collect()
}

#[test]
fn intelligence_sharing_is_part_of_exactly_two_areas() {
    let areas = areas_of(&graph(), "intelligence-sharing");
    assert_eq!(
        areas,
        BTreeSet::from([
            "information-sharing-and-capacity-building".to_string(),
            "military-cooperation".to_string(),
        ])
    );
}

#[test]
fn every_activity_is_part_of_an_area() {
    // The schema lets `part_of` end only at an area, so any target will do.
    let graph = graph();
    let orphans: Vec<String> = ids_of_kind(&graph, "activity")
        .into_iter()
        .filter(|a| areas_of(&graph, a).is_empty())
        .collect();
    assert!(orphans.is_empty(), "in no area: {orphans:?}");
}

/// Lowercase words: runs of letters and digits.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// How many words in a row make a copy.
const RUN: usize = 8;

/// The words of the seed article, read at test time.
fn article_words() -> Vec<String> {
    let article = std::fs::read_to_string(ARTICLE_PATH).unwrap_or_else(|e| {
        panic!(
            "cannot read the seed article at {ARTICLE_PATH}: {e}; \
             the copy check needs it"
        )
    });
    let words = words(&article);
    assert!(words.len() > 1000, "the article looks truncated");
    words
}

#[test]
fn descriptions_and_notes_do_not_copy_the_article() {
    let article_words = article_words();
    let article_runs: HashSet<&[String]> = article_words.windows(RUN).collect();

    let graph = graph();
    let mut texts: Vec<(String, &str)> = Vec::new();
    if let Some(d) = graph.meta().description.as_deref() {
        texts.push(("the graph's description".into(), d));
    }
    for (_, node) in graph.nodes() {
        if let Some(d) = node.description() {
            texts.push((format!("description of `{}`", node.id), d));
        }
        for p in &node.provenance {
            texts.extend(
                p.note
                    .as_deref()
                    .map(|n| (format!("note on `{}`", node.id), n)),
            );
        }
    }
    for e in graph.edges() {
        let from = graph.node(e.from).map_or("?", |n| n.id.as_str());
        for p in &e.edge.provenance {
            texts.extend(
                p.note
                    .as_deref()
                    .map(|n| (format!("note on an edge from `{from}`"), n)),
            );
        }
    }
    assert!(texts.len() > 250, "too few texts: {}", texts.len());

    let copied: Vec<String> = texts
        .iter()
        .filter_map(|(what, text)| {
            let w = words(text);
            w.windows(RUN)
                .find(|run| article_runs.contains(run))
                .map(|run| format!("{what}: \"{}\"", run.join(" ")))
        })
        .collect();
    assert!(
        copied.is_empty(),
        "{RUN}+ words copied from the article:\n{}",
        copied.join("\n")
    );
}

#[test]
fn the_copy_check_would_catch_a_copy() {
    // Guards the check above against a tokenizer that never matches: a run
    // of the article's own words, recased and repunctuated, is caught.
    let article_words = article_words();
    let runs: HashSet<&[String]> = article_words.windows(RUN).collect();
    let copy = article_words[200..200 + RUN].join(", ").to_uppercase();
    assert!(words(&copy).windows(RUN).any(|run| runs.contains(run)));
}
