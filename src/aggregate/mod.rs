//! Aggregation: finished messages in, mergeable summaries out.
//!
//! Every summary here is a partial result of some files that can be
//! [`merge`](census::Census::merge)d with another: counts add, distinct sets
//! unite, first and last times take the minimum and maximum. Merging is
//! commutative and associative, so the result does not depend on how files
//! were spread over threads.

pub mod census;
pub mod domain_map;
pub mod evidence;
pub mod observe;
pub mod smallset;

pub use census::{Census, CensusOptions, DomainRow, DomainStats, Totals};
pub use observe::CensusView;
