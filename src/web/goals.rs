//! Shared goals: set by either partner, marked reached by one and confirmed by the other,
//! then celebrated. They are a section of the Together page.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use serde::Deserialize;

use super::context::{EntryPath, InSpace, SpacePath};
use super::error::WebError;
use super::events::Described;
use super::guard::SignedIn;
use super::routes::Routes;
use super::view::{Chrome, invalid, see_other};
use crate::app::App;
use crate::domain::space::{SpaceEvent, SpaceState};
use crate::domain::together::{self, Command, GoalStatus, GoalText, TargetDate};
use crate::domain::{EntryId, PersonId, SpaceId};

pub fn routes() -> Routes {
    Routes::new()
        .route("/spaces/{id}/together/goals", post(set_goal))
        .route(
            "/spaces/{id}/together/goals/{entry}/reached",
            post(mark_goal),
        )
        .route(
            "/spaces/{id}/together/goals/{entry}/confirm",
            post(confirm_goal),
        )
}

/// A goal the other partner marked reached, to confirm.
pub fn waiting(state: &SpaceState, viewer: PersonId, _now_us: i64) -> Vec<(String, String)> {
    use together::Waiting as T;
    state
        .together
        .waiting_for(viewer)
        .into_iter()
        .filter(|w| matches!(w, T::ConfirmGoal(_)))
        .map(|_| {
            (
                "Confirm a goal your partner marked reached".to_owned(),
                format!("/spaces/{}/together#goals", state.id),
            )
        })
        .collect()
}

/// Record-page wording for goals.
pub fn describe(_state: &SpaceState, base: &str, event: &SpaceEvent) -> Described {
    use together::Event as E;
    let what = match event {
        SpaceEvent::Together(E::GoalSet(_)) => "set a shared goal",
        SpaceEvent::Together(E::GoalMarkedReached(_)) => "marked a goal reached",
        SpaceEvent::Together(E::GoalConfirmed(_)) => "confirmed a goal reached",
        _ => return None,
    };
    Some((what.to_owned(), Some(format!("{base}/together"))))
}

pub struct GoalLine {
    pub id: EntryId,
    pub text: String,
    pub target: Option<String>,
    pub status: GoalStatus,
    pub marked_by_me: bool,
}

fn goal_line(me: PersonId, goal: &together::Goal) -> GoalLine {
    GoalLine {
        id: goal.id,
        text: goal.text.clone(),
        target: goal.target.map(|t| t.to_string()),
        status: goal.status(),
        marked_by_me: goal.marked.as_ref().is_some_and(|m| m.by == me),
    }
}

#[derive(Template)]
#[template(path = "goals.html")]
struct GoalsSection {
    chrome: Chrome,
    space: SpaceId,
    partner_name: String,
    has_partner: bool,
    goals: Vec<GoalLine>,
    reached: Vec<GoalLine>,
}

/// Shared goals, as a section of the Together page.
pub fn on_together(page: &InSpace) -> Result<String, askama::Error> {
    let me = page.me();
    let r = &page.state.together;
    GoalsSection {
        chrome: page.chrome(),
        space: page.space(),
        partner_name: page.people.partner_name.clone(),
        has_partner: page.people.partner.is_some(),
        goals: r.open_goals().map(|g| goal_line(me, g)).collect(),
        reached: r
            .reached_goals()
            .into_iter()
            .map(|g| goal_line(me, g))
            .collect(),
    }
    .render()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct GoalForm {
    text: String,
    target: String,
}

async fn set_goal(
    page: InSpace,
    SpacePath(space): SpacePath,
    Form(form): Form<GoalForm>,
) -> Result<Response, WebError> {
    let text = GoalText::parse(&form.text).map_err(invalid("text"))?;
    let target = TargetDate::parse_optional(&form.target).map_err(invalid("target"))?;
    page.app
        .together(
            &page.session,
            space,
            Command::SetGoal {
                id: EntryId::random(),
                text,
                target,
            },
        )
        .await?;
    Ok(see_other(&format!("/spaces/{space}/together#goals")))
}

async fn mark_goal(
    State(app): State<App>,
    user: SignedIn,
    EntryPath(space, goal): EntryPath,
) -> Result<Response, WebError> {
    app.together(&user.session, space, Command::MarkGoalReached { goal })
        .await?;
    Ok(see_other(&format!("/spaces/{space}/together#goals")))
}

async fn confirm_goal(
    State(app): State<App>,
    user: SignedIn,
    EntryPath(space, goal): EntryPath,
) -> Result<Response, WebError> {
    app.together(&user.session, space, Command::ConfirmGoal { goal })
        .await?;
    Ok(see_other(&format!("/spaces/{space}/together#goals")))
}
