//! Signals that suggest a counsellor and milestones, shown on a space's home page, and the
//! page on safety that the safety signal points to.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::charts::{self, Chart};
use super::error::{WebError, error_page};
use super::guard::{SignedIn, Viewer};
use super::pages::{Chrome, Param, Segment, space_id};
use super::spaces::format_time;
use crate::app::App;
use crate::domain::PersonId;
use crate::domain::agreements::AgreementStatus;
use crate::domain::checkin::Zone;
use crate::domain::ownup::QuestionStatus;
use crate::domain::progress::{self, Evidence, MilestoneKind, NOT_A_DIAGNOSIS, Thresholds};
use crate::domain::promises::Counts;
use crate::domain::reconnect::Readiness;
use crate::domain::space::SpaceState;
use crate::domain::trends::{DASHBOARD_WEEKS, Range};
use crate::domain::trends::{RangeError, Trends};
use crate::domain::{EntryId, SpaceId};
use jiff::civil::Date;

/// A signal as the home page shows it: what it is, why, what to do, and the evidence.
pub struct SignalView {
    pub title: &'static str,
    pub explanation: &'static str,
    pub steps: &'static [&'static str],
    pub help: Option<&'static str>,
    pub range: String,
    pub findings: Vec<(String, Vec<String>)>,
}

/// "You" for the viewer; everyone's name on a page meant to be printed (`viewer` = `None`).
fn who(state: &SpaceState, viewer: Option<PersonId>, person: PersonId) -> String {
    if Some(person) == viewer {
        "You".to_owned()
    } else {
        charts::name_of(state, person)
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
                "{}: {} in the check-in of {}",
                who(state, viewer, *person),
                feelings.join(", "),
                period.starts_on
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
            let names: Vec<String> = missed_by.iter().map(|p| who(state, viewer, *p)).collect();
            format!(
                "The check-in of {}: no answer from {}",
                period.starts_on,
                names.join(" and ")
            )
        }
    }
}

/// The signals of a space as the viewer's home page shows them; with no viewer, naming both
/// partners, as the printable summary does.
pub fn signals(
    state: &SpaceState,
    viewer: Option<PersonId>,
    zone: &Zone,
    now_us: i64,
) -> Vec<SignalView> {
    let date = |at: i64| format_time(at, zone).chars().take(10).collect::<String>();
    progress::signals(state, now_us)
        .into_iter()
        .map(|s| SignalView {
            title: s.title(),
            explanation: s.explanation(),
            steps: s.next_steps(),
            help: s.help_page(),
            range: format!("{} to {}", date(s.from_us), date(s.to_us)),
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
    /// First shown within the last week: worth a word of celebration.
    pub new: bool,
}

/// How long a milestone is marked new after it was first shown.
const NEW_FOR_US: i64 = 7 * 86_400_000_000;

/// The milestones the space has celebrated, in the order they were reached; only those
/// reached within `range` if one is given.
pub fn celebrated(
    state: &SpaceState,
    zone: &Zone,
    now_us: i64,
    range: Option<&Range>,
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
            new: now_us.saturating_sub(c.shown_at_us) < NEW_FOR_US,
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
pub fn describe(event: &progress::Event) -> (String, Option<String>) {
    let progress::Event::Shown(e) = event;
    let title = MilestoneKind::from_key(&e.milestone).map_or("a milestone", |k| k.title());
    (format!("marked a milestone reached: {title}"), None)
}

/// The first and last day there can be anything to show, in the viewer's zone.
fn life(state: &SpaceState, zone: &Zone, now_us: i64) -> (Date, Date) {
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
    let topics = state.reconnect.pace_topics(breach);
    let ready = topics
        .iter()
        .filter(|t| t.readiness == Some(Readiness::Ready))
        .count();
    (
        state.reconnect.stage(breach).name().to_owned(),
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

#[derive(Template, WebTemplate)]
#[template(path = "help_safety.html")]
struct SafetyPage {
    chrome: Chrome,
}

/// Guidance on safety, open to anyone, signed in or not.
pub async fn safety(viewer: Viewer) -> Response {
    SafetyPage {
        chrome: Chrome::of(&viewer),
    }
    .into_response()
}

// ---- the printable summary and single charts ---------------------------------------------

/// The dates a summary or a chart covers, as typed; empty means the dashboard's range.
#[derive(Debug, Default, Deserialize)]
pub struct RangeQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

fn range_of(
    state: &SpaceState,
    zone: &Zone,
    now_us: i64,
    q: &RangeQuery,
) -> Result<Range, RangeError> {
    let (began, today) = life(state, zone, now_us);
    let default = Range::last_weeks(today, DASHBOARD_WEEKS, began);
    Range::parse(&q.from, &q.to, default, began, today)
}

/// Everything the summary shows for one range.
struct SummaryContent {
    signals: Vec<SignalView>,
    /// (breach, who broke trust, stage, pace)
    repairs: Vec<(String, String, String, String)>,
    /// (partner, counts of their promise occurrences in the range)
    reliability: Vec<(String, Counts)>,
    /// (text, version, revisit on)
    agreements: Vec<(String, usize, Option<String>)>,
    open_questions: Vec<String>,
    charts: Vec<Chart>,
    milestones: Vec<MilestoneView>,
}

#[derive(Template, WebTemplate)]
#[template(path = "summary.html")]
struct SummaryPage {
    chrome: Chrome,
    space: SpaceId,
    name: String,
    partners: String,
    from: String,
    to: String,
    began: String,
    today: String,
    error: Option<String>,
    content: Option<SummaryContent>,
    disclaimer: &'static str,
}

/// A summary of a space over a range of dates, to print for a counselling session or to
/// keep. It shows only what both partners can already see, the same for both.
pub async fn summary(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Query(q): Query<RangeQuery>,
) -> Result<Response, WebError> {
    let zone = &user.session.time_zone;
    let (state, now_us) = app.state_now(&user.session, space_id(&id)?).await?;
    let (began, today) = life(&state, zone, now_us);
    let partners = state
        .partners
        .iter()
        .map(|p| p.display_name.as_str())
        .collect::<Vec<_>>()
        .join(" and ");
    let mut page = SummaryPage {
        chrome: Chrome::signed_in(&user.csrf),
        space: state.id,
        name: state.name.clone(),
        partners,
        from: q.from.trim().to_owned(),
        to: q.to.trim().to_owned(),
        began: began.to_string(),
        today: today.to_string(),
        error: None,
        content: None,
        disclaimer: DISCLAIMER,
    };
    let range = match range_of(&state, zone, now_us, &q) {
        Ok(range) => range,
        Err(e) => {
            page.error = Some(e.to_string());
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    page.from = range.from.to_string();
    page.to = range.to.to_string();
    let trends = Trends::of(&state, range, now_us);
    let name = |p: PersonId| charts::name_of(&state, p);
    page.content = Some(SummaryContent {
        signals: signals(&state, None, zone, now_us),
        repairs: state
            .own_up
            .breaches
            .iter()
            .map(|b| {
                let (stage, pace) = stage_and_pace(&state, b.id);
                (b.title.clone(), name(b.broke_trust), stage, pace)
            })
            .collect(),
        reliability: trends
            .promises_by
            .iter()
            .map(|(p, counts)| (name(*p), *counts))
            .collect(),
        agreements: state
            .agreements
            .with_status(AgreementStatus::Active)
            .map(|a| {
                (
                    a.text().to_owned(),
                    a.versions.len(),
                    a.revisit.map(|d| d.date().to_string()),
                )
            })
            .collect(),
        open_questions: state
            .own_up
            .questions
            .iter()
            .filter(|q| q.status() != QuestionStatus::Settled)
            .map(|q| q.title().to_owned())
            .collect(),
        charts: charts::all(&state, &trends),
        milestones: celebrated(&state, zone, now_us, Some(&range)),
    });
    Ok(page.into_response())
}

/// One chart on its own, as an SVG file: `/spaces/{id}/charts/{name}.svg`.
pub async fn chart(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(file): Param<1>,
    Query(q): Query<RangeQuery>,
) -> Result<Response, WebError> {
    let zone = &user.session.time_zone;
    let (state, now_us) = app.state_now(&user.session, space_id(&id)?).await?;
    let name = file.strip_suffix(".svg").unwrap_or(&file);
    if !charts::NAMES.contains(&name) {
        // The name asked for is not repeated: a page of ours should not say what a link made up.
        let message = format!(
            "There is no such chart. The charts are: {}.",
            charts::NAMES.join(", ")
        );
        return Ok(error_page(StatusCode::NOT_FOUND, "No such chart", &message));
    }
    let range = match range_of(&state, zone, now_us, &q) {
        Ok(range) => range,
        Err(e) => {
            return Ok(error_page(
                StatusCode::BAD_REQUEST,
                "Please choose other dates",
                &e.to_string(),
            ));
        }
    };
    let trends = Trends::of(&state, range, now_us);
    let Some(chart) = charts::by_name(&state, &trends, name) else {
        return Ok(error_page(
            StatusCode::NOT_FOUND,
            "No such chart",
            "That chart is about a partner who hasn't joined yet.",
        ));
    };
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        chart.svg,
    )
        .into_response())
}
