//! Materialisation on hand-built graphs, and the checks on rules.

use super::{ProofTree, find_cycle, materialise, rederive, via};
use crate::load::load_str;
use crate::model::{Basis, Graph};

const SCHEMA: &str = r#"
[schema.kinds.activity]
[schema.kinds.threat]
[schema.kinds.actor]

[schema.relations.addresses]
from = ["activity"]
to = ["threat"]
[schema.relations.drives]
from = ["threat"]
to = ["threat"]
[schema.relations.kind_of]
from = ["threat"]
to = ["threat"]
[schema.relations.involves]
from = ["activity"]
to = ["actor"]

[schema.rules.indirect]
chain = ["addresses", "drives"]
gives = "addresses"
meaning = "countering a driver counters what it drives"
[schema.rules.transitive]
chain = ["kind_of", "kind_of"]
gives = "kind_of"
[schema.rules.forms]
chain = ["addresses", "kind_of"]
gives = "addresses"
"#;

fn graph(body: &str) -> Graph {
    let mut nodes = String::new();
    for (id, kind) in [
        ("border", "activity"),
        ("ct", "activity"),
        ("movement", "threat"),
        ("terrorism", "threat"),
        ("smuggling", "threat"),
        ("crime", "threat"),
        ("harm", "threat"),
    ] {
        nodes += &format!("[[nodes]]\nid = \"{id}\"\nkind = \"{kind}\"\nname = \"{id}\"\n");
    }
    load_str("t.toml", &format!("{SCHEMA}\n{nodes}\n{body}")).unwrap()
}

fn edge(from: &str, rel: &str, to: &str) -> String {
    format!("[[edges]]\nfrom = \"{from}\"\nrel = \"{rel}\"\nto = \"{to}\"\n")
}

/// `(from, rel, to, basis)` of every edge, sorted.
fn triples(g: &Graph) -> Vec<(String, String, String, Basis)> {
    let mut v: Vec<_> = g
        .edges()
        .map(|e| {
            let id = |ix| g.node(ix).map(|n| n.id.to_string()).unwrap_or_default();
            (
                id(e.from),
                g.rel_name(e.edge.rel).to_string(),
                id(e.to),
                e.edge.basis,
            )
        })
        .collect();
    v.sort_by(|a, b| (&a.0, &a.1, &a.2).cmp(&(&b.0, &b.1, &b.2)));
    v
}

fn derived(g: &Graph) -> Vec<String> {
    triples(g)
        .into_iter()
        .filter(|t| t.3 == Basis::Derived)
        .map(|(f, r, t, _)| format!("{f} {r} {t}"))
        .collect()
}

#[test]
fn a_chain_derives_its_head_with_a_proof() {
    let mut g = graph(
        &(edge("border", "addresses", "movement") + &edge("movement", "drives", "terrorism")),
    );
    assert_eq!(materialise(&mut g).unwrap(), 1);
    assert_eq!(derived(&g), ["border addresses terrorism"]);
    let e = g.edges().find(|e| e.edge.basis == Basis::Derived).unwrap();
    let proof = g.proof(e.index).unwrap();
    assert_eq!(g.schema().rules()[proof.rule].name, "indirect");
    assert_eq!(proof.edges.len(), 2);
    let via: Vec<_> = via(&g, e.index)
        .iter()
        .map(|&n| g.node(n).unwrap().id.to_string())
        .collect();
    assert_eq!(via, ["movement"]);
}

#[test]
fn derived_edges_feed_further_rules_and_proofs_bottom_out_in_asserted_edges() {
    let body = edge("border", "addresses", "smuggling")
        + &edge("smuggling", "kind_of", "crime")
        + &edge("crime", "kind_of", "harm")
        + &edge("harm", "drives", "terrorism");
    let mut g = graph(&body);
    materialise(&mut g).unwrap();
    assert_eq!(
        derived(&g),
        [
            "border addresses crime",
            "border addresses harm",
            "border addresses terrorism",
            "smuggling kind_of harm",
        ]
    );
    for e in g.edges().filter(|e| e.edge.basis == Basis::Derived) {
        let tree = ProofTree::of(&g, e.index);
        for leaf in tree.leaves() {
            assert_ne!(g.edge(leaf).unwrap().edge.basis, Basis::Derived);
        }
    }
}

#[test]
fn an_asserted_edge_is_never_derived_again() {
    let body = edge("border", "addresses", "movement")
        + &edge("movement", "drives", "terrorism")
        + &edge("border", "addresses", "terrorism");
    let mut g = graph(&body);
    assert_eq!(materialise(&mut g).unwrap(), 0);
    assert!(derived(&g).is_empty());
}

#[test]
fn materialising_twice_adds_nothing_and_rederiving_follows_removals() {
    let body = edge("border", "addresses", "movement") + &edge("movement", "drives", "terrorism");
    let mut g = graph(&body);
    materialise(&mut g).unwrap();
    assert_eq!(materialise(&mut g).unwrap(), 0);
    let movement = g.node_index("movement").unwrap();
    g.remove_node(movement);
    rederive(&mut g).unwrap();
    assert!(derived(&g).is_empty());
}

#[test]
fn a_graph_without_rules_derives_nothing() {
    let text = SCHEMA
        .split("[schema.rules.indirect]")
        .next()
        .unwrap()
        .to_string()
        + "[[nodes]]\nid = \"a\"\nkind = \"activity\"\nname = \"A\"\n";
    let mut g = load_str("t.toml", &text).unwrap();
    assert!(g.schema().rules().is_empty());
    assert_eq!(materialise(&mut g).unwrap(), 0);
}

/// The error lines of a schema with `rules` added to [`SCHEMA`]'s relations.
fn rule_errors(rules: &str) -> String {
    let base = SCHEMA.split("[schema.rules.indirect]").next().unwrap();
    let text = format!("{base}\n{rules}");
    match load_str("bad.toml", &text) {
        Ok(_) => String::new(),
        Err(errors) => errors
            .0
            .iter()
            .map(|e| {
                let loc = e
                    .location()
                    .map(|l| format!("{}:{}: ", l.line, l.column))
                    .unwrap_or_default();
                format!("{loc}{e}\n")
            })
            .collect(),
    }
}

#[test]
fn an_unknown_relation_in_a_rule_is_reported_with_the_near_miss() {
    let errors = rule_errors(
        "[schema.rules.r]\nchain = [\"adresses\", \"drives\"]\ngives = \"addresses\"\n",
    );
    assert!(errors.contains("unknown relation `adresses`"), "{errors}");
    assert!(errors.starts_with("21:10: "), "{errors}");
    let base = SCHEMA.split("[schema.rules.indirect]").next().unwrap();
    let text = format!(
        "{base}\n[schema.rules.r]\nchain = [\"adresses\", \"drives\"]\ngives = \"addresses\"\n"
    );
    let errors = load_str("bad.toml", &text).unwrap_err();
    assert!(format!("{:?}", errors.0[0].kind).contains("suggestion: Some(\"addresses\")"));
}

#[test]
fn a_chain_whose_kinds_cannot_meet_is_reported() {
    let errors = rule_errors(
        "[schema.rules.r]\nchain = [\"drives\", \"addresses\"]\ngives = \"addresses\"\n",
    );
    assert!(
        errors.contains("`drives` ends at threat but `addresses` starts at activity"),
        "{errors}"
    );
}

#[test]
fn a_head_that_cannot_hold_the_chain_is_reported() {
    let errors =
        rule_errors("[schema.rules.r]\nchain = [\"addresses\", \"drives\"]\ngives = \"drives\"\n");
    assert!(
        errors.contains("the chain can start at kind `activity`, but `drives` does not allow that"),
        "{errors}"
    );
}

#[test]
fn a_chain_of_one_relation_is_reported() {
    let errors = rule_errors("[schema.rules.r]\nchain = [\"drives\"]\ngives = \"drives\"\n");
    assert!(errors.contains("a chain needs at least two"), "{errors}");
}

#[test]
fn relations_deriving_each_other_are_refused() {
    let errors = rule_errors(
        "[schema.rules.a]\nchain = [\"drives\", \"kind_of\"]\ngives = \"kind_of\"\n\
         [schema.rules.b]\nchain = [\"kind_of\", \"kind_of\"]\ngives = \"drives\"\n",
    );
    assert!(
        errors.contains("rules `b`, `a` make `drives`, `kind_of` derive each other"),
        "{errors}"
    );
    let g = graph("");
    assert_eq!(find_cycle(g.schema().rules()), None);
}

#[test]
fn a_bulk_load_derives_on_its_second_thread_what_materialise_derives() {
    // The CSV and JSON Lines loaders derive while they add the asserted
    // edges; the graph must be the one materialising after the load gives.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("g");
    crate::generate::generate(&csv, 20_000, 7).unwrap();
    let jsonl = dir.path().join("g.jsonl");
    let loaded = crate::load::load_paths(std::slice::from_ref(&csv)).unwrap();
    crate::write::write(&loaded, &jsonl, crate::format::GraphFormat::Jsonl).unwrap();
    // The same edges with each pair of neighbouring `from`s' rows swapped:
    // the starts still come together, but not in order, so the engine
    // must sort them by start before it derives.
    let swapped = dir.path().join("swapped");
    std::fs::create_dir(&swapped).unwrap();
    for entry in std::fs::read_dir(&csv).unwrap() {
        let from = entry.unwrap().path();
        std::fs::copy(&from, swapped.join(from.file_name().unwrap())).unwrap();
    }
    let edges = std::fs::read_to_string(csv.join("edges.csv")).unwrap();
    let (header, rows) = edges.split_once('\n').unwrap();
    let rows: Vec<&str> = rows.lines().collect();
    let mut runs: Vec<&[&str]> = rows
        .chunk_by(|a, b| a.split(',').next() == b.split(',').next())
        .collect();
    runs.chunks_mut(2).for_each(|pair| pair.reverse());
    std::fs::write(
        swapped.join("edges.csv"),
        format!("{header}\n{}\n", runs.concat().join("\n")),
    )
    .unwrap();
    for path in [csv, jsonl, swapped] {
        let paths = [path];
        let mut expected = crate::load::load_paths(&paths).unwrap();
        let added = materialise(&mut expected).unwrap();
        // Many times the chunk a load's derivations are handed over in.
        assert!(
            added > 20 * super::CHUNK,
            "the generated graph derives {added} edges"
        );
        let got = crate::load::load_paths_reasoning(&paths, &crate::load::NoProgress)
            .unwrap()
            .unwrap();
        assert_eq!(got.derived_count(), added);
        assert_eq!(got.dump(), expected.dump());
        for e in got.edges().filter(|e| e.edge.basis == Basis::Derived) {
            let tree = ProofTree::of(&got, e.index);
            let mine = ProofTree::of(&expected, e.index);
            assert_eq!(tree, mine, "the proofs of edge {:?} differ", e.index);
        }
    }
}

/// A derivation that outgrows its limit stops with an error that names the
/// limit and the asserted edges, which the engine counts as it reads them.
#[test]
fn too_many_derived_edges_name_the_limit_and_the_asserted_count() {
    let g = graph("");
    let kind_of = g.schema().rel_id("kind_of").unwrap().0;
    // A chain of 499 `kind_of` edges: transitivity gives 499 · 498 / 2 =
    // 124,251 more, over the limit for so few asserted edges (100,000).
    let facts: Vec<super::engine::Fact> = (0..499)
        .map(|i| super::engine::Fact {
            from: i,
            rel: kind_of,
            to: i + 1,
        })
        .collect();
    let err = super::derive_in_chunks(g.schema(), facts.as_slice(), &mut |_| true).unwrap_err();
    assert_eq!(
        err,
        super::ReasonError::TooMany {
            limit: 100_000,
            asserted: 499
        }
    );
}

/// On a generated graph large enough for it, rules that extend a relation
/// along others are derived as reachability (numbered start by start, not
/// round by round), and give what the rounds give, each proof a chain of
/// its rule over older facts.
#[test]
fn a_generated_graph_derives_by_reach_what_the_rounds_derive() {
    use super::engine::{self, Derivations, Fact};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g");
    crate::generate::generate(&path, 20_000, 7).unwrap();
    let g = crate::load::load_paths(&[path]).unwrap();
    let facts: Vec<Fact> = (g.edges())
        .map(|e| Fact {
            from: e.from.index() as u32,
            rel: e.edge.rel.0,
            to: e.to.index() as u32,
        })
        .collect();
    let rules = super::chain_rules(g.schema());
    assert!(facts.len() >= super::linear::SMALL, "{} facts", facts.len());
    assert!(!super::linear::heads(&rules).is_empty());
    let by_reach = engine::materialise(&facts, &rules, usize::MAX).unwrap();
    let mut rounds = Derivations::default();
    engine::semi_naive(
        facts.as_slice(),
        &rules,
        &|_| usize::MAX,
        usize::MAX,
        &mut |d| {
            rounds = d;
            true
        },
    )
    .unwrap();
    assert!(by_reach.len() > 10_000, "{} derived", by_reach.len());
    assert_ne!(
        by_reach.facts(),
        rounds.facts(),
        "the same order: not by reach"
    );
    let set = |d: &Derivations| {
        d.facts()
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(set(&by_reach), set(&rounds));
    assert_eq!(by_reach.len(), rounds.len());
    for (i, d) in by_reach.iter().enumerate() {
        let id = facts.len() + i;
        let chain = &rules[d.rule].chain;
        assert_eq!(d.premises.len(), chain.len());
        let mut at = d.fact.from;
        for (&p, &rel) in d.premises.iter().zip(chain) {
            assert!((p as usize) < id, "derivation {id} rests on a later fact");
            let f = engine::fact_of(p as usize, &facts, &by_reach).unwrap();
            assert_eq!((f.from, f.rel), (at, rel), "derivation {id}");
            at = f.to;
        }
        assert_eq!(at, d.fact.to, "derivation {id}");
    }
}

/// The proofs of consecutive chunks, appended, are those of the whole:
/// each chunk's starts are shifted past the premises before it.
#[test]
fn appended_proofs_are_the_proofs_of_the_whole() {
    use super::engine::Proofs;
    let mut all = Proofs::default();
    all.append(&Proofs::default());
    assert_eq!(all, Proofs::default());
    all.append(&Proofs {
        rules: vec![0, 1],
        starts: vec![0, 2, 4],
        premises: vec![1, 2, 3, 4],
    });
    all.append(&Proofs {
        rules: vec![2],
        starts: vec![0, 3],
        premises: vec![5, 6, 7],
    });
    assert_eq!(
        all,
        Proofs {
            rules: vec![0, 1, 2],
            starts: vec![0, 2, 4, 7],
            premises: vec![1, 2, 3, 4, 5, 6, 7],
        }
    );
}

/// Derived edges kept apart and linked around a few nodes give those nodes
/// (and every node closer than the radius) the edges the fully linked
/// graph gives them, each with the same proof, and say where each edge is
/// in the fully linked graph; linking them all gives that graph itself.
/// On a generated graph, and on the curated one, whose proofs name derived
/// edges too.
#[test]
fn derived_edges_linked_around_nodes_are_those_the_whole_graph_gives_them() {
    let dir = tempfile::tempdir().unwrap();
    let generated = dir.path().join("g");
    crate::generate::generate(&generated, 5_000, 11).unwrap();
    let curated = dir.path().join("c");
    let embedded = crate::load::embedded().unwrap();
    crate::write::write(&embedded, &curated, crate::format::GraphFormat::Csv).unwrap();
    let seeds = [
        ("threat-1", 1),
        ("activity-3", 1),
        ("area-2", 2),
        ("actor-9", 2),
    ];
    let checked = linked_around_as_whole(generated, &seeds);
    assert!(checked > 50, "only {checked} derived edges compared");
    let ids: Vec<String> = embedded.nodes().map(|(_, n)| n.id.to_string()).collect();
    let seeds: Vec<(&str, usize)> = (ids.iter())
        .map(|id| (id.as_str(), 1))
        .chain([("terrorism", 2), (ids[5].as_str(), 3)])
        .collect();
    let checked = linked_around_as_whole(curated, &seeds);
    assert!(checked > 50, "only {checked} derived edges compared");
}

/// Loads `path` with the derived edges apart, links them around each seed
/// (a node id and a radius), and compares with the fully linked graph;
/// gives how many derived edges were compared.
fn linked_around_as_whole(path: std::path::PathBuf, seeds: &[(&str, usize)]) -> usize {
    use crate::model::Direction;
    use crate::reason::Linked;
    let paths = [path];
    let load_at = |at: Option<&[&str]>| {
        crate::load::load_paths_reasoning_apart(&paths, &crate::load::NoProgress, at)
            .unwrap()
            .unwrap()
    };
    let load = || load_at(None);
    let whole = crate::load::load_paths_reasoning(&paths, &crate::load::NoProgress)
        .unwrap()
        .unwrap();
    let (mut all, apart) = load();
    let apart = apart.expect("a bulk load keeps them apart");
    assert_eq!(apart.len(), whole.derived_count());
    assert_eq!(all.derived_count(), 0);
    apart.link_all(&mut all).unwrap();
    assert_eq!(all.dump(), whole.dump());
    // An edge as the fully linked graph would name it, with its proof.
    let describe = |g: &Graph, ids: &dyn Fn(usize) -> usize, e: crate::model::EdgeRef| {
        let tree = ProofTree::of(g, e.index);
        let mut leaves: Vec<usize> = tree.leaves().iter().map(|l| ids(l.index())).collect();
        leaves.sort_unstable();
        // Every edge of the proof, down to asserted ones, with its ends.
        let mut proof = Vec::new();
        let mut todo = vec![e.index];
        while let Some(x) = todo.pop() {
            let Some(p) = g.proof(x) else { continue };
            for &y in p.edges {
                let edge = g.edge(y).map(|y| (y.from, y.edge.rel, y.to));
                proof.push((p.rule, ids(x.index()), ids(y.index()), edge));
                todo.push(y);
            }
        }
        proof.sort();
        let basis = e.edge.basis.as_str();
        (
            ids(e.index.index()),
            e.from,
            e.edge.rel,
            e.to,
            basis,
            leaves,
            proof,
        )
    };
    let (mut checked, mut chained) = (0, 0);
    // Every fact kept, and for radius 1, only those at the seed too.
    let ways = (seeds.iter()).flat_map(|&(seed, radius)| {
        let at = (radius == 1).then_some((seed, radius, Some(seed)));
        std::iter::once((seed, radius, None)).chain(at)
    });
    for (seed, radius, at) in ways {
        let (mut part, apart) = load_at(at.as_ref().map(std::slice::from_ref));
        let seed = part.node_index(seed).unwrap();
        let linked = apart
            .unwrap()
            .link_around(&mut part, &[seed], radius, usize::MAX);
        let Ok(Linked::Around { first, whole: ids }) = linked else {
            panic!("{linked:?}")
        };
        assert!(part.derived_count() < whole.derived_count());
        assert_eq!(part.derived_count(), ids.len());
        let ids = |i: usize| match i.checked_sub(first) {
            Some(k) => ids.get(k).map_or(usize::MAX, |&w| w as usize),
            None => i,
        };
        // Every node closer than the radius, along any edge.
        let mut near = vec![seed];
        for _ in 1..radius {
            let next: Vec<_> = (near.iter())
                .flat_map(|&n| {
                    whole
                        .edges_of(n, Direction::Both)
                        .flat_map(|e| [e.from, e.to])
                })
                .collect();
            near.extend(next);
            near.sort_unstable();
            near.dedup();
        }
        for n in near {
            let mut mine: Vec<_> = (part.edges_of(n, Direction::Both))
                .map(|e| describe(&part, &ids, e))
                .collect();
            let mut theirs: Vec<_> = (whole.edges_of(n, Direction::Both))
                .map(|e| describe(&whole, &|i| i, e))
                .collect();
            mine.sort();
            theirs.sort();
            checked += mine.iter().filter(|e| e.4 == "derived").count();
            chained += (part.edges_of(n, Direction::Both))
                .filter_map(|e| part.proof(e.index))
                .filter(|p| p.edges.iter().any(|&x| part.proof(x).is_some()))
                .count();
            assert_eq!(mine, theirs, "the edges of {n:?}");
        }
    }
    if seeds.len() > 10 {
        assert!(chained > 0, "no proof named a derived edge");
    }
    checked
}
