//! The printable summary of a range of dates, and each chart alone as an SVG file.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Query;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::super::context::{ChartPath, CounselNav, ReadProgress};
use super::super::error::{WebError, error_page};
use super::super::view::{Chrome, display_name, partner_names};
use super::charts::{self, Chart};
use super::{
    DISCLAIMER, MilestoneView, RangeQuery, SignalView, celebrated, life, range_of, signals,
    stage_and_pace,
};
use crate::domain::PersonId;
use crate::domain::SpaceId;
use crate::domain::agreements::AgreementStatus;
use crate::domain::ownup::QuestionStatus;
use crate::domain::promises::Counts;
use crate::domain::trends::Trends;

/// Everything the summary shows for one range.
struct SummaryContent {
    signals: Vec<SignalView>,
    /// (breach, who broke trust, stage, pace)
    repairs: Vec<(String, String, String, String)>,
    /// (partner, counts of their promise occurrences in the range)
    reliability: Vec<(String, Counts)>,
    /// (text, version, revisit on)
    agreements: Vec<(String, usize, Option<String>)>,
    open_questions: Vec<String>,
    charts: Vec<Chart>,
    milestones: Vec<MilestoneView>,
}

#[derive(Template, WebTemplate)]
#[template(path = "summary.html")]
struct SummaryPage {
    chrome: Chrome,
    /// The counsellor's read-only navigation, when they are the one reading.
    counsel: Option<CounselNav>,
    space: SpaceId,
    name: String,
    partners: String,
    from: String,
    to: String,
    began: String,
    today: String,
    error: Option<String>,
    content: Option<SummaryContent>,
    disclaimer: &'static str,
}

/// A summary of a space over a range of dates, to print for a counselling session or to
/// keep. It shows only what both partners can already see, the same for both.
pub async fn summary(
    ReadProgress(page): ReadProgress,
    Query(q): Query<RangeQuery>,
) -> Result<Response, WebError> {
    let zone = &page.zone;
    let state = &page.state;
    let now_us = page.now_us;
    let (began, today) = life(state, zone, now_us);
    let partners = partner_names(state);
    let mut shown = SummaryPage {
        chrome: page.chrome(),
        counsel: CounselNav::of(&page),
        space: state.id,
        name: state.name.clone(),
        partners,
        from: q.from.trim().to_owned(),
        to: q.to.trim().to_owned(),
        began: began.to_string(),
        today: today.to_string(),
        error: None,
        content: None,
        disclaimer: DISCLAIMER,
    };
    let range = match range_of(state, zone, now_us, &q) {
        Ok(range) => range,
        Err(e) => {
            shown.error = Some(e.to_string());
            return Ok((StatusCode::BAD_REQUEST, shown).into_response());
        }
    };
    shown.from = range.from.to_string();
    shown.to = range.to.to_string();
    let trends = Trends::of(state, range, now_us);
    let name = |p: PersonId| display_name(state, p);
    shown.content = Some(SummaryContent {
        signals: signals(state, None, zone, now_us),
        repairs: state
            .own_up
            .breaches
            .iter()
            .map(|b| {
                let (stage, pace) = stage_and_pace(state, b.id);
                (b.title.clone(), name(b.broke_trust), stage, pace)
            })
            .collect(),
        reliability: trends
            .promises_by
            .iter()
            .map(|(p, counts)| (name(*p), *counts))
            .collect(),
        agreements: state
            .agreements
            .with_status(AgreementStatus::Active)
            .map(|a| {
                (
                    a.text().to_owned(),
                    a.versions.len(),
                    a.revisit.map(|d| d.date().to_string()),
                )
            })
            .collect(),
        open_questions: state
            .own_up
            .questions
            .iter()
            .filter(|q| q.status() != QuestionStatus::Settled)
            .map(|q| q.title().to_owned())
            .collect(),
        charts: charts::all(state, &trends),
        milestones: celebrated(state, zone, now_us, Some(&range), None),
    });
    Ok(shown.into_response())
}

/// One chart on its own, as an SVG file: `/spaces/{id}/charts/{name}.svg`.
pub async fn chart(
    ReadProgress(page): ReadProgress,
    ChartPath(file): ChartPath,
    Query(q): Query<RangeQuery>,
) -> Result<Response, WebError> {
    let zone = &page.zone;
    let state = &page.state;
    let now_us = page.now_us;
    let name = file.strip_suffix(".svg").unwrap_or(&file);
    if !charts::NAMES.contains(&name) {
        // The name asked for is not repeated: a page of ours should not say what a link made up.
        let message = format!(
            "There is no such chart. The charts are: {}.",
            charts::NAMES.join(", ")
        );
        return Ok(error_page(StatusCode::NOT_FOUND, "No such chart", &message));
    }
    let range = match range_of(state, zone, now_us, &q) {
        Ok(range) => range,
        Err(e) => {
            return Ok(error_page(
                StatusCode::BAD_REQUEST,
                "Please choose other dates",
                &e.to_string(),
            ));
        }
    };
    let trends = Trends::of(state, range, now_us);
    let Some(chart) = charts::by_name(state, &trends, name) else {
        return Ok(error_page(
            StatusCode::NOT_FOUND,
            "No such chart",
            "That chart is about a partner who hasn't joined yet.",
        ));
    };
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        chart.svg,
    )
        .into_response())
}
