//! iTIP (RFC 5546): deciding what a message or a local action means.
//!
//! Two directions, as in sabre's broker:
//! * [`inbound`]: a received message plus the stored record gives new
//!   state and replies. One module per METHOD.
//! * [`outbound`]: the old and new version of an object, seen from one
//!   principal, gives the messages to send (organizer or attendee side).
//!
//! [`local`] turns a principal's actions (answer, delegate, counter, …)
//! into a new version and runs the outbound diff on it.

mod authority;
pub(crate) mod compose;
pub(crate) mod inbound;
pub(crate) mod local;
mod message;
pub(crate) mod ordering;
pub(crate) mod outbound;
pub(crate) mod significance;

pub use message::ItipMessage;

use crate::{CalAddress, Config, Record, Timestamp};

/// Everything a decision may read.
pub(crate) struct Ctx<'a> {
    pub(crate) config: &'a Config,
    pub(crate) now: Timestamp,
    pub(crate) principal: &'a CalAddress,
    pub(crate) record: &'a Record,
}
