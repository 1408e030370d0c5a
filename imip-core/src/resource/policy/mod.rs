//! The policies, one module per concern. Each takes what the chain has
//! decided so far ([`State`]) and says whether to go on ([`Step`]).

pub(crate) mod access;
pub(crate) mod capacity;
pub(crate) mod delegate;
pub(crate) mod limits;
pub(crate) mod quota;
pub(crate) mod times;

use super::booking::Slot;
use super::evaluate::{Cx, State, Step, local_time};
use crate::CalAddress;
use crate::freebusy::conflicts;
use crate::store::StoreError;

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
    why: &str,
) -> Step {
    let total = cx.booking.slots.len();
    let declined = state.declined.len() + troubled.len();
    let name = &cx.resource.address;
    if cx.booking.recurring
        && troubled.len() < state.slots.len()
        && declined <= state.tolerance.allowed(total)
    {
        state.trace.push(format!("{policy}: {} instance(s) {why}, declined one by one", troubled.len()));
        for slot in &troubled {
            state
                .remarks
                .push(format!("The instance at {} is declined: {why}.", local_time(slot.start, cx.zone)));
        }
        state.slots.retain(|s| !troubled.contains(s));
        state.declined.extend(troubled);
        return Step::Continue;
    }
    let first = troubled.first().map(|s| local_time(s.start, cx.zone)).unwrap_or_default();
    state.trace.push(format!("{policy}: {} instance(s) {why}, so the request is declined", troubled.len()));
    Step::Decline(format!("{name} is unavailable at {first}: {why}."))
}
