//! Tables for people: aligned columns, and reports made of titled sections.
//!
//! comfy-table lays out what goes to a terminal: it wraps cells to the
//! terminal's width and styles the headers. Plain output (a pipe, a file,
//! `--color never` off a terminal) is laid out here instead, to the same
//! bytes: each column as wide as its widest cell in display width (at
//! least 1), two spaces after each, trailing spaces cut. comfy-table took
//! 40% of the instructions of `seccoop list` on the built-in graph
//! (1.48 M of 3.63 M, callgrind) for what is a few lines of padding; a
//! property test compares the two on random cells. A cell holding a line
//! break still goes to comfy-table, which stacks its lines.

use std::fmt::Write as _;

use comfy_table::{Attribute, Cell, ContentArrangement, Table, presets};

use super::{MAX_CELL, Style, safe, shorten};

/// Renders rows under headers as aligned columns, two spaces apart; cells
/// are made [`safe`] and cut to [`MAX_CELL`] characters.
pub fn table(
    headers: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
    style: Style,
) -> String {
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|row| {
            row.iter()
                .map(|cell| shorten(&safe(cell), MAX_CELL).into_owned())
                .collect()
        })
        .collect();
    let one_line = |cell: &str| !cell.contains('\n');
    if !style.color
        && !style.wrap
        && headers.iter().all(|h| one_line(h))
        && rows.iter().flatten().all(|c| one_line(c))
    {
        return plain(headers, &rows);
    }
    comfy(headers, rows, style)
}

/// The table as comfy-table lays it out: wrapped to the terminal's width
/// with `style.wrap`, headers in bold with `style.color`.
fn comfy(headers: &[&str], rows: Vec<Vec<String>>, style: Style) -> String {
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
        t.add_row(row);
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

/// The table of one-line cells, unstyled and unwrapped, as comfy-table
/// lays it out.
fn plain(headers: &[&str], rows: &[Vec<String>]) -> String {
    use unicode_width::UnicodeWidthStr as _;
    let lines: Vec<Vec<&str>> = std::iter::once(headers.to_vec())
        .chain(rows.iter().map(|r| r.iter().map(String::as_str).collect()))
        .collect();
    let columns = lines.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![1usize; columns];
    for line in &lines {
        for (w, cell) in widths.iter_mut().zip(line) {
            *w = (*w).max(cell.width().min(usize::from(u16::MAX)));
        }
    }
    let mut out = String::new();
    let mut text = String::new();
    for line in &lines {
        text.clear();
        for (i, width) in widths.iter().enumerate() {
            let cell = line.get(i).copied().unwrap_or("");
            text.push_str(cell);
            let pad = width.saturating_sub(cell.width()) + 2;
            text.extend(std::iter::repeat_n(' ', pad));
        }
        out.push_str(text.trim_end());
        out.push('\n');
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_are_made_safe() {
        let t = table(&["A"], [vec!["\x07bell".to_string()]], Style::default());
        assert!(t.contains("\\u{7}bell"), "{t}");
    }

    fn cell() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex("[a-z é漢字😀\u{301}\u{200B}\t-]{0,12}").unwrap()
    }

    proptest::proptest! {
        /// Plain tables are laid out as comfy-table lays them out: wide
        /// and zero-width characters, tabs, spaces at either end, empty
        /// cells, and rows shorter or longer than the headers.
        #[test]
        fn plain_tables_are_what_comfy_table_draws(
            headers in proptest::collection::vec(cell(), 1..4),
            rows in proptest::collection::vec(proptest::collection::vec(cell(), 0..5), 0..6),
        ) {
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(
                plain(&headers, &rows),
                comfy(&headers, rows.clone(), Style::default())
            );
        }
    }
}
