//! The RRULEs nearly every invitation carries, expanded directly.
//!
//! "Every day", "every other week on Monday and Thursday", "monthly on
//! the 12th", "every year on 3 March", each with COUNT or none, make up
//! almost all the recurrence rules clients send. Their occurrences are
//! plain calendar arithmetic on DTSTART's wall clock (RFC 5545 §3.3.10),
//! which this module does without the general engine of the `rrule`
//! crate: no rule string is written and parsed again, no day set is
//! built per period. Every other rule (any BYxxx part but a weekly
//! BYDAY, ordinals, sub-daily frequencies) returns `None`, and the
//! caller expands it with the `rrule` crate.
//!
//! The answers are those of the `rrule` crate, occurrence for occurrence
//! (a property test compares them): a month or year without DTSTART's
//! day is skipped (RFC 5545 §3.3.10: "invalid dates are ignored"), and
//! COUNT counts the occurrences the rule produces. Only rules whose
//! DTSTART is itself an occurrence are taken, so that the crate's and
//! RFC 5545's readings of COUNT agree.

use crate::model::values::weekday_of;
use calcard::icalendar::{ICalendarDay, ICalendarFrequency, ICalendarRecurrenceRule, ICalendarWeekday};
use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime};

/// Whether `rule` has no BYxxx part but BYDAY, and neither RSCALE nor
/// SKIP (RFC 7529): its dates are plain steps of its frequency.
pub(crate) fn no_parts_but_byday(rule: &ICalendarRecurrenceRule) -> bool {
    rule.bysecond.is_empty()
        && rule.byminute.is_empty()
        && rule.byhour.is_empty()
        && rule.bymonthday.is_empty()
        && rule.byyearday.is_empty()
        && rule.byweekno.is_empty()
        && rule.bymonth.is_empty()
        && rule.bysetpos.is_empty()
        && rule.rscale.is_none()
        && rule.skip.is_none()
}

/// The wall-clock starts of `rule` from `start` (its DTSTART, read on
/// the rule's own clock), in order, or `None` when the rule is not one
/// of the simple forms. Without COUNT the iterator does not end: the
/// caller stops at its horizon.
pub(super) fn occurrences(
    rule: &ICalendarRecurrenceRule,
    start: NaiveDateTime,
) -> Option<impl Iterator<Item = NaiveDateTime>> {
    let untouched = no_parts_but_byday(rule);
    let interval = u32::from(rule.interval.unwrap_or(1));
    if !untouched || interval == 0 || rule.count == Some(0) {
        return None;
    }
    let step = match rule.freq {
        ICalendarFrequency::Daily if rule.byday.is_empty() => Step::Days(interval),
        ICalendarFrequency::Monthly if rule.byday.is_empty() => Step::Months(interval),
        ICalendarFrequency::Yearly if rule.byday.is_empty() => Step::Months(interval.checked_mul(12)?),
        ICalendarFrequency::Weekly => {
            let mut days = [false; 7];
            for ICalendarDay { ordwk, weekday } in &rule.byday {
                if ordwk.is_some() {
                    return None;
                }
                days[weekday_of(*weekday).num_days_from_monday() as usize] = true;
            }
            if rule.byday.is_empty() {
                days[start.weekday().num_days_from_monday() as usize] = true;
            }
            if !days[start.weekday().num_days_from_monday() as usize] {
                return None;
            }
            let week_start = weekday_of(rule.wkst.unwrap_or(ICalendarWeekday::Monday));
            // The week's days counted from its first day, and DTSTART's.
            let taken =
                std::array::from_fn(|day| days[(week_start.num_days_from_monday() as usize + day) % 7]);
            Step::Weeks { interval, taken, offset: start.weekday().days_since(week_start) }
        }
        _ => return None,
    };
    let dates = Dates { start: start.date(), step, period: 0, day: 0 };
    let time = start.time();
    let count = rule.count.map_or(usize::MAX, |c| c as usize);
    Some(dates.map(move |date| date.and_time(time)).take(count))
}

/// How the rule moves from one period to the next.
#[derive(Debug, Clone, Copy)]
enum Step {
    Days(u32),
    /// Months (a year is twelve); DTSTART's day of the month is kept.
    Months(u32),
    /// Weeks on the `taken` days, counted from the week's first day
    /// (WKST); DTSTART is `offset` days into its week.
    Weeks {
        interval: u32,
        taken: [bool; 7],
        offset: u32,
    },
}

/// The dates of the rule, from DTSTART's date.
struct Dates {
    start: NaiveDate,
    step: Step,
    /// Periods since DTSTART's.
    period: u32,
    /// The day of the week looked at next (weekly rules).
    day: u32,
}

/// Dates past this year end the expansion, as in the `rrule` crate.
const LAST_YEAR: i32 = 9_999;

impl Iterator for Dates {
    type Item = NaiveDate;

    fn next(&mut self) -> Option<NaiveDate> {
        loop {
            let date = match self.step {
                Step::Days(interval) => {
                    let date =
                        self.start.checked_add_days(Days::new(u64::from(self.period) * u64::from(interval)));
                    self.period = self.period.checked_add(1)?;
                    date?
                }
                Step::Months(interval) => {
                    let months = self.period.checked_mul(interval)?;
                    self.period = self.period.checked_add(1)?;
                    let first = self.start.with_day(1)?.checked_add_months(Months::new(months))?;
                    if first.year() > LAST_YEAR {
                        return None;
                    }
                    // A month without the day has no occurrence.
                    match first.with_day(self.start.day()) {
                        Some(date) => date,
                        None => continue,
                    }
                }
                Step::Weeks { interval, taken, offset } => {
                    // The next taken day of this week, if any; the days of
                    // DTSTART's week before it are not taken.
                    let from = if self.period == 0 { self.day.max(offset) } else { self.day };
                    let Some(day) = (from..7).find(|&day| taken[day as usize]) else {
                        self.day = 0;
                        self.period = self.period.checked_add(1)?;
                        continue;
                    };
                    let period = self.period;
                    self.day = day + 1;
                    if self.day == 7 {
                        self.day = 0;
                        self.period = self.period.checked_add(1)?;
                    }
                    let weeks = u64::from(period) * u64::from(interval);
                    self.start.checked_add_days(Days::new(weeks * 7 + u64::from(day) - u64::from(offset)))?
                }
            };
            if date.year() > LAST_YEAR {
                return None;
            }
            return Some(date);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calcard::icalendar::ICalendarFrequency as Freq;
    use chrono::{LocalResult, NaiveTime, TimeZone};
    use proptest::prelude::*;
    use std::str::FromStr;

    const ZONES: [chrono_tz::Tz; 5] = [
        chrono_tz::UTC,
        chrono_tz::Europe::Oslo,
        chrono_tz::America::New_York,
        chrono_tz::Australia::Lord_Howe, // a 30-minute DST shift
        chrono_tz::Asia::Kolkata,
    ];
    const DAYS: [ICalendarWeekday; 7] = [
        ICalendarWeekday::Monday,
        ICalendarWeekday::Tuesday,
        ICalendarWeekday::Wednesday,
        ICalendarWeekday::Thursday,
        ICalendarWeekday::Friday,
        ICalendarWeekday::Saturday,
        ICalendarWeekday::Sunday,
    ];

    /// The first `n` instants of `rule` from `start` in `zone`, by the
    /// `rrule` crate, as the expansion used it before this module.
    fn by_crate(
        rule: &ICalendarRecurrenceRule,
        start: NaiveDateTime,
        zone: chrono_tz::Tz,
        n: usize,
    ) -> Vec<i64> {
        let parsed = rrule::RRule::<rrule::Unvalidated>::from_str(&rule.to_string()).unwrap();
        let tz: rrule::Tz = zone.into();
        let dtstart = match tz.from_local_datetime(&start) {
            LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at,
            LocalResult::None => unreachable!("the start is read from an instant"),
        };
        parsed.build(dtstart).unwrap().into_iter().take(n).map(|d| d.timestamp()).collect()
    }

    fn by_us(
        rule: &ICalendarRecurrenceRule,
        start: NaiveDateTime,
        zone: chrono_tz::Tz,
        n: usize,
    ) -> Vec<i64> {
        occurrences(rule, start)
            .expect("a simple rule")
            .take(n)
            .map(|local| crate::time::local_instant(&zone, local).seconds())
            .collect()
    }

    fn rule(
        freq: Freq,
        interval: u16,
        count: Option<u32>,
        byday: &[usize],
        wkst: usize,
    ) -> ICalendarRecurrenceRule {
        ICalendarRecurrenceRule {
            freq,
            count,
            interval: (interval > 1).then_some(interval),
            byday: byday.iter().map(|d| ICalendarDay { ordwk: None, weekday: DAYS[*d] }).collect(),
            wkst: (wkst != 0).then(|| DAYS[wkst]),
            ..Default::default()
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]
        /// Occurrence for occurrence, the answer of the `rrule` crate,
        /// across DST changes (a 30-minute one included), month ends and
        /// leap days.
        #[test]
        fn agrees_with_the_rrule_crate(
            freq in prop::sample::select(vec![Freq::Daily, Freq::Weekly, Freq::Monthly, Freq::Yearly]),
            interval in 1u16..4,
            count in prop::option::of(1u32..40),
            extra_days in prop::collection::vec(0usize..7, 0..4),
            wkst in 0usize..7,
            day in 0u64..(365 * 8),
            minutes in prop::sample::select(vec![0u32, 30, 60, 120, 150, 600, 1410]),
            zone in prop::sample::select(ZONES.to_vec()),
        ) {
            let date = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + Days::new(day);
            let time = NaiveTime::from_num_seconds_from_midnight_opt(minutes * 60, 0).unwrap();
            // Read the start from an instant, as the expansion does.
            let instant = crate::time::local_instant(&zone, date.and_time(time));
            let start = zone.timestamp_opt(instant.seconds(), 0).unwrap().naive_local();
            let mut byday = Vec::new();
            if freq == Freq::Weekly && !extra_days.is_empty() {
                byday.push(start.weekday().num_days_from_monday() as usize);
                byday.extend(extra_days);
            }
            let rule = rule(freq, interval, count, &byday, wkst);
            let n = 60;
            prop_assert_eq!(by_us(&rule, start, zone, n), by_crate(&rule, start, zone, n), "{}", rule);
        }
    }

    #[test]
    fn months_without_the_day_are_skipped() {
        let start = NaiveDate::from_ymd_opt(2025, 1, 31).unwrap().and_hms_opt(9, 0, 0).unwrap();
        let months: Vec<u32> = occurrences(&rule(Freq::Monthly, 1, Some(4), &[], 0), start)
            .unwrap()
            .map(|d| d.month())
            .collect();
        assert_eq!(months, [1, 3, 5, 7]);
        let leap = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap().and_hms_opt(9, 0, 0).unwrap();
        let years: Vec<i32> =
            occurrences(&rule(Freq::Yearly, 1, Some(2), &[], 0), leap).unwrap().map(|d| d.year()).collect();
        assert_eq!(years, [2024, 2028]);
    }

    #[test]
    fn other_rules_are_left_to_the_rrule_crate() {
        let start = NaiveDate::from_ymd_opt(2025, 3, 3).unwrap().and_hms_opt(9, 0, 0).unwrap();
        let mut by_month_day = rule(Freq::Monthly, 1, None, &[], 0);
        by_month_day.bymonthday = vec![1, 15];
        let ordinal = ICalendarRecurrenceRule {
            freq: Freq::Monthly,
            byday: vec![ICalendarDay { ordwk: Some(-1), weekday: ICalendarWeekday::Friday }],
            ..Default::default()
        };
        let not_on_start = rule(Freq::Weekly, 1, Some(3), &[3], 0); // Thursdays, from a Monday
        let hourly = rule(Freq::Hourly, 1, None, &[], 0);
        let daily_filtered = rule(Freq::Daily, 1, None, &[0, 2], 0);
        for other in [by_month_day, ordinal, not_on_start, hourly, daily_filtered] {
            assert!(occurrences(&other, start).is_none(), "{other}");
        }
    }
}
