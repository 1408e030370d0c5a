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
use calcard::icalendar::timezone::TzResolver;
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
    old: (&ICalendarComponent, &TzResolver<String>),
    new: (&ICalendarComponent, &TzResolver<String>),
) -> (ChangeClass, Option<String>) {
    for property in RESCHEDULE_PROPERTIES {
        if property_key(old.0, property, old.1) != property_key(new.0, property, new.1) {
            return (ChangeClass::Reschedule, Some(name_of(property)));
        }
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

/// The new EXDATE instants, if the only reschedule-class change between
/// the two masters is that EXDATEs were added (instances cancelled).
pub(crate) fn only_exdates_added(
    old: (&ICalendarComponent, &TzResolver<String>),
    new: (&ICalendarComponent, &TzResolver<String>),
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
    old: (&ICalendarComponent, &TzResolver<String>),
    new: (&ICalendarComponent, &TzResolver<String>),
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
    zones: &TzResolver<String>,
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
    zones: &TzResolver<String>,
) -> Vec<String> {
    let mut keys: Vec<String> = component
        .properties(property)
        .flat_map(|e| {
            let tz = e.tz_id();
            e.values.iter().map(move |v| match v {
                ICalendarValue::PartialDateTime(dt) => match instant_of(dt, tz, zones) {
                    Some(at) if dt.hour.is_none() => format!("D{}", at.seconds()),
                    Some(at) => format!("T{}", at.seconds()),
                    None => format!("{dt:?}"),
                },
                ICalendarValue::Text(t) => t.trim().to_string(),
                other => format!("{other:?}"),
            })
        })
        .collect();
    keys.sort();
    keys
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
