//! Working hours: the weekly availability a person sets on a form ("Monday
//! to Friday, 09:00 to 17:00, in Europe/Oslo"), and the VAVAILABILITY
//! that says it (RFC 7953 §3.1).
//!
//! [`WorkingHours::to_ics`] writes one VAVAILABILITY without DTSTART (so
//! its span is unbounded) and with the default BUSYTYPE, BUSY-UNAVAILABLE
//! (RFC 7953 §3.2): every time is unavailable except its AVAILABLE
//! components. Each span of hours (a day may have several: 09:00-12:00
//! and 13:00-17:00) is one AVAILABLE for all the days that have it, a
//! weekly RRULE with those days in BYDAY, its DTSTART and DTEND the
//! hours on the wall clock of the person's zone, so that the hours stay
//! 09:00 to 17:00 when the clocks change (RFC 5545 §3.3.10).
//!
//! Written short, for a command line or a configuration, working hours
//! are days and times: `mon-thu 09:00-12:00 13:00-17:00, fri 09:00-15:00`
//! ([`WorkingHours::parse_spec`], and `Display` the other way).
//!
//! [`WorkingHours::read`] reads such a text back, and only such a text:
//! an availability written by hand (a vacation, a second priority, a
//! bounded span) is not working hours, and a form that showed it as
//! working hours would lose what it says when saved.

use crate::Timestamp;
use crate::model::values::weekday_of;
use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarFreeBusyType, ICalendarFrequency,
    ICalendarProperty, ICalendarValue,
};
use chrono::{Datelike, Days, NaiveDate, NaiveTime, Timelike, Weekday};
use thiserror::Error;

/// One day's hours: from `from` until `until` on the wall clock, `from`
/// before `until` (a day's hours do not cross midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hours {
    /// When the day's available time begins.
    pub from: NaiveTime,
    /// When it ends.
    pub until: NaiveTime,
}

impl Hours {
    /// The hours from `from` until `until`, to the minute (seconds are
    /// dropped), when `from` is before `until`.
    pub fn new(from: NaiveTime, until: NaiveTime) -> Option<Hours> {
        let minute = |t: NaiveTime| NaiveTime::from_hms_opt(t.hour(), t.minute(), 0);
        let (from, until) = (minute(from)?, minute(until)?);
        (from < until).then_some(Hours { from, until })
    }
}

/// A week of working hours in one time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingHours {
    /// The zone the hours are read in.
    pub zone: chrono_tz::Tz,
    /// Each day's spans of hours, Monday first, in order and apart from
    /// each other ([`WorkingHours::set_day`] keeps them so); none is a
    /// day off.
    pub days: [Vec<Hours>; 7],
}

/// The days of the week in the order of [`WorkingHours::days`].
pub const WEEK: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

impl WorkingHours {
    /// No working hours at all, in `zone`.
    pub fn none(zone: chrono_tz::Tz) -> WorkingHours {
        WorkingHours { zone, days: Default::default() }
    }

    /// Gives `day` the spans `hours`, in order. `None` when two of them
    /// overlap: a span must end before (or when) the next begins.
    pub fn set_day(&mut self, day: Weekday, mut hours: Vec<Hours>) -> Option<()> {
        hours.sort();
        if hours.windows(2).any(|pair| pair[0].until > pair[1].from) {
            return None;
        }
        self.days[day.num_days_from_monday() as usize] = hours;
        Some(())
    }

    /// Whether no day has hours: such an availability would make every
    /// time unavailable, which is not what a person who clears the form
    /// means (they mean "no working hours": always available).
    pub fn is_empty(&self) -> bool {
        self.days.iter().all(Vec::is_empty)
    }

    /// The VAVAILABILITY text of these hours (RFC 7953 §3.1). `uid` names
    /// it (each AVAILABLE gets `uid` and its number); `stamp` is its
    /// DTSTAMP, and its week is the week the AVAILABLE recurrences start
    /// in. Days with the same span share one AVAILABLE, in the order of
    /// their first day and then of the span.
    pub fn to_ics(&self, uid: &str, stamp: Timestamp) -> String {
        let stamp_text = stamp.to_ical();
        let zone = self.zone.name();
        // The Monday of the week that holds `stamp` on the zone's clock.
        let today = chrono::DateTime::from_timestamp(stamp.seconds(), 0)
            .map(|utc| utc.with_timezone(&self.zone).date_naive())
            .unwrap_or_default();
        let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
        let mut groups: Vec<(Hours, Vec<usize>)> = Vec::new();
        for (day, spans) in self.days.iter().enumerate() {
            for hours in spans {
                match groups.iter_mut().find(|(h, _)| h == hours) {
                    Some((_, days)) => days.push(day),
                    None => groups.push((*hours, vec![day])),
                }
            }
        }
        let mut text =
            String::from("BEGIN:VCALENDAR\r\nPRODID:-//imip//working hours//EN\r\nVERSION:2.0\r\n");
        text.push_str(&format!("BEGIN:VAVAILABILITY\r\nUID:{uid}\r\nDTSTAMP:{stamp_text}\r\n"));
        for (number, (hours, days)) in groups.iter().enumerate() {
            let date = monday + Days::new(days[0] as u64);
            let at = |time: NaiveTime| format!("{}T{}", date.format("%Y%m%d"), time.format("%H%M%S"));
            let byday = days.iter().map(|&d| day_code(WEEK[d])).collect::<Vec<_>>().join(",");
            text.push_str(&format!(
                "BEGIN:AVAILABLE\r\nUID:{uid}-{}\r\nDTSTAMP:{stamp_text}\r\n\
                 DTSTART;TZID={zone}:{}\r\nDTEND;TZID={zone}:{}\r\nRRULE:FREQ=WEEKLY;BYDAY={byday}\r\n\
                 END:AVAILABLE\r\n",
                number + 1,
                at(hours.from),
                at(hours.until),
            ));
        }
        text.push_str("END:VAVAILABILITY\r\nEND:VCALENDAR\r\n");
        text
    }

    /// The working hours `text` says, when it says nothing else: one
    /// VAVAILABILITY with no span, priority or busy type of its own, whose
    /// AVAILABLE components are each a weekly RRULE over some days,
    /// starting and ending on one day in one named zone, no two of them
    /// overlapping on a day. `None` for anything else, however valid.
    pub fn read(text: &str) -> Option<WorkingHours> {
        let calendar = ICalendar::parse(text).ok()?;
        let mut outer = calendar.components.iter().filter(|c| {
            !matches!(c.component_type, ICalendarComponentType::VCalendar | ICalendarComponentType::Available)
        });
        let availability = outer.next()?;
        if outer.next().is_some() || availability.component_type != ICalendarComponentType::VAvailability {
            return None;
        }
        let plain = availability.entries.iter().all(|e| match &e.name {
            ICalendarProperty::Uid | ICalendarProperty::Dtstamp => true,
            ICalendarProperty::Busytype => match e.values.first() {
                Some(ICalendarValue::BusyType(ICalendarFreeBusyType::BusyUnavailable)) => true,
                Some(ICalendarValue::Text(t)) => t.eq_ignore_ascii_case("BUSY-UNAVAILABLE"),
                _ => false,
            },
            _ => false,
        });
        if !plain {
            return None;
        }
        let mut zone = None;
        let mut days: [Vec<Hours>; 7] = Default::default();
        let mut any = false;
        for &child in &availability.component_ids {
            let available = calendar.components.get(child as usize)?;
            if available.component_type != ICalendarComponentType::Available {
                return None;
            }
            let (their_zone, hours, weekdays) = read_available(available)?;
            if *zone.get_or_insert(their_zone) != their_zone {
                return None;
            }
            for day in weekdays {
                days[day.num_days_from_monday() as usize].push(hours);
            }
            any = true;
        }
        if !any {
            return None;
        }
        let mut hours = WorkingHours::none(zone?);
        for (day, spans) in WEEK.into_iter().zip(days) {
            hours.set_day(day, spans)?;
        }
        Some(hours)
    }
}

/// Why a short form of working hours cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum HoursSpecError {
    /// An item that is not days and time spans.
    #[error("{0:?}: give days and hours, such as mon-fri 09:00-17:00")]
    Shape(String),
    /// Not a day of the week.
    #[error("{0:?} is not a day (mon, tue, wed, thu, fri, sat or sun)")]
    UnknownDay(String),
    /// Not a time range.
    #[error("{0:?} is not a time range such as 09:00-17:00")]
    BadTimes(String),
    /// A range that ends when or before it begins.
    #[error("{0}: the hours must end after they begin")]
    EndBeforeStart(String),
    /// A day given twice.
    #[error("{0} is given twice")]
    Twice(String),
    /// Spans of one day that overlap.
    #[error("{0}: the hours of a day must not overlap")]
    Overlap(String),
}

impl WorkingHours {
    /// Reads the short form: items separated by `,` or `;`, each days and
    /// one or more time spans, such as `mon-fri 09:00-12:00 13:00-17:00,
    /// sat 10:00-14:00`. Days are `mon` to `sun` (or their English names),
    /// one or a range (a range may wrap: `fri-mon`); times are `HH:MM` on
    /// the clock of `zone`. `none` (or nothing) is no working hours.
    pub fn parse_spec(text: &str, zone: chrono_tz::Tz) -> Result<WorkingHours, HoursSpecError> {
        let mut hours = WorkingHours::none(zone);
        let text = text.trim();
        if text.is_empty() || text.eq_ignore_ascii_case("none") {
            return Ok(hours);
        }
        for item in text.split([',', ';']).map(str::trim) {
            let mut words = item.split_whitespace();
            let shape = || HoursSpecError::Shape(item.chars().take(100).collect());
            let days = words.next().ok_or_else(shape)?;
            let mut spans = Vec::new();
            for range in words {
                let bad_times = || HoursSpecError::BadTimes(range.chars().take(100).collect());
                let (from, until) = range.split_once(['-', '–']).ok_or_else(bad_times)?;
                let time = |t: &str| NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| bad_times());
                spans.push(
                    Hours::new(time(from)?, time(until)?)
                        .ok_or_else(|| HoursSpecError::EndBeforeStart(item.to_string()))?,
                );
            }
            if spans.is_empty() {
                return Err(shape());
            }
            for day in day_range(days)? {
                if !hours.days[day.num_days_from_monday() as usize].is_empty() {
                    return Err(HoursSpecError::Twice(day_name(day).to_string()));
                }
                hours
                    .set_day(day, spans.clone())
                    .ok_or_else(|| HoursSpecError::Overlap(item.chars().take(100).collect()))?;
            }
        }
        Ok(hours)
    }
}

/// The short form (`mon-thu 09:00-12:00 13:00-17:00, fri 09:00-15:00`,
/// or `none`): each run of days in a row with the same hours, Monday
/// first.
impl std::fmt::Display for WorkingHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        let mut first = true;
        let mut day = 0;
        while day < 7 {
            let spans = &self.days[day];
            if spans.is_empty() {
                day += 1;
                continue;
            }
            let mut last = day;
            while last + 1 < 7 && self.days[last + 1] == *spans {
                last += 1;
            }
            if !first {
                f.write_str(", ")?;
            }
            first = false;
            f.write_str(day_name(WEEK[day]))?;
            if last > day {
                write!(f, "-{}", day_name(WEEK[last]))?;
            }
            for hours in spans {
                write!(f, " {}-{}", hours.from.format("%H:%M"), hours.until.format("%H:%M"))?;
            }
            day = last + 1;
        }
        Ok(())
    }
}

/// The days `text` names: one day, or a range from one to another.
fn day_range(text: &str) -> Result<Vec<Weekday>, HoursSpecError> {
    let day = |name: &str| {
        let lower = name.to_ascii_lowercase();
        WEEK.into_iter()
            .find(|d| day_name(*d) == lower || full_name(*d) == lower)
            .ok_or_else(|| HoursSpecError::UnknownDay(name.chars().take(100).collect()))
    };
    let Some((from, to)) = text.split_once('-') else { return Ok(vec![day(text)?]) };
    let (mut at, to) = (day(from)?, day(to)?);
    let mut days = vec![at];
    while at != to {
        at = at.succ();
        days.push(at);
    }
    Ok(days)
}

/// The short name of a day in the short form: `mon` to `sun`.
pub fn day_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

/// The English name of a day, in lower case.
fn full_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "monday",
        Weekday::Tue => "tuesday",
        Weekday::Wed => "wednesday",
        Weekday::Thu => "thursday",
        Weekday::Fri => "friday",
        Weekday::Sat => "saturday",
        Weekday::Sun => "sunday",
    }
}

/// An AVAILABLE of working hours: its zone, hours and days.
fn read_available(available: &ICalendarComponent) -> Option<(chrono_tz::Tz, Hours, Vec<Weekday>)> {
    let (mut start, mut end, mut rule) = (None, None, None);
    for entry in &available.entries {
        match &entry.name {
            ICalendarProperty::Uid | ICalendarProperty::Dtstamp => {}
            ICalendarProperty::Dtstart if start.is_none() => start = Some(entry),
            ICalendarProperty::Dtend if end.is_none() => end = Some(entry),
            ICalendarProperty::Rrule if rule.is_none() => rule = Some(entry),
            _ => return None,
        }
    }
    let wall = |entry: &calcard::icalendar::ICalendarEntry| {
        let zone = crate::prefs::parse_zone(entry.tz_id()?)?;
        let Some(ICalendarValue::PartialDateTime(value)) = entry.values.first() else { return None };
        if value.tz_hour.is_some() || value.tz_minute.is_some() {
            return None;
        }
        let date =
            NaiveDate::from_ymd_opt(i32::from(value.year?), u32::from(value.month?), u32::from(value.day?))?;
        let time = NaiveTime::from_hms_opt(
            u32::from(value.hour?),
            u32::from(value.minute?),
            u32::from(value.second.unwrap_or(0)),
        )?;
        Some((zone, date, time))
    };
    let (zone, date, from) = wall(start?)?;
    let (end_zone, end_date, until) = wall(end?)?;
    if end_zone != zone || end_date != date || from.second() != 0 || until.second() != 0 {
        return None;
    }
    let hours = Hours::new(from, until)?;
    let Some(ICalendarValue::RecurrenceRule(rule)) = rule?.values.first() else { return None };
    let weekly_by_day = rule.freq == ICalendarFrequency::Weekly
        && rule.interval.unwrap_or(1) == 1
        && rule.until.is_none()
        && rule.count.is_none()
        && super::simple_rule::no_parts_but_byday(rule)
        && !rule.byday.is_empty()
        && rule.byday.iter().all(|d| d.ordwk.is_none());
    if !weekly_by_day {
        return None;
    }
    let weekdays: Vec<Weekday> = rule.byday.iter().map(|d| weekday_of(d.weekday)).collect();
    // DTSTART is the series' first occurrence (RFC 5545 §3.8.5.3): on one
    // of its days, or it would add a day the form cannot show.
    if !weekdays.contains(&date.weekday()) {
        return None;
    }
    Some((zone, hours, weekdays))
}

/// RFC 5545's two-letter code of a day (§3.3.10, "weekday").
fn day_code(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::freebusy::{Availability, Expansion, FbType};
    use proptest::prelude::*;

    fn t(text: &str) -> NaiveTime {
        NaiveTime::parse_from_str(text, "%H:%M").unwrap()
    }

    fn at(text: &str) -> Timestamp {
        Timestamp::parse_utc(text).unwrap()
    }

    /// Monday to Friday 09:00-17:00, Friday to 15:00, in Oslo.
    fn span(from: &str, until: &str) -> Hours {
        Hours::new(t(from), t(until)).unwrap()
    }

    fn office() -> WorkingHours {
        let day = vec![span("09:00", "17:00")];
        let friday = vec![span("09:00", "15:00")];
        WorkingHours {
            zone: chrono_tz::Europe::Oslo,
            days: [day.clone(), day.clone(), day.clone(), day, friday, Vec::new(), Vec::new()],
        }
    }

    /// What the availability makes unavailable in `[from, to)`.
    fn unavailable(hours: &WorkingHours, from: &str, to: &str) -> Vec<(String, String, FbType)> {
        let text = hours.to_ics("hours-1@example.com", at("20270104T120000Z"));
        let availability = Availability::parse(&text).unwrap();
        let expansion = Expansion {
            zone: chrono_tz::UTC,
            from: at(from),
            until: at(to),
            max_occurrences: 10_000,
            max_scan: 100_000,
        };
        availability
            .unavailable(at(from), at(to), &expansion)
            .into_iter()
            .map(|(a, b, kind)| (a.to_ical(), b.to_ical(), kind))
            .collect()
    }

    fn busy(from: &str, to: &str) -> (String, String, FbType) {
        (from.to_string(), to.to_string(), FbType::BusyUnavailable)
    }

    /// RFC 7953 §3.1 and §4: outside the AVAILABLE times the VAVAILABILITY
    /// makes the time BUSY-UNAVAILABLE, its default BUSYTYPE (§3.2). In
    /// January Oslo is UTC+1: 09:00-17:00 is 08:00Z-16:00Z, and the
    /// weekend is unavailable whole.
    #[test]
    fn outside_the_hours_is_unavailable_and_the_weekend_whole() {
        assert_eq!(
            unavailable(&office(), "20270114T000000Z", "20270118T000000Z"),
            vec![
                busy("20270114T000000Z", "20270114T080000Z"),
                busy("20270114T160000Z", "20270115T080000Z"),
                // Friday ends at 15:00 Oslo time.
                busy("20270115T140000Z", "20270118T000000Z"),
            ]
        );
    }

    /// RFC 5545 §3.3.10: a zoned DTSTART's recurrences keep its wall
    /// clock. Oslo moves to UTC+2 on Sunday 28 March 2027: the Friday
    /// before is 08:00Z-14:00Z, the Monday after 07:00Z-15:00Z.
    #[test]
    fn the_hours_follow_the_clock_across_the_change_to_summer_time() {
        assert_eq!(
            unavailable(&office(), "20270326T000000Z", "20270330T000000Z"),
            vec![
                busy("20270326T000000Z", "20270326T080000Z"),
                busy("20270326T140000Z", "20270329T070000Z"),
                busy("20270329T150000Z", "20270330T000000Z"),
            ]
        );
    }

    #[test]
    fn days_with_the_same_hours_share_one_available_and_read_back_whole() {
        let text = office().to_ics("hours-1@example.com", at("20270104T120000Z"));
        assert_eq!(text.matches("BEGIN:AVAILABLE").count(), 2, "{text}");
        assert!(text.contains("DTSTART;TZID=Europe/Oslo:20270104T090000\r\n"), "{text}");
        assert!(text.contains("RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH\r\n"), "{text}");
        assert!(text.contains("DTSTART;TZID=Europe/Oslo:20270108T090000\r\n"), "{text}");
        assert!(text.contains("DTEND;TZID=Europe/Oslo:20270108T150000\r\n"), "{text}");
        assert!(!text.contains("PRIORITY") && !text.contains("BUSYTYPE"), "{text}");
        assert_eq!(WorkingHours::read(&text), Some(office()));
    }

    /// The recurrences start in the week the hours were saved, on the
    /// zone's clock: 23:30Z on Sunday 10 January is Monday in Auckland.
    #[test]
    fn the_first_week_is_the_week_of_saving_on_the_zones_clock() {
        let mut hours = office();
        hours.zone = chrono_tz::Pacific::Auckland;
        let text = hours.to_ics("h@example.com", at("20270110T233000Z"));
        assert!(text.contains("DTSTART;TZID=Pacific/Auckland:20270111T090000\r\n"), "{text}");
        hours.zone = chrono_tz::America::New_York;
        let text = hours.to_ics("h@example.com", at("20270110T233000Z"));
        assert!(text.contains("DTSTART;TZID=America/New_York:20270104T090000\r\n"), "{text}");
    }

    #[test]
    fn an_availability_that_says_more_than_working_hours_is_not_read_as_them() {
        let ours = office().to_ics("h@example.com", at("20270104T120000Z"));
        let edit = |from: &str, to: &str| ours.replacen(from, to, 1);
        let others = [
            ("a priority", edit("DTSTAMP:20270104T120000Z\r\n", "DTSTAMP:20270104T120000Z\r\nPRIORITY:1\r\n")),
            (
                "a bounded span",
                edit("DTSTAMP:20270104T120000Z\r\n", "DTSTAMP:20270104T120000Z\r\nDTSTART:20270101T000000Z\r\n"),
            ),
            ("a busy type of its own", edit("DTSTAMP:20270104T120000Z\r\n", "DTSTAMP:20270104T120000Z\r\nBUSYTYPE:BUSY\r\n")),
            ("a count", edit("BYDAY=MO,TU,WE,TH", "BYDAY=MO,TU,WE,TH;COUNT=10")),
            ("every other week", edit("BYDAY=MO,TU,WE,TH", "BYDAY=MO,TU,WE,TH;INTERVAL=2")),
            ("an ordinal day", edit("BYDAY=MO,TU,WE,TH", "BYDAY=1MO")),
            ("a day in two, overlapping", edit("BYDAY=FR", "BYDAY=TH,FR")),
            ("a first day off its days", edit("BYDAY=FR", "BYDAY=SA")),
            ("floating times", ours.replace(";TZID=Europe/Oslo", "")),
            ("UTC times", edit("20270104T090000", "20270104T090000Z")),
            ("two zones", edit("TZID=Europe/Oslo:20270108T090000", "TZID=Europe/Berlin:20270108T090000")),
            ("an end on another day", edit("20270104T170000", "20270105T170000")),
            ("a summary", edit("BEGIN:AVAILABLE\r\n", "BEGIN:AVAILABLE\r\nSUMMARY:Office\r\n")),
            ("an exception", edit("RRULE:FREQ=WEEKLY;BYDAY=FR\r\n", "RRULE:FREQ=WEEKLY;BYDAY=FR\r\nEXDATE;TZID=Europe/Oslo:20270115T090000\r\n")),
            ("a second VAVAILABILITY", ours.replace("END:VCALENDAR", "BEGIN:VAVAILABILITY\r\nUID:x\r\nDTSTAMP:20270104T120000Z\r\nEND:VAVAILABILITY\r\nEND:VCALENDAR")),
            ("an event beside it", ours.replace("END:VCALENDAR", "BEGIN:VEVENT\r\nUID:e\r\nDTSTAMP:20270104T120000Z\r\nDTSTART:20270104T120000Z\r\nEND:VEVENT\r\nEND:VCALENDAR")),
            ("no AVAILABLE", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VAVAILABILITY\r\nUID:x\r\nDTSTAMP:20270104T120000Z\r\nEND:VAVAILABILITY\r\nEND:VCALENDAR\r\n".to_string()),
            ("not iCalendar", "working hours: 9 to 5".to_string()),
        ];
        for (what, text) in others {
            assert_ne!(text, ours, "{what}: the edit applied");
            assert_eq!(WorkingHours::read(&text), None, "{what}:\n{text}");
        }
        // The default busy type said outright is still working hours.
        let said =
            edit("DTSTAMP:20270104T120000Z\r\n", "DTSTAMP:20270104T120000Z\r\nBUSYTYPE:BUSY-UNAVAILABLE\r\n");
        assert_eq!(WorkingHours::read(&said), Some(office()));
    }

    #[test]
    fn hours_end_after_they_begin_and_are_kept_to_the_minute() {
        assert_eq!(Hours::new(t("17:00"), t("09:00")), None);
        assert_eq!(Hours::new(t("09:00"), t("09:00")), None);
        let hours = Hours::new(NaiveTime::from_hms_opt(9, 0, 59).unwrap(), t("09:01")).unwrap();
        assert_eq!((hours.from, hours.until), (t("09:00"), t("09:01")));
        assert!(WorkingHours::none(chrono_tz::UTC).is_empty() && !office().is_empty());
    }

    /// A day with a break: two spans, each its own AVAILABLE for all the
    /// days that have it (RFC 7953 §3.1); the break is unavailable.
    #[test]
    fn a_day_with_a_break_is_two_spans_and_the_break_is_unavailable() {
        let oslo = chrono_tz::Europe::Oslo;
        let split = WorkingHours::parse_spec("mon-fri 09:00-12:00 13:00-17:00", oslo).unwrap();
        assert_eq!(split.days[0], vec![span("09:00", "12:00"), span("13:00", "17:00")]);
        assert_eq!(split.to_string(), "mon-fri 09:00-12:00 13:00-17:00");
        let text = split.to_ics("h@example.com", at("20270104T120000Z"));
        assert_eq!(text.matches("RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\r\n").count(), 2, "{text}");
        assert_eq!(WorkingHours::read(&text), Some(split.clone()));
        assert_eq!(
            unavailable(&split, "20270114T000000Z", "20270115T000000Z"),
            vec![
                busy("20270114T000000Z", "20270114T080000Z"),
                busy("20270114T110000Z", "20270114T120000Z"),
                busy("20270114T160000Z", "20270115T000000Z"),
            ]
        );
        let mut hours = WorkingHours::none(oslo);
        assert_eq!(
            hours.set_day(Weekday::Mon, vec![span("13:00", "17:00"), span("09:00", "13:00")]),
            Some(())
        );
        assert_eq!(
            hours.days[0],
            vec![span("09:00", "13:00"), span("13:00", "17:00")],
            "in order; touching is fine"
        );
        assert_eq!(hours.set_day(Weekday::Mon, vec![span("09:00", "13:00"), span("12:00", "17:00")]), None);
        assert_eq!(
            WorkingHours::parse_spec("mon 09:00-13:00 12:00-17:00", oslo),
            Err(HoursSpecError::Overlap("mon 09:00-13:00 12:00-17:00".into()))
        );
    }

    #[test]
    fn the_short_form_reads_days_ranges_and_times() {
        let oslo = chrono_tz::Europe::Oslo;
        assert_eq!(WorkingHours::parse_spec("mon-thu 09:00-17:00, fri 09:00-15:00", oslo), Ok(office()));
        assert_eq!(
            WorkingHours::parse_spec(" Monday-Thursday 9:00-17:00; FRI 09:00–15:00 ", oslo),
            Ok(office())
        );
        assert_eq!(office().to_string(), "mon-thu 09:00-17:00, fri 09:00-15:00");
        let weekend = WorkingHours::parse_spec("fri-mon 10:00-14:00", oslo).unwrap();
        assert_eq!(weekend.to_string(), "mon 10:00-14:00, fri-sun 10:00-14:00");
        assert_eq!(WorkingHours::parse_spec("none", oslo), Ok(WorkingHours::none(oslo)));
        assert_eq!(WorkingHours::none(oslo).to_string(), "none");
        let errors = [
            ("mon-fri", HoursSpecError::Shape("mon-fri".into())),
            ("mon-fri 9 to 5", HoursSpecError::BadTimes("9".into())),
            ("moon 09:00-17:00", HoursSpecError::UnknownDay("moon".into())),
            ("mon 9-17", HoursSpecError::BadTimes("9-17".into())),
            ("mon 25:00-26:00", HoursSpecError::BadTimes("25:00-26:00".into())),
            ("mon 17:00-09:00", HoursSpecError::EndBeforeStart("mon 17:00-09:00".into())),
            ("mon-fri 09:00-17:00, fri 10:00-12:00", HoursSpecError::Twice("fri".into())),
        ];
        for (text, error) in errors {
            assert_eq!(WorkingHours::parse_spec(text, oslo), Err(error), "{text}");
        }
    }

    /// A day's spans: up to three, in order, apart.
    fn any_day() -> impl Strategy<Value = Vec<Hours>> {
        proptest::collection::btree_set(0u32..1440, 0..=6).prop_map(|minutes| {
            let time = |m: u32| NaiveTime::from_hms_opt(m / 60, m % 60, 0).unwrap();
            let minutes: Vec<u32> = minutes.into_iter().collect();
            minutes.chunks_exact(2).filter_map(|pair| Hours::new(time(pair[0]), time(pair[1]))).collect()
        })
    }

    proptest! {
        /// Whatever a form can say is read back as it was said.
        #[test]
        fn what_is_written_is_read_back(
            days in proptest::array::uniform7(any_day()),
            zone in prop::sample::select(vec![
                chrono_tz::UTC, chrono_tz::Europe::Oslo, chrono_tz::America::St_Johns,
                chrono_tz::Asia::Kolkata, chrono_tz::Australia::Lord_Howe, chrono_tz::Pacific::Kiritimati,
            ]),
            stamp in 1_600_000_000i64..2_200_000_000,
        ) {
            let hours = WorkingHours { zone, days };
            prop_assume!(!hours.is_empty());
            let text = hours.to_ics("h@example.com", Timestamp::from_seconds(stamp));
            prop_assert!(Availability::parse(&text).is_ok(), "{}", text);
            prop_assert_eq!(WorkingHours::read(&text), Some(hours.clone()));
            prop_assert_eq!(WorkingHours::parse_spec(&hours.to_string(), zone), Ok(hours));
        }
    }
}
