//! The look of each kind and relation, shared by DOT and Mermaid so a kind
//! looks the same in every diagram.
//!
//! Shapes carry the distinction in greyscale; fills differ in lightness as
//! well as hue. The curated kinds have fixed styles; other kinds (a user's
//! schema) take the next free style in schema order.

use crate::model::Schema;

/// How nodes of one kind are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindStyle {
    /// Graphviz shape.
    pub shape: &'static str,
    /// Extra Graphviz style words (`rounded`), comma-joined with `filled`.
    pub style: &'static str,
    /// Fill colour.
    pub fill: &'static str,
    /// Border colour.
    pub border: &'static str,
}

const CURATED: &[(&str, KindStyle)] = &[
    (
        "activity",
        KindStyle {
            shape: "box",
            style: "rounded",
            fill: "#dbe9f6",
            border: "#2f5d8a",
        },
    ),
    (
        "area",
        KindStyle {
            shape: "tab",
            style: "",
            fill: "#f2f2f2",
            border: "#555555",
        },
    ),
    (
        "actor",
        KindStyle {
            shape: "ellipse",
            style: "",
            fill: "#d5ecd4",
            border: "#2e6b30",
        },
    ),
    (
        "threat",
        KindStyle {
            shape: "octagon",
            style: "",
            fill: "#f7c8c4",
            border: "#9c2b23",
        },
    ),
    (
        "challenge",
        KindStyle {
            shape: "hexagon",
            style: "",
            fill: "#fde2bf",
            border: "#a65c00",
        },
    ),
    (
        "principle",
        KindStyle {
            shape: "note",
            style: "",
            fill: "#fff7c2",
            border: "#7a6a00",
        },
    ),
];

const SPARE: &[KindStyle] = &[
    KindStyle {
        shape: "box3d",
        style: "",
        fill: "#e6dcf2",
        border: "#5b3c88",
    },
    KindStyle {
        shape: "cylinder",
        style: "",
        fill: "#d6f0ef",
        border: "#236b68",
    },
    KindStyle {
        shape: "parallelogram",
        style: "",
        fill: "#f5d6e8",
        border: "#8a2f62",
    },
    KindStyle {
        shape: "trapezium",
        style: "",
        fill: "#e8e8d0",
        border: "#5c5c2e",
    },
    KindStyle {
        shape: "house",
        style: "",
        fill: "#dfe7ef",
        border: "#3a4f66",
    },
    KindStyle {
        shape: "component",
        style: "",
        fill: "#efe0d6",
        border: "#6b4a2e",
    },
];

/// The style of a kind.
pub fn kind_style(schema: &Schema, kind: &str) -> KindStyle {
    if let Some((_, s)) = CURATED.iter().find(|(k, _)| *k == kind) {
        return *s;
    }
    let others: Vec<&str> = schema
        .kinds()
        .map(|(_, k)| k.name.as_str())
        .filter(|k| !CURATED.iter().any(|(c, _)| c == k))
        .collect();
    let i = others.iter().position(|k| *k == kind).unwrap_or(0);
    // Indexing cannot fail: the remainder is below the length.
    SPARE[i % SPARE.len()]
}

/// The colour of a relation's edges.
pub fn relation_colour(rel: &str) -> &'static str {
    match rel {
        "part_of" => "#8c8c8c",
        "addresses" => "#9c2b23",
        "involves" => "#2e6b30",
        "hindered_by" => "#a65c00",
        "mitigates" => "#7a6a00",
        "supports" => "#2f5d8a",
        _ => "#444444",
    }
}
