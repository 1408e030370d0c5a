//! ORGANIZER and ATTENDEE properties as scheduling sees them
//! (RFC 5545 §3.8.4.1, §3.8.4.3; RFC 6638 §7).

use crate::CalAddress;
use calcard::icalendar::{
    ICalendarEntry, ICalendarParameterName, ICalendarParameterValue, ICalendarParticipationStatus,
    ICalendarScheduleAgentValue, ICalendarScheduleForceSendValue, ICalendarUserTypes, Uri,
};
use std::fmt;

/// Participation status (RFC 5545 §3.2.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PartStat {
    /// No answer yet (the default).
    NeedsAction,
    /// Will attend.
    Accepted,
    /// Will not attend.
    Declined,
    /// May attend.
    Tentative,
    /// Handed to someone else (RFC 5546 §2.1.2).
    Delegated,
    /// To-do completed.
    Completed,
    /// To-do in progress.
    InProcess,
}

impl PartStat {
    /// The PARTSTAT token.
    pub fn as_str(self) -> &'static str {
        match self {
            PartStat::NeedsAction => "NEEDS-ACTION",
            PartStat::Accepted => "ACCEPTED",
            PartStat::Declined => "DECLINED",
            PartStat::Tentative => "TENTATIVE",
            PartStat::Delegated => "DELEGATED",
            PartStat::Completed => "COMPLETED",
            PartStat::InProcess => "IN-PROCESS",
        }
    }

    /// Parses a PARTSTAT token, ignoring case.
    pub fn parse(token: &str) -> Option<Self> {
        [
            PartStat::NeedsAction,
            PartStat::Accepted,
            PartStat::Declined,
            PartStat::Tentative,
            PartStat::Delegated,
            PartStat::Completed,
            PartStat::InProcess,
        ]
        .into_iter()
        .find(|p| p.as_str().eq_ignore_ascii_case(token.trim()))
    }

    pub(crate) fn from_calcard(value: &ICalendarParticipationStatus) -> Option<Self> {
        Some(match value {
            ICalendarParticipationStatus::NeedsAction => PartStat::NeedsAction,
            ICalendarParticipationStatus::Accepted => PartStat::Accepted,
            ICalendarParticipationStatus::Declined => PartStat::Declined,
            ICalendarParticipationStatus::Tentative => PartStat::Tentative,
            ICalendarParticipationStatus::Delegated => PartStat::Delegated,
            ICalendarParticipationStatus::Completed => PartStat::Completed,
            ICalendarParticipationStatus::InProcess => PartStat::InProcess,
            ICalendarParticipationStatus::Failed => return None,
        })
    }

    pub(crate) fn to_calcard(self) -> ICalendarParticipationStatus {
        match self {
            PartStat::NeedsAction => ICalendarParticipationStatus::NeedsAction,
            PartStat::Accepted => ICalendarParticipationStatus::Accepted,
            PartStat::Declined => ICalendarParticipationStatus::Declined,
            PartStat::Tentative => ICalendarParticipationStatus::Tentative,
            PartStat::Delegated => ICalendarParticipationStatus::Delegated,
            PartStat::Completed => ICalendarParticipationStatus::Completed,
            PartStat::InProcess => ICalendarParticipationStatus::InProcess,
        }
    }
}

impl fmt::Display for PartStat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who delivers scheduling messages to a participant (RFC 6638 §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum ScheduleAgent {
    /// We do (the default).
    #[default]
    Server,
    /// The client does; we send nothing.
    Client,
    /// Nobody does. Unknown values count as NONE (RFC 6638 §7.1).
    None,
}

/// A read-only projection of an ORGANIZER or ATTENDEE property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    /// The normalised address.
    pub address: CalAddress,
    /// PARTSTAT, `NeedsAction` when absent (RFC 5545 §3.2.12).
    pub partstat: PartStat,
    /// RSVP=TRUE (RFC 5545 §3.2.17).
    pub rsvp: bool,
    /// CN, if given.
    pub common_name: Option<String>,
    /// CUTYPE=ROOM or RESOURCE.
    pub is_resource: bool,
    /// SENT-BY (RFC 5545 §3.2.18).
    pub sent_by: Option<CalAddress>,
    /// The `EMAIL` parameter's address when it differs from the value
    /// (RFC 7986 §6.2): iCloud's opaque `…@imip.me.com` tokens and
    /// CalendarServer's principal URLs carry the person's real address
    /// there. The participant is known by both.
    pub email: Option<CalAddress>,
    /// DELEGATED-TO (RFC 5545 §3.2.5).
    pub delegated_to: Vec<CalAddress>,
    /// DELEGATED-FROM (RFC 5545 §3.2.4).
    pub delegated_from: Vec<CalAddress>,
    /// SCHEDULE-AGENT (RFC 6638 §7.1).
    pub schedule_agent: ScheduleAgent,
    /// SCHEDULE-FORCE-SEND is present (RFC 6638 §7.2).
    pub force_send: bool,
}

impl Participant {
    /// Projects an ORGANIZER or ATTENDEE entry. `None` when its value is
    /// not a mail address (RFC 6047 §2.3 requires `mailto:`).
    pub fn from_entry(entry: &ICalendarEntry) -> Option<Self> {
        let address = entry_address(entry)?;
        let mut participant = Participant {
            address,
            partstat: PartStat::NeedsAction,
            rsvp: false,
            common_name: None,
            is_resource: false,
            sent_by: None,
            email: None,
            delegated_to: Vec::new(),
            delegated_from: Vec::new(),
            schedule_agent: ScheduleAgent::Server,
            force_send: false,
        };
        for param in &entry.params {
            match (&param.name, &param.value) {
                (ICalendarParameterName::Partstat, value) => {
                    participant.partstat = partstat_value(value).unwrap_or(participant.partstat)
                }
                (ICalendarParameterName::Rsvp, ICalendarParameterValue::Bool(b)) => participant.rsvp = *b,
                (ICalendarParameterName::Rsvp, ICalendarParameterValue::Text(t)) => {
                    // RFC 6047's own examples write RSVP=YES.
                    participant.rsvp = t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("yes")
                }
                (ICalendarParameterName::Cn, value) => {
                    participant.common_name = param_text(value).map(str::to_string)
                }
                (ICalendarParameterName::Cutype, ICalendarParameterValue::Cutype(c)) => {
                    participant.is_resource =
                        matches!(c, ICalendarUserTypes::Room | ICalendarUserTypes::Resource)
                }
                (ICalendarParameterName::SentBy, value) => {
                    participant.sent_by = param_text(value).and_then(CalAddress::parse)
                }
                (ICalendarParameterName::Email, value) => {
                    participant.email =
                        param_text(value).and_then(CalAddress::parse).filter(|e| *e != participant.address)
                }
                (ICalendarParameterName::DelegatedTo, value) => {
                    participant.delegated_to.extend(param_addresses(value))
                }
                (ICalendarParameterName::DelegatedFrom, value) => {
                    participant.delegated_from.extend(param_addresses(value))
                }
                (ICalendarParameterName::ScheduleAgent, value) => {
                    participant.schedule_agent = match value {
                        ICalendarParameterValue::ScheduleAgent(ICalendarScheduleAgentValue::Server) => {
                            ScheduleAgent::Server
                        }
                        ICalendarParameterValue::ScheduleAgent(ICalendarScheduleAgentValue::Client) => {
                            ScheduleAgent::Client
                        }
                        _ => ScheduleAgent::None,
                    }
                }
                (ICalendarParameterName::ScheduleForceSend, value) => {
                    participant.force_send = matches!(
                        value,
                        ICalendarParameterValue::ScheduleForceSend(
                            ICalendarScheduleForceSendValue::Request | ICalendarScheduleForceSendValue::Reply
                        )
                    )
                }
                _ => {}
            }
        }
        Some(participant)
    }

    /// Whether `sender` may speak for this participant: it is the
    /// participant or the participant's SENT-BY (RFC 5545 §3.2.18).
    pub fn is_spoken_for_by(&self, sender: &CalAddress) -> bool {
        self.is_known_as(sender) || self.sent_by.as_ref() == Some(sender)
    }

    /// Whether `address` is this participant's: the value, or its
    /// `EMAIL` parameter.
    pub fn is_known_as(&self, address: &CalAddress) -> bool {
        &self.address == address || self.email.as_ref() == Some(address)
    }

    /// Whether two entries name the same person: the same address, or one
    /// known by the other's (an organizer written once with its opaque
    /// token and once with its e-mail address).
    pub fn is_same_person(&self, other: &Participant) -> bool {
        self.is_known_as(&other.address) || other.email.as_ref().is_some_and(|e| self.is_known_as(e))
    }

    /// Whether we deliver messages to this participant (RFC 6638 §7.1).
    pub fn scheduled_by_us(&self) -> bool {
        self.schedule_agent == ScheduleAgent::Server
    }
}

/// The normalised address in an ORGANIZER/ATTENDEE entry's value, or its
/// `EMAIL` parameter (RFC 7986 §6.2; iCloud uses opaque URIs with EMAIL).
pub(crate) fn entry_address(entry: &ICalendarEntry) -> Option<CalAddress> {
    entry.values.first().and_then(|v| v.as_text()).and_then(CalAddress::parse).or_else(|| {
        entry.parameter(&ICalendarParameterName::Email).and_then(param_text).and_then(CalAddress::parse)
    })
}

/// A PARTSTAT parameter's value: `None` for a value of another type
/// (which leaves the answer as it was), NEEDS-ACTION for one imip does
/// not know.
fn partstat_value(value: &ICalendarParameterValue) -> Option<PartStat> {
    match value {
        ICalendarParameterValue::Partstat(p) => {
            Some(PartStat::from_calcard(p).unwrap_or(PartStat::NeedsAction))
        }
        ICalendarParameterValue::Text(t) => Some(PartStat::parse(t).unwrap_or(PartStat::NeedsAction)),
        _ => None,
    }
}

/// The answer an ATTENDEE line gives, as [`Participant::from_entry`]
/// reads it, without reading the rest of the line.
pub(crate) fn entry_partstat(entry: &ICalendarEntry) -> PartStat {
    entry
        .params
        .iter()
        .filter(|p| p.name == ICalendarParameterName::Partstat)
        .fold(PartStat::NeedsAction, |answer, p| partstat_value(&p.value).unwrap_or(answer))
}

/// The delegates an ATTENDEE line names in DELEGATED-TO, as
/// [`Participant::from_entry`] reads them, without reading the rest of
/// the line.
pub(crate) fn entry_delegated_to(entry: &ICalendarEntry) -> Vec<CalAddress> {
    entry_param_addresses(entry, &ICalendarParameterName::DelegatedTo)
}

/// Who delegated to an ATTENDEE line (DELEGATED-FROM), as
/// [`Participant::from_entry`] reads them, without reading the rest of
/// the line.
pub(crate) fn entry_delegated_from(entry: &ICalendarEntry) -> Vec<CalAddress> {
    entry_param_addresses(entry, &ICalendarParameterName::DelegatedFrom)
}

fn entry_param_addresses(entry: &ICalendarEntry, name: &ICalendarParameterName) -> Vec<CalAddress> {
    entry.params.iter().filter(|p| p.name == *name).flat_map(|p| param_addresses(&p.value)).collect()
}

/// Whether `entry` (an ATTENDEE or ORGANIZER) names `address`, read as
/// [`entry_address`] reads it, without building the address: `None` when
/// the entry names no mail address at all.
pub(crate) fn entry_matches(entry: &ICalendarEntry, address: &CalAddress) -> Option<bool> {
    entry.values.first().and_then(|v| v.as_text()).and_then(|t| address.matches(t)).or_else(|| {
        entry.parameter(&ICalendarParameterName::Email).and_then(param_text).and_then(|t| address.matches(t))
    })
}

/// Whether `entry` names `address` ([`entry_matches`]): its value does,
/// or, when its value is no mail address, its EMAIL parameter does.
pub(crate) fn entry_is(entry: &ICalendarEntry, address: &CalAddress) -> bool {
    let value = entry.values.first().and_then(|v| v.as_text());
    if value.is_some_and(|t| address.is(t)) {
        return true;
    }
    entry.params.iter().any(|p| p.name == ICalendarParameterName::Email)
        && entry_matches(entry, address) == Some(true)
}

pub(crate) fn param_text(value: &ICalendarParameterValue) -> Option<&str> {
    match value {
        ICalendarParameterValue::Text(t) => Some(t),
        ICalendarParameterValue::Uri(Uri::Location(location)) => Some(location),
        _ => None,
    }
}

fn param_addresses(value: &ICalendarParameterValue) -> Vec<CalAddress> {
    param_text(value).map(|t| t.split(',').filter_map(CalAddress::parse).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SchedulingObject;
    use crate::model::component;

    /// The shortcuts read each ATTENDEE line as the full reading does:
    /// the line found, and its answer, whatever PARTSTAT says.
    #[test]
    fn the_answer_and_the_listing_read_alone_agree_with_the_whole_line() {
        let lines = [
            "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@example.com",
            "ATTENDEE:mailto:b@example.com",
            "ATTENDEE;PARTSTAT=tentative:MAILTO:C@Example.com",
            "ATTENDEE;PARTSTAT=X-SOMETHING:mailto:d@example.com",
            "ATTENDEE;PARTSTAT=DECLINED;PARTSTAT=ACCEPTED:mailto:e@example.com",
            "ATTENDEE;EMAIL=f@example.com;PARTSTAT=DELEGATED:urn:uuid:1234",
            "ATTENDEE;PARTSTAT=ACCEPTED:urn:uuid:no-mail",
            "ATTENDEE;EMAIL=h@example.com:mailto:other@example.com",
            "ATTENDEE: <mailto:i@example.com?subject=x> ",
        ];
        let ics = format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:p@x\r\n\
             DTSTAMP:20250101T000000Z\r\nDTSTART:20250101T100000Z\r\nORGANIZER:mailto:o@example.com\r\n{}\r\n\
             END:VEVENT\r\nEND:VCALENDAR\r\n",
            lines.join("\r\n")
        );
        let object = SchedulingObject::parse(&ics).unwrap();
        let master = object.master().unwrap();
        for who in ["a", "b", "c", "d", "e", "f", "g", "h", "i", "other", "no-mail"] {
            let address = CalAddress::parse(&format!("{who}@example.com")).unwrap();
            for entry in master.properties(&calcard::icalendar::ICalendarProperty::Attendee) {
                assert_eq!(entry_is(entry, &address), entry_matches(entry, &address) == Some(true), "{who}");
            }
            let whole = component::attendee(master, &address);
            assert_eq!(component::lists_attendee(master, &address), whole.is_some(), "{who}");
            assert_eq!(component::attendee_partstat(master, &address), whole.map(|p| p.partstat), "{who}");
            assert_eq!(
                object.has_attendee(&address),
                object.attendee_addresses().contains(&address),
                "{who}"
            );
        }
    }
}
