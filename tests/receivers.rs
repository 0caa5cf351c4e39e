//! Who received the leaked mail: receivers.csv, its groups of shared
//! infrastructure and its catch-all lookalikes, on a hand-made Postfix log
//! and against the ground truth of a synthetic archive (whose lookalikes
//! share collecting servers).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use crate::util::*;

/// One Postfix message from `sender` of `size` bytes; each recipient with
/// its relay, status and reply.
fn message(log: &mut String, n: u32, sender: &str, size: u64, rcpts: &[(&str, &str, &str)]) {
    let id = format!("4A{n:06X}");
    log.push_str(&format!(
        "Jul 17 10:{:02}:00 mx1 postfix/qmgr[900]: {id}: from=<{sender}>, size={size}, nrcpt={} (queue active)\n",
        n % 60,
        rcpts.len()
    ));
    for (to, relay, result) in rcpts {
        let (dsn, status) = if result.starts_with('5') {
            ("5.1.1", "bounced")
        } else {
            ("2.0.0", "sent")
        };
        log.push_str(&format!(
            "Jul 17 10:{:02}:01 mx1 postfix/smtp[901]: {id}: to=<{to}>, relay={relay}, delay=1, delays=0/0/0.5/0.5, dsn={dsn}, status={status} ({result})\n",
            n % 60
        ));
    }
    log.push_str(&format!(
        "Jul 17 10:{:02}:02 mx1 postfix/qmgr[900]: {id}: removed\n",
        n % 60
    ));
}

#[test]
fn receivers_groups_and_catch_alls() {
    let collector = "mx.collect.example[198.51.100.7]:25";
    let mut log = String::new();
    // army.ml: three people, all accepted by the collector: a catch-all.
    for (n, who) in [(1, "a.smith"), (2, "b.jones"), (3, "c.brown")] {
        let to = format!("{who}@army.ml");
        message(
            &mut log,
            n,
            "x@example.org",
            1000 * n as u64,
            &[(&to, collector, "250 2.0.0 Ok: queued as 3F9A1B2C")],
        );
    }
    // navy.ml on the same collector (one person: not a catch-all).
    message(
        &mut log,
        4,
        "y@example.org",
        500,
        &[(
            "d.white@navy.ml",
            collector,
            "250 2.0.0 Ok: queued as 77AB01",
        )],
    );
    // gmial.com on a server of its own; outlok.com on another in the same /24.
    message(
        &mut log,
        5,
        "x@example.org",
        700,
        &[(
            "e.green@gmial.com",
            "mx.gmial.com[203.0.113.5]:25",
            "250 OK id=1q2w3e",
        )],
    );
    message(
        &mut log,
        6,
        "x@example.org",
        900,
        &[(
            "f.black@outlok.com",
            "mx.outlok.com[203.0.113.77]:25",
            "250 OK",
        )],
    );
    // ausintel.com accepts three people but refuses a fourth as unknown.
    for (n, who) in [(7, "g.hill"), (8, "h.ward"), (9, "i.king"), (10, "j.fox")] {
        let to = format!("{who}@ausintel.com");
        let reply = if n == 10 {
            "550 5.1.1 <j.fox@ausintel.com>: Recipient address rejected: User unknown"
        } else {
            "250 2.0.0 Ok"
        };
        message(
            &mut log,
            n,
            "z@example.org",
            100,
            &[(&to, "mail.ausintel.com[192.0.2.44]:25", reply)],
        );
    }
    // Mail to the real domains, so the org's habits are known.
    for n in 11..20 {
        message(
            &mut log,
            n,
            "x@example.org",
            100,
            &[("k.lee@army.mil", "mx.army.mil[192.0.2.1]:25", "250 Ok")],
        );
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mail.log"), log).unwrap();
    let out = dir.path().join("out");
    let targets = [
        "--target",
        "army.mil",
        "--target",
        "navy.mil",
        "--target",
        "gmail.com",
        "--target",
        "outlook.com",
        "--target",
        "aus.intel.com",
        "--year",
        "2023",
    ];
    scan(&[dir.path()], &out, &targets, 0);
    let rows: BTreeMap<String, BTreeMap<String, String>> = read_csv(&out.join("receivers.csv"))
        .into_iter()
        .map(|r| (r["receiver"].clone(), r))
        .collect();
    let get = |k: &str, c: &str| rows[k][c].clone();
    assert_eq!(rows.len(), 4, "{rows:?}");
    let c = "mx.collect.example";
    assert_eq!(get(c, "ips"), "198.51.100.7");
    assert_eq!(get(c, "lookalikes"), "army.ml navy.ml");
    assert_eq!(get(c, "messages_leaked"), "4");
    assert_eq!(get(c, "bytes_leaked"), "6500");
    assert_eq!(get(c, "reply"), "250 2.0.0 Ok: queued as *");
    assert_eq!(get(c, "reply_servers"), "1");
    assert_eq!(get("mx.outlok.com", "reply"), "250 OK");
    assert_eq!(get("mx.outlok.com", "reply_servers"), "1");
    assert_eq!(get("mail.ausintel.com", "reply"), "250 2.0.0 Ok");
    assert_eq!(get(c, "catch_all"), "true");
    assert_eq!(get(c, "catch_all_lookalikes"), "army.ml");
    assert_eq!(get(c, "group"), "1", "most leaked messages");
    assert_eq!(get(c, "group_lookalikes"), "2");
    // Refused one as unknown: not a catch-all.
    assert_eq!(get("mail.ausintel.com", "messages_leaked"), "3");
    assert_eq!(get("mail.ausintel.com", "catch_all"), "false");
    // One /24: one group of two servers.
    let g = get("mx.gmial.com", "group");
    assert_eq!(get("mx.outlok.com", "group"), g);
    assert_eq!(get("mx.gmial.com", "group_receivers"), "2");
    assert_eq!(get("mx.gmial.com", "networks"), "203.0.113.0/24");
    assert_ne!(get("mail.ausintel.com", "group"), g);
    // The page shows the section and its chart.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("id=\"receivers\"") && html.contains("id=\"chart-receivers\""));
    assert!(html.contains("mx.collect.example"));
}

/// The truth's collecting servers: each accepting lookalike's server, the
/// lookalikes it received for, and the distinct messages leaked to it.
#[test]
fn receivers_match_the_synthetic_truth() {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("s");
    synth_small(&s, "9", &[]);
    let truth = s.join("truth");
    let lookalikes: BTreeMap<String, BTreeMap<String, String>> =
        read_csv(&truth.join("lookalikes.csv"))
            .into_iter()
            .map(|r| (r["domain"].clone(), r))
            .collect();
    // Every domain the organisation writes to is a target: all lookalikes found.
    let targets = dir.path().join("targets.txt");
    let meant: BTreeSet<String> = lookalikes.values().map(|l| l["intended"].clone()).collect();
    std::fs::write(&targets, meant.into_iter().collect::<Vec<_>>().join("\n")).unwrap();
    let out = dir.path().join("out");
    scan(
        &[&s.join("logs")],
        &out,
        &["--targets", targets.to_str().unwrap()],
        0,
    );

    let mut gz = String::new();
    flate2::read::MultiGzDecoder::new(
        std::fs::File::open(truth.join("recipients.csv.gz")).unwrap(),
    )
    .read_to_string(&mut gz)
    .unwrap();
    let mut served: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut messages: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    let mut locals: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut lines = gz.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap();
    let (day, qid, rcpt, domain, outcome) = (
        col("day"),
        col("queue_id"),
        col("recipient"),
        col("domain"),
        col("outcome"),
    );
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let Some(l) = lookalikes.get(f[domain]) else {
            continue;
        };
        if f[outcome] != "sent" {
            continue;
        }
        served
            .entry(l["mx"].clone())
            .or_default()
            .insert(f[domain].to_string());
        messages
            .entry(l["mx"].clone())
            .or_default()
            .insert((f[day].to_string(), f[qid].to_string()));
        locals
            .entry(f[domain].to_string())
            .or_default()
            .insert(f[rcpt].split('@').next().unwrap().to_string());
    }
    let got: BTreeMap<String, BTreeMap<String, String>> = read_csv(&out.join("receivers.csv"))
        .into_iter()
        .map(|r| (r["receiver"].clone(), r))
        .collect();
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        served.keys().collect::<Vec<_>>()
    );
    assert!(
        served.values().any(|s| s.len() > 1),
        "some server collects for several lookalikes"
    );
    for (mx, domains) in &served {
        let g = &got[mx];
        assert_eq!(
            g["lookalikes"],
            domains.iter().cloned().collect::<Vec<_>>().join(" "),
            "{mx}"
        );
        assert_eq!(g["messages_leaked"], messages[mx].len().to_string(), "{mx}");
        let catch: Vec<&String> = domains.iter().filter(|d| locals[*d].len() >= 3).collect();
        let catch: Vec<String> = catch.into_iter().cloned().collect();
        assert_eq!(g["catch_all_lookalikes"], catch.join(" "), "{mx}");
    }
}
