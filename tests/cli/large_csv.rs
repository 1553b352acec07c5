//! Large CSV files: mapped rather than read (`src/load/mapped.rs`), and a
//! large `nodes.csv` parsed in chunks on both threads
//! (`src/load/csv/nodes.rs`). What a load finds in them, where, and in
//! which order, is the same as for a file read whole on one thread. The
//! files pass the 8 MiB mark with blank lines (which a CSV reader skips),
//! start with a byte-order mark, and end in a bad row, so a position that
//! slipped by the mark or by a chunk boundary would show.

use crate::harness::{Scratch, command, finish};

/// 9 MiB of blank lines: past the size from which files are mapped.
const PADDING: usize = 9 << 20;

/// Writes `text` with a byte-order mark, the padding, then `last`; returns
/// the line `last` is on.
fn padded(scratch: &Scratch, name: &str, text: &[u8], last: &str) -> usize {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text);
    bytes.resize(bytes.len() + PADDING, b'\n');
    let line = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    bytes.extend_from_slice(last.as_bytes());
    bytes.push(b'\n');
    scratch.write(name, bytes);
    line
}

/// A scratch folder holding a generated graph `g` of `nodes` nodes.
fn generated(nodes: usize, seed: u64) -> Scratch {
    let scratch = Scratch::new();
    let (nodes, seed) = (nodes.to_string(), seed.to_string());
    scratch
        .run(&["generate", "--nodes", &nodes, "--seed", &seed, "g"])
        .success();
    scratch
}

#[test]
fn a_mapped_file_reports_the_same_problems_at_the_same_places() {
    let scratch = generated(300, 3);
    let read = |name: &str| std::fs::read(scratch.path().join("g").join(name)).expect("written");
    let (nodes, edges) = (read("nodes.csv"), read("edges.csv"));
    let node_line = padded(&scratch, "g/nodes.csv", &nodes, "activity-7,activity,Again");
    let edge_line = padded(
        &scratch,
        "g/edges.csv",
        &edges,
        "activity-1,adresses,threat-2",
    );
    let args = ["-g", "g", "stats"];
    let mapped = finish(command(scratch.path(), &args), &args);
    mapped.exits(1).stderr_has(&[
        &format!("g/nodes.csv:{node_line}:1"),
        "duplicate node id `activity-7`",
        &format!("g/edges.csv:{edge_line}:12"),
        "did you mean `addresses`?",
    ]);
    let mut cmd = command(scratch.path(), &args);
    cmd.env("SECCOOP_NO_MMAP", "1");
    let read_whole = finish(cmd, &args);
    read_whole.exits(1);
    assert_eq!(mapped.stderr, read_whole.stderr);
}

#[test]
fn a_problem_in_a_middle_chunk_is_reported_in_row_order_with_the_rest() {
    // The unknown kind sits in a chunk of its own between padding: the
    // main thread then reads from that chunk on alone, and must still
    // find the duplicate after it.
    let scratch = generated(300, 3);
    let nodes = std::fs::read(scratch.path().join("g/nodes.csv")).expect("written");
    let mut text = nodes.clone();
    text.resize(text.len() + PADDING / 2, b'\n');
    let kind_line = text.iter().filter(|&&b| b == b'\n').count() + 1;
    text.extend_from_slice(b"extra-1,activty,Extra\n");
    let dup_line = padded(&scratch, "g/nodes.csv", &text, "activity-7,activity,Again");
    let run = scratch.run(&["-g", "g", "stats"]);
    run.exits(1).stderr_has(&[
        &format!("g/nodes.csv:{kind_line}:9"),
        "unknown kind `activty`",
        &format!("g/nodes.csv:{dup_line}:1"),
        "duplicate node id `activity-7`",
    ]);
    let (kind_at, dup_at) = (
        run.stderr.find("unknown kind").expect("listed"),
        run.stderr.find("duplicate node id").expect("listed"),
    );
    assert!(kind_at < dup_at, "in row order:\n{}", run.stderr);
}

#[test]
fn nodes_parsed_in_chunks_keep_the_order_of_their_rows() {
    // 70,000 generated nodes make a nodes.csv of about 2.4 MB: three
    // chunks, parsed by both threads and added in file order.
    let scratch = generated(70_000, 2);
    scratch.run(&["-g", "g", "convert", "out.jsonl"]).success();
    let nodes = std::fs::read_to_string(scratch.path().join("g/nodes.csv")).expect("written");
    assert!(
        nodes.len() > 2 << 20,
        "more than two chunks: {} bytes",
        nodes.len()
    );
    let in_file: Vec<&str> = nodes
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    let out = std::fs::read_to_string(scratch.path().join("out.jsonl")).expect("written");
    let loaded: Vec<String> = out
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v.get("kind").is_some() && v.get("id").is_some())
        .filter_map(|v| v["id"].as_str().map(str::to_string))
        .collect();
    assert_eq!(in_file.len(), 70_000);
    assert_eq!(loaded, in_file);
}
