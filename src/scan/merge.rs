//! Merging per-file results in path order, whatever order they finish in,
//! and counting byte-identical inputs once.
//!
//! Inputs are twins when their decompressed content is the same. Two inputs
//! with the same content fingerprint (XXH3-128 and length) are candidates;
//! they are twins if their files as stored have the same SHA-256, or if
//! their contents compare equal byte by byte. A fingerprint alone never
//! leaves an input out of the counts.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::aggregate::{Census, CensusOptions};
use crate::correlate::Fragment;
use crate::input::compare::same_content;
use crate::input::{InputKind, InputSpec};

use super::{FileRecord, FileResult, FileStatus};

/// Merges file results in index (path) order.
pub struct Merger {
    next: usize,
    pending: BTreeMap<usize, FileResult>,
    census: Census,
    loose: Vec<Fragment>,
    files: Vec<FileRecord>,
    /// Where each input is, to compare candidate twins.
    inputs: Vec<(PathBuf, InputKind)>,
    /// Content fingerprint -> the counted inputs with it (more than one
    /// only when fingerprints collide).
    seen: HashMap<(u128, u64), Vec<Counted>>,
}

/// A counted input, as a later one is compared with it.
struct Counted {
    index: usize,
    path: String,
    sha256: Option<[u8; 32]>,
}

/// The merged result of all inputs.
pub struct Merged {
    pub census: Census,
    pub loose: Vec<Fragment>,
    pub files: Vec<FileRecord>,
}

impl Merger {
    /// `opts`: how the run's census counts (messages joined across files
    /// are counted in it).
    pub fn new(opts: CensusOptions, inputs: &[InputSpec]) -> Merger {
        Merger {
            inputs: inputs.iter().map(|i| (i.path.clone(), i.kind)).collect(),
            next: 0,
            pending: BTreeMap::new(),
            census: Census::with_options(opts),
            loose: Vec::new(),
            files: Vec::new(),
            seen: HashMap::new(),
        }
    }

    /// Adds the result of input `index`; merges every result now in order.
    pub fn push(&mut self, index: usize, result: FileResult) {
        self.pending.insert(index, result);
        while let Some(r) = self.pending.remove(&self.next) {
            self.merge_one(r);
            self.next += 1;
        }
    }

    fn merge_one(&mut self, r: FileResult) {
        let FileResult {
            mut record,
            census,
            loose,
        } = r;
        // Only inputs read whole with some content can be duplicates: two
        // files that break at the same point are not known to be equal.
        let key = match record.status {
            FileStatus::Ok | FileStatus::UnknownFormat if record.content_bytes > 0 => {
                record.content_key()
            }
            _ => None,
        };
        if let Some(key) = key {
            if let Some(first) = self.twin_of(&mut record, key) {
                record.status = FileStatus::Duplicate;
                record.duplicate_of = Some(first);
                self.files.push(record);
                return;
            }
            self.seen.entry(key).or_default().push(Counted {
                index: record.index as usize,
                path: record.path.clone(),
                sha256: record.sha256,
            });
        }
        let mut census = census;
        census.spill_now();
        self.census.merge(census);
        self.census.maybe_spill();
        self.loose.extend(loose);
        self.files.push(record);
    }

    /// The path of a counted input `record` is a twin of, if any; notes on
    /// `record` why a candidate was not one.
    fn twin_of(&self, record: &mut FileRecord, key: (u128, u64)) -> Option<String> {
        for c in self.seen.get(&key).into_iter().flatten() {
            if c.sha256.is_some() && c.sha256 == record.sha256 {
                return Some(c.path.clone());
            }
            let (a, b) = (&self.inputs[c.index], &self.inputs[record.index as usize]);
            let compared = if a.1 == InputKind::File && b.1 == InputKind::File {
                same_content(&a.0, &b.0).map_err(|e| crate::input::discover::describe_io(&e))
            } else {
                Err("a stream cannot be read again".to_string())
            };
            match compared {
                Ok(true) => {
                    record.notes.push(format!(
                        "its decompressed content was compared byte by byte with {}'s: the same",
                        c.path
                    ));
                    return Some(c.path.clone());
                }
                Ok(false) => record.notes.push(format!(
                    "its content fingerprint equals {}'s, but their content differs: both are counted",
                    c.path
                )),
                Err(e) => record.notes.push(format!(
                    "its content fingerprint equals {}'s, but the two could not be compared byte by byte ({e}): both are counted",
                    c.path
                )),
            }
        }
        None
    }

    pub fn finish(mut self) -> Merged {
        // Every index was pushed exactly once, so nothing is pending.
        let rest = std::mem::take(&mut self.pending);
        for (_, r) in rest {
            self.merge_one(r);
        }
        Merged {
            census: self.census,
            loose: self.loose,
            files: self.files,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(path: PathBuf, kind: InputKind) -> InputSpec {
        InputSpec {
            path,
            kind,
            size: 0,
            modified: None,
            rejection: None,
        }
    }

    /// A result whose content fingerprint is forged to `fingerprint`.
    fn result(spec: &InputSpec, index: u32, sha: u8, fingerprint: u128) -> FileResult {
        let mut record = FileRecord::new(index, spec);
        record.sha256 = Some([sha; 32]);
        record.content_xxh3 = Some(fingerprint);
        record.content_bytes = 10;
        FileResult {
            record,
            census: Census::new(),
            loose: Vec::new(),
        }
    }

    fn merge(inputs: &[InputSpec], results: Vec<FileResult>) -> Vec<FileRecord> {
        let mut m = Merger::new(CensusOptions::default(), inputs);
        for (i, r) in results.into_iter().enumerate() {
            m.push(i, r);
        }
        m.finish().files
    }

    #[test]
    fn a_colliding_fingerprint_never_drops_an_input() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, "0123456789").unwrap();
        std::fs::write(&b, "9876543210").unwrap();
        let inputs = [input(a, InputKind::File), input(b, InputKind::File)];
        let files = merge(
            &inputs,
            vec![result(&inputs[0], 0, 1, 7), result(&inputs[1], 1, 2, 7)],
        );
        assert!(files.iter().all(|f| f.status == FileStatus::Ok));
        assert!(files[1].notes[0].contains("their content differs: both are counted"));
    }

    #[test]
    fn twins_are_confirmed_by_their_sha256_or_byte_by_byte() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, "0123456789").unwrap();
        std::fs::write(&b, "0123456789").unwrap();
        let inputs = [
            input(a, InputKind::File),
            input(b, InputKind::File),
            input(PathBuf::from("-"), InputKind::Stdin),
            input(dir.path().join("c"), InputKind::File),
        ];
        let files = merge(
            &inputs,
            vec![
                result(&inputs[0], 0, 1, 7),
                // Compared byte by byte: the same.
                result(&inputs[1], 1, 2, 7),
                // A stream cannot be compared: counted.
                result(&inputs[2], 2, 3, 7),
                // The same SHA-256 as the stream: a copy of it.
                result(&inputs[3], 3, 3, 7),
            ],
        );
        let status: Vec<_> = files.iter().map(|f| f.status).collect();
        use FileStatus::{Duplicate, Ok};
        assert_eq!(status, [Ok, Duplicate, Ok, Duplicate]);
        assert!(files[1].notes[0].contains("compared byte by byte"));
        assert!(files[2].notes[0].contains("could not be compared"));
        assert_eq!(files[3].duplicate_of.as_deref(), Some("<stdin>"));
    }
}
