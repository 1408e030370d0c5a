//! Received messages, one module per METHOD (RFC 5546 §3.2).
//!
//! Organizer-originated methods (PUBLISH, REQUEST, ADD, CANCEL,
//! DECLINECOUNTER) are processed on the principal's copy as attendee or
//! recipient; attendee-originated ones (REPLY, COUNTER, REFRESH) on the
//! principal's organizer copy.

mod add;

pub(crate) use add::{add_instances, refresh as refresh_request};
pub(crate) mod cancel;
mod counter;
mod declinecounter;
mod publish;
mod refresh;
mod reply;
mod request;
mod vfreebusy;

use super::Ctx;
use super::compose::{self, Composer, REPLY_DETAILS};
use crate::model::component::{self, instant};
use crate::model::{ComponentKind, InstanceId, Method, PartStat, SchedulingObject};
use crate::outcome::{Notice, NoticeKind, Outcome};
use crate::{Incoming, ItipMessage, RequestStatus, Violation};
use calcard::icalendar::{
    ICalendarComponent, ICalendarDuration, ICalendarEntry, ICalendarParameterName, ICalendarProperty,
    ICalendarValue,
};

/// Whether the handler of `message` owns the stored object
/// ([`handle`]'s `stored`) rather than reading it on the record: REPLY
/// and CANCEL of a calendar component, which edit it in place.
pub(crate) fn takes_stored(message: &SchedulingObject) -> bool {
    message.kind() != ComponentKind::FreeBusy
        && matches!(message.method(), Some(Method::Reply | Method::Cancel))
}

/// Decides on one received iTIP message. When [`takes_stored`], the
/// stored object is `stored` (and absent from `ctx.record`); a handler
/// that edits it takes it, and leaves it there otherwise.
pub(crate) fn handle(ctx: &Ctx<'_>, incoming: &Incoming, stored: &mut Option<SchedulingObject>) -> Outcome {
    let message = &incoming.message;
    let Some(method) = message.method() else {
        return Outcome::refused(Violation::MissingMethod);
    };
    if !message.kind().allows(method) {
        return Outcome::refused(Violation::UnsupportedComponent { component: message.kind(), method });
    }
    if message.kind() == ComponentKind::FreeBusy {
        return vfreebusy::handle(ctx, incoming, method);
    }
    if let Err(violation) = check_limits(ctx, message) {
        return Outcome::refused(violation);
    }
    match method {
        Method::Request => request::handle(ctx, incoming),
        Method::Add => add::handle(ctx, incoming),
        Method::Cancel => cancel::handle(ctx, incoming, stored),
        Method::DeclineCounter => declinecounter::handle(ctx, incoming),
        Method::Publish => publish::handle(ctx, incoming),
        Method::Reply => reply::handle(ctx, incoming, stored),
        Method::Counter => counter::handle(ctx, incoming),
        Method::Refresh => refresh::handle(ctx, incoming),
    }
}

fn check_limits(ctx: &Ctx<'_>, message: &SchedulingObject) -> Result<(), Violation> {
    let limits = ctx.config.limits;
    if message.instance_ids().count() > limits.max_instances {
        return Err(Violation::TooLarge(crate::Limit::Components));
    }
    if message
        .instances()
        .any(|(_, c)| c.properties(&ICalendarProperty::Attendee).count() > limits.max_attendees)
    {
        return Err(Violation::TooLarge(crate::Limit::Attendees));
    }
    Ok(())
}

/// The organizer copy check shared by REPLY, COUNTER and REFRESH: we hold
/// the object and we organize it.
fn organizer_copy<'a>(
    ctx: &Ctx<'_>,
    stored: Option<&'a SchedulingObject>,
    method: Method,
) -> Result<&'a SchedulingObject, Outcome> {
    let Some(stored) = stored else {
        return Err(Outcome::unchanged(crate::Unchanged::UnknownObject));
    };
    if stored.is_organized_by(ctx.principal) {
        Ok(stored)
    } else {
        Err(Outcome::refused(Violation::MethodNotForRole { method, role: crate::Role::Attendee }))
    }
}

/// A notice from the object's organizer.
fn notice(kind: NoticeKind, object: &SchedulingObject, text: String) -> Notice {
    Notice::about(kind, object, text)
}

/// A notice from `who`.
fn notice_by(kind: NoticeKind, object: &SchedulingObject, text: String, who: &crate::CalAddress) -> Notice {
    Notice::about_by(kind, object, text, Some(who.clone()))
}

/// The REPLY an attendee's agent sends when it cannot process a REQUEST
/// from an authorized organizer (RFC 5546 §3.6, §4.4.10).
fn error_reply(ctx: &Ctx<'_>, message: &SchedulingObject, violation: &Violation) -> Option<ItipMessage> {
    let organizer = message.organizer()?;
    let status = violation.request_status();
    let mut composer = Composer::new(message, Method::Reply, &ctx.config.prodid, ctx.now);
    let id = message.instance_ids().next()?;
    let principal = ctx.principal.clone();
    composer.add(id, |c| {
        let own = component::attendee(c, &principal);
        compose::keep_carried(c, Method::Reply, REPLY_DETAILS);
        if matches!(violation, Violation::EndBeforeStart { .. }) {
            // The invalid end is what is reported; it is not copied.
            component::remove_property(c, &ICalendarProperty::Dtend);
            component::remove_property(c, &ICalendarProperty::Duration);
        }
        if let Violation::UnusableTimezone { tzid } = violation {
            // Times that cannot be placed are not copied, nor their TZID.
            c.entries.retain(|e| e.tz_id() != Some(tzid.as_str()));
        }
        if let Violation::InvalidValue { .. } = violation {
            // Nor is any invalid value (RFC 5546 §3.6: the status names it).
            crate::model::values::remove_invalid(c);
        }
        let mut entry = ICalendarEntry::new(ICalendarProperty::Attendee)
            .with_value(ICalendarValue::Text(principal.to_uri()));
        component::set_partstat(&mut entry, own.map(|p| p.partstat).unwrap_or(PartStat::NeedsAction));
        c.entries.push(entry);
        c.entries.push(request_status_entry(status, violation));
    });
    Some(ItipMessage {
        method: Method::Reply,
        from: ctx.principal.clone(),
        to: vec![organizer.address],
        uid: message.uid().to_string(),
        title: message.title(),
        significant: true,
        explanation: format!("Your request could not be processed: {violation}."),
        calendar: composer.finish(),
    })
}

pub(super) fn request_status_entry(status: RequestStatus, violation: &Violation) -> ICalendarEntry {
    ICalendarEntry {
        name: ICalendarProperty::RequestStatus,
        params: Vec::new(),
        values: vec![
            ICalendarValue::Text(status.code.to_string()),
            ICalendarValue::Text(status.description.to_string()),
            ICalendarValue::Text(violation.to_string()),
        ],
    }
}

/// Builds the component for one occurrence of a recurring object that
/// has no override yet (RFC 5546 §3.7.1): a copy of the master without
/// recurrence rules, starting at the occurrence, with the same duration.
/// Used when a reply, counter or cancel addresses a single instance.
///
/// When an earlier RANGE=THISANDFUTURE override describes the instance
/// (RFC 5545 §3.8.4.4), the copy is of that override, at the instance's
/// shifted time. The new component keeps RANGE=THISANDFUTURE when `id`
/// has it, so that it too describes the instances after it.
pub(crate) fn materialize(
    object: &SchedulingObject,
    id: InstanceId,
    recurrence_id: &ICalendarEntry,
) -> Option<ICalendarComponent> {
    let InstanceId::Occurrence { start, this_and_future } = id else {
        return None;
    };
    let master = object.master()?;
    let zones = object.zones();
    let mut rid = recurrence_id.clone();
    if !this_and_future {
        rid.params.retain(|p| p.name != ICalendarParameterName::Range);
    }
    if let Some(occurrence) = from_future_override(object, start, &rid) {
        return Some(occurrence);
    }
    let master_start = master.property(&ICalendarProperty::Dtstart).and_then(|e| instant(e, zones));
    let master_end = master.property(&ICalendarProperty::Dtend).and_then(|e| instant(e, zones));
    let mut occurrence = ICalendarComponent {
        component_type: master.component_type.clone(),
        entries: without_recurrence(master),
        component_ids: Vec::new(),
    };
    let mut dtstart = rid.clone();
    dtstart.params.retain(|p| p.name != ICalendarParameterName::Range);
    dtstart.name = ICalendarProperty::Dtstart;
    occurrence.entries.push(dtstart);
    if let (Some(ms), Some(me)) = (master_start, master_end) {
        let length = me.seconds() - ms.seconds();
        let is_date =
            rid.values.first().and_then(|v| v.as_partial_date_time()).is_some_and(|d| d.hour.is_none());
        let end = if is_date {
            ICalendarEntry {
                name: ICalendarProperty::Duration,
                params: Vec::new(),
                values: vec![ICalendarValue::Duration(ICalendarDuration::from_seconds(length))],
            }
        } else {
            let at = crate::Timestamp::from_seconds(start.seconds() + length);
            ICalendarEntry {
                name: ICalendarProperty::Dtend,
                params: Vec::new(),
                values: vec![ICalendarValue::from(at.to_partial())],
            }
        };
        occurrence.entries.push(end);
    }
    occurrence.entries.push(rid);
    Some(occurrence)
}

/// A component's entries without its recurrence and timing properties.
fn without_recurrence(component: &ICalendarComponent) -> Vec<ICalendarEntry> {
    component
        .entries
        .iter()
        .filter(|e| {
            !matches!(
                e.name,
                ICalendarProperty::Rrule
                    | ICalendarProperty::Rdate
                    | ICalendarProperty::Exdate
                    | ICalendarProperty::Exrule
                    | ICalendarProperty::RecurrenceId
                    | ICalendarProperty::Dtstart
                    | ICalendarProperty::Dtend
                    | ICalendarProperty::Duration
            )
        })
        .cloned()
        .collect()
}

/// The instance at key `start` as the latest RANGE=THISANDFUTURE override
/// before it describes it: a copy of that override, at the time the
/// expansion gives the instance (UTC, or floating for a floating
/// series). `None` when no such override precedes it.
fn from_future_override(
    object: &SchedulingObject,
    start: crate::Timestamp,
    rid: &ICalendarEntry,
) -> Option<ICalendarComponent> {
    let (_, template) = object
        .instances()
        .filter(
            |(id, _)| matches!(id, InstanceId::Occurrence { start: s, this_and_future: true } if *s < start),
        )
        .max_by_key(|(id, _)| *id)?;
    let window = crate::freebusy::Expansion {
        zone: chrono_tz::UTC,
        from: crate::Timestamp::from_seconds(start.seconds() - 7 * 86_400),
        until: crate::Timestamp::from_seconds(start.seconds() + 7 * 86_400),
        max_occurrences: 10_000,
        max_scan: 200_000,
    };
    let expanded = crate::freebusy::expand(object, &window);
    let found = expanded.occurrences.iter().find(|o| o.recurrence_id == Some(start))?;
    let floating = template
        .property(&ICalendarProperty::Dtstart)
        .and_then(|e| e.values.first()?.as_partial_date_time())
        .is_some_and(|v| v.tz_hour.is_none() && dtstart_has_no_tzid(template));
    let time = |name: ICalendarProperty, at: crate::Timestamp| {
        let mut value = at.to_partial();
        if floating {
            value.tz_hour = None;
            value.tz_minute = None;
        }
        ICalendarEntry { name, params: Vec::new(), values: vec![ICalendarValue::from(value)] }
    };
    let mut entries = without_recurrence(template);
    entries.push(time(ICalendarProperty::Dtstart, found.start));
    entries.push(time(ICalendarProperty::Dtend, found.end));
    entries.push(rid.clone());
    Some(ICalendarComponent {
        component_type: template.component_type.clone(),
        entries,
        component_ids: Vec::new(),
    })
}

/// Whether a component's DTSTART names no TZID.
fn dtstart_has_no_tzid(component: &ICalendarComponent) -> bool {
    component.property(&ICalendarProperty::Dtstart).is_some_and(|e| e.tz_id().is_none())
}

/// The instances of `message` that supersede the stored copy
/// (RFC 5546 §2.1.5), or why none does.
///
/// A message with a master is judged by its master: it replaces the whole
/// series. Overrides alone are judged one by one, against the stored
/// override, or, for an instance not yet overridden, against the series:
/// an override must not be older than the SEQUENCE of its series. Where
/// no master is stored, the newest stored override stands for the series
/// here (so that a CANCEL older than it changes nothing);
/// [`master_is_news`] is the REQUEST's exception.
pub(crate) fn newer_instances(
    stored: &SchedulingObject,
    message: &SchedulingObject,
) -> Result<Vec<InstanceId>, crate::Unchanged> {
    use crate::itip::ordering::{Freshness, compare};
    let ids: Vec<InstanceId> = if message.component(InstanceId::Master).is_some() {
        vec![InstanceId::Master]
    } else {
        message.instance_ids().collect()
    };
    // Without a stored master (an invitation to one occurrence came
    // first), the newest stored instance stands for the series.
    let series = stored
        .stamp(InstanceId::Master)
        .or_else(|| stored.instance_ids().filter_map(|id| stored.stamp(id)).max());
    let mut newer = Vec::new();
    let mut stale = None;
    for id in ids {
        let received = message.stamp(id).expect("listed instance");
        let freshness = match (stored.stamp(id), series) {
            (Some(current), _) => (compare(current, received), current),
            (None, Some(series)) if id.is_master() => (compare(series, received), series),
            (None, Some(series)) if received.sequence >= series.sequence => (Freshness::Newer, series),
            (None, Some(series)) => (Freshness::Older, series),
            (None, None) => (Freshness::Newer, received),
        };
        match freshness {
            (Freshness::Newer, _) => newer.push(id),
            (Freshness::Same, _) => {}
            (Freshness::Older, current) => {
                stale.get_or_insert(crate::Unchanged::Stale { instance: id, stored: current, received });
            }
        }
    }
    if newer.is_empty() {
        return Err(stale.unwrap_or(crate::Unchanged::Duplicate));
    }
    if message.component(InstanceId::Master).is_some() {
        return Ok(message.instance_ids().collect());
    }
    Ok(newer)
}

/// Whether a REQUEST's master is new to a copy that holds overrides only
/// (RFC 5546 §2.1.5 per instance: RECURRENCE-ID is part of the ordering
/// key). An override can overtake the invitation to its series; the
/// series is then news however old it is, and the newer overrides are
/// kept ([`keep_newer_overrides`]). Not news only when a stored instance
/// carries its very SEQUENCE and DTSTAMP (a redelivery).
pub(crate) fn master_is_news(stored: &SchedulingObject, message: &SchedulingObject) -> bool {
    let Some(received) = message.stamp(InstanceId::Master) else { return false };
    stored.component(InstanceId::Master).is_none()
        && !stored.is_cancelled()
        && !stored.instance_ids().filter_map(|id| stored.stamp(id)).any(|s| s == received)
}

/// After a full replacement, puts back stored overrides that the message
/// does not repeat but that are newer than its series: they carry
/// information the message predates (RFC 5546 §2.1.5 per instance).
pub(crate) fn keep_newer_overrides(
    stored: &SchedulingObject,
    message: &SchedulingObject,
    merged: &mut SchedulingObject,
) {
    let series = message.stamp(InstanceId::Master).map(|s| s.sequence).unwrap_or(0);
    for id in stored.instance_ids().filter(|id| !id.is_master()) {
        let newer = stored.stamp(id).is_some_and(|s| s.sequence > series);
        if newer && message.component(id).is_none() {
            merged.put_component_from(stored, id);
        }
    }
}
