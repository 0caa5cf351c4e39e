//! Microsoft 365 message trace exports end to end (fixtures written by
//! scripts/make-exchange-fixtures.py from Microsoft's documented column
//! sets): a UTF-16 summary export with US-style times, a UTF-8 (BOM)
//! enhanced summary, and an extended report of event rows.

use crate::util::*;

type Rows = std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>;

fn row(d: &Rows, dom: &str) -> Vec<String> {
    cells(
        d,
        dom,
        &[
            "messages",
            "recipients",
            "deliveries_sent",
            "deliveries_bounced",
            "deliveries_deferred",
            "bytes_sent",
            "senders",
        ],
    )
}

#[test]
fn each_report_kind_counts_exactly() {
    let out = tempfile::tempdir().unwrap();
    scan(&[&data("m365/trace-summary-utf16.csv")], out.path(), &[], 0);
    let m = manifest(out.path());
    let f = &m["trace-summary-utf16.csv"];
    assert_eq!(
        (
            f["format"].as_str(),
            f["lines_read"].as_str(),
            f["lines_used"].as_str()
        ),
        ("m365", "7", "6")
    );
    assert!(f["notes"].contains("UTF-16 LE"), "{}", f["notes"]);
    let d = domains_by(out.path(), "domain");
    // One row per recipient: alice's message to army.ml and army.mil is one
    // message; `Expanded` (a list) is no delivery; `Failed` bounced.
    assert_eq!(row(&d, "army.ml"), ["2", "2", "1", "1", "0", "20000", "2"]);
    assert_eq!(row(&d, "army.mil"), ["1", "1", "1", "0", "0", "20000", "1"]);
    assert_eq!(
        row(&d, "example.org"),
        ["1", "1", "1", "0", "0", "1500", "1"]
    );
    // The UTF-16 of a Cyrillic а survives the trip to UTF-8.
    assert_eq!(d["xn--gmil-63d.com"]["unicode_domain"], "gmаil.com");
    assert_eq!(d.len(), 4);
    assert_eq!(run_json(out.path())["totals"]["messages"], 4);

    let out = tempfile::tempdir().unwrap();
    scan(&[&data("m365/trace-enhanced.csv")], out.path(), &[], 0);
    let d = domains_by(out.path(), "domain");
    assert_eq!(row(&d, "army.ml"), ["1", "1", "1", "0", "0", "45000", "1"]);
    assert_eq!(row(&d, "gmial.com"), ["1", "1", "0", "1", "0", "0", "1"]);
    assert_eq!(row(&d, "navy.ml"), ["1", "1", "0", "0", "1", "0", "1"]);
    assert_eq!(
        row(&d, "example.org"),
        ["1", "1", "1", "0", "0", "9000", "1"]
    );
    assert_eq!(run_json(out.path())["totals"]["deliveries_local"], 1);

    let out = tempfile::tempdir().unwrap();
    scan(&[&data("m365/trace-extended.csv")], out.path(), &[], 0);
    let d = domains_by(out.path(), "domain");
    assert_eq!(row(&d, "army.ml"), ["1", "1", "1", "0", "0", "6000", "1"]);
    assert_eq!(row(&d, "gmial.com"), ["1", "1", "0", "1", "0", "0", "1"]);
    assert_eq!(d.len(), 2);
}

/// The three exports together: one leak report, as for Postfix.
#[test]
fn a_folder_of_exports_gives_one_leak_report() {
    let out = tempfile::tempdir().unwrap();
    scan(&[&data("m365")], out.path(), &[], 0);
    let run = run_json(out.path());
    assert_eq!(run["leak"]["org_domains"][0], "example.org");
    let c = read_csv(&out.path().join("clusters.csv"));
    let leak = |k: &str| cluster_leak(&c, k);
    assert_eq!(leak("army.mil"), ["4", "3", "71000"]);
    assert_eq!(leak("gmail.com"), ["3", "1", "800"]);
    assert_eq!(leak("navy.mil"), ["1", "0", "0"]);
    let gmail = c.iter().find(|r| r["intended"] == "gmail.com").unwrap();
    assert_eq!(gmail["lookalikes"], "gmial.com xn--gmil-63d.com");
}
