//! iTIP (RFC 5546): deciding what a message or a local action means.
//!
//! Two directions, as in sabre's broker:
//! * [`inbound`]: a received message plus the stored record gives new
//!   state and replies. One module per METHOD.
//! * [`outbound`]: the old and new version of an object, seen from one
//!   principal, gives the messages to send (organizer or attendee side).
//!
//! `sent` records what a principal's own client sent (the
//! person-outgoing agent).
//!
//! [`local`] turns a principal's actions (answer, delegate, counter, …)
//! into a new version and runs the outbound diff on it.

mod authority;
pub(crate) mod compose;
mod copy;
pub(crate) mod delivery;
pub(crate) mod inbound;
pub(crate) mod local;
mod message;
pub(crate) mod ordering;
pub(crate) mod outbound;
pub(crate) mod sent;
pub(crate) mod significance;

pub use message::ItipMessage;

use crate::{CalAddress, Config, Record, Timestamp};

/// The DTSTAMP for a new message about `object`: `now`, but always after
/// every DTSTAMP the object already carries, so two updates within one
/// second, or after a clock step back, still order correctly
/// (RFC 5546 §2.1.5 (4)).
pub(crate) fn next_stamp(now: Timestamp, previous: impl IntoIterator<Item = Timestamp>) -> Timestamp {
    previous.into_iter().map(|at| Timestamp::from_seconds(at.seconds() + 1)).fold(now, std::cmp::max)
}

/// Everything a decision may read.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub(crate) config: &'a Config,
    pub(crate) now: Timestamp,
    pub(crate) principal: &'a CalAddress,
    /// The principal's record for the UID. Without its object when the
    /// handler owns it ([`inbound::takes_stored`]).
    pub(crate) record: &'a Record,
    pub(crate) schedule: &'a crate::freebusy::ScheduleView,
    /// The principal is a resource whose policies answer this message
    /// ([`crate::resource`]): it is stored without the person agent's
    /// queue entry and notice, because the policies answer at once.
    pub(crate) by_policy: bool,
    /// The principal is a resource of the directory (it answers by
    /// policy, and schedules only events).
    pub(crate) is_resource: bool,
}
