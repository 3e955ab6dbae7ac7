//! Repair: the pace the hurt partner sets per topic, and each breach's stage (atone,
//! attune, attach), moved on or back only when the hurt partner confirms. Both are a
//! section of the breach's page; the stages are explained on a page of their own.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::context::{BreachHead, EntryPath, InSpace, OnBreach, form_id};
use super::error::WebError;
use super::events::Described;
use super::routes::Routes;
use super::view::{Chrome, Confirm, confirmed, format_time, invalid, quoted, see_other};
use crate::app::AppError;
use crate::domain::repair::{self, Command, Direction, Readiness, Stage, Topic, TopicText};
use crate::domain::seen::Marks;
use crate::domain::space::{SpaceEvent, SpaceState};
use crate::domain::{EntryId, PersonId, SpaceId};

pub fn routes() -> Routes {
    Routes::new()
        .route("/spaces/{id}/stages", get(stages))
        .route("/spaces/{id}/breaches/{entry}/pace", post(set_pace))
        .route("/spaces/{id}/breaches/{entry}/pace/topics", post(add_topic))
        .route("/spaces/{id}/breaches/{entry}/stage", post(stage))
}

/// A proposed change of stage for the hurt partner to answer.
pub fn waiting(state: &SpaceState, viewer: PersonId, _now_us: i64) -> Vec<(String, String)> {
    use repair::Waiting as R;
    state
        .repair
        .waiting_for(viewer, &state.own_up)
        .into_iter()
        .map(|w| match w {
            R::ConfirmStage { breach, .. } => (
                "Answer a proposed change of stage".to_owned(),
                format!("/spaces/{}/breaches/{breach}#stage", state.id),
            ),
        })
        .collect()
}

/// The hurt partner sets the pace on each breach before anything else is pushed.
pub fn first_steps(state: &SpaceState, viewer: PersonId, _marks: &Marks) -> Vec<(String, String)> {
    state
        .own_up
        .breaches
        .iter()
        .filter(|b| b.hurt == viewer && state.is_full())
        .filter(|b| state.repair.pace(b.id).is_none_or(|p| p.changes.is_empty()))
        .map(|b| {
            (
                format!(
                    "Set your pace for {}: say how ready you feel for each topic",
                    quoted(&b.title)
                ),
                format!("/spaces/{}/breaches/{}#pace", state.id, b.id),
            )
        })
        .collect()
}

/// Record-page wording for pace and stages.
pub fn describe(_state: &SpaceState, base: &str, event: &SpaceEvent) -> Described {
    use repair::Event as E;
    let SpaceEvent::Repair(event) = event else {
        return None;
    };
    let (what, breach, anchor) = match event {
        E::PaceSet(e) => ("set the pace on a topic", e.breach, "pace"),
        E::PaceTopicAdded(e) => ("added a pace topic", e.breach, "pace"),
        E::StageProposed(e) => ("proposed a change of stage", e.breach, "stage"),
        E::StageConfirmed(e) => ("confirmed a change of stage", e.breach, "stage"),
        E::StageDeclined(e) => ("declined a change of stage", e.breach, "stage"),
        E::StageWithdrawn(e) => ("withdrew a stage proposal", e.breach, "stage"),
    };
    Some((
        what.to_owned(),
        Some(format!("{base}/breaches/{breach}#{anchor}")),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct TextForm {
    text: String,
}

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
    /// A proposal waiting for the hurt partner: its id, in words, whether it is the
    /// viewer's own, and the stage it would move to.
    pub pending: Option<(EntryId, String, bool, &'static str)>,
    pub history: Vec<String>,
    /// The stage a move on or back would reach, by name ("Attune").
    pub on_to: Option<&'static str>,
    pub back_to: Option<&'static str>,
    /// The topic whose readiness was just saved, to say so beside it.
    pub saved: Option<String>,
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

/// The stage and pace of a breach, as a section of its page.
pub fn on_breach(on: &OnBreach) -> Result<String, askama::Error> {
    BreachRepairSection {
        chrome: on.page.chrome(),
        breach: on.head(),
        repair: BreachRepair {
            saved: on.saved.map(str::to_owned),
            ..breach_repair(on.page, on.breach.id)
        },
    }
    .render()
}

#[derive(Template)]
#[template(path = "repair.html")]
struct BreachRepairSection {
    chrome: Chrome,
    breach: BreachHead,
    repair: BreachRepair,
}

fn breach_repair(page: &InSpace, breach: EntryId) -> BreachRepair {
    let r = &page.state.repair;
    let zone = &page.zone;
    let me = page.me();
    let base = page.base();
    let stage = r.stage(breach);
    let pending = r.pending_stage(breach).map(|p| {
        (
            p.id,
            format!(
                "{} proposed moving {} to {}",
                page.people.name(p.by),
                if p.is_back() { "back" } else { "on" },
                p.to.name()
            ),
            p.by == me,
            p.to.name(),
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
        on_to: stage.next().map(Stage::name),
        back_to: stage.previous().map(Stage::name),
        saved: None,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct PaceForm {
    topic: String,
    readiness: String,
}

async fn set_pace(
    page: InSpace,
    EntryPath(space, breach): EntryPath,
    Form(form): Form<PaceForm>,
) -> Result<Response, WebError> {
    let topic = Topic::parse(&form.topic).map_err(invalid("topic"))?;
    let readiness = Readiness::parse(&form.readiness).map_err(invalid("readiness"))?;
    page.app
        .repair(
            &page.session,
            space,
            Command::SetPace {
                breach,
                topic,
                readiness,
            },
        )
        .await?;
    let key = topic.key();
    Ok(see_other(&format!(
        "/spaces/{space}/breaches/{breach}?saved={key}#pace-{key}"
    )))
}

async fn add_topic(
    page: InSpace,
    EntryPath(space, breach): EntryPath,
    Form(form): Form<TextForm>,
) -> Result<Response, WebError> {
    let text = TopicText::parse(&form.text).map_err(invalid("text"))?;
    page.app
        .repair(
            &page.session,
            space,
            Command::AddPaceTopic {
                breach,
                id: EntryId::random(),
                text,
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/spaces/{space}/breaches/{breach}#pace"
    )))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct StageForm {
    direction: String,
    proposal: String,
    answer: String,
    confirmed: String,
}

/// Proposes a move (`direction`), or answers a pending proposal (`proposal` + `answer`:
/// confirm, decline or withdraw).
async fn stage(
    page: InSpace,
    EntryPath(space, breach): EntryPath,
    Form(form): Form<StageForm>,
) -> Result<Response, WebError> {
    let command = if form.proposal.is_empty() {
        let direction = Direction::parse(&form.direction).map_err(invalid("direction"))?;
        Command::ProposeStage {
            breach,
            id: EntryId::random(),
            direction,
        }
    } else {
        let proposal = form_id(&form.proposal)?;
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
    if !confirmed(&form.confirmed)
        && let Some(ask) = asking(&page, breach, &command)
    {
        return Ok(ask.into_response());
    }
    page.app.repair(&page.session, space, command).await?;
    Ok(see_other(&format!(
        "/spaces/{space}/breaches/{breach}#stage"
    )))
}

/// A step that moves a stage (or asks to), put in words before it is taken: `None` for
/// steps that change no stage (declining, withdrawing) and for any the record will refuse,
/// which are answered with their refusal instead.
fn asking(page: &InSpace, breach: EntryId, command: &Command) -> Option<Confirm> {
    let b = page.state.own_up.breach(breach)?;
    let me = page.me();
    let r = &page.state.repair;
    let from = r.stage(breach);
    let hurt = page.people.name(b.hurt);
    let title = &b.title;
    let (heading, what_happens, button, hidden) = match *command {
        Command::ProposeStage { direction, .. } => {
            let to = match direction {
                Direction::On => from.next(),
                Direction::Back => from.previous(),
            };
            let to = to.filter(|_| r.pending_stage(breach).is_none())?;
            let value = match direction {
                Direction::On => "on",
                Direction::Back => "back",
            };
            let hidden = vec![("direction", value.to_owned())];
            if b.hurt == me {
                (
                    format!("Move to {}?", to.name()),
                    vec![
                        format!(
                            "“{title}” moves from {} to {} now. {}",
                            from.name(),
                            to.name(),
                            to.about()
                        ),
                        "You are the one who says when a stage feels complete, so this takes \
                         effect as soon as you confirm. The move is kept in the record; you can \
                         move the stage again later, but not erase this move."
                            .to_owned(),
                    ],
                    format!("Move to {}", to.name()),
                    hidden,
                )
            } else {
                (
                    format!("Propose moving to {}?", to.name()),
                    vec![
                        format!(
                            "This asks {hurt} to move “{title}” from {} to {}. Nothing changes \
                             until {hurt} confirms; {hurt} may also say not yet.",
                            from.name(),
                            to.name()
                        ),
                        "You can withdraw the proposal until then. The proposal and its answer \
                         are kept in the record."
                            .to_owned(),
                    ],
                    format!("Propose moving to {}", to.name()),
                    hidden,
                )
            }
        }
        Command::ConfirmStage { proposal, .. } => {
            let p = r.pending_stage(breach).filter(|p| p.id == proposal)?;
            (b.hurt == me && p.by != me).then_some(())?;
            (
                format!("Move to {}?", p.to.name()),
                vec![
                    format!(
                        "“{title}” moves from {} to {} now, as {} proposed. {}",
                        p.from.name(),
                        p.to.name(),
                        page.people.name(p.by),
                        p.to.about()
                    ),
                    "The move is kept in the record; you can move the stage again later, but \
                     not erase this move."
                        .to_owned(),
                ],
                format!("Move to {}", p.to.name()),
                vec![
                    ("proposal", proposal.to_string()),
                    ("answer", "confirm".to_owned()),
                ],
            )
        }
        _ => return None,
    };
    Some(Confirm {
        chrome: page.chrome(),
        space: page.space(),
        heading,
        what_happens,
        action: format!("{}/breaches/{breach}/stage", page.base()),
        hidden,
        button,
        back: format!("{}/breaches/{breach}#stage", page.base()),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "stages.html")]
struct StagesPage {
    chrome: Chrome,
    space: SpaceId,
    stages: Vec<(&'static str, &'static str, &'static str, Vec<&'static str>)>,
}

/// What each stage of repair is about, for everyone to read.
async fn stages(page: InSpace) -> Result<Response, WebError> {
    Ok(StagesPage {
        chrome: page.chrome(),
        space: page.space(),
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
