//! The suite's scenarios that go through the engine: a scheduling
//! exchange compared with the in-memory store, racing bookings, check
//! and repair, and copies.

use super::*;

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

    fn set_aside(&mut self, id: &imip_core::backend::OutboxId, reason: &str) -> Result<(), StoreError> {
        self.inner.set_aside(id, reason)
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
    assert_eq!(booked.iter().map(|p| &*p.uid).collect::<Vec<_>>(), vec!["bob-1@example.com"]);
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
