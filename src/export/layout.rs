//! Positions for drawing a diagram without Graphviz: a layered layout with
//! one column per layer of kinds, computed in Rust so that the same graph
//! always draws the same way and the page that shows it has nothing to lay
//! out.
//!
//! Columns come from how impact flows, as the schema declares it: a
//! relation whose impact flows from kind A to kind B puts B's column to the
//! right of A's (for the curated schema: challenges, then the activities
//! they hinder, then the threats, areas and actors those reach). A kind
//! that impact does not reach sits just before the kinds it mitigates, or
//! else just after its neighbours. Each kind is a contiguous block of its
//! column, under a heading; a column taller than the graph's row budget
//! wraps into sub-columns, so a 10,000-node graph stays roughly square.
//! Within a block, nodes are ordered by the barycentre of their neighbours
//! in a few sweeps, which cuts most edge crossings (Sugiyama's heuristic,
//! without the dummy nodes: long edges are drawn as curves).
//!
//! Nothing here reads a kind's or a relation's name: the layout of a user's
//! schema follows its own impact rules.

use std::collections::HashMap;

use petgraph::stable_graph::NodeIndex;

use super::Diagram;
use crate::model::{ImpactFlow, KindId};

/// The sizes a layout works with, in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    /// The width of a node's box.
    pub node_width: f64,
    /// The height of a node's box.
    pub node_height: f64,
    /// The distance between the tops of two nodes of a column.
    pub row: f64,
    /// The space between two columns (layers), where edges run.
    pub column_gap: f64,
    /// The space between two sub-columns of one wrapped column.
    pub sub_gap: f64,
    /// The space around the drawing, and above the first row for headings.
    pub margin: f64,
}

impl Geometry {
    /// Boxes big enough to read at any zoom: the explorer's.
    pub const EXPLORER: Geometry = Geometry {
        node_width: 210.0,
        node_height: 28.0,
        row: 38.0,
        column_gap: 150.0,
        sub_gap: 40.0,
        margin: 40.0,
    };
    /// Compact boxes for a drawing that must fit a page: the overview's.
    pub const COMPACT: Geometry = Geometry {
        node_width: 176.0,
        node_height: 17.0,
        row: 21.0,
        column_gap: 96.0,
        sub_gap: 14.0,
        margin: 16.0,
    };
}

/// How many barycentre sweeps order the columns.
const SWEEPS: usize = 4;

/// Where a kind's block starts, for its heading.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    /// The kind.
    pub kind: KindId,
    /// The left edge of the block's first node.
    pub x: f64,
    /// The top of the block's first node.
    pub y: f64,
}

/// A computed layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// The centre of each node, in the order of [`Diagram::nodes`].
    pub positions: Vec<(f64, f64)>,
    /// One heading per kind block.
    pub headings: Vec<Heading>,
    /// The drawing's width.
    pub width: f64,
    /// The drawing's height.
    pub height: f64,
}

/// Lays `diagram` out in kind columns ordered by impact flow.
///
/// # Returns
/// A position per node of the diagram, headings for the kind blocks, and
/// the size of the drawing. The same diagram always gets the same layout.
///
/// # Complexity
/// O(K³ + SWEEPS · (V log V + E)) for K kinds, V nodes and E edges.
///
/// # Example
/// ```
/// use seccoop::export::{Diagram, ViewFilter, layout::layered};
/// let graph = seccoop::load::embedded().unwrap();
/// let diagram = Diagram::view(&graph, &ViewFilter::default());
/// let layout = layered(&diagram);
/// assert_eq!(layout.positions.len(), diagram.nodes.len());
/// ```
pub fn layered(diagram: &Diagram) -> Layout {
    layered_with(diagram, &Geometry::EXPLORER)
}

/// [`layered`] with other sizes.
pub fn layered_with(diagram: &Diagram, geo: &Geometry) -> Layout {
    let graph = diagram.graph;
    let g = graph.petgraph();
    let index: HashMap<NodeIndex, usize> = diagram
        .nodes
        .iter()
        .enumerate()
        .map(|(i, &n)| (n, i))
        .collect();
    let kind_of: Vec<KindId> = diagram
        .nodes
        .iter()
        .map(|&n| graph.node(n).map_or(KindId(0), |n| n.kind))
        .collect();
    // Edges as pairs of positions in `diagram.nodes`.
    let pairs: Vec<(usize, usize, crate::model::RelId)> = diagram
        .edges
        .iter()
        .filter_map(|&e| {
            let (a, b) = g.edge_endpoints(e)?;
            Some((*index.get(&a)?, *index.get(&b)?, g.edge_weight(e)?.rel))
        })
        .collect();
    let column = kind_columns(diagram, &kind_of, &pairs);

    // Column members: kinds in schema order, then nodes in diagram order.
    let columns = column.values().copied().max().map_or(0, |c| c + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); columns];
    let mut by_kind: Vec<usize> = (0..diagram.nodes.len()).collect();
    by_kind.sort_by_key(|&i| kind_of.get(i).map(|k| k.0));
    for i in by_kind {
        let c = kind_of.get(i).and_then(|k| column.get(k)).copied();
        if let Some(slot) = c.and_then(|c| members.get_mut(c)) {
            slot.push(i);
        }
    }

    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); diagram.nodes.len()];
    for &(a, b, _) in &pairs {
        if a != b {
            neighbours[a].push(b);
            neighbours[b].push(a);
        }
    }
    order_by_barycentre(&mut members, &neighbours, &kind_of);

    // Rows: the budget grows with the square root of the size, so big
    // graphs come out roughly as wide as tall.
    let budget = ((diagram.nodes.len() as f64).sqrt() * 2.2).ceil().max(24.0) as usize;
    let mut positions = vec![(0.0, 0.0); diagram.nodes.len()];
    let mut headings = Vec::new();
    let mut x = geo.margin;
    let mut tallest = 0usize;
    // Slots per column: nodes, one empty slot between kind blocks, and a
    // block that would break across sub-columns but fits in one starts a
    // new sub-column.
    let slotted: Vec<Vec<Option<usize>>> = members
        .iter()
        .map(|m| {
            let mut slots: Vec<Option<usize>> = Vec::new();
            let mut j = 0;
            while let Some(&first) = m.get(j) {
                let len = m[j..]
                    .iter()
                    .take_while(|&&i| kind_of[i] == kind_of[first])
                    .count();
                let used = slots.len() % budget;
                if used > 0 && !slots.is_empty() {
                    if budget - used > len {
                        slots.push(None);
                    } else {
                        slots.resize(slots.len() + budget - used, None);
                    }
                }
                slots.extend(m[j..j + len].iter().map(|&i| Some(i)));
                j += len;
            }
            slots
        })
        .collect();
    let rows_of = |slots: &Vec<Option<usize>>| slots.len().min(budget);
    for slots in &slotted {
        tallest = tallest.max(rows_of(slots));
    }
    for slots in &slotted {
        if slots.is_empty() {
            continue;
        }
        let rows = rows_of(slots);
        // Short columns are centred on the tallest.
        let top = geo.margin * 1.6 + (tallest - rows) as f64 * geo.row / 2.0;
        let mut sub = 0usize;
        for (s, slot) in slots.iter().enumerate() {
            sub = s / rows;
            let Some(i) = *slot else { continue };
            let left = x + sub as f64 * (geo.node_width + geo.sub_gap);
            let y = top + (s % rows) as f64 * geo.row;
            positions[i] = (left + geo.node_width / 2.0, y + geo.node_height / 2.0);
            let first_of_kind = s == 0 || slots.get(s - 1).is_some_and(Option::is_none);
            if first_of_kind {
                headings.push(Heading {
                    kind: kind_of[i],
                    x: left,
                    y,
                });
            }
        }
        x += (sub + 1) as f64 * (geo.node_width + geo.sub_gap) - geo.sub_gap + geo.column_gap;
    }
    let width = (x - geo.column_gap + geo.margin).max(2.0 * geo.margin);
    let height = geo.margin * 2.6 + tallest as f64 * geo.row;
    Layout {
        positions,
        headings,
        width,
        height,
    }
}

/// The column of each kind present: its layer in the flow of impact.
fn kind_columns(
    diagram: &Diagram,
    kind_of: &[KindId],
    pairs: &[(usize, usize, crate::model::RelId)],
) -> HashMap<KindId, usize> {
    let schema = diagram.graph.schema();
    let mut kinds: Vec<KindId> = kind_of.to_vec();
    kinds.sort_by_key(|k| k.0);
    kinds.dedup();
    // Directed kind-to-kind flows, and which kinds meet at all.
    let mut flows: Vec<(KindId, KindId)> = Vec::new();
    let mut touches: Vec<(KindId, KindId, bool)> = Vec::new();
    for &(a, b, rel) in pairs {
        let (ka, kb) = (kind_of[a], kind_of[b]);
        if ka == kb {
            continue;
        }
        let def = schema.relation(rel);
        match def.impact {
            ImpactFlow::Forward => flows.push((ka, kb)),
            ImpactFlow::Backward => flows.push((kb, ka)),
            ImpactFlow::Both | ImpactFlow::None => {}
        }
        touches.push((ka, kb, def.mitigation));
    }
    flows.sort_by_key(|(a, b)| (a.0, b.0));
    flows.dedup();
    let in_flow = |k: KindId| flows.iter().any(|&(a, b)| a == k || b == k);
    // Longest-path layering; a cycle stops growing after as many rounds as kinds.
    let mut layer: HashMap<KindId, i64> = kinds.iter().map(|&k| (k, 0)).collect();
    for _ in 0..kinds.len() {
        let mut changed = false;
        for &(a, b) in &flows {
            let next = layer.get(&a).copied().unwrap_or(0) + 1;
            if layer.get(&b).is_some_and(|&l| l < next) && next < kinds.len() as i64 {
                layer.insert(b, next);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // Kinds outside the flow: before what they mitigate, else after their neighbours.
    for &k in kinds.iter().filter(|&&k| !in_flow(k)) {
        let mitigated: Vec<i64> = touches
            .iter()
            .filter(|&&(a, b, m)| m && a == k && in_flow(b))
            .filter_map(|(_, b, _)| layer.get(b).copied())
            .collect();
        let near: Vec<i64> = touches
            .iter()
            .filter_map(|&(a, b, _)| match (a == k, b == k) {
                (true, false) if in_flow(b) => layer.get(&b).copied(),
                (false, true) if in_flow(a) => layer.get(&a).copied(),
                _ => None,
            })
            .collect();
        let l = match (mitigated.iter().min(), near.iter().max()) {
            (Some(&m), _) => m - 1,
            (None, Some(&n)) => n + 1,
            (None, None) => 0,
        };
        layer.insert(k, l);
    }
    let low = layer.values().copied().min().unwrap_or(0);
    layer
        .into_iter()
        .map(|(k, l)| (k, (l - low) as usize))
        .collect()
}

/// Orders each column's nodes (kind blocks kept together) by the mean
/// position of their neighbours in other columns, sweeping left to right
/// and back.
fn order_by_barycentre(members: &mut [Vec<usize>], neighbours: &[Vec<usize>], kind_of: &[KindId]) {
    // Each node's place in its column, as a fraction of the column's length.
    let mut place = vec![0.0f64; kind_of.len()];
    let mut column_of = vec![0usize; kind_of.len()];
    let refresh = |members: &[Vec<usize>], place: &mut [f64]| {
        for m in members {
            let len = m.len().max(1) as f64;
            for (j, &i) in m.iter().enumerate() {
                place[i] = (j as f64 + 0.5) / len;
            }
        }
    };
    for (c, m) in members.iter().enumerate() {
        for &i in m {
            column_of[i] = c;
        }
    }
    refresh(members, &mut place);
    let columns: Vec<usize> = (0..members.len()).collect();
    for sweep in 0..SWEEPS {
        let order: Vec<usize> = if sweep % 2 == 0 {
            columns.clone()
        } else {
            columns.iter().rev().copied().collect()
        };
        for c in order {
            let Some(m) = members.get_mut(c) else {
                continue;
            };
            let keys: HashMap<usize, f64> = m
                .iter()
                .map(|&i| {
                    let outside: Vec<f64> = neighbours[i]
                        .iter()
                        .filter(|&&n| column_of[n] != c)
                        .map(|&n| place[n])
                        .collect();
                    let key = if outside.is_empty() {
                        place[i]
                    } else {
                        outside.iter().sum::<f64>() / outside.len() as f64
                    };
                    (i, key)
                })
                .collect();
            m.sort_by(|a, b| {
                kind_of[*a]
                    .0
                    .cmp(&kind_of[*b].0)
                    .then(keys[a].total_cmp(&keys[b]))
                    .then(a.cmp(b))
            });
            let len = m.len().max(1) as f64;
            for (j, &i) in m.iter().enumerate() {
                place[i] = (j as f64 + 0.5) / len;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::ViewFilter;

    #[test]
    fn impact_flows_left_to_right_in_the_curated_graph() {
        let graph = crate::load::embedded().unwrap_or_else(|e| panic!("{e}"));
        let diagram = Diagram::view(&graph, &ViewFilter::default());
        let layout = layered(&diagram);
        let x_of = |id: &str| {
            let ix = graph.node_index(id).unwrap_or_else(|| panic!("{id}"));
            let at = diagram.nodes.iter().position(|&n| n == ix).unwrap_or(0);
            layout.positions[at].0
        };
        assert!(x_of("lack-of-trust-and-transparency") < x_of("intelligence-sharing"));
        assert!(x_of("intelligence-sharing") < x_of("terrorism"));
        assert!(x_of("open-communication-and-information-sharing") < x_of("intelligence-sharing"));
        // No two nodes share a place.
        let mut seen: Vec<(i64, i64)> = layout
            .positions
            .iter()
            .map(|&(x, y)| (x as i64, y as i64))
            .collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), diagram.nodes.len());
        assert!(layout.width > 0.0 && layout.height > 0.0);
    }
}
