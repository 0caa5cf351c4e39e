//! The census as the lookalike engine's view of the logs.
//!
//! Shared local parts are near-proof of a typo (`john.smith@army.ml` and
//! `john.smith@army.mil`), but only when the local part is distinctive:
//! `info`, `admin` or a common first name is found at many unrelated
//! domains. A local part counts as shared only if it appears at no more
//! than [`DISTINCTIVE_DOMAINS`] domains of the whole census.

use hashbrown::HashMap;

use super::census::{Census, DomainStats};
use crate::lookalike::detect::Observations;
use crate::parse::Status;

/// A local part found at more domains than this is not evidence.
pub const DISTINCTIVE_DOMAINS: u32 = 4;

/// The census with what the detector needs precomputed.
pub struct CensusView<'a> {
    census: &'a Census,
    /// Domain -> its distinctive local parts (as census set keys, sorted): shared
    /// local parts are a merge of two short lists, however many recipients
    /// the domains have.
    distinctive: HashMap<&'a [u8], Vec<u128>, foldhash::fast::RandomState>,
}

impl<'a> CensusView<'a> {
    pub fn new(census: &'a Census) -> CensusView<'a> {
        // Local part (hashed) -> number of domains it appears at.
        let mut spread: HashMap<u128, u32, foldhash::fast::RandomState> = HashMap::default();
        for (_, s) in census.iter() {
            for l in s.recipients.iter() {
                *spread.entry(l).or_default() += 1;
            }
        }
        let mut distinctive: HashMap<&[u8], Vec<u128>, foldhash::fast::RandomState> =
            HashMap::default();
        for (d, s) in census.iter() {
            let mut v: Vec<u128> = s
                .recipients
                .iter()
                .filter(|h| spread.get(h).is_some_and(|&n| n <= DISTINCTIVE_DOMAINS))
                .collect();
            if !v.is_empty() {
                v.sort_unstable();
                distinctive.insert(d, v);
            }
        }
        CensusView {
            census,
            distinctive,
        }
    }

    fn stats(&self, d: &str) -> Option<&DomainStats> {
        self.census.domain(d)
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
        let (Some(x), Some(y)) = (
            self.distinctive.get(a.as_bytes()),
            self.distinctive.get(b.as_bytes()),
        ) else {
            return 0;
        };
        // Both sorted: count the common hashes in one merge.
        let (mut i, mut j, mut n) = (0, 0, 0u64);
        while i < x.len() && j < y.len() {
            match x[i].cmp(&y[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    n += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        n
    }

    fn self_corrections(&self, from: &str, to: &str) -> u64 {
        self.census.evidence.corrections(from, to)
    }

    fn co_recipients(&self, a: &str, b: &str) -> u64 {
        self.census.evidence.co_recipients(a, b)
    }
}
