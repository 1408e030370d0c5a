//! A local principal's actions, turned into a new version of their copy
//! and run through the outbound diff (RFC 6638 §3.2: implicit scheduling).

use super::Ctx;
use super::compose::{Composer, add_comment, keep_carried};
use super::copy::{is_organizer, mark_counter_sent, set_partstat, with_extra_effects};
use super::outbound::{Edit, Scheduled, attendee_changes, message, organizer_changes, own_answers};
use crate::model::component::{self, attendee as find_attendee};
use crate::model::{InstanceId, Method, PartStat, SchedulingObject};
use crate::outcome::{Applied, Disposition, Effect, Outcome, PendingKind, Unchanged};
use crate::{CalAddress, LocalAction, Violation};
use calcard::icalendar::{
    ICalendarEntry, ICalendarParameterName, ICalendarParameterValue, ICalendarProperty, ICalendarValue,
};

/// Whether the handler of `action` owns the stored object ([`handle`]'s
/// `slot`) rather than reading it on the record: an answer, which edits
/// the principal's own line in place.
pub(crate) fn takes_stored(action: &LocalAction) -> bool {
    matches!(action, LocalAction::Respond { .. })
}

/// Decides on one of the principal's actions. When [`takes_stored`], the
/// stored object is in `slot` (and absent from `ctx.record`); the answer
/// takes it when it edits it, and leaves it there otherwise.
pub(crate) fn handle(ctx: &Ctx<'_>, action: &LocalAction, slot: &mut Option<SchedulingObject>) -> Outcome {
    match run(ctx, action, slot) {
        Ok(outcome) => outcome,
        Err(violation) => Outcome::refused(violation),
    }
}

/// The principal answers (RFC 5546 §3.2.3): their PARTSTAT, set on their
/// copy in place, and the REPLY for what it changed.
fn respond(
    ctx: &Ctx<'_>,
    slot: &mut Option<SchedulingObject>,
    instance: Option<InstanceId>,
    partstat: PartStat,
    comment: Option<&str>,
) -> Result<Outcome, Violation> {
    let old = attendee_copy(ctx, slot.as_ref())?;
    let organizer = old.organizer();
    // Without an ORGANIZER the answer fails below, after the instance is
    // checked: the copy is left where it is, and a copy of it is edited.
    let mut new = match organizer {
        Some(_) => slot.take().expect("read above"),
        None => old.clone(),
    };
    let before = match set_partstat(ctx.principal, &mut new, instance, partstat) {
        Ok(before) => before,
        Err(violation) => {
            // Left as it was.
            if slot.is_none() {
                *slot = Some(new);
            }
            return Err(violation);
        }
    };
    let organizer = organizer.ok_or(Violation::MissingOrganizer)?;
    let scheduled = own_answers(ctx, &organizer, new, &before, comment);
    let mut extra = Vec::new();
    if ctx
        .record
        .pending
        .as_ref()
        .is_some_and(|p| matches!(p.kind, PendingKind::Invitation | PendingKind::Approval))
    {
        extra.push(Effect::Dequeue);
    }
    Ok(finish(ctx, scheduled, extra))
}

fn run(
    ctx: &Ctx<'_>,
    action: &LocalAction,
    slot: &mut Option<SchedulingObject>,
) -> Result<Outcome, Violation> {
    let stored = ctx.record.object.as_ref();
    match action {
        LocalAction::Save(object) => save(ctx, stored, object.clone().without_method(), None),
        LocalAction::Delete { .. } => {
            let Some(old) = stored else { return Ok(Outcome::unchanged(Unchanged::UnknownObject)) };
            let scheduled = if is_organizer(ctx, old) {
                organizer_changes(ctx, Some(old), None)?
            } else {
                attendee_changes(ctx, old, None, None, Edit::OwnLine)?
            };
            Ok(finish(ctx, scheduled, Vec::new()))
        }
        LocalAction::Respond { instance, partstat, comment, .. } => {
            respond(ctx, slot, *instance, *partstat, comment.as_deref())
        }
        LocalAction::Delegate { to, comment, .. } => {
            let old = attendee_copy(ctx, stored)?;
            let mut new = old.clone();
            new.edit_all(|_, c| delegate(c, ctx.principal, to));
            let scheduled = attendee_changes(ctx, old, Some(new), comment.as_deref(), Edit::OwnLine)?;
            Ok(finish(ctx, scheduled, vec![Effect::Dequeue]))
        }
        LocalAction::Counter { proposal, comment } => counter(ctx, stored, proposal, comment.as_deref()),
        // The driver answers approvals for resources (it reads their
        // schedule); anyone else has nothing to approve.
        LocalAction::Approve { .. } => Err(Violation::NotAResource(ctx.principal.to_string())),
        LocalAction::Refresh { .. } => {
            let old = attendee_copy(ctx, stored)?;
            let organizer = old.organizer().ok_or(Violation::MissingOrganizer)?;
            let refresh = super::inbound::refresh_request(ctx, old, &organizer.address);
            Ok(Outcome::new(Disposition::Applied(Applied::Scheduled)).with(Effect::Send(refresh)))
        }
        LocalAction::AcceptCounter { from, .. } if held_uninvited(ctx, from) => admit_uninvited(ctx, from),
        LocalAction::DeclineCounter { from, .. } if held_uninvited(ctx, from) => {
            // There was no counter-proposal: nothing to decline by mail.
            Ok(Outcome::new(Disposition::Applied(Applied::Dismissed))
                .with(Effect::DropCounters { from: Some(from.clone()) })
                .with(Effect::Dequeue)
                .note(format!("the reply of uninvited {from} was dismissed")))
        }
        LocalAction::AcceptCounter { from, .. } => {
            let old = stored
                .filter(|o| is_organizer(ctx, o))
                .ok_or_else(|| Violation::NotOrganizer(ctx.principal.to_string()))?;
            let proposal = ctx.record.counters.get(from).ok_or(Violation::NotAnAttendee(from.to_string()))?;
            let new = apply_proposal(old, proposal);
            let scheduled = organizer_changes(ctx, Some(old), Some(new))?;
            Ok(finish(
                ctx,
                scheduled,
                vec![Effect::DropCounters { from: Some(from.clone()) }, Effect::Dequeue],
            ))
        }
        LocalAction::DeclineCounter { from, comment, .. } => {
            let old = stored
                .filter(|o| is_organizer(ctx, o))
                .ok_or_else(|| Violation::NotOrganizer(ctx.principal.to_string()))?;
            let proposal = ctx.record.counters.get(from).ok_or(Violation::NotAnAttendee(from.to_string()))?;
            let decline = decline_counter(ctx, old, proposal, from, comment.as_deref());
            Ok(Outcome::new(Disposition::Applied(Applied::Scheduled))
                .with(Effect::Send(decline))
                .with(Effect::DropCounters { from: Some(from.clone()) })
                .with(Effect::Dequeue))
        }
    }
}

/// Whether the organizer holds a REPLY from `from`, who was not invited
/// (RFC 5546 §3.2.3, ITIP-FWD-3; [`crate::UninvitedReplies::Hold`]).
fn held_uninvited(ctx: &Ctx<'_>, from: &CalAddress) -> bool {
    matches!(&ctx.record.pending, Some(p) if matches!(&p.kind, PendingKind::UninvitedReply { from: f } if f == from))
        && ctx.record.counters.contains_key(from)
}

/// The organizer admits the held reply of someone not invited: it is
/// applied as the `accept` policy would have applied it, adding them as
/// an attendee with the answer they gave.
fn admit_uninvited(ctx: &Ctx<'_>, from: &CalAddress) -> Result<Outcome, Violation> {
    let reply = ctx.record.counters.get(from).ok_or(Violation::NotAnAttendee(from.to_string()))?;
    let config = crate::Config { uninvited_replies: crate::UninvitedReplies::Accept, ..ctx.config.clone() };
    let admitting = Ctx { config: &config, ..*ctx };
    let incoming = crate::Incoming {
        principal: ctx.principal.clone(),
        senders: vec![from.clone()],
        message: reply.clone(),
    };
    // The record stays as it is: the REPLY edits a copy of its object.
    let mut outcome = super::inbound::handle(&admitting, &incoming, &mut ctx.record.object.clone());
    if matches!(outcome.disposition, Disposition::Applied(_)) {
        outcome = outcome.with(Effect::DropCounters { from: Some(from.clone()) }).with(Effect::Dequeue);
    }
    Ok(outcome)
}

fn save(
    ctx: &Ctx<'_>,
    stored: Option<&SchedulingObject>,
    new: SchedulingObject,
    comment: Option<&str>,
) -> Result<Outcome, Violation> {
    let organizer = new.organizer();
    let is_org = organizer.as_ref().is_some_and(|o| &o.address == ctx.principal);
    let attends =
        |o: &SchedulingObject| o.instances().any(|(_, c)| find_attendee(c, ctx.principal).is_some());
    let scheduled = match stored {
        // Scheduling removed (RFC 6638 §3.2.1.2): every former attendee
        // is cancelled, and the object is kept as saved.
        Some(old) if organizer.is_none() && is_organizer(ctx, old) => {
            super::outbound::unscheduled(ctx, old, new)
        }
        // Not a scheduling object (RFC 6638 §3.1): just store it.
        _ if organizer.is_none() => Scheduled { object: Some(new), messages: Vec::new() },
        _ if is_org => organizer_changes(ctx, stored, Some(new))?,
        // A copy of someone else's event the user is not in: stored,
        // nothing to schedule.
        Some(old) if !attends(old) && !attends(&new) => Scheduled { object: Some(new), messages: Vec::new() },
        Some(old) => attendee_changes(ctx, old, Some(new), comment, Edit::Client)?,
        // An invitation imported by the user: stored, nothing sent.
        None => Scheduled { object: Some(new), messages: Vec::new() },
    };
    Ok(finish(ctx, scheduled, Vec::new()))
}

fn finish(ctx: &Ctx<'_>, scheduled: Scheduled, extra: Vec<Effect>) -> Outcome {
    let sends = !scheduled.messages.is_empty();
    let mut outcome = Outcome::new(if sends {
        Disposition::Applied(Applied::Scheduled)
    } else {
        Disposition::Unchanged(Unchanged::NothingToSend)
    });
    match scheduled.object {
        Some(object) => outcome = outcome.with(Effect::PutObject(object)),
        None if ctx.record.object.is_some() => {
            outcome = outcome.with(Effect::DeleteObject {
                uid: ctx.record.object.as_ref().map(|o| o.uid().to_string()).unwrap_or_default(),
            })
        }
        None => {}
    }
    for message in scheduled.messages {
        outcome = outcome.note(format!("{} to {}", message.method, join(&message.to)));
        outcome = outcome.with(Effect::Send(message));
    }
    with_extra_effects(ctx, outcome, extra)
}

fn join(addresses: &[CalAddress]) -> String {
    addresses.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(", ")
}

fn attendee_copy<'a>(
    ctx: &Ctx<'_>,
    stored: Option<&'a SchedulingObject>,
) -> Result<&'a SchedulingObject, Violation> {
    stored
        .filter(|o| o.has_attendee(ctx.principal))
        .ok_or_else(|| Violation::NotAnAttendee(ctx.principal.to_string()))
}

/// RFC 5546 §2.1.2: our line becomes DELEGATED with DELEGATED-TO, and the
/// delegate is added with DELEGATED-FROM and our RSVP (ITIP-DEL-2, -4).
fn delegate(c: &mut calcard::icalendar::ICalendarComponent, principal: &CalAddress, to: &CalAddress) {
    if find_attendee(c, principal).is_none() {
        return;
    }
    if let Some(entry) = component::attendee_entry_mut(c, principal) {
        component::set_partstat(entry, PartStat::Delegated);
        component::set_param(
            entry,
            ICalendarParameterName::DelegatedTo,
            ICalendarParameterValue::Text(to.to_uri()),
        );
    }
    if find_attendee(c, to).is_none() {
        let mut line =
            ICalendarEntry::new(ICalendarProperty::Attendee).with_value(ICalendarValue::Text(to.to_uri()));
        component::set_partstat(&mut line, PartStat::NeedsAction);
        // The delegate must answer the organizer (ITIP-DEL-6).
        component::set_rsvp(&mut line, true);
        component::set_param(
            &mut line,
            ICalendarParameterName::DelegatedFrom,
            ICalendarParameterValue::Text(principal.to_uri()),
        );
        c.entries.push(line);
    }
}

/// COUNTER (RFC 5546 §3.2.7): the complete proposed component, with the
/// SEQUENCE of the version countered, sent to the organizer.
fn counter(
    ctx: &Ctx<'_>,
    stored: Option<&SchedulingObject>,
    proposal: &SchedulingObject,
    comment: Option<&str>,
) -> Result<Outcome, Violation> {
    let old = attendee_copy(ctx, stored)?;
    let organizer = old.organizer().ok_or(Violation::MissingOrganizer)?;
    let sequence = old.max_sequence();
    let mut composer = Composer::new(proposal, Method::Counter, &ctx.config.prodid, ctx.now);
    for id in proposal.instance_ids() {
        composer.add(id, |c| {
            component::set_sequence(c, sequence);
            component::remove_property(c, &ICalendarProperty::Organizer);
            c.entries.push(
                ICalendarEntry::new(ICalendarProperty::Organizer)
                    .with_value(ICalendarValue::Text(organizer.address.to_uri())),
            );
            add_comment(c, comment);
        });
    }
    let counter = message(
        proposal,
        Method::Counter,
        ctx.principal,
        std::slice::from_ref(&organizer.address),
        "A change is proposed.",
        composer,
    );
    Ok(Outcome::new(Disposition::Applied(Applied::Scheduled))
        .with(Effect::Send(counter))
        .with(Effect::PutObject(mark_counter_sent(old, proposal, ctx.now))))
}

/// Accepting a COUNTER: the proposal's times (a to-do's DUE too), place
/// and description replace the organizer's (RFC 5546 §3.2.7, §3.4.7);
/// attendees are kept.
fn apply_proposal(old: &SchedulingObject, proposal: &SchedulingObject) -> SchedulingObject {
    const TAKEN: &[ICalendarProperty] = &[
        ICalendarProperty::Dtstart,
        ICalendarProperty::Dtend,
        ICalendarProperty::Duration,
        ICalendarProperty::Due,
        ICalendarProperty::Location,
        ICalendarProperty::Summary,
        ICalendarProperty::Description,
    ];
    let mut new = old.clone();
    for (id, proposed) in proposal.instances() {
        if new.component(id).is_none()
            && let Some(rid) = proposed.property(&ICalendarProperty::RecurrenceId)
            && let Some(occurrence) = super::inbound::materialize(old, id, rid)
        {
            new.put_component(id, occurrence);
        }
        new.edit(id, |target| {
            for property in TAKEN {
                if proposed.has_property(property) {
                    component::remove_property(target, property);
                    target.entries.extend(proposed.properties(property).cloned());
                }
            }
        });
    }
    new.put_timezones_from(proposal);
    new
}

/// DECLINECOUNTER (RFC 5546 §3.2.8): to the countering attendee only,
/// with the current SEQUENCE.
pub(crate) fn decline_counter(
    ctx: &Ctx<'_>,
    current: &SchedulingObject,
    proposal: &SchedulingObject,
    from: &CalAddress,
    comment: Option<&str>,
) -> crate::ItipMessage {
    let mut composer = Composer::new(current, Method::DeclineCounter, &ctx.config.prodid, ctx.now);
    let id = proposal
        .instance_ids()
        .next()
        .filter(|id| current.component(*id).is_some())
        .unwrap_or(InstanceId::Master);
    let sequence = current.max_sequence();
    composer.add(id, |c| {
        let line = c
            .properties(&ICalendarProperty::Attendee)
            .find(|e| crate::Participant::from_entry(e).is_some_and(|p| &p.address == from))
            .cloned();
        // RFC 5546 §3.2.8: the identity and SEQUENCE of what was
        // declined; not its times or title, which RFC 2446's table
        // forbade and libical still checks.
        keep_carried(c, Method::DeclineCounter, &[ICalendarProperty::RecurrenceId]);
        c.entries.extend(line);
        component::set_sequence(c, sequence);
        add_comment(c, comment);
    });
    message(
        current,
        Method::DeclineCounter,
        ctx.principal,
        std::slice::from_ref(from),
        "Your proposal was declined.",
        composer,
    )
}
