//! Apologies: the guided form in five parts with its accountability check, the apology's
//! page, and the recipient's response when they are ready.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::context::{BreachHead, EntryPath, InSpace, OnBreach};
use super::error::{WebError, not_found};
use super::events::Described;
use super::routes::Routes;
use super::view::{Chrome, Name, breach_title, format_time, invalid, see_other};
use super::wording::Checked;
use crate::app::AppError;
use crate::domain::checks::Check;
use crate::domain::ownup::{
    self, Apology, ApologyResponseKind, ApologySections, Breach, Command, Text, Waiting, limits,
};
use crate::domain::space::{SpaceEvent, SpaceState};
use crate::domain::{EntryId, PersonId, SpaceId};

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/spaces/{id}/breaches/{entry}/apology",
            get(apology_form).post(send_apology),
        )
        .route("/spaces/{id}/apologies/{entry}", get(apology))
        .route("/spaces/{id}/apologies/{entry}/respond", post(respond))
}

/// An apology not yet responded to (listed, never pressed).
pub fn waiting(state: &SpaceState, viewer: PersonId, _now_us: i64) -> Vec<(String, String)> {
    state
        .own_up
        .waiting_for(viewer)
        .into_iter()
        .filter_map(|w| match w {
            Waiting::RespondToApology(id) => Some((
                "Read an apology, and respond when you are ready".to_owned(),
                format!("/spaces/{}/apologies/{id}", state.id),
            )),
            _ => None,
        })
        .collect()
}

/// Record-page wording for sending and answering an apology.
pub fn describe(state: &SpaceState, base: &str, event: &SpaceEvent) -> Described {
    use ownup::Event as E;
    match event {
        SpaceEvent::OwnUp(E::ApologySent(e)) => Some((
            format!("sent an apology for “{}”", breach_title(state, e.breach)),
            Some(format!("{base}/apologies/{}", e.apology)),
        )),
        SpaceEvent::OwnUp(E::ApologyResponded(e)) => Some((
            format!("responded to an apology: {}", e.response.label()),
            Some(format!("{base}/apologies/{}", e.apology)),
        )),
        _ => None,
    }
}

pub struct ApologyLine {
    pub id: EntryId,
    pub when: String,
    pub latest_response: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "breach_apologies.html")]
struct BreachApologies {
    breach: BreachHead,
    apologies: Vec<ApologyLine>,
}

/// The apologies for a breach, as a section of its page.
pub fn on_breach(on: &OnBreach) -> Result<String, askama::Error> {
    BreachApologies {
        breach: on.head(),
        apologies: on
            .page
            .state
            .own_up
            .apologies
            .iter()
            .filter(|a| a.breach == on.breach.id)
            .map(|a| ApologyLine {
                id: a.id,
                when: format_time(a.sent_at_us, &on.page.zone),
                latest_response: a.responses.last().map(|r| r.kind.label()),
            })
            .collect(),
    }
    .render()
}

/// One section of the apology form.
pub struct SectionField {
    pub name: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub value: String,
    /// What the accountability check found in this section, shown beside it.
    pub check: Checked,
}

fn section_fields(values: &ApologyForm) -> Vec<SectionField> {
    vec![
        SectionField {
            name: "what_i_did",
            label: "What I did",
            hint: "Name it plainly and completely, without softening it.",
            value: values.what_i_did.clone(),
            check: Checked::default(),
        },
        SectionField {
            name: "how_it_affected_you",
            label: "How it affected you",
            hint: "In your own words, the specific ways it hurt your partner.",
            value: values.how_it_affected_you.clone(),
            check: Checked::default(),
        },
        SectionField {
            name: "responsibility",
            label: "What I take full responsibility for",
            hint: "Your part, all of it, with no reasons attached.",
            value: values.responsibility.clone(),
            check: Checked::default(),
        },
        SectionField {
            name: "changing",
            label: "What I am changing so it does not happen again",
            hint: "Concrete steps your partner will be able to see.",
            value: values.changing.clone(),
            check: Checked::default(),
        },
        SectionField {
            name: "asking",
            label: "What I ask of you",
            hint: "For example forgiveness, when and if you are ready. Your partner decides.",
            value: values.asking.clone(),
            check: Checked::default(),
        },
    ]
}

#[derive(Template, WebTemplate)]
#[template(path = "apology_form.html")]
struct ApologyFormPage {
    chrome: Chrome,
    space: SpaceId,
    breach: (EntryId, String),
    partner_name: String,
    fields: Vec<SectionField>,
    section_max: usize,
    checked: bool,
    /// Whether any section has a flag.
    flagged: bool,
    error: Option<String>,
}

impl ApologyFormPage {
    fn new(page: &InSpace, breach: &Breach, form: &ApologyForm) -> Self {
        Self {
            chrome: page.chrome(),
            space: page.space(),
            breach: (breach.id, breach.title.clone()),
            partner_name: page.people.partner_name.clone(),
            fields: section_fields(form),
            section_max: limits::APOLOGY_SECTION,
            checked: false,
            flagged: false,
            error: None,
        }
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(super) struct ApologyForm {
    what_i_did: String,
    how_it_affected_you: String,
    responsibility: String,
    changing: String,
    asking: String,
    action: String,
}

impl ApologyForm {
    pub(super) fn sections(&self) -> Result<ApologySections, crate::domain::input::InputError> {
        let section = |raw: &str, what| {
            Text::parse(raw, what, limits::APOLOGY_SECTION).map(|t| t.as_str().to_owned())
        };
        Ok(ApologySections {
            what_i_did: section(&self.what_i_did, "“What I did”")?,
            how_it_affected_you: section(&self.how_it_affected_you, "“How it affected you”")?,
            responsibility: section(
                &self.responsibility,
                "“What I take full responsibility for”",
            )?,
            changing: section(&self.changing, "“What I am changing”")?,
            asking: section(&self.asking, "“What I ask of you”")?,
        })
    }
}

/// The breach an apology is for, if the viewer is the partner who broke trust in it.
fn apology_breach(page: &InSpace, breach: EntryId) -> Result<&Breach, WebError> {
    let b = page.state.own_up.breach(breach).ok_or_else(not_found)?;
    if b.broke_trust != page.me() {
        return Err(AppError::Forbidden(
            "The apology for a breach comes from the partner who broke trust.".into(),
        )
        .into());
    }
    Ok(b)
}

async fn apology_form(
    page: InSpace,
    EntryPath(_, breach): EntryPath,
) -> Result<Response, WebError> {
    let b = apology_breach(&page, breach)?;
    Ok(ApologyFormPage::new(&page, b, &ApologyForm::default()).into_response())
}

/// `check` shows the accountability check; `send` sends if the check finds nothing;
/// `send_anyway` sends whatever the check says. Nothing is stored until it is sent.
async fn send_apology(
    page: InSpace,
    EntryPath(space, breach): EntryPath,
    Form(form): Form<ApologyForm>,
) -> Result<Response, WebError> {
    let b = apology_breach(&page, breach)?;
    let mut shown = ApologyFormPage::new(&page, b, &form);
    let sections = match form.sections() {
        Ok(sections) => sections,
        Err(e) => {
            shown.error = Some(e.0);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, shown).into_response());
        }
    };
    // Each section is checked on its own, so its flags stand beside it.
    for field in &mut shown.fields {
        field.check = Checked::run(&[Check::Accountability], &field.value);
    }
    let flagged = shown.fields.iter().any(|f| !f.check.is_empty());
    let send = match form.action.as_str() {
        "send_anyway" => true,
        "send" => !flagged,
        _ => false,
    };
    if !send {
        shown.checked = true;
        shown.flagged = flagged;
        return Ok(shown.into_response());
    }
    let apology = EntryId::random();
    page.app
        .own_up(
            &page.session,
            space,
            Command::SendApology {
                id: apology,
                breach,
                sections,
            },
        )
        .await?;
    Ok(see_other(&format!("/spaces/{space}/apologies/{apology}")))
}

pub struct ResponseView {
    pub label: &'static str,
    pub missing: Option<String>,
    pub when: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "apology.html")]
struct ApologyPage {
    chrome: Chrome,
    space: SpaceId,
    apology: Apology,
    breach_title: String,
    author: Name,
    sent: String,
    responses: Vec<ResponseView>,
    i_received_it: bool,
    missing_max: usize,
}

async fn apology(page: InSpace, EntryPath(_, id): EntryPath) -> Result<Response, WebError> {
    let zone = &page.zone;
    let a = page.state.own_up.apology(id).ok_or_else(not_found)?.clone();
    Ok(ApologyPage {
        chrome: page.chrome(),
        space: page.space(),
        breach_title: breach_title(&page.state, a.breach),
        author: page.people.name(a.author),
        sent: format_time(a.sent_at_us, zone),
        responses: a
            .responses
            .iter()
            .map(|r| ResponseView {
                label: r.kind.label(),
                missing: r.missing.clone(),
                when: format_time(r.at_us, zone),
            })
            .collect(),
        i_received_it: a.recipient == page.me(),
        apology: a,
        missing_max: limits::MISSING,
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct RespondForm {
    response: String,
    missing: String,
}

async fn respond(
    page: InSpace,
    EntryPath(space, apology): EntryPath,
    Form(form): Form<RespondForm>,
) -> Result<Response, WebError> {
    let response = ApologyResponseKind::parse(&form.response).map_err(invalid("response"))?;
    let missing = match (response, form.missing.trim()) {
        (ApologyResponseKind::SomethingMissing, raw) if !raw.is_empty() => {
            Some(Text::parse(raw, "What is missing", limits::MISSING).map_err(invalid("missing"))?)
        }
        _ => None,
    };
    page.app
        .own_up(
            &page.session,
            space,
            Command::RespondToApology {
                apology,
                response,
                missing,
            },
        )
        .await?;
    Ok(see_other(&format!("/spaces/{space}/apologies/{apology}")))
}
