//! Custom VTIMEZONEs (RFC 5545 §3.6.5) that name no known zone.
//!
//! calcard maps a VTIMEZONE to a real zone by its TZID, X-LIC-LOCATION
//! or X-MICROSOFT-CDO-TZID. A zone made up by its sender (RFC 5546
//! §4.4.1's `America-SanJose`, Lotus Notes' and older Outlook's
//! definitions) has none of them, and its times would be read as
//! floating. Here such a VTIMEZONE is evaluated from its own STANDARD and
//! DAYLIGHT rules over the years the object uses, and the IANA zone with
//! the same offsets at every sampled instant stands in for it. Its TZID
//! is kept; only the resolver learns the alias.

#[cfg(test)]
use crate::Timestamp;
use calcard::icalendar::timezone::TzResolver;
use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarProperty, ICalendarValue,
};
use chrono::{DateTime, Datelike, Offset, TimeZone};
use std::collections::BTreeSet;
use std::str::FromStr;

/// Most years sampled when matching a custom zone.
const MAX_YEARS: i32 = 5;
/// Most onsets one observance may contribute.
const MAX_ONSETS: usize = 600;

/// The object's zone resolver: calcard's, plus an IANA alias for each
/// custom VTIMEZONE whose rules match one over the years in use.
pub(crate) fn resolver(calendar: &ICalendar) -> TzResolver<String> {
    let base = calendar.build_owned_tz_resolver();
    let mut replaced = Vec::new();
    for zone in calendar.timezones() {
        let Some(name) = tzid(zone) else { continue };
        if base.resolve(name).is_some() {
            continue;
        }
        let years = years_using(calendar, name);
        let Some((first, last)) = years.first().zip(years.last()) else { continue };
        let (from, to) = (first - 1, (last + 1).min(first - 1 + MAX_YEARS));
        let observances = observances(calendar, zone);
        if observances.is_empty() {
            continue;
        }
        if let Some(iana) = matching_zone(&observances, from, to) {
            let mut alias = zone.clone();
            alias.entries.push(ICalendarEntry {
                name: ICalendarProperty::Other("X-LIC-LOCATION".into()),
                params: Vec::new(),
                values: vec![ICalendarValue::Text(iana.name().to_string())],
            });
            replaced.push(alias);
        }
    }
    if replaced.is_empty() {
        return base;
    }
    let names: BTreeSet<String> = replaced.iter().filter_map(|z| tzid(z).map(str::to_string)).collect();
    let mut components: Vec<ICalendarComponent> =
        calendar.timezones().filter(|z| tzid(z).is_none_or(|n| !names.contains(n))).cloned().collect();
    components.extend(replaced);
    ICalendar { components }.build_owned_tz_resolver()
}

fn tzid(zone: &ICalendarComponent) -> Option<&str> {
    zone.property(&ICalendarProperty::Tzid).and_then(|e| e.values.first()).and_then(ICalendarValue::as_text)
}

/// The years of every date-time in the calendar written with `name`.
fn years_using(calendar: &ICalendar, name: &str) -> Vec<i32> {
    let mut years = BTreeSet::new();
    for component in &calendar.components {
        if component.component_type == ICalendarComponentType::VTimezone {
            continue;
        }
        for entry in component.entries.iter().filter(|e| e.tz_id() == Some(name)) {
            for value in &entry.values {
                if let Some(year) = value.as_partial_date_time().and_then(|v| v.year) {
                    years.insert(i32::from(year));
                }
            }
        }
    }
    years.into_iter().collect()
}

/// One onset of an observance: from this UTC instant, this offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Onset {
    at: i64,
    offset: i32,
}

/// TZOFFSETFROM/TZOFFSETTO as seconds east of UTC.
fn offset(component: &ICalendarComponent, name: &ICalendarProperty) -> Option<i32> {
    let value = component.property(name)?.values.first()?.as_partial_date_time()?;
    let seconds = i32::from(value.tz_hour?) * 3600 + i32::from(value.tz_minute.unwrap_or(0)) * 60;
    Some(if value.tz_minus { -seconds } else { seconds })
}

/// Every onset of every STANDARD and DAYLIGHT observance, up to the end
/// of year `until`, sorted (RFC 5545 §3.6.5).
fn observances(calendar: &ICalendar, zone: &ICalendarComponent) -> Vec<Onset> {
    let mut onsets = Vec::new();
    for &child in &zone.component_ids {
        let Some(observance) = calendar.components.get(child as usize) else { continue };
        if !matches!(
            observance.component_type,
            ICalendarComponentType::Standard | ICalendarComponentType::Daylight
        ) {
            continue;
        }
        let (Some(from), Some(to)) = (
            offset(observance, &ICalendarProperty::Tzoffsetfrom),
            offset(observance, &ICalendarProperty::Tzoffsetto),
        ) else {
            continue;
        };
        let Some(start) = observance
            .property(&ICalendarProperty::Dtstart)
            .and_then(|e| e.values.first()?.as_partial_date_time()?.to_date_time())
            .map(|d| d.date_time)
        else {
            continue;
        };
        let mut locals = vec![start];
        for entry in observance.properties(&ICalendarProperty::Rdate) {
            locals.extend(
                entry
                    .values
                    .iter()
                    .filter_map(|v| v.as_partial_date_time()?.to_date_time())
                    .map(|d| d.date_time),
            );
        }
        if let Some(ICalendarValue::RecurrenceRule(rule)) =
            observance.property(&ICalendarProperty::Rrule).and_then(|e| e.values.first())
        {
            let mut bare = (**rule).clone();
            let until = bare.until.take().and_then(|u| u.to_date_time()).map(|d| d.date_time);
            if let Ok(parsed) = rrule::RRule::<rrule::Unvalidated>::from_str(&bare.to_string())
                && let Ok(set) = parsed.build(rrule::Tz::UTC.from_utc_datetime(&start))
            {
                for date in set.into_iter().take(MAX_ONSETS) {
                    let local = date.naive_utc();
                    if until.is_some_and(|u| local > u) || local.year() > 2100 {
                        break;
                    }
                    locals.push(local);
                }
            }
        }
        onsets.extend(
            locals
                .into_iter()
                .map(|local| Onset { at: local.and_utc().timestamp() - i64::from(from), offset: to }),
        );
    }
    onsets.sort();
    onsets.dedup();
    onsets
}

/// The custom zone's offset at a UTC instant: the latest onset's, or
/// before any, the first observance's.
fn offset_at(onsets: &[Onset], at: i64) -> i32 {
    let index = onsets.partition_point(|o| o.at <= at);
    match index {
        0 => onsets.first().map_or(0, |o| o.offset),
        i => onsets[i - 1].offset,
    }
}

/// The first IANA zone (in chrono-tz order) whose offset equals the
/// custom zone's at mid-January, mid-July and around every onset of the
/// years `from..=to`.
fn matching_zone(onsets: &[Onset], from: i32, to: i32) -> Option<chrono_tz::Tz> {
    let year_start = |y: i32| {
        chrono::NaiveDate::from_ymd_opt(y, 1, 1)
            .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc().timestamp())
    };
    let (Some(start), Some(end)) = (year_start(from), year_start(to + 1)) else { return None };
    let mut samples: Vec<i64> = Vec::new();
    for year in from..=to {
        for (month, day) in [(1, 15), (7, 15)] {
            if let Some(date) =
                chrono::NaiveDate::from_ymd_opt(year, month, day).and_then(|d| d.and_hms_opt(12, 0, 0))
            {
                samples.push(date.and_utc().timestamp());
            }
        }
    }
    for onset in onsets.iter().filter(|o| o.at >= start && o.at < end) {
        samples.extend([onset.at - 3600, onset.at + 3600]);
    }
    let expected: Vec<i32> = samples.iter().map(|&at| offset_at(onsets, at)).collect();
    chrono_tz::TZ_VARIANTS.iter().copied().find(|zone| {
        samples.iter().zip(&expected).all(|(&at, &want)| {
            DateTime::from_timestamp(at, 0)
                .map(|utc| zone.offset_from_utc_datetime(&utc.naive_utc()).fix().local_minus_utc() == want)
                .unwrap_or(false)
        })
    })
}

/// A custom zone's offset at an instant, for tests.
#[cfg(test)]
fn custom_offset(calendar: &ICalendar, name: &str, at: Timestamp) -> Option<i32> {
    let zone = calendar.timezones().find(|z| tzid(z) == Some(name))?;
    Some(offset_at(&observances(calendar, zone), at.seconds()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAN_JOSE: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VTIMEZONE\r\n\
TZID:America-SanJose\r\nBEGIN:STANDARD\r\nDTSTART:19671029T020000\r\n\
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nTZOFFSETFROM:-0700\r\nTZOFFSETTO:-0800\r\nTZNAME:PST\r\n\
END:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19870405T020000\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4\r\n\
TZOFFSETFROM:-0800\r\nTZOFFSETTO:-0700\r\nTZNAME:PDT\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n\
BEGIN:VEVENT\r\nUID:x\r\nDTSTAMP:19970613T190030Z\r\nDTSTART;TZID=America-SanJose:19970701T140000\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn a_custom_zone_is_evaluated_from_its_rules() {
        let calendar = ICalendar::parse(SAN_JOSE).unwrap();
        let at = |t| Timestamp::parse_utc(t).unwrap();
        assert_eq!(custom_offset(&calendar, "America-SanJose", at("19970701T210000Z")), Some(-7 * 3600));
        assert_eq!(custom_offset(&calendar, "America-SanJose", at("19971111T220000Z")), Some(-8 * 3600));
        // 1997: summer time ends on 26 October at 02:00 PDT (09:00 UTC).
        assert_eq!(custom_offset(&calendar, "America-SanJose", at("19971026T085959Z")), Some(-7 * 3600));
        assert_eq!(custom_offset(&calendar, "America-SanJose", at("19971026T090000Z")), Some(-8 * 3600));
    }

    #[test]
    fn a_custom_zone_resolves_to_an_iana_zone_with_the_same_offsets() {
        let calendar = ICalendar::parse(SAN_JOSE).unwrap();
        assert!(calendar.build_owned_tz_resolver().resolve("America-SanJose").is_none());
        let resolved = resolver(&calendar).resolve("America-SanJose").expect("an alias");
        let local = chrono::NaiveDate::from_ymd_opt(1997, 7, 1).unwrap().and_hms_opt(14, 0, 0).unwrap();
        let utc = resolved.from_local_datetime(&local).single().expect("unambiguous").timestamp();
        assert_eq!(Timestamp::from_seconds(utc).to_ical(), "19970701T210000Z");
    }
}
