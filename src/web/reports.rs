//! Proactive reports: the partner who broke trust tells, before being asked, about contact
//! or events that touch a breach; the other acknowledges. They live on the breach's page.

use askama::Template;
use axum::Form;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::Deserialize;

use super::context::{BreachHead, EntryPath, InSpace, OnBreach};
use super::error::{WebError, not_found};
use super::events::Described;
use super::routes::Routes;
use super::view::{Chrome, format_time, invalid, see_other};
use super::wording::{self, Checked, ReviewPage};
use crate::domain::reports::{self, ReportText, ResponseText};
use crate::domain::space::{SpaceEvent, SpaceState};
use crate::domain::{EntryId, PersonId};

pub fn routes() -> Routes {
    Routes::new()
        .route("/spaces/{id}/breaches/{entry}/reports", post(file_report))
        .route(
            "/spaces/{id}/reports/{entry}/acknowledge",
            post(acknowledge_report),
        )
}

/// Reports waiting to be acknowledged.
pub fn waiting(state: &SpaceState, viewer: PersonId, _now_us: i64) -> Vec<(String, String)> {
    use reports::Waiting as R;
    state
        .reports
        .waiting_for(viewer)
        .into_iter()
        .map(|w| match w {
            R::AcknowledgeReport(report) => {
                let breach = state
                    .reports
                    .report(report)
                    .map(|r| r.breach.to_string())
                    .unwrap_or_default();
                (
                    "Acknowledge something your partner reported".to_owned(),
                    format!("/spaces/{}/breaches/{breach}#reports", state.id),
                )
            }
        })
        .collect()
}

/// Record-page wording for reports.
pub fn describe(_state: &SpaceState, base: &str, event: &SpaceEvent) -> Described {
    use reports::Event as E;
    let what = match event {
        SpaceEvent::Report(E::ReportFiled(_)) => "reported something before being asked",
        SpaceEvent::Report(E::ReportAcknowledged(_)) => "acknowledged a report",
        _ => return None,
    };
    Some((what.to_owned(), Some(format!("{base}/breaches"))))
}

/// A report on a breach as shown on its page.
pub struct ReportView {
    pub id: EntryId,
    pub text: String,
    pub when: String,
    pub acknowledged: Option<(String, Option<String>)>,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct BreachReports {
    chrome: Chrome,
    breach: BreachHead,
    reports: Vec<ReportView>,
}

/// What was reported about a breach, as a section of its page.
pub fn on_breach(on: &OnBreach) -> Result<String, askama::Error> {
    let zone = &on.page.zone;
    let reports = on
        .page
        .state
        .reports
        .reports_on(on.breach.id)
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
        .collect();
    BreachReports {
        chrome: on.page.chrome(),
        breach: on.head(),
        reports,
    }
    .render()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ReportForm {
    text: String,
    action: String,
    /// Carried on from the warning before words of fear (see `warn`).
    safety: String,
}

/// A report is written by the partner who broke trust, so it gets the accountability check
/// first (see `wording`); `send_anyway` files it whatever the check says.
async fn file_report(
    page: InSpace,
    EntryPath(space, breach): EntryPath,
    Form(form): Form<ReportForm>,
) -> Result<Response, WebError> {
    let text = ReportText::parse(&form.text).map_err(invalid("text"))?;
    let broke_trust = page
        .state
        .own_up
        .breach(breach)
        .is_some_and(|b| b.broke_trust == page.people.me);
    if form.action != "send_anyway" {
        let checked = Checked::run(wording::about_breach(broke_trust), &form.text);
        if !checked.is_empty() {
            return Ok(ReviewPage {
                chrome: page.chrome(),
                space,
                heading: "Before you send your report",
                action: format!("/spaces/{space}/breaches/{breach}/reports"),
                back: format!("/spaces/{space}/breaches/{breach}#reports"),
                label: "Your report",
                max: reports::limits::REPORT,
                text: form.text,
                checked,
                understood: form.safety == "understood",
            }
            .into_response());
        }
    }
    page.app
        .report(
            &page.session,
            space,
            reports::Command::File {
                id: EntryId::random(),
                breach,
                text,
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/spaces/{space}/breaches/{breach}#reports"
    )))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AcknowledgeForm {
    response: String,
}

async fn acknowledge_report(
    page: InSpace,
    EntryPath(space, report): EntryPath,
    Form(form): Form<AcknowledgeForm>,
) -> Result<Response, WebError> {
    let response = ResponseText::parse_optional(&form.response).map_err(invalid("response"))?;
    let breach = page
        .state
        .reports
        .report(report)
        .map(|r| r.breach)
        .ok_or_else(not_found)?;
    page.app
        .report(
            &page.session,
            space,
            reports::Command::Acknowledge { report, response },
        )
        .await?;
    Ok(see_other(&format!(
        "/spaces/{space}/breaches/{breach}#reports"
    )))
}
