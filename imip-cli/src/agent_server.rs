//! `imip serve`: the three agents behind a Unix socket, and the agent
//! side that hands a mail over to it (`--server SOCKET`).
//!
//! An MTA starts one process per mail. Alone, that process reads the
//! configuration, builds the engine and opens the store before it looks
//! at the mail (for SQLite: reading the schema and indexing the
//! write-ahead log). With a server, the process per mail only passes the
//! mail and its arguments over the socket and prints what comes back; the
//! server, which keeps all of that open, processes the mail exactly as
//! the agent would have: same code, same commit with fsync before the
//! answer, same exit code and output. (The pattern of spamc and spamd.)
//!
//! The exchange, one mail per connection, is in [`crate::wire`]; `imipc`,
//! a small binary with the agents' command line, speaks it too, and
//! leaves to `imip` whatever it does not serve itself.
//!
//! When nobody answers at the socket, the agent processes the mail
//! itself. Once the mail is handed over, a connection lost before the
//! answer is a temporary failure (75): the MTA retries, and the engine
//! recognises a mail it already processed.

use crate::args::{Cli, Command, Common};
use crate::exit::{EX_SOFTWARE, EX_TEMPFAIL, EX_USAGE, Failure};
use crate::session::Session;
use crate::wire::{self, Request, Response, respond};
use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

/// How long the server waits for an agent to send or read (a stuck agent
/// must not hold the others up).
const PEER_TIMEOUT: Duration = Duration::from_secs(30);

/// What the agent process does with its mail.
pub(crate) enum Handover {
    /// The server processed it; this is the agent's result.
    Done(Result<(), Failure>),
    /// Process it here: there is no server, or it left the mail to us.
    /// The mail, when it was already read from its input.
    Here(Option<Vec<u8>>),
}

/// The agent side: when the command is an agent given `--server`, hands
/// the mail to the server there.
pub(crate) fn hand_over(cli: &Cli) -> Handover {
    let Some((socket, mut request, message)) = request_of(cli) else { return Handover::Here(None) };
    if let Some(flag) = overridden(&cli.common) {
        return Handover::Done(Err(Failure::new(
            EX_USAGE,
            format!("--{flag} with --server: the server runs by its own configuration; set it there"),
        )));
    }
    request.dry_run = cli.common.dry_run;
    let stream = match UnixStream::connect(socket) {
        Ok(stream) => stream,
        Err(error) => {
            eprintln!(
                "imip: no agent server answers at {} ({error}); processing the mail here",
                socket.display()
            );
            return Handover::Here(None);
        }
    };
    let raw = match crate::commands::read_message(message) {
        Ok(raw) => raw,
        Err(failure) => return Handover::Done(Err(failure)),
    };
    let lost = |e: std::io::Error| Failure::new(EX_TEMPFAIL, wire::lost_message(socket, &e));
    let response = wire::exchange(stream, &request, &raw).map_err(lost);
    match response {
        Ok((Response { code: None, error, .. }, _)) => {
            eprintln!("imip: the agent server leaves this mail to the agent: {}", error.unwrap_or_default());
            Handover::Here(Some(raw))
        }
        Ok((Response { code: Some(code), error, .. }, output)) => {
            Handover::Done(finish(code, error, &output))
        }
        Err(failure) => Handover::Done(Err(failure)),
    }
}

/// Prints the server's output and turns its answer into the agent's result.
fn finish(code: u8, error: Option<String>, output: &[u8]) -> Result<(), Failure> {
    if !output.is_empty() {
        crate::emit(&String::from_utf8_lossy(output))?;
    }
    match code {
        0 => Ok(()),
        code => Err(Failure::new(code, error.unwrap_or_else(|| "the agent server gave no reason".into()))),
    }
}

/// The socket, the request and the message file of an agent command
/// given `--server`.
fn request_of(cli: &Cli) -> Option<(&Path, Request, Option<&PathBuf>)> {
    let request = Request::new;
    match &cli.command {
        Command::Person { recipients, envelope_from, server: Some(socket), message } => Some((
            socket,
            Request {
                recipients: recipients.clone(),
                envelope_from: envelope_from.clone(),
                ..request("person")
            },
            message.as_ref(),
        )),
        Command::PersonOutgoing { user, server: Some(socket), message } => {
            Some((socket, Request { user: user.clone(), ..request("person-outgoing") }, message.as_ref()))
        }
        Command::Resource { recipients, server: Some(socket), message } => Some((
            socket,
            Request { recipients: recipients.clone(), ..request("resource") },
            message.as_ref(),
        )),
        _ => None,
    }
}

/// A global option that would change how the mail is processed, which
/// the server cannot take from an agent.
fn overridden(common: &Common) -> Option<&'static str> {
    [
        ("store", common.store.is_some()),
        ("sender", common.sender.is_some()),
        ("transport", common.transport.is_some()),
        ("delivery", common.delivery.is_some()),
        ("resources", common.resources.is_some()),
    ]
    .into_iter()
    .find_map(|(flag, given)| given.then_some(flag))
}

/// The configuration files as they were read: each one's modification
/// time and length.
fn fingerprint(files: &[PathBuf]) -> Vec<Option<(SystemTime, u64)>> {
    files
        .iter()
        .map(|file| std::fs::metadata(file).ok().and_then(|m| Some((m.modified().ok()?, m.len()))))
        .collect()
}

/// How many agents the server reads at once while it processes one
/// mail (an agent that connects and stalls holds up only its own reader
/// thread, for [`PEER_TIMEOUT`] at most).
const READERS: usize = 16;

/// What the reader threads share: the session, one mail at a time.
struct Served<'a> {
    common: &'a Common,
    session: Session,
    /// The configuration files as last read (see [`fingerprint`]).
    seen: Vec<Option<(SystemTime, u64)>>,
    /// `limits.max_message_bytes` of the session, for the readers to
    /// read by while a mail is processed.
    limit: &'a AtomicUsize,
}

impl Served<'_> {
    /// Processes one mail: the answer and the output for its agent. The
    /// configuration is read again first if its files changed (one that
    /// no longer reads fails each mail with 78, as the agent alone would,
    /// until it is mended).
    fn process(&mut self, request: &Request, raw: Vec<u8>) -> (Response, Vec<u8>) {
        let now = fingerprint(&self.session.settings.files);
        if now != self.seen {
            match Session::start(self.common) {
                Ok(fresh) => {
                    tracing::info!(config = %fresh.settings.source, "configuration read again");
                    self.session = fresh;
                    self.seen = now;
                    self.limit.store(self.session.settings.limits.max_message_bytes, Ordering::Relaxed);
                }
                Err(failure) => return (refused(failure), Vec::new()),
            }
        }
        processed(&mut self.session, request, raw)
    }
}

/// `imip serve --socket PATH`: processes the mails agents hand over, one
/// at a time, until killed.
pub(crate) fn serve(common: &Common, session: Session, socket: &Path) -> Result<(), Failure> {
    if !session.settings.from_file {
        return Err(Failure::config(
            "imip serve needs a configuration file (--config, $IMIP_CONFIG or /etc/imip/imip.toml): \
             without one every run is a dry run",
        ));
    }
    let listener = listen(socket)?;
    tracing::info!(socket = %socket.display(), config = %session.settings.source, "serving the agents");
    let seen = fingerprint(&session.settings.files);
    let limit = AtomicUsize::new(session.settings.limits.max_message_bytes);
    let served = Mutex::new(Served { common, session, seen, limit: &limit });
    // Readers wait on the socket together; the one that has read a mail
    // processes it, holding the session, and answers after letting go.
    std::thread::scope(|scope| {
        for _ in 0..READERS {
            let listener =
                listener.try_clone().map_err(|e| Failure::config(format!("{}: {e}", socket.display())))?;
            let (served, limit) = (&served, &limit);
            scope.spawn(move || accept(&listener, served, limit));
        }
        Ok(())
    })
}

/// One of the [`READERS`] threads: accepts an agent's connection, reads
/// its mail, processes it and answers.
fn accept(listener: &UnixListener, served: &Mutex<Served<'_>>, limit: &AtomicUsize) {
    for connection in listener.incoming() {
        let stream = match connection {
            Ok(stream) => stream,
            Err(error) => {
                tracing::warn!(%error, "accepting an agent's connection");
                continue;
            }
        };
        let (request, raw) = match read(&stream, limit.load(Ordering::Relaxed)) {
            Ok(Some(mail)) => mail,
            Ok(None) => continue,
            Err(error) => {
                tracing::warn!(%error, "reading an agent's mail; it will retry");
                continue;
            }
        };
        let (response, output) = served.lock().unwrap_or_else(|e| e.into_inner()).process(&request, raw);
        if let Err(error) = respond(&stream, &response, &output) {
            tracing::warn!(%error, "an agent left before its answer; it will retry (the mail is committed)");
        }
    }
}

/// Reads one agent's request and mail. A request that is malformed or a
/// mail over `limit` is answered here (`None`).
fn read(stream: &UnixStream, limit: usize) -> std::io::Result<Option<(Request, Vec<u8>)>> {
    stream.set_read_timeout(Some(PEER_TIMEOUT))?;
    stream.set_write_timeout(Some(PEER_TIMEOUT))?;
    let mut reader = BufReader::new(stream);
    let mut line = Vec::new();
    (&mut reader).take(wire::MAX_LINE).read_until(b'\n', &mut line)?;
    if line.is_empty() {
        // Closed without a word: a probe of the socket (a health check,
        // an agent that could not read its mail). No mail, nothing to say.
        tracing::debug!("a connection closed without a request");
        return Ok(None);
    }
    let request: Request = match serde_json::from_slice(&line) {
        Ok(request) => request,
        Err(error) => {
            let failure = Failure::new(EX_USAGE, format!("a malformed request to the agent server: {error}"));
            respond(stream, &refused(failure), &[])?;
            return Ok(None);
        }
    };
    let mut raw = Vec::new();
    (&mut reader).take(limit as u64 + 1).read_to_end(&mut raw)?;
    if raw.len() > limit {
        // The agent alone handles an oversized mail by its own rules.
        let response = Response {
            code: None,
            error: Some(format!("larger than limits.max_message_bytes ({limit})")),
            output: 0,
        };
        respond(stream, &response, &[])?;
        return Ok(None);
    }
    Ok(Some((request, raw)))
}

/// Binds `socket`, replacing a stale one that nobody listens on, and
/// opens it to its owner and group only.
fn listen(socket: &Path) -> Result<UnixListener, Failure> {
    match std::fs::symlink_metadata(socket) {
        Ok(metadata) if metadata.file_type().is_socket() => {
            if UnixStream::connect(socket).is_ok() {
                return Err(Failure::config(format!(
                    "{}: another imip serve listens there",
                    socket.display()
                )));
            }
            std::fs::remove_file(socket)
                .map_err(|e| Failure::config(format!("{}: {e}", socket.display())))?;
        }
        Ok(_) => {
            return Err(Failure::config(format!("{}: exists and is not a socket", socket.display())));
        }
        Err(_) => {}
    }
    let listener =
        UnixListener::bind(socket).map_err(|e| Failure::config(format!("{}: {e}", socket.display())))?;
    std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o660))
        .map_err(|e| Failure::config(format!("{}: {e}", socket.display())))?;
    Ok(listener)
}

/// Processes one mail: the answer and the output for the agent.
fn processed(session: &mut Session, request: &Request, raw: Vec<u8>) -> (Response, Vec<u8>) {
    session.next_mail(request.dry_run);
    // A panic in one mail must not take the server down (the MTA would
    // retry the same mail into the same panic); it answers 70, as the
    // agent alone would have died with an internal error.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_agent(session, request, raw)))
        .unwrap_or_else(|_| Err(Failure::new(EX_SOFTWARE, "internal error (a panic); see the server's log")));
    let output = session.output.take().unwrap_or_default();
    let response = match result {
        Ok(()) => Response { code: Some(0), error: None, output: output.len() },
        Err(failure) => {
            Response { code: Some(failure.code), error: Some(failure.message), output: output.len() }
        }
    };
    (response, output)
}

/// The answer for a mail refused before processing.
fn refused(failure: Failure) -> Response {
    Response { code: Some(failure.code), error: Some(failure.message), output: 0 }
}

/// Runs the agent the request names.
fn run_agent(session: &mut Session, request: &Request, raw: Vec<u8>) -> Result<(), Failure> {
    use crate::commands::agents;
    match request.agent.as_str() {
        "person" => agents::person(session, &request.recipients, request.envelope_from.as_deref(), raw),
        "person-outgoing" => agents::person_outgoing(session, request.user.as_deref(), raw),
        "resource" => agents::resource(session, &request.recipients, raw),
        other => {
            Err(Failure::new(EX_USAGE, format!("no agent {other:?}: person, person-outgoing or resource")))
        }
    }
}
