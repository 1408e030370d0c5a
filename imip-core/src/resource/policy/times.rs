//! `permitted-times`: starts and ends on permitted minutes and hours.

use crate::Timestamp;
use crate::resource::booking::Slot;
use crate::resource::permitted::PermittedTimes;
use crate::resource::policy::{Cx, State, Step, local_time};
use crate::resource::reason::Reason;

/// Corrects every instance to permitted times (each start and end
/// rounded up; a series moves by its first instance's correction), then
/// counters with the correction, or declines.
pub(crate) fn permitted(cx: &Cx<'_>, state: &mut State, times: &PermittedTimes, counter: bool) -> Step {
    state.permitted = Some(times.clone());
    if cx.booking.all_day {
        state.trace.push("permitted-times: all-day, not applicable".into());
        return Step::Continue;
    }
    let Some(first) = state.slots.first().copied() else { return Step::Continue };
    let start = times.align_up(first.start, cx.zone);
    let mut end = times.align_up(first.end, cx.zone);
    if end <= start {
        end = times.align_up(Timestamp::from_seconds(start.seconds() + 1), cx.zone);
    }
    if start == first.start && end == first.end {
        state.trace.push("permitted-times: on permitted times".into());
        return Step::Continue;
    }
    if !counter {
        state.trace.push("permitted-times: not on permitted times: decline".into());
        return Step::Decline(Reason::OnlyAt {
            resource: cx.resource.address.to_string(),
            minutes: times.minutes().to_vec(),
            hours: times.hours().to_vec(),
            at: first.start,
        });
    }
    let (shift_start, shift_end) =
        (start.seconds() - first.start.seconds(), end.seconds() - first.end.seconds());
    state.slots = state
        .slots
        .iter()
        .map(|s| Slot {
            id: s.id,
            start: Timestamp::from_seconds(s.start.seconds() + shift_start),
            end: Timestamp::from_seconds(s.end.seconds() + shift_end),
        })
        .collect();
    state.corrected = true;
    state.trace.push(format!("permitted-times: corrected to {}", local_time(start, cx.zone)));
    Step::Continue
}
