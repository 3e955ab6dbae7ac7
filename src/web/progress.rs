//! Signals that suggest a counsellor and milestones, shown on a space's home page, and the
//! page on safety that the safety signal points to.

use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Response};

use super::guard::Viewer;
use super::pages::Chrome;
use super::spaces::format_time;
use crate::domain::PersonId;
use crate::domain::checkin::Zone;
use crate::domain::progress::{self, Evidence, NOT_A_DIAGNOSIS, Thresholds};
use crate::domain::space::SpaceState;

/// A signal as the home page shows it: what it is, why, what to do, and the evidence.
pub struct SignalView {
    pub title: &'static str,
    pub explanation: &'static str,
    pub steps: &'static [&'static str],
    pub help: Option<&'static str>,
    pub range: String,
    pub findings: Vec<(String, Vec<String>)>,
}

fn who(state: &SpaceState, viewer: PersonId, person: PersonId) -> String {
    if person == viewer {
        "You".to_owned()
    } else {
        state
            .partners
            .iter()
            .find(|p| p.person == person)
            .map_or_else(|| "Your partner".to_owned(), |p| p.display_name.clone())
    }
}

fn evidence_line(state: &SpaceState, viewer: PersonId, zone: &Zone, e: &Evidence) -> String {
    let date = |at: i64| format_time(at, zone).chars().take(10).collect::<String>();
    match e {
        Evidence::Breach {
            title,
            recorded_at_us,
            ..
        } => format!("“{title}”, recorded {}", date(*recorded_at_us)),
        Evidence::Question {
            title,
            asked_again,
            last_asked_us,
            ..
        } => {
            format!(
                "“{title}”, asked again {asked_again} times, most recently {}",
                date(*last_asked_us)
            )
        }
        Evidence::DisputedReport { title, on, .. } => format!("“{title}”, the occurrence of {on}"),
        Evidence::SomethingMissing { at_us, .. } => format!(
            "An apology answered “something is missing” on {}",
            date(*at_us)
        ),
        Evidence::HardFeelings {
            person,
            period,
            felt,
        } => {
            let feelings: Vec<String> = felt
                .iter()
                .map(|f| {
                    format!(
                        "{} {} of 5",
                        f.feeling.label().to_lowercase(),
                        f.intensity.get()
                    )
                })
                .collect();
            format!(
                "{}: {} in the check-in of {}",
                who(state, viewer, *person),
                feelings.join(", "),
                period.starts_on
            )
        }
        Evidence::TrustHeld {
            person,
            earlier,
            latest,
        } => {
            let show = |a: &progress::TrustAverage| {
                a.shown()
                    .iter()
                    .map(|(n, v)| format!("{} {v}", n.to_lowercase()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!(
                "{}: average trust {} (to {}) and {} (to {})",
                who(state, viewer, *person),
                show(earlier),
                earlier.to,
                show(latest),
                latest.to
            )
        }
        Evidence::MissedCheckIn { period, missed_by } => {
            let names: Vec<String> = missed_by.iter().map(|p| who(state, viewer, *p)).collect();
            format!(
                "The check-in of {}: no answer from {}",
                period.starts_on,
                names.join(" and ")
            )
        }
    }
}

/// The signals of a space as the viewer's home page shows them.
pub fn signals(state: &SpaceState, viewer: PersonId, zone: &Zone, now_us: i64) -> Vec<SignalView> {
    let date = |at: i64| format_time(at, zone).chars().take(10).collect::<String>();
    progress::signals(state, now_us)
        .into_iter()
        .map(|s| SignalView {
            title: s.title(),
            explanation: s.explanation(),
            steps: s.next_steps(),
            help: s.help_page(),
            range: format!("{} to {}", date(s.from_us), date(s.to_us)),
            findings: s
                .findings
                .iter()
                .map(|f| {
                    (
                        f.rule.describe(&Thresholds::DEFAULT),
                        f.evidence
                            .iter()
                            .map(|e| evidence_line(state, viewer, zone, e))
                            .collect(),
                    )
                })
                .collect(),
        })
        .collect()
}

/// Milestones reached, as (title, text, date).
pub fn milestones(
    state: &SpaceState,
    zone: &Zone,
    now_us: i64,
) -> Vec<(&'static str, &'static str, String)> {
    progress::reached(state, now_us)
        .into_iter()
        .map(|m| {
            (
                m.title(),
                m.text(),
                format_time(m.reached_at_us, zone)
                    .chars()
                    .take(10)
                    .collect(),
            )
        })
        .collect()
}

pub const DISCLAIMER: &str = NOT_A_DIAGNOSIS;

#[derive(Template, WebTemplate)]
#[template(path = "help_safety.html")]
struct SafetyPage {
    chrome: Chrome,
}

/// Guidance on safety, open to anyone, signed in or not.
pub async fn safety(viewer: Viewer) -> Response {
    SafetyPage {
        chrome: Chrome::of(&viewer),
    }
    .into_response()
}
