//! Quotas: booked time per organizer (or group) over a period, shared by
//! the member resources; and collective scheduling across a quota.
//!
//! Usage is read from the members' own schedules (confirmed, BUSY
//! periods, with their ORGANIZER), so a cancellation or a decline gives
//! time back by itself, and nothing can drift from the bookings.

use crate::freebusy::{BusyPeriod, FbType, PeriodSet};
use crate::resource::config::{Quota, QuotaPeriod};
use crate::resource::policy::{Cx, State, Step, length};
use crate::resource::reason::{Per, Reason};
use crate::store::StoreError;
use crate::{CalAddress, Timestamp};
use chrono::{Datelike, Duration, NaiveDate};
use std::collections::BTreeMap;

/// The organizer's booked time under quota `name`, with this request,
/// stays within their limit in every period the request touches.
pub(crate) fn quota(cx: &Cx<'_>, state: &mut State, name: &str) -> Result<Step, StoreError> {
    let Some(quota) = cx.directory.quota(name) else { return Ok(Step::Continue) };
    let booking = cx.booking;
    let resource = &cx.resource.address;
    let Some((index, limit)) = limit_for(cx, quota, &booking.organizer) else {
        state.trace.push(format!("quota {name}: no allocation"));
        return Ok(Step::Decline(Reason::NoQuota { resource: resource.to_string() }));
    };
    let Some(limit) = limit else {
        state.trace.push(format!("quota {name}: unlimited"));
        return Ok(Step::Continue);
    };
    if booking.open_ended {
        state.trace.push(format!("quota {name}: open-ended series"));
        return Ok(Step::Decline(Reason::OpenEndedUnderQuota { resource: resource.to_string() }));
    }
    let mut requested: BTreeMap<(Timestamp, Timestamp), i64> = BTreeMap::new();
    for slot in &state.slots {
        *requested.entry(bucket(quota.period, slot.start, cx)).or_default() += slot.seconds();
    }
    let mut members = quota.members.clone();
    if !members.contains(resource) {
        members.push(resource.clone());
    }
    for ((from, to), asked) in requested {
        let mut used = 0;
        for member in &members {
            for period in cx.reader.read_periods(member, &PeriodSet::Own, from, to)? {
                if counts(cx, quota, index, &period) {
                    used += period.end.min(to).seconds() - period.start.max(from).seconds();
                }
            }
        }
        if used + asked > limit {
            state.trace.push(format!(
                "quota {name}: {} used + {} asked > {}",
                length(used),
                length(asked),
                length(limit)
            ));
            let per = match quota.period {
                QuotaPeriod::Day => Per::Day,
                QuotaPeriod::Week => Per::Week,
                QuotaPeriod::Month => Per::Month,
                QuotaPeriod::Upcoming => Per::Upcoming,
            };
            return Ok(Step::Decline(Reason::QuotaExceeded {
                resource: resource.to_string(),
                limit,
                per,
                used,
            }));
        }
    }
    state.trace.push(format!("quota {name}: within {}", length(limit)));
    Ok(Step::Continue)
}

/// The first limit matching `organizer`: its index and seconds (`None`
/// inside: unlimited).
fn limit_for(cx: &Cx<'_>, quota: &Quota, organizer: &CalAddress) -> Option<(usize, Option<i64>)> {
    quota
        .limits
        .iter()
        .enumerate()
        .find(|(_, l)| cx.directory.matches(&l.who, organizer))
        .map(|(i, l)| (i, l.limit.map(super::seconds)))
}

/// Whether a member's period counts against the requesting organizer's
/// allocation: a confirmed booking of another UID by the same organizer,
/// or, for a shared limit, by anyone whose first matching limit is the
/// same one.
fn counts(cx: &Cx<'_>, quota: &Quota, index: usize, period: &BusyPeriod) -> bool {
    if period.fbtype != FbType::Busy || *period.uid == *cx.booking.uid {
        return false;
    }
    let Some(organizer) = &period.organizer else { return false };
    if quota.shared {
        limit_for(cx, quota, organizer).is_some_and(|(i, _)| i == index)
    } else {
        organizer == &cx.booking.organizer
    }
}

/// The accounting period containing `at`, in the resource's zone.
fn bucket(period: QuotaPeriod, at: Timestamp, cx: &Cx<'_>) -> (Timestamp, Timestamp) {
    let date = at.to_chrono().with_timezone(&cx.zone).date_naive();
    let (first, next) = match period {
        QuotaPeriod::Upcoming => return (cx.now, Timestamp::from_seconds(i64::MAX / 2)),
        QuotaPeriod::Day => (date, date + Duration::days(1)),
        QuotaPeriod::Week => {
            let monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
            (monday, monday + Duration::days(7))
        }
        QuotaPeriod::Month => {
            let first = date.with_day(1).unwrap_or(date);
            let next = if first.month() == 12 {
                NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
            };
            (first, next.unwrap_or(first + Duration::days(31)))
        }
    };
    (midnight(first, cx), midnight(next, cx))
}

fn midnight(date: NaiveDate, cx: &Cx<'_>) -> Timestamp {
    let local = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    // Midnight skipped by DST: the day starts when the gap ends.
    crate::time::local_instant(&cx.zone, local)
}

/// Collective scheduling: the organizer may not hold another member of
/// quota `name` at the same time.
pub(crate) fn across(cx: &Cx<'_>, state: &mut State, name: &str) -> Result<Step, StoreError> {
    let Some(quota) = cx.directory.quota(name) else { return Ok(Step::Continue) };
    let me = &cx.resource.address;
    for member in quota.members.iter().filter(|m| *m != me) {
        for slot in &state.slots {
            let held =
                cx.reader.read_periods(member, &PeriodSet::Own, slot.start, slot.end)?.into_iter().any(|p| {
                    *p.uid != *cx.booking.uid
                        && p.fbtype != FbType::Free
                        && p.organizer.as_ref() == Some(&cx.booking.organizer)
                });
            if held {
                state.trace.push(format!("across-quota {name}: already holds {member}"));
                return Ok(Step::Decline(Reason::AlreadyHoldsMember {
                    organizer: cx.booking.organizer.to_string(),
                    member: member.to_string(),
                    at: slot.start,
                }));
            }
        }
    }
    state.trace.push(format!("across-quota {name}: no other resource held"));
    Ok(Step::Continue)
}
