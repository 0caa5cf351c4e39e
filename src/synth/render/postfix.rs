//! Postfix 3.7 on two relays (`mx1`, `mx2`) logging to one syslog file, as
//! a central log server keeps them, or the same lines as `journalctl -o
//! json` exports them.
//!
//! What it exercises in misdirect: the host field keeping two queues apart
//! (both relays use the same queue-ID sequence, so IDs collide across
//! hosts); short hexadecimal queue IDs, reused every three days, and on
//! `mx2`, from the middle of the archive, long ones (`enable_long_queue_ids`);
//! `mx2`'s content filter (amavis on 127.0.0.1:10024, re-injected on
//! 10025 under a new queue ID), a hop that must not count as a delivery;
//! deferrals retried by later queue runs; expiry after four hours with its
//! `returned to sender`; one non-delivery notice per failed message.

use fastrand::Rng;

use super::{hms, DayStamp, Fate, Lines, Notice, Render, SimMessage, Written};
use crate::synth::org::ORG_DOMAIN;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Flags set in a message's sequence number for the other queue IDs a
/// message causes.
const NOTICE: u32 = 0x40_0000;
const REINJECTED: u32 = 0x80_0000;

pub struct Postfix {
    day: DayStamp,
    stamp_prefix: String,
    long_ids: bool,
    journal: bool,
}

impl Postfix {
    pub fn new(day: &DayStamp, long_ids: bool, journal: bool) -> Postfix {
        Postfix {
            day: *day,
            stamp_prefix: format!("{} {:>2}", MONTHS[usize::from(day.month) - 1], day.day),
            long_ids,
            journal,
        }
    }

    fn host(host: u8) -> &'static str {
        if host == 0 {
            "mx1"
        } else {
            "mx2"
        }
    }

    /// Postfix's queue ID for sequence number `seq` on `host`: hexadecimal
    /// (reused every three days), or the long form on `mx2` once enabled.
    fn queue_id(&self, host: u8, seq: u32, ms: u32) -> String {
        if host == 1 && self.long_ids {
            // Seconds and microseconds in a vowel-less base 52, `z`, then
            // the inode number in base 51 (as `mail_queue.c` builds them).
            const B52: &[u8] = b"0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxy";
            let enc = |mut n: u64, width: usize, base: u64| {
                let mut v = vec![b'0'; width];
                for c in v.iter_mut().rev() {
                    *c = B52[(n % base) as usize];
                    n /= base;
                }
                String::from_utf8(v).expect("ASCII")
            };
            let secs = self.day.unix(ms) as u64;
            let usec = u64::from(seq.wrapping_mul(7919) % 1_000_000);
            format!(
                "{}{}z{}",
                enc(secs, 6, 51),
                enc(usec, 4, 51),
                enc(u64::from(seq), 5, 51)
            )
        } else {
            format!("{:04X}{:06X}", 0x3A00 + self.day.days.rem_euclid(3), seq)
        }
    }

    fn push(&self, out: &mut Lines, ms: u32, host: u8, prog: &str, pid: u32, text: String) {
        let ms = Lines::at(ms);
        let host = Self::host(host);
        if self.journal {
            let usec = self.day.unix(ms) as u64 * 1_000_000 + u64::from(ms % 1000) * 1000;
            let message = serde_json::to_string(&text).expect("a string serialises");
            out.push(
                ms,
                format!(
                    "{{\"__REALTIME_TIMESTAMP\":\"{usec}\",\"PRIORITY\":\"6\",\"SYSLOG_FACILITY\":\"2\",\"SYSLOG_IDENTIFIER\":\"postfix/{prog}\",\"SYSLOG_PID\":\"{pid}\",\"_PID\":\"{pid}\",\"_COMM\":\"{}\",\"_HOSTNAME\":\"{host}\",\"MESSAGE\":{message}}}",
                    prog.rsplit('/').next().unwrap_or(prog)
                ),
            );
        } else {
            out.push(
                ms,
                format!(
                    "{} {} {host} postfix/{prog}[{pid}]: {text}",
                    self.stamp_prefix,
                    hms(ms)
                ),
            );
        }
    }

    /// One queue's handling of a message: arrival, deliveries, retries,
    /// expiry. `via_filter`: every recipient goes to the content filter,
    /// which hands the message back under `next_id`. Returns the time of
    /// the last line and whether any recipient failed.
    #[allow(clippy::too_many_arguments)]
    fn queue(
        &self,
        out: &mut Lines,
        m: &SimMessage,
        id: &str,
        size: u64,
        t0: u32,
        client: &str,
        next_id: Option<&str>,
        rng: &mut Rng,
    ) -> (u32, bool) {
        let h = m.host;
        let pid = || 1000 + (t0 / 7 + size as u32) % 30_000;
        let sender = &m.sender;
        let n = m.rcpts.len();
        self.push(out, t0, h, "smtpd", pid(), format!("{id}: client={client}"));
        self.push(
            out,
            t0 + 40,
            h,
            "cleanup",
            pid() + 1,
            format!("{id}: message-id=<{}.{}@{ORG_DOMAIN}>", m.seq, m.t0),
        );
        // header_checks: `/^Subject:/ INFO`.
        let first = m.rcpts.first().map(|r| r.address()).unwrap_or_default();
        self.push(out, t0 + 41, h, "cleanup", pid() + 1, format!("{id}: info: header Subject: {} from {client}; from=<{sender}> to=<{first}> proto=ESMTP helo=<ws>", m.subject));
        let active = format!("{id}: from=<{sender}>, size={size}, nrcpt={n} (queue active)");
        self.push(out, t0 + 80, h, "qmgr", 900, active.clone());
        let mut end = t0 + 1000;
        if let Some(next) = next_id {
            for (k, r) in m.rcpts.iter().enumerate() {
                let t = t0 + 500 + 20 * k as u32;
                self.push(out, t, h, "smtp", pid() + 2, format!("{id}: to=<{}>, relay=127.0.0.1[127.0.0.1]:10024, delay=0.42, delays=0.01/0/0.01/0.4, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as {next})", r.address()));
            }
            return (end, false);
        }
        let mut expired = false;
        let mut failed = false;
        for r in &m.rcpts {
            let to = r.address();
            let relay = format!("{}[{}]:25", r.mx, r.ip);
            let t = t0 + 1000 + rng.u32(..3000);
            let p = pid() + 3;
            match r.fate {
                Fate::Local => self.push(out, t, h, "local", p, format!("{id}: to=<{to}>, relay=local, delay=0.1, delays=0.1/0/0/0, dsn=2.0.0, status=sent (delivered to mailbox)")),
                Fate::Sent => self.push(out, t, h, "smtp", p, format!("{id}: to=<{to}>, relay={relay}, delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as {:X})", rng.u64(..u64::from(u32::MAX)))),
                Fate::LateSent => {
                    self.push(out, t, h, "smtp", p, format!("{id}: to=<{to}>, relay=none, delay=30, delays=0.1/0/30/0, dsn=4.4.1, status=deferred (connect to {relay}: Connection timed out)"));
                    let t2 = t + 900_000;
                    self.push(out, t2, h, "qmgr", 900, active.clone());
                    self.push(out, t2 + 1000, h, "smtp", p + 1, format!("{id}: to=<{to}>, relay={relay}, delay=901, delays=900/0/0.5/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok)"));
                    end = end.max(t2 + 1000);
                }
                Fate::Bounced => {
                    failed = true;
                    self.push(out, t, h, "smtp", p, format!("{id}: to=<{to}>, relay={relay}, delay=0.8, delays=0.1/0/0.4/0.3, dsn=5.1.1, status=bounced (host {}[{}] said: 550 5.1.1 <{to}>: Recipient address rejected: User unknown (in reply to RCPT TO command))", r.mx, r.ip));
                }
                Fate::Expired => {
                    failed = true;
                    for k in 0..4u32 {
                        let tk = t + k * 3_600_000;
                        if k > 0 {
                            self.push(out, tk, h, "qmgr", 900, active.clone());
                        }
                        self.push(out, tk + 30_000, h, "smtp", p + k, format!("{id}: to=<{to}>, relay=none, delay={}, delays={}/0/30/0, dsn=4.4.1, status=deferred (connect to {relay}: Connection refused)", k * 3600 + 30, k * 3600));
                    }
                    expired = true;
                    end = end.max(t + 4 * 3_600_000);
                }
            }
            end = end.max(t);
        }
        if expired {
            self.push(
                out,
                end,
                h,
                "qmgr",
                900,
                format!("{id}: from=<{sender}>, status=expired, returned to sender"),
            );
        }
        (end, failed)
    }
}

impl Render for Postfix {
    fn message(&mut self, out: &mut Lines, m: &SimMessage, rng: &mut Rng) -> Written {
        let h = m.host;
        let ws = 1 + m.seq % 249;
        let client = format!("ws{ws}.{ORG_DOMAIN}[10.0.0.{ws}]");
        let first = self.queue_id(h, m.seq, m.t0);
        // mx2 runs a content filter: the message comes back under a new ID,
        // 312 bytes bigger (the filter's headers).
        let (id, end, failed) = if h == 1 {
            let second = self.queue_id(h, m.seq | REINJECTED, m.t0 + 600);
            let (e1, _) = self.queue(
                out,
                m,
                &first,
                m.bytes - 312.min(m.bytes),
                m.t0,
                &client,
                Some(&second),
                rng,
            );
            self.push(out, e1, h, "qmgr", 900, format!("{first}: removed"));
            let (end, failed) = self.queue(
                out,
                m,
                &second,
                m.bytes,
                m.t0 + 600,
                "localhost[127.0.0.1]",
                None,
                rng,
            );
            (second, end, failed)
        } else {
            let (end, failed) = self.queue(out, m, &first, m.bytes, m.t0, &client, None, rng);
            (first, end, failed)
        };
        let mut notices = Vec::new();
        if failed {
            let nid = self.queue_id(h, m.seq | NOTICE, end);
            let nbytes = 2000 + m.bytes.min(10_000);
            self.push(
                out,
                end,
                h,
                "cleanup",
                2000,
                format!(
                    "{nid}: message-id=<{}.{nid}@mx{}.{ORG_DOMAIN}>",
                    self.day.days,
                    h + 1
                ),
            );
            self.push(
                out,
                end,
                h,
                "bounce",
                2001,
                format!("{id}: sender non-delivery notification: {nid}"),
            );
            self.push(
                out,
                end,
                h,
                "qmgr",
                900,
                format!("{nid}: from=<>, size={nbytes}, nrcpt=1 (queue active)"),
            );
            self.push(out, end, h, "local", 2002, format!("{nid}: to=<{}>, relay=local, delay=0.01, delays=0/0/0/0, dsn=2.0.0, status=sent (delivered to mailbox)", m.sender));
            self.push(out, end, h, "qmgr", 900, format!("{nid}: removed"));
            notices.push(Notice {
                from: String::new(),
                bytes: nbytes,
            });
        }
        self.push(out, end, h, "qmgr", 900, format!("{id}: removed"));
        Written { id, notices }
    }

    fn noise(&mut self, out: &mut Lines, t: u32, rng: &mut Rng) {
        let c = rng.u8(1..250);
        let h = rng.u8(..2);
        self.push(
            out,
            t,
            h,
            "smtpd",
            3000,
            format!("connect from ws{c}.{ORG_DOMAIN}[10.0.0.{c}]"),
        );
        self.push(out, t + 1000, h, "smtpd", 3000, format!("disconnect from ws{c}.{ORG_DOMAIN}[10.0.0.{c}] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5"));
        self.push(out, t + 1000, h, "smtp", 3001, "Trusted TLS connection established to mx.example.net[192.0.2.1]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)".into());
    }
}
