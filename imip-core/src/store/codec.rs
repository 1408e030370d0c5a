//! Text forms shared by the persistent stores, so that both write the
//! same bytes and an administrator can read them.

use super::{OutgoingMail, StoreError};
use crate::model::SchedulingObject;
use crate::outcome::{PendingKind, PendingRequest};
use crate::{CalAddress, Timestamp};

/// Encodes an outbox mail as a spool file: `Envelope-From:`,
/// `Recipient:` (one per recipient), `Message-Id:` and, for mail set
/// aside, `Undeliverable:` lines, an empty
/// line, then the RFC 5322 message as is.
pub fn encode_mail(mail: &OutgoingMail) -> Vec<u8> {
    let mut out = format!("Envelope-From: {}\n", mail.envelope_from);
    for recipient in &mail.recipients {
        // As written: a local part may be case-sensitive (RFC 5321 §2.4).
        out.push_str(&format!("Recipient: {}\n", recipient.as_written()));
    }
    out.push_str(&format!("Message-Id: {}\n", mail.message_id.replace(['\r', '\n'], "")));
    if let Some(reason) = &mail.undeliverable {
        out.push_str(&format!("Undeliverable: {}\n", reason.replace(['\r', '\n'], " ")));
    }
    out.push('\n');
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&mail.bytes);
    bytes
}

/// Decodes [`encode_mail`]; `None` if the header is malformed.
pub fn decode_mail(spool: &[u8]) -> Option<OutgoingMail> {
    let split = spool.windows(2).position(|w| w == b"\n\n")?;
    let header = std::str::from_utf8(&spool[..split]).ok()?;
    let mut envelope_from = None;
    let mut recipients = Vec::new();
    let mut message_id = None;
    let mut undeliverable = None;
    for line in header.lines() {
        let (name, value) = line.split_once(": ")?;
        match name {
            "Envelope-From" => envelope_from = Some(CalAddress::parse(value)?),
            "Recipient" => recipients.push(CalAddress::parse(value)?),
            "Message-Id" => message_id = Some(value.to_string()),
            "Undeliverable" => undeliverable = Some(value.to_string()),
            _ => return None,
        }
    }
    Some(OutgoingMail {
        envelope_from: envelope_from?,
        recipients,
        message_id: message_id?,
        bytes: spool[split + 2..].to_vec(),
        undeliverable,
    })
}

impl PendingRequest {
    /// One-line form: `invitation QUEUED-AT`, `approval QUEUED-AT`,
    /// `counter QUEUED-AT FROM`, or `uninvited-reply QUEUED-AT FROM`.
    pub fn to_line(&self) -> String {
        let at = self.queued_at.to_ical();
        match &self.kind {
            PendingKind::Invitation => format!("invitation {at}"),
            PendingKind::Approval => format!("approval {at}"),
            PendingKind::Counter { from } => format!("counter {at} {from}"),
            PendingKind::UninvitedReply { from } => format!("uninvited-reply {at} {from}"),
        }
    }

    /// Parses [`PendingRequest::to_line`].
    pub fn from_line(line: &str) -> Option<PendingRequest> {
        let mut words = line.split_whitespace();
        let kind = words.next()?;
        let queued_at = Timestamp::parse_utc(words.next()?)?;
        let from = words.next().and_then(CalAddress::parse);
        let kind = match (kind, from) {
            ("invitation", None) => PendingKind::Invitation,
            ("approval", None) => PendingKind::Approval,
            ("counter", Some(from)) => PendingKind::Counter { from },
            ("uninvited-reply", Some(from)) => PendingKind::UninvitedReply { from },
            _ => return None,
        };
        words.next().is_none().then_some(PendingRequest { kind, queued_at })
    }
}

/// Parses a stored object, reporting failure as [`StoreError::Corrupt`].
pub fn parse_stored_object(key: &str, text: &str) -> Result<SchedulingObject, StoreError> {
    SchedulingObject::parse(text)
        .map_err(|error| StoreError::Corrupt { key: key.to_string(), reason: error.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spool_file_round_trips_and_keeps_the_body_bytes() {
        let mail = OutgoingMail {
            envelope_from: CalAddress::parse("a@example.com").unwrap(),
            recipients: vec![CalAddress::parse("b@example.com").unwrap()],
            message_id: "1@example.com".into(),
            bytes: b"Subject: x\r\n\r\n\n\nbody\xff".to_vec(),
            undeliverable: None,
        };
        assert_eq!(decode_mail(&encode_mail(&mail)), Some(mail.clone()));
        let refused = OutgoingMail { undeliverable: Some("550 5.1.1 no such user\r\nX".into()), ..mail };
        let decoded = decode_mail(&encode_mail(&refused)).unwrap();
        assert_eq!(decoded.undeliverable.as_deref(), Some("550 5.1.1 no such user  X"));
        assert_eq!(decoded.bytes, refused.bytes);
        assert_eq!(decode_mail(b"Bogus: x\n\n"), None);
    }

    #[test]
    fn pending_lines_round_trip() {
        let at = Timestamp::parse_utc("20250301T100000Z").unwrap();
        let from = CalAddress::parse("b@example.com").unwrap();
        for kind in [
            PendingKind::Invitation,
            PendingKind::Approval,
            PendingKind::Counter { from: from.clone() },
            PendingKind::UninvitedReply { from },
        ] {
            let pending = PendingRequest { kind, queued_at: at };
            assert_eq!(PendingRequest::from_line(&pending.to_line()), Some(pending));
        }
        assert_eq!(PendingRequest::from_line("invitation 20250301T100000Z extra@x.org"), None);
    }
}
