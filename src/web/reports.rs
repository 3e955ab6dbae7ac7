//! Proactive reports: the partner who broke trust tells, before being asked, about contact
//! or events that touch a breach; the other acknowledges. They live on the breach's page.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use serde::Deserialize;

use super::context::{BreachHead, EntryPath, InSpace, OnBreach};
use super::error::{WebError, not_found};
use super::events::Described;
use super::guard::SignedIn;
use super::view::{Chrome, format_time, invalid, see_other};
use crate::app::App;
use crate::domain::agreements::{self, ReportText, ResponseText};
use crate::domain::space::{SpaceEvent, SpaceState};
use crate::domain::{EntryId, PersonId};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/spaces/{id}/breaches/{entry}/reports", post(file_report))
        .route(
            "/spaces/{id}/reports/{entry}/acknowledge",
            post(acknowledge_report),
        )
}

/// Reports waiting to be acknowledged.
pub fn waiting(state: &SpaceState, viewer: PersonId, now_us: i64) -> Vec<(String, String)> {
    use agreements::Waiting as A;
    state
        .agreements
        .waiting_for(viewer, now_us)
        .into_iter()
        .filter_map(|w| match w {
            A::AcknowledgeReport(report) => {
                let breach = state
                    .agreements
                    .report(report)
                    .map(|r| r.breach.to_string())
                    .unwrap_or_default();
                Some((
                    "Acknowledge something your partner reported".to_owned(),
                    format!("/spaces/{}/breaches/{breach}#reports", state.id),
                ))
            }
            _ => None,
        })
        .collect()
}

/// Record-page wording for reports.
pub fn describe(_state: &SpaceState, base: &str, event: &SpaceEvent) -> Described {
    use agreements::Event as E;
    let what = match event {
        SpaceEvent::Agreement(E::ReportFiled(_)) => "reported something before being asked",
        SpaceEvent::Agreement(E::ReportAcknowledged(_)) => "acknowledged a report",
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
        .agreements
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
struct ReportForm {
    text: String,
}

async fn file_report(
    State(app): State<App>,
    user: SignedIn,
    EntryPath(space, breach): EntryPath,
    Form(form): Form<ReportForm>,
) -> Result<Response, WebError> {
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
    Ok(see_other(&format!(
        "/spaces/{space}/breaches/{breach}#reports"
    )))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AcknowledgeForm {
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
        .agreements
        .report(report)
        .map(|r| r.breach)
        .ok_or_else(not_found)?;
    page.app
        .agreement(
            &page.session,
            space,
            agreements::Command::AcknowledgeReport { report, response },
        )
        .await?;
    Ok(see_other(&format!(
        "/spaces/{space}/breaches/{breach}#reports"
    )))
}
