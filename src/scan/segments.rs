//! One large input on several cores: its lines are cut into segments that
//! helper threads parse, while the reading thread correlates their events
//! in file order.
//!
//! Why this shape: files are the unit of parallelism, so the last large
//! file of a run (or the only one: a journald export, a log never rotated)
//! kept one core parsing while the others idled. Parsing is most of the
//! work and needs nothing from earlier lines but the clock (the year of
//! year-less stamps); correlation needs every earlier line, so it stays on
//! one thread. The reading thread moves the clock over each line
//! ([`LineParser::scout`]), gives each segment a parser forked from that
//! clock, and replays the recorded events of finished segments in order.
//! The correlator therefore receives exactly the events, from exactly the
//! lines, that it would have received from one thread: no count depends on
//! whether or where a file was cut (tested with one-line segments).
//!
//! What this does not do: decide when to cut (`scan::file` asks
//! [`helpers_for`]), or parse formats whose lines depend on earlier ones
//! beyond the clock (Exchange and Microsoft 365 column headers: their
//! parsers do not fork).

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use crate::config::SegmentPolicy;
use crate::parse::recorded::Recorded;
use crate::parse::{FileFacts, LineParser, Outcome, SkipCounts, SkipReason};

/// Bytes of lines in one segment: large enough that handing one over costs
/// nothing next to parsing it (a few milliseconds of work), small enough
/// that a few in flight per helper stay a few tens of MiB.
pub const SEGMENT_BYTES: usize = 4 << 20;

/// Inputs stored in fewer bytes than this are never cut: a gzip file of
/// this size holds about two segments, and starting helper threads for
/// each of 100,000 small files would cost more than it saves.
const MIN_RAW_BYTES: u64 = 4 << 20;

/// Fewest and most helpers one input gets.
const MIN_HELPERS: usize = 2;
const MAX_HELPERS: usize = 15;

/// Files being read at this moment, to tell whether threads are idle.
#[derive(Clone, Debug, Default)]
pub struct Busy(Arc<AtomicUsize>);

/// Counts a file as being read while it lives.
pub struct BusyGuard(Arc<AtomicUsize>);

impl Busy {
    pub fn enter(&self) -> BusyGuard {
        self.0.fetch_add(1, Ordering::SeqCst);
        BusyGuard(self.0.clone())
    }

    fn now(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// How many helper threads an input gets, and its segment size: the
/// threads of the run that no other file is using, if it is large.
/// `raw_size` is `None` for streams (standard input, FIFOs).
pub fn helpers_for(
    policy: SegmentPolicy,
    threads: usize,
    busy: &Busy,
    raw_size: Option<u64>,
) -> Option<(usize, usize)> {
    match policy {
        SegmentPolicy::Always { bytes } => Some((2, bytes.max(1))),
        SegmentPolicy::Never => None,
        SegmentPolicy::Auto => {
            if raw_size.is_some_and(|s| s < MIN_RAW_BYTES) {
                return None;
            }
            // This file is one of the busy ones. One idle thread is not
            // enough: the reading thread keeps the correlation, and with
            // one helper on two cores a journald export ran a tenth faster
            // but a Postfix log a sixth slower (BENCHMARKS.md).
            let idle = threads.saturating_sub(busy.now());
            (idle >= MIN_HELPERS).then_some((idle.min(MAX_HELPERS), SEGMENT_BYTES))
        }
    }
}

/// The lines of one segment, each with its number in the input.
#[derive(Default)]
struct Segment {
    bytes: Vec<u8>,
    ends: Vec<u32>,
    numbers: Vec<u64>,
}

impl Segment {
    fn lines(&self) -> impl Iterator<Item = (u64, &[u8])> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .zip(&self.numbers)
            .map(|((a, &b), &n)| (n, &self.bytes[a as usize..b as usize]))
    }
}

impl Segment {
    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.numbers.clear();
    }
}

/// What parsing a segment gave, with the segment (its buffers are used
/// again: allocating and faulting in fresh ones for every segment cost more
/// than the parsing saved).
struct Parsed {
    segment: Segment,
    events: Recorded,
    used: u64,
    skipped: SkipCounts,
    facts: FileFacts,
}

/// A segment to parse, its parser, and where to record its events.
struct Job {
    seq: usize,
    segment: Segment,
    parser: Box<dyn LineParser>,
    events: Recorded,
}

fn parse(job: Job) -> Parsed {
    let Job {
        segment,
        mut parser,
        mut events,
        ..
    } = job;
    let (mut used, mut skipped) = (0, SkipCounts::default());
    for (number, line) in segment.lines() {
        events.set_line(number);
        // As `scan::file::Handler::line` counts a line parsed directly.
        match parser.parse_line(line, &mut events) {
            Outcome::Used => used += 1,
            Outcome::Skipped(_) if line.trim_ascii().is_empty() => skipped.add(SkipReason::Blank),
            Outcome::Skipped(r) => skipped.add(r),
        }
    }
    let facts = parser.finish();
    Parsed {
        segment,
        events,
        used,
        skipped,
        facts,
    }
}

/// Replays what segments gave into the file's own counts.
pub trait Replay {
    /// A line's events, in file order.
    fn events(&mut self, events: &Recorded);
    /// The counts of the segment's lines.
    fn counts(&mut self, used: u64, skipped: &SkipCounts, facts: FileFacts);
}

/// The reading thread's side: cuts lines into segments, hands them to the
/// helpers, and replays the results in order.
pub struct Cutter {
    jobs: Option<SyncSender<Job>>,
    results: Receiver<(usize, std::thread::Result<Parsed>)>,
    segment_bytes: usize,
    current: Option<(Segment, Box<dyn LineParser>)>,
    /// Buffers of replayed segments and of their events, to fill again.
    spare_segments: Vec<Segment>,
    spare_events: Vec<Recorded>,
    /// Segments handed over, and the next one to replay.
    sent: usize,
    next: usize,
    waiting: BTreeMap<usize, Parsed>,
    /// Segments handed over and not yet replayed, at most.
    limit: usize,
}

impl Cutter {
    /// Starts `helpers` threads; they end when the cutter is finished or
    /// dropped. They are not scoped: a scope would join them before an
    /// unwinding reader dropped the cutter, and wait for ever on them.
    /// `None` if no thread could be started (the file is then read on one).
    pub fn start(helpers: usize, segment_bytes: usize) -> Option<Cutter> {
        let (jobs, to_do) = mpsc::sync_channel::<Job>(1);
        let (done, results) = mpsc::channel();
        let to_do = Arc::new(Mutex::new(to_do));
        let mut started = 0;
        for _ in 0..helpers {
            let (to_do, done) = (to_do.clone(), done.clone());
            let helper = std::thread::Builder::new().name("misdirect-segments".into());
            let spawned = helper.spawn(move || loop {
                // The lock is held only while waiting for a job.
                let job = to_do.lock().map(|rx| rx.recv());
                let Ok(Ok(job)) = job else {
                    return;
                };
                let seq = job.seq;
                // A panic is handed to the reading thread, which raises it
                // as if it had parsed the segment itself (rather than wait
                // for a result that never comes).
                let parsed = std::panic::catch_unwind(AssertUnwindSafe(|| parse(job)));
                if done.send((seq, parsed)).is_err() {
                    return;
                }
            });
            started += usize::from(spawned.is_ok());
        }
        if started == 0 {
            return None;
        }
        Some(Cutter {
            jobs: Some(jobs),
            results,
            segment_bytes,
            current: None,
            spare_segments: Vec::new(),
            spare_events: Vec::new(),
            sent: 0,
            next: 0,
            waiting: BTreeMap::new(),
            // Each helper parsing one, one queued, one replayed or waiting:
            // about 6 MiB each with their events.
            limit: started + 2,
        })
    }

    /// Takes one line (already cleaned of NUL runs and a byte order mark)
    /// whose events the file's `parser` would give; the line's segment
    /// parses it later with a parser forked before the segment's first line.
    /// Returns false if the parser cannot fork (the caller then parses the
    /// line itself, and every later one).
    pub fn line(
        &mut self,
        line: &[u8],
        number: u64,
        parser: &mut dyn LineParser,
        out: &mut dyn Replay,
    ) -> bool {
        if self.current.is_none() {
            let Some(fork) = parser.fork() else {
                return false;
            };
            let segment = self.spare_segments.pop().unwrap_or_else(|| Segment {
                // Room for a full segment and its longest last line (a
                // testing size above the default grows as needed).
                bytes: Vec::with_capacity(
                    self.segment_bytes.min(SEGMENT_BYTES) + crate::input::lines::MAX_LINE,
                ),
                ..Segment::default()
            });
            self.current = Some((segment, fork));
        }
        parser.scout(line);
        let (segment, _) = self.current.as_mut().expect("a segment is open");
        segment.bytes.extend_from_slice(line);
        segment.ends.push(segment.bytes.len() as u32);
        segment.numbers.push(number);
        if segment.bytes.len() >= self.segment_bytes {
            self.send(out);
        }
        true
    }

    fn send(&mut self, out: &mut dyn Replay) {
        let Some((segment, parser)) = self.current.take() else {
            return;
        };
        let events = self.spare_events.pop().unwrap_or_default();
        let job = Job {
            seq: self.sent,
            segment,
            parser,
            events,
        };
        let jobs = self.jobs.as_ref().expect("not finished");
        if jobs.send(job).is_err() {
            // Every helper has ended, which only a panic can do.
            panic!("segment parsing threads ended early");
        }
        self.sent += 1;
        // Replay what is ready; wait when too much is in flight.
        while let Ok((seq, p)) = self.results.try_recv() {
            self.keep(seq, p);
        }
        self.replay_ready(out);
        while self.sent - self.next >= self.limit {
            self.wait_one(out);
        }
    }

    fn wait_one(&mut self, out: &mut dyn Replay) {
        let (seq, p) = self
            .results
            .recv()
            .expect("segment parsing threads ended early");
        self.keep(seq, p);
        self.replay_ready(out);
    }

    fn keep(&mut self, seq: usize, p: std::thread::Result<Parsed>) {
        match p {
            Ok(p) => {
                self.waiting.insert(seq, p);
            }
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    fn replay_ready(&mut self, out: &mut dyn Replay) {
        while let Some(mut p) = self.waiting.remove(&self.next) {
            out.events(&p.events);
            out.counts(p.used, &p.skipped, p.facts);
            self.next += 1;
            p.segment.clear();
            p.events.clear();
            self.spare_segments.push(p.segment);
            self.spare_events.push(p.events);
        }
    }

    /// Hands over the last segment and replays everything; the helpers end.
    pub fn finish(&mut self, out: &mut dyn Replay) {
        self.send(out);
        self.jobs = None;
        while self.next < self.sent {
            self.wait_one(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_keep_each_line_and_its_number() {
        let mut s = Segment::default();
        for (n, l) in [(1, &b"a"[..]), (3, b""), (4, b"ccc")] {
            s.bytes.extend_from_slice(l);
            s.ends.push(s.bytes.len() as u32);
            s.numbers.push(n);
        }
        let got: Vec<(u64, Vec<u8>)> = s.lines().map(|(n, l)| (n, l.to_vec())).collect();
        assert_eq!(
            got,
            [(1, b"a".to_vec()), (3, Vec::new()), (4, b"ccc".to_vec())]
        );
    }

    #[test]
    fn idle_threads_go_to_large_inputs_only() {
        let busy = Busy::default();
        let _me = busy.enter();
        let auto = SegmentPolicy::Auto;
        assert_eq!(
            helpers_for(auto, 4, &busy, Some(1 << 30)),
            Some((3, SEGMENT_BYTES))
        );
        assert_eq!(helpers_for(auto, 4, &busy, None), Some((3, SEGMENT_BYTES)));
        assert_eq!(helpers_for(auto, 4, &busy, Some(1 << 20)), None);
        assert_eq!(helpers_for(auto, 1, &busy, Some(1 << 30)), None);
        assert_eq!(helpers_for(auto, 2, &busy, Some(1 << 30)), None);
        assert_eq!(
            helpers_for(auto, 3, &busy, Some(1 << 30)),
            Some((2, SEGMENT_BYTES))
        );
        let _others: Vec<_> = (0..3).map(|_| busy.enter()).collect();
        assert_eq!(helpers_for(auto, 4, &busy, Some(1 << 30)), None);
        assert_eq!(
            helpers_for(SegmentPolicy::Never, 4, &Busy::default(), None),
            None
        );
        let always = SegmentPolicy::Always { bytes: 10 };
        assert_eq!(helpers_for(always, 1, &busy, Some(5)), Some((2, 10)));
    }
}
