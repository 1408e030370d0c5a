//! One scheduling object: every component sharing a UID (RFC 5546 §2.1.5),
//! validated and indexed by instance.

use super::component::{self, instance_id};
use super::{ComponentKind, InstanceId, Method, Participant};
use crate::{Timestamp, Violation};
use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarParameter,
    ICalendarParameterName, ICalendarProperty, ICalendarValue,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The ordering key of a component version: SEQUENCE, then DTSTAMP
/// (RFC 5546 §2.1.5 (2)–(4)). A missing DTSTAMP sorts before any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StampedSequence {
    /// SEQUENCE.
    pub sequence: i64,
    /// DTSTAMP, UTC.
    pub dtstamp: Option<Timestamp>,
}

impl fmt::Display for StampedSequence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.dtstamp {
            Some(at) => write!(f, "SEQUENCE {} at {}", self.sequence, at),
            None => write!(f, "SEQUENCE {}", self.sequence),
        }
    }
}

/// A validated iCalendar object holding one UID of one component type.
///
/// Invariants, checked by [`SchedulingObject::from_calendar`]: the root is
/// a VCALENDAR; it holds one scheduling component type; every component
/// has the same UID; no RECURRENCE-ID repeats; components agree on
/// ORGANIZER (RFC 6638 §3.2.4.2) when they name one.
#[derive(Clone)]
pub struct SchedulingObject {
    /// Shared between clones and copied on the first edit of one: a
    /// record, its effect and the message it came from hold one calendar.
    calendar: std::sync::Arc<ICalendar>,
    kind: ComponentKind,
    method: Option<Method>,
    /// Where METHOD stood among the VCALENDAR's properties, to write it
    /// back in its place.
    method_at: usize,
    /// What is read from the calendar once, shared between clones as the
    /// calendar is: a clone costs two reference counts and no copy.
    index: std::sync::Arc<Index>,
}

/// The UID, the instances by key (to their component's place in the
/// calendar), and the time zones the calendar defines or names.
#[derive(Clone)]
struct Index {
    uid: String,
    instances: BTreeMap<InstanceId, u32>,
    zones: std::sync::Arc<crate::model::Zones>,
}

impl fmt::Debug for SchedulingObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SchedulingObject")
            .field("kind", &self.kind)
            .field("uid", &self.index.uid)
            .field("method", &self.method)
            .field("instances", &self.index.instances.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl SchedulingObject {
    /// Parses iCalendar text. Only the first VCALENDAR is read.
    pub fn parse(text: &str) -> Result<Self, Violation> {
        let calendar = ICalendar::parse(text).map_err(|_| Violation::Unparseable)?;
        Self::from_calendar(calendar)
    }

    /// Validates and indexes a parsed calendar.
    pub fn from_calendar(mut calendar: ICalendar) -> Result<Self, Violation> {
        drop_malformed_names(&mut calendar);
        let root = calendar.components.first().ok_or(Violation::Unparseable)?;
        if root.component_type != ICalendarComponentType::VCalendar {
            return Err(Violation::Unparseable);
        }
        let method = match root.property(&ICalendarProperty::Method).and_then(|e| e.values.first()) {
            None => None,
            Some(ICalendarValue::Method(m)) => Some(Method::from_calcard(m)),
            Some(other) => {
                let token = other.as_text().unwrap_or_default().to_string();
                Some(Method::parse(&token).ok_or(Violation::UnknownMethod(token))?)
            }
        };
        // METHOD lives in `method` alone, and is written back by `to_ics`
        // and `into_calendar`: a message and the copy stored from it
        // (`without_method`) then share one calendar.
        let entries = &mut calendar.components[0].entries;
        let method_at = entries.iter().position(|e| e.name == ICalendarProperty::Method).unwrap_or(0);
        if method.is_some() {
            entries.retain(|e| e.name != ICalendarProperty::Method);
        }
        let root = &calendar.components[0];
        let zones = std::sync::Arc::new(super::vtimezone::resolver(&calendar));
        let mut kind = None;
        let mut uid: Option<String> = None;
        let mut organizer = None;
        let mut instances = BTreeMap::new();
        for &child in &root.component_ids {
            let Some(component) = calendar.components.get(child as usize) else {
                continue;
            };
            let Some(this_kind) = ComponentKind::of(&component.component_type) else {
                continue;
            };
            if *kind.get_or_insert(this_kind) != this_kind {
                return Err(Violation::MixedComponentTypes);
            }
            let this_uid = component::uid(component).ok_or(Violation::MissingUid)?;
            if *uid.get_or_insert_with(|| this_uid.to_string()) != this_uid {
                return Err(Violation::MultipleUids);
            }
            if let Some(this_organizer) = component::organizer(component).map(|p| p.address)
                && *organizer.get_or_insert_with(|| this_organizer.clone()) != this_organizer
            {
                return Err(Violation::MultipleOrganizers);
            }
            let id = instance_id(component, &zones)
                .ok_or_else(|| Violation::DuplicateInstance("unreadable RECURRENCE-ID".into()))?;
            if instances.insert(id, child).is_some() {
                return Err(Violation::DuplicateInstance(id.to_string()));
            }
        }
        let kind = kind.ok_or(Violation::NoComponent)?;
        let uid = uid.ok_or(Violation::MissingUid)?;
        Ok(SchedulingObject {
            calendar: std::sync::Arc::new(calendar),
            kind,
            method,
            method_at,
            index: std::sync::Arc::new(Index { uid, instances, zones }),
        })
    }

    /// Whether the master has an RRULE or RDATE (RFC 5545 §3.8.5).
    pub fn is_recurring(&self) -> bool {
        self.master().is_some_and(|m| {
            m.property(&ICalendarProperty::Rrule).is_some() || m.property(&ICalendarProperty::Rdate).is_some()
        })
    }

    /// A title for people: the SUMMARY (RFC 5545 §3.8.1.12), or the UID.
    pub fn title(&self) -> String {
        self.main_component()
            .property(&ICalendarProperty::Summary)
            .and_then(|e| e.values.first())
            .and_then(|v| v.as_text())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| self.uid().to_string())
    }

    /// When the main component starts and ends (DTEND, else DTSTART plus
    /// DURATION, else its start), in UTC; `None` without a readable
    /// DTSTART.
    pub fn first_span(&self) -> Option<(crate::Timestamp, crate::Timestamp)> {
        let main = self.main_component();
        let zones = self.zones();
        let start =
            main.property(&ICalendarProperty::Dtstart).and_then(|e| super::component::instant(e, zones))?;
        let end = main
            .property(&ICalendarProperty::Dtend)
            .or_else(|| main.property(&ICalendarProperty::Due))
            .and_then(|e| super::component::instant(e, zones))
            .or_else(|| {
                let Some(calcard::icalendar::ICalendarValue::Duration(d)) =
                    main.property(&ICalendarProperty::Duration)?.values.first()
                else {
                    return None;
                };
                let days = i64::from(d.weeks) * 7 + i64::from(d.days);
                let seconds = days * 86_400
                    + i64::from(d.hours) * 3600
                    + i64::from(d.minutes) * 60
                    + i64::from(d.seconds);
                Some(crate::Timestamp::from_seconds(start.seconds().saturating_add(if d.neg {
                    0
                } else {
                    seconds
                })))
            })
            .filter(|end| *end >= start)
            .unwrap_or(start);
        Some((start, end))
    }

    /// The object without imip's own bookkeeping (the `X-IMIP-*`
    /// properties and parameters it keeps in stored copies), as a
    /// calendar program or a person should see it.
    pub fn without_private_data(&self) -> SchedulingObject {
        let mut object = self.clone();
        object.edit_all(|_, c| component::strip_private(c));
        object
    }

    /// The UID shared by every component.
    pub fn uid(&self) -> &str {
        &self.index.uid
    }

    /// The component type.
    pub fn kind(&self) -> ComponentKind {
        self.kind
    }

    /// METHOD, when this is an iTIP message.
    pub fn method(&self) -> Option<Method> {
        self.method
    }

    /// The underlying calendar, without its METHOD property: that is
    /// [`SchedulingObject::method`], and [`SchedulingObject::to_ics`] and
    /// [`SchedulingObject::into_calendar`] write it back.
    pub fn calendar(&self) -> &ICalendar {
        &self.calendar
    }

    /// Gives back the calendar, with METHOD where it stood when this is
    /// a message.
    pub fn into_calendar(self) -> ICalendar {
        let mut calendar = std::sync::Arc::unwrap_or_clone(self.calendar);
        if let Some(method) = self.method {
            let entries = &mut calendar.components[0].entries;
            entries.insert(self.method_at.min(entries.len()), method_entry(method));
        }
        calendar
    }

    /// The time zones the object defines or names.
    pub fn zones(&self) -> &crate::model::Zones {
        &self.index.zones
    }

    /// The instances present, in order: master first, then by start.
    pub fn instance_ids(&self) -> impl Iterator<Item = InstanceId> + '_ {
        self.index.instances.keys().copied()
    }

    /// Each instance with its component.
    pub fn instances(&self) -> impl Iterator<Item = (InstanceId, &ICalendarComponent)> + '_ {
        self.index.instances.iter().map(|(id, idx)| (*id, &self.calendar.components[*idx as usize]))
    }

    /// The component for an instance.
    pub fn component(&self, id: InstanceId) -> Option<&ICalendarComponent> {
        self.index.instances.get(&id).map(|idx| &self.calendar.components[*idx as usize])
    }

    /// The arena index of an instance's component.
    pub fn component_index(&self, id: InstanceId) -> Option<u32> {
        self.index.instances.get(&id).copied()
    }

    /// Mutable access to an instance's component, for edits that leave
    /// its RECURRENCE-ID alone (use [`SchedulingObject::edit`] otherwise).
    pub(crate) fn component_mut(&mut self, id: InstanceId) -> Option<&mut ICalendarComponent> {
        let idx = *self.index.instances.get(&id)?;
        self.calendar_mut().components.get_mut(idx as usize)
    }

    /// The master component, if present.
    pub fn master(&self) -> Option<&ICalendarComponent> {
        self.component(InstanceId::Master)
    }

    /// The first component: the master, or the earliest override when the
    /// object has no master (Outlook sends those for single instances).
    pub fn main_component(&self) -> &ICalendarComponent {
        let idx = self.index.instances.values().next().copied().unwrap_or_default();
        &self.calendar.components[idx as usize]
    }

    /// The ORGANIZER, from the first component that names one.
    pub fn organizer(&self) -> Option<Participant> {
        self.instances().find_map(|(_, c)| component::organizer(c))
    }

    /// The ORGANIZER's address alone: what [`SchedulingObject::organizer`]
    /// gives as `address`, without reading the rest of the property.
    pub fn organizer_address(&self) -> Option<crate::CalAddress> {
        self.instances().find_map(|(_, c)| {
            c.property(&ICalendarProperty::Organizer).and_then(super::participant::entry_address)
        })
    }

    /// Whether `address` is the ORGANIZER, compared without building an
    /// address ([`crate::CalAddress::matches`]).
    pub fn is_organized_by(&self, address: &crate::CalAddress) -> bool {
        self.organizer_matches(address).unwrap_or(false)
    }

    /// Whether the ORGANIZER [`SchedulingObject::organizer`] reads is
    /// `address`: `None` when there is none, as `organizer()` gives.
    pub(crate) fn organizer_matches(&self, address: &crate::CalAddress) -> Option<bool> {
        self.instances().find_map(|(_, c)| {
            c.property(&ICalendarProperty::Organizer).and_then(|entry| {
                // The usual answer first: the same plain address.
                if super::participant::entry_is(entry, address) {
                    Some(true)
                } else {
                    super::participant::entry_matches(entry, address)
                }
            })
        })
    }

    /// An ATTENDEE of the main component (the master, else the first
    /// instance), by address.
    pub fn attendee(&self, address: &crate::CalAddress) -> Option<Participant> {
        component::attendee(self.main_component(), address)
    }

    /// An ATTENDEE of one instance, by address.
    pub fn attendee_of(&self, id: InstanceId, address: &crate::CalAddress) -> Option<Participant> {
        component::attendee(self.component(id)?, address)
    }

    /// Whether one instance is cancelled (STATUS:CANCELLED).
    pub fn is_instance_cancelled(&self, id: InstanceId) -> bool {
        self.component(id).is_some_and(component::is_cancelled)
    }

    /// SEQUENCE and DTSTAMP of one instance.
    pub fn stamp(&self, id: InstanceId) -> Option<StampedSequence> {
        self.component(id)
            .map(|c| StampedSequence { sequence: component::sequence(c), dtstamp: component::dtstamp(c) })
    }

    /// The highest SEQUENCE of any component.
    pub fn max_sequence(&self) -> i64 {
        self.instances().map(|(_, c)| component::sequence(c)).max().unwrap_or(0)
    }

    /// Every address listed as ATTENDEE in any instance.
    pub fn attendee_addresses(&self) -> BTreeSet<crate::CalAddress> {
        // Each line's address as `Participant::from_entry` reads it, alone.
        self.instances()
            .flat_map(|(_, c)| c.properties(&ICalendarProperty::Attendee))
            .filter_map(super::participant::entry_address)
            .collect()
    }

    /// Whether `address` is listed as ATTENDEE in any instance: the same
    /// answer as `attendee_addresses().contains(address)`, reading only
    /// the line that names it.
    pub fn has_attendee(&self, address: &crate::CalAddress) -> bool {
        self.instances().any(|(_, c)| component::lists_attendee(c, address))
    }

    /// Whether every instance present is cancelled (STATUS:CANCELLED).
    pub fn is_cancelled(&self) -> bool {
        self.component(InstanceId::Master)
            .map(component::is_cancelled)
            .unwrap_or_else(|| self.instances().all(|(_, c)| component::is_cancelled(c)))
    }

    /// Removes METHOD, turning a message into a stored object. The
    /// calendar is not copied: it never holds METHOD.
    pub fn without_method(mut self) -> Self {
        self.method = None;
        self
    }

    /// Copies component `index` of `source` (with its sub-components, such
    /// as VALARMs) into this object, replacing the instance it describes,
    /// and copies any VTIMEZONE it needs. Returns the instance id.
    pub fn put_component_from(&mut self, source: &SchedulingObject, id: InstanceId) -> Option<InstanceId> {
        let index = source.component_index(id)?;
        self.remove_instance(id);
        let calendar = self.calendar_mut();
        let new_index = copy_component(&source.calendar, index, calendar);
        calendar.components[0].component_ids.push(new_index);
        copy_missing_timezones(&source.calendar, calendar);
        std::sync::Arc::make_mut(&mut self.index).instances.insert(id, new_index);
        self.refresh_zones();
        Some(id)
    }

    /// Adds a detached component (built elsewhere) as instance `id`,
    /// replacing any component already there. It stays keyed `id` until
    /// [`SchedulingObject::rekey`].
    pub fn put_component(&mut self, id: InstanceId, component: ICalendarComponent) {
        self.remove_instance(id);
        let calendar = self.calendar_mut();
        let new_index = calendar.components.len() as u32;
        calendar.components.push(component);
        calendar.components[0].component_ids.push(new_index);
        std::sync::Arc::make_mut(&mut self.index).instances.insert(id, new_index);
    }

    /// Edits one instance's component, and keeps the index right: an
    /// edit of its RECURRENCE-ID keys it anew. Returns whether the
    /// instance exists.
    pub fn edit(&mut self, id: InstanceId, edit: impl FnOnce(&mut ICalendarComponent)) -> bool {
        let Some(index) = self.index.instances.get(&id).copied() else { return false };
        edit(&mut self.calendar_mut().components[index as usize]);
        let key = instance_id(&self.calendar.components[index as usize], &self.index.zones).unwrap_or(id);
        if key != id {
            self.reindex();
        }
        true
    }

    /// Removes an instance's component (and its sub-components).
    pub fn remove_instance(&mut self, id: InstanceId) -> bool {
        let Some(index) = self.index.instances.get(&id).copied() else {
            return false;
        };
        self.calendar_mut().remove_component_ids(&[index]);
        self.reindex();
        true
    }

    /// Keeps only the instances for which `keep` is true.
    pub fn retain_instances(&mut self, mut keep: impl FnMut(InstanceId, &ICalendarComponent) -> bool) {
        let drop: Vec<u32> = self
            .instances()
            .filter(|(id, c)| !keep(*id, c))
            .filter_map(|(id, _)| self.index.instances.get(&id).copied())
            .collect();
        if !drop.is_empty() {
            self.calendar_mut().remove_component_ids(&drop);
            self.reindex();
        }
    }

    /// Applies `edit` to every instance's component.
    pub fn edit_all(&mut self, mut edit: impl FnMut(InstanceId, &mut ICalendarComponent)) {
        let calendar = std::sync::Arc::make_mut(&mut self.calendar);
        for (id, idx) in self.index.instances.iter() {
            edit(*id, &mut calendar.components[*idx as usize]);
        }
    }

    /// Gives instance `id` the VALARMs `source` has on it, in place of its
    /// own (an attendee's alarms survive the organizer's update). Only
    /// sub-components change, so the index stays right.
    pub(crate) fn keep_alarms_from(&mut self, source: &SchedulingObject, id: InstanceId) {
        let is_alarm = |calendar: &ICalendar, i: u32| {
            calendar
                .components
                .get(i as usize)
                .is_some_and(|c| c.component_type == ICalendarComponentType::VAlarm)
        };
        let (Some(old), Some(new)) = (source.component_index(id), self.component_index(id)) else { return };
        let alarms: Vec<u32> = source.calendar.components[old as usize]
            .component_ids
            .iter()
            .copied()
            .filter(|&i| is_alarm(&source.calendar, i))
            .collect();
        if alarms.is_empty() {
            return;
        }
        let calendar = self.calendar_mut();
        let kept: Vec<u32> = calendar.components[new as usize]
            .component_ids
            .iter()
            .copied()
            .filter(|&i| !is_alarm(calendar, i))
            .collect();
        calendar.components[new as usize].component_ids = kept;
        for alarm in alarms {
            let copy = copy_component(&source.calendar, alarm, calendar);
            calendar.components[new as usize].component_ids.push(copy);
        }
    }

    /// After a series of edits, keys every instance by what its
    /// RECURRENCE-ID now says and resolves the object's zones again, as
    /// [`SchedulingObject::from_calendar`] would, without taking the
    /// object apart: the one way to bring the index up to date after
    /// [`SchedulingObject::put_component`] or a raw edit.
    pub fn rekey(&mut self) {
        self.refresh_zones();
        self.reindex();
    }

    /// The calendar, to edit: copied first if another clone shares it.
    fn calendar_mut(&mut self) -> &mut ICalendar {
        std::sync::Arc::make_mut(&mut self.calendar)
    }

    fn reindex(&mut self) {
        let zones = self.index.zones.clone();
        let instances = self.calendar.components[0]
            .component_ids
            .iter()
            .filter_map(|&i| {
                let c = self.calendar.components.get(i as usize)?;
                ComponentKind::of(&c.component_type)?;
                Some((instance_id(c, &zones)?, i))
            })
            .collect();
        self.index = std::sync::Arc::new(Index { uid: self.index.uid.clone(), instances, zones });
    }

    fn refresh_zones(&mut self) {
        let zones = std::sync::Arc::new(super::vtimezone::resolver(&self.calendar));
        std::sync::Arc::make_mut(&mut self.index).zones = zones;
    }

    /// Copies the VTIMEZONEs this object now references from `other`.
    pub fn put_timezones_from(&mut self, other: &SchedulingObject) {
        copy_missing_timezones(&other.calendar, self.calendar_mut());
        self.reindex();
        self.refresh_zones();
    }

    /// The iCalendar text (CRLF, folded at 75 octets: RFC 5545 §3.1).
    /// A message's METHOD is written where it stood.
    pub fn to_ics(&self) -> String {
        let mut text = self.calendar.to_string();
        if let Some(method) = self.method {
            // Past BEGIN:VCALENDAR and `method_at` properties, each a line
            // and its folded continuations (which start with a space).
            let mut at = text.find("\r\n").map_or(0, |i| i + 2);
            let mut before = self.method_at.min(self.calendar.components[0].entries.len());
            while before > 0 {
                let Some(end) = text[at..].find("\r\n").map(|i| at + i + 2) else { break };
                at = end;
                if !text[at..].starts_with([' ', '\t']) {
                    before -= 1;
                }
            }
            text.insert_str(at, &format!("METHOD:{}\r\n", method.as_str()));
        }
        text
    }
}

/// The METHOD property (RFC 5546 §3.1).
fn method_entry(method: Method) -> ICalendarEntry {
    ICalendarEntry {
        name: ICalendarProperty::Method,
        params: Vec::new(),
        values: vec![ICalendarValue::Method(method.to_calcard())],
    }
}

/// Copies component `index` of `from`, with its children, to the end of
/// `to`'s arena, and returns its new index. The copy is not attached to a
/// parent: the caller links it.
pub(crate) fn copy_component(from: &ICalendar, index: u32, to: &mut ICalendar) -> u32 {
    let source = &from.components[index as usize];
    let mut copy = ICalendarComponent {
        component_type: source.component_type.clone(),
        entries: source.entries.clone(),
        component_ids: Vec::new(),
    };
    let children: Vec<u32> = source.component_ids.iter().map(|&c| copy_component(from, c, to)).collect();
    copy.component_ids = children;
    let new_index = to.components.len() as u32;
    to.components.push(copy);
    new_index
}

/// Copies from `from` every VTIMEZONE whose TZID `to` references but does
/// not define, placing them before the scheduling components. A TZID that
/// `from` named without a VTIMEZONE (Outlook's Windows names, a client's
/// bare IANA names) gets one generated from the IANA zone it stands for,
/// over the years its times use, since RFC 5546 §3.1.2 requires one in
/// every message that names a TZID.
pub(crate) fn copy_missing_timezones(from: &ICalendar, to: &mut ICalendar) {
    let defined: BTreeSet<String> = to.timezones().filter_map(tzid_of).collect();
    let referenced = referenced_tzids(to);
    let wanted: Vec<u32> = from.components[0]
        .component_ids
        .iter()
        .copied()
        .filter(|&i| {
            let c = &from.components[i as usize];
            c.component_type == ICalendarComponentType::VTimezone
                && tzid_of(c).is_some_and(|id| referenced.contains(&id) && !defined.contains(&id))
        })
        .collect();
    let mut position = 0;
    for index in wanted {
        let new_index = copy_component(from, index, to);
        to.components[0].component_ids.insert(position, new_index);
        position += 1;
    }
    let defined: BTreeSet<String> = to.timezones().filter_map(tzid_of).collect();
    for name in referenced.iter().filter(|name| !defined.contains(*name)) {
        use std::str::FromStr;
        let Ok(calcard::common::timezone::Tz::Tz(zone)) = calcard::common::timezone::Tz::from_str(name)
        else {
            continue;
        };
        let years: BTreeSet<i32> = to
            .components
            .iter()
            .flat_map(|c| c.entries.iter())
            .filter(|e| e.tz_id() == Some(name.as_str()))
            .flat_map(|e| e.values.iter())
            .filter_map(|v| v.as_partial_date_time()?.year.map(i32::from))
            .collect();
        let (Some(first), Some(last)) = (years.first(), years.last()) else { continue };
        let mut generated = super::vtimezone::generate(name, zone, *first, last + 1).into_iter();
        let Some(mut vtimezone) = generated.next() else { continue };
        for observance in generated {
            vtimezone.component_ids.push(to.components.len() as u32);
            to.components.push(observance);
        }
        let new_index = to.components.len() as u32;
        to.components.push(vtimezone);
        to.components[0].component_ids.insert(position, new_index);
        position += 1;
    }
}

/// The TZIDs the calendar's properties name (outside its VTIMEZONEs).
pub(crate) fn referenced_tzids(calendar: &ICalendar) -> BTreeSet<String> {
    calendar
        .components
        .iter()
        .filter(|c| c.component_type != ICalendarComponentType::VTimezone)
        .flat_map(|c| c.entries.iter())
        .filter_map(|e| e.tz_id().map(str::to_string))
        .collect()
}

/// A VTIMEZONE's TZID.
pub(crate) fn tzid_of(component: &ICalendarComponent) -> Option<String> {
    component
        .property(&ICalendarProperty::Tzid)
        .and_then(|e| e.values.first())
        .and_then(|v| v.as_text())
        .map(str::to_string)
}

/// Drops properties and parameters whose names no iCalendar allows
/// (RFC 5545 §3.1: a name is letters, digits and "-"). The lenient parser
/// keeps such a name whole, line breaks, control bytes and quotes
/// included, and written out again it could read as another line (a
/// stray `END:VCALENDAR`) or swallow the value after it (a parameter
/// name with a quote in it); nothing in a name like that means anything
/// to scheduling.
fn drop_malformed_names(calendar: &mut ICalendar) {
    for component in &mut calendar.components {
        component.entries.retain_mut(|entry| {
            if matches!(&entry.name, ICalendarProperty::Other(name) if !is_name(name)) {
                return false;
            }
            let malformed =
                |p: &ICalendarParameter| matches!(&p.name, ICalendarParameterName::Other(n) if !is_name(n));
            if entry.params.iter().any(malformed) {
                entry.params.retain(|p| !malformed(p));
            }
            true
        });
    }
}

/// An iana-token or x-name (RFC 5545 §3.1): letters, digits and "-".
fn is_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CalAddress;

    /// METHOD is held apart from the calendar, so a message and its
    /// stored copy share one; it is written back where it stood, also
    /// after a folded property, and the stored copy has none.
    #[test]
    fn method_is_written_back_where_it_stood() {
        let long = format!("X-LONG:{}", "x".repeat(200));
        let event = "BEGIN:VEVENT\r\nUID:u\r\nDTSTAMP:20250301T090000Z\r\nDTSTART:20250310T140000Z\r\n\
                     ORGANIZER:mailto:a@example.com\r\nEND:VEVENT\r\n";
        for head in [
            vec!["METHOD:REQUEST", "PRODID:-//t//EN", "VERSION:2.0"],
            vec!["PRODID:-//t//EN", "VERSION:2.0", "METHOD:REQUEST"],
            vec!["PRODID:-//t//EN", long.as_str(), "METHOD:REQUEST", "VERSION:2.0"],
        ] {
            let text = format!("BEGIN:VCALENDAR\r\n{}\r\n{event}END:VCALENDAR\r\n", head.join("\r\n"));
            let message = SchedulingObject::parse(&text).unwrap();
            let expected = ICalendar::parse(&text).unwrap().to_string();
            assert_eq!(message.to_ics(), expected);
            assert_eq!(message.method(), Some(Method::Request));
            assert!(message.calendar().components[0].property(&ICalendarProperty::Method).is_none());
            assert_eq!(message.clone().into_calendar().to_string(), expected);
            let stored = message.without_method();
            assert!(!stored.to_ics().contains("METHOD"), "{}", stored.to_ics());
            assert_eq!(SchedulingObject::parse(&stored.to_ics()).unwrap().method(), None);
        }
    }

    /// A line whose name holds line breaks (found by fuzzing) is dropped,
    /// so that the object written out parses again as the same object.
    #[test]
    fn a_property_name_with_line_breaks_is_dropped() {
        let text = "BEGIN:VCALENDAR\r\nPRODID:-//t//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\n\
                    EN\r\r\r\rD:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTAMP:20250301T090000Z\r\n\
                    SEQUEN@CE:1\r\nDTSTART:20250310T140000Z\r\nX-OK:kept\r\n\
                    ORGANIZER:mailto:a@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let object = SchedulingObject::parse(text).unwrap();
        let written = object.to_ics();
        assert!(!written.contains("SEQUEN@CE") && written.contains("X-OK:kept"), "{written}");
        let again = SchedulingObject::parse(&written).unwrap();
        assert_eq!(again.uid(), "u");
        assert_eq!(again.to_ics(), written);
    }

    /// A parameter whose name holds a control byte and quotes (found by
    /// fuzzing: `UID;DELEGATED-TO<GS>"mailto:e@example.com":…`) is
    /// dropped; written back whole it lost its closing quote and the UID
    /// line no longer read as one. Well-formed parameters stay.
    #[test]
    fn a_parameter_name_with_control_bytes_or_quotes_is_dropped() {
        let text = "BEGIN:VCALENDAR\r\nPRODID:-//t//EN\r\nVERSION:2.0\r\nMETHOD:REPLY\r\n\
                    BEGIN:VEVENT\r\nUID;DELEGATED-TO\u{1d}\"mailto:e@example.com\":mailto:b@example.com\r\n\
                    DTSTAMP:20250301T090000Z\r\nDTSTART:20250310T140000Z\r\n\
                    ATTENDEE;X-OK=kept;RSV\u{0}\u{0}*X=1;PARTSTAT=ACCEPTED:mailto:b@example.com\r\n\
                    ORGANIZER:mailto:a@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let object = SchedulingObject::parse(text).unwrap();
        let written = object.to_ics();
        assert!(!written.contains('\u{1d}') && !written.contains('\u{0}'), "{written:?}");
        assert!(written.contains("X-OK=kept") && written.contains("PARTSTAT=ACCEPTED"), "{written}");
        let again = SchedulingObject::parse(&written).unwrap();
        assert_eq!(again.uid(), object.uid());
        assert_eq!(again.to_ics(), written);
    }

    /// The cheap readings of the ORGANIZER agree with the full one: case,
    /// scheme, percent-encoding, and an opaque value with EMAIL=.
    #[test]
    fn the_organizer_is_read_alike_every_way() {
        let alice = CalAddress::parse("alice@example.com").unwrap();
        for organizer in [
            "ORGANIZER:MAILTO:Alice@Example.COM",
            "ORGANIZER:mailto:alice%40example.com",
            "ORGANIZER;EMAIL=alice@example.com:urn:uuid:1234",
            "ORGANIZER:mailto:bob@example.com",
            "ORGANIZER:urn:uuid:1234",
        ] {
            let object = SchedulingObject::parse(&format!(
                "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:u\r\n\
                 DTSTAMP:20250301T090000Z\r\nDTSTART:20250310T140000Z\r\n{organizer}\r\n\
                 END:VEVENT\r\nEND:VCALENDAR\r\n"
            ))
            .unwrap();
            let full = object.organizer().map(|o| o.address);
            assert_eq!(object.organizer_address(), full, "{organizer}");
            assert_eq!(object.is_organized_by(&alice), full.as_ref() == Some(&alice), "{organizer}");
        }
    }
}
