//! The commands around the agents: person-outgoing, itip process|diff,
//! init-user, prefs, pending, approve, outbox, maintain, freebusy and
//! store, each through the built binary.

mod common;
use common::{Listener, imip, invitation, mail, setup, stderr, stdout, with_config};

#[test]
fn person_outgoing_records_what_the_users_client_sent() {
    let dir = setup("store = \"fs:data\"\n", None);
    let sent = invitation(
        "o1@example.com",
        "alice@example.com",
        &["bob@example.com"],
        "20300310T140000Z",
        "20300310T150000Z",
    );
    let out = imip(dir.path(), &with_config(&["person-outgoing"]), sent.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "it sends and delivers nothing");
    assert!(stderr(&out).contains("applied: recorded"), "{}", stderr(&out));
    let busy = imip(
        dir.path(),
        &with_config(&[
            "freebusy",
            "--user",
            "alice@example.com",
            "--from",
            "20300301T000000Z",
            "--to",
            "20300401T000000Z",
        ]),
        b"",
    );
    assert!(
        stdout(&busy).contains("FREEBUSY;FBTYPE=BUSY:20300310T140000Z/20300310T150000Z"),
        "{}",
        stdout(&busy)
    );

    // Someone else's REQUEST cannot be recorded as Alice's.
    let forged = invitation(
        "o2@example.com",
        "mallory@example.com",
        &["alice@example.com"],
        "20300311T140000Z",
        "20300311T150000Z",
    );
    let out = imip(
        dir.path(),
        &with_config(&["person-outgoing", "--user", "alice@example.com"]),
        forged.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("refused"), "{}", stderr(&out));
}

#[test]
fn itip_process_prints_json() {
    let dir = tempfile::tempdir().unwrap();
    let message = dir.path().join("request.eml");
    std::fs::write(
        &message,
        invitation(
            "j1@example.com",
            "alice@example.com",
            &["bob@example.com"],
            "20300310T140000Z",
            "20300310T150000Z",
        ),
    )
    .unwrap();
    let out = imip(dir.path(), &["itip", "process", "--as", "bob@example.com", "--json", "request.eml"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["status"], "applied: stored");
    assert!(json["object"].as_str().unwrap().contains("UID:j1@example.com"));
    assert_eq!(json["messages"].as_array().unwrap().len(), 0);
    assert!(!dir.path().join("imip-data").exists(), "no store is touched");

    // As the organizer's agent, a REPLY from someone never invited is refused.
    std::fs::write(dir.path().join("stored.ics"), "BEGIN:VCALENDAR\r\nPRODID:-//t//EN\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:j1@example.com\r\nDTSTAMP:20250301T090000Z\r\nDTSTART:20300310T140000Z\r\nDTEND:20300310T150000Z\r\nORGANIZER:mailto:alice@example.com\r\nATTENDEE:mailto:bob@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").unwrap();
    std::fs::write(
        dir.path().join("reply.eml"),
        mail("bob@example.com", "alice@example.com", "r1", "REPLY", "UID:j1@example.com\r\nDTSTAMP:20250302T090000Z\r\nORGANIZER:mailto:alice@example.com\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com\r\n"),
    )
    .unwrap();
    let out = imip(
        dir.path(),
        &["itip", "process", "--as", "alice@example.com", "--stored", "stored.ics", "--json", "reply.eml"],
        b"",
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["status"], "applied: reply recorded");
    assert!(json["object"].as_str().unwrap().replace("\r\n ", "").contains("PARTSTAT=ACCEPTED"));

    let broken = imip(dir.path(), &["itip", "process", "--as", "bob@example.com", "stored.ics"], b"");
    assert_eq!(broken.status.code(), Some(0), "an object without METHOD is answered, not a crash");
    let missing = imip(dir.path(), &["itip", "process", "--as", "bob@example.com", "nothing.eml"], b"");
    assert_eq!(missing.status.code(), Some(66));
}

#[test]
fn itip_diff_prints_the_messages_of_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let version = |start: &str, sequence: u32| {
        format!(
            "BEGIN:VCALENDAR\r\nPRODID:-//t//EN\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:d1@example.com\r\n\
             DTSTAMP:20250301T090000Z\r\nSEQUENCE:{sequence}\r\nDTSTART:{start}\r\nDURATION:PT1H\r\n\
             SUMMARY:Review\r\nORGANIZER:mailto:alice@example.com\r\n\
             ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    };
    std::fs::write(dir.path().join("old.ics"), version("20300310T140000Z", 0)).unwrap();
    std::fs::write(dir.path().join("new.ics"), version("20300310T160000Z", 1)).unwrap();
    let out = imip(
        dir.path(),
        &["itip", "diff", "--as", "alice@example.com", "--old", "old.ics", "--new", "new.ics", "--json"],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let messages = json["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["method"], "REQUEST");
    assert_eq!(messages[0]["from"], "alice@example.com");
    assert_eq!(messages[0]["to"], serde_json::json!(["bob@example.com"]));
    assert_eq!(messages[0]["significant"], true);
    assert!(messages[0]["ical"].as_str().unwrap().contains("DTSTART:20300310T160000Z"));

    let cancel = imip(dir.path(), &["itip", "diff", "--as", "alice@example.com", "--old", "old.ics"], b"");
    assert!(
        stdout(&cancel).contains("# CANCEL from alice@example.com to bob@example.com"),
        "{}",
        stdout(&cancel)
    );
}

#[test]
fn users_prefs_pending_and_approve_through_an_smtp_transport() {
    let smtp = Listener::start();
    let dir = setup(
        &format!(
            "store = \"sqlite:imip.db\"\ntransport = \"smtp:{}\"\ndelivery = \"maildir:mail\"\n[prefs]\nincoming = \"summary-only\"\n",
            smtp.address
        ),
        None,
    );
    let init = imip(dir.path(), &with_config(&["init-user", "bob@example.com"]), b"");
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    let list = imip(dir.path(), &with_config(&["prefs", "list", "bob@example.com"]), b"");
    assert!(stdout(&list).contains("incoming = summary-only"), "{}", stdout(&list));
    let get = imip(dir.path(), &with_config(&["prefs", "get", "bob@example.com", "TZID"]), b"");
    assert_eq!(get.status.code(), Some(1), "unset preferences say so");
    assert_eq!(
        imip(dir.path(), &with_config(&["prefs", "set", "bob@example.com", "TZID", "Europe/Berlin"]), b"")
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        stdout(&imip(dir.path(), &with_config(&["prefs", "get", "bob@example.com", "TZID"]), b"")),
        "Europe/Berlin\n"
    );

    let request = invitation(
        "a1@example.com",
        "alice@example.com",
        &["bob@example.com"],
        "20300310T140000Z",
        "20300310T150000Z",
    );
    let out =
        imip(dir.path(), &with_config(&["person", "--recipient", "bob@example.com"]), request.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let pending = stdout(&imip(dir.path(), &with_config(&["pending"]), b""));
    // handle, user, what, when (in Bob's zone), title, UID
    let fields: Vec<&str> = pending.trim_end().split('\t').collect();
    assert_eq!(fields.len(), 6, "{pending}");
    assert_eq!(fields[0].len(), 6, "a short handle: {pending}");
    assert_eq!(
        &fields[1..],
        ["bob@example.com", "invitation to answer", "2030-03-10 15:00 CET", "Planning", "a1@example.com"],
        "{pending}"
    );

    // The handle names the invitation.
    let approve = imip(dir.path(), &with_config(&["approve", "--as", "bob@example.com", fields[0]]), b"");
    assert_eq!(approve.status.code(), Some(0), "{}", stderr(&approve));
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1, "the REPLY went out by SMTP");
    assert_eq!(mails[0].from, "bob@example.com");
    assert_eq!(mails[0].to, vec!["alice@example.com".to_string()]);
    assert!(mails[0].data.contains("ACCEPTED"));
    assert!(
        stdout(&imip(dir.path(), &with_config(&["pending"]), b"")).is_empty(),
        "answered, so no longer pending"
    );

    let nothing =
        imip(dir.path(), &with_config(&["approve", "--as", "bob@example.com", "nope@example.com"]), b"");
    assert_eq!(nothing.status.code(), Some(64));
}

/// RFC 5546 leaves delivery to the transport; when it refuses a REPLY for
/// good after a local action, the person must hear of it: the answer is
/// recorded, the command exits 69 with a warning, and the mail stays in
/// the outbox as undeliverable, never retried, until an admin removes it.
#[test]
fn a_reply_refused_for_good_after_a_local_action_is_kept_as_undeliverable() {
    let dir = setup("store = \"fs:data\"\ndelivery = \"maildir:mail\"\n", None);
    let request = invitation(
        "u1@example.com",
        "alice@example.com",
        &["bob@example.com"],
        "20300310T140000Z",
        "20300310T150000Z",
    );
    let delivered =
        imip(dir.path(), &with_config(&["person", "--recipient", "bob@example.com"]), request.as_bytes());
    assert_eq!(delivered.status.code(), Some(0), "{}", stderr(&delivered));
    // A sendmail that refuses for good (EX_NOUSER), as a relay's 5xx does.
    let script = dir.path().join("refuse.sh");
    std::fs::write(&script, "#!/bin/sh\ncat >/dev/null\necho 550 no such user >&2\nexit 67\n").unwrap();
    let refusing = format!("sendmail:/bin/sh {}", script.display());
    let approve = imip(
        dir.path(),
        &with_config(&["--transport", &refusing, "approve", "--as", "bob@example.com", "u1@example.com"]),
        b"",
    );
    assert_eq!(approve.status.code(), Some(69), "{}", stderr(&approve));
    assert!(stdout(&approve).contains("applied"), "the answer is recorded: {}", stdout(&approve));
    let err = stderr(&approve);
    assert!(err.contains("WARN") && err.contains("kept as undeliverable"), "{err}");
    assert!(err.contains("refused for good (to alice@example.com"), "{err}");
    let listed = stdout(&imip(dir.path(), &with_config(&["outbox", "list"]), b""));
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(listed.contains("\tundeliverable: ") && listed.contains("exited with 67"), "{listed}");
    // Never tried again, even with a transport that works.
    let smtp = Listener::start();
    let transport = format!("smtp:{}", smtp.address);
    let flush = imip(dir.path(), &with_config(&["--transport", &transport, "outbox", "flush"]), b"");
    assert_eq!(flush.status.code(), Some(0), "{}", stderr(&flush));
    assert_eq!(stdout(&flush), "sent 0, waiting 0, undeliverable 0\n");
    assert!(smtp.mails().is_empty());
    // The admin removes it once Bob has been told.
    let id = listed.split('\t').next().unwrap_or_default().to_string();
    let removed = imip(dir.path(), &with_config(&["outbox", "remove", &id]), b"");
    assert_eq!(removed.status.code(), Some(0), "{}", stderr(&removed));
    assert!(stdout(&imip(dir.path(), &with_config(&["outbox", "list"]), b"")).is_empty());
    let again = imip(dir.path(), &with_config(&["outbox", "remove", &id]), b"");
    assert_eq!(again.status.code(), Some(64), "{}", stderr(&again));
}

#[test]
fn the_outbox_keeps_mail_until_a_transport_takes_it() {
    let dir = setup("store = \"fs:data\"\ndelivery = \"maildir:mail\"\n", None);
    let request = invitation(
        "w1@example.com",
        "alice@example.com",
        &["bob@example.com"],
        "20300310T140000Z",
        "20300310T150000Z",
    );
    assert_eq!(
        imip(dir.path(), &with_config(&["person", "--recipient", "bob@example.com"]), request.as_bytes())
            .status
            .code(),
        Some(0)
    );
    let decline = imip(
        dir.path(),
        &with_config(&["decline", "--as", "bob@example.com", "w1@example.com", "--comment", "Away"]),
        b"",
    );
    assert_eq!(decline.status.code(), Some(0), "{}", stderr(&decline));
    assert!(stderr(&decline).contains("wait in the outbox"));
    let listed = stdout(&imip(dir.path(), &with_config(&["outbox", "list"]), b""));
    assert_eq!(listed.lines().count(), 1);
    // The id is plain text an admin can copy, not a Rust debug form.
    let id = listed.split('\t').next().unwrap_or_default();
    assert!(!id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "{listed}");
    // Log lines on stderr carry their time.
    let first_log = stderr(&decline).lines().next().unwrap_or_default().to_string();
    assert!(first_log.starts_with("20") && first_log.contains('T') && first_log.contains('Z'), "{first_log}");
    let flush = imip(dir.path(), &with_config(&["outbox", "flush"]), b"");
    assert_eq!(flush.status.code(), Some(75), "still no transport: retry later");

    let smtp = Listener::start();
    let transport = format!("smtp:{}", smtp.address);
    let flush = imip(dir.path(), &with_config(&["--transport", &transport, "outbox", "flush"]), b"");
    assert_eq!(flush.status.code(), Some(0), "{}", stderr(&flush));
    assert_eq!(stdout(&flush), "sent 1, waiting 0, undeliverable 0\n");
    assert!(smtp.mails()[0].data.contains("DECLINED"));
    assert!(stdout(&imip(dir.path(), &with_config(&["outbox", "list"]), b"")).is_empty());
}

#[test]
fn maintain_store_commands_and_freebusy_publish() {
    let dir = setup(
        "store = \"fs:data\"\nfreebusy_dir = \"public\"\nresources = \"resources.toml\"\n",
        Some("[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\nkind = \"free-busy\"\n"),
    );
    let request = invitation(
        "m1@example.com",
        "alice@example.com",
        &["room@example.com"],
        "20300310T140000Z",
        "20300310T150000Z",
    );
    let booked = imip(
        dir.path(),
        &with_config(&["--dry-run", "resource", "--recipient", "room@example.com"]),
        request.as_bytes(),
    );
    assert_eq!(booked.status.code(), Some(0), "{}", stderr(&booked));
    let maintain = imip(dir.path(), &with_config(&["maintain"]), b"");
    assert_eq!(maintain.status.code(), Some(0), "{}", stderr(&maintain));
    assert!(stdout(&maintain).starts_with("1 user(s):"), "{}", stdout(&maintain));

    let check = imip(dir.path(), &with_config(&["store", "check"]), b"");
    assert_eq!(check.status.code(), Some(0), "{}{}", stdout(&check), stderr(&check));
    let copy = imip(dir.path(), &with_config(&["store", "copy", "--to", "sqlite:copy.db"]), b"");
    assert_eq!(copy.status.code(), Some(0), "{}", stderr(&copy));
    let check_copy = imip(dir.path(), &with_config(&["--store", "sqlite:copy.db", "store", "check"]), b"");
    assert_eq!(check_copy.status.code(), Some(0), "{}", stdout(&check_copy));
    assert_eq!(imip(dir.path(), &with_config(&["store", "repair"]), b"").status.code(), Some(0));

    // The room shares by default: its .ifb shows the booking without its title.
    let publish = imip(dir.path(), &with_config(&["freebusy", "publish", "--days", "2000"]), b"");
    assert_eq!(publish.status.code(), Some(0), "{}", stderr(&publish));
    let ifb = std::fs::read_to_string(dir.path().join("public/room@example.com.ifb")).unwrap();
    assert!(ifb.contains("FREEBUSY;FBTYPE=BUSY:20300310T140000Z/20300310T150000Z"), "{ifb}");
    assert!(!ifb.contains("Planning"));
}

#[test]
fn prefs_set_refuses_unknown_keys_and_bad_values_with_sysexits_codes() {
    let dir = setup("store = \"fs:data\"\n", None);
    let set = |key: &str, value: &str| {
        imip(dir.path(), &with_config(&["prefs", "set", "bob@example.com", key, value]), b"")
    };
    let misspelled = set("incomming", "summary-only");
    assert_eq!(misspelled.status.code(), Some(64), "{}", stderr(&misspelled));
    assert!(stderr(&misspelled).contains("not a preference"), "{}", stderr(&misspelled));
    let horizon = set("freebusy.horizon", "20990101T000000Z");
    assert_eq!(horizon.status.code(), Some(64), "engine state is not a preference: {}", stderr(&horizon));
    let zone = set("TZID", "Europe/Atlantis");
    assert_eq!(zone.status.code(), Some(65), "{}", stderr(&zone));
    assert!(stderr(&zone).contains("IANA time zone"), "{}", stderr(&zone));
    let sharing = set("freebusy_sharing", "yes");
    assert_eq!(sharing.status.code(), Some(65), "{}", stderr(&sharing));
    assert!(stderr(&sharing).contains("share or no"), "{}", stderr(&sharing));
    let availability = set("availability", "BEGIN:VAVAILABILITY\nnonsense");
    assert_eq!(availability.status.code(), Some(65), "{}", stderr(&availability));
    assert!(stderr(&availability).contains("availability"), "{}", stderr(&availability));
    // Nothing of it was stored.
    let list = imip(dir.path(), &with_config(&["prefs", "list", "bob@example.com"]), b"");
    assert!(stdout(&list).is_empty(), "{}", stdout(&list));
    // A Windows zone name is taken as the IANA zone it maps to.
    let windows = set("TZID", "W. Europe Standard Time");
    assert_eq!(windows.status.code(), Some(0), "{}", stderr(&windows));
    let get = imip(dir.path(), &with_config(&["prefs", "get", "bob@example.com", "TZID"]), b"");
    assert_eq!(stdout(&get), "Europe/Berlin\n");
}

#[test]
fn a_new_zone_recomputes_stored_freebusy_in_the_same_commit() {
    let dir = setup("store = \"fs:data\"\ndelivery = \"maildir:mail\"\n", None);
    // An all-day invitation: its busy time is the day in Bob's zone.
    let request = mail(
        "alice@example.com",
        "bob@example.com",
        "day@example.com",
        "REQUEST",
        "UID:day@example.com\r\nDTSTAMP:20250301T090000Z\r\nDTSTART;VALUE=DATE:20300310\r\n\
         DTEND;VALUE=DATE:20300311\r\nSUMMARY:Offsite\r\nORGANIZER:mailto:alice@example.com\r\n\
         ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com\r\n",
    );
    let out =
        imip(dir.path(), &with_config(&["person", "--recipient", "bob@example.com"]), request.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let window =
        ["freebusy", "--user", "bob@example.com", "--from", "20300309T000000Z", "--to", "20300312T000000Z"];
    let before = stdout(&imip(dir.path(), &with_config(&window), b""));
    assert!(before.contains("20300310T000000Z/20300311T000000Z"), "{before}");
    let set = imip(dir.path(), &with_config(&["prefs", "set", "bob@example.com", "TZID", "Asia/Tokyo"]), b"");
    assert_eq!(set.status.code(), Some(0), "{}", stderr(&set));
    let after = stdout(&imip(dir.path(), &with_config(&window), b""));
    assert!(after.contains("20300309T150000Z/20300310T150000Z"), "the day in Tokyo: {after}");
    let check = imip(dir.path(), &with_config(&["store", "check"]), b"");
    assert_eq!(check.status.code(), Some(0), "{}{}", stdout(&check), stderr(&check));
}

#[test]
fn store_check_reports_a_stored_preference_that_no_longer_parses() {
    let dir = setup("store = \"fs:data\"\n", None);
    let set = imip(
        dir.path(),
        &with_config(&["prefs", "set", "bob@example.com", "freebusy_sharing", "share"]),
        b"",
    );
    assert_eq!(set.status.code(), Some(0), "{}", stderr(&set));
    // An older imip took "yes"; an administrator's hand edit does the same.
    let principals = dir.path().join("data/principals");
    let bob = std::fs::read_dir(&principals).expect("principals").next().expect("bob").expect("entry").path();
    std::fs::write(bob.join("prefs/freebusy_sharing"), "yes").expect("edit");
    let check = imip(dir.path(), &with_config(&["store", "check"]), b"");
    assert_eq!(check.status.code(), Some(65), "{}{}", stdout(&check), stderr(&check));
    let said = format!("{}{}", stdout(&check), stderr(&check));
    assert!(said.contains("bob@example.com") && said.contains("freebusy_sharing"), "{said}");
}

#[test]
fn itip_process_on_a_bare_ics_checks_no_sender_unless_given_and_prints_no_private_data() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("stored.ics"), "BEGIN:VCALENDAR\r\nPRODID:-//t//EN\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:b1@example.com\r\nDTSTAMP:20250301T090000Z\r\nDTSTART:20300310T140000Z\r\nDTEND:20300310T150000Z\r\nORGANIZER:mailto:alice@example.com\r\nATTENDEE:mailto:bob@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").unwrap();
    std::fs::write(dir.path().join("reply.ics"), "BEGIN:VCALENDAR\r\nPRODID:-//t//EN\r\nVERSION:2.0\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:b1@example.com\r\nDTSTAMP:20250302T090000Z\r\nORGANIZER:mailto:alice@example.com\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").unwrap();
    let run = |extra: &[&str]| {
        let mut args =
            vec!["itip", "process", "--as", "alice@example.com", "--stored", "stored.ics", "--json"];
        args.extend_from_slice(extra);
        args.push("reply.ics");
        let out = imip(dir.path(), &args, b"");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("JSON")
    };
    // Without --from, as the help says, nobody is checked.
    let unchecked = run(&[]);
    assert_eq!(unchecked["status"], "applied: reply recorded");
    let object = unchecked["object"].as_str().unwrap().replace("\r\n ", "");
    assert!(object.contains("PARTSTAT=ACCEPTED"), "{object}");
    assert!(!object.contains("X-IMIP"), "no private bookkeeping in what is printed: {object}");
    // With --from, the sender is checked.
    let checked = run(&["--from", "mallory@example.org"]);
    assert!(checked["status"].as_str().unwrap().starts_with("refused:"), "{checked}");
}

#[test]
fn a_held_reply_from_someone_uninvited_is_admitted_or_dismissed() {
    let smtp = Listener::start();
    let dir = setup(
        &format!("store = \"fs:data\"\ntransport = \"smtp:{}\"\ndelivery = \"maildir:mail\"\n", smtp.address),
        None,
    );
    for uid in ["admit@example.com", "dismiss@example.com"] {
        let sent = invitation(
            uid,
            "alice@example.com",
            &["bob@example.com"],
            "20300310T140000Z",
            "20300310T150000Z",
        );
        let out = imip(dir.path(), &with_config(&["person-outgoing"]), sent.as_bytes());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        // Eve got a forwarded copy, and replies.
        let reply = mail(
            "eve@example.com",
            "alice@example.com",
            &format!("reply-{uid}"),
            "REPLY",
            &format!(
                "UID:{uid}\r\nDTSTAMP:20250302T090000Z\r\nSEQUENCE:0\r\nORGANIZER:mailto:alice@example.com\r\n\
                 ATTENDEE;PARTSTAT=ACCEPTED:mailto:eve@example.com\r\n"
            ),
        );
        let out =
            imip(dir.path(), &with_config(&["person", "--recipient", "alice@example.com"]), reply.as_bytes());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let pending = stdout(&imip(dir.path(), &with_config(&["pending"]), b""));
    assert_eq!(pending.matches("reply from uninvited eve@example.com").count(), 2, "{pending}");

    let approve =
        imip(dir.path(), &with_config(&["approve", "--as", "alice@example.com", "admit@example.com"]), b"");
    assert_eq!(approve.status.code(), Some(0), "{}", stderr(&approve));
    assert!(stdout(&approve).contains("applied: reply recorded"), "{}", stdout(&approve));
    let decline =
        imip(dir.path(), &with_config(&["decline", "--as", "alice@example.com", "dismiss@example.com"]), b"");
    assert_eq!(decline.status.code(), Some(0), "{}", stderr(&decline));
    assert!(stdout(&decline).contains("applied: dismissed"), "{}", stdout(&decline));
    assert!(smtp.mails().is_empty(), "neither sends mail: no DECLINECOUNTER for a reply");
    assert!(stdout(&imip(dir.path(), &with_config(&["pending"]), b"")).is_empty(), "nothing waits any more");
    // Eve is now an attendee of the first meeting with her answer: Alice's
    // store checks clean and knows Eve busy then (learned from her answer).
    let check = imip(dir.path(), &with_config(&["store", "check"]), b"");
    assert_eq!(check.status.code(), Some(0), "{}{}", stdout(&check), stderr(&check));
    let objects: Vec<String> = walk(&dir.path().join("data"))
        .into_iter()
        .filter(|p| p.ends_with("object.ics"))
        .map(|p| std::fs::read_to_string(p).unwrap().replace("\r\n ", ""))
        .collect();
    let admitted =
        objects.iter().find(|o| o.contains("UID:admit@example.com")).expect("the admitted meeting");
    assert!(
        admitted.contains("PARTSTAT=ACCEPTED") && admitted.contains("mailto:eve@example.com"),
        "{admitted}"
    );
    let dismissed =
        objects.iter().find(|o| o.contains("UID:dismiss@example.com")).expect("the other meeting");
    assert!(!dismissed.contains("eve@example.com"), "{dismissed}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() { found.extend(walk(&path)) } else { found.push(path) }
    }
    found
}

/// The README's exit-code table and `imip --help` name the same codes,
/// and every code the binary can return is in both.
#[test]
fn the_readme_and_the_help_agree_on_exit_codes() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).expect("README");
    let table: Vec<u8> = readme
        .lines()
        .skip_while(|l| !l.starts_with("Exit codes follow sysexits(3)"))
        .filter_map(|l| l.strip_prefix("| ").and_then(|r| r.split(' ').next()).and_then(|c| c.parse().ok()))
        .collect();
    let source = include_str!("../src/exit.rs");
    let defined: Vec<u8> = source
        .lines()
        .filter_map(|l| l.strip_prefix("pub(crate) const EX_"))
        .filter_map(|l| l.rsplit("= ").next()?.trim_end_matches(';').parse().ok())
        .collect();
    let help = stdout(&imip(std::path::Path::new("."), &["--help"], b""));
    for code in defined.iter().chain([0u8].iter()) {
        assert!(table.contains(code), "README's table lacks {code}: {table:?}");
        assert!(help.contains(&format!(" {code} ")), "--help lacks {code}: {help}");
    }
}

/// `imip itip diff` and `imip itip process` show this stop's engine cases
/// through the binary: a rewrite with the same meaning sends nothing and
/// a real change sends a REQUEST (RFC 6638 §3.2.8); a REQUEST with an
/// RRULE that does not parse is answered 3.1 and one with a date that
/// does not exist 3.5 (RFC 5546 §3.6).
#[test]
fn itip_diff_and_process_show_meaning_and_invalid_values() {
    let dir = tempfile::tempdir().unwrap();
    let series = |rule: &str, end: &str| {
        format!(
            "BEGIN:VCALENDAR\r\nPRODID:-//t//EN\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:s1@example.com\r\n\
             DTSTAMP:20250301T090000Z\r\nSEQUENCE:0\r\nDTSTART:20300310T140000Z\r\n{end}\r\nRRULE:{rule}\r\n\
             SUMMARY:Stand-up\r\nORGANIZER:mailto:alice@example.com\r\n\
             ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    };
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write("old.ics", &series("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4", "DTEND:20300310T141500Z"));
    write(
        "same.ics",
        &series("FREQ=WEEKLY;INTERVAL=1;WKST=MO;BYDAY=WE,MO;UNTIL=20300320T140000Z", "DURATION:PT15M"),
    );
    write("longer.ics", &series("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=5", "DTEND:20300310T141500Z"));
    let diff = |new: &str| {
        let out = imip(
            dir.path(),
            &["itip", "diff", "--as", "alice@example.com", "--old", "old.ics", "--new", new, "--json"],
            b"",
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("JSON")
    };
    let same = diff("same.ics");
    assert_eq!(same["messages"].as_array().map(Vec::len), Some(0), "{same}");
    assert!(same["object"].as_str().unwrap().contains("SEQUENCE:0"), "{same}");
    let longer = diff("longer.ics");
    assert_eq!(longer["messages"][0]["method"], "REQUEST", "{longer}");
    assert!(longer["messages"][0]["ical"].as_str().unwrap().contains("SEQUENCE:1"), "{longer}");

    for (property, value, code) in
        [("RRULE", "FREQ=FORTNIGHTLY", "3.1"), ("DTSTART", "20301345T140000Z", "3.5")]
    {
        let request = format!(
            "BEGIN:VCALENDAR\r\nPRODID:-//t//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n\
             UID:bad@example.com\r\nDTSTAMP:20250301T090000Z\r\nDTSTART:20300310T140000Z\r\n\
             DTEND:20300310T150000Z\r\n{property}:{value}\r\nSUMMARY:Bad\r\n\
             ORGANIZER:mailto:alice@example.com\r\nATTENDEE;RSVP=TRUE:mailto:bob@example.com\r\n\
             END:VEVENT\r\nEND:VCALENDAR\r\n"
        )
        .replace(
            "DTSTART:20300310T140000Z\r\nDTEND:20300310T150000Z\r\nDTSTART:",
            "DTEND:20300310T150000Z\r\nDTSTART:",
        );
        write("bad.ics", &request);
        let out = imip(
            dir.path(),
            &[
                "itip",
                "process",
                "--as",
                "bob@example.com",
                "--from",
                "alice@example.com",
                "bad.ics",
                "--json",
            ],
            b"",
        );
        assert_eq!(out.status.code(), Some(0), "{property}: {}", stderr(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(json["refused"], true, "{property}: {json}");
        let reply = json["messages"][0]["ical"].as_str().unwrap_or_default().replace("\r\n ", "");
        assert!(reply.contains(&format!("REQUEST-STATUS:{code};")), "{property}: {reply}");
        assert!(!reply.contains(value), "the invalid value is not copied: {reply}");
    }
}

/// `imip itip process` on a delivery report shows the SCHEDULE-STATUS it
/// sets on the organizer's copy (RFC 6638 §3.2.9) and tells why; against
/// a copy that never recorded that Message-ID it changes nothing.
#[test]
fn itip_process_shows_what_a_bounce_records() {
    let dir = tempfile::tempdir().unwrap();
    let id = "x.u726576696577406578616d706c652e636f6d@example.com";
    let bounce = format!(
        "From: MAILER-DAEMON@example.com\r\nTo: a@example.com\r\nSubject: Undelivered\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n\
         --B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n\
         Final-Recipient: rfc822; c@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n\
         --B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{id}>\r\n\r\n--B--\r\n"
    );
    std::fs::write(dir.path().join("bounce.eml"), bounce).unwrap();
    let copy = |sent: &str| {
        format!(
            "BEGIN:VCALENDAR\r\nPRODID:-//x//EN\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:review@example.com\r\n\
             DTSTAMP:20250301T090000Z\r\nDTSTART:20250310T090000Z\r\nSUMMARY:Review\r\n\
             ORGANIZER:mailto:a@example.com\r\nATTENDEE;SCHEDULE-STATUS=1.1;X-IMIP-SENT={sent}:mailto:c@example.org\r\n\
             END:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    };
    std::fs::write(dir.path().join("sent.ics"), copy(id)).unwrap();
    std::fs::write(dir.path().join("other.ics"), copy("other@example.com")).unwrap();
    let run = |stored: &str| {
        imip(dir.path(), &["itip", "process", "--as", "a@example.com", "--stored", stored, "bounce.eml"], b"")
    };
    let out = run("sent.ics");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = stdout(&out);
    assert!(printed.contains("applied: delivery status recorded"), "{printed}");
    assert!(printed.contains("ATTENDEE;SCHEDULE-STATUS=5.1:mailto:c@example.org"), "{printed}");
    assert!(!printed.contains("X-IMIP"), "no private parameter is printed: {printed}");
    assert!(stderr(&out).contains("could not be delivered to c@example.org"), "{}", stderr(&out));
    let out = run("other.ics");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("ignored: bounce: it names a mail imip never sent"), "{}", stdout(&out));
}

/// `imip refresh` asks the organizer for the latest version (RFC 5546
/// §3.2.6), and `imip delegate` hands Bob's place to Dana (§3.2.2.3): the
/// organizer gets a REPLY with DELEGATED and DELEGATED-TO, and Dana the
/// invitation with DELEGATED-FROM. An unknown UID is a usage error.
#[test]
fn refresh_and_delegate_from_the_command_line() {
    let smtp = Listener::start();
    let dir = setup(
        &format!("store = \"fs:data\"\ntransport = \"smtp:{}\"\ndelivery = \"maildir:mail\"\n", smtp.address),
        None,
    );
    let request = invitation(
        "r1@example.com",
        "alice@example.com",
        &["bob@example.com"],
        "20300310T140000Z",
        "20300310T150000Z",
    );
    let out =
        imip(dir.path(), &with_config(&["person", "--recipient", "bob@example.com"]), request.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let refresh =
        imip(dir.path(), &with_config(&["refresh", "--as", "bob@example.com", "r1@example.com"]), b"");
    assert_eq!(refresh.status.code(), Some(0), "{}", stderr(&refresh));
    let sent = smtp.mails();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].to, vec!["alice@example.com".to_string()]);
    assert!(sent[0].data.contains("METHOD:REFRESH"), "{}", sent[0].data);

    let delegate = imip(
        dir.path(),
        &with_config(&["delegate", "--as", "bob@example.com", "r1@example.com", "--to", "dana@example.com"]),
        b"",
    );
    assert_eq!(delegate.status.code(), Some(0), "{}", stderr(&delegate));
    let sent = smtp.mails();
    let unfold = |data: &str| data.replace("\r\n ", "");
    let reply = sent.iter().find(|m| m.data.contains("METHOD:REPLY")).expect("a REPLY to the organizer");
    assert_eq!(reply.to, vec!["alice@example.com".to_string()]);
    assert!(unfold(&reply.data).contains("DELEGATED-TO=\"mailto:dana@example.com\""), "{}", reply.data);
    assert!(unfold(&reply.data).contains("PARTSTAT=DELEGATED"), "{}", reply.data);
    let forwarded = sent.iter().find(|m| m.data.contains("METHOD:REQUEST")).expect("the invitation for Dana");
    assert_eq!(forwarded.to, vec!["dana@example.com".to_string()]);
    assert!(
        unfold(&forwarded.data).contains("DELEGATED-FROM=\"mailto:bob@example.com\""),
        "{}",
        forwarded.data
    );

    let unknown =
        imip(dir.path(), &with_config(&["refresh", "--as", "bob@example.com", "nope@example.com"]), b"");
    assert_eq!(unknown.status.code(), Some(64), "{}", stderr(&unknown));
}
