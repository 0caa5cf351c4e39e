//! `misdirect synth`: deterministic for a seed whatever the thread count,
//! and its ground truth is what `scan` reports (per-domain counts exact,
//! every lookalike that received mail found, leak clusters exact).

use std::collections::BTreeMap;
use std::path::Path;

use crate::util::*;

fn synth(out: &Path, threads: &str) {
    synth_small(out, "3", &["-j", threads]);
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    for sub in ["logs", "truth"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            let p = e.unwrap().path();
            m.insert(
                format!("{sub}/{}", p.file_name().unwrap().to_string_lossy()),
                std::fs::read(&p).unwrap(),
            );
        }
    }
    m
}

#[test]
fn synth_is_deterministic_and_scan_matches_its_truth() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    synth(&a.path().join("s"), "1");
    synth(&b.path().join("s"), "2");
    let (fa, fb) = (files(&a.path().join("s")), files(&b.path().join("s")));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (k, v) in &fa {
        assert!(v == &fb[k], "{k} differs between 1 and 2 threads");
    }
    // 18 days, named by the day they were rotated: gzip, one bzip2 (the
    // eighth), the last rotated one plain (delaycompress), the live log.
    assert!(fa.contains_key("logs/mail.log-20210109.bz2"));
    assert!(fa.contains_key("logs/mail.log-20210118"));
    assert!(fa.contains_key("logs/mail.log"));

    let out = tempfile::tempdir().unwrap();
    scan(&[&a.path().join("s/logs")], out.path(), &[], 0);
    let truth = a.path().join("s/truth");
    let expected = read_csv(&truth.join("expected-domains.csv"));
    let got = domains_by(out.path(), "domain");
    assert_eq!(expected.len(), got.len());
    for e in &expected {
        let g = &got[&e["domain"]];
        for c in COUNT_COLUMNS {
            assert_eq!(g[c], e[c], "{} {c}", e["domain"]);
        }
    }
    let lookalikes: BTreeMap<String, BTreeMap<String, String>> =
        read_csv(&truth.join("lookalikes.csv"))
            .into_iter()
            .filter(|r| got.contains_key(&r["domain"]))
            .map(|r| (r["domain"].clone(), r))
            .collect();
    assert!(lookalikes.len() >= 10, "{}", lookalikes.len());
    let found = |out: &Path| -> BTreeMap<String, BTreeMap<String, String>> {
        read_csv(&out.join("lookalikes.csv"))
            .into_iter()
            .map(|r| (r["domain"].clone(), r))
            .collect()
    };
    // Without a target list, a long-tail lookalike written to once may lack
    // the evidence to be flagged; everything flagged must be right.
    let inferred = found(out.path());
    let hits = lookalikes
        .keys()
        .filter(|d| inferred.contains_key(*d))
        .count();
    assert!(
        hits * 10 >= lookalikes.len() * 9,
        "recall {hits}/{}",
        lookalikes.len()
    );
    for (d, f) in &inferred {
        let t = lookalikes
            .get(d)
            .unwrap_or_else(|| panic!("{d} flagged, not a misdirection"));
        assert_eq!(
            (&f["intended"], &f["kind"]),
            (&t["intended"], &t["kind"]),
            "{d}"
        );
    }
    // With the organisation's list of the domains it writes to: all found.
    let targets = a.path().join("targets.txt");
    let meant: std::collections::BTreeSet<&String> =
        lookalikes.values().map(|t| &t["intended"]).collect();
    std::fs::write(
        &targets,
        meant.into_iter().cloned().collect::<Vec<_>>().join("\n"),
    )
    .unwrap();
    let listed = tempfile::tempdir().unwrap();
    scan(
        &[&a.path().join("s/logs")],
        listed.path(),
        &["--targets", targets.to_str().unwrap()],
        0,
    );
    let listed_found = found(listed.path());
    for (d, t) in &lookalikes {
        let f = listed_found
            .get(d)
            .unwrap_or_else(|| panic!("{d} ({}) not found", t["kind"]));
        assert_eq!(
            (&f["intended"], &f["kind"]),
            (&t["intended"], &t["kind"]),
            "{d}"
        );
    }
    assert_eq!(
        listed_found.len(),
        lookalikes.len(),
        "nothing else is flagged"
    );
    let clusters: BTreeMap<String, BTreeMap<String, String>> =
        read_csv(&listed.path().join("clusters.csv"))
            .into_iter()
            .map(|r| (r["intended"].clone(), r))
            .collect();
    for e in read_csv(&truth.join("expected-clusters.csv")) {
        let c = &clusters[&e["intended"]];
        for col in ["messages_attempted", "messages_leaked", "bytes_leaked"] {
            assert_eq!(c[col], e[col], "{} {col}", e["intended"]);
        }
    }
}

/// Every format `synth` writes, all of them mixed in one archive, and
/// weekly rotation with numbered names across a new year: `scan` reports
/// exactly the truth's per-domain counts and leak clusters.
#[test]
fn every_format_and_rotation_matches_its_truth() {
    let cases: &[(&str, &[&str])] = &[
        ("exim", &["--format", "exim"]),
        ("sendmail", &["--format", "sendmail"]),
        ("exchange", &["--format", "exchange"]),
        ("m365", &["--format", "m365"]),
        ("journald", &["--format", "journald"]),
        ("mixed", &["--format", "mixed"]),
        (
            "weekly",
            &[
                "--rotate",
                "weekly",
                "--names",
                "numbered",
                "--start",
                "2021-12-20",
            ],
        ),
    ];
    for (name, extra) in cases {
        let dir = tempfile::tempdir().unwrap();
        let s = dir.path().join("s");
        let mut args = vec![
            "synth",
            "-o",
            s.to_str().unwrap(),
            "--years",
            "0.03",
            "--users",
            "30",
            "--messages-per-day",
            "150",
            "--typo-rate",
            "0.01",
            "--seed",
            "5",
        ];
        args.extend_from_slice(extra);
        let r = misdirect(&args);
        assert_eq!(r.status, 0, "{name}: {}", r.stderr);
        let out = dir.path().join("out");
        scan(&[&s.join("logs")], &out, &[], 0);
        let truth = s.join("truth");
        // The truth names domains in their ASCII form.
        let got = domains_by(&out, "domain");
        let expected = read_csv(&truth.join("expected-domains.csv"));
        assert_eq!(got.len(), expected.len(), "{name}: domains");
        for e in &expected {
            let g = &got[&e["domain"]];
            for c in COUNT_COLUMNS {
                assert_eq!(g[c], e[c], "{name}: {} {c}", e["domain"]);
            }
        }
        let clusters: BTreeMap<String, BTreeMap<String, String>> =
            read_csv(&out.join("clusters.csv"))
                .into_iter()
                .map(|r| (r["intended"].clone(), r))
                .collect();
        // Clusters found whole (every lookalike of the domain meant was
        // flagged) must equal the truth exactly.
        let lookalikes = read_csv(&truth.join("lookalikes.csv"));
        let found: std::collections::BTreeSet<String> = read_csv(&out.join("lookalikes.csv"))
            .into_iter()
            .map(|r| r["domain"].clone())
            .collect();
        let mut compared = 0;
        for e in read_csv(&truth.join("expected-clusters.csv")) {
            let whole = lookalikes
                .iter()
                .filter(|l| l["intended"] == e["intended"] && got.contains_key(&l["domain"]))
                .all(|l| found.contains(&l["domain"]));
            if !whole {
                continue;
            }
            let c = &clusters[&e["intended"]];
            for col in ["messages_attempted", "messages_leaked", "bytes_leaked"] {
                assert_eq!(c[col], e[col], "{name}: {} {col}", e["intended"]);
            }
            // And per protective marking of the subjects.
            let rows = |path: &Path,
                        scope: Option<&str>,
                        key: &str|
             -> BTreeMap<String, Vec<String>> {
                read_csv(path)
                    .into_iter()
                    .filter(|r| r[key] == e["intended"] && scope.is_none_or(|s| r["scope"] == s))
                    .map(|r| {
                        let v = ["messages_attempted", "messages_leaked", "bytes_leaked"]
                            .map(|c| r[c].clone())
                            .to_vec();
                        (r["marking"].clone(), v)
                    })
                    .collect()
            };
            assert_eq!(
                rows(&out.join("markings.csv"), Some("cluster"), "group"),
                rows(&truth.join("expected-markings.csv"), None, "intended"),
                "{name}: markings of {}",
                e["intended"]
            );
            compared += 1;
        }
        assert!(compared >= 5, "{name}: only {compared} clusters compared");
    }
}
