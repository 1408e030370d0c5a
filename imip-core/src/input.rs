//! What the engine is asked to decide on: a received iTIP message, or an
//! action by a local principal.

use crate::CalAddress;
use crate::model::{InstanceId, PartStat, SchedulingObject};

/// One decision's input.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Input {
    /// An iTIP message received for a local principal (RFC 5546 §3).
    Incoming(Incoming),
    /// Something a local principal did (RFC 6638 §3.2: the change of a
    /// stored copy that implicit scheduling turns into messages).
    Local {
        /// Who acted.
        principal: CalAddress,
        /// What they did.
        action: LocalAction,
    },
    /// An iTIP message the principal's own client sent by mail (the
    /// person-outgoing agent, RFC 6047 §2): the principal's copy takes
    /// the decision it carries (an organizer's REQUEST, ADD, PUBLISH,
    /// CANCEL or DECLINECOUNTER; an attendee's REPLY or COUNTER), and
    /// nothing is sent, because the client already did. The caller
    /// vouches that the principal sent it.
    Sent {
        /// Who sent it.
        principal: CalAddress,
        /// The message, with its METHOD.
        message: SchedulingObject,
    },
    /// A delivery status notification (RFC 3464) received for the
    /// principal about a mail imip sent for them as organizer: it sets
    /// SCHEDULE-STATUS on the attendees it names (RFC 6638 §3.2.9) and
    /// tells the organizer; nothing is sent. Never iTIP.
    Delivery {
        /// Whose mail it reports on.
        principal: CalAddress,
        /// Who sent the report (its `From:` and `Sender:`): only a mail
        /// system's report counts.
        senders: Vec<CalAddress>,
        /// The UID the reported mail's Message-ID names
        /// ([`crate::imip::dsn::uid_of`]).
        uid: String,
        /// The report.
        report: crate::imip::dsn::DeliveryReport,
    },
}

impl Input {
    /// The principal whose store the decision reads and writes.
    pub fn principal(&self) -> &CalAddress {
        match self {
            Input::Incoming(incoming) => &incoming.principal,
            Input::Local { principal, .. }
            | Input::Sent { principal, .. }
            | Input::Delivery { principal, .. } => principal,
        }
    }

    /// The UID the decision is about: the one record the driver loads.
    pub fn uid(&self) -> &str {
        match self {
            Input::Incoming(incoming) => incoming.message.uid(),
            Input::Local { action, .. } => action.uid(),
            Input::Sent { message, .. } => message.uid(),
            Input::Delivery { uid, .. } => uid,
        }
    }
}

/// An iTIP message with its envelope.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// The local calendar user the message is processed for.
    pub principal: CalAddress,
    /// Who sent the mail: the addresses of its `From:` and `Sender:`
    /// headers (RFC 6047 §3; see [`crate::imip::ReceivedMail::senders`]).
    /// With [`crate::Config::verify_senders`] on (the default), ORGANIZER,
    /// ATTENDEE and SENT-BY are checked against them, so an empty list
    /// authorizes nothing. A caller that authenticated the message by
    /// other means turns the check off instead.
    pub senders: Vec<CalAddress>,
    /// The iTIP message (it has a METHOD).
    pub message: SchedulingObject,
}

/// A local principal's action.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum LocalAction {
    /// Save a new version of an object: as organizer this sends REQUEST,
    /// CANCEL and ADD as needed; as attendee it sends REPLY for changed
    /// participation (RFC 6638 §3.2.1, §3.2.2).
    Save(SchedulingObject),
    /// Delete an object: the organizer cancels it, an attendee declines
    /// (RFC 6638 §3.2.1.3, §3.2.2.4).
    Delete {
        /// The UID.
        uid: String,
    },
    /// Answer an invitation, for the whole object or one instance
    /// (RFC 5546 §3.2.3).
    Respond {
        /// The UID.
        uid: String,
        /// `None` for every instance; an instance for only that one.
        instance: Option<InstanceId>,
        /// The answer.
        partstat: PartStat,
        /// A COMMENT to send along.
        comment: Option<String>,
    },
    /// Hand participation to someone else (RFC 5546 §2.1.2, §3.2.2.3).
    Delegate {
        /// The UID.
        uid: String,
        /// The delegate.
        to: CalAddress,
        /// A COMMENT to send along.
        comment: Option<String>,
    },
    /// Propose changes to the organizer (RFC 5546 §3.2.7).
    Counter {
        /// The proposed version (same UID, the new times or location).
        proposal: SchedulingObject,
        /// A COMMENT to send along.
        comment: Option<String>,
    },
    /// Ask the organizer for the latest version (RFC 5546 §3.2.6).
    Refresh {
        /// The UID.
        uid: String,
    },
    /// As organizer, accept an attendee's counter-proposal: apply it and
    /// send the new version to everyone (RFC 5546 §3.2.7).
    AcceptCounter {
        /// The UID.
        uid: String,
        /// Whose proposal.
        from: CalAddress,
    },
    /// As a resource's owner, approve a held booking: the resource's
    /// policies run again without the hold, and their answer is sent
    /// ([`crate::resource`]; needs [`crate::drive`], which reads the
    /// schedule). Declining a held booking is [`LocalAction::Respond`].
    Approve {
        /// The UID.
        uid: String,
    },
    /// As organizer, reject a counter-proposal (RFC 5546 §3.2.8).
    DeclineCounter {
        /// The UID.
        uid: String,
        /// Whose proposal.
        from: CalAddress,
        /// A COMMENT to send along.
        comment: Option<String>,
    },
}

impl LocalAction {
    /// The UID concerned.
    pub fn uid(&self) -> &str {
        match self {
            LocalAction::Save(object) => object.uid(),
            LocalAction::Counter { proposal, .. } => proposal.uid(),
            LocalAction::Delete { uid }
            | LocalAction::Respond { uid, .. }
            | LocalAction::Delegate { uid, .. }
            | LocalAction::Refresh { uid }
            | LocalAction::Approve { uid }
            | LocalAction::AcceptCounter { uid, .. }
            | LocalAction::DeclineCounter { uid, .. } => uid,
        }
    }
}
