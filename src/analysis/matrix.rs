//! The coverage matrix planners draw by hand: one kind down the side,
//! another across the top, a mark where a relation joins them.
//!
//! By default it is the `addresses` relation between its own `from` and
//! `to` kinds (for the curated schema: activities × threats), the same
//! relation coverage and gaps read. Rows and columns are sorted by how many
//! marks they hold, most first, so the thin rows and columns, the gaps,
//! gather at the bottom and the right.

use std::collections::HashMap;

use petgraph::stable_graph::NodeIndex;

use crate::model::{Basis, Direction, Graph, KindId, RelId};

/// The most cells [`matrix`] builds: a 2,000 × 2,000 table, already far
/// past what anyone reads, and 4 MB of cells. A larger one is refused
/// before its cells are allocated ([`TooLarge`]): a million-node graph's
/// activities × threats would be tens of billions of cells.
pub const MAX_CELLS: usize = 4_000_000;

/// A matrix of more than [`MAX_CELLS`] cells was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge {
    /// How many rows it would have.
    pub rows: usize,
    /// How many columns it would have.
    pub cols: usize,
}

/// What to tabulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatrixQuery {
    /// The kind of the rows.
    pub rows: KindId,
    /// The kind of the columns.
    pub cols: KindId,
    /// The relation whose edges mark the cells (in either direction).
    pub rel: RelId,
}

/// A computed matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    /// The row nodes, most marks first (ties by name).
    pub rows: Vec<NodeIndex>,
    /// The column nodes, most marks first (ties by name).
    pub cols: Vec<NodeIndex>,
    /// `cells[r][c]`: the strongest basis of the edges joining row `r`
    /// and column `c` (stated over inferred), or `None`.
    pub cells: Vec<Vec<Option<Basis>>>,
}

impl Matrix {
    /// How many cells of row `r` are marked.
    pub fn row_total(&self, r: usize) -> usize {
        self.cells
            .get(r)
            .map_or(0, |row| row.iter().flatten().count())
    }

    /// How many cells of column `c` are marked.
    pub fn col_total(&self, c: usize) -> usize {
        self.cells
            .iter()
            .filter(|row| row.get(c).is_some_and(Option::is_some))
            .count()
    }
}

/// The query a relation implies: its first `from` kind down the side, its
/// first `to` kind across the top.
pub fn default_query(graph: &Graph, rel: RelId) -> Option<MatrixQuery> {
    let def = graph.schema().relation(rel);
    Some(MatrixQuery {
        rows: *def.from.first()?,
        cols: *def.to.first()?,
        rel,
    })
}

/// How strong a basis is: a stated edge outranks an inferred one, which
/// outranks a derived one.
fn strength(basis: Basis) -> u8 {
    match basis {
        Basis::Stated => 3,
        Basis::Inferred => 2,
        Basis::Derived => 1,
    }
}

/// Tabulates `query.rel` between the nodes of two kinds.
///
/// # Returns
/// Every node of the row kind and of the column kind, sorted by their
/// number of marks (most first, ties by name), and a cell per pair marked
/// with the strongest basis of the edges joining them either way; or
/// [`TooLarge`] when that is more than [`MAX_CELLS`] cells.
///
/// # Complexity
/// O(R·C + E + R log R + C log C) for R rows, C columns and E edges of the
/// row nodes.
///
/// # Example
/// ```
/// use seccoop::analysis::matrix::{default_query, matrix};
/// let graph = seccoop::load::embedded().unwrap();
/// let rel = graph.schema().rel_id("addresses").unwrap();
/// let m = matrix(&graph, &default_query(&graph, rel).unwrap()).unwrap();
/// assert_eq!(m.rows.len(), 22);
/// assert_eq!(m.cols.len(), 24);
/// ```
pub fn matrix(graph: &Graph, query: &MatrixQuery) -> Result<Matrix, TooLarge> {
    let name = |n: NodeIndex| graph.node(n).map(|n| n.name.to_lowercase());
    let of_kind = |k: KindId| -> Vec<NodeIndex> {
        graph
            .nodes()
            .filter(|(_, n)| n.kind == k)
            .map(|(ix, _)| ix)
            .collect()
    };
    let (rows, cols) = (of_kind(query.rows), of_kind(query.cols));
    if rows.len().saturating_mul(cols.len()) > MAX_CELLS {
        return Err(TooLarge {
            rows: rows.len(),
            cols: cols.len(),
        });
    }
    let col_at: HashMap<NodeIndex, usize> = cols.iter().enumerate().map(|(i, &c)| (c, i)).collect();
    let mut cells = vec![vec![None::<Basis>; cols.len()]; rows.len()];
    for (r, &row) in rows.iter().enumerate() {
        for dir in [Direction::Out, Direction::In] {
            for e in graph.edges_of(row, dir) {
                if e.edge.rel != query.rel {
                    continue;
                }
                let other = if e.from == row { e.to } else { e.from };
                let Some(&c) = col_at.get(&other) else {
                    continue;
                };
                let cell = &mut cells[r][c];
                if cell.is_none_or(|b| strength(e.edge.basis) > strength(b)) {
                    *cell = Some(e.edge.basis);
                }
            }
        }
    }
    let unsorted = Matrix { rows, cols, cells };
    // Most marks first, then by name: the gaps gather at the end.
    let mut row_order: Vec<usize> = (0..unsorted.rows.len()).collect();
    row_order.sort_by_cached_key(|&r| {
        (
            std::cmp::Reverse(unsorted.row_total(r)),
            name(unsorted.rows[r]),
        )
    });
    let mut col_order: Vec<usize> = (0..unsorted.cols.len()).collect();
    col_order.sort_by_cached_key(|&c| {
        (
            std::cmp::Reverse(unsorted.col_total(c)),
            name(unsorted.cols[c]),
        )
    });
    Ok(Matrix {
        rows: row_order.iter().map(|&r| unsorted.rows[r]).collect(),
        cols: col_order.iter().map(|&c| unsorted.cols[c]).collect(),
        cells: row_order
            .iter()
            .map(|&r| col_order.iter().map(|&c| unsorted.cells[r][c]).collect())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `addresses` relation of `graph` and the matrix it implies.
    fn addresses(graph: &Graph) -> (RelId, MatrixQuery) {
        let rel = graph
            .schema()
            .rel_id("addresses")
            .unwrap_or_else(|| panic!());
        (rel, default_query(graph, rel).unwrap_or_else(|| panic!()))
    }

    #[test]
    fn every_addresses_edge_is_one_marked_cell() {
        let graph = crate::load::embedded().unwrap_or_else(|e| panic!("{e}"));
        let (rel, query) = addresses(&graph);
        let m = matrix(&graph, &query).unwrap_or_else(|e| panic!("{e:?}"));
        let marked: usize = (0..m.rows.len()).map(|r| m.row_total(r)).sum();
        let edges = graph.edges().filter(|e| e.edge.rel == rel).count();
        assert_eq!(marked, edges);
        let totals: Vec<usize> = (0..m.cols.len()).map(|c| m.col_total(c)).collect();
        assert!(totals.windows(2).all(|w| w[0] >= w[1]), "{totals:?}");
    }

    #[test]
    fn a_matrix_of_more_cells_than_the_cap_is_refused_before_it_is_built() {
        let embedded = crate::load::embedded().unwrap_or_else(|e| panic!("{e}"));
        let (_, query) = addresses(&embedded);
        let graph_of = |rows: usize, cols: usize| {
            let mut g = Graph::new(embedded.schema().clone());
            for (kind, n, prefix) in [(query.rows, rows, "r"), (query.cols, cols, "c")] {
                for i in 0..n {
                    let node = crate::model::Node::new(format!("{prefix}{i}"), kind, "x");
                    g.add_node(node).unwrap_or_else(|e| panic!("{e}"));
                }
            }
            g
        };
        // 2,000 × 2,000 is exactly the cap.
        let m = matrix(&graph_of(2_000, 2_000), &query).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((m.rows.len(), m.cols.len()), (2_000, 2_000));
        let e = matrix(&graph_of(2_001, 2_000), &query).unwrap_err();
        assert_eq!(
            e,
            TooLarge {
                rows: 2_001,
                cols: 2_000
            }
        );
    }
}
