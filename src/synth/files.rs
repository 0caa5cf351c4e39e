//! Which days go into which file, and what the files are called, as
//! logrotate leaves a log folder: daily or weekly rotation, names with the
//! rotation date (`mail.log-20230718`, logrotate's `dateext`) or numbered
//! (`mail.log.1`, `mail.log.2.gz`: the year then comes from the file's
//! modification time, which is set as logrotate leaves it), and the live
//! log without a suffix. Formats whose server names its own files by date
//! (Exchange, Microsoft 365) get one file per day under that name.
//!
//! Weekly files cross the new year once a year, so the year of their
//! year-less stamps must step back at the December -> January rollover.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::render::{DayStamp, Naming, SynthFormat};

/// How logs are rotated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rotation {
    /// Days per file (1 or 7).
    pub period: u32,
    /// `mail.log.N` names instead of `mail.log-YYYYMMDD`.
    pub numbered: bool,
}

impl Default for Rotation {
    fn default() -> Self {
        Rotation {
            period: 1,
            numbered: false,
        }
    }
}

/// A file to write.
#[derive(Clone, Debug)]
pub struct FileSpec {
    pub name: String,
    /// Compression, as the file name's extension (`""`: plain).
    pub ext: &'static str,
    pub modified: SystemTime,
}

/// The files of an archive of `days` days from day `first`.
pub struct FilePlan {
    first: i64,
    days: u32,
    rotation: Rotation,
}

fn time_at(days: i64, secs: i64) -> SystemTime {
    let t = days * 86_400 + secs;
    if t >= 0 {
        UNIX_EPOCH + Duration::from_secs(t as u64)
    } else {
        UNIX_EPOCH - Duration::from_secs(t.unsigned_abs())
    }
}

impl FilePlan {
    pub fn new(first: i64, days: u32, rotation: Rotation) -> FilePlan {
        FilePlan {
            first,
            days,
            rotation,
        }
    }

    /// The file that day `index` completes, if it is the file's last day.
    pub fn file_ending(&self, format: SynthFormat, index: u32) -> Option<FileSpec> {
        let day = self.first + i64::from(index);
        match format.naming() {
            Naming::Daily(prefix, suffix) => {
                let ext = super::compression(index, self.days);
                Some(FileSpec {
                    name: format!("{prefix}{}{suffix}{ext}", DayStamp::new(day).compact()),
                    ext,
                    modified: time_at(day + 1, 0),
                })
            }
            Naming::Rotated(stem) => {
                let p = self.rotation.period.max(1);
                let last = index + 1 == self.days;
                if (index + 1) % p != 0 && !last {
                    return None;
                }
                let groups = self.days.div_ceil(p);
                let g = index / p;
                let ext = super::compression(g, groups);
                if g + 1 == groups {
                    // The live log: written to until the end.
                    return Some(FileSpec {
                        name: stem.to_string(),
                        ext,
                        modified: time_at(day, 86_399),
                    });
                }
                let name = if self.rotation.numbered {
                    format!("{stem}.{}{ext}", groups - 1 - g)
                } else {
                    format!("{stem}-{}{ext}", DayStamp::new(day + 1).compact())
                };
                Some(FileSpec {
                    name,
                    ext,
                    modified: time_at(day + 1, 0),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::civil::days_from_civil;

    fn names(rotation: Rotation, days: u32, format: SynthFormat) -> Vec<String> {
        let plan = FilePlan::new(days_from_civil(2022, 12, 26), days, rotation);
        (0..days)
            .filter_map(|i| plan.file_ending(format, i))
            .map(|f| f.name)
            .collect()
    }

    #[test]
    fn daily_dateext_names_carry_the_rotation_date() {
        let n = names(Rotation::default(), 9, SynthFormat::Postfix);
        assert_eq!(n.len(), 9);
        assert_eq!(n[0], "mail.log-20221227.gz");
        assert_eq!(n[5], "mail.log-20230101.gz", "Dec 31 is rotated on Jan 1");
        assert_eq!(n[7], "mail.log-20230103", "delaycompress");
        assert_eq!(n[8], "mail.log");
    }

    #[test]
    fn weekly_numbered_files_span_the_new_year() {
        let r = Rotation {
            period: 7,
            numbered: true,
        };
        assert_eq!(
            names(r, 30, SynthFormat::Sendmail),
            [
                "maillog.4.gz",
                "maillog.3.gz",
                "maillog.2.gz",
                "maillog.1",
                "maillog"
            ]
        );
        let plan = FilePlan::new(days_from_civil(2022, 12, 26), 30, r);
        let f = plan.file_ending(SynthFormat::Sendmail, 6).unwrap();
        // Rotated at the start of 2023-01-02, after holding 2022-12-26..2023-01-01.
        assert_eq!(f.modified, time_at(days_from_civil(2023, 1, 2), 0));
        assert!(plan.file_ending(SynthFormat::Sendmail, 5).is_none());
    }

    #[test]
    fn exchange_names_its_own_files_by_day() {
        let n = names(
            Rotation {
                period: 7,
                numbered: true,
            },
            3,
            SynthFormat::Exchange,
        );
        assert_eq!(
            n,
            [
                "MSGTRK20221226-1.LOG.gz",
                "MSGTRK20221227-1.LOG",
                "MSGTRK20221228-1.LOG"
            ]
        );
    }
}
