//! A small SMTP (RFC 5321) and LMTP (RFC 2033) client for the local hop:
//! handing replies to the local MTA, and mail to the local delivery agent
//! (Dovecot, Cyrus) over a Unix socket or loopback TCP.
//!
//! It speaks only what that hop needs: EHLO/LHLO, MAIL, RCPT, DATA (with
//! dot-stuffing), QUIT, and no TLS or authentication, which a local hop
//! does not use. Well-kept SMTP crates exist (lettre), but none speaks
//! LMTP, whose per-recipient answers after DATA decide whether a delivery
//! must be retried; both protocols share this one client.
//!
//! Every failure is classified for the MTA in front of imip: connection
//! trouble, timeouts and 4xx replies are temporary (retry later), 5xx
//! replies are permanent.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::Duration;

/// Where the peer listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// `host:port`.
    Tcp(String),
    /// A Unix socket (`unix:/path`, or any absolute path).
    Unix(PathBuf),
}

impl Endpoint {
    /// Reads `unix:/path`, `/path` or `host:port`.
    pub(crate) fn parse(text: &str) -> Result<Endpoint, String> {
        if let Some(path) = text.strip_prefix("unix:") {
            return Ok(Endpoint::Unix(PathBuf::from(path)));
        }
        if text.starts_with('/') {
            return Ok(Endpoint::Unix(PathBuf::from(text)));
        }
        match text.rsplit_once(':') {
            Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => {
                Ok(Endpoint::Tcp(text.to_string()))
            }
            _ => Err(format!("{text:?}: use host:port, unix:/path or an absolute socket path")),
        }
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::Tcp(address) => f.write_str(address),
            Endpoint::Unix(path) => write!(f, "unix:{}", path.display()),
        }
    }
}

/// SMTP or LMTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protocol {
    /// RFC 5321.
    Smtp,
    /// RFC 2033: one answer per recipient after DATA.
    Lmtp,
}

/// Why a mail was not handed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MailerError {
    /// Try again later.
    Temporary(String),
    /// Will not work as is.
    Permanent(String),
}

impl std::fmt::Display for MailerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MailerError::Temporary(reason) => write!(f, "temporary failure: {reason}"),
            MailerError::Permanent(reason) => write!(f, "permanent failure: {reason}"),
        }
    }
}

impl From<MailerError> for imip_core::TransportError {
    fn from(error: MailerError) -> Self {
        match error {
            MailerError::Temporary(reason) => imip_core::TransportError::Temporary(reason),
            MailerError::Permanent(reason) => imip_core::TransportError::Permanent(reason),
        }
    }
}

/// One peer, one protocol.
#[derive(Debug, Clone)]
pub(crate) struct Mailer {
    /// Where.
    pub(crate) endpoint: Endpoint,
    /// How.
    pub(crate) protocol: Protocol,
    /// The name given in EHLO/LHLO.
    pub(crate) helo: String,
    /// How long to wait for the peer at each step.
    pub(crate) timeout: Duration,
}

trait Stream: Read + Write {}
impl<T: Read + Write> Stream for T {}

struct Session {
    reader: BufReader<Box<dyn Stream>>,
    peer: String,
}

/// A reply: its code and text.
struct Reply {
    code: u16,
    text: String,
}

impl Reply {
    fn class(&self) -> u16 {
        self.code / 100
    }
}

impl Mailer {
    /// Hands `message` over for `recipients`, with `from` as the envelope
    /// sender. Succeeds when the peer took it for every recipient it did
    /// not refuse permanently; refused recipients are returned.
    pub(crate) fn send(
        &self,
        from: &str,
        recipients: &[String],
        message: &[u8],
    ) -> Result<Vec<String>, MailerError> {
        let mut session = self.connect()?;
        let result = session.transaction(self.protocol, &self.helo, from, recipients, message);
        let _ = session.command("QUIT");
        result
    }

    fn connect(&self) -> Result<Session, MailerError> {
        let temporary = |e: std::io::Error| MailerError::Temporary(format!("{}: {e}", self.endpoint));
        let stream: Box<dyn Stream> = match &self.endpoint {
            Endpoint::Tcp(address) => {
                let addresses: Vec<std::net::SocketAddr> =
                    std::net::ToSocketAddrs::to_socket_addrs(address).map_err(temporary)?.collect();
                let mut last = None;
                let mut connected = None;
                for candidate in addresses {
                    match TcpStream::connect_timeout(&candidate, self.timeout) {
                        Ok(stream) => {
                            connected = Some(stream);
                            break;
                        }
                        Err(e) => last = Some(e),
                    }
                }
                let stream = connected
                    .ok_or_else(|| temporary(last.unwrap_or_else(|| std::io::Error::other("no address"))))?;
                stream.set_read_timeout(Some(self.timeout)).map_err(temporary)?;
                stream.set_write_timeout(Some(self.timeout)).map_err(temporary)?;
                Box::new(stream)
            }
            Endpoint::Unix(path) => {
                let stream = UnixStream::connect(path).map_err(temporary)?;
                stream.set_read_timeout(Some(self.timeout)).map_err(temporary)?;
                stream.set_write_timeout(Some(self.timeout)).map_err(temporary)?;
                Box::new(stream)
            }
        };
        let mut session = Session { reader: BufReader::new(stream), peer: self.endpoint.to_string() };
        let greeting = session.read_reply()?;
        if greeting.class() != 2 {
            return Err(session.failure("greeting", &greeting));
        }
        Ok(session)
    }
}

impl Session {
    fn transaction(
        &mut self,
        protocol: Protocol,
        helo: &str,
        from: &str,
        recipients: &[String],
        message: &[u8],
    ) -> Result<Vec<String>, MailerError> {
        let hello = match protocol {
            Protocol::Smtp => "EHLO",
            Protocol::Lmtp => "LHLO",
        };
        let reply = self.command(&format!("{hello} {helo}"))?;
        if reply.class() != 2 {
            return Err(self.failure(hello, &reply));
        }
        let reply = self.command(&format!("MAIL FROM:<{}>", clean(from)))?;
        if reply.class() != 2 {
            return Err(self.failure("MAIL FROM", &reply));
        }
        let mut accepted = Vec::new();
        let mut refused = Vec::new();
        for recipient in recipients {
            let reply = self.command(&format!("RCPT TO:<{}>", clean(recipient)))?;
            match reply.class() {
                2 => accepted.push(recipient.clone()),
                5 => refused.push(recipient.clone()),
                _ => {
                    // Nothing is delivered yet: retry the whole mail later,
                    // so no recipient gets it twice.
                    let _ = self.command("RSET");
                    return Err(self.failure(&format!("RCPT TO {recipient}"), &reply));
                }
            }
        }
        if accepted.is_empty() {
            let _ = self.command("RSET");
            return Err(MailerError::Permanent(format!("{}: every recipient was refused", self.peer)));
        }
        let reply = self.command("DATA")?;
        if reply.class() != 3 {
            return Err(self.failure("DATA", &reply));
        }
        self.write(&dot_stuffed(message))?;
        // SMTP answers once for the whole mail; LMTP once per recipient.
        let answering = match protocol {
            Protocol::Smtp => &accepted[..1],
            Protocol::Lmtp => &accepted[..],
        };
        let mut failure = None;
        for recipient in answering {
            let reply = self.read_reply()?;
            match (reply.class(), protocol) {
                (2, _) => {}
                (5, Protocol::Lmtp) => refused.push(recipient.clone()),
                _ => {
                    failure.get_or_insert(self.failure(&format!("delivery to {recipient}"), &reply));
                }
            }
        }
        match failure {
            Some(error) => Err(error),
            None if refused.len() == recipients.len() => {
                Err(MailerError::Permanent(format!("{}: every recipient was refused", self.peer)))
            }
            None => Ok(refused),
        }
    }

    fn command(&mut self, line: &str) -> Result<Reply, MailerError> {
        self.write(format!("{line}\r\n").as_bytes())?;
        self.read_reply()
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), MailerError> {
        let stream = self.reader.get_mut();
        stream
            .write_all(bytes)
            .and_then(|_| stream.flush())
            .map_err(|e| MailerError::Temporary(format!("{}: {e}", self.peer)))
    }

    fn read_reply(&mut self) -> Result<Reply, MailerError> {
        let mut text = String::new();
        loop {
            let mut line = String::new();
            let read = (&mut self.reader)
                .take(4096)
                .read_line(&mut line)
                .map_err(|e| MailerError::Temporary(format!("{}: {e}", self.peer)))?;
            if read == 0 {
                return Err(MailerError::Temporary(format!("{}: connection closed", self.peer)));
            }
            let line = line.trim_end();
            let code = line
                .get(..3)
                .and_then(|c| c.parse::<u16>().ok())
                .ok_or_else(|| MailerError::Temporary(format!("{}: unreadable reply {line:?}", self.peer)))?;
            text.push_str(line.get(4..).unwrap_or(""));
            if line.as_bytes().get(3) != Some(&b'-') {
                return Ok(Reply { code, text });
            }
            text.push(' ');
        }
    }

    fn failure(&self, step: &str, reply: &Reply) -> MailerError {
        let reason = format!("{}: {step}: {} {}", self.peer, reply.code, reply.text);
        if reply.class() == 5 { MailerError::Permanent(reason) } else { MailerError::Temporary(reason) }
    }
}

/// An address fit for a command line: no brackets, spaces or line breaks.
fn clean(address: &str) -> String {
    address.chars().filter(|c| !matches!(c, '<' | '>' | '\r' | '\n' | ' ')).collect()
}

/// The message in DATA form: CRLF line ends, leading dots doubled, and
/// the final `.` line (RFC 5321 §4.5.2).
pub(crate) fn dot_stuffed(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 64);
    let mut at_line_start = true;
    let mut previous = 0u8;
    for &byte in message {
        if byte == b'\n' && previous != b'\r' {
            out.push(b'\r');
        }
        if at_line_start && byte == b'.' {
            out.push(b'.');
        }
        out.push(byte);
        at_line_start = byte == b'\n';
        previous = byte;
    }
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn endpoints_parse() {
        assert_eq!(Endpoint::parse("127.0.0.1:24"), Ok(Endpoint::Tcp("127.0.0.1:24".into())));
        assert_eq!(Endpoint::parse("unix:/run/lmtp"), Ok(Endpoint::Unix("/run/lmtp".into())));
        assert_eq!(Endpoint::parse("/run/lmtp"), Ok(Endpoint::Unix("/run/lmtp".into())));
        assert!(Endpoint::parse("localhost").is_err());
        assert!(Endpoint::parse(":25").is_err());
    }

    #[test]
    fn data_is_dot_stuffed_with_crlf() {
        assert_eq!(dot_stuffed(b"a\n.b\r\n..c"), b"a\r\n..b\r\n...c\r\n.\r\n".to_vec());
    }

    /// A scripted peer: answers each command with the next reply.
    fn peer(replies: &'static [&'static str]) -> (String, std::thread::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let handle = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut writer = stream;
            let mut seen = String::new();
            writer.write_all(b"220 ready\r\n").unwrap();
            let mut in_data = false;
            let mut replies = replies.iter();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                seen.push_str(&line);
                if in_data {
                    if line == ".\r\n" {
                        in_data = false;
                    } else {
                        continue;
                    }
                }
                let Some(reply) = replies.next() else { break };
                if line.starts_with("DATA") {
                    in_data = true;
                }
                writer.write_all(reply.as_bytes()).unwrap();
            }
            seen
        });
        (address, handle)
    }

    fn mailer(address: String, protocol: Protocol) -> Mailer {
        Mailer {
            endpoint: Endpoint::Tcp(address),
            protocol,
            helo: "test".into(),
            timeout: Duration::from_secs(5),
        }
    }

    #[test]
    fn lmtp_answers_per_recipient() {
        let (address, peer) = peer(&[
            "250-hi\r\n250 PIPELINING\r\n",
            "250 ok\r\n",
            "250 ok\r\n",
            "250 ok\r\n",
            "354 go\r\n",
            "250 a done\r\n550 b unknown\r\n",
            "221 bye\r\n",
        ]);
        let refused = mailer(address, Protocol::Lmtp)
            .send("x@example.com", &["a@example.com".into(), "b@example.com".into()], b"Subject: t\n\nhi\n")
            .unwrap();
        assert_eq!(refused, vec!["b@example.com".to_string()]);
        let seen = peer.join().unwrap();
        assert!(seen.starts_with("LHLO test\r\nMAIL FROM:<x@example.com>\r\n"), "{seen}");
        assert!(seen.contains("Subject: t\r\n\r\nhi\r\n.\r\n"), "{seen}");
    }

    #[test]
    fn replies_map_to_temporary_or_permanent() {
        let (address, _peer) = peer(&["250 hi\r\n", "250 ok\r\n", "451 try later\r\n", "250 reset\r\n"]);
        let error = mailer(address, Protocol::Smtp).send("x@e.com", &["a@e.com".into()], b"x").unwrap_err();
        assert!(matches!(error, MailerError::Temporary(_)), "{error}");

        let (address, _peer) = peer(&["250 hi\r\n", "550 no such user\r\n"]);
        let error = mailer(address, Protocol::Smtp).send("x@e.com", &["a@e.com".into()], b"x").unwrap_err();
        assert!(matches!(error, MailerError::Permanent(_)), "{error}");

        let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string();
        let error = mailer(closed, Protocol::Smtp).send("x@e.com", &["a@e.com".into()], b"x").unwrap_err();
        assert!(matches!(error, MailerError::Temporary(_)), "{error}");
    }
}
