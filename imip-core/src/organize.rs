//! What an organizer writes by hand: a new event from a few typed fields
//! ([`NewEvent`]), and the changes of an edit ([`EventEdit`]). Both give
//! a [`SchedulingObject`] to save with [`crate::LocalAction::Save`]; the
//! engine then sends the REQUEST, ADD or CANCEL mail and sets SEQUENCE
//! (RFC 5546 §2.1.4, §3.2.2; RFC 6638 §3.2.1), as for any client's save.
//!
//! Times are wall-clock times in a named zone, as people give them. A
//! time the zone skips (the hour the clocks go forward) is refused rather
//! than moved, so that nobody is invited at a time they did not mean.

use crate::model::{SchedulingObject, component, values};
use crate::{CalAddress, Timestamp, Violation};
use calcard::common::PartialDateTime;
use calcard::icalendar::{
    ICalendarComponent, ICalendarComponentType, ICalendarParameter, ICalendarParameterName,
    ICalendarParameterValue, ICalendarParticipationRole, ICalendarProperty, ICalendarUserTypes,
    ICalendarValue,
};
use chrono::{NaiveDateTime, TimeZone};

/// Why a draft or an edit cannot become an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    /// An empty title.
    #[error("the event needs a title")]
    NoTitle,
    /// The end is not after the start.
    #[error("the end ({end}) is not after the start ({start})")]
    EndNotAfterStart {
        /// The start, as given.
        start: String,
        /// The end, as given.
        end: String,
    },
    /// A wall-clock time that does not occur in the zone (the clocks go
    /// forward over it).
    #[error("{time} does not exist in {zone}: the clocks go forward then; choose another time")]
    SkippedTime {
        /// The time, as given.
        time: String,
        /// The zone.
        zone: String,
    },
    /// A value iCalendar cannot hold (an RRULE that does not parse, say).
    #[error("{property} is not valid: {value:?}")]
    InvalidValue {
        /// The property.
        property: String,
        /// The value, as given.
        value: String,
    },
    /// The series has instances changed on their own; moving the series
    /// would leave them at recurrence ids it no longer produces (RFC 5545
    /// §3.8.4.4).
    #[error("this series has instances changed on their own; cancel it and create it again to move it")]
    SeriesHasExceptions,
    /// The object is not an event.
    #[error("only events can be edited here")]
    NotAnEvent,
    /// One occurrence was named, but the event does not repeat.
    #[error("this event does not repeat: cancel the event itself")]
    NotRecurring,
    /// The series is all-day or floating: its occurrences are not fixed
    /// instants, so one cannot be named by its time here.
    #[error(
        "one occurrence of an all-day or floating series cannot be cancelled here; edit or cancel the series"
    )]
    FloatingSeries,
    /// No occurrence of the series starts at the time given (or it is
    /// cancelled already).
    #[error("the series has no occurrence at {at} to cancel")]
    NoSuchOccurrence {
        /// The time, as given (UTC).
        at: String,
    },
    /// The result is not a valid scheduling object.
    #[error(transparent)]
    Invalid(#[from] Violation),
}

/// When an event takes place: a wall-clock start and end in a zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct When {
    /// The start, on the zone's clock.
    pub start: NaiveDateTime,
    /// The end, on the zone's clock.
    pub end: NaiveDateTime,
    /// The zone; UTC writes times in UTC form (`…Z`) without a TZID.
    pub zone: chrono_tz::Tz,
}

impl When {
    /// Checks the times: the end after the start, and neither skipped by
    /// the zone (RFC 5545 §3.3.5 would move such a time forward).
    pub fn check(&self) -> Result<(), DraftError> {
        for time in [self.start, self.end] {
            if self.zone.from_local_datetime(&time).earliest().is_none() {
                return Err(DraftError::SkippedTime { time: show(time), zone: self.zone.name().to_string() });
            }
        }
        if self.instant(self.end) <= self.instant(self.start) {
            return Err(DraftError::EndNotAfterStart { start: show(self.start), end: show(self.end) });
        }
        Ok(())
    }

    fn instant(&self, local: NaiveDateTime) -> Timestamp {
        crate::time::local_instant(&self.zone, local)
    }

    /// DTSTART and DTEND as entries: with TZID, or in UTC form.
    fn entries(&self) -> [calcard::icalendar::ICalendarEntry; 2] {
        let entry = |name: ICalendarProperty, local: NaiveDateTime| {
            let (params, value) = if self.zone == chrono_tz::UTC {
                (Vec::new(), self.instant(local).to_partial())
            } else {
                (vec![ICalendarParameter::tzid(self.zone.name().to_string())], local_value(local))
            };
            calcard::icalendar::ICalendarEntry {
                name,
                params,
                values: vec![ICalendarValue::PartialDateTime(Box::new(value))],
            }
        };
        [entry(ICalendarProperty::Dtstart, self.start), entry(ICalendarProperty::Dtend, self.end)]
    }
}

fn show(time: NaiveDateTime) -> String {
    time.format("%Y-%m-%d %H:%M").to_string()
}

fn local_value(at: NaiveDateTime) -> PartialDateTime {
    use chrono::{Datelike, Timelike};
    PartialDateTime {
        year: u16::try_from(at.year()).ok(),
        month: u8::try_from(at.month()).ok(),
        day: u8::try_from(at.day()).ok(),
        hour: u8::try_from(at.hour()).ok(),
        minute: u8::try_from(at.minute()).ok(),
        second: u8::try_from(at.second()).ok(),
        ..PartialDateTime::default()
    }
}

/// Reads a wall-clock time as people type it: `2027-01-12 10:00`,
/// `2027-01-12T10:00`, with seconds, or iCalendar's `20270112T100000`.
pub fn parse_local(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y%m%dT%H%M%S"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
}

/// A new event, as its organizer describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// The UID (new and unique: RFC 5545 §3.8.4.7).
    pub uid: String,
    /// SUMMARY.
    pub title: String,
    /// DTSTART and DTEND.
    pub when: When,
    /// LOCATION.
    pub location: Option<String>,
    /// DESCRIPTION.
    pub description: Option<String>,
    /// The organizer.
    pub organizer: CalAddress,
    /// The organizer's name (CN).
    pub organizer_name: Option<String>,
    /// People invited (CUTYPE=INDIVIDUAL, the default).
    pub attendees: Vec<CalAddress>,
    /// Rooms and equipment booked (CUTYPE=ROOM, RFC 5545 §3.2.3).
    pub rooms: Vec<CalAddress>,
    /// An RRULE value (`FREQ=WEEKLY;COUNT=4`).
    pub repeat: Option<String>,
}

impl NewEvent {
    /// The event as a scheduling object, stamped `now`, with a VTIMEZONE
    /// for its zone (RFC 5546 §3.1.2).
    ///
    /// ```
    /// use imip_core::organize::{NewEvent, When, parse_local};
    /// use imip_core::{CalAddress, Timestamp};
    /// let event = NewEvent {
    ///     uid: "e1@example.com".into(),
    ///     title: "Review; Q1, draft".into(),
    ///     when: When {
    ///         start: parse_local("2027-01-12 10:00").unwrap(),
    ///         end: parse_local("2027-01-12 11:00").unwrap(),
    ///         zone: chrono_tz::Europe::Oslo,
    ///     },
    ///     location: None,
    ///     description: None,
    ///     organizer: CalAddress::parse("alice@example.com").unwrap(),
    ///     organizer_name: Some("Alice".into()),
    ///     attendees: vec![CalAddress::parse("bob@example.com").unwrap()],
    ///     rooms: vec![],
    ///     repeat: Some("FREQ=WEEKLY;COUNT=4".into()),
    /// };
    /// let object = event.to_object(Timestamp::parse_utc("20270101T000000Z").unwrap()).unwrap();
    /// let ics = object.to_ics();
    /// assert!(ics.contains("DTSTART;TZID=Europe/Oslo:20270112T100000"));
    /// assert!(ics.contains("SUMMARY:Review\\; Q1\\, draft"));
    /// assert!(ics.contains("BEGIN:VTIMEZONE"));
    /// ```
    pub fn to_object(&self, now: Timestamp) -> Result<SchedulingObject, DraftError> {
        let title = clean(&self.title);
        if title.trim().is_empty() {
            return Err(DraftError::NoTitle);
        }
        self.when.check()?;
        let mut calendar = calcard::icalendar::ICalendar::parse(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//imip//imip//EN\r\n\
             BEGIN:VEVENT\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        )
        .map_err(|_| Violation::Unparseable)?;
        let event = calendar
            .components
            .iter_mut()
            .find(|c| c.component_type == ICalendarComponentType::VEvent)
            .ok_or(Violation::Unparseable)?;
        set_text(event, ICalendarProperty::Uid, Some(&self.uid));
        component::set_dtstamp(event, now);
        component::set_sequence(event, 0);
        let [start, end] = self.when.entries();
        event.entries.extend([start, end]);
        set_text(event, ICalendarProperty::Summary, Some(&title));
        set_text(event, ICalendarProperty::Location, self.location.as_deref());
        set_text(event, ICalendarProperty::Description, self.description.as_deref());
        let mut organizer = calcard::icalendar::ICalendarEntry::new(ICalendarProperty::Organizer)
            .with_value(ICalendarValue::Text(self.organizer.to_uri()));
        // A parameter value cannot hold a DQUOTE (RFC 5545 §3.1).
        let name = self.organizer_name.as_deref().map(|n| clean(n).replace(['"', '\n'], "'"));
        if let Some(name) = name.filter(|n| !n.trim().is_empty()) {
            component::set_param(
                &mut organizer,
                ICalendarParameterName::Cn,
                ICalendarParameterValue::Text(name),
            );
        }
        event.entries.push(organizer);
        for address in &self.attendees {
            invite(event, address, false);
        }
        for address in &self.rooms {
            invite(event, address, true);
        }
        if let Some(rule) = &self.repeat {
            set_rule(event, rule)?;
        }
        finish(calendar)
    }
}

/// The changes of an edit; `None` leaves a property as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventEdit {
    /// A new SUMMARY.
    pub title: Option<String>,
    /// New times (the whole series, for a recurring event).
    pub when: Option<When>,
    /// A new LOCATION; `Some(None)` removes it.
    pub location: Option<Option<String>>,
    /// A new DESCRIPTION; `Some(None)` removes it.
    pub description: Option<Option<String>>,
    /// People to invite.
    pub invite: Vec<CalAddress>,
    /// Rooms to book.
    pub book: Vec<CalAddress>,
    /// Attendees (people or rooms) to take off the event: they get a
    /// CANCEL.
    pub uninvite: Vec<CalAddress>,
    /// A new RRULE; `Some(None)` makes the event happen once.
    pub repeat: Option<Option<String>>,
}

impl EventEdit {
    /// Whether the edit changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == EventEdit::default()
    }

    /// The edited copy of `object`: the title, times, place and rule
    /// change on the master (or the single event), attendees on every
    /// instance. SEQUENCE and DTSTAMP are left to the engine.
    pub fn apply(&self, object: &SchedulingObject) -> Result<SchedulingObject, DraftError> {
        if object.kind() != crate::model::ComponentKind::Event {
            return Err(DraftError::NotAnEvent);
        }
        let has_exceptions = object.instance_ids().any(|id| !id.is_master());
        if (self.when.is_some() || self.repeat.is_some()) && object.is_recurring() && has_exceptions {
            return Err(DraftError::SeriesHasExceptions);
        }
        if let Some(when) = &self.when {
            when.check()?;
        }
        let title = self.title.as_deref().map(clean);
        if title.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err(DraftError::NoTitle);
        }
        let mut edited = object.clone();
        let mut failure = None;
        edited.edit_all(|id, c| {
            if id.is_master() || !object.is_recurring() {
                if let Some(title) = &title {
                    set_text(c, ICalendarProperty::Summary, Some(title));
                }
                if let Some(location) = &self.location {
                    set_text(c, ICalendarProperty::Location, location.as_deref());
                }
                if let Some(description) = &self.description {
                    set_text(c, ICalendarProperty::Description, description.as_deref());
                }
                if let Some(when) = &self.when {
                    for name in
                        [ICalendarProperty::Dtstart, ICalendarProperty::Dtend, ICalendarProperty::Duration]
                    {
                        component::remove_property(c, &name);
                    }
                    c.entries.extend(when.entries());
                }
                if let Some(repeat) = &self.repeat {
                    for name in
                        [ICalendarProperty::Rrule, ICalendarProperty::Exdate, ICalendarProperty::Rdate]
                    {
                        component::remove_property(c, &name);
                    }
                    if let Some(rule) = repeat
                        && let Err(e) = set_rule(c, rule)
                    {
                        failure = Some(e);
                    }
                }
            }
            for address in &self.uninvite {
                component::remove_attendee(c, address);
            }
            for address in &self.invite {
                invite(c, address, false);
            }
            for address in &self.book {
                invite(c, address, true);
            }
        });
        if let Some(failure) = failure {
            return Err(failure);
        }
        let mut calendar = edited.into_calendar();
        drop_unused_timezones(&mut calendar);
        finish(calendar)
    }
}

/// The organizer's copy of a series with one occurrence cancelled: the
/// one whose original start (its RECURRENCE-ID) is `at`. An override
/// of it gets STATUS:CANCELLED; any other occurrence an EXDATE written
/// as DTSTART is. Saved with [`crate::LocalAction::Save`], it makes the
/// engine send the attendees of that occurrence a CANCEL with its
/// RECURRENCE-ID and a raised SEQUENCE (RFC 5546 §3.2.5), and the rest
/// of the series stands.
pub fn cancel_occurrence(object: &SchedulingObject, at: Timestamp) -> Result<SchedulingObject, DraftError> {
    use crate::model::InstanceId;
    if object.kind() != crate::model::ComponentKind::Event {
        return Err(DraftError::NotAnEvent);
    }
    if !object.is_recurring() {
        return Err(DraftError::NotRecurring);
    }
    let dtstart = object.master().and_then(|m| m.property(&ICalendarProperty::Dtstart));
    let form = dtstart.and_then(|e| e.values.first()).and_then(ICalendarValue::as_partial_date_time);
    let fixed = form.is_some_and(|f| {
        f.hour.is_some() && (f.tz_hour.is_some() || dtstart.and_then(|e| e.tz_id()).is_some())
    });
    if !fixed {
        return Err(DraftError::FloatingSeries);
    }
    let missing = || DraftError::NoSuchOccurrence { at: at.to_ical() };
    let id = InstanceId::occurrence(at);
    let mut edited = object.clone();
    if let Some(component) = edited.component_mut(id) {
        if component::is_cancelled(component) {
            return Err(missing());
        }
        component::set_status(component, calcard::icalendar::ICalendarStatus::Cancelled);
    } else {
        // One of the series' own occurrences.
        let occurs = crate::freebusy::occurs_at(object, at);
        if !occurs {
            return Err(missing());
        }
        let exdate = crate::itip::outbound::exdate_at(object, at).ok_or_else(missing)?;
        if let Some(master) = edited.component_mut(InstanceId::Master) {
            master.entries.push(exdate);
        }
    }
    let calendar = edited.into_calendar();
    finish(calendar)
}

/// Validates, indexes, and adds the VTIMEZONEs the times need.
fn finish(calendar: calcard::icalendar::ICalendar) -> Result<SchedulingObject, DraftError> {
    for c in &calendar.components {
        if let Some(invalid) = values::first_invalid(c) {
            let value = c
                .property(&invalid)
                .and_then(|e| e.values.first())
                .and_then(|v| v.as_text())
                .unwrap_or_default()
                .to_string();
            return Err(DraftError::InvalidValue { property: invalid.as_str().to_string(), value });
        }
    }
    let mut object = SchedulingObject::from_calendar(calendar)?;
    let itself = object.clone();
    object.put_timezones_from(&itself);
    Ok(object)
}

/// Removes VTIMEZONEs no property names any more (after a change of
/// zone), so that the new zone's is generated in their place.
fn drop_unused_timezones(calendar: &mut calcard::icalendar::ICalendar) {
    let used = crate::model::object::referenced_tzids(calendar);
    let unused: Vec<u32> = calendar.components[0]
        .component_ids
        .iter()
        .copied()
        .filter(|&i| {
            let c = &calendar.components[i as usize];
            c.component_type == ICalendarComponentType::VTimezone
                && crate::model::object::tzid_of(c).is_none_or(|id| !used.contains(&id))
        })
        .collect();
    calendar.components[0].component_ids.retain(|i| !unused.contains(i));
}

/// Adds an attendee who must answer (ROLE=REQ-PARTICIPANT,
/// PARTSTAT=NEEDS-ACTION, RSVP=TRUE), a room with CUTYPE=ROOM; nothing
/// if they are already there.
fn invite(c: &mut ICalendarComponent, address: &CalAddress, room: bool) {
    if component::attendee(c, address).is_some() {
        return;
    }
    let mut line = calcard::icalendar::ICalendarEntry::new(ICalendarProperty::Attendee)
        .with_value(ICalendarValue::Text(address.to_uri()));
    if room {
        component::set_param(
            &mut line,
            ICalendarParameterName::Cutype,
            ICalendarParameterValue::Cutype(ICalendarUserTypes::Room),
        );
    }
    component::set_param(
        &mut line,
        ICalendarParameterName::Role,
        ICalendarParameterValue::Role(ICalendarParticipationRole::ReqParticipant),
    );
    component::set_partstat(&mut line, crate::PartStat::NeedsAction);
    component::set_rsvp(&mut line, true);
    c.entries.push(line);
}

/// Sets RRULE from its text, refusing one that does not parse.
fn set_rule(c: &mut ICalendarComponent, rule: &str) -> Result<(), DraftError> {
    let invalid = || DraftError::InvalidValue { property: "RRULE".into(), value: rule.to_string() };
    if rule.contains(['\r', '\n', ':']) {
        return Err(invalid());
    }
    let text = format!(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nRRULE:{}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        rule.trim().trim_start_matches("RRULE:")
    );
    let parsed = calcard::icalendar::ICalendar::parse(&text).map_err(|_| invalid())?;
    let entry = parsed
        .components
        .iter()
        .flat_map(|c| c.entries.iter())
        .find(|e| e.name == ICalendarProperty::Rrule)
        .filter(|e| matches!(e.values.first(), Some(ICalendarValue::RecurrenceRule(_))))
        .ok_or_else(invalid)?;
    component::remove_property(c, &ICalendarProperty::Rrule);
    c.entries.push(entry.clone());
    Ok(())
}

/// Sets (or, with `None`, removes) a TEXT property; calcard escapes it
/// (RFC 5545 §3.3.11).
fn set_text(c: &mut ICalendarComponent, name: ICalendarProperty, value: Option<&str>) {
    match value.map(clean).filter(|v| !v.trim().is_empty()) {
        Some(value) => component::set_property(c, name, ICalendarValue::Text(value)),
        None => component::remove_property(c, &name),
    }
}

/// Text without control characters other than line breaks.
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n").chars().filter(|c| *c == '\n' || !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        parse_local(text).unwrap()
    }

    fn address(text: &str) -> CalAddress {
        CalAddress::parse(text).unwrap()
    }

    fn draft() -> NewEvent {
        NewEvent {
            uid: "e1@example.com".into(),
            title: "Planning".into(),
            when: When {
                start: at("2027-03-28 09:00"),
                end: at("2027-03-28 10:00"),
                zone: chrono_tz::Europe::Oslo,
            },
            location: Some("Room 1".into()),
            description: None,
            organizer: address("alice@example.com"),
            organizer_name: Some("Alice \"Al\" Smith".into()),
            attendees: vec![address("bob@example.com")],
            rooms: vec![address("room@example.com")],
            repeat: None,
        }
    }

    fn now() -> Timestamp {
        Timestamp::parse_utc("20270101T000000Z").unwrap()
    }

    /// RFC 5546 §3.2.5: cancelling one instance of a series. Bob is
    /// invited to four weekly meetings from 28 March 2027 09:00 in Oslo
    /// (the clocks go forward that night: every meeting is 07:00Z).
    #[test]
    fn one_occurrence_cancelled_gets_an_exdate_and_its_attendees_a_cancel_for_it_alone() {
        let series = NewEvent { repeat: Some("FREQ=WEEKLY;COUNT=4".into()), rooms: Vec::new(), ..draft() };
        let object = series.to_object(now()).unwrap();
        let second = Timestamp::parse_utc("20270404T070000Z").unwrap();
        let cancelled = cancel_occurrence(&object, second).unwrap();
        let ics = cancelled.to_ics().replace("\r\n ", "");
        assert!(ics.contains("EXDATE;TZID=Europe/Oslo:20270404T090000\r\n"), "{ics}");

        // Through the engine, as `imip event cancel --occurrence` saves it.
        let engine = crate::Engine::new(crate::Config::default()).unwrap();
        let alice = address("alice@example.com");
        let record = crate::Record { object: Some(object.clone()), ..crate::Record::default() };
        let outcome =
            engine.decide_locally(now(), &alice, &crate::LocalAction::Save(cancelled), &mut record.clone());
        let messages: Vec<_> = outcome.messages().collect();
        assert_eq!(messages.len(), 1, "{outcome:?}");
        let cancel = messages[0];
        assert_eq!(cancel.method, crate::Method::Cancel);
        assert_eq!(cancel.to, vec![address("bob@example.com")]);
        let text = cancel.to_ics().replace("\r\n ", "");
        assert!(text.contains("RECURRENCE-ID;TZID=Europe/Oslo:20270404T090000\r\n"), "{text}");
        assert!(text.contains("SEQUENCE:1\r\n"), "{text}");
        assert!(!text.contains("RRULE"), "the CANCEL names the one occurrence: {text}");
        // The series stands: three occurrences are left.
        let stored = outcome.stored_object().expect("the organizer's copy");
        let everything = crate::freebusy::Expansion {
            zone: chrono_tz::UTC,
            from: now(),
            until: Timestamp::parse_utc("20280101T000000Z").unwrap(),
            max_occurrences: 100,
            max_scan: 1000,
        };
        let left: Vec<Timestamp> =
            crate::freebusy::expand(stored, &everything).occurrences.iter().map(|o| o.start).collect();
        assert_eq!(left.len(), 3, "{left:?}");
        assert!(!left.contains(&second));
    }

    #[test]
    fn an_occurrence_is_cancelled_only_where_there_is_one() {
        let single = draft().to_object(now()).unwrap();
        let at = Timestamp::parse_utc("20270328T070000Z").unwrap();
        assert_eq!(cancel_occurrence(&single, at).err(), Some(DraftError::NotRecurring));
        let series =
            NewEvent { repeat: Some("FREQ=WEEKLY;COUNT=4".into()), ..draft() }.to_object(now()).unwrap();
        let off = Timestamp::parse_utc("20270404T080000Z").unwrap();
        assert_eq!(
            cancel_occurrence(&series, off).err(),
            Some(DraftError::NoSuchOccurrence { at: "20270404T080000Z".into() })
        );
        // Twice: the second time there is nothing left to cancel.
        let once = cancel_occurrence(&series, at).unwrap();
        assert!(matches!(cancel_occurrence(&once, at), Err(DraftError::NoSuchOccurrence { .. })));
        // An all-day series has no fixed instants to name.
        let all_day = crate::SchedulingObject::parse(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:d@x\r\n\
             DTSTAMP:20270101T000000Z\r\nDTSTART;VALUE=DATE:20270301\r\nRRULE:FREQ=DAILY;COUNT=3\r\n\
             SUMMARY:Off\r\nORGANIZER:mailto:alice@example.com\r\n\
             ATTENDEE:mailto:bob@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        )
        .unwrap();
        let midnight = Timestamp::parse_utc("20270302T000000Z").unwrap();
        assert_eq!(cancel_occurrence(&all_day, midnight).err(), Some(DraftError::FloatingSeries));
    }

    #[test]
    fn a_new_event_invites_people_and_books_rooms_as_rfc_5545_writes_them() {
        let object = draft().to_object(now()).unwrap();
        let ics = object.to_ics().replace("\r\n ", "");
        assert!(ics.contains("DTSTART;TZID=Europe/Oslo:20270328T090000\r\n"), "{ics}");
        assert!(ics.contains("DTEND;TZID=Europe/Oslo:20270328T100000\r\n"), "{ics}");
        assert!(ics.contains("SEQUENCE:0\r\n"), "{ics}");
        assert!(ics.contains("DTSTAMP:20270101T000000Z\r\n"), "{ics}");
        assert!(ics.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Oslo"), "{ics}");
        // The room is a ROOM; both must answer.
        assert!(ics.contains("ATTENDEE;CUTYPE=ROOM;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:room@example.com"), "{ics}");
        assert!(
            ics.contains(
                "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com"
            ),
            "{ics}"
        );
        let organizer = object.organizer().unwrap();
        assert_eq!(organizer.address, address("alice@example.com"));
        assert_eq!(organizer.common_name.as_deref(), Some("Alice 'Al' Smith"));
        let (start, end) = object.first_span().unwrap();
        // 09:00 in Oslo on the day summer time starts is 07:00 UTC.
        assert_eq!((start.to_ical(), end.to_ical()), ("20270328T070000Z".into(), "20270328T080000Z".into()));
    }

    #[test]
    fn a_time_the_clocks_skip_and_an_end_before_the_start_are_refused() {
        let mut skipped = draft();
        skipped.when.start = at("2027-03-28 02:30");
        assert!(matches!(skipped.to_object(now()), Err(DraftError::SkippedTime { .. })));
        let mut backwards = draft();
        backwards.when.end = at("2027-03-28 08:00");
        assert!(matches!(backwards.to_object(now()), Err(DraftError::EndNotAfterStart { .. })));
        // The same wall-clock length across the change is still an hour
        // of wall clock, but only 1 h of real time: 01:30–03:30 is one hour.
        let mut across = draft();
        across.when.start = at("2027-03-28 01:30");
        across.when.end = at("2027-03-28 03:30");
        let (start, end) = across.to_object(now()).unwrap().first_span().unwrap();
        assert_eq!(end.seconds() - start.seconds(), 3600);
    }

    #[test]
    fn a_bad_rule_and_an_empty_title_are_refused() {
        let mut bad = draft();
        bad.repeat = Some("FREQ=FORTNIGHTLY".into());
        assert!(
            matches!(bad.to_object(now()), Err(DraftError::InvalidValue { .. })),
            "{:?}",
            bad.to_object(now()).err()
        );
        let mut injected = draft();
        injected.repeat = Some("FREQ=DAILY\r\nATTENDEE:mailto:eve@example.com".into());
        assert!(injected.to_object(now()).is_err());
        let mut untitled = draft();
        untitled.title = " \r\n".into();
        assert_eq!(untitled.to_object(now()).err(), Some(DraftError::NoTitle));
    }

    #[test]
    fn an_edit_moves_the_event_changes_the_place_and_the_guests() {
        let object = draft().to_object(now()).unwrap();
        let edit = EventEdit {
            when: Some(When {
                start: at("2027-03-29 14:00"),
                end: at("2027-03-29 15:30"),
                zone: chrono_tz::America::New_York,
            }),
            location: Some(None),
            invite: vec![address("carol@example.com")],
            uninvite: vec![address("bob@example.com")],
            ..EventEdit::default()
        };
        let edited = edit.apply(&object).unwrap();
        let ics = edited.to_ics().replace("\r\n ", "");
        assert!(ics.contains("DTSTART;TZID=America/New_York:20270329T140000"), "{ics}");
        assert!(!ics.contains("LOCATION"), "{ics}");
        assert!(ics.contains("mailto:carol@example.com"), "{ics}");
        assert!(!ics.contains("mailto:bob@example.com"), "{ics}");
        // Oslo's zone is no longer named: its VTIMEZONE goes, New York's comes.
        assert!(!ics.contains("TZID:Europe/Oslo"), "{ics}");
        assert!(ics.contains("TZID:America/New_York"), "{ics}");
        assert!(EventEdit::default().is_empty());
    }

    #[test]
    fn a_series_with_exceptions_is_not_moved_whole() {
        let mut series = draft();
        series.repeat = Some("FREQ=WEEKLY;COUNT=3".into());
        let object = series.to_object(now()).unwrap();
        let text = object.to_ics().replace(
            "END:VEVENT\r\n",
            "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:e1@example.com\r\nDTSTAMP:20270101T000000Z\r\n\
             RECURRENCE-ID;TZID=Europe/Oslo:20270404T090000\r\nDTSTART;TZID=Europe/Oslo:20270404T100000\r\n\
             DTEND;TZID=Europe/Oslo:20270404T110000\r\nSUMMARY:Planning\r\n\
             ORGANIZER:mailto:alice@example.com\r\nEND:VEVENT\r\n",
        );
        let with_exception = SchedulingObject::parse(&text).unwrap();
        let edit = EventEdit {
            when: Some(When {
                start: at("2027-03-29 09:00"),
                end: at("2027-03-29 10:00"),
                zone: chrono_tz::UTC,
            }),
            ..EventEdit::default()
        };
        assert_eq!(edit.apply(&with_exception).err(), Some(DraftError::SeriesHasExceptions));
        // A new title is fine: it goes on the master only.
        let retitle = EventEdit { title: Some("Planning II".into()), ..EventEdit::default() };
        let edited = retitle.apply(&with_exception).unwrap();
        assert_eq!(edited.master().map(|m| component::uid(m).is_some()), Some(true));
        assert!(edited.to_ics().contains("SUMMARY:Planning II"));
    }
}
