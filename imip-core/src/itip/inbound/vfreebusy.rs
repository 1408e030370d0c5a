//! VFREEBUSY messages (RFC 5546 §3.3): a REQUEST is answered with the
//! principal's busy time; a PUBLISH or a REPLY teaches us another
//! participant's.

use super::Ctx;
use crate::freebusy::{BusyPeriod, FbType, FreeBusyMessage, LEARNED_UID, vfreebusy_window};
use crate::itip::authority::{check_organizer, speaking_attendee};
use crate::model::component::{self, instant_of};
use crate::model::{Method, SchedulingObject};
use crate::outcome::{Applied, Effect, Ignored, Outcome};
use crate::{Incoming, ItipMessage, Timestamp, Violation};
use calcard::icalendar::{
    ICalendar, ICalendarFreeBusyType, ICalendarParameterName, ICalendarParameterValue, ICalendarPeriod,
    ICalendarProperty,
};

/// Most FREEBUSY periods read from one message.
const MAX_LEARNED_PERIODS: usize = 10_000;

pub(super) fn handle(ctx: &Ctx<'_>, incoming: &Incoming, method: Method) -> Outcome {
    match method {
        Method::Request => answer(ctx, incoming),
        Method::Publish | Method::Reply => learn(ctx, incoming, method),
        other => Outcome::refused(Violation::UnsupportedComponent {
            component: crate::model::ComponentKind::FreeBusy,
            method: other,
        }),
    }
}

/// DTSTART and DTEND, both required (RFC 5546 §3.3 tables).
fn window(message: &SchedulingObject, method: Method) -> Result<(Timestamp, Timestamp), Violation> {
    let missing = |property| Violation::MissingProperty { property, method };
    match vfreebusy_window(message) {
        (Some(from), Some(to)) => Ok((from, to)),
        (None, _) => Err(missing(ICalendarProperty::Dtstart)),
        (_, None) => Err(missing(ICalendarProperty::Dtend)),
    }
}

/// RFC 5546 §3.3.2: the requester (ORGANIZER) asks the ATTENDEEs for
/// their busy time between DTSTART and DTEND; the answer is a REPLY
/// (§3.3.3) with the same UID, DTSTART and DTEND, the requester as
/// ORGANIZER and the principal as the one ATTENDEE.
fn answer(ctx: &Ctx<'_>, incoming: &Incoming) -> Outcome {
    let message = &incoming.message;
    let Some(organizer) = message.organizer() else {
        return Outcome::refused(Violation::MissingOrganizer);
    };
    if let Err(violation) = check_organizer(ctx.config, &incoming.senders, &organizer) {
        return Outcome::refused(violation);
    }
    if component::attendee(message.main_component(), ctx.principal).is_none() {
        return Outcome::refused(Violation::NotAddressed(ctx.principal.to_string()));
    }
    let (from, to) = match window(message, Method::Request) {
        Ok(window) if window.0 < window.1 => window,
        Ok(_) => {
            return Outcome::refused(Violation::EndBeforeStart { method: Method::Request });
        }
        Err(violation) => return Outcome::refused(violation),
    };
    if !ctx.schedule.shares {
        return Outcome::ignored(Ignored::FreeBusyNotShared);
    }
    let busy: Vec<_> = ctx.schedule.busy.iter().copied().filter(|e| e.start < to && e.end > from).collect();
    let comment = ctx.schedule.known_until.map(|known| {
        format!("Busy time is known up to {known}: later occurrences of recurring events are not included.")
    });
    let text = FreeBusyMessage {
        method: Method::Reply,
        uid: message.uid(),
        stamp: ctx.now,
        from,
        to,
        organizer: &organizer.address,
        attendee: Some(ctx.principal),
        busy: &busy,
        comment: comment.as_deref(),
        prodid: &ctx.config.prodid,
    }
    .to_ics();
    let Ok(calendar) = ICalendar::parse(&text) else {
        return Outcome::refused(Violation::Unparseable);
    };
    let reply = ItipMessage {
        method: Method::Reply,
        from: ctx.principal.clone(),
        to: vec![organizer.address.clone()],
        uid: message.uid().to_string(),
        title: "Free/busy".into(),
        significant: true,
        explanation: format!(
            "Busy time of {} from {} to {}: {} period(s).{}",
            ctx.principal,
            from,
            to,
            busy.len(),
            comment.as_deref().map(|c| format!(" {c}")).unwrap_or_default()
        ),
        calendar,
    };
    let mut outcome = Outcome::new(crate::Disposition::Applied(Applied::FreeBusyAnswered))
        .with(Effect::Send(reply))
        .note(format!("answered free/busy for {from}–{to} with {} period(s)", busy.len()));
    if let Some(known) = ctx.schedule.known_until {
        outcome = outcome.note(format!("free/busy incomplete: recurrences are expanded only up to {known}"));
    }
    outcome
}

/// RFC 5546 §3.3.1 (PUBLISH: the ORGANIZER's busy time) and §3.3.3
/// (REPLY: the ATTENDEE's): what it says, clipped to its DTSTART–DTEND,
/// replaces what we knew of that participant from earlier VFREEBUSY
/// data. Only the participant themselves (or their SENT-BY) may say it.
fn learn(ctx: &Ctx<'_>, incoming: &Incoming, method: Method) -> Outcome {
    let message = &incoming.message;
    let component = message.main_component();
    let whose = match method {
        Method::Publish => {
            let Some(organizer) = message.organizer() else {
                return Outcome::refused(Violation::MissingOrganizer);
            };
            if let Err(violation) = check_organizer(ctx.config, &incoming.senders, &organizer) {
                return Outcome::refused(violation);
            }
            organizer.address
        }
        _ => match speaking_attendee(ctx.config, &incoming.senders, &component::attendees(component)) {
            Ok(attendee) => attendee.address.clone(),
            Err(violation) => return Outcome::refused(violation),
        },
    };
    if &whose == ctx.principal {
        return Outcome::ignored(Ignored::OwnMessage);
    }
    // Busy time outside the message's own DTSTART–DTEND is not what it
    // states (RFC 5546 §4.3.1 lists some; see the conformance notes).
    let (window_start, window_end) = window(message, method)
        .unwrap_or((Timestamp::from_seconds(i64::MIN), Timestamp::from_seconds(i64::MAX)));
    let mut periods = Vec::new();
    for entry in component.properties(&ICalendarProperty::Freebusy) {
        let fbtype = entry
            .params
            .iter()
            .find_map(|p| match (&p.name, &p.value) {
                (ICalendarParameterName::Fbtype, ICalendarParameterValue::Fbtype(kind)) => Some(match kind {
                    ICalendarFreeBusyType::Free => FbType::Free,
                    ICalendarFreeBusyType::Busy => FbType::Busy,
                    ICalendarFreeBusyType::BusyUnavailable => FbType::BusyUnavailable,
                    ICalendarFreeBusyType::BusyTentative => FbType::BusyTentative,
                }),
                (ICalendarParameterName::Fbtype, ICalendarParameterValue::Text(text)) => {
                    Some(FbType::parse(text).unwrap_or(FbType::Busy))
                }
                _ => None,
            })
            .unwrap_or(FbType::Busy);
        if fbtype == FbType::Free {
            continue;
        }
        for value in &entry.values {
            let calcard::icalendar::ICalendarValue::Period(period) = value else { continue };
            let span = match period {
                ICalendarPeriod::Range { start, end } => {
                    instant_of(start, None, message.zones()).zip(instant_of(end, None, message.zones()))
                }
                ICalendarPeriod::Duration { start, duration } => instant_of(start, None, message.zones())
                    .map(|s| (s, Timestamp::from_seconds(s.seconds().saturating_add(duration.as_seconds())))),
            };
            let Some((start, end)) =
                span.map(|(s, e)| (s.max(window_start), e.min(window_end))).filter(|(s, e)| s < e)
            else {
                continue;
            };
            if periods.len() == MAX_LEARNED_PERIODS {
                return Outcome::refused(Violation::TooLarge(crate::Limit::FreeBusyPeriods));
            }
            periods.push(BusyPeriod {
                start,
                end,
                fbtype,
                uid: LEARNED_UID.into(),
                recurrence_id: None,
                summary: None,
                organizer: None,
                expires: None,
            });
        }
    }
    periods.sort();
    periods.dedup();
    let count = periods.len();
    Outcome::new(crate::Disposition::Applied(Applied::FreeBusyLearned))
        .with(Effect::LearnFreeBusy { of: whose.clone(), periods })
        .note(format!("learned {count} busy period(s) of {whose}"))
}
