//! Numbers, sizes and dates as the page prints them: thousands separators,
//! 1000-based byte sizes, UTC months and days.
//!
//! Plain text only; the caller escapes (none of these outputs can hold
//! markup, but the page escapes everything it prints anyway).

use crate::time::{Civil, Micros, DAY};

/// `12431` -> `12,431`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// 1000-based and rounded to one decimal (`2.1 GB`): the reader wants the
/// order of magnitude; the exact count goes in a title attribute.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KB", "MB", "GB", "TB", "PB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.95 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// `1234567` -> `1,234,567 bytes`, for title attributes.
pub fn exact_bytes(n: u64) -> String {
    if n == 1 {
        "1 byte".to_string()
    } else {
        format!("{} bytes", count(n))
    }
}

/// `YYYY-MM` (UTC).
pub fn month(t: Micros) -> String {
    crate::time::format_utc_month(t)
}

/// `YYYY-MM-DD` (UTC).
pub fn day(t: Micros) -> String {
    let c = Civil::from_micros_utc(t);
    format!("{:04}-{:02}-{:02}", c.year, c.month, c.day)
}

/// `YYYY-MM-DD` or an en dash for a missing instant, for table cells.
pub fn opt_day(t: Option<Micros>) -> String {
    t.map_or_else(|| "–".to_string(), day)
}

/// Whole days from `earlier` to `later`, never negative.
pub fn days_between(earlier: Micros, later: Micros) -> u64 {
    u64::try_from((later - earlier).max(0) / DAY).unwrap_or(0)
}

/// A share in 0..=1 as a percentage with the precision small shares need.
pub fn percent(share: f64) -> String {
    if !share.is_finite() {
        return "–".to_string();
    }
    let p = share * 100.0;
    if p == 0.0 || p >= 10.0 {
        format!("{p:.0}%")
    } else if p >= 0.1 {
        format!("{p:.1}%")
    } else {
        format!("{p:.2}%")
    }
}

/// `1 sender`, `2 senders`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(12_431), "12,431");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn bytes_are_1000_based() {
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(1000), "1.0 KB");
        assert_eq!(bytes(2_100_000_000), "2.1 GB");
        assert_eq!(bytes(999_960), "1.0 MB");
        assert_eq!(exact_bytes(2_100_000_000), "2,100,000,000 bytes");
    }

    #[test]
    fn months_and_days_are_utc() {
        // 2024-06-30T23:59:59Z
        let t = 1_719_791_999 * 1_000_000;
        assert_eq!(month(t), "2024-06");
        assert_eq!(day(t), "2024-06-30");
        assert_eq!(days_between(t - 3 * DAY, t), 3);
        assert_eq!(days_between(t, t - DAY), 0);
    }

    #[test]
    fn percentages_keep_small_shares() {
        assert_eq!(percent(0.5), "50%");
        assert_eq!(percent(0.021), "2.1%");
        assert_eq!(percent(0.0004), "0.04%");
        assert_eq!(percent(f64::NAN), "–");
    }
}
