//! `free-busy` and `next-available`: the resource's own schedule under a
//! capacity, and the first free slot when it is full.

use super::{busy_slots, decline_or_tolerate};
use crate::Timestamp;
use crate::freebusy::{BusyPeriod, FbType, PeriodSet, peak_concurrency};
use crate::resource::booking::Slot;
use crate::resource::policy::{Cx, State, Step, local_time};
use crate::resource::reason::{Reason, Trouble};
use crate::store::StoreError;

/// Most candidate starts `next-available` examines.
const MAX_CANDIDATES: usize = 2_000;

/// Accept if every instance fits under `capacity`.
pub(crate) fn free_busy(cx: &Cx<'_>, state: &mut State, capacity: u32) -> Result<Step, StoreError> {
    if cx.booking.transparent {
        state.trace.push("free-busy: transparent, takes no time".into());
        return Ok(Step::Continue);
    }
    let busy = busy_slots(cx, &cx.resource.address, &state.slots, capacity)?;
    if busy.is_empty() {
        state
            .trace
            .push(format!("free-busy: {} instance(s) fit under capacity {capacity}", state.slots.len()));
        return Ok(Step::Continue);
    }
    Ok(decline_or_tolerate(cx, state, "free-busy", busy, Trouble::AlreadyBooked))
}

/// As [`free_busy`]; when a single booking does not fit, propose the
/// first slot of the same length within `search` seconds that fits the
/// resource, the known busy time of the organizer and other attendees,
/// the permitted times and the working hours of earlier policies, and
/// the booking window. Series are not moved.
pub(crate) fn next_available(
    cx: &Cx<'_>,
    state: &mut State,
    capacity: u32,
    search: i64,
) -> Result<Step, StoreError> {
    if cx.booking.transparent {
        state.trace.push("next-available: transparent, takes no time".into());
        return Ok(Step::Continue);
    }
    let busy = busy_slots(cx, &cx.resource.address, &state.slots, capacity)?;
    if busy.is_empty() {
        state.trace.push(format!("next-available: fits under capacity {capacity}"));
        return Ok(Step::Continue);
    }
    if cx.booking.recurring || state.slots.len() != 1 {
        state.trace.push("next-available: a series is not moved".into());
        return Ok(decline_or_tolerate(cx, state, "next-available", busy, Trouble::AlreadyBooked));
    }
    let requested = state.slots[0];
    let length = requested.seconds();
    let from = requested.start;
    let until = Timestamp::from_seconds(from.seconds().saturating_add(search).saturating_add(length));
    let own = schedule(cx, from, until)?;
    let others = others_busy(cx, state, from, until)?;
    let mut candidates: Vec<Timestamp> =
        own.iter().chain(&others).map(|p| p.end).filter(|e| *e > from).collect();
    candidates.push(from);
    candidates.sort();
    candidates.dedup();
    let last_start = Timestamp::from_seconds(from.seconds().saturating_add(search));
    for candidate in candidates.into_iter().take(MAX_CANDIDATES) {
        let start = match &state.permitted {
            Some(times) => times.align_up(candidate, cx.zone),
            None => candidate,
        };
        let mut end = Timestamp::from_seconds(start.seconds().saturating_add(length));
        if let Some(times) = &state.permitted {
            end = times.align_up(end, cx.zone);
        }
        if start > last_start || state.latest_start.is_some_and(|latest| start > latest) {
            break;
        }
        let fits = peak_concurrency(&own, start, end) < capacity as usize
            && !others.iter().any(|p| p.overlaps(start, end));
        if fits {
            state.slots = vec![Slot { id: requested.id, start, end }];
            state.corrected = true;
            state.trace.push(format!("next-available: busy; proposes {}", local_time(start, cx.zone)));
            return Ok(Step::Continue);
        }
    }
    state.trace.push("next-available: no free slot found".into());
    let days = search / 86_400;
    Ok(Step::Decline(Reason::NoFreeSlot {
        resource: cx.resource.address.to_string(),
        at: requested.start,
        days,
    }))
}

/// The resource's bookings and live offers of other UIDs in `[from, to)`.
fn schedule(cx: &Cx<'_>, from: Timestamp, to: Timestamp) -> Result<Vec<BusyPeriod>, StoreError> {
    let me = &cx.resource.address;
    let mut periods: Vec<BusyPeriod> = cx
        .reader
        .read_periods(me, &PeriodSet::Own, from, to)?
        .into_iter()
        .filter(|p| *p.uid != *cx.booking.uid && p.fbtype != FbType::Free)
        .collect();
    periods.extend(
        cx.reader
            .read_periods(me, &PeriodSet::Offers, from, to)?
            .into_iter()
            .filter(|p| *p.uid != *cx.booking.uid && p.expires.is_none_or(|e| e > cx.now)),
    );
    Ok(periods)
}

/// What blocks the others: the known busy time of the organizer and the
/// other attendees (their [`PeriodSet::Other`] sets in the resource's
/// store), and the resource's unavailable time when working hours apply.
fn others_busy(
    cx: &Cx<'_>,
    state: &State,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<BusyPeriod>, StoreError> {
    let me = &cx.resource.address;
    let mut blocked = Vec::new();
    for who in std::iter::once(&cx.booking.organizer).chain(&cx.booking.attendees()) {
        blocked.extend(
            cx.reader
                .read_periods(me, &PeriodSet::Other(who.clone()), from, to)?
                .into_iter()
                .filter(|p| *p.uid != *cx.booking.uid && p.fbtype != FbType::Free),
        );
    }
    if let Some(hours) = &state.working_hours {
        let expansion = crate::resource::policy::limits::availability_expansion(cx, from, to);
        for (start, end, fbtype) in hours.unavailable(from, to, &expansion) {
            blocked.push(BusyPeriod {
                start,
                end,
                fbtype,
                uid: "".into(),
                recurrence_id: None,
                summary: None,
                organizer: None,
                expires: None,
            });
        }
    }
    Ok(blocked)
}
