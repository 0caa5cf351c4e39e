//! Exim's main log, as Debian's exim4 writes it on one relay: `<=` arrivals
//! with `S=` and `id=`, `=>` deliveries and `->` for further recipients
//! delivered in the same connection, local deliveries `=> user <user@domain>`,
//! `==` deferrals, `**` failures (`retry timeout exceeded` after four hours
//! of retries), the bounce message Exim sends back (`<= <> R=parent`), and
//! `Completed`.
//!
//! Message IDs take the old 16-character form until the middle of the
//! archive and the 23-character form of Exim 4.97 and later after it (an
//! upgrade), so one archive holds both.

use fastrand::Rng;

use super::{base62, hms, DayStamp, Fate, Lines, Notice, Render, SimMessage, Written};
use crate::synth::org::ORG_DOMAIN;

pub struct Exim {
    day: DayStamp,
    new_ids: bool,
}

const NOTICE: u32 = 0x40_0000;

impl Exim {
    pub fn new(day: &DayStamp, new_ids: bool) -> Exim {
        Exim { day: *day, new_ids }
    }

    /// A message ID: the arrival time in base 62, then the process (old:
    /// 6 characters and 2 for the sub-second part; 4.97: 11 and 4).
    fn id(&self, seq: u32, ms: u32) -> String {
        let t = base62(self.day.unix(ms) as u64, 6);
        if self.new_ids {
            format!(
                "{t}-{}-{}",
                base62(u64::from(seq), 11),
                base62(u64::from(ms % 1000), 4)
            )
        } else {
            format!(
                "{t}-{}-{}",
                base62(u64::from(seq), 6),
                base62(u64::from(ms % 1000) % 62, 2)
            )
        }
    }

    fn push(&self, out: &mut Lines, ms: u32, text: String) {
        let ms = Lines::at(ms);
        out.push(ms, format!("{} {} {text}", self.day.iso(), hms(ms)));
    }
}

impl Render for Exim {
    fn message(&mut self, out: &mut Lines, m: &SimMessage, rng: &mut Rng) -> Written {
        let id = self.id(m.seq, m.t0);
        let ws = 1 + m.seq % 249;
        let user = m.sender.split('@').next().unwrap_or_default();
        self.push(out, m.t0, format!("{id} <= {} H=ws{ws}.{ORG_DOMAIN} [10.0.0.{ws}] P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no A=dovecot_plain:{user} S={} id={}.{}@{ORG_DOMAIN} T=\"{}\"", m.sender, m.bytes, m.seq, m.t0, m.subject.replace('\\', "\\\\").replace('"', "\\\"")));
        let mut end = m.t0 + 1000;
        let mut failed = false;
        // Recipients at one domain go in one connection: `=>`, then `->`.
        let mut last_domain: Option<&str> = None;
        for r in &m.rcpts {
            let to = r.address();
            let t = m.t0 + 1000 + rng.u32(..3000);
            let host = format!("H={} [{}]", r.mx, r.ip);
            match r.fate {
                Fate::Local => self.push(
                    out,
                    t,
                    format!("{id} => {} <{to}> R=local_user T=mail_spool", r.local),
                ),
                Fate::Sent => {
                    let op = if last_domain == Some(r.domain.as_str()) {
                        "->"
                    } else {
                        "=>"
                    };
                    self.push(out, t, format!("{id} {op} {to} R=dnslookup T=remote_smtp {host} X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C=\"250 2.0.0 Ok: queued as {:X}\"", rng.u64(..u64::from(u32::MAX))));
                }
                Fate::LateSent => {
                    self.push(out, t, format!("{id} == {to} R=dnslookup T=remote_smtp defer (110): Connection timed out"));
                    let t2 = t + 900_000;
                    self.push(
                        out,
                        t2,
                        format!("{id} => {to} R=dnslookup T=remote_smtp {host} C=\"250 2.0.0 Ok\""),
                    );
                    end = end.max(t2);
                }
                Fate::Bounced => {
                    failed = true;
                    self.push(out, t, format!("{id} ** {to} R=dnslookup T=remote_smtp {host}: SMTP error from remote mail server after RCPT TO:<{to}>: 550 5.1.1 <{to}>: Recipient address rejected: User unknown"));
                }
                Fate::Expired => {
                    failed = true;
                    for k in 0..4u32 {
                        self.push(out, t + k * 3_600_000, format!("{id} == {to} R=dnslookup T=remote_smtp defer (111): Connection refused"));
                    }
                    let te = t + 4 * 3_600_000;
                    self.push(
                        out,
                        te,
                        format!("{id} ** {to} R=dnslookup T=remote_smtp: retry timeout exceeded"),
                    );
                    end = end.max(te);
                }
            }
            last_domain = (r.fate == Fate::Sent).then_some(r.domain.as_str());
            end = end.max(t);
        }
        let mut notices = Vec::new();
        if failed {
            let nid = self.id(m.seq | NOTICE, end);
            let nbytes = 2000 + m.bytes.min(10_000);
            self.push(out, end, format!("{nid} <= <> R={id} U=Debian-exim P=local S={nbytes} T=\"Mail delivery failed: returning message to sender\""));
            self.push(
                out,
                end,
                format!("{nid} => {user} <{}> R=local_user T=mail_spool", m.sender),
            );
            self.push(out, end, format!("{nid} Completed"));
            notices.push(Notice {
                from: String::new(),
                bytes: nbytes,
            });
        }
        self.push(out, end, format!("{id} Completed"));
        Written { id, notices }
    }

    fn noise(&mut self, out: &mut Lines, t: u32, rng: &mut Rng) {
        let c = rng.u8(1..250);
        self.push(
            out,
            t,
            format!(
                "SMTP connection from ws{c}.{ORG_DOMAIN} [10.0.0.{c}]:{} lost D=0.012s",
                40000 + u32::from(c)
            ),
        );
        if c % 5 == 0 {
            self.push(out, t, "Start queue run: pid=2211".into());
            self.push(out, t + 200, "End queue run: pid=2211".into());
        }
    }
}
