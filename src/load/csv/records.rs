//! Splitting CSV text into records, fast.
//!
//! Profiling a million-node load showed the `csv` crate's per-record UTF-8
//! validation and copying as the largest cost of reading the files, so the
//! readers split the bytes themselves: a row without quotes (nearly every
//! row of a bulk file) is cut at its commas with `memchr`, in place; a row
//! with quotes goes through an RFC 4180 state machine that unescapes its
//! fields into a scratch buffer and may run over several lines. The text is
//! validated as UTF-8 once, as a whole; when that fails, each record is
//! validated on its own so the bad rows can be reported.

use memchr::{memchr, memchr_iter, memchr2};

/// A CSV text and the position of the next record.
pub(crate) struct Records<'a> {
    data: &'a [u8],
    /// `data` as text, when all of it is UTF-8.
    text: Option<&'a str>,
    pos: usize,
    /// The current record's fields, as ranges of `data` or of `scratch`.
    fields: Vec<(usize, usize)>,
    /// The unescaped fields of a quoted record.
    scratch: Vec<u8>,
    in_scratch: bool,
    /// Where the current record starts and ends (line end excluded).
    start: usize,
    end: usize,
}

/// What reading a record found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    /// A record starting at this byte offset.
    Record(usize),
    /// A record that is not UTF-8, at this offset; it is skipped.
    NotUtf8(usize),
    /// A quoted field that is never closed, in the record at this offset;
    /// the rest of the text is taken as that field.
    Unclosed(usize),
    /// The end of the text.
    End,
}

impl<'a> Records<'a> {
    /// Records of `data`, checked as UTF-8 once, whole.
    pub fn new(data: &'a [u8]) -> Self {
        Self::with_text(data, std::str::from_utf8(data).ok())
    }

    /// Records of `data`, each checked as UTF-8 when it is read rather than
    /// the whole text at once: for reading the header of a large file,
    /// whose body is read (and checked) in chunks later.
    pub fn lazy(data: &'a [u8]) -> Self {
        Self::with_text(data, None)
    }

    /// `text` is `data` as text when all of it is UTF-8; `None` makes each
    /// record be checked as it is read.
    fn with_text(data: &'a [u8], text: Option<&'a str>) -> Self {
        Records {
            data,
            text,
            pos: 0,
            fields: Vec::with_capacity(16),
            scratch: Vec::new(),
            in_scratch: false,
            start: 0,
            end: 0,
        }
    }

    /// Reads the next record, skipping blank lines.
    pub fn next_record(&mut self) -> Next {
        let data = self.data;
        loop {
            if self.pos >= data.len() {
                return Next::End;
            }
            let start = self.pos;
            // cannot fail: start < data.len() (checked above), newline <= data.len(),
            // and end - 1 >= start whenever end > start.
            let newline = memchr(b'\n', &data[start..]).map_or(data.len(), |i| start + i);
            let mut end = newline;
            if end > start && data[end - 1] == b'\r' {
                end -= 1;
            }
            if end == start {
                self.pos = newline + 1;
                continue;
            }
            self.start = start;
            // cannot fail: start <= end <= newline <= data.len(); memchr and memchr_iter
            // give offsets inside the slice they search.
            let unclosed = if memchr(b'"', &data[start..end]).is_none() {
                self.pos = newline + 1;
                self.end = end;
                self.fields.clear();
                let mut field = start;
                for i in memchr_iter(b',', &data[start..end]) {
                    self.fields.push((field, start + i));
                    field = start + i + 1;
                }
                self.fields.push((field, end));
                self.in_scratch = false;
                false
            } else {
                self.quoted(start)
            };
            if self.text.is_none() && std::str::from_utf8(&data[start..self.end]).is_err() {
                return Next::NotUtf8(start);
            }
            return if unclosed {
                Next::Unclosed(start)
            } else {
                Next::Record(start)
            };
        }
    }

    /// Reads a record with quotes from `start`; true when a quote is left open.
    fn quoted(&mut self, start: usize) -> bool {
        let data = self.data;
        let len = data.len();
        self.scratch.clear();
        self.fields.clear();
        self.in_scratch = true;
        let mut i = start;
        let mut unclosed = false;
        loop {
            // Indexing below cannot fail: every `data[i]` is guarded by `i < len`,
            // and `memchr` gives `k` with `i + k < len`.
            let field = self.scratch.len();
            if i < len && data[i] == b'"' {
                i += 1;
                loop {
                    match memchr(b'"', &data[i..]) {
                        None => {
                            self.scratch.extend_from_slice(&data[i..]);
                            i = len;
                            unclosed = true;
                            break;
                        }
                        Some(k) => {
                            self.scratch.extend_from_slice(&data[i..i + k]);
                            i += k + 1;
                            if i < len && data[i] == b'"' {
                                self.scratch.push(b'"');
                                i += 1;
                            } else {
                                break;
                            }
                        }
                    }
                }
            }
            // Unquoted text, or text after a closing quote (kept, as the
            // `csv` crate does).
            while i < len && !matches!(data[i], b',' | b'\n') {
                if data[i] == b'\r' && data.get(i + 1) == Some(&b'\n') {
                    break;
                }
                self.scratch.push(data[i]);
                i += 1;
            }
            self.fields.push((field, self.scratch.len()));
            if i >= len {
                self.end = len;
                self.pos = len;
                break;
            }
            match data[i] {
                b',' => i += 1,
                b'\r' => {
                    self.end = i;
                    self.pos = i + 2;
                    break;
                }
                _ => {
                    self.end = i;
                    self.pos = i + 1;
                    break;
                }
            }
        }
        unclosed
    }

    /// How many fields the current record has.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Field `i` of the current record (empty when there is none).
    pub fn get(&self, i: usize) -> &str {
        let Some(&(a, b)) = self.fields.get(i) else {
            return "";
        };
        // cannot fail: (a, b) are field bounds this parser pushed, inside
        // `scratch` or `data`.
        if self.in_scratch {
            std::str::from_utf8(&self.scratch[a..b]).unwrap_or("")
        } else {
            match self.text {
                Some(text) => text.get(a..b).unwrap_or(""),
                None => std::str::from_utf8(&self.data[a..b]).unwrap_or(""),
            }
        }
    }

    /// Where field `i` of the current record starts, counted from the
    /// record's start; `None` when the record has quotes (its fields are
    /// unescaped copies, not slices of the text) or no field `i`.
    pub fn field_offset(&self, i: usize) -> Option<usize> {
        if self.in_scratch {
            return None;
        }
        self.fields.get(i).map(|&(a, _)| a - self.start)
    }

    /// Every field of the current record.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Byte offset of the next record.
    pub fn position(&self) -> usize {
        self.pos.min(self.data.len())
    }
}

/// The field of a record without quotes that starts at `start` of `data`:
/// up to the next comma or the end of its line, split as
/// [`Records::next_record`] splits it.
pub(crate) fn field_at(data: &[u8], start: usize) -> &[u8] {
    let rest = data.get(start..).unwrap_or_default();
    match memchr2(b',', b'\n', rest) {
        // cannot fail: memchr2 gives a position inside `rest`.
        Some(i) if rest[i] == b',' => &rest[..i],
        found => {
            let end = found.unwrap_or(rest.len());
            // cannot fail: `end` is at most `rest.len()`.
            let line = &rest[..end];
            line.strip_suffix(b"\r").unwrap_or(line)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<Vec<String>> {
        let mut r = Records::new(text.as_bytes());
        let mut out = Vec::new();
        while let Next::Record(_) = r.next_record() {
            out.push(r.iter().map(str::to_string).collect());
        }
        out
    }

    /// Every step of reading `data`, with the fields of each record.
    fn steps(mut r: Records<'_>) -> Vec<(Next, Vec<String>)> {
        let mut out = Vec::new();
        loop {
            let step = r.next_record();
            out.push((step, r.iter().map(str::to_string).collect()));
            if matches!(step, Next::End | Next::Unclosed(_)) {
                return out;
            }
        }
    }

    #[test]
    fn a_lazy_reader_reads_what_a_checking_one_does() {
        let texts: [&[u8]; 4] = [
            b"id,kind\na,b\n\nc,d",
            b"id,kind\n\xFF,b\nc,\"q\"\"\"\n",
            b"\"x\ny\",z\r\nlast,\xC3\xA9\n",
            b"a,b\n\"never closed\n",
        ];
        for text in texts {
            let lazy = steps(Records::lazy(text));
            assert_eq!(lazy, steps(Records::new(text)), "{text:?}");
            assert!(lazy.len() >= 2, "{text:?} has records");
        }
        let bad = steps(Records::lazy(b"id,kind\n\xFF,b\n"));
        assert_eq!(bad.get(1).map(|s| s.0), Some(Next::NotUtf8(8)));
    }

    #[test]
    fn splits_plain_rows_and_skips_blank_lines() {
        assert_eq!(
            all("a,b,c\n\n1,,3\r\n\r\nx,y,z"),
            [vec!["a", "b", "c"], vec!["1", "", "3"], vec!["x", "y", "z"]]
        );
    }

    #[test]
    fn unescapes_quoted_fields_across_lines() {
        assert_eq!(
            all("\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\"\nnext,\"\",end\n"),
            [
                vec!["a,b", "say \"hi\"", "two\r\nlines"],
                vec!["next", "", "end"]
            ]
        );
    }

    #[test]
    fn a_field_found_by_its_offset_is_the_field_split() {
        let text = "a,b\r\nc\r,dd\r\ne,\r\r\nlast,f\r";
        let mut r = Records::new(text.as_bytes());
        while let Next::Record(at) = r.next_record() {
            for i in 0..r.len() {
                let offset = r.field_offset(i).expect("no quotes");
                assert_eq!(field_at(text.as_bytes(), at + offset), r.get(i).as_bytes());
            }
        }
        let mut quoted = Records::new(b"\"a\",b\n");
        assert_eq!(quoted.next_record(), Next::Record(0));
        assert_eq!(quoted.field_offset(1), None);
    }

    #[test]
    fn reports_an_unclosed_quote() {
        let mut r = Records::new(b"a,b\n\"open,c\nd\n");
        assert_eq!(r.next_record(), Next::Record(0));
        assert_eq!(r.next_record(), Next::Unclosed(4));
        assert_eq!(r.next_record(), Next::End);
    }

    #[test]
    fn reports_a_record_that_is_not_utf8() {
        let mut r = Records::new(b"a,b\nc,\xff\ne,f\n");
        assert_eq!(r.next_record(), Next::Record(0));
        assert_eq!(r.next_record(), Next::NotUtf8(4));
        assert_eq!(r.next_record(), Next::Record(8));
        assert_eq!(r.get(1), "f");
    }
}
