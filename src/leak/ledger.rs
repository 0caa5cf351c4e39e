//! The ledger: compact records of single deliveries, kept during the scan
//! for every domain that could still turn out to be a lookalike, so that
//! the events report is complete without reading the archive twice.
//!
//! Which domains are lookalikes is only known once the whole census is in,
//! so the scan keeps a record of every remote delivery to every domain that
//! is still rare *in the file being read*: a domain that passes
//! [`RARE_LIMIT`] deliveries in one file is dropped from that file's ledger
//! (and the file noted). Lookalike domains are rare next to what they
//! imitate, so in the common case every record is still there at the end;
//! when a dropped domain does turn out to be a lookalike, only the files
//! where it was dropped are read again ([`crate::scan::reread`]).
//!
//! Records live in one byte buffer per domain; when a census holds more
//! than its budget, the buffers are written to an anonymous temporary file
//! (unlinked at once, so an interrupted run leaves nothing behind) and read
//! back only for the domains found to be lookalikes.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use hashbrown::{HashMap, HashSet};

use crate::correlate::LineRef;
use crate::lookalike::matcher::Matcher;
use crate::lookalike::TargetSpec;
use crate::parse::Status;
use crate::time::Micros;

/// Deliveries of one domain in one file beyond which the file stops
/// keeping its records, unless the domain is a [`Suspects`] one.
pub const RARE_LIMIT: u64 = 256;

/// Bytes of records a census holds in memory before it spills them.
pub const SPILL_BUDGET: usize = 64 << 20;

/// Longest string kept in a record; longer ones (hostile input) are cut.
const MAX_FIELD: usize = 1024;

/// Longest SMTP reply kept: enough for the status and the server's words
/// (`250 2.0.0 Ok: queued as ...`); replies are the bulk of a record.
const MAX_REPLY: usize = 96;
/// Subjects are kept to this many bytes (Postfix logs at most 200; markings
/// are at the start or the end of a subject, and a long one keeps its start).
const MAX_SUBJECT: usize = 256;

/// Marks records that stay valid whatever a file's census dropped later.
pub const ANY_ORIGIN: u32 = u32::MAX;

/// When a file stops keeping a domain, and when records go to disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LedgerLimits {
    /// Deliveries of one domain in one file.
    pub rare: u64,
    /// Bytes held in memory per census.
    pub budget: usize,
}

impl Default for LedgerLimits {
    fn default() -> Self {
        LedgerLimits {
            rare: RARE_LIMIT,
            budget: SPILL_BUDGET,
        }
    }
}

/// Domains near a named or built-in target (`army.ml` near `*.mil`): they
/// may well be lookalikes however common, so their records are kept in
/// every file. Decided once per domain per run (a shared cache), with the
/// lookalike engine's own matcher.
pub struct Suspects {
    spec: TargetSpec,
    matcher: Matcher,
    cache: Mutex<hashbrown::HashMap<Box<[u8]>, bool, foldhash::fast::RandomState>>,
}

impl std::fmt::Debug for Suspects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Suspects(..)")
    }
}

impl Suspects {
    pub fn new(spec: &TargetSpec) -> Suspects {
        Suspects {
            spec: spec.clone(),
            matcher: spec.matcher(std::iter::empty()),
            cache: Mutex::default(),
        }
    }

    /// Frees the cached answers (one per distinct domain) once the scan
    /// that asked is over; later questions are answered afresh.
    pub fn forget(&self) {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        *cache = hashbrown::HashMap::default();
    }

    /// How many distinct domains have been asked about (tests).
    #[cfg(test)]
    pub fn asked(&self) -> usize {
        self.cache.lock().map_or(0, |c| c.len())
    }

    /// Whether a normalised domain is near a target without being one.
    pub fn is_suspect(&self, domain: &[u8]) -> bool {
        let known = {
            let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            cache.get(domain).copied()
        };
        if let Some(known) = known {
            return known;
        }
        // Decided without the lock, so that other files' workers are not
        // held up; two workers may decide the same domain, alike.
        let verdict = match std::str::from_utf8(domain) {
            Ok(d) => {
                !self.matcher.is_target(d)
                    && !self.spec.is_legitimate(d)
                    && !self.matcher.candidates(d).is_empty()
            }
            // Not a normalised domain: never a lookalike of a target.
            Err(_) => false,
        };
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.insert(domain.into(), verdict);
        verdict
    }
}

/// Domains a set of records is limited to.
pub type DomainSet = Arc<HashSet<Box<[u8]>, foldhash::fast::RandomState>>;

/// What a census keeps records of.
#[derive(Clone, Debug, Default)]
pub enum LedgerMode {
    /// Nothing (tests and commands that need no events).
    #[default]
    Off,
    /// Rare domains and suspects, spilling past the budget.
    Rare {
        spill: Spill,
        limits: LedgerLimits,
        suspects: Option<Arc<Suspects>>,
    },
    /// Every delivery to these domains (a second pass).
    Only(DomainSet),
}

/// One delivery, as a record holds it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// When the status was decided, and when the recipient was first tried.
    pub time: Micros,
    pub first_time: Micros,
    pub at: LineRef,
    /// Identifies the message within the run.
    pub message_key: u64,
    pub status: Option<Status>,
    pub deferrals: u32,
    pub size: Option<u64>,
    pub host: Vec<u8>,
    pub queue_id: Vec<u8>,
    pub message_id: Vec<u8>,
    /// Normalised sender address (`local@domain`), empty for `<>`.
    pub sender: Vec<u8>,
    pub sender_known: bool,
    /// Unquoted local part of the recipient.
    pub local: Vec<u8>,
    pub orig_to: Vec<u8>,
    pub relay: Vec<u8>,
    pub dsn: Vec<u8>,
    pub reply: Vec<u8>,
    /// The message's subject as logged, if the logs carry one.
    pub subject: Vec<u8>,
}

/// A delivery to encode, borrowing its strings from the message.
#[derive(Clone, Copy, Debug, Default)]
pub struct RecordRef<'a> {
    pub time: Micros,
    pub first_time: Micros,
    pub at: LineRef,
    pub message_key: u64,
    pub status: Option<Status>,
    pub deferrals: u32,
    pub size: Option<u64>,
    pub host: &'a [u8],
    pub queue_id: &'a [u8],
    pub message_id: &'a [u8],
    pub sender: &'a [u8],
    pub sender_known: bool,
    pub local: &'a [u8],
    pub orig_to: &'a [u8],
    pub relay: &'a [u8],
    pub dsn: &'a [u8],
    pub reply: &'a [u8],
    pub subject: &'a [u8],
}

impl Record {
    pub fn as_ref(&self) -> RecordRef<'_> {
        RecordRef {
            time: self.time,
            first_time: self.first_time,
            at: self.at,
            message_key: self.message_key,
            status: self.status,
            deferrals: self.deferrals,
            size: self.size,
            host: &self.host,
            queue_id: &self.queue_id,
            message_id: &self.message_id,
            sender: &self.sender,
            sender_known: self.sender_known,
            local: &self.local,
            orig_to: &self.orig_to,
            relay: &self.relay,
            dsn: &self.dsn,
            reply: &self.reply,
            subject: &self.subject,
        }
    }
}

/// Records of one domain in one census.
#[derive(Clone, Debug, Default)]
pub struct DomainLedger {
    records: Vec<u8>,
    count: u64,
    /// Whether this census has asked if the domain is a suspect (it asks
    /// when the domain reaches the rare limit), and the answer (a suspect
    /// is kept whatever its count).
    pub checked: bool,
    pub suspect: bool,
    /// Files whose records of the domain were dropped (the census of a file
    /// stops keeping a domain once its file is the last one here). Boxed:
    /// most domains never pass the limit, and an empty `Vec` is 24 bytes of
    /// every domain's statistics, a box 8 (and a boxed slice 16, hence
    /// the lint's exception).
    #[allow(clippy::box_collection)]
    dropped: Option<Box<Vec<u32>>>,
}

impl DomainLedger {
    /// Adds a record unless the domain was dropped; drops it (and frees its
    /// records) when it passes `limit`. Returns the change in bytes held.
    pub fn push(&mut self, r: &RecordRef<'_>, limit: Option<(u64, u32)>) -> isize {
        if let Some((limit, origin)) = limit {
            if self.dropped_in().last() == Some(&origin) {
                return 0;
            }
            self.count += 1;
            if self.count > limit {
                let freed = self.records.capacity() as isize;
                self.records = Vec::new();
                self.dropped.get_or_insert_default().push(origin);
                return -freed;
            }
        }
        let before = self.records.capacity();
        encode(r, &mut self.records);
        self.records.capacity() as isize - before as isize
    }

    /// The files whose records of the domain were dropped, in order.
    pub fn dropped_in(&self) -> &[u32] {
        self.dropped.as_deref().map_or(&[], |d| &d[..])
    }

    /// Whether the next record counted against `limit` would pass it.
    pub fn reaches(&self, limit: u64) -> bool {
        self.count >= limit
    }

    pub fn merge(&mut self, mut other: DomainLedger) {
        if self.records.is_empty() {
            std::mem::swap(&mut self.records, &mut other.records);
        }
        self.records.extend_from_slice(&other.records);
        if let Some(theirs) = other.dropped {
            let ours = self.dropped.get_or_insert_default();
            ours.extend(*theirs);
            ours.sort_unstable();
            ours.dedup();
        }
    }

    /// Takes the records out (to spill them); returns their bytes.
    pub fn take_records(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.records)
    }

    /// The records held in memory.
    pub fn records(&self) -> Records<'_> {
        Records { buf: &self.records }
    }
}

/// Spilled records: one anonymous temporary file for the whole run, shared
/// by every census (so a run of 100,000 files holds one descriptor), of
/// chunks `origin u32, domain len u32, domain, records len u64, records`.
#[derive(Clone, Debug, Default)]
pub struct Spill {
    inner: Arc<Mutex<SpillFile>>,
}

#[derive(Debug, Default)]
struct SpillFile {
    dir: Option<PathBuf>,
    out: Option<BufWriter<File>>,
    /// Chunks written so far, by origin.
    chunks: HashMap<u32, u64>,
    /// Chunks to ignore when reading back: (origin, from, to) in the
    /// numbering of that origin's chunks.
    voided: Vec<(u32, u64, u64)>,
}

impl Spill {
    /// A spill that creates its file in `dir` (else the system's temporary
    /// folder) when first written to.
    pub fn new(dir: Option<PathBuf>) -> Spill {
        Spill {
            inner: Arc::new(Mutex::new(SpillFile {
                dir,
                ..SpillFile::default()
            })),
        }
    }

    /// Appends chunks (whole, under the lock: chunks never interleave).
    pub fn write<'a>(
        &self,
        origin: u32,
        chunks: impl Iterator<Item = (&'a [u8], Vec<u8>)>,
    ) -> io::Result<()> {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if g.out.is_none() {
            let file = match &g.dir {
                Some(d) => tempfile::tempfile_in(d)?,
                None => tempfile::tempfile()?,
            };
            g.out = Some(BufWriter::with_capacity(1 << 20, file));
        }
        let SpillFile {
            out, chunks: count, ..
        } = &mut *g;
        let w = out.as_mut().expect("opened above");
        for (domain, records) in chunks {
            if records.is_empty() {
                continue;
            }
            w.write_all(&origin.to_le_bytes())?;
            w.write_all(&(domain.len() as u32).to_le_bytes())?;
            w.write_all(domain)?;
            w.write_all(&(records.len() as u64).to_le_bytes())?;
            w.write_all(&records)?;
            *count.entry(origin).or_default() += 1;
        }
        Ok(())
    }

    /// How many chunks `origin` has written so far: a mark for [`void`](Self::void).
    pub fn mark(&self, origin: u32) -> u64 {
        let g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        g.chunks.get(&origin).copied().unwrap_or(0)
    }

    /// Makes the chunks `origin` wrote between two marks invisible to
    /// [`for_each`](Self::for_each): the records of a reading of a file
    /// that was then replaced by another reading of it.
    pub fn void(&self, origin: u32, from: u64, to: u64) {
        if from < to {
            let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            g.voided.push((origin, from, to));
        }
    }

    /// Reads every chunk back: `f(origin, domain, records)`. Only chunks
    /// whose domain `wanted` accepts are loaded.
    pub fn for_each(
        &self,
        wanted: &dyn Fn(&[u8]) -> bool,
        f: &mut dyn FnMut(u32, &[u8], Records<'_>),
    ) -> io::Result<()> {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let voided = g.voided.clone();
        let mut seen: HashMap<u32, u64> = HashMap::new();
        if let Some(w) = g.out.as_mut() {
            w.flush()?;
            let file = w.get_mut();
            file.seek(SeekFrom::Start(0))?;
            let mut r = BufReader::with_capacity(1 << 20, &mut *file);
            let mut domain = Vec::new();
            let mut records = Vec::new();
            loop {
                let mut head = [0u8; 8];
                match r.read_exact(&mut head) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break,
                    Err(e) => return Err(e),
                }
                let origin = u32::from_le_bytes(head[..4].try_into().expect("4 bytes"));
                let dlen = u32::from_le_bytes(head[4..].try_into().expect("4 bytes")) as usize;
                domain.resize(dlen, 0);
                r.read_exact(&mut domain)?;
                let mut len = [0u8; 8];
                r.read_exact(&mut len)?;
                let len = u64::from_le_bytes(len);
                let n = seen.entry(origin).or_default();
                let void = voided
                    .iter()
                    .any(|&(o, from, to)| o == origin && (from..to).contains(n));
                *n += 1;
                if !void && wanted(&domain) {
                    records.resize(len as usize, 0);
                    r.read_exact(&mut records)?;
                    f(origin, &domain, Records { buf: &records });
                } else {
                    r.seek_relative(len as i64)?;
                }
            }
        }
        Ok(())
    }
}

/// Iterates over encoded records.
pub struct Records<'a> {
    buf: &'a [u8],
}

impl<'a> Records<'a> {
    /// The records encoded in `buf` (as a ledger or a spill holds them).
    pub fn of(buf: &'a [u8]) -> Records<'a> {
        Records { buf }
    }

    /// The bytes of the records not yet read.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.buf
    }
}

impl Iterator for Records<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        if self.buf.is_empty() {
            return None;
        }
        let mut c = Cursor { buf: self.buf };
        let r = decode(&mut c);
        self.buf = c.buf;
        r
    }
}

fn status_code(s: Option<Status>) -> u8 {
    match s {
        None => 0,
        Some(Status::Sent) => 1,
        Some(Status::Bounced) => 2,
        Some(Status::Deferred) => 3,
        Some(Status::Expired) => 4,
    }
}

fn status_of(c: u8) -> Option<Status> {
    match c {
        1 => Some(Status::Sent),
        2 => Some(Status::Bounced),
        3 => Some(Status::Deferred),
        4 => Some(Status::Expired),
        _ => None,
    }
}

fn put_str(out: &mut Vec<u8>, s: &[u8]) {
    let s = &s[..s.len().min(MAX_FIELD)];
    out.extend_from_slice(&(s.len() as u16).to_le_bytes());
    out.extend_from_slice(s);
}

fn encode(r: &RecordRef<'_>, out: &mut Vec<u8>) {
    out.extend_from_slice(&r.time.to_le_bytes());
    out.extend_from_slice(&r.first_time.to_le_bytes());
    out.extend_from_slice(&r.at.file.to_le_bytes());
    out.extend_from_slice(&r.at.line.to_le_bytes());
    out.extend_from_slice(&r.message_key.to_le_bytes());
    out.push(status_code(r.status) | (u8::from(r.sender_known) << 7));
    out.extend_from_slice(&r.deferrals.to_le_bytes());
    out.extend_from_slice(&r.size.map_or(0, |s| s.saturating_add(1)).to_le_bytes());
    for s in [
        r.host,
        r.queue_id,
        r.message_id,
        r.sender,
        r.local,
        r.orig_to,
        r.relay,
        r.dsn,
    ] {
        put_str(out, s);
    }
    put_str(out, &r.reply[..r.reply.len().min(MAX_REPLY)]);
    put_str(out, &r.subject[..r.subject.len().min(MAX_SUBJECT)]);
}

struct Cursor<'a> {
    buf: &'a [u8],
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.buf.len() < n {
            return None;
        }
        let (a, b) = self.buf.split_at(n);
        self.buf = b;
        Some(a)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn string(&mut self) -> Option<Vec<u8>> {
        let n = u16::from_le_bytes(self.take(2)?.try_into().ok()?) as usize;
        Some(self.take(n)?.to_vec())
    }
}

fn decode(c: &mut Cursor<'_>) -> Option<Record> {
    let time = c.u64()? as Micros;
    let first_time = c.u64()? as Micros;
    let file = c.u32()?;
    let line = c.u64()?;
    let message_key = c.u64()?;
    let flags = *c.take(1)?.first()?;
    let deferrals = c.u32()?;
    let size = c.u64()?.checked_sub(1);
    Some(Record {
        time,
        first_time,
        at: LineRef { file, line },
        message_key,
        status: status_of(flags & 0x7f),
        sender_known: flags & 0x80 != 0,
        deferrals,
        size,
        host: c.string()?,
        queue_id: c.string()?,
        message_id: c.string()?,
        sender: c.string()?,
        local: c.string()?,
        orig_to: c.string()?,
        relay: c.string()?,
        dsn: c.string()?,
        reply: c.string()?,
        subject: c.string()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(n: u64) -> Record {
        Record {
            time: 1_700_000_000_000_000 + n as Micros,
            first_time: 1_700_000_000_000_000,
            at: LineRef { file: 3, line: n },
            message_key: n,
            status: Some(Status::Sent),
            deferrals: 2,
            size: Some(n * 10),
            host: b"mx1".to_vec(),
            queue_id: b"4Q1".to_vec(),
            message_id: b"<a@b>".to_vec(),
            sender: b"s@example.org".to_vec(),
            sender_known: true,
            local: b"john".to_vec(),
            orig_to: vec![],
            relay: b"mx.army.ml[192.0.2.9]:25".to_vec(),
            dsn: b"2.0.0".to_vec(),
            reply: vec![b'x'; 5000],
            subject: vec![b's'; 5000],
        }
    }

    #[test]
    fn records_round_trip_and_long_fields_are_cut() {
        let mut l = DomainLedger::default();
        for n in 0..3 {
            l.push(&rec(n).as_ref(), None);
        }
        let back: Vec<Record> = l.records().collect();
        assert_eq!(back.len(), 3);
        let mut want = rec(2);
        want.reply.truncate(MAX_REPLY);
        want.subject.truncate(MAX_SUBJECT);
        assert_eq!(back[2], want);
    }

    #[test]
    fn suspects_are_near_a_target_without_being_one() {
        let s = Suspects::new(&TargetSpec::default());
        assert!(s.is_suspect(b"army.ml"));
        assert!(s.is_suspect(b"gmial.com"));
        assert!(!s.is_suspect(b"army.mil"), "a target");
        assert!(!s.is_suspect(b"gmail.com"), "a provider");
        assert!(!s.is_suspect(b"company17.example"));
        assert!(!s.is_suspect(b"\xff\xfe"));
        // Cached: the same answer again.
        assert!(s.is_suspect(b"army.ml"));
    }

    #[test]
    fn a_domain_past_the_limit_is_dropped_and_its_file_noted() {
        let mut l = DomainLedger::default();
        for n in 0..5 {
            l.push(&rec(n).as_ref(), Some((3, 7)));
        }
        assert_eq!(l.records().count(), 0);
        assert_eq!(l.dropped_in(), [7]);
    }

    #[test]
    fn spilled_records_read_back_for_wanted_domains_only() {
        let mut a = DomainLedger::default();
        let mut b = DomainLedger::default();
        a.push(&rec(1).as_ref(), None);
        b.push(&rec(2).as_ref(), None);
        b.push(&rec(3).as_ref(), None);
        let spill = Spill::new(None);
        let chunks = vec![
            (&b"a.example"[..], a.take_records()),
            (&b"b.example"[..], b.take_records()),
        ];
        spill.write(5, chunks.into_iter()).unwrap();
        let mut seen = Vec::new();
        spill
            .for_each(&|d| d == b"b.example", &mut |o, d, rs| {
                for r in rs {
                    seen.push((o, d.to_vec(), r.at.line));
                }
            })
            .unwrap();
        assert_eq!(
            seen,
            vec![(5, b"b.example".to_vec(), 2), (5, b"b.example".to_vec(), 3)]
        );
    }

    #[test]
    fn voided_chunks_of_a_replaced_reading_are_not_read_back() {
        let spill = Spill::new(None);
        let write = |origin: u32, n: u64| {
            let mut l = DomainLedger::default();
            l.push(&rec(n).as_ref(), None);
            spill
                .write(origin, [(&b"x.example"[..], l.take_records())].into_iter())
                .unwrap();
        };
        // File 1's first reading writes two chunks, another file one, and
        // file 1's second reading two more; the first reading is replaced.
        let from = spill.mark(1);
        write(1, 10);
        write(2, 20);
        write(1, 11);
        let to = spill.mark(1);
        assert_eq!((from, to), (0, 2));
        write(1, 12);
        write(1, 13);
        spill.void(1, from, to);
        let mut seen = Vec::new();
        spill
            .for_each(&|_| true, &mut |o, _, rs| {
                seen.extend(rs.map(|r| (o, r.at.line)));
            })
            .unwrap();
        assert_eq!(seen, vec![(2, 20), (1, 12), (1, 13)]);
    }
}
