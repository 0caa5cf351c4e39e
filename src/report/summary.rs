//! The short human summary printed on standard output after a run. Every
//! piece of log-derived text goes through [`escape_for_display`] first.

use std::fmt::Write as _;

use super::text::escape_for_display;
use crate::aggregate::DomainRow;
use crate::leak::LeakReport;
use crate::lookalike::Finding;
use crate::scan::{FileStatus, ScanResult};

/// How many domains the summary lists.
pub const TOP_DOMAINS: usize = 10;

/// Renders the summary.
pub fn render(
    scan: &ScanResult,
    rows: &[DomainRow],
    findings: &[Finding],
    leak: &LeakReport,
    out_dir: &str,
    written: &[String],
) -> String {
    let mut s = String::new();
    let files = scan.files.len();
    let count = |st: FileStatus| scan.files.iter().filter(|f| f.status == st).count();
    let bytes: u64 = scan.files.iter().map(|f| f.size).sum();
    let (read, used, skipped) = scan.line_totals();
    let mut problems = Vec::new();
    for (st, word) in [
        (FileStatus::Damaged, "damaged"),
        (FileStatus::Unreadable, "unreadable"),
        (FileStatus::Unsupported, "unsupported"),
        (FileStatus::UnknownFormat, "in no known format"),
        (FileStatus::Duplicate, "duplicates"),
    ] {
        let n = count(st);
        if n > 0 {
            problems.push(format!("{} {word}", thousands(n as u64)));
        }
    }
    let _ = writeln!(
        s,
        "Read {} file{} ({}){}: {} lines, {} used, {} skipped",
        thousands(files as u64),
        if files == 1 { "" } else { "s" },
        human_bytes(bytes),
        if problems.is_empty() {
            String::new()
        } else {
            format!(", {}", problems.join(", "))
        },
        thousands(read),
        thousands(used),
        thousands(skipped.total()),
    );
    let t = scan.totals();
    let _ = writeln!(
        s,
        "{} messages, {} deliveries: {} sent, {} bounced, {} deferred, {} expired; {} delivered; {} recipient domains",
        thousands(t.messages),
        thousands(t.deliveries()),
        thousands(t.deliveries_sent),
        thousands(t.deliveries_bounced),
        thousands(t.deliveries_deferred),
        thousands(t.deliveries_expired),
        human_bytes(t.bytes_sent),
        thousands(rows.len() as u64),
    );
    if !rows.is_empty() {
        let top = &rows[..rows.len().min(TOP_DOMAINS)];
        let names: Vec<String> = top
            .iter()
            .map(|r| escape_for_display(r.domain.as_bytes()))
            .collect();
        let width = names
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(6)
            .clamp(6, 40);
        let _ = writeln!(s, "\nTop recipient domains");
        let _ = writeln!(
            s,
            "  {:<width$}  {:>9}  {:>9}  {:>8}  {:>8}  {:>8}  {:>10}",
            "domain", "messages", "sent", "bounced", "deferred", "expired", "bytes sent"
        );
        for (r, name) in top.iter().zip(names) {
            let name: String = if name.chars().count() > width {
                name.chars().take(width - 1).chain(['…']).collect()
            } else {
                name
            };
            let _ = writeln!(
                s,
                "  {:<width$}  {:>9}  {:>9}  {:>8}  {:>8}  {:>8}  {:>10}",
                name,
                thousands(r.messages),
                thousands(r.deliveries_sent),
                thousands(r.deliveries_bounced),
                thousands(r.deliveries_deferred),
                thousands(r.deliveries_expired),
                human_bytes(r.bytes_sent),
            );
        }
    }
    lookalikes(&mut s, findings, rows);
    leak_section(&mut s, leak);
    let _ = writeln!(
        s,
        "\nReports in {}: {}",
        escape_for_display(out_dir.as_bytes()),
        written.join(", ")
    );
    s
}

/// How many lookalikes the summary lists.
pub const TOP_LOOKALIKES: usize = 15;

fn lookalikes(s: &mut String, findings: &[Finding], rows: &[DomainRow]) {
    if findings.is_empty() {
        let _ = writeln!(s, "\nNo lookalike domains found.");
        return;
    }
    let messages = |d: &str| {
        rows.iter()
            .find(|r| r.domain == d)
            .map_or((0, 0), |r| (r.messages, r.deliveries_sent))
    };
    let _ = writeln!(
        s,
        "\nLookalike domains: {} (top {} by score)",
        thousands(findings.len() as u64),
        findings.len().min(TOP_LOOKALIKES)
    );
    let _ = writeln!(
        s,
        "  {:<24}  {:<24}  {:<22}  {:>5}  {:>8}  {:>6}  country",
        "domain", "meant", "kind", "score", "messages", "sent"
    );
    let cut = |t: String, w: usize| -> String {
        if t.chars().count() > w {
            t.chars().take(w - 1).chain(['…']).collect()
        } else {
            t
        }
    };
    for f in findings.iter().take(TOP_LOOKALIKES) {
        let (m, sent) = messages(&f.domain);
        let _ = writeln!(
            s,
            "  {:<24}  {:<24}  {:<22}  {:>5.2}  {:>8}  {:>6}  {}",
            cut(escape_for_display(f.domain.as_bytes()), 24),
            cut(escape_for_display(f.intended.as_bytes()), 24),
            cut(f.class.detail(), 22),
            f.score.value,
            thousands(m),
            thousands(sent),
            f.country.unwrap_or(""),
        );
    }
}

/// How many clusters the summary lists.
pub const TOP_CLUSTERS: usize = 10;

fn cut(t: String, w: usize) -> String {
    if t.chars().count() > w {
        t.chars().take(w - 1).chain(['…']).collect()
    } else {
        t
    }
}

fn leak_section(s: &mut String, leak: &LeakReport) {
    let _ = writeln!(
        s,
        "\n{}",
        escape_for_display(super::headline::headline(leak).as_bytes())
    );
    if leak.clusters.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "\nMisdirected mail by intended domain: {} (top {})",
        thousands(leak.clusters.len() as u64),
        leak.clusters.len().min(TOP_CLUSTERS)
    );
    let _ = writeln!(
        s,
        "  {:<24}  {:<30}  {:>9}  {:>8}  {:>10}  {:>7}  {:<7}  {:<7}",
        "intended", "lookalikes", "attempted", "leaked", "bytes", "senders", "first", "last"
    );
    let month = |t: Option<i64>| t.map(crate::leak::build::month).unwrap_or_default();
    for c in leak.clusters.iter().take(TOP_CLUSTERS) {
        let m = &c.measures;
        let _ = writeln!(
            s,
            "  {:<24}  {:<30}  {:>9}  {:>8}  {:>10}  {:>7}  {:<7}  {:<7}",
            cut(escape_for_display(c.intended.as_bytes()), 24),
            cut(escape_for_display(c.lookalikes.join(" ").as_bytes()), 30),
            thousands(m.messages_attempted),
            thousands(m.messages_leaked),
            human_bytes(m.bytes_leaked),
            thousands(m.senders),
            month(m.first_leak),
            month(m.last_leak),
        );
    }
    let sticky = leak.recipients.iter().filter(|r| r.sticky).count() as u64;
    if sticky > 0 {
        let _ = writeln!(
            s,
            "  {} sticky recipient address{} (hit again and again over weeks; see recipients.csv)",
            thousands(sticky),
            if sticky == 1 { "" } else { "es" }
        );
    }
}

/// `1234567` -> `1,234,567`.
pub fn thousands(n: u64) -> String {
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

/// Bytes in binary units: `1.5 MiB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }
}
