//! Spaces: the signed-in home page listing the viewer's spaces (or the welcome page),
//! creating a space, and inviting the partner and joining through the invite link.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::Query;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::context::{SpacePath, TokenPath, plausible_token, scope_words};
use super::error::{WebError, status_of};
use super::events::Described;
use super::guard::{INVITE_COOKIE, SignedIn, Viewer, set_cookie};
use super::routes::Routes;
use super::view::{Chrome, Name, format_time, see_other};
use crate::app::{App, AppError, InviteProblem, InviteView, Session, SpaceSummary};
use crate::domain::space::{SpaceEvent, SpaceState};
use crate::domain::{EntryId, SpaceId};

pub fn routes() -> Routes {
    Routes::new()
        .route("/", get(home))
        .route("/spaces", post(create))
        .route("/spaces/{id}/invite", post(new_invite))
        .route("/invite/{token}", get(invite_page).post(join))
}

/// Record-page wording for creating and joining the space.
pub fn describe(_state: &SpaceState, _base: &str, event: &SpaceEvent) -> Described {
    match event {
        SpaceEvent::SpaceCreated(e) => Some((format!("created the space “{}”", e.name), None)),
        SpaceEvent::PartnerJoined(_) => Some(("joined the space".to_owned(), None)),
        SpaceEvent::PartnerLeft(_) => Some((
            "left the space; it is kept as it was, and nothing more can be added".to_owned(),
            None,
        )),
        SpaceEvent::EndedApart(_) => Some((
            "recorded that the repair ends apart; the space is kept as it was, and nothing \
             more can be added"
                .to_owned(),
            None,
        )),
        _ => None,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "welcome.html")]
struct WelcomePage {
    chrome: Chrome,
    /// Just erased an account (`?erased=1`): said once, calmly.
    erased: bool,
}

/// A couple the viewer counsels, as their home page lists it: never log-in times, only
/// when the space last had something added.
struct CounselledLine {
    space: SpaceId,
    space_name: String,
    engagement: EntryId,
    since: String,
    /// What both partners agreed to, in words; `None` while they have not.
    scope: Option<&'static str>,
    last: String,
}

async fn counselled(app: &App, session: &Session) -> Result<Vec<CounselledLine>, WebError> {
    let zone = &session.time_zone;
    let date = |at: i64| format_time(at, zone).chars().take(10).collect::<String>();
    Ok(app
        .counselled(session)
        .await?
        .into_iter()
        .map(|c| CounselledLine {
            space: c.space,
            space_name: c.space_name,
            engagement: c.engagement,
            since: date(c.since_us),
            scope: c.scope.map(scope_words),
            last: date(c.last_at_us),
        })
        .collect())
}

#[derive(Template, WebTemplate)]
#[template(path = "spaces.html")]
struct SpacesPage {
    chrome: Chrome,
    name: String,
    spaces: Vec<SpaceSummary>,
    counselled: Vec<CounselledLine>,
    error: Option<String>,
    /// Just left a space (`?left=1`): said once, calmly.
    left: bool,
}

/// `?left=1`, after leaving a space; `?erased=1`, after erasing an account.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct HomeQuery {
    left: String,
    erased: String,
}

async fn home(
    State(app): State<App>,
    viewer: Viewer,
    Query(query): Query<HomeQuery>,
) -> Result<Response, WebError> {
    let Some(session) = &viewer.session else {
        return Ok(WelcomePage {
            chrome: Chrome::of(&viewer),
            erased: query.erased == "1",
        }
        .into_response());
    };
    let me = app.whoami(session).await?;
    let spaces = in_sentences(app.spaces_of(session).await?);
    Ok(SpacesPage {
        chrome: Chrome::of(&viewer),
        name: me.display_name,
        spaces,
        counselled: counselled(&app, session).await?,
        error: None,
        left: query.left == "1",
    }
    .into_response())
}

/// The spaces page again, with an error from the create form.
async fn spaces_with_error(
    app: &App,
    viewer: &Viewer,
    error: AppError,
) -> Result<Response, WebError> {
    let Some(session) = &viewer.session else {
        return Err(WebError(error));
    };
    let status = status_of(&error);
    let message = match error {
        AppError::Invalid { message, .. } => message,
        other => return Err(WebError(other)),
    };
    let me = app.whoami(session).await?;
    let spaces = in_sentences(app.spaces_of(session).await?);
    let page = SpacesPage {
        chrome: Chrome::of(viewer),
        name: me.display_name,
        spaces,
        counselled: counselled(app, session).await?,
        error: Some(message),
        left: false,
    };
    Ok((status, page).into_response())
}

/// The list says "with Alex": a partner's name as it reads inside a sentence.
fn in_sentences(mut spaces: Vec<SpaceSummary>) -> Vec<SpaceSummary> {
    for space in &mut spaces {
        if let Some(name) = &mut space.partner_name {
            *name = Name::Named(std::mem::take(name)).object().to_owned();
        }
    }
    spaces
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CreateForm {
    name: String,
}

async fn create(
    State(app): State<App>,
    viewer: Viewer,
    user: SignedIn,
    Form(form): Form<CreateForm>,
) -> Result<Response, WebError> {
    match app.create_space(&user.session, &form.name).await {
        Ok((space, token)) => Ok(keeping_invite(
            &app,
            see_other(&format!("/spaces/{space}")),
            token.as_deref(),
        )),
        Err(err @ AppError::Invalid { .. }) => spaces_with_error(&app, &viewer, err).await,
        Err(err) => Err(err.into()),
    }
}

async fn new_invite(
    State(app): State<App>,
    user: SignedIn,
    SpacePath(space): SpacePath,
) -> Result<Response, WebError> {
    let token = app.new_invite(&user.session, space).await?;
    Ok(keeping_invite(
        &app,
        see_other(&format!("/spaces/{space}#invite")),
        Some(&token),
    ))
}

/// `response`, with the new invite link's token kept in the inviter's browser for as long
/// as the link lasts.
fn keeping_invite(app: &App, mut response: Response, token: Option<&str>) -> Response {
    let settings = app.settings();
    let max_age = i64::try_from(settings.invite_ttl.as_secs()).unwrap_or(i64::MAX);
    if let Some(token) = token
        && let Some(cookie) = set_cookie(INVITE_COOKIE, token, max_age, settings.secure_cookies)
    {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, cookie);
    }
    response
}

#[derive(Template, WebTemplate)]
#[template(path = "invite.html")]
struct InvitePage {
    chrome: Chrome,
    token: String,
    invite: InviteView,
}

async fn invite_page(
    State(app): State<App>,
    viewer: Viewer,
    TokenPath(token): TokenPath,
) -> Result<Response, WebError> {
    if !plausible_token(&token) {
        return Err(AppError::Invite(InviteProblem::Unknown).into());
    }
    let invite = app
        .view_invite(viewer.session.as_ref().map(|s| s.person), &token)
        .await?;
    Ok(InvitePage {
        chrome: Chrome::of(&viewer),
        token,
        invite,
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
    let space = app.join(&user.session, &token).await?;
    Ok(see_other(&format!("/spaces/{space}")))
}
