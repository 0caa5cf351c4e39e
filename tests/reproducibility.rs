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
        let files: Vec<Vec<u8>> = ["domains.csv", "domains.parquet", "manifest.csv"]
            .iter()
            .map(|f| fs::read(out.path().join(f)).unwrap())
            .collect();
        reports.push(files);
    }
    for r in &reports[1..] {
        assert!(r == &reports[0], "reports differ between runs");
    }
}
