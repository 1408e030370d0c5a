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
use std::collections::BTreeMap;

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
        $crate::store_suite!($make, if || true);
    };
    // `if $available`: a `Fn() -> bool` checked first in each test; the
    // test returns early (having said why) when it gives false, as for a
    // database server that is not configured.
    ($make:expr, if $available:expr) => {
        $crate::store_suite!(@each $make, $available;
            absent_records_are_empty,
            commits_round_trip_and_raise_the_version,
            stale_commits_conflict_and_change_nothing,
            schedule_versions_guard_commits,
            empty_records_are_deleted,
            period_queries_return_overlaps_sorted,
            period_updates_replace_one_uid_in_one_set,
            many_period_updates_read_as_the_last_of_each,
            pending_requests_are_listed_by_uid,
            preferences_are_kept_and_keys_checked,
            outbox_claims_lease_release_and_remove,
            refused_mail_is_set_aside_and_never_claimed,
            a_commit_claims_its_mail_and_the_rest_at_once,
            hostile_keys_stay_distinct_and_round_trip,
            a_scheduling_exchange_gives_the_same_state_as_memory,
            check_finds_and_repair_fixes_free_busy_drift,
            racing_bookings_are_decided_again,
            copies_are_lossless
        );
    };
    (@each $make:expr, $available:expr; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                if !($available)() {
                    return;
                }
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
        undeliverable: None,
    }
}

fn period(uid: &str, start: &str, end: &str) -> BusyPeriod {
    BusyPeriod {
        start: at(start),
        end: at(end),
        fbtype: FbType::Busy,
        uid: uid.into(),
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
        .map(|p| (p.uid.to_string(), p.start))
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

/// Hundreds of updates, of a few UIDs over a few months (growing,
/// shrinking, moving, emptied and back), and after each one the set
/// reads as the last update of every UID, sorted, as a window query and
/// as a whole. (A store that appends to what it holds and compacts it
/// now and then must never show a removed period or lose a live one.)
pub fn many_period_updates_read_as_the_last_of_each(make: Factory<'_>) {
    let mut fixture = make();
    let store = fixture.store.as_mut();
    let room = addr("room@example.com");
    let mut model: BTreeMap<String, Vec<BusyPeriod>> = BTreeMap::new();
    // A fixed linear congruential sequence: the same steps on every store.
    let mut seed: u64 = 0x1d_2b_3c_4d;
    let mut next = |bound: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % bound
    };
    let base = at("20250301T000000Z").seconds();
    for step in 0..300 {
        let uid = format!("u{}@x", next(6));
        let count = if next(7) == 0 { 0 } else { next(5) };
        let periods: Vec<BusyPeriod> = (0..count)
            .map(|_| {
                // Within three months, so that buckets are shared.
                let start = base + 3600 * next(24 * 90) as i64;
                let mut p = period(&uid, "20250301T000000Z", "20250301T010000Z");
                p.start = Timestamp::from_seconds(start);
                p.end = Timestamp::from_seconds(start + 1800 + 900 * next(4) as i64);
                p
            })
            .collect();
        set_periods(store, &room, PeriodSet::Own, &uid, periods.clone());
        model.insert(uid, periods);
        let mut expected: Vec<BusyPeriod> = model.values().flatten().cloned().collect();
        expected.sort();
        let found = store.periods(&room, &PeriodSet::Own, EVER.0, EVER.1).expect("own");
        assert_eq!(found, expected, "after step {step}");
        let (from, to) =
            (Timestamp::from_seconds(base + 86_400 * 20), Timestamp::from_seconds(base + 86_400 * 50));
        let window: Vec<BusyPeriod> = expected.iter().filter(|p| p.overlaps(from, to)).cloned().collect();
        assert_eq!(store.periods(&room, &PeriodSet::Own, from, to).expect("window"), window, "step {step}");
    }
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

/// `commit_and_claim` commits and hands back, claimed, the mail it queued
/// and any other mail nobody holds: no later claim takes them again until
/// the lease lapses. A commit that conflicts writes and claims nothing.
pub fn a_commit_claims_its_mail_and_the_rest_at_once(make: Factory<'_>) {
    let mut fixture = make();
    let store = fixture.store.as_mut();
    let alice = addr("alice@example.com");
    store.enqueue(mail("left@x")).expect("enqueue");
    let held = store.enqueue(mail("held@x")).expect("enqueue");
    let now = at("20250301T100000Z");
    let taken = store.claim_outbox(now, 600).expect("claim");
    for (id, _) in taken.iter().filter(|(id, _)| *id != held) {
        store.release_outbox(id).expect("release");
    }
    let commit = |expected: u64, id: &str| Commit {
        principal: alice.clone(),
        uid: "1@x".into(),
        expected: Version(expected),
        record: with_object(event("1@x", 0, "20250310T140000Z", "20250310T150000Z")),
        periods: Vec::new(),
        outbox: vec![mail(id)],
        guards: Vec::new(),
        prefs: Vec::new(),
    };
    let ids = |list: &[(imip_core::backend::OutboxId, OutgoingMail)]| -> Vec<String> {
        let mut ids: Vec<String> = list.iter().map(|(_, m)| m.message_id.clone()).collect();
        ids.sort();
        ids
    };
    let claimed = store.commit_and_claim(commit(0, "new@x"), now, 600).expect("commit and claim");
    assert_eq!(ids(&claimed), ["left@x", "new@x"], "its own mail and the free mail; not what another holds");
    assert_eq!(store.load(&alice, "1@x").expect("load").version, Version(1), "committed");
    assert!(store.claim_outbox(now, 600).expect("claim").is_empty(), "all of it is held");
    let conflict = store.commit_and_claim(commit(0, "stale@x"), now, 600);
    assert!(matches!(conflict, Err(StoreError::Conflict)), "{conflict:?}");
    assert_eq!(store.outbox().expect("outbox").len(), 3, "the stale commit queued nothing");
    let later = Timestamp::from_seconds(now.seconds() + 601);
    assert_eq!(ids(&store.claim_outbox(later, 600).expect("lapsed")), ["held@x", "left@x", "new@x"]);
}

/// Mail the transport refused for good is kept, marked undeliverable with
/// the reason, and never claimed again, however late; it can still be
/// removed. The rest of the outbox goes on as before.
pub fn refused_mail_is_set_aside_and_never_claimed(make: Factory<'_>) {
    let mut fixture = make();
    let store = fixture.store.as_mut();
    store.enqueue(mail("m1@x")).expect("enqueue");
    store.enqueue(mail("m2@x")).expect("enqueue");
    let now = at("20250301T100000Z");
    let claimed = store.claim_outbox(now, 600).expect("claim");
    store.set_aside(&claimed[0].0, "550 5.1.1 <bob@example.com>: no such user").expect("set aside");
    store.release_outbox(&claimed[1].0).expect("release");
    let held = store.outbox().expect("outbox");
    assert_eq!(held.len(), 2);
    assert_eq!(held[0].1.undeliverable.as_deref(), Some("550 5.1.1 <bob@example.com>: no such user"));
    assert_eq!(held[0].1.bytes, mail("m1@x").bytes, "the mail itself is kept whole");
    assert_eq!(held[1].1.undeliverable, None);
    let years = Timestamp::from_seconds(now.seconds() + 10 * 366 * 86_400);
    let again = store.claim_outbox(years, 600).expect("claim");
    assert_eq!(again.iter().map(|(_, m)| m.message_id.as_str()).collect::<Vec<_>>(), ["m2@x"]);
    store.release_outbox(&held[0].0).expect("a release does not bring it back");
    assert!(store.claim_outbox(years, 600).expect("claim").iter().all(|(_, m)| m.message_id != "m1@x"));
    store.set_aside(&imip_core::backend::OutboxId("99999".into()), "x").expect("an unknown id is no error");
    store.remove_from_outbox(&held[0].0).expect("remove");
    assert_eq!(store.outbox().expect("outbox").len(), 1);
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
            .map(|p| p.uid.to_string())
            .collect();
        found.sort();
        assert_eq!(found, expected);
        assert_eq!(store.pending(principal).expect("pending").len(), uids.len());
    }
    let mut principals = who.to_vec();
    principals.sort();
    assert_eq!(store.principals().expect("principals"), principals);
}

mod exchange;
mod multiprocess;

pub use exchange::{
    a_scheduling_exchange_gives_the_same_state_as_memory, check_finds_and_repair_fixes_free_busy_drift,
    copies_are_lossless, racing_bookings_are_decided_again,
};
pub use multiprocess::{concurrency, crash, processes};
