//! Format detection from the first lines of a file.
//!
//! A file is recognised by the lines it starts with, never by its name. The
//! detector looks at up to [`SAMPLE_LINES`] non-blank lines and picks the
//! format that most of them parse as.

use memchr::memchr_iter;

use crate::time::civil::{parse_bsd, parse_iso};

/// The byte order mark some Windows tools put before UTF-8 text.
pub const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// How many non-blank lines the detector reads.
pub const SAMPLE_LINES: usize = 64;

/// The log formats misdirect reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// syslog lines (BSD, RFC 3339, RFC 5424 or postlogd) from Postfix and
    /// other programs.
    Syslog,
    /// Exim's own main log (`mainlog`).
    Exim,
    /// A journald export (`journalctl -o json`) of mail-transport messages.
    Journal,
    /// Microsoft Exchange message tracking (`MSGTRK*.LOG`).
    Exchange,
    /// A Microsoft 365 / Exchange Online message trace export (CSV).
    M365,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Syslog => "syslog",
            Format::Exim => "exim",
            Format::Journal => "journal",
            Format::Exchange => "exchange",
            Format::M365 => "m365",
        }
    }

    /// Every format, for `--format`.
    pub const ALL: [Format; 5] = [
        Format::Syslog,
        Format::Exim,
        Format::Journal,
        Format::Exchange,
        Format::M365,
    ];

    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

/// The result of looking at the start of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detection {
    Known(Format),
    /// No known format; carries the first non-blank line (for the report).
    Unknown {
        sample: Vec<u8>,
    },
    /// The file has no non-blank line at all.
    Empty,
}

/// Detects the format of a file from its first bytes (whole lines only).
pub fn detect(head: &[u8]) -> Detection {
    let mut seen = 0usize;
    let mut syslog = 0usize;
    let mut exim = 0usize;
    let mut journal = 0usize;
    let mut first: Option<&[u8]> = None;
    let mut start = 0;
    let ends = memchr_iter(b'\n', head).chain(std::iter::once(head.len()));
    for end in ends {
        if end < start {
            break;
        }
        let line = trim_line(&head[start..end]);
        start = end + 1;
        if line.is_empty() {
            continue;
        }
        first.get_or_insert(line);
        seen += 1;
        // Exchange's header names the format outright.
        if crate::parse::exchange::looks_like_exchange(line) {
            return Detection::Known(Format::Exchange);
        }
        // A message trace export's header row (after PowerShell's `#TYPE`).
        if seen <= 2 && crate::parse::m365::looks_like_m365(line) {
            return Detection::Known(Format::M365);
        }
        if crate::parse::journal::looks_like_journal(line) {
            journal += 1;
        } else if crate::parse::exim::looks_like_exim(line) {
            exim += 1;
        } else if looks_like_syslog(line) {
            syslog += 1;
        }
        if seen >= SAMPLE_LINES {
            break;
        }
    }
    match first {
        None => Detection::Empty,
        // One recognisable line in the sample is enough: a syslog file may
        // open with other programs' noise, and a damaged file with garbage.
        // The format most of the recognisable lines are in.
        Some(_) if journal > 0 && journal >= exim.max(syslog) => Detection::Known(Format::Journal),
        Some(_) if exim > 0 && exim >= syslog => Detection::Known(Format::Exim),
        Some(_) if syslog > 0 => Detection::Known(Format::Syslog),
        Some(line) => Detection::Unknown {
            sample: line[..line.len().min(200)].to_vec(),
        },
    }
}

fn trim_line(l: &[u8]) -> &[u8] {
    let l = l.strip_suffix(b"\r").unwrap_or(l);
    let l = l.strip_prefix(UTF8_BOM).unwrap_or(l);
    let nul = l.iter().take_while(|&&c| c == 0).count();
    &l[nul..]
}

fn looks_like_syslog(line: &[u8]) -> bool {
    let mut b = line;
    if b.first() == Some(&b'<') {
        match memchr::memchr(b'>', &b[..b.len().min(6)]) {
            Some(end) => b = &b[end + 1..],
            None => return false,
        }
        if let Some(rest) = b.strip_prefix(b"1 ") {
            return parse_iso(rest).is_some();
        }
    }
    let stamp_len = if let Some((_, n)) = parse_bsd(b) {
        n
    } else if let Some((_, _, n)) = parse_iso(b) {
        n
    } else {
        return false;
    };
    // Stamp, host, then a `tag:` with no space before its colon.
    let rest = &b[stamp_len..];
    let mut words = rest.split(|&c| c == b' ').filter(|w| !w.is_empty());
    let (Some(_host), Some(tag)) = (words.next(), words.next()) else {
        return false;
    };
    tag.ends_with(b":") || (tag.contains(&b'[') && tag.ends_with(b"]:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syslog_variants() {
        for l in [
            "Jul  7 10:12:01 mx1 postfix/qmgr[1]: ABC: removed\n",
            "2023-07-17T10:12:01.123456+01:00 mx1 postfix/smtp[2]: x\n",
            "<22>1 2023-07-17T10:12:01Z mx1 postfix 1 - - x\n",
            "\n\nJan 05 00:00:00 mx1 postfix/postlogd[3]: x\n",
        ] {
            assert_eq!(
                detect(l.as_bytes()),
                Detection::Known(Format::Syslog),
                "{l}"
            );
        }
    }

    #[test]
    fn exim_main_log() {
        let log = "2023-07-17 10:12:09 exim 4.96 daemon started: pid=123\n\
                   2023-07-17 10:12:01 1qLYsX-0001Ab-2C <= a@example.org S=12\n\
                   2023-07-17 10:12:01.5 +0100 [77] 1qLYsX-000000001Ab-2C3D Completed\n";
        assert_eq!(detect(log.as_bytes()), Detection::Known(Format::Exim));
    }

    #[test]
    fn exchange_tracking_log() {
        let log = "\u{feff}#Software: Microsoft Exchange Server\r\n#Version: 15.01.2507.035\r\n";
        assert_eq!(detect(log.as_bytes()), Detection::Known(Format::Exchange));
    }

    #[test]
    fn m365_trace_exports() {
        for head in [
            "\u{feff}\"origin_timestamp_utc\",\"sender_address\",\"recipient_status\",\"message_subject\"\r\n",
            "#TYPE Deserialized.Microsoft.Exchange.Management.MessageTrace\n\"Received\",\"SenderAddress\",\"RecipientAddress\",\"Status\"\n",
            "date_time_utc,client_ip,event_id,recipient_address,sender_address\n",
        ] {
            assert_eq!(detect(head.as_bytes()), Detection::Known(Format::M365), "{head}");
        }
    }

    #[test]
    fn journal_export() {
        let log = "{\"__CURSOR\":\"s=1\",\"__REALTIME_TIMESTAMP\":\"1689588721123456\",\"MESSAGE\":\"x\"}\n";
        assert_eq!(detect(log.as_bytes()), Detection::Known(Format::Journal));
    }

    #[test]
    fn unknown_and_empty() {
        assert_eq!(
            detect(b"\n \n\n".as_slice()),
            Detection::Unknown {
                sample: b" ".to_vec()
            }
        );
        assert_eq!(detect(b""), Detection::Empty);
        assert_eq!(detect(b"\n\n"), Detection::Empty);
        match detect(b"hello world\nthis is not a log\n") {
            Detection::Unknown { sample } => assert_eq!(sample, b"hello world"),
            d => panic!("{d:?}"),
        }
    }
}
