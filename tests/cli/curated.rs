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
            p.section.as_deref().unwrap_or_default().to_string(),
            p.item.as_deref().unwrap_or_default().to_string(),
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
            provenance_problems(&graph, &outline, n.provenance())
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
    let id = |ix| graph.node(ix).map_or("?", |n| &*n.id);
    let problems: Vec<String> = graph
        .edges()
        .flat_map(|e| {
            let edge = format!(
                "{} -{}-> {}",
                id(e.from),
                graph.rel_name(e.edge.rel),
                id(e.to)
            );
            provenance_problems(&graph, &outline, e.edge.provenance())
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
        .map(|(_, n)| &*n.id)
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
        .map(|(_, n)| n.id.to_string())
        .collect()
}

#[test]
fn counts_per_kind() {
    let graph = graph();
    for (kind, count) in [
        ("activity", 22),
        ("area", 6),
        ("challenge", 6),
        ("principle", 4),
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
        .filter_map(|e| graph.node(e.to).map(|n| n.id.to_string()))
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
        for p in node.provenance() {
            texts.extend(
                p.note
                    .as_deref()
                    .map(|n| (format!("note on `{}`", node.id), n)),
            );
        }
    }
    for e in graph.edges() {
        let from = graph.node(e.from).map_or("?", |n| &*n.id);
        for p in e.edge.provenance() {
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

/// The basis of the edge `from -rel-> to`, or `None` when there is no such edge.
fn basis_of(graph: &Graph, from: &str, rel: &str, to: &str) -> Option<String> {
    let (from, to) = (graph.node_index(from)?, graph.node_index(to)?);
    let rel = graph.schema().rel_id(rel)?;
    graph
        .edges()
        .find(|e| e.from == from && e.to == to && e.edge.rel == rel)
        .map(|e| e.edge.basis.as_str().to_string())
}

#[test]
fn the_audit_against_the_article_holds() {
    // A re-read of every edge against the article: edges that rested on
    // knowledge from outside it are gone, and each basis says what the
    // article does (stated) or what a careful reader of it alone would
    // conclude (inferred).
    let graph = graph();
    let gone = [
        (
            "development-assistance",
            "addresses",
            "climate-change-induced-instability",
        ),
        (
            "peacekeeping-operations",
            "addresses",
            "conflict-escalation",
        ),
        ("peacekeeping-operations", "addresses", "instability"),
        ("sanctions-and-embargoes", "addresses", "wmd-proliferation"),
        (
            "proliferation-financing",
            "kind_of",
            "illicit-financial-flows",
        ),
        (
            "arms-sales-and-transfers",
            "involves",
            "private-sector-actors",
        ),
        (
            "capacity-building-initiatives",
            "involves",
            "developing-countries",
        ),
        (
            "negotiations-and-conflict-resolution",
            "involves",
            "international-organizations",
        ),
        ("public-diplomacy", "involves", "civil-society-actors"),
        ("development-assistance", "involves", "ngos"),
        (
            "counter-proliferation-financing",
            "involves",
            "private-sector-actors",
        ),
        (
            "combating-financial-terrorism",
            "involves",
            "private-sector-actors",
        ),
        (
            "arms-sales-and-transfers",
            "hindered_by",
            "differing-national-interests",
        ),
        (
            "clear-objectives-and-goals",
            "mitigates",
            "differing-national-interests",
        ),
        (
            "development-assistance",
            "mitigates",
            "resource-constraints",
        ),
        (
            "negotiations-and-conflict-resolution",
            "supports",
            "peacekeeping-operations",
        ),
        (
            "multilateral-diplomacy",
            "supports",
            "peacekeeping-operations",
        ),
        (
            "counter-proliferation-financing",
            "supports",
            "sanctions-and-embargoes",
        ),
    ];
    for (from, rel, to) in gone {
        assert_eq!(
            basis_of(&graph, from, rel, to),
            None,
            "{from} -{rel}-> {to}"
        );
    }
    let labelled = [
        (
            "capacity-building-initiatives",
            "addresses",
            "cyberattacks",
            "inferred",
        ),
        ("intelligence-sharing", "involves", "states", "inferred"),
        (
            "intelligence-sharing",
            "involves",
            "international-organizations",
            "inferred",
        ),
        (
            "intelligence-sharing",
            "involves",
            "united-nations",
            "inferred",
        ),
        ("intelligence-sharing", "involves", "nato", "inferred"),
        (
            "intelligence-sharing",
            "involves",
            "european-union",
            "inferred",
        ),
        (
            "combating-financial-terrorism",
            "supports",
            "counter-terrorism-cooperation",
            "inferred",
        ),
        (
            "information-exchanges-on-best-practices",
            "supports",
            "cybersecurity-cooperation",
            "stated",
        ),
        (
            "information-exchanges-on-best-practices",
            "involves",
            "private-sector-actors",
            "stated",
        ),
        (
            "climate-change",
            "kind_of",
            "non-traditional-threats",
            "stated",
        ),
        ("pandemics", "kind_of", "non-traditional-threats", "stated"),
        (
            "cyberattacks",
            "kind_of",
            "non-traditional-threats",
            "stated",
        ),
        (
            "peacekeeping-operations",
            "involves",
            "regional-organizations",
            "stated",
        ),
        (
            "united-nations",
            "is_a",
            "international-organizations",
            "stated",
        ),
        ("ngos", "is_a", "non-state-actors", "none"),
        (
            "developing-countries",
            "faces",
            "resource-constraints",
            "stated",
        ),
        (
            "adherence-to-international-law-and-human-rights-standards",
            "mitigates",
            "legal-and-ethical-considerations",
            "inferred",
        ),
    ];
    for (from, rel, to, basis) in labelled {
        let want = (basis != "none").then(|| basis.to_string());
        assert_eq!(
            basis_of(&graph, from, rel, to),
            want,
            "{from} -{rel}-> {to}"
        );
    }
    // Names people type reach the right nodes.
    for (alias, id) in [
        ("proliferation of WMD", "wmd-proliferation"),
        ("WMD proliferation", "wmd-proliferation"),
        ("weapons of mass destruction", "wmd-proliferation"),
        (
            "human rights",
            "adherence-to-international-law-and-human-rights-standards",
        ),
    ] {
        let ix = seccoop::analysis::resolve_node(&graph, alias).expect(alias);
        assert_eq!(graph.node(ix).map(|n| &*n.id), Some(id), "{alias}");
    }
}

#[test]
fn every_derived_edge_rests_on_asserted_edges_with_provenance() {
    let mut graph = graph();
    let added = seccoop::reason::materialise(&mut graph).expect("the rules derive within bounds");
    assert_eq!(added, graph.derived_count());
    let outline = outline();
    let id = |g: &Graph, ix| g.node(ix).map_or("?".to_string(), |n| n.id.to_string());
    for e in graph
        .edges()
        .filter(|e| e.edge.basis == seccoop::model::Basis::Derived)
    {
        let tree = seccoop::reason::ProofTree::of(&graph, e.index);
        let leaves = tree.leaves();
        assert!(leaves.len() >= 2, "a proof follows a chain");
        for leaf in leaves {
            let l = graph.edge(leaf).expect("a proof's edges are in the graph");
            assert_ne!(l.edge.basis, seccoop::model::Basis::Derived);
            let problems = provenance_problems(&graph, &outline, l.edge.provenance());
            assert!(
                problems.is_empty(),
                "{} -> {}: {problems:?}",
                id(&graph, l.from),
                id(&graph, l.to)
            );
        }
    }
}

#[test]
fn the_derived_edges_by_rule_are_the_ones_read_by_hand() {
    let mut graph = graph();
    seccoop::reason::materialise(&mut graph).expect("the rules derive within bounds");
    let mut by_rule: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for e in graph.edges() {
        let Some(proof) = graph.proof(e.index) else {
            continue;
        };
        let rule = graph.schema().rules()[proof.rule].name.clone();
        let id = |ix| graph.node(ix).map_or("?", |n| &*n.id);
        by_rule.entry(rule).or_default().push(format!(
            "{} {} {}",
            id(e.from),
            graph.rel_name(e.edge.rel),
            id(e.to)
        ));
    }
    for list in by_rule.values_mut() {
        list.sort();
    }
    // Each checked against the article: countering a driver or a form of a
    // threat counters it indirectly; taking part through a member of a group.
    let expected: std::collections::BTreeMap<String, Vec<String>> = [
        (
            "addressing-a-form",
            vec![
                "border-security-cooperation addresses transnational-crime",
                "capacity-building-initiatives addresses instability",
                "capacity-building-initiatives addresses non-traditional-threats",
                "counter-terrorism-cooperation addresses illicit-financial-flows",
                "cybersecurity-cooperation addresses non-traditional-threats",
                "information-exchanges-on-best-practices addresses instability",
                "information-exchanges-on-best-practices addresses non-traditional-threats",
                "intelligence-sharing addresses non-traditional-threats",
                "multilateral-diplomacy addresses instability",
                "multilateral-diplomacy addresses non-traditional-threats",
                "private-sector-partnership addresses non-traditional-threats",
            ],
        ),
        (
            "indirect-addressing",
            vec![
                "border-security-cooperation addresses terrorism",
                "capacity-building-initiatives addresses climate-change-induced-instability",
                "information-exchanges-on-best-practices addresses climate-change-induced-instability",
                "multilateral-diplomacy addresses climate-change-induced-instability",
                "negotiations-and-conflict-resolution addresses instability",
            ],
        ),
        ("is-a-is-transitive", vec!["ngos is_a non-state-actors"]),
        (
            "taking-part-through-a-member",
            vec![
                "capacity-building-initiatives involves states",
                "cybersecurity-cooperation involves non-state-actors",
                "information-exchanges-on-best-practices involves non-state-actors",
                "multilateral-diplomacy involves regional-organizations",
                "peacekeeping-operations involves international-organizations",
            ],
        ),
    ]
    .into_iter()
    .map(|(r, l)| (r.to_string(), l.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(by_rule, expected);
}
