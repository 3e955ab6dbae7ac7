//! Seeing progress: the space's home page (a dashboard), the printable summary, single
//! charts, and what they share: signals that suggest a counsellor, with their evidence, and
//! milestones celebrated once.

mod charts;
mod dashboard;
mod summary;

use axum::routing::{get, post};
use jiff::civil::Date;
use serde::Deserialize;

pub use dashboard::dashboard_html;

use super::events::Described;
use super::routes::Routes;
use super::view::{Name, days_before, display_name, format_time};
use crate::domain::calendar::Zone;
use crate::domain::milestones::{self, MilestoneKind};
use crate::domain::progress::{
    self, Evidence, NOT_A_DIAGNOSIS, SafetyAudience, SignalKind, Thresholds,
};
use crate::domain::repair::Readiness;
use crate::domain::seen::{Mark, Marks};
use crate::domain::space::{SpaceEvent, SpaceState};
use crate::domain::trends::{DASHBOARD_WEEKS, Range, RangeError};
use crate::domain::{EntryId, PersonId};

pub fn routes() -> Routes {
    Routes::new()
        .route("/spaces/{id}", get(dashboard::show))
        .route("/spaces/{id}/welcome", post(dashboard::fold_welcome))
        .route("/spaces/{id}/summary", get(summary::summary))
        .route("/spaces/{id}/charts/{chart}", get(summary::chart))
}

/// A signal as the home page shows it: what it is, why, what to do, and the evidence.
pub struct SignalView {
    /// The safety signal: its own card, first, with no suggestion of a joint session.
    pub safety: bool,
    /// Whether the card may point to the printable summary (not while safety is in question).
    pub summary: bool,
    pub title: &'static str,
    pub explanation: &'static str,
    pub steps: &'static [&'static str],
    pub help: Option<&'static str>,
    pub range: String,
    pub findings: Vec<(String, Vec<String>)>,
}

/// "You" for the viewer; everyone's name on a page meant to be printed (`viewer` = `None`).
fn who(state: &SpaceState, viewer: Option<PersonId>, person: PersonId) -> Name {
    if Some(person) == viewer {
        Name::You
    } else {
        Name::Named(display_name(state, person))
    }
}

fn evidence_line(
    state: &SpaceState,
    viewer: Option<PersonId>,
    zone: &Zone,
    e: &Evidence,
) -> String {
    let date = |at: i64| format_time(at, zone).chars().take(10).collect::<String>();
    match e {
        Evidence::Breach {
            title,
            recorded_at_us,
            ..
        } => format!("“{title}”, recorded {}", date(*recorded_at_us)),
        Evidence::Question {
            title,
            asked_again,
            last_asked_us,
            ..
        } => {
            format!(
                "“{title}”, asked again {asked_again} times, most recently {}",
                date(*last_asked_us)
            )
        }
        Evidence::DisputedReport { title, on, .. } => format!("“{title}”, the occurrence of {on}"),
        Evidence::SomethingMissing { at_us, .. } => format!(
            "An apology answered “something is missing” on {}",
            date(*at_us)
        ),
        Evidence::HardFeelings {
            person,
            period,
            felt,
        } => {
            let feelings: Vec<String> = felt
                .iter()
                .map(|f| {
                    format!(
                        "{} {} of 5",
                        f.feeling.label().to_lowercase(),
                        f.intensity.get()
                    )
                })
                .collect();
            format!(
                "{}: {} in the check-in for {}",
                who(state, viewer, *person),
                feelings.join(", "),
                days_before(period.starts_on, period.ends_on)
            )
        }
        Evidence::TrustHeld {
            person,
            earlier,
            latest,
        } => {
            let show = |a: &progress::TrustAverage| {
                a.shown()
                    .iter()
                    .map(|(n, v)| format!("{} {v}", n.to_lowercase()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!(
                "{}: average trust {} (to {}) and {} (to {})",
                who(state, viewer, *person),
                show(earlier),
                earlier.to,
                show(latest),
                latest.to
            )
        }
        Evidence::MissedCheckIn { period, missed_by } => {
            let names: Vec<String> = missed_by
                .iter()
                .map(|p| who(state, viewer, *p).object().to_owned())
                .collect();
            format!(
                "The check-in for {}: no answer from {}",
                days_before(period.starts_on, period.ends_on),
                names.join(" and ")
            )
        }
    }
}

/// The signals of a space as the viewer's home page shows them; with no viewer, naming both
/// partners, as the printable summary does. The summary leaves the safety signal out: it is
/// made to be shown to a couples counsellor, and safety is a matter for help of one's own.
/// On the home page each partner reads the safety card meant for them (`SafetyAudience`).
pub fn signals(
    state: &SpaceState,
    viewer: Option<PersonId>,
    zone: &Zone,
    now_us: i64,
) -> Vec<SignalView> {
    let date = |at: i64| format_time(at, zone).chars().take(10).collect::<String>();
    let all = progress::signals(state, now_us);
    // While safety is in question no card suggests a joint session or the summary; the
    // printable summary (no viewer) leaves the safety card out, and so changes nothing.
    let beside_safety = viewer.is_some() && all.iter().any(|s| s.kind == SignalKind::Safety);
    all.into_iter()
        .filter_map(|s| {
            let safety = s.kind == SignalKind::Safety;
            let (explanation, steps) = match (safety, viewer) {
                (false, _) if beside_safety => (s.explanation(), s.kind.next_steps_beside_safety()),
                (false, _) => (s.explanation(), s.next_steps()),
                (true, None) => return None,
                (true, Some(viewer)) => {
                    let audience = SafetyAudience::of(&s, state, viewer);
                    (audience.explanation(), audience.next_steps())
                }
            };
            Some((s, safety, explanation, steps))
        })
        .map(|(s, safety, explanation, steps)| SignalView {
            safety,
            summary: !beside_safety,
            title: s.title(),
            explanation,
            steps,
            help: s.help_page(),
            // A finding ends where its last period ends, at the midnight that begins the
            // next day: the last day shown is the one before it.
            range: format!(
                "{} to {}",
                date(s.from_us),
                date(s.to_us.saturating_sub(1).max(s.from_us))
            ),
            findings: s
                .findings
                .iter()
                .map(|f| {
                    (
                        f.rule.describe(&Thresholds::DEFAULT),
                        f.evidence
                            .iter()
                            .map(|e| evidence_line(state, viewer, zone, e))
                            .collect(),
                    )
                })
                .collect(),
        })
        .collect()
}

/// A milestone as a page shows it.
pub struct MilestoneView {
    pub title: &'static str,
    pub text: &'static str,
    pub when: String,
    /// New to this viewer: shown to them for the first time, within a week of being
    /// reached. Only the partner's own dashboard says so.
    pub new: bool,
}

/// How long after it was first shown a milestone can still be new to someone.
const NEW_FOR_US: i64 = 7 * 86_400_000_000;

/// The milestones the space has celebrated, in the order they were reached; only those
/// reached within `range` if one is given.
pub fn celebrated(
    state: &SpaceState,
    zone: &Zone,
    now_us: i64,
    range: Option<&Range>,
    seen: Option<&Marks>,
) -> Vec<MilestoneView> {
    let mut shown: Vec<_> = state
        .milestones
        .shown
        .iter()
        .filter(|c| {
            range.is_none_or(|r| {
                zone.date_at(c.milestone.reached_at_us)
                    .is_some_and(|d| r.from <= d && d <= r.to)
            })
        })
        .collect();
    shown.sort_by_key(|c| (c.milestone.reached_at_us, c.milestone.kind));
    shown
        .into_iter()
        .map(|c| MilestoneView {
            title: c.milestone.title(),
            text: c.milestone.text(),
            when: date_text(zone, c.milestone.reached_at_us),
            new: seen.is_some_and(|seen| {
                !seen.has(&Mark::Milestone(c.milestone.key().to_owned()))
                    && now_us.saturating_sub(c.shown_at_us) < NEW_FOR_US
            }),
        })
        .collect()
}

/// "2026-11-23", in the viewer's zone.
fn date_text(zone: &Zone, at_us: i64) -> String {
    zone.date_at(at_us)
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// The milestone marker as the record page lists it.
pub fn describe(_state: &SpaceState, _base: &str, event: &SpaceEvent) -> Described {
    let SpaceEvent::Milestone(milestones::Event::Shown(e)) = event else {
        return None;
    };
    let title = MilestoneKind::from_key(&e.milestone).map_or("a milestone", |k| k.title());
    Some((format!("marked a milestone reached: {title}"), None))
}

/// The first and last day there can be anything to show, in the viewer's zone.
pub(super) fn life(state: &SpaceState, zone: &Zone, now_us: i64) -> (Date, Date) {
    let today = zone
        .date_at(now_us)
        .unwrap_or_else(|| jiff::civil::date(1970, 1, 1));
    let began = zone
        .date_at(state.created_at_us)
        .unwrap_or(today)
        .min(today);
    (began, today)
}

/// A breach's stage and pace as pages show them, e.g. ("Atone", "2 of 4 topics ready").
pub fn stage_and_pace(state: &SpaceState, breach: EntryId) -> (String, String) {
    let topics = state.repair.pace_topics(breach);
    let ready = topics
        .iter()
        .filter(|t| t.readiness == Some(Readiness::Ready))
        .count();
    (
        state.repair.stage(breach).name().to_owned(),
        format!("{ready} of {} topics ready", topics.len()),
    )
}

/// What the dashboard's charts cover: the last [`DASHBOARD_WEEKS`] weeks.
pub fn dashboard_range(state: &SpaceState, zone: &Zone, now_us: i64) -> Range {
    let (began, today) = life(state, zone, now_us);
    Range::last_weeks(today, DASHBOARD_WEEKS, began)
}

/// "2026-06-01 to 2026-11-29".
pub fn range_text(range: &Range) -> String {
    format!("{} to {}", range.from, range.to)
}

pub const DISCLAIMER: &str = NOT_A_DIAGNOSIS;

/// The dates a summary or a chart covers, as typed; empty means the dashboard's range.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct RangeQuery {
    pub from: String,
    pub to: String,
}

pub(super) fn range_of(
    state: &SpaceState,
    zone: &Zone,
    now_us: i64,
    q: &RangeQuery,
) -> Result<Range, RangeError> {
    let (began, today) = life(state, zone, now_us);
    let default = Range::last_weeks(today, DASHBOARD_WEEKS, began);
    Range::parse(&q.from, &q.to, default, began, today)
}
