//! Parsing: one line of a mail log in, events or a counted skip reason out.
//!
//! Every log format is a [`LineParser`]. Parsers do no I/O, never print and
//! never fail: a line either yields events (passed to an [`EventSink`]) or is
//! skipped with a [`SkipReason`] that the caller counts. Events borrow from
//! the line, so parsing allocates nothing.
//!
//! Syslog-borne formats (Postfix, Sendmail) share the header parser in
//! [`syslog`]; each MTA contributes a body parser chosen by program name.

pub mod csvline;
pub mod detect;
pub mod exchange;
pub mod exim;
pub mod journal;
pub mod m365;
pub mod postfix;
pub mod programs;
pub mod recorded;
pub mod sendmail;
pub mod syslog;

use crate::time::{Micros, YearRule};

/// What one delivery attempt ended in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Accepted by the next hop (for a remote relay: the mail left).
    Sent,
    /// Refused for good; the sender gets a bounce.
    Bounced,
    /// Refused for now; will be retried.
    Deferred,
    /// Given up after retrying for too long.
    Expired,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Sent,
        Status::Bounced,
        Status::Deferred,
        Status::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Sent => "sent",
            Status::Bounced => "bounced",
            Status::Deferred => "deferred",
            Status::Expired => "expired",
        }
    }

    /// Whether this status ends the recipient's delivery.
    pub fn is_final(self) -> bool {
        self != Status::Deferred
    }
}

/// Where a delivery went, as far as the log line tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelayClass {
    /// A remote SMTP/LMTP server (or none reached yet for a remote domain).
    Remote,
    /// A mailbox on this system: local, virtual, pipe, LMTP to a local store.
    Local,
    /// A content filter on this host that re-queues the message under a new
    /// queue ID (amavis and the like): not a delivery.
    Hop,
    /// No relay at all (the `error` or `discard` transports).
    None,
}

/// One delivery attempt to one recipient.
#[derive(Clone, Copy, Debug)]
pub struct Delivery<'a> {
    /// The recipient address as logged, without angle brackets.
    pub to: &'a [u8],
    /// The address before aliasing or rewriting, if logged.
    pub orig_to: Option<&'a [u8]>,
    pub relay: &'a [u8],
    pub relay_class: RelayClass,
    pub dsn: &'a [u8],
    pub status: Status,
    /// The text in parentheses after the status (the remote reply).
    pub reply: &'a [u8],
}

/// What a line says happened to a message.
#[derive(Clone, Copy, Debug)]
pub enum EventKind<'a> {
    /// The message was created in the queue (Postfix: `smtpd client=`,
    /// `pickup uid=`, `cleanup message-id=`). Lines of a queue ID before
    /// its start belong to another message; a message seen without a start
    /// began in an earlier file. `logs_end`: whether the format writes a
    /// line when the message leaves the queue ([`EventKind::Removed`]);
    /// Sendmail does not, so its messages end by the join gap.
    Start {
        message_id: Option<&'a [u8]>,
        logs_end: bool,
    },
    /// The message was queued: its envelope sender and size.
    Arrival { sender: &'a [u8], size: Option<u64> },
    /// A delivery attempt to one recipient.
    Delivery(Delivery<'a>),
    /// The whole message was returned to its sender after its queue lifetime.
    Expired,
    /// The message left the queue: no more lines will follow for it.
    Removed,
    /// A recipient (or a whole message) was refused on arrival; nothing was
    /// queued for it.
    Reject { recipient: Option<&'a [u8]> },
    /// The message's `Subject:` header, as logged (Postfix `header_checks`
    /// INFO/WARN lines, Exim's `T=`, Exchange's and Microsoft 365's subject
    /// columns): raw bytes, possibly with RFC 2047 encoded words.
    Subject(&'a [u8]),
}

/// One event, with the message it belongs to.
#[derive(Clone, Copy, Debug)]
pub struct Event<'a> {
    pub time: Micros,
    /// The host that wrote the line; keeps the logs of several servers apart.
    pub host: &'a [u8],
    /// Queue ID or message ID; empty for events of no message (rejects).
    pub queue_id: &'a [u8],
    pub kind: EventKind<'a>,
}

/// Receives the events of parsed lines.
pub trait EventSink {
    fn event(&mut self, event: &Event<'_>);
}

/// Why a line gave no event. Every line read is either used or counted here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    /// Empty or white space only.
    Blank,
    /// Holds NUL bytes (typically a file system's zero fill after a crash).
    NulBytes,
    /// Longer than the line limit; dropped without being parsed.
    TooLong,
    /// Does not start with a stamp of the file's format.
    NoTimestamp,
    /// A well-formed line from a program that is not a mail transport.
    OtherProgram,
    /// An MTA line that says nothing about a delivery (connections, TLS,
    /// statistics, warnings, queue-manager chatter).
    Informational,
    /// An address-verification probe (`status=deliverable`), not a delivery.
    AddressProbe,
    /// syslog's `last message repeated N times`.
    SyslogRepeat,
    /// An MTA line that should carry delivery data but does not parse.
    Malformed,
    /// The file is in no known format.
    UnknownFormat,
}

impl SkipReason {
    pub const ALL: [SkipReason; 10] = [
        SkipReason::Blank,
        SkipReason::NulBytes,
        SkipReason::TooLong,
        SkipReason::NoTimestamp,
        SkipReason::OtherProgram,
        SkipReason::Informational,
        SkipReason::AddressProbe,
        SkipReason::SyslogRepeat,
        SkipReason::Malformed,
        SkipReason::UnknownFormat,
    ];

    /// Name used in the manifest and run.json.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Blank => "blank",
            SkipReason::NulBytes => "nul_bytes",
            SkipReason::TooLong => "too_long",
            SkipReason::NoTimestamp => "no_timestamp",
            SkipReason::OtherProgram => "other_program",
            SkipReason::Informational => "informational",
            SkipReason::AddressProbe => "address_probe",
            SkipReason::SyslogRepeat => "syslog_repeat",
            SkipReason::Malformed => "malformed",
            SkipReason::UnknownFormat => "unknown_format",
        }
    }
}

/// Lines skipped, by reason.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SkipCounts([u64; SkipReason::ALL.len()]);

impl SkipCounts {
    pub fn add(&mut self, reason: SkipReason) {
        self.0[reason as usize] += 1;
    }

    pub fn get(&self, reason: SkipReason) -> u64 {
        self.0[reason as usize]
    }

    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    pub fn merge(&mut self, other: &SkipCounts) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a += b;
        }
    }

    /// Reasons with a non-zero count, in declaration order.
    pub fn iter(&self) -> impl Iterator<Item = (SkipReason, u64)> + '_ {
        SkipReason::ALL.iter().map(|&r| (r, self.get(r)))
    }
}

/// The result of parsing one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Used,
    Skipped(SkipReason),
}

/// What a parser learned about its file as a whole.
#[derive(Clone, Debug, Default)]
pub struct FileFacts {
    /// Earliest and latest stamp of any line with a valid stamp.
    pub first: Option<Micros>,
    pub last: Option<Micros>,
    /// How the year of year-less stamps was decided (`None` if every stamp had one).
    pub year_rule: Option<String>,
    /// Problems worth telling the investigator about.
    pub warnings: Vec<String>,
    /// Programs seen, e.g. `postfix`.
    pub programs: Vec<String>,
    /// The year rule to read the file again under, when the one it was read
    /// with dated lines after the file's own date.
    pub read_again_with: Option<YearRule>,
}

impl FileFacts {
    /// Adds the facts of a fork's lines (`LineParser::fork`) to the facts of
    /// the parser it came from, which scouted those lines: the year and its
    /// warnings are already the whole file's, the range and programs are
    /// joined.
    pub fn absorb(&mut self, fork: FileFacts) {
        self.first = match (self.first, fork.first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last = self.last.max(fork.last);
        for p in fork.programs {
            if !self.programs.contains(&p) {
                self.programs.push(p);
            }
        }
        self.programs.sort_by_key(|p| programs::rank(p));
    }

    /// The facts of a format whose stamps carry their year and zone: the
    /// clock's range, and `program` if any line was used.
    pub fn dated(range: (Option<Micros>, Option<Micros>), used: bool, program: &str) -> FileFacts {
        FileFacts {
            first: range.0,
            last: range.1,
            year_rule: None,
            warnings: Vec::new(),
            read_again_with: None,
            programs: if used {
                vec![program.to_string()]
            } else {
                Vec::new()
            },
        }
    }
}

/// Position of the first `, ` in `b` (fields are short: a byte loop beats
/// building a substring searcher for every field).
pub(crate) fn find_comma_space(b: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr::memchr(b',', &b[from..]) {
        let at = from + i;
        if b.get(at + 1) == Some(&b' ') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// A log format's line parser, one instance per file.
pub trait LineParser: Send {
    /// Parses one line (without its line ending) and passes its events to `sink`.
    fn parse_line(&mut self, line: &[u8], sink: &mut dyn EventSink) -> Outcome;

    /// Called once after the last line.
    fn finish(&mut self) -> FileFacts;

    /// A parser for lines further on in the same input, to run on another
    /// thread (`scan::segments`): it starts where this parser's clock
    /// stands, so it dates its lines as this one would. `None` for formats
    /// whose lines depend on earlier ones beyond the clock (the column
    /// headers of Exchange and Microsoft 365).
    fn fork(&self) -> Option<Box<dyn LineParser>> {
        None
    }

    /// Moves the clock over `line` exactly as [`parse_line`](Self::parse_line)
    /// would, without the rest of its work: the lines a fork parses are
    /// scouted by the parser it was forked from, which then dates the file.
    fn scout(&mut self, _line: &[u8]) {}
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Owned copies of events, for assertions.
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    pub struct OwnedDelivery {
        pub to: String,
        pub orig_to: Option<String>,
        pub relay: String,
        pub class: RelayClass,
        pub dsn: String,
        pub status: Status,
        pub reply: String,
    }

    #[derive(Debug, Clone, PartialEq)]
    pub struct Owned {
        pub time: Micros,
        pub host: String,
        pub queue_id: String,
        pub kind: String,
        pub delivery: Option<OwnedDelivery>,
    }

    fn s(b: &[u8]) -> String {
        String::from_utf8_lossy(b).into_owned()
    }

    #[derive(Default)]
    pub struct Collector(pub Vec<Owned>);

    impl EventSink for Collector {
        fn event(&mut self, e: &Event<'_>) {
            let (kind, delivery) = match e.kind {
                EventKind::Arrival { sender, size } => (
                    format!(
                        "arrival sender={} size={}",
                        s(sender),
                        size.map_or("?".to_string(), |n| n.to_string())
                    ),
                    None,
                ),
                EventKind::Delivery(d) => (
                    format!("delivery {}", d.status.as_str()),
                    Some(OwnedDelivery {
                        to: s(d.to),
                        orig_to: d.orig_to.map(s),
                        relay: s(d.relay),
                        class: d.relay_class,
                        dsn: s(d.dsn),
                        status: d.status,
                        reply: s(d.reply),
                    }),
                ),
                EventKind::Start { message_id, .. } => (
                    format!("start {}", message_id.map(s).unwrap_or_default()),
                    None,
                ),
                EventKind::Expired => ("expired".to_string(), None),
                EventKind::Removed => ("removed".to_string(), None),
                EventKind::Subject(subject) => (format!("subject {}", s(subject)), None),
                EventKind::Reject { recipient } => (
                    format!("reject {}", recipient.map(s).unwrap_or_default()),
                    None,
                ),
            };
            self.0.push(Owned {
                time: e.time,
                host: s(e.host),
                queue_id: s(e.queue_id),
                kind,
                delivery,
            });
        }
    }

    pub fn collect(p: &mut dyn LineParser, line: &[u8]) -> (Outcome, Vec<Owned>) {
        let mut c = Collector::default();
        let o = p.parse_line(line, &mut c);
        (o, c.0)
    }
}

#[cfg(test)]
mod facts_tests {
    use super::*;

    /// A fork's range and programs join the file's; the year, its warnings
    /// and a second reading stay the file's own (its parser saw every line).
    #[test]
    fn a_forks_facts_join_the_files() {
        let mut file = FileFacts {
            first: Some(10),
            last: Some(20),
            year_rule: Some("mtime 2023-07-17".into()),
            warnings: vec!["w".into()],
            programs: vec!["sendmail".into()],
            read_again_with: None,
        };
        file.absorb(FileFacts {
            first: Some(5),
            last: Some(15),
            year_rule: Some("partial".into()),
            warnings: vec!["partial".into()],
            programs: vec!["exim".into(), "postfix".into(), "sendmail".into()],
            read_again_with: Some(YearRule::FirstLine(2000)),
        });
        assert_eq!((file.first, file.last), (Some(5), Some(20)));
        assert_eq!(file.programs, ["postfix", "sendmail", "exim"]);
        assert_eq!(file.year_rule.as_deref(), Some("mtime 2023-07-17"));
        assert_eq!(file.warnings, ["w"]);
        assert_eq!(file.read_again_with, None);
        let mut empty = FileFacts::dated((None, None), false, "exim");
        empty.absorb(FileFacts::dated((Some(1), Some(2)), true, "exim"));
        assert_eq!((empty.first, empty.last), (Some(1), Some(2)));
        assert_eq!(empty.programs, ["exim"]);
    }
}
