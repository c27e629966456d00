//! Shared pieces of the benchmarks: the bodies, and the peers that decode the same bodies
//! into the same typed result the way a user of another library would.

pub mod bodies;
pub mod durable_peer;
pub mod peers;
pub mod ratios;
pub mod stacks;
