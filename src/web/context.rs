//! What a handler is handed before it runs: typed ids from the path, and the page context of
//! a space (who is looking, the space as they may see it, the people on it, their time zone,
//! the CSRF token for its forms).
//!
//! A path id that does not parse answers the same 404 as a space that is someone else's or
//! does not exist, so the shape of an address reveals nothing.

use std::sync::Arc;

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use super::error::WebError;
use super::guard::SignedIn;
use super::view::{Chrome, GapLine, Name, People};
use crate::app::{App, AppError, ReadAs, Session, SpaceHead};
use crate::domain::calendar::Zone;
use crate::domain::counsel::Scope;
use crate::domain::ending;
use crate::domain::ownup::Breach;
use crate::domain::seen::Marks;
use crate::domain::space::SpaceState;
use crate::domain::{EntryId, PersonId, SpaceId};

/// The `n`th parameter of the matched route, raw.
async fn param<S: Send + Sync>(parts: &mut Parts, state: &S, n: usize) -> Result<String, WebError> {
    let params = RawPathParams::from_request_parts(parts, state)
        .await
        .map_err(|_| WebError(AppError::NotFound))?;
    params
        .iter()
        .nth(n)
        .map(|(_, value)| value.to_owned())
        .ok_or(WebError(AppError::NotFound))
}

/// `/spaces/{space}/…`: the space's id.
pub struct SpacePath(pub SpaceId);

impl<S: Send + Sync> FromRequestParts<S> for SpacePath {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let raw = param(parts, state, 0).await?;
        raw.parse()
            .map(Self)
            .map_err(|_| WebError(AppError::NotFound))
    }
}

/// `/spaces/{space}/{things}/{entry}/…`: the space and the thing inside it (a breach, a
/// question, a promise …).
pub struct EntryPath(pub SpaceId, pub EntryId);

impl<S: Send + Sync> FromRequestParts<S> for EntryPath {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let SpacePath(space) = SpacePath::from_request_parts(parts, state).await?;
        let raw = param(parts, state, 1).await?;
        let entry = raw.parse().map_err(|_| WebError(AppError::NotFound))?;
        Ok(Self(space, entry))
    }
}

/// `/spaces/{space}/record/{seq}/…`: the space and the number of an entry in its record.
pub struct SeqPath(pub SpaceId, pub u64);

impl<S: Send + Sync> FromRequestParts<S> for SeqPath {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let SpacePath(space) = SpacePath::from_request_parts(parts, state).await?;
        let raw = param(parts, state, 1).await?;
        let seq = raw.parse().map_err(|_| WebError(AppError::NotFound))?;
        Ok(Self(space, seq))
    }
}

/// `/spaces/{space}/charts/{file}`: the file name asked for, as text (checked against the
/// names of the charts by the handler).
pub struct ChartPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ChartPath {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        param(parts, state, 1).await.map(Self)
    }
}

/// `/journal/{entry}`: one of the viewer's journal entries (anyone else's is not found).
pub struct JournalPath(pub EntryId);

impl<S: Send + Sync> FromRequestParts<S> for JournalPath {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let raw = param(parts, state, 0).await?;
        raw.parse()
            .map(Self)
            .map_err(|_| WebError(AppError::NotFound))
    }
}

/// `/invite/{token}`: the token as sent (checked for shape by the invite handlers).
pub struct TokenPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for TokenPath {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        param(parts, state, 0).await.map(Self)
    }
}

/// Link tokens (a partner's invite, a counsellor's) are 43 base64url characters; anything
/// else is not worth a database read.
pub fn plausible_token(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// An id carried in a form field (e.g. which breach a question is about). Malformed is
/// treated like unknown: not found.
pub fn form_id<T: std::str::FromStr>(raw: &str) -> Result<T, WebError> {
    raw.trim().parse().map_err(|_| WebError(AppError::NotFound))
}

/// An optional id from a form field: empty means none.
pub fn optional_form_id<T: std::str::FromStr>(raw: &str) -> Result<Option<T>, WebError> {
    match raw.trim() {
        "" => Ok(None),
        raw => form_id(raw).map(Some),
    }
}

/// Who is reading a space's pages. Every page asks this rather than assuming a partner, so
/// a reader with fewer rights (a counsellor, read-only) is one more variant here, decided
/// once in `app`, not a change in every handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// One of the two partners: reads everything shared, acts on their own part.
    Partner(PersonId),
    /// The couple's counsellor, reading what both partners agreed to (`scope`); they act on
    /// nothing of the couple's.
    Counsellor {
        person: PersonId,
        scope: Scope,
        engagement: EntryId,
    },
}

/// The page context of a space: everything a handler needs to draw a page inside it.
/// Loading it authorizes the viewer; anyone else gets the same 404 as for a space that
/// does not exist, and an anonymous visitor is sent to log in. A handler that reads a form
/// in a space takes this before its `Form`, so whoever may not enter gets that 404 before
/// anything they sent is looked at.
pub struct InSpace {
    pub app: App,
    pub session: Session,
    pub reader: Reader,
    pub state: Arc<SpaceState>,
    pub people: People,
    /// The viewer's time zone: every time on the page is shown in it.
    pub zone: Zone,
    pub csrf: String,
    /// The instant the page is drawn for.
    pub now_us: i64,
    /// The path asked for, to mark the page in the space's navigation.
    pub path: String,
    /// The viewer's marks in the space, where the page read them with the record's head
    /// (the pages a counsellor may read too; a counsellor's are always none).
    pub marks: Option<Marks>,
}

impl InSpace {
    /// Whether the viewer may still withdraw `entry`: theirs, just written, and not yet
    /// shown to their partner. A page offers the button only then (see `web::withdrawals`).
    pub async fn may_withdraw(&self, entry: EntryId) -> Result<bool, WebError> {
        let me = self.me();
        if !self.state.own_up.may_withdraw(entry, me, self.now_us) {
            return Ok(false);
        }
        let Some(partner) = self.state.partner_of(me) else {
            return Ok(true);
        };
        let marks = self
            .app
            .marks_of(&self.session, &self.state, partner.person)
            .await?;
        Ok(!marks.shown(entry))
    }

    /// Notes that this page showed the viewer these entries of their partner's: from now
    /// on their writer can no longer withdraw them.
    pub async fn shown(&self, entries: impl IntoIterator<Item = EntryId>) {
        let entries: Vec<EntryId> = entries.into_iter().collect();
        self.app.shown(&self.session, &self.state, &entries).await;
    }

    /// The viewer, as a person.
    pub fn me(&self) -> PersonId {
        match self.reader {
            Reader::Partner(me) | Reader::Counsellor { person: me, .. } => me,
        }
    }

    /// What the viewer may see as the couple's counsellor; `None` for a partner.
    pub fn counsellor(&self) -> Option<Scope> {
        match self.reader {
            Reader::Partner(_) => None,
            Reader::Counsellor { scope, .. } => Some(scope),
        }
    }

    pub fn space(&self) -> SpaceId {
        self.state.id
    }

    pub fn chrome(&self) -> Chrome {
        self.chrome_with(&self.csrf)
    }

    /// The chrome with `csrf` in the forms instead of the viewer's token (a page to be
    /// cached is drawn with the page cache's mark, see `app::PageCache`).
    pub fn chrome_with(&self, csrf: &str) -> Chrome {
        Chrome {
            gaps: GapLine::of(&self.state, &self.people, &self.zone),
            ..Chrome::signed_in(&self.session, csrf).at(&self.path)
        }
    }

    /// `/spaces/{id}`: where the space's pages live.
    pub fn base(&self) -> String {
        format!("/spaces/{}", self.state.id)
    }
}

impl FromRequestParts<App> for InSpace {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let user = SignedIn::from_request_parts(parts, app).await?;
        let SpacePath(space) = SpacePath::from_request_parts(parts, app)
            .await
            .map_err(IntoResponse::into_response)?;
        let known = parts.extensions.remove::<SpaceHead>();
        let state = app
            .space_for_known(user.session.person, space, known)
            .await
            .map_err(|e| WebError(e).into_response())?;
        let now_us = app.clock().now_us();
        let me = user.session.person;
        // A closed space takes nothing more, whatever the form (one calm reason, before a
        // review page or a warning could suggest otherwise); leaving it, and taking your
        // own words back out of it, stay open.
        if parts.method == axum::http::Method::POST
            && state.is_closed()
            && !parts.uri.path().ends_with("/leave")
            && !parts.uri.path().ends_with("/redact")
        {
            return Err(WebError(AppError::Refused(ending::CLOSED.to_owned())).into_response());
        }
        Ok(Self {
            app: app.clone(),
            people: People::of(&state, me),
            reader: Reader::Partner(me),
            zone: user.session.time_zone.clone(),
            csrf: user.csrf,
            session: user.session,
            state,
            now_us,
            path: parts.uri.path().to_owned(),
            marks: None,
        })
    }
}

/// A page the couple's counsellor may read too, when both partners agreed to show them
/// the progress: the page context, with the reader saying which of the two is looking.
/// Every page a counsellor opens is written to the access log before it is drawn.
pub struct ReadProgress(pub InSpace);

/// A page the couple's counsellor may read only when both partners agreed to show them
/// the shared record too.
pub struct ReadRecord(pub InSpace);

impl FromRequestParts<App> for ReadProgress {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        reading(parts, app, Scope::Progress).await.map(Self)
    }
}

impl FromRequestParts<App> for ReadRecord {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        reading(parts, app, Scope::Record).await.map(Self)
    }
}

/// The page context for a page that needs `needs` of a counsellor.
async fn reading(parts: &mut Parts, app: &App, needs: Scope) -> Result<InSpace, Response> {
    let user = SignedIn::from_request_parts(parts, app).await?;
    let SpacePath(space) = SpacePath::from_request_parts(parts, app)
        .await
        .map_err(IntoResponse::into_response)?;
    let known = parts.extensions.remove::<SpaceHead>();
    let (state, read_as, marks) = app
        .space_to_read(&user.session, space, needs, known)
        .await
        .map_err(|e| WebError(e).into_response())?;
    let me = user.session.person;
    let reader = match read_as {
        ReadAs::Partner => Reader::Partner(me),
        ReadAs::Counsellor { scope, engagement } => {
            if parts.method == axum::http::Method::GET {
                let prefix = format!("/spaces/{space}");
                let page = parts.uri.path().strip_prefix(&prefix).unwrap_or("");
                app.note_look(&user.session, space, page)
                    .await
                    .map_err(|e| WebError(e).into_response())?;
            }
            Reader::Counsellor {
                person: me,
                scope,
                engagement,
            }
        }
    };
    Ok(InSpace {
        app: app.clone(),
        people: People::of(&state, me),
        reader,
        zone: user.session.time_zone.clone(),
        csrf: user.csrf,
        session: user.session,
        state,
        now_us: app.clock().now_us(),
        path: parts.uri.path().to_owned(),
        marks: Some(marks),
    })
}

/// The read-only navigation a counsellor sees in a space, with the notice that it is
/// read-only.
pub struct CounselNav {
    pub space: SpaceId,
    /// Both partners agreed to show the shared record.
    pub record: bool,
}

impl CounselNav {
    pub fn of(page: &InSpace) -> Option<Self> {
        page.counsellor().map(|scope| Self {
            space: page.space(),
            record: scope >= Scope::Record,
        })
    }
}

/// A scope in words.
pub fn scope_words(scope: Scope) -> &'static str {
    match scope {
        Scope::Progress => "progress only",
        Scope::Record => "progress and the shared record",
    }
}

/// What a section of a breach's page is drawn from: the page and the breach. The breach's
/// page is shared; each capability that has something to say about a breach (its stage and
/// pace, reports, the account, questions, apologies) draws its own section from this.
pub struct OnBreach<'a> {
    pub page: &'a InSpace,
    pub breach: &'a Breach,
    /// What the viewer has marked (read, shown), and what their partner has: the writer of
    /// an account sees the reader's "read", and may withdraw only what was not shown.
    pub marks: &'a Marks,
    pub partner_marks: &'a Marks,
    /// What the page was reached after saving (`?saved=<topic>`), if anything.
    pub saved: Option<&'a str>,
}

impl OnBreach<'_> {
    pub fn i_broke_trust(&self) -> bool {
        self.breach.broke_trust == self.page.me()
    }

    pub fn i_was_hurt(&self) -> bool {
        self.breach.hurt == self.page.me()
    }

    /// What every section's template reads about the breach (`breach.*`).
    pub fn head(&self) -> BreachHead {
        BreachHead {
            space: self.page.space(),
            id: self.breach.id,
            hurt: self.page.people.name(self.breach.hurt),
            i_was_hurt: self.i_was_hurt(),
            i_broke_trust: self.i_broke_trust(),
        }
    }
}

/// The breach as a section of its page sees it.
pub struct BreachHead {
    pub space: SpaceId,
    pub id: EntryId,
    pub hurt: Name,
    pub i_was_hurt: bool,
    pub i_broke_trust: bool,
}
