//! The page's charts, drawn by plotters into inline SVG strings:
//! leaked messages per month per cluster (stacked bars), the top lookalike
//! domains by leaked messages, deliveries per kind, and the receiving
//! servers by leaked messages.
//!
//! It derives the few numbers the charts need from the report (per-month
//! stacks, per-lookalike distinct messages) but does no layout of its own
//! beyond sizes. Labels are passed through [`escape::shorten`] only: the
//! plotters SVG backend escapes `<`, `>`, `&` and quotes in text and
//! attributes itself (tested in `html/tests.rs`), so escaping here would show
//! `&amp;lt;`. A drawing error becomes a "chart unavailable" note, never a
//! panic.
//!
//! Submodules: `stacked` (the timeline), `bars` (horizontal bar charts).

mod bars;
mod stacked;

use std::error::Error;

use plotters::style::RGBColor;

use super::escape;
use crate::leak::LeakReport;

type Drawn = Result<Option<String>, Box<dyn Error>>;

pub(super) const WIDTH: u32 = 1100;
pub(super) const FONT: &str = "sans-serif";
/// Clusters drawn on their own in the timeline; the rest are "other".
pub(super) const TIMELINE_SERIES: usize = 6;
pub(super) const MAX_BARS: usize = 15;
pub(super) const LABEL_CHARS: usize = 40;

/// Tableau 10: distinct for the common kinds of colour blindness.
pub(super) const PALETTE: [RGBColor; 9] = [
    RGBColor(0x4e, 0x79, 0xa7),
    RGBColor(0xf2, 0x8e, 0x2b),
    RGBColor(0xe1, 0x57, 0x59),
    RGBColor(0x76, 0xb7, 0xb2),
    RGBColor(0x59, 0xa1, 0x4f),
    RGBColor(0xed, 0xc9, 0x48),
    RGBColor(0xb0, 0x7a, 0xa1),
    RGBColor(0xff, 0x9d, 0xa7),
    RGBColor(0x9c, 0x75, 0x5f),
];
pub(super) const GREY: RGBColor = RGBColor(0xba, 0xb0, 0xac);
pub(super) const LIGHT: RGBColor = RGBColor(0xa0, 0xcb, 0xe8);
pub(super) const DARK: RGBColor = RGBColor(0xe1, 0x57, 0x59);

/// Chart (a): leaked messages per month, stacked by cluster.
pub fn timeline(report: &LeakReport) -> String {
    figure(
        "chart-timeline",
        "Leaked messages per month",
        &format!(
            "Stacked by intended domain; the {TIMELINE_SERIES} largest are shown on their own, \
             the rest as \u{201c}other\u{201d}. Months are UTC."
        ),
        "leaked messages per month per intended domain",
        stacked::timeline_data(report).map_or(Ok(None), |d| stacked::draw(&d).map(Some)),
    )
}

/// Chart (b): the lookalike domains with the most leaked messages.
pub fn lookalikes(report: &LeakReport) -> String {
    let bars = bars::lookalike_data(report);
    figure(
        "chart-lookalikes",
        "Top lookalike domains by leaked messages",
        "Distinct leaked messages per lookalike domain; the intended domain is in brackets.",
        "top lookalike domains by leaked messages",
        bars.map_or(Ok(None), |b| bars::draw(&b).map(Some)),
    )
}

/// The receiving servers with the most leaked messages.
pub fn receivers(report: &LeakReport) -> String {
    let bars = bars::receiver_data(report);
    figure(
        "chart-receivers",
        "Top receiving servers by leaked messages",
        "Distinct leaked messages accepted by each server, with the number of lookalike domains it received for.",
        "top receiving servers by leaked messages",
        bars.map_or(Ok(None), |b| bars::draw(&b).map(Some)),
    )
}

/// Chart (c): misdirected deliveries per kind of slip.
pub fn kinds(report: &LeakReport) -> String {
    let bars = bars::kind_data(report);
    figure(
        "chart-kinds",
        "Misdirected deliveries by kind of slip",
        "All misdirected deliveries (light) and the leaked ones (dark), per kind.",
        "misdirected deliveries by kind",
        bars.map_or(Ok(None), |b| bars::draw(&b).map(Some)),
    )
}

fn figure(id: &str, title: &str, caption: &str, aria: &str, drawn: Drawn) -> String {
    let body = match drawn {
        Ok(Some(svg)) => tidy_svg(&svg, aria),
        Ok(None) => "<p class=\"note\">Nothing to chart: no leaked messages.</p>".to_string(),
        Err(e) => format!(
            "<p class=\"note\">Chart unavailable: {}</p>",
            escape::text(&e.to_string())
        ),
    };
    format!(
        "<figure id=\"{id}\" class=\"chart\">\n<h3>{}</h3>\n{body}\n<figcaption>{}</figcaption>\n</figure>\n",
        escape::text(title),
        escape::text(caption)
    )
}

/// Drops the namespace URL (inline SVG in HTML does not need it, and the
/// page then names no URL at all) and labels the image for screen readers.
fn tidy_svg(svg: &str, aria: &str) -> String {
    let svg = svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
    svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{}\" ", escape::text(aria)),
        1,
    )
}
