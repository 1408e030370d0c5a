//! A principal's own busy time, derived from their copy of an object.

use super::expand::{Expansion, Occurrence, PerComponent, expand};
use super::{BusyPeriod, FbType};
use crate::CalAddress;
use crate::model::component;
use crate::model::{ComponentKind, PartStat, SchedulingObject};
use calcard::icalendar::{
    ICalendarComponent, ICalendarProperty, ICalendarStatus, ICalendarTransparency, ICalendarValue,
};

/// A principal's own busy periods implied by their copy of an object
/// (RFC 5545 §3.2.9 and §3.8.2.7, with RFC 4791 §7.10's table):
///
/// * only VEVENTs occupy time; TRANSP:TRANSPARENT and STATUS:CANCELLED
///   occurrences occupy none;
/// * as an attendee, DECLINED or DELEGATED frees the time; NEEDS-ACTION
///   and TENTATIVE make it BUSY-TENTATIVE, as does STATUS:TENTATIVE;
/// * a series a resource booked only up to its booking window
///   (`X-IMIP-BOOKED-UNTIL`) occupies nothing after it;
/// * occurrences are expanded by [`expand`] within `expansion`: RRULE,
///   RDATE (PERIOD values included), EXDATE and overrides, with
///   floating and all-day events in the principal's zone.
///
/// Each period carries the object's UID and the occurrence's
/// RECURRENCE-ID, so an update replaces exactly its own periods.
pub fn own_periods(
    principal: &CalAddress,
    object: &SchedulingObject,
    expansion: &Expansion,
) -> Vec<BusyPeriod> {
    if object.kind() != ComponentKind::Event || object.is_cancelled() {
        return Vec::new();
    }
    own_periods_of(principal, object, &expand(object, expansion).occurrences)
}

/// [`own_periods`] of `object`'s `occurrences`, as [`expand`] gives
/// them, for a caller that reads them for more than this.
pub(crate) fn own_periods_of(
    principal: &CalAddress,
    object: &SchedulingObject,
    occurrences: &[Occurrence<'_>],
) -> Vec<BusyPeriod> {
    if object.kind() != ComponentKind::Event || object.is_cancelled() {
        return Vec::new();
    }
    let organizer = object.organizer_address();
    let booked_until = object
        .master()
        .and_then(|m| component::x_property(m, component::BOOKED_UNTIL))
        .and_then(crate::Timestamp::parse_utc);
    let uid: std::sync::Arc<str> = object.uid().into();
    let mut read = PerComponent::new();
    // At most one period per occurrence: room for them all at once.
    let mut periods: Vec<BusyPeriod> = Vec::with_capacity(occurrences.len());
    for occurrence in occurrences {
        if booked_until.is_some_and(|until| occurrence.start > until) {
            continue;
        }
        let component = occurrence.component;
        let (fbtype, summary) = read.get(component, || {
            let summary = component
                .property(&ICalendarProperty::Summary)
                .and_then(|e| e.values.first())
                .and_then(ICalendarValue::as_text)
                .map(std::sync::Arc::<str>::from);
            (occupancy(principal, organizer.as_ref(), component), summary)
        });
        let Some(fbtype) = *fbtype else { continue };
        periods.push(BusyPeriod {
            start: occurrence.start,
            end: occurrence.end,
            fbtype,
            uid: uid.clone(),
            recurrence_id: occurrence.recurrence_id,
            summary: summary.clone(),
            organizer: organizer.clone(),
            expires: None,
        });
    }
    // Occurrences come sorted by start: sorting is rarely needed.
    if !periods.is_sorted() {
        periods.sort();
    }
    periods.dedup();
    periods
}

/// The FBTYPE an occurrence gives the principal, or None if it is free.
pub(crate) fn occupancy(
    principal: &CalAddress,
    organizer: Option<&CalAddress>,
    event: &ICalendarComponent,
) -> Option<FbType> {
    if component::is_cancelled(event) || is_transparent(event) {
        return None;
    }
    let tentative_status = matches!(component::status(event), Some(ICalendarStatus::Tentative));
    let answer = match component::attendee_partstat(event, principal) {
        Some(answer) => answer,
        None if organizer == Some(principal) => PartStat::Accepted,
        None => PartStat::NeedsAction,
    };
    match answer {
        PartStat::Declined | PartStat::Delegated => None,
        PartStat::Accepted | PartStat::Completed | PartStat::InProcess if !tentative_status => {
            Some(FbType::Busy)
        }
        _ => Some(FbType::BusyTentative),
    }
}

/// TRANSP:TRANSPARENT (RFC 5545 §3.8.2.7).
pub(crate) fn is_transparent(event: &ICalendarComponent) -> bool {
    event
        .property(&ICalendarProperty::Transp)
        .and_then(|e| e.values.first())
        .is_some_and(|v| matches!(v, ICalendarValue::Transparency(ICalendarTransparency::Transparent)))
}
