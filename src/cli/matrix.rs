//! `seccoop matrix`: the coverage matrix, one kind against another.

use std::fmt::Write as _;

use serde::Serialize;

use super::{CliError, Context, NodeRef, Output};
use crate::analysis::matrix::{Matrix, MatrixQuery, default_query, matrix};
use crate::model::Basis;
use crate::output::{self, Format};

/// Tabulate a relation between two kinds: the coverage matrix.
///
/// Rows are the nodes of --rows, columns those of --cols, and a cell is
/// marked where a --rel edge joins them (either way): `●` stated, `○`
/// inferred, `◌` derived by the schema's rules. Rows and columns are sorted by their totals, most first, so
/// the gaps gather at the bottom and on the right. Without options: the
/// `addresses` relation between its own kinds (activities × threats).
/// Prints a table, csv or json, or draws a heatmap with --format svg or
/// html (no Graphviz needed). A matrix of more than 4,000,000 cells is
/// refused: list the pairs with `query` instead.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  seccoop matrix\n  seccoop matrix --rows challenge --cols activity --rel hindered_by\n  seccoop matrix -o coverage.svg"
)]
pub struct Args {
    /// The kind down the side [default: the relation's `from` kind].
    #[arg(long, value_name = "KIND", add = super::completions::kind())]
    pub rows: Option<String>,
    /// The kind across the top [default: the relation's `to` kind].
    #[arg(long, value_name = "KIND", add = super::completions::kind())]
    pub cols: Option<String>,
    /// The relation that marks a cell.
    #[arg(long, value_name = "REL", default_value = "addresses", add = super::completions::relation())]
    pub rel: String,
}

/// The formats `matrix` prints, its default first.
pub const FORMATS: &[Format] = &[
    Format::Table,
    Format::Json,
    Format::Csv,
    Format::Svg,
    Format::Html,
];

#[derive(Serialize)]
struct Report {
    rows_kind: String,
    cols_kind: String,
    rel: String,
    rows: Vec<Line>,
    cols: Vec<Line>,
    /// `cells[r][c]`: `"stated"`, `"inferred"` or null.
    cells: Vec<Vec<Option<&'static str>>>,
}

#[derive(Serialize)]
struct Line {
    #[serde(flatten)]
    node: NodeRef,
    total: usize,
}

/// Runs `matrix`.
pub fn run(args: &Args, ctx: &Context) -> Result<Output, CliError> {
    let rel = ctx.relation(&args.rel)?;
    let implied = default_query(&ctx.graph, rel);
    let kind = |given: &Option<String>, implied: Option<crate::model::KindId>| match given {
        Some(text) => ctx.kind(text),
        // A relation of a schema always names the kinds at its ends.
        None => implied.map_or_else(|| ctx.kind(""), Ok),
    };
    let query = MatrixQuery {
        rows: kind(&args.rows, implied.map(|q| q.rows))?,
        cols: kind(&args.cols, implied.map(|q| q.cols))?,
        rel,
    };
    let schema = ctx.graph.schema();
    let m = matrix(&ctx.graph, &query).map_err(|e| CliError::MatrixTooLarge {
        rows: e.rows,
        rows_kind: schema.kind(query.rows).plural_form().to_string(),
        cols: e.cols,
        cols_kind: schema.kind(query.cols).plural_form().to_string(),
        rel: ctx.graph.rel_name(rel).to_string(),
    })?;
    let (rows_kind, cols_kind) = (&schema.kind(query.rows).name, &schema.kind(query.cols).name);
    let rel_name = ctx.graph.rel_name(rel);
    let title = format!(
        "{} × {} by {rel_name}",
        schema.kind(query.rows).plural_form(),
        schema.kind(query.cols).plural_form()
    );
    let text = match ctx.format {
        Format::Json => output::json(&Report {
            rows_kind: rows_kind.clone(),
            cols_kind: cols_kind.clone(),
            rel: rel_name.to_string(),
            rows: lines(ctx, &m.rows, |i| m.row_total(i)),
            cols: lines(ctx, &m.cols, |i| m.col_total(i)),
            cells: m
                .cells
                .iter()
                .map(|row| row.iter().map(|c| c.map(Basis::as_str)).collect())
                .collect(),
        }),
        Format::Csv => csv(ctx, &m, rows_kind),
        Format::Svg => crate::export::heatmap::to_svg(&ctx.graph, &m, rel, &title),
        Format::Html => crate::export::heatmap::to_html(&ctx.graph, &m, rel, &title),
        Format::Table => table(ctx, &m, rows_kind, cols_kind),
        // Not in FORMATS, so refused before the graph was read.
        Format::Jsonl | Format::Dot | Format::Mermaid | Format::Png | Format::Pdf => {
            return Err(ctx.unsupported());
        }
    };
    Ok(Output::answer(text))
}

fn lines(
    ctx: &Context,
    nodes: &[petgraph::stable_graph::NodeIndex],
    total: impl Fn(usize) -> usize,
) -> Vec<Line> {
    nodes
        .iter()
        .enumerate()
        .map(|(i, &n)| Line {
            node: ctx.node_ref(n),
            total: total(i),
        })
        .collect()
}

fn id(ctx: &Context, n: petgraph::stable_graph::NodeIndex) -> String {
    ctx.node_ref(n).id
}

/// The rows of the matrix, each cell written by `cell`, then a row of the
/// column totals named `total` (ending with the grand total when `grand`).
fn grid(
    ctx: &Context,
    m: &Matrix,
    cell: impl Fn(Option<Basis>) -> String,
    total: &str,
    grand: bool,
) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = m
        .rows
        .iter()
        .enumerate()
        .map(|(r, &n)| {
            let mut row = vec![id(ctx, n)];
            row.extend(m.cells.get(r).into_iter().flatten().map(|&c| cell(c)));
            row.push(m.row_total(r).to_string());
            row
        })
        .collect();
    let mut totals = vec![total.to_string()];
    totals.extend((0..m.cols.len()).map(|c| m.col_total(c).to_string()));
    totals.push(if grand {
        (0..m.rows.len())
            .map(|r| m.row_total(r))
            .sum::<usize>()
            .to_string()
    } else {
        String::new()
    });
    rows.push(totals);
    rows
}

fn csv(ctx: &Context, m: &Matrix, rows_kind: &str) -> String {
    let mut headers: Vec<String> = vec![rows_kind.to_string()];
    headers.extend(m.cols.iter().map(|&c| id(ctx, c)));
    headers.push("total".into());
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let rows = grid(
        ctx,
        m,
        |c| c.map_or("", Basis::as_str).to_string(),
        "total",
        true,
    );
    output::csv(&headers, rows)
}

/// The marks of the table.
fn mark(cell: Option<Basis>) -> &'static str {
    match cell {
        Some(Basis::Stated) => "●",
        Some(Basis::Inferred) => "○",
        Some(Basis::Derived) => "◌",
        None => "·",
    }
}

fn table(ctx: &Context, m: &Matrix, rows_kind: &str, cols_kind: &str) -> String {
    // Columns are numbered; the key under the table names them.
    let mut headers: Vec<String> = vec![rows_kind.to_uppercase()];
    headers.extend((1..=m.cols.len()).map(|i| i.to_string()));
    headers.push("TOTAL".into());
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let rows = grid(ctx, m, |c| mark(c).to_string(), "TOTAL", false);
    let mut out = output::table(&headers, rows, ctx.style);
    out.push('\n');
    let key = m.cols.iter().enumerate().map(|(i, &c)| {
        let node = ctx.node_ref(c);
        vec![(i + 1).to_string(), node.id, node.name]
    });
    out.push_str(&output::table(
        &["#", &cols_kind.to_uppercase(), "NAME"],
        key,
        ctx.style,
    ));
    let derived = m.cells.iter().flatten().any(|c| *c == Some(Basis::Derived));
    let legend = if derived {
        "● stated  ○ inferred  ◌ derived  · none"
    } else {
        "● stated  ○ inferred  · none"
    };
    let _ = writeln!(out, "\n{legend}");
    out
}
