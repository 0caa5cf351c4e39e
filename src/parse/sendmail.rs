//! Sendmail: the message part of a `sendmail`, `sm-mta` or `sm-msp-queue`
//! syslog line, after the header.
//!
//! The lines that matter are keyed by queue ID (`36HACD1s001234: ...`):
//! - `from=<s>, size=N, class=0, nrcpts=N, msgid=<id>, ...`: the message
//!   was queued (its start and its arrival);
//! - `to=<a>,<b>, [ctladdr=...,] delay=..., mailer=M, pri=N, relay=R,
//!   dsn=X.Y.Z, stat=S`: one delivery attempt for each listed recipient;
//! - `QID2: DSN: ...` / `QID2: return to sender: ...`: a bounce message
//!   `QID2` was made for this one; with `Cannot send message for ...` the
//!   message gave up after its queue lifetime (it expired);
//! - `ruleset=check_rcpt, arg1=<r>, ..., reject=...` and `<r>... User
//!   unknown`: refused on arrival.
//!
//! Sendmail writes no line when a message leaves the queue, so its messages
//! end by the join gap or at the end of the input ([`EventKind::Start`]
//! says so). Mail submitted with the `sendmail` command is logged twice:
//! the submission program hands it to the MTA on loopback with
//! `mailer=relay` (a hop, not a delivery) and the MTA logs the real
//! delivery under a new queue ID. Non-ASCII bytes are logged as octal
//! escapes (`rolls-royc\320\265.com`); addresses are decoded back.

use memchr::memmem;

use super::syslog::Header;
use super::{
    find_comma_space, Delivery, Event, EventKind, EventSink, Outcome, RelayClass, SkipReason,
    Status,
};

/// Whether a syslog program name is Sendmail's.
pub fn is_sendmail(program: &[u8]) -> bool {
    matches!(
        program,
        b"sendmail" | b"sm-mta" | b"sm-msp-queue" | b"sm-msp" | b"sendmail-msp"
    )
}

/// Longest queue ID accepted (14 characters in practice, 16 with `-O
/// MaxQueueRunSize` style suffixes; anything far longer is not one).
const MAX_QUEUE_ID: usize = 24;

/// Recipients kept from one `to=` line; the rest of an absurd list is
/// counted as one malformed line rather than held.
const MAX_RECIPIENTS: usize = 4096;

/// Reusable buffers of one file's Sendmail lines.
#[derive(Debug, Default)]
pub struct SendmailParser {
    /// Spans of the recipients of the current `to=` line.
    spans: Vec<(usize, usize)>,
    /// The current address, with octal escapes decoded.
    addr: Vec<u8>,
}

impl SendmailParser {
    /// Parses the message of a line written by Sendmail.
    pub fn parse_message(&mut self, h: &Header<'_>, sink: &mut dyn EventSink) -> Outcome {
        let msg = h.message;
        if let Some(rest) = msg.strip_prefix(b"NOQUEUE: ") {
            return reject_line(h, rest, sink);
        }
        let Some((queue_id, body)) = split_queue_id(msg) else {
            return Outcome::Skipped(SkipReason::Informational);
        };
        match body.first() {
            Some(b'f') if body.starts_with(b"from=") => self.arrival(h, queue_id, body, sink),
            Some(b't') if body.starts_with(b"to=") => self.deliveries(h, queue_id, body, sink),
            Some(b'r') if body.starts_with(b"ruleset=") => reject_line(h, body, sink),
            Some(b'<') => reject_line(h, body, sink),
            Some(c) if c.is_ascii_alphanumeric() => dsn_line(h, queue_id, body, sink),
            _ => Outcome::Skipped(SkipReason::Informational),
        }
    }

    /// `from=<s>, size=N, class=0, nrcpts=N, msgid=<id>, ...`
    fn arrival(
        &mut self,
        h: &Header<'_>,
        queue_id: &[u8],
        body: &[u8],
        sink: &mut dyn EventSink,
    ) -> Outcome {
        let Some((sender, mut rest)) = take_address(&body[5..]) else {
            return Outcome::Skipped(SkipReason::Malformed);
        };
        let mut size = None;
        let mut message_id = None;
        while let Some((key, value, next)) = next_field(rest) {
            match key {
                b"size" => size = parse_u64(value),
                b"msgid" => message_id = Some(strip_angles(value)),
                _ => {}
            }
            rest = next;
        }
        decode_octal(sender, &mut self.addr);
        let emit = |sink: &mut dyn EventSink, kind| {
            sink.event(&Event {
                time: h.time,
                host: h.host,
                queue_id,
                kind,
            })
        };
        emit(
            sink,
            EventKind::Start {
                message_id,
                logs_end: false,
            },
        );
        emit(
            sink,
            EventKind::Arrival {
                sender: &self.addr,
                size,
            },
        );
        Outcome::Used
    }

    /// `to=<a>,<b>, ..., mailer=M, ..., relay=R, dsn=X.Y.Z, stat=S`
    fn deliveries(
        &mut self,
        h: &Header<'_>,
        queue_id: &[u8],
        body: &[u8],
        sink: &mut dyn EventSink,
    ) -> Outcome {
        let list = &body[3..];
        let Some(after) = self.split_recipients(list) else {
            return Outcome::Skipped(SkipReason::Malformed);
        };
        let mut rest = &list[after..];
        let (mut mailer, mut relay, mut dsn): (&[u8], &[u8], &[u8]) = (b"", b"", b"");
        let mut stat = None;
        while let Some((key, value, next)) = next_field(rest) {
            match key {
                b"mailer" => mailer = value,
                b"relay" => relay = value,
                b"dsn" => dsn = value,
                b"stat" => {
                    // The last field; its text (a remote reply) may hold
                    // anything, commas included.
                    stat = Some(rest.strip_prefix(b", stat=").unwrap_or(value));
                    break;
                }
                _ => {}
            }
            rest = next;
        }
        let Some(stat) = stat else {
            return Outcome::Skipped(SkipReason::Malformed);
        };
        let (word, reply) = split_stat(stat);
        let status = match word {
            b"Sent" => Status::Sent,
            b"Deferred" => Status::Deferred,
            // Put in the queue without an attempt (delivery mode "queue"):
            // the attempt will be logged on its own line.
            b"queued" => return Outcome::Skipped(SkipReason::Informational),
            _ => match dsn.first() {
                Some(b'2') => Status::Sent,
                Some(b'4') => Status::Deferred,
                _ => Status::Bounced,
            },
        };
        let relay_class = classify(mailer, relay, reply);
        for i in 0..self.spans.len() {
            let (start, end) = self.spans[i];
            decode_octal(strip_angles(&list[start..end]), &mut self.addr);
            sink.event(&Event {
                time: h.time,
                host: h.host,
                queue_id,
                kind: EventKind::Delivery(Delivery {
                    to: &self.addr,
                    orig_to: None,
                    relay,
                    relay_class,
                    dsn,
                    status,
                    reply,
                }),
            });
        }
        Outcome::Used
    }

    /// Splits the recipient list of a `to=` value into `self.spans`:
    /// `<a@x>,<b@y>` or bare `root,alice`, ended by `, ` (or the line's
    /// end). Returns where the list ends.
    fn split_recipients(&mut self, b: &[u8]) -> Option<usize> {
        self.spans.clear();
        let mut i = 0;
        loop {
            let start = i;
            if b.get(i) == Some(&b'<') {
                i += 1 + closing_angle(&b[i + 1..])? + 1;
            } else {
                while i < b.len() && b[i] != b',' {
                    i += 1;
                }
            }
            if i == start {
                return None;
            }
            if self.spans.len() == MAX_RECIPIENTS {
                return None;
            }
            self.spans.push((start, i));
            match (b.get(i), b.get(i + 1)) {
                (Some(b','), Some(b' ')) | (None, _) => return Some(i),
                (Some(b','), _) => i += 1,
                _ => return None,
            }
        }
    }
}

/// `QID2: DSN: text`, `QID2: return to sender: text`, `QID2: postmaster
/// notify: text`, `QID2: sender notify: text`: a bounce (or delay) notice
/// was made. It is a message of its own
/// (from the null sender, size unknown); `Cannot send message for ...`
/// means the original gave up after its queue lifetime.
fn dsn_line(h: &Header<'_>, queue_id: &[u8], body: &[u8], sink: &mut dyn EventSink) -> Outcome {
    let Some((dsn_id, text)) = split_queue_id(body) else {
        return Outcome::Skipped(SkipReason::Informational);
    };
    let text = if let Some(t) = text.strip_prefix(b"DSN: ") {
        t
    } else if let Some(t) = text.strip_prefix(b"return to sender: ") {
        t
    } else if let Some(t) = text.strip_prefix(b"postmaster notify: ") {
        t
    } else if let Some(t) = text.strip_prefix(b"sender notify: ") {
        t
    } else {
        return Outcome::Skipped(SkipReason::Informational);
    };
    let emit = |sink: &mut dyn EventSink, queue_id, kind| {
        sink.event(&Event {
            time: h.time,
            host: h.host,
            queue_id,
            kind,
        })
    };
    if text.starts_with(b"Cannot send message for") {
        emit(sink, queue_id, EventKind::Expired);
    }
    emit(
        sink,
        dsn_id,
        EventKind::Start {
            message_id: None,
            logs_end: false,
        },
    );
    emit(
        sink,
        dsn_id,
        EventKind::Arrival {
            sender: b"",
            size: None,
        },
    );
    Outcome::Used
}

/// `ruleset=check_rcpt, arg1=<r>, relay=..., reject=550 ...` or
/// `<r>... User unknown`: refused on arrival; nothing was queued for it.
fn reject_line(h: &Header<'_>, body: &[u8], sink: &mut dyn EventSink) -> Outcome {
    let recipient = if body.starts_with(b"ruleset=") {
        if memmem::find(body, b", reject=").is_none() {
            return Outcome::Skipped(SkipReason::Informational);
        }
        if !body.starts_with(b"ruleset=check_rcpt, arg1=") {
            None
        } else {
            take_address(&body[25..]).map(|(a, _)| strip_angles(a))
        }
    } else if body.starts_with(b"<") {
        let end = closing_angle(&body[1..]);
        match end {
            Some(e) if body[1 + e + 1..].starts_with(b"... ") => Some(&body[1..1 + e]),
            _ => return Outcome::Skipped(SkipReason::Informational),
        }
    } else {
        return Outcome::Skipped(SkipReason::Informational);
    };
    sink.event(&Event {
        time: h.time,
        host: h.host,
        queue_id: b"",
        kind: EventKind::Reject { recipient },
    });
    Outcome::Used
}

/// Splits `QUEUEID: rest`; Sendmail's queue IDs are letters and digits.
fn split_queue_id(msg: &[u8]) -> Option<(&[u8], &[u8])> {
    let head = &msg[..msg.len().min(MAX_QUEUE_ID + 1)];
    let n = head
        .iter()
        .position(|c| !c.is_ascii_alphanumeric())
        .unwrap_or(head.len());
    if !(8..=MAX_QUEUE_ID).contains(&n)
        || msg.get(n) != Some(&b':')
        || msg.get(n + 1) != Some(&b' ')
    {
        return None;
    }
    Some((&msg[..n], &msg[n + 2..]))
}

/// The next `, key=value` field: value up to the next `, `.
fn next_field(b: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let b = b.strip_prefix(b", ")?;
    let eq = b.iter().take(16).position(|&c| c == b'=')?;
    let value = &b[eq + 1..];
    let end = find_comma_space(value).unwrap_or(value.len());
    Some((&b[..eq], &value[..end], &value[end..]))
}

/// An address `<...>` (a `>` inside quotes does not end it) or a bare word
/// up to `, `.
fn take_address(b: &[u8]) -> Option<(&[u8], &[u8])> {
    if b.first() == Some(&b'<') {
        let end = 1 + closing_angle(&b[1..])?;
        Some((&b[1..end], &b[end + 1..]))
    } else {
        let end = find_comma_space(b).unwrap_or(b.len());
        Some((&b[..end], &b[end..]))
    }
}

/// Position of the `>` closing an address whose `<` came just before `b`.
fn closing_angle(b: &[u8]) -> Option<usize> {
    let mut in_quote = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if in_quote => i += 1,
            b'"' => in_quote = !in_quote,
            b'>' if !in_quote => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn strip_angles(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"<")
        .and_then(|b| b.strip_suffix(b">"))
        .unwrap_or(b)
}

fn parse_u64(b: &[u8]) -> Option<u64> {
    // An absurd size (more digits than fit) is kept as unknown, not wrapped.
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse().ok()
}

/// `Sent (reply)`, `Deferred: reason`, `User unknown`: the status word and
/// the text that explains it.
fn split_stat(s: &[u8]) -> (&[u8], &[u8]) {
    for word in [&b"Sent"[..], b"Deferred", b"queued"] {
        if let Some(rest) = s.strip_prefix(word) {
            if rest.is_empty() {
                return (word, b"");
            }
            if let Some(r) = rest.strip_prefix(b" (") {
                return (word, r.strip_suffix(b")").unwrap_or(r));
            }
            if let Some(r) = rest.strip_prefix(b": ") {
                return (word, r);
            }
        }
    }
    (b"", s)
}

/// Whether a delivery went out, into a mailbox here, or back into a queue
/// on this host (the submission program's hand-off to the MTA, a content
/// filter).
fn classify(mailer: &[u8], relay: &[u8], reply: &[u8]) -> RelayClass {
    match mailer {
        b"local" | b"prog" | b"*file*" | b"*include*" | b"cyrus" | b"cyrusv2" | b"procmail"
        | b"maildrop" | b"lmtp" | b"dovecot" => return RelayClass::Local,
        b"error" | b"discard" => return RelayClass::None,
        _ => {}
    }
    let on_this_host = relay.starts_with(b"localhost")
        || relay.starts_with(b"[127.")
        || relay.starts_with(b"[IPv6:::1]")
        || relay.starts_with(b"[::1]");
    let requeued = memmem::find(reply, b"accepted for delivery").is_some()
        || memmem::find(reply, b"queued as").is_some();
    // The submission program relays to the MTA on this host (`mailer=relay`),
    // and so does an MTA handing mail to a local content filter: a hop, even
    // while the attempt is deferred.
    if on_this_host && (requeued || mailer == b"relay") {
        RelayClass::Hop
    } else {
        RelayClass::Remote
    }
}

/// Copies `b` into `out`, turning Sendmail's `\ooo` octal escapes back
/// into the bytes they stand for.
fn decode_octal(b: &[u8], out: &mut Vec<u8>) {
    out.clear();
    if memchr::memchr(b'\\', b).is_none() {
        out.extend_from_slice(b);
        return;
    }
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\\' && is_octal_escape(&b[i + 1..]) {
            let v = (b[i + 1] - b'0') as u32 * 64
                + (b[i + 2] - b'0') as u32 * 8
                + (b[i + 3] - b'0') as u32;
            out.push(v as u8);
            i += 4;
        } else {
            out.push(c);
            i += 1;
        }
    }
}

fn is_octal_escape(b: &[u8]) -> bool {
    b.len() >= 3
        && matches!(b[0], b'0'..=b'3')
        && (b'0'..=b'7').contains(&b[1])
        && (b'0'..=b'7').contains(&b[2])
}

#[cfg(test)]
mod tests;
