//! Proptest stand-ins for the fuzz targets, for toolchains without
//! cargo-fuzz: the same target bodies (`fuzz/src/lib.rs`, compiled in here
//! as a module), fed arbitrary bytes and mutations of real graph files and
//! queries. Also replays every input a fuzzer found a bug with
//! (`tests/fuzz_regressions/<target>/`).
//!
//! A separate test target from `tests/cli`: that one runs the binary, this
//! one drives the library the way the fuzzers do.

// Test code: a panic is a failed test, with its message.
#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "../../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod targets;

mod any_graph;

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use seccoop::write::{GraphFormat, write};

/// The TOML graph files the loaders' inputs are mutated from.
const TOML_SEEDS: &[&str] = &[
    include_str!("../../graph/security-cooperation.toml"),
    include_str!("../../graph/schema.toml"),
    include_str!("../../examples/regional-cooperation.toml"),
    include_str!("../fixtures/good/phishing.toml"),
    include_str!("../fixtures/good/solar-system.toml"),
    include_str!("../fixtures/bad/duplicate-id.toml"),
    include_str!("../fixtures/bad/many-problems.toml"),
    include_str!("../fixtures/bad/forbidden-relation.toml"),
    include_str!("../fixtures/bad/wrong-type.toml"),
    include_str!("../fixtures/bad/toml-syntax.toml"),
];

/// The Cypher queries the query targets' inputs are mutated from.
const CYPHER_SEEDS: &str = include_str!("../../fuzz/seeds/cypher.txt");

/// Seeds per format: the good TOML graphs, also written as JSON, JSON
/// Lines and CSV folders by seccoop's writers.
struct Seeds {
    toml: Vec<Vec<u8>>,
    json: Vec<Vec<u8>>,
    jsonl: Vec<Vec<u8>>,
    csv: Vec<Vec<u8>>,
    snapshot: Vec<Vec<u8>>,
    cypher: Vec<Vec<u8>>,
}

fn seeds() -> &'static Seeds {
    static SEEDS: OnceLock<Seeds> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut seeds = Seeds {
            toml: TOML_SEEDS.iter().map(|s| s.as_bytes().to_vec()).collect(),
            json: vec![include_bytes!("../fixtures/bad/json-syntax.json").to_vec()],
            jsonl: Vec::new(),
            csv: Vec::new(),
            snapshot: Vec::new(),
            cypher: CYPHER_SEEDS
                .lines()
                .map(|l| l.as_bytes().to_vec())
                .collect(),
        };
        for (i, text) in TOML_SEEDS.iter().enumerate() {
            let Ok(graph) = seccoop::load::load_str("seed.toml", text) else {
                continue;
            };
            let path = |ext: &str| dir.path().join(format!("{i}{ext}"));
            write(&graph, &path(".json"), GraphFormat::Json).expect("write JSON");
            write(&graph, &path(".jsonl"), GraphFormat::Jsonl).expect("write JSON Lines");
            write(&graph, &path(""), GraphFormat::Csv).expect("write CSV");
            seeds.json.push(std::fs::read(path(".json")).expect("read"));
            seeds
                .jsonl
                .push(std::fs::read(path(".jsonl")).expect("read"));
            seeds.csv.push(targets::csv_bundle(&path("")));
            let mut reasoned = graph.clone();
            seccoop::reason::materialise(&mut reasoned).expect("the rules derive");
            for g in [&graph, &reasoned] {
                let bytes = seccoop::write::snapshot::to_bytes(g).expect("write a snapshot");
                seeds.snapshot.push(bytes);
            }
        }
        seeds
    })
}

/// `n` cases, times `SECCOOP_STANDIN_SCALE` when set (for a longer run).
fn cases(n: u32) -> ProptestConfig {
    let scale: u32 = std::env::var("SECCOOP_STANDIN_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    ProptestConfig::with_cases(n.saturating_mul(scale))
}

/// Bytes a mutation inserts: the characters and tokens that break parsers
/// and writers.
const SPICE: &[&str] = &[
    "\"",
    "'",
    "\\",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\0",
    ",",
    "{",
    "}",
    "[",
    "]",
    "=",
    ":",
    "#",
    "<",
    ">",
    "%",
    "é",
    "日本",
    "🎉",
    "\u{202e}",
    "\u{feff}",
    "nan",
    "inf",
    "-0.0",
    "1e999",
    "9223372036854775808",
    "-9223372036854775808",
    "null",
    "true",
    "[]",
    "{}",
    "\"\"",
    "\"\"\"",
    "'''",
    "\\u0000",
    "\\ud800",
    "id",
    "kind",
    "name",
    "from",
    "rel",
    "to",
    "type",
    "basis",
    "inferred",
    "provenance",
    "source",
    "schema",
    "nodes",
    "edges",
    "[[nodes]]",
    "[[edges]]",
    "==> edges.csv <==\n",
    "==> schema.toml <==\n",
    "==> graph.toml <==\n",
    "MATCH",
    "RETURN",
    "WHERE",
    "WITH",
    "UNWIND",
    "*",
    "*1..",
    "->",
    "<-",
    "-[",
    "]-",
    "(",
    ")",
    "|",
    "$x",
    "//",
    "/*",
    "count(*)",
];

/// One edit of a seed.
#[derive(Debug, Clone)]
enum Edit {
    /// Flip some bits of a byte.
    Flip(prop::sample::Index, u8),
    /// Remove a run of bytes.
    Remove(prop::sample::Index, usize),
    /// Insert one of [`SPICE`].
    Insert(prop::sample::Index, prop::sample::Index),
    /// Copy a run of bytes elsewhere.
    Copy(prop::sample::Index, usize, prop::sample::Index),
    /// Cut the input short.
    Truncate(prop::sample::Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        1 => (any::<prop::sample::Index>(), 1u8..).prop_map(|(i, m)| Edit::Flip(i, m)),
        1 => (any::<prop::sample::Index>(), 1usize..40).prop_map(|(i, n)| Edit::Remove(i, n)),
        3 => (any::<prop::sample::Index>(), any::<prop::sample::Index>())
            .prop_map(|(i, s)| Edit::Insert(i, s)),
        1 => (
            any::<prop::sample::Index>(),
            1usize..80,
            any::<prop::sample::Index>()
        )
            .prop_map(|(i, n, j)| Edit::Copy(i, n, j)),
        1 => any::<prop::sample::Index>().prop_map(Edit::Truncate),
    ]
}

fn apply(mut data: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let len = data.len();
        let at = |i: &prop::sample::Index| if len == 0 { 0 } else { i.index(len + 1) };
        match e {
            Edit::Flip(i, m) if len > 0 => data[i.index(len)] ^= m,
            Edit::Flip(..) => {}
            Edit::Remove(i, n) => {
                let start = at(i).min(len);
                data.drain(start..(start + n).min(len));
            }
            Edit::Insert(i, s) => {
                let start = at(i);
                let spice = SPICE[s.index(SPICE.len())].as_bytes();
                data.splice(start..start, spice.iter().copied());
            }
            Edit::Copy(i, n, j) => {
                let start = at(i).min(len);
                let run: Vec<u8> = data[start..(start + n).min(len)].to_vec();
                let to = at(j);
                data.splice(to..to, run);
            }
            Edit::Truncate(i) => data.truncate(at(i)),
        }
    }
    data
}

/// A seed with a few edits.
fn mutated(pick: fn(&Seeds) -> &Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    (
        any::<prop::sample::Index>(),
        prop::collection::vec(edit(), 0..6),
    )
        .prop_map(move |(i, edits)| {
            let list = pick(seeds());
            apply(list[i.index(list.len())].clone(), &edits)
        })
}

/// Arbitrary bytes, or arbitrary text made of the spice.
fn noise() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..400),
        prop::collection::vec(any::<prop::sample::Index>(), 0..60).prop_map(|picks| picks
            .iter()
            .flat_map(|i| SPICE[i.index(SPICE.len())].bytes())
            .collect()),
    ]
}

proptest! {
    // The loaders round-trip every accepted graph through four formats, and
    // the curated graph is a seed: 40 cases each keep the file near 30 s in
    // a debug build.
    #![proptest_config(cases(40))]

    #[test]
    fn load_toml_noise(data in noise()) { targets::load_toml(&data) }

    #[test]
    fn load_toml_mutated(data in mutated(|s| &s.toml)) { targets::load_toml(&data) }

    #[test]
    fn load_json_noise(data in noise()) { targets::load_json(&data) }

    #[test]
    fn load_json_mutated(data in mutated(|s| &s.json)) { targets::load_json(&data) }

    #[test]
    fn load_jsonl_noise(data in noise()) { targets::load_jsonl(&data) }

    #[test]
    fn load_jsonl_mutated(data in mutated(|s| &s.jsonl)) { targets::load_jsonl(&data) }

    #[test]
    fn load_csv_noise(data in noise()) { targets::load_csv(&data) }

    #[test]
    fn load_csv_mutated(data in mutated(|s| &s.csv)) { targets::load_csv(&data) }

    #[test]
    fn load_snapshot_noise(data in noise()) { targets::load_snapshot(&data) }
}

proptest! {
    // Most snapshot mutations are refused before the body is decoded, and
    // the target reseals each to reach the decoder: more cases than the
    // text loaders, since most end in an error early.
    #![proptest_config(cases(100))]

    #[test]
    fn load_snapshot_mutated(data in mutated(|s| &s.snapshot)) { targets::load_snapshot(&data) }
}

proptest! {
    #![proptest_config(cases(300))]

    #[test]
    fn cypher_parse_noise(data in noise()) { targets::cypher_parse(&data) }

    #[test]
    fn cypher_parse_mutated(data in mutated(|s| &s.cypher)) { targets::cypher_parse(&data) }

    #[test]
    fn cypher_eval_noise(data in noise()) { targets::cypher_eval(&data) }

    #[test]
    fn cypher_eval_mutated(data in mutated(|s| &s.cypher)) { targets::cypher_eval(&data) }

    #[test]
    fn dot_write_bytes(data in prop::collection::vec(any::<u8>(), 0..600)) {
        targets::dot_write(&data)
    }

    /// Bytes whose strings lean on the characters DOT must escape.
    #[test]
    fn dot_write_spiced(head in prop::collection::vec(any::<u8>(), 0..8),
                        parts in prop::collection::vec((any::<u8>(), any::<prop::sample::Index>()), 0..120)) {
        let mut data = head;
        for (b, i) in parts {
            data.push(b);
            data.extend(SPICE[i.index(SPICE.len())].bytes());
        }
        targets::dot_write(&data)
    }
}

proptest! {
    #![proptest_config(cases(64))]

    /// Any graph `check` accepts reads back the same from TOML, JSON, JSON
    /// Lines, a CSV folder, GraphML, node-link JSON, Turtle and N-Triples
    /// (or is refused for a documented reason), and its DOT reads back through
    /// graphviz-rust's parser with the same nodes, labels and edges.
    #[test]
    fn any_accepted_graph_round_trips(text in any_graph::graph_file()) {
        let graph = seccoop::load::load_str("any.toml", &text).unwrap_or_else(|e| {
            let problems: Vec<String> = e.0.iter().map(|e| e.to_string()).collect();
            panic!("the generated graph is refused: {problems:#?}\n{text}")
        });
        let dir = tempfile::tempdir().expect("a temporary folder");
        targets::check_graph(&graph, dir.path());
    }
}

/// Replays every saved input of one target.
fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let data = std::fs::read(&path).expect("read a saved input");
        eprintln!("replaying {}", path.display());
        run(&data);
    }
}

#[test]
fn saved_inputs_replay_without_findings() {
    replay("load_toml", targets::load_toml);
    replay("load_json", targets::load_json);
    replay("load_jsonl", targets::load_jsonl);
    replay("load_csv", targets::load_csv);
    replay("load_snapshot", targets::load_snapshot);
    replay("cypher_parse", targets::cypher_parse);
    replay("cypher_eval", targets::cypher_eval);
    replay("dot_write", targets::dot_write);
}

#[test]
fn every_seed_runs_through_its_target() {
    let s = seeds();
    for d in &s.toml {
        targets::load_toml(d);
    }
    for d in &s.json {
        targets::load_json(d);
    }
    for d in &s.jsonl {
        targets::load_jsonl(d);
    }
    for d in &s.csv {
        targets::load_csv(d);
    }
    assert!(!s.snapshot.is_empty());
    for d in &s.snapshot {
        targets::load_snapshot(d);
    }
    for d in &s.cypher {
        targets::cypher_parse(d);
        targets::cypher_eval(d);
    }
}
