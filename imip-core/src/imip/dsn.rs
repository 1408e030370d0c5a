//! Delivery status notifications (RFC 3464) for mail imip sent, and the
//! Message-IDs that let imip recognise them.
//!
//! A bounce is never processed as iTIP. What it can tell is whether an
//! invitation reached an attendee: [`read_report`] takes from a
//! `multipart/report` the Message-ID of the returned mail (from its
//! `message/rfc822` or `text/rfc822-headers` part) and, per recipient
//! (`message/delivery-status`), the address, the action and the status
//! code. [`message_id`] writes the UID of the object into the Message-ID
//! of each iTIP mail imip sends, so that a report can be matched to the
//! organizer's copy without any index; whether imip really sent that
//! Message-ID to that attendee is checked against the copy itself (see
//! `crate::itip::delivery`).

use crate::CalAddress;
use mail_parser::{MessageParser, MimeHeaders, PartType};

/// The longest UID written into a Message-ID (hex doubles it; RFC 5322
/// allows lines of 998 characters). Longer UIDs get a plain Message-ID,
/// and their bounces match nothing.
const MAX_UID_IN_MESSAGE_ID: usize = 200;

/// How many recipients of one report are read.
const MAX_RECIPIENTS: usize = 100;

/// The marker between the unique id and the hex-encoded UID.
const UID_MARK: &str = ".u";

/// The Message-ID (without angle brackets) of an iTIP mail about `uid`:
/// `ID.uHEX(UID)@DOMAIN`, a valid `dot-atom-text` (RFC 5322 §3.6.4) for
/// any UID, since the id is `[A-Za-z0-9._-]` and the hex is alphanumeric.
///
/// ```
/// use imip_core::imip::dsn::{message_id, uid_of};
/// let id = message_id("imip-7", "team@example.com", "example.com");
/// assert_eq!(id, "imip-7.u7465616d406578616d706c652e636f6d@example.com");
/// assert_eq!(uid_of(&id).as_deref(), Some("team@example.com"));
/// assert_eq!(uid_of("<CAF=abc@mail.gmail.com>"), None);
/// ```
pub fn message_id(id: &str, uid: &str, domain: &str) -> String {
    if uid.is_empty() || uid.len() > MAX_UID_IN_MESSAGE_ID {
        return format!("{id}@{domain}");
    }
    let hex: String = uid.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{id}{UID_MARK}{hex}@{domain}")
}

/// The UID a Message-ID written by [`message_id`] names; `None` for any
/// other Message-ID. Angle brackets are ignored.
pub fn uid_of(message_id: &str) -> Option<String> {
    let id = message_id.trim().trim_start_matches('<').trim_end_matches('>');
    let (left, _) = id.rsplit_once('@')?;
    let (_, hex) = left.rsplit_once(UID_MARK)?;
    if hex.is_empty() || hex.len() % 2 != 0 || hex.len() > 2 * MAX_UID_IN_MESSAGE_ID {
        return None;
    }
    let bytes: Option<Vec<u8>> =
        (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect();
    String::from_utf8(bytes?).ok()
}

/// What the mail system did for one recipient (RFC 3464 §2.3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryAction {
    /// `failed`: the mail could not be delivered, and will not be.
    Failed,
    /// `delayed`: not delivered yet; the mail system keeps trying.
    Delayed,
    /// `delivered`, `relayed` or `expanded`: it went on.
    Delivered,
}

impl DeliveryAction {
    fn parse(text: &str) -> Option<Self> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "failed" => DeliveryAction::Failed,
            "delayed" => DeliveryAction::Delayed,
            "delivered" | "relayed" | "expanded" => DeliveryAction::Delivered,
            _ => return None,
        })
    }
}

/// One recipient's part of a report (RFC 3464 §2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientStatus {
    /// The recipient as imip addressed it: `Original-Recipient`, else
    /// `Final-Recipient` (an `rfc822` address type only).
    pub address: CalAddress,
    /// What happened.
    pub action: DeliveryAction,
    /// The status code (`5.1.1`), RFC 3463.
    pub status: String,
    /// The remote server's words (`Diagnostic-Code`), if given; at most
    /// 200 characters.
    pub diagnostic: Option<String>,
}

/// A delivery status notification for one mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryReport {
    /// The Message-ID of the mail it reports on (without brackets).
    pub original_message_id: Option<String>,
    /// Each recipient it reports on, in order.
    pub recipients: Vec<RecipientStatus>,
}

/// Reads the delivery report of a `multipart/report` mail (RFC 3464,
/// RFC 6522); `None` when it holds no readable `message/delivery-status`
/// part.
pub fn read_report(raw: &[u8]) -> Option<DeliveryReport> {
    let message = MessageParser::default().parse(raw)?;
    let mut recipients = Vec::new();
    let mut original_message_id = None;
    for part in &message.parts {
        let Some(content_type) = part.content_type() else { continue };
        let full = format!(
            "{}/{}",
            content_type.ctype().to_ascii_lowercase(),
            content_type.subtype().unwrap_or_default().to_ascii_lowercase()
        );
        match (full.as_str(), &part.body) {
            ("message/delivery-status" | "message/global-delivery-status", body) => {
                let text = match body {
                    PartType::Text(text) => text.to_string(),
                    PartType::Binary(bytes) | PartType::InlineBinary(bytes) => {
                        String::from_utf8_lossy(bytes).into_owned()
                    }
                    _ => String::from_utf8_lossy(part.contents()).into_owned(),
                };
                recipients.extend(read_recipients(&text));
            }
            (_, PartType::Message(returned)) if original_message_id.is_none() => {
                original_message_id = returned.message_id().map(str::to_string);
            }
            ("text/rfc822-headers" | "message/global-headers", _) if original_message_id.is_none() => {
                // The header block may end at the boundary, without the
                // empty line a parser of whole messages waits for.
                let mut block = part.contents().to_vec();
                block.extend_from_slice(b"\r\n\r\n");
                original_message_id = MessageParser::default()
                    .parse_headers(&block[..])
                    .and_then(|headers| headers.message_id().map(str::to_string));
            }
            _ => {}
        }
    }
    if recipients.is_empty() {
        return None;
    }
    recipients.truncate(MAX_RECIPIENTS);
    Some(DeliveryReport { original_message_id, recipients })
}

/// The per-recipient field groups of a `message/delivery-status` body:
/// groups of header-style fields separated by empty lines, the first one
/// being per-message (RFC 3464 §2.1).
fn read_recipients(text: &str) -> Vec<RecipientStatus> {
    let mut found = Vec::new();
    let mut fields: Vec<(String, String)> = Vec::new();
    let flush = |fields: &mut Vec<(String, String)>, found: &mut Vec<RecipientStatus>| {
        found.extend(recipient(fields));
        fields.clear();
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            flush(&mut fields, &mut found);
        } else if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            fields.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
        if found.len() >= MAX_RECIPIENTS {
            return found;
        }
    }
    flush(&mut fields, &mut found);
    found
}

fn recipient(fields: &[(String, String)]) -> Option<RecipientStatus> {
    let get = |name: &str| fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    // `rfc822; bob@example.com` (RFC 3464 §2.3.1, §2.3.2).
    let address = |value: &str| {
        let (kind, address) = value.split_once(';')?;
        let kind = kind.trim().to_ascii_lowercase();
        (kind == "rfc822" || kind == "utf-8")
            .then(|| CalAddress::parse(address.trim().trim_matches(['<', '>'])))
            .flatten()
    };
    let address =
        get("original-recipient").and_then(address).or_else(|| get("final-recipient").and_then(address))?;
    let action = DeliveryAction::parse(get("action")?)?;
    let status = get("status")?.split_whitespace().next()?.to_string();
    let well_formed = status.split('.').count() == 3 && status.split('.').all(|p| p.parse::<u16>().is_ok());
    if !well_formed {
        return None;
    }
    let diagnostic = get("diagnostic-code").map(|d| {
        let text = d.split_once(';').map_or(d, |(_, text)| text).trim();
        text.chars().take(200).collect()
    });
    Some(RecipientStatus { address, action, status, diagnostic })
}

/// Whether `address` is a mail system's own: its local part is
/// `MAILER-DAEMON` or `postmaster` (RFC 5321 §4.5.1, RFC 3464 §2.1: the
/// reporting MTA sends with a null return path, from such an address).
pub fn is_mail_system(address: &CalAddress) -> bool {
    let local = address.as_str().rsplit_once('@').map_or(address.as_str(), |(local, _)| local);
    local.eq_ignore_ascii_case("mailer-daemon") || local.eq_ignore_ascii_case("postmaster")
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNCE: &str = "From: MAILER-DAEMON@mail.example.com (Mail Delivery System)\r\n\
To: a@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n\
--B\r\nContent-Type: text/plain\r\n\r\nI'm sorry.\r\n\
--B\r\nContent-Type: message/delivery-status\r\n\r\n\
Reporting-MTA: dns; mail.example.com\r\nArrival-Date: Sat, 1 Mar 2025 09:00:00 +0000\r\n\r\n\
Final-Recipient: rfc822; c@example.org\r\nOriginal-Recipient: rfc822;C@Example.org\r\nAction: failed\r\n\
Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <c@example.org>: Recipient address\r\n rejected\r\n\r\n\
Final-Recipient: rfc822; d@example.org\r\nAction: delayed\r\nStatus: 4.4.1\r\n\r\n\
--B\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: a@example.com\r\nTo: c@example.org\r\n\
Message-ID: <imip-3.u72@example.com>\r\nSubject: Invitation\r\n\r\n--B--\r\n";

    #[test]
    fn a_postfix_style_report_is_read_per_recipient() {
        let report = read_report(BOUNCE.as_bytes()).expect("a report");
        assert_eq!(report.original_message_id.as_deref(), Some("imip-3.u72@example.com"));
        assert_eq!(report.recipients.len(), 2);
        let first = &report.recipients[0];
        assert_eq!(first.address.as_str(), "c@example.org");
        assert_eq!((first.action, first.status.as_str()), (DeliveryAction::Failed, "5.1.1"));
        assert_eq!(
            first.diagnostic.as_deref(),
            Some("550 5.1.1 <c@example.org>: Recipient address rejected")
        );
        assert_eq!(report.recipients[1].action, DeliveryAction::Delayed);
        assert_eq!(uid_of("imip-3.u72@example.com").as_deref(), Some("r"));
    }

    #[test]
    fn a_report_with_the_whole_message_names_its_message_id() {
        let whole = BOUNCE
            .replace("Content-Type: text/rfc822-headers\r\n\r\n", "Content-Type: message/rfc822\r\n\r\n");
        let report = read_report(whole.as_bytes()).expect("a report");
        assert_eq!(report.original_message_id.as_deref(), Some("imip-3.u72@example.com"));
    }

    #[test]
    fn malformed_reports_give_nothing() {
        assert_eq!(read_report(b"From: x@example.com\r\n\r\nhello\r\n"), None);
        let bad_status =
            BOUNCE.replace("Status: 5.1.1", "Status: bogus").replace("Action: delayed", "Action: maybe");
        assert_eq!(read_report(bad_status.as_bytes()), None);
        for id in [
            "x.u7@example.com",
            "x.uzz@example.com",
            "x.u@example.com",
            "no-at-sign.u72",
            "x.uff@example.com",
        ] {
            assert_eq!(uid_of(id), None, "{id}");
        }
    }

    #[test]
    fn only_a_mail_system_sends_reports() {
        assert!(is_mail_system(&CalAddress::parse("MAILER-DAEMON@mx.example.com").unwrap()));
        assert!(is_mail_system(&CalAddress::parse("postmaster@example.com").unwrap()));
        assert!(!is_mail_system(&CalAddress::parse("mallory@example.com").unwrap()));
    }

    #[test]
    fn a_header_block_that_ends_at_the_boundary_is_read() {
        let raw = "From: MAILER-DAEMON@example.com\r\nTo: a@example.com\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n--B\r\n\
Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\n\
Final-Recipient: rfc822; c@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n--B\r\n\
Content-Type: text/rfc822-headers\r\n\r\nFrom: a@example.com\r\nMessage-ID: <x.u72@example.com>\r\n--B--\r\n";
        let report = read_report(raw.as_bytes()).expect("a report");
        assert_eq!(report.original_message_id.as_deref(), Some("x.u72@example.com"));
    }
}
