//! `imip person` as an MTA runs it: the calendar side is recorded, and
//! the mail reaches the mailbox (here an LMTP listener or a maildir) by
//! the user's `incoming` preference; delivery faults are 75, refusals 67.

mod common;
use common::{Listener, Mood, imip, invitation, setup, stderr};

const BOB: &[&str] = &["--config", "imip.toml", "person", "--recipient", "bob@example.com"];

fn lmtp_setup(listener: &Listener) -> tempfile::TempDir {
    setup(&format!("store = \"fs:data\"\ndelivery = \"lmtp:{}\"\n", listener.address), None)
}

fn request() -> String {
    invitation(
        "p1@example.com",
        "alice@example.com",
        &["bob@example.com"],
        "20300310T140000Z",
        "20300310T150000Z",
    )
}

#[test]
fn an_invitation_is_recorded_and_delivered_wrapped_with_a_summary() {
    let listener = Listener::start();
    let dir = lmtp_setup(&listener);
    let out = imip(dir.path(), BOB, request().as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "nothing printed outside a dry run");
    let mails = listener.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, vec!["bob@example.com".to_string()]);
    let data = &mails[0].data;
    assert!(
        data.starts_with("From: alice@example.com\r\nTo: bob@example.com\r\nSubject: REQUEST\r\n"),
        "{data}"
    );
    // What Bob needs to decide, and that the original is attached.
    assert!(data.contains("alice@example.com invites you to “Planning”."), "{data}");
    assert!(data.contains("When:      Sunday 10 March 2030, 14:00–15:00 (UTC)\r\n"), "{data}");
    assert!(data.contains("Attendees: bob@example.com (no answer yet)\r\n"), "{data}");
    assert!(data.contains("The original message is attached."), "{data}");
    // Two parts, the HTML one a card; threaded under the original.
    assert!(data.contains("Content-Type: multipart/alternative"), "{data}");
    assert!(data.contains("Content-Type: text/html; charset=utf-8"), "{data}");
    assert!(data.contains("In-Reply-To: <p1@example.com>\r\nReferences: <p1@example.com>\r\n"), "{data}");
    assert!(data.contains("Content-Type: message/rfc822"), "{data}");
    assert!(data.contains("UID:p1@example.com"), "the original is attached");
    // The store holds Bob's copy, and his invitation waits for an answer.
    let pending = imip(dir.path(), &["--config", "imip.toml", "pending"], b"");
    assert!(String::from_utf8_lossy(&pending.stdout).contains("\tbob@example.com\tinvitation to answer\t"));
    // The info line names the message, method, principal and outcome, and no content.
    let log = stderr(&out);
    assert!(log.contains("message_id=\"p1@example.com\"") && log.contains("method=\"REQUEST\""), "{log}");
    assert!(!log.contains("Planning"), "no calendar content at info: {log}");
}

#[test]
fn the_incoming_preference_picks_the_mode() {
    let listener = Listener::start();
    let dir = lmtp_setup(&listener);
    let set =
        ["--config", "imip.toml", "prefs", "set", "bob@example.com", "incoming", "summary-then-message"];
    assert_eq!(imip(dir.path(), &set, b"").status.code(), Some(0));
    assert_eq!(imip(dir.path(), BOB, request().as_bytes()).status.code(), Some(0));
    let mails = listener.mails();
    assert_eq!(mails.len(), 2);
    assert!(mails[0].data.contains("invites you") && !mails[0].data.contains("BEGIN:VCALENDAR"));
    assert_eq!(mails[1].data, request(), "then the original, unchanged");

    let bad = ["--config", "imip.toml", "prefs", "set", "bob@example.com", "incoming", "shout"];
    assert_eq!(imip(dir.path(), &bad, b"").status.code(), Some(65), "a bad value is bad data");
}

#[test]
fn mail_that_is_not_calendar_mail_is_delivered_unchanged() {
    let listener = Listener::start();
    let dir = lmtp_setup(&listener);
    let plain = "From: carol@example.com\r\nTo: bob@example.com\r\nSubject: lunch?\r\n\r\nAt noon.\r\n";
    assert_eq!(imip(dir.path(), BOB, plain.as_bytes()).status.code(), Some(0));
    assert_eq!(listener.mails()[0].data, plain);
}

#[test]
fn a_deferring_mailbox_gives_75_and_the_retry_delivers_once() {
    let listener = Listener::start();
    let dir = lmtp_setup(&listener);
    listener.set(Mood::Defer);
    let first = imip(dir.path(), BOB, request().as_bytes());
    assert_eq!(first.status.code(), Some(75), "{}", stderr(&first));
    assert!(listener.mails().is_empty());
    listener.set(Mood::Accept);
    let retry = imip(dir.path(), BOB, request().as_bytes());
    assert_eq!(retry.status.code(), Some(0), "{}", stderr(&retry));
    assert_eq!(listener.mails().len(), 1, "delivered exactly once");
    assert!(stderr(&retry).contains("already applied"), "the retry finds the calendar side done");
}

#[test]
fn an_unreachable_mailbox_is_75_and_a_refusing_one_67() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string();
    let dir = setup(&format!("store = \"fs:data\"\ndelivery = \"lmtp:{closed}\"\n"), None);
    assert_eq!(imip(dir.path(), BOB, request().as_bytes()).status.code(), Some(75));

    let listener = Listener::start();
    listener.set(Mood::Refuse);
    let dir = lmtp_setup(&listener);
    assert_eq!(imip(dir.path(), BOB, request().as_bytes()).status.code(), Some(67));
}

#[test]
fn maildir_delivery_and_a_missing_delivery() {
    let dir = setup("store = \"fs:data\"\ndelivery = \"maildir:mail\"\n", None);
    assert_eq!(imip(dir.path(), BOB, request().as_bytes()).status.code(), Some(0));
    let new = dir.path().join("mail/bob@example.com/new");
    assert_eq!(std::fs::read_dir(new).unwrap().count(), 1);

    let dir = setup("store = \"fs:data\"\n", None);
    let out = imip(dir.path(), BOB, request().as_bytes());
    assert_eq!(out.status.code(), Some(78), "without a delivery the mail would be lost");
    assert!(stderr(&out).contains("delivery"));
}

#[test]
fn a_user_who_does_not_participate_gets_the_mail_untouched() {
    let listener = Listener::start();
    let dir = lmtp_setup(&listener);
    let set = ["--config", "imip.toml", "prefs", "set", "bob@example.com", "participating", "no"];
    assert_eq!(imip(dir.path(), &set, b"").status.code(), Some(0));
    assert_eq!(imip(dir.path(), BOB, request().as_bytes()).status.code(), Some(0));
    assert_eq!(listener.mails()[0].data, request());
    let pending = imip(dir.path(), &["--config", "imip.toml", "pending"], b"");
    assert!(pending.stdout.is_empty(), "nothing was recorded");
}

#[test]
fn the_dry_run_prints_the_delivery_as_an_mbox() {
    let dir = tempfile::tempdir().unwrap();
    let out = imip(dir.path(), &["person", "--recipient", "bob@example.com"], request().as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mbox = common::stdout(&out);
    assert!(mbox.starts_with("From mailer-daemon@localhost "), "{mbox}");
    assert!(mbox.contains("invites you"));
    assert!(dir.path().join("imip-data").is_dir(), "the default store is ./imip-data");
}

/// RFC 6638 §3.2.9 through the binary: imip answers Bob's REFRESH for
/// Alice with a REQUEST; the relay's mail system bounces it. The bounce
/// reaches Alice's mailbox with a summary that says Bob did not get the
/// event, and her copy records SCHEDULE-STATUS 5.1 for him (the
/// scenario `delivery/bounce-sets-schedule-status` shows the copy).
/// Nothing is sent in answer to the bounce.
#[test]
fn a_bounce_of_a_mail_imip_sent_tells_the_organizer() {
    let mailbox = Listener::start();
    let relay = Listener::start();
    let dir = setup(
        &format!(
            "store = \"fs:data\"\ndelivery = \"lmtp:{}\"\ntransport = \"smtp:{}\"\n",
            mailbox.address, relay.address
        ),
        None,
    );
    let config =
        |rest: &[&'static str]| -> Vec<&'static str> { [&["--config", "imip.toml"][..], rest].concat() };
    // Alice's own client sent the invitation; her agent records it.
    let sent = request();
    let out = imip(dir.path(), &config(&["person-outgoing", "--user", "alice@example.com"]), sent.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Bob asks for the latest version: imip answers for Alice.
    let refresh = common::mail(
        "bob@example.com",
        "alice@example.com",
        "r1@example.com",
        "REFRESH",
        "UID:p1@example.com\r\nDTSTAMP:20300301T090000Z\r\nORGANIZER:mailto:alice@example.com\r\n\
         ATTENDEE:mailto:bob@example.com\r\n",
    );
    let out = imip(dir.path(), &config(&["person", "--recipient", "alice@example.com"]), refresh.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let request = relay.mails().pop().expect("imip sent the REQUEST");
    let message_id = request
        .data
        .lines()
        .find_map(|l| l.strip_prefix("Message-ID: "))
        .expect("a Message-ID")
        .trim()
        .to_string();
    let bounce = format!(
        "From: MAILER-DAEMON@mx.example.com (Mail Delivery System)\r\nTo: alice@example.com\r\n\
         Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <b1@mx.example.com>\r\n\
         Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n\
         --B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\
         --B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n\
         Final-Recipient: rfc822; bob@example.com\r\nAction: failed\r\nStatus: 5.2.2\r\n\
         Diagnostic-Code: smtp; 552 5.2.2 mailbox full\r\n\r\n\
         --B\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: alice@example.com\r\nTo: bob@example.com\r\n\
         Message-ID: {message_id}\r\n\r\n--B--\r\n"
    );
    let before = relay.mails().len();
    let out = imip(dir.path(), &config(&["person", "--recipient", "alice@example.com"]), bounce.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("delivery status recorded"), "{}", stderr(&out));
    assert_eq!(relay.mails().len(), before, "a bounce is never answered");
    let delivered = mailbox.mails().pop().expect("the bounce reaches Alice");
    assert!(
        delivered.data.contains("“Planning” could not be delivered to bob@example.com.")
            && delivered.data.contains("  > 5.2.2: 552 5.2.2 mailbox full"),
        "{}",
        delivered.data
    );
    // The status is recorded in her copy: the same report again is news
    // to no one.
    let again = imip(dir.path(), &config(&["person", "--recipient", "alice@example.com"]), bounce.as_bytes());
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(stderr(&again).contains("already applied"), "{}", stderr(&again));
}

/// A user whose LANG is German and whose TZID is Berlin reads the summary
/// in German, with the time in Berlin.
#[test]
fn the_summary_is_in_the_users_language_and_zone() {
    let listener = Listener::start();
    let dir = lmtp_setup(&listener);
    for (key, value) in [("LANG", "de-DE"), ("TZID", "Europe/Berlin")] {
        let set =
            imip(dir.path(), &["--config", "imip.toml", "prefs", "set", "bob@example.com", key, value], b"");
        assert_eq!(set.status.code(), Some(0), "{}", stderr(&set));
    }
    let out = imip(dir.path(), BOB, request().as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let data = listener.mails().pop().expect("delivered").data;
    assert!(data.contains("alice@example.com lädt Sie zu „Planning“ ein."), "{data}");
    assert!(data.contains("Wann:        Sonntag, 10. März 2030, 15:00–16:00 (Europe/Berlin)"), "{data}");
    assert!(data.contains("Die ursprüngliche Nachricht ist angehängt."), "{data}");
    assert!(data.contains("<html lang=\"de\">"), "{data}");
}
