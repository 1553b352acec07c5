//! `seccoop query`: Cypher over the loaded graph (the Cypher-depth tests
//! over the file's own edges, without the ones the schema's rules derive).

use std::collections::BTreeSet;
use std::io::Write as _;
use std::process::Stdio;

use crate::harness::{BIN, Scratch, assert_keys, command, finish, fixtures, seccoop, seccoop_in};

const ADDRESSES_TERRORISM: &str =
    "MATCH (a:activity)-[:addresses]->(:threat {id: \"terrorism\"}) RETURN a.id";

#[test]
fn the_example_query_as_a_table() {
    seccoop(&[
        "query",
        "MATCH (a:activity)-[:addresses]->(t:threat {id: \"terrorism\"}) RETURN a.id, a.name ORDER BY a.name",
    ])
    .success()
    .stdout_is(
        "\
a.id                           a.name
border-security-cooperation    Border Security Cooperation
combating-financial-terrorism  Combating Financial Terrorism
counter-terrorism-cooperation  Counter-terrorism Cooperation
intelligence-sharing           Intelligence Sharing
",
    )
    .stderr_is("");
}

#[test]
fn returns_exactly_what_related_returns() {
    let related = seccoop(&[
        "related",
        "terrorism",
        "--rel",
        "addresses",
        "--kind",
        "activity",
        "--format",
        "json",
    ])
    .success()
    .json();
    let expected: BTreeSet<String> = related
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| r["id"].as_str().expect("an id").to_string())
        .collect();
    let query = seccoop(&["query", ADDRESSES_TERRORISM, "--format", "json"])
        .success()
        .json();
    let got: BTreeSet<String> = query
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| r["a.id"].as_str().expect("a.id").to_string())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(got, expected);
}

#[test]
fn json_is_an_array_of_objects_keyed_by_column_in_order() {
    let run = seccoop(&[
        "query",
        "MATCH (t:threat {id: 'terrorism'}) RETURN t.name AS name, t.id AS id, labels(t) AS labels, 1.5 AS x, null AS nothing",
        "--format",
        "json",
    ]);
    run.success().stdout_is(
        "\
[
  {
    \"name\": \"Terrorism\",
    \"id\": \"terrorism\",
    \"labels\": [
      \"threat\"
    ],
    \"x\": 1.5,
    \"nothing\": null
  }
]
",
    );
}

#[test]
fn nodes_in_json_carry_id_labels_and_properties() {
    let json = seccoop(&[
        "query",
        "MATCH (t:threat {id: 'terrorism'})<-[r:addresses]-(a {id: 'intelligence-sharing'}) RETURN t, r",
        "--format",
        "json",
    ])
    .success()
    .json();
    let row = &json[0];
    assert_keys(&row["t"], &["id", "labels", "properties"]);
    assert_eq!(row["t"]["id"], "terrorism");
    assert_eq!(row["t"]["properties"]["name"], "Terrorism");
    assert_keys(&row["r"], &["id", "type", "from", "to", "properties"]);
    assert_eq!(row["r"]["type"], "addresses");
    assert_eq!(row["r"]["from"], "intelligence-sharing");
    assert_eq!(row["r"]["to"], "terrorism");
}

#[test]
fn jsonl_and_csv() {
    let q = "UNWIND [1, 2] AS x RETURN x, 'a, b' AS s";
    seccoop(&["query", q, "--format", "jsonl"])
        .success()
        .stdout_is("{\"x\":1,\"s\":\"a, b\"}\n{\"x\":2,\"s\":\"a, b\"}\n");
    seccoop(&["query", q, "--format", "csv"])
        .success()
        .stdout_is("x,s\n1,\"a, b\"\n2,\"a, b\"\n");
}

#[test]
fn a_derived_relationship_has_basis_derived() {
    let query = "MATCH (a:activity)-[r:addresses]->(:threat {id: 'terrorism'}) \
                 WHERE r.basis = 'derived' RETURN a.id, r.basis";
    seccoop(&["query", query])
        .success()
        .stdout_is("a.id                         r.basis\nborder-security-cooperation  derived\n");
    // Without reasoning there is none.
    seccoop(&["--no-reasoning", "query", query])
        .success()
        .stdout_is("");
}

#[test]
fn aggregation_with_implicit_grouping() {
    seccoop(&[
        "query",
        "MATCH (a:activity)-[:addresses]->(t:threat) WHERE t.id IN ['terrorism', 'pandemics'] RETURN t.id AS threat, count(a) AS n ORDER BY threat",
    ])
    .success()
    .stdout_is(
        "\
threat     n
pandemics  4
terrorism  4
",
    );
}

#[test]
fn parameters_are_literals_or_strings() {
    seccoop(&[
        "query",
        "--param",
        "t=terrorism",
        "--param",
        "n=2",
        "MATCH (x {id: $t}) RETURN x.name, $n + 1 AS m",
    ])
    .success()
    .stdout_is("x.name     m\nTerrorism  3\n");
}

#[test]
fn a_bad_param_is_a_usage_error() {
    seccoop(&["query", "--param", "novalue", "RETURN 1"])
        .exits(2)
        .stderr_has(&["expected NAME=VALUE"]);
}

#[test]
fn a_missing_param_says_how_to_pass_it() {
    seccoop(&["query", "RETURN $who"])
        .error()
        .stderr_has(&["missing parameter `$who`", "--param who=VALUE"]);
}

#[test]
fn reads_the_query_from_a_file() {
    let dir = Scratch::new();
    dir.write(
        "q.cypher",
        "// threats, by name\nMATCH (t:threat {id: 'terrorism'})\nRETURN t.name\n",
    );
    dir.run(&["query", "-f", "q.cypher"])
        .success()
        .stdout_is("t.name\nTerrorism\n");
    dir.run(&["query", "--file", "missing.cypher"])
        .error()
        .stderr_has(&["cannot read `missing.cypher`"]);
}

#[test]
fn reads_the_query_from_stdin_when_it_is_not_a_terminal() {
    let mut cmd = command(&fixtures(), &["query"]);
    cmd.stdin(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn seccoop");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"MATCH (t:threat {id: 'terrorism'}) RETURN t.name")
        .expect("write the query");
    let out = child.wait_with_output().expect("wait for seccoop");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "t.name\nTerrorism\n");
}

#[test]
fn a_syntax_error_points_at_line_and_column_and_says_what_was_expected() {
    let run = seccoop(&["query", "MATCH (a:activity)\nRETURN a.id,"]);
    run.error().stderr_has(&[
        "syntax error: expected an expression, found the end of the query",
        "[<query>:2:13]",
        "2 │ RETURN a.id,",
    ]);
    seccoop(&["query", "MATCH (a:activity RETURN a"])
        .error()
        .stderr_has(&[
            "expected `)` to close the node pattern, found `RETURN`",
            "[<query>:1:19]",
        ]);
}

#[test]
fn a_syntax_error_in_a_file_names_the_file() {
    let dir = Scratch::new();
    dir.write("bad.cypher", "MATCH (n)\nRETURN n.id ORDER n.id\n");
    dir.run(&["query", "-f", "bad.cypher"])
        .error()
        .stderr_has(&["[bad.cypher:2:19]", "expected `BY`, found `n`"]);
}

#[test]
fn unknown_labels_types_and_properties_warn_with_the_nearest_names() {
    let run = seccoop(&["query", "MATCH (a:activty)-[:adresses]->(t) RETURN a.nmae"]);
    run.success().stdout_is("").stderr_has(&[
        "⚠ the graph has no label `activty`, so this matches nothing",
        "help: did you mean `activity`?",
        "⚠ the graph has no relationship type `adresses`, so this matches nothing",
        "help: did you mean `addresses`?",
        "property `nmae`, so it is null everywhere",
        "help: did you mean `name`?",
        "the query returned no rows",
    ]);
}

#[test]
fn runtime_type_errors_are_reported_not_panics() {
    seccoop(&["query", "MATCH (t:threat) RETURN t.name - 1"])
        .error()
        .stderr_has(&["cannot compute string - integer", "[<query>:1:25]"]);
    seccoop(&["query", "RETURN 1 / 0"])
        .error()
        .stderr_has(&["division by zero"]);
}

#[test]
fn undefined_variables_suggest_the_nearest() {
    seccoop(&["query", "MATCH (threat:threat) RETURN thraet.id"])
        .error()
        .stderr_has(&["variable `thraet` is not defined", "did you mean `threat`?"]);
}

#[test]
fn writes_are_refused_with_a_reason() {
    seccoop(&["query", "MATCH (n) DETACH DELETE n"])
        .error()
        .stderr_has(&["`DETACH` is not supported", "queries only read the graph"]);
    seccoop(&["query", "CREATE (n:threat {id: 'x'})"])
        .error()
        .stderr_has(&[
            "CREATE is not supported: seccoop queries only read the graph",
            "[<query>:1:1]",
            "help: to add nodes or edges, edit the graph's files",
        ]);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("RETURN {}1{}", "[".repeat(50_000), "]".repeat(50_000));
    seccoop(&["query", &deep])
        .error()
        .stderr_has(&["nests more than 200 levels deep"]);
}

#[test]
fn a_hop_limit_reached_is_an_error_not_a_shorter_answer() {
    let run = seccoop(&[
        "query",
        "--max-hops",
        "2",
        "MATCH (t {id: 'terrorism'})-[*]-(x) RETURN count(DISTINCT x) AS n",
    ]);
    run.error()
        .stdout_is("")
        .stderr_has(&["hop limit of 2 with more to walk", "raise --max-hops"]);
}

#[test]
fn union_joins_queries_and_union_all_keeps_duplicates() {
    let q = |join: &str| {
        format!(
            "MATCH (t:threat {{id: 'terrorism'}}) RETURN t.id AS id {join} \
             MATCH (:activity {{id: 'intelligence-sharing'}})-[:addresses]->(t) RETURN t.id AS id"
        )
    };
    seccoop(&["--no-reasoning", "query", &q("UNION")])
        .success()
        .stdout_is("id\nterrorism\npandemics\ncyberattacks\n");
    seccoop(&["--no-reasoning", "query", &q("UNION ALL")])
        .success()
        .stdout_is("id\nterrorism\npandemics\ncyberattacks\nterrorism\n");
    seccoop(&[
        "--no-reasoning",
        "query",
        "RETURN 1 AS a UNION RETURN 2 AS b",
    ])
    .error()
    .stderr_has(&["return different columns: a before, b after"]);
    seccoop(&[
        "--no-reasoning",
        "query",
        "RETURN 1 AS a UNION RETURN 2 AS a UNION ALL RETURN 3 AS a",
    ])
    .error()
    .stderr_has(&["cannot be mixed"]);
}

#[test]
fn order_by_may_name_a_returned_expression_after_aggregating() {
    // It was refused as "only a variable or property access may be used
    // next to an aggregate".
    seccoop(&[
        "--no-reasoning",
        "query",
        "MATCH ()-[r]->() RETURN type(r), count(*) ORDER BY type(r) DESC LIMIT 2",
    ])
    .success()
    .stdout_is("type(r)   count(*)\nsupports  27\npart_of   23\n");
}

#[test]
fn exists_and_count_subqueries_see_the_row_around_them() {
    seccoop(&[
        "--no-reasoning",
        "query",
        "MATCH (t:threat) WHERE COUNT { (t)<-[:addresses]-(:activity) } >= 4 \
         RETURN t.id, COUNT { MATCH (t)<-[:addresses]-(a) RETURN a } AS n ORDER BY t.id",
    ])
    .success()
    .stdout_is("t.id          n\ncyberattacks  4\npandemics     4\n");
    seccoop(&[
        "--no-reasoning",
        "query",
        "MATCH (t:threat {id: 'terrorism'}) RETURN EXISTS { (t)<-[:addresses]-({id: 'intelligence-sharing'}) } AS yes, \
         EXISTS { MATCH (t)<-[:addresses]-(a) WHERE a.id = 'nothing' } AS no",
    ])
    .success()
    .stdout_is("yes   no\ntrue  false\n");
    seccoop(&[
        "--no-reasoning",
        "query",
        "MATCH (n) WHERE EXISTS { MATCH (n)-->(m) SET m.x = 1 } RETURN n",
    ])
    .error()
    .stderr_has(&["a subquery cannot use `SET`"]);
}

#[test]
fn map_projections_and_patterns_as_lists_of_paths() {
    // A map projection was "expected a clause, found `{`".
    seccoop(&[
        "--no-reasoning",
        "query",
        "MATCH (n:threat {id: 'terrorism'}) RETURN n {.id, kind: labels(n)[0], hindered: size((n)<-[:addresses]-())} AS m",
    ])
    .success()
    .stdout_is("m\n{hindered: 3, id: 'terrorism', kind: 'threat'}\n");
    let json = seccoop(&[
        "--no-reasoning",
        "query",
        "MATCH (n:threat {id: 'terrorism'}) RETURN n {.*} AS m",
        "--format",
        "json",
    ])
    .success()
    .json();
    assert_eq!(json[0]["m"]["name"], "Terrorism");
    assert_eq!(json[0]["m"]["aliases"][0], "terror");
    seccoop(&[
        "--no-reasoning",
        "query",
        "MATCH (n:threat {id: 'terrorism'}) RETURN [(n)<-[:addresses]-(a) WHERE a.id STARTS WITH 'intel' | a.id] AS ids",
    ])
    .success()
    .stdout_is("ids\n['intelligence-sharing']\n");
}

#[test]
fn json_tells_infinity_and_nan_from_strings() {
    // They were the strings "Infinity" and "NaN", like the string values.
    let json = seccoop(&[
        "query",
        "RETURN 1.0 / 0 AS inf, -1.0 / 0 AS ninf, 0.0 / 0 AS nan, 'Infinity' AS text",
        "--format",
        "json",
    ])
    .success()
    .json();
    assert_eq!(json[0]["inf"], serde_json::json!({"$float": "Infinity"}));
    assert_eq!(json[0]["ninf"], serde_json::json!({"$float": "-Infinity"}));
    assert_eq!(json[0]["nan"], serde_json::json!({"$float": "NaN"}));
    assert_eq!(json[0]["text"], "Infinity");
}

#[test]
fn an_unknown_function_suggests_only_close_names() {
    // `frobnicate` got "did you mean `e`?".
    let run = seccoop(&["query", "RETURN frobnicate(1)"]);
    run.error().stderr_has(&["unknown function `frobnicate`"]);
    assert!(!run.stderr.contains("did you mean"), "{}", run.stderr);
    seccoop(&["query", "RETURN toUpr('a')"])
        .error()
        .stderr_has(&["did you mean `toUpper`?"]);
}

#[test]
fn shortest_paths_are_the_shortest_simple_paths() {
    // Every simple path of at most three hops, by an exhaustive walk.
    let exhaustive = seccoop(&[
        "--no-reasoning",
        "query",
        "MATCH p = (:activity {id: 'intelligence-sharing'})-[*..3]-(:threat {id: 'climate-change'}) \
         WITH p, nodes(p) AS ns \
         WHERE ALL(i IN range(0, size(ns) - 1) WHERE ALL(j IN range(i + 1, size(ns) - 1) WHERE ns[i] <> ns[j])) \
         RETURN length(p) AS hops, count(*) AS paths ORDER BY hops",
    ]);
    exhaustive.success().stdout_is("hops  paths\n3     24\n");
    for selector in ["ALL SHORTEST ", "allShortestPaths("] {
        let close = if selector.ends_with('(') { ")" } else { "" };
        let q = format!(
            "MATCH p = {selector}(:activity {{id: 'intelligence-sharing'}})-[*]-(:threat {{id: 'climate-change'}}){close} \
             RETURN length(p) AS hops, count(p) AS paths"
        );
        seccoop(&["--no-reasoning", "query", &q])
            .success()
            .stdout_is("hops  paths\n3     24\n");
    }
    for selector in ["ANY SHORTEST ", "SHORTEST 1 ", "shortestPath("] {
        let close = if selector.ends_with('(') { ")" } else { "" };
        let q = format!(
            "MATCH p = {selector}(:activity {{id: 'intelligence-sharing'}})-[*]-(b){close} \
             RETURN count(DISTINCT b) AS ends, count(p) AS paths, max(length(p)) AS longest"
        );
        // One path to each of the 74 other nodes.
        seccoop(&["--no-reasoning", "query", &q])
            .success()
            .stdout_is("ends  paths  longest\n77    77     4\n");
    }
    seccoop(&[
        "--no-reasoning",
        "query",
        "MATCH p = SHORTEST 0 (a)-[*]-(b) RETURN p",
    ])
    .error()
    .stderr_has(&["SHORTEST needs a number of paths of at least 1"]);
}

#[test]
fn shortest_k_takes_the_k_shortest_trails_to_each_end() {
    // Every trail of at most four hops, counted by length by an exhaustive walk.
    let by_length = |q: &str| -> Vec<(i64, i64)> {
        let rows = seccoop(&["--no-reasoning", "query", q, "--format", "json"])
            .success()
            .json();
        rows.as_array()
            .expect("rows")
            .iter()
            .map(|r| {
                (
                    r["hops"].as_i64().expect("hops"),
                    r["paths"].as_i64().expect("paths"),
                )
            })
            .collect()
    };
    let ends = "(:activity {id: 'intelligence-sharing'})-[*]-(:threat {id: 'climate-change'})";
    let all = by_length(&format!(
        "MATCH p = {} RETURN length(p) AS hops, count(*) AS paths ORDER BY hops",
        ends.replace("[*]", "[*..4]")
    ));
    // The k shortest take every shorter trail, then the first of the next length.
    let k = 30;
    let mut expected = Vec::new();
    let mut left = k;
    for (hops, paths) in all {
        if left == 0 {
            break;
        }
        let take = paths.min(left);
        expected.push((hops, take));
        left -= take;
    }
    assert!(left == 0 && expected.len() > 1, "{expected:?}");
    let got = by_length(&format!(
        "MATCH p = SHORTEST {k} {ends} WITH DISTINCT p \
         RETURN length(p) AS hops, count(*) AS paths ORDER BY hops"
    ));
    assert_eq!(got, expected);
    // Each end has its own k: two paths to every threat.
    seccoop(&[
        "--no-reasoning",
        "query",
        "MATCH p = SHORTEST 2 PATHS (:activity {id: 'intelligence-sharing'})-[*]-(b:threat) \
         WITH b, count(p) AS n RETURN n, count(b) AS threats",
    ])
    .success()
    .stdout_is("n  threats\n2  24\n");
    seccoop(&[
        "--no-reasoning",
        "query",
        "MATCH p = shortestPath((a)-->(b)-->(c)) RETURN p",
    ])
    .error()
    .stderr_has(&["needs exactly one relationship"]);
}

#[test]
fn explain_shows_the_plan_and_profile_counts_the_rows() {
    let q = "MATCH (a:activity)-[:addresses]->(t:threat) WITH t, count(a) AS n \
             ORDER BY n DESC LIMIT 3 RETURN t.id, n";
    let explain = seccoop(&[
        "--no-reasoning",
        "query",
        &format!("EXPLAIN {q}"),
        "--format",
        "json",
    ])
    .success()
    .json();
    let ops: Vec<&str> = explain
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["operator"].as_str())
        .collect();
    assert_eq!(ops, ["Project", "└─Aggregate", "  └─Match"]);
    assert!(explain[2]["rows"].is_null());
    // 22 activities start the match; it is not run.
    assert_eq!(explain[2]["estimated rows"], 22);
    let profile = seccoop(&[
        "--no-reasoning",
        "query",
        &format!("PROFILE {q}"),
        "--format",
        "json",
    ])
    .success()
    .json();
    // 37 `addresses` edges in the audited file, 3 groups kept, 3 rows returned.
    let rows: Vec<i64> = profile
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["rows"].as_i64())
        .collect();
    assert_eq!(rows, [3, 3, 37]);
    // Every operator has its own time, not only the top one.
    for op in profile.as_array().expect("rows") {
        assert!(
            op["time ms"].as_f64().is_some_and(|t| t >= 0.0),
            "no time for {op}"
        );
    }
    // The plan of a query that does not plan is its error.
    seccoop(&["--no-reasoning", "query", "EXPLAIN MATCH (a) RETURN b"])
        .error()
        .stderr_has(&["variable `b` is not defined"]);
}

#[test]
fn call_subqueries_join_their_rows_to_each_row() {
    seccoop(&[
        "--no-reasoning",
        "query",
        "MATCH (t:threat {id: 'terrorism'}) \
         CALL { MATCH (t)<-[:addresses]-(a) RETURN a.id AS a ORDER BY a LIMIT 2 } \
         RETURN t.id, a",
    ])
    .success()
    .stdout_is(
        "t.id       a\nterrorism  combating-financial-terrorism\nterrorism  counter-terrorism-cooperation\n",
    );
    // A row whose subquery returns nothing is dropped.
    seccoop(&[
        "--no-reasoning",
        "query",
        "MATCH (t:threat) CALL { MATCH (t)<-[:addresses]-(a {id: 'intelligence-sharing'}) RETURN a } \
         RETURN count(*) AS n",
    ])
    .success()
    .stdout_is("n\n3\n");
    seccoop(&[
        "--no-reasoning",
        "query",
        "MATCH (t:threat) CALL { RETURN 1 AS t } RETURN t",
    ])
    .error()
    .stderr_has(&["the subquery returns `t`, which is already bound"]);
}

#[test]
fn procedures_list_what_the_graph_holds() {
    seccoop(&["--no-reasoning", "query", "CALL db.labels()"])
        .success()
        .stdout_is("label\nactivity\nactor\narea\nchallenge\nprinciple\nthreat\n");
    seccoop(&[
        "--no-reasoning",
        "query",
        "CALL db.relationshipTypes() YIELD relationshipType AS t RETURN count(t) AS types",
    ])
    .success()
    .stdout_is("types\n10\n");
    let keys = seccoop(&[
        "--no-reasoning",
        "query",
        "CALL db.propertyKeys() YIELD propertyKey RETURN collect(propertyKey) AS k",
    ]);
    keys.success().stdout_has(&["'id'", "'name'", "'aliases'"]);
    let listed = seccoop(&[
        "--no-reasoning",
        "query",
        "SHOW PROCEDURES",
        "--format",
        "json",
    ])
    .success()
    .json();
    let names: Vec<&str> = listed
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "db.labels",
            "db.propertyKeys",
            "db.relationshipTypes",
            "db.schema.visualization",
            "dbms.procedures",
            "seccoop.gaps",
            "seccoop.impact",
            "seccoop.path"
        ]
    );
    seccoop(&["--no-reasoning", "query", "CALL db.lables()"])
        .error()
        .stderr_has(&["unknown procedure `db.lables`", "did you mean `db.labels`?"]);
    // Within a query, a call without YIELD binds nothing (as openCypher
    // says): each row goes on once per row of the procedure.
    seccoop(&[
        "--no-reasoning",
        "query",
        "MATCH (n {id: 'terrorism'}) CALL db.labels() RETURN count(n) AS n",
    ])
    .success()
    .stdout_is("n\n6\n");
    seccoop(&[
        "--no-reasoning",
        "query",
        "MATCH (n) CALL db.labels() RETURN label",
    ])
    .error()
    .stderr_has(&["variable `label` is not defined"]);
}

#[test]
fn flat_chains_of_operators_are_not_nesting() {
    // 200 OR'd terms and 201 `+` terms were refused as nesting 200 deep.
    let ors: Vec<String> = (0..200).map(|i| format!("n.id = 'x{i}'")).collect();
    let ors = format!(
        "MATCH (n) WHERE {} OR n.id = 'terrorism' RETURN n.id",
        ors.join(" OR ")
    );
    seccoop(&["query", &ors])
        .success()
        .stdout_is("n.id\nterrorism\n");
    let plus = format!("RETURN 1{} AS s", " + 1".repeat(200));
    seccoop(&["query", &plus]).success().stdout_is("s\n201\n");
    // 20,000 terms, past what one argument holds, from a file.
    let scratch = Scratch::new();
    scratch.write(
        "long.cypher",
        format!("RETURN 1{} AS s", " + 1".repeat(20_000)),
    );
    seccoop_in(scratch.path(), &["query", "-f", "long.cypher"])
        .success()
        .stdout_is("s\n20001\n");
    // Real nesting is still bounded.
    let deep = format!("RETURN {}1{} AS s", "(".repeat(201), ")".repeat(201));
    seccoop(&["query", &deep])
        .error()
        .stderr_has(&["nests more than 200 levels deep"]);
}

#[test]
fn an_unbounded_variable_length_pattern_is_exact_by_default() {
    // It printed 40128 with a warning when `*` was cut at ten hops.
    seccoop(&[
        "--no-reasoning",
        "query",
        "MATCH (a:activity)-[:supports*]-(b) RETURN count(*) AS n",
    ])
    .success()
    .stdout_is("n\n113536\n")
    .stderr_is("");
}

#[test]
fn rows_counted_as_they_stream_are_not_held_so_the_row_limit_spares_them() {
    // `MATCH p=()-[*]-() RETURN count(p)` stopped at the row limit after
    // counting ten million paths it never held.
    seccoop(&[
        "query",
        "--max-rows",
        "100",
        "MATCH (a:activity)-[:supports*]-(b) RETURN count(*) AS n",
    ])
    .success()
    .stdout_is("n\n113536\n");
    // Held rows still count: sorting them, or returning them.
    seccoop(&[
        "query",
        "--max-rows",
        "100",
        "MATCH (a:activity)-[:supports*]-(b) WITH b ORDER BY b.id RETURN count(*) AS n",
    ])
    .error()
    .stdout_is("")
    .stderr_has(&["would hold more than the limit of 100 rows"]);
    seccoop(&[
        "query",
        "--max-rows",
        "100",
        "MATCH (a:activity)-[:supports*]-(b) RETURN DISTINCT b.id, a.id",
    ])
    .error()
    .stderr_has(&["would hold more than the limit of 100 rows"]);
}

#[test]
fn a_query_past_its_time_limit_is_an_error_not_a_partial_count() {
    let started = std::time::Instant::now();
    seccoop(&[
        "query",
        "--timeout",
        "1",
        "MATCH p = ()-[*]-() RETURN count(p)",
    ])
    .error()
    .stdout_is("")
    .stderr_has(&[
        "time limit of 1 s",
        "its answer would be incomplete",
        "--timeout",
    ]);
    // Stopped near the limit, not at the end of the walk.
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    // Shortest paths and their walks are bounded by it too.
    seccoop(&[
        "query",
        "--timeout",
        "0.5",
        "MATCH p = SHORTEST 1000000 (a {id: 'terrorism'})-[*]-(b) RETURN count(p)",
    ])
    .error()
    .stderr_has(&["time limit of 0.5 s"]);
    seccoop(&["query", "--timeout", "nan", "RETURN 1"])
        .exits(2)
        .stderr_has(&["expected a number of seconds"]);
}

#[test]
fn the_row_limit_reached_is_an_error_that_says_how_to_raise_it() {
    seccoop(&[
        "query",
        "--max-rows",
        "100",
        "MATCH (a)--(b) RETURN a.id, b.id",
    ])
    .error()
    .stdout_is("")
    .stderr_has(&["more than the limit of 100 rows", "--max-rows"]);
}

#[test]
fn paths_and_nodes_draw_as_diagrams() {
    let run = seccoop(&[
        "query",
        "MATCH p = (:activity {id: 'intelligence-sharing'})-[:addresses]->(:threat) RETURN p",
        "--format",
        "mermaid",
    ]);
    run.success()
        .stdout_has(&["flowchart", "intelligence-sharing", "terrorism"]);
    seccoop(&[
        "query",
        "MATCH (t:threat {id: 'terrorism'}) RETURN t",
        "--format",
        "dot",
    ])
    .success()
    .stdout_has(&["digraph", "terrorism"]);
}

#[test]
fn query_errors_are_reported_like_every_other_error() {
    // Each is a runtime error (exit 1) in the `error:` / `help:` form.
    seccoop(&["query", "  "]).exits(1).stdout_is("").stderr_is(
        "error: the query is empty\n  \
         help: pass one, e.g. `seccoop query 'MATCH (n:threat) RETURN n.id'`\n",
    );
    seccoop(&["query", "-f", "nowhere.cypher"])
        .exits(1)
        .stdout_is("")
        .stderr_is(
            "error: cannot read `nowhere.cypher`: no such file or directory\n  \
             help: check the path; `-f FILE` takes a file holding one query\n",
        );
}

#[test]
fn the_warnings_of_an_answer_that_cannot_be_drawn_come_before_the_error() {
    let run = seccoop(&[
        "query",
        "MATCH (n:threatt) RETURN 1 AS x",
        "--format",
        "dot",
    ]);
    run.exits(1).stdout_is("");
    let warning = run.stderr.find("no label `threatt`").expect("the warning");
    let error = run
        .stderr
        .find("error: the answer has no nodes or relationships to draw\n  help: return nodes")
        .expect("the error");
    assert!(warning < error, "{run}");
}

#[test]
fn an_answer_without_nodes_cannot_be_drawn() {
    seccoop(&["query", "RETURN 1 AS x", "--format", "dot"])
        .error()
        .stderr_has(&["no nodes or relationships to draw"]);
}

#[test]
fn an_empty_query_is_an_error() {
    seccoop(&["query", "  "])
        .error()
        .stderr_has(&["the query is empty"]);
}

/// The shell on a pseudo-terminal: a multi-line query ends at `;`, Tab
/// completes a label, `:quit` leaves, and history is kept in the data dir.
#[test]
fn the_shell_runs_queries_on_a_terminal() {
    let home = Scratch::new();
    let mut cmd = std::process::Command::new(BIN);
    cmd.arg("query")
        .current_dir(fixtures())
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"));
    let mut shell = match rexpect::session::spawn_command(cmd, Some(20_000)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("skipped: no pseudo-terminal to run the shell on ({e})");
            return;
        }
    };
    shell.exp_string("seccoop query shell").expect("the banner");
    shell.exp_string("seccoop> ").expect("a prompt");
    shell
        .send_line("MATCH (t:threat {id: 'terrorism'})")
        .expect("type a line");
    shell
        .send_line("RETURN t.name AS name;")
        .expect("type the end");
    shell.exp_string("Terrorism").expect("the answer");
    shell.exp_string("seccoop> ").expect("the next prompt");
    // Tab completes `activ` to `activity`.
    shell.send("MATCH (a:activ").expect("type");
    shell.send("\t").expect("tab");
    shell
        .send_line(" {id: 'intelligence-sharing'}) RETURN labels(a) AS l;")
        .expect("finish the query");
    shell
        .exp_string("['activity']")
        .expect("the completed label worked");
    shell.exp_string("seccoop> ").expect("the next prompt");
    shell.send_line("RETURN nope;").expect("type");
    shell
        .exp_string("variable `nope` is not defined")
        .expect("errors do not end the shell");
    shell.send_line(":quit").expect("quit");
    shell.exp_eof().expect("the shell ends");
    let history = std::fs::read_to_string(home.path().join("data/seccoop/query_history"))
        .expect("the history file");
    assert!(history.contains("RETURN nope;"), "{history}");
}

#[test]
fn help_documents_the_shell_and_params() {
    let run = finish(
        command(&fixtures(), &["query", "--help"]),
        &["query", "--help"],
    );
    run.success()
        .stdout_has(&["Cypher", "--param", "--file", "shell", "--max-hops"]);
}

/// The ids in a JSON array of node references (`{"id": …}`).
fn ids(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|n| n["id"].as_str().expect("an id").to_string())
        .collect()
}

/// One query's rows as JSON.
fn rows(q: &str) -> Vec<serde_json::Value> {
    seccoop(&["query", q, "--format", "json"])
        .success()
        .json()
        .as_array()
        .expect("rows")
        .clone()
}

#[test]
fn seccoop_impact_as_a_procedure_reaches_what_the_impact_command_reaches() {
    for (node, depth) in [
        ("lack of trust and transparency", 3),
        ("terrorism", 2),
        ("states", 4),
    ] {
        let cli = seccoop(&[
            "impact",
            node,
            "--depth",
            &depth.to_string(),
            "--format",
            "json",
        ])
        .success()
        .json();
        let expected: BTreeSet<(String, i64, i64, usize)> = cli["reached"]
            .as_array()
            .expect("reached")
            .iter()
            .map(|r| {
                (
                    r["id"].as_str().expect("id").to_string(),
                    r["depth"].as_i64().expect("depth"),
                    r["chains"].as_i64().expect("chains"),
                    r["via"].as_array().expect("via").len(),
                )
            })
            .collect();
        let got: BTreeSet<(String, i64, i64, usize)> = rows(&format!(
            "CALL seccoop.impact('{node}', {depth}) YIELD node, depth, chains, via \
             RETURN node.id AS id, depth, chains, size(via) AS hops"
        ))
        .iter()
        .map(|r| {
            (
                r["id"].as_str().expect("id").to_string(),
                r["depth"].as_i64().expect("depth"),
                r["chains"].as_i64().expect("chains"),
                r["hops"].as_u64().expect("hops") as usize,
            )
        })
        .collect();
        assert_eq!(got, expected, "{node}");
    }
    // Combined with a pattern: what the challenges' impact reaches among threats.
    let threats = rows(
        "MATCH (c:challenge {id: 'capacity-gaps'}) CALL seccoop.impact(c, 3) YIELD node \
         MATCH (node:threat) RETURN count(node) AS n",
    );
    let cli = seccoop(&["impact", "capacity-gaps", "--format", "json"])
        .success()
        .json();
    let cli_threats = cli["reached"]
        .as_array()
        .expect("reached")
        .iter()
        .filter(|r| r["kind"] == "threat")
        .count();
    assert!(cli_threats > 0);
    assert_eq!(threats[0]["n"], cli_threats);
}

#[test]
fn seccoop_path_and_gaps_as_procedures_answer_as_the_commands_do() {
    for (from, to) in [
        ("resource-constraints", "terrorism"),
        ("Intelligence Sharing", "climate-change"),
    ] {
        let cli = seccoop(&["path", from, to, "--format", "json"])
            .success()
            .json();
        let expected: Vec<serde_json::Value> =
            cli["paths"][0]["nodes"].as_array().expect("nodes").clone();
        let got = rows(&format!(
            "CALL seccoop.path('{from}', '{to}') YIELD path, length \
             RETURN [n IN nodes(path) | n.id] AS nodes, length"
        ));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0]["nodes"].as_array().expect("nodes"), &expected);
        assert_eq!(got[0]["length"], expected.len() - 1);
    }
    let cli = seccoop(&["gaps", "--format", "json"]).success().json();
    let gaps = rows(
        "CALL seccoop.gaps() YIELD gap, node, related \
         RETURN gap, node.id AS id, [r IN related | r.id] AS related",
    );
    let of = |gap: &str| -> Vec<&serde_json::Value> {
        gaps.iter().filter(|r| r["gap"] == gap).collect()
    };
    for gap in [
        "unaddressed_threats",
        "unmitigated_challenges",
        "activities_without_actor",
    ] {
        let got: BTreeSet<String> = of(gap)
            .iter()
            .map(|r| r["id"].as_str().expect("id").to_string())
            .collect();
        assert_eq!(got, ids(&cli[gap]), "{gap}");
    }
    let single: BTreeSet<(String, String)> = cli["single_activity_threats"]
        .as_array()
        .expect("singles")
        .iter()
        .map(|s| {
            (
                s["threat"]["id"].as_str().expect("id").to_string(),
                s["activity"]["id"].as_str().expect("id").to_string(),
            )
        })
        .collect();
    assert!(!single.is_empty());
    let got: BTreeSet<(String, String)> = of("single_activity_threats")
        .iter()
        .map(|r| {
            (
                r["id"].as_str().expect("id").to_string(),
                r["related"][0].as_str().expect("id").to_string(),
            )
        })
        .collect();
    assert_eq!(got, single);
    let spof: BTreeSet<(String, BTreeSet<String>)> = cli["single_points_of_failure"]
        .as_array()
        .expect("spof")
        .iter()
        .map(|s| {
            (
                s["activity"]["id"].as_str().expect("id").to_string(),
                ids(&s["leaves_unaddressed"]),
            )
        })
        .collect();
    let got: BTreeSet<(String, BTreeSet<String>)> = of("single_points_of_failure")
        .iter()
        .map(|r| {
            (
                r["id"].as_str().expect("id").to_string(),
                r["related"]
                    .as_array()
                    .expect("related")
                    .iter()
                    .map(|v| v.as_str().expect("id").to_string())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(got, spof);
}

#[test]
fn procedures_are_listed_with_their_signatures_and_the_schema_is_a_graph() {
    let listed = rows("SHOW PROCEDURES");
    assert_eq!(listed, rows("CALL dbms.procedures()"));
    let names: Vec<&str> = listed.iter().filter_map(|r| r["name"].as_str()).collect();
    for name in [
        "db.labels",
        "db.schema.visualization",
        "seccoop.gaps",
        "seccoop.impact",
        "seccoop.path",
    ] {
        assert!(names.contains(&name), "{name} is not listed: {names:?}");
    }
    let impact = listed
        .iter()
        .find(|r| r["name"] == "seccoop.impact")
        .expect("listed");
    assert_eq!(
        impact["signature"],
        "seccoop.impact(node :: NODE|STRING, depth = 3 :: INTEGER) :: \
         (node :: NODE, depth :: INTEGER, chains :: INTEGER, via :: LIST<RELATIONSHIP>)"
    );
    // The schema's kinds and relations, with the graph's counts.
    let schema = rows(
        "CALL db.schema.visualization() YIELD nodes, relationships \
         RETURN [n IN nodes | n.name] AS kinds, \
         [r IN relationships WHERE r.type = 'addresses' | [r.start, r.end, r.count]] AS addresses",
    );
    let kinds: BTreeSet<&str> = schema[0]["kinds"]
        .as_array()
        .expect("kinds")
        .iter()
        .filter_map(|k| k.as_str())
        .collect();
    let labels: BTreeSet<String> = rows("CALL db.labels()")
        .iter()
        .map(|r| r["label"].as_str().expect("label").to_string())
        .collect();
    assert_eq!(kinds, labels.iter().map(String::as_str).collect());
    let count = rows("MATCH (:activity)-[r:addresses]->(:threat) RETURN count(r) AS n");
    assert_eq!(
        schema[0]["addresses"],
        serde_json::json!([["activity", "threat", count[0]["n"]]])
    );
    // A wrong call says what the procedure takes.
    seccoop(&["query", "CALL seccoop.impact('terrorism', 1, 2)"])
        .error()
        .stderr_has(&["takes 1 to 2 arguments, not 3", "its signature"]);
    seccoop(&["query", "CALL seccoop.impact('terorism')"])
        .error()
        .stderr_has(&["unknown node `terorism`; did you mean `terrorism`?"]);
    seccoop(&["query", "CALL seccoop.impact(42)"])
        .error()
        .stderr_has(&["seccoop.impact's input `node` is NODE|STRING, not integer"]);
    seccoop(&[
        "query",
        "MATCH (n:threat) CALL seccoop.path(n, 1) YIELD path RETURN path",
    ])
    .error()
    .stderr_has(&["seccoop.path's input `to` is NODE|STRING, not integer"]);
    seccoop(&["query", "CALL seccoop.impakt('terrorism')"])
        .error()
        .stderr_has(&["unknown procedure", "did you mean `seccoop.impact`?"]);
}
