//! Permitted times: the hours and minutes at which bookings may start
//! and end (imip-agent's `permitted_times`), and the correction that
//! rounds a time up to the next permitted one.

use crate::Timestamp;
use chrono::{Duration, LocalResult, NaiveDateTime, TimeZone, Timelike};
use chrono_tz::Tz;

/// Permitted local hours and minutes (seconds are always 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermittedTimes {
    hours: Vec<u32>,
    minutes: Vec<u32>,
}

impl PermittedTimes {
    /// Permitted `hours` (0–23) and `minutes` (0–59); an absent list
    /// allows every value, but one list must be given.
    pub fn new(hours: Option<Vec<u32>>, minutes: Option<Vec<u32>>) -> Result<PermittedTimes, String> {
        if hours.is_none() && minutes.is_none() {
            return Err("permitted-times needs hours or minutes".into());
        }
        let list = |values: Option<Vec<u32>>, limit: u32, what: &str| -> Result<Vec<u32>, String> {
            let mut values = values.unwrap_or_else(|| (0..limit).collect());
            if values.is_empty() {
                return Err(format!("no {what} permitted"));
            }
            if let Some(bad) = values.iter().find(|v| **v >= limit) {
                return Err(format!("{bad} is not a valid {what}"));
            }
            values.sort_unstable();
            values.dedup();
            Ok(values)
        };
        Ok(PermittedTimes { hours: list(hours, 24, "hour")?, minutes: list(minutes, 60, "minute")? })
    }

    /// The first permitted time at or after `at`, read in `zone`. Local
    /// times that do not exist (a DST gap) are skipped.
    pub fn align_up(&self, at: Timestamp, zone: Tz) -> Timestamp {
        let local = at.to_chrono().with_timezone(&zone).naive_local();
        let mut start = local.with_nanosecond(0).unwrap_or(local);
        if start.second() > 0 {
            start = start.with_second(0).unwrap_or(start) + Duration::minutes(1);
        }
        for day in 0..3 {
            let date = start.date() + Duration::days(day);
            for &hour in &self.hours {
                if day == 0 && hour < start.hour() {
                    continue;
                }
                for &minute in &self.minutes {
                    if day == 0 && hour == start.hour() && minute < start.minute() {
                        continue;
                    }
                    let Some(candidate) = date.and_hms_opt(hour, minute, 0) else { continue };
                    if let Some(utc) = to_utc(candidate, zone)
                        && utc >= at
                    {
                        return utc;
                    }
                }
            }
        }
        at
    }

    /// Whether `at` is itself permitted.
    pub fn permits(&self, at: Timestamp, zone: Tz) -> bool {
        self.align_up(at, zone) == at
    }

    /// The permitted hours (0–23), in order.
    pub fn hours(&self) -> &[u32] {
        &self.hours
    }

    /// The permitted minutes (0–59), in order.
    pub fn minutes(&self) -> &[u32] {
        &self.minutes
    }
}

fn to_utc(local: NaiveDateTime, zone: Tz) -> Option<Timestamp> {
    let resolved = match zone.from_local_datetime(&local) {
        LocalResult::Single(at) => at,
        LocalResult::Ambiguous(first, _) => first,
        LocalResult::None => return None,
    };
    Some(Timestamp::from_seconds(resolved.timestamp()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse_utc(text).unwrap()
    }

    #[test]
    fn corrections_round_up_and_carry() {
        let quarter = PermittedTimes::new(None, Some(vec![0, 15, 30, 45])).unwrap();
        // imip-agent's verified example: 16:05 becomes 16:15.
        assert_eq!(quarter.align_up(at("20250310T160500Z"), chrono_tz::UTC), at("20250310T161500Z"));
        assert_eq!(quarter.align_up(at("20250310T235001Z"), chrono_tz::UTC), at("20250311T000000Z"));
        assert!(quarter.permits(at("20250310T163000Z"), chrono_tz::UTC));
        let office = PermittedTimes::new(Some((8..18).collect()), Some(vec![0, 30])).unwrap();
        assert_eq!(office.align_up(at("20250310T173100Z"), chrono_tz::UTC), at("20250311T080000Z"));
        // Read in the resource's zone: 09:10 Berlin (08:10 UTC) → 09:30.
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        assert_eq!(office.align_up(at("20250310T081000Z"), berlin), at("20250310T083000Z"));
    }

    #[test]
    fn a_dst_gap_is_skipped() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let half = PermittedTimes::new(Some(vec![2, 3]), Some(vec![30])).unwrap();
        // 2025-03-30 02:30 does not exist in Berlin: 03:30 CEST is next.
        assert_eq!(half.align_up(at("20250330T003000Z"), berlin), at("20250330T013000Z"));
    }
}
