//! The page's tables: clusters, patterns, senders and sticky recipients,
//! each cut to the context's `top_n` rows with a line saying how many more
//! there are.
//!
//! Rows are shown in the report's order, except senders and recipients,
//! whose order the model does not fix: those are ranked here by leaked
//! messages. Every cell is escaped; numbers are right-aligned by CSS.

use super::escape;
use crate::leak::{LeakReport, Measures, RecipientRow, SenderRow, SenderScope};
use crate::report::format;

/// Lists inside a cell (a cluster's lookalikes) stop after this many.
const LIST_ITEMS: usize = 4;

/// A table section: heading, explanation, header row, body rows (already
/// HTML `<td>`s) and the count of rows left out.
pub(super) struct Section<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub intro: &'a str,
    pub heads: &'a [(&'a str, bool)],
    pub rows: Vec<String>,
    pub total: usize,
    pub noun: &'a str,
}

pub(super) fn section(s: Section) -> String {
    let mut out = format!(
        "<section id=\"{}\">\n<h2>{}</h2>\n<p class=\"intro\">{}</p>\n",
        s.id,
        escape::text(s.title),
        escape::text(s.intro)
    );
    if s.rows.is_empty() {
        out.push_str(&format!(
            "<p class=\"note\">No {}.</p>\n</section>\n",
            escape::text(s.noun)
        ));
        return out;
    }
    out.push_str("<div class=\"scroll\"><table>\n<thead><tr>");
    for (head, numeric) in s.heads {
        let class = if *numeric { " class=\"num\"" } else { "" };
        out.push_str(&format!("<th{class}>{}</th>", escape::text(head)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &s.rows {
        out.push_str(&format!("<tr>{row}</tr>\n"));
    }
    out.push_str("</tbody>\n</table></div>\n");
    if s.total > s.rows.len() {
        out.push_str(&format!(
            "<p class=\"more\">{} more {} not shown; the report's tables list them all.</p>\n",
            format::count((s.total - s.rows.len()) as u64),
            escape::text(s.noun)
        ));
    }
    out.push_str("</section>\n");
    out
}

pub(super) fn td(s: &str) -> String {
    format!("<td>{}</td>", escape::text(s))
}

pub(super) fn td_code(s: &str) -> String {
    format!("<td><code>{}</code></td>", escape::text(s))
}

pub(super) fn td_num(n: u64) -> String {
    format!("<td class=\"num\">{}</td>", format::count(n))
}

pub(super) fn td_bytes(n: u64) -> String {
    format!(
        "<td class=\"num\" title=\"{}\">{}</td>",
        format::exact_bytes(n),
        format::bytes(n)
    )
}

/// First and last day (UTC) on two lines, which keeps the column narrow;
/// one day when both are the same.
pub(super) fn td_span(first: Option<i64>, last: Option<i64>) -> String {
    let (a, b) = (format::opt_day(first), format::opt_day(last));
    if a == b {
        return format!("<td class=\"dates\">{}</td>", escape::text(&a));
    }
    format!(
        "<td class=\"dates\">{}<br>{}</td>",
        escape::text(&a),
        escape::text(&b)
    )
}

/// Up to [`LIST_ITEMS`] names as code, then `and N more`.
pub(super) fn td_list(items: &[String]) -> String {
    let shown: Vec<String> = items
        .iter()
        .take(LIST_ITEMS)
        .map(|s| format!("<code>{}</code>", escape::text(s)))
        .collect();
    let mut cell = shown.join(", ");
    if items.len() > LIST_ITEMS {
        cell.push_str(&format!(
            " and {} more",
            format::count((items.len() - LIST_ITEMS) as u64)
        ));
    }
    format!("<td>{cell}</td>")
}

/// Deliveries as `sent / failed / pending`, failed being bounced + expired.
fn td_deliveries(m: &Measures) -> String {
    format!(
        "<td class=\"num\" title=\"sent / bounced or expired / pending\">{} / {} / {}</td>",
        format::count(m.deliveries_sent),
        format::count(m.deliveries_bounced + m.deliveries_expired),
        format::count(m.deliveries_pending)
    )
}

pub fn clusters(report: &LeakReport, top_n: usize) -> String {
    let rows = report.clusters.iter().take(top_n).map(|c| {
        let m = &c.measures;
        [
            td_code(&c.intended),
            td_list(&c.lookalikes),
            td_num(m.messages_leaked),
            td_bytes(m.bytes_leaked),
            td_num(m.messages_attempted),
            td_deliveries(m),
            td_num(m.senders),
            td_num(m.recipients),
            format!("<td class=\"num\">{}</td>", format::percent(c.astray_share)),
            td_span(m.first_leak, m.last_leak),
        ]
        .concat()
    });
    section(Section {
        id: "clusters",
        title: "Clusters",
        intro: "One row per intended domain with all its lookalikes. Astray share: misdirected \
                messages out of those and the messages to the intended domain itself.",
        heads: &[
            ("Intended domain", false),
            ("Lookalikes", false),
            ("Messages leaked", true),
            ("Size leaked", true),
            ("Messages attempted", true),
            ("Deliveries sent / failed / pending", true),
            ("Senders", true),
            ("Recipients", true),
            ("Astray share", true),
            ("First / last leak", false),
        ],
        rows: rows.collect(),
        total: report.clusters.len(),
        noun: "clusters",
    })
}

pub fn patterns(report: &LeakReport, top_n: usize) -> String {
    let rows = report.patterns.iter().take(top_n).map(|p| {
        let m = &p.measures;
        [
            td_code(&p.pattern),
            td(&p.kind),
            td_list(&p.intended),
            td_list(&p.lookalikes),
            td_num(m.messages_leaked),
            td_bytes(m.bytes_leaked),
            td_num(m.messages_attempted),
            td_num(m.senders),
            td_span(m.first_leak, m.last_leak),
        ]
        .concat()
    });
    section(Section {
        id: "patterns",
        title: "Patterns",
        intro: "The same slip across intended domains, e.g. every .mil address typed as .ml.",
        heads: &[
            ("Pattern", false),
            ("Kind", false),
            ("Intended", false),
            ("Lookalikes", false),
            ("Messages leaked", true),
            ("Size leaked", true),
            ("Messages attempted", true),
            ("Senders", true),
            ("First / last leak", false),
        ],
        rows: rows.collect(),
        total: report.patterns.len(),
        noun: "patterns",
    })
}

pub fn senders(report: &LeakReport, top_n: usize) -> String {
    let mut ranked: Vec<&SenderRow> = report.senders.iter().collect();
    ranked.sort_by(|a, b| {
        (b.messages_leaked, b.deliveries)
            .cmp(&(a.messages_leaked, a.deliveries))
            .then(a.sender.cmp(&b.sender))
    });
    let rows = ranked.iter().take(top_n).map(|s| {
        let scope = match s.scope {
            SenderScope::Address => "address",
            SenderScope::Domain => "domain",
        };
        [
            td_code(&s.sender),
            td(scope),
            td(if s.in_org { "yes" } else { "no" }),
            td_num(s.messages_leaked),
            td_bytes(s.bytes_leaked),
            td_num(s.leaked),
            td_num(s.deliveries),
            td_num(s.lookalikes),
            td_num(s.sticky_recipients),
            td_span(s.first_seen, s.last_seen),
        ]
        .concat()
    });
    section(Section {
        id: "senders",
        title: "Senders",
        intro: "Who sent the misdirected mail, by address and by sender domain, most leaked first.",
        heads: &[
            ("Sender", false),
            ("Scope", false),
            ("In org", false),
            ("Messages leaked", true),
            ("Size leaked", true),
            ("Deliveries leaked", true),
            ("Deliveries", true),
            ("Lookalikes", true),
            ("Sticky recipients", true),
            ("First / last seen", false),
        ],
        rows: rows.collect(),
        total: report.senders.len(),
        noun: "senders",
    })
}

pub fn sticky_recipients(report: &LeakReport, top_n: usize) -> String {
    let mut sticky: Vec<&RecipientRow> = report.recipients.iter().filter(|r| r.sticky).collect();
    sticky.sort_by(|a, b| {
        (b.leaked, b.deliveries, b.days)
            .cmp(&(a.leaked, a.deliveries, a.days))
            .then(a.recipient.cmp(&b.recipient))
    });
    let rows = sticky.iter().take(top_n).map(|r| {
        [
            td_code(&r.recipient),
            td_code(&format!("{}@{}", r.meant, r.intended)),
            td_num(r.leaked),
            td_num(r.deliveries),
            td_num(r.senders),
            td_num(r.days),
            td_span(r.first_seen, r.last_seen),
        ]
        .concat()
    });
    let intro = format!(
        "Wrong addresses hit on at least {} days spanning at least {} days: most likely saved \
         in an address book or a list, so they keep leaking until someone fixes them.",
        crate::leak::STICKY_MIN_DAYS,
        crate::leak::STICKY_MIN_SPAN_DAYS
    );
    section(Section {
        id: "sticky-recipients",
        title: "Sticky recipients",
        intro: &intro,
        heads: &[
            ("Recipient", false),
            ("Meant", false),
            ("Deliveries leaked", true),
            ("Deliveries", true),
            ("Senders", true),
            ("Days", true),
            ("First / last seen", false),
        ],
        rows: rows.collect(),
        total: sticky.len(),
        noun: "sticky recipients",
    })
}
