//! The `[schema]` section of a graph file: kinds, relations, rules, and
//! how each is drawn and generated. Apart from the rest of the decoder
//! ([`super`]) because it is the part that grows with the schema's fields.

use super::*;

impl Decoder<'_> {
    /// One of [`KIND_EXTRA_KEYS`].
    pub(super) fn kind_extra(&mut self, key: &Key, value: &Doc, kind: &mut KindDecl) {
        match key.name.as_str() {
            "shape" => kind.look.shape = self.graphviz_word(value, "shape", false),
            "style" => kind.look.style = self.graphviz_word(value, "style", true),
            "fill" => kind.look.fill = self.colour(value, "fill"),
            "border" => kind.look.border = self.colour(value, "border"),
            "share" => match &value.value {
                DocValue::Integer(n @ 0..=100) => kind.share = u32::try_from(*n).ok(),
                _ => self.wrong_type(value, "share", "a percentage: a whole number 0 to 100"),
            },
            _ => self.unknown_key(key, "a kind", KIND_KEYS),
        }
    }

    /// One of [`RELATION_EXTRA_KEYS`].
    pub(super) fn relation_extra(&mut self, key: &Key, value: &Doc, rel: &mut RelationDecl) {
        match key.name.as_str() {
            "colour" => rel.look.colour = self.colour(value, "colour"),
            "line" => {
                if let Some(s) = self.string(value, "line") {
                    match LineStyle::parse(&s.value) {
                        Some(line) => rel.look.line = line,
                        None => self.bad_value(s, "line", &LineStyle::NAMES),
                    }
                }
            }
            "arrowhead" => rel.look.arrowhead = self.graphviz_word(value, "arrowhead", false),
            "cluster" => self.flag(value, "cluster", &mut rel.look.cluster),
            "counters" => self.flag(value, "counters", &mut rel.roles.counters),
            "participants" => self.flag(value, "participants", &mut rel.roles.participants),
            "rank" => self.flag(value, "rank", &mut rel.roles.rank),
            "generate" => rel.generate = self.edge_mix(value),
            _ => self.unknown_key(key, "a relation", RELATION_KEYS),
        }
    }

    /// A value that is not one of `allowed`.
    pub(super) fn bad_value(&mut self, s: Spanned<String>, field: &'static str, allowed: &[&str]) {
        let suggestion = nearest_one(&s.value, allowed.iter());
        self.error(
            s.span,
            K::BadValue {
                field,
                value: s.value,
                allowed: allowed.iter().map(|s| s.to_string()).collect(),
                suggestion,
            },
        );
    }

    pub(super) fn flag(&mut self, doc: &Doc, field: &str, out: &mut bool) {
        match &doc.value {
            DocValue::Bool(b) => *out = *b,
            _ => self.wrong_type(doc, field, "true or false"),
        }
    }

    /// A Graphviz name (a shape, an arrowhead), or with `list` several
    /// comma-separated (style words): ASCII letters, digits and `_`, so the
    /// diagram writers can write it as it is.
    pub(super) fn graphviz_word(
        &mut self,
        doc: &Doc,
        field: &'static str,
        list: bool,
    ) -> Option<String> {
        let s = self.string(doc, field)?;
        if is_graphviz_word(&s.value, list) {
            return Some(s.value);
        }
        let rule = if list {
            "Graphviz style words (letters, digits and `_`), comma-separated"
        } else {
            "a Graphviz name: letters, digits and `_`"
        };
        self.bad_value(s, field, &[rule]);
        None
    }

    /// A colour: `#` and 3, 6 or 8 hex digits, or a colour name.
    pub(super) fn colour(&mut self, doc: &Doc, field: &'static str) -> Option<String> {
        let s = self.string(doc, field)?;
        if is_colour(&s.value) {
            return Some(s.value);
        }
        self.bad_value(
            s,
            field,
            &["`#` and 6 hex digits (`#9c2b23`)", "a colour name (`red`)"],
        );
        None
    }

    /// `generate = { from?, edges = [min, max] }`.
    pub(super) fn edge_mix(&mut self, doc: &Doc) -> Option<EdgeMixDecl> {
        let entries = self.table(doc, "generate")?;
        let (mut from, mut edges, mut bad) = (None, None, false);
        for (key, value) in entries {
            match key.name.as_str() {
                "from" => from = self.name_text(value, "from"),
                "edges" => {
                    bad = true;
                    let count = |d: &Doc| match d.value {
                        DocValue::Integer(n) => {
                            u32::try_from(n).ok().filter(|&n| n <= MAX_GENERATED_EDGES)
                        }
                        _ => None,
                    };
                    match &value.value {
                        DocValue::Array(pair) => match pair.as_slice() {
                            [lo, hi] => match (count(lo), count(hi)) {
                                (Some(lo), Some(hi)) if lo <= hi => edges = Some((lo, hi)),
                                _ => self.wrong_type(value, "edges", EDGES_EXPECTED),
                            },
                            _ => self.wrong_type(value, "edges", EDGES_EXPECTED),
                        },
                        _ => self.wrong_type(value, "edges", EDGES_EXPECTED),
                    }
                }
                _ => self.unknown_key(key, "a relation's `generate`", GENERATE_KEYS),
            }
        }
        let Some(edges) = edges else {
            if !bad {
                self.missing(entries, doc.span, "edges", "a relation's `generate`");
            }
            return None;
        };
        Some(EdgeMixDecl { from, edges })
    }

    pub(super) fn schema(&mut self, doc: &Doc) -> SchemaDecl {
        let mut out = SchemaDecl::default();
        let Some(entries) = self.table(doc, "schema") else {
            return out;
        };
        for (key, value) in entries {
            match key.name.as_str() {
                "kinds" => {
                    let Some(kinds) = self.table(value, "kinds") else {
                        continue;
                    };
                    for (name, def) in kinds {
                        if let Some(kind) = self.kind(name, def) {
                            out.kinds.push(kind);
                        }
                    }
                }
                "relations" => {
                    let Some(rels) = self.table(value, "relations") else {
                        continue;
                    };
                    for (name, def) in rels {
                        if let Some(rel) = self.relation(name, def) {
                            out.relations.push(rel);
                        }
                    }
                }
                "rules" => {
                    let Some(rules) = self.table(value, "rules") else {
                        continue;
                    };
                    for (name, def) in rules {
                        if let Some(rule) = self.rule(name, def) {
                            out.rules.push(rule);
                        }
                    }
                }
                _ => self.unknown_key(key, "the schema", SCHEMA_KEYS),
            }
        }
        out
    }

    /// Whether a kind's or relation's name, a table key, keeps the rule of
    /// every name ([`text_problem`]); an error when not. (Found by fuzzing:
    /// a relation named with a control character loaded from TOML and JSON,
    /// but not from RDF.)
    pub(super) fn key_name(&mut self, name: &Key) -> bool {
        match text_problem(&name.name) {
            Some(problem) => {
                self.error(
                    name.span,
                    K::BadText {
                        field: name.name.clone(),
                        problem,
                    },
                );
                false
            }
            None => true,
        }
    }

    pub(super) fn kind(&mut self, name: &Key, doc: &Doc) -> Option<KindDecl> {
        if !self.key_name(name) {
            return None;
        }
        let entries = self.table(doc, &name.name)?;
        let mut kind = KindDecl {
            name: Spanned {
                value: name.name.clone(),
                span: name.span,
            },
            plural: None,
            description: String::new(),
            look: KindLook::default(),
            share: None,
        };
        for (key, value) in entries {
            match key.name.as_str() {
                "plural" => kind.plural = self.name_text(value, "plural").map(|s| s.value),
                "description" => kind.description = self.string(value, "description")?.value,
                field if KIND_EXTRA_KEYS.contains(&field) => self.kind_extra(key, value, &mut kind),
                _ => self.unknown_key(key, "a kind", KIND_KEYS),
            }
        }
        Some(kind)
    }

    pub(super) fn rule(&mut self, name: &Key, doc: &Doc) -> Option<RuleDecl> {
        if !self.key_name(name) {
            return None;
        }
        let entries = self.table(doc, &name.name)?;
        let (mut chain, mut gives, mut meaning) = (None, None, String::new());
        for (key, value) in entries {
            match key.name.as_str() {
                "chain" => match &value.value {
                    DocValue::Array(_) => {
                        chain = Some((self.string_list(value, "chain"), value.span));
                    }
                    _ => self.wrong_type(value, "chain", "a list of relations"),
                },
                "gives" => gives = self.name_text(value, "gives"),
                "meaning" => meaning = self.string(value, "meaning")?.value,
                _ => self.unknown_key(key, "a rule", RULE_KEYS),
            }
        }
        let Some((chain, chain_span)) = chain else {
            self.missing(entries, doc.span, "chain", "a rule");
            return None;
        };
        let Some(gives) = gives else {
            self.missing(entries, doc.span, "gives", "a rule");
            return None;
        };
        Some(RuleDecl {
            name: Spanned {
                value: name.name.clone(),
                span: name.span,
            },
            meaning,
            chain,
            chain_span,
            gives,
        })
    }

    pub(super) fn relation(&mut self, name: &Key, doc: &Doc) -> Option<RelationDecl> {
        if !self.key_name(name) {
            return None;
        }
        let entries = self.table(doc, &name.name)?;
        let (mut from, mut to) = (None, None);
        let mut rel = RelationDecl {
            name: Spanned {
                value: name.name.clone(),
                span: name.span,
            },
            from: Vec::new(),
            to: Vec::new(),
            meaning: String::new(),
            inverse: None,
            impact: ImpactFlow::None,
            mitigation: false,
            look: RelationLook::default(),
            roles: Roles::default(),
            generate: None,
        };
        for (key, value) in entries {
            match key.name.as_str() {
                "from" => from = Some(self.string_list(value, "from")),
                "to" => to = Some(self.string_list(value, "to")),
                "meaning" => rel.meaning = self.string(value, "meaning")?.value,
                "inverse" => rel.inverse = self.string(value, "inverse").map(|s| s.value),
                "mitigation" => self.flag(value, "mitigation", &mut rel.mitigation),
                field if RELATION_EXTRA_KEYS.contains(&field) => {
                    self.relation_extra(key, value, &mut rel)
                }
                "impact" => {
                    let s = self.string(value, "impact")?;
                    match ImpactFlow::parse(&s.value) {
                        Some(flow) => rel.impact = flow,
                        None => {
                            self.bad_value(s, "impact", &ImpactFlow::NAMES);
                            return None;
                        }
                    }
                }
                _ => self.unknown_key(key, "a relation", RELATION_KEYS),
            }
        }
        let Some(from) = from else {
            self.missing(entries, doc.span, "from", "a relation");
            return None;
        };
        let Some(to) = to else {
            self.missing(entries, doc.span, "to", "a relation");
            return None;
        };
        rel.from = from;
        rel.to = to;
        Some(rel)
    }
}

/// Whether `s` is a Graphviz name (letters, digits and `_`), or with `list`
/// several comma-separated: what every reader accepts as a shape, style or
/// arrowhead.
pub(crate) fn is_graphviz_word(s: &str, list: bool) -> bool {
    let word = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if list {
        s.split(',').all(word)
    } else {
        word(s)
    }
}

/// Whether `s` is a colour: `#` and 3, 6 or 8 hex digits, or a colour name.
pub(crate) fn is_colour(s: &str) -> bool {
    match s.strip_prefix('#') {
        Some(hex) => matches!(hex.len(), 3 | 6 | 8) && hex.bytes().all(|b| b.is_ascii_hexdigit()),
        None => !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphabetic()),
    }
}
