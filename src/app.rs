//! Running a command: the glue between the validated configuration, the
//! pipeline and the reports, and the one place that prints.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use crate::config::{Command, MatchConfig, PermuteConfig, ScanConfig};
use crate::leak::ledger::DomainSet;
use crate::leak::LeakReport;
use crate::report::csv::CsvWriter;
#[cfg(feature = "parquet")]
use crate::report::parquet::ParquetTableWriter;
use crate::report::run_json::{self, LeakRun, LookalikeRun, RunInfo};
use crate::report::text::escape_for_display;
use crate::report::{leak_json, leak_tables};
use crate::report::{summary, tables, OutDir, ReportError, Table, TableWriter, Values};
use crate::time::Micros;

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Every input was read whole.
    Complete = 0,
    /// Some inputs were unreadable or damaged (each reported).
    Incomplete = 1,
    /// The command line made no sense.
    Usage = 2,
    /// The run failed (e.g. the report folder could not be written): no
    /// report was written.
    Failed = 3,
    /// Stopped by SIGINT or SIGTERM: no report was written (the process
    /// exits with 128 + the signal's number).
    Interrupted = 130,
}

/// Runs a validated command.
pub fn run(command: Command) -> anyhow::Result<Exit> {
    match command {
        Command::Scan(cfg) => scan(&cfg),
        Command::Match(cfg) => match_domains(&cfg),
        Command::Permute(cfg) => permute(&cfg),
        Command::Synth(cfg) => synth(&cfg),
    }
}

/// `misdirect synth`: a synthetic archive and its ground truth.
fn synth(cfg: &crate::synth::SynthConfig) -> anyhow::Result<Exit> {
    if cfg.out.exists() && std::fs::read_dir(&cfg.out)?.next().is_some() {
        anyhow::bail!(
            "{}: the folder exists and is not empty; give a new folder",
            cfg.out.display()
        );
    }
    let s = crate::synth::run(cfg)?;
    println!(
        "Wrote {} log files ({}) in {}: {} messages, {} recipients, {} misdirected (to {} lookalike domains); ground truth in {}",
        s.files,
        crate::report::format::bytes(s.log_bytes),
        cfg.out.join("logs").display(),
        crate::report::format::count(s.messages),
        crate::report::format::count(s.recipients),
        crate::report::format::count(s.misdirected),
        s.lookalikes,
        cfg.out.join("truth").display()
    );
    Ok(Exit::Complete)
}

/// `misdirect match`: one line (or CSV row) per domain.
fn match_domains(cfg: &MatchConfig) -> anyhow::Result<Exit> {
    let results = crate::lookalike::detect::classify_domains(&cfg.targets, &cfg.domains);
    let mut t = Table::new("match");
    let col = |g: &dyn Fn(&Option<crate::lookalike::Finding>) -> String| {
        Values::Str(results.iter().map(|(_, f)| g(f)).collect())
    };
    t.push(
        "domain",
        Values::Str(results.iter().map(|(d, _)| d.clone()).collect()),
    );
    t.push(
        "intended",
        col(&|f| f.as_ref().map(|f| f.intended.clone()).unwrap_or_default()),
    );
    t.push(
        "kind",
        col(&|f| f.as_ref().map(|f| f.class.detail()).unwrap_or_default()),
    );
    t.push(
        "edit_location",
        col(&|f| f.as_ref().map(|f| f.class.location()).unwrap_or_default()),
    );
    t.push(
        "distance",
        col(&|f| {
            f.as_ref()
                .map(|f| f.class.distance.to_string())
                .unwrap_or_default()
        }),
    );
    t.push(
        "score",
        col(&|f| {
            f.as_ref()
                .map(|f| format!("{:.4}", f.score.value))
                .unwrap_or_default()
        }),
    );
    t.push(
        "flagged",
        col(&|f| {
            f.as_ref()
                .is_some_and(|f| f.score.value >= cfg.targets.min_score)
                .to_string()
        }),
    );
    t.push(
        "live_cctld",
        col(&|f| {
            f.as_ref()
                .and_then(|f| f.live_cctld)
                .unwrap_or("")
                .to_string()
        }),
    );
    t.push(
        "target_source",
        col(&|f| {
            f.as_ref()
                .map(|f| f.source.as_str().to_string())
                .unwrap_or_default()
        }),
    );
    print_table(&t, cfg.csv)?;
    Ok(Exit::Complete)
}

/// `misdirect permute`: CSV of a domain's lookalikes.
fn permute(cfg: &PermuteConfig) -> anyhow::Result<Exit> {
    let p = crate::lookalike::permute::permute(&cfg.domain, &cfg.kinds);
    let mut t = Table::new("permute");
    t.push(
        "kind",
        Values::Str(p.iter().map(|x| x.kind.as_str().to_string()).collect()),
    );
    t.push(
        "domain",
        Values::Str(p.iter().map(|x| x.domain.clone()).collect()),
    );
    t.push(
        "unicode_domain",
        Values::Str(p.iter().map(|x| x.unicode.clone()).collect()),
    );
    t.push(
        "edit_location",
        Values::Str(p.iter().map(|x| x.location.clone()).collect()),
    );
    print_table(&t, true)?;
    Ok(Exit::Complete)
}

/// Prints a table to stdout: CSV, or aligned columns (escaped for terminals).
fn print_table(t: &Table, csv: bool) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    if csv {
        let mut buf = Vec::new();
        CsvWriter.write(t, &mut buf, Path::new("-"))?;
        let _ = stdout.write_all(&buf);
    } else {
        let cells: Vec<Vec<String>> = (0..t.rows())
            .map(|i| {
                t.columns
                    .iter()
                    .map(|(_, v)| match v {
                        Values::Str(v) => escape_for_display(v[i].as_bytes()),
                        _ => String::new(),
                    })
                    .collect()
            })
            .collect();
        let widths: Vec<usize> = t
            .columns
            .iter()
            .enumerate()
            .map(|(c, (name, _))| {
                cells
                    .iter()
                    .map(|r| r[c].chars().count())
                    .chain([name.len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |row: Vec<String>| {
            let mut l = String::new();
            for (c, cell) in row.iter().enumerate() {
                l.push_str(&format!("{cell:<w$}  ", w = widths[c]));
            }
            l.trim_end().to_string() + "\n"
        };
        let mut text = line(t.columns.iter().map(|(n, _)| n.clone()).collect());
        for row in cells {
            text.push_str(&line(row));
        }
        let _ = stdout.write_all(text.as_bytes());
    }
    let _ = stdout.flush();
    Ok(())
}

fn now_micros() -> Micros {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as Micros)
}

fn scan(cfg: &ScanConfig) -> anyhow::Result<Exit> {
    let out = match OutDir::prepare(&cfg.out, cfg.force) {
        Ok(o) => o,
        Err(e @ ReportError::OutExists { .. }) => {
            eprintln!("misdirect: {e}");
            return Ok(Exit::Usage);
        }
        Err(e) => return Err(e.into()),
    };
    let started_at = now_micros();
    let mut result = crate::scan::run(cfg, started_at).context("scan failed")?;
    crate::alloc::release();
    if crate::interrupt::requested() {
        return Ok(Exit::Interrupted);
    }
    let detect_started = std::time::Instant::now();
    let detection = crate::lookalike::detect::run(
        &cfg.targets,
        &crate::aggregate::CensusView::new(&result.census),
    );
    let spec = &cfg.targets;
    let lookalike_run = LookalikeRun {
        named_targets: spec.domains.clone(),
        named_suffixes: spec.suffixes.clone(),
        builtin_targets: spec.builtin,
        inferred_targets: detection.inferred_targets,
        targets_indexed: detection.targets,
        allowed: spec.allow.clone(),
        min_score: spec.min_score,
        domains_examined: detection.domains,
        lookalikes: detection.findings.len(),
        seconds: detect_started.elapsed().as_secs_f64(),
    };
    let findings = detection.findings;
    crate::alloc::release();
    let (leak, leak_run) = quantify(cfg, started_at, &mut result, &findings);
    // Made once detection's view of the census is gone: with millions of
    // domains, the rows and that view together set the peak.
    crate::alloc::release();
    let rows = result.census.take_rows();
    crate::alloc::release();
    if crate::interrupt::requested() {
        return Ok(Exit::Interrupted);
    }

    let mut errors: Vec<String> = leak_run.problems.clone();
    let mut warnings: Vec<String> = result.notes.clone();
    for f in &result.files {
        if let Some(e) = &f.error {
            let line = format!("{}: {}", f.path, e);
            if f.status.is_incomplete() {
                errors.push(line);
            } else {
                warnings.push(line);
            }
        }
        for n in &f.notes {
            warnings.push(format!("{}: {n}", f.path));
        }
    }

    #[cfg(feature = "parquet")]
    let both: [&dyn TableWriter; 2] = [&CsvWriter, &ParquetTableWriter];
    // Only a build for the fuzzers leaves polars out.
    #[cfg(not(feature = "parquet"))]
    let both: [&dyn TableWriter; 1] = [&CsvWriter];
    let mut written = Vec::new();
    for p in out.write_table_parts("domains", || tables::domain_parts(&rows), &both)? {
        written.push(file_name(&p));
    }
    for p in out.write_table(&tables::lookalikes(&findings, &rows), &both)? {
        written.push(file_name(&p));
    }
    for (name, parts) in leak_tables::all(&leak) {
        for p in out.write_table_parts(name, &*parts, &both)? {
            written.push(file_name(&p));
        }
    }
    let manifest = || tables::manifest_parts(&result.files);
    for p in out.write_table_parts("manifest", manifest, &[&CsvWriter])? {
        written.push(file_name(&p));
    }
    let summary_json = leak_json::summary(&leak, &leak_run);
    let p = out.write_file("summary.json", |w, path| write_json(w, path, &summary_json))?;
    written.push(file_name(&p));
    // Sorted, so that the page is the same whatever the order of the PATHs.
    let mut paths = cfg.paths.clone();
    paths.sort();
    let html = crate::report::html::render(
        &leak,
        &crate::report::html::HtmlContext::new(
            crate::scan::describe_paths(&paths),
            env!("CARGO_PKG_VERSION"),
        ),
    );
    let p = out.write_file("report.html", |w, path| {
        w.write_all(html.as_bytes())
            .map_err(|source| ReportError::Io {
                path: path.to_path_buf(),
                source,
            })
    })?;
    written.push(file_name(&p));
    let info = RunInfo {
        command_line: &cfg.command_line,
        started_at,
        finished_at: now_micros(),
        time_zone: cfg.zone.name(),
        year: cfg.year,
        join_gap: cfg.join_gap,
        lookalikes: Some(lookalike_run),
        leak: Some(leak_run.clone()),
    };
    let run = run_json::build(&info, &result, warnings.clone(), errors.clone());
    let p = out.write_file("run.json", |w, path| write_json(w, path, &run))?;
    written.push(file_name(&p));
    if crate::interrupt::requested() {
        // Dropping `out` removes the temporary files.
        return Ok(Exit::Interrupted);
    }
    let out_path = out.path().display().to_string();
    out.commit()?;

    if let Some(key) = cfg.leak.redact.as_ref().and_then(|k| k.generated.as_ref()) {
        // Shown once, never written to a report: with it, pseudonyms can be
        // linked across runs (--redact-key).
        eprintln!("misdirect: redaction key for this run (pass it as --redact-key to link later runs): {key}");
    }
    for e in &errors {
        eprintln!("misdirect: error: {}", escape_for_display(e.as_bytes()));
    }
    for w in &warnings {
        eprintln!("misdirect: warning: {}", escape_for_display(w.as_bytes()));
    }
    if !cfg.quiet {
        let text = summary::render(&result, &rows, &findings, &leak, &out_path, &written);
        let mut stdout = std::io::stdout().lock();
        // A closed pipe (`| head`) is not an error worth reporting.
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
    }
    Ok(if result.complete() && leak_run.events_complete {
        Exit::Complete
    } else {
        Exit::Incomplete
    })
}

fn write_json<T: serde::Serialize>(
    w: &mut dyn Write,
    path: &Path,
    value: &T,
) -> Result<(), ReportError> {
    serde_json::to_writer_pretty(&mut *w, value)
        .map_err(std::io::Error::other)
        .and_then(|()| w.write_all(b"\n"))
        .map_err(|source| ReportError::Io {
            path: path.to_path_buf(),
            source,
        })
}

/// Collects the deliveries to the lookalikes found and builds the leak
/// report from them.
fn quantify(
    cfg: &ScanConfig,
    started_at: Micros,
    result: &mut crate::scan::ScanResult,
    findings: &[crate::lookalike::Finding],
) -> (LeakReport, LeakRun) {
    let domains: DomainSet = std::sync::Arc::new(
        findings
            .iter()
            .map(|f| f.domain.as_bytes().into())
            .collect(),
    );
    let collected = crate::scan::reread::collect(cfg, started_at, result, &domains);
    let paths: Vec<String> = result.files.iter().map(|f| f.path.clone()).collect();
    let counted = result
        .files
        .iter()
        .filter(|f| f.status != crate::scan::FileStatus::Duplicate);
    let first = counted.clone().filter_map(|f| f.first).min();
    let last = counted.filter_map(|f| f.last).max();
    let reread: Vec<String> = collected
        .reread
        .iter()
        .map(|&i| paths[i as usize].clone())
        .collect();
    let report = crate::leak::build(crate::leak::LeakInputs {
        findings,
        records: collected.records,
        census: &result.census,
        paths: &paths,
        org_given: &cfg.leak.org_domains,
        redact: cfg.leak.redact.as_ref(),
        markings: &cfg.leak.markings,
        no_subjects: cfg.leak.no_subjects,
        logs: (first, last),
    });
    let run = LeakRun {
        org_domains: report.org.domains.clone(),
        org_domains_source: report.org.source,
        since: cfg.leak.since.map(crate::time::format_utc),
        until: cfg.leak.until.map(crate::time::format_utc),
        redacted: cfg.leak.redact.is_some(),
        events: report.events.len(),
        files_read_twice: reread,
        events_complete: collected.problems.is_empty(),
        problems: collected.problems,
    };
    (report, run)
}

fn file_name(p: &std::path::Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
