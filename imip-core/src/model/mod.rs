//! The scheduling view of iCalendar data.
//!
//! calcard gives a lossless property bag. Decisions run on typed
//! projections of it instead: [`SchedulingObject`] (one UID: its
//! components by [`InstanceId`], its organizer) and [`Participant`]
//! (an ORGANIZER or ATTENDEE property with the parameters scheduling
//! needs). Edits go through the small helpers in `component`, so no
//! decision code pokes at raw parameters.

pub(crate) mod component;
mod instance;
mod method;
pub(crate) mod object;
mod participant;
pub(crate) mod values;
pub(crate) mod vtimezone;

pub use instance::InstanceId;
pub use method::{ComponentKind, Method};
pub use object::{SchedulingObject, StampedSequence};
pub use participant::{PartStat, Participant, ScheduleAgent};
pub use vtimezone::{RuleOffset, RuleZone, Zones};
