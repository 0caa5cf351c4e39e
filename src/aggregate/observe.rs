//! The census as the lookalike engine's view of the logs.
//!
//! Shared local parts are near-proof of a typo (`john.smith@army.ml` and
//! `john.smith@army.mil`), but only when the local part is distinctive:
//! `info`, `admin` or a common first name is found at many unrelated
//! domains. A local part counts as shared only if it appears at no more
//! than [`DISTINCTIVE_DOMAINS`] domains of the whole census.

use hashbrown::HashMap;

use super::census::{Census, DomainStats, SetKey};
use crate::lookalike::detect::Observations;
use crate::parse::Status;

/// A local part found at more domains than this is not evidence.
pub const DISTINCTIVE_DOMAINS: u32 = 4;

/// The census with what the detector needs precomputed.
pub struct CensusView<'a> {
    census: &'a Census,
    /// The distinctive local parts of every domain (as census set keys,
    /// sorted), domain after domain in the census's order: shared local
    /// parts are a merge of two short lists, however many recipients the
    /// domains have. Flat, because a map of a list per domain cost about
    /// 190 bytes per domain, the peak of a run with millions of them.
    distinctive: Vec<SetKey>,
    /// Where each domain's list starts in `distinctive` (one more entry
    /// than there are domains: the last is where the lists end).
    starts: Vec<u64>,
}

impl<'a> CensusView<'a> {
    pub fn new(census: &'a Census) -> CensusView<'a> {
        // Local part (hashed) -> number of domains it appears at.
        let mut spread: HashMap<SetKey, u32, foldhash::fast::RandomState> = HashMap::default();
        for (_, s) in census.iter() {
            for l in s.recipients.iter() {
                *spread.entry(l).or_default() += 1;
            }
        }
        let mut distinctive = Vec::new();
        let mut starts = Vec::with_capacity(census.iter().count() + 1);
        for (_, s) in census.iter() {
            let start = distinctive.len();
            starts.push(start as u64);
            distinctive.extend(
                s.recipients
                    .iter()
                    .filter(|h| spread.get(h).is_some_and(|&n| n <= DISTINCTIVE_DOMAINS)),
            );
            distinctive[start..].sort_unstable();
        }
        starts.push(distinctive.len() as u64);
        distinctive.shrink_to_fit();
        CensusView {
            census,
            distinctive,
            starts,
        }
    }

    /// The distinctive local parts of `d`, sorted.
    fn distinctive(&self, d: &str) -> &[SetKey] {
        match self.census.domain_index(d) {
            Some(i) => &self.distinctive[self.starts[i] as usize..self.starts[i + 1] as usize],
            None => &[],
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
        let (x, y) = (self.distinctive(a), self.distinctive(b));
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
        // Only at a distinctive local part, as for shared local parts: one
        // sender writing `info@` at two related companies is no correction.
        let distinctive = self.distinctive(from);
        match (self.census.domain_id(from), self.census.domain_id(to)) {
            (Some(x), Some(y)) => self
                .census
                .evidence
                .corrections(x, y, |l| distinctive.binary_search(&l).is_ok()),
            _ => 0,
        }
    }

    fn co_recipients(&self, a: &str, b: &str) -> u64 {
        match (self.census.domain_id(a), self.census.domain_id(b)) {
            (Some(x), Some(y)) => self.census.evidence.co_recipients(x, y),
            _ => 0,
        }
    }
}
