//! One simulated day: the messages the organisation sent and what became
//! of each recipient, written by the renderers of the formats asked for
//! (`render/`), with the ground truth of every recipient and the per-domain
//! totals misdirect must reproduce. A day depends only on the seed and the
//! organisation, so days are written in parallel.
//!
//! The simulated servers keep a message for at most four hours, and every
//! line of a message is in its day's file (the last minutes of a day are
//! clamped to 23:59:59).

use fastrand::Rng;

use super::org::{draw, zipf_cumulative, Behaviour, Class, Org};
use super::render::{DayStamp, Fate, Lines, Rcpt, SimMessage, SynthFormat};
use super::truth::{DomainTotals, Outcome, TruthRow};
use crate::leak::markings::{NO_SUBJECT, UNMARKED};

/// The simulated traffic's parameters.
#[derive(Clone, Debug)]
pub struct Traffic {
    pub messages_per_day: f64,
    /// Share of recipients misdirected by a fresh slip.
    pub typo_rate: f64,
    /// Yearly growth of the traffic (0.1 = 10% more each year).
    pub growth: f64,
    /// Share of messages followed by noise lines (connections, TLS).
    pub noise: f64,
}

/// A written day.
pub struct Day {
    /// The day's file contents, one per format asked for, in that order.
    pub logs: Vec<Vec<u8>>,
    pub truth: Vec<TruthRow>,
    pub totals: DomainTotals,
    /// Messages written, non-delivery notices included.
    pub messages: u64,
}

/// A working-hours time of day, in milliseconds.
fn time_of_day(rng: &mut Rng) -> u32 {
    let hour = if rng.u8(..10) < 8 {
        8 + rng.u32(..10)
    } else {
        rng.u32(..24)
    };
    (hour * 3600 + rng.u32(..3600)) * 1000 + rng.u32(..1000)
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

/// Writes day number `day` (days since 1970-01-01) of the simulation in
/// each of `formats` (each message in one of them, drawn at random);
/// `index` counts days from the start; `upgraded`: the servers run their
/// newer configuration (Postfix long queue IDs, Exim 4.97 message IDs).
pub fn write_day(
    org: &Org,
    traffic: &Traffic,
    seed: u64,
    day: i64,
    index: u32,
    formats: &[SynthFormat],
    upgraded: bool,
) -> Day {
    let mut rng = Rng::with_seed(seed ^ (day as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let stamp = DayStamp::new(day);
    let weekday = (day + 4).rem_euclid(7); // 0 = Sunday
    let weekend = weekday == 0 || weekday == 6;
    let years = f64::from(index) / 365.0;
    let mean = traffic.messages_per_day
        * (1.0 + traffic.growth).powf(years)
        * if weekend { 0.15 } else { 1.0 };
    let n = (mean * (0.8 + 0.4 * rng.f64())).round() as u32;
    let user_weights = zipf_cumulative(org.users.len(), 0.6);
    let book_weights = zipf_cumulative(64, 1.1);
    let mut renderers: Vec<_> = formats
        .iter()
        .map(|f| f.renderer(&stamp, upgraded))
        .collect();
    let mut lines: Vec<Lines> = formats.iter().map(|_| Lines::default()).collect();
    let mut write_rng = Rng::with_seed(seed ^ day as u64 ^ 0x0f1d);
    let mut truth = Vec::new();
    let mut totals = DomainTotals::default();
    let mut messages = 0u64;
    let day_text = stamp.iso();
    for seq in 1..=n {
        let user = draw(&user_weights, &mut rng);
        let sender = format!("{}@{}", org.users[user], org.domain_of(user));
        let rcpts = recipients(org, traffic, user, index, &book_weights, &mut rng);
        let (subject, marking) = super::subjects::draw(&mut rng);
        let m = SimMessage {
            seq,
            host: u8::from(rng.u8(..10) < 3),
            sender,
            bytes: size(&mut rng),
            rcpts,
            t0: time_of_day(&mut rng),
            subject,
        };
        let k = if formats.len() > 1 {
            rng.usize(..formats.len())
        } else {
            0
        };
        let r = &mut renderers[k];
        let written = r.message(&mut lines[k], &m, &mut write_rng);
        let marking = match marking {
            _ if !r.logs_subjects() => NO_SUBJECT,
            Some(name) => name,
            None => UNMARKED,
        };
        messages += 1 + written.notices.len() as u64;
        for x in &m.rcpts {
            truth.push(TruthRow {
                day: day_text.clone(),
                queue_id: written.id.clone(),
                sender: m.sender.clone(),
                recipient: x.address(),
                domain: x.domain.clone(),
                intended: x.intended.clone(),
                kind: x.kind,
                class: x.class,
                outcome: r.outcome(x.fate),
                size: m.bytes,
                marking,
            });
        }
        totals.message(
            &m.sender,
            m.bytes,
            m.rcpts
                .iter()
                .map(|x| (x.domain.as_str(), x.local.as_str(), r.outcome(x.fate))),
        );
        // Each non-delivery notice is a message to the sender's mailbox.
        for notice in &written.notices {
            totals.message(
                &notice.from,
                notice.bytes,
                [(org.domain_of(user), org.users[user].as_str(), Outcome::Sent)].into_iter(),
            );
        }
        if rng.f64() < traffic.noise {
            r.noise(&mut lines[k], m.t0, &mut write_rng);
        }
    }
    let logs = lines
        .into_iter()
        .zip(&renderers)
        .map(|(l, r)| l.finish(r.as_ref()))
        .collect();
    Day {
        logs,
        truth,
        totals,
        messages,
    }
}

/// Servers log one line per recipient; a recipient typed twice in one
/// message is one recipient.
fn push_unique(v: &mut Vec<Rcpt>, r: Rcpt) {
    if !v.iter().any(|x| x.local == r.local && x.domain == r.domain) {
        v.push(r);
    }
}

/// The recipients of a message from `user` on day `index`: colleagues,
/// correspondents from the address book (heavy-tailed), some misdirected
/// by a fresh slip or a saved wrong address.
fn recipients(
    org: &Org,
    traffic: &Traffic,
    user: usize,
    index: u32,
    book_weights: &[f64],
    rng: &mut Rng,
) -> Vec<Rcpt> {
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
            // A colleague: a mailbox on this server.
            let ci = rng.usize(..org.users.len());
            let c = &org.users[ci];
            push_unique(
                &mut rcpts,
                Rcpt {
                    local: c.clone(),
                    domain: org.domain_of(ci).into(),
                    intended: org.domain_of(ci).into(),
                    kind: "",
                    class: "internal",
                    mx: String::new(),
                    ip: String::new(),
                    fate: Fate::Local,
                },
            );
            continue;
        }
        let pick = draw(&book_weights[..book.len().min(64)], rng);
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
                    mx: l.mx.clone(),
                    ip: l.ip.clone(),
                    fate: match l.behaviour {
                        Behaviour::Accepts => Fate::Sent,
                        Behaviour::Bounces => Fate::Bounced,
                        Behaviour::Expires => Fate::Expired,
                    },
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
                mx: format!("mx.{}", intended.domain),
                ip: intended.ip.clone(),
                fate: match rng.u16(..200) {
                    0 => Fate::Bounced,
                    1..=3 => Fate::LateSent,
                    _ => Fate::Sent,
                },
            },
        };
        push_unique(&mut rcpts, r);
    }
    rcpts
}
