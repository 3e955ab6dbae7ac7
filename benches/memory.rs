//! Resident memory with many space states cached (DESIGN.md: under 100 MB with 10,000
//! spaces cached). States are folded from generated demo records of different lengths and
//! held the way the app's cache holds them; resident memory is read from /proc before and
//! after. Then the same states are put in a `StateCache` with the default budget, to show
//! how many of them it keeps and how its estimate of a state's bytes (which the budget
//! counts) compares with the resident memory measured. Then, in a process of its own, a
//! `StateCache` with the default budgets is filled with 10,000 spaces of a month's use
//! (and of a year's) and nothing else holds them: the whole process's resident memory,
//! how many are ready and how many compact, and how long reading one back takes. Prints
//! figures; asserts nothing.
//!
//! Run: `cargo bench --bench memory`.

use std::sync::Arc;

use goldseam::app::StateCache;
use goldseam::config::DEFAULT_STATE_CACHE_MIB;
use goldseam::demo;
use goldseam::domain::SpaceId;
use goldseam::domain::space::{self, SpaceState};

const END_US: i64 = 1_796_068_800_000_000;
const DAY_US: i64 = 86_400_000_000;

fn resident_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
        })
        .and_then(|kb| kb.parse().ok())
        .unwrap_or(0)
}

/// One case per process, so memory freed by one case cannot hide the next one's growth.
const CASES: [(&str, i64, usize); 4] = [
    ("a month of use", 30, 10_000),
    ("a year of use", 365, 1_000),
    (
        "the default cache filled with spaces of a month of use",
        30,
        10_000,
    ),
    (
        "the default cache filled with spaces of a year of use",
        365,
        10_000,
    ),
];

/// The cases from here on fill a cache instead of holding states themselves.
const FIRST_FILL: usize = 2;

fn main() {
    let case = std::env::args()
        .skip_while(|a| a != "--case")
        .nth(1)
        .and_then(|n| n.parse::<usize>().ok());
    let Some(case) = case else {
        for n in 0..CASES.len() {
            let status = std::env::current_exe().and_then(|exe| {
                std::process::Command::new(exe)
                    .args(["--case", &n.to_string()])
                    .status()
            });
            if !matches!(status, Ok(s) if s.success()) {
                eprintln!("case {n} failed: {status:?}");
            }
        }
        return;
    };
    let Some(&(label, days, spaces)) = CASES.get(case) else {
        return;
    };
    let Ok(demo) = demo::generate(1, 42, END_US) else {
        eprintln!("no demo");
        return;
    };
    let start = demo.events.first().map_or(END_US, |e| e.at_us);
    let events: Vec<_> = demo
        .events
        .iter()
        .take_while(|e| e.at_us <= start + days * DAY_US)
        .cloned()
        .collect();
    drop(demo);
    if case >= FIRST_FILL {
        fill(label, &events, spaces);
        return;
    }
    let before = resident_kb();
    let states: Vec<Arc<SpaceState>> = (0..spaces)
        .map(|_| Arc::new(space::fold(SpaceState::empty(SpaceId::random()), &events)))
        .collect();
    let after = resident_kb();
    let per_space = after.saturating_sub(before) as f64 / spaces as f64;
    println!(
        "{label}: {} events per space, {} spaces cached: +{} MB resident, {per_space:.1} KB per space, so 10,000 spaces ≈ {:.0} MB",
        events.len(),
        states.len(),
        after.saturating_sub(before) / 1024,
        per_space * 10_000.0 / 1024.0
    );
    if let Some(state) = states.first() {
        where_the_bytes_are(state);
    }
    let cache = StateCache::default();
    let started = std::time::Instant::now();
    for state in &states {
        cache.put(state.clone());
    }
    let put = started.elapsed() / u32::try_from(states.len()).unwrap_or(u32::MAX).max(1);
    let estimate_kb = cache.weight() as f64 / cache.len().max(1) as f64 / 1024.0;
    println!(
        "  the default state cache ({DEFAULT_STATE_CACHE_MIB} MiB) keeps {} of them ({:.1} MiB estimated): {estimate_kb:.1} KB estimated per space, {:.2}× the resident figure; a put (estimate included) takes {put:?}",
        cache.len(),
        cache.weight() as f64 / 1024.0 / 1024.0,
        estimate_kb / per_space.max(f64::MIN_POSITIVE)
    );
}

/// Fills a cache with the default budgets with `spaces` states folded from `events`, each
/// put and dropped (so only the cache holds them), and prints the process's resident
/// memory, what each tier holds, and what reading them all back costs.
fn fill(label: &str, events: &[goldseam::domain::RecordedEvent], spaces: usize) {
    let baseline = resident_kb();
    let cache = StateCache::default();
    let mut ids = Vec::with_capacity(spaces);
    let started = std::time::Instant::now();
    for _ in 0..spaces {
        let id = SpaceId::random();
        cache.put(Arc::new(space::fold(SpaceState::empty(id), events)));
        ids.push(id);
    }
    let filled = started.elapsed();
    let resident = resident_kb();
    let compact = cache.compact_weight() as f64 / cache.compact_len().max(1) as f64 / 1024.0;
    println!(
        "{label}: {spaces} spaces put in {filled:?}; resident {} MB for the whole process ({} MB before); {} ready ({:.1} MiB estimated), {} compact ({:.1} MiB, {compact:.1} KB each)",
        resident / 1024,
        baseline / 1024,
        cache.len(),
        cache.weight() as f64 / 1024.0 / 1024.0,
        cache.compact_len(),
        cache.compact_weight() as f64 / 1024.0 / 1024.0,
    );
    // Read back in the order put: the oldest were evicted first, so most reads unpack.
    let started = std::time::Instant::now();
    let found = ids.iter().filter(|id| cache.get(**id).is_some()).count();
    let read = started.elapsed() / u32::try_from(spaces).unwrap_or(u32::MAX).max(1);
    println!(
        "  read back: {found} of {spaces} still cached, {read:?} a read on average (a ready state, or a compact one unpacked and made ready); resident {} MB after",
        resident_kb() / 1024
    );
}

/// The state's parts by their snapshot bytes (postcard), largest first: where a state is
/// fat, in the same units for every part.
fn where_the_bytes_are(state: &SpaceState) {
    fn size(part: &impl serde::Serialize) -> usize {
        postcard::to_allocvec(part).map_or(0, |b| b.len())
    }
    let mut parts = vec![
        ("partners", size(&state.partners)),
        ("own_up", size(&state.own_up)),
        ("check_ins", size(&state.check_ins)),
        ("together", size(&state.together)),
        ("repair", size(&state.repair)),
        ("promises", size(&state.promises)),
        ("agreements", size(&state.agreements)),
        ("reports", size(&state.reports)),
        ("milestones", size(&state.milestones)),
        ("counsel", size(&state.counsel)),
        (
            "redactions and gaps",
            size(&state.redactions) + size(&state.gaps),
        ),
        (
            "endings, pause, closing",
            size(&state.endings) + size(&state.pause) + size(&state.closing),
        ),
    ];
    parts.sort_by_key(|part| std::cmp::Reverse(part.1));
    let whole = goldseam::domain::snapshot::encode_snapshot(state).len();
    let parts: Vec<String> = parts
        .iter()
        .filter(|(_, bytes)| *bytes > 0)
        .map(|(name, bytes)| format!("{name} {:.1} KB", *bytes as f64 / 1024.0))
        .collect();
    println!(
        "  as a snapshot {:.1} KB: {}",
        whole as f64 / 1024.0,
        parts.join(", ")
    );
}
