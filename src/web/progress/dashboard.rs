//! A space's home page: what is waiting for the viewer (each capability says what it is
//! waiting for, see `web::WAITING`), signals, milestones, where each repair stands, half a
//! year of trends, and what happened recently.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::super::WAITING;
use super::super::context::{CounselNav, InSpace, ReadProgress, scope_words};
use super::super::error::WebError;
use super::super::events::{self, EventLine};
use super::super::guard::{INVITE_COOKIE, cookie_value};
use super::super::view::{Chrome, format_time, partner_names};
use super::charts::{self, Chart};
use super::{
    DISCLAIMER, MilestoneView, SignalView, celebrated, dashboard_range, range_text, signals,
    stage_and_pace,
};
use crate::domain::calendar::Zone;
use crate::domain::counsel::Scope;
use crate::domain::quick_exit::ExitTo;
use crate::domain::record::RecordedEvent;
use crate::domain::space::SpaceState;
use crate::domain::trends::Trends;
use crate::domain::{PersonId, SpaceId};

#[derive(Template, WebTemplate)]
#[template(path = "space.html")]
struct DashboardPage {
    chrome: Chrome,
    space: SpaceId,
    name: String,
    me: String,
    partner: Option<String>,
    invite_link: Option<String>,
    events: u64,
    waiting: Vec<(String, String)>,
    /// Each breach with its stage and pace, e.g. ("The messages", "Atone", "2 of 4 topics ready").
    repairs: Vec<(String, String, String, String)>,
    upcoming: Vec<String>,
    celebrated: Vec<String>,
    signals: Vec<SignalView>,
    milestones: Vec<MilestoneView>,
    disclaimer: &'static str,
    /// "3 Jun 2026 to 29 Nov 2026".
    range: String,
    charts: Vec<Chart>,
    recent: Vec<EventLine>,
    /// The stored record does not check out (the record page says how).
    damaged: bool,
    /// A counsellor has access: the signals then stop offering to invite one.
    counsellor_active: bool,
}

impl DashboardPage {
    /// Signals other than safety, which share one card after what is waiting (the safety
    /// card has its own, first: docs/safety.md).
    fn other_signals(&self) -> bool {
        self.signals.iter().any(|s| !s.safety)
    }
}

/// The dashboard loads its own state (it also records milestones and reads the newest
/// events), so it takes the path and the session rather than the page context. The
/// couple's counsellor reads their own, read-only version of it.
pub async fn show(
    ReadProgress(page): ReadProgress,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if let Some(counsel) = CounselNav::of(&page) {
        return counsellor_dashboard(&page, counsel).await;
    }
    let app = &page.app;
    let dashboard = app.dashboard(&page.session, page.state.clone()).await?;
    let kept = cookie_value(&headers, INVITE_COOKIE, app.settings().secure_cookies);
    let invite_link = app.pending_invite_link(&dashboard.state, kept).await?;
    let mut shown = dashboard_page(
        &dashboard.state,
        page.me(),
        &page.zone,
        dashboard.now_us,
        &dashboard.recent,
    );
    shown.chrome = page.chrome();
    shown.invite_link = invite_link;
    Ok(shown.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "counsel_dashboard.html")]
struct CounsellorDashboard {
    chrome: Chrome,
    counsel: CounselNav,
    name: String,
    partners: String,
    scope: &'static str,
    /// (breach, stage, pace)
    repairs: Vec<(String, String, String)>,
    upcoming: Vec<String>,
    celebrated: Vec<String>,
    signals: Vec<SignalView>,
    milestones: Vec<MilestoneView>,
    disclaimer: &'static str,
    range: String,
    charts: Vec<Chart>,
    recent: Vec<EventLine>,
}

/// The dashboard as the couple's counsellor reads it: the same charts, signals (those the
/// printable summary shows), milestones and stages; the newest entries, the time together
/// coming up and goals reached only when both partners agreed to show the record. Nothing
/// links to a partner's page, and nothing here depends on what a partner keeps unsent or
/// sealed.
async fn counsellor_dashboard(page: &InSpace, counsel: CounselNav) -> Result<Response, WebError> {
    let dashboard = page
        .app
        .counsellor_dashboard(&page.session, page.space())
        .await?;
    let (state, now_us, zone) = (&dashboard.state, dashboard.now_us, &page.zone);
    let record = counsel.record;
    let range = dashboard_range(state, zone, now_us);
    let trends = Trends::of(state, range, now_us);
    Ok(CounsellorDashboard {
        chrome: page.chrome(),
        name: state.name.clone(),
        partners: partner_names(state),
        scope: scope_words(page.counsellor().unwrap_or(Scope::Progress)),
        repairs: state
            .own_up
            .breaches
            .iter()
            .map(|b| {
                let (stage, pace) = stage_and_pace(state, b.id);
                (b.title.clone(), stage, pace)
            })
            .collect(),
        upcoming: if record {
            state
                .together
                .upcoming(now_us)
                .into_iter()
                .map(|p| format!("{}, {}", p.what, format_time(p.when_us, zone)))
                .collect()
        } else {
            Vec::new()
        },
        celebrated: if record {
            state
                .together
                .reached_goals()
                .into_iter()
                .map(|g| g.text.clone())
                .collect()
        } else {
            Vec::new()
        },
        signals: signals(state, None, zone, now_us),
        milestones: celebrated(state, zone, now_us, None),
        disclaimer: DISCLAIMER,
        range: range_text(&range),
        charts: charts::all(state, &trends),
        recent: dashboard
            .recent
            .iter()
            .map(|e| {
                let mut line = events::describe(state, page.me(), e, zone);
                line.link = None;
                line
            })
            .collect(),
        counsel,
    }
    .into_response())
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
) -> DashboardPage {
    let me = state.partners.iter().find(|p| p.person == viewer);
    let range = dashboard_range(state, zone, now_us);
    let trends = Trends::of(state, range, now_us);
    DashboardPage {
        chrome: Chrome {
            signed_in: true,
            csrf: String::new(),
            exit_to: ExitTo::default().href().to_owned(),
            here: String::new(),
        },
        space: state.id,
        name: state.name.clone(),
        me: me.map(|p| p.display_name.clone()).unwrap_or_default(),
        partner: state.partner_of(viewer).map(|p| p.display_name.clone()),
        invite_link: None,
        events: state.head_seq,
        damaged: state.damage.is_damaged(),
        counsellor_active: state.counsel.active(&state.partner_ids()).is_some(),
        waiting: WAITING
            .iter()
            .flat_map(|waiting| waiting(state, viewer, now_us))
            .collect(),
        repairs: state
            .own_up
            .breaches
            .iter()
            .map(|b| {
                let (stage, pace) = stage_and_pace(state, b.id);
                (
                    format!("/spaces/{}/breaches/{}", state.id, b.id),
                    b.title.clone(),
                    stage,
                    pace,
                )
            })
            .collect(),
        upcoming: state
            .together
            .upcoming(now_us)
            .into_iter()
            .map(|p| format!("{}, {}", p.what, format_time(p.when_us, zone)))
            .collect(),
        celebrated: state
            .together
            .reached_goals()
            .into_iter()
            .map(|g| g.text.clone())
            .collect(),
        signals: signals(state, Some(viewer), zone, now_us),
        milestones: celebrated(state, zone, now_us, None),
        disclaimer: DISCLAIMER,
        range: range_text(&range),
        charts: charts::all(state, &trends),
        recent: recent
            .iter()
            .map(|e| events::describe(state, viewer, e, zone))
            .collect(),
    }
}
