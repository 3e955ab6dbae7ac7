//! Agreements (boundaries): proposed by either partner, in force only once both accept,
//! amended as new versions with what changed, revisited on a date or on request, retired by
//! both.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::context::{EntryPath, InSpace, form_id};
use super::error::{WebError, not_found};
use super::events::Described;
use super::routes::Routes;
use super::view::{Chrome, FormError, Name, answer_form, format_time, invalid, see_other};
use crate::app::AppError;
use crate::domain::agreements::{
    self, AgreementStatus, AgreementText, RevisitDate, Segment as Diff,
};
use crate::domain::space::{SpaceEvent, SpaceState};
use crate::domain::{EntryId, PersonId, SpaceId};

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/spaces/{id}/agreements",
            get(agreements_page).post(propose_agreement),
        )
        .route("/spaces/{id}/agreements/{entry}", get(agreement_page))
        .route(
            "/spaces/{id}/agreements/{entry}/actions",
            post(agreement_action),
        )
}

/// Proposals to answer and agreements due for review.
pub fn waiting(state: &SpaceState, viewer: PersonId, now_us: i64) -> Vec<(String, String)> {
    use agreements::Waiting as A;
    let link = |agreement: EntryId| format!("/spaces/{}/agreements/{agreement}", state.id);
    state
        .agreements
        .waiting_for(viewer, now_us)
        .into_iter()
        .map(|w| match w {
            A::AnswerProposal { agreement, .. } => {
                ("Answer a proposed agreement".to_owned(), link(agreement))
            }
            A::Review(agreement) => (
                "Review an agreement that is due".to_owned(),
                link(agreement),
            ),
            A::AnswerRetire { agreement, .. } => (
                "Answer a proposal to retire an agreement".to_owned(),
                link(agreement),
            ),
        })
        .collect()
}

/// Record-page wording for agreement events.
pub fn describe(_state: &SpaceState, base: &str, event: &SpaceEvent) -> Described {
    use agreements::Event as E;
    let SpaceEvent::Agreement(event) = event else {
        return None;
    };
    let (what, agreement) = match event {
        E::AgreementProposed(e) => ("proposed an agreement", e.agreement),
        E::AgreementCountered(e) => ("proposed changes to an agreement", e.agreement),
        E::AgreementAccepted(e) => ("accepted an agreement", e.agreement),
        E::AgreementDeclined(e) => ("declined a proposed agreement", e.agreement),
        E::AgreementWithdrawn(e) => ("withdrew a proposed agreement", e.agreement),
        E::AmendmentProposed(e) => ("proposed an amendment", e.agreement),
        E::ReviewRequested(e) => ("asked to revisit an agreement", e.agreement),
        E::AgreementReviewed(e) => ("reviewed an agreement", e.agreement),
        E::RetireProposed(e) => ("proposed retiring an agreement", e.agreement),
        E::Retired(e) => ("agreed to retire an agreement", e.agreement),
        E::RetireDeclined(e) => ("declined retiring an agreement", e.agreement),
        E::RetireWithdrawn(e) => ("withdrew a proposal to retire an agreement", e.agreement),
    };
    Some((
        what.to_owned(),
        Some(format!("{base}/agreements/{agreement}")),
    ))
}

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
    /// What was typed, when the form comes back with a refusal.
    typed: AgreementForm,
    error: Option<FormError>,
}

async fn agreements_page(page: InSpace) -> Result<Response, WebError> {
    Ok(agreements_list(&page, AgreementForm::default(), None).into_response())
}

fn agreements_list(
    page: &InSpace,
    typed: AgreementForm,
    error: Option<FormError>,
) -> AgreementsPage {
    let state = &page.state;
    let now = page.now_us;
    AgreementsPage {
        chrome: page.chrome(),
        space: page.space(),
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
        typed,
        error,
    }
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
    pub by: Name,
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
    retire: Option<(EntryId, Name, bool)>,
}

async fn agreement_page(page: InSpace, EntryPath(_, id): EntryPath) -> Result<Response, WebError> {
    let people = &page.people;
    let me = page.me();
    let zone = &page.zone;
    let now = page.now_us;
    let a = page.state.agreements.agreement(id).ok_or_else(not_found)?;
    Ok(AgreementPage {
        chrome: page.chrome(),
        space: page.space(),
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
            by: people.name(p.by),
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
            .map(|r| (r.id, people.name(r.by), r.by == me)),
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AgreementForm {
    text: String,
    revisit: String,
    proposal: String,
    action: String,
}

/// A refused proposal comes back to the form, beside the field, as it was typed.
async fn propose_agreement(
    page: InSpace,
    Form(form): Form<AgreementForm>,
) -> Result<Response, WebError> {
    let proposed = propose(&page, &form).await;
    answer_form(proposed, &["text", "revisit"], |error| {
        agreements_list(&page, form, Some(error))
    })
}

async fn propose(page: &InSpace, form: &AgreementForm) -> Result<String, AppError> {
    let text = AgreementText::parse(&form.text).map_err(|e| AppError::invalid("text", e))?;
    let revisit =
        RevisitDate::parse_optional(&form.revisit).map_err(|e| AppError::invalid("revisit", e))?;
    let agreement = EntryId::random();
    let command = agreements::Command::Propose {
        id: agreement,
        proposal: EntryId::random(),
        text,
        revisit,
    };
    page.app
        .agreement(&page.session, page.space(), command)
        .await?;
    Ok(format!("/spaces/{}/agreements/{agreement}", page.space()))
}

impl AgreementForm {
    /// What the form asks of `agreement`: `action` says which.
    pub(super) fn command(&self, agreement: EntryId) -> Result<agreements::Command, WebError> {
        use agreements::Command as C;
        let proposal = || form_id(&self.proposal);
        let text = || AgreementText::parse(&self.text).map_err(invalid("text"));
        let revisit = || RevisitDate::parse_optional(&self.revisit).map_err(invalid("revisit"));
        Ok(match self.action.as_str() {
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
        })
    }
}

/// Every action on an agreement: `action` says which.
async fn agreement_action(
    page: InSpace,
    EntryPath(space, agreement): EntryPath,
    Form(form): Form<AgreementForm>,
) -> Result<Response, WebError> {
    let command = form.command(agreement)?;
    page.app.agreement(&page.session, space, command).await?;
    Ok(see_other(&format!(
        "/spaces/{space}/agreements/{agreement}"
    )))
}
