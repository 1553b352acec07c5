//! The resolve step: what a command runs with once the command line is
//! parsed. [`Printing`] fixes how the answer is printed (checked against
//! the formats the command offers before anything runs); [`Context`] adds
//! the loaded graph and turns NODE, KIND and REL arguments into graph
//! values. Commands return an [`Output`], which only [`super::run`] writes.

use std::path::PathBuf;
use std::time::Duration;

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use super::CliError;
use crate::export::{Diagram, DiagramOptions};
use crate::load::snapshot::view::Neighbourhood;
use crate::model::Graph;
use crate::output::{DiagramFormat, Format, RecordFormat, ReportFormat, Shape, Style};

/// How the answer is to be printed, resolved from the global options and
/// the subcommand.
#[derive(Debug, Clone)]
pub struct Printing {
    /// `--format`, else the format `--output`'s extension names, else the
    /// command's default (the first it offers).
    pub format: Format,
    /// Whether `--format` or `--output`'s extension named the format, rather
    /// than the command's default standing in.
    pub chosen: bool,
    /// The subcommand, named in a usage error.
    pub command: &'static str,
    /// Every format the subcommand offers, its default first.
    pub offers: &'static [Format],
    /// Colour and wrapping, as stdout can show them.
    pub style: Style,
    /// `--rankdir` and `--legend`.
    pub diagram: DiagramOptions,
    /// How long Graphviz may take (`--render-timeout`).
    pub render_timeout: Duration,
}

impl Printing {
    /// The usage error for a `--format` the command does not offer.
    pub fn unsupported(&self) -> CliError {
        CliError::Format {
            command: self.command,
            format: self.format,
            supported: self.offers,
        }
    }

    /// The usage error when the chosen format is not one the command offers.
    pub fn check(&self) -> Result<(), CliError> {
        if self.offers.contains(&self.format) {
            Ok(())
        } else {
            Err(self.unsupported())
        }
    }

    /// The chosen format, for a command that prints records only.
    pub fn records(&self) -> Result<RecordFormat, CliError> {
        match self.format.shape() {
            Shape::Records(format) => Ok(format),
            Shape::Diagram(_) => Err(self.unsupported()),
        }
    }

    /// The chosen format, for a command that prints a report: a table or JSON.
    pub fn report(&self) -> Result<ReportFormat, CliError> {
        match self.format.shape() {
            Shape::Records(format) => format.report().ok_or_else(|| self.unsupported()),
            Shape::Diagram(_) => Err(self.unsupported()),
        }
    }
}

/// What every command that reads a graph needs: the graph and how to print.
pub struct Context {
    /// The graph of `--graph`, or the built-in one.
    pub graph: Graph,
    /// When `graph` is a neighbourhood read in place from a snapshot (see
    /// [`Scope`]): each of its edges' index in the whole graph.
    pub whole_edges: Option<Vec<u32>>,
    /// The chosen format (as in `printing`).
    pub format: Format,
    /// The terminal's style (as in `printing`).
    pub style: Style,
    /// The rest of how to print: diagram options, Graphviz's time limit,
    /// the formats the command offers.
    pub printing: Printing,
    /// Whether the graph holds the edges the schema's rules derive.
    pub reasoning: bool,
    /// Notes for stderr made while resolving arguments (a NODE taken to be
    /// its best search match); `run` prints them before the command's own.
    pub notes: std::rc::Rc<std::cell::RefCell<String>>,
}

/// How much of the graph a command needs.
///
/// A command whose answer depends only on a few nodes and what lies near
/// them says so, and a snapshot given alone to `-g` is then opened in
/// place ([`crate::load::snapshot::view`]): only that neighbourhood is
/// read into the context's graph, and the command runs on it unchanged.
/// Whenever the neighbourhood could answer otherwise than the whole graph
/// (a NODE that is not an exact id, an id the snapshot lacks, a snapshot
/// without the edges its rules derive, any fault in the file) the whole
/// graph is loaded instead, so the answer and its errors are the full
/// load's.
///
/// From other graph files, with the rules, a command that asks for `Around`
/// gets the whole graph, but only the derived edges of that neighbourhood
/// (and those their proofs name) are linked into it
/// ([`crate::reason::Apart::link_around`]): every edge is still derived,
/// with its proof, but the command does not wait for a million edges it
/// will not read to be linked. When a NODE argument is not an exact id,
/// all are linked.
#[derive(Debug, Clone)]
pub enum Scope<'a> {
    /// The whole graph.
    Whole,
    /// The nodes these NODE arguments name, and everything within
    /// `radius` edges of them, in either direction.
    Around {
        /// The NODE arguments as typed.
        nodes: Vec<&'a str>,
        /// How many edges out the command looks.
        radius: usize,
    },
    /// As `Around`, for a command that may ask for the whole graph after
    /// all (`query`, when its answer from the neighbourhood has a warning).
    /// A snapshot's neighbourhood is read the same way; a load of other
    /// graph files links every derived edge for it, since linking the rest
    /// later would mean loading again.
    Reach {
        /// The NODE arguments as typed.
        nodes: Vec<&'a str>,
        /// How many edges out the command looks.
        radius: usize,
    },
    /// As `Around`, for a command that may not be able to answer from it
    /// and then asks for more (`path`): it gives way to the whole graph
    /// after an eighth of the edges `Around` may read, so that a try that
    /// fails costs little beside the whole load that follows.
    Probe {
        /// The NODE arguments as typed.
        nodes: Vec<&'a str>,
        /// How many edges out the command looks.
        radius: usize,
    },
    /// What an impact walk from this NODE argument can reach within
    /// `depth` edges ([`crate::load::snapshot::view::View::impact_neighbourhood`]).
    Impact {
        /// The NODE argument as typed.
        node: &'a str,
        /// How many edges out the walk goes.
        depth: usize,
    },
}

/// The most edges a neighbourhood reads in place from a snapshot of
/// `edges` edges (taken or looked at) before it gives way to loading the
/// whole graph: a twenty-fifth of them, and at least 10,000. An edge read
/// in place costs about 10 µs (a few reads of the file); a whole load
/// about 0.4 µs an edge (1.9 s for the 4.85 million edges of the generated
/// million-node graph, BENCHMARKS.md), so past this many the whole load is
/// the cheaper.
pub fn in_place_limit(edges: usize) -> usize {
    (edges / 25).max(10_000)
}

/// Setting this variable (to anything) makes every command load the whole
/// graph, as it does for every format but a snapshot: the tests compare
/// both ways of opening a snapshot with it, and it is a way out should
/// the in-place path ever be in doubt.
pub const WHOLE_GRAPH_ENV: &str = "SECCOOP_WHOLE_GRAPH";

impl Context {
    /// [`Context::resolve`] for a command that needs only `scope`: the
    /// neighbourhood alone when a snapshot can give it (see [`Scope`]),
    /// else the whole graph.
    pub fn resolve_scope(
        graph_files: &[PathBuf],
        printing: &Printing,
        reasoning: bool,
        scope: Scope<'_>,
    ) -> Result<Self, CliError> {
        if let Some(part) = Self::neighbourhood(graph_files, reasoning, scope.clone()) {
            let mut ctx = Self::with_graph(part.graph, printing, reasoning);
            ctx.whole_edges = Some(part.whole_edges);
            return Ok(ctx);
        }
        match scope {
            Scope::Around { nodes, radius }
                if reasoning
                    && !graph_files.is_empty()
                    && std::env::var_os(WHOLE_GRAPH_ENV).is_none() =>
            {
                Self::resolve_around(graph_files, printing, &nodes, radius)
            }
            _ => Self::resolve(graph_files, printing, reasoning),
        }
    }

    /// The whole graph, with the rules, its derived edges linked only
    /// around the nodes `nodes` name when a bulk load kept them apart (see
    /// [`Scope`]). `whole_edges` stays `None`: the commands that ask for
    /// `Around` print no edge's index.
    fn resolve_around(
        graph_files: &[PathBuf],
        printing: &Printing,
        nodes: &[&str],
        radius: usize,
    ) -> Result<Self, CliError> {
        let progress = super::run::progress_bar();
        // A command that reads its nodes' own edges alone needs only the
        // derived edges at them kept.
        let at = (radius <= 1).then_some(nodes);
        let (mut graph, apart) =
            crate::load::load_paths_reasoning_apart(graph_files, &progress, at)
                .map_err(CliError::Load)??;
        if let Some(apart) = apart {
            // Exact ids only: they resolve as `Context::node` resolves them,
            // without a pass over every node.
            let seeds: Option<Vec<NodeIndex>> =
                nodes.iter().map(|text| graph.node_index(text)).collect();
            let limit = in_place_limit(graph.edge_count() + apart.len());
            match seeds {
                Some(seeds) => {
                    apart.link_around(&mut graph, &seeds, radius, limit)?;
                }
                None => {
                    apart.link_all(&mut graph)?;
                }
            }
        }
        Ok(Self::with_graph(graph, printing, true))
    }

    /// The neighbourhood `scope` names, read in place from a snapshot given
    /// alone; `None` whenever the whole graph must be loaded instead.
    fn neighbourhood(
        graph_files: &[PathBuf],
        reasoning: bool,
        scope: Scope<'_>,
    ) -> Option<Neighbourhood> {
        use crate::load::snapshot::{is_snapshot, view::View};
        let (nodes, radius, impact, share) = match scope {
            Scope::Whole => return None,
            Scope::Around { nodes, radius } | Scope::Reach { nodes, radius } => {
                (nodes, radius, false, 1)
            }
            Scope::Probe { nodes, radius } => (nodes, radius, false, 8),
            Scope::Impact { node, depth } => (vec![node], depth, true, 1),
        };
        let [path] = graph_files else {
            return None;
        };
        if std::env::var_os(WHOLE_GRAPH_ENV).is_some()
            || !is_snapshot(path)
            || !path.is_file()
            || crate::load::special_file(path).is_some()
        {
            return None;
        }
        let view = View::open(path).ok()?;
        let seeds = nodes
            .into_iter()
            .map(|id| view.find(id).ok().flatten())
            .collect::<Option<Vec<u32>>>()?;
        let limit = in_place_limit(view.edge_count()) / share;
        let part = if impact {
            view.impact_neighbourhood(&seeds, radius, reasoning, limit)
        } else {
            view.neighbourhood(&seeds, radius, reasoning, limit)
        }
        .ok()??;
        // A snapshot written without its derived edges has them derived at
        // load, over the whole graph.
        if reasoning && view.derived_count() == 0 && !part.graph.schema().rules().is_empty() {
            return None;
        }
        Some(part)
    }

    /// Loads the graph named on the command line, or the embedded one, and
    /// adds the edges its schema's rules derive unless `reasoning` is off.
    pub fn resolve(
        graph_files: &[PathBuf],
        printing: &Printing,
        reasoning: bool,
    ) -> Result<Self, CliError> {
        let progress = super::run::progress_bar();
        let graph = if graph_files.is_empty() {
            let mut graph = crate::load::embedded_with_derived().map_err(CliError::Load)??;
            if !reasoning {
                graph.remove_derived();
            }
            graph
        } else if reasoning {
            crate::load::load_paths_reasoning(graph_files, &progress).map_err(CliError::Load)??
        } else {
            // A snapshot's derived edges are stepped over for --no-reasoning.
            crate::load::load_paths_asserted(graph_files, &progress).map_err(CliError::Load)?
        };
        Ok(Self::with_graph(graph, printing, reasoning))
    }

    /// A context answering from `graph`, printed as `printing` says.
    fn with_graph(graph: Graph, printing: &Printing, reasoning: bool) -> Self {
        Context {
            whole_edges: None,
            reasoning,
            notes: Default::default(),
            graph,
            format: printing.format,
            style: printing.style,
            printing: printing.clone(),
        }
    }

    /// The usage error for a `--format` the command does not offer.
    pub fn unsupported(&self) -> CliError {
        self.printing.unsupported()
    }

    /// The answer drawn in `format`.
    pub fn draw(&self, diagram: &Diagram, format: DiagramFormat) -> Result<Output, CliError> {
        use crate::export::render::{ImageFormat, render};
        let options = &self.printing.diagram;
        let image = match format {
            DiagramFormat::Dot => {
                return Ok(Output::answer(crate::export::dot::to_dot(diagram, options)));
            }
            DiagramFormat::Mermaid => {
                return Ok(Output::answer(crate::export::mermaid::to_mermaid(
                    diagram, options,
                )));
            }
            DiagramFormat::Svg => ImageFormat::Svg,
            DiagramFormat::Png => ImageFormat::Png,
            DiagramFormat::Pdf => ImageFormat::Pdf,
            DiagramFormat::Html => {
                let page = crate::export::html::to_html(diagram).map_err(CliError::Html)?;
                return Ok(Output::answer(page));
            }
        };
        let dot = crate::export::dot::to_dot(diagram, options);
        let bytes = render(&dot, image, self.printing.render_timeout).map_err(CliError::Render)?;
        Ok(Output::answer(bytes))
    }

    /// A report that prints as a table or as JSON.
    pub fn table_or_json(
        &self,
        json: impl FnOnce() -> String,
        table: impl FnOnce() -> String,
    ) -> Result<Output, CliError> {
        Ok(Output::answer(match self.printing.report()? {
            ReportFormat::Json => json(),
            ReportFormat::Table => table(),
        }))
    }

    /// The node a NODE argument means (id, name or alias), or else its
    /// clearly best search match, which a note on stderr names.
    pub fn node(&self, text: &str) -> Result<NodeIndex, CliError> {
        let (ix, guessed) = crate::analysis::resolve_node_or_search(&self.graph, text)
            .map_err(|e| CliError::node(&self.graph, e))?;
        if guessed && let Some(n) = self.graph.node(ix) {
            use std::fmt::Write as _;
            let safe = |t: &str| crate::output::safe(t).into_owned();
            let _ = writeln!(
                self.notes.borrow_mut(),
                "note: no node is called `{}`; taking `{}` ({}), the best search match",
                safe(text),
                safe(&n.id),
                safe(&n.name)
            );
        }
        Ok(ix)
    }

    /// The kind a KIND argument means (singular or plural, any case).
    pub fn kind(&self, text: &str) -> Result<crate::model::KindId, CliError> {
        self.graph
            .schema()
            .resolve_kind(text)
            .map_err(CliError::UnknownKind)
    }

    /// The relation a `--rel` argument means (any case, `-` for `_`).
    pub fn relation(&self, text: &str) -> Result<crate::model::RelId, CliError> {
        self.graph
            .schema()
            .resolve_relation(text)
            .map_err(CliError::UnknownRelation)
    }

    /// `{id, kind, name}` of a node, the shape every JSON answer uses.
    pub fn node_ref(&self, ix: NodeIndex) -> NodeRef {
        match self.graph.node(ix) {
            Some(n) => NodeRef {
                id: String::from(&*n.id),
                kind: self.graph.kind_name(n.kind).to_string(),
                name: String::from(&*n.name),
            },
            None => NodeRef::default(),
        }
    }
}

/// A node as JSON answers list it.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct NodeRef {
    /// The id NODE arguments and graph files name it by.
    pub id: String,
    /// The name of its kind, as the schema spells it (`threat`).
    pub kind: String,
    /// The name people read, as the graph gives it (JSON keeps it whole;
    /// tables make it safe).
    pub name: String,
}

/// An edge as JSON answers list it: `{from, rel, to}` in its real direction,
/// and for an edge the schema's rules derived, `"basis": "derived"` and its
/// proof (asserted edges leave both out).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct EdgeJson {
    /// The id of the node the edge starts at.
    pub from: String,
    /// The name of its relation, as the schema spells it (`addresses`).
    pub rel: String,
    /// The id of the node it ends at.
    pub to: String,
    /// `derived` for a derived edge; absent for an asserted one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<crate::model::Basis>,
    /// A derived edge's proof.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof: Option<super::proof::ProofJson>,
    /// For tables: `(derived via NAME)` for a derived edge, else empty.
    #[serde(skip)]
    pub mark: String,
}

impl Context {
    /// `{from, rel, to}` of an edge, with the basis and proof of a derived one.
    pub fn edge_json(&self, e: EdgeIndex) -> EdgeJson {
        let mut json = self.edge_ends(e);
        if self.graph.proof(e).is_some() {
            json.basis = Some(crate::model::Basis::Derived);
            json.proof = self.proof_json(e);
            json.mark = self.derived_mark(e);
        }
        json
    }

    /// `(derived via NAME)` for a derived edge, as tables mark it; empty
    /// for an asserted one.
    pub fn derived_mark(&self, e: EdgeIndex) -> String {
        if self.graph.proof(e).is_none() {
            return String::new();
        }
        match self.via(e) {
            via if via.is_empty() => "(derived)".into(),
            via => format!("(derived {via})"),
        }
    }

    /// `{from, rel, to}` of an edge alone.
    pub fn edge_ends(&self, e: EdgeIndex) -> EdgeJson {
        let g = self.graph.petgraph();
        let (Some((from, to)), Some(edge)) = (g.edge_endpoints(e), g.edge_weight(e)) else {
            return EdgeJson::default();
        };
        let id = |ix| {
            self.graph
                .node(ix)
                .map(|n| String::from(&*n.id))
                .unwrap_or_default()
        };
        EdgeJson {
            from: id(from),
            rel: self.graph.rel_name(edge.rel).to_string(),
            to: id(to),
            ..EdgeJson::default()
        }
    }

    /// `Name (kind)` of a node, for tables.
    pub fn label(&self, ix: NodeIndex) -> String {
        match self.graph.node(ix) {
            Some(n) => {
                let text = format!("{} ({})", n.name, self.graph.kind_name(n.kind));
                // Copied again only when something in it needs escaping.
                if let std::borrow::Cow::Owned(escaped) = crate::output::safe(&text) {
                    escaped
                } else {
                    text
                }
            }
            None => String::new(),
        }
    }
}
/// What a command produced: the answer for stdout (or `--output`), text
/// for stderr, and whether it failed (exit code 1).
#[derive(Debug, Default)]
pub struct Output {
    /// The answer: text, or an image's bytes.
    pub stdout: Vec<u8>,
    /// Warnings and notes for stderr, printed before the answer is written
    /// (to stdout or to `--output`).
    pub stderr: String,
    /// Exit with code 1 after printing.
    pub failed: bool,
}

impl Output {
    /// A successful answer.
    pub fn answer(stdout: impl Into<Vec<u8>>) -> Self {
        Output {
            stdout: stdout.into(),
            ..Output::default()
        }
    }
}

/// A big graph is not freed when its command ends.
///
/// Freeing a million-node graph one allocation at a time takes longer than
/// answering from it (a third of a second, measured); the process exits
/// right after the command, and the OS takes the memory back at once.
impl Drop for Context {
    fn drop(&mut self) {
        if self.graph.node_count() > 100_000 {
            let empty = Graph::new(crate::model::Schema::new());
            std::mem::forget(std::mem::replace(&mut self.graph, empty));
        }
    }
}
