//! Check-ins: proposing and accepting a rhythm, answering privately, and seeing both
//! answers side by side once they are revealed.
//!
//! When both have answered, the answers are not put in front of anyone: the page and
//! "waiting for you" say so, and each partner opens the side-by-side view
//! (`/checkins/{period}`) when they choose. Nothing records whether they have looked: the
//! view is always one click away, and the note in "waiting for you" stays until the check-in
//! after it has ended.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::RawPathParams;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::context::{EntryPath, InSpace, SpacePath};
use super::error::WebError;
use super::events::Described;
use super::routes::Routes;
use super::view::{Chrome, ZoneGroup, days_before, see_other, zone_groups};
use crate::app::AppError;
use crate::domain::calendar::{Zone, parse_date};
use crate::domain::checkins::{
    self, Answer, CheckIn, CheckIns, Every, Feeling, Own, Partner, Period, RawCheckIn, Rhythm,
    Timing, Trust, limits,
};
use crate::domain::space::{SpaceEvent, SpaceState};
use crate::domain::{EntryId, PersonId, SpaceId};

pub fn routes() -> Routes {
    Routes::new()
        .route("/spaces/{id}/checkins", get(page))
        .route("/spaces/{id}/checkins/cadence", post(propose_cadence))
        .route(
            "/spaces/{id}/checkins/cadence/{entry}",
            post(answer_proposal),
        )
        .route("/spaces/{id}/checkins/answer", post(answer))
        .route("/spaces/{id}/checkins/{period}", get(side_by_side))
}

/// What the page and "waiting for you" say once both have answered.
pub const BOTH_ANSWERED: &str = "You have both answered — see them side by side";

/// The newest period both partners have answered, while its moment lasts: until the
/// check-in after it has ended. (Whether the viewer has opened it is not tracked.)
fn moment(check_ins: &CheckIns, now_us: i64) -> Option<Period> {
    check_ins
        .history(now_us)
        .take(3)
        .find(|p| check_ins.both_answered(p))
        .filter(|p| now_us < p.late_until_us)
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
        .chain(moment(&state.check_ins, now_us).map(|period| {
            (
                BOTH_ANSWERED.to_owned(),
                format!("/spaces/{}/checkins/{}", state.id, period.starts_on),
            )
        }))
        .chain(
            state
                .check_ins
                .proposal()
                .filter(|p| p.by != viewer && state.is_partner(viewer))
                .map(|p| {
                    let name = state
                        .partners
                        .iter()
                        .find(|partner| partner.person == p.by)
                        .map_or("Your partner", |partner| partner.display_name.as_str());
                    (
                        format!(
                            "{name} proposed a check-in rhythm, {}: accept or decline it",
                            rhythm_words(p.rhythm)
                        ),
                        format!("/spaces/{}/checkins#rhythm", state.id),
                    )
                }),
        )
        .collect()
}

/// "every week, on Mondays": a rhythm as people say it.
fn rhythm_words(rhythm: Rhythm) -> String {
    let day = |anchor: String| {
        WEEKDAYS
            .iter()
            .find(|(key, _)| *key == anchor)
            .map_or(anchor.clone(), |(_, label)| (*label).to_owned())
    };
    match rhythm {
        Rhythm::EveryThreeDays { from } => {
            format!(
                "every three days, counting from {}",
                from.strftime("%-d %b %Y")
            )
        }
        Rhythm::Weekly { .. } => format!("every week, on {}s", day(rhythm.anchor())),
        Rhythm::Fortnightly { .. } => format!("every two weeks, on {}s", day(rhythm.anchor())),
        Rhythm::Monthly { day } => format!("every month, on day {day}"),
    }
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
        checkins::Event::CadenceProposed(e) => format!(
            "proposed a check-in rhythm: {}, in {}",
            rhythm_words(e.rhythm),
            e.time_zone.name()
        ),
        checkins::Event::CadenceAccepted(e) => format!(
            "accepted the proposed check-in rhythm, from {}",
            e.begins_on.strftime("%-d %b %Y")
        ),
        checkins::Event::CadenceDeclined(_) => "declined the proposed check-in rhythm".to_owned(),
        checkins::Event::CadenceWithdrawn(_) => {
            "withdrew the check-in rhythm they had proposed".to_owned()
        }
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
    /// Its start date, naming it in the side-by-side view's address.
    pub starts_on: String,
    /// Both have answered: the list links to the side-by-side view instead of showing the
    /// answers in passing.
    pub both: bool,
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

/// A proposed rhythm, as the page shows it to both.
pub struct ProposalView {
    pub id: EntryId,
    pub words: String,
    pub zone: String,
    /// The viewer proposed it (so may withdraw it); otherwise theirs to accept or decline.
    pub mine: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "checkins.html")]
struct CheckInsPage {
    chrome: Chrome,
    space: SpaceId,
    rhythm: Option<String>,
    proposal: Option<ProposalView>,
    /// The newest period both have answered, while its moment lasts: (start date, label).
    moment: Option<(String, String)>,
    zones: &'static [ZoneGroup],
    zone: String,
    suggest_zone: bool,
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
        .map(|p| line(check_ins, &p, me, now))
        .collect();
    let zone = check_ins
        .proposal()
        .map(|p| &p.zone)
        .or(check_ins.cadence().map(|c| &c.zone))
        .unwrap_or(&page.zone)
        .name()
        .to_owned();
    Ok(CheckInsPage {
        chrome: page.chrome(),
        space: page.space(),
        rhythm: check_ins
            .cadence()
            .map(|c| format!("{}, in {}", c.every.label().to_lowercase(), c.zone.name())),
        proposal: check_ins.proposal().map(|p| ProposalView {
            id: p.id,
            words: rhythm_words(p.rhythm),
            zone: p.zone.name().to_owned(),
            mine: p.by == me,
        }),
        moment: moment(check_ins, now).map(|p| (p.starts_on.to_string(), span(&p))),
        zones: zone_groups(),
        suggest_zone: zone == "UTC",
        zone,
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

/// One period as `me` sees it at `now`.
fn line(check_ins: &CheckIns, p: &Period, me: PersonId, now: i64) -> PeriodLine {
    let view = check_ins.period_view(p, me, now);
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
        label: span(p),
        starts_on: p.starts_on.to_string(),
        both: check_ins.both_answered(p),
        mine,
        my_status,
        theirs,
        their_status,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "checkin.html")]
struct SideBySidePage {
    chrome: Chrome,
    space: SpaceId,
    partner_name: String,
    p: PeriodLine,
}

/// One check-in's two answers, side by side: opened when the viewer chooses to.
async fn side_by_side(page: InSpace, params: RawPathParams) -> Result<Response, WebError> {
    let period = params
        .iter()
        .nth(1)
        .and_then(|(_, raw)| parse_date(raw))
        .ok_or(WebError(AppError::NotFound))?;
    let check_ins = &page.state.check_ins;
    let now = page.now_us;
    let p = check_ins
        .period(period)
        .filter(|p| p.has_begun(now))
        .ok_or(WebError(AppError::NotFound))?;
    Ok(SideBySidePage {
        chrome: page.chrome(),
        space: page.space(),
        partner_name: page.people.partner_name.clone(),
        p: line(check_ins, &p, page.me(), now),
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
    time_zone: String,
}

async fn propose_cadence(
    page: InSpace,
    SpacePath(space): SpacePath,
    Form(form): Form<CadenceForm>,
) -> Result<Response, WebError> {
    page.app
        .check_in(&page.session, space, form.command(EntryId::random())?)
        .await?;
    Ok(see_other(&format!("/spaces/{space}/checkins")))
}

impl CadenceForm {
    /// The rhythm as chosen, proposed as `id`: the anchor field that goes with `every`,
    /// and the zone.
    pub(super) fn command(&self, id: EntryId) -> Result<checkins::Command, AppError> {
        let anchor = match self.every.as_str() {
            "month" => &self.month_day,
            "three_days" => &self.start,
            _ => &self.weekday,
        };
        let rhythm =
            Rhythm::parse(&self.every, anchor).map_err(|e| AppError::invalid("every", e))?;
        let zone = Zone::parse(&self.time_zone).map_err(|e| AppError::invalid("time_zone", e))?;
        Ok(checkins::Command::ProposeCadence { id, rhythm, zone })
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ProposalForm {
    action: String,
}

impl ProposalForm {
    /// What the form asks of the proposal: `action` says which.
    pub(super) fn command(&self, proposal: EntryId) -> Result<checkins::Command, AppError> {
        Ok(match self.action.as_str() {
            "accept" => checkins::Command::AcceptCadence { proposal },
            "decline" => checkins::Command::DeclineCadence { proposal },
            "withdraw" => checkins::Command::WithdrawCadence { proposal },
            _ => {
                return Err(AppError::Invalid {
                    field: "action",
                    message: "Please choose whether to accept or decline the rhythm.".into(),
                });
            }
        })
    }
}

/// Accepting, declining or withdrawing the proposed rhythm.
async fn answer_proposal(
    page: InSpace,
    EntryPath(space, proposal): EntryPath,
    Form(form): Form<ProposalForm>,
) -> Result<Response, WebError> {
    page.app
        .check_in(&page.session, space, form.command(proposal)?)
        .await?;
    Ok(see_other(&format!("/spaces/{space}/checkins")))
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
