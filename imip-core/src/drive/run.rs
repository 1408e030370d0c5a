//! One input through the loop: load, decide, plan, commit, flush.

use super::MAX_ATTEMPTS;
use super::outbox::{OUTBOX_LEASE_SECONDS, flush_outbox, send_claimed};
use crate::freebusy::{BusyPeriod, PeriodSet};
use crate::plan::{Loaded, plan};
use crate::store::{
    OutgoingMail, ScheduleGuard, ScheduleReader, Store, StoreError, Transport, TransportError, Version,
};
use crate::{CalAddress, Disposition, Engine, Env, Input, Outcome, Timestamp};
use std::cell::RefCell;
use std::collections::BTreeMap;
use thiserror::Error;

/// What one run did.
#[derive(Debug)]
pub struct Report {
    /// The decision.
    pub outcome: Outcome,
    /// Mail handed to the transport during this run (this input's and
    /// any left over from earlier runs).
    pub sent: usize,
    /// Mail still waiting in the outbox, with the last error.
    pub unsent: usize,
    /// The error of the last failed send, if any.
    pub send_error: Option<TransportError>,
    /// Mail the transport refused permanently: kept in the outbox as
    /// undeliverable ([`crate::Store::set_aside`]), never sent again.
    pub undeliverable: Vec<(OutgoingMail, TransportError)>,
}

impl Report {
    /// Whether the decision was to refuse.
    pub fn is_refused(&self) -> bool {
        matches!(self.outcome.disposition, Disposition::Refused(_))
    }
}

/// Why a run could not complete: a store failure (see [`StoreError`]:
/// `Unavailable` and `Conflict` are temporary, `Corrupt` needs an
/// administrator) or persistent contention.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DriveError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Others kept changing the record; try again later.
    #[error("the record kept changing; gave up after {0} attempts")]
    Contention(usize),
}

/// Runs one input through the engine against a store: loads, decides,
/// plans the commit, commits, and flushes the outbox.
pub fn run_once(
    engine: &Engine,
    env: &mut Env<'_>,
    store: &mut dyn Store,
    transport: &mut dyn Transport,
    input: &Input,
) -> Result<Report, DriveError> {
    let mut attempt = 0;
    let (outcome, claimed) = loop {
        attempt += 1;
        let mut loaded = load(engine, &*store, input, env.now)?;
        let reader = GuardedReader::new(&*store, input.principal(), &loaded.prefs);
        // The loaded record is replaced by the commit: the decision may
        // take its object and edit it in place, without a copy.
        let outcome = engine.decide_taking(env.now, input, &mut loaded.record.value, &reader)?;
        let guards = reader.into_guards();
        let Some(commit) = plan(engine, env, input, &loaded, &outcome, guards) else { break (outcome, None) };
        // The commit claims the outbox in the same step, so that a store
        // that can writes both at once.
        match store.commit_and_claim(commit, env.now, OUTBOX_LEASE_SECONDS) {
            Ok(claimed) => break (outcome, Some(claimed)),
            Err(StoreError::Conflict) if attempt < MAX_ATTEMPTS => continue,
            Err(StoreError::Conflict) => return Err(DriveError::Contention(attempt)),
            Err(other) => return Err(other.into()),
        }
    };
    let flush = match claimed {
        Some(claimed) => send_claimed(store, transport, claimed)?,
        None => flush_outbox(store, transport, env.now)?,
    };
    Ok(Report {
        outcome,
        sent: flush.sent,
        unsent: flush.left,
        send_error: flush.last_error,
        undeliverable: flush.undeliverable,
    })
}

/// Everything a decision on `input` and the planning of its commit read:
/// the record, the principal's preferences and schedule version, and,
/// when their horizon is due, their recurring objects.
fn load(engine: &Engine, store: &dyn Store, input: &Input, now: Timestamp) -> Result<Loaded, StoreError> {
    let principal = input.principal();
    let schedule = store.schedule_version(principal)?;
    let mut loaded = Loaded {
        record: store.load(principal, input.uid())?,
        prefs: store.prefs(principal)?,
        schedule,
        sets: Default::default(),
        recurring: Vec::new(),
    };
    loaded.read_sets(principal);
    if loaded.horizon_due(engine, now) {
        for uid in store.uids(principal)? {
            if let Some(object) = store.load(principal, &uid)?.value.object
                && object.is_recurring()
            {
                loaded.recurring.push((uid, object));
            }
        }
    }
    Ok(loaded)
}

/// Reads schedules for a decision and notes the version of each one it
/// reads, before reading it: committing with these versions as guards
/// ([`crate::Commit::guards`]) fails if any of those schedules changed
/// since, and the decision is taken again.
///
/// Preferences are read once per principal and run: the principal's own
/// were loaded with the record, and are not read again.
struct GuardedReader<'a> {
    store: &'a dyn Store,
    read: RefCell<BTreeMap<CalAddress, Version>>,
    prefs: RefCell<BTreeMap<CalAddress, BTreeMap<String, String>>>,
}

impl<'a> GuardedReader<'a> {
    fn new(store: &'a dyn Store, principal: &CalAddress, prefs: &BTreeMap<String, String>) -> Self {
        let known = BTreeMap::from([(principal.clone(), prefs.clone())]);
        GuardedReader { store, read: RefCell::default(), prefs: RefCell::new(known) }
    }

    fn note(&self, principal: &CalAddress) -> Result<(), StoreError> {
        if self.read.borrow().contains_key(principal) {
            return Ok(());
        }
        let version = self.store.schedule_version(principal)?;
        self.read.borrow_mut().insert(principal.clone(), version);
        Ok(())
    }

    /// The guards for the schedules read, in address order.
    fn into_guards(self) -> Vec<ScheduleGuard> {
        self.read
            .into_inner()
            .into_iter()
            .map(|(principal, version)| ScheduleGuard { principal, version })
            .collect()
    }
}

impl ScheduleReader for GuardedReader<'_> {
    fn read_periods(
        &self,
        principal: &CalAddress,
        set: &PeriodSet,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<BusyPeriod>, StoreError> {
        self.note(principal)?;
        self.store.periods(principal, set, from, to)
    }

    fn read_prefs(&self, principal: &CalAddress) -> Result<BTreeMap<String, String>, StoreError> {
        if let Some(prefs) = self.prefs.borrow().get(principal) {
            return Ok(prefs.clone());
        }
        let prefs = self.store.prefs(principal)?;
        self.prefs.borrow_mut().insert(principal.clone(), prefs.clone());
        Ok(prefs)
    }
}
