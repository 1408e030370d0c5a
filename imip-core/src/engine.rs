//! The decision function: input + stored record + a view of schedules
//! → [`Outcome`].

use crate::freebusy::{ScheduleView, busy_time, shares_freebusy, vfreebusy_window};
use crate::itip::{Ctx, delivery, inbound, local, sent};
use crate::model::{ComponentKind, Method};
use crate::store::{ScheduleReader, StoreError};
use crate::{CalAddress, Config, ConfigError, Input, LocalAction, Outcome, Record, Timestamp, resource};

/// The iTIP engine. Immutable; cheap to share; no I/O.
#[derive(Debug, Clone)]
pub struct Engine {
    config: Config,
}

impl Engine {
    /// Checks the configuration and builds an engine.
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(Engine { config })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Decides what `input` means, given the principal's stored `record`
    /// for its UID, at time `now`: the one decision there is, for people
    /// and for resources alike.
    ///
    /// `schedule` is how the decision reads busy time and preferences:
    /// a VFREEBUSY REQUEST reads the principal's busy time over the
    /// requested window (RFC 5546 §3.3.2), and a resource's policies read
    /// its own schedule and those of its quota members and pool siblings
    /// ([`crate::resource`]) before any answer is made. Nothing else is
    /// read and nothing is written, so the same arguments give the same
    /// outcome, byte for byte. An error is the reader's, and only the
    /// reader's.
    ///
    /// `record` is left as it is: a decision that edits the stored object
    /// edits a copy. [`Engine::decide_taking`] is the same decision for a
    /// caller that replaces the record with the outcome's.
    pub fn decide(
        &self,
        now: Timestamp,
        input: &Input,
        record: &Record,
        schedule: &dyn ScheduleReader,
    ) -> Result<Outcome, StoreError> {
        // A record's clone shares its object: the edit copies it.
        self.decide_taking(now, input, &mut record.clone(), schedule)
    }

    /// [`Engine::decide`], where the decision may take the stored object
    /// out of `record` and edit it in place instead of copying it: an
    /// applied REPLY (RFC 5546 §3.2.3) or CANCEL (§3.2.5), or the
    /// principal's own answer ([`LocalAction::Respond`]), leaves
    /// `record.object` empty, its edited version in the outcome
    /// ([`Outcome::stored_object`]). Every other field, and the object
    /// whenever the decision did not take it, are left as they were. The
    /// outcome is the one [`Engine::decide`] gives, byte for byte.
    ///
    /// For a driver that replaces the record with the outcome's (as
    /// [`crate::drive::run_once`] does): the decision on a REPLY, a
    /// CANCEL or an answer then costs no copy of the stored calendar. A caller that
    /// needs the object as it was keeps a clone of `record` (which shares
    /// the object, so the edit copies it, as [`Engine::decide`] does).
    pub fn decide_taking(
        &self,
        now: Timestamp,
        input: &Input,
        record: &mut Record,
        schedule: &dyn ScheduleReader,
    ) -> Result<Outcome, StoreError> {
        let principal = input.principal();
        let resource = self.config.resources.resource(principal);
        if let (Some(resource), Input::Local { action: LocalAction::Approve { .. }, .. }) = (resource, input)
        {
            return resource::approve(self, now, resource, record, schedule);
        }
        if resource.is_some()
            && let Input::Incoming(incoming) = input
            && incoming.message.method() == Some(Method::Publish)
            && incoming.message.kind() != ComponentKind::FreeBusy
        {
            return Ok(Outcome::ignored(crate::Ignored::PublishedToResource));
        }
        let view = self.freebusy_view(now, input, schedule)?;
        // The stored object, owned by the handler that may edit it in
        // place; the others read it on the record.
        let mut stored = match input {
            Input::Incoming(incoming) if inbound::takes_stored(&incoming.message) => record.object.take(),
            Input::Local { action, .. } if local::takes_stored(action) => record.object.take(),
            _ => None,
        };
        let ctx = Ctx {
            config: &self.config,
            now,
            principal,
            record,
            schedule: &view,
            by_policy: resource.is_some() && resource::takes(input),
            is_resource: resource.is_some(),
        };
        let first = match input {
            Input::Incoming(incoming) => inbound::handle(&ctx, incoming, &mut stored),
            Input::Local { action, .. } => local::handle(&ctx, action, &mut stored),
            Input::Sent { message, .. } => sent::handle(&ctx, message),
            Input::Delivery { senders, report, .. } => delivery::handle(&ctx, senders, report),
        };
        if stored.is_some() {
            record.object = stored;
        }
        match (resource, input) {
            (Some(resource), Input::Incoming(incoming)) if resource::answers(&incoming.message, &first) => {
                resource::respond(self, now, resource, record, first, schedule)
            }
            _ => Ok(first),
        }
    }

    /// A local action decided without reading any schedule: the steps a
    /// resource's answer is made of. As [`Engine::decide_taking`], an
    /// answer takes the stored object out of `record` when it edits it.
    pub(crate) fn decide_locally(
        &self,
        now: Timestamp,
        principal: &CalAddress,
        action: &LocalAction,
        record: &mut Record,
    ) -> Outcome {
        let view = ScheduleView::default();
        let mut stored = if local::takes_stored(action) { record.object.take() } else { None };
        let ctx = Ctx {
            config: &self.config,
            now,
            principal,
            record,
            schedule: &view,
            by_policy: false,
            is_resource: false,
        };
        let outcome = local::handle(&ctx, action, &mut stored);
        if stored.is_some() {
            record.object = stored;
        }
        outcome
    }

    /// What a VFREEBUSY REQUEST (RFC 5546 §3.3.2) needs of the
    /// principal's schedule: whether they share free/busy, and their
    /// busy time over the requested window. Nothing for other inputs.
    fn freebusy_view(
        &self,
        now: Timestamp,
        input: &Input,
        schedule: &dyn ScheduleReader,
    ) -> Result<ScheduleView, StoreError> {
        let Input::Incoming(incoming) = input else { return Ok(ScheduleView::default()) };
        let message = &incoming.message;
        if message.kind() != ComponentKind::FreeBusy || message.method() != Some(Method::Request) {
            return Ok(ScheduleView::default());
        }
        let by_default = self.config.share_freebusy_by_default
            || self.config.resources.resource(&incoming.principal).is_some();
        let prefs = schedule.read_prefs(&incoming.principal)?;
        let shares = shares_freebusy(&prefs, by_default);
        let known = self.config.freebusy.known_until(&prefs, now);
        let (busy, known_until) = match (shares, vfreebusy_window(message)) {
            (true, (Some(from), Some(to))) => (
                busy_time(schedule, &incoming.principal, from, to, &self.config.freebusy, now)?,
                (to > known).then_some(known),
            ),
            _ => (Vec::new(), None),
        };
        Ok(ScheduleView { shares, busy, known_until })
    }
}
