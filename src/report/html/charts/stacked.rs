//! The timeline chart: leaked messages per month as bars stacked by
//! intended domain, the largest few on their own and the rest as "other".
//!
//! It fills the months between the first and last leak so gaps show as
//! gaps; it does not escape labels (plotters does, see `charts`).

use std::collections::HashMap;
use std::error::Error;

use plotters::prelude::*;

use super::{FONT, GREY, LABEL_CHARS, PALETTE, TIMELINE_SERIES, WIDTH};
use crate::leak::LeakReport;
use crate::report::format;
use crate::report::html::escape;

/// Month labels and one series of per-month counts per drawn cluster.
pub(super) struct Stacked {
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

pub(super) fn timeline_data(report: &LeakReport) -> Option<Stacked> {
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

pub(super) fn draw(data: &Stacked) -> Result<String, Box<dyn Error>> {
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
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 460)).into_drawing_area();
        root.fill(&WHITE)?;
        // plotters' integer ranges include their end: 0..n is n + 1
        // segments, the last one an empty margin (0..n-1 breaks for n = 1).
        let mut chart = ChartBuilder::on(&root)
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(80)
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
            .label_style((FONT, 17))
            .axis_desc_style((FONT, 17))
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
            .label_font((FONT, 17))
            .draw()?;
        root.present()?;
    }
    Ok(svg)
}
