//! iTIP methods (RFC 5546 §1.4) and component types (RFC 5546 §3).

use calcard::icalendar::{ICalendarComponentType, ICalendarMethod};
use std::fmt;

/// An iTIP method (RFC 5546 §1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    /// Post an object, no reply expected (§3.2.1).
    Publish,
    /// Invite, update, reconfirm, delegate (§3.2.2).
    Request,
    /// An attendee's answer (§3.2.3).
    Reply,
    /// Add instances to a recurring object (§3.2.4).
    Add,
    /// Cancel the object, instances, or attendees (§3.2.5).
    Cancel,
    /// An attendee asks for the latest version (§3.2.6).
    Refresh,
    /// An attendee proposes a change (§3.2.7).
    Counter,
    /// The organizer rejects a counter-proposal (§3.2.8).
    DeclineCounter,
}

impl Method {
    /// Every method, in RFC order.
    pub const ALL: [Method; 8] = [
        Method::Publish,
        Method::Request,
        Method::Reply,
        Method::Add,
        Method::Cancel,
        Method::Refresh,
        Method::Counter,
        Method::DeclineCounter,
    ];

    /// The METHOD token.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Publish => "PUBLISH",
            Method::Request => "REQUEST",
            Method::Reply => "REPLY",
            Method::Add => "ADD",
            Method::Cancel => "CANCEL",
            Method::Refresh => "REFRESH",
            Method::Counter => "COUNTER",
            Method::DeclineCounter => "DECLINECOUNTER",
        }
    }

    /// Parses a METHOD token, ignoring case.
    pub fn parse(token: &str) -> Option<Self> {
        Method::ALL.into_iter().find(|m| m.as_str().eq_ignore_ascii_case(token.trim()))
    }

    /// Whether the organizer originates this method (RFC 5546 §1.4 table):
    /// PUBLISH, REQUEST, ADD, CANCEL, DECLINECOUNTER. REPLY, REFRESH and
    /// COUNTER come from attendees.
    pub fn from_organizer(self) -> bool {
        matches!(
            self,
            Method::Publish | Method::Request | Method::Add | Method::Cancel | Method::DeclineCounter
        )
    }

    pub(crate) fn from_calcard(method: &ICalendarMethod) -> Self {
        match method {
            ICalendarMethod::Publish => Method::Publish,
            ICalendarMethod::Request => Method::Request,
            ICalendarMethod::Reply => Method::Reply,
            ICalendarMethod::Add => Method::Add,
            ICalendarMethod::Cancel => Method::Cancel,
            ICalendarMethod::Refresh => Method::Refresh,
            ICalendarMethod::Counter => Method::Counter,
            ICalendarMethod::Declinecounter => Method::DeclineCounter,
        }
    }

    pub(crate) fn to_calcard(self) -> ICalendarMethod {
        match self {
            Method::Publish => ICalendarMethod::Publish,
            Method::Request => ICalendarMethod::Request,
            Method::Reply => ICalendarMethod::Reply,
            Method::Add => ICalendarMethod::Add,
            Method::Cancel => ICalendarMethod::Cancel,
            Method::Refresh => ICalendarMethod::Refresh,
            Method::Counter => ICalendarMethod::Counter,
            Method::DeclineCounter => ICalendarMethod::Declinecounter,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The component types iTIP schedules (RFC 5546 §3.2–§3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ComponentKind {
    /// VEVENT (§3.2).
    Event,
    /// VTODO (§3.4).
    Todo,
    /// VJOURNAL (§3.5).
    Journal,
    /// VFREEBUSY (§3.3).
    FreeBusy,
}

impl ComponentKind {
    /// Every kind, in the order of RFC 5546 §3's tables.
    pub const ALL: [ComponentKind; 4] =
        [ComponentKind::Event, ComponentKind::FreeBusy, ComponentKind::Todo, ComponentKind::Journal];

    /// The component name, e.g. `VEVENT`.
    pub fn as_str(self) -> &'static str {
        match self {
            ComponentKind::Event => "VEVENT",
            ComponentKind::Todo => "VTODO",
            ComponentKind::Journal => "VJOURNAL",
            ComponentKind::FreeBusy => "VFREEBUSY",
        }
    }

    /// The word for it in notices and explanations: "event", "to-do",
    /// "journal entry" or "free/busy".
    pub fn noun(self) -> &'static str {
        match self {
            ComponentKind::Event => "event",
            ComponentKind::Todo => "to-do",
            ComponentKind::Journal => "journal entry",
            ComponentKind::FreeBusy => "free/busy",
        }
    }

    /// The METHODs iTIP defines for this component (RFC 5546 §1.4 and
    /// the tables of §3.2–§3.5): VJOURNAL has only PUBLISH, ADD and
    /// CANCEL; VFREEBUSY only PUBLISH, REQUEST and REPLY.
    pub fn allows(self, method: Method) -> bool {
        match self {
            ComponentKind::Event | ComponentKind::Todo => true,
            ComponentKind::Journal => matches!(method, Method::Publish | Method::Add | Method::Cancel),
            ComponentKind::FreeBusy => matches!(method, Method::Publish | Method::Request | Method::Reply),
        }
    }

    pub(crate) fn of(component: &ICalendarComponentType) -> Option<Self> {
        match component {
            ICalendarComponentType::VEvent => Some(ComponentKind::Event),
            ICalendarComponentType::VTodo => Some(ComponentKind::Todo),
            ICalendarComponentType::VJournal => Some(ComponentKind::Journal),
            ICalendarComponentType::VFreebusy => Some(ComponentKind::FreeBusy),
            _ => None,
        }
    }
}

impl fmt::Display for ComponentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
