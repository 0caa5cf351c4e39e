//! Horizontal bar charts: the top lookalike domains by leaked messages,
//! and misdirected deliveries per kind, with a count at the end of each bar.
//!
//! It counts distinct leaked messages per lookalike from the events; it
//! does not escape labels (plotters does, see `charts`).

use std::collections::{HashMap, HashSet};
use std::error::Error;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{DARK, FONT, LABEL_CHARS, LIGHT, MAX_BARS, WIDTH};
use crate::leak::{LeakReport, Outcome};
use crate::report::format;
use crate::report::html::escape;

/// Horizontal bars: one row per label, series overlaid in order (so a
/// smaller second series reads as a part of the first), and a note at the
/// end of each row. No legend: it would cover the notes of short charts,
/// so the figure caption names the series.
pub(super) struct Bars {
    labels: Vec<String>,
    series: Vec<(RGBColor, Vec<u64>)>,
    notes: Vec<String>,
    x_desc: &'static str,
}

pub(super) fn lookalike_data(report: &LeakReport) -> Option<Bars> {
    let mut messages: HashMap<(&str, &str), HashSet<u64>> = HashMap::new();
    for e in report
        .events
        .iter()
        .filter(|e| e.outcome == Outcome::Leaked)
    {
        messages
            .entry((&*e.lookalike, &*e.intended))
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
        series: vec![(DARK, rows.iter().map(|(_, n)| *n).collect())],
        x_desc: "leaked messages",
    })
}

/// The receiving servers with the most leaked messages, each labelled with
/// the number of lookalike domains it served.
pub(super) fn receiver_data(report: &LeakReport) -> Option<Bars> {
    let rows: Vec<_> = report.receivers.iter().take(MAX_BARS).collect();
    if rows.is_empty() {
        return None;
    }
    Some(Bars {
        labels: rows
            .iter()
            .map(|r| escape::shorten(&escape::visible(&r.receiver), LABEL_CHARS))
            .collect(),
        notes: rows
            .iter()
            .map(|r| {
                let n = r.lookalikes.len();
                format!(
                    "{} ({} lookalike{})",
                    format::count(r.messages_leaked),
                    n,
                    if n == 1 { "" } else { "s" }
                )
            })
            .collect(),
        series: vec![(DARK, rows.iter().map(|r| r.messages_leaked).collect())],
        x_desc: "leaked messages",
    })
}

pub(super) fn kind_data(report: &LeakReport) -> Option<Bars> {
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
            (LIGHT, rows.iter().map(|r| r.1).collect()),
            (DARK, rows.iter().map(|r| r.2.min(r.1)).collect()),
        ],
        x_desc: "misdirected deliveries",
    })
}

pub(super) fn draw(b: &Bars) -> Result<String, Box<dyn Error>> {
    let n = b.labels.len();
    let top = b
        .series
        .iter()
        .flat_map(|s| s.1.iter().copied())
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
    let label_area = (longest as u32 * 9 + 20).clamp(90, 400);
    let height = 110 + 34 * n as u32;
    let labels = &b.labels;
    let y_label = |v: &SegmentValue<u32>| match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => n
            .checked_sub(*i as usize)
            .and_then(|r| labels.get(r).cloned())
            .unwrap_or_default(),
        SegmentValue::Last => String::new(),
    };
    let x_label = |v: &u64| format::count(*v);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        // plotters' integer ranges include their end: 0..n is n + 1
        // segments; rows use 1..=n, segment 0 is a margin above the axis.
        let mut chart = ChartBuilder::on(&root)
            .margin(16)
            .x_label_area_size(56)
            .y_label_area_size(label_area)
            .build_cartesian_2d(0u64..x_max, (0..n as u32).into_segmented())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .bold_line_style(BLACK.mix(0.1))
            .y_labels(n + 1)
            .y_label_formatter(&y_label)
            .x_label_formatter(&x_label)
            .x_desc(b.x_desc)
            .label_style((FONT, 17))
            .axis_desc_style((FONT, 17))
            .draw()?;
        // Row r (0 = largest) is drawn at the top: segment n-r.
        let seg = |r: usize| (n - r) as u32;
        for (color, values) in &b.series {
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
            chart.draw_series(bars)?;
        }
        let style = TextStyle::from((FONT, 17).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
        let ends: Vec<u64> = (0..n)
            .map(|r| {
                b.series
                    .iter()
                    .filter_map(|s| s.1.get(r).copied())
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
        root.present()?;
    }
    Ok(svg)
}
