//! Resources that book themselves: policies evaluated on each REQUEST,
//! ADD and CANCEL a room, a car or a projector receives.
//!
//! A resource is an ordinary attendee whose answers a policy chain
//! chooses. When a REQUEST or ADD reaches it, the engine stores the
//! invitation as for anyone; then [`evaluate`] runs the resource's
//! policies over the [`Booking`] and picks an answer ([`Verdict`]):
//! ACCEPTED, DECLINED, a COUNTER with other times, DELEGATED to a
//! sibling, or TENTATIVE while the owner decides. The answer goes through
//! the same local actions a person uses, so the REPLY, COUNTER or
//! delegation is exactly what the attendee side of `imip_core`'s iTIP engine
//! produces. The REPLY carries the reason as a COMMENT (and as the mail's
//! text), and the [`crate::Outcome`]'s trace holds one line per policy.
//! A CANCEL frees the time, the quota and any offer by itself: they are
//! all read from the stored bookings.
//!
//! [`crate::drive`] does this when the principal is a resource of
//! [`crate::Config::resources`]. It reads the schedules through a reader
//! that notes each schedule's version, and commits with those versions as
//! guards ([`crate::Commit::guards`]): two requests for one slot
//! processed at once by two processes cannot both be accepted; the second
//! is decided again.
//!
//! # Policies
//!
//! Evaluated in order. A decline or a delegation stops the chain; a
//! correction changes the times later policies judge and makes the answer
//! a COUNTER; a hold makes it TENTATIVE.
//!
//! | kind | arguments | rule |
//! |---|---|---|
//! | `free-busy` | `capacity` (1) | every instance fits under `capacity` concurrent bookings (own bookings and unexpired offers of other UIDs; transparent events take no time) |
//! | `next-available` | `capacity` (1), `search` (`P14D`) | as `free-busy`; when a single booking does not fit, COUNTER with the first slot of the same length that fits the resource, the known busy time of the organizer and attendees, earlier `permitted-times` and `working-hours`, and the booking window. Series are not moved |
//! | `permitted-times` | `hours`, `minutes`, `action` (`counter`) | starts and ends on permitted local times; otherwise COUNTER with each rounded up (`16:05` → `16:15`), or `decline` |
//! | `acl` | `default`, `rules` | rules `{ action, organizer = [..], attendee = [..] }`: a rule matches when the organizer matches one of `organizer` and some attendee one of `attendee` (an omitted list matches anyone); the last matching rule wins |
//! | `same-domain` | | the organizer's mail domain is the resource's |
//! | `quota` | `name` | the organizer's confirmed booked time on the quota's members, plus this request, stays within their limit in each period |
//! | `across-quota` | `name` | the organizer holds no other member of the quota at the same time |
//! | `delegate` | `pool`, `strategy` (`available`), `capacity` (1) | when this resource is full, delegate to a free member of the pool (`available`: the first; `most-available`: the least booked on those days) |
//! | `collection` | `pool`, `strategy` | always delegate to a free member: the address of a group of resources |
//! | `booking-window` | `max_advance`, `series` (`refuse`) | no instance starts later than `max_advance` from now; a series running past is refused or, with `truncate`, booked up to the window's end |
//! | `duration` | `min`, `max` | every instance lasts between them |
//! | `working-hours` | | every instance lies in the resource's VAVAILABILITY (RFC 7953, pref [`crate::freebusy::AVAILABILITY_PREF`]) |
//! | `recurring` | `allowed` (true), `max_conflicts` (0; a count or `"10%"`) | whether series are taken, and how many troubled instances later policies may decline one by one while the rest is booked |
//! | `hold` | `trusted` | organizers matching none of `trusted` get TENTATIVE; the owner approves (`LocalAction::Approve`, which runs the chain again without the hold) or declines (`LocalAction::Respond`) |
//!
//! Durations are ISO 8601 (`PT30M`, `P14D`). Address patterns are
//! `alice@example.com`, `@example.com`, `group:staff` or `*`
//! ([`AddressPattern`]). Unknown kinds, unknown fields, bad values,
//! dangling names and settings placed after the checks that use them are
//! all errors when the configuration is read ([`PolicyError`]).
//!
//! # Configuration
//!
//! ```
//! use imip_core::resource::Directory;
//! let directory = Directory::from_toml(r#"
//! [groups]
//! staff = ["@example.com"]
//!
//! [quota.rooms]
//! members = ["room-a@example.com", "room-b@example.com"]
//! period = "week"                      # day, week, month or upcoming
//! limits = [
//!   { who = "boss@example.com", limit = "unlimited" },
//!   { who = "group:staff", limit = "PT10H" },
//! ]
//!
//! [pool.rooms]
//! members = ["room-a@example.com", "room-b@example.com"]
//!
//! [[resource]]
//! address = "room-a@example.com"
//! owner = "facilities@example.com"
//! offer_hold = "PT1H"                  # counter-proposed slots are held this long
//!
//! [[resource.policy]]
//! kind = "acl"
//! default = "decline"
//! rules = [{ action = "accept", organizer = ["group:staff"] }]
//!
//! [[resource.policy]]
//! kind = "recurring"
//! max_conflicts = "10%"
//!
//! [[resource.policy]]
//! kind = "permitted-times"
//! minutes = [0, 30]
//!
//! [[resource.policy]]
//! kind = "quota"
//! name = "rooms"
//!
//! [[resource.policy]]
//! kind = "delegate"
//! pool = "rooms"
//!
//! [[resource]]
//! address = "room-b@example.com"
//! [[resource.policy]]
//! kind = "free-busy"
//! "#).unwrap();
//! let room = imip_core::CalAddress::parse("room-a@example.com").unwrap();
//! assert_eq!(directory.resource(&room).unwrap().policies.len(), 5);
//! assert!(Directory::from_toml("[[resource]]\naddress = \"x@example.com\"\n\
//!     [[resource.policy]]\nkind = \"accept-everything\"\n").is_err());
//! ```
//!
//! A resource with no policy accepts every request it can read.

mod agent;
mod booking;
mod config;
mod evaluate;
mod pattern;
mod permitted;
mod policy;
pub(crate) mod reason;

pub(crate) use agent::{answers, approve, respond, takes};
pub use booking::{Booking, Slot};
pub use config::{
    AclRule, Directory, Policy, PolicyError, Pool, Quota, QuotaLimit, QuotaPeriod, Resource, Strategy,
    Tolerance,
};
pub use evaluate::{Evaluation, Verdict, evaluate};
pub use pattern::AddressPattern;
pub use permitted::PermittedTimes;
