//! The dashboard's charts, drawn as SVG on the server, each with a title and description for
//! screen readers and a table of the numbers it draws.
//!
//! Why a small module of our own and not a plotting crate: a chart here must follow the
//! reader's colour scheme and print in black on white, which needs its marks to carry CSS
//! classes the stylesheet can recolour. Plotting crates (plotters' SVG backend included)
//! write a fixed colour into every element and know nothing of `<title>`/`<desc>` or
//! `aria-*`, so we would have drawn each chart twice and patched its markup afterwards. The
//! four chart shapes we need (lines, a heat map, stacked and grouped bars) are a few hundred
//! lines with tests.
//!
//! This module computes only geometry: where each mark goes, its size, its CSS class and
//! its text, as plain values in [`Svg`]. The markup comes from `templates/chart.svg`, which
//! askama checks at compile time and which escapes every text it writes (titles,
//! descriptions and legends carry display names), so nothing here builds or escapes markup.
//!
//! Every mark carries both a class (for the page's stylesheet: light, dark, print) and a
//! presentation attribute (for the SVG opened on its own), since CSS beats the attribute.

use std::fmt;

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;

use super::super::view::{display_name, inside};
use crate::domain::PersonId;
use crate::domain::checkins::{Feeling, Trust};
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
    /// The chart itself; a page includes it as `{{ chart.svg }}`, and it answers a request
    /// for the chart alone as an SVG file.
    pub svg: Svg,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Said instead of the table when there is nothing to show.
    pub empty: Option<String>,
}

/// One chart's SVG: its accessible name and description, its size, and its marks in the
/// order they are drawn (later marks paint over earlier ones).
#[derive(Debug, Clone, Template)]
#[template(path = "chart.svg")]
pub struct Svg {
    name: &'static str,
    title: String,
    desc: String,
    width: Num,
    height: Num,
    marks: Vec<Mark>,
}

/// Rendered by its own template, which escapes every text in it, so a page including it
/// must not escape it again (that would show the markup as text). This marks the type, not
/// a value, as safe: nothing but the template can produce its output.
impl askama::filters::HtmlSafe for Svg {}

impl IntoResponse for Svg {
    fn into_response(self) -> Response {
        match self.render() {
            Ok(svg) => (
                [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
                svg,
            )
                .into_response(),
            // Only a failing writer could fail a render; String never does. Logged, opaque.
            Err(e) => {
                tracing::error!(error = %e, chart = self.name, "a chart did not render");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}

/// Something drawn, as the element it becomes.
#[derive(Debug, Clone)]
enum Mark {
    /// A horizontal grid line.
    Grid {
        x1: Num,
        x2: Num,
        y: Num,
    },
    Text(Text),
    Rect(Rect),
    /// A series as a line through its points.
    Line(Line),
    /// One point of a series.
    Dot {
        series: &'static str,
        x: Num,
        y: Num,
        colour: &'static str,
    },
}

#[derive(Debug, Clone)]
struct Text {
    x: Num,
    y: Num,
    /// `text-anchor`: start, middle or end; the SVG default (start) when `None`.
    anchor: Option<&'static str>,
    size: u8,
    text: String,
}

#[derive(Debug, Clone)]
struct Rect {
    /// What the rectangle is (`bar`, `heat`), if it is more than a legend swatch.
    kind: Option<&'static str>,
    /// Its series or level, which the stylesheet colours.
    class: &'static str,
    x: Num,
    y: Num,
    width: Num,
    height: Num,
    fill: &'static str,
    stroke: Option<&'static str>,
}

#[derive(Debug, Clone)]
struct Line {
    series: &'static str,
    points: Vec<(Num, Num)>,
    colour: &'static str,
    dash: Option<&'static str>,
}

/// A number in the markup. Positions computed from the data are written to a tenth of a
/// unit (finer is invisible and only makes the page longer); the chart's fixed measures are
/// written as they are.
#[derive(Debug, Clone, Copy)]
enum Num {
    Tenth(f64),
    Exact(f64),
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tenth(v) => write!(f, "{v:.1}"),
            Self::Exact(v) => write!(f, "{v}"),
        }
    }
}

/// A number's text is digits, a point, a minus sign, `inf` or `NaN`: nothing to escape.
impl askama::filters::HtmlSafe for Num {}

use Num::{Exact, Tenth};

const W: f64 = 640.0;
const H: f64 = 220.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 34.0;
const RIGHT: f64 = 12.0;

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

impl Svg {
    /// An empty chart of the full width: its accessible name and description, and (in the
    /// template) a background.
    fn new(name: &'static str, title: &str, desc: &str, height: f64) -> Self {
        Self {
            name,
            title: title.to_owned(),
            desc: desc.to_owned(),
            width: Exact(W),
            height: Exact(height),
            marks: Vec::new(),
        }
    }

    fn text(&mut self, x: Num, y: Num, anchor: Option<&'static str>, size: u8, text: String) {
        self.marks.push(Mark::Text(Text {
            x,
            y,
            anchor,
            size,
            text,
        }));
    }

    /// Horizontal grid lines and their labels, for values from 0 to `max`.
    fn y_axis(&mut self, left: f64, max: f64, ticks: &[f64]) {
        let plot_h = H - TOP - BOTTOM;
        for &t in ticks {
            let y = TOP + plot_h * (1.0 - t / max);
            self.marks.push(Mark::Grid {
                x1: Exact(left),
                x2: Exact(W - RIGHT),
                y: Tenth(y),
            });
            self.text(
                Exact(left - 6.0),
                Tenth(y + 4.0),
                Some("end"),
                11,
                t.to_string(),
            );
        }
    }

    /// Week labels along the bottom, at most about seven of them.
    fn x_labels(&mut self, weeks: &[Date], x_of: impl Fn(usize) -> f64) {
        let step = weeks.len().div_ceil(7).max(1);
        for (i, w) in weeks.iter().enumerate().step_by(step) {
            self.text(
                Tenth(x_of(i)),
                Exact(H - BOTTOM + 16.0),
                Some("middle"),
                11,
                short_label(*w),
            );
        }
    }

    /// A legend line at the bottom: a swatch and a label per series, (class, colour, label);
    /// `kind` is what the swatches stand for (e.g. `heat`), if the series' classes need it.
    fn legend(
        &mut self,
        y: f64,
        kind: Option<&'static str>,
        items: &[(&'static str, &'static str, &str)],
    ) {
        let mut x = 40.0;
        for &(class, colour, label) in items {
            self.marks.push(Mark::Rect(Rect {
                kind,
                class,
                x: Exact(x),
                y: Exact(y - 10.0),
                width: Exact(12.0),
                height: Exact(12.0),
                fill: colour,
                stroke: Some(colour),
            }));
            self.text(Exact(x + 16.0), Exact(y), None, 12, label.to_owned());
            x += 24.0 + 7.0 * label.chars().count() as f64;
        }
    }

    /// A bar of a bar chart: from the data, so every measure to a tenth.
    fn bar(
        &mut self,
        class: &'static str,
        x: f64,
        y: f64,
        width: f64,
        height: f64,
        fill: &'static str,
    ) {
        self.marks.push(Mark::Rect(Rect {
            kind: Some("bar"),
            class,
            x: Tenth(x),
            y: Tenth(y),
            width: Tenth(width),
            height: Tenth(height),
            fill,
            stroke: None,
        }));
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
    let who = display_name(state, line.person);
    let whom = other_name(state, line.person);
    let title = format!("How much {} trusts {}", inside(&who), inside(&whom));
    let description = if line.points.is_empty() {
        format!(
            "No check-ins from {} were revealed between {} and {}.",
            inside(&who),
            day_label(trends.range.from),
            day_label(trends.range.to)
        )
    } else {
        let first = line.points.first().map(|p| p.1);
        let last = line.points.last().map(|p| p.1);
        format!(
            "{who}'s trust in {}, 0 to 10, in {} revealed check-ins from {} to {}. {}",
            inside(&whom),
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
    let mut svg = Svg::new(name, &title, &description, H + 22.0);
    let left = 34.0;
    svg.y_axis(left, 10.0, &[0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
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
        let points: Vec<(Num, Num)> = line
            .points
            .iter()
            .map(|(d, t)| {
                (
                    Tenth(x_of_date((*d).max(first_day))),
                    Tenth(y_of(level(t, i))),
                )
            })
            .collect();
        let dots = points.iter().map(|&(x, y)| Mark::Dot {
            series: class,
            x,
            y,
            colour,
        });
        let dots: Vec<Mark> = dots.collect();
        if points.len() > 1 {
            svg.marks.push(Mark::Line(Line {
                series: class,
                points,
                colour,
                dash: [None, Some("6 4"), Some("2 3")][i],
            }));
        }
        svg.marks.extend(dots);
    }
    svg.x_labels(&trends.weeks, |i| {
        trends
            .weeks
            .get(i)
            .map_or(left, |d| x_of_date(*d).max(left))
    });
    svg.legend(H + 14.0, None, &DIMENSIONS);
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
    let who = display_name(state, grid.person);
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
            "For each week from {} to {}, how strongly (1 to 5) {} named each feeling in a revealed check-in. The more a cell stands out from the background, the stronger the feeling; an empty cell means not named. Feelings named: {}.",
            day_label(trends.range.from),
            day_label(trends.range.to),
            inside(&who),
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
    let mut svg = Svg::new(name, &title, &description, height);
    let weeks = grid.weeks.len().max(1);
    let cell_w = (W - left - RIGHT) / weeks as f64;
    /// By level: not named, then intensities 1 to 5.
    const SHADES: [&str; 6] = [
        "#f4f1ea", "#e8dcc0", "#d4b877", "#b88d2e", "#8a6414", "#553b05",
    ];
    const LEVELS: [&str; 6] = ["h0", "h1", "h2", "h3", "h4", "h5"];
    for (row, (i, feeling)) in named.iter().enumerate() {
        let y = TOP + row_h * row as f64;
        svg.text(
            Exact(left - 6.0),
            Tenth(y + 12.0),
            Some("end"),
            11,
            feeling.label().to_owned(),
        );
        for (w, cells) in grid.weeks.iter().enumerate() {
            // Intensities are 1 to 5; level 0 is a week in which the feeling was not named.
            let level = cells[*i].map_or(0, |n| usize::from(n.clamp(1, 5)));
            svg.marks.push(Mark::Rect(Rect {
                kind: Some("heat"),
                class: LEVELS[level],
                x: Tenth(left + cell_w * w as f64),
                y: Tenth(y),
                width: Tenth((cell_w - 1.0).max(0.5)),
                height: Exact(row_h - 2.0),
                fill: SHADES[level],
                stroke: None,
            }));
        }
    }
    let bottom = TOP + row_h * named.len().max(1) as f64;
    for (i, w) in trends
        .weeks
        .iter()
        .enumerate()
        .step_by(weeks.div_ceil(7).max(1))
    {
        svg.text(
            Tenth(left + cell_w * i as f64),
            Tenth(bottom + 14.0),
            Some("start"),
            11,
            short_label(*w),
        );
    }
    let items: Vec<(&str, &str, &str)> = (1..=5)
        .map(|n| (LEVELS[n], SHADES[n], &"012345"[n..=n]))
        .collect();
    svg.legend(height - 8.0, Some("heat"), &items);
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
/// `max` with its axis, and the width of one week's slot. Returns (chart, top of scale,
/// slot).
fn bar_frame(
    name: &'static str,
    title: &str,
    description: &str,
    max: usize,
    weeks: usize,
) -> (Svg, f64, f64) {
    let (top, ticks) = scale(max);
    let mut svg = Svg::new(name, title, description, H + 22.0);
    svg.y_axis(BAR_LEFT, top, &ticks);
    (svg, top, (W - BAR_LEFT - RIGHT) / weeks.max(1) as f64)
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
    let (mut svg, top, slot) = bar_frame(name, &title, &description, max, totals.len());
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
            svg.bar(
                class,
                left + slot * w as f64 + slot * 0.1,
                y,
                slot * 0.8,
                h,
                colour,
            );
            base += n;
        }
    }
    svg.x_labels(&trends.weeks, |i| left + slot * i as f64 + slot / 2.0);
    let items: Vec<(&'static str, &'static str, &str)> = OUTCOMES
        .iter()
        .zip(CHARTED.iter())
        .map(|((c, col), (_, l))| (*c, *col, *l))
        .collect();
    svg.legend(H + 14.0, None, &items);
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
    let weeks = trends.together.len();
    let (mut svg, top, slot) = bar_frame(name, &title, &description, max, weeks);
    let (left, plot_h) = (BAR_LEFT, H - TOP - BOTTOM);
    let series = [("t1", "#6b3f8b"), ("t2", "#b8860b")];
    for (w, week) in trends.together.iter().enumerate() {
        for (i, n) in [week.time_together, week.appreciations].iter().enumerate() {
            if *n == 0 {
                continue;
            }
            let (class, colour) = series[i];
            let h = plot_h * *n as f64 / top;
            svg.bar(
                class,
                left + slot * w as f64 + slot * (0.1 + 0.4 * i as f64),
                TOP + plot_h - h,
                slot * 0.4,
                h,
                colour,
            );
        }
    }
    svg.x_labels(&trends.weeks, |i| left + slot * i as f64 + slot / 2.0);
    svg.legend(
        H + 14.0,
        None,
        &[
            ("t1", "#6b3f8b", "Time together"),
            ("t2", "#b8860b", "Appreciations"),
        ],
    );
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
    use crate::domain::checkins::{Trust, TrustLevel};
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
        let svg = chart.svg.render().expect("renders");
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&#60;script&#62;alert(1)&#60;/script&#62; trusts Alex"));
    }

    #[test]
    fn trust_draws_a_point_per_check_in_and_dimension_with_the_numbers_beside_it() {
        let state = couple(&["Sam", "Alex"]);
        let chart = trust(&state, &trends(&state), 1).expect("a trust chart");
        let svg = chart.svg.render().expect("renders");
        assert_eq!(chart.title, "How much Alex trusts Sam");
        assert_eq!(svg.matches("<circle").count(), 6);
        assert_eq!(svg.matches("<polyline").count(), 3);
        assert!(svg.contains(r#"role="img""#) && svg.contains("<desc id="));
        assert_eq!(chart.rows[1], ["9 Mar 2026", "3", "3", "5"]);
        assert!(chart.description.contains("predictability 2 to 3"));
        assert!(chart.empty.is_none());
    }

    #[test]
    fn the_heat_map_has_a_row_per_feeling_named_and_a_cell_per_week() {
        let state = couple(&["Sam", "Alex"]);
        let chart = feelings(&state, &trends(&state), 0).expect("a heat map");
        let svg = chart.svg.render().expect("renders");
        // One row (anxiety) of three weeks, plus five legend swatches.
        assert_eq!(svg.matches(r#"class="heat h5""#).count(), 2 + 1);
        assert_eq!(svg.matches(r#"class="heat h0""#).count(), 1);
        assert_eq!(chart.rows.len(), 2, "weeks with nothing named are left out");
        assert_eq!(chart.rows[0][1], "Anxiety 5");
    }

    #[test]
    fn promise_bars_stack_to_their_week_s_total_on_a_round_scale() {
        let state = couple(&["Sam", "Alex"]);
        let chart = promises(&trends(&state));
        let svg = chart.svg.render().expect("renders");
        // Week 1: kept; week 2: kept, missed, not reported; week 3: nothing.
        assert_eq!(svg.matches(r#"class="bar o1""#).count(), 2);
        assert_eq!(svg.matches(r#"class="bar o2""#).count(), 1);
        assert_eq!(svg.matches(r#"class="bar o5""#).count(), 1);
        // The tallest week (4) fills the plot: the scale tops out at 4.
        let plot_h = H - TOP - BOTTOM;
        assert!(svg.contains(&format!(r#"height="{plot_h:.1}""#)), "{svg}");
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
        let state = couple(&[r#"<script>alert("x")</script> & 'y'"#, "Alex"]);
        let chart = trust(&state, &trends(&state), 0).expect("a trust chart");
        let svg = chart.svg.render().expect("renders");
        let escaped = "&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;y&#39;";
        // In the title and the description, as askama's HTML escaper spells it.
        assert_eq!(svg.matches(escaped).count(), 2, "{svg}");
        assert!(!svg.contains("alert(\"x\")"), "{svg}");
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
