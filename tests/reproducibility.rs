//! Reports are byte-identical whatever the thread count or the order of
//! the paths on the command line.

use std::fs;

use crate::util::*;

#[test]
fn same_bytes_for_any_thread_count_and_path_order() {
    let logs: Vec<_> = fs::read_dir(root().join("samples/postfix"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("mail.log-")
        })
        .collect();
    let mut reversed = logs.clone();
    reversed.sort();
    reversed.reverse();
    let mut reports = Vec::new();
    for (paths, threads) in [
        (&logs, "1"),
        (&reversed, "2"),
        (&reversed, "1"),
        (&logs, "4"),
    ] {
        let out = tempfile::tempdir().unwrap();
        let refs: Vec<&std::path::Path> = paths.iter().map(|p| p.as_path()).collect();
        scan(&refs, out.path(), &["--threads", threads], 0);
        // Every report but run.json (which has the run's own times).
        let mut names: Vec<String> = fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "run.json")
            .collect();
        names.sort();
        assert!(names.len() >= 17, "{names:?}");
        let files: Vec<(String, Vec<u8>)> = names
            .into_iter()
            .map(|f| {
                let bytes = fs::read(out.path().join(&f)).unwrap();
                (f, bytes)
            })
            .collect();
        reports.push(files);
    }
    for r in &reports[1..] {
        assert!(r == &reports[0], "reports differ between runs");
    }
}
