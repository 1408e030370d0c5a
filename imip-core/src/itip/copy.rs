//! Helpers that edit a principal's copy of an object, shared by their
//! own actions ([`super::local`]) and the record of what their own
//! client sent ([`super::sent`]).

use super::Ctx;
use super::outbound::Answers;
use crate::model::component::{self, COUNTER_SENT};
use crate::model::{InstanceId, PartStat, SchedulingObject};
use crate::outcome::{Effect, Outcome};
use crate::{CalAddress, Violation};
use calcard::icalendar::{ICalendarEntry, ICalendarParameterName, ICalendarProperty, ICalendarValue};

/// Adds `extra` effects to an outcome, leaving out a Dequeue when
/// nothing is queued.
pub(crate) fn with_extra_effects(ctx: &Ctx<'_>, mut outcome: Outcome, extra: Vec<Effect>) -> Outcome {
    for effect in extra {
        if matches!(effect, Effect::Dequeue) && ctx.record.pending.is_none() {
            continue;
        }
        outcome = outcome.with(effect);
    }
    outcome
}

/// Sets the attendee's own PARTSTAT on their copy, in place, for every
/// instance or for one (materialised from the series when it has no
/// override yet, RFC 5546 §3.2.3). Returns their answers as they were
/// ([`Answers`], what the REPLY is decided on). An error leaves the copy
/// as it was.
pub(crate) fn set_partstat(
    principal: &CalAddress,
    object: &mut SchedulingObject,
    instance: Option<InstanceId>,
    partstat: PartStat,
) -> Result<Answers, Violation> {
    let before = Answers::of(object, principal);
    let mut materialized = false;
    match instance {
        None => object.edit_all(|_, c| {
            if let Some(entry) = component::attendee_entry_mut(c, principal) {
                component::set_partstat(entry, partstat);
                if partstat != PartStat::Delegated {
                    // Answering for oneself takes the delegation back.
                    component::remove_param(entry, &ICalendarParameterName::DelegatedTo);
                }
            }
        }),
        Some(id) => {
            if object.component(id).is_none() {
                // Only an instance the series has can be answered (RFC
                // 5545 §3.8.4.4): not a time it does not occur at.
                let InstanceId::Occurrence { start, .. } = id else {
                    return Err(Violation::NotAddressed(principal.to_string()));
                };
                if !crate::freebusy::occurs_at(object, start) {
                    return Err(Violation::NoSuchInstance(start.to_ical()));
                }
                let rid = ICalendarEntry::new(ICalendarProperty::RecurrenceId)
                    .with_value(ICalendarValue::from(start.to_partial()));
                let occurrence = super::inbound::materialize(object, id, &rid)
                    .ok_or_else(|| Violation::NotAddressed(principal.to_string()))?;
                object.put_component(id, occurrence);
                materialized = true;
            }
            if let Some(entry) =
                object.component_mut(id).and_then(|c| component::attendee_entry_mut(c, principal))
            {
                component::set_partstat(entry, partstat);
            }
        }
    }
    // PARTSTAT edits leave RECURRENCE-IDs alone; an instance made from
    // the master needs the index brought up to date.
    if materialized {
        object.rekey();
    }
    Ok(before)
}

pub(crate) fn is_organizer(ctx: &Ctx<'_>, object: &SchedulingObject) -> bool {
    object.is_organized_by(ctx.principal)
}

/// The attendee's copy marked as awaiting the organizer's answer to a
/// counter-proposal sent at `now` (so a DECLINECOUNTER can be matched).
pub(crate) fn mark_counter_sent(
    old: &SchedulingObject,
    proposal: &SchedulingObject,
    now: crate::Timestamp,
) -> SchedulingObject {
    let mut marked = old.clone();
    let sent = now.to_ical();
    let countered = proposal.instance_ids().next().unwrap_or(InstanceId::Master);
    marked.edit_all(|id, c| {
        if id.is_master() || id == countered {
            component::set_x_property(c, COUNTER_SENT, Some(sent.clone()));
        }
    });
    marked
}
