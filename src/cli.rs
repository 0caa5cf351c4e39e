//! The command line: clap types, and their conversion into a validated
//! [`Config`](crate::config::Command). Nothing outside this file sees clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{Command, LeakOptions, MatchConfig, PermuteConfig, ScanConfig, SegmentPolicy};
use crate::leak::ledger::{self, LedgerLimits};
use crate::leak::redact::RedactKey;
use crate::lookalike::{targets, Kind, TargetSpec};
use crate::parse::detect::Format;
use crate::time::{Micros, Zone, SECOND};

/// Mail-log forensics: find, cluster and quantify mail sent to lookalike
/// domains (army.mil -> army.ml), from years of compressed MTA logs.
#[derive(Parser, Debug)]
#[command(name = "misdirect", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: CliCommand,
}

#[derive(Subcommand, Debug)]
enum CliCommand {
    /// Read mail logs; write the recipient-domain census, the lookalikes
    /// found in it, and a manifest of the inputs.
    Scan(Box<ScanArgs>),
    /// Classify domains as lookalikes without logs (triage): the domain
    /// probably meant, the kind of slip and a score, one line per domain.
    Match(MatchArgs),
    /// List a domain's lookalikes by kind (CSV), for defensive registration
    /// or a blocklist; includes suffix edits such as .mil -> .ml.
    Permute(PermuteArgs),
    /// Write years of realistic Postfix logs from a simulated organisation
    /// with known misdirections, and the ground truth beside them.
    Synth(SynthArgs),
}

#[derive(Args, Debug)]
struct SynthArgs {
    /// Folder to write `logs/` and `truth/` into (must not exist, or be empty).
    #[arg(short, long, value_name = "DIR")]
    out: PathBuf,
    /// Log format to write; `mixed`: each message in one of the others,
    /// each format in its own folder.
    #[arg(long, value_name = "FORMAT", default_value = "postfix",
          value_parser = ["postfix", "exim", "sendmail", "exchange", "m365", "journald", "mixed"])]
    format: String,
    /// How often the logs were rotated (Exchange and Microsoft 365 files
    /// are always one a day).
    #[arg(long, value_name = "PERIOD", default_value = "daily", value_parser = ["daily", "weekly"])]
    rotate: String,
    /// Rotated files named by date (`mail.log-20230718.gz`) or numbered
    /// (`mail.log.3.gz`, dated by their modification time).
    #[arg(long, value_name = "STYLE", default_value = "date", value_parser = ["date", "numbered"])]
    names: String,
    /// Years of logs (fractions allowed: 0.1 is about five weeks).
    #[arg(long, value_name = "N", default_value_t = 1.0)]
    years: f64,
    /// First day of the logs.
    #[arg(long, value_name = "YYYY-MM-DD", default_value = "2021-01-01")]
    start: String,
    /// People in the organisation.
    #[arg(long, value_name = "N", default_value_t = 200)]
    users: usize,
    /// Messages sent on a working day in the first year (traffic grows 10%
    /// a year; weekends are quieter).
    #[arg(long, value_name = "N", default_value_t = 2000.0)]
    messages_per_day: f64,
    /// Share of recipients misdirected by a fresh slip.
    #[arg(long, value_name = "R", default_value_t = 0.002)]
    typo_rate: f64,
    /// Wrong addresses saved in an address book, per year.
    #[arg(long, value_name = "N", default_value_t = 6.0)]
    sticky_per_year: f64,
    /// Seed: the same seed and options give the same files.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Days written at once [default: all cores].
    #[arg(short = 'j', long, value_name = "N")]
    threads: Option<usize>,
}

/// What was meant, what is legitimate, and how sure to be.
#[derive(Args, Debug)]
struct TargetArgs {
    /// A domain the organisation writes to, whose lookalikes matter;
    /// `*.mil` or `.mil` names every domain under a suffix. Repeatable.
    /// Without targets, they are inferred from the logs.
    #[arg(long = "target", value_name = "DOMAIN")]
    target: Vec<String>,
    /// A file of targets, one per line, `#` starts a comment.
    #[arg(long = "targets", value_name = "FILE")]
    targets: Vec<PathBuf>,
    /// A domain that is legitimate in its own right, never reported. Repeatable.
    #[arg(long = "allow", value_name = "DOMAIN")]
    allow: Vec<String>,
    /// A file of allowed domains, one per line, `#` starts a comment.
    #[arg(long = "allow-file", value_name = "FILE")]
    allow_file: Vec<PathBuf>,
    /// Do not use the built-in targets (major mail providers, government and
    /// military domains and suffixes such as .mil, .gov.uk, .int).
    #[arg(long)]
    no_builtin_targets: bool,
    /// Report lookalikes scoring at least this (0 to 1).
    #[arg(long, value_name = "SCORE", default_value_t = crate::lookalike::targets::DEFAULT_MIN_SCORE)]
    min_score: f64,
}

#[derive(Args, Debug)]
struct MatchArgs {
    /// Domains to classify.
    #[arg(required = true, value_name = "DOMAIN")]
    domains: Vec<String>,
    #[command(flatten)]
    targets: TargetArgs,
    /// CSV on standard output instead of aligned text.
    #[arg(long)]
    csv: bool,
}

#[derive(Args, Debug)]
struct PermuteArgs {
    /// The domain whose lookalikes to list.
    #[arg(value_name = "DOMAIN")]
    domain: String,
    /// Only these kinds (comma-separated or repeated), e.g.
    /// suffix-omission,missing-dot.
    #[arg(long, value_name = "KIND", value_delimiter = ',')]
    kinds: Vec<String>,
}

#[derive(Args, Debug)]
struct ScanArgs {
    /// Log files or folders (walked recursively); `-` reads standard input.
    /// Compression (gzip, bzip2, xz, zstd) is detected from the content.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Folder for the reports.
    #[arg(short, long, value_name = "DIR", default_value = "misdirect-report")]
    out: PathBuf,

    /// Replace the reports in an existing report folder.
    #[arg(long)]
    force: bool,

    /// Files read at once [default: all cores]. With more than one, each
    /// large file is also decompressed on a thread of its own.
    #[arg(short = 'j', long, value_name = "N")]
    threads: Option<usize>,

    /// Year of the first line of logs whose stamps have no year (BSD syslog).
    /// Without it, the year comes from a date in the file name, else from the
    /// file's modification time.
    #[arg(long, value_name = "YYYY")]
    year: Option<i32>,

    /// Time zone (IANA name, e.g. Europe/London) of stamps that carry no UTC
    /// offset. Never the analysing machine's own zone.
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    tz: String,

    /// Another syslog program name that identifies Postfix (its syslog_name),
    /// e.g. postfix-out; repeatable.
    #[arg(long = "syslog-name", value_name = "NAME")]
    syslog_names: Vec<String>,

    /// A mail server of the organisation whose own logs are in the input
    /// (host name, its first label, or IP address); repeatable. Deliveries
    /// to it are hops inside the organisation, so a message relayed through
    /// it counts once, where it left.
    #[arg(long = "internal-relay", value_name = "HOST")]
    internal_relays: Vec<String>,

    /// Read every input as this format instead of detecting it: syslog
    /// (Postfix, Sendmail, Exim through syslog), exim (main log), journal
    /// (journalctl -o json), exchange (message tracking) or m365 (message
    /// trace export).
    #[arg(long, value_name = "FORMAT", value_parser = ["syslog", "exim", "journal", "exchange", "m365"])]
    format: Option<String>,

    /// Lines of one queue ID further apart than this belong to different
    /// messages (queue IDs are reused). A number with s, m, h or d.
    #[arg(long, value_name = "DURATION", default_value = "1d")]
    join_gap: String,

    /// No progress bar and no summary on standard output.
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    targets: TargetArgs,
    #[command(flatten)]
    leak: LeakArgs,
    /// Testing only: deliveries of a domain in one file after which the
    /// file stops keeping them (the events then come from a second pass).
    #[arg(long, hide = true, value_name = "N")]
    ledger_rare_limit: Option<u64>,
    /// Testing only: bytes of delivery records held before spilling to disk.
    #[arg(long, hide = true, value_name = "BYTES")]
    ledger_budget: Option<usize>,
    /// Testing only: parse every input in segments of this many bytes on
    /// helper threads (0: never cut an input).
    #[arg(long, hide = true, value_name = "BYTES")]
    segment_bytes: Option<usize>,
}

/// What counts as a leak, and how reports name people.
#[derive(Args, Debug)]
struct LeakArgs {
    /// A domain of the organisation itself (repeatable). Mail to these does
    /// not leave; they are also targets. Without it, they are inferred from
    /// local deliveries.
    #[arg(long = "org-domain", value_name = "DOMAIN")]
    org_domain: Vec<String>,
    /// Count only deliveries at or after this UTC date or time
    /// (2023-01-31 or 2023-01-31T12:00:00Z).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Count only deliveries up to this UTC date (the whole day) or before
    /// this time.
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Replace local parts of addresses in every report with a keyed hash,
    /// the same for the same address; domains stay readable.
    #[arg(long)]
    redact: bool,
    /// The key for --redact (reuse it to link reports of several runs);
    /// without it a random key is made and printed once.
    #[arg(long, value_name = "KEY", requires = "redact")]
    redact_key: Option<String>,
    /// Protective markings to look for in subjects, replacing the built-in
    /// list: one `name<TAB>regex` a line; a message counts under the first
    /// that matches.
    #[arg(long, value_name = "FILE")]
    markings: Option<PathBuf>,
    /// Leave message subjects out of every report (markings are still
    /// counted).
    #[arg(long)]
    no_subjects: bool,
}

/// A command line that parsed but makes no sense.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error("--markings: {0}")]
    Markings(String),
    #[error("unknown time zone {0:?}: give an IANA name such as UTC or Europe/London")]
    Zone(String),
    #[error("--threads must be at least 1")]
    Threads,
    #[error("--year {0} is out of range (1970-2200)")]
    Year(i32),
    #[error("--join-gap {0:?}: give a positive number followed by s, m, h or d, e.g. 1d")]
    Gap(String),
    #[error("{0}")]
    Target(String),
    #[error("cannot read {path}: {source}; check the path and its permissions")]
    ListFile {
        path: String,
        source: std::io::Error,
    },
    #[error("--min-score {0} is out of range: give a number from 0 to 1")]
    MinScore(f64),
    #[error("unknown kind {0:?}; kinds: {1}")]
    Kind(String, String),
    #[error("{flag} {value:?}: give a UTC date (2023-01-31) or time (2023-01-31T12:00:00Z)")]
    Date { flag: &'static str, value: String },
    #[error("--since is not before --until")]
    Period,
}

impl Cli {
    /// Validates the arguments into a plain configuration.
    pub fn into_command(self, command_line: Vec<String>) -> Result<Command, UsageError> {
        match self.command {
            CliCommand::Scan(a) => {
                let a = *a;
                let zone = Zone::named(&a.tz).map_err(|_| UsageError::Zone(a.tz.clone()))?;
                let threads = match a.threads {
                    Some(0) => return Err(UsageError::Threads),
                    Some(n) => n,
                    None => std::thread::available_parallelism().map_or(1, |n| n.get()),
                };
                if let Some(y) = a.year {
                    if !(1970..=2200).contains(&y) {
                        return Err(UsageError::Year(y));
                    }
                }
                let join_gap =
                    parse_duration(&a.join_gap).ok_or(UsageError::Gap(a.join_gap.clone()))?;
                let leak = a.leak.into_options()?;
                let org_domains = leak.org_domains.clone();
                Ok(Command::Scan(Box::new(ScanConfig {
                    paths: a.paths,
                    out: a.out,
                    force: a.force,
                    threads,
                    year: a.year,
                    zone,
                    syslog_names: a.syslog_names,
                    internal_relays: a.internal_relays,
                    format: a.format.as_deref().and_then(Format::parse),
                    join_gap,
                    quiet: a.quiet,
                    command_line,
                    targets: {
                        let mut spec = a.targets.into_spec()?;
                        spec.org = org_domains;
                        spec
                    },
                    leak,
                    ledger_limits: LedgerLimits {
                        rare: a.ledger_rare_limit.unwrap_or(ledger::RARE_LIMIT),
                        budget: a.ledger_budget.unwrap_or(ledger::SPILL_BUDGET),
                    },
                    segments: match a.segment_bytes {
                        None => SegmentPolicy::Auto,
                        Some(0) => SegmentPolicy::Never,
                        Some(bytes) => SegmentPolicy::Always { bytes },
                    },
                })))
            }
            CliCommand::Match(a) => Ok(Command::Match(MatchConfig {
                domains: a.domains,
                targets: a.targets.into_spec()?,
                csv: a.csv,
            })),
            CliCommand::Synth(a) => {
                let start =
                    crate::time::civil::parse_iso(format!("{}T00:00:00Z", a.start).as_bytes())
                        .filter(|(c, _, n)| *n == a.start.len() + 10 && c.is_valid())
                        .map(|(c, _, _)| (c.year, c.month, c.day))
                        .ok_or_else(|| {
                            UsageError::Target(format!(
                                "--start {:?}: give a date YYYY-MM-DD",
                                a.start
                            ))
                        })?;
                if !(a.years > 0.0 && a.years <= 50.0) {
                    return Err(UsageError::Target(format!(
                        "--years {}: give a number of years above 0, at most 50",
                        a.years
                    )));
                }
                if !(0.0..=1.0).contains(&a.typo_rate) || a.messages_per_day < 0.0 || a.users == 0 {
                    return Err(UsageError::Target(
                        "--typo-rate must be within 0..1, --messages-per-day and --users positive"
                            .into(),
                    ));
                }
                let formats = match crate::synth::SynthFormat::parse(&a.format) {
                    Some(f) => vec![f],
                    None => crate::synth::SynthFormat::ALL.to_vec(),
                };
                Ok(Command::Synth(crate::synth::SynthConfig {
                    out: a.out,
                    formats,
                    rotation: crate::synth::Rotation {
                        period: if a.rotate == "weekly" { 7 } else { 1 },
                        numbered: a.names == "numbered",
                    },
                    days: ((a.years * 365.25).round() as u32).max(1),
                    start,
                    users: a.users,
                    messages_per_day: a.messages_per_day,
                    typo_rate: a.typo_rate,
                    sticky_per_year: a.sticky_per_year,
                    seed: a.seed,
                    threads: a.threads,
                }))
            }
            CliCommand::Permute(a) => {
                let domain = targets::normalize(&a.domain)
                    .ok_or_else(|| UsageError::Target(format!("{:?} is not a domain", a.domain)))?;
                let kinds = a
                    .kinds
                    .iter()
                    .map(|k| {
                        Kind::parse(k.trim()).ok_or_else(|| {
                            let all: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                            UsageError::Kind(k.clone(), all.join(", "))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Command::Permute(PermuteConfig { domain, kinds }))
            }
        }
    }
}

impl TargetArgs {
    fn into_spec(self) -> Result<TargetSpec, UsageError> {
        if !(0.0..=1.0).contains(&self.min_score) {
            return Err(UsageError::MinScore(self.min_score));
        }
        let mut spec = TargetSpec {
            builtin: !self.no_builtin_targets,
            min_score: self.min_score,
            ..TargetSpec::default()
        };
        let read = |p: &PathBuf| {
            std::fs::read_to_string(p).map_err(|source| UsageError::ListFile {
                path: p.display().to_string(),
                source,
            })
        };
        let mut raw_targets = self.target;
        for p in &self.targets {
            raw_targets.extend(targets::list_entries(&read(p)?).map(str::to_string));
        }
        for t in raw_targets {
            spec.add(targets::parse_target(&t).map_err(UsageError::Target)?);
        }
        let mut raw_allow = self.allow;
        for p in &self.allow_file {
            raw_allow.extend(targets::list_entries(&read(p)?).map(str::to_string));
        }
        for a in raw_allow {
            let d = targets::normalize(&a)
                .ok_or_else(|| UsageError::Target(format!("--allow {a:?} is not a domain")))?;
            spec.add_allow(d);
        }
        Ok(spec)
    }
}

impl LeakArgs {
    fn into_options(self) -> Result<LeakOptions, UsageError> {
        let mut org_domains = Vec::new();
        for d in &self.org_domain {
            let n = targets::normalize(d)
                .ok_or_else(|| UsageError::Target(format!("--org-domain {d:?} is not a domain")))?;
            org_domains.push(n);
        }
        org_domains.sort();
        org_domains.dedup();
        let date = |flag, v: &Option<String>, end: bool| match v {
            None => Ok(None),
            Some(v) => parse_date(v, end).map(Some).ok_or(UsageError::Date {
                flag,
                value: v.clone(),
            }),
        };
        let since = date("--since", &self.since, false)?;
        let until = date("--until", &self.until, true)?;
        if let (Some(a), Some(b)) = (since, until) {
            if a >= b {
                return Err(UsageError::Period);
            }
        }
        Ok(LeakOptions {
            org_domains,
            since,
            until,
            redact: self.redact.then(|| match self.redact_key {
                Some(k) => RedactKey::given(&k),
                None => RedactKey::random(),
            }),
            markings: match &self.markings {
                Some(p) => crate::leak::markings::Markings::from_file(p)
                    .map_err(|e| UsageError::Markings(e.to_string()))?,
                None => Default::default(),
            },
            no_subjects: self.no_subjects,
        })
    }
}

/// A UTC date (`2023-01-31`: its start, or with `end` the start of the next
/// day) or time (`2023-01-31T12:00:00Z`).
fn parse_date(s: &str, end: bool) -> Option<Micros> {
    let s = s.trim();
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Some(ts.as_microsecond());
    }
    let d: jiff::civil::Date = s.parse().ok()?;
    let days = crate::time::civil::days_from_civil(d.year().into(), d.month() as u8, d.day() as u8);
    Some((days + i64::from(end)) * crate::time::DAY)
}

/// `90s`, `30m`, `36h`, `1d` -> microseconds.
fn parse_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    let unit = s.chars().last()?;
    let (num, mult) = match unit {
        's' => (&s[..s.len() - 1], 1),
        'm' => (&s[..s.len() - 1], 60),
        'h' => (&s[..s.len() - 1], 3600),
        'd' => (&s[..s.len() - 1], 86_400),
        _ => (s, 1),
    };
    let n: i64 = num.parse().ok()?;
    (n > 0).then(|| n.checked_mul(mult)?.checked_mul(SECOND))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1d"), Some(86_400 * SECOND));
        assert_eq!(parse_duration("36h"), Some(36 * 3600 * SECOND));
        assert_eq!(parse_duration("90"), Some(90 * SECOND));
        assert_eq!(parse_duration("0d"), None);
        assert_eq!(parse_duration("-1d"), None);
        assert_eq!(parse_duration("xd"), None);
        assert_eq!(parse_duration(""), None);
    }

    #[test]
    fn dates() {
        let day = parse_date("2023-01-31", false).unwrap();
        assert_eq!(crate::time::format_utc(day), "2023-01-31T00:00:00Z");
        let end = parse_date("2023-01-31", true).unwrap();
        assert_eq!(crate::time::format_utc(end), "2023-02-01T00:00:00Z");
        let t = parse_date("2023-01-31T12:00:00Z", true).unwrap();
        assert_eq!(crate::time::format_utc(t), "2023-01-31T12:00:00Z");
        assert_eq!(parse_date("31/01/2023", false), None);
    }

    #[test]
    fn clap_definition_is_valid() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
