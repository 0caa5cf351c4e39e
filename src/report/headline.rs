//! The headline of a leak report as one plain-text sentence (terminal,
//! summary.json; the HTML page escapes it). Numbers only from the report.

use super::summary::{human_bytes, thousands};
use crate::leak::build::month;
use crate::leak::LeakReport;
use crate::time::DAY;

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// The headline sentence.
pub fn headline(r: &LeakReport) -> String {
    let h = &r.headline;
    let m = &h.measures;
    if m.deliveries == 0 {
        return "No mail to lookalike domains was found.".to_string();
    }
    if m.messages_leaked == 0 {
        return format!(
            "No misdirected mail was delivered: {} to {} were tried ({} bounced, {} expired, {} still deferred).",
            plural(m.messages_attempted, "message", "messages"),
            plural(h.lookalike_domains, "lookalike domain", "lookalike domains"),
            thousands(m.deliveries_bounced),
            thousands(m.deliveries_expired),
            thousands(m.deliveries_pending),
        );
    }
    let span = match (m.first_leak, m.last_leak) {
        (Some(a), Some(b)) if month(a) == month(b) => format!("in {}", month(a)),
        (Some(a), Some(b)) => format!("between {} and {}", month(a), month(b)),
        _ => String::new(),
    };
    let leaking: Vec<&crate::leak::ClusterRow> = r
        .clusters
        .iter()
        .filter(|c| c.measures.messages_leaked > 0)
        .collect();
    let leaking_patterns: Vec<&crate::leak::PatternRow> = r
        .patterns
        .iter()
        .filter(|p| p.measures.messages_leaked > 0)
        .collect();
    let leaky_domains = r
        .events
        .iter()
        .filter(|e| e.outcome == crate::leak::Outcome::Leaked)
        .map(|e| &e.lookalike)
        .collect::<std::collections::HashSet<_>>()
        .len() as u64;
    let (meant, went) = match (&leaking[..], &leaking_patterns[..]) {
        ([c], _) if c.lookalikes.len() as u64 == leaky_domains => (
            format!("meant for {}", c.intended),
            format!("to {}", c.lookalikes.join(", ")),
        ),
        (_, [p]) if p.pattern.starts_with("*.") => {
            let (a, b) = p.pattern.split_once(" -> ").unwrap_or((&p.pattern, ""));
            (format!("meant for {a}"), format!("to {b}"))
        }
        (cs, _) => (
            format!("meant for {}", plural(cs.len() as u64, "domain", "domains")),
            format!(
                "to {}",
                plural(leaky_domains, "lookalike domain", "lookalike domains")
            ),
        ),
    };
    let mut s = format!(
        "{} ({}) {meant} were delivered {went} {span}, from {}.",
        plural(m.messages_leaked, "message", "messages"),
        human_bytes(m.bytes_leaked),
        plural(m.senders_leaked, "sender", "senders"),
    );
    if leaking_patterns.len() > 1 {
        if let Some(p) = leaking_patterns.first() {
            s.push_str(&format!(
                " The largest pattern, {}, accounts for {}.",
                p.pattern,
                plural(p.measures.messages_leaked, "of them", "of them")
            ));
        }
    }
    if h.still_active {
        if let (Some(last), Some(end)) = (m.last_leak, h.logs_end) {
            let days = (end - last).max(0) / DAY;
            s.push_str(&format!(
                " It may still be happening: the last leak was on {}, {} before the logs end.",
                &crate::time::format_utc(last)[..10],
                plural(days as u64, "day", "days"),
            ));
        }
    }
    s
}
