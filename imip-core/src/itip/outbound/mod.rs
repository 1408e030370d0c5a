//! Outgoing messages from a change of an object, seen from one principal
//! (sabre's `parseEvent`; RFC 6638 §3.2.1 and §3.2.2).

mod attendee;
mod organizer;

pub(crate) use attendee::{Answers, Edit, attendee_changes, own_answers, status_reply};
pub(crate) use organizer::{organizer_changes, unscheduled};

use super::Ctx;
use super::compose::Composer;
use crate::model::component::{self, attendee as find_attendee};
use crate::model::{InstanceId, Method, SchedulingObject};
use crate::{CalAddress, ItipMessage};
use calcard::common::PartialDateTime;
use calcard::icalendar::{
    ICalendarComponent, ICalendarEntry, ICalendarParameter, ICalendarProperty, ICalendarStatus,
    ICalendarValue, ICalendarValueType,
};

/// A version of the object that changed, and the messages it causes.
#[derive(Debug)]
pub(crate) struct Scheduled {
    /// The copy to store (`None`: delete it).
    pub(crate) object: Option<SchedulingObject>,
    /// The messages, in a stable order.
    pub(crate) messages: Vec<ItipMessage>,
}

/// A REQUEST carrying every instance `recipients` take part in
/// (RFC 6638 §3.2.6: each attendee sees only their instances), without
/// cancelled overrides. `None` if they take part in nothing.
pub(crate) fn request_to(
    ctx: &Ctx<'_>,
    object: &SchedulingObject,
    recipients: &[CalAddress],
    explanation: &str,
) -> Option<ItipMessage> {
    let mut composer = Composer::new(object, Method::Request, &ctx.config.prodid, ctx.now);
    let listed = |c: &ICalendarComponent| recipients.iter().any(|r| find_attendee(c, r).is_some());
    let series = object.master().is_some_and(listed);
    // RFC 6638 §3.2.6: an override the recipients are not invited to, or
    // one that is cancelled (a REQUEST carries no cancelled instance,
    // RFC 5546 §3.2.2), is left out, and the series they get excludes
    // it with an EXDATE.
    let mut excluded = Vec::new();
    for (id, c) in object.instances().filter(|(id, _)| !id.is_master()) {
        if (!listed(c) || component::is_cancelled(c)) && series {
            excluded.extend(exdate_for(object, id, c));
        }
    }
    for (id, c) in object.instances() {
        if id.is_master() && series {
            composer.add(id, |master| master.entries.extend(excluded.iter().cloned()));
        } else if !id.is_master() && listed(c) && !component::is_cancelled(c) {
            composer.add(id, |_| {});
        }
    }
    if composer.is_empty() {
        return None;
    }
    Some(message(object, Method::Request, ctx.principal, recipients, explanation, composer))
}

/// An EXDATE naming the override `id` of `object`, written as the
/// master's DTSTART is (RFC 5545 §3.8.5.1: DATE for an all-day series,
/// local time with its TZID for a zoned one, UTC otherwise), whatever
/// form the override's RECURRENCE-ID has.
fn exdate_for(object: &SchedulingObject, id: InstanceId, c: &ICalendarComponent) -> Option<ICalendarEntry> {
    let InstanceId::Occurrence { start, .. } = id else { return None };
    let rid = c.property(&ICalendarProperty::RecurrenceId)?;
    let dtstart = object.master()?.property(&ICalendarProperty::Dtstart)?;
    let form = dtstart.values.first()?.as_partial_date_time()?;
    let same_zone = rid.tz_id() == dtstart.tz_id();
    let rid_value = rid.values.first()?.as_partial_date_time()?;
    let rid_is_date = rid_value.hour.is_none();
    if form.hour.is_none() {
        // An all-day series: the date the occurrence falls on.
        if rid_is_date {
            return Some(exdate(date_params(), rid_value.clone()));
        }
        let date = start.to_chrono().date_naive();
        return Some(exdate(date_params(), date_of(date)));
    }
    if same_zone && !rid_is_date && rid_value.tz_hour.is_some() == form.tz_hour.is_some() {
        return Some(exdate(rid.params.clone(), rid_value.clone()));
    }
    exdate_at(object, start)
}

/// An EXDATE naming the occurrence of `object` that starts (originally)
/// at `start`, written as the master's DTSTART is: DATE for an all-day
/// series, local time with its TZID for a zoned one (IANA or the
/// object's own VTIMEZONE), UTC otherwise (RFC 5545 §3.8.5.1).
pub(crate) fn exdate_at(object: &SchedulingObject, start: crate::Timestamp) -> Option<ICalendarEntry> {
    let dtstart = object.master()?.property(&ICalendarProperty::Dtstart)?;
    let form = dtstart.values.first()?.as_partial_date_time()?;
    if form.hour.is_none() {
        return Some(exdate(date_params(), date_of(start.to_chrono().date_naive())));
    }
    match dtstart.tz_id().and_then(|name| object.zones().resolve(name).map(|tz| (name, tz))) {
        Some((name, tz)) if !tz.is_floating() => {
            let local = start.to_chrono().with_timezone(&tz).naive_local();
            let params = vec![ICalendarParameter::tzid(name.to_string())];
            Some(exdate(params, local_of(local)))
        }
        _ => match dtstart.tz_id().and_then(|name| object.zones().rules(name).map(|zone| (name, zone))) {
            // A custom VTIMEZONE: the local time by its own rules.
            Some((name, zone)) => {
                let local = start.to_chrono().with_timezone(zone).naive_local();
                let params = vec![ICalendarParameter::tzid(name.to_string())];
                Some(exdate(params, local_of(local)))
            }
            None => Some(exdate(Vec::new(), start.to_partial())),
        },
    }
}

fn exdate(params: Vec<ICalendarParameter>, value: PartialDateTime) -> ICalendarEntry {
    ICalendarEntry {
        name: ICalendarProperty::Exdate,
        params,
        values: vec![ICalendarValue::PartialDateTime(Box::new(value))],
    }
}

fn date_params() -> Vec<ICalendarParameter> {
    vec![ICalendarParameter::value(ICalendarValueType::Date)]
}

fn date_of(date: chrono::NaiveDate) -> PartialDateTime {
    use chrono::Datelike;
    PartialDateTime {
        year: u16::try_from(date.year()).ok(),
        month: u8::try_from(date.month()).ok(),
        day: u8::try_from(date.day()).ok(),
        ..PartialDateTime::default()
    }
}

fn local_of(at: chrono::NaiveDateTime) -> PartialDateTime {
    use chrono::Timelike;
    PartialDateTime {
        hour: u8::try_from(at.hour()).ok(),
        minute: u8::try_from(at.minute()).ok(),
        second: u8::try_from(at.second()).ok(),
        ..date_of(at.date())
    }
}

/// A CANCEL of the whole object for `recipients` (RFC 5546 §3.2.5).
pub(crate) fn cancel_to(
    ctx: &Ctx<'_>,
    object: &SchedulingObject,
    recipients: &[CalAddress],
    explanation: &str,
) -> Option<ItipMessage> {
    let mut composer = Composer::new(object, Method::Cancel, &ctx.config.prodid, ctx.now);
    let id = object.instance_ids().next()?;
    let sequence = object.max_sequence();
    composer.add(id, |c| {
        component::set_status(c, ICalendarStatus::Cancelled);
        component::set_sequence(c, sequence);
    });
    Some(message(object, Method::Cancel, ctx.principal, recipients, explanation, composer))
}

pub(crate) fn message(
    object: &SchedulingObject,
    method: Method,
    from: &CalAddress,
    recipients: &[CalAddress],
    explanation: &str,
    composer: Composer<'_>,
) -> ItipMessage {
    let mut to = recipients.to_vec();
    to.sort();
    to.dedup();
    ItipMessage {
        method,
        from: from.clone(),
        to,
        uid: object.uid().to_string(),
        title: object.title(),
        significant: true,
        explanation: explanation.to_string(),
        calendar: composer.finish(),
    }
}

/// Merges messages whose method and body are identical into one message
/// with several recipients, keeping a stable order.
pub(crate) fn merge_identical(messages: Vec<ItipMessage>) -> Vec<ItipMessage> {
    let mut merged: Vec<(String, ItipMessage)> = Vec::new();
    for message in messages {
        let key = format!("{}\n{}", message.method, message.to_ics());
        if let Some((_, existing)) = merged.iter_mut().find(|(k, _)| *k == key) {
            existing.to.extend(message.to);
            existing.to.sort();
            existing.to.dedup();
        } else {
            merged.push((key, message));
        }
    }
    merged.into_iter().map(|(_, m)| m).collect()
}

/// The instances of `object` listing `address`.
pub(crate) fn instances_of(object: &SchedulingObject, address: &CalAddress) -> Vec<InstanceId> {
    object.instances().filter(|(_, c)| find_attendee(c, address).is_some()).map(|(id, _)| id).collect()
}

/// A RECURRENCE-ID for the occurrence at `at`, in the same form (TZID,
/// DATE or DATE-TIME) as the master's EXDATE or RDATE value that names it
/// (RFC 5545 §3.8.4.4: same value type as DTSTART).
pub(crate) fn recurrence_id_from(
    object: &SchedulingObject,
    property: &calcard::icalendar::ICalendarProperty,
    at: crate::Timestamp,
) -> Option<calcard::icalendar::ICalendarEntry> {
    object.master()?.properties(property).find_map(|e| {
        let value = e.values.iter().find(|v| {
            v.as_partial_date_time().and_then(|d| component::instant_of(d, e.tz_id(), object.zones()))
                == Some(at)
        })?;
        Some(calcard::icalendar::ICalendarEntry {
            name: calcard::icalendar::ICalendarProperty::RecurrenceId,
            params: e.params.clone(),
            values: vec![value.clone()],
        })
    })
}
