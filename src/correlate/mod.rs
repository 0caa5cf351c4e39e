//! Correlation: joins the lines of each message (by host and queue ID) into
//! one [`Message`], and hands finished messages to a [`MessageSink`].
//!
//! A file is correlated on its own, in file order. Messages whose lines may
//! continue in another file (open at the end of the file, or begun without
//! their arrival line near its start) are kept as loose [`Fragment`]s; the
//! run joins them across files when it merges ([`join`]), in time order, so
//! a message whose `from=` is at the end of `mail.log.2` and whose `to=` is
//! at the start of `mail.log.1` is still joined although the files are read
//! in parallel. Messages idle for longer than the join gap are finished
//! early, so memory is bounded by the messages in flight, not by the file.

pub mod internal;
pub mod join;
pub mod message;

use std::collections::HashMap;

pub use message::{LineRef, Message, Recipient, Span};

use crate::parse::{Event, EventKind, EventSink};
use crate::time::Micros;

/// Receives finished messages and rejects.
pub trait MessageSink {
    /// A finished message. `host` and `queue_id` name it.
    fn message(&mut self, host: &[u8], queue_id: &[u8], msg: &Message);
    /// A recipient (or message) refused on arrival.
    fn reject(&mut self, recipient: Option<&[u8]>);
}

/// A message that may continue in another file.
#[derive(Debug)]
pub struct Fragment {
    pub host: Box<[u8]>,
    pub queue_id: Box<[u8]>,
    pub msg: Message,
}

/// A message whose format logs no end (Sendmail, Exchange, Microsoft 365)
/// is finished once every recipient has a final outcome and it has been
/// quiet this long: its lines are all written within seconds, except retries
/// of deferred recipients (which keep it open). Without this, such messages
/// would stay open for the whole join gap and pile up at every file's end.
pub const QUIET: Micros = 10 * 60 * 1_000_000;

/// Longest queue or message ID kept verbatim in a key; longer IDs (hostile
/// input) are keyed by a prefix and a hash of the whole.
const KEY_BYTES: usize = 48;
const _: () = assert!(KEY_BYTES % 16 == 0, "keys compare in 16-byte words");

#[derive(Clone, Copy)]
struct Key {
    host: u32,
    len: u8,
    id: [u8; KEY_BYTES],
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        // Unused bytes are zero, so the whole fixed-size array compares.
        self.host == other.host && self.len == other.len && same_words(&self.id, &other.id)
    }
}

impl Eq for Key {}

/// Whether two keys' bytes are equal, compared 16 bytes at a time (an
/// array `==`, even of words, is a `memcmp` call).
#[inline]
fn same_words(a: &[u8; KEY_BYTES], b: &[u8; KEY_BYTES]) -> bool {
    let word = |x: &[u8; KEY_BYTES], i: usize| {
        u128::from_ne_bytes(x[i * 16..i * 16 + 16].try_into().expect("16 bytes"))
    };
    (0..KEY_BYTES / 16).fold(0, |diff, i| diff | (word(a, i) ^ word(b, i))) == 0
}

impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        h.write_u32(self.host);
        h.write(self.used());
    }
}

impl Key {
    /// The bytes of the key that are in use.
    fn used(&self) -> &[u8] {
        let n = if self.len == u8::MAX {
            KEY_BYTES
        } else {
            self.len as usize
        };
        &self.id[..n]
    }

    fn new(host: u32, id: &[u8]) -> Key {
        let mut k = Key {
            host,
            len: 0,
            id: [0; KEY_BYTES],
        };
        if id.len() <= KEY_BYTES {
            k.id[..id.len()].copy_from_slice(id);
            k.len = id.len() as u8;
        } else {
            let digest = blake3::hash(id);
            k.id[..KEY_BYTES - 16].copy_from_slice(&id[..KEY_BYTES - 16]);
            k.id[KEY_BYTES - 16..].copy_from_slice(&digest.as_bytes()[..16]);
            k.len = u8::MAX;
        }
        k
    }
}

/// Whether two host names are equal. Called for every event with names of
/// a few bytes (often none: Exchange and Microsoft 365 log no host), for
/// which a `memcmp` call cost more than the comparison: 2% of a Microsoft
/// 365 scan. Up to 16 bytes compares two overlapping words per side.
#[inline]
fn same_name(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let w8 = |x: &[u8], i: usize| u64::from_le_bytes(x[i..i + 8].try_into().expect("8 bytes"));
    let w4 = |x: &[u8], i: usize| u32::from_le_bytes(x[i..i + 4].try_into().expect("4 bytes"));
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => w4(a, 0) == w4(b, 0) && w4(a, n - 4) == w4(b, n - 4),
        8..=16 => w8(a, 0) == w8(b, 0) && w8(a, n - 8) == w8(b, n - 8),
        _ => a == b,
    }
}

/// Per-host facts of the file being read.
#[derive(Debug)]
struct Host {
    name: Box<[u8]>,
    first: Micros,
    last: Micros,
}

/// Correlates the events of one file.
pub struct Correlator<S: MessageSink> {
    file: u32,
    line: u64,
    gap: Micros,
    hosts: Vec<Host>,
    last_host: usize,
    open: HashMap<Key, usize, foldhash::fast::RandomState>,
    slots: Vec<Message>,
    /// The key and slot of the last event: consecutive lines are often of
    /// one message, and this spares the hash lookup.
    last: Option<(Key, usize)>,
    free_slots: Vec<usize>,
    spare: Vec<Message>,
    now: Micros,
    next_sweep: Micros,
    loose: Vec<Fragment>,
    sink: S,
}

impl<S: MessageSink> Correlator<S> {
    /// `gap`: lines of one queue ID further apart than this belong to
    /// different messages (queue IDs are reused over time).
    pub fn new(file: u32, gap: Micros, sink: S) -> Correlator<S> {
        Correlator {
            file,
            line: 0,
            gap,
            hosts: Vec::new(),
            last_host: usize::MAX,
            open: HashMap::default(),
            slots: Vec::new(),
            last: None,
            free_slots: Vec::new(),
            spare: Vec::new(),
            now: Micros::MIN,
            next_sweep: Micros::MIN,
            loose: Vec::new(),
            sink,
        }
    }

    /// Sets the line number of the events that follow.
    pub fn set_line(&mut self, line: u64) {
        self.line = line;
    }

    fn host_id(&mut self, name: &[u8], time: Micros) -> usize {
        if self.last_host < self.hosts.len() && same_name(&self.hosts[self.last_host].name, name) {
            let h = &mut self.hosts[self.last_host];
            h.first = h.first.min(time);
            h.last = h.last.max(time);
            return self.last_host;
        }
        let id = match self.hosts.iter().position(|h| same_name(&h.name, name)) {
            Some(i) => i,
            None => {
                self.hosts.push(Host {
                    name: name.into(),
                    first: time,
                    last: time,
                });
                self.hosts.len() - 1
            }
        };
        let h = &mut self.hosts[id];
        h.first = h.first.min(time);
        h.last = h.last.max(time);
        self.last_host = id;
        id
    }

    fn at(&self) -> LineRef {
        LineRef {
            file: self.file,
            line: self.line,
        }
    }

    /// The open message for a key, opened if there is none, or if the open
    /// one has been idle for longer than the gap (a reused queue ID).
    fn slot(&mut self, key: Key, queue_id: &[u8], time: Micros) -> usize {
        let found = match self.last {
            Some((k, s)) if k == key => Some(s),
            _ => self.open.get(&key).copied(),
        };
        if let Some(slot) = found {
            if time - self.slots[slot].last_time <= self.gap {
                self.last = Some((key, slot));
                return slot;
            }
            self.open.remove(&key);
            self.finish_slot(key.host as usize, slot);
        }
        let mut msg = self.spare.pop().unwrap_or_default();
        msg.reset(queue_id, time, self.at());
        let slot = match self.free_slots.pop() {
            Some(s) => {
                self.slots[s] = msg;
                s
            }
            None => {
                self.slots.push(msg);
                self.slots.len() - 1
            }
        };
        self.open.insert(key, slot);
        self.last = Some((key, slot));
        slot
    }

    /// Finishes a message: to the sink, or kept loose if it may continue in
    /// another file.
    fn finish_slot(&mut self, host: usize, slot: usize) {
        let msg = std::mem::take(&mut self.slots[slot]);
        self.free_slots.push(slot);
        self.last = None;
        let h = &self.hosts[host];
        // Begun before this file (no creating line) near the file's start:
        // its earlier lines may be at the end of the previous file. (A
        // deferred message repeats its arrival line on every retry, so
        // having one does not make it whole.)
        let continued = !msg.born && msg.first_time <= h.first + self.gap;
        if continued {
            self.loose.push(Fragment {
                host: h.name.clone(),
                queue_id: msg.bytes(msg.queue_id).into(),
                msg,
            });
        } else {
            self.sink.message(&h.name, msg.bytes(msg.queue_id), &msg);
            self.spare.push(msg);
        }
    }

    /// Finishes messages idle for longer than the gap, and messages whose
    /// end is never logged once they are done and quiet.
    fn sweep(&mut self) {
        let cutoff = self.now - self.gap;
        let quiet = self.now - QUIET;
        let mut stale: Vec<(Key, usize)> = self
            .open
            .iter()
            .filter(|(_, &slot)| {
                let m = &self.slots[slot];
                m.last_time < cutoff || (m.last_time < quiet && m.done_unlogged())
            })
            .map(|(k, &s)| (*k, s))
            .collect();
        // Deterministic order of the sink's calls.
        stale.sort_by_key(|&(_, slot)| self.slots[slot].first_line);
        for (key, slot) in stale {
            self.open.remove(&key);
            self.finish_slot(key.host as usize, slot);
        }
    }

    /// Ends the file: returns the sink and the loose fragments. Open
    /// messages active within the gap of their host's last line may continue
    /// in the next file; older ones are finished here.
    pub fn finish(mut self) -> (S, Vec<Fragment>) {
        let mut open: Vec<(Key, usize)> = self.open.drain().collect();
        // Deterministic order of the fragments and of the sink's calls.
        open.sort_by_key(|&(_, slot)| self.slots[slot].first_line);
        for (key, slot) in open {
            let host = key.host as usize;
            let m = &self.slots[slot];
            let last = self.hosts[host].last;
            let recent = m.last_time >= last - self.gap
                && !(m.done_unlogged() && m.last_time < last - QUIET);
            if recent {
                let msg = std::mem::take(&mut self.slots[slot]);
                self.loose.push(Fragment {
                    host: self.hosts[host].name.clone(),
                    queue_id: msg.bytes(msg.queue_id).into(),
                    msg,
                });
            } else {
                self.finish_slot(host, slot);
            }
        }
        (self.sink, self.loose)
    }
}

impl<S: MessageSink> EventSink for Correlator<S> {
    fn event(&mut self, e: &Event<'_>) {
        if e.time > self.now {
            self.now = e.time;
            if self.now >= self.next_sweep {
                if self.next_sweep != Micros::MIN {
                    self.sweep();
                }
                self.next_sweep = self.now.saturating_add((self.gap / 4).min(QUIET / 2));
            }
        }
        if let EventKind::Reject { recipient } = e.kind {
            self.sink.reject(recipient);
            return;
        }
        let host = self.host_id(e.host, e.time);
        let key = Key::new(host as u32, e.queue_id);
        let at = self.at();
        let mut slot = self.slot(key, e.queue_id, e.time);
        let msg = &self.slots[slot];
        let reused = match e.kind {
            // Another sender under an open queue ID, or a new message created
            // under it: the old message's `removed` line was lost and the ID
            // has been reused.
            EventKind::Arrival { sender, .. } => msg.sender.is_some_and(|s| msg.bytes(s) != sender),
            // (Formats without a `removed` line log a message's start on
            // every server it crosses: Exchange's RECEIVE.)
            EventKind::Start { logs_end, .. } => logs_end && msg.born && msg.has_arrival(),
            _ => false,
        };
        if reused {
            self.open.remove(&key);
            self.finish_slot(host, slot);
            slot = self.slot(key, e.queue_id, e.time);
        }
        let msg = &mut self.slots[slot];
        match e.kind {
            EventKind::Start {
                message_id,
                logs_end,
            } => {
                msg.touch(e.time);
                msg.set_start(message_id);
                msg.end_unlogged |= !logs_end;
            }
            EventKind::Arrival { sender, size } => {
                msg.touch(e.time);
                msg.set_arrival(sender, size);
            }
            EventKind::Delivery(ref d) => msg.record_delivery(d, e.time, at),
            EventKind::Expired => {
                msg.touch(e.time);
                msg.expired = true;
            }
            EventKind::Subject(subject) => {
                msg.touch(e.time);
                msg.set_subject(subject);
            }
            EventKind::Removed => {
                msg.touch(e.time);
                msg.removed = true;
                self.open.remove(&key);
                self.finish_slot(host, slot);
            }
            EventKind::Reject { .. } => unreachable!("handled above"),
        }
    }
}

#[cfg(test)]
mod tests;
