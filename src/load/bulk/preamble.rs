//! The preamble of a bulk load: each input's schema, graph description
//! and sources, read before any row, and the empty graph they make.

use std::sync::Arc;

use crate::load::decode::{SchemaDecl, Spanned};
use crate::load::doc::{Doc, DocValue};
use crate::load::error::{LoadError, LoadErrorKind as K, SourceFile};
use crate::model::{Graph, GraphMeta, Source};

/// What the inputs declare besides nodes and edges.
#[derive(Debug, Default)]
pub(crate) struct Preamble {
    /// Schemas the inputs bring (`schema.toml`, `schema` records).
    pub schemas: Vec<(Arc<SourceFile>, SchemaDecl)>,
    /// Graph descriptions.
    pub metas: Vec<GraphMeta>,
    /// Sources declared by every input, each with the file that declares it.
    pub sources: Vec<(Arc<SourceFile>, Spanned<Source>)>,
}

/// An empty graph with the inputs' schema (or the default one), description
/// and sources.
pub(crate) fn start_graph(pre: &Preamble, errors: &mut Vec<LoadError>) -> Graph {
    let default;
    let schemas: Vec<(&Arc<SourceFile>, &SchemaDecl)> = if pre.schemas.is_empty() {
        default = crate::load::default_schema(errors);
        vec![(&default.0, &default.1)]
    } else {
        pre.schemas.iter().map(|(f, s)| (f, s)).collect()
    };
    crate::load::assemble::start_graph(
        &schemas,
        !pre.schemas.is_empty(),
        &pre.metas,
        pre.sources.iter().map(|(f, s)| (f, s)),
        errors,
    )
}

/// Reads a small side file of a CSV folder (`schema.toml`, `graph.toml`).
fn side_file(
    path: &std::path::Path,
    errors: &mut Vec<LoadError>,
) -> Option<(Arc<SourceFile>, Doc)> {
    if !path.is_file() {
        return None;
    }
    let (file, err) = crate::load::read_file(path);
    if let Some(e) = err {
        errors.push(e);
        return None;
    }
    let file = file?;
    match Doc::parse_toml(&file.text) {
        Ok(doc) => Some((file, doc)),
        Err(errs) => {
            errors.extend(errs.into_iter().map(|e| {
                LoadError::at(
                    &file,
                    e.span,
                    K::Syntax {
                        message: e.message,
                        format: "TOML",
                    },
                )
            }));
            None
        }
    }
}

/// The keys `graph.toml` of a CSV folder takes.
const GRAPH_FILE_KEYS: &[&str] = &["graph", "sources"];

/// Reads the `schema.toml` and `graph.toml` of a CSV folder, when present.
pub(super) fn folder_preamble(
    dir: &std::path::Path,
    pre: &mut Preamble,
    errors: &mut Vec<LoadError>,
) {
    use crate::format::csv as c;
    if let Some((file, doc)) = side_file(&dir.join(c::SCHEMA_FILE), errors) {
        let decl = crate::load::decode::decode_schema_file(&file, &doc, errors);
        pre.schemas.push((file, decl));
    }
    let Some((file, doc)) = side_file(&dir.join(c::GRAPH_FILE), errors) else {
        return;
    };
    if let DocValue::Table(entries) = &doc.value {
        for (key, _) in entries {
            if !GRAPH_FILE_KEYS.contains(&key.name.as_str()) {
                errors.push(LoadError::at(
                    &file,
                    key.span,
                    K::UnknownField {
                        field: key.name.clone(),
                        what: "the graph.toml of a CSV folder",
                        allowed: GRAPH_FILE_KEYS,
                        suggestion: None,
                    },
                ));
            }
        }
    }
    let decl = crate::load::decode::decode_file(&file, &doc, errors);
    pre.metas.push(decl.meta);
    pre.sources
        .extend(decl.sources.into_iter().map(|s| (Arc::clone(&file), s)));
}
