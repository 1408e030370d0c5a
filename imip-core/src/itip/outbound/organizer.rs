//! The organizer's side: from the old and new version of an object, the
//! REQUEST, CANCEL and ADD messages each attendee must get
//! (RFC 5546 §3.2; RFC 6638 §3.2.1, §3.2.5–§3.2.8).
//!
//! Per attendee: invited now and not before, or SCHEDULE-FORCE-SEND →
//! the full REQUEST. Removed from everything → CANCEL naming only them.
//! Series changed significantly → the full REQUEST, except when the only
//! change is new EXDATEs (CANCEL of those instances) or new RDATEs (ADD).
//! Overrides changed → a REQUEST with just those overrides; overrides
//! newly cancelled → CANCEL with their RECURRENCE-ID. Inconsequential
//! changes send nothing. SEQUENCE rises when RFC 5546 §2.1.4 says so, and
//! never falls; rescheduled instances reset PARTSTAT (RFC 6638 §3.2.8);
//! everyone messaged gets SCHEDULE-STATUS 1.1 (RFC 6638 §3.2.9).

use super::{Scheduled, cancel_to, instances_of, merge_identical, message};
use crate::itip::Ctx;
use crate::itip::compose::{Composer, keep_properties};
use crate::itip::inbound::materialize;
use crate::itip::significance::{ChangeClass, classify, only_exdates_added, only_rdates_added};
use crate::model::component::{self, attendee as find_attendee, attendees};
use crate::model::{InstanceId, Method, PartStat, SchedulingObject};
use crate::{CalAddress, ItipMessage, Timestamp, Violation};
use calcard::icalendar::{ICalendarProperty, ICalendarStatus};
use std::collections::{BTreeMap, BTreeSet};

/// What one attendee must be told.
#[derive(Debug, Default)]
struct Plan {
    full_request: bool,
    uninvite: bool,
    partial_requests: Vec<InstanceId>,
    cancelled_instances: Vec<InstanceId>,
    cancelled_dates: Vec<Timestamp>,
    added_dates: Vec<Timestamp>,
}

impl Plan {
    fn is_empty(&self) -> bool {
        !self.full_request
            && !self.uninvite
            && self.partial_requests.is_empty()
            && self.cancelled_instances.is_empty()
            && self.cancelled_dates.is_empty()
            && self.added_dates.is_empty()
    }

    fn cancels_something(&self) -> bool {
        self.uninvite || !self.cancelled_instances.is_empty() || !self.cancelled_dates.is_empty()
    }
}

pub(crate) fn organizer_changes(
    ctx: &Ctx<'_>,
    old: Option<&SchedulingObject>,
    new: Option<SchedulingObject>,
) -> Result<Scheduled, Violation> {
    let Some(mut new) = new else {
        return Ok(delete(ctx, old));
    };
    let organizer = new.organizer().ok_or(Violation::MissingOrganizer)?;
    if &organizer.address != ctx.principal {
        return Err(Violation::NotOrganizer(ctx.principal.to_string()));
    }
    if !organizer.scheduled_by_us() {
        new.edit_all(|_, c| component::strip_force_send(c));
        return Ok(Scheduled { object: Some(new), messages: Vec::new() });
    }

    let stamp = crate::itip::next_stamp(
        ctx.now,
        old.into_iter().flat_map(|o| o.instances().filter_map(|(_, c)| component::dtstamp(c))),
    );
    let ctx = &Ctx { now: stamp, ..*ctx };
    let newly_cancelled = new.master().is_some_and(component::is_cancelled)
        && !old.and_then(|o| o.master()).is_some_and(component::is_cancelled);
    if newly_cancelled {
        return Ok(cancelled_by_status(ctx, old, new));
    }
    let classes = classify_instances(ctx, old, &new);
    let master_change = match (old.and_then(|o| o.master()), new.master()) {
        (Some(before), Some(after)) if classes.get(&InstanceId::Master) == Some(&ChangeClass::Reschedule) => {
            let zones = (old.expect("has master").zones(), new.zones());
            (
                only_exdates_added((before, zones.0), (after, zones.1)),
                only_rdates_added((before, zones.0), (after, zones.1)),
            )
        }
        _ => (None, None),
    };

    let mut plans: BTreeMap<CalAddress, Plan> = BTreeMap::new();
    for address in recipients(ctx, old, &new) {
        let plan = plan_for(&address, old, &new, &classes, &master_change);
        if !plan.is_empty() {
            plans.insert(address, plan);
        }
    }

    // SEQUENCE (RFC 5546 §2.1.4): up for significant changes and every
    // CANCEL or ADD; never below what attendees have already seen.
    let previous = old.map(|o| o.max_sequence());
    let bump = previous.is_some()
        && (classes.values().any(|c| *c >= ChangeClass::Sequence)
            || plans.values().any(|p| p.cancels_something() || !p.added_dates.is_empty()));
    let floor = match previous {
        Some(seq) if bump => seq + 1,
        Some(seq) => seq,
        None => 0,
    };
    let reschedule_all = master_change.0.is_none() && master_change.1.is_none();
    let now = ctx.now;
    let messaged: BTreeSet<CalAddress> = plans.keys().cloned().collect();
    let principal = ctx.principal.clone();
    new.edit_all(|id, c| {
        let sequence = component::sequence(c).max(floor);
        component::set_sequence(c, sequence);
        if !messaged.is_empty() {
            component::set_dtstamp(c, now);
        }
        if classes.get(&id) == Some(&ChangeClass::Reschedule) && reschedule_all {
            reset_partstats(c, &principal);
        }
    });

    let mut messages = Vec::new();
    for (address, plan) in &plans {
        messages.extend(compose(ctx, address, plan, old, &new, floor));
    }
    new.edit_all(|_, c| {
        component::strip_force_send(c);
        for address in &messaged {
            if let Some(entry) = component::attendee_entry_mut(c, address) {
                component::set_schedule_status(entry, "1.1");
            }
        }
    });
    Ok(Scheduled { object: Some(new), messages: merge_identical(messages) })
}

/// Deleting an object we organize cancels it for everyone (RFC 5546
/// §3.2.5, §3.4.5). The copy is kept, cancelled, so that a later REFRESH
/// is answered with the CANCEL (a MUST for to-dos, §3.4.6) and late
/// replies are recognised; deleting a cancelled copy removes it.
fn delete(ctx: &Ctx<'_>, old: Option<&SchedulingObject>) -> Scheduled {
    let Some(old) = old else {
        return Scheduled { object: None, messages: Vec::new() };
    };
    if old.is_cancelled() || !old.organizer().is_some_and(|o| o.scheduled_by_us()) {
        return Scheduled { object: None, messages: Vec::new() };
    }
    let recipients: Vec<CalAddress> = recipients(ctx, Some(old), old).into_iter().collect();
    let mut cancelled = old.clone();
    let sequence = old.max_sequence() + 1;
    cancelled.edit_all(|_, c| component::set_sequence(c, sequence));
    if recipients.is_empty() {
        return Scheduled { object: None, messages: Vec::new() };
    }
    let explanation = format!("The {} has been cancelled.", cancelled.kind().noun());
    let messages: Vec<ItipMessage> =
        cancel_to(ctx, &cancelled, &recipients, &explanation).into_iter().collect();
    // The copy records the CANCEL as an attendee's copy would.
    if let Some(Ok(sent)) = messages.first().map(|m| SchedulingObject::from_calendar(m.calendar.clone())) {
        let ids: Vec<_> = sent.instance_ids().collect();
        cancelled = crate::itip::inbound::cancel::mark_cancelled(cancelled, &sent, &ids);
    }
    Scheduled { object: Some(cancelled), messages }
}

/// The organizer set STATUS:CANCELLED on the series (RFC 5546 §3.2.5):
/// everyone invited, before or now, gets a CANCEL of the whole object,
/// with a higher SEQUENCE; no REQUEST carries STATUS:CANCELLED (§3.2.2).
fn cancelled_by_status(
    ctx: &Ctx<'_>,
    old: Option<&SchedulingObject>,
    mut new: SchedulingObject,
) -> Scheduled {
    let recipients: Vec<CalAddress> = recipients(ctx, old, &new).into_iter().collect();
    let sequence = old.map_or(0, |o| o.max_sequence() + 1).max(new.max_sequence());
    let now = ctx.now;
    new.edit_all(|_, c| {
        component::set_sequence(c, sequence);
        component::set_dtstamp(c, now);
    });
    let explanation = format!("The {} has been cancelled.", new.kind().noun());
    let messages: Vec<ItipMessage> = if recipients.is_empty() {
        Vec::new()
    } else {
        cancel_to(ctx, &new, &recipients, &explanation).into_iter().collect()
    };
    Scheduled { object: Some(new), messages }
}

/// The organizer saved the object without ORGANIZER and ATTENDEE (RFC
/// 6638 §3.2.1.2: each attendee goes from SERVER to <Removed>): every
/// former attendee gets a CANCEL, and the new object is stored as saved,
/// no longer a scheduling object.
pub(crate) fn unscheduled(ctx: &Ctx<'_>, old: &SchedulingObject, new: SchedulingObject) -> Scheduled {
    let cancelled = delete(ctx, Some(old));
    Scheduled { object: Some(new), messages: cancelled.messages }
}

/// Everyone we send to: attendees (old or new) handled by us, except the
/// organizer itself (RFC 6638 §3.2.1).
fn recipients(ctx: &Ctx<'_>, old: Option<&SchedulingObject>, new: &SchedulingObject) -> BTreeSet<CalAddress> {
    old.into_iter()
        .chain(std::iter::once(new))
        .flat_map(|o| o.instances().flat_map(|(_, c)| attendees(c)))
        .filter(|p| p.scheduled_by_us() && &p.address != ctx.principal)
        .map(|p| p.address)
        .collect()
}

fn classify_instances(
    ctx: &Ctx<'_>,
    old: Option<&SchedulingObject>,
    new: &SchedulingObject,
) -> BTreeMap<InstanceId, ChangeClass> {
    new.instances()
        .map(|(id, after)| {
            let class = match old.and_then(|o| o.component(id).map(|c| (c, o.zones()))) {
                Some(before) => classify(ctx.config, before, (after, new.zones())).0,
                None => ChangeClass::Reschedule,
            };
            (id, class)
        })
        .collect()
}

fn plan_for(
    address: &CalAddress,
    old: Option<&SchedulingObject>,
    new: &SchedulingObject,
    classes: &BTreeMap<InstanceId, ChangeClass>,
    master_change: &(Option<Vec<Timestamp>>, Option<Vec<Timestamp>>),
) -> Plan {
    let mut plan = Plan::default();
    let before = old.map(|o| instances_of(o, address)).unwrap_or_default();
    let after = instances_of(new, address);
    if after.is_empty() {
        plan.uninvite = !before.is_empty();
        return plan;
    }
    let forced = new.instances().any(|(_, c)| find_attendee(c, address).is_some_and(|p| p.force_send));
    if before.is_empty() || forced {
        plan.full_request = true;
        return plan;
    }
    if after.contains(&InstanceId::Master) {
        if !before.contains(&InstanceId::Master) {
            plan.full_request = true;
            return plan;
        }
        let class = classes.get(&InstanceId::Master).copied().unwrap_or(ChangeClass::None);
        if class >= ChangeClass::Significant {
            match master_change {
                (Some(removed), _) => plan.cancelled_dates = removed.clone(),
                (_, Some(added)) => plan.added_dates = added.clone(),
                _ => {
                    plan.full_request = true;
                    return plan;
                }
            }
        }
        if before.iter().any(|id| !id.is_master() && new.component(*id).is_none()) {
            // An override went away: the series now describes that instance.
            plan.full_request = true;
            return plan;
        }
    }
    for id in after.iter().filter(|id| !id.is_master()) {
        let class = classes.get(id).copied().unwrap_or(ChangeClass::None);
        let changed = !before.contains(id) || class >= ChangeClass::Significant;
        if !changed {
            continue;
        }
        let cancelled = new.component(*id).is_some_and(component::is_cancelled);
        if cancelled {
            plan.cancelled_instances.push(*id);
        } else {
            plan.partial_requests.push(*id);
        }
    }
    for id in before.iter().filter(|id| !id.is_master() && !after.contains(id)) {
        if new.component(*id).is_some() {
            // Still there, without this attendee: cancel it for them.
            plan.cancelled_instances.push(*id);
        }
    }
    if before.contains(&InstanceId::Master) && after.contains(&InstanceId::Master) {
        // A new override that leaves out an attendee of the series takes
        // that instance from them (RFC 6638 §3.2.6): cancel it for them.
        let old_ids: Vec<InstanceId> = old.map(|o| o.instance_ids().collect()).unwrap_or_default();
        for id in
            new.instance_ids().filter(|id| !id.is_master() && !after.contains(id) && !old_ids.contains(id))
        {
            plan.cancelled_instances.push(id);
        }
    }
    plan
}

fn compose(
    ctx: &Ctx<'_>,
    address: &CalAddress,
    plan: &Plan,
    old: Option<&SchedulingObject>,
    new: &SchedulingObject,
    sequence: i64,
) -> Vec<ItipMessage> {
    let recipients = std::slice::from_ref(address);
    let mut out = Vec::new();
    if plan.uninvite {
        let source = old.unwrap_or(new);
        let removed = format!("You have been removed from this {}.", source.kind().noun());
        let mut composer = Composer::new(source, Method::Cancel, &ctx.config.prodid, ctx.now);
        for id in instances_of(source, address) {
            composer.add(id, |c| {
                keep_only_attendee(c, address);
                component::set_sequence(c, sequence);
                component::remove_property(c, &ICalendarProperty::Status);
            });
        }
        out.push(message(source, Method::Cancel, ctx.principal, recipients, &removed, composer));
    }
    if plan.full_request
        && let Some(request) = super::request_to(ctx, new, recipients, "You are invited; please reply.")
    {
        out.push(request);
    }
    if !plan.partial_requests.is_empty() {
        let mut composer = Composer::new(new, Method::Request, &ctx.config.prodid, ctx.now);
        for id in &plan.partial_requests {
            composer.add(*id, |_| {});
        }
        out.push(message(
            new,
            Method::Request,
            ctx.principal,
            recipients,
            "An occurrence has changed; please reply.",
            composer,
        ));
    }
    if !plan.cancelled_instances.is_empty() || !plan.cancelled_dates.is_empty() {
        let mut composer = Composer::new(new, Method::Cancel, &ctx.config.prodid, ctx.now);
        for id in &plan.cancelled_instances {
            // An instance the attendee was taken off names them, as the
            // CANCEL to a removed attendee does (RFC 5546 §3.2.5).
            let removed = new.component(*id).is_some_and(|c| find_attendee(c, address).is_none());
            let line = old
                .and_then(|o| o.component(*id).filter(|c| find_attendee(c, address).is_some()).or(o.master()))
                .and_then(|c| attendee_line(c, address));
            composer.add(*id, |c| {
                if removed && let Some(line) = line {
                    keep_only_attendee(c, address);
                    c.entries.push(line);
                }
                component::set_status(c, ICalendarStatus::Cancelled);
                component::set_sequence(c, sequence);
            });
        }
        for at in &plan.cancelled_dates {
            if let Some(mut c) = occurrence_of(new, &ICalendarProperty::Exdate, *at) {
                component::remove_property(&mut c, &ICalendarProperty::Dtstart);
                component::remove_property(&mut c, &ICalendarProperty::Dtend);
                component::remove_property(&mut c, &ICalendarProperty::Duration);
                component::set_status(&mut c, ICalendarStatus::Cancelled);
                component::set_sequence(&mut c, sequence);
                component::set_dtstamp(&mut c, ctx.now);
                composer.add_detached(c);
            }
        }
        out.push(message(
            new,
            Method::Cancel,
            ctx.principal,
            recipients,
            "Some occurrences have been cancelled.",
            composer,
        ));
    }
    if !plan.added_dates.is_empty() {
        let mut composer = Composer::new(new, Method::Add, &ctx.config.prodid, ctx.now);
        for at in &plan.added_dates {
            if let Some(mut c) = occurrence_of(new, &ICalendarProperty::Rdate, *at) {
                component::remove_property(&mut c, &ICalendarProperty::RecurrenceId);
                component::set_sequence(&mut c, sequence);
                component::set_dtstamp(&mut c, ctx.now);
                composer.add_detached(c);
            }
        }
        out.push(message(
            new,
            Method::Add,
            ctx.principal,
            recipients,
            "Occurrences have been added; please reply.",
            composer,
        ));
    }
    out
}

/// The component of the occurrence at `at`, named by a date in the
/// master's EXDATE or RDATE, with a RECURRENCE-ID of the same form.
fn occurrence_of(
    object: &SchedulingObject,
    property: &ICalendarProperty,
    at: Timestamp,
) -> Option<calcard::icalendar::ICalendarComponent> {
    let entry = super::recurrence_id_from(object, property, at)?;
    materialize(object, InstanceId::occurrence(at), &entry)
}

/// The ATTENDEE line of `address` in a component.
fn attendee_line(
    c: &calcard::icalendar::ICalendarComponent,
    address: &CalAddress,
) -> Option<calcard::icalendar::ICalendarEntry> {
    c.properties(&ICalendarProperty::Attendee)
        .find(|e| crate::model::component::entry_is(e, address))
        .cloned()
}

fn keep_only_attendee(c: &mut calcard::icalendar::ICalendarComponent, address: &CalAddress) {
    c.entries
        .retain(|e| e.name != ICalendarProperty::Attendee || crate::model::component::entry_is(e, address));
    keep_properties(
        c,
        &[
            ICalendarProperty::Uid,
            ICalendarProperty::RecurrenceId,
            ICalendarProperty::Dtstart,
            ICalendarProperty::Dtend,
            ICalendarProperty::Duration,
            ICalendarProperty::Summary,
            ICalendarProperty::Organizer,
            ICalendarProperty::Attendee,
            ICalendarProperty::Sequence,
            ICalendarProperty::Dtstamp,
            ICalendarProperty::Comment,
        ],
    );
}

/// RFC 6638 §3.2.8: a reschedule sets every attendee but the organizer
/// back to NEEDS-ACTION, asking for a new answer.
fn reset_partstats(c: &mut calcard::icalendar::ICalendarComponent, organizer: &CalAddress) {
    let addresses: Vec<CalAddress> = attendees(c)
        .into_iter()
        .filter(|p| &p.address != organizer && p.scheduled_by_us() && p.partstat != PartStat::NeedsAction)
        .map(|p| p.address)
        .collect();
    for address in addresses {
        if let Some(entry) = component::attendee_entry_mut(c, &address) {
            component::set_partstat(entry, PartStat::NeedsAction);
            component::set_rsvp(entry, true);
        }
    }
}
