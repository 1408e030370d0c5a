//! Free/busy kept from the messages: queries, VFREEBUSY exchange,
//! availability, conflicts, offers and the horizon, plus properties
//! (cancel undoes, order does not matter, expansion agrees with a
//! naive reference).

use imip_core::backend::Version;
use imip_core::freebusy::{
    AVAILABILITY_PREF, BusyPeriod, FbType, FreeBusyConfig, FreeBusyEntry, HORIZON_PREF, LEARNED_UID,
    PeriodSet, PeriodUpdate, SHARING_PREF, busy_time, conflicts, merge,
};
use imip_core::{
    CalAddress, Commit, Config, Engine, Env, Incoming, Input, MemStore, RecordingTransport, SchedulingObject,
    SeqIds, Store, Timestamp, drive,
};
use proptest::prelude::*;

fn at(text: &str) -> Timestamp {
    Timestamp::parse_utc(text).expect("UTC date-time")
}

fn addr(text: &str) -> CalAddress {
    CalAddress::parse(text).expect("address")
}

const EVER: (Timestamp, Timestamp) = (Timestamp::from_seconds(i64::MIN), Timestamp::from_seconds(i64::MAX));

fn calendar(method: &str, body: &str) -> SchedulingObject {
    let text = format!(
        "BEGIN:VCALENDAR\r\nPRODID:-//t//t//EN\r\nVERSION:2.0\r\nMETHOD:{method}\r\n{}END:VCALENDAR\r\n",
        body.replace('\n', "\r\n")
    );
    SchedulingObject::parse(&text).expect("object")
}

fn request(uid: &str, sequence: u32, lines: &str) -> SchedulingObject {
    calendar(
        "REQUEST",
        &format!(
            "BEGIN:VEVENT\nUID:{uid}\nSEQUENCE:{sequence}\nDTSTAMP:20250301T09000{sequence}Z\nSUMMARY:Meeting\n\
             ORGANIZER:mailto:alice@example.com\nATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:room@example.com\n\
             {lines}END:VEVENT\n"
        ),
    )
}

fn cancel(uid: &str, sequence: u32) -> SchedulingObject {
    calendar(
        "CANCEL",
        &format!(
            "BEGIN:VEVENT\nUID:{uid}\nSEQUENCE:{sequence}\nDTSTAMP:20250301T10000{sequence}Z\n\
             ORGANIZER:mailto:alice@example.com\nATTENDEE:mailto:room@example.com\nSTATUS:CANCELLED\nEND:VEVENT\n"
        ),
    )
}

struct World {
    engine: Engine,
    store: MemStore,
    transport: RecordingTransport,
    ids: SeqIds,
    now: Timestamp,
}

impl World {
    fn new(config: Config) -> World {
        World {
            engine: Engine::new(config).expect("config"),
            store: MemStore::new(),
            transport: RecordingTransport::default(),
            ids: SeqIds::new("fb"),
            now: at("20250301T120000Z"),
        }
    }

    fn deliver(&mut self, to: &str, from: &str, message: SchedulingObject) -> drive::Report {
        let input = Input::Incoming(Incoming { principal: addr(to), senders: vec![addr(from)], message });
        let mut env = Env::new(self.now, &mut self.ids);
        drive::run_once(&self.engine, &mut env, &mut self.store, &mut self.transport, &input).expect("run")
    }

    fn own(&self, who: &str) -> Vec<BusyPeriod> {
        self.store.periods(&addr(who), &PeriodSet::Own, EVER.0, EVER.1).expect("periods")
    }
}

#[test]
fn merge_clips_sorts_and_coalesces_each_type() {
    let merged = merge(
        [
            (at("20250310T090000Z"), at("20250310T100000Z"), FbType::Busy),
            (at("20250310T100000Z"), at("20250310T110000Z"), FbType::Busy),
            (at("20250310T083000Z"), at("20250310T093000Z"), FbType::BusyTentative),
            (at("20250310T070000Z"), at("20250310T073000Z"), FbType::Busy),
            (at("20250310T120000Z"), at("20250310T130000Z"), FbType::Free),
        ],
        at("20250310T080000Z"),
        at("20250310T103000Z"),
    );
    assert_eq!(
        merged,
        vec![
            FreeBusyEntry {
                start: at("20250310T083000Z"),
                end: at("20250310T093000Z"),
                fbtype: FbType::BusyTentative
            },
            FreeBusyEntry {
                start: at("20250310T090000Z"),
                end: at("20250310T103000Z"),
                fbtype: FbType::Busy
            },
        ]
    );
}

#[test]
fn a_vfreebusy_request_is_answered_with_the_requested_window_when_shared() {
    let mut world = World::new(Config::default());
    world.deliver(
        "room@example.com",
        "alice@example.com",
        request("a@x", 0, "DTSTART:20250310T140000Z\nDTEND:20250310T150000Z\n"),
    );
    let ask = calendar(
        "REQUEST",
        "BEGIN:VFREEBUSY\nUID:fb-1@x\nDTSTAMP:20250301T110000Z\nDTSTART:20250310T000000Z\nDTEND:20250311T000000Z\n\
         ORGANIZER:mailto:carol@example.com\nATTENDEE:mailto:room@example.com\nEND:VFREEBUSY\n",
    );
    // People do not share by default: the request is left for the user.
    let report = world.deliver("room@example.com", "carol@example.com", ask.clone());
    assert_eq!(report.outcome.disposition.to_string(), "ignored: free/busy is not shared");
    assert_eq!(report.sent, 0);

    world.store.set_pref(&addr("room@example.com"), SHARING_PREF, Some("share")).expect("pref");
    let report = world.deliver("room@example.com", "carol@example.com", ask);
    assert_eq!(report.sent, 1);
    let mail = String::from_utf8(world.transport.sent.last().expect("reply").bytes.clone()).expect("utf-8");
    for line in [
        "METHOD:REPLY",
        "UID:fb-1@x",
        "DTSTART:20250310T000000Z",
        "DTEND:20250311T000000Z",
        "ORGANIZER:mailto:carol@example.com",
        "ATTENDEE:mailto:room@example.com",
        "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20250310T140000Z/20250310T150000Z",
    ] {
        assert!(mail.contains(line), "{line} missing from\n{mail}");
    }
    assert!(!mail.contains("SUMMARY:Meeting"), "free/busy must not show summaries");
}

#[test]
fn a_spoofed_vfreebusy_request_is_refused() {
    let mut world = World::new(Config { share_freebusy_by_default: true, ..Config::default() });
    let ask = calendar(
        "REQUEST",
        "BEGIN:VFREEBUSY\nUID:fb-2@x\nDTSTAMP:20250301T110000Z\nDTSTART:20250310T000000Z\nDTEND:20250311T000000Z\n\
         ORGANIZER:mailto:carol@example.com\nATTENDEE:mailto:room@example.com\nEND:VFREEBUSY\n",
    );
    let report = world.deliver("room@example.com", "mallory@example.com", ask);
    assert!(report.is_refused(), "{:?}", report.outcome.disposition);
    assert_eq!(report.sent, 0);
}

#[test]
fn published_free_busy_replaces_what_was_known_of_its_sender() {
    let mut world = World::new(Config::default());
    let publish = |stamp: &str, period: &str| {
        calendar(
            "PUBLISH",
            &format!(
                "BEGIN:VFREEBUSY\nUID:pub@x\nDTSTAMP:{stamp}\nDTSTART:20250310T000000Z\nDTEND:20250317T000000Z\n\
                 ORGANIZER:mailto:dave@example.com\nFREEBUSY;FBTYPE=BUSY:{period}\n\
                 FREEBUSY;FBTYPE=FREE:20250312T090000Z/PT1H\nEND:VFREEBUSY\n"
            ),
        )
    };
    world.deliver(
        "bob@example.com",
        "dave@example.com",
        publish("20250301T100000Z", "20250311T090000Z/20250311T100000Z"),
    );
    world.deliver(
        "bob@example.com",
        "dave@example.com",
        publish("20250302T100000Z", "20250313T090000Z/PT2H"),
    );
    let dave = PeriodSet::Other(addr("dave@example.com"));
    let known = world.store.periods(&addr("bob@example.com"), &dave, EVER.0, EVER.1).expect("periods");
    assert_eq!(known.len(), 1);
    assert_eq!(
        (known[0].start, known[0].end, known[0].uid.as_ref()),
        (at("20250313T090000Z"), at("20250313T110000Z"), LEARNED_UID)
    );
}

#[test]
fn an_organizer_learns_attendees_busy_time_from_their_replies() {
    let mut world = World::new(Config::default());
    let alice = addr("alice@example.com");
    // Alice's own copy, as her client would have stored it.
    let object = calendar(
        "REQUEST",
        "BEGIN:VEVENT\nUID:m@x\nSEQUENCE:0\nDTSTAMP:20250301T090000Z\nDTSTART:20250310T140000Z\nDTEND:20250310T150000Z\n\
         ORGANIZER:mailto:alice@example.com\nATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:bob@example.com\nEND:VEVENT\n",
    )
    .without_method();
    world
        .store
        .commit(Commit {
            principal: alice.clone(),
            uid: "m@x".into(),
            expected: Version(0),
            record: imip_core::Record { object: Some(object), ..Default::default() },
            periods: Vec::new(),
            outbox: Vec::new(),
            guards: Vec::new(),
            prefs: Vec::new(),
        })
        .expect("seed");
    let reply = calendar(
        "REPLY",
        "BEGIN:VEVENT\nUID:m@x\nSEQUENCE:0\nDTSTAMP:20250301T100000Z\nDTSTART:20250310T140000Z\nDTEND:20250310T150000Z\n\
         ORGANIZER:mailto:alice@example.com\nATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com\nEND:VEVENT\n",
    );
    world.deliver("alice@example.com", "bob@example.com", reply);
    let bob = PeriodSet::Other(addr("bob@example.com"));
    let known = world.store.periods(&alice, &bob, EVER.0, EVER.1).expect("periods");
    assert_eq!(
        known.iter().map(|p| (p.start, p.fbtype)).collect::<Vec<_>>(),
        vec![(at("20250310T140000Z"), FbType::Busy)]
    );
    assert!(
        imip_core::admin::check(&world.store, &FreeBusyConfig::default(), world.now)
            .expect("check")
            .is_clean()
    );
    // Bob declines after all (a later REPLY, RFC 5546 §3.2.3): he is no
    // longer busy then, so the time learned from his first answer goes.
    // The REPLY edits Alice's copy in place, so the periods to clear are
    // read from the copy as loaded, before the decision.
    let decline = calendar(
        "REPLY",
        "BEGIN:VEVENT\nUID:m@x\nSEQUENCE:0\nDTSTAMP:20250301T110000Z\nDTSTART:20250310T140000Z\nDTEND:20250310T150000Z\n\
         ORGANIZER:mailto:alice@example.com\nATTENDEE;PARTSTAT=DECLINED:mailto:bob@example.com\nEND:VEVENT\n",
    );
    world.deliver("alice@example.com", "bob@example.com", decline);
    assert_eq!(world.store.periods(&alice, &bob, EVER.0, EVER.1).expect("periods"), Vec::new());
    let copy = world.store.object(&alice, "m@x").expect("alice's copy");
    assert!(copy.to_ics().contains("PARTSTAT=DECLINED"), "{}", copy.to_ics());
    assert!(
        imip_core::admin::check(&world.store, &FreeBusyConfig::default(), world.now)
            .expect("check")
            .is_clean()
    );
}

#[test]
fn availability_makes_time_outside_working_hours_unavailable() {
    let mut world = World::new(Config::default());
    let room = addr("room@example.com");
    let availability = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VAVAILABILITY\r\nUID:wh@x\r\n\
DTSTAMP:20250101T000000Z\r\nBEGIN:AVAILABLE\r\nUID:wh-1@x\r\nDTSTAMP:20250101T000000Z\r\n\
DTSTART;TZID=Europe/Berlin:20250106T090000\r\nDTEND;TZID=Europe/Berlin:20250106T170000\r\n\
RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\r\nEND:AVAILABLE\r\nEND:VAVAILABILITY\r\n\
BEGIN:VAVAILABILITY\r\nUID:trip@x\r\nDTSTAMP:20250101T000000Z\r\nPRIORITY:1\r\nBUSYTYPE:BUSY\r\n\
DTSTART:20250312T000000Z\r\nDTEND:20250313T000000Z\r\nEND:VAVAILABILITY\r\nEND:VCALENDAR\r\n";
    world.store.set_pref(&room, AVAILABILITY_PREF, Some(availability)).expect("pref");
    world.deliver(
        "room@example.com",
        "alice@example.com",
        request("a@x", 0, "DTSTART:20250310T140000Z\nDTEND:20250310T150000Z\n"),
    );
    let busy = busy_time(
        &world.store,
        &room,
        at("20250310T000000Z"),
        at("20250313T000000Z"),
        &FreeBusyConfig::default(),
        world.now,
    )
    .expect("busy");
    let show: Vec<(String, String, FbType)> =
        busy.iter().map(|e| (e.start.to_ical(), e.end.to_ical(), e.fbtype)).collect();
    let expect = |a: &str, b: &str, t| (a.to_string(), b.to_string(), t);
    assert_eq!(
        show,
        vec![
            expect("20250310T000000Z", "20250310T080000Z", FbType::BusyUnavailable),
            expect("20250310T140000Z", "20250310T150000Z", FbType::BusyTentative),
            expect("20250310T160000Z", "20250311T080000Z", FbType::BusyUnavailable),
            expect("20250311T160000Z", "20250312T000000Z", FbType::BusyUnavailable),
            // The trip (priority 1) overrides working hours all day.
            expect("20250312T000000Z", "20250313T000000Z", FbType::Busy),
        ]
    );
}

#[test]
fn conflicts_count_concurrent_bookings_against_capacity() {
    let mut world = World::new(Config::default());
    world.deliver(
        "room@example.com",
        "alice@example.com",
        request("a@x", 0, "DTSTART:20250310T140000Z\nDTEND:20250310T150000Z\n"),
    );
    world.deliver(
        "room@example.com",
        "alice@example.com",
        request("b@x", 0, "DTSTART:20250310T143000Z\nDTEND:20250310T153000Z\n"),
    );
    world.deliver(
        "room@example.com",
        "alice@example.com",
        request("t@x", 0, "DTSTART:20250310T140000Z\nDTEND:20250310T160000Z\nTRANSP:TRANSPARENT\n"),
    );
    let room = addr("room@example.com");
    let wanted =
        [(at("20250310T144500Z"), at("20250310T150000Z")), (at("20250310T153000Z"), at("20250310T160000Z"))];
    let found = conflicts(&world.store, &room, &wanted, "new@x", 2, world.now).expect("conflicts");
    assert_eq!(found.len(), 1, "only the first instance meets two bookings; transparent ones do not count");
    assert_eq!((found[0].start, found[0].peak), (wanted[0].0, 2));
    assert!(conflicts(&world.store, &room, &wanted, "new@x", 3, world.now).expect("conflicts").is_empty());
    // An update of a booking does not conflict with itself.
    assert!(conflicts(&world.store, &room, &wanted[..1], "a@x", 2, world.now).expect("conflicts").is_empty());
}

#[test]
fn expired_offers_stop_counting_and_are_dropped() {
    let mut store = MemStore::new();
    let room = addr("room@example.com");
    let offer = BusyPeriod {
        start: at("20250310T140000Z"),
        end: at("20250310T150000Z"),
        fbtype: FbType::BusyTentative,
        uid: "o@x".into(),
        recurrence_id: None,
        summary: None,
        organizer: Some(addr("alice@example.com")),
        expires: Some(at("20250302T000000Z")),
    };
    store
        .commit(Commit {
            principal: room.clone(),
            uid: "o@x".into(),
            expected: Version(0),
            record: Default::default(),
            periods: vec![PeriodUpdate { set: PeriodSet::Offers, uid: "o@x".into(), periods: vec![offer] }],
            outbox: Vec::new(),
            guards: Vec::new(),
            prefs: Vec::new(),
        })
        .expect("offer");
    let window = [(at("20250310T140000Z"), at("20250310T150000Z"))];
    let config = FreeBusyConfig::default();
    assert_eq!(conflicts(&store, &room, &window, "x@x", 1, at("20250301T000000Z")).expect("c").len(), 1);
    assert_eq!(
        busy_time(&store, &room, window[0].0, window[0].1, &config, at("20250301T000000Z")).expect("b").len(),
        1
    );
    assert!(conflicts(&store, &room, &window, "x@x", 1, at("20250303T000000Z")).expect("c").is_empty());
    assert_eq!(drive::expire_offers(&mut store, &room, at("20250303T000000Z")).expect("expire"), 1);
    assert!(store.periods(&room, &PeriodSet::Offers, EVER.0, EVER.1).expect("offers").is_empty());
}

#[test]
fn the_horizon_is_set_once_and_extended_without_reprocessing_mail() {
    let mut world = World::new(Config::default());
    world.deliver(
        "room@example.com",
        "alice@example.com",
        request("w@x", 0, "DTSTART:20250310T140000Z\nDTEND:20250310T150000Z\nRRULE:FREQ=WEEKLY\n"),
    );
    let room = addr("room@example.com");
    let first = world.store.prefs(&room).expect("prefs")[HORIZON_PREF].clone();
    assert_eq!(first, "20260301T120000Z");
    let before = world.own("room@example.com");
    assert!(before.last().expect("some").start < at("20260301T120000Z"));
    let later = at("20251201T000000Z");
    let (_, expanded) = drive::extend_horizon(&world.engine, &mut world.store, &room, later).expect("extend");
    assert_eq!(expanded, 1);
    assert_eq!(world.store.prefs(&room).expect("prefs")[HORIZON_PREF], "20261201T000000Z");
    let after = world.own("room@example.com");
    assert!(after.last().expect("some").start > at("20261101T000000Z"));
    assert!(
        imip_core::admin::check(&world.store, &FreeBusyConfig::default(), later).expect("check").is_clean()
    );
}

/// Random recurring requests: (uid index, start hour offset, length in
/// minutes, daily count, exdate index).
fn arb_events() -> impl Strategy<Value = Vec<(u8, u16, u16, u8, u8)>> {
    prop::collection::vec((0u8..6, 0u16..2_000, 15u16..300, 1u8..12, 0u8..12), 1..8)
}

fn series(uid: u8, offset: u16, minutes: u16, count: u8, exdate: u8) -> (String, SchedulingObject) {
    let start = at("20250320T080000Z").seconds() + i64::from(offset) * 3600;
    // Written in Berlin time, so the series crosses the DST change.
    let local = |s: i64| {
        let berlin: chrono_tz::Tz = "Europe/Berlin".parse().expect("zone");
        chrono::DateTime::from_timestamp(s, 0)
            .expect("time")
            .with_timezone(&berlin)
            .format("%Y%m%dT%H%M%S")
            .to_string()
    };
    // The EXDATE names the wall-clock time of day `exdate` (not 24-hour
    // steps, which drift by the DST change).
    let first = chrono::NaiveDateTime::parse_from_str(&local(start), "%Y%m%dT%H%M%S").expect("local");
    let exdate_local =
        (first + chrono::TimeDelta::days(i64::from(exdate))).format("%Y%m%dT%H%M%S").to_string();
    let uid = format!("p{uid}@x");
    let object = request(
        &uid,
        0,
        &format!(
            "DTSTART;TZID=Europe/Berlin:{}\nDURATION:PT{minutes}M\nRRULE:FREQ=DAILY;COUNT={count}\nEXDATE;TZID=Europe/Berlin:{exdate_local}\n",
            local(start),
        ),
    );
    (uid, object)
}

/// The naive reference: each day's occurrence at the same Berlin wall
/// clock, minus the EXDATE, computed with chrono alone.
fn reference(offset: u16, minutes: u16, count: u8, exdate: u8) -> Vec<(Timestamp, Timestamp)> {
    use chrono::TimeZone;
    let berlin: chrono_tz::Tz = "Europe/Berlin".parse().expect("zone");
    let start = at("20250320T080000Z").seconds() + i64::from(offset) * 3600;
    let first =
        chrono::DateTime::from_timestamp(start, 0).expect("time").with_timezone(&berlin).naive_local();
    (0..i64::from(count))
        .filter(|day| *day != i64::from(exdate))
        .filter_map(|day| {
            let local = first + chrono::TimeDelta::days(day);
            // A wall-clock time in the spring-forward gap is read with the
            // offset before the gap (RFC 5545 §3.3.5): one hour later.
            let instant = match berlin.from_local_datetime(&local).earliest() {
                Some(at) => at.timestamp(),
                None => {
                    berlin.from_local_datetime(&(local - chrono::TimeDelta::hours(1))).earliest()?.timestamp()
                        + 3600
                }
            };
            Some((
                Timestamp::from_seconds(instant),
                Timestamp::from_seconds(instant + i64::from(minutes) * 60),
            ))
        })
        .collect()
}

proptest! {
    #[test]
    fn expanding_then_querying_agrees_with_a_naive_reference(events in arb_events(), window in (0u16..2_200, 1u16..400)) {
        let mut world = World::new(Config::default());
        let mut expected = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (uid, offset, minutes, count, exdate) in events {
            if !seen.insert(uid) { continue; }
            let (_, object) = series(uid, offset, minutes, count, exdate);
            world.deliver("room@example.com", "alice@example.com", object);
            expected.extend(reference(offset, minutes, count, exdate));
        }
        let from = Timestamp::from_seconds(at("20250320T000000Z").seconds() + i64::from(window.0) * 3600);
        let to = Timestamp::from_seconds(from.seconds() + i64::from(window.1) * 3600);
        let mut found: Vec<(Timestamp, Timestamp)> = world
            .store
            .periods(&addr("room@example.com"), &PeriodSet::Own, from, to)
            .expect("periods")
            .into_iter()
            .map(|p| (p.start, p.end))
            .collect();
        found.sort();
        let mut expected: Vec<_> = expected.into_iter().filter(|(s, e)| *s < to && *e > from).collect();
        expected.sort();
        prop_assert_eq!(found, expected);
    }

    #[test]
    fn applying_then_cancelling_leaves_free_busy_as_before(base in arb_events(), extra in (0u16..2_000, 15u16..300, 1u8..12, 0u8..12)) {
        let mut world = World::new(Config::default());
        let mut seen = std::collections::BTreeSet::new();
        for (uid, offset, minutes, count, exdate) in base {
            if !seen.insert(uid) { continue; }
            world.deliver("room@example.com", "alice@example.com", series(uid, offset, minutes, count, exdate).1);
        }
        let before = world.own("room@example.com");
        let (uid, object) = series(99, extra.0, extra.1, extra.2, extra.3);
        world.deliver("room@example.com", "alice@example.com", object);
        world.deliver("room@example.com", "alice@example.com", cancel(&uid, 1));
        prop_assert_eq!(world.own("room@example.com"), before);
    }

    #[test]
    fn arrival_order_does_not_change_free_busy(events in arb_events(), rotate in 0usize..8) {
        let mut messages = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (uid, offset, minutes, count, exdate) in events {
            if !seen.insert(uid) { continue; }
            let (uid, object) = series(uid, offset, minutes, count, exdate);
            messages.push(object);
            // An update with a later SEQUENCE moves the series by an hour.
            let moved = series(200, offset + 1, minutes, count, exdate).1.to_ics().replace("p200@x", &uid).replace("SEQUENCE:0", "SEQUENCE:1").replace("DTSTAMP:20250301T090000Z", "DTSTAMP:20250301T090001Z");
            messages.push(SchedulingObject::parse(&moved).expect("update"));
        }
        let mut in_order = World::new(Config::default());
        for message in messages.clone() {
            in_order.deliver("room@example.com", "alice@example.com", message);
        }
        let mut shuffled = World::new(Config::default());
        let len = messages.len();
        messages.rotate_left(rotate % len);
        messages.reverse();
        for message in messages {
            shuffled.deliver("room@example.com", "alice@example.com", message);
        }
        prop_assert_eq!(in_order.own("room@example.com"), shuffled.own("room@example.com"));
    }
}
