//! `misdirect synth`: years of realistic, rotated, compressed mail logs from
//! a simulated organisation with known misdirections, and the ground truth
//! beside them, so speed and accuracy can be measured without anyone's real
//! archive. Deterministic for a seed: the same options give byte-identical
//! files, whatever the thread count.
//!
//! Formats: Postfix, its journald export, Exim, Sendmail, Exchange message
//! tracking and Microsoft 365 message traces (`render/`), or all of them
//! mixed; rotation and names as logrotate leaves them (`files.rs`).
//! Layout of `--out`:
//! - `logs/`: the archive (with `mixed`, one folder per format);
//! - `truth/recipients.csv.gz`: every recipient of every message with the
//!   domain meant, the kind of slip and its outcome;
//! - `truth/expected-domains.csv`: the counts domains.csv must have;
//! - `truth/expected-clusters.csv`: attempted and leaked messages and
//!   bytes per intended domain, over all of its lookalikes;
//!   `truth/expected-markings.csv`: the same per protective marking;
//! - `truth/lookalikes.csv`: every lookalike with the domain meant, kind,
//!   behaviour and receiving server; and `truth/neighbours.csv`:
//!   legitimate look-alike domains written to on purpose (never to flag);
//!   `truth/intended.csv`: every domain the organisation writes to.

pub mod day;
pub mod files;
pub mod org;
pub mod render;
pub mod subjects;
pub mod truth;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::time::civil::days_from_civil;
use day::{write_day, Traffic};
use files::FilePlan;
pub use files::Rotation;
use org::{Class, Org};
pub use render::SynthFormat;
use truth::{DomainTotals, TRUTH_HEADER};

/// Settings of `misdirect synth`.
#[derive(Clone, Debug)]
pub struct SynthConfig {
    pub out: PathBuf,
    /// Formats to write; more than one: each message in one of them, each
    /// format in its own folder under `logs/`.
    pub formats: Vec<SynthFormat>,
    pub rotation: Rotation,
    pub days: u32,
    /// First day, as (year, month, day).
    pub start: (i32, u8, u8),
    pub users: usize,
    pub messages_per_day: f64,
    pub typo_rate: f64,
    /// Sticky misdirections (saved wrong addresses) per year.
    pub sticky_per_year: f64,
    pub seed: u64,
    pub threads: Option<usize>,
}

/// What a run wrote.
#[derive(Debug, Default)]
pub struct SynthSummary {
    pub files: usize,
    pub log_bytes: u64,
    pub messages: u64,
    pub recipients: u64,
    pub misdirected: u64,
    pub lookalikes: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io<T>(path: &Path, r: std::io::Result<T>) -> Result<T, SynthError> {
    r.map_err(|source| SynthError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Compression of file `index` of `files`: mostly gzip, a few of the
/// others, the two newest plain (the live log, and the last rotated one,
/// as logrotate's `delaycompress` leaves it).
fn compression(index: u32, files: u32) -> &'static str {
    if index + 2 >= files {
        ""
    } else {
        match index % 50 {
            7 => ".bz2",
            23 => ".xz",
            37 => ".zst",
            _ => ".gz",
        }
    }
}

fn compress(data: &[u8], ext: &str) -> std::io::Result<Vec<u8>> {
    Ok(match ext {
        ".gz" => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
            e.write_all(data)?;
            e.finish()?
        }
        ".bz2" => {
            let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::new(6));
            e.write_all(data)?;
            e.finish()?
        }
        ".xz" => {
            let mut e = liblzma::write::XzEncoder::new(Vec::new(), 3);
            e.write_all(data)?;
            e.finish()?
        }
        ".zst" => zstd::stream::encode_all(data, 3)?,
        _ => data.to_vec(),
    })
}

/// Writes the archive and its ground truth.
pub fn run(cfg: &SynthConfig) -> Result<SynthSummary, SynthError> {
    let logs = cfg.out.join("logs");
    let truth_dir = cfg.out.join("truth");
    io(&logs, fs::create_dir_all(&logs))?;
    io(&truth_dir, fs::create_dir_all(&truth_dir))?;
    let dirs: Vec<PathBuf> = if cfg.formats.len() == 1 {
        vec![logs.clone()]
    } else {
        cfg.formats.iter().map(|f| logs.join(f.as_str())).collect()
    };
    for d in &dirs {
        io(d, fs::create_dir_all(d))?;
    }
    let mut org = Org::new(cfg.seed, cfg.users);
    org.plan_sticky(cfg.seed, cfg.days.max(1), cfg.sticky_per_year);
    let traffic = Traffic {
        messages_per_day: cfg.messages_per_day,
        typo_rate: cfg.typo_rate,
        growth: 0.1,
        noise: 0.3,
    };
    let first = days_from_civil(cfg.start.0, cfg.start.1, cfg.start.2);
    let plan = FilePlan::new(first, cfg.days, cfg.rotation);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads.unwrap_or(0))
        .build()
        .expect("thread pool");
    let mut summary = SynthSummary {
        lookalikes: org.lookalikes.len(),
        ..SynthSummary::default()
    };
    let mut totals = DomainTotals::default();
    let mut clusters = truth::ClusterTotals::default();
    let truth_path = truth_dir.join("recipients.csv.gz");
    let mut truth_file = io(&truth_path, fs::File::create(&truth_path))?;
    io(
        &truth_path,
        truth_file.write_all(
            &compress(format!("{TRUTH_HEADER}\n").as_bytes(), ".gz").expect("in memory"),
        ),
    )?;
    // Days are written in batches, in parallel, and their results taken in
    // order, so memory holds a batch and the output does not depend on the
    // thread count. A file gathers its days' bytes until its last day; the
    // files a batch completes are compressed in parallel.
    let mut pending: Vec<Vec<u8>> = cfg.formats.iter().map(|_| Vec::new()).collect();
    let batch = 28u32;
    let mut start = 0u32;
    while start < cfg.days {
        let end = (start + batch).min(cfg.days);
        let days: Vec<_> = pool.install(|| {
            (start..end)
                .into_par_iter()
                .map(|index| {
                    let day = write_day(
                        &org,
                        &traffic,
                        cfg.seed,
                        first + i64::from(index),
                        index,
                        &cfg.formats,
                        index >= cfg.days / 2,
                    );
                    let mut csv = String::new();
                    for r in &day.truth {
                        r.csv(&mut csv);
                    }
                    (day, compress(csv.as_bytes(), ".gz"))
                })
                .collect()
        });
        let mut jobs = Vec::new();
        for (index, (d, truth_gz)) in (start..end).zip(days) {
            summary.messages += d.messages;
            summary.recipients += d.truth.len() as u64;
            summary.misdirected += d
                .truth
                .iter()
                .filter(|r| r.class.starts_with("misdirected"))
                .count() as u64;
            io(
                &truth_path,
                truth_file.write_all(&io(&truth_path, truth_gz)?),
            )?;
            clusters.add_rows(&d.truth);
            totals.merge(d.totals);
            for (k, log) in d.logs.into_iter().enumerate() {
                pending[k].extend_from_slice(&log);
                if let Some(file) = plan.file_ending(cfg.formats[k], index) {
                    jobs.push((
                        dirs[k].join(&file.name),
                        file,
                        std::mem::take(&mut pending[k]),
                    ));
                }
            }
        }
        let written: Vec<Result<usize, SynthError>> = pool.install(|| {
            jobs.par_iter()
                .map(|(path, file, data)| {
                    let bytes = io(path, compress(data, file.ext))?;
                    io(path, fs::write(path, &bytes))?;
                    let f = io(path, fs::File::options().write(true).open(path))?;
                    io(path, f.set_modified(file.modified))?;
                    Ok(bytes.len())
                })
                .collect()
        });
        for n in written {
            summary.files += 1;
            summary.log_bytes += n? as u64;
        }
        start = end;
    }
    write_truth(&truth_dir, &org, &totals, &clusters)?;
    Ok(summary)
}

/// The per-domain and per-cluster totals, and the organisation's domains.
fn write_truth(
    truth_dir: &Path,
    org: &Org,
    totals: &DomainTotals,
    clusters: &truth::ClusterTotals,
) -> Result<(), SynthError> {
    let write = |name: &str, text: String| {
        let p = truth_dir.join(name);
        io(&p, fs::write(&p, text))
    };
    write("expected-domains.csv", totals.csv())?;
    write("expected-clusters.csv", clusters.csv())?;
    write("expected-markings.csv", clusters.markings_csv())?;
    let mut l = String::from("domain,intended,kind,behaviour,mx,ip\n");
    for x in &org.lookalikes {
        l.push_str(&format!(
            "{},{},{},{},{},{}\n",
            x.domain,
            org.intended[x.intended as usize].domain,
            x.kind.as_str(),
            x.behaviour.as_str(),
            x.mx,
            x.ip
        ));
    }
    write("lookalikes.csv", l)?;
    let mut all = String::from("domain,class\n");
    for i in &org.intended {
        all.push_str(&format!("{},{}\n", i.domain, i.class.as_str()));
    }
    write("intended.csv", all)?;
    let mut n = String::from("domain\n");
    for i in org.intended.iter().filter(|i| i.class == Class::Neighbour) {
        n.push_str(&i.domain);
        n.push('\n');
    }
    write("neighbours.csv", n)?;
    Ok(())
}
