//! The private journal: the author's own, reachable from every page, readable by no one
//! else. Unlocking it, its recovery key, writing, searching, editing, deleting, turning an
//! entry into a letter draft, and the author's download.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::context::{JournalPath, form_id};
use super::error::{WebError, status_of};
use super::guard::SignedIn;
use super::routes::Routes;
use super::view::{Chrome, format_time, see_other};
use crate::app::{App, AppError, JournalEntry, JournalState, Session, SpaceSummary};
use crate::domain::EntryId;
use crate::domain::journal::{self, Prompt, limits, prompt_words};

pub fn routes() -> Routes {
    Routes::new()
        .route("/journal", get(journal).post(write))
        .route("/journal/export", get(export))
        .route("/journal/unlock", post(unlock))
        .route("/journal/recover", post(recover))
        .route("/journal/recovery", post(new_recovery))
        .route("/journal/recovery/confirm", post(confirm_recovery))
        .route("/journal/{entry}", get(entry_page).post(edit))
        .route("/journal/{entry}/delete", post(delete))
        .route("/journal/{entry}/letter", post(to_letter))
}

/// An entry as the list shows it.
pub struct EntryLine {
    pub id: EntryId,
    pub date: String,
    pub prompt: Option<&'static str>,
    pub text: String,
    pub edited: bool,
}

fn line(e: &JournalEntry) -> EntryLine {
    EntryLine {
        id: e.id,
        date: e.entry.date.clone(),
        prompt: e.entry.prompt.as_deref().and_then(prompt_words),
        text: e.entry.text.clone(),
        edited: e.entry.edited_us.is_some(),
    }
}

/// What was typed into a form that was refused, given back to edit.
#[derive(Default)]
pub struct Typed {
    pub date: String,
    pub text: String,
    pub prompt: String,
    pub error: Option<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "journal.html")]
struct JournalPage {
    chrome: Chrome,
    state: &'static str,
    entries: Vec<EntryLine>,
    search: String,
    prompts: Vec<Prompt>,
    today: String,
    typed: Typed,
    /// A new recovery key, shown once.
    recovery: Option<String>,
    entry_max: usize,
    search_max: usize,
}

fn state_name(state: JournalState) -> &'static str {
    match state {
        JournalState::Locked => "locked",
        JournalState::NeedsRecovery => "recovery",
        JournalState::Open => "open",
    }
}

async fn page(
    app: &App,
    user: &SignedIn,
    search: &str,
    typed: Typed,
    recovery: Option<String>,
) -> Result<JournalPage, WebError> {
    let state = app.journal_state(&user.session).await?;
    let entries = if state == JournalState::Open {
        app.journal(&user.session, search)
            .await?
            .iter()
            .map(line)
            .collect()
    } else {
        Vec::new()
    };
    let now = app.clock().now_us();
    Ok(JournalPage {
        chrome: Chrome::signed_in(&user.session, &user.csrf),
        state: state_name(state),
        entries,
        search: search.to_owned(),
        prompts: journal::prompts(app.journal_parts(&user.session).await?),
        today: format_time(now, &user.session.time_zone)
            .chars()
            .take(10)
            .collect(),
        typed,
        recovery,
        entry_max: limits::ENTRY,
        search_max: limits::SEARCH,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SearchQuery {
    q: String,
}

async fn journal(
    State(app): State<App>,
    user: SignedIn,
    Query(query): Query<SearchQuery>,
) -> Result<Response, WebError> {
    let search: String = query.q.chars().take(limits::SEARCH).collect();
    Ok(page(&app, &user, &search, Typed::default(), None)
        .await?
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct EntryForm {
    date: String,
    text: String,
    prompt: String,
}

/// What was typed into an entry form that was refused with `err`, to give back, and the
/// status to answer with; the error itself if it is not about what was typed.
fn typed_back(err: AppError, form: EntryForm) -> Result<(StatusCode, Typed), WebError> {
    let (status, field, message) = refused(err)?;
    Ok((
        status,
        Typed {
            date: form.date,
            text: form.text,
            prompt: form.prompt,
            error: Some((field, message)),
        },
    ))
}

/// The refusal of a form as (field, message), or the error itself if it is not about
/// what was typed.
fn refused(err: AppError) -> Result<(StatusCode, String, String), WebError> {
    let status = status_of(&err);
    match err {
        AppError::Invalid { field, message } => Ok((status, field.to_owned(), message)),
        other => Err(WebError(other)),
    }
}

async fn write(
    State(app): State<App>,
    user: SignedIn,
    Form(form): Form<EntryForm>,
) -> Result<Response, WebError> {
    match app
        .write_journal(&user.session, None, &form.date, &form.text, &form.prompt)
        .await
    {
        Ok(id) => Ok(see_other(&format!("/journal#entry-{id}"))),
        Err(err) => {
            let (status, typed) = typed_back(err, form)?;
            Ok((status, page(&app, &user, "", typed, None).await?).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "journal_entry.html")]
struct EntryPage {
    chrome: Chrome,
    id: EntryId,
    written: String,
    typed: Typed,
    prompts: Vec<Prompt>,
    spaces: Vec<SpaceSummary>,
    entry_max: usize,
}

async fn entry_view(
    app: &App,
    user: &SignedIn,
    id: EntryId,
    typed: Option<Typed>,
) -> Result<EntryPage, WebError> {
    let entry = app.journal_entry(&user.session, id).await?;
    let typed = typed.unwrap_or_else(|| Typed {
        date: entry.entry.date.clone(),
        text: entry.entry.text.clone(),
        prompt: entry.entry.prompt.clone().unwrap_or_default(),
        error: None,
    });
    Ok(EntryPage {
        chrome: Chrome::signed_in(&user.session, &user.csrf),
        id,
        written: format_time(entry.entry.written_us, &user.session.time_zone),
        typed,
        prompts: journal::prompts(app.journal_parts(&user.session).await?),
        spaces: app.spaces_of(&user.session).await?,
        entry_max: limits::ENTRY,
    })
}

async fn entry_page(
    State(app): State<App>,
    user: SignedIn,
    JournalPath(id): JournalPath,
) -> Result<Response, WebError> {
    Ok(entry_view(&app, &user, id, None).await?.into_response())
}

async fn edit(
    State(app): State<App>,
    user: SignedIn,
    JournalPath(id): JournalPath,
    Form(form): Form<EntryForm>,
) -> Result<Response, WebError> {
    match app
        .write_journal(
            &user.session,
            Some(id),
            &form.date,
            &form.text,
            &form.prompt,
        )
        .await
    {
        Ok(id) => Ok(see_other(&format!("/journal#entry-{id}"))),
        Err(err) => {
            let (status, typed) = typed_back(err, form)?;
            Ok((status, entry_view(&app, &user, id, Some(typed)).await?).into_response())
        }
    }
}

async fn delete(
    State(app): State<App>,
    user: SignedIn,
    JournalPath(id): JournalPath,
) -> Result<Response, WebError> {
    app.delete_journal_entry(&user.session, id).await?;
    Ok(see_other("/journal"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct LetterForm {
    space: String,
}

async fn to_letter(
    State(app): State<App>,
    user: SignedIn,
    JournalPath(id): JournalPath,
    Form(form): Form<LetterForm>,
) -> Result<Response, WebError> {
    let space = form_id(&form.space)?;
    let draft = app.journal_to_letter(&user.session, id, space).await?;
    Ok(see_other(&format!(
        "/spaces/{space}/letters/new?draft={draft}"
    )))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct UnlockForm {
    password: String,
    recovery: String,
}

/// The journal page again with a refusal of the unlock forms.
async fn unlock_refused(app: &App, user: &SignedIn, err: AppError) -> Result<Response, WebError> {
    let (status, field, message) = refused(err)?;
    let typed = Typed {
        error: Some((field, message)),
        ..Typed::default()
    };
    Ok((status, page(app, user, "", typed, None).await?).into_response())
}

async fn unlock(
    State(app): State<App>,
    user: SignedIn,
    Form(form): Form<UnlockForm>,
) -> Result<Response, WebError> {
    match app
        .unlock_with_password(&user.session, &form.password)
        .await
    {
        Ok(()) => Ok(see_other("/journal")),
        Err(err) => unlock_refused(&app, &user, err).await,
    }
}

async fn recover(
    State(app): State<App>,
    user: SignedIn,
    Form(form): Form<UnlockForm>,
) -> Result<Response, WebError> {
    match app
        .recover_private(&user.session, &form.recovery, &form.password)
        .await
    {
        Ok(()) => Ok(see_other("/journal")),
        Err(err) => unlock_refused(&app, &user, err).await,
    }
}

/// A new recovery key, shown on this one answer and never again.
async fn new_recovery(State(app): State<App>, user: SignedIn) -> Result<Response, WebError> {
    let words = app.new_recovery_key(&user.session).await?;
    let shown = page(&app, &user, "", Typed::default(), Some(words.to_string())).await?;
    Ok(shown.into_response())
}

async fn confirm_recovery(State(app): State<App>, user: SignedIn) -> Result<Response, WebError> {
    app.confirm_recovery_key(&user.session).await?;
    Ok(see_other("/journal"))
}

/// The author's whole journal as a text file to keep: readable, newest day first.
async fn export(State(app): State<App>, user: SignedIn) -> Result<Response, WebError> {
    let entries = app.journal(&user.session, "").await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"goldseam-journal.txt\"",
            ),
        ],
        export_text(&user.session, &entries),
    )
        .into_response())
}

fn export_text(session: &Session, entries: &[JournalEntry]) -> String {
    let mut out = String::from(
        "My Goldseam journal\n\nOnly I could read this in Goldseam. Keep this file somewhere as private.\n",
    );
    for e in entries {
        out.push_str("\n----------------------------------------\n");
        out.push_str(&e.entry.date);
        out.push_str(&format!(
            " (written {})\n",
            format_time(e.entry.written_us, &session.time_zone)
        ));
        if let Some(words) = e.entry.prompt.as_deref().and_then(prompt_words) {
            out.push_str(words);
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&e.entry.text);
        out.push('\n');
    }
    out
}
