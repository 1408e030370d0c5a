//! Recurrence expansion for free/busy (RFC 5545 §3.8.5, §3.3.10).
//!
//! An object's occurrences are its master's recurrence set (DTSTART,
//! RRULE, RDATE, minus EXDATE) with overridden instances replaced by
//! their override (RFC 5545 §3.8.4.4). RRULEs are expanded with the
//! `rrule` crate in the event's own time zone, so DST gaps and overlaps
//! follow RFC 5545 §3.3.5 (a local time in a gap moves forward by the
//! gap; in an overlap it is the first occurrence). Floating and DATE
//! values are read in the principal's time zone ([`Expansion::zone`]).
//!
//! Expansion is bounded three ways, so no rule can make it run away:
//! RRULE occurrences are generated only up to [`Expansion::until`] (the
//! principal's horizon); at most [`Expansion::max_occurrences`] are kept;
//! and at most [`Expansion::max_scan`] candidate dates are examined.
//! [`Expanded::complete`] says whether the whole series was covered; an
//! incomplete object is expanded again when the horizon moves
//! ([`crate::drive::extend_horizon`]).
//!
//! Identity: an occurrence's RECURRENCE-ID is its *key*, the UTC reading
//! the engine uses everywhere else ([`crate::InstanceId`]): for floating
//! and DATE values that is the wall-clock time read as UTC. Its busy time
//! is the *real* instant in the principal's zone. EXDATEs and overrides
//! are matched by key.

use super::simple_rule;
use crate::Timestamp;
use crate::model::component::instant_of;
use crate::model::{InstanceId, SchedulingObject};
use calcard::common::PartialDateTime;
use calcard::icalendar::{
    ICalendarComponent, ICalendarDuration, ICalendarPeriod, ICalendarProperty, ICalendarValue,
};
use chrono::{DateTime, Days, LocalResult, NaiveDateTime, TimeZone};
use std::collections::BTreeSet;
use std::str::FromStr;

/// How far and how much to expand, for one principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expansion {
    /// The principal's time zone: floating and all-day values are read in
    /// it (RFC 5545 §3.3.5 form #1, §3.3.4).
    pub zone: chrono_tz::Tz,
    /// RRULE occurrences ending at or before this instant are skipped.
    pub from: Timestamp,
    /// RRULE occurrences starting at or after this instant are not
    /// generated (the horizon).
    pub until: Timestamp,
    /// At most this many occurrences per object.
    pub max_occurrences: usize,
    /// At most this many RRULE dates are examined per object.
    pub max_scan: usize,
}

/// One occurrence of an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence<'a> {
    /// The real start.
    pub start: Timestamp,
    /// The real end (never before `start`).
    pub end: Timestamp,
    /// Its RECURRENCE-ID key; `None` for a non-recurring master.
    pub recurrence_id: Option<Timestamp>,
    /// The component describing it: the master, or the override.
    pub component: &'a ICalendarComponent,
}

/// The occurrences of an object, sorted by start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded<'a> {
    /// The occurrences.
    pub occurrences: Vec<Occurrence<'a>>,
    /// False when the RRULE runs past the horizon or a bound cut it, so
    /// a later, larger horizon may add occurrences.
    pub complete: bool,
}

/// What was read from each component of an expansion, by component: the
/// occurrences of a series share its master, so whatever a caller derives
/// from an occurrence's component (the principal's participation, its
/// summary) is derived once per component, not once per occurrence.
pub(crate) struct PerComponent<'a, T> {
    read: Vec<(&'a ICalendarComponent, T)>,
}

impl<'a, T> PerComponent<'a, T> {
    /// Nothing read yet.
    pub(crate) fn new() -> Self {
        PerComponent { read: Vec::new() }
    }

    /// What `derive` gives for `component`, derived on first use.
    pub(crate) fn get(&mut self, component: &'a ICalendarComponent, derive: impl FnOnce() -> T) -> &T {
        let index = match self.read.iter().position(|(c, _)| std::ptr::eq(*c, component)) {
            Some(index) => index,
            None => {
                self.read.push((component, derive()));
                self.read.len() - 1
            }
        };
        &self.read[index].1
    }
}

/// Expands an object's occurrences (RFC 5545 §3.8.5).
pub fn expand<'a>(object: &'a SchedulingObject, options: &Expansion) -> Expanded<'a> {
    expand_components(&object.instances().collect::<Vec<_>>(), object.zones(), options)
}

/// Whether `object` has an instance whose RECURRENCE-ID is `at` (RFC 5545
/// §3.8.4.4): an override of it, or one of the series' own occurrences
/// (RRULE and RDATE, less EXDATE). Read in UTC, where a floating or
/// all-day key is its own wall clock, so the answer does not depend on
/// anyone's zone.
pub(crate) fn occurs_at(object: &SchedulingObject, at: Timestamp) -> bool {
    if object.component(InstanceId::occurrence(at)).is_some() {
        return true;
    }
    let near = Expansion {
        zone: chrono_tz::UTC,
        from: at,
        until: Timestamp::from_seconds(at.seconds().saturating_add(1)),
        max_occurrences: 16,
        max_scan: 100_000,
    };
    expand(object, &near).occurrences.iter().any(|o| o.recurrence_id == Some(at))
}

/// Expands one recurrence set given as its components by instance (a
/// master and its overrides; for example the AVAILABLE components of
/// one UID in a VAVAILABILITY, RFC 7953 §3.1).
pub(crate) fn expand_components<'a>(
    components: &[(InstanceId, &'a ICalendarComponent)],
    zones: &crate::model::Zones,
    options: &Expansion,
) -> Expanded<'a> {
    let mut occurrences = Vec::new();
    let mut complete = true;
    // RANGE=THISANDFUTURE overrides (RFC 5545 §3.8.4.4), by key: each
    // also describes the later instances of the master's set.
    let futures: Vec<(Timestamp, &'a ICalendarComponent, Span)> = components
        .iter()
        .filter_map(|&(id, component)| match id {
            InstanceId::Occurrence { start, this_and_future: true } => {
                Some((start, component, Span::of(component, zones, options.zone)?))
            }
            _ => None,
        })
        .collect();
    let overridden: BTreeSet<Timestamp> = components
        .iter()
        .filter_map(|(id, _)| match id {
            InstanceId::Occurrence { start, .. } => Some(*start),
            InstanceId::Master => None,
        })
        .collect();
    for &(id, component) in components {
        match id {
            InstanceId::Occurrence { start: key, .. } => {
                if let Some(span) = Span::of(component, zones, options.zone) {
                    let (start, end) = span.at(span.start_key);
                    occurrences.push(Occurrence { start, end, recurrence_id: Some(key), component });
                }
            }
            InstanceId::Master => {
                let Some(span) = Span::of(component, zones, options.zone) else { continue };
                if !is_recurring(component) {
                    let (start, end) = span.at(span.start_key);
                    occurrences.push(Occurrence { start, end, recurrence_id: None, component });
                    continue;
                }
                // The keys taken so far, sorted: a rule's come in order, so
                // each is found at the end.
                let excluded = Exclusions::of(component, zones);
                let rdate_list = rdates(component, zones, &span);
                let rule = rule_keys(component, zones, &span, options);
                let expected = 1 + rdate_list.len() + rule.as_ref().map_or(0, |(keys, _)| keys.len());
                let mut keys: Vec<Timestamp> = Vec::with_capacity(expected);
                occurrences.reserve(expected);
                let period_ends: std::collections::BTreeMap<Timestamp, Timestamp> =
                    rdate_list.iter().filter_map(|(key, end)| Some((*key, (*end)?))).collect();
                // Each instance's own start and end: its RDATE period's, or
                // the master's length.
                let natural = |key: Timestamp| {
                    let (start, end) = span.at(key);
                    (start, period_ends.get(&key).copied().unwrap_or(end).max(start))
                };
                let mut add = |key: Timestamp,
                               end: Option<Timestamp>,
                               occurrences: &mut Vec<Occurrence<'a>>| {
                    if overridden.contains(&key) || excluded.contains(key) {
                        return;
                    }
                    let at = match keys.last() {
                        Some(last) if *last < key => keys.len(),
                        _ => match keys.binary_search(&key) {
                            Ok(_) => return,
                            Err(at) => at,
                        },
                    };
                    keys.insert(at, key);
                    // The latest THISANDFUTURE override before this
                    // instance describes it, shifted as it was.
                    let future =
                        futures.iter().filter(|(from, _, _)| *from < key).max_by_key(|(from, _, _)| *from);
                    if let Some((from, described, moved)) = future {
                        let (start, end) = span.shifted(natural(*from), natural(key), moved);
                        occurrences.push(Occurrence {
                            start,
                            end,
                            recurrence_id: Some(key),
                            component: described,
                        });
                        return;
                    }
                    let (start, natural_end) = span.at(key);
                    let end = end.unwrap_or(natural_end).max(start);
                    occurrences.push(Occurrence { start, end, recurrence_id: Some(key), component });
                };
                add(span.start_key, None, &mut occurrences);
                for (key, end) in rdate_list.iter().copied() {
                    add(key, end, &mut occurrences);
                }
                if let Some((rule, rule_complete)) = rule {
                    complete &= rule_complete;
                    for key in rule {
                        add(key, None, &mut occurrences);
                    }
                }
            }
        }
    }
    occurrences.sort_by_key(|o| (o.start, o.end, o.recurrence_id));
    if occurrences.len() > options.max_occurrences {
        occurrences.truncate(options.max_occurrences);
        complete = false;
    }
    Expanded { occurrences, complete }
}

/// Whether a component has an RRULE or RDATE.
fn is_recurring(component: &ICalendarComponent) -> bool {
    component.property(&ICalendarProperty::Rrule).is_some()
        || component.property(&ICalendarProperty::Rdate).is_some()
}

/// How a component's times map from keys to real instants.
#[derive(Debug, Clone, Copy)]
enum Basis {
    /// UTC, a named zone, or a fixed offset: the key is the instant.
    Exact,
    /// Floating DATE-TIME: the wall clock in the principal's zone.
    Floating(chrono_tz::Tz),
    /// DATE: whole days in the principal's zone.
    AllDay(chrono_tz::Tz),
}

/// The zone a zoned DTSTART's RRULE is expanded in: an IANA zone, or a
/// custom VTIMEZONE's own rules (RFC 5545 §3.6.5).
#[derive(Debug, Clone)]
enum RuleZone {
    Named(chrono_tz::Tz),
    Rules(crate::model::RuleZone),
}

impl RuleZone {
    /// The wall-clock reading of an instant.
    fn local(&self, at: Timestamp) -> Option<NaiveDateTime> {
        match self {
            RuleZone::Named(zone) => zone.timestamp_opt(at.seconds(), 0).single().map(|d| d.naive_local()),
            RuleZone::Rules(zone) => zone.timestamp_opt(at.seconds(), 0).single().map(|d| d.naive_local()),
        }
    }

    /// The instant of a wall-clock reading (RFC 5545 §3.3.5 in gaps and
    /// overlaps).
    fn instant(&self, local: NaiveDateTime) -> Timestamp {
        match self {
            RuleZone::Named(zone) => local_to_instant(*zone, local),
            RuleZone::Rules(zone) => crate::time::local_instant(zone, local),
        }
    }
}

/// A component's start and length, and how to place it in time.
#[derive(Debug, Clone)]
struct Span {
    basis: Basis,
    /// The zone RRULEs are expanded in (`None`: key space is UTC).
    rule_zone: Option<RuleZone>,
    start_key: Timestamp,
    length: Length,
}

/// An occurrence's length (RFC 5545 §3.6.1, §3.3.6).
#[derive(Debug, Clone, Copy)]
enum Length {
    /// Exact seconds (a DURATION's time part).
    Exact(i64),
    /// DTEND − DTSTART in key space: exact for zoned times, wall-clock
    /// for floating ones (the end is DTEND's own local reading).
    WallClock(i64),
    /// Nominal days (then exact seconds), as `P1D` or an all-day span.
    Nominal { days: u64, seconds: i64 },
}

impl Span {
    fn of(component: &ICalendarComponent, zones: &crate::model::Zones, zone: chrono_tz::Tz) -> Option<Span> {
        let entry = component.property(&ICalendarProperty::Dtstart)?;
        let value = entry.values.first()?.as_partial_date_time()?;
        let start_key = instant_of(value, entry.tz_id(), zones)?;
        let resolved = entry.tz_id().and_then(|id| zones.resolve(id)).filter(|tz| !tz.is_floating());
        let (basis, rule_zone) = if !value.has_time() {
            (Basis::AllDay(zone), None)
        } else if value.tz_hour.is_some() {
            (Basis::Exact, None)
        } else {
            let rules = entry.tz_id().and_then(|id| zones.rules(id));
            match (resolved, rules) {
                (Some(calcard::common::timezone::Tz::Tz(named)), _) => {
                    (Basis::Exact, Some(RuleZone::Named(named)))
                }
                (Some(_), _) => (Basis::Exact, None),
                (None, Some(rules)) => (Basis::Exact, Some(RuleZone::Rules(rules.clone()))),
                (None, None) => (Basis::Floating(zone), None),
            }
        };
        let length = length_of(component, zones, start_key, matches!(basis, Basis::AllDay(_)));
        Some(Span { basis, rule_zone, start_key, length })
    }

    /// The real start and end of the occurrence with this key.
    fn at(&self, key: Timestamp) -> (Timestamp, Timestamp) {
        let start = self.real(key);
        let end = match self.length {
            Length::Exact(seconds) => Timestamp::from_seconds(start.seconds().saturating_add(seconds)),
            Length::WallClock(seconds) => {
                self.real(Timestamp::from_seconds(key.seconds().saturating_add(seconds)))
            }
            Length::Nominal { days, seconds } => {
                let shifted = match (self.basis, &self.rule_zone) {
                    (Basis::Exact, Some(zone)) => zone
                        .local(key)
                        .and_then(|l| l.checked_add_days(Days::new(days)))
                        .map(|l| zone.instant(l))
                        .unwrap_or(start),
                    (Basis::Exact, None) => {
                        Timestamp::from_seconds(start.seconds().saturating_add(days as i64 * 86_400))
                    }
                    _ => {
                        self.real(Timestamp::from_seconds(key.seconds().saturating_add(days as i64 * 86_400)))
                    }
                };
                Timestamp::from_seconds(shifted.seconds().saturating_add(seconds))
            }
        };
        (start, end.max(start))
    }

    /// The real start and end of an instance whose own times are
    /// `this`, when a RANGE=THISANDFUTURE override of an earlier instance
    /// (whose own times were `original`; the override's span is `moved`)
    /// rescheduled its range: "all subsequent instances are also
    /// rescheduled by the same time difference", and take its duration
    /// when it changed it (RFC 5545 §3.8.4.4). The difference is read on
    /// the series' own clock: the wall clock of a zoned or floating
    /// series, so that a meeting moved from 10:00 to 14:00 stays at 14:00
    /// across a DST change.
    fn shifted(
        &self,
        original: (Timestamp, Timestamp),
        this: (Timestamp, Timestamp),
        moved: &Span,
    ) -> (Timestamp, Timestamp) {
        let (new_start, new_end) = moved.at(moved.start_key);
        let exact = |at: Timestamp| {
            Timestamp::from_seconds(at.seconds() + new_start.seconds() - original.0.seconds())
        };
        let zone = match (&self.basis, &self.rule_zone) {
            (Basis::Exact, Some(zone)) => Some(zone.clone()),
            (Basis::Exact, None) => None,
            (Basis::Floating(zone) | Basis::AllDay(zone), _) => Some(RuleZone::Named(*zone)),
        };
        let start = match zone {
            Some(zone) => match (zone.local(original.0), zone.local(new_start), zone.local(this.0)) {
                (Some(before), Some(after), Some(wall)) => zone.instant(wall + (after - before)),
                _ => exact(this.0),
            },
            None => exact(this.0),
        };
        let moved_length = new_end.seconds() - new_start.seconds();
        let length = if moved_length != original.1.seconds() - original.0.seconds() {
            moved_length
        } else {
            this.1.seconds() - this.0.seconds()
        };
        (start, Timestamp::from_seconds(start.seconds() + length.max(0)))
    }

    /// The real instant of a key.
    fn real(&self, key: Timestamp) -> Timestamp {
        match self.basis {
            Basis::Exact => key,
            Basis::Floating(zone) | Basis::AllDay(zone) => match naive(key) {
                Some(local) => local_to_instant(zone, local),
                None => key,
            },
        }
    }
}

/// A key's wall-clock reading (keys of floating values are UTC readings).
fn naive(key: Timestamp) -> Option<NaiveDateTime> {
    DateTime::from_timestamp(key.seconds(), 0).map(|d| d.naive_utc())
}

/// A local time in a zone, as RFC 5545 §3.3.5 reads it: in a gap, moved
/// forward by the gap; in an overlap, the first occurrence.
fn local_to_instant(zone: chrono_tz::Tz, local: NaiveDateTime) -> Timestamp {
    crate::time::local_instant(&zone, local)
}

fn length_of(
    component: &ICalendarComponent,
    zones: &crate::model::Zones,
    start_key: Timestamp,
    all_day: bool,
) -> Length {
    if let Some(end) = component.property(&ICalendarProperty::Dtend).and_then(|e| {
        let value = e.values.first()?.as_partial_date_time()?;
        instant_of(value, e.tz_id(), zones)
    }) {
        let seconds = (end.seconds() - start_key.seconds()).max(0);
        return if all_day {
            Length::Nominal { days: (seconds / 86_400) as u64, seconds: 0 }
        } else {
            Length::WallClock(seconds)
        };
    }
    let duration = component.property(&ICalendarProperty::Duration).and_then(|e| e.values.first());
    if let Some(ICalendarValue::Duration(duration)) = duration {
        return duration_length(duration);
    }
    if all_day { Length::Nominal { days: 1, seconds: 0 } } else { Length::Exact(0) }
}

/// A DURATION: days and weeks are nominal, the rest exact (RFC 5545
/// §3.3.6). Negative durations count as zero.
fn duration_length(duration: &ICalendarDuration) -> Length {
    if duration.neg {
        return Length::Exact(0);
    }
    let days = u64::from(duration.weeks) * 7 + u64::from(duration.days);
    let seconds =
        i64::from(duration.hours) * 3600 + i64::from(duration.minutes) * 60 + i64::from(duration.seconds);
    if days == 0 { Length::Exact(seconds) } else { Length::Nominal { days, seconds } }
}

/// EXDATE keys; a DATE EXDATE excludes every occurrence on that day.
struct Exclusions {
    keys: BTreeSet<Timestamp>,
    days: BTreeSet<i64>,
}

impl Exclusions {
    fn of(component: &ICalendarComponent, zones: &crate::model::Zones) -> Exclusions {
        let mut keys = BTreeSet::new();
        let mut days = BTreeSet::new();
        for entry in component.properties(&ICalendarProperty::Exdate) {
            for value in &entry.values {
                let Some(value) = value.as_partial_date_time() else { continue };
                let Some(key) = instant_of(value, entry.tz_id(), zones) else { continue };
                if value.has_time() {
                    keys.insert(key);
                } else {
                    days.insert(key.seconds().div_euclid(86_400));
                }
            }
        }
        Exclusions { keys, days }
    }

    fn contains(&self, key: Timestamp) -> bool {
        self.keys.contains(&key) || self.days.contains(&key.seconds().div_euclid(86_400))
    }
}

/// RDATE keys, with the real end of PERIOD values (RFC 5545 §3.8.5.2).
fn rdates(
    component: &ICalendarComponent,
    zones: &crate::model::Zones,
    span: &Span,
) -> Vec<(Timestamp, Option<Timestamp>)> {
    let mut found = Vec::new();
    for entry in component.properties(&ICalendarProperty::Rdate) {
        let tz = entry.tz_id();
        for value in &entry.values {
            match value {
                ICalendarValue::PartialDateTime(dt) => {
                    if let Some(key) = instant_of(dt, tz, zones) {
                        found.push((key, None));
                    }
                }
                ICalendarValue::Period(ICalendarPeriod::Range { start, end }) => {
                    if let (Some(key), Some(end)) = (instant_of(start, tz, zones), instant_of(end, tz, zones))
                    {
                        let real_end = span.real(end).max(span.real(key));
                        found.push((
                            key,
                            Some(if matches!(span.basis, Basis::Exact) { end } else { real_end }),
                        ));
                    }
                }
                ICalendarValue::Period(ICalendarPeriod::Duration { start, duration }) => {
                    if let Some(key) = instant_of(start, tz, zones) {
                        let with_length = Span { length: duration_length(duration), ..span.clone() };
                        found.push((key, Some(with_length.at(key).1)));
                    }
                }
                _ => {}
            }
        }
    }
    found
}

/// The RRULE's occurrence keys within the expansion window, and whether
/// the rule was covered to its end. `None` when there is no usable RRULE
/// (absent, RSCALE or SKIP, or rejected by the rrule crate): the master's
/// DTSTART and RDATEs then stand alone.
fn rule_keys(
    component: &ICalendarComponent,
    zones: &crate::model::Zones,
    span: &Span,
    options: &Expansion,
) -> Option<(Vec<Timestamp>, bool)> {
    let entry = component.property(&ICalendarProperty::Rrule)?;
    let ICalendarValue::RecurrenceRule(rule) = entry.values.first()? else { return None };
    if rule.rscale.is_some() || rule.skip.is_some() {
        return None;
    }
    let dtstart_tz = component.property(&ICalendarProperty::Dtstart).and_then(|e| e.tz_id());
    let until_key = rule.until.as_ref().and_then(|until| until_key(until, dtstart_tz, zones));
    let local_start = match &span.rule_zone {
        Some(zone) => zone.local(span.start_key)?,
        None => naive(span.start_key)?,
    };
    // The instant of a wall-clock start: by the rule's zone (a custom
    // VTIMEZONE's own rules included), or read as UTC.
    let key_of = |local: NaiveDateTime| match &span.rule_zone {
        Some(zone) => zone.instant(local),
        None => Timestamp::from_seconds(local.and_utc().timestamp()),
    };
    let starts: Box<dyn Iterator<Item = Timestamp>> = match simple_rule::occurrences(rule, local_start) {
        Some(starts) => Box::new(starts.map(key_of)),
        None => Box::new(crate_rule_keys(rule, span, local_start)?),
    };
    // A counted rule says how many it gives (bounded: COUNT is input).
    let mut keys =
        Vec::with_capacity(rule.count.map_or(0, |n| (n as usize).min(options.max_scan).min(1_024)));
    let mut complete = true;
    for (scanned, key) in starts.enumerate() {
        if scanned >= options.max_scan {
            complete = false;
            break;
        }
        if until_key.is_some_and(|until| key > until) {
            break;
        }
        let (start, end) = span.at(key);
        if start >= options.until {
            complete = false;
            break;
        }
        if end <= options.from && start < options.from {
            continue;
        }
        keys.push(key);
        if keys.len() > options.max_occurrences {
            complete = false;
            break;
        }
    }
    Some((keys, complete))
}

/// The RRULE's occurrence keys by the `rrule` crate (every rule
/// [`simple_rule`] does not take), without UNTIL (the caller applies it).
fn crate_rule_keys(
    rule: &calcard::icalendar::ICalendarRecurrenceRule,
    span: &Span,
    local_start: NaiveDateTime,
) -> Option<impl Iterator<Item = Timestamp>> {
    let mut bare = rule.clone();
    bare.until = None;
    let parsed = rrule::RRule::<rrule::Unvalidated>::from_str(&bare.to_string()).ok()?;
    // A custom zone's rule is expanded on the wall clock (read as UTC),
    // and each reading placed by the zone's own rules.
    let zone: rrule::Tz = match &span.rule_zone {
        Some(RuleZone::Named(named)) => (*named).into(),
        Some(RuleZone::Rules(_)) | None => rrule::Tz::UTC,
    };
    let dtstart = match zone.from_local_datetime(&local_start) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at,
        LocalResult::None => return None,
    };
    let set = parsed.build(dtstart).ok()?;
    let custom = match &span.rule_zone {
        Some(custom @ RuleZone::Rules(_)) => Some(custom.clone()),
        _ => None,
    };
    Some(set.into_iter().map(move |date| match &custom {
        Some(custom) => custom.instant(date.naive_utc()),
        None => Timestamp::from_seconds(date.timestamp()),
    }))
}

/// UNTIL as a key (RFC 5545 §3.3.10): a UTC value is exact; a DATE means
/// the end of that day; a local value is read like DTSTART.
fn until_key(
    until: &PartialDateTime,
    dtstart_tz: Option<&str>,
    zones: &crate::model::Zones,
) -> Option<Timestamp> {
    let tz = if until.tz_hour.is_some() { None } else { dtstart_tz };
    let key = instant_of(until, tz, zones)?;
    Some(if until.has_time() { key } else { Timestamp::from_seconds(key.seconds() + 86_399) })
}
