//! Logs written by a real Postfix 3.7 (scripts/capture-postfix-samples.sh):
//! the per-domain counts must equal the independently computed ones.

use crate::util::*;

#[test]
fn samples_rotated_compressed_and_split_mid_message() {
    let out = tempfile::tempdir().unwrap();
    let samples = root().join("samples/postfix");
    scan(&[&samples], out.path(), &[], 0);
    assert_counts(out.path(), &samples.join("expected-domains.csv"));

    let m = manifest(out.path());
    let logs: Vec<_> = m
        .iter()
        .filter(|(n, _)| n.starts_with("mail.log-"))
        .collect();
    assert_eq!(logs.len(), 4);
    let compressions: Vec<&str> = logs
        .iter()
        .map(|(_, r)| r["compression"].as_str())
        .collect();
    assert_eq!(compressions, ["gzip", "bzip2", "xz", "plain"]);
    for (name, r) in &logs {
        assert_eq!(r["status"], "ok", "{name}");
        assert_eq!(r["format"], "syslog", "{name}");
        assert!(
            r["year_rule"].starts_with("file-name 20"),
            "{name}: {}",
            r["year_rule"]
        );
        assert_eq!(r["sha256"].len(), 64);
    }
    // The README and the expected counts are reported, not read as logs.
    assert_eq!(m["README.md"]["status"], "unknown-format");

    let run = run_json(out.path());
    assert!(run["messages_joined_across_files"].as_u64().unwrap() >= 2);
    assert_eq!(run["complete"], true);
    let t = &run["totals"];
    assert_eq!(t["deliveries_sent"], 204);
    assert_eq!(t["deliveries_bounced"], 5);
    assert_eq!(t["deliveries_deferred"], 0);
    assert_eq!(t["deliveries_expired"], 4);
    assert_eq!(t["content_filter_hops"], 146);
    assert_eq!(t["rejects"], 3);
    assert_eq!(t["messages_without_arrival"], 0);
    assert_eq!(t["messages_not_removed"], 0);

    // The year comes from the names: the log crosses into 2027.
    let d = domains_by(out.path(), "domain");
    assert_eq!(d["army.mil"]["first_seen"], "2026-12-31T23:57:27Z");
    assert_eq!(d["army.mil"]["last_seen"], "2027-01-01T00:00:31Z");
    assert_eq!(
        d["xn--bcher-kva.example"]["unicode_domain"],
        "bücher.example"
    );
    assert_eq!(d["aus.intel.com"]["registrable_domain"], "intel.com");
}

#[test]
fn every_timestamp_style_and_compression_gives_the_same_counts() {
    let expected = data("postfix-real/expected-domains.csv");
    let mut first_seen = Vec::new();
    for name in [
        "bsd.log",
        "rfc3339.log",
        "postlogd.log",
        "bsd.log.gz",
        "bsd.log.bz2",
        "bsd.log.xz",
        "bsd.log.zst",
    ] {
        let out = tempfile::tempdir().unwrap();
        scan(
            &[&data(&format!("postfix-real/{name}"))],
            out.path(),
            &["--year", "2026"],
            0,
        );
        assert_counts(out.path(), &expected);
        let d = domains_by(out.path(), "domain");
        first_seen.push((
            name,
            d["navy.ml"]["first_seen"].clone(),
            d["navy.ml"]["last_seen"].clone(),
        ));
    }
    for (name, f, l) in &first_seen {
        assert_eq!(
            (f.as_str(), l.as_str()),
            ("2026-12-31T23:57:49Z", "2026-12-31T23:59:34Z"),
            "{name}"
        );
    }
}

#[test]
fn parquet_holds_the_same_rows_as_csv() {
    use polars::prelude::*;
    let out = tempfile::tempdir().unwrap();
    scan(
        &[&data("postfix-real/bsd.log")],
        out.path(),
        &["--year", "2026"],
        0,
    );
    let file = std::fs::File::open(out.path().join("domains.parquet")).unwrap();
    let df = ParquetReader::new(file).finish().unwrap();
    let csv = read_csv(&out.path().join("domains.csv"));
    assert_eq!(df.height(), csv.len());
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let text = std::fs::read_to_string(out.path().join("domains.csv")).unwrap();
    assert_eq!(names.join(","), text.lines().next().unwrap());
    let domains = df.column("domain").unwrap().str().unwrap();
    let sent = df.column("deliveries_sent").unwrap().u64().unwrap();
    let first = df.column("first_seen").unwrap();
    assert!(matches!(
        first.dtype(),
        DataType::Datetime(TimeUnit::Microseconds, Some(_))
    ));
    for (i, row) in csv.iter().enumerate() {
        assert_eq!(domains.get(i).unwrap(), row["domain"]);
        assert_eq!(sent.get(i).unwrap().to_string(), row["deliveries_sent"]);
    }
}
