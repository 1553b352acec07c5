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
    /// A self-contained interactive page (no Graphviz needed).
    Html,
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

    /// Whether the format draws a diagram (dot, mermaid, svg, png, pdf, html).
    pub fn is_diagram(self) -> bool {
        matches!(
            self,
            Format::Dot | Format::Mermaid | Format::Svg | Format::Png | Format::Pdf | Format::Html
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

/// The widest table cell, in characters: a longer one is cut with `…`, so
/// one 10,000-character name does not push every row that wide (JSON and
/// CSV keep the whole text).
pub const MAX_CELL: usize = 200;

/// `text` cut to at most `max` characters, the last one `…` when cut.
pub fn shorten(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(text),
        Some(_) => {
            let keep: String = text.chars().take(max.saturating_sub(1)).collect();
            std::borrow::Cow::Owned(keep + "…")
        }
    }
}

/// Renders rows under headers as aligned columns, two spaces apart; cells
/// are made [`safe`] and cut to [`MAX_CELL`] characters.
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
                .map(|cell| shorten(&safe(cell), MAX_CELL).into_owned())
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
///
/// The error is shown through [`SafeDiagnostic`]: its message, help, file
/// name and source lines are made [`safe`] (a binary file or a line with
/// escape sequences reaches the terminal escaped, never raw), and source
/// lines are cut to a window around the caret, so a 100 MB line prints a
/// line's worth.
pub fn diagnostic(err: &dyn miette::Diagnostic, color: bool) -> String {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100);
    let safe_err = SafeDiagnostic::new(err);
    let mut out = String::new();
    if handler.render_report(&mut out, &safe_err).is_err() {
        out = format!("error: {safe_err}\n");
    }
    out
}

/// The longest message or help text shown, in characters.
const MAX_MESSAGE: usize = 1000;
/// The widest source line shown under an error, in characters.
const MAX_SOURCE_LINE: usize = 160;
/// The most source lines shown under an error.
const MAX_SOURCE_LINES: usize = 12;

/// An error as [`diagnostic`] shows it: the text of another diagnostic made
/// safe for a terminal and cut to a readable size, its source reduced to an
/// escaped excerpt around its labels.
struct SafeDiagnostic<'a> {
    inner: &'a dyn miette::Diagnostic,
    message: String,
    help: Option<String>,
    snippet: Option<Snippet>,
    labels: Vec<miette::LabeledSpan>,
}

impl<'a> SafeDiagnostic<'a> {
    fn new(inner: &'a dyn miette::Diagnostic) -> Self {
        let message = shorten(&safe(&inner.to_string()), MAX_MESSAGE).into_owned();
        let help = inner
            .help()
            .map(|h| shorten(&safe(&h.to_string()), MAX_MESSAGE).into_owned());
        let labels: Vec<miette::LabeledSpan> =
            inner.labels().map(Iterator::collect).unwrap_or_default();
        let (snippet, labels) = match inner.source_code() {
            Some(source) if !labels.is_empty() => match Snippet::new(source, labels) {
                Some((snippet, labels)) => (Some(snippet), labels),
                None => (None, Vec::new()),
            },
            _ => (None, Vec::new()),
        };
        SafeDiagnostic {
            inner,
            message,
            help,
            snippet,
            labels,
        }
    }
}

impl std::fmt::Display for SafeDiagnostic<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::fmt::Debug for SafeDiagnostic<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SafeDiagnostic<'_> {}

impl miette::Diagnostic for SafeDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.inner.code()
    }

    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.snippet.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        // Labels point into the snippet: none without it.
        self.snippet.as_ref()?;
        Some(Box::new(self.labels.iter().cloned()))
    }
}

/// The source lines around an error's labels, escaped and cut to a window,
/// standing in for the whole source.
struct Snippet {
    /// The source's name, made safe.
    name: Option<String>,
    /// The excerpt: whole lines, escaped, long ones cut around the labels.
    text: String,
    /// The 0-based line of the source the excerpt starts at.
    first_line: usize,
    /// Where each label starts in `text`, and its 0-based column in the
    /// source (what the `file:line:column` header shows).
    columns: Vec<(usize, usize)>,
}

impl Snippet {
    /// The excerpt around `labels` of `source`, and the labels moved onto
    /// it; `None` when the source cannot give the lines.
    fn new(
        source: &dyn miette::SourceCode,
        mut labels: Vec<miette::LabeledSpan>,
    ) -> Option<(Snippet, Vec<miette::LabeledSpan>)> {
        let union = |labels: &[miette::LabeledSpan]| {
            let start = labels.iter().map(|l| l.offset()).min().unwrap_or(0);
            let end = labels
                .iter()
                .map(|l| l.offset() + l.len())
                .max()
                .unwrap_or(start);
            miette::SourceSpan::from((start, end - start))
        };
        let mut contents = source.read_span(&union(&labels), 1, 1).ok()?;
        let lines = |data: &[u8]| data.iter().filter(|&&b| b == b'\n').count() + 1;
        if lines(contents.data()) > MAX_SOURCE_LINES {
            // Too tall to show: keep the first label, cut to its first line.
            labels.sort_by_key(|l| (!l.primary(), l.offset()));
            labels.truncate(1);
            let only = labels.first_mut()?;
            let line = source.read_span(only.inner(), 0, 0).ok()?;
            let len = line
                .data()
                .iter()
                .position(|&b| b == b'\n')
                .unwrap_or(line.data().len());
            *only = miette::LabeledSpan::new(only.label().map(String::from), only.offset(), len);
            contents = source.read_span(&union(&labels), 1, 1).ok()?;
        }
        let columns: Vec<usize> = labels
            .iter()
            .map(|l| source.read_span(l.inner(), 0, 0).map_or(0, |c| c.column()))
            .collect();
        let data = String::from_utf8_lossy(contents.data());
        let base = contents.span().offset();
        let starts: Vec<usize> = labels.iter().map(|l| l.offset()).collect();
        let (text, map) = excerpt(&data, base, &starts);
        let moved: Vec<miette::LabeledSpan> = labels
            .iter()
            .map(|l| {
                let start = map(l.offset());
                let end = map(l.offset() + l.len()).max(start);
                miette::LabeledSpan::new(
                    l.label().map(|t| safe(t).into_owned()),
                    start,
                    end - start,
                )
            })
            .collect();
        let snippet = Snippet {
            name: contents.name().map(|n| safe(n).into_owned()),
            columns: moved.iter().map(|l| l.offset()).zip(columns).collect(),
            text,
            first_line: contents.line(),
        };
        Some((snippet, moved))
    }
}

/// `data` (source text starting at byte `base`) escaped for a terminal,
/// each line longer than [`MAX_SOURCE_LINE`] characters cut to a window
/// around the first of `starts` it holds; and a map from source byte
/// offsets to offsets in the result (offsets cut away map to the edge).
fn excerpt(data: &str, base: usize, starts: &[usize]) -> (String, impl Fn(usize) -> usize) {
    let mut text = String::with_capacity(data.len().min(4 * MAX_SOURCE_LINE));
    // (source offset, result offset) at each kept character, in order.
    let mut marks: Vec<(usize, usize)> = Vec::new();
    let mut line_start = base;
    for line in data.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let body = body.strip_suffix('\r').unwrap_or(body);
        let chars: Vec<(usize, char)> = body.char_indices().collect();
        let anchor = starts
            .iter()
            .filter(|&&s| s >= line_start && s <= line_start + body.len())
            .map(|&s| chars.partition_point(|&(i, _)| line_start + i < s))
            .next()
            .unwrap_or(0);
        let (from, to) = if chars.len() > MAX_SOURCE_LINE {
            let from = anchor.saturating_sub(MAX_SOURCE_LINE / 3);
            let from = from.min(chars.len() - MAX_SOURCE_LINE);
            (from, from + MAX_SOURCE_LINE)
        } else {
            (0, chars.len())
        };
        if from > 0 {
            text.push('…');
        }
        for &(i, c) in chars.get(from..to).unwrap_or_default() {
            marks.push((line_start + i, text.len()));
            let _ = write!(text, "{}", safe(c.encode_utf8(&mut [0; 4])));
        }
        // The end of the line's text, where a label at the line's end points.
        let end = chars
            .get(to)
            .map_or(line_start + body.len(), |&(i, _)| line_start + i);
        marks.push((end, text.len()));
        if to < chars.len() {
            text.push('…');
        }
        if line.ends_with('\n') {
            text.push('\n');
        }
        line_start += line.len();
    }
    // A label just past a final line break (an error at the end of the
    // file) stays on the empty last line rather than moving up one.
    if data.ends_with('\n') {
        marks.push((line_start, text.len()));
    }
    let map = move |offset: usize| {
        let i = marks.partition_point(|&(s, _)| s <= offset);
        match i.checked_sub(1).and_then(|i| marks.get(i)) {
            Some(&(_, r)) => r,
            None => marks.first().map_or(0, |&(_, r)| r),
        }
    };
    (text, map)
}

impl miette::SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        let column = if context_lines_before == 0 {
            self.columns
                .iter()
                .find(|&&(offset, _)| offset == span.offset())
                .map_or(inner.column(), |&(_, column)| column)
        } else {
            inner.column()
        };
        let contents = match &self.name {
            Some(name) => miette::MietteSpanContents::new_named(
                name.clone(),
                inner.data(),
                *inner.span(),
                inner.line() + self.first_line,
                column,
                inner.line_count(),
            ),
            None => miette::MietteSpanContents::new(
                inner.data(),
                *inner.span(),
                inner.line() + self.first_line,
                column,
                inner.line_count(),
            ),
        };
        Ok(Box::new(contents))
    }
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
    fn excerpts_escape_and_keep_label_offsets() {
        let (text, map) = excerpt("h\u{e9}llo\x1b world\n", 100, &[106]);
        assert_eq!(text, "h\u{e9}llo\\u{1b} world\n");
        assert_eq!(map(106), 6);
        assert_eq!(map(107), 12);
    }

    #[test]
    fn long_lines_are_cut_to_a_window_around_the_label() {
        let line = "a".repeat(1000);
        let (text, map) = excerpt(&line, 0, &[500]);
        assert_eq!(text.chars().count(), MAX_SOURCE_LINE + 2);
        assert!(text.starts_with('…') && text.ends_with('…'));
        // The window starts a third of its width before the label.
        assert_eq!(map(500), '…'.len_utf8() + MAX_SOURCE_LINE / 3);
        assert_eq!(map(0), map(10));
    }

    #[test]
    fn a_label_at_the_end_of_a_file_stays_on_its_last_line() {
        // Bug: an error at the end of a file that ends in a line break was
        // shown on the line before it (N-Triples' "must be followed by a dot").
        let data = "a .\nb\n";
        let end = [data.len()];
        let (text, map) = excerpt(data, 0, &end);
        assert_eq!(text, data);
        assert_eq!(map(data.len()), text.len());
        assert_eq!(map(5), 5);
    }

    #[test]
    fn shorten_cuts_with_an_ellipsis() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abcd", 4), "abcd");
    }

    #[test]
    fn table_cells_are_made_safe() {
        let t = table(&["A"], [vec!["\x07bell".to_string()]], Style::default());
        assert!(t.contains("\\u{7}bell"), "{t}");
    }
}
