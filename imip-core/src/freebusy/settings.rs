//! Per-principal free/busy settings: time zone and horizon.

use super::Expansion;
use crate::Timestamp;
use std::collections::BTreeMap;

/// Preference holding a principal's IANA time zone (imip-agent's `TZID`),
/// used for floating and all-day events. Default: UTC.
pub(crate) const ZONE_PREF: &str = "TZID";

/// Where a principal's expansion horizon is kept, a UTC DATE-TIME:
/// recurring events are expanded up to it. It is engine state, not a
/// preference a user may set: it is written only by commits
/// ([`crate::Commit::prefs`]), set by the first one and moved when it
/// is due, together with the re-expansion of every recurring object, so
/// the stored free/busy does not depend on when each message arrived.
pub const HORIZON_PREF: &str = "freebusy.horizon";

const DAY: i64 = 86_400;

/// How far free/busy reaches, and the bounds on expansion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreeBusyConfig {
    /// How far ahead of "now" a horizon is set (imip-agent's
    /// `window_size`, 100 days there). Default 365.
    pub window_days: u32,
    /// How far back of the horizon's start recurring occurrences are
    /// kept. Default 90.
    pub past_days: u32,
    /// When fewer days than this are left before the horizon, the driver
    /// extends it before its next decision. Default 30.
    pub extend_margin_days: u32,
    /// Most occurrences one object may contribute. Default 5,000.
    pub max_occurrences: usize,
    /// Most RRULE dates examined per object. Default 100,000.
    pub max_scan: usize,
}

impl Default for FreeBusyConfig {
    fn default() -> Self {
        FreeBusyConfig {
            window_days: 365,
            past_days: 90,
            extend_margin_days: 30,
            max_occurrences: 5_000,
            max_scan: 100_000,
        }
    }
}

impl FreeBusyConfig {
    /// The horizon a principal gets at `now`.
    pub fn horizon_at(&self, now: Timestamp) -> Timestamp {
        Timestamp::from_seconds(now.seconds().saturating_add(i64::from(self.window_days) * DAY))
    }

    /// Whether a horizon is due for extension at `now`.
    pub fn needs_extension(&self, horizon: Timestamp, now: Timestamp) -> bool {
        horizon.seconds() < now.seconds().saturating_add(i64::from(self.extend_margin_days) * DAY)
    }

    /// The expansion for a principal with these preferences and horizon.
    /// An unknown or absent time zone (`TZID`) means UTC.
    pub fn expansion(&self, prefs: &BTreeMap<String, String>, horizon: Timestamp) -> Expansion {
        let zone = prefs
            .get(ZONE_PREF)
            .and_then(|name| crate::prefs::parse_zone(name.trim()))
            .unwrap_or(chrono_tz::UTC);
        let reach = i64::from(self.window_days) + i64::from(self.past_days);
        Expansion {
            zone,
            from: Timestamp::from_seconds(horizon.seconds().saturating_sub(reach * DAY)),
            until: horizon,
            max_occurrences: self.max_occurrences,
            max_scan: self.max_scan,
        }
    }

    /// The horizon a decision at `now` expands with, given the `stored`
    /// one: the stored horizon while it is not due, else a new one
    /// ([`FreeBusyConfig::horizon_at`], never earlier than the stored).
    pub(crate) fn plan_horizon(&self, stored: Option<Timestamp>, now: Timestamp) -> HorizonPlan {
        match stored {
            Some(horizon) if !self.needs_extension(horizon, now) => HorizonPlan::Keep(horizon),
            Some(horizon) => HorizonPlan::Extend(self.horizon_at(now).max(horizon)),
            None => HorizonPlan::Set(self.horizon_at(now)),
        }
    }

    /// How far a principal's stored free/busy is complete: recurring
    /// events are expanded up to their horizon (the stored one, or the
    /// one their first commit at `now` will set), and back to
    /// [`FreeBusyConfig::past_days`] plus [`FreeBusyConfig::window_days`]
    /// before it. Single events are stored whatever their date. A query
    /// reaching past this says so (RFC 5546 §3.3.2 answers the window
    /// asked; imip adds a COMMENT rather than show a series as free).
    pub fn known_until(&self, prefs: &BTreeMap<String, String>, now: Timestamp) -> Timestamp {
        Self::stored_horizon(prefs).unwrap_or_else(|| self.horizon_at(now))
    }

    /// The stored horizon in a principal's preferences, if readable.
    pub fn stored_horizon(prefs: &BTreeMap<String, String>) -> Option<Timestamp> {
        prefs.get(HORIZON_PREF).and_then(|text| Timestamp::parse_utc(text))
    }
}

/// What a commit does with a principal's horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HorizonPlan {
    /// The stored horizon stands.
    Keep(Timestamp),
    /// No horizon yet: this one is set.
    Set(Timestamp),
    /// The stored horizon is due: it moves here, and every recurring
    /// object is expanded again up to it.
    Extend(Timestamp),
}

impl HorizonPlan {
    /// The horizon to expand with.
    pub(crate) fn horizon(self) -> Timestamp {
        match self {
            HorizonPlan::Keep(at) | HorizonPlan::Set(at) | HorizonPlan::Extend(at) => at,
        }
    }

    /// The horizon a commit writes, if it changes.
    pub(crate) fn written(self) -> Option<Timestamp> {
        match self {
            HorizonPlan::Keep(_) => None,
            HorizonPlan::Set(at) | HorizonPlan::Extend(at) => Some(at),
        }
    }
}
