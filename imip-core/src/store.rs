//! The ports: what the engine needs from storage and mail transport.
//!
//! Decision code never calls these. [`crate::drive`] is their only
//! caller: it loads a [`Record`], asks the engine to decide, commits the
//! new record together with the outgoing mail (the outbox), and then
//! sends. Because the outbox is written in the same commit as the state,
//! a send that fails after the commit loses nothing: the mail waits in the
//! outbox for the next flush.

use crate::CalAddress;
use crate::model::SchedulingObject;
use crate::outcome::{Effect, PendingRequest};
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
    /// touch stored state (sending, notices) are skipped.
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
                Effect::Send(_) | Effect::Notify(_) => {}
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
}

/// An outbox entry's key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OutboxId(pub String);

/// One atomic change: a principal's record for one UID, and the mail
/// that goes with it.
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
    /// Mail to add to the outbox in the same transaction.
    pub outbox: Vec<OutgoingMail>,
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
}

/// Persistent state, per principal and UID (see the store crates).
pub trait Store {
    /// Loads a principal's record for a UID; an absent record is the
    /// default record at version 0.
    fn load(&self, principal: &CalAddress, uid: &str) -> Result<Versioned<Record>, StoreError>;

    /// Writes a record and its outbox mail atomically, or nothing.
    fn commit(&mut self, commit: Commit) -> Result<(), StoreError>;

    /// The mail waiting to be sent, oldest first.
    fn outbox(&self) -> Result<Vec<(OutboxId, OutgoingMail)>, StoreError>;

    /// Removes a sent mail from the outbox.
    fn remove_from_outbox(&mut self, id: &OutboxId) -> Result<(), StoreError>;
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

/// An in-memory [`Store`], for tests and embedding.
///
/// Iteration is ordered, so its behaviour is deterministic.
#[derive(Debug, Default, Clone)]
pub struct MemStore {
    records: BTreeMap<(CalAddress, String), Versioned<Record>>,
    outbox: BTreeMap<u64, OutgoingMail>,
    next_outbox: u64,
}

impl MemStore {
    /// An empty store.
    pub fn new() -> Self {
        MemStore::default()
    }

    /// A principal's copy of an object, if stored.
    pub fn object(&self, principal: &CalAddress, uid: &str) -> Option<&SchedulingObject> {
        self.records.get(&(principal.clone(), uid.to_string()))?.value.object.as_ref()
    }

    /// A principal's record for a UID, if stored.
    pub fn record(&self, principal: &CalAddress, uid: &str) -> Option<&Record> {
        self.records.get(&(principal.clone(), uid.to_string())).map(|v| &v.value)
    }

    /// Every (principal, UID) that has a record, in order.
    pub fn keys(&self) -> impl Iterator<Item = &(CalAddress, String)> {
        self.records.keys()
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
        if commit.record.is_empty() {
            self.records.remove(&key);
        } else {
            let version = Version(current.0 + 1);
            self.records.insert(key, Versioned { value: commit.record, version });
        }
        for mail in commit.outbox {
            self.next_outbox += 1;
            self.outbox.insert(self.next_outbox, mail);
        }
        Ok(())
    }

    fn outbox(&self) -> Result<Vec<(OutboxId, OutgoingMail)>, StoreError> {
        Ok(self.outbox.iter().map(|(k, m)| (OutboxId(format!("{k:020}")), m.clone())).collect())
    }

    fn remove_from_outbox(&mut self, id: &OutboxId) -> Result<(), StoreError> {
        if let Ok(key) = id.0.parse::<u64>() {
            self.outbox.remove(&key);
        }
        Ok(())
    }
}

/// A [`Transport`] that keeps what it is given, for tests.
#[derive(Debug, Default, Clone)]
pub struct RecordingTransport {
    /// Everything sent, in order.
    pub sent: Vec<OutgoingMail>,
    /// While true, every send fails temporarily.
    pub failing: bool,
}

impl Transport for RecordingTransport {
    fn send(&mut self, mail: &OutgoingMail) -> Result<(), TransportError> {
        if self.failing {
            return Err(TransportError::Temporary("recording transport set to fail".into()));
        }
        self.sent.push(mail.clone());
        Ok(())
    }
}
