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

pub(super) fn handle(ctx: &Ctx<'_>, incoming: &Incoming) -> Outcome {
    let message = &incoming.message;
    let stored = match organizer_copy(ctx, crate::Method::Counter) {
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
    let told = notice(NoticeKind::Counter, stored, text).by(&from);
    Outcome::new(Disposition::Applied(Applied::CounterRecorded))
        .with(Effect::StoreCounter { from: from.clone(), proposal: message.clone() })
        .with(Effect::Queue(PendingRequest { kind: PendingKind::Counter { from }, queued_at: ctx.now }))
        .with(Effect::Notify(told))
}
