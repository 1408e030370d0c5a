//! Sending the outbox: claimed, so concurrent flushes never send a mail
//! twice; given back on a temporary failure, so nothing is lost.

use crate::Timestamp;
use crate::store::{OutboxId, OutgoingMail, Store, StoreError, Transport, TransportError};

/// How long a sender may hold outbox mail before others may send it
/// (an SMTP transaction with generous timeouts fits well within).
pub(crate) const OUTBOX_LEASE_SECONDS: i64 = 600;

/// What one flush of the outbox did.
#[derive(Debug, Default)]
pub struct Flush {
    /// Mail the transport took.
    pub sent: usize,
    /// Mail left for a later flush (temporary failures).
    pub left: usize,
    /// Mail the transport refused permanently, with the reasons: set
    /// aside in the outbox ([`Store::set_aside`]), where `imip outbox
    /// list` shows it as undeliverable, and never tried again.
    pub undeliverable: Vec<(OutgoingMail, TransportError)>,
    /// The last temporary failure, if any.
    pub last_error: Option<TransportError>,
}

/// Sends the outbox mail nobody else is sending. Each mail is claimed
/// first ([`Store::claim_outbox`]), so concurrent flushes do not send it
/// twice; a temporary failure gives it back, a permanent one sets it
/// aside as undeliverable (and reports it in [`Flush::undeliverable`]).
pub fn flush_outbox(
    store: &mut dyn Store,
    transport: &mut dyn Transport,
    now: Timestamp,
) -> Result<Flush, StoreError> {
    let claimed = store.claim_outbox(now, OUTBOX_LEASE_SECONDS)?;
    send_claimed(store, transport, claimed)
}

/// Sends mail already claimed ([`Store::claim_outbox`] or
/// [`Store::commit_and_claim`]), as [`flush_outbox`] does.
pub(crate) fn send_claimed(
    store: &mut dyn Store,
    transport: &mut dyn Transport,
    claimed: Vec<(OutboxId, OutgoingMail)>,
) -> Result<Flush, StoreError> {
    let mut flush = Flush::default();
    for (id, mail) in claimed {
        match transport.send(&mail) {
            Ok(()) => {
                store.remove_from_outbox(&id)?;
                flush.sent += 1;
            }
            Err(error @ TransportError::Permanent(_)) => {
                store.set_aside(&id, &error.to_string())?;
                flush.undeliverable.push((mail, error));
            }
            Err(error) => {
                store.release_outbox(&id)?;
                flush.left += 1;
                flush.last_error = Some(error);
            }
        }
    }
    Ok(flush)
}
