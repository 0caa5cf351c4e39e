//! Sendmail syslogs end to end: exact per-domain counts on a fixture in the
//! shapes Sendmail writes (the submission program's hand-off, several
//! recipients on one line, deferrals then expiry, a bounce and its notice,
//! octal escapes, unqualified local mailboxes), and a lookalike found and
//! quantified as in a Postfix log.

use crate::util::*;

#[test]
fn sendmail_counts_and_leaks() {
    let out = tempfile::tempdir().unwrap();
    let dir = data("sendmail");
    scan(&[&dir], out.path(), &["--year", "2023"], 0);
    let m = manifest(out.path());
    assert_eq!(m["maillog"]["format"], "syslog");
    assert_eq!(m["maillog"]["programs"], "sendmail");
    assert_eq!(m["maillog"]["lines_read"], "27");
    assert_eq!(m["maillog"]["lines_used"], "24");
    assert_eq!(m["maillog"]["skipped_informational"], "3");

    let d = domains_by(out.path(), "domain");
    let cols = [
        "messages",
        "recipients",
        "deliveries_sent",
        "deliveries_bounced",
        "deliveries_expired",
        "bytes_sent",
        "senders",
    ];
    let row = |dom: &str| cells(&d, dom, &cols);
    // The submission program's hand-off (mailer=relay to 127.0.0.1) is
    // not a delivery: alice's message counts once, as the MTA sent it.
    assert_eq!(row("army.ml"), ["3", "4", "4", "0", "0", "10500", "3"]);
    assert_eq!(row("army.mil"), ["2", "2", "2", "0", "0", "6500", "2"]);
    assert_eq!(row("navy.ml"), ["1", "1", "0", "0", "1", "0", "1"]);
    assert_eq!(row("gmial.com"), ["1", "1", "0", "1", "0", "0", "1"]);
    // Two bounce notices from the null sender, delivered locally.
    assert_eq!(row("example.org"), ["2", "2", "2", "0", "0", "0", "1"]);
    // `gm\320\260il.com`: the octal escapes are the UTF-8 of a Cyrillic а.
    assert_eq!(
        row("xn--gmil-63d.com"),
        ["1", "1", "1", "0", "0", "2500", "1"]
    );
    assert_eq!(d["xn--gmil-63d.com"]["unicode_domain"], "gmаil.com");
    // `to=root,alice`: unqualified local mailboxes, under no domain.
    assert_eq!(row(""), ["1", "2", "2", "0", "0", "4000", "1"]);
    assert_eq!(d.len(), 7);

    let run = run_json(out.path());
    let t = &run["totals"];
    assert_eq!(t["messages"], 8);
    assert_eq!(t["content_filter_hops"], 2);
    assert_eq!(t["rejects"], 1);
    assert_eq!(t["deferral_attempts"], 3);
    assert_eq!(t["messages_expired"], 1);
    // Sendmail logs no `removed`; its messages are not reported as lacking one.
    assert_eq!(t["messages_not_removed"], 0);
    assert_eq!(t["sent_messages_without_size"], 2);
    assert_eq!(run["leak"]["org_domains"][0], "example.org");
    assert_eq!(run["leak"]["org_domains"].as_array().unwrap().len(), 1);

    let c = read_csv(&out.path().join("clusters.csv"));
    let leak = |k: &str| cluster_leak(&c, k);
    assert_eq!(leak("army.mil"), ["3", "3", "10500"]);
    assert_eq!(leak("navy.mil"), ["1", "0", "0"]);
    assert_eq!(leak("gmail.com"), ["2", "1", "2500"]);
    let events = read_csv(&out.path().join("events.csv"));
    let first = &events[0];
    assert_eq!(first["queue_id"], "36H9011b001002");
    assert_eq!(first["recipient"], "john.smith@army.ml");
    assert_eq!(first["relay"], "mx.army.ml. [198.51.100.8]");
    assert_eq!(first["line"], "7");
}

/// The same messages as stored by journald (`journalctl -o json`, made by
/// scripts/syslog-to-journal.py; one message is not UTF-8 and so is an
/// array of bytes) give the same census and the same leak as the syslog file.
#[test]
fn journal_export_equals_syslog() {
    let syslog = tempfile::tempdir().unwrap();
    let journal = tempfile::tempdir().unwrap();
    scan(&[&data("sendmail")], syslog.path(), &["--year", "2023"], 0);
    scan(&[&data("journal")], journal.path(), &[], 0);
    let m = manifest(journal.path());
    assert_eq!(m["sendmail.json"]["format"], "journal");
    assert_eq!(m["sendmail.json"]["programs"], "sendmail");
    assert_eq!(m["sendmail.json"]["lines_used"], "24");
    assert_eq!(m["sendmail.json"]["year_rule"], "in-line");
    for report in [
        "domains.csv",
        "clusters.csv",
        "lookalikes.csv",
        "timeline.csv",
    ] {
        let a = std::fs::read_to_string(syslog.path().join(report)).unwrap();
        let b = std::fs::read_to_string(journal.path().join(report)).unwrap();
        assert_eq!(a, b, "{report}");
    }
}

/// samples/sendmail/maillog was written by a real Sendmail 8.17 on loopback
/// (scripts/capture-sendmail-samples.sh) with the scripted traffic of the
/// Postfix and Exim samples plus `sendmail`-command submissions;
/// expected-domains.csv was counted by scripts/capture/sendmail_expected.py,
/// independently of misdirect.
#[test]
fn real_sendmail_log_counts_match_an_independent_count() {
    let out = tempfile::tempdir().unwrap();
    let dir = root().join("samples/sendmail");
    scan(&[&dir], out.path(), &[], 0);
    assert_counts(out.path(), &dir.join("expected-domains.csv"));
    let m = manifest(out.path());
    assert_eq!(m["maillog"]["programs"], "sendmail");
    assert_eq!(m["maillog"]["lines_read"], "318");
    assert_eq!(m["maillog"]["lines_used"], "314");
    let run = run_json(out.path());
    // 16 hand-offs of the submission program (not deliveries), 4 refused
    // recipients, 5 messages given up after their queue lifetime.
    assert_eq!(run["totals"]["content_filter_hops"], 16);
    assert_eq!(run["totals"]["rejects"], 4);
    assert_eq!(run["totals"]["messages_expired"], 5);
    let lookalikes: std::collections::BTreeMap<String, String> =
        read_csv(&out.path().join("lookalikes.csv"))
            .into_iter()
            .map(|r| (r["domain"].clone(), r["intended"].clone()))
            .collect();
    // The same 11 lookalikes as in the Postfix and Exim samples.
    assert_eq!(lookalikes.len(), 11);
    for (lookalike, intended) in [
        ("army.ml", "army.mil"),
        ("navy.mll", "navy.mil"),
        ("modgov.uk", "mod.gov.uk"),
        ("xn--gmil-63d.com", "gmail.com"),
        ("ausintel.com", "aus.intel.com"),
    ] {
        assert_eq!(lookalikes[lookalike], intended, "{lookalike}");
    }
}
