//! Promises: one-off or recurring, due in the promiser's own time zone; each occurrence
//! reported kept or missed and confirmed or disputed by the other partner; renegotiated or
//! skipped before it is due; released by both. Reliability is plain counts, no score.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::context::{EntryPath, InSpace, optional_form_id};
use super::error::{WebError, not_found};
use super::events::Described;
use super::routes::Routes;
use super::view::{
    Chrome, Confirm, FormError, Name, answer_form, confirmed, format_time, invalid, see_other,
};
use crate::app::AppError;
use crate::domain::calendar::{Zone, parse_date};
use crate::domain::promises::{
    self, Counts, Note, Outcome, PromiseText, Reason, Repeat, Review, Status, TimeOfDay,
};
use crate::domain::space::{SpaceEvent, SpaceState};
use crate::domain::{EntryId, PersonId, SpaceId};

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/spaces/{id}/promises",
            get(promises_page).post(make_promise),
        )
        .route("/spaces/{id}/promises/{entry}", get(promise_page))
        .route(
            "/spaces/{id}/promises/{entry}/actions",
            post(promise_action),
        )
}

/// Occurrences to report on, reports to confirm, disputes and releases to answer.
pub fn waiting(state: &SpaceState, viewer: PersonId, now_us: i64) -> Vec<(String, String)> {
    use promises::Waiting as P;
    state
        .promises
        .waiting_for(viewer, now_us)
        .into_iter()
        .map(|w| {
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
            (text, format!("/spaces/{}/promises/{promise}", state.id))
        })
        .collect()
}

fn date(raw: &str) -> Result<jiff::civil::Date, WebError> {
    parse_date(raw).ok_or_else(not_found)
}

/// Record-page wording for promise and agreement events.
pub fn describe(_state: &SpaceState, base: &str, event: &SpaceEvent) -> Described {
    use promises::Event as E;
    let SpaceEvent::Promise(event) = event else {
        return None;
    };
    let what = match event {
        E::Made(_) => "made a promise",
        E::Reported(_) => "reported on a promise",
        E::Confirmed(_) => "confirmed a report",
        E::Disputed(_) => "disputed a report",
        E::DisputeMessage(_) => "wrote in a dispute",
        E::DisputeSettled(_) => "settled a dispute",
        E::Renegotiated(_) => "renegotiated a promise in advance",
        E::Skipped(_) => "skipped an occurrence in advance",
        E::ReleaseProposed(_) => "proposed releasing a promise",
        E::Released(_) => "agreed to release a promise",
    };
    Some((
        what.to_owned(),
        Some(format!("{base}/promises/{}", event.promise())),
    ))
}

fn status_label(status: Status) -> &'static str {
    match status {
        Status::Upcoming => "coming up",
        Status::AwaitingReport => "due: waiting for a report",
        Status::Kept => "kept",
        Status::Missed => "missed",
        Status::Disputed => "disputed",
        Status::Renegotiated => "renegotiated in advance",
        Status::NotReported => "not reported",
        Status::InBreak => "during a break: not asked, not counted",
    }
}

fn weekday_name(day: jiff::civil::Weekday) -> &'static str {
    use jiff::civil::Weekday as W;
    match day {
        W::Monday => "Monday",
        W::Tuesday => "Tuesday",
        W::Wednesday => "Wednesday",
        W::Thursday => "Thursday",
        W::Friday => "Friday",
        W::Saturday => "Saturday",
        W::Sunday => "Sunday",
    }
}

fn schedule(p: &promises::Promise) -> String {
    let until =
        |u: &Option<jiff::civil::Date>| u.map_or_else(String::new, |d| format!(" until {d}"));
    let when = match &p.repeat {
        Repeat::Once { on } => format!("once, on {on}"),
        Repeat::Daily { from, until: u } => format!("every day from {from}{}", until(u)),
        Repeat::OnWeekdays {
            days,
            from,
            until: u,
        } => {
            let names: Vec<&str> = days.iter().map(weekday_name).collect();
            format!("on {} from {from}{}", names.join(", "), until(u))
        }
    };
    format!("{when}, at {} ({})", p.terms.at, p.zone.name())
}

/// One partner's reliability, as plain counts.
pub struct ReliabilityView {
    pub who: Name,
    pub rows: Vec<(&'static str, Counts)>,
    pub run: usize,
}

pub struct PromiseLine {
    pub id: EntryId,
    pub title: String,
    pub by: Name,
    pub schedule: String,
    pub next: Option<String>,
    pub ended: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "promises.html")]
struct PromisesPage {
    chrome: Chrome,
    space: SpaceId,
    has_partner: bool,
    reliability: Vec<ReliabilityView>,
    promises: Vec<PromiseLine>,
    breaches: Vec<(EntryId, String)>,
    zone: String,
    weekdays: [(&'static str, &'static str); 7],
    typed: Typed,
    error: Option<FormError>,
}

const WEEKDAYS: [(&str, &str); 7] = [
    ("monday", "Monday"),
    ("tuesday", "Tuesday"),
    ("wednesday", "Wednesday"),
    ("thursday", "Thursday"),
    ("friday", "Friday"),
    ("saturday", "Saturday"),
    ("sunday", "Sunday"),
];

async fn promises_page(page: InSpace) -> Result<Response, WebError> {
    let typed = Typed::fresh(&page);
    Ok(promises_list(&page, typed, None).into_response())
}

/// The new-promise form as typed: what comes back with a refusal.
pub(super) struct Typed {
    text: String,
    every: String,
    first: String,
    until: String,
    at: String,
    days: Vec<String>,
    breach: String,
}

impl Typed {
    /// What the form starts with: every day from today, at nine in the evening.
    fn fresh(page: &InSpace) -> Self {
        Self {
            text: String::new(),
            every: "daily".to_owned(),
            first: page.zone.local_text(page.now_us).chars().take(10).collect(),
            until: String::new(),
            at: "21:00".to_owned(),
            days: Vec::new(),
            breach: String::new(),
        }
    }

    pub(super) fn of(fields: &[(String, String)]) -> Self {
        let field = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map_or_else(String::new, |(_, v)| v.clone())
        };
        Self {
            text: field("text"),
            every: field("every"),
            first: field("first"),
            until: field("until"),
            at: field("at"),
            days: fields
                .iter()
                .filter(|(k, _)| k == "days")
                .map(|(_, v)| v.clone())
                .collect(),
            breach: field("breach"),
        }
    }

    const FIELDS: &[&str] = &["text", "every", "at", "breach"];

    /// The promise as typed, made by someone living in `zone`.
    pub(super) fn command(
        &self,
        id: EntryId,
        breach: Option<EntryId>,
        zone: Zone,
    ) -> Result<promises::Command, AppError> {
        let days: Vec<&str> = self.days.iter().map(String::as_str).collect();
        let text = PromiseText::parse(&self.text, "The promise")
            .map_err(|e| AppError::invalid("text", e))?;
        let repeat = Repeat::parse(&self.every, &self.first, &self.until, &days)
            .map_err(|e| AppError::invalid("every", e))?;
        let at = TimeOfDay::parse(&self.at).map_err(|e| AppError::invalid("at", e))?;
        Ok(promises::Command::Make {
            id,
            breach,
            text,
            repeat,
            at,
            zone,
        })
    }

    fn has_day(&self, day: &str) -> bool {
        self.days.iter().any(|d| d == day)
    }
}

fn promises_list(page: &InSpace, typed: Typed, error: Option<FormError>) -> PromisesPage {
    let state = &page.state;
    let people = &page.people;
    let zone = &page.zone;
    let now = page.now_us;
    let reliability = state
        .partners
        .iter()
        .map(|p| {
            let r = state.promises.reliability(p.person, now);
            ReliabilityView {
                who: people.name(p.person),
                rows: vec![
                    ("Last 30 days", r.last_30_days),
                    ("Last 90 days", r.last_90_days),
                    ("All time", r.all_time),
                ],
                run: r.run_of_kept,
            }
        })
        .collect();
    PromisesPage {
        chrome: page.chrome(),
        space: page.space(),
        has_partner: state.is_full(),
        reliability,
        promises: state
            .promises
            .promises
            .iter()
            .rev()
            .map(|p| PromiseLine {
                id: p.id,
                title: p.title().to_owned(),
                by: people.name(p.promiser),
                schedule: schedule(p),
                next: p.next_occurrence(now).map(|o| format_time(o.due_us, zone)),
                ended: p.has_ended(now),
            })
            .collect(),
        breaches: state
            .own_up
            .breaches
            .iter()
            .map(|b| (b.id, b.title.clone()))
            .collect(),
        zone: zone.name().to_owned(),
        weekdays: WEEKDAYS,
        typed,
        error,
    }
}

/// A refused promise comes back to the form, beside the field, as it was typed.
async fn make_promise(
    page: InSpace,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let typed = Typed::of(&fields);
    let breach = optional_form_id(&typed.breach)?;
    let made = make(&page, &typed, breach).await;
    answer_form(made, Typed::FIELDS, |error| {
        promises_list(&page, typed, Some(error))
    })
}

async fn make(page: &InSpace, typed: &Typed, breach: Option<EntryId>) -> Result<String, AppError> {
    let promise = EntryId::random();
    let command = typed.command(promise, breach, page.zone.clone())?;
    page.app
        .promise(&page.session, page.space(), command)
        .await?;
    Ok(format!("/spaces/{}/promises/{promise}", page.space()))
}

pub struct OccurrenceView {
    pub on: String,
    pub due: String,
    pub status: &'static str,
    pub was_disputed: bool,
    pub note: Option<String>,
    pub skip_reason: Option<String>,
    pub thread: Vec<(Name, String)>,
    /// What the viewer can do now.
    pub can_report: bool,
    pub can_review: bool,
    pub in_dispute: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "promise.html")]
struct PromisePage {
    chrome: Chrome,
    space: SpaceId,
    id: EntryId,
    title: String,
    by: Name,
    schedule: String,
    mine: bool,
    occurrences: Vec<OccurrenceView>,
    next: Option<(String, String, String)>,
    terms: Vec<(String, String, String, Option<String>)>,
    release: Option<(Name, bool)>,
    released: bool,
}

async fn promise_page(page: InSpace, EntryPath(_, id): EntryPath) -> Result<Response, WebError> {
    let people = &page.people;
    let me = page.me();
    let zone = &page.zone;
    let now = page.now_us;
    let p = page.state.promises.promise(id).ok_or_else(not_found)?;
    let mine = p.promiser == me;
    let occurrences = p
        .history(now, promises::limits::HISTORY)
        .into_iter()
        .map(|o| {
            let report = o.report;
            let review = report.map(|r| r.review);
            OccurrenceView {
                on: o.on.to_string(),
                due: format_time(o.due_us, zone),
                status: status_label(o.status),
                was_disputed: o.was_disputed(),
                note: report.and_then(|r| r.note.clone()),
                skip_reason: o.skipped.map(|s| s.reason.clone()),
                thread: report
                    .map(|r| {
                        r.thread
                            .iter()
                            .map(|m| (people.name(m.author), m.text.clone()))
                            .collect()
                    })
                    .unwrap_or_default(),
                can_report: mine && o.status == Status::AwaitingReport,
                can_review: !mine && matches!(review, Some(Review::Unconfirmed)),
                in_dispute: o.status == Status::Disputed,
            }
        })
        .collect();
    Ok(PromisePage {
        chrome: page.chrome(),
        space: page.space(),
        id: p.id,
        title: p.title().to_owned(),
        by: people.name(p.promiser),
        schedule: schedule(p),
        mine,
        occurrences,
        next: p.next_occurrence(now).map(|o| {
            (
                o.on.to_string(),
                format_time(o.due_us, zone),
                o.terms.at.to_string(),
            )
        }),
        terms: std::iter::once(&p.terms)
            .chain(p.renegotiations.iter())
            .map(|t| {
                (
                    t.from.to_string(),
                    t.text.clone(),
                    t.at.to_string(),
                    t.reason.clone(),
                )
            })
            .collect(),
        release: p
            .release_proposed
            .as_ref()
            .map(|r| (people.name(r.by), r.by == me)),
        released: p.released_at_us.is_some(),
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct OccurrenceForm {
    on: String,
    outcome: String,
    note: String,
    text: String,
    at: String,
    reason: String,
    action: String,
    confirmed: String,
}

fn optional_note(raw: &str) -> Result<Option<Note>, WebError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    Note::parse(raw, "The note")
        .map(Some)
        .map_err(invalid("note"))
}

impl OccurrenceForm {
    /// What the form asks of `promise`.
    pub(super) fn command(&self, promise: EntryId) -> Result<promises::Command, WebError> {
        use promises::Command as C;
        Ok(match self.action.as_str() {
            "report" => C::Report {
                promise,
                on: date(&self.on)?,
                outcome: Outcome::parse(&self.outcome).map_err(invalid("outcome"))?,
                note: optional_note(&self.note)?,
            },
            "confirm" => C::Confirm {
                promise,
                on: date(&self.on)?,
            },
            "dispute" => C::Dispute {
                promise,
                on: date(&self.on)?,
                message: optional_note(&self.note)?,
            },
            "message" => C::AddDisputeMessage {
                promise,
                on: date(&self.on)?,
                text: Note::parse(&self.note, "Your message").map_err(invalid("note"))?,
            },
            "settle" => C::SettleDispute {
                promise,
                on: date(&self.on)?,
            },
            "skip" => C::Skip {
                promise,
                on: date(&self.on)?,
                reason: Reason::parse(&self.reason, "The reason").map_err(invalid("reason"))?,
            },
            "renegotiate" => C::Renegotiate {
                promise,
                from: date(&self.on)?,
                text: PromiseText::parse(&self.text, "The promise").map_err(invalid("text"))?,
                at: TimeOfDay::parse(&self.at).map_err(invalid("at"))?,
                reason: Reason::parse(&self.reason, "The reason").map_err(invalid("reason"))?,
            },
            "release" => C::ProposeRelease { promise },
            "accept_release" => C::AcceptRelease { promise },
            _ => {
                return Err(AppError::Invalid {
                    field: "action",
                    message: "Please choose what to do.".into(),
                }
                .into());
            }
        })
    }
}

/// Every action on a promise: `action` says which (report, confirm, dispute, message,
/// settle, skip, renegotiate, release, accept_release).
async fn promise_action(
    page: InSpace,
    EntryPath(space, promise): EntryPath,
    Form(form): Form<OccurrenceForm>,
) -> Result<Response, WebError> {
    let command = form.command(promise)?;
    if form.action == "accept_release"
        && !confirmed(&form.confirmed)
        && let Some(ask) = releasing(&page, promise)
    {
        return Ok(ask.into_response());
    }
    page.app.promise(&page.session, space, command).await?;
    Ok(see_other(&format!("/spaces/{space}/promises/{promise}")))
}

/// Agreeing to release a promise, put in words before it is done: `None` when the record
/// would refuse it (which then answers with its refusal).
fn releasing(page: &InSpace, promise: EntryId) -> Option<Confirm> {
    let p = page.state.promises.promise(promise)?;
    let proposal = p.release_proposed.as_ref()?;
    let me = page.me();
    (p.released_at_us.is_none() && proposal.by != me && (p.promiser == me || p.partner == me))
        .then_some(())?;
    let by = page.people.name(proposal.by);
    Some(Confirm {
        chrome: page.chrome(),
        space: page.space(),
        heading: "Release this promise?".to_owned(),
        what_happens: vec![
            format!(
                "“{}” is released now, as {by} proposed: nothing more falls due, and neither of \
                 you reports on it again.",
                p.title()
            ),
            "Everything kept or missed so far stays in the record. A released promise is not \
             taken up again; you can always make a new one."
                .to_owned(),
        ],
        action: format!("{}/promises/{promise}/actions", page.base()),
        hidden: vec![("action", "accept_release".to_owned())],
        button: "Release the promise".to_owned(),
        back: format!("{}/promises/{promise}", page.base()),
    })
}
