//! The policies, one module per concern, and the context they share:
//! what they read ([`Cx`]), what the chain has decided so far
//! ([`State`]), and what each says ([`Step`]). The chain that runs
//! them is `evaluate`; nothing here reaches back into it.

pub(crate) mod access;
pub(crate) mod capacity;
pub(crate) mod delegate;
pub(crate) mod limits;
pub(crate) mod quota;
pub(crate) mod times;

use super::booking::Booking;
use super::booking::Slot;
use super::config::{Directory, Resource, Tolerance};
use super::permitted::PermittedTimes;
use super::reason::{Reason, Trouble};
use crate::CalAddress;
use crate::Timestamp;
use crate::freebusy::Availability;
use crate::freebusy::conflicts;
use crate::store::ScheduleReader;
use crate::store::StoreError;
use chrono_tz::Tz;

/// The slots of `slots` where `principal` already holds `capacity`
/// bookings (own periods and live offers of other UIDs).
pub(crate) fn busy_slots(
    cx: &Cx<'_>,
    principal: &CalAddress,
    slots: &[Slot],
    capacity: u32,
) -> Result<Vec<Slot>, StoreError> {
    let spans: Vec<_> = slots.iter().map(|s| (s.start, s.end)).collect();
    let found = conflicts(cx.reader, principal, &spans, &cx.booking.uid, capacity as usize, cx.now)?;
    Ok(slots.iter().filter(|s| found.iter().any(|c| c.start == s.start && c.end == s.end)).copied().collect())
}

/// A series may lose a few instances (the `recurring` policy's
/// tolerance): they are declined one by one and the rest goes on.
/// Otherwise the whole request is declined with `why` (which names the
/// first troubled instance's time).
pub(crate) fn decline_or_tolerate(
    cx: &Cx<'_>,
    state: &mut State,
    policy: &str,
    troubled: Vec<Slot>,
    trouble: Trouble,
) -> Step {
    let why = trouble.trace();
    let total = cx.booking.slots.len();
    let declined = state.declined.len() + troubled.len();
    let name = &cx.resource.address;
    if cx.booking.recurring
        && troubled.len() < state.slots.len()
        && declined <= state.tolerance.allowed(total)
    {
        state.trace.push(format!("{policy}: {} instance(s) {why}, declined one by one", troubled.len()));
        for slot in &troubled {
            state.remarks.push(Reason::InstanceDeclined { at: slot.start, trouble });
        }
        state.slots.retain(|s| !troubled.contains(s));
        state.declined.extend(troubled);
        return Step::Continue;
    }
    let at = troubled.first().map(|s| s.start).unwrap_or(cx.now);
    state.trace.push(format!("{policy}: {} instance(s) {why}, so the request is declined", troubled.len()));
    Step::Decline(Reason::Unavailable { resource: name.to_string(), at, trouble })
}

/// What the policies read.
pub(crate) struct Cx<'a> {
    pub(crate) directory: &'a Directory,
    pub(crate) resource: &'a Resource,
    pub(crate) booking: &'a Booking,
    pub(crate) reader: &'a dyn ScheduleReader,
    pub(crate) now: Timestamp,
    pub(crate) zone: Tz,
    /// The owner approves: holds no longer apply.
    pub(crate) approving: bool,
}

/// What the policies have decided so far.
#[derive(Debug, Default)]
pub(crate) struct State {
    /// The instances still to book, at their current (maybe corrected)
    /// times.
    pub(crate) slots: Vec<Slot>,
    /// Times were corrected: the answer is a COUNTER.
    pub(crate) corrected: bool,
    /// Instances declined one by one.
    pub(crate) declined: Vec<Slot>,
    /// Conflicting instances tolerated.
    pub(crate) tolerance: Tolerance,
    /// A truncated series is booked up to here.
    pub(crate) booked_until: Option<Timestamp>,
    /// The latest start the booking window allows.
    pub(crate) latest_start: Option<Timestamp>,
    /// Why the request is held, if it is.
    pub(crate) hold: Option<Reason>,
    /// The kind of the policy that held it.
    pub(crate) held_by: Option<&'static str>,
    /// Permitted times, for next-available.
    pub(crate) permitted: Option<PermittedTimes>,
    /// Working hours, for next-available.
    pub(crate) working_hours: Option<Availability>,
    /// Remarks for the reason of an acceptance.
    pub(crate) remarks: Vec<Reason>,
    /// The trace.
    pub(crate) trace: Vec<String>,
}

/// What one policy says.
pub(crate) enum Step {
    /// Go on with the next policy.
    Continue,
    /// Stop: decline, with the reason.
    Decline(Reason),
    /// Stop: delegate, with the reason.
    Delegate(CalAddress, Reason),
}

/// A time for humans, in the resource's zone: `2025-03-10 15:00 (Europe/Berlin)`.
pub(crate) fn local_time(at: Timestamp, zone: Tz) -> String {
    format!("{} ({})", at.to_chrono().with_timezone(&zone).format("%Y-%m-%d %H:%M"), zone.name())
}

/// A length for humans: `1 h 30 min`.
pub(crate) fn length(seconds: i64) -> String {
    let (hours, minutes) = (seconds / 3600, (seconds % 3600) / 60);
    match (hours, minutes) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// A configured length in whole seconds, as the policies count time.
pub(crate) fn seconds(length: std::time::Duration) -> i64 {
    i64::try_from(length.as_secs()).unwrap_or(i64::MAX)
}
