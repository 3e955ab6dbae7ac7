//! The record: every event of the space in order with its hash, the fingerprint both
//! partners see, and the export of the whole chain.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::context::SpacePath;
use super::error::WebError;
use super::events::{EventLine, describe};
use super::guard::SignedIn;
use super::routes::Routes;
use super::view::Chrome;
use crate::app::App;
use crate::domain::SpaceId;
use crate::domain::record;
use crate::domain::space::Damage;
use crate::export::Export;

pub fn routes() -> Routes {
    Routes::new()
        .route("/spaces/{id}/record", get(record))
        .route("/spaces/{id}/export", get(export))
}

#[derive(Template, WebTemplate)]
#[template(path = "record.html")]
struct RecordPage {
    chrome: Chrome,
    space: SpaceId,
    lines: Vec<EventLine>,
    fingerprint: String,
    verified: bool,
    /// Events this version could not read (kept in the record and the export).
    unreadable: u64,
    /// What does not check out in the stored record, in words, if anything.
    damage: Option<String>,
}

async fn record(
    State(app): State<App>,
    user: SignedIn,
    SpacePath(space): SpacePath,
) -> Result<Response, WebError> {
    let zone = &user.session.time_zone;
    let (state, events) = app.read_record(user.session.person, space).await?;
    let verified = record::verify(&events).is_ok();
    let head = events.last().map_or(record::GENESIS_PREV, |e| e.hash);
    Ok(RecordPage {
        chrome: Chrome::signed_in(&user.session, &user.csrf),
        space: state.id,
        lines: events
            .iter()
            .scan((0, record::GENESIS_PREV), |head, e| {
                let follows = record::check_link(*head, e);
                *head = (e.seq, e.hash);
                let mut line = describe(&state, user.session.person, e, zone);
                if let Err(fault) = follows {
                    // Never shown as if fine: what it says now is not what was written.
                    line.what = format!("this entry does not match what was written ({fault})");
                    line.link = None;
                }
                Some(line)
            })
            .collect(),
        fingerprint: record::fingerprint(&head),
        verified,
        unreadable: state.unreadable.count,
        damage: damage_in_words(&state.damage),
    }
    .into_response())
}

/// What the record page says about a stored record that does not check out.
fn damage_in_words(damage: &Damage) -> Option<String> {
    if !damage.is_damaged() {
        return None;
    }
    let mut words = Vec::new();
    if let Some((seq, fault)) = &damage.first {
        words.push(format!(
            "Entry {seq} does not match what was written: {fault}."
        ));
        if damage.count > 1 {
            words.push(format!(
                "{} more entries after it do not match either.",
                damage.count - 1
            ));
        }
    }
    if let Some(head) = damage.stored_head {
        words.push(format!(
            "The record should reach entry {head}, but the stored entries end elsewhere: \
             some that were saved may be missing."
        ));
    }
    Some(words.join(" "))
}

async fn export(
    State(app): State<App>,
    user: SignedIn,
    SpacePath(space): SpacePath,
) -> Result<Response, WebError> {
    let (state, events) = app.read_record(user.session.person, space).await?;
    let json = Export::new(state.id, &events, app.clock().now_us()).to_json();
    let disposition = format!("attachment; filename=\"goldseam-record-{}.json\"", state.id);
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        json,
    )
        .into_response())
}
