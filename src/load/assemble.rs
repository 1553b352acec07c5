//! From declarations to a checked [`Graph`]: the schema, ids, kinds,
//! relations and endpoints of every file, merged.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use petgraph::stable_graph::NodeIndex;

use crate::model::{
    Edge, EdgeMix, Graph, GraphMeta, KindDef, KindId, Node, Provenance, RelId, RelationDef, Schema,
    Source, Span,
};
use crate::suggest::nearest_one;

use super::decode::{FileDecl, ProvDecl, SchemaDecl, Spanned};
use super::error::{LoadError, LoadErrorKind as K, Location, SourceFile};

/// Suggestions scan every node id, so a file with thousands of dangling edges
/// gets suggestions for the first few only.
const MAX_NODE_SUGGESTIONS: usize = 50;

/// A parsed file and its declarations.
pub type Parsed = (Arc<SourceFile>, FileDecl);

/// Builds one graph from every file, pushing each problem onto `errors`.
///
/// The schema is the union of the files' own `[schema]` sections, or
/// `default_schema` when no file brings one.
pub fn assemble(
    files: &[Parsed],
    default_schema: &(Arc<SourceFile>, SchemaDecl),
    errors: &mut Vec<LoadError>,
) -> Graph {
    let own: Vec<(&Arc<SourceFile>, &SchemaDecl)> = files
        .iter()
        .filter_map(|(f, d)| d.schema.as_ref().map(|s| (f, s)))
        .collect();
    let schemas = if own.is_empty() {
        vec![(&default_schema.0, &default_schema.1)]
    } else {
        own
    };
    let own_schema = files.iter().any(|(_, d)| d.schema.is_some());
    let sources = files
        .iter()
        .flat_map(|(f, d)| d.sources.iter().map(move |s| (f, s)));
    let mut graph = start_graph(
        &schemas,
        own_schema,
        files.iter().map(|(_, d)| &d.meta),
        sources,
        errors,
    );

    // Where each id is first declared, counting nodes rejected for other
    // problems too, so one bad node neither hides a duplicate of it nor
    // makes every edge to it look dangling.
    let mut first_seen: HashMap<&str, (usize, Span)> = HashMap::new();
    let mut declared_only: HashSet<&str> = HashSet::new();
    for (fi, (file, decl)) in files.iter().enumerate() {
        let mut ids: Vec<(&Spanned<String>, bool)> = decl
            .nodes
            .iter()
            .map(|n| (&n.id, true))
            .chain(decl.rejected_ids.iter().map(|id| (id, false)))
            .collect();
        ids.sort_by_key(|(id, _)| id.span.start);
        for (id, valid) in ids {
            if !valid {
                declared_only.insert(&id.value);
            }
            match first_seen.entry(&id.value) {
                Entry::Vacant(slot) => {
                    slot.insert((fi, id.span));
                }
                Entry::Occupied(first) => {
                    let &(f, span) = first.get();
                    errors.push(LoadError::at(
                        file,
                        id.span,
                        K::DuplicateId {
                            id: id.value.clone(),
                            // cannot fail: `f` is the enumerate index of `files` stored above.
                            first: Some(location(&files[f].0, span)),
                        },
                    ));
                }
            }
        }
    }

    for (fi, (file, decl)) in files.iter().enumerate() {
        for node in &decl.nodes {
            // A duplicate was reported above; the first definition stands.
            if first_seen.get(node.id.value.as_str()) != Some(&(fi, node.id.span)) {
                continue;
            }
            let Some(kind) = lookup_kind(
                graph.schema(),
                file,
                &node.kind.value,
                node.kind.span,
                errors,
            ) else {
                declared_only.insert(&node.id.value);
                continue;
            };
            let provenance = provenance(&graph, file, &node.provenance, errors);
            // Ids are unique by now, so this cannot fail.
            let _ = graph.add_node(Node::with(
                node.id.value.as_str(),
                kind,
                node.name.as_str(),
                node.properties.clone(),
                provenance,
            ));
        }
    }

    let mut suggestions_left = MAX_NODE_SUGGESTIONS;
    let mut edge_spans: HashMap<(NodeIndex, RelId, NodeIndex), (usize, Span)> = HashMap::new();
    for (fi, (file, decl)) in files.iter().enumerate() {
        for edge in &decl.edges {
            let rel = lookup_relation(graph.schema(), file, &edge.rel.value, edge.rel.span, errors);
            let mut endpoint = |end: &'static str, id: &Spanned<String>| {
                let found = graph.node_index(&id.value);
                // A node that was declared but rejected has its own error.
                if found.is_none() && !declared_only.contains(id.value.as_str()) {
                    let suggestion = (suggestions_left > 0).then(|| {
                        suggestions_left -= 1;
                        nearest_one(&id.value, graph.nodes().map(|(_, n)| &*n.id))
                    });
                    errors.push(LoadError::at(
                        file,
                        id.span,
                        K::UnknownNode {
                            end,
                            id: id.value.clone(),
                            suggestion: suggestion.flatten(),
                        },
                    ));
                }
                found
            };
            let from = endpoint("from", &edge.from);
            let to = endpoint("to", &edge.to);
            let (Some(rel), Some(from), Some(to)) = (rel, from, to) else {
                continue;
            };
            let (Some(from_node), Some(to_node)) = (graph.node(from), graph.node(to)) else {
                continue;
            };
            if !graph.schema().allows(rel, from_node.kind, to_node.kind) {
                let kind = forbidden_endpoints(&graph, rel, from_node, to_node);
                errors.push(LoadError::at(file, edge.span, kind));
                continue;
            }
            match edge_spans.entry((from, rel, to)) {
                Entry::Occupied(first) => {
                    let &(f, span) = first.get();
                    errors.push(LoadError::at(
                        file,
                        edge.span,
                        K::DuplicateEdge {
                            from: edge.from.value.clone(),
                            rel: edge.rel.value.clone(),
                            to: edge.to.value.clone(),
                            // cannot fail: as above.
                            first: Some(location(&files[f].0, span)),
                        },
                    ));
                    continue;
                }
                Entry::Vacant(slot) => {
                    slot.insert((fi, edge.span));
                }
            }
            let provenance = provenance(&graph, file, &edge.provenance, errors);
            graph.add_edge(
                from,
                to,
                Edge::with(rel, edge.basis, edge.properties.clone(), provenance),
            );
        }
    }
    graph
}

fn location(file: &SourceFile, span: Span) -> Location {
    let (line, column) = file.line_col(span.start);
    Location {
        file: file.name.clone(),
        line,
        column,
    }
}

/// An empty graph over `schemas` (the inputs' own when `own` says so, else
/// the default schema, which the graph then records as such), with the
/// first description that names the graph and every source; a source id
/// declared twice is reported at its second declaration.
pub(crate) fn start_graph<'a>(
    schemas: &[(&Arc<SourceFile>, &SchemaDecl)],
    own: bool,
    metas: impl IntoIterator<Item = &'a GraphMeta>,
    sources: impl IntoIterator<Item = (&'a Arc<SourceFile>, &'a Spanned<Source>)>,
    errors: &mut Vec<LoadError>,
) -> Graph {
    let mut graph = Graph::new(build_schema(schemas, errors));
    graph.set_default_schema(!own || super::is_default_schema(graph.schema()));
    if let Some(meta) = metas.into_iter().find(|m| m.name.is_some()) {
        graph.set_meta(meta.clone());
    }
    for (file, source) in sources {
        if graph.source(&source.value.id).is_some() {
            errors.push(LoadError::at(
                file,
                source.span,
                K::DuplicateSource {
                    id: source.value.id.clone(),
                },
            ));
        } else {
            graph.add_source(source.value.clone());
        }
    }
    graph
}

pub(crate) fn build_schema(
    decls: &[(&Arc<SourceFile>, &SchemaDecl)],
    errors: &mut Vec<LoadError>,
) -> Schema {
    let mut schema = Schema::new();
    for (file, decl) in decls {
        for kind in &decl.kinds {
            let def = KindDef {
                name: kind.name.value.clone(),
                plural: kind.plural.clone(),
                description: kind.description.clone(),
                look: kind.look.clone(),
                share: kind.share,
            };
            if let Err(e) = schema.add_kind(def) {
                errors.push(LoadError::at(file, kind.name.span, e.into()));
            }
        }
    }
    for (file, decl) in decls {
        for rel in &decl.relations {
            let mut kinds = |names: &[super::decode::Spanned<String>]| -> Vec<KindId> {
                names
                    .iter()
                    .filter_map(|n| lookup_kind(&schema, file, &n.value, n.span, errors))
                    .collect()
            };
            let from = kinds(&rel.from);
            let to = kinds(&rel.to);
            let generate = rel.generate.as_ref().map(|g| EdgeMix {
                from: g.from.as_ref().and_then(|k| {
                    let id = lookup_kind(&schema, file, &k.value, k.span, errors)?;
                    if from.contains(&id) {
                        return Some(id);
                    }
                    // `generate.from` picks one of the relation's `from` kinds.
                    let allowed: Vec<String> =
                        from.iter().map(|&f| schema.kind(f).name.clone()).collect();
                    errors.push(LoadError::at(
                        file,
                        k.span,
                        K::BadValue {
                            field: "from",
                            value: k.value.clone(),
                            suggestion: nearest_one(&k.value, &allowed),
                            allowed,
                        },
                    ));
                    None
                }),
                min: g.edges.0,
                max: g.edges.1,
            });
            let def = RelationDef {
                name: rel.name.value.clone(),
                from,
                to,
                meaning: rel.meaning.clone(),
                inverse: rel.inverse.clone(),
                impact: rel.impact,
                mitigation: rel.mitigation,
                look: rel.look.clone(),
                roles: rel.roles,
                generate,
            };
            if let Err(e) = schema.add_relation(def) {
                errors.push(LoadError::at(file, rel.name.span, e.into()));
            }
        }
    }
    add_rules(&mut schema, decls, errors);
    schema
}

/// Checks and adds every rule: its relations exist, its chain's kinds meet,
/// its head can hold what the chain gives, and no two relations derive each
/// other (see [`crate::reason`]).
fn add_rules(
    schema: &mut Schema,
    decls: &[(&Arc<SourceFile>, &SchemaDecl)],
    errors: &mut Vec<LoadError>,
) {
    let mut added: Vec<(&Arc<SourceFile>, Span)> = Vec::new();
    for (file, decl) in decls {
        for rule in &decl.rules {
            let mut rel =
                |n: &Spanned<String>| lookup_relation(schema, file, &n.value, n.span, errors);
            let chain: Vec<Option<RelId>> = rule.chain.iter().map(&mut rel).collect();
            let gives = rel(&rule.gives);
            let (Some(chain), Some(gives)) = (chain.into_iter().collect::<Option<Vec<_>>>(), gives)
            else {
                continue;
            };
            let problems = crate::reason::check_rule(schema, &rule.name.value, &chain, gives);
            for (at, problem) in &problems {
                let span = match at {
                    None => rule.chain_span,
                    Some(i) => rule.chain.get(*i).map_or(rule.gives.span, |c| c.span),
                };
                let kind = K::Rule {
                    problem: problem.clone(),
                };
                errors.push(LoadError::at(file, span, kind));
            }
            if !problems.is_empty() {
                continue;
            }
            let def = crate::model::RuleDef {
                name: rule.name.value.clone(),
                meaning: rule.meaning.clone(),
                chain,
                head: gives,
            };
            match schema.add_rule(def) {
                Ok(()) => added.push((file, rule.name.span)),
                Err(e) => errors.push(LoadError::at(file, rule.name.span, e.into())),
            }
        }
    }
    if let Some(cycle) = crate::reason::find_cycle(schema.rules()) {
        let quote = |names: Vec<&str>| {
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let rules = schema.rules();
        let problem = crate::reason::RuleProblem::Cycle {
            rules: quote(
                cycle
                    .iter()
                    .filter_map(|&i| rules.get(i))
                    .map(|r| r.name.as_str())
                    .collect(),
            ),
            relations: quote(
                cycle
                    .iter()
                    .filter_map(|&i| rules.get(i))
                    .map(|r| schema.relation(r.head).name.as_str())
                    .collect(),
            ),
        };
        // Shown at the first rule of the cycle.
        if let Some((file, span)) = cycle.first().and_then(|&i| added.get(i)) {
            errors.push(LoadError::at(file, *span, K::Rule { problem }));
        }
    }
}

fn lookup_kind(
    schema: &Schema,
    file: &Arc<SourceFile>,
    name: &str,
    span: Span,
    errors: &mut Vec<LoadError>,
) -> Option<KindId> {
    let found = schema
        .kind_id(name)
        .filter(|&k| schema.kind(k).name == name);
    if found.is_none() {
        errors.push(LoadError::at(file, span, unknown_kind(schema, name)));
    }
    found
}

/// The error for a kind the schema does not declare, with the near miss.
pub(crate) fn unknown_kind(schema: &Schema, name: &str) -> K {
    let unknown = schema.unknown_kind(name);
    K::UnknownKind {
        kind: unknown.text,
        suggestion: unknown.suggestion,
        known: unknown.known,
    }
}

/// The error for a relation the schema does not declare, with the near miss.
pub(crate) fn unknown_relation(schema: &Schema, name: &str) -> K {
    let unknown = schema.unknown_relation(name);
    K::UnknownRelation {
        rel: unknown.text,
        suggestion: unknown.suggestion,
        known: unknown.known,
    }
}

/// The error for an edge that the schema does not allow between the kinds
/// of its ends.
pub(crate) fn forbidden_endpoints(graph: &Graph, rel: RelId, from: &Node, to: &Node) -> K {
    let schema = graph.schema();
    let def = schema.relation(rel);
    let names = |kinds: &[KindId]| kinds.iter().map(|&k| schema.kind(k).name.clone()).collect();
    K::ForbiddenEndpoints {
        rel: def.name.clone(),
        from: String::from(&*from.id),
        from_kind: schema.kind(from.kind).name.clone(),
        to: String::from(&*to.id),
        to_kind: schema.kind(to.kind).name.clone(),
        allowed_from: names(&def.from),
        allowed_to: names(&def.to),
    }
}

fn lookup_relation(
    schema: &Schema,
    file: &Arc<SourceFile>,
    name: &str,
    span: Span,
    errors: &mut Vec<LoadError>,
) -> Option<RelId> {
    let found = schema.rel_id(name);
    if found.is_none() {
        errors.push(LoadError::at(file, span, unknown_relation(schema, name)));
    }
    found
}

fn provenance(
    graph: &Graph,
    file: &Arc<SourceFile>,
    decls: &[ProvDecl],
    errors: &mut Vec<LoadError>,
) -> Vec<Provenance> {
    decls
        .iter()
        .filter_map(|p| {
            if graph.source(&p.source.value).is_none() {
                let suggestion = nearest_one(
                    &p.source.value,
                    graph.sources().iter().map(|s| s.id.as_str()),
                );
                errors.push(LoadError::at(
                    file,
                    p.source.span,
                    K::UnknownSource {
                        source_id: p.source.value.clone(),
                        suggestion,
                    },
                ));
                return None;
            }
            Some(Provenance {
                source: p.source.value.clone().into(),
                section: p.section.clone().map(Into::into),
                item: p.item.clone().map(Into::into),
                note: p.note.clone().map(Into::into),
            })
        })
        .collect()
}
