//! The output layer: tables, JSON and error reports.
//!
//! Commands build plain data; this module turns it into text. Nothing here
//! writes to a stream: callers get a `String` and write it whole, so a
//! failure never leaves half an answer on stdout.

use std::fmt::Write as _;

use comfy_table::{Attribute, Cell, ContentArrangement, Table, presets};
use serde::Serialize;

/// How answers are printed. Not every command offers every format: lists
/// of records take the four tabular ones, graph-shaped answers add the two
/// diagram ones.
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
            _ => return None,
        })
    }

    /// Whether the format draws a diagram (dot, mermaid, svg, png, pdf).
    pub fn is_diagram(self) -> bool {
        matches!(
            self,
            Format::Dot | Format::Mermaid | Format::Svg | Format::Png | Format::Pdf
        )
    }

    /// Whether the format is binary and must not be sent to a terminal.
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Png | Format::Pdf)
    }
}

/// Records (flat objects) as JSON Lines: one object per line.
pub fn jsonl<T: Serialize>(rows: &[T]) -> String {
    let mut out = String::new();
    for row in rows {
        // Plain records always serialize; see `json`.
        out.push_str(&serde_json::to_string(row).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// Rows as CSV with a header row, quoted where needed (RFC 4180).
pub fn csv(headers: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(headers);
    for row in rows {
        let _ = w.write_record(&row);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Terminal capabilities that shape table output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    /// Bold headers and dimmed detail (stdout is a terminal and `NO_COLOR` is unset).
    pub color: bool,
    /// Wrap tables to the terminal's width (stdout is a terminal).
    pub wrap: bool,
}

impl Style {
    /// `text`, made [`safe`], in the ANSI codes for dim text when colour is on.
    pub fn dim(&self, text: &str) -> String {
        let text = safe(text);
        if self.color {
            format!("\x1b[2m{text}\x1b[0m")
        } else {
            text.into_owned()
        }
    }

    /// `text`, made [`safe`], in the ANSI codes for bold text when colour is on.
    pub fn bold(&self, text: &str) -> String {
        let text = safe(text);
        if self.color {
            format!("\x1b[1m{text}\x1b[0m")
        } else {
            text.into_owned()
        }
    }
}

/// Renders rows under headers as aligned columns, two spaces apart.
pub fn table(
    headers: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
    style: Style,
) -> String {
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    if style.color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t.set_content_arrangement(if style.wrap {
        ContentArrangement::Dynamic
    } else {
        ContentArrangement::Disabled
    });
    t.set_header(headers.iter().map(|h| {
        let cell = Cell::new(h);
        if style.color {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }));
    for row in rows {
        t.add_row(
            row.iter()
                .map(|cell| safe(cell).into_owned())
                .collect::<Vec<_>>(),
        );
    }
    for col in t.column_iter_mut() {
        col.set_padding((0, 2));
    }
    let mut out = String::new();
    for line in t.lines() {
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

/// Appends a titled section to a report: a blank line when the report
/// already holds something, `TITLE (COUNT)` in bold, then `body` or `none`.
pub fn section(
    out: &mut String,
    style: Style,
    title: &str,
    count: usize,
    body: impl FnOnce() -> String,
) {
    if !out.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}", style.bold(&format!("{title} ({count})")));
    if count == 0 {
        out.push_str("  none\n");
    } else {
        out.push_str(&body());
    }
}

/// Pretty JSON with a final newline.
pub fn json<T: Serialize + ?Sized>(value: &T) -> String {
    // Serializing plain data into a String cannot fail: no map has non-string keys.
    let mut text =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// Draws an error the way compilers do: location, source line, caret, help.
pub fn diagnostic(err: &dyn miette::Diagnostic, color: bool) -> String {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    if handler.render_report(&mut out, err).is_err() {
        out = format!("error: {err}\n");
    }
    out
}

/// Writes `bytes` to `path` atomically: into a temporary file in the same
/// folder, then renamed over `path`. On failure nothing is left behind and
/// an existing file is untouched.
pub fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    // The temporary file's name means nothing to the user: keep the reason only.
    let plain = |e: std::io::Error| {
        let text = e.to_string();
        let text = text.split(" at path ").next().unwrap_or(&text);
        let text = text
            .split(" (os error")
            .next()
            .unwrap_or(text)
            .to_lowercase();
        std::io::Error::new(e.kind(), text)
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".seccoop-")
        .tempfile_in(dir)
        .map_err(plain)?;
    tmp.write_all(bytes).map_err(plain)?;
    tmp.as_file().sync_all().map_err(plain)?;
    tmp.persist(path).map_err(|e| plain(e.error))?;
    Ok(())
}

/// `1 edge`, `2 edges`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Text from a graph made safe for a terminal: control characters (but
/// line breaks and tabs) and bidirectional-override characters are shown
/// as `\u{…}` escapes instead of being sent raw, where they could move the
/// cursor, recolour the screen or reorder what is shown.
pub fn safe(text: &str) -> std::borrow::Cow<'_, str> {
    let risky = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(risky) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if risky(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_escapes_terminal_controls_and_bidi_overrides() {
        assert_eq!(safe("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(safe("x\u{202E}y"), "x\\u{202e}y");
        assert_eq!(safe("line\nbreak\tand tab"), "line\nbreak\tand tab");
        assert!(matches!(safe("plain"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn table_cells_are_made_safe() {
        let t = table(&["A"], [vec!["\x07bell".to_string()]], Style::default());
        assert!(t.contains("\\u{7}bell"), "{t}");
    }
}
