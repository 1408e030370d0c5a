#![allow(missing_docs)] // criterion_group! generates an undocumented function
//! Commit latency and UID lookup for both persistent stores, at 1k,
//! 100k and 1M stored objects, and their size on disk per object.
//!
//! `cargo bench -p imip-store-sqlite --bench stores`. The stores are
//! built once under `target/bench-stores/` (without fsync, which does not
//! change the layout) and reused by later runs; the measured commits use
//! the production settings (fsync on). `IMIP_BENCH_SIZES=1000,100000`
//! picks the sizes (default: 1000,100000,1000000) and
//! `IMIP_BENCH_STORES=sqlite` the stores (default: fs,sqlite).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use imip_core::freebusy::{PeriodSet, PeriodUpdate, own_periods};
use imip_core::{CalAddress, Commit, Record, SchedulingObject, Store};
use imip_store_fs::FsStore;
use imip_store_sqlite::SqliteStore;
use std::hint::black_box;
use std::path::{Path, PathBuf};

const PRINCIPAL: &str = "room@example.com";

fn uid(index: usize) -> String {
    format!("{index:08}-bench@example.com")
}

/// The index-th object: one half-hour meeting per hour from 2025 on, so
/// a million objects span about 114 years (a busy room's history).
fn object(index: usize, sequence: usize) -> SchedulingObject {
    let start = imip_core::Timestamp::from_seconds(1_735_689_600 + 3600 * index as i64);
    let end = imip_core::Timestamp::from_seconds(start.seconds() + 1800);
    let ics = format!(
        "BEGIN:VCALENDAR\r\nPRODID:-//imip//bench//EN\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:{}\r\n\
         DTSTAMP:20250301T090000Z\r\nSEQUENCE:{sequence}\r\nDTSTART:{start}\r\n\
         DTEND:{end}\r\nSUMMARY:Meeting number {index}\r\n\
         LOCATION:Room 1\r\nORGANIZER;CN=Alice:mailto:alice@example.com\r\n\
         ATTENDEE;CN=Alice;PARTSTAT=ACCEPTED:mailto:alice@example.com\r\n\
         ATTENDEE;CN=Bob;PARTSTAT=ACCEPTED;RSVP=TRUE:mailto:bob@example.com\r\n\
         ATTENDEE;CUTYPE=ROOM;PARTSTAT=ACCEPTED:mailto:{PRINCIPAL}\r\n\
         END:VEVENT\r\nEND:VCALENDAR\r\n",
        uid(index),
        start = start.to_ical(),
        end = end.to_ical(),
    );
    SchedulingObject::parse(&ics).expect("bench object")
}

fn put(store: &mut dyn Store, index: usize, sequence: usize) {
    let principal = CalAddress::parse(PRINCIPAL).expect("principal");
    let object = object(index, sequence);
    let loaded = store.load(&principal, &uid(index)).expect("load");
    let periods = own_periods(&principal, &object, &conformance::store_suite::default_expansion());
    store
        .commit(Commit {
            principal,
            uid: uid(index),
            expected: loaded.version,
            record: Record { object: Some(object), ..Record::default() },
            periods: vec![PeriodUpdate { set: PeriodSet::Own, uid: uid(index), periods }],
            outbox: Vec::new(),
            guards: Vec::new(),
            prefs: Vec::new(),
        })
        .expect("commit");
}

fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-stores")
}

/// Builds (once) a store of `size` objects; returns its path.
fn populated(kind: &str, size: usize) -> PathBuf {
    let path = bench_dir().join(format!("{kind}-{size}"));
    let done = path.with_extension("done");
    if done.exists() {
        return path;
    }
    let _ = std::fs::remove_dir_all(&path);
    let _ = std::fs::remove_file(&path);
    std::fs::create_dir_all(bench_dir()).expect("bench dir");
    let mut store: Box<dyn Store> = match kind {
        "fs" => Box::new(
            FsStore::open(&path, imip_store_fs::Options { sync: false, ..Default::default() }).expect("fs"),
        ),
        _ => Box::new(
            SqliteStore::open(&path, imip_store_sqlite::Options { full_sync: false, ..Default::default() })
                .expect("sqlite"),
        ),
    };
    for index in 0..size {
        put(store.as_mut(), index, 0);
    }
    std::fs::write(&done, "").expect("marker");
    path
}

fn disk_usage(path: &Path) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    let mut apparent = 0;
    let mut allocated = 0;
    let mut stack = vec![path.to_path_buf()];
    if path.is_file() {
        for suffix in ["", "-wal", "-shm"] {
            if let Ok(meta) = std::fs::metadata(format!("{}{suffix}", path.display())) {
                apparent += meta.len();
                allocated += meta.blocks() * 512;
            }
        }
        return (apparent, allocated);
    }
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let meta = entry.metadata().expect("metadata");
            allocated += meta.blocks() * 512;
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                apparent += meta.len();
            }
        }
    }
    (apparent, allocated)
}

fn open(kind: &str, path: &Path) -> Box<dyn Store> {
    match kind {
        "fs" => Box::new(FsStore::open(path, imip_store_fs::Options::default()).expect("fs")),
        _ => Box::new(SqliteStore::open(path, imip_store_sqlite::Options::default()).expect("sqlite")),
    }
}

fn sizes() -> Vec<usize> {
    std::env::var("IMIP_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,100000,1000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

fn kinds() -> Vec<String> {
    std::env::var("IMIP_BENCH_STORES")
        .unwrap_or_else(|_| "fs,sqlite".into())
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| s == "fs" || s == "sqlite")
        .collect()
}

fn stores(c: &mut Criterion) {
    let principal = CalAddress::parse(PRINCIPAL).expect("principal");
    for size in sizes() {
        for kind in kinds() {
            let kind = kind.as_str();
            let path = populated(kind, size);
            let (apparent, allocated) = disk_usage(&path);
            println!(
                "{kind} with {size} objects: {apparent} bytes of data ({} per object), {allocated} bytes allocated ({} per object)",
                apparent / size as u64,
                allocated / size as u64
            );
            let mut store = open(kind, &path);
            let mut group = c.benchmark_group(kind);
            let mut next = 0usize;
            group.bench_function(BenchmarkId::new("uid lookup", size), |b| {
                b.iter(|| {
                    next = (next + 7919) % size;
                    black_box(store.load(&principal, &uid(next)).expect("load"));
                })
            });
            let mut sequence = 1;
            group.bench_function(BenchmarkId::new("commit (load + update, fsync)", size), |b| {
                b.iter(|| {
                    next = (next + 7919) % size;
                    sequence += 1;
                    put(store.as_mut(), next, sequence);
                })
            });
            group.finish();
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(4));
    targets = stores
}
criterion_main!(benches);
