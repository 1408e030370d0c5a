//! A sequence of arbitrary operations on a simulated set of participants
//! (the conformance suite's `World`): an organizer with an agent, a person
//! with an agent, a room of capacity 1, and a participant without an agent
//! whose raw messages may be stale, duplicated or out of order.
//!
//! After every operation it checks the invariants:
//! - no panic, and no agent loop (the world refuses more than 200 mails);
//! - a stored SEQUENCE never decreases;
//! - the same mail delivered twice changes nothing and sends nothing;
//! - the room never holds more than one booking at a time;
//! - the store checks clean: free/busy equals what the objects imply.
#![no_main]

use arbitrary::Arbitrary;
use conformance::World;
use imip_core::freebusy::{FreeBusyConfig, PeriodSet};
use imip_core::{CalAddress, InstanceId, Store, Timestamp, admin};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

const ORG: &str = "org@example.com";
const BOB: &str = "bob@example.com";
const CAROL: &str = "carol@example.com";
const ROOM: &str = "room@example.com";

#[derive(Arbitrary, Debug)]
enum Op {
    /// The organizer's agent saves (creates or reschedules) an event.
    Invite { uid: u8, slot: Slot, attendees: u8, recurring: bool },
    /// The organizer's agent deletes an event (CANCEL to everyone).
    Cancel { uid: u8 },
    /// Bob answers through his agent.
    Answer { uid: u8, partstat: u8 },
    /// Bob asks for the latest version.
    Refresh { uid: u8 },
    /// Carol, who runs no agent, sends a raw REQUEST as organizer.
    CarolInvites { uid: u8, sequence: u8, stamp: u8, slot: Slot, attendees: u8 },
    /// Carol sends a raw CANCEL.
    CarolCancels { uid: u8, sequence: u8, stamp: u8 },
    /// Carol sends a raw REPLY to the organizer.
    CarolReplies { uid: u8, sequence: u8, stamp: u8, partstat: u8 },
    /// One of the last mails is delivered again.
    Redeliver { pick: u8 },
    /// Time passes.
    Tick { hours: u8 },
}

#[derive(Arbitrary, Debug, Clone, Copy)]
struct Slot {
    day: u8,
    hour: u8,
    hours: u8,
}

fn uid(n: u8) -> String {
    format!("event-{}@example.com", n % 3)
}

fn partstat(n: u8) -> &'static str {
    ["ACCEPTED", "DECLINED", "TENTATIVE"][usize::from(n % 3)]
}

fn times(slot: Slot) -> (String, String) {
    let day = 10 + u32::from(slot.day % 4);
    let start = 8 + u32::from(slot.hour % 8);
    let end = start + 1 + u32::from(slot.hours % 3);
    (format!("202503{day:02}T{start:02}0000Z"), format!("202503{day:02}T{end:02}0000Z"))
}

fn stamp(world: &World, offset: u8) -> String {
    let at = Timestamp::from_seconds(world.now().seconds() - 3600 + i64::from(offset) * 60);
    at.to_string()
}

fn attendee_lines(mask: u8, organizer: &str) -> String {
    let mut lines = format!("ATTENDEE;PARTSTAT=ACCEPTED:mailto:{organizer}\n");
    for (bit, who) in [(1, BOB), (2, CAROL), (4, ROOM), (8, ORG)] {
        if mask & bit != 0 && who != organizer {
            let cutype = if who == ROOM { "CUTYPE=ROOM;" } else { "" };
            lines.push_str(&format!("ATTENDEE;{cutype}RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:{who}\n"));
        }
    }
    lines
}

fn calendar(method: Option<&str>, body: &str) -> String {
    let method = method.map(|m| format!("METHOD:{m}\n")).unwrap_or_default();
    format!("BEGIN:VCALENDAR\nPRODID:-//fuzz//EN\nVERSION:2.0\n{method}BEGIN:VEVENT\n{body}END:VEVENT\nEND:VCALENDAR\n")
        .replace('\n', "\r\n")
}

fn run(world: &mut World, op: &Op) -> Result<(), String> {
    match *op {
        Op::Invite { uid: n, slot, attendees, recurring } => {
            let (start, end) = times(slot);
            let rrule = if recurring { "RRULE:FREQ=DAILY;COUNT=3\n" } else { "" };
            let body = format!(
                "UID:{}\nDTSTAMP:{}\nDTSTART:{start}\nDTEND:{end}\n{rrule}SUMMARY:fuzz\nORGANIZER:mailto:{ORG}\n{}",
                uid(n),
                world.now(),
                attendee_lines(attendees | 1, ORG)
            );
            world.directive(&format!("{ORG} saves"), &calendar(None, &body))?;
        }
        Op::Cancel { uid: n } => {
            world.directive(&format!("{ORG} deletes {}", uid(n)), "")?;
        }
        Op::Answer { uid: n, partstat: p } => {
            world.directive(&format!("{BOB} answers {} {}", partstat(p), uid(n)), "")?;
        }
        Op::Refresh { uid: n } => {
            world.directive(&format!("{BOB} refreshes {}", uid(n)), "")?;
        }
        Op::CarolInvites { uid: n, sequence, stamp: at, slot, attendees } => {
            let (start, end) = times(slot);
            let body = format!(
                "UID:carol-{}\nSEQUENCE:{}\nDTSTAMP:{}\nDTSTART:{start}\nDTEND:{end}\nSUMMARY:raw\nORGANIZER:mailto:{CAROL}\n{}",
                uid(n),
                sequence % 4,
                stamp(world, at),
                attendee_lines(attendees | 1, CAROL)
            );
            world.directive(&format!("{CAROL} sends"), &calendar(Some("REQUEST"), &body))?;
        }
        Op::CarolCancels { uid: n, sequence, stamp: at } => {
            let body = format!(
                "UID:carol-{}\nSEQUENCE:{}\nDTSTAMP:{}\nSTATUS:CANCELLED\nORGANIZER:mailto:{CAROL}\n{}",
                uid(n),
                sequence % 4,
                stamp(world, at),
                attendee_lines(1 | 4, CAROL)
            );
            world.directive(&format!("{CAROL} sends"), &calendar(Some("CANCEL"), &body))?;
        }
        Op::CarolReplies { uid: n, sequence, stamp: at, partstat: p } => {
            let body = format!(
                "UID:{}\nSEQUENCE:{}\nDTSTAMP:{}\nORGANIZER:mailto:{ORG}\nATTENDEE;PARTSTAT={}:mailto:{CAROL}\n",
                uid(n),
                sequence % 4,
                stamp(world, at),
                partstat(p)
            );
            world.directive(&format!("{CAROL} sends to {ORG}"), &calendar(Some("REPLY"), &body))?;
        }
        Op::Redeliver { pick } => {
            let before = (admin::dump(world.store()).unwrap(), world.mails_sent());
            if let Some(transcript) = world.redeliver(usize::from(pick))? {
                let after = (admin::dump(world.store()).unwrap(), world.mails_sent());
                assert_eq!(before, after, "delivering a mail twice changed something:\n{transcript}");
            }
        }
        Op::Tick { hours } => {
            let at = Timestamp::from_seconds(world.now().seconds() + i64::from(hours % 24) * 3600);
            world.directive(&format!("time {at}"), "")?;
        }
    }
    Ok(())
}

/// The highest SEQUENCE of every stored object, by principal and UID.
fn sequences(world: &World) -> BTreeMap<(CalAddress, String), i64> {
    let store = world.store();
    store
        .keys()
        .filter_map(|key| {
            let object = store.object(&key.0, &key.1)?;
            let top = object.instance_ids().filter_map(|id| object.stamp(id)).map(|s| s.sequence).max()?;
            let master = object.stamp(InstanceId::Master).map(|s| s.sequence).unwrap_or(top);
            Some((key.clone(), master))
        })
        .collect()
}

fn check_invariants(world: &World, before: &BTreeMap<(CalAddress, String), i64>, op: &Op) {
    let after = sequences(world);
    for (key, old) in before {
        if let Some(new) = after.get(key) {
            assert!(new >= old, "{op:?}: SEQUENCE of {key:?} went from {old} to {new}");
        }
    }
    let room = CalAddress::parse(ROOM).unwrap();
    let periods = world
        .store()
        .periods(&room, &PeriodSet::Own, Timestamp::from_seconds(i64::MIN), Timestamp::from_seconds(i64::MAX))
        .unwrap();
    for (i, a) in periods.iter().enumerate() {
        for b in &periods[i + 1..] {
            let overlap = a.start < b.end && b.start < a.end;
            assert!(!overlap || a.uid == b.uid, "{op:?}: the room is double-booked: {a:?} and {b:?}");
        }
    }
    let report = admin::check(world.store(), &FreeBusyConfig::default(), world.now()).unwrap();
    assert!(report.is_clean(), "{op:?}: the store does not check clean: {report:?}");
}

fuzz_target!(|ops: Vec<Op>| {
    if ops.len() > 64 {
        return;
    }
    let mut world = World::new();
    world.directive("time 20250301T090000Z", "").unwrap();
    world.directive(&format!("agents {ORG} {BOB} {ROOM}"), "").unwrap();
    let resources =
        format!("[[resource]]\naddress = \"{ROOM}\"\n[[resource.policy]]\nkind = \"free-busy\"\n");
    world.directive("resources", &resources).unwrap();
    for op in &ops {
        let before = sequences(&world);
        if let Err(error) = run(&mut world, op) {
            panic!("{op:?}: {error}");
        }
        check_invariants(&world, &before, op);
    }
});
