//! The schema: which node kinds and relations a graph may hold, and what
//! every command makes of them.
//!
//! The schema is data, read from `graph/schema.toml` or from a graph file's
//! own `[schema]` section. Each relation names the kinds allowed at each end,
//! a one-line meaning, the phrase that reads it backwards, and how impact
//! flows along it ([`ImpactFlow`]), which the impact analysis follows.
//!
//! The rest of the domain knowledge lives here too, so that adding a kind or
//! a relation is a change to the schema file alone: how each is drawn
//! ([`KindLook`], [`RelationLook`]), which relations the coverage analysis
//! and the rankings of `stats` read ([`Roles`], and `mitigation`), and the
//! mix `generate` follows ([`KindDef::share`], [`EdgeMix`]). Each is
//! optional; what a schema leaves out takes a default that the code using
//! it documents (a palette in declaration order for the look, no role, an
//! even mix).
//!
//! [`Schema::resolve_kind`] and [`Schema::resolve_relation`] turn typed text
//! into a kind or relation, with the near miss when nothing matches.

use std::collections::HashMap;

use serde::Serialize;

/// Index of a node kind in its [`Schema`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KindId(pub u16);

/// Index of a relation in its [`Schema`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RelId(pub u16);

/// How impact travels along a relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImpactFlow {
    /// From the edge's `from` node to its `to` node.
    Forward,
    /// From the edge's `to` node to its `from` node.
    Backward,
    /// Either way.
    Both,
    /// Impact does not travel along the relation.
    None,
}

impl ImpactFlow {
    /// The spellings accepted in a schema file.
    pub const NAMES: [&'static str; 4] = ["forward", "backward", "both", "none"];

    /// Parses a schema spelling (`forward`, `backward`, `both`, `none`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "forward" => Some(Self::Forward),
            "backward" => Some(Self::Backward),
            "both" => Some(Self::Both),
            "none" => Some(Self::None),
            _ => None,
        }
    }
}

/// How the edges of a relation are drawn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LineStyle {
    /// A plain line.
    #[default]
    Solid,
    /// A dotted line.
    Dotted,
    /// A thick line.
    Bold,
}

impl LineStyle {
    /// The spellings accepted in a schema file.
    pub const NAMES: [&'static str; 3] = ["solid", "dotted", "bold"];

    /// Parses a schema spelling (`solid`, `dotted`, `bold`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "solid" => Some(Self::Solid),
            "dotted" => Some(Self::Dotted),
            "bold" => Some(Self::Bold),
            _ => None,
        }
    }

    /// The schema spelling, which is also Graphviz's style word.
    pub fn name(self) -> &'static str {
        match self {
            Self::Solid => "solid",
            Self::Dotted => "dotted",
            Self::Bold => "bold",
        }
    }
}

/// How nodes of a kind are drawn. A part left out takes the next free one
/// of a palette, in kind order (`export::style`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KindLook {
    /// Graphviz shape (`box`, `octagon` …); Mermaid draws the nearest it has.
    pub shape: Option<String>,
    /// Graphviz style words besides `filled` (`rounded`), comma-separated.
    pub style: Option<String>,
    /// Fill colour: `#rrggbb` or a colour name.
    pub fill: Option<String>,
    /// Border colour.
    pub border: Option<String>,
}

/// How the edges of a relation are drawn.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelationLook {
    /// Line and label colour; left out, the next free one of a palette, in
    /// relation order (`export::style`).
    pub colour: Option<String>,
    /// Line style; inferred edges are dashed whatever it says.
    pub line: LineStyle,
    /// Graphviz arrowhead (`normal` when left out, `empty`, `vee` …).
    pub arrowhead: Option<String>,
    /// Diagrams draw each edge's `from` node inside a box named after its
    /// `to` node (activities in their area) instead of drawing the edge.
    pub cluster: bool,
}

/// What the analyses read a relation as, besides `mitigation`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Roles {
    /// The `from` node counters the `to` node: `gaps` and `whatif` report
    /// the `to` nodes countered by nothing or by one node only.
    pub counters: bool,
    /// The `to` node takes part in the `from` node: `gaps` and `whatif`
    /// report the countering nodes that have no participant.
    pub participants: bool,
    /// `stats` ranks the `to` nodes by how many `from` nodes reach them.
    pub rank: bool,
}

/// How `generate` makes the edges of a relation: each node of the `from`
/// kinds gets between `min` and `max` edges to distinct nodes of the `to`
/// kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeMix {
    /// The `from` kind whose nodes get edges; every `from` kind when `None`.
    pub from: Option<KindId>,
    /// The fewest edges per node.
    pub min: u32,
    /// The most edges per node.
    pub max: u32,
}

/// A node kind.
#[derive(Debug, Clone, PartialEq)]
pub struct KindDef {
    /// The kind's name, as written in `kind = "…"`.
    pub name: String,
    /// The plural, accepted wherever a kind is typed (`activities`).
    pub plural: Option<String>,
    /// One line saying what nodes of this kind are.
    pub description: String,
    /// How its nodes are drawn.
    pub look: KindLook,
    /// The percentage of the nodes `generate` makes of this kind (see
    /// [`crate::generate::Counts::of`] for a schema that gives none).
    pub share: Option<u32>,
}

impl KindDef {
    /// The plural: the declared one, else the name with an `s`.
    pub fn plural_form(&self) -> String {
        self.plural
            .clone()
            .unwrap_or_else(|| format!("{}s", self.name))
    }
}

/// A relation between two node kinds.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationDef {
    /// The relation's name, as written in `rel = "…"`.
    pub name: String,
    /// Kinds allowed at the edge's `from` end.
    pub from: Vec<KindId>,
    /// Kinds allowed at the edge's `to` end.
    pub to: Vec<KindId>,
    /// One line saying what an edge of this relation states.
    pub meaning: String,
    /// The phrase that reads the relation from its `to` end (`addressed by`).
    pub inverse: Option<String>,
    /// How impact travels along the relation.
    pub impact: ImpactFlow,
    /// Edges of this relation reduce the `to` node's harm: `impact` lists
    /// their `from` nodes as what mitigates the root, and `gaps` the `to`
    /// nodes nothing mitigates.
    pub mitigation: bool,
    /// How its edges are drawn.
    pub look: RelationLook,
    /// What the coverage analysis and `stats` read it as.
    pub roles: Roles,
    /// How `generate` makes its edges; `None`: it makes none, unless the
    /// schema says nothing of generation at all (see `generate`).
    pub generate: Option<EdgeMix>,
}

/// A name the schema does not know, with what it does know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    /// The text as typed.
    pub text: String,
    /// The nearest declared name, if one is close.
    pub suggestion: Option<String>,
    /// Every declared name, in declaration order.
    pub known: Vec<String>,
}

/// A rule that derives edges: the edges along `chain`, end to end, give an
/// edge of relation `head` from the chain's first node to its last
/// (see [`crate::reason`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDef {
    /// The rule's name, as written in `[rules.<name>]`.
    pub name: String,
    /// One line saying what the rule concludes and why.
    pub meaning: String,
    /// The relations to follow, in order (two or more).
    pub chain: Vec<RelId>,
    /// The relation of the derived edge.
    pub head: RelId,
}

/// What went wrong while building a schema.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SchemaError {
    /// Two definitions of the same kind differ.
    #[error("kind `{0}` is defined twice, differently")]
    ConflictingKind(String),
    /// Two definitions of the same relation differ.
    #[error("relation `{0}` is defined twice, differently")]
    ConflictingRelation(String),
    /// Two definitions of the same rule differ.
    #[error("rule `{0}` is defined twice, differently")]
    ConflictingRule(String),
    /// More kinds or relations than the interned ids can hold.
    #[error("a schema holds at most 65535 kinds and 65535 relations")]
    TooLarge,
}

/// The kinds and relations of a graph.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    kinds: Vec<KindDef>,
    relations: Vec<RelationDef>,
    rules: Vec<RuleDef>,
    kind_names: HashMap<String, KindId>,
    rel_names: HashMap<String, RelId>,
}

impl Schema {
    /// An empty schema.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a kind, or returns the id of an identical one already present.
    pub fn add_kind(&mut self, def: KindDef) -> Result<KindId, SchemaError> {
        // The name map holds only ids of `kinds`, so indexing cannot fail.
        if let Some(&id) = self.kind_names.get(&def.name) {
            return if self.kinds[usize::from(id.0)] == def {
                Ok(id)
            } else {
                Err(SchemaError::ConflictingKind(def.name))
            };
        }
        let id = KindId(u16::try_from(self.kinds.len()).map_err(|_| SchemaError::TooLarge)?);
        self.kind_names.insert(def.name.clone(), id);
        if let Some(plural) = &def.plural {
            self.kind_names.entry(plural.clone()).or_insert(id);
        }
        self.kinds.push(def);
        Ok(id)
    }

    /// Adds a relation, or returns the id of an identical one already present.
    pub fn add_relation(&mut self, def: RelationDef) -> Result<RelId, SchemaError> {
        // The name map holds only ids of `relations`, so indexing cannot fail.
        if let Some(&id) = self.rel_names.get(&def.name) {
            return if self.relations[usize::from(id.0)] == def {
                Ok(id)
            } else {
                Err(SchemaError::ConflictingRelation(def.name))
            };
        }
        let id = RelId(u16::try_from(self.relations.len()).map_err(|_| SchemaError::TooLarge)?);
        self.rel_names.insert(def.name.clone(), id);
        self.relations.push(def);
        Ok(id)
    }

    /// Adds a rule, unless an identical one is already present.
    ///
    /// The caller checks the rule first ([`crate::reason::check_rule`]).
    pub fn add_rule(&mut self, def: RuleDef) -> Result<(), SchemaError> {
        match self.rules.iter().find(|r| r.name == def.name) {
            Some(r) if *r == def => Ok(()),
            Some(_) => Err(SchemaError::ConflictingRule(def.name)),
            None => {
                self.rules.push(def);
                Ok(())
            }
        }
    }

    /// Every rule, in declaration order.
    pub fn rules(&self) -> &[RuleDef] {
        &self.rules
    }

    /// The rule with this exact name, and its position.
    pub fn rule(&self, name: &str) -> Option<(usize, &RuleDef)> {
        self.rules.iter().enumerate().find(|(_, r)| r.name == name)
    }

    /// The kind with this exact name or plural.
    pub fn kind_id(&self, name: &str) -> Option<KindId> {
        self.kind_names.get(name).copied()
    }

    /// The kind with this name or plural, ignoring case (`Activities`).
    pub fn find_kind(&self, text: &str) -> Option<KindId> {
        self.kind_id(text).or_else(|| {
            let lower = text.to_lowercase();
            self.kind_names
                .iter()
                .find(|(name, _)| name.to_lowercase() == lower)
                .map(|(_, &id)| id)
        })
    }

    /// The relation with this exact name.
    pub fn rel_id(&self, name: &str) -> Option<RelId> {
        self.rel_names.get(name).copied()
    }

    /// The relation with this name, ignoring case and `-` for `_`.
    pub fn find_relation(&self, text: &str) -> Option<RelId> {
        self.rel_id(text).or_else(|| {
            let wanted = text.to_lowercase().replace('-', "_");
            self.relations
                .iter()
                .position(|r| r.name.to_lowercase() == wanted)
                .and_then(|i| u16::try_from(i).ok())
                .map(RelId)
        })
    }

    /// The kind `text` names: its name or plural, in any case. Otherwise
    /// the near miss among names and plurals, given as the kind's name.
    ///
    /// # Example
    /// ```
    /// let graph = seccoop::load::embedded().unwrap();
    /// let schema = graph.schema();
    /// assert!(schema.resolve_kind("Activities").is_ok());
    /// let unknown = schema.resolve_kind("threet").unwrap_err();
    /// assert_eq!(unknown.suggestion.as_deref(), Some("threat"));
    /// ```
    pub fn resolve_kind(&self, text: &str) -> Result<KindId, Unknown> {
        self.find_kind(text).ok_or_else(|| self.unknown_kind(text))
    }

    /// Why `text` is not a kind's exact name, for a "did you mean": the kind
    /// it names in another case or as a plural, else the nearest spelling.
    /// Graph files, which must name kinds exactly, and typed arguments,
    /// which may not, both take their suggestion from here.
    pub fn unknown_kind(&self, text: &str) -> Unknown {
        let suggestion = self
            .find_kind(text)
            .or_else(|| {
                crate::suggest::nearest_one(text, self.kind_spellings())
                    .and_then(|s| self.kind_id(&s))
            })
            .map(|k| self.kind(k).name.clone());
        Unknown {
            text: text.to_string(),
            suggestion,
            known: self.kinds.iter().map(|k| k.name.clone()).collect(),
        }
    }

    /// The relation `text` names, in any case and with `-` for `_`.
    /// Otherwise the near miss.
    ///
    /// # Example
    /// ```
    /// let graph = seccoop::load::embedded().unwrap();
    /// let schema = graph.schema();
    /// assert!(schema.resolve_relation("hindered-by").is_ok());
    /// let unknown = schema.resolve_relation("adresses").unwrap_err();
    /// assert_eq!(unknown.suggestion.as_deref(), Some("addresses"));
    /// ```
    pub fn resolve_relation(&self, text: &str) -> Result<RelId, Unknown> {
        self.find_relation(text)
            .ok_or_else(|| self.unknown_relation(text))
    }

    /// Why `text` is not a relation's exact name: the relation it names in
    /// another case or with `-` for `_`, else the nearest name.
    pub fn unknown_relation(&self, text: &str) -> Unknown {
        let known: Vec<String> = self.relations.iter().map(|r| r.name.clone()).collect();
        let suggestion = self
            .find_relation(text)
            .map(|r| self.relation(r).name.clone())
            .or_else(|| crate::suggest::nearest_one(text, &known));
        Unknown {
            text: text.to_string(),
            suggestion,
            known,
        }
    }

    /// The definition of a kind.
    ///
    /// # Panics
    /// When `id` does not come from this schema.
    pub fn kind(&self, id: KindId) -> &KindDef {
        // A `KindId` is only made by `add_kind`, as a position in `kinds`.
        &self.kinds[usize::from(id.0)]
    }

    /// The definition of a relation.
    ///
    /// # Panics
    /// When `id` does not come from this schema.
    pub fn relation(&self, id: RelId) -> &RelationDef {
        // A `RelId` is only made by `add_relation`, as a position in `relations`.
        &self.relations[usize::from(id.0)]
    }

    /// Every kind, in declaration order, with its id.
    pub fn kinds(&self) -> impl ExactSizeIterator<Item = (KindId, &KindDef)> {
        self.kinds
            .iter()
            .enumerate()
            .map(|(i, k)| (KindId(i as u16), k))
    }

    /// Every relation, in declaration order, with its id.
    pub fn relations(&self) -> impl ExactSizeIterator<Item = (RelId, &RelationDef)> {
        self.relations
            .iter()
            .enumerate()
            .map(|(i, r)| (RelId(i as u16), r))
    }

    /// Every name a kind may be typed as (names and plurals).
    pub fn kind_spellings(&self) -> impl Iterator<Item = &str> {
        self.kind_names.keys().map(String::as_str)
    }

    /// Whether the relation allows an edge from a node of kind `from` to one of kind `to`.
    pub fn allows(&self, rel: RelId, from: KindId, to: KindId) -> bool {
        let def = self.relation(rel);
        def.from.contains(&from) && def.to.contains(&to)
    }
}
