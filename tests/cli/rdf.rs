//! RDF: `convert` to Turtle and N-Triples, read back by rdflib and asked the
//! same questions in SPARQL; Turtle that rdflib wrote, loaded with `-g`;
//! and the errors of RDF files, with their positions.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value as J, json};

use crate::harness::{Scratch, assert_load_error, seccoop};
use crate::python;

/// Reads an RDF file with rdflib and answers, as JSON: the triple count,
/// nodes per kind, edges per relation (with their basis from the edge
/// statements), the activities that address terrorism, and the rows of a
/// SPARQL query given as the third argument. With a fourth argument, also
/// writes the graph back out in rdflib's own Turtle and N-Triples.
const READ_BACK: &str = r#"
import json, sys
import rdflib

path, fmt, readme_query = sys.argv[1], sys.argv[2], sys.argv[3]
g = rdflib.Graph()
g.parse(path, format=fmt)
pre = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX sc: <urn:seccoop:vocab#>
PREFIX kind: <urn:seccoop:kind/>
PREFIX rel: <urn:seccoop:rel/>
PREFIX node: <urn:seccoop:node/>
"""
kinds = {str(k): int(c) for k, c in g.query(pre + """
SELECT ?k (COUNT(?n) AS ?c) WHERE {
  ?kind rdfs:subClassOf sc:Node ; rdfs:label ?k . ?n a ?kind
} GROUP BY ?k""")}
relations = {}
for r, c in g.query(pre + """
SELECT ?r (COUNT(*) AS ?c) WHERE { ?rel a rdf:Property ; rdfs:label ?r . ?a ?rel ?b } GROUP BY ?r"""):
    relations[str(r)] = {"edges": int(c), "stated": 0, "inferred": 0}
for r, basis, c in g.query(pre + """
SELECT ?r ?basis (COUNT(*) AS ?c) WHERE {
  ?s a rdf:Statement ; rdf:predicate ?rel ; sc:basis ?basis . ?rel rdfs:label ?r
} GROUP BY ?r ?basis"""):
    relations[str(r)][str(basis)] = int(c)
terrorism = sorted(
    str(a)[len("urn:seccoop:node/"):]
    for (a,) in g.query(pre + """
SELECT ?a WHERE { ?a a kind:activity ; rel:addresses node:terrorism }""")
)
readme = [[str(v) for v in row] for row in g.query(readme_query)]
if len(sys.argv) > 4:
    g.serialize(destination=sys.argv[4] + ".ttl", format="turtle")
    g.serialize(destination=sys.argv[4] + ".nt", format="nt")
print(json.dumps({
    "triples": len(g), "kinds": kinds, "relations": relations,
    "terrorism": terrorism, "readme": readme,
}))
"#;

/// The README's SPARQL example and the rows it shows: the ```sparql block
/// of the RDF section and the ```text block after it.
fn readme_example() -> (String, Vec<Vec<String>>) {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md is readable");
    let section = readme
        .split("### RDF: Turtle and N-Triples")
        .nth(1)
        .expect("the README has an RDF section");
    let block = |fence: &str, text: &str| -> (String, usize) {
        let start = text
            .find(fence)
            .unwrap_or_else(|| panic!("no {fence} block in the RDF section"))
            + fence.len();
        let len = text[start..].find("```").expect("the block is closed");
        (text[start..start + len].trim().to_string(), start + len)
    };
    let (query, end) = block("```sparql\n", section);
    let (rows, _) = block("```text\n", &section[end..]);
    let rows = rows
        .lines()
        .map(|l| {
            l.split("  ")
                .filter(|c| !c.is_empty())
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    (query, rows)
}

/// What `seccoop stats --format json` says, in the shape the script prints.
fn counts(stats: &J) -> (BTreeMap<String, i64>, BTreeMap<String, J>) {
    let kinds = stats["kinds"]
        .as_array()
        .expect("kinds")
        .iter()
        .filter(|k| k["nodes"].as_i64() != Some(0))
        .map(|k| {
            (
                k["kind"].as_str().unwrap().to_string(),
                k["nodes"].as_i64().unwrap(),
            )
        })
        .collect();
    let relations = stats["relations"]
        .as_array()
        .expect("relations")
        .iter()
        .filter(|r| r["edges"].as_i64() != Some(0))
        .map(|r| {
            (
                r["rel"].as_str().unwrap().to_string(),
                json!({"edges": r["edges"], "stated": r["stated"], "inferred": r["inferred"]}),
            )
        })
        .collect();
    (kinds, relations)
}

fn ids(run: &crate::harness::Run) -> Vec<String> {
    let mut ids: Vec<String> = run
        .json()
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn rdflib_reads_the_exports_and_sparql_gives_seccoops_answers() {
    let Some(py) = python::python("rdf::rdflib_reads_the_exports") else {
        return;
    };
    // rdflib sees the file's triples: seccoop answers without derived edges.
    let stats = seccoop(&["--no-reasoning", "stats", "--format", "json"])
        .success()
        .json();
    let (kinds, relations) = counts(&stats);
    let related = seccoop(&[
        "--no-reasoning",
        "related",
        "terrorism",
        "--rel",
        "addresses",
        "--kind",
        "activity",
        "--format",
        "json",
    ]);
    let want_terrorism = ids(related.success());
    assert_eq!(want_terrorism.len(), 3, "{related}");
    let (query, rows) = readme_example();
    let scratch = Scratch::new();
    let mut triples = Vec::new();
    for (name, fmt) in [("curated.ttl", "turtle"), ("curated.nt", "nt")] {
        scratch
            .run(&[
                "convert",
                &crate::harness::fixtures()
                    .join("../../graph/security-cooperation.toml")
                    .display()
                    .to_string(),
                name,
            ])
            .success()
            .stdout_has(&["wrote 78 nodes and 215 edges"]);
        let path = scratch.path().join(name).display().to_string();
        let out = python::run(&py, READ_BACK, &[&path, fmt, &query]);
        let got: J = serde_json::from_str(&out).expect("the script prints JSON");
        let got_kinds: BTreeMap<String, i64> =
            serde_json::from_value(got["kinds"].clone()).unwrap();
        assert_eq!(got_kinds, kinds, "{name}: nodes by kind");
        let got_rels: BTreeMap<String, J> =
            serde_json::from_value(got["relations"].clone()).unwrap();
        assert_eq!(got_rels, relations, "{name}: edges by relation and basis");
        assert_eq!(
            got["terrorism"],
            json!(want_terrorism),
            "{name}: SPARQL vs related"
        );
        assert_eq!(
            got["readme"],
            json!(rows),
            "{name}: the README's SPARQL example"
        );
        triples.push(got["triples"].as_i64().unwrap());
    }
    assert_eq!(
        triples[0], triples[1],
        "Turtle and N-Triples hold the same triples"
    );
    assert!(triples[0] > 3000, "{triples:?}");
}

#[test]
fn turtle_and_ntriples_written_by_rdflib_load_back() {
    let Some(py) = python::python("rdf::turtle_and_ntriples_written_by_rdflib") else {
        return;
    };
    let scratch = Scratch::new();
    let curated = crate::harness::fixtures().join("../../graph/security-cooperation.toml");
    scratch
        .run(&["convert", &curated.display().to_string(), "curated.ttl"])
        .success();
    let path = scratch.path().join("curated.ttl").display().to_string();
    let again = scratch.path().join("rdflib").display().to_string();
    python::run(
        &py,
        READ_BACK,
        &[&path, "turtle", "SELECT * WHERE {}", &again],
    );

    let stats = seccoop(&["stats", "--format", "json"]).success().json();
    let related = [
        "related",
        "terrorism",
        "--rel",
        "addresses",
        "--format",
        "json",
    ];
    let want_related = seccoop(&related).success().json();
    for file in ["rdflib.ttl", "rdflib.nt"] {
        scratch.run(&["check", file]).success();
        let got = scratch.run(&["-g", file, "stats", "--format", "json"]);
        assert_eq!(counts(&got.success().json()), counts(&stats), "{file}");
        assert_eq!(got.json()["nodes"], stats["nodes"]);
        assert_eq!(got.json()["edges"], stats["edges"]);
        let mut args = vec!["-g", file];
        args.extend(related);
        assert_eq!(scratch.run(&args).success().json(), want_related, "{file}");
        // Everything else survives too: the TOML seccoop writes from it
        // matches the one it writes from the curated graph, up to order.
        let toml_out = format!("{file}.toml");
        scratch.run(&["convert", file, &toml_out]).success();
        scratch
            .run(&["convert", &curated.display().to_string(), "direct.toml"])
            .success();
        let table = |name: &str| -> toml::Table {
            toml::from_str(&std::fs::read_to_string(scratch.path().join(name)).unwrap()).unwrap()
        };
        // RDF has no order: a tool that rewrites the file may list nodes,
        // edges and provenance entries in another order, so compare sorted.
        let sorted = |t: toml::Table, key: &str| -> Vec<String> {
            let mut items: Vec<String> = t
                .get(key)
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .map(|v| {
                            let mut v = v.clone();
                            if let Some(p) = v.get_mut("provenance").and_then(|p| p.as_array_mut())
                            {
                                p.sort_by_key(|e| e.to_string());
                            }
                            v.to_string()
                        })
                        .collect()
                })
                .unwrap_or_default();
            items.sort();
            items
        };
        for key in ["nodes", "edges", "sources"] {
            assert_eq!(
                sorted(table(&toml_out), key),
                sorted(table("direct.toml"), key),
                "{file}: {key}"
            );
        }
    }
}

#[test]
fn curated_graph_converts_to_turtle_and_ntriples_and_back() {
    let scratch = Scratch::new();
    let curated = crate::harness::fixtures().join("../../graph/security-cooperation.toml");
    let curated = curated.display().to_string();
    scratch
        .run(&["convert", &curated, "c.ttl"])
        .success()
        .stdout_is("wrote 78 nodes and 215 edges to c.ttl (turtle)\n");
    scratch
        .run(&["convert", "c.ttl", "c.nt"])
        .success()
        .stdout_is("wrote 78 nodes and 215 edges to c.nt (ntriples)\n");
    scratch
        .run(&["convert", "c.nt", "back.toml", "--to", "toml"])
        .success();
    // The README's Turtle excerpt is a piece of this export.
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md is readable");
    let excerpt = readme
        .split("```turtle\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README shows a Turtle excerpt");
    let ttl = std::fs::read_to_string(scratch.path().join("c.ttl")).unwrap();
    assert!(
        ttl.contains(excerpt),
        "the README's Turtle is not in the export:\n{excerpt}"
    );
    let want = seccoop(&["show", "terrorism", "--format", "json"])
        .success()
        .json();
    for file in ["c.ttl", "c.nt", "back.toml"] {
        let got = scratch.run(&["-g", file, "show", "terrorism", "--format", "json"]);
        assert_eq!(got.success().json(), want, "{file}");
    }
    // --to wins over the name, and --base changes every name.
    scratch
        .run(&[
            "convert",
            &curated,
            "plain.txt",
            "--to",
            "ntriples",
            "--base",
            "https://example.org/sc/",
        ])
        .success();
    let text = std::fs::read_to_string(scratch.path().join("plain.txt")).unwrap();
    assert!(
        text.starts_with("<https://example.org/sc/graph> "),
        "{}",
        &text[..80]
    );
    assert!(text.contains("<https://example.org/sc/node/terrorism>"));
    assert!(!text.contains("urn:seccoop:node"));
}

#[test]
fn base_must_be_an_iri_ending_in_a_separator_and_only_for_rdf() {
    let curated = crate::harness::fixtures().join("../../graph/security-cooperation.toml");
    let curated = curated.display().to_string();
    let scratch = Scratch::new();
    scratch
        .run(&[
            "convert",
            &curated,
            "g.ttl",
            "--base",
            "https://example.org/g",
        ])
        .exits(2)
        .stderr_has(&["must end with `/`, `#` or `:`"]);
    scratch
        .run(&["convert", &curated, "g.ttl", "--base", "not an iri/"])
        .exits(2)
        .stderr_has(&["is not an absolute IRI"]);
    scratch
        .run(&[
            "convert",
            &curated,
            "g.toml",
            "--base",
            "https://example.org/g/",
        ])
        .exits(2)
        .stderr_is(
            "error: --base applies to RDF output, not to toml\n  help: write Turtle or N-Triples \
             (--to turtle|ntriples, or a .ttl or .nt name), or leave out --base\n",
        );
    assert!(!scratch.path().join("g.ttl").exists());
    assert!(!scratch.path().join("g.toml").exists());
}

#[test]
fn a_hand_written_turtle_file_loads() {
    seccoop(&["-g", "rdf/phishing.ttl", "show", "awareness training"])
        .success()
        .stdout_has(&[
            "Awareness Training (activity)",
            "started  2019",
            "phishing  Phishing",
        ]);
    seccoop(&["-g", "rdf/phishing.ttl", "show", "spear phishing"])
        .success()
        .stdout_has(&["Phishing (threat)", "aliases  spear phishing"]);
}

#[test]
fn a_turtle_syntax_error_shows_its_line_and_column() {
    let run = seccoop(&["-g", "rdf/syntax.ttl", "stats"]);
    assert_load_error(
        &run,
        "rdf/syntax.ttl:5:50",
        "syntax error: Unexpected end of file",
        "fix the Turtle syntax at the marked spot",
    );
    let run = seccoop(&["check", "rdf/syntax.nt"]);
    run.error().stderr_has(&[
        "[rdf/syntax.nt:3:1]",
        "help: fix the N-Triples syntax at the marked spot",
    ]);
}

#[test]
fn an_unknown_kind_or_relation_suggests_the_nearest_name() {
    let run = seccoop(&["check", "rdf/unknown-relation.ttl"]);
    run.error().stderr_is(
        "  × unknown kind `activty`
    ╭─[rdf/unknown-relation.ttl:9:32]
  8 │ 
  9 │ node:awareness-training a kind:activty ;
    ·                                ───┬───
    ·                                   ╰── here
 10 │     rdfs:label \"Awareness Training\" ;
    ╰────
  help: did you mean `activity`?
  × unknown relation `adresses`
    ╭─[rdf/unknown-relation.ttl:11:9]
 10 │     rdfs:label \"Awareness Training\" ;
 11 │     rel:adresses node:phishing .
    ·         ────┬───
    ·             ╰── here
    ╰────
  help: did you mean `addresses`?
error: 2 problems in rdf/unknown-relation.ttl
",
    );
}

#[test]
fn triples_that_do_not_fit_the_model_are_errors_not_dropped() {
    let run = seccoop(&["check", "rdf/unfit.ttl"]);
    run.error().stderr_has(&[
        "× `<http://schema.org/dateCreated>` is not a predicate seccoop reads on a node",
        "[rdf/unfit.ttl:10:12]",
        "× property `seen` has two values",
        "[rdf/unfit.ttl:11:10]",
        "× an edge must end at a node, not the literal \"phishing\"",
        "[rdf/unfit.ttl:15:20]",
        "× this blank node is neither a list cell nor a provenance entry",
        "[rdf/unfit.ttl:17:1]",
        "error: 4 problems in rdf/unfit.ttl",
    ]);
}

#[test]
fn an_edge_to_a_missing_node_names_the_nearest_in_ntriples() {
    let scratch = Scratch::new();
    scratch.write(
        "g.nt",
        "<urn:seccoop:node/phishing> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <urn:seccoop:kind/threat> .\n\
         <urn:seccoop:node/phishing> <http://www.w3.org/2000/01/rdf-schema#label> \"Phishing\" .\n\
         <urn:seccoop:node/drill> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <urn:seccoop:kind/activity> .\n\
         <urn:seccoop:node/drill> <http://www.w3.org/2000/01/rdf-schema#label> \"Drill\" .\n\
         <urn:seccoop:node/drill> <urn:seccoop:rel/addresses> <urn:seccoop:node/phising> .\n",
    );
    let run = scratch.run(&["-g", "g.nt", "stats"]);
    assert_load_error(
        &run,
        "g.nt:5:72",
        "edge to `phising` is not a node of the graph",
        "did you mean `phishing`?",
    );
}
