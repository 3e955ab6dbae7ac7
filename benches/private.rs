//! What privacy costs: sealing and opening one journal entry, opening a journal of 1,000
//! entries as its page does (open each, read it, sort), searching them, and the argon2id
//! derivation that unlocks the data key once per log-in.
//!
//! Run: `cargo bench --bench private`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use goldseam::domain::journal::{self, Entry};
use goldseam::domain::vault::{self, DataKey};

const OWNER: &str = "6f1c2a3b-0000-4000-8000-000000000001";

/// An entry of about a page (2,000 characters), as people write them.
fn entry(n: usize) -> Entry {
    Entry {
        date: format!("2026-{:02}-{:02}", 1 + n % 12, 1 + n % 28),
        text: format!("Entry {n}. ")
            + &"Today I noticed how often I still check my phone when it buzzes. ".repeat(30),
        prompt: None,
        written_us: 1_790_000_000_000_000 + i64::try_from(n).unwrap_or(0),
        edited_us: None,
    }
}

fn nonce(n: usize) -> [u8; vault::NONCE] {
    let mut bytes = [0u8; vault::NONCE];
    bytes[..8].copy_from_slice(&(n as u64).to_le_bytes());
    bytes
}

fn benches(c: &mut Criterion) {
    let key = DataKey::from_bytes([7; vault::KEY]);
    let one = entry(1);
    let sealed = journal::seal_entry(&key, OWNER, "e-1", &one, nonce(1)).expect("seals");
    c.bench_function("seal one entry (2,000 characters)", |b| {
        b.iter(|| journal::seal_entry(&key, OWNER, "e-1", black_box(&one), nonce(1)))
    });
    c.bench_function("open one entry", |b| {
        b.iter(|| journal::open_entry(&key, OWNER, "e-1", black_box(&sealed)))
    });

    let rows: Vec<(String, Vec<u8>)> = (0..1_000)
        .map(|n| {
            let id = format!("e-{n}");
            let sealed = journal::seal_entry(&key, OWNER, &id, &entry(n), nonce(n)).expect("seals");
            (id, sealed)
        })
        .collect();
    let open_all = |needle: &str| {
        let mut entries: Vec<Entry> = rows
            .iter()
            .filter_map(|(id, sealed)| journal::open_entry(&key, OWNER, id, sealed))
            .filter(|e| e.matches(needle))
            .collect();
        entries.sort_by(|a, b| (&b.date, b.written_us).cmp(&(&a.date, a.written_us)));
        entries
    };
    c.bench_function("open a journal of 1,000 entries", |b| {
        b.iter(|| open_all(black_box("")))
    });
    c.bench_function("search a journal of 1,000 entries", |b| {
        b.iter(|| open_all(black_box("entry 999.")))
    });

    let mut slow = c.benchmark_group("unlocking");
    slow.sample_size(10);
    slow.bench_function("argon2id key from the password (once per log-in)", |b| {
        b.iter(|| vault::password_key(black_box("correct horse battery staple"), &[1; vault::SALT]))
    });
    slow.finish();
}

criterion_group!(private, benches);
criterion_main!(private);
