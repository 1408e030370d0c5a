//! The in-memory store: for tests, simulations and embedding.

use super::{Commit, OutboxId, OutgoingMail, Record, Store, StoreError, Version, Versioned, check_pref_key};
use crate::freebusy::{BusyPeriod, PeriodIndex, PeriodSet};
use crate::model::SchedulingObject;
use crate::outcome::PendingRequest;
use crate::{CalAddress, Timestamp};
use std::collections::{BTreeMap, BTreeSet};

/// An in-memory [`Store`].
///
/// Every map is ordered, so its behaviour is deterministic. Each period
/// set is a period index (tiered by length): range queries cost O(log n + k).
#[derive(Debug, Default, Clone)]
pub struct MemStore {
    records: BTreeMap<(CalAddress, String), Versioned<Record>>,
    /// By principal, then set: a read looks both up without building a key.
    periods: BTreeMap<CalAddress, BTreeMap<PeriodSet, PeriodIndex>>,
    prefs: BTreeMap<CalAddress, BTreeMap<String, String>>,
    outbox: BTreeMap<u64, (OutgoingMail, Option<Timestamp>)>,
    next_outbox: u64,
    schedules: BTreeMap<CalAddress, u64>,
}

impl MemStore {
    /// An empty store.
    pub fn new() -> Self {
        MemStore::default()
    }

    /// A principal's copy of an object, if stored.
    pub fn object(&self, principal: &CalAddress, uid: &str) -> Option<&SchedulingObject> {
        self.record(principal, uid)?.object.as_ref()
    }

    /// A principal's record for a UID, if stored.
    pub fn record(&self, principal: &CalAddress, uid: &str) -> Option<&Record> {
        self.records.get(&(principal.clone(), uid.to_string())).map(|v| &v.value)
    }

    /// Every (principal, UID) that has a record, in order.
    pub fn keys(&self) -> impl Iterator<Item = &(CalAddress, String)> {
        self.records.keys()
    }

    fn add_to_outbox(&mut self, mail: OutgoingMail) -> OutboxId {
        self.next_outbox += 1;
        self.outbox.insert(self.next_outbox, (mail, None));
        OutboxId(format!("{:020}", self.next_outbox))
    }
}

impl Store for MemStore {
    fn load(&self, principal: &CalAddress, uid: &str) -> Result<Versioned<Record>, StoreError> {
        Ok(self.records.get(&(principal.clone(), uid.to_string())).cloned().unwrap_or_default())
    }

    fn commit(&mut self, commit: Commit) -> Result<(), StoreError> {
        let key = (commit.principal, commit.uid);
        let current = self.records.get(&key).map(|v| v.version).unwrap_or_default();
        if current != commit.expected {
            return Err(StoreError::Conflict);
        }
        for guard in &commit.guards {
            if self.schedule_version(&guard.principal)? != guard.version {
                return Err(StoreError::Conflict);
            }
        }
        for (pref, _) in &commit.prefs {
            check_pref_key(pref)?;
        }
        for (pref, value) in commit.prefs {
            let prefs = self.prefs.entry(key.0.clone()).or_default();
            match value {
                Some(value) => prefs.insert(pref, value),
                None => prefs.remove(&pref),
            };
        }
        if !commit.periods.is_empty() {
            *self.schedules.entry(key.0.clone()).or_default() += 1;
        }
        if commit.record.is_empty() {
            self.records.remove(&key);
        } else {
            let version = Version(current.0 + 1);
            self.records.insert(key.clone(), Versioned { value: commit.record, version });
        }
        for update in commit.periods {
            let sets = self.periods.entry(key.0.clone()).or_default();
            let set = sets.entry(update.set.clone()).or_default();
            set.replace(&update.uid, update.periods);
            if set.is_empty() {
                sets.remove(&update.set);
            }
            if sets.is_empty() {
                self.periods.remove(&key.0);
            }
        }
        for mail in commit.outbox {
            self.add_to_outbox(mail);
        }
        Ok(())
    }

    fn schedule_version(&self, principal: &CalAddress) -> Result<Version, StoreError> {
        Ok(Version(self.schedules.get(principal).copied().unwrap_or(0)))
    }

    fn periods(
        &self,
        principal: &CalAddress,
        set: &PeriodSet,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<BusyPeriod>, StoreError> {
        Ok(self
            .periods
            .get(principal)
            .and_then(|sets| sets.get(set))
            .map(|index| index.overlapping(from, to))
            .unwrap_or_default())
    }

    fn principals(&self) -> Result<Vec<CalAddress>, StoreError> {
        let mut all: BTreeSet<CalAddress> = self.records.keys().map(|(p, _)| p.clone()).collect();
        all.extend(self.periods.keys().cloned());
        all.extend(self.prefs.keys().cloned());
        Ok(all.into_iter().collect())
    }

    fn uids(&self, principal: &CalAddress) -> Result<Vec<String>, StoreError> {
        Ok(self.records.keys().filter(|(p, _)| p == principal).map(|(_, uid)| uid.clone()).collect())
    }

    fn period_sets(&self, principal: &CalAddress) -> Result<Vec<PeriodSet>, StoreError> {
        Ok(self.periods.get(principal).map(|sets| sets.keys().cloned().collect()).unwrap_or_default())
    }

    fn pending(&self, principal: &CalAddress) -> Result<Vec<(String, PendingRequest)>, StoreError> {
        Ok(self
            .records
            .iter()
            .filter(|((p, _), _)| p == principal)
            .filter_map(|((_, uid), record)| Some((uid.clone(), record.value.pending.clone()?)))
            .collect())
    }

    fn prefs(&self, principal: &CalAddress) -> Result<BTreeMap<String, String>, StoreError> {
        Ok(self.prefs.get(principal).cloned().unwrap_or_default())
    }

    fn set_pref(&mut self, principal: &CalAddress, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        check_pref_key(key)?;
        let prefs = self.prefs.entry(principal.clone()).or_default();
        match value {
            Some(value) => prefs.insert(key.to_string(), value.to_string()),
            None => prefs.remove(key),
        };
        if prefs.is_empty() {
            self.prefs.remove(principal);
        }
        Ok(())
    }

    fn outbox(&self) -> Result<Vec<(OutboxId, OutgoingMail)>, StoreError> {
        Ok(self.outbox.iter().map(|(k, (m, _))| (OutboxId(format!("{k:020}")), m.clone())).collect())
    }

    fn enqueue(&mut self, mail: OutgoingMail) -> Result<OutboxId, StoreError> {
        Ok(self.add_to_outbox(mail))
    }

    fn claim_outbox(
        &mut self,
        now: Timestamp,
        lease_seconds: i64,
    ) -> Result<Vec<(OutboxId, OutgoingMail)>, StoreError> {
        let until = Timestamp::from_seconds(now.seconds().saturating_add(lease_seconds));
        let mut claimed = Vec::new();
        for (key, (mail, lease)) in &mut self.outbox {
            if lease.is_none_or(|lease| lease <= now) {
                *lease = Some(until);
                claimed.push((OutboxId(format!("{key:020}")), mail.clone()));
            }
        }
        Ok(claimed)
    }

    fn release_outbox(&mut self, id: &OutboxId) -> Result<(), StoreError> {
        if let Some((mail, lease)) = id.0.parse::<u64>().ok().and_then(|key| self.outbox.get_mut(&key))
            && mail.undeliverable.is_none()
        {
            *lease = None;
        }
        Ok(())
    }

    fn remove_from_outbox(&mut self, id: &OutboxId) -> Result<(), StoreError> {
        if let Ok(key) = id.0.parse::<u64>() {
            self.outbox.remove(&key);
        }
        Ok(())
    }

    fn set_aside(&mut self, id: &OutboxId, reason: &str) -> Result<(), StoreError> {
        if let Some((mail, lease)) = id.0.parse::<u64>().ok().and_then(|key| self.outbox.get_mut(&key)) {
            mail.undeliverable = Some(reason.to_string());
            *lease = Some(Timestamp::from_seconds(i64::MAX));
        }
        Ok(())
    }
}
