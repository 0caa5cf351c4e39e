//! Inputs that are not ordinary files, or not for long: FIFOs, devices,
//! symbolic link loops, files that cannot be opened, files that grow or
//! shrink while the run reads them, and many small files. None may hang or
//! stop the run; each is a manifest row saying what was read, and the exit
//! status is 1 whenever something was not.

use std::ffi::CString;
use std::fs;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::util::*;

fn mkfifo(p: &Path) {
    let c = CString::new(p.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
}

fn scan_args(paths: &[&Path], out: &Path, extra: &[&str]) -> Vec<String> {
    let mut a = vec!["scan".to_string()];
    a.extend(paths.iter().map(|p| p.display().to_string()));
    a.extend(["--out".into(), out.display().to_string(), "-q".into()]);
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn sent(out: &Path, domain: &str) -> u64 {
    domains_by(out, "domain")
        .get(domain)
        .map_or(0, |r| r["deliveries_sent"].parse().unwrap())
}

#[test]
fn fifo_named_directly_is_read_as_a_stream() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("live.fifo");
    mkfifo(&fifo);
    let log = postfix_messages(0, 1000);
    let writer = {
        let (fifo, log) = (fifo.clone(), log.clone());
        std::thread::spawn(move || {
            // Opening blocks until misdirect opens the other end.
            let mut f = fs::OpenOptions::new().write(true).open(fifo).unwrap();
            f.write_all(log.as_bytes()).unwrap();
        })
    };
    let out = tempfile::tempdir().unwrap();
    let r = misdirect_within(&scan_args(&[&fifo], out.path(), &["--year", "2023"]), 60);
    writer.join().unwrap();
    assert_eq!(r.status, 0, "{}", r.stderr);
    let m = &manifest(out.path())["live.fifo"];
    assert_eq!(m["status"], "ok");
    assert_eq!(m["size"], log.len().to_string());
    assert_eq!(m["lines_read"], "4000");
    assert_eq!(sent(out.path(), "army.ml"), 1000);
}

#[test]
fn devices_and_fifos_in_folders_are_listed_not_read() {
    let dir = tempfile::tempdir().unwrap();
    // Nobody ever writes to this FIFO: opening it would wait forever.
    mkfifo(&dir.path().join("nobody-writes.fifo"));
    fs::write(dir.path().join("mail.log"), postfix_messages(0, 3)).unwrap();
    let out = tempfile::tempdir().unwrap();
    let paths = [dir.path(), Path::new("/dev/null"), Path::new("/dev/zero")];
    let r = misdirect_within(&scan_args(&paths, out.path(), &["--year", "2023"]), 60);
    assert_eq!(r.status, 1, "{}", r.stderr);
    let m = manifest(out.path());
    assert_eq!(m["mail.log"]["status"], "ok");
    assert_eq!(m["nobody-writes.fifo"]["status"], "unsupported");
    assert_eq!(
        m["nobody-writes.fifo"]["error"],
        "not read: a FIFO found in a folder (a FIFO is read only when named directly)"
    );
    for dev in ["null", "zero"] {
        assert_eq!(m[dev]["status"], "unsupported", "{dev}");
        assert!(
            m[dev]["error"].starts_with("not read: a character device"),
            "{}",
            m[dev]["error"]
        );
        assert_eq!(m[dev]["size"], "0");
    }
    assert_eq!(sent(out.path(), "army.ml"), 3);
    let run = run_json(out.path());
    assert_eq!(run["inputs"]["files"], 4);
    assert_eq!(run["inputs"]["unsupported"], 3);
    assert_eq!(run["complete"], false);
    assert_eq!(run["errors"].as_array().unwrap().len(), 3);
}

#[test]
fn symbolic_link_loops_are_rows_not_hangs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("logs")).unwrap();
    fs::write(d.join("logs/mail.log"), postfix_messages(0, 2)).unwrap();
    std::os::unix::fs::symlink(d.join("logs"), d.join("logs/again")).unwrap();
    std::os::unix::fs::symlink(d.join("b"), d.join("a")).unwrap();
    std::os::unix::fs::symlink(d.join("a"), d.join("b")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = misdirect_within(
        &scan_args(
            &[&d.join("logs"), &d.join("a")],
            out.path(),
            &["--year", "2023"],
        ),
        60,
    );
    assert_eq!(r.status, 1, "{}", r.stderr);
    let m = manifest(out.path());
    assert_eq!(m["mail.log"]["status"], "ok");
    assert_eq!(m["again"]["status"], "unreadable");
    assert!(m["again"]["error"].starts_with("symbolic link loop back to "));
    assert_eq!(
        [m["a"]["status"].as_str(), m["a"]["error"].as_str()],
        ["unreadable", "symbolic link loop"]
    );
    assert_eq!(sent(out.path(), "army.ml"), 2);
    assert_eq!(run_json(out.path())["inputs"]["unreadable"], 2);
}

/// As root, permissions do not stop a read, so the run is made as the
/// unprivileged user `nobody` (uid 65534); as any other user, directly.
#[test]
fn file_that_cannot_be_opened_is_unreadable() {
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    for d in [dir.path(), out.path()] {
        fs::set_permissions(d, fs::Permissions::from_mode(0o777)).unwrap();
    }
    let ok = dir.path().join("ok.log");
    let locked = dir.path().join("locked.log");
    fs::write(&ok, postfix_messages(0, 4)).unwrap();
    fs::write(&locked, postfix_messages(4, 9)).unwrap();
    fs::set_permissions(&ok, fs::Permissions::from_mode(0o644)).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_misdirect"));
    cmd.args(scan_args(&[dir.path()], out.path(), &["--year", "2023"]));
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        cmd.uid(65534).gid(65534);
    }
    let r = match cmd.output() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("skipped: cannot run as an unprivileged user here: {e}");
            return;
        }
    };
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    let m = manifest(out.path());
    assert_eq!(m["locked.log"]["status"], "unreadable");
    assert!(
        m["locked.log"]["error"].starts_with("cannot open: permission denied"),
        "{}",
        m["locked.log"]["error"]
    );
    assert_eq!(m["locked.log"]["lines_read"], "0");
    assert_eq!(m["ok.log"]["status"], "ok");
    assert_eq!(sent(out.path(), "army.ml"), 4);
}

/// Changes a file between its discovery and its reading, deterministically:
/// with one thread the inputs are read in path order, and the first is a
/// FIFO that this test feeds only after making the change.
fn change_while_read(
    change: impl FnOnce(&Path) + Send + 'static,
) -> (tempfile::TempDir, PathBuf, tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("a.fifo");
    mkfifo(&fifo);
    let log = dir.path().join("b.log");
    fs::write(&log, postfix_messages(0, 100)).unwrap();
    let feeder = {
        let (fifo, log) = (fifo.clone(), log.clone());
        std::thread::spawn(move || {
            let mut f = fs::OpenOptions::new().write(true).open(fifo).unwrap();
            change(&log);
            f.write_all(postfix_messages(1000, 1).as_bytes()).unwrap();
        })
    };
    let out = tempfile::tempdir().unwrap();
    // Not quiet: the summary on standard output names the change too.
    let mut args = scan_args(&[&fifo, &log], out.path(), &["--year", "2023", "-j", "1"]);
    args.retain(|a| a != "-q");
    let r = misdirect_within(&args, 60);
    feeder.join().unwrap();
    assert_eq!(r.status, 1, "{}", r.stderr);
    (dir, log, out, r.stdout)
}

#[test]
fn file_that_grows_while_read() {
    let (_dir, log, out, stdout) = change_while_read(|log| {
        let mut f = fs::OpenOptions::new().append(true).open(log).unwrap();
        f.write_all(postfix_messages(100, 50).as_bytes()).unwrap();
    });
    let m = &manifest(out.path())["b.log"];
    let (found, now) = (
        postfix_messages(0, 100).len(),
        fs::metadata(&log).unwrap().len(),
    );
    assert_eq!(m["status"], "changed");
    assert_eq!(
        m["error"],
        format!("changed while read: it grew from {found} to {now} bytes while the run read it; every byte up to {now} was read")
    );
    assert_eq!(m["size"], now.to_string());
    assert_eq!(m["lines_read"], "600");
    // All 150 of b.log, and the one from the FIFO.
    assert_eq!(sent(out.path(), "army.ml"), 151);
    assert_eq!(run_json(out.path())["inputs"]["changed"], 1);
    assert!(stdout.starts_with("Read 2 files ("), "{stdout}");
    assert!(
        stdout.contains(", 1 changed while read: 604 lines"),
        "{stdout}"
    );
}

#[test]
fn file_that_shrinks_while_read() {
    let (_dir, _, out, _) = change_while_read(|log| {
        let keep = postfix_messages(0, 60).len() as u64;
        fs::OpenOptions::new()
            .write(true)
            .open(log)
            .unwrap()
            .set_len(keep)
            .unwrap();
    });
    let m = &manifest(out.path())["b.log"];
    let (found, kept) = (
        postfix_messages(0, 100).len(),
        postfix_messages(0, 60).len(),
    );
    assert_eq!(m["status"], "changed");
    assert_eq!(
        m["error"],
        format!("changed while read: it shrank from {found} to {kept} bytes while the run read it; bytes {kept} to {found} were no longer there and were not read")
    );
    assert_eq!(m["lines_read"], "240");
    assert_eq!(sent(out.path(), "army.ml"), 61);
}

fn many_small_files(n: usize) {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..n {
        // 100 files per folder, as rotated logs of many hosts would be.
        let sub = dir.path().join(format!("host{:04}", i / 100));
        if i % 100 == 0 {
            fs::create_dir(&sub).unwrap();
        }
        fs::write(sub.join(format!("mail.log.{i}")), postfix_messages(i, 1)).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    scan(&[dir.path()], out.path(), &["--year", "2023"], 0);
    let run = run_json(out.path());
    assert_eq!(run["inputs"]["files"], n);
    assert_eq!(run["inputs"]["read_whole"], n);
    assert_eq!(run["lines"]["read"], 4 * n);
    assert_eq!(run["lines"]["used"], 4 * n);
    let d = domains_by(out.path(), "domain");
    assert_eq!(d["army.ml"]["messages"], n.to_string());
    assert_eq!(d["army.ml"]["deliveries_sent"], n.to_string());
    assert_eq!(d["army.ml"]["bytes_sent"], (100 * n).to_string());
    assert_eq!(read_csv(&out.path().join("manifest.csv")).len(), n);
}

#[test]
fn two_thousand_small_files() {
    many_small_files(2_000);
}

/// The figure; about a minute on two cores (`--ignored`).
#[test]
#[ignore]
fn a_hundred_thousand_small_files() {
    many_small_files(100_000);
}
