//! The simulated organisation: its users, the domains they write to (with
//! a heavy tail), each user's address book, the lookalikes of each intended
//! domain, and the misdirections decided ahead of time (sticky ones: a
//! wrong address saved once and reused for weeks).
//!
//! Everything here is decided from the seed alone, before any day is
//! written, so days can be written in parallel and still be deterministic.

use fastrand::Rng;

use crate::lookalike::builtin::{
    LEGITIMATE_NEIGHBOURS, PROVIDERS, SENSITIVE_DOMAINS, SENSITIVE_SUFFIXES,
};
use crate::lookalike::kind::Kind;
use crate::lookalike::permute::permute;

/// The organisation's own mail domain (its servers' names are under it).
pub const ORG_DOMAIN: &str = "example.org";

/// The organisation's departments and the mail domain each sends from: the
/// headquarters and operations under the main domain, a research lab on a
/// subdomain, a subsidiary on a domain of its own.
pub const DEPARTMENTS: [(&str, &str); 4] = [
    ("headquarters", ORG_DOMAIN),
    ("operations", ORG_DOMAIN),
    ("research", "lab.example.org"),
    ("subsidiary", "example-group.net"),
];

/// What an intended domain is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Sensitive,
    Provider,
    Partner,
    LongTail,
    /// Legitimate in its own right although it looks like a lookalike: must
    /// never be flagged.
    Neighbour,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Sensitive => "sensitive",
            Class::Provider => "provider",
            Class::Partner => "partner",
            Class::LongTail => "long-tail",
            Class::Neighbour => "legitimate-neighbour",
        }
    }
}

/// How a lookalike domain answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// Accepts everything: the mail leaks.
    Accepts,
    /// Refuses with 5xx: the mail bounces.
    Bounces,
    /// Unreachable: deferred until the queue lifetime ends.
    Expires,
}

impl Behaviour {
    pub fn as_str(self) -> &'static str {
        match self {
            Behaviour::Accepts => "accepts",
            Behaviour::Bounces => "bounces",
            Behaviour::Expires => "expires",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Lookalike {
    pub domain: String,
    pub intended: u32,
    pub kind: Kind,
    pub behaviour: Behaviour,
    /// The receiving server (several lookalikes share collectors).
    pub mx: String,
    pub ip: String,
}

#[derive(Clone, Debug)]
pub struct Intended {
    pub domain: String,
    pub class: Class,
    pub ip: String,
    /// Indexes into `Org::lookalikes`.
    pub lookalikes: Vec<u32>,
}

#[derive(Clone, Debug)]
pub struct Correspondent {
    pub local: String,
    pub domain: u32,
}

/// A misdirection saved in an address book: from `from_day` to `to_day`
/// (inclusive), `user` writes to `correspondent` at `lookalike`.
#[derive(Clone, Debug)]
pub struct Sticky {
    pub user: u32,
    pub correspondent: u32,
    pub lookalike: u32,
    pub from_day: u32,
    pub to_day: u32,
}

pub struct Org {
    pub users: Vec<String>,
    pub intended: Vec<Intended>,
    pub lookalikes: Vec<Lookalike>,
    pub correspondents: Vec<Correspondent>,
    /// Per user: correspondent indexes, most written-to first.
    pub books: Vec<Vec<u32>>,
    pub sticky: Vec<Sticky>,
}

const FIRST: [&str; 24] = [
    "john", "mary", "james", "linda", "robert", "susan", "michael", "karen", "david", "lisa",
    "richard", "sarah", "joseph", "emma", "thomas", "anna", "daniel", "laura", "paul", "kate",
    "mark", "helen", "peter", "ruth",
];
const LAST: [&str; 24] = [
    "smith", "jones", "taylor", "brown", "williams", "wilson", "johnson", "davies", "robinson",
    "wright", "thompson", "evans", "walker", "white", "roberts", "green", "hall", "wood",
    "jackson", "clarke", "patel", "khan", "lewis", "harris",
];
const SURNAME: [&str; 32] = [
    "ash", "ber", "cott", "dale", "el", "ford", "gar", "ham", "ing", "kins", "ley", "mor", "ney",
    "oak", "per", "ridge", "son", "ton", "vell", "wick", "yard", "ald", "bright", "caw", "dun",
    "ew", "fal", "gil", "hurst", "lan", "mond", "rey",
];
const SYLLABLES: [&str; 24] = [
    "nor", "th", "wind", "blue", "stone", "lake", "ver", "dant", "quan", "tum", "aero", "tek",
    "mar", "con", "sol", "ar", "io", "net", "lux", "pro", "gen", "tri", "via", "zen",
];
const TLDS: [&str; 8] = ["com", "net", "co.uk", "de", "fr", "org", "io", "com.au"];

/// A person's local part. Surnames are mostly made of syllables, so, as in
/// real address books, most local parts are found at one domain only (and
/// a misdirected one is recognisable by the same person's correct address).
fn person(rng: &mut Rng) -> String {
    let f = FIRST[rng.usize(..FIRST.len())];
    let made: String;
    let l = if rng.u8(..4) == 0 {
        LAST[rng.usize(..LAST.len())]
    } else {
        let n = rng.usize(2..4);
        made = (0..n)
            .map(|_| SURNAME[rng.usize(..SURNAME.len())])
            .collect();
        &made
    };
    match rng.u8(..4) {
        0 => format!("{f}.{l}"),
        1 => format!("{}.{l}", &f[..1]),
        2 => format!("{f}.{l}{}", rng.u8(1..99)),
        _ => format!("{f}_{l}"),
    }
}

fn company(rng: &mut Rng) -> String {
    let n = rng.usize(2..4);
    let name: String = (0..n)
        .map(|_| SYLLABLES[rng.usize(..SYLLABLES.len())])
        .collect();
    let tld = TLDS[rng.usize(..TLDS.len())];
    if rng.bool() {
        format!("{name}.{tld}")
    } else {
        format!("{name}-{}.{tld}", SYLLABLES[rng.usize(..SYLLABLES.len())])
    }
}

/// The kinds misdirections are drawn from, with weights: suffix slips
/// (`.mil` -> `.ml`, `.com` -> `.co`) and missing dots are the ones seen
/// in the studies; the rest share the remainder.
const KINDS: [(Kind, u32); 12] = [
    (Kind::SuffixOmission, 30),
    (Kind::MissingDot, 10),
    (Kind::Transposition, 10),
    (Kind::Omission, 10),
    (Kind::SubstitutionKeyboard, 10),
    (Kind::Repetition, 5),
    (Kind::Insertion, 5),
    (Kind::SuffixSubstitution, 5),
    (Kind::SuffixAppended, 5),
    (Kind::Homoglyph, 3),
    (Kind::SubstitutionVisual, 4),
    (Kind::Hyphenation, 3),
];

/// Whether someone outside could register the lookalike and receive mail
/// for it: its public suffix is real, and it is not under a suffix that
/// only governments and armed forces can register in (`.mil`, `.gov.uk`).
fn registrable_by_anyone(domain: &str) -> bool {
    let known = psl::suffix(domain.as_bytes()).is_some_and(|s| s.is_known());
    let restricted = SENSITIVE_SUFFIXES
        .iter()
        .any(|s| domain == *s || domain.ends_with(&format!(".{s}")));
    known && !restricted
}

fn ip(rng: &mut Rng, net: &str) -> String {
    format!("{net}.{}.{}", rng.u8(0..255), rng.u8(1..255))
}

impl Org {
    /// `users` people; the number of long-tail correspondent domains grows
    /// with them.
    /// The department of user `u` (fixed by its number, so adding
    /// departments draws nothing from the seed).
    pub fn department(&self, u: usize) -> usize {
        u * 7 % DEPARTMENTS.len()
    }

    /// The mail domain user `u` sends from and receives at.
    pub fn domain_of(&self, u: usize) -> &'static str {
        DEPARTMENTS[self.department(u)].1
    }

    pub fn new(seed: u64, users: usize) -> Org {
        let mut rng = Rng::with_seed(seed);
        let users_v: Vec<String> = {
            let mut seen = std::collections::BTreeSet::new();
            let mut v = Vec::new();
            while v.len() < users.max(1) {
                let p = person(&mut rng);
                if seen.insert(p.clone()) {
                    v.push(p);
                }
            }
            v
        };
        let mut intended = Vec::new();
        let push = |intended: &mut Vec<Intended>, d: &str, class: Class, rng: &mut Rng| {
            intended.push(Intended {
                domain: d.to_string(),
                class,
                ip: ip(rng, "192.0"),
                lookalikes: Vec::new(),
            })
        };
        for d in SENSITIVE_DOMAINS.iter().take(40) {
            push(&mut intended, d, Class::Sensitive, &mut rng);
        }
        for d in PROVIDERS.iter().take(20) {
            push(&mut intended, d, Class::Provider, &mut rng);
        }
        let mut names: std::collections::BTreeSet<String> =
            intended.iter().map(|i| i.domain.clone()).collect();
        let tail = 50 + users.max(1) * 2;
        let mut made = 0;
        while made < tail {
            let d = company(&mut rng);
            if names.insert(d.clone()) {
                let class = if made < 30 {
                    Class::Partner
                } else {
                    Class::LongTail
                };
                push(&mut intended, &d, class, &mut rng);
                made += 1;
            }
        }
        // Legitimate neighbours near the providers and sensitive domains,
        // written to as intended.
        for d in LEGITIMATE_NEIGHBOURS.iter().step_by(25).take(12) {
            if names.insert(d.to_string()) {
                push(&mut intended, d, Class::Neighbour, &mut rng);
            }
        }
        // Lookalikes: for the sensitive domains and providers, and some
        // partners and long-tail domains.
        let collectors: Vec<(String, String)> = (0..6)
            .map(|i| {
                (
                    format!("mx{i}.collector{}.example", i % 3),
                    ip(&mut rng, "198.51"),
                )
            })
            .collect();
        let mut lookalikes = Vec::new();
        let taken = names.clone();
        let mut used: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        let total_weight: u32 = KINDS.iter().map(|k| k.1).sum();
        for (idx, item) in intended.iter_mut().enumerate() {
            let class = item.class;
            let count = match class {
                Class::Sensitive => 2,
                Class::Provider => 2,
                Class::Partner => 1,
                Class::LongTail if rng.u8(..4) == 0 => 1,
                _ => 0,
            };
            for _ in 0..count * 3 {
                if item.lookalikes.len() >= count {
                    break;
                }
                let mut pick = rng.u32(..total_weight);
                let kind = KINDS
                    .iter()
                    .find(|(_, w)| {
                        if pick < *w {
                            true
                        } else {
                            pick -= w;
                            false
                        }
                    })
                    .map_or(Kind::Omission, |k| k.0);
                let domain = &item.domain;
                let options: Vec<_> = permute(domain, &[kind])
                    .into_iter()
                    .filter(|p| !taken.contains(&p.domain) && !used.contains(&p.domain))
                    .filter(|p| !LEGITIMATE_NEIGHBOURS.contains(&p.domain.as_str()))
                    .filter(|p| registrable_by_anyone(&p.domain))
                    .collect();
                if options.is_empty() {
                    continue;
                }
                let p = &options[rng.usize(..options.len())];
                used.insert(p.domain.clone());
                let behaviour = match rng.u8(..20) {
                    0..=11 => Behaviour::Accepts,
                    12..=16 => Behaviour::Bounces,
                    _ => Behaviour::Expires,
                };
                let (mx, ip) = if rng.bool() {
                    collectors[rng.usize(..collectors.len())].clone()
                } else {
                    (format!("mx.{}", p.domain), ip(&mut rng, "203.0"))
                };
                item.lookalikes.push(lookalikes.len() as u32);
                lookalikes.push(Lookalike {
                    domain: p.domain.clone(),
                    intended: idx as u32,
                    kind: p.kind,
                    behaviour,
                    mx,
                    ip,
                });
            }
        }
        // Correspondents: people at the intended domains, the heavy tail
        // coming from a Zipf-like draw over domains by rank.
        let n_corr = 30 + users.max(1) * 8;
        let weights = zipf_cumulative(intended.len(), 1.0);
        let correspondents: Vec<Correspondent> = (0..n_corr)
            .map(|_| Correspondent {
                local: person(&mut rng),
                domain: draw(&weights, &mut rng) as u32,
            })
            .collect();
        let books: Vec<Vec<u32>> = (0..users_v.len())
            .map(|_| {
                let n = rng.usize(10..40);
                (0..n).map(|_| rng.u32(..n_corr as u32)).collect()
            })
            .collect();
        Org {
            users: users_v,
            intended,
            lookalikes,
            correspondents,
            books,
            sticky: Vec::new(),
        }
    }

    /// Decides the sticky misdirections over `days` days.
    pub fn plan_sticky(&mut self, seed: u64, days: u32, per_year: f64) {
        let mut rng = Rng::with_seed(seed ^ 0x5717_c4e5);
        let n = ((f64::from(days) / 365.0) * per_year).round() as usize;
        for _ in 0..n {
            let user = rng.u32(..self.users.len() as u32);
            let book = &self.books[user as usize];
            let correspondent = book[rng.usize(..book.len().min(5))];
            let intended = self.correspondents[correspondent as usize].domain;
            let options = &self.intended[intended as usize].lookalikes;
            if options.is_empty() {
                continue;
            }
            let lookalike = options[rng.usize(..options.len())];
            let from_day = rng.u32(..days);
            let to_day = (from_day + rng.u32(14..120)).min(days - 1);
            self.sticky.push(Sticky {
                user,
                correspondent,
                lookalike,
                from_day,
                to_day,
            });
        }
    }
}

/// Cumulative weights of ranks 1..=n under Zipf with exponent `s`.
pub fn zipf_cumulative(n: usize, s: f64) -> Vec<f64> {
    let mut acc = 0.0;
    (1..=n)
        .map(|r| {
            acc += 1.0 / (r as f64).powf(s);
            acc
        })
        .collect()
}

/// An index drawn with the cumulative weights `cum`.
pub fn draw(cum: &[f64], rng: &mut Rng) -> usize {
    let x = rng.f64() * cum.last().copied().unwrap_or(1.0);
    cum.partition_point(|&c| c <= x).min(cum.len() - 1)
}
