//! Helpers: run the binary, read its reports.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `misdirect` with `args`.
pub fn misdirect(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_misdirect"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run misdirect");
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `misdirect scan PATHS --out DIR -q` plus `extra`; asserts the exit
/// status.
pub fn scan(paths: &[&Path], out: &Path, extra: &[&str], status: i32) -> Run {
    let mut args: Vec<String> = vec!["scan".into()];
    args.extend(paths.iter().map(|p| p.display().to_string()));
    args.extend(["--out".into(), out.display().to_string(), "-q".into()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = misdirect(&refs);
    assert_eq!(r.status, status, "stderr:\n{}", r.stderr);
    r
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn data(rel: &str) -> PathBuf {
    root().join("tests/data").join(rel)
}

/// A CSV file as rows of column -> value.
pub fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .map(String::from)
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// `domains.csv` keyed by `key` (e.g. `domain` or `unicode_domain`).
pub fn domains_by(out: &Path, key: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    read_csv(&out.join("domains.csv"))
        .into_iter()
        .map(|r| (r[key].clone(), r))
        .collect()
}

/// The manifest rows keyed by file name.
pub fn manifest(out: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    read_csv(&out.join("manifest.csv"))
        .into_iter()
        .map(|r| {
            let name = Path::new(&r["path"])
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, r)
        })
        .collect()
}

pub fn run_json(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap()
}

/// The columns of `domains.csv` that the expected-counts files hold.
pub const COUNT_COLUMNS: [&str; 8] = [
    "messages",
    "recipients",
    "deliveries_sent",
    "deliveries_bounced",
    "deliveries_deferred",
    "deliveries_expired",
    "bytes_sent",
    "senders",
];

/// Asserts that a report's per-domain counts equal an expected-counts CSV
/// (whose `domain` column is the Unicode spelling).
pub fn assert_counts(out: &Path, expected_csv: &Path) {
    let got = domains_by(out, "unicode_domain");
    let expected = read_csv(expected_csv);
    let mut problems = Vec::new();
    for e in &expected {
        let d = &e["domain"];
        match got.get(d) {
            None => problems.push(format!("{d}: missing")),
            Some(g) => {
                for c in COUNT_COLUMNS {
                    if g[c] != e[c] {
                        problems.push(format!("{d} {c}: expected {}, got {}", e[c], g[c]));
                    }
                }
            }
        }
    }
    for d in got.keys() {
        if !expected.iter().any(|e| &e["domain"] == d) {
            problems.push(format!("{d}: not expected"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A row of clusters.csv (`rows`, read with [`read_csv`]) by its intended
/// domain: messages attempted, messages leaked, bytes leaked.
pub fn cluster_leak(rows: &[BTreeMap<String, String>], intended: &str) -> [String; 3] {
    let r = rows
        .iter()
        .find(|r| r["intended"] == intended)
        .unwrap_or_else(|| panic!("no cluster for {intended}"));
    ["messages_attempted", "messages_leaked", "bytes_leaked"].map(|c| r[c].clone())
}

/// The cells `cols` of the row keyed `key` (as read by [`domains_by`]).
pub fn cells(
    rows: &BTreeMap<String, BTreeMap<String, String>>,
    key: &str,
    cols: &[&str],
) -> Vec<String> {
    let row = rows.get(key).unwrap_or_else(|| panic!("no row {key:?}"));
    cols.iter().map(|c| row[*c].clone()).collect()
}

/// Runs `misdirect synth` for about 18 days of a small organisation (40
/// users, 300 messages a day, 1% slips) into `out`, with `extra` options.
pub fn synth_small(out: &Path, seed: &str, extra: &[&str]) {
    let mut args = vec![
        "synth",
        "-o",
        out.to_str().unwrap(),
        "--years",
        "0.05",
        "--users",
        "40",
        "--messages-per-day",
        "300",
        "--typo-rate",
        "0.01",
        "--seed",
        seed,
    ];
    args.extend_from_slice(extra);
    let r = misdirect(&args);
    assert_eq!(r.status, 0, "{}", r.stderr);
}

/// `n` Postfix messages (four lines each: cleanup, qmgr, smtp, removed),
/// numbered from `first`, each delivered to `u<i>@army.ml` with size 100.
/// Every message has its own queue ID, so counts are exactly `n`.
pub fn postfix_messages(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| {
            format!(
                "Jul  5 06:52:11 mx1 postfix/cleanup[3]: Q{i:08X}: message-id=<{i}@example.org>\n\
                 Jul  5 06:52:11 mx1 postfix/qmgr[1]: Q{i:08X}: from=<a@example.org>, size=100, nrcpt=1 (queue active)\n\
                 Jul  5 06:52:12 mx1 postfix/smtp[2]: Q{i:08X}: to=<u{i}@army.ml>, relay=mx[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)\n\
                 Jul  5 06:52:12 mx1 postfix/qmgr[1]: Q{i:08X}: removed\n"
            )
        })
        .collect()
}

/// Like [`misdirect`] with extra arguments, but kills the run and fails the
/// test if it takes longer than `secs` seconds (a run must never hang).
pub fn misdirect_within(args: &[String], secs: u64) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_misdirect"))
        .args(args)
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run misdirect");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("misdirect {args:?} still running after {secs} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
