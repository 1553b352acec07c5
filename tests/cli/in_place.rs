//! A snapshot opened in place: `related`, `show`, `explain`, `impact`,
//! `export --focus`, `query` and `path` on a snapshot read only their nodes'
//! neighbourhood,
//! and print exactly what the whole graph, loaded as every other command
//! loads it
//! (`SECCOOP_WHOLE_GRAPH`), prints: stdout, stderr and exit code, in every
//! format `related` offers that is text, with and without reasoning, for
//! every node of the curated graph and a sample of a generated one.
//! Hostile index sections are refused, never a panic.

use crate::harness::{Run, Scratch, command, finish};

/// Runs `args` in `s` with the whole graph loaded (`whole`) or not.
fn run(s: &Scratch, args: &[&str], whole: bool) -> Run {
    let mut cmd = command(s.path(), args);
    if whole {
        cmd.env("SECCOOP_WHOLE_GRAPH", "1");
    } else {
        cmd.env_remove("SECCOOP_WHOLE_GRAPH");
    }
    finish(cmd, args)
}

/// Asserts `args` print the same both ways; gives the number of runs.
#[track_caller]
fn same(s: &Scratch, args: &[&str]) -> usize {
    let (fast, full) = (run(s, args, false), run(s, args, true));
    fast.no_panic();
    assert_eq!(
        (&fast.stdout, &fast.stderr, fast.code),
        (&full.stdout, &full.stderr, full.code),
        "in place:\n{fast}\nwhole:\n{full}"
    );
    1
}

/// The ids of every node of the snapshot, as the whole graph lists them.
fn ids(s: &Scratch) -> Vec<String> {
    let listed = run(s, &["-g", "g.sccp", "list", "--format", "json"], true);
    listed.success();
    listed
        .json()
        .as_array()
        .expect("a list")
        .iter()
        .map(|n| n["id"].as_str().expect("an id").to_string())
        .collect()
}

/// Every option of `related` for `node`, in every text format.
fn every_option(s: &Scratch, g: &str, node: &str) -> usize {
    let mut runs = 0;
    for reasoning in [true, false] {
        for format in ["table", "json", "jsonl", "csv", "dot", "mermaid", "html"] {
            for dir in ["both", "in", "out"] {
                let mut args = vec!["-g", g, "related", node, "--dir", dir];
                args.extend(["--format", format]);
                if !reasoning {
                    args.insert(0, "--no-reasoning");
                }
                runs += same(s, &args);
            }
        }
        for filter in [
            &["--rel", "addresses"][..],
            &["--rel", "drives", "--rel", "addresses", "--dir", "in"],
            &["--kind", "threats"],
            &["--rel", "no-such-relation"],
        ] {
            let mut args = vec!["-g", g, "related", node];
            args.extend_from_slice(filter);
            if !reasoning {
                args.insert(0, "--no-reasoning");
            }
            runs += same(s, &args);
        }
    }
    runs
}

/// Every node in JSON and as a table, with and without reasoning, by
/// `related` and `show`; and `explain` for every edge out of the first
/// `explained` nodes, and for an edge that does not hold.
fn every_node(s: &Scratch, g: &str, ids: &[String], explained: usize) -> usize {
    let mut runs = 0;
    for id in ids {
        for command in ["related", "show"] {
            for format in ["json", "table"] {
                runs += same(s, &["-g", g, command, id, "--format", format]);
                let asserted = ["--no-reasoning", "-g", g, command, id];
                runs += same(s, &[&asserted[..], &["--format", format]].concat());
            }
        }
    }
    for id in ids.iter().take(explained) {
        let args = ["-g", g, "related", id, "--dir", "out", "--format", "json"];
        let edges = run(s, &args, true);
        for row in edges.success().json().as_array().expect("rows") {
            let (rel, to) = (row["rel"].as_str().unwrap(), row["id"].as_str().unwrap());
            for format in ["json", "table"] {
                let args = ["-g", g, "explain", id, rel, to, "--format", format];
                runs += same(s, &args);
                runs += same(s, &[&["--no-reasoning"][..], &args].concat());
            }
            runs += same(s, &["-g", g, "explain", to, rel, id]);
        }
    }
    runs
}

#[test]
fn related_in_place_prints_what_the_whole_curated_graph_prints() {
    let (s, ids) = curated();
    assert_eq!(ids.len(), 78);
    let mut runs = every_node(&s, "g.sccp", &ids, 20);
    for node in [
        "terrorism",
        "intelligence-sharing",
        "border-security-cooperation",
    ] {
        runs += every_option(&s, "g.sccp", node);
    }
    // What is not an exact id goes the whole graph's way: a name, another
    // case, a search match, an unknown node.
    for node in [
        "Terrorism",
        "TERRORISM",
        "terror",
        "terorism",
        "no such node",
    ] {
        runs += same(&s, &["-g", "g.sccp", "related", node]);
    }
    assert!(runs > 400, "{runs} runs");
}

/// From a CSV folder or a JSON Lines file, with the rules, `related`,
/// `show`, `explain` and `export --focus` link only the derived edges of
/// their neighbourhood (`Scope::Around`), and print what the graph with
/// every derived edge linked (`SECCOOP_WHOLE_GRAPH`) prints.
#[test]
fn a_bulk_load_linking_a_neighbourhood_prints_what_the_whole_curated_graph_prints() {
    let (s, ids) = curated();
    s.run(&["convert", "cur"]).success();
    s.run(&["convert", "cur.jsonl"]).success();
    let mut runs = every_node(&s, "cur", &ids, 20);
    let sample: Vec<String> = ids.iter().step_by(4).cloned().collect();
    runs += every_node(&s, "cur.jsonl", &sample, 5);
    for g in ["cur", "cur.jsonl"] {
        runs += every_option(&s, g, "terrorism");
        runs += every_export(&s, g, &ids[..6]);
        // A name, not an exact id: every derived edge is linked.
        runs += same(&s, &["-g", g, "related", "Terrorism"]);
    }
    assert!(runs > 900, "{runs} runs");
}

/// As above, on a generated graph's CSV folder.
#[test]
fn a_bulk_load_linking_a_neighbourhood_prints_what_a_whole_generated_graph_prints() {
    let (s, ids, sample) = generated(50, 10);
    let mut runs = every_node(&s, "gen", &sample, 5);
    runs += every_option(&s, "gen", &ids[0]);
    runs += every_export(&s, "gen", &sample[..5]);
    assert!(runs > 300, "{runs} runs");
}

/// The built-in graph as `g.sccp`, and its ids.
fn curated() -> (Scratch, Vec<String>) {
    let s = Scratch::new();
    s.run(&["convert", "g.sccp"]).success();
    let ids = ids(&s);
    (s, ids)
}

/// A generated graph of 2,000 nodes as `g.sccp`, its ids, and a sample of
/// them: every `every`th, and the first `first`, which the generator links
/// most.
fn generated(every: usize, first: usize) -> (Scratch, Vec<String>, Vec<String>) {
    let s = Scratch::new();
    s.run(&["generate", "--nodes", "2000", "--seed", "3", "gen"])
        .success();
    s.run(&["convert", "gen", "g.sccp"]).success();
    let ids = ids(&s);
    let sample = ids
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0 || *i < first)
        .map(|(_, id)| id.clone())
        .collect();
    (s, ids, sample)
}

#[test]
fn related_in_place_prints_what_a_whole_generated_graph_prints() {
    let (s, ids, sample) = generated(25, 20);
    assert_eq!(ids.len(), 2000);
    let mut runs = every_node(&s, "g.sccp", &sample, 10);
    runs += every_option(&s, "g.sccp", &ids[0]);
    assert!(runs > 300, "{runs} runs");
}

/// `impact` from every one of `ids` at depths 1 and 3 in JSON and as a
/// table; at depth 3 as DOT, and without reasoning.
fn every_impact(s: &Scratch, g: &str, ids: &[String]) -> usize {
    let mut runs = 0;
    for id in ids {
        for depth in ["1", "3"] {
            for format in ["json", "table"] {
                runs += same(
                    s,
                    &["-g", g, "impact", id, "--depth", depth, "--format", format],
                );
            }
        }
        let args = ["-g", g, "impact", id, "--format", "dot"];
        runs += same(s, &args);
        runs += same(s, &[&["--no-reasoning"][..], &args[..4]].concat());
    }
    runs
}

/// `export --focus` on every one of `ids` at depths 1 and 2, as DOT and
/// Mermaid; at depth 1 without reasoning too.
fn every_export(s: &Scratch, g: &str, ids: &[String]) -> usize {
    let mut runs = 0;
    for id in ids {
        for depth in ["1", "2"] {
            for format in ["dot", "mermaid"] {
                let args = [
                    "-g", g, "export", "--focus", id, "--depth", depth, "--format", format,
                ];
                runs += same(s, &args);
            }
        }
        runs += same(s, &["--no-reasoning", "-g", g, "export", "--focus", id]);
    }
    runs
}

#[test]
fn export_focus_in_place_draws_what_the_whole_curated_graph_draws() {
    let (s, ids) = curated();
    let mut runs = every_export(&s, "g.sccp", &ids);
    for filter in [
        &["--kind", "activity"][..],
        &["--rel", "addresses", "--rel", "hindered_by"],
        &["--legend", "--title", "Around terrorism"],
    ] {
        let args = [
            "-g",
            "g.sccp",
            "export",
            "--focus",
            "terrorism",
            "--depth",
            "2",
        ];
        runs += same(&s, &[&args[..], filter].concat());
    }
    for node in ["Terrorism", "no such node"] {
        runs += same(&s, &["-g", "g.sccp", "export", "--focus", node]);
    }
    assert!(runs > 350, "{runs} runs");
}

#[test]
fn export_focus_in_place_draws_what_a_whole_generated_graph_draws() {
    let (s, _, sample) = generated(50, 10);
    let runs = every_export(&s, "g.sccp", &sample);
    assert!(runs > 200, "{runs} runs");
}

#[test]
fn impact_in_place_prints_what_the_whole_curated_graph_prints() {
    let (s, ids) = curated();
    let mut runs = every_impact(&s, "g.sccp", &ids);
    for node in ["Lack of Trust and Transparency", "terror", "no such node"] {
        runs += same(&s, &["-g", "g.sccp", "impact", node]);
    }
    assert!(runs > 400, "{runs} runs");
}

#[test]
fn impact_in_place_prints_what_a_whole_generated_graph_prints() {
    let (s, _, sample) = generated(50, 10);
    let runs = every_impact(&s, "g.sccp", &sample);
    assert!(runs > 250, "{runs} runs");
}

/// Where the header ends in this build's snapshots.
fn body_start() -> usize {
    seccoop::format::snapshot::header_prefix_len(seccoop::format::snapshot::WRITER) + 16
}

/// The position and length of each section's contents in `bytes`.
fn sections(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut at = body_start();
    let mut out = Vec::new();
    while at < bytes.len() {
        let len = u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize;
        out.push((at + 8, len));
        at += 8 + len;
    }
    out
}

/// Sets the header's checksum to fit the body.
fn reseal(bytes: &mut [u8]) {
    let start = body_start();
    let sum = seccoop::format::snapshot::checksum(&bytes[start..]);
    bytes[start - 8..start].copy_from_slice(&sum.to_le_bytes());
}

/// A change made to a snapshot's bytes.
type Forgery<'a> = Box<dyn Fn(&mut Vec<u8>) + 'a>;

#[test]
fn a_forged_index_is_refused_in_place_and_whole() {
    let s = Scratch::new();
    s.run(&["convert", "g.sccp"]).success();
    let good = std::fs::read(s.path().join("g.sccp")).unwrap();
    let (index, len) = sections(&good)[6];
    let (n, m) = (78usize, 237usize);
    let by_id = index + 8;
    let out_offsets = by_id + 4 * n;
    let out_edges = out_offsets + 4 * (n + 1);
    let in_offsets = out_edges + 4 * m;
    let in_edges = in_offsets + 4 * (n + 1);
    let marks = in_edges + 4 * m;
    assert_eq!(
        marks + 8 * (2 + 4 + 4),
        index + len,
        "the layout as documented"
    );
    let put = |b: &mut Vec<u8>, at: usize, v: &[u8]| b[at..at + v.len()].copy_from_slice(v);
    let fill = |b: &mut Vec<u8>, from: usize, count: usize, v: &[u8]| {
        for i in 0..count {
            put(b, from + i * v.len(), v);
        }
    };
    // Each forgery spoils a whole part of the index, so the in-place path
    // meets it whatever node it reads; it then loads the whole graph,
    // which refuses the file and says why.
    let forgeries: Vec<(&str, Forgery<'_>, &str)> = vec![
        (
            "node positions out of range",
            Box::new(|b| fill(b, by_id, n, &9999u32.to_le_bytes())),
            "out of the order of ids",
        ),
        (
            "offsets not monotonic",
            Box::new(|b| {
                fill(b, out_offsets + 4, n, &500u32.to_le_bytes());
                fill(b, in_offsets + 4, n, &500u32.to_le_bytes());
            }),
            "out of order",
        ),
        (
            "edge positions out of range",
            Box::new(|b| {
                fill(b, out_edges, m, &u32::MAX.to_le_bytes());
                fill(b, in_edges, m, &u32::MAX.to_le_bytes());
            }),
            "not one of its edges",
        ),
        (
            "marks out of the sections",
            Box::new(|b| fill(b, marks + 8, 9, &u64::MAX.to_le_bytes())),
            "the index's mark 1",
        ),
        (
            "a truncated index",
            Box::new(move |b| {
                put(b, index - 8, &((len - 12) as u64).to_le_bytes());
                b.truncate(b.len() - 12);
                let body = (b.len() - body_start()) as u64;
                put(b, body_start() - 16, &body.to_le_bytes());
            }),
            "its index section is malformed",
        ),
    ];
    for (what, forge, message) in &forgeries {
        let mut bytes = good.clone();
        forge(&mut bytes);
        reseal(&mut bytes);
        s.write("forged.sccp", &bytes);
        for node in ["terrorism", "intelligence-sharing", "united-nations"] {
            let args = ["-g", "forged.sccp", "related", node, "--format", "json"];
            let whole = run(&s, &args, true);
            whole.error().stdout_is("");
            let text = whole.stderr.replace("\n  │ ", " ");
            assert!(text.contains(message), "{what}: {whole}");
            assert!(
                text.contains("convert again from the source"),
                "{what}: {whole}"
            );
            same(&s, &args);
        }
    }
    // Ids out of order may go unnoticed in place, where the search does
    // not pass them; the answer is then the graph's, and it never panics.
    let mut bytes = good.clone();
    let (x, y) = (
        bytes[by_id..by_id + 4].to_vec(),
        bytes[by_id + 4..by_id + 8].to_vec(),
    );
    put(&mut bytes, by_id, &y);
    put(&mut bytes, by_id + 4, &x);
    reseal(&mut bytes);
    s.write("forged.sccp", &bytes);
    let args = ["-g", "forged.sccp", "related", "terrorism"];
    let whole = run(&s, &args, true);
    whole.error();
    let text = whole.stderr.replace("\n  │ ", " ");
    assert!(text.contains("out of the order of ids"), "{whole}");
    run(&s, &args, false).no_panic();
}

/// Queries that name a node by id (`{id}`), in the shapes `query` answers
/// from a neighbourhood read in place: one to three hops, variable length,
/// `WHERE n.id = …`, a parameter, a pattern predicate, `OPTIONAL MATCH`,
/// shortest paths, relationships and paths returned whole (their `id`s
/// are the whole graph's). `t.aliases` warns where no node near has
/// aliases, and `t.name / 2` fails: both are answered by the whole graph
/// instead, so they print what it prints.
const QUERIES: &[&str] = &[
    "MATCH (t {id: '{id}'}) RETURN t",
    "MATCH (t {id: '{id}'})<-[r]-(a) RETURN a.id, type(r), r.basis, id(r), elementId(r)",
    "MATCH (t {id: '{id}'})-[r]->(a) RETURN r, a",
    "MATCH (t) WHERE t.id = '{id}' MATCH p = (t)-[*1..2]-(x) RETURN p LIMIT 40",
    "MATCH (t {id: '{id}'})--(a)--(b) RETURN b.id, count(*) AS n ORDER BY n DESC, b.id LIMIT 10",
    "MATCH (t {id: '{id}'})<--(a) WHERE (a)-[:involves]->() RETURN DISTINCT a.name",
    "MATCH (t {id: '{id}'}) OPTIONAL MATCH (t)<-[:addresses]-(a) RETURN t.id, collect(a.id) AS by",
    "MATCH (t {id: $node})<-[:addresses]-(a) WITH a MATCH (a)-[i:involves]->(x) RETURN a.id, i, x.id",
    "MATCH p = shortestPath((t {id: '{id}'})-[*..3]-(x:threat)) RETURN p LIMIT 5",
    "MATCH (t {id: '{id}'}) RETURN t.aliases",
    "MATCH (t {id: '{id}'}) RETURN t.name / 2",
];

/// Every query of [`QUERIES`] about each of `ids` in JSON, and for the first
/// `more` ids as a table, as CSV, without reasoning, and the paths as DOT.
fn every_query(s: &Scratch, ids: &[String], more: usize) -> usize {
    let mut runs = 0;
    for (i, id) in ids.iter().enumerate() {
        for q in QUERIES {
            let q = q.replace("{id}", id);
            let param = format!("node={id}");
            let args = ["-g", "g.sccp", "query", &q, "--param", &param];
            runs += same(s, &[&args[..], &["--format", "json"]].concat());
            if i < more {
                for format in ["table", "csv"] {
                    runs += same(s, &[&args[..], &["--format", format]].concat());
                }
                runs += same(s, &[&["--no-reasoning"][..], &args].concat());
            }
        }
        if i < more {
            let q = QUERIES[3].replace("{id}", id);
            runs += same(s, &["-g", "g.sccp", "query", &q, "--format", "dot"]);
        }
    }
    runs
}

#[test]
fn query_in_place_prints_what_the_whole_curated_graph_prints() {
    let (s, ids) = curated();
    let mut runs = every_query(&s, &ids, 6);
    // What reaches past a neighbourhood goes the whole graph's way.
    for q in [
        "MATCH (a:activity) RETURN a.id",
        "MATCH (t {id: 'no-such-node'})--(a) RETURN a",
        "EXPLAIN MATCH (t {id: 'terrorism'})--(a) RETURN a",
        "MATCH (t {id: 'terrorism'})<-[*]-(a) RETURN count(*)",
        "CALL db.labels()",
    ] {
        runs += same(&s, &["-g", "g.sccp", "query", q]);
    }
    assert!(runs > 1000, "{runs} runs");
}

#[test]
fn query_in_place_prints_what_a_whole_generated_graph_prints() {
    let (s, _, sample) = generated(40, 10);
    let runs = every_query(&s, &sample, 6);
    assert!(runs > 800, "{runs} runs");
}

/// `path` between each pair of `ids` (each with the next, and with one far
/// along the list): the shortest connection in JSON and as a table, with
/// `--all` at 2 and 3 hops, along `addresses` only, as DOT, and without
/// reasoning.
fn every_path(s: &Scratch, ids: &[String]) -> usize {
    let mut runs = 0;
    let n = ids.len();
    for (i, from) in ids.iter().enumerate() {
        for to in [&ids[(i + 1) % n], &ids[(i + n / 2) % n]] {
            let args = ["-g", "g.sccp", "path", from, to];
            for extra in [
                &["--format", "json"][..],
                &["--format", "table"],
                &["--all", "--max-hops", "2", "--format", "json"],
                &["--all", "--max-hops", "3"],
                &["--rel", "addresses", "--format", "json"],
            ] {
                runs += same(s, &[&args[..], extra].concat());
            }
            if i % 4 == 0 {
                runs += same(s, &[&args[..], &["--format", "dot"]].concat());
                runs += same(s, &[&["--no-reasoning"][..], &args].concat());
            }
        }
    }
    runs
}

#[test]
fn path_in_place_prints_what_the_whole_curated_graph_prints() {
    let (s, ids) = curated();
    let third: Vec<String> = ids.into_iter().step_by(3).collect();
    let mut runs = every_path(&s, &third);
    for (a, b) in [("terrorism", "no such node"), ("Terrorism", "states")] {
        runs += same(&s, &["-g", "g.sccp", "path", a, b]);
    }
    assert!(runs > 250, "{runs} runs");
}

#[test]
fn path_in_place_prints_what_a_whole_generated_graph_prints() {
    let (s, _, sample) = generated(120, 6);
    let runs = every_path(&s, &sample);
    assert!(runs > 200, "{runs} runs");
}
