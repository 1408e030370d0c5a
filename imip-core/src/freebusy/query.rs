//! Free/busy queries: a principal's busy time over a window, merged,
//! clipped and sorted, and as a VFREEBUSY (RFC 5546 §3.3, RFC 5545
//! §3.6.4).

use super::availability::{AVAILABILITY_PREF, Availability};
use super::{FbType, FreeBusyConfig, PeriodSet};
use crate::model::component::instant_of;
use crate::model::{Method, SchedulingObject};
use crate::store::{ScheduleReader, StoreError};
use crate::{CalAddress, Timestamp};
use calcard::icalendar::ICalendarProperty;
use std::collections::BTreeMap;

/// Preference saying whether a principal's free/busy is given to others
/// (imip-agent's `freebusy_sharing`): `share` or `no`. When absent, the
/// agent's default applies ([`crate::Config::share_freebusy_by_default`]:
/// resources answer, people do not).
pub const SHARING_PREF: &str = "freebusy_sharing";

/// One FREEBUSY value: `[start, end)` with its FBTYPE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FreeBusyEntry {
    /// Start, inclusive.
    pub start: Timestamp,
    /// End, exclusive.
    pub end: Timestamp,
    /// FBTYPE (never FREE).
    pub fbtype: FbType,
}

/// Whether a principal with these preferences shares free/busy:
/// `share` or `no` ([`crate::prefs::PrefKey::Sharing`]); without a
/// readable value, `by_default`.
pub fn shares_freebusy(prefs: &BTreeMap<String, String>, by_default: bool) -> bool {
    match prefs.get(SHARING_PREF).map(|v| crate::prefs::PrefKey::Sharing.check(v)) {
        Some(Ok(value)) => value == "share",
        _ => by_default,
    }
}

/// Whether a principal's free/busy is published for HTTP (`imip
/// freebusy publish`, the web manager's `/freebusy/ADDRESS`): only when
/// they share it ([`shares_freebusy`]) and their `freebusy_publishing`
/// preference says `publish`; without a readable value, `by_default`
/// (resources publish, people do not, as in imip-agent).
///
/// ```
/// use std::collections::BTreeMap;
/// use imip_core::freebusy::publishes_freebusy;
/// let mut prefs = BTreeMap::new();
/// assert!(!publishes_freebusy(&prefs, false, false));
/// prefs.insert("freebusy_sharing".to_string(), "share".to_string());
/// prefs.insert("freebusy_publishing".to_string(), "publish".to_string());
/// assert!(publishes_freebusy(&prefs, false, false));
/// prefs.insert("freebusy_sharing".to_string(), "no".to_string());
/// assert!(!publishes_freebusy(&prefs, true, true), "publishing needs sharing");
/// ```
pub fn publishes_freebusy(
    prefs: &BTreeMap<String, String>,
    shares_by_default: bool,
    by_default: bool,
) -> bool {
    let key = crate::prefs::PrefKey::Publishing;
    let publishing = match prefs.get(key.name()).map(|v| key.check(v)) {
        Some(Ok(value)) => value == "publish",
        _ => by_default,
    };
    publishing && shares_freebusy(prefs, shares_by_default)
}

/// Clips periods to `[from, to)`, drops empty and FREE ones, and
/// coalesces overlapping or adjacent periods of the same type. The
/// result is sorted by start, end and type; periods of different types
/// may overlap (RFC 5545 §3.2.9, RFC 7953 §5).
pub fn merge(
    periods: impl IntoIterator<Item = (Timestamp, Timestamp, FbType)>,
    from: Timestamp,
    to: Timestamp,
) -> Vec<FreeBusyEntry> {
    let mut by_type: BTreeMap<FbType, Vec<(Timestamp, Timestamp)>> = BTreeMap::new();
    for (start, end, fbtype) in periods {
        let (start, end) = (start.max(from), end.min(to));
        if start < end && fbtype != FbType::Free {
            by_type.entry(fbtype).or_default().push((start, end));
        }
    }
    let mut merged = Vec::new();
    for (fbtype, mut spans) in by_type {
        spans.sort();
        let mut current: Option<(Timestamp, Timestamp)> = None;
        for (start, end) in spans {
            current = match current {
                Some((a, b)) if start <= b => Some((a, b.max(end))),
                Some((a, b)) => {
                    merged.push(FreeBusyEntry { start: a, end: b, fbtype });
                    Some((start, end))
                }
                None => Some((start, end)),
            };
        }
        if let Some((start, end)) = current {
            merged.push(FreeBusyEntry { start, end, fbtype });
        }
    }
    merged.sort();
    merged
}

/// A principal's busy time over `[from, to)`, as others may see it: their
/// own periods, slots offered and not expired at `now` (BUSY-TENTATIVE),
/// and what their availability (RFC 7953 §5) leaves unavailable. Event
/// busy time is laid over availability: a meeting outside working hours
/// shows both as BUSY and as BUSY-UNAVAILABLE. Reads only the window
/// (O(log n + k) in the stores), and never reads SUMMARY into the answer
/// (RFC 7953 §8).
pub fn busy_time<R: ScheduleReader + ?Sized>(
    store: &R,
    principal: &CalAddress,
    from: Timestamp,
    to: Timestamp,
    config: &FreeBusyConfig,
    now: Timestamp,
) -> Result<Vec<FreeBusyEntry>, StoreError> {
    if from >= to {
        return Ok(Vec::new());
    }
    let mut raw: Vec<(Timestamp, Timestamp, FbType)> = Vec::new();
    for period in store.read_periods(principal, &PeriodSet::Own, from, to)? {
        raw.push((period.start, period.end, period.fbtype));
    }
    for offer in store.read_periods(principal, &PeriodSet::Offers, from, to)? {
        if offer.expires.is_none_or(|expires| expires > now) {
            raw.push((offer.start, offer.end, FbType::BusyTentative));
        }
    }
    let prefs = store.read_prefs(principal)?;
    if let Some(text) = prefs.get(AVAILABILITY_PREF)
        && let Ok(availability) = Availability::parse(text)
    {
        let horizon = FreeBusyConfig::stored_horizon(&prefs).unwrap_or_else(|| config.horizon_at(now));
        raw.extend(availability.unavailable(from, to, &config.expansion(&prefs, horizon)));
    }
    Ok(merge(raw, from, to))
}

/// A VFREEBUSY's DTSTART and DTEND as UTC instants (RFC 5546 §3.3: UTC
/// only; a value without `Z` is read as UTC), each if present.
pub(crate) fn vfreebusy_window(message: &SchedulingObject) -> (Option<Timestamp>, Option<Timestamp>) {
    let component = message.main_component();
    let read = |name: ICalendarProperty| {
        component
            .property(&name)
            .and_then(|e| instant_of(e.values.first()?.as_partial_date_time()?, e.tz_id(), message.zones()))
    };
    (read(ICalendarProperty::Dtstart), read(ICalendarProperty::Dtend))
}

/// What a VFREEBUSY says, for rendering (RFC 5546 §3.3.1 PUBLISH and
/// §3.3.3 REPLY).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeBusyMessage<'a> {
    /// PUBLISH or REPLY.
    pub method: Method,
    /// UID: the request's, for a REPLY.
    pub uid: &'a str,
    /// DTSTAMP.
    pub stamp: Timestamp,
    /// DTSTART: for a REPLY, the requested start, echoed.
    pub from: Timestamp,
    /// DTEND: for a REPLY, the requested end, echoed.
    pub to: Timestamp,
    /// ORGANIZER: the publisher (PUBLISH) or the requester (REPLY).
    pub organizer: &'a CalAddress,
    /// ATTENDEE: the one whose time it is (REPLY only).
    pub attendee: Option<&'a CalAddress>,
    /// The busy time.
    pub busy: &'a [FreeBusyEntry],
    /// A COMMENT for people (RFC 5545 §3.8.1.4), such as how far the busy
    /// time is known.
    pub comment: Option<&'a str>,
    /// PRODID.
    pub prodid: &'a str,
}

impl FreeBusyMessage<'_> {
    /// The iCalendar text: one FREEBUSY property per period, sorted, in
    /// UTC, with FBTYPE (RFC 5545 §3.8.2.6).
    pub fn to_ics(&self) -> String {
        let mut out = String::new();
        let mut line = |text: String| {
            out.push_str(&fold(&text));
            out.push_str("\r\n");
        };
        line("BEGIN:VCALENDAR".into());
        line(format!("PRODID:{}", self.prodid));
        line("VERSION:2.0".into());
        line(format!("METHOD:{}", self.method.as_str()));
        line("BEGIN:VFREEBUSY".into());
        line(format!("UID:{}", escape_text(self.uid)));
        line(format!("DTSTAMP:{}", self.stamp.to_ical()));
        line(format!("DTSTART:{}", self.from.to_ical()));
        line(format!("DTEND:{}", self.to.to_ical()));
        line(format!("ORGANIZER:{}", self.organizer.to_uri()));
        if let Some(attendee) = self.attendee {
            line(format!("ATTENDEE:{}", attendee.to_uri()));
        }
        if let Some(comment) = self.comment {
            line(format!("COMMENT:{}", escape_text(comment)));
        }
        for entry in self.busy {
            line(format!(
                "FREEBUSY;FBTYPE={}:{}/{}",
                entry.fbtype.as_str(),
                entry.start.to_ical(),
                entry.end.to_ical()
            ));
        }
        line("END:VFREEBUSY".into());
        line("END:VCALENDAR".into());
        out
    }
}

/// Escapes TEXT (RFC 5545 §3.3.11).
fn escape_text(text: &str) -> String {
    text.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n").replace('\r', "")
}

/// Folds a content line at 75 octets, on character boundaries (RFC 5545
/// §3.1).
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for ch in line.chars() {
        if width + ch.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += ch.len_utf8();
    }
    out
}
