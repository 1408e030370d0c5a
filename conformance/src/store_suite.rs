//! The behavioural suite every [`Store`] must pass.
//!
//! A store crate runs it with one line in a test file:
//!
//! ```text
//! conformance::store_suite!(|| conformance::store_suite::Fixture::new(MyStore::open_temp()));
//! ```
//!
//! Each scenario becomes its own `#[test]`, so one failure does not hide
//! the others. The scenarios drive the store directly and through
//! [`imip_core::drive`], and compare the results with what [`MemStore`]
//! gives for the same inputs: the same scenarios, the same results.

use imip_core::admin::{CheckReport, RepairReport, copy, dump};
use imip_core::backend::{ScheduleGuard, Version};
use imip_core::drive;
use imip_core::freebusy::{BusyPeriod, FbType, PeriodSet, PeriodUpdate};
use imip_core::{
    CalAddress, Config, Engine, Env, Input, LocalAction, MemStore, PartStat, RecordingTransport,
    SchedulingObject, SeqIds, Timestamp,
};
use imip_core::{Commit, OutgoingMail, Record, Store, StoreError};
use imip_core::{PendingKind, PendingRequest};
use std::any::Any;

/// A store under test, with whatever must live as long as it (a
/// temporary directory, say).
pub struct Fixture {
    /// The store.
    pub store: Box<dyn Store>,
    /// Dropped after the store.
    pub guard: Box<dyn Any>,
}

impl Fixture {
    /// A fixture that needs no guard.
    pub fn new(store: impl Store + 'static) -> Self {
        Fixture { store: Box::new(store), guard: Box::new(()) }
    }

    /// A fixture whose store lives in something that must be kept alive.
    pub fn guarded(store: impl Store + 'static, guard: impl Any) -> Self {
        Fixture { store: Box::new(store), guard: Box::new(guard) }
    }
}

/// Makes a new, empty store for each scenario.
pub type Factory<'a> = &'a mut dyn FnMut() -> Fixture;

/// Generates one `#[test]` per scenario of the suite, for a store made
/// by `$make` (an expression of type `impl FnMut() -> Fixture`).
#[macro_export]
macro_rules! store_suite {
    ($make:expr) => {
        $crate::store_suite!(@each $make;
            absent_records_are_empty,
            commits_round_trip_and_raise_the_version,
            stale_commits_conflict_and_change_nothing,
            schedule_versions_guard_commits,
            empty_records_are_deleted,
            period_queries_return_overlaps_sorted,
            period_updates_replace_one_uid_in_one_set,
            pending_requests_are_listed_by_uid,
            preferences_are_kept_and_keys_checked,
            outbox_claims_lease_release_and_remove,
            hostile_keys_stay_distinct_and_round_trip,
            a_scheduling_exchange_gives_the_same_state_as_memory,
            check_finds_and_repair_fixes_free_busy_drift,
            racing_bookings_are_decided_again,
            copies_are_lossless
        );
    };
    (@each $make:expr; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let mut make = $make;
                $crate::store_suite::$name(&mut make);
            }
        )*
    };
}

fn addr(a: &str) -> CalAddress {
    CalAddress::parse(a).expect("test address")
}

fn at(text: &str) -> Timestamp {
    Timestamp::parse_utc(text).expect("test timestamp")
}

fn event(uid: &str, sequence: u32, start: &str, end: &str) -> SchedulingObject {
    SchedulingObject::parse(&format!(
        "BEGIN:VCALENDAR\r\nPRODID:-//test//EN\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n\
         DTSTAMP:20250301T090000Z\r\nSEQUENCE:{sequence}\r\nDTSTART:{start}\r\nDTEND:{end}\r\n\
         SUMMARY:Test\r\nORGANIZER:mailto:alice@example.com\r\n\
         ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ))
    .expect("test event")
}

fn mail(id: &str) -> OutgoingMail {
    OutgoingMail {
        envelope_from: addr("alice@example.com"),
        recipients: vec![addr("bob@example.com")],
        message_id: id.to_string(),
        bytes: format!("Message-ID: <{id}>\r\n\r\nbody\r\n").into_bytes(),
    }
}

fn period(uid: &str, start: &str, end: &str) -> BusyPeriod {
    BusyPeriod {
        start: at(start),
        end: at(end),
        fbtype: FbType::Busy,
        uid: uid.to_string(),
        recurrence_id: None,
        summary: Some("Test".into()),
        organizer: Some(addr("alice@example.com")),
        expires: None,
    }
}

fn put(store: &mut dyn Store, who: &CalAddress, uid: &str, expected: u64, record: Record) {
    store
        .commit(Commit {
            principal: who.clone(),
            uid: uid.to_string(),
            expected: Version(expected),
            record,
            periods: Vec::new(),
            outbox: Vec::new(),
            guards: Vec::new(),
            prefs: Vec::new(),
        })
        .expect("commit");
}

fn with_object(object: SchedulingObject) -> Record {
    Record { object: Some(object), ..Record::default() }
}

/// The time checks and repairs run at (it matters only to principals
/// without a stored horizon).
const CHECK_TIME: &str = "20250301T000000Z";

/// [`imip_core::admin::check`] with the default free/busy configuration.
pub fn check(store: &dyn Store) -> Result<CheckReport, StoreError> {
    imip_core::admin::check(store, &imip_core::freebusy::FreeBusyConfig::default(), at(CHECK_TIME))
}

/// [`imip_core::admin::repair`] with the default free/busy configuration.
pub fn repair(store: &mut dyn Store) -> Result<RepairReport, StoreError> {
    imip_core::admin::repair(store, &imip_core::freebusy::FreeBusyConfig::default(), at(CHECK_TIME))
}

/// The expansion [`check`] uses for a principal without a horizon.
pub fn default_expansion() -> imip_core::freebusy::Expansion {
    let config = imip_core::freebusy::FreeBusyConfig::default();
    config.expansion(&Default::default(), config.horizon_at(at(CHECK_TIME)))
}

const EVER: (Timestamp, Timestamp) = (Timestamp::from_seconds(i64::MIN), Timestamp::from_seconds(i64::MAX));

/// Loading what was never stored gives an empty record at version 0.
pub fn absent_records_are_empty(make: Factory<'_>) {
    let fixture = make();
    let loaded = fixture.store.load(&addr("bob@example.com"), "nothing").expect("load");
    assert!(loaded.value.is_empty());
    assert_eq!(loaded.version, Version(0));
    assert!(fixture.store.principals().expect("principals").is_empty());
    assert!(fixture.store.outbox().expect("outbox").is_empty());
}

/// A record (object, counters, pending) comes back as committed, and
/// each commit raises the version by one.
pub fn commits_round_trip_and_raise_the_version(make: Factory<'_>) {
    let mut fixture = make();
    let store = fixture.store.as_mut();
    let alice = addr("alice@example.com");
    let mut record = with_object(event("1@x", 0, "20250310T140000Z", "20250310T150000Z"));
    record.counters.insert(addr("bob@example.com"), event("1@x", 0, "20250311T140000Z", "20250311T150000Z"));
    record.pending = Some(PendingRequest {
        kind: PendingKind::Counter { from: addr("bob@example.com") },
        queued_at: at("20250301T100000Z"),
    });
    put(store, &alice, "1@x", 0, record.clone());
    let loaded = store.load(&alice, "1@x").expect("load");
    assert_eq!(loaded.version, Version(1));
    assert_eq!(loaded.value.object.as_ref().map(|o| o.to_ics()), record.object.as_ref().map(|o| o.to_ics()));
    assert_eq!(loaded.value.counters.len(), 1);
    assert_eq!(
        loaded.value.counters.values().next().map(|o| o.to_ics()),
        record.counters.values().next().map(|o| o.to_ics())
    );
    assert_eq!(loaded.value.pending, record.pending);
    put(store, &alice, "1@x", 1, with_object(event("1@x", 1, "20250310T140000Z", "20250310T150000Z")));
    let loaded = store.load(&alice, "1@x").expect("load");
    assert_eq!(loaded.version, Version(2));
    assert!(loaded.value.counters.is_empty() && loaded.value.pending.is_none());
    assert_eq!(store.uids(&alice).expect("uids"), vec!["1@x".to_string()]);
    assert_eq!(store.principals().expect("principals"), vec![alice]);
}

/// A commit against an old version fails with `Conflict` and writes
/// nothing: no record, no periods, no mail.
pub fn stale_commits_conflict_and_change_nothing(make: Factory<'_>) {
    let mut fixture = make();
    let store = fixture.store.as_mut();
    let alice = addr("alice@example.com");
    put(store, &alice, "1@x", 0, with_object(event("1@x", 0, "20250310T140000Z", "20250310T150000Z")));
    let before = dump(store).expect("dump");
    for expected in [0, 2, 7] {
        let result = store.commit(Commit {
            principal: alice.clone(),
            uid: "1@x".into(),
            expected: Version(expected),
            record: with_object(event("1@x", 5, "20250310T140000Z", "20250310T150000Z")),
            periods: vec![PeriodUpdate {
                set: PeriodSet::Own,
                uid: "1@x".into(),
                periods: vec![period("1@x", "20250310T140000Z", "20250310T150000Z")],
            }],
            outbox: vec![mail("m1@x")],
            guards: Vec::new(),
            prefs: Vec::new(),
        });
        assert!(matches!(result, Err(StoreError::Conflict)), "expected {expected}: {result:?}");
    }
    assert_eq!(dump(store).expect("dump"), before);
    assert_eq!(store.load(&alice, "1@x").expect("load").version, Version(1));
}

/// Schedule versions: 0 at first, raised by each commit that carries
/// period updates (and by nothing else), and a commit guarded by an old
/// version of any principal's schedule fails with `Conflict` and writes
/// nothing. This is what stops two concurrent bookings of one slot.
pub fn schedule_versions_guard_commits(make: Factory<'_>) {
    let mut fixture = make();
    let store = fixture.store.as_mut();
    let room = addr("room@example.com");
    let other = addr("other-room@example.com");
    assert_eq!(store.schedule_version(&room).expect("version"), Version(0));
    put(store, &room, "plain@x", 0, with_object(event("plain@x", 0, "20250310T140000Z", "20250310T150000Z")));
    assert_eq!(store.schedule_version(&room).expect("version"), Version(0), "no periods, no new version");

    let booking = |uid: &str, guards: Vec<ScheduleGuard>| Commit {
        periods: vec![PeriodUpdate {
            set: PeriodSet::Own,
            uid: uid.into(),
            periods: vec![period(uid, "20250310T140000Z", "20250310T150000Z")],
        }],
        guards,
        ..Commit::new(
            room.clone(),
            uid,
            Version(0),
            with_object(event(uid, 0, "20250310T140000Z", "20250310T150000Z")),
        )
    };
    let read = store.schedule_version(&room).expect("version");
    let guard =
        |principal: &CalAddress, version| vec![ScheduleGuard { principal: principal.clone(), version }];
    store.commit(booking("first@x", guard(&room, read))).expect("first booking");
    assert_eq!(store.schedule_version(&room).expect("version"), Version(1));

    // A second decision taken on the same reading must be redone.
    let before = dump(store).expect("dump");
    let late = store.commit(booking("second@x", guard(&room, read)));
    assert!(matches!(late, Err(StoreError::Conflict)), "{late:?}");
    assert_eq!(dump(store).expect("dump"), before);

    // Guards on another principal's schedule work the same way.
    set_periods(
        store,
        &other,
        PeriodSet::Own,
        "o@x",
        vec![period("o@x", "20250311T140000Z", "20250311T150000Z")],
    );
    assert_eq!(store.schedule_version(&other).expect("version"), Version(1));
    let stale = store.commit(booking("second@x", guard(&other, Version(0))));
    assert!(matches!(stale, Err(StoreError::Conflict)), "{stale:?}");
    let fresh = vec![
        ScheduleGuard { principal: other.clone(), version: Version(1) },
        ScheduleGuard { principal: room.clone(), version: Version(1) },
    ];
    store.commit(booking("second@x", fresh)).expect("guards that hold");
    assert_eq!(store.schedule_version(&room).expect("version"), Version(2));
    assert_eq!(store.schedule_version(&other).expect("version"), Version(1));
}

/// Committing an empty record deletes it: it is no longer listed and
/// loads at version 0 again.
pub fn empty_records_are_deleted(make: Factory<'_>) {
    let mut fixture = make();
    let store = fixture.store.as_mut();
    let bob = addr("bob@example.com");
    put(store, &bob, "1@x", 0, with_object(event("1@x", 0, "20250310T140000Z", "20250310T150000Z")));
    put(store, &bob, "2@x", 0, with_object(event("2@x", 0, "20250310T140000Z", "20250310T150000Z")));
    put(store, &bob, "1@x", 1, Record::default());
    assert_eq!(store.uids(&bob).expect("uids"), vec!["2@x".to_string()]);
    let loaded = store.load(&bob, "1@x").expect("load");
    assert!(loaded.value.is_empty());
    assert_eq!(loaded.version, Version(0));
    put(store, &bob, "1@x", 0, with_object(event("1@x", 3, "20250310T140000Z", "20250310T150000Z")));
    assert_eq!(store.load(&bob, "1@x").expect("load").version, Version(1));
}

fn set_periods(store: &mut dyn Store, who: &CalAddress, set: PeriodSet, uid: &str, periods: Vec<BusyPeriod>) {
    let expected = store.load(who, uid).expect("load");
    store
        .commit(Commit {
            principal: who.clone(),
            uid: uid.to_string(),
            expected: expected.version,
            record: expected.value,
            periods: vec![PeriodUpdate { set, uid: uid.to_string(), periods }],
            outbox: Vec::new(),
            guards: Vec::new(),
            prefs: Vec::new(),
        })
        .expect("commit periods");
}

/// Overlap queries: `[from, to)` semantics (touching periods do not
/// overlap), long periods found from inside, results sorted.
pub fn period_queries_return_overlaps_sorted(make: Factory<'_>) {
    let mut fixture = make();
    let store = fixture.store.as_mut();
    let room = addr("room@example.com");
    let long = period("long@x", "20240101T000000Z", "20260101T000000Z");
    let a = period("a@x", "20250310T140000Z", "20250310T150000Z");
    let b = period("b@x", "20250310T150000Z", "20250310T160000Z");
    let c = period("c@x", "20250312T090000Z", "20250312T100000Z");
    set_periods(store, &room, PeriodSet::Own, "c@x", vec![c.clone()]);
    set_periods(store, &room, PeriodSet::Own, "a@x", vec![a.clone()]);
    set_periods(store, &room, PeriodSet::Own, "b@x", vec![b.clone()]);
    set_periods(store, &room, PeriodSet::Own, "long@x", vec![long.clone()]);
    let query =
        |from: &str, to: &str| store.periods(&room, &PeriodSet::Own, at(from), at(to)).expect("query");
    assert_eq!(query("20250310T150000Z", "20250310T153000Z"), vec![long.clone(), b.clone()]);
    assert_eq!(query("20250310T143000Z", "20250310T153000Z"), vec![long.clone(), a.clone(), b.clone()]);
    assert_eq!(query("20250311T000000Z", "20250312T090000Z"), vec![long.clone()]);
    assert_eq!(query("20270101T000000Z", "20280101T000000Z"), Vec::<BusyPeriod>::new());
    assert_eq!(query("20230101T000000Z", "20240101T000000Z"), Vec::<BusyPeriod>::new());
    let everything = store.periods(&room, &PeriodSet::Own, EVER.0, EVER.1).expect("all");
    assert_eq!(everything, vec![long, a, b, c]);
    assert!(store.periods(&room, &PeriodSet::Offers, EVER.0, EVER.1).expect("offers").is_empty());
    assert_eq!(store.period_sets(&room).expect("sets"), vec![PeriodSet::Own]);
}

/// An update replaces exactly one UID's periods in one set; other UIDs
/// and other sets are untouched; an empty update removes them.
pub fn period_updates_replace_one_uid_in_one_set(make: Factory<'_>) {
    let mut fixture = make();
    let store = fixture.store.as_mut();
    let room = addr("room@example.com");
    let bob = PeriodSet::Other(addr("bob@example.com"));
    let mut offer = period("a@x", "20250310T140000Z", "20250310T150000Z");
    offer.expires = Some(at("20250301T101000Z"));
    set_periods(
        store,
        &room,
        PeriodSet::Own,
        "a@x",
        vec![period("a@x", "20250310T140000Z", "20250310T150000Z")],
    );
    set_periods(
        store,
        &room,
        PeriodSet::Own,
        "b@x",
        vec![period("b@x", "20250310T140000Z", "20250310T150000Z")],
    );
    set_periods(
        store,
        &room,
        bob.clone(),
        "a@x",
        vec![period("a@x", "20250311T140000Z", "20250311T150000Z")],
    );
    set_periods(store, &room, PeriodSet::Offers, "a@x", vec![offer.clone()]);
    set_periods(
        store,
        &room,
        PeriodSet::Own,
        "a@x",
        vec![
            period("a@x", "20250317T140000Z", "20250317T150000Z"),
            period("a@x", "20250324T140000Z", "20250324T150000Z"),
        ],
    );
    let own: Vec<(String, Timestamp)> = store
        .periods(&room, &PeriodSet::Own, EVER.0, EVER.1)
        .expect("own")
        .into_iter()
        .map(|p| (p.uid, p.start))
        .collect();
    assert_eq!(
        own,
        vec![
            ("b@x".to_string(), at("20250310T140000Z")),
            ("a@x".to_string(), at("20250317T140000Z")),
            ("a@x".to_string(), at("20250324T140000Z")),
        ]
    );
    assert_eq!(store.periods(&room, &bob, EVER.0, EVER.1).expect("other").len(), 1);
    assert_eq!(store.periods(&room, &PeriodSet::Offers, EVER.0, EVER.1).expect("offers"), vec![offer]);
    set_periods(store, &room, PeriodSet::Offers, "a@x", Vec::new());
    set_periods(store, &room, PeriodSet::Own, "b@x", Vec::new());
    assert_eq!(store.periods(&room, &PeriodSet::Own, EVER.0, EVER.1).expect("own").len(), 2);
    assert_eq!(store.period_sets(&room).expect("sets"), vec![PeriodSet::Own, bob]);
}

/// The pending queue lists each UID with a pending decision, by UID.
pub fn pending_requests_are_listed_by_uid(make: Factory<'_>) {
    let mut fixture = make();
    let store = fixture.store.as_mut();
    let bob = addr("bob@example.com");
    for (uid, pending) in [("b@x", true), ("a@x", true), ("c@x", false)] {
        let mut record = with_object(event(uid, 0, "20250310T140000Z", "20250310T150000Z"));
        if pending {
            record.pending =
                Some(PendingRequest { kind: PendingKind::Invitation, queued_at: at("20250301T100000Z") });
        }
        put(store, &bob, uid, 0, record);
    }
    let queue: Vec<String> = store.pending(&bob).expect("pending").into_iter().map(|(uid, _)| uid).collect();
    assert_eq!(queue, vec!["a@x".to_string(), "b@x".to_string()]);
    let mut record = store.load(&bob, "a@x").expect("load");
    record.value.pending = None;
    put(store, &bob, "a@x", record.version.0, record.value);
    assert_eq!(store.pending(&bob).expect("pending").len(), 1);
    assert!(store.pending(&addr("nobody@example.com")).expect("pending").is_empty());
}

/// Preferences are kept per principal, removed with `None`, and keys
/// that could escape a directory or a column are refused.
pub fn preferences_are_kept_and_keys_checked(make: Factory<'_>) {
    let mut fixture = make();
    let store = fixture.store.as_mut();
    let bob = addr("bob@example.com");
    store.set_pref(&bob, "freebusy_sharing", Some("share")).expect("set");
    store.set_pref(&bob, "TZID", Some("Europe/Berlin")).expect("set");
    store.set_pref(&addr("carol@example.com"), "TZID", Some("UTC")).expect("set");
    let prefs = store.prefs(&bob).expect("prefs");
    assert_eq!(prefs.get("TZID").map(String::as_str), Some("Europe/Berlin"));
    assert_eq!(prefs.len(), 2);
    store.set_pref(&bob, "TZID", None).expect("remove");
    assert_eq!(store.prefs(&bob).expect("prefs").len(), 1);
    for bad in ["../x", "a/b", "", ".hidden", "a\0b", &"k".repeat(65)] {
        assert!(matches!(store.set_pref(&bob, bad, Some("v")), Err(StoreError::Invalid(_))), "{bad:?}");
    }
    store.set_pref(&bob, "multi", Some("line one\nline two\n")).expect("set");
    assert_eq!(
        store.prefs(&bob).expect("prefs").get("multi").map(String::as_str),
        Some("line one\nline two\n")
    );
}

/// The outbox keeps commit order; a claim is exclusive until its lease
/// lapses or it is released; removal is final.
pub fn outbox_claims_lease_release_and_remove(make: Factory<'_>) {
    let mut fixture = make();
    let store = fixture.store.as_mut();
    let alice = addr("alice@example.com");
    store
        .commit(Commit {
            principal: alice.clone(),
            uid: "1@x".into(),
            expected: Version(0),
            record: with_object(event("1@x", 0, "20250310T140000Z", "20250310T150000Z")),
            periods: Vec::new(),
            outbox: vec![mail("m1@x"), mail("m2@x")],
            guards: Vec::new(),
            prefs: Vec::new(),
        })
        .expect("commit");
    store.enqueue(mail("m3@x")).expect("enqueue");
    let ids = |list: Vec<(imip_core::backend::OutboxId, OutgoingMail)>| -> Vec<String> {
        list.into_iter().map(|(_, m)| m.message_id).collect()
    };
    assert_eq!(ids(store.outbox().expect("outbox")), vec!["m1@x", "m2@x", "m3@x"]);
    let now = at("20250301T100000Z");
    let claimed = store.claim_outbox(now, 600).expect("claim");
    assert_eq!(claimed.len(), 3);
    assert_eq!(claimed[0].1, mail("m1@x"));
    assert!(store.claim_outbox(now, 600).expect("claim again").is_empty());
    store.release_outbox(&claimed[1].0).expect("release");
    assert_eq!(ids(store.claim_outbox(now, 600).expect("claim released")), vec!["m2@x"]);
    store.remove_from_outbox(&claimed[0].0).expect("remove");
    assert_eq!(ids(store.outbox().expect("outbox")), vec!["m2@x", "m3@x"]);
    let later = Timestamp::from_seconds(now.seconds() + 601);
    assert_eq!(ids(store.claim_outbox(later, 600).expect("lapsed")), vec!["m2@x", "m3@x"]);
    for (id, _) in store.outbox().expect("outbox") {
        store.remove_from_outbox(&id).expect("remove");
    }
    assert!(store.outbox().expect("outbox").is_empty());
}

/// UIDs and addresses that would be dangerous as file names or SQL stay
/// what they are: distinct, and exactly as given.
pub fn hostile_keys_stay_distinct_and_round_trip(make: Factory<'_>) {
    let mut fixture = make();
    let store = fixture.store.as_mut();
    let long = "x".repeat(5000);
    let uids = [
        "../../etc/passwd",
        "a/b",
        "..",
        ".",
        "nul\0byte",
        "ABC@x",
        "abc@x",
        "Abc@x",
        "'; DROP TABLE records; --",
        "%2e%2e",
        "%2E%2E",
        "con",
        "space and\ttab",
        "ünïcödé@x",
        long.as_str(),
    ];
    let who = [addr("bob@example.com"), addr("o'brien+cal/../x@example.com")];
    for principal in &who {
        for uid in uids {
            let object = event("safe@x", 0, "20250310T140000Z", "20250310T150000Z");
            let mut record = with_object(object);
            record.pending =
                Some(PendingRequest { kind: PendingKind::Invitation, queued_at: at("20250301T100000Z") });
            put(store, principal, uid, 0, record);
            set_periods(
                store,
                principal,
                PeriodSet::Other(addr("x/../y@example.com")),
                uid,
                vec![period(uid, "20250310T140000Z", "20250310T150000Z")],
            );
        }
    }
    let mut expected: Vec<String> = uids.iter().map(|u| u.to_string()).collect();
    expected.sort();
    for principal in &who {
        assert_eq!(store.uids(principal).expect("uids"), expected);
        for uid in uids {
            let loaded = store.load(principal, uid).expect("load");
            assert_eq!(loaded.version, Version(2), "{uid:?}");
            assert!(loaded.value.object.is_some() && loaded.value.pending.is_some(), "{uid:?}");
        }
        let set = PeriodSet::Other(addr("x/../y@example.com"));
        let mut found: Vec<String> = store
            .periods(principal, &set, EVER.0, EVER.1)
            .expect("periods")
            .into_iter()
            .map(|p| p.uid)
            .collect();
        found.sort();
        assert_eq!(found, expected);
        assert_eq!(store.pending(principal).expect("pending").len(), uids.len());
    }
    let mut principals = who.to_vec();
    principals.sort();
    assert_eq!(store.principals().expect("principals"), principals);
}

const MEETING: &str = "BEGIN:VCALENDAR\r\nPRODID:-//test//EN\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n\
UID:suite-1@example.com\r\nDTSTAMP:20250301T090000Z\r\nSEQUENCE:0\r\n\
DTSTART:20250310T140000Z\r\nDTEND:20250310T150000Z\r\nSUMMARY:Planning\r\n\
ORGANIZER:mailto:alice@example.com\r\n\
ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com\r\n\
ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com\r\n\
ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:carol@example.com\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";

/// Runs a whole exchange (invite, answers, reschedule, cancel of one
/// attendee) through [`drive`], delivering each mail to its recipients
/// in the same store. Returns the store's dump after each step.
fn exchange(store: &mut dyn Store) -> Vec<String> {
    let engine = Engine::new(Config::default()).expect("config");
    let mut transport = RecordingTransport::default();
    let mut ids = SeqIds::new("suite");
    let mut now = at("20250301T100000Z");
    let mut dumps = Vec::new();
    let mut delivered = 0;
    let steps: Vec<(&str, LocalAction)> = vec![
        ("alice@example.com", LocalAction::Save(SchedulingObject::parse(MEETING).expect("meeting"))),
        ("bob@example.com", respond(PartStat::Accepted)),
        ("carol@example.com", respond(PartStat::Declined)),
        (
            "alice@example.com",
            LocalAction::Save(
                SchedulingObject::parse(
                    &MEETING
                        .replace("SEQUENCE:0", "SEQUENCE:1")
                        .replace("DTSTART:20250310T140000Z", "DTSTART:20250311T140000Z")
                        .replace("DTEND:20250310T150000Z", "DTEND:20250311T150000Z"),
                )
                .expect("update"),
            ),
        ),
    ];
    for (who, action) in steps {
        now = Timestamp::from_seconds(now.seconds() + 60);
        let input = Input::Local { principal: addr(who), action };
        let mut env = Env::new(now, &mut ids);
        drive::run_once(&engine, &mut env, store, &mut transport, &input).expect("local action");
        for _ in 0..4 {
            let batch = transport.sent[delivered..].to_vec();
            delivered = transport.sent.len();
            for mail in batch {
                for rcpt in &mail.recipients {
                    let mut env = Env::new(now, &mut ids);
                    drive::deliver_mail(
                        &engine,
                        &mut env,
                        store,
                        &mut transport,
                        rcpt,
                        &mail.bytes,
                        &imip_core::imip::MailLimits::default(),
                    )
                    .expect("delivery");
                }
            }
        }
        dumps.push(dump(store).expect("dump"));
    }
    dumps
}

fn respond(partstat: PartStat) -> LocalAction {
    LocalAction::Respond { uid: "suite-1@example.com".into(), instance: None, partstat, comment: None }
}

/// The same exchange run on this store and on [`MemStore`] leaves the
/// same state after every step, and the store checks clean.
pub fn a_scheduling_exchange_gives_the_same_state_as_memory(make: Factory<'_>) {
    let mut fixture = make();
    let mut reference = MemStore::new();
    let expected = exchange(&mut reference);
    let got = exchange(fixture.store.as_mut());
    for (step, (got, expected)) in got.iter().zip(&expected).enumerate() {
        assert_eq!(got, expected, "state after step {step}");
    }
    let bob = addr("bob@example.com");
    let busy = fixture.store.periods(&bob, &PeriodSet::Own, EVER.0, EVER.1).expect("bob's periods");
    assert_eq!(busy.len(), 1, "{busy:?}");
    // The reschedule asks both attendees again (RFC 6638 §3.2.8): their
    // time moves and stays tentative until they answer.
    assert_eq!((busy[0].start, busy[0].fbtype), (at("20250311T140000Z"), FbType::BusyTentative));
    let carol = addr("carol@example.com");
    let tentative = fixture.store.periods(&carol, &PeriodSet::Own, EVER.0, EVER.1).expect("carol's");
    assert_eq!(tentative.iter().map(|p| p.fbtype).collect::<Vec<_>>(), vec![FbType::BusyTentative]);
    assert!(check(fixture.store.as_ref()).expect("check").is_clean());
}

/// A booking request for room@example.com, as an MTA would pipe it.
fn booking_mail(organizer: &str, uid: &str) -> Vec<u8> {
    format!(
        "From: {organizer}\r\nTo: room@example.com\r\nSubject: Booking\r\nMessage-ID: <{uid}>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/calendar; method=REQUEST; charset=utf-8\r\n\r\n\
         BEGIN:VCALENDAR\r\nPRODID:-//test//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n\
         UID:{uid}\r\nDTSTAMP:20250301T090000Z\r\nSEQUENCE:0\r\nDTSTART:20250310T140000Z\r\n\
         DTEND:20250310T150000Z\r\nSUMMARY:Booking\r\nORGANIZER:mailto:{organizer}\r\n\
         ATTENDEE;CUTYPE=ROOM;RSVP=TRUE:mailto:room@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    .into_bytes()
}

/// A store through which a second delivery runs to completion just
/// before the first delivery's first commit: what a second MTA process
/// does to the first when both decide on the same room at once.
struct Racer<'a> {
    inner: &'a mut dyn Store,
    engine: &'a Engine,
    interloper: Option<Vec<u8>>,
    transport: RecordingTransport,
}

impl Store for Racer<'_> {
    fn load(
        &self,
        principal: &CalAddress,
        uid: &str,
    ) -> Result<imip_core::backend::Versioned<Record>, StoreError> {
        self.inner.load(principal, uid)
    }
    fn commit(&mut self, commit: Commit) -> Result<(), StoreError> {
        if let Some(mail) = self.interloper.take() {
            let mut ids = SeqIds::new("racer");
            let mut env = Env::new(at("20250301T090000Z"), &mut ids);
            let limits = imip_core::imip::MailLimits::default();
            drive::deliver_mail(
                self.engine,
                &mut env,
                self.inner,
                &mut self.transport,
                &addr("room@example.com"),
                &mail,
                &limits,
            )
            .expect("the interloping delivery");
        }
        self.inner.commit(commit)
    }
    fn schedule_version(&self, principal: &CalAddress) -> Result<Version, StoreError> {
        self.inner.schedule_version(principal)
    }
    fn periods(
        &self,
        principal: &CalAddress,
        set: &PeriodSet,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<BusyPeriod>, StoreError> {
        self.inner.periods(principal, set, from, to)
    }
    fn principals(&self) -> Result<Vec<CalAddress>, StoreError> {
        self.inner.principals()
    }
    fn uids(&self, principal: &CalAddress) -> Result<Vec<String>, StoreError> {
        self.inner.uids(principal)
    }
    fn period_sets(&self, principal: &CalAddress) -> Result<Vec<PeriodSet>, StoreError> {
        self.inner.period_sets(principal)
    }
    fn pending(&self, principal: &CalAddress) -> Result<Vec<(String, PendingRequest)>, StoreError> {
        self.inner.pending(principal)
    }
    fn prefs(
        &self,
        principal: &CalAddress,
    ) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
        self.inner.prefs(principal)
    }
    fn set_pref(&mut self, principal: &CalAddress, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        self.inner.set_pref(principal, key, value)
    }
    fn outbox(&self) -> Result<Vec<(imip_core::backend::OutboxId, OutgoingMail)>, StoreError> {
        self.inner.outbox()
    }
    fn enqueue(&mut self, mail: OutgoingMail) -> Result<imip_core::backend::OutboxId, StoreError> {
        self.inner.enqueue(mail)
    }
    fn claim_outbox(
        &mut self,
        now: Timestamp,
        lease_seconds: i64,
    ) -> Result<Vec<(imip_core::backend::OutboxId, OutgoingMail)>, StoreError> {
        self.inner.claim_outbox(now, lease_seconds)
    }
    fn release_outbox(&mut self, id: &imip_core::backend::OutboxId) -> Result<(), StoreError> {
        self.inner.release_outbox(id)
    }
    fn remove_from_outbox(&mut self, id: &imip_core::backend::OutboxId) -> Result<(), StoreError> {
        self.inner.remove_from_outbox(id)
    }
}

/// Two requests for the same slot of a room of capacity 1, decided at
/// once: the second one's delivery completes between the first one's
/// decision and its commit. The first commit's schedule guard fails, the
/// driver decides again on fresh data, and exactly one booking stands:
/// the second is accepted, the first declined.
pub fn racing_bookings_are_decided_again(make: Factory<'_>) {
    let mut fixture = make();
    let directory = imip_core::resource::Directory::from_toml(
        "[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\nkind = \"free-busy\"\n",
    )
    .expect("directory");
    let engine = Engine::new(Config { resources: directory, ..Config::default() }).expect("config");
    let room = addr("room@example.com");
    let mut racer = Racer {
        inner: fixture.store.as_mut(),
        engine: &engine,
        interloper: Some(booking_mail("bob@example.com", "bob-1@example.com")),
        transport: RecordingTransport::default(),
    };
    let mut ids = SeqIds::new("first");
    let mut env = Env::new(at("20250301T090000Z"), &mut ids);
    let mut transport = RecordingTransport::default();
    let first = booking_mail("alice@example.com", "alice-1@example.com");
    let report = drive::deliver_mail(
        &engine,
        &mut env,
        &mut racer,
        &mut transport,
        &room,
        &first,
        &imip_core::imip::MailLimits::default(),
    )
    .expect("the first delivery");
    assert!(racer.interloper.is_none(), "the second delivery ran in between");
    let answer = |report: &imip_core::drive::MailReport| report.parts[0].outcome.disposition.clone();
    assert_eq!(
        answer(&report),
        imip_core::Disposition::Applied(imip_core::Applied::ResourceAnswered(
            imip_core::ResourceAnswer::Declined
        )),
        "the raced decision was taken again and saw the other booking"
    );
    let booked = racer.inner.periods(&room, &PeriodSet::Own, EVER.0, EVER.1).expect("periods");
    assert_eq!(booked.iter().map(|p| p.uid.as_str()).collect::<Vec<_>>(), vec!["bob-1@example.com"]);
    assert_eq!(racer.transport.sent.len() + transport.sent.len(), 2, "one reply each");
}

/// Free/busy that drifted from the objects is found by `check` and put
/// right by `repair`; orphaned periods are dropped.
pub fn check_finds_and_repair_fixes_free_busy_drift(make: Factory<'_>) {
    let mut fixture = make();
    let store = fixture.store.as_mut();
    exchange(store);
    let bob = addr("bob@example.com");
    set_periods(store, &bob, PeriodSet::Own, "suite-1@example.com", Vec::new());
    set_periods(
        store,
        &bob,
        PeriodSet::Own,
        "ghost@x",
        vec![period("ghost@x", "20250310T140000Z", "20250310T150000Z")],
    );
    let report = check(store).expect("check");
    assert_eq!(report.problems.len(), 2, "{:?}", report.problems);
    let repaired = repair(store).expect("repair");
    assert_eq!((repaired.recomputed, repaired.dropped), (1, 1));
    assert!(check(store).expect("check").is_clean());
    let mut reference = MemStore::new();
    exchange(&mut reference);
    assert_eq!(
        store.periods(&bob, &PeriodSet::Own, EVER.0, EVER.1).expect("bob"),
        reference.periods(&bob, &PeriodSet::Own, EVER.0, EVER.1).expect("reference")
    );
}

/// Copying to memory and back into a fresh store of this kind keeps
/// everything: records, every period set, preferences, the outbox.
pub fn copies_are_lossless(make: Factory<'_>) {
    let mut source = make();
    exchange(source.store.as_mut());
    let room = addr("room@example.com");
    let mut offer = period("o@x", "20250310T140000Z", "20250310T150000Z");
    offer.expires = Some(at("20250301T101000Z"));
    set_periods(source.store.as_mut(), &room, PeriodSet::Offers, "o@x", vec![offer]);
    set_periods(
        source.store.as_mut(),
        &room,
        PeriodSet::Quota("rooms".into()),
        "q@x",
        vec![period("q@x", "20250310T140000Z", "20250310T150000Z")],
    );
    source.store.set_pref(&room, "capacity", Some("2")).expect("pref");
    source.store.enqueue(mail("left@x")).expect("enqueue");
    let original = dump(source.store.as_ref()).expect("dump");
    let mut memory = MemStore::new();
    copy(source.store.as_ref(), &mut memory).expect("copy out");
    let mut target = make();
    copy(&memory, target.store.as_mut()).expect("copy in");
    assert_eq!(dump(&memory).expect("dump"), original);
    assert_eq!(dump(target.store.as_ref()).expect("dump"), original);
    assert!(matches!(copy(&memory, target.store.as_mut()), Err(StoreError::Invalid(_))));
}

/// The crash test's two halves (the killing is the store crate's test):
/// a child that commits forever, and a check that what survives a
/// SIGKILL is exactly the state after some whole number of commits.
pub mod crash {
    use super::*;

    const UID: &str = "crash@example.com";

    fn principal() -> CalAddress {
        addr("room@example.com")
    }

    fn start_of(step: u64) -> Timestamp {
        Timestamp::from_seconds(at("20250310T000000Z").seconds() + 3600 * i64::try_from(step).unwrap_or(0))
    }

    /// The commit that takes the record from version `step - 1` to
    /// `step`: an object with SEQUENCE `step`, one busy period at hour
    /// `step`, and one outbox mail `m-step`.
    fn commit_for(step: u64) -> Commit {
        let start = start_of(step);
        let end = Timestamp::from_seconds(start.seconds() + 1800);
        let object = event(UID, u32::try_from(step).unwrap_or(u32::MAX), &start.to_ical(), &end.to_ical());
        let periods = imip_core::freebusy::own_periods(&principal(), &object, &default_expansion());
        Commit {
            principal: principal(),
            uid: UID.into(),
            expected: Version(step - 1),
            record: with_object(object),
            periods: vec![PeriodUpdate { set: PeriodSet::Own, uid: UID.into(), periods }],
            outbox: vec![mail(&format!("m-{step}@example.com"))],
            guards: Vec::new(),
            prefs: Vec::new(),
        }
    }

    /// A principal first seen at `step`, so that kills also land while a
    /// store creates a principal.
    fn newcomer(step: u64) -> CalAddress {
        addr(&format!("guest-{step}@example.com"))
    }

    /// Commits step after step, forever (until the process is killed).
    /// Each step first gives a new principal a preference.
    pub fn child_loop(store: &mut dyn Store) -> ! {
        loop {
            let version = store.load(&principal(), UID).expect("child load").version.0;
            store.set_pref(&newcomer(version + 1), "TZID", Some("UTC")).expect("child set_pref");
            store.commit(commit_for(version + 1)).expect("child commit");
        }
    }

    /// Checks that the store holds exactly the state after its record's
    /// version `v`: SEQUENCE `v`, the period of step `v`, and the mails
    /// `m-1` … `m-v` in order. Returns `v`.
    pub fn verify(store: &dyn Store) -> u64 {
        let loaded = store.load(&principal(), UID).expect("load after crash");
        let version = loaded.version.0;
        let mails: Vec<String> =
            store.outbox().expect("outbox after crash").into_iter().map(|(_, m)| m.message_id).collect();
        let expected: Vec<String> = (1..=version).map(|s| format!("m-{s}@example.com")).collect();
        assert_eq!(mails, expected, "outbox at version {version}");
        let periods =
            store.periods(&principal(), &PeriodSet::Own, EVER.0, EVER.1).expect("periods after crash");
        let principals = store.principals().expect("principals after crash");
        for step in 1..=version {
            let prefs = store.prefs(&newcomer(step)).expect("prefs after crash");
            assert_eq!(prefs.get("TZID").map(String::as_str), Some("UTC"), "newcomer {step}");
            assert!(principals.contains(&newcomer(step)), "newcomer {step} listed");
        }
        if version == 0 {
            assert!(loaded.value.is_empty() && periods.is_empty());
            return 0;
        }
        let object = loaded.value.object.expect("object at a non-zero version");
        assert_eq!(
            object.max_sequence(),
            i64::try_from(version).unwrap_or(-1),
            "object at version {version}"
        );
        assert_eq!(periods.iter().map(|p| p.start).collect::<Vec<_>>(), vec![start_of(version)]);
        version
    }
}

/// The concurrency test's halves: many processes deliver REPLYs to one
/// organizer at once; afterwards, every answer must be in the object.
pub mod concurrency {
    use super::*;

    /// The organizer whose object everyone answers.
    pub const ORGANIZER: &str = "alice@example.com";
    const UID: &str = "busy-meeting@example.com";

    fn attendee(index: usize) -> CalAddress {
        addr(&format!("attendee{index}@example.com"))
    }

    /// Stores the organizer's meeting with `attendees` invitees (their
    /// REQUESTs stay in the outbox).
    pub fn setup(store: &mut dyn Store, attendees: usize) {
        let mut lines = String::new();
        for index in 0..attendees {
            lines.push_str(&format!(
                "ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{}\r\n",
                attendee(index)
            ));
        }
        let ics = format!(
            "BEGIN:VCALENDAR\r\nPRODID:-//test//EN\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:{UID}\r\n\
             DTSTAMP:20250301T090000Z\r\nSEQUENCE:0\r\nDTSTART:20250310T140000Z\r\n\
             DTEND:20250310T150000Z\r\nSUMMARY:Crowded\r\nORGANIZER:mailto:{ORGANIZER}\r\n{lines}\
             END:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        let engine = Engine::new(Config::default()).expect("config");
        let mut ids = SeqIds::new("setup");
        let mut env = Env::new(at("20250301T100000Z"), &mut ids);
        let input = Input::Local {
            principal: addr(ORGANIZER),
            action: LocalAction::Save(SchedulingObject::parse(&ics).expect("meeting")),
        };
        let mut transport = RecordingTransport { failing: true, ..RecordingTransport::default() };
        drive::run_once(&engine, &mut env, store, &mut transport, &input).expect("setup");
    }

    /// Delivers the REPLY (ACCEPTED) of each attendee in `attendees`, as
    /// separate deliveries, through the driver (which retries conflicts).
    pub fn reply_all(store: &mut dyn Store, attendees: std::ops::Range<usize>, worker: usize) {
        let engine = Engine::new(Config::default()).expect("config");
        let mut ids = SeqIds::new(format!("worker{worker}"));
        let mut transport = RecordingTransport::default();
        for index in attendees {
            let who = attendee(index);
            let ics = format!(
                "BEGIN:VCALENDAR\r\nPRODID:-//test//EN\r\nVERSION:2.0\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n\
                 UID:{UID}\r\nDTSTAMP:20250301T1100{:02}Z\r\nSEQUENCE:0\r\n\
                 ORGANIZER:mailto:{ORGANIZER}\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:{who}\r\n\
                 END:VEVENT\r\nEND:VCALENDAR\r\n",
                index % 60
            );
            let input = Input::Incoming(imip_core::Incoming {
                principal: addr(ORGANIZER),
                senders: vec![who],
                message: SchedulingObject::parse(&ics).expect("reply"),
            });
            let mut env = Env::new(at("20250301T110000Z"), &mut ids);
            let mut attempts = 0;
            loop {
                attempts += 1;
                match drive::run_once(&engine, &mut env, store, &mut transport, &input) {
                    Ok(_) => break,
                    Err(drive::DriveError::Contention(_)) if attempts < 100 => continue,
                    Err(error) => panic!("worker {worker}, attendee {index}: {error}"),
                }
            }
        }
    }

    /// Asserts that all `attendees` answers are recorded.
    pub fn verify(store: &dyn Store, attendees: usize) {
        let record = store.load(&addr(ORGANIZER), UID).expect("load").value;
        let object = record.object.expect("the organizer's object");
        let answered: Vec<CalAddress> = object
            .attendee_addresses()
            .into_iter()
            .filter(|a| object.attendee(a).is_some_and(|p| p.partstat == PartStat::Accepted))
            .collect();
        let missing: Vec<String> = (0..attendees)
            .map(attendee)
            .filter(|who| !answered.contains(who))
            .map(|who| who.to_string())
            .collect();
        assert!(missing.is_empty(), "lost updates: no answer recorded for {missing:?}");
    }
}

/// Process-level tests: crash (SIGKILL) and concurrent deliveries. They
/// re-run the test binary as child processes, so the store is used by
/// separate processes exactly as the CLI uses it.
#[allow(clippy::disallowed_methods)]
pub mod processes {
    use super::*;
    use imip_core::admin::Problem;
    use std::path::Path;
    use std::process::{Child, Command};
    use std::time::Duration;

    /// The environment variable that tells the child what to do.
    pub const CHILD_VARIABLE: &str = "IMIP_TESTKIT_CHILD";

    /// Opens the store at a path: `(store, store-specific problems)`.
    pub type Opener = fn(&Path) -> (Box<dyn Store>, Vec<Problem>);

    /// What a crash-test child prints once its store is open and it
    /// starts committing.
    const READY: &str = "imip-testkit-child-ready";

    fn spawn(task: &str) -> Child {
        Command::new(std::env::current_exe().expect("test binary"))
            .args(["--exact", "child_process", "--ignored", "--nocapture", "--test-threads=1"])
            .env(CHILD_VARIABLE, task)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("spawn child")
    }

    /// Waits until the child says it is committing (or has died), so the
    /// kill lands among commits, not during the process's start-up,
    /// however loaded the machine is.
    fn wait_until_ready(child: &mut Child) {
        use std::io::BufRead;
        let Some(stdout) = child.stdout.take() else { return };
        let mut lines = std::io::BufReader::new(stdout).lines();
        while let Some(Ok(line)) = lines.next() {
            if line.contains(READY) {
                break;
            }
        }
    }

    /// The child's body: reads its task from [`CHILD_VARIABLE`].
    pub fn child(open: Opener) {
        let Ok(task) = std::env::var(CHILD_VARIABLE) else { return };
        let parts: Vec<&str> = task.split('|').collect();
        match parts.as_slice() {
            ["crash", path] => {
                let mut store = open(Path::new(path)).0;
                println!("{READY}");
                let _ = std::io::Write::flush(&mut std::io::stdout());
                crash::child_loop(store.as_mut())
            }
            ["reply", path, from, to, worker] => {
                let range = from.parse().expect("from")..to.parse().expect("to");
                concurrency::reply_all(
                    open(Path::new(path)).0.as_mut(),
                    range,
                    worker.parse().expect("worker"),
                );
            }
            _ => panic!("unknown child task {task:?}"),
        }
    }

    /// Kills a committing child at pseudo-random moments, `rounds` times;
    /// after each kill, the store must open, check clean, and hold the
    /// state after a whole number of commits, outbox included.
    pub fn crash_test(dir: &Path, open: Opener, rounds: usize) {
        let path = dir.join("store");
        drop(open(&path));
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut last = 0;
        for round in 0..rounds {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut child = spawn(&format!("crash|{}", path.display()));
            wait_until_ready(&mut child);
            std::thread::sleep(Duration::from_micros(1_000 + seed % 25_000));
            child.kill().expect("kill");
            child.wait().expect("reap");
            let (store, problems) = open(&path);
            assert!(problems.is_empty(), "round {round}: {problems:?}");
            let report = check(store.as_ref()).expect("check");
            assert!(report.is_clean(), "round {round}: {:?}", report.problems);
            let version = crash::verify(store.as_ref());
            assert!(version >= last, "round {round}: version went back from {last} to {version}");
            last = version;
        }
        eprintln!("{rounds} kills; {last} commits survived");
        assert!(last >= rounds as u64 / 4, "the children made too little progress ({last} commits)");
    }

    /// `workers` processes each deliver REPLYs from their share of
    /// `attendees` attendees to one organizer at the same time; no answer
    /// may be lost.
    pub fn concurrency_test(dir: &Path, open: Opener, workers: usize, attendees: usize) {
        let path = dir.join("store");
        concurrency::setup(open(&path).0.as_mut(), attendees);
        let share = attendees.div_ceil(workers);
        let children: Vec<Child> = (0..workers)
            .map(|w| {
                let (from, to) = (w * share, ((w + 1) * share).min(attendees));
                spawn(&format!("reply|{}|{from}|{to}|{w}", path.display()))
            })
            .collect();
        for mut child in children {
            assert!(child.wait().expect("wait").success(), "a worker failed");
        }
        let (store, problems) = open(&path);
        assert!(problems.is_empty(), "{problems:?}");
        concurrency::verify(store.as_ref(), attendees);
        assert!(check(store.as_ref()).expect("check").is_clean());
    }
}

/// Generates the process-level tests for a store: `child_process` (the
/// re-executed child, ignored when run directly), a crash test with
/// `$rounds` SIGKILLs, and a concurrency test.
#[macro_export]
macro_rules! store_process_tests {
    ($open:expr, $rounds:expr) => {
        #[test]
        #[ignore = "the child half of the process tests; they start it"]
        fn child_process() {
            $crate::store_suite::processes::child($open);
        }

        #[test]
        fn commits_survive_sigkill_at_random_points() {
            let dir = tempfile::tempdir().expect("temporary directory");
            $crate::store_suite::processes::crash_test(dir.path(), $open, $rounds);
        }

        #[test]
        fn concurrent_deliveries_to_one_principal_lose_no_update() {
            let dir = tempfile::tempdir().expect("temporary directory");
            $crate::store_suite::processes::concurrency_test(dir.path(), $open, 8, 48);
        }
    };
}
