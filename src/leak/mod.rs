//! Quantifying the leak: from the findings of the lookalike engine and the
//! delivery records of the scan, the events, clusters, patterns, timeline,
//! senders and recipients that the leak reports show.
//!
//! This stage only computes; [`crate::report`] writes. Definitions (what a
//! leaked message is, what counts once) are in the README and on the types.

pub mod build;
pub mod ledger;
pub mod markings;
pub mod measure;
pub mod model;
pub mod receivers;
pub mod record_list;
pub mod redact;

pub use build::{build, LeakInputs};

pub use model::*;

/// A recipient hit on at least this many distinct days...
pub const STICKY_MIN_DAYS: u64 = 3;
/// ...spanning at least this many days is sticky: a wrong address saved in
/// an address book or a list keeps leaking until someone fixes it.
pub const STICKY_MIN_SPAN_DAYS: u64 = 14;
/// A leak this close (in days) to the end of the logs may still be going on.
pub const ACTIVE_DAYS: u64 = 30;
