//! The command line: clap types, and their conversion into a validated
//! [`Config`](crate::config::Command). Nothing outside this file sees clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{Command, ScanConfig};
use crate::parse::detect::Format;
use crate::time::{Zone, SECOND};

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
    /// Read mail logs and write a census of recipient domains and a manifest.
    Scan(ScanArgs),
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

    /// Read every input as this format instead of detecting it.
    #[arg(long, value_name = "FORMAT", value_parser = ["syslog"])]
    format: Option<String>,

    /// Lines of one queue ID further apart than this belong to different
    /// messages (queue IDs are reused). A number with s, m, h or d.
    #[arg(long, value_name = "DURATION", default_value = "1d")]
    join_gap: String,

    /// No progress bar and no summary on standard output.
    #[arg(short, long)]
    quiet: bool,
}

/// A command line that parsed but makes no sense.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error("unknown time zone {0:?}: give an IANA name such as UTC or Europe/London")]
    Zone(String),
    #[error("--threads must be at least 1")]
    Threads,
    #[error("--year {0} is out of range (1970-2200)")]
    Year(i32),
    #[error("--join-gap {0:?}: give a positive number followed by s, m, h or d, e.g. 1d")]
    Gap(String),
}

impl Cli {
    /// Validates the arguments into a plain configuration.
    pub fn into_command(self, command_line: Vec<String>) -> Result<Command, UsageError> {
        match self.command {
            CliCommand::Scan(a) => {
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
                Ok(Command::Scan(ScanConfig {
                    paths: a.paths,
                    out: a.out,
                    force: a.force,
                    threads,
                    year: a.year,
                    zone,
                    syslog_names: a.syslog_names,
                    format: a.format.map(|_| Format::Syslog),
                    join_gap,
                    quiet: a.quiet,
                    command_line,
                }))
            }
        }
    }
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
    fn clap_definition_is_valid() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
