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
//! This module owns only the caching; what a state is comes from `domain::space`.

use std::fmt::{self, Write as _};
use std::sync::Arc;
use std::time::Duration;

use quick_cache::sync::{Cache, EntryAction, EntryResult};
use quick_cache::{OptionsBuilder, Weighter};

use crate::config::DEFAULT_STATE_CACHE_MIB;
use crate::domain::SpaceId;
use crate::domain::space::SpaceState;

/// The largest state we expect: twenty years of daily use (the demo's maximum) estimates
/// at a few MiB. A shard must hold it, or such a space could never be cached.
const LARGEST_STATE_BYTES: u64 = 8 * 1024 * 1024;

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
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<SpaceId, Cached> for ByBytes {
    fn weight(&self, _space: &SpaceId, cached: &Cached) -> u64 {
        // Zero would make an entry unevictable; nothing real weighs less than a byte.
        cached.bytes.max(1)
    }
}

pub struct StateCache {
    states: Cache<SpaceId, Cached, ByBytes>,
}

impl StateCache {
    /// A cache holding at most `budget_bytes` of state, as [`heap_bytes`] estimates it.
    /// With 0 it holds nothing (every read folds the whole record).
    pub fn new(budget_bytes: u64) -> Self {
        // quick_cache admits nothing heavier than its capacity; one byte admits no state.
        let budget = budget_bytes.max(1);
        // quick_cache splits the budget between shards and keeps no item larger than its
        // shard's share, so the shard count is chosen for the budget rather than for the
        // machine's cores (its default): a one-year state must fit in a shard on a
        // 64-core server too. A power of two, at most 16.
        let shards = 1usize << (budget / LARGEST_STATE_BYTES).clamp(1, 16).ilog2();
        let mut options = OptionsBuilder::new();
        options
            .shards(shards)
            .weight_capacity(budget)
            // A guess for sizing the table up front; a wrong one costs only a resize.
            .estimated_items_capacity(usize::try_from(budget / 32_768).unwrap_or(1).max(16));
        let states = match options.build() {
            Ok(options) => {
                Cache::with_options(options, ByBytes, Default::default(), Default::default())
            }
            // Only reachable if a required option above were missing.
            Err(e) => {
                tracing::error!(error = %e, "state cache options rejected; using defaults");
                Cache::with_weighter(1024, budget, ByBytes)
            }
        };
        Self { states }
    }

    pub fn get(&self, space: SpaceId) -> Option<Arc<SpaceState>> {
        self.states.get(&space).map(|c| c.state)
    }

    /// Keeps `state` unless a newer one is already cached.
    pub fn put(&self, state: Arc<SpaceState>) {
        // Weighed before taking the shard's lock: it walks the whole state.
        let new = Cached {
            bytes: heap_bytes(&state),
            state,
        };
        let space = new.state.id;
        let head = new.state.head_seq;
        // The comparison happens under the shard's write lock, so two requests folding the
        // same space at once cannot leave the older state behind. A newer state goes in by
        // removing the old one and inserting through the guard, not by writing over it in
        // place: only an insert evicts other spaces to make room for a heavier state.
        let replace = self.states.entry(&space, NO_WAIT, |_, cached| {
            if cached.state.head_seq < head {
                EntryAction::ReplaceWithGuard
            } else {
                EntryAction::Retain(())
            }
        });
        match replace {
            EntryResult::Vacant(guard) | EntryResult::Replaced(guard, _) => {
                // Err only if the placeholder was removed meanwhile, which nothing here does;
                // either way the state is simply not cached.
                let _ = guard.insert(new);
            }
            // Already as new, or another request is putting this space right now.
            EntryResult::Retained(()) | EntryResult::Removed(..) | EntryResult::Timeout => {}
        }
    }

    /// The estimated bytes held now; never more than the budget.
    pub fn weight(&self) -> u64 {
        self.states.weight()
    }

    /// How many states are held now.
    pub fn len(&self) -> usize {
        self.states.len()
    }

    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }
}

impl Default for StateCache {
    fn default() -> Self {
        Self::new(DEFAULT_STATE_CACHE_MIB * 1024 * 1024)
    }
}

/// An estimate of the memory a state holds, from what it holds: the length of its `Debug`
/// rendering, counted without building it, times a factor calibrated with
/// `cargo bench --bench memory` (which reports resident memory per state against this
/// estimate). The rendering follows every string, list and number in the state, so the
/// estimate grows with long letters as well as with many check-ins, and a field a later
/// version adds is counted without anyone remembering to. It costs a walk of the state,
/// about as much as the clone a fold already makes, and runs once per put, outside the
/// cache's locks.
pub fn heap_bytes(state: &SpaceState) -> u64 {
    /// Resident bytes per byte of `Debug` rendering. The rendering spells numbers and
    /// field names out (longer than in memory) but leaves out the headroom that lists,
    /// strings, maps and the allocator keep (more in memory); measured, those come out
    /// at about this.
    const BYTES_PER_DEBUG_BYTE: u64 = 1;
    /// What even an empty state takes: its own struct and the `Arc` around it.
    const BASE: u64 = 1024;

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
    BASE + counter.0 * BYTES_PER_DEBUG_BYTE
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
        let cache = StateCache::new(budget);
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
