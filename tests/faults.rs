//! Faults while writing and interrupted runs: a read-only report folder, a
//! full disk (a small tmpfs), SIGINT and SIGTERM. Each ends with a clear
//! error and a non-zero exit, and leaves no report that looks complete: no
//! file at all, or the previous complete run untouched, never a mix.
//!
//! tmpfs needs root (CI runs as root); elsewhere those tests say why they
//! are skipped.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::util::*;

/// A tmpfs mounted for one test, unmounted when dropped.
struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn tmpfs(dir: &Path, options: &str) -> Result<Mount, String> {
    let out = Command::new("mount")
        .args(["-t", "tmpfs", "-o", options, "tmpfs"])
        .arg(dir)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(Mount(dir.to_path_buf()))
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// `n` messages, each to its own domain `d<i>.example`.
fn many_domains(n: usize) -> String {
    postfix_messages(0, n)
        .lines()
        .map(|l| match l.find("@army.ml>") {
            Some(_) => {
                let i = l.split("to=<u").nth(1).unwrap().split('@').next().unwrap();
                l.replace("@army.ml>", &format!("@d{i}.example>")) + "\n"
            }
            None => format!("{l}\n"),
        })
        .collect()
}

#[test]
fn read_only_report_folder_fails_before_the_scan() {
    let base = tempfile::tempdir().unwrap();
    let out = base.path().join("ro");
    fs::create_dir(&out).unwrap();
    // SAFETY: geteuid has no preconditions.
    let _mount = if unsafe { libc::geteuid() } == 0 {
        match tmpfs(&out, "ro,size=64k") {
            Ok(m) => Some(m),
            Err(e) => {
                eprintln!("skipped: root cannot be stopped by permissions and mount failed: {e}");
                return;
            }
        }
    } else {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&out, fs::Permissions::from_mode(0o555)).unwrap();
        None
    };
    let started = Instant::now();
    let r = scan(
        &[&data("postfix/mixed-ids.log")],
        &out,
        &["--year", "2023"],
        3,
    );
    assert!(
        r.stderr.contains(&format!(
            "cannot write in the report folder {}: Read-only file system",
            out.display()
        )) || r.stderr.contains("Permission denied"),
        "{}",
        r.stderr
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(names_in(&out).is_empty());
}

#[test]
fn full_disk_leaves_the_previous_run_untouched() {
    let base = tempfile::tempdir().unwrap();
    let out = base.path().join("small-disk");
    fs::create_dir(&out).unwrap();
    let _mount = match tmpfs(&out, "size=512k") {
        Ok(m) => m,
        Err(e) => {
            eprintln!("skipped: cannot mount a small tmpfs here: {e}");
            return;
        }
    };
    // A complete first run fits.
    let small = data("postfix/mixed-ids.log");
    scan(&[&small], &out, &["--year", "2023"], 0);
    let before: Vec<(String, Vec<u8>)> = names_in(&out)
        .into_iter()
        .map(|n| {
            let b = fs::read(out.join(&n)).unwrap();
            (n, b)
        })
        .collect();
    assert!(before.iter().any(|(n, _)| n == "run.json"));
    // The second's domains.csv alone is over 2 MB.
    let log = base.path().join("many.log");
    fs::write(&log, many_domains(20_000)).unwrap();
    let r = scan(&[&log], &out, &["--year", "2023", "--force"], 3);
    assert!(r.stderr.contains("No space left on device"), "{}", r.stderr);
    assert!(r.stderr.contains("the disk is not full"), "{}", r.stderr);
    // No temporary file is left, and every report is still the first run's.
    let after: Vec<(String, Vec<u8>)> = names_in(&out)
        .into_iter()
        .map(|n| {
            let b = fs::read(out.join(&n)).unwrap();
            (n, b)
        })
        .collect();
    assert_eq!(after, before);
}

/// Starts a run on a large log, sends `signal` once it is reading, and
/// checks it stops promptly with no report and no temporary file.
fn interrupt_with(signal: i32, log: &Path, base: &Path) {
    let out = base.join(format!("out-{signal}"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_misdirect"))
        .args(["scan", "--year", "2023", "-q", "--out"])
        .arg(&out)
        .arg(log)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Reading has begun once the report folder exists.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !out.exists() {
        assert!(Instant::now() < deadline, "the run never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: a plain kill of our own child.
    assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
    let sent = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if sent.elapsed() > Duration::from_secs(5) {
            let _ = child.kill();
            panic!("still running 5 s after signal {signal}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let r = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(128 + signal), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "interrupted by signal {signal}; no report was written"
        )),
        "{stderr}"
    );
    // The folder it made is gone again: nothing half-written remains.
    assert!(!out.exists(), "{:?}", names_in(&out));
}

#[test]
fn interrupted_runs_stop_promptly_and_leave_nothing() {
    let base = tempfile::tempdir().unwrap();
    let log = base.path().join("big.log");
    let n = 200_000;
    fs::write(&log, postfix_messages(0, n)).unwrap();
    interrupt_with(libc::SIGINT, &log, base.path());
    interrupt_with(libc::SIGTERM, &log, base.path());
    // A rerun into the same folder needs no --force and counts everything.
    let out = base.path().join(format!("out-{}", libc::SIGINT));
    scan(&[&log], &out, &["--year", "2023"], 0);
    let d = domains_by(&out, "domain");
    assert_eq!(d["army.ml"]["messages"], n.to_string());
    assert_eq!(d["army.ml"]["deliveries_sent"], n.to_string());
}
