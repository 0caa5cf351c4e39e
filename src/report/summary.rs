//! The short human summary printed on standard output after a run. Every
//! piece of log-derived text goes through [`escape_for_display`] first.

use std::fmt::Write as _;

use super::format;
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
        (FileStatus::Changed, "changed while read"),
        (FileStatus::Unreadable, "unreadable"),
        (FileStatus::Unsupported, "unsupported"),
        (FileStatus::UnknownFormat, "in no known format"),
        (FileStatus::Duplicate, "duplicates"),
    ] {
        let n = count(st);
        if n > 0 {
            problems.push(format!("{} {word}", format::count(n as u64)));
        }
    }
    let _ = writeln!(
        s,
        "Read {} file{} ({}){}: {} lines, {} used, {} skipped",
        format::count(files as u64),
        if files == 1 { "" } else { "s" },
        format::bytes(bytes),
        if problems.is_empty() {
            String::new()
        } else {
            format!(", {}", problems.join(", "))
        },
        format::count(read),
        format::count(used),
        format::count(skipped.total()),
    );
    let t = scan.totals();
    let _ = writeln!(
        s,
        "{} messages, {} deliveries: {} sent, {} bounced, {} deferred, {} expired; {} delivered; {} recipient domains",
        format::count(t.messages),
        format::count(t.deliveries()),
        format::count(t.deliveries_sent),
        format::count(t.deliveries_bounced),
        format::count(t.deliveries_deferred),
        format::count(t.deliveries_expired),
        format::bytes(t.bytes_sent),
        format::count(rows.len() as u64),
    );
    if !rows.is_empty() {
        let top = &rows[..rows.len().min(TOP_DOMAINS)];
        let names: Vec<String> = top
            .iter()
            .map(|r| {
                if r.domain.is_empty() {
                    // Sendmail logs local mailboxes without a domain.
                    "(no domain)".to_string()
                } else {
                    escape_for_display(r.domain.as_bytes())
                }
            })
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
                format::count(r.messages),
                format::count(r.deliveries_sent),
                format::count(r.deliveries_bounced),
                format::count(r.deliveries_deferred),
                format::count(r.deliveries_expired),
                format::bytes(r.bytes_sent),
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
        format::count(findings.len() as u64),
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
            format::count(m),
            format::count(sent),
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
        escape_for_display(super::headline::headline(leak).plain().as_bytes())
    );
    if leak.clusters.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "\nMisdirected mail by intended domain: {} (top {})",
        format::count(leak.clusters.len() as u64),
        leak.clusters.len().min(TOP_CLUSTERS)
    );
    let _ = writeln!(
        s,
        "  {:<24}  {:<30}  {:>9}  {:>8}  {:>10}  {:>7}  {:<7}  {:<7}",
        "intended", "lookalikes", "attempted", "leaked", "bytes", "senders", "first", "last"
    );
    let month = |t: Option<i64>| t.map(format::month).unwrap_or_default();
    for c in leak.clusters.iter().take(TOP_CLUSTERS) {
        let m = &c.measures;
        let _ = writeln!(
            s,
            "  {:<24}  {:<30}  {:>9}  {:>8}  {:>10}  {:>7}  {:<7}  {:<7}",
            cut(escape_for_display(c.intended.as_bytes()), 24),
            cut(escape_for_display(c.lookalikes.join(" ").as_bytes()), 30),
            format::count(m.messages_attempted),
            format::count(m.messages_leaked),
            format::bytes(m.bytes_leaked),
            format::count(m.senders),
            month(m.first_leak),
            month(m.last_leak),
        );
    }
    let sticky = leak.recipients.iter().filter(|r| r.sticky).count() as u64;
    if sticky > 0 {
        let _ = writeln!(
            s,
            "  {} sticky recipient address{} (hit again and again over weeks; see recipients.csv)",
            format::count(sticky),
            if sticky == 1 { "" } else { "es" }
        );
    }
    receivers_and_markings(s, leak);
}

/// Who received it and what it was, in a line each.
fn receivers_and_markings(s: &mut String, leak: &LeakReport) {
    if let Some(top) = leak.receivers.first() {
        let catch = leak
            .receivers
            .iter()
            .filter(|r| !r.catch_all_lookalikes.is_empty())
            .count();
        let _ = writeln!(
            s,
            "  Received by {} server{} in {} group{}; the top one, {}, took {} leaked message{} for {} lookalike{}{} (receivers.csv)",
            format::count(leak.receivers.len() as u64),
            if leak.receivers.len() == 1 { "" } else { "s" },
            format::count(leak.receivers.iter().map(|r| r.group).max().unwrap_or(0).into()),
            if leak.receivers.iter().any(|r| r.group > 1) { "s" } else { "" },
            cut(escape_for_display(top.receiver.as_bytes()), 40),
            format::count(top.messages_leaked),
            if top.messages_leaked == 1 { "" } else { "s" },
            top.lookalikes.len(),
            if top.lookalikes.len() == 1 { "" } else { "s" },
            match catch {
                0 => String::new(),
                n => format!("; {n} with catch-all lookalikes"),
            }
        );
    }
    if leak.leaked_without_receiver > 0 {
        let _ = writeln!(
            s,
            "  {} leaked message{} with no receiving server in the logs",
            format::count(leak.leaked_without_receiver),
            if leak.leaked_without_receiver == 1 {
                ""
            } else {
                "s"
            }
        );
    }
    if leak.subjects_logged {
        let marked: Vec<String> = leak
            .markings
            .iter()
            .filter(|m| m.scope == "total" && m.measures.messages_leaked > 0)
            .filter(|m| !m.marking.starts_with('('))
            .map(|m| {
                format!(
                    "{} {}",
                    escape_for_display(m.marking.as_bytes()),
                    format::count(m.measures.messages_leaked)
                )
            })
            .collect();
        let _ = writeln!(
            s,
            "  Leaked messages by marking: {} (markings.csv)",
            if marked.is_empty() {
                "none marked".to_string()
            } else {
                marked.join(", ")
            }
        );
    }
}
