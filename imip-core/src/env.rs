//! The engine's only view of the outside world: time and identifiers,
//! passed in as values (design: quinn-proto's `now` argument and
//! connection-ID generator trait).

use crate::Timestamp;

/// A source of unique identifiers (Message-IDs, MIME boundaries).
///
/// The CLI uses a random or time-based generator; tests use [`SeqIds`] so
/// output is byte-identical from run to run.
pub trait IdSource {
    /// Returns a new identifier, unique for this source. It must be safe
    /// to use as the local part of a Message-ID (`[A-Za-z0-9._-]`).
    fn next_id(&mut self) -> String;
}

/// A deterministic [`IdSource`]: `prefix-1`, `prefix-2`, …
///
/// ```
/// use imip_core::{IdSource, SeqIds};
/// let mut ids = SeqIds::new("t");
/// assert_eq!(ids.next_id(), "t-1");
/// assert_eq!(ids.next_id(), "t-2");
/// ```
#[derive(Debug, Clone)]
pub struct SeqIds {
    prefix: String,
    next: u64,
}

impl SeqIds {
    /// A sequence starting at 1.
    pub fn new(prefix: impl Into<String>) -> Self {
        SeqIds { prefix: prefix.into(), next: 1 }
    }
}

impl IdSource for SeqIds {
    fn next_id(&mut self) -> String {
        let id = format!("{}-{}", self.prefix, self.next);
        self.next += 1;
        id
    }
}

/// Time and identity for one engine call.
///
/// `now` becomes every generated DTSTAMP (RFC 5545 §3.8.7.2) and the
/// `Date:` of generated mail. Do not assume it increases between calls:
/// separate processes may have skewed clocks.
pub struct Env<'a> {
    /// The current time, UTC.
    pub now: Timestamp,
    /// Where new identifiers come from.
    pub ids: &'a mut dyn IdSource,
}

impl<'a> Env<'a> {
    /// Bundles a time and an ID source.
    pub fn new(now: Timestamp, ids: &'a mut dyn IdSource) -> Self {
        Env { now, ids }
    }
}
