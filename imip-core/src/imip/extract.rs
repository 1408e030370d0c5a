//! Finding iTIP in received mail (RFC 6047 §2.4, IMIP-MIME-*).
//!
//! Real mail varies: the calendar part sits inside `multipart/alternative`
//! or `multipart/mixed`, is labelled `text/calendar`, `application/ics`
//! or `text/x-vcalendar`, comes base64 or quoted-printable, in any
//! charset, with CRLF or bare LF, and with a MIME `method` that is
//! missing, in lower case, or disagrees with METHOD. Every part is looked
//! at; none is trusted. Bounces (RFC 3464 delivery reports) are never
//! processed: the invitation they return is not a new message.

use crate::model::{Method, SchedulingObject};
use crate::{CalAddress, Violation};
use calcard::icalendar::{
    ICalendar, ICalendarComponentType, ICalendarEntry, ICalendarProperty, ICalendarValue,
};
use mail_parser::{MessageParser, MimeHeaders, PartType};
use std::collections::BTreeMap;
use thiserror::Error;

/// Size bounds for received mail (RFC 5546 §6.1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailLimits {
    /// Largest mail examined, in bytes.
    pub max_mail_bytes: usize,
    /// Largest calendar part examined, in bytes.
    pub max_calendar_bytes: usize,
    /// Most calendar parts examined in one mail.
    pub max_parts: usize,
    /// Longest physical line of the mail, in bytes (RFC 5322 §2.1.1 sets
    /// 998; real mail exceeds it, so the default is generous).
    pub max_line_bytes: usize,
    /// Deepest nesting of multipart bodies (RFC 2046 §5.1).
    pub max_mime_depth: usize,
}

impl Default for MailLimits {
    fn default() -> Self {
        MailLimits {
            max_mail_bytes: 25 * 1024 * 1024,
            max_calendar_bytes: 2 * 1024 * 1024,
            max_parts: 16,
            max_line_bytes: 1024 * 1024,
            max_mime_depth: 20,
        }
    }
}

/// Why a mail could not be examined at all.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ExtractError {
    /// Larger than [`MailLimits::max_mail_bytes`].
    #[error("mail of {size} bytes exceeds the limit of {limit}")]
    TooLarge {
        /// The mail's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Not an RFC 5322 message.
    #[error("not an RFC 5322 message")]
    NotAMessage,
    /// A line longer than [`MailLimits::max_line_bytes`].
    #[error("a line of {size} bytes exceeds the limit of {limit}")]
    LineTooLong {
        /// The longest line's length.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Multipart bodies nested deeper than [`MailLimits::max_mime_depth`].
    #[error("MIME parts nested deeper than {limit}")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
}

/// What a received mail holds, for the engine.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// The Message-ID, if any.
    pub message_id: Option<String>,
    /// The Subject, if any.
    pub subject: Option<String>,
    /// Who sent the mail, as far as its headers say (RFC 6047 §3): the
    /// `From:` address and the `Sender:` address, normalised, in order.
    /// A `From:` with several addresses is no one's: RFC 5322 §3.6.2 then
    /// requires a `Sender:`, which alone is taken; without one the list
    /// is empty, and every check of the sender fails.
    pub senders: Vec<CalAddress>,
    /// The values of the mail's `Authentication-Results:` headers (RFC
    /// 8601), from whichever host wrote them; [`super::auth`] judges them.
    pub authentication_results: Vec<String>,
    /// A delivery report (bounce): never processed as iTIP.
    pub is_bounce: bool,
    /// `Auto-Submitted:` other than `no` (RFC 3834).
    pub is_auto_submitted: bool,
    /// The iTIP messages found, in MIME order.
    pub parts: Vec<ItipPart>,
    /// Calendar parts that could not be used, and why.
    pub problems: Vec<PartProblem>,
}

/// One iTIP message found in a mail.
#[derive(Debug, Clone)]
pub struct ItipPart {
    /// METHOD, from the iCalendar object (or the MIME `method` when the
    /// object has none).
    pub method: Method,
    /// The MIME `method` parameter, when it disagrees with METHOD.
    pub mime_method_mismatch: Option<String>,
    /// The validated object.
    pub object: SchedulingObject,
}

/// A calendar part that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartProblem {
    /// The MIME type, e.g. `text/calendar`.
    pub content_type: String,
    /// What is wrong.
    pub violation: Violation,
}

/// The senders of a mail (see [`ReceivedMail::senders`]).
fn senders_of(message: &mail_parser::Message<'_>) -> Vec<CalAddress> {
    let addresses = |list: Option<&mail_parser::Address<'_>>| -> Vec<CalAddress> {
        list.into_iter()
            .flat_map(|a| a.iter())
            .filter_map(|a| a.address().and_then(CalAddress::parse))
            .collect()
    };
    let from = addresses(message.from());
    let sender = addresses(message.sender());
    let mut senders =
        if from.len() > 1 { sender.into_iter().take(1).collect() } else { [from, sender].concat() };
    senders.dedup();
    senders
}

/// Examines a received mail.
///
/// ```
/// use imip_core::imip::{extract, MailLimits};
/// let mail = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nhello\r\n";
/// let found = extract(mail, &MailLimits::default()).unwrap();
/// assert!(found.parts.is_empty());
/// assert_eq!(found.senders[0].as_str(), "a@example.com");
/// ```
pub fn extract(raw: &[u8], limits: &MailLimits) -> Result<ReceivedMail, ExtractError> {
    if raw.len() > limits.max_mail_bytes {
        return Err(ExtractError::TooLarge { size: raw.len(), limit: limits.max_mail_bytes });
    }
    let longest = raw.split(|&b| b == b'\n').map(<[u8]>::len).max().unwrap_or(0);
    if longest > limits.max_line_bytes {
        return Err(ExtractError::LineTooLong { size: longest, limit: limits.max_line_bytes });
    }
    let message = MessageParser::default().parse(raw).ok_or(ExtractError::NotAMessage)?;
    if mime_depth(&message, limits.max_mime_depth + 1) > limits.max_mime_depth {
        return Err(ExtractError::TooDeep { limit: limits.max_mime_depth });
    }
    let senders = senders_of(&message);
    let is_auto_submitted = message
        .header_raw("Auto-Submitted")
        .is_some_and(|v| !v.trim().to_ascii_lowercase().starts_with("no"));
    let mut found = ReceivedMail {
        message_id: message.message_id().map(str::to_string),
        subject: message.subject().map(str::to_string),
        senders,
        authentication_results: message
            .header_values("Authentication-Results")
            .filter_map(|value| value.as_text().map(str::to_string))
            .collect(),
        is_bounce: false,
        is_auto_submitted,
        parts: Vec::new(),
        problems: Vec::new(),
    };
    // Every calendar part counts against the limit, repeated ones too.
    let mut examined = 0;
    for part in &message.parts {
        let Some(content_type) = part.content_type() else { continue };
        let ctype = content_type.ctype().to_ascii_lowercase();
        let subtype = content_type.subtype().unwrap_or_default().to_ascii_lowercase();
        let full = format!("{ctype}/{subtype}");
        if full == "multipart/report"
            || full == "message/delivery-status"
            || full == "message/global-delivery-status"
        {
            found.is_bounce = true;
            continue;
        }
        if !matches!(full.as_str(), "text/calendar" | "application/ics" | "text/x-vcalendar") {
            continue;
        }
        examined += 1;
        if examined > limits.max_parts {
            found.problems.push(PartProblem {
                content_type: full,
                violation: Violation::TooLarge(crate::Limit::CalendarParts),
            });
            continue;
        }
        let text = match &part.body {
            PartType::Text(text) => text.to_string(),
            PartType::Binary(bytes) | PartType::InlineBinary(bytes) => {
                String::from_utf8_lossy(bytes).into_owned()
            }
            _ => continue,
        };
        if text.len() > limits.max_calendar_bytes {
            found.problems.push(PartProblem {
                content_type: full,
                violation: Violation::TooLarge(crate::Limit::CalendarPartSize),
            });
            continue;
        }
        let mime_method = content_type.attribute("method").map(str::to_string);
        match read_part(&text, mime_method.as_deref()) {
            Ok(parts) => {
                // Google and Tine send the same calendar twice, inline
                // and as invite.ics: it is one message, processed once.
                for part in parts {
                    let seen = found
                        .parts
                        .iter()
                        .any(|p| p.method == part.method && p.object.calendar() == part.object.calendar());
                    if !seen {
                        found.parts.push(part);
                    }
                }
            }
            Err(Some(violation)) => found.problems.push(PartProblem { content_type: full, violation }),
            Err(None) => {}
        }
    }
    if found.is_bounce {
        found.parts.clear();
    }
    Ok(found)
}

/// How deeply the message's multipart bodies nest (the message itself is
/// depth 0), counting no further than `stop`.
fn mime_depth(message: &mail_parser::Message<'_>, stop: usize) -> usize {
    let mut deepest = 0;
    let mut pending = vec![(0usize, 0usize)];
    while let Some((index, depth)) = pending.pop() {
        deepest = deepest.max(depth);
        if deepest >= stop {
            break;
        }
        if let Some(PartType::Multipart(children)) = message.parts.get(index).map(|p| &p.body) {
            pending.extend(children.iter().map(|&c| (c as usize, depth + 1)).filter(|&(c, _)| c != index));
        }
    }
    deepest
}

/// Parses one calendar part. `Err(None)`: not iTIP (an .ics to import).
fn read_part(text: &str, mime_method: Option<&str>) -> Result<Vec<ItipPart>, Option<Violation>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut calendar = ICalendar::parse(text).map_err(|_| Some(Violation::Unparseable))?;
    if calendar.components.first().map(|c| &c.component_type) != Some(&ICalendarComponentType::VCalendar) {
        return Err(Some(Violation::Unparseable));
    }
    let inner = calendar.components[0]
        .property(&ICalendarProperty::Method)
        .and_then(|e| e.values.first())
        .and_then(|v| v.as_text())
        .map(str::to_string);
    let mime = mime_method.map(str::trim).filter(|m| !m.is_empty());
    let (method, mismatch) = match (&inner, mime) {
        (Some(inner), mime) => {
            let method = Method::parse(inner).ok_or_else(|| Some(Violation::UnknownMethod(inner.clone())))?;
            let mismatch = mime.filter(|m| !m.eq_ignore_ascii_case(inner)).map(str::to_string);
            (method, mismatch)
        }
        (None, Some(mime)) => {
            let method =
                Method::parse(mime).ok_or_else(|| Some(Violation::UnknownMethod(mime.to_string())))?;
            calendar.components[0].entries.push(ICalendarEntry {
                name: ICalendarProperty::Method,
                params: Vec::new(),
                values: vec![ICalendarValue::Method(method.to_calcard())],
            });
            (method, None)
        }
        (None, None) => return Err(None),
    };
    let calendars = if method == Method::Publish { split_by_uid(calendar) } else { vec![calendar] };
    calendars
        .into_iter()
        .map(|calendar| {
            let object = SchedulingObject::from_calendar(calendar).map_err(Some)?;
            Ok(ItipPart { method, mime_method_mismatch: mismatch.clone(), object })
        })
        .collect()
}

/// PUBLISH may post several objects at once (RFC 5546 §3.2.1); split them
/// into one calendar per UID, each with the time zones it needs.
fn split_by_uid(calendar: ICalendar) -> Vec<ICalendar> {
    let root = &calendar.components[0];
    let mut by_uid: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut order = Vec::new();
    for &child in &root.component_ids {
        let component = &calendar.components[child as usize];
        if crate::model::ComponentKind::of(&component.component_type).is_none() {
            continue;
        }
        let uid = component.uid().unwrap_or_default().to_string();
        if !by_uid.contains_key(&uid) {
            order.push(uid.clone());
        }
        by_uid.entry(uid).or_default().push(child);
    }
    if by_uid.len() <= 1 {
        return vec![calendar];
    }
    order
        .into_iter()
        .map(|uid| {
            let mut out = ICalendar {
                components: vec![calcard::icalendar::ICalendarComponent {
                    component_type: ICalendarComponentType::VCalendar,
                    entries: root.entries.clone(),
                    component_ids: Vec::new(),
                }],
            };
            for &index in &by_uid[&uid] {
                let copied = crate::model::object::copy_component(&calendar, index, &mut out);
                out.components[0].component_ids.push(copied);
            }
            crate::model::object::copy_missing_timezones(&calendar, &mut out);
            out
        })
        .collect()
}
