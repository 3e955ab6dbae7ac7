//! Space states cached in memory by (space, head seq). A reader checks the head seq (one
//! indexed query) and folds only the events it has not seen, so several instances on one
//! PostgreSQL stay correct with no coordination.
//!
//! The cache is bounded by an estimate of the bytes its states hold, not by how many it
//! holds: a space ten years old holds a hundred times what a new one does, so a count
//! bounds nothing. Eviction is quick_cache's (CLOCK-Pro: a space read once does not push
//! out the spaces read every day). Its locks are `parking_lot`'s, which cannot be
//! poisoned, so a panic in one request can never silently switch the cache off.
//!
//! It has two tiers, each with its own byte budget. The first holds states ready to use.
//! A state it evicts goes to the second, the compact tier, as its snapshot encoding
//! compressed with zstd: about a fifth of the memory, and tens of microseconds to unpack
//! (about 0.1 ms for a year-old space), against milliseconds to read and fold its record. So many
//! more spaces stay cached in the same memory (DESIGN.md: 10,000 in under 100 MB).
//!
//! This module owns only the caching; what a state is comes from `domain::space`.

use std::fmt::{self, Write as _};
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Bytes;
use quick_cache::sync::{Cache, EntryAction, EntryResult};
use quick_cache::{DefaultHashBuilder, Lifecycle, OptionsBuilder, Weighter};

use crate::config::{DEFAULT_COMPACT_CACHE_MIB, DEFAULT_STATE_CACHE_MIB};
use crate::domain::SpaceId;
use crate::domain::snapshot::{decode_snapshot, encode_snapshot};
use crate::domain::space::SpaceState;

/// The largest state we expect: twenty years of daily use (the demo's maximum) estimates
/// at a few MiB. A shard must hold it, or such a space could never be cached.
const LARGEST_STATE_BYTES: u64 = 8 * 1024 * 1024;

/// The largest compact state we expect: twenty years of daily use compresses to well under
/// a MiB. Set higher than that so the compact tier has few shards: spaces fall into shards
/// at random, and with many small shards one fills and evicts while others have room.
const LARGEST_COMPACT_BYTES: u64 = 8 * 1024 * 1024;

/// zstd's level for the compact tier: its fastest regular level. Higher levels shrink a
/// state by a few per cent more and cost several times the time, paid on the request that
/// evicts it.
const ZSTD_LEVEL: i32 = 1;

/// How long a put waits for another thread that is inserting the same space right now.
/// Never: a put is called from async code and must not block a worker; losing the race
/// only costs one fold later.
const NO_WAIT: Option<Duration> = Some(Duration::ZERO);

/// A cached state with its weight, computed once when it is put (the weigher must be cheap
/// and must give the same answer for as long as the entry lives).
#[derive(Clone)]
struct Cached {
    state: Arc<SpaceState>,
    bytes: u64,
    /// The head seq of the space's newest snapshot as this process knows it (0: none), so
    /// a fold onto this state knows when the next one is due (see `app::snapshots`).
    snapshot_seq: u64,
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<SpaceId, Cached> for ByBytes {
    fn weight(&self, _space: &SpaceId, cached: &Cached) -> u64 {
        // Zero would make an entry unevictable; nothing real weighs less than a byte.
        cached.bytes.max(1)
    }
}

/// Collects what the first tier evicts (or refuses as too heavy) while its shard is locked,
/// so it is compressed into the compact tier after the lock is released.
#[derive(Clone, Default)]
struct ToCompact;

impl Lifecycle<SpaceId, Cached> for ToCompact {
    type RequestState = Vec<Cached>;

    fn on_evict(&self, evicted: &mut Vec<Cached>, _space: SpaceId, cached: Cached) {
        evicted.push(cached);
    }
}

/// A state in the compact tier: its snapshot encoding, compressed.
struct Compact {
    head_seq: u64,
    snapshot_seq: u64,
    /// The length of the encoding before compression, to unpack it in one allocation.
    encoded_len: usize,
    zstd: Box<[u8]>,
}

#[derive(Clone)]
struct CompactBytes;

impl Weighter<SpaceId, Arc<Compact>> for CompactBytes {
    fn weight(&self, _space: &SpaceId, compact: &Arc<Compact>) -> u64 {
        // The compressed bytes, and the entry and `Arc` around them.
        compact.zstd.len() as u64 + 96
    }
}

type States = Cache<SpaceId, Cached, ByBytes, DefaultHashBuilder, ToCompact>;

pub struct StateCache {
    states: States,
    compact: Cache<SpaceId, Arc<Compact>, CompactBytes>,
    /// Whether the compact tier has a budget at all: without one, what the first evicts is
    /// not compressed only to be refused.
    compacting: bool,
}

/// quick_cache's options for a tier of `budget` bytes whose heaviest entry is `largest`.
fn tier_options(budget: u64, largest: u64, typical: u64) -> Option<quick_cache::Options> {
    // quick_cache splits the budget between shards and keeps no item larger than its
    // shard's share, so the shard count is chosen for the budget rather than for the
    // machine's cores (its default): a one-year state must fit in a shard on a 64-core
    // server too. A power of two, at most 16.
    let shards = 1usize << (budget / largest).clamp(1, 16).ilog2();
    let mut options = OptionsBuilder::new();
    options
        .shards(shards)
        .weight_capacity(budget)
        // A guess for sizing the table up front; a wrong one costs only a resize.
        .estimated_items_capacity(usize::try_from(budget / typical).unwrap_or(1).max(16));
    match options.build() {
        Ok(options) => Some(options),
        // Only reachable if a required option above were missing.
        Err(e) => {
            tracing::error!(error = %e, "cache options rejected; using defaults");
            None
        }
    }
}

impl StateCache {
    /// A cache holding at most `budget_bytes` of ready states, as [`heap_bytes`] estimates
    /// them, and at most `compact_bytes` of compressed ones. With 0 a tier holds nothing;
    /// with both 0 every read folds the whole record.
    pub fn new(budget_bytes: u64, compact_bytes: u64) -> Self {
        // quick_cache admits nothing heavier than its capacity; one byte admits no state.
        let budget = budget_bytes.max(1);
        let states = match tier_options(budget, LARGEST_STATE_BYTES, 32_768) {
            Some(options) => {
                Cache::with_options(options, ByBytes, DefaultHashBuilder::default(), ToCompact)
            }
            None => Cache::with(
                1024,
                budget,
                ByBytes,
                DefaultHashBuilder::default(),
                ToCompact,
            ),
        };
        let compact_budget = compact_bytes.max(1);
        let compact = match tier_options(compact_budget, LARGEST_COMPACT_BYTES, 4_096) {
            Some(options) => Cache::with_options(
                options,
                CompactBytes,
                DefaultHashBuilder::default(),
                Default::default(),
            ),
            None => Cache::with_weighter(1024, compact_budget, CompactBytes),
        };
        Self {
            states,
            compact,
            compacting: compact_bytes > 0,
        }
    }

    pub fn get(&self, space: SpaceId) -> Option<Arc<SpaceState>> {
        self.get_noted(space).map(|(state, _)| state)
    }

    /// The cached state of `space`, with the head seq of its newest snapshot as noted when
    /// it was put. A state found only in the compact tier is unpacked and put back in the
    /// first.
    pub fn get_noted(&self, space: SpaceId) -> Option<(Arc<SpaceState>, u64)> {
        if let Some(cached) = self.states.get(&space) {
            return Some((cached.state, cached.snapshot_seq));
        }
        let compact = self.compact.get(&space)?;
        let Some(state) = unpack(&compact) else {
            tracing::warn!(%space, "a compact cached state did not unpack; folding instead");
            self.compact.remove(&space);
            return None;
        };
        let state = Arc::new(state);
        self.put_noted(state.clone(), compact.snapshot_seq);
        Some((state, compact.snapshot_seq))
    }

    /// Keeps `state` unless a newer one is already cached.
    pub fn put(&self, state: Arc<SpaceState>) {
        self.put_noted(state, 0);
    }

    /// Keeps `state` unless a newer one is already cached, noting that the space's newest
    /// snapshot is at `snapshot_seq`.
    pub fn put_noted(&self, state: Arc<SpaceState>, snapshot_seq: u64) {
        // Weighed before taking the shard's lock: it walks the whole state.
        let new = Cached {
            bytes: heap_bytes(&state),
            state,
            snapshot_seq,
        };
        let space = new.state.id;
        let head = new.state.head_seq;
        // The comparison happens under the shard's write lock, so two requests folding the
        // same space at once cannot leave the older state behind. A newer state goes in by
        // removing the old one and inserting through the guard, not by writing over it in
        // place: only an insert evicts other spaces to make room for a heavier state.
        let mut noted = 0;
        let replace = self.states.entry(&space, NO_WAIT, |_, cached| {
            // A snapshot noted on the older state since this one was folded from it.
            noted = cached.snapshot_seq;
            if cached.state.head_seq < head {
                EntryAction::ReplaceWithGuard
            } else {
                EntryAction::Retain(())
            }
        });
        let mut evicted = Vec::new();
        match replace {
            EntryResult::Vacant(guard) | EntryResult::Replaced(guard, _) => {
                let new = Cached {
                    snapshot_seq: new.snapshot_seq.max(noted),
                    ..new
                };
                // Err only if the placeholder was removed meanwhile, which nothing here does;
                // either way the state is simply not cached.
                let _ = guard.insert_with_lifecycle(new, &mut evicted);
            }
            // Already as new, or another request is putting this space right now.
            EntryResult::Retained(()) | EntryResult::Removed(..) | EntryResult::Timeout => {}
        }
        // An older compact state of this space is of no more use than the newer one just
        // put, and may hold words removed since.
        self.compact
            .remove_if(&space, |compact| compact.head_seq < head);
        self.compact_all(evicted);
    }

    /// Compresses what the first tier evicted into the compact tier, unless it already
    /// holds that state (one unpacked and evicted again) or a newer one.
    fn compact_all(&self, evicted: Vec<Cached>) {
        if !self.compacting {
            return;
        }
        for cached in evicted {
            let space = cached.state.id;
            let head = cached.state.head_seq;
            let held = self.compact.get(&space).map(|c| c.head_seq);
            if held.is_some_and(|held| held >= head) {
                continue;
            }
            let encoded = encode_snapshot(&cached.state);
            match zstd::bulk::compress(&encoded, ZSTD_LEVEL) {
                Ok(zstd) => self.compact.insert(
                    space,
                    Arc::new(Compact {
                        head_seq: head,
                        snapshot_seq: cached.snapshot_seq,
                        encoded_len: encoded.len(),
                        zstd: zstd.into_boxed_slice(),
                    }),
                ),
                Err(e) => tracing::warn!(%space, error = %e, "a state could not be compressed"),
            }
        }
    }

    /// Notes that `space` has a snapshot at `snapshot_seq` now, on the state cached for it
    /// (if any, and if it does not know of a newer one).
    pub fn note_snapshot(&self, space: SpaceId, snapshot_seq: u64) {
        let noted = self.states.entry(&space, NO_WAIT, |_, cached| {
            cached.snapshot_seq = cached.snapshot_seq.max(snapshot_seq);
            EntryAction::Retain(())
        });
        // Nothing cached: nothing to note (the guard, dropped, leaves the space vacant).
        drop(noted);
    }

    /// Keeps `state` in place of whatever is cached for its space, newer or not: for a
    /// state found wrong (a snapshot that did not check out). An older state is only
    /// folded on from by the next read.
    pub fn replace(&self, state: Arc<SpaceState>, snapshot_seq: u64) {
        let new = Cached {
            bytes: heap_bytes(&state),
            state,
            snapshot_seq,
        };
        let space = new.state.id;
        // The compact tier may hold a state unpacked from the wrong one.
        self.compact.remove(&space);
        let mut evicted = Vec::new();
        self.states.insert_with_lifecycle(space, new, &mut evicted);
        self.compact_all(evicted);
    }

    /// The estimated bytes held now by ready states; never more than their budget.
    pub fn weight(&self) -> u64 {
        self.states.weight()
    }

    /// How many ready states are held now.
    pub fn len(&self) -> usize {
        self.states.len()
    }

    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }

    /// The bytes held now by compact states; never more than their budget.
    pub fn compact_weight(&self) -> u64 {
        self.compact.weight()
    }

    /// How many compact states are held now (some also held ready).
    pub fn compact_len(&self) -> usize {
        self.compact.len()
    }
}

/// A compact state unpacked, or `None` if its bytes do not read back as a state of this
/// fold's version.
fn unpack(compact: &Compact) -> Option<SpaceState> {
    let encoded = zstd::bulk::decompress(&compact.zstd, compact.encoded_len).ok()?;
    let state = decode_snapshot(&encoded).ok()?;
    (state.head_seq == compact.head_seq).then_some(state)
}

impl Default for StateCache {
    fn default() -> Self {
        Self::new(
            DEFAULT_STATE_CACHE_MIB * 1024 * 1024,
            DEFAULT_COMPACT_CACHE_MIB * 1024 * 1024,
        )
    }
}

/// Pages drawn once and served again, by everything that decides what they show: the
/// space at its head (seq and hash, read from the database on every request, so several
/// instances stay correct with no coordination), the viewer, the minute, and whatever else
/// the page is drawn from (`PageKey::inputs`: time zone, marks, …). A viewer's page is
/// keyed by the viewer, so it can never be served to anyone else.
///
/// A cached page never holds a CSRF token: it is drawn with [`PageCache::csrf_mark`] (a
/// random value of this process, never sent to anyone) where the token goes, and the
/// viewer's own token is put in its place each time it is served. Bounded by the bytes of
/// the pages it holds, like the state cache.
pub struct PageCache {
    pages: Cache<PageKey, Arc<CachedPage>, PageBytes>,
    mark: String,
}

/// What a cached page was drawn from. Two requests with equal keys are shown equal bytes
/// (apart from the CSRF token).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PageKey {
    /// Which page, e.g. "dashboard".
    pub page: &'static str,
    pub space: SpaceId,
    pub head_seq: u64,
    pub head_hash: crate::domain::record::Hash,
    pub viewer: crate::domain::PersonId,
    /// The minute the page was drawn in (microseconds since the epoch / 60 s): what
    /// changes with time alone (a check-in coming due, a break ending) shows within one.
    pub minute: i64,
    /// Everything else the page depends on, as a SHA-256 of each input with its length.
    pub inputs: [u8; 32],
}

impl PageKey {
    /// The key of `page` of `state` as `viewer` sees it at `now_us`, drawn from `inputs`
    /// besides (each a part of what the page shows that the state does not hold).
    pub fn new(
        page: &'static str,
        state: &SpaceState,
        viewer: crate::domain::PersonId,
        now_us: i64,
        inputs: &[&str],
    ) -> Self {
        use sha2::Digest as _;
        let mut digest = sha2::Sha256::new();
        for input in inputs {
            digest.update((input.len() as u64).to_be_bytes());
            digest.update(input.as_bytes());
        }
        Self {
            page,
            space: state.id,
            head_seq: state.head_seq,
            head_hash: state.head_hash,
            viewer,
            minute: now_us.div_euclid(60_000_000),
            inputs: digest.finalize().into(),
        }
    }
}

/// A page cut where its CSRF token goes and where each form's own token goes (a token
/// that names one rendering of a form, see `web::once`: every serving gets fresh ones, so
/// two views of a kept page are never taken for one form sent twice).
pub struct CachedPage {
    pieces: Vec<(Bytes, Hole)>,
    len: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Hole {
    Csrf,
    Fresh,
    End,
}

/// How long a fresh form token is (`random_token`: 32 bytes, unpadded base64url).
const FRESH_LEN: usize = 43;

impl CachedPage {
    /// `html` cut at every `mark` (the CSRF token) and after every `fresh_after` (the start
    /// of a per-rendering token of [`FRESH_LEN`] characters).
    fn cut(html: &str, mark: &str, fresh_after: &str) -> Self {
        let mut pieces = Vec::new();
        let parts: Vec<&str> = html.split(mark).collect();
        let last = parts.len().saturating_sub(1);
        for (n, part) in parts.into_iter().enumerate() {
            let mut rest = part;
            while let Some(at) = rest.find(fresh_after) {
                let end = at + fresh_after.len();
                pieces.push((Bytes::copy_from_slice(&rest.as_bytes()[..end]), Hole::Fresh));
                rest = rest.get(end + FRESH_LEN..).unwrap_or("");
            }
            pieces.push((
                Bytes::copy_from_slice(rest.as_bytes()),
                if n == last { Hole::End } else { Hole::Csrf },
            ));
        }
        Self {
            pieces,
            len: html.len(),
        }
    }

    /// The page with `csrf` where it was drawn with the mark, and fresh form tokens, as the
    /// pieces it is sent in: the kept ones are shared, not copied.
    pub fn chunks(&self, csrf: &str) -> Vec<Bytes> {
        let csrf = Bytes::copy_from_slice(csrf.as_bytes());
        let mut chunks = Vec::with_capacity(self.pieces.len() * 2);
        for (piece, hole) in &self.pieces {
            chunks.push(piece.clone());
            match hole {
                Hole::Csrf => chunks.push(csrf.clone()),
                Hole::Fresh => chunks.push(Bytes::from(super::form_token())),
                Hole::End => {}
            }
        }
        chunks
    }

    /// [`CachedPage::chunks`] in one piece.
    pub fn with_csrf(&self, csrf: &str) -> String {
        let mut page = Vec::with_capacity(self.len + csrf.len() * self.pieces.len());
        for chunk in self.chunks(csrf) {
            page.extend_from_slice(&chunk);
        }
        // Only whole strings were cut and put in.
        String::from_utf8_lossy(&page).into_owned()
    }
}

#[derive(Clone)]
struct PageBytes;

impl Weighter<PageKey, Arc<CachedPage>> for PageBytes {
    fn weight(&self, key: &PageKey, page: &Arc<CachedPage>) -> u64 {
        // The page, its pieces' own headers, and the key.
        let bytes = page.len + page.pieces.len() * 32 + std::mem::size_of_val(key) + 64;
        u64::try_from(bytes).unwrap_or(u64::MAX)
    }
}

/// The largest page we expect to keep: a ten-year space's dashboard is about 150 KB.
const LARGEST_PAGE_BYTES: u64 = 512 * 1024;

impl PageCache {
    /// A cache holding at most `budget_bytes` of pages; with 0 it holds none.
    pub fn new(budget_bytes: u64) -> Self {
        let budget = budget_bytes.max(1);
        let shards = 1usize << (budget / LARGEST_PAGE_BYTES).clamp(1, 16).ilog2();
        let mut options = OptionsBuilder::new();
        options
            .shards(shards)
            .weight_capacity(budget)
            .estimated_items_capacity(usize::try_from(budget / 65_536).unwrap_or(1).max(16));
        let pages = match options.build() {
            Ok(options) => {
                Cache::with_options(options, PageBytes, Default::default(), Default::default())
            }
            Err(e) => {
                tracing::error!(error = %e, "page cache options rejected; using defaults");
                Cache::with_weighter(256, budget, PageBytes)
            }
        };
        Self {
            pages,
            mark: super::random_token(),
        }
    }

    /// What a page to be cached is drawn with in place of the viewer's CSRF token.
    pub fn csrf_mark(&self) -> &str {
        &self.mark
    }

    pub fn get(&self, key: &PageKey) -> Option<Arc<CachedPage>> {
        self.pages.get(key)
    }

    /// Forgets every page of `space`: for pages drawn from a state found wrong. A walk of
    /// every page kept, which is why it is only for that.
    pub fn forget_space(&self, space: SpaceId) {
        self.pages.retain(|key, _| key.space != space);
    }

    /// Keeps `html`, drawn with the mark for the CSRF token, under `key`; gives it back
    /// cut, ready to serve. `fresh_after` is what stands before each per-rendering form
    /// token (e.g. `name="form_token" value="`).
    pub fn put(&self, key: PageKey, html: &str, fresh_after: &str) -> Arc<CachedPage> {
        let page = Arc::new(CachedPage::cut(html, &self.mark, fresh_after));
        self.pages.insert(key, page.clone());
        page
    }

    /// The bytes held now; never more than the budget.
    pub fn weight(&self) -> u64 {
        self.pages.weight()
    }

    pub fn len(&self) -> usize {
        self.pages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }
}

/// An estimate of the memory a state holds, from what it holds: the length of its snapshot
/// encoding (postcard, counted without writing it), times a factor calibrated with
/// `cargo bench --bench memory` (which reports resident memory per state against this
/// estimate: a month-old state is 2.7 times its snapshot bytes resident, a year-old one
/// 2.3 times). The encoding follows every string, list and number in the state, so the
/// estimate grows with long letters as well as with many check-ins, and a field a later
/// version adds is counted without anyone remembering to. It runs once per put, outside
/// the cache's locks, on every append: counting the encoding costs a fraction of what the
/// `Debug` rendering this replaced did (355 µs for a year-old state).
pub fn heap_bytes(state: &SpaceState) -> u64 {
    /// Resident bytes per ten bytes of snapshot encoding.
    const RESIDENT_PER_TEN_BYTES: u64 = 27;
    /// What even an empty state takes: its own struct and the `Arc` around it.
    const BASE: u64 = 1024;

    let encoded = match postcard::experimental::serialized_size(state) {
        Ok(bytes) => bytes as u64,
        // Only a field whose serializer refuses could fail; weigh by its rendering then.
        Err(_) => debug_len(state),
    };
    BASE + encoded * RESIDENT_PER_TEN_BYTES / 10
}

/// The length of a state's `Debug` rendering, counted without building it.
fn debug_len(state: &SpaceState) -> u64 {
    struct Counter(u64);
    impl fmt::Write for Counter {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.0 += s.len() as u64;
            Ok(())
        }
    }
    let mut counter = Counter(0);
    // Writing to a counter cannot fail.
    let _ = write!(counter, "{state:?}");
    counter.0
}

#[cfg(test)]
mod page_tests {
    use super::*;

    #[test]
    fn a_kept_page_gets_the_viewer_s_token_and_fresh_form_tokens_each_time() {
        let cache = PageCache::new(1024 * 1024);
        let mark = cache.csrf_mark().to_owned();
        let form = |n: u8| {
            format!(
                "<input name=\"f\" value=\"{}\">",
                char::from(b'a' + n).to_string().repeat(43)
            )
        };
        let html = format!("<p>{mark}</p>{}<i>{mark}</i>{}<b>end</b>", form(0), form(1));
        let key = PageKey::new(
            "test",
            &SpaceState::empty(SpaceId::random()),
            crate::domain::PersonId::random(),
            0,
            &[],
        );
        let page = cache.put(key.clone(), &html, "name=\"f\" value=\"");
        let one = page.with_csrf("TOKEN");
        let two = cache
            .get(&key)
            .map(|p| p.with_csrf("OTHER"))
            .unwrap_or_default();
        assert!(one.starts_with("<p>TOKEN</p>") && one.contains("<i>TOKEN</i>"));
        assert!(!one.contains(&mark) && !one.contains(&"a".repeat(43)));
        assert!(one.ends_with("<b>end</b>"));
        assert_eq!(one.len(), html.len() - 2 * mark.len() + 2 * "TOKEN".len());
        assert!(two.contains("<i>OTHER</i>") && !two.contains("TOKEN"));
        let tokens = |p: &str| {
            p.match_indices("value=\"")
                .map(|(at, _)| p[at + 7..at + 50].to_owned())
                .collect::<Vec<_>>()
        };
        let (a, b) = (tokens(&one), tokens(&two));
        assert_eq!(a.len(), 2);
        assert!(
            a.iter().all(|t| !b.contains(t)),
            "fresh form tokens every time"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::PersonId;
    use crate::domain::space::Partner;

    /// A state at `head` holding about `bytes` of text (in a partner's display name, the
    /// simplest field to fill from outside the domain).
    fn state(id: SpaceId, head: u64, bytes: usize) -> Arc<SpaceState> {
        let mut state = SpaceState::empty(id);
        state.head_seq = head;
        state.partners.push(Partner {
            person: PersonId::random(),
            display_name: "x".repeat(bytes),
            joined_at_us: 0,
        });
        Arc::new(state)
    }

    #[test]
    fn filled_past_its_budget_the_cache_stays_under_it() {
        let budget = 200_000;
        let cache = StateCache::new(budget, 0);
        let one = heap_bytes(&state(SpaceId::random(), 1, 10_000));
        assert!(one > 10_000, "the estimate follows the text held: {one}");
        // Three times what fits.
        let n = 3 * budget / one;
        for _ in 0..n {
            cache.put(state(SpaceId::random(), 1, 10_000));
            assert!(cache.weight() <= budget, "{} > {budget}", cache.weight());
        }
        assert!(cache.len() < usize::try_from(n).unwrap_or(usize::MAX));
        assert!(
            cache.weight() > budget / 2,
            "the budget is used, not wasted: {}",
            cache.weight()
        );
    }

    /// Puts and reads other spaces until `id` is no longer among the ready states.
    fn evict(cache: &StateCache, id: SpaceId) {
        for _ in 0..1_000 {
            if cache.states.peek(&id).is_none() {
                return;
            }
            let other = SpaceId::random();
            cache.put(state(other, 1, 10_000));
            let _ = cache.get(other);
        }
        panic!("{id} stayed ready");
    }

    #[test]
    fn states_evicted_from_the_first_tier_are_read_back_from_the_compact_one() {
        let one = heap_bytes(&state(SpaceId::random(), 1, 10_000));
        // Room for three ready states, and plenty for compact ones.
        let cache = StateCache::new(3 * one + 100, 8 * 1024 * 1024);
        let ids: Vec<SpaceId> = (0..40).map(|_| SpaceId::random()).collect();
        for (n, id) in ids.iter().enumerate() {
            let seq = u64::try_from(n).unwrap_or(0) + 1;
            cache.put_noted(state(*id, seq, 10_000), seq * 10);
        }
        assert!(cache.len() <= 3, "{} ready", cache.len());
        assert!(cache.compact_len() >= 37, "{} compact", cache.compact_len());
        assert!(
            cache.compact_weight() < 37 * 10_000 / 4,
            "compressed: {} bytes",
            cache.compact_weight()
        );
        for (n, id) in ids.iter().enumerate() {
            let seq = u64::try_from(n).unwrap_or(0) + 1;
            let (read, noted) = cache.get_noted(*id).expect("still cached");
            assert_eq!(read.id, *id);
            assert_eq!(read.head_seq, seq);
            assert_eq!(noted, seq * 10, "the snapshot noted comes back too");
            assert_eq!(read.partners[0].display_name.len(), 10_000);
            assert!(cache.weight() <= 3 * one + 100);
        }
    }

    #[test]
    fn a_newer_state_drops_the_older_compact_one() {
        let one = heap_bytes(&state(SpaceId::random(), 1, 10_000));
        let cache = StateCache::new(2 * one + 100, 8 * 1024 * 1024);
        let id = SpaceId::random();
        cache.put(state(id, 1, 10_000));
        evict(&cache, id);
        assert!(
            cache.compact.get(&id).is_some(),
            "evicted into the compact tier"
        );
        cache.put(state(id, 2, 5));
        assert!(
            cache.compact.get(&id).is_none(),
            "the older state, and whatever words it held, is gone"
        );
        assert_eq!(cache.get(id).map(|s| s.head_seq), Some(2));
    }

    #[test]
    fn a_replaced_state_is_never_read_back_from_the_compact_tier() {
        let one = heap_bytes(&state(SpaceId::random(), 1, 10_000));
        let cache = StateCache::new(2 * one + 100, 8 * 1024 * 1024);
        let id = SpaceId::random();
        cache.put(state(id, 9, 10_000));
        evict(&cache, id);
        assert!(
            cache.compact.get(&id).is_some(),
            "evicted into the compact tier"
        );
        // Found wrong, and replaced by an older, right one.
        cache.replace(state(id, 3, 7), 0);
        evict(&cache, id);
        assert_eq!(cache.get(id).map(|s| s.head_seq), Some(3));
    }

    #[test]
    fn with_no_budgets_nothing_is_cached() {
        let cache = StateCache::new(0, 0);
        let id = SpaceId::random();
        cache.put(state(id, 1, 10));
        assert!(cache.get(id).is_none());
        assert_eq!((cache.len(), cache.compact_len()), (0, 0));
    }

    #[test]
    fn a_larger_state_weighs_more() {
        let id = SpaceId::random();
        assert!(heap_bytes(&state(id, 1, 100_000)) > heap_bytes(&state(id, 1, 1_000)) + 90_000);
    }

    #[test]
    fn an_older_head_never_replaces_a_newer_one() {
        let cache = StateCache::default();
        let id = SpaceId::random();
        cache.put(state(id, 7, 10));
        cache.put(state(id, 5, 10));
        assert_eq!(cache.get(id).map(|s| s.head_seq), Some(7));
        cache.put(state(id, 7, 20));
        assert_eq!(
            cache.get(id).map(|s| s.partners[0].display_name.len()),
            Some(10),
            "the same head is not replaced either"
        );
        cache.put(state(id, 9, 10));
        assert_eq!(cache.get(id).map(|s| s.head_seq), Some(9));
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn a_state_from_a_long_record_still_fits_with_the_default_budget() {
        let cache = StateCache::default();
        let id = SpaceId::random();
        // About what ten years of daily use estimates at.
        cache.put(state(id, 30_000, 3 * 1024 * 1024));
        assert_eq!(cache.get(id).map(|s| s.head_seq), Some(30_000));
    }
}
