//! Closing a repair together: a section of each breach's page (propose, close, "not yet",
//! reopen, the follow-ups and how they went), and the follow-up check-in's own page. The
//! rules are in `domain::closing`.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jiff::civil::Date;
use serde::Deserialize;

use super::context::{BreachHead, EntryPath, InSpace, OnBreach};
use super::error::WebError;
use super::events::Described;
use super::routes::Routes;
use super::view::{Chrome, FormError, Name, answer_form, breach_title, format_time, quoted};
use crate::app::AppError;
use crate::domain::checkins::Trust;
use crate::domain::closing::{self, Command, FOLLOW_UP_MONTHS, FollowUp};
use crate::domain::seen::Mark;
use crate::domain::space::{SpaceEvent, SpaceState};
use crate::domain::{EntryId, PersonId, SpaceId};

pub fn routes() -> Routes {
    Routes::new()
        .route("/spaces/{id}/breaches/{entry}/close", post(close))
        .route("/spaces/{id}/breaches/{entry}/close/answer", post(answer))
        .route("/spaces/{id}/breaches/{entry}/reopen", post(reopen))
        .route(
            "/spaces/{id}/breaches/{entry}/follow-up",
            get(follow_up).post(answer_follow_up),
        )
}

/// A proposal to close for the hurt partner to answer; a follow-up check-in open today.
pub fn waiting(state: &SpaceState, viewer: PersonId, now_us: i64) -> Vec<(String, String)> {
    use closing::Waiting as W;
    state
        .closing
        .waiting_for(viewer, &state.own_up, now_us)
        .into_iter()
        .map(|w| match w {
            W::AnswerProposal { breach } => (
                format!(
                    "Answer a proposal to close the repair of {}",
                    quoted(&breach_title(state, breach))
                ),
                format!("/spaces/{}/breaches/{breach}#closing", state.id),
            ),
            W::FollowUp { breach, .. } => (
                format!(
                    "A follow-up check-in on {}: how is trust now?",
                    quoted(&breach_title(state, breach))
                ),
                format!("/spaces/{}/breaches/{breach}/follow-up", state.id),
            ),
        })
        .collect()
}

/// Record-page wording for closing a repair.
pub fn describe(_state: &SpaceState, base: &str, event: &SpaceEvent) -> Described {
    use closing::Event as E;
    let SpaceEvent::Closing(event) = event else {
        return None;
    };
    let (what, breach) = match event {
        E::CloseProposed(e) => ("proposed closing the repair of a breach", e.breach),
        E::Closed(e) => ("closed the repair of a breach, together", e.breach),
        E::CloseDeclined(e) => ("said not yet to closing a repair", e.breach),
        E::CloseWithdrawn(e) => ("withdrew a proposal to close a repair", e.breach),
        E::Reopened(e) => ("reopened the repair of a breach", e.breach),
        E::FollowUpAnswered(e) => ("answered a follow-up check-in", e.breach),
    };
    Some((
        what.to_owned(),
        Some(format!("{base}/breaches/{breach}#closing")),
    ))
}

/// "1, 3, 6 and 12 months".
fn months_words(months: &[u8]) -> String {
    let words: Vec<String> = months.iter().map(u8::to_string).collect();
    match words.as_slice() {
        [] => String::new(),
        [one] if one == "1" => "1 month".to_owned(),
        [one] => format!("{one} months"),
        [rest @ .., last] => format!("{} and {last} months", rest.join(", ")),
    }
}

fn day(date: Date) -> String {
    date.strftime("%-d %B %Y").to_string()
}

/// One follow-up as the breach's page lists it.
pub struct FollowUpLine {
    pub on: String,
    /// "open now", "to come", "closed"
    pub status: &'static str,
    /// Each answer: who, and the three levels in order.
    pub answers: Vec<(Name, [u8; 3])>,
}

fn levels(t: &Trust) -> [u8; 3] {
    [t.predictability, t.dependability, t.faith].map(|l| l.get())
}

fn follow_up_line(page: &InSpace, f: &FollowUp, today: Option<Date>) -> FollowUpLine {
    let status = match today {
        Some(t) if f.is_open_on(t) => "open now",
        Some(t) if t < f.due_on => "to come",
        _ => "closed",
    };
    FollowUpLine {
        on: day(f.due_on),
        status,
        answers: f
            .answers
            .iter()
            .map(|a| (page.people.name(a.by), levels(&a.trust)))
            .collect(),
    }
}

/// The closing section of a breach's page.
#[derive(Template)]
#[template(path = "closing.html")]
struct ClosingSection {
    chrome: Chrome,
    breach: BreachHead,
    /// The months a form offers, and whether each is ticked.
    months: Vec<(u8, bool)>,
    /// A proposal waiting: in words, whether it is the viewer's, its months.
    proposal: Option<(String, bool)>,
    /// The repair in force as closed: in words, and its follow-ups.
    closed: Option<String>,
    follow_ups: Vec<FollowUpLine>,
    /// Shown once to each of them, the first time they see the repair closed.
    celebrate: bool,
    /// The follow-up open today and not yet answered by the viewer.
    follow_up_open: bool,
    /// For the hurt partner: trust has slipped since closing.
    offer_reopen: bool,
    /// Earlier closings that were reopened, in words.
    earlier: Vec<String>,
}

/// The mark that the viewer has seen this closing celebrated.
fn celebrated(breach: EntryId, at_us: i64) -> Mark {
    Mark::Milestone(format!("closed:{breach}:{at_us}"))
}

/// The marks the breach's page stores once it has been shown: the closing celebrated.
pub fn seen_on_breach(state: &SpaceState, breach: EntryId) -> Vec<Mark> {
    state
        .closing
        .closed(breach)
        .map(|c| celebrated(breach, c.at_us))
        .into_iter()
        .collect()
}

pub fn on_breach(on: &OnBreach) -> Result<String, askama::Error> {
    let page = on.page;
    let state = &page.state;
    let id = on.breach.id;
    let me = page.me();
    let closing = state.closing.of(id);
    let proposal = state.closing.proposal(id);
    let closed = state.closing.closed(id);
    let ticked: Vec<u8> = proposal.map_or(FOLLOW_UP_MONTHS.to_vec(), |p| p.months.clone());
    let today = closed.and_then(|c| c.zone.date_at(page.now_us));
    ClosingSection {
        chrome: page.chrome(),
        breach: on.head(),
        months: FOLLOW_UP_MONTHS
            .iter()
            .map(|m| (*m, ticked.contains(m)))
            .collect(),
        proposal: proposal.map(|p| {
            let with = if p.months.is_empty() {
                "with no follow-up check-ins".to_owned()
            } else {
                format!("with follow-up check-ins at {}", months_words(&p.months))
            };
            (
                format!(
                    "{} proposed closing this repair, {with}",
                    page.people.name(p.by)
                ),
                p.by == me,
            )
        }),
        closed: closed.map(|c| {
            format!(
                "You closed this repair together on {}.",
                format_time(c.at_us, &page.zone)
            )
        }),
        follow_ups: closed
            .map(|c| {
                c.follow_ups
                    .iter()
                    .map(|f| follow_up_line(page, f, today))
                    .collect()
            })
            .unwrap_or_default(),
        celebrate: closed.is_some_and(|c| !on.marks.has(&celebrated(id, c.at_us))),
        follow_up_open: closed
            .and_then(|c| c.open_follow_up(page.now_us))
            .is_some_and(|f| f.answer_of(me).is_none()),
        offer_reopen: on.i_was_hurt()
            && state
                .closing
                .reopen_offered(id, on.breach.hurt, &state.check_ins),
        earlier: closing
            .map(|b| {
                b.closures
                    .iter()
                    .filter_map(|c| {
                        let (by, at) = c.reopened?;
                        Some(format!(
                            "Closed on {}, reopened by {} on {}.",
                            format_time(c.at_us, &page.zone),
                            page.people.name(by).object(),
                            format_time(at, &page.zone)
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
    .render()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CloseForm {
    m1: String,
    m3: String,
    m6: String,
    m12: String,
}

impl CloseForm {
    fn months(&self) -> Vec<u8> {
        [(1, &self.m1), (3, &self.m3), (6, &self.m6), (12, &self.m12)]
            .into_iter()
            .filter(|(_, v)| v.as_str() == "yes")
            .map(|(m, _)| m)
            .collect()
    }
}

/// The hurt partner closes the repair (confirming a proposal, if one waits); the other
/// partner proposes it.
async fn close(
    page: InSpace,
    EntryPath(space, breach): EntryPath,
    Form(form): Form<CloseForm>,
) -> Result<Response, WebError> {
    let command = Command::Close {
        breach,
        months: form.months(),
        zone: page.zone.clone(),
    };
    page.app.closing(&page.session, space, command).await?;
    Ok(super::view::see_other(&format!(
        "/spaces/{space}/breaches/{breach}#closing"
    )))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AnswerForm {
    answer: String,
}

/// "Not yet" (the hurt partner) or withdrawing (the proposer).
async fn answer(
    page: InSpace,
    EntryPath(space, breach): EntryPath,
    Form(form): Form<AnswerForm>,
) -> Result<Response, WebError> {
    let command = match form.answer.as_str() {
        "decline" => Command::Decline { breach },
        "withdraw" => Command::Withdraw { breach },
        _ => {
            return Err(WebError(AppError::Invalid {
                field: "answer",
                message: "Please choose “Not yet” or “Withdraw”.".to_owned(),
            }));
        }
    };
    page.app.closing(&page.session, space, command).await?;
    Ok(super::view::see_other(&format!(
        "/spaces/{space}/breaches/{breach}#closing"
    )))
}

async fn reopen(page: InSpace, EntryPath(space, breach): EntryPath) -> Result<Response, WebError> {
    page.app
        .closing(&page.session, space, Command::Reopen { breach })
        .await?;
    Ok(super::view::see_other(&format!(
        "/spaces/{space}/breaches/{breach}#closing"
    )))
}

#[derive(Template, WebTemplate)]
#[template(path = "follow_up.html")]
struct FollowUpPage {
    chrome: Chrome,
    space: SpaceId,
    breach: EntryId,
    title: String,
    partner_name: String,
    /// The follow-up open now, by its date in words, if the viewer has not answered it.
    open: Option<String>,
    /// Already answered, or none open: when the next one comes, if any.
    next: Option<String>,
    answered: bool,
    dimensions: Vec<(&'static str, &'static str, &'static str)>,
    error: Option<FormError>,
}

fn follow_up_page(page: &InSpace, breach: EntryId, error: Option<FormError>) -> FollowUpPage {
    let me = page.me();
    let closed = page.state.closing.closed(breach);
    let open = closed.and_then(|c| c.open_follow_up(page.now_us));
    FollowUpPage {
        chrome: page.chrome(),
        space: page.space(),
        breach,
        title: breach_title(&page.state, breach),
        partner_name: page
            .state
            .partner_of(me)
            .map(|p| page.people.name(p.person).object().to_owned())
            .unwrap_or_else(|| "your partner".to_owned()),
        open: open
            .filter(|f| f.answer_of(me).is_none())
            .map(|f| day(f.due_on)),
        next: closed
            .and_then(|c| c.next_follow_up(page.now_us))
            .map(|f| day(f.due_on)),
        answered: open.is_some_and(|f| f.answer_of(me).is_some()),
        dimensions: ["predictability", "dependability", "faith"]
            .into_iter()
            .zip(Trust::DIMENSIONS)
            .map(|(key, (label, about))| (key, label, about))
            .collect(),
        error,
    }
}

async fn follow_up(page: InSpace, EntryPath(_, breach): EntryPath) -> Result<Response, WebError> {
    page.state
        .own_up
        .breach(breach)
        .ok_or(WebError(AppError::NotFound))?;
    Ok(follow_up_page(&page, breach, None).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct FollowUpForm {
    predictability: String,
    dependability: String,
    faith: String,
}

async fn answer_follow_up(
    page: InSpace,
    EntryPath(space, breach): EntryPath,
    Form(form): Form<FollowUpForm>,
) -> Result<Response, WebError> {
    let answered = match Trust::parse(&form.predictability, &form.dependability, &form.faith) {
        Ok(trust) => page
            .app
            .closing(
                &page.session,
                space,
                Command::AnswerFollowUp { breach, trust },
            )
            .await
            .map(|()| format!("/spaces/{space}/breaches/{breach}#closing")),
        Err(e) => Err(AppError::invalid("", e)),
    };
    answer_form(answered, &[], |error| {
        follow_up_page(&page, breach, Some(error))
    })
}
