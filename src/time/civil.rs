//! Civil (calendar) dates and times, and the parsers for the stamps that
//! syslog and ISO 8601 put at the start of a line.
//!
//! The parsers work on bytes and never allocate; they return `None` for
//! anything that is not exactly a stamp of their kind.

use super::Micros;

/// A calendar date and wall-clock time, without a zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Civil {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub micros: u32,
}

impl Civil {
    /// The instant this civil time names if it is read as UTC.
    pub fn to_micros_utc(&self) -> Micros {
        let days = days_from_civil(self.year, self.month, self.day);
        let secs = days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second);
        secs * 1_000_000 + i64::from(self.micros)
    }

    /// The civil time in UTC of an instant.
    pub fn from_micros_utc(t: Micros) -> Civil {
        let secs = t.div_euclid(1_000_000);
        let micros = t.rem_euclid(1_000_000) as u32;
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: (sod / 3600) as u8,
            minute: (sod / 60 % 60) as u8,
            second: (sod % 60) as u8,
            micros,
        }
    }

    /// Whether the fields name a real date and time (leap seconds allowed).
    pub fn is_valid(&self) -> bool {
        (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= days_in_month(self.year, self.month)
            && self.hour < 24
            && self.minute < 60
            && self.second <= 60
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

/// Number of days in a month of a year.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Formats an instant as ISO 8601 UTC to the second: `2023-07-17T10:12:01Z`.
pub fn format_utc(t: Micros) -> String {
    let c = Civil::from_micros_utc(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// The UTC month of an instant: `2024-06`.
pub fn format_utc_month(t: Micros) -> String {
    let c = Civil::from_micros_utc(t);
    format!("{:04}-{:02}", c.year, c.month)
}

/// Formats an instant as ISO 8601 UTC with microseconds.
pub fn format_utc_micros(t: Micros) -> String {
    let c = Civil::from_micros_utc(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second, c.micros
    )
}

/// A BSD syslog stamp: `Jul  7 10:12:01` (space-padded day, as syslog writes
/// it) or `Jul 07 10:12:01` (zero-padded, as Postfix's postlogd writes it),
/// optionally with a fraction of a second. It has no year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BsdStamp {
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub micros: u32,
}

/// Parses a BSD syslog stamp at the start of `b`; returns it and the number
/// of bytes it took.
pub fn parse_bsd(b: &[u8]) -> Option<(BsdStamp, usize)> {
    if b.len() < 15 {
        return None;
    }
    let month = month_from_abbrev(&b[0..3])?;
    if b[3] != b' ' {
        return None;
    }
    let day = match (b[4], b[5]) {
        (b' ', d) if d.is_ascii_digit() => d - b'0',
        (t, d) if t.is_ascii_digit() && d.is_ascii_digit() => (t - b'0') * 10 + (d - b'0'),
        _ => return None,
    };
    if b[6] != b' ' || !(1..=31).contains(&day) {
        return None;
    }
    let (hour, minute, second) = parse_hms(&b[7..15])?;
    let (micros, frac_len) = parse_fraction(&b[15..]);
    Some((
        BsdStamp {
            month,
            day,
            hour,
            minute,
            second,
            micros,
        },
        15 + frac_len,
    ))
}

/// An ISO 8601 / RFC 3339 stamp: `2023-07-17T10:12:01.123456+01:00`. A space
/// may stand for the `T`; the zone may be `Z`, `+HH:MM`, `+HHMM`, or absent
/// (a local time). Returns the civil time, the UTC offset in seconds if one
/// was written, and the bytes taken.
pub fn parse_iso(b: &[u8]) -> Option<(Civil, Option<i32>, usize)> {
    if b.len() < 19 {
        return None;
    }
    let year = digits(&b[0..4])? as i32;
    if b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b' ') {
        return None;
    }
    let month = digits(&b[5..7])? as u8;
    let day = digits(&b[8..10])? as u8;
    let (hour, minute, second) = parse_hms(&b[11..19])?;
    let (micros, frac_len) = parse_fraction(&b[19..]);
    let mut pos = 19 + frac_len;
    let mut offset = None;
    match b.get(pos) {
        Some(b'Z') | Some(b'z') => {
            offset = Some(0);
            pos += 1;
        }
        Some(&sign @ (b'+' | b'-')) => {
            let rest = &b[pos + 1..];
            let (hh, mm, len) = if rest.len() >= 5 && rest[2] == b':' {
                (digits(&rest[0..2])?, digits(&rest[3..5])?, 6)
            } else if rest.len() >= 4 && rest[..4].iter().all(u8::is_ascii_digit) {
                (digits(&rest[0..2])?, digits(&rest[2..4])?, 5)
            } else {
                return None;
            };
            if hh > 23 || mm > 59 {
                return None;
            }
            let secs = (hh * 3600 + mm * 60) as i32;
            offset = Some(if sign == b'-' { -secs } else { secs });
            pos += len;
        }
        _ => {}
    }
    let civil = Civil {
        year,
        month,
        day,
        hour,
        minute,
        second,
        micros,
    };
    civil.is_valid().then_some((civil, offset, pos))
}

fn parse_hms(b: &[u8]) -> Option<(u8, u8, u8)> {
    if b[2] != b':' || b[5] != b':' {
        return None;
    }
    let h = digits(&b[0..2])? as u8;
    let m = digits(&b[3..5])? as u8;
    let s = digits(&b[6..8])? as u8;
    (h < 24 && m < 60 && s <= 60).then_some((h, m, s))
}

/// Parses `.ddd…` (up to nine digits kept to microseconds).
fn parse_fraction(b: &[u8]) -> (u32, usize) {
    if b.first() != Some(&b'.') {
        return (0, 0);
    }
    let n = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
    if n == 0 {
        return (0, 0);
    }
    let mut micros = 0u32;
    for i in 0..6 {
        let d = if i < n { u32::from(b[1 + i] - b'0') } else { 0 };
        micros = micros * 10 + d;
    }
    (micros, 1 + n)
}

fn digits(b: &[u8]) -> Option<u32> {
    let mut v = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

fn month_from_abbrev(m: &[u8]) -> Option<u8> {
    // Case-insensitive on the last two letters only where syslog varies in
    // practice; the first letter is always upper case.
    Some(match m {
        b"Jan" => 1,
        b"Feb" => 2,
        b"Mar" => 3,
        b"Apr" => 4,
        b"May" => 5,
        b"Jun" => 6,
        b"Jul" => 7,
        b"Aug" => 8,
        b"Sep" => 9,
        b"Oct" => 10,
        b"Nov" => 11,
        b"Dec" => 12,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        for d in [
            -800_000i64,
            -1,
            0,
            1,
            59,
            60,
            365,
            11_016,
            19_000,
            2_000_000,
        ] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn bsd_space_and_zero_padded() {
        let (s, n) = parse_bsd(b"Jul  7 10:12:01 host").unwrap();
        assert_eq!(
            (s.month, s.day, s.hour, s.minute, s.second, n),
            (7, 7, 10, 12, 1, 15)
        );
        let (s, _) = parse_bsd(b"Jan 05 00:00:59 host").unwrap();
        assert_eq!((s.month, s.day), (1, 5));
        let (s, n) = parse_bsd(b"Dec 31 23:59:59.250 host").unwrap();
        assert_eq!((s.micros, n), (250_000, 19));
        assert!(parse_bsd(b"Jux  7 10:12:01 host").is_none());
        assert!(parse_bsd(b"Jul 32 10:12:01 host").is_none());
        assert!(parse_bsd(b"Jul  7 25:12:01 host").is_none());
        assert!(parse_bsd(b"Jul  7").is_none());
    }

    #[test]
    fn iso_forms() {
        let (c, off, n) = parse_iso(b"2023-07-17T10:12:01.123456+01:00 mx").unwrap();
        assert_eq!(
            (c.year, c.month, c.day, c.micros, off, n),
            (2023, 7, 17, 123_456, Some(3600), 32)
        );
        let (_, off, n) = parse_iso(b"2023-07-17T10:12:01Z").unwrap();
        assert_eq!((off, n), (Some(0), 20));
        let (_, off, _) = parse_iso(b"2023-07-17 10:12:01 -0530").unwrap();
        assert_eq!(off, None, "a space before the zone ends the stamp");
        let (_, off, _) = parse_iso(b"2023-07-17 10:12:01-0530").unwrap();
        assert_eq!(off, Some(-(5 * 3600 + 30 * 60)));
        assert!(parse_iso(b"2023-02-30T10:12:01Z").is_none());
        assert!(parse_iso(b"2023-07-17X10:12:01Z").is_none());
    }

    #[test]
    fn format_round_trip() {
        let c = Civil {
            year: 2024,
            month: 2,
            day: 29,
            hour: 23,
            minute: 59,
            second: 58,
            micros: 7,
        };
        assert_eq!(format_utc(c.to_micros_utc()), "2024-02-29T23:59:58Z");
        assert_eq!(
            format_utc_micros(c.to_micros_utc()),
            "2024-02-29T23:59:58.000007Z"
        );
        assert_eq!(Civil::from_micros_utc(c.to_micros_utc()), c);
    }
}
