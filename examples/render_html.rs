//! Writes `report.html` for a made-up leak report, to look at the page and
//! to run `scripts/check-report-html.sh` against before a real scan can
//! fill a report.
//!
//!     cargo run --release --example render_html -- /tmp/sample/report.html
//!
//! The numbers are invented but consistent enough to look like a real run:
//! three intended domains, five years of months, a few hundred senders.
//! It is not a test of `leak::build`, which computes real reports.

use std::path::PathBuf;

use misdirect::leak::{
    ClusterRow, Event, Headline, LeakReport, Measures, OrgDomains, Outcome, PatternRow,
    RecipientRow, SenderRow, SenderScope, TimelineRow,
};
use misdirect::report::html::{render, HtmlContext};
use misdirect::time::{Civil, Micros, DAY};

fn at(year: i32, month: u8, day: u8) -> Micros {
    Civil {
        year,
        month,
        day,
        hour: 12,
        minute: 0,
        second: 0,
        micros: 0,
    }
    .to_micros_utc()
}

fn measures(leaked: u64, attempted: u64, senders: u64, first: Micros, last: Micros) -> Measures {
    Measures {
        messages_attempted: attempted,
        messages_leaked: leaked,
        deliveries: attempted + attempted / 5,
        deliveries_sent: leaked + leaked / 6,
        deliveries_bounced: (attempted - leaked) * 2 / 3,
        deliveries_expired: (attempted - leaked) / 6,
        deliveries_pending: (attempted - leaked) / 6,
        bytes_leaked: leaked * 171_233,
        leaked_messages_without_size: 0,
        senders,
        senders_leaked: senders,
        recipients: senders * 2 + 3,
        first_seen: Some(first),
        last_seen: Some(last),
        first_leak: Some(first),
        last_leak: Some(last),
    }
}

/// (intended, lookalikes, leaked messages, attempted messages, senders)
type Cluster = (&'static str, &'static [&'static str], u64, u64, u64);

const CLUSTERS: [Cluster; 5] = [
    (
        "army.mil",
        &["army.ml", "arrny.mil", "amry.mil"],
        9_870,
        10_412,
        904,
    ),
    ("navy.mil", &["navy.ml"], 1_911, 2_030, 211),
    ("af.mil", &["af.ml"], 650, 700, 89),
    (
        "partner.co.uk",
        &["partner.co.uk.com", "partner.uk"],
        0,
        74,
        12,
    ),
    (
        "gmail.com",
        &[
            "gmial.com",
            "gmail.con",
            "gmai.com",
            "gnail.com",
            "gmaill.com",
        ],
        0,
        310,
        140,
    ),
];

fn clusters(first: Micros, last: Micros) -> Vec<ClusterRow> {
    CLUSTERS
        .iter()
        .map(
            |(intended, lookalikes, leaked, attempted, senders)| ClusterRow {
                intended: intended.to_string(),
                lookalikes: lookalikes.iter().map(|s| s.to_string()).collect(),
                measures: measures(*leaked, *attempted, *senders, first, last),
                intended_messages: attempted * 40,
                astray_share: 1.0 / 41.0,
            },
        )
        .collect()
}

fn patterns(first: Micros, last: Micros) -> Vec<PatternRow> {
    vec![
        PatternRow {
            pattern: "*.mil -> *.ml".into(),
            kind: "suffix-omission".into(),
            intended: vec!["army.mil".into(), "navy.mil".into(), "af.mil".into()],
            lookalikes: vec!["army.ml".into(), "navy.ml".into(), "af.ml".into()],
            measures: measures(12_431, 13_142, 1_204, first, last),
        },
        PatternRow {
            pattern: "*.co.uk -> *.co.uk.com".into(),
            kind: "suffix-appended".into(),
            intended: vec!["partner.co.uk".into()],
            lookalikes: vec!["partner.co.uk.com".into()],
            measures: measures(0, 74, 12, first, last),
        },
    ]
}

/// Leaked messages per month, rising and with a seasonal wobble.
fn timeline() -> Vec<TimelineRow> {
    let mut rows = Vec::new();
    for i in 0..64u64 {
        let (year, month) = (2019 + (i + 2) / 12, (i + 2) % 12 + 1);
        for (k, (intended, ..)) in CLUSTERS.iter().enumerate().take(3) {
            let leaked = (60 + i * 3 + (i * 7 % 11) * 6) / (k as u64 * 3 + 1);
            rows.push(TimelineRow {
                month: format!("{year:04}-{month:02}"),
                intended: intended.to_string(),
                attempted: leaked + 4,
                leaked,
                bytes_leaked: leaked * 171_233,
            });
        }
    }
    rows.sort_by(|a, b| a.month.cmp(&b.month).then(a.intended.cmp(&b.intended)));
    rows
}

fn event(time: Micros, lookalike: &str, intended: &str, key: u64) -> Event {
    Event {
        time,
        file: "/var/log/mail.log.1".into(),
        line: key,
        host: "mx1".into(),
        queue_id: format!("4B{key:06X}").into(),
        message_id: format!("<{key}@corp.example>").into(),
        sender: format!("user{}@corp.example", key % 97).into(),
        recipient: format!("j.smith{}@{lookalike}", key % 13).into(),
        meant: format!("j.smith{}", key % 13).into(),
        lookalike: lookalike.into(),
        intended: intended.into(),
        kind: "suffix-omission".into(),
        pattern: "*.mil -> *.ml".into(),
        status: "sent",
        outcome: Outcome::Leaked,
        dsn: "2.0.0".into(),
        relay: format!("mx.{lookalike}[192.0.2.1]:25").into(),
        reply: "250 2.0.0 Ok: queued as 4F3B2A1C".into(),
        subject: String::new().into(),
        marking: "(no subject logged)".into(),
        size: Some(171_233),
        sticky: false,
        message_key: key,
    }
}

fn events(first: Micros) -> Vec<Event> {
    let per = [
        ("army.ml", "army.mil", 800),
        ("navy.ml", "navy.mil", 190),
        ("af.ml", "af.mil", 65),
        ("arrny.mil", "army.mil", 40),
        ("amry.mil", "army.mil", 12),
    ];
    let mut out = Vec::new();
    let mut key = 0;
    for (lookalike, intended, n) in per {
        for _ in 0..n {
            key += 1;
            out.push(event(
                first + key as i64 * DAY / 3,
                lookalike,
                intended,
                key,
            ));
        }
    }
    out
}

fn senders(first: Micros, last: Micros) -> Vec<SenderRow> {
    (0..180u64)
        .map(|i| SenderRow {
            scope: if i % 9 == 0 {
                SenderScope::Domain
            } else {
                SenderScope::Address
            },
            sender: if i % 9 == 0 {
                format!("unit{i}.corp.example")
            } else {
                format!("firstname.lastname{i}@corp.example")
            },
            in_org: i % 7 != 3,
            deliveries: 900 / (i + 1) + 3,
            leaked: 800 / (i + 1) + 1,
            messages_leaked: 780 / (i + 1) + 1,
            bytes_leaked: (780 / (i + 1) + 1) * 171_233,
            lookalikes: 1 + i % 3,
            sticky_recipients: u64::from(i % 4 == 0),
            first_seen: Some(first + i as i64 * DAY),
            last_seen: Some(last - i as i64 * 3 * DAY),
        })
        .collect()
}

fn recipients(first: Micros, last: Micros) -> Vec<RecipientRow> {
    (0..26u64)
        .map(|i| RecipientRow {
            recipient: format!("j.smith{i}@army.ml"),
            meant: format!("j.smith{i}"),
            lookalike: "army.ml".into(),
            intended: "army.mil".into(),
            deliveries: 300 / (i + 1) + 3,
            leaked: 290 / (i + 1) + 3,
            senders: 1 + i % 5,
            days: 40 / (i + 1) + 3,
            first_seen: Some(first + i as i64 * 20 * DAY),
            last_seen: Some(last - i as i64 * 9 * DAY),
            sticky: i % 5 != 4,
        })
        .collect()
}

fn sample() -> LeakReport {
    let (first, last) = (at(2019, 3, 4), at(2024, 6, 20));
    let logs_end = at(2024, 7, 1);
    let mut kinds = vec![
        ("suffix-omission".to_string(), 15_210, 14_700),
        ("transposition".to_string(), 420, 0),
        ("suffix-appended".to_string(), 88, 0),
        ("substitution-visual".to_string(), 61, 52),
        ("omission".to_string(), 40, 12),
    ];
    kinds.sort();
    let events = events(first);
    LeakReport {
        receivers: misdirect::leak::receivers::receivers(&events),
        markings: Vec::new(),
        subjects_logged: false,
        subjects_omitted: false,
        leaked_without_receiver: 0,
        headline: Headline {
            measures: measures(12_431, 13_526, 1_204, first, last),
            lookalike_domains: 12,
            clusters: 5,
            top_pattern: Some("*.mil -> *.ml".into()),
            top_cluster: Some("army.mil".into()),
            still_active: true,
            logs_end: Some(logs_end),
            logs_start: Some(at(2019, 1, 1)),
        },
        org: OrgDomains {
            domains: vec!["corp.example".into(), "corp-mail.example".into()],
            source: "inferred",
        },
        events,
        clusters: clusters(first, last),
        patterns: patterns(first, last),
        timeline: timeline(),
        senders: senders(first, last),
        recipients: recipients(first, last),
        kinds,
        redacted: false,
    }
}

fn main() -> std::io::Result<()> {
    let path = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("report.html"), PathBuf::from);
    let ctx = HtmlContext::new("/var/log/mail.log*", env!("CARGO_PKG_VERSION"));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&path, render(&sample(), &ctx))?;
    println!("{}", path.display());
    Ok(())
}
