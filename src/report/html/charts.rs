//! The page's three charts, drawn by plotters into inline SVG strings:
//! leaked messages per month per cluster (stacked bars), the top lookalike
//! domains by leaked messages, and deliveries per kind.
//!
//! It derives the few numbers the charts need from the report (per-month
//! stacks, per-lookalike distinct messages) but does no layout of its own
//! beyond sizes. Labels are passed through [`escape::shorten`] only: the
//! plotters SVG backend escapes `<`, `>`, `&` and quotes in text and
//! attributes itself (tested in `tests.rs`), so escaping here would show
//! `&amp;lt;`. A drawing error becomes a "chart unavailable" note, never a
//! panic.

use std::collections::{HashMap, HashSet};
use std::error::Error;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{escape, format};
use crate::leak::{LeakReport, Outcome};

type Drawn = Result<Option<String>, Box<dyn Error>>;

const WIDTH: u32 = 960;
const FONT: &str = "sans-serif";
/// Clusters drawn on their own in the timeline; the rest are "other".
const TIMELINE_SERIES: usize = 6;
const MAX_BARS: usize = 15;
const LABEL_CHARS: usize = 40;

/// Tableau 10: distinct for the common kinds of colour blindness.
const PALETTE: [RGBColor; 9] = [
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
const GREY: RGBColor = RGBColor(0xba, 0xb0, 0xac);
const LIGHT: RGBColor = RGBColor(0xa0, 0xcb, 0xe8);
const DARK: RGBColor = RGBColor(0xe1, 0x57, 0x59);

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
        timeline_data(report).map_or(Ok(None), |d| draw_stacked(&d).map(Some)),
    )
}

/// Chart (b): the lookalike domains with the most leaked messages.
pub fn lookalikes(report: &LeakReport) -> String {
    let bars = lookalike_data(report);
    figure(
        "chart-lookalikes",
        "Top lookalike domains by leaked messages",
        "Distinct leaked messages per lookalike domain; the intended domain is in brackets.",
        "top lookalike domains by leaked messages",
        bars.map_or(Ok(None), |b| draw_hbars(&b).map(Some)),
    )
}

/// Chart (c): misdirected deliveries per kind of slip.
pub fn kinds(report: &LeakReport) -> String {
    let bars = kind_data(report);
    figure(
        "chart-kinds",
        "Misdirected deliveries by kind of slip",
        "All misdirected deliveries (light) and the leaked ones (dark), per kind.",
        "misdirected deliveries by kind",
        bars.map_or(Ok(None), |b| draw_hbars(&b).map(Some)),
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

/// Month labels and one series of per-month counts per drawn cluster.
struct Stacked {
    months: Vec<String>,
    series: Vec<(String, Vec<u64>)>,
    /// The last series is "other" (drawn grey).
    has_other: bool,
}

fn month_index(m: &str) -> Option<i64> {
    let (y, m) = m.split_once('-')?;
    let (y, m): (i64, i64) = (y.parse().ok()?, m.parse().ok()?);
    (1..=12).contains(&m).then_some(y * 12 + m - 1)
}

fn timeline_data(report: &LeakReport) -> Option<Stacked> {
    let rows: Vec<_> = report
        .timeline
        .iter()
        .filter(|r| r.leaked > 0)
        .filter_map(|r| Some((month_index(&r.month)?, r)))
        .collect();
    let first = rows.iter().map(|(i, _)| *i).min()?;
    let last = rows.iter().map(|(i, _)| *i).max()?;
    let months: Vec<String> = (first..=last)
        .map(|i| format!("{:04}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1))
        .collect();
    let mut totals: HashMap<&str, u64> = HashMap::new();
    for (_, r) in &rows {
        *totals.entry(r.intended.as_str()).or_default() += r.leaked;
    }
    let mut ranked: Vec<(&str, u64)> = totals.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let shown = if ranked.len() > TIMELINE_SERIES + 1 {
        TIMELINE_SERIES
    } else {
        ranked.len()
    };
    let slot: HashMap<&str, usize> = ranked
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (*n, i))
        .collect();
    let mut series: Vec<(String, Vec<u64>)> = ranked[..shown]
        .iter()
        .map(|(n, _)| (escape::shorten(n, LABEL_CHARS), vec![0; months.len()]))
        .collect();
    if shown < ranked.len() {
        let label = format!("other ({} domains)", ranked.len() - shown);
        series.push((label, vec![0; months.len()]));
    }
    for (i, r) in &rows {
        let s = slot[r.intended.as_str()].min(shown);
        series[s].1[(i - first) as usize] += r.leaked;
    }
    Some(Stacked {
        months,
        series,
        has_other: shown < ranked.len(),
    })
}

fn draw_stacked(data: &Stacked) -> Result<String, Box<dyn Error>> {
    let n = data.months.len();
    let top = (0..n)
        .map(|j| data.series.iter().map(|s| s.1[j]).sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    // Headroom above the tallest bar keeps the legend clear of the bars.
    let y_max = top + top * 2 / 5 + 1;
    let months = &data.months;
    let x_label = |v: &SegmentValue<u32>| match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
            months.get(*i as usize).cloned().unwrap_or_default()
        }
        SegmentValue::Last => String::new(),
    };
    let y_label = |v: &u64| format::count(*v);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 420)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(16)
            .x_label_area_size(36)
            .y_label_area_size(64)
            .build_cartesian_2d((0..n as u32).into_segmented(), 0u64..y_max)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .bold_line_style(BLACK.mix(0.1))
            .x_labels(n.min(12))
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .y_desc("leaked messages")
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 14))
            .draw()?;
        let gap = if n > 36 { 0 } else { 2 };
        let mut base = vec![0u64; n];
        for (k, (name, values)) in data.series.iter().enumerate() {
            let color = if data.has_other && k + 1 == data.series.len() {
                GREY
            } else {
                PALETTE[k % PALETTE.len()]
            };
            let mut bars = Vec::new();
            for (j, v) in values.iter().enumerate().filter(|(_, v)| **v > 0) {
                let x = j as u32;
                let mut r = Rectangle::new(
                    [
                        (SegmentValue::Exact(x), base[j]),
                        (SegmentValue::Exact(x + 1), base[j] + v),
                    ],
                    color.filled(),
                );
                r.set_margin(0, 0, gap, gap);
                base[j] += v;
                bars.push(r);
            }
            chart
                .draw_series(bars)?
                .label(name.as_str())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled())
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.3))
            .label_font((FONT, 14))
            .draw()?;
        root.present()?;
    }
    Ok(svg)
}

/// Horizontal bars: one row per label, series overlaid in order (so a
/// smaller second series reads as a part of the first), and a note at the
/// end of each row.
struct Bars {
    labels: Vec<String>,
    series: Vec<(&'static str, RGBColor, Vec<u64>)>,
    notes: Vec<String>,
    x_desc: &'static str,
}

fn lookalike_data(report: &LeakReport) -> Option<Bars> {
    let mut messages: HashMap<(&str, &str), HashSet<u64>> = HashMap::new();
    for e in report
        .events
        .iter()
        .filter(|e| e.outcome == Outcome::Leaked)
    {
        messages
            .entry((e.lookalike.as_str(), e.intended.as_str()))
            .or_default()
            .insert(e.message_key);
    }
    let mut rows: Vec<((&str, &str), u64)> = messages
        .into_iter()
        .map(|(k, v)| (k, v.len() as u64))
        .collect();
    if rows.is_empty() {
        return None;
    }
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows.truncate(MAX_BARS);
    let label = |(l, i): (&str, &str)| {
        escape::shorten(
            &format!("{} ({})", escape::visible(l), escape::visible(i)),
            LABEL_CHARS,
        )
    };
    Some(Bars {
        labels: rows.iter().map(|(k, _)| label(*k)).collect(),
        notes: rows.iter().map(|(_, n)| format::count(*n)).collect(),
        series: vec![(
            "leaked messages",
            DARK,
            rows.iter().map(|(_, n)| *n).collect(),
        )],
        x_desc: "leaked messages",
    })
}

fn kind_data(report: &LeakReport) -> Option<Bars> {
    let mut rows: Vec<&(String, u64, u64)> =
        report.kinds.iter().filter(|(_, d, _)| *d > 0).collect();
    if rows.is_empty() {
        return None;
    }
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    rows.truncate(MAX_BARS);
    Some(Bars {
        labels: rows
            .iter()
            .map(|r| escape::shorten(&r.0, LABEL_CHARS))
            .collect(),
        notes: rows
            .iter()
            .map(|r| format!("{} of {} leaked", format::count(r.2), format::count(r.1)))
            .collect(),
        series: vec![
            ("all deliveries", LIGHT, rows.iter().map(|r| r.1).collect()),
            (
                "leaked deliveries",
                DARK,
                rows.iter().map(|r| r.2.min(r.1)).collect(),
            ),
        ],
        x_desc: "misdirected deliveries",
    })
}

fn draw_hbars(b: &Bars) -> Result<String, Box<dyn Error>> {
    let n = b.labels.len();
    let top = b
        .series
        .iter()
        .flat_map(|s| s.2.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    // Room right of the longest bar for its note.
    let x_max = top + top / 4 + 1;
    let longest = b
        .labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    let label_area = (longest as u32 * 8 + 16).clamp(80, 340);
    let height = 90 + 30 * n as u32 + if b.series.len() > 1 { 30 } else { 0 };
    let labels = &b.labels;
    let y_label = |v: &SegmentValue<u32>| match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => (*i as usize)
            .checked_add(1)
            .and_then(|i| n.checked_sub(i))
            .and_then(|r| labels.get(r).cloned())
            .unwrap_or_default(),
        SegmentValue::Last => String::new(),
    };
    let x_label = |v: &u64| format::count(*v);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(label_area)
            .build_cartesian_2d(0u64..x_max, (0..n as u32).into_segmented())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .bold_line_style(BLACK.mix(0.1))
            .y_labels(n)
            .y_label_formatter(&y_label)
            .x_label_formatter(&x_label)
            .x_desc(b.x_desc)
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 14))
            .draw()?;
        // Row r (0 = largest) is drawn at the top: segment n-1-r.
        let seg = |r: usize| (n - 1 - r) as u32;
        for (name, color, values) in &b.series {
            let color = *color;
            let bars = values.iter().enumerate().map(|(r, v)| {
                let mut rect = Rectangle::new(
                    [
                        (0, SegmentValue::Exact(seg(r))),
                        (*v, SegmentValue::Exact(seg(r) + 1)),
                    ],
                    color.filled(),
                );
                rect.set_margin(5, 5, 0, 0);
                rect
            });
            chart.draw_series(bars)?.label(*name).legend(move |(x, y)| {
                Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled())
            });
        }
        let style = TextStyle::from((FONT, 14).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
        let ends: Vec<u64> = (0..n)
            .map(|r| {
                b.series
                    .iter()
                    .filter_map(|s| s.2.get(r).copied())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        chart.draw_series(b.notes.iter().enumerate().map(|(r, note)| {
            Text::new(
                format!("  {note}"),
                (ends[r], SegmentValue::CenterOf(seg(r))),
                style.clone(),
            )
        }))?;
        if b.series.len() > 1 {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::LowerRight)
                .background_style(WHITE.mix(0.9))
                .border_style(BLACK.mix(0.3))
                .label_font((FONT, 14))
                .draw()?;
        }
        root.present()?;
    }
    Ok(svg)
}
