//! Load and query benchmarks on generated graphs (`seccoop generate`).
//!
//! Loading a CSV folder, the reasoning engine on its asserted edges, and `related`, `impact`, `path`, a one-hop and a
//! three-hop Cypher pattern on the loaded graph (with the edges its rules
//! derive, as the command line holds it), at 1k and 100k nodes; at 1M
//! nodes too with `SECCOOP_BENCH_1M=1` (a few minutes).
//! `cargo bench --bench load`.
//! The end-to-end comparison with NetworkX and Kuzu is `benches/compare/`.

// A benchmark that cannot set up should stop with a message, as a test does.
#![allow(clippy::expect_used)]

use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use seccoop::analysis::{NeighborFilter, PathQuery, connections, impact, related};
use seccoop::model::Direction;
use seccoop::reason::engine::{ChainRule, Fact, materialise};

fn sizes() -> Vec<u64> {
    let mut sizes = vec![1_000, 100_000];
    if std::env::var_os("SECCOOP_BENCH_1M").is_some() {
        sizes.push(1_000_000);
    }
    sizes
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for n in sizes() {
        let path: PathBuf = dir.path().join(n.to_string());
        seccoop::generate::generate(&path, n, 1).expect("generate a graph");
        let paths = vec![path];
        let samples = if n >= 100_000 { 10 } else { 50 };

        let mut group = c.benchmark_group("load");
        group.sample_size(samples);
        group.bench_with_input(BenchmarkId::from_parameter(n), &paths, |b, p| {
            b.iter_with_large_drop(|| seccoop::load::load_paths(p).expect("the graph loads"));
        });
        group.finish();

        // The reasoning engine alone, on the asserted edges as numbers.
        let asserted = seccoop::load::load_paths(&paths).expect("the graph loads");
        let facts: Vec<Fact> = asserted
            .edges()
            .map(|e| Fact {
                from: e.from.index() as u32,
                rel: e.edge.rel.0,
                to: e.to.index() as u32,
            })
            .collect();
        let rules: Vec<ChainRule> = (asserted.schema().rules().iter())
            .map(|r| ChainRule {
                chain: r.chain.iter().map(|c| c.0).collect(),
                head: r.head.0,
            })
            .collect();
        drop(asserted);
        let mut group = c.benchmark_group("derive");
        group.sample_size(samples);
        group.bench_with_input(BenchmarkId::from_parameter(n), &facts, |b, f| {
            b.iter_with_large_drop(|| {
                materialise(f, &rules, usize::MAX).expect("a bounded derivation")
            });
        });
        group.finish();

        let graph = seccoop::load::load_paths_reasoning(&paths, &seccoop::load::NoProgress)
            .expect("the graph loads")
            .expect("the rules derive");
        let ix = |id: &str| graph.node_index(id).expect("a generated node");
        let schema = graph.schema();
        let addresses = schema.rel_id("addresses").expect("the default schema");
        let (threat, challenge) = (ix("threat-1"), ix("challenge-1"));
        let (from, to) = (ix("principle-0"), ix("actor-1"));

        let mut group = c.benchmark_group("query");
        group.sample_size(samples.max(20));
        group.bench_function(BenchmarkId::new("related", n), |b| {
            let filter = NeighborFilter {
                rels: vec![addresses],
                dir: Direction::In,
                kinds: Vec::new(),
            };
            b.iter(|| related(&graph, threat, &filter));
        });
        group.bench_function(BenchmarkId::new("impact", n), |b| {
            b.iter(|| impact(&graph, challenge, 3));
        });
        group.bench_function(BenchmarkId::new("path", n), |b| {
            b.iter(|| connections(&graph, from, to, &PathQuery::default()));
        });
        group.bench_function(BenchmarkId::new("cypher", n), |b| {
            use seccoop::query::{Options, Params, SeccoopGraph};
            let g = SeccoopGraph::new(&graph);
            let text = "MATCH (a)-[:addresses]->(t) WHERE t.id = 'threat-1' RETURN count(a)";
            b.iter(|| seccoop::query::run(text, &g, &Params::new(), &Options::default()));
        });
        group.bench_function(BenchmarkId::new("cypher-3hop", n), |b| {
            use seccoop::query::{Options, Params, SeccoopGraph};
            let g = SeccoopGraph::new(&graph);
            // From a challenge to the activities it hinders, the threats
            // they address, and every activity addressing those threats.
            let text = "MATCH (c {id: 'challenge-1'})<-[:hindered_by]-(a)-[:addresses]->(t)\
                        <-[:addresses]-(b) RETURN count(DISTINCT b)";
            b.iter(|| seccoop::query::run(text, &g, &Params::new(), &Options::default()));
        });
        group.finish();
    }
}

criterion_group!(load, benches);
criterion_main!(load);
