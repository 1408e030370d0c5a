#![allow(missing_docs)] // criterion_group! generates an undocumented function
#![allow(clippy::disallowed_methods)] // the shared bench module may read its sizes from the environment
//! How long it takes to process a REQUEST (about 1 KB of iCalendar, five
//! attendees, weekly RRULE) into an attendee's in-memory store, against
//! the floor: parsing and serialising the same object with calcard; and,
//! besides issue 21's figure, an attendee's REPLY into the organizer's
//! store that holds the series. The run ends by printing each median as
//! a multiple of the floor's.

use calcard::icalendar::ICalendar;
use criterion::{BatchSize, Criterion, criterion_group};
use imip_core::*;
use std::hint::black_box;

mod common;
use common::{REPLY, REQUEST};

fn bench(c: &mut Criterion) {
    assert!((900..1400).contains(&REQUEST.len()), "about 1 KB: {}", REQUEST.len());
    let engine = Engine::new(Config::default()).unwrap();
    let bob = CalAddress::parse("bob@example.com").unwrap();
    let alice = CalAddress::parse("alice@example.com").unwrap();
    let now = Timestamp::parse_utc("20250301T100000Z").unwrap();

    let mut group = c.benchmark_group("request");
    group.bench_function("floor: calcard parse + serialise", |b| {
        b.iter(|| {
            let calendar = ICalendar::parse(black_box(REQUEST)).unwrap();
            black_box(calendar.to_string())
        })
    });
    group.bench_function("process into attendee store (parse, decide, commit, serialise)", |b| {
        // A fresh store per iteration, made and dropped outside the
        // timing: freeing a test fixture is not processing a REQUEST.
        b.iter_batched(
            MemStore::new,
            |mut store| {
                let mut transport = RecordingTransport::default();
                let mut ids = SeqIds::new("b");
                let mut env = Env::new(now, &mut ids);
                let input = Input::Incoming(Incoming {
                    principal: bob.clone(),
                    senders: vec![alice.clone()],
                    message: SchedulingObject::parse(black_box(REQUEST)).unwrap(),
                });
                let report = drive::run_once(&engine, &mut env, &mut store, &mut transport, &input).unwrap();
                assert!(matches!(report.outcome.disposition, Disposition::Applied(_)));
                // A real store writes the object out as text.
                black_box(store.object(&bob, "bench-7f3a2c@example.com").unwrap().to_ics());
                store
            },
            BatchSize::SmallInput,
        )
    });
    // The organizer's store as her client left it: her copy of the series.
    let organizer_store = || {
        let mut store = MemStore::new();
        let copy = SchedulingObject::parse(REQUEST).unwrap().without_method();
        let input = Input::Local { principal: alice.clone(), action: LocalAction::Save(copy) };
        let mut ids = SeqIds::new("s");
        let mut env = Env::new(now, &mut ids);
        drive::run_once(&engine, &mut env, &mut store, &mut RecordingTransport::default(), &input).unwrap();
        store
    };
    group.bench_function(
        "process a REPLY into the organizer's store (parse, decide, commit, serialise)",
        |b| {
            b.iter_batched(
                organizer_store,
                |mut store| {
                    let mut transport = RecordingTransport::default();
                    let mut ids = SeqIds::new("b");
                    let mut env = Env::new(now, &mut ids);
                    let input = Input::Incoming(Incoming {
                        principal: alice.clone(),
                        senders: vec![bob.clone()],
                        message: SchedulingObject::parse(black_box(REPLY)).unwrap(),
                    });
                    let report =
                        drive::run_once(&engine, &mut env, &mut store, &mut transport, &input).unwrap();
                    assert!(matches!(report.outcome.disposition, Disposition::Applied(_)));
                    black_box(store.object(&alice, "bench-7f3a2c@example.com").unwrap().to_ics());
                    store
                },
                BatchSize::SmallInput,
            )
        },
    );
    group.finish();
}

criterion_group!(benches, bench);

/// `criterion_main!`, then the ratios issue 21 asks for, read from this
/// run's estimates.
fn main() {
    let started = std::time::SystemTime::now();
    benches();
    Criterion::default().configure_from_args().final_summary();
    common::print_ratios("request", "floor: calcard parse + serialise", started, false);
}
