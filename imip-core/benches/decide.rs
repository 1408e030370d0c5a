#![allow(missing_docs)] // criterion_group! generates an undocumented function
#![allow(clippy::disallowed_methods)] // the shared bench module may read its sizes from the environment
//! The engine's decision alone, without parsing or serialising, for the
//! four inputs that matter most, against the same floor as
//! `process_request` (calcard parsing and serialising the REQUEST): a
//! REQUEST to an attendee, a REPLY the organizer applies (its SEQUENCE
//! matches the stored copy), a CANCEL, and a REQUEST to a room that
//! books by its free/busy; and, besides those four, an attendee's own
//! answer (the web's Accept button). Each input is prepared once. The loop is the
//! driver's decision, `Engine::decide_taking`, on a stored record of its
//! own (parsed before the timer starts, as the driver loads it), with
//! the outcome and what is left of the record dropped inside the timed
//! loop, as the floor drops what it parsed. The run ends by printing each
//! decision's median as a percentage of the floor's (issue 21's ratio).

use calcard::icalendar::ICalendar;
use criterion::{BatchSize, Criterion, criterion_group};
use imip_core::resource::Directory;
use imip_core::*;
use std::hint::black_box;

mod common;
use common::{REPLY, REQUEST};

/// The organizer cancels the whole series (RFC 5546 §3.2.5).
const CANCEL: &str = "BEGIN:VCALENDAR\r\nPRODID:-//Example Corp.//CalDAV Client//EN\r\nVERSION:2.0\r\nMETHOD:CANCEL\r\n\
BEGIN:VEVENT\r\nUID:bench-7f3a2c@example.com\r\nDTSTAMP:20250302T090000Z\r\nSEQUENCE:1\r\n\
DTSTART:20250303T090000Z\r\nSTATUS:CANCELLED\r\nSUMMARY:Weekly engineering review\r\n\
ORGANIZER;CN=Alice Example:mailto:alice@example.com\r\n\
ATTENDEE;CN=Bob Example;PARTSTAT=NEEDS-ACTION:mailto:bob@example.com\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";

fn incoming(principal: &CalAddress, sender: &CalAddress, text: &str) -> Input {
    Input::Incoming(Incoming {
        principal: principal.clone(),
        senders: vec![sender.clone()],
        message: SchedulingObject::parse(text).unwrap(),
    })
}

fn bench(c: &mut Criterion) {
    let directory = Directory::from_toml(
        "[[resource]]\naddress = \"room-b@example.com\"\n[[resource.policy]]\nkind = \"free-busy\"\n",
    )
    .unwrap();
    let engine = Engine::new(Config { resources: directory, ..Config::default() }).unwrap();
    let (alice, bob) =
        (CalAddress::parse("alice@example.com").unwrap(), CalAddress::parse("bob@example.com").unwrap());
    let room = CalAddress::parse("room-b@example.com").unwrap();
    let now = Timestamp::parse_utc("20250301T120000Z").unwrap();
    let schedule = MemStore::new();
    let stored = || Record {
        object: Some(SchedulingObject::parse(REQUEST).unwrap().without_method()),
        ..Record::default()
    };
    let cases = [
        ("REQUEST to an attendee", incoming(&bob, &alice, REQUEST), &bob, Record::default()),
        ("REPLY applied by the organizer", incoming(&alice, &bob, REPLY), &alice, stored()),
        ("CANCEL of a stored series", incoming(&bob, &alice, CANCEL), &bob, stored()),
        ("REQUEST to a room (free-busy policy)", incoming(&room, &alice, REQUEST), &room, Record::default()),
        // Not one of issue 21's four: the answer a person gives on the
        // web, which also edits the stored copy in place.
        (
            "an attendee accepts (local answer)",
            Input::Local {
                principal: bob.clone(),
                action: LocalAction::Respond {
                    uid: "bench-7f3a2c@example.com".into(),
                    instance: None,
                    partstat: PartStat::Accepted,
                    comment: None,
                },
            },
            &bob,
            stored(),
        ),
    ];
    for (name, input, _, record) in &cases {
        let outcome = engine.decide(now, input, record, &schedule).unwrap();
        assert!(matches!(outcome.disposition, Disposition::Applied(_)), "{name}: {}", outcome.disposition);
    }
    // The record a driver loads holds the only reference to its object.
    let loaded = |record: &Record| Record {
        object: record.object.as_ref().map(|o| SchedulingObject::parse(&o.to_ics()).unwrap()),
        ..record.clone()
    };

    let mut group = c.benchmark_group("decide");
    group.bench_function("floor: calcard parse + serialise", |b| {
        b.iter(|| {
            let calendar = ICalendar::parse(black_box(REQUEST)).unwrap();
            black_box(calendar.to_string())
        })
    });
    // Not a decision: what a room's answer cannot avoid while the input
    // is borrowed. The room's copy is the message's calendar with its
    // PARTSTAT set, and the message stays the caller's (a retry after a
    // store conflict decides on it again), so the edit copies it.
    let message = ICalendar::parse(REQUEST).unwrap();
    group.bench_function("reference: copy of the REQUEST's calendar, made and dropped", |b| {
        b.iter(|| black_box(black_box(&message).clone()))
    });
    for (name, input, _, record) in &cases {
        group.bench_function(*name, |b| {
            b.iter_batched(
                || loaded(record),
                |mut record| {
                    let outcome =
                        engine.decide_taking(now, black_box(input), &mut record, &schedule).unwrap();
                    black_box(&outcome);
                    drop(outcome);
                    drop(record);
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench);

/// `criterion_main!`, then the ratios issue 21 asks for, read from this
/// run's estimates.
fn main() {
    let started = std::time::SystemTime::now();
    benches();
    Criterion::default().configure_from_args().final_summary();
    common::print_ratios("decide", "floor: calcard parse + serialise", started, true);
}
