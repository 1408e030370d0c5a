//! The ports: what the engine needs from storage and mail transport.
//!
//! Decision code never calls these. [`crate::drive`] is their only
//! caller: it loads a [`Record`], asks the engine to decide, commits the
//! new record together with the outgoing mail (the outbox), and then
//! sends. Because the outbox is written in the same commit as the state,
//! a send that fails after the commit loses nothing: the mail waits in the
//! outbox for the next flush.

mod admin;
mod codec;
mod mem;
mod recording;

pub use admin::{
    CheckReport, CopyProgress, Problem, RepairReport, check, copy, copy_with_progress, dump, repair,
};
pub use codec::{decode_mail, encode_mail, parse_stored_object};
pub use mem::MemStore;
pub use recording::RecordingTransport;

use crate::freebusy::{BusyPeriod, PeriodSet, PeriodUpdate};
use crate::model::SchedulingObject;
use crate::outcome::{Effect, PendingRequest};
use crate::{CalAddress, Timestamp};
use std::collections::BTreeMap;
use thiserror::Error;

/// Everything a principal's store holds about one UID.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// The principal's copy of the object (organizer or attendee copy).
    pub object: Option<SchedulingObject>,
    /// Counter-proposals received, by attendee (organizer side).
    pub counters: BTreeMap<CalAddress, SchedulingObject>,
    /// The decision awaited from the principal, if any.
    pub pending: Option<PendingRequest>,
}

impl Record {
    /// Whether the record holds nothing (stores may delete it).
    pub fn is_empty(&self) -> bool {
        self.object.is_none() && self.counters.is_empty() && self.pending.is_none()
    }

    /// The record after `effects`, applied in order. Effects that do not
    /// touch the record (sending, notices, learned free/busy, which the
    /// driver turns into period updates) are skipped.
    pub fn apply<'a>(mut self, effects: impl IntoIterator<Item = &'a Effect>) -> Record {
        for effect in effects {
            match effect {
                Effect::PutObject(object) => self.object = Some(object.clone()),
                Effect::DeleteObject { .. } => self.object = None,
                Effect::StoreCounter { from, proposal } => {
                    self.counters.insert(from.clone(), proposal.clone());
                }
                Effect::DropCounters { from: Some(from) } => {
                    self.counters.remove(from);
                }
                Effect::DropCounters { from: None } => self.counters.clear(),
                Effect::Queue(pending) => self.pending = Some(pending.clone()),
                Effect::Dequeue => self.pending = None,
                Effect::Send(_)
                | Effect::Notify(_)
                | Effect::LearnFreeBusy { .. }
                | Effect::HoldOffers { .. } => {}
            }
        }
        self
    }
}

/// A record's version, for optimistic concurrency. 0 means "absent".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Version(pub u64);

/// A value with the version it was read at.
#[derive(Debug, Clone, Default)]
pub struct Versioned<T> {
    /// The value.
    pub value: T,
    /// Its version.
    pub version: Version,
}

/// A rendered mail, ready for the transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    /// SMTP envelope sender (MAIL FROM).
    pub envelope_from: CalAddress,
    /// SMTP envelope recipients (RCPT TO), sorted.
    pub recipients: Vec<CalAddress>,
    /// The Message-ID, without angle brackets.
    pub message_id: String,
    /// The RFC 5322 message.
    pub bytes: Vec<u8>,
    /// Set when the transport refused the mail for good
    /// ([`Store::set_aside`]): why. Such mail stays in the outbox, where
    /// an administrator sees it, and is never sent again.
    pub undeliverable: Option<String>,
}

/// An outbox entry's key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OutboxId(pub String);

/// One atomic change to a principal's store: the record for one UID,
/// the busy periods that go with it, and the mail to send.
#[derive(Debug, Clone)]
pub struct Commit {
    /// Whose store.
    pub principal: CalAddress,
    /// Which UID.
    pub uid: String,
    /// The version the decision read; the commit must fail with
    /// [`StoreError::Conflict`] if the stored version differs.
    pub expected: Version,
    /// The new record (an empty record means delete).
    pub record: Record,
    /// Busy periods to replace, each for one (set, UID), in the same
    /// transaction. They may name other UIDs than [`Commit::uid`].
    pub periods: Vec<PeriodUpdate>,
    /// Mail to add to the outbox in the same transaction.
    pub outbox: Vec<OutgoingMail>,
    /// Schedule versions the decision read: the commit must fail with
    /// [`StoreError::Conflict`] if any of these principals' schedules
    /// changed since (see [`Store::schedule_version`]). A resource's
    /// booking decision guards its own schedule and any other it read
    /// (quota members, pool siblings), so two concurrent requests for one
    /// slot cannot both be accepted.
    pub guards: Vec<ScheduleGuard>,
    /// Preferences of [`Commit::principal`] to set (or, with `None`,
    /// remove) in the same transaction: engine state such as the
    /// free/busy horizon ([`crate::freebusy::HORIZON_PREF`]), and a
    /// user's change of zone or availability together with the
    /// free/busy it recomputes. Keys follow [`Store::set_pref`]; a bad
    /// key fails the whole commit with [`StoreError::Invalid`].
    pub prefs: Vec<(String, Option<String>)>,
}

impl Commit {
    /// A commit of `record` for (`principal`, `uid`) read at `expected`,
    /// with no periods, mail or guards.
    pub fn new(principal: CalAddress, uid: impl Into<String>, expected: Version, record: Record) -> Commit {
        Commit {
            principal,
            uid: uid.into(),
            expected,
            record,
            periods: Vec::new(),
            outbox: Vec::new(),
            guards: Vec::new(),
            prefs: Vec::new(),
        }
    }
}

/// A principal's schedule version as a decision read it
/// ([`Commit::guards`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ScheduleGuard {
    /// Whose schedule.
    pub principal: CalAddress,
    /// The version read.
    pub version: Version,
}

/// Why a store operation failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Someone else changed the record since it was read; decide again.
    #[error("the record changed since it was read")]
    Conflict,
    /// The store cannot be used right now (lock timeout, I/O error, disk
    /// full). Temporary: the caller should retry later (EX_TEMPFAIL).
    #[error("store unavailable: {0}")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Stored data is unreadable. Needs an administrator.
    #[error("corrupt store entry {key}: {reason}")]
    Corrupt {
        /// What is corrupt.
        key: String,
        /// Why.
        reason: String,
    },
    /// The caller asked for something the store cannot hold (a
    /// preference key that is not a token, for instance). Permanent.
    #[error("invalid request to the store: {0}")]
    Invalid(String),
}

impl StoreError {
    /// Wraps an I/O or database error as [`StoreError::Unavailable`].
    pub fn unavailable(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Unavailable(Box::new(error))
    }

    /// Whether retrying later may succeed (EX_TEMPFAIL rather than an
    /// administrator's attention).
    pub fn is_temporary(&self) -> bool {
        matches!(self, StoreError::Conflict | StoreError::Unavailable(_))
    }
}

/// Persistent state, per principal: records by UID, busy periods,
/// preferences, and one outbox for the whole store.
///
/// Implementations: [`MemStore`] here, `imip-store-fs`,
/// `imip-store-sqlite` and `imip-store-postgres`. Every implementation must pass the shared
/// behavioural suite in the `conformance` crate (`conformance::store_suite!`).
/// Listings are returned in a stable order (sorted), so that everything
/// built on them is deterministic.
pub trait Store {
    /// Loads a principal's record for a UID; an absent record is the
    /// default record at version 0.
    fn load(&self, principal: &CalAddress, uid: &str) -> Result<Versioned<Record>, StoreError>;

    /// Writes a record, its periods and its outbox mail atomically, or
    /// nothing. Fails with [`StoreError::Conflict`] if the record's
    /// version is not `commit.expected`. Each successful commit that
    /// keeps the record raises its version by one.
    fn commit(&mut self, commit: Commit) -> Result<(), StoreError>;

    /// A principal's schedule version: 0 before anything was stored, and
    /// raised by every commit for the principal that carries period
    /// updates. A commit whose [`Commit::guards`] name an older version
    /// fails with [`StoreError::Conflict`], checked atomically with the
    /// write.
    fn schedule_version(&self, principal: &CalAddress) -> Result<Version, StoreError>;

    /// The periods of a set overlapping `[from, to)`, sorted.
    fn periods(
        &self,
        principal: &CalAddress,
        set: &PeriodSet,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<BusyPeriod>, StoreError>;

    /// The principals that have anything stored, sorted.
    fn principals(&self) -> Result<Vec<CalAddress>, StoreError>;

    /// The UIDs with a record for a principal, sorted.
    fn uids(&self, principal: &CalAddress) -> Result<Vec<String>, StoreError>;

    /// The period sets that hold periods for a principal, sorted.
    fn period_sets(&self, principal: &CalAddress) -> Result<Vec<PeriodSet>, StoreError>;

    /// The principal's queue of pending decisions, by UID, sorted by UID.
    fn pending(&self, principal: &CalAddress) -> Result<Vec<(String, PendingRequest)>, StoreError>;

    /// A principal's preferences.
    fn prefs(&self, principal: &CalAddress) -> Result<BTreeMap<String, String>, StoreError>;

    /// Sets (or with `None`, removes) a preference. Keys are tokens of
    /// `[A-Za-z0-9_.-]`, at most 64 bytes, not starting with a dot;
    /// anything else is [`StoreError::Invalid`].
    fn set_pref(&mut self, principal: &CalAddress, key: &str, value: Option<&str>) -> Result<(), StoreError>;

    /// All mail waiting to be sent, oldest first, claimed or not.
    fn outbox(&self) -> Result<Vec<(OutboxId, OutgoingMail)>, StoreError>;

    /// Adds a mail to the outbox outside a commit (store copies, resends).
    fn enqueue(&mut self, mail: OutgoingMail) -> Result<OutboxId, StoreError>;

    /// Claims the mail that nobody is sending, oldest first, for
    /// `lease_seconds`: until then, other processes' claims skip it. A
    /// sender that dies mid-send leaves a claim that lapses, so the mail
    /// is sent again later (at least once, never lost).
    fn claim_outbox(
        &mut self,
        now: Timestamp,
        lease_seconds: i64,
    ) -> Result<Vec<(OutboxId, OutgoingMail)>, StoreError>;

    /// [`Store::commit`], then [`Store::claim_outbox`]: the mail the
    /// commit queued, and any other mail nobody holds, claimed for the
    /// caller to send. Nothing is claimed when the commit fails. A store
    /// that can do both in one transaction should (the SQLite store does:
    /// one write, one fsync, instead of two); the default does one after
    /// the other.
    fn commit_and_claim(
        &mut self,
        commit: Commit,
        now: Timestamp,
        lease_seconds: i64,
    ) -> Result<Vec<(OutboxId, OutgoingMail)>, StoreError> {
        self.commit(commit)?;
        self.claim_outbox(now, lease_seconds)
    }

    /// Gives a claimed mail back (its send failed), for the next flush.
    fn release_outbox(&mut self, id: &OutboxId) -> Result<(), StoreError>;

    /// Removes a sent mail from the outbox.
    fn remove_from_outbox(&mut self, id: &OutboxId) -> Result<(), StoreError>;
    /// Keeps a mail the transport refused for good in the outbox, marked
    /// undeliverable with `reason` ([`OutgoingMail::undeliverable`]): it
    /// is listed by [`Store::outbox`] and never claimed again. Durable,
    /// like a removal. An unknown id is not an error.
    fn set_aside(&mut self, id: &OutboxId, reason: &str) -> Result<(), StoreError>;
}

/// What decisions may read of schedules: busy periods and preferences.
/// Every [`Store`] is one; [`crate::drive`] wraps the store in a reader
/// that records which schedules a decision read, to guard its commit
/// ([`Commit::guards`]).
pub trait ScheduleReader {
    /// As [`Store::periods`].
    fn read_periods(
        &self,
        principal: &CalAddress,
        set: &PeriodSet,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<BusyPeriod>, StoreError>;

    /// As [`Store::prefs`].
    fn read_prefs(&self, principal: &CalAddress) -> Result<BTreeMap<String, String>, StoreError>;
}

impl<T: Store + ?Sized> ScheduleReader for T {
    fn read_periods(
        &self,
        principal: &CalAddress,
        set: &PeriodSet,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<BusyPeriod>, StoreError> {
        self.periods(principal, set, from, to)
    }

    fn read_prefs(&self, principal: &CalAddress) -> Result<BTreeMap<String, String>, StoreError> {
        self.prefs(principal)
    }
}

/// A boxed store is a reader too, so that `&Box<dyn Store>` can be
/// passed where a decision reads schedules.
impl ScheduleReader for Box<dyn Store> {
    fn read_periods(
        &self,
        principal: &CalAddress,
        set: &PeriodSet,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<BusyPeriod>, StoreError> {
        self.as_ref().periods(principal, set, from, to)
    }

    fn read_prefs(&self, principal: &CalAddress) -> Result<BTreeMap<String, String>, StoreError> {
        self.as_ref().prefs(principal)
    }
}

/// [`valid_pref_key`] as a store error: [`StoreError::Invalid`] when the
/// key is not acceptable. Every store's `set_pref` starts with it.
pub fn check_pref_key(key: &str) -> Result<(), StoreError> {
    if valid_pref_key(key) { Ok(()) } else { Err(StoreError::Invalid(format!("preference key {key:?}"))) }
}

/// Whether a preference key is acceptable (see [`Store::set_pref`]).
pub fn valid_pref_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 64
        && !key.starts_with('.')
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// Why a send failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum TransportError {
    /// Try again later (connection refused, 4xx reply).
    #[error("temporary transport failure: {0}")]
    Temporary(String),
    /// Will never work as is (5xx reply for every recipient).
    #[error("permanent transport failure: {0}")]
    Permanent(String),
}

/// Sends mail (SMTP, LMTP, sendmail; see the CLI).
pub trait Transport {
    /// Sends one mail to its envelope recipients.
    fn send(&mut self, mail: &OutgoingMail) -> Result<(), TransportError>;
}
