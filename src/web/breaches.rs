//! Breaches: the list, recording one, its page, and the named partner's answer to it. The
//! breach's page is shared: the other capabilities add their sections to it (see
//! `web::ON_BREACH_PAGE`), so this module draws only the breach itself.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::context::{EntryPath, InSpace, OnBreach};
use super::error::{WebError, not_found};
use super::events::Described;
use super::routes::Routes;
use super::view::{Chrome, FormError, Name, answer_form, breach_title, invalid, quoted, see_other};
use crate::app::AppError;
use crate::domain::calendar::{parse_date, utc_date};
use crate::domain::ownup::{
    self, Acknowledgment, Breach, BreachKind, Command, Text, Waiting, limits,
};
use crate::domain::seen::Marks;
use crate::domain::space::{SpaceEvent, SpaceState};
use crate::domain::{EntryId, PersonId, SpaceId};

pub fn routes() -> Routes {
    Routes::new()
        .route("/spaces/{id}/breaches", get(breaches).post(record_breach))
        .route("/spaces/{id}/breaches/{entry}", get(breach))
        .route(
            "/spaces/{id}/breaches/{entry}/acknowledge",
            post(acknowledge),
        )
}

/// "Read what Alex wrote about “…” and say how you see it", for the partner it names.
pub fn waiting(state: &SpaceState, viewer: PersonId, _now_us: i64) -> Vec<(String, String)> {
    state
        .own_up
        .waiting_for(viewer)
        .into_iter()
        .filter_map(|w| match w {
            Waiting::Acknowledge(id) => state.own_up.breach(id).map(|b| {
                let writer = state
                    .partner_of(viewer)
                    .map_or("your partner", |p| p.display_name.as_str());
                (
                    format!(
                        "Read what {writer} wrote about {} and say how you see it",
                        quoted(&b.title)
                    ),
                    format!("/spaces/{}/breaches/{id}", state.id),
                )
            }),
            _ => None,
        })
        .collect()
}

/// Before any breach is recorded, the first step is writing down what happened.
pub fn first_steps(state: &SpaceState, viewer: PersonId, _marks: &Marks) -> Vec<(String, String)> {
    if state.partner_of(viewer).is_none() || !state.own_up.breaches.is_empty() {
        return Vec::new();
    }
    vec![(
        "Begin by writing down what happened: either of you can record it".to_owned(),
        format!("/spaces/{}/breaches", state.id),
    )]
}

/// Record-page wording for recording and answering a breach.
pub fn describe(state: &SpaceState, base: &str, event: &SpaceEvent) -> Described {
    use ownup::Event as E;
    let SpaceEvent::OwnUp(event) = event else {
        return None;
    };
    match event {
        E::BreachRecorded(e) => Some((
            format!("recorded a breach: “{}”", e.title),
            Some(format!("{base}/breaches/{}", e.breach)),
        )),
        E::BreachAcknowledged(e) => Some((
            if e.sees_differently.is_some() {
                format!(
                    "answered “{}”: sees it differently",
                    breach_title(state, e.breach)
                )
            } else {
                format!("acknowledged “{}”", breach_title(state, e.breach))
            },
            Some(format!("{base}/breaches/{}", e.breach)),
        )),
        _ => None,
    }
}

pub struct BreachLine {
    pub id: EntryId,
    pub title: String,
    pub kind: &'static str,
    pub broke_trust: Name,
    pub needs_my_answer: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "breaches.html")]
struct BreachesPage {
    chrome: Chrome,
    space: SpaceId,
    breaches: Vec<BreachLine>,
    partner_name: String,
    has_partner: bool,
    kinds: Vec<(&'static str, &'static str)>,
    today: String,
    title_max: usize,
    /// What was typed, when the form comes back with a refusal.
    typed: BreachForm,
    error: Option<FormError>,
}

async fn breaches(page: InSpace) -> Result<Response, WebError> {
    Ok(breaches_page(&page, BreachForm::default(), None).into_response())
}

fn breaches_page(page: &InSpace, typed: BreachForm, error: Option<FormError>) -> BreachesPage {
    let people = &page.people;
    let today = utc_date(page.now_us)
        .map(|d| d.to_string())
        .unwrap_or_default();
    BreachesPage {
        chrome: page.chrome(),
        space: page.space(),
        breaches: page
            .state
            .own_up
            .breaches
            .iter()
            .map(|b| BreachLine {
                id: b.id,
                title: b.title.clone(),
                kind: b.kind.label(),
                broke_trust: people.name(b.broke_trust),
                needs_my_answer: b.broke_trust == people.me
                    && b.acknowledgment == Acknowledgment::Pending,
            })
            .collect(),
        partner_name: people.partner_name.clone(),
        has_partner: people.partner.is_some(),
        kinds: BreachKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        today,
        title_max: limits::TITLE,
        typed,
        error,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct BreachForm {
    title: String,
    kind: String,
    broke_trust: String,
    discovered_on: String,
    /// `understood` once the person has read that their partner will see a breach about
    /// threats or anger at once, and chosen to record it.
    safety: String,
}

impl BreachForm {
    const FIELDS: &[&str] = &["title", "kind", "broke_trust", "discovered_on"];
}

/// What the person sees before a breach about threats or anger is recorded: their partner
/// will see it at once, help is one click away, and not recording it writes nothing.
#[derive(Template, WebTemplate)]
#[template(path = "breach_safety.html")]
struct SafetyWarning {
    chrome: Chrome,
    space: SpaceId,
    partner_name: String,
    /// The partner the breach names as having broken trust is the other one.
    about_partner: bool,
    typed: BreachForm,
}

/// A refused field comes back to the form, beside the field, with what was typed. A breach
/// about threats or anger is recorded only once the person has been told their partner will
/// see it now (DESIGN: nothing about threats, fear or safety reaches the other unwarned).
async fn record_breach(page: InSpace, Form(form): Form<BreachForm>) -> Result<Response, WebError> {
    let recorded = match parse(&page, &form) {
        Ok(breach) if breach.kind == BreachKind::ThreatsOrAnger && form.safety != "understood" => {
            return Ok(SafetyWarning {
                chrome: page.chrome(),
                space: page.space(),
                partner_name: page.people.partner_name.clone(),
                about_partner: breach.broke_trust != page.people.me,
                typed: form,
            }
            .into_response());
        }
        Ok(breach) => record(&page, breach).await,
        Err(err) => Err(err),
    };
    answer_form(recorded, BreachForm::FIELDS, |error| {
        breaches_page(&page, form, Some(error))
    })
}

/// A breach as the form describes it, every field checked.
struct NewBreach {
    title: Text,
    kind: BreachKind,
    broke_trust: PersonId,
    discovered_on: jiff::civil::Date,
}

fn parse(page: &InSpace, form: &BreachForm) -> Result<NewBreach, AppError> {
    let people = &page.people;
    let title = Text::parse(&form.title, "The title", limits::TITLE)
        .map_err(|e| AppError::invalid("title", e))?;
    let kind = BreachKind::parse(&form.kind).map_err(|e| AppError::invalid("kind", e))?;
    let broke_trust = match (form.broke_trust.as_str(), people.partner) {
        ("me", _) => people.me,
        ("partner", Some(partner)) => partner,
        _ => {
            return Err(AppError::Invalid {
                field: "broke_trust",
                message: "Please choose who broke trust.".into(),
            });
        }
    };
    let discovered_on = parse_date(form.discovered_on.trim()).ok_or_else(|| AppError::Invalid {
        field: "discovered_on",
        message: "Please give the date it came to light, like 2026-10-02.".into(),
    })?;
    Ok(NewBreach {
        title,
        kind,
        broke_trust,
        discovered_on,
    })
}

async fn record(page: &InSpace, new: NewBreach) -> Result<String, AppError> {
    let NewBreach {
        title,
        kind,
        broke_trust,
        discovered_on,
    } = new;
    let breach = EntryId::random();
    page.app
        .own_up(
            &page.session,
            page.space(),
            Command::RecordBreach {
                id: breach,
                title,
                kind,
                broke_trust,
                discovered_on,
            },
        )
        .await?;
    Ok(format!("/spaces/{}/breaches/{breach}", page.space()))
}

#[derive(Template, WebTemplate)]
#[template(path = "breach.html")]
struct BreachPage {
    chrome: Chrome,
    space: SpaceId,
    breach: Breach,
    kind: &'static str,
    broke_trust: Name,
    hurt: Name,
    i_broke_trust: bool,
    recorded_by: Name,
    account_max: usize,
    /// The other capabilities' sections, each already rendered by its own (escaping)
    /// template, in page order.
    sections: Vec<String>,
}

/// `?saved=<topic>`: the pace topic just saved.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct BreachQuery {
    saved: String,
}

async fn breach(
    page: InSpace,
    EntryPath(_, id): EntryPath,
    Query(query): Query<BreachQuery>,
) -> Result<Response, WebError> {
    let breach = page.state.own_up.breach(id).ok_or_else(not_found)?;
    let (app, session, state) = (&page.app, &page.session, &page.state);
    let marks = app.my_marks(session, state).await?;
    let partner_marks = match state.partner_of(page.me()) {
        Some(p) => app.marks_of(session, state, p.person).await?,
        None => Marks::default(),
    };
    let on = OnBreach {
        page: &page,
        breach,
        marks: &marks,
        partner_marks: &partner_marks,
        saved: Some(query.saved.as_str()).filter(|s| !s.is_empty()),
    };
    let sections = super::ON_BREACH_PAGE
        .iter()
        .map(|section| section(&on))
        .collect::<Result<Vec<_>, _>>()
        .map_err(anyhow::Error::new)?;
    // What the partner wrote here has now been shown to the viewer.
    app.shown(session, state, &shown_on_breach(state, breach, page.me()))
        .await;
    // What else the page showed for the first time (a closing celebrated, say).
    let seen = super::SEEN_ON_BREACH.iter().flat_map(|f| f(state, id));
    if let Err(err) = app.mark(session, state, &marks, seen).await {
        tracing::warn!(error = %err, "what the breach's page showed not marked this time");
    }
    let people = &page.people;
    Ok(BreachPage {
        chrome: page.chrome(),
        space: page.space(),
        kind: breach.kind.label(),
        broke_trust: people.name(breach.broke_trust),
        hurt: people.name(breach.hurt),
        i_broke_trust: on.i_broke_trust(),
        recorded_by: people.name(breach.recorded_by),
        breach: breach.clone(),
        account_max: limits::ACCOUNT,
        sections,
    }
    .into_response())
}

/// The partner's entries the breach's page shows the viewer: the account, and the
/// questions asked about the breach.
fn shown_on_breach(state: &SpaceState, breach: &Breach, viewer: PersonId) -> Vec<EntryId> {
    let account = breach
        .disclosure
        .iter()
        .filter(|_| breach.broke_trust != viewer)
        .map(|e| e.id);
    let questions = state
        .own_up
        .questions
        .iter()
        .filter(|q| q.breach == Some(breach.id) && q.asker != viewer)
        .map(|q| q.id);
    account.chain(questions).collect()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AcknowledgeForm {
    response: String,
    account: String,
}

async fn acknowledge(
    page: InSpace,
    EntryPath(space, breach): EntryPath,
    Form(form): Form<AcknowledgeForm>,
) -> Result<Response, WebError> {
    let sees_differently = match form.response.as_str() {
        "acknowledged" => None,
        "sees_differently" => Some(
            Text::parse(&form.account, "Your account", limits::ACCOUNT)
                .map_err(invalid("account"))?,
        ),
        _ => {
            return Err(AppError::Invalid {
                field: "response",
                message: "Please choose how you answer.".into(),
            }
            .into());
        }
    };
    page.app
        .own_up(
            &page.session,
            space,
            Command::AcknowledgeBreach {
                breach,
                sees_differently,
            },
        )
        .await?;
    Ok(see_other(&format!("/spaces/{space}/breaches/{breach}")))
}
