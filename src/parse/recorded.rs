//! Events kept for later: a parser's output for a stretch of lines, copied
//! into one buffer so it can cross threads and be replayed, in order, into
//! the sink that would have received it directly.
//!
//! Why: one large input can be parsed on several threads (`scan::segments`),
//! but its messages must be correlated in file order by one correlator, so
//! that every count is the same as if the file had been read on one thread.
//! Parsing is done ahead, in parallel; correlation replays the events.
//! This does no parsing and knows nothing of formats.

use super::{Delivery, Event, EventKind, EventSink, RelayClass, Status};
use crate::time::Micros;

/// Where a byte string sits in the buffer.
#[derive(Clone, Copy, Debug)]
struct Span {
    at: u32,
    len: u32,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Start {
        message_id: Option<Span>,
        logs_end: bool,
    },
    Arrival {
        sender: Span,
        size: Option<u64>,
    },
    Delivery {
        to: Span,
        orig_to: Option<Span>,
        relay: Span,
        relay_class: RelayClass,
        dsn: Span,
        status: Status,
        reply: Span,
    },
    Expired,
    Removed,
    Reject {
        recipient: Option<Span>,
    },
    Subject(Span),
}

#[derive(Clone, Copy, Debug)]
struct Rec {
    line: u64,
    time: Micros,
    host: Span,
    queue_id: Span,
    kind: Kind,
}

/// The events of some lines, with the line each came from.
#[derive(Debug, Default)]
pub struct Recorded {
    bytes: Vec<u8>,
    events: Vec<Rec>,
    /// The line whose events are being recorded.
    line: u64,
}

impl Recorded {
    /// Events recorded from now on came from line `number`.
    pub fn set_line(&mut self, number: u64) {
        self.line = number;
    }

    /// Empties it, keeping its buffers for the next segment.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.events.clear();
        self.line = 0;
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    fn put(&mut self, b: &[u8]) -> Span {
        // Segments are far smaller than 4 GiB (`scan::segments`), and an
        // event copies at most its line's bytes.
        let at = u32::try_from(self.bytes.len()).expect("a segment's events fit in 4 GiB");
        self.bytes.extend_from_slice(b);
        Span {
            at,
            len: b.len() as u32,
        }
    }

    fn get(&self, s: Span) -> &[u8] {
        &self.bytes[s.at as usize..(s.at + s.len) as usize]
    }

    /// Hands every event to `f`, in the order recorded, with its line.
    pub fn replay(&self, f: &mut dyn FnMut(u64, &Event<'_>)) {
        for r in &self.events {
            let kind = match r.kind {
                Kind::Start {
                    message_id,
                    logs_end,
                } => EventKind::Start {
                    message_id: message_id.map(|s| self.get(s)),
                    logs_end,
                },
                Kind::Arrival { sender, size } => EventKind::Arrival {
                    sender: self.get(sender),
                    size,
                },
                Kind::Delivery {
                    to,
                    orig_to,
                    relay,
                    relay_class,
                    dsn,
                    status,
                    reply,
                } => EventKind::Delivery(Delivery {
                    to: self.get(to),
                    orig_to: orig_to.map(|s| self.get(s)),
                    relay: self.get(relay),
                    relay_class,
                    dsn: self.get(dsn),
                    status,
                    reply: self.get(reply),
                }),
                Kind::Expired => EventKind::Expired,
                Kind::Removed => EventKind::Removed,
                Kind::Reject { recipient } => EventKind::Reject {
                    recipient: recipient.map(|s| self.get(s)),
                },
                Kind::Subject(s) => EventKind::Subject(self.get(s)),
            };
            let e = Event {
                time: r.time,
                host: self.get(r.host),
                queue_id: self.get(r.queue_id),
                kind,
            };
            f(r.line, &e);
        }
    }
}

impl EventSink for Recorded {
    fn event(&mut self, e: &Event<'_>) {
        let kind = match e.kind {
            EventKind::Start {
                message_id,
                logs_end,
            } => Kind::Start {
                message_id: message_id.map(|m| self.put(m)),
                logs_end,
            },
            EventKind::Arrival { sender, size } => Kind::Arrival {
                sender: self.put(sender),
                size,
            },
            EventKind::Delivery(d) => Kind::Delivery {
                to: self.put(d.to),
                orig_to: d.orig_to.map(|o| self.put(o)),
                relay: self.put(d.relay),
                relay_class: d.relay_class,
                dsn: self.put(d.dsn),
                status: d.status,
                reply: self.put(d.reply),
            },
            EventKind::Expired => Kind::Expired,
            EventKind::Removed => Kind::Removed,
            EventKind::Reject { recipient } => Kind::Reject {
                recipient: recipient.map(|r| self.put(r)),
            },
            EventKind::Subject(s) => Kind::Subject(self.put(s)),
        };
        let rec = Rec {
            line: self.line,
            time: e.time,
            host: self.put(e.host),
            queue_id: self.put(e.queue_id),
            kind,
        };
        self.events.push(rec);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::syslog::{PostfixNames, SyslogParser};
    use crate::parse::testutil::Collector;
    use crate::parse::LineParser;
    use crate::time::{Clock, YearRule, Zone};

    /// What a parser sends straight to a sink is what a replay sends, event
    /// for event and field for field, with each event's line.
    #[test]
    fn a_replay_gives_the_events_recorded() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/samples/postfix/mail.log-20270101-000421"
        ))
        .expect("the bundled Postfix sample");
        let parser = || {
            SyslogParser::new(
                Clock::new(YearRule::FirstLine(2026), Zone::utc()),
                PostfixNames::new(&[]),
            )
        };
        let (mut direct, mut p) = (Collector::default(), parser());
        let (mut rec, mut q) = (Recorded::default(), parser());
        let mut lines = Vec::new();
        for (i, line) in text.lines().enumerate() {
            p.parse_line(line.as_bytes(), &mut direct);
            rec.set_line(i as u64 + 1);
            let before = rec.len();
            q.parse_line(line.as_bytes(), &mut rec);
            lines.extend(std::iter::repeat_n(i as u64 + 1, rec.len() - before));
        }
        let mut replayed = Collector::default();
        let mut seen_lines = Vec::new();
        rec.replay(&mut |line, e| {
            seen_lines.push(line);
            replayed.event(e);
        });
        assert!(direct.0.len() > 50, "{}", direct.0.len());
        assert_eq!(replayed.0, direct.0);
        assert_eq!(seen_lines, lines);
    }
}
