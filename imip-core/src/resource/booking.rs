//! What a resource is asked to book: the facts the policies judge,
//! read from the resource's copy of the object.

use crate::freebusy::{Expansion, PerComponent, expand};
use crate::model::component;
use crate::model::{ComponentKind, InstanceId, SchedulingObject};
use crate::{CalAddress, Timestamp};
use calcard::icalendar::{ICalendarProperty, ICalendarValue};

/// One instance to book, `[start, end)` in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot {
    /// The instance: the master of a single event, or an occurrence.
    pub id: InstanceId,
    /// Start.
    pub start: Timestamp,
    /// End.
    pub end: Timestamp,
}

impl Slot {
    /// Length in seconds.
    pub fn seconds(&self) -> i64 {
        self.end.seconds().saturating_sub(self.start.seconds())
    }
}

/// A booking request as the policies see it.
#[derive(Debug, Clone)]
pub struct Booking {
    /// The object's UID.
    pub uid: String,
    /// Who asks.
    pub organizer: CalAddress,
    /// The resource asked.
    resource: CalAddress,
    /// The resource's copy it was read from (shared, not copied).
    object: SchedulingObject,
    /// The instances addressed to the resource and not cancelled, within
    /// the expansion window, in order.
    pub slots: Vec<Slot>,
    /// Whether the object recurs (RRULE or RDATE, or several instances).
    pub recurring: bool,
    /// An RRULE with neither COUNT nor UNTIL.
    pub open_ended: bool,
    /// Whether [`Booking::slots`] holds every instance (the expansion
    /// reached neither its horizon nor its caps).
    pub complete: bool,
    /// How far the instances were expanded.
    pub checked_until: Timestamp,
    /// Given as dates (all-day).
    pub all_day: bool,
    /// TRANSP:TRANSPARENT: takes no time (RFC 5545 §3.8.2.7).
    pub transparent: bool,
    /// Set when the resource got the request by delegation (RFC 5546
    /// §2.1.2): it is not passed on again.
    pub delegated_from: Option<CalAddress>,
}

impl Booking {
    /// The booking `resource` is asked for in its copy `object`,
    /// expanded within `expansion`; `None` when the object is not an
    /// event with an organizer.
    pub fn from_object(
        resource: &CalAddress,
        object: &SchedulingObject,
        expansion: &Expansion,
    ) -> Option<Booking> {
        if object.kind() != ComponentKind::Event {
            return None;
        }
        let organizer = object.organizer_address()?;
        let expanded = expand(object, expansion);
        let mut booked = PerComponent::new();
        let mut slots: Vec<Slot> = expanded
            .occurrences
            .iter()
            .filter(|o| {
                *booked.get(o.component, || {
                    !component::is_cancelled(o.component) && component::lists_attendee(o.component, resource)
                })
            })
            .map(|o| Slot {
                id: o.recurrence_id.map(InstanceId::occurrence).unwrap_or(InstanceId::Master),
                start: o.start,
                end: o.end,
            })
            .collect();
        slots.sort();
        slots.dedup();
        let main = object.main_component();
        let rule = object
            .master()
            .and_then(|m| m.property(&ICalendarProperty::Rrule))
            .and_then(|e| e.values.first());
        let open_ended =
            matches!(rule, Some(ICalendarValue::RecurrenceRule(r)) if r.count.is_none() && r.until.is_none());
        let recurring = object.is_recurring() || object.instance_ids().count() > 1;
        let all_day = main
            .property(&ICalendarProperty::Dtstart)
            .and_then(|e| e.values.first())
            .and_then(|v| v.as_partial_date_time())
            .is_some_and(|d| d.hour.is_none());
        let delegated_from = object
            .instances()
            .filter_map(|(_, c)| component::attendee_entry(c, resource))
            .find_map(|e| component::entry_delegated_from(e).into_iter().next());
        Some(Booking {
            uid: object.uid().to_string(),
            organizer,
            resource: resource.clone(),
            object: object.clone(),
            slots,
            recurring,
            open_ended,
            complete: expanded.complete,
            checked_until: expansion.until,
            all_day,
            transparent: crate::freebusy::is_transparent(main),
            delegated_from,
        })
    }

    /// The other attendees (neither the resource nor the organizer), in
    /// order: read when a policy asks, since most never do.
    pub fn attendees(&self) -> Vec<CalAddress> {
        let listed = self.object.attendee_addresses().into_iter();
        listed.filter(|a| *a != self.resource && *a != self.organizer).collect()
    }
}
