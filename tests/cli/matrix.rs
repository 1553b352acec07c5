//! `seccoop matrix`: the coverage matrix, checked against the graph file
//! (so without the edges the schema's rules derive).

use std::collections::BTreeMap;

use crate::harness::{curated_toml, fixtures, seccoop};

/// `(from, to) → basis` of the curated graph's `addresses` edges, read
/// from the graph file itself.
fn addresses() -> BTreeMap<(String, String), String> {
    let graph = curated_toml();
    let text = |v: &toml::Value, key: &str| v.get(key).and_then(|v| v.as_str()).map(String::from);
    graph["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| text(e, "rel").as_deref() == Some("addresses"))
        .map(|e| {
            (
                (
                    text(e, "from").unwrap_or_default(),
                    text(e, "to").unwrap_or_default(),
                ),
                text(e, "basis").unwrap_or_else(|| "stated".into()),
            )
        })
        .collect()
}

#[test]
fn csv_marks_every_addresses_edge_with_its_basis_and_nothing_else() {
    let run = seccoop(&["--no-reasoning", "matrix", "--format", "csv"]);
    run.success();
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(headers.first().map(String::as_str), Some("activity"));
    assert_eq!(headers.last().map(String::as_str), Some("total"));
    let expected = addresses();
    let mut marked = BTreeMap::new();
    let mut totals = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        let row = record[0].to_string();
        if row == "total" {
            totals = record.iter().skip(1).map(String::from).collect();
            continue;
        }
        for (col, cell) in headers.iter().zip(record.iter()).skip(1) {
            if col != "total" && !cell.is_empty() {
                marked.insert((row.clone(), col.clone()), cell.to_string());
            }
        }
    }
    assert_eq!(marked, expected);
    // Columns are sorted by their totals, most first: the gaps come last.
    let counts: Vec<usize> = totals.iter().map(|t| t.parse().unwrap()).collect();
    let columns = &counts[..counts.len() - 1];
    assert!(columns.windows(2).all(|w| w[0] >= w[1]), "{columns:?}");
    assert_eq!(counts.last().copied(), Some(expected.len()));
}

#[test]
fn json_has_rows_columns_totals_and_cells() {
    let json = seccoop(&["--no-reasoning", "matrix", "--format", "json"]).json();
    assert_eq!(json["rows_kind"], "activity");
    assert_eq!(json["cols_kind"], "threat");
    assert_eq!(json["rel"], "addresses");
    let rows = json["rows"].as_array().unwrap();
    let cols = json["cols"].as_array().unwrap();
    assert_eq!((rows.len(), cols.len()), (22, 24));
    let expected = addresses();
    let mut marked = 0;
    for (r, row) in json["cells"].as_array().unwrap().iter().enumerate() {
        let cells = row.as_array().unwrap();
        assert_eq!(cells.len(), cols.len());
        let mut total = 0;
        for (c, cell) in cells.iter().enumerate() {
            let key = (
                rows[r]["id"].as_str().unwrap().to_string(),
                cols[c]["id"].as_str().unwrap().to_string(),
            );
            assert_eq!(
                cell.as_str(),
                expected.get(&key).map(String::as_str),
                "{key:?}"
            );
            total += usize::from(!cell.is_null());
        }
        assert_eq!(rows[r]["total"], total);
        marked += total;
    }
    assert_eq!(marked, expected.len());
}

#[test]
fn the_table_numbers_the_columns_and_names_them_below() {
    let run = seccoop(&["--no-reasoning", "matrix"]);
    run.success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with("ACTIVITY") && lines[0].ends_with("TOTAL"),
        "{run}"
    );
    assert!(
        lines[1].starts_with("transnational-crime-cooperation "),
        "{run}"
    );
    assert!(lines.iter().any(|l| l.starts_with("TOTAL ")), "{run}");
    assert!(
        lines.iter().any(|l| l.starts_with("1   cyberattacks")),
        "{run}"
    );
    assert_eq!(lines.last(), Some(&"● stated  ○ inferred  · none"));
}

#[test]
fn other_kinds_and_relations() {
    let run = seccoop(&[
        "--no-reasoning",
        "matrix",
        "--rel",
        "hindered_by",
        "--format",
        "json",
    ]);
    run.success();
    let json = run.json();
    assert_eq!(
        (json["rows_kind"].as_str(), json["cols_kind"].as_str()),
        (Some("activity"), Some("challenge"))
    );
    // Rows and columns may be either end of the relation.
    let swapped = seccoop(&[
        "--no-reasoning",
        "matrix",
        "--rows",
        "challenges",
        "--cols",
        "activity",
        "--rel",
        "hindered_by",
        "--format",
        "json",
    ])
    .json();
    let total = |j: &serde_json::Value, key: &str| -> u64 {
        j[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["total"].as_u64().unwrap())
            .sum()
    };
    // The 32 `hindered_by` edges of the file.
    assert_eq!(total(&swapped, "rows"), 32);
    assert_eq!(total(&json, "rows"), 32);
}

#[test]
fn the_heatmap_draws_without_graphviz_and_escapes_names() {
    let run = seccoop(&["--no-reasoning", "matrix", "--format", "svg"]);
    run.success();
    assert!(run.stdout.starts_with("<svg"), "{run}");
    assert_eq!(
        run.stdout.matches("<rect x=").count(),
        22 * 24 + 3,
        "one rect per cell and three in the legend"
    );
    let hostile = fixtures().join("good/hostile-html.toml");
    let run = seccoop(&[
        "--no-reasoning",
        "-g",
        hostile.to_str().unwrap(),
        "matrix",
        "--format",
        "html",
    ]);
    assert!(run.stdout.starts_with("<!DOCTYPE html>"), "{run}");
    crate::overview::assert_markup_escaped(&run);
}

#[test]
fn unknown_kinds_and_other_formats_are_refused() {
    let run = seccoop(&["--no-reasoning", "matrix", "--rows", "activty"]);
    run.error();
    run.stderr_has(&["unknown kind `activty`", "did you mean `activity`?"]);
    let run = seccoop(&["--no-reasoning", "matrix", "--format", "dot"]);
    run.exits(2);
    run.stderr_has(&["table, json, csv, svg, html"]);
}

/// A matrix past the cap of cells is refused, with the sizes and what to
/// ask instead, and nothing on stdout: at 7,000 generated nodes the
/// activities × threats table would be some 5 million cells.
#[test]
fn a_matrix_too_large_to_build_fails_with_its_size_and_a_way_on() {
    let s = crate::harness::Scratch::new();
    s.run(&["generate", "--nodes", "7000", "--seed", "1", "gen"])
        .success();
    let run = s.run(&["-g", "gen", "matrix"]);
    run.exits(1).stdout_is("").stderr_has(&[
        "error: the matrix would be ",
        " activities × ",
        " threats, ",
        "cells, and matrix draws at most 4,000,000",
        "help: list the marked pairs instead",
        "MATCH (a)-[:addresses]->(b)",
    ]);
    // Smaller kinds still tabulate.
    s.run(&[
        "-g",
        "gen",
        "matrix",
        "--rows",
        "challenge",
        "--cols",
        "principle",
        "--rel",
        "mitigates",
        "--format",
        "json",
    ])
    .success();
}
