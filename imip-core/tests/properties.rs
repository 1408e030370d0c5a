//! Properties (proptest): redelivery changes nothing, and a stored
//! SEQUENCE never decreases, whatever the order of arrival; the decision
//! made in place on an owned record is the one made on a copy.

mod common;

use common::*;
use imip_core::*;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Msg {
    method: &'static str,
    sequence: u8,
    stamp: u8,
    hour: u8,
    recurring: bool,
    instance: Option<u8>,
}

fn organizer_message() -> impl Strategy<Value = Msg> {
    (
        prop_oneof![Just("REQUEST"), Just("REQUEST"), Just("CANCEL"), Just("PUBLISH")],
        0u8..4,
        0u8..4,
        8u8..12,
        any::<bool>(),
        prop::option::of(0u8..3),
    )
        .prop_map(|(method, sequence, stamp, hour, recurring, instance)| Msg {
            method,
            sequence,
            stamp,
            hour,
            recurring,
            instance,
        })
}

fn render(m: &Msg) -> String {
    let mut lines = vec![
        "UID:prop@example.com".to_string(),
        format!("SEQUENCE:{}", m.sequence),
        format!("DTSTAMP:2025030{}T090000Z", m.stamp + 1),
        "ORGANIZER:mailto:alice@example.com".to_string(),
        "SUMMARY:Property".to_string(),
    ];
    if m.method != "PUBLISH" {
        lines.push("ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com".to_string());
    }
    match (m.recurring, m.instance) {
        (true, Some(week)) => {
            let day = 3 + 7 * u32::from(week);
            lines.push(format!("RECURRENCE-ID:202503{day:02}T100000Z"));
            lines.push(format!("DTSTART:202503{day:02}T{:02}0000Z", m.hour));
        }
        _ => {
            lines.push(format!("DTSTART:20250303T{:02}0000Z", m.hour));
            if m.recurring {
                lines.push("RRULE:FREQ=WEEKLY;COUNT=5".to_string());
            }
        }
    }
    if m.method == "CANCEL" {
        lines.push("STATUS:CANCELLED".to_string());
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    vevent(Some(m.method), &refs)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn redelivery_is_a_no_op_and_sequence_never_decreases(messages in prop::collection::vec(organizer_message(), 1..10)) {
        let mut w = World::new();
        let mut highest = None;
        for m in &messages {
            let ics = render(m);
            let first = w.receive("bob@example.com", "alice@example.com", &ics);
            let stored_after_first = w.store.object(&addr("bob@example.com"), "prop@example.com").map(|o| o.to_ics());
            let second = w.receive("bob@example.com", "alice@example.com", &ics);
            prop_assert!(
                second.outcome.effects.is_empty(),
                "redelivery of {:?} had effects {:?} (first: {:?})", m, second.outcome.effects, first.outcome.disposition
            );
            let stored_after_second = w.store.object(&addr("bob@example.com"), "prop@example.com").map(|o| o.to_ics());
            prop_assert_eq!(stored_after_first, stored_after_second);
            if w.has("bob@example.com", "prop@example.com") {
                let sequence = w.sequence("bob@example.com", "prop@example.com");
                if let Some(previous) = highest {
                    prop_assert!(sequence >= previous, "SEQUENCE fell from {} to {}", previous, sequence);
                }
                highest = Some(sequence);
            }
        }
    }

    #[test]
    fn replies_apply_in_dtstamp_order_whatever_the_arrival_order(
        replies in prop::collection::vec((0u8..6, prop_oneof![Just("ACCEPTED"), Just("DECLINED"), Just("TENTATIVE")]), 1..8)
    ) {
        let mut w = World::new();
        w.save("alice@example.com", &meeting("r@example.com", "20250310T140000Z", "20250310T150000Z"));
        let mut newest: Option<(u8, &str)> = None;
        for (stamp, partstat) in &replies {
            let reply = vevent(Some("REPLY"), &[
                "UID:r@example.com", &format!("DTSTAMP:2025030{}T090000Z", stamp + 2),
                "ORGANIZER:mailto:alice@example.com", &format!("ATTENDEE;PARTSTAT={partstat}:mailto:bob@example.com"),
            ]);
            w.receive("alice@example.com", "bob@example.com", &reply);
            let again = w.receive("alice@example.com", "bob@example.com", &reply);
            prop_assert!(again.outcome.effects.is_empty());
            // At an equal DTSTAMP, a different answer is a new answer and
            // wins (the tie rule in conformance/README.md).
            if newest.is_none_or(|(s, _)| *stamp >= s) {
                newest = Some((*stamp, partstat));
            }
        }
        let expected = PartStat::parse(newest.unwrap().1).unwrap();
        prop_assert_eq!(w.partstat("alice@example.com", "r@example.com", "bob@example.com"), expected);
    }
}

/// `Engine::decide` on the stored record, and `Engine::decide_taking` on
/// a record of its own (its object parsed afresh, as a driver loads it).
fn both_ways(w: &World, input: &Input) -> Result<(), TestCaseError> {
    let principal = input.principal();
    let record = w.store.load(principal, input.uid()).expect("load").value;
    let on_copy = w.engine.decide(w.now, input, &record, &w.store).expect("decide");
    let mut owned = Record {
        object: record.object.as_ref().map(|o| SchedulingObject::parse(&o.to_ics()).expect("stored copy")),
        ..record.clone()
    };
    let in_place = w.engine.decide_taking(w.now, input, &mut owned, &w.store).expect("decide_taking");
    prop_assert_eq!(format!("{in_place:?}"), format!("{on_copy:?}"));
    match (&owned.object, &record.object) {
        // Taken: the edited copy is the outcome's.
        (None, Some(_)) => {
            prop_assert!(in_place.stored_object().is_some(), "taken but not put: {:?}", in_place)
        }
        (left, stored) => {
            prop_assert_eq!(left.as_ref().map(|o| o.to_ics()), stored.as_ref().map(|o| o.to_ics()))
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, .. ProptestConfig::default() })]

    /// Whatever the organizer sent before, and whatever Bob answers, the
    /// decision made in place on an owned record (the driver's) is the one
    /// made on a copy, and leaves the record as it was unless it took it.
    #[test]
    fn deciding_in_place_decides_as_on_a_copy(
        steps in prop::collection::vec((organizer_message(), prop::option::of((prop::option::of(0u8..4), any::<bool>()))), 1..8)
    ) {
        let mut w = World::new();
        for (m, answer) in &steps {
            let input = Input::Incoming(Incoming {
                principal: addr("bob@example.com"),
                senders: vec![addr("alice@example.com")],
                message: SchedulingObject::parse(&render(m)).unwrap(),
            });
            both_ways(&w, &input)?;
            w.receive("bob@example.com", "alice@example.com", &render(m));
            if let Some((week, accepts)) = answer {
                let instance = week.map(|week| {
                    InstanceId::occurrence(Timestamp::parse_utc(&format!("202503{:02}T100000Z", 3 + 7 * u32::from(week))).unwrap())
                });
                let partstat = if *accepts { PartStat::Accepted } else { PartStat::Declined };
                let action = LocalAction::Respond { uid: "prop@example.com".into(), instance, partstat, comment: None };
                let input = Input::Local { principal: addr("bob@example.com"), action: action.clone() };
                both_ways(&w, &input)?;
                w.act("bob@example.com", action);
            }
        }
    }
}

/// A rule, as the organizer's client first writes it.
#[derive(Debug, Clone)]
struct Rule {
    weekly: bool,
    interval: u8,
    days: Vec<&'static str>,
    count: u8,
}

fn rule() -> impl Strategy<Value = Rule> {
    (
        any::<bool>(),
        1u8..4,
        prop::sample::subsequence(vec!["MO", "TU", "WE", "TH", "FR", "SA", "SU"], 1..4),
        1u8..15,
    )
        .prop_map(|(weekly, interval, days, count)| Rule { weekly, interval, days, count })
}

/// How the client rewrites it without changing its meaning.
#[derive(Debug, Clone)]
struct Rewrite {
    spell_defaults: bool,
    reverse_days: bool,
    until_for_count: bool,
    duration_for_end: bool,
    dtstart_in_utc_offset_zone: bool,
}

fn rewrite() -> impl Strategy<Value = Rewrite> {
    (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(a, b, c, d, e)| {
        Rewrite {
            spell_defaults: a,
            reverse_days: b,
            until_for_count: c,
            duration_for_end: d,
            dtstart_in_utc_offset_zone: e,
        }
    })
}

fn rule_text(rule: &Rule, rewrite: Option<&Rewrite>, until: Option<&str>) -> String {
    let mut parts = vec![format!("FREQ={}", if rule.weekly { "WEEKLY" } else { "DAILY" })];
    let spell = rewrite.is_some_and(|r| r.spell_defaults);
    if rule.interval != 1 || spell {
        parts.push(format!("INTERVAL={}", rule.interval));
    }
    if rule.weekly {
        let mut days = rule.days.clone();
        if rewrite.is_some_and(|r| r.reverse_days) {
            days.reverse();
        }
        parts.push(format!("BYDAY={}", days.join(",")));
        if spell {
            parts.push("WKST=MO".into());
        }
    }
    match until {
        Some(until) => parts.push(format!("UNTIL={until}")),
        None => parts.push(format!("COUNT={}", rule.count)),
    }
    parts.join(";")
}

fn series(rule: &str, start: &str, end: &str, partstat: &str) -> String {
    vevent(
        None,
        &[
            "UID:meaning@example.com",
            "DTSTAMP:20250301T090000Z",
            start,
            end,
            &format!("RRULE:{rule}"),
            "SUMMARY:Series",
            "ORGANIZER:mailto:alice@example.com",
            "ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com",
            &format!("ATTENDEE;PARTSTAT={partstat}:mailto:bob@example.com"),
        ],
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// RFC 5546 §2.1.4, RFC 6638 §3.2.8: saving a series whose rule,
    /// times and attendees mean what the stored ones mean sends nothing,
    /// keeps SEQUENCE and keeps Bob's answer.
    #[test]
    fn a_rewrite_with_the_same_meaning_sends_nothing(rule in rule(), rewrite in rewrite()) {
        let mut w = World::new();
        let (start, end) = ("DTSTART:20250310T140000Z", "DTEND:20250310T150000Z");
        w.save("alice@example.com", &series(&rule_text(&rule, None, None), start, end, "NEEDS-ACTION"));
        w.outgoing();
        let stored = w.object("alice@example.com", "meaning@example.com");
        let options = imip_core::freebusy::Expansion {
            zone: chrono_tz::UTC,
            from: Timestamp::from_seconds(i64::MIN),
            until: Timestamp::from_seconds(i64::MAX),
            max_occurrences: 1000,
            max_scan: 20_000,
        };
        let last = imip_core::freebusy::expand(&stored, &options).occurrences.last().map(|o| o.start).unwrap();
        // Bob's answer, as A's copy holds it after his REPLY.
        w.save("alice@example.com", &series(&rule_text(&rule, None, None), start, end, "ACCEPTED"));
        w.outgoing();
        let sequence = w.sequence("alice@example.com", "meaning@example.com");

        let until = rewrite.until_for_count.then(|| last.to_ical());
        let rule = rule_text(&rule, Some(&rewrite), until.as_deref());
        let start = if rewrite.dtstart_in_utc_offset_zone { "DTSTART;TZID=Etc/GMT-2:20250310T160000" } else { start };
        let end = if rewrite.duration_for_end { "DURATION:PT1H" } else { end };
        let report = w.save("alice@example.com", &series(&rule, start, end, "ACCEPTED"));
        prop_assert!(w.outgoing().is_empty(), "{rule}: {report:?}");
        prop_assert_eq!(w.sequence("alice@example.com", "meaning@example.com"), sequence);
        prop_assert_eq!(w.partstat("alice@example.com", "meaning@example.com", "bob@example.com"), PartStat::Accepted);
    }

    /// And a real change (one occurrence more) is a change.
    #[test]
    fn one_occurrence_more_is_a_change(rule in rule()) {
        let mut w = World::new();
        let (start, end) = ("DTSTART:20250310T140000Z", "DTEND:20250310T150000Z");
        w.save("alice@example.com", &series(&rule_text(&rule, None, None), start, end, "ACCEPTED"));
        w.outgoing();
        let longer = Rule { count: rule.count + 1, ..rule.clone() };
        w.save("alice@example.com", &series(&rule_text(&longer, None, None), start, end, "ACCEPTED"));
        prop_assert!(!w.outgoing().is_empty());
        prop_assert_eq!(w.sequence("alice@example.com", "meaning@example.com"), 1);
    }
}

/// Cases the redelivery property found once: an override stored alone,
/// then a CANCEL of the series, twice. The second CANCEL changes nothing.
#[test]
fn a_series_cancel_after_an_override_alone_is_idempotent() {
    for override_sequence in [0u8, 2] {
        let mut w = World::new();
        let first = Msg {
            method: "REQUEST",
            sequence: override_sequence,
            stamp: 0,
            hour: 8,
            recurring: true,
            instance: Some(0),
        };
        let cancel =
            Msg { method: "CANCEL", sequence: 0, stamp: 0, hour: 8, recurring: false, instance: None };
        w.receive("bob@example.com", "alice@example.com", &render(&first));
        w.receive("bob@example.com", "alice@example.com", &render(&cancel));
        let again = w.receive("bob@example.com", "alice@example.com", &render(&cancel));
        assert!(
            again.outcome.effects.is_empty(),
            "override SEQUENCE {override_sequence}: {:?}",
            again.outcome.effects
        );
    }
}
