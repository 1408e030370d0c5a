//! The exchange between an agent and `imip serve`, one mail per
//! connection over a Unix socket. Shared by `imip` (both sides) and
//! `imipc` (the agent side alone), so the two cannot drift apart.
//!
//! - agent to server: a [`Request`] as one line of JSON, then the mail's
//!   bytes up to the end of the agent's writing half;
//! - server to agent: a [`Response`] as one line of JSON, then the
//!   `output` bytes (what the agent prints: a dry run's mbox).

use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

/// The longest request or answer line either side reads.
pub(crate) const MAX_LINE: u64 = 64 * 1024;
/// How long an agent waits for the server's answer (a store busy with a
/// long write can take its 30 s busy timeout, and more than one may
/// queue).
pub(crate) const ANSWER_TIMEOUT: Duration = Duration::from_secs(300);

/// A mail for an agent, and that agent's arguments.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Request {
    /// `person`, `person-outgoing` or `resource`.
    pub(crate) agent: String,
    /// `--recipient` (person, resource).
    #[serde(default)]
    pub(crate) recipients: Vec<String>,
    /// `--envelope-from` (person).
    #[serde(default)]
    pub(crate) envelope_from: Option<String>,
    /// `--user` (person-outgoing).
    #[serde(default)]
    pub(crate) user: Option<String>,
    /// `--dry-run`.
    #[serde(default)]
    pub(crate) dry_run: bool,
}

impl Request {
    /// A request for `agent`, with no options yet.
    pub(crate) fn new(agent: &str) -> Self {
        Request {
            agent: agent.into(),
            recipients: Vec::new(),
            envelope_from: None,
            user: None,
            dry_run: false,
        }
    }
}

/// What became of a mail.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Response {
    /// The agent's exit code; `None` when the server did not process the
    /// mail and the agent is to process it itself (see `error`).
    pub(crate) code: Option<u8>,
    /// Why it failed, or why the server left the mail to the agent.
    #[serde(default)]
    pub(crate) error: Option<String>,
    /// How many bytes of output follow the line.
    #[serde(default)]
    pub(crate) output: usize,
}

/// The agent's side: sends `request` and `raw`, and reads the answer and
/// its output.
pub(crate) fn exchange(
    mut stream: UnixStream,
    request: &Request,
    raw: &[u8],
) -> std::io::Result<(Response, Vec<u8>)> {
    let mut line = serde_json::to_vec(request).map_err(std::io::Error::other)?;
    line.push(b'\n');
    let sent = stream.write_all(&line).and_then(|()| stream.write_all(raw));
    // A server may answer before it has read the whole mail (one over its
    // size limit, which it leaves to the agent) and close: the rest of
    // the mail cannot be written, and the answer is there to read.
    let unsent = match sent {
        Ok(()) => None,
        Err(e) if matches!(e.kind(), ErrorKind::BrokenPipe | ErrorKind::ConnectionReset) => Some(e),
        Err(e) => return Err(e),
    };
    if unsent.is_none() {
        stream.shutdown(std::net::Shutdown::Write)?;
    }
    stream.set_read_timeout(Some(ANSWER_TIMEOUT))?;
    let mut reader = BufReader::new(stream);
    let mut line = Vec::new();
    (&mut reader).take(MAX_LINE).read_until(b'\n', &mut line)?;
    if line.last() != Some(&b'\n') {
        return Err(unsent.unwrap_or_else(|| {
            std::io::Error::new(ErrorKind::UnexpectedEof, "the connection closed before the answer")
        }));
    }
    let response: Response = serde_json::from_slice(&line).map_err(std::io::Error::other)?;
    // As much as arrives of what the answer announces (not allocated
    // ahead on its word).
    let mut output = Vec::new();
    reader.take(response.output as u64).read_to_end(&mut output)?;
    if output.len() != response.output {
        return Err(std::io::Error::new(
            ErrorKind::UnexpectedEof,
            "the connection closed in the middle of the output",
        ));
    }
    Ok((response, output))
}

/// What an agent says when the connection is lost after the mail was
/// handed over (the exit code is 75: the MTA retries, and the engine
/// recognises a mail it already processed).
pub(crate) fn lost_message(socket: &std::path::Path, error: &std::io::Error) -> String {
    format!(
        "agent server at {}: {error}; the mail may be processed already, and a retry is safe",
        socket.display()
    )
}

/// The server's side: writes the answer line and the output.
pub(crate) fn respond(mut stream: &UnixStream, response: &Response, output: &[u8]) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(response).map_err(std::io::Error::other)?;
    line.push(b'\n');
    line.extend_from_slice(output);
    stream.write_all(&line)?;
    stream.flush()
}
