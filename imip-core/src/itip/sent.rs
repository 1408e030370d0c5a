//! Recording what a principal's own client sent (the person-outgoing
//! agent; imip-agent's `person_outgoing` handlers).
//!
//! A user whose mail client schedules by itself sends REQUESTs, REPLYs
//! and COUNTERs by mail. The agent sees a copy of that mail and brings the
//! user's stored copy up to date, so their schedule and free/busy reflect
//! their own decisions. Nothing is sent: the client already did.
//!
//! | method sent | by | recorded as |
//! |---|---|---|
//! | PUBLISH, REQUEST, ADD | organizer | the object (or the instances) replace the stored ones, unless older (RFC 5546 §2.1.5); a REQUEST settles pending counter-proposals |
//! | CANCEL | organizer | the instances are marked cancelled; a CANCEL to only some attendees removes them instead (RFC 5546 §3.2.5) |
//! | DECLINECOUNTER | organizer | the attendee's proposal is dropped |
//! | REPLY | attendee | the attendee's own PARTSTAT, per instance; the invitation leaves the queue |
//! | COUNTER | attendee | the copy is marked as awaiting an answer to the proposal |
//! | REFRESH | attendee | nothing |

use super::Ctx;
use super::copy::{is_organizer, mark_counter_sent, set_partstat, with_extra_effects};
use super::inbound::cancel::mark_cancelled;
use super::inbound::{keep_newer_overrides, newer_instances};
use crate::model::component;
use crate::model::{InstanceId, Method, SchedulingObject};
use crate::outcome::{Applied, Disposition, Effect, Ignored, Outcome, PendingKind, Unchanged};
use crate::{CalAddress, Violation};
use std::collections::BTreeSet;

/// Records `message`, sent by `ctx.principal`, in their copy.
/// Decides on a message the principal's own client sent.
pub(crate) fn handle(ctx: &Ctx<'_>, message: &SchedulingObject) -> Outcome {
    match record(ctx, ctx.record.object.as_ref(), message) {
        Ok(outcome) => outcome,
        Err(violation) => Outcome::refused(violation),
    }
}

fn record(
    ctx: &Ctx<'_>,
    stored: Option<&SchedulingObject>,
    message: &SchedulingObject,
) -> Result<Outcome, Violation> {
    let Some(method) = message.method() else { return Err(Violation::MissingMethod) };
    if matches!(message.kind(), crate::model::ComponentKind::FreeBusy) || !message.kind().allows(method) {
        return Ok(Outcome::ignored(Ignored::UnsupportedComponent(message.kind())));
    }
    match method {
        Method::Request if delegates(ctx, message) => {
            let old = own_attendee_copy(ctx, stored, message)?;
            let Some(old) = old else { return Ok(Outcome::unchanged(Unchanged::UnknownObject)) };
            let new = with_delegation(ctx, old, message);
            if new.calendar() == old.calendar() {
                return Ok(Outcome::unchanged(Unchanged::Duplicate));
            }
            let dequeue = ctx.record.pending.as_ref().is_some_and(|p| p.kind == PendingKind::Invitation);
            Ok(recorded(ctx, Some(new), if dequeue { vec![Effect::Dequeue] } else { Vec::new() }))
        }
        Method::Publish | Method::Request | Method::Add => {
            require_organizer(ctx, message)?;
            organizer_version(ctx, stored, message, method)
        }
        Method::Cancel => {
            require_organizer(ctx, message)?;
            organizer_cancel(ctx, stored, message)
        }
        Method::DeclineCounter => {
            require_organizer(ctx, message)?;
            let from: Vec<CalAddress> = message.attendee_addresses().into_iter().collect();
            let Some(from) = from.into_iter().find(|a| ctx.record.counters.contains_key(a)) else {
                return Ok(Outcome::unchanged(Unchanged::NoPendingCounter));
            };
            Ok(recorded(ctx, None, vec![Effect::DropCounters { from: Some(from) }, Effect::Dequeue]))
        }
        Method::Reply => {
            let old = own_attendee_copy(ctx, stored, message)?;
            let Some(old) = old else { return Ok(Outcome::unchanged(Unchanged::UnknownObject)) };
            let mut new = old.clone();
            let whole = message.component(InstanceId::Master).is_some();
            for (id, c) in message.instances() {
                let Some(answer) = component::attendee(c, ctx.principal) else { continue };
                set_partstat(ctx.principal, &mut new, (!whole).then_some(id), answer.partstat)?;
                if whole {
                    break;
                }
            }
            if new.calendar() == old.calendar() {
                return Ok(Outcome::unchanged(Unchanged::Duplicate));
            }
            let dequeue = ctx.record.pending.as_ref().is_some_and(|p| p.kind == PendingKind::Invitation);
            Ok(recorded(ctx, Some(new), if dequeue { vec![Effect::Dequeue] } else { Vec::new() }))
        }
        Method::Counter => {
            let old = own_attendee_copy(ctx, stored, message)?;
            let Some(old) = old else { return Ok(Outcome::unchanged(Unchanged::UnknownObject)) };
            Ok(recorded(ctx, Some(mark_counter_sent(old, message, ctx.now)), Vec::new()))
        }
        Method::Refresh => Ok(Outcome::unchanged(Unchanged::NothingToRecord)),
    }
}

/// Whether `message` is the REQUEST a delegator forwards to their delegate
/// (RFC 5546 §3.2.2.3): it names the principal DELEGATED, with
/// DELEGATED-TO, and someone DELEGATED-FROM them.
fn delegates(ctx: &Ctx<'_>, message: &SchedulingObject) -> bool {
    message.instances().any(|(_, c)| {
        let attendees = component::attendees(c);
        attendees.iter().any(|p| {
            &p.address == ctx.principal
                && p.partstat == crate::PartStat::Delegated
                && !p.delegated_to.is_empty()
        }) && attendees.iter().any(|p| p.delegated_from.contains(ctx.principal))
    })
}

/// The delegator's copy after their forwarded REQUEST: their own line as
/// the REQUEST has it (DELEGATED, DELEGATED-TO), and the delegates' lines
/// (DELEGATED-FROM) added, in every instance the REQUEST names.
fn with_delegation(ctx: &Ctx<'_>, old: &SchedulingObject, message: &SchedulingObject) -> SchedulingObject {
    let mut new = old.clone();
    let line = |c: &calcard::icalendar::ICalendarComponent, who: &CalAddress| {
        c.properties(&calcard::icalendar::ICalendarProperty::Attendee)
            .find(|e| crate::Participant::from_entry(e).is_some_and(|p| &p.address == who))
            .cloned()
    };
    let source = message.main_component();
    let own = line(source, ctx.principal);
    let delegates: Vec<_> = component::attendees(source)
        .into_iter()
        .filter(|p| p.delegated_from.contains(ctx.principal))
        .filter_map(|p| line(source, &p.address).map(|entry| (p.address, entry)))
        .collect();
    new.edit_all(|_, c| {
        let Some(entry) = component::attendee_entry_mut(c, ctx.principal) else { return };
        if let Some(own) = &own {
            *entry = own.clone();
        }
        for (address, entry) in &delegates {
            if component::attendee(c, address).is_none() {
                c.entries.push(entry.clone());
            }
        }
    });
    new
}

fn require_organizer(ctx: &Ctx<'_>, message: &SchedulingObject) -> Result<(), Violation> {
    match message.organizer() {
        Some(organizer) if &organizer.address == ctx.principal => Ok(()),
        Some(_) => Err(Violation::NotOrganizer(ctx.principal.to_string())),
        None => Err(Violation::MissingOrganizer),
    }
}

/// The stored copy of an object the principal attends, when the message
/// is theirs to send (they are one of its attendees).
fn own_attendee_copy<'a>(
    ctx: &Ctx<'_>,
    stored: Option<&'a SchedulingObject>,
    message: &SchedulingObject,
) -> Result<Option<&'a SchedulingObject>, Violation> {
    if !message.has_attendee(ctx.principal) {
        return Err(Violation::NotAnAttendee(ctx.principal.to_string()));
    }
    Ok(stored.filter(|o| o.has_attendee(ctx.principal)))
}

/// PUBLISH, REQUEST or ADD by the organizer: the version they sent.
fn organizer_version(
    ctx: &Ctx<'_>,
    stored: Option<&SchedulingObject>,
    message: &SchedulingObject,
    method: Method,
) -> Result<Outcome, Violation> {
    let sent = message.clone().without_method();
    let new = match stored {
        None => sent,
        Some(old) if !is_organizer(ctx, old) => {
            return Err(Violation::NotOrganizer(ctx.principal.to_string()));
        }
        Some(old) if method == Method::Add => {
            // RFC 5546 §3.2.4: the ADD's components join the series as
            // extra instances; they do not replace it.
            let Some(received) = message.instance_ids().next().and_then(|id| message.stamp(id)) else {
                return Err(Violation::NoComponent);
            };
            match old.stamp(InstanceId::Master).map(|series| crate::itip::ordering::compare(series, received))
            {
                Some(crate::itip::ordering::Freshness::Newer) | None => {}
                Some(_) => return Ok(Outcome::unchanged(Unchanged::Duplicate)),
            }
            crate::itip::inbound::add_instances(old, message, received)?.0
        }
        Some(old) => {
            let newer = match newer_instances(old, message) {
                Ok(newer) => newer,
                Err(unchanged) => return Ok(Outcome::unchanged(unchanged)),
            };
            if newer.contains(&InstanceId::Master) {
                let mut merged = sent;
                keep_newer_overrides(old, message, &mut merged);
                merged
            } else {
                let mut merged = old.clone();
                for id in newer {
                    merged.put_component_from(message, id);
                }
                merged.put_timezones_from(message);
                merged
            }
        }
    };
    let mut extra = Vec::new();
    if method == Method::Request && !ctx.record.counters.is_empty() {
        // A new version answers every proposal (RFC 5546 §3.2.7).
        extra.push(Effect::DropCounters { from: None });
        extra.push(Effect::Dequeue);
    }
    Ok(recorded(ctx, Some(new), extra))
}

/// CANCEL by the organizer: the whole object, some instances, or some
/// attendees (a CANCEL that names only part of the attendees of an
/// object that is not itself cancelled uninvites them).
fn organizer_cancel(
    ctx: &Ctx<'_>,
    stored: Option<&SchedulingObject>,
    message: &SchedulingObject,
) -> Result<Outcome, Violation> {
    let Some(old) = stored else { return Ok(Outcome::unchanged(Unchanged::UnknownObject)) };
    if !is_organizer(ctx, old) {
        return Err(Violation::NotOrganizer(ctx.principal.to_string()));
    }
    let newer = match newer_instances(old, message) {
        Ok(newer) => newer,
        Err(Unchanged::Duplicate) if old.is_cancelled() => {
            return Ok(Outcome::unchanged(Unchanged::AlreadyCancelled));
        }
        Err(unchanged) => return Ok(Outcome::unchanged(unchanged)),
    };
    let named = message.attendee_addresses();
    let all = old.attendee_addresses();
    let uninvites = message.component(InstanceId::Master).is_some_and(|c| !component::is_cancelled(c))
        && !named.is_empty()
        && named.len() < all.len()
        && named.is_subset(&all);
    let new = if uninvites {
        uninvite(old, &named)
    } else {
        let mut new = mark_cancelled(old.clone(), message, &newer);
        new.rekey();
        new
    };
    let dequeue = ctx.record.pending.is_some() && newer.contains(&InstanceId::Master) && !uninvites;
    Ok(recorded(ctx, Some(new), if dequeue { vec![Effect::Dequeue] } else { Vec::new() }))
}

fn uninvite(old: &SchedulingObject, removed: &BTreeSet<CalAddress>) -> SchedulingObject {
    let mut new = old.clone();
    new.edit_all(|_, c| {
        for address in removed {
            component::remove_attendee(c, address);
        }
    });
    new
}

fn recorded(ctx: &Ctx<'_>, object: Option<SchedulingObject>, extra: Vec<Effect>) -> Outcome {
    let mut outcome = Outcome::new(Disposition::Applied(Applied::Recorded));
    if let Some(object) = object {
        outcome = outcome.with(Effect::PutObject(object));
    }
    with_extra_effects(ctx, outcome, extra)
}
