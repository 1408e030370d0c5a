//! Recurrence expansion for free/busy (RFC 5545 §3.8.5): zones, DST,
//! all-day and floating events, exceptions, and bounds.

use imip_core::freebusy::{Expansion, FbType, FreeBusyConfig, expand, own_periods};
use imip_core::{CalAddress, SchedulingObject, Timestamp};
use std::collections::BTreeMap;

fn at(text: &str) -> Timestamp {
    Timestamp::parse_utc(text).expect("UTC date-time")
}

fn object(body: &str) -> SchedulingObject {
    let text = format!(
        "BEGIN:VCALENDAR\r\nPRODID:-//t//t//EN\r\nVERSION:2.0\r\n{}END:VCALENDAR\r\n",
        body.replace('\n', "\r\n")
    );
    SchedulingObject::parse(&text).expect("object")
}

fn event(lines: &str) -> SchedulingObject {
    object(&format!(
        "BEGIN:VEVENT\nUID:r@example.com\nDTSTAMP:20250101T000000Z\nORGANIZER:mailto:alice@example.com\n{lines}END:VEVENT\n"
    ))
}

fn expansion(zone: &str) -> Expansion {
    let mut prefs = BTreeMap::new();
    prefs.insert("TZID".to_string(), zone.to_string());
    FreeBusyConfig::default().expansion(&prefs, at("20260101T000000Z"))
}

fn starts(object: &SchedulingObject, expansion: &Expansion) -> Vec<(String, String)> {
    expand(object, expansion).occurrences.iter().map(|o| (o.start.to_ical(), o.end.to_ical())).collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn a_weekly_rule_keeps_its_local_time_across_a_dst_change() {
    let weekly = event(
        "DTSTART;TZID=Europe/Berlin:20250320T100000\nDTEND;TZID=Europe/Berlin:20250320T110000\n\
         RRULE:FREQ=WEEKLY;COUNT=3\n",
    );
    assert_eq!(
        starts(&weekly, &expansion("UTC")),
        pairs(&[
            ("20250320T090000Z", "20250320T100000Z"),
            ("20250327T090000Z", "20250327T100000Z"),
            ("20250403T080000Z", "20250403T090000Z"),
        ])
    );
}

#[test]
fn exdate_rdate_periods_and_overrides_shape_the_set() {
    let series = object(
        "BEGIN:VEVENT\nUID:r@example.com\nDTSTAMP:20250101T000000Z\n\
         DTSTART:20250310T140000Z\nDTEND:20250310T150000Z\nRRULE:FREQ=DAILY;COUNT=4\n\
         EXDATE:20250311T140000Z\nRDATE;VALUE=PERIOD:20250320T090000Z/20250320T120000Z\nEND:VEVENT\n\
         BEGIN:VEVENT\nUID:r@example.com\nDTSTAMP:20250101T000000Z\nRECURRENCE-ID:20250312T140000Z\n\
         DTSTART:20250312T160000Z\nDTEND:20250312T163000Z\nEND:VEVENT\n",
    );
    let expanded = expand(&series, &expansion("UTC"));
    assert!(expanded.complete);
    let found: Vec<_> = expanded
        .occurrences
        .iter()
        .map(|o| (o.start.to_ical(), o.end.to_ical(), o.recurrence_id.map(|r| r.to_ical())))
        .collect();
    let expected = [
        ("20250310T140000Z", "20250310T150000Z", "20250310T140000Z"),
        ("20250312T160000Z", "20250312T163000Z", "20250312T140000Z"),
        ("20250313T140000Z", "20250313T150000Z", "20250313T140000Z"),
        ("20250320T090000Z", "20250320T120000Z", "20250320T090000Z"),
    ];
    let expected: Vec<_> =
        expected.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), Some(c.to_string()))).collect();
    assert_eq!(found, expected);
}

/// RFC 5545 §3.8.5.2: the recurrence set is the union of DTSTART, RDATE
/// and RRULE dates, each instance once. An RDATE that repeats DTSTART or
/// a rule date, or comes before them, is not a second instance; an
/// RDATE period sets the length of the instance it names.
#[test]
fn an_instance_named_twice_is_one_instance() {
    let series = event(
        "DTSTART:20250310T140000Z\nDTEND:20250310T150000Z\nRRULE:FREQ=DAILY;COUNT=3\n\
         RDATE:20250312T140000Z,20250301T140000Z,20250310T140000Z\n\
         RDATE;VALUE=PERIOD:20250311T140000Z/20250311T170000Z\n",
    );
    assert_eq!(
        starts(&series, &expansion("UTC")),
        pairs(&[
            ("20250301T140000Z", "20250301T150000Z"),
            ("20250310T140000Z", "20250310T150000Z"),
            ("20250311T140000Z", "20250311T170000Z"),
            ("20250312T140000Z", "20250312T150000Z"),
        ])
    );
}

#[test]
fn all_day_and_floating_events_are_read_in_the_principals_zone() {
    let all_day = event("DTSTART;VALUE=DATE:20250309\nDTEND;VALUE=DATE:20250311\n");
    // New York changes to EDT on 2025-03-09: the two days are 47 hours.
    assert_eq!(
        starts(&all_day, &expansion("America/New_York")),
        pairs(&[("20250309T050000Z", "20250311T040000Z")])
    );
    // 02:30 does not exist in Berlin on 2025-03-30: it moves forward by
    // the gap, to 03:30 CEST (RFC 5545 §3.3.5).
    let floating = event("DTSTART:20250330T023000\nDURATION:PT1H\n");
    assert_eq!(
        starts(&floating, &expansion("Europe/Berlin")),
        pairs(&[("20250330T013000Z", "20250330T023000Z")])
    );
    assert_eq!(starts(&floating, &expansion("UTC")), pairs(&[("20250330T023000Z", "20250330T033000Z")]));
}

#[test]
fn a_nominal_day_duration_follows_the_wall_clock() {
    // P1D from 10:00 on the day before the change ends at 10:00 local.
    let day = event("DTSTART;TZID=Europe/Berlin:20250329T100000\nDURATION:P1D\n");
    assert_eq!(starts(&day, &expansion("UTC")), pairs(&[("20250329T090000Z", "20250330T080000Z")]));
}

#[test]
fn until_as_a_date_includes_that_whole_day() {
    let daily = event(
        "DTSTART;TZID=Europe/Berlin:20250310T100000\nDTEND;TZID=Europe/Berlin:20250310T110000\n\
         RRULE:FREQ=DAILY;UNTIL=20250312\n",
    );
    assert_eq!(starts(&daily, &expansion("UTC")).len(), 3);
}

#[test]
fn an_endless_secondly_rule_stops_at_the_bounds() {
    let runaway = event("DTSTART:20250310T100000Z\nDURATION:PT1S\nRRULE:FREQ=SECONDLY\n");
    let bounds = expansion("UTC");
    let expanded = expand(&runaway, &bounds);
    assert!(!expanded.complete);
    assert_eq!(expanded.occurrences.len(), bounds.max_occurrences);
}

#[test]
fn an_open_ended_series_stops_at_the_horizon_and_says_so() {
    let weekly = event("DTSTART:20250310T100000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY\n");
    let bounds = expansion("UTC");
    let expanded = expand(&weekly, &bounds);
    assert!(!expanded.complete);
    let last = expanded.occurrences.last().expect("some");
    assert!(last.start < bounds.until);
    assert!(last.start.seconds() + 7 * 86_400 >= bounds.until.seconds());
}

#[test]
fn declined_transparent_and_cancelled_occurrences_are_free() {
    let bob = CalAddress::parse("bob@example.com").expect("bob");
    let series = object(
        "BEGIN:VEVENT\nUID:r@example.com\nDTSTAMP:20250101T000000Z\nORGANIZER:mailto:alice@example.com\n\
         ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com\n\
         DTSTART:20250310T140000Z\nDTEND:20250310T150000Z\nRRULE:FREQ=DAILY;COUNT=4\nEND:VEVENT\n\
         BEGIN:VEVENT\nUID:r@example.com\nDTSTAMP:20250101T000000Z\nORGANIZER:mailto:alice@example.com\n\
         ATTENDEE;PARTSTAT=DECLINED:mailto:bob@example.com\nRECURRENCE-ID:20250311T140000Z\n\
         DTSTART:20250311T140000Z\nDTEND:20250311T150000Z\nEND:VEVENT\n\
         BEGIN:VEVENT\nUID:r@example.com\nDTSTAMP:20250101T000000Z\nORGANIZER:mailto:alice@example.com\n\
         ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com\nRECURRENCE-ID:20250312T140000Z\nTRANSP:TRANSPARENT\n\
         DTSTART:20250312T140000Z\nDTEND:20250312T150000Z\nEND:VEVENT\n\
         BEGIN:VEVENT\nUID:r@example.com\nDTSTAMP:20250101T000000Z\nORGANIZER:mailto:alice@example.com\n\
         ATTENDEE;PARTSTAT=TENTATIVE:mailto:bob@example.com\nRECURRENCE-ID:20250313T140000Z\n\
         DTSTART:20250313T140000Z\nDTEND:20250313T150000Z\nEND:VEVENT\n",
    );
    let periods = own_periods(&bob, &series, &expansion("UTC"));
    let found: Vec<_> = periods.iter().map(|p| (p.start.to_ical(), p.fbtype)).collect();
    assert_eq!(
        found,
        vec![
            ("20250310T140000Z".to_string(), FbType::Busy),
            ("20250313T140000Z".to_string(), FbType::BusyTentative)
        ]
    );
}

mod dst_agreement {
    //! One reading of local times (RFC 5545 §3.3.5) everywhere: a single
    //! event's DTSTART, a recurrence instance and an EXDATE naming the
    //! same local time denote the same instant, on days with DST gaps of
    //! 30 and 60 minutes and with overlaps.
    use super::*;
    use proptest::prelude::*;

    /// Zones, and a day on which their clocks jump (gap) or fall back
    /// (overlap), in 2025.
    const DAYS: &[(&str, &str)] = &[
        ("Australia/Lord_Howe", "20251005"),
        ("Australia/Lord_Howe", "20250406"),
        ("America/New_York", "20250309"),
        ("America/New_York", "20251102"),
        ("Europe/Berlin", "20250330"),
        ("Europe/Berlin", "20251026"),
        ("Asia/Tehran", "20250321"),
    ];

    fn local(date: &str, minute: u32) -> String {
        format!("{date}T{:02}{:02}00", minute / 60, minute % 60)
    }

    fn shift(date: &str, days: i64) -> String {
        let day = chrono::NaiveDate::parse_from_str(date, "%Y%m%d").expect("date");
        (day + chrono::TimeDelta::days(days)).format("%Y%m%d").to_string()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

        #[test]
        fn single_events_instances_and_exdates_agree(day in 0..DAYS.len(), minute in 0u32..1440) {
            let (zone, date) = DAYS[day];
            let time = local(date, minute);
            let single = event(&format!(
                "DTSTART;TZID={zone}:{time}\nDURATION:PT15M\n"
            ));
            let (instant, _) = single.first_span().expect("a start");
            // A daily series from two days before, at the same local time.
            let start = local(&shift(date, -2), minute);
            let series = event(&format!(
                "DTSTART;TZID={zone}:{start}\nDURATION:PT15M\nRRULE:FREQ=DAILY;COUNT=5\n"
            ));
            let expanded = expand(&series, &expansion("UTC")).occurrences;
            prop_assert_eq!(expanded.len(), 5);
            prop_assert_eq!(expanded[2].start, instant, "{} {} in {}", date, time, zone);
            // An EXDATE with that local time removes exactly that instance.
            let excluded = event(&format!(
                "DTSTART;TZID={zone}:{start}\nDURATION:PT15M\nRRULE:FREQ=DAILY;COUNT=5\nEXDATE;TZID={zone}:{time}\n"
            ));
            let left = expand(&excluded, &expansion("UTC")).occurrences;
            prop_assert_eq!(left.len(), 4, "{} {} in {}: EXDATE missed", date, time, zone);
            prop_assert!(left.iter().all(|o| o.start != instant));
        }
    }
}
