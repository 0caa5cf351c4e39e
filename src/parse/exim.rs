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
use crate::time::{Clock, Micros};

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

/// The text of a quoted field up to its closing quote, with Exim's escapes
/// (`\"`, `\\`, `\n`, `\ooo`) undone into `buf` when there are any.
fn quoted<'a>(s: &'a [u8], buf: &'a mut Vec<u8>) -> &'a [u8] {
    let mut i = 0;
    while i < s.len() && s[i] != b'"' && s[i] != b'\\' {
        i += 1;
    }
    if i == s.len() || s[i] == b'"' {
        return &s[..i];
    }
    buf.extend_from_slice(&s[..i]);
    while i < s.len() && s[i] != b'"' {
        if s[i] != b'\\' || i + 1 == s.len() {
            buf.push(s[i]);
            i += 1;
            continue;
        }
        let c = s[i + 1];
        let octal = s
            .get(i + 1..i + 4)
            .filter(|o| o.iter().all(|d| (b'0'..=b'7').contains(d)));
        match (c, octal) {
            (_, Some(o)) => {
                buf.push(
                    o.iter()
                        .fold(0u8, |n, d| n.wrapping_mul(8).wrapping_add(d - b'0')),
                );
                i += 4;
            }
            (b'n', _) => {
                buf.push(b'\n');
                i += 2;
            }
            (b't', _) => {
                buf.push(b'\t');
                i += 2;
            }
            _ => {
                buf.push(c);
                i += 2;
            }
        }
    }
    buf
}

/// `H=name [ip]` (or `H=[ip]`) as `name[ip]`-ish text: the bytes from `H=`
/// to the closing bracket.
fn relay_host(s: &[u8]) -> Option<&[u8]> {
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

/// Splits the addresses at the start of a delivery line from its fields:
/// the delivered address and the original one. Forms:
/// - `addr` and `addr <orig>` (rewritten or aliased);
/// - `local <orig>`: a local delivery writes the local part first and the
///   address in brackets, which is the recipient;
/// - `target (parent) <orig>` for pipes, files and autoreplies (and every
///   address under `+all_parents`), where a pipe may carry arguments
///   (`|/bin/prog arg1 arg2 (bob@example.org) <team@example.org>`): the
///   recipient is the last bracketed address before the fields (or the
///   last parent, if there is none);
/// - `addr: reason`: an unrouteable address, with the colon straight after.
///
/// The fields that follow (` R=... T=... H=...`) keep their leading space.
fn addresses(s: &[u8]) -> (&[u8], Option<&[u8]>, &[u8]) {
    let end = word_end(s);
    let first = &s[..end];
    if let Some(addr) = first.strip_suffix(b":").filter(|a| a.contains(&b'@')) {
        return (addr, None, &s[end - 1..]);
    }
    let rest = &s[end..];
    let region_end = [memmem::find(rest, b" R="), memmem::find(rest, b": ")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(rest.len());
    let region = rest[..region_end].trim_ascii_end();
    let after = &rest[region.len()..];
    let is_address = first.contains(&b'@') && !matches!(first.first(), Some(b'|' | b'/'));
    let last_enclosed = |open: u8, close: u8| -> Option<&[u8]> {
        let inner = region.strip_suffix(&[close])?;
        let at = memchr::memrchr(open, inner)?;
        Some(&inner[at + 1..])
    };
    if let Some(orig) = last_enclosed(b'<', b'>') {
        return if is_address {
            (first, Some(orig), after)
        } else {
            (orig, None, after)
        };
    }
    if !is_address {
        if let Some(parent) = last_enclosed(b'(', b')').filter(|p| p.contains(&b'@')) {
            return (parent, None, after);
        }
    }
    (first, None, rest)
}

/// End of the first word: the first space outside double quotes (a quoted
/// local part may hold spaces).
fn word_end(s: &[u8]) -> usize {
    let mut in_quote = false;
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'\\' if in_quote => i += 1,
            b'"' => in_quote = !in_quote,
            b' ' if !in_quote => return i,
            _ => {}
        }
        i += 1;
    }
    s.len()
}

/// Parses what follows the stamp (and `[pid]`) of an Exim line: a message
/// line (`ID <= ...`, `ID => ...`, `ID Completed`) or a rejection. `host`
/// is empty in a main log, the syslog host when Exim logs to syslog.
pub fn parse_body(rest: &[u8], time: Micros, host: &[u8], sink: &mut dyn EventSink) -> Outcome {
    let end = memchr::memchr(b' ', rest).unwrap_or(rest.len());
    if is_message_id(&rest[..end]) {
        let s = rest.get(end + 1..).unwrap_or_default();
        message(&rest[..end], s, time, host, sink)
    } else if let Some(at) = memmem::find(rest, b" rejected RCPT ") {
        let r = &rest[at + 15..];
        let r = r.strip_prefix(b"<").unwrap_or(r);
        let end = memchr::memchr2(b'>', b':', r).unwrap_or(r.len());
        sink.event(&Event {
            time,
            host,
            queue_id: b"",
            kind: EventKind::Reject {
                recipient: Some(&r[..end]),
            },
        });
        Outcome::Used
    } else {
        Outcome::Skipped(SkipReason::Informational)
    }
}

/// The message of an Exim line sent to syslog: Exim's own stamp (written
/// unless `syslog_timestamp = false`) and `[pid]` removed.
pub fn syslog_body(message: &[u8]) -> &[u8] {
    match body(message) {
        Some((_, _, rest)) => rest,
        None => message,
    }
}

fn message(id: &[u8], s: &[u8], time: Micros, host: &[u8], sink: &mut dyn EventSink) -> Outcome {
    let ev = |kind| Event {
        time,
        host,
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
            let size = field(rest, b" S=").and_then(|v| std::str::from_utf8(v).ok()?.parse().ok());
            sink.event(&ev(EventKind::Start {
                message_id: field(rest, b" id="),
                logs_end: true,
            }));
            sink.event(&ev(EventKind::Arrival { sender, size }));
            // `T="..."` with `log_selector = +subject`.
            if let Some(at) = memmem::find(&rest[end..], b" T=\"") {
                let mut buf = Vec::new();
                let subject = quoted(&rest[end + at + 4..], &mut buf);
                sink.event(&ev(EventKind::Subject(subject)));
            }
            Outcome::Used
        }
        // A DATA ACL's `discard`: the recipients were dropped, not delivered
        // (and are not named).
        b"=>"
            if rest.starts_with(b"blackhole (")
                && memmem::find(rest, b"discarded recipients)").is_some() =>
        {
            Outcome::Skipped(SkipReason::Informational)
        }
        b"=>" | b"->" | b">>" | b"**" | b"==" => {
            let discarded = rest.starts_with(b":blackhole: ");
            let (to, orig_to, fields) = addresses(rest);
            if to.is_empty() {
                return Outcome::Skipped(SkipReason::Malformed);
            }
            let relay = relay_host(fields);
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
                // A redirect to `:blackhole:`: accepted and thrown away.
                _ if discarded => RelayClass::None,
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
        let out = parse_body(rest, time, b"", sink);
        self.used |= out == Outcome::Used;
        out
    }

    fn fork(&self) -> Option<Box<dyn LineParser>> {
        // Every Exim stamp carries its year: the clock only keeps the range.
        Some(Box::new(EximParser::new(self.clock.clone())))
    }

    fn finish(&mut self) -> FileFacts {
        FileFacts::dated(self.clock.range(), self.used, "exim")
    }
}

#[cfg(test)]
mod tests;
