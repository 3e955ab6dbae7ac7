//! The forms as the fuzz targets reach them (through [`crate::fuzzing`]): a raw body goes
//! through the guard's own checks, then axum's own `Form` (and `Query`) extractor into every
//! form struct a handler takes, and through the parsing handlers do beyond one domain parser
//! per field. Compiled only for tests and `cargo fuzz`; nothing in the app calls it.

use std::pin::pin;
use std::task::{Context, Poll, Waker};

use axum::body::Body;
use axum::extract::{FromRequest, Query};
use axum::http::{Request, Uri, header};
use serde::de::DeserializeOwned;

use super::{accounts, agreements, apologies, breaches, checkins, disclosure, goals, guard};
use super::{
    counsel, journal, letters, progress, promises, questions, record, repair, reports, spaces,
    together,
};
use crate::domain::EntryId;
use crate::domain::calendar::Zone;

/// `body` as a handler's `Form<T>` receives it: a POST with the form content type.
pub(crate) fn form<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    let request = Request::post("/")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_vec()))
        .ok()?;
    let mut extract = pin!(axum::Form::<T>::from_request(request, &()));
    // A body already in memory is read in one poll.
    match extract
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(decoded) => decoded.ok().map(|axum::Form(value)| value),
        Poll::Pending => panic!("a form body in memory did not decode at once"),
    }
}

/// An id from a form field, as handlers read one.
pub(crate) fn form_id(raw: &str) -> Option<EntryId> {
    super::context::form_id(raw).ok()
}

/// `query` as a handler's `Query<T>` receives it, where it can be a URI's query at all.
fn query<T: DeserializeOwned>(query: &[u8]) -> Option<T> {
    let uri = Uri::try_from([b"/?", query].concat()).ok()?;
    Query::<T>::try_from_uri(&uri)
        .ok()
        .map(|Query(value)| value)
}

/// The guard's claim about the bodies it lets through: when [`guard::form_is_utf8`] says a
/// body is UTF-8, every name and value decodes without a replacement character, so what the
/// form extractor hands a handler is exactly what was sent.
fn guard_lets_through_only_lossless_forms(body: &[u8], pairs: Option<&[(String, String)]>) {
    let _ = guard::form_field(body, super::CSRF_FIELD);
    if !guard::form_is_utf8(body) {
        return;
    }
    let strict = |part: &[u8]| {
        let spaced: Vec<u8> = part
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        let decoded: Vec<u8> = percent_encoding::percent_decode(&spaced).collect();
        String::from_utf8(decoded)
    };
    let exact: Vec<(String, String)> = body
        .split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = match pair.iter().position(|&b| b == b'=') {
                Some(at) => (&pair[..at], &pair[at + 1..]),
                None => (pair, &[][..]),
            };
            match (strict(name), strict(value)) {
                (Ok(name), Ok(value)) => (name, value),
                _ => panic!("the guard let through a form that is not UTF-8: {body:?}"),
            }
        })
        .collect();
    assert_eq!(
        pairs,
        Some(exact.as_slice()),
        "the form extractor changed a form the guard let through: {body:?}"
    );
}

/// Decodes `body` as every form, and runs what handlers parse beyond single fields. Returns
/// the body's fields, as the handlers that take a list of fields receive them.
pub(crate) fn every_form(body: &[u8]) -> Option<Vec<(String, String)>> {
    let pairs = form::<Vec<(String, String)>>(body);
    guard_lets_through_only_lossless_forms(body, pairs.as_deref());

    macro_rules! decodes {
        ($($form:ty),* $(,)?) => {$(
            let _ = form::<$form>(body);
        )*};
    }
    decodes!(
        accounts::SignUpForm,
        accounts::LoginForm,
        accounts::PasswordForm,
        accounts::TimeZoneForm,
        apologies::RespondForm,
        breaches::BreachForm,
        breaches::AcknowledgeForm,
        disclosure::DisclosureForm,
        goals::GoalForm,
        letters::LetterForm,
        questions::AskForm,
        questions::TextForm,
        repair::TextForm,
        repair::PaceForm,
        repair::StageForm,
        reports::ReportForm,
        reports::AcknowledgeForm,
        spaces::CreateForm,
        together::TextForm,
        together::PlanForm,
        together::FeltForm,
        counsel::InviteForm,
        counsel::ConsentForm,
        counsel::EngagementForm,
        counsel::NoteForm,
        journal::EntryForm,
        journal::LetterForm,
        journal::UnlockForm,
        journal::SearchQuery,
    );
    // What the counsellor's and the journal's handlers parse beyond single fields.
    for (_, value) in pairs.iter().flatten() {
        let _ = crate::domain::counsel::Scope::parse(value);
        let _ = crate::domain::counsel::Practice::parse_optional(value);
        let _ = crate::domain::counsel::CounsellorName::parse(value);
        let _ = crate::domain::counsel::NoteText::parse(value);
        let _ = crate::domain::journal::entry_date(value);
        let _ = crate::domain::journal::EntryText::parse(value);
        let _ = crate::domain::journal::chosen_prompt(value);
        let _ = crate::domain::vault::RecoveryKey::parse(value);
    }

    let id = EntryId::random();
    if let Some(apology) = form::<apologies::ApologyForm>(body) {
        let _ = apology.sections();
    }
    if let Some(occurrence) = form::<promises::OccurrenceForm>(body) {
        let _ = occurrence.command(id);
    }
    if let Some(agreement) = form::<agreements::AgreementForm>(body) {
        let _ = agreement.command(id);
    }
    if let Some(cadence) = form::<checkins::CadenceForm>(body) {
        let _ = cadence.command(id);
    }
    if let Some(proposal) = form::<checkins::ProposalForm>(body) {
        let _ = proposal.command(id);
    }
    if let Some(fields) = &pairs {
        let _ = checkins::answer_command(fields);
        let typed = promises::Typed::of(fields);
        let _ = typed.command(id, None, Zone::utc());
    }

    // The same bytes as a query string, for the pages that take one.
    if let Some(next) = query::<accounts::Next>(body) {
        let target = next.target();
        assert!(
            guard::is_local_path(&target),
            "a next page that leaves the site: {target:?}"
        );
    }
    let _ = query::<letters::DraftQuery>(body);
    let _ = query::<questions::BreachQuery>(body);
    let _ = query::<progress::RangeQuery>(body);
    if let Some(asked) = query::<record::PageQuery>(body)
        && let Some((after, up_to)) = record::window(&asked.before, 120)
    {
        assert!(after <= up_to && up_to <= 120, "a page outside the record");
    }
    pairs
}
