//! The reader's own rules: names, values and positions.

use crate::format::rdf::{decode, encode};
use crate::load::load_str;
use crate::model::Value;

#[test]
fn names_decode_only_from_valid_percent_encoding() {
    assert_eq!(decode("a%20b").as_deref(), Some("a b"));
    assert_eq!(decode("caf\u{e9}").as_deref(), Some("caf\u{e9}"));
    assert_eq!(decode("%ZZ"), None);
    assert_eq!(decode("%4"), None);
    assert_eq!(decode("%C3"), None, "half a UTF-8 sequence");
    for id in ["", "a.b", "%", "x/y#z", "\"q\"", "日本"] {
        assert_eq!(decode(&encode(id)).as_deref(), Some(id));
    }
}

const HEAD: &str = "@prefix node: <urn:seccoop:node/> .\n\
                    @prefix kind: <urn:seccoop:kind/> .\n\
                    @prefix prop: <urn:seccoop:prop/> .\n\
                    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\
                    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n";

fn node_props(body: &str) -> Result<crate::model::Properties, Vec<String>> {
    let text = format!("{HEAD}node:a a kind:threat ; rdfs:label \"A\" ;\n{body} .\n");
    match load_str("t.ttl", &text) {
        Ok(g) => Ok(g
            .node_by_id("a")
            .map(|n| n.properties().clone())
            .unwrap_or_default()),
        Err(e) => Err(e
            .0
            .iter()
            .map(|e| {
                format!(
                    "{e} at {}",
                    e.location().map(|l| l.to_string()).unwrap_or_default()
                )
            })
            .collect()),
    }
}

#[test]
fn literals_of_other_tools_read_as_values() {
    let p = node_props(
        "prop:i \"7\"^^xsd:int ; prop:d \"2.5\"^^xsd:decimal ; prop:b \"1\"^^xsd:boolean ;\n\
         prop:day \"2024-01-31\"^^xsd:date ; prop:en \"Hello\"@en ; prop:none ()",
    )
    .unwrap();
    assert_eq!(p.get("i"), Some(&Value::Integer(7)));
    assert_eq!(p.get("d"), Some(&Value::Float(2.5)));
    assert_eq!(p.get("b"), Some(&Value::Bool(true)));
    assert_eq!(p.get("day"), Some(&Value::String("2024-01-31".into())));
    assert_eq!(p.get("en"), Some(&Value::String("Hello".into())));
    assert_eq!(p.get("none"), Some(&Value::List(vec![])));
}

#[test]
fn values_that_do_not_fit_are_errors_at_their_place() {
    let e = node_props("prop:big \"99999999999999999999\"^^xsd:integer").unwrap_err();
    assert_eq!(
        e,
        ["`99999999999999999999` is not an integer within 64 bits at t.ttl:7:11"]
    );
    let e = node_props("prop:x \"abc\"^^xsd:hexBinary").unwrap_err();
    assert!(e[0].contains("has no seccoop value type"), "{e:?}");
    let e = node_props("prop:x node:b").unwrap_err();
    assert!(
        e[0].starts_with("a property value must be a literal or a list"),
        "{e:?}"
    );
}

#[test]
fn a_node_without_a_kind_is_reported_once_and_its_edges_are_not() {
    let text = format!(
        "{HEAD}@prefix rel: <urn:seccoop:rel/> .\n\
         node:t a kind:threat ; rdfs:label \"T\" .\n\
         node:a rdfs:label \"A\" ;\n  rel:addresses node:t .\n"
    );
    let e = load_str("t.ttl", &text).unwrap_err();
    let msgs: Vec<String> = e.0.iter().map(|e| e.to_string()).collect();
    assert_eq!(msgs, ["node `a` has no kind"]);
    assert_eq!(
        e.0[0].location().map(|l| (l.line, l.column)),
        Some((8, 6)),
        "at the id"
    );
}

#[test]
fn the_base_comes_from_the_graph_resource() {
    let text = "<https://ex.org/g/graph> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <urn:seccoop:vocab#Graph> .\n\
                <https://ex.org/g/node/x%20y> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://ex.org/g/kind/threat> .\n\
                <https://ex.org/g/node/x%20y> <http://www.w3.org/2000/01/rdf-schema#label> \"X\" .\n";
    let g = load_str("g.nt", text).unwrap();
    assert!(g.node_by_id("x y").is_some());
}

#[test]
fn a_file_on_one_line_still_points_at_the_right_term() {
    let mut text = HEAD.replace('\n', " ");
    text.push_str("@prefix rel: <urn:seccoop:rel/> . ");
    for i in 0..40 {
        text.push_str(&format!("node:t{i} a kind:threat ; rdfs:label \"T{i}\" . "));
    }
    text.push_str("node:a a kind:activity ; rdfs:label \"A\" ; rel:addresses node:t7 , node:t8 ; rel:adresses node:t9 . ");
    for i in 40..80 {
        text.push_str(&format!("node:t{i} a kind:threat ; rdfs:label \"T{i}\" . "));
    }
    let e = load_str("one.ttl", &text).unwrap_err();
    assert_eq!(e.0.len(), 1, "{:?}", e.0);
    let at = e.0[0].span.unwrap();
    assert_eq!(&text[at.start..at.end], "adresses");
    assert_eq!(
        text[..at.start].matches("rel:").count(),
        3,
        "the prefix, the good edge, then this one"
    );
}
