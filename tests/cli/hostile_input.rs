//! Hostile input: files and arguments built to crash, hang or flood the
//! program, or to smuggle escape sequences onto the terminal. Each must end
//! in bounded time with a clear answer or error, never a panic.
//!
//! `docs/hostile-inputs.md` lists every input tried and the test behind it;
//! [`the_table_names_every_hostile_test`] keeps the two in step. Inputs that
//! other modules already cover (missing files, Graphviz failures, a path
//! between islands) are named there with their own tests.

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::harness::{BIN, Run, Scratch, command, complete_graph, note, seccoop};

/// Runs `seccoop ARGS` in `dir` with `RUST_BACKTRACE=1` (a panic would
/// show its backtrace), killing it after `limit`; fails the test when it
/// had to be killed. Returns the run and how long it took.
#[track_caller]
fn bounded(dir: &Path, args: &[&str], limit: Duration) -> (Run, Duration) {
    let mut cmd = command(dir, args);
    cmd.env("RUST_BACKTRACE", "1");
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {BIN}: {e}"));
    // Drain both pipes on their own threads: a full pipe would stall the child.
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("stdout is piped")));
    let err = drain(Box::new(child.stderr.take().expect("stderr is piped")));
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for seccoop") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            let shown: String = args.join(" ").chars().take(200).collect();
            panic!("seccoop {shown} ran longer than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = started.elapsed();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("output is UTF-8");
    let run = Run {
        args: args.iter().map(|a| a.to_string()).collect(),
        stdout: text(out.join().expect("stdout reader")),
        stderr: text(err.join().expect("stderr reader")),
        code: status.code().unwrap_or(-1),
    };
    assert!(
        !run.stderr.contains("stack backtrace") && !run.stderr.contains("panicked"),
        "{run}"
    );
    (run, took)
}

/// Asserts `text` holds no character a terminal would act on: every control
/// character but line breaks, and the bidirectional controls.
#[track_caller]
fn assert_terminal_safe(text: &str, what: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    assert!(bad.is_empty(), "{what} sends {bad:?} raw:\n{text}");
}

const MINUTE: Duration = Duration::from_secs(60);

#[test]
fn empty_files_are_empty_graphs_and_check_warns() {
    // An empty TOML file was accepted silently and an empty JSON file was a
    // syntax error; both are now an empty graph, with a warning.
    let scratch = Scratch::new();
    for (name, text) in [
        ("empty.toml", ""),
        ("empty.json", ""),
        ("blank.json", " \n\t\n"),
        ("comment.toml", "# nothing yet\n"),
    ] {
        scratch.write(name, text);
        scratch
            .run(&["-g", name, "list"])
            .success()
            .stdout_is("ID  KIND  NAME\n")
            .stderr_is(
                "warning: the graph files hold no nodes, so every answer is empty\n  \
                 help: check that --graph names the right files; `seccoop check FILE` \
                 reports what a file holds\n",
            );
        scratch
            .run(&["check", name])
            .success()
            .stdout_is(&format!("ok {name}: 0 nodes, 0 edges, no problems\n"))
            .stderr_is(&format!(
                "warning: {name} holds no nodes: an empty graph\n  help: add nodes to the \
                 file, or check that it is the file you meant\n"
            ));
        let json = scratch.run(&["check", name, "--format", "json"]);
        json.success();
        assert_eq!(
            json.json()["warnings"],
            serde_json::json!([format!("{name} holds no nodes: an empty graph")])
        );
    }
    // The built-in graph and a graph with nodes get no warning.
    seccoop(&["check"]).success().stderr_is("");
}

#[test]
fn a_binary_file_is_refused_with_its_bytes_escaped() {
    // Found by this test: the error's source line sent the file's control
    // bytes to the terminal raw.
    let scratch = Scratch::new();
    // Every byte value, twice: escape sequences, NUL, BEL, CR, invalid UTF-8.
    let bytes: Vec<u8> = (0..=255u8).chain(0..=255u8).collect();
    scratch.write("graph.toml", &bytes);
    let (run, _) = bounded(scratch.path(), &["-g", "graph.toml", "list"], MINUTE);
    run.error().stderr_has(&[
        "× the file is not valid UTF-8 text (first bad byte at offset 128)",
        "help: save the file as UTF-8 text",
        "\\u{1b}",
    ]);
    assert_terminal_safe(&run.stderr, "a binary file's error");
    let (check, _) = bounded(scratch.path(), &["check", "graph.toml"], MINUTE);
    check.exits(1);
    assert_terminal_safe(&check.stderr, "check of a binary file");
}

#[test]
fn a_100_mb_line_is_shown_cut_to_a_window() {
    // Found by this test: the error printed the whole 100 MB line.
    let scratch = Scratch::new();
    let path = scratch.path().join("long.toml");
    // Written, not committed: 100 MB of one unfinished key.
    std::fs::write(&path, "k".repeat(100_000_000)).expect("write 100 MB");
    let (run, took) = bounded(scratch.path(), &["-g", "long.toml", "list"], 10 * MINUTE);
    std::fs::remove_file(&path).expect("remove the 100 MB file");
    run.error().stderr_has(&[
        "[long.toml:1:100000001]",
        "× syntax error: key with no value, expected `=`",
        "…kkkk",
    ]);
    assert!(
        run.stderr.len() < 2_000,
        "{} bytes of error",
        run.stderr.len()
    );
    note(&format!("a 100 MB line was refused in {took:.1?}"));
}

#[test]
fn toml_nested_100_000_deep_is_a_syntax_error() {
    let scratch = Scratch::new();
    let deep = format!("x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    scratch.write("deep.toml", deep);
    let (run, _) = bounded(scratch.path(), &["-g", "deep.toml", "list"], MINUTE);
    run.error().stderr_has(&[
        "× syntax error: cannot recurse further; max recursion depth met",
        "help: fix the TOML syntax at the marked spot",
    ]);
    assert!(run.stderr.len() < 2_000, "{run}");
}

#[test]
fn json_nested_100_000_deep_is_a_syntax_error() {
    let scratch = Scratch::new();
    let deep = format!(
        "{{\"nodes\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    scratch.write("deep.json", deep);
    let (run, _) = bounded(scratch.path(), &["-g", "deep.json", "list"], MINUTE);
    run.error().stderr_has(&[
        "[deep.json:1:138]",
        "× syntax error: arrays and objects nest more than 128 levels deep",
        "help: fix the JSON syntax at the marked spot",
    ]);
    assert!(run.stderr.len() < 2_000, "{run}");
}

#[test]
fn a_million_duplicate_ids_are_capped_and_counted() {
    let scratch = Scratch::new();
    std::fs::create_dir(scratch.path().join("dups")).expect("mkdir");
    let mut csv = String::from("id,kind,name\n");
    csv.push_str(&"same,threat,Same\n".repeat(1_000_000));
    scratch.write("dups/nodes.csv", csv);
    let (run, took) = bounded(scratch.path(), &["check", "dups"], 5 * MINUTE);
    run.error().stderr_has(&[
        "× duplicate node id `same`",
        "help: first defined at dups/nodes.csv:2:1; give one of them another id",
        "× … and 998999 more problems not listed",
        "error: 999999 problems in dups",
    ]);
    assert_eq!(run.stderr.matches("× duplicate node id").count(), 1000);
    note(&format!(
        "a million duplicate ids (CSV) were checked in {took:.1?}"
    ));
}

#[test]
fn duplicate_ids_in_toml_are_capped_and_counted() {
    // Found by this test: a TOML file had no cap on its problems, and each
    // duplicate scanned the file from its start for the first definition's
    // line, so 100,000 duplicates ran for minutes.
    let scratch = Scratch::new();
    let toml = "[[nodes]]\nid = \"same\"\nkind = \"threat\"\nname = \"Same\"\n".repeat(100_000);
    scratch.write("dups.toml", toml);
    let (run, took) = bounded(scratch.path(), &["-g", "dups.toml", "stats"], 5 * MINUTE);
    run.error().stderr_has(&[
        "× duplicate node id `same`",
        "help: first defined at dups.toml:2:6; give one of them another id",
        "[dups.toml:4002:6]",
        "× … and 98999 more problems not listed",
        "error: the graph has 99999 problems; nothing was run",
    ]);
    assert_eq!(run.stderr.matches("× duplicate node id").count(), 1000);
    note(&format!(
        "100,000 duplicate ids (TOML) were reported in {took:.1?}"
    ));
}

/// The curated schema's kinds and relations, in declaration order: read
/// from the schema, so a relation added there is looped through here too.
fn curated_names() -> (Vec<String>, Vec<String>) {
    let graph = seccoop::load::embedded().expect("the curated graph loads");
    let schema = graph.schema();
    (
        schema.kinds().map(|(_, k)| k.name.clone()).collect(),
        schema.relations().map(|(_, r)| r.name.clone()).collect(),
    )
}

/// The schema of the curated graph with every relation allowed between any
/// two kinds, so each can loop on a node and run in cycles.
fn any_to_any_schema(kinds: &[String]) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("graph/schema.toml");
    let text = std::fs::read_to_string(path).expect("read graph/schema.toml");
    let all = format!("{kinds:?}");
    let mut out = String::new();
    for line in text.lines() {
        let line = if line.starts_with("from = ") {
            format!("from = {all}")
        } else if line.starts_with("to = ") {
            format!("to = {all}")
        } else {
            line.to_string()
        };
        // The schema's tables, under the graph file's `[schema]`.
        let line = match line.strip_prefix('[') {
            Some(rest) if !line.starts_with("[[") => format!("[schema.{rest}"),
            _ => line,
        };
        let _ = writeln!(out, "{line}");
    }
    out
}

#[test]
fn self_loops_and_cycles_in_every_relation_terminate() {
    let (kinds, relations) = curated_names();
    let mut toml = any_to_any_schema(&kinds);
    // Two nodes of each kind: n0 … n11 in the curated schema.
    let nodes = 2 * kinds.len();
    for i in 0..nodes {
        let _ = write!(
            toml,
            "\n[[nodes]]\nid = \"n{i}\"\nkind = \"{}\"\nname = \"N{i}\"\n",
            kinds[i / 2]
        );
    }
    for rel in &relations {
        for i in 0..nodes {
            // A self-loop, a ring through every node, and the ring backwards.
            for (from, to) in [(i, i), (i, (i + 1) % nodes), ((i + 1) % nodes, i)] {
                let _ = write!(
                    toml,
                    "\n[[edges]]\nfrom = \"n{from}\"\nrel = \"{rel}\"\nto = \"n{to}\"\n"
                );
            }
        }
    }
    let edges = 3 * nodes * relations.len();
    let scratch = Scratch::new();
    scratch.write("loops.toml", toml);
    let run = |args: &[&str]| {
        let mut all = vec!["-g", "loops.toml"];
        all.extend_from_slice(args);
        bounded(scratch.path(), &all, MINUTE).0
    };
    run(&["check"]).success().stdout_is(&format!(
        "ok loops.toml: {nodes} nodes, {edges} edges, no problems\n"
    ));
    // Impact reaches every node once, however many loops lead back.
    let impact = run(&["impact", "n0", "--depth", "32", "--format", "json"]);
    impact.success();
    let reached = impact.json()["reached"].as_array().map_or(0, |a| a.len());
    assert_eq!(reached, nodes - 1, "{impact}");
    // Paths are simple: no loop, no node twice.
    let paths = run(&[
        "path",
        "n0",
        "n6",
        "--all",
        "--max-hops",
        "8",
        "--format",
        "json",
    ]);
    paths.success();
    for p in paths.json()["paths"].as_array().expect("paths") {
        let nodes: Vec<&str> = p["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .filter_map(|n| n["id"].as_str())
            .collect();
        let mut unique = nodes.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(
            unique.len(),
            nodes.len(),
            "a path repeats a node: {nodes:?}"
        );
    }
    run(&["related", "n0"])
        .success()
        .stdout_has(&["n0", "n1", "n11"]);
    run(&["gaps"]).success();
    run(&["whatif", "--without", "n0"]).success();
    run(&["export"]).success().stdout_has(&["digraph"]);
    run(&["export", "--format", "mermaid"]).success();
    run(&["--no-reasoning", "stats"])
        .success()
        .stdout_has(&[&format!("{nodes} nodes, {edges} edges")]);
    // The rules close every chain over the loops, and end.
    run(&["stats"]).success();
    run(&[
        "query",
        "MATCH (a)-[r*]->(b) RETURN count(*) AS n",
        "--max-hops",
        "3",
    ])
    // Walks go on past three hops: the limit is reached, an error.
    .error()
    .stderr_has(&["hop limit of 3 with more to walk"]);
    // One self-loop per node and relation.
    run(&["query", "MATCH (a)-[r]->(a) RETURN count(r) AS loops"])
        .success()
        .stdout_is(&format!("loops\n{}\n", nodes * relations.len()));
}

#[test]
fn control_characters_in_ids_and_names_are_refused() {
    let scratch = Scratch::new();
    for (field, value) in [
        ("id", "a\\u001b[31m"),
        ("id", "bell\\u0007"),
        ("name", "nul\\u0000"),
        ("name", "carriage\\rreturn"),
    ] {
        let other = if field == "id" { "name" } else { "id" };
        let toml =
            format!("[[nodes]]\n{field} = \"{value}\"\n{other} = \"plain\"\nkind = \"threat\"\n");
        scratch.write("ctl.toml", toml);
        let (run, _) = bounded(scratch.path(), &["-g", "ctl.toml", "list"], MINUTE);
        run.error().stderr_has(&[
            "[ctl.toml:2:",
            &format!("× `{field}`"),
            "help: write plain text without control characters",
        ]);
        assert_terminal_safe(&run.stderr, "a control-character error");
    }
}

/// A graph whose ids, names and property values carry escape sequences
/// (in properties, which the loader takes as they are) and bidirectional
/// overrides (which it takes everywhere).
const SMUGGLED: &str = r#"
[[nodes]]
id = "evil\u202Etxt"
kind = "threat"
name = "Evil \u202E override \u2066isolate\u2069"
aliases = ["alias\u202E"]
note = "red \u001b[31m bell \u0007 nul \u0000 cr \r end"

[[nodes]]
id = "act"
kind = "activity"
name = "Acts on \u202E evil"

[[edges]]
from = "act"
rel = "addresses"
to = "evil\u202Etxt"
"#;

#[test]
fn escape_and_bidi_characters_never_reach_the_terminal_raw() {
    let scratch = Scratch::new();
    scratch.write("smuggled.toml", SMUGGLED);
    for args in [
        &["list"][..],
        &["search", "evil"],
        &["show", "evil\u{202E}txt"],
        &["show", "act"],
        &["related", "act"],
        &["impact", "act"],
        &["path", "act", "evil\u{202E}txt"],
        &["gaps"],
        &["whatif", "--without", "act"],
        &["stats"],
        &["query", "MATCH (n) RETURN n.id, n.name, n.note"],
        &["query", "MATCH (n) RETURN n"],
        &["show", "evil\u{1b}[31m"],
        &["search", "\u{1b}[31mnothing\u{202E}"],
        &["check"],
    ] {
        let mut all = vec!["-g", "smuggled.toml"];
        all.extend_from_slice(args);
        let (run, _) = bounded(scratch.path(), &all, MINUTE);
        assert!(run.code == 0 || run.code == 1, "{run}");
        assert_terminal_safe(&run.stdout, &format!("stdout of {args:?}"));
        assert_terminal_safe(&run.stderr, &format!("stderr of {args:?}"));
    }
    let (show, _) = bounded(
        scratch.path(),
        &["-g", "smuggled.toml", "show", "evil\u{202E}txt"],
        MINUTE,
    );
    show.success().stdout_has(&[
        "Evil \\u{202e} override \\u{2066}isolate\\u{2069} (threat)",
        "id: evil\\u{202e}txt",
        "red \\u{1b}[31m bell \\u{7} nul \\u{0} cr \\u{d} end",
    ]);
    // JSON is data: the characters stay, escaped by JSON's own rules.
    let (json, _) = bounded(
        scratch.path(),
        &[
            "-g",
            "smuggled.toml",
            "show",
            "evil\u{202E}txt",
            "--format",
            "json",
        ],
        MINUTE,
    );
    json.success();
    assert_eq!(
        json.json()["properties"]["note"],
        "red \u{1b}[31m bell \u{7} nul \u{0} cr \r end"
    );
    assert!(json.stdout.contains("\\u001b[31m"), "{json}");
}

#[test]
fn error_snippets_escape_control_and_bidi_characters() {
    let scratch = Scratch::new();
    // A broken line holding ESC, BEL, NUL, a lone CR and U+202E, raw.
    scratch.write(
        "broken.toml",
        "[[nodes]]\nid = \"x\" \x1b[31m \x07 \x00 \r \u{202E} = oops\n",
    );
    let (run, _) = bounded(scratch.path(), &["-g", "broken.toml", "list"], MINUTE);
    run.error().stderr_has(&[
        "[broken.toml:2:",
        "\\u{1b}[31m \\u{7} \\u{0} \\u{d} \\u{202e}",
        "help: fix the TOML syntax at the marked spot",
    ]);
    assert_terminal_safe(&run.stderr, "a syntax error's snippet");
    // A query's snippet and an unknown node typed on the command line too.
    let (query, _) = bounded(
        scratch.path(),
        &["query", "RETURN \u{1b}[2J \u{202E}"],
        MINUTE,
    );
    query.error();
    assert_terminal_safe(&query.stderr, "a query error");
    let (node, _) = bounded(scratch.path(), &["show", "\u{1b}]0;pwned\u{7}"], MINUTE);
    node.error()
        .stderr_has(&["error: unknown node `\\u{1b}]0;pwned\\u{7}`"]);
}

#[test]
fn ten_thousand_character_ids_and_names_load_and_tables_stay_narrow() {
    // Found by this test: an unknown 10,000-character NODE took minutes to
    // get its `did you mean` (a quadratic comparison), and one long cell
    // widened every row of a table.
    let long_id = "i".repeat(10_000);
    let long_name = "N".repeat(10_000);
    let toml = format!(
        "[[nodes]]\nid = \"{long_id}\"\nkind = \"threat\"\nname = \"{long_name}\"\n\n\
         [[nodes]]\nid = \"short\"\nkind = \"threat\"\nname = \"Short\"\n"
    );
    let scratch = Scratch::new();
    scratch.write("long.toml", toml);
    let (list, _) = bounded(scratch.path(), &["-g", "long.toml", "list"], MINUTE);
    list.success();
    for line in list.stdout.lines() {
        assert!(
            line.chars().count() < 450,
            "a table line of {} chars",
            line.len()
        );
    }
    let cut = format!("{}…", "i".repeat(199));
    list.stdout_has(&[&cut]);
    // JSON keeps the whole text.
    let (json, _) = bounded(
        scratch.path(),
        &["-g", "long.toml", "list", "--format", "json"],
        MINUTE,
    );
    json.success();
    assert_eq!(json.json()[0]["id"].as_str().map(str::len), Some(10_000));
    // The long id resolves, and an unknown long id gets a short error.
    let (show, _) = bounded(
        scratch.path(),
        &["-g", "long.toml", "show", &long_id],
        MINUTE,
    );
    show.success();
    let (unknown, _) = bounded(
        scratch.path(),
        &["-g", "long.toml", "show", &"x".repeat(10_000)],
        MINUTE,
    );
    unknown.error();
    assert!(
        unknown.stderr.len() < 1_500,
        "{} bytes",
        unknown.stderr.len()
    );
}

#[test]
fn a_path_under_a_file_is_unreadable_even_for_root() {
    // Root reads through mode 000; no user reads through a file.
    let scratch = Scratch::new();
    scratch.write("plain", "not a folder");
    let (run, _) = bounded(scratch.path(), &["-g", "plain/graph.toml", "list"], MINUTE);
    run.error().stderr_has(&[
        "× cannot read `plain/graph.toml`: not a directory",
        "help: check the path",
    ]);
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_that_fails_to_read_is_an_error() {
    // Reading /proc/self/mem from its start fails for every user, root too.
    let scratch = Scratch::new();
    let (run, _) = bounded(scratch.path(), &["-g", "/proc/self/mem", "list"], MINUTE);
    run.error().stderr_has(&[
        "× cannot read `/proc/self/mem`: input/output error",
        "help: check the path",
    ]);
}

#[cfg(unix)]
#[test]
fn a_fifo_without_a_writer_is_given_up_on() {
    // Found by this test: `-g FIFO` waited forever for a writer.
    let scratch = Scratch::new();
    for name in ["graph.toml", "graph.jsonl"] {
        let made = std::process::Command::new("mkfifo")
            .arg(scratch.path().join(name))
            .stdout(Stdio::null())
            .status();
        if !made.is_ok_and(|s| s.success()) {
            note("a_fifo_without_a_writer_is_given_up_on skipped: no mkfifo");
            return;
        }
    }
    let (run, took) = bounded(scratch.path(), &["-g", "graph.toml", "list"], MINUTE);
    run.error().stderr_has(&[
        "cannot read `graph.toml`: it is a fifo and no program opened it for writing within 5 s",
        "help: start the program that writes to it before seccoop",
    ]);
    assert!(took >= Duration::from_secs(5), "gave up after {took:?}");
    // Bulk inputs are read on two threads in pieces: a FIFO is refused.
    let (run, _) = bounded(scratch.path(), &["-g", "graph.jsonl", "list"], MINUTE);
    run.error()
        .stderr_has(&["cannot read `graph.jsonl`: it is a fifo, not a regular file"]);
    let (run, _) = bounded(scratch.path(), &["check", "/dev/zero"], MINUTE);
    run.exits(1)
        .stderr_has(&["× `/dev/zero` is a device, not a graph file"]);
}

#[cfg(unix)]
#[test]
fn a_graph_read_from_a_pipe_loads() {
    // `-g /dev/stdin` fed by a pipe, as `-g <(command)` is.
    use std::io::Write as _;
    let scratch = Scratch::new();
    let mut cmd = command(scratch.path(), &["-g", "/dev/stdin", "list"]);
    cmd.stdin(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn seccoop");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin
        .write_all(b"[[nodes]]\nid = \"phishing\"\nkind = \"threat\"\nname = \"Phishing\"\n")
        .expect("write the graph");
    drop(stdin);
    let out = child.wait_with_output().expect("wait for seccoop");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("phishing"), "{stdout}");
}

#[test]
fn cypher_100_000_nested_parentheses_is_an_error() {
    // 200 KB is more than one argument may hold (128 KiB), so from a file.
    let query = format!("RETURN {}1{}", "(".repeat(100_000), ")".repeat(100_000));
    let scratch = Scratch::new();
    scratch.write("deep.cypher", query);
    let (run, _) = bounded(scratch.path(), &["query", "-f", "deep.cypher"], MINUTE);
    run.error().stderr_has(&[
        "× syntax error: the query nests more than 200 levels deep",
        "help: write the expression with fewer nested brackets",
    ]);
    assert!(run.stderr.len() < 2_000, "{} bytes", run.stderr.len());
}

#[test]
fn an_unbounded_pattern_on_a_dense_graph_stops_with_an_error_at_the_hop_limit() {
    let scratch = Scratch::new();
    scratch.write("dense.toml", complete_graph(20));
    // Walks of every length on a complete graph: --max-hops 4 is reached
    // with more to walk, which is an error, not a shorter answer.
    let (run, took) = bounded(
        scratch.path(),
        &[
            "-g",
            "dense.toml",
            "query",
            "--max-hops",
            "4",
            "MATCH (a {id: 'p0'})-[*]-(b) RETURN count(DISTINCT b) AS n",
        ],
        5 * MINUTE,
    );
    run.error()
        .stdout_is("")
        .stderr_has(&["hop limit of 4 with more to walk", "raise --max-hops"]);
    note(&format!(
        "a variable-length pattern stopped at its hop limit in {took:.1?}"
    ));
}

#[test]
fn output_into_a_read_only_folder_is_an_error() {
    // Root writes through mode 555, so the folder is made immutable
    // (chattr +i) where that works, and /sys (which refuses new files, to
    // root too) stands in everywhere.
    let scratch = Scratch::new();
    let (sys, _) = bounded(
        scratch.path(),
        &["list", "-o", "/sys/seccoop-list.txt"],
        MINUTE,
    );
    sys.error().stderr_has(&[
        "error: cannot write `/sys/seccoop-list.txt`",
        "help: check that the folder exists and is writable",
    ]);
    let locked = scratch.path().join("locked");
    std::fs::create_dir(&locked).expect("mkdir");
    std::fs::write(locked.join("list.txt"), "old answer\n").expect("write");
    let immutable = std::process::Command::new("chattr")
        .arg("+i")
        .arg(&locked)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !immutable {
        note("output_into_a_read_only_folder_is_an_error: chattr +i unavailable; /sys only");
        return;
    }
    let (run, _) = bounded(scratch.path(), &["list", "-o", "locked/list.txt"], MINUTE);
    let _ = std::process::Command::new("chattr")
        .arg("-i")
        .arg(&locked)
        .status();
    run.error().stderr_has(&[
        "error: cannot write `locked/list.txt`: operation not permitted",
        "help: check that the folder exists and is writable",
    ]);
    assert_eq!(
        std::fs::read_to_string(locked.join("list.txt")).expect("read"),
        "old answer\n"
    );
}

/// The names of the `#[test]` functions of a test module's source.
fn test_names(source: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut lines = source.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() != "#[test]" {
            continue;
        }
        // Attributes such as #[cfg(...)] may sit between.
        for next in lines.by_ref() {
            if let Some(rest) = next.trim().strip_prefix("fn ") {
                names.push(rest.split('(').next().unwrap_or("").to_string());
                break;
            }
        }
    }
    names
}

#[test]
fn the_table_names_every_hostile_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let table = std::fs::read_to_string(root.join("docs/hostile-inputs.md"))
        .expect("read docs/hostile-inputs.md");
    // Every test a row names exists: `module::test_name` in its last column.
    let mut named = Vec::new();
    for row in table.lines().filter(|l| l.starts_with('|')) {
        let Some(cell) = row.trim_end_matches('|').rsplit('|').next() else {
            continue;
        };
        for (module, test) in cell
            .split('`')
            .skip(1)
            .step_by(2)
            .filter_map(|t| t.split_once("::"))
        {
            let source = std::fs::read_to_string(root.join(format!("tests/cli/{module}.rs")))
                .unwrap_or_else(|e| panic!("{module}::{test} in the table: {e}"));
            assert!(
                test_names(&source).iter().any(|t| t == test),
                "docs/hostile-inputs.md names `{module}::{test}`, which is not a test"
            );
            named.push(format!("{module}::{test}"));
        }
    }
    assert!(named.len() >= 30, "only {} tests named", named.len());
    // Every test of this module is in the table.
    let source = std::fs::read_to_string(root.join("tests/cli/hostile_input.rs"))
        .expect("read hostile_input.rs");
    for test in test_names(&source) {
        if test == "the_table_names_every_hostile_test" {
            continue;
        }
        let name = format!("hostile_input::{test}");
        assert!(
            named.contains(&name),
            "{name} is missing from docs/hostile-inputs.md"
        );
    }
}
