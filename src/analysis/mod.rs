//! Questions asked of a loaded graph: finding nodes, their neighbours,
//! counts. Every function returns data; the command line renders it.

pub mod neighbors;
pub mod resolve;
pub mod search;
pub mod stats;

pub use neighbors::{Neighbor, NeighborFilter, related};
pub use resolve::{ResolveError, resolve_node};
pub use search::{Hit, MatchField, search};
pub use stats::{Ranked, Stats, stats};
