//! How a simulated message is written down: one module per log format,
//! behind the [`Render`] trait. The day's traffic (`day.rs`) decides who
//! wrote to whom and what became of each recipient; a renderer turns that
//! into the lines its MTA would log, and says which outcome those lines
//! show (Exchange and Microsoft 365 log an expiry as a failure) and which
//! non-delivery notices it wrote, so the ground truth counts exactly what
//! is in the logs.
//!
//! Renderers are made per day and keep no state across days, so days are
//! written in parallel and stay deterministic.

pub mod exchange;
pub mod exim;
pub mod m365;
pub mod postfix;
pub mod sendmail;

use fastrand::Rng;

use super::truth::Outcome;

/// A log format `synth` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SynthFormat {
    Postfix,
    Exim,
    Sendmail,
    Exchange,
    M365,
    /// Postfix's lines as `journalctl -o json` exports them.
    Journald,
}

impl SynthFormat {
    pub const ALL: [SynthFormat; 6] = [
        SynthFormat::Postfix,
        SynthFormat::Exim,
        SynthFormat::Sendmail,
        SynthFormat::Exchange,
        SynthFormat::M365,
        SynthFormat::Journald,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SynthFormat::Postfix => "postfix",
            SynthFormat::Exim => "exim",
            SynthFormat::Sendmail => "sendmail",
            SynthFormat::Exchange => "exchange",
            SynthFormat::M365 => "m365",
            SynthFormat::Journald => "journald",
        }
    }

    pub fn parse(s: &str) -> Option<SynthFormat> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// How files of this format are named: a rotated log (`mail.log`,
    /// renamed at each rotation), or one file per day named by the MTA.
    pub fn naming(self) -> Naming {
        match self {
            SynthFormat::Postfix => Naming::Rotated("mail.log"),
            SynthFormat::Sendmail => Naming::Rotated("maillog"),
            SynthFormat::Exim => Naming::Rotated("mainlog"),
            SynthFormat::Journald => Naming::Rotated("journal.json"),
            SynthFormat::Exchange => Naming::Daily("MSGTRK", "-1.LOG"),
            SynthFormat::M365 => Naming::Daily("MTSummary_Report_", ".csv"),
        }
    }

    /// A fresh renderer for one day.
    pub fn renderer(self, day: &DayStamp, long_ids: bool) -> Box<dyn Render> {
        match self {
            SynthFormat::Postfix => Box::new(postfix::Postfix::new(day, long_ids, false)),
            SynthFormat::Journald => Box::new(postfix::Postfix::new(day, long_ids, true)),
            SynthFormat::Exim => Box::new(exim::Exim::new(day, long_ids)),
            SynthFormat::Sendmail => Box::new(sendmail::Sendmail::new(day)),
            SynthFormat::Exchange => Box::new(exchange::Exchange::new(day)),
            SynthFormat::M365 => Box::new(m365::M365::new(day)),
        }
    }
}

/// File names of a format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Naming {
    /// A log renamed by logrotate (`mail.log-20230718.gz`, `mail.log.3.gz`).
    Rotated(&'static str),
    /// One file per day, the date between a prefix and a suffix.
    Daily(&'static str, &'static str),
}

/// The day being written.
#[derive(Clone, Copy, Debug)]
pub struct DayStamp {
    /// Days since 1970-01-01.
    pub days: i64,
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl DayStamp {
    pub fn new(days: i64) -> DayStamp {
        let (year, month, day) = crate::time::civil::civil_from_days(days);
        DayStamp {
            days,
            year,
            month,
            day,
        }
    }

    /// Seconds since 1970 of a time of this day (in milliseconds).
    pub fn unix(&self, ms: u32) -> i64 {
        self.days * 86_400 + i64::from(ms / 1000)
    }

    /// `2023-07-17`.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `20230717`.
    pub fn compact(&self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }
}

/// `HH:MM:SS` of a time of day in milliseconds.
pub fn hms(ms: u32) -> String {
    let s = ms / 1000;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// What became of a recipient, before any format writes it down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// A mailbox on the organisation's own server.
    Local,
    Sent,
    /// Deferred once, then sent.
    LateSent,
    Bounced,
    /// Deferred until the queue lifetime ran out (four hours here).
    Expired,
}

/// A recipient of a simulated message.
#[derive(Clone, Debug)]
pub struct Rcpt {
    pub local: String,
    pub domain: String,
    pub intended: String,
    pub kind: &'static str,
    pub class: &'static str,
    /// The receiving server (empty for local mailboxes).
    pub mx: String,
    pub ip: String,
    pub fate: Fate,
}

impl Rcpt {
    pub fn address(&self) -> String {
        format!("{}@{}", self.local, self.domain)
    }
}

/// A message the organisation sent.
#[derive(Clone, Debug)]
pub struct SimMessage {
    /// Number of the message in its day, from 1.
    pub seq: u32,
    /// Which of the organisation's servers handled it (0 or 1).
    pub host: u8,
    pub sender: String,
    pub bytes: u64,
    pub rcpts: Vec<Rcpt>,
    /// When it arrived, in milliseconds of the day.
    pub t0: u32,
    /// Its `Subject:` header as written (possibly an RFC 2047 encoded word).
    pub subject: String,
}

/// A non-delivery notice a renderer wrote: a message of its own, from
/// `from` (empty: the null sender) to the original sender, delivered to
/// the sender's mailbox.
#[derive(Clone, Debug)]
pub struct Notice {
    pub from: String,
    pub bytes: u64,
}

/// What a renderer wrote for one message.
#[derive(Clone, Debug)]
pub struct Written {
    /// The message's identifier as the format names it (queue ID, message
    /// ID or network message ID).
    pub id: String,
    pub notices: Vec<Notice>,
}

/// One log format's way of writing messages.
pub trait Render: Send {
    /// The final outcome the format's lines show for a fate.
    fn outcome(&self, fate: Fate) -> Outcome {
        match fate {
            Fate::Local | Fate::Sent | Fate::LateSent => Outcome::Sent,
            Fate::Bounced => Outcome::Bounced,
            Fate::Expired => Outcome::Expired,
        }
    }

    /// Writes a message's lines.
    fn message(&mut self, out: &mut Lines, m: &SimMessage, rng: &mut Rng) -> Written;

    /// Lines of no interest to misdirect (connections, TLS, statistics) at
    /// time `t`.
    fn noise(&mut self, _out: &mut Lines, _t: u32, _rng: &mut Rng) {}

    /// Whether the format logs subjects (Sendmail does not).
    fn logs_subjects(&self) -> bool {
        true
    }

    /// Lines at the top of each file of this format (a `#Fields:` header).
    fn head(&self) -> String {
        String::new()
    }

    /// Whether lines end in CR LF (Windows tools).
    fn crlf(&self) -> bool {
        false
    }

    /// Whether the file is written in UTF-16 LE (its head starts with the
    /// byte order mark).
    fn utf16(&self) -> bool {
        false
    }
}

/// A day's lines, put in time order when finished.
#[derive(Default)]
pub struct Lines {
    lines: Vec<(u32, u32, String)>,
}

/// The last millisecond of a day: every line of a message is in its day's
/// file, so later times are clamped.
pub const DAY_END: u32 = 86_399_999;

impl Lines {
    /// Adds a line at `ms` milliseconds into the day.
    pub fn push(&mut self, ms: u32, text: String) {
        let seq = self.lines.len() as u32;
        self.lines.push((ms.min(DAY_END), seq, text));
    }

    /// The time a line pushed at `ms` gets.
    pub fn at(ms: u32) -> u32 {
        ms.min(DAY_END)
    }

    /// The day's bytes as `r` writes them: its head, then the lines by
    /// time (ties in the order written).
    pub fn finish(self, r: &dyn Render) -> Vec<u8> {
        let bytes = self.finish_utf8(&r.head(), r.crlf());
        if !r.utf16() {
            return bytes;
        }
        let text = String::from_utf8(bytes).expect("lines are UTF-8");
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    fn finish_utf8(mut self, head: &str, crlf: bool) -> Vec<u8> {
        self.lines.sort_by_key(|l| (l.0, l.1));
        let eol: &[u8] = if crlf { b"\r\n" } else { b"\n" };
        let mut out = Vec::with_capacity(
            head.len() + self.lines.iter().map(|l| l.2.len() + 2).sum::<usize>(),
        );
        for l in head.lines() {
            out.extend_from_slice(l.as_bytes());
            out.extend_from_slice(eol);
        }
        for (_, _, text) in self.lines {
            out.extend_from_slice(text.as_bytes());
            out.extend_from_slice(eol);
        }
        out
    }
}

/// Letters of a base-62 number (Exim's message IDs), most significant first.
pub fn base62(mut n: u64, width: usize) -> String {
    const A: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut v = vec![b'0'; width];
    for c in v.iter_mut().rev() {
        *c = A[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8(v).expect("ASCII")
}

/// A 128-bit identifier written as a GUID (Exchange's network message IDs).
pub fn guid(rng: &mut Rng) -> String {
    let h = format!("{:016x}{:016x}", rng.u64(..), rng.u64(..));
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..]
    )
}
