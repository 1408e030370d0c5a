//! Instance identity: UID plus RECURRENCE-ID (RFC 5546 §2.1.5 (1)).

use crate::Timestamp;
use std::fmt;

/// Which instance of a recurring object a component describes.
///
/// RECURRENCE-IDs are compared as UTC instants, so a REPLY that writes the
/// RECURRENCE-ID in UTC matches an override stored with a TZID
/// (sabre-io/vobject#358). Floating and DATE values are compared as if
/// they were UTC, which is consistent within one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InstanceId {
    /// The master component (no RECURRENCE-ID).
    Master,
    /// An overridden instance (RFC 5545 §3.8.4.4).
    Occurrence {
        /// The original start of the instance, UTC.
        start: Timestamp,
        /// `RANGE=THISANDFUTURE`: this instance and all later ones
        /// (RFC 5545 §3.2.13).
        this_and_future: bool,
    },
}

impl InstanceId {
    /// A single overridden instance.
    pub fn occurrence(start: Timestamp) -> Self {
        InstanceId::Occurrence { start, this_and_future: false }
    }

    /// Whether this is the master component.
    pub fn is_master(self) -> bool {
        matches!(self, InstanceId::Master)
    }
}

impl fmt::Display for InstanceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceId::Master => f.write_str("master"),
            InstanceId::Occurrence { start, this_and_future: false } => write!(f, "{start}"),
            InstanceId::Occurrence { start, this_and_future: true } => {
                write!(f, "{start};RANGE=THISANDFUTURE")
            }
        }
    }
}
