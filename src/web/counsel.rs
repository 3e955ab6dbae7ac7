//! A counsellor in the room: inviting one and their link, each partner's consent, ending
//! access, the counsellor's notes and suggestions, the access log, and the counsellor's
//! own view of the couples they counsel (on the home page).
//!
//! What a counsellor may read is decided in `app` on every request; here, the pages.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::context::{
    CounselNav, InSpace, ReadProgress, SpacePath, TokenPath, form_id, plausible_token, scope_words,
};
use super::error::{WebError, error_page};
use super::events::Described;
use super::guard::{SignedIn, Viewer};
use super::routes::Routes;
use super::view::{Chrome, format_time, partner_names, see_other};
use crate::app::{App, AppError, CounsellorInviteView, InviteProblem};
use crate::domain::counsel::{self, Ending, Engagement, Practice, Scope, limits};
use crate::domain::space::{SpaceEvent, SpaceState};
use crate::domain::{EntryId, PersonId, SpaceId};

pub fn routes() -> Routes {
    Routes::new()
        .route("/spaces/{id}/counsellor", get(page))
        .route("/spaces/{id}/counsellor/invite", post(invite))
        .route("/spaces/{id}/counsellor/consent", post(consent))
        .route("/spaces/{id}/counsellor/end", post(end))
        .route("/spaces/{id}/counsellor/notes", post(add_note))
        .route("/spaces/{id}/counsellor/step-away", post(step_away))
        .route("/counsel/{token}", get(link_page).post(join))
}

// ---- the words -----------------------------------------------------------------------

/// What a counsellor sees with each scope, exactly: shown before anyone consents.
pub const SEES_PROGRESS: &[&str] = &[
    "the charts of how things are moving (trust, feelings, promises kept, time together)",
    "the signals that suggest a counsellor, with what each is based on",
    "the milestones you reached",
    "the printable summary, for any dates",
    "each breach's title, its stage and its pace",
];

/// What "progress and the shared record" adds.
pub const SEES_RECORD: &[&str] = &[
    "every entry in your shared record, with what it says: breaches, the account of what \
     happened, questions and answers, apologies, letters once sent, promises, agreements, \
     reports, check-in answers once both can see them, time together and goals",
];

/// What a counsellor never sees, whatever you choose.
pub const NEVER_SEES: &[&str] = &[
    "letter drafts, and anything else you have not sent",
    "check-in answers while they are still sealed",
    "private journal entries",
    "anything about your accounts: e-mail addresses, passwords, sessions, devices, when you log in",
    "the other couples they work with (and you never see theirs)",
];

fn practice_words(practice: Practice) -> &'static str {
    match practice {
        Practice::Letter => "writing a letter",
        Practice::CheckIn => "a check-in",
        Practice::TimeTogether => "time together",
        Practice::Question => "a question to talk over",
    }
}

fn practice_page(practice: Practice) -> &'static str {
    match practice {
        Practice::Letter => "letters",
        Practice::CheckIn => "checkins",
        Practice::TimeTogether => "together",
        Practice::Question => "questions",
    }
}

/// A page of the access log in words, from the path it was opened at.
fn page_words(page: &str) -> String {
    match page {
        "" | "/" => "the home page".to_owned(),
        "/summary" => "the printable summary".to_owned(),
        "/record" => "the shared record".to_owned(),
        "/counsellor" => "the counsellor page".to_owned(),
        other => match other.strip_prefix("/charts/") {
            Some(chart) => format!("a chart ({chart})"),
            None => other.to_owned(),
        },
    }
}

/// What waits for a partner: choosing what a counsellor who opened the link may see.
pub fn waiting(state: &SpaceState, me: PersonId, _now_us: i64) -> Vec<(String, String)> {
    match state.counsel.open() {
        Some(e) if state.is_partner(me) && e.counsellor.is_some() && e.consent_of(me).is_none() => {
            vec![(
                format!("Choose what {} may see as your counsellor", e.name),
                format!("/spaces/{}/counsellor", state.id),
            )]
        }
        _ => Vec::new(),
    }
}

/// Record-page wording for the counsellor's events.
pub fn describe(_state: &SpaceState, base: &str, event: &SpaceEvent) -> Described {
    let SpaceEvent::Counsel(event) = event else {
        return None;
    };
    let what = match event {
        counsel::Event::CounsellorInvited(e) => format!("invited a counsellor ({})", e.name),
        counsel::Event::CounsellorJoined(_) => "opened the counsellor's link".to_owned(),
        counsel::Event::ConsentGiven(e) => {
            format!("agreed the counsellor may see {}", scope_words(e.scope))
        }
        counsel::Event::AccessEnded(_) => "ended the counsellor's access".to_owned(),
        counsel::Event::SteppedAway(_) => "stepped away as counsellor".to_owned(),
        counsel::Event::NoteAdded(e) => match e.practice {
            Some(p) => format!("suggested {}", practice_words(p)),
            None => "left a note for you both".to_owned(),
        },
    };
    Some((what, Some(format!("{base}/counsellor"))))
}

// ---- the partners' page ---------------------------------------------------------------

pub struct NoteLine {
    pub when: String,
    pub who: String,
    pub text: String,
    /// The practice suggested, in words, and where it is.
    pub practice: Option<(&'static str, String)>,
}

pub struct LookLine {
    pub when: String,
    pub who: String,
    pub page: String,
}

/// An engagement as the partners' page shows it.
pub struct EngagementView {
    pub id: EntryId,
    pub name: String,
    /// Who opened the link (their account's name), once someone has.
    pub counsellor: Option<String>,
    /// The viewer's consent, as the form's value.
    pub mine: Option<&'static str>,
    pub mine_words: &'static str,
    pub theirs_words: &'static str,
    /// What the counsellor may see now, in words.
    pub granted: Option<&'static str>,
}

#[derive(Template, WebTemplate)]
#[template(path = "counsel.html")]
struct PartnersPage {
    chrome: Chrome,
    space: SpaceId,
    partner: Option<String>,
    open: Option<EngagementView>,
    /// Earlier engagements, in words, newest first.
    history: Vec<String>,
    notes: Vec<NoteLine>,
    looks: Vec<LookLine>,
    sees_progress: &'static [&'static str],
    sees_record: &'static [&'static str],
    never_sees: &'static [&'static str],
    scopes: Vec<(&'static str, &'static str)>,
    name_max: usize,
    /// The new link, shown once right after it was made.
    link: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "counsel_reading.html")]
struct CounsellorPage {
    chrome: Chrome,
    counsel: CounselNav,
    name: String,
    partners: String,
    scope: &'static str,
    engagement: EntryId,
    notes: Vec<NoteLine>,
    looks: Vec<LookLine>,
    practices: Vec<(&'static str, &'static str)>,
    note_max: usize,
}

fn name_of(state: &SpaceState, person: &str) -> String {
    state.name_of(person).unwrap_or("Someone").to_owned()
}

fn notes(page: &InSpace, engagement: Option<EntryId>) -> Vec<NoteLine> {
    let state = &page.state;
    let shown = match engagement {
        Some(e) => state.counsel.notes_of(e),
        None => state.counsel.notes.iter().rev().collect(),
    };
    shown
        .into_iter()
        .map(|n| NoteLine {
            when: format_time(n.at_us, &page.zone),
            who: if n.author == page.me() {
                "You".to_owned()
            } else {
                name_of(state, &n.author.to_string())
            },
            text: n.text.clone(),
            practice: n.practice.map(|p| {
                (
                    practice_words(p),
                    format!("{}/{}", page.base(), practice_page(p)),
                )
            }),
        })
        .collect()
}

async fn looks(page: &InSpace) -> Result<Vec<LookLine>, WebError> {
    let rows = page.app.access_log(&page.session, &page.state).await?;
    let me = page.me().to_string();
    Ok(rows
        .into_iter()
        .map(|l| LookLine {
            when: format_time(l.at_us, &page.zone),
            who: if l.person_id == me {
                "You".to_owned()
            } else {
                name_of(&page.state, &l.person_id)
            },
            page: page_words(&l.page),
        })
        .collect())
}

fn history_line(page: &InSpace, e: &Engagement) -> Option<String> {
    let ended = e.ended?;
    let who = e
        .counsellor
        .as_ref()
        .map_or_else(|| e.name.clone(), |c| c.display_name.clone());
    let by = if ended.by == page.me() {
        "you".to_owned()
    } else {
        name_of(&page.state, &ended.by.to_string())
    };
    let when = format_time(ended.at_us, &page.zone);
    Some(match ended.how {
        Ending::Ended => format!("{who}: access ended by {by}, {when}"),
        Ending::SteppedAway => format!("{who}: stepped away, {when}"),
        Ending::Replaced => format!("{who}: the link was replaced by a newer one, {when}"),
    })
}

async fn partners_page(page: &InSpace, link: Option<String>) -> Result<PartnersPage, WebError> {
    let state = &page.state;
    let me = page.me();
    let partner = state.partner_of(me);
    let partners = state.partner_ids();
    let open = state.counsel.open().map(|e| EngagementView {
        id: e.id,
        name: e.name.clone(),
        counsellor: e.counsellor.as_ref().map(|c| c.display_name.clone()),
        mine: e.consent_of(me).map(Scope::as_str),
        mine_words: e.consent_of(me).map_or("nothing yet", scope_words),
        theirs_words: partner
            .and_then(|p| e.consent_of(p.person))
            .map_or("nothing yet", scope_words),
        granted: e.granted(&partners).map(scope_words),
    });
    Ok(PartnersPage {
        chrome: page.chrome(),
        space: page.space(),
        partner: partner.map(|p| p.display_name.clone()),
        open,
        history: state
            .counsel
            .engagements
            .iter()
            .rev()
            .filter_map(|e| history_line(page, e))
            .collect(),
        notes: notes(page, None),
        looks: looks(page).await?,
        sees_progress: SEES_PROGRESS,
        sees_record: SEES_RECORD,
        never_sees: NEVER_SEES,
        scopes: Scope::ALL
            .iter()
            .map(|s| (s.as_str(), scope_words(*s)))
            .collect(),
        name_max: limits::NAME,
        link,
    })
}

/// The counsellor page: for a partner, inviting, consenting, ending, the notes and the
/// access log; for the active counsellor, their notes, their own log and stepping away.
async fn page(ReadProgress(page): ReadProgress) -> Result<Response, WebError> {
    let Some(counsel) = CounselNav::of(&page) else {
        return Ok(partners_page(&page, None).await?.into_response());
    };
    let state = &page.state;
    let (engagement, scope) = state
        .counsel
        .active(&state.partner_ids())
        .map(|(e, scope)| (e.id, scope))
        .ok_or(WebError(AppError::NotFound))?;
    Ok(CounsellorPage {
        chrome: page.chrome(),
        name: state.name.clone(),
        partners: partner_names(state),
        scope: scope_words(scope),
        engagement,
        notes: notes(&page, Some(engagement)),
        looks: looks(&page).await?,
        practices: Practice::ALL
            .iter()
            .map(|p| (p.as_str(), practice_words(*p)))
            .collect(),
        note_max: limits::NOTE,
        counsel,
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct InviteForm {
    name: String,
}

async fn invite(page: InSpace, Form(form): Form<InviteForm>) -> Result<Response, WebError> {
    let token = page
        .app
        .invite_counsellor(&page.session, page.space(), &form.name)
        .await?;
    let link = format!("{}/counsel/{token}", page.app.settings().base_url);
    // Shown once, here: the database keeps only the token's hash.
    Ok(partners_page(&page, Some(link)).await?.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ConsentForm {
    engagement: String,
    scope: String,
}

async fn consent(page: InSpace, Form(form): Form<ConsentForm>) -> Result<Response, WebError> {
    let engagement = form_id(&form.engagement)?;
    page.app
        .consent_to_counsellor(&page.session, page.space(), engagement, &form.scope)
        .await?;
    Ok(see_other(&format!("{}/counsellor", page.base())))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct EngagementForm {
    engagement: String,
}

async fn end(page: InSpace, Form(form): Form<EngagementForm>) -> Result<Response, WebError> {
    let engagement = form_id(&form.engagement)?;
    page.app
        .end_counsellor(&page.session, page.space(), engagement)
        .await?;
    Ok(see_other(&format!("{}/counsellor", page.base())))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct NoteForm {
    text: String,
    practice: String,
}

async fn add_note(
    State(app): State<App>,
    user: SignedIn,
    SpacePath(space): SpacePath,
    Form(form): Form<NoteForm>,
) -> Result<Response, WebError> {
    app.add_counsel_note(&user.session, space, &form.text, &form.practice)
        .await?;
    Ok(see_other(&format!("/spaces/{space}/counsellor#notes")))
}

async fn step_away(
    State(app): State<App>,
    user: SignedIn,
    SpacePath(space): SpacePath,
    Form(form): Form<EngagementForm>,
) -> Result<Response, WebError> {
    let engagement: EntryId = form_id(&form.engagement)?;
    app.step_away(&user.session, space, engagement).await?;
    Ok(see_other("/"))
}

// ---- the counsellor's link --------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "counsel_link.html")]
struct LinkPage {
    chrome: Chrome,
    token: String,
    invite: CounsellorInviteView,
    sees_progress: &'static [&'static str],
    sees_record: &'static [&'static str],
    never_sees: &'static [&'static str],
}

async fn link_page(
    State(app): State<App>,
    viewer: Viewer,
    TokenPath(token): TokenPath,
) -> Result<Response, WebError> {
    if !plausible_token(&token) {
        return Err(AppError::Invite(InviteProblem::Unknown).into());
    }
    let invite = app
        .view_counsellor_invite(viewer.session.as_ref().map(|s| s.person), &token)
        .await?;
    if invite.viewer_is_partner {
        return Ok(error_page(
            StatusCode::FORBIDDEN,
            "This is your own space's counsellor link",
            counsel::PARTNER_CANNOT_COUNSEL,
        ));
    }
    Ok(LinkPage {
        chrome: Chrome::of(&viewer),
        token,
        invite,
        sees_progress: SEES_PROGRESS,
        sees_record: SEES_RECORD,
        never_sees: NEVER_SEES,
    }
    .into_response())
}

async fn join(
    State(app): State<App>,
    user: SignedIn,
    TokenPath(token): TokenPath,
) -> Result<Response, WebError> {
    if !plausible_token(&token) {
        return Err(AppError::Invite(InviteProblem::Unknown).into());
    }
    app.join_as_counsellor(&user.session, &token).await?;
    Ok(see_other("/#counselling"))
}
