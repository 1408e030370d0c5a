//! Limits on what may be booked: the booking window, durations, working
//! hours, and series.

use super::decline_or_tolerate;
use crate::Timestamp;
use crate::freebusy::{AVAILABILITY_PREF, Availability, Expansion};
use crate::resource::config::Tolerance;
use crate::resource::policy::{Cx, State, Step, length, local_time};
use crate::resource::reason::{Reason, Trouble};
use crate::store::StoreError;

/// Bookings may start at most `max_advance` seconds ahead. A series that
/// runs past is refused, or (`truncate`) booked up to the window's end.
pub(crate) fn booking_window(cx: &Cx<'_>, state: &mut State, max_advance: i64, truncate: bool) -> Step {
    let latest = Timestamp::from_seconds(cx.now.seconds().saturating_add(max_advance));
    state.latest_start = Some(latest);
    let booking = cx.booking;
    let beyond = state.slots.iter().filter(|s| s.start > latest).count();
    let unbounded = (booking.open_ended || !booking.complete) && latest < booking.checked_until;
    if beyond == 0 && !unbounded {
        state.trace.push("booking-window: inside".into());
        return Step::Continue;
    }
    let name = &cx.resource.address;
    let days = max_advance / 86_400;
    if !booking.recurring || !truncate || beyond == state.slots.len() {
        state.trace.push("booking-window: past the window: decline".into());
        return Step::Decline(Reason::BeyondWindow { resource: name.to_string(), days, latest });
    }
    // The instances past the window are declined one by one in the
    // REPLY (with their RECURRENCE-ID), as the recurring policy does, so
    // the organizer is not told the whole series is booked; what lies past
    // the expansion (an open-ended series) is left out by booked_until.
    let (inside, beyond): (Vec<_>, Vec<_>) = state.slots.iter().copied().partition(|s| s.start <= latest);
    state.slots = inside;
    state.declined.extend(beyond);
    state.booked_until = Some(latest);
    state.remarks.push(Reason::NotBookedAfter { latest });
    state.trace.push(format!("booking-window: series truncated at {}", local_time(latest, cx.zone)));
    Step::Continue
}

/// Every instance lasts between `min` and `max` seconds.
pub(crate) fn duration(cx: &Cx<'_>, state: &mut State, min: Option<i64>, max: Option<i64>) -> Step {
    let name = &cx.resource.address;
    for slot in &state.slots {
        let seconds = slot.seconds();
        if let Some(min) = min
            && seconds < min
        {
            state.trace.push(format!("duration: {} is too short", length(seconds)));
            return Step::Decline(Reason::TooShort { resource: name.to_string(), min });
        }
        if let Some(max) = max
            && seconds > max
        {
            state.trace.push(format!("duration: {} is too long", length(seconds)));
            return Step::Decline(Reason::TooLong { resource: name.to_string(), max });
        }
    }
    state.trace.push("duration: within limits".into());
    Step::Continue
}

/// Every instance lies within the resource's VAVAILABILITY (RFC 7953).
/// Without one, the resource is always available.
pub(crate) fn working_hours(cx: &Cx<'_>, state: &mut State) -> Result<Step, StoreError> {
    let prefs = cx.reader.read_prefs(&cx.resource.address)?;
    let Some(text) = prefs.get(AVAILABILITY_PREF) else {
        state.trace.push("working-hours: none set, always available".into());
        return Ok(Step::Continue);
    };
    let availability = match Availability::parse(text) {
        Ok(availability) => availability,
        Err(error) => {
            // The owner's data, not the organizer's fault: refuse rather
            // than book outside hours nobody can read.
            state.trace.push(format!("working-hours: unreadable ({error})"));
            return Ok(Step::Decline(Reason::NoWorkingHours { resource: cx.resource.address.to_string() }));
        }
    };
    let outside: Vec<_> = state
        .slots
        .iter()
        .filter(|s| {
            !availability.unavailable(s.start, s.end, &availability_expansion(cx, s.start, s.end)).is_empty()
        })
        .copied()
        .collect();
    state.working_hours = Some(availability);
    if outside.is_empty() {
        state.trace.push("working-hours: inside".into());
        return Ok(Step::Continue);
    }
    Ok(decline_or_tolerate(cx, state, "working-hours", outside, Trouble::OutsideWorkingHours))
}

/// The expansion availability is read with, over `[from, to)`.
pub(crate) fn availability_expansion(cx: &Cx<'_>, from: Timestamp, to: Timestamp) -> Expansion {
    let bounds = crate::freebusy::FreeBusyConfig::default();
    Expansion {
        zone: cx.zone,
        from,
        until: to,
        max_occurrences: bounds.max_occurrences,
        max_scan: bounds.max_scan,
    }
}

/// Series: allowed or not, and how many conflicting instances later
/// policies may decline one by one.
pub(crate) fn recurring(cx: &Cx<'_>, state: &mut State, allowed: bool, max_conflicts: Tolerance) -> Step {
    state.tolerance = max_conflicts;
    if cx.booking.recurring && !allowed {
        state.trace.push("recurring: series refused".into());
        return Step::Decline(Reason::NoRecurring { resource: cx.resource.address.to_string() });
    }
    state.trace.push("recurring: allowed".into());
    Step::Continue
}
