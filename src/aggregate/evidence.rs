//! Evidence for the lookalike engine, gathered while counting: pairs of
//! related domains (see [`related`]) that appear in one message
//! (co-recipients), and pairs one sender wrote to within minutes of each
//! other with the same local part (self-correction: `john.smith@army.ml`,
//! then `john.smith@army.mil` a minute later). Requiring the same local part
//! keeps busy senders who write to two unrelated look-alike companies
//! from counting as correcting themselves; corrections are kept by local
//! part, and only distinctive ones count (`observe`), so a newsletter to
//! `info@` at two related companies is none.
//!
//! Only related pairs are kept, so memory grows with the number of
//! lookalike pairs, not with the traffic. Self-correction looks back over
//! each sender's last few messages of the same input (and of messages
//! joined across inputs), so results do not depend on how inputs were
//! spread over threads.

use hashbrown::HashMap;

use super::census::SetKey;
use super::domain_map::DomainMap;
use crate::lookalike::related;
use crate::time::Micros;

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// How far apart a wrong and a corrected message may be.
pub const CORRECTION_WINDOW: Micros = 15 * 60 * 1_000_000;
/// Messages remembered per sender.
const RECENT: usize = 8;
/// Senders remembered at once; past this, the least recent are forgotten.
const MAX_SENDERS: usize = 1 << 18;
/// Recipient domains of one message considered for co-recipient pairs.
const MAX_DOMAINS_PER_MESSAGE: usize = 32;

/// Adds `n` corrections at `local` (a pair of domains has few local parts).
fn add_correction(v: &mut Vec<(SetKey, u64)>, local: SetKey, n: u64) {
    match v.iter_mut().find(|(l, _)| *l == local) {
        Some((_, m)) => *m += n,
        None => {
            v.push((local, n));
            // Sorted, so that merged evidence is the same in any order.
            v.sort_unstable();
        }
    }
}

/// Whether two interned domains are related. Computed every time: a cache
/// of every pair ever asked about grew with the distinct pairs of domains
/// seen together (not only related ones), and looking a pair up in it cost
/// more than the test (a tenth of a Microsoft 365 scan).
fn related_ids(names: &Names, a: u32, b: u32) -> bool {
    related(names.key(a as usize), names.key(b as usize))
}

/// Interned domain names: the id of a name is its index. One copy of each
/// name and a 4-byte table entry (a map from names to ids beside a list of
/// names kept every name twice: about 70 MB for a million domains).
type Names = DomainMap<()>;

/// One remembered recipient of a sender: when, domain id, local part (as
/// the census keeps it in the domain's set of recipients).
type Recent = (Micros, u32, SetKey);

/// Related-domain pair counts of some messages; mergeable.
#[derive(Debug, Default)]
pub struct Evidence {
    names: Names,
    /// (lower id, higher id) -> messages with both.
    co: Map<(u32, u32), u64>,
    /// (earlier, later) -> for each local part, times one sender wrote to it
    /// at both within the window. By local part, because only distinctive
    /// ones are evidence (`observe`: a newsletter to `info@` at two related
    /// companies is no correction), and which are is known only at the end.
    corrections: Map<(u32, u32), Vec<(SetKey, u64)>>,
    /// Sender (as a census set key) -> its last few recipients.
    recent: Map<SetKey, Vec<Recent>>,
    /// The current message's (domain, local part) pairs.
    domains: Vec<(u32, SetKey)>,
}

impl Evidence {
    pub fn new() -> Evidence {
        Evidence::default()
    }

    fn intern(&mut self, d: &[u8]) -> u32 {
        // DomainMap's indexes fit in 4 bytes.
        self.names.find_or_insert_with(d, || ()) as u32
    }

    fn is_related(&self, a: u32, b: u32) -> bool {
        related_ids(&self.names, a, b)
    }

    /// Starts a message: its recipient domains follow through [`domain`](Self::domain).
    pub fn begin(&mut self) {
        self.domains.clear();
    }

    /// A recipient of the current message: its domain and local part.
    pub fn recipient(&mut self, domain: &[u8], local: SetKey) {
        if self.domains.len() < MAX_DOMAINS_PER_MESSAGE {
            let id = self.intern(domain);
            let entry = (id, local);
            if !self.domains.contains(&entry) {
                self.domains.push(entry);
            }
        }
    }

    /// Ends a message sent by `sender` (its census set key; `None` for an
    /// unknown or null sender) at `time`.
    pub fn end(&mut self, sender: Option<SetKey>, time: Micros) {
        let domains = std::mem::take(&mut self.domains);
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for (i, &(a, _)) in domains.iter().enumerate() {
            for &(b, _) in &domains[i + 1..] {
                let key = (a.min(b), a.max(b));
                if a != b && !pairs.contains(&key) && self.is_related(a, b) {
                    pairs.push(key);
                }
            }
        }
        for key in pairs {
            *self.co.entry(key).or_default() += 1;
        }
        if let Some(sender) = sender {
            self.remember(sender, time, &domains);
        }
        self.domains = domains;
    }

    fn remember(&mut self, sender: SetKey, time: Micros, domains: &[(u32, SetKey)]) {
        if self.recent.len() >= MAX_SENDERS && !self.recent.contains_key(&sender) {
            self.recent.retain(|_, v| {
                v.last()
                    .is_some_and(|&(t, _, _)| time - t <= CORRECTION_WINDOW)
            });
            if self.recent.len() >= MAX_SENDERS {
                self.recent.clear();
            }
        }
        // One look-up of the sender; the names and counts are fields of their
        // own, so they can be used while the sender's history is borrowed.
        let Evidence {
            recent,
            names,
            corrections,
            ..
        } = self;
        let past = recent.entry(sender).or_default();
        for &(t, prev, prev_local) in past.iter() {
            if (time - t).abs() > CORRECTION_WINDOW {
                continue;
            }
            for &(d, local) in domains {
                if d != prev
                    && local == prev_local
                    && !domains.iter().any(|&(x, _)| x == prev)
                    && related_ids(names, prev, d)
                {
                    let key = if t <= time { (prev, d) } else { (d, prev) };
                    add_correction(corrections.entry(key).or_default(), local, 1);
                }
            }
        }
        for &(d, local) in domains {
            if past.len() == RECENT {
                past.remove(0);
            }
            past.push((time, d, local));
        }
    }

    fn id(&self, d: &str) -> Option<u32> {
        self.names.find(d.as_bytes()).map(|i| i as u32)
    }

    /// Messages with recipients at both `a` and `b`.
    pub fn co_recipients(&self, a: &str, b: &str) -> u64 {
        match (self.id(a), self.id(b)) {
            (Some(x), Some(y)) => self.co.get(&(x.min(y), x.max(y))).copied().unwrap_or(0),
            _ => 0,
        }
    }

    /// Times a sender wrote to `from` and then, within the window, to `to`,
    /// at a local part `counts` accepts.
    pub fn corrections(&self, from: &str, to: &str, counts: impl Fn(SetKey) -> bool) -> u64 {
        match (self.id(from), self.id(to)) {
            (Some(x), Some(y)) => self.corrections.get(&(x, y)).map_or(0, |v| {
                v.iter().filter(|(l, _)| counts(*l)).map(|(_, n)| n).sum()
            }),
            _ => 0,
        }
    }

    /// Adds another partial result (sender histories are not carried over:
    /// they belong to one input).
    pub fn merge(&mut self, other: Evidence) {
        let Evidence {
            names,
            co,
            corrections,
            ..
        } = other;
        if self.names.is_empty() {
            // Interning every name in order would give the same ids: take
            // them rather than hold two copies (a million domains' names
            // when a run has one large input).
            self.names = names;
            self.co = co;
            self.corrections = corrections;
            return;
        }
        let map: Vec<u32> = names.keys().map(|n| self.intern(n)).collect();
        for ((a, b), n) in co {
            let (x, y) = (map[a as usize], map[b as usize]);
            *self.co.entry((x.min(y), x.max(y))).or_default() += n;
        }
        for ((a, b), by_local) in corrections {
            let ours = self
                .corrections
                .entry((map[a as usize], map[b as usize]))
                .or_default();
            for (local, n) in by_local {
                add_correction(ours, local, n);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::census::set_key;

    /// Corrections at any local part.
    fn any(_: SetKey) -> bool {
        true
    }

    fn message(e: &mut Evidence, sender: &str, minute: i64, domains: &[&str]) {
        e.begin();
        for d in domains {
            let (local, domain) = d.split_once('@').unwrap_or(("john", d));
            e.recipient(domain.as_bytes(), set_key(local.as_bytes()));
        }
        e.end(
            Some(crate::aggregate::census::set_key(sender.as_bytes())),
            minute * 60_000_000,
        );
    }

    #[test]
    fn co_recipients_and_self_corrections() {
        let mut e = Evidence::new();
        message(
            &mut e,
            "a@x.org",
            0,
            &["army.ml", "army.mil", "example.com"],
        );
        message(&mut e, "b@x.org", 10, &["navy.ml"]);
        message(&mut e, "b@x.org", 12, &["navy.mil"]);
        message(&mut e, "c@x.org", 20, &["navy.ml"]);
        message(&mut e, "c@x.org", 60, &["navy.mil"]);
        // Another person at the right domain is no correction.
        message(&mut e, "d@x.org", 70, &["ann@navy.ml"]);
        message(&mut e, "d@x.org", 71, &["bob@navy.mil"]);
        assert_eq!(e.co_recipients("army.mil", "army.ml"), 1);
        assert_eq!(e.co_recipients("army.mil", "example.com"), 0);
        assert_eq!(
            e.corrections("navy.ml", "navy.mil", any),
            1,
            "c waited too long"
        );
        assert_eq!(e.corrections("navy.mil", "navy.ml", any), 0);
        let mut total = Evidence::new();
        total.merge(e);
        let mut other = Evidence::new();
        message(&mut other, "d@x.org", 0, &["navy.mil", "navy.ml"]);
        total.merge(other);
        assert_eq!(total.co_recipients("navy.ml", "navy.mil"), 1);
        assert_eq!(total.co_recipients("army.ml", "army.mil"), 1);
        assert_eq!(total.corrections("navy.ml", "navy.mil", any), 1);
    }
}
