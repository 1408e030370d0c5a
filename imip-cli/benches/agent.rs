//! Per-message wall time of `imip resource`, the whole process as an MTA
//! runs it (start, configuration, store open, decision, commit with
//! fsync, reply printed), against a room whose store already holds
//! 10,000 bookings, for the fs and SQLite stores; then the same with an
//! `imip serve` running on that store, the process per mail handing the
//! mail over (`imip resource --server`, then `imipc`, the small binary
//! made for that), the commit with fsync in the server.
//!
//! Run: `cargo bench -p imip-cli --bench agent`. Prints the median and
//! the 99th percentile over the samples (IMIP_BENCH_SAMPLES, default
//! 300; IMIP_BENCH_KEEP=1 keeps the seeded stores, to profile a run by
//! hand), and the median as a ratio to spawning `/bin/true` (measured in
//! the same run, one spawn before each run of imip): the cost of a
//! process per mail is the floor here. A plain timing harness, not
//! criterion: criterion reports means and confidence intervals, and the
//! figure asked for here is a percentile of single process runs.

use imip_core::drive::deliver_mail;
use imip_core::imip::MailLimits;
use imip_core::resource::Directory;
use imip_core::{CalAddress, Config, Engine, Env, RecordingTransport, SeqIds, Store, Timestamp};
use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const BOOKINGS: usize = 10_000;
const RESOURCES: &str =
    "[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\nkind = \"free-busy\"\n";

fn request(uid: &str, organizer: &str, hour: usize) -> String {
    // Hour slots from 2030-01-01, one per booking.
    let start = Timestamp::from_seconds(1_893_456_000 + (hour as i64) * 3_600);
    let end = Timestamp::from_seconds(start.seconds() + 3_600);
    format!(
        "From: {organizer}\r\nTo: room@example.com\r\nSubject: Booking\r\nMessage-ID: <{uid}>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/calendar; method=REQUEST; charset=utf-8\r\n\r\n\
         BEGIN:VCALENDAR\r\nPRODID:-//bench//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n\
         UID:{uid}\r\nDTSTAMP:20250301T090000Z\r\nDTSTART:{}\r\nDTEND:{}\r\nSUMMARY:Booking\r\n\
         ORGANIZER:mailto:{organizer}\r\nATTENDEE;RSVP=TRUE:mailto:room@example.com\r\n\
         END:VEVENT\r\nEND:VCALENDAR\r\n",
        start.to_ical(),
        end.to_ical()
    )
}

/// Books `bookings` hour slots into the store, in process.
fn seed(store: &mut dyn Store, bookings: usize) {
    let directory = Directory::from_toml(RESOURCES).expect("resources");
    let engine = Engine::new(Config { resources: directory, ..Config::default() }).expect("engine");
    let room = CalAddress::parse("room@example.com").expect("address");
    let mut ids = SeqIds::new("seed");
    let now = Timestamp::parse_utc("20250301T100000Z").expect("time");
    for i in 0..bookings {
        let mut env = Env::new(now, &mut ids);
        let mail = request(&format!("seed-{i}@example.com"), "alice@example.com", i * 2);
        deliver_mail(
            &engine,
            &mut env,
            store,
            &mut RecordingTransport::default(),
            &room,
            mail.as_bytes(),
            &MailLimits::default(),
        )
        .expect("seeded");
    }
}

/// Spawns `program` with `args` in `dir`, without IMIP_CONFIG, writes
/// `mail` to its stdin and waits: the wall time from spawning to exit,
/// and how it exited. imip and the floor, `/bin/true`, both run through
/// here, so that they are spawned the same way.
fn timed_run(program: &str, args: &[&str], dir: &Path, mail: &str) -> (Duration, ExitStatus) {
    let started = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env_remove("IMIP_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    // `/bin/true` may have exited already: a broken pipe is expected (a
    // failing imip shows in its exit status).
    let _ = child.stdin.take().expect("stdin").write_all(mail.as_bytes());
    let status = child.wait().expect("wait");
    (started.elapsed(), status)
}

/// The floor a process per mail has: `/bin/true`, spawned as imip is.
fn spawn_true(dir: &Path, mail: &str) -> Duration {
    timed_run("/bin/true", &[], dir, mail).0
}

/// How the process per mail runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Via {
    /// `imip resource`, processing the mail itself.
    Alone,
    /// `imip resource --server agents.sock`, handing it to `imip serve`.
    Server,
    /// `imipc resource --server agents.sock`, the same, from the small
    /// binary.
    Imipc,
}

impl Via {
    const ALL: [Via; 3] = [Via::Alone, Via::Server, Via::Imipc];

    fn program(self) -> &'static str {
        match self {
            Via::Imipc => env!("CARGO_BIN_EXE_imipc"),
            Via::Alone | Via::Server => env!("CARGO_BIN_EXE_imip"),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Via::Alone => "imip resource",
            Via::Server => "imip resource --server (to imip serve)",
            Via::Imipc => "imipc resource --server (to imip serve)",
        }
    }

    /// Which run this is, so that each books slots of its own.
    fn round(self) -> usize {
        Via::ALL.iter().position(|v| *v == self).unwrap_or(0)
    }
}

/// Runs the resource agent on `mail` in `dir`, as `via` says, and
/// returns its wall time.
fn run_agent(dir: &Path, mail: &str, via: Via) -> Duration {
    let mut args = vec!["--config", "imip.toml", "--dry-run", "resource", "--recipient", "room@example.com"];
    if via != Via::Alone {
        args.extend(["--server", "agents.sock"]);
    }
    let (elapsed, status) = timed_run(via.program(), &args, dir, mail);
    assert!(status.success(), "{} failed on {mail}", via.describe());
    elapsed
}

/// `imip serve` on `agents.sock` in `dir`, once it listens.
fn start_server(dir: &Path) -> std::process::Child {
    let child = Command::new(env!("CARGO_BIN_EXE_imip"))
        .args(["--config", "imip.toml", "serve", "--socket", "agents.sock"])
        .current_dir(dir)
        .env_remove("IMIP_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("imip serve");
    let started = Instant::now();
    while std::os::unix::net::UnixStream::connect(dir.join("agents.sock")).is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "imip serve did not listen");
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

/// Runs `samples` bookings through the resource agent, each right after
/// a spawn of `/bin/true`, so that the floor and imip see the same
/// machine (on a shared virtual machine the floor alone moves by half
/// from one minute to the next), and prints both medians and their ratio.
fn measure(dir: &Path, label: &str, samples: usize, bookings: usize, via: Via) {
    let round = via.round();
    // One run first, not measured: it would pay for the seeding's writes
    // still in the page cache (the fs store's syncfs flushes the whole
    // filesystem; the seeding did not sync) and for a cold binary.
    let warm_up =
        request(&format!("warm-up-{round}@example.com"), "bob@example.com", bookings * 2 + 1 + round * 2);
    run_agent(dir, &warm_up, via);
    let mut times = Vec::with_capacity(samples);
    let mut floors = Vec::with_capacity(samples);
    for i in 0..samples {
        // Alternate free slots (accepted) and booked ones (declined); each
        // run books free slots of its own, after the ones the runs before
        // it took.
        let hour = if i % 2 == 0 { round * 2 * samples + i * 2 + 1 } else { i * 2 };
        let mail = request(&format!("bench-{round}-{i}@example.com"), "bob@example.com", hour);
        floors.push(spawn_true(dir, &mail));
        times.push(run_agent(dir, &mail, via));
    }
    times.sort();
    floors.sort();
    let at = |times: &[Duration], q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1_000.0;
    let (median, floor) = (at(&times, 0.5), at(&floors, 0.5));
    println!(
        "{}, {label} store with {bookings} bookings: median {:.2} ms = {:.2}x spawning /bin/true \
         ({:.2} ms), p99 {:.2} ms, max {:.2} ms ({samples} runs)",
        via.describe(),
        ms(median),
        median.as_secs_f64() / floor.as_secs_f64(),
        ms(floor),
        ms(at(&times, 0.99)),
        ms(at(&times, 1.0))
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    // `cargo bench -- --test` (CI) runs each measurement once on a small
    // store, so that the bench cannot rot; the figures need a full run.
    let test = std::env::args().any(|a| a == "--test");
    let samples: usize = match test {
        true => 2,
        false => std::env::var("IMIP_BENCH_SAMPLES").ok().and_then(|s| s.parse().ok()).unwrap_or(300),
    };
    let bookings = if test { 50 } else { BOOKINGS };
    for (label, spec) in [("fs", "fs:data"), ("sqlite", "sqlite:imip.db")] {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("resources.toml"), RESOURCES).expect("resources");
        std::fs::write(
            dir.path().join("imip.toml"),
            format!("store = \"{spec}\"\nresources = \"resources.toml\"\n"),
        )
        .expect("config");
        let started = Instant::now();
        match spec.split_once(':') {
            Some(("sqlite", path)) => {
                let mut store =
                    imip_store_sqlite::SqliteStore::open(dir.path().join(path), Default::default())
                        .expect("sqlite");
                seed(&mut store, bookings);
            }
            Some((_, path)) => {
                let options = imip_store_fs::Options { sync: false, ..Default::default() };
                let mut store = imip_store_fs::FsStore::open(dir.path().join(path), options).expect("fs");
                seed(&mut store, bookings);
            }
            None => unreachable!(),
        }
        eprintln!("seeded {label} with {bookings} bookings in {:.1} s", started.elapsed().as_secs_f64());
        measure(dir.path(), label, samples, bookings, Via::Alone);
        // The same store behind `imip serve`: the process per mail only
        // hands the mail over.
        let mut server = start_server(dir.path());
        measure(dir.path(), label, samples, bookings, Via::Server);
        measure(dir.path(), label, samples, bookings, Via::Imipc);
        let _ = server.kill();
        let _ = server.wait();
        // IMIP_BENCH_KEEP=1 keeps the seeded directories, to profile one run by hand.
        if std::env::var_os("IMIP_BENCH_KEEP").is_some() {
            eprintln!("kept {label} fixture in {}", dir.keep().display());
        }
    }
}
