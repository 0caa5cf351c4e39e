//! Hostile log content: addresses built to attack the reader's spreadsheet
//! (formulas), browser (HTML and script) and terminal (escape sequences),
//! NUL bytes, invalid UTF-8, absurd and missing sizes, queue IDs forged to
//! collide across hosts, and queue IDs that are never `removed`. Nothing
//! may crash the run, corrupt a report or reach the reader unescaped.

use std::fs;
use std::path::Path;

use crate::util::*;

/// One Postfix message from `from` to `to` (raw bytes), with `size` as
/// written after `size=` (`None`: no size field at all).
fn message(host: &str, id: &str, from: &[u8], to: &[u8], size: Option<&str>) -> Vec<u8> {
    let mut m = Vec::new();
    m.extend_from_slice(format!("Jul  5 06:52:11 {host} postfix/qmgr[1]: {id}: from=<").as_bytes());
    m.extend_from_slice(from);
    match size {
        Some(s) => m.extend_from_slice(format!(">, size={s}, nrcpt=1 (queue active)\n").as_bytes()),
        None => m.extend_from_slice(b">, nrcpt=1 (queue active)\n"),
    }
    m.extend_from_slice(format!("Jul  5 06:52:12 {host} postfix/smtp[2]: {id}: to=<").as_bytes());
    m.extend_from_slice(to);
    m.extend_from_slice(
        b">, relay=mx[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)\n",
    );
    m.extend_from_slice(
        format!("Jul  5 06:52:12 {host} postfix/qmgr[1]: {id}: removed\n").as_bytes(),
    );
    m
}

/// The attack log: every hostile address reaches a lookalike of army.mil,
/// so it is in the events, senders, recipients and the HTML page.
fn attack_log() -> Vec<u8> {
    let mut log = Vec::new();
    let msgs: [(&[u8], &[u8], Option<&str>); 9] = [
        (
            b"=cmd|' /C calc'!A0@example.org",
            b"+1+cmd@army.ml",
            Some("100"),
        ),
        (b"-2+3@example.org", b"@SUM(1)@army.ml", Some("200")),
        (
            b"\"<script>alert(1)</script>\"@example.org",
            b"\"<img src=x onerror=alert(2)>\"@army.ml",
            Some("300"),
        ),
        (
            b"a@example.org",
            b"\x1b]0;pwned\x07\x1b[2J@army.ml",
            Some("400"),
        ),
        (
            b"\xff\xfe@example.org",
            b"\xc2\x9b31m@army.ml",
            Some("99999999999999999999"),
        ),
        (b"b@example.org", b"b@army.ml", Some("18446744073709551615")),
        (b"c@example.org", b"c@army.ml", Some("18446744073709551615")),
        (b"d@example.org", b"d@army.ml", Some("-5")),
        (b"e@example.org", b"e@army.ml", None),
    ];
    for (i, (from, to, size)) in msgs.into_iter().enumerate() {
        log.extend(message("mx1", &format!("ATTACK{i:04}"), from, to, size));
    }
    log.extend_from_slice(
        b"Jul  5 06:53:00 mx1 postfix/smtp[2]: NUL\0ID: to=<n@army.ml>, status=sent\n",
    );
    log
}

fn assert_cell_is_safe(file: &str, cell: &str) {
    if let Some(c) = cell.chars().next() {
        assert!(
            !matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'),
            "{file}: formula cell {cell:?}"
        );
    }
    assert!(
        !cell.chars().any(|c| c.is_control() && c != '\t'),
        "{file}: control character in {cell:?}"
    );
}

#[test]
fn attacks_reach_no_spreadsheet_browser_or_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("attack.log");
    fs::write(&p, attack_log()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = misdirect(&[
        "scan",
        p.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--year",
        "2023",
        "--target",
        "army.mil",
        "--force",
    ]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    for text in [&r.stdout, &r.stderr] {
        assert!(
            !text.contains(['\u{1b}', '\u{7}', '\u{9b}']),
            "escape sequence reached the terminal: {text:?}"
        );
    }
    assert!(r.stdout.contains("army.ml"), "{}", r.stdout);
    // Every cell of every CSV report, whatever its column.
    let mut csvs = 0;
    for e in fs::read_dir(out.path()).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "csv") {
            csvs += 1;
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            for row in read_csv(&path) {
                for cell in row.values() {
                    assert_cell_is_safe(&name, cell);
                }
            }
        }
    }
    assert!(csvs >= 9, "{csvs} CSV reports");
    // The formulas are there, neutralised, not dropped.
    let events = read_csv(&out.path().join("events.csv"));
    assert_eq!(events.len(), 9);
    let recipients: Vec<&str> = events.iter().map(|e| e["recipient"].as_str()).collect();
    assert!(recipients.contains(&"'+1+cmd@army.ml"), "{recipients:?}");
    assert!(recipients.contains(&"'@SUM(1)@army.ml"), "{recipients:?}");
    assert!(
        recipients.contains(&"\\x1b]0;pwned\\x07\\x1b[2J@army.ml"),
        "{recipients:?}"
    );
    assert!(
        // A C1 control (CSI), valid UTF-8, is written by its code point.
        recipients.contains(&"\\x9b31m@army.ml"),
        "{recipients:?}"
    );
    let senders: Vec<&str> = events.iter().map(|e| e["sender"].as_str()).collect();
    assert!(
        senders.contains(&"'=cmd|' /C calc'!A0@example.org"),
        "{senders:?}"
    );
    assert!(senders.contains(&"\\xff\\xfe@example.org"), "{senders:?}");
    // The page shows the script as text and runs nothing.
    let html = fs::read_to_string(out.path().join("report.html")).unwrap();
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "script element in report.html");
    assert!(!lower.contains("<img"), "img element in report.html");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains('\u{1b}'));
    // Sizes: 100 + 200 + 300 + 400 are real; 10^20 does not fit, 2^64 - 1
    // is absurd (twice would overflow), -5 and a missing size are unknown.
    let d = domains_by(out.path(), "domain");
    assert_eq!(d["army.ml"]["deliveries_sent"], "9");
    assert_eq!(d["army.ml"]["messages"], "9");
    assert_eq!(d["army.ml"]["bytes_sent"], "1000");
    let run = run_json(out.path());
    assert_eq!(run["totals"]["sent_messages_without_size"], 5);
    assert_eq!(run["lines"]["skipped_by_reason"]["nul_bytes"], 1);
}

/// The same queue ID on two hosts at the same second, and reused on one
/// host after `removed`: four messages, never merged.
#[test]
fn forged_queue_ids_colliding_across_hosts_stay_apart() {
    let mut log = Vec::new();
    log.extend(message(
        "mx1",
        "SAME00001",
        b"a@example.org",
        b"x@army.ml",
        Some("10"),
    ));
    log.extend(message(
        "mx2",
        "SAME00001",
        b"b@example.org",
        b"y@army.ml",
        Some("20"),
    ));
    log.extend(message(
        "mx1",
        "SAME00001",
        b"c@example.org",
        b"z@army.ml",
        Some("40"),
    ));
    let dir = tempfile::tempdir().unwrap();
    // The fourth in its own file: a later rotation with the same ID.
    fs::write(dir.path().join("a.log"), &log).unwrap();
    fs::write(
        dir.path().join("b.log"),
        message(
            "mx2",
            "SAME00001",
            b"d@example.org",
            b"x@army.ml",
            Some("80"),
        ),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    scan(&[dir.path()], out.path(), &["--year", "2023"], 0);
    let d = domains_by(out.path(), "domain");
    assert_eq!(
        cells(
            &d,
            "army.ml",
            &[
                "messages",
                "recipients",
                "deliveries_sent",
                "bytes_sent",
                "senders"
            ]
        ),
        ["4", "3", "4", "150", "4"]
    );
}

/// A log whose queue IDs are never `removed` (a filtered or cut log): each
/// message is still counted once, and run.json says none was removed.
#[test]
fn queue_ids_never_removed_are_counted_once() {
    let n = 5_000;
    let log: String = postfix_messages(0, n)
        .lines()
        .filter(|l| !l.ends_with(": removed"))
        .map(|l| format!("{l}\n"))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("never-removed.log");
    fs::write(&p, log).unwrap();
    let out = tempfile::tempdir().unwrap();
    scan(&[&p], out.path(), &["--year", "2023"], 0);
    let d = domains_by(out.path(), "domain");
    assert_eq!(
        cells(
            &d,
            "army.ml",
            &["messages", "deliveries_sent", "bytes_sent"]
        ),
        [n.to_string(), n.to_string(), (100 * n).to_string()]
    );
    let run = run_json(out.path());
    assert_eq!(run["totals"]["messages"], n);
    assert_eq!(run["totals"]["messages_not_removed"], n);
    assert!(Path::new(&out.path().join("manifest.csv")).exists());
}
