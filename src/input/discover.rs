//! Discovery: turns the PATHs of the command line into a sorted list of
//! inputs. Folders are walked recursively (hidden files included), symbolic
//! links are followed with loop detection, and a file reached twice (the
//! same device and inode) is read once.
//!
//! A path that cannot be read (missing, a link loop, a device, a FIFO met
//! in a folder) is still an input, rejected with its reason, so that the
//! manifest lists everything the run was pointed at.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use walkdir::WalkDir;

/// What kind of thing an input is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    File,
    /// A FIFO named on the command line (read as a stream).
    Fifo,
    Stdin,
    /// Found but not to be read; [`InputSpec::rejection`] says why.
    Rejected,
}

/// Why an input is not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub reason: String,
    /// It exists but is not something misdirect reads (a device, a socket,
    /// a FIFO in a folder), rather than something that could not be reached.
    pub unsupported: bool,
}

/// One input to read.
#[derive(Clone, Debug)]
pub struct InputSpec {
    /// The path as reached from the command line (`-` for standard input).
    pub path: PathBuf,
    pub kind: InputKind,
    /// Size in bytes at discovery (0 for streams).
    pub size: u64,
    pub modified: Option<SystemTime>,
    pub rejection: Option<Rejection>,
}

impl InputSpec {
    fn rejected(path: PathBuf, reason: String, unsupported: bool) -> InputSpec {
        InputSpec {
            path,
            kind: InputKind::Rejected,
            size: 0,
            modified: None,
            rejection: Some(Rejection {
                reason,
                unsupported,
            }),
        }
    }

    /// The path as shown in reports (`<stdin>` for standard input).
    pub fn display(&self) -> String {
        match self.kind {
            InputKind::Stdin => "<stdin>".to_string(),
            _ => self.path.to_string_lossy().into_owned(),
        }
    }
}

/// The inputs found, and the problems met while looking for them.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Everything found, readable or not, sorted by path.
    pub inputs: Vec<InputSpec>,
    /// Things worth telling the investigator that are not errors.
    pub notes: Vec<String>,
}

/// Finds every input under `paths`. The result is sorted by path so that
/// the run does not depend on the order PATHs were given in.
pub fn discover(paths: &[PathBuf]) -> Discovery {
    let mut d = Discovery::default();
    let mut stdin_seen = false;
    for p in paths {
        if p.as_os_str() == "-" {
            if !stdin_seen {
                stdin_seen = true;
                d.inputs.push(InputSpec {
                    path: p.clone(),
                    kind: InputKind::Stdin,
                    size: 0,
                    modified: None,
                    rejection: None,
                });
            }
            continue;
        }
        walk(p, &mut d);
    }
    d.inputs.sort_by(|a, b| a.path.cmp(&b.path));
    dedupe_same_file(&mut d);
    d
}

fn walk(root: &Path, d: &mut Discovery) {
    let meta = match std::fs::metadata(root) {
        Ok(m) => m,
        Err(e) => {
            let reason = if e.raw_os_error() == Some(libc::ELOOP) {
                "symbolic link loop".to_string()
            } else {
                describe_io(&e)
            };
            d.inputs
                .push(InputSpec::rejected(root.to_path_buf(), reason, false));
            return;
        }
    };
    if !meta.is_dir() {
        add_named(root, &meta, d);
        return;
    }
    for entry in WalkDir::new(root).follow_links(true).sort_by_file_name() {
        match entry {
            Ok(e) => {
                if e.file_type().is_dir() {
                    continue;
                }
                let path = e.path().to_path_buf();
                match e.metadata() {
                    Ok(m) if m.is_file() => d.inputs.push(InputSpec {
                        path,
                        kind: InputKind::File,
                        size: m.len(),
                        modified: m.modified().ok(),
                        rejection: None,
                    }),
                    // A FIFO in a folder could block the run forever; a
                    // device may never end.
                    Ok(m) => d.inputs.push(InputSpec::rejected(
                        path,
                        format!(
                            "not read: {} found in a folder (a FIFO is read only when named directly)",
                            special_kind(&m)
                        ),
                        true,
                    )),
                    Err(err) => d.inputs.push(InputSpec::rejected(
                        path,
                        err.io_error().map_or_else(|| err.to_string(), describe_io),
                        false,
                    )),
                }
            }
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| root.display().to_string());
                let reason = if let Some(anc) = err.loop_ancestor() {
                    format!("symbolic link loop back to {}", anc.display())
                } else if let Some(io) = err.io_error() {
                    describe_io(io)
                } else {
                    err.to_string()
                };
                d.inputs
                    .push(InputSpec::rejected(PathBuf::from(path), reason, false));
            }
        }
    }
}

fn add_named(p: &Path, meta: &std::fs::Metadata, d: &mut Discovery) {
    use std::os::unix::fs::FileTypeExt;
    let ft = meta.file_type();
    let kind = if ft.is_file() {
        InputKind::File
    } else if ft.is_fifo() {
        InputKind::Fifo
    } else {
        // /dev/zero never ends and /dev/null is not a log: neither is read.
        d.inputs.push(InputSpec::rejected(
            p.to_path_buf(),
            format!(
                "not read: {} (only regular files, FIFOs and standard input are read; copy a device's content to a file first)",
                special_kind(meta)
            ),
            true,
        ));
        return;
    };
    d.inputs.push(InputSpec {
        path: p.to_path_buf(),
        kind,
        size: if kind == InputKind::File {
            meta.len()
        } else {
            0
        },
        modified: meta.modified().ok(),
        rejection: None,
    });
}

/// What a file that is not a regular file is, in words.
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let ft = meta.file_type();
    if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_char_device() {
        "a character device"
    } else if ft.is_block_device() {
        "a block device"
    } else if ft.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

/// Drops second paths to one file (named twice, or reached through a
/// link), keeping the first by path.
fn dedupe_same_file(d: &mut Discovery) {
    use std::collections::HashMap;
    use std::os::unix::fs::MetadataExt;
    let mut seen: HashMap<(u64, u64), PathBuf> = HashMap::new();
    let mut kept = Vec::with_capacity(d.inputs.len());
    for input in d.inputs.drain(..) {
        if matches!(input.kind, InputKind::Stdin | InputKind::Rejected) {
            kept.push(input);
            continue;
        }
        match std::fs::metadata(&input.path) {
            Ok(m) => {
                if let Some(first) = seen.get(&(m.dev(), m.ino())) {
                    d.notes.push(format!(
                        "{}: same file as {}; read once",
                        input.path.display(),
                        first.display()
                    ));
                    continue;
                }
                seen.insert((m.dev(), m.ino()), input.path.clone());
                kept.push(input);
            }
            Err(_) => kept.push(input),
        }
    }
    d.inputs = kept;
}

/// An I/O error in words, with a hint where one helps.
pub fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_string(),
        std::io::ErrorKind::PermissionDenied => {
            "permission denied (run as a user who may read it, or copy it with its hash checked)"
                .to_string()
        }
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_sorted_with_hidden_files_and_loops() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("b.log"), "x").unwrap();
        std::fs::write(root.join("sub/.hidden.log"), "x").unwrap();
        std::fs::write(root.join("a.log"), "x").unwrap();
        std::os::unix::fs::symlink(root, root.join("sub/loop")).unwrap();
        std::os::unix::fs::symlink(root.join("a.log"), root.join("sub/link-to-a")).unwrap();
        let d = discover(&[root.to_path_buf(), root.join("a.log")]);
        let names: Vec<String> = d
            .inputs
            .iter()
            .filter(|i| i.kind != InputKind::Rejected)
            .map(|i| i.path.strip_prefix(root).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a.log", "b.log", "sub/.hidden.log"]);
        let rejected: Vec<&str> = d
            .inputs
            .iter()
            .filter_map(|i| i.rejection.as_ref().map(|r| r.reason.as_str()))
            .collect();
        assert_eq!(rejected.len(), 1, "{rejected:?}");
        assert!(rejected[0].contains("loop"), "{rejected:?}");
        assert_eq!(d.notes.len(), 2, "{:?}", d.notes);
    }

    #[test]
    fn missing_path_is_an_error() {
        let d = discover(&[PathBuf::from("/nonexistent/misdirect")]);
        assert_eq!(d.inputs.len(), 1);
        assert_eq!(d.inputs[0].kind, InputKind::Rejected);
        let r = d.inputs[0].rejection.as_ref().unwrap();
        assert_eq!(r.reason, "no such file or folder");
        assert!(!r.unsupported);
    }
}
