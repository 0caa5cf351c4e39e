//! Hand-made fixtures for the edge cases: years and zones, queue-ID styles,
//! duplicates, damaged and hostile input.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use crate::util::*;

fn copy_as(src: &Path, dir: &Path, name: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    fs::copy(src, &p).unwrap();
    p
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn assert_rollover(out: &Path) {
    let d = domains_by(out, "domain");
    assert_eq!(d["army.ml"]["first_seen"], "2023-12-31T23:59:59Z");
    assert_eq!(d["army.mil"]["first_seen"], "2024-01-01T00:00:02Z");
    assert_eq!(d["army.ml"]["bytes_sent"], "1000");
}

#[test]
fn december_to_january_with_year_flag() {
    let out = tempfile::tempdir().unwrap();
    scan(
        &[&data("postfix/rollover.log")],
        out.path(),
        &["--year", "2023"],
        0,
    );
    assert_rollover(out.path());
    let m = manifest(out.path());
    assert_eq!(
        m["rollover.log"]["year_rule"],
        "flag --year 2023 (1 year rollover)"
    );
    assert_eq!(m["rollover.log"]["first_seen"], "2023-12-31T23:59:58Z");
    assert_eq!(m["rollover.log"]["last_seen"], "2024-01-01T00:00:02Z");
}

#[test]
fn december_to_january_with_date_in_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let p = copy_as(
        &data("postfix/rollover.log"),
        dir.path(),
        "mail.log-20240101",
    );
    let out = tempfile::tempdir().unwrap();
    scan(&[&p], out.path(), &[], 0);
    assert_rollover(out.path());
    assert_eq!(
        manifest(out.path())["mail.log-20240101"]["year_rule"],
        "file-name 2024-01-01 (1 year rollover)"
    );
}

#[test]
fn december_to_january_with_modification_time() {
    let dir = tempfile::tempdir().unwrap();
    let p = copy_as(&data("postfix/rollover.log"), dir.path(), "mail.log.1");
    let f = fs::File::options().write(true).open(&p).unwrap();
    // 2024-01-01T06:25:00Z, when logrotate ran.
    f.set_modified(UNIX_EPOCH + Duration::from_secs(1_704_090_300))
        .unwrap();
    drop(f);
    let out = tempfile::tempdir().unwrap();
    scan(&[&p], out.path(), &[], 0);
    assert_rollover(out.path());
    assert!(manifest(out.path())["mail.log.1"]["year_rule"].starts_with("mtime 2024-01-01"));
}

#[test]
fn local_times_are_read_in_the_named_zone() {
    let out = tempfile::tempdir().unwrap();
    scan(
        &[&data("postfix/mixed-ids.log")],
        out.path(),
        &["--year", "2023", "--tz", "Europe/London"],
        0,
    );
    let d = domains_by(out.path(), "domain");
    // 06:52 in London in July is 05:52 UTC.
    assert_eq!(d["gmial.com"]["first_seen"], "2023-07-05T05:52:11Z");
    assert_eq!(run_json(out.path())["time_zone"], "Europe/London");
}

#[test]
fn short_and_long_queue_ids_in_one_log() {
    let out = tempfile::tempdir().unwrap();
    scan(
        &[&data("postfix/mixed-ids.log")],
        out.path(),
        &["--year", "2023"],
        0,
    );
    let d = domains_by(out.path(), "domain");
    let g = &d["gmial.com"];
    assert_eq!(
        (
            g["messages"].as_str(),
            g["recipients"].as_str(),
            g["bytes_sent"].as_str()
        ),
        ("2", "2", "4166")
    );
    // The null sender counts as a sender of its own.
    assert_eq!(g["senders"], "2");
    assert_eq!(d["gmail.com"]["deliveries_bounced"], "1");
    assert_eq!(d["gmail.com"]["bytes_sent"], "0");
}

#[test]
fn byte_identical_inputs_count_once() {
    let dir = tempfile::tempdir().unwrap();
    let src = data("postfix/mixed-ids.log");
    copy_as(&src, dir.path(), "mail.log.1");
    copy_as(&src, dir.path(), "copy-of-mail.log.1");
    fs::write(
        dir.path().join("mail.log.1.gz"),
        gzip(&fs::read(&src).unwrap()),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    scan(&[dir.path()], out.path(), &["--year", "2023"], 0);
    assert_eq!(
        domains_by(out.path(), "domain")["gmial.com"]["messages"],
        "2"
    );
    let m = manifest(out.path());
    assert_eq!(m["copy-of-mail.log.1"]["status"], "ok");
    for dup in ["mail.log.1", "mail.log.1.gz"] {
        assert_eq!(m[dup]["status"], "duplicate");
        assert!(m[dup]["duplicate_of"].ends_with("copy-of-mail.log.1"));
    }
    assert_eq!(
        m["mail.log.1.gz"]["content_xxh3"],
        m["mail.log.1"]["content_xxh3"]
    );
    let content = xxhash_rust::xxh3::xxh3_128(&fs::read(&src).unwrap());
    assert_eq!(m["mail.log.1"]["content_xxh3"], format!("{content:032x}"));
    // The copy has the same SHA-256; the gzip twin was compared byte by byte.
    assert!(!m["mail.log.1"]["notes"].contains("byte by byte"));
    assert!(m["mail.log.1.gz"]["notes"].contains("compared byte by byte"));
    assert_ne!(m["mail.log.1.gz"]["sha256"], m["mail.log.1"]["sha256"]);
    assert_eq!(run_json(out.path())["inputs"]["duplicates"], 2);
}

#[test]
fn truncated_gzip_keeps_what_was_read() {
    let big = postfix_messages(0, 20_000);
    let mut gz = gzip(big.as_bytes());
    let full = gz.len();
    gz.truncate(full / 2);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("mail.log.2.gz");
    fs::write(&p, &gz).unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = scan(&[&p], out.path(), &["--year", "2023"], 1);
    assert!(r.stderr.contains("truncated"), "{}", r.stderr);
    let m = &manifest(out.path())["mail.log.2.gz"];
    assert_eq!(m["status"], "damaged");
    assert!(m["error"].contains("stopped at byte"), "{}", m["error"]);
    assert_eq!(
        m["size"],
        (full / 2).to_string(),
        "the whole file was hashed"
    );
    let read: u64 = m["lines_read"].parse().unwrap();
    assert!(read > 1000 && read < 80_000, "{read}");
    let sent: u64 = domains_by(out.path(), "domain")["army.ml"]["deliveries_sent"]
        .parse()
        .unwrap();
    assert!(sent > 250 && sent < 20_000, "{sent}");
    assert_eq!(run_json(out.path())["complete"], false);
}

#[test]
fn gzip_with_zero_padding_is_whole_and_garbage_is_damage() {
    let src = fs::read(data("postfix/mixed-ids.log")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut padded = gzip(&src);
    padded.extend(vec![0u8; 1000]);
    fs::write(dir.path().join("padded.gz"), &padded).unwrap();
    let mut two = gzip(&src[..src.len() / 2]);
    two.extend(gzip(&src[src.len() / 2..]));
    two.extend(b"GARBAGE");
    fs::write(dir.path().join("garbage.gz"), &two).unwrap();
    let out = tempfile::tempdir().unwrap();
    scan(&[dir.path()], out.path(), &["--year", "2023"], 1);
    let m = manifest(out.path());
    assert_eq!(m["padded.gz"]["status"], "ok");
    assert!(m["padded.gz"]["notes"].contains("1000 bytes of zero padding"));
    assert_eq!(m["garbage.gz"]["status"], "damaged");
    assert!(m["garbage.gz"]["notes"].contains("2 gzip members"));
    assert_eq!(m["garbage.gz"]["lines_read"], m["padded.gz"]["lines_read"]);
}

#[test]
fn hostile_bytes_are_counted_not_fatal() {
    let mut log = fs::read(data("postfix/mixed-ids.log")).unwrap();
    log.extend_from_slice(b"\0\0\0\0\0\0\0\0\0\0\n");
    log.extend_from_slice(
        b"\0\0\0Jul  5 06:53:00 mx1 postfix/smtpd[9]: connect from x[192.0.2.5]\n",
    );
    log.extend_from_slice(b"Jul  5 06:53:00 mx1 postfix/smtp[9]: Q1\0X: to=<a@b>\n");
    log.extend(std::iter::repeat_n(b'A', 200_000));
    log.extend_from_slice(b"\n\xff\xfe\xfd not text\n\n   \n");
    log.extend_from_slice("Jul  5 06:53:01 mx1 postfix/smtp[9]: QQQQQ1: to=<\u{1b}[31m@evil\u{7}.example>, relay=mx[192.0.2.9]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (ok)\n".as_bytes());
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("hostile.log");
    fs::write(&p, &log).unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = scan(&[&p], out.path(), &["--year", "2023"], 0);
    assert!(!r.stderr.contains('\u{1b}'));
    let m = &manifest(out.path())["hostile.log"];
    assert_eq!(m["skipped_nul_bytes"], "2");
    assert_eq!(m["skipped_too_long"], "1");
    assert_eq!(m["skipped_no_timestamp"], "1");
    assert_eq!(m["skipped_blank"], "2");
    assert_eq!(m["skipped_informational"], "1");
    let total: u64 = ["lines_used", "lines_skipped"]
        .iter()
        .map(|c| m[*c].parse::<u64>().unwrap())
        .sum();
    assert_eq!(
        m["lines_read"],
        total.to_string(),
        "every line is used or skipped"
    );
    let d = domains_by(out.path(), "domain");
    assert!(d.contains_key("evil\u{7}.example"), "{:?}", d.keys());
}

#[test]
fn unknown_format_is_reported_with_a_sample() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("notes.txt"),
        "Case 2023-117: evidence list\nitem 1\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = scan(&[dir.path()], out.path(), &[], 0);
    assert!(r
        .stderr
        .contains("notes.txt: not a mail log in any known format; first line: Case 2023-117"));
    let m = &manifest(out.path())["notes.txt"];
    assert_eq!(
        (m["status"].as_str(), m["skipped_unknown_format"].as_str()),
        ("unknown-format", "2")
    );
}

#[test]
fn standard_input() {
    let out = tempfile::tempdir().unwrap();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_misdirect"))
        .args(["scan", "-", "--year", "2023", "-q", "--out"])
        .arg(out.path())
        .stdin(fs::File::open(data("postfix/mixed-ids.log")).unwrap())
        .output()
        .unwrap();
    assert_eq!(child.status.code(), Some(0));
    assert_eq!(
        domains_by(out.path(), "domain")["gmial.com"]["messages"],
        "2"
    );
    assert_eq!(manifest(out.path())["<stdin>"]["status"], "ok");
}

#[test]
fn missing_input_makes_the_run_incomplete() {
    let out = tempfile::tempdir().unwrap();
    let r = scan(
        &[
            &data("postfix/mixed-ids.log"),
            Path::new("/nonexistent/mail.log"),
        ],
        out.path(),
        &["--year", "2023"],
        1,
    );
    assert!(r
        .stderr
        .contains("/nonexistent/mail.log: no such file or folder"));
    assert_eq!(
        domains_by(out.path(), "domain")["gmial.com"]["messages"],
        "2"
    );
}

#[test]
fn unsupported_compression_is_named() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("mail.log.Z"), [0x1f, 0x9d, 0x90, 1, 2, 3]).unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = scan(&[dir.path()], out.path(), &[], 1);
    assert!(
        r.stderr.contains("compress (.Z)-compressed"),
        "{}",
        r.stderr
    );
}

/// mx1 relays to mx2, mx2 sends out: with `--internal-relay mx2` (its own
/// log is in the input) each recipient counts once, where it left.
#[test]
fn internal_relay_counts_once_where_mail_left() {
    let twice = tempfile::tempdir().unwrap();
    scan(&[&data("relays")], twice.path(), &["--year", "2023"], 0);
    let d = domains_by(twice.path(), "domain");
    assert_eq!(d["army.ml"]["deliveries_sent"], "2");
    assert_eq!(d["army.ml"]["messages"], "2");

    let once = tempfile::tempdir().unwrap();
    scan(
        &[&data("relays")],
        once.path(),
        &["--year", "2023", "--internal-relay", "mx2"],
        0,
    );
    let d = domains_by(once.path(), "domain");
    for dom in ["army.ml", "army.mil"] {
        assert_eq!(d[dom]["deliveries_sent"], "1", "{dom}");
        assert_eq!(d[dom]["messages"], "1", "{dom}");
        // The size as it left the organisation (mx2's), not mx1's.
        assert_eq!(d[dom]["bytes_sent"], "4300", "{dom}");
    }
    let run = run_json(once.path());
    assert_eq!(run["totals"]["content_filter_hops"], 2);
    assert_eq!(run["totals"]["messages"], 1);
    let events = read_csv(&once.path().join("events.csv"));
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["host"], "mx2");
    assert_eq!(events[0]["relay"], "mx.army.ml[198.51.100.8]:25");
}

/// One message to `rcpt` stamped `stamp` (a syslog `Mmm dd hh:mm:ss`).
fn message_at(id: &str, stamp: &str, rcpt: &str) -> String {
    format!(
        "{stamp} mx1 postfix/qmgr[1]: {id}: from=<a@example.org>, size=100, nrcpt=1 (queue active)\n\
         {stamp} mx1 postfix/smtp[2]: {id}: to=<{rcpt}>, relay=mx[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)\n\
         {stamp} mx1 postfix/qmgr[1]: {id}: removed\n"
    )
}

#[test]
fn a_file_spanning_more_than_its_first_year_is_read_again_a_year_earlier() {
    // March 2022 to July 2023 in one never-rotated file, compressed and
    // named for the day it was finally rotated. Dated from its first line
    // alone, March would be 2023 and the last lines 2024: after the name.
    // Mail goes out every couple of months in between: a jump of more than
    // half a year reads as a late line from the year before.
    let log = [
        message_at("3F2B1C0A1", "Mar 10 09:00:00", "x@army.ml"),
        message_at("3F2B1C0B1", "May  1 09:00:00", "b@example.net"),
        message_at("3F2B1C0B2", "Aug  1 09:00:00", "b@example.net"),
        message_at("3F2B1C0B3", "Oct  1 09:00:00", "b@example.net"),
        message_at("3F2B1C0A2", "Dec 31 23:00:00", "y@army.mil"),
        message_at("3F2B1C0A3", "Jan  1 01:00:00", "z@army.mil"),
        message_at("3F2B1C0B4", "Mar  1 09:00:00", "b@example.net"),
        message_at("3F2B1C0B5", "May  1 09:00:00", "b@example.net"),
        message_at("3F2B1C0A4", "Jul  5 12:00:00", "w@army.ml"),
    ]
    .concat();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("mail.log-20230710.gz");
    fs::write(&p, gzip(log.as_bytes())).unwrap();
    let out = tempfile::tempdir().unwrap();
    scan(&[&p], out.path(), &[], 0);
    // The leak figures come from the delivery records: kept in memory,
    // spilled to disk (where the first reading's must be set aside), or
    // dropped and read a third time for the events.
    for extra in [
        &[][..],
        &["--ledger-budget", "0"][..],
        &["--ledger-rare-limit", "0", "--ledger-budget", "0"][..],
    ] {
        let o = tempfile::tempdir().unwrap();
        scan(&[&p], o.path(), extra, 0);
        let clusters = read_csv(&o.path().join("clusters.csv"));
        let c = clusters.iter().find(|r| r["intended"] == "army.mil");
        let c = c.unwrap_or_else(|| panic!("{extra:?}: {clusters:?}"));
        assert_eq!(c["messages_attempted"], "2", "{extra:?}");
        assert_eq!(c["first_seen"], "2022-03-10T09:00:00Z", "{extra:?}");
        assert_eq!(c["last_seen"], "2023-07-05T12:00:00Z", "{extra:?}");
        let events = read_csv(&o.path().join("events.csv"));
        assert_eq!(events.len(), 2, "{extra:?}");
    }
    let m = &manifest(out.path())["mail.log-20230710.gz"];
    assert_eq!(m["first_seen"], "2022-03-10T09:00:00Z");
    assert_eq!(m["last_seen"], "2023-07-05T12:00:00Z");
    assert!(
        m["year_rule"].starts_with("file-name 2023-07-10, first line moved back to 2022"),
        "{}",
        m["year_rule"]
    );
    assert!(m["year_rule"].ends_with("(1 year rollover)"));
    assert!(m["notes"].contains("read twice"), "{}", m["notes"]);
    assert!(!m["notes"].contains("pass --year"), "{}", m["notes"]);
    assert_eq!(m["lines_used"], "27");
    let d = domains_by(out.path(), "domain");
    assert_eq!(d["army.ml"]["first_seen"], "2022-03-10T09:00:00Z");
    assert_eq!(d["army.ml"]["last_seen"], "2023-07-05T12:00:00Z");
    assert_eq!(d["army.ml"]["messages"], "2");
    assert_eq!(d["army.mil"]["first_seen"], "2022-12-31T23:00:00Z");
    assert_eq!(d["army.mil"]["messages"], "2");
}
