//! How much a change between two versions of an instance matters
//! (RFC 5546 §2.1.4; RFC 6638 §3.2.8, §3.2.10).
//!
//! * **Reschedule**: DTSTART, DTEND, DURATION, DUE, RRULE, RDATE, EXDATE
//!   changed. SEQUENCE goes up and attendees' PARTSTAT is reset.
//! * **Sequence**: STATUS or a configured property (LOCATION by default)
//!   changed. SEQUENCE goes up (ITIP-SEQ-1, ITIP-SEQ-2).
//! * **Significant**: what attendees see changed (SUMMARY, DESCRIPTION,
//!   the attendee list, …). A message is sent; SEQUENCE stays.
//! * **Inconsequential**: anything else (other attendees' PARTSTAT,
//!   alarms, X- properties, LAST-MODIFIED). Nothing is sent.
//!
//! Date-times compare as instants, so re-encoding a TZID is not a change.

use crate::model::component::{attendees, instant_of};
use crate::{Config, Timestamp};
use calcard::common::IanaParse;
use calcard::icalendar::{ICalendarComponent, ICalendarProperty, ICalendarValue};
use std::collections::BTreeSet;

/// The class of a change, in increasing order of consequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ChangeClass {
    None,
    Inconsequential,
    Significant,
    Sequence,
    Reschedule,
}

/// The properties whose change reschedules (RFC 6638 §3.2.8).
pub(crate) const RESCHEDULE_PROPERTIES: &[ICalendarProperty] = &[
    ICalendarProperty::Dtstart,
    ICalendarProperty::Dtend,
    ICalendarProperty::Duration,
    ICalendarProperty::Due,
    ICalendarProperty::Rrule,
    ICalendarProperty::Rdate,
    ICalendarProperty::Exdate,
];

/// Properties attendees see; a change is worth a message.
const VISIBLE_PROPERTIES: &[ICalendarProperty] = &[
    ICalendarProperty::Summary,
    ICalendarProperty::Description,
    ICalendarProperty::Location,
    ICalendarProperty::Priority,
    ICalendarProperty::Class,
    ICalendarProperty::Attach,
    ICalendarProperty::Categories,
    ICalendarProperty::Url,
    ICalendarProperty::Geo,
    ICalendarProperty::Resources,
    ICalendarProperty::Conference,
    ICalendarProperty::Status,
];

/// The first property whose change has the highest class, and the class.
pub(crate) fn classify(
    config: &Config,
    old: (&ICalendarComponent, &crate::model::Zones),
    new: (&ICalendarComponent, &crate::model::Zones),
) -> (ChangeClass, Option<String>) {
    if let Some(property) = rescheduled(old, new) {
        return (ChangeClass::Reschedule, Some(name_of(&property)));
    }
    let status = ICalendarProperty::Status;
    if property_key(old.0, &status, old.1) != property_key(new.0, &status, new.1) {
        return (ChangeClass::Sequence, Some("STATUS".into()));
    }
    for name in &config.extra_sequence_properties {
        let property =
            ICalendarProperty::parse(name.as_bytes()).unwrap_or(ICalendarProperty::Other(name.clone()));
        if property_key(old.0, &property, old.1) != property_key(new.0, &property, new.1) {
            return (ChangeClass::Sequence, Some(name.to_uppercase()));
        }
    }
    for property in VISIBLE_PROPERTIES {
        if property_key(old.0, property, old.1) != property_key(new.0, property, new.1) {
            return (ChangeClass::Significant, Some(name_of(property)));
        }
    }
    if roster(old.0) != roster(new.0) {
        return (ChangeClass::Significant, Some("ATTENDEE".into()));
    }
    if old.0.entries != new.0.entries {
        return (ChangeClass::Inconsequential, None);
    }
    (ChangeClass::None, None)
}

/// The property that reschedules, if the times of `old` and `new` differ
/// in meaning: their occurrences (start and end of each, from DTSTART,
/// DTEND or DURATION, RRULE, RDATE and EXDATE), DATE against DATE-TIME,
/// and DUE. Two RRULEs that give the same occurrences are the same rule
/// (a default INTERVAL=1 or WKST=MO spelled out, BYDAY in another order, a
/// COUNT against the UNTIL it implies); so are a DURATION and the DTEND
/// it reaches, and one instant written in two zones. An endless series is
/// compared on its first occurrences and on its rule, normalised.
fn rescheduled(
    old: (&ICalendarComponent, &crate::model::Zones),
    new: (&ICalendarComponent, &crate::model::Zones),
) -> Option<ICalendarProperty> {
    let first_changed = || {
        RESCHEDULE_PROPERTIES
            .iter()
            .find(|p| property_key(old.0, p, old.1) != property_key(new.0, p, new.1))
            .cloned()
    };
    // Text-identical times are the same times; only a difference needs
    // the expansion.
    let changed = first_changed()?;
    let is_date = |c: &ICalendarComponent| {
        c.property(&ICalendarProperty::Dtstart)
            .and_then(|e| e.values.first())
            .is_some_and(|v| matches!(v, ICalendarValue::PartialDateTime(d) if d.hour.is_none()))
    };
    let due = ICalendarProperty::Due;
    if is_date(old.0) != is_date(new.0)
        || property_key(old.0, &due, old.1) != property_key(new.0, &due, new.1)
    {
        return Some(changed);
    }
    let (before, before_complete) = occurrences(old.0, old.1);
    let (after, after_complete) = occurrences(new.0, new.1);
    if before.is_empty() || before != after {
        return Some(changed);
    }
    if before_complete && after_complete {
        return None;
    }
    // Endless: the same first occurrences, and the same rule once
    // normalised.
    (normal_rule(old.0) != normal_rule(new.0)).then_some(changed)
}

/// How many occurrences decide whether two series mean the same.
const COMPARED_OCCURRENCES: usize = 1_000;

/// The (start, end) of each occurrence of a master (or of an override,
/// alone), from its own DTSTART, read in UTC where floating; and whether
/// that is all of them.
fn occurrences(
    component: &ICalendarComponent,
    zones: &crate::model::Zones,
) -> (Vec<(Timestamp, Timestamp)>, bool) {
    let options = crate::freebusy::Expansion {
        zone: chrono_tz::UTC,
        from: Timestamp::from_seconds(i64::MIN),
        until: Timestamp::from_seconds(i64::MAX),
        max_occurrences: COMPARED_OCCURRENCES,
        max_scan: 20 * COMPARED_OCCURRENCES,
    };
    let expanded =
        crate::freebusy::expand_components(&[(crate::model::InstanceId::Master, component)], zones, &options);
    (expanded.occurrences.iter().map(|o| (o.start, o.end)).collect(), expanded.complete)
}

/// An RRULE with its defaults made explicit and its lists sorted, so that
/// two spellings of one rule compare equal.
fn normal_rule(component: &ICalendarComponent) -> Option<String> {
    let entry = component.property(&ICalendarProperty::Rrule)?;
    let ICalendarValue::RecurrenceRule(rule) = entry.values.first()? else { return None };
    let mut rule = (**rule).clone();
    rule.interval = Some(rule.interval.unwrap_or(1));
    rule.wkst = Some(rule.wkst.unwrap_or(calcard::icalendar::ICalendarWeekday::Monday));
    rule.bysecond.sort_unstable();
    rule.bysecond.dedup();
    rule.byminute.sort_unstable();
    rule.byminute.dedup();
    rule.byhour.sort_unstable();
    rule.byhour.dedup();
    rule.byday.sort_unstable();
    rule.byday.dedup();
    rule.bymonthday.sort_unstable();
    rule.bymonthday.dedup();
    rule.byyearday.sort_unstable();
    rule.byyearday.dedup();
    rule.byweekno.sort_unstable();
    rule.byweekno.dedup();
    rule.bymonth.sort_unstable();
    rule.bymonth.dedup();
    rule.bysetpos.sort_unstable();
    rule.bysetpos.dedup();
    Some(rule.to_string())
}

/// The new EXDATE instants, if the only reschedule-class change between
/// the two masters is that EXDATEs were added (instances cancelled).
pub(crate) fn only_exdates_added(
    old: (&ICalendarComponent, &crate::model::Zones),
    new: (&ICalendarComponent, &crate::model::Zones),
) -> Option<Vec<Timestamp>> {
    let others_same = RESCHEDULE_PROPERTIES
        .iter()
        .filter(|p| **p != ICalendarProperty::Exdate)
        .all(|p| property_key(old.0, p, old.1) == property_key(new.0, p, new.1));
    let before = date_set(old.0, &ICalendarProperty::Exdate, old.1);
    let after = date_set(new.0, &ICalendarProperty::Exdate, new.1);
    (others_same && before.is_subset(&after) && before != after)
        .then(|| after.difference(&before).copied().collect())
}

/// The new RDATE instants, if the only reschedule-class change between
/// the two masters is that RDATEs were added (instances added: ADD).
pub(crate) fn only_rdates_added(
    old: (&ICalendarComponent, &crate::model::Zones),
    new: (&ICalendarComponent, &crate::model::Zones),
) -> Option<Vec<Timestamp>> {
    let others_same = RESCHEDULE_PROPERTIES
        .iter()
        .filter(|p| **p != ICalendarProperty::Rdate)
        .all(|p| property_key(old.0, p, old.1) == property_key(new.0, p, new.1));
    let before = date_set(old.0, &ICalendarProperty::Rdate, old.1);
    let after = date_set(new.0, &ICalendarProperty::Rdate, new.1);
    (others_same && before.is_subset(&after) && before != after)
        .then(|| after.difference(&before).copied().collect())
}

/// The instants listed by a date-valued property (EXDATE, RDATE).
pub(crate) fn date_set(
    component: &ICalendarComponent,
    property: &ICalendarProperty,
    zones: &crate::model::Zones,
) -> BTreeSet<Timestamp> {
    component
        .properties(property)
        .flat_map(|e| {
            let tz = e.tz_id();
            e.values.iter().filter_map(move |v| match v {
                ICalendarValue::PartialDateTime(dt) => instant_of(dt, tz, zones),
                ICalendarValue::Period(p) => match p {
                    calcard::icalendar::ICalendarPeriod::Range { start, .. }
                    | calcard::icalendar::ICalendarPeriod::Duration { start, .. } => {
                        instant_of(start, tz, zones)
                    }
                },
                _ => None,
            })
        })
        .collect()
}

/// A comparable rendering of a property's values: instants for
/// date-times (and DATE-ness), text for the rest, sorted.
fn property_key(
    component: &ICalendarComponent,
    property: &ICalendarProperty,
    zones: &crate::model::Zones,
) -> Vec<String> {
    let mut keys: Vec<String> = component
        .properties(property)
        .flat_map(|e| {
            let tz = e.tz_id();
            e.values.iter().map(move |v| match v {
                ICalendarValue::PartialDateTime(dt) => match instant_of(dt, tz, zones) {
                    Some(at) if dt.hour.is_none() => format!("D{}", at.seconds()),
                    Some(at) => format!("T{}", at.seconds()),
                    None => format!("?{}", date_text(dt)),
                },
                ICalendarValue::Text(t) => t.trim().to_string(),
                other => value_text(other),
            })
        })
        .collect();
    keys.sort();
    keys
}

/// A value as text, for comparison: its iCalendar form where calcard
/// writes one, never a `Debug` rendering.
fn value_text(value: &ICalendarValue) -> String {
    use calcard::common::IanaString;
    match value {
        ICalendarValue::Binary(bytes) => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        ICalendarValue::Boolean(b) => b.to_string(),
        ICalendarValue::Uri(calcard::icalendar::Uri::Location(text)) => text.clone(),
        ICalendarValue::Uri(calcard::icalendar::Uri::Data(data)) => format!(
            "data:{};{}",
            data.content_type.as_deref().unwrap_or_default(),
            data.data.iter().map(|b| format!("{b:02x}")).collect::<String>()
        ),
        ICalendarValue::PartialDateTime(dt) => date_text(dt),
        ICalendarValue::Duration(d) => d.to_string(),
        ICalendarValue::RecurrenceRule(rule) => rule.to_string(),
        ICalendarValue::Period(period) => period.to_string(),
        ICalendarValue::Float(f) => f.to_string(),
        ICalendarValue::Integer(i) => i.to_string(),
        ICalendarValue::Text(t) => t.trim().to_string(),
        ICalendarValue::CalendarScale(v) => v.as_str().to_string(),
        ICalendarValue::Method(v) => v.as_str().to_string(),
        ICalendarValue::Classification(v) => v.as_str().to_string(),
        ICalendarValue::Status(v) => v.as_str().to_string(),
        ICalendarValue::Transparency(v) => v.as_str().to_string(),
        ICalendarValue::Action(v) => v.as_str().to_string(),
        ICalendarValue::BusyType(v) => v.as_str().to_string(),
        ICalendarValue::ParticipantType(v) => v.as_str().to_string(),
        ICalendarValue::ResourceType(v) => v.as_str().to_string(),
        ICalendarValue::Proximity(v) => v.as_str().to_string(),
    }
}

/// A date or date-time that could not be read as an instant, field by
/// field ("-" for a field it lacks).
fn date_text(dt: &calcard::common::PartialDateTime) -> String {
    let field = |value: Option<u64>| value.map_or("-".to_string(), |v| v.to_string());
    format!(
        "{}-{}-{} {}:{}:{}",
        field(dt.year.map(u64::from)),
        field(dt.month.map(u64::from)),
        field(dt.day.map(u64::from)),
        field(dt.hour.map(u64::from)),
        field(dt.minute.map(u64::from)),
        field(dt.second.map(u64::from))
    )
}

/// Who is invited and in what role; PARTSTAT and RSVP are not part of it.
fn roster(component: &ICalendarComponent) -> BTreeSet<(String, bool, Vec<String>, Vec<String>)> {
    attendees(component)
        .into_iter()
        .map(|p| {
            (
                p.address.to_string(),
                p.is_resource,
                p.delegated_to.iter().map(|a| a.to_string()).collect(),
                p.delegated_from.iter().map(|a| a.to_string()).collect(),
            )
        })
        .collect()
}

fn name_of(property: &ICalendarProperty) -> String {
    property.as_str().to_string()
}
