//! Space states cached in memory by (space, head seq). A reader checks the head seq (one
//! indexed query) and folds only the events it has not seen, so several instances on one
//! PostgreSQL stay correct with no coordination.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::domain::SpaceId;
use crate::domain::space::SpaceState;

pub struct StateCache {
    capacity: usize,
    states: Mutex<HashMap<SpaceId, Arc<SpaceState>>>,
}

impl StateCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            states: Mutex::new(HashMap::new()),
        }
    }

    pub fn get(&self, space: SpaceId) -> Option<Arc<SpaceState>> {
        self.states.lock().ok()?.get(&space).cloned()
    }

    /// Keeps `state` unless a newer one is already cached.
    pub fn put(&self, state: Arc<SpaceState>) {
        let Ok(mut states) = self.states.lock() else {
            return;
        };
        if states
            .get(&state.id)
            .is_some_and(|s| s.head_seq >= state.head_seq)
        {
            return;
        }
        if states.len() >= self.capacity && !states.contains_key(&state.id) {
            // Dropping an arbitrary entry only costs that space one full fold later.
            if let Some(victim) = states.keys().next().copied() {
                states.remove(&victim);
            }
        }
        states.insert(state.id, state);
    }
}
