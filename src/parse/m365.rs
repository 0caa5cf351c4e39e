//! Microsoft 365 / Exchange Online message trace exports (CSV, UTF-8 with
//! or without a byte order mark, or UTF-16 as the admin centre writes it:
//! the input layer turns UTF-16 into UTF-8 first).
//!
//! The header row names the report; columns are found by name, compared
//! without case, `_`, `-`, spaces and a `(UTC)` suffix:
//! - **extended** reports have event rows (`event_id`, `recipient_address`,
//!   `recipient_status`, ...) exactly like Exchange's message tracking, and
//!   are read by the same code ([`ExchangeParser`]);
//! - **enhanced summary** reports have one row per message, with
//!   `recipient_status` as `addr##Receive, Send;addr2##Receive, Fail`: each
//!   recipient's last event is its outcome;
//! - **summary** exports (the admin centre's, or `Get-MessageTrace |
//!   Export-Csv`) have a row per recipient with `Status` (`Delivered`,
//!   `Failed`, `Pending`, `Quarantined`, `FilteredAsSpam`, `Expanded`, ...).
//!
//! Times are UTC: ISO 8601 (`origin_timestamp_utc`, `date_time_utc`), or
//! the US form `Get-MessageTrace` writes (`1/7/2024 9:00:01 AM`). Rows of
//! one message (`network_message_id`, else `message_trace_id`, else
//! `message_id`) join into one message. A delivered recipient counts as a
//! delivery out of the organisation unless the message was `Incoming`, or
//! the recipient is in the sender's domain (a mailbox here; a summary
//! export does not say which messages came from outside).

use super::csvline::{column_any, Fields, Names};
use super::exchange::ExchangeParser;
use super::{
    Delivery, Event, EventKind, EventSink, FileFacts, LineParser, Outcome, RelayClass, SkipReason,
    Status,
};
use crate::time::civil::{parse_iso, Civil};
use crate::time::{Clock, Micros};

/// Whether a header row looks like a message trace export (detection).
pub fn looks_like_m365(line: &[u8]) -> bool {
    let mut f = Fields::default();
    if f.split(line).is_err() || f.len() < 3 {
        return false;
    }
    let names: Vec<&[u8]> = (0..f.len()).map(|i| f.raw(line, i)).collect();
    column_any(&names, &["senderaddress", "sender"]).is_some()
        && column_any(
            &names,
            &["recipientaddress", "recipient", "recipientstatus"],
        )
        .is_some()
        && column_any(&names, TIME).is_some()
}

const TIME: &[&str] = &[
    "origintimestamputc",
    "origintimestamp",
    "datetimeutc",
    "datetime",
    "received",
    "date",
];

/// Where the columns of a summary or enhanced summary report are.
#[derive(Clone, Copy, Debug)]
struct Columns {
    time: usize,
    sender: usize,
    recipient: Option<usize>,
    recipient_status: Option<usize>,
    status: Option<usize>,
    size: Option<usize>,
    ids: [Option<usize>; 3],
    message_id: Option<usize>,
    direction: Option<usize>,
    to_ip: Option<usize>,
    subject: Option<usize>,
}

impl Columns {
    fn from_names(names: &[&[u8]]) -> Option<Columns> {
        let names = Names::new(names);
        let c = |a: &[&str]| names.find(a);
        let cols = Columns {
            time: c(TIME)?,
            sender: c(&["senderaddress", "sender"])?,
            recipient: c(&["recipientaddress", "recipient"]),
            recipient_status: c(&["recipientstatus"]),
            status: c(&["status", "deliverystatus"]),
            size: c(&["totalbytes", "size", "messagesize"]),
            ids: [
                c(&["networkmessageid"]),
                c(&["messagetraceid"]),
                c(&["messageid"]),
            ],
            message_id: c(&["messageid"]),
            direction: c(&["directionality", "direction"]),
            to_ip: c(&["toip"]),
            subject: c(&["messagesubject", "subject"]),
        };
        let per_recipient = cols.recipient.is_some() && cols.status.is_some();
        (per_recipient || cols.recipient_status.is_some()).then_some(cols)
    }
}

enum Mode {
    /// Before the header row.
    Start,
    Summary(Columns),
    Events(Box<ExchangeParser>),
    /// The header row named no known report.
    Unknown,
}

/// Reads one message trace export.
pub struct M365Parser {
    clock: Option<Clock>,
    mode: Mode,
    fields: Fields,
    bufs: [Vec<u8>; 6],
    used: bool,
}

impl M365Parser {
    pub fn new(clock: Clock) -> M365Parser {
        M365Parser {
            clock: Some(clock),
            mode: Mode::Start,
            fields: Fields::default(),
            bufs: Default::default(),
            used: false,
        }
    }

    fn header(&mut self, line: &[u8]) -> Outcome {
        if self.fields.split(line).is_err() {
            self.mode = Mode::Unknown;
            return Outcome::Skipped(SkipReason::Malformed);
        }
        let names: Vec<&[u8]> = (0..self.fields.len())
            .map(|i| self.fields.raw(line, i))
            .collect();
        let clock = self.clock.take().expect("clock until the header");
        if column_any(&names, &["eventid"]).is_some() {
            if let Some(p) = ExchangeParser::with_columns(clock.clone(), &names) {
                self.mode = Mode::Events(Box::new(p));
                return Outcome::Skipped(SkipReason::Informational);
            }
        }
        self.clock = Some(clock);
        self.mode = match Columns::from_names(&names) {
            Some(c) => Mode::Summary(c),
            None => Mode::Unknown,
        };
        match self.mode {
            Mode::Unknown => Outcome::Skipped(SkipReason::Malformed),
            _ => Outcome::Skipped(SkipReason::Informational),
        }
    }
}

/// What a status word or event name says about a recipient.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Said {
    Outcome(Status, Place),
    /// A step that is no outcome (`Receive`, `Expand`, `Resolve`, ...).
    Nothing,
    Unknown,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Place {
    /// Delivered: out of the organisation or to a mailbox, by direction.
    Delivered,
    Out,
    Mailbox,
    Nowhere,
}

fn said(word: &[u8]) -> Said {
    let w = word.trim_ascii().to_ascii_lowercase();
    match &w[..] {
        b"delivered" => Said::Outcome(Status::Sent, Place::Delivered),
        b"deliver" => Said::Outcome(Status::Sent, Place::Mailbox),
        b"send" | b"sendexternal" | b"sent" => Said::Outcome(Status::Sent, Place::Out),
        b"failed" | b"fail" | b"drop" | b"dropped" | b"quarantined" | b"filteredasspam" => {
            Said::Outcome(Status::Bounced, Place::Nowhere)
        }
        b"pending" | b"defer" | b"deferred" => Said::Outcome(Status::Deferred, Place::Out),
        b"receive" | b"received" | b"expand" | b"expanded" | b"resolve" | b"resolved"
        | b"redirect" | b"submit" | b"transfer" | b"gettingstatus" | b"none" | b"dsn" | b"" => {
            Said::Nothing
        }
        _ => Said::Unknown,
    }
}

/// `M/D/YYYY h:mm:ss AM` (Get-MessageTrace's CSV in the US culture).
fn parse_us(b: &[u8]) -> Option<Civil> {
    let s = std::str::from_utf8(b).ok()?.trim();
    let (date, rest) = s.split_once(' ')?;
    let mut d = date.split('/');
    let (month, day, year) = (
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
    );
    let (time, ampm) = match rest.split_once(' ') {
        Some((t, m)) => (t, Some(m.trim())),
        None => (rest, None),
    };
    let mut t = time.split(':');
    let (mut hour, minute, second): (u8, u8, u8) = (
        t.next()?.parse().ok()?,
        t.next()?.parse().ok()?,
        t.next()?.parse().ok()?,
    );
    match ampm {
        // A 12-hour clock runs from 12 through 11: "13:00:00 PM" is no time.
        Some("AM" | "PM") if !(1..=12).contains(&hour) => return None,
        Some("PM") if hour < 12 => hour += 12,
        Some("AM") if hour == 12 => hour = 0,
        Some("AM" | "PM") | None => {}
        Some(_) => return None,
    }
    let civil = Civil {
        year,
        month,
        day,
        hour,
        minute,
        second,
        micros: 0,
    };
    // The calendar's own check: "2/30/2023" is refused, not read as March 2.
    civil.is_valid().then_some(civil)
}

fn domain_of(addr: &[u8]) -> &[u8] {
    memchr::memrchr(b'@', addr).map_or(&b""[..], |at| &addr[at + 1..])
}

impl M365Parser {
    fn summary_row(&mut self, c: Columns, line: &[u8], sink: &mut dyn EventSink) -> Outcome {
        if self.fields.split(line).is_err() {
            return Outcome::Skipped(SkipReason::Malformed);
        }
        let f = &self.fields;
        let clock = self.clock.as_mut().expect("clock in summary mode");
        let stamp = f.raw(line, c.time);
        let stamp = stamp.trim_ascii();
        let time: Micros = match parse_iso(stamp) {
            Some((civil, offset, n)) if n == stamp.len() => {
                clock.iso(&civil, Some(offset.unwrap_or(0)))
            }
            _ => match parse_us(stamp) {
                Some(civil) => clock.iso(&civil, Some(0)),
                None => return Outcome::Skipped(SkipReason::NoTimestamp),
            },
        };
        let opt = |i: Option<usize>| i.map_or(&b""[..], |i| f.raw(line, i));
        let Some(id) = c.ids.iter().map(|&i| opt(i)).find(|v| !v.is_empty()) else {
            return Outcome::Skipped(SkipReason::Malformed);
        };
        let [b0, b1, b2, b3, b4, b5] = &mut self.bufs;
        let sender = f.get(line, c.sender, b0);
        let sender = if sender == b"<>" { &b""[..] } else { sender };
        let size = std::str::from_utf8(opt(c.size))
            .ok()
            .and_then(|s| s.trim().parse().ok());
        let message_id = c
            .message_id
            .map(|i| f.get(line, i, b1))
            .filter(|m| !m.is_empty())
            .map(|m| {
                m.strip_prefix(b"<")
                    .and_then(|m| m.strip_suffix(b">"))
                    .unwrap_or(m)
            });
        let ev = |kind| Event {
            time,
            host: b"",
            queue_id: id,
            kind,
        };
        sink.event(&ev(EventKind::Start {
            message_id,
            logs_end: false,
        }));
        sink.event(&ev(EventKind::Arrival { sender, size }));
        if let Some(i) = c.subject {
            let subject = f.get(line, i, b5);
            if !subject.is_empty() {
                sink.event(&ev(EventKind::Subject(subject)));
            }
        }
        let direction = opt(c.direction).trim_ascii().to_ascii_lowercase();
        let ip = opt(c.to_ip).trim_ascii();
        let relay = if ip.is_empty() {
            &b""[..]
        } else {
            b3.clear();
            b3.push(b'[');
            b3.extend_from_slice(ip);
            b3.push(b']');
            &b3[..]
        };
        let class = |place: Place, to: &[u8]| match place {
            Place::Out => RelayClass::Remote,
            Place::Mailbox => RelayClass::Local,
            Place::Nowhere => RelayClass::None,
            Place::Delivered if direction == b"incoming" => RelayClass::Local,
            Place::Delivered
                if direction != b"incoming"
                    && domain_of(to).eq_ignore_ascii_case(domain_of(sender)) =>
            {
                RelayClass::Local
            }
            Place::Delivered => RelayClass::Remote,
        };
        let mut emit = |to: &[u8], status: Status, place: Place, reply: &[u8]| {
            sink.event(&Event {
                time,
                host: b"",
                queue_id: id,
                kind: EventKind::Delivery(Delivery {
                    to,
                    orig_to: None,
                    relay,
                    relay_class: class(place, to),
                    dsn: b"",
                    status,
                    reply,
                }),
            });
        };
        if let Some(rs) = c.recipient_status {
            // `addr##Receive, Send;addr2##Receive, Fail`
            for item in f.get(line, rs, b2).split(|&b| b == b';') {
                let item = item.trim_ascii();
                let Some(sep) = memchr::memmem::find(item, b"##") else {
                    continue;
                };
                let (to, events) = (&item[..sep], &item[sep + 2..]);
                let last = events
                    .split(|&b| b == b',')
                    .map(said)
                    .rfind(|s| matches!(s, Said::Outcome(..)));
                if let Some(Said::Outcome(status, place)) = last {
                    emit(to, status, place, events);
                }
            }
        } else if let (Some(r), Some(s)) = (c.recipient, c.status) {
            let status_text = f.get(line, s, b2);
            match said(status_text) {
                Said::Outcome(status, place) => {
                    for to in f.get(line, r, b4).split(|&b| b == b';') {
                        let to = to.trim_ascii();
                        if !to.is_empty() {
                            emit(to, status, place, status_text);
                        }
                    }
                }
                Said::Nothing => {}
                Said::Unknown => return Outcome::Skipped(SkipReason::Malformed),
            }
        }
        Outcome::Used
    }
}

impl LineParser for M365Parser {
    fn parse_line(&mut self, line: &[u8], sink: &mut dyn EventSink) -> Outcome {
        // PowerShell 5's Export-Csv opens with a `#TYPE` line.
        if line.starts_with(b"#TYPE ") || line.trim_ascii().is_empty() {
            return Outcome::Skipped(SkipReason::Informational);
        }
        let out = match &mut self.mode {
            Mode::Start => return self.header(line),
            Mode::Unknown => Outcome::Skipped(SkipReason::UnknownFormat),
            Mode::Events(p) => p.parse_line(line, sink),
            Mode::Summary(c) => {
                let c = *c;
                self.summary_row(c, line, sink)
            }
        };
        self.used |= out == Outcome::Used;
        out
    }

    fn finish(&mut self) -> FileFacts {
        let range = match &mut self.mode {
            Mode::Events(p) => {
                let f = p.finish();
                (f.first, f.last)
            }
            _ => self.clock.as_ref().map_or((None, None), Clock::range),
        };
        FileFacts::dated(range, self.used, "m365")
    }
}

#[cfg(test)]
mod tests;
