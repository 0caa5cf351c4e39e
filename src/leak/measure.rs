//! Accumulating [`Measures`] over events: distinct messages, senders and
//! recipients, deliveries by outcome, bytes of leaked messages once each.

use std::collections::{HashMap, HashSet};

use super::model::{Event, Measures, Outcome, Text};
use crate::time::{earliest, latest};

/// Measures of a group of events, being built.
#[derive(Debug, Default)]
pub struct Acc {
    messages: HashSet<u64>,
    /// Leaked messages and their sizes (each counted once).
    leaked: HashMap<u64, Option<u64>>,
    senders: HashSet<Text>,
    senders_leaked: HashSet<Text>,
    recipients: HashSet<Text>,
    m: Measures,
}

impl Acc {
    pub fn add(&mut self, e: &Event) {
        let m = &mut self.m;
        m.deliveries += 1;
        match (e.outcome, e.status) {
            (Outcome::Leaked, _) => m.deliveries_sent += 1,
            (Outcome::Pending, _) => m.deliveries_pending += 1,
            (Outcome::Attempted, "expired") => m.deliveries_expired += 1,
            (Outcome::Attempted, _) => m.deliveries_bounced += 1,
        }
        m.first_seen = earliest(m.first_seen, Some(e.time));
        m.last_seen = latest(m.last_seen, Some(e.time));
        self.messages.insert(e.message_key);
        if e.outcome == Outcome::Leaked {
            m.first_leak = earliest(m.first_leak, Some(e.time));
            m.last_leak = latest(m.last_leak, Some(e.time));
            self.leaked.insert(e.message_key, e.size);
            self.senders_leaked.insert(e.sender.clone());
        }
        // The null sender `<>` is a sender too (bounces), shown as empty.
        self.senders.insert(e.sender.clone());
        self.recipients.insert(e.recipient.clone());
    }

    pub fn finish(self) -> Measures {
        let mut m = self.m;
        m.messages_attempted = self.messages.len() as u64;
        m.messages_leaked = self.leaked.len() as u64;
        m.bytes_leaked = self
            .leaked
            .values()
            .flatten()
            .fold(0u64, |a, &b| a.saturating_add(b));
        m.leaked_messages_without_size =
            self.leaked.values().filter(|s| s.is_none()).count() as u64;
        m.senders = self.senders.len() as u64;
        m.senders_leaked = self.senders_leaked.len() as u64;
        m.recipients = self.recipients.len() as u64;
        m
    }
}

/// Groups events by a key and measures each group; keys in order.
pub fn measure_by<K: Ord + Clone>(
    events: &[Event],
    key: impl Fn(&Event) -> Vec<K>,
) -> Vec<(K, Measures)> {
    let mut groups: std::collections::BTreeMap<K, Acc> = std::collections::BTreeMap::new();
    for e in events {
        for k in key(e) {
            groups.entry(k).or_default().add(e);
        }
    }
    groups.into_iter().map(|(k, a)| (k, a.finish())).collect()
}

/// Sorts rows by leaked messages, then attempted, both descending, then by
/// name.
pub fn by_leaks<T>(rows: &mut [T], m: impl Fn(&T) -> (&Measures, &str)) {
    rows.sort_by(|a, b| {
        let (ma, na) = m(a);
        let (mb, nb) = m(b);
        (mb.messages_leaked, mb.messages_attempted)
            .cmp(&(ma.messages_leaked, ma.messages_attempted))
            .then_with(|| na.cmp(nb))
    });
}
