//! Logging through `tracing`: to stderr, or to the local syslog socket.
//!
//! At `info`, one line per message and principal: message-id, method,
//! principal and outcome, never calendar content. `debug` adds the
//! engine's trace. `RUST_LOG` overrides the configured level.

use crate::settings::{LogTarget, Settings};
use std::io::Write;
use std::os::unix::net::UnixDatagram;
use tracing_subscriber::EnvFilter;

/// Installs the subscriber once; later calls do nothing.
pub(crate) fn init(settings: &Settings) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.log_level));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    let _ = match settings.log_to {
        // stderr lines carry their time (UTC, RFC 3339); syslog adds its own.
        LogTarget::Stderr => builder.with_writer(std::io::stderr).with_ansi(false).try_init(),
        LogTarget::Syslog => builder.with_writer(SyslogLine::new).with_ansi(false).without_time().try_init(),
    };
}

/// One log line for syslog (RFC 3164 form, facility mail, severity info),
/// sent to `/dev/log` when dropped. If there is no syslog, the line goes
/// to stderr instead of being lost.
pub(crate) struct SyslogLine {
    buffer: Vec<u8>,
}

impl SyslogLine {
    fn new() -> SyslogLine {
        SyslogLine { buffer: Vec::new() }
    }
}

impl Write for SyslogLine {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for SyslogLine {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.buffer);
        let text = text.trim_end();
        if text.is_empty() {
            return;
        }
        // Facility mail (2), severity informational (6): 2 * 8 + 6.
        let line = format!("<22>imip[{}]: {text}", std::process::id());
        let sent = UnixDatagram::unbound().and_then(|socket| socket.send_to(line.as_bytes(), "/dev/log"));
        if sent.is_err() {
            let _ = writeln!(std::io::stderr(), "{text}");
        }
    }
}
