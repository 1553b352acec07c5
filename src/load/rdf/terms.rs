//! Where a triple's terms are written, the errors that point at them, and
//! the names and texts read from terms under the base.

use std::rc::Rc;

use oxrdf::vocab::rdf;
use oxrdf::{Term, TermRef, Triple};

use crate::format::rdf::{Space, decode as decode_name};
use crate::load::decode::{Spanned, text_problem};
use crate::load::error::{LoadError, LoadErrorKind as K};
use crate::model::Span;

use super::{Reader, describe, is_string};

impl<'a> Reader<'a> {
    /// Where a term of triple `i` is written: its text within the lines the
    /// triple was read from, else the last of those lines.
    pub(super) fn span_of(&self, i: usize, term: TermRef<'_>) -> Span {
        let text = self.file.text.as_str();
        let Some(located) = self.triples.get(i) else {
            return Span { start: 0, end: 0 };
        };
        let (start, end) = located.window;
        let window = text.get(start..end).unwrap_or("");
        let needle = match term {
            TermRef::NamedNode(n) => {
                let iri = n.as_str();
                let tail = iri.rsplit(['/', '#', ':']).next().unwrap_or(iri);
                if tail.is_empty() { iri } else { tail }
            }
            TermRef::BlankNode(b) => b.as_str(),
            TermRef::Literal(l) => l.value().lines().next().unwrap_or(""),
        };
        if !needle.is_empty() {
            let name_char = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '%');
            let found = window.rmatch_indices(needle).find(|&(at, _)| {
                let before = window[..at].chars().next_back();
                let after = window[at + needle.len()..].chars().next();
                !before.is_some_and(name_char) && !after.is_some_and(name_char)
            });
            if let Some((at, _)) = found {
                return Span {
                    start: start + at,
                    end: start + at + needle.len(),
                };
            }
        }
        // The last non-blank line of the window.
        let trimmed = window.trim_end();
        let line_start = trimmed.rfind('\n').map_or(0, |k| k + 1);
        let line = &trimmed[line_start..];
        let indent = line.len() - line.trim_start().len();
        Span {
            start: start + line_start + indent,
            end: start + trimmed.len(),
        }
    }

    pub(super) fn error(&mut self, i: usize, term: TermRef<'_>, reason: String, help: String) {
        let span = self.span_of(i, term);
        self.errors
            .push(LoadError::at(self.file, span, K::Triple { reason, help }));
    }

    pub(super) fn triple(&self, i: usize) -> Rc<Triple> {
        self.triples
            .get(i)
            .map(|t| Rc::clone(&t.triple))
            .unwrap_or_else(|| Rc::new(Triple::new(rdf::NIL, rdf::NIL, rdf::NIL)))
    }

    pub(super) fn unexpected(&mut self, i: usize, what: &str, allowed: &str) {
        let t = self.triple(i);
        self.error(
            i,
            t.predicate.as_ref().into(),
            format!(
                "`<{}>` is not a predicate seccoop reads on {what}",
                t.predicate.as_str()
            ),
            format!("{what} takes {allowed}; remove this triple or use one of them"),
        );
    }

    pub(super) fn twice(&mut self, i: usize, what: &str) {
        let t = self.triple(i);
        self.error(
            i,
            t.object.as_ref(),
            format!("{what} is given twice"),
            "keep one of the two triples".into(),
        );
    }

    // ---- terms ----

    /// The decoded name of a term under the base, in `space`.
    pub(super) fn our_name(&mut self, i: usize, term: TermRef<'_>, space: Space) -> Option<String> {
        let TermRef::NamedNode(n) = term else {
            return None;
        };
        let (s, local) = self.base.split(n.as_str())?;
        if s != space {
            return None;
        }
        self.decoded(i, term, local)
    }

    /// A percent-decoded name, checked like every id and name.
    pub(super) fn decoded(&mut self, i: usize, term: TermRef<'_>, local: &str) -> Option<String> {
        let name = self.decoded_text(i, term, local)?;
        if let Some(problem) = text_problem(&name) {
            self.error(
                i,
                term,
                format!("the name `{name}` {problem}"),
                "write plain text without control characters or surrounding spaces".into(),
            );
            return None;
        }
        Some(name)
    }

    /// A percent-decoded name of any text: a property name, which TOML and
    /// JSON files may spell with any characters.
    pub(super) fn decoded_text(
        &mut self,
        i: usize,
        term: TermRef<'_>,
        local: &str,
    ) -> Option<String> {
        let Some(name) = decode_name(local) else {
            self.error(
                i,
                term,
                format!("`{local}` is not valid percent-encoded UTF-8"),
                "write `%` only as the start of `%XX`, two hex digits of a UTF-8 byte".into(),
            );
            return None;
        };
        Some(name)
    }

    /// The object of triple `i` as a string, or an error naming `what`.
    pub(super) fn text(&mut self, i: usize, what: &str) -> Option<String> {
        let t = self.triple(i);
        match &t.object {
            Term::Literal(l) if is_string(l) => Some(l.value().to_string()),
            other => {
                self.error(
                    i,
                    other.as_ref(),
                    format!("{what} must be a string, not {}", describe(other)),
                    "write a plain string literal: \"…\"".into(),
                );
                None
            }
        }
    }

    /// The object of triple `i` as a name of `space` under the base.
    pub(super) fn reference(
        &mut self,
        i: usize,
        space: Space,
        what: &str,
    ) -> Option<Spanned<String>> {
        let t = self.triple(i);
        let span = self.span_of(i, t.object.as_ref());
        if let Some(name) = self.our_name(i, t.object.as_ref(), space) {
            return Some(Spanned { value: name, span });
        }
        if matches!(&t.object, Term::NamedNode(n) if self.base.split(n.as_str()).is_some_and(|(s, _)| s == space))
        {
            return None; // a bad name, reported
        }
        self.error(
            i,
            t.object.as_ref(),
            format!(
                "{what} must be `<{}NAME>`, not {}",
                self.base.namespace(space),
                describe(&t.object)
            ),
            format!(
                "write `{}:NAME` (prefix `{}:` = `<{}>`)",
                space.prefix(),
                space.prefix(),
                self.base.namespace(space)
            ),
        );
        None
    }
}
