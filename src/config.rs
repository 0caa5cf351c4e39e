//! The validated configuration of a run. No clap type reaches past
//! [`crate::cli`]; everything after it sees only these plain values.

use std::path::PathBuf;

use crate::leak::ledger::LedgerLimits;
use crate::leak::redact::RedactKey;
use crate::lookalike::{Kind, TargetSpec};
use crate::parse::detect::Format;
use crate::time::{Micros, Zone};

/// What to do.
#[derive(Clone, Debug)]
pub enum Command {
    Scan(Box<ScanConfig>),
    Match(MatchConfig),
    Permute(PermuteConfig),
    Synth(crate::synth::SynthConfig),
}

/// Settings of `misdirect match`: classify domains without logs.
#[derive(Clone, Debug)]
pub struct MatchConfig {
    pub domains: Vec<String>,
    pub targets: TargetSpec,
    /// CSV instead of aligned text.
    pub csv: bool,
}

/// Settings of `misdirect permute`: a domain's lookalikes.
#[derive(Clone, Debug)]
pub struct PermuteConfig {
    /// Normalised domain.
    pub domain: String,
    /// Kinds to list; empty lists all.
    pub kinds: Vec<Kind>,
}

/// Settings of `misdirect scan`.
#[derive(Clone, Debug)]
pub struct ScanConfig {
    /// Files and folders to read; `-` is standard input.
    pub paths: Vec<PathBuf>,
    /// Report folder.
    pub out: PathBuf,
    /// Replace reports in an existing, non-empty report folder.
    pub force: bool,
    /// Worker threads (files read at once).
    pub threads: usize,
    /// The year of the first line of year-less files.
    pub year: Option<i32>,
    /// Zone of stamps that carry no UTC offset.
    pub zone: Zone,
    /// Extra syslog program names that identify Postfix.
    pub syslog_names: Vec<String>,
    /// The organisation's own relays (`--internal-relay`).
    pub internal_relays: Vec<String>,
    /// Read every file as this format instead of detecting it.
    pub format: Option<Format>,
    /// Lines of one queue ID further apart than this are different messages.
    pub join_gap: Micros,
    /// No progress bar and no summary.
    pub quiet: bool,
    /// The command line as given, for run.json.
    pub command_line: Vec<String>,
    /// Targets, allow list and threshold of the lookalike engine.
    pub targets: TargetSpec,
    pub leak: LeakOptions,
    /// When the scan stops keeping a domain's deliveries and spills them.
    pub ledger_limits: LedgerLimits,
    /// When one input is parsed on several threads.
    pub segments: SegmentPolicy,
}

/// When one large input's lines are parsed on several threads
/// (`scan::segments`). Never changes a count, only which threads work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SegmentPolicy {
    /// Large inputs, on the run's threads that no other input is using.
    #[default]
    Auto,
    /// Never: each input on one thread (and one for decompression).
    Never,
    /// Testing: every input, in segments of this many bytes, on two
    /// helper threads whatever the thread count.
    Always { bytes: usize },
}

/// What counts as a leak, and how reports name people.
#[derive(Clone, Debug, Default)]
pub struct LeakOptions {
    /// The organisation's own domains, normalised; empty = infer them.
    pub org_domains: Vec<String>,
    /// Deliveries before this are left out of every count.
    pub since: Option<Micros>,
    /// Deliveries at or after this are left out of every count.
    pub until: Option<Micros>,
    /// Replace local parts by keyed hashes (and subjects by their markings).
    pub redact: Option<RedactKey>,
    /// Protective markings looked for in subjects.
    pub markings: crate::leak::markings::Markings,
    /// Leave subjects out of every report.
    pub no_subjects: bool,
}
