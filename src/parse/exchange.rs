//! Microsoft Exchange message tracking logs (`MSGTRK*.LOG`): CSV after `#`
//! header lines, whose `#Fields:` line names the columns. Columns are found
//! by name, so the 2010 and 2013-2019 layouts both read; before any
//! `#Fields:` line the Exchange 2016/2019 layout is assumed.
//!
//! Events, per row (one row can list several recipients, `;`-separated in
//! `recipient-address` with a parallel `recipient-status`):
//! - `RECEIVE`: the message arrived on this server: its envelope sender
//!   (`return-path`, else `sender-address`) and size (`total-bytes`);
//! - `SEND`, `SENDEXTERNAL`: handed to another server: out of the
//!   organisation, unless through one of Exchange's own internal connectors
//!   (`Intra-Organization SMTP Send Connector`, the proxy connectors), which
//!   is a hop inside it, not a delivery;
//! - `DELIVER`: into a mailbox here; `FAIL`: failed for good; `DEFER`:
//!   deferred; `DROP`: thrown away without a notice (not delivered);
//! - everything else (`DSN`, `EXPAND`, `REDIRECT`, `RESOLVE`, `TRANSFER`,
//!   `SUBMIT`, `HA*`, `AGENT*`, ...) is informational.
//!
//! A message is keyed by its `network-message-id` (the same on every server
//! of the organisation; else `message-id`) with no host, so a recipient's
//! final outcome wins whichever server logged it, and it counts once.
//! Exchange logs no end of message: messages end by the join gap.

use memchr::memmem;

use super::csvline::{Fields, Names};
use super::{
    Delivery, Event, EventKind, EventSink, FileFacts, LineParser, Outcome, RelayClass, SkipReason,
    Status,
};
use crate::time::civil::parse_iso;
use crate::time::Clock;

/// The Exchange 2016/2019 columns, for rows before any `#Fields:` line.
const DEFAULT_FIELDS: &str = "date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data,transport-traffic-type,log-id,schema-version";

/// Where the columns misdirect reads are.
#[derive(Clone, Copy, Debug)]
struct Columns {
    time: usize,
    server_host: Option<usize>,
    server_ip: Option<usize>,
    connector: Option<usize>,
    event: usize,
    message_id: Option<usize>,
    network_id: Option<usize>,
    internal_id: Option<usize>,
    recipients: usize,
    statuses: Option<usize>,
    bytes: Option<usize>,
    sender: Option<usize>,
    return_path: Option<usize>,
    subject: Option<usize>,
}

impl Columns {
    /// Columns from a header's names (`#Fields:` of a tracking log, or the
    /// header row of a Microsoft 365 extended message trace, whose names
    /// use `_` and sometimes `_utc`).
    fn from_names(names: &[&[u8]]) -> Option<Columns> {
        let names = Names::new(names);
        let c = |aliases: &[&str]| names.find(aliases);
        Some(Columns {
            time: c(&["datetime", "datetimeutc"])?,
            server_host: c(&["serverhostname"]),
            server_ip: c(&["serverip"]),
            connector: c(&["connectorid"]),
            event: c(&["eventid"])?,
            message_id: c(&["messageid"]),
            network_id: c(&["networkmessageid"]),
            internal_id: c(&["internalmessageid"]),
            recipients: c(&["recipientaddress"])?,
            statuses: c(&["recipientstatus"]),
            bytes: c(&["totalbytes"]),
            sender: c(&["senderaddress"]),
            return_path: c(&["returnpath"]),
            subject: c(&["messagesubject"]),
        })
    }

    fn from_header(header: &[u8]) -> Option<Columns> {
        let names: Vec<&[u8]> = header.split(|&c| c == b',').collect();
        Columns::from_names(&names)
    }
}

/// Whether a line starts an Exchange message tracking log (detection).
pub fn looks_like_exchange(line: &[u8]) -> bool {
    line.starts_with(b"#Software: Microsoft Exchange")
        || line.starts_with(b"#Log-Type: Message Tracking Log")
        || line.starts_with(b"#Fields: date-time,")
}

/// Reads one message tracking log.
pub struct ExchangeParser {
    clock: Clock,
    cols: Columns,
    fields: Fields,
    /// Unescaped copies of quoted fields.
    bufs: [Vec<u8>; 4],
    used: bool,
}

impl ExchangeParser {
    /// A parser for rows under the header row `names` (Microsoft 365's
    /// extended message trace); `None` if it lacks the columns needed.
    pub fn with_columns(clock: Clock, names: &[&[u8]]) -> Option<ExchangeParser> {
        let mut p = ExchangeParser::new(clock);
        p.cols = Columns::from_names(names)?;
        Some(p)
    }

    pub fn new(clock: Clock) -> ExchangeParser {
        ExchangeParser {
            clock,
            cols: Columns::from_header(DEFAULT_FIELDS.as_bytes()).expect("default fields"),
            fields: Fields::default(),
            bufs: Default::default(),
            used: false,
        }
    }
}

/// What a row's event means for its recipients.
enum Kind {
    Arrival,
    Delivery(Status, Where),
}

#[derive(Clone, Copy)]
enum Where {
    /// Out through a send connector (or an internal one: decided per row).
    Sent,
    Mailbox,
    Nowhere,
}

fn kind(event: &[u8]) -> Option<Kind> {
    Some(match event {
        b"RECEIVE" => Kind::Arrival,
        b"SEND" | b"SENDEXTERNAL" => Kind::Delivery(Status::Sent, Where::Sent),
        b"DELIVER" => Kind::Delivery(Status::Sent, Where::Mailbox),
        b"FAIL" => Kind::Delivery(Status::Bounced, Where::Nowhere),
        b"DROP" => Kind::Delivery(Status::Bounced, Where::Nowhere),
        b"DEFER" => Kind::Delivery(Status::Deferred, Where::Sent),
        _ => return None,
    })
}

/// Exchange's own connectors between its servers: a hop, not a delivery.
fn internal_connector(c: &[u8]) -> bool {
    memmem::find(c, b"Intra-Organization").is_some()
        || memmem::find(c, b"Internal Send Connector").is_some()
        || memmem::find(c, b"Inbound Proxy").is_some()
        || memmem::find(c, b"Client Proxy").is_some()
}

/// Splits a `;` list at the top level: Exchange 2013+ statuses look like
/// `[{LRT=};{LED=550 5.1.1 ...};{FQDN=};{IP=}]` and hold `;` inside.
fn split_top_level(s: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut depth = 0i32;
    let mut start = 0;
    let mut i = 0;
    std::iter::from_fn(move || {
        if start > s.len() {
            return None;
        }
        while i < s.len() {
            match s[i] {
                b'[' | b'{' => depth += 1,
                b']' | b'}' => depth -= 1,
                b';' if depth <= 0 => {
                    let part = &s[start..i];
                    i += 1;
                    start = i;
                    return Some(part);
                }
                _ => {}
            }
            i += 1;
        }
        let part = &s[start..];
        start = s.len() + 1;
        Some(part)
    })
}

/// An enhanced status code (`5.1.1`) in a reply, if any.
fn dsn(reply: &[u8]) -> &[u8] {
    let mut i = 0;
    while i + 5 <= reply.len() {
        let w = &reply[i..];
        if matches!(w[0], b'2' | b'4' | b'5')
            && w[1] == b'.'
            && (i == 0 || !reply[i - 1].is_ascii_digit())
        {
            let n = w
                .iter()
                .take_while(|c| c.is_ascii_digit() || **c == b'.')
                .count();
            let code = &w[..n];
            if code.iter().filter(|&&c| c == b'.').count() == 2 && n >= 5 {
                return code;
            }
        }
        i += 1;
    }
    b""
}

impl LineParser for ExchangeParser {
    fn parse_line(&mut self, line: &[u8], sink: &mut dyn EventSink) -> Outcome {
        if let Some(header) = line.strip_prefix(b"#") {
            if let Some(f) = header.strip_prefix(b"Fields: ") {
                match Columns::from_header(f) {
                    Some(c) => self.cols = c,
                    None => return Outcome::Skipped(SkipReason::Malformed),
                }
            }
            return Outcome::Skipped(SkipReason::Informational);
        }
        if self.fields.split(line).is_err() {
            return Outcome::Skipped(SkipReason::Malformed);
        }
        let f = &self.fields;
        let c = self.cols;
        let Some((civil, offset, n)) = parse_iso(f.raw(line, c.time)) else {
            return Outcome::Skipped(SkipReason::NoTimestamp);
        };
        if n != f.raw(line, c.time).len() {
            return Outcome::Skipped(SkipReason::NoTimestamp);
        }
        let Some(kind) = kind(f.raw(line, c.event)) else {
            return Outcome::Skipped(SkipReason::Informational);
        };
        // Exchange writes UTC; a stamp without `Z` is read as UTC too.
        let time = self.clock.iso(&civil, Some(offset.unwrap_or(0)));
        let opt = |i: Option<usize>| i.map_or(&b""[..], |i| f.raw(line, i));
        let id = [c.network_id, c.message_id, c.internal_id]
            .into_iter()
            .map(opt)
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        if id.is_empty() {
            return Outcome::Skipped(SkipReason::Malformed);
        }
        let [b0, b1, b2, b3] = &mut self.bufs;
        let ev = |kind| Event {
            time,
            host: b"",
            queue_id: id,
            kind,
        };
        match kind {
            Kind::Arrival => {
                let rp = c.return_path.map_or(&b""[..], |i| f.get(line, i, b0));
                let sender = if rp.is_empty() {
                    c.sender.map_or(&b""[..], |i| f.get(line, i, b1))
                } else {
                    rp
                };
                let sender = if sender == b"<>" { &b""[..] } else { sender };
                let size = std::str::from_utf8(opt(c.bytes))
                    .ok()
                    .and_then(|s| s.parse().ok());
                let message_id = c
                    .message_id
                    .map(|i| f.get(line, i, b2))
                    .filter(|m| !m.is_empty())
                    .map(|m| {
                        m.strip_prefix(b"<")
                            .and_then(|m| m.strip_suffix(b">"))
                            .unwrap_or(m)
                    });
                sink.event(&ev(EventKind::Start {
                    message_id,
                    logs_end: false,
                }));
                sink.event(&ev(EventKind::Arrival { sender, size }));
                if let Some(i) = c.subject {
                    let subject = f.get(line, i, b3);
                    if !subject.is_empty() {
                        sink.event(&ev(EventKind::Subject(subject)));
                    }
                }
            }
            Kind::Delivery(status, place) => {
                let class = match place {
                    Where::Mailbox => RelayClass::Local,
                    Where::Nowhere => RelayClass::None,
                    Where::Sent if internal_connector(opt(c.connector)) => RelayClass::Hop,
                    Where::Sent => RelayClass::Remote,
                };
                let host = opt(c.server_host);
                let ip = opt(c.server_ip);
                let relay = match (host.is_empty(), ip.is_empty()) {
                    (_, true) => host,
                    _ => {
                        b3.clear();
                        b3.extend_from_slice(host);
                        b3.push(b'[');
                        b3.extend_from_slice(ip);
                        b3.push(b']');
                        &b3[..]
                    }
                };
                let recipients = f.get(line, c.recipients, b0);
                let statuses = c.statuses.map_or(&b""[..], |i| f.get(line, i, b1));
                let many = memchr::memchr(b';', recipients).is_some();
                let mut replies = split_top_level(statuses);
                let mut any = false;
                for to in recipients.split(|&b| b == b';') {
                    let reply = if many {
                        replies.next().unwrap_or_default()
                    } else {
                        statuses
                    };
                    let to = to.trim_ascii();
                    if to.is_empty() {
                        continue;
                    }
                    any = true;
                    sink.event(&ev(EventKind::Delivery(Delivery {
                        to,
                        orig_to: None,
                        relay,
                        relay_class: class,
                        dsn: dsn(reply),
                        status,
                        reply,
                    })));
                }
                if !any {
                    return Outcome::Skipped(SkipReason::Malformed);
                }
            }
        }
        self.used = true;
        Outcome::Used
    }

    fn finish(&mut self) -> FileFacts {
        FileFacts::dated(self.clock.range(), self.used, "exchange")
    }
}

#[cfg(test)]
mod tests;
