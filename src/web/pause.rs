//! Taking a break: the page that pauses the space for a chosen time or until one of the
//! partners ends it, and ending it. While a break lasts the home page shows who took it and
//! until when instead of what is waiting (see `progress::dashboard`); no reason is asked.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::context::InSpace;
use super::error::WebError;
use super::events::Described;
use super::routes::Routes;
use super::view::{Chrome, FormError, Name, answer_form};
use crate::app::AppError;
use crate::domain::SpaceId;
use crate::domain::calendar::Zone;
use crate::domain::pause::{self, Break, Command};
use crate::domain::space::{SpaceEvent, SpaceState};

pub fn routes() -> Routes {
    Routes::new()
        .route("/spaces/{id}/pause", get(show).post(take_break))
        .route("/spaces/{id}/pause/end", post(end_break))
}

/// The lengths offered, in days; the last choice of the form is "until one of us ends it".
const CHOICES: [u32; 6] = [3, 7, 14, 21, 28, 42];

/// Record-page wording for breaks.
pub fn describe(_state: &SpaceState, base: &str, event: &SpaceEvent) -> Described {
    let SpaceEvent::Pause(event) = event else {
        return None;
    };
    let what = match event {
        pause::Event::Paused(p) => match p.until_us {
            // The record page shows when; the end is said in UTC days, as the record is.
            Some(until) => format!("paused the space until {}", until_day(until, &Zone::utc())),
            None => "paused the space until one of you ends the break".to_owned(),
        },
        pause::Event::Resumed(_) => "ended the break".to_owned(),
    };
    Some((what, Some(format!("{base}/pause"))))
}

/// "14 Dec": the day a break ends, in `zone`.
pub fn until_day(until_us: i64, zone: &Zone) -> String {
    zone.date_at(until_us)
        .map(|d| d.strftime("%-d %b").to_string())
        .unwrap_or_default()
}

/// A break as a page says it.
pub struct BreakView {
    pub by: Name,
    /// "14 Dec", or `None` until one of them ends it.
    pub until: Option<String>,
}

impl BreakView {
    pub fn of(b: &Break, page: &InSpace) -> Self {
        Self {
            by: page.people.name(b.by),
            until: b.until_us.map(|u| until_day(u, &page.zone)),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "pause.html")]
struct PausePage {
    chrome: Chrome,
    space: SpaceId,
    paused: Option<BreakView>,
    choices: [u32; 6],
    chosen: String,
    error: Option<FormError>,
}

fn pause_page(page: &InSpace, chosen: String, error: Option<FormError>) -> PausePage {
    PausePage {
        chrome: page.chrome(),
        space: page.space(),
        paused: page
            .state
            .pause
            .paused_at(page.now_us)
            .map(|b| BreakView::of(b, page)),
        choices: CHOICES,
        chosen,
        error,
    }
}

async fn show(page: InSpace) -> Result<Response, WebError> {
    Ok(pause_page(&page, "7".to_owned(), None).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct PauseForm {
    /// A number of days, or "open": until one of us ends it.
    days: String,
}

/// "open" → until ended; a number of days → that many (the domain says which are allowed).
fn parse_days(raw: &str) -> Result<Option<u32>, AppError> {
    match raw.trim() {
        "open" => Ok(None),
        digits => digits
            .parse::<u32>()
            .map(Some)
            .map_err(|_| AppError::Invalid {
                field: "days",
                message: pause::WRONG_LENGTH.to_owned(),
            }),
    }
}

async fn take_break(page: InSpace, Form(form): Form<PauseForm>) -> Result<Response, WebError> {
    let space = page.space();
    let taken = match parse_days(&form.days) {
        Ok(days) => page
            .app
            .pause(&page.session, space, Command::Pause { days })
            .await
            .map(|()| format!("/spaces/{space}")),
        Err(e) => Err(e),
    };
    answer_form(taken, &["days"], |error| {
        pause_page(&page, form.days.clone(), Some(error))
    })
}

async fn end_break(page: InSpace) -> Result<Response, WebError> {
    let space = page.space();
    let ended = page
        .app
        .pause(&page.session, space, Command::Resume)
        .await
        .map(|()| format!("/spaces/{space}"));
    answer_form(ended, &[], |error| {
        pause_page(&page, String::new(), Some(error))
    })
}
