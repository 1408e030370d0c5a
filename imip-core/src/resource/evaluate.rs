//! Running a resource's policy chain over a booking request.
//!
//! The policies run in order, as in imip-agent: a decline or a
//! delegation stops the chain at once; a correction (permitted times,
//! next available slot) changes the times the later policies judge and
//! turns the final acceptance into a COUNTER; a hold turns it into a
//! TENTATIVE answer awaiting the owner. Every step leaves a line in the
//! trace.

use super::booking::{Booking, Slot};
use super::config::{Directory, Policy, Resource};
use super::policy::{self, Cx, State, Step};
use super::reason::{Reason, sentence};
use crate::store::{ScheduleReader, StoreError};
use crate::words::Lang;
use crate::{CalAddress, InstanceId, Timestamp};
use chrono_tz::Tz;

/// What the resource answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Book it (RFC 5546 §3.2.3, PARTSTAT=ACCEPTED), except the listed
    /// instances, declined one by one; a truncated series is booked up to
    /// `booked_until`.
    Accept {
        /// Instances declined.
        declined: Vec<InstanceId>,
        /// The end of the booking window, for a truncated series.
        booked_until: Option<Timestamp>,
    },
    /// Propose other times (RFC 5546 §3.2.7, COUNTER).
    Counter {
        /// The proposed instances.
        slots: Vec<Slot>,
    },
    /// Refuse (PARTSTAT=DECLINED).
    Decline,
    /// Hand it to a sibling (RFC 5546 §2.1.2, PARTSTAT=DELEGATED).
    Delegate {
        /// The delegate.
        to: CalAddress,
    },
    /// Answer TENTATIVE and wait for the owner's approval.
    Hold {
        /// Instances declined.
        declined: Vec<InstanceId>,
    },
}

/// A verdict, why, and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The answer.
    pub verdict: Verdict,
    /// A short reason for the organizer, in the resource's language
    /// (sent as COMMENT and in the mail's text).
    pub reason: String,
    /// One line per policy applied.
    pub trace: Vec<String>,
    /// The kind of the policy that held the booking for the owner's
    /// approval, when the verdict is [`Verdict::Hold`].
    pub held_by: Option<&'static str>,
}

/// Evaluates `resource`'s chain for `booking`. `zone` is the resource's
/// time zone and `lang` its language (its `TZID` and `LANG`
/// preferences), in which the reason is written; `approving` is set when
/// the owner approves a held request. Reads only through `reader`.
#[allow(clippy::too_many_arguments)]
pub fn evaluate(
    directory: &Directory,
    resource: &Resource,
    booking: &Booking,
    reader: &dyn ScheduleReader,
    now: Timestamp,
    zone: Tz,
    lang: Lang,
    approving: bool,
) -> Result<Evaluation, StoreError> {
    let cx = Cx { directory, resource, booking, reader, now, zone, approving };
    let mut state = State { slots: booking.slots.clone(), ..State::default() };
    let name = &resource.address;
    let words = |reason: &Reason| reason.text(lang, zone);
    if state.slots.is_empty() {
        return Ok(Evaluation {
            verdict: Verdict::Decline,
            reason: words(&Reason::NoInstance { resource: name.to_string() }),
            trace: vec!["no instance within the horizon".into()],
            held_by: None,
        });
    }
    for policy in &resource.policies {
        let step = match policy {
            Policy::FreeBusy { capacity } => policy::capacity::free_busy(&cx, &mut state, *capacity)?,
            Policy::NextAvailable { capacity, search } => {
                policy::capacity::next_available(&cx, &mut state, *capacity, policy::seconds(*search))?
            }
            Policy::PermittedTimes { times, counter } => {
                policy::times::permitted(&cx, &mut state, times, *counter)
            }
            Policy::Acl { default_accept, rules } => {
                policy::access::acl(&cx, &mut state, *default_accept, rules)
            }
            Policy::SameDomain => policy::access::same_domain(&cx, &mut state),
            Policy::Hold { trusted } => policy::access::hold(&cx, &mut state, trusted),
            Policy::Quota { name } => policy::quota::quota(&cx, &mut state, name)?,
            Policy::AcrossQuota { name } => policy::quota::across(&cx, &mut state, name)?,
            Policy::Delegate { pool, strategy, include_self, capacity } => {
                policy::delegate::delegate(&cx, &mut state, pool, *strategy, *include_self, *capacity)?
            }
            Policy::BookingWindow { max_advance, truncate } => {
                policy::limits::booking_window(&cx, &mut state, policy::seconds(*max_advance), *truncate)
            }
            Policy::Duration { min, max } => {
                policy::limits::duration(&cx, &mut state, min.map(policy::seconds), max.map(policy::seconds))
            }
            Policy::WorkingHours => policy::limits::working_hours(&cx, &mut state)?,
            Policy::Recurring { allowed, max_conflicts } => {
                policy::limits::recurring(&cx, &mut state, *allowed, *max_conflicts)
            }
        };
        match step {
            Step::Continue => {}
            Step::Decline(reason) => {
                return Ok(Evaluation {
                    verdict: Verdict::Decline,
                    reason: words(&reason),
                    trace: state.trace,
                    held_by: None,
                });
            }
            Step::Delegate(to, reason) => {
                return Ok(Evaluation {
                    verdict: Verdict::Delegate { to },
                    reason: words(&reason),
                    trace: state.trace,
                    held_by: None,
                });
            }
        }
    }
    Ok(conclude(&cx, state, lang))
}

fn conclude(cx: &Cx<'_>, state: State, lang: Lang) -> Evaluation {
    let resource = cx.resource.address.to_string();
    if state.slots.is_empty() {
        return Evaluation {
            verdict: Verdict::Decline,
            reason: Reason::NothingToBook { resource }.text(lang, cx.zone),
            trace: state.trace,
            held_by: None,
        };
    }
    let declined: Vec<InstanceId> = state.declined.iter().map(|s| s.id).collect();
    if state.corrected {
        let first = state.slots[0];
        let reason = Reason::Suggests { resource, start: first.start, end: first.end }.text(lang, cx.zone);
        return Evaluation {
            verdict: Verdict::Counter { slots: state.slots },
            reason,
            trace: state.trace,
            held_by: None,
        };
    }
    let reason = match &state.hold {
        Some(why) => Reason::Reserved { resource, why: Box::new(why.clone()) },
        None => Reason::Scheduled { resource },
    };
    let reason = sentence(&reason, &state.remarks, lang, cx.zone);
    let verdict = if state.hold.is_some() {
        Verdict::Hold { declined }
    } else {
        Verdict::Accept { declined, booked_until: state.booked_until }
    };
    Evaluation { verdict, reason, trace: state.trace, held_by: state.held_by }
}
