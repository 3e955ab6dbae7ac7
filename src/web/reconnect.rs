//! Reconnecting: appreciations, time together and goals (the "Together" page), and the pace
//! and stage of each breach (on the breach's page).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::error::WebError;
use super::guard::SignedIn;
use super::ownup::Segment2;
use super::pages::{Chrome, Param, Segment, entry_id, invalid, space_id};
use super::spaces::format_time;
use crate::app::{App, AppError};
use crate::domain::checkin::Zone;
use crate::domain::reconnect::{
    self, Activity, AppreciationText, Command, Direction, FeltNote, GoalStatus, GoalText, IDEAS,
    IdeaText, Rating, Readiness, Reconnect, Stage, TargetDate, Topic, TopicText,
};
use crate::domain::space::SpaceState;
use crate::domain::{EntryId, PersonId, SpaceId};

fn to(path: String) -> Response {
    Redirect::to(&path).into_response()
}

/// Record-page wording for reconnecting events.
pub fn describe(base: &str, event: &reconnect::Event) -> (String, Option<String>) {
    use reconnect::Event as E;
    let together = Some(format!("{base}/together"));
    match event {
        E::AppreciationWritten(_) => ("wrote an appreciation".to_owned(), together),
        E::TimePlanned(_) => ("planned time together".to_owned(), together),
        E::TimeLogged(_) => ("noted that time together happened".to_owned(), together),
        E::TimeRated(_) => ("said how time together felt".to_owned(), together),
        E::IdeaAdded(_) => ("added an idea for time together".to_owned(), together),
        E::PaceSet(e) => (
            "set the pace on a topic".to_owned(),
            Some(format!("{base}/breaches/{}#pace", e.breach)),
        ),
        E::PaceTopicAdded(e) => (
            "added a pace topic".to_owned(),
            Some(format!("{base}/breaches/{}#pace", e.breach)),
        ),
        E::StageProposed(e) => (
            "proposed a change of stage".to_owned(),
            Some(format!("{base}/breaches/{}#stage", e.breach)),
        ),
        E::StageConfirmed(e) => (
            "confirmed a change of stage".to_owned(),
            Some(format!("{base}/breaches/{}#stage", e.breach)),
        ),
        E::StageDeclined(e) => (
            "declined a change of stage".to_owned(),
            Some(format!("{base}/breaches/{}#stage", e.breach)),
        ),
        E::StageWithdrawn(e) => (
            "withdrew a stage proposal".to_owned(),
            Some(format!("{base}/breaches/{}#stage", e.breach)),
        ),
        E::GoalSet(_) => ("set a shared goal".to_owned(), together),
        E::GoalMarkedReached(_) => ("marked a goal reached".to_owned(), together),
        E::GoalConfirmed(_) => ("confirmed a goal reached".to_owned(), together),
    }
}

// ---- the Together page -------------------------------------------------------------------

pub struct AppreciationLine {
    pub from: String,
    pub text: String,
    pub when: String,
}

pub struct PlanLine {
    pub id: EntryId,
    pub what: String,
    pub when: String,
    pub phones_away: bool,
    pub felt: Vec<(String, u8, &'static str, Option<String>)>,
    pub i_said: bool,
}

pub struct GoalLine {
    pub id: EntryId,
    pub text: String,
    pub target: Option<String>,
    pub status: GoalStatus,
    pub marked_by_me: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "together.html")]
struct TogetherPage {
    chrome: Chrome,
    space: SpaceId,
    partner_name: String,
    has_partner: bool,
    wrote_today: bool,
    appreciations: Vec<AppreciationLine>,
    weekly: Vec<(String, usize)>,
    upcoming: Vec<PlanLine>,
    to_log: Vec<PlanLine>,
    happened: Vec<PlanLine>,
    ideas: Vec<String>,
    goals: Vec<GoalLine>,
    reached: Vec<GoalLine>,
    appreciation_max: usize,
}

fn name(state: &SpaceState, me: PersonId, person: PersonId) -> String {
    if person == me {
        "You".to_owned()
    } else {
        state
            .partners
            .iter()
            .find(|p| p.person == person)
            .map_or_else(|| "Your partner".to_owned(), |p| p.display_name.clone())
    }
}

fn plan_line(
    state: &SpaceState,
    me: PersonId,
    plan: &reconnect::TimeTogether,
    zone: &Zone,
) -> PlanLine {
    PlanLine {
        id: plan.id,
        what: plan.what.clone(),
        when: format_time(plan.when_us, zone),
        phones_away: plan.phones_away,
        felt: plan
            .felt
            .iter()
            .map(|f| {
                (
                    name(state, me, f.by),
                    f.rating.get(),
                    f.rating.label(),
                    f.note.clone(),
                )
            })
            .collect(),
        i_said: plan.felt_by(me).is_some(),
    }
}

fn goal_line(me: PersonId, goal: &reconnect::Goal) -> GoalLine {
    GoalLine {
        id: goal.id,
        text: goal.text.clone(),
        target: goal.target.map(|t| t.to_string()),
        status: goal.status(),
        marked_by_me: goal.marked.as_ref().is_some_and(|m| m.by == me),
    }
}

/// How many weeks of appreciation counts the page shows.
const WEEKS: usize = 8;

pub async fn together(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
) -> Result<Response, WebError> {
    let zone = &user.session.time_zone;
    let space = space_id(&id)?;
    let state = app.own_up_state(&user.session, space).await?;
    let me = user.session.person;
    let now = app.clock().now_us();
    let r: &Reconnect = &state.reconnect;
    let partner = state.partner_of(me);
    let ideas = IDEAS
        .iter()
        .map(|s| (*s).to_owned())
        .chain(r.own_ideas.iter().map(|i| i.text.clone()))
        .collect();
    Ok(TogetherPage {
        chrome: Chrome::signed_in(&user.csrf),
        space,
        partner_name: partner.map_or_else(|| "your partner".to_owned(), |p| p.display_name.clone()),
        has_partner: partner.is_some(),
        wrote_today: r.wrote_appreciation_today(me, now),
        appreciations: r
            .appreciations_newest_first()
            .take(30)
            .map(|a| AppreciationLine {
                from: name(&state, me, a.author),
                text: a.text.clone(),
                when: format_time(a.at_us, zone),
            })
            .collect(),
        weekly: r
            .weekly_appreciations(now, WEEKS, None)
            .into_iter()
            .map(|w| (format!("Week of {}", w.monday), w.count))
            .collect(),
        upcoming: r
            .upcoming(now)
            .into_iter()
            .map(|p| plan_line(&state, me, p, zone))
            .collect(),
        to_log: r
            .to_log(now)
            .into_iter()
            .map(|p| plan_line(&state, me, p, zone))
            .collect(),
        happened: r
            .happened()
            .into_iter()
            .map(|p| plan_line(&state, me, p, zone))
            .collect(),
        ideas,
        goals: r.open_goals().map(|g| goal_line(me, g)).collect(),
        reached: r
            .reached_goals()
            .into_iter()
            .map(|g| goal_line(me, g))
            .collect(),
        appreciation_max: reconnect::limits::APPRECIATION,
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct TextForm {
    #[serde(default)]
    text: String,
}

pub async fn appreciate(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Form(form): Form<TextForm>,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    let text = AppreciationText::parse(&form.text).map_err(invalid("text"))?;
    app.reconnect(
        &user.session,
        space,
        Command::WriteAppreciation {
            id: EntryId::random(),
            text,
        },
    )
    .await?;
    Ok(to(format!("/spaces/{space}/together#appreciations")))
}

#[derive(Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    what: String,
    #[serde(default)]
    when: String,
    #[serde(default)]
    phones_away: Option<String>,
}

pub async fn plan(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Form(form): Form<PlanForm>,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    let what = Activity::parse(&form.what).map_err(invalid("what"))?;
    // The form's local date and time, in the planner's own time zone.
    let when_us = user
        .session
        .time_zone
        .instant_of_local(&form.when)
        .ok_or_else(|| AppError::Invalid {
            field: "when",
            message: "Please give a date and time, like 2026-12-05T19:30.".into(),
        })?;
    let command = Command::PlanTime {
        id: EntryId::random(),
        what,
        when_us,
        phones_away: form.phones_away.is_some(),
    };
    app.reconnect(&user.session, space, command).await?;
    Ok(to(format!("/spaces/{space}/together#time")))
}

pub async fn log_time(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(plan): Segment2,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    app.reconnect(
        &user.session,
        space,
        Command::LogTime {
            plan: entry_id(&plan)?,
        },
    )
    .await?;
    Ok(to(format!("/spaces/{space}/together#time")))
}

#[derive(Deserialize)]
pub struct FeltForm {
    #[serde(default)]
    felt: String,
    #[serde(default)]
    note: String,
}

pub async fn felt(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(plan): Segment2,
    Form(form): Form<FeltForm>,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    let felt = Rating::parse(&form.felt).map_err(invalid("felt"))?;
    let note = FeltNote::parse_optional(&form.note).map_err(invalid("note"))?;
    app.reconnect(
        &user.session,
        space,
        Command::SayHowItFelt {
            plan: entry_id(&plan)?,
            felt,
            note,
        },
    )
    .await?;
    Ok(to(format!("/spaces/{space}/together#time")))
}

pub async fn add_idea(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Form(form): Form<TextForm>,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    let text = IdeaText::parse(&form.text).map_err(invalid("text"))?;
    app.reconnect(
        &user.session,
        space,
        Command::AddIdea {
            id: EntryId::random(),
            text,
        },
    )
    .await?;
    Ok(to(format!("/spaces/{space}/together#time")))
}

#[derive(Deserialize)]
pub struct GoalForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    target: String,
}

pub async fn set_goal(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Form(form): Form<GoalForm>,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    let text = GoalText::parse(&form.text).map_err(invalid("text"))?;
    let target = TargetDate::parse_optional(&form.target).map_err(invalid("target"))?;
    app.reconnect(
        &user.session,
        space,
        Command::SetGoal {
            id: EntryId::random(),
            text,
            target,
        },
    )
    .await?;
    Ok(to(format!("/spaces/{space}/together#goals")))
}

pub async fn mark_goal(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(goal): Segment2,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    app.reconnect(
        &user.session,
        space,
        Command::MarkGoalReached {
            goal: entry_id(&goal)?,
        },
    )
    .await?;
    Ok(to(format!("/spaces/{space}/together#goals")))
}

pub async fn confirm_goal(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(goal): Segment2,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    app.reconnect(
        &user.session,
        space,
        Command::ConfirmGoal {
            goal: entry_id(&goal)?,
        },
    )
    .await?;
    Ok(to(format!("/spaces/{space}/together#goals")))
}

// ---- pace and stage on a breach's page ----------------------------------------------------

/// A topic's readiness as shown on the breach page.
pub struct PaceLine {
    pub key: String,
    pub label: String,
    pub readiness: &'static str,
}

/// Pace and stage of one breach, for the breach page.
pub struct BreachRepair {
    pub pace: Vec<PaceLine>,
    pub readiness: Vec<(&'static str, &'static str)>,
    pub stage: Stage,
    pub stage_about: &'static str,
    pub practices: Vec<(&'static str, Option<String>)>,
    pub pending: Option<(EntryId, String, bool)>,
    pub history: Vec<String>,
    pub can_go_on: bool,
    pub can_go_back: bool,
}

/// Where a practice of a stage lives, if it has been built.
fn practice_link(base: &str, breach: EntryId, feature: &str) -> Option<String> {
    match feature {
        "disclosure" | "apology" => Some(format!("{base}/breaches/{breach}")),
        "pace" => Some(format!("{base}/breaches/{breach}#pace")),
        "questions" => Some(format!("{base}/questions")),
        "letters" => Some(format!("{base}/letters")),
        "checkins" => Some(format!("{base}/checkins")),
        "appreciations" | "time_together" | "goals" => Some(format!("{base}/together")),
        _ => None,
    }
}

pub fn breach_repair(
    state: &SpaceState,
    me: PersonId,
    breach: EntryId,
    zone: &Zone,
) -> BreachRepair {
    let r = &state.reconnect;
    let base = format!("/spaces/{}", state.id);
    let stage = r.stage(breach);
    let pending = r.pending_stage(breach).map(|p| {
        (
            p.id,
            format!(
                "{} proposed moving {} to {}",
                name(state, me, p.by),
                if p.is_back() { "back" } else { "on" },
                p.to.name()
            ),
            p.by == me,
        )
    });
    let history = r
        .stage_track(breach)
        .map(|t| {
            t.changes()
                .map(|p| {
                    format!(
                        "{}: from {} to {}",
                        format_time(p.at_us, zone),
                        p.from.name(),
                        p.to.name()
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    BreachRepair {
        pace: r
            .pace_topics(breach)
            .into_iter()
            .map(|t| PaceLine {
                key: t.topic.key(),
                label: t.label.to_owned(),
                readiness: t.readiness.map_or("not said yet", Readiness::label),
            })
            .collect(),
        readiness: Readiness::ALL
            .iter()
            .map(|r| (r.as_str(), r.label()))
            .collect(),
        stage,
        stage_about: stage.about(),
        practices: stage
            .practices()
            .iter()
            .map(|p| (p.label, practice_link(&base, breach, p.feature)))
            .collect(),
        pending,
        history,
        can_go_on: stage.next().is_some(),
        can_go_back: stage.previous().is_some(),
    }
}

#[derive(Deserialize)]
pub struct PaceForm {
    #[serde(default)]
    topic: String,
    #[serde(default)]
    readiness: String,
}

pub async fn set_pace(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(breach): Segment2,
    Form(form): Form<PaceForm>,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    let breach = entry_id(&breach)?;
    let topic = Topic::parse(&form.topic).map_err(invalid("topic"))?;
    let readiness = Readiness::parse(&form.readiness).map_err(invalid("readiness"))?;
    app.reconnect(
        &user.session,
        space,
        Command::SetPace {
            breach,
            topic,
            readiness,
        },
    )
    .await?;
    Ok(to(format!("/spaces/{space}/breaches/{breach}#pace")))
}

pub async fn add_topic(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(breach): Segment2,
    Form(form): Form<TextForm>,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    let breach = entry_id(&breach)?;
    let text = TopicText::parse(&form.text).map_err(invalid("text"))?;
    app.reconnect(
        &user.session,
        space,
        Command::AddPaceTopic {
            breach,
            id: EntryId::random(),
            text,
        },
    )
    .await?;
    Ok(to(format!("/spaces/{space}/breaches/{breach}#pace")))
}

#[derive(Deserialize)]
pub struct StageForm {
    #[serde(default)]
    direction: String,
    #[serde(default)]
    proposal: String,
    #[serde(default)]
    answer: String,
}

/// Proposes a move (`direction`), or answers a pending proposal (`proposal` + `answer`:
/// confirm, decline or withdraw).
pub async fn stage(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(breach): Segment2,
    Form(form): Form<StageForm>,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    let breach = entry_id(&breach)?;
    let command = if form.proposal.is_empty() {
        let direction = Direction::parse(&form.direction).map_err(invalid("direction"))?;
        Command::ProposeStage {
            breach,
            id: EntryId::random(),
            direction,
        }
    } else {
        let proposal = entry_id(&form.proposal)?;
        match form.answer.as_str() {
            "confirm" => Command::ConfirmStage { breach, proposal },
            "decline" => Command::DeclineStage { breach, proposal },
            "withdraw" => Command::WithdrawStage { breach, proposal },
            _ => {
                return Err(AppError::Invalid {
                    field: "answer",
                    message: "Please choose an answer.".into(),
                }
                .into());
            }
        }
    };
    app.reconnect(&user.session, space, command).await?;
    Ok(to(format!("/spaces/{space}/breaches/{breach}#stage")))
}

#[derive(Template, WebTemplate)]
#[template(path = "stages.html")]
struct StagesPage {
    chrome: Chrome,
    space: SpaceId,
    stages: Vec<(&'static str, &'static str, &'static str, Vec<&'static str>)>,
}

/// What each stage of repair is about, for everyone to read.
pub async fn stages(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    app.own_up_state(&user.session, space).await?;
    Ok(StagesPage {
        chrome: Chrome::signed_in(&user.csrf),
        space,
        stages: Stage::ALL
            .iter()
            .map(|s| {
                (
                    s.name(),
                    s.tagline(),
                    s.about(),
                    s.practices().iter().map(|p| p.label).collect(),
                )
            })
            .collect(),
    }
    .into_response())
}
