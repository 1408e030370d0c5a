#![allow(missing_docs)] // criterion_group! generates an undocumented function
#![allow(clippy::disallowed_methods)] // a bench may read its sizes from the environment
//! A resource's booking decision against the size of its schedule.
//!
//! Rooms holding 10k, 100k and 1M periods (`IMIP_BENCH_SIZES` to
//! choose; the calendars of `benches/freebusy.rs`), with a five-policy
//! chain: `acl`, `booking-window`, `duration`, `permitted-times` and
//! `free-busy` with capacity 2. Each size answers one single-event
//! REQUEST:
//!
//! * `evaluate`: the policies alone ([`evaluate`]);
//! * `decide`: the whole decision the driver takes: the engine's
//!   REQUEST handling, the expansion of the booking, the policies and
//!   the REPLY through the attendee path (`Engine::decide`).

mod common;

use common::{HOUR, START, calendar, sizes};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use imip_core::freebusy::FreeBusyConfig;
use imip_core::resource::{Booking, Directory, evaluate};
use imip_core::{CalAddress, Config, Engine, Incoming, Input, Record, SchedulingObject, Timestamp};
use std::collections::BTreeMap;
use std::hint::black_box;

const CHAIN: &str = r#"
[[resource]]
address = "room@example.com"
[[resource.policy]]
kind = "acl"
default = "accept"
rules = [{ action = "decline", organizer = ["@blocked.example.com"] }]
[[resource.policy]]
kind = "booking-window"
max_advance = "P180D"
[[resource.policy]]
kind = "duration"
max = "PT4H"
[[resource.policy]]
kind = "permitted-times"
minutes = [0, 30]
[[resource.policy]]
kind = "free-busy"
capacity = 2
"#;

fn request(start: i64) -> SchedulingObject {
    let at = |s: i64| Timestamp::from_seconds(s).to_ical();
    SchedulingObject::parse(&format!(
        "BEGIN:VCALENDAR\r\nPRODID:-//bench//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n\
         UID:new@bench\r\nDTSTAMP:{}\r\nSEQUENCE:0\r\nDTSTART:{}\r\nDTEND:{}\r\nSUMMARY:Bench\r\n\
         ORGANIZER:mailto:alice@example.com\r\nATTENDEE;CUTYPE=ROOM;RSVP=TRUE:mailto:room@example.com\r\n\
         END:VEVENT\r\nEND:VCALENDAR\r\n",
        at(start - 86_400),
        at(start),
        at(start + HOUR)
    ))
    .expect("request")
}

fn bench(c: &mut Criterion) {
    let room = CalAddress::parse("room@example.com").expect("room");
    let directory = Directory::from_toml(CHAIN).expect("chain");
    let engine = Engine::new(Config { resources: directory.clone(), ..Config::default() }).expect("engine");
    let resource = directory.resource(&room).expect("resource");
    let mut group = c.benchmark_group("resource");
    for n in sizes(&[10_000, 100_000, 1_000_000]) {
        let store = calendar(&room, n);
        let middle = START + n as i64 * HOUR;
        let now = Timestamp::from_seconds(middle - 86_400);
        let message = request(middle + 10 * HOUR);
        let config = FreeBusyConfig::default();
        let expansion = config.expansion(&BTreeMap::new(), config.horizon_at(now));
        let object = message.clone().without_method();
        let booking = Booking::from_object(&room, &object, &expansion).expect("booking");
        group.bench_with_input(BenchmarkId::new("evaluate", n), &n, |b, _| {
            b.iter(|| {
                black_box(
                    evaluate(
                        &directory,
                        resource,
                        &booking,
                        &store,
                        now,
                        expansion.zone,
                        imip_core::words::Lang::En,
                        false,
                    )
                    .expect("evaluate"),
                )
            })
        });
        let input = Input::Incoming(Incoming {
            principal: room.clone(),
            senders: vec![CalAddress::parse("alice@example.com").expect("alice")],
            message: message.clone(),
        });
        let record = Record::default();
        group.bench_with_input(BenchmarkId::new("decide", n), &n, |b, _| {
            b.iter(|| black_box(engine.decide(now, &input, &record, &store).expect("decide")))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
