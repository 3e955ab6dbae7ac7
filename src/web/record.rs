//! The record: every event of the space with its hash, newest first and a page at a time,
//! the fingerprint both partners see, and the export of the whole chain.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::context::{CounselNav, InSpace, ReadRecord, SeqPath, SpacePath};
use super::error::{WebError, not_found};
use super::events::{Described, EventLine, describe};
use super::guard::SignedIn;
use super::routes::Routes;
use super::view::{Chrome, Confirm, FRESH_FORM_TOKEN, Pieces as PageBody, confirmed, see_other};
use crate::app::{App, AppError, PageKey};
use crate::domain::space::{Damage, SpaceEvent, SpaceState};
use crate::domain::{EntryId, PersonId, SpaceId};
use crate::domain::{record, redaction};
use crate::export::Pieces;

pub fn routes() -> Routes {
    Routes::new()
        .route("/spaces/{id}/record", get(record))
        .route("/spaces/{id}/export", get(export))
        .route(
            "/spaces/{id}/record/{seq}/redact",
            get(redact_page).post(redact),
        )
}

/// Record-page wording for a removal of words.
pub fn describe_removal(_state: &SpaceState, _base: &str, event: &SpaceEvent) -> Described {
    let SpaceEvent::EntryRedacted(e) = event else {
        return None;
    };
    Some((format!("removed the words of entry {}", e.seq), None))
}

/// What removing the words of an entry does, asked before it is done.
fn redact_question(page: &InSpace, seq: u64) -> Confirm {
    let partner = &page.people.partner_name;
    Confirm {
        chrome: page.chrome(),
        space: page.space(),
        heading: format!("Remove your words from entry {seq}?"),
        what_happens: vec![
            "The words of this entry are taken out of the record, for good: no page shows \
             them any more, and no later download holds them. The record keeps that there \
             was an entry, and that you removed its words, so it still checks out."
                .to_owned(),
            format!(
                "{partner} may already have read it, or downloaded the record with it; what \
                 they kept is theirs, and this cannot reach it."
            ),
        ],
        action: format!("{}/record/{seq}/redact", page.base()),
        hidden: Vec::new(),
        button: "Remove my words".to_owned(),
        back: format!("{}/record", page.base()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct RedactForm {
    confirmed: String,
}

async fn redact_page(page: InSpace, SeqPath(space, seq): SeqPath) -> Result<Response, WebError> {
    let target = page.app.redaction_target(&page.session, space, seq).await?;
    redaction::decide(page.me(), &target).map_err(AppError::from)?;
    Ok(redact_question(&page, seq).into_response())
}

async fn redact(
    page: InSpace,
    SeqPath(space, seq): SeqPath,
    Form(form): Form<RedactForm>,
) -> Result<Response, WebError> {
    if !confirmed(&form.confirmed) {
        return redact_page(page, SeqPath(space, seq)).await;
    }
    page.app.redact(&page.session, space, seq).await?;
    Ok(see_other(&format!("{}/record", page.base())))
}

/// Entries on one page of the record: a phone scrolls through a page, not the whole history.
pub const PER_PAGE: usize = 50;

/// `?before=SEQ`: the page of the entries before entry SEQ; the newest entries when not
/// given. Pages are named by where they end, not by their number from the newest, so a link
/// to an older page shows the same entries however much is added later.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct PageQuery {
    pub before: String,
}

/// The entries a page shows, (after, up to] by seq, in a record of `head` entries: the
/// `PER_PAGE` entries before `before`. `None` for a page that cannot exist (before the first
/// entry, past the end, or not a number): such an address was typed or edited by hand, and
/// showing another page under it would say that entries are where they are not.
pub(super) fn window(before: &str, head: u64) -> Option<(u64, u64)> {
    let before = before.trim();
    let up_to = if before.is_empty() {
        head
    } else {
        let before: u64 = before.parse().ok()?;
        if before < 2 || before > head.saturating_add(1) {
            return None;
        }
        before - 1
    };
    Some((up_to.saturating_sub(PER_PAGE as u64), up_to))
}

/// Drawn into the page cache, so rendered to a string, never answered directly.
#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    chrome: Chrome,
    space: SpaceId,
    /// This page's entries, newest first.
    lines: Vec<EventLine>,
    /// Every entry in the record, on all pages.
    entries: u64,
    /// The entries shown, by seq: (first, last).
    shown: (u64, u64),
    /// `?before=` of the page of newer entries ("" for the newest), if there are any.
    newer: Option<String>,
    /// `?before=` of the page of older entries, if there are any.
    older: Option<u64>,
    fingerprint: String,
    verified: bool,
    /// Events this version could not read (kept in the record and the export).
    unreadable: u64,
    /// What does not check out in the stored record, in words, if anything.
    damage: Option<String>,
}

/// A partner's page of the record is drawn once per head of the record, minute, page and
/// time zone (`PageKey`), and served again from the page cache until one of them changes,
/// like the home page: the viewer's CSRF token is put in when it is served.
async fn record(
    ReadRecord(page): ReadRecord,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    if let Some(counsel) = CounselNav::of(&page) {
        return counsellor_record(&page, counsel).await;
    }
    let (app, state, zone) = (&page.app, &page.state, &page.zone);
    let (after, up_to) = window(&query.before, state.head_seq).ok_or_else(not_found)?;
    let pages = app.pages();
    // Sealed answers are withheld by the time of day: the minute is in the key.
    let key = PageKey::new(
        "record",
        state,
        page.me(),
        page.now_us,
        &[
            &format!("{after}-{up_to}"),
            zone.name(),
            page.session.exit_to.href(),
        ],
    );
    if let Some(drawn) = pages.get(&key) {
        return Ok(PageBody::html(drawn.chunks(&page.csrf)));
    }
    // One entry more than the page shows: the first one's link to the entry before it. The
    // page's state was read and its reader checked by `ReadRecord`: nothing is read twice.
    let events = app
        .record_as_seen(state, page.me(), after.saturating_sub(1), up_to)
        .await?;
    let follows: Vec<_> = events
        .windows(2)
        .map(|pair| record::check_link((pair[0].seq, pair[0].hash), &pair[1]))
        .collect();
    let on_page = if after == 0 {
        // The first entry of all follows the genesis.
        let first = events
            .first()
            .map(|e| record::check_link((0, record::GENESIS_PREV), e));
        first
            .into_iter()
            .chain(follows)
            .zip(&events)
            .collect::<Vec<_>>()
    } else {
        follows.into_iter().zip(events.iter().skip(1)).collect()
    };
    let newer = (up_to < state.head_seq).then(|| {
        let up = up_to + PER_PAGE as u64;
        if up >= state.head_seq {
            String::new()
        } else {
            (up + 1).to_string()
        }
    });
    let html = RecordPage {
        chrome: page.chrome_with(pages.csrf_mark()),
        space: state.id,
        lines: on_page
            .into_iter()
            .rev()
            .map(|(follows, e)| {
                let mut line = describe(state, page.me(), e, zone);
                if let Err(fault) = follows {
                    // Never shown as if fine: what it says now is not what was written.
                    line.what = format!("this entry does not match what was written ({fault})");
                    line.link = None;
                }
                line
            })
            .collect(),
        entries: state.head_seq,
        shown: (after + 1, up_to),
        newer,
        older: (after > 0).then_some(after + 1),
        fingerprint: record::fingerprint(&state.head_hash),
        // The fold checks every link as it goes, and whether the stored head is reached.
        verified: !state.damage.is_damaged(),
        unreadable: state.unreadable.count,
        damage: damage_in_words(&state.damage),
    }
    .render()
    .map_err(|e| anyhow::anyhow!("drawing the record page: {e}"))?;
    let drawn = pages.put(key, &html, FRESH_FORM_TOKEN);
    Ok(PageBody::html(drawn.chunks(&page.csrf)))
}

/// One entry of the shared record as the counsellor reads it: in words, with what it says.
pub struct ReadLine {
    pub line: EventLine,
    /// What the entry says, field by field: (what, the words).
    pub content: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "counsel_record.html")]
struct CounsellorRecordPage {
    chrome: Chrome,
    counsel: CounselNav,
    lines: Vec<ReadLine>,
    verified: bool,
}

/// The shared record as the couple's counsellor reads it: every entry both partners can
/// see, with what it says, and no links to pages they cannot open. Numbers and hashes are
/// left out: they would tell that something sealed sits between two entries.
async fn counsellor_record(page: &InSpace, counsel: CounselNav) -> Result<Response, WebError> {
    let (state, events, verified) = page
        .app
        .counsellor_record(&page.session, page.space())
        .await?;
    Ok(CounsellorRecordPage {
        chrome: page.chrome(),
        counsel,
        lines: events
            .iter()
            .map(|e| {
                let mut line = describe(&state, page.me(), e, &page.zone);
                line.link = None;
                ReadLine {
                    line,
                    content: content_of(e.body.as_deref()),
                }
            })
            .collect(),
        verified,
    }
    .into_response())
}

/// What an entry says, from its body: its words, field by field, leaving out ids and
/// anything that is not text.
fn content_of(body: Option<&str>) -> Vec<(String, String)> {
    let Some(serde_json::Value::Object(fields)) =
        body.and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok())
    else {
        return Vec::new();
    };
    let is_id = |s: &str| s.parse::<EntryId>().is_ok() || s.parse::<PersonId>().is_ok();
    let text = |v: &serde_json::Value| -> Option<String> {
        match v {
            serde_json::Value::String(s) if !s.trim().is_empty() && !is_id(s) => Some(s.clone()),
            serde_json::Value::Array(items) => {
                let words: Vec<String> = items
                    .iter()
                    .filter_map(|i| i.as_str())
                    .filter(|s| !s.trim().is_empty() && !is_id(s))
                    .map(str::to_owned)
                    .collect();
                (!words.is_empty()).then(|| words.join("\n"))
            }
            _ => None,
        }
    };
    fields
        .iter()
        .filter_map(|(key, value)| Some((key.replace('_', " "), text(value)?)))
        .collect()
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

/// Events read from the database for one piece of a streamed export.
const EXPORT_PAGE: u64 = 500;

/// The whole record as one JSON file, streamed: read a page of events at a time and sent as
/// it is read, so a twenty-year record never sits in memory whole. The bytes are the same
/// as `Export::to_json` writes (tested in `export`). If the database fails part-way, the
/// connection is cut rather than ended, so the browser reports a failed download instead
/// of saving half a file.
async fn export(
    State(app): State<App>,
    user: SignedIn,
    SpacePath(space): SpacePath,
) -> Result<Response, WebError> {
    let viewer = user.session.person;
    // Membership first, and how far the record reaches now: the file ends there.
    let (state, _) = app.read_record_between(viewer, space, 0, 0).await?;
    let head_seq = state.head_seq;
    let head = if head_seq == 0 {
        record::GENESIS_PREV
    } else {
        let last = app
            .record_as_seen(&state, viewer, head_seq - 1, head_seq)
            .await?;
        last.last().map_or(record::GENESIS_PREV, |e| e.hash)
    };
    let looks = app.access_log(&user.session, &state).await?;
    let pieces = Pieces::new(
        state.id,
        head,
        app.clock().now_us(),
        looks.into_iter().map(|l| (l.person_id, l.at_us, l.page)),
    );
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    // The whole file is read as of the state it started from: its head, its seals.
    let reading = state.clone();
    tokio::spawn(async move {
        let _ = tx.send(Ok(Bytes::from(pieces.opening().to_owned()))).await;
        let mut written = 0usize;
        let mut after = 0;
        while after < head_seq {
            let up_to = (after + EXPORT_PAGE).min(head_seq);
            let page = match app.record_as_seen(&reading, viewer, after, up_to).await {
                Ok(events) => events,
                Err(err) => {
                    tracing::warn!(error = %err, "an export was cut short: the record could not be read");
                    let _ = tx
                        .send(Err(std::io::Error::other("the record could not be read")))
                        .await;
                    return;
                }
            };
            if page.is_empty() {
                // Events missing from a damaged record: the file says what is there.
                break;
            }
            let mut chunk = String::new();
            for event in &page {
                chunk.push_str(&Pieces::event(event, written == 0));
                written += 1;
            }
            if tx.send(Ok(Bytes::from(chunk))).await.is_err() {
                // Nobody is listening any more.
                return;
            }
            after = up_to;
        }
        let _ = tx.send(Ok(Bytes::from(pieces.closing(written)))).await;
    });
    let disposition = format!("attachment; filename=\"goldseam-record-{}.json\"", state.id);
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        Body::new(Streamed(rx)),
    )
        .into_response())
}

/// A response body fed piece by piece from a channel.
struct Streamed(tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>);

impl hyper::body::Body for Streamed {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, Self::Error>>> {
        self.0
            .poll_recv(cx)
            .map(|piece| piece.map(|piece| piece.map(hyper::body::Frame::data)))
    }
}

#[cfg(test)]
mod tests {
    use super::{PER_PAGE, window};

    #[test]
    fn a_page_is_one_that_exists_and_is_named_by_where_it_ends() {
        let per = PER_PAGE as u64;
        assert_eq!(window("", 120), Some((120 - per, 120)), "the newest");
        assert_eq!(window(" 71 ", 120), Some((70 - per, 70)));
        assert_eq!(window("11", 120), Some((0, 10)), "a short last page");
        assert_eq!(window("121", 120), Some((120 - per, 120)));
        assert_eq!(
            window("", 0),
            Some((0, 0)),
            "an empty record has one empty page"
        );
        assert_eq!(
            window("11", 500),
            window("11", 120),
            "stable as the record grows"
        );
        for bad in [
            "0",
            "1",
            "122",
            "-1",
            "two",
            "1.5",
            "99999999999999999999999",
        ] {
            assert_eq!(window(bad, 120), None, "{bad}");
        }
    }
}
