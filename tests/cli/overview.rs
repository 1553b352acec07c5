//! `seccoop export --overview`: the whole graph as one SVG that fits a page.

use crate::harness::{Run, fixtures, seccoop};

/// A picture or page of `good/hostile-html.toml` succeeded and holds its
/// names as escaped text, no markup taken from them.
#[track_caller]
pub fn assert_markup_escaped(run: &Run) {
    run.success();
    assert!(
        !run.stdout.contains("<script") && !run.stdout.contains("<img"),
        "{run}"
    );
    assert!(
        run.stdout
            .contains("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;"),
        "{run}"
    );
}

/// The number after `name="` in the SVG's first tag.
fn size(svg: &str, name: &str) -> f64 {
    let head = svg.lines().next().unwrap_or_default();
    let at = head.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    head[at..].split('"').next().unwrap().parse().unwrap()
}

#[test]
fn the_overview_draws_every_node_on_one_landscape_page_without_graphviz() {
    let run = seccoop(&["export", "--overview"]);
    run.success();
    let svg = &run.stdout;
    assert!(svg.starts_with("<svg"), "{run}");
    // Every node once, by name, and every edge once.
    let listed = seccoop(&["list", "--format", "json"]).json();
    for node in listed.as_array().unwrap() {
        let title = format!("<title>{}</title>", node["name"].as_str().unwrap());
        assert_eq!(svg.matches(&title).count(), 1, "{title}");
    }
    let stats = seccoop(&["stats", "--format", "json"]).json();
    // The legend's sample lines are short `h22` paths.
    let legend_lines = svg.matches("h22\"").count();
    assert_eq!(
        svg.matches("<path d=").count() - legend_lines,
        stats["edges"].as_u64().unwrap() as usize
    );
    // A landscape page: the whole graph is wider than tall, and small
    // enough that 10.5 px labels stay readable on paper.
    let (w, h) = (size(svg, "width"), size(svg, "height"));
    assert!(w > h && w < 1400.0 && h < 700.0, "{w} x {h}");
}

#[test]
fn the_legend_stands_beside_the_drawing() {
    let svg = seccoop(&["export", "--overview"]).stdout;
    // The number in `name="…"` of a line.
    let number = |line: &str, name: &str| -> f64 {
        let value = line.split(&format!(" {name}=\"")).nth(1).unwrap();
        value.split('"').next().unwrap().parse().unwrap()
    };
    let legend = svg.lines().find(|l| l.contains(">legend</text>")).unwrap();
    let legend_x = number(legend, "x");
    let rightmost_node = svg
        .lines()
        .filter(|l| l.starts_with("<rect x=") && l.contains("<title>"))
        .map(|l| number(l, "x") + number(l, "width"))
        .fold(0.0, f64::max);
    assert!(
        legend_x > rightmost_node,
        "legend at {legend_x}, nodes reach {rightmost_node}"
    );
}

#[test]
fn derived_edges_were_drawn_dashed_like_inferred_ones() {
    // Regression: every edge not stated was dashed, and the legend named
    // only stated and inferred; derived edges are dotted, as in DOT.
    let svg = seccoop(&["export", "--overview"]).stdout;
    let stats = seccoop(&["stats", "--format", "json"]).json();
    let count = |basis: &str| -> usize {
        stats["relations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r[basis].as_u64().unwrap_or(0) as usize)
            .sum()
    };
    let lines = |dash: &str| {
        svg.lines()
            .filter(|l| l.starts_with("<path d=\"M") && !l.contains("h22\""))
            .filter(|l| l.contains(dash))
            .count()
    };
    assert!(count("derived") > 0);
    assert_eq!(lines("stroke-dasharray=\"1 2.5\""), count("derived"));
    assert_eq!(lines("stroke-dasharray=\"4 3\""), count("inferred"));
    for basis in ["stated", "inferred", "derived"] {
        assert!(
            svg.contains(&format!(">{basis}</text>")),
            "no {basis} in the legend"
        );
    }
}

#[test]
fn overview_names_are_escaped_and_other_formats_refused() {
    let hostile = fixtures().join("good/hostile-html.toml");
    let run = seccoop(&["-g", hostile.to_str().unwrap(), "export", "--overview"]);
    assert_markup_escaped(&run);
    let run = seccoop(&["export", "--overview", "--format", "dot"]);
    run.exits(2);
    run.stderr_has(&["export --overview", "svg"]);
}
