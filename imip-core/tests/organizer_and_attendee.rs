//! Each METHOD in both roles, single and recurring, end to end through
//! rendered mail (RFC 5546 §3.2, RFC 6047).

mod common;

use common::*;
use imip_core::*;

const UID: &str = "m1@example.com";

fn invited_world() -> World {
    let mut w = World::new();
    let report = w.save("alice@example.com", &meeting(UID, "20250310T140000Z", "20250310T150000Z"));
    assert_eq!(report.outcome.disposition, Disposition::Applied(Applied::Scheduled));
    let log = w.deliver_all();
    assert_eq!(log.len(), 2, "{log:?}");
    w
}

#[test]
fn organizer_save_sends_one_request_to_all_attendees_but_itself() {
    let mut w = World::new();
    w.save("alice@example.com", &meeting(UID, "20250310T140000Z", "20250310T150000Z"));
    let mails = w.outgoing();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].recipients, vec![addr("bob@example.com"), addr("carol@example.com")]);
    assert_eq!(method_of(&mails[0]), Method::Request);
    let stored = w.object("alice@example.com", UID);
    let bob = stored.attendee(&addr("bob@example.com")).unwrap();
    assert_eq!(bob.partstat, PartStat::NeedsAction);
    assert!(stored.to_ics().contains("SCHEDULE-STATUS=1.1"), "{}", stored.to_ics());
}

#[test]
fn attendee_stores_invitation_and_queues_it() {
    let w = invited_world();
    assert!(w.has("bob@example.com", UID));
    assert!(w.has("carol@example.com", UID));
    assert_eq!(w.record("bob@example.com", UID).pending.map(|p| p.kind), Some(PendingKind::Invitation));
    // What was sent never carries scheduling bookkeeping (RFC 6638 §7.3).
    assert!(!w.object("bob@example.com", UID).to_ics().contains("SCHEDULE-STATUS"));
}

#[test]
fn accept_sends_reply_and_organizer_records_it() {
    let mut w = invited_world();
    let report = w.act(
        "bob@example.com",
        LocalAction::Respond { uid: UID.into(), instance: None, partstat: PartStat::Accepted, comment: None },
    );
    assert_eq!(report.sent, 1);
    assert!(w.record("bob@example.com", UID).pending.is_none(), "answered requests leave the queue");
    let log = w.deliver_all();
    assert_eq!(log, vec![("alice@example.com".to_string(), "applied: reply recorded".to_string())]);
    assert_eq!(w.partstat("alice@example.com", UID, "bob@example.com"), PartStat::Accepted);
    let ics = w.object("alice@example.com", UID).to_ics();
    assert!(ics.contains("SCHEDULE-STATUS=2.0"), "{ics}");
}

#[test]
fn same_request_twice_changes_nothing() {
    let mut w = World::new();
    w.save("alice@example.com", &meeting(UID, "20250310T140000Z", "20250310T150000Z"));
    let mail = w.outgoing().remove(0);
    let first = w.receive_mail("bob@example.com", &mail.bytes);
    assert_eq!(first.parts[0].outcome.disposition, Disposition::Applied(Applied::Created));
    let second = w.receive_mail("bob@example.com", &mail.bytes);
    assert_eq!(second.parts[0].outcome.disposition, Disposition::Unchanged(Unchanged::Duplicate));
    assert!(second.parts[0].outcome.effects.is_empty());
}

#[test]
fn reschedule_bumps_sequence_resets_answers_and_updates_attendees() {
    let mut w = invited_world();
    w.act(
        "bob@example.com",
        LocalAction::Respond { uid: UID.into(), instance: None, partstat: PartStat::Accepted, comment: None },
    );
    w.deliver_all();
    w.at("20250302T100000Z");
    w.save("alice@example.com", &meeting(UID, "20250311T140000Z", "20250311T150000Z"));
    assert_eq!(w.sequence("alice@example.com", UID), 1);
    assert_eq!(w.partstat("alice@example.com", UID, "bob@example.com"), PartStat::NeedsAction);
    let log = w.deliver_all();
    assert!(log.iter().all(|(_, what)| what == "applied: rescheduled"), "{log:?}");
    assert_eq!(w.sequence("bob@example.com", UID), 1);
    assert!(w.object("bob@example.com", UID).to_ics().contains("DTSTART:20250311T140000Z"));
}

#[test]
fn insignificant_change_sends_nothing() {
    let mut w = invited_world();
    let mut changed = meeting(UID, "20250310T140000Z", "20250310T150000Z");
    changed = changed.replace("SUMMARY:Planning", "SUMMARY:Planning\r\nX-CLIENT-COLOR:red");
    let report = w.save("alice@example.com", &changed);
    assert_eq!(report.outcome.disposition, Disposition::Unchanged(Unchanged::NothingToSend));
    assert!(w.outgoing().is_empty());
}

#[test]
fn summary_change_is_sent_without_sequence_bump() {
    let mut w = invited_world();
    let changed =
        meeting(UID, "20250310T140000Z", "20250310T150000Z").replace("Planning", "Planning (room 2)");
    w.save("alice@example.com", &changed);
    assert_eq!(w.sequence("alice@example.com", UID), 0);
    let log = w.deliver_all();
    assert!(log.iter().all(|(_, what)| what == "applied: updated"), "{log:?}");
    assert!(w.object("bob@example.com", UID).to_ics().contains("Planning (room 2)"));
}

#[test]
fn stale_request_is_ignored() {
    let mut w = invited_world();
    let old =
        w.object("bob@example.com", UID).to_ics().replace("BEGIN:VEVENT", "METHOD:REQUEST\r\nBEGIN:VEVENT");
    w.at("20250302T100000Z");
    w.save("alice@example.com", &meeting(UID, "20250311T140000Z", "20250311T150000Z"));
    w.deliver_all();
    let report = w.receive("bob@example.com", "alice@example.com", &old);
    assert!(
        matches!(report.outcome.disposition, Disposition::Unchanged(Unchanged::Stale { .. })),
        "{:?}",
        report.outcome.disposition
    );
    assert_eq!(w.sequence("bob@example.com", UID), 1);
}

#[test]
fn cancel_by_organizer_marks_attendee_copies_cancelled() {
    let mut w = invited_world();
    w.act("alice@example.com", LocalAction::Delete { uid: UID.into() });
    // The organizer keeps a cancelled copy, to answer REFRESH with the
    // CANCEL (RFC 5546 §3.4.6); deleting that copy removes it.
    assert!(w.object("alice@example.com", UID).is_cancelled());
    let log = w.deliver_all();
    assert!(log.iter().all(|(_, what)| what == "applied: cancelled"), "{log:?}");
    let bob = w.object("bob@example.com", UID);
    assert!(bob.is_cancelled());
    assert_eq!(bob.max_sequence(), 1, "every CANCEL raises SEQUENCE (RFC 5546 §2.1.4)");
    // ITIP-ORD-7: the original REQUEST cannot revive it.
    let original = meeting(UID, "20250310T140000Z", "20250310T150000Z")
        .replace("BEGIN:VEVENT", "METHOD:REQUEST\r\nBEGIN:VEVENT");
    let report = w.receive("bob@example.com", "alice@example.com", &original);
    assert_eq!(report.outcome.disposition, Disposition::Unchanged(Unchanged::AlreadyCancelled));
}

#[test]
fn removing_an_attendee_cancels_only_for_them() {
    let mut w = invited_world();
    let without_carol = meeting(UID, "20250310T140000Z", "20250310T150000Z")
        .replace("ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:carol@example.com\r\n", "");
    w.save("alice@example.com", &without_carol);
    // RFC 5546 §4.2.10: CANCEL to the removed attendee, and the updated
    // REQUEST (SEQUENCE raised) to those who remain.
    let mails = w.outgoing();
    let sent: Vec<_> = mails.iter().map(|m| (method_of(m), m.recipients.clone())).collect();
    assert_eq!(
        sent,
        vec![
            (Method::Request, vec![addr("bob@example.com")]),
            (Method::Cancel, vec![addr("carol@example.com")])
        ]
    );
    assert_eq!(w.sequence("alice@example.com", UID), 1);
    let body = calendar_of(&mails[1]);
    assert!(!body.contains("STATUS:CANCELLED"), "removing attendees omits STATUS (RFC 5546 §3.2.5)");
    assert!(!body.contains("bob@example.com"), "the CANCEL names only the removed attendee");
    w.receive_mail("bob@example.com", &mails[0].bytes);
    w.receive_mail("carol@example.com", &mails[1].bytes);
    assert!(w.object("carol@example.com", UID).is_cancelled());
    assert!(!w.object("bob@example.com", UID).is_cancelled());
}

#[test]
fn counter_is_stored_then_declined() {
    let mut w = invited_world();
    let proposal = meeting(UID, "20250310T160000Z", "20250310T170000Z");
    let report = w.act(
        "bob@example.com",
        LocalAction::Counter {
            proposal: SchedulingObject::parse(&proposal).unwrap(),
            comment: Some("Later?".into()),
        },
    );
    assert_eq!(report.sent, 1);
    let log = w.deliver_all();
    assert_eq!(log[0].1, "applied: counter-proposal recorded");
    let record = w.record("alice@example.com", UID);
    assert!(record.counters.contains_key(&addr("bob@example.com")));
    assert_eq!(record.pending.map(|p| p.kind), Some(PendingKind::Counter { from: addr("bob@example.com") }));

    w.act(
        "alice@example.com",
        LocalAction::DeclineCounter {
            uid: UID.into(),
            from: addr("bob@example.com"),
            comment: Some("No.".into()),
        },
    );
    assert!(w.record("alice@example.com", UID).counters.is_empty());
    let log = w.deliver_all();
    assert_eq!(log, vec![("bob@example.com".into(), "applied: counter-proposal declined".into())]);
}

#[test]
fn accepted_counter_becomes_a_new_request() {
    let mut w = invited_world();
    let proposal = meeting(UID, "20250310T160000Z", "20250310T170000Z");
    w.act(
        "bob@example.com",
        LocalAction::Counter { proposal: SchedulingObject::parse(&proposal).unwrap(), comment: None },
    );
    w.deliver_all();
    w.at("20250302T100000Z");
    w.act("alice@example.com", LocalAction::AcceptCounter { uid: UID.into(), from: addr("bob@example.com") });
    assert_eq!(w.sequence("alice@example.com", UID), 1);
    let log = w.deliver_all();
    assert!(log.iter().all(|(_, what)| what == "applied: rescheduled"), "{log:?}");
    assert!(w.object("carol@example.com", UID).to_ics().contains("DTSTART:20250310T160000Z"));
}

#[test]
fn refresh_is_answered_with_the_current_request() {
    let mut w = invited_world();
    w.act("bob@example.com", LocalAction::Refresh { uid: UID.into() });
    let log = w.deliver_all();
    assert_eq!(log[0], ("alice@example.com".into(), "applied: refresh answered".into()));
    assert_eq!(log[1], ("bob@example.com".into(), "unchanged: already applied".into()));
}

#[test]
fn refresh_from_a_non_attendee_is_refused() {
    let mut w = invited_world();
    let refresh = vevent(
        Some("REFRESH"),
        &[
            &format!("UID:{UID}"),
            "DTSTAMP:20250301T110000Z",
            "ORGANIZER:mailto:alice@example.com",
            "ATTENDEE:mailto:eve@example.com",
        ],
    );
    let report = w.receive("alice@example.com", "eve@example.com", &refresh);
    assert_eq!(
        report.outcome.disposition,
        Disposition::Refused(Violation::NotAnAttendee("eve@example.com".into()))
    );
    assert!(report.outcome.effects.is_empty());
}

#[test]
fn delegation_replies_to_organizer_and_invites_delegate() {
    let mut w = invited_world();
    let report = w.act(
        "carol@example.com",
        LocalAction::Delegate { uid: UID.into(), to: addr("dave@example.com"), comment: None },
    );
    assert_eq!(report.sent, 2);
    let mails = w.outgoing();
    let methods: Vec<_> = mails.iter().map(|m| (method_of(m), m.recipients.clone())).collect();
    assert_eq!(
        methods,
        vec![
            (Method::Reply, vec![addr("alice@example.com")]),
            (Method::Request, vec![addr("dave@example.com")])
        ]
    );
    let reply = calendar_of(&mails[0]);
    assert!(reply.contains("DELEGATED-TO") && reply.contains("DELEGATED-FROM"), "{reply}");
    for mail in &mails {
        for rcpt in &mail.recipients {
            w.receive_mail(rcpt.as_str(), &mail.bytes);
        }
    }
    assert_eq!(w.partstat("alice@example.com", UID, "carol@example.com"), PartStat::Delegated);
    assert_eq!(w.partstat("alice@example.com", UID, "dave@example.com"), PartStat::NeedsAction);
    assert!(w.has("dave@example.com", UID));
    // The delegate accepts; the organizer takes the delegate's reply.
    w.act(
        "dave@example.com",
        LocalAction::Respond { uid: UID.into(), instance: None, partstat: PartStat::Accepted, comment: None },
    );
    w.deliver_all();
    assert_eq!(w.partstat("alice@example.com", UID, "dave@example.com"), PartStat::Accepted);
}

#[test]
fn delegate_declining_hands_the_invitation_back() {
    let mut w = invited_world();
    w.act(
        "carol@example.com",
        LocalAction::Delegate { uid: UID.into(), to: addr("dave@example.com"), comment: None },
    );
    w.deliver_all();
    w.act(
        "dave@example.com",
        LocalAction::Respond { uid: UID.into(), instance: None, partstat: PartStat::Declined, comment: None },
    );
    let log = w.deliver_all();
    assert!(
        log.iter().any(|(who, _)| who == "carol@example.com"),
        "the delegator gets a new REQUEST: {log:?}"
    );
    assert_eq!(w.partstat("alice@example.com", UID, "carol@example.com"), PartStat::NeedsAction);
}

#[test]
fn deleting_a_cancelled_copy_removes_it_and_sends_nothing() {
    let mut w = invited_world();
    w.act("alice@example.com", LocalAction::Delete { uid: UID.into() });
    w.deliver_all();
    assert!(w.has("alice@example.com", UID));
    w.act("alice@example.com", LocalAction::Delete { uid: UID.into() });
    assert!(!w.has("alice@example.com", UID));
    assert!(w.deliver_all().is_empty());
}

#[test]
fn an_attendees_alarm_survives_the_organizers_update() {
    let mut w = invited_world();
    // Bob adds a reminder to his copy: personal, so nothing is sent
    // (RFC 5546 §3.2: an attendee may change alarms).
    let mut bob = w.object("bob@example.com", UID).to_ics();
    bob = bob.replacen(
        "END:VEVENT",
        "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Soon\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nEND:VEVENT",
        1,
    );
    let saved = w.save("bob@example.com", &bob);
    assert!(saved.outcome.messages().next().is_none(), "an alarm is nobody else's business");
    assert!(w.object("bob@example.com", UID).to_ics().contains("TRIGGER:-PT15M"));
    // Alice moves the meeting; Bob's copy takes the new time and keeps
    // his alarm.
    w.at("20250302T100000Z");
    w.save("alice@example.com", &meeting(UID, "20250310T160000Z", "20250310T170000Z"));
    w.deliver_all();
    let updated = w.object("bob@example.com", UID).to_ics();
    assert!(updated.contains("DTSTART:20250310T160000Z"), "{updated}");
    assert!(updated.contains("TRIGGER:-PT15M"), "the alarm was lost: {updated}");
    assert_eq!(updated.matches("BEGIN:VALARM").count(), 1, "{updated}");
}

/// An update tells the attendee what changed, old against new: the time
/// it was, and who is newly invited (for the summary, `words::card`).
#[test]
fn an_update_says_what_changed() {
    let mut w = World::new();
    let first = meeting("chg@example.com", "20250310T140000Z", "20250310T150000Z");
    let request = |ics: &str, sequence: u32| {
        ics.replace("BEGIN:VEVENT\r\n", &format!("BEGIN:VEVENT\r\nSEQUENCE:{sequence}\r\n"))
            .replace("BEGIN:VCALENDAR\r\n", "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\n")
    };
    w.receive("bob@example.com", "alice@example.com", &request(&first, 0));
    let moved = meeting("chg@example.com", "20250310T160000Z", "20250310T170000Z").replace(
        "ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:carol@example.com",
        "ATTENDEE;RSVP=TRUE:mailto:dave@example.com",
    );
    let report = w.receive("bob@example.com", "alice@example.com", &request(&moved, 1));
    let notice = report.outcome.notices().next().expect("a notice");
    assert_eq!(notice.kind, NoticeKind::Update);
    let at = |t| Timestamp::parse_utc(t).unwrap();
    assert!(
        notice.changes.contains(&Change::Time { before: (at("20250310T140000Z"), at("20250310T150000Z")) })
    );
    assert!(
        notice.changes.contains(&Change::Attendees {
            added: vec![addr("dave@example.com")],
            removed: vec![addr("carol@example.com")],
        }),
        "{:?}",
        notice.changes
    );
    assert!(!notice.changes.iter().any(|c| matches!(c, Change::Place { .. })), "the place did not change");
}
