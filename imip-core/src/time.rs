//! UTC instants, the only notion of time the engine uses.
//!
//! The engine never reads a clock: the caller passes "now" in [`crate::Env`].
//! DTSTAMP values (RFC 5545 §3.8.7.2) are UTC, so comparing them as
//! seconds since the Unix epoch is exact.

use calcard::common::PartialDateTime;
use chrono::{DateTime, Utc};
use std::fmt;

/// Seconds since 1970-01-01T00:00:00Z.
///
/// ```
/// use imip_core::Timestamp;
/// let t = Timestamp::parse_utc("20250301T120000Z").unwrap();
/// assert_eq!(t.to_ical(), "20250301T120000Z");
/// assert_eq!(t.seconds(), 1_740_830_400);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// Wraps a count of seconds since the Unix epoch.
    pub const fn from_seconds(seconds: i64) -> Self {
        Timestamp(seconds)
    }

    /// Seconds since the Unix epoch.
    pub const fn seconds(self) -> i64 {
        self.0
    }

    /// Parses an iCalendar UTC DATE-TIME (`YYYYMMDDTHHMMSSZ`).
    pub fn parse_utc(value: &str) -> Option<Self> {
        let mut dt = PartialDateTime::default();
        if !dt.parse_timestamp(&mut value.trim().as_bytes().iter().peekable(), true) {
            return None;
        }
        if dt.tz_hour != Some(0) || dt.tz_minute.unwrap_or(0) != 0 {
            return None;
        }
        dt.to_timestamp().map(Timestamp)
    }

    /// This instant in calcard's representation, as UTC.
    pub fn to_partial(self) -> PartialDateTime {
        PartialDateTime::from_utc_timestamp(self.0)
    }

    /// The iCalendar UTC form, `YYYYMMDDTHHMMSSZ`.
    pub fn to_ical(self) -> String {
        self.to_chrono().format("%Y%m%dT%H%M%SZ").to_string()
    }

    /// The RFC 5322 `Date:` form.
    pub fn to_rfc2822(self) -> String {
        self.to_chrono().to_rfc2822()
    }

    /// As a chrono UTC date-time (clamped to the epoch if out of range).
    pub fn to_chrono(self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.0, 0).unwrap_or_default()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_ical())
    }
}
