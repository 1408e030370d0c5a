//! Who may send what (RFC 5546 §1.4, §6.1; RFC 6047 §2.2.1, §3).
//!
//! The mail's `From:` and `Sender:` addresses are compared with the
//! calendar data: organizer methods must come from the ORGANIZER or its
//! SENT-BY; attendee methods from the attendee they speak for or its
//! SENT-BY. The stored copy, not the message, says who the organizer is.

use crate::model::Participant;
use crate::{CalAddress, Config, Violation};

/// Checks that an organizer method comes from `organizer`.
pub(crate) fn check_organizer(
    config: &Config,
    senders: &[CalAddress],
    organizer: &Participant,
) -> Result<(), Violation> {
    if !config.verify_senders || senders.iter().any(|s| may_speak_for(config, s, organizer)) {
        return Ok(());
    }
    Err(Violation::SenderNotOrganizer {
        sender: senders.first().map(|s| s.to_string()).unwrap_or_else(|| "(no verified sender)".into()),
        organizer: organizer.address.to_string(),
    })
}

/// The attendee, among `candidates`, that the mail's sender speaks for.
/// With sender checks off, the first candidate.
pub(crate) fn speaking_attendee<'a>(
    config: &Config,
    senders: &[CalAddress],
    candidates: &'a [Participant],
) -> Result<&'a Participant, Violation> {
    let found = if config.verify_senders {
        // The attendee itself first, then one whose SENT-BY matches.
        candidates
            .iter()
            .find(|p| senders.contains(&p.address))
            .or_else(|| candidates.iter().find(|p| senders.iter().any(|s| may_speak_for(config, s, p))))
    } else {
        candidates.first()
    };
    found.ok_or_else(|| Violation::SenderNotAttendee {
        sender: senders.first().map(|s| s.to_string()).unwrap_or_else(|| "(no verified sender)".into()),
    })
}

/// Whether `sender` may speak for `participant`: it is the participant
/// (its address or EMAIL), its SENT-BY, or a configured relay for its
/// domain, when senders are authenticated ([`Config::relays`]).
fn may_speak_for(config: &Config, sender: &CalAddress, participant: &Participant) -> bool {
    if participant.is_spoken_for_by(sender) {
        return true;
    }
    config.authserv_id.is_some()
        && config.relays.iter().any(|relay| {
            sender.domain().eq_ignore_ascii_case(&relay.from_domain)
                && participant.address.domain().eq_ignore_ascii_case(&relay.for_domain)
        })
}
