//! What the store benches share: a room's bookings, one half-hour
//! meeting per hour, and how one is committed.
#![allow(dead_code)] // each bench uses part of it

use imip_core::freebusy::{PeriodSet, PeriodUpdate, own_periods};
use imip_core::{CalAddress, Commit, Record, SchedulingObject, Store};

pub(crate) const PRINCIPAL: &str = "room@example.com";

pub(crate) fn uid(index: usize) -> String {
    format!("{index:08}-bench@example.com")
}

/// The index-th object: one half-hour meeting per hour from 2025 on, so
/// a million objects span about 114 years (a busy room's history).
pub(crate) fn object(index: usize, sequence: usize) -> SchedulingObject {
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

pub(crate) fn put(store: &mut dyn Store, index: usize, sequence: usize) {
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
