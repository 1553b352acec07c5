//! Errors drawn the way compilers draw them, safe for a terminal.

use std::fmt::Write as _;

use super::{safe, shorten};

/// Draws an error the way compilers do: location, source line, caret, help.
///
/// The error is shown through a `SafeDiagnostic`: its message, help, file
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
