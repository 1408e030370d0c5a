//! CANCEL received by an attendee (RFC 5546 §3.2.5): the whole event,
//! some instances, or our own participation ("uninvited"). Nothing is
//! deleted: the copy is marked STATUS:CANCELLED with the CANCEL's
//! SEQUENCE, so older messages cannot revive it (ITIP-ORD-7).

use super::{materialize, newer_instances, notice_by};
use crate::itip::Ctx;
use crate::itip::authority::check_organizer;
use crate::model::component;
use crate::model::{InstanceId, SchedulingObject};
use crate::outcome::{Applied, Disposition, Effect, NoticeKind, Outcome, Unchanged};
use crate::{Incoming, Violation};
use calcard::icalendar::{ICalendarProperty, ICalendarStatus};

/// `slot` holds the principal's copy, taken when the CANCEL applies
/// ([`super::handle`]).
pub(super) fn handle(ctx: &Ctx<'_>, incoming: &Incoming, slot: &mut Option<SchedulingObject>) -> Outcome {
    let message = &incoming.message;
    let Some(organizer) = message.organizer() else {
        return Outcome::refused(Violation::MissingOrganizer);
    };
    if &organizer.address == ctx.principal {
        return Outcome::ignored(crate::Ignored::OwnMessage);
    }
    let Some(stored) = slot.as_ref() else {
        return tombstone(ctx, incoming, &organizer);
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
    let newer = match cancelled_instances(stored, message) {
        Ok(newer) => newer,
        Err(unchanged) => return Outcome::unchanged(unchanged),
    };

    let whole = newer.contains(&InstanceId::Master);
    let series = stored.master().is_some_and(|m| {
        m.property(&ICalendarProperty::Rrule).is_some() || m.property(&ICalendarProperty::Rdate).is_some()
    });
    // The CANCEL applies: the copy is ours to edit.
    let updated = mark_cancelled(slot.take().expect("read above"), message, &newer);

    let uninvited = whole
        && message
            .component(InstanceId::Master)
            .is_some_and(|c| !component::is_cancelled(c) && component::lists_attendee(c, ctx.principal));
    let text = if uninvited {
        format!("{} has removed you from the attendees.", organizer.address)
    } else if whole {
        format!("{} has cancelled the {}.", organizer.address, message.kind().noun())
    } else {
        format!("{} has cancelled {} occurrence(s).", organizer.address, newer.len())
    };
    let mut outcome = Outcome::new(Disposition::Applied(Applied::Cancelled));
    if whole && ctx.record.pending.is_some() {
        outcome = outcome.with(Effect::Dequeue);
    }
    let scope = if !whole {
        let starts = newer
            .iter()
            .filter_map(|id| match id {
                InstanceId::Occurrence { start, .. } => Some(*start),
                InstanceId::Master => None,
            })
            .collect();
        vec![crate::Change::Occurrences(starts)]
    } else if !uninvited && series {
        vec![crate::Change::WholeSeries]
    } else {
        Vec::new()
    };
    outcome
        .with(Effect::Notify(
            notice_by(NoticeKind::Cancellation, &updated, text, &organizer.address).with_changes(scope),
        ))
        .with(Effect::PutObject(updated))
}

/// A CANCEL that overtook its REQUEST (ITIP-ORD-8, RFC 5546 §2.1.5): the
/// organizer's cancellation is kept as a cancelled copy, a tombstone, so
/// that the older REQUEST arriving later does not revive the event or
/// book its time (a REQUEST must be newer than what is stored). Only a
/// CANCEL the organizer sent leaves one, and one for the whole object or
/// for some instances alike.
fn tombstone(ctx: &Ctx<'_>, incoming: &Incoming, organizer: &crate::Participant) -> Outcome {
    let message = &incoming.message;
    if let Err(violation) = check_organizer(ctx.config, &incoming.senders, organizer) {
        return Outcome::refused(violation);
    }
    let mut copy = message.clone().without_method();
    copy.edit_all(|_, c| component::set_status(c, ICalendarStatus::Cancelled));
    let text = format!(
        "{} has cancelled {}, before its invitation arrived; it stays cancelled.",
        organizer.address,
        message.title()
    );
    Outcome::new(Disposition::Applied(Applied::Cancelled))
        .with(Effect::Notify(notice_by(NoticeKind::Cancellation, &copy, text, &organizer.address)))
        .with(Effect::PutObject(copy))
        .note("cancellation of an unknown object kept as a tombstone")
}

/// The instances a CANCEL cancels. A CANCEL is never a duplicate of a
/// REQUEST: ordering (RFC 5546 §2.1.5) refuses only what is older, and
/// at an equal SEQUENCE and DTSTAMP (Tine 2.0, OBM and others send their
/// CANCEL stamped as the invitation was) the CANCEL of an instance that is
/// not cancelled yet cancels it. Only a CANCEL of what is already
/// cancelled, at the same stamp, changes nothing.
fn cancelled_instances(
    stored: &SchedulingObject,
    message: &SchedulingObject,
) -> Result<Vec<InstanceId>, Unchanged> {
    let not_yet = |id: &InstanceId| match stored.component(*id) {
        Some(c) => !component::is_cancelled(c),
        None => !stored.is_cancelled(),
    };
    let named: Vec<InstanceId> = if message.component(InstanceId::Master).is_some() {
        vec![InstanceId::Master]
    } else {
        message.instance_ids().collect()
    };
    let tied = |id: &InstanceId| {
        let stamp = message.stamp(*id);
        let current = stored.stamp(*id).or_else(|| stored.stamp(InstanceId::Master));
        stamp.is_some() && stamp == current
    };
    match newer_instances(stored, message) {
        Ok(mut newer) => {
            let ties: Vec<InstanceId> =
                named.into_iter().filter(|id| !newer.contains(id) && tied(id) && not_yet(id)).collect();
            newer.extend(ties);
            Ok(newer)
        }
        Err(Unchanged::Duplicate) => {
            let ties: Vec<InstanceId> = named.into_iter().filter(|id| tied(id) && not_yet(id)).collect();
            if ties.is_empty() { Err(Unchanged::AlreadyCancelled) } else { Ok(ties) }
        }
        Err(unchanged) => Err(unchanged),
    }
}

/// The stored copy, `updated`, with the `newer` instances of a CANCEL
/// applied (an edit of a copy shared with others copies it): each
/// marked STATUS:CANCELLED with the CANCEL's SEQUENCE and DTSTAMP, all of
/// them when the master is cancelled, and later overrides with a
/// RANGE=THISANDFUTURE instance (RFC 5545 §3.2.13). Shared by the
/// attendee receiving a CANCEL and the organizer recording one they sent.
pub(crate) fn mark_cancelled(
    mut updated: SchedulingObject,
    message: &SchedulingObject,
    newer: &[InstanceId],
) -> SchedulingObject {
    let mut materialized = false;
    let whole = newer.contains(&InstanceId::Master);
    // Occurrences are made from the copy as it was, before any mark: a
    // snapshot (shared, so the marks below copy the copy) when one is
    // needed.
    let original =
        (!whole && newer.iter().any(|id| updated.component(*id).is_none())).then(|| updated.clone());
    for id in newer {
        let Some(source) = message.component(*id) else { continue };
        let sequence = component::sequence(source);
        let dtstamp = component::dtstamp(source);
        let mark = |c: &mut calcard::icalendar::ICalendarComponent| {
            component::set_status(c, ICalendarStatus::Cancelled);
            let kept = component::sequence(c).max(sequence);
            component::set_sequence(c, kept);
            if let Some(at) = dtstamp {
                component::set_dtstamp(c, at);
            }
        };
        if whole {
            updated.edit_all(|_, c| mark(c));
            break;
        }
        if updated.component(*id).is_none() {
            let Some(rid) = source.property(&ICalendarProperty::RecurrenceId) else { continue };
            match materialize(original.as_ref().unwrap_or(&updated), *id, rid) {
                Some(occurrence) => {
                    updated.put_component(*id, occurrence);
                    materialized = true;
                }
                None => {
                    updated.put_component_from(message, *id);
                }
            }
        }
        updated.edit(*id, mark);
        if let InstanceId::Occurrence { start, this_and_future: true } = id {
            // RANGE=THISANDFUTURE: later overrides go with it (RFC 5545 §3.2.13).
            updated.edit_all(|other, c| {
                if matches!(other, InstanceId::Occurrence { start: s, .. } if s > *start) {
                    mark(c);
                }
            });
        }
    }
    // Marks leave RECURRENCE-IDs alone; an instance made from the master
    // needs the index brought up to date.
    if materialized {
        updated.rekey();
    }
    updated
}
