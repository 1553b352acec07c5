//! The lexer: query text to tokens with byte spans.
//!
//! Keywords are not tokens of their own: they are identifiers the parser
//! compares without case, so a backquoted `` `MATCH` `` stays a name.
//! `<`, `>` and `-` are single tokens so the parser can read both `a < -1`
//! and `(a)<-[r]-(b)`.

use super::error::{Code, QueryError, Span};

/// A token's kind and payload.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A name or keyword; `quoted` when written in backquotes.
    Ident {
        /// The name.
        name: String,
        /// Written as `` `name` ``: never a keyword.
        quoted: bool,
    },
    /// An integer literal's magnitude (the sign is an operator).
    Int(u64),
    /// Digits that do not make a number (`0x`, `12ab`). The parser reports
    /// it as a bad number where it expects a value, and as unexpected text
    /// elsewhere (a map key cannot start with a digit).
    BadNumber {
        /// The text.
        text: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A float literal.
    Float(f64),
    /// A string literal, escapes resolved.
    Str(String),
    /// `$name` or `$0`.
    Param(String),
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `,`
    Comma,
    /// `.`
    Dot,
    /// `..`
    DotDot,
    /// `:`
    Colon,
    /// `;`
    Semi,
    /// `|`
    Pipe,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `/`
    Slash,
    /// `%`
    Percent,
    /// `^`
    Caret,
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `>=`
    Ge,
    /// `=~`
    Regex,
    /// `+=`
    PlusEq,
    /// The end of the text.
    Eof,
}

impl Tok {
    /// How the token is shown in "expected …, found …".
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident { name, .. } => format!("`{name}`"),
            Tok::Int(i) => format!("`{i}`"),
            Tok::BadNumber { text, .. } => format!("`{text}`"),
            Tok::Float(f) => format!("`{f}`"),
            Tok::Str(_) => "a string".into(),
            Tok::Param(p) => format!("`${p}`"),
            Tok::Eof => "the end of the query".into(),
            other => format!("`{}`", other.symbol()),
        }
    }

    fn symbol(&self) -> &'static str {
        match self {
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::Comma => ",",
            Tok::Dot => ".",
            Tok::DotDot => "..",
            Tok::Colon => ":",
            Tok::Semi => ";",
            Tok::Pipe => "|",
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::Percent => "%",
            Tok::Caret => "^",
            Tok::Eq => "=",
            Tok::Ne => "<>",
            Tok::Lt => "<",
            Tok::Gt => ">",
            Tok::Le => "<=",
            Tok::Ge => ">=",
            Tok::Regex => "=~",
            Tok::PlusEq => "+=",
            _ => "",
        }
    }
}

/// A token and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// What it is.
    pub tok: Tok,
    /// Where it is.
    pub span: Span,
}

/// Splits a query into tokens, ending with [`Tok::Eof`].
pub fn lex(text: &str) -> Result<Vec<Token>, QueryError> {
    let mut lx = Lexer {
        text,
        pos: 0,
        out: Vec::new(),
    };
    lx.run()?;
    Ok(lx.out)
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    out: Vec<Token>,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn peek2(&self) -> Option<char> {
        let mut it = self.text[self.pos..].chars();
        it.next();
        it.next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn push(&mut self, tok: Tok, start: usize) {
        self.out.push(Token {
            tok,
            span: Span::new(start, self.pos),
        });
    }

    fn run(&mut self) -> Result<(), QueryError> {
        loop {
            self.skip_space()?;
            let start = self.pos;
            let Some(c) = self.bump() else {
                self.push(Tok::Eof, start);
                return Ok(());
            };
            let tok = match c {
                '(' => Tok::LParen,
                ')' => Tok::RParen,
                '[' => Tok::LBracket,
                ']' => Tok::RBracket,
                '{' => Tok::LBrace,
                '}' => Tok::RBrace,
                ',' => Tok::Comma,
                ':' => Tok::Colon,
                ';' => Tok::Semi,
                '|' => Tok::Pipe,
                '-' => Tok::Minus,
                '*' => Tok::Star,
                '/' => Tok::Slash,
                '%' => Tok::Percent,
                '^' => Tok::Caret,
                '+' if self.peek() == Some('=') => {
                    self.bump();
                    Tok::PlusEq
                }
                '+' => Tok::Plus,
                '=' if self.peek() == Some('~') => {
                    self.bump();
                    Tok::Regex
                }
                '=' => Tok::Eq,
                '<' if self.peek() == Some('>') => {
                    self.bump();
                    Tok::Ne
                }
                '<' if self.peek() == Some('=') => {
                    self.bump();
                    Tok::Le
                }
                '<' => Tok::Lt,
                '>' if self.peek() == Some('=') => {
                    self.bump();
                    Tok::Ge
                }
                '>' => Tok::Gt,
                '.' if self.peek() == Some('.') => {
                    self.bump();
                    Tok::DotDot
                }
                '.' if self.peek().is_some_and(|d| d.is_ascii_digit()) => {
                    self.pos = start;
                    self.number()?
                }
                '.' => Tok::Dot,
                '\'' | '"' => Tok::Str(self.string(c, start)?),
                '`' => self.quoted_ident(start)?,
                '$' => self.param(start)?,
                d if d.is_ascii_digit() => {
                    self.pos = start;
                    self.number()?
                }
                c if is_ident_start(c) => {
                    while self.peek().is_some_and(is_ident_char) {
                        self.bump();
                    }
                    Tok::Ident {
                        name: self.text[start..self.pos].to_string(),
                        quoted: false,
                    }
                }
                other => {
                    // A dash or quote from a word processor, say.
                    let code = if other.is_ascii() {
                        Code::UnexpectedSyntax
                    } else {
                        Code::InvalidUnicodeCharacter
                    };
                    return Err(QueryError::syntax(
                        code,
                        Span::new(start, self.pos),
                        format!("unexpected character `{other}`"),
                    ));
                }
            };
            self.push(tok, start);
        }
    }

    fn skip_space(&mut self) -> Result<(), QueryError> {
        loop {
            match self.peek() {
                Some(c) if c.is_whitespace() => {
                    self.bump();
                }
                Some('/') if self.peek2() == Some('/') => {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                }
                Some('/') if self.peek2() == Some('*') => {
                    let start = self.pos;
                    match self.text[self.pos + 2..].find("*/") {
                        Some(end) => self.pos += 2 + end + 2,
                        None => {
                            return Err(QueryError::syntax(
                                Code::UnexpectedSyntax,
                                Span::new(start, start + 2),
                                "a comment is never closed: expected `*/`",
                            ));
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn param(&mut self, start: usize) -> Result<Tok, QueryError> {
        if self.peek() == Some('`') {
            let name_start = self.pos;
            self.bump();
            if let Tok::Ident { name, .. } = self.quoted_ident(name_start)? {
                return Ok(Tok::Param(name));
            }
        }
        let name_start = self.pos;
        while self.peek().is_some_and(is_ident_char) {
            self.bump();
        }
        if name_start == self.pos {
            return Err(QueryError::syntax(
                Code::UnexpectedSyntax,
                Span::new(start, self.pos),
                "expected a parameter name after `$`",
            ));
        }
        Ok(Tok::Param(self.text[name_start..self.pos].to_string()))
    }

    fn quoted_ident(&mut self, start: usize) -> Result<Tok, QueryError> {
        let mut name = String::new();
        loop {
            match self.bump() {
                Some('`') if self.peek() == Some('`') => {
                    self.bump();
                    name.push('`');
                }
                Some('`') => break,
                Some(c) => name.push(c),
                None => {
                    return Err(QueryError::syntax(
                        Code::UnexpectedSyntax,
                        Span::new(start, self.pos),
                        "a backquoted name is never closed: expected a closing backquote",
                    ));
                }
            }
        }
        Ok(Tok::Ident { name, quoted: true })
    }

    fn string(&mut self, quote: char, start: usize) -> Result<String, QueryError> {
        let mut s = String::new();
        loop {
            let Some(c) = self.bump() else {
                return Err(QueryError::syntax(
                    Code::UnexpectedSyntax,
                    Span::new(start, self.pos),
                    format!("a string is never closed: expected a closing {quote}"),
                ));
            };
            if c == quote {
                return Ok(s);
            }
            if c != '\\' {
                s.push(c);
                continue;
            }
            let esc_start = self.pos - 1;
            match self.bump() {
                Some('\\') => s.push('\\'),
                Some('\'') => s.push('\''),
                Some('"') => s.push('"'),
                Some('b') | Some('B') => s.push('\u{8}'),
                Some('f') | Some('F') => s.push('\u{c}'),
                Some('n') | Some('N') => s.push('\n'),
                Some('r') | Some('R') => s.push('\r'),
                Some('t') | Some('T') => s.push('\t'),
                Some(u @ ('u' | 'U')) => {
                    let len = if u == 'u' { 4 } else { 8 };
                    let digits: String = self.text[self.pos..].chars().take(len).collect();
                    let ok = digits.len() == len && digits.chars().all(|d| d.is_ascii_hexdigit());
                    let ch = ok
                        .then(|| u32::from_str_radix(&digits, 16).ok())
                        .flatten()
                        .and_then(char::from_u32);
                    match ch {
                        Some(ch) => {
                            self.pos += len;
                            s.push(ch);
                        }
                        None => {
                            return Err(QueryError::syntax(
                                Code::InvalidUnicodeLiteral,
                                Span::new(esc_start, self.pos),
                                format!(
                                    "invalid unicode escape: expected `\\{u}` and {len} hex digits"
                                ),
                            ));
                        }
                    }
                }
                Some(other) => {
                    s.push('\\');
                    s.push(other);
                }
                None => {}
            }
        }
    }

    fn number(&mut self) -> Result<Tok, QueryError> {
        let start = self.pos;
        let rest = &self.text[start..];
        let text = self.text;
        let invalid = |end: usize, reason: &'static str| -> Result<Tok, QueryError> {
            Ok(Tok::BadNumber {
                text: text[start..end].to_string(),
                reason,
            })
        };
        // Hexadecimal and octal integers.
        let radix = if rest.starts_with("0x") {
            Some(16)
        } else if rest.starts_with("0o") {
            Some(8)
        } else {
            None
        };
        if let Some(radix) = radix {
            self.pos += 2;
            let digits_start = self.pos;
            while self.peek().is_some_and(is_ident_char) {
                self.bump();
            }
            let digits = &self.text[digits_start..self.pos];
            if digits.is_empty() {
                return invalid(self.pos, "expected digits after the prefix");
            }
            if !digits.chars().all(|d| d.is_digit(radix)) {
                return invalid(self.pos, "a digit is not valid in this base");
            }
            return match u64::from_str_radix(digits, radix) {
                Ok(v) => Ok(Tok::Int(v)),
                Err(_) => Err(QueryError::syntax(
                    Code::IntegerOverflow,
                    Span::new(start, self.pos),
                    "integer literal is too large for a 64-bit integer",
                )),
            };
        }
        let digits = |lx: &mut Self| {
            while lx.peek().is_some_and(|d| d.is_ascii_digit()) {
                lx.bump();
            }
        };
        digits(self);
        let mut float = false;
        if self.peek() == Some('.') && self.peek2().is_some_and(|d| d.is_ascii_digit()) {
            float = true;
            self.bump();
            digits(self);
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let save = self.pos;
            self.bump();
            if matches!(self.peek(), Some('-' | '+')) {
                self.bump();
            }
            if self.peek().is_some_and(|d| d.is_ascii_digit()) {
                float = true;
                digits(self);
            } else {
                self.pos = save;
            }
        }
        if self.peek().is_some_and(is_ident_char) {
            while self.peek().is_some_and(is_ident_char) {
                self.bump();
            }
            return invalid(self.pos, "a number cannot run into letters");
        }
        let text = &self.text[start..self.pos];
        if float {
            let Ok(v) = text.parse::<f64>() else {
                return invalid(self.pos, "not a float");
            };
            if v.is_infinite() {
                return Err(QueryError::syntax(
                    Code::FloatingPointOverflow,
                    Span::new(start, self.pos),
                    "float literal is too large for a 64-bit float",
                ));
            }
            Ok(Tok::Float(v))
        } else {
            text.parse::<u64>().map(Tok::Int).map_err(|_| {
                QueryError::syntax(
                    Code::IntegerOverflow,
                    Span::new(start, self.pos),
                    "integer literal is too large for a 64-bit integer",
                )
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<Tok> {
        lex(text)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn arrows_are_single_characters() {
        assert_eq!(
            toks("<-->"),
            [Tok::Lt, Tok::Minus, Tok::Minus, Tok::Gt, Tok::Eof]
        );
    }

    #[test]
    fn ranges_are_not_floats() {
        assert_eq!(
            toks("1..3"),
            [Tok::Int(1), Tok::DotDot, Tok::Int(3), Tok::Eof]
        );
        assert_eq!(toks(".5"), [Tok::Float(0.5), Tok::Eof]);
    }

    #[test]
    fn literals_and_escapes() {
        assert_eq!(toks("0x1F 0o17"), [Tok::Int(31), Tok::Int(15), Tok::Eof]);
        assert_eq!(toks(r"'a\'b\u0041'"), [Tok::Str("a'bA".into()), Tok::Eof]);
        assert!(matches!(toks("0x")[0], Tok::BadNumber { .. }));
        assert!(matches!(toks("12ab")[0], Tok::BadNumber { .. }));
        assert!(lex("'open").is_err());
    }
}
