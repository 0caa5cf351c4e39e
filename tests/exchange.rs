//! Exchange message tracking logs end to end (fixtures written by
//! scripts/make-exchange-fixtures.py from Microsoft's documented fields):
//! exact per-domain counts, one count per recipient although two servers
//! logged the message, columns found by name in an Exchange 2010 layout,
//! and a lookalike quantified as in a Postfix log.

use crate::util::*;

#[test]
fn exchange_tracking_counts_and_leaks() {
    let out = tempfile::tempdir().unwrap();
    scan(&[&data("exchange")], out.path(), &[], 0);
    let m = manifest(out.path());
    let new = &m["MSGTRK2024010700-1.LOG"];
    assert_eq!(new["format"], "exchange");
    assert_eq!(
        (new["lines_read"].as_str(), new["lines_used"].as_str()),
        ("20", "13")
    );
    // Five header lines, DSN and EXPAND rows.
    assert_eq!(new["skipped_informational"], "7");
    assert_eq!(m["MSGTRK2010-1.LOG"]["lines_used"], "2");

    let d = domains_by(out.path(), "domain");
    let cols = [
        "messages",
        "recipients",
        "deliveries_sent",
        "deliveries_bounced",
        "bytes_sent",
        "senders",
    ];
    let row = |dom: &str| cells(&d, dom, &cols);
    // Message A crossed mbx1 and edge1 (an intra-organisation hop, then
    // out): each recipient counts once, at the size the organisation
    // received. Message B's army.ml recipient was deferred, then sent.
    assert_eq!(row("army.ml"), ["2", "2", "2", "0", "43663", "2"]);
    assert_eq!(row("army.mil"), ["1", "1", "1", "0", "38663", "1"]);
    // FAIL with a bracketed 2013+ status, and a 2010-layout SEND.
    assert_eq!(row("gmial.com"), ["2", "2", "1", "1", "2500", "2"]);
    // A transport rule's DROP: not delivered.
    assert_eq!(row("navy.ml"), ["1", "1", "0", "1", "0", "1"]);
    assert_eq!(row("example.org"), ["1", "2", "2", "0", "12000", "1"]);
    assert_eq!(d.len(), 5);

    let run = run_json(out.path());
    assert_eq!(run["totals"]["content_filter_hops"], 0);
    assert_eq!(run["totals"]["deferral_attempts"], 1);
    assert_eq!(run["totals"]["deliveries_local"], 2);
    assert_eq!(run["totals"]["messages_not_removed"], 0);
    assert_eq!(run["leak"]["org_domains"][0], "example.org");

    let c = read_csv(&out.path().join("clusters.csv"));
    let leak = |k: &str| cluster_leak(&c, k);
    assert_eq!(leak("army.mil"), ["2", "2", "43663"]);
    assert_eq!(leak("navy.mil"), ["1", "0", "0"]);
    let events = read_csv(&out.path().join("events.csv"));
    let a = events
        .iter()
        .find(|e| e["recipient"] == "john.smith@army.ml")
        .unwrap();
    assert_eq!(a["queue_id"], "0b7099ea-1111-4c1a-8d11-08dc0f0a0001");
    assert_eq!(a["relay"], "mx.army.ml[198.51.100.8]");
    assert_eq!(a["status"], "sent");
    assert_eq!(a["line"], "9");
}
