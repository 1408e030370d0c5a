//! Value checks calcard does not make: it keeps a malformed RRULE or
//! date as text, and reads `20301345T140000Z` as month 13, day 45. A
//! scheduling decision on such a value would be wrong (a bad RRULE read
//! as no recurrence books one instance of a series), so it is refused
//! with its REQUEST-STATUS instead (RFC 5546 §3.6).

use calcard::icalendar::{ICalendarComponent, ICalendarProperty, ICalendarValue};

/// The date and time properties whose every value must be a valid DATE,
/// DATE-TIME or (for RDATE) PERIOD (RFC 5545 §3.3.4, §3.3.5, §3.3.9);
/// also the properties whose TZID must name a usable zone.
pub(crate) const DATE_PROPERTIES: [ICalendarProperty; 6] = [
    ICalendarProperty::Dtstart,
    ICalendarProperty::Dtend,
    ICalendarProperty::Due,
    ICalendarProperty::RecurrenceId,
    ICalendarProperty::Exdate,
    ICalendarProperty::Rdate,
];

/// The first property of `component` with a value that is not what RFC
/// 5545 allows: a date or time that is no calendar date or clock time,
/// or an RRULE that does not parse (§3.3.10).
pub(crate) fn first_invalid(component: &ICalendarComponent) -> Option<ICalendarProperty> {
    component.entries.iter().find(|entry| !valid_entry(entry)).map(|entry| entry.name.clone())
}

/// Removes every property whose value [`first_invalid`] would name, so
/// that nothing invalid is copied into what imip writes.
pub(crate) fn remove_invalid(component: &mut ICalendarComponent) {
    component.entries.retain(valid_entry);
}

#[inline]
fn valid_entry(entry: &calcard::icalendar::ICalendarEntry) -> bool {
    if DATE_PROPERTIES.contains(&entry.name) {
        entry.values.iter().all(valid_date_value)
    } else if entry.name == ICalendarProperty::Rrule {
        entry.values.iter().all(|value| matches!(value, ICalendarValue::RecurrenceRule(_)))
    } else {
        true
    }
}

fn valid_date_value(value: &ICalendarValue) -> bool {
    match value {
        ICalendarValue::PartialDateTime(date) => valid_date_time(date),
        ICalendarValue::Period(_) => true,
        _ => false,
    }
}

/// A DATE (year, month, day that exist) or a DATE-TIME (that, and an
/// hour, minute and second on the clock; 60 seconds for a leap second).
fn valid_date_time(value: &calcard::common::PartialDateTime) -> bool {
    let (Some(year), Some(month), Some(day)) = (value.year, value.month, value.day) else { return false };
    if chrono::NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day)).is_none() {
        return false;
    }
    match (value.hour, value.minute, value.second) {
        (None, None, None) => true,
        (Some(hour), Some(minute), Some(second)) => hour < 24 && minute < 60 && second <= 60,
        _ => false,
    }
}

/// chrono's name for an RRULE's weekday (RFC 5545 §3.3.10).
pub(crate) fn weekday_of(day: calcard::icalendar::ICalendarWeekday) -> chrono::Weekday {
    use calcard::icalendar::ICalendarWeekday;
    use chrono::Weekday;
    match day {
        ICalendarWeekday::Monday => Weekday::Mon,
        ICalendarWeekday::Tuesday => Weekday::Tue,
        ICalendarWeekday::Wednesday => Weekday::Wed,
        ICalendarWeekday::Thursday => Weekday::Thu,
        ICalendarWeekday::Friday => Weekday::Fri,
        ICalendarWeekday::Saturday => Weekday::Sat,
        ICalendarWeekday::Sunday => Weekday::Sun,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(property: &str, value: &str) -> Option<ICalendarProperty> {
        let ics = format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n\
             DTSTAMP:20300101T000000Z\r\n{property}:{value}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        let calendar = calcard::icalendar::ICalendar::parse(&ics).expect("parses");
        let event = calendar
            .components
            .iter()
            .find(|c| c.component_type == calcard::icalendar::ICalendarComponentType::VEvent)
            .expect("event");
        first_invalid(event)
    }

    #[test]
    fn valid_values_pass() {
        for (property, value) in [
            ("DTSTART", "20300310T140000Z"),
            ("DTSTART;VALUE=DATE", "20300310"),
            ("DTSTART;TZID=Europe/Berlin", "20300310T140000"),
            ("DTEND", "20240229T235960Z"),
            ("EXDATE", "20300310T140000Z,20300317T140000Z"),
            ("RDATE;VALUE=PERIOD", "20300310T140000Z/20300310T150000Z"),
            ("RRULE", "FREQ=WEEKLY;BYDAY=TU;UNTIL=20300401T000000Z"),
        ] {
            assert_eq!(check(property, value), None, "{property}:{value}");
        }
    }

    #[test]
    fn invalid_values_are_named() {
        for (property, value, named) in [
            ("DTSTART", "20301345T140000Z", ICalendarProperty::Dtstart),
            ("DTEND", "20230229T100000Z", ICalendarProperty::Dtend),
            ("DTSTART", "20300310T250000Z", ICalendarProperty::Dtstart),
            ("EXDATE", "2030xx", ICalendarProperty::Exdate),
            ("RECURRENCE-ID", "tomorrow", ICalendarProperty::RecurrenceId),
            ("RRULE", "FREQ=FORTNIGHTLY", ICalendarProperty::Rrule),
            ("RRULE", "FREQ=WEEKLY;BYDAY=XX", ICalendarProperty::Rrule),
            ("RRULE", "FREQ=WEEKLY;COUNT=abc", ICalendarProperty::Rrule),
        ] {
            assert_eq!(check(property, value), Some(named), "{property}:{value}");
        }
    }
}
