//! REQUEST received by an attendee (RFC 5546 §3.2.2): a new invitation,
//! a reschedule, an update or reconfirmation, a delegation to us, or a
//! new organizer taking over.

use super::{error_reply, notice};
use crate::itip::Ctx;
use crate::itip::authority::check_organizer;
use crate::model::component::{self, attendee};
use crate::model::{InstanceId, PartStat, SchedulingObject};
use crate::outcome::{
    Applied, Disposition, Effect, NoticeKind, Outcome, PendingKind, PendingRequest, Unchanged,
};
use crate::{Incoming, OrganizerReplacement, Violation};
use calcard::icalendar::ICalendarProperty;

pub(super) fn handle(ctx: &Ctx<'_>, incoming: &Incoming) -> Outcome {
    let message = &incoming.message;
    let Some(organizer) = message.organizer() else {
        return Outcome::refused(Violation::MissingOrganizer);
    };
    if &organizer.address == ctx.principal {
        return Outcome::ignored(crate::Ignored::OwnMessage);
    }
    if !message.has_attendee(ctx.principal) {
        return Outcome::refused(Violation::NotAddressed(ctx.principal.to_string()));
    }

    // Who may send it: the organizer (or its SENT-BY), or an attendee
    // delegating to us (RFC 5546 §3.2.2.3).
    // Only lines with DELEGATED-TO can name us there: the others are not
    // read.
    let delegator = message
        .instances()
        .flat_map(|(_, c)| c.properties(&ICalendarProperty::Attendee))
        .filter(|e| e.parameter(&calcard::icalendar::ICalendarParameterName::DelegatedTo).is_some())
        .filter_map(crate::model::Participant::from_entry)
        .find(|p| p.delegated_to.contains(ctx.principal) && incoming.senders.contains(&p.address));
    if delegator.is_none()
        && let Err(violation) = check_organizer(ctx.config, &incoming.senders, &organizer)
    {
        return Outcome::refused(violation);
    }

    // A resource books events: a to-do asked of it is answered 3.14
    // (RFC 5546 §3.6), not stored as if it were taken.
    if ctx.is_resource && message.kind() != crate::model::ComponentKind::Event {
        let violation =
            Violation::NotBookable { resource: ctx.principal.to_string(), component: message.kind() };
        let mut outcome = Outcome::refused(violation.clone());
        if let Some(reply) = error_reply(ctx, message, &violation) {
            outcome = outcome.with(Effect::Send(reply));
        }
        return outcome;
    }

    // RFC 5546 §3.2.2 table: DTSTART is required in a VEVENT REQUEST
    // (a VTODO may have none, §3.4.2).
    let needs_start = message.kind() == crate::model::ComponentKind::Event;
    if needs_start && message.instances().any(|(_, c)| !c.has_property(&ICalendarProperty::Dtstart)) {
        let violation = Violation::MissingProperty {
            property: ICalendarProperty::Dtstart,
            method: crate::Method::Request,
        };
        let mut outcome = Outcome::refused(violation.clone());
        if let Some(reply) = error_reply(ctx, message, &violation) {
            outcome = outcome.with(Effect::Send(reply));
        }
        return outcome;
    }

    // RFC 5545 §3.3: a date that is no calendar date, or an RRULE that
    // does not parse, is answered 3.5 or 3.1 rather than read as
    // something else (a series as a single event).
    if let Some(property) = message.instances().find_map(|(_, c)| crate::model::values::first_invalid(c)) {
        let violation = Violation::InvalidValue { property, method: crate::Method::Request };
        let mut outcome = Outcome::refused(violation.clone());
        if let Some(reply) = error_reply(ctx, message, &violation) {
            outcome = outcome.with(Effect::Send(reply));
        }
        return outcome;
    }

    // RFC 5545 §3.6.5: a time whose TZID names no zone imip knows and
    // no VTIMEZONE it can evaluate cannot be placed; it is answered 3.3,
    // never read as UTC or in the recipient's zone.
    if let Some(tzid) = message.instances().find_map(|(_, c)| unusable_timezone(c, message.zones())) {
        let violation = Violation::UnusableTimezone { tzid };
        let mut outcome = Outcome::refused(violation.clone());
        if let Some(reply) = error_reply(ctx, message, &violation) {
            outcome = outcome.with(Effect::Send(reply));
        }
        return outcome;
    }

    // RFC 5545 §3.8.2.2: DTEND is later than DTSTART. An authorized
    // organizer's REQUEST that says otherwise is answered with 3.1.
    let zones = message.zones();
    let backwards = |c: &calcard::icalendar::ICalendarComponent| {
        let read = |name: ICalendarProperty| c.property(&name).and_then(|e| component::instant(e, zones));
        matches!((read(ICalendarProperty::Dtstart), read(ICalendarProperty::Dtend)), (Some(start), Some(end)) if end < start)
    };
    if needs_start && message.instances().any(|(_, c)| backwards(c)) {
        let violation = Violation::EndBeforeStart { method: crate::Method::Request };
        let mut outcome = Outcome::refused(violation.clone());
        if let Some(reply) = error_reply(ctx, message, &violation) {
            outcome = outcome.with(Effect::Send(reply));
        }
        return outcome;
    }

    match ctx.record.object.as_ref() {
        None => create(ctx, message, delegator.is_some()),
        Some(stored) => update(ctx, incoming, stored, delegator.is_some()),
    }
}

fn create(ctx: &Ctx<'_>, message: &SchedulingObject, delegated: bool) -> Outcome {
    let object = message.clone().without_method();
    let mut outcome = Outcome::new(Disposition::Applied(Applied::Created));
    outcome = queue_if_unanswered(ctx, &object, outcome);
    if !ctx.by_policy {
        let organizer = object.organizer_address();
        let from = organizer.as_ref().map(|o| o.to_string()).unwrap_or_default();
        let text = if delegated {
            format!("You have been delegated an invitation from {from}.")
        } else {
            format!("{from} invites you.")
        };
        let notice = crate::Notice::about_by(NoticeKind::Invitation, &object, text, organizer);
        outcome = outcome.with(Effect::Notify(notice));
    }
    outcome.with(Effect::PutObject(object)).note("new invitation stored")
}

fn update(ctx: &Ctx<'_>, incoming: &Incoming, stored: &SchedulingObject, delegated: bool) -> Outcome {
    let message = &incoming.message;
    let new_organizer = message.organizer();
    let old_organizer = stored.organizer();
    // The same person, however written (an opaque token with EMAIL=, or
    // the address), is no new organizer.
    let replaced = match (&new_organizer, &old_organizer) {
        (Some(new), Some(old)) => !old.is_same_person(new),
        (new, old) => new.is_some() != old.is_some(),
    };
    let old_participant = old_organizer.clone();
    let old_organizer = old_organizer.map(|p| p.address);
    if replaced && let Err(violation) = may_replace_organizer(ctx, stored, message) {
        return Outcome::refused(violation);
    }
    if delegated
        && !replaced
        && !incoming.senders.iter().any(|s| old_participant.as_ref().is_some_and(|o| o.is_spoken_for_by(s)))
    {
        // A delegation copy must not overwrite the organizer's version.
        return Outcome::unchanged(Unchanged::Duplicate)
            .note("delegated copy of an invitation we already hold");
    }

    if stored.is_cancelled() && message.max_sequence() <= stored.max_sequence() {
        // RFC 5546 §4.2.9: nothing older than the CANCEL revives it.
        return Outcome::unchanged(Unchanged::AlreadyCancelled);
    }
    let newer = if super::master_is_news(stored, message) {
        message.instance_ids().collect()
    } else {
        match super::newer_instances(stored, message) {
            Ok(newer) => newer,
            Err(unchanged) => return Outcome::unchanged(unchanged),
        }
    };
    let master_stamp = stored.stamp(InstanceId::Master);
    let full = newer.contains(&InstanceId::Master);
    let merged =
        if full { replace_series(ctx, stored, message) } else { merge_instances(stored, message, &newer) };
    let rescheduled = newer.iter().any(|id| {
        let before = stored.stamp(*id).or(master_stamp).map(|s| s.sequence).unwrap_or(0);
        message.stamp(*id).map(|s| s.sequence).unwrap_or(0) > before
    });
    let applied = if replaced {
        Applied::OrganizerReplaced
    } else if rescheduled {
        Applied::Rescheduled
    } else {
        Applied::Updated
    };
    let mut outcome = Outcome::new(Disposition::Applied(applied));
    let organizer = merged.organizer().map(|o| o.address.to_string()).unwrap_or_default();
    let (kind, text) = if replaced {
        (
            NoticeKind::OrganizerChanged,
            format!(
                "{organizer} has taken over as organizer (was {}).",
                old_organizer.map(|a| a.to_string()).unwrap_or_default()
            ),
        )
    } else if rescheduled {
        (NoticeKind::Update, format!("{organizer} has changed the invitation."))
    } else {
        (NoticeKind::Update, format!("{organizer} has sent an update."))
    };
    outcome = queue_if_unanswered(ctx, &merged, outcome);
    let mut merged = merged;
    if !replaced && !rescheduled && full && is_status_poll(ctx, message) {
        // RFC 5546 §3.2.2.7, §3.4.2.5 (ITIP-ATT-5): the organizer asks for
        // our status again; we answer with the answer we gave.
        if let Some((answered, reply)) = crate::itip::outbound::status_reply(ctx, &merged) {
            merged = answered;
            outcome = outcome.with(Effect::Send(reply)).note("status poll answered with the current status");
        }
    }
    if !ctx.by_policy {
        let changes = if kind == NoticeKind::Update { changes(stored, &merged) } else { Vec::new() };
        outcome = outcome.with(Effect::Notify(notice(kind, &merged, text).with_changes(changes)));
    }
    outcome.with(Effect::PutObject(merged)).note(format!("applied {} newer component(s)", newer.len()))
}

/// Whether the organizer asks us to answer again: our ATTENDEE line in
/// the master carries RSVP=TRUE and no answer (NEEDS-ACTION), so the
/// organizer does not know the answer we gave.
fn is_status_poll(ctx: &Ctx<'_>, message: &SchedulingObject) -> bool {
    message
        .master()
        .and_then(|c| attendee(c, ctx.principal))
        .is_some_and(|p| p.rsvp && p.partstat == PartStat::NeedsAction)
}

fn may_replace_organizer(
    ctx: &Ctx<'_>,
    stored: &SchedulingObject,
    message: &SchedulingObject,
) -> Result<(), Violation> {
    let stored_org = stored.organizer().map(|p| p.address.to_string()).unwrap_or_default();
    let new_org = message.organizer_address();
    let mismatch = || Violation::OrganizerMismatch {
        stored: stored_org.clone(),
        claimed: new_org.as_ref().map(|a| a.to_string()).unwrap_or_default(),
    };
    let allowed = match ctx.config.organizer_replacement {
        OrganizerReplacement::Never => false,
        OrganizerReplacement::ByAttendee => new_org.as_ref().is_some_and(|o| stored.has_attendee(o)),
        OrganizerReplacement::Any => true,
    };
    // RFC 5546 §4.2.11: the replacement raises SEQUENCE.
    let newer = message.max_sequence() > stored.max_sequence();
    if allowed && newer { Ok(()) } else { Err(mismatch()) }
}

/// A REQUEST with the master replaces the whole series; overrides it does
/// not repeat are dropped (RFC 5546 §4.4.7). The attendee's own alarms,
/// and their answer when nothing was rescheduled, are kept.
fn replace_series(ctx: &Ctx<'_>, stored: &SchedulingObject, message: &SchedulingObject) -> SchedulingObject {
    let mut merged = message.clone().without_method();
    super::keep_newer_overrides(stored, message, &mut merged);
    let stored_sequence = stored.max_sequence();
    let own_answer = stored
        .master()
        .and_then(|c| attendee(c, ctx.principal))
        .map(|p| p.partstat)
        // A delegation the organizer hands back (RFC 5546 §4.2.7) is ours
        // to answer again.
        .filter(|p| !matches!(p, PartStat::NeedsAction | PartStat::Delegated));
    let keep_answer = message.max_sequence() <= stored_sequence;
    let ids: Vec<InstanceId> = merged.instance_ids().collect();
    for id in ids {
        if keep_answer
            && let (Some(answer), Some(component)) = (own_answer, merged.component_mut(id))
            && let Some(entry) = component::attendee_entry_mut(component, ctx.principal)
        {
            component::set_partstat(entry, answer);
        }
        copy_alarms(stored, id, &mut merged);
    }
    merged
}

fn merge_instances(
    stored: &SchedulingObject,
    message: &SchedulingObject,
    newer: &[InstanceId],
) -> SchedulingObject {
    let mut merged = stored.clone();
    for id in newer {
        merged.put_component_from(message, *id);
    }
    merged
}

/// Keeps the attendee's VALARMs on an instance across an update.
fn copy_alarms(stored: &SchedulingObject, id: InstanceId, merged: &mut SchedulingObject) {
    merged.keep_alarms_from(stored, id);
}

fn queue_if_unanswered(ctx: &Ctx<'_>, object: &SchedulingObject, outcome: Outcome) -> Outcome {
    if ctx.by_policy {
        return outcome;
    }
    let unanswered = object
        .instances()
        .filter_map(|(_, c)| component::attendee_partstat(c, ctx.principal))
        .any(|answer| answer == PartStat::NeedsAction);
    if unanswered {
        outcome.with(Effect::Queue(PendingRequest { kind: PendingKind::Invitation, queued_at: ctx.now }))
    } else if ctx.record.pending.is_some() {
        outcome.with(Effect::Dequeue)
    } else {
        outcome
    }
}

/// The first TZID of a time property that names no usable zone.
fn unusable_timezone(
    component: &calcard::icalendar::ICalendarComponent,
    zones: &crate::model::Zones,
) -> Option<String> {
    component
        .entries
        .iter()
        .filter(|e| crate::model::values::DATE_PROPERTIES.contains(&e.name))
        .filter_map(|e| e.tz_id())
        .find(|tzid| zones.unusable(tzid))
        .map(str::to_string)
}

/// What an update changed, for the person told: the first occurrence's
/// time, the place, and who is invited (RFC 6638 §3.2.8 calls the first
/// significant; people ask about all three).
fn changes(before: &SchedulingObject, after: &SchedulingObject) -> Vec<crate::Change> {
    use crate::Change;
    let mut changes = Vec::new();
    if let Some(span) = before.first_span().filter(|span| Some(*span) != after.first_span()) {
        changes.push(Change::Time { before: span });
    }
    let place = |object: &SchedulingObject| {
        object
            .main_component()
            .property(&ICalendarProperty::Location)
            .and_then(|e| e.values.first())
            .and_then(|v| v.as_text())
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
    };
    if place(before) != place(after) {
        changes.push(Change::Place { before: place(before) });
    }
    let (old, new) = (before.attendee_addresses(), after.attendee_addresses());
    let added: Vec<_> = new.iter().filter(|a| !old.contains(a)).cloned().collect();
    let removed: Vec<_> = old.iter().filter(|a| !new.contains(a)).cloned().collect();
    if !added.is_empty() || !removed.is_empty() {
        changes.push(Change::Attendees { added, removed });
    }
    changes
}
