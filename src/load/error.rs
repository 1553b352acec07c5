//! Load errors: what is wrong with a graph file, and exactly where.
//!
//! A [`LoadError`] is data: the file, the byte span, and a structured
//! [`LoadErrorKind`]. It implements [`miette::Diagnostic`] so the command line
//! draws the source line with a caret under the spot; [`LoadError::location`]
//! gives the same position as line and column for JSON output.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use miette::{LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::model::Span;

/// The text of a graph file and the name it is shown under.
///
/// For bulk files (CSV, JSON Lines) that run to millions of lines, an error
/// holds only the offending row: `text` is that row and `line_offset` the
/// number of lines of the file before it, so positions and snippets still
/// show the row's real line number without a copy of the whole file.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user typed it, or a name such as `<embedded>`.
    pub name: String,
    /// The file's text (invalid UTF-8 replaced, for display only).
    pub text: String,
    /// How many lines of the file come before `text` (0 for a whole file).
    pub line_offset: usize,
    /// Byte offsets where lines start, built on first use: a file with a
    /// million problems would otherwise be scanned from its start for each.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    /// A whole file.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
            line_offset: 0,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    /// An excerpt of a file: `text` starts at 1-based line `line`.
    pub fn excerpt(name: impl Into<String>, text: impl Into<String>, line: usize) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
            line_offset: line.saturating_sub(1),
            line_starts: std::sync::OnceLock::new(),
        }
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.char_boundary(offset);
        let index = self.line_index(offset);
        let start = self.line_start(index);
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |t| t.chars().count())
            + 1;
        (index + 1 + self.line_offset, column)
    }

    /// `offset`, moved back to a character boundary inside the text.
    fn char_boundary(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        (0..=offset)
            .rev()
            .find(|&i| self.text.is_char_boundary(i))
            .unwrap_or(0)
    }

    /// Byte offsets where the lines of `text` start.
    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// The 0-based line of `text` that holds `offset`.
    fn line_index(&self, offset: usize) -> usize {
        // The first start is 0, so at least one start is <= offset.
        self.line_starts()
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// Where 0-based line `index` starts (the end of the text past the last).
    fn line_start(&self, index: usize) -> usize {
        self.line_starts()
            .get(index)
            .copied()
            .unwrap_or(self.text.len())
    }
}

/// Reads the lines around a span through the line index, without scanning
/// the text from its start (as `str`'s implementation does).
impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span.offset();
        let end = start.saturating_add(span.len());
        if end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self
            .line_index(self.char_boundary(start))
            .saturating_sub(context_lines_before);
        // A span that ends right after a line break ends on that line.
        let last_offset = if end > start { end - 1 } else { end };
        let last = self.line_index(self.char_boundary(last_offset));
        let last = last.saturating_add(context_lines_after);
        let data_start = self.line_start(first);
        let data_end = self.line_start(last.saturating_add(1));
        let data = self.text.get(data_start..data_end).unwrap_or("");
        let column = if context_lines_before == 0 {
            self.text
                .get(data_start..self.char_boundary(start))
                .map_or(0, |t| t.chars().count())
        } else {
            0
        };
        let (data, data_start) = if context_lines_before == 0 {
            let from = self.char_boundary(start);
            (self.text.get(from..data_end).unwrap_or(""), from)
        } else {
            (data, data_start)
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data.as_bytes(),
            SourceSpan::from((data_start, data.len())),
            first + self.line_offset,
            column,
            last.saturating_sub(first) + 1,
        )))
    }
}

/// A place in a file: its name, line and column (1-based).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    /// The file's name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// What is wrong with a graph file.
#[derive(Debug, thiserror::Error)]
pub enum LoadErrorKind {
    /// The file could not be read.
    #[error("cannot read `{}`: {reason}", path.display())]
    Read {
        /// The file, as given on the command line.
        path: PathBuf,
        /// The operating system's reason, lowercased.
        reason: String,
        /// The underlying error (its text is `reason`, so it is not shown again).
        io: std::io::Error,
    },
    /// The path names a directory.
    #[error("`{}` is a directory, not a graph file", path.display())]
    IsDirectory {
        /// The directory, as given (a folder without `nodes.csv`).
        path: PathBuf,
    },
    /// The path names a FIFO, socket or device: reading one could wait
    /// forever (a FIFO with no writer) or never end (`/dev/zero`).
    #[error("`{}` is a {what}, not a graph file", path.display())]
    NotAFile {
        /// The special file, as given.
        path: PathBuf,
        /// What it is (`FIFO`, `socket`, `device`).
        what: &'static str,
    },
    /// The file is not UTF-8 text.
    #[error("the file is not valid UTF-8 text (first bad byte at offset {offset})")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The TOML or JSON does not parse.
    #[error("syntax error: {message}")]
    Syntax {
        /// What the parser expected or found, in its words.
        message: String,
        /// `TOML` or `JSON`.
        format: &'static str,
    },
    /// A value has the wrong type.
    #[error("`{field}` must be {expected}, not {found}")]
    WrongType {
        /// The key.
        field: String,
        /// What it must be.
        expected: &'static str,
        /// What it is.
        found: &'static str,
    },
    /// A required field is absent.
    #[error("{what} has no `{field}`")]
    MissingField {
        /// The missing key.
        field: &'static str,
        /// What lacks it (`node`, `edge`, …).
        what: &'static str,
        /// A key that looks like a misspelling of it.
        near: Option<String>,
    },
    /// A key that this table does not take.
    #[error("unknown key `{field}` in {what}")]
    UnknownField {
        /// The key.
        field: String,
        /// Where it was written (`the top level`, `a relation`, …).
        what: &'static str,
        /// The keys allowed there.
        allowed: &'static [&'static str],
        /// The nearest allowed key.
        suggestion: Option<String>,
    },
    /// A string that must not be empty is empty, or holds control characters.
    #[error("`{field}` {problem}")]
    BadText {
        /// The key.
        field: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A value outside its allowed set (`basis = "maybe"`).
    #[error("`{field}` cannot be `{value}`")]
    BadValue {
        /// The key.
        field: &'static str,
        /// The value given.
        value: String,
        /// The values allowed.
        allowed: Vec<String>,
        /// The nearest allowed value.
        suggestion: Option<String>,
    },
    /// Two nodes share an id.
    #[error("duplicate node id `{id}`")]
    DuplicateId {
        /// The id defined twice; this error is at its second definition.
        id: String,
        /// Where it was first defined.
        first: Option<Location>,
    },
    /// Two sources share an id.
    #[error("duplicate source id `{id}`")]
    DuplicateSource {
        /// The source id declared twice.
        id: String,
    },
    /// The same edge twice.
    #[error("duplicate edge `{from}` -{rel}-> `{to}`")]
    DuplicateEdge {
        /// The id of the node it starts at.
        from: String,
        /// The relation's name.
        rel: String,
        /// The id of the node it ends at.
        to: String,
        /// Where it was first written.
        first: Option<Location>,
    },
    /// A kind the schema does not declare.
    #[error("unknown kind `{kind}`")]
    UnknownKind {
        /// The kind.
        kind: String,
        /// The nearest declared kind.
        suggestion: Option<String>,
        /// Every declared kind.
        known: Vec<String>,
    },
    /// A relation the schema does not declare.
    #[error("unknown relation `{rel}`")]
    UnknownRelation {
        /// The relation.
        rel: String,
        /// The nearest declared relation.
        suggestion: Option<String>,
        /// Every declared relation.
        known: Vec<String>,
    },
    /// A rule of the schema cannot work as written.
    #[error("{problem}")]
    Rule {
        /// What is wrong with it.
        problem: crate::reason::RuleProblem,
    },
    /// An edge names a node that no file defines.
    #[error("edge {end} `{id}` is not a node of the graph")]
    UnknownNode {
        /// `from` or `to`.
        end: &'static str,
        /// The id.
        id: String,
        /// The nearest node id.
        suggestion: Option<String>,
    },
    /// A provenance entry names an undeclared source.
    #[error("unknown source `{source_id}`")]
    UnknownSource {
        /// The source id.
        source_id: String,
        /// The nearest declared source.
        suggestion: Option<String>,
    },
    /// The schema does not allow the relation between these kinds.
    #[error("`{rel}` cannot go from {from_kind} `{from}` to {to_kind} `{to}`")]
    ForbiddenEndpoints {
        /// The relation.
        rel: String,
        /// The `from` node.
        from: String,
        /// Its kind.
        from_kind: String,
        /// The `to` node.
        to: String,
        /// Its kind.
        to_kind: String,
        /// Kinds allowed at `from`.
        allowed_from: Vec<String>,
        /// Kinds allowed at `to`.
        allowed_to: Vec<String>,
    },
    /// Two schema definitions disagree.
    #[error(transparent)]
    Schema(#[from] crate::model::SchemaError),
    /// A CSV row with more or fewer fields than its header.
    #[error("the row has {found} field{}, the header has {expected}", if *found == 1 { "" } else { "s" })]
    FieldCount {
        /// Fields in the row.
        found: usize,
        /// Columns in the header.
        expected: usize,
    },
    /// A CSV header that cannot be read.
    #[error("{reason}")]
    BadHeader {
        /// What is wrong with it.
        reason: String,
        /// What to do.
        help: String,
    },
    /// A cell that does not hold a value of its column's type.
    #[error("column `{column}` must hold {expected}, not `{cell}`")]
    BadCell {
        /// The column's name, as in the header.
        column: String,
        /// What the column's type takes.
        expected: &'static str,
        /// The cell's text (shortened).
        cell: String,
    },
    /// A JSON Lines line that is neither a node, an edge nor a header record.
    #[error("{reason}")]
    BadRecord {
        /// What is wrong with it.
        reason: String,
    },
    /// A GraphML element or value that cannot be read.
    #[error("{reason}")]
    Markup {
        /// What is wrong with it.
        reason: String,
        /// What to do.
        help: String,
    },
    /// A CSV folder or JSON Lines file given together with TOML or JSON files.
    #[error("`{}` cannot be merged with TOML or JSON graph files", path.display())]
    MixedFormats {
        /// The bulk input.
        path: PathBuf,
    },
    /// A triple of a Turtle or N-Triples file that does not fit the graph
    /// model (see `load::rdf`).
    #[error("{reason}")]
    Triple {
        /// What is wrong with it.
        reason: String,
        /// What to do.
        help: String,
    },
    /// A snapshot that cannot be opened.
    #[error("cannot open the snapshot `{}`: {problem}", path.display())]
    Snapshot {
        /// The snapshot, as given.
        path: PathBuf,
        /// What is wrong with it.
        problem: super::snapshot::SnapshotError,
    },
    /// A snapshot given together with other graph files.
    #[error("`{}` is a snapshot, which is opened alone, not merged with other graph files", path.display())]
    SnapshotNotAlone {
        /// The snapshot.
        path: PathBuf,
    },
    /// More problems than are listed.
    #[error("… and {more} more problem{} not listed", if *more == 1 { "" } else { "s" })]
    TooMany {
        /// How many were left out.
        more: usize,
    },
}

/// A problem in a graph file, with its position.
#[derive(Debug)]
pub struct LoadError {
    /// The file, when the problem is inside one.
    pub file: Option<Arc<SourceFile>>,
    /// Where in the file.
    pub span: Option<Span>,
    /// What is wrong.
    pub kind: LoadErrorKind,
}

impl LoadError {
    /// A problem at a span of a file.
    pub fn at(file: &Arc<SourceFile>, span: Span, kind: LoadErrorKind) -> Self {
        LoadError {
            file: Some(Arc::clone(file)),
            span: Some(span),
            kind,
        }
    }

    /// A problem with no position (the file could not be read).
    pub fn bare(kind: LoadErrorKind) -> Self {
        LoadError {
            file: None,
            span: None,
            kind,
        }
    }

    /// The name of the file the problem is in or about, when there is one.
    pub fn file_name(&self) -> Option<String> {
        match &self.kind {
            LoadErrorKind::Read { path, .. }
            | LoadErrorKind::Snapshot { path, .. }
            | LoadErrorKind::SnapshotNotAlone { path }
            | LoadErrorKind::IsDirectory { path }
            | LoadErrorKind::NotAFile { path, .. } => Some(path.display().to_string()),
            _ => self.file.as_ref().map(|f| f.name.clone()),
        }
    }

    /// The file, line and column of the problem, when it has one.
    pub fn location(&self) -> Option<Location> {
        let file = self.file.as_ref()?;
        let span = self.span?;
        let (line, column) = file.line_col(span.start);
        Some(Location {
            file: file.name.clone(),
            line,
            column,
        })
    }

    /// What to do about the problem.
    pub fn help(&self) -> Option<String> {
        use LoadErrorKind as K;
        let did_you_mean = |s: &Option<String>| s.as_ref().map(|s| format!("did you mean `{s}`?"));
        match &self.kind {
            K::Read { io, .. } if io.kind() == std::io::ErrorKind::TimedOut => Some(
                "start the program that writes to it before seccoop, or save the graph to a \
                 regular file first"
                    .into(),
            ),
            K::Read { .. } => Some(
                "check the path; `-g FILE` takes a TOML or JSON graph file, a JSON Lines file \
                 (.jsonl), a CSV folder, or RDF as Turtle (.ttl) or N-Triples (.nt)"
                    .into(),
            ),
            K::IsDirectory { .. } => Some(
                "pass the graph file inside the directory, or a CSV folder that holds \
                 `nodes.csv` (and `edges.csv`)"
                    .into(),
            ),
            K::NotAFile { .. } => Some(
                "save the graph to a regular file first (for example `cat SOURCE > graph.toml`)"
                    .into(),
            ),
            K::NotUtf8 { .. } => Some("save the file as UTF-8 text".into()),
            K::Snapshot {
                path,
                problem: super::snapshot::SnapshotError::Foreign,
            } => Some(format!(
                "a graph file in another format is named by its extension (.toml, .json …); \
                 for a snapshot, convert again from the source: `seccoop convert SOURCE {}`",
                path.display()
            )),
            K::Snapshot { path, .. } => Some(format!(
                "convert again from the source: `seccoop convert SOURCE {}`",
                path.display()
            )),
            K::SnapshotNotAlone { path } => Some(format!(
                "convert the files together into one snapshot: `seccoop -g A -g B convert {}`",
                path.display()
            )),
            K::Syntax { format, .. } => Some(format!("fix the {format} syntax at the marked spot")),
            K::WrongType { expected, .. } => Some(format!("write {expected} here")),
            K::MissingField { field, near, .. } => Some(match near {
                Some(near) => format!("did you mean `{field}` instead of `{near}`?"),
                None => format!("add `{field} = …`"),
            }),
            K::UnknownField {
                suggestion,
                allowed,
                ..
            } => did_you_mean(suggestion)
                .or_else(|| Some(format!("allowed keys: {}", allowed.join(", ")))),
            K::BadText { .. } => Some("write plain text without control characters".into()),
            K::BadValue {
                suggestion,
                allowed,
                ..
            } => did_you_mean(suggestion)
                .or_else(|| Some(format!("use one of: {}", allowed.join(", ")))),
            K::DuplicateId { first, .. } => Some(match first {
                Some(first) => format!("first defined at {first}; give one of them another id"),
                None => "give one of them another id".into(),
            }),
            K::DuplicateSource { .. } => Some("give each source its own id".into()),
            K::DuplicateEdge { first, .. } => Some(match first {
                Some(first) => format!("first written at {first}; remove one of them"),
                None => "remove one of them".into(),
            }),
            K::UnknownKind {
                suggestion, known, ..
            } => did_you_mean(suggestion)
                .or_else(|| Some(format!("the schema declares: {}", known.join(", ")))),
            K::UnknownRelation {
                suggestion, known, ..
            } => did_you_mean(suggestion)
                .or_else(|| Some(format!("the schema declares: {}", known.join(", ")))),
            K::UnknownNode { suggestion, .. } => {
                did_you_mean(suggestion).or_else(|| Some("define the node, or fix the id".into()))
            }
            K::UnknownSource { suggestion, .. } => {
                did_you_mean(suggestion).or_else(|| Some("declare it under [[sources]]".into()))
            }
            K::ForbiddenEndpoints {
                rel,
                allowed_from,
                allowed_to,
                ..
            } => Some(format!(
                "`{rel}` goes from {} to {}",
                allowed_from.join(" or "),
                allowed_to.join(" or ")
            )),
            K::Schema(_) => Some("make the two definitions identical, or rename one".into()),
            K::Rule { problem } => Some(problem.help()),
            K::FieldCount { .. } => Some(
                "give every row as many fields as the header; quote a field that holds a comma"
                    .into(),
            ),
            K::BadHeader { help, .. } => Some(help.clone()),
            K::BadCell { expected, .. } => {
                Some(format!("write {expected}, or leave the cell empty"))
            }
            K::BadRecord { .. } => Some(
                "write one JSON object per line: a node (`id`, `kind`, `name`), an edge \
                 (`from`, `rel`, `to`), or a record with `\"type\"` `graph`, `source` or `schema`"
                    .into(),
            ),
            K::Markup { help, .. } => Some(help.clone()),
            K::MixedFormats { .. } => Some(
                "load CSV folders and JSON Lines files on their own, or turn the TOML or JSON \
                 files into JSON Lines with `seccoop convert FILE OUT.jsonl`"
                    .into(),
            ),
            K::Triple { help, .. } => Some(help.clone()),
            K::TooMany { .. } => Some("fix the problems listed, then check again".into()),
        }
    }

    fn label(&self) -> &'static str {
        use LoadErrorKind as K;
        match &self.kind {
            K::NotUtf8 { .. } => "invalid byte here",
            K::Syntax { .. } => "here",
            K::WrongType { .. } => "wrong type",
            K::MissingField { .. } => "in this entry",
            K::DuplicateId { .. } => "defined again here",
            K::DuplicateEdge { .. } => "written again here",
            K::ForbiddenEndpoints { .. } => "this edge",
            K::FieldCount { .. } => "this row",
            K::BadCell { .. } => "this cell",
            _ => "here",
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.kind)
    }
}

impl miette::Diagnostic for LoadError {
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        LoadError::help(self).map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.file.as_deref().map(|f| f as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        let len = span.end.saturating_sub(span.start);
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some(self.label().to_string()),
            span.start,
            len,
        ))))
    }
}

/// Every problem found while loading, in file order.
#[derive(Debug)]
pub struct LoadErrors(pub Vec<LoadError>);

/// How many problems a list stands for: a [`LoadErrorKind::TooMany`] entry
/// counts the problems it leaves out.
pub fn problem_count(errors: &[LoadError]) -> usize {
    errors
        .iter()
        .map(|e| match e.kind {
            LoadErrorKind::TooMany { more } => more,
            _ => 1,
        })
        .sum()
}

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match problem_count(&self.0) {
            1 => write!(f, "the graph has 1 problem"),
            n => write!(f, "the graph has {n} problems"),
        }
    }
}

impl std::error::Error for LoadErrors {}
