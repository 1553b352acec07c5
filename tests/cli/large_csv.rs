//! An `edges.csv` larger than the chunks two threads share: only its header
//! is read before the chunks are cut (`Records::lazy`), so a row that is
//! not UTF-8 must still be found, by the chunk that holds it, at its line.
//! The file starts with a byte-order mark and is padded with blank lines
//! (which a CSV reader skips) so the bad rows sit in different chunks.

use crate::harness::Scratch;

#[test]
fn rows_of_a_large_edges_file_are_checked_as_utf8_at_their_lines() {
    let scratch = Scratch::new();
    scratch
        .run(&["generate", "--nodes", "300", "--seed", "3", "g"])
        .success();
    let edges = std::fs::read(scratch.path().join("g/edges.csv")).expect("written");
    let mut text = b"\xEF\xBB\xBF".to_vec();
    text.extend_from_slice(&edges);
    let line = |text: &[u8]| text.iter().filter(|&&b| b == b'\n').count() + 1;
    text.resize(text.len() + (3 << 20), b'\n');
    let utf8_line = line(&text);
    text.extend_from_slice(b"activity-1,addresses,threat-\xFF\n");
    text.resize(text.len() + (3 << 20), b'\n');
    let rel_line = line(&text);
    text.extend_from_slice(b"activity-1,adresses,threat-2\n");
    scratch.write("g/edges.csv", &text);
    let run = scratch.run(&["-g", "g", "stats"]);
    run.exits(1).stderr_has(&[
        &format!("g/edges.csv:{utf8_line}:"),
        "UTF-8",
        &format!("g/edges.csv:{rel_line}:12"),
        "did you mean `addresses`?",
    ]);
}
