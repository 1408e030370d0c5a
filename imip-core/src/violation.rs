//! The catalogue of protocol violations, one variant per rule broken.
//!
//! A violation is a *protocol outcome*, not an engine error: the message
//! is refused, the reason is recorded, and where iTIP defines a response a
//! REPLY carrying [`RequestStatus`] goes back (RFC 5546 §3.6). Each variant
//! names the section it enforces (design: rustls's `PeerMisbehaved`).

use crate::model::{ComponentKind, Method};
use calcard::icalendar::ICalendarProperty;
use thiserror::Error;

/// An iTIP status code (RFC 5546 §3.6, RFC 5545 §3.8.8.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestStatus {
    /// The code, e.g. `"3.8"`.
    pub code: &'static str,
    /// Its registered short description.
    pub description: &'static str,
}

impl RequestStatus {
    /// 2.0 Success (RFC 5546 §3.6.1).
    pub const SUCCESS: Self = RequestStatus { code: "2.0", description: "Success" };
    /// 3.1 Invalid property value (§3.6.13).
    pub const INVALID_PROPERTY_VALUE: Self =
        RequestStatus { code: "3.1", description: "Invalid property value" };
    /// 3.3 Invalid property parameter value (§3.6.15).
    pub const INVALID_PARAMETER_VALUE: Self =
        RequestStatus { code: "3.3", description: "Invalid property parameter value" };
    /// 3.4 Invalid calendar component sequence (§3.6.16).
    pub const INVALID_COMPONENT_SEQUENCE: Self =
        RequestStatus { code: "3.4", description: "Invalid calendar component sequence" };
    /// 3.5 Invalid date or time (§3.6.17).
    pub const INVALID_DATE: Self = RequestStatus { code: "3.5", description: "Invalid date or time" };
    /// 3.7 Invalid calendar user (§3.6.19).
    pub const INVALID_USER: Self = RequestStatus { code: "3.7", description: "Invalid calendar user" };
    /// 3.8 No authority (§3.6.20).
    pub const NO_AUTHORITY: Self = RequestStatus { code: "3.8", description: "No authority" };
    /// 3.10 Request entity too large (§3.6.22).
    pub const TOO_LARGE: Self = RequestStatus { code: "3.10", description: "Request entity too large" };
    /// 3.11 Required component or property missing (§3.6.23).
    pub const MISSING: Self =
        RequestStatus { code: "3.11", description: "Required component or property missing" };
    /// 3.13 Unsupported component or property found (§3.6.25).
    pub const UNSUPPORTED_COMPONENT: Self =
        RequestStatus { code: "3.13", description: "Unsupported component or property found" };
    /// 3.14 Unsupported capability (§3.6.26).
    pub const UNSUPPORTED_CAPABILITY: Self =
        RequestStatus { code: "3.14", description: "Unsupported capability" };
    /// 5.0 Request not supported (§3.6.28).
    pub const NOT_SUPPORTED: Self = RequestStatus { code: "5.0", description: "Request not supported" };

    /// The REQUEST-STATUS property value, `code;description`.
    pub fn to_value(self) -> String {
        format!("{};{}", self.code, self.description)
    }
}

/// A principal's role in a scheduling object (RFC 5546 §1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The ORGANIZER.
    Organizer,
    /// An ATTENDEE.
    Attendee,
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Role::Organizer => "organizer",
            Role::Attendee => "attendee",
        })
    }
}

/// Which bound on input a message went beyond (RFC 5546 §6.1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// Components (instances) per object.
    Components,
    /// ATTENDEE properties per component.
    Attendees,
    /// FREEBUSY periods in one VFREEBUSY.
    FreeBusyPeriods,
    /// Calendar parts in one mail.
    CalendarParts,
    /// Bytes in one calendar part.
    CalendarPartSize,
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Limit::Components => "too many components",
            Limit::Attendees => "too many attendees",
            Limit::FreeBusyPeriods => "too many FREEBUSY periods",
            Limit::CalendarParts => "too many calendar parts",
            Limit::CalendarPartSize => "calendar part too large",
        })
    }
}

/// A rule of iTIP, iMIP or iCalendar that an incoming message broke.
///
/// Each violation has its REQUEST-STATUS code (RFC 5546 §3.6,
/// [`Violation::request_status`]). An authorized organizer's REQUEST
/// refused for a reason of data (missing DTSTART, DTEND before DTSTART)
/// is answered with a REPLY carrying it; violations of authority
/// ([`Violation::is_authority`]) are never answered, so that imip sends
/// no backscatter to forged senders.
///
/// | violation | REQUEST-STATUS |
/// |---|---|
/// | `MissingMethod` | 5.0 |
/// | `UnknownMethod` | 5.0 |
/// | `Unparseable` | 3.1 |
/// | `EndBeforeStart` | 3.1 |
/// | `InvalidValue (a date or time)` | 3.5 |
/// | `InvalidValue (RRULE)` | 3.1 |
/// | `UnusableTimezone` | 3.3 |
/// | `NoComponent` | 3.4 |
/// | `MixedComponentTypes` | 3.4 |
/// | `DuplicateInstance` | 3.4 |
/// | `UnsupportedComponent` | 3.13 |
/// | `MissingUid` | 3.11 |
/// | `MissingOrganizer` | 3.11 |
/// | `MissingProperty` | 3.11 |
/// | `MultipleUids` | 3.1 |
/// | `MultipleOrganizers` | 3.1 |
/// | `InvalidOrganizer` | 3.1 |
/// | `MethodNotForRole` | 3.14 |
/// | `SenderNotOrganizer` | 3.8 |
/// | `SenderNotAttendee` | 3.8 |
/// | `OrganizerMismatch` | 3.8 |
/// | `AttendeeCannotModify` | 3.8 |
/// | `NotOrganizer` | 3.8 |
/// | `NotAnAttendee` | 3.7 |
/// | `NotAddressed` | 3.7 |
/// | `NoSuchInstance` | 3.1 |
/// | `TooLarge` | 3.10 |
/// | `NotAResource` | 3.14 |
/// | `NothingToApprove` | 3.14 |
/// | `NotBookable` | 3.14 |
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Violation {
    /// The iCalendar object has no METHOD property and the MIME part no
    /// `method` parameter (RFC 5546 §3, RFC 6047 §2.4).
    #[error("no METHOD: not an iTIP message (RFC 5546 §3)")]
    MissingMethod,
    /// METHOD names something other than the eight iTIP methods (RFC 5546 §1.4).
    #[error("unknown METHOD {0:?} (RFC 5546 §1.4)")]
    UnknownMethod(String),
    /// The object could not be parsed as iCalendar (RFC 5545 §3.4).
    #[error("the calendar data does not parse (RFC 5545 §3.4)")]
    Unparseable,
    /// The object holds no VEVENT, VTODO, VJOURNAL or VFREEBUSY (RFC 5546 §3).
    #[error("no scheduling component (RFC 5546 §3)")]
    NoComponent,
    /// Several component types in one message (RFC 5546 §1.4).
    #[error("more than one component type in one message (RFC 5546 §1.4)")]
    MixedComponentTypes,
    /// The component type is not handled for this METHOD yet (RFC 5546 §5.1).
    #[error("{component} is not supported for {method} (RFC 5546 §5.1)")]
    UnsupportedComponent {
        /// The component type, e.g. `VTODO`.
        component: ComponentKind,
        /// The METHOD.
        method: Method,
    },
    /// A component lacks its UID (RFC 5545 §3.8.4.7).
    #[error("component without UID (RFC 5545 §3.8.4.7)")]
    MissingUid,
    /// Components of one message carry different UIDs (RFC 5546 §3.2.2).
    #[error("components with different UIDs in one message (RFC 5546 §3.2.2)")]
    MultipleUids,
    /// The same RECURRENCE-ID appears twice (RFC 5545 §3.8.4.4).
    #[error("RECURRENCE-ID {0} appears twice (RFC 5545 §3.8.4.4)")]
    DuplicateInstance(String),
    /// The message lacks ORGANIZER (RFC 5546 §3.2, tables).
    #[error("no ORGANIZER (RFC 5546 §3.2)")]
    MissingOrganizer,
    /// ORGANIZER is not a `mailto:` address (RFC 6047 §2.3).
    #[error("ORGANIZER is not a mailto: address (RFC 6047 §2.3)")]
    InvalidOrganizer,
    /// Components disagree on ORGANIZER (RFC 6638 §3.2.4.2).
    #[error("components disagree on ORGANIZER (RFC 6638 §3.2.4.2)")]
    MultipleOrganizers,
    /// A required property is missing for this METHOD (RFC 5546 §3 tables).
    #[error("{} is required in {method} (RFC 5546 §3)", property.as_str())]
    MissingProperty {
        /// The property.
        property: ICalendarProperty,
        /// The METHOD.
        method: Method,
    },
    /// A period ends before it starts: DTEND not after DTSTART
    /// (RFC 5545 §3.8.2.2, RFC 5546 §3.3).
    #[error("DTEND is not after DTSTART in {method} (RFC 5545 §3.8.2.2)")]
    EndBeforeStart {
        /// The METHOD.
        method: Method,
    },
    /// A property's value is not what RFC 5545 allows: a date or time
    /// that is no calendar date or clock time (§3.3.4, §3.3.5), or an
    /// RRULE that does not parse (§3.3.10).
    #[error("{} has an invalid value in {method} (RFC 5545 §3.3)", property.as_str())]
    InvalidValue {
        /// The property.
        property: ICalendarProperty,
        /// The METHOD.
        method: Method,
    },
    /// A TZID names no zone imip knows and no VTIMEZONE it can evaluate
    /// (RFC 5545 §3.2.19, §3.6.5; RFC 5546 §3.1.2 requires the
    /// VTIMEZONE). Its times cannot be placed; they are never read as
    /// UTC or floating instead.
    #[error("TZID={tzid} names no time zone imip can evaluate (RFC 5545 §3.6.5)")]
    UnusableTimezone {
        /// The TZID.
        tzid: String,
    },
    /// The METHOD is one this role never receives (RFC 5546 §1.4 table).
    #[error("{method} is not sent to an {role} (RFC 5546 §1.4)")]
    MethodNotForRole {
        /// The METHOD.
        method: Method,
        /// The role the principal has in the object.
        role: Role,
    },
    /// The mail's sender is neither the ORGANIZER nor its SENT-BY, for a
    /// method only the organizer may send (RFC 5546 §1.4, §6.1.1; RFC 6047 §3).
    #[error("sender {sender} is not the organizer {organizer} (RFC 5546 §6.1.1)")]
    SenderNotOrganizer {
        /// Who sent the mail.
        sender: String,
        /// The organizer it claims to come from.
        organizer: String,
    },
    /// The mail's sender is not the attendee the reply speaks for, nor its
    /// SENT-BY (RFC 5546 §6.1.2, RFC 6047 §2.2.1).
    #[error("sender {sender} does not speak for any attendee in the message (RFC 5546 §6.1.2)")]
    SenderNotAttendee {
        /// Who sent the mail.
        sender: String,
    },
    /// The message's ORGANIZER differs from the stored one and replacement
    /// is not allowed (RFC 5546 §3.2.2.4, §6.1.3; RFC 6638 §11.2).
    #[error("ORGANIZER {claimed} differs from the stored organizer {stored} (RFC 6638 §11.2)")]
    OrganizerMismatch {
        /// The stored organizer.
        stored: String,
        /// The organizer named in the message.
        claimed: String,
    },
    /// A REFRESH, REPLY or COUNTER from someone who is not an attendee
    /// (RFC 5546 §3.2.6, §6.1.6).
    #[error("{0} is not an attendee of this event (RFC 5546 §6.1.6)")]
    NotAnAttendee(String),
    /// The principal is not addressed by the message (RFC 5546 §3.2.2).
    #[error("{0} is not an attendee of this message (RFC 5546 §3.2.2)")]
    NotAddressed(String),
    /// The series has no instance with this RECURRENCE-ID (RFC 5545
    /// §3.8.4.4): an answer for a time the series does not occur at.
    #[error("the event has no occurrence at {0} (RFC 5545 §3.8.4.4)")]
    NoSuchInstance(String),
    /// An attendee tried to change what only the organizer may change
    /// (RFC 5546 §2.1, RFC 6638 §3.2.2.1).
    #[error("an attendee may not change {0} (RFC 6638 §3.2.2.1); use COUNTER")]
    AttendeeCannotModify(String),
    /// The principal is not the organizer of an object it tried to
    /// schedule as organizer (RFC 6638 §3.1).
    #[error("{0} is not the organizer (RFC 6638 §3.1)")]
    NotOrganizer(String),
    /// The object is larger than the configured limits allow (RFC 5546 §6.1.5).
    #[error("too large: {0} (RFC 5546 §6.1.5)")]
    TooLarge(Limit),
    /// A resource asked to take part in something it does not schedule:
    /// a room books events, not to-dos (RFC 5546 §3.6: unsupported
    /// capability).
    #[error("{resource} is a resource and books events only, not a {}", component.noun())]
    NotBookable {
        /// The resource.
        resource: String,
        /// What it was asked to take part in.
        component: ComponentKind,
    },
    /// An approval for a principal that is not a resource of the
    /// configured [`crate::resource::Directory`].
    #[error("{0} is not a resource")]
    NotAResource(String),
    /// An approval with no booking held for it.
    #[error("no booking of {0} awaits approval")]
    NothingToApprove(String),
}

impl Violation {
    /// The REQUEST-STATUS code that reports this violation (RFC 5546 §3.6).
    pub fn request_status(&self) -> RequestStatus {
        use Violation::*;
        match self {
            MissingMethod | UnknownMethod(_) => RequestStatus::NOT_SUPPORTED,
            Unparseable | EndBeforeStart { .. } => RequestStatus::INVALID_PROPERTY_VALUE,
            InvalidValue { property, .. } if *property != ICalendarProperty::Rrule => {
                RequestStatus::INVALID_DATE
            }
            InvalidValue { .. } => RequestStatus::INVALID_PROPERTY_VALUE,
            UnusableTimezone { .. } => RequestStatus::INVALID_PARAMETER_VALUE,
            NoComponent | MixedComponentTypes | DuplicateInstance(_) => {
                RequestStatus::INVALID_COMPONENT_SEQUENCE
            }
            UnsupportedComponent { .. } => RequestStatus::UNSUPPORTED_COMPONENT,
            MissingUid | MissingOrganizer | MissingProperty { .. } => RequestStatus::MISSING,
            MultipleUids | MultipleOrganizers | InvalidOrganizer | NoSuchInstance(_) => {
                RequestStatus::INVALID_PROPERTY_VALUE
            }
            MethodNotForRole { .. } => RequestStatus::UNSUPPORTED_CAPABILITY,
            SenderNotOrganizer { .. }
            | SenderNotAttendee { .. }
            | OrganizerMismatch { .. }
            | AttendeeCannotModify(_)
            | NotOrganizer(_) => RequestStatus::NO_AUTHORITY,
            NotAnAttendee(_) | NotAddressed(_) => RequestStatus::INVALID_USER,
            TooLarge(_) => RequestStatus::TOO_LARGE,
            NotAResource(_) | NothingToApprove(_) | NotBookable { .. } => {
                RequestStatus::UNSUPPORTED_CAPABILITY
            }
        }
    }

    /// Whether the violation is about who sent the message. Such messages
    /// get no REPLY: answering a forged sender would be backscatter.
    pub fn is_authority(&self) -> bool {
        matches!(
            self,
            Violation::SenderNotOrganizer { .. }
                | Violation::SenderNotAttendee { .. }
                | Violation::OrganizerMismatch { .. }
                | Violation::NotAnAttendee(_)
        )
    }
}

#[cfg(test)]
mod table {
    use super::*;
    use crate::model::{ComponentKind, Method};

    /// Every violation, by the name the table in [`Violation`]'s
    /// documentation gives it.
    fn every() -> Vec<(&'static str, Violation)> {
        let text = || String::from("x");
        vec![
            ("MissingMethod", Violation::MissingMethod),
            ("UnknownMethod", Violation::UnknownMethod(text())),
            ("Unparseable", Violation::Unparseable),
            ("EndBeforeStart", Violation::EndBeforeStart { method: Method::Request }),
            (
                "InvalidValue (a date or time)",
                Violation::InvalidValue { property: ICalendarProperty::Dtstart, method: Method::Request },
            ),
            (
                "InvalidValue (RRULE)",
                Violation::InvalidValue { property: ICalendarProperty::Rrule, method: Method::Request },
            ),
            ("UnusableTimezone", Violation::UnusableTimezone { tzid: text() }),
            ("NoComponent", Violation::NoComponent),
            ("MixedComponentTypes", Violation::MixedComponentTypes),
            ("DuplicateInstance", Violation::DuplicateInstance(text())),
            (
                "UnsupportedComponent",
                Violation::UnsupportedComponent {
                    component: ComponentKind::Journal,
                    method: Method::Request,
                },
            ),
            ("MissingUid", Violation::MissingUid),
            ("MissingOrganizer", Violation::MissingOrganizer),
            (
                "MissingProperty",
                Violation::MissingProperty { property: ICalendarProperty::Dtstart, method: Method::Request },
            ),
            ("MultipleUids", Violation::MultipleUids),
            ("MultipleOrganizers", Violation::MultipleOrganizers),
            ("InvalidOrganizer", Violation::InvalidOrganizer),
            ("MethodNotForRole", Violation::MethodNotForRole { method: Method::Reply, role: Role::Attendee }),
            ("SenderNotOrganizer", Violation::SenderNotOrganizer { sender: text(), organizer: text() }),
            ("SenderNotAttendee", Violation::SenderNotAttendee { sender: text() }),
            ("OrganizerMismatch", Violation::OrganizerMismatch { stored: text(), claimed: text() }),
            ("AttendeeCannotModify", Violation::AttendeeCannotModify(text())),
            ("NotOrganizer", Violation::NotOrganizer(text())),
            ("NotAnAttendee", Violation::NotAnAttendee(text())),
            ("NotAddressed", Violation::NotAddressed(text())),
            ("NoSuchInstance", Violation::NoSuchInstance(text())),
            ("TooLarge", Violation::TooLarge(Limit::Components)),
            ("NotAResource", Violation::NotAResource(text())),
            ("NothingToApprove", Violation::NothingToApprove(text())),
            ("NotBookable", Violation::NotBookable { resource: text(), component: ComponentKind::Todo }),
        ]
    }

    /// A match with no wildcard: a new violation does not compile until
    /// it has a name here, a row in the table and a sample above.
    fn name(violation: &Violation) -> &'static str {
        use Violation::*;
        match violation {
            MissingMethod => "MissingMethod",
            UnknownMethod(_) => "UnknownMethod",
            Unparseable => "Unparseable",
            EndBeforeStart { .. } => "EndBeforeStart",
            InvalidValue { property, .. } if *property == ICalendarProperty::Rrule => "InvalidValue (RRULE)",
            InvalidValue { .. } => "InvalidValue (a date or time)",
            UnusableTimezone { .. } => "UnusableTimezone",
            NoComponent => "NoComponent",
            MixedComponentTypes => "MixedComponentTypes",
            DuplicateInstance(_) => "DuplicateInstance",
            UnsupportedComponent { .. } => "UnsupportedComponent",
            MissingUid => "MissingUid",
            MissingOrganizer => "MissingOrganizer",
            MissingProperty { .. } => "MissingProperty",
            MultipleUids => "MultipleUids",
            MultipleOrganizers => "MultipleOrganizers",
            InvalidOrganizer => "InvalidOrganizer",
            MethodNotForRole { .. } => "MethodNotForRole",
            SenderNotOrganizer { .. } => "SenderNotOrganizer",
            SenderNotAttendee { .. } => "SenderNotAttendee",
            OrganizerMismatch { .. } => "OrganizerMismatch",
            AttendeeCannotModify(_) => "AttendeeCannotModify",
            NotOrganizer(_) => "NotOrganizer",
            NotAnAttendee(_) => "NotAnAttendee",
            NotAddressed(_) => "NotAddressed",
            NoSuchInstance(_) => "NoSuchInstance",
            TooLarge(_) => "TooLarge",
            NotAResource(_) => "NotAResource",
            NothingToApprove(_) => "NothingToApprove",
            NotBookable { .. } => "NotBookable",
        }
    }

    #[test]
    fn the_documented_table_is_the_one_the_code_uses() {
        let source = include_str!("violation.rs");
        let rows = source.lines().filter(|l| l.starts_with("/// | `")).count();
        let every = every();
        assert_eq!(rows, every.len(), "one row per violation");
        for (name, violation) in every {
            assert_eq!(self::name(&violation), name);
            let row = format!("/// | `{name}` | {} |", violation.request_status().code);
            assert!(source.contains(&row), "the table says otherwise for {name}: expected {row}");
        }
    }
}
