//! `run.json`: what was run, on what, when, and every total that explains
//! the reports (lines skipped by reason, joins, warnings).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::aggregate::Totals;
use crate::scan::{FileStatus, ScanResult};
use crate::time::{format_utc_micros, Micros};

#[derive(Serialize)]
pub struct RunJson<'a> {
    pub tool: &'static str,
    pub version: &'static str,
    pub command_line: &'a [String],
    pub started_at: String,
    pub finished_at: String,
    pub threads: usize,
    /// The zone year-less and offset-less stamps were read in.
    pub time_zone: &'a str,
    pub year: Option<i32>,
    pub join_gap_seconds: i64,
    /// Whether every input was read whole.
    pub complete: bool,
    pub inputs: Inputs,
    pub lines: Lines,
    pub totals: &'a Totals,
    pub messages_joined_across_files: u64,
    pub domains: usize,
    pub lookalikes: Option<LookalikeRun>,
    pub leak: Option<LeakRun>,
    pub warnings: Vec<String>,
    pub errors: Vec<String>,
}

#[derive(Serialize, Default)]
pub struct Inputs {
    pub files: usize,
    pub read_whole: usize,
    pub damaged: usize,
    pub changed: usize,
    pub unreadable: usize,
    pub unsupported: usize,
    pub unknown_format: usize,
    pub duplicates: usize,
    pub bytes_read: u64,
    pub content_bytes: u64,
}

#[derive(Serialize)]
pub struct Lines {
    pub read: u64,
    pub used: u64,
    pub skipped: u64,
    pub skipped_by_reason: BTreeMap<&'static str, u64>,
}

/// What the lookalike engine was asked and found.
#[derive(Serialize, Clone, Debug)]
pub struct LookalikeRun {
    pub named_targets: Vec<String>,
    pub named_suffixes: Vec<String>,
    pub builtin_targets: bool,
    /// Domains of the logs inferred to be intended (none when targets are named).
    pub inferred_targets: usize,
    /// Named, built-in and inferred targets in the index.
    pub targets_indexed: usize,
    pub allowed: Vec<String>,
    pub min_score: f64,
    pub domains_examined: usize,
    pub lookalikes: usize,
    pub seconds: f64,
}

/// How the leak was quantified.
#[derive(Serialize, Clone, Debug)]
pub struct LeakRun {
    /// The organisation's domains (mail to them does not leave).
    pub org_domains: Vec<String>,
    /// `given` (--org-domain) or `inferred` (from local deliveries).
    pub org_domains_source: &'static str,
    pub since: Option<String>,
    pub until: Option<String>,
    pub redacted: bool,
    /// Misdirected deliveries in events.csv.
    pub events: usize,
    /// Inputs read a second time for the events of lookalikes that were too
    /// common in them to keep during the first pass.
    pub files_read_twice: Vec<String>,
    /// Whether every misdirected delivery is in the events report.
    pub events_complete: bool,
    pub problems: Vec<String>,
}

/// Facts about the run that are not in the scan result.
pub struct RunInfo<'a> {
    pub command_line: &'a [String],
    pub started_at: Micros,
    pub finished_at: Micros,
    pub time_zone: &'a str,
    pub year: Option<i32>,
    pub join_gap: Micros,
    pub lookalikes: Option<LookalikeRun>,
    pub leak: Option<LeakRun>,
}

/// Builds run.json's content.
pub fn build<'a>(
    info: &RunInfo<'a>,
    scan: &'a ScanResult,
    warnings: Vec<String>,
    errors: Vec<String>,
) -> RunJson<'a> {
    let mut inputs = Inputs {
        files: scan.files.len(),
        ..Inputs::default()
    };
    for f in &scan.files {
        match f.status {
            FileStatus::Ok => inputs.read_whole += 1,
            FileStatus::Damaged => inputs.damaged += 1,
            FileStatus::Changed => inputs.changed += 1,
            FileStatus::Unreadable => inputs.unreadable += 1,
            FileStatus::Unsupported => inputs.unsupported += 1,
            FileStatus::UnknownFormat => inputs.unknown_format += 1,
            FileStatus::Duplicate => inputs.duplicates += 1,
        }
        inputs.bytes_read += f.size;
        inputs.content_bytes += f.content_bytes;
    }
    let (read, used, skipped) = scan.line_totals();
    RunJson {
        tool: "misdirect",
        version: env!("CARGO_PKG_VERSION"),
        command_line: info.command_line,
        started_at: format_utc_micros(info.started_at),
        finished_at: format_utc_micros(info.finished_at),
        threads: scan.threads,
        time_zone: info.time_zone,
        year: info.year,
        join_gap_seconds: info.join_gap / 1_000_000,
        complete: scan.complete(),
        inputs,
        lines: Lines {
            read,
            used,
            skipped: skipped.total(),
            skipped_by_reason: skipped.iter().map(|(r, n)| (r.as_str(), n)).collect(),
        },
        totals: scan.totals(),
        messages_joined_across_files: scan.joins.joined,
        domains: scan.census.domain_count(),
        lookalikes: info.lookalikes.clone(),
        leak: info.leak.clone(),
        warnings,
        errors,
    }
}
