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
//! Domains are the census's: an id here is the domain's index in the
//! census that holds this evidence, so no name is kept twice and none is
//! hashed twice per recipient.
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

/// Whether two domains (ids in `names`) are related. Computed every time:
/// a cache of every pair ever asked about grew with the distinct pairs of
/// domains seen together (not only related ones), and looking a pair up in
/// it cost more than the test (a tenth of a Microsoft 365 scan); a small
/// fixed cache saved nothing measurable (twelfth session).
fn related_ids<V>(names: &DomainMap<V>, a: u32, b: u32) -> bool {
    related(names.key(a as usize), names.key(b as usize))
}

/// One remembered recipient of a sender: when, domain id, local part (as
/// the census keeps it in the domain's set of recipients).
type Recent = (Micros, u32, SetKey);

/// Related-domain pair counts of some messages; mergeable.
#[derive(Debug, Default)]
pub struct Evidence {
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

    /// Starts a message: its recipient domains follow through [`domain`](Self::domain).
    pub fn begin(&mut self) {
        self.domains.clear();
    }

    /// A recipient of the current message: its domain (the census's index
    /// of it) and local part.
    pub fn recipient(&mut self, id: u32, local: SetKey) {
        if self.domains.len() < MAX_DOMAINS_PER_MESSAGE {
            let entry = (id, local);
            if !self.domains.contains(&entry) {
                self.domains.push(entry);
            }
        }
    }

    /// Ends a message sent by `sender` (its census set key; `None` for an
    /// unknown or null sender) at `time`; `names` are the census's domains.
    pub fn end<V>(&mut self, sender: Option<SetKey>, time: Micros, names: &DomainMap<V>) {
        let domains = std::mem::take(&mut self.domains);
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for (i, &(a, _)) in domains.iter().enumerate() {
            for &(b, _) in &domains[i + 1..] {
                let key = (a.min(b), a.max(b));
                if a != b && !pairs.contains(&key) && related_ids(names, a, b) {
                    pairs.push(key);
                }
            }
        }
        for key in pairs {
            *self.co.entry(key).or_default() += 1;
        }
        if let Some(sender) = sender {
            self.remember(sender, time, &domains, names);
        }
        self.domains = domains;
    }

    fn remember<V>(
        &mut self,
        sender: SetKey,
        time: Micros,
        domains: &[(u32, SetKey)],
        names: &DomainMap<V>,
    ) {
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

    /// Messages with recipients at both domains `x` and `y` (ids).
    pub fn co_recipients(&self, x: u32, y: u32) -> u64 {
        self.co.get(&(x.min(y), x.max(y))).copied().unwrap_or(0)
    }

    /// Times a sender wrote to domain `x` and then, within the window, to
    /// `y` (ids), at a local part `counts` accepts.
    pub fn corrections(&self, x: u32, y: u32, counts: impl Fn(SetKey) -> bool) -> u64 {
        self.corrections.get(&(x, y)).map_or(0, |v| {
            v.iter().filter(|(l, _)| counts(*l)).map(|(_, n)| n).sum()
        })
    }

    /// Adds another partial result, whose domain `i` is this one's
    /// `map[i]`, or `i` itself with no map (sender histories are not carried
    /// over: they belong to one input).
    pub fn merge(&mut self, other: Evidence, map: Option<&[u32]>) {
        let Evidence {
            co, corrections, ..
        } = other;
        let Some(map) = map else {
            if self.co.is_empty() && self.corrections.is_empty() {
                self.co = co;
                self.corrections = corrections;
            } else {
                let same: Vec<u32> = (0..).take(id_bound(&co, &corrections)).collect();
                self.merge(
                    Evidence {
                        co,
                        corrections,
                        ..Evidence::default()
                    },
                    Some(&same),
                );
            }
            return;
        };
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

/// One past the highest domain id in these pairs.
fn id_bound<A, B>(co: &Map<(u32, u32), A>, corrections: &Map<(u32, u32), B>) -> usize {
    let pairs = co.keys().chain(corrections.keys());
    pairs
        .map(|&(a, b)| a.max(b) as usize + 1)
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::census::set_key;

    /// Corrections at any local part.
    fn any(_: SetKey) -> bool {
        true
    }

    /// Evidence with the domain names it refers to, as a census keeps them.
    #[derive(Default)]
    struct Held {
        e: Evidence,
        names: DomainMap<()>,
    }

    impl Held {
        fn id(&self, d: &str) -> u32 {
            self.names.find(d.as_bytes()).unwrap() as u32
        }

        fn co(&self, a: &str, b: &str) -> u64 {
            self.e.co_recipients(self.id(a), self.id(b))
        }

        fn corrections(&self, a: &str, b: &str) -> u64 {
            self.e.corrections(self.id(a), self.id(b), any)
        }

        /// Merges `other` in as `Census::merge` does.
        fn merge(&mut self, other: Held) {
            if self.names.is_empty() {
                self.names = other.names;
                self.e.merge(other.e, None);
                return;
            }
            let map: Vec<u32> = other
                .names
                .into_iter()
                .map(|(k, v)| self.names.insert_or_merge(k, v, |_, _| ()) as u32)
                .collect();
            self.e.merge(other.e, Some(&map));
        }
    }

    fn message(h: &mut Held, sender: &str, minute: i64, domains: &[&str]) {
        h.e.begin();
        for d in domains {
            let (local, domain) = d.split_once('@').unwrap_or(("john", d));
            let id = h.names.find_or_insert_with(domain.as_bytes(), || ()) as u32;
            h.e.recipient(id, set_key(local.as_bytes()));
        }
        h.e.end(
            Some(set_key(sender.as_bytes())),
            minute * 60_000_000,
            &h.names,
        );
    }

    #[test]
    fn co_recipients_and_self_corrections() {
        let mut e = Held::default();
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
        assert_eq!(e.co("army.mil", "army.ml"), 1);
        assert_eq!(e.co("army.mil", "example.com"), 0);
        assert_eq!(e.corrections("navy.ml", "navy.mil"), 1, "c waited too long");
        assert_eq!(e.corrections("navy.mil", "navy.ml"), 0);
        let mut total = Held::default();
        total.merge(e);
        // Another input, whose domains come in another order (other ids).
        let mut other = Held::default();
        message(
            &mut other,
            "d@x.org",
            0,
            &["example.org", "navy.mil", "navy.ml"],
        );
        message(&mut other, "e@x.org", 0, &["army.mil", "army.ml"]);
        total.merge(other);
        assert_eq!(total.co("navy.ml", "navy.mil"), 1);
        assert_eq!(total.co("army.ml", "army.mil"), 2);
        assert_eq!(total.corrections("navy.ml", "navy.mil"), 1);
        // Ids unchanged, into evidence that has some: every pair is added.
        let mut again = Held::default();
        message(&mut again, "f@x.org", 0, &["army.mil", "army.ml"]);
        let mut into = Held::default();
        message(&mut into, "g@x.org", 0, &["army.mil", "army.ml"]);
        into.e.merge(again.e, None);
        assert_eq!(into.co("army.ml", "army.mil"), 2);
    }
}
