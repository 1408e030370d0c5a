//! The decision function: input + stored record → [`Outcome`].

use crate::freebusy::ScheduleView;
use crate::itip::{Ctx, inbound, local};
use crate::{Config, ConfigError, Input, Outcome, Record, Timestamp};

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
    /// for its UID, at time `now`. Pure: the same arguments give the same
    /// outcome, and nothing is read or written.
    pub fn decide(&self, now: Timestamp, input: &Input, record: &Record) -> Outcome {
        self.decide_with(now, input, record, &ScheduleView::default())
    }

    /// As [`Engine::decide`], with what the driver read of the
    /// principal's schedule (needed to answer a VFREEBUSY REQUEST; see
    /// [`crate::drive::schedule_view`]).
    pub fn decide_with(
        &self,
        now: Timestamp,
        input: &Input,
        record: &Record,
        schedule: &ScheduleView,
    ) -> Outcome {
        let ctx = Ctx { config: &self.config, now, principal: input.principal(), record, schedule };
        match input {
            Input::Incoming(incoming) => inbound::handle(&ctx, incoming),
            Input::Local { action, .. } => local::handle(&ctx, action),
        }
    }
}
