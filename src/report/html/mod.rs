//! `report.html`: one self-contained page that tells a reader who has not
//! run the tool what leaked, where to, since when and from whom.
//!
//! The page is built from a finished [`LeakReport`] and nothing else; it
//! computes no measures of its own beyond what the charts need to plot. It
//! is static: no script, no external font, style sheet or image, and a
//! Content-Security-Policy that forbids loading anything, so it opens
//! offline and a hostile string from a log cannot make it run code or call
//! out. Every string from the report is escaped (see [`escape`]).
//!
//! Submodules: `escape` (making strings safe), `format` (numbers, sizes,
//! dates), `headline` (the first sentence), `charts` (plotters SVG),
//! `tables` (the long tables).

mod charts;
mod contents;
pub(crate) mod escape;
mod receivers;
mod tables;

#[cfg(test)]
mod tests;

use super::{format, headline};
use crate::leak::{LeakReport, ACTIVE_DAYS, STICKY_MIN_DAYS, STICKY_MIN_SPAN_DAYS};
use crate::time::format_utc;

/// Rows shown in each long table unless the caller says otherwise.
pub const DEFAULT_TOP_N: usize = 20;

/// What the page says about the run, besides the report itself.
#[derive(Clone, Debug, PartialEq)]
pub struct HtmlContext {
    /// What was scanned (paths as the user gave them).
    pub title_paths: String,
    /// The misdirect version that wrote the page.
    pub version: &'static str,
    /// Rows shown in each long table.
    pub top_n: usize,
}

impl HtmlContext {
    /// A context with [`DEFAULT_TOP_N`] rows per table.
    pub fn new(title_paths: impl Into<String>, version: &'static str) -> Self {
        HtmlContext {
            title_paths: title_paths.into(),
            version,
            top_n: DEFAULT_TOP_N,
        }
    }
}

/// The whole page.
pub fn render(report: &LeakReport, ctx: &HtmlContext) -> String {
    let sentence = headline::headline(report);
    let mut page = String::with_capacity(64 * 1024);
    page.push_str(&head(&sentence.plain()));
    page.push_str("<body>\n<main>\n<header>\n<h1>Misdirected mail</h1>\n");
    page.push_str(&meta(report, ctx));
    if report.redacted {
        page.push_str(
            "<p id=\"redacted\" class=\"banner\">Redacted: the local parts of addresses \
             were replaced by keyed hashes before this report was written.</p>\n",
        );
    }
    page.push_str(&format!(
        "<p id=\"headline\" class=\"headline\">{}</p>\n",
        sentence.html()
    ));
    page.push_str("</header>\n");
    page.push_str(&figures(report));
    page.push_str(&definitions(report));
    page.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    page.push_str(&charts::timeline(report));
    page.push_str(&charts::lookalikes(report));
    page.push_str(&charts::kinds(report));
    page.push_str("</section>\n");
    let top_n = ctx.top_n.max(1);
    page.push_str(&tables::clusters(report, top_n));
    page.push_str(&tables::patterns(report, top_n));
    page.push_str(&tables::senders(report, top_n));
    page.push_str(&tables::sticky_recipients(report, top_n));
    page.push_str(&receivers::receivers(report, top_n));
    page.push_str(&contents::markings(report, top_n));
    page.push_str("</main>\n</body>\n</html>\n");
    page
}

fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>misdirect: {}</title>\n<style>\n{STYLE}</style>\n</head>\n",
        escape::text(title)
    )
}

/// Scanned paths, the span of the logs, and what wrote the page. (Not
/// when: the page is the same for the same logs; run.json has the times.)
fn meta(report: &LeakReport, ctx: &HtmlContext) -> String {
    let h = &report.headline;
    let logs = match (h.logs_start, h.logs_end) {
        (Some(a), Some(b)) => format!(
            "; logs from {} to {}",
            escape::text(&format_utc(a)),
            escape::text(&format_utc(b))
        ),
        _ => String::new(),
    };
    format!(
        "<p class=\"meta\">Scanned <code>{}</code>{logs}. Written by misdirect {}; \
         the run's own times are in run.json.</p>\n",
        escape::text(&ctx.title_paths),
        escape::text(ctx.version)
    )
}

/// The key numbers as a row of figures under the headline.
fn figures(report: &LeakReport) -> String {
    let h = &report.headline;
    let m = &h.measures;
    let size = format!(
        "<span title=\"{}\">{}</span>",
        format::exact_bytes(m.bytes_leaked),
        format::bytes(m.bytes_leaked)
    );
    let items = [
        (format::count(m.messages_leaked), "messages leaked"),
        (size, "leaked (known sizes)"),
        (format::count(m.messages_attempted), "messages misdirected"),
        (format::count(m.deliveries), "misdirected deliveries"),
        (format::count(h.lookalike_domains), "lookalike domains"),
        (format::count(h.clusters), "intended domains"),
        (format::count(m.senders), "senders"),
        (format::count(m.recipients), "recipients"),
    ];
    let mut out = String::from("<dl id=\"figures\" class=\"figures\">\n");
    for (value, label) in items {
        out.push_str(&format!("<div><dt>{label}</dt><dd>{value}</dd></div>\n"));
    }
    out.push_str("</dl>\n");
    out
}

fn definitions(report: &LeakReport) -> String {
    let org = &report.org;
    let org_line = if org.domains.is_empty() {
        "No organisation domains were given or inferred.".to_string()
    } else {
        let how = match org.source {
            "given" => "given with --org-domain",
            "inferred" => "inferred from local deliveries",
            other => other,
        };
        let list: Vec<String> = org
            .domains
            .iter()
            .map(|d| format!("<code>{}</code>", escape::text(d)))
            .collect();
        format!(
            "Organisation domains ({}): {}.",
            escape::text(how),
            list.join(", ")
        )
    };
    format!(
        "<section id=\"definitions\" class=\"definitions\">\n<h2>Definitions</h2>\n<dl>\n\
         <dt>Leaked</dt><dd>The lookalike domain's server accepted the mail \
         (<code>status=sent</code>): it left and cannot be called back.</dd>\n\
         <dt>Attempted</dt><dd>Sent to a lookalike domain but bounced, expired or was \
         rejected: tried, not delivered.</dd>\n\
         <dt>Pending</dt><dd>Deferred, with no final outcome in the logs read.</dd>\n\
         <dt>Message</dt><dd>One queue ID on one host, counted once however many of its \
         recipients went astray; sizes are of leaked messages, each counted once.</dd>\n\
         <dt>Sticky recipient</dt><dd>A wrong address hit on at least {STICKY_MIN_DAYS} days \
         spanning at least {STICKY_MIN_SPAN_DAYS} days.</dd>\n\
         <dt>Still happening</dt><dd>The last leak is within {ACTIVE_DAYS} days of the end of \
         the logs.</dd>\n\
         </dl>\n<p>{org_line}</p>\n</section>\n"
    )
}

/// Inline because the CSP allows no other; system fonts only.
const STYLE: &str = "\
:root{color-scheme:light;--fg:#1d2433;--muted:#5b6475;--line:#d9dde5;--accent:#b3261e}
*{box-sizing:border-box}
body{margin:0;background:#f4f5f7;color:var(--fg);font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}
main{max-width:1200px;margin:0 auto;padding:24px 28px 48px;background:#fff;min-height:100vh}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:20px;margin:36px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:16px;margin:20px 0 6px}
code{font:13px/1.4 ui-monospace,'SFMono-Regular',Menlo,Consolas,monospace;background:#f0f2f5;padding:1px 4px;border-radius:3px;overflow-wrap:anywhere}
.meta,.intro,figcaption,.more,.note{color:var(--muted);font-size:13px}
.headline{font-size:21px;line-height:1.45;margin:18px 0 8px;padding:14px 18px;border-left:5px solid var(--accent);background:#fdf3f2}
.headline code{font-size:18px;background:#fff}
.banner{background:#fff4d6;border:1px solid #e8c766;padding:8px 12px;border-radius:4px}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(130px,1fr));gap:10px;margin:18px 0}
.figures div{border:1px solid var(--line);border-radius:6px;padding:8px 12px}
.figures dt{color:var(--muted);font-size:12px}
.figures dd{margin:0;font-size:20px;font-weight:600;font-variant-numeric:tabular-nums}
.definitions dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0 0 8px}
.definitions dt{font-weight:600}
.definitions dd{margin:0}
.chart{margin:0 0 24px}
.chart svg{display:block;width:100%;height:auto}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:#f7f8fa;font-weight:600;position:sticky;top:0;vertical-align:bottom}
th.num{white-space:normal}
td{overflow-wrap:break-word}
td code{white-space:nowrap}
.dates{white-space:nowrap;font-variant-numeric:tabular-nums}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tbody tr:nth-child(even){background:#fafbfc}
";
