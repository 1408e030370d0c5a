//! What a decision produces: effects for the shell to carry out, and a
//! disposition saying what happened and why.

use crate::itip::ItipMessage;
use crate::model::{InstanceId, SchedulingObject};
use crate::{CalAddress, Timestamp, Violation};
use std::fmt;

/// The result of one engine decision.
///
/// Applying the effects (in order) to the loaded [`crate::Record`] gives
/// the new state; [`crate::Record::apply`] does exactly that. Sending is
/// the shell's job, after the commit.
#[must_use]
#[derive(Debug, Clone)]
pub struct Outcome {
    /// What happened.
    pub disposition: Disposition,
    /// What must be done, in order.
    pub effects: Vec<Effect>,
    /// A short human-readable account of the decision, step by step.
    pub trace: Vec<String>,
}

impl Outcome {
    pub(crate) fn new(disposition: Disposition) -> Self {
        Outcome { disposition, effects: Vec::new(), trace: Vec::new() }
    }

    pub(crate) fn refused(violation: Violation) -> Self {
        Outcome::new(Disposition::Refused(violation))
    }

    pub(crate) fn unchanged(reason: Unchanged) -> Self {
        Outcome::new(Disposition::Unchanged(reason))
    }

    pub(crate) fn ignored(reason: Ignored) -> Self {
        Outcome::new(Disposition::Ignored(reason))
    }

    pub(crate) fn with(mut self, effect: Effect) -> Self {
        self.effects.push(effect);
        self
    }

    pub(crate) fn note(mut self, line: impl Into<String>) -> Self {
        self.trace.push(line.into());
        self
    }

    /// The messages to send.
    pub fn messages(&self) -> impl Iterator<Item = &ItipMessage> {
        self.effects.iter().filter_map(|e| match e {
            Effect::Send(m) => Some(m),
            _ => None,
        })
    }

    /// The notices for the user.
    pub fn notices(&self) -> impl Iterator<Item = &Notice> {
        self.effects.iter().filter_map(|e| match e {
            Effect::Notify(notice) => Some(notice),
            _ => None,
        })
    }

    /// The copy the decision stores, if it stores one (its last
    /// [`Effect::PutObject`]): what a summary of it shows.
    pub fn stored_object(&self) -> Option<&SchedulingObject> {
        self.effects.iter().rev().find_map(|e| match e {
            Effect::PutObject(object) => Some(object),
            _ => None,
        })
    }

    /// Whether the decision changes stored state.
    pub fn changes_state(&self) -> bool {
        self.effects.iter().any(|e| !matches!(e, Effect::Notify(_)))
    }
}

/// One thing the shell must do.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Effect {
    /// Store this version of the principal's copy of the object.
    PutObject(SchedulingObject),
    /// Remove the principal's copy of the object.
    DeleteObject {
        /// The UID.
        uid: String,
    },
    /// Keep a counter-proposal for the organizer's decision (RFC 5546 §3.2.7).
    StoreCounter {
        /// Who proposed it.
        from: CalAddress,
        /// The COUNTER as received.
        proposal: SchedulingObject,
    },
    /// Forget counter-proposals: one attendee's, or all (`from: None`).
    DropCounters {
        /// Whose proposal, or every one.
        from: Option<CalAddress>,
    },
    /// Queue the object for the principal's decision.
    Queue(PendingRequest),
    /// Remove the object from the principal's queue.
    Dequeue,
    /// Send an iTIP message (through the outbox, in the same commit).
    Send(ItipMessage),
    /// Tell the principal something (the CLI puts it in the summary it
    /// delivers with the original mail).
    Notify(Notice),
    /// Replace what is known of another participant's busy time from
    /// VFREEBUSY data (RFC 5546 §3.3.1, §3.3.3), in the principal's
    /// [`crate::freebusy::PeriodSet::Other`] set for them.
    LearnFreeBusy {
        /// Whose busy time.
        of: CalAddress,
        /// The busy periods (UID [`crate::freebusy::LEARNED_UID`]).
        periods: Vec<crate::freebusy::BusyPeriod>,
    },
    /// Replace the slots the principal (a resource) holds for the
    /// organizer of this UID after a counter-proposal, in its
    /// [`crate::freebusy::PeriodSet::Offers`] set; empty releases them.
    HoldOffers {
        /// The offered periods, each with its expiry.
        periods: Vec<crate::freebusy::BusyPeriod>,
    },
}

/// An entry in a principal's queue of things awaiting a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRequest {
    /// What kind of decision.
    pub kind: PendingKind,
    /// When it was queued.
    pub queued_at: Timestamp,
}

/// Kinds of pending decisions.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum PendingKind {
    /// An invitation or update awaiting the attendee's answer.
    Invitation,
    /// A booking a resource holds for its owner's approval (answered
    /// TENTATIVE meanwhile; see [`crate::resource`]).
    Approval,
    /// A counter-proposal awaiting the organizer's answer.
    Counter {
        /// Who proposed it.
        from: CalAddress,
    },
    /// A reply from someone not invited, held for the organizer
    /// (RFC 5546 §3.2.3, ITIP-FWD-3).
    UninvitedReply {
        /// Who replied.
        from: CalAddress,
    },
}

impl fmt::Display for PendingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PendingKind::Invitation => f.write_str("an invitation to answer"),
            PendingKind::Approval => f.write_str("a booking awaiting approval"),
            PendingKind::Counter { from } => write!(f, "a counter-proposal from {from}"),
            PendingKind::UninvitedReply { from } => write!(f, "a reply from uninvited {from}"),
        }
    }
}

/// A message for a person about what happened, as data: the adapter
/// (the CLI's summaries, the owner's mail) puts it into words. Its
/// [`fmt::Display`] is a plain English sentence for logs and transcripts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Notice {
    /// What kind of event.
    pub kind: NoticeKind,
    /// The object's UID.
    pub uid: String,
    /// The object's SUMMARY, or its UID.
    pub title: String,
    /// Who caused it: the organizer who invites, updates or cancels; the
    /// attendee who answered, proposed or asked; the organizer asking a
    /// resource for a booking.
    pub who: Option<CalAddress>,
    /// When the object (its first instance) starts and ends, in UTC, if
    /// it has a time.
    pub when: Option<(Timestamp, Timestamp)>,
    /// One or two sentences for a human, in English.
    pub text: String,
    /// For a resource's owner: what the resource answered and why.
    pub booking: Option<BookingNotice>,
    /// The other side's own words, quoted to the reader: the COMMENT of
    /// a reply or counter-proposal, or a mail system's diagnostic.
    pub comment: Option<String>,
    /// What an update changed, or what a cancellation cancels.
    pub changes: Vec<Change>,
}

/// One thing an update changed, old against new, or what a cancellation
/// covers, for the person told.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// The (first) occurrence moved: its start and end before.
    Time {
        /// Start and end before the change.
        before: (Timestamp, Timestamp),
    },
    /// The place changed: what it was.
    Place {
        /// LOCATION before, if any.
        before: Option<String>,
    },
    /// Attendees invited or uninvited.
    Attendees {
        /// Newly invited.
        added: Vec<CalAddress>,
        /// No longer invited.
        removed: Vec<CalAddress>,
    },
    /// These occurrences (their original starts) are cancelled; the rest
    /// of the series stands.
    Occurrences(Vec<Timestamp>),
    /// The whole series is cancelled.
    WholeSeries,
}

impl Notice {
    /// A notice about `object`, from its organizer.
    pub(crate) fn about(kind: NoticeKind, object: &SchedulingObject, text: String) -> Notice {
        Notice::about_by(kind, object, text, object.organizer_address())
    }

    /// A notice about `object`, from `who` (the replier, say).
    pub(crate) fn about_by(
        kind: NoticeKind,
        object: &SchedulingObject,
        text: String,
        who: Option<CalAddress>,
    ) -> Notice {
        Notice {
            kind,
            uid: object.uid().to_string(),
            title: object.title(),
            who,
            when: object.first_span(),
            text,
            booking: None,
            comment: None,
            changes: Vec::new(),
        }
    }

    pub(crate) fn with_changes(mut self, changes: Vec<Change>) -> Notice {
        self.changes = changes;
        self
    }

    pub(crate) fn with_comment(mut self, comment: Option<String>) -> Notice {
        self.comment = comment.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
        self
    }

    pub(crate) fn by(mut self, who: &CalAddress) -> Notice {
        self.who = Some(who.clone());
        self
    }
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// What a resource's owner is told about a booking.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BookingNotice {
    /// The resource.
    pub resource: CalAddress,
    /// What it answered.
    pub answer: ResourceAnswer,
    /// Why, in the words sent to the organizer as COMMENT.
    pub reason: String,
    /// The policy that held the booking for approval (`hold`), if one did.
    pub held_by: Option<&'static str>,
    /// What the owner can do about it now.
    pub actions: Vec<OwnerAction>,
}

/// What a resource's owner can do about a booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum OwnerAction {
    /// Approve the held booking: the policies run again without the hold
    /// ([`crate::LocalAction::Approve`]).
    Approve,
    /// Decline it ([`crate::LocalAction::Respond`] with DECLINED).
    Decline,
}

impl fmt::Display for OwnerAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OwnerAction::Approve => "approve",
            OwnerAction::Decline => "decline",
        })
    }
}

/// Kinds of notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum NoticeKind {
    /// A new invitation.
    Invitation,
    /// An update of an invitation (new time, details, or reconfirmation).
    Update,
    /// Instances were added (ADD).
    Added,
    /// The object, or some instances, or our participation were cancelled.
    Cancellation,
    /// The organizer of an object changed (RFC 5546 §6.1.3: alert the user).
    OrganizerChanged,
    /// A published object arrived or changed.
    Published,
    /// An attendee replied.
    Reply,
    /// An attendee proposed a change.
    Counter,
    /// The organizer declined our counter-proposal.
    CounterDeclined,
    /// An attendee asked for the latest version, and got it.
    Refresh,
    /// A resource decided on a booking (for its owner).
    Booking,
    /// A resource holds a booking for its owner's approval.
    ApprovalNeeded,
    /// A mail sent for the organizer could not be delivered to an
    /// attendee (a delivery report, RFC 3464).
    DeliveryFailed,
    /// A mail sent for the organizer has not reached an attendee yet.
    DeliveryDelayed,
}

/// What the decision did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    /// The message or action took effect.
    Applied(Applied),
    /// Nothing needed doing; the reason says why.
    Unchanged(Unchanged),
    /// The message broke a rule and was refused.
    Refused(Violation),
    /// The message is not for this engine (deliver it unchanged).
    Ignored(Ignored),
}

impl fmt::Display for Disposition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Disposition::Applied(a) => write!(f, "applied: {a}"),
            Disposition::Unchanged(u) => write!(f, "unchanged: {u}"),
            Disposition::Refused(v) => write!(f, "refused: {v}"),
            Disposition::Ignored(i) => write!(f, "ignored: {i}"),
        }
    }
}

/// Things that can take effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Applied {
    /// A new invitation or published object was stored.
    Created,
    /// A stored object was updated in place (same SEQUENCE, newer DTSTAMP).
    Updated,
    /// A stored object was rescheduled (higher SEQUENCE).
    Rescheduled,
    /// Instances were added (ADD).
    InstancesAdded,
    /// The object or some instances were cancelled, or we were uninvited.
    Cancelled,
    /// A reply was recorded on the organizer's copy.
    ReplyRecorded,
    /// A counter-proposal was stored.
    CounterRecorded,
    /// A counter-proposal we made was declined.
    CounterDeclined,
    /// A REFRESH was answered.
    RefreshAnswered,
    /// The organizer changed.
    OrganizerReplaced,
    /// A local change was scheduled: the object stored and messages sent.
    Scheduled,
    /// A message was kept for the principal's decision.
    Held,
    /// A message kept for the principal's decision was dismissed.
    Dismissed,
    /// A VFREEBUSY REQUEST was answered (RFC 5546 §3.3.2).
    FreeBusyAnswered,
    /// Another participant's busy time was recorded (RFC 5546 §3.3.1, §3.3.3).
    FreeBusyLearned,
    /// A message the principal's own client sent was recorded
    /// ([`crate::Input::Sent`]).
    Recorded,
    /// A resource's policies answered a booking request
    /// ([`crate::resource`]).
    ResourceAnswered(ResourceAnswer),
    /// A delivery report set SCHEDULE-STATUS on the attendees it names
    /// (RFC 6638 §3.2.9; [`crate::Input::Delivery`]).
    DeliveryStatusRecorded,
}

impl fmt::Display for Applied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Applied::Created => "stored",
            Applied::Updated => "updated",
            Applied::Rescheduled => "rescheduled",
            Applied::InstancesAdded => "occurrences added",
            Applied::Cancelled => "cancelled",
            Applied::ReplyRecorded => "reply recorded",
            Applied::CounterRecorded => "counter-proposal recorded",
            Applied::CounterDeclined => "counter-proposal declined",
            Applied::RefreshAnswered => "refresh answered",
            Applied::OrganizerReplaced => "organizer replaced",
            Applied::Scheduled => "scheduled",
            Applied::Held => "held for a decision",
            Applied::Dismissed => "dismissed",
            Applied::FreeBusyAnswered => "free/busy answered",
            Applied::FreeBusyLearned => "free/busy learned",
            Applied::Recorded => "recorded",
            Applied::DeliveryStatusRecorded => "delivery status recorded",
            Applied::ResourceAnswered(answer) => return write!(f, "resource {answer}"),
        })
    }
}

impl fmt::Display for ResourceAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ResourceAnswer::Accepted => "accepted",
            ResourceAnswer::PartlyAccepted => "accepted in part",
            ResourceAnswer::Declined => "declined",
            ResourceAnswer::Countered => "proposed another time",
            ResourceAnswer::Delegated => "delegated",
            ResourceAnswer::Held => "held for approval",
            ResourceAnswer::Released => "released the time",
        })
    }
}

/// What a resource answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResourceAnswer {
    /// Booked.
    Accepted,
    /// A series booked, with some instances declined.
    PartlyAccepted,
    /// Refused.
    Declined,
    /// Other times proposed (COUNTER).
    Countered,
    /// Handed to a sibling.
    Delegated,
    /// Held for the owner's approval (TENTATIVE).
    Held,
    /// A cancellation freed the time.
    Released,
}

/// Why nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unchanged {
    /// The same message was already applied (RFC 5546 §2.1.5).
    Duplicate,
    /// The message is older than what is stored (RFC 5546 §2.1.5, §4.1.2).
    Stale {
        /// The instance concerned.
        instance: InstanceId,
        /// What is stored.
        stored: crate::model::StampedSequence,
        /// What arrived.
        received: crate::model::StampedSequence,
    },
    /// The message refers to an object we do not hold.
    UnknownObject,
    /// The object is cancelled; nothing older may revive it (RFC 5546 §4.2.9).
    AlreadyCancelled,
    /// A local change that warrants no message (RFC 6638 §3.2.10).
    NothingToSend,
    /// A reply or counter about a version older than the current one
    /// (RFC 5546 §2.1.4: the organizer may show it; we do not apply it).
    OutdatedResponse,
    /// No counter-proposal of ours awaits an answer.
    NoPendingCounter,
    /// A message the principal sent that changes nothing in their copy
    /// (a REFRESH, a VFREEBUSY).
    NothingToRecord,
}

impl fmt::Display for Unchanged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unchanged::Duplicate => f.write_str("already applied"),
            Unchanged::Stale { instance, stored, received } => {
                write!(f, "stale for {instance}: stored {stored}, received {received}")
            }
            Unchanged::UnknownObject => f.write_str("unknown object"),
            Unchanged::AlreadyCancelled => f.write_str("already cancelled"),
            Unchanged::NothingToSend => f.write_str("no significant change"),
            Unchanged::OutdatedResponse => f.write_str("answers an outdated version"),
            Unchanged::NoPendingCounter => f.write_str("no counter-proposal pending"),
            Unchanged::NothingToRecord => f.write_str("nothing to record"),
        }
    }
}

/// Why a message is not for the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Ignored {
    /// The mail carries no iTIP part (RFC 6047 §2.4).
    NotItip,
    /// The mail is a bounce or an auto-reply (RFC 3464, RFC 3834).
    AutoGenerated,
    /// The organizer's copy says another agent schedules this object
    /// (SCHEDULE-AGENT=CLIENT or NONE, RFC 6638 §7.1).
    ScheduledElsewhere,
    /// The principal sent this message to itself.
    OwnMessage,
    /// The component type is not handled yet.
    UnsupportedComponent(crate::model::ComponentKind),
    /// A PUBLISH of an event, to-do or journal sent to a resource: a
    /// resource books only what it is asked to book (a REQUEST), so a
    /// newsletter cannot make it busy (RFC 5546 §3.2.1: PUBLISH asks for
    /// no answer and invites no one).
    PublishedToResource,
    /// A free/busy request for a principal who does not share it
    /// ([`crate::freebusy::SHARING_PREF`]).
    FreeBusyNotShared,
    /// The mail could not be examined: too large, a line too long, MIME
    /// nested too deep, or not a message at all (RFC 5546 §6.1.5).
    Unexaminable(crate::imip::ExtractError),
    /// A delivery report (RFC 3464) that changes nothing, and why: not
    /// from a mail system, or about no mail imip sent for the principal.
    DeliveryReport(String),
}

impl fmt::Display for Ignored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ignored::NotItip => f.write_str("not an iTIP message"),
            Ignored::AutoGenerated => f.write_str("bounce or auto-reply"),
            Ignored::ScheduledElsewhere => f.write_str("scheduled by another agent"),
            Ignored::OwnMessage => f.write_str("sent by the principal itself"),
            Ignored::UnsupportedComponent(k) => write!(f, "{k} is not supported yet"),
            Ignored::FreeBusyNotShared => f.write_str("free/busy is not shared"),
            Ignored::PublishedToResource => f.write_str("a resource books nothing from a PUBLISH"),
            Ignored::Unexaminable(why) => write!(f, "not examined: {why}"),
            Ignored::DeliveryReport(why) => write!(f, "bounce: {why}"),
        }
    }
}
