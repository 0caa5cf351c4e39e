//! What it was: subjects from every format that logs them (Postfix
//! `header_checks` INFO lines, Exim `T=`, Exchange `message-subject`,
//! Microsoft 365 `message_subject`), encoded words decoded, every built-in
//! marking counted, and subjects redacted or left out on request.
//! Fixtures: `tests/data/subjects/` (one misdirected message per subject,
//! message N of N x 1000 bytes).

use std::collections::BTreeMap;
use std::path::Path;

use crate::util::*;

fn run(out: &Path, extra: &[&str]) {
    let mut args = vec!["--target", "army.mil", "--year", "2023"];
    args.extend_from_slice(extra);
    scan(&[&data("subjects")], out, &args, 0);
}

/// markings.csv rows of one scope and group: marking -> (leaked, bytes).
fn markings(out: &Path, scope: &str, group: &str) -> BTreeMap<String, (String, String)> {
    read_csv(&out.join("markings.csv"))
        .into_iter()
        .filter(|r| r["scope"] == scope && r["group"] == group)
        .map(|r| {
            (
                r["marking"].clone(),
                (r["messages_leaked"].clone(), r["bytes_leaked"].clone()),
            )
        })
        .collect()
}

/// Subjects of events.csv by recipient.
fn subjects(out: &Path) -> BTreeMap<String, String> {
    read_csv(&out.join("events.csv"))
        .into_iter()
        .map(|r| {
            (
                r["recipient"].clone(),
                r.get("subject")
                    .cloned()
                    .unwrap_or_else(|| "<no column>".into()),
            )
        })
        .collect()
}

#[test]
fn every_marking_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run(&out, &[]);
    let expect: &[(&str, u64, u64)] = &[
        ("TOP SECRET", 1, 1000),
        ("NATO SECRET", 1, 19000),
        ("SECRET", 1, 5000),
        ("NATO CONFIDENTIAL", 1, 18000),
        ("CONFIDENTIAL", 1, 7000),
        ("NATO RESTRICTED", 1, 6000),
        ("NATO UNCLASSIFIED", 1, 20000),
        ("OFFICIAL-SENSITIVE", 1, 2000),
        ("FOUO", 1, 11000),
        ("CUI", 1, 10000),
        ("OFFICIAL", 1, 8000),
        ("TLP:RED", 1, 9000),
        ("TLP:AMBER", 1, 15000),
        ("TLP:GREEN", 1, 16000),
        ("TLP:CLEAR", 1, 17000),
        ("COMMERCIAL IN CONFIDENCE", 1, 12000),
        ("PERSONAL", 1, 13000),
        ("MEDICAL", 1, 14000),
        ("(unmarked)", 2, 24000),
        ("(no subject logged)", 1, 4000),
    ];
    let want: BTreeMap<String, (String, String)> = expect
        .iter()
        .map(|(m, n, b)| (m.to_string(), (n.to_string(), b.to_string())))
        .collect();
    assert_eq!(markings(&out, "total", ""), want);
    assert_eq!(markings(&out, "cluster", "army.mil"), want);
    assert_eq!(markings(&out, "pattern", "*.mil -> *.ml"), want);
    // The rows follow the list's order, unmarked and no subject last.
    let order: Vec<String> = read_csv(&out.join("markings.csv"))
        .into_iter()
        .filter(|r| r["scope"] == "total")
        .map(|r| r["marking"].clone())
        .collect();
    assert_eq!(order, expect.iter().map(|e| e.0).collect::<Vec<_>>());

    let s = subjects(&out);
    assert_eq!(s["j1@army.ml"], "TOP SECRET: plan");
    assert_eq!(
        s["j2@army.ml"], "OFFICIAL-SENSITIVE: r\u{e9}union",
        "UTF-8 base64 word"
    );
    assert_eq!(s["j4@army.ml"], "");
    assert_eq!(
        s["j6@army.ml"], "NATO RESTRICTED \"ops\"",
        "Exim's escapes undone"
    );
    assert_eq!(
        s["j7@army.ml"], "CONFIDENTIAL r\u{e9}sum\u{e9}",
        "Latin-1 Q word"
    );
    assert_eq!(s["j12@army.ml"], "COMMERCIAL IN CONFIDENCE, pricing");
    let summary = run_json_summary(&out);
    assert_eq!(summary["subjects_logged"], true);
    assert_eq!(summary["by_marking"][0]["name"], "TOP SECRET");
    // The Microsoft 365 summary rows name no receiving server.
    assert_eq!(summary["leaked_without_receiver"], 9);
    assert_eq!(summary["top_receivers"][0]["messages_leaked"], 12);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("id=\"markings\"") && html.contains("COMMERCIAL IN CONFIDENCE"));
}

fn run_json_summary(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap()
}

#[test]
fn redaction_keeps_only_markings_and_no_subjects_leaves_them_out() {
    let dir = tempfile::tempdir().unwrap();
    let red = dir.path().join("red");
    run(&red, &["--redact", "--redact-key", "k"]);
    let s: Vec<String> = subjects(&red).into_values().collect();
    assert!(s.contains(&"[TOP SECRET]".to_string()), "{s:?}");
    assert!(s.contains(&"[OFFICIAL-SENSITIVE]".to_string()));
    assert!(
        s.iter()
            .all(|x| x.is_empty() || (x.starts_with('[') && x.ends_with(']'))),
        "{s:?}"
    );
    assert_eq!(
        s.iter().filter(|x| x.is_empty()).count(),
        3,
        "2 unmarked, 1 without subject"
    );

    let none = dir.path().join("none");
    run(&none, &["--no-subjects"]);
    assert!(subjects(&none).values().all(|v| v == "<no column>"));
    assert_eq!(
        markings(&none, "total", "")["PERSONAL"],
        ("1".into(), "13000".into())
    );
    for f in [
        "events.csv",
        "markings.csv",
        "report.html",
        "summary.json",
        "receivers.csv",
    ] {
        let text = std::fs::read_to_string(none.join(f)).unwrap();
        assert!(
            !text.contains("appraisal") && !text.contains("pricing"),
            "{f} shows a subject"
        );
    }
}

#[test]
fn a_markings_file_replaces_the_built_in_list() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("markings.tsv");
    std::fs::write(&file, "# ours\nLUNCH\t(?i)\\blunch\\b\nTLP (any)\tTLP:\n").unwrap();
    let out = dir.path().join("out");
    run(&out, &["--markings", file.to_str().unwrap()]);
    let m = markings(&out, "total", "");
    assert_eq!(m["LUNCH"], ("2".into(), "24000".into()));
    assert_eq!(m["TLP (any)"].0, "4");
    assert_eq!(m["(unmarked)"].0, "14");
    assert!(!m.contains_key("SECRET"));
    // A bad file is a usage error naming the line.
    std::fs::write(&file, "LUNCH\t(\n").unwrap();
    let r = misdirect(&[
        "scan",
        "--markings",
        file.to_str().unwrap(),
        "-o",
        dir.path().join("x").to_str().unwrap(),
        data("subjects").to_str().unwrap(),
    ]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert!(r.stderr.contains("line 1"), "{}", r.stderr);
}

/// Subjects are written by outsiders: a formula, markup and an escape
/// sequence hidden in an encoded word reach no report as such.
#[test]
fn hostile_subjects_are_defused() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    // "\x1b]0;owned\x07SECRET" as a base64 encoded word.
    let esc = "=?UTF-8?B?G10wO293bmVkB1NFQ1JFVA==?=";
    let hostile = ["=HYPERLINK(\"http://x\")", "<script>alert(1)</script>", esc];
    let mut log = String::new();
    for (n, s) in hostile.iter().enumerate() {
        let id = format!("1qLYs{}-0001Ab-2C", (b'A' + n as u8) as char);
        let s = s.replace('"', "\\\"");
        log.push_str(&format!("2023-07-17 10:01:0{n} {id} <= alice@example.org H=(ws1) [10.0.0.1] P=esmtp S=100 T=\"{s}\"\n"));
        log.push_str(&format!("2023-07-17 10:01:0{n} {id} => j{n}@army.ml R=dnslookup T=remote_smtp H=mx.army.ml [192.0.2.9] C=\"250 OK\"\n"));
        log.push_str(&format!("2023-07-17 10:01:0{n} {id} Completed\n"));
    }
    std::fs::write(logs.join("mainlog"), log).unwrap();
    let out = dir.path().join("out");
    scan(&[&logs], &out, &["--target", "army.mil"], 0);
    let s = subjects(&out);
    assert!(s["j0@army.ml"].starts_with("'="), "{:?}", s["j0@army.ml"]);
    assert_eq!(
        s["j2@army.ml"], "\\x1b]0;owned\\x07SECRET",
        "decoded, then escaped"
    );
    assert_eq!(markings(&out, "total", "")["SECRET"].0, "1");
    // (Parquet is binary: its compressed pages hold any byte; its strings
    // are the CSV's, checked by scripts/check-parquet.py.)
    for f in std::fs::read_dir(&out).unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_some_and(|e| e == "parquet") {
            continue;
        }
        let bytes = std::fs::read(&p).unwrap();
        assert!(!bytes.contains(&0x1b), "an escape byte in {}", p.display());
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script>"));
}
