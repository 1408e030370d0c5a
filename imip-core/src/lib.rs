//! # imip-core: a pure iTIP / iMIP engine
//!
//! imip-core decides what calendar messages mean. It implements iTIP
//! (RFC 5546) for both the organizer's and the attendee's side, carried
//! by mail as iMIP (RFC 6047), with the CalDAV scheduling rules of
//! RFC 6638 where they apply to a mail agent. It performs **no I/O**: it
//! reads no clock, draws no random numbers and touches no file. Time and
//! identifiers come in as values ([`Env`]); storage and mail transport
//! sit behind the [`Store`] and [`Transport`] traits, which only the
//! [`drive`] module calls.
//!
//! ## The loop
//!
//! ```text
//!            ┌──────────── ScheduleReader ───────────┐
//!            │ busy time, preferences: free/busy     │
//!            │ answers, resource policies, quotas    │
//!            ▼                                       │
//!   input ──► decide ──► outcome ──► plan ──► commit ──► flush
//!  (mail or   (pure:      (effects,   (pure:   (store:    (transport,
//!   action)   iTIP rules, notices)    Commit)  record,    from the
//!             policies)                        periods,   outbox)
//!                                              outbox,
//!                                              horizon)
//! ```
//!
//! 1. **Input**: a received iTIP message with its envelope ([`Incoming`]:
//!    the principal it is for, the mail's senders), or an action by a
//!    local principal ([`LocalAction`]: save, delete, answer, delegate,
//!    counter, refresh, accept or decline a counter, approve a held
//!    booking, record what their own client sent).
//! 2. **Decide**: [`Engine::decide`] takes the input, the principal's
//!    stored [`Record`] for that UID and a [`ScheduleReader`], and returns
//!    an [`Outcome`]: a [`Disposition`] (applied, unchanged, refused with
//!    a [`Violation`], or ignored) and a list of [`Effect`]s. This is the
//!    whole decision: a VFREEBUSY request reads busy time through the
//!    reader, and for a resource of [`Config::resources`] its policies
//!    read the schedules they judge and choose the answer before any
//!    effect is made ([`resource`]). The same input, record, schedules
//!    and time give the same outcome, byte for byte.
//! 3. **Plan**: [`plan()`] turns the outcome and what was [`Loaded`] into
//!    one [`Commit`]: the new record ([`Record::apply`]), the free/busy
//!    rows it implies, the rendered outgoing mail, a resource's notices
//!    to its owner, and the principal's expansion horizon when it is set
//!    or moved. Pure as well.
//! 4. **Commit**: the store writes it atomically, or refuses it when the
//!    record or a schedule the decision read has changed; the driver
//!    then decides again.
//! 5. **Flush**: the outbox is sent through the transport. A failed send
//!    leaves the mail in the outbox; nothing is lost.
//!
//! [`drive::run_once`] is that loop, and it is all the CLI uses:
//!
//! ```
//! use imip_core::{drive, CalAddress, Config, Engine, Env, Incoming, Input, MemStore,
//!                 RecordingTransport, SchedulingObject, SeqIds, Timestamp};
//!
//! let request = "BEGIN:VCALENDAR\r\nPRODID:-//x//y//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\n\
//! BEGIN:VEVENT\r\nUID:42@example.com\r\nDTSTAMP:20250301T090000Z\r\n\
//! DTSTART:20250310T140000Z\r\nDTEND:20250310T150000Z\r\nSUMMARY:Planning\r\n\
//! ORGANIZER:mailto:alice@example.com\r\n\
//! ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com\r\n\
//! END:VEVENT\r\nEND:VCALENDAR\r\n";
//!
//! let engine = Engine::new(Config::default()).unwrap();
//! let bob = CalAddress::parse("bob@example.com").unwrap();
//! let alice = CalAddress::parse("alice@example.com").unwrap();
//! let (mut store, mut transport) = (MemStore::new(), RecordingTransport::default());
//! let mut ids = SeqIds::new("doc");
//! let mut env = Env::new(Timestamp::parse_utc("20250301T100000Z").unwrap(), &mut ids);
//!
//! // Bob's agent receives Alice's invitation...
//! let invitation = Input::Incoming(Incoming {
//!     principal: bob.clone(),
//!     senders: vec![alice.clone()],
//!     message: SchedulingObject::parse(request).unwrap(),
//! });
//! drive::run_once(&engine, &mut env, &mut store, &mut transport, &invitation).unwrap();
//! assert!(store.object(&bob, "42@example.com").is_some());
//!
//! // ...Bob accepts, and a REPLY goes to Alice.
//! let accept = Input::Local {
//!     principal: bob.clone(),
//!     action: imip_core::LocalAction::Respond {
//!         uid: "42@example.com".into(),
//!         instance: None,
//!         partstat: imip_core::PartStat::Accepted,
//!         comment: None,
//!     },
//! };
//! let report = drive::run_once(&engine, &mut env, &mut store, &mut transport, &accept).unwrap();
//! assert_eq!(report.sent, 1);
//! assert_eq!(transport.sent[0].recipients, vec![alice]);
//! ```
//!
//! ## Where things are
//!
//! * [`model`]: the scheduling view of iCalendar ([`SchedulingObject`],
//!   [`InstanceId`], [`Participant`]).
//! * `itip::inbound`: one module per received METHOD.
//! * `itip::outbound`: the organizer and attendee diffs that produce
//!   messages from a change of an object.
//! * [`imip`]: finding iTIP in received mail, and rendering outgoing mail.
//! * [`Violation`]: the catalogue of rule breaches, each with its RFC
//!   section and REQUEST-STATUS code.
//!
//! ## Panic policy
//!
//! No input may cause a panic; a panic is a bug. The few `expect`s state
//! the invariant that makes them hold.

#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]
#![deny(unused_must_use)]

mod address;
pub mod backend;
mod config;
pub mod drive;
mod engine;
mod env;
pub mod freebusy;
pub mod handle;
pub mod imip;
mod input;
mod itip;
pub mod model;
pub mod organize;
mod outcome;
mod plan;
pub mod prefs;
pub mod presence;
pub mod resource;
mod store;
mod time;
mod violation;
pub mod words;

pub use address::CalAddress;
pub use config::{Config, ConfigError, Limits, OrganizerReplacement, Relay, UninvitedReplies};
pub use engine::Engine;
pub use env::{Env, IdSource, SeqIds};
pub use input::{Incoming, Input, LocalAction};
pub use itip::ItipMessage;
pub use model::{InstanceId, Method, PartStat, Participant, SchedulingObject};
pub use outcome::{
    Applied, BookingNotice, Change, Disposition, Effect, Ignored, Notice, NoticeKind, Outcome, OwnerAction,
    PendingKind, PendingRequest, ResourceAnswer, Unchanged,
};
pub use store::{
    Commit, MemStore, OutgoingMail, Record, RecordingTransport, ScheduleReader, Store, StoreError, Transport,
    TransportError,
};
/// Store administration: consistency check, repair, copy between any
/// two stores, and a canonical dump. They work through the [`Store`]
/// trait, so they apply to every store.
pub mod admin {
    pub use crate::store::{
        CheckReport, CopyProgress, Problem, RepairReport, check, copy, copy_with_progress, dump, repair,
    };
}
pub use plan::{Loaded, plan};
pub use time::Timestamp;
pub use violation::{Limit, RequestStatus, Role, Violation};
