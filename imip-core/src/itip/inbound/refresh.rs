//! REFRESH received by the organizer (RFC 5546 §3.2.6): answered with the
//! current REQUEST (master and overrides, ITIP-RID-8), or a CANCEL when
//! the event is cancelled; only for current attendees (§6.1.6).

use super::{notice_by, organizer_copy};
use crate::itip::Ctx;
use crate::itip::authority::speaking_attendee;
use crate::itip::outbound::{cancel_to, request_to};
use crate::model::component::{self, REFRESH_DTSTAMP, attendees};
use crate::outcome::{Applied, Disposition, Effect, NoticeKind, Outcome, Unchanged};
use crate::{Incoming, Violation};

pub(super) fn handle(ctx: &Ctx<'_>, incoming: &Incoming) -> Outcome {
    let message = &incoming.message;
    let stored = match organizer_copy(ctx, ctx.record.object.as_ref(), crate::Method::Refresh) {
        Ok(stored) => stored,
        Err(outcome) => return outcome,
    };
    let candidates = attendees(message.main_component());
    let requester = match speaking_attendee(ctx.config, &incoming.senders, &candidates) {
        Ok(p) => p.address.clone(),
        Err(violation) => return Outcome::refused(violation),
    };
    if !stored.has_attendee(&requester) {
        return Outcome::refused(Violation::NotAnAttendee(requester.to_string()));
    }
    let stamp = component::dtstamp(message.main_component());
    let answered_before = stored.instances().any(|(_, c)| {
        c.properties(&calcard::icalendar::ICalendarProperty::Attendee)
            .find(|e| crate::Participant::from_entry(e).is_some_and(|p| p.address == requester))
            .and_then(|e| component::text_param(e, REFRESH_DTSTAMP))
            .is_some_and(|seen| stamp.is_some_and(|s| s.to_ical() == seen))
    });
    if answered_before {
        return Outcome::unchanged(Unchanged::Duplicate);
    }
    let recipients = [requester.clone()];
    let answer = if stored.is_cancelled() {
        // RFC 5546 §3.4.6: a cancelled to-do (and, likewise, event) is
        // answered with its CANCEL.
        let explanation = format!("This {} has been cancelled.", stored.kind().noun());
        cancel_to(ctx, stored, &recipients, &explanation)
    } else {
        request_to(ctx, stored, &recipients, "Here is the current version you asked for.")
    };
    let Some(answer) = answer else {
        return Outcome::unchanged(Unchanged::NothingToSend);
    };
    let mut updated = stored.clone();
    if let Some(at) = stamp {
        updated.edit_all(|_, c| {
            if let Some(entry) = component::attendee_entry_mut(c, &requester) {
                component::set_text_param(entry, REFRESH_DTSTAMP, at.to_ical());
            }
        });
    }
    let text = format!("{requester} asked for the latest version; it was sent.");
    Outcome::new(Disposition::Applied(Applied::RefreshAnswered))
        .with(Effect::Send(answer))
        .with(Effect::Notify(notice_by(NoticeKind::Refresh, stored, text, &requester)))
        .with(Effect::PutObject(updated))
}
