//! Disclosure: the account of a breach, written by the partner who broke trust in as many
//! entries as they need, with corrections beside what they correct. It lives on the
//! breach's page as a section.

use askama::Template;
use axum::Form;
use axum::response::Response;
use axum::routing::post;
use serde::Deserialize;

use super::context::{BreachHead, EntryPath, InSpace, OnBreach, optional_form_id};
use super::error::WebError;
use super::events::Described;
use super::routes::Routes;
use super::view::{Chrome, breach_title, format_time, invalid, see_other};
use crate::domain::EntryId;
use crate::domain::ownup::{self, Command, Text, limits};
use crate::domain::space::{SpaceEvent, SpaceState};

pub fn routes() -> Routes {
    Routes::new().route(
        "/spaces/{id}/breaches/{entry}/disclosure",
        post(add_disclosure),
    )
}

/// Record-page wording for an entry of the account.
pub fn describe(state: &SpaceState, base: &str, event: &SpaceEvent) -> Described {
    let SpaceEvent::OwnUp(ownup::Event::DisclosureAdded(e)) = event else {
        return None;
    };
    let title = breach_title(state, e.breach);
    Some((
        if e.corrects.is_some() {
            format!("corrected the account of “{title}”")
        } else {
            format!("added to the account of “{title}”")
        },
        Some(format!("{base}/breaches/{}#entry-{}", e.breach, e.entry)),
    ))
}

pub struct EntryView {
    pub id: EntryId,
    pub text: String,
    pub when: String,
    pub added_later: Option<i64>,
    pub corrects: Option<EntryId>,
    pub corrected_by: Vec<EntryId>,
}

#[derive(Template)]
#[template(path = "disclosure.html")]
struct AccountSection {
    chrome: Chrome,
    breach: BreachHead,
    entries: Vec<EntryView>,
    disclosure_max: usize,
}

/// The account, as a section of the breach's page.
pub fn on_breach(on: &OnBreach) -> Result<String, askama::Error> {
    let breach = on.breach;
    let zone = &on.page.zone;
    AccountSection {
        chrome: on.page.chrome(),
        breach: on.head(),
        entries: breach
            .disclosure
            .iter()
            .map(|e| EntryView {
                id: e.id,
                text: e.text.clone(),
                when: format_time(e.at_us, zone),
                added_later: breach.days_after_first_account(e),
                corrects: e.corrects,
                corrected_by: breach.corrections_of(e.id).map(|c| c.id).collect(),
            })
            .collect(),
        disclosure_max: limits::DISCLOSURE,
    }
    .render()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DisclosureForm {
    text: String,
    corrects: String,
}

async fn add_disclosure(
    page: InSpace,
    EntryPath(space, breach): EntryPath,
    Form(form): Form<DisclosureForm>,
) -> Result<Response, WebError> {
    let text =
        Text::parse(&form.text, "Your account", limits::DISCLOSURE).map_err(invalid("text"))?;
    let corrects = optional_form_id(&form.corrects)?;
    let id = EntryId::random();
    page.app
        .own_up(
            &page.session,
            space,
            Command::AddDisclosure {
                breach,
                id,
                text,
                corrects,
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/spaces/{space}/breaches/{breach}#entry-{id}"
    )))
}
