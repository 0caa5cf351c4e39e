//! The leak reports on the bundled samples: exact numbers for every table
//! and summary.json, the same results whichever way the events are
//! gathered (kept, spilled to disk or read again), redaction, the period
//! filters and hostile addresses.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::util::*;

fn samples() -> PathBuf {
    root().join("samples/postfix")
}

fn run_samples(extra: &[&str]) -> (tempfile::TempDir, Run) {
    let out = tempfile::tempdir().unwrap();
    let r = scan(&[&samples()], out.path(), extra, 0);
    (out, r)
}

fn by(out: &Path, table: &str, key: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    read_csv(&out.join(format!("{table}.csv")))
        .into_iter()
        .map(|r| (r[key].clone(), r))
        .collect()
}

fn cols(row: &BTreeMap<String, String>, names: &[&str]) -> Vec<String> {
    names.iter().map(|n| row[*n].clone()).collect()
}

const MEASURES: [&str; 9] = [
    "messages_attempted",
    "messages_leaked",
    "deliveries_sent",
    "deliveries_bounced",
    "deliveries_expired",
    "deliveries_pending",
    "bytes_leaked",
    "senders",
    "recipients",
];

#[test]
fn clusters_patterns_and_totals_are_exact() {
    let (out, _) = run_samples(&[]);
    let c = by(out.path(), "clusters", "intended");
    // (intended) -> attempted, leaked, sent, bounced, expired, pending,
    // bytes leaked, senders, recipients. Checked against the log lines:
    // e.g. navy.mll's two recipients were deferred until their queue
    // lifetime ran out (expired), gmail.cm's two bounced with 550 5.1.1.
    let want: [(&str, [u64; 9]); 8] = [
        ("army.mil", [6, 6, 6, 0, 0, 0, 124_968, 6, 4]),
        ("gmail.com", [4, 2, 2, 2, 0, 0, 4_310, 3, 4]),
        ("navy.mil", [4, 2, 2, 0, 2, 0, 8_681, 4, 4]),
        ("aus.intel.com", [2, 2, 2, 0, 0, 0, 18_912, 2, 2]),
        ("outlook.com", [1, 1, 1, 0, 0, 0, 49_491, 1, 1]),
        ("partner.co.uk", [1, 1, 1, 0, 0, 0, 9_232, 1, 1]),
        ("mod.gov.uk", [2, 0, 0, 0, 2, 0, 0, 2, 2]),
        ("af.mil", [1, 0, 0, 1, 0, 0, 0, 1, 1]),
    ];
    assert_eq!(c.len(), want.len());
    for (intended, nums) in want {
        let got = cols(&c[intended], &MEASURES);
        let want: Vec<String> = nums.iter().map(u64::to_string).collect();
        assert_eq!(got, want, "cluster {intended}");
    }
    assert_eq!(c["navy.mil"]["lookalikes"], "navy.ml navy.mll");
    assert_eq!(c["army.mil"]["intended_messages"], "36");
    // 6 astray of 6 + 36.
    assert_eq!(c["army.mil"]["astray_share"], "0.1429");
    // Sorted by leaked messages.
    let order: Vec<String> = read_csv(&out.path().join("clusters.csv"))
        .iter()
        .map(|r| r["intended"].clone())
        .collect();
    assert_eq!(order[0], "army.mil");

    let p = by(out.path(), "patterns", "pattern");
    let mil = &p["*.mil -> *.ml"];
    assert_eq!(mil["intended"], "af.mil army.mil navy.mil");
    assert_eq!(mil["lookalikes"], "af.ml army.ml navy.ml");
    assert_eq!(
        cols(mil, &MEASURES),
        ["9", "8", "8", "1", "0", "0", "133649", "8", "7"]
    );
    assert_eq!(p["missing-dot"]["intended"], "aus.intel.com mod.gov.uk");
    assert_eq!(p["*.com -> *.co"]["lookalikes"], "outlook.co");
    assert_eq!(p.len(), 8);

    let s: serde_json::Value =
        serde_json::from_slice(&fs::read(out.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["totals"]["messages_leaked"], 14);
    assert_eq!(s["totals"]["messages_attempted"], 21);
    assert_eq!(s["totals"]["bytes_leaked"], 215_594);
    assert_eq!(s["totals"]["senders_leaked"], 10);
    assert_eq!(s["top_pattern"], "*.mil -> *.ml");
    assert_eq!(s["org_domains"]["domains"][0], "example.org");
    assert_eq!(s["org_domains"]["source"], "inferred");
    assert_eq!(s["complete"], true);
    assert_eq!(
        s["headline"],
        "14 messages (215.6 KB) were delivered to lookalike domains between 2026-12 and \
         2027-01, from 10 senders, 8 of them meant for *.mil but delivered to *.ml; and it is \
         still happening: the last leak was on 2027-01-01, the last day of the logs."
    );
}

#[test]
fn events_timeline_senders_and_recipients_are_exact() {
    let (out, _) = run_samples(&[]);
    let events = read_csv(&out.path().join("events.csv"));
    assert_eq!(events.len(), 21);
    let leaked = events.iter().filter(|e| e["outcome"] == "leaked").count();
    assert_eq!(leaked, 14);
    // The first event points at its log line.
    let e = &events[0];
    assert_eq!(
        cols(
            e,
            &[
                "time",
                "line",
                "sender",
                "recipient",
                "meant",
                "status",
                "dsn",
                "size"
            ]
        ),
        [
            "2026-12-31T23:57:37Z",
            "97",
            "bob@example.org",
            "john.smith@army.ml",
            "john.smith@army.mil",
            "sent",
            "2.0.0",
            "3558"
        ]
    );
    assert!(e["file"].ends_with("mail.log-20261231-235815.gz"));
    let line = 97;
    let text = {
        use std::io::Read;
        let mut s = String::new();
        flate2::read::MultiGzDecoder::new(fs::File::open(root().join(&e["file"])).unwrap())
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    let logged = text.lines().nth(line - 1).unwrap();
    assert!(
        logged.contains("to=<john.smith@army.ml>") && logged.contains("status=sent"),
        "{logged}"
    );

    let t = read_csv(&out.path().join("timeline.csv"));
    assert_eq!(t.len(), 11);
    let army = t
        .iter()
        .find(|r| r["month"] == "2026-12" && r["intended"] == "army.mil")
        .unwrap();
    assert_eq!(
        cols(
            army,
            &["messages_attempted", "messages_leaked", "bytes_leaked"]
        ),
        ["6", "6", "124968"]
    );

    let senders = read_csv(&out.path().join("senders.csv"));
    let dom: Vec<_> = senders.iter().filter(|r| r["scope"] == "domain").collect();
    assert_eq!(dom.len(), 1);
    assert_eq!(
        cols(
            dom[0],
            &[
                "sender",
                "in_org",
                "deliveries",
                "deliveries_leaked",
                "lookalikes"
            ]
        ),
        ["example.org", "true", "21", "14", "11"]
    );
    assert_eq!(senders.len(), 11);

    let r = by(out.path(), "recipients", "recipient");
    assert_eq!(r.len(), 19);
    assert_eq!(
        cols(
            &r["r.jones@army.ml"],
            &[
                "deliveries",
                "deliveries_leaked",
                "senders",
                "days",
                "sticky"
            ]
        ),
        ["3", "3", "3", "1", "false"]
    );
}

const LEAK_TABLES: [&str; 8] = [
    "clusters",
    "patterns",
    "events",
    "timeline",
    "senders",
    "recipients",
    "receivers",
    "markings",
];

#[test]
fn events_are_the_same_kept_spilled_or_read_twice() {
    let (base, _) = run_samples(&[]);
    for extra in [
        &[
            "--ledger-rare-limit",
            "0",
            "--ledger-budget",
            "0",
            "-j",
            "1",
        ][..],
        &[
            "--ledger-rare-limit",
            "1",
            "--ledger-budget",
            "100",
            "-j",
            "2",
        ][..],
    ] {
        let (out, _) = run_samples(extra);
        for t in LEAK_TABLES {
            for ext in ["csv", "parquet"] {
                let name = format!("{t}.{ext}");
                assert!(
                    fs::read(base.path().join(&name)).unwrap()
                        == fs::read(out.path().join(&name)).unwrap(),
                    "{name} differs with {extra:?}"
                );
            }
        }
        let run: serde_json::Value =
            serde_json::from_slice(&fs::read(out.path().join("run.json")).unwrap()).unwrap();
        // With a limit of 0 every domain not near a named or built-in target
        // (here ausintel.com and partner.co.uk.com, lookalikes of domains
        // inferred from the logs) is dropped, so its files are read again.
        if extra[1] == "0" {
            assert!(!run["leak"]["files_read_twice"]
                .as_array()
                .unwrap()
                .is_empty());
        }
        assert_eq!(run["leak"]["events_complete"], true);
        // No temporary file is left in the report folder.
        for e in fs::read_dir(out.path()).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(!name.starts_with('.'), "left behind: {name}");
        }
    }
}

#[test]
fn redaction_hides_local_parts_consistently() {
    let (a, _) = run_samples(&["--redact", "--redact-key", "case-7"]);
    let (b, _) = run_samples(&["--redact", "--redact-key", "case-7"]);
    for t in ["events", "senders", "recipients"] {
        let text = fs::read_to_string(a.path().join(format!("{t}.csv"))).unwrap();
        for name in ["john.smith", "r.jones", "bob@", "pat.harper77"] {
            assert!(!text.contains(name), "{t}.csv names {name}");
        }
        assert_eq!(
            text,
            fs::read_to_string(b.path().join(format!("{t}.csv"))).unwrap()
        );
    }
    let events = read_csv(&a.path().join("events.csv"));
    let rjones: Vec<_> = events
        .iter()
        .filter(|e| e["meant"].ends_with("@army.mil") && e["sender"] != events[0]["sender"])
        .collect();
    assert!(!rjones.is_empty());
    // One address, one pseudonym: recipient and meant share the local part,
    // and the recipients table has the same pseudonyms as the events.
    let recipients = by(a.path(), "recipients", "recipient");
    for e in &events {
        let (local, domain) = e["recipient"].rsplit_once('@').unwrap();
        assert!(local.starts_with("u-") && local.len() == 14, "{local}");
        assert_eq!(domain, e["lookalike"]);
        assert_eq!(e["meant"], format!("{local}@{}", e["intended"]));
        assert!(recipients.contains_key(&e["recipient"]));
    }
    assert_eq!(recipients.len(), 19);
    let s: serde_json::Value =
        serde_json::from_slice(&fs::read(a.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["redacted"], true);

    // Without a key, one is made and shown once; reusing it gives the same
    // pseudonyms.
    let (c, run) = run_samples(&["--redact"]);
    let key = run
        .stderr
        .lines()
        .find_map(|l| l.split("later runs): ").nth(1))
        .expect("the key is shown")
        .trim()
        .to_string();
    let (d, _) = run_samples(&["--redact", "--redact-key", &key]);
    assert_eq!(
        fs::read(c.path().join("events.csv")).unwrap(),
        fs::read(d.path().join("events.csv")).unwrap()
    );
    for f in ["run.json", "summary.json", "events.csv"] {
        let text = fs::read_to_string(c.path().join(f)).unwrap();
        assert!(!text.contains(&key), "{f} holds the key");
    }
}

#[test]
fn since_and_until_limit_every_count() {
    let (out, _) = run_samples(&["--since", "2027-01-01"]);
    let events = read_csv(&out.path().join("events.csv"));
    assert!(!events.is_empty());
    assert!(events.iter().all(|e| e["time"].as_str() >= "2027-01-01"));
    let run: serde_json::Value =
        serde_json::from_slice(&fs::read(out.path().join("run.json")).unwrap()).unwrap();
    let outside = run["totals"]["deliveries_outside_period"].as_u64().unwrap();
    assert!(outside > 0);
    let (until, _) = run_samples(&["--until", "2026-12-31"]);
    let before = read_csv(&until.path().join("events.csv"));
    assert!(before.iter().all(|e| e["time"].as_str() < "2027-01-01"));
    let (all, _) = run_samples(&[]);
    assert_eq!(
        events.len() + before.len(),
        read_csv(&all.path().join("events.csv")).len()
    );
    let bad = misdirect(&[
        "scan",
        "samples",
        "--since",
        "2027-02-01",
        "--until",
        "2027-01-01",
    ]);
    assert_eq!(bad.status, 2, "{}", bad.stderr);
}

#[test]
fn given_org_domains_are_used_and_reported() {
    let (out, _) = run_samples(&["--org-domain", "Example.ORG"]);
    let s: serde_json::Value =
        serde_json::from_slice(&fs::read(out.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["org_domains"]["source"], "given");
    assert_eq!(s["org_domains"]["domains"][0], "example.org");
    assert_eq!(s["totals"]["messages_leaked"], 14);
}

#[test]
fn hostile_addresses_are_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("mail.log");
    let mut text = String::new();
    // Enough ordinary mail to army.mil that army.ml stands out, then one
    // message whose recipient and sender are built to attack a spreadsheet
    // and a terminal.
    for i in 0..6 {
        text.push_str(&format!(
            "Mar  1 10:0{i}:00 mx postfix/qmgr[2]: 3F2A1B0{i}C: from=<u{i}@example.org>, size=100, nrcpt=1 (queue active)\n\
             Mar  1 10:0{i}:01 mx postfix/smtp[3]: 3F2A1B0{i}C: to=<x{i}@army.mil>, relay=mx.army.mil[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)\n\
             Mar  1 10:0{i}:02 mx postfix/qmgr[2]: 3F2A1B0{i}C: removed\n"
        ));
    }
    text.push_str(
        "Mar  1 11:00:00 mx postfix/qmgr[2]: 3F2A1BFFC: from=<=cmd|'/c calc'!A0@example.org>, size=100, nrcpt=1 (queue active)\n\
         Mar  1 11:00:01 mx postfix/smtp[3]: 3F2A1BFFC: to=<=HYPERLINK(\"http://x\")\x1b[31m@army.ml>, relay=mx.army.ml[192.0.2.9]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)\n\
         Mar  1 11:00:02 mx postfix/qmgr[2]: 3F2A1BFFC: removed\n",
    );
    fs::write(&log, text).unwrap();
    let out = dir.path().join("out");
    let r = misdirect(&[
        "scan",
        log.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--year",
        "2024",
    ]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!r.stdout.contains('\x1b') && !r.stderr.contains('\x1b'));
    let events = read_csv(&out.join("events.csv"));
    assert_eq!(events.len(), 1, "{events:?}");
    for col in ["sender", "recipient", "meant"] {
        let cell = &events[0][col];
        assert!(cell.starts_with("'="), "{col}: {cell}");
    }
    assert!(events[0]["recipient"].contains("\\x1b[31m"));
    for e in fs::read_dir(&out).unwrap() {
        let path = e.unwrap().path();
        // Text reports only: compressed Parquet pages may hold any byte.
        if path.extension().is_some_and(|x| x != "parquet") {
            let bytes = fs::read(&path).unwrap();
            assert!(!bytes.contains(&0x1b), "a raw escape in {}", path.display());
        }
    }
    // The page shows the hostile address as text, never as markup.
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script"));
    assert!(
        html.contains("=cmd|&#39;/c calc&#39;!A0@example.org"),
        "escaped sender"
    );
    assert!(!html.contains("'/c calc'"));
    for t in ["senders", "recipients"] {
        for row in read_csv(&out.join(format!("{t}.csv"))) {
            for (k, v) in row {
                assert!(!v.starts_with('=') && !v.starts_with('@'), "{t}.{k}: {v}");
            }
        }
    }
}

#[test]
fn a_message_counts_once_when_its_records_come_from_two_readings() {
    // One message to two lookalikes: army.ml, near a built-in target, is
    // always kept in memory; ausintel.com (near aus.intel.com, inferred
    // from the samples) is dropped at once under a rare limit of 0, and its
    // record comes from reading the file again. The message must still be
    // one message wherever its records are summed. (It begins in its file,
    // so its file's census, not the join's, counts it.)
    let dir = tempfile::tempdir().unwrap();
    let extra = dir.path().join("mail.log-20270102");
    fs::write(
        &extra,
        "Jan  2 08:59:59 mx9 postfix/smtpd[3]: 4B2A91C3D: client=localhost[127.0.0.1]\n\
         Jan  2 08:59:59 mx9 postfix/cleanup[4]: 4B2A91C3D: message-id=<m1@example.org>\n\
         Jan  2 09:00:00 mx9 postfix/qmgr[1]: 4B2A91C3D: from=<a@example.org>, size=500, nrcpt=2 (queue active)\n\
         Jan  2 09:00:01 mx9 postfix/smtp[2]: 4B2A91C3D: to=<p@army.ml>, relay=mx[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)\n\
         Jan  2 09:00:01 mx9 postfix/smtp[2]: 4B2A91C3D: to=<q@ausintel.com>, relay=mx[192.0.2.2]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)\n\
         Jan  2 09:00:01 mx9 postfix/qmgr[1]: 4B2A91C3D: removed\n",
    )
    .unwrap();
    let run = |flags: &[&str]| {
        let out = tempfile::tempdir().unwrap();
        scan(&[&samples(), &extra], out.path(), flags, 0);
        out
    };
    let kept = run(&[]);
    let reread = run(&["--ledger-rare-limit", "0", "--ledger-budget", "0"]);
    let run_json: serde_json::Value =
        serde_json::from_slice(&fs::read(reread.path().join("run.json")).unwrap()).unwrap();
    assert!(run_json["leak"]["files_read_twice"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f.as_str().unwrap().ends_with("mail.log-20270102")));
    for t in ["markings", "patterns", "clusters", "senders"] {
        let name = format!("{t}.csv");
        assert_eq!(
            fs::read_to_string(kept.path().join(&name)).unwrap(),
            fs::read_to_string(reread.path().join(&name)).unwrap(),
            "{name}"
        );
    }
}
