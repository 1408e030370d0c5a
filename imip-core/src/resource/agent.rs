//! A resource's answer, through the ordinary attendee path: the policies
//! pick a PARTSTAT (or a COUNTER, a delegation, a hold), and the local
//! actions of `imip_core`'s iTIP engine turn it into the reply, exactly as if a
//! person had answered.

use super::booking::{Booking, Slot};
use super::config::Resource;
use super::evaluate::{Evaluation, Verdict, evaluate};
use crate::freebusy::{BusyPeriod, Expansion, FbType, FreeBusyConfig};
use crate::model::component;
use crate::model::{ComponentKind, InstanceId, Method, PartStat, SchedulingObject};
use crate::outcome::{
    Applied, BookingNotice, Disposition, Effect, Notice, NoticeKind, Outcome, OwnerAction, PendingKind,
    PendingRequest, ResourceAnswer,
};
use crate::prefs::PrefKey;
use crate::store::{Record, ScheduleReader, StoreError};
use crate::words::Lang;
use crate::{CalAddress, Engine, Input, LocalAction, Timestamp, Violation};
use calcard::icalendar::{ICalendarEntry, ICalendarProperty, ICalendarValue};
use chrono::{Duration, NaiveDate};

/// Whether `input`, for a resource, is one its policies answer: a
/// REQUEST, ADD or CANCEL of an event (RFC 5546 §3.2.2, §3.2.4, §3.2.5).
/// Such a message is stored without the person agent's queue entry and
/// notice ([`crate::Engine::decide`]).
pub(crate) fn takes(input: &Input) -> bool {
    match input {
        Input::Incoming(incoming) => {
            let message = &incoming.message;
            message.kind() == ComponentKind::Event
                && matches!(message.method(), Some(Method::Request | Method::Add | Method::Cancel))
        }
        Input::Local { .. } | Input::Sent { .. } | Input::Delivery { .. } => false,
    }
}

/// Whether the stored effect of `message` (the engine's `first`
/// decision on it) is one the policies answer: a new or changed booking,
/// or a cancellation. Duplicates, stale messages and refusals are not.
pub(crate) fn answers(message: &SchedulingObject, first: &Outcome) -> bool {
    message.kind() == ComponentKind::Event
        && matches!(message.method(), Some(Method::Request | Method::Add | Method::Cancel))
        && matches!(
            first.disposition,
            Disposition::Applied(
                Applied::Created
                    | Applied::Updated
                    | Applied::Rescheduled
                    | Applied::OrganizerReplaced
                    | Applied::InstancesAdded
                    | Applied::Cancelled
            )
        )
}

/// The expansion a resource's bookings are judged with (its zone, and
/// the horizon its next commit will hold), and the language it answers
/// in (its `LANG` preference).
fn expansion_of(
    engine: &Engine,
    resource: &Resource,
    reader: &dyn ScheduleReader,
    now: Timestamp,
) -> Result<(Expansion, Lang), StoreError> {
    let config = &engine.config().freebusy;
    let prefs = reader.read_prefs(&resource.address)?;
    let horizon = config.plan_horizon(FreeBusyConfig::stored_horizon(&prefs), now).horizon();
    let lang = prefs.get(PrefKey::Language.name()).map(|tag| Lang::from_tag(tag)).unwrap_or_default();
    Ok((config.expansion(&prefs, horizon), lang))
}

/// The owner approves a held booking (`LocalAction::Approve`): the
/// policies run again without the hold, and their answer is sent.
pub(crate) fn approve(
    engine: &Engine,
    now: Timestamp,
    resource: &Resource,
    loaded: &Record,
    reader: &dyn ScheduleReader,
) -> Result<Outcome, StoreError> {
    let me = &resource.address;
    let held = loaded.pending.as_ref().is_some_and(|p| p.kind == PendingKind::Approval);
    let Some(object) = loaded.object.as_ref().filter(|_| held) else {
        return Ok(Outcome::refused(Violation::NothingToApprove(me.to_string())));
    };
    let (expansion, lang) = expansion_of(engine, resource, reader, now)?;
    let Some(booking) = Booking::from_object(me, object, &expansion) else {
        return Ok(Outcome::refused(Violation::NothingToApprove(me.to_string())));
    };
    let directory = &engine.config().resources;
    let evaluation = evaluate(directory, resource, &booking, reader, now, expansion.zone, lang, true)?;
    let mut outcome = answer(engine, resource, now, loaded.clone(), Vec::new(), &booking, evaluation);
    if !outcome.effects.iter().any(|e| matches!(e, Effect::Queue(_) | Effect::Dequeue)) {
        outcome.effects.push(Effect::Dequeue);
    }
    Ok(outcome)
}

/// The resource's answer to a booking message: `first` (the engine's
/// decision on it, read at `loaded`, made without a queue entry or a
/// notice) followed by what the policies decide. Reads the schedules
/// through `reader`.
pub(crate) fn respond(
    engine: &Engine,
    now: Timestamp,
    resource: &Resource,
    loaded: &Record,
    first: Outcome,
    reader: &dyn ScheduleReader,
) -> Result<Outcome, StoreError> {
    let me = &resource.address;
    if matches!(first.disposition, Disposition::Applied(Applied::Cancelled)) {
        let mut outcome = first.note("resource: the cancelled time is free again");
        outcome.disposition = Disposition::Applied(Applied::ResourceAnswered(ResourceAnswer::Released));
        if resource.offer_hold.is_some() {
            outcome.effects.push(Effect::HoldOffers { periods: Vec::new() });
        }
        return Ok(outcome);
    }
    let (expansion, lang) = expansion_of(engine, resource, reader, now)?;
    let record = loaded.clone().apply(&first.effects);
    let Some(booking) = record.object.as_ref().and_then(|o| Booking::from_object(me, o, &expansion)) else {
        return Ok(first);
    };
    let directory = &engine.config().resources;
    let evaluation = evaluate(directory, resource, &booking, reader, now, expansion.zone, lang, false)?;
    let mut outcome = answer(engine, resource, now, record, first.effects, &booking, evaluation);
    let mut trace = first.trace;
    trace.append(&mut outcome.trace);
    outcome.trace = trace;
    Ok(outcome)
}

/// Carries out an evaluation on `record` (the resource's copy, after
/// `effects`), through the attendee's local actions.
fn answer(
    engine: &Engine,
    resource: &Resource,
    now: Timestamp,
    record: Record,
    effects: Vec<Effect>,
    booking: &Booking,
    evaluation: Evaluation,
) -> Outcome {
    let mut run = Run { engine, principal: &resource.address, now, record, effects, trace: Vec::new() };
    run.trace.extend(evaluation.trace.iter().map(|line| format!("policy {line}")));
    let uid = booking.uid.clone();
    let comment = Some(evaluation.reason.clone());
    let respond = |instance, partstat, comment: Option<String>| LocalAction::Respond {
        uid: uid.clone(),
        instance,
        partstat,
        comment,
    };
    let kind = match &evaluation.verdict {
        Verdict::Accept { declined, booked_until } => {
            if let Some(until) = booked_until {
                run.edit_copy(|object| {
                    object.edit_all(|id, c| {
                        if id.is_master() {
                            component::set_x_property(c, component::BOOKED_UNTIL, Some(until.to_ical()));
                        }
                    })
                });
            }
            run.act(respond(None, PartStat::Accepted, comment.clone()));
            if let Some(until) = booked_until.filter(|_| booking.open_ended || !booking.complete) {
                // Part of the request was not taken: say so in the code
                // RFC 5546 §3.6.12 has for it, not only in words.
                run.report_status(
                    "2.11",
                    "Success; unbounded RRULE clipped at some finite number of instances",
                    &format!("booked until {}", until.to_ical()),
                );
            }
            for id in declined {
                run.act(respond(Some(*id), PartStat::Declined, comment.clone()));
            }
            run.release_offers(resource);
            if declined.is_empty() { ResourceAnswer::Accepted } else { ResourceAnswer::PartlyAccepted }
        }
        Verdict::Decline => {
            run.act(respond(None, PartStat::Declined, comment.clone()));
            run.release_offers(resource);
            ResourceAnswer::Declined
        }
        Verdict::Delegate { to } => {
            run.act(LocalAction::Delegate { uid: uid.clone(), to: to.clone(), comment: comment.clone() });
            // RFC 5546 §3.6.8: the request was forwarded to another
            // calendar user (the delegate's address is the extra data).
            run.report_status("2.7", "Success; request forwarded to Calendar User", &to.to_uri());
            run.release_offers(resource);
            ResourceAnswer::Delegated
        }
        Verdict::Hold { declined } => {
            run.act(respond(None, PartStat::Tentative, comment.clone()));
            for id in declined {
                run.act(respond(Some(*id), PartStat::Declined, comment.clone()));
            }
            run.effects.push(Effect::Queue(PendingRequest { kind: PendingKind::Approval, queued_at: now }));
            ResourceAnswer::Held
        }
        Verdict::Counter { slots } => {
            if let Some(object) = run.record.object.clone() {
                let proposal = proposal(&object, booking, slots);
                run.act(LocalAction::Counter { proposal, comment: comment.clone() });
                // The requested time is not held while the organizer
                // considers the proposal; the offer holds the new one.
                let me = resource.address.clone();
                run.edit_copy(|object| {
                    object.edit_all(|_, c| {
                        if let Some(entry) = component::attendee_entry_mut(c, &me) {
                            component::set_partstat(entry, PartStat::Declined);
                        }
                    })
                });
                if run.record.pending.is_some() {
                    run.effects.push(Effect::Dequeue);
                }
                if let Some(hold) = resource.offer_hold {
                    let expires =
                        Timestamp::from_seconds(now.seconds().saturating_add(super::policy::seconds(hold)));
                    let periods = slots.iter().map(|slot| offer(slot, booking, expires)).collect::<Vec<_>>();
                    run.effects.push(Effect::HoldOffers { periods });
                }
            }
            ResourceAnswer::Countered
        }
    };
    let held = kind == ResourceAnswer::Held;
    let (notice_kind, text, actions) = if held {
        let text = format!("{} The owner can approve or decline it.", evaluation.reason);
        (NoticeKind::ApprovalNeeded, text, vec![OwnerAction::Approve, OwnerAction::Decline])
    } else {
        (NoticeKind::Booking, evaluation.reason.clone(), Vec::new())
    };
    let title = run.record.object.as_ref().map(SchedulingObject::title).unwrap_or_else(|| uid.clone());
    let mut effects = run.effects;
    for effect in &mut effects {
        if let Effect::Send(message) = effect {
            message.explanation = evaluation.reason.clone();
        }
    }
    let when = booking
        .slots
        .first()
        .map(|slot| (slot.start, slot.end))
        .or_else(|| run.record.object.as_ref().and_then(SchedulingObject::first_span));
    effects.push(Effect::Notify(Notice {
        kind: notice_kind,
        uid: uid.clone(),
        title,
        who: Some(booking.organizer.clone()),
        when,
        text,
        booking: Some(BookingNotice {
            resource: resource.address.clone(),
            answer: kind,
            reason: evaluation.reason.clone(),
            held_by: if held { evaluation.held_by } else { None },
            actions,
        }),
        comment: None,
        changes: Vec::new(),
    }));
    Outcome { disposition: Disposition::Applied(Applied::ResourceAnswered(kind)), effects, trace: run.trace }
}

/// Local actions run one after the other on an evolving record.
struct Run<'a> {
    engine: &'a Engine,
    principal: &'a CalAddress,
    now: Timestamp,
    record: Record,
    effects: Vec<Effect>,
    trace: Vec<String>,
}

impl Run<'_> {
    fn act(&mut self, action: LocalAction) {
        let outcome = self.engine.decide_locally(self.now, self.principal, &action, &mut self.record);
        if let Disposition::Refused(violation) = &outcome.disposition {
            self.trace.push(format!("answer refused: {violation}"));
        }
        self.record = std::mem::take(&mut self.record).apply(&outcome.effects);
        self.effects.extend(outcome.effects);
        self.trace.extend(outcome.trace);
    }

    /// Adds REQUEST-STATUS (RFC 5546 §3.6) to the master component (or,
    /// without one, the first) of the last REPLY this run sent.
    fn report_status(&mut self, code: &str, description: &str, extra: &str) {
        let Some(message) = self.effects.iter_mut().rev().find_map(|e| match e {
            Effect::Send(message) if message.method == crate::Method::Reply => Some(message),
            _ => None,
        }) else {
            return;
        };
        let calendar = &mut message.calendar;
        let scheduled = |c: &calcard::icalendar::ICalendarComponent| {
            matches!(
                c.component_type,
                calcard::icalendar::ICalendarComponentType::VEvent
                    | calcard::icalendar::ICalendarComponentType::VTodo
            )
        };
        let target = calendar
            .components
            .iter()
            .position(|c| scheduled(c) && c.property(&ICalendarProperty::RecurrenceId).is_none())
            .or_else(|| calendar.components.iter().position(scheduled));
        if let Some(component) = target.and_then(|i| calendar.components.get_mut(i)) {
            component.entries.push(ICalendarEntry {
                name: ICalendarProperty::RequestStatus,
                params: Vec::new(),
                values: [code, description, extra]
                    .iter()
                    .map(|t| ICalendarValue::Text(t.to_string()))
                    .collect(),
            });
        }
    }

    /// Changes the resource's own copy without any message.
    fn edit_copy(&mut self, edit: impl FnOnce(&mut SchedulingObject)) {
        if let Some(mut object) = self.record.object.clone() {
            edit(&mut object);
            self.record.object = Some(object.clone());
            self.effects.push(Effect::PutObject(object));
        }
    }

    fn release_offers(&mut self, resource: &Resource) {
        if resource.offer_hold.is_some() {
            self.effects.push(Effect::HoldOffers { periods: Vec::new() });
        }
    }
}

/// The slot held for the organizer after a counter-proposal.
fn offer(slot: &Slot, booking: &Booking, expires: Timestamp) -> BusyPeriod {
    BusyPeriod {
        start: slot.start,
        end: slot.end,
        fbtype: FbType::BusyTentative,
        uid: booking.uid.as_str().into(),
        recurrence_id: match slot.id {
            InstanceId::Occurrence { start, .. } => Some(start),
            InstanceId::Master => None,
        },
        summary: None,
        organizer: Some(booking.organizer.clone()),
        expires: Some(expires),
    }
}

/// The counter-proposal: the resource's copy with the proposed times. A
/// single instance gets the new times in UTC; a series moves its
/// DTSTART and DTEND by the first instance's correction, in their own
/// time zone, so its RRULE keeps meaning the same local times.
fn proposal(object: &SchedulingObject, booking: &Booking, slots: &[Slot]) -> SchedulingObject {
    let mut proposal = object.clone();
    if let (false, [slot]) = (booking.recurring, slots) {
        let id = if proposal.component(slot.id).is_some() { slot.id } else { InstanceId::Master };
        proposal.edit(id, |component| {
            for (name, at) in [(ICalendarProperty::Dtstart, slot.start), (ICalendarProperty::Dtend, slot.end)]
            {
                component::remove_property(component, &name);
                component
                    .entries
                    .push(ICalendarEntry::new(name).with_value(ICalendarValue::from(at.to_partial())));
            }
            component::remove_property(component, &ICalendarProperty::Duration);
        });
        return proposal;
    }
    let (Some(first), Some(original)) = (slots.first(), booking.slots.first()) else { return proposal };
    let shift_start = first.start.seconds() - original.start.seconds();
    let shift_end = first.end.seconds() - original.end.seconds();
    proposal.edit_all(|_, c| {
        for entry in c.entries.iter_mut() {
            let shift = match entry.name {
                ICalendarProperty::Dtstart => shift_start,
                ICalendarProperty::Dtend => shift_end,
                _ => continue,
            };
            for value in entry.values.iter_mut() {
                if let ICalendarValue::PartialDateTime(partial) = value {
                    shift_wall_clock(partial, shift);
                }
            }
        }
    });
    proposal
}

/// Moves a DATE-TIME value by `seconds` of wall-clock time.
fn shift_wall_clock(value: &mut calcard::common::PartialDateTime, seconds: i64) {
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute)) =
        (value.year, value.month, value.day, value.hour, value.minute)
    else {
        return;
    };
    let Some(local) =
        NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day)).and_then(|d| {
            d.and_hms_opt(u32::from(hour), u32::from(minute), u32::from(value.second.unwrap_or(0)))
        })
    else {
        return;
    };
    let moved = local + Duration::seconds(seconds);
    use chrono::{Datelike, Timelike};
    value.year = u16::try_from(moved.year()).ok();
    value.month = u8::try_from(moved.month()).ok();
    value.day = u8::try_from(moved.day()).ok();
    value.hour = u8::try_from(moved.hour()).ok();
    value.minute = u8::try_from(moved.minute()).ok();
    value.second = u8::try_from(moved.second()).ok();
}
