//! The person agent's delivery to a user's mailbox: the original mail,
//! as is or with a summary of what imip did with it, by the user's
//! `incoming` preference (imip-agent's five modes), through LMTP, SMTP
//! back into the MTA, a local delivery program, or a maildir.

use crate::mailer::Mailer;
use crate::transport::run_program;
use imip_core::{CalAddress, TransportError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The preference that picks how mail reaches the user.
pub(crate) const INCOMING_PREF: &str = "incoming";
pub(crate) use imip_core::prefs::IncomingMode;

/// The preference that, set to `no`, leaves the user's mail alone.
pub(crate) const PARTICIPATING_PREF: &str = "participating";

/// Reads the `incoming` preference; an unknown value gives the default,
/// as a mistyped preference must not stop mail (`imip store check`
/// reports it).
pub(crate) fn incoming_mode(value: Option<&str>) -> IncomingMode {
    value.and_then(IncomingMode::parse).unwrap_or_default()
}

/// What the person agent tells a user about one mail: the same words as
/// plain text and as an HTML card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Summary {
    /// The plain-text part.
    pub(crate) text: String,
    /// The body of the HTML part (a fragment; [`summary_mail`] wraps it
    /// in a document).
    pub(crate) html: String,
    /// The language of the HTML document.
    pub(crate) lang: imip_core::words::Lang,
}

/// The mails to put in the mailbox for one received mail, in order.
/// Without a summary (the mail was not calendar mail, or nothing in it
/// could be processed), the original goes alone and unchanged. The
/// summary says `attached` (that the original is attached) only where it
/// is.
pub(crate) fn compose(
    mode: IncomingMode,
    original: &[u8],
    summary: Option<&Summary>,
    attached: &str,
    date: &str,
    message_id: &str,
) -> Vec<Vec<u8>> {
    let Some(summary) = summary else { return vec![original.to_vec()] };
    let with_note = Summary {
        text: format!("{}\n\n{attached}\n", summary.text.trim_end_matches('\n')),
        html: format!(
            "{}<p style=\"font-family:sans-serif;color:#4a5159\">{}</p>\n",
            summary.html,
            imip_core::words::escape(attached)
        ),
        lang: summary.lang,
    };
    let wrapped = |attach: bool| {
        summary_mail(original, if attach { &with_note } else { summary }, date, message_id, attach)
    };
    match mode {
        IncomingMode::SummaryWrapsMessage => vec![wrapped(true)],
        IncomingMode::SummaryThenMessage => vec![wrapped(false), original.to_vec()],
        IncomingMode::MessageThenSummary => vec![original.to_vec(), wrapped(false)],
        IncomingMode::SummaryOnly => vec![wrapped(false)],
        IncomingMode::MessageOnly => vec![original.to_vec()],
    }
}

/// A summary mail: From, To, Cc and Subject copied from the original (as
/// imip-agent does), In-Reply-To and References naming the original so
/// that mail clients thread them, the summary as `multipart/alternative`
/// (plain text and an HTML card), and the original attached as
/// `message/rfc822` when `attach`.
fn summary_mail(original: &[u8], summary: &Summary, date: &str, message_id: &str, attach: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut original_id = None;
    for field in header_fields(original) {
        let name = field.split(|&b| b == b':').next().unwrap_or_default();
        let name = String::from_utf8_lossy(name).trim().to_ascii_lowercase();
        if matches!(name.as_str(), "from" | "to" | "cc" | "subject") {
            out.extend_from_slice(field);
        }
        if name == "message-id" {
            let value = String::from_utf8_lossy(&field[name.len() + 1..]).into_owned();
            original_id = value
                .split_whitespace()
                .next()
                .map(str::to_string)
                .filter(|v| v.starts_with('<') && v.ends_with('>'));
        }
    }
    out.extend_from_slice(
        format!("Date: {date}\r\nMessage-ID: <{message_id}>\r\nMIME-Version: 1.0\r\n").as_bytes(),
    );
    if let Some(id) = &original_id {
        out.extend_from_slice(format!("In-Reply-To: {id}\r\nReferences: {id}\r\n").as_bytes());
    }
    out.extend_from_slice(b"X-Imip-Summary: yes\r\n");
    let crlf = |text: &str| text.replace("\r\n", "\n").replace('\n', "\r\n");
    let local = message_id.split('@').next().unwrap_or("x");
    let mut boundary = format!("imip-summary-{}", local.strip_prefix("imip-").unwrap_or(local));
    while contains(original, boundary.as_bytes()) {
        boundary.push('=');
    }
    let alternative_boundary = format!("{boundary}-alt");
    let html = imip_core::words::html_document(summary.lang, &summary.html);
    let alternative = format!(
        "Content-Type: multipart/alternative; boundary=\"{alternative_boundary}\"\r\n\r\n\
         --{alternative_boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         {}\r\n--{alternative_boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         {}\r\n--{alternative_boundary}--\r\n",
        crlf(&summary.text),
        crlf(&html)
    );
    if !attach {
        out.extend_from_slice(alternative.as_bytes());
        return out;
    }
    out.extend_from_slice(
        format!("Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n").as_bytes(),
    );
    out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    out.extend_from_slice(alternative.as_bytes());
    out.extend_from_slice(
        format!("\r\n--{boundary}\r\nContent-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n")
            .as_bytes(),
    );
    out.extend_from_slice(original);
    if !original.ends_with(b"\n") {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

/// The raw header fields of a message (with their folded lines).
fn header_fields(message: &[u8]) -> Vec<&[u8]> {
    let mut fields: Vec<&[u8]> = Vec::new();
    let mut start = 0;
    let mut position = 0;
    while position < message.len() {
        let end =
            message[position..].iter().position(|&b| b == b'\n').map_or(message.len(), |i| position + i + 1);
        let line = &message[position..end];
        if line == b"\n" || line == b"\r\n" {
            break;
        }
        if !matches!(line.first(), Some(b' ' | b'\t')) && position > start {
            fields.push(&message[start..position]);
            start = position;
        }
        position = end;
    }
    if position > start {
        fields.push(&message[start..position]);
    }
    fields
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Somewhere mail for a user can be put.
pub(crate) trait Mailbox {
    /// Delivers one mail to `recipient`'s mailbox.
    fn deliver(
        &mut self,
        recipient: &CalAddress,
        envelope_from: &str,
        mail: &[u8],
    ) -> Result<(), TransportError>;
}

/// LMTP to the delivery agent, or SMTP back into the MTA to the local
/// address (`prefix` + address, imip-agent's `-L`).
pub(crate) struct PeerMailbox {
    /// The client.
    pub(crate) mailer: Mailer,
    /// Put before the recipient's address (SMTP).
    pub(crate) prefix: String,
}

impl Mailbox for PeerMailbox {
    fn deliver(
        &mut self,
        recipient: &CalAddress,
        envelope_from: &str,
        mail: &[u8],
    ) -> Result<(), TransportError> {
        let to = format!("{}{}", self.prefix, recipient);
        self.mailer.send(envelope_from, std::slice::from_ref(&to), mail)?;
        Ok(())
    }
}

/// A local delivery program (dovecot-lda, procmail, …).
pub(crate) struct ProgramMailbox {
    /// The program and its arguments; `{recipient}` is replaced.
    pub(crate) command: Vec<String>,
}

impl Mailbox for ProgramMailbox {
    fn deliver(
        &mut self,
        recipient: &CalAddress,
        envelope_from: &str,
        mail: &[u8],
    ) -> Result<(), TransportError> {
        let mut command: Vec<String> = self
            .command
            .iter()
            .map(|word| word.replace("{recipient}", recipient.as_str()).replace("{sender}", envelope_from))
            .collect();
        if !self.command.iter().any(|w| w.contains("{recipient}")) {
            command.push(recipient.to_string());
        }
        run_program(&command, mail)
    }
}

/// One maildir per user under a directory: `DIR/<address>/{tmp,new,cur}`,
/// the address percent-encoded so no address can name another path.
pub(crate) struct Maildir {
    /// The directory.
    pub(crate) root: PathBuf,
    /// Makes file names unique within this process.
    pub(crate) counter: u64,
}

impl Maildir {
    /// The maildir of `recipient`.
    pub(crate) fn folder(root: &Path, recipient: &CalAddress) -> PathBuf {
        root.join(encode_name(recipient.as_str()))
    }
}

impl Mailbox for Maildir {
    fn deliver(
        &mut self,
        recipient: &CalAddress,
        _envelope_from: &str,
        mail: &[u8],
    ) -> Result<(), TransportError> {
        let folder = Maildir::folder(&self.root, recipient);
        let failed = |e: std::io::Error| {
            let reason = format!("{}: {e}", folder.display());
            // A full or read-only disk clears once an administrator acts.
            TransportError::Temporary(reason)
        };
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(folder.join(sub)).map_err(failed)?;
        }
        self.counter += 1;
        let clock = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let name = format!(
            "{}.M{}P{}Q{}.imip",
            clock.as_secs(),
            clock.subsec_micros(),
            std::process::id(),
            self.counter
        );
        let temporary = folder.join("tmp").join(&name);
        let mut file = std::fs::File::create(&temporary).map_err(failed)?;
        file.write_all(mail).and_then(|_| file.sync_all()).map_err(failed)?;
        std::fs::rename(&temporary, folder.join("new").join(&name)).map_err(failed)?;
        std::fs::File::open(folder.join("new")).and_then(|d| d.sync_all()).map_err(failed)?;
        Ok(())
    }
}

/// Encodes an address as one safe file name: lower case ASCII letters,
/// digits and `@._+-` stay, everything else (and a leading dot) is
/// `%XX`.
pub(crate) fn encode_name(text: &str) -> String {
    let mut out = String::new();
    for (i, byte) in text.bytes().enumerate() {
        let keep = byte.is_ascii_lowercase()
            || byte.is_ascii_digit()
            || matches!(byte, b'@' | b'_' | b'+' | b'-')
            || (byte == b'.' && i > 0);
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Collects what would be delivered, for `--dry-run`.
#[derive(Default)]
pub(crate) struct DryRunMailbox {
    /// (recipient, envelope sender, mail), in order.
    pub(crate) delivered: Vec<(CalAddress, String, Vec<u8>)>,
}

impl Mailbox for DryRunMailbox {
    fn deliver(
        &mut self,
        recipient: &CalAddress,
        envelope_from: &str,
        mail: &[u8],
    ) -> Result<(), TransportError> {
        self.delivered.push((recipient.clone(), envelope_from.to_string(), mail.to_vec()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGINAL: &[u8] = b"From: Alice <alice@example.com>\r\nTo: bob@example.com\r\nSubject: =?utf-8?q?Caf=C3=A9?=\r\n  planning\r\nX-Other: 1\r\nContent-Type: text/plain\r\n\r\nFrom the body\r\n";

    #[test]
    fn without_a_summary_the_original_goes_unchanged() {
        for mode in IncomingMode::ALL {
            assert_eq!(compose(mode, ORIGINAL, None, "Attached.", "d", "1@x"), vec![ORIGINAL.to_vec()]);
        }
    }

    #[test]
    fn the_five_modes() {
        let summary = Summary {
            text: "Alice invites you.".into(),
            html: "<p>Alice invites you.</p>".into(),
            lang: imip_core::words::Lang::En,
        };
        let mails = |mode| compose(mode, ORIGINAL, Some(&summary), "Attached.", "Thu, 1 Jan 1970", "7@x");
        let wrapped = String::from_utf8(mails(IncomingMode::SummaryWrapsMessage).remove(0)).unwrap();
        assert!(wrapped.starts_with("From: Alice <alice@example.com>\r\nTo: bob@example.com\r\nSubject: =?utf-8?q?Caf=C3=A9?=\r\n  planning\r\nDate:"), "{wrapped}");
        let headers = wrapped.split("\r\n\r\n").next().unwrap();
        assert!(!headers.contains("X-Other"), "only From, To, Cc and Subject are copied");
        assert!(wrapped.contains("multipart/mixed; boundary=\"imip-summary-7\""));
        assert!(
            wrapped.contains(
                "--imip-summary-7\r\nContent-Type: multipart/alternative; boundary=\"imip-summary-7-alt\""
            ),
            "{wrapped}"
        );
        assert!(wrapped.contains("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nAlice invites you.\r\n\r\nAttached.\r\n"), "{wrapped}");
        assert!(wrapped.contains("Content-Type: text/html; charset=utf-8"), "{wrapped}");
        assert!(
            wrapped.contains("<html lang=\"en\">") && wrapped.contains("<p>Alice invites you.</p>"),
            "{wrapped}"
        );
        assert!(
            wrapped
                .contains("--imip-summary-7-alt--\r\n\r\n--imip-summary-7\r\nContent-Type: message/rfc822"),
            "{wrapped}"
        );
        assert!(wrapped.contains("\r\n\r\nFrom the body\r\n--imip-summary-7--\r\n"));

        let two = mails(IncomingMode::SummaryThenMessage);
        assert_eq!(two.len(), 2);
        let first = String::from_utf8_lossy(&two[0]).into_owned();
        assert!(first.contains("\r\n\r\nAlice invites you.\r\n--imip-summary-7-alt"), "{first}");
        assert!(first.contains("multipart/alternative"), "{first}");
        assert_eq!(two[1], ORIGINAL);
        let two = mails(IncomingMode::MessageThenSummary);
        assert_eq!(two[0], ORIGINAL);
        assert!(String::from_utf8_lossy(&two[1]).contains("Alice invites you."));
        assert_eq!(mails(IncomingMode::SummaryOnly).len(), 1);
        let only = String::from_utf8_lossy(&mails(IncomingMode::SummaryOnly)[0]).into_owned();
        assert!(!only.contains("From the body"));
        assert!(!only.contains("Attached."), "nothing is said attached where nothing is: {only}");
        assert_eq!(mails(IncomingMode::MessageOnly), vec![ORIGINAL.to_vec()]);
        assert_eq!(incoming_mode(Some("nonsense")), IncomingMode::SummaryWrapsMessage);
    }

    #[test]
    fn the_boundary_avoids_the_original() {
        let original = b"Subject: x\r\n\r\n--imip-summary-7\r\n";
        let wrapped = String::from_utf8(
            compose(
                IncomingMode::SummaryWrapsMessage,
                original,
                Some(&Summary { text: "s".into(), html: "s".into(), lang: imip_core::words::Lang::En }),
                "a",
                "d",
                "7@x",
            )
            .remove(0),
        )
        .unwrap();
        assert!(wrapped.contains("boundary=\"imip-summary-7=\""), "{wrapped}");
    }

    #[test]
    fn maildir_names_cannot_escape() {
        let root = tempfile::tempdir().unwrap();
        let hostile = CalAddress::parse("../../etc/passwd@example.com");
        if let Some(address) = hostile {
            let folder = Maildir::folder(root.path(), &address);
            assert_eq!(folder.parent(), Some(root.path()));
        }
        assert_eq!(encode_name(".hidden/a@B.com"), "%2Ehidden%2Fa@%42.com");
        let mut maildir = Maildir { root: root.path().to_path_buf(), counter: 0 };
        let bob = CalAddress::parse("bob@example.com").unwrap();
        maildir.deliver(&bob, "", b"Subject: hi\r\n\r\nx\r\n").unwrap();
        let new = root.path().join("bob@example.com/new");
        let files: Vec<_> = std::fs::read_dir(&new).unwrap().collect();
        assert_eq!(files.len(), 1);
        assert!(std::fs::read_dir(root.path().join("bob@example.com/tmp")).unwrap().next().is_none());
    }
}
