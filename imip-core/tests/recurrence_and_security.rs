//! Recurring events, the RFC 6638 parameters, and who may send what.

mod common;

use common::*;
use imip_core::*;

const UID: &str = "w1@example.com";

fn weekly_world() -> World {
    let mut w = World::new();
    w.save("alice@example.com", &weekly(UID, &[]));
    w.deliver_all();
    assert!(w.has("bob@example.com", UID));
    w
}

#[test]
fn organizer_exdate_sends_cancel_for_that_instance_only() {
    let mut w = weekly_world();
    w.at("20250302T100000Z");
    w.save("alice@example.com", &weekly(UID, &["EXDATE;TZID=Europe/Berlin:20250310T100000"]));
    let mails = w.outgoing();
    assert_eq!(mails.len(), 1);
    assert_eq!(method_of(&mails[0]), Method::Cancel);
    let body = calendar_of(&mails[0]);
    assert!(body.contains("RECURRENCE-ID;TZID=Europe/Berlin:20250310T100000"), "{body}");
    assert!(body.contains("STATUS:CANCELLED"), "{body}");
    let report = w.receive_mail("bob@example.com", &mails[0].bytes);
    assert_eq!(report.parts[0].outcome.disposition, Disposition::Applied(Applied::Cancelled));
    let bob = w.object("bob@example.com", UID);
    let instance = InstanceId::occurrence(Timestamp::parse_utc("20250310T090000Z").unwrap());
    assert!(bob.is_instance_cancelled(instance));
    assert!(!bob.is_cancelled(), "the series goes on");
}

#[test]
fn organizer_rdate_sends_add_and_attendee_adds_the_instance() {
    let mut w = weekly_world();
    w.at("20250302T100000Z");
    w.save("alice@example.com", &weekly(UID, &["RDATE;TZID=Europe/Berlin:20250306T150000"]));
    let mails = w.outgoing();
    assert_eq!(method_of(&mails[0]), Method::Add);
    let body = calendar_of(&mails[0]);
    assert!(
        !body.contains("RRULE") && !body.contains("RECURRENCE-ID"),
        "ADD carries neither (ITIP-VAL-3): {body}"
    );
    let report = w.receive_mail("bob@example.com", &mails[0].bytes);
    assert_eq!(report.parts[0].outcome.disposition, Disposition::Applied(Applied::InstancesAdded));
    let added = InstanceId::occurrence(Timestamp::parse_utc("20250306T140000Z").unwrap());
    assert!(w.object("bob@example.com", UID).component(added).is_some());
}

#[test]
fn add_for_an_unknown_object_asks_for_a_refresh() {
    let mut w = World::new();
    let add = vevent(
        Some("ADD"),
        &[
            "UID:unknown@example.com",
            "SEQUENCE:2",
            "DTSTAMP:20250301T090000Z",
            "DTSTART:20250306T150000Z",
            "DTEND:20250306T160000Z",
            "SUMMARY:x",
            "ORGANIZER:mailto:alice@example.com",
            "ATTENDEE:mailto:bob@example.com",
        ],
    );
    let report = w.receive("bob@example.com", "alice@example.com", &add);
    assert_eq!(report.outcome.disposition, Disposition::Unchanged(Unchanged::UnknownObject));
    let mails = w.outgoing();
    assert_eq!(method_of(&mails[0]), Method::Refresh);
    assert_eq!(mails[0].recipients, vec![addr("alice@example.com")]);
}

#[test]
fn attendee_declines_one_instance_and_organizer_records_it_there() {
    let mut w = weekly_world();
    let instance = InstanceId::occurrence(Timestamp::parse_utc("20250317T090000Z").unwrap());
    w.act(
        "bob@example.com",
        LocalAction::Respond {
            uid: UID.into(),
            instance: Some(instance),
            partstat: PartStat::Declined,
            comment: None,
        },
    );
    let mails = w.outgoing();
    let body = calendar_of(&mails[0]);
    assert!(body.contains("RECURRENCE-ID:20250317T090000Z") && body.contains("PARTSTAT=DECLINED"), "{body}");
    w.receive_mail("alice@example.com", &mails[0].bytes);
    let alice = w.object("alice@example.com", UID);
    let occurrence = alice.component(instance).expect("the organizer materialized the instance");
    let bob = alice.attendee_of(instance, &addr("bob@example.com")).unwrap();
    assert_eq!(bob.partstat, PartStat::Declined);
    let master = alice.attendee_of(InstanceId::Master, &addr("bob@example.com")).unwrap();
    assert_eq!(master.partstat, PartStat::NeedsAction, "the rest of the series is unaffected");
    assert!(!occurrence.has_property(&calcard::icalendar::ICalendarProperty::Rrule));
}

#[test]
fn attendee_exdate_declines_that_instance() {
    let mut w = weekly_world();
    let copy = w
        .object("bob@example.com", UID)
        .to_ics()
        .replace("RRULE:", "EXDATE;TZID=Europe/Berlin:20250324T100000\r\nRRULE:");
    let report = w.save("bob@example.com", &copy);
    assert_eq!(report.sent, 1);
    let body = calendar_of(&w.outgoing()[0]);
    assert!(
        body.contains("RECURRENCE-ID;TZID=Europe/Berlin:20250324T100000")
            && body.contains("PARTSTAT=DECLINED"),
        "{body}"
    );
}

#[test]
fn attendee_may_not_move_the_meeting() {
    let mut w = weekly_world();
    let copy = w.object("bob@example.com", UID).to_ics().replace("T100000", "T120000");
    let report = w.save("bob@example.com", &copy);
    assert_eq!(
        report.outcome.disposition,
        Disposition::Refused(Violation::AttendeeCannotModify("DTSTART".into()))
    );
}

#[test]
fn overridden_instance_update_reaches_attendee_as_partial_request() {
    let mut w = weekly_world();
    let series = weekly(UID, &[]);
    let override_lines: &[&str] = &[
        &format!("UID:{UID}"),
        "DTSTAMP:20250301T090000Z",
        "RECURRENCE-ID;TZID=Europe/Berlin:20250317T100000",
        "DTSTART;TZID=Europe/Berlin:20250318T100000",
        "DTEND;TZID=Europe/Berlin:20250318T110000",
        "SUMMARY:Weekly sync (moved)",
        "ORGANIZER:mailto:alice@example.com",
        "ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com",
    ];
    let master_body: Vec<&str> = series
        .lines()
        .skip_while(|l| *l != "BEGIN:VEVENT")
        .skip(1)
        .take_while(|l| *l != "END:VEVENT")
        .collect();
    let both = vevents(None, &[&master_body, override_lines]);
    w.at("20250302T100000Z");
    w.save("alice@example.com", &both);
    let mails = w.outgoing();
    assert_eq!(mails.len(), 1);
    let body = calendar_of(&mails[0]);
    assert_eq!(body.matches("BEGIN:VEVENT").count(), 1, "only the override travels: {body}");
    assert!(body.contains("BEGIN:VTIMEZONE") || body.contains("TZID=Europe/Berlin"));
    w.receive_mail("bob@example.com", &mails[0].bytes);
    let instance = InstanceId::occurrence(Timestamp::parse_utc("20250317T090000Z").unwrap());
    assert!(w.object("bob@example.com", UID).component(instance).is_some());
}

#[test]
fn this_and_future_override_is_kept_with_its_range() {
    let mut w = weekly_world();
    let request = vevent(
        Some("REQUEST"),
        &[
            &format!("UID:{UID}"),
            "SEQUENCE:1",
            "DTSTAMP:20250302T090000Z",
            "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20250331T100000",
            "DTSTART;TZID=Europe/Berlin:20250331T100000",
            "DTEND;TZID=Europe/Berlin:20250331T110000",
            "LOCATION:Room 7",
            "SUMMARY:Weekly sync",
            "ORGANIZER:mailto:alice@example.com",
            "ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com",
        ],
    );
    let report = w.receive("bob@example.com", "alice@example.com", &request);
    assert!(
        matches!(report.outcome.disposition, Disposition::Applied(_)),
        "{:?}",
        report.outcome.disposition
    );
    let id = InstanceId::Occurrence {
        start: Timestamp::parse_utc("20250331T080000Z").unwrap(),
        this_and_future: true,
    };
    assert!(w.object("bob@example.com", UID).component(id).is_some());
}

#[test]
fn schedule_agent_client_means_we_send_nothing() {
    let mut w = World::new();
    let ics = meeting("c1@example.com", "20250310T140000Z", "20250310T150000Z")
        .replace("ORGANIZER;CN=Alice:", "ORGANIZER;CN=Alice;SCHEDULE-AGENT=CLIENT:");
    let report = w.save("alice@example.com", &ics);
    assert_eq!(report.outcome.disposition, Disposition::Unchanged(Unchanged::NothingToSend));
    assert!(w.outgoing().is_empty());
    let ics = meeting("c2@example.com", "20250310T140000Z", "20250310T150000Z")
        .replace("RSVP=TRUE:mailto:bob", "RSVP=TRUE;SCHEDULE-AGENT=NONE:mailto:bob");
    w.save("alice@example.com", &ics);
    assert_eq!(w.outgoing()[0].recipients, vec![addr("carol@example.com")]);
}

#[test]
fn schedule_force_send_forces_a_request_and_is_not_stored() {
    let mut w = World::new();
    let ics = meeting("f1@example.com", "20250310T140000Z", "20250310T150000Z");
    w.save("alice@example.com", &ics);
    w.outgoing();
    w.at("20250302T100000Z");
    let forced = ics.replace("RSVP=TRUE:mailto:bob", "RSVP=TRUE;SCHEDULE-FORCE-SEND=REQUEST:mailto:bob");
    w.save("alice@example.com", &forced);
    let mails = w.outgoing();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].recipients, vec![addr("bob@example.com")]);
    assert!(!w.object("alice@example.com", "f1@example.com").to_ics().contains("SCHEDULE-FORCE-SEND"));
    assert!(!calendar_of(&mails[0]).contains("SCHEDULE-FORCE-SEND"));
}

// --- Senders (RFC 5546 §6.1, RFC 6047 §3) ---

fn request_from_alice() -> String {
    meeting("s1@example.com", "20250310T140000Z", "20250310T150000Z")
        .replace("BEGIN:VEVENT", "METHOD:REQUEST\r\nBEGIN:VEVENT")
}

#[test]
fn request_from_someone_else_is_refused_without_reply() {
    let mut w = World::new();
    let report = w.receive("bob@example.com", "mallory@example.com", &request_from_alice());
    assert!(matches!(report.outcome.disposition, Disposition::Refused(Violation::SenderNotOrganizer { .. })));
    assert!(report.outcome.effects.is_empty(), "no backscatter to a forged organizer");
    assert!(!w.has("bob@example.com", "s1@example.com"));
}

#[test]
fn sent_by_may_send_for_the_organizer() {
    let mut w = World::new();
    let ics = request_from_alice()
        .replace("ORGANIZER;CN=Alice:", "ORGANIZER;CN=Alice;SENT-BY=\"mailto:assistant@example.com\":");
    let report = w.receive("bob@example.com", "assistant@example.com", &ics);
    assert_eq!(report.outcome.disposition, Disposition::Applied(Applied::Created));
}

#[test]
fn cancel_from_an_attendee_is_refused() {
    let mut w = World::new();
    w.receive("bob@example.com", "alice@example.com", &request_from_alice());
    let cancel = vevent(
        Some("CANCEL"),
        &[
            "UID:s1@example.com",
            "SEQUENCE:1",
            "DTSTAMP:20250302T090000Z",
            "STATUS:CANCELLED",
            "ORGANIZER:mailto:alice@example.com",
            "ATTENDEE:mailto:bob@example.com",
        ],
    );
    let report = w.receive("bob@example.com", "carol@example.com", &cancel);
    assert!(matches!(report.outcome.disposition, Disposition::Refused(Violation::SenderNotOrganizer { .. })));
    assert!(!w.object("bob@example.com", "s1@example.com").is_cancelled());
}

#[test]
fn reply_cannot_change_another_attendees_status() {
    let mut w = World::new();
    w.save("alice@example.com", &meeting("s2@example.com", "20250310T140000Z", "20250310T150000Z"));
    let forged = vevent(
        Some("REPLY"),
        &[
            "UID:s2@example.com",
            "DTSTAMP:20250302T090000Z",
            "ORGANIZER:mailto:alice@example.com",
            "ATTENDEE;PARTSTAT=DECLINED:mailto:bob@example.com",
        ],
    );
    let report = w.receive("alice@example.com", "carol@example.com", &forged);
    assert!(matches!(report.outcome.disposition, Disposition::Refused(Violation::SenderNotAttendee { .. })));
    assert_eq!(w.partstat("alice@example.com", "s2@example.com", "bob@example.com"), PartStat::NeedsAction);
}

#[test]
fn stale_reply_does_not_overwrite_a_newer_one() {
    let mut w = World::new();
    w.save("alice@example.com", &meeting("s3@example.com", "20250310T140000Z", "20250310T150000Z"));
    let reply = |stamp: &str, partstat: &str| {
        vevent(
            Some("REPLY"),
            &[
                "UID:s3@example.com",
                &format!("DTSTAMP:{stamp}"),
                "ORGANIZER:mailto:alice@example.com",
                &format!("ATTENDEE;PARTSTAT={partstat}:mailto:bob@example.com"),
            ],
        )
    };
    w.receive("alice@example.com", "bob@example.com", &reply("20250302T120000Z", "DECLINED"));
    let late = w.receive("alice@example.com", "bob@example.com", &reply("20250302T110000Z", "ACCEPTED"));
    assert!(matches!(late.outcome.disposition, Disposition::Unchanged(Unchanged::Stale { .. })));
    assert_eq!(w.partstat("alice@example.com", "s3@example.com", "bob@example.com"), PartStat::Declined);
}

#[test]
fn uninvited_replies_follow_the_policy() {
    let crasher = vevent(
        Some("REPLY"),
        &[
            "UID:s4@example.com",
            "DTSTAMP:20250302T090000Z",
            "ORGANIZER:mailto:alice@example.com",
            "ATTENDEE;PARTSTAT=ACCEPTED:mailto:eve@example.com",
        ],
    );
    for (policy, expected) in [
        (UninvitedReplies::Refuse, Disposition::Refused(Violation::NotAnAttendee("eve@example.com".into()))),
        (UninvitedReplies::Hold, Disposition::Applied(Applied::Held)),
        (UninvitedReplies::Accept, Disposition::Applied(Applied::ReplyRecorded)),
    ] {
        let mut w = World::with_config(Config { uninvited_replies: policy, ..Config::default() });
        w.save("alice@example.com", &meeting("s4@example.com", "20250310T140000Z", "20250310T150000Z"));
        let report = w.receive("alice@example.com", "eve@example.com", &crasher);
        assert_eq!(report.outcome.disposition, expected, "{policy:?}");
        let listed = w
            .object("alice@example.com", "s4@example.com")
            .attendee_addresses()
            .contains(&addr("eve@example.com"));
        assert_eq!(listed, policy == UninvitedReplies::Accept);
    }
}

#[test]
fn organizer_change_needs_a_former_attendee_and_a_higher_sequence() {
    let mut w = World::new();
    w.receive("carol@example.com", "alice@example.com", &request_from_alice());
    let takeover = |seq: &str| {
        request_from_alice()
            .replace("ORGANIZER;CN=Alice:mailto:alice@example.com", "ORGANIZER:mailto:bob@example.com")
            .replace("DTSTAMP:20250301T090000Z", &format!("DTSTAMP:20250302T090000Z\r\nSEQUENCE:{seq}"))
    };
    let same = w.receive("carol@example.com", "bob@example.com", &takeover("0"));
    assert!(matches!(same.outcome.disposition, Disposition::Refused(Violation::OrganizerMismatch { .. })));
    let by_stranger = w.receive(
        "carol@example.com",
        "mallory@example.com",
        &takeover("1").replace("mailto:bob@example.com\r\n", "mailto:mallory@example.com\r\n"),
    );
    assert!(matches!(by_stranger.outcome.disposition, Disposition::Refused(_)));
    let ok = w.receive("carol@example.com", "bob@example.com", &takeover("1"));
    assert_eq!(ok.outcome.disposition, Disposition::Applied(Applied::OrganizerReplaced));
    assert!(ok.outcome.notices().any(|n| n.kind == NoticeKind::OrganizerChanged));
}

#[test]
fn request_missing_dtstart_gets_an_error_reply() {
    let mut w = World::new();
    let broken = request_from_alice().replace("DTSTART:20250310T140000Z\r\n", "");
    let report = w.receive("bob@example.com", "alice@example.com", &broken);
    assert!(matches!(report.outcome.disposition, Disposition::Refused(Violation::MissingProperty { .. })));
    let body = calendar_of(&w.outgoing()[0]);
    assert!(body.contains("REQUEST-STATUS:3.11;"), "{body}");
}

#[test]
fn failed_send_stays_in_the_outbox_until_flushed() {
    let mut w = World::new();
    w.transport.failing = true;
    let report =
        w.save("alice@example.com", &meeting("o1@example.com", "20250310T140000Z", "20250310T150000Z"));
    assert_eq!((report.sent, report.unsent), (0, 1));
    assert!(w.has("alice@example.com", "o1@example.com"), "state is committed");
    w.transport.failing = false;
    let flush = drive::flush_outbox(&mut w.store, &mut w.transport, w.now).unwrap();
    let (sent, left) = (flush.sent, flush.left);
    assert_eq!((sent, left), (1, 0));
    assert_eq!(w.store.outbox().unwrap().len(), 0);
}

#[test]
fn a_permanently_refused_mail_is_kept_as_undeliverable_and_never_retried() {
    let mut w = World::new();
    w.transport.refusing = true;
    let report =
        w.save("alice@example.com", &meeting("o1@example.com", "20250310T140000Z", "20250310T150000Z"));
    assert_eq!((report.sent, report.unsent, report.undeliverable.len()), (0, 0, 1));
    assert!(matches!(report.undeliverable[0].1, imip_core::TransportError::Permanent(_)));
    let kept = w.store.outbox().unwrap();
    assert_eq!(kept.len(), 1, "the refused mail stays where an administrator sees it");
    assert!(
        kept[0].1.undeliverable.as_deref().is_some_and(|r| !r.is_empty()),
        "{:?}",
        kept[0].1.undeliverable
    );
    w.transport.refusing = false;
    let flush = drive::flush_outbox(
        &mut w.store,
        &mut w.transport,
        imip_core::Timestamp::from_seconds(w.now.seconds() + 86_400),
    )
    .unwrap();
    assert_eq!((flush.sent, flush.left), (0, 0), "and it is never tried again");
}

#[test]
fn publish_is_stored_and_own_messages_ignored() {
    let mut w = World::new();
    let publish = vevent(
        Some("PUBLISH"),
        &[
            "UID:p1@example.com",
            "DTSTAMP:20250301T090000Z",
            "DTSTART:20250310T140000Z",
            "SUMMARY:Talk",
            "ORGANIZER:mailto:alice@example.com",
        ],
    );
    let report = w.receive("bob@example.com", "alice@example.com", &publish);
    assert_eq!(report.outcome.disposition, Disposition::Applied(Applied::Created));
    let own = w.receive("alice@example.com", "alice@example.com", &publish);
    assert_eq!(own.outcome.disposition, Disposition::Ignored(Ignored::OwnMessage));
}

/// A configured relay (iCloud sends from `…@email.icloud.com` for its
/// `…@imip.me.com` tokens) may speak for participants of the domain it
/// serves, but only where senders are authenticated (`authserv_id`):
/// by default, and for other domains, it is no one.
#[test]
fn a_relay_speaks_for_its_domain_only_when_senders_are_authenticated() {
    let invitation = vevent(
        Some("REQUEST"),
        &[
            "UID:relayed@example.com",
            "DTSTAMP:20250301T090000Z",
            "DTSTART:20250310T100000Z",
            "DTEND:20250310T110000Z",
            "SUMMARY:Relayed",
            "ORGANIZER;EMAIL=alice@icloud.com:mailto:2_token@imip.me.com",
            "ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:bob@example.com",
        ],
    );
    let relay = Relay { from_domain: "email.icloud.com".into(), for_domain: "imip.me.com".into() };
    let cases = [
        (Some("mx.example.com"), vec![relay.clone()], "noreply@email.icloud.com", true),
        (None, vec![relay.clone()], "noreply@email.icloud.com", false),
        (Some("mx.example.com"), vec![], "noreply@email.icloud.com", false),
        (Some("mx.example.com"), vec![relay], "noreply@elsewhere.example", false),
    ];
    for (authserv_id, relays, sender, accepted) in cases {
        let config = Config {
            authserv_id: authserv_id.map(str::to_string),
            relays: relays.clone(),
            ..Config::default()
        };
        let mut w = World::with_config(config);
        w.receive("bob@example.com", sender, &invitation);
        assert_eq!(
            w.has("bob@example.com", "relayed@example.com"),
            accepted,
            "{authserv_id:?} {relays:?} {sender}"
        );
    }
}
