//! The census as the lookalike engine's view of the logs.
//!
//! Shared local parts are near-proof of a typo (`john.smith@army.ml` and
//! `john.smith@army.mil`), but only when the local part is distinctive:
//! `info`, `admin` or a common first name is found at many unrelated
//! domains. A local part counts as shared only if it appears at no more
//! than [`DISTINCTIVE_DOMAINS`] domains of the whole census.

use std::hash::{BuildHasher, Hasher};

use hashbrown::HashMap;

use super::census::{Census, DomainStats};
use crate::lookalike::detect::Observations;
use crate::parse::Status;

/// A local part found at more domains than this is not evidence.
pub const DISTINCTIVE_DOMAINS: u32 = 4;

/// The census with what the detector needs precomputed.
pub struct CensusView<'a> {
    census: &'a Census,
    /// Local part (hashed) -> number of domains it appears at.
    spread: HashMap<u64, u32, foldhash::fast::RandomState>,
}

fn hash(local: &[u8]) -> u64 {
    let mut h = foldhash::fast::FixedState::with_seed(0x7370_7265_6164).build_hasher();
    h.write(local);
    h.finish()
}

impl<'a> CensusView<'a> {
    pub fn new(census: &'a Census) -> CensusView<'a> {
        let mut spread: HashMap<u64, u32, foldhash::fast::RandomState> = HashMap::default();
        for (_, s) in census.iter() {
            for l in &s.recipients {
                *spread.entry(hash(l)).or_default() += 1;
            }
        }
        CensusView { census, spread }
    }

    fn stats(&self, d: &str) -> Option<&DomainStats> {
        self.census.domain(d)
    }

    fn distinctive(&self, local: &[u8]) -> bool {
        self.spread
            .get(&hash(local))
            .is_some_and(|&n| n <= DISTINCTIVE_DOMAINS)
    }
}

impl Observations for CensusView<'_> {
    fn domains(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .census
            .iter()
            .filter_map(|(k, _)| std::str::from_utf8(k).ok())
            .filter(|d| !d.is_empty())
            .collect();
        v.sort_unstable();
        v
    }

    fn messages(&self, d: &str) -> u64 {
        self.stats(d).map_or(0, |s| s.messages)
    }

    fn senders(&self, d: &str) -> u64 {
        self.stats(d).map_or(0, |s| s.senders.len() as u64)
    }

    fn seen(&self, d: &str) -> bool {
        self.stats(d).is_some()
    }

    fn outcomes(&self, d: &str) -> (u64, u64) {
        self.stats(d).map_or((0, 0), |s| {
            (
                s.deliveries[Status::Sent as usize],
                s.deliveries[Status::Bounced as usize] + s.deliveries[Status::Expired as usize],
            )
        })
    }

    fn shared_local_parts(&self, a: &str, b: &str) -> u64 {
        match (self.stats(a), self.stats(b)) {
            (Some(x), Some(y)) => {
                let (small, large) = if x.recipients.len() <= y.recipients.len() {
                    (&x.recipients, &y.recipients)
                } else {
                    (&y.recipients, &x.recipients)
                };
                small
                    .iter()
                    .filter(|l| large.contains(&**l) && self.distinctive(l))
                    .count() as u64
            }
            _ => 0,
        }
    }

    fn self_corrections(&self, from: &str, to: &str) -> u64 {
        self.census.evidence.corrections(from, to)
    }

    fn co_recipients(&self, a: &str, b: &str) -> u64 {
        self.census.evidence.co_recipients(a, b)
    }
}
