//! Exit statuses and usage errors.

use crate::util::*;

#[test]
fn bad_zone_is_a_usage_error() {
    let r = misdirect(&[
        "scan",
        "samples",
        "--tz",
        "Mars/Olympus",
        "-o",
        "/tmp/unused-misdirect",
    ]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("unknown time zone"));
}

#[test]
fn missing_paths_is_a_usage_error() {
    assert_eq!(misdirect(&["scan"]).status, 2);
}

#[test]
fn existing_report_folder_needs_force() {
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("domains.csv"), "old").unwrap();
    let log = data("postfix/mixed-ids.log");
    let r = scan(&[&log], out.path(), &["--year", "2023"], 2);
    assert!(r.stderr.contains("--force"));
    assert_eq!(
        std::fs::read_to_string(out.path().join("domains.csv")).unwrap(),
        "old"
    );
    scan(&[&log], out.path(), &["--year", "2023", "--force"], 0);
    assert!(std::fs::read_to_string(out.path().join("domains.csv"))
        .unwrap()
        .starts_with("domain,"));
    // No temporary files are left behind.
    for e in std::fs::read_dir(out.path()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with('.'), "{name}");
    }
}

#[test]
fn summary_on_stdout() {
    let out = tempfile::tempdir().unwrap();
    let r = misdirect(&[
        "scan",
        "samples/postfix",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Top recipient domains"), "{}", r.stdout);
    assert!(r.stdout.contains("army.mil"));
}
