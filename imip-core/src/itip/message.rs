//! The outgoing iTIP message value object (sabre's `ITip\Message`, typed).

use crate::CalAddress;
use crate::model::Method;
use calcard::icalendar::ICalendar;

/// An iTIP message to send: who, to whom, and the iCalendar body.
///
/// It is a value: the engine builds it, the driver renders it as iMIP
/// mail ([`crate::imip::render`]) and the transport sends that.
#[derive(Debug, Clone, PartialEq)]
pub struct ItipMessage {
    /// METHOD.
    pub method: Method,
    /// The calendar user sending it (the principal).
    pub from: CalAddress,
    /// Recipients, sorted, without duplicates.
    pub to: Vec<CalAddress>,
    /// The UID concerned.
    pub uid: String,
    /// SUMMARY of the object, for the subject line and text part.
    pub title: String,
    /// Whether the change behind it is significant (RFC 6638 §3.2.8);
    /// insignificant changes are not sent at all, so this is false only
    /// for messages forced by SCHEDULE-FORCE-SEND.
    pub significant: bool,
    /// A line of human-readable explanation for the text part.
    pub explanation: String,
    /// The iCalendar object, METHOD included.
    pub calendar: ICalendar,
}

impl ItipMessage {
    /// The iCalendar text of the body.
    pub fn to_ics(&self) -> String {
        self.calendar.to_string()
    }
}
