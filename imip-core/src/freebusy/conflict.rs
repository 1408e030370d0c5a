//! Conflict checks for resource decisions: which busy periods overlap
//! the instances of a request, and whether they leave room under a
//! capacity.

use super::{BusyPeriod, FbType, PeriodSet};
use crate::store::{ScheduleReader, StoreError};
use crate::{CalAddress, Timestamp};

/// What stands in the way of one requested instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The instance's start.
    pub start: Timestamp,
    /// The instance's end.
    pub end: Timestamp,
    /// The bookings overlapping it (own periods and live offers of other
    /// UIDs), sorted.
    pub overlapping: Vec<BusyPeriod>,
    /// The most bookings that overlap at any one moment of the instance.
    pub peak: usize,
}

/// For each requested instance `[start, end)`, the principal's bookings
/// that overlap it and their peak concurrency; returns only the
/// instances where the peak reaches `capacity` (so one more booking would
/// exceed it). Periods of `uid` itself are not counted (an update does
/// not conflict with the booking it replaces), nor are offers expired at
/// `now`. Transparent events never hold periods, so they never conflict
/// (RFC 5545 §3.8.2.7); a transparent request should not be checked at
/// all. Each instance costs one range query.
pub fn conflicts<R: ScheduleReader + ?Sized>(
    store: &R,
    principal: &CalAddress,
    instances: &[(Timestamp, Timestamp)],
    uid: &str,
    capacity: usize,
    now: Timestamp,
) -> Result<Vec<Conflict>, StoreError> {
    let mut found = Vec::new();
    for &(start, end) in instances {
        let mut overlapping: Vec<BusyPeriod> = store
            .read_periods(principal, &PeriodSet::Own, start, end)?
            .into_iter()
            .filter(|p| *p.uid != *uid && p.fbtype != FbType::Free)
            .collect();
        overlapping.extend(
            store
                .read_periods(principal, &PeriodSet::Offers, start, end)?
                .into_iter()
                .filter(|p| *p.uid != *uid && p.expires.is_none_or(|e| e > now)),
        );
        overlapping.sort();
        let peak = peak_concurrency(&overlapping, start, end);
        if peak >= capacity {
            found.push(Conflict { start, end, overlapping, peak });
        }
    }
    Ok(found)
}

/// The most periods that overlap at one moment within `[from, to)`.
pub(crate) fn peak_concurrency(periods: &[BusyPeriod], from: Timestamp, to: Timestamp) -> usize {
    let mut edges: Vec<(Timestamp, i32)> = Vec::with_capacity(periods.len() * 2);
    for period in periods {
        let (start, end) = (period.start.max(from), period.end.min(to));
        if start < end {
            edges.push((start, 1));
            edges.push((end, -1));
        }
    }
    // Ends sort before starts at the same instant: back-to-back bookings
    // do not overlap.
    edges.sort();
    let (mut current, mut peak) = (0i32, 0i32);
    for (_, delta) in edges {
        current += delta;
        peak = peak.max(current);
    }
    usize::try_from(peak).unwrap_or(0)
}
