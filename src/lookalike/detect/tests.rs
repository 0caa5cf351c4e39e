use std::collections::HashMap;

use super::*;

/// Logs described by hand: domain -> (messages, senders, sent, failed), and
/// shared local parts and corrections by pair.
#[derive(Default)]
struct Mock {
    domains: HashMap<&'static str, (u64, u64, u64, u64)>,
    shared: HashMap<(&'static str, &'static str), u64>,
    corrections: HashMap<(&'static str, &'static str), u64>,
}

impl Observations for Mock {
    fn domains(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.domains.keys().copied().collect();
        v.sort();
        v
    }
    fn messages(&self, d: &str) -> u64 {
        self.domains.get(d).map_or(0, |x| x.0)
    }
    fn senders(&self, d: &str) -> u64 {
        self.domains.get(d).map_or(0, |x| x.1)
    }
    fn seen(&self, d: &str) -> bool {
        self.domains.contains_key(d)
    }
    fn outcomes(&self, d: &str) -> (u64, u64) {
        self.domains.get(d).map_or((0, 0), |x| (x.2, x.3))
    }
    fn shared_local_parts(&self, a: &str, b: &str) -> u64 {
        self.shared
            .iter()
            .find(|((x, y), _)| (*x == a && *y == b) || (*x == b && *y == a))
            .map_or(0, |(_, n)| *n)
    }
    fn self_corrections(&self, from: &str, to: &str) -> u64 {
        self.corrections
            .iter()
            .find(|((x, y), _)| *x == from && *y == to)
            .map_or(0, |(_, n)| *n)
    }
    fn co_recipients(&self, _: &str, _: &str) -> u64 {
        0
    }
}

fn found(spec: &TargetSpec, m: &Mock) -> Vec<(String, String)> {
    detect(spec, m)
        .into_iter()
        .map(|f| (f.domain, f.intended))
        .collect()
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

#[test]
fn legitimate_neighbours_are_not_typos_of_each_other() {
    let mut m = Mock::default();
    for d in [
        "gmx.de",
        "gmx.at",
        "gmail.com",
        "mail.com",
        "ymail.com",
        "web.de",
        "web.dk",
    ] {
        m.domains.insert(d, (5_000, 800, 5_000, 0));
    }
    // Even when one is much rarer than the other.
    m.domains.insert("gmx.at", (40, 12, 40, 0));
    m.domains.insert("web.dk", (3, 2, 3, 0));
    assert_eq!(found(&TargetSpec::default(), &m), []);
}

#[test]
fn comparable_traffic_is_a_domain_in_its_own_right() {
    // Two subsidiaries of one company, each written to by many.
    let mut m = Mock::default();
    m.domains.insert("acme-uk.com", (9_000, 700, 9_000, 0));
    m.domains.insert("acme-us.com", (7_000, 650, 7_000, 0));
    assert_eq!(found(&TargetSpec::default(), &m), []);
}

#[test]
fn a_busy_lookalike_is_still_a_typo_when_it_shares_recipients() {
    // The .ml case: thousands of messages from hundreds of senders over
    // years, against millions to the real domain, with shared local parts.
    let mut m = Mock::default();
    m.domains
        .insert("army.mil", (2_000_000, 40_000, 2_000_000, 0));
    m.domains.insert("army.ml", (5_000, 600, 5_000, 0));
    m.shared.insert(("army.ml", "army.mil"), 350);
    let f = detect(&TargetSpec::default(), &m);
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].intended.as_str(), f[0].live_cctld, f[0].country),
        ("army.mil", Some("ml"), Some("Mali"))
    );
    assert!(f[0].score.value > 0.95);
    // Without built-in targets the logs alone still say so.
    let spec = TargetSpec {
        builtin: false,
        ..TargetSpec::default()
    };
    assert_eq!(found(&spec, &m), [pair("army.ml", "army.mil")]);
}

#[test]
fn inferred_targets_need_more_than_traffic() {
    let spec = TargetSpec {
        builtin: false,
        ..TargetSpec::default()
    };
    let mut m = Mock::default();
    m.domains
        .insert("northwind.co.uk", (20_000, 300, 20_000, 0));
    m.domains.insert("nortwhind.co.uk", (4, 2, 4, 0));
    // A rare transposition, delivered, with no shared person: a suspect,
    // below the line.
    let f = assess(
        &spec,
        &spec.matcher(inferred_targets(&m)),
        &m,
        "nortwhind.co.uk",
    )
    .unwrap();
    assert_eq!(f.intended, "northwind.co.uk");
    assert!(f.score.value < DEFAULT_MIN_SCORE_FOR_TEST, "{:?}", f.score);
    // Had every delivery bounced, the domain would look dead: on the line.
    m.domains.insert("nortwhind.co.uk", (4, 2, 0, 4));
    assert_eq!(
        found(&spec, &m),
        [pair("nortwhind.co.uk", "northwind.co.uk")]
    );
    m.domains.insert("nortwhind.co.uk", (4, 2, 4, 0));
    // The same local part at both, and a sender who corrected themselves.
    m.shared.insert(("nortwhind.co.uk", "northwind.co.uk"), 2);
    m.corrections
        .insert(("nortwhind.co.uk", "northwind.co.uk"), 1);
    assert_eq!(
        found(&spec, &m),
        [pair("nortwhind.co.uk", "northwind.co.uk")]
    );
    // The rarer domain is never the intended one.
    m.domains
        .insert("nortwhind.co.uk", (30_000, 400, 30_000, 0));
    assert!(found(&spec, &m).iter().all(|(d, _)| d != "nortwhind.co.uk"));
}

const DEFAULT_MIN_SCORE_FOR_TEST: f64 = crate::lookalike::targets::DEFAULT_MIN_SCORE;

#[test]
fn allow_list_and_explicit_targets() {
    let mut m = Mock::default();
    m.domains.insert("army.ml", (10, 3, 10, 0));
    m.domains.insert("partner.co", (10, 3, 10, 0));
    let mut spec = TargetSpec {
        builtin: false,
        ..TargetSpec::default()
    };
    spec.add(crate::lookalike::targets::Target::Suffix("mil".into()));
    spec.add(crate::lookalike::targets::Target::Domain(
        "partner.com".into(),
    ));
    assert_eq!(
        found(&spec, &m),
        [
            pair("army.ml", "army.mil"),
            pair("partner.co", "partner.com")
        ]
    );
    spec.add_allow("army.ml".into());
    assert_eq!(found(&spec, &m), [pair("partner.co", "partner.com")]);
}
