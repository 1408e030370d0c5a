//! Busy periods: what a principal's schedule implies, as stores keep it.
//!
//! A [`BusyPeriod`] is one interval of time with its free/busy type
//! (RFC 5545 §3.2.9, FBTYPE) and the UID and RECURRENCE-ID of the object
//! that implies it, so that an update replaces exactly its own periods.
//! Stores keep periods in [`PeriodSet`]s per principal (the principal's
//! own schedule, what is known of others, tentative offers, quota
//! journals) and answer overlap queries over a window.
//!
//! [`own_periods`] derives a principal's own periods from a stored
//! object; [`crate::drive`] writes them in the same commit as the object,
//! so the stored free/busy always equals what the stored objects imply.

mod availability;
mod conflict;
mod expand;
mod implied;
mod index;
mod own;
mod query;
mod settings;
mod simple_rule;
mod working_hours;

pub use availability::{AVAILABILITY_PREF, Availability, AvailabilityError};
pub(crate) use conflict::peak_concurrency;
pub use conflict::{Conflict, conflicts};
pub(crate) use expand::PerComponent;
pub use expand::{Expanded, Expansion, Occurrence, expand};
pub(crate) use expand::{expand_components, occurs_at};
pub use implied::implied_updates;
pub(crate) use implied::{implied_periods, implied_sets, updates_replacing};
pub(crate) use index::PeriodIndex;
pub use index::{LENGTH_TIERS, length_tier};
pub(crate) use own::is_transparent;
pub use own::own_periods;
pub(crate) use query::vfreebusy_window;
pub use query::{
    FreeBusyEntry, FreeBusyMessage, SHARING_PREF, busy_time, merge, publishes_freebusy, shares_freebusy,
};
pub use settings::{FreeBusyConfig, HORIZON_PREF};
pub(crate) use settings::{HorizonPlan, ZONE_PREF};
pub use working_hours::{Hours, HoursSpecError, WEEK, WorkingHours, day_name};

use crate::{CalAddress, Timestamp};
use std::fmt;
use std::sync::Arc;

/// FBTYPE (RFC 5545 §3.2.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FbType {
    /// Busy.
    Busy,
    /// Tentatively busy (TENTATIVE status or answer, or not yet answered).
    BusyTentative,
    /// Unavailable (outside working hours, RFC 7953).
    BusyUnavailable,
    /// Free.
    Free,
}

impl FbType {
    /// The FBTYPE token.
    pub fn as_str(self) -> &'static str {
        match self {
            FbType::Busy => "BUSY",
            FbType::BusyTentative => "BUSY-TENTATIVE",
            FbType::BusyUnavailable => "BUSY-UNAVAILABLE",
            FbType::Free => "FREE",
        }
    }

    /// Parses an FBTYPE token (case-insensitive).
    pub fn parse(token: &str) -> Option<FbType> {
        [FbType::Busy, FbType::BusyTentative, FbType::BusyUnavailable, FbType::Free]
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(token))
    }
}

/// Which of a principal's period sets.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PeriodSet {
    /// The principal's own schedule.
    Own,
    /// What is known of another participant's schedule (from their
    /// REPLYs and published or replied free/busy).
    Other(CalAddress),
    /// Slots offered tentatively in counter-proposals, until they expire.
    Offers,
    /// The principal's bookings counted against a quota, by quota name.
    Quota(String),
}

impl PeriodSet {
    /// A stable text key: `own`, `other:ADDR`, `offers`, `quota:NAME`.
    pub fn key(&self) -> String {
        match self {
            PeriodSet::Own => "own".to_string(),
            PeriodSet::Other(who) => format!("other:{who}"),
            PeriodSet::Offers => "offers".to_string(),
            PeriodSet::Quota(name) => format!("quota:{name}"),
        }
    }

    /// Parses [`PeriodSet::key`].
    pub fn from_key(key: &str) -> Option<PeriodSet> {
        match key {
            "own" => Some(PeriodSet::Own),
            "offers" => Some(PeriodSet::Offers),
            _ => {
                if let Some(who) = key.strip_prefix("other:") {
                    CalAddress::parse(who).map(PeriodSet::Other)
                } else {
                    key.strip_prefix("quota:").map(|name| PeriodSet::Quota(name.to_string()))
                }
            }
        }
    }
}

impl fmt::Display for PeriodSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

/// The UID under which busy time learned from another participant's
/// VFREEBUSY data is kept in their [`PeriodSet::Other`] set (each new
/// PUBLISH or REPLY replaces it). Periods learned from answers to our
/// events keep those events' UIDs.
pub const LEARNED_UID: &str = "X-IMIP-VFREEBUSY";

/// What [`crate::Engine::decide`] read of a principal's schedule for a
/// decision that needs it (a VFREEBUSY REQUEST, RFC 5546 §3.3.2).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ScheduleView {
    /// Whether the principal shares free/busy ([`shares_freebusy`]).
    pub(crate) shares: bool,
    /// Their busy time over the requested window ([`busy_time`]).
    pub(crate) busy: Vec<FreeBusyEntry>,
    /// Set when the window reaches past the end of their expanded
    /// recurrences ([`FreeBusyConfig::known_until`]).
    pub(crate) known_until: Option<crate::Timestamp>,
}

/// One busy interval, `[start, end)`, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BusyPeriod {
    /// Start, inclusive.
    pub start: Timestamp,
    /// End, exclusive. Never before `start`.
    pub end: Timestamp,
    /// FBTYPE.
    pub fbtype: FbType,
    /// The UID of the object implying the period (for received free/busy
    /// data, the VFREEBUSY's UID). Shared by every period of a series.
    pub uid: Arc<str>,
    /// The instance, for a recurring object.
    pub recurrence_id: Option<Timestamp>,
    /// SUMMARY, if the period may show it. Shared, like `uid`.
    pub summary: Option<Arc<str>>,
    /// The ORGANIZER of the object (quotas count per organizer).
    pub organizer: Option<CalAddress>,
    /// When an offer lapses ([`PeriodSet::Offers`] only).
    pub expires: Option<Timestamp>,
}

fn escape_field(text: &str) -> String {
    if !text.contains(['%', '\t', '\r', '\n']) {
        return text.to_string();
    }
    text.replace('%', "%25").replace('\t', "%09").replace('\r', "%0D").replace('\n', "%0A")
}

fn unescape_field(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    text.replace("%09", "\t").replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")
}

fn optional(field: Option<&str>) -> Option<&str> {
    field.filter(|s| !s.is_empty())
}

impl BusyPeriod {
    /// A period of `uid` from `start` to `end`, without RECURRENCE-ID,
    /// SUMMARY, ORGANIZER or expiry.
    pub fn new(uid: impl Into<Arc<str>>, start: Timestamp, end: Timestamp, fbtype: FbType) -> BusyPeriod {
        BusyPeriod {
            start,
            end,
            fbtype,
            uid: uid.into(),
            recurrence_id: None,
            summary: None,
            organizer: None,
            expires: None,
        }
    }

    /// Whether the period overlaps `[from, to)`.
    pub fn overlaps(&self, from: Timestamp, to: Timestamp) -> bool {
        // An empty window takes no time and overlaps nothing (RFC 5545
        // §3.6.1: an instant blocks no time), as in every store's index.
        from < to && self.start < to && self.end > from
    }

    /// A one-line, tab-separated form (free/busy files, imip-agent's
    /// column order first): `start end uid fbtype recurrence-id summary
    /// organizer expires`. In the UID and summary, `%`, tab, CR and LF
    /// are written `%25`, `%09`, `%0D`, `%0A`, so the line is lossless;
    /// absent values are empty.
    pub fn to_line(&self) -> String {
        let summary = escape_field(self.summary.as_deref().unwrap_or(""));
        format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            self.start.to_ical(),
            self.end.to_ical(),
            escape_field(&self.uid),
            self.fbtype.as_str(),
            self.recurrence_id.map(Timestamp::to_ical).unwrap_or_default(),
            summary,
            self.organizer.as_ref().map(CalAddress::as_str).unwrap_or(""),
            self.expires.map(Timestamp::to_ical).unwrap_or_default(),
        )
    }

    /// Parses [`BusyPeriod::to_line`].
    pub fn from_line(line: &str) -> Option<BusyPeriod> {
        let mut fields = line.split('\t');
        let start = Timestamp::parse_utc(fields.next()?)?;
        let end = Timestamp::parse_utc(fields.next()?)?;
        let uid = unescape_field(fields.next()?);
        let fbtype = FbType::parse(fields.next()?)?;
        let recurrence_id = match optional(fields.next()) {
            Some(text) => Some(Timestamp::parse_utc(text)?),
            None => None,
        };
        let summary = optional(fields.next()).map(unescape_field);
        let organizer = optional(fields.next()).and_then(CalAddress::parse);
        let expires = match optional(fields.next()) {
            Some(text) => Some(Timestamp::parse_utc(text)?),
            None => None,
        };
        (end >= start).then_some(BusyPeriod {
            start,
            end,
            fbtype,
            uid: uid.into(),
            recurrence_id,
            summary: summary.map(Arc::from),
            organizer,
            expires,
        })
    }
}

/// Replaces all periods of one UID in one set (part of a commit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodUpdate {
    /// The set.
    pub set: PeriodSet,
    /// The UID whose periods are replaced.
    pub uid: String,
    /// The new periods (empty: remove them all), sorted.
    pub periods: Vec<BusyPeriod>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_line_round_trips() {
        let period = BusyPeriod {
            start: Timestamp::parse_utc("20250310T140000Z").unwrap(),
            end: Timestamp::parse_utc("20250310T150000Z").unwrap(),
            fbtype: FbType::BusyTentative,
            uid: "42@example.com".into(),
            recurrence_id: Timestamp::parse_utc("20250310T140000Z"),
            summary: Some("Plan\tning".into()),
            organizer: CalAddress::parse("alice@example.com"),
            expires: None,
        };
        let line = period.to_line();
        assert_eq!(line.matches('\t').count(), 7);
        assert_eq!(BusyPeriod::from_line(&line), Some(period.clone()));
        let odd = BusyPeriod { uid: "a%09b\tc%".into(), summary: Some("x\r\ny".into()), ..period };
        assert_eq!(BusyPeriod::from_line(&odd.to_line()), Some(odd));
    }

    #[test]
    fn set_keys_round_trip() {
        for set in [
            PeriodSet::Own,
            PeriodSet::Offers,
            PeriodSet::Other(CalAddress::parse("bob@example.com").unwrap()),
            PeriodSet::Quota("rooms".into()),
        ] {
            assert_eq!(PeriodSet::from_key(&set.key()), Some(set));
        }
    }
}
