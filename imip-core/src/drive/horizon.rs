//! Upkeep of a principal's schedule outside any mail: moving the
//! expansion horizon, and dropping lapsed offers.

use super::MAX_ATTEMPTS;
use super::run::DriveError;
use crate::freebusy::{
    BusyPeriod, Expansion, FreeBusyConfig, HORIZON_PREF, PeriodSet, PeriodUpdate, implied_updates,
};
use crate::store::{Commit, ScheduleGuard, Store, StoreError};
use crate::{CalAddress, Engine, Timestamp};
use std::collections::BTreeMap;

/// Drops a principal's offers that expired at `now` (held slots of
/// counter-proposals, [`PeriodSet::Offers`]). Returns how many went. The
/// offers are read and rewritten under a guard on the principal's
/// schedule, so an offer made meanwhile is never lost: the run starts
/// again.
pub fn expire_offers(
    store: &mut dyn Store,
    principal: &CalAddress,
    now: Timestamp,
) -> Result<usize, DriveError> {
    for attempt in 1..=MAX_ATTEMPTS {
        let version = store.schedule_version(principal)?;
        let all = store.periods(
            principal,
            &PeriodSet::Offers,
            Timestamp::from_seconds(i64::MIN),
            Timestamp::from_seconds(i64::MAX),
        )?;
        let mut by_uid: BTreeMap<std::sync::Arc<str>, Vec<BusyPeriod>> = BTreeMap::new();
        for offer in all {
            by_uid.entry(offer.uid.clone()).or_default().push(offer);
        }
        let mut expired = 0;
        let mut updates = Vec::new();
        for (uid, offers) in by_uid {
            let (gone, kept): (Vec<_>, Vec<_>) =
                offers.into_iter().partition(|o| o.expires.is_some_and(|e| e <= now));
            if !gone.is_empty() {
                expired += gone.len();
                updates.push(PeriodUpdate { set: PeriodSet::Offers, uid: uid.to_string(), periods: kept });
            }
        }
        let Some(first) = updates.first() else { return Ok(0) };
        let loaded = store.load(principal, &first.uid)?;
        let commit = Commit {
            periods: updates.clone(),
            guards: vec![ScheduleGuard { principal: principal.clone(), version }],
            ..Commit::new(principal.clone(), first.uid.clone(), loaded.version, loaded.value)
        };
        match store.commit(commit) {
            Ok(()) => return Ok(expired),
            Err(StoreError::Conflict) if attempt < MAX_ATTEMPTS => continue,
            Err(StoreError::Conflict) => return Err(DriveError::Contention(attempt)),
            Err(other) => return Err(other.into()),
        }
    }
    Err(DriveError::Contention(MAX_ATTEMPTS))
}

/// Moves a principal's horizon to [`FreeBusyConfig::horizon_at`] `now`
/// (never back) and re-expands every recurring object up to it, in one
/// commit guarded by the schedule version read first, without
/// reprocessing any mail: the maintenance job (`imip maintain`). A
/// decision whose commit finds the horizon due does the same within its
/// own commit ([`crate::plan()`]). Returns the new expansion and how
/// many objects were re-expanded.
pub fn extend_horizon(
    engine: &Engine,
    store: &mut dyn Store,
    principal: &CalAddress,
    now: Timestamp,
) -> Result<(Expansion, usize), DriveError> {
    let config = &engine.config().freebusy;
    for attempt in 1..=MAX_ATTEMPTS {
        let version = store.schedule_version(principal)?;
        let prefs = store.prefs(principal)?;
        let horizon = config.horizon_at(now).max(FreeBusyConfig::stored_horizon(&prefs).unwrap_or(now));
        let expansion = config.expansion(&prefs, horizon);
        let mut periods = Vec::new();
        let mut expanded = 0;
        let mut first = None;
        for uid in store.uids(principal)? {
            let loaded = store.load(principal, &uid)?;
            let Some(object) = loaded.value.object.as_ref().filter(|o| o.is_recurring()) else { continue };
            periods.extend(implied_updates(principal, &uid, Some(object), Some(object), &expansion));
            expanded += 1;
            first.get_or_insert((uid, loaded));
        }
        let horizon_pref = vec![(HORIZON_PREF.to_string(), Some(horizon.to_ical()))];
        let Some((uid, loaded)) = first else {
            // Nothing recurs: only the horizon moves.
            store.set_pref(principal, HORIZON_PREF, Some(&horizon.to_ical()))?;
            return Ok((expansion, 0));
        };
        let commit = Commit {
            periods,
            guards: vec![ScheduleGuard { principal: principal.clone(), version }],
            prefs: horizon_pref,
            ..Commit::new(principal.clone(), uid, loaded.version, loaded.value)
        };
        match store.commit(commit) {
            Ok(()) => return Ok((expansion, expanded)),
            Err(StoreError::Conflict) if attempt < MAX_ATTEMPTS => continue,
            Err(StoreError::Conflict) => return Err(DriveError::Contention(attempt)),
            Err(other) => return Err(other.into()),
        }
    }
    Err(DriveError::Contention(MAX_ATTEMPTS))
}

/// Sets (or, with `None`, removes) preferences of `principal`, and in
/// the same commit recomputes the free/busy that depends on them: when
/// the time zone ([`crate::prefs::PrefKey::Zone`]) changes, every object
/// is expanded again, since floating and all-day events are read in it.
/// The caller checks the values first ([`crate::prefs::check`]).
/// Returns how many objects were re-expanded.
pub fn change_prefs(
    engine: &Engine,
    store: &mut dyn Store,
    principal: &CalAddress,
    changes: &[(String, Option<String>)],
    now: Timestamp,
) -> Result<usize, DriveError> {
    let config = &engine.config().freebusy;
    for attempt in 1..=MAX_ATTEMPTS {
        let version = store.schedule_version(principal)?;
        let before = store.prefs(principal)?;
        let mut after = before.clone();
        for (key, value) in changes {
            match value {
                Some(value) => after.insert(key.clone(), value.clone()),
                None => after.remove(key),
            };
        }
        let horizon = config.plan_horizon(FreeBusyConfig::stored_horizon(&before), now).horizon();
        let (old, new) = (config.expansion(&before, horizon), config.expansion(&after, horizon));
        let mut periods = Vec::new();
        let mut anchor = None;
        let mut expanded = 0;
        if old.zone != new.zone {
            for uid in store.uids(principal)? {
                let loaded = store.load(principal, &uid)?;
                if let Some(object) = loaded.value.object.as_ref() {
                    periods.extend(implied_updates(principal, &uid, Some(object), Some(object), &new));
                    expanded += 1;
                }
                anchor.get_or_insert((uid, loaded));
            }
        }
        let Some((uid, loaded)) = anchor else {
            // Nothing stored depends on them.
            for (key, value) in changes {
                store.set_pref(principal, key, value.as_deref())?;
            }
            return Ok(0);
        };
        let commit = Commit {
            periods,
            guards: vec![ScheduleGuard { principal: principal.clone(), version }],
            prefs: changes.to_vec(),
            ..Commit::new(principal.clone(), uid, loaded.version, loaded.value)
        };
        match store.commit(commit) {
            Ok(()) => return Ok(expanded),
            Err(StoreError::Conflict) if attempt < MAX_ATTEMPTS => continue,
            Err(StoreError::Conflict) => return Err(DriveError::Contention(attempt)),
            Err(other) => return Err(other.into()),
        }
    }
    Err(DriveError::Contention(MAX_ATTEMPTS))
}
