//! One simulated day: the messages the organisation sent and received,
//! written as Postfix 3.7 would log them on one relay (`mx1`), with the
//! ground truth of every recipient and the per-domain totals misdirect must
//! reproduce. A day depends only on the seed and the organisation, so days
//! are written in parallel.
//!
//! The simulated Postfix keeps a message for at most four hours
//! (`maximal_queue_lifetime`), and every line of a message is in its day's
//! file (the last minutes of a day are clamped to 23:59:59).

use std::fmt::Write as _;

use fastrand::Rng;

use super::org::{draw, zipf_cumulative, Behaviour, Class, Org, ORG_DOMAIN};
use super::truth::{DomainTotals, Outcome, TruthRow};
use crate::time::civil::civil_from_days;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The simulated traffic's parameters.
#[derive(Clone, Debug)]
pub struct Traffic {
    pub messages_per_day: f64,
    /// Share of recipients misdirected by a fresh slip.
    pub typo_rate: f64,
    /// Yearly growth of the traffic (0.1 = 10% more each year).
    pub growth: f64,
    /// Share of lines that are noise (connections, TLS, statistics).
    pub noise: f64,
}

/// A written day.
pub struct Day {
    pub log: Vec<u8>,
    pub truth: Vec<TruthRow>,
    pub totals: DomainTotals,
    pub messages: u64,
}

struct Line {
    t: u32,
    seq: u32,
    text: String,
}

struct Writer<'a> {
    lines: Vec<Line>,
    stamp_prefix: String,
    rng: &'a mut Rng,
}

impl Writer<'_> {
    fn push(&mut self, t: u32, prog: &str, text: String) {
        let t = t.min(86_399);
        let (h, m, s) = (t / 3600, t / 60 % 60, t % 60);
        let pid = 1000 + self.rng.u32(..30000);
        let mut line = String::with_capacity(text.len() + 48);
        let _ = write!(
            line,
            "{} {h:02}:{m:02}:{s:02} mx1 postfix/{prog}[{pid}]: {text}",
            self.stamp_prefix
        );
        let seq = self.lines.len() as u32;
        self.lines.push(Line { t, seq, text: line });
    }
}

/// A working-hours time of day, in seconds.
fn time_of_day(rng: &mut Rng) -> u32 {
    let hour = if rng.u8(..10) < 8 {
        8 + rng.u32(..10)
    } else {
        rng.u32(..24)
    };
    hour * 3600 + rng.u32(..3600)
}

/// A heavy-tailed message size: mostly 5-50 KB, up to 25 MB.
fn size(rng: &mut Rng) -> u64 {
    let x = rng.f64();
    let kb = if x < 0.6 {
        2.0 + rng.f64() * 40.0
    } else if x < 0.95 {
        40.0 + rng.f64() * 400.0
    } else {
        400.0 + rng.f64().powi(3) * 25_000.0
    };
    (kb * 1000.0) as u64 + rng.u64(..1000)
}

/// Recipient of a message being written.
struct Rcpt {
    local: String,
    domain: String,
    intended: String,
    kind: &'static str,
    class: &'static str,
    relay: String,
    fate: Fate,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    Local,
    Sent,
    /// Deferred once, then sent.
    LateSent,
    Bounced,
    Expired,
}

/// Writes day number `day` (days since 1970-01-01) of the simulation;
/// `index` counts days from its start.
pub fn write_day(org: &Org, traffic: &Traffic, seed: u64, day: i64, index: u32) -> Day {
    let mut rng = Rng::with_seed(seed ^ (day as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let (year, month, dom) = civil_from_days(day);
    let weekday = (day + 4).rem_euclid(7); // 0 = Sunday
    let weekend = weekday == 0 || weekday == 6;
    let years = f64::from(index) / 365.0;
    let mean = traffic.messages_per_day
        * (1.0 + traffic.growth).powf(years)
        * if weekend { 0.15 } else { 1.0 };
    let n = (mean * (0.8 + 0.4 * rng.f64())).round() as u32;
    let user_weights = zipf_cumulative(org.users.len(), 0.6);
    let book_weights = zipf_cumulative(64, 1.1);
    let mut w = Writer {
        lines: Vec::new(),
        stamp_prefix: format!("{} {dom:>2}", MONTHS[usize::from(month) - 1]),
        rng: &mut Rng::with_seed(seed ^ day as u64 ^ 0x0f1d),
    };
    let mut truth = Vec::new();
    let mut totals = DomainTotals::default();
    let mut seq = 0u32;
    let qid = |seq: &mut u32| {
        *seq += 1;
        format!("{:05X}{:06X}", (index & 0xFFFFF), *seq)
    };
    for _ in 0..n {
        let user = draw(&user_weights, &mut rng);
        let sender = format!("{}@{ORG_DOMAIN}", org.users[user]);
        let book = &org.books[user];
        let count = match rng.u8(..10) {
            0..=5 => 1,
            6..=7 => 2,
            8 => 3,
            _ => 2 + rng.usize(..5),
        };
        let mut rcpts: Vec<Rcpt> = Vec::new();
        for _ in 0..count {
            if rng.u8(..10) == 0 {
                // A colleague: a mailbox on this host.
                let c = &org.users[rng.usize(..org.users.len())];
                push_unique(
                    &mut rcpts,
                    Rcpt {
                        local: c.clone(),
                        domain: ORG_DOMAIN.into(),
                        intended: ORG_DOMAIN.into(),
                        kind: "",
                        class: "internal",
                        relay: "local".into(),
                        fate: Fate::Local,
                    },
                );
                continue;
            }
            let pick = draw(&book_weights[..book.len().min(64)], &mut rng);
            let cid = book[pick];
            let c = &org.correspondents[cid as usize];
            let intended = &org.intended[c.domain as usize];
            let sticky = org.sticky.iter().find(|s| {
                s.user as usize == user
                    && s.correspondent == cid
                    && (s.from_day..=s.to_day).contains(&index)
            });
            let slip = sticky.map(|s| s.lookalike).or_else(|| {
                (rng.f64() < traffic.typo_rate && !intended.lookalikes.is_empty())
                    .then(|| intended.lookalikes[rng.usize(..intended.lookalikes.len())])
            });
            let r = match slip {
                Some(l) => {
                    let l = &org.lookalikes[l as usize];
                    let fate = match l.behaviour {
                        Behaviour::Accepts => Fate::Sent,
                        Behaviour::Bounces => Fate::Bounced,
                        Behaviour::Expires => Fate::Expired,
                    };
                    Rcpt {
                        local: c.local.clone(),
                        domain: l.domain.clone(),
                        intended: intended.domain.clone(),
                        kind: l.kind.as_str(),
                        class: if sticky.is_some() {
                            "misdirected-sticky"
                        } else {
                            "misdirected"
                        },
                        relay: format!("{}[{}]:25", l.mx, l.ip),
                        fate,
                    }
                }
                None => Rcpt {
                    local: c.local.clone(),
                    domain: intended.domain.clone(),
                    intended: intended.domain.clone(),
                    kind: "",
                    class: if intended.class == Class::Neighbour {
                        "legitimate-neighbour"
                    } else {
                        "intended"
                    },
                    relay: format!("mx.{}[{}]:25", intended.domain, intended.ip),
                    fate: match rng.u16(..200) {
                        0 => Fate::Bounced,
                        1..=3 => Fate::LateSent,
                        _ => Fate::Sent,
                    },
                },
            };
            push_unique(&mut rcpts, r);
        }
        let id = qid(&mut seq);
        let t0 = time_of_day(&mut rng);
        let bytes = size(&mut rng);
        let end = write_message(&mut w, &id, &sender, bytes, &rcpts, t0, &mut rng);
        for r in &rcpts {
            let outcome = match r.fate {
                Fate::Local | Fate::Sent | Fate::LateSent => Outcome::Sent,
                Fate::Bounced => Outcome::Bounced,
                Fate::Expired => Outcome::Expired,
            };
            truth.push(TruthRow {
                day: format!("{year:04}-{month:02}-{dom:02}"),
                queue_id: id.clone(),
                sender: sender.clone(),
                recipient: format!("{}@{}", r.local, r.domain),
                domain: r.domain.clone(),
                intended: r.intended.clone(),
                kind: r.kind,
                class: r.class,
                outcome,
                size: bytes,
            });
        }
        totals.message(
            &sender,
            bytes,
            rcpts
                .iter()
                .map(|r| (r.domain.as_str(), r.local.as_str(), outcome_of(r.fate))),
        );
        // Non-delivery notice to the sender for bounced or expired recipients.
        if rcpts
            .iter()
            .any(|r| matches!(r.fate, Fate::Bounced | Fate::Expired))
        {
            let nid = qid(&mut seq);
            let nbytes = 2000 + bytes.min(10_000);
            w.push(
                end,
                "cleanup",
                format!("{nid}: message-id=<{}.{nid}@mx1.{ORG_DOMAIN}>", day),
            );
            w.push(
                end,
                "bounce",
                format!("{id}: sender non-delivery notification: {nid}"),
            );
            w.push(
                end,
                "qmgr",
                format!("{nid}: from=<>, size={nbytes}, nrcpt=1 (queue active)"),
            );
            w.push(end, "local", format!("{nid}: to=<{sender}>, relay=local, delay=0.01, delays=0/0/0/0, dsn=2.0.0, status=sent (delivered to mailbox)"));
            w.push(end, "qmgr", format!("{nid}: removed"));
            let local = &org.users[user];
            totals.message(
                "",
                nbytes,
                [(ORG_DOMAIN, local.as_str(), Outcome::Sent)].into_iter(),
            );
        }
        w.push(end, "qmgr", format!("{id}: removed"));
        // Noise: connections, TLS, statistics.
        if rng.f64() < traffic.noise {
            let c = rng.u8(1..250);
            w.push(
                t0,
                "smtpd",
                format!("connect from ws{c}.{ORG_DOMAIN}[10.0.0.{c}]"),
            );
            w.push(t0 + 1, "smtpd", format!("disconnect from ws{c}.{ORG_DOMAIN}[10.0.0.{c}] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5"));
            w.push(t0 + 1, "smtp", "Trusted TLS connection established to mx.example.net[192.0.2.1]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)".into());
        }
    }
    let messages = u64::from(seq);
    let mut lines = w.lines;
    lines.sort_by_key(|l| (l.t, l.seq));
    let mut log = Vec::with_capacity(lines.iter().map(|l| l.text.len() + 1).sum());
    for l in lines {
        log.extend_from_slice(l.text.as_bytes());
        log.push(b'\n');
    }
    Day {
        log,
        truth,
        totals,
        messages,
    }
}

fn outcome_of(f: Fate) -> Outcome {
    match f {
        Fate::Local | Fate::Sent | Fate::LateSent => Outcome::Sent,
        Fate::Bounced => Outcome::Bounced,
        Fate::Expired => Outcome::Expired,
    }
}

/// Postfix writes one line per recipient; a recipient typed twice in one
/// message is one recipient.
fn push_unique(v: &mut Vec<Rcpt>, r: Rcpt) {
    if !v.iter().any(|x| x.local == r.local && x.domain == r.domain) {
        v.push(r);
    }
}

/// Writes a message's lines; returns the time of its last line.
fn write_message(
    w: &mut Writer<'_>,
    id: &str,
    sender: &str,
    bytes: u64,
    rcpts: &[Rcpt],
    t0: u32,
    rng: &mut Rng,
) -> u32 {
    let ws = rng.u8(1..250);
    w.push(
        t0,
        "smtpd",
        format!("{id}: client=ws{ws}.{ORG_DOMAIN}[10.0.0.{ws}]"),
    );
    w.push(
        t0,
        "cleanup",
        format!("{id}: message-id=<{id}.{t0}@{ORG_DOMAIN}>"),
    );
    w.push(
        t0,
        "qmgr",
        format!(
            "{id}: from=<{sender}>, size={bytes}, nrcpt={} (queue active)",
            rcpts.len()
        ),
    );
    let mut end = t0 + 1;
    let mut expired = false;
    for r in rcpts {
        let to = format!("{}@{}", r.local, r.domain);
        let t = t0 + 1 + rng.u32(..3);
        match r.fate {
            Fate::Local => w.push(t, "local", format!("{id}: to=<{to}>, relay=local, delay=0.1, delays=0.1/0/0/0, dsn=2.0.0, status=sent (delivered to mailbox)")),
            Fate::Sent => w.push(t, "smtp", format!("{id}: to=<{to}>, relay={}, delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as {:X})", r.relay, rng.u64(..u64::from(u32::MAX)))),
            Fate::LateSent => {
                w.push(t, "smtp", format!("{id}: to=<{to}>, relay=none, delay=30, delays=0.1/0/30/0, dsn=4.4.1, status=deferred (connect to {}: Connection timed out)", r.relay));
                let t2 = t + 900;
                w.push(t2, "qmgr", format!("{id}: from=<{sender}>, size={bytes}, nrcpt={} (queue active)", rcpts.len()));
                w.push(t2 + 1, "smtp", format!("{id}: to=<{to}>, relay={}, delay=901, delays=900/0/0.5/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok)", r.relay));
                end = end.max(t2 + 1);
            }
            Fate::Bounced => w.push(t, "smtp", format!("{id}: to=<{to}>, relay={}, delay=0.8, delays=0.1/0/0.4/0.3, dsn=5.1.1, status=bounced (host {} said: 550 5.1.1 <{to}>: Recipient address rejected: User unknown (in reply to RCPT TO command))", r.relay, r.relay.trim_end_matches(":25"))),
            Fate::Expired => {
                for k in 0..4u32 {
                    let tk = t + k * 3600;
                    if k > 0 {
                        w.push(tk, "qmgr", format!("{id}: from=<{sender}>, size={bytes}, nrcpt={} (queue active)", rcpts.len()));
                    }
                    w.push(tk + 30, "smtp", format!("{id}: to=<{to}>, relay=none, delay={}, delays={}/0/30/0, dsn=4.4.1, status=deferred (connect to {}: Connection refused)", k * 3600 + 30, k * 3600, r.relay));
                }
                expired = true;
                end = end.max(t + 4 * 3600);
            }
        }
        end = end.max(t);
    }
    if expired {
        w.push(
            end,
            "qmgr",
            format!("{id}: from=<{sender}>, status=expired, returned to sender"),
        );
    }
    end
}
