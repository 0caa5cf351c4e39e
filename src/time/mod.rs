//! Time: the stamps mail logs carry, the year of year-less syslog stamps,
//! and the conversion of local civil times to UTC.
//!
//! Everything that leaves this module is [`Micros`]: microseconds since the
//! Unix epoch, in UTC. Nothing here reads the analysing machine's clock or
//! zone; the caller passes in every fact (zone, year rule) it depends on.

pub mod civil;
pub mod clock;
pub mod year;
pub mod zone;

pub use civil::{format_utc, format_utc_micros, format_utc_month, Civil};
pub use clock::Clock;
pub use year::{YearRule, YearSource, YearTracker};
pub use zone::{LocalConverter, Zone};

/// Microseconds since 1970-01-01T00:00:00Z.
pub type Micros = i64;

/// One second, in [`Micros`].
pub const SECOND: Micros = 1_000_000;

/// One day, in [`Micros`].
pub const DAY: Micros = 86_400 * SECOND;

/// The earlier of two optional instants (`None` is "not seen yet").
pub fn earliest(a: Option<Micros>, b: Option<Micros>) -> Option<Micros> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// The later of two optional instants (`None` is "not seen yet").
pub fn latest(a: Option<Micros>, b: Option<Micros>) -> Option<Micros> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}
