//! Properties (proptest): redelivery changes nothing, and a stored
//! SEQUENCE never decreases, whatever the order of arrival.

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
