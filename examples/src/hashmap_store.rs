//! A [`Store`] over plain `HashMap`s, the way a host server that already
//! keeps accounts in memory (or in its own database) would plug into
//! imip-core. It passes the same behavioural suite as imip's own stores
//! (`tests/hashmap_store.rs` runs `conformance::store_suite!` on it).
//!
//! What the trait asks of any store, and how this one does it:
//! * one atomic commit per decision (record, busy periods, preference
//!   changes such as the expansion horizon, outbox mail),
//!   refused with [`StoreError::Conflict`] when the record or a guarded
//!   schedule moved: here, checks before any write under `&mut self`;
//! * stable, sorted listings: `HashMap`s have no order, so every listing
//!   is sorted before it is returned;
//! * an outbox with leases, so concurrent senders do not send twice.

use imip_core::backend::{
    BusyPeriod, Commit, OutboxId, OutgoingMail, PendingRequest, PeriodSet, Record, Store, StoreError,
    Version, Versioned, check_pref_key,
};
use imip_core::{CalAddress, Timestamp};
use std::collections::{BTreeMap, HashMap};

/// One calendar user's data.
#[derive(Debug, Default)]
struct Account {
    records: HashMap<String, Versioned<Record>>,
    periods: HashMap<PeriodSet, Vec<BusyPeriod>>,
    prefs: BTreeMap<String, String>,
    schedule: u64,
}

/// Accounts by address, and the outbox.
#[derive(Debug, Default)]
pub struct HashMapStore {
    accounts: HashMap<CalAddress, Account>,
    /// (id, mail, claimed until).
    outbox: Vec<(u64, OutgoingMail, Option<Timestamp>)>,
    next_id: u64,
}

impl HashMapStore {
    /// An empty store.
    pub fn new() -> HashMapStore {
        HashMapStore::default()
    }

    fn account(&self, principal: &CalAddress) -> Option<&Account> {
        self.accounts.get(principal)
    }

    fn push_mail(&mut self, mail: OutgoingMail) -> OutboxId {
        self.next_id += 1;
        self.outbox.push((self.next_id, mail, None));
        outbox_id(self.next_id)
    }
}

fn outbox_id(id: u64) -> OutboxId {
    OutboxId(format!("{id:020}"))
}

fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items
}

impl Store for HashMapStore {
    fn load(&self, principal: &CalAddress, uid: &str) -> Result<Versioned<Record>, StoreError> {
        Ok(self.account(principal).and_then(|a| a.records.get(uid)).cloned().unwrap_or_default())
    }

    fn commit(&mut self, commit: Commit) -> Result<(), StoreError> {
        // Check everything first, then write: all or nothing.
        let current = self.load(&commit.principal, &commit.uid)?.version;
        if current != commit.expected {
            return Err(StoreError::Conflict);
        }
        for guard in &commit.guards {
            if self.schedule_version(&guard.principal)? != guard.version {
                return Err(StoreError::Conflict);
            }
        }
        for (key, _) in &commit.prefs {
            check_pref_key(key)?;
        }
        let account = self.accounts.entry(commit.principal.clone()).or_default();
        for (key, value) in commit.prefs {
            match value {
                Some(value) => account.prefs.insert(key, value),
                None => account.prefs.remove(&key),
            };
        }
        if commit.record.is_empty() {
            account.records.remove(&commit.uid);
        } else {
            let version = Version(current.0 + 1);
            account.records.insert(commit.uid.clone(), Versioned { value: commit.record, version });
        }
        if !commit.periods.is_empty() {
            account.schedule += 1;
        }
        for update in commit.periods {
            let periods = account.periods.entry(update.set.clone()).or_default();
            periods.retain(|p| *p.uid != *update.uid);
            periods.extend(update.periods);
            if periods.is_empty() {
                account.periods.remove(&update.set);
            }
        }
        for mail in commit.outbox {
            self.push_mail(mail);
        }
        Ok(())
    }

    fn schedule_version(&self, principal: &CalAddress) -> Result<Version, StoreError> {
        Ok(Version(self.account(principal).map_or(0, |a| a.schedule)))
    }

    fn periods(
        &self,
        principal: &CalAddress,
        set: &PeriodSet,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<BusyPeriod>, StoreError> {
        // A linear scan: fine for a small server; imip's stores index.
        let periods = self.account(principal).and_then(|a| a.periods.get(set));
        let overlapping = periods.into_iter().flatten().filter(|p| p.start < to && p.end > from).cloned();
        Ok(sorted(overlapping.collect()))
    }

    fn principals(&self) -> Result<Vec<CalAddress>, StoreError> {
        let used = self
            .accounts
            .iter()
            .filter(|(_, a)| !a.records.is_empty() || !a.periods.is_empty() || !a.prefs.is_empty());
        Ok(sorted(used.map(|(p, _)| p.clone()).collect()))
    }

    fn uids(&self, principal: &CalAddress) -> Result<Vec<String>, StoreError> {
        Ok(sorted(self.account(principal).map(|a| a.records.keys().cloned().collect()).unwrap_or_default()))
    }

    fn period_sets(&self, principal: &CalAddress) -> Result<Vec<PeriodSet>, StoreError> {
        Ok(sorted(self.account(principal).map(|a| a.periods.keys().cloned().collect()).unwrap_or_default()))
    }

    fn pending(&self, principal: &CalAddress) -> Result<Vec<(String, PendingRequest)>, StoreError> {
        let Some(account) = self.account(principal) else { return Ok(Vec::new()) };
        let mut queued: Vec<(String, PendingRequest)> = account
            .records
            .iter()
            .filter_map(|(uid, record)| Some((uid.clone(), record.value.pending.clone()?)))
            .collect();
        queued.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(queued)
    }

    fn prefs(&self, principal: &CalAddress) -> Result<BTreeMap<String, String>, StoreError> {
        Ok(self.account(principal).map(|a| a.prefs.clone()).unwrap_or_default())
    }

    fn set_pref(&mut self, principal: &CalAddress, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        check_pref_key(key)?;
        let prefs = &mut self.accounts.entry(principal.clone()).or_default().prefs;
        match value {
            Some(value) => prefs.insert(key.to_string(), value.to_string()),
            None => prefs.remove(key),
        };
        Ok(())
    }

    fn outbox(&self) -> Result<Vec<(OutboxId, OutgoingMail)>, StoreError> {
        Ok(self.outbox.iter().map(|(id, mail, _)| (outbox_id(*id), mail.clone())).collect())
    }

    fn enqueue(&mut self, mail: OutgoingMail) -> Result<OutboxId, StoreError> {
        Ok(self.push_mail(mail))
    }

    fn claim_outbox(
        &mut self,
        now: Timestamp,
        lease_seconds: i64,
    ) -> Result<Vec<(OutboxId, OutgoingMail)>, StoreError> {
        let until = Timestamp::from_seconds(now.seconds().saturating_add(lease_seconds));
        let mut claimed = Vec::new();
        for (id, mail, lease) in &mut self.outbox {
            if lease.is_none_or(|lease| lease <= now) {
                *lease = Some(until);
                claimed.push((outbox_id(*id), mail.clone()));
            }
        }
        Ok(claimed)
    }

    fn release_outbox(&mut self, id: &OutboxId) -> Result<(), StoreError> {
        for (own, mail, lease) in &mut self.outbox {
            // Mail set aside as undeliverable stays out of reach.
            if outbox_id(*own) == *id && mail.undeliverable.is_none() {
                *lease = None;
            }
        }
        Ok(())
    }

    fn remove_from_outbox(&mut self, id: &OutboxId) -> Result<(), StoreError> {
        self.outbox.retain(|(own, _, _)| outbox_id(*own) != *id);
        Ok(())
    }

    fn set_aside(&mut self, id: &OutboxId, reason: &str) -> Result<(), StoreError> {
        for (own, mail, lease) in &mut self.outbox {
            if outbox_id(*own) == *id {
                // Kept for the administrator, and never claimed again.
                mail.undeliverable = Some(reason.to_string());
                *lease = Some(Timestamp::from_seconds(i64::MAX));
            }
        }
        Ok(())
    }
}
