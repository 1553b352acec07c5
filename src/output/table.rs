//! Tables for people: aligned columns, and reports made of titled sections.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_are_made_safe() {
        let t = table(&["A"], [vec!["\x07bell".to_string()]], Style::default());
        assert!(t.contains("\\u{7}bell"), "{t}");
    }
}
