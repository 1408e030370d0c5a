//! Delivery status for what the organizer's agent sent (RFC 6638 §3.2.9
//! with the codes of RFC 5546 §3.6, from RFC 3464 reports).
//!
//! When imip sends a REQUEST, ADD or CANCEL for an organizer, it records
//! the mail's Message-ID on each recipient's ATTENDEE in the organizer's
//! copy (`X-IMIP-SENT`, see `crate::plan`) and sets SCHEDULE-STATUS 1.1.
//! A delivery report for that Message-ID, from a mail system, then sets
//! SCHEDULE-STATUS on the attendees it names:
//!
//! | report action | SCHEDULE-STATUS | when |
//! |---|---|---|
//! | failed | 5.1 (could not complete delivery) | the report is about the latest mail the attendee was sent, or no answer of theirs is recorded since |
//! | delayed | 1.1 (sent, still pending) | no answer or failure recorded |
//! | delivered, relayed, expanded | 1.2 (delivered) | no answer or failure recorded |
//!
//! A REPLY from the attendee sets 2.0 (or its own code) as before. A
//! failure or a delay is told to the organizer in a notice; nothing is
//! ever sent, so a forged report causes no backscatter. A report from
//! anyone but a mail system (`MAILER-DAEMON`, `postmaster`), about an
//! object the principal does not organize, or naming a Message-ID imip
//! never sent to that attendee, changes nothing, with the reason.

use super::Ctx;
use crate::imip::dsn::{DeliveryAction, DeliveryReport, RecipientStatus, is_mail_system};
use crate::model::component::{self, SENT_MESSAGES};
use crate::outcome::{Applied, Disposition, Effect, Ignored, Notice, NoticeKind, Outcome, Unchanged};
use crate::{CalAddress, Participant};
use calcard::icalendar::ICalendarProperty;

/// Decides on a delivery report about `uid` received for the principal.
pub(crate) fn handle(ctx: &Ctx<'_>, senders: &[CalAddress], report: &DeliveryReport) -> Outcome {
    let ignore = |why: &str| Outcome::ignored(Ignored::DeliveryReport(why.to_string()));
    if !senders.iter().any(is_mail_system) {
        return ignore("not sent by a mail system (MAILER-DAEMON or postmaster)");
    }
    let Some(message_id) = report.original_message_id.as_deref() else {
        return ignore("it does not name the mail it reports on");
    };
    let Some(stored) = ctx.record.object.as_ref() else {
        return ignore("it names no object the principal holds");
    };
    if !stored.is_organized_by(ctx.principal) {
        return ignore("it names an object the principal does not organize");
    }
    let mut updated = stored.clone();
    let mut told: Vec<&RecipientStatus> = Vec::new();
    let (mut matched, mut changed) = (false, false);
    for status in &report.recipients {
        let mut tell = false;
        updated.edit_all(|_, c| {
            for entry in c.entries.iter_mut().filter(|e| e.name == ICalendarProperty::Attendee) {
                let Some(attendee) = Participant::from_entry(entry) else { continue };
                if !attendee.is_known_as(&status.address) {
                    continue;
                }
                let sent = component::text_param(entry, SENT_MESSAGES).unwrap_or_default();
                let ids: Vec<&str> = sent.split_whitespace().collect();
                let Some(position) = ids.iter().position(|id| *id == message_id) else { continue };
                matched = true;
                let latest = position + 1 == ids.len();
                let current = component::schedule_status(entry).unwrap_or_default().to_string();
                if let Some(code) = new_status(status.action, latest, &current) {
                    component::set_schedule_status(entry, code);
                    changed = true;
                    tell |= status.action == DeliveryAction::Failed;
                }
                // A delay is news while nothing else is known.
                tell |= status.action == DeliveryAction::Delayed && current.starts_with('1');
            }
        });
        if tell && !told.iter().any(|s| s.address == status.address) {
            told.push(status);
        }
    }
    if !matched {
        return ignore("it names a mail imip never sent to the attendees it reports on");
    }
    if !changed && told.is_empty() {
        return Outcome::unchanged(Unchanged::Duplicate);
    }
    let mut outcome = Outcome::new(Disposition::Applied(Applied::DeliveryStatusRecorded))
        .note(format!("delivery report for {message_id}"));
    for status in told {
        outcome = outcome.with(Effect::Notify(delivery_notice(stored, status)));
    }
    if changed {
        outcome = outcome.with(Effect::PutObject(updated));
    }
    outcome
}

/// The SCHEDULE-STATUS a report sets, given what is recorded; `None` to
/// keep what is there.
fn new_status(action: DeliveryAction, latest: bool, current: &str) -> Option<&'static str> {
    let pending = current.is_empty() || current.starts_with('1');
    match action {
        DeliveryAction::Failed if latest || pending => Some("5.1").filter(|c| *c != current),
        DeliveryAction::Delayed if pending => Some("1.1").filter(|c| *c != current),
        DeliveryAction::Delivered if pending => Some("1.2").filter(|c| *c != current),
        _ => None,
    }
}

fn delivery_notice(object: &crate::SchedulingObject, status: &RecipientStatus) -> Notice {
    let noun = object.kind().noun();
    let why = status.diagnostic.as_deref().map(|d| format!(" The mail system said: {d}")).unwrap_or_default();
    let (kind, text) = match status.action {
        DeliveryAction::Failed => (
            NoticeKind::DeliveryFailed,
            format!(
                "The {noun} could not be delivered to {} (status {}): they have not received it.{why}",
                status.address, status.status
            ),
        ),
        _ => (
            NoticeKind::DeliveryDelayed,
            format!(
                "The {noun} has not reached {} yet (status {}); the mail system keeps trying.{why}",
                status.address, status.status
            ),
        ),
    };
    let said = match &status.diagnostic {
        Some(words) => format!("{}: {words}", status.status),
        None => status.status.clone(),
    };
    Notice::about_by(kind, object, text, Some(status.address.clone())).with_comment(Some(said))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_table() {
        use DeliveryAction::*;
        assert_eq!(new_status(Failed, true, "1.1"), Some("5.1"));
        assert_eq!(new_status(Failed, true, "2.0"), Some("5.1"), "the newest mail did not arrive");
        assert_eq!(new_status(Failed, false, "2.0"), None, "an older mail; they answered since");
        assert_eq!(new_status(Failed, false, "1.1"), Some("5.1"));
        assert_eq!(new_status(Failed, true, "5.1"), None, "already recorded");
        assert_eq!(new_status(Delayed, true, "1.1"), None);
        assert_eq!(new_status(Delayed, true, "5.1"), None);
        assert_eq!(new_status(Delivered, true, "1.1"), Some("1.2"));
        assert_eq!(new_status(Delivered, true, "2.0"), None);
    }
}
