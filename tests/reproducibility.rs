//! Reports are byte-identical whatever the thread count or the order of
//! the paths on the command line: fixed cases, and a property over random
//! orders of inputs of every format.

use std::fs;

use proptest::strategy::Strategy;

use crate::util::*;

#[test]
fn same_bytes_for_any_thread_count_and_path_order() {
    let logs = postfix_samples();
    let mut reversed = logs.clone();
    reversed.sort();
    reversed.reverse();
    let mut runs = Vec::new();
    for (paths, threads) in [(&logs, 1), (&reversed, 2), (&reversed, 1), (&logs, 4)] {
        let files = reports(paths, threads, &[]);
        assert!(
            files.len() >= 17,
            "{:?}",
            files.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        runs.push(files);
    }
    for r in &runs[1..] {
        assert!(r == &runs[0], "reports differ between runs");
    }
}

/// The reports of `paths` read with `threads` (and `extra` options):
/// every file but run.json, which has the run's own times.
fn reports(paths: &[std::path::PathBuf], threads: usize, extra: &[&str]) -> Vec<(String, Vec<u8>)> {
    let out = tempfile::tempdir().unwrap();
    let refs: Vec<&std::path::Path> = paths.iter().map(|p| p.as_path()).collect();
    let threads = threads.to_string();
    let mut args = vec!["--threads", threads.as_str()];
    args.extend_from_slice(extra);
    scan(&refs, out.path(), &args, 0);
    reports_in(out.path())
}

/// Every report in `out` but run.json, by name.
fn reports_in(out: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != "run.json")
        .map(|p| {
            let bytes = fs::read(&p).unwrap();
            (p.file_name().unwrap().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    files.sort();
    files
}

/// The real Postfix samples (not their README and expected counts).
fn postfix_samples() -> Vec<std::path::PathBuf> {
    fs::read_dir(root().join("samples/postfix"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("mail.log-")
        })
        .collect()
}

/// Logs of every format: the real Postfix, Exim and Sendmail samples, and
/// the Exchange and Microsoft 365 fixtures.
fn mixed_inputs() -> Vec<std::path::PathBuf> {
    let mut v = postfix_samples();
    v.push(root().join("samples/exim/mainlog"));
    v.push(root().join("samples/sendmail/maillog"));
    v.extend(
        fs::read_dir(data("subjects"))
            .unwrap()
            .map(|e| e.unwrap().path()),
    );
    v.sort();
    v
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(10))]

    /// Any order of the inputs of every format, any thread count: the
    /// same bytes in every report.
    #[test]
    fn same_reports_for_any_permutation_and_thread_count(
        order in proptest::strategy::Just(mixed_inputs()).prop_shuffle(),
        threads in 1usize..=4,
    ) {
        static BASE: std::sync::OnceLock<Vec<(String, Vec<u8>)>> = std::sync::OnceLock::new();
        let base = BASE.get_or_init(|| reports(&mixed_inputs(), 1, &["--target", "army.mil"]));
        let got = reports(&order, threads, &["--target", "army.mil"]);
        proptest::prop_assert_eq!(
            got.iter().map(|f| &f.0).collect::<Vec<_>>(),
            base.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        for (g, b) in got.iter().zip(base) {
            proptest::prop_assert!(g.1 == b.1, "{} differs ({threads} threads, order {order:?})", g.0);
        }
    }
}

/// run.json without what differs from run to run (times, the command line,
/// the thread count).
fn stable_run_json(out: &std::path::Path) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                for k in [
                    "started_at",
                    "finished_at",
                    "command_line",
                    "seconds",
                    "threads",
                ] {
                    m.remove(k);
                }
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = run_json(out);
    strip(&mut v);
    v
}

/// One input's lines parsed on helper threads, segment by segment, give
/// the same reports and run.json as the input read on one thread: every
/// format (those that cannot be cut are read whole), a year rollover in
/// year-less stamps, both queue ID styles, internal relays, and segments
/// of one line each.
#[test]
fn same_reports_whether_or_not_inputs_are_cut() {
    let mut inputs = mixed_inputs();
    for rel in [
        "postfix/rollover.log",
        "postfix/mixed-ids.log",
        "journal/sendmail.json",
        "exim/mainlog.1.gz",
        "m365/trace-summary-utf16.csv",
        "relays/mx1.log",
        "relays/mx2.log",
    ] {
        inputs.push(data(rel));
    }
    let extra = ["--target", "army.mil", "--internal-relay", "mx2"];
    let run = |threads: usize, segment: &str| {
        let out = tempfile::tempdir().unwrap();
        let refs: Vec<&std::path::Path> = inputs.iter().map(|p| p.as_path()).collect();
        let threads = threads.to_string();
        let mut args = vec!["--threads", threads.as_str(), "--segment-bytes", segment];
        args.extend_from_slice(&extra);
        scan(&refs, out.path(), &args, 0);
        let files = reports_in(out.path());
        (files, stable_run_json(out.path()))
    };
    let whole = run(2, "0");
    assert!(whole.0.len() >= 17, "{}", whole.0.len());
    for (threads, segment) in [(1, "1"), (2, "1"), (1, "700"), (2, "65536")] {
        let cut = run(threads, segment);
        assert_eq!(
            cut.0.iter().map(|f| &f.0).collect::<Vec<_>>(),
            whole.0.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        for (c, w) in cut.0.iter().zip(&whole.0) {
            assert!(
                c.1 == w.1,
                "{} differs ({threads} threads, segments of {segment})",
                c.0
            );
        }
        assert_eq!(
            cut.1, whole.1,
            "run.json ({threads} threads, segments of {segment})"
        );
    }
}
