//! COUNTER received by the organizer (RFC 5546 §3.2.7): an attendee's
//! proposal, stored for the organizer's decision (accept with a new
//! REQUEST, or DECLINECOUNTER; see [`crate::LocalAction`]).

use super::{notice, organizer_copy};
use crate::itip::Ctx;
use crate::itip::authority::speaking_attendee;
use crate::model::component::{attendees, dtstamp, sequence};
use crate::outcome::{
    Applied, Disposition, Effect, NoticeKind, Outcome, PendingKind, PendingRequest, Unchanged,
};
use crate::{Incoming, Violation};
use calcard::icalendar::ICalendarComponentType;

pub(super) fn handle(ctx: &Ctx<'_>, incoming: &Incoming) -> Outcome {
    let message = &incoming.message;
    let stored = match organizer_copy(ctx, ctx.record.object.as_ref(), crate::Method::Counter) {
        Ok(stored) => stored,
        Err(outcome) => return outcome,
    };
    let invited = stored.attendee_addresses();
    let candidates: Vec<_> =
        attendees(message.main_component()).into_iter().filter(|p| invited.contains(&p.address)).collect();
    let from = match speaking_attendee(ctx.config, &incoming.senders, &candidates) {
        Ok(p) => p.address.clone(),
        Err(_) if candidates.is_empty() => {
            let sender = incoming.senders.first().map(|s| s.to_string()).unwrap_or_default();
            return Outcome::refused(Violation::NotAnAttendee(sender));
        }
        Err(violation) => return Outcome::refused(violation),
    };
    // RFC 5545 §3.3, RFC 5546 §3.6: a proposal holding a value imip
    // cannot read (a date that does not exist, an RRULE that does not
    // parse) is declined with the status that names it. It is never
    // stored, so it can never reach the other attendees.
    if let Some(property) = message.instances().find_map(|(_, c)| crate::model::values::first_invalid(c)) {
        let violation = Violation::InvalidValue { property, method: crate::Method::Counter };
        let mut decline = crate::itip::local::decline_counter(ctx, stored, message, &from, None);
        let entry = super::request_status_entry(violation.request_status(), &violation);
        for component in decline.calendar.components.iter_mut().filter(|c| {
            matches!(c.component_type, ICalendarComponentType::VEvent | ICalendarComponentType::VTodo)
        }) {
            component.entries.push(entry.clone());
        }
        decline.explanation = format!("Your proposal could not be read: {violation}.");
        return Outcome::refused(violation).with(Effect::Send(decline));
    }
    let proposal = message.main_component();
    if sequence(proposal) < stored.max_sequence() {
        return Outcome::unchanged(Unchanged::OutdatedResponse);
    }
    if let Some(previous) = ctx.record.counters.get(&from) {
        let previous = previous.main_component();
        if dtstamp(previous) >= dtstamp(proposal) && sequence(previous) >= sequence(proposal) {
            return Outcome::unchanged(Unchanged::Duplicate);
        }
    }
    let text = format!("{from} proposes a change; accept it or decline it.");
    let told = notice(NoticeKind::Counter, stored, text)
        .by(&from)
        .with_comment(crate::itip::compose::comment_of(message.main_component()));
    Outcome::new(Disposition::Applied(Applied::CounterRecorded))
        .with(Effect::StoreCounter { from: from.clone(), proposal: message.clone() })
        .with(Effect::Queue(PendingRequest { kind: PendingKind::Counter { from }, queued_at: ctx.now }))
        .with(Effect::Notify(told))
}
