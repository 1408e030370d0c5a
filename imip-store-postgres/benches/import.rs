//! Bulk import: `imip store copy` (imip_core::admin::copy) of a room's
//! 10,000 bookings from a SQLite store into a new fs store and into a new
//! SQLite store, both with the production settings (every commit durable,
//! as the command opens them). Prints both times and fs's as a ratio of
//! SQLite's: the fs store's target is at most 5x.
//!
//! `cargo bench -p imip-store-postgres --bench import`. `-- --test` (CI)
//! copies 200 bookings so that the bench cannot rot; the figure needs the
//! full run. `IMIP_BENCH_IMPORT=N` picks the number of bookings. A plain
//! harness: one copy is tens of seconds, and the figure is a ratio of
//! two runs made side by side.

mod common;

use imip_store_fs::FsStore;
use imip_store_sqlite::SqliteStore;
use std::time::{Duration, Instant};

fn main() {
    let test_mode = std::env::args().any(|a| a == "--test");
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let size: usize = std::env::var("IMIP_BENCH_IMPORT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if test_mode { 200 } else { 10_000 });
    let dir = tempfile::tempdir().expect("scratch directory");
    let source_path = dir.path().join("source.sqlite");
    let mut source = SqliteStore::open(
        &source_path,
        imip_store_sqlite::Options { full_sync: false, ..Default::default() },
    )
    .expect("source store");
    for index in 0..size {
        common::put(&mut source, index, 0);
    }
    let copy = |target: &mut dyn imip_core::Store| -> Duration {
        let started = Instant::now();
        let copied = imip_core::admin::copy(&source, target).expect("copy");
        assert_eq!(copied, size, "every booking copied");
        started.elapsed()
    };
    let mut sqlite =
        SqliteStore::open(dir.path().join("target.sqlite"), Default::default()).expect("target sqlite store");
    let sqlite_time = copy(&mut sqlite);
    let mut fs = FsStore::open(dir.path().join("target-fs"), Default::default()).expect("target fs store");
    let fs_time = copy(&mut fs);
    println!(
        "bulk import of {size} bookings (imip store copy, durable commits): sqlite {:.2} s ({:.0} us each), \
         fs {:.2} s ({:.0} us each): fs = {:.2}x sqlite (target: at most 5x)",
        sqlite_time.as_secs_f64(),
        sqlite_time.as_secs_f64() * 1e6 / size as f64,
        fs_time.as_secs_f64(),
        fs_time.as_secs_f64() * 1e6 / size as f64,
        fs_time.as_secs_f64() / sqlite_time.as_secs_f64(),
    );
}
