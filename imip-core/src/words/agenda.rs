//! A calendar at a glance: a person's or a room's events over some days,
//! in their language and zone, with what waits for an answer marked.
//! [`entries`] reads one stored object; [`agenda`] writes the days.

use super::summary::{answer, date, text_of, time};
use super::{Arg, Reader};
use crate::freebusy::{Expansion, expand};
use crate::model::{PartStat, SchedulingObject, component};
use crate::{CalAddress, Timestamp};
use calcard::icalendar::ICalendarProperty;
use chrono::NaiveDate;

/// Most occurrences one object contributes to an agenda.
const MAX_OCCURRENCES: usize = 1_000;
/// Most recurrence dates examined per object.
const MAX_SCAN: usize = 100_000;

/// One occurrence on someone's calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaEntry {
    /// The start.
    pub start: Timestamp,
    /// The end.
    pub end: Timestamp,
    /// A whole-day event (DATE values).
    pub all_day: bool,
    /// SUMMARY.
    pub title: String,
    /// LOCATION.
    pub location: Option<String>,
    /// The UID.
    pub uid: String,
    /// The calendar owner's answer; `None` when they organize it.
    pub answer: Option<PartStat>,
    /// Something waits for their decision about it.
    pub pending: bool,
}

/// The occurrences of `object` that overlap `from..to`, as `principal`'s
/// calendar shows them; cancelled occurrences are left out.
pub fn entries(
    object: &SchedulingObject,
    principal: &CalAddress,
    pending: bool,
    from: Timestamp,
    to: Timestamp,
    zone: chrono_tz::Tz,
) -> Vec<AgendaEntry> {
    let options = Expansion { zone, from, until: to, max_occurrences: MAX_OCCURRENCES, max_scan: MAX_SCAN };
    let organizing = object.is_organized_by(principal);
    expand(object, &options)
        .occurrences
        .into_iter()
        .filter(|o| o.start < to && (o.end > from || (o.end == o.start && o.start >= from)))
        .filter(|o| !component::is_cancelled(o.component))
        .map(|o| AgendaEntry {
            start: o.start,
            end: o.end,
            all_day: o
                .component
                .property(&ICalendarProperty::Dtstart)
                .and_then(|e| e.values.first())
                .and_then(|v| v.as_partial_date_time())
                .is_some_and(|d| d.hour.is_none()),
            title: text_of(o.component, &ICalendarProperty::Summary).unwrap_or_else(|| object.title()),
            location: text_of(o.component, &ICalendarProperty::Location),
            uid: object.uid().to_string(),
            answer: if organizing {
                None
            } else {
                Some(
                    component::attendee(o.component, principal).map_or(PartStat::NeedsAction, |a| a.partstat),
                )
            },
            pending,
        })
        .collect()
}

/// One day of an agenda, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaDay {
    /// The date.
    pub date: NaiveDate,
    /// The date in words, in the reader's language.
    pub heading: String,
    /// The entries, in order of time.
    pub lines: Vec<AgendaLine>,
}

/// One entry on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaLine {
    /// "10:00–11:00", "…–11:00" when it began the day before, or "all day".
    pub when: String,
    /// The owner's part in words: their answer, or "you organize".
    pub part: String,
    /// The entry.
    pub entry: AgendaEntry,
}

/// The days of an agenda: `days` days from `first`, each with its
/// entries in order of time; with `skip_empty`, days without entries are
/// left out (a month).
pub fn agenda_days(
    entries: &[AgendaEntry],
    first: NaiveDate,
    days: u32,
    skip_empty: bool,
    reader: &Reader,
) -> Vec<AgendaDay> {
    let lang = reader.lang;
    let zone = reader.zone;
    let mut sorted: Vec<&AgendaEntry> = entries.iter().collect();
    sorted.sort_by(|a, b| (a.start, a.end, &a.title, &a.uid).cmp(&(b.start, b.end, &b.title, &b.uid)));
    let mut out = Vec::new();
    for offset in 0..days.max(1) {
        let day = first + chrono::Days::new(u64::from(offset));
        let (from, to) = (day_start(day, zone), day_start(day + chrono::Days::new(1), zone));
        let lines: Vec<AgendaLine> = sorted
            .iter()
            .filter(|e| {
                if e.all_day {
                    // DATE values are days, expanded in the reader's zone.
                    let first_day = e.start.to_chrono().with_timezone(&zone).date_naive();
                    let last_day = Timestamp::from_seconds((e.end.seconds() - 1).max(e.start.seconds()))
                        .to_chrono()
                        .with_timezone(&zone)
                        .date_naive();
                    first_day <= day && day <= last_day
                } else {
                    e.start < to && (e.end > from || (e.start == e.end && e.start >= from))
                }
            })
            .map(|entry| {
                let when = if entry.all_day {
                    lang.text("all-day", &[])
                } else {
                    let start = if entry.start < from { "…".to_string() } else { time(entry.start, zone) };
                    let end = if entry.end > to { "…".to_string() } else { time(entry.end, zone) };
                    format!("{start}–{end}")
                };
                let part = match entry.answer {
                    None => lang.text("agenda-you-organize", &[]),
                    Some(partstat) => answer(partstat, lang),
                };
                AgendaLine { when, part, entry: (*entry).clone() }
            })
            .collect();
        if lines.is_empty() && skip_empty {
            continue;
        }
        out.push(AgendaDay { date: day, heading: date(noon(day, zone), zone, lang), lines });
    }
    out
}

fn day_start(day: NaiveDate, zone: chrono_tz::Tz) -> Timestamp {
    crate::time::local_instant(&zone, day.and_hms_opt(0, 0, 0).unwrap_or_default())
}

fn noon(day: NaiveDate, zone: chrono_tz::Tz) -> Timestamp {
    Timestamp::from_seconds(day_start(day, zone).seconds() + 12 * 3600)
}

/// The days a calendar view shows around `day`: `day` one day, `week`
/// the week from its Monday, `month` the calendar month (days without
/// entries left out), `agenda` 30 days from `day` (likewise); `None` for
/// another name. Returns the first day, how many, and whether empty days
/// are left out.
///
/// ```
/// let day = chrono::NaiveDate::from_ymd_opt(2027, 1, 14).unwrap(); // a Thursday
/// let (first, days, _) = imip_core::words::agenda_window("week", day).unwrap();
/// assert_eq!((first.to_string(), days), ("2027-01-11".to_string(), 7));
/// ```
pub fn agenda_window(view: &str, day: NaiveDate) -> Option<(NaiveDate, u32, bool)> {
    use chrono::Datelike;
    Some(match view {
        "day" => (day, 1, false),
        "week" => (day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday())), 7, false),
        "month" => {
            let first = day.with_day(1).unwrap_or(day);
            let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
            (first, u32::try_from((next - first).num_days()).unwrap_or(31), true)
        }
        "agenda" => (day, 30, true),
        _ => return None,
    })
}

/// The agenda's title: whose, which days, in which zone.
pub fn agenda_title(who: &str, first: NaiveDate, days: u32, reader: &Reader) -> String {
    let (lang, zone) = (reader.lang, reader.zone);
    let last = first + chrono::Days::new(u64::from(days.max(1) - 1));
    lang.text(
        "agenda-title",
        &[
            ("who", Arg::Text(who)),
            ("first", Arg::Text(&date(noon(first, zone), zone, lang))),
            ("last", Arg::Text(&date(noon(last, zone), zone, lang))),
            ("zone", Arg::Text(zone.name())),
        ],
    )
}

/// The agenda of `who` for `days` days from `first`, as text: each day's
/// entries in order of time, a `?` before what waits for an answer, and
/// each entry's handle ([`crate::handle`]) for the commands that act on
/// it. With `skip_empty`, days without entries are left out (a month).
pub fn agenda(
    who: &str,
    entries: &[AgendaEntry],
    first: NaiveDate,
    days: u32,
    skip_empty: bool,
    reader: &Reader,
) -> String {
    let lang = reader.lang;
    let mut text = agenda_title(who, first, days, reader);
    text.push('\n');
    let mut any_pending = false;
    for day in agenda_days(entries, first, days, skip_empty, reader) {
        text.push('\n');
        text.push_str(&day.heading);
        text.push('\n');
        if day.lines.is_empty() {
            text.push_str(&format!("  {}\n", lang.text("agenda-nothing", &[])));
        }
        for line in day.lines {
            any_pending |= line.entry.pending;
            let mut parts = vec![line.entry.title.clone()];
            parts.extend(line.entry.location.clone());
            parts.push(line.part);
            text.push_str(&format!(
                "{} {:<11} {}  [{}]\n",
                if line.entry.pending { '?' } else { ' ' },
                line.when,
                parts.join(" · "),
                crate::handle::handle(&line.entry.uid)
            ));
        }
    }
    if any_pending {
        text.push('\n');
        text.push_str(&lang.text("agenda-waits", &[]));
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::Lang;

    fn object(text: &str) -> SchedulingObject {
        SchedulingObject::parse(&format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\n{text}END:VCALENDAR\r\n"
        ))
        .unwrap()
    }

    fn at(text: &str) -> Timestamp {
        Timestamp::parse_utc(text).unwrap()
    }

    #[test]
    fn a_week_in_the_readers_zone_and_language_with_pending_marked() {
        let bob = CalAddress::parse("bob@example.com").unwrap();
        let weekly = object(
            "BEGIN:VEVENT\r\nUID:w@example.com\r\nDTSTAMP:20270101T000000Z\r\n\
             DTSTART;TZID=America/New_York:20270111T090000\r\nDTEND;TZID=America/New_York:20270111T093000\r\n\
             RRULE:FREQ=WEEKLY;BYDAY=MO,WE\r\nSUMMARY:Stand-up\r\nLOCATION:Room 1\r\n\
             ORGANIZER:mailto:carol@example.com\r\n\
             ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com\r\nEND:VEVENT\r\n\
             BEGIN:VEVENT\r\nUID:w@example.com\r\nDTSTAMP:20270101T000000Z\r\n\
             RECURRENCE-ID;TZID=America/New_York:20270113T090000\r\n\
             DTSTART;TZID=America/New_York:20270113T090000\r\nDTEND;TZID=America/New_York:20270113T093000\r\n\
             STATUS:CANCELLED\r\nSUMMARY:Stand-up\r\nORGANIZER:mailto:carol@example.com\r\n\
             ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com\r\nEND:VEVENT\r\n",
        );
        let invitation = object(
            "BEGIN:VEVENT\r\nUID:i@example.com\r\nDTSTAMP:20270101T000000Z\r\n\
             DTSTART:20270112T230000Z\r\nDTEND:20270113T003000Z\r\nSUMMARY:Late call\r\n\
             ORGANIZER:mailto:carol@example.com\r\n\
             ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com\r\nEND:VEVENT\r\n",
        );
        let holiday = object(
            "BEGIN:VEVENT\r\nUID:h@example.com\r\nDTSTAMP:20270101T000000Z\r\n\
             DTSTART;VALUE=DATE:20270115\r\nDTEND;VALUE=DATE:20270116\r\nSUMMARY:Holiday\r\n\
             ORGANIZER:mailto:bob@example.com\r\nEND:VEVENT\r\n",
        );
        let reader = Reader { lang: Lang::En, zone: chrono_tz::Europe::Oslo };
        let (from, to) = (at("20270110T230000Z"), at("20270117T230000Z"));
        let mut all = entries(&weekly, &bob, false, from, to, reader.zone);
        all.extend(entries(&invitation, &bob, true, from, to, reader.zone));
        all.extend(entries(&holiday, &bob, false, from, to, reader.zone));
        let monday = NaiveDate::from_ymd_opt(2027, 1, 11).unwrap();
        let text = agenda("bob@example.com", &all, monday, 7, false, &reader);
        insta::assert_snapshot!(text);
        // The Wednesday occurrence is cancelled; 09:00 in New York is
        // 15:00 in Oslo; the late call spans midnight in Oslo (00:00–01:30).
        assert!(text.contains("  15:00–15:30 Stand-up · Room 1 · accepted"), "{text}");
        assert_eq!(text.matches("Stand-up").count(), 1, "{text}");
        assert!(text.contains("? 00:00–01:30 Late call · no answer yet"), "{text}");
        let german = agenda("bob@example.com", &all, monday, 7, true, &Reader { lang: Lang::De, ..reader });
        assert!(german.contains("Montag, 11. Januar 2027"), "{german}");
        assert!(!german.contains("Dienstag"), "days without entries are left out: {german}");
        assert!(german.contains("ganztägig"), "{german}");
        // The holiday is one day, Friday 15 January, in Oslo as anywhere.
        assert_eq!(text.matches("Holiday").count(), 1, "{text}");
        assert!(text.contains("Friday 15 January 2027\n  all day     Holiday"), "{text}");
    }
}
