//! A file's clock: turns the stamps of one file into UTC instants, in file
//! order, and remembers the range it saw.

use super::civil::{BsdStamp, Civil};
use super::year::{YearRule, YearTracker};
use super::zone::{LocalConverter, Zone};
use super::Micros;

/// Resolves the stamps of one file.
#[derive(Clone, Debug)]
pub struct Clock {
    years: YearTracker,
    local: LocalConverter,
    first: Option<Micros>,
    last: Option<Micros>,
    used_year_rule: bool,
}

impl Clock {
    pub fn new(rule: YearRule, zone: Zone) -> Clock {
        Clock {
            years: YearTracker::new(rule),
            local: LocalConverter::new(zone),
            first: None,
            last: None,
            used_year_rule: false,
        }
    }

    /// A year-less BSD stamp, read in the file's zone.
    pub fn bsd(&mut self, s: &BsdStamp) -> Micros {
        self.used_year_rule = true;
        let year = self.years.year_for(s.month, s.day);
        let mut civil = Civil {
            year,
            month: s.month,
            day: s.day,
            hour: s.hour,
            minute: s.minute,
            second: s.second,
            micros: s.micros,
        };
        if !civil.is_valid() {
            // Feb 29 in a year that has none: the year guess is off by the
            // file's span, or the line is corrupt. Keep the instant ordered.
            civil.day = super::civil::days_in_month(year, s.month).max(1);
        }
        let t = self.local.to_utc(&civil);
        self.note(t)
    }

    /// An ISO stamp; `offset` is the written UTC offset, if any.
    pub fn iso(&mut self, c: &Civil, offset: Option<i32>) -> Micros {
        self.years.observe_dated(c.year, c.month);
        let t = match offset {
            Some(off) => c.to_micros_utc() - i64::from(off) * 1_000_000,
            None => self.local.to_utc(c),
        };
        self.note(t)
    }

    /// An instant that needs no conversion (e.g. journald's microseconds).
    pub fn instant(&mut self, t: Micros) -> Micros {
        self.note(t)
    }

    fn note(&mut self, t: Micros) -> Micros {
        if self.first.is_none_or(|f| t < f) {
            self.first = Some(t);
        }
        if self.last.is_none_or(|l| t > l) {
            self.last = Some(t);
        }
        t
    }

    pub fn range(&self) -> (Option<Micros>, Option<Micros>) {
        (self.first, self.last)
    }

    /// How the year was decided, if any stamp needed it.
    pub fn year_rule(&self) -> Option<String> {
        self.used_year_rule.then(|| {
            let mut s = self.years.rule().describe();
            let n = self.years.rollovers();
            if n > 0 {
                s.push_str(&format!(
                    " ({n} year rollover{})",
                    if n == 1 { "" } else { "s" }
                ));
            }
            s
        })
    }

    pub fn year_warning(&self) -> Option<String> {
        if self.used_year_rule {
            self.years.check()
        } else {
            None
        }
    }

    /// The rule to read the file again under when its lines went past the
    /// file's date (see [`YearTracker::lowered`]).
    pub fn lowered_year_rule(&self) -> Option<YearRule> {
        if self.used_year_rule {
            self.years.lowered()
        } else {
            None
        }
    }

    pub fn year_source_rule(&self) -> YearRule {
        self.years.rule()
    }
}
