//! Warnings about names the graph does not have: a label, relationship type
//! or property key that would make a pattern match nothing.
//!
//! The query engine sees a graph only through [`super::super::QueryGraph`]
//! (the TCK's graphs are not seccoop graphs and have no schema), so its
//! suggestions come from the names that trait lists, through the same
//! [`crate::suggest`] the schema's resolver uses, rather than from
//! `Schema::resolve_kind`.

use super::super::Warning;
use super::super::ast;
use super::super::error::{QueryError, Span};
use super::Planner;

impl Planner<'_> {
    pub(super) fn warn(&mut self, key: String, message: String, help: Option<String>, span: Span) {
        if self.warned.insert(key) {
            self.warnings.push(Warning {
                message,
                help,
                span,
            });
        }
    }

    pub(super) fn check_label(&mut self, label: &ast::Ident) {
        let Some(g) = self.graph else { return };
        if g.label(&label.name).is_some() {
            return;
        }
        let names = g.label_names();
        let hint = did_you_mean(&label.name, &names, true);
        self.warn(
            format!("label:{}", label.name),
            format!(
                "the graph has no label `{}`, so this matches nothing",
                label.name
            ),
            hint,
            label.span,
        );
    }

    pub(super) fn check_type(&mut self, t: &ast::Ident) {
        let Some(g) = self.graph else { return };
        if g.rel_type(&t.name).is_some() {
            return;
        }
        let names = g.type_names();
        let hint = did_you_mean(&t.name, &names, true);
        self.warn(
            format!("type:{}", t.name),
            format!(
                "the graph has no relationship type `{}`, so this matches nothing",
                t.name
            ),
            hint,
            t.span,
        );
    }

    pub(super) fn check_key(&mut self, key: &str, span: Span) {
        let Some(g) = self.graph else { return };
        if g.has_property_key(key) {
            return;
        }
        let keys = self.known_keys.get_or_insert_with(|| g.property_keys());
        let hint = did_you_mean(key, keys, false);
        self.warn(
            format!("key:{key}"),
            format!("no node or relationship in the graph has a property `{key}`, so it is null everywhere"),
            hint,
            span,
        );
    }
}

/// "did you mean `x`?", or, when nothing is near and `list_all`, every name.
fn did_you_mean(word: &str, names: &[String], list_all: bool) -> Option<String> {
    match crate::suggest::nearest(word, names.iter().map(String::as_str), 3).as_slice() {
        [] if names.is_empty() || !list_all => None,
        [] => Some(format!("the graph has: {}", names.join(", "))),
        near => Some(format!(
            "did you mean {}?",
            near.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        )),
    }
}

/// `err` with "did you mean `x`?" as its help when a name of `names` is
/// near `word` (else its own help, if any).
pub(super) fn with_nearest(
    err: QueryError,
    word: &str,
    names: impl IntoIterator<Item = impl AsRef<str>>,
) -> QueryError {
    match crate::suggest::nearest_one(word, names) {
        Some(h) => err.with_help(format!("did you mean `{h}`?")),
        None => err,
    }
}
