//! Questions asked of a loaded graph: finding nodes, their neighbours,
//! counts. Every function returns data; the command line renders it.

pub mod coverage;
pub mod impact;
pub mod matrix;
pub mod neighbors;
pub mod paths;
pub mod prioritize;
pub mod rank;
pub mod resolve;
pub mod search;
pub mod stats;
pub mod traverse;

#[cfg(test)]
mod proptests;

pub use coverage::{Coverage, coverage};
pub use impact::{Impact, Mitigation, Reached, impact};
pub use neighbors::{Neighbor, NeighborFilter, related};
pub use paths::{Connection, PathQuery, connections, connections_within};
pub use prioritize::{Plan, PlanError, Portfolio, prioritize};
pub use resolve::{ResolveError, resolve_node, resolve_node_or_search};
pub use search::{Hit, MatchField, search};
pub use stats::{Ranked, Ranking, Stats, stats};
