//! Where a thing was written: a byte range of a text.
//!
//! One type for every text seccoop reads: a graph file, a row of a bulk
//! input, a query. Errors carry spans as data and are drawn with the line,
//! the column and a caret only when shown.

use std::ops::Range;

/// A byte range of a text: a graph file, a bulk row, a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// The first byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The range `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span holding both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<Range<usize>> for Span {
    fn from(r: Range<usize>) -> Self {
        Span::new(r.start, r.end)
    }
}
