//! Merging per-file results in path order, whatever order they finish in,
//! and counting byte-identical inputs once.

use std::collections::{BTreeMap, HashMap};

use crate::aggregate::{Census, CensusOptions};
use crate::correlate::Fragment;

use super::{FileRecord, FileResult, FileStatus};

/// Merges file results in index (path) order.
pub struct Merger {
    next: usize,
    pending: BTreeMap<usize, FileResult>,
    census: Census,
    loose: Vec<Fragment>,
    files: Vec<FileRecord>,
    /// Content hash -> path of the first input with that content.
    seen: HashMap<[u8; 32], String>,
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
    pub fn new(opts: CensusOptions) -> Merger {
        Merger {
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
            if let Some(first) = self.seen.get(&key) {
                record.status = FileStatus::Duplicate;
                record.duplicate_of = Some(first.clone());
                self.files.push(record);
                return;
            }
            self.seen.insert(key, record.path.clone());
        }
        let mut census = census;
        census.spill_now();
        self.census.merge(census);
        self.census.maybe_spill();
        self.loose.extend(loose);
        self.files.push(record);
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
