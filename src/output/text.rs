//! Text from a graph or a user, made fit for a terminal: escaped where it
//! could steer the terminal, cut where it would swamp it, and styled when
//! the terminal shows colour.

use std::fmt::Write as _;

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
    fn shorten_cuts_with_an_ellipsis() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abcd", 4), "abcd");
    }
}
