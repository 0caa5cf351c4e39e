//! The state of one message while its lines are being read: envelope,
//! recipients and the outcome of each, in compact form.
//!
//! All strings of a message live in one byte buffer and are referred to by
//! [`Span`]s, and finished messages are recycled, so following a busy log
//! allocates nothing per line once warmed up.

use hashbrown::HashTable;

use crate::parse::{Delivery, RelayClass, Status};
use crate::time::Micros;

/// A slice of a message's buffer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    start: u32,
    len: u32,
}

/// Where a line came from: input file (its index in the run) and line number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineRef {
    pub file: u32,
    pub line: u64,
}

impl LineRef {
    /// The line as one number, unique in a run of fewer than 2^24 files of
    /// fewer than 2^40 lines each. The first line of a message names it
    /// the same way in every reading of its file, so this is the message's
    /// key in the reports (a serial would differ between a first reading
    /// and a second one for the events).
    pub fn key(self) -> u64 {
        (u64::from(self.file) << 40) | (self.line & ((1 << 40) - 1))
    }
}

/// One recipient of a message and what happened to it.
#[derive(Clone, Debug)]
pub struct Recipient {
    pub to: Span,
    pub orig_to: Option<Span>,
    pub relay: Span,
    pub dsn: Span,
    pub reply: Span,
    /// Status of the latest attempt that counts: a final status once there
    /// is one, else `Deferred`.
    pub status: Status,
    pub class: RelayClass,
    /// Deferred attempts seen.
    pub deferrals: u32,
    pub first_time: Micros,
    pub last_time: Micros,
    /// The line that decided the status.
    pub evidence: LineRef,
}

/// A message, from its first line to its last.
#[derive(Debug, Default)]
pub struct Message {
    buf: Vec<u8>,
    /// Queue or message ID, as logged.
    pub queue_id: Span,
    pub sender: Option<Span>,
    pub size: Option<u64>,
    pub first_time: Micros,
    pub last_time: Micros,
    pub first_line: LineRef,
    /// The line that created the message was seen (so it did not begin in
    /// an earlier file).
    pub born: bool,
    pub message_id: Option<Span>,
    /// Its `Subject:` header, where the logs carry it.
    pub subject: Option<Span>,
    /// The queue manager returned it to its sender (queue lifetime exceeded).
    pub expired: bool,
    /// The queue manager logged `removed`: nothing more will follow.
    pub removed: bool,
    /// The format writes no `removed` line (Sendmail): the message ended
    /// by the join gap or the end of the input, as it always does.
    pub end_unlogged: bool,
    pub recipients: Vec<Recipient>,
    /// Index of `recipients` by address, built once a message has many.
    index: HashTable<(u64, u32)>,
}

/// Recipients beyond which lookups go through the hash index.
const INDEX_AFTER: usize = 16;

/// Larger sizes are forged or corrupt (no mail system takes a 256 TiB
/// message) and are kept as unknown: summed, they would overflow the
/// byte totals (`size=18446744073709551615` twice).
pub const MAX_MESSAGE_SIZE: u64 = 1 << 48;

impl Message {
    /// Resets a recycled message for a new first line.
    pub fn reset(&mut self, queue_id: &[u8], time: Micros, at: LineRef) {
        self.buf.clear();
        self.queue_id = self.push(queue_id);
        self.sender = None;
        self.size = None;
        self.first_time = time;
        self.last_time = time;
        self.first_line = at;
        self.born = false;
        self.message_id = None;
        self.subject = None;
        self.expired = false;
        self.removed = false;
        self.end_unlogged = false;
        self.recipients.clear();
        self.index.clear();
    }

    pub fn bytes(&self, s: Span) -> &[u8] {
        &self.buf[s.start as usize..(s.start + s.len) as usize]
    }

    /// Whether the message's arrival line (sender and size) has been seen.
    pub fn has_arrival(&self) -> bool {
        self.sender.is_some()
    }

    fn push(&mut self, b: &[u8]) -> Span {
        // Hostile input cannot make one message's buffer exceed u32: lines are
        // capped in length and a message is flushed after its queue lifetime.
        let start = self.buf.len() as u32;
        self.buf.extend_from_slice(b);
        Span {
            start,
            len: b.len() as u32,
        }
    }

    pub fn touch(&mut self, time: Micros) {
        self.first_time = self.first_time.min(time);
        self.last_time = self.last_time.max(time);
    }

    pub fn set_start(&mut self, message_id: Option<&[u8]>) {
        self.born = true;
        if let (None, Some(id)) = (self.message_id, message_id) {
            self.message_id = Some(self.push(id));
        }
    }

    /// The first subject logged for the message counts.
    pub fn set_subject(&mut self, subject: &[u8]) {
        if self.subject.is_none() {
            self.subject = Some(self.push(subject));
        }
    }

    pub fn set_arrival(&mut self, sender: &[u8], size: Option<u64>) {
        if self.sender.is_none() {
            self.sender = Some(self.push(sender));
        }
        if self.size.is_none() {
            self.size = size.filter(|&s| s <= MAX_MESSAGE_SIZE);
        }
    }

    /// Records a delivery attempt. A recipient counts once, by its final
    /// outcome; deferrals before it are counted on it.
    pub fn record_delivery(&mut self, d: &Delivery<'_>, time: Micros, at: LineRef) {
        self.touch(time);
        match self.find_recipient(d.to, d.orig_to) {
            Some(i) => {
                let deferred = d.status == Status::Deferred;
                let r = &self.recipients[i];
                let replace = !deferred || !r.status.is_final();
                if deferred {
                    self.recipients[i].deferrals += 1;
                }
                let r = &mut self.recipients[i];
                r.first_time = r.first_time.min(time);
                r.last_time = r.last_time.max(time);
                if replace {
                    self.update_outcome(i, d, at);
                }
            }
            None => {
                let to = self.push(d.to);
                let orig_to = d.orig_to.map(|o| self.push(o));
                let relay = self.push(d.relay);
                let dsn = self.push(d.dsn);
                let reply = self.push(d.reply);
                self.recipients.push(Recipient {
                    to,
                    orig_to,
                    relay,
                    dsn,
                    reply,
                    status: d.status,
                    class: d.relay_class,
                    deferrals: u32::from(d.status == Status::Deferred),
                    first_time: time,
                    last_time: time,
                    evidence: at,
                });
                let n = self.recipients.len();
                if n == INDEX_AFTER {
                    self.rebuild_index();
                } else if n > INDEX_AFTER {
                    let h = self.recipient_hash(n - 1);
                    self.index
                        .insert_unique(h, (h, (n - 1) as u32), |&(h, _)| h);
                }
            }
        }
    }

    fn update_outcome(&mut self, i: usize, d: &Delivery<'_>, at: LineRef) {
        let relay = self.push(d.relay);
        let dsn = self.push(d.dsn);
        let reply = self.push(d.reply);
        let r = &mut self.recipients[i];
        r.relay = relay;
        r.dsn = dsn;
        r.reply = reply;
        r.status = d.status;
        r.class = d.relay_class;
        r.evidence = at;
    }

    fn find_recipient(&self, to: &[u8], orig: Option<&[u8]>) -> Option<usize> {
        let same =
            |r: &Recipient| self.bytes(r.to) == to && r.orig_to.map(|s| self.bytes(s)) == orig;
        if self.recipients.len() < INDEX_AFTER {
            return self.recipients.iter().position(same);
        }
        let h = hash_pair(to, orig);
        self.index
            .find(h, |&(_, i)| same(&self.recipients[i as usize]))
            .map(|&(_, i)| i as usize)
    }

    fn recipient_hash(&self, i: usize) -> u64 {
        let r = &self.recipients[i];
        hash_pair(self.bytes(r.to), r.orig_to.map(|s| self.bytes(s)))
    }

    fn rebuild_index(&mut self) {
        self.index.clear();
        for i in 0..self.recipients.len() {
            let h = self.recipient_hash(i);
            self.index.insert_unique(h, (h, i as u32), |&(h, _)| h);
        }
    }

    /// Folds a later fragment of the same message (read from another file)
    /// into this one. `later` must not start before `self`.
    pub fn absorb(&mut self, later: &Message) {
        if let (None, Some(id)) = (self.message_id, later.message_id) {
            self.message_id = Some(self.push(later.bytes(id)));
        }
        if let Some(s) = later.subject {
            self.set_subject(later.bytes(s));
        }
        if let Some(s) = later.sender {
            self.set_arrival(later.bytes(s), later.size);
        } else if self.size.is_none() {
            self.size = later.size;
        }
        self.touch(later.first_time);
        self.touch(later.last_time);
        self.expired |= later.expired;
        self.removed |= later.removed;
        self.end_unlogged |= later.end_unlogged;
        for r in &later.recipients {
            let d = Delivery {
                to: later.bytes(r.to),
                orig_to: r.orig_to.map(|s| later.bytes(s)),
                relay: later.bytes(r.relay),
                relay_class: r.class,
                dsn: later.bytes(r.dsn),
                status: r.status,
                reply: later.bytes(r.reply),
            };
            let before = self.find_recipient(d.to, d.orig_to);
            self.record_delivery(&d, r.last_time, r.evidence);
            let i = before.unwrap_or(self.recipients.len() - 1);
            let mine = &mut self.recipients[i];
            mine.first_time = mine.first_time.min(r.first_time);
            // record_delivery counted one deferral for the attempt it saw;
            // the fragment knew its own total.
            if r.status == Status::Deferred {
                mine.deferrals = mine.deferrals - 1 + r.deferrals;
            } else {
                mine.deferrals += r.deferrals;
            }
        }
    }

    /// Whether this message's format logs no end and every recipient it has
    /// has a final outcome (nothing more is expected). A hop is not an end
    /// here: Exchange logs the rest of the message, on the next server,
    /// under the same ID.
    pub fn done_unlogged(&self) -> bool {
        self.end_unlogged
            && self.has_arrival()
            && !self.recipients.is_empty()
            && self
                .recipients
                .iter()
                .all(|r| r.status.is_final() && r.class != RelayClass::Hop)
    }

    /// The final status of a recipient: a recipient still deferred when its
    /// message expired has expired.
    pub fn final_status(&self, r: &Recipient) -> Status {
        if r.status == Status::Deferred && self.expired {
            Status::Expired
        } else {
            r.status
        }
    }
}

fn hash_pair(to: &[u8], orig: Option<&[u8]>) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    // A fixed seed keeps runs reproducible; recipients of one message are
    // few enough that hash flooding is no concern.
    let mut h = foldhash::fast::FixedState::with_seed(0x6d69_7364_6972_6563).build_hasher();
    to.hash(&mut h);
    orig.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d<'a>(to: &'a str, status: Status) -> Delivery<'a> {
        Delivery {
            to: to.as_bytes(),
            orig_to: None,
            relay: b"mx[192.0.2.1]:25",
            relay_class: RelayClass::Remote,
            dsn: b"2.0.0",
            status,
            reply: b"ok",
        }
    }

    #[test]
    fn final_outcome_wins_and_deferrals_count() {
        let mut m = Message::default();
        m.reset(b"Q1", 0, LineRef::default());
        m.record_delivery(&d("a@x", Status::Deferred), 1, LineRef { file: 0, line: 1 });
        m.record_delivery(&d("a@x", Status::Deferred), 2, LineRef { file: 0, line: 2 });
        m.record_delivery(&d("a@x", Status::Sent), 3, LineRef { file: 0, line: 3 });
        m.record_delivery(&d("a@x", Status::Deferred), 4, LineRef { file: 0, line: 4 });
        assert_eq!(m.recipients.len(), 1);
        let r = &m.recipients[0];
        assert_eq!(
            (r.status, r.deferrals, r.evidence.line),
            (Status::Sent, 3, 3)
        );
        assert_eq!((r.first_time, r.last_time), (1, 4));
    }

    #[test]
    fn many_recipients_use_the_index() {
        let mut m = Message::default();
        m.reset(b"Q2", 0, LineRef::default());
        for round in 0..2 {
            for i in 0..100 {
                let to = format!("u{i}@x");
                let st = if round == 0 {
                    Status::Deferred
                } else {
                    Status::Sent
                };
                m.record_delivery(&d(&to, st), round, LineRef::default());
            }
        }
        assert_eq!(m.recipients.len(), 100);
        assert!(m
            .recipients
            .iter()
            .all(|r| r.status == Status::Sent && r.deferrals == 1));
    }

    /// Finding of the hostile-content tests: `size=18446744073709551615`
    /// twice wrapped the byte totals around.
    #[test]
    fn absurd_size_is_unknown_not_summed() {
        let mut m = Message::default();
        m.reset(b"Q9", 10, LineRef { file: 0, line: 1 });
        m.set_arrival(b"s@example.org", Some(u64::MAX));
        assert_eq!(m.size, None);
        m.reset(b"Q9", 10, LineRef { file: 0, line: 1 });
        m.set_arrival(b"s@example.org", Some(MAX_MESSAGE_SIZE));
        assert_eq!(m.size, Some(MAX_MESSAGE_SIZE));
    }

    #[test]
    fn absorb_joins_fragments() {
        let mut a = Message::default();
        a.reset(b"Q3", 10, LineRef { file: 0, line: 5 });
        a.set_arrival(b"s@example.org", Some(1234));
        a.record_delivery(
            &d("a@x", Status::Deferred),
            11,
            LineRef { file: 0, line: 6 },
        );
        let mut b = Message::default();
        b.reset(b"Q3", 20, LineRef { file: 1, line: 1 });
        b.record_delivery(
            &d("a@x", Status::Deferred),
            20,
            LineRef { file: 1, line: 1 },
        );
        b.record_delivery(
            &d("a@x", Status::Deferred),
            21,
            LineRef { file: 1, line: 2 },
        );
        b.expired = true;
        b.removed = true;
        a.absorb(&b);
        assert_eq!(a.recipients.len(), 1);
        assert_eq!(a.recipients[0].deferrals, 3);
        assert_eq!(a.final_status(&a.recipients[0]), Status::Expired);
        assert_eq!(a.bytes(a.sender.unwrap()), b"s@example.org");
        assert_eq!((a.first_time, a.last_time), (10, 21));
        assert!(a.removed);
    }
}
