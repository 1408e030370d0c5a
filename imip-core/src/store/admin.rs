//! Store-independent administration: consistency check, repair, copy,
//! and a canonical dump. They work through the [`Store`] trait, so they
//! apply to every store, and a copy between two kinds of store is one
//! call. Store crates add checks of their own representation (stray
//! files, say) as [`Problem::Damaged`].

use super::{Commit, Record, Store, StoreError, Version};
use crate::freebusy::{
    BusyPeriod, Expansion, FreeBusyConfig, HORIZON_PREF, PeriodSet, PeriodUpdate, implied_periods,
};
use crate::{CalAddress, Timestamp};
use std::collections::BTreeMap;
use std::fmt;

/// Something wrong in a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A record cannot be read.
    Unreadable {
        /// Whose.
        principal: CalAddress,
        /// Which UID.
        uid: String,
        /// Why.
        reason: String,
    },
    /// The stored free/busy of a UID in one set differs from what its
    /// object implies. [`repair`] recomputes it.
    FreeBusyMismatch {
        /// Whose.
        principal: CalAddress,
        /// Which UID.
        uid: String,
        /// Which set.
        set: PeriodSet,
    },
    /// Own busy periods for a UID that has no object. [`repair`] drops them.
    OrphanPeriods {
        /// Whose.
        principal: CalAddress,
        /// Which UID.
        uid: String,
    },
    /// A stored preference whose value no longer parses
    /// ([`crate::prefs`]): its default applies until it is set again.
    BadPreference {
        /// Whose.
        principal: CalAddress,
        /// Why, naming the key.
        reason: String,
    },
    /// A store-specific defect (an unreadable or stray file, say).
    Damaged {
        /// Where.
        key: String,
        /// What.
        reason: String,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Unreadable { principal, uid, reason } => {
                write!(f, "{principal}: record {uid:?} is unreadable: {reason}")
            }
            Problem::FreeBusyMismatch { principal, uid, set } => {
                write!(f, "{principal}: free/busy ({set}) of {uid:?} differs from its object")
            }
            Problem::OrphanPeriods { principal, uid } => {
                write!(f, "{principal}: busy periods for {uid:?}, which has no object")
            }
            Problem::BadPreference { principal, reason } => write!(f, "{principal}: preference {reason}"),
            Problem::Damaged { key, reason } => write!(f, "{key}: {reason}"),
        }
    }
}

/// What [`check`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// Principals looked at.
    pub principals: usize,
    /// Records looked at.
    pub records: usize,
    /// What is wrong, in store order.
    pub problems: Vec<Problem>,
}

impl CheckReport {
    /// Whether nothing is wrong.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// What [`repair`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepairReport {
    /// UIDs whose own free/busy was recomputed.
    pub recomputed: usize,
    /// Orphaned period groups dropped.
    pub dropped: usize,
    /// Problems repair cannot fix (unreadable records).
    pub remaining: Vec<Problem>,
}

const ALL_TIME: (Timestamp, Timestamp) =
    (Timestamp::from_seconds(i64::MIN), Timestamp::from_seconds(i64::MAX));

fn all_periods(
    store: &dyn Store,
    principal: &CalAddress,
    set: &PeriodSet,
) -> Result<BTreeMap<String, Vec<BusyPeriod>>, StoreError> {
    let mut by_uid: BTreeMap<String, Vec<BusyPeriod>> = BTreeMap::new();
    for period in store.periods(principal, set, ALL_TIME.0, ALL_TIME.1)? {
        by_uid.entry(period.uid.to_string()).or_default().push(period);
    }
    Ok(by_uid)
}

/// The expansion a principal's periods were committed with: their
/// stored horizon, or for a principal that has none yet, the one the
/// driver would give them at `now`.
fn expansion_of(
    store: &dyn Store,
    principal: &CalAddress,
    config: &FreeBusyConfig,
    now: Timestamp,
) -> Result<Expansion, StoreError> {
    let prefs = store.prefs(principal)?;
    let horizon = FreeBusyConfig::stored_horizon(&prefs).unwrap_or_else(|| config.horizon_at(now));
    Ok(config.expansion(&prefs, horizon))
}

/// The periods a principal's record of `uid` implies in `set`.
fn implied_in(
    store: &dyn Store,
    principal: &CalAddress,
    uid: &str,
    set: &PeriodSet,
    expansion: &Expansion,
) -> Result<(Record, Version, Vec<BusyPeriod>), StoreError> {
    let loaded = store.load(principal, uid)?;
    let periods = loaded
        .value
        .object
        .as_ref()
        .and_then(|o| implied_periods(principal, o, expansion).remove(set))
        .unwrap_or_default();
    Ok((loaded.value, loaded.version, periods))
}

/// Checks every record against its free/busy: unreadable records,
/// periods (own, and others' learned from the answers to objects the
/// principal organizes) that differ from what the object implies under
/// `config`, and orphaned own periods. Reads the whole store
/// (O(total size)). `now` stands in for the horizon of a principal that
/// has none stored.
pub fn check(store: &dyn Store, config: &FreeBusyConfig, now: Timestamp) -> Result<CheckReport, StoreError> {
    let mut report = CheckReport::default();
    for principal in store.principals()? {
        report.principals += 1;
        let (_, bad_prefs) = crate::prefs::Prefs::read(&store.prefs(&principal)?);
        for problem in bad_prefs {
            report
                .problems
                .push(Problem::BadPreference { principal: principal.clone(), reason: problem.to_string() });
        }
        let expansion = expansion_of(store, &principal, config, now)?;
        let mut stored: BTreeMap<(String, PeriodSet), Vec<BusyPeriod>> = BTreeMap::new();
        for set in store.period_sets(&principal)? {
            if matches!(set, PeriodSet::Own | PeriodSet::Other(_)) {
                for (uid, periods) in all_periods(store, &principal, &set)? {
                    stored.insert((uid, set.clone()), periods);
                }
            }
        }
        for uid in store.uids(&principal)? {
            report.records += 1;
            match store.load(&principal, &uid) {
                Ok(loaded) => {
                    let mut implied = loaded
                        .value
                        .object
                        .as_ref()
                        .map(|o| implied_periods(&principal, o, &expansion))
                        .unwrap_or_default();
                    implied.entry(PeriodSet::Own).or_default();
                    let held: Vec<PeriodSet> = stored
                        .range((uid.clone(), PeriodSet::Own)..)
                        .take_while(|((u, _), _)| u == &uid)
                        .map(|((_, set), _)| set.clone())
                        .collect();
                    for set in held {
                        implied.entry(set).or_default();
                    }
                    for (set, periods) in implied {
                        if stored.remove(&(uid.clone(), set.clone())).unwrap_or_default() != periods {
                            report.problems.push(Problem::FreeBusyMismatch {
                                principal: principal.clone(),
                                uid: uid.clone(),
                                set,
                            });
                        }
                    }
                }
                Err(StoreError::Corrupt { reason, .. }) => {
                    // Its periods are not orphans: repair must keep the
                    // busy time of a record it cannot read.
                    stored.retain(|(u, _), _| u != &uid);
                    report.problems.push(Problem::Unreadable { principal: principal.clone(), uid, reason });
                }
                Err(other) => return Err(other),
            }
        }
        // Others' periods under a UID without a record are learned from
        // VFREEBUSY data; own periods without a record are orphans.
        for (uid, set) in stored.into_keys() {
            if set == PeriodSet::Own {
                report.problems.push(Problem::OrphanPeriods { principal: principal.clone(), uid });
            }
        }
    }
    Ok(report)
}

/// Recomputes free/busy from the objects and drops orphaned periods,
/// under the same `config` and `now` as [`check`]. Unreadable records
/// are left for an administrator and reported.
pub fn repair(
    store: &mut dyn Store,
    config: &FreeBusyConfig,
    now: Timestamp,
) -> Result<RepairReport, StoreError> {
    let mut report = RepairReport::default();
    // Fix the horizon of principals that have none, so later checks
    // agree with this repair whenever they run.
    for principal in store.principals()? {
        if FreeBusyConfig::stored_horizon(&store.prefs(&principal)?).is_none() {
            store.set_pref(&principal, HORIZON_PREF, Some(&config.horizon_at(now).to_ical()))?;
        }
    }
    for problem in check(store, config, now)?.problems {
        match &problem {
            Problem::FreeBusyMismatch { principal, uid, set } => {
                let expansion = expansion_of(store, principal, config, now)?;
                let (record, version, periods) = implied_in(store, principal, uid, set, &expansion)?;
                store.commit(Commit {
                    principal: principal.clone(),
                    uid: uid.clone(),
                    expected: version,
                    record,
                    periods: vec![PeriodUpdate { set: set.clone(), uid: uid.clone(), periods }],
                    outbox: Vec::new(),
                    guards: Vec::new(),
                    prefs: Vec::new(),
                })?;
                report.recomputed += 1;
            }
            Problem::OrphanPeriods { principal, uid } => {
                store.commit(Commit {
                    principal: principal.clone(),
                    uid: uid.clone(),
                    expected: Version(0),
                    record: Record::default(),
                    periods: vec![PeriodUpdate {
                        set: PeriodSet::Own,
                        uid: uid.clone(),
                        periods: Vec::new(),
                    }],
                    outbox: Vec::new(),
                    guards: Vec::new(),
                    prefs: Vec::new(),
                })?;
                report.dropped += 1;
            }
            Problem::Unreadable { .. } | Problem::BadPreference { .. } | Problem::Damaged { .. } => {
                report.remaining.push(problem)
            }
        }
    }
    Ok(report)
}

/// Copies everything from one store into another, which must be empty:
/// records, periods of every set, preferences and the outbox. Versions
/// restart at 1 in the target. Returns the number of records copied.
pub fn copy(from: &dyn Store, to: &mut dyn Store) -> Result<usize, StoreError> {
    copy_with_progress(from, to, &mut |_| {})
}

/// How far a [`copy_with_progress`] has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopyProgress {
    /// Principals copied so far.
    pub principals_done: usize,
    /// Principals in the source.
    pub principals: usize,
    /// Records copied so far.
    pub records: usize,
}

/// [`copy`], calling `progress` after each principal (for a progress
/// bar; the copy itself does not depend on it).
pub fn copy_with_progress(
    from: &dyn Store,
    to: &mut dyn Store,
    progress: &mut dyn FnMut(CopyProgress),
) -> Result<usize, StoreError> {
    if !to.principals()?.is_empty() || !to.outbox()?.is_empty() {
        return Err(StoreError::Invalid("the target store is not empty".into()));
    }
    let mut records = 0;
    let principals = from.principals()?;
    let total = principals.len();
    for (done, principal) in principals.into_iter().enumerate() {
        for (key, value) in from.prefs(&principal)? {
            to.set_pref(&principal, &key, Some(&value))?;
        }
        let mut by_uid: BTreeMap<String, Vec<PeriodUpdate>> = BTreeMap::new();
        for uid in from.uids(&principal)? {
            by_uid.entry(uid).or_default();
        }
        for set in from.period_sets(&principal)? {
            for (uid, periods) in all_periods(from, &principal, &set)? {
                by_uid.entry(uid.clone()).or_default().push(PeriodUpdate { set: set.clone(), uid, periods });
            }
        }
        for (uid, periods) in by_uid {
            let record = from.load(&principal, &uid)?.value;
            records += usize::from(!record.is_empty());
            to.commit(Commit {
                principal: principal.clone(),
                uid,
                expected: Version(0),
                record,
                periods,
                outbox: Vec::new(),
                guards: Vec::new(),
                prefs: Vec::new(),
            })?;
        }
        progress(CopyProgress { principals_done: done + 1, principals: total, records });
    }
    for (_, mail) in from.outbox()? {
        to.enqueue(mail)?;
    }
    Ok(records)
}

/// A canonical text rendering of everything in a store except record
/// versions and outbox IDs: two stores with the same content dump to the
/// same bytes. For tests, and for administrators comparing stores.
pub fn dump(store: &dyn Store) -> Result<String, StoreError> {
    let mut out = String::new();
    for principal in store.principals()? {
        out.push_str(&format!("principal {principal}\n"));
        for (key, value) in store.prefs(&principal)? {
            out.push_str(&format!("  pref {key} = {value:?}\n"));
        }
        for uid in store.uids(&principal)? {
            let record = store.load(&principal, &uid)?.value;
            out.push_str(&format!("  record {uid:?}\n"));
            if let Some(object) = &record.object {
                out.push_str(&indent(&object.to_ics()));
            }
            for (from, counter) in &record.counters {
                out.push_str(&format!("    counter from {from}\n"));
                out.push_str(&indent(&counter.to_ics()));
            }
            if let Some(pending) = &record.pending {
                out.push_str(&format!("    pending {}\n", pending.to_line()));
            }
        }
        for set in store.period_sets(&principal)? {
            out.push_str(&format!("  periods {set}\n"));
            for period in store.periods(&principal, &set, ALL_TIME.0, ALL_TIME.1)? {
                out.push_str(&format!("    {}\n", period.to_line()));
            }
        }
    }
    for (_, mail) in store.outbox()? {
        out.push_str(&format!("outbox {} to {:?}\n", mail.message_id, mail.recipients));
        out.push_str(&indent(&String::from_utf8_lossy(&mail.bytes)));
    }
    Ok(out)
}

fn indent(text: &str) -> String {
    text.lines().map(|line| format!("    | {line}\n")).collect()
}
