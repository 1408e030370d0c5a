#![allow(missing_docs)] // criterion_group! generates an undocumented function
#![allow(clippy::disallowed_methods)] // a bench may read its sizes from the environment
//! Free/busy query and conflict-check time against calendar size.
//!
//! Calendars of 1k, 10k, 100k and 1M stored periods (set
//! `IMIP_BENCH_SIZES` to choose), at a constant density of one period
//! per two hours: 70 % single one-hour events, 30 % occurrences of
//! weekly series (50 per UID), with some day-long and month-long periods
//! mixed in. Each size answers
//!
//! * `query`: the merged busy time of one day ([`busy_time`]);
//! * `conflicts`: a ten-instance weekly request against capacity 1
//!   ([`conflicts`]).
//!
//! Both should cost O(log n + k): growth from 1k to 1M stays within a
//! small factor, since k (periods in the window) does not grow with n.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use imip_core::freebusy::{
    BusyPeriod, FbType, FreeBusyConfig, PeriodSet, PeriodUpdate, busy_time, conflicts,
};
use imip_core::{CalAddress, Commit, MemStore, Store, Timestamp, Version};
use std::hint::black_box;

const HOUR: i64 = 3_600;
const START: i64 = 1_735_689_600; // 2025-01-01T00:00:00Z

fn sizes() -> Vec<usize> {
    std::env::var("IMIP_BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000, 1_000_000])
}

fn period(uid: &str, start: i64, length: i64, recurrence: bool) -> BusyPeriod {
    BusyPeriod {
        start: Timestamp::from_seconds(start),
        end: Timestamp::from_seconds(start + length),
        fbtype: FbType::Busy,
        uid: uid.to_string(),
        recurrence_id: recurrence.then(|| Timestamp::from_seconds(start)),
        summary: None,
        organizer: None,
        expires: None,
    }
}

/// A calendar of about `n` periods spread over `2n` hours.
fn calendar(room: &CalAddress, n: usize) -> MemStore {
    let mut store = MemStore::new();
    let span = 2 * n as i64 * HOUR;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut made = 0;
    let mut uid = 0;
    while made < n {
        uid += 1;
        let name = format!("e{uid}@bench");
        let start = START + (next() % span as u64) as i64 / HOUR * HOUR;
        let kind = next() % 100;
        let periods: Vec<BusyPeriod> = if kind < 30 {
            // Weekly, wrapped into the span so the density stays even.
            (0..50.min(n - made) as i64)
                .map(|w| period(&name, START + (start - START + w * 7 * 24 * HOUR) % span, HOUR, true))
                .collect()
        } else if kind < 31 {
            vec![period(&name, start, 24 * HOUR, false)]
        } else if kind == 31 && next() % 10 == 0 {
            vec![period(&name, start, 30 * 24 * HOUR, false)]
        } else {
            vec![period(&name, start, HOUR, false)]
        };
        made += periods.len();
        store
            .commit(Commit {
                principal: room.clone(),
                uid: name.clone(),
                expected: Version(0),
                record: Default::default(),
                periods: vec![PeriodUpdate { set: PeriodSet::Own, uid: name, periods }],
                outbox: Vec::new(),
                guards: Vec::new(),
            })
            .expect("commit");
    }
    store
}

fn bench(c: &mut Criterion) {
    let room = CalAddress::parse("room@example.com").expect("room");
    let config = FreeBusyConfig::default();
    let now = Timestamp::from_seconds(START);
    let mut group = c.benchmark_group("freebusy");
    for n in sizes() {
        let store = calendar(&room, n);
        let middle = START + n as i64 * HOUR;
        let (from, to) = (Timestamp::from_seconds(middle), Timestamp::from_seconds(middle + 24 * HOUR));
        group.bench_with_input(BenchmarkId::new("query", n), &n, |b, _| {
            b.iter(|| black_box(busy_time(&store, &room, from, to, &config, now).expect("query")))
        });
        let instances: Vec<(Timestamp, Timestamp)> = (0..10)
            .map(|w| {
                let s = middle + 10 * HOUR + w * 7 * 24 * HOUR;
                (Timestamp::from_seconds(s), Timestamp::from_seconds(s + HOUR))
            })
            .collect();
        group.bench_with_input(BenchmarkId::new("conflicts", n), &n, |b, _| {
            b.iter(|| {
                black_box(conflicts(&store, &room, &instances, "new@bench", 1, now).expect("conflicts"))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
