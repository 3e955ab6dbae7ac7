//! A space's home page: what is waiting for the viewer (each capability says what it is
//! waiting for, see `web::WAITING`), signals, milestones, where each repair stands, half a
//! year of trends, and what happened recently.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::super::context::{CounselNav, InSpace, ReadProgress, scope_words};
use super::super::error::WebError;
use super::super::events::{self, EventLine};
use super::super::guard::{INVITE_COOKIE, cookie_value};
use super::super::view::{
    Chrome, FRESH_FORM_TOKEN, Name, People, Pieces, format_time, inside, partner_names, quoted,
    see_other,
};
use super::super::{FIRST_STEPS, WAITING};
use super::charts::{self, Chart};
use super::{
    DISCLAIMER, MilestoneView, SignalView, celebrated, dashboard_range, range_text, signals,
    stage_and_pace,
};
use crate::app::PageKey;
use crate::domain::calendar::Zone;
use crate::domain::checkins::Partner;
use crate::domain::counsel::Scope;
use crate::domain::quick_exit::ExitTo;
use crate::domain::record::RecordedEvent;
use crate::domain::seen::{Mark, Marks};
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
    /// What this space is for and what the viewer does first; `open` until they fold it.
    welcome: Welcome,
    /// Enough revealed check-ins to draw: the charts open unfolded.
    charts_open: bool,
    /// The hurt partner said they are open to appreciation and marking progress.
    appreciation_open: bool,
    /// The space was closed (a partner left, or the repair ended apart): in words.
    closed: Option<String>,
    /// The break the space is on: who took it ("You" or their name), and the day it ends
    /// ("14 Dec"; `None` until one of them ends it). Nothing is waiting meanwhile.
    paused: Option<(Name, Option<String>)>,
}

/// The welcome of a space: the viewer's first steps on each breach.
pub struct Welcome {
    pub open: bool,
    /// "For “The messages”: …", one per breach; empty before any is recorded.
    pub steps: Vec<String>,
}

/// How many revealed check-ins the charts wait for before they open by themselves.
const CHARTS_AFTER: usize = 3;

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
///
/// A partner's page is drawn once per head of the record, minute, and everything else it
/// shows (`PageKey`), and served again from the page cache until one of them changes: the
/// viewer's CSRF token is put in when it is served.
pub async fn show(
    ReadProgress(page): ReadProgress,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if let Some(counsel) = CounselNav::of(&page) {
        return counsellor_dashboard(&page, counsel).await;
    }
    let app = &page.app;
    let kept = cookie_value(&headers, INVITE_COOKIE, app.settings().secure_cookies);
    let invite_link = app.pending_invite_link(&page.state, kept).await?;
    let pages = app.pages();
    // A page already drawn for this head, minute and marks is served as it is: when it was
    // drawn, the milestones reached by then were recorded (which moved the head), or could
    // not be, and are tried again in the next minute.
    let marks = match &page.marks {
        Some(marks) => marks.clone(),
        None => app.my_marks(&page.session, &page.state).await?,
    };
    let key = page_key(
        &page,
        &page.state,
        page.now_us,
        invite_link.as_deref(),
        &marks,
    );
    if let Some(drawn) = pages.get(&key) {
        return Ok(Pieces::html(drawn.chunks(&page.csrf)));
    }
    let dashboard = app.dashboard(&page.session, page.state.clone()).await?;
    let key = page_key(
        &page,
        &dashboard.state,
        dashboard.now_us,
        invite_link.as_deref(),
        &dashboard.marks,
    );
    let drawn = match pages.get(&key) {
        Some(drawn) => drawn,
        None => {
            let recent = app.dashboard_recent(&page.session, &dashboard).await?;
            let mut shown = dashboard_page(
                &dashboard.state,
                page.me(),
                &page.zone,
                dashboard.now_us,
                &recent,
                &dashboard.marks,
            );
            shown.chrome = page.chrome_with(pages.csrf_mark());
            shown.invite_link = invite_link;
            let html = shown
                .render()
                .map_err(|e| anyhow::anyhow!("drawing the home page: {e}"))?;
            pages.put(key, &html, FRESH_FORM_TOKEN)
        }
    };
    Ok(Pieces::html(drawn.chunks(&page.csrf)))
}

/// Everything a partner's home page is drawn from besides the state and the minute.
fn page_key(
    page: &InSpace,
    state: &SpaceState,
    now_us: i64,
    invite_link: Option<&str>,
    marks: &Marks,
) -> PageKey {
    PageKey::new(
        "dashboard",
        state,
        page.me(),
        now_us,
        &[
            page.zone.name(),
            page.session.exit_to.href(),
            invite_link.unwrap_or(""),
            &marks.keys().join("\n"),
        ],
    )
}

/// The viewer folds the welcome away; it stays one click away at the foot of the page.
pub async fn fold_welcome(page: InSpace) -> Result<Response, WebError> {
    let (app, session, state) = (&page.app, &page.session, &page.state);
    let had = app.my_marks(session, state).await?;
    app.mark(session, state, &had, [Mark::Welcome]).await?;
    Ok(see_other(&page.base()))
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
    let (dashboard, recent) = page
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
        milestones: if state.repair.open_to_appreciation(&state.own_up) {
            celebrated(state, zone, now_us, None, None)
        } else {
            Vec::new()
        },
        disclaimer: DISCLAIMER,
        range: range_text(&range),
        charts: charts::all(state, &trends),
        recent: recent
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
    dashboard_page(state, viewer, zone, now_us, recent, &Marks::default()).render()
}

fn dashboard_page(
    state: &SpaceState,
    viewer: PersonId,
    zone: &Zone,
    now_us: i64,
    recent: &[RecordedEvent],
    marks: &Marks,
) -> DashboardPage {
    let me = state.partners.iter().find(|p| p.person == viewer);
    let appreciation_open = state.repair.open_to_appreciation(&state.own_up);
    let closed = closed_words(state, viewer, zone);
    let on_break = state.pause.paused_at(now_us).is_some();
    let open = closed.is_none();
    let range = dashboard_range(state, zone, now_us);
    let trends = Trends::of(state, range, now_us);
    let paused = state.pause.paused_at(now_us).map(|b| {
        let until = b.until_us.and_then(|u| zone.date_at(u));
        (
            People::of(state, viewer).name(b.by),
            until.map(|d| d.strftime("%-d %b").to_string()),
        )
    });
    DashboardPage {
        chrome: Chrome {
            signed_in: true,
            csrf: String::new(),
            exit_to: ExitTo::default().href().to_owned(),
            here: String::new(),
            gaps: Vec::new(),
        },
        space: state.id,
        name: state.name.clone(),
        me: me.map(|p| p.display_name.clone()).unwrap_or_default(),
        partner: state
            .partner_of(viewer)
            .map(|p| inside(&p.display_name).to_owned()),
        invite_link: None,
        events: state.head_seq,
        damaged: state.damage.is_damaged(),
        counsellor_active: state.counsel.active(&state.partner_ids()).is_some(),
        // First steps first: what to read and write at the start, then everything else;
        // nothing at all during a break, nor in a closed space.
        waiting: if paused.is_some() || !open {
            Vec::new()
        } else {
            FIRST_STEPS
                .iter()
                .flat_map(|steps| steps(state, viewer, marks))
                .chain(
                    WAITING
                        .iter()
                        .flat_map(|(_, waiting)| waiting(state, viewer, now_us)),
                )
                .collect()
        },
        paused,
        closed,
        welcome: Welcome {
            // Nothing is asked during a break or after the end, the welcome's steps neither.
            open: open && !on_break && !marks.has(&Mark::Welcome),
            steps: welcome_steps(state, viewer),
        },
        charts_open: revealed_check_ins(state, viewer, now_us) >= CHARTS_AFTER,
        appreciation_open,
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
        signals: if open {
            signals(state, Some(viewer), zone, now_us)
        } else {
            Vec::new()
        },
        milestones: if appreciation_open {
            celebrated(state, zone, now_us, None, Some(marks))
        } else {
            Vec::new()
        },
        disclaimer: DISCLAIMER,
        range: range_text(&range),
        charts: charts::all(state, &trends),
        recent: recent
            .iter()
            .map(|e| events::describe(state, viewer, e, zone))
            .collect(),
    }
}

/// The check-ins both partners can see both answers of, counted up to what the charts
/// wait for (the newest first, so a long record is not walked).
fn revealed_check_ins(state: &SpaceState, viewer: PersonId, now_us: i64) -> usize {
    let check_ins = &state.check_ins;
    check_ins
        .history(now_us)
        .filter(|p| {
            matches!(
                check_ins.period_view(p, viewer, now_us).partner,
                Partner::Revealed(_)
            )
        })
        .take(CHARTS_AFTER)
        .count()
}

/// What the viewer does first on each breach, for the welcome.
fn welcome_steps(state: &SpaceState, viewer: PersonId) -> Vec<String> {
    let partner = People::of(state, viewer).partner_name;
    state
        .own_up
        .breaches
        .iter()
        .map(|b| {
            let title = quoted(&b.title);
            if b.broke_trust == viewer {
                format!(
                    "For {title}: you begin. Write the full account of what happened, all of \
                     it, so there are no surprises later. Then answer {partner}'s questions, \
                     as often as they come, without hurrying them."
                )
            } else {
                format!(
                    "For {title}: {partner} writes the account. Read it when you are ready, \
                     not before, and stop whenever you need to. Set your pace for each topic: \
                     nothing is pushed until you say. Ask whatever you need to know."
                )
            }
        })
        .collect()
}

/// "Alex left this space on 3 May 2027 …": how a closed space came to be closed, for the
/// partner who still sees it.
fn closed_words(state: &SpaceState, viewer: PersonId, zone: &Zone) -> Option<String> {
    use crate::domain::ending::Closed;
    let people = People::of(state, viewer);
    let who = |by: PersonId| people.name(by);
    let kept = "The space is kept as it was: everything in it can still be read and \
                downloaded, and nothing more can be added.";
    Some(match state.endings.closed()? {
        Closed::Left { by, at_us } if who(by).is_erased() => format!(
            "Your partner left this space on {}. Their account has been erased, so their \
             name and their words are no longer shown here. {kept}",
            format_time(at_us, zone)
        ),
        Closed::Left { by, at_us } => format!(
            "{} left this space on {}. {kept}",
            who(by),
            format_time(at_us, zone)
        ),
        Closed::Apart { by, at_us } => format!(
            "{} recorded on {} that the repair ends apart. {kept}",
            who(by),
            format_time(at_us, zone)
        ),
    })
}
