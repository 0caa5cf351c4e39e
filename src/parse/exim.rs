//! The Exim main log (`mainlog`): arrivals (`<=`, with `S=` size and the
//! sender), deliveries (`=>`, `->` additional address, `>>` cutthrough),
//! failures (`**`), deferrals (`==`), `Completed`, and rejections.
//!
//! Lines look like
//! `2023-07-17 10:12:01[.123][ +0100] [[pid] ]ID <= sender ... S=1234 id=...`.
//! Message IDs of both forms are accepted in one log: 16 characters before
//! Exim 4.97 (`1qLYsX-0001Ab-2C`), 23 from 4.97 on (`1qLYsX-000000001Ab-2C3D`).
//! The main log has no host field: every line is the logging host's.
//! `*>` (a delivery suppressed by `-N`) is not a delivery; a `**` failure
//! for `retry timeout exceeded` is an expiry, as Postfix's `expired`. Like every
//! parser this one does no I/O and never fails: a line gives events or a
//! counted skip reason.

use memchr::memmem;

use super::{
    Delivery, Event, EventKind, EventSink, FileFacts, LineParser, Outcome, RelayClass, SkipReason,
    Status,
};
use crate::time::civil::parse_iso;
use crate::time::Clock;

/// Reads one Exim main log.
pub struct EximParser {
    clock: Clock,
    used: bool,
}

impl EximParser {
    pub fn new(clock: Clock) -> EximParser {
        EximParser { clock, used: false }
    }
}

/// The stamp at the start of a line: civil time, offset and bytes taken
/// (including an offset written after a space, as Exim does).
fn stamp(line: &[u8]) -> Option<(crate::time::Civil, Option<i32>, usize)> {
    let (civil, offset, mut n) = parse_iso(line)?;
    if line.get(10) != Some(&b' ') {
        return None;
    }
    let mut offset = offset;
    if offset.is_none() {
        let rest = &line[n..];
        if rest.len() >= 6
            && rest[0] == b' '
            && (rest[1] == b'+' || rest[1] == b'-')
            && rest[2..6].iter().all(u8::is_ascii_digit)
        {
            let hh = i32::from(rest[2] - b'0') * 10 + i32::from(rest[3] - b'0');
            let mm = i32::from(rest[4] - b'0') * 10 + i32::from(rest[5] - b'0');
            let secs = hh * 3600 + mm * 60;
            offset = Some(if rest[1] == b'-' { -secs } else { secs });
            n += 6;
        }
    }
    Some((civil, offset, n))
}

/// An Exim message ID: `XXXXXX-XXXXXX-XX` or `XXXXXX-XXXXXXXXXXX-XXXX`.
pub fn is_message_id(w: &[u8]) -> bool {
    let parts = match w.len() {
        16 => [6, 6, 2],
        23 => [6, 11, 4],
        _ => return false,
    };
    let mut pos = 0;
    for (i, len) in parts.iter().enumerate() {
        if !w[pos..pos + len].iter().all(u8::is_ascii_alphanumeric) {
            return false;
        }
        pos += len;
        if i < 2 {
            if w[pos] != b'-' {
                return false;
            }
            pos += 1;
        }
    }
    true
}

/// The text after the stamp and an optional `[pid]`.
fn body(line: &[u8]) -> Option<(crate::time::Civil, Option<i32>, &[u8])> {
    let (civil, offset, n) = stamp(line)?;
    let mut rest = line[n..].strip_prefix(b" ")?;
    if rest.first() == Some(&b'[') {
        let end = memchr::memchr(b']', rest)?;
        rest = rest[end + 1..]
            .strip_prefix(b" ")
            .unwrap_or(&rest[end + 1..]);
    }
    Some((civil, offset, rest))
}

/// Whether a line is an Exim main log line with a message ID (detection).
pub fn looks_like_exim(line: &[u8]) -> bool {
    match body(line) {
        Some((_, _, rest)) => {
            let id = rest.split(|&c| c == b' ').next().unwrap_or_default();
            is_message_id(id)
        }
        None => false,
    }
}

/// The value of a field up to the next space; `pat` is ` NAME=`
/// (` S=`, ` id=`).
fn field<'a>(s: &'a [u8], pat: &[u8]) -> Option<&'a [u8]> {
    let at = memmem::find(s, pat)? + pat.len();
    let v = &s[at..];
    let end = memchr::memchr(b' ', v).unwrap_or(v.len());
    Some(&v[..end])
}

/// `H=name [ip]` (or `H=[ip]`) as `name[ip]`-ish text: the bytes from `H=`
/// to the closing bracket.
fn host(s: &[u8]) -> Option<&[u8]> {
    let at = memmem::find(s, b" H=")? + 3;
    let v = &s[at..];
    let end = match memchr::memchr(b']', v) {
        // The IP of this host, not a later field's bracket.
        Some(e) if !v[..e].windows(3).any(|w| w[0] == b' ' && w[2] == b'=') => e + 1,
        _ => memchr::memchr(b' ', v).unwrap_or(v.len()),
    };
    Some(&v[..end])
}

/// `C="250 2.0.0 Ok..."`: the remote's confirmation.
fn confirmation(s: &[u8]) -> &[u8] {
    match memmem::find(s, b" C=\"") {
        Some(at) => {
            let v = &s[at + 4..];
            &v[..memchr::memchr(b'"', v).unwrap_or(v.len())]
        }
        None => b"",
    }
}

/// An enhanced status code (`5.1.1`) in a reply, if any.
fn dsn(reply: &[u8]) -> &[u8] {
    for w in reply.split(|&c| c == b' ' || c == b':') {
        let ok = w.len() >= 5
            && w.len() <= 9
            && matches!(w[0], b'2' | b'4' | b'5')
            && w[1] == b'.'
            && w.iter().all(|c| c.is_ascii_digit() || *c == b'.')
            && w.iter().filter(|&&c| c == b'.').count() == 2;
        if ok {
            return w;
        }
    }
    b""
}

/// Splits `addr <orig>` at the start of a delivery line: the delivered
/// address and the original one. A local delivery writes the local part
/// (or a file or pipe) first and the address in brackets.
fn addresses(s: &[u8]) -> (&[u8], Option<&[u8]>, &[u8]) {
    let end = memchr::memchr(b' ', s).unwrap_or(s.len());
    let first = &s[..end];
    let rest = s[end..].strip_prefix(b" ").unwrap_or(&s[end..]);
    if rest.first() == Some(&b'<') {
        if let Some(close) = memchr::memchr(b'>', rest) {
            let orig = &rest[1..close];
            let after = &rest[close + 1..];
            if first.contains(&b'@') {
                return (first, Some(orig), after);
            }
            return (orig, None, after);
        }
    }
    (first, None, rest)
}

impl EximParser {
    fn message(&mut self, id: &[u8], s: &[u8], time: i64, sink: &mut dyn EventSink) -> Outcome {
        let ev = |kind| Event {
            time,
            host: b"",
            queue_id: id,
            kind,
        };
        let (op, rest) = match s.split_at_checked(3) {
            Some((op, rest)) if op[2] == b' ' => (&op[..2], rest),
            _ => {
                return if s == b"Completed" {
                    sink.event(&ev(EventKind::Removed));
                    Outcome::Used
                } else {
                    Outcome::Skipped(SkipReason::Informational)
                };
            }
        };
        match op {
            b"<=" => {
                let end = memchr::memchr(b' ', rest).unwrap_or(rest.len());
                let sender = &rest[..end];
                let sender = if sender == b"<>" { &b""[..] } else { sender };
                let size =
                    field(rest, b" S=").and_then(|v| std::str::from_utf8(v).ok()?.parse().ok());
                sink.event(&ev(EventKind::Start {
                    message_id: field(rest, b" id="),
                    logs_end: true,
                }));
                sink.event(&ev(EventKind::Arrival { sender, size }));
                Outcome::Used
            }
            b"=>" | b"->" | b">>" | b"**" | b"==" => {
                let (to, orig_to, fields) = addresses(rest);
                if to.is_empty() {
                    return Outcome::Skipped(SkipReason::Malformed);
                }
                let relay = host(fields);
                let (status, reply) = match op {
                    // Given up after retrying for too long: Postfix's "expired".
                    b"**" if memmem::find(fields, b"retry timeout exceeded").is_some() => {
                        (Status::Expired, after_colon(fields))
                    }
                    b"**" => (Status::Bounced, after_colon(fields)),
                    b"==" => (Status::Deferred, after_colon(fields)),
                    _ => (Status::Sent, confirmation(fields)),
                };
                let class = match relay {
                    Some(_) => RelayClass::Remote,
                    None if status == Status::Sent => RelayClass::Local,
                    None => RelayClass::None,
                };
                let d = Delivery {
                    to,
                    orig_to,
                    relay: relay.unwrap_or_default(),
                    relay_class: class,
                    dsn: dsn(reply),
                    status,
                    reply,
                };
                sink.event(&ev(EventKind::Delivery(d)));
                Outcome::Used
            }
            _ => Outcome::Skipped(SkipReason::Informational),
        }
    }
}

/// The reason after `: ` on a failure or deferral line.
fn after_colon(s: &[u8]) -> &[u8] {
    match memmem::find(s, b": ") {
        Some(at) => &s[at + 2..],
        None => b"",
    }
}

impl LineParser for EximParser {
    fn parse_line(&mut self, line: &[u8], sink: &mut dyn EventSink) -> Outcome {
        let Some((civil, offset, rest)) = body(line) else {
            // Exim continues a multi-line warning on indented lines
            // (` Suggested action: ...`).
            if line.first().is_some_and(|&c| c == b' ' || c == b'\t')
                && !line.trim_ascii().is_empty()
            {
                return Outcome::Skipped(SkipReason::Informational);
            }
            return Outcome::Skipped(SkipReason::NoTimestamp);
        };
        let time = self.clock.iso(&civil, offset);
        let end = memchr::memchr(b' ', rest).unwrap_or(rest.len());
        let out = if is_message_id(&rest[..end]) {
            let s = rest.get(end + 1..).unwrap_or_default();
            self.message(&rest[..end], s, time, sink)
        } else if let Some(at) = memmem::find(rest, b" rejected RCPT ") {
            let r = &rest[at + 15..];
            let r = r.strip_prefix(b"<").unwrap_or(r);
            let end = memchr::memchr2(b'>', b':', r).unwrap_or(r.len());
            sink.event(&Event {
                time,
                host: b"",
                queue_id: b"",
                kind: EventKind::Reject {
                    recipient: Some(&r[..end]),
                },
            });
            Outcome::Used
        } else {
            Outcome::Skipped(SkipReason::Informational)
        };
        self.used |= out == Outcome::Used;
        out
    }

    fn finish(&mut self) -> FileFacts {
        let (first, last) = self.clock.range();
        FileFacts {
            first,
            last,
            year_rule: None,
            warnings: Vec::new(),
            programs: if self.used {
                vec!["exim".to_string()]
            } else {
                Vec::new()
            },
        }
    }
}

#[cfg(test)]
mod tests;
