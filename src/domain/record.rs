//! The shared record's chain: how an event's digest and hash are made, and how a sequence
//! of events is verified. The byte layout is specified in `docs/record-format.md`; the
//! test vectors there are checked by the tests at the bottom of this file.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A SHA-256 output.
pub type Hash = [u8; 32];
/// A per-event random salt, so a short body cannot be guessed from its digest.
pub type Salt = [u8; 16];

/// The `prev` of the first event in every record.
pub const GENESIS_PREV: Hash = [0; 32];

/// Version tag at the start of the canonical encoding; bump it if the layout ever changes.
const CANONICAL_VERSION: u8 = 1;

/// One event as it is stored and exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedEvent {
    pub seq: u64,
    /// Microseconds since the Unix epoch, UTC.
    pub at_us: i64,
    /// The author's person id, in its canonical text form.
    pub author: String,
    pub kind: String,
    /// The JSON body, exactly as hashed. `None` once redacted (or withheld from a viewer).
    pub body: Option<String>,
    /// `None` exactly when `body` is `None`.
    pub salt: Option<Salt>,
    pub digest: Hash,
    pub prev: Hash,
    pub hash: Hash,
}

/// `SHA-256(salt ‖ body)`.
pub fn body_digest(salt: &Salt, body: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(body);
    h.finalize().into()
}

/// The canonical bytes of an event's header (see `docs/record-format.md`).
///
/// Lengths of `author` and `kind` are written as big-endian `u16`; both are short by
/// construction (a person id is 36 bytes, a kind a few dozen), and longer ones are refused
/// by [`seal`] rather than truncated.
pub fn canonical(seq: u64, at_us: i64, author: &str, kind: &str, digest: &Hash) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + 8 + 8 + 2 + author.len() + 2 + kind.len() + 32);
    out.push(CANONICAL_VERSION);
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(&at_us.to_be_bytes());
    push_short(&mut out, author.as_bytes());
    push_short(&mut out, kind.as_bytes());
    out.extend_from_slice(digest);
    out
}

fn push_short(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = u16::try_from(bytes.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&bytes[..usize::from(len)]);
}

/// `SHA-256(prev ‖ canonical(seq, at, author, kind, digest))`.
pub fn event_hash(
    prev: &Hash,
    seq: u64,
    at_us: i64,
    author: &str,
    kind: &str,
    digest: &Hash,
) -> Hash {
    // The canonical bytes, fed to the hash piece by piece rather than gathered in a
    // buffer first: the same bytes as `canonical`, which a test holds it to.
    let mut h = Sha256::new();
    h.update(prev);
    h.update([CANONICAL_VERSION]);
    h.update(seq.to_be_bytes());
    h.update(at_us.to_be_bytes());
    for field in [author.as_bytes(), kind.as_bytes()] {
        let len = u16::try_from(field.len()).unwrap_or(u16::MAX);
        h.update(len.to_be_bytes());
        h.update(&field[..usize::from(len)]);
    }
    h.update(digest);
    h.finalize().into()
}

/// Why an event could not be sealed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("author or kind is too long to encode")]
    FieldTooLong,
}

/// Everything about a new event except its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub at_us: i64,
    pub author: String,
    pub kind: String,
    pub body: String,
}

/// Places `draft` after an event whose seq and hash are `after` (`(0, GENESIS_PREV)` for
/// the first event), with the given salt.
pub fn seal(after: (u64, Hash), draft: Draft, salt: Salt) -> Result<RecordedEvent, SealError> {
    if draft.author.len() > usize::from(u16::MAX) || draft.kind.len() > usize::from(u16::MAX) {
        return Err(SealError::FieldTooLong);
    }
    let (prev_seq, prev) = after;
    let seq = prev_seq + 1;
    let digest = body_digest(&salt, draft.body.as_bytes());
    let hash = event_hash(&prev, seq, draft.at_us, &draft.author, &draft.kind, &digest);
    Ok(RecordedEvent {
        seq,
        at_us: draft.at_us,
        author: draft.author,
        kind: draft.kind,
        body: Some(draft.body),
        salt: Some(salt),
        digest,
        prev,
        hash,
    })
}

/// Seals several drafts in a row after `after`, drawing one salt per draft.
pub fn seal_all(
    after: (u64, Hash),
    drafts: Vec<Draft>,
    mut salt: impl FnMut() -> Salt,
) -> Result<Vec<RecordedEvent>, SealError> {
    let mut head = after;
    let mut sealed = Vec::with_capacity(drafts.len());
    for draft in drafts {
        let event = seal(head, draft, salt())?;
        head = (event.seq, event.hash);
        sealed.push(event);
    }
    Ok(sealed)
}

/// What is wrong with the first event that fails verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ChainFault {
    #[error(
        "expected seq {expected} here but found seq {found}: an event is missing or out of order"
    )]
    OutOfOrder { expected: u64, found: u64 },
    #[error("its body does not match its digest: the content was changed")]
    BodyChanged,
    #[error("it has a body without a salt, or a salt without a body")]
    BodyWithoutSalt,
    #[error("its prev does not match the hash of the event before it")]
    PrevMismatch,
    #[error("its hash does not match its contents: a header field was changed")]
    HashMismatch,
}

/// The first event that fails verification, named by its position and claimed seq.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("event #{position} (seq {seq}): {fault}")]
pub struct ChainError {
    /// 1-based position in the sequence that was checked.
    pub position: usize,
    /// The seq the event claims.
    pub seq: u64,
    pub fault: ChainFault,
}

/// Checks a whole record from its first event. Returns the head hash (the genesis prev for
/// an empty record), or the first event that fails.
pub fn verify(events: &[RecordedEvent]) -> Result<Hash, ChainError> {
    let mut head = (0, GENESIS_PREV);
    for (index, event) in events.iter().enumerate() {
        check_link(head, event).map_err(|fault| ChainError {
            position: index + 1,
            seq: event.seq,
            fault,
        })?;
        head = (event.seq, event.hash);
    }
    Ok(head.1)
}

/// Whether `event` follows an event whose seq and hash are `after`: the next seq, the
/// body its digest was made from, the right prev, and a hash of exactly these contents.
/// Two SHA-256s, cheap enough to run on every event as it is loaded.
pub fn check_link(after: (u64, Hash), event: &RecordedEvent) -> Result<(), ChainFault> {
    let expected = after.0 + 1;
    if event.seq != expected {
        return Err(ChainFault::OutOfOrder {
            expected,
            found: event.seq,
        });
    }
    match (&event.body, &event.salt) {
        (Some(body), Some(salt)) => {
            if body_digest(salt, body.as_bytes()) != event.digest {
                return Err(ChainFault::BodyChanged);
            }
        }
        // Redacted or withheld: the digest alone carries the chain.
        (None, None) => {}
        _ => return Err(ChainFault::BodyWithoutSalt),
    }
    if event.prev != after.1 {
        return Err(ChainFault::PrevMismatch);
    }
    let hash = event_hash(
        &event.prev,
        event.seq,
        event.at_us,
        &event.author,
        &event.kind,
        &event.digest,
    );
    if hash != event.hash {
        return Err(ChainFault::HashMismatch);
    }
    Ok(())
}

/// The short form of a head hash that both partners compare: 16 hex digits in groups of 4.
pub fn fingerprint(hash: &Hash) -> String {
    let hex = hex::encode(&hash[..8]);
    hex.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first 12 hex digits of a hash, for lists.
pub fn short_hash(hash: &Hash) -> String {
    hex::encode(&hash[..6])
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUTHOR: &str = "7f8d3a4e-2b1c-4d5e-8f90-a1b2c3d4e5f6";

    fn draft(at_us: i64, kind: &str, body: &str) -> Draft {
        Draft {
            at_us,
            author: AUTHOR.into(),
            kind: kind.into(),
            body: body.into(),
        }
    }

    #[test]
    fn an_event_hash_is_the_hash_of_prev_and_the_canonical_bytes() {
        let long = "k".repeat(70_000);
        for (seq, at_us, author, kind) in [
            (1, 1_700_000_000_000_000, AUTHOR, "ownup.question_asked"),
            (u64::MAX, i64::MIN, "", ""),
            (42, -1, AUTHOR, long.as_str()),
        ] {
            let prev = [7u8; 32];
            let digest = [9u8; 32];
            let mut whole = prev.to_vec();
            whole.extend(canonical(seq, at_us, author, kind, &digest));
            let expected: Hash = Sha256::digest(&whole).into();
            assert_eq!(
                event_hash(&prev, seq, at_us, author, kind, &digest),
                expected
            );
        }
    }

    fn record(n: usize) -> Vec<RecordedEvent> {
        let drafts = (0..n)
            .map(|i| {
                draft(
                    1_700_000_000_000_000 + i as i64,
                    "test.noted",
                    &format!("{{\"n\":{i}}}"),
                )
            })
            .collect();
        let mut counter = 0u8;
        seal_all((0, GENESIS_PREV), drafts, || {
            counter += 1;
            [counter; 16]
        })
        .expect("short fields seal")
    }

    /// The test vectors block of `docs/record-format.md`, as `name = value` pairs, so the
    /// published document and this test cannot drift apart.
    fn published_vectors() -> std::collections::HashMap<String, String> {
        let doc = include_str!("../../docs/record-format.md");
        let block = doc
            .split("```vectors")
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .expect("docs/record-format.md has a ```vectors block");
        block
            .lines()
            .filter_map(|line| line.split_once(" = "))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect()
    }

    fn bytes(v: &str) -> Vec<u8> {
        hex::decode(v).expect("vector is hex")
    }

    // If one of these changes, every exported record stops verifying: change the format
    // version instead.
    #[test]
    fn published_test_vectors_hold() {
        let v = published_vectors();
        let mut prev = GENESIS_PREV;
        for n in ["1", "2"] {
            let get = |field: &str| {
                v.get(&format!("event{n}.{field}"))
                    .cloned()
                    .expect("vector present")
            };
            let salt: Salt = bytes(&get("salt")).try_into().expect("16-byte salt");
            let seq: u64 = get("seq").parse().expect("seq");
            let at_us: i64 = get("at_us").parse().expect("at_us");
            let (author, kind, body) = (get("author"), get("kind"), get("body"));

            let digest = body_digest(&salt, body.as_bytes());
            assert_eq!(hex::encode(digest), get("digest"), "event{n} digest");
            let canon = canonical(seq, at_us, &author, &kind, &digest);
            assert_eq!(
                hex::encode(&canon),
                get("canonical"),
                "event{n} canonical bytes"
            );
            assert_eq!(hex::encode(prev), get("prev"), "event{n} prev");
            let hash = event_hash(&prev, seq, at_us, &author, &kind, &digest);
            assert_eq!(hex::encode(hash), get("hash"), "event{n} hash");

            let sealed = seal(
                (seq - 1, prev),
                Draft {
                    at_us,
                    author,
                    kind,
                    body,
                },
                salt,
            )
            .expect("seals");
            assert_eq!(sealed.hash, hash, "seal() agrees with the vector");
            prev = hash;
        }
    }

    #[test]
    fn an_untouched_record_verifies_to_its_head() {
        let events = record(5);
        assert_eq!(verify(&events), Ok(events[4].hash));
        assert_eq!(verify(&[]), Ok(GENESIS_PREV));
    }

    #[test]
    fn the_first_event_points_at_the_genesis_prev() {
        let events = record(2);
        assert_eq!(events[0].prev, GENESIS_PREV);
        assert_eq!(events[1].prev, events[0].hash);
        assert_eq!((events[0].seq, events[1].seq), (1, 2));
    }

    #[test]
    fn a_changed_body_is_named() {
        let mut events = record(4);
        events[2].body = Some(r#"{"n":99}"#.into());
        let err = verify(&events).unwrap_err();
        assert_eq!(
            (err.position, err.seq, err.fault),
            (3, 3, ChainFault::BodyChanged)
        );
    }

    #[test]
    fn a_changed_header_is_named() {
        let mut events = record(4);
        events[1].at_us += 1;
        let err = verify(&events).unwrap_err();
        assert_eq!((err.seq, err.fault), (2, ChainFault::HashMismatch));

        let mut events = record(4);
        events[3].kind = "space.deleted".into();
        assert_eq!(verify(&events).unwrap_err().fault, ChainFault::HashMismatch);
    }

    #[test]
    fn a_body_rewritten_with_a_fresh_digest_breaks_the_hash() {
        let mut events = record(3);
        let salt = events[1].salt.expect("sealed with a salt");
        events[1].body = Some(r#"{"n":"forged"}"#.into());
        events[1].digest = body_digest(&salt, br#"{"n":"forged"}"#);
        assert_eq!(verify(&events).unwrap_err().fault, ChainFault::HashMismatch);
    }

    #[test]
    fn reordered_events_are_named() {
        let mut events = record(4);
        events.swap(1, 2);
        let err = verify(&events).unwrap_err();
        assert_eq!(
            (err.position, err.fault),
            (
                2,
                ChainFault::OutOfOrder {
                    expected: 2,
                    found: 3
                }
            )
        );
    }

    #[test]
    fn a_removed_event_is_named() {
        let mut events = record(4);
        events.remove(1);
        let err = verify(&events).unwrap_err();
        assert_eq!(
            err.fault,
            ChainFault::OutOfOrder {
                expected: 2,
                found: 3
            }
        );
    }

    #[test]
    fn a_removed_event_with_renumbered_seqs_is_still_caught() {
        let mut events = record(4);
        events.remove(1);
        for (i, e) in events.iter_mut().enumerate() {
            e.seq = i as u64 + 1;
        }
        // Renumbering changes the hashed header of the moved event first.
        assert_eq!(verify(&events).unwrap_err().position, 2);
    }

    #[test]
    fn a_changed_prev_is_named() {
        let mut events = record(3);
        events[2].prev = [7; 32];
        let err = verify(&events).unwrap_err();
        assert_eq!((err.seq, err.fault), (3, ChainFault::PrevMismatch));
    }

    #[test]
    fn a_redacted_body_still_verifies() {
        let mut events = record(3);
        events[1].body = None;
        events[1].salt = None;
        assert_eq!(verify(&events), Ok(events[2].hash));
    }

    #[test]
    fn a_body_without_its_salt_is_refused() {
        let mut events = record(2);
        events[0].salt = None;
        assert_eq!(
            verify(&events).unwrap_err().fault,
            ChainFault::BodyWithoutSalt
        );
    }

    #[test]
    fn the_same_body_gets_different_digests_under_different_salts() {
        assert_ne!(body_digest(&[1; 16], b"{}"), body_digest(&[2; 16], b"{}"));
    }

    #[test]
    fn fingerprints_are_sixteen_grouped_hex_digits() {
        let hash: Hash = core::array::from_fn(|i| ((i * 17) % 256) as u8);
        assert_eq!(fingerprint(&hash), "0011 2233 4455 6677");
        assert_eq!(short_hash(&hash), "001122334455");
    }
}
