//! Bulk formats: CSV folders and JSON Lines, `convert` and `generate`.

use crate::harness::{Scratch, assert_load_error};

/// A scratch directory with a CSV folder `g` holding these files.
fn folder(nodes: &[u8], edges: Option<&[u8]>) -> Scratch {
    let s = Scratch::new();
    std::fs::create_dir(s.path().join("g")).unwrap();
    s.write("g/nodes.csv", nodes);
    if let Some(edges) = edges {
        s.write("g/edges.csv", edges);
    }
    s
}

#[test]
fn a_csv_folder_loads_with_quotes_bom_crlf_blank_lines_and_any_printable_ids() {
    let s = folder(
        b"\xEF\xBB\xBFid,kind,name,description\r\n\
          \r\n\
          \"cyber, attacks\",threat,\"Cyber \"\"attacks\"\"\",\"two\nlines, with a comma\"\r\n\
          gr\xC3\xA8ve g\xC3\xA9n\xC3\xA9rale,threat,Strike,\r\n\
          joint drills,activity,Joint drills,\r\n\
          \r\n",
        Some(
            b"from,rel,to\r\n\
              joint drills,addresses,\"cyber, attacks\"\r\n\
              \n\
              joint drills,addresses,gr\xC3\xA8ve g\xC3\xA9n\xC3\xA9rale\r\n",
        ),
    );
    s.run(&["-g", "g", "related", "joint drills", "--format", "csv"])
        .success()
        .stdout_is(
            "rel,dir,id,kind,name,basis\n\
             addresses,out,\"cyber, attacks\",threat,\"Cyber \"\"attacks\"\"\",stated\n\
             addresses,out,grève générale,threat,Strike,stated\n",
        );
    let json = s
        .run(&["-g", "g", "show", "cyber, attacks", "--format", "json"])
        .json();
    assert_eq!(
        json["properties"]["description"], "two\nlines, with a comma",
        "{json:#}"
    );
}

#[test]
fn typed_columns_and_provenance_are_read() {
    let s = folder(
        b"id,kind,name,provenance,started:int,ratio:float,open:bool,aliases:json,note\n\
          a,activity,A,\"{\"\"source\"\":\"\"src\"\",\"\"item\"\":\"\"p1\"\"}\",2020,0.5,true,\"[\"\"x\"\",1]\",plain\n\
          t,threat,T,,,,,,\n",
        Some(b"from,rel,to,basis,weight:int\na,addresses,t,inferred,3\n"),
    );
    s.write(
        "g/graph.toml",
        "[graph]\nname = \"G\"\n\n[[sources]]\nid = \"src\"\ntitle = \"S\"\n",
    );
    let json = s.run(&["-g", "g", "show", "a", "--format", "json"]).json();
    let props = &json["properties"];
    assert_eq!(props["started"], 2020, "{json:#}");
    assert_eq!(props["ratio"], 0.5);
    assert_eq!(props["open"], true);
    assert_eq!(props["aliases"], serde_json::json!(["x", 1]));
    assert_eq!(props["note"], "plain");
    s.run(&["-g", "g", "related", "a", "--format", "csv"])
        .success()
        .stdout_is("rel,dir,id,kind,name,basis\naddresses,out,t,threat,T,inferred\n");
}

#[test]
fn a_folder_may_bring_its_own_schema() {
    let s = folder(
        b"id,kind,name\nearth,planet,Earth\nsun,star,Sun\n",
        Some(b"from,rel,to\nearth,orbits,sun\n"),
    );
    s.write(
        "g/schema.toml",
        "[kinds.planet]\n[kinds.star]\n[relations.orbits]\nfrom = \"planet\"\nto = \"star\"\n",
    );
    s.run(&["-g", "g", "related", "earth", "--format", "csv"])
        .success()
        .stdout_is("rel,dir,id,kind,name,basis\norbits,out,sun,star,Sun,stated\n");
}

#[test]
fn a_row_with_too_few_fields() {
    let s = folder(
        b"id,kind,name\nphishing,threat,Phishing\nshort,threat\n",
        None,
    );
    assert_load_error(
        &s.run(&["-g", "g", "list"]),
        "g/nodes.csv:3:1",
        "the row has 2 fields, the header has 3",
        "give every row as many fields as the header",
    );
}

#[test]
fn a_row_with_too_many_fields_after_a_multi_line_record_names_its_file_line() {
    let s = folder(
        b"id,kind,name,description\na,threat,A,\"one\ntwo\nthree\"\nb,threat,B,x,extra\n",
        None,
    );
    assert_load_error(
        &s.run(&["-g", "g", "list"]),
        "g/nodes.csv:5:1",
        "the row has 5 fields, the header has 4",
        "give every row as many fields as the header",
    );
}

#[test]
fn an_unknown_kind_points_at_the_cell() {
    let s = folder(b"id,kind,name\nx,threet,X\n", None);
    assert_load_error(
        &s.run(&["-g", "g", "list"]),
        "g/nodes.csv:2:3",
        "unknown kind `threet`",
        "did you mean `threat`?",
    );
}

#[test]
fn an_unknown_relation_points_at_the_cell() {
    let s = folder(
        b"id,kind,name\na,activity,A\nt,threat,T\n",
        Some(b"from,rel,to\na,adresses,t\n"),
    );
    assert_load_error(
        &s.run(&["-g", "g", "list"]),
        "g/edges.csv:2:3",
        "unknown relation `adresses`",
        "did you mean `addresses`?",
    );
}

#[test]
fn a_dangling_edge_names_the_missing_node() {
    let s = folder(
        b"id,kind,name\na,activity,A\nterrorism,threat,T\n",
        Some(b"from,rel,to\na,addresses,terorism\n"),
    );
    assert_load_error(
        &s.run(&["-g", "g", "list"]),
        "g/edges.csv:2:13",
        "edge to `terorism` is not a node of the graph",
        "did you mean `terrorism`?",
    );
}

#[test]
fn every_dangling_end_is_named_at_its_cell_quoted_or_repeated() {
    // Ends are looked up after the rows are parsed: an unquoted end by its
    // place in the row, a quoted one by its unescaped text, and a `from`
    // that repeats is reported on each of its rows.
    let s = folder(
        b"id,kind,name\na,activity,A\nt,threat,T\n",
        Some(
            b"from,rel,to\na,addresses,ghost\nzed,addresses,t\nzed,addresses,t\n\
              a,addresses,\"gh,ost\"\n\"zed\",addresses,t\na,addresses,t\n",
        ),
    );
    let run = s.run(&["check", "g", "--format", "json"]);
    run.exits(1);
    let json = run.json();
    let found: Vec<(u64, u64, String)> = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["line"].as_u64().unwrap(),
                p["column"].as_u64().unwrap(),
                p["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        (2, 13, "edge to `ghost` is not a node of the graph"),
        (3, 1, "edge from `zed` is not a node of the graph"),
        (4, 1, "edge from `zed` is not a node of the graph"),
        (5, 13, "edge to `gh,ost` is not a node of the graph"),
        (6, 1, "edge from `zed` is not a node of the graph"),
    ];
    let want: Vec<(u64, u64, String)> = want
        .iter()
        .map(|&(l, c, m)| (l, c, m.to_string()))
        .collect();
    assert_eq!(found, want, "{json:#}");
}

#[test]
fn a_duplicate_id_names_the_first_definition() {
    let s = folder(
        b"id,kind,name\na,threat,A\nb,threat,B\na,threat,Again\n",
        None,
    );
    assert_load_error(
        &s.run(&["-g", "g", "list"]),
        "g/nodes.csv:4:1",
        "duplicate node id `a`",
        "first defined at g/nodes.csv:2:1",
    );
}

#[test]
fn a_duplicate_edge_names_the_first_definition_even_out_of_order() {
    let s = folder(
        b"id,kind,name\na,activity,A\nb,activity,B\nt,threat,T\n",
        Some(b"from,rel,to\na,addresses,t\nb,addresses,t\na,addresses,t\n"),
    );
    assert_load_error(
        &s.run(&["-g", "g", "list"]),
        "g/edges.csv:4:1",
        "duplicate edge `a` -addresses-> `t`",
        "first written at g/edges.csv:2:1",
    );
}

#[test]
fn invalid_utf8_is_reported_at_its_row() {
    let s = folder(b"id,kind,name\nok,threat,Ok\nbad\xff,threat,Bad\n", None);
    assert_load_error(
        &s.run(&["-g", "g", "list"]),
        "g/nodes.csv:3:4",
        "the file is not valid UTF-8 text",
        "save the file as UTF-8 text",
    );
}

#[test]
fn an_unclosed_quote_is_a_syntax_error() {
    let s = folder(
        b"id,kind,name\n\"open,threat,Open\nnext,threat,Next\n",
        None,
    );
    assert_load_error(
        &s.run(&["-g", "g", "list"]),
        "g/nodes.csv:2:1",
        "syntax error: a quoted field is never closed",
        "fix the CSV syntax",
    );
}

#[test]
fn a_typed_cell_that_does_not_parse() {
    let s = folder(b"id,kind,name,started:int\na,threat,A,soon\n", None);
    assert_load_error(
        &s.run(&["-g", "g", "list"]),
        "g/nodes.csv:2:12",
        "column `started:int` must hold an integer, not `soon`",
        "write an integer, or leave the cell empty",
    );
}

#[test]
fn a_header_without_a_required_column() {
    let s = folder(b"id,knd,name\na,threat,A\n", None);
    assert_load_error(
        &s.run(&["-g", "g", "list"]),
        "g/nodes.csv:1:1",
        "`g/nodes.csv` has no `kind` column",
        "did you mean `kind` instead of `knd`?",
    );
}

#[test]
fn provenance_must_name_a_declared_source() {
    let s = folder(
        b"id,kind,name,provenance\na,threat,A,\"{\"\"source\"\":\"\"nope\"\"}\"\n",
        None,
    );
    assert_load_error(
        &s.run(&["-g", "g", "list"]),
        "g/nodes.csv:2:12",
        "unknown source `nope`",
        "declare it under [[sources]]",
    );
}

#[test]
fn check_lists_every_bad_row_of_a_folder() {
    let s = folder(
        b"id,kind,name\na,threet,A\nb,threat\nc,threat,C\nc,threat,C again\n",
        Some(b"from,rel,to\nc,addresses,c\nc,nope,c\n"),
    );
    let run = s.run(&["check", "g", "--format", "json"]);
    run.exits(1);
    let json = run.json();
    let at: Vec<(String, u64)> = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["file"].as_str().unwrap().to_string(),
                p["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let want = [
        ("g/nodes.csv", 2),
        ("g/nodes.csv", 3),
        ("g/nodes.csv", 5),
        ("g/edges.csv", 2),
        ("g/edges.csv", 3),
    ];
    let want: Vec<(String, u64)> = want.iter().map(|(f, l)| (f.to_string(), *l)).collect();
    assert_eq!(at, want, "{json:#}");
}

#[test]
fn check_caps_the_list_at_a_thousand_and_counts_the_rest() {
    let mut nodes = b"id,kind,name\n".to_vec();
    for i in 0..1200 {
        nodes.extend_from_slice(format!("n{i},threet,N\n").as_bytes());
    }
    let s = folder(&nodes, None);
    let run = s.run(&["check", "g"]);
    run.exits(1).stderr_has(&[
        "× … and 200 more problems not listed",
        "error: 1200 problems in g",
    ]);
    assert_eq!(run.stderr.matches("unknown kind `threet`").count(), 1000);
}

#[test]
fn a_folder_without_nodes_csv_is_a_directory() {
    let s = Scratch::new();
    std::fs::create_dir(s.path().join("empty")).unwrap();
    s.run(&["-g", "empty", "list"]).error().stderr_has(&[
        "× `empty` is a directory, not a graph file",
        "a CSV folder that holds `nodes.csv`",
    ]);
}

#[test]
fn json_lines_load_and_report_each_line() {
    let s = Scratch::new();
    s.write(
        "g.jsonl",
        "\u{FEFF}{\"type\":\"graph\",\"name\":\"G\"}\r\n\
         {\"type\":\"source\",\"id\":\"src\",\"title\":\"S\"}\n\
         \n\
         {\"id\":\"a b\",\"kind\":\"activity\",\"name\":\"A\",\"tags\":[\"x\",2]}\n\
         {\"id\":\"t\",\"kind\":\"threat\",\"name\":\"T\",\"provenance\":{\"source\":\"src\"}}\n\
         {\"from\":\"a b\",\"rel\":\"addresses\",\"to\":\"t\",\"basis\":\"inferred\"}\n",
    );
    s.run(&["-g", "g.jsonl", "related", "a b", "--format", "csv"])
        .success()
        .stdout_is("rel,dir,id,kind,name,basis\naddresses,out,t,threat,T,inferred\n");
    s.write(
        "bad.jsonl",
        "{\"id\":\"a\",\"kind\":\"threat\",\"name\":\"A\"}\n\
         {\"id\":\"b\",\"kind\":\"thret\",\"name\":\"B\"}\n\
         not json\n",
    );
    assert_load_error(
        &s.run(&["-g", "bad.jsonl", "list"]),
        "bad.jsonl:2:18",
        "unknown kind `thret`",
        "did you mean `threat`?",
    );
    s.run(&["check", "bad.jsonl"]).exits(1).stderr_has(&[
        "[bad.jsonl:3:1]",
        "syntax error",
        "error: 2 problems in bad.jsonl",
    ]);
}

#[test]
fn bulk_inputs_do_not_mix_with_toml_files() {
    let s = folder(b"id,kind,name\na,threat,A\n", None);
    s.write("more.toml", "");
    s.run(&["-g", "g", "-g", "more.toml", "list"])
        .error()
        .stderr_has(&["× `g` cannot be merged with TOML or JSON graph files"]);
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let s = Scratch::new();
    s.run(&["generate", "--nodes", "2000", "g"]).success();
    s.run(&["-g", "g", "stats"]).success().stderr_is("");
}

#[test]
fn convert_round_trips_through_every_format() {
    let s = Scratch::new();
    let curated = crate::harness::fixtures().join("../../graph/security-cooperation.toml");
    let curated = curated.to_str().unwrap();
    s.run(&["convert", curated, "a.json"])
        .success()
        .stdout_is("wrote 78 nodes and 215 edges to a.json (json)\n");
    s.run(&["convert", "a.json", "b.jsonl"]).success();
    s.run(&["convert", "b.jsonl", "c"]).success();
    s.run(&["convert", "c", "d.toml"]).success();
    s.run(&["convert", "d.toml", "e.ndjson"]).success();
    s.run(&["convert", "e.ndjson", "f.d", "--to", "csv"])
        .success();
    let dump = |g: &str| {
        let list = s.run(&["-g", g, "list", "--format", "jsonl"]);
        let show = s.run(&["-g", g, "show", "terrorism", "--format", "json"]);
        let stats = s.run(&["-g", g, "stats", "--format", "json"]);
        format!(
            "{}{}{}",
            list.success().stdout,
            show.success().stdout,
            stats.success().stdout
        )
    };
    let want = dump(curated);
    for g in ["a.json", "b.jsonl", "c", "d.toml", "e.ndjson", "f.d"] {
        assert_eq!(dump(g), want, "{g} differs from the curated graph");
    }
}

#[test]
fn convert_needs_a_format_it_can_tell() {
    let s = Scratch::new();
    let curated = crate::harness::fixtures().join("../../graph/security-cooperation.toml");
    s.run(&["convert", curated.to_str().unwrap(), "out.xml"])
        .exits(2)
        .stderr_has(&[
            "error: cannot tell the format to write from `out.xml`",
            "--to",
        ]);
}

#[test]
fn convert_refuses_a_graph_with_problems() {
    let s = folder(b"id,kind,name\na,threet,A\n", None);
    s.run(&["convert", "g", "out.toml"]).error();
    assert!(!s.path().join("out.toml").exists());
}

#[test]
fn generate_is_deterministic_and_loads() {
    let s = Scratch::new();
    s.run(&["generate", "--nodes", "1000", "--seed", "7", "a"])
        .success()
        .stdout_has(&["wrote 1000 nodes and "]);
    s.run(&["generate", "--nodes", "1000", "--seed", "7", "b"])
        .success();
    for f in ["nodes.csv", "edges.csv"] {
        let read = |d: &str| std::fs::read(s.path().join(d).join(f)).unwrap();
        assert_eq!(read("a"), read("b"), "{f}");
    }
    let stats = s.run(&["-g", "a", "stats", "--format", "json"]).json();
    assert_eq!(stats["nodes"], 1000, "{stats:#}");
    s.run(&["generate", "--nodes", "5", "x"]).exits(2);
}

/// A `nodes.csv` of `rows` rows `n0` … (megabytes of them),
/// with `row(i)` replacing row `i` where it gives one.
fn many_nodes(rows: usize, row: impl Fn(usize) -> Option<String>) -> Vec<u8> {
    let mut text = b"id,kind,name\n".to_vec();
    for i in 0..rows {
        let line = row(i).unwrap_or_else(|| format!("n{i},threat,Threat number {i}\n"));
        text.extend_from_slice(line.as_bytes());
    }
    text
}

#[test]
fn an_error_late_in_a_large_nodes_csv_names_its_line_and_column() {
    // Over four megabytes of rows: the position is counted for the row
    // alone, without the file held as a document.
    let s = folder(
        &many_nodes(120_000, |i| {
            (i == 110_000).then(|| "n110000,threat,Bad\u{7}name\n".to_string())
        }),
        Some(b"from,rel,to\n"),
    );
    assert_load_error(
        &s.run(&["-g", "g", "list"]),
        "g/nodes.csv:110002:16",
        "`name` holds control characters",
        "write plain text without control characters",
    );
}

#[test]
fn quoted_newlines_in_a_large_nodes_csv_count_as_lines() {
    // Three thousand rows around the first megabyte hold notes over two
    // lines: each is one record, and the duplicate after them is on the
    // line that counts every one.
    let mut nodes = b"id,kind,name,note\n".to_vec();
    for i in 0..60_000 {
        let row = match i {
            29_000..=32_000 => format!("n{i},threat,Threat {i},\"Two\nlines\"\n"),
            50_000 => "n7,threat,Again,\n".into(),
            _ => format!("n{i},threat,Threat number {i},\n"),
        };
        nodes.extend_from_slice(row.as_bytes());
    }
    let s = folder(&nodes, Some(b"from,rel,to\n"));
    assert_load_error(
        &s.run(&["-g", "g", "list"]),
        "g/nodes.csv:53003:1",
        "duplicate node id `n7`",
        "first defined at g/nodes.csv:9:1",
    );
}
