//! Sendmail 8.17 (`sm-mta`) on one relay, in BSD syslog, shaped after the
//! real capture in `samples/sendmail/`: a `from=` line, then `to=` lines,
//! several recipients on one line when they share the receiving server,
//! `mailer=local` for mailboxes here, `stat=Deferred` and retries by later
//! queue runs, `reply=550 ...` refusals, and for failures the DSN line
//! (`QID: NEWQID: DSN: ...`) and the notice's local delivery. Sendmail logs
//! no end of a message: misdirect ends it after a quiet gap.

use fastrand::Rng;

use super::{hms, DayStamp, Fate, Lines, Notice, Render, SimMessage, Written};
use crate::synth::org::ORG_DOMAIN;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const B60: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx";
const NOTICE: u32 = 0x40_0000;

pub struct Sendmail {
    day: DayStamp,
    prefix: String,
}

impl Sendmail {
    pub fn new(day: &DayStamp) -> Sendmail {
        Sendmail {
            day: *day,
            prefix: format!("{} {:>2}", MONTHS[usize::from(day.month) - 1], day.day),
        }
    }

    /// A queue ID: year, month, day, hour, minute and second in base 60,
    /// two characters of sequence, six digits of process ID.
    fn qid(&self, seq: u32, ms: u32) -> String {
        let s = ms / 1000;
        let c = |n: u32| B60[(n % 60) as usize] as char;
        let y = (self.day.year - 1900).rem_euclid(60) as u32;
        format!(
            "{}{}{}{}{}{}{}{}{:06}",
            c(y),
            c(u32::from(self.day.month) - 1),
            c(u32::from(self.day.day)),
            c(s / 3600),
            c(s / 60 % 60),
            c(s % 60),
            c(seq / 60 / 1_000_000),
            c(seq / 1_000_000),
            seq % 1_000_000
        )
    }

    fn push(&self, out: &mut Lines, ms: u32, pid: u32, text: String) {
        let ms = Lines::at(ms);
        out.push(
            ms,
            format!("{} {} mx1 sm-mta[{pid}]: {text}", self.prefix, hms(ms)),
        );
    }
}

/// `hh:mm:ss` of a delay in milliseconds (Sendmail's `delay=`).
fn delay(ms: u32) -> String {
    hms(ms)
}

impl Render for Sendmail {
    fn logs_subjects(&self) -> bool {
        false
    }

    fn message(&mut self, out: &mut Lines, m: &SimMessage, rng: &mut Rng) -> Written {
        let q = self.qid(m.seq, m.t0);
        let pid = 100 + m.seq % 90_000;
        let ws = 1 + m.seq % 249;
        let n = m.rcpts.len();
        let pri = m.bytes + 30_000 * n as u64;
        self.push(out, m.t0, pid, format!("{q}: from=<{}>, size={}, class=0, nrcpts={n}, msgid=<{}.{}@{ORG_DOMAIN}>, proto=ESMTP, daemon=MTA-v4, relay=ws{ws}.{ORG_DOMAIN} [10.0.0.{ws}]", m.sender, m.bytes, m.seq, m.t0));
        let t = m.t0 + 1000;
        let (mut bounced, mut expired) = (false, false);
        // Recipients sent at once to one server share a `to=` line.
        let mut i = 0;
        while i < m.rcpts.len() {
            let r = &m.rcpts[i];
            let mut j = i + 1;
            if r.fate == Fate::Sent {
                while j < m.rcpts.len() && m.rcpts[j].fate == Fate::Sent && m.rcpts[j].mx == r.mx {
                    j += 1;
                }
            }
            let to: Vec<String> = m.rcpts[i..j]
                .iter()
                .map(|r| format!("<{}>", r.address()))
                .collect();
            let to = to.join(",");
            let relay = format!("relay={}. [{}]", r.mx, r.ip);
            let p = pid + 1;
            match r.fate {
                Fate::Local => self.push(out, t, p, format!("{q}: to={to}, delay=00:00:01, xdelay=00:00:00, mailer=local, pri={pri}, dsn=2.0.0, stat=Sent")),
                Fate::Sent => self.push(out, t, p, format!("{q}: to={to}, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri={pri}, {relay}, dsn=2.0.0, stat=Sent (Ok: queued as {:X})", rng.u64(..u64::from(u32::MAX)))),
                Fate::LateSent => {
                    self.push(out, t, p, format!("{q}: to={to}, delay=00:00:31, xdelay=00:00:30, mailer=esmtp, pri={pri}, {relay}, dsn=4.0.0, stat=Deferred: Connection timed out with {}.", r.mx));
                    let t2 = t + 900_000;
                    self.push(out, t2, p + 7, format!("{q}: to={to}, delay={}, xdelay=00:00:01, mailer=esmtp, pri={}, {relay}, dsn=2.0.0, stat=Sent (Ok: queued)", delay(t2 - m.t0), pri + 90_000));
                }
                Fate::Bounced => {
                    self.push(out, t, p, format!("{q}: to={to}, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri={pri}, {relay}, dsn=5.1.1, reply=550 5.1.1 {to}... User unknown, stat=User unknown"));
                    bounced = true;
                }
                Fate::Expired => {
                    for k in 0..4u32 {
                        let tk = t + k * 3_600_000;
                        self.push(out, tk, p + 11 * k, format!("{q}: to={to}, delay={}, xdelay=00:00:00, mailer=esmtp, pri={}, {relay}, dsn=4.4.1, stat=Deferred: Connection refused by {}.", delay(tk - m.t0), pri + 90_000 * u64::from(k), r.mx));
                    }
                    expired = true;
                }
            }
            i = j;
        }
        let mut notices = Vec::new();
        let mut notify = |out: &mut Lines, at: u32, k: u32, why: &str| {
            let nq = self.qid(m.seq | (NOTICE * k), at);
            self.push(out, at, pid + 50 + k, format!("{q}: {nq}: {why}"));
            self.push(out, at, pid + 50 + k, format!("{nq}: to=<{}>, delay=00:00:00, xdelay=00:00:00, mailer=local, pri=30000, dsn=2.0.0, stat=Sent", m.sender));
            // Sendmail logs no `from=` line for its own notices: their
            // size is unknown, and counts as no bytes.
            notices.push(Notice {
                from: String::new(),
                bytes: 0,
            });
        };
        // A refusal is reported at once; an expiry when the queue gives up.
        if bounced {
            notify(out, t, 1, "DSN: User unknown");
        }
        if expired {
            notify(
                out,
                t + 4 * 3_600_000,
                2,
                "DSN: Cannot send message for 4 hours",
            );
        }
        Written { id: q, notices }
    }

    fn noise(&mut self, out: &mut Lines, t: u32, rng: &mut Rng) {
        let c = rng.u8(1..250);
        let q = self.qid(0x3F_0000 + u32::from(c) + (t % 1000), t);
        self.push(out, t, 5000 + u32::from(c), "STARTTLS=client, relay=mx.example.net., version=TLSv1.3, verify=FAIL, cipher=TLS_AES_256_GCM_SHA384, bits=256/256".into());
        if c % 3 == 0 {
            self.push(out, t, 5000 + u32::from(c), format!("{q}: probe{c}.example.net [192.0.2.{c}] did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA-v4"));
        }
    }
}
