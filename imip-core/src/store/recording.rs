//! A transport that records, for tests.

use super::{OutgoingMail, Transport, TransportError};

/// A [`Transport`] that keeps what it is given, for tests.
#[derive(Debug, Default, Clone)]
pub struct RecordingTransport {
    /// Everything sent, in order.
    pub sent: Vec<OutgoingMail>,
    /// While true, every send fails temporarily.
    pub failing: bool,
    /// While true, every send is refused permanently.
    pub refusing: bool,
}

impl Transport for RecordingTransport {
    fn send(&mut self, mail: &OutgoingMail) -> Result<(), TransportError> {
        if self.failing {
            return Err(TransportError::Temporary("recording transport set to fail".into()));
        }
        if self.refusing {
            return Err(TransportError::Permanent("recording transport set to refuse".into()));
        }
        self.sent.push(mail.clone());
        Ok(())
    }
}
