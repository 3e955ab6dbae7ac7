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
use super::view::{Chrome, Name, People, breach_title, format_time, invalid, quoted, see_other};
use crate::domain::ownup::{self, Command, Text, limits};
use crate::domain::seen::Marks;
use crate::domain::space::{SpaceEvent, SpaceState};
use crate::domain::{EntryId, PersonId};

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/spaces/{id}/breaches/{entry}/disclosure",
            post(add_disclosure),
        )
        .route("/spaces/{id}/breaches/{entry}/read", post(mark_read))
}

/// The account's first steps: the partner who broke trust writes it ("Write your full
/// account of “…”" until there is an entry); the hurt partner reads it when ready ("Alex
/// added to their account of “…”", one line per breach with entries not marked read).
pub fn first_steps(state: &SpaceState, viewer: PersonId, marks: &Marks) -> Vec<(String, String)> {
    let write = state
        .own_up
        .breaches
        .iter()
        .filter(|b| b.broke_trust == viewer && b.disclosure.is_empty() && state.is_full())
        .map(|b| {
            (
                format!("Write your full account of {}", quoted(&b.title)),
                format!("/spaces/{}/breaches/{}#account", state.id, b.id),
            )
        });
    write.chain(unread(state, viewer, marks)).collect()
}

fn unread(state: &SpaceState, viewer: PersonId, marks: &Marks) -> Vec<(String, String)> {
    let writer = People::of(state, viewer).partner_name;
    state
        .own_up
        .breaches
        .iter()
        .filter(|b| b.hurt == viewer && b.disclosure.iter().any(|e| !marks.read(e.id)))
        .map(|b| {
            let first = b.disclosure.iter().all(|e| !marks.read(e.id));
            (
                if first {
                    format!(
                        "{writer} wrote their account of {}: read it when you are ready",
                        quoted(&b.title)
                    )
                } else {
                    format!("{writer} added to their account of {}", quoted(&b.title))
                },
                format!("/spaces/{}/breaches/{}#account", state.id, b.id),
            )
        })
        .collect()
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
    /// For the reader: not marked read yet.
    pub new: bool,
    /// For the writer: their partner marked it read (never when, nor how often).
    pub read: bool,
    /// For the writer: still theirs to withdraw (just written, not shown to the partner).
    pub withdrawable: bool,
}

#[derive(Template)]
#[template(path = "disclosure.html")]
struct AccountSection {
    chrome: Chrome,
    breach: BreachHead,
    entries: Vec<EntryView>,
    disclosure_max: usize,
    /// The writer's name, for the reader's content note.
    writer: Name,
    /// The reader has entries not yet marked read.
    unread: bool,
}

/// The account, as a section of the breach's page.
pub fn on_breach(on: &OnBreach) -> Result<String, askama::Error> {
    let breach = on.breach;
    let zone = &on.page.zone;
    let (page, writing) = (on.page, on.i_broke_trust());
    let own_up = &page.state.own_up;
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
                new: !writing && !on.marks.read(e.id),
                read: writing && on.partner_marks.read(e.id),
                withdrawable: writing
                    && !on.partner_marks.shown(e.id)
                    && own_up.may_withdraw(e.id, page.me(), page.now_us),
            })
            .collect(),
        disclosure_max: limits::DISCLOSURE,
        writer: page.people.name(breach.broke_trust),
        unread: !writing && breach.disclosure.iter().any(|e| !on.marks.read(e.id)),
    }
    .render()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DisclosureForm {
    text: String,
    corrects: String,
}

/// The reader marks the account as read so far.
async fn mark_read(
    page: InSpace,
    EntryPath(space, breach): EntryPath,
) -> Result<Response, WebError> {
    page.app
        .mark_account_read(&page.session, &page.state, breach)
        .await?;
    Ok(see_other(&format!(
        "/spaces/{space}/breaches/{breach}#account"
    )))
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
