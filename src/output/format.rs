//! The formats answers are printed in, grouped by what they print:
//! records (table, JSON, JSON Lines, CSV) or diagrams (DOT, Mermaid and the
//! images Graphviz renders, and the HTML explorer). A command matches on the group, so a format
//! added to a group reaches every command that prints that group, and a
//! new group is a compile error wherever it is not handled yet.

/// How answers are printed. Not every command offers every format: each
/// declares its own list (one of the lists below), checked before it runs.
/// Records and reports print in the four record formats, graph-shaped
/// answers also in the five diagram formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for people.
    #[default]
    Table,
    /// JSON for programs.
    Json,
    /// JSON Lines: one JSON object per line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
    /// A Graphviz DOT diagram.
    Dot,
    /// A Mermaid flowchart, for Markdown pages.
    Mermaid,
    /// An SVG image rendered by Graphviz.
    Svg,
    /// A PNG image rendered by Graphviz.
    Png,
    /// A PDF document rendered by Graphviz.
    Pdf,
    /// A self-contained interactive page (no Graphviz needed).
    Html,
}

/// The record formats: one row per record, or a report as a table or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordFormat {
    /// Aligned columns.
    Table,
    /// One pretty JSON document.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// CSV with a header row.
    Csv,
}

impl RecordFormat {
    /// The format as a report's, which prints as a table or JSON only.
    pub fn report(self) -> Option<ReportFormat> {
        match self {
            RecordFormat::Table => Some(ReportFormat::Table),
            RecordFormat::Json => Some(ReportFormat::Json),
            RecordFormat::Jsonl | RecordFormat::Csv => None,
        }
    }
}

/// The formats of a report that is not a list of records (`stats`, `gaps`):
/// a table for people or one JSON document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// Text laid out for people.
    Table,
    /// One pretty JSON document.
    Json,
}

/// The diagram formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagramFormat {
    /// Graphviz DOT text.
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
    /// SVG rendered by Graphviz.
    Svg,
    /// PNG rendered by Graphviz.
    Png,
    /// PDF rendered by Graphviz.
    Pdf,
    /// An interactive page drawn without Graphviz.
    Html,
}

/// What a [`Format`] prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Records or a report.
    Records(RecordFormat),
    /// A diagram of nodes and edges.
    Diagram(DiagramFormat),
}

impl Format {
    /// The name typed after `--format`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Dot => "dot",
            Format::Mermaid => "mermaid",
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Pdf => "pdf",
            Format::Html => "html",
        }
    }

    /// The format a file name's extension names (`.svg`, `.gv`, `.mmd`, …).
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "txt" => Format::Table,
            "json" => Format::Json,
            "jsonl" | "ndjson" => Format::Jsonl,
            "csv" => Format::Csv,
            "dot" | "gv" => Format::Dot,
            "mmd" | "mermaid" => Format::Mermaid,
            "svg" => Format::Svg,
            "png" => Format::Png,
            "pdf" => Format::Pdf,
            "html" | "htm" => Format::Html,
            _ => return None,
        })
    }

    /// What the format prints: records or a diagram.
    pub fn shape(self) -> Shape {
        match self {
            Format::Table => Shape::Records(RecordFormat::Table),
            Format::Json => Shape::Records(RecordFormat::Json),
            Format::Jsonl => Shape::Records(RecordFormat::Jsonl),
            Format::Csv => Shape::Records(RecordFormat::Csv),
            Format::Dot => Shape::Diagram(DiagramFormat::Dot),
            Format::Mermaid => Shape::Diagram(DiagramFormat::Mermaid),
            Format::Svg => Shape::Diagram(DiagramFormat::Svg),
            Format::Png => Shape::Diagram(DiagramFormat::Png),
            Format::Pdf => Shape::Diagram(DiagramFormat::Pdf),
            Format::Html => Shape::Diagram(DiagramFormat::Html),
        }
    }

    /// Whether the format draws a diagram (dot, mermaid, svg, png, pdf, html).
    pub fn is_diagram(self) -> bool {
        matches!(self.shape(), Shape::Diagram(_))
    }

    /// Whether the format is binary and must not be sent to a terminal.
    pub fn is_binary(self) -> bool {
        match self.shape() {
            Shape::Diagram(DiagramFormat::Png | DiagramFormat::Pdf) => true,
            Shape::Diagram(
                DiagramFormat::Dot
                | DiagramFormat::Mermaid
                | DiagramFormat::Svg
                | DiagramFormat::Html,
            )
            | Shape::Records(_) => false,
        }
    }

    /// Lists of records (`list`, `search`): one row per record.
    pub const RECORDS: &[Format] = &[Format::Table, Format::Json, Format::Jsonl, Format::Csv];

    /// Reports that are a table for people or one JSON document (`stats`, `gaps`).
    pub const REPORT: &[Format] = &[Format::Table, Format::Json];

    /// Diagrams only (`export`), DOT first.
    pub const DIAGRAMS: &[Format] = &[
        Format::Dot,
        Format::Mermaid,
        Format::Svg,
        Format::Png,
        Format::Pdf,
        Format::Html,
    ];

    /// A report that is also a graph (`show`, `impact`, `path`).
    pub const REPORT_OR_DIAGRAM: &[Format] = &[
        Format::Table,
        Format::Json,
        Format::Dot,
        Format::Mermaid,
        Format::Svg,
        Format::Png,
        Format::Pdf,
        Format::Html,
    ];

    /// Records that are also a graph (`related`, `query`): every format.
    pub const RECORDS_OR_DIAGRAM: &[Format] = &[
        Format::Table,
        Format::Json,
        Format::Jsonl,
        Format::Csv,
        Format::Dot,
        Format::Mermaid,
        Format::Svg,
        Format::Png,
        Format::Pdf,
        Format::Html,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum as _;

    #[test]
    fn every_format_is_in_the_list_of_every_format() {
        assert_eq!(Format::RECORDS_OR_DIAGRAM, Format::value_variants());
    }

    #[test]
    fn the_groups_split_the_formats_by_shape() {
        for &f in Format::value_variants() {
            let records = Format::RECORDS.contains(&f);
            assert_eq!(records, !f.is_diagram(), "{f:?}");
            assert_eq!(Format::DIAGRAMS.contains(&f), f.is_diagram(), "{f:?}");
        }
    }
}
