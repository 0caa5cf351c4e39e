//! Running a command: the glue between the validated configuration, the
//! pipeline and the reports, and the one place that prints.

use std::io::Write;

use anyhow::Context;

use crate::config::{Command, ScanConfig};
use crate::report::csv::CsvWriter;
use crate::report::parquet::ParquetTableWriter;
use crate::report::run_json::{self, RunInfo};
use crate::report::text::escape_for_display;
use crate::report::{summary, tables, OutDir, ReportError, TableWriter};
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
}

/// Runs a validated command.
pub fn run(command: Command) -> anyhow::Result<Exit> {
    match command {
        Command::Scan(cfg) => scan(&cfg),
    }
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
    let result = crate::scan::run(cfg, started_at).context("scan failed")?;
    let rows = result.census.rows();

    let mut errors: Vec<String> = result
        .discovery_errors
        .iter()
        .map(|(p, r)| format!("{p}: {r}"))
        .collect();
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

    let both: [&dyn TableWriter; 2] = [&CsvWriter, &ParquetTableWriter];
    let mut written = Vec::new();
    for p in out.write_table(&tables::domains(&rows), &both)? {
        written.push(file_name(&p));
    }
    for p in out.write_table(&tables::manifest(&result.files), &[&CsvWriter])? {
        written.push(file_name(&p));
    }
    let info = RunInfo {
        command_line: &cfg.command_line,
        started_at,
        finished_at: now_micros(),
        time_zone: cfg.zone.name(),
        year: cfg.year,
        join_gap: cfg.join_gap,
    };
    let run = run_json::build(&info, &result, warnings.clone(), errors.clone());
    let p = out.write_file("run.json", |w, path| {
        serde_json::to_writer_pretty(&mut *w, &run)
            .map_err(std::io::Error::other)
            .and_then(|()| w.write_all(b"\n"))
            .map_err(|source| ReportError::Io {
                path: path.to_path_buf(),
                source,
            })
    })?;
    written.push(file_name(&p));

    for e in &errors {
        eprintln!("misdirect: error: {}", escape_for_display(e.as_bytes()));
    }
    for w in &warnings {
        eprintln!("misdirect: warning: {}", escape_for_display(w.as_bytes()));
    }
    if !cfg.quiet {
        let text = summary::render(&result, &rows, &out.path().display().to_string(), &written);
        let mut stdout = std::io::stdout().lock();
        // A closed pipe (`| head`) is not an error worth reporting.
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
    }
    Ok(if result.complete() {
        Exit::Complete
    } else {
        Exit::Incomplete
    })
}

fn file_name(p: &std::path::Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
