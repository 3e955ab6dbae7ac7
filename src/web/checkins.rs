//! Check-ins: choosing a rhythm, answering privately, and seeing both answers side by side
//! once they are revealed.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::context::{InSpace, SpacePath};
use super::error::WebError;
use super::events::Described;
use super::routes::Routes;
use super::view::{Chrome, days_before, see_other};
use crate::app::AppError;
use crate::domain::calendar::{Zone, parse_date};
use crate::domain::checkins::{
    self, Answer, CheckIn, Every, Feeling, Own, Partner, Period, RawCheckIn, Rhythm, Timing, Trust,
    limits,
};
use crate::domain::space::{SpaceEvent, SpaceState};
use crate::domain::{PersonId, SpaceId};

pub fn routes() -> Routes {
    Routes::new()
        .route("/spaces/{id}/checkins", get(page))
        .route("/spaces/{id}/checkins/cadence", post(set_cadence))
        .route("/spaces/{id}/checkins/answer", post(answer))
}

/// Check-ins the viewer can still answer (late ones marked).
pub fn waiting(state: &SpaceState, viewer: PersonId, now_us: i64) -> Vec<(String, String)> {
    state
        .check_ins
        .answerable(viewer, now_us)
        .into_iter()
        .map(|(period, timing)| {
            let late = if timing == Timing::Late {
                " (late)"
            } else {
                ""
            };
            (
                format!("Answer your check-in for {}{late}", span(&period)),
                format!("/spaces/{}/checkins", state.id),
            )
        })
        .collect()
}

/// Record-page wording. It never depends on what an answer says, and a sealed answer
/// (whose body is withheld) reads the same as an open one.
pub fn describe(_state: &SpaceState, base: &str, event: &SpaceEvent) -> Described {
    let SpaceEvent::CheckIn(event) = event else {
        return None;
    };
    let what = match event {
        checkins::Event::CadenceSet(e) => format!(
            "set the check-in rhythm: {}",
            e.every.label().to_lowercase()
        ),
        checkins::Event::Answered(_) => "answered a check-in".to_owned(),
    };
    Some((what, Some(format!("{base}/checkins"))))
}

/// "1 to 7 Dec 2026": a period by its local dates, the last day included (`ends_on` is
/// the day the next period begins, so a seven-day period is not shown as eight days).
fn span(period: &Period) -> String {
    days_before(period.starts_on, period.ends_on)
}

/// An answer as shown to whoever may see it.
pub struct AnswerView {
    pub trust: Vec<(&'static str, u8)>,
    pub feelings: String,
    pub notes: Vec<(&'static str, String)>,
    pub late: bool,
}

impl AnswerView {
    fn of(answer: &Answer) -> Self {
        let c = &answer.check_in;
        Self {
            trust: c
                .trust
                .labelled()
                .iter()
                .map(|(_, label, v)| (*label, *v))
                .collect(),
            feelings: c
                .feelings
                .iter()
                .map(|f| {
                    format!(
                        "{} ({} of 5)",
                        f.feeling.label().to_lowercase(),
                        f.intensity.get()
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
            notes: c
                .notes()
                .iter()
                .filter_map(|(h, t)| t.map(|t| (*h, t.to_owned())))
                .collect(),
            late: answer.late,
        }
    }
}

/// One period as the viewer sees it.
pub struct PeriodLine {
    pub label: String,
    pub mine: Option<AnswerView>,
    pub my_status: &'static str,
    pub theirs: Option<AnswerView>,
    pub their_status: String,
}

/// A period the viewer can answer now.
pub struct OpenPeriod {
    pub starts_on: String,
    pub label: String,
    pub late: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "checkins.html")]
struct CheckInsPage {
    chrome: Chrome,
    space: SpaceId,
    rhythm: Option<String>,
    has_partner: bool,
    partner_name: String,
    open: Vec<OpenPeriod>,
    periods: Vec<PeriodLine>,
    everies: Vec<(&'static str, &'static str)>,
    weekdays: [(&'static str, &'static str); 7],
    dimensions: Vec<(&'static str, &'static str, &'static str)>,
    feelings: Vec<(&'static str, &'static str)>,
    note_max: usize,
}

const WEEKDAYS: [(&str, &str); 7] = [
    ("monday", "Monday"),
    ("tuesday", "Tuesday"),
    ("wednesday", "Wednesday"),
    ("thursday", "Thursday"),
    ("friday", "Friday"),
    ("saturday", "Saturday"),
    ("sunday", "Sunday"),
];

/// How many past periods the page shows.
const HISTORY: usize = 12;

async fn page(page: InSpace) -> Result<Response, WebError> {
    let state = &page.state;
    let now = page.now_us;
    let me: PersonId = page.me();
    let partner = state.partner_of(me);
    let partner_name = page.people.partner_name.clone();
    let check_ins = &state.check_ins;
    let open = check_ins
        .answerable(me, now)
        .into_iter()
        .map(|(p, timing)| OpenPeriod {
            starts_on: p.starts_on.to_string(),
            label: span(&p),
            late: timing == Timing::Late,
        })
        .collect();
    let periods = check_ins
        .history(now)
        .take(HISTORY)
        .map(|p| {
            let view = check_ins.period_view(&p, me, now);
            let (mine, my_status) = match view.own {
                Own::Answered(a) => (Some(AnswerView::of(a)), "answered"),
                Own::NotYet => (None, "not answered yet"),
                Own::Missed => (None, "missed"),
            };
            let (theirs, their_status) = match view.partner {
                Partner::Revealed(a) => (Some(AnswerView::of(a)), "answered".to_owned()),
                Partner::Sealed { late, .. } => (
                    None,
                    format!(
                        "answered{}: sealed until you have answered too, or the check-in ends",
                        if late { " (late)" } else { "" }
                    ),
                ),
                Partner::NotYet => (None, "not answered yet".to_owned()),
                Partner::Missed => (None, "missed".to_owned()),
            };
            PeriodLine {
                label: span(&p),
                mine,
                my_status,
                theirs,
                their_status,
            }
        })
        .collect();
    Ok(CheckInsPage {
        chrome: page.chrome(),
        space: page.space(),
        rhythm: check_ins
            .cadence()
            .map(|c| format!("{}, in {}", c.every.label().to_lowercase(), c.zone.name())),
        has_partner: partner.is_some(),
        partner_name,
        open,
        periods,
        everies: Every::ALL.iter().map(|e| (e.as_str(), e.label())).collect(),
        weekdays: WEEKDAYS,
        // Form field names, beside the wording the domain gives each dimension.
        dimensions: ["predictability", "dependability", "faith"]
            .into_iter()
            .zip(Trust::DIMENSIONS)
            .map(|(key, (label, about))| (key, label, about))
            .collect(),
        feelings: Feeling::ALL
            .iter()
            .map(|f| (f.as_str(), f.label()))
            .collect(),
        note_max: limits::NOTE,
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CadenceForm {
    every: String,
    weekday: String,
    month_day: String,
    start: String,
    zone: String,
}

async fn set_cadence(
    page: InSpace,
    SpacePath(space): SpacePath,
    Form(form): Form<CadenceForm>,
) -> Result<Response, WebError> {
    page.app
        .check_in(&page.session, space, form.command()?)
        .await?;
    Ok(see_other(&format!("/spaces/{space}/checkins")))
}

impl CadenceForm {
    /// The rhythm as chosen: the anchor field that goes with `every`, and the zone.
    pub(super) fn command(&self) -> Result<checkins::Command, AppError> {
        let anchor = match self.every.as_str() {
            "month" => &self.month_day,
            "three_days" => &self.start,
            _ => &self.weekday,
        };
        let rhythm =
            Rhythm::parse(&self.every, anchor).map_err(|e| AppError::invalid("every", e))?;
        let zone = Zone::parse(&self.zone).map_err(|e| AppError::invalid("zone", e))?;
        Ok(checkins::Command::SetCadence { rhythm, zone })
    }
}

async fn answer(
    page: InSpace,
    SpacePath(space): SpacePath,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let command = answer_command(&fields)?;
    page.app.check_in(&page.session, space, command).await?;
    Ok(see_other(&format!("/spaces/{space}/checkins")))
}

/// The answer form as sent: the period it answers, the trust levels, each chosen feeling
/// as `feeling_<name>` with its intensity, and the notes.
pub(super) fn answer_command(fields: &[(String, String)]) -> Result<checkins::Command, AppError> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let period = parse_date(field("period")).ok_or(AppError::NotFound)?;
    let feelings: Vec<(&str, &str)> = fields
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("feeling_").map(|name| (name, v.as_str())))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let raw = RawCheckIn {
        predictability: field("predictability"),
        dependability: field("dependability"),
        faith: field("faith"),
        feelings: &feelings,
        helped: field("helped"),
        hurt: field("hurt"),
        need: field("need"),
    };
    let check_in = CheckIn::parse(&raw).map_err(|e| AppError::invalid("check_in", e))?;
    Ok(checkins::Command::Answer { period, check_in })
}
