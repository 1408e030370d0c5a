//! Invitations as Outlook and Google send them, through `imip person`
//! into a maildir, read back with mail-parser as a mail client would:
//! the summary must give the date, time and zone in the reader's zone and
//! language, the place and the organizer by name, and thread under the
//! original (In-Reply-To, References).

mod common;
use common::{imip, setup, stderr, with_config};
use mail_parser::{MessageParser, MimeHeaders};

/// The one mail delivered to Bob's maildir.
fn delivered(dir: &std::path::Path) -> Vec<u8> {
    let new = std::fs::read_dir(dir.join("mail"))
        .expect("maildirs")
        .flatten()
        .next()
        .expect("Bob's maildir")
        .path();
    let files: Vec<_> = std::fs::read_dir(new.join("new")).expect("new/").flatten().collect();
    assert_eq!(files.len(), 1, "one mail delivered");
    std::fs::read(files[0].path()).expect("the mail")
}

/// Delivers `fixture` to Bob, who reads `lang` in `zone`; returns the
/// delivered mail.
fn deliver(fixture: &str, lang: &str, zone: &str) -> Vec<u8> {
    deliver_as(fixture, &[("LANG", lang), ("TZID", zone)])
}

fn deliver_as(fixture: &str, prefs: &[(&str, &str)]) -> Vec<u8> {
    let dir =
        setup("store = \"fs:data\"\ndelivery = \"maildir:mail\"\nsender = \"calendar@example.com\"\n", None);
    let run = |args: &[&str], stdin: &[u8]| imip(dir.path(), &with_config(args), stdin);
    for &(key, value) in prefs {
        let out = run(&["prefs", "set", "bob@example.com", key, value], b"");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let raw =
        std::fs::read(format!("{}/tests/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"))).expect("fixture");
    let out = run(&["person", "--recipient", "bob@example.com"], &raw);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let log = stderr(&out);
    assert!(log.contains("outcome=applied: stored"), "the invitation was recorded: {log}");
    delivered(dir.path())
}

/// The summary's plain text part (the first text/plain of the mail).
fn summary_text(raw: &[u8]) -> String {
    let message = MessageParser::default().parse(raw).expect("a mail");
    message.body_text(0).expect("a text part").into_owned()
}

#[test]
fn an_outlook_invitation_reads_in_the_readers_zone_with_the_time_as_sent() {
    let raw = deliver("outlook-invitation.eml", "en", "Europe/London");
    let message = MessageParser::default().parse(&raw).expect("a mail");
    assert_eq!(
        message.in_reply_to().as_text(),
        Some("742f7c086bc34282b8eb4ffc135652ef@EX01.contoso.example")
    );
    assert_eq!(message.references().as_text(), Some("742f7c086bc34282b8eb4ffc135652ef@EX01.contoso.example"));
    // The mail keeps the original's subject: it is the original, wrapped.
    assert_eq!(message.subject(), Some("Q1 planning"));
    let from = message.from().and_then(|f| f.first()).expect("From:");
    // The original, wrapped: its sender, by name.
    assert_eq!((from.name(), from.address()), (Some("Carol Jones"), Some("carol@contoso.example")));
    // The summary part is a multipart/alternative of text and HTML.
    assert!(
        message.parts.iter().any(|p| p.content_type().is_some_and(|c| c.subtype() == Some("alternative"))),
        "a two-part summary"
    );
    let text = summary_text(&raw);
    if std::env::var_os("IMIP_SHOW").is_some() {
        eprintln!("{text}");
    }
    assert!(text.contains("Carol Jones <carol@contoso.example> invites you to “Q1 planning”."), "{text}");
    // 14:00 in W. Europe Standard Time (Berlin) is 13:00 in London.
    assert!(text.contains("Tuesday 12 March 2030, 13:00–14:30 (Europe/London)"), "{text}");
    assert!(text.contains("14:00–15:30 in Europe/Berlin, as sent"), "{text}");
    assert!(text.contains("Room 4.12, Building B"), "{text}");
    assert!(
        text.contains("Organizer: Carol Jones <carol@contoso.example>")
            || text.contains("Carol Jones <carol@contoso.example>\n"),
        "{text}"
    );
    assert!(text.contains("Erik Lund <erik@example.net> (no answer yet)"), "{text}");
    assert!(text.contains("Agenda: budget, hiring, the Q1 roadmap."), "{text}");
    assert!(text.contains("The original message is attached."), "{text}");
    // And it is: the original, whole.
    assert!(
        String::from_utf8_lossy(&raw)
            .contains("Message-ID: <742f7c086bc34282b8eb4ffc135652ef@EX01.contoso.example>")
    );
}

#[test]
fn a_google_invitation_reads_in_german_in_oslo() {
    let raw = deliver("google-invitation.eml", "de", "Europe/Oslo");
    let message = MessageParser::default().parse(&raw).expect("a mail");
    assert_eq!(message.in_reply_to().as_text(), Some("0000000000000d116705904d4868@google.example"));
    assert_eq!(message.references().as_text(), Some("0000000000000d116705904d4868@google.example"));
    assert_eq!(
        message.subject(),
        Some("Invitation: Kaffe: roadmap @ Thu 14 Mar 2030 09:00 - 09:45 (CET) (bob@example.com)")
    );
    let text = summary_text(&raw);
    if std::env::var_os("IMIP_SHOW").is_some() {
        eprintln!("{text}");
    }
    assert!(text.contains("Dana Smith <dana@gmail.example> lädt Sie zu „Kaffe: roadmap“ ein."), "{text}");
    // 08:00 UTC is 09:00 in Oslo in March; no other zone to show.
    assert!(text.contains("Donnerstag, 14. März 2030, 09:00–09:45 (Europe/Oslo)"), "{text}");
    assert!(!text.contains("as sent") && !text.contains("wie gesendet"), "{text}");
    assert!(text.contains("Café Møller, Storgata 5, Oslo"), "{text}");
    assert!(text.contains("Dana Smith <dana@gmail.example>"), "{text}");
    assert!(text.contains("Coffee and the roadmap."), "{text}");
}

#[test]
fn a_summary_alone_threads_under_the_original_and_claims_no_attachment() {
    let raw = deliver_as(
        "outlook-invitation.eml",
        &[("TZID", "Europe/Oslo"), ("incoming", "summary-only"), ("CN", "Bob Berg")],
    );
    let message = MessageParser::default().parse(&raw).expect("a mail");
    assert!(message.subject().is_some_and(|s| s.contains("Q1 planning")), "{:?}", message.subject());
    assert_eq!(
        message.in_reply_to().as_text(),
        Some("742f7c086bc34282b8eb4ffc135652ef@EX01.contoso.example")
    );
    // It stands for the original in the mailbox: from its sender, by name.
    let from = message.from().and_then(|f| f.first()).expect("From:");
    assert_eq!((from.name(), from.address()), (Some("Carol Jones"), Some("carol@contoso.example")));
    let text = summary_text(&raw);
    assert!(text.contains("Tuesday 12 March 2030, 14:00–15:30 (Europe/Oslo)"), "{text}");
    assert!(!text.contains("attached"), "nothing is attached, and nothing says so: {text}");
    assert_eq!(message.attachment_count(), 0, "summary only");
}
