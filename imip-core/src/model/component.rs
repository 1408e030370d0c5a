//! Small, named reads and edits of one calcard component.
//!
//! Decision code calls these instead of matching on raw entries, so the
//! rules (which property, which default, which parameter) live in one
//! place. Properties and parameters imip adds for its own bookkeeping are
//! named `X-IMIP-*` and are stripped from every message sent.

use super::participant::Participant;
pub(crate) use super::participant::{entry_delegated_from, entry_is, entry_partstat};
use super::{InstanceId, PartStat};
use crate::{CalAddress, Timestamp};
use calcard::common::PartialDateTime;
use calcard::icalendar::{
    ICalendarComponent, ICalendarEntry, ICalendarParameter, ICalendarParameterName, ICalendarParameterValue,
    ICalendarProperty, ICalendarStatus, ICalendarValue,
};

/// Parameter on the organizer's copy of an ATTENDEE: the SEQUENCE of the
/// last reply applied from that attendee (RFC 5546 §2.1.5, ITIP-ORD-5).
pub(crate) const REPLY_SEQUENCE: &str = "X-IMIP-REPLY-SEQUENCE";
/// Parameter on the organizer's copy of an ATTENDEE: the DTSTAMP of the
/// last reply applied from that attendee (RFC 5546 §2.1.5, ITIP-ORD-5).
pub(crate) const REPLY_DTSTAMP: &str = "X-IMIP-REPLY-DTSTAMP";
/// Parameter on the organizer's copy of a to-do's ATTENDEE: the
/// PERCENT-COMPLETE that attendee last reported in a REPLY (RFC 5546
/// §3.4.3, §4.5.4). iCalendar has no per-attendee progress property.
pub(crate) const REPLY_PERCENT_COMPLETE: &str = "X-IMIP-PERCENT-COMPLETE";
/// Parameter on the organizer's copy of a to-do's ATTENDEE: the COMPLETED
/// time that attendee last reported in a REPLY (RFC 5546 §3.4.3, §4.5.5).
pub(crate) const REPLY_COMPLETED: &str = "X-IMIP-COMPLETED";
/// Parameter on the organizer's copy of an ATTENDEE: the DTSTAMP of the
/// last REFRESH answered, so a redelivered REFRESH is not answered twice.
pub(crate) const REFRESH_DTSTAMP: &str = "X-IMIP-REFRESH-DTSTAMP";
/// Property on an attendee's copy: the DTSTAMP of a COUNTER sent and not
/// yet answered by a DECLINECOUNTER or a new REQUEST.
pub(crate) const COUNTER_SENT: &str = "X-IMIP-COUNTER-SENT";
/// On a resource's copy of a series truncated by its booking window: the
/// UTC time after which no instance is booked (the resource's own
/// free/busy stops there).
pub(crate) const BOOKED_UNTIL: &str = "X-IMIP-BOOKED-UNTIL";
/// Parameter on the organizer's copy of an ATTENDEE: the Message-IDs of
/// the last mails imip sent that attendee for the organizer (REQUEST, ADD,
/// CANCEL), oldest first, space-separated, so that a delivery report can
/// be matched to them (RFC 3464; `crate::itip::delivery`).
pub(crate) const SENT_MESSAGES: &str = "X-IMIP-SENT";
/// How many Message-IDs [`SENT_MESSAGES`] keeps per attendee.
pub(crate) const SENT_MESSAGES_KEPT: usize = 4;
/// Prefix of every imip bookkeeping name.
pub(crate) const PRIVATE_PREFIX: &str = "X-IMIP-";

/// The UID (RFC 5545 §3.8.4.7).
pub(crate) fn uid(component: &ICalendarComponent) -> Option<&str> {
    component.uid()
}

/// SEQUENCE, 0 when absent or unreadable (RFC 5545 §3.8.7.4).
pub(crate) fn sequence(component: &ICalendarComponent) -> i64 {
    component
        .property(&ICalendarProperty::Sequence)
        .and_then(|e| e.values.first())
        .and_then(|v| match v {
            ICalendarValue::Integer(i) => Some(*i),
            ICalendarValue::Text(t) => t.trim().parse().ok(),
            _ => None,
        })
        .unwrap_or(0)
        .max(0)
}

/// DTSTAMP as a UTC instant (RFC 5545 §3.8.7.2). A DTSTAMP without `Z`
/// (seen in RFC 5546 §4.7.1) is read as UTC.
pub(crate) fn dtstamp(component: &ICalendarComponent) -> Option<Timestamp> {
    let value = component
        .property(&ICalendarProperty::Dtstamp)
        .and_then(|e| e.values.first())
        .and_then(|v| v.as_partial_date_time())?;
    let dt = value.to_date_time()?;
    let utc =
        dt.date_time.and_utc().timestamp() - dt.offset.map(|o| i64::from(o.local_minus_utc())).unwrap_or(0);
    Some(Timestamp::from_seconds(utc))
}

/// The instant a DATE-TIME property denotes, resolving its TZID through
/// the object's VTIMEZONEs and calcard's name mapping (Olson, Windows),
/// or a custom VTIMEZONE's own rules ([`crate::model::Zones`]). Floating
/// and DATE values are read as UTC. A local time in a DST gap
/// moves forward by the gap (RFC 5545 §3.3.5); one in an overlap takes
/// the first occurrence.
pub(crate) fn instant(entry: &ICalendarEntry, zones: &crate::model::Zones) -> Option<Timestamp> {
    let value = entry.values.first()?.as_partial_date_time()?;
    instant_of(value, entry.tz_id(), zones)
}

/// As [`instant`], for a value and TZID given separately.
pub(crate) fn instant_of(
    value: &PartialDateTime,
    tz_id: Option<&str>,
    zones: &crate::model::Zones,
) -> Option<Timestamp> {
    let dt = value.to_date_time()?;
    if let Some(offset) = dt.offset {
        let utc = dt.date_time.and_utc().timestamp() - i64::from(offset.local_minus_utc());
        return Some(Timestamp::from_seconds(utc));
    }
    let local = dt.date_time;
    let zone = tz_id.and_then(|id| zones.resolve(id)).filter(|tz| !tz.is_floating());
    let seconds = match (zone, tz_id.and_then(|id| zones.rules(id))) {
        (Some(tz), _) => crate::time::local_instant(&tz, local).seconds(),
        // A custom VTIMEZONE with no IANA equivalent, by its own rules.
        (None, Some(rules)) => crate::time::local_instant(rules, local).seconds(),
        (None, None) => local.and_utc().timestamp(),
    };
    Some(Timestamp::from_seconds(seconds))
}

/// The [`InstanceId`] of a component: its RECURRENCE-ID, or master.
pub(crate) fn instance_id(component: &ICalendarComponent, zones: &crate::model::Zones) -> Option<InstanceId> {
    let Some(entry) = component.property(&ICalendarProperty::RecurrenceId) else {
        return Some(InstanceId::Master);
    };
    let start = instant(entry, zones)?;
    let this_and_future = entry.params.iter().any(|p| {
        p.name == ICalendarParameterName::Range
            && match &p.value {
                ICalendarParameterValue::Bool(b) => *b,
                ICalendarParameterValue::Text(t) => t.eq_ignore_ascii_case("THISANDFUTURE"),
                _ => false,
            }
    });
    Some(InstanceId::Occurrence { start, this_and_future })
}

/// STATUS (RFC 5545 §3.8.1.11).
pub(crate) fn status(component: &ICalendarComponent) -> Option<&ICalendarStatus> {
    component.status()
}

/// Whether STATUS is CANCELLED.
pub(crate) fn is_cancelled(component: &ICalendarComponent) -> bool {
    matches!(status(component), Some(ICalendarStatus::Cancelled))
}

/// The ORGANIZER property, projected.
pub(crate) fn organizer(component: &ICalendarComponent) -> Option<Participant> {
    component.property(&ICalendarProperty::Organizer).and_then(Participant::from_entry)
}

/// Every ATTENDEE with a mail address, in property order.
pub(crate) fn attendees(component: &ICalendarComponent) -> Vec<Participant> {
    component.properties(&ICalendarProperty::Attendee).filter_map(Participant::from_entry).collect()
}

/// The ATTENDEE property for `address`, if listed.
pub(crate) fn attendee(component: &ICalendarComponent, address: &CalAddress) -> Option<Participant> {
    attendee_entry(component, address).and_then(Participant::from_entry)
}

/// The ATTENDEE line that names `address`, the one `attendee(..)` reads.
pub(crate) fn attendee_entry<'a>(
    component: &'a ICalendarComponent,
    address: &CalAddress,
) -> Option<&'a ICalendarEntry> {
    component.properties(&ICalendarProperty::Attendee).find(|e| entry_is(e, address))
}

/// Whether an ATTENDEE line names `address`: `attendee(..).is_some()`
/// without reading the line's parameters.
pub(crate) fn lists_attendee(component: &ICalendarComponent, address: &CalAddress) -> bool {
    attendee_entry(component, address).is_some()
}

/// The answer of the ATTENDEE line for `address`, if listed: the
/// PARTSTAT `attendee(..)` would give, reading that parameter alone.
pub(crate) fn attendee_partstat(component: &ICalendarComponent, address: &CalAddress) -> Option<PartStat> {
    attendee_entry(component, address).map(super::participant::entry_partstat)
}

/// What an ATTENDEE line answers: PARTSTAT and DELEGATED-TO.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Answer {
    pub(crate) partstat: PartStat,
    pub(crate) delegated_to: Vec<CalAddress>,
}

/// The answer of the ATTENDEE line for `address`, if listed, as
/// `attendee(..)` would give it, reading those two parameters alone.
pub(crate) fn attendee_answer(component: &ICalendarComponent, address: &CalAddress) -> Option<Answer> {
    attendee_entry(component, address).map(|e| Answer {
        partstat: super::participant::entry_partstat(e),
        delegated_to: super::participant::entry_delegated_to(e),
    })
}

/// Mutable access to the ATTENDEE property for `address`.
pub(crate) fn attendee_entry_mut<'a>(
    component: &'a mut ICalendarComponent,
    address: &CalAddress,
) -> Option<&'a mut ICalendarEntry> {
    component.entries.iter_mut().find(|e| e.name == ICalendarProperty::Attendee && entry_is(e, address))
}

/// Mutable access to the ORGANIZER property.
pub(crate) fn organizer_entry_mut(component: &mut ICalendarComponent) -> Option<&mut ICalendarEntry> {
    component.entries.iter_mut().find(|e| e.name == ICalendarProperty::Organizer)
}

/// Removes the ATTENDEE property for `address`. Returns whether it was there.
pub(crate) fn remove_attendee(component: &mut ICalendarComponent, address: &CalAddress) -> bool {
    let before = component.entries.len();
    component.entries.retain(|e| !(e.name == ICalendarProperty::Attendee && entry_is(e, address)));
    before != component.entries.len()
}

/// Replaces every parameter called `name` on `entry` with one `value`.
pub(crate) fn set_param(
    entry: &mut ICalendarEntry,
    name: ICalendarParameterName,
    value: ICalendarParameterValue,
) {
    entry.params.retain(|p| p.name != name);
    entry.params.push(ICalendarParameter { name, value });
}

/// Removes every parameter called `name` from `entry`.
pub(crate) fn remove_param(entry: &mut ICalendarEntry, name: &ICalendarParameterName) {
    entry.params.retain(|p| &p.name != name);
}

/// Reads a text parameter.
pub(crate) fn text_param<'a>(entry: &'a ICalendarEntry, name: &str) -> Option<&'a str> {
    entry.params.iter().find_map(|p| match (&p.name, &p.value) {
        (ICalendarParameterName::Other(n), ICalendarParameterValue::Text(t))
            if n.eq_ignore_ascii_case(name) =>
        {
            Some(t.as_str())
        }
        _ => None,
    })
}

/// Sets an `X-` text parameter.
pub(crate) fn set_text_param(entry: &mut ICalendarEntry, name: &str, value: String) {
    set_param(entry, ICalendarParameterName::Other(name.to_string()), ICalendarParameterValue::Text(value));
}

/// Sets PARTSTAT on a participant entry.
pub(crate) fn set_partstat(entry: &mut ICalendarEntry, partstat: PartStat) {
    set_param(
        entry,
        ICalendarParameterName::Partstat,
        ICalendarParameterValue::Partstat(partstat.to_calcard()),
    );
}

/// Sets RSVP on a participant entry.
pub(crate) fn set_rsvp(entry: &mut ICalendarEntry, rsvp: bool) {
    set_param(entry, ICalendarParameterName::Rsvp, ICalendarParameterValue::Bool(rsvp));
}

/// The SCHEDULE-STATUS (RFC 6638 §7.3) of a participant entry, if any.
pub(crate) fn schedule_status(entry: &ICalendarEntry) -> Option<&str> {
    entry.params.iter().find_map(|p| match (&p.name, &p.value) {
        (ICalendarParameterName::ScheduleStatus, ICalendarParameterValue::Text(t)) => Some(t.as_str()),
        _ => None,
    })
}

/// Sets SCHEDULE-STATUS (RFC 6638 §7.3) on a participant entry.
pub(crate) fn set_schedule_status(entry: &mut ICalendarEntry, code: &str) {
    set_param(entry, ICalendarParameterName::ScheduleStatus, ICalendarParameterValue::Text(code.to_string()));
}

/// Replaces a single-valued property (or adds it).
pub(crate) fn set_property(
    component: &mut ICalendarComponent,
    name: ICalendarProperty,
    value: ICalendarValue,
) {
    if let Some(entry) = component.property_mut(&name) {
        entry.params.clear();
        entry.values = vec![value];
    } else {
        component.entries.push(ICalendarEntry { name, params: Vec::new(), values: vec![value] });
    }
}

/// Removes every occurrence of a property.
pub(crate) fn remove_property(component: &mut ICalendarComponent, name: &ICalendarProperty) {
    component.entries.retain(|e| &e.name != name);
}

/// Sets SEQUENCE.
pub(crate) fn set_sequence(component: &mut ICalendarComponent, sequence: i64) {
    set_property(component, ICalendarProperty::Sequence, ICalendarValue::Integer(sequence));
}

/// Sets DTSTAMP to a UTC instant.
pub(crate) fn set_dtstamp(component: &mut ICalendarComponent, at: Timestamp) {
    set_property(component, ICalendarProperty::Dtstamp, ICalendarValue::from(at.to_partial()));
}

/// Sets STATUS.
pub(crate) fn set_status(component: &mut ICalendarComponent, status: ICalendarStatus) {
    set_property(component, ICalendarProperty::Status, ICalendarValue::Status(status));
}

/// Reads an `X-` property's text.
pub(crate) fn x_property<'a>(component: &'a ICalendarComponent, name: &str) -> Option<&'a str> {
    component.entries.iter().find_map(|e| match &e.name {
        ICalendarProperty::Other(n) if n.eq_ignore_ascii_case(name) => {
            e.values.first().and_then(|v| v.as_text())
        }
        _ => None,
    })
}

/// Sets (or with `None`, removes) an `X-` property.
pub(crate) fn set_x_property(component: &mut ICalendarComponent, name: &str, value: Option<String>) {
    component
        .entries
        .retain(|e| !matches!(&e.name, ICalendarProperty::Other(n) if n.eq_ignore_ascii_case(name)));
    if let Some(value) = value {
        component.entries.push(ICalendarEntry {
            name: ICalendarProperty::Other(name.to_string()),
            params: Vec::new(),
            values: vec![ICalendarValue::Text(value)],
        });
    }
}

/// Removes imip's bookkeeping (`X-IMIP-*`) and the RFC 6638 parameters
/// that must never travel (SCHEDULE-AGENT, SCHEDULE-STATUS,
/// SCHEDULE-FORCE-SEND: RFC 6638 §7.1–§7.3).
pub(crate) fn strip_for_transport(component: &mut ICalendarComponent) {
    component.entries.retain(|e| !is_private_property(&e.name));
    for entry in &mut component.entries {
        if matches!(entry.name, ICalendarProperty::Organizer | ICalendarProperty::Attendee) {
            entry.params.retain(|p| {
                !matches!(
                    &p.name,
                    ICalendarParameterName::ScheduleAgent
                        | ICalendarParameterName::ScheduleStatus
                        | ICalendarParameterName::ScheduleForceSend
                ) && !is_private_param(&p.name)
            });
        }
    }
}

/// Removes only imip's own bookkeeping (`X-IMIP-*` properties and
/// parameters), keeping the RFC 6638 parameters a client may show.
pub(crate) fn strip_private(component: &mut ICalendarComponent) {
    component.entries.retain(|e| !is_private_property(&e.name));
    for entry in &mut component.entries {
        entry.params.retain(|p| !is_private_param(&p.name));
    }
}

/// Removes SCHEDULE-FORCE-SEND from every participant: it is a one-shot
/// request and is never stored (RFC 6638 §7.2).
pub(crate) fn strip_force_send(component: &mut ICalendarComponent) {
    for entry in &mut component.entries {
        if matches!(entry.name, ICalendarProperty::Organizer | ICalendarProperty::Attendee) {
            remove_param(entry, &ICalendarParameterName::ScheduleForceSend);
        }
    }
}

/// Whether `name` starts with imip's `X-IMIP-` prefix, in any case. Byte
/// by byte: a name from the wire may hold any UTF-8 (found by fuzzing).
fn has_private_prefix(name: &str) -> bool {
    name.as_bytes()
        .get(..PRIVATE_PREFIX.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(PRIVATE_PREFIX.as_bytes()))
}

fn is_private_property(name: &ICalendarProperty) -> bool {
    matches!(name, ICalendarProperty::Other(n) if has_private_prefix(n))
}

fn is_private_param(name: &ICalendarParameterName) -> bool {
    matches!(name, ICalendarParameterName::Other(n) if has_private_prefix(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_names_are_recognised_in_any_case_and_other_utf8_is_not_sliced() {
        assert!(has_private_prefix("X-IMIP-REPLY-SEQUENCE"));
        assert!(has_private_prefix("x-imip-completed"));
        assert!(!has_private_prefix("X-IMI"));
        // A multi-byte character straddling the prefix length (fuzz crash
        // reproducer fuzz/regressions/deliver_mail/crash-108b6d…).
        assert!(!has_private_prefix("C\u{fffd}\u{be}\u{fffd}Exam\u{fffd}le+"));
        assert!(!has_private_prefix("ÄÖÜ-IMIP-X"));
    }
}
