//! The lookalike engine end to end: on the real Postfix samples with no
//! targets given, on the typo pairs and negatives of three peer libraries'
//! test suites (tests/data/eval, copied from ../shared/eval), through
//! `misdirect match` and `misdirect permute`, and permute -> match as a
//! property.

use std::collections::BTreeMap;

use misdirect::lookalike::permute::permute;
use misdirect::lookalike::{Kind, TargetSpec};
use proptest::prelude::*;

use crate::util::*;

#[test]
fn samples_misdirections_found_with_what_was_meant() {
    let out = tempfile::tempdir().unwrap();
    scan(&[&root().join("samples/postfix")], out.path(), &[], 0);
    let rows = read_csv(&out.path().join("lookalikes.csv"));
    let found: BTreeMap<&str, (&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["domain"].as_str(),
                (
                    r["intended"].as_str(),
                    r["kind"].as_str(),
                    r["live_cctld"].as_str(),
                ),
            )
        })
        .collect();
    let want: BTreeMap<&str, (&str, &str, &str)> = [
        ("af.ml", ("af.mil", "suffix-omission", "ml")),
        ("army.ml", ("army.mil", "suffix-omission", "ml")),
        ("ausintel.com", ("aus.intel.com", "missing-dot", "")),
        ("gmail.cm", ("gmail.com", "suffix-omission", "cm")),
        ("gmial.com", ("gmail.com", "transposition", "")),
        ("modgov.uk", ("mod.gov.uk", "missing-dot", "")),
        ("navy.ml", ("navy.mil", "suffix-omission", "ml")),
        ("navy.mll", ("navy.mil", "suffix-substitution", "")),
        ("outlook.co", ("outlook.com", "suffix-omission", "co")),
        (
            "partner.co.uk.com",
            ("partner.co.uk", "suffix-appended", ""),
        ),
        ("xn--gmil-63d.com", ("gmail.com", "homoglyph", "")),
    ]
    .into_iter()
    .collect();
    assert_eq!(found, want);
    let army = rows.iter().find(|r| r["domain"] == "army.ml").unwrap();
    // The census counts ride along, and the evidence is there.
    assert_eq!(army["messages"], "6");
    assert_eq!(army["intended_messages"], "36");
    assert!(army["shared_local_parts"].parse::<u64>().unwrap() >= 3);
    assert_eq!(army["cctld_country"], "Mali");
    assert!(army["score_reasons"].contains("shared-local-parts"));
    for r in &rows {
        let s: f64 = r["score"].parse().unwrap();
        assert!((0.5..=1.0).contains(&s), "{}: {s}", r["domain"]);
    }
    // Without the built-in targets, .mil is not known to be meant, and the
    // inferred targets (written to by several senders) still catch most.
    let out2 = tempfile::tempdir().unwrap();
    scan(
        &[&root().join("samples/postfix")],
        out2.path(),
        &["--no-builtin-targets"],
        0,
    );
    let rows2 = read_csv(&out2.path().join("lookalikes.csv"));
    let names: Vec<&str> = rows2.iter().map(|r| r["domain"].as_str()).collect();
    assert!(
        names.contains(&"army.ml") && names.contains(&"ausintel.com"),
        "{names:?}"
    );
    assert!(rows2.iter().all(|r| r["target_source"] == "inferred"));
}

#[test]
fn allow_list_and_explicit_targets() {
    let out = tempfile::tempdir().unwrap();
    let targets = out.path().join("targets.txt");
    std::fs::write(&targets, "# ours\n*.mil\n").unwrap();
    let report = out.path().join("r");
    scan(
        &[&root().join("samples/postfix")],
        &report,
        &[
            "--targets",
            targets.to_str().unwrap(),
            "--allow",
            "army.ml",
            "--no-builtin-targets",
        ],
        0,
    );
    let rows = read_csv(&report.join("lookalikes.csv"));
    let names: Vec<&str> = rows.iter().map(|r| r["domain"].as_str()).collect();
    assert!(!names.contains(&"army.ml"), "allowed: {names:?}");
    assert!(names.contains(&"navy.ml") && names.contains(&"af.ml"));
    // Only the named targets: no gmail.com lookalikes.
    assert!(!names.contains(&"gmial.com"));
    let navy = rows.iter().find(|r| r["domain"] == "navy.ml").unwrap();
    assert_eq!(
        (
            navy["target_source"].as_str(),
            navy["via_suffix_target"].as_str()
        ),
        ("explicit", "true")
    );
}

fn eval(name: &str) -> Vec<BTreeMap<String, String>> {
    read_csv(&root().join("tests/data/eval").join(name))
}

fn eval_targets() -> Vec<String> {
    let mut t: Vec<String> = eval("typo-pairs.csv")
        .iter()
        .map(|r| r["intended"].clone())
        .collect();
    t.sort();
    t.dedup();
    t.iter().map(|t| format!("--target={t}")).collect()
}

fn match_csv(domains: &[String]) -> Vec<BTreeMap<String, String>> {
    let mut args: Vec<String> = vec![
        "match".into(),
        "--csv".into(),
        "--no-builtin-targets".into(),
    ];
    args.extend(eval_targets());
    args.extend(domains.iter().cloned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = misdirect(&args);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.csv");
    std::fs::write(&p, run.stdout).unwrap();
    read_csv(&p)
}

#[test]
fn peer_typo_pairs_are_matched_to_what_was_meant() {
    let pairs = eval("typo-pairs.csv");
    let typed: Vec<String> = pairs.iter().map(|r| r["typed"].clone()).collect();
    let got = match_csv(&typed);
    assert_eq!(got.len(), pairs.len());
    let mut misses = Vec::new();
    for (p, g) in pairs.iter().zip(&got) {
        let normalized = misdirect::lookalike::targets::normalize(&p["typed"]).unwrap_or_default();
        // `#gmail.com` is the intended domain once the junk is dropped.
        let ok = normalized == p["intended"]
            || (g["intended"] == p["intended"] && g["flagged"] == "true");
        if !ok {
            misses.push(format!(
                "{} -> {:?} ({})",
                p["typed"], g["intended"], p["intended"]
            ));
        }
    }
    let share = 1.0 - misses.len() as f64 / pairs.len() as f64;
    eprintln!(
        "typo pairs matched: {:.1}% of {}; misses: {misses:?}",
        share * 100.0,
        pairs.len()
    );
    assert!(share >= 0.95, "{share}: {misses:?}");
}

#[test]
fn peer_negatives_legitimate_left_alone_library_limits_caught() {
    let rows = eval("typo-negatives.csv");
    let typed: Vec<String> = rows.iter().map(|r| r["typed"].clone()).collect();
    let got = match_csv(&typed);
    for (r, g) in rows.iter().zip(&got) {
        let flagged = g["flagged"] == "true";
        match r["kind"].as_str() {
            "legitimate" | "too-short" => {
                assert!(!flagged, "{} flagged as {}", r["typed"], g["intended"])
            }
            "library-limit" => assert!(flagged, "{} not caught", r["typed"]),
            k => panic!("unknown kind {k}"),
        }
    }
}

#[test]
fn match_and_permute_commands() {
    let run = misdirect(&["match", "army.ml", "gmial.com", "example.org", "--csv"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("domain,intended,kind,edit_location,distance,score,flagged"));
    assert!(
        lines[1].starts_with("army.ml,army.mil,suffix-omission,suffix,1,"),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains(",true,ml,builtin"), "{}", lines[1]);
    assert!(lines[2].starts_with("gmial.com,gmail.com,transposition"));
    assert!(lines[3].starts_with("example.org,,"));
    let run = misdirect(&["match", "navy.ml"]);
    assert!(
        run.stdout.lines().nth(1).unwrap().contains("navy.mil"),
        "{}",
        run.stdout
    );

    let run = misdirect(&[
        "permute",
        "army.mil",
        "--kinds",
        "suffix-omission,missing-dot",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "kind,domain,unicode_domain,edit_location\n\
         suffix-omission,army.il,army.il,suffix\n\
         suffix-omission,army.mi,army.mi,suffix\n\
         suffix-omission,army.ml,army.ml,suffix\n\
         missing-dot,armymil,armymil,boundary\n"
    );
    assert_eq!(
        misdirect(&["permute", "army.mil", "--kinds", "nonsense"]).status,
        2
    );
    assert_eq!(misdirect(&["match", "x.com", "--min-score", "2"]).status, 2);
}

fn target() -> impl Strategy<Value = String> {
    (
        "[a-z]{3,10}",
        prop::sample::select(vec![
            "com", "mil", "co.uk", "gov.uk", "net", "org", "de", "ml",
        ]),
    )
        .prop_map(|(n, s)| format!("{n}.{s}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Every lookalike permute lists for a target is matched back to that
    /// target, with the kind permute gave it.
    #[test]
    fn permute_then_match_round_trips(t in target()) {
        let spec = TargetSpec { domains: vec![t.clone()], builtin: false, ..TargetSpec::default() };
        let matcher = spec.matcher(std::iter::empty());
        let perms = permute(&t, &[]);
        prop_assert!(perms.len() > 50);
        let kinds: std::collections::BTreeSet<Kind> = perms.iter().map(|p| p.kind).collect();
        prop_assert!(kinds.contains(&Kind::SuffixOmission) || t.ends_with(".de"));
        for p in perms {
            let c = matcher.candidates(&p.domain);
            let back = c.iter().find(|c| c.intended == t);
            prop_assert!(back.is_some(), "{} ({}) not matched back to {}", p.domain, p.kind, t);
            prop_assert_eq!(back.unwrap().class.kind, p.kind, "{}", p.domain);
        }
    }
}

/// A Postfix log in which each message goes from `sender` to `to` at
/// minute `minute` (one message per recipient list).
fn postfix_log(messages: &[(&str, &[&str], u32)]) -> String {
    let mut s = String::new();
    for (i, (sender, to, minute)) in messages.iter().enumerate() {
        let (h, m) = (10 + minute / 60, minute % 60);
        let qid = format!("{:010X}", 0xA000 + i);
        s += &format!(
            "Jul  7 {h:02}:{m:02}:00 mx1 postfix/cleanup[3]: {qid}: message-id=<{i}@example.org>\n"
        );
        s += &format!(
            "Jul  7 {h:02}:{m:02}:00 mx1 postfix/qmgr[1]: {qid}: from=<{sender}>, size=1000, nrcpt={} (queue active)\n",
            to.len()
        );
        for r in to.iter() {
            s += &format!(
                "Jul  7 {h:02}:{m:02}:01 mx1 postfix/smtp[2]: {qid}: to=<{r}>, relay=mx.example[192.0.2.9]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)\n"
            );
        }
        s += &format!("Jul  7 {h:02}:{m:02}:02 mx1 postfix/qmgr[1]: {qid}: removed\n");
    }
    s
}

#[test]
fn evidence_counts_distinctive_local_parts_and_same_person_corrections() {
    // `info` is at six domains: sharing it proves nothing. `j.doe` is at
    // two: near-proof. `ann` wrote to j.doe@northwind.co.uk 3 minutes after
    // j.doe@nortwhind.co.uk: a self-correction; `bob` wrote to someone else;
    // `dan` wrote to info@ at both (only distinctive local parts count).
    let mut m: Vec<(&str, &[&str], u32)> = Vec::new();
    let common: &[&str] = &[
        "info@northwind.co.uk",
        "info@a1.example",
        "info@b2.example",
        "info@c3.example",
        "info@d4.example",
    ];
    for k in 0..20 {
        m.push(("ops@ours.example", common, k));
        m.push(("ann@ours.example", &["j.doe@northwind.co.uk"], 30 + k));
        m.push(("cat@ours.example", &["sales@northwind.co.uk"], 60 + k));
    }
    m.push(("bob@ours.example", &["info@nortwhind.co.uk"], 100));
    m.push(("bob@ours.example", &["x.y@northwind.co.uk"], 101));
    m.push(("ann@ours.example", &["j.doe@nortwhind.co.uk"], 110));
    m.push(("ann@ours.example", &["j.doe@northwind.co.uk"], 113));
    // `dan` wrote to info@ at both within minutes: a newsletter, not a
    // correction, since `info` is no one's in particular.
    m.push(("dan@ours.example", &["info@nortwhind.co.uk"], 120));
    m.push(("dan@ours.example", &["info@northwind.co.uk"], 121));
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("mail.log-20230707");
    std::fs::write(&log, postfix_log(&m)).unwrap();
    let out = dir.path().join("r");
    scan(&[&log], &out, &["--no-builtin-targets"], 0);
    let rows = read_csv(&out.join("lookalikes.csv"));
    let f = rows
        .iter()
        .find(|r| r["domain"] == "nortwhind.co.uk")
        .expect("found");
    assert_eq!(f["intended"], "northwind.co.uk");
    assert_eq!(f["kind"], "transposition");
    assert_eq!(f["shared_local_parts"], "1", "j.doe, not info");
    assert_eq!(f["self_corrections"], "1", "ann, not bob nor dan");
    assert_eq!(f["target_source"], "inferred");
}
