//! Exit codes (sysexits(3)) and the failures that carry them.
//!
//! The rule an MTA relies on: 75 (EX_TEMPFAIL) only for faults that a
//! retry can cure (a store locked past its timeout, a transport that is
//! down). Everything permanent gets another code, so it never turns into
//! a retry loop.

use imip_core::StoreError;
use imip_core::drive::DriveError;
use std::fmt;

/// Bad command line.
pub(crate) const EX_USAGE: u8 = 64;
/// The message is unusable and must bounce.
pub(crate) const EX_DATAERR: u8 = 65;
/// The mailbox does not exist or refuses the mail for good.
pub(crate) const EX_NOUSER: u8 = 67;
/// The input cannot be read.
pub(crate) const EX_NOINPUT: u8 = 66;
/// A service refused for good: the mail transport refused an outgoing
/// mail permanently (it is kept in the outbox as undeliverable).
pub(crate) const EX_UNAVAILABLE: u8 = 69;
/// A bug: should not happen.
pub(crate) const EX_SOFTWARE: u8 = 70;
/// An output file cannot be created.
pub(crate) const EX_CANTCREAT: u8 = 73;
/// Stored data is damaged.
pub(crate) const EX_IOERR: u8 = 74;
/// Try again later.
pub(crate) const EX_TEMPFAIL: u8 = 75;
/// The configuration is wrong.
pub(crate) const EX_CONFIG: u8 = 78;

/// Why a command failed, with its exit code.
#[derive(Debug)]
pub(crate) struct Failure {
    /// The sysexits code.
    pub(crate) code: u8,
    /// What to tell the administrator.
    pub(crate) message: String,
}

impl Failure {
    /// A failure with this code.
    pub(crate) fn new(code: u8, message: impl Into<String>) -> Failure {
        Failure { code, message: message.into() }
    }

    /// A configuration error (78).
    pub(crate) fn config(message: impl Into<String>) -> Failure {
        Failure::new(EX_CONFIG, message)
    }

    /// A store failure: temporary faults are 75, damage 74, an invalid
    /// request 78.
    pub(crate) fn store(context: &str, error: &StoreError) -> Failure {
        let code = match error {
            e if e.is_temporary() => EX_TEMPFAIL,
            StoreError::Corrupt { .. } => EX_IOERR,
            StoreError::Invalid(_) => EX_CONFIG,
            _ => EX_SOFTWARE,
        };
        Failure::new(code, format!("{context}: {error}"))
    }

    /// A driver failure.
    pub(crate) fn drive(context: &str, error: &DriveError) -> Failure {
        match error {
            DriveError::Store(error) => Failure::store(context, error),
            // Contention clears by itself: the MTA retries later.
            other => Failure::new(EX_TEMPFAIL, format!("{context}: {other}")),
        }
    }

    /// Outgoing mail the transport refused for good, after the state that
    /// caused it was committed (69): each is logged at warn, and the
    /// failure says where the mail is kept.
    pub(crate) fn undeliverable(
        context: &str,
        refused: &[(imip_core::OutgoingMail, imip_core::TransportError)],
    ) -> Option<Failure> {
        for (mail, error) in refused {
            let to: Vec<&str> = mail.recipients.iter().map(|r| r.as_str()).collect();
            tracing::warn!(
                message_id = %mail.message_id,
                to = %to.join(","),
                %error,
                "mail refused by the transport for good; kept as undeliverable (imip outbox list)"
            );
        }
        let (mail, error) = refused.first()?;
        let to: Vec<&str> = mail.recipients.iter().map(|r| r.as_str()).collect();
        Some(Failure::new(
            EX_UNAVAILABLE,
            format!(
                "{context}: recorded, but {} mail(s) were refused for good (to {}: {error}); \
                 they are kept as undeliverable, see `imip outbox list`",
                refused.len(),
                to.join(", ")
            ),
        ))
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
