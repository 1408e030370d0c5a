//! ADD received by an attendee (RFC 5546 §3.2.4): new instances of a
//! recurring event, each handled as an extra RDATE with its own data
//! (ITIP-RID-7). For an unknown UID, ask the organizer with REFRESH
//! (ITIP-ORD-11).

use super::notice;
use crate::itip::Ctx;
use crate::itip::authority::check_organizer;
use crate::itip::compose::{Composer, keep_carried};
use crate::itip::ordering::{Freshness, compare};
use crate::model::component::{self, instant};
use crate::model::{InstanceId, Method, SchedulingObject};
use crate::outcome::{
    Applied, Disposition, Effect, NoticeKind, Outcome, PendingKind, PendingRequest, Unchanged,
};
use crate::{Incoming, ItipMessage, Violation};
use calcard::icalendar::{ICalendarEntry, ICalendarProperty, ICalendarValue};

pub(super) fn handle(ctx: &Ctx<'_>, incoming: &Incoming) -> Outcome {
    let message = &incoming.message;
    let Some(organizer) = message.organizer() else {
        return Outcome::refused(Violation::MissingOrganizer);
    };
    if &organizer.address == ctx.principal {
        return Outcome::ignored(crate::Ignored::OwnMessage);
    }
    if ctx.record.object.is_none() && message.kind() == crate::model::ComponentKind::Journal {
        // RFC 5546 §3.5.2 (ITIP-ORD-11): an ADD for an unknown journal
        // entry may be taken as a PUBLISH.
        return super::publish::handle(ctx, incoming)
            .note("ADD for an unknown journal entry taken as PUBLISH");
    }
    let Some(stored) = ctx.record.object.as_ref() else {
        if let Err(violation) = check_organizer(ctx.config, &incoming.senders, &organizer) {
            return Outcome::refused(violation);
        }
        return Outcome::unchanged(Unchanged::UnknownObject)
            .with(Effect::Send(refresh(ctx, message, &organizer.address)))
            .note("ADD for an unknown object: asked the organizer for it (REFRESH)");
    };
    let Some(stored_organizer) = stored.organizer() else {
        return Outcome::refused(Violation::MissingOrganizer);
    };
    if !stored_organizer.is_same_person(&organizer) {
        return Outcome::refused(Violation::OrganizerMismatch {
            stored: stored_organizer.address.to_string(),
            claimed: organizer.address.to_string(),
        });
    }
    if let Err(violation) = check_organizer(ctx.config, &incoming.senders, &stored_organizer) {
        return Outcome::refused(violation);
    }
    let Some(received) = message.stamp(message.instance_ids().next().unwrap_or(InstanceId::Master)) else {
        return Outcome::refused(Violation::NoComponent);
    };
    let Some(series) =
        stored.stamp(InstanceId::Master).or_else(|| stored.stamp(stored.instance_ids().next()?))
    else {
        return Outcome::unchanged(Unchanged::UnknownObject);
    };
    match compare(series, received) {
        Freshness::Newer => {}
        Freshness::Same => return Outcome::unchanged(Unchanged::Duplicate),
        Freshness::Older => {
            return Outcome::unchanged(Unchanged::Stale {
                instance: InstanceId::Master,
                stored: series,
                received,
            });
        }
    }

    let (updated, added) = match add_instances(stored, message, received) {
        Ok(done) => done,
        Err(violation) => return Outcome::refused(violation),
    };
    let text = format!("{} has added {added} occurrence(s).", organizer.address);
    let mut outcome = Outcome::new(Disposition::Applied(Applied::InstancesAdded));
    if !ctx.by_policy {
        outcome = outcome.with(Effect::Notify(notice(NoticeKind::Added, &updated, text)));
    }
    // New occurrences of an invitation await our answer; those of a
    // publication (no ATTENDEE for us) do not.
    let invited = message.instances().any(|(_, c)| component::attendee(c, ctx.principal).is_some());
    if invited && !ctx.by_policy {
        outcome =
            outcome.with(Effect::Queue(PendingRequest { kind: PendingKind::Invitation, queued_at: ctx.now }));
    }
    outcome.with(Effect::PutObject(updated))
}

/// A REFRESH asking the organizer for the current version (RFC 5546 §3.2.6).
pub(crate) fn refresh(ctx: &Ctx<'_>, about: &SchedulingObject, organizer: &crate::CalAddress) -> ItipMessage {
    let mut composer = Composer::new(about, Method::Refresh, &ctx.config.prodid, ctx.now);
    let id = about.instance_ids().next().unwrap_or(InstanceId::Master);
    let principal = ctx.principal.clone();
    composer.add(id, |c| {
        // The VEVENT REFRESH table requires ORGANIZER (RFC 5546 §3.2.6);
        // the VTODO one forbids it (§3.4.6).
        keep_carried(c, Method::Refresh, &[]);
        c.entries.push(
            ICalendarEntry::new(ICalendarProperty::Attendee)
                .with_value(ICalendarValue::Text(principal.to_uri())),
        );
    });
    ItipMessage {
        method: Method::Refresh,
        from: ctx.principal.clone(),
        to: vec![organizer.clone()],
        uid: about.uid().to_string(),
        title: about.title(),
        significant: true,
        explanation: format!("Please send the latest version of this {}.", about.kind().noun()),
        calendar: composer.finish(),
    }
}

/// Adds the components of an ADD to a stored series, each as an extra
/// RDATE with its own override (RFC 5546 §3.2.4, ITIP-RID-7); the series
/// takes the ADD's SEQUENCE and DTSTAMP. Returns the series and how many
/// instances were added. Shared by the attendee receiving an ADD and the
/// organizer's outgoing agent recording one.
pub(crate) fn add_instances(
    stored: &SchedulingObject,
    message: &SchedulingObject,
    received: crate::model::StampedSequence,
) -> Result<(SchedulingObject, usize), Violation> {
    let mut updated = stored.clone();
    let mut added = 0;
    for (_, component) in message.instances() {
        let Some(dtstart) = component.property(&ICalendarProperty::Dtstart).cloned() else {
            return Err(Violation::MissingProperty {
                property: ICalendarProperty::Dtstart,
                method: Method::Add,
            });
        };
        let Some(start) = instant(&dtstart, message.zones()) else {
            return Err(Violation::MissingProperty {
                property: ICalendarProperty::Dtstart,
                method: Method::Add,
            });
        };
        let mut occurrence = component.clone();
        occurrence.component_ids.clear();
        let mut rid = dtstart.clone();
        rid.name = ICalendarProperty::RecurrenceId;
        occurrence.entries.push(rid);
        updated.put_component(InstanceId::occurrence(start), occurrence);
        updated.edit(InstanceId::Master, |master| {
            let mut rdate = dtstart;
            rdate.name = ICalendarProperty::Rdate;
            master.entries.push(rdate);
            component::set_sequence(master, received.sequence);
            if let Some(at) = received.dtstamp {
                component::set_dtstamp(master, at);
            }
        });
        added += 1;
    }
    updated.rekey();
    Ok((updated, added))
}
