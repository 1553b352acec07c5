//! `seccoop query`: ask the graph a Cypher query, or open a shell for many.

use std::borrow::Cow;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::context::Scope;
use super::{CliError, Context, Output};
use crate::export::Diagram;
use crate::output::{self, Format, RecordFormat, Records, Shape};
use crate::query::{self, Options, Params, QueryGraph, QueryResult, SeccoopGraph, Value};

/// The long help `seccoop query --help` shows after the options: the
/// Cypher subset, the shell and examples. (`-h` shows only the short help,
/// the doc comment of [`Args`], as for every subcommand.)
const LONG_HELP: &str = "\
A read-only subset of openCypher: MATCH (with variable-length and optional
patterns), WHERE, WITH, UNWIND, RETURN, ORDER BY, SKIP, LIMIT, UNION,
EXISTS { }, COUNT { } and CALL { } subqueries, procedures (SHOW PROCEDURES),
shortest paths, EXPLAIN and PROFILE, aggregation, CASE, list and pattern
comprehensions, map projections and the usual functions. Node labels are the kinds
(activity, threat, ...), relationship types are the relations (addresses, ...),
and id, name and every other property are properties; id(n) is the node's id.

With no QUERY and no --file, the query is read from stdin; on a terminal an
interactive shell opens instead: end each query with `;`, Tab completes keywords,
labels, relationship types, property names, node ids and procedures, Ctrl-D quits.

On a snapshot (-g graph.sccp), a query whose patterns start at nodes named by id
({id: '...'}, a --param, or n.id = '...' in the WHERE) and walk a bounded number
of hops reads only the part of the file it can reach, and answers as the whole
graph would; any other query loads the whole graph.

Examples:
  seccoop query 'MATCH (a:activity)-[:addresses]->(:threat {id: \"terrorism\"})
                 RETURN a.id, a.name ORDER BY a.name'
  seccoop query 'MATCH (t:threat) RETURN t.id, size([(a)-[:addresses]->(t) | a]) AS n
                 ORDER BY n DESC LIMIT 3'
  seccoop query --param t=terrorism 'MATCH (x {id: $t})<-[*1..2]-(y) RETURN DISTINCT y.id'";

/// Ask the graph a Cypher query.
#[derive(Debug, clap::Args)]
#[command(after_long_help = LONG_HELP)]
pub struct Args {
    /// The query, e.g. 'MATCH (t:threat) RETURN t.id'; without it the query is read from --file, from stdin, or typed into the shell.
    #[arg(value_name = "QUERY")]
    pub query: Option<String>,
    /// Read the query from this file.
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        conflicts_with = "query"
    )]
    pub file: Option<PathBuf>,
    /// Set `$NAME` in the query; VALUE is read as a Cypher literal (42, 'text', [1, 2], {a: 1}) when it is one, else as a string (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, Value)>,
    /// Stop with an error when a variable-length pattern without an upper bound (`*`, `*2..`) would walk more than N hops; without it, every path is walked and the answer is exact.
    #[arg(long, value_name = "N")]
    pub max_hops: Option<u64>,
    /// Stop with an error when one clause would hold more than N rows at once (the answer, rows to sort, groups, DISTINCT rows); rows an aggregate counts as they stream do not count.
    #[arg(long, value_name = "N", default_value_t = Options::default().max_rows)]
    pub max_rows: usize,
    /// Stop with an error when the query runs longer than SECONDS (0: no limit); a stopped query prints no answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0, value_parser = parse_seconds)]
    pub timeout: f64,
}

/// A number of seconds, 0 or more.
fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s >= 0.0 => Ok(s),
        _ => Err(format!(
            "expected a number of seconds, 0 or more, found `{text}`"
        )),
    }
}

/// `name=value`, the value a Cypher literal if it parses as one.
fn parse_param(text: &str) -> Result<(String, Value), String> {
    let Some((name, value)) = text.split_once('=') else {
        return Err(format!("expected NAME=VALUE, found `{text}`"));
    };
    let name = name.trim().trim_start_matches('$');
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Err(format!(
            "`{name}` is not a parameter name: use letters, digits and `_`"
        ));
    }
    let value = query::parse_literal(value).unwrap_or_else(|| Value::String(value.to_string()));
    Ok((name.to_string(), value))
}

/// The formats `query` prints in, its default first: every one.
pub const FORMATS: &[Format] = Format::RECORDS_OR_DIAGRAM;

/// Runs `query`, asking `ctx` for the graph once it knows what the query
/// needs of it.
///
/// A query whose answer lies near nodes it names by id
/// ([`query::reach`]) asks for that neighbourhood alone: a snapshot then
/// reads just that in place, as for `related`. When the answer from the
/// neighbourhood could differ from the whole graph's (a warning about a
/// property no node there has; an error), the query runs again on the
/// whole graph, whose answer is printed.
pub fn run(
    args: &Args,
    ctx: &mut dyn FnMut(Scope<'_>) -> Result<&'static Context, CliError>,
) -> Result<Output, CliError> {
    let params: Params = args.params.iter().cloned().collect();
    let options = Options {
        max_hops: args.max_hops,
        max_rows: args.max_rows,
        timeout: (args.timeout > 0.0)
            .then(|| std::time::Duration::try_from_secs_f64(args.timeout).ok())
            .flatten(),
        ..Options::default()
    };
    let Some((name, text)) = source(args)? else {
        return shell(ctx(Scope::Whole)?, &params, &options);
    };
    if text.trim().is_empty() {
        return Err(CliError::EmptyQuery);
    }
    if let Some(reach) = query::reach_of(&text, &params) {
        let near = ctx(Scope::Reach {
            nodes: reach.anchors.iter().map(String::as_str).collect(),
            radius: reach.radius,
        })?;
        let Some(ids) = &near.whole_edges else {
            // The whole graph was loaded after all.
            return answer(near, &name, &text, &params, &options);
        };
        let graph = SeccoopGraph::with_edge_ids(&near.graph, ids);
        if let Ok(result) = query::run(&text, &graph, &params, &options)
            && result.warnings.is_empty()
        {
            return render(near, &graph, &result, &name, &text);
        }
    }
    answer(ctx(Scope::Whole)?, &name, &text, &params, &options)
}

/// Where the query is read from, and its text: `None` for the interactive
/// shell (no QUERY, no --file, and stdin a terminal).
fn source(args: &Args) -> Result<Option<(String, String)>, CliError> {
    Ok(Some(match (&args.query, &args.file) {
        (Some(q), _) => ("<query>".to_string(), q.clone()),
        (None, Some(path)) => match std::fs::read_to_string(path) {
            Ok(text) => (path.display().to_string(), text),
            Err(source) => {
                return Err(CliError::QueryFile {
                    path: path.clone(),
                    source,
                });
            }
        },
        (None, None) if std::io::stdin().is_terminal() => return Ok(None),
        (None, None) => {
            let mut text = String::new();
            if let Err(source) = std::io::stdin().read_to_string(&mut text) {
                return Err(CliError::QueryStdin { source });
            }
            ("<stdin>".to_string(), text)
        }
    }))
}

/// Runs one query and renders its answer in the chosen format.
fn answer(
    ctx: &Context,
    name: &str,
    text: &str,
    params: &Params,
    options: &Options,
) -> Result<Output, CliError> {
    let graph = SeccoopGraph::new(&ctx.graph);
    let result = query::run(text, &graph, params, options)
        .map_err(|e| CliError::Query(Box::new(e.report(name, text))))?;
    render(ctx, &graph, &result, name, text)
}

/// Renders a query's answer in the chosen format.
fn render(
    ctx: &Context,
    graph: &SeccoopGraph<'_>,
    result: &QueryResult,
    name: &str,
    text: &str,
) -> Result<Output, CliError> {
    let color = ctx.printing.style.color;
    let mut stderr = notes(result, name, text, color);
    let format = match ctx.format.shape() {
        Shape::Records(format) => format,
        Shape::Diagram(format) => {
            let (nodes, edges) = elements(result);
            if nodes.is_empty() {
                return Err(CliError::NothingToDraw { warnings: stderr });
            }
            let diagram = Diagram::new(&ctx.graph, nodes, edges);
            let mut out = ctx.draw(&diagram, format)?;
            out.stderr = stderr;
            return Ok(out);
        }
    };
    let rows: Vec<QueryRow<'_>> = result
        .rows
        .iter()
        .map(|values| QueryRow {
            graph,
            columns: &result.columns,
            values,
        })
        .collect();
    let columns: Vec<&str> = result.columns.iter().map(String::as_str).collect();
    let records = Records::new(&rows, &columns, |row: &QueryRow<'_>| {
        row.values
            .iter()
            .map(|v| query::cell_text(row.graph, v))
            .collect()
    })
    .headers_as_written()
    .blank_when_empty();
    let stdout = records.render(format, ctx.style);
    if result.rows.is_empty() && format == RecordFormat::Table {
        stderr.push_str("the query returned no rows\n");
    }
    Ok(Output {
        stdout: stdout.into_bytes(),
        stderr,
        failed: false,
    })
}

/// Warnings about the query and its evaluation, for stderr.
fn notes(result: &QueryResult, name: &str, text: &str, color: bool) -> String {
    let mut out = String::new();
    for w in &result.warnings {
        out.push_str(&output::diagnostic(&w.report(name, text), color));
    }
    out
}

/// Every node and relationship in the answer, paths opened up.
fn elements(
    result: &QueryResult,
) -> (
    Vec<petgraph::stable_graph::NodeIndex>,
    Vec<petgraph::stable_graph::EdgeIndex>,
) {
    use petgraph::stable_graph::{EdgeIndex, NodeIndex};
    fn walk(v: &Value, nodes: &mut Vec<NodeIndex>, edges: &mut Vec<EdgeIndex>) {
        match v {
            Value::Node(n) => nodes.push(NodeIndex::new(n.0 as usize)),
            Value::Rel(e) => edges.push(EdgeIndex::new(e.0 as usize)),
            Value::Path(p) => {
                nodes.extend(p.nodes().map(|n| NodeIndex::new(n.0 as usize)));
                edges.extend(p.edges().map(|e| EdgeIndex::new(e.0 as usize)));
            }
            Value::List(items) => items.iter().for_each(|i| walk(i, nodes, edges)),
            Value::Map(m) => m.values().for_each(|i| walk(i, nodes, edges)),
            _ => {}
        }
    }
    let (mut nodes, mut edges) = (Vec::new(), Vec::new());
    for row in &result.rows {
        for v in row {
            walk(v, &mut nodes, &mut edges);
        }
    }
    (nodes, edges)
}

/// A row of the answer; in JSON an object whose keys are the columns, in
/// column order.
struct QueryRow<'a> {
    graph: &'a dyn QueryGraph,
    columns: &'a [String],
    values: &'a [Value],
}

impl Serialize for QueryRow<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.columns.len()))?;
        for (c, v) in self.columns.iter().zip(self.values) {
            map.serialize_entry(c, &query::to_json(self.graph, v))?;
        }
        map.end()
    }
}

// ---- the interactive shell ----

const SHELL_HELP: &str = "\
End a query with `;` (it may span lines). Tab completes keywords, labels,
relationship types, property names, node ids and procedure names.
  :help   show this
  :quit   leave (or Ctrl-D)
";

/// Where the shell keeps its history: `$XDG_DATA_HOME/seccoop` or
/// `~/.local/share/seccoop`; none when neither can be found.
fn history_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local/share"))
        })?;
    Some(base.join("seccoop").join("query_history"))
}

/// The shell's editor helper: completion and "is the query complete".
struct ShellHelper {
    words: Vec<String>,
}

/// Cypher keywords offered by completion.
const KEYWORDS: &[&str] = &[
    "MATCH",
    "OPTIONAL",
    "WHERE",
    "RETURN",
    "WITH",
    "UNWIND",
    "ORDER",
    "BY",
    "SKIP",
    "LIMIT",
    "DISTINCT",
    "AND",
    "OR",
    "XOR",
    "NOT",
    "IN",
    "IS",
    "NULL",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "AS",
    "DESC",
    "STARTS",
    "ENDS",
    "CONTAINS",
    "UNION",
    "ALL",
    "EXISTS",
    "COUNT",
    "SHORTEST",
    "ANY",
    "shortestPath",
    "allShortestPaths",
    "EXPLAIN",
    "PROFILE",
    "CALL",
    "YIELD",
    "SHOW",
    "PROCEDURES",
    "PATHS",
    "count",
    "collect",
];

fn word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

impl ShellHelper {
    /// The completions of the word ending at `pos`, and where it starts.
    fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let before = &line[..pos.min(line.len())];
        let start = before
            .char_indices()
            .rev()
            .take_while(|&(_, c)| word_char(c))
            .last()
            .map_or(before.len(), |(i, _)| i);
        let word = &before[start..];
        if word.is_empty() {
            return (start, Vec::new());
        }
        // A dotted name (`db.la`, `seccoop.imp`) completes as a whole when
        // some procedure's name starts with it.
        let dotted = before
            .char_indices()
            .rev()
            .take_while(|&(_, c)| word_char(c) || c == '.')
            .last()
            .map_or(start, |(i, _)| i);
        if dotted < start {
            let name = before[dotted..].to_lowercase();
            let procedures: Vec<String> = self
                .words
                .iter()
                .filter(|w| w.contains('.') && w.to_lowercase().starts_with(&name))
                .cloned()
                .collect();
            if !procedures.is_empty() {
                return (dotted, procedures);
            }
        }
        let lower = word.to_lowercase();
        let mut found: Vec<String> = self
            .words
            .iter()
            .map(String::as_str)
            .chain(KEYWORDS.iter().copied())
            .filter(|w| w.to_lowercase().starts_with(&lower) && *w != word)
            .map(str::to_string)
            .collect();
        found.sort();
        found.dedup();
        (start, found)
    }
}

impl rustyline::completion::Completer for ShellHelper {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        Ok(self.candidates(line, pos))
    }
}

impl rustyline::hint::Hinter for ShellHelper {
    type Hint = String;
}

impl rustyline::highlight::Highlighter for ShellHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        Cow::Borrowed(line)
    }
}

impl rustyline::validate::Validator for ShellHelper {
    fn validate(
        &self,
        ctx: &mut rustyline::validate::ValidationContext<'_>,
    ) -> rustyline::Result<rustyline::validate::ValidationResult> {
        use rustyline::validate::ValidationResult;
        let input = ctx.input().trim();
        Ok(
            if input.is_empty() || input.starts_with(':') || input.ends_with(';') {
                ValidationResult::Valid(None)
            } else {
                ValidationResult::Incomplete
            },
        )
    }
}

impl rustyline::Helper for ShellHelper {}

/// The interactive shell: reads queries until `:quit` or end of input,
/// printing each answer as it comes.
fn shell(ctx: &Context, params: &Params, options: &Options) -> Result<Output, CliError> {
    use rustyline::error::ReadlineError;
    let graph = SeccoopGraph::new(&ctx.graph);
    let helper = ShellHelper {
        words: query::vocabulary(&graph),
    };
    let config = rustyline::Config::builder()
        .auto_add_history(false)
        .completion_type(rustyline::CompletionType::List)
        .build();
    let mut editor: rustyline::Editor<ShellHelper, rustyline::history::DefaultHistory> =
        match rustyline::Editor::with_config(config) {
            Ok(e) => e,
            Err(e) => return Err(CliError::Shell(e)),
        };
    editor.set_helper(Some(helper));
    let history = history_path();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    let mut stdout = std::io::stdout();
    let mut stderr = std::io::stderr();
    let _ = writeln!(
        stderr,
        "seccoop query shell: {} nodes, {} edges. End queries with `;`; `:help` for help, Ctrl-D to quit.",
        ctx.graph.node_count(),
        ctx.graph.edge_count()
    );
    loop {
        let line = match editor.readline("seccoop> ") {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                let _ = writeln!(stderr, "error: cannot read input: {e}");
                break;
            }
        };
        let input = line.trim();
        if input.is_empty() {
            continue;
        }
        let _ = editor.add_history_entry(input);
        match input {
            ":quit" | ":exit" | ":q" => break,
            ":help" | ":h" => {
                let _ = write!(stderr, "{SHELL_HELP}");
                continue;
            }
            _ if input.starts_with(':') => {
                let _ = writeln!(
                    stderr,
                    "error: unknown command `{input}`; `:help` lists them"
                );
                continue;
            }
            _ => {}
        }
        let text = input.trim_end_matches(';');
        match answer(ctx, "<query>", text, params, options) {
            Ok(out) => {
                let _ = stdout.write_all(&out.stdout);
                let _ = stdout.flush();
                let _ = stderr.write_all(out.stderr.as_bytes());
            }
            Err(e) => {
                let _ = stderr.write_all(e.render(ctx.printing.style.color).as_bytes());
            }
        }
    }
    if let Some(path) = &history {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = editor.save_history(path);
    }
    Ok(Output::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_parse_as_literals_or_strings() {
        assert_eq!(parse_param("n=42"), Ok(("n".into(), Value::Int(42))));
        assert_eq!(
            parse_param("t=terrorism"),
            Ok(("t".into(), Value::String("terrorism".into())))
        );
        assert_eq!(
            parse_param("l=[1, 'a']"),
            Ok((
                "l".into(),
                Value::List(vec![Value::Int(1), Value::String("a".into())])
            ))
        );
        assert!(parse_param("novalue").is_err());
        assert!(parse_param("a b=1").is_err());
    }

    #[test]
    fn completion_offers_labels_types_and_ids() {
        let helper = ShellHelper {
            words: vec!["activity".into(), "addresses".into(), "terrorism".into()],
        };
        assert_eq!(
            helper.candidates("MATCH (a:act", 12),
            (9, vec!["activity".to_string()])
        );
        assert_eq!(
            helper.candidates("MATCH (t {id: 'terr", 19),
            (15, vec!["terrorism".to_string()])
        );
        assert_eq!(helper.candidates("RET", 3), (0, vec!["RETURN".to_string()]));
    }

    #[test]
    fn completion_offers_procedures_by_their_dotted_names() {
        let graph = crate::load::embedded().expect("the built-in graph");
        let helper = ShellHelper {
            words: query::vocabulary(&query::SeccoopGraph::new(&graph)),
        };
        assert_eq!(
            helper.candidates("CALL seccoop.im", 15),
            (5, vec!["seccoop.impact".to_string()])
        );
        assert_eq!(
            helper.candidates("CALL db.schema.v", 16),
            (5, vec!["db.schema.visualization".to_string()])
        );
        // A property after a variable still completes as a property.
        assert_eq!(
            helper.candidates("MATCH (n) RETURN n.nam", 22),
            (19, vec!["name".to_string()])
        );
    }
}
