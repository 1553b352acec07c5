//! Query errors: what is wrong with a query, and exactly where.
//!
//! A [`QueryError`] carries the byte [`Span`] of the offending text. It does
//! not hold the query itself; [`QueryError::report`] pairs it with the text
//! so miette can draw the line with a caret under the spot, the way load
//! errors are drawn.

use std::fmt;

use miette::{LabeledSpan, SourceCode};

/// How the message of a query stopped at the row limit ends.
pub(crate) const ROWS_STOPPED: &str = ", so the query was stopped";

/// How the message of a query stopped at the time limit ends.
pub(crate) const TIME_STOPPED: &str = ", so the query was stopped: its answer would be incomplete";

pub use crate::model::Span;

/// The fine-grained reason of an error, named as the openCypher TCK names it
/// (`UndefinedVariable`, `InvalidArgumentType`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // The names are the TCK's; each variant's use is its name.
pub enum Code {
    UnexpectedSyntax,
    InvalidNumberLiteral,
    IntegerOverflow,
    FloatingPointOverflow,
    InvalidUnicodeLiteral,
    InvalidUnicodeCharacter,
    DifferentColumnsInUnion,
    ProcedureNotFound,
    InvalidNumberOfArguments,
    InvalidArgumentPassingMode,
    MissingParameter,
    InvalidClauseComposition,
    UndefinedVariable,
    VariableAlreadyBound,
    VariableTypeConflict,
    RelationshipUniquenessViolation,
    InvalidRelationshipPattern,
    InvalidParameterUse,
    ColumnNameConflict,
    NoVariablesInScope,
    NoExpressionAlias,
    NonConstantExpression,
    NegativeIntegerArgument,
    InvalidArgumentType,
    InvalidAggregation,
    NestedAggregation,
    AmbiguousAggregationExpression,
    UnknownFunction,
    InvalidArgumentValue,
    NumberOutOfRange,
    MapElementAccessByNonString,
    ListElementAccessByNonInteger,
    InvalidElementAccess,
    DivisionByZero,
    Overflow,
    TooDeep,
    /// A resource limit of the run (hops, rows) was reached.
    LimitReached,
    Unsupported,
    ReadOnly,
}

/// What is wrong with a query.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QueryError {
    /// The text does not parse.
    #[error("syntax error: {message}")]
    Syntax {
        /// What was found, and what was expected instead.
        message: String,
        /// The TCK's name for it.
        code: Code,
        /// Where.
        span: Span,
    },
    /// The query parses but cannot run: an undefined variable, a misplaced
    /// aggregation, a clause seccoop does not offer.
    #[error("{message}")]
    Semantic {
        /// What is wrong.
        message: String,
        /// What to do about it.
        help: Option<String>,
        /// The TCK's name for it.
        code: Code,
        /// Where.
        span: Span,
    },
    /// A value of the wrong type at run time (`toUpper(1)`).
    #[error("{message}")]
    Type {
        /// What is wrong.
        message: String,
        /// The TCK's name for it.
        code: Code,
        /// Where.
        span: Span,
    },
    /// A value of the right type that a function cannot take (`range(1, 5, 0)`).
    #[error("{message}")]
    Argument {
        /// What is wrong.
        message: String,
        /// The TCK's name for it.
        code: Code,
        /// Where.
        span: Span,
    },
    /// Integer overflow or division by zero.
    #[error("{message}")]
    Arithmetic {
        /// What is wrong.
        message: String,
        /// Where.
        span: Span,
    },
    /// `$name` was used but no `--param name=…` given.
    #[error("missing parameter `${name}`")]
    MissingParameter {
        /// The parameter's name.
        name: String,
        /// Where it is used.
        span: Span,
    },
}

/// The class of an error, as the openCypher TCK names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// `SyntaxError`: both syntax and compile-time semantic errors.
    Syntax,
    /// `TypeError`.
    Type,
    /// `ArgumentError`.
    Argument,
    /// `ArithmeticError`.
    Arithmetic,
    /// `ParameterMissing`.
    ParameterMissing,
}

impl QueryError {
    /// A syntax error.
    pub fn syntax(code: Code, span: Span, message: impl Into<String>) -> Self {
        QueryError::Syntax {
            message: message.into(),
            code,
            span,
        }
    }

    /// A compile-time semantic error.
    pub fn semantic(code: Code, span: Span, message: impl Into<String>) -> Self {
        QueryError::Semantic {
            message: message.into(),
            help: None,
            code,
            span,
        }
    }

    /// A run-time type error.
    pub fn type_error(code: Code, span: Span, message: impl Into<String>) -> Self {
        QueryError::Type {
            message: message.into(),
            code,
            span,
        }
    }

    /// A run-time argument error.
    pub fn argument(code: Code, span: Span, message: impl Into<String>) -> Self {
        QueryError::Argument {
            message: message.into(),
            code,
            span,
        }
    }

    /// An arithmetic error.
    pub fn arithmetic(span: Span, message: impl Into<String>) -> Self {
        QueryError::Arithmetic {
            message: message.into(),
            span,
        }
    }

    /// The same error with a help line (semantic errors only).
    pub fn with_help(mut self, text: impl Into<String>) -> Self {
        if let QueryError::Semantic { help, .. } = &mut self {
            *help = Some(text.into());
        }
        self
    }

    /// Where in the query the error is.
    pub fn span(&self) -> Span {
        match self {
            QueryError::Syntax { span, .. }
            | QueryError::Semantic { span, .. }
            | QueryError::Type { span, .. }
            | QueryError::Argument { span, .. }
            | QueryError::Arithmetic { span, .. }
            | QueryError::MissingParameter { span, .. } => *span,
        }
    }

    /// The TCK's name for the reason.
    pub fn code(&self) -> Option<Code> {
        match self {
            QueryError::Syntax { code, .. }
            | QueryError::Semantic { code, .. }
            | QueryError::Type { code, .. }
            | QueryError::Argument { code, .. } => Some(*code),
            QueryError::MissingParameter { .. } => Some(Code::MissingParameter),
            QueryError::Arithmetic { .. } => None,
        }
    }

    /// The TCK's class of the error.
    pub fn category(&self) -> Category {
        match self {
            QueryError::Syntax { .. } | QueryError::Semantic { .. } => Category::Syntax,
            QueryError::Type { .. } => Category::Type,
            QueryError::Argument { .. } => Category::Argument,
            QueryError::Arithmetic { .. } => Category::Arithmetic,
            QueryError::MissingParameter { .. } => Category::ParameterMissing,
        }
    }

    /// What to do about the error.
    pub fn help(&self) -> Option<String> {
        match self {
            QueryError::Semantic { help, .. } => help.clone(),
            QueryError::MissingParameter { name, .. } => {
                Some(format!("pass it with `--param {name}=VALUE`"))
            }
            QueryError::Syntax {
                code: Code::TooDeep,
                ..
            } => Some("write the expression with fewer nested brackets".into()),
            QueryError::Argument {
                code: Code::LimitReached,
                message,
                ..
            } if message.ends_with(TIME_STOPPED) => Some(
                "raise the limit with --timeout SECONDS (0: none), or bound the variable-length \
                 patterns (`-[*..4]-`): the number of paths grows exponentially with their length"
                    .into(),
            ),
            QueryError::Argument {
                code: Code::LimitReached,
                message,
                ..
            } if message.ends_with(ROWS_STOPPED) => Some(
                "raise the limit with --max-rows, or narrow the MATCH with labels, properties \
                 and bounded variable-length patterns (`-[*..3]-`)"
                    .into(),
            ),
            QueryError::Argument {
                code: Code::LimitReached,
                ..
            } => Some(
                "raise --max-hops (or leave it out: without it `*` walks every path), or give \
                 the pattern an upper bound (`-[*..20]-`)"
                    .into(),
            ),
            _ => None,
        }
    }

    /// The 1-based line and column (in characters) of the error in `text`.
    pub fn line_col(&self, text: &str) -> (usize, usize) {
        line_col(text, self.span().start)
    }

    /// The error paired with the query text, ready for miette to draw.
    pub fn report(&self, name: &str, text: &str) -> Report {
        let label = match self {
            QueryError::Syntax { .. } => "here",
            QueryError::Semantic { .. } => "this",
            _ => "while evaluating this",
        };
        Report::new(
            name,
            text,
            self.to_string(),
            self.help(),
            self.span(),
            label,
        )
    }
}

/// The 1-based line and column (in characters) of a byte offset of `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let offset = (0..=offset)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// A message about a span of a query, with the query text, drawn by miette
/// the way load errors are: the location, the line, a caret, the help.
#[derive(Debug)]
pub struct Report {
    message: String,
    help: Option<String>,
    span: Span,
    label: &'static str,
    severity: miette::Severity,
    source: miette::NamedSource<String>,
}

impl Report {
    /// An error report.
    pub fn new(
        name: &str,
        text: &str,
        message: String,
        help: Option<String>,
        span: Span,
        label: &'static str,
    ) -> Self {
        Report {
            message,
            help,
            span,
            label,
            severity: miette::Severity::Error,
            source: miette::NamedSource::new(name, text.to_string()),
        }
    }

    /// The same report as a warning.
    pub fn warning(mut self) -> Self {
        self.severity = miette::Severity::Warning;
        self
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some(self.label.to_string()),
            self.span.start,
            self.span.end.saturating_sub(self.span.start),
        ))))
    }
}
