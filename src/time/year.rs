//! Deciding the year of year-less syslog stamps.
//!
//! BSD syslog and Postfix's postlogd write no year. A file's year comes, in
//! order, from `--year`, from a date in the file's name, or from its
//! modification time. The name and the modification time both date the
//! *end* of the file: the file cannot hold a line written after it was
//! rotated or last modified. So the first line takes the latest year that
//! does not put it after that date, and later lines step forward one year at
//! each December -> January rollover. This is the same as "the last line has
//! the year of the date, stepping back one year at each rollover" whenever
//! the file's lines stay before that date, and it is decided on the first
//! line, so one pass is enough for almost every file.
//!
//! A file that spans more than the stretch from its first line's day to its
//! date (a log never rotated, years in one file) ends up with lines after
//! that date. The tracker then gives the year its first line must have
//! instead ([`YearTracker::lowered`]), and the scan reads the file again
//! under [`YearRule::Lowered`]: the latest first-line year that puts no line
//! after the date. `--year` names the year of the first line.

use super::civil::days_from_civil;

/// Where the year of a file's year-less stamps comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YearSource {
    /// `--year YYYY`: the year of the file's first line.
    Flag,
    /// A `YYYYMMDD` date in the file name (logrotate `dateext`, `postfix logrotate`).
    FileName,
    /// The file's modification time, read in the `--tz` zone.
    ModTime,
    /// Standard input or a stream without a modification time: the time it was read.
    ReadTime,
}

impl YearSource {
    /// Short name used in the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            YearSource::Flag => "flag",
            YearSource::FileName => "file-name",
            YearSource::ModTime => "mtime",
            YearSource::ReadTime => "read-time",
        }
    }
}

/// The rule that dates a file's year-less stamps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YearRule {
    /// The first line is in this year (`--year`).
    FirstLine(i32),
    /// No line is later than this date (year, month, day).
    NotAfter {
        date: (i32, u8, u8),
        source: YearSource,
    },
    /// A second reading of a `NotAfter` file whose lines went past its date
    /// on the first: the first line is in `first`, the latest year that
    /// keeps every line before the date.
    Lowered {
        first: i32,
        date: (i32, u8, u8),
        source: YearSource,
    },
}

impl YearRule {
    pub fn source(&self) -> YearSource {
        match self {
            YearRule::FirstLine(_) => YearSource::Flag,
            YearRule::NotAfter { source, .. } | YearRule::Lowered { source, .. } => *source,
        }
    }

    /// A human description for the manifest, e.g. `file-name 2023-07-17`.
    pub fn describe(&self) -> String {
        match self {
            YearRule::FirstLine(y) => format!("flag --year {y}"),
            YearRule::NotAfter {
                date: (y, m, d),
                source,
            } => {
                format!("{} {y:04}-{m:02}-{d:02}", source.as_str())
            }
            YearRule::Lowered {
                first,
                date: (y, m, d),
                source,
            } => format!(
                "{} {y:04}-{m:02}-{d:02}, first line moved back to {first}",
                source.as_str()
            ),
        }
    }

    /// The date no line may be later than, if the rule has one.
    fn anchor(&self) -> Option<((i32, u8, u8), YearSource)> {
        match *self {
            YearRule::FirstLine(_) => None,
            YearRule::NotAfter { date, source } | YearRule::Lowered { date, source, .. } => {
                Some((date, source))
            }
        }
    }
}

/// Assigns years to the month/day stamps of one file, in file order.
#[derive(Clone, Debug)]
pub struct YearTracker {
    rule: YearRule,
    /// The year and month of the latest line that moved time forward.
    current: Option<(i32, u8)>,
    /// Latest date assigned to any line, for the consistency check.
    latest: Option<(i32, u8, u8)>,
    /// The year given to the first line.
    first_year: Option<i32>,
    /// Whether a line carrying its own year re-synchronised the count: the
    /// years are then not all derived from the first line's.
    resynced: bool,
    rollovers: u32,
}

impl YearTracker {
    pub fn new(rule: YearRule) -> YearTracker {
        YearTracker {
            rule,
            current: None,
            latest: None,
            first_year: None,
            resynced: false,
            rollovers: 0,
        }
    }

    pub fn rule(&self) -> YearRule {
        self.rule
    }

    /// Number of December -> January rollovers seen so far.
    pub fn rollovers(&self) -> u32 {
        self.rollovers
    }

    /// The year of a line stamped `month`/`day`, given the lines before it.
    pub fn year_for(&mut self, month: u8, day: u8) -> i32 {
        let year = match self.current {
            None => {
                let y = match self.rule {
                    YearRule::FirstLine(y) | YearRule::Lowered { first: y, .. } => y,
                    YearRule::NotAfter {
                        date: (y, m, d), ..
                    } => {
                        if (month, day) <= (m, d) {
                            y
                        } else {
                            y - 1
                        }
                    }
                };
                self.current = Some((y, month));
                self.first_year = Some(y);
                y
            }
            Some((y, cur)) => {
                if month + 6 < cur {
                    // December -> January (or any jump back by more than
                    // half a year): a new year has begun.
                    self.rollovers += 1;
                    self.current = Some((y + 1, month));
                    y + 1
                } else if month > cur + 6 {
                    // A late line from the end of the previous year, written
                    // just after the rollover (syslog does not sort lines).
                    y - 1
                } else {
                    if month > cur {
                        self.current = Some((y, month));
                    }
                    y
                }
            }
        };
        let date = (year, month, day);
        if self.latest.is_none_or(|l| date > l) {
            self.latest = Some(date);
        }
        year
    }

    /// Re-synchronises on a line that carries its own year (RFC 3339 in a
    /// file that also has year-less lines, e.g. after an rsyslog upgrade).
    pub fn observe_dated(&mut self, year: i32, month: u8) {
        self.current = Some((year, month));
        self.resynced = true;
    }

    /// The rule a second reading needs when lines were dated more than a
    /// day after the file's date under `NotAfter`: the first line moved back
    /// as few whole years as put every line on or before the day after the
    /// date (the day of slack `check` also allows, for logrotate's
    /// `dateyesterday` and clock skew). `None` when the dates are fine, the
    /// year was given, or in-line years took part.
    pub fn lowered(&self) -> Option<YearRule> {
        let YearRule::NotAfter { date, source } = self.rule else {
            return None;
        };
        let (first, (ly, lm, ld)) = (self.first_year?, self.latest?);
        if self.resynced {
            return None;
        }
        let limit = days_from_civil(date.0, date.1, date.2) + 1;
        let day_in = |y: i32| days_from_civil(y, lm, ld.min(super::civil::days_in_month(y, lm)));
        if day_in(ly) <= limit {
            return None;
        }
        // The latest line's year moves back with the first line's.
        let mut k = 1;
        while day_in(ly - k) > limit {
            k += 1;
        }
        Some(YearRule::Lowered {
            first: first - k,
            date,
            source,
        })
    }

    /// Checks the dates given against the rule. Returns a warning when a
    /// line was dated after the file's own date (clock skew, or a file that
    /// spans more than a year) or when the file ends long before its date
    /// (a copy that did not keep its modification time), so that the year is
    /// only a guess.
    pub fn check(&self) -> Option<String> {
        let (Some(((y, m, d), source)), Some((ly, lm, ld))) = (self.rule.anchor(), self.latest)
        else {
            return None;
        };
        let anchor = days_from_civil(y, m, d);
        let last = days_from_civil(ly, lm, ld);
        if last > anchor + 1 {
            Some(format!(
                "lines dated up to {ly:04}-{lm:02}-{ld:02}, after the file's {} date {y:04}-{m:02}-{d:02}; \
                 the year may be wrong: pass --year",
                source.as_str()
            ))
        } else if let (YearRule::Lowered { first, .. }, true) = (self.rule, anchor - last > 62) {
            // Moving back a whole year ended the file well before its date:
            // either it spans more than a year, or a wrong clock wrote the
            // lines that went past the date.
            Some(format!(
                "read with its first line in {first} so that no line is after the file's {} date \
                 {y:04}-{m:02}-{d:02}, its last line ({ly:04}-{lm:02}-{ld:02}) is {} days before \
                 that date; if the lines after the date came from a wrong clock, pass --year",
                source.as_str(),
                anchor - last
            ))
        } else if anchor - last > 62 && source != YearSource::FileName {
            Some(format!(
                "the last line ({ly:04}-{lm:02}-{ld:02}) is {} days before the file's {} date \
                 {y:04}-{m:02}-{d:02}; if the file was copied without keeping its time, \
                 the year is a guess: pass --year",
                anchor - last,
                source.as_str()
            ))
        } else {
            None
        }
    }
}

/// Finds a `YYYYMMDD` date in a file name, as logrotate's `dateext`
/// (`maillog-20230717`, `mail.log-20230717.gz`) or `postfix logrotate`
/// (`postfix.log.20230717-101200.gz`) write it. The last valid date wins.
pub fn date_in_file_name(name: &str) -> Option<(i32, u8, u8)> {
    let b = name.as_bytes();
    let mut found = None;
    let mut i = 0;
    while i + 8 <= b.len() {
        let run = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if run == 0 {
            i += 1;
            continue;
        }
        if run == 8 {
            let s = &name[i..i + 8];
            let y: i32 = s[0..4].parse().ok()?;
            let m: u8 = s[4..6].parse().ok()?;
            let d: u8 = s[6..8].parse().ok()?;
            if (1970..=2200).contains(&y)
                && (1..=12).contains(&m)
                && d >= 1
                && d <= super::civil::days_in_month(y, m)
            {
                found = Some((y, m, d));
            }
        }
        i += run;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn not_after(y: i32, m: u8, d: u8) -> YearTracker {
        YearTracker::new(YearRule::NotAfter {
            date: (y, m, d),
            source: YearSource::FileName,
        })
    }

    #[test]
    fn first_line_takes_latest_year_not_after_date() {
        let mut t = not_after(2024, 1, 2);
        assert_eq!(t.year_for(12, 30), 2023);
        assert_eq!(t.year_for(12, 31), 2023);
        assert_eq!(t.year_for(1, 1), 2024);
        assert_eq!(t.rollovers(), 1);
        // A late December line after the rollover stays in the old year.
        assert_eq!(t.year_for(12, 31), 2023);
        assert_eq!(t.year_for(1, 2), 2024);
        assert!(t.check().is_none());
    }

    #[test]
    fn same_year_when_before_date() {
        let mut t = not_after(2023, 7, 17);
        assert_eq!(t.year_for(7, 16), 2023);
        assert_eq!(t.year_for(7, 17), 2023);
        assert!(t.check().is_none());
    }

    #[test]
    fn flag_names_first_line_year() {
        let mut t = YearTracker::new(YearRule::FirstLine(2022));
        assert_eq!(t.year_for(11, 1), 2022);
        assert_eq!(t.year_for(12, 31), 2022);
        assert_eq!(t.year_for(1, 1), 2023);
    }

    #[test]
    fn warns_when_file_spans_more_than_a_year() {
        let mut t = not_after(2023, 3, 1);
        assert_eq!(t.year_for(2, 1), 2023);
        t.year_for(7, 1);
        t.year_for(12, 1);
        t.year_for(1, 5); // second year: now dated 2024, after the file's date
        assert!(t.check().unwrap().contains("after the file's"));
        // Read again, the first line moves back a year and nothing is late.
        let rule = t.lowered().unwrap();
        assert_eq!(
            rule,
            YearRule::Lowered {
                first: 2022,
                date: (2023, 3, 1),
                source: YearSource::FileName
            }
        );
        let mut t = YearTracker::new(rule);
        assert_eq!(t.year_for(2, 1), 2022);
        t.year_for(7, 1);
        t.year_for(12, 1);
        assert_eq!(t.year_for(1, 5), 2023);
        assert!(t.check().is_none());
        assert!(t.lowered().is_none());
        assert!(rule.describe().ends_with("first line moved back to 2022"));
    }

    /// Replays month/day stamps of a file running from `start` for `days`
    /// days, one line a day, and returns the tracker.
    fn replay(rule: YearRule, start: (i32, u8, u8), days: i64) -> YearTracker {
        let mut t = YearTracker::new(rule);
        let d0 = days_from_civil(start.0, start.1, start.2);
        for d in d0..d0 + days {
            let (_, m, day) = super::super::civil::civil_from_days(d);
            t.year_for(m, day);
        }
        t
    }

    #[test]
    fn years_in_one_file_are_read_again_from_the_right_year() {
        // 2.6 years ending on the file's date, 2023-08-08.
        let date = (2023, 8, 8);
        let rule = YearRule::NotAfter {
            date,
            source: YearSource::ModTime,
        };
        let days = days_from_civil(2023, 8, 8) - days_from_civil(2021, 1, 10) + 1;
        let t = replay(rule, (2021, 1, 10), days);
        assert_eq!(t.rollovers(), 2);
        assert!(t.check().is_some());
        let lowered = t.lowered().unwrap();
        assert_eq!(
            lowered,
            YearRule::Lowered {
                first: 2021,
                date,
                source: YearSource::ModTime
            }
        );
        let again = replay(lowered, (2021, 1, 10), days);
        assert_eq!(again.latest, Some((2023, 8, 8)));
        assert!(again.check().is_none());
        assert!(again.lowered().is_none());
    }

    #[test]
    fn a_day_of_slack_is_not_a_year() {
        // Lines up to the day after the date (logrotate's `dateyesterday`).
        let t = replay(not_after(2023, 7, 17).rule, (2023, 7, 1), 18);
        assert_eq!(t.latest, Some((2023, 7, 18)));
        assert!(t.lowered().is_none());
        // Two days after is not: the whole file moves back a year, and the
        // check then says how long before its date it ends.
        let t = replay(not_after(2023, 7, 17).rule, (2023, 7, 1), 19);
        let lowered = t.lowered().unwrap();
        let again = replay(lowered, (2023, 7, 1), 19);
        assert_eq!(again.latest, Some((2022, 7, 19)));
        assert!(again.lowered().is_none());
        assert!(again.check().unwrap().contains("wrong clock"));
    }

    #[test]
    fn in_line_years_and_the_flag_are_never_lowered() {
        let mut t = not_after(2023, 3, 1);
        t.year_for(12, 1);
        t.observe_dated(2024, 1);
        t.year_for(5, 1);
        assert!(t.lowered().is_none());
        let t = replay(YearRule::FirstLine(2023), (2023, 12, 1), 400);
        assert!(t.lowered().is_none());
    }

    #[test]
    fn names_with_dates() {
        assert_eq!(
            date_in_file_name("maillog-20230717.gz"),
            Some((2023, 7, 17))
        );
        assert_eq!(date_in_file_name("mail.log-20240101"), Some((2024, 1, 1)));
        assert_eq!(
            date_in_file_name("postfix.log.20261128-135427.gz"),
            Some((2026, 11, 28))
        );
        assert_eq!(date_in_file_name("mail.log.2.gz"), None);
        assert_eq!(date_in_file_name("mail-20231399.log"), None);
        assert_eq!(date_in_file_name("x-123456789.log"), None);
    }
}
