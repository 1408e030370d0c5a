//! What a [`crate::Store`] implementation needs, in one place.
//!
//! A store keeps, per principal: records by UID ([`Record`], versioned
//! for optimistic concurrency), busy periods in [`PeriodSet`]s, a
//! schedule version raised by every commit that carries period updates
//! ([`ScheduleGuard`]), preferences, and one outbox for the whole store.
//! Each [`Commit`] is atomic: the record, its [`PeriodUpdate`]s, its
//! preference changes and its outbox mail, or nothing. The text forms
//! here ([`encode_mail`], [`BusyPeriod::to_line`],
//! [`PendingRequest::to_line`], [`parse_stored_object`]) are the ones the
//! shipped stores use, so that stores can be copied into one another and
//! read by an administrator.
//!
//! Every implementation must pass the behavioural suite in the
//! `conformance` crate:
//!
//! ```text
//! conformance::store_suite!(|| conformance::store_suite::Fixture::new(MyStore::open_temp()));
//! ```
//!
//! `examples/src/hashmap_store.rs` is a complete store in 200 lines.

pub use crate::address::percent_decode;
pub use crate::freebusy::{
    BusyPeriod, Expansion, FbType, FreeBusyConfig, HORIZON_PREF, LENGTH_TIERS, PeriodSet, PeriodUpdate,
    implied_updates, length_tier,
};
pub use crate::outcome::{PendingKind, PendingRequest};
pub use crate::store::{
    Commit, OutboxId, OutgoingMail, Record, ScheduleGuard, Store, StoreError, Version, Versioned,
    check_pref_key, decode_mail, encode_mail, parse_stored_object, valid_pref_key,
};
pub use crate::store::{Problem, check};
