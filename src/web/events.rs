//! A recorded event in the viewer's words, as the record page and the home page's "recent"
//! list show it. Each capability words its own events (`web::DESCRIBE`); an event no
//! capability can read is named by its kind, never skipped.

use super::DESCRIBE;
use super::view::{Name, format_time};
use crate::domain::PersonId;
use crate::domain::calendar::Zone;
use crate::domain::record::{self, RecordedEvent};
use crate::domain::redaction;
use crate::domain::space::{SpaceEvent, SpaceState, Unread};

/// A recorded event in words, and where on the site it lives: what each capability's
/// `describe` gives for its own events, `None` for anyone else's.
pub type Described = Option<(String, Option<String>)>;

/// One line of the record page.
pub struct EventLine {
    pub seq: u64,
    pub when: String,
    pub who: Name,
    /// The viewer wrote it; shown with distinct markup, which no display name can copy.
    pub mine: bool,
    pub what: String,
    pub link: Option<String>,
    pub short_hash: String,
    /// The viewer's own words, still there: the record page offers to remove them.
    pub removable: bool,
}

/// One recorded event in the viewer's words: each capability words its own events (see
/// `web::DESCRIBE`); what no capability can read is said plainly, never skipped.
pub fn describe(
    state: &SpaceState,
    viewer: PersonId,
    event: &RecordedEvent,
    zone: &Zone,
) -> EventLine {
    let who = if event.author == viewer.to_string() {
        Name::You
    } else {
        Name::Named(state.name_of(&event.author).unwrap_or("Someone").to_owned())
    };
    let base = format!("/spaces/{}", state.id);
    let (what, link) = match SpaceEvent::read(&event.kind, event.body.as_deref()) {
        Ok(parsed) => DESCRIBE
            .iter()
            .find_map(|describe| describe(state, &base, &parsed))
            .unwrap_or_else(|| (event.kind.clone(), None)),
        // The same words whether the answer is sealed or not, and whatever it says.
        Err(Unread::ContentRemoved) if event.kind == "checkin.answered" => (
            "answered a check-in".to_owned(),
            Some(format!("{base}/checkins")),
        ),
        Err(Unread::ContentRemoved) => match state.redactions.of(event.seq) {
            Some((_, at_us)) => (
                format!(
                    "wrote an entry whose words they removed on {}",
                    format_time(at_us, zone)
                ),
                None,
            ),
            None => (format!("{} (content removed)", event.kind), None),
        },
        Err(Unread::UnknownKind | Unread::NotReadable) => (
            format!("{}: not readable by this version", event.kind),
            None,
        ),
    };
    EventLine {
        mine: event.author == viewer.to_string(),
        seq: event.seq,
        when: format_time(event.at_us, zone),
        who,
        what,
        link,
        short_hash: record::short_hash(&event.hash),
        removable: event.author == viewer.to_string()
            && event.body.is_some()
            && redaction::WORDS.contains(&event.kind.as_str()),
    }
}
