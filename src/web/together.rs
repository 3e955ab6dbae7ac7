//! Time together: a daily appreciation, time planned and remembered ("phones away"), and
//! how it felt for each. Shared goals add their section to this page.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::context::{EntryPath, InSpace};
use super::error::WebError;
use super::events::Described;
use super::guard::SignedIn;
use super::routes::Routes;
use super::view::{Chrome, FormError, Name, People, answer_form, format_time, invalid, see_other};
use crate::app::{App, AppError};
use crate::domain::calendar::Zone;
use crate::domain::space::{SpaceEvent, SpaceState};
use crate::domain::together::{
    self, Activity, AppreciationText, Command, FeltNote, IDEAS, IdeaText, Rating, Together,
};
use crate::domain::{EntryId, PersonId, SpaceId};

pub fn routes() -> Routes {
    Routes::new()
        .route("/spaces/{id}/together", get(together))
        .route("/spaces/{id}/together/appreciations", post(appreciate))
        .route("/spaces/{id}/together/plans", post(plan))
        .route("/spaces/{id}/together/plans/{entry}/log", post(log_time))
        .route("/spaces/{id}/together/plans/{entry}/felt", post(felt))
        .route("/spaces/{id}/together/ideas", post(add_idea))
}

/// Time together to say how it felt, and today's appreciation.
pub fn waiting(state: &SpaceState, viewer: PersonId, now_us: i64) -> Vec<(String, String)> {
    use together::Waiting as T;
    let base = format!("/spaces/{}", state.id);
    let felt = state
        .together
        .waiting_for(viewer)
        .into_iter()
        .filter(|w| matches!(w, T::SayHowItFelt(_)))
        .map(|_| {
            (
                "Say how your time together felt".to_owned(),
                format!("{base}/together#time"),
            )
        });
    let appreciation = (!state.together.wrote_appreciation_today(viewer, now_us)
        && state.is_full()
        && state.repair.open_to_appreciation(&state.own_up))
    .then(|| {
        (
            "Write today's appreciation: something you valued about your partner".to_owned(),
            format!("{base}/together#appreciations"),
        )
    });
    felt.chain(appreciation).collect()
}

/// Record-page wording for appreciations and time together.
pub fn describe(_state: &SpaceState, base: &str, event: &SpaceEvent) -> Described {
    use together::Event as E;
    let SpaceEvent::Together(event) = event else {
        return None;
    };
    let what = match event {
        E::AppreciationWritten(_) => "wrote an appreciation",
        E::TimePlanned(_) => "planned time together",
        E::TimeLogged(_) => "noted that time together happened",
        E::TimeRated(_) => "said how time together felt",
        E::IdeaAdded(_) => "added an idea for time together",
        _ => return None,
    };
    Some((what.to_owned(), Some(format!("{base}/together"))))
}

pub struct AppreciationLine {
    pub from: Name,
    pub text: String,
    pub when: String,
}

pub struct PlanLine {
    pub id: EntryId,
    pub what: String,
    pub when: String,
    pub phones_away: bool,
    pub felt: Vec<(Name, u8, &'static str, Option<String>)>,
    pub i_said: bool,
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
    /// Sections other capabilities add (shared goals), each rendered by its own template.
    sections: Vec<String>,
    appreciation_max: usize,
    typed: Typed,
    error: Option<FormError>,
}

fn plan_line(people: &People, plan: &together::TimeTogether, zone: &Zone) -> PlanLine {
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
                    people.name(f.by),
                    f.rating.get(),
                    f.rating.label(),
                    f.note.clone(),
                )
            })
            .collect(),
        i_said: plan.felt_by(people.me).is_some(),
    }
}

/// How many weeks of appreciation counts the page shows.
const WEEKS: usize = 8;

async fn together(page: InSpace) -> Result<Response, WebError> {
    Ok(together_page(&page, Typed::default(), None)?.into_response())
}

/// The page's forms as typed, when one comes back with a refusal.
#[derive(Default)]
struct Typed {
    appreciation: String,
    what: String,
    when: String,
    phones_away: bool,
    idea: String,
}

fn together_page(
    page: &InSpace,
    typed: Typed,
    error: Option<FormError>,
) -> Result<TogetherPage, WebError> {
    let zone = &page.zone;
    let people = &page.people;
    let me = page.me();
    let now = page.now_us;
    let r: &Together = &page.state.together;
    let sections = super::ON_TOGETHER_PAGE
        .iter()
        .map(|section| section(page))
        .collect::<Result<Vec<_>, _>>()
        .map_err(anyhow::Error::new)?;
    let ideas = IDEAS
        .iter()
        .map(|s| (*s).to_owned())
        .chain(r.own_ideas.iter().map(|i| i.text.clone()))
        .collect();
    Ok(TogetherPage {
        typed,
        error,
        chrome: page.chrome(),
        space: page.space(),
        partner_name: people.partner_name.clone(),
        has_partner: people.partner.is_some(),
        wrote_today: r.wrote_appreciation_today(me, now),
        appreciations: r
            .appreciations_newest_first()
            .take(30)
            .map(|a| AppreciationLine {
                from: people.name(a.author),
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
            .map(|p| plan_line(people, p, zone))
            .collect(),
        to_log: r
            .to_log(now)
            .into_iter()
            .map(|p| plan_line(people, p, zone))
            .collect(),
        happened: r
            .happened()
            .into_iter()
            .map(|p| plan_line(people, p, zone))
            .collect(),
        ideas,
        sections,
        appreciation_max: together::limits::APPRECIATION,
    })
}

/// Draws the page again with `typed`, the refusal at its field (named by the page's own
/// field ids: the appreciation and the idea are both "text" in their forms).
fn refused(page: &InSpace, typed: Typed, error: FormError) -> Response {
    match together_page(page, typed, Some(error)) {
        Ok(shown) => shown.into_response(),
        Err(err) => err.into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct TextForm {
    text: String,
}

async fn appreciate(page: InSpace, Form(form): Form<TextForm>) -> Result<Response, WebError> {
    let space = page.space();
    let written = match AppreciationText::parse(&form.text) {
        Ok(text) => {
            let command = Command::WriteAppreciation {
                id: EntryId::random(),
                text,
            };
            page.app
                .together(&page.session, space, command)
                .await
                .map(|()| format!("/spaces/{space}/together#appreciations"))
        }
        Err(e) => Err(AppError::invalid("appreciation", e)),
    };
    let typed = Typed {
        appreciation: form.text,
        ..Typed::default()
    };
    answer_form(written, &["appreciation"], |error| {
        refused(&page, typed, error)
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct PlanForm {
    what: String,
    when: String,
    phones_away: Option<String>,
}

async fn plan(page: InSpace, Form(form): Form<PlanForm>) -> Result<Response, WebError> {
    let planned = plan_time(&page, &form).await;
    let typed = Typed {
        what: form.what,
        when: form.when,
        phones_away: form.phones_away.is_some(),
        ..Typed::default()
    };
    answer_form(planned, &["what", "when"], |error| {
        refused(&page, typed, error)
    })
}

async fn plan_time(page: &InSpace, form: &PlanForm) -> Result<String, AppError> {
    let what = Activity::parse(&form.what).map_err(|e| AppError::invalid("what", e))?;
    // The form's local date and time, in the planner's own time zone.
    let when_us = page
        .zone
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
    let space = page.space();
    page.app.together(&page.session, space, command).await?;
    Ok(format!("/spaces/{space}/together#time"))
}

async fn log_time(
    State(app): State<App>,
    user: SignedIn,
    EntryPath(space, plan): EntryPath,
) -> Result<Response, WebError> {
    app.together(&user.session, space, Command::LogTime { plan })
        .await?;
    Ok(see_other(&format!("/spaces/{space}/together#time")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct FeltForm {
    felt: String,
    note: String,
}

async fn felt(
    page: InSpace,
    EntryPath(space, plan): EntryPath,
    Form(form): Form<FeltForm>,
) -> Result<Response, WebError> {
    let felt = Rating::parse(&form.felt).map_err(invalid("felt"))?;
    let note = FeltNote::parse_optional(&form.note).map_err(invalid("note"))?;
    page.app
        .together(
            &page.session,
            space,
            Command::SayHowItFelt { plan, felt, note },
        )
        .await?;
    Ok(see_other(&format!("/spaces/{space}/together#time")))
}

async fn add_idea(page: InSpace, Form(form): Form<TextForm>) -> Result<Response, WebError> {
    let space = page.space();
    let added = match IdeaText::parse(&form.text) {
        Ok(text) => {
            let command = Command::AddIdea {
                id: EntryId::random(),
                text,
            };
            page.app
                .together(&page.session, space, command)
                .await
                .map(|()| format!("/spaces/{space}/together#time"))
        }
        Err(e) => Err(AppError::invalid("idea", e)),
    };
    let typed = Typed {
        idea: form.text,
        ..Typed::default()
    };
    answer_form(added, &["idea"], |error| refused(&page, typed, error))
}
