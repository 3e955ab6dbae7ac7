//! argon2's working memory, kept between hashes instead of allocated for each.
//!
//! Every password hash, check and password-derived key works through 19 MiB of memory.
//! Allocated and freed each time, those buffers stay resident: glibc's allocator raises its
//! mmap threshold after the first large free, so later buffers come from per-thread arenas
//! that it does not hand back, and the blocking threads that hash spread over many arenas
//! (600 log-ins left the process at about 185 MB). Here a few buffers are kept and reused,
//! so the memory argon2 holds is bounded by how many hashes run at once, whatever the
//! number of log-ins. A buffer is zeroed before it is kept: nothing derived from a password
//! outlives the hash in it.

use std::sync::Mutex;

use argon2::Block;

/// Buffers kept for the next hash: as many as hashes may run at once in one server (its
/// hashing permits). More at once (several servers in one test process) use a buffer of
/// their own, freed afterwards.
const KEPT: usize = 2;

static KEPT_MEMORY: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

/// Runs `hash` with working memory of `blocks` argon2 blocks, taken from the kept buffers
/// when one of that size is there.
pub(crate) fn with_memory<R>(blocks: usize, hash: impl FnOnce(&mut [Block]) -> R) -> R {
    let kept = KEPT_MEMORY.lock().ok().and_then(|mut kept| {
        let at = kept.iter().position(|m| m.len() == blocks)?;
        Some(kept.swap_remove(at))
    });
    let mut memory = kept.unwrap_or_else(|| vec![Block::default(); blocks]);
    let result = hash(&mut memory);
    memory.fill(Block::default());
    if let Ok(mut kept) = KEPT_MEMORY.lock()
        && kept.len() < KEPT
    {
        kept.push(memory);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_comes_back_zeroed_and_no_more_is_kept_than_runs_at_once() {
        with_memory(8, |m| m[3].as_mut()[5] = 42);
        with_memory(8, |m| {
            assert!(m.iter().all(|b| b.as_ref().iter().all(|&x| x == 0)));
        });
        let kept = KEPT_MEMORY.lock().map(|k| k.len()).unwrap_or(0);
        assert!(kept <= KEPT);
    }
}
