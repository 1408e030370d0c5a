//! The attendee's side: from the old and new version of their copy, the
//! REPLY (and, when delegating, REQUEST) messages (RFC 5546 §3.2.2.3,
//! §3.2.3; RFC 6638 §3.2.2).
//!
//! A changed PARTSTAT on an instance → REPLY for that instance. A new
//! EXDATE → REPLY declining that instance. Deleting the copy → REPLY
//! declining it all. PARTSTAT=DELEGATED with DELEGATED-TO → REPLY to the
//! organizer naming the delegate, and REQUEST to the delegate. Changes an
//! attendee may not make (times, location, …) are refused: they belong in
//! a COUNTER. SEQUENCE is never raised (ITIP-SEQ-5).

use super::{Scheduled, message};
use crate::itip::Ctx;
use crate::itip::compose::{Composer, REPLY_DETAILS, add_comment, keep_carried};
use crate::itip::significance::{ChangeClass, classify, only_exdates_added};
use crate::model::component::{self, Answer, attendee as find_attendee};
use crate::model::{InstanceId, Method, PartStat, Participant, SchedulingObject};
use crate::{CalAddress, ItipMessage, Timestamp, Violation};
use calcard::icalendar::{
    ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarParameterName, ICalendarProperty,
    ICalendarValue,
};

/// Where an attendee's new copy comes from, which says what may differ
/// from the old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Edit {
    /// The engine set the principal's own ATTENDEE line (an answer; a
    /// delegation, which also adds the delegate's line) and nothing
    /// else: no other property can differ, so there is nothing to check
    /// and no EXDATE to read as declined.
    OwnLine,
    /// The principal's client saved a whole copy: every difference is
    /// checked (an attendee changes only their own participation, RFC
    /// 5546 §3.2.3), and EXDATEs it added decline those occurrences.
    Client,
}

pub(crate) fn attendee_changes(
    ctx: &Ctx<'_>,
    old: &SchedulingObject,
    new: Option<SchedulingObject>,
    comment: Option<&str>,
    edit: Edit,
) -> Result<Scheduled, Violation> {
    let organizer = old.organizer().ok_or(Violation::MissingOrganizer)?;
    if !old.has_attendee(ctx.principal) {
        return Err(Violation::NotAnAttendee(ctx.principal.to_string()));
    }
    let Some(new) = new else {
        return Ok(Scheduled { object: None, messages: decline_all(ctx, old, &organizer.address, comment) });
    };
    // An answer set by the engine leaves the ORGANIZER as it was: only a
    // client's copy is read again and compared.
    let new_organizer;
    let new_organizer = match edit {
        Edit::OwnLine => Some(&organizer),
        Edit::Client => {
            new_organizer = new.organizer();
            if new_organizer.as_ref().map(|o| &o.address) != Some(&organizer.address) {
                return Err(Violation::AttendeeCannotModify("ORGANIZER".into()));
            }
            check_allowed(ctx, old, &new)?;
            new_organizer.as_ref()
        }
    };
    let declined_dates = match (old.master(), new.master()) {
        (Some(before), Some(after)) if edit == Edit::Client => {
            only_exdates_added((before, old.zones()), (after, new.zones())).unwrap_or_default()
        }
        _ => Vec::new(),
    };
    let before = Answers::of(old, ctx.principal);
    let last_reply = last_reply_stamp(old);
    let answering =
        Answering { organizer: &organizer, new_organizer, before: &before, declined_dates: &declined_dates };
    Ok(replies(ctx, new, &answering, last_reply, comment))
}

/// The principal's answers on their copy, read before an edit: each
/// instance's own line, and the series' for an instance the copy did not
/// have. What [`own_answers`] compares the edited copy with.
#[derive(Debug, Default)]
pub(crate) struct Answers {
    instances: Vec<(InstanceId, Option<Answer>)>,
    series: Option<Answer>,
}

impl Answers {
    /// The principal's answers on `object`.
    pub(crate) fn of(object: &SchedulingObject, principal: &CalAddress) -> Answers {
        Answers {
            instances: object
                .instances()
                .map(|(id, c)| (id, component::attendee_answer(c, principal)))
                .collect(),
            series: object.master().and_then(|m| component::attendee_answer(m, principal)),
        }
    }

    /// The answer instance `id` had.
    fn get(&self, id: InstanceId) -> Option<&Answer> {
        match self.instances.iter().find(|(at, _)| *at == id) {
            Some((_, answer)) => answer.as_ref(),
            None => self.series.as_ref(),
        }
    }
}

/// [`attendee_changes`] for an edit of the principal's own line made in
/// place ([`Edit::OwnLine`]): `new` is the copy after it, `before` the
/// answers it had ([`Answers`]). The edit leaves the ORGANIZER line, the
/// attendee list and every other property as they were, so they are read
/// on `new`; `organizer` is the copy's (checked before the edit).
pub(crate) fn own_answers(
    ctx: &Ctx<'_>,
    organizer: &Participant,
    new: SchedulingObject,
    before: &Answers,
    comment: Option<&str>,
) -> Scheduled {
    let last_reply = last_reply_stamp(&new);
    let answering = Answering { organizer, new_organizer: Some(organizer), before, declined_dates: &[] };
    replies(ctx, new, &answering, last_reply, comment)
}

/// What the principal's copy said before their edit, and what the edit
/// declined by EXDATE: what [`replies`] answers.
struct Answering<'a> {
    /// The copy's ORGANIZER, who gets the REPLY.
    organizer: &'a Participant,
    /// The ORGANIZER line after the edit, whose SCHEDULE-AGENT and
    /// SCHEDULE-FORCE-SEND say whether and when to send (RFC 6638 §7.1).
    new_organizer: Option<&'a Participant>,
    /// The principal's answers before the edit.
    before: &'a Answers,
    /// Occurrences the edit declined by adding EXDATEs.
    declined_dates: &'a [Timestamp],
}

/// The REPLY (and delegation REQUESTs) for the principal's answers on
/// `new` that differ from what they were, and for the dates declined;
/// `new` with the reply recorded on its ORGANIZER line, stamped after
/// `last_reply`. RFC 5546 §3.2.3.
fn replies(
    ctx: &Ctx<'_>,
    mut new: SchedulingObject,
    answering: &Answering<'_>,
    last_reply: Option<Timestamp>,
    comment: Option<&str>,
) -> Scheduled {
    let Answering { organizer, new_organizer, before, declined_dates } = *answering;
    let scheduled = new_organizer.is_some_and(|o| o.scheduled_by_us());
    let forced = new_organizer.is_some_and(|o| o.force_send);
    if !scheduled {
        new.edit_all(|_, c| component::strip_force_send(c));
        return Scheduled { object: Some(new), messages: Vec::new() };
    }

    let mut answered = Vec::new();
    let mut delegated_to: Vec<CalAddress> = Vec::new();
    for (id, after) in new.instances() {
        let Some(mine) = component::attendee_answer(after, ctx.principal) else { continue };
        let before = before.get(id);
        if before != Some(&mine) || forced {
            answered.push(id);
            if mine.partstat == PartStat::Delegated {
                for delegate in &mine.delegated_to {
                    let known = before.is_some_and(|b| b.delegated_to.contains(delegate));
                    if !known && !delegated_to.contains(delegate) {
                        delegated_to.push(delegate.clone());
                    }
                }
            }
        }
    }
    if answered.is_empty() && declined_dates.is_empty() {
        new.edit_all(|_, c| component::strip_force_send(c));
        return Scheduled { object: Some(new), messages: Vec::new() };
    }

    let stamp = crate::itip::next_stamp(ctx.now, last_reply);
    let ctx = &Ctx { now: stamp, ..*ctx };
    let mut composer = Composer::new(&new, Method::Reply, &ctx.config.prodid, ctx.now);
    for id in &answered {
        add_reply(&mut composer, &new, *id, ctx.principal, comment, ctx.now);
    }
    for at in declined_dates {
        if let Some(c) = declined_occurrence(&new, ctx.principal, *at, ctx.now, comment) {
            composer.add_detached(c);
        }
    }
    let explanation = describe(&new, ctx.principal, &answered, declined_dates.len());
    let mut messages = vec![message(
        &new,
        Method::Reply,
        ctx.principal,
        std::slice::from_ref(&organizer.address),
        &explanation,
        composer,
    )];
    for delegate in &delegated_to {
        let text = format!("{} has delegated this invitation to you.", ctx.principal);
        if let Some(request) = super::request_to(ctx, &new, std::slice::from_ref(delegate), &text) {
            messages.push(request);
        }
    }
    new.edit_all(|_, c| {
        component::strip_force_send(c);
        if let Some(entry) = component::organizer_entry_mut(c) {
            component::set_schedule_status(entry, "1.1");
            component::set_text_param(entry, component::REPLY_DTSTAMP, stamp.to_ical());
        }
    });
    Scheduled { object: Some(new), messages }
}

/// The DTSTAMP of the last REPLY we sent, kept on our copy's ORGANIZER.
/// The REPLY that answers an organizer's status poll (RFC 5546 §3.2.2.7,
/// §3.4.2.5, ITIP-ATT-5): the principal's current answer on every
/// instance where they have one. Returns the copy with the reply's
/// DTSTAMP recorded, and the message; `None` when there is no answer to
/// give (NEEDS-ACTION everywhere) or no organizer.
pub(crate) fn status_reply(
    ctx: &Ctx<'_>,
    object: &SchedulingObject,
) -> Option<(SchedulingObject, ItipMessage)> {
    let organizer = object.organizer()?;
    let answered: Vec<InstanceId> = object
        .instances()
        .filter(|(_, c)| find_attendee(c, ctx.principal).is_some_and(|p| p.partstat != PartStat::NeedsAction))
        .map(|(id, _)| id)
        .collect();
    if answered.is_empty() {
        return None;
    }
    let stamp = crate::itip::next_stamp(ctx.now, last_reply_stamp(object));
    let mut composer = Composer::new(object, Method::Reply, &ctx.config.prodid, stamp);
    for id in &answered {
        add_reply(&mut composer, object, *id, ctx.principal, None, stamp);
    }
    let explanation =
        format!("{} (status asked for by the organizer)", describe(object, ctx.principal, &answered, 0));
    let reply = message(
        object,
        Method::Reply,
        ctx.principal,
        std::slice::from_ref(&organizer.address),
        &explanation,
        composer,
    );
    let mut updated = object.clone();
    updated.edit_all(|_, c| {
        if let Some(entry) = component::organizer_entry_mut(c) {
            component::set_text_param(entry, component::REPLY_DTSTAMP, stamp.to_ical());
        }
    });
    Some((updated, reply))
}

fn last_reply_stamp(object: &SchedulingObject) -> Option<Timestamp> {
    object
        .instances()
        .filter_map(|(_, c)| c.property(&ICalendarProperty::Organizer))
        .filter_map(|e| component::text_param(e, component::REPLY_DTSTAMP))
        .filter_map(Timestamp::parse_utc)
        .max()
}

/// Deleting an invitation declines it (RFC 6638 §3.2.2.4), unless it was
/// cancelled or already declined.
fn decline_all(
    ctx: &Ctx<'_>,
    old: &SchedulingObject,
    organizer: &CalAddress,
    comment: Option<&str>,
) -> Vec<ItipMessage> {
    let Some(id) = old.instance_ids().next() else { return Vec::new() };
    let current = old.component(id).and_then(|c| find_attendee(c, ctx.principal));
    let scheduled = old.organizer().is_some_and(|o| o.scheduled_by_us());
    if old.is_cancelled() || !scheduled || current.is_none_or(|p| p.partstat == PartStat::Declined) {
        return Vec::new();
    }
    let mut composer = Composer::new(old, Method::Reply, &ctx.config.prodid, ctx.now);
    composer.add(id, |c| {
        if let Some(entry) = component::attendee_entry_mut(c, ctx.principal) {
            component::set_partstat(entry, PartStat::Declined);
        }
        reply_component(c, ctx.principal, comment, ctx.now);
    });
    vec![message(
        old,
        Method::Reply,
        ctx.principal,
        std::slice::from_ref(organizer),
        "The invitation was declined.",
        composer,
    )]
}

/// Adds the REPLY component for instance `id` of `object`: copies only
/// what [`reply_component`] would keep of it (the carried properties,
/// then the ATTENDEE lines a reply keeps), and completes it.
fn add_reply(
    composer: &mut Composer<'_>,
    object: &SchedulingObject,
    id: InstanceId,
    principal: &CalAddress,
    comment: Option<&str>,
    now: Timestamp,
) {
    let Some(source) = object.component(id) else { return };
    let carried =
        crate::presence::Carried::of(source.component_type.as_str(), Method::Reply.as_str(), REPLY_DETAILS);
    composer.add_only(
        id,
        |e| carried.contains(&e.name),
        |c| {
            let lines =
                source.properties(&ICalendarProperty::Attendee).filter(|e| is_reply_line(e, principal));
            c.entries.extend(lines.cloned());
            complete_reply(c, principal, comment, now);
        },
    );
}

/// Whether a REPLY from `principal` carries this ATTENDEE line: its own,
/// or a delegate's naming it in DELEGATED-FROM.
fn is_reply_line(e: &ICalendarEntry, principal: &CalAddress) -> bool {
    component::entry_is(e, principal)
        || (e.params.iter().any(|p| p.name == ICalendarParameterName::DelegatedFrom)
            && Participant::from_entry(e).is_some_and(|p| p.delegated_from.contains(principal)))
}

/// Reduces a component to a REPLY (RFC 5546 §3.2.3, §3.4.3): what the
/// REPLY table requires, the instance's identity, version, times and
/// title ([`REPLY_DETAILS`]), only our ATTENDEE (and the delegates we
/// name, §4.2.5), and a COMMENT. A to-do's REPLY carries
/// REQUEST-STATUS:2.0 (RFC 2446's VTODO REPLY table required one, and
/// libical's restriction check still does; RFC 5546 allows it); one
/// reported COMPLETED also carries PERCENT-COMPLETE:100 and COMPLETED
/// (§4.5.5).
fn reply_component(
    c: &mut ICalendarComponent,
    principal: &CalAddress,
    comment: Option<&str>,
    now: Timestamp,
) {
    let lines: Vec<ICalendarEntry> =
        c.properties(&ICalendarProperty::Attendee).filter(|e| is_reply_line(e, principal)).cloned().collect();
    keep_carried(c, Method::Reply, REPLY_DETAILS);
    c.entries.extend(lines);
    complete_reply(c, principal, comment, now);
}

/// What a REPLY component reduced to its carried properties and lines
/// gets last: a to-do's REQUEST-STATUS (and, COMPLETED, its
/// PERCENT-COMPLETE and COMPLETED), and the COMMENT.
fn complete_reply(c: &mut ICalendarComponent, principal: &CalAddress, comment: Option<&str>, now: Timestamp) {
    let completed = c.component_type == ICalendarComponentType::VTodo
        && component::attendee_partstat(c, principal) == Some(PartStat::Completed);
    if completed {
        c.entries.push(ICalendarEntry {
            name: ICalendarProperty::PercentComplete,
            params: Vec::new(),
            values: vec![ICalendarValue::Integer(100)],
        });
        c.entries.push(ICalendarEntry {
            name: ICalendarProperty::Completed,
            params: Vec::new(),
            values: vec![ICalendarValue::from(now.to_partial())],
        });
    }
    if c.component_type == ICalendarComponentType::VTodo {
        let status = crate::RequestStatus::SUCCESS;
        c.entries.push(ICalendarEntry {
            name: ICalendarProperty::RequestStatus,
            params: Vec::new(),
            values: vec![
                ICalendarValue::Text(status.code.to_string()),
                ICalendarValue::Text(status.description.to_string()),
            ],
        });
    }
    add_comment(c, comment);
}

fn declined_occurrence(
    object: &SchedulingObject,
    principal: &CalAddress,
    at: Timestamp,
    now: Timestamp,
    comment: Option<&str>,
) -> Option<ICalendarComponent> {
    let master = object.master()?;
    let rid = super::recurrence_id_from(object, &ICalendarProperty::Exdate, at)?;
    let mut c = ICalendarComponent {
        component_type: master.component_type.clone(),
        entries: master.entries.clone(),
        component_ids: Vec::new(),
    };
    reply_component(&mut c, principal, comment, now);
    component::remove_property(&mut c, &ICalendarProperty::Dtstart);
    component::remove_property(&mut c, &ICalendarProperty::Dtend);
    component::remove_property(&mut c, &ICalendarProperty::Duration);
    if let Some(entry) = component::attendee_entry_mut(&mut c, principal) {
        component::set_partstat(entry, PartStat::Declined);
    }
    component::set_dtstamp(&mut c, now);
    c.entries.push(rid);
    Some(c)
}

/// RFC 6638 §3.2.2.1: an attendee may change their own participation,
/// alarms, TRANSP and add EXDATEs; the rest is the organizer's.
fn check_allowed(ctx: &Ctx<'_>, old: &SchedulingObject, new: &SchedulingObject) -> Result<(), Violation> {
    for (id, after) in new.instances() {
        let (before, zones) = match old.component(id) {
            Some(before) => (before, old.zones()),
            None => continue,
        };
        let (class, property) = classify(ctx.config, (before, zones), (after, new.zones()));
        let exdate_only =
            id.is_master() && only_exdates_added((before, zones), (after, new.zones())).is_some();
        let roster_only = property.as_deref() == Some("ATTENDEE");
        if class >= ChangeClass::Significant && !exdate_only && !roster_only {
            return Err(Violation::AttendeeCannotModify(property.unwrap_or_default()));
        }
    }
    if old.master().is_some() && new.master().is_none() {
        return Err(Violation::AttendeeCannotModify("the series".into()));
    }
    Ok(())
}

fn describe(
    object: &SchedulingObject,
    principal: &CalAddress,
    answered: &[InstanceId],
    declined: usize,
) -> String {
    use std::fmt::Write;
    let mut text = String::with_capacity(64);
    for id in answered {
        let Some(partstat) = object.component(*id).and_then(|c| component::attendee_partstat(c, principal))
        else {
            continue;
        };
        if !text.is_empty() {
            text.push_str("; ");
        }
        text.push_str(principal.as_str());
        text.push_str(" has answered ");
        text.push_str(partstat.as_str());
        if !id.is_master() {
            let _ = write!(text, " for the occurrence at {id}");
        }
    }
    if declined > 0 {
        if !text.is_empty() {
            text.push_str("; ");
        }
        let _ = write!(text, "{principal} has declined {declined} occurrence(s)");
    }
    text.push('.');
    text
}
