//! Exim main logs end to end: exact per-domain counts on a fixture in
//! Exim's documented format, and a lookalike found and quantified as in
//! a Postfix log.

use crate::util::*;

#[test]
fn exim_mainlog_counts_and_leaks() {
    let out = tempfile::tempdir().unwrap();
    let dir = data("exim");
    scan(&[&dir], out.path(), &[], 0);
    let m = manifest(out.path());
    assert_eq!(m["mainlog"]["format"], "exim");
    assert_eq!(m["mainlog"]["programs"], "exim");
    assert_eq!(m["mainlog"]["lines_read"], "27");
    assert_eq!(m["mainlog"]["lines_used"], "25");
    assert_eq!(m["mainlog.1.gz"]["status"], "duplicate");

    let d = domains_by(out.path(), "domain");
    let row = |dom: &str, cols: &[&str]| cells(&d, dom, cols);
    let cols = [
        "messages",
        "recipients",
        "deliveries_sent",
        "deliveries_bounced",
        "bytes_sent",
        "senders",
    ];
    assert_eq!(row("army.mil", &cols), ["2", "3", "3", "0", "5000", "2"]);
    assert_eq!(row("navy.mil", &cols), ["1", "1", "1", "0", "2000", "1"]);
    assert_eq!(row("army.ml", &cols), ["2", "2", "2", "0", "7000", "2"]);
    assert_eq!(row("navy.ml", &cols), ["1", "1", "1", "0", "5000", "1"]);
    assert_eq!(row("gmial.com", &cols), ["1", "1", "0", "1", "0", "1"]);
    assert_eq!(row("example.org", &cols), ["1", "1", "1", "0", "7000", "1"]);
    assert_eq!(d.len(), 6);

    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("run.json")).unwrap()).unwrap();
    assert_eq!(run["totals"]["rejects"], 1);
    assert_eq!(run["totals"]["deferral_attempts"], 1);
    assert_eq!(run["totals"]["deliveries_local"], 1);
    assert_eq!(run["leak"]["org_domains"][0], "example.org");

    let c = read_csv(&out.path().join("clusters.csv"));
    let leak = |k: &str| cluster_leak(&c, k);
    assert_eq!(leak("army.mil"), ["2", "2", "7000"]);
    assert_eq!(leak("navy.mil"), ["1", "1", "5000"]);
    assert_eq!(leak("gmail.com"), ["1", "0", "0"]);
    let events = read_csv(&out.path().join("events.csv"));
    let first = &events[0];
    assert_eq!(first["queue_id"], "1rA2bE-0001Y0-3C");
    assert_eq!(first["recipient"], "j.smith@army.ml");
    assert_eq!(first["relay"], "mx.army.ml [198.51.100.8]");
    assert_eq!(first["line"], "10");
    // The new-style (4.97) ID is read like the old one.
    assert!(
        events
            .iter()
            .any(|e| e["queue_id"] == "1rA2bF-000000001Y1-4D5E"
                && e["recipient"] == "r.jones@army.ml")
    );
}

/// samples/exim/mainlog was written by a real Exim 4.96 on loopback
/// (scripts/capture-exim-samples.sh) with the same scripted traffic as the
/// Postfix samples; expected-domains.csv was counted by
/// scripts/capture/exim_expected.py, independently of misdirect.
#[test]
fn real_exim_log_counts_match_an_independent_count() {
    let out = tempfile::tempdir().unwrap();
    let dir = root().join("samples/exim");
    scan(&[&dir], out.path(), &[], 0);
    assert_counts(out.path(), &dir.join("expected-domains.csv"));
    let m = manifest(out.path());
    assert_eq!(m["mainlog"]["format"], "exim");
    assert_eq!(m["mainlog"]["status"], "ok");
    assert_eq!(m["mainlog"]["year_rule"], "in-line");
    assert_eq!(
        m["mainlog"]["lines_skipped"],
        m["mainlog"]["skipped_informational"]
    );
    let lookalikes: std::collections::BTreeMap<String, _> =
        read_csv(&out.path().join("lookalikes.csv"))
            .into_iter()
            .map(|r| (r["domain"].clone(), r))
            .collect();
    for (lookalike, intended) in [
        ("army.ml", "army.mil"),
        ("navy.ml", "navy.mil"),
        ("gmial.com", "gmail.com"),
        ("outlook.co", "outlook.com"),
    ] {
        assert_eq!(lookalikes[lookalike]["intended"], intended, "{lookalike}");
    }
}

/// Postfix, Exim and Sendmail logs in one folder give one combined answer:
/// the sum of the answers for each MTA's folder.
#[test]
fn a_folder_of_postfix_and_exim_logs_is_one_census() {
    let both = tempfile::tempdir().unwrap();
    scan(&[&root().join("samples")], both.path(), &[], 0);
    let all = domains_by(both.path(), "domain");
    let mut parts = Vec::new();
    for mta in ["postfix", "exim", "sendmail"] {
        let dir = root().join("samples").join(mta);
        if dir.exists() {
            let out = tempfile::tempdir().unwrap();
            scan(&[&dir], out.path(), &[], 0);
            parts.push(domains_by(out.path(), "domain"));
        }
    }
    assert!(parts.len() >= 2);
    let n = |m: &std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
             d: &str,
             c: &str| { m.get(d).map_or(0, |r| r[c].parse::<u64>().unwrap()) };
    for d in all.keys() {
        for c in [
            "messages",
            "deliveries_sent",
            "deliveries_bounced",
            "bytes_sent",
        ] {
            let sum: u64 = parts.iter().map(|p| n(p, d, c)).sum();
            assert_eq!(n(&all, d, c), sum, "{d} {c}");
        }
    }
    let formats: Vec<String> = read_csv(&both.path().join("manifest.csv"))
        .into_iter()
        .map(|r| r["format"].clone())
        .filter(|f| f == "exim" || f == "syslog")
        .collect();
    assert!(formats.contains(&"exim".to_string()) && formats.contains(&"syslog".to_string()));
}
