//! Postfix: the message part of a Postfix syslog line, after the header.
//!
//! The lines that matter are keyed by queue ID (`3F2B1C0A: ...`):
//! qmgr `from=<s>, size=N, nrcpt=N`, delivery agents' `to=<r>, ...,
//! status=...`, qmgr `from=<s>, status=expired, returned to sender`,
//! `removed`, and rejects. Everything else is informational. A line is
//! rejected after a few byte comparisons of the text right after the queue
//! ID; fields are read in the order Postfix writes them, never searched for.

use memchr::memmem;

use super::syslog::Header;
use super::{
    find_comma_space, Delivery, Event, EventKind, EventSink, Outcome, RelayClass, SkipReason,
    Status,
};

/// ASCII letters and digits, as a table (a branch-free test per byte).
static ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = (c as u8).is_ascii_alphanumeric();
        c += 1;
    }
    t
};

/// Longest queue ID accepted (long IDs are 12-17 characters in practice).
const MAX_QUEUE_ID: usize = 32;

/// Parses the message of a line written by a Postfix daemon.
pub fn parse_message(h: &Header<'_>, daemon: &[u8], sink: &mut dyn EventSink) -> Outcome {
    let msg = h.message;
    if let Some(rest) = msg.strip_prefix(b"NOQUEUE: ") {
        return parse_noqueue(h, rest, sink);
    }
    let Some((queue_id, body)) = split_queue_id(msg) else {
        return Outcome::Skipped(SkipReason::Informational);
    };
    let emit = |sink: &mut dyn EventSink, kind: EventKind<'_>| {
        sink.event(&Event {
            time: h.time,
            host: h.host,
            queue_id,
            kind,
        });
        Outcome::Used
    };
    match body.first() {
        Some(b'f') if body.starts_with(b"from=") => match parse_from(body) {
            Some(FromLine::Arrival { sender, size }) => {
                emit(sink, EventKind::Arrival { sender, size })
            }
            Some(FromLine::Expired) => emit(sink, EventKind::Expired),
            // pickup's `uid=0 from=<root>` starts with uid=, so a from= line
            // that is neither of the above is malformed.
            None => Outcome::Skipped(SkipReason::Malformed),
        },
        Some(b't') if body.starts_with(b"to=") => match parse_delivery(body, daemon) {
            Ok(d) => emit(sink, EventKind::Delivery(d)),
            Err(reason) => Outcome::Skipped(reason),
        },
        Some(b'm') if daemon == b"cleanup" && body.starts_with(b"message-id=") => {
            let id = &body[11..];
            let id = id
                .strip_prefix(b"<")
                .map_or(id, |i| match memchr::memchr(b'>', i) {
                    Some(end) => &i[..end],
                    None => i,
                });
            emit(
                sink,
                EventKind::Start {
                    message_id: Some(id),
                    logs_end: true,
                },
            )
        }
        Some(b'c') if body.starts_with(b"client=") => emit(
            sink,
            EventKind::Start {
                message_id: None,
                logs_end: true,
            },
        ),
        Some(b'u') if daemon == b"pickup" && body.starts_with(b"uid=") => emit(
            sink,
            EventKind::Start {
                message_id: None,
                logs_end: true,
            },
        ),
        Some(b'r') if body == b"removed" || body.starts_with(b"removed ") => {
            emit(sink, EventKind::Removed)
        }
        Some(b'r') if body.starts_with(b"reject: ") => emit(
            sink,
            EventKind::Reject {
                recipient: reject_recipient(body),
            },
        ),
        Some(b'i' | b'w') if daemon == b"cleanup" => match header_subject(body) {
            Some(subject) => emit(sink, EventKind::Subject(subject)),
            None => Outcome::Skipped(SkipReason::Informational),
        },
        Some(b'm') if body.starts_with(b"milter-reject: ") => emit(
            sink,
            EventKind::Reject {
                recipient: reject_recipient(body),
            },
        ),
        _ => Outcome::Skipped(SkipReason::Informational),
    }
}

/// The subject of a `header_checks` INFO or WARN line:
/// `info: header Subject: TEXT from HOST[IP]; from=<s> to=<r> proto=P helo=<h>`
/// (Postfix's `cleanup_act_log`; TEXT is cut at 200 bytes).
fn header_subject(body: &[u8]) -> Option<&[u8]> {
    let rest = body
        .strip_prefix(b"info: header ")
        .or_else(|| body.strip_prefix(b"warning: header "))?;
    if rest.len() < 9 || !rest[..9].eq_ignore_ascii_case(b"subject: ") {
        return None;
    }
    let text = &rest[9..];
    // The client part is the last ` from ` before `; from=<`.
    let end = memmem::rfind(text, b"; from=<")?;
    let from = memmem::rfind(&text[..end], b" from ")?;
    Some(&text[..from])
}

fn parse_noqueue(h: &Header<'_>, rest: &[u8], sink: &mut dyn EventSink) -> Outcome {
    if rest.starts_with(b"reject: ") || rest.starts_with(b"milter-reject: ") {
        sink.event(&Event {
            time: h.time,
            host: h.host,
            queue_id: b"",
            kind: EventKind::Reject {
                recipient: reject_recipient(rest),
            },
        });
        Outcome::Used
    } else {
        Outcome::Skipped(SkipReason::Informational)
    }
}

/// Splits `QUEUEID: rest`. Queue IDs are alphanumeric (upper-case hex for
/// short IDs, a vowel-less base-52 alphabet for long ones).
fn split_queue_id(msg: &[u8]) -> Option<(&[u8], &[u8])> {
    let head = &msg[..msg.len().min(MAX_QUEUE_ID + 1)];
    let n = head
        .iter()
        .position(|&c| !ALNUM[c as usize])
        .unwrap_or(head.len());
    if !(5..=MAX_QUEUE_ID).contains(&n)
        || msg.get(n) != Some(&b':')
        || msg.get(n + 1) != Some(&b' ')
    {
        return None;
    }
    Some((&msg[..n], &msg[n + 2..]))
}

enum FromLine<'a> {
    Arrival { sender: &'a [u8], size: Option<u64> },
    Expired,
}

/// `from=<s>, size=N, nrcpt=N (queue active)` or
/// `from=<s>, status=expired, returned to sender`.
fn parse_from(body: &[u8]) -> Option<FromLine<'_>> {
    let (sender, rest) = take_address(&body[5..])?;
    if let Some(rest) = rest.strip_prefix(b", size=") {
        let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        // An absurd size (more digits than fit) is kept as unknown, not wrapped.
        let size = std::str::from_utf8(&rest[..digits])
            .ok()
            .and_then(|s| s.parse::<u64>().ok());
        return Some(FromLine::Arrival { sender, size });
    }
    if rest.starts_with(b", status=expired") {
        return Some(FromLine::Expired);
    }
    None
}

/// A delivery-agent line: `to=<r>, [orig_to=<o>,] relay=R, [conn_use=N,]
/// delay=D, delays=a/b/c/d, dsn=X.Y.Z, status=S (reply)`.
fn parse_delivery<'a>(body: &'a [u8], daemon: &[u8]) -> Result<Delivery<'a>, SkipReason> {
    let (to, mut rest) = take_address(&body[3..]).ok_or(SkipReason::Malformed)?;
    let mut orig_to = None;
    let mut relay: &[u8] = b"";
    let mut dsn: &[u8] = b"";
    loop {
        rest = rest.strip_prefix(b", ").ok_or(SkipReason::Malformed)?;
        let eq = rest
            .iter()
            .take(16)
            .position(|&c| c == b'=')
            .ok_or(SkipReason::Malformed)?;
        let (key, value) = (&rest[..eq], &rest[eq + 1..]);
        if key == b"status" {
            let word_len = value.iter().take_while(|&&c| c != b' ').count();
            let word = &value[..word_len];
            let reply = value[word_len..]
                .strip_prefix(b" (")
                .map(|r| r.strip_suffix(b")").unwrap_or(r))
                .unwrap_or(b"");
            let status = match word {
                b"sent" => Status::Sent,
                b"bounced" => Status::Bounced,
                b"deferred" => Status::Deferred,
                b"expired" => Status::Expired,
                b"deliverable" | b"undeliverable" | b"undeliverable-but-not-cached" => {
                    return Err(SkipReason::AddressProbe)
                }
                _ => return Err(SkipReason::Malformed),
            };
            return Ok(Delivery {
                to,
                orig_to,
                relay,
                relay_class: classify_relay(daemon, relay, reply),
                dsn,
                status,
                reply,
            });
        }
        if key == b"orig_to" {
            let (addr, r) = take_address(value).ok_or(SkipReason::Malformed)?;
            orig_to = Some(addr);
            rest = r;
            continue;
        }
        let end = find_comma_space(value).ok_or(SkipReason::Malformed)?;
        match key {
            b"relay" => relay = &value[..end],
            b"dsn" => dsn = &value[..end],
            _ => {}
        }
        rest = &value[end..];
    }
}

/// Takes an address written as `<addr>` (or, in old logs, bare up to the
/// next `, `). A `>` inside a quoted local part does not end it.
fn take_address(b: &[u8]) -> Option<(&[u8], &[u8])> {
    if let Some(inner) = b.strip_prefix(b"<") {
        let mut in_quote = false;
        let mut i = 0;
        while i < inner.len() {
            match inner[i] {
                b'\\' if in_quote => i += 1,
                b'"' => in_quote = !in_quote,
                b'>' if !in_quote => return Some((&inner[..i], &inner[i + 1..])),
                _ => {}
            }
            i += 1;
        }
        None
    } else {
        let end = find_comma_space(b).unwrap_or(b.len());
        Some((&b[..end], &b[end..]))
    }
}

/// Whether a delivery went out, into a mailbox here, or back into the
/// queue through a content filter.
fn classify_relay(daemon: &[u8], relay: &[u8], reply: &[u8]) -> RelayClass {
    match daemon {
        b"local" | b"virtual" | b"pipe" => return RelayClass::Local,
        b"error" | b"discard" => return RelayClass::None,
        _ => {}
    }
    if relay == b"none" {
        return RelayClass::Remote;
    }
    let (host, addr) = match memchr::memchr(b'[', relay) {
        Some(open) => {
            let close = memchr::memchr(b']', &relay[open..]).map_or(relay.len(), |c| c + open);
            (&relay[..open], &relay[open + 1..close])
        }
        None => (relay, &b""[..]),
    };
    let on_this_host = host.eq_ignore_ascii_case(b"localhost")
        || is_loopback(addr)
        || addr.starts_with(b"private/")
        || addr.starts_with(b"public/")
        || addr.starts_with(b"/");
    if on_this_host && memmem::find(reply, b"queued as ").is_some() {
        RelayClass::Hop
    } else if daemon == b"lmtp" || addr.starts_with(b"private/") || addr.starts_with(b"/") {
        // LMTP and Unix sockets hand mail to a mailbox store on this system.
        RelayClass::Local
    } else {
        // SMTP to anything else, loopback included (a relay or test sink on
        // this host that does not re-queue), is the next hop out.
        RelayClass::Remote
    }
}

fn is_loopback(addr: &[u8]) -> bool {
    addr.starts_with(b"127.")
        || addr == b"::1"
        || addr.eq_ignore_ascii_case(b"ipv6:::1")
        || addr.starts_with(b"::ffff:127.")
}

/// The `to=<...>` of a reject line: the last one, which Postfix writes after
/// the (attacker-supplied) reply text.
fn reject_recipient(b: &[u8]) -> Option<&[u8]> {
    let at = memmem::rfind(b, b" to=<")?;
    take_address(&b[at + 4..]).map(|(a, _)| a)
}

#[cfg(test)]
mod tests;
