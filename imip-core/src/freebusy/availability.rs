//! Calendar availability (RFC 7953): when a principal can be scheduled.
//!
//! A principal's availability is one iCalendar text holding VAVAILABILITY
//! components (working hours, say, with vacations as higher-priority
//! overrides), kept in the [`AVAILABILITY_PREF`] preference. RFC 7953 §6
//! defines no iTIP transport for it, so imip uses it only locally: to
//! shape free/busy answers and for resource decisions.

use super::FbType;
use super::expand::{Expansion, expand_components};
use crate::Timestamp;
use crate::model::InstanceId;
use crate::model::component::{self, instant};
use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarFreeBusyType, ICalendarProperty,
    ICalendarValue,
};
use std::collections::BTreeMap;
use thiserror::Error;

/// Preference holding a principal's availability (VAVAILABILITY text).
pub const AVAILABILITY_PREF: &str = "availability";

/// Most VAVAILABILITY components one availability may hold (RFC 7953 §9
/// asks servers to limit its complexity).
pub(crate) const MAX_AVAILABILITIES: usize = 50;
/// Most AVAILABLE components one availability may hold.
pub(crate) const MAX_AVAILABLE: usize = 500;

/// Why an availability text is unusable.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AvailabilityError {
    /// Not iCalendar.
    #[error("availability is not iCalendar data")]
    Unparseable,
    /// No VAVAILABILITY component.
    #[error("availability holds no VAVAILABILITY component (RFC 7953 §3.1)")]
    Empty,
    /// Too many components.
    #[error("availability has more than {0} components of one kind")]
    TooLarge(usize),
}

/// One VAVAILABILITY: its span, busy type, priority rank and AVAILABLE
/// recurrence sets.
#[derive(Debug)]
struct Block {
    /// Start of the span (`None`: unbounded).
    start: Option<Timestamp>,
    /// End of the span (`None`: unbounded).
    end: Option<Timestamp>,
    /// BUSYTYPE (default BUSY-UNAVAILABLE, RFC 7953 §3.2).
    busy_type: FbType,
    /// Processing rank: PRIORITY 0 or absent is 0, then 9 → 1, …, 1 → 9.
    rank: u8,
    /// AVAILABLE components (indexes into the calendar) by UID.
    available: BTreeMap<String, Vec<usize>>,
}

/// A parsed availability, ready to answer for any window.
pub struct Availability {
    calendar: ICalendar,
    zones: crate::model::Zones,
    blocks: Vec<Block>,
}

impl std::fmt::Debug for Availability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Availability").field("blocks", &self.blocks).finish()
    }
}

impl Availability {
    /// Parses availability text: VAVAILABILITY components with AVAILABLE
    /// sub-components (RFC 7953 §3.1), and their VTIMEZONEs.
    pub fn parse(text: &str) -> Result<Availability, AvailabilityError> {
        let calendar = ICalendar::parse(text).map_err(|_| AvailabilityError::Unparseable)?;
        let zones = crate::model::vtimezone::resolver(&calendar);
        let mut blocks = Vec::new();
        let mut available_count = 0;
        for component in &calendar.components {
            if component.component_type != ICalendarComponentType::VAvailability {
                continue;
            }
            if blocks.len() == MAX_AVAILABILITIES {
                return Err(AvailabilityError::TooLarge(MAX_AVAILABILITIES));
            }
            let start = component.property(&ICalendarProperty::Dtstart).and_then(|e| instant(e, &zones));
            let end = component.property(&ICalendarProperty::Dtend).and_then(|e| instant(e, &zones)).or_else(
                || {
                    let duration = component.property(&ICalendarProperty::Duration)?.values.first()?;
                    match (start, duration) {
                        (Some(start), ICalendarValue::Duration(d)) => {
                            Some(Timestamp::from_seconds(start.seconds().saturating_add(d.as_seconds())))
                        }
                        _ => None,
                    }
                },
            );
            let mut available: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for &child in &component.component_ids {
                let Some(sub) = calendar.components.get(child as usize) else { continue };
                if sub.component_type != ICalendarComponentType::Available {
                    continue;
                }
                available_count += 1;
                if available_count > MAX_AVAILABLE {
                    return Err(AvailabilityError::TooLarge(MAX_AVAILABLE));
                }
                let uid = component::uid(sub).unwrap_or("").to_string();
                available.entry(uid).or_default().push(child as usize);
            }
            blocks.push(Block {
                start,
                end,
                busy_type: busy_type(component),
                rank: rank(component),
                available,
            });
        }
        if blocks.is_empty() {
            return Err(AvailabilityError::Empty);
        }
        // Lowest priority first (RFC 7953 §4); equal ranks keep text order.
        blocks.sort_by_key(|b| b.rank);
        Ok(Availability { calendar, zones, blocks })
    }

    /// The time in `[from, to)` that the availability makes busy, with its
    /// FBTYPE, sorted and coalesced (RFC 7953 §4 and §5). Each
    /// VAVAILABILITY, lowest priority first, sets its span busy and then
    /// its AVAILABLE occurrences free; at equal priority, overlapping
    /// busy time takes the strongest type (BUSY > BUSY-UNAVAILABLE >
    /// BUSY-TENTATIVE). `expansion` gives the zone for floating values
    /// and the bounds on AVAILABLE recurrences.
    pub fn unavailable(
        &self,
        from: Timestamp,
        to: Timestamp,
        expansion: &Expansion,
    ) -> Vec<(Timestamp, Timestamp, FbType)> {
        let mut timeline = Timeline::new(from, to);
        let window = Expansion { from, until: to, ..*expansion };
        for block in &self.blocks {
            let start = block.start.unwrap_or(from).max(from);
            let end = block.end.unwrap_or(to).min(to);
            if start >= end {
                continue;
            }
            timeline.paint(start, end, |current| match current {
                Some((kind, rank)) if rank == block.rank && strength(kind) > strength(block.busy_type) => {
                    Some((kind, rank))
                }
                _ => Some((block.busy_type, block.rank)),
            });
            for indexes in block.available.values() {
                let components: Vec<(InstanceId, &ICalendarComponent)> = indexes
                    .iter()
                    .filter_map(|&i| {
                        let sub = self.calendar.components.get(i)?;
                        Some((component::instance_id(sub, &self.zones)?, sub))
                    })
                    .collect();
                for occurrence in expand_components(&components, &self.zones, &window).occurrences {
                    let (a, b) = (occurrence.start.max(start), occurrence.end.min(end));
                    if a < b {
                        timeline.paint(a, b, |_| None);
                    }
                }
            }
        }
        timeline.busy()
    }
}

/// BUSY > BUSY-UNAVAILABLE > BUSY-TENTATIVE (RFC 7953 §4).
fn strength(kind: FbType) -> u8 {
    match kind {
        FbType::Busy => 3,
        FbType::BusyUnavailable => 2,
        FbType::BusyTentative => 1,
        FbType::Free => 0,
    }
}

fn busy_type(component: &ICalendarComponent) -> FbType {
    match component.property(&ICalendarProperty::Busytype).and_then(|e| e.values.first()) {
        Some(ICalendarValue::BusyType(ICalendarFreeBusyType::Busy)) => FbType::Busy,
        Some(ICalendarValue::BusyType(ICalendarFreeBusyType::BusyTentative)) => FbType::BusyTentative,
        Some(ICalendarValue::Text(text)) => match FbType::parse(text) {
            Some(FbType::Free) | None => FbType::BusyUnavailable,
            Some(kind) => kind,
        },
        _ => FbType::BusyUnavailable,
    }
}

fn rank(component: &ICalendarComponent) -> u8 {
    let priority = component
        .property(&ICalendarProperty::Priority)
        .and_then(|e| e.values.first())
        .and_then(|v| match v {
            ICalendarValue::Integer(i) => Some(*i),
            _ => None,
        })
        .unwrap_or(0);
    match priority {
        1..=9 => 10 - priority as u8,
        _ => 0,
    }
}

/// A piecewise-constant state over `[from, to)`: each segment is busy
/// with a type and the rank that set it, or free.
struct Timeline {
    end: Timestamp,
    segments: Vec<(Timestamp, Option<(FbType, u8)>)>,
}

impl Timeline {
    fn new(from: Timestamp, to: Timestamp) -> Timeline {
        Timeline { end: to, segments: vec![(from, None)] }
    }

    /// Splits so that a segment starts at `at` (within the range).
    fn split(&mut self, at: Timestamp) {
        if at >= self.end || self.segments.first().is_some_and(|s| at <= s.0) {
            return;
        }
        let index = self.segments.partition_point(|s| s.0 <= at);
        if self.segments[index - 1].0 != at {
            let state = self.segments[index - 1].1;
            self.segments.insert(index, (at, state));
        }
    }

    fn paint(
        &mut self,
        from: Timestamp,
        to: Timestamp,
        new: impl Fn(Option<(FbType, u8)>) -> Option<(FbType, u8)>,
    ) {
        self.split(from);
        self.split(to);
        for segment in &mut self.segments {
            if segment.0 >= from && segment.0 < to {
                segment.1 = new(segment.1);
            }
        }
    }

    fn busy(&self) -> Vec<(Timestamp, Timestamp, FbType)> {
        let mut out: Vec<(Timestamp, Timestamp, FbType)> = Vec::new();
        for (i, (start, state)) in self.segments.iter().enumerate() {
            let end = self.segments.get(i + 1).map(|s| s.0).unwrap_or(self.end);
            let Some((kind, _)) = state else { continue };
            match out.last_mut() {
                Some(last) if last.1 == *start && last.2 == *kind => last.1 = end,
                _ => out.push((*start, end, *kind)),
            }
        }
        out
    }
}
