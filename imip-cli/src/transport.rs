//! How imip sends mail: a sendmail-compatible program, an SMTP or LMTP
//! peer, or nothing (the mail waits in the outbox), or dry-run (printed
//! as an mbox).

use crate::mailer::Mailer;
use imip_core::{OutgoingMail, Transport, TransportError};
use std::io::Write;
use std::process::{Command, Stdio};

/// sendmail's exit code for "try again later" (EX_TEMPFAIL).
const SENDMAIL_TEMPFAIL: i32 = 75;

/// Hands each mail to a sendmail-compatible program:
/// `PROGRAM ARGS… -i -f FROM -- RCPT…`, with the message on stdin.
pub(crate) struct Sendmail {
    /// The program and its fixed arguments.
    pub(crate) command: Vec<String>,
}

impl Transport for Sendmail {
    fn send(&mut self, mail: &OutgoingMail) -> Result<(), TransportError> {
        let mut command = self.command.clone();
        command.extend([
            "-i".to_string(),
            "-f".to_string(),
            mail.envelope_from.to_string(),
            "--".to_string(),
        ]);
        // As written: a local part may be case-sensitive (RFC 5321 §2.4).
        command.extend(mail.recipients.iter().map(|r| r.as_written().to_string()));
        run_program(&command, &mail.bytes)
    }
}

/// Runs a mail program with `input` on stdin. Its exit code says what
/// failed, per sysexits: 0 is done, 75 and codes outside 64–78 (a crash,
/// a signal) are temporary, the other 64–78 codes are permanent. A
/// program that cannot be started is temporary (it may be installed or
/// fixed).
pub(crate) fn run_program(command: &[String], input: &[u8]) -> Result<(), TransportError> {
    let (program, args) =
        command.split_first().ok_or_else(|| TransportError::Permanent("no program is named".into()))?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| TransportError::Temporary(format!("{program}: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A program that exits without reading all of it answers by its
        // exit code below.
        let _ = stdin.write_all(input);
    }
    let status = child.wait().map_err(|e| TransportError::Temporary(format!("{program}: {e}")))?;
    match status.code() {
        Some(0) => Ok(()),
        Some(code) if code != SENDMAIL_TEMPFAIL && (64..=78).contains(&code) => {
            Err(TransportError::Permanent(format!("{program} exited with {code}")))
        }
        _ => Err(TransportError::Temporary(format!("{program} failed: {status}"))),
    }
}

/// Hands each mail to an SMTP or LMTP peer.
pub(crate) struct Peer {
    /// The client.
    pub(crate) mailer: Mailer,
}

impl Transport for Peer {
    fn send(&mut self, mail: &OutgoingMail) -> Result<(), TransportError> {
        let recipients: Vec<String> = mail.recipients.iter().map(|r| r.as_written().to_string()).collect();
        let refused = self.mailer.send(mail.envelope_from.as_str(), &recipients, &mail.bytes)?;
        for recipient in refused {
            tracing::warn!(message_id = %mail.message_id, %recipient, "recipient refused by the peer");
        }
        Ok(())
    }
}

/// No transport configured: every send fails temporarily, so the mail
/// stays in the outbox for `imip outbox flush` once one is.
pub(crate) struct Unconfigured;

impl Transport for Unconfigured {
    fn send(&mut self, _mail: &OutgoingMail) -> Result<(), TransportError> {
        Err(TransportError::Temporary("no transport is configured (see `transport` in imip.toml)".into()))
    }
}

/// Writes mail as an mbox (`From ` lines with the envelope sender and
/// `now` in asctime form, `>From ` quoting), in the order given, for
/// `--dry-run`.
pub(crate) fn mbox(mails: &[OutgoingMail], now: imip_core::Timestamp) -> String {
    let date = chrono::DateTime::from_timestamp(now.seconds(), 0)
        .unwrap_or_default()
        .format("%a %b %e %H:%M:%S %Y")
        .to_string();
    let mut out = String::new();
    for mail in mails {
        out.push_str(&format!("From {} {date}\n", mail.envelope_from));
        let text = String::from_utf8_lossy(&mail.bytes).replace("\r\n", "\n");
        for line in text.lines() {
            if line.trim_start_matches('>').starts_with("From ") {
                out.push('>');
            }
            out.push_str(line);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use imip_core::CalAddress;

    fn mail(body: &str) -> OutgoingMail {
        OutgoingMail {
            envelope_from: CalAddress::parse("room@example.com").unwrap(),
            recipients: vec![CalAddress::parse("alice@example.com").unwrap()],
            message_id: "1@example.com".into(),
            bytes: body.as_bytes().to_vec(),
            undeliverable: None,
        }
    }

    #[test]
    fn mbox_quotes_from_lines() {
        let now = imip_core::Timestamp::parse_utc("20301204T093005Z").expect("time");
        let out = mbox(&[mail("Subject: x\r\n\r\nFrom here\r\n>From there\r\n")], now);
        assert_eq!(
            out,
            "From room@example.com Wed Dec  4 09:30:05 2030\nSubject: x\n\n>From here\n>>From there\n\n"
        );
    }

    #[test]
    fn sendmail_exit_codes_map_to_retry_or_not() {
        let mut ok = Sendmail { command: vec!["true".into()] };
        assert!(ok.send(&mail("x")).is_ok());
        let mut temporary = Sendmail {
            command: vec!["sh".into(), "-c".into(), "cat >/dev/null; exit 75".into(), "sh".into()],
        };
        assert!(matches!(temporary.send(&mail("x")), Err(TransportError::Temporary(_))));
        let mut permanent = Sendmail {
            command: vec!["sh".into(), "-c".into(), "cat >/dev/null; exit 67".into(), "sh".into()],
        };
        assert!(matches!(permanent.send(&mail("x")), Err(TransportError::Permanent(_))));
        let mut missing = Sendmail { command: vec!["/nonexistent/sendmail".into()] };
        assert!(matches!(missing.send(&mail("x")), Err(TransportError::Temporary(_))));
    }
}
