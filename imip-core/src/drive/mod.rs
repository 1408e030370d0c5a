//! The imperative shell's one loop: load → decide → plan → commit →
//! flush.
//!
//! This module is the only caller of [`crate::Store`] and
//! [`crate::Transport`]. [`run_once`] loads the record and the
//! principal's schedule state, asks [`crate::Engine::decide`] (through a
//! reader that notes every schedule it reads), turns the outcome into one
//! [`crate::Commit`] with the pure [`crate::plan()`], commits it, and then
//! flushes the outbox. The outgoing mail is in the same commit as the new
//! state, so a send that fails loses nothing: the mail waits in the
//! outbox, and a redelivered message is recognised as a duplicate, so
//! nothing is sent twice.
//!
//! # Functions by kind
//!
//! * **Per input**: [`run_once`] runs one [`crate::Input`];
//!   [`deliver_mail`] runs each iTIP part of a received mail for one
//!   principal; [`record_sent_mail`] records each part of a mail the
//!   principal's own client sent.
//! * **Outbox**: [`flush_outbox`] sends what nobody else is sending.
//! * **Upkeep**, for `imip maintain` and cron: [`extend_horizon`] moves a
//!   principal's expansion horizon and re-expands their recurring
//!   objects; [`expire_offers`] drops lapsed counter-proposal offers.
//! * **Preferences**: [`change_prefs`] sets a user's preferences and
//!   recomputes, in the same commit, the free/busy they change.
//!
//! Each one that commits retries a decision taken on data that changed
//! meanwhile ([`crate::StoreError::Conflict`]), up to five
//! times, and then gives up with [`DriveError::Contention`].

mod horizon;
mod mail;
mod outbox;
mod run;

pub use horizon::{change_prefs, expire_offers, extend_horizon};
pub use mail::{MailReport, deliver_mail, record_sent_mail};
pub use outbox::{Flush, flush_outbox};
pub use run::{DriveError, Report, run_once};

/// How many times a decision is retried after a version conflict.
pub(crate) const MAX_ATTEMPTS: usize = 5;
