//! A folded space state as bytes, so a long record need not be folded from its first event
//! every time a process first meets the space (issue 19). A snapshot is the state at some
//! head; the app folds only the events after that head onto it.
//!
//! The bytes are a short header (what they are, and [`FOLD_VERSION`]) and the state in
//! `postcard`, which writes fields and variants in declaration order with no names. So a
//! snapshot means something only to the fold that wrote it: **bump [`FOLD_VERSION`]
//! whenever the fold's meaning changes** (a rule of `apply`, or the shape of any type the
//! state holds: a field added, removed or moved, a variant added before another). Stored
//! snapshots of another version are then ignored and replaced. A test pins a digest of a
//! demo state's snapshot, so a change of shape fails it until the version is bumped.
//!
//! This module owns only the encoding. It knows nothing of where snapshots are kept or
//! when they are taken (`app::snapshots`, `store::snapshots`).

use super::space::SpaceState;

/// The meaning of the fold that snapshots are taken of. Bumped whenever it changes.
pub const FOLD_VERSION: u32 = 1;

/// What every snapshot begins with: bytes that are no snapshot are refused at once.
const MAGIC: &[u8; 8] = b"gs-snap\0";

/// Why bytes did not become a state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    #[error("these bytes are not a snapshot of a space")]
    NotASnapshot,
    #[error("a snapshot of fold version {0}, not {FOLD_VERSION}")]
    OtherFoldVersion(u32),
    #[error("a snapshot that does not read back: {0}")]
    Malformed(String),
}

/// The state as snapshot bytes.
pub fn encode_snapshot(state: &SpaceState) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(64 * 1024);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FOLD_VERSION.to_le_bytes());
    // Writing into a growing `Vec` fails only if a `Serialize` impl of ours refuses, which
    // none does (they write numbers, strings and sequences); such a snapshot would be
    // refused when read, and the space folded from its first event as before.
    postcard::to_extend(state, bytes).unwrap_or_default()
}

/// The state in snapshot `bytes` of this [`FOLD_VERSION`]. Anything else is refused, never
/// a panic: bytes that are no snapshot, another version, or a state that does not read
/// back whole (with bytes left over, a date or a zone that does not exist …).
pub fn decode_snapshot(bytes: &[u8]) -> Result<SpaceState, SnapshotError> {
    let rest = bytes
        .strip_prefix(MAGIC.as_slice())
        .ok_or(SnapshotError::NotASnapshot)?;
    let (version, body) = rest
        .split_first_chunk::<4>()
        .ok_or(SnapshotError::NotASnapshot)?;
    let version = u32::from_le_bytes(*version);
    if version != FOLD_VERSION {
        return Err(SnapshotError::OtherFoldVersion(version));
    }
    let (state, left) = postcard::take_from_bytes::<SpaceState>(body)
        .map_err(|e| SnapshotError::Malformed(e.to_string()))?;
    if !left.is_empty() {
        return Err(SnapshotError::Malformed(format!(
            "{} bytes after the state",
            left.len()
        )));
    }
    Ok(state)
}

/// The fold version written in snapshot `bytes`, if they are a snapshot.
pub fn fold_version_of(bytes: &[u8]) -> Option<u32> {
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    rest.first_chunk::<4>().map(|v| u32::from_le_bytes(*v))
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use proptest::prelude::*;

    use super::*;
    use crate::demo::{self, Demo};
    use crate::domain::SpaceId;
    use crate::domain::space;

    /// 1 June 2026, 18:30 UTC: where the demo stories end.
    const END_US: i64 = 1_780_338_600_000_000;

    fn demos() -> &'static [Demo] {
        static DEMOS: OnceLock<Vec<Demo>> = OnceLock::new();
        DEMOS.get_or_init(|| {
            [(1, 3), (2, 7)]
                .into_iter()
                .map(|(years, seed)| demo::generate(years, seed, END_US).expect("generates"))
                .collect()
        })
    }

    fn round_trip(state: &SpaceState) -> SpaceState {
        decode_snapshot(&encode_snapshot(state)).expect("a snapshot reads back")
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::with_cases(
                std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(48),
            )
        })]

        /// A snapshot of any prefix of a story, read back and folded on with the rest of
        /// it, is the whole story's fold: what a cold load from a snapshot relies on.
        #[test]
        fn a_snapshot_of_any_prefix_folded_on_with_the_rest_is_the_whole_fold(
            which in 0usize..2,
            cut in any::<prop::sample::Index>(),
        ) {
            let demo = &demos()[which];
            let cut = cut.index(demo.events.len() + 1);
            let (before, after) = demo.events.split_at(cut);
            let prefix = space::fold(SpaceState::empty(demo.space), before);
            let bytes = encode_snapshot(&prefix);
            let read = decode_snapshot(&bytes).expect("a snapshot reads back");
            prop_assert_eq!(&read, &prefix, "the snapshot at {} reads back as written", cut);
            prop_assert_eq!(encode_snapshot(&read), bytes);
            let continued = space::fold(read, after);
            prop_assert_eq!(&continued, &demo.state, "folded on from {}", cut);
        }
    }

    #[test]
    fn the_empty_state_and_the_ends_of_the_stories_read_back() {
        let empty = SpaceState::empty(SpaceId::random());
        assert_eq!(round_trip(&empty), empty);
        for demo in demos() {
            assert_eq!(round_trip(&demo.state), demo.state);
        }
    }

    #[test]
    fn bytes_that_are_no_snapshot_are_refused() {
        let good = encode_snapshot(&demos()[0].state);
        assert_eq!(decode_snapshot(b""), Err(SnapshotError::NotASnapshot));
        assert_eq!(
            decode_snapshot(b"{\"name\":\"Us\"}"),
            Err(SnapshotError::NotASnapshot)
        );
        assert_eq!(
            decode_snapshot(&good[..MAGIC.len() + 2]),
            Err(SnapshotError::NotASnapshot)
        );
        let mut other = good.clone();
        other[MAGIC.len()..MAGIC.len() + 4].copy_from_slice(&(FOLD_VERSION + 1).to_le_bytes());
        assert_eq!(
            decode_snapshot(&other),
            Err(SnapshotError::OtherFoldVersion(FOLD_VERSION + 1))
        );
        assert_eq!(fold_version_of(&other), Some(FOLD_VERSION + 1));
        assert_eq!(fold_version_of(b"nothing"), None);
        // Cut short anywhere, or with anything after it: refused, never a panic.
        for len in [
            MAGIC.len() + 4,
            MAGIC.len() + 5,
            good.len() / 2,
            good.len() - 1,
        ] {
            assert!(
                matches!(
                    decode_snapshot(&good[..len]),
                    Err(SnapshotError::Malformed(_))
                ),
                "cut at {len}"
            );
        }
        let mut longer = good.clone();
        longer.push(0);
        assert!(matches!(
            decode_snapshot(&longer),
            Err(SnapshotError::Malformed(_))
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::with_cases(256)
        })]

        /// Any bytes at all, behind a valid header or not: an answer, never a panic.
        #[test]
        fn any_bytes_are_read_without_a_panic(
            body in prop::collection::vec(any::<u8>(), 0..512),
            header in any::<bool>(),
        ) {
            let mut bytes = Vec::new();
            if header {
                bytes.extend_from_slice(MAGIC);
                bytes.extend_from_slice(&FOLD_VERSION.to_le_bytes());
            }
            bytes.extend_from_slice(&body);
            let _ = decode_snapshot(&bytes);
        }

        /// A real snapshot with one byte changed: read back as some state or refused,
        /// never a panic (what the app's check against a full fold then catches).
        #[test]
        fn a_snapshot_with_a_byte_changed_is_read_without_a_panic(
            at in any::<prop::sample::Index>(),
            to in any::<u8>(),
        ) {
            let mut bytes = encode_snapshot(&demos()[0].state);
            let at = at.index(bytes.len());
            bytes[at] = to;
            let _ = decode_snapshot(&bytes);
        }
    }

    /// A long fold reads its events ahead on a second thread (`space::fold`). Its state
    /// must be exactly the state of folding one event after the other, for a whole demo
    /// history and for one damaged in the middle (a body changed, an event out of order,
    /// a kind nobody knows), where the damage must be noted at the same events too.
    #[test]
    fn a_fold_read_ahead_is_the_fold_one_event_after_the_other() {
        let two = demo::generate(2, 11, END_US).expect("generates");
        assert!(two.events.len() > 3_000, "long enough to be read ahead");
        let one_by_one = |events: &[crate::domain::RecordedEvent]| {
            events
                .iter()
                .fold(SpaceState::empty(two.space), space::apply)
        };
        assert_eq!(
            space::fold(SpaceState::empty(two.space), &two.events),
            one_by_one(&two.events)
        );
        // The first part folded in sequence, the rest read ahead, as a cached state is
        // brought up to date.
        let (before, after) = two.events.split_at(1_234);
        assert_eq!(
            space::fold(one_by_one(before), after),
            one_by_one(&two.events)
        );

        let mut damaged = two.events.clone();
        if let Some(body) = damaged[700].body.as_mut() {
            body.push(' ');
        }
        damaged[1_500].seq += 1;
        damaged[2_600].kind = "from.a.newer.version".to_owned();
        let read_ahead = space::fold(SpaceState::empty(two.space), &damaged);
        assert_eq!(read_ahead, one_by_one(&damaged));
        assert_ne!(read_ahead, one_by_one(&two.events), "the damage is seen");
    }

    /// How many bytes a snapshot takes after a month, a year and ten years of the demo
    /// story (for planning where snapshots and states are kept):
    /// `cargo test --lib snapshot_sizes -- --nocapture`. Ten years must still fit the
    /// state cache's largest state.
    #[test]
    fn snapshot_sizes_after_a_month_a_year_and_ten_years() {
        const DAY_US: i64 = 86_400_000_000;
        let ten = demo::generate(10, 7, END_US).expect("generates");
        let start = ten.events.first().map_or(0, |e| e.at_us);
        let mut sizes = Vec::new();
        for (what, days) in [("a month", 30), ("a year", 365), ("ten years", 3650)] {
            let until = start + days * DAY_US;
            let count = ten.events.iter().take_while(|e| e.at_us <= until).count();
            let state = space::fold(SpaceState::empty(ten.space), &ten.events[..count]);
            let bytes = encode_snapshot(&state).len();
            println!(
                "snapshot after {what} of demo history ({} events): {bytes} bytes",
                state.head_seq
            );
            sizes.push(bytes);
        }
        assert!(sizes.windows(2).all(|w| w[0] < w[1]), "{sizes:?}");
        assert!(sizes[2] < 8 * 1024 * 1024, "{sizes:?}");
    }

    /// The snapshot of one demo state, pinned: a change to the shape of any type the state
    /// holds, or to what the fold makes of the story, changes it. When this fails, bump
    /// [`FOLD_VERSION`] (stored snapshots would otherwise be misread) and pin the new
    /// digest beside it. Only if the demo story itself was changed, and nothing the fold or
    /// the state's types mean, is pinning the new digest alone enough.
    #[test]
    fn the_shape_of_a_snapshot_is_pinned_to_its_fold_version() {
        use sha2::Digest as _;
        let bytes = encode_snapshot(&demos()[0].state);
        let digest = hex::encode(sha2::Sha256::digest(&bytes));
        assert_eq!(
            (FOLD_VERSION, digest.as_str()),
            (
                1,
                "805d3ec4570f2810d76e170377752e4daf2b62cd4a8a169a6bb8618a8ce9b1db"
            ),
            "the snapshot of the one-year demo changed: see this test's comment"
        );
    }
}
