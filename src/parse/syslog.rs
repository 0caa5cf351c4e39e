//! The syslog envelope shared by the syslog-borne formats: BSD syslog
//! (`Jul  7 10:12:01 host prog[pid]: msg`), RFC 3339 stamps (rsyslog's
//! high-precision format), Postfix's postlogd (zero-padded day) and RFC 5424
//! (`<22>1 2023-07-17T10:12:01Z host prog pid - - msg`).
//!
//! [`SyslogParser`] splits off the header, then hands the message to the body
//! parser of the mail transport that wrote it, chosen by program name
//! ([`Programs`]).

use memchr::memchr;

use super::programs::Programs;
use super::{EventSink, FileFacts, LineParser, Outcome, SkipReason};
use crate::time::civil::{parse_bsd, parse_iso};
use crate::time::{Clock, Micros};

/// The parsed envelope of one syslog line.
#[derive(Clone, Copy, Debug)]
pub struct Header<'a> {
    pub time: Micros,
    pub host: &'a [u8],
    /// The tag without its `[pid]`, e.g. `postfix/qmgr`.
    pub program: &'a [u8],
    pub message: &'a [u8],
}

/// The last BSD stamp seen and its instant: consecutive lines mostly share
/// their second, so most lines skip stamp parsing and zone conversion.
#[derive(Clone, Copy, Debug, Default)]
pub struct StampCache {
    stamp: [u8; 15],
    time: Micros,
    valid: bool,
}

/// Compares two 15-byte stamps as two overlapping words (no `memcmp` call).
fn same_stamp(a: &[u8], b: &[u8; 15]) -> bool {
    let word = |s: &[u8], at: usize| u64::from_ne_bytes(s[at..at + 8].try_into().expect("8 bytes"));
    word(a, 0) == word(b, 0) && word(a, 7) == word(b, 7)
}

/// Parses the envelope of a syslog line, resolving its stamp with `clock`.
pub fn parse_header<'a>(line: &'a [u8], clock: &mut Clock) -> Result<Header<'a>, SkipReason> {
    parse_header_cached(line, clock, &mut StampCache::default())
}

/// [`parse_header`] with a cache of the previous line's stamp.
pub fn parse_header_cached<'a>(
    line: &'a [u8],
    clock: &mut Clock,
    cache: &mut StampCache,
) -> Result<Header<'a>, SkipReason> {
    let (time, rest) = match read_stamp(line, clock, cache)? {
        Stamped::Rfc5424 { time, rest } => return parse_rfc5424(time, rest),
        Stamped::Classic { time, rest } => (time, rest),
    };
    let rest = rest.strip_prefix(b" ").ok_or(SkipReason::NoTimestamp)?;
    let rest = trim_start_spaces(rest);
    let sp = memchr(b' ', rest).ok_or(SkipReason::Malformed)?;
    let host = &rest[..sp];
    let rest = &rest[sp + 1..];
    let Some((program, message)) = split_tag(rest) else {
        if rest.starts_with(b"last message repeated")
            || rest.starts_with(b"--- last message repeated")
        {
            return Err(SkipReason::SyslogRepeat);
        }
        return Err(SkipReason::OtherProgram);
    };
    Ok(Header {
        time,
        host,
        program,
        message: strip_solaris_id(message),
    })
}

/// A line's stamp, read (and the clock moved) before anything else.
enum Stamped<'a> {
    /// BSD, RFC 3339 or postlogd: the rest starts after the stamp.
    Classic { time: Micros, rest: &'a [u8] },
    /// RFC 5424: the fields after the stamp's space, if there is one.
    Rfc5424 {
        time: Micros,
        rest: Option<&'a [u8]>,
    },
}

/// Reads the stamp at the start of `line`: the only part of a header that
/// touches the clock, so it is also all a scout reads
/// ([`LineParser::scout`]).
fn read_stamp<'a>(
    line: &'a [u8],
    clock: &mut Clock,
    cache: &mut StampCache,
) -> Result<Stamped<'a>, SkipReason> {
    let mut b = line;
    if b.first() == Some(&b'<') {
        let end = memchr(b'>', &b[..b.len().min(6)]).ok_or(SkipReason::NoTimestamp)?;
        if end < 2 || !b[1..end].iter().all(u8::is_ascii_digit) {
            return Err(SkipReason::NoTimestamp);
        }
        b = &b[end + 1..];
        if let Some(b) = b.strip_prefix(b"1 ") {
            let (stamp, rest) = match memchr(b' ', b) {
                Some(i) => (&b[..i], Some(&b[i + 1..])),
                None => (b, None),
            };
            let (civil, offset, n) = parse_iso(stamp).ok_or(SkipReason::NoTimestamp)?;
            if n != stamp.len() {
                return Err(SkipReason::NoTimestamp);
            }
            let time = clock.iso(&civil, offset);
            // A dated stamp can move the year of the next year-less one.
            cache.valid = false;
            return Ok(Stamped::Rfc5424 { time, rest });
        }
    }
    let (time, rest) = match b.first() {
        Some(c) if c.is_ascii_digit() => {
            let (civil, offset, n) = parse_iso(b).ok_or(SkipReason::NoTimestamp)?;
            // A dated stamp re-synchronises the year (`YearTracker::
            // observe_dated`): a year-less stamp after it must be dated
            // again, even if it repeats the one before (it was a cache hit,
            // dated in the old year, until the fuzzer compared forks).
            cache.valid = false;
            (clock.iso(&civil, offset), &b[n..])
        }
        Some(c) if c.is_ascii_uppercase() => {
            if cache.valid && b.len() > 15 && b[15] == b' ' && same_stamp(&b[..15], &cache.stamp) {
                (cache.time, &b[15..])
            } else {
                let (stamp, n) = parse_bsd(b).ok_or(SkipReason::NoTimestamp)?;
                let t = clock.bsd(&stamp);
                if n == 15 {
                    cache.stamp.copy_from_slice(&b[..15]);
                    cache.time = t;
                    cache.valid = true;
                }
                (t, &b[n..])
            }
        }
        _ => return Err(SkipReason::NoTimestamp),
    };
    Ok(Stamped::Classic { time, rest })
}

/// The fields of an RFC 5424 header after its stamp.
fn parse_rfc5424(time: Micros, rest: Option<&[u8]>) -> Result<Header<'_>, SkipReason> {
    let mut fields = rest.ok_or(SkipReason::Malformed)?.splitn(5, |&c| c == b' ');
    let host = nil_to_empty(fields.next().ok_or(SkipReason::Malformed)?);
    let program = nil_to_empty(fields.next().ok_or(SkipReason::Malformed)?);
    let _procid = fields.next().ok_or(SkipReason::Malformed)?;
    let _msgid = fields.next().ok_or(SkipReason::Malformed)?;
    let rest = fields.next().unwrap_or(b"");
    let message = skip_structured_data(rest).ok_or(SkipReason::Malformed)?;
    let message = message
        .strip_prefix("\u{feff}".as_bytes())
        .unwrap_or(message);
    Ok(Header {
        time,
        host,
        program,
        message,
    })
}

/// Skips RFC 5424 STRUCTURED-DATA (`-` or `[id k="v"]...`) and the space after it.
fn skip_structured_data(b: &[u8]) -> Option<&[u8]> {
    if let Some(rest) = b.strip_prefix(b"-") {
        return Some(rest.strip_prefix(b" ").unwrap_or(rest));
    }
    let mut i = 0;
    while b.get(i) == Some(&b'[') {
        let mut in_quote = false;
        i += 1;
        loop {
            match *b.get(i)? {
                b'\\' => i += 1,
                b'"' => in_quote = !in_quote,
                b']' if !in_quote => break,
                _ => {}
            }
            i += 1;
        }
        i += 1;
    }
    if i == 0 {
        return None;
    }
    let rest = &b[i..];
    Some(rest.strip_prefix(b" ").unwrap_or(rest))
}

fn nil_to_empty(b: &[u8]) -> &[u8] {
    if b == b"-" {
        b""
    } else {
        b
    }
}

fn trim_start_spaces(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|&&c| c == b' ').count();
    &b[n..]
}

/// Splits `prog[pid]: message` or `prog: message`.
fn split_tag(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let end = memchr::memchr3(b'[', b':', b' ', &b[..b.len().min(256)])?;
    let program = &b[..end];
    if program.is_empty() {
        return None;
    }
    let rest = match b[end] {
        b'[' => {
            let close = memchr(b']', &b[end..])? + end;
            b[close + 1..].strip_prefix(b":")?
        }
        b':' => &b[end + 1..],
        _ => return None,
    };
    Some((program, rest.strip_prefix(b" ").unwrap_or(rest)))
}

/// Solaris adds `[ID 197553 mail.info] ` before the message.
fn strip_solaris_id(m: &[u8]) -> &[u8] {
    if m.starts_with(b"[ID ") {
        if let Some(close) = memchr(b']', m) {
            let rest = &m[close + 1..];
            return rest.strip_prefix(b" ").unwrap_or(rest);
        }
    }
    m
}

/// Program names that identify Postfix: `postfix`, `postfix-INSTANCE` and
/// any `--syslog-name`, each followed by `/daemon`.
#[derive(Clone, Debug)]
pub struct PostfixNames {
    names: Vec<Vec<u8>>,
}

impl PostfixNames {
    pub fn new(extra: &[String]) -> PostfixNames {
        let mut names = vec![b"postfix".to_vec()];
        for n in extra {
            if !names.iter().any(|x| x == n.as_bytes()) {
                names.push(n.as_bytes().to_vec());
            }
        }
        PostfixNames { names }
    }

    /// The daemon (last `/` part) if `program` is a Postfix program.
    pub fn daemon<'a>(&self, program: &'a [u8]) -> Option<&'a [u8]> {
        if let Some(rest) = program.strip_prefix(b"postfix/") {
            // The common case: `postfix/qmgr`, `postfix/submission/smtpd`.
            return Some(match memchr::memrchr(b'/', rest) {
                Some(i) => &rest[i + 1..],
                None => rest,
            });
        }
        let ok = self.names.iter().any(|n| {
            program.starts_with(n) && matches!(program.get(n.len()), None | Some(b'/') | Some(b'-'))
        });
        if !ok {
            return None;
        }
        Some(match memchr::memrchr(b'/', program) {
            Some(i) => &program[i + 1..],
            None => program,
        })
    }
}

/// Parser for syslog files holding mail-transport lines.
pub struct SyslogParser {
    clock: Clock,
    stamps: StampCache,
    programs: Programs,
}

impl SyslogParser {
    pub fn new(clock: Clock, postfix: PostfixNames) -> SyslogParser {
        SyslogParser {
            clock,
            stamps: StampCache::default(),
            programs: Programs::new(postfix),
        }
    }
}

impl LineParser for SyslogParser {
    fn parse_line(&mut self, line: &[u8], sink: &mut dyn EventSink) -> Outcome {
        let header = match parse_header_cached(line, &mut self.clock, &mut self.stamps) {
            Ok(h) => h,
            Err(reason) => return Outcome::Skipped(reason),
        };
        self.programs.parse(&header, sink)
    }

    fn fork(&self) -> Option<Box<dyn LineParser>> {
        Some(Box::new(SyslogParser {
            clock: self.clock.clone(),
            stamps: StampCache::default(),
            programs: self.programs.fork(),
        }))
    }

    fn scout(&mut self, line: &[u8]) {
        let _ = read_stamp(line, &mut self.clock, &mut self.stamps);
    }

    fn finish(&mut self) -> FileFacts {
        let (first, last) = self.clock.range();
        let mut warnings = Vec::new();
        if let Some(w) = self.clock.year_warning() {
            warnings.push(w);
        }
        let programs = self.programs.seen();
        FileFacts {
            first,
            last,
            year_rule: self.clock.year_rule(),
            warnings,
            programs,
            read_again_with: self.clock.lowered_year_rule(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{format_utc, YearRule, Zone};

    fn clock() -> Clock {
        Clock::new(YearRule::FirstLine(2023), Zone::utc())
    }

    #[test]
    fn bsd_header() {
        let mut c = clock();
        let h = parse_header(
            b"Jul  7 10:12:01 mx1 postfix/qmgr[20149]: ABC: removed",
            &mut c,
        )
        .unwrap();
        assert_eq!(format_utc(h.time), "2023-07-07T10:12:01Z");
        assert_eq!(h.host, b"mx1");
        assert_eq!(h.program, b"postfix/qmgr");
        assert_eq!(h.message, b"ABC: removed");
    }

    /// Found by the fuzzer's comparison of forked parsers with one parser:
    /// a year-less stamp repeating the one before it kept that line's year
    /// although a dated line between them had moved the year on.
    #[test]
    fn a_dated_line_between_two_equal_stamps_moves_the_year() {
        let mut c = clock();
        let mut cache = StampCache::default();
        let mut at =
            |line: &[u8]| format_utc(parse_header_cached(line, &mut c, &mut cache).unwrap().time);
        assert_eq!(
            at(b"Jan  1 00:00:55 mx1 postfix/qmgr[1]: A: removed"),
            "2023-01-01T00:00:55Z"
        );
        assert_eq!(
            at(b"2027-01-01T00:00:00Z mx1 postfix/qmgr[1]: B: removed"),
            "2027-01-01T00:00:00Z"
        );
        assert_eq!(
            at(b"Jan  1 00:00:55 mx1 postfix/qmgr[1]: C: removed"),
            "2027-01-01T00:00:55Z"
        );
        assert_eq!(
            at(b"<22>1 2029-01-01T00:00:00Z mx1 postfix 1 - - D: removed"),
            "2029-01-01T00:00:00Z"
        );
        assert_eq!(
            at(b"Jan  1 00:00:55 mx1 postfix/qmgr[1]: E: removed"),
            "2029-01-01T00:00:55Z"
        );
    }

    #[test]
    fn rfc3339_header_with_offset() {
        let mut c = clock();
        let line =
            b"2022-01-08T19:42:13.582889+01:00 mail postfix/lmtp[19195]: 1F5A2194AA9: to=<a@b>";
        let h = parse_header(line, &mut c).unwrap();
        assert_eq!(format_utc(h.time), "2022-01-08T18:42:13Z");
        assert_eq!(h.program, b"postfix/lmtp");
    }

    #[test]
    fn rfc5424_header() {
        let mut c = clock();
        let line = b"<22>1 2023-07-17T10:12:01Z mx1 postfix/smtp 1234 - - 4F3B: removed";
        let h = parse_header(line, &mut c).unwrap();
        assert_eq!(h.host, b"mx1");
        assert_eq!(h.program, b"postfix/smtp");
        assert_eq!(h.message, b"4F3B: removed");
        let line = b"<22>1 2023-07-17T10:12:01Z mx1 postfix/smtp 1234 ID47 [x a=\"]\"][y] msg";
        assert_eq!(parse_header(line, &mut c).unwrap().message, b"msg");
    }

    #[test]
    fn solaris_and_repeats_and_junk() {
        let mut c = clock();
        let h = parse_header(
            b"Jul  7 10:12:01 mx1 postfix/smtp[1]: [ID 197553 mail.info] ABC: removed",
            &mut c,
        )
        .unwrap();
        assert_eq!(h.message, b"ABC: removed");
        assert_eq!(
            parse_header(b"Jul  7 10:12:01 mx1 last message repeated 3 times", &mut c).unwrap_err(),
            SkipReason::SyslogRepeat
        );
        assert_eq!(
            parse_header(b"garbage", &mut c).unwrap_err(),
            SkipReason::NoTimestamp
        );
        assert_eq!(
            parse_header(b"", &mut c).unwrap_err(),
            SkipReason::NoTimestamp
        );
    }

    #[test]
    fn postfix_names() {
        let n = PostfixNames::new(&["smtp-out".to_string()]);
        assert_eq!(n.daemon(b"postfix/qmgr"), Some(&b"qmgr"[..]));
        assert_eq!(n.daemon(b"postfix/submission/smtpd"), Some(&b"smtpd"[..]));
        assert_eq!(n.daemon(b"postfix-239.58.50.50/qmgr"), Some(&b"qmgr"[..]));
        assert_eq!(n.daemon(b"smtp-out/smtp"), Some(&b"smtp"[..]));
        assert_eq!(n.daemon(b"postfixadmin"), None);
        assert_eq!(n.daemon(b"sendmail"), None);
    }
}
