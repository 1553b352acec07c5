//! Records as a table, JSON, JSON Lines or CSV: the one writer every
//! command that answers with rows goes through.

use serde::Serialize;

use super::{RecordFormat, Style, table};

/// An answer made of records, ready to print in any [`RecordFormat`].
///
/// JSON and JSON Lines serialize the records themselves; a table and CSV
/// show the cells `cells` picks out of each, under the column names.
pub struct Records<'a, T, F> {
    rows: &'a [T],
    columns: &'a [&'a str],
    cells: F,
    /// The table's headers are the column names in capitals (`ID`, `KIND`),
    /// unless they are names the user wrote (a query's columns).
    capitals: bool,
    /// An empty table prints nothing, not even its headers: for answers
    /// that say on stderr that nothing matched.
    blank_when_empty: bool,
}

impl<'a, T: Serialize, F: Fn(&T) -> Vec<String>> Records<'a, T, F> {
    /// `rows` under `columns` (CSV's header row; a table's in capitals),
    /// each row's cells given by `cells` in column order.
    pub fn new(rows: &'a [T], columns: &'a [&'a str], cells: F) -> Self {
        Records {
            rows,
            columns,
            cells,
            capitals: true,
            blank_when_empty: false,
        }
    }

    /// Table headers as the columns are written, not in capitals.
    pub fn headers_as_written(mut self) -> Self {
        self.capitals = false;
        self
    }

    /// An empty table prints nothing, not even its headers.
    pub fn blank_when_empty(mut self) -> Self {
        self.blank_when_empty = true;
        self
    }

    /// The records in `format`.
    pub fn render(&self, format: RecordFormat, style: Style) -> String {
        let cells = || self.rows.iter().map(&self.cells);
        match format {
            RecordFormat::Table if self.rows.is_empty() && self.blank_when_empty => String::new(),
            RecordFormat::Table if self.capitals => {
                let headers: Vec<String> = self.columns.iter().map(|c| c.to_uppercase()).collect();
                let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
                table(&headers, cells(), style)
            }
            RecordFormat::Table => table(self.columns, cells(), style),
            RecordFormat::Json => json(self.rows),
            RecordFormat::Jsonl => jsonl(self.rows),
            RecordFormat::Csv => csv(self.columns, cells()),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row {
        id: &'static str,
        n: u32,
    }

    fn rows() -> Vec<Row> {
        vec![Row { id: "a", n: 1 }, Row { id: "b,c", n: 22 }]
    }

    fn cells(r: &Row) -> Vec<String> {
        vec![r.id.to_string(), r.n.to_string()]
    }

    #[test]
    fn one_set_of_records_in_every_record_format() {
        let rows = rows();
        let records = Records::new(&rows, &["id", "n"], cells);
        let style = Style::default();
        assert_eq!(
            records.render(RecordFormat::Table, style),
            "ID   N\na    1\nb,c  22\n"
        );
        assert_eq!(
            records.render(RecordFormat::Csv, style),
            "id,n\na,1\n\"b,c\",22\n"
        );
        assert_eq!(
            records.render(RecordFormat::Jsonl, style),
            "{\"id\":\"a\",\"n\":1}\n{\"id\":\"b,c\",\"n\":22}\n"
        );
        assert!(
            records
                .render(RecordFormat::Json, style)
                .starts_with("[\n  {\n    \"id\": \"a\"")
        );
    }

    #[test]
    fn an_empty_table_prints_its_headers_unless_told_not_to() {
        let rows: Vec<Row> = Vec::new();
        let style = Style::default();
        let records = Records::new(&rows, &["id", "n"], cells);
        assert_eq!(records.render(RecordFormat::Table, style), "ID  N\n");
        let records = records.blank_when_empty().headers_as_written();
        assert_eq!(records.render(RecordFormat::Table, style), "");
        assert_eq!(records.render(RecordFormat::Csv, style), "id,n\n");
        assert_eq!(records.render(RecordFormat::Json, style), "[]\n");
    }
}
