//! The summary a person reads about one calendar message: a headline
//! that says who did what, then what they need to decide: when (in their
//! zone, and as sent when that differs), how it repeats, where, who
//! organizes, who else is invited and what they answered, and the
//! description, shortened.

use super::{Arg, Lang};
use crate::model::component;
use crate::model::{PartStat, Participant, SchedulingObject};
use crate::outcome::{Notice, NoticeKind};
use crate::{CalAddress, Timestamp};
use calcard::icalendar::{
    ICalendarComponent, ICalendarFrequency, ICalendarProperty, ICalendarValue, ICalendarWeekday,
};
use chrono::TimeZone;

/// Who reads: their language and time zone (the `LANG` and `TZID`
/// preferences).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader {
    /// The language.
    pub lang: Lang,
    /// The time zone times are shown in.
    pub zone: chrono_tz::Tz,
}

impl Default for Reader {
    /// English, UTC.
    fn default() -> Self {
        Reader { lang: Lang::En, zone: chrono_tz::UTC }
    }
}

impl Reader {
    /// A reader of `LANG` and `TZID` preference values (English and UTC
    /// when unset or unknown).
    pub fn from_prefs(lang: Option<&str>, zone: Option<&str>) -> Reader {
        Reader {
            lang: lang.map(Lang::from_tag).unwrap_or_default(),
            zone: zone.and_then(crate::prefs::parse_zone).unwrap_or(chrono_tz::UTC),
        }
    }
}

/// Most characters of the description shown.
const DESCRIPTION_CHARS: usize = 300;
/// The width description lines are wrapped to (plus the indent).
const WRAP_COLUMNS: usize = 72;
/// Most attendees listed by name.
const ATTENDEES_SHOWN: usize = 20;

/// What a summary shows, before it is written as text or HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// Who did what, one sentence (absent without a notice).
    pub headline: Option<String>,
    /// The other side's own words (a COMMENT, a mail system's).
    pub comment: Option<String>,
    /// Labelled details, in order; a value may span several lines.
    pub rows: Vec<(String, Vec<String>)>,
    /// The description's label and its text, shortened.
    pub description: Option<(String, String)>,
}

/// The card of `notice`, about `object` (the copy after the decision,
/// which holds the details), for `reader`.
pub fn card(notice: Option<&Notice>, object: &SchedulingObject, reader: &Reader) -> Card {
    let lang = reader.lang;
    let main = object.main_component();
    let title = notice.map(|n| n.title.clone()).unwrap_or_else(|| object.title());
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    if let Some(notice) = notice {
        rows.extend(changes(&notice.changes, reader));
    }
    let mut row = |label: &str, value: String| {
        rows.push((lang.text(label, &[]), value.lines().map(str::to_string).collect()));
    };
    if let Some(when) = when(object, main, reader) {
        row("label-when", when);
    }
    if let Some(repeats) = object.master().and_then(|m| repeats(m, reader)) {
        row("label-repeats", repeats);
    }
    if let Some(location) = text_of(main, &ICalendarProperty::Location) {
        row("label-where", location);
    }
    let organizer = component::organizer(main);
    if let Some(organizer) = &organizer {
        row("label-organizer", person(organizer));
    }
    let attendees: Vec<Participant> = component::attendees(main)
        .into_iter()
        .filter(|a| organizer.as_ref().is_none_or(|o| o.address != a.address))
        .collect();
    if !attendees.is_empty() {
        let mut listed: Vec<String> = attendees
            .iter()
            .take(ATTENDEES_SHOWN)
            .map(|a| format!("{} ({})", person(a), answer(a.partstat, lang)))
            .collect();
        if attendees.len() > ATTENDEES_SHOWN {
            listed.push(format!("… (+{})", attendees.len() - ATTENDEES_SHOWN));
        }
        row("label-attendees", listed.join("\n"));
    }
    let description = text_of(main, &ICalendarProperty::Description).map(|description| {
        let mut shown: String = description.chars().take(DESCRIPTION_CHARS).collect();
        if description.chars().count() > DESCRIPTION_CHARS {
            shown.push('…');
        }
        (lang.text("label-description", &[]), shown)
    });
    Card {
        headline: notice.map(|n| headline(n, object, &title, lang)),
        comment: notice.and_then(|n| n.comment.clone()),
        rows,
        description,
    }
}

/// The summary of `notice`, about `object` (the copy after the decision,
/// which holds the details), for `reader`: plain text, lines ending in
/// `\n` ([`card`] written as text).
///
/// ```
/// use imip_core::words::{Lang, Reader, summary};
/// # use imip_core::{SchedulingObject};
/// let object = SchedulingObject::parse("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\n\
/// BEGIN:VEVENT\r\nUID:q1@example.com\r\nDTSTAMP:20250301T090000Z\r\n\
/// DTSTART:20250310T090000Z\r\nDTEND:20250310T100000Z\r\nSUMMARY:Q1 planning\r\n\
/// ORGANIZER;CN=Carol Jones:mailto:carol@contoso.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").unwrap();
/// let reader = Reader { lang: Lang::De, zone: chrono_tz::Europe::Berlin };
/// let text = summary(None, &object, &reader);
/// assert!(text.contains("Montag, 10. März 2025, 10:00–11:00 (Europe/Berlin)"), "{text}");
/// ```
pub fn summary(notice: Option<&Notice>, object: &SchedulingObject, reader: &Reader) -> String {
    card(notice, object, reader).to_text()
}

impl Card {
    /// The card as plain text: labels aligned, long lines wrapped.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if let Some(headline) = &self.headline {
            out.push_str(headline);
            out.push('\n');
            if let Some(comment) = &self.comment {
                for line in comment.lines().flat_map(|l| wrap(l, WRAP_COLUMNS)) {
                    out.push_str(&format!("  > {line}\n"));
                }
            }
            out.push('\n');
        }
        let width = self.rows.iter().map(|(label, _)| label.chars().count()).max().unwrap_or(0) + 2;
        for (label, lines) in &self.rows {
            for (index, line) in lines.iter().enumerate() {
                let head = if index == 0 { format!("{label}:") } else { String::new() };
                out.push_str(&format!("{head:width$}{line}\n"));
            }
        }
        if let Some((label, text)) = &self.description {
            out.push_str(&format!("\n{label}:\n"));
            for line in text.lines() {
                for wrapped in wrap(line, WRAP_COLUMNS) {
                    out.push_str(&format!("  {wrapped}\n"));
                }
            }
        }
        out
    }

    /// The card as an HTML fragment: a bordered card with inline CSS, no
    /// scripts, no remote resources, every text escaped.
    pub fn to_html(&self) -> String {
        let mut out = String::from(
            "<div style=\"font-family:sans-serif;max-width:36em;border:1px solid #d0d4da;\
             border-radius:6px;padding:1em 1.2em;margin:0 0 1em 0;color:#1d2125\">\n",
        );
        if let Some(headline) = &self.headline {
            out.push_str(&format!(
                "<p style=\"font-size:1.15em;font-weight:bold;margin:0 0 .6em 0\">{}</p>\n",
                escape(headline)
            ));
            if let Some(comment) = &self.comment {
                out.push_str(&format!(
                    "<blockquote style=\"margin:0 0 .8em 0;padding-left:.8em;border-left:3px solid #d0d4da;\
                     color:#4a5159\">{}</blockquote>\n",
                    escape(comment).replace('\n', "<br>")
                ));
            }
        }
        if !self.rows.is_empty() {
            out.push_str("<table style=\"border-collapse:collapse\">\n");
            for (label, lines) in &self.rows {
                out.push_str(&format!(
                    "<tr><th style=\"text-align:left;vertical-align:top;padding:.15em 1em .15em 0;\
                     color:#4a5159;font-weight:normal\">{}</th><td style=\"padding:.15em 0\">{}</td></tr>\n",
                    escape(label),
                    lines.iter().map(|l| escape(l)).collect::<Vec<_>>().join("<br>")
                ));
            }
            out.push_str("</table>\n");
        }
        if let Some((label, text)) = &self.description {
            out.push_str(&format!(
                "<p style=\"margin:.8em 0 0 0;color:#4a5159\">{}</p>\n<p style=\"margin:.2em 0 0 0;white-space:pre-wrap\">{}</p>\n",
                escape(label),
                escape(text)
            ));
        }
        out.push_str("</div>\n");
        out
    }
}

/// A whole HTML document around `body` (cards and paragraphs), in
/// `lang`, for the HTML part of a mail.
pub fn html_document(lang: Lang, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"></head><body>\n{body}</body></html>\n",
        lang.tag()
    )
}

/// Text as HTML text: `&`, `<`, `>`, `"` and `'` escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The card a resource's owner reads about a booking (a notice carrying
/// a [`crate::BookingNotice`]): who asks for what, what the resource
/// answered and why (its reason, quoted), which policy held it, and
/// what the owner can do, in words: never a command line.
pub fn owner_card(notice: &Notice, object: Option<&SchedulingObject>, reader: &Reader) -> Card {
    use crate::{OwnerAction, ResourceAnswer};
    let lang = reader.lang;
    let mut card = match object {
        Some(object) => card(Some(notice), object, reader),
        None => Card { headline: None, comment: None, rows: Vec::new(), description: None },
    };
    if card.headline.is_none() {
        let who = notice.who.as_ref().map(|w| w.as_written().to_string()).unwrap_or_default();
        card.headline = Some(lang.text(
            "headline-booking",
            &[("who", Arg::Text(&who)), ("title", Arg::Text(&notice.title)), ("answer", Arg::Text("other"))],
        ));
    }
    let Some(booking) = &notice.booking else { return card };
    let answer = match booking.answer {
        ResourceAnswer::Accepted => "accepted",
        ResourceAnswer::PartlyAccepted => "partly-accepted",
        ResourceAnswer::Declined => "declined",
        ResourceAnswer::Countered => "countered",
        ResourceAnswer::Delegated => "delegated",
        ResourceAnswer::Held => "held",
        ResourceAnswer::Released => "released",
    };
    let mut lines = vec![lang.text(
        "owner-answer",
        &[("resource", Arg::Text(booking.resource.as_written())), ("answer", Arg::Text(answer))],
    )];
    if let Some(policy) = booking.held_by {
        lines.push(lang.text("owner-held-by", &[("policy", Arg::Text(policy))]));
    }
    let (approve, decline) =
        (booking.actions.contains(&OwnerAction::Approve), booking.actions.contains(&OwnerAction::Decline));
    let actions = match (approve, decline) {
        (true, true) => "both",
        (true, false) => "approve",
        (false, true) => "decline",
        (false, false) => "none",
    };
    lines.push(lang.text("owner-can", &[("actions", Arg::Text(actions))]));
    card.rows.insert(0, (lang.text("label-booking", &[]), lines));
    card.comment = Some(booking.reason.clone()).filter(|r| !r.trim().is_empty());
    card
}

/// The card and the subject of an iMIP mail imip sends (RFC 6047 §2.4:
/// the text part beside the calendar), in the sender's language and
/// zone: who asks or answers what, and the event's details.
pub fn message_card(message: &crate::ItipMessage, reader: &Reader) -> (String, Card) {
    use crate::Method;
    let lang = reader.lang;
    let subject = lang.text(
        "subject",
        &[("method", Arg::Text(message.method.as_str())), ("title", Arg::Text(&message.title))],
    );
    let Ok(object) = SchedulingObject::from_calendar(message.calendar.clone()) else {
        let card =
            Card { headline: Some(subject.clone()), comment: None, rows: Vec::new(), description: None };
        return (subject, card);
    };
    let mut card = card(None, &object, reader);
    let sender = find(&object, &message.from);
    let who = sender.as_ref().map(person).unwrap_or_else(|| message.from.as_written().to_string());
    let updated = object.instances().any(|(_, c)| component::sequence(c) > 0);
    let id = match message.method {
        Method::Publish => "headline-published",
        Method::Request if updated => "headline-update",
        Method::Request => "headline-invitation",
        Method::Reply => "headline-reply",
        Method::Add => "headline-added",
        Method::Cancel => "headline-cancellation",
        Method::Refresh => "headline-refresh-request",
        Method::Counter => "headline-counter",
        Method::DeclineCounter => "headline-counter-declined",
    };
    let answer = sender.map(|p| partstat_key(p.partstat)).unwrap_or("other");
    card.headline = Some(lang.text(
        id,
        &[("who", Arg::Text(&who)), ("title", Arg::Text(&message.title)), ("answer", Arg::Text(answer))],
    ));
    card.comment = object.instances().find_map(|(_, c)| crate::itip::compose::comment_of(c));
    (subject, card)
}

/// The rows saying what an update changed (old against new: the new
/// values are in the rows below) or what a cancellation covers.
fn changes(changes: &[crate::Change], reader: &Reader) -> Vec<(String, Vec<String>)> {
    use crate::Change;
    let lang = reader.lang;
    let (mut changed, mut cancelled) = (Vec::new(), Vec::new());
    let names =
        |list: &[CalAddress]| list.iter().map(|a| a.as_written().to_string()).collect::<Vec<_>>().join(", ");
    for change in changes {
        match change {
            Change::Time { before: (start, end) } => {
                let zone = reader.zone;
                let was =
                    format!("{}, {}–{}", date(*start, zone, lang), time(*start, zone), time(*end, zone));
                changed.push(lang.text("change-time", &[("before", Arg::Text(&was))]));
            }
            Change::Place { before: Some(place) } => {
                changed.push(lang.text("change-place", &[("before", Arg::Text(place))]))
            }
            Change::Place { before: None } => changed.push(lang.text("change-place-none", &[])),
            Change::Attendees { added, removed } => {
                if !added.is_empty() {
                    changed.push(lang.text("change-added", &[("who", Arg::Text(&names(added)))]));
                }
                if !removed.is_empty() {
                    changed.push(lang.text("change-removed", &[("who", Arg::Text(&names(removed)))]));
                }
            }
            Change::Occurrences(starts) => {
                let dates: Vec<String> = starts
                    .iter()
                    .map(|at| format!("{} {}", date(*at, reader.zone, lang), time(*at, reader.zone)))
                    .collect();
                cancelled.push(lang.text(
                    "cancelled-occurrences",
                    &[("count", Arg::Number(starts.len() as i64)), ("dates", Arg::Text(&dates.join("; ")))],
                ));
            }
            Change::WholeSeries => cancelled.push(lang.text("cancelled-series", &[])),
        }
    }
    let mut rows = Vec::new();
    if !changed.is_empty() {
        rows.push((lang.text("label-changed", &[]), changed));
    }
    if !cancelled.is_empty() {
        rows.push((lang.text("label-cancelled", &[]), cancelled));
    }
    rows
}

/// A line broken between words so that no piece is wider than `width`
/// characters (a word longer than that stands alone).
fn wrap(line: &str, width: usize) -> Vec<String> {
    let mut pieces = vec![String::new()];
    for word in line.split_whitespace() {
        let current = pieces.last_mut().expect("one piece");
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            pieces.push(word.to_string());
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
    }
    pieces
}

/// Who did what, in one sentence.
fn headline(notice: &Notice, object: &SchedulingObject, title: &str, lang: Lang) -> String {
    let id = match notice.kind {
        NoticeKind::Invitation => "headline-invitation",
        NoticeKind::Update => "headline-update",
        NoticeKind::Added => "headline-added",
        NoticeKind::Cancellation => "headline-cancellation",
        NoticeKind::OrganizerChanged => "headline-organizer-changed",
        NoticeKind::Published => "headline-published",
        NoticeKind::Reply => "headline-reply",
        NoticeKind::Counter => "headline-counter",
        NoticeKind::CounterDeclined => "headline-counter-declined",
        NoticeKind::Refresh => "headline-refresh",
        NoticeKind::Booking => "headline-booking",
        NoticeKind::ApprovalNeeded => "headline-approval-needed",
        NoticeKind::DeliveryFailed => "headline-delivery-failed",
        NoticeKind::DeliveryDelayed => "headline-delivery-delayed",
    };
    let participant = notice.who.as_ref().and_then(|who| find(object, who));
    let who = match (&participant, &notice.who) {
        (Some(p), _) => person(p),
        (None, Some(who)) => who.as_written().to_string(),
        (None, None) => String::new(),
    };
    let answer = participant.map(|p| partstat_key(p.partstat)).unwrap_or("other");
    lang.text(id, &[("who", Arg::Text(&who)), ("title", Arg::Text(title)), ("answer", Arg::Text(answer))])
}

/// The participant with `address` in any component of `object`.
fn find(object: &SchedulingObject, address: &CalAddress) -> Option<Participant> {
    object.instances().find_map(|(_, c)| {
        component::organizer(c)
            .filter(|o| &o.address == address)
            .or_else(|| component::attendees(c).into_iter().find(|a| &a.address == address))
    })
}

/// `Name <address>`, or the address.
fn person(participant: &Participant) -> String {
    let address = participant.address.as_written();
    match participant.common_name.as_deref().map(str::trim).filter(|n| !n.is_empty() && *n != address) {
        Some(name) => format!("{name} <{address}>"),
        None => address.to_string(),
    }
}

fn partstat_key(partstat: PartStat) -> &'static str {
    match partstat {
        PartStat::Accepted => "accepted",
        PartStat::Declined => "declined",
        PartStat::Tentative => "tentative",
        PartStat::Delegated => "delegated",
        PartStat::NeedsAction => "needs-action",
        _ => "other",
    }
}

pub(super) fn answer(partstat: PartStat, lang: Lang) -> String {
    match partstat_key(partstat) {
        "other" => lang.text("answer-other", &[("answer", Arg::Text(partstat.as_str()))]),
        key => lang.text(&format!("answer-{key}"), &[]),
    }
}

pub(super) fn text_of(component: &ICalendarComponent, name: &ICalendarProperty) -> Option<String> {
    component
        .property(name)
        .and_then(|e| e.values.first())
        .and_then(|v| v.as_text())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// When, in the reader's zone: a date and a time span (or "all day"),
/// and, for a time written in another zone, that time as sent.
fn when(object: &SchedulingObject, main: &ICalendarComponent, reader: &Reader) -> Option<String> {
    let (start, end) = object.first_span()?;
    let lang = reader.lang;
    let dtstart = main.property(&ICalendarProperty::Dtstart)?;
    let all_day = dtstart.values.first()?.as_partial_date_time()?.hour.is_none();
    if all_day {
        // DATE values are days, not instants: read them as written.
        let first = date(start, chrono_tz::UTC, lang);
        let last_day = Timestamp::from_seconds((end.seconds() - 1).max(start.seconds()));
        let last = date(last_day, chrono_tz::UTC, lang);
        let days = if first == last { first } else { format!("{first} – {last}") };
        return Some(format!("{days}, {}", lang.text("all-day", &[])));
    }
    let zone = reader.zone;
    let (first, last) = (date(start, zone, lang), date(end, zone, lang));
    let mut text = if first == last || end <= start {
        format!("{first}, {}–{} ({})", time(start, zone), time(end, zone), zone.name())
    } else {
        format!("{first}, {} – {last}, {} ({})", time(start, zone), time(end, zone), zone.name())
    };
    let sent_zone = dtstart.tz_id().and_then(|id| object.zones().resolve(id)).and_then(|tz| match tz {
        calcard::common::timezone::Tz::Tz(named) => Some(named),
        _ => None,
    });
    if let Some(sent) = sent_zone.filter(|sent| offset(*sent, start) != offset(zone, start)) {
        let span = format!("{}–{}", time(start, sent), time(end, sent));
        text.push('\n');
        text.push_str(&lang.text("as-sent", &[("time", Arg::Text(&span)), ("zone", Arg::Text(sent.name()))]));
    }
    Some(text)
}

fn offset(zone: chrono_tz::Tz, at: Timestamp) -> i32 {
    use chrono::Offset;
    zone.offset_from_utc_datetime(&at.to_chrono().naive_utc()).fix().local_minus_utc()
}

pub(super) fn date(at: Timestamp, zone: chrono_tz::Tz, lang: Lang) -> String {
    at.to_chrono().with_timezone(&zone).format_localized(lang.date_pattern(), lang.locale()).to_string()
}

pub(super) fn time(at: Timestamp, zone: chrono_tz::Tz) -> String {
    at.to_chrono().with_timezone(&zone).format("%H:%M").to_string()
}

/// The recurrence in words: how often, on which days, until when or how
/// many times (RFC 5545 §3.3.10); rules beyond that are named as the
/// series' own.
fn repeats(master: &ICalendarComponent, reader: &Reader) -> Option<String> {
    let lang = reader.lang;
    let rule = master.property(&ICalendarProperty::Rrule)?.values.first()?;
    let ICalendarValue::RecurrenceRule(rule) = rule else { return None };
    let frequency = match rule.freq {
        ICalendarFrequency::Daily => "daily",
        ICalendarFrequency::Weekly => "weekly",
        ICalendarFrequency::Monthly => "monthly",
        ICalendarFrequency::Yearly => "yearly",
        _ => "other",
    };
    let interval = i64::from(rule.interval.unwrap_or(1).max(1));
    let mut parts = vec![
        lang.text("repeats", &[("frequency", Arg::Text(frequency)), ("interval", Arg::Number(interval))]),
    ];
    let simple_days: Vec<String> =
        rule.byday.iter().filter(|d| d.ordwk.is_none()).map(|d| weekday(d.weekday, lang)).collect();
    if !simple_days.is_empty() && simple_days.len() == rule.byday.len() {
        parts.push(lang.text("repeats-on", &[("days", Arg::Text(&simple_days.join(", ")))]));
    }
    if let Some(until) = rule.until.as_ref().and_then(|u| {
        let zones = crate::model::Zones::default();
        component::instant_of(u, None, &zones)
    }) {
        let zone =
            if rule.until.as_ref().is_some_and(|u| u.hour.is_none()) { chrono_tz::UTC } else { reader.zone };
        parts.push(lang.text("repeats-until", &[("date", Arg::Text(&date_only(until, zone, lang)))]));
    } else if let Some(count) = rule.count {
        // "every week on Monday, 20 times": the count is a clause of its own.
        let how_often = parts.join(" ");
        let count = lang.text("repeats-count", &[("count", Arg::Number(i64::from(count)))]);
        return Some(format!("{how_often}, {count}"));
    }
    Some(parts.join(" "))
}

fn date_only(at: Timestamp, zone: chrono_tz::Tz, lang: Lang) -> String {
    let pattern = match lang {
        Lang::En => "%-d %B %Y",
        Lang::De | Lang::Da | Lang::Nb => "%-d. %B %Y",
    };
    at.to_chrono().with_timezone(&zone).format_localized(pattern, lang.locale()).to_string()
}

/// A weekday's name in the language.
fn weekday(day: ICalendarWeekday, lang: Lang) -> String {
    lang.weekday_name(crate::model::values::weekday_of(day))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::NoticeKind;

    /// An Outlook-style invitation: a weekly series written in New York
    /// time, with a place, a description and answers.
    const Q1: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Microsoft Corporation//Outlook 16.0//EN\r\n\
BEGIN:VEVENT\r\nUID:q1@contoso.example\r\nDTSTAMP:20250301T090000Z\r\n\
DTSTART;TZID=America/New_York:20250311T090000\r\nDTEND;TZID=America/New_York:20250311T103000\r\n\
RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20250401T130000Z\r\nSUMMARY:Q1 planning\r\nLOCATION:Room 4.12\\, Building B\r\n\
DESCRIPTION:Agenda:\\n1. Numbers\\n2. Hiring\\nPlease read the attached figures before we meet\\; they are \
long. Lorem ipsum dolor sit amet\\, consectetur adipiscing elit\\, sed do eiusmod tempor incididunt ut \
labore et dolore magna aliqua. Ut enim ad minim veniam\\, quis nostrud exercitation ullamco laboris nisi \
ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit.\r\n\
ORGANIZER;CN=Carol Jones:mailto:carol@contoso.example\r\n\
ATTENDEE;CN=Carol Jones;PARTSTAT=ACCEPTED:mailto:carol@contoso.example\r\n\
ATTENDEE;CN=Bob Berg;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com\r\n\
ATTENDEE;CN=Dana;PARTSTAT=DECLINED:mailto:dana@example.org\r\n\
ATTENDEE;PARTSTAT=TENTATIVE:mailto:erik@example.net\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";

    const OFFSITE: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\n\
UID:offsite@example.com\r\nDTSTAMP:20250301T090000Z\r\nDTSTART;VALUE=DATE:20250512\r\n\
DTEND;VALUE=DATE:20250514\r\nSUMMARY:Offsite\r\nORGANIZER:mailto:carol@contoso.example\r\n\
ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    fn notice(kind: NoticeKind, object: &SchedulingObject, who: &str) -> Notice {
        Notice::about(kind, object, String::new()).by(&CalAddress::parse(who).unwrap())
    }

    /// Every kind of notice, for one language, as the reader in Oslo
    /// reads it: a name and its card.
    fn every_card(lang: Lang) -> Vec<(String, Card)> {
        let q1 = SchedulingObject::parse(Q1).unwrap();
        let offsite = SchedulingObject::parse(OFFSITE).unwrap();
        let reader = Reader { lang, zone: chrono_tz::Europe::Oslo };
        let carol = "carol@contoso.example";
        let kinds = [
            (NoticeKind::Invitation, carol),
            (NoticeKind::Update, carol),
            (NoticeKind::Added, carol),
            (NoticeKind::Cancellation, carol),
            (NoticeKind::OrganizerChanged, carol),
            (NoticeKind::Published, carol),
            (NoticeKind::Reply, "dana@example.org"),
            (NoticeKind::Reply, "erik@example.net"),
            (NoticeKind::Counter, "bob@example.com"),
            (NoticeKind::CounterDeclined, carol),
            (NoticeKind::Refresh, "bob@example.com"),
            (NoticeKind::Booking, carol),
            (NoticeKind::ApprovalNeeded, carol),
            (NoticeKind::DeliveryFailed, "dana@example.org"),
            (NoticeKind::DeliveryDelayed, "dana@example.org"),
        ];
        let mut cards = Vec::new();
        for (kind, who) in kinds {
            let name = match kind {
                NoticeKind::Reply => format!("{kind:?} from {}", who.split('@').next().unwrap_or(who)),
                _ => format!("{kind:?}"),
            };
            cards.push((name, card(Some(&notice(kind, &q1, who)), &q1, &reader)));
        }
        let at = |t| Timestamp::parse_utc(t).unwrap();
        let moved = notice(NoticeKind::Update, &q1, carol).with_changes(vec![
            crate::Change::Time { before: (at("20250311T120000Z"), at("20250311T133000Z")) },
            crate::Change::Place { before: Some("Room 1".into()) },
            crate::Change::Attendees {
                added: vec![CalAddress::parse("erik@example.net").unwrap()],
                removed: vec![CalAddress::parse("frank@example.com").unwrap()],
            },
        ]);
        cards.push(("update with changes".into(), card(Some(&moved), &q1, &reader)));
        let one = notice(NoticeKind::Cancellation, &q1, carol)
            .with_changes(vec![crate::Change::Occurrences(vec![at("20250318T130000Z")])]);
        cards.push(("one occurrence cancelled".into(), card(Some(&one), &q1, &reader)));
        let series =
            notice(NoticeKind::Cancellation, &q1, carol).with_changes(vec![crate::Change::WholeSeries]);
        cards.push(("whole series cancelled".into(), card(Some(&series), &q1, &reader)));
        let mut bounce = notice(NoticeKind::DeliveryFailed, &q1, "dana@example.org");
        bounce.comment =
            Some("550 5.1.1 <dana@example.org>: Recipient address rejected: User unknown".into());
        cards.push(("bounce".into(), card(Some(&bounce), &q1, &reader)));
        use crate::resource::reason::{Per, Reason};
        let room = || "room-4@example.com".to_string();
        let words = |reason: Reason| reason.text(lang, reader.zone);
        let owner = |answer, reason: &str, held_by, actions: Vec<crate::OwnerAction>| {
            let mut n = notice(
                if answer == crate::ResourceAnswer::Held {
                    NoticeKind::ApprovalNeeded
                } else {
                    NoticeKind::Booking
                },
                &q1,
                carol,
            );
            n.booking = Some(crate::BookingNotice {
                resource: CalAddress::parse("room-4@example.com").unwrap(),
                answer,
                reason: reason.into(),
                held_by,
                actions,
            });
            owner_card(&n, Some(&q1), &reader)
        };
        cards.push((
            "to the owner: a held booking".into(),
            owner(
                crate::ResourceAnswer::Held,
                &words(Reason::Reserved {
                    resource: room(),
                    why: Box::new(Reason::NeedsApproval { organizer: carol.into(), owner: None }),
                }),
                Some("hold"),
                vec![crate::OwnerAction::Approve, crate::OwnerAction::Decline],
            ),
        ));
        cards.push((
            "to the owner: a quota refusal".into(),
            owner(
                crate::ResourceAnswer::Declined,
                &words(Reason::QuotaExceeded {
                    resource: room(),
                    limit: 36_000,
                    per: Per::Week,
                    used: 34_200,
                }),
                None,
                Vec::new(),
            ),
        ));
        cards.push((
            "to the owner: a counter-proposal".into(),
            owner(
                crate::ResourceAnswer::Countered,
                &words(Reason::Suggests {
                    resource: room(),
                    start: at("20250311T140000Z"),
                    end: at("20250311T153000Z"),
                }),
                None,
                Vec::new(),
            ),
        ));
        cards.push((
            "all-day invitation".into(),
            card(Some(&notice(NoticeKind::Invitation, &offsite, carol)), &offsite, &reader),
        ));
        cards
    }

    /// Every card as text, one after the other.
    fn every_kind(lang: Lang) -> String {
        every_card(lang).into_iter().map(|(name, card)| format!("----- {name}\n{}", card.to_text())).collect()
    }

    #[test]
    fn every_summary_in_every_language() {
        for lang in Lang::ALL {
            let text = every_kind(lang);
            assert!(!text.contains("headline-") && !text.contains("label-"), "a message id leaked: {text}");
            insta::assert_snapshot!(format!("summaries_{}", lang.tag()), text);
        }
    }

    #[test]
    fn every_kind_as_html() {
        for (name, card) in every_card(Lang::En) {
            let html = card.to_html();
            assert!(html.starts_with('<') && !html.contains("headline-"), "{name}: {html}");
            insta::assert_snapshot!(format!("html_{}", name.replace([' ', ':'], "_").to_lowercase()), html);
        }
    }

    #[test]
    fn a_count_is_its_own_clause() {
        let weekly = Q1.replace(
            "RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20250401T130000Z",
            "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=20",
        );
        let object = SchedulingObject::parse(&weekly).unwrap();
        let text = summary(None, &object, &Reader { lang: Lang::En, zone: chrono_tz::UTC });
        assert!(text.contains("Repeats:   every week on Tuesday, 20 times\n"), "{text}");
        let text = summary(None, &object, &Reader { lang: Lang::De, zone: chrono_tz::UTC });
        assert!(text.contains("jede Woche am Dienstag, 20 Mal\n"), "{text}");
    }

    #[test]
    fn the_html_card_is_escaped_and_self_contained() {
        let q1 = SchedulingObject::parse(Q1).unwrap();
        let reader = Reader { lang: Lang::En, zone: chrono_tz::Europe::Oslo };
        let html =
            card(Some(&notice(NoticeKind::Invitation, &q1, "carol@contoso.example")), &q1, &reader).to_html();
        insta::assert_snapshot!("card_html_en", html);
        let hostile = Q1
            .replace("SUMMARY:Q1 planning", "SUMMARY:<script>alert(1)</script> & \"x\"")
            .replace("LOCATION:Room 4.12\\, Building B", "LOCATION:<img src=http://evil.example/x.png>");
        let hostile = SchedulingObject::parse(&hostile).unwrap();
        let html =
            card(Some(&notice(NoticeKind::Invitation, &hostile, "carol@contoso.example")), &hostile, &reader)
                .to_html();
        assert!(!html.contains("<script") && !html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"), "{html}");
        // Only these elements, so nothing loads or runs: no img, link,
        // script, style sheet or url().
        let allowed = ["div", "p", "table", "tr", "th", "td", "br", "blockquote"];
        for tag in html.split('<').skip(1).map(|t| t.trim_start_matches('/')) {
            let name: String = tag.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
            assert!(allowed.contains(&name.as_str()), "<{name}> in {html}");
        }
        assert!(!html.contains("url("), "{html}");
    }
}
