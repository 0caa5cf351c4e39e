//! The `scan` pipeline: discover inputs, read them in parallel into
//! mergeable partial results, merge them in a fixed order, join messages
//! across files, and hand the result to the reports.

mod file;
mod merge;
pub mod reread;
pub mod segments;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::aggregate::{Census, CensusOptions, Totals};
use crate::config::{ScanConfig, SegmentPolicy};
use crate::correlate::internal::InternalRelays;
use crate::correlate::join::{join_fragments, JoinStats};
use crate::input::{discover, InputSpec};
use crate::leak::ledger::{LedgerMode, Spill, Suspects, ANY_ORIGIN};
use crate::parse::detect::Format;
use crate::parse::syslog::PostfixNames;
use crate::parse::SkipCounts;
use crate::progress::{Counter, Progress};
use crate::time::{Micros, Zone};

pub use file::{process_file, reread_file, FileResult};
pub use merge::Merger;

/// What every file's reader needs to know.
pub struct ScanContext {
    pub year: Option<i32>,
    pub zone: Zone,
    pub postfix_names: PostfixNames,
    pub internal_relays: InternalRelays,
    /// Lines of one queue ID further apart than this are different messages.
    pub gap: Micros,
    /// Decompress on a second thread.
    pub pipeline: bool,
    pub format: Option<Format>,
    pub progress: Counter,
    /// When the run started (dates streams that have no modification time).
    pub started_at: Micros,
    /// How each file's census counts (its `origin` is set per file).
    pub census: CensusOptions,
    /// Worker threads of the run, inputs being read now, and when one
    /// input's lines are parsed on the idle ones.
    pub threads: usize,
    pub busy: segments::Busy,
    pub segments: SegmentPolicy,
}

impl ScanContext {
    pub fn new(
        cfg: &ScanConfig,
        started_at: Micros,
        progress: Counter,
        ledger: LedgerMode,
    ) -> ScanContext {
        ScanContext {
            year: cfg.year,
            zone: cfg.zone.clone(),
            postfix_names: PostfixNames::new(&cfg.syslog_names),
            internal_relays: InternalRelays::new(&cfg.internal_relays),
            gap: cfg.join_gap,
            pipeline: cfg.threads > 1,
            format: cfg.format,
            progress,
            started_at,
            census: CensusOptions {
                since: cfg.leak.since,
                until: cfg.leak.until,
                ledger,
                origin: ANY_ORIGIN,
            },
            threads: cfg.threads,
            busy: segments::Busy::default(),
            segments: cfg.segments,
        }
    }
}

/// The state of an input once read, for the manifest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileStatus {
    /// Read whole.
    Ok,
    /// Read up to a point of damage (truncated or corrupt compression, a
    /// read error of the storage).
    Damaged,
    /// Read whole, but its size changed between being found and being read.
    Changed,
    /// Could not be opened or read at all.
    Unreadable,
    /// A compression misdirect does not read.
    Unsupported,
    /// Read whole, but in no known log format.
    UnknownFormat,
    /// Byte-identical (decompressed) to an earlier input; not counted.
    Duplicate,
}

impl FileStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Ok => "ok",
            FileStatus::Damaged => "damaged",
            FileStatus::Changed => "changed",
            FileStatus::Unreadable => "unreadable",
            FileStatus::Unsupported => "unsupported",
            FileStatus::UnknownFormat => "unknown-format",
            FileStatus::Duplicate => "duplicate",
        }
    }

    /// Whether the input was not read whole (sets exit status 1).
    pub fn is_incomplete(self) -> bool {
        matches!(
            self,
            FileStatus::Damaged
                | FileStatus::Changed
                | FileStatus::Unreadable
                | FileStatus::Unsupported
        )
    }
}

/// One row of the manifest: what was read from one input.
#[derive(Clone, Debug)]
pub struct FileRecord {
    pub index: u32,
    pub path: String,
    pub discovered_size: u64,
    /// Bytes read from the file as stored.
    pub size: u64,
    pub sha256: Option<[u8; 32]>,
    /// XXH3-128 of the decompressed content: a fingerprint that finds
    /// candidate twins, not evidence (`sha256` is).
    pub content_xxh3: Option<u128>,
    pub content_bytes: u64,
    pub compression: String,
    pub format: String,
    pub programs: Vec<String>,
    pub lines_read: u64,
    pub lines_used: u64,
    pub skipped: SkipCounts,
    pub first: Option<Micros>,
    pub last: Option<Micros>,
    pub year_rule: String,
    /// The rule of the reading that counted, when it was a second one with
    /// the year lowered (so a later pass reads it once, the same way).
    pub lowered: Option<crate::time::YearRule>,
    pub status: FileStatus,
    pub duplicate_of: Option<String>,
    pub error: Option<String>,
    pub notes: Vec<String>,
}

impl FileRecord {
    pub(crate) fn new(index: u32, spec: &InputSpec) -> FileRecord {
        FileRecord {
            index,
            path: spec.display(),
            discovered_size: spec.size,
            size: 0,
            sha256: None,
            content_xxh3: None,
            content_bytes: 0,
            compression: String::new(),
            format: String::new(),
            programs: Vec::new(),
            lines_read: 0,
            lines_used: 0,
            skipped: SkipCounts::default(),
            first: None,
            last: None,
            year_rule: String::new(),
            lowered: None,
            status: FileStatus::Ok,
            duplicate_of: None,
            error: None,
            notes: Vec::new(),
        }
    }

    /// The fingerprint of the decompressed content and its length.
    pub fn content_key(&self) -> Option<(u128, u64)> {
        self.content_xxh3.map(|h| (h, self.content_bytes))
    }
}

/// Everything a scan found.
pub struct ScanResult {
    pub census: Census,
    /// One per input, including the paths that could not be read at all
    /// (missing, symbolic link loops, devices).
    pub files: Vec<FileRecord>,
    pub notes: Vec<String>,
    pub joins: JoinStats,
    pub threads: usize,
    /// The inputs, in index order (for a second pass over some of them).
    pub inputs: Vec<InputSpec>,
}

impl ScanResult {
    /// Lines read, used and skipped over all counted inputs.
    pub fn line_totals(&self) -> (u64, u64, SkipCounts) {
        let mut skipped = SkipCounts::default();
        let (mut read, mut used) = (0, 0);
        for f in self
            .files
            .iter()
            .filter(|f| f.status != FileStatus::Duplicate)
        {
            read += f.lines_read;
            used += f.lines_used;
            skipped.merge(&f.skipped);
        }
        (read, used, skipped)
    }

    pub fn totals(&self) -> &Totals {
        &self.census.totals
    }

    /// Whether every input was read whole.
    pub fn complete(&self) -> bool {
        !self.files.iter().any(|f| f.status.is_incomplete())
    }
}

/// Runs a scan. Reading problems are in the result, never an `Err`; an
/// `Err` means the run itself could not proceed (e.g. no thread pool).
pub fn run(cfg: &ScanConfig, started_at: Micros) -> anyhow::Result<ScanResult> {
    let discovery = discover(&cfg.paths);
    let inputs: Vec<InputSpec> = discovery.inputs;
    let total: u64 = inputs.iter().map(|i| i.size).sum();
    let progress = Progress::new(total, cfg.quiet);
    let ctx = ScanContext::new(
        cfg,
        started_at,
        progress.counter(),
        LedgerMode::Rare {
            spill: Spill::new(Some(cfg.out.clone())),
            limits: cfg.ledger_limits,
            suspects: Some(std::sync::Arc::new(Suspects::new(&cfg.targets))),
        },
    );
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads)
        .thread_name(|i| format!("misdirect-{i}"))
        .build()?;
    let merger = Mutex::new(Merger::new(ctx.census.clone(), &inputs));
    let next = AtomicUsize::new(0);
    // Workers take inputs in path order, so results arrive roughly in order
    // and the merger's reorder buffer stays small.
    pool.scope(|s| {
        for _ in 0..cfg.threads.min(inputs.len().max(1)) {
            s.spawn(|_| loop {
                if crate::interrupt::requested() {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(spec) = inputs.get(i) else { break };
                let result = process_file(i as u32, spec, &ctx);
                merger.lock().expect("merger lock").push(i, result);
            });
        }
    });
    progress.finish();
    let merged = merger.into_inner().expect("merger lock").finish();
    let mut census = merged.census;
    let joins = join_fragments(merged.loose, cfg.join_gap, &mut census);
    if let LedgerMode::Rare {
        suspects: Some(s), ..
    } = &ctx.census.ledger
    {
        // Every domain has been asked about; nothing asks again.
        s.forget();
    }
    Ok(ScanResult {
        census,
        files: merged.files,
        notes: discovery.notes,
        joins,
        threads: cfg.threads,
        inputs,
    })
}

/// Paths given on the command line, for messages.
pub fn describe_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}
