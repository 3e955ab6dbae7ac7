//! The export file: a space's whole record as JSON (see `docs/record-format.md`), and the
//! check behind `goldseam verify`. Pure: the caller reads and writes the files.

use serde::{Deserialize, Serialize};

use crate::domain::SpaceId;
use crate::domain::calendar::rfc3339_us;
use crate::domain::record::{self, ChainError, Hash, RecordedEvent, Salt};

pub const FORMAT: &str = "goldseam-record-v1";

#[derive(Debug, Serialize, Deserialize)]
pub struct Export {
    pub format: String,
    pub space: String,
    pub exported_at: String,
    pub head: String,
    pub fingerprint: String,
    pub events: Vec<ExportedEvent>,
    /// Every page a counsellor opened in the space, oldest first. About reading, not
    /// writing, so outside the chain: `verify` does not check it. Absent when there is
    /// none, so files from before counsellors read the same.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub counsellor_looks: Vec<ExportedLook>,
}

/// A page a counsellor opened.
#[derive(Debug, Serialize, Deserialize)]
pub struct ExportedLook {
    pub at: String,
    pub at_us: i64,
    /// The counsellor's person id, as their events in the record carry it.
    pub counsellor: String,
    /// The page, as its path inside the space ("" for the space's home page).
    pub page: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ExportedEvent {
    pub seq: u64,
    pub at: String,
    pub at_us: i64,
    pub author: String,
    pub kind: String,
    pub body: Option<String>,
    pub salt: Option<String>,
    pub digest: String,
    pub prev: String,
    pub hash: String,
}

impl ExportedEvent {
    /// An event of the record as the file writes it.
    fn of(e: &RecordedEvent) -> Self {
        Self {
            seq: e.seq,
            at: rfc3339_us(e.at_us),
            at_us: e.at_us,
            author: e.author.clone(),
            kind: e.kind.clone(),
            body: e.body.clone(),
            salt: e.salt.map(hex::encode),
            digest: hex::encode(e.digest),
            prev: hex::encode(e.prev),
            hash: hex::encode(e.hash),
        }
    }
}

impl Export {
    pub fn new(space: SpaceId, events: &[RecordedEvent], now_us: i64) -> Self {
        let head = events.last().map_or(record::GENESIS_PREV, |e| e.hash);
        Self {
            format: FORMAT.to_owned(),
            space: space.to_string(),
            exported_at: rfc3339_us(now_us),
            head: hex::encode(head),
            fingerprint: record::fingerprint(&head),
            events: events.iter().map(ExportedEvent::of).collect(),
            counsellor_looks: Vec::new(),
        }
    }

    /// The export with the access log (`looks`: (counsellor, at_us, page), any order).
    #[must_use]
    pub fn with_looks(mut self, looks: impl IntoIterator<Item = (String, i64, String)>) -> Self {
        self.counsellor_looks = looks
            .into_iter()
            .map(|(counsellor, at_us, page)| ExportedLook {
                at: rfc3339_us(at_us),
                at_us,
                counsellor,
                page,
            })
            .collect();
        self.counsellor_looks.sort_by_key(|l| l.at_us);
        self
    }

    pub fn to_json(&self) -> String {
        // A struct of strings and integers always serializes.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// The export written a piece at a time, for a record too long to hold whole: the same
/// bytes as [`Export::to_json`], as its opening (everything before the first event), each
/// event, and its closing. A web answer streams them while it reads the record in pages.
#[derive(Debug)]
pub struct Pieces {
    /// Up to and including the `[` that opens the events.
    opening: String,
    /// From the `]` that closes the events to the end.
    closing: String,
}

/// Where the events go in the text of an export whose `events` are empty.
const NO_EVENTS: &str = "\"events\": []";

impl Pieces {
    /// The pieces of the export of `space` whose last event has the hash `head`, with the
    /// access log in `looks` ((counsellor, at_us, page), any order).
    pub fn new(
        space: SpaceId,
        head: Hash,
        now_us: i64,
        looks: impl IntoIterator<Item = (String, i64, String)>,
    ) -> Self {
        let mut skeleton = Export::new(space, &[], now_us).with_looks(looks);
        skeleton.head = hex::encode(head);
        skeleton.fingerprint = record::fingerprint(&head);
        let text = skeleton.to_json();
        // The fields before the events are fixed names and hex: the first match is theirs.
        let at = text
            .find(NO_EVENTS)
            .map_or(text.len(), |at| at + NO_EVENTS.len() - 1);
        let (opening, closing) = text.split_at(at);
        Self {
            opening: opening.to_owned(),
            closing: closing.to_owned(),
        }
    }

    pub fn opening(&self) -> &str {
        &self.opening
    }

    /// One event, as it stands in the list: after the `[` (`first`) or after the one
    /// before it.
    pub fn event(e: &RecordedEvent, first: bool) -> String {
        let exported = ExportedEvent::of(e);
        // Strings and integers always serialize; JSON escapes every newline inside a
        // string, so each line of the text can be indented as the list indents it.
        let text = serde_json::to_string_pretty(&exported).unwrap_or_default();
        let mut piece = String::with_capacity(text.len() + 64);
        piece.push_str(if first { "\n" } else { ",\n" });
        for (n, line) in text.lines().enumerate() {
            if n > 0 {
                piece.push('\n');
            }
            piece.push_str("    ");
            piece.push_str(line);
        }
        piece
    }

    /// The end, after `events` events were written.
    pub fn closing(&self, events: usize) -> String {
        if events == 0 {
            self.closing.clone()
        } else {
            format!("\n  {}", self.closing)
        }
    }
}

/// Why an export does not verify.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("this is not a Goldseam export: {0}")]
    NotAnExport(String),
    #[error("event #{position} (seq {seq}): {what} is not valid hex of the right length")]
    BadField {
        position: usize,
        seq: u64,
        what: &'static str,
    },
    #[error("{0}")]
    Chain(#[from] ChainError),
    #[error(
        "every event verifies, but the head in the file ({claimed}) is not the last event's hash ({actual}): the file was edited or events were cut from the end"
    )]
    HeadMismatch { claimed: String, actual: String },
    /// `at` is only for people, but a file that shows them another time than the one it
    /// records is not the record.
    #[error(
        "event #{position} (seq {seq}): its time {shown:?} is not the instant it records ({recorded}): the file was edited"
    )]
    TimeMismatch {
        position: usize,
        seq: u64,
        shown: String,
        recorded: String,
    },
    #[error(
        "every event verifies, but the fingerprint in the file ({claimed}) is not the head's ({actual}): the file was edited"
    )]
    FingerprintMismatch { claimed: String, actual: String },
}

/// What a successful verification found.
#[derive(Debug)]
pub struct Verified {
    pub space: String,
    pub events: usize,
    pub head: Hash,
}

/// Parses and verifies an export, naming the first event that fails.
pub fn verify(json: &str) -> Result<Verified, VerifyError> {
    let export: Export =
        serde_json::from_str(json).map_err(|e| VerifyError::NotAnExport(e.to_string()))?;
    if export.format != FORMAT {
        return Err(VerifyError::NotAnExport(format!(
            "unknown format {:?}",
            export.format
        )));
    }
    let events = export
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| to_recorded(i + 1, e))
        .collect::<Result<Vec<_>, _>>()?;
    let head = record::verify(&events)?;
    if hex::encode(head) != export.head {
        return Err(VerifyError::HeadMismatch {
            claimed: export.head,
            actual: hex::encode(head),
        });
    }
    // What the file shows people must be what it records: each time as its `at_us`, the
    // fingerprint as the head's.
    for (i, e) in export.events.iter().enumerate() {
        let recorded = rfc3339_us(e.at_us);
        if e.at != recorded {
            return Err(VerifyError::TimeMismatch {
                position: i + 1,
                seq: e.seq,
                shown: e.at.clone(),
                recorded,
            });
        }
    }
    if export.fingerprint != record::fingerprint(&head) {
        return Err(VerifyError::FingerprintMismatch {
            claimed: export.fingerprint,
            actual: record::fingerprint(&head),
        });
    }
    Ok(Verified {
        space: export.space,
        events: events.len(),
        head,
    })
}

fn to_recorded(position: usize, e: &ExportedEvent) -> Result<RecordedEvent, VerifyError> {
    let bad = |what| VerifyError::BadField {
        position,
        seq: e.seq,
        what,
    };
    let hash = |s: &str, what| -> Result<Hash, VerifyError> {
        hex::decode(s)
            .ok()
            .and_then(|b| Hash::try_from(b.as_slice()).ok())
            .ok_or_else(|| bad(what))
    };
    let salt = match &e.salt {
        Some(s) => Some(
            hex::decode(s)
                .ok()
                .and_then(|b| Salt::try_from(b.as_slice()).ok())
                .ok_or_else(|| bad("salt"))?,
        ),
        None => None,
    };
    Ok(RecordedEvent {
        seq: e.seq,
        at_us: e.at_us,
        author: e.author.clone(),
        kind: e.kind.clone(),
        body: e.body.clone(),
        salt,
        digest: hash(&e.digest, "digest")?,
        prev: hash(&e.prev, "prev")?,
        hash: hash(&e.hash, "hash")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::record::{Draft, GENESIS_PREV, seal_all};

    fn sample() -> (SpaceId, Vec<RecordedEvent>) {
        let drafts = (0..3)
            .map(|i| Draft {
                at_us: 1_795_000_000_000_000 + i,
                author: "7f8d3a4e-2b1c-4d5e-8f90-a1b2c3d4e5f6".into(),
                kind: "test.noted".into(),
                body: format!("{{\"n\":{i}}}"),
            })
            .collect();
        (
            SpaceId::random(),
            seal_all((0, GENESIS_PREV), drafts, || [9; 16]).expect("seals"),
        )
    }

    #[test]
    fn an_export_verifies_and_round_trips() {
        let (space, events) = sample();
        let json = Export::new(space, &events, 1_795_000_100_000_000).to_json();
        let ok = verify(&json).expect("verifies");
        assert_eq!((ok.events, ok.head), (3, events[2].hash));
        assert!(json.contains("\"at\": \"2026-11-18T"), "{json}");
    }

    #[test]
    fn a_hand_edited_body_is_named() {
        let (space, events) = sample();
        let json = Export::new(space, &events, 0)
            .to_json()
            .replace(r#"{\"n\":1}"#, r#"{\"n\":7}"#);
        let err = verify(&json).expect_err("tampered");
        assert!(
            err.to_string()
                .starts_with("event #2 (seq 2): its body does not match"),
            "{err}"
        );
    }

    #[test]
    fn cutting_the_last_event_is_caught_by_the_head() {
        let (space, events) = sample();
        let mut export = Export::new(space, &events, 0);
        export.events.pop();
        let err = verify(&serde_json::to_string(&export).expect("json")).expect_err("cut");
        assert!(matches!(err, VerifyError::HeadMismatch { .. }));
    }

    /// Found by the export fuzz target: an edited `at` (which no hash covers) or fingerprint
    /// passed as verified, so the file could show people another time or fingerprint than
    /// the record it carries.
    #[test]
    fn an_edited_time_or_fingerprint_is_named() {
        let (space, events) = sample();
        let mut export = Export::new(space, &events, 0);
        export.events[1].at = "2025-12-03T19:00:19Z".into();
        let err = verify(&export.to_json()).expect_err("edited time");
        assert!(
            err.to_string().starts_with(
                "event #2 (seq 2): its time \"2025-12-03T19:00:19Z\" is not the instant it records (2026-11-18T"
            ),
            "{err}"
        );

        let mut export = Export::new(space, &events, 0);
        export.fingerprint = "0000 0000 0000 0000".into();
        let err = verify(&export.to_json()).expect_err("edited fingerprint");
        assert!(
            matches!(err, VerifyError::FingerprintMismatch { .. }),
            "{err}"
        );
    }

    #[test]
    fn the_export_in_pieces_is_the_export_byte_for_byte() {
        let (space, mut events) = sample();
        // A body with what JSON must escape, and one without words.
        if let Some(e) = events.first_mut() {
            e.body = Some(
                "{\"text\":\"two\\nlines, \\\"quoted\\\"\"}\nand a real newline,\ta tab, é"
                    .to_owned(),
            );
        }
        if let Some(e) = events.last_mut() {
            e.body = None;
            e.salt = None;
        }
        let looks = vec![
            ("c-2".to_owned(), 20, "/record".to_owned()),
            ("c-1".to_owned(), 10, String::new()),
        ];
        for (events, looks) in [
            (&events[..], looks.clone()),
            (&events[..], Vec::new()),
            (&events[..1], looks.clone()),
            (&[][..], looks.clone()),
            (&[][..], Vec::new()),
        ] {
            let whole = Export::new(space, events, 7)
                .with_looks(looks.clone())
                .to_json();
            let head = events.last().map_or(record::GENESIS_PREV, |e| e.hash);
            let pieces = Pieces::new(space, head, 7, looks);
            let mut streamed = pieces.opening().to_owned();
            for (n, e) in events.iter().enumerate() {
                streamed.push_str(&Pieces::event(e, n == 0));
            }
            streamed.push_str(&pieces.closing(events.len()));
            assert_eq!(streamed, whole);
        }
    }

    #[test]
    fn garbage_is_not_an_export() {
        assert!(matches!(verify("{}"), Err(VerifyError::NotAnExport(_))));
        assert!(matches!(
            verify("not json"),
            Err(VerifyError::NotAnExport(_))
        ));
        let (space, events) = sample();
        let json = Export::new(space, &events, 0).to_json().replacen(
            "\"digest\": \"",
            "\"digest\": \"zz",
            1,
        );
        assert!(matches!(
            verify(&json),
            Err(VerifyError::BadField {
                position: 1,
                what: "digest",
                ..
            })
        ));
    }
}
