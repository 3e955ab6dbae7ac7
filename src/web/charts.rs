//! The dashboard's charts, drawn as SVG on the server, each with a title and description for
//! screen readers and a table of the numbers it draws.
//!
//! Why a small module of our own and not a plotting crate: a chart here must follow the
//! reader's colour scheme and print in black on white, which needs its marks to carry CSS
//! classes the stylesheet can recolour. Plotting crates (plotters' SVG backend included)
//! write a fixed colour into every element and know nothing of `<title>`/`<desc>` or
//! `aria-*`, so we would have drawn each chart twice and patched its markup afterwards. The
//! four chart shapes we need (lines, a heat map, stacked and grouped bars) are a few hundred
//! lines with tests; every text that reaches the markup is escaped.
//!
//! Every mark carries both a class (for the page's stylesheet: light, dark, print) and a
//! presentation attribute (for the SVG opened on its own), since CSS beats the attribute.

use std::fmt::Write;

use jiff::civil::Date;

use crate::domain::PersonId;
use crate::domain::checkin::{Feeling, Trust};
use crate::domain::space::SpaceState;
use crate::domain::trends::{CHARTED, Trends, count_of};

/// The names a chart is asked for by, e.g. in `/spaces/{id}/charts/{name}.svg`.
pub const NAMES: [&str; 6] = [
    "trust-1",
    "trust-2",
    "feelings-1",
    "feelings-2",
    "promises",
    "together",
];

/// One chart with everything shown beside it.
#[derive(Debug, Clone)]
pub struct Chart {
    pub name: &'static str,
    pub title: String,
    pub description: String,
    /// The SVG markup, every text in it escaped.
    pub svg: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Said instead of the table when there is nothing to show.
    pub empty: Option<String>,
}

const W: f64 = 640.0;
const H: f64 = 220.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 34.0;
const RIGHT: f64 = 12.0;

/// Escapes text for SVG/HTML element content and attribute values.
pub fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A partner's display name; "A partner" for anyone the space does not know.
pub(super) fn name_of(state: &SpaceState, person: PersonId) -> String {
    state
        .partners
        .iter()
        .find(|p| p.person == person)
        .map_or_else(|| "A partner".to_owned(), |p| p.display_name.clone())
}

fn other_name(state: &SpaceState, person: PersonId) -> String {
    state
        .partner_of(person)
        .map_or_else(|| "their partner".to_owned(), |p| p.display_name.clone())
}

/// "2 Mar 2026".
fn day_label(d: Date) -> String {
    d.strftime("%-d %b %Y").to_string()
}

/// "2 Mar".
fn short_label(d: Date) -> String {
    d.strftime("%-d %b").to_string()
}

/// The opening of a chart's SVG: its accessible name and description, and a background.
fn open(out: &mut String, name: &str, title: &str, desc: &str, height: f64) {
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {W} {height}" role="img" aria-labelledby="chart-{name}-title chart-{name}-desc"><title id="chart-{name}-title">{}</title><desc id="chart-{name}-desc">{}</desc><rect class="chart-bg" x="0" y="0" width="{W}" height="{height}" fill="#ffffff"/>"##,
        escape(title),
        escape(desc)
    );
}

/// Horizontal grid lines and their labels, for values from 0 to `max`.
fn y_axis(out: &mut String, left: f64, max: f64, ticks: &[f64]) {
    let plot_h = H - TOP - BOTTOM;
    for &t in ticks {
        let y = TOP + plot_h * (1.0 - t / max);
        let _ = write!(
            out,
            r##"<line class="grid" x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#d4d0c8"/><text class="axis" x="{}" y="{:.1}" text-anchor="end" fill="#3d3a33" font-size="11">{t}</text>"##,
            W - RIGHT,
            left - 6.0,
            y + 4.0
        );
    }
}

/// Week labels along the bottom, at most about seven of them.
fn x_labels(out: &mut String, weeks: &[Date], x_of: impl Fn(usize) -> f64) {
    let step = weeks.len().div_ceil(7).max(1);
    for (i, w) in weeks.iter().enumerate().step_by(step) {
        let _ = write!(
            out,
            r##"<text class="axis" x="{:.1}" y="{}" text-anchor="middle" fill="#3d3a33" font-size="11">{}</text>"##,
            x_of(i),
            H - BOTTOM + 16.0,
            escape(&short_label(*w))
        );
    }
}

/// A legend line at the bottom: a swatch and a label per series.
fn legend(out: &mut String, y: f64, items: &[(&str, &str, &str)]) {
    let mut x = 40.0;
    for (class, colour, label) in items {
        let _ = write!(
            out,
            r##"<rect class="{class}" x="{x}" y="{}" width="12" height="12" fill="{colour}" stroke="{colour}"/><text class="axis" x="{}" y="{y}" fill="#3d3a33" font-size="12">{}</text>"##,
            y - 10.0,
            x + 16.0,
            escape(label)
        );
        x += 24.0 + 7.0 * label.chars().count() as f64;
    }
}

/// A round maximum for a bar chart's scale, and its ticks.
fn scale(max: usize) -> (f64, Vec<f64>) {
    let max = max.max(1);
    let step = match max {
        0..=5 => 1,
        6..=10 => 2,
        11..=25 => 5,
        26..=50 => 10,
        _ => max.div_ceil(50) * 10,
    };
    let top = max.div_ceil(step) * step;
    let ticks = (0..=top / step).map(|i| (i * step) as f64).collect();
    (top as f64, ticks)
}

// ---- trust -------------------------------------------------------------------------------

const DIMENSIONS: [(&str, &str, &str); 3] = [
    ("s1", "#1f5f8b", "Predictability"),
    ("s2", "#8b4a1f", "Dependability"),
    ("s3", "#4b6b1f", "Faith"),
];

/// How much one partner trusts the other on each dimension, per revealed check-in.
pub fn trust(state: &SpaceState, trends: &Trends, which: usize) -> Option<Chart> {
    let line = trends.trust.get(which)?;
    let name = NAMES[which];
    let who = name_of(state, line.person);
    let whom = other_name(state, line.person);
    let title = format!("How much {who} trusts {whom}");
    let description = if line.points.is_empty() {
        format!(
            "No check-ins from {who} were revealed between {} and {}.",
            day_label(trends.range.from),
            day_label(trends.range.to)
        )
    } else {
        let first = line.points.first().map(|p| p.1);
        let last = line.points.last().map(|p| p.1);
        format!(
            "{who}'s trust in {whom}, 0 to 10, in {} revealed check-ins from {} to {}. {}",
            line.points.len(),
            day_label(trends.range.from),
            day_label(trends.range.to),
            match (first, last) {
                (Some(a), Some(b)) => format!(
                    "From the first to the last: predictability {} to {}, dependability {} to {}, faith {} to {}.",
                    a.predictability.get(),
                    b.predictability.get(),
                    a.dependability.get(),
                    b.dependability.get(),
                    a.faith.get(),
                    b.faith.get()
                ),
                _ => String::new(),
            }
        )
    };
    let mut svg = String::new();
    let height = H + 22.0;
    open(&mut svg, name, &title, &description, height);
    let left = 34.0;
    y_axis(&mut svg, left, 10.0, &[0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
    let first_day = trends.range.from;
    let span = f64::from(
        first_day
            .until(trends.range.to)
            .map_or(0, |s| s.get_days())
            .max(1),
    );
    let plot_w = W - left - RIGHT;
    let x_of_date =
        |d: Date| left + plot_w * f64::from(first_day.until(d).map_or(0, |s| s.get_days())) / span;
    let plot_h = H - TOP - BOTTOM;
    let y_of = |v: u8| TOP + plot_h * (1.0 - f64::from(v) / 10.0);
    let level = |t: &Trust, i: usize| match i {
        0 => t.predictability.get(),
        1 => t.dependability.get(),
        _ => t.faith.get(),
    };
    for (i, (class, colour, _)) in DIMENSIONS.iter().enumerate() {
        let points: Vec<(f64, f64)> = line
            .points
            .iter()
            .map(|(d, t)| (x_of_date((*d).max(first_day)), y_of(level(t, i))))
            .collect();
        let dash = [
            "",
            r#" stroke-dasharray="6 4""#,
            r#" stroke-dasharray="2 3""#,
        ][i];
        if points.len() > 1 {
            let _ = write!(
                svg,
                r#"<polyline class="line {class}" points="{}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>"#,
                points
                    .iter()
                    .map(|(x, y)| format!("{x:.1},{y:.1}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
        for (x, y) in &points {
            let _ = write!(
                svg,
                r#"<circle class="dot {class}" cx="{x:.1}" cy="{y:.1}" r="2.5" fill="{colour}"/>"#
            );
        }
    }
    x_labels(&mut svg, &trends.weeks, |i| {
        trends
            .weeks
            .get(i)
            .map_or(left, |d| x_of_date(*d).max(left))
    });
    legend(
        &mut svg,
        H + 14.0,
        &DIMENSIONS.map(|(c, col, l)| (c, col, l)),
    );
    svg.push_str("</svg>");
    let rows: Vec<Vec<String>> = line
        .points
        .iter()
        .map(|(d, t)| {
            vec![
                day_label(*d),
                t.predictability.get().to_string(),
                t.dependability.get().to_string(),
                t.faith.get().to_string(),
            ]
        })
        .collect();
    Some(Chart {
        name,
        empty: rows
            .is_empty()
            .then(|| "No revealed check-ins in this range.".to_owned()),
        title,
        description,
        svg,
        headers: ["Check-in of", "Predictability", "Dependability", "Faith"]
            .map(str::to_owned)
            .to_vec(),
        rows,
    })
}

// ---- feelings ----------------------------------------------------------------------------

/// One partner's feelings by week, as a heat map of the strongest intensity named.
pub fn feelings(state: &SpaceState, trends: &Trends, which: usize) -> Option<Chart> {
    let grid = trends.feelings.get(which)?;
    let name = NAMES[2 + which];
    let who = name_of(state, grid.person);
    let named = grid.named();
    let title = format!("{who}'s feelings by week");
    let description = if named.is_empty() {
        format!(
            "{who} named no feelings in a revealed check-in between {} and {}.",
            day_label(trends.range.from),
            day_label(trends.range.to)
        )
    } else {
        format!(
            "For each week from {} to {}, how strongly (1 to 5) {who} named each feeling in a revealed check-in; darker is stronger, an empty cell means not named. Feelings named: {}.",
            day_label(trends.range.from),
            day_label(trends.range.to),
            named
                .iter()
                .map(|(_, f)| f.label().to_lowercase())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let left = 96.0;
    let row_h = 16.0;
    let height = (TOP + row_h * named.len().max(1) as f64 + BOTTOM + 22.0).max(90.0);
    let mut svg = String::new();
    open(&mut svg, name, &title, &description, height);
    let weeks = grid.weeks.len().max(1);
    let cell_w = (W - left - RIGHT) / weeks as f64;
    const SHADES: [&str; 5] = ["#e8dcc0", "#d4b877", "#b88d2e", "#8a6414", "#553b05"];
    for (row, (i, feeling)) in named.iter().enumerate() {
        let y = TOP + row_h * row as f64;
        let _ = write!(
            svg,
            r##"<text class="axis" x="{}" y="{:.1}" text-anchor="end" fill="#3d3a33" font-size="11">{}</text>"##,
            left - 6.0,
            y + 12.0,
            escape(feeling.label())
        );
        for (w, cells) in grid.weeks.iter().enumerate() {
            let x = left + cell_w * w as f64;
            match cells[*i] {
                Some(n) => {
                    let shade = SHADES[usize::from(n.clamp(1, 5)) - 1];
                    let _ = write!(
                        svg,
                        r#"<rect class="heat h{n}" x="{x:.1}" y="{y:.1}" width="{:.1}" height="{}" fill="{shade}"/>"#,
                        (cell_w - 1.0).max(0.5),
                        row_h - 2.0
                    );
                }
                None => {
                    let _ = write!(
                        svg,
                        r##"<rect class="heat h0" x="{x:.1}" y="{y:.1}" width="{:.1}" height="{}" fill="#f4f1ea"/>"##,
                        (cell_w - 1.0).max(0.5),
                        row_h - 2.0
                    );
                }
            }
        }
    }
    let bottom = TOP + row_h * named.len().max(1) as f64;
    for (i, w) in trends
        .weeks
        .iter()
        .enumerate()
        .step_by(weeks.div_ceil(7).max(1))
    {
        let _ = write!(
            svg,
            r##"<text class="axis" x="{:.1}" y="{:.1}" text-anchor="start" fill="#3d3a33" font-size="11">{}</text>"##,
            left + cell_w * i as f64,
            bottom + 14.0,
            escape(&short_label(*w))
        );
    }
    let swatches: Vec<(String, &str, String)> = (1..=5)
        .map(|n| (format!("heat h{n}"), SHADES[n - 1], format!("{n}")))
        .collect();
    let items: Vec<(&str, &str, &str)> = swatches
        .iter()
        .map(|(c, col, l)| (c.as_str(), *col, l.as_str()))
        .collect();
    legend(&mut svg, height - 8.0, &items);
    svg.push_str("</svg>");
    let rows: Vec<Vec<String>> = trends
        .weeks
        .iter()
        .zip(&grid.weeks)
        .filter(|(_, cells)| cells.iter().any(Option::is_some))
        .map(|(w, cells)| {
            let felt: Vec<String> = Feeling::ALL
                .iter()
                .zip(cells)
                .filter_map(|(f, n)| n.map(|n| format!("{} {n}", f.label())))
                .collect();
            vec![day_label(*w), felt.join(", ")]
        })
        .collect();
    Some(Chart {
        name,
        empty: rows
            .is_empty()
            .then(|| "No feelings named in this range.".to_owned()),
        title,
        description,
        svg,
        headers: vec![
            "Week of".to_owned(),
            "Feelings (strongest, of 5)".to_owned(),
        ],
        rows,
    })
}

// ---- bars --------------------------------------------------------------------------------

/// Where a bar chart's plot begins, after its value labels.
const BAR_LEFT: f64 = 34.0;

/// What both bar charts share: the opening (with room for the legend), a round scale for
/// `max` with its axis, and the width of one week's slot. Returns (top of scale, slot).
fn bar_frame(
    svg: &mut String,
    name: &str,
    title: &str,
    description: &str,
    max: usize,
    weeks: usize,
) -> (f64, f64) {
    let (top, ticks) = scale(max);
    open(svg, name, title, description, H + 22.0);
    y_axis(svg, BAR_LEFT, top, &ticks);
    (top, (W - BAR_LEFT - RIGHT) / weeks.max(1) as f64)
}

const OUTCOMES: [(&str, &str); 5] = [
    ("o1", "#2f6f4f"),
    ("o2", "#b3472d"),
    ("o3", "#8a5a00"),
    ("o4", "#3b5b9a"),
    ("o5", "#8c877d"),
];

/// Promise occurrences per week, stacked by where they stand.
pub fn promises(trends: &Trends) -> Chart {
    let name = NAMES[4];
    let title = "Promises per week".to_owned();
    let totals: Vec<[usize; 5]> = trends
        .promises
        .iter()
        .map(|c| CHARTED.map(|(s, _)| count_of(c, s)))
        .collect();
    let sum = |i: usize| totals.iter().map(|t| t[i]).sum::<usize>();
    let description = format!(
        "Promise occurrences due each week from {} to {}, stacked by how they stand: {}.",
        day_label(trends.range.from),
        day_label(trends.range.to),
        CHARTED
            .iter()
            .enumerate()
            .map(|(i, (_, label))| format!("{} {}", sum(i), label.to_lowercase()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let max = totals.iter().map(|t| t.iter().sum()).max().unwrap_or(0);
    let mut svg = String::new();
    let (top, slot) = bar_frame(&mut svg, name, &title, &description, max, totals.len());
    let (left, plot_h) = (BAR_LEFT, H - TOP - BOTTOM);
    for (w, week) in totals.iter().enumerate() {
        let mut base = 0usize;
        for (i, n) in week.iter().enumerate() {
            if *n == 0 {
                continue;
            }
            let (class, colour) = OUTCOMES[i];
            let y = TOP + plot_h * (1.0 - (base + n) as f64 / top);
            let h = plot_h * *n as f64 / top;
            let _ = write!(
                svg,
                r#"<rect class="bar {class}" x="{:.1}" y="{y:.1}" width="{:.1}" height="{h:.1}" fill="{colour}"/>"#,
                left + slot * w as f64 + slot * 0.1,
                slot * 0.8
            );
            base += n;
        }
    }
    x_labels(&mut svg, &trends.weeks, |i| {
        left + slot * i as f64 + slot / 2.0
    });
    let items: Vec<(&str, &str, &str)> = OUTCOMES
        .iter()
        .zip(CHARTED.iter())
        .map(|((c, col), (_, l))| (*c, *col, *l))
        .collect();
    legend(&mut svg, H + 14.0, &items);
    svg.push_str("</svg>");
    let rows: Vec<Vec<String>> = trends
        .weeks
        .iter()
        .zip(&totals)
        .filter(|(_, t)| t.iter().any(|n| *n > 0))
        .map(|(w, t)| {
            std::iter::once(day_label(*w))
                .chain(t.iter().map(ToString::to_string))
                .collect()
        })
        .collect();
    let mut headers = vec!["Week of".to_owned()];
    headers.extend(CHARTED.iter().map(|(_, l)| (*l).to_owned()));
    Chart {
        name,
        empty: rows
            .is_empty()
            .then(|| "No promise fell due in this range.".to_owned()),
        title,
        description,
        svg,
        headers,
        rows,
    }
}

/// Moments together and appreciations per week, side by side.
pub fn together(trends: &Trends) -> Chart {
    let name = NAMES[5];
    let title = "Time together and appreciations per week".to_owned();
    let (moments, thanks): (usize, usize) = trends.together.iter().fold((0, 0), |(m, a), t| {
        (m + t.time_together, a + t.appreciations)
    });
    let description = format!(
        "For each week from {} to {}: moments together that happened, and appreciations written. In all, {moments} moments together and {thanks} appreciations.",
        day_label(trends.range.from),
        day_label(trends.range.to)
    );
    let max = trends
        .together
        .iter()
        .map(|t| t.time_together.max(t.appreciations))
        .max()
        .unwrap_or(0);
    let mut svg = String::new();
    let weeks = trends.together.len();
    let (top, slot) = bar_frame(&mut svg, name, &title, &description, max, weeks);
    let (left, plot_h) = (BAR_LEFT, H - TOP - BOTTOM);
    let series = [("t1", "#6b3f8b"), ("t2", "#b8860b")];
    for (w, week) in trends.together.iter().enumerate() {
        for (i, n) in [week.time_together, week.appreciations].iter().enumerate() {
            if *n == 0 {
                continue;
            }
            let (class, colour) = series[i];
            let h = plot_h * *n as f64 / top;
            let _ = write!(
                svg,
                r#"<rect class="bar {class}" x="{:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="{colour}"/>"#,
                left + slot * w as f64 + slot * (0.1 + 0.4 * i as f64),
                TOP + plot_h - h,
                slot * 0.4
            );
        }
    }
    x_labels(&mut svg, &trends.weeks, |i| {
        left + slot * i as f64 + slot / 2.0
    });
    legend(
        &mut svg,
        H + 14.0,
        &[
            ("t1", "#6b3f8b", "Time together"),
            ("t2", "#b8860b", "Appreciations"),
        ],
    );
    svg.push_str("</svg>");
    let rows: Vec<Vec<String>> = trends
        .weeks
        .iter()
        .zip(&trends.together)
        .filter(|(_, t)| t.time_together + t.appreciations > 0)
        .map(|(w, t)| {
            vec![
                day_label(*w),
                t.time_together.to_string(),
                t.appreciations.to_string(),
            ]
        })
        .collect();
    Chart {
        name,
        empty: rows
            .is_empty()
            .then(|| "No time together or appreciations in this range.".to_owned()),
        title,
        description,
        svg,
        headers: ["Week of", "Time together", "Appreciations"]
            .map(str::to_owned)
            .to_vec(),
        rows,
    }
}

/// Every chart of a space, in the order the dashboard shows them.
pub fn all(state: &SpaceState, trends: &Trends) -> Vec<Chart> {
    NAMES
        .iter()
        .filter_map(|name| by_name(state, trends, name))
        .collect()
}

/// One chart by its name; `None` for a name we do not draw (or a partner not yet joined).
pub fn by_name(state: &SpaceState, trends: &Trends, name: &str) -> Option<Chart> {
    match name {
        "trust-1" => trust(state, trends, 0),
        "trust-2" => trust(state, trends, 1),
        "feelings-1" => feelings(state, trends, 0),
        "feelings-2" => feelings(state, trends, 1),
        "promises" => Some(promises(trends)),
        "together" => Some(together(trends)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::checkin::{Trust, TrustLevel};
    use crate::domain::promises::Counts;
    use crate::domain::space::Partner;
    use crate::domain::trends::{FeelingGrid, Range, TogetherWeek, TrustLine};
    use crate::domain::{PersonId, SpaceId};
    use jiff::civil::date;

    fn couple(names: &[&str]) -> SpaceState {
        let mut state = SpaceState::empty(SpaceId::random());
        for name in names {
            state.partners.push(Partner {
                person: PersonId::random(),
                display_name: (*name).to_owned(),
                joined_at_us: 0,
            });
        }
        state
    }

    fn levels(p: u8, d: u8, f: u8) -> Trust {
        let level = |n| TrustLevel::try_from(n).expect("0 to 10");
        Trust {
            predictability: level(p),
            dependability: level(d),
            faith: level(f),
        }
    }

    /// Three weeks from Monday 2 March 2026, with something in each series.
    fn trends(state: &SpaceState) -> Trends {
        let range = Range {
            from: date(2026, 3, 2),
            to: date(2026, 3, 22),
        };
        let people: Vec<PersonId> = state.partners.iter().map(|p| p.person).collect();
        let mut grid = [None; Feeling::ALL.len()];
        grid[4] = Some(5); // anxiety
        Trends {
            range,
            weeks: range.weeks(),
            trust: people
                .iter()
                .map(|&person| TrustLine {
                    person,
                    points: vec![
                        (date(2026, 3, 2), levels(2, 3, 4)),
                        (date(2026, 3, 9), levels(3, 3, 5)),
                    ],
                })
                .collect(),
            feelings: people
                .iter()
                .map(|&person| FeelingGrid {
                    person,
                    weeks: vec![grid, [None; Feeling::ALL.len()], grid],
                })
                .collect(),
            promises: vec![
                Counts {
                    kept: 4,
                    ..Counts::default()
                },
                Counts {
                    kept: 2,
                    missed: 1,
                    not_reported: 1,
                    ..Counts::default()
                },
                Counts::default(),
            ],
            promises_by: Vec::new(),
            together: vec![
                TogetherWeek {
                    time_together: 1,
                    appreciations: 5,
                },
                TogetherWeek::default(),
                TogetherWeek::default(),
            ],
        }
    }

    #[test]
    fn a_display_name_reaches_the_chart_escaped() {
        let state = couple(&["<script>alert(1)</script>", "Alex"]);
        let chart = trust(&state, &trends(&state), 0).expect("a trust chart");
        assert!(!chart.svg.contains("<script>"), "{}", chart.svg);
        assert!(
            chart
                .svg
                .contains("&lt;script&gt;alert(1)&lt;/script&gt; trusts Alex")
        );
    }

    #[test]
    fn trust_draws_a_point_per_check_in_and_dimension_with_the_numbers_beside_it() {
        let state = couple(&["Sam", "Alex"]);
        let chart = trust(&state, &trends(&state), 1).expect("a trust chart");
        assert_eq!(chart.title, "How much Alex trusts Sam");
        assert_eq!(chart.svg.matches("<circle").count(), 6);
        assert_eq!(chart.svg.matches("<polyline").count(), 3);
        assert!(chart.svg.contains(r#"role="img""#) && chart.svg.contains("<desc id="));
        assert_eq!(chart.rows[1], ["9 Mar 2026", "3", "3", "5"]);
        assert!(chart.description.contains("predictability 2 to 3"));
        assert!(chart.empty.is_none());
    }

    #[test]
    fn the_heat_map_has_a_row_per_feeling_named_and_a_cell_per_week() {
        let state = couple(&["Sam", "Alex"]);
        let chart = feelings(&state, &trends(&state), 0).expect("a heat map");
        // One row (anxiety) of three weeks, plus five legend swatches.
        assert_eq!(chart.svg.matches(r#"class="heat h5""#).count(), 2 + 1);
        assert_eq!(chart.svg.matches(r#"class="heat h0""#).count(), 1);
        assert_eq!(chart.rows.len(), 2, "weeks with nothing named are left out");
        assert_eq!(chart.rows[0][1], "Anxiety 5");
    }

    #[test]
    fn promise_bars_stack_to_their_week_s_total_on_a_round_scale() {
        let state = couple(&["Sam", "Alex"]);
        let chart = promises(&trends(&state));
        // Week 1: kept; week 2: kept, missed, not reported; week 3: nothing.
        assert_eq!(chart.svg.matches(r#"class="bar o1""#).count(), 2);
        assert_eq!(chart.svg.matches(r#"class="bar o2""#).count(), 1);
        assert_eq!(chart.svg.matches(r#"class="bar o5""#).count(), 1);
        // The tallest week (4) fills the plot: the scale tops out at 4.
        let plot_h = H - TOP - BOTTOM;
        assert!(
            chart.svg.contains(&format!(r#"height="{plot_h:.1}""#)),
            "{}",
            chart.svg
        );
        assert_eq!(chart.rows.len(), 2);
        assert_eq!(chart.rows[1], ["9 Mar 2026", "2", "1", "0", "0", "1"]);
        assert!(chart.description.contains("6 kept, 1 missed"));
    }

    #[test]
    fn charts_are_found_by_name_and_only_for_partners_who_have_joined() {
        let alone = couple(&["Sam"]);
        let t = trends(&alone);
        assert!(by_name(&alone, &t, "trust-1").is_some());
        assert!(by_name(&alone, &t, "trust-2").is_none());
        assert!(by_name(&alone, &t, "mood").is_none());
        let both = couple(&["Sam", "Alex"]);
        assert_eq!(all(&both, &trends(&both)).len(), NAMES.len());
        assert!(
            together(&trends(&both))
                .description
                .contains("1 moments together and 5 appreciations")
        );
    }

    #[test]
    fn text_reaching_the_markup_is_escaped() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }

    #[test]
    fn a_scale_is_round_and_covers_the_largest_value() {
        assert_eq!(scale(0), (1.0, vec![0.0, 1.0]));
        assert_eq!(scale(7).0, 8.0);
        assert_eq!(scale(14), (15.0, vec![0.0, 5.0, 10.0, 15.0]));
        let (top, ticks) = scale(123);
        assert!(top >= 123.0 && ticks.len() <= 11, "{top} {ticks:?}");
    }
}
