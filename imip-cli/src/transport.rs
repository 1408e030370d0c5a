//! How imip sends mail: a sendmail-compatible program, or nothing (the
//! mail waits in the outbox), or dry-run (printed as an mbox).

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
        let (program, args) = self
            .command
            .split_first()
            .ok_or_else(|| TransportError::Permanent("transport.sendmail names no program".into()))?;
        let mut child = Command::new(program)
            .args(args)
            .args(["-i", "-f", mail.envelope_from.as_str(), "--"])
            .args(mail.recipients.iter().map(|r| r.as_str()))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| TransportError::Temporary(format!("{program}: {e}")))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(&mail.bytes).map_err(|e| TransportError::Temporary(format!("{program}: {e}")))?;
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
}

/// No transport configured: every send fails temporarily, so the mail
/// stays in the outbox for `imip outbox flush` once one is.
pub(crate) struct Unconfigured;

impl Transport for Unconfigured {
    fn send(&mut self, _mail: &OutgoingMail) -> Result<(), TransportError> {
        Err(TransportError::Temporary("no transport is configured (transport.sendmail)".into()))
    }
}

/// Writes mail as an mbox (`From ` lines, `>From ` quoting), in the order
/// given, for `--dry-run`.
pub(crate) fn mbox(mails: &[OutgoingMail]) -> String {
    let mut out = String::new();
    for mail in mails {
        out.push_str(&format!("From {} Thu Jan  1 00:00:00 1970\n", mail.envelope_from));
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
        }
    }

    #[test]
    fn mbox_quotes_from_lines() {
        let out = mbox(&[mail("Subject: x\r\n\r\nFrom here\r\n>From there\r\n")]);
        assert_eq!(
            out,
            "From room@example.com Thu Jan  1 00:00:00 1970\nSubject: x\n\n>From here\n>>From there\n\n"
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
