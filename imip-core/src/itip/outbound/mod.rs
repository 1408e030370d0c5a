//! Outgoing messages from a change of an object, seen from one principal
//! (sabre's `parseEvent`; RFC 6638 §3.2.1 and §3.2.2).

mod attendee;
mod organizer;

pub(crate) use attendee::{attendee_changes, status_reply};
pub(crate) use organizer::organizer_changes;

use super::Ctx;
use super::compose::Composer;
use crate::model::component::{self, attendee as find_attendee};
use crate::model::{InstanceId, Method, SchedulingObject};
use crate::{CalAddress, ItipMessage};
use calcard::icalendar::ICalendarStatus;

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
    for (id, c) in object.instances() {
        let listed = recipients.iter().any(|r| find_attendee(c, r).is_some());
        let cancelled_occurrence = !id.is_master() && component::is_cancelled(c);
        if listed && !cancelled_occurrence {
            composer.add(id, |_| {});
        }
    }
    if composer.is_empty() {
        return None;
    }
    Some(message(object, Method::Request, ctx.principal, recipients, explanation, composer))
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
