//! REPLY received by the organizer (RFC 5546 §3.2.3): an attendee's
//! answer, per instance, including from delegates and, by policy, from
//! uninvited "party crashers". Replies are ordered per attendee and
//! instance by SEQUENCE and DTSTAMP (RFC 5546 §2.1.5 (3)–(4)), so a late
//! older reply never overwrites a newer answer.

use super::{materialize, notice_by, organizer_copy};
use crate::freebusy::occurs_at;
use crate::itip::Ctx;
use crate::itip::authority::speaking_attendee;
use crate::itip::ordering::{Freshness, compare};
use crate::itip::outbound::request_to;
use crate::model::component::{
    self, REPLY_COMPLETED, REPLY_DTSTAMP, REPLY_PERCENT_COMPLETE, REPLY_SEQUENCE, attendee, attendees,
};
use crate::model::component::{entry_is, entry_partstat};
use crate::model::{InstanceId, PartStat, Participant, SchedulingObject, StampedSequence};
use crate::outcome::{
    Applied, Disposition, Effect, NoticeKind, Outcome, PendingKind, PendingRequest, Unchanged,
};
use crate::{CalAddress, Incoming, Timestamp, UninvitedReplies, Violation};
use calcard::icalendar::{
    ICalendarComponent, ICalendarEntry, ICalendarParameterName, ICalendarParameterValue, ICalendarProperty,
    ICalendarValue,
};

/// `slot` holds the organizer's copy, taken when the REPLY applies
/// ([`super::handle`]).
pub(super) fn handle(ctx: &Ctx<'_>, incoming: &Incoming, slot: &mut Option<SchedulingObject>) -> Outcome {
    let message = &incoming.message;
    let stored = match organizer_copy(ctx, slot.as_ref(), crate::Method::Reply) {
        Ok(stored) => stored,
        Err(outcome) => return outcome,
    };
    if message.organizer_matches(ctx.principal) == Some(false)
        && let Some(claimed) = message.organizer()
    {
        return Outcome::refused(Violation::OrganizerMismatch {
            stored: ctx.principal.to_string(),
            claimed: claimed.address.to_string(),
        });
    }
    let candidates = attendees(message.main_component());
    let replier = match speaking_attendee(ctx.config, &incoming.senders, &candidates) {
        Ok(replier) => replier.clone(),
        Err(violation) => return Outcome::refused(violation),
    };
    if &replier.address == ctx.principal {
        return Outcome::ignored(crate::Ignored::OwnMessage);
    }
    let invited = stored.has_attendee(&replier.address);
    let delegate = !invited && is_known_delegate(stored, &replier);
    if !invited && !delegate {
        match ctx.config.uninvited_replies {
            UninvitedReplies::Refuse => {
                return Outcome::refused(Violation::NotAnAttendee(replier.address.to_string()));
            }
            UninvitedReplies::Hold => {
                let text =
                    format!("{} replied without being invited; decide whether to add them.", replier.address);
                return Outcome::new(Disposition::Applied(Applied::Held))
                    .with(Effect::StoreCounter { from: replier.address.clone(), proposal: message.clone() })
                    .with(Effect::Queue(PendingRequest {
                        kind: PendingKind::UninvitedReply { from: replier.address.clone() },
                        queued_at: ctx.now,
                    }))
                    .with(Effect::Notify(notice_by(NoticeKind::Reply, stored, text, &replier.address)));
            }
            UninvitedReplies::Accept => {}
        }
    }

    // Instances the copy lacks are made from it as it was, before any
    // answer: a snapshot (shared, so the answers below copy the copy)
    // when one is needed. Otherwise the copy is edited in place, and
    // only an answer edits it.
    let original = message.instance_ids().any(|id| stored.component(id).is_none()).then(|| stored.clone());
    let mut updated = slot.take().expect("read above");
    let mut applied = 0;
    let mut skipped = None;
    let mut follow_ups: Vec<CalAddress> = Vec::new();
    let mut materialized = false;
    for (id, component) in message.instances() {
        let Some(line) =
            component.properties(&ICalendarProperty::Attendee).find(|e| entry_is(e, &replier.address))
        else {
            continue;
        };
        let received = StampedSequence {
            sequence: component::sequence(component),
            dtstamp: component::dtstamp(component),
        };
        if updated.component(id).is_none() {
            // An answer for an instance the series has (RFC 5545
            // §3.8.4.4), not for a time it does not occur at.
            let series = original.as_ref().unwrap_or(&updated);
            let Some(occurrence) = component
                .property(&ICalendarProperty::RecurrenceId)
                .filter(|_| matches!(id, InstanceId::Occurrence { start, .. } if occurs_at(series, start)))
                .and_then(|rid| materialize(series, id, rid))
            else {
                skipped.get_or_insert(Unchanged::UnknownObject);
                continue;
            };
            updated.put_component(id, occurrence);
            materialized = true;
        }
        let target = updated.component_mut(id).expect("present or materialized");
        if received.sequence < component::sequence(target) {
            skipped.get_or_insert(Unchanged::OutdatedResponse);
            continue;
        }
        // The replier's line on the copy, found once.
        let listed = target
            .entries
            .iter()
            .position(|e| e.name == ICalendarProperty::Attendee && entry_is(e, &replier.address));
        let answer = entry_partstat(line);
        if let Some(previous) = listed.and_then(|at| last_reply(&target.entries[at])) {
            match compare(previous, received) {
                Freshness::Newer => {}
                // The same SEQUENCE and DTSTAMP with another answer is a
                // new answer (Google sends these), not a redelivery.
                Freshness::Same if listed.map(|at| entry_partstat(&target.entries[at])) == Some(answer) => {
                    skipped.get_or_insert(Unchanged::Duplicate);
                    continue;
                }
                Freshness::Same => {}
                Freshness::Older => {
                    skipped.get_or_insert(Unchanged::Stale { instance: id, stored: previous, received });
                    continue;
                }
            }
        }
        let at = listed.unwrap_or_else(|| {
            target.entries.push(clean_line(line));
            target.entries.len() - 1
        });
        let status = request_status_codes(component);
        let entry = &mut target.entries[at];
        component::set_partstat(entry, answer);
        component::set_schedule_status(entry, &status);
        component::set_text_param(entry, REPLY_SEQUENCE, received.sequence.to_string());
        if let Some(at) = received.dtstamp {
            component::set_text_param(entry, REPLY_DTSTAMP, at.to_ical());
        }
        copy_delegation(entry, line);
        record_progress(entry, component);
        if answer == PartStat::Delegated {
            add_delegates(target, &replier, component);
        }
        if answer == PartStat::Declined {
            // RFC 5546 §4.2.7 (ITIP-DEL-8): the delegator gets the event back.
            for delegator in &replier.delegated_from {
                if let Some(entry) = component::attendee_entry_mut(target, delegator) {
                    component::set_partstat(entry, PartStat::NeedsAction);
                    component::set_rsvp(entry, true);
                    component::remove_param(entry, &ICalendarParameterName::DelegatedTo);
                    if !follow_ups.contains(delegator) {
                        follow_ups.push(delegator.clone());
                    }
                }
            }
        }
        applied += 1;
    }
    if applied == 0 {
        // Nothing was answered, so the copy is as it was (an instance
        // made for an answer that was then skipped is in `updated`, but
        // then `original` is the copy as it was).
        *slot = Some(original.unwrap_or(updated));
        return Outcome::unchanged(skipped.unwrap_or(Unchanged::UnknownObject));
    }
    // Answers change only ATTENDEE lines; an instance made from the
    // master needs the index brought up to date.
    if materialized {
        updated.rekey();
    }
    let comment = crate::itip::compose::comment_suffix(message.main_component());
    // "bob@example.com has answered ACCEPTED.", built in place.
    let mut text = String::with_capacity(96);
    text.push_str(replier.address.as_str());
    text.push_str(" has answered ");
    describe(&mut text, message, &replier.address);
    text.push('.');
    text.push_str(&comment);
    let mut outcome = Outcome::new(Disposition::Applied(Applied::ReplyRecorded)).with(Effect::Notify(
        notice_by(NoticeKind::Reply, &updated, text, &replier.address)
            .with_comment(crate::itip::compose::comment_of(message.main_component())),
    ));
    if !follow_ups.is_empty() {
        // The REQUEST re-sent to a delegator must order after the one it
        // had (RFC 5546 §2.1.5): a DTSTAMP later than any the copy
        // carries, recorded on the copy for the next update.
        let stamp = crate::itip::next_stamp(
            ctx.now,
            updated.instances().filter_map(|(_, c)| component::dtstamp(c)).collect::<Vec<_>>(),
        );
        updated.edit_all(|_, c| component::set_dtstamp(c, stamp));
        let ctx = &Ctx { now: stamp, ..*ctx };
        for delegator in follow_ups {
            let explanation =
                format!("{} declined the delegation; the invitation is yours again.", replier.address);
            if let Some(request) = request_to(ctx, &updated, &[delegator], &explanation) {
                outcome = outcome.with(Effect::Send(request));
            }
        }
    }
    outcome.with(Effect::PutObject(updated))
}

/// Whether the replier is someone a stored attendee delegated to, or
/// claims delegation from a stored attendee (RFC 5546 §5.2.2, ITIP-ORD-9).
fn is_known_delegate(stored: &SchedulingObject, replier: &Participant) -> bool {
    stored
        .instances()
        .flat_map(|(_, c)| attendees(c))
        .any(|p| p.delegated_to.contains(&replier.address) || replier.delegated_from.contains(&p.address))
}

/// The SEQUENCE and DTSTAMP of the last reply recorded on an attendee's
/// line of the organizer's copy.
fn last_reply(entry: &ICalendarEntry) -> Option<StampedSequence> {
    let sequence = component::text_param(entry, REPLY_SEQUENCE)?.parse().ok()?;
    let dtstamp = component::text_param(entry, REPLY_DTSTAMP).and_then(Timestamp::parse_utc);
    Some(StampedSequence { sequence, dtstamp })
}

/// RFC 6638 §4.2: SCHEDULE-STATUS takes the reply's REQUEST-STATUS codes,
/// 2.0 when there are none.
fn request_status_codes(component: &ICalendarComponent) -> String {
    if component.property(&ICalendarProperty::RequestStatus).is_none() {
        return "2.0".to_string();
    }
    let codes: Vec<String> = component
        .properties(&ICalendarProperty::RequestStatus)
        .filter_map(|e| e.values.first().and_then(|v| v.as_text()).map(|c| c.trim().to_string()))
        .filter(|c| !c.is_empty())
        .collect();
    if codes.is_empty() { "2.0".to_string() } else { codes.join(",") }
}

/// The reply's DELEGATED-TO and DELEGATED-FROM replace those on the
/// organizer's copy of the line (RFC 5546 §3.2.2.3).
fn copy_delegation(entry: &mut ICalendarEntry, line: &ICalendarEntry) {
    for name in [ICalendarParameterName::DelegatedTo, ICalendarParameterName::DelegatedFrom] {
        // Most replies carry neither: nothing to collect.
        if !line.params.iter().any(|p| p.name == name) {
            continue;
        }
        entry.params.retain(|p| p.name != name);
        entry.params.extend(line.params.iter().filter(|p| p.name == name).cloned());
    }
}

/// Adds the delegates named by a delegating reply (RFC 5546 §3.2.2.3).
fn add_delegates(target: &mut ICalendarComponent, replier: &Participant, reply: &ICalendarComponent) {
    for delegate in &replier.delegated_to {
        if attendee(target, delegate).is_some() {
            continue;
        }
        let line = reply
            .properties(&ICalendarProperty::Attendee)
            .find(|e| crate::model::component::entry_is(e, delegate))
            .map(clean_line)
            .unwrap_or_else(|| {
                let mut entry = ICalendarEntry::new(ICalendarProperty::Attendee)
                    .with_value(ICalendarValue::Text(delegate.to_uri()));
                component::set_param(
                    &mut entry,
                    ICalendarParameterName::DelegatedFrom,
                    ICalendarParameterValue::Text(replier.address.to_uri()),
                );
                component::set_rsvp(&mut entry, true);
                entry
            });
        let mut line = line;
        if Participant::from_entry(&line).is_some_and(|p| p.partstat == PartStat::NeedsAction) {
            component::set_partstat(&mut line, PartStat::NeedsAction);
        }
        target.entries.push(line);
    }
}

fn clean_line(line: &ICalendarEntry) -> ICalendarEntry {
    let mut line = line.clone();
    line.params.retain(|p| {
        !matches!(
            p.name,
            ICalendarParameterName::ScheduleStatus
                | ICalendarParameterName::ScheduleAgent
                | ICalendarParameterName::ScheduleForceSend
        )
    });
    line
}

/// Keeps the progress a to-do REPLY reports (PERCENT-COMPLETE, COMPLETED;
/// RFC 5546 §3.4.3) on the attendee's line of the organizer's copy, where
/// the organizer's client can show it per attendee.
fn record_progress(entry: &mut ICalendarEntry, reply: &ICalendarComponent) {
    let percent = reply.property(&ICalendarProperty::PercentComplete).and_then(|p| p.values.first());
    if let Some(percent) = percent.and_then(|v| v.as_integer()).filter(|p| (0..=100).contains(p)) {
        component::set_text_param(entry, REPLY_PERCENT_COMPLETE, percent.to_string());
    }
    let completed = reply.property(&ICalendarProperty::Completed).and_then(|p| p.values.first());
    if let Some(at) = completed.and_then(|v| v.as_partial_date_time()).and_then(|d| d.to_timestamp()) {
        component::set_text_param(entry, REPLY_COMPLETED, crate::Timestamp::from_seconds(at).to_ical());
    }
}

/// Writes the answers a REPLY gives, per instance: "ACCEPTED", "DECLINED
/// for 20250310T090000Z", with a to-do's progress.
fn describe(text: &mut String, message: &SchedulingObject, replier: &CalAddress) {
    use std::fmt::Write;
    let mut first = true;
    for (id, c) in message.instances() {
        let Some(partstat) = component::attendee_partstat(c, replier) else { continue };
        if !std::mem::take(&mut first) {
            text.push_str(", ");
        }
        text.push_str(partstat.as_str());
        let percent = c.property(&ICalendarProperty::PercentComplete).and_then(|p| p.values.first());
        if let Some(percent) = percent.and_then(|v| v.as_integer()) {
            let _ = write!(text, " ({percent}% complete)");
        }
        if id != InstanceId::Master {
            let _ = write!(text, " for {id}");
        }
    }
}
