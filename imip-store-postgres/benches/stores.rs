#![allow(missing_docs)] // criterion_group! generates an undocumented function
//! The three persistent stores compared: commit latency and UID lookup at
//! 1k, 100k and 1M stored objects (with size on disk per object for fs
//! and SQLite), and the throughput of 8 concurrent agents against one,
//! on distinct rooms and on one room, with PostgreSQL's commit time as a
//! ratio of SQLite's.
//!
//! `cargo bench -p imip-store-postgres --bench stores`. The stores are
//! built once (fs and SQLite under `target/bench-stores/`, PostgreSQL as
//! databases `imip_bench_SIZE` on the server of `IMIP_TEST_POSTGRES`,
//! which is skipped, saying so, when unset), without fsync, which does
//! not change the layout, and reused by later runs; the measured commits
//! use the production settings (fsync on; `synchronous_commit` on).
//! `IMIP_BENCH_SIZES=1000,100000` picks the sizes (default:
//! 1000,100000,1000000) and `IMIP_BENCH_STORES=sqlite,postgres` the
//! stores (default: fs,sqlite,postgres).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use imip_core::{CalAddress, Store};
use imip_store_fs::FsStore;
use imip_store_postgres::PgStore;
use imip_store_postgres::scratch::{ScratchDatabase, test_server};
use imip_store_sqlite::SqliteStore;
use std::hint::black_box;
use std::path::{Path, PathBuf};

mod common;
use common::{PRINCIPAL, put, uid};

fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-stores")
}

/// Builds (once) a store of `size` objects; returns its path.
fn populated(kind: &str, size: usize) -> PathBuf {
    if kind == "postgres" {
        return populated_postgres(size);
    }
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

/// The URL of the bench database of `size` objects, built once: a marker
/// preference is committed last, so a half-built database is rebuilt.
fn populated_postgres(size: usize) -> PathBuf {
    let server = test_server("the PostgreSQL store bench").expect("checked by kinds()");
    let name = format!("imip_bench_{size}");
    let marker = CalAddress::parse("bench-built@example.com").expect("marker");
    let database = ScratchDatabase::named(&server, &name).expect("bench database");
    let url = database.url().to_string();
    database.keep();
    let store = PgStore::connect(&url, &Default::default()).expect("connect");
    if store.prefs(&marker).expect("marker").get("built").map(String::as_str) == Some(&size.to_string()) {
        return PathBuf::from(url);
    }
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).expect("admin");
    // Building only: no fsync per commit. The measured store below
    // connects anew, with the server's (durable) default.
    admin.batch_execute(&format!("ALTER DATABASE {name} SET synchronous_commit = off")).expect("async");
    drop(store);
    let mut store = PgStore::connect(&url, &Default::default()).expect("connect");
    let have = store.uids(&CalAddress::parse(PRINCIPAL).expect("principal")).expect("uids").len();
    for index in have..size {
        put(&mut store, index, 0);
    }
    store.set_pref(&marker, "built", Some(&size.to_string())).expect("marker");
    admin.batch_execute(&format!("ALTER DATABASE {name} RESET synchronous_commit")).expect("sync");
    PathBuf::from(url)
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
        "postgres" => {
            Box::new(PgStore::connect(&path.display().to_string(), &Default::default()).expect("postgres"))
        }
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
        .unwrap_or_else(|_| "fs,sqlite,postgres".into())
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| s == "fs" || s == "sqlite" || (s == "postgres" && postgres_available()))
        .collect()
}

fn postgres_available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| test_server("the PostgreSQL store bench").is_some())
}

fn stores(c: &mut Criterion) {
    let principal = CalAddress::parse(PRINCIPAL).expect("principal");
    let mut commit_times = Vec::new();
    for size in sizes() {
        for kind in kinds() {
            let kind = kind.as_str();
            let path = populated(kind, size);
            let (apparent, allocated) = if kind == "postgres" { (0, 0) } else { disk_usage(&path) };
            if kind != "postgres" {
                println!(
                    "{kind} with {size} objects: {apparent} bytes of data ({} per object), {allocated} bytes allocated ({} per object)",
                    apparent / size as u64,
                    allocated / size as u64
                );
            }
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
            commit_times.push((kind.to_string(), size, median_commit(store.as_mut(), size)));
        }
    }
    for (kind, size, median) in &commit_times {
        let sqlite = commit_times.iter().find(|(k, s, _)| k == "sqlite" && s == size).map(|(_, _, m)| *m);
        let ratio = sqlite.map(|m| format!(", {:.2}x SQLite's", median.as_secs_f64() / m.as_secs_f64()));
        println!("{kind} commit at {size} objects: median {median:?}{}", ratio.unwrap_or_default());
    }
}

/// The median of a few timed commits, for the printed ratios (criterion's
/// own estimates are above).
fn median_commit(store: &mut dyn Store, size: usize) -> std::time::Duration {
    let rounds = if std::env::args().any(|a| a == "--test") { 3 } else { 41 };
    let mut times: Vec<std::time::Duration> = (0..rounds)
        .map(|round| {
            let started = std::time::Instant::now();
            put(store, (round * 104_729) % size, 1_000_000 + round);
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// Throughput of concurrent agents: `workers` threads, each with its own
/// store handle (its own connection, as if on its own host), deliver
/// `per_worker` room bookings each through the engine. On distinct rooms
/// each worker books its own room; on one room they compete for it, in
/// distinct slots. Returns deliveries per second.
fn throughput(
    kind: &str,
    location: &Path,
    workers: usize,
    per_worker: usize,
    one_room: bool,
    round: usize,
) -> f64 {
    use imip_core::resource::{Directory, Policy, Resource};
    let rooms: Vec<CalAddress> =
        (0..8).map(|r| CalAddress::parse(&format!("room-{r}@example.com")).expect("room")).collect();
    let directory = Directory::new(
        rooms.iter().map(|r| Resource::new(r.clone(), vec![Policy::FreeBusy { capacity: 1 }])),
    )
    .expect("directory");
    let engine = imip_core::Engine::new(imip_core::Config { resources: directory, ..Default::default() })
        .expect("engine");
    let engine = std::sync::Arc::new(engine);
    let started = std::time::Instant::now();
    std::thread::scope(|scope| {
        for worker in 0..workers {
            let (engine, rooms) = (engine.clone(), rooms.clone());
            scope.spawn(move || {
                let mut store = open(kind, location);
                let room = if one_room { &rooms[0] } else { &rooms[worker] };
                let mut ids = imip_core::SeqIds::new(format!("w{worker}-{round}"));
                let mut transport = imip_core::RecordingTransport::default();
                for n in 0..per_worker {
                    let slot = (round * 64 + worker * per_worker + n) as i64;
                    let start = imip_core::Timestamp::from_seconds(1_900_000_000 + 3600 * slot);
                    let end = imip_core::Timestamp::from_seconds(start.seconds() + 1800);
                    let uid = format!("agents-{round}-{worker}-{n}@example.com");
                    let mail = format!(
                        "From: org{worker}@example.com\r\nTo: {room}\r\nSubject: Booking\r\n\
                         Message-ID: <{uid}>\r\nMIME-Version: 1.0\r\n\
                         Content-Type: text/calendar; method=REQUEST; charset=utf-8\r\n\r\n\
                         BEGIN:VCALENDAR\r\nPRODID:-//bench//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\n\
                         BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20250301T090000Z\r\nSEQUENCE:0\r\n\
                         DTSTART:{}\r\nDTEND:{}\r\nSUMMARY:Booking\r\n\
                         ORGANIZER:mailto:org{worker}@example.com\r\n\
                         ATTENDEE;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{room}\r\n\
                         END:VEVENT\r\nEND:VCALENDAR\r\n",
                        start.to_ical(),
                        end.to_ical()
                    );
                    let now = imip_core::Timestamp::from_seconds(1_890_000_000);
                    let mut env = imip_core::Env::new(now, &mut ids);
                    // Contention on one room is retried, as the MTA retries a 75.
                    while let Err(error) = imip_core::drive::deliver_mail(
                        &engine,
                        &mut env,
                        store.as_mut(),
                        &mut transport,
                        room,
                        mail.as_bytes(),
                        &Default::default(),
                    ) {
                        assert!(
                            matches!(error, imip_core::drive::DriveError::Contention(_)),
                            "delivery: {error}"
                        );
                    }
                }
            });
        }
    });
    (workers * per_worker) as f64 / started.elapsed().as_secs_f64()
}

/// A fresh, empty store of a kind for the agents bench.
fn fresh(kind: &str, tag: &str) -> (PathBuf, Option<ScratchDatabase>) {
    match kind {
        "postgres" => {
            let server = test_server("the PostgreSQL agents bench").expect("checked by kinds()");
            let database = ScratchDatabase::create(&server).expect("scratch database");
            (PathBuf::from(database.url()), Some(database))
        }
        _ => {
            let path = bench_dir().join(format!("agents-{kind}-{tag}"));
            let _ = std::fs::remove_dir_all(&path);
            let _ = std::fs::remove_file(&path);
            std::fs::create_dir_all(bench_dir()).expect("bench dir");
            drop(open(kind, &path));
            (path, None)
        }
    }
}

fn agents(c: &mut Criterion) {
    let testing = std::env::args().any(|a| a == "--test");
    let per_worker = if testing { 2 } else { 24 };
    let mut group = c.benchmark_group("agents");
    group.sample_size(10);
    for kind in kinds() {
        for one_room in [false, true] {
            let place = if one_room { "one room" } else { "distinct rooms" };
            let mut rates = Vec::new();
            for workers in [1, 8] {
                let (location, _database) = fresh(&kind, &format!("{workers}-{one_room}"));
                let mut round = 0;
                group.throughput(criterion::Throughput::Elements((workers * per_worker) as u64));
                group.bench_function(
                    BenchmarkId::new(format!("{kind}, {place}"), format!("{workers} agent(s)")),
                    |b| {
                        b.iter(|| {
                            round += 1;
                            throughput(&kind, &location, workers, per_worker, one_room, round)
                        })
                    },
                );
                let runs: Vec<f64> = (0..3)
                    .map(|r| throughput(&kind, &location, workers, per_worker, one_room, 10_000 + r))
                    .collect();
                let mut sorted = runs.clone();
                sorted.sort_by(f64::total_cmp);
                rates.push(sorted[1]);
            }
            println!(
                "{kind}, {place}: 1 agent {:.0} deliveries/s, 8 agents {:.0} deliveries/s: {:.2}x",
                rates[0],
                rates[1],
                rates[1] / rates[0]
            );
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(4));
    targets = stores, agents
}
criterion_main!(benches);
