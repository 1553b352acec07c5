//! The look of each kind and relation, shared by DOT and Mermaid so a kind
//! looks the same in every diagram.
//!
//! The look is schema data ([`crate::model::KindLook`],
//! [`crate::model::RelationLook`]). What a schema leaves out comes from the
//! palettes below, in declaration order: the first kind without a shape
//! takes the first spare shape, the second the second, and so on (the same
//! for fills and borders, and for relation colours), so a user's schema
//! draws the same way every time. The spare shapes carry the distinction in
//! greyscale; fills differ in lightness as well as hue.

use crate::model::{KindId, KindLook, LineStyle, RelId, RelationLook, Schema};

/// How nodes of one kind are drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindStyle {
    /// Graphviz shape.
    pub shape: String,
    /// Extra Graphviz style words (`rounded`), comma-joined with `filled`;
    /// may be empty.
    pub style: String,
    /// Fill colour.
    pub fill: String,
    /// Border colour.
    pub border: String,
}

/// How edges of one relation are drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeStyle {
    /// Line and label colour.
    pub colour: String,
    /// Line style of stated edges.
    pub line: LineStyle,
    /// Graphviz arrowhead, when not the default.
    pub arrowhead: Option<String>,
}

/// Shapes for kinds that declare none, in turn.
const SPARE_SHAPES: &[&str] = &[
    "box3d",
    "cylinder",
    "parallelogram",
    "trapezium",
    "house",
    "component",
];

/// `(fill, border)` pairs for kinds that declare no colours, in turn.
const SPARE_COLOURS: &[(&str, &str)] = &[
    ("#e6dcf2", "#5b3c88"),
    ("#d6f0ef", "#236b68"),
    ("#f5d6e8", "#8a2f62"),
    ("#e8e8d0", "#5c5c2e"),
    ("#dfe7ef", "#3a4f66"),
    ("#efe0d6", "#6b4a2e"),
];

/// Edge colours for relations that declare none, in turn: dark enough to
/// read as label text on white.
const SPARE_EDGE_COLOURS: &[&str] = &[
    "#2f5d8a", "#9c2b23", "#2e6b30", "#a65c00", "#5b3c88", "#236b68", "#8a2f62", "#5c5c2e",
];

/// The `n`th entry of a palette, round and round.
fn nth<T: Copy>(palette: &[T], n: usize) -> T {
    // Indexing cannot fail: the remainder is below the (non-zero) length.
    palette[n % palette.len()]
}

/// How many of the items before position `at` leave the part out.
fn missing_before<'a, L: 'a>(
    looks: impl Iterator<Item = &'a L>,
    at: usize,
    missing: impl Fn(&L) -> bool,
) -> usize {
    looks.take(at).filter(|l| missing(l)).count()
}

/// The style of a kind: what its schema entry declares, the palettes for the rest.
pub fn kind_style(schema: &Schema, kind: KindId) -> KindStyle {
    let at = usize::from(kind.0);
    let look = &schema.kind(kind).look;
    let looks = || schema.kinds().map(|(_, k)| &k.look);
    let shape = look.shape.clone().unwrap_or_else(|| {
        let n = missing_before(looks(), at, |l: &KindLook| l.shape.is_none());
        nth(SPARE_SHAPES, n).to_string()
    });
    let colours =
        |missing: fn(&KindLook) -> bool| nth(SPARE_COLOURS, missing_before(looks(), at, missing));
    let fill = look
        .fill
        .clone()
        .unwrap_or_else(|| colours(|l| l.fill.is_none()).0.to_string());
    let border = look
        .border
        .clone()
        .unwrap_or_else(|| colours(|l| l.border.is_none()).1.to_string());
    KindStyle {
        shape,
        style: look.style.clone().unwrap_or_default(),
        fill,
        border,
    }
}

/// The style of a relation's edges: what its schema entry declares, the
/// palette for a colour it leaves out.
pub fn relation_style(schema: &Schema, rel: RelId) -> EdgeStyle {
    let look = &schema.relation(rel).look;
    let colour = look.colour.clone().unwrap_or_else(|| {
        let n = missing_before(
            schema.relations().map(|(_, r)| &r.look),
            usize::from(rel.0),
            |l: &RelationLook| l.colour.is_none(),
        );
        nth(SPARE_EDGE_COLOURS, n).to_string()
    });
    EdgeStyle {
        colour,
        line: look.line,
        arrowhead: look.arrowhead.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A schema of three kinds and two relations that declare no look.
    fn bare_schema() -> Schema {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bare.toml");
        let kinds = r#"["planet", "moon", "comet"]"#;
        let mut text = String::new();
        for kind in ["planet", "moon", "comet"] {
            text.push_str(&format!("[schema.kinds.{kind}]\n"));
        }
        for rel in ["orbits", "crosses"] {
            text.push_str(&format!(
                "[schema.relations.{rel}]\nfrom = {kinds}\nto = {kinds}\n"
            ));
        }
        std::fs::write(&path, text).unwrap();
        crate::load::load_paths(&[path]).unwrap().schema().clone()
    }

    #[test]
    fn a_schema_without_looks_takes_the_palettes_in_order() {
        let s = bare_schema();
        let styles: Vec<KindStyle> = s.kinds().map(|(k, _)| kind_style(&s, k)).collect();
        let shapes: Vec<&str> = styles.iter().map(|k| k.shape.as_str()).collect();
        assert_eq!(shapes, ["box3d", "cylinder", "parallelogram"]);
        assert_eq!(styles[1].fill, "#d6f0ef");
        assert_eq!(styles[1].border, "#236b68");
        let colours: Vec<String> = s
            .relations()
            .map(|(r, _)| relation_style(&s, r).colour)
            .collect();
        assert_eq!(colours, ["#2f5d8a", "#9c2b23"]);
    }

    #[test]
    fn the_curated_schema_draws_as_it_declares() {
        let graph = crate::load::embedded().unwrap();
        let s = graph.schema();
        let threat = s.kind_id("threat").unwrap();
        assert_eq!(
            kind_style(s, threat),
            KindStyle {
                shape: "octagon".into(),
                style: String::new(),
                fill: "#f7c8c4".into(),
                border: "#9c2b23".into(),
            }
        );
        // Every relation declares its colour: none falls back on the palette.
        for (r, def) in s.relations() {
            assert_eq!(
                Some(relation_style(s, r).colour),
                def.look.colour,
                "{}",
                def.name
            );
        }
    }
}
