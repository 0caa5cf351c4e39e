//! The report's first sentence: how much mail meant for which domains was
//! delivered to lookalikes, when, from how many senders, and whether it is
//! still going on; or, when nothing leaked, what did (not) happen.
//!
//! It builds the sentence as parts so the same words serve the page (with
//! domains as code and the exact byte count in a title) and the plain-text
//! `<title>`. It does not compute any number: all come from the report.

use super::format;
use super::html::escape;
use crate::leak::{LeakReport, Measures};

/// One piece of the sentence.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    Text(String),
    /// A domain or pattern from the logs, shown as code.
    Code(String),
    /// A human-readable size; the exact count goes in a title attribute.
    Bytes(u64),
}

/// The headline sentence.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sentence(pub Vec<Part>);

impl Sentence {
    fn text(&mut self, s: impl Into<String>) -> &mut Self {
        self.0.push(Part::Text(s.into()));
        self
    }

    fn code(&mut self, s: impl Into<String>) -> &mut Self {
        self.0.push(Part::Code(s.into()));
        self
    }

    /// Plain text, e.g. for `<title>` (still to be escaped).
    pub fn plain(&self) -> String {
        self.0
            .iter()
            .map(|p| match p {
                Part::Text(s) | Part::Code(s) => s.clone(),
                Part::Bytes(n) => format::bytes(*n),
            })
            .collect()
    }

    /// Escaped HTML.
    pub fn html(&self) -> String {
        self.0
            .iter()
            .map(|p| match p {
                Part::Text(s) => escape::text(s),
                Part::Code(s) => format!("<code>{}</code>", escape::text(s)),
                Part::Bytes(n) => format!(
                    "<span title=\"{}\">{}</span>",
                    escape::text(&format::exact_bytes(*n)),
                    escape::text(&format::bytes(*n))
                ),
            })
            .collect()
    }
}

/// What the leak is named after: the top suffix pattern, else the top
/// cluster, with the leaked messages of that group.
struct Group {
    meant: String,
    /// The lookalike side: one domain or pattern, plus how many others.
    went_to: String,
    others: usize,
    messages_leaked: u64,
}

/// The headline of `report`.
pub fn headline(report: &LeakReport) -> Sentence {
    let h = &report.headline;
    let m = &h.measures;
    let mut s = Sentence::default();
    if m.messages_leaked == 0 {
        nothing_leaked(&mut s, report);
        return s;
    }
    s.text(format::plural(m.messages_leaked, "message", "messages"));
    size(&mut s, m);
    let group = top_group(report);
    match &group {
        Some(g) if g.messages_leaked >= m.messages_leaked => {
            s.text(" meant for ").code(&g.meant);
            s.text(if m.messages_leaked == 1 {
                " was"
            } else {
                " were"
            });
            s.text(" delivered to ");
            destination(&mut s, g);
        }
        _ => {
            s.text(if m.messages_leaked == 1 {
                " was"
            } else {
                " were"
            });
            s.text(" delivered to lookalike domains");
        }
    }
    span(&mut s, m);
    s.text(format!(
        ", from {}",
        format::plural(m.senders_leaked, "sender", "senders")
    ));
    if let Some(g) = group.filter(|g| g.messages_leaked < m.messages_leaked) {
        s.text(format!(
            ", {} of them meant for ",
            format::count(g.messages_leaked)
        ));
        s.code(&g.meant).text(" but delivered to ");
        destination(&mut s, &g);
    }
    still_active(&mut s, report);
    s.text(".");
    s
}

/// `army.ml`, or `army.ml and 2 other lookalikes`.
fn destination(s: &mut Sentence, g: &Group) {
    s.code(&g.went_to);
    if g.others > 0 {
        s.text(format!(
            " and {}",
            format::plural(g.others as u64, "other lookalike", "other lookalikes")
        ));
    }
}

fn nothing_leaked(s: &mut Sentence, report: &LeakReport) {
    let h = &report.headline;
    let attempted = h.measures.messages_attempted;
    if attempted > 0 {
        s.text(format!(
            "No misdirected mail was delivered; {} to lookalike domains {} bounced or deferred.",
            format::plural(attempted, "message", "messages"),
            if attempted == 1 { "was" } else { "were" }
        ));
    } else if h.lookalike_domains > 0 {
        s.text(format!(
            "{} found, but no mail was sent to {}.",
            format::plural(
                h.lookalike_domains,
                "lookalike domain was",
                "lookalike domains were"
            ),
            if h.lookalike_domains == 1 {
                "it"
            } else {
                "them"
            }
        ));
    } else {
        s.text("No lookalike domains were found.");
    }
}

/// ` (2.1 GB)`, ` (at least 2.1 GB)` when some sizes were not logged, or
/// nothing when none were.
fn size(s: &mut Sentence, m: &Measures) {
    if m.leaked_messages_without_size >= m.messages_leaked {
        return;
    }
    s.text(if m.leaked_messages_without_size > 0 {
        " (at least "
    } else {
        " ("
    });
    s.0.push(Part::Bytes(m.bytes_leaked));
    s.text(")");
}

fn span(s: &mut Sentence, m: &Measures) {
    let (Some(first), Some(last)) = (m.first_leak, m.last_leak) else {
        return;
    };
    let (a, b) = (format::month(first), format::month(last));
    if a == b {
        s.text(format!(" in {a}"));
    } else {
        s.text(format!(" between {a} and {b}"));
    }
}

fn still_active(s: &mut Sentence, report: &LeakReport) {
    let h = &report.headline;
    let Some(last) = h.measures.last_leak.filter(|_| h.still_active) else {
        return;
    };
    s.text(format!(
        "; and it is still happening: the last leak was on {}",
        format::day(last)
    ));
    if let Some(end) = h.logs_end {
        match format::days_between(last, end) {
            0 => s.text(", the last day of the logs"),
            n => s.text(format!(
                ", {} before the logs end",
                format::plural(n, "day", "days")
            )),
        };
    }
}

fn top_group(report: &LeakReport) -> Option<Group> {
    let h = &report.headline;
    let pattern = h.top_pattern.as_deref().and_then(|top| {
        let (meant, went_to) = suffix_pattern(top)?;
        let row = report.patterns.iter().find(|p| p.pattern == top)?;
        Some(Group {
            meant: meant.to_string(),
            went_to: went_to.to_string(),
            others: 0,
            messages_leaked: row.measures.messages_leaked,
        })
    });
    pattern.or_else(|| {
        let top = h.top_cluster.as_deref()?;
        let row = report.clusters.iter().find(|c| c.intended == top)?;
        let first = row.lookalikes.first()?;
        Some(Group {
            meant: top.to_string(),
            went_to: first.clone(),
            others: row.lookalikes.len() - 1,
            messages_leaked: row.measures.messages_leaked,
        })
    })
}

/// `*.mil -> *.ml` -> (`*.mil`, `*.ml`); `None` for other patterns.
fn suffix_pattern(p: &str) -> Option<(&str, &str)> {
    let (meant, went_to) = p.split_once(" -> ")?;
    let is_suffix = |s: &str| s.starts_with("*.") && s.len() > 2;
    (is_suffix(meant) && is_suffix(went_to)).then_some((meant, went_to))
}
