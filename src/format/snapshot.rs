//! The snapshot: a graph in seccoop's own binary form, made once by
//! `seccoop convert SRC graph.sccp` and opened by `-g graph.sccp` far
//! faster than its source is parsed. What the reader (`load::snapshot`)
//! and the writer (`write::snapshot`) agree on lives here: the header, the
//! order of the sections, the codes of enumerations, and the checksum.
//!
//! # Layout
//!
//! Every integer is little-endian and of fixed width.
//!
//! ```text
//! header   magic         8 bytes  MAGIC
//!          format        u32      FORMAT_VERSION
//!          writer        u8 length, then that many bytes of UTF-8 ("seccoop 0.1.0")
//!          body length   u64
//!          checksum      u64      XXH3-64 of the body
//! body     seven sections, each a u64 length and its bytes, in this order:
//!          strings   count u32, the end offset of each string (u32 each), then the
//!                    strings' UTF-8 bytes back to back; every other section names a
//!                    string by its position here (NONE for "no string")
//!          graph     meta, sources, whether the schema is the default one, and the
//!                    schema: kinds, relations (with their look, roles and mix), rules
//!          nodes     count u32, then columns: id u32, name u32, kind u16, flags u8
//!          edges     count u32, then columns: from u32, to u32, rel u16, basis u8, flags u8
//!          extras    for each node, then each edge, whose flags say so: its
//!                    properties (HAS_PROPERTIES) and its provenance (HAS_PROVENANCE)
//!          proofs    count u32, then for each derived edge in edge order: rule u32,
//!                    premise count u32, premises u32 (edge positions, each earlier)
//!          index     node count u32, edge count u32 (as the columns give them), then
//!                    by id     node positions u32, in the byte order of their ids
//!                    out       node count + 1 offsets u32, then edge positions u32:
//!                              each node's outgoing edges, ascending, node by node
//!                    in        the same for incoming edges
//!                    marks     where every STRIDE-th item's records start, u64 each:
//!                              node 0, STRIDE, … in extras; edge 0, STRIDE, … in
//!                              extras; edge 0, STRIDE, … in proofs
//! ```
//!
//! # The index: one node without reading the rest
//!
//! The first six sections are what a full load reads, front to back. The
//! index (format 2) lets a reader answer a question about a few nodes
//! without building the whole graph (`load::snapshot::view`): an
//! id is found by binary search in `by id`, a node's edges are a slice of
//! `out` and `in` (compressed sparse rows), and the records of the
//! variable-length sections are reached from the nearest mark, at most
//! `STRIDE - 1` records away. Marks rather than one offset per item keep
//! the index small: it takes about 8 bytes per edge and 12 per node, where an
//! offset per item would add 16 more per edge. The index says nothing the other sections do not: a full load
//! checks that it is exactly what they imply, so a file that opens at all
//! answers the same through the index as through the full load.
//!
//! Columns rather than records: the reader walks each column once, with
//! no per-field branching, and the node and edge payloads are rebuilt from
//! fixed-width slices. Ids, names and every other text sit in one string
//! table, validated as UTF-8 once, so a node's id and name are two slices
//! of it. The magic, the format version and the writer come first and will
//! stay where they are in every later version, so a reader of any version
//! can say which version wrote a file it cannot read.
//!
//! # Derived edges are stored, not derived again
//!
//! `convert` materialises the schema's rules before it writes a snapshot,
//! and the snapshot holds the derived edges with their proofs: opening
//! one skips [`crate::reason::materialise`] (the command line removes them
//! again for `--no-reasoning`). On the generated million-node graph
//! (3.71M asserted edges, 1.31M derived) the derivation costs more than
//! reading the derived edges does; the figures are in BENCHMARKS.md. A
//! snapshot written without derivations (by the library, from a graph
//! that was not materialised) still opens right: with no derived edge in
//! the graph, the command line derives them as for any other format.
//!
//! # What invalidates a snapshot
//!
//! A snapshot is a cache of its source: it is not updated when the source
//! changes, and a seccoop whose [`FORMAT_VERSION`] differs refuses it and
//! says to convert again from the source. A file changed or damaged after
//! it was written fails its checksum; one cut short ends before its header
//! says it does. Neither is read further.

use crate::model::{Basis, ImpactFlow, LineStyle};

/// The first bytes of every snapshot: not text (the high byte), with the
/// line endings a text-mode transfer would mangle, as PNG's magic does.
pub const MAGIC: [u8; 8] = *b"\x89SCCP\r\n\x1a";

/// The version of the layout. Any change to it, however small, takes the
/// next number: a snapshot is never read by a seccoop of another version.
pub const FORMAT_VERSION: u32 = 2;

/// Who writes the snapshots this build writes, as the header records it.
pub const WRITER: &str = concat!("seccoop ", env!("CARGO_PKG_VERSION"));

/// The position of "no string" where a string is optional.
pub const NONE: u32 = u32::MAX;

/// A node's or an edge's flag: it has properties, in the extras section.
pub const HAS_PROPERTIES: u8 = 1;
/// A node's or an edge's flag: it has provenance, in the extras section.
pub const HAS_PROVENANCE: u8 = 2;

/// How deep lists may nest inside a property value. The reader decodes
/// values recursively, so a lying file must not nest them without bound;
/// the writer refuses a graph that nests deeper.
pub const MAX_DEPTH: usize = 100;

/// The codes of property values.
pub mod value_tag {
    /// A string: its position in the string table.
    pub const STRING: u8 = 0;
    /// An integer: i64.
    pub const INTEGER: u8 = 1;
    /// A float: its IEEE 754 bits, u64 (NaN's payload kept).
    pub const FLOAT: u8 = 2;
    /// A boolean: one byte, 0 or 1.
    pub const BOOL: u8 = 3;
    /// A list: its length u32, then its items.
    pub const LIST: u8 = 4;
}

/// The number of the section at a position of the body, for messages.
pub const SECTIONS: [&str; 7] = [
    "strings", "graph", "nodes", "edges", "extras", "proofs", "index",
];

/// How many items apart the index's marks are: a record of the extras or
/// proofs section is found by walking at most `STRIDE - 1` records from
/// the mark before it.
pub const STRIDE: usize = 64;

/// The number of marks for `items` nodes or edges: one per started stride.
pub fn marks(items: usize) -> usize {
    items.div_ceil(STRIDE)
}

/// The bytes of the header before its body length: magic, format and writer.
pub fn header_prefix_len(writer: &str) -> usize {
    MAGIC.len() + 4 + 1 + writer.len()
}

/// The checksum of a snapshot's body: XXH3, 64 bits, which reads many
/// gigabytes a second, so a snapshot is checked whole at every open.
/// It finds damage, not tampering: it is no signature.
pub fn checksum(body: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(body)
}

/// The code of a basis.
pub fn basis_code(basis: Basis) -> u8 {
    match basis {
        Basis::Stated => 0,
        Basis::Inferred => 1,
        Basis::Derived => 2,
    }
}

/// The basis of a code.
pub fn basis_of(code: u8) -> Option<Basis> {
    match code {
        0 => Some(Basis::Stated),
        1 => Some(Basis::Inferred),
        2 => Some(Basis::Derived),
        _ => None,
    }
}

/// The code of an impact flow.
pub fn impact_code(flow: ImpactFlow) -> u8 {
    match flow {
        ImpactFlow::Forward => 0,
        ImpactFlow::Backward => 1,
        ImpactFlow::Both => 2,
        ImpactFlow::None => 3,
    }
}

/// The impact flow of a code.
pub fn impact_of(code: u8) -> Option<ImpactFlow> {
    match code {
        0 => Some(ImpactFlow::Forward),
        1 => Some(ImpactFlow::Backward),
        2 => Some(ImpactFlow::Both),
        3 => Some(ImpactFlow::None),
        _ => None,
    }
}

/// The code of a line style.
pub fn line_code(line: LineStyle) -> u8 {
    match line {
        LineStyle::Solid => 0,
        LineStyle::Dotted => 1,
        LineStyle::Bold => 2,
    }
}

/// The line style of a code.
pub fn line_of(code: u8) -> Option<LineStyle> {
    match code {
        0 => Some(LineStyle::Solid),
        1 => Some(LineStyle::Dotted),
        2 => Some(LineStyle::Bold),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for b in [Basis::Stated, Basis::Inferred, Basis::Derived] {
            assert_eq!(basis_of(basis_code(b)), Some(b));
        }
        for f in [
            ImpactFlow::Forward,
            ImpactFlow::Backward,
            ImpactFlow::Both,
            ImpactFlow::None,
        ] {
            assert_eq!(impact_of(impact_code(f)), Some(f));
        }
        for l in [LineStyle::Solid, LineStyle::Dotted, LineStyle::Bold] {
            assert_eq!(line_of(line_code(l)), Some(l));
        }
        assert_eq!(basis_of(3), None);
    }

    #[test]
    fn the_checksum_is_stable() {
        // A snapshot written by one build is checked by another: the
        // checksum must not depend on a seed.
        assert_eq!(checksum(b"seccoop"), checksum(b"seccoop"));
        assert_ne!(checksum(b"seccoop"), checksum(b"seccooq"));
        assert_eq!(checksum(b""), 0x2d06800538d394c2);
    }
}
