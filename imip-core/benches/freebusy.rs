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
use imip_core::freebusy::{FreeBusyConfig, busy_time, conflicts};
use imip_core::{CalAddress, Timestamp};
use std::hint::black_box;

mod common;

use common::{HOUR, START, calendar, sizes};

fn bench(c: &mut Criterion) {
    let room = CalAddress::parse("room@example.com").expect("room");
    let config = FreeBusyConfig::default();
    let now = Timestamp::from_seconds(START);
    let mut group = c.benchmark_group("freebusy");
    for n in sizes(&[1_000, 10_000, 100_000, 1_000_000]) {
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
