//! Reading local civil times in a named IANA zone (`--tz`).
//!
//! The zone database is bundled into the binary (jiff's `tzdb-bundle-always`),
//! so a result never depends on the analysing machine's own zone or tzdata.
//! Offsets are cached per civil minute, which is exact for every zone whose
//! transitions fall on whole minutes (all of them today).

use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, TimeZone};

use super::civil::Civil;
use super::Micros;

/// A named time zone.
#[derive(Clone, Debug)]
pub struct Zone {
    name: String,
    tz: TimeZone,
}

impl Zone {
    /// Looks up an IANA zone name such as `Europe/London` or `UTC`.
    pub fn named(name: &str) -> Result<Zone, String> {
        let tz = TimeZone::get(name).map_err(|e| e.to_string())?;
        Ok(Zone {
            name: name.to_string(),
            tz,
        })
    }

    pub fn utc() -> Zone {
        Zone {
            name: "UTC".to_string(),
            tz: TimeZone::UTC,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The civil time in this zone of an instant (used to date files by
    /// their modification time).
    pub fn civil_of(&self, t: Micros) -> Civil {
        let ts = jiff::Timestamp::from_microsecond(t).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        let offset = self.tz.to_offset(ts).seconds();
        Civil::from_micros_utc(t + i64::from(offset) * 1_000_000)
    }

    fn is_utc(&self) -> bool {
        self.tz == TimeZone::UTC
    }
}

/// Converts the local civil times of one file to UTC, in file order.
///
/// In the hour that repeats when daylight saving ends, a local time is
/// ambiguous. Lines are read as the earlier (summer) instant until the file's
/// clock is seen to go back, and as the later one from then on, which is how
/// a log written in that hour reads.
#[derive(Clone, Debug)]
pub struct LocalConverter {
    zone: Zone,
    utc: bool,
    cache_key: u64,
    cache_offset: i64,
    cache_fold: Option<(i64, i64)>,
    fold_max: Option<Civil>,
    fold_switched: bool,
}

impl LocalConverter {
    pub fn new(zone: Zone) -> LocalConverter {
        let utc = zone.is_utc();
        LocalConverter {
            zone,
            utc,
            cache_key: u64::MAX,
            cache_offset: 0,
            cache_fold: None,
            fold_max: None,
            fold_switched: false,
        }
    }

    pub fn zone(&self) -> &Zone {
        &self.zone
    }

    /// The UTC instant of a local civil time in this converter's zone.
    pub fn to_utc(&mut self, c: &Civil) -> Micros {
        let naive = c.to_micros_utc();
        if self.utc {
            return naive;
        }
        let key = minute_key(c);
        if key != self.cache_key {
            self.refresh(c, key);
        }
        let offset = match self.cache_fold {
            None => self.cache_offset,
            Some((before, after)) => {
                match self.fold_max {
                    Some(max) if *c < max => self.fold_switched = true,
                    Some(max) if *c >= max => self.fold_max = Some(*c),
                    _ => self.fold_max = Some(*c),
                }
                if self.fold_switched {
                    after
                } else {
                    before
                }
            }
        };
        naive - offset * 1_000_000
    }

    fn refresh(&mut self, c: &Civil, key: u64) {
        self.cache_key = key;
        let dt = DateTime::new(
            c.year as i16,
            c.month as i8,
            c.day as i8,
            c.hour as i8,
            c.minute as i8,
            0,
            0,
        );
        let Ok(dt) = dt else {
            self.cache_offset = 0;
            self.cache_fold = None;
            return;
        };
        match self.zone.tz.to_ambiguous_timestamp(dt).offset() {
            AmbiguousOffset::Unambiguous { offset } => {
                self.cache_offset = i64::from(offset.seconds());
                self.cache_fold = None;
                self.fold_max = None;
                self.fold_switched = false;
            }
            // A time in the gap when clocks go forward cannot be written by a
            // correct clock; read it with the offset before the gap.
            AmbiguousOffset::Gap { before, .. } => {
                self.cache_offset = i64::from(before.seconds());
                self.cache_fold = None;
            }
            AmbiguousOffset::Fold { before, after } => {
                self.cache_fold = Some((i64::from(before.seconds()), i64::from(after.seconds())));
            }
        }
    }
}

fn minute_key(c: &Civil) -> u64 {
    ((c.year as u64) << 32)
        | (u64::from(c.month) << 24)
        | (u64::from(c.day) << 16)
        | (u64::from(c.hour) << 8)
        | u64::from(c.minute)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::format_utc;

    fn civil(y: i32, mo: u8, d: u8, h: u8, mi: u8, s: u8) -> Civil {
        Civil {
            year: y,
            month: mo,
            day: d,
            hour: h,
            minute: mi,
            second: s,
            micros: 0,
        }
    }

    #[test]
    fn utc_is_identity() {
        let mut c = LocalConverter::new(Zone::utc());
        assert_eq!(
            format_utc(c.to_utc(&civil(2023, 7, 17, 10, 12, 1))),
            "2023-07-17T10:12:01Z"
        );
    }

    #[test]
    fn london_summer_and_winter() {
        let mut c = LocalConverter::new(Zone::named("Europe/London").unwrap());
        assert_eq!(
            format_utc(c.to_utc(&civil(2023, 7, 17, 10, 12, 1))),
            "2023-07-17T09:12:01Z"
        );
        assert_eq!(
            format_utc(c.to_utc(&civil(2023, 1, 17, 10, 12, 1))),
            "2023-01-17T10:12:01Z"
        );
    }

    #[test]
    fn repeated_hour_follows_the_file() {
        // 2023-10-29 01:00-02:00 happens twice in London.
        let mut c = LocalConverter::new(Zone::named("Europe/London").unwrap());
        let a = c.to_utc(&civil(2023, 10, 29, 1, 10, 0));
        let b = c.to_utc(&civil(2023, 10, 29, 1, 50, 0));
        let back = c.to_utc(&civil(2023, 10, 29, 1, 5, 0));
        let later = c.to_utc(&civil(2023, 10, 29, 1, 30, 0));
        assert_eq!(format_utc(a), "2023-10-29T00:10:00Z");
        assert_eq!(format_utc(b), "2023-10-29T00:50:00Z");
        assert_eq!(format_utc(back), "2023-10-29T01:05:00Z");
        assert_eq!(format_utc(later), "2023-10-29T01:30:00Z");
    }

    #[test]
    fn unknown_zone_is_an_error() {
        assert!(Zone::named("Mars/Olympus").is_err());
    }
}
