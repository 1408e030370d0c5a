//! Delegation to a pool, and collections: when this resource cannot take
//! a booking, a free sibling does (RFC 5546 §2.1.2, §4.2.5).

use super::{busy_slots, decline_or_tolerate};
use crate::freebusy::{FbType, PeriodSet};
use crate::resource::config::Strategy;
use crate::resource::policy::{Cx, State, Step, length};
use crate::resource::reason::{Reason, Trouble};
use crate::store::StoreError;
use crate::{CalAddress, Timestamp};

/// When this resource is busy (or always, for a collection), delegate to
/// a member of `pool` free for the request as the organizer sent it: the
/// first one (`available`), or the one with the least booked time on the
/// days of the request (`most-available`). A request that reached us by
/// delegation is not passed on again, and members already invited are
/// not candidates. When no member is free, a series may still lose its
/// busy instances one by one (the `recurring` tolerance).
pub(crate) fn delegate(
    cx: &Cx<'_>,
    state: &mut State,
    pool_name: &str,
    strategy: Strategy,
    include_self: bool,
    capacity: u32,
) -> Result<Step, StoreError> {
    let Some(pool) = cx.directory.pool(pool_name) else { return Ok(Step::Continue) };
    let name = if include_self { "delegate" } else { "collection" };
    let me = &cx.resource.address;
    let busy = if include_self { busy_slots(cx, me, &state.slots, capacity)? } else { state.slots.clone() };
    if busy.is_empty() {
        state.trace.push(format!("{name}: {me} is free"));
        return Ok(Step::Continue);
    }
    let booking = cx.booking;
    if booking.delegated_from.is_some() {
        state.trace.push(format!("{name}: delegated to us already, not passed on"));
        return Ok(decline_or_tolerate(cx, state, name, busy, Trouble::AlreadyBooked));
    }
    let attendees = booking.attendees();
    let candidates =
        pool.members.iter().filter(|m| *m != me && **m != booking.organizer && !attendees.contains(m));
    let mut best: Option<(i64, &CalAddress)> = None;
    for candidate in candidates {
        // The delegate receives the request as the organizer sent it.
        if !busy_slots(cx, candidate, &booking.slots, pool.capacity)?.is_empty() {
            state.trace.push(format!("{name}: {candidate} is busy"));
            continue;
        }
        match strategy {
            Strategy::Available => {
                best = Some((0, candidate));
                break;
            }
            Strategy::MostAvailable => {
                let booked = booked_seconds(cx, candidate)?;
                state
                    .trace
                    .push(format!("{name}: {candidate} is free, {} booked those days", length(booked)));
                if best.is_none_or(|(least, _)| booked < least) {
                    best = Some((booked, candidate));
                }
            }
        }
    }
    let kind = if include_self { "is busy" } else { "is a collection" };
    let resource = me.to_string();
    match best {
        Some((_, to)) => {
            state.trace.push(format!("{name}: {me} {kind}; delegated to {to}"));
            Ok(Step::Delegate(
                to.clone(),
                Reason::Delegated { resource, busy: include_self, to: to.to_string() },
            ))
        }
        None if include_self => {
            state.trace.push(format!("{name}: no other member of {pool_name} is free"));
            Ok(decline_or_tolerate(cx, state, name, busy, Trouble::AlreadyBooked))
        }
        None => {
            state.trace.push(format!("{name}: no member of {pool_name} is free"));
            Ok(Step::Decline(Reason::NoMemberFree { resource }))
        }
    }
}

/// A member's booked seconds over the whole days (UTC) of the request.
fn booked_seconds(cx: &Cx<'_>, member: &CalAddress) -> Result<i64, StoreError> {
    let slots = &cx.booking.slots;
    let (Some(first), Some(last)) = (slots.first(), slots.iter().map(|s| s.end).max()) else { return Ok(0) };
    let day = 86_400;
    let from = Timestamp::from_seconds(first.start.seconds().div_euclid(day) * day);
    let to = Timestamp::from_seconds((last.seconds() + day - 1).div_euclid(day) * day);
    Ok(cx
        .reader
        .read_periods(member, &PeriodSet::Own, from, to)?
        .iter()
        .filter(|p| p.fbtype != FbType::Free)
        .map(|p| p.end.min(to).seconds() - p.start.max(from).seconds())
        .sum())
}
