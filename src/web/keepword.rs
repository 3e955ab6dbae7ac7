//! Keeping one's word: promises with their occurrences and reliability, agreements with
//! their versions and reviews, and proactive reports on a breach's page.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::error::WebError;
use super::guard::SignedIn;
use super::ownup::Segment2;
use super::pages::{Chrome, Param, Segment, entry_id, invalid, not_found, space_id};
use super::spaces::format_time;
use crate::app::{App, AppError};
use crate::domain::agreements::{
    self, AgreementStatus, AgreementText, ReportText, ResponseText, RevisitDate, Segment as Diff,
};
use crate::domain::checkin::{Zone, parse_date};
use crate::domain::promises::{
    self, Counts, Note, Outcome, PromiseText, Reason, Repeat, Review, Status, TimeOfDay,
};
use crate::domain::space::SpaceState;
use crate::domain::{EntryId, PersonId, SpaceId};

fn to(path: String) -> Response {
    Redirect::to(&path).into_response()
}

fn name(state: &SpaceState, me: PersonId, person: PersonId) -> String {
    if person == me {
        "You".to_owned()
    } else {
        state
            .partners
            .iter()
            .find(|p| p.person == person)
            .map_or_else(|| "Your partner".to_owned(), |p| p.display_name.clone())
    }
}

fn date(raw: &str) -> Result<jiff::civil::Date, WebError> {
    parse_date(raw).ok_or_else(not_found)
}

/// Record-page wording for promise and agreement events.
pub fn describe_promise(base: &str, event: &promises::Event) -> (String, Option<String>) {
    use promises::Event as E;
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
    (
        what.to_owned(),
        Some(format!("{base}/promises/{}", event.promise())),
    )
}

pub fn describe_agreement(base: &str, event: &agreements::Event) -> (String, Option<String>) {
    use agreements::Event as E;
    let (what, link) = match event {
        E::AgreementProposed(e) => ("proposed an agreement", Some(e.agreement)),
        E::AgreementCountered(e) => ("proposed changes to an agreement", Some(e.agreement)),
        E::AgreementAccepted(e) => ("accepted an agreement", Some(e.agreement)),
        E::AgreementDeclined(e) => ("declined a proposed agreement", Some(e.agreement)),
        E::AgreementWithdrawn(e) => ("withdrew a proposed agreement", Some(e.agreement)),
        E::AmendmentProposed(e) => ("proposed an amendment", Some(e.agreement)),
        E::ReviewRequested(e) => ("asked to revisit an agreement", Some(e.agreement)),
        E::AgreementReviewed(e) => ("reviewed an agreement", Some(e.agreement)),
        E::RetireProposed(e) => ("proposed retiring an agreement", Some(e.agreement)),
        E::Retired(e) => ("agreed to retire an agreement", Some(e.agreement)),
        E::RetireDeclined(e) => ("declined retiring an agreement", Some(e.agreement)),
        E::RetireWithdrawn(e) => (
            "withdrew a proposal to retire an agreement",
            Some(e.agreement),
        ),
        E::ReportFiled(_) => ("reported something before being asked", None),
        E::ReportAcknowledged(_) => ("acknowledged a report", None),
    };
    (
        what.to_owned(),
        Some(link.map_or_else(
            || format!("{base}/breaches"),
            |a| format!("{base}/agreements/{a}"),
        )),
    )
}

// ---- promises ----------------------------------------------------------------------------

fn status_label(status: Status) -> &'static str {
    match status {
        Status::Upcoming => "coming up",
        Status::AwaitingReport => "due: waiting for a report",
        Status::Kept => "kept",
        Status::Missed => "missed",
        Status::Disputed => "disputed",
        Status::Renegotiated => "renegotiated in advance",
        Status::NotReported => "not reported",
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
    pub who: String,
    pub rows: Vec<(&'static str, Counts)>,
    pub run: usize,
}

pub struct PromiseLine {
    pub id: EntryId,
    pub title: String,
    pub by: String,
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
    today: String,
    weekdays: [(&'static str, &'static str); 7],
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

pub async fn promises_page(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    let state = app.own_up_state(&user.session, space).await?;
    let me = user.session.person;
    let zone = &user.session.time_zone;
    let now = app.clock().now_us();
    let reliability = state
        .partners
        .iter()
        .map(|p| {
            let r = state.promises.reliability(p.person, now);
            ReliabilityView {
                who: name(&state, me, p.person),
                rows: vec![
                    ("Last 30 days", r.last_30_days),
                    ("Last 90 days", r.last_90_days),
                    ("All time", r.all_time),
                ],
                run: r.run_of_kept,
            }
        })
        .collect();
    Ok(PromisesPage {
        chrome: Chrome::signed_in(&user.csrf),
        space,
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
                by: name(&state, me, p.promiser),
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
        today: zone.local_text(now).chars().take(10).collect(),
        weekdays: WEEKDAYS,
    }
    .into_response())
}

pub async fn make_promise(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let days: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| k == "days")
        .map(|(_, v)| v.as_str())
        .collect();
    let text = PromiseText::parse(field("text"), "The promise").map_err(invalid("text"))?;
    let repeat = Repeat::parse(field("every"), field("first"), field("until"), &days)
        .map_err(invalid("every"))?;
    let at = TimeOfDay::parse(field("at")).map_err(invalid("at"))?;
    let breach = match field("breach").trim() {
        "" => None,
        raw => Some(entry_id(raw)?),
    };
    let promise = EntryId::random();
    let zone: Zone = user.session.time_zone.clone();
    let command = promises::Command::Make {
        id: promise,
        breach,
        text,
        repeat,
        at,
        zone,
    };
    app.promise(&user.session, space, command).await?;
    Ok(to(format!("/spaces/{space}/promises/{promise}")))
}

pub struct OccurrenceView {
    pub on: String,
    pub due: String,
    pub status: &'static str,
    pub was_disputed: bool,
    pub note: Option<String>,
    pub skip_reason: Option<String>,
    pub thread: Vec<(String, String)>,
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
    by: String,
    schedule: String,
    mine: bool,
    occurrences: Vec<OccurrenceView>,
    next: Option<(String, String, String)>,
    terms: Vec<(String, String, String, Option<String>)>,
    release: Option<(String, bool)>,
    released: bool,
}

pub async fn promise_page(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(entry): Segment2,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    let state = app.own_up_state(&user.session, space).await?;
    let me = user.session.person;
    let zone = &user.session.time_zone;
    let now = app.clock().now_us();
    let p = state
        .promises
        .promise(entry_id(&entry)?)
        .ok_or_else(not_found)?;
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
                            .map(|m| (name(&state, me, m.author), m.text.clone()))
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
        chrome: Chrome::signed_in(&user.csrf),
        space,
        id: p.id,
        title: p.title().to_owned(),
        by: name(&state, me, p.promiser),
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
            .map(|r| (name(&state, me, r.by), r.by == me)),
        released: p.released_at_us.is_some(),
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct OccurrenceForm {
    #[serde(default)]
    on: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    at: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    action: String,
}

fn optional_note(raw: &str) -> Result<Option<Note>, WebError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    Note::parse(raw, "The note")
        .map(Some)
        .map_err(invalid("note"))
}

/// Every action on a promise: `action` says which (report, confirm, dispute, message,
/// settle, skip, renegotiate, release, accept_release).
pub async fn promise_action(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(entry): Segment2,
    Form(form): Form<OccurrenceForm>,
) -> Result<Response, WebError> {
    use promises::Command as C;
    let space = space_id(&id)?;
    let promise = entry_id(&entry)?;
    let command = match form.action.as_str() {
        "report" => C::Report {
            promise,
            on: date(&form.on)?,
            outcome: Outcome::parse(&form.outcome).map_err(invalid("outcome"))?,
            note: optional_note(&form.note)?,
        },
        "confirm" => C::Confirm {
            promise,
            on: date(&form.on)?,
        },
        "dispute" => C::Dispute {
            promise,
            on: date(&form.on)?,
            message: optional_note(&form.note)?,
        },
        "message" => C::AddDisputeMessage {
            promise,
            on: date(&form.on)?,
            text: Note::parse(&form.note, "Your message").map_err(invalid("note"))?,
        },
        "settle" => C::SettleDispute {
            promise,
            on: date(&form.on)?,
        },
        "skip" => C::Skip {
            promise,
            on: date(&form.on)?,
            reason: Reason::parse(&form.reason, "The reason").map_err(invalid("reason"))?,
        },
        "renegotiate" => C::Renegotiate {
            promise,
            from: date(&form.on)?,
            text: PromiseText::parse(&form.text, "The promise").map_err(invalid("text"))?,
            at: TimeOfDay::parse(&form.at).map_err(invalid("at"))?,
            reason: Reason::parse(&form.reason, "The reason").map_err(invalid("reason"))?,
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
    };
    app.promise(&user.session, space, command).await?;
    Ok(to(format!("/spaces/{space}/promises/{promise}")))
}

// ---- agreements --------------------------------------------------------------------------

fn status_text(status: AgreementStatus) -> &'static str {
    match status {
        AgreementStatus::Proposed => "proposed, waiting for an answer",
        AgreementStatus::NotAgreed => "not agreed",
        AgreementStatus::Active => "in force",
        AgreementStatus::Retired => "retired",
    }
}

pub struct AgreementLine {
    pub id: EntryId,
    pub text: String,
    pub status: &'static str,
    pub due: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "agreements.html")]
struct AgreementsPage {
    chrome: Chrome,
    space: SpaceId,
    has_partner: bool,
    agreements: Vec<AgreementLine>,
}

pub async fn agreements_page(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    let state = app.own_up_state(&user.session, space).await?;
    let now = app.clock().now_us();
    Ok(AgreementsPage {
        chrome: Chrome::signed_in(&user.csrf),
        space,
        has_partner: state.is_full(),
        agreements: state
            .agreements
            .agreements
            .iter()
            .map(|a| AgreementLine {
                id: a.id,
                text: a.text().to_owned(),
                status: status_text(a.status()),
                due: a.due_for_review(now),
            })
            .collect(),
    }
    .into_response())
}

/// One version of an agreement, with what changed from the one before.
pub struct VersionView {
    pub number: usize,
    pub text: String,
    pub revisit: Option<String>,
    pub accepted: String,
    pub changes: Vec<(&'static str, String)>,
}

fn diff_view(segments: &[Diff]) -> Vec<(&'static str, String)> {
    segments
        .iter()
        .map(|s| match s {
            Diff::Same(t) => ("same", t.clone()),
            Diff::Removed(t) => ("removed", t.clone()),
            Diff::Added(t) => ("added", t.clone()),
        })
        .collect()
}

/// The terms on the table, waiting for an answer.
pub struct OpenProposal {
    pub id: EntryId,
    pub text: String,
    pub revisit: Option<String>,
    pub by: String,
    pub mine: bool,
    pub changes: Vec<(&'static str, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "agreement.html")]
struct AgreementPage {
    chrome: Chrome,
    space: SpaceId,
    id: EntryId,
    status: &'static str,
    active: bool,
    versions: Vec<VersionView>,
    open: Option<OpenProposal>,
    due: bool,
    i_kept: bool,
    retire: Option<(EntryId, String, bool)>,
}

pub async fn agreement_page(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(entry): Segment2,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    let state = app.own_up_state(&user.session, space).await?;
    let me = user.session.person;
    let zone = &user.session.time_zone;
    let now = app.clock().now_us();
    let a = state
        .agreements
        .agreement(entry_id(&entry)?)
        .ok_or_else(not_found)?;
    Ok(AgreementPage {
        chrome: Chrome::signed_in(&user.csrf),
        space,
        id: a.id,
        status: status_text(a.status()),
        active: a.status() == AgreementStatus::Active,
        versions: a
            .versions
            .iter()
            .rev()
            .map(|v| VersionView {
                number: v.number,
                text: v.text.clone(),
                revisit: v.revisit.map(|r| r.to_string()),
                accepted: format_time(v.accepted_at_us, zone),
                changes: a
                    .changes(v.number)
                    .filter(|c| c.text_changed())
                    .map(|c| diff_view(&c.text))
                    .unwrap_or_default(),
            })
            .collect(),
        open: a.open_proposal().map(|p| OpenProposal {
            id: p.id,
            text: p.text.clone(),
            revisit: p.revisit.map(|r| r.to_string()),
            by: name(&state, me, p.by),
            mine: p.by == me,
            changes: a
                .proposal_changes(p.id)
                .filter(|c| c.text_changed())
                .map(|c| diff_view(&c.text))
                .unwrap_or_default(),
        }),
        due: a.due_for_review(now),
        i_kept: a.has_kept(me),
        retire: a
            .open_retire()
            .map(|r| (r.id, name(&state, me, r.by), r.by == me)),
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct AgreementForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    revisit: String,
    #[serde(default)]
    proposal: String,
    #[serde(default)]
    action: String,
}

pub async fn propose_agreement(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Form(form): Form<AgreementForm>,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    let text = AgreementText::parse(&form.text).map_err(invalid("text"))?;
    let revisit = RevisitDate::parse_optional(&form.revisit).map_err(invalid("revisit"))?;
    let agreement = EntryId::random();
    let command = agreements::Command::Propose {
        id: agreement,
        proposal: EntryId::random(),
        text,
        revisit,
    };
    app.agreement(&user.session, space, command).await?;
    Ok(to(format!("/spaces/{space}/agreements/{agreement}")))
}

/// Every action on an agreement: `action` says which.
pub async fn agreement_action(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(entry): Segment2,
    Form(form): Form<AgreementForm>,
) -> Result<Response, WebError> {
    use agreements::Command as C;
    let space = space_id(&id)?;
    let agreement = entry_id(&entry)?;
    let proposal = || entry_id(&form.proposal);
    let text = || AgreementText::parse(&form.text).map_err(invalid("text"));
    let revisit = || RevisitDate::parse_optional(&form.revisit).map_err(invalid("revisit"));
    let command = match form.action.as_str() {
        "accept" => C::Accept {
            agreement,
            proposal: proposal()?,
        },
        "decline" => C::Decline {
            agreement,
            proposal: proposal()?,
        },
        "withdraw" => C::Withdraw {
            agreement,
            proposal: proposal()?,
        },
        "counter" => C::Counter {
            agreement,
            proposal: proposal()?,
            id: EntryId::random(),
            text: text()?,
            revisit: revisit()?,
        },
        "amend" => C::ProposeAmendment {
            agreement,
            id: EntryId::random(),
            text: text()?,
            revisit: revisit()?,
        },
        "request_review" => C::RequestReview { agreement },
        "keep" => C::KeepAsIs {
            agreement,
            next_revisit: revisit()?,
        },
        "retire" => C::ProposeRetire {
            agreement,
            id: EntryId::random(),
        },
        "accept_retire" => C::AcceptRetire {
            agreement,
            proposal: proposal()?,
        },
        "decline_retire" => C::DeclineRetire {
            agreement,
            proposal: proposal()?,
        },
        "withdraw_retire" => C::WithdrawRetire {
            agreement,
            proposal: proposal()?,
        },
        _ => {
            return Err(AppError::Invalid {
                field: "action",
                message: "Please choose what to do.".into(),
            }
            .into());
        }
    };
    app.agreement(&user.session, space, command).await?;
    Ok(to(format!("/spaces/{space}/agreements/{agreement}")))
}

// ---- proactive reports -------------------------------------------------------------------

/// A report on a breach as shown on its page.
pub struct ReportView {
    pub id: EntryId,
    pub text: String,
    pub when: String,
    pub acknowledged: Option<(String, Option<String>)>,
}

pub fn reports_on(state: &SpaceState, breach: EntryId, zone: &Zone) -> Vec<ReportView> {
    state
        .agreements
        .reports_on(breach)
        .into_iter()
        .map(|r| ReportView {
            id: r.id,
            text: r.text.clone(),
            when: format_time(r.filed_at_us, zone),
            acknowledged: r
                .acknowledged
                .as_ref()
                .map(|a| (format_time(a.at_us, zone), a.response.clone())),
        })
        .collect()
}

#[derive(Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    text: String,
}

pub async fn file_report(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(entry): Segment2,
    Form(form): Form<ReportForm>,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    let breach = entry_id(&entry)?;
    let text = ReportText::parse(&form.text).map_err(invalid("text"))?;
    app.agreement(
        &user.session,
        space,
        agreements::Command::FileReport {
            id: EntryId::random(),
            breach,
            text,
        },
    )
    .await?;
    Ok(to(format!("/spaces/{space}/breaches/{breach}#reports")))
}

#[derive(Deserialize)]
pub struct AcknowledgeForm {
    #[serde(default)]
    response: String,
}

pub async fn acknowledge_report(
    State(app): State<App>,
    user: SignedIn,
    Param(id): Segment,
    Param(entry): Segment2,
    Form(form): Form<AcknowledgeForm>,
) -> Result<Response, WebError> {
    let space = space_id(&id)?;
    let report = entry_id(&entry)?;
    let response = ResponseText::parse_optional(&form.response).map_err(invalid("response"))?;
    let breach = {
        let state = app.own_up_state(&user.session, space).await?;
        state
            .agreements
            .report(report)
            .map(|r| r.breach)
            .ok_or_else(not_found)?
    };
    app.agreement(
        &user.session,
        space,
        agreements::Command::AcknowledgeReport { report, response },
    )
    .await?;
    Ok(to(format!("/spaces/{space}/breaches/{breach}#reports")))
}
