//! A space's home page, inviting and joining, the record page and its export.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::error::WebError;
use super::guard::{SignedIn, Viewer};
use super::pages::{Chrome, Param, Segment, space_id, spaces_with_error};
use crate::app::{App, AppError, InviteView};
use crate::domain::checkin::Zone;
use crate::domain::record::{self, RecordedEvent};
use crate::domain::space::{SpaceEvent, SpaceState};
use crate::domain::trends::Trends;
use crate::domain::{PersonId, SpaceId};
use crate::export::Export;

/// "2026-11-23 19:04 CET": an instant in the viewer's own time zone.
pub fn format_time(at_us: i64, zone: &Zone) -> String {
    zone.local_text(at_us)
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    name: String,
}

pub async fn create(
    State(app): State<App>,
    viewer: Viewer,
    user: SignedIn,
    Form(form): Form<CreateForm>,
) -> Result<Response, WebError> {
    match app.create_space(&user.session, &form.name).await {
        Ok(space) => Ok(Redirect::to(&format!("/spaces/{space}")).into_response()),
        Err(err @ AppError::Invalid { .. }) => spaces_with_error(&app, &viewer, err).await,
        Err(err) => Err(err.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "space.html")]
struct SpacePage {
    chrome: Chrome,
    space: SpaceId,
    name: String,
    me: String,
    partner: Option<String>,
    invite_link: Option<String>,
    fingerprint: String,
    events: u64,
    waiting: Vec<(String, String)>,
    /// Each breach with its stage and pace, e.g. ("The messages", "Atone", "2 of 4 topics ready").
    repairs: Vec<(String, String, String, String)>,
    upcoming: Vec<String>,
    celebrated: Vec<String>,
    signals: Vec<super::progress::SignalView>,
    milestones: Vec<super::progress::MilestoneView>,
    disclaimer: &'static str,
    /// "3 Jun 2026 to 29 Nov 2026".
    range: String,
    charts: Vec<super::charts::Chart>,
    recent: Vec<EventLine>,
}

pub async fn show(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
) -> Result<Response, WebError> {
    let dashboard = app.dashboard(&user.session, space_id(&id)?).await?;
    let invite_link = app
        .pending_invite_link(&user.session, &dashboard.state)
        .await?;
    let mut page = dashboard_page(
        &dashboard.state,
        user.session.person,
        &user.session.time_zone,
        dashboard.now_us,
        &dashboard.recent,
    );
    page.chrome = Chrome::signed_in(&user.csrf);
    page.invite_link = invite_link;
    Ok(page.into_response())
}

/// A space's home page, as `viewer` sees it at `now_us`, rendered to HTML without a request:
/// what the dashboard benchmark measures. `recent` are the newest events, newest first.
pub fn dashboard_html(
    state: &SpaceState,
    viewer: PersonId,
    zone: &Zone,
    now_us: i64,
    recent: &[RecordedEvent],
) -> Result<String, askama::Error> {
    dashboard_page(state, viewer, zone, now_us, recent).render()
}

fn dashboard_page(
    state: &SpaceState,
    viewer: PersonId,
    zone: &Zone,
    now_us: i64,
    recent: &[RecordedEvent],
) -> SpacePage {
    let me = state.partners.iter().find(|p| p.person == viewer);
    let range = super::progress::dashboard_range(state, zone, now_us);
    let trends = Trends::of(state, range, now_us);
    SpacePage {
        chrome: Chrome::signed_in(""),
        space: state.id,
        name: state.name.clone(),
        me: me.map(|p| p.display_name.clone()).unwrap_or_default(),
        partner: state.partner_of(viewer).map(|p| p.display_name.clone()),
        invite_link: None,
        fingerprint: record::fingerprint(&state.head_hash),
        events: state.head_seq,
        waiting: waiting_lines(state, viewer, now_us),
        repairs: state
            .own_up
            .breaches
            .iter()
            .map(|b| {
                let (stage, pace) = super::progress::stage_and_pace(state, b.id);
                (
                    format!("/spaces/{}/breaches/{}", state.id, b.id),
                    b.title.clone(),
                    stage,
                    pace,
                )
            })
            .collect(),
        upcoming: state
            .reconnect
            .upcoming(now_us)
            .into_iter()
            .map(|p| format!("{}, {}", p.what, format_time(p.when_us, zone)))
            .collect(),
        celebrated: state
            .reconnect
            .reached_goals()
            .into_iter()
            .map(|g| g.text.clone())
            .collect(),
        signals: super::progress::signals(state, Some(viewer), zone, now_us),
        milestones: super::progress::celebrated(state, zone, now_us, None),
        disclaimer: super::progress::DISCLAIMER,
        range: super::progress::range_text(&range),
        charts: super::charts::all(state, &trends),
        recent: recent
            .iter()
            .map(|e| describe(state, viewer, e, zone))
            .collect(),
    }
}

/// How long a letter received is pointed to on the home page.
const LETTER_FRESH_US: i64 = 7 * 86_400_000_000;

/// What waits for the viewer, as (text, link).
fn waiting_lines(state: &SpaceState, viewer: PersonId, now_us: i64) -> Vec<(String, String)> {
    use crate::domain::ownup::Waiting;
    let base = format!("/spaces/{}", state.id);
    let own_up = &state.own_up;
    let quoted = |text: &str| {
        let short: String = text.chars().take(60).collect();
        if short.len() < text.len() {
            format!("“{short}…”")
        } else {
            format!("“{short}”")
        }
    };
    own_up
        .waiting_for(viewer)
        .into_iter()
        .filter_map(|w| match w {
            Waiting::Acknowledge(id) => own_up.breach(id).map(|b| {
                (
                    format!("Answer the breach {}", quoted(&b.title)),
                    format!("{base}/breaches/{id}"),
                )
            }),
            Waiting::Answer(id) => own_up.question(id).map(|q| {
                (
                    format!("Answer the question {}", quoted(q.title())),
                    format!("{base}/questions/{id}"),
                )
            }),
            Waiting::Decide(id) => own_up.question(id).map(|q| {
                (
                    format!("Read the answer to {}", quoted(q.title())),
                    format!("{base}/questions/{id}"),
                )
            }),
            Waiting::RespondToApology(id) => Some((
                "Read an apology, and respond when you are ready".to_owned(),
                format!("{base}/apologies/{id}"),
            )),
        })
        .chain(
            // Letters ask for no reply; one from the last week is still worth pointing to.
            own_up
                .letters
                .iter()
                .rev()
                .take_while(|l| now_us.saturating_sub(l.sent_at_us) < LETTER_FRESH_US)
                .filter(|l| l.recipient == viewer)
                .map(|l| {
                    let from = state
                        .partner_of(viewer)
                        .map_or("your partner", |p| p.display_name.as_str());
                    (
                        format!("A letter from {from} came this week"),
                        format!("{base}/letters/{}", l.id),
                    )
                }),
        )
        .chain(
            state
                .check_ins
                .answerable(viewer, now_us)
                .into_iter()
                .map(|(period, timing)| {
                    let late = if timing == crate::domain::checkin::Timing::Late {
                        " (late)"
                    } else {
                        ""
                    };
                    (
                        format!(
                            "Answer your check-in for {} to {}{late}",
                            period.starts_on, period.ends_on
                        ),
                        format!("{base}/checkins"),
                    )
                }),
        )
        .chain(
            state
                .reconnect
                .waiting_for(viewer, &state.own_up)
                .into_iter()
                .map(|w| {
                    use crate::domain::reconnect::Waiting as R;
                    match w {
                        R::ConfirmStage { breach, .. } => (
                            "Answer a proposed change of stage".to_owned(),
                            format!("{base}/breaches/{breach}#stage"),
                        ),
                        R::ConfirmGoal(_) => (
                            "Confirm a goal your partner marked reached".to_owned(),
                            format!("{base}/together#goals"),
                        ),
                        R::SayHowItFelt(_) => (
                            "Say how your time together felt".to_owned(),
                            format!("{base}/together#time"),
                        ),
                    }
                }),
        )
        .chain(
            (!state.reconnect.wrote_appreciation_today(viewer, now_us) && state.is_full()).then(
                || {
                    (
                        "Write today's appreciation: something you valued about your partner"
                            .to_owned(),
                        format!("{base}/together#appreciations"),
                    )
                },
            ),
        )
        .chain(
            state
                .promises
                .waiting_for(viewer, now_us)
                .into_iter()
                .map(|w| {
                    use crate::domain::promises::Waiting as P;
                    let (text, promise) = match w {
                        P::Report { promise, on } => (
                            format!("Say whether you kept your promise of {on}"),
                            promise,
                        ),
                        P::Review { promise, on } => (
                            format!("Confirm or question a report on a promise ({on})"),
                            promise,
                        ),
                        P::Dispute { promise, on } => (
                            format!("A disputed report ({on}) is waiting to be settled"),
                            promise,
                        ),
                        P::AcceptRelease { promise } => {
                            ("Answer a proposal to release a promise".to_owned(), promise)
                        }
                    };
                    (text, format!("{base}/promises/{promise}"))
                }),
        )
        .chain(
            state
                .agreements
                .waiting_for(viewer, now_us)
                .into_iter()
                .map(|w| {
                    use crate::domain::agreements::Waiting as A;
                    match w {
                        A::AnswerProposal { agreement, .. } => (
                            "Answer a proposed agreement".to_owned(),
                            format!("{base}/agreements/{agreement}"),
                        ),
                        A::Review(agreement) => (
                            "Review an agreement that is due".to_owned(),
                            format!("{base}/agreements/{agreement}"),
                        ),
                        A::AnswerRetire { agreement, .. } => (
                            "Answer a proposal to retire an agreement".to_owned(),
                            format!("{base}/agreements/{agreement}"),
                        ),
                        A::AcknowledgeReport(report) => {
                            let breach = state
                                .agreements
                                .report(report)
                                .map(|r| r.breach.to_string())
                                .unwrap_or_default();
                            (
                                "Acknowledge something your partner reported".to_owned(),
                                format!("{base}/breaches/{breach}#reports"),
                            )
                        }
                    }
                }),
        )
        .collect()
}

pub async fn new_invite(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    app.new_invite(&user.session, space).await?;
    Ok(Redirect::to(&format!("/spaces/{space}#invite")).into_response())
}

/// One line of the record page.
pub struct EventLine {
    seq: u64,
    when: String,
    who: String,
    /// The viewer wrote it; shown with distinct markup, which no display name can copy.
    mine: bool,
    what: String,
    link: Option<String>,
    short_hash: String,
}

fn describe(state: &SpaceState, viewer: PersonId, event: &RecordedEvent, zone: &Zone) -> EventLine {
    let who = if event.author == viewer.to_string() {
        "You".to_owned()
    } else {
        state.name_of(&event.author).unwrap_or("Someone").to_owned()
    };
    let base = format!("/spaces/{}", state.id);
    let (what, link) = match SpaceEvent::parse(&event.kind, event.body.as_deref()) {
        Some(SpaceEvent::SpaceCreated(e)) => (format!("created the space “{}”", e.name), None),
        Some(SpaceEvent::PartnerJoined(_)) => ("joined the space".to_owned(), None),
        Some(SpaceEvent::OwnUp(e)) => super::ownup::describe(state, &base, &e),
        Some(SpaceEvent::CheckIn(e)) => super::checkins::describe(&base, &e),
        Some(SpaceEvent::Reconnect(e)) => super::reconnect::describe(&base, &e),
        Some(SpaceEvent::Promise(e)) => super::keepword::describe_promise(&base, &e),
        Some(SpaceEvent::Agreement(e)) => super::keepword::describe_agreement(&base, &e),
        Some(SpaceEvent::Milestone(e)) => super::progress::describe(&e),
        // The same words whether the answer is sealed or not, and whatever it says.
        None if event.kind == "checkin.answered" => (
            "answered a check-in".to_owned(),
            Some(format!("{base}/checkins")),
        ),
        None if event.body.is_none() => (format!("{} (content removed)", event.kind), None),
        None => (event.kind.clone(), None),
    };
    EventLine {
        mine: event.author == viewer.to_string(),
        seq: event.seq,
        when: format_time(event.at_us, zone),
        who,
        what,
        link,
        short_hash: record::short_hash(&event.hash),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "record.html")]
struct RecordPage {
    chrome: Chrome,
    space: SpaceId,
    lines: Vec<EventLine>,
    fingerprint: String,
    verified: bool,
}

pub async fn record(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
) -> Result<Response, WebError> {
    let zone = &user.session.time_zone;
    let (state, events) = app.read_record(user.session.person, space_id(&id)?).await?;
    let verified = record::verify(&events).is_ok();
    let head = events.last().map_or(record::GENESIS_PREV, |e| e.hash);
    Ok(RecordPage {
        chrome: Chrome::signed_in(&user.csrf),
        space: state.id,
        lines: events
            .iter()
            .map(|e| describe(&state, user.session.person, e, zone))
            .collect(),
        fingerprint: record::fingerprint(&head),
        verified,
    }
    .into_response())
}

pub async fn export(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
) -> Result<Response, WebError> {
    let (state, events) = app.read_record(user.session.person, space_id(&id)?).await?;
    let json = Export::new(state.id, &events, app.clock().now_us()).to_json();
    let disposition = format!("attachment; filename=\"goldseam-record-{}.json\"", state.id);
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        json,
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "invite.html")]
struct InvitePage {
    chrome: Chrome,
    token: String,
    invite: InviteView,
}

/// Invite tokens are 43 base64url characters; anything else is not worth a database read.
fn plausible_token(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub async fn invite_page(
    State(app): State<App>,
    viewer: Viewer,
    Param(token): Segment,
) -> Result<Response, WebError> {
    if !plausible_token(&token) {
        return Err(AppError::Invite(crate::app::InviteProblem::Unknown).into());
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

pub async fn join(
    State(app): State<App>,
    user: SignedIn,
    Param(token): Segment,
) -> Result<Response, WebError> {
    if !plausible_token(&token) {
        return Err(AppError::Invite(crate::app::InviteProblem::Unknown).into());
    }
    let space = app.join(&user.session, &token).await?;
    Ok(Redirect::to(&format!("/spaces/{space}")).into_response())
}
