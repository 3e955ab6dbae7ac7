//! Letters: for when talking is too hard. Written with a gentleness check, kept as private
//! drafts until sent, and then part of the shared record.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::context::{EntryPath, InSpace, optional_form_id};
use super::error::{WebError, not_found, status_of};
use super::events::Described;
use super::routes::Routes;
use super::view::{Chrome, Name, format_time, opening, see_other};
use super::wording::{self, Checked};
use crate::app::{AppError, LetterDraft};
use crate::domain::ownup::{self, Text, limits};
use crate::domain::space::{SpaceEvent, SpaceState};
use crate::domain::{EntryId, PersonId, SpaceId};

pub fn routes() -> Routes {
    Routes::new()
        .route("/spaces/{id}/letters", get(letters).post(write_letter))
        .route("/spaces/{id}/letters/new", get(letter_form))
        .route("/spaces/{id}/letters/{entry}", get(letter))
}

/// How long a letter received is pointed to on the home page.
const LETTER_FRESH_US: i64 = 7 * 86_400_000_000;

/// Letters ask for no reply; one received in the last week is still worth pointing to.
pub fn waiting(state: &SpaceState, viewer: PersonId, now_us: i64) -> Vec<(String, String)> {
    let from = state
        .partner_of(viewer)
        .map_or("your partner", |p| p.display_name.as_str());
    state
        .own_up
        .letters
        .iter()
        .rev()
        .take_while(|l| now_us.saturating_sub(l.sent_at_us) < LETTER_FRESH_US)
        .filter(|l| l.recipient == viewer)
        .map(|l| {
            (
                format!("A letter from {from} came this week"),
                format!("/spaces/{}/letters/{}", state.id, l.id),
            )
        })
        .collect()
}

/// Record-page wording for a letter sent (drafts are never in the record).
pub fn describe(_state: &SpaceState, base: &str, event: &SpaceEvent) -> Described {
    let SpaceEvent::OwnUp(ownup::Event::LetterSent(e)) = event else {
        return None;
    };
    Some((
        "sent a letter".to_owned(),
        Some(format!("{base}/letters/{}", e.letter)),
    ))
}

pub struct LetterLine {
    pub id: EntryId,
    pub from: Name,
    pub to: Name,
    pub when: String,
    pub opening: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "letters.html")]
struct LettersPage {
    chrome: Chrome,
    space: SpaceId,
    letters: Vec<LetterLine>,
    drafts: Vec<(EntryId, String, String)>,
    has_partner: bool,
}

async fn letters(page: InSpace) -> Result<Response, WebError> {
    let zone = &page.zone;
    let people = &page.people;
    let drafts = page.app.letter_drafts(&page.session, page.space()).await?;
    let me = page.me();
    let theirs = page.state.own_up.letters.iter().filter(|l| l.author != me);
    page.shown(theirs.map(|l| l.id)).await;
    Ok(LettersPage {
        chrome: page.chrome(),
        space: page.space(),
        letters: page
            .state
            .own_up
            .letters
            .iter()
            .rev()
            .map(|l| LetterLine {
                id: l.id,
                from: people.name(l.author),
                to: people.name(l.recipient),
                when: format_time(l.sent_at_us, zone),
                opening: opening(&l.text),
            })
            .collect(),
        drafts: drafts
            .iter()
            .map(|d| {
                (
                    d.id,
                    opening(&d.text),
                    format_time(d.updated_at * 1_000_000, zone),
                )
            })
            .collect(),
        has_partner: people.partner.is_some(),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "letter_form.html")]
struct LetterFormPage {
    chrome: Chrome,
    space: SpaceId,
    partner_name: String,
    draft: Option<EntryId>,
    text: String,
    saved: Option<String>,
    /// The checks ran (asked for, or on sending by a partner who broke trust).
    checked: bool,
    check: Checked,
    /// A partner who broke trust is stopped once by a flag; anyone else's Send always sends.
    stops: bool,
    /// The warning before words of fear has been read (see `warn`); carried on.
    understood: bool,
    error: Option<String>,
    letter_max: usize,
}

impl LetterFormPage {
    fn new(page: &InSpace, draft: Option<EntryId>, text: String) -> Self {
        Self {
            chrome: page.chrome(),
            space: page.space(),
            partner_name: page.people.partner_name.clone(),
            draft,
            text,
            saved: None,
            checked: false,
            check: Checked::default(),
            stops: page.state.own_up.broke_trust_in_any(page.people.me),
            understood: false,
            error: None,
            letter_max: limits::LETTER,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DraftQuery {
    draft: String,
}

async fn letter_form(page: InSpace, Query(query): Query<DraftQuery>) -> Result<Response, WebError> {
    let draft: Option<LetterDraft> = match optional_form_id(&query.draft)? {
        None => None,
        Some(id) => Some(
            page.app
                .letter_draft(&page.session, page.space(), id)
                .await?,
        ),
    };
    let mut shown = LetterFormPage::new(
        &page,
        draft.as_ref().map(|d| d.id),
        draft.as_ref().map(|d| d.text.clone()).unwrap_or_default(),
    );
    shown.saved = draft
        .as_ref()
        .map(|d| format_time(d.updated_at * 1_000_000, &page.zone));
    Ok(shown.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct LetterForm {
    text: String,
    draft: String,
    action: String,
    /// Carried on from the warning before words of fear (see `warn`).
    safety: String,
}

/// `save` keeps a private draft; `check` shows the checks that fit the writer (see
/// `wording`); `send_anyway` sends whatever they say; `send` sends, except that a partner
/// who broke trust is shown what the checks found first.
async fn write_letter(page: InSpace, Form(form): Form<LetterForm>) -> Result<Response, WebError> {
    let space = page.space();
    let draft: Option<EntryId> = optional_form_id(&form.draft)?;
    let broke_trust = page.state.own_up.broke_trust_in_any(page.people.me);
    let shown = |status: StatusCode, checked: bool, check: Checked, error: Option<String>| {
        let mut shown = LetterFormPage::new(&page, draft, form.text.clone());
        shown.checked = checked;
        shown.check = check;
        shown.error = error;
        shown.understood = form.safety == "understood";
        (status, shown).into_response()
    };
    let result = match form.action.as_str() {
        "save" => page
            .app
            .save_letter_draft(&page.session, space, draft, &form.text)
            .await
            .map(|id| see_other(&format!("/spaces/{space}/letters/new?draft={id}"))),
        action => {
            // Limits first: the check never reads more than a letter may hold.
            if let Err(e) = Text::parse(&form.text, "The letter", limits::LETTER) {
                return Ok(shown(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    false,
                    Checked::default(),
                    Some(e.0),
                ));
            }
            let check = Checked::run(wording::for_letter(broke_trust), &form.text);
            let send = match action {
                "send_anyway" => true,
                "send" => !broke_trust || check.is_empty(),
                _ => false,
            };
            if send {
                page.app
                    .send_letter(&page.session, space, draft, &form.text)
                    .await
                    .map(|id| see_other(&format!("/spaces/{space}/letters/{id}")))
            } else {
                Ok(shown(StatusCode::OK, true, check, None))
            }
        }
    };
    match result {
        Ok(response) => Ok(response),
        Err(err @ AppError::Invalid { .. }) => {
            let status = status_of(&err);
            Ok(shown(
                status,
                false,
                Checked::default(),
                Some(err.to_string()),
            ))
        }
        Err(err) => Err(err.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "letter.html")]
struct LetterPage {
    chrome: Chrome,
    space: SpaceId,
    id: EntryId,
    /// The writer may still take it back (just sent, not yet shown to the partner).
    withdrawable: bool,
    from: Name,
    to: Name,
    when: String,
    text: String,
}

async fn letter(page: InSpace, EntryPath(_, id): EntryPath) -> Result<Response, WebError> {
    let l = page.state.own_up.letter(id).ok_or_else(not_found)?;
    let mine = l.author == page.me();
    if !mine {
        page.shown([l.id]).await;
    }
    let withdrawable = mine && page.may_withdraw(l.id).await?;
    Ok(LetterPage {
        withdrawable,
        id: l.id,
        chrome: page.chrome(),
        space: page.space(),
        from: page.people.name(l.author),
        to: page.people.name(l.recipient),
        when: format_time(l.sent_at_us, &page.zone),
        text: l.text.clone(),
    }
    .into_response())
}
