//! The recipient-domain census: for every recipient domain, how many
//! messages, recipients, deliveries by final status, bytes and senders.

use std::sync::atomic::{AtomicU64, Ordering};

use super::evidence::Evidence;
use super::smallset::SmallSet;
use crate::correlate::{Message, MessageSink};
use crate::domain::{normalize_domain, registrable, split_address, unicode_form, unquote_local};
use crate::leak::ledger::{DomainLedger, LedgerLimits, LedgerMode, RecordRef, Spill, ANY_ORIGIN};
use crate::parse::{RelayClass, Status};
use crate::time::Micros;

use super::domain_map::DomainMap;

/// A set of distinct byte strings, kept as their 128-bit XXH3 hashes.
///
/// Why hashes: the census keeps one such set of recipients and one of
/// senders per domain, and comparing and storing whole addresses was the
/// largest cost of counting. Why 128 bits: two distinct strings share a
/// hash with probability 2^-128, so even a set of 10^12 values has less
/// than a 10^-14 chance of one collision; the counts are exact in any
/// archive that can exist. The seed is fixed, so counts never depend on
/// the run. Inline while it holds one value (most domains of a large
/// archive have one recipient and one sender).
pub type Set = SmallSet<SetKey, 1>;

/// A 128-bit hash as two words: `u128` is aligned to 16 bytes, which made
/// each inline [`Set`] 32 bytes instead of 24.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SetKey([u64; 2]);

/// The key under which `bytes` is kept in a [`Set`].
pub fn set_key(bytes: &[u8]) -> SetKey {
    let h = xxhash_rust::xxh3::xxh3_128(bytes);
    SetKey([h as u64, (h >> 64) as u64])
}

/// What is known of one recipient domain.
#[derive(Debug, Default, Clone)]
pub struct DomainStats {
    pub messages: u64,
    /// Distinct local parts seen at the domain.
    pub recipients: Set,
    /// Recipient deliveries by final status, indexed by `Status as usize`.
    pub deliveries: [u64; 4],
    /// Sizes of delivered messages, once per message.
    pub bytes_sent: u64,
    /// Distinct envelope senders (empty = the null sender `<>`).
    pub senders: Set,
    seen: Seen,
    /// Of the deliveries, those to a mailbox on the logging host.
    pub deliveries_local: u64,
    /// Records of single deliveries, while the domain may be a lookalike.
    pub ledger: DomainLedger,
    /// Serials of the last message counted, and of the last one whose
    /// bytes were counted, so each message counts once per domain.
    last_message: u64,
    last_sent_message: u64,
}

/// The first and last time a domain was seen, without `Option`'s tag (16
/// bytes a domain): empty until the first `add`.
#[derive(Debug, Clone, Copy)]
struct Seen {
    first: Micros,
    last: Micros,
}

impl Default for Seen {
    fn default() -> Self {
        Seen {
            first: Micros::MAX,
            last: Micros::MIN,
        }
    }
}

impl Seen {
    fn is_empty(&self) -> bool {
        self.first == Micros::MAX && self.last == Micros::MIN
    }

    fn add(&mut self, first: Micros, last: Micros) {
        self.first = self.first.min(first);
        self.last = self.last.max(last);
    }
}

impl DomainStats {
    pub fn first_seen(&self) -> Option<Micros> {
        (!self.seen.is_empty()).then_some(self.seen.first)
    }

    pub fn last_seen(&self) -> Option<Micros> {
        (!self.seen.is_empty()).then_some(self.seen.last)
    }

    fn merge(&mut self, other: DomainStats) {
        self.messages += other.messages;
        self.recipients.merge(other.recipients);
        for (a, b) in self.deliveries.iter_mut().zip(other.deliveries) {
            *a += b;
        }
        self.bytes_sent = self.bytes_sent.saturating_add(other.bytes_sent);
        self.senders.merge(other.senders);
        self.seen.add(other.seen.first, other.seen.last);
        self.deliveries_local += other.deliveries_local;
        self.ledger.merge(other.ledger);
    }
}

/// Run-wide counters that explain the census.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    /// Messages with at least one counted recipient.
    pub messages: u64,
    pub deliveries_sent: u64,
    pub deliveries_bounced: u64,
    pub deliveries_deferred: u64,
    pub deliveries_expired: u64,
    /// Of the deliveries, those to a mailbox on the logging host.
    pub deliveries_local: u64,
    /// Sizes of messages with at least one sent recipient, once each.
    pub bytes_sent: u64,
    /// Deferred attempts seen before a recipient's final outcome (or last).
    pub deferral_attempts: u64,
    /// Hand-offs to a content filter on the same host (not deliveries).
    pub content_filter_hops: u64,
    /// Recipients or messages refused on arrival (`NOQUEUE: reject`, ...).
    pub rejects: u64,
    /// Messages whose arrival line (sender, size) was never found.
    pub messages_without_arrival: u64,
    /// Deliveries of those messages: counted, with an unknown sender.
    pub deliveries_without_arrival: u64,
    /// Delivered messages whose size is unknown (not in `bytes_sent`).
    pub sent_messages_without_size: u64,
    /// Messages queued but with no delivery line at all.
    pub messages_without_deliveries: u64,
    /// Messages returned to their senders after their queue lifetime.
    pub messages_expired: u64,
    /// Messages whose `removed` line never came (finished by the gap rule or
    /// at the end of the input), in formats that log one.
    pub messages_not_removed: u64,
    /// Lines of one queue ID that only said `removed` (the rest was in no
    /// input file).
    pub orphan_removals: u64,
    /// Deliveries outside `--since`/`--until` (not counted anywhere else).
    pub deliveries_outside_period: u64,
}

impl Totals {
    fn merge(&mut self, o: &Totals) {
        let Totals {
            messages,
            deliveries_sent,
            deliveries_bounced,
            deliveries_deferred,
            deliveries_expired,
            deliveries_local,
            bytes_sent,
            deferral_attempts,
            content_filter_hops,
            rejects,
            messages_without_arrival,
            deliveries_without_arrival,
            sent_messages_without_size,
            messages_without_deliveries,
            messages_expired,
            messages_not_removed,
            orphan_removals,
            deliveries_outside_period,
        } = o;
        self.messages += messages;
        self.deliveries_sent += deliveries_sent;
        self.deliveries_bounced += deliveries_bounced;
        self.deliveries_deferred += deliveries_deferred;
        self.deliveries_expired += deliveries_expired;
        self.deliveries_local += deliveries_local;
        self.bytes_sent = self.bytes_sent.saturating_add(*bytes_sent);
        self.deferral_attempts += deferral_attempts;
        self.content_filter_hops += content_filter_hops;
        self.rejects += rejects;
        self.messages_without_arrival += messages_without_arrival;
        self.deliveries_without_arrival += deliveries_without_arrival;
        self.sent_messages_without_size += sent_messages_without_size;
        self.messages_without_deliveries += messages_without_deliveries;
        self.messages_expired += messages_expired;
        self.messages_not_removed += messages_not_removed;
        self.orphan_removals += orphan_removals;
        self.deliveries_outside_period += deliveries_outside_period;
    }

    pub fn deliveries(&self) -> u64 {
        self.deliveries_sent
            + self.deliveries_bounced
            + self.deliveries_deferred
            + self.deliveries_expired
    }

    fn add_delivery(&mut self, s: Status) {
        match s {
            Status::Sent => self.deliveries_sent += 1,
            Status::Bounced => self.deliveries_bounced += 1,
            Status::Deferred => self.deliveries_deferred += 1,
            Status::Expired => self.deliveries_expired += 1,
        }
    }
}

/// How a census counts, beyond the defaults.
#[derive(Clone, Debug)]
pub struct CensusOptions {
    /// Deliveries before this instant are left out.
    pub since: Option<Micros>,
    /// Deliveries at or after this instant are left out.
    pub until: Option<Micros>,
    pub ledger: LedgerMode,
    /// The file whose messages this census counts, or `ANY_ORIGIN`.
    pub origin: u32,
}

impl Default for CensusOptions {
    fn default() -> Self {
        CensusOptions {
            since: None,
            until: None,
            ledger: LedgerMode::Off,
            origin: ANY_ORIGIN,
        }
    }
}

/// The census of some files (or of the whole run, once merged).
#[derive(Debug, Default)]
pub struct Census {
    domains: DomainMap<DomainStats>,
    opts: CensusOptions,
    /// Bytes of ledger records held in memory.
    held: usize,
    /// Why the ledger is incomplete, if it is (a spill could not be written).
    pub ledger_error: Option<String>,
    pub totals: Totals,
    /// Related domains seen together, for the lookalike engine.
    pub evidence: Evidence,
    scratch: Vec<u8>,
    sender_scratch: Vec<u8>,
    /// Domains counted before [`take_rows`](Self::take_rows) took them.
    released: usize,
}

impl Census {
    pub fn new() -> Census {
        Census::default()
    }

    pub fn with_options(opts: CensusOptions) -> Census {
        Census {
            opts,
            ..Census::default()
        }
    }

    /// Where this census's ledger spills, if it keeps one.
    pub fn spill(&self) -> Option<&Spill> {
        match &self.opts.ledger {
            LedgerMode::Rare { spill, .. } => Some(spill),
            _ => None,
        }
    }

    fn limits(&self) -> LedgerLimits {
        match &self.opts.ledger {
            LedgerMode::Rare { limits, .. } => *limits,
            _ => LedgerLimits::default(),
        }
    }

    /// Every domain with its statistics, mutably (to take ledgers).
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&[u8], &mut DomainStats)> {
        self.domains.iter_mut()
    }

    /// Writes the ledger records held in memory to a temporary file once
    /// they pass the budget.
    pub fn maybe_spill(&mut self) {
        if self.held > self.limits().budget {
            self.spill_now();
        }
    }

    /// Writes the ledger records held in memory to this census's temporary
    /// file.
    pub fn spill_now(&mut self) {
        if self.held == 0 {
            return;
        }
        let LedgerMode::Rare { spill, .. } = &self.opts.ledger else {
            return;
        };
        let origin = self.opts.origin;
        let chunks = self
            .domains
            .iter_mut()
            .map(|(k, v)| (k, v.ledger.take_records()));
        if let Err(e) = spill.write(origin, chunks) {
            self.ledger_error.get_or_insert(format!(
                "cannot write delivery records to a temporary file ({e}); the events report is incomplete"
            ));
            self.opts.ledger = LedgerMode::Off;
        }
        self.held = 0;
    }

    pub fn domain(&self, domain: &str) -> Option<&DomainStats> {
        self.domains.get(domain.as_bytes())
    }

    /// The position of `domain` in [`iter`](Self::iter)'s order.
    pub fn domain_index(&self, domain: &str) -> Option<usize> {
        self.domains.find(domain.as_bytes())
    }

    pub fn domain_count(&self) -> usize {
        self.domains.len().max(self.released)
    }

    /// Every recipient domain and its statistics, in the order first seen.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &DomainStats)> {
        self.domains.iter()
    }

    pub fn merge(&mut self, other: Census) {
        self.totals.merge(&other.totals);
        self.held += other.held;
        if self.ledger_error.is_none() {
            self.ledger_error = other.ledger_error;
        }
        if other.domains.len() > self.domains.len() && self.domains.is_empty() {
            // The evidence's ids are indexes of the domains: theirs stay.
            self.domains = other.domains;
            self.evidence.merge(other.evidence, None);
            return;
        }
        // DomainMap's indexes fit in 4 bytes.
        let map: Vec<u32> = other
            .domains
            .into_iter()
            .map(|(k, v)| self.domains.insert_or_merge(k, v, DomainStats::merge) as u32)
            .collect();
        self.evidence.merge(other.evidence, Some(&map));
    }

    /// The index of domain `d`, which the evidence's ids are.
    pub fn domain_id(&self, d: &str) -> Option<u32> {
        self.domains.find(d.as_bytes()).map(|i| i as u32)
    }

    /// The census as report rows, sorted by messages (descending), then
    /// domain. Takes the statistics of every domain and the evidence, once
    /// nothing else needs them (detection is done and the leaks quantified),
    /// keeping the totals and the number of domains.
    ///
    /// Why take: with millions of distinct domains the statistics and the
    /// rows are most of the memory. Each block of statistics is freed as its
    /// rows are made, so the two are never held whole at once, and each name
    /// becomes its row's `domain` without a copy.
    pub fn take_rows(&mut self) -> Vec<DomainRow> {
        self.evidence = Evidence::default();
        self.released = self.domain_count();
        let domains = std::mem::take(&mut self.domains);
        let mut rows = Vec::with_capacity(domains.len());
        for (k, s) in domains {
            // The blocks of statistics freed so far go back to the system
            // now: the rows do not fit in them, and making the rows takes
            // less than the allocator's purge delay.
            if rows.len() % (1 << 16) == 0 {
                crate::alloc::release();
            }
            let domain = match String::from_utf8(k.into_vec()) {
                Ok(d) => d,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            };
            rows.push(DomainRow {
                domain,
                messages: s.messages,
                recipients: s.recipients.len() as u64,
                deliveries_sent: s.deliveries[Status::Sent as usize],
                deliveries_bounced: s.deliveries[Status::Bounced as usize],
                deliveries_deferred: s.deliveries[Status::Deferred as usize],
                deliveries_expired: s.deliveries[Status::Expired as usize],
                bytes_sent: s.bytes_sent,
                senders: s.senders.len() as u64,
                first_seen: s.first_seen(),
                last_seen: s.last_seen(),
            });
        }
        // Domains are unique, so the order is total and an unstable sort
        // gives the same rows without a stable sort's buffer of half of them.
        rows.sort_unstable_by(|a, b| {
            b.messages
                .cmp(&a.messages)
                .then_with(|| a.domain.cmp(&b.domain))
        });
        rows
    }
}

/// One row of `domains.csv`. The registrable and Unicode forms of the
/// domain are computed when the row is written, not kept: with a million
/// domains, two more strings a row were about 110 MB while the rows are
/// made and written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainRow {
    pub domain: String,
    pub messages: u64,
    pub recipients: u64,
    pub deliveries_sent: u64,
    pub deliveries_bounced: u64,
    pub deliveries_deferred: u64,
    pub deliveries_expired: u64,
    pub bytes_sent: u64,
    pub senders: u64,
    pub first_seen: Option<Micros>,
    pub last_seen: Option<Micros>,
}

impl DomainRow {
    /// The registrable domain (Public Suffix List), `army.mil` for
    /// `mail.army.mil`.
    pub fn registrable_domain(&self) -> String {
        registrable(&self.domain)
    }

    /// The domain with its `xn--` labels in Unicode.
    pub fn unicode_domain(&self) -> String {
        unicode_form(&self.domain)
    }
}

/// Serials mark which message last touched a domain's stats. They must be
/// unique across every census of the run, since stats move between
/// censuses when they merge.
static NEXT_SERIAL: AtomicU64 = AtomicU64::new(1);

impl MessageSink for Census {
    fn message(&mut self, host: &[u8], queue_id: &[u8], msg: &Message) {
        let serial = NEXT_SERIAL.fetch_add(1, Ordering::Relaxed);
        if !msg.removed && !msg.end_unlogged {
            self.totals.messages_not_removed += 1;
        }
        if msg.recipients.is_empty() {
            if msg.has_arrival() {
                self.totals.messages_without_deliveries += 1;
            } else {
                self.totals.orphan_removals += 1;
            }
            return;
        }
        let mut sender_key = std::mem::take(&mut self.sender_scratch);
        sender_key.clear();
        if let Some(s) = msg.sender {
            let a = split_address(msg.bytes(s));
            sender_key.extend_from_slice(&unquote_local(a.local));
            if !a.domain.is_empty() {
                sender_key.push(b'@');
                normalize_domain(a.domain, &mut self.scratch);
                sender_key.extend_from_slice(&self.scratch);
            }
        }
        let sender: Option<&[u8]> = msg.sender.map(|_| &sender_key[..]);
        // Hashed once: for the senders sets and the evidence's histories.
        let sender_set_key = sender.map(set_key);
        let mut counted = 0u64;
        let mut any_sent = false;
        let mut first_time = Micros::MAX;
        self.evidence.begin();
        for r in &msg.recipients {
            if r.class == RelayClass::Hop {
                self.totals.content_filter_hops += 1;
                continue;
            }
            let outside = self.opts.since.is_some_and(|t| r.last_time < t)
                || self.opts.until.is_some_and(|t| r.last_time >= t);
            if outside {
                self.totals.deliveries_outside_period += 1;
                continue;
            }
            counted += 1;
            let status = msg.final_status(r);
            self.totals.add_delivery(status);
            self.totals.deferral_attempts += u64::from(r.deferrals);
            if r.class == RelayClass::Local {
                self.totals.deliveries_local += 1;
            }
            if sender.is_none() {
                self.totals.deliveries_without_arrival += 1;
            }
            let addr = split_address(msg.bytes(r.to));
            normalize_domain(addr.domain, &mut self.scratch);
            let local = unquote_local(addr.local);
            let local_key = set_key(&local);
            first_time = first_time.min(r.first_time);
            // One look-up: the key is allocated once per domain, on insertion.
            let id = self
                .domains
                .find_or_insert_with(&self.scratch, DomainStats::default);
            self.evidence.recipient(id as u32, local_key);
            let stats = self.domains.value_mut(id);
            if r.class == RelayClass::Local {
                stats.deliveries_local += 1;
            } else {
                let limit = match &self.opts.ledger {
                    LedgerMode::Off => None,
                    LedgerMode::Rare { .. } if self.opts.origin == ANY_ORIGIN => Some(None),
                    LedgerMode::Rare {
                        limits, suspects, ..
                    } => {
                        let l = &mut stats.ledger;
                        // Whether a domain is a suspect only matters once it
                        // would pass the rare limit in this file: until then
                        // its records are kept either way. Most domains never
                        // get there, and asking costs a matcher lookup (with a
                        // million distinct domains, most of the scan's time).
                        if !l.checked && l.reaches(limits.rare) {
                            l.checked = true;
                            l.suspect = suspects
                                .as_ref()
                                .is_some_and(|s| s.is_suspect(&self.scratch));
                        }
                        if l.suspect {
                            Some(None)
                        } else {
                            Some(Some((limits.rare, self.opts.origin)))
                        }
                    }
                    LedgerMode::Only(set) => set.contains(&self.scratch[..]).then_some(None),
                };
                if let Some(limit) = limit {
                    let rec = RecordRef {
                        time: r.last_time,
                        first_time: r.first_time,
                        at: r.evidence,
                        message_key: msg.first_line.key(),
                        status: Some(status),
                        deferrals: r.deferrals,
                        size: msg.size,
                        host,
                        queue_id,
                        message_id: msg.message_id.map_or(&[][..], |m| msg.bytes(m)),
                        sender: sender.unwrap_or_default(),
                        sender_known: sender.is_some(),
                        local: &local,
                        orig_to: r.orig_to.map_or(&[][..], |o| msg.bytes(o)),
                        relay: msg.bytes(r.relay),
                        dsn: msg.bytes(r.dsn),
                        reply: msg.bytes(r.reply),
                        subject: msg.subject.map_or(&[][..], |m| msg.bytes(m)),
                    };
                    let delta = stats.ledger.push(&rec, limit);
                    self.held = self.held.saturating_add_signed(delta);
                }
            }
            let new_message = stats.last_message != serial;
            stats.last_message = serial;
            if new_message {
                stats.messages += 1;
                if let Some(k) = sender_set_key {
                    stats.senders.insert(k);
                }
            }
            stats.deliveries[status as usize] += 1;
            stats.recipients.insert(local_key);
            stats.seen.add(r.first_time, r.last_time);
            if status == Status::Sent {
                any_sent = true;
                // Bytes count once per message per domain: the serial marks
                // the domain as paid for this message.
                if stats.last_sent_message != serial {
                    stats.last_sent_message = serial;
                    stats.bytes_sent = stats.bytes_sent.saturating_add(msg.size.unwrap_or(0));
                }
            }
        }
        if counted > 0 {
            // The null sender has no history to correct.
            let known = sender_set_key.filter(|_| sender.is_some_and(|s| !s.is_empty()));
            self.evidence.end(known, first_time, &self.domains);
        }
        self.sender_scratch = sender_key;
        self.maybe_spill();
        if counted == 0 {
            // Every recipient was a content-filter hop: the message lives on
            // under its new queue ID.
            return;
        }
        self.totals.messages += 1;
        if !msg.has_arrival() {
            self.totals.messages_without_arrival += 1;
        }
        if msg.expired {
            self.totals.messages_expired += 1;
        }
        if any_sent {
            match msg.size {
                Some(n) => self.totals.bytes_sent = self.totals.bytes_sent.saturating_add(n),
                None => self.totals.sent_messages_without_size += 1,
            }
        }
    }

    fn reject(&mut self, _recipient: Option<&[u8]>) {
        self.totals.rejects += 1;
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;
    use std::sync::Arc;

    use super::*;
    use crate::correlate::Correlator;
    use crate::leak::ledger::Suspects;
    use crate::lookalike::TargetSpec;
    use crate::parse::syslog::{PostfixNames, SyslogParser};
    use crate::parse::LineParser;
    use crate::time::{Clock, YearRule, Zone, DAY};

    /// One message a line group, each to one recipient at `domains[i]`.
    fn log(domains: &[&str]) -> String {
        let mut s = String::new();
        for (i, d) in domains.iter().enumerate() {
            let q = format!("{:X}", 0xA0000 + i);
            writeln!(s, "Jul  7 10:00:00 mx1 postfix/qmgr[1]: {q}: from=<a@example.org>, size=100, nrcpt=1 (queue active)").unwrap();
            writeln!(s, "Jul  7 10:00:01 mx1 postfix/smtp[2]: {q}: to=<x{i}@{d}>, relay=mx[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)").unwrap();
            writeln!(s, "Jul  7 10:00:01 mx1 postfix/qmgr[1]: {q}: removed").unwrap();
        }
        s
    }

    /// Every distinct domain costs this much (a million domains, 184 MB);
    /// it was 240 bytes before the sets' keys, the times and the ledger's
    /// dropped files were packed.
    #[test]
    fn domain_statistics_stay_small() {
        assert_eq!(std::mem::size_of::<Set>(), 24);
        assert!(
            std::mem::size_of::<DomainStats>() <= 184,
            "{} bytes",
            std::mem::size_of::<DomainStats>()
        );
    }

    #[test]
    fn suspects_are_asked_about_only_at_the_rare_limit() {
        let suspects = Arc::new(Suspects::new(&TargetSpec::default()));
        let census = Census::with_options(CensusOptions {
            ledger: LedgerMode::Rare {
                spill: Spill::new(None),
                limits: LedgerLimits {
                    rare: 2,
                    budget: usize::MAX,
                },
                suspects: Some(suspects.clone()),
            },
            origin: 0,
            ..CensusOptions::default()
        });
        let mut parser = SyslogParser::new(
            Clock::new(YearRule::FirstLine(2023), Zone::utc()),
            PostfixNames::new(&[]),
        );
        let mut c = Correlator::new(0, DAY, census);
        let mut domains = vec!["army.ml"; 4];
        domains.extend(["company.example"; 4]);
        domains.extend(["d1.example", "d2.example", "gmial.com"]);
        for (i, line) in log(&domains).lines().enumerate() {
            c.set_line(i as u64 + 1);
            parser.parse_line(line.as_bytes(), &mut c);
        }
        // Messages not seen arriving are finished by the join, as in a run.
        let (mut census, loose) = c.finish();
        crate::correlate::join::join_fragments(loose, DAY, &mut census);
        // Only the two domains that reached two deliveries were asked about.
        assert_eq!(suspects.asked(), 2);
        let records = |d: &str| census.domain(d).unwrap().ledger.records().count();
        // A suspect keeps every record; a common domain that is not one is
        // dropped past the limit; a domain below the limit keeps its own,
        // suspect (gmial.com) or not.
        assert_eq!(records("army.ml"), 4);
        assert_eq!(records("company.example"), 0);
        assert_eq!(
            census
                .domain("company.example")
                .unwrap()
                .ledger
                .dropped_in(),
            [0]
        );
        assert_eq!(records("d1.example"), 1);
        assert_eq!(records("gmial.com"), 1);
    }
}
