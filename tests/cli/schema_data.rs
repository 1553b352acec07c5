//! Domain knowledge is schema data: a relation added to a copy of
//! `graph/schema.toml` (and edges of it added to the graph) is drawn,
//! counted, read by the coverage analysis and generated, with no change to
//! the code; a schema that says nothing of presentation draws with the
//! palettes' defaults.

use crate::harness::{Scratch, curated_toml, graphviz, seccoop};
use serde_json::Value;

/// The curated schema, as TOML.
fn curated_schema() -> toml::Table {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("graph/schema.toml");
    let text = std::fs::read_to_string(path).expect("read graph/schema.toml");
    toml::from_str(&text).expect("graph/schema.toml is TOML")
}

/// Ids of the curated nodes of `kind`, in file order.
fn ids_of(graph: &toml::Table, kind: &str) -> Vec<String> {
    graph["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|n| n["kind"].as_str() == Some(kind))
        .filter_map(|n| n["id"].as_str().map(str::to_string))
        .collect()
}

fn edge(from: &str, rel: &str, to: &str) -> toml::Value {
    toml::Value::Table(toml::toml! {
        from = from
        rel = rel
        to = to
    })
}

/// The curated graph with its schema written in, plus two relations:
/// `deters` (activity → threat) with every presentation field, counting as
/// coverage and generated one per activity, and `funds` (actor → activity)
/// with none of them, ranked by `stats`. Returns the scratch folder and the
/// threat `deters` takes off the single-activity list.
fn graph_with_new_relations() -> (Scratch, String) {
    let mut schema = curated_schema();
    let relations = schema["relations"].as_table_mut().expect("relations");
    relations.insert(
        "deters".into(),
        toml::Value::Table(toml::toml! {
            from = ["activity"]
            to = ["threat"]
            meaning = "the activity discourages the threat"
            inverse = "deterred by"
            impact = "forward"
            counters = true
            colour = "#1b7f79"
            line = "dotted"
            arrowhead = "vee"
            generate = { edges = [1, 1] }
        }),
    );
    relations.insert(
        "funds".into(),
        toml::Value::Table(toml::toml! {
            from = ["actor"]
            to = ["activity"]
            meaning = "the actor pays for the activity"
            inverse = "funded by"
            rank = true
        }),
    );
    let mut graph = curated_toml();
    let activities = ids_of(&graph, "activity");
    let actors = ids_of(&graph, "actor");
    // Arms smuggling is addressed by transnational-crime-cooperation only.
    let threat = "arms-smuggling".to_string();
    let deterrer = activities
        .iter()
        .find(|a| *a != "transnational-crime-cooperation")
        .expect("another activity");
    let edges = graph["edges"].as_array_mut().expect("edges");
    edges.push(edge(deterrer, "deters", &threat));
    edges.push(edge(&activities[0], "deters", "terrorism"));
    edges.push(edge(&actors[0], "funds", &activities[0]));
    edges.push(edge(&actors[1], "funds", &activities[0]));
    edges.push(edge(&actors[0], "funds", &activities[1]));
    graph.insert("schema".into(), toml::Value::Table(schema));
    let scratch = Scratch::new();
    scratch.write("g.toml", toml::to_string(&graph).expect("TOML"));
    (scratch, threat)
}

/// The row of the legend's table that names `name`: its line's colour and
/// style, its arrowhead and its name.
fn legend_row<'a>(dot: &'a str, name: &str) -> &'a str {
    let table = dot
        .lines()
        .find(|l| l.trim_start().starts_with("legend_edges_"))
        .unwrap_or_else(|| panic!("no legend table\n{dot}"));
    table
        .split("<TR>")
        .find(|row| row.contains(&format!(">{name}</FONT>")))
        .unwrap_or_else(|| panic!("no {name} in the legend\n{table}"))
}

/// The lines of a DOT text that carry `label="NAME"`.
fn labelled<'a>(dot: &'a str, name: &str) -> Vec<&'a str> {
    let label = format!("label={name}");
    let quoted = format!("label=\"{name}\"");
    dot.lines()
        .filter(|l| l.contains(&label) || l.contains(&quoted))
        .collect()
}

#[test]
fn a_relation_added_to_the_schema_is_drawn_counted_covered_and_generated() {
    let (s, threat) = graph_with_new_relations();
    s.run(&["-g", "g.toml", "check"]).success();

    // Drawn: in its colour, line and arrowhead, and in the legend.
    let dot = s.run(&[
        "-g", "g.toml", "export", "--rel", "deters", "--rel", "funds", "--legend",
    ]);
    let dot = &dot.success().stdout;
    let deters = labelled(dot, "deters");
    // Two edges, and a row of the legend's table.
    assert_eq!(deters.len(), 2, "{dot}");
    for line in &deters {
        for attr in [r##"color="#1b7f79""##, "style=dotted", "arrowhead=vee"] {
            assert!(line.contains(attr), "{attr} missing from {line}");
        }
    }
    let row = legend_row(dot, "deters");
    for attr in [r##"COLOR="#1b7f79""##, r#"STYLE="dotted""#, ">\u{203a}<"] {
        assert!(row.contains(attr), "{attr} missing from {row}");
    }
    // `funds` declares no colour: it takes the first of the palette, the
    // only relation of the schema without one.
    let funds = labelled(dot, "funds");
    assert_eq!(funds.len(), 3, "{dot}");
    for line in &funds {
        assert!(line.contains(r##"color="#2f5d8a""##), "{line}");
    }
    assert!(legend_row(dot, "funds").contains(r##"COLOR="#2f5d8a""##));
    if graphviz("a_relation_added_to_the_schema_is_drawn_counted_covered_and_generated") {
        s.run(&[
            "-g", "g.toml", "export", "--rel", "deters", "--format", "svg",
        ])
        .success()
        .stdout_has(&["deters"]);
    }
    let mermaid = s.run(&[
        "-g", "g.toml", "export", "--rel", "deters", "--format", "mermaid",
    ]);
    mermaid
        .success()
        .stdout_has(&["|\"deters\"|", "stroke:#1b7f79,stroke-dasharray:2"]);
    if crate::mermaid::parser(
        "a_relation_added_to_the_schema_is_drawn_counted_covered_and_generated",
    ) {
        let read = crate::mermaid::parse(&mermaid.stdout);
        assert_eq!(read["edges"].as_array().map(Vec::len), Some(2), "{read}");
    }

    // Counted, and `funds` ranked.
    let stats = s.run(&["-g", "g.toml", "stats", "--format", "json"]).json();
    let count = |rel: &str| {
        stats["relations"]
            .as_array()
            .expect("relations")
            .iter()
            .find(|r| r["rel"] == rel)
            .map(|r| r["edges"].clone())
    };
    assert_eq!(count("deters"), Some(Value::from(2)), "{stats:#}");
    assert_eq!(count("funds"), Some(Value::from(3)), "{stats:#}");
    let ranked = stats["activities"]
        .as_array()
        .expect("a ranking of activities");
    assert_eq!(ranked[0]["actors"], 2, "{stats:#}");
    s.run(&["-g", "g.toml", "stats"])
        .success()
        .stdout_has(&["ACTIVITY", "FUNDED BY", "2 actors"]);

    // Covered: `deters` counters threats, so a threat it reaches is no
    // longer covered by a single activity.
    let singles = |args: &[&str]| -> Vec<String> {
        let gaps = s.run(args).json();
        gaps["single_activity_threats"]
            .as_array()
            .expect("single_activity_threats")
            .iter()
            .filter_map(|t| t["threat"]["id"].as_str().map(str::to_string))
            .collect()
    };
    assert!(singles(&["gaps", "--format", "json"]).contains(&threat));
    assert!(!singles(&["-g", "g.toml", "gaps", "--format", "json"]).contains(&threat));

    // Generated: one `deters` edge per activity, none of `funds` (it says
    // nothing of generation), and the folder loads with its schema.
    let summary = s
        .run(&[
            "-g", "g.toml", "generate", "--nodes", "200", "--seed", "3", "out", "--format", "json",
        ])
        .json();
    let activities = summary["counts"]["activities"].as_u64().expect("a count");
    let edges = std::fs::read_to_string(s.path().join("out/edges.csv")).expect("edges.csv");
    let made = |rel: &str| {
        edges
            .lines()
            .filter(|l| l.split(',').nth(1) == Some(rel))
            .count()
    };
    assert_eq!(made("deters") as u64, activities);
    assert_eq!(made("funds"), 0);
    // The folder's own edges, without those the rules derive.
    let stats = s
        .run(&["--no-reasoning", "-g", "out", "stats", "--format", "json"])
        .json();
    assert_eq!(stats["edges"], summary["edges"], "{stats:#}");
    assert!(
        stats["relations"]
            .as_array()
            .expect("relations")
            .iter()
            .any(|r| r["rel"] == "deters" && r["edges"] == activities),
        "{stats:#}"
    );
}

#[test]
fn a_schema_without_presentation_draws_with_the_palettes() {
    let dot = seccoop(&["-g", "good/solar-system.toml", "export", "--legend"]);
    let dot = &dot.success().stdout;
    // Kinds take the spare shapes and colours in order, relations the
    // first edge colour.
    let planet = labelled(dot, "Earth");
    assert!(planet[0].contains("shape=box3d"), "{dot}");
    assert!(planet[0].contains(r##"fillcolor="#e6dcf2""##), "{dot}");
    let moon = labelled(dot, "Phobos");
    assert!(moon[0].contains("shape=cylinder"), "{dot}");
    let orbits = labelled(dot, "orbits");
    assert_eq!(orbits.len(), 2, "two edges\n{dot}");
    for line in orbits {
        assert!(line.contains(r##"color="#2f5d8a""##), "{line}");
    }
    assert!(legend_row(dot, "orbits").contains(r##"COLOR="#2f5d8a""##));
    // Nothing is boxed: no relation of the schema clusters.
    assert!(!dot.contains("subgraph cluster_0"), "{dot}");
    if graphviz("a_schema_without_presentation_draws_with_the_palettes") {
        seccoop(&["-g", "good/solar-system.toml", "export", "--format", "svg"]).success();
    }
}

#[test]
fn a_schema_that_says_nothing_of_generation_gets_an_even_mix() {
    let s = Scratch::new();
    let fixture = crate::harness::fixtures().join("good/solar-system.toml");
    let fixture = fixture.to_str().expect("a UTF-8 path");
    let summary = s
        .run(&[
            "-g", fixture, "generate", "--nodes", "20", "out", "--format", "json",
        ])
        .json();
    assert_eq!(summary["counts"]["planets"], 10, "{summary:#}");
    assert_eq!(summary["counts"]["moons"], 10, "{summary:#}");
    // 1 to 2 `orbits` edges from each moon.
    let edges = summary["edges"].as_u64().expect("a count");
    assert!((10..=20).contains(&edges), "{summary:#}");
    s.run(&["-g", "out", "check"]).success();
}

#[test]
fn bad_presentation_values_are_load_errors() {
    let s = Scratch::new();
    s.write(
        "bad.toml",
        r#"[schema.kinds.planet]
shape = "box; x"

[schema.relations.orbits]
from = ["planet"]
to = ["planet"]
colour = "red\"]"
line = "dashed"
generate = { from = "moon", edges = [3, 1] }
"#,
    );
    s.run(&["check", "bad.toml"]).error().stderr_has(&[
        "bad.toml:2:9",
        "× `shape` cannot be `box; x`",
        "a Graphviz name",
        "bad.toml:7:10",
        "× `colour` cannot be `red\"]`",
        "a colour name",
        "bad.toml:8:8",
        "solid, dotted, bold",
        "bad.toml:9:37",
        "[min, max]",
        "error: 4 problems in bad.toml",
    ]);
    s.write(
        "bad-from.toml",
        r#"[schema.kinds.planet]
[schema.kinds.moon]

[schema.relations.orbits]
from = ["moon"]
to = ["planet"]
generate = { from = "planet", edges = [1, 1] }
"#,
    );
    s.run(&["check", "bad-from.toml"])
        .error()
        .stderr_has(&["bad-from.toml:7:21", "use one of: moon"]);
}

#[test]
fn the_new_fields_survive_conversion_to_every_format() {
    let (s, _) = graph_with_new_relations();
    let stats = |g: &str| s.run(&["-g", g, "stats", "--format", "json"]).json();
    let want = stats("g.toml");
    for out in [
        "c.json",
        "c.jsonl",
        "c.graphml",
        "c.ttl",
        "c.nt",
        "csv-folder",
    ] {
        let to: &[&str] = if out == "csv-folder" {
            &["--to", "csv"]
        } else {
            &[]
        };
        let mut args = vec!["convert", "g.toml", out];
        args.extend_from_slice(to);
        s.run(&args).success();
        assert_eq!(stats(out), want, "{out}");
        let dot = s.run(&["-g", out, "export", "--rel", "deters"]);
        let deters = labelled(&dot.success().stdout, "deters");
        assert!(
            deters.iter().all(|l| l.contains(r##"color="#1b7f79""##)
                && l.contains("style=dotted")
                && l.contains("arrowhead=vee")),
            "{out}: {deters:?}"
        );
        let gen_dir = format!("gen-{out}");
        let summary = s
            .run(&[
                "-g", out, "generate", "--nodes", "50", &gen_dir, "--format", "json",
            ])
            .json();
        let edges =
            std::fs::read_to_string(s.path().join(&gen_dir).join("edges.csv")).expect("edges.csv");
        assert!(edges.contains(",deters,"), "{out}: {summary}");
    }
}
