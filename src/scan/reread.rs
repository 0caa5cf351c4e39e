//! The delivery records of the lookalike domains, once they are known:
//! from the ledger the scan kept, and, for the few files where a lookalike
//! was too common to keep, from a second pass over those files only.
//!
//! The second pass checks that each file still has the content it had in
//! the first (a changed file would make the two passes disagree); a file
//! that changed, vanished or was standard input is named in `problems`,
//! and the events report says it is incomplete.

use std::collections::BTreeSet;

use rayon::prelude::*;

use super::{reread_file, ScanContext, ScanResult};
use crate::aggregate::Census;
use crate::config::ScanConfig;
use crate::input::InputKind;
use crate::leak::ledger::{DomainSet, LedgerMode};
use crate::leak::record_list::RecordList;
use crate::progress::Counter;
use crate::time::Micros;

/// The records of the lookalike domains.
#[derive(Debug, Default)]
pub struct Collected {
    /// The records, in no particular order.
    pub records: RecordList,
    /// Files read a second time.
    pub reread: Vec<u32>,
    /// Why some records may be missing.
    pub problems: Vec<String>,
}

/// Gathers every record of `domains` from the scan's census (taking them
/// out of it), reading files again where needed.
pub fn collect(
    cfg: &ScanConfig,
    started_at: Micros,
    result: &mut ScanResult,
    domains: &DomainSet,
) -> Collected {
    let mut out = Collected::default();
    let census = &mut result.census;
    if let Some(e) = &census.ledger_error {
        out.problems.push(e.clone());
    }
    // (domain, file) pairs whose first-pass records were dropped.
    let mut dropped: BTreeSet<(Vec<u8>, u32)> = BTreeSet::new();
    for (d, stats) in census.iter_mut() {
        if !domains.contains(d) {
            continue;
        }
        for f in stats.ledger.dropped_in() {
            dropped.insert((d.to_vec(), *f));
        }
        out.records.push(d, stats.ledger.take_records());
    }
    let spilled = match census.spill() {
        Some(spill) => spill.for_each(&|d| domains.contains(d), &mut |origin, d, rs| {
            if dropped.contains(&(d.to_vec(), origin)) {
                return;
            }
            out.records.push(d, rs.as_bytes());
        }),
        None => Ok(()),
    };
    if let Err(e) = spilled {
        out.problems.push(format!(
            "cannot read back delivery records from a temporary file ({e}); the events report is incomplete"
        ));
    }
    let files: BTreeSet<u32> = dropped.iter().map(|(_, f)| *f).collect();
    out.reread = files.iter().copied().collect();
    if files.is_empty() {
        return out;
    }
    let ctx = ScanContext::new(
        cfg,
        started_at,
        Counter::none(),
        LedgerMode::Only(domains.clone()),
    );
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads)
        .build();
    let read = |&i: &u32| -> (u32, Result<Census, String>) {
        let spec = &result.inputs[i as usize];
        let first = &result.files[i as usize];
        match spec.kind {
            InputKind::File => {}
            InputKind::Stdin => return (i, Err("standard input cannot be read twice".into())),
            // Reading a FIFO again would wait for a writer that is gone.
            _ => return (i, Err("a FIFO cannot be read twice".into())),
        }
        let r = reread_file(i, spec, &ctx, first);
        if r.record.content_key() != first.content_key() || r.record.status != first.status {
            return (i, Err("its content changed since it was first read".into()));
        }
        (i, Ok(r.census))
    };
    let results: Vec<(u32, Result<Census, String>)> = match pool {
        Ok(p) => p.install(|| out.reread.par_iter().map(read).collect()),
        Err(_) => out.reread.iter().map(read).collect(),
    };
    for (i, r) in results {
        let path = &result.files[i as usize].path;
        match r {
            Ok(mut c) => {
                for (d, stats) in c.iter_mut() {
                    if !dropped.contains(&(d.to_vec(), i)) {
                        continue;
                    }
                    out.records.push(d, stats.ledger.take_records());
                }
                if let Some(e) = c.ledger_error {
                    out.problems.push(format!("{path}: {e}"));
                }
            }
            Err(why) => out.problems.push(format!(
                "{path}: a second pass for the events report failed: {why}; the events of its lookalike domains are incomplete"
            )),
        }
    }
    out
}
