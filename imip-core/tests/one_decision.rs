//! One decision: `Engine::decide` alone and `drive::run_once` give the
//! same outcome for what a resource is asked (a booking, an approval, a
//! VFREEBUSY request), and `plan` turns that outcome into the commit the
//! driver makes, with nothing written outside it.

use imip_core::backend::{ScheduleGuard, Version};
use imip_core::freebusy::{HORIZON_PREF, PeriodSet};
use imip_core::resource::Directory;
use imip_core::*;

const NOW: &str = "20250301T100000Z";

fn addr(text: &str) -> CalAddress {
    CalAddress::parse(text).expect("address")
}

fn engine() -> Engine {
    let directory = Directory::from_toml(
        r#"
[[resource]]
address = "room@example.com"
owner = "facilities@example.com"
[[resource.policy]]
kind = "hold"
trusted = ["@example.com"]
[[resource.policy]]
kind = "free-busy"
"#,
    )
    .expect("directory");
    Engine::new(Config { resources: directory, ..Config::default() }).expect("engine")
}

fn request(uid: &str, organizer: &str, start: &str, end: &str) -> SchedulingObject {
    SchedulingObject::parse(&format!(
        "BEGIN:VCALENDAR\r\nPRODID:-//t//t//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n\
         UID:{uid}\r\nDTSTAMP:20250301T090000Z\r\nDTSTART:{start}\r\nDTEND:{end}\r\nSUMMARY:Review\r\n\
         ORGANIZER:mailto:{organizer}\r\nATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:room@example.com\r\n\
         END:VEVENT\r\nEND:VCALENDAR\r\n"
    ))
    .expect("request")
}

fn incoming(message: SchedulingObject, from: &str) -> Input {
    Input::Incoming(Incoming { principal: addr("room@example.com"), senders: vec![addr(from)], message })
}

fn freebusy_request() -> Input {
    let message = SchedulingObject::parse(
        "BEGIN:VCALENDAR\r\nPRODID:-//t//t//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VFREEBUSY\r\n\
         UID:fb-1@example.com\r\nDTSTAMP:20250301T090000Z\r\nDTSTART:20250310T000000Z\r\n\
         DTEND:20250311T000000Z\r\nORGANIZER:mailto:alice@example.com\r\n\
         ATTENDEE:mailto:room@example.com\r\nEND:VFREEBUSY\r\nEND:VCALENDAR\r\n",
    )
    .expect("vfreebusy");
    incoming(message, "alice@example.com")
}

/// What an outcome says and sends, comparable across runs.
fn summary(outcome: &Outcome) -> (String, Vec<String>, Vec<Notice>) {
    (
        outcome.disposition.to_string(),
        outcome.messages().map(ItipMessage::to_ics).collect(),
        outcome.notices().cloned().collect(),
    )
}

/// Decides `input` with `Engine::decide` on a copy of `store`, then runs
/// it with `drive::run_once` on the store itself, and checks both agree.
fn both_ways(engine: &Engine, store: &mut MemStore, input: &Input) -> Outcome {
    let now = Timestamp::parse_utc(NOW).expect("now");
    let record = store.load(input.principal(), input.uid()).expect("load").value;
    let alone = engine.decide(now, input, &record, &store.clone()).expect("decide");
    let mut ids = SeqIds::new("t");
    let mut env = Env::new(now, &mut ids);
    let mut transport = RecordingTransport::default();
    let report = drive::run_once(engine, &mut env, store, &mut transport, input).expect("run");
    assert_eq!(summary(&alone), summary(&report.outcome), "decide and run_once differ on {}", input.uid());
    report.outcome
}

#[test]
fn a_resource_booking_is_decided_alike_alone_and_by_the_driver() {
    let engine = engine();
    let mut store = MemStore::new();
    let first = both_ways(
        &engine,
        &mut store,
        &incoming(
            request("a@example.com", "alice@example.com", "20250310T140000Z", "20250310T150000Z"),
            "alice@example.com",
        ),
    );
    assert_eq!(first.disposition.to_string(), "applied: resource accepted");
    // The same slot again: the schedule the decision reads says busy.
    let second = both_ways(
        &engine,
        &mut store,
        &incoming(
            request("b@example.com", "bob@example.com", "20250310T143000Z", "20250310T153000Z"),
            "bob@example.com",
        ),
    );
    assert_eq!(second.disposition.to_string(), "applied: resource declined");
    assert!(second.messages().all(|m| m.to_ics().contains("PARTSTAT=DECLINED")));
}

#[test]
fn an_approval_is_decided_by_the_engine_not_only_by_the_driver() {
    let engine = engine();
    let mut store = MemStore::new();
    let held = both_ways(
        &engine,
        &mut store,
        &incoming(
            request("g@example.org", "guest@example.org", "20250310T100000Z", "20250310T110000Z"),
            "guest@example.org",
        ),
    );
    assert_eq!(held.disposition.to_string(), "applied: resource held for approval");
    let notice = held.notices().next().expect("a notice for the owner");
    let booking = notice.booking.as_ref().expect("booking details");
    assert_eq!(booking.held_by, Some("hold"));
    assert_eq!(booking.actions, vec![OwnerAction::Approve, OwnerAction::Decline]);
    assert_eq!(notice.who, Some(addr("guest@example.org")));
    assert!(!notice.text.contains("imip "), "no command line in a notice: {}", notice.text);

    let approve = Input::Local {
        principal: addr("room@example.com"),
        action: LocalAction::Approve { uid: "g@example.org".into() },
    };
    let approved = both_ways(&engine, &mut store, &approve);
    assert_eq!(approved.disposition.to_string(), "applied: resource accepted");
    assert!(store.pending(&addr("room@example.com")).expect("queue").is_empty());
}

#[test]
fn a_freebusy_request_is_answered_alike_alone_and_by_the_driver() {
    let engine = engine();
    let mut store = MemStore::new();
    let _booked = both_ways(
        &engine,
        &mut store,
        &incoming(
            request("a@example.com", "alice@example.com", "20250310T140000Z", "20250310T150000Z"),
            "alice@example.com",
        ),
    );
    let answered = both_ways(&engine, &mut store, &freebusy_request());
    assert_eq!(answered.disposition.to_string(), "applied: free/busy answered");
    let reply = answered.messages().next().expect("a VFREEBUSY REPLY").to_ics();
    assert!(reply.contains("FREEBUSY;FBTYPE=BUSY:20250310T140000Z/20250310T150000Z"), "{reply}");
}

#[test]
fn plan_puts_the_record_periods_owner_notice_and_horizon_in_one_commit() {
    let engine = engine();
    let store = MemStore::new();
    let now = Timestamp::parse_utc(NOW).expect("now");
    let input = incoming(
        request("g@example.org", "guest@example.org", "20250310T100000Z", "20250310T110000Z"),
        "guest@example.org",
    );
    let loaded = Loaded::default();
    let outcome = engine.decide(now, &input, &loaded.record.value, &store).expect("decide");
    let mut ids = SeqIds::new("p");
    let mut env = Env::new(now, &mut ids);
    let commit = plan(&engine, &mut env, &input, &loaded, &outcome, Vec::new()).expect("a commit");
    assert_eq!(commit.principal, addr("room@example.com"));
    assert_eq!(commit.uid, "g@example.org");
    assert!(commit.record.object.is_some());
    assert!(commit.record.pending.is_some(), "held for the owner");
    let own: Vec<_> = commit.periods.iter().filter(|u| u.set == PeriodSet::Own).collect();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].periods.len(), 1, "the held slot is tentatively busy");
    // The REPLY to the guest, then the notice to the owner.
    assert_eq!(commit.outbox.len(), 2);
    assert_eq!(commit.outbox[0].recipients, vec![addr("guest@example.org")]);
    assert_eq!(commit.outbox[1].recipients, vec![addr("facilities@example.com")]);
    let notice = String::from_utf8_lossy(&commit.outbox[1].bytes).to_string();
    assert!(notice.contains("You can approve or decline this booking."), "{notice}");
    assert!(!notice.contains("imip approve"), "{notice}");
    // The first commit sets the horizon, a year ahead.
    assert_eq!(commit.prefs, vec![(HORIZON_PREF.to_string(), Some("20260301T100000Z".to_string()))]);

    // The same inputs plan the same commit, byte for byte.
    let mut ids = SeqIds::new("p");
    let mut env = Env::new(now, &mut ids);
    let again = plan(&engine, &mut env, &input, &loaded, &outcome, Vec::new()).expect("a commit");
    assert_eq!(commit.outbox, again.outbox);
    assert_eq!(commit.periods, again.periods);
}

#[test]
fn plan_extends_a_due_horizon_and_reexpands_recurring_objects_in_the_same_commit() {
    let engine = engine();
    let now = Timestamp::parse_utc(NOW).expect("now");
    let weekly = SchedulingObject::parse(
        "BEGIN:VCALENDAR\r\nPRODID:-//t//t//EN\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:w@example.com\r\n\
         DTSTAMP:20240101T000000Z\r\nDTSTART:20240101T090000Z\r\nDTEND:20240101T100000Z\r\nRRULE:FREQ=WEEKLY\r\n\
         ORGANIZER:mailto:alice@example.com\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:room@example.com\r\n\
         END:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    .expect("weekly");
    let mut loaded = Loaded::default();
    // A horizon ten days from now is due (the margin is 30 days).
    loaded.prefs.insert(HORIZON_PREF.into(), "20250311T100000Z".into());
    loaded.schedule = Version(7);
    assert!(loaded.horizon_due(&engine, now));
    loaded.recurring.push(("w@example.com".into(), weekly));
    let input = incoming(
        request("a@example.com", "alice@example.com", "20250310T140000Z", "20250310T150000Z"),
        "alice@example.com",
    );
    let outcome = engine.decide(now, &input, &loaded.record.value, &MemStore::new()).expect("decide");
    let mut ids = SeqIds::new("p");
    let mut env = Env::new(now, &mut ids);
    let commit = plan(&engine, &mut env, &input, &loaded, &outcome, Vec::new()).expect("a commit");
    assert_eq!(commit.prefs, vec![(HORIZON_PREF.to_string(), Some("20260301T100000Z".to_string()))]);
    let weekly = commit.periods.iter().find(|u| u.uid == "w@example.com").expect("re-expanded");
    assert!(
        weekly.periods.iter().any(|p| p.start.to_ical() == "20260223T090000Z"),
        "expanded to the new horizon"
    );
    assert!(
        commit.guards.contains(&ScheduleGuard { principal: addr("room@example.com"), version: Version(7) }),
        "the re-expansion is guarded by the schedule version it was read at"
    );
}

#[test]
fn nothing_to_store_plans_no_commit() {
    let engine = engine();
    let now = Timestamp::parse_utc(NOW).expect("now");
    let outcome =
        engine.decide(now, &freebusy_request(), &Record::default(), &MemStore::new()).expect("decide");
    // A free/busy answer is mail to send: a commit with only the outbox.
    let mut ids = SeqIds::new("p");
    let mut env = Env::new(now, &mut ids);
    let commit = plan(&engine, &mut env, &freebusy_request(), &Loaded::default(), &outcome, Vec::new());
    let commit = commit.expect("the answer goes through the outbox");
    assert!(commit.record.is_empty() && commit.periods.is_empty() && commit.outbox.len() == 1);
    let unchanged = Outcome::clone(&outcome);
    let mut quiet = unchanged;
    quiet.effects.clear();
    assert!(plan(&engine, &mut env, &freebusy_request(), &Loaded::default(), &quiet, Vec::new()).is_none());
}

/// A weekly series Alice organizes, with Bob, as stored by either of
/// them: parsed afresh on each call, so that the record holds the only
/// reference to its object.
fn series_record(sequence: u32) -> Record {
    let object = SchedulingObject::parse(&format!(
        "BEGIN:VCALENDAR\r\nPRODID:-//t//t//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n\
         UID:series@example.com\r\nDTSTAMP:20250301T090000Z\r\nSEQUENCE:{sequence}\r\n\
         DTSTART:20250303T090000Z\r\nDTEND:20250303T100000Z\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\n\
         SUMMARY:Review\r\nORGANIZER:mailto:alice@example.com\r\n\
         ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com\r\n\
         ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com\r\n\
         END:VEVENT\r\nEND:VCALENDAR\r\n"
    ))
    .expect("series")
    .without_method();
    Record { object: Some(object), ..Record::default() }
}

/// A message about the series: `method`, one VEVENT with `lines`.
fn about_series(method: &str, lines: &str) -> SchedulingObject {
    SchedulingObject::parse(&format!(
        "BEGIN:VCALENDAR\r\nPRODID:-//t//t//EN\r\nVERSION:2.0\r\nMETHOD:{method}\r\nBEGIN:VEVENT\r\n\
         UID:series@example.com\r\n{lines}ORGANIZER:mailto:alice@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ))
    .expect("message")
}

/// Bob answers, himself (a local action, RFC 5546 §3.2.3).
fn bob_answers(instance: Option<InstanceId>, partstat: PartStat) -> Input {
    Input::Local {
        principal: addr("bob@example.com"),
        action: LocalAction::Respond { uid: "series@example.com".into(), instance, partstat, comment: None },
    }
}

/// The REPLYs, CANCELs and answers `Engine::decide_taking` may edit in
/// place, each with its principal and sender, and whether it edits the
/// stored copy.
fn taking_cases() -> Vec<(&'static str, Input, bool)> {
    let to = |principal: &str, from: &str, message| {
        Input::Incoming(Incoming { principal: addr(principal), senders: vec![addr(from)], message })
    };
    let bob_replies = |lines: &str| to("alice@example.com", "bob@example.com", about_series("REPLY", lines));
    let alice_cancels =
        |lines: &str| to("bob@example.com", "alice@example.com", about_series("CANCEL", lines));
    vec![
        (
            "REPLY for the series",
            bob_replies(
                "DTSTAMP:20250301T100000Z\r\nSEQUENCE:1\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com\r\n",
            ),
            true,
        ),
        (
            "REPLY for one occurrence, which the copy lacks",
            bob_replies(
                "DTSTAMP:20250301T100000Z\r\nSEQUENCE:1\r\nRECURRENCE-ID:20250310T090000Z\r\n\
                     ATTENDEE;PARTSTAT=DECLINED:mailto:bob@example.com\r\n",
            ),
            true,
        ),
        (
            // 11 March is a Tuesday: the Monday series has no such
            // instance (RFC 5545 §3.8.4.4), so nothing is recorded.
            "REPLY for a time the series does not have",
            bob_replies(
                "DTSTAMP:20250301T100000Z\r\nSEQUENCE:1\r\nRECURRENCE-ID:20250311T090000Z\r\n\
                     ATTENDEE;PARTSTAT=DECLINED:mailto:bob@example.com\r\n",
            ),
            false,
        ),
        (
            "REPLY older than the copy (RFC 5546 §2.1.5)",
            bob_replies(
                "DTSTAMP:20250301T100000Z\r\nSEQUENCE:0\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com\r\n",
            ),
            false,
        ),
        (
            "REPLY for one occurrence, older than the copy",
            bob_replies(
                "DTSTAMP:20250301T100000Z\r\nSEQUENCE:0\r\nRECURRENCE-ID:20250310T090000Z\r\n\
                     ATTENDEE;PARTSTAT=DECLINED:mailto:bob@example.com\r\n",
            ),
            false,
        ),
        (
            // Held for Alice to decide (the default policy): her copy
            // does not change.
            "REPLY from someone not invited",
            to(
                "alice@example.com",
                "mallory@example.net",
                about_series(
                    "REPLY",
                    "DTSTAMP:20250301T100000Z\r\nSEQUENCE:1\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:mallory@example.net\r\n",
                ),
            ),
            false,
        ),
        ("CANCEL of the series", alice_cancels("DTSTAMP:20250302T090000Z\r\nSEQUENCE:2\r\n"), true),
        (
            "CANCEL of one occurrence, which the copy lacks",
            alice_cancels("DTSTAMP:20250302T090000Z\r\nSEQUENCE:2\r\nRECURRENCE-ID:20250317T090000Z\r\n"),
            true,
        ),
        (
            "CANCEL sent by someone else",
            to(
                "bob@example.com",
                "mallory@example.net",
                about_series("CANCEL", "DTSTAMP:20250302T090000Z\r\nSEQUENCE:2\r\n"),
            ),
            false,
        ),
        ("Bob accepts the series", bob_answers(None, PartStat::Accepted), true),
        (
            "Bob declines one occurrence, which the copy lacks",
            bob_answers(
                Some(InstanceId::occurrence(Timestamp::parse_utc("20250310T090000Z").expect("start"))),
                PartStat::Declined,
            ),
            true,
        ),
        (
            // Not an instance of the series: refused, nothing changes.
            "Bob answers for a time the series does not have",
            bob_answers(
                Some(InstanceId::occurrence(Timestamp::parse_utc("20250311T090000Z").expect("start"))),
                PartStat::Declined,
            ),
            false,
        ),
    ]
}

#[test]
fn deciding_on_an_owned_record_gives_the_same_outcome_and_edits_the_copy_in_place() {
    let engine = Engine::new(Config::default()).expect("engine");
    let now = Timestamp::parse_utc(NOW).expect("now");
    for (name, input, edits) in taking_cases() {
        let expected = engine.decide(now, &input, &series_record(1), &MemStore::new()).expect("decide");
        assert_eq!(expected.stored_object().is_some(), edits, "{name}: {expected:?}");

        let mut record = series_record(1);
        let stored = record.object.as_ref().expect("stored").calendar() as *const _;
        let outcome =
            engine.decide_taking(now, &input, &mut record, &MemStore::new()).expect("decide_taking");
        // Byte for byte the outcome `decide` gives on a shared record.
        assert_eq!(format!("{outcome:?}"), format!("{expected:?}"), "{name}");
        if edits {
            // Taken and edited where it lay: the outcome's copy is the
            // stored calendar itself, not a copy of it.
            assert!(record.object.is_none(), "{name}: the object is taken");
            let edited = outcome.stored_object().expect("edited copy");
            // (An occurrence the copy lacks is made from a snapshot of it,
            // which may be copied, as `decide` would.)
            if !name.contains("lacks") {
                assert!(std::ptr::eq(edited.calendar(), stored), "{name}: edited in place");
            }
        } else {
            // Left where it was, as it was.
            let object = record.object.as_ref().expect("left in the record");
            assert!(std::ptr::eq(object.calendar(), stored), "{name}");
            assert_eq!(object.to_ics(), series_record(1).object.expect("series").to_ics(), "{name}");
        }
    }
}

#[test]
fn deciding_on_a_shared_record_leaves_it_as_it_was() {
    let engine = Engine::new(Config::default()).expect("engine");
    let now = Timestamp::parse_utc(NOW).expect("now");
    for (name, input, _) in taking_cases() {
        let record = series_record(1);
        let before = record.object.as_ref().expect("stored").to_ics();
        let _ = engine.decide(now, &input, &record, &MemStore::new()).expect("decide");
        assert_eq!(record.object.as_ref().expect("stored").to_ics(), before, "{name}");
    }
}

#[test]
fn an_answer_for_a_time_the_series_does_not_have_changes_nothing() {
    let engine = Engine::new(Config::default()).expect("engine");
    let now = Timestamp::parse_utc(NOW).expect("now");
    for (name, input, _) in taking_cases().into_iter().filter(|(name, ..)| name.contains("does not have")) {
        let outcome = engine.decide(now, &input, &series_record(1), &MemStore::new()).expect("decide");
        let expected = match input {
            Input::Local { .. } => {
                "refused: the event has no occurrence at 20250311T090000Z (RFC 5545 §3.8.4.4)"
            }
            _ => "unchanged: unknown object",
        };
        assert_eq!(outcome.disposition.to_string(), expected, "{name}");
        assert!(!outcome.changes_state(), "{name}: {outcome:?}");
    }
}
