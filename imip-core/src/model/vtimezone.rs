//! Custom VTIMEZONEs (RFC 5545 §3.6.5) that name no known zone.
//!
//! calcard maps a VTIMEZONE to a real zone by its TZID, X-LIC-LOCATION
//! or X-MICROSOFT-CDO-TZID. A zone made up by its sender (RFC 5546
//! §4.4.1's `America-SanJose`, Lotus Notes' and older Outlook's
//! definitions) has none of them. Here such a VTIMEZONE is evaluated from
//! its own STANDARD and DAYLIGHT rules (DTSTART, RRULE, RDATE,
//! TZOFFSETFROM and TZOFFSETTO). When the IANA zone with the same offsets
//! at every sampled instant of the years the object uses exists, it
//! stands in for the VTIMEZONE (its TZID is kept; only the resolver
//! learns the alias). Otherwise the VTIMEZONE's own rules are the zone
//! ([`RuleZone`], a [`chrono::TimeZone`]), so a zone with no IANA
//! equivalent is read as its sender meant. A TZID that neither calcard
//! nor any rule can resolve is [`Zones::unusable`]: never read as UTC.

#[cfg(test)]
use crate::Timestamp;
use calcard::icalendar::timezone::TzResolver;
use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarProperty, ICalendarValue,
};
use chrono::{DateTime, Datelike, Offset, TimeZone};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

/// Most years sampled when matching a custom zone.
const MAX_YEARS: i32 = 5;
/// Most onsets one observance may contribute.
const MAX_ONSETS: usize = 600;

/// The time zones of one object: calcard's resolver (IANA and Windows
/// names, VTIMEZONEs that name a known zone, and IANA aliases for custom
/// VTIMEZONEs whose rules match one), and the custom VTIMEZONEs that
/// match none, evaluated by their own rules.
pub struct Zones {
    resolver: TzResolver<String>,
    rules: BTreeMap<String, RuleZone>,
}

impl std::fmt::Debug for Zones {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Zones").field("rules", &self.rules.keys().collect::<Vec<_>>()).finish_non_exhaustive()
    }
}

impl Default for Zones {
    /// Only the zones calcard knows by name.
    fn default() -> Self {
        Zones {
            resolver: ICalendar { components: Vec::new() }.build_owned_tz_resolver(),
            rules: BTreeMap::new(),
        }
    }
}

impl Zones {
    /// The known zone a TZID names (calcard's resolution), if any.
    pub fn resolve(&self, name: &str) -> Option<calcard::common::timezone::Tz> {
        self.resolver.resolve(name)
    }

    /// The custom VTIMEZONE a TZID names, evaluated by its own rules,
    /// when no known zone stands for it.
    pub fn rules(&self, name: &str) -> Option<&RuleZone> {
        if self.resolve(name).is_some() { None } else { self.rules.get(name) }
    }

    /// Whether a TZID can be read neither as a known zone nor by rules
    /// (RFC 5545 §3.2.19 requires a VTIMEZONE for it, RFC 5546 §3.1.2 in
    /// every message): such times cannot be placed.
    pub fn unusable(&self, name: &str) -> bool {
        self.resolve(name).is_none_or(|tz| tz.is_floating()) && !self.rules.contains_key(name)
    }
}

/// The object's zones: calcard's resolver, plus an IANA alias for each
/// custom VTIMEZONE whose rules match one over the years in use, plus
/// the rules of those that match none.
pub(crate) fn resolver(calendar: &ICalendar) -> Zones {
    let base = calendar.build_owned_tz_resolver();
    let mut replaced = Vec::new();
    let mut rules = BTreeMap::new();
    for zone in calendar.timezones() {
        let Some(name) = tzid(zone) else { continue };
        if base.resolve(name).is_some() {
            continue;
        }
        let observances = observances(calendar, zone);
        if observances.is_empty() {
            continue;
        }
        let years = years_using(calendar, name);
        let matched = years.first().zip(years.last()).and_then(|(first, last)| {
            matching_zone(&observances, first - 1, (last + 1).min(first - 1 + MAX_YEARS))
        });
        let Some(iana) = matched else {
            rules.insert(name.to_string(), RuleZone { onsets: std::sync::Arc::new(observances) });
            continue;
        };
        let mut alias = zone.clone();
        alias.entries.push(ICalendarEntry {
            name: ICalendarProperty::Other("X-LIC-LOCATION".into()),
            params: Vec::new(),
            values: vec![ICalendarValue::Text(iana.name().to_string())],
        });
        replaced.push(alias);
    }
    if replaced.is_empty() {
        return Zones { resolver: base, rules };
    }
    let names: BTreeSet<String> = replaced.iter().filter_map(|z| tzid(z).map(str::to_string)).collect();
    let mut components: Vec<ICalendarComponent> =
        calendar.timezones().filter(|z| tzid(z).is_none_or(|n| !names.contains(n))).cloned().collect();
    components.extend(replaced);
    Zones { resolver: ICalendar { components }.build_owned_tz_resolver(), rules }
}

/// A custom VTIMEZONE as a [`chrono::TimeZone`]: its offset at any
/// instant is that of the latest onset of its observances (before the
/// first, the first's). Local times in a gap have no reading and those
/// in an overlap two, as chrono expects; imip's reading of local times
/// then applies RFC 5545 §3.3.5 (forward by the gap, the first of two).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleZone {
    onsets: std::sync::Arc<Vec<Onset>>,
}

/// An offset of a [`RuleZone`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleOffset {
    zone: RuleZone,
    offset: chrono::FixedOffset,
}

impl chrono::Offset for RuleOffset {
    fn fix(&self) -> chrono::FixedOffset {
        self.offset
    }
}

impl std::fmt::Display for RuleOffset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.offset.fmt(f)
    }
}

impl RuleZone {
    fn offset(&self, seconds: i32) -> RuleOffset {
        let offset = chrono::FixedOffset::east_opt(seconds)
            .unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("zero"));
        RuleOffset { zone: self.clone(), offset }
    }

    /// Every offset the zone ever has, for local readings.
    fn offsets(&self) -> BTreeSet<i32> {
        self.onsets.iter().map(|o| o.offset).collect()
    }
}

impl TimeZone for RuleZone {
    type Offset = RuleOffset;

    fn from_offset(offset: &RuleOffset) -> Self {
        offset.zone.clone()
    }

    fn offset_from_local_date(&self, local: &chrono::NaiveDate) -> chrono::LocalResult<RuleOffset> {
        match local.and_hms_opt(0, 0, 0) {
            Some(midnight) => self.offset_from_local_datetime(&midnight),
            None => chrono::LocalResult::None,
        }
    }

    fn offset_from_local_datetime(&self, local: &chrono::NaiveDateTime) -> chrono::LocalResult<RuleOffset> {
        let wall = local.and_utc().timestamp();
        // The readings: every offset that is in force at the instant it
        // gives this wall clock, earliest instant first.
        let mut found: Vec<(i64, i32)> = self
            .offsets()
            .into_iter()
            .map(|offset| (wall - i64::from(offset), offset))
            .filter(|&(at, offset)| offset_at(&self.onsets, at) == offset)
            .collect();
        found.sort();
        match found.as_slice() {
            [] => chrono::LocalResult::None,
            [(_, only)] => chrono::LocalResult::Single(self.offset(*only)),
            [(_, first), .., (_, last)] => {
                chrono::LocalResult::Ambiguous(self.offset(*first), self.offset(*last))
            }
        }
    }

    fn offset_from_utc_date(&self, utc: &chrono::NaiveDate) -> RuleOffset {
        let at = utc.and_hms_opt(0, 0, 0).map_or(0, |d| d.and_utc().timestamp());
        self.offset(offset_at(&self.onsets, at))
    }

    fn offset_from_utc_datetime(&self, utc: &chrono::NaiveDateTime) -> RuleOffset {
        self.offset(offset_at(&self.onsets, utc.and_utc().timestamp()))
    }
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

/// Most years a generated VTIMEZONE covers.
const MAX_GENERATED_YEARS: i32 = 12;

/// A VTIMEZONE for an IANA zone, as RFC 5546 §3.1.2 requires in every
/// message that names a TZID: one observance per offset change in the
/// years `from..=to` (each with its own DTSTART, the wall clock before the
/// change, RFC 5545 §3.6.5), after one that fixes the offset at the
/// start of `from`. Returns the VTIMEZONE and its observances, to add to
/// a calendar; nothing for a zone chrono-tz does not know.
pub(crate) fn generate(tzid: &str, zone: chrono_tz::Tz, from: i32, to: i32) -> Vec<ICalendarComponent> {
    use chrono_tz::{OffsetComponents, OffsetName};
    let to = to.min(from + MAX_GENERATED_YEARS - 1);
    let year_start = |y: i32| chrono::NaiveDate::from_ymd_opt(y, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0));
    let (Some(start), Some(end)) = (year_start(from), year_start(to + 1)) else { return Vec::new() };
    let (start, end) = (start.and_utc().timestamp(), end.and_utc().timestamp());
    let offset_at = |at: i64| {
        let utc = DateTime::from_timestamp(at, 0).unwrap_or_default().naive_utc();
        let offset = zone.offset_from_utc_datetime(&utc);
        (
            offset.fix().local_minus_utc(),
            !offset.dst_offset().is_zero(),
            offset.abbreviation().map(str::to_string),
        )
    };
    // (onset in UTC, offset before, offset after, daylight, name)
    let first = offset_at(start);
    let mut changes = vec![(start, first.0, first.0, first.1, first.2.clone())];
    let mut previous = first;
    let mut day = start;
    while day < end {
        let next = (day + 86_400).min(end);
        let here = offset_at(next);
        if here.0 != previous.0 || here.1 != previous.1 {
            // The change lies in (day, next]: find its second.
            let (mut low, mut high) = (day, next);
            while high - low > 1 {
                let middle = low + (high - low) / 2;
                let probe = offset_at(middle);
                if probe.0 == previous.0 && probe.1 == previous.1 { low = middle } else { high = middle }
            }
            changes.push((high, previous.0, here.0, here.1, here.2.clone()));
            previous = here;
        }
        day = next;
    }
    let utc_offset = |seconds: i32| {
        let minutes = seconds.abs() / 60;
        ICalendarValue::PartialDateTime(Box::new(calcard::common::PartialDateTime {
            tz_hour: Some((minutes / 60) as u8),
            tz_minute: Some((minutes % 60) as u8),
            tz_minus: seconds < 0,
            ..Default::default()
        }))
    };
    let mut components = vec![ICalendarComponent {
        component_type: ICalendarComponentType::VTimezone,
        entries: vec![ICalendarEntry {
            name: ICalendarProperty::Tzid,
            params: Vec::new(),
            values: vec![ICalendarValue::Text(tzid.to_string())],
        }],
        component_ids: Vec::new(),
    }];
    for (at, before, after, daylight, name) in changes {
        let Some(local) = DateTime::from_timestamp(at + i64::from(before), 0).map(|d| d.naive_utc()) else {
            continue;
        };
        let mut entries = vec![
            ICalendarEntry {
                name: ICalendarProperty::Dtstart,
                params: Vec::new(),
                values: vec![ICalendarValue::PartialDateTime(Box::new(calcard::common::PartialDateTime {
                    year: u16::try_from(local.year()).ok(),
                    month: Some(local.month() as u8),
                    day: Some(local.day() as u8),
                    hour: Some(chrono::Timelike::hour(&local) as u8),
                    minute: Some(chrono::Timelike::minute(&local) as u8),
                    second: Some(chrono::Timelike::second(&local) as u8),
                    ..Default::default()
                }))],
            },
            ICalendarEntry {
                name: ICalendarProperty::Tzoffsetfrom,
                params: Vec::new(),
                values: vec![utc_offset(before)],
            },
            ICalendarEntry {
                name: ICalendarProperty::Tzoffsetto,
                params: Vec::new(),
                values: vec![utc_offset(after)],
            },
        ];
        if let Some(name) = name.filter(|n| !n.is_empty()) {
            entries.push(ICalendarEntry {
                name: ICalendarProperty::Tzname,
                params: Vec::new(),
                values: vec![ICalendarValue::Text(name)],
            });
        }
        let kind = if daylight { ICalendarComponentType::Daylight } else { ICalendarComponentType::Standard };
        components.push(ICalendarComponent { component_type: kind, entries, component_ids: Vec::new() });
    }
    components
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

#[cfg(test)]
mod own_rules {
    use super::*;
    use crate::Timestamp;

    /// A VTIMEZONE named `name`, from the given observances, in a
    /// calendar with one event at `local` in it.
    fn calendar_with(name: &str, observances: &str, local: &str) -> ICalendar {
        let text = format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VTIMEZONE\r\nTZID:{name}\r\n{observances}\
             END:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTAMP:20250101T000000Z\r\nDTSTART;TZID={name}:{local}\r\n\
             END:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        ICalendar::parse(text).unwrap()
    }

    const HALF_PAST: &str = "BEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n\
TZOFFSETFROM:+0230\r\nTZOFFSETTO:+0130\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nTZOFFSETFROM:+0130\r\nTZOFFSETTO:+0230\r\nEND:DAYLIGHT\r\n";

    fn instant(zones: &Zones, name: &str, local: &str) -> String {
        let local = chrono::NaiveDateTime::parse_from_str(local, "%Y%m%dT%H%M%S").unwrap();
        crate::time::local_instant(zones.rules(name).expect("evaluated by its rules"), local).to_ical()
    }

    #[test]
    fn a_zone_with_no_iana_equivalent_is_read_by_its_own_rules() {
        let calendar = calendar_with("Example-HalfPast", HALF_PAST, "20250325T100000");
        let zones = resolver(&calendar);
        assert!(zones.resolve("Example-HalfPast").is_none(), "no IANA zone stands in");
        assert!(!zones.unusable("Example-HalfPast"));
        assert_eq!(instant(&zones, "Example-HalfPast", "20250325T100000"), "20250325T083000Z");
        assert_eq!(instant(&zones, "Example-HalfPast", "20250401T100000"), "20250401T073000Z");
        // In the gap (02:00 → 03:00 on 30 March): an hour later.
        assert_eq!(instant(&zones, "Example-HalfPast", "20250330T021500"), "20250330T004500Z");
        // In the overlap (03:00 → 02:00 on 26 October): the first reading.
        assert_eq!(instant(&zones, "Example-HalfPast", "20251026T023000"), "20251026T000000Z");
        assert!(zones.unusable("Nowhere/Atlantis"));
    }

    #[test]
    fn an_observance_whose_dtstart_is_not_on_a_rule_date_starts_there() {
        // DTSTART on Wednesday 5 March 2025; the rule names last Sundays.
        let observances = "BEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n\
TZOFFSETFROM:+0230\r\nTZOFFSETTO:+0130\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:20250305T020000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nTZOFFSETFROM:+0130\r\nTZOFFSETTO:+0230\r\nEND:DAYLIGHT\r\n";
        let zones = resolver(&calendar_with("Example-Early", observances, "20250310T100000"));
        assert_eq!(instant(&zones, "Example-Early", "20250304T100000"), "20250304T083000Z");
        assert_eq!(instant(&zones, "Example-Early", "20250310T100000"), "20250310T073000Z");
        assert_eq!(instant(&zones, "Example-Early", "20251110T100000"), "20251110T083000Z");
        assert_eq!(instant(&zones, "Example-Early", "20260330T100000"), "20260330T073000Z");
    }

    #[test]
    fn a_generated_vtimezone_reads_back_as_its_iana_zone() {
        for zone in [
            chrono_tz::Europe::Berlin,
            chrono_tz::America::New_York,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::Asia::Kolkata,
            chrono_tz::America::Sao_Paulo,
            chrono_tz::Pacific::Chatham,
        ] {
            let mut calendar = ICalendar::parse(
                "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:x\r\n\
                 DTSTAMP:20250101T000000Z\r\nDTSTART;TZID=Copy:20250601T120000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            )
            .unwrap();
            let mut generated = generate("Copy", zone, 2024, 2026).into_iter();
            let mut vtimezone = generated.next().expect("a VTIMEZONE");
            for observance in generated {
                vtimezone.component_ids.push(calendar.components.len() as u32);
                calendar.components.push(observance);
            }
            let index = calendar.components.len() as u32;
            calendar.components[0].component_ids.insert(0, index);
            calendar.components.push(vtimezone);
            let reparsed = ICalendar::parse(calendar.to_string()).unwrap();
            let rules = reparsed.timezones().next().map(|z| observances(&reparsed, z)).unwrap();
            let mut at = Timestamp::parse_utc("20240101T000000Z").unwrap().seconds();
            let end = Timestamp::parse_utc("20270101T000000Z").unwrap().seconds();
            while at < end {
                let utc = DateTime::from_timestamp(at, 0).unwrap().naive_utc();
                let want = zone.offset_from_utc_datetime(&utc).fix().local_minus_utc();
                assert_eq!(offset_at(&rules, at), want, "{zone} at {utc}");
                at += 3 * 3600 + 17;
            }
        }
    }
}
