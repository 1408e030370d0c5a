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
        use chrono::{Datelike, Timelike};
        // Years 0 to 9999, every iCalendar time: the digits written
        // directly (a REPLY's every answer stamps one).
        const FIRST: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
        const END: i64 = 253_402_300_800; // 10000-01-01T00:00:00Z
        if (FIRST..END).contains(&self.0) {
            let (days, second_of_day) = (self.0.div_euclid(86_400), self.0.rem_euclid(86_400));
            let (year, month, day) = civil_from_days(days);
            let mut text = [0u8; 16];
            let mut put = |at: usize, width: usize, mut value: i64| {
                for i in (at..at + width).rev() {
                    text[i] = b'0' + (value % 10) as u8;
                    value /= 10;
                }
            };
            put(0, 4, year);
            put(4, 2, month);
            put(6, 2, day);
            put(9, 2, second_of_day / 3_600);
            put(11, 2, second_of_day / 60 % 60);
            put(13, 2, second_of_day % 60);
            text[8] = b'T';
            text[15] = b'Z';
            return String::from_utf8(text.to_vec()).expect("ASCII digits, T and Z");
        }
        let at = self.to_chrono();
        format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            at.year(),
            at.month(),
            at.day(),
            at.hour(),
            at.minute(),
            at.second()
        )
    }

    /// The RFC 5322 `Date:` form.
    pub fn to_rfc2822(self) -> String {
        self.to_chrono().to_rfc2822()
    }

    /// The instant a wall-clock time denotes in `zone`, as RFC 5545
    /// §3.3.5 reads it: a time that occurs twice is its first occurrence,
    /// a time the clocks skip moves forward by the gap.
    ///
    /// ```
    /// use imip_core::Timestamp;
    /// let local = chrono::NaiveDate::from_ymd_opt(2027, 1, 12).unwrap().and_hms_opt(10, 0, 0).unwrap();
    /// assert_eq!(Timestamp::from_local(&chrono_tz::Europe::Oslo, local).to_ical(), "20270112T090000Z");
    /// ```
    pub fn from_local<Z: chrono::TimeZone>(zone: &Z, local: chrono::NaiveDateTime) -> Timestamp {
        local_instant(zone, local)
    }

    /// As a chrono UTC date-time (clamped to the epoch if out of range).
    pub fn to_chrono(self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.0, 0).unwrap_or_default()
    }
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_ical())
    }
}

/// The instant a local wall-clock time denotes in `zone`, as RFC 5545
/// §3.3.5 reads it: a time that occurs twice (DST ends) is its first
/// occurrence; a time that does not occur (DST starts) is read with the
/// UTC offset in force before the gap, so it moves forward by the gap's
/// length, whatever that length is (an hour in most zones, 30 minutes on
/// Lord Howe Island, a whole day in Samoa on 2011-12-30). The one
/// conversion for single events, recurrence instances, EXDATE, RDATE and
/// RECURRENCE-ID.
pub(crate) fn local_instant<Z: chrono::TimeZone>(zone: &Z, local: chrono::NaiveDateTime) -> Timestamp {
    use chrono::{LocalResult, Offset};
    match zone.from_local_datetime(&local) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => Timestamp(at.timestamp()),
        LocalResult::None => {
            // The offset of the last moment before the gap: gaps are at
            // most a day long, so a day earlier is before it.
            let before = local - chrono::TimeDelta::hours(26);
            let offset =
                zone.offset_from_local_datetime(&before).earliest().map(|o| o.fix().local_minus_utc());
            Timestamp(local.and_utc().timestamp() - i64::from(offset.unwrap_or(0)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The hand-written form is chrono's `%Y%m%dT%H%M%SZ` for every
        /// instant of years 0 to 9999, and parses back to the instant.
        #[test]
        fn the_ical_form_is_chronos_and_parses_back(seconds in -62_167_219_200i64..253_402_300_800i64) {
            let at = Timestamp::from_seconds(seconds);
            let text = at.to_ical();
            proptest::prop_assert_eq!(&text, &at.to_chrono().format("%Y%m%dT%H%M%SZ").to_string());
            proptest::prop_assert_eq!(Timestamp::parse_utc(&text), Some(at));
        }
    }

    /// The edges of the written range and the leap-year rules.
    #[test]
    fn the_ical_form_at_the_calendar_edges() {
        for text in [
            "00000101T000000Z",
            "99991231T235959Z",
            "20000229T120000Z",
            "19000301T000000Z",
            "19700101T000000Z",
            "19691231T235959Z",
            "21000228T235959Z",
        ] {
            assert_eq!(Timestamp::parse_utc(text).unwrap().to_ical(), text);
        }
        // Past year 9999 (no iCalendar time) the fields are still written.
        assert_eq!(Timestamp::from_seconds(253_402_300_800).to_ical(), "100000101T000000Z");
    }

    fn local(text: &str) -> chrono::NaiveDateTime {
        chrono::NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%S").unwrap()
    }

    #[test]
    fn a_time_in_a_gap_moves_forward_by_the_gap() {
        // RFC 5545 §3.3.5's own example: 02:30 in New York on the day DST
        // starts is 03:30 EDT.
        let new_york = chrono_tz::America::New_York;
        assert_eq!(local_instant(&new_york, local("20070311T023000")).to_ical(), "20070311T073000Z");
        // Lord Howe's gap is 30 minutes (02:00 +10:30 → 02:30 +11): 02:15
        // is read at +10:30, which is 02:45 +11.
        let lord_howe = chrono_tz::Australia::Lord_Howe;
        assert_eq!(local_instant(&lord_howe, local("20251005T021500")).to_ical(), "20251004T154500Z");
        // Samoa skipped 2011-12-30 entirely: noon that day is read at -10.
        let apia = chrono_tz::Pacific::Apia;
        assert_eq!(local_instant(&apia, local("20111230T120000")).to_ical(), "20111230T220000Z");
    }

    #[test]
    fn a_time_in_an_overlap_is_its_first_occurrence() {
        // RFC 5545 §3.3.5: 01:30 on 2007-11-04 in New York is EDT.
        let new_york = chrono_tz::America::New_York;
        assert_eq!(local_instant(&new_york, local("20071104T013000")).to_ical(), "20071104T053000Z");
    }
}
