//! A person's own commands: `event create|edit|cancel` with a room that
//! answers, `counter`, `agenda`, and handles in place of UIDs. The mail
//! goes out over SMTP to a listener; what the room must see is fed to
//! `imip resource`, as the MTA would.

mod common;
use common::{Listener, imip, invitation, setup, stderr, stdout, with_config};

const RESOURCES: &str =
    "[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\nkind = \"free-busy\"\n";

fn config(smtp: &Listener) -> String {
    format!(
        "store = \"fs:data\"\nresources = \"resources.toml\"\nsender = \"calendar@example.com\"\n\
         transport = \"smtp:{}\"\ndelivery = \"maildir:mail\"\n",
        smtp.address
    )
}

fn unfold(text: &str) -> String {
    text.replace("\r\n ", "").replace("\r\n", "\n")
}

/// The mails sent since `seen`, for `to`.
fn sent_to(smtp: &Listener, seen: usize, to: &str) -> Vec<String> {
    smtp.mails()[seen..].iter().filter(|m| m.to.iter().any(|t| t == to)).map(|m| m.data.clone()).collect()
}

/// stdout as printed (the agenda's indentation kept).
fn text(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn ok(out: &std::process::Output) {
    assert_eq!(out.status.code(), Some(0), "stdout: {}\nstderr: {}", stdout(out), stderr(out));
}

#[test]
fn create_edit_and_cancel_an_event_with_a_room_that_answers() {
    let smtp = Listener::start();
    let dir = setup(&config(&smtp), Some(RESOURCES));
    let run = |args: &[&str], stdin: &[u8]| imip(dir.path(), &with_config(args), stdin);
    ok(&run(&["prefs", "set", "alice@example.com", "TZID", "Europe/Oslo"], b""));
    ok(&run(&["prefs", "set", "alice@example.com", "CN", "Alice Smith"], b""));

    // Create: Bob and the room are invited, in Oslo time.
    let created = run(
        &[
            "event",
            "create",
            "--as",
            "alice@example.com",
            "--title",
            "Q1 planning; budget",
            "--start",
            "2030-03-12 10:00",
            "--duration",
            "1h30m",
            "--location",
            "Room 1",
            "--attendee",
            "bob@example.com",
            "--room",
            "room@example.com",
        ],
        b"",
    );
    ok(&created);
    let printed = stdout(&created);
    let (uid, handle) = printed.lines().next().and_then(|l| l.split_once('\t')).expect("UID and handle");
    assert_eq!(handle.len(), 6, "{printed}");
    let to_room = sent_to(&smtp, 0, "room@example.com");
    assert_eq!(to_room.len(), 1, "one REQUEST for the room");
    let request = unfold(&to_room[0]);
    assert!(request.contains("METHOD:REQUEST"), "{request}");
    assert!(request.contains("DTSTART;TZID=Europe/Oslo:20300312T100000"), "{request}");
    assert!(request.contains("DTEND;TZID=Europe/Oslo:20300312T113000"), "{request}");
    assert!(request.contains("SUMMARY:Q1 planning\\; budget"), "{request}");
    assert!(request.contains("ORGANIZER;CN=\"Alice Smith\":mailto:alice@example.com"), "{request}");
    assert!(request.contains("BEGIN:VTIMEZONE"), "{request}");
    assert!(request.contains("CUTYPE=ROOM"), "{request}");
    assert_eq!(sent_to(&smtp, 0, "bob@example.com").len(), 1, "one REQUEST for Bob");

    // The room answers by its policy; its REPLY reaches Alice's agent.
    let seen = smtp.mails().len();
    ok(&run(&["resource", "--recipient", "room@example.com"], to_room[0].as_bytes()));
    let reply = sent_to(&smtp, seen, "alice@example.com");
    assert_eq!(reply.len(), 1, "the room replied");
    assert!(unfold(&reply[0]).contains("PARTSTAT=ACCEPTED"), "{}", reply[0]);
    ok(&run(&["person", "--recipient", "alice@example.com"], reply[0].as_bytes()));

    // Both calendars show it: Alice organizes, the room has accepted.
    let alice = text(&run(&["agenda", "--as", "alice@example.com", "--week", "--from", "2030-03-12"], b""));
    assert!(alice.contains("Monday 11 March 2030 – Sunday 17 March 2030 (Europe/Oslo)"), "{alice}");
    assert!(
        alice.contains(&format!(
            "Tuesday 12 March 2030\n  10:00–11:30 Q1 planning; budget · Room 1 · you organize  [{handle}]"
        )),
        "{alice}"
    );
    let room = text(&run(
        &["agenda", "--as", "room@example.com", "--day", "--from", "2030-03-12", "--zone", "UTC"],
        b"",
    ));
    assert!(room.contains("09:00–10:30 Q1 planning; budget · Room 1 · accepted"), "{room}");

    // Edit by handle: later, elsewhere, without Bob.
    let seen = smtp.mails().len();
    ok(&run(
        &[
            "event",
            "edit",
            "--as",
            "alice@example.com",
            handle,
            "--start",
            "2030-03-12 14:00",
            "--location",
            "Room 4.12",
            "--uninvite",
            "bob@example.com",
        ],
        b"",
    ));
    let to_bob = sent_to(&smtp, seen, "bob@example.com");
    assert_eq!(to_bob.len(), 1, "Bob is told");
    assert!(to_bob[0].contains("METHOD:CANCEL"), "{}", to_bob[0]);
    let to_room = sent_to(&smtp, seen, "room@example.com");
    assert_eq!(to_room.len(), 1, "the room gets the update");
    let update = unfold(&to_room[0]);
    assert!(update.contains("METHOD:REQUEST") && update.contains("SEQUENCE:1"), "{update}");
    // The length is kept: 14:00–15:30.
    assert!(update.contains("DTEND;TZID=Europe/Oslo:20300312T153000"), "{update}");
    assert!(update.contains("LOCATION:Room 4.12"), "{update}");
    assert!(!update.contains("mailto:bob@example.com"), "{update}");
    let seen = smtp.mails().len();
    ok(&run(&["resource", "--recipient", "room@example.com"], to_room[0].as_bytes()));
    let reply = sent_to(&smtp, seen, "alice@example.com");
    assert!(unfold(&reply[0]).contains("PARTSTAT=ACCEPTED"), "{}", reply[0]);
    ok(&run(&["person", "--recipient", "alice@example.com"], reply[0].as_bytes()));
    let room = text(&run(
        &["agenda", "--as", "room@example.com", "--day", "--from", "2030-03-12", "--zone", "UTC"],
        b"",
    ));
    assert!(room.contains("13:00–14:30 Q1 planning; budget · Room 4.12 · accepted"), "{room}");

    // Only the organizer edits or cancels.
    let bob = run(&["event", "cancel", "--as", "room@example.com", uid], b"");
    assert_eq!(bob.status.code(), Some(64), "{}", stderr(&bob));
    assert!(stderr(&bob).contains("does not organize"), "{}", stderr(&bob));

    // Cancel: the room is told and frees the slot.
    let seen = smtp.mails().len();
    ok(&run(&["event", "cancel", "--as", "alice@example.com", handle], b""));
    let to_room = sent_to(&smtp, seen, "room@example.com");
    assert_eq!(to_room.len(), 1);
    assert!(to_room[0].contains("METHOD:CANCEL"), "{}", to_room[0]);
    assert!(sent_to(&smtp, seen, "bob@example.com").is_empty(), "Bob was no longer invited");
    ok(&run(&["resource", "--recipient", "room@example.com"], to_room[0].as_bytes()));
    let room = text(&run(
        &["agenda", "--as", "room@example.com", "--day", "--from", "2030-03-12", "--zone", "UTC"],
        b"",
    ));
    assert!(!room.contains("Q1 planning"), "{room}");
    assert!(room.contains("nothing planned"), "{room}");
}

/// RFC 5546 §3.2.5: the organizer cancels one occurrence of a weekly
/// meeting; Bob and the room get a CANCEL for it alone, the room frees
/// that week only, and the other weeks stand.
#[test]
fn cancel_one_occurrence_of_a_series_and_the_room_frees_that_week_only() {
    let smtp = Listener::start();
    let dir = setup(&config(&smtp), Some(RESOURCES));
    let run = |args: &[&str], stdin: &[u8]| imip(dir.path(), &with_config(args), stdin);
    ok(&run(&["prefs", "set", "alice@example.com", "TZID", "Europe/Oslo"], b""));
    let created = run(
        &[
            "event",
            "create",
            "--as",
            "alice@example.com",
            "--title",
            "Weekly",
            "--start",
            "2030-03-12 10:00",
            "--duration",
            "1h",
            "--repeat",
            "FREQ=WEEKLY;COUNT=4",
            "--attendee",
            "bob@example.com",
            "--room",
            "room@example.com",
        ],
        b"",
    );
    ok(&created);
    let printed = stdout(&created);
    let (_, handle) = printed.lines().next().and_then(|l| l.split_once('\t')).expect("UID and handle");
    let to_room = sent_to(&smtp, 0, "room@example.com");
    ok(&run(&["resource", "--recipient", "room@example.com"], to_room[0].as_bytes()));
    let month =
        ["agenda", "--as", "room@example.com", "--month", "--from", "2030-03-01", "--zone", "Europe/Oslo"];
    let before = text(&run(&month, b""));
    assert!(before.contains("Tuesday 19 March 2030\n  10:00–11:00 Weekly"), "{before}");

    // Not an occurrence: refused, saying why, nothing sent.
    let seen = smtp.mails().len();
    let off = run(
        &["event", "cancel", "--as", "alice@example.com", handle, "--occurrence", "2030-03-19 11:00"],
        b"",
    );
    assert_eq!(off.status.code(), Some(64), "{}", stderr(&off));
    assert!(
        stderr(&off).contains("the series has no occurrence at 2030-03-19 11:00 (Europe/Oslo) to cancel"),
        "{}",
        stderr(&off)
    );
    assert_eq!(smtp.mails().len(), seen);

    ok(&run(
        &["event", "cancel", "--as", "alice@example.com", handle, "--occurrence", "2030-03-19 10:00"],
        b"",
    ));
    for who in ["bob@example.com", "room@example.com"] {
        let mails = sent_to(&smtp, seen, who);
        assert_eq!(mails.len(), 1, "{who} is told once");
        let cancel = unfold(&mails[0]);
        assert!(cancel.contains("METHOD:CANCEL"), "{cancel}");
        assert!(cancel.contains("RECURRENCE-ID;TZID=Europe/Oslo:20300319T100000"), "{cancel}");
        assert!(!cancel.contains("RRULE"), "{cancel}");
    }
    let to_room = sent_to(&smtp, seen, "room@example.com");
    ok(&run(&["resource", "--recipient", "room@example.com"], to_room[0].as_bytes()));
    let room = text(&run(&month, b""));
    assert!(room.contains("Tuesday 12 March 2030\n  10:00–11:00 Weekly"), "{room}");
    assert!(!room.contains("Tuesday 19 March 2030\n  10:00"), "that week is free: {room}");
    assert!(room.contains("Tuesday 26 March 2030\n  10:00–11:00 Weekly"), "{room}");
    let alice = text(&run(&["agenda", "--as", "alice@example.com", "--month", "--from", "2030-03-01"], b""));
    assert!(!alice.contains("Tuesday 19 March 2030\n  10:00"), "{alice}");
    assert!(alice.contains("Tuesday 26 March 2030\n  10:00–11:00 Weekly"), "{alice}");
}

#[test]
fn what_people_type_wrong_is_refused_with_a_reason() {
    let smtp = Listener::start();
    let dir = setup(&config(&smtp), Some(RESOURCES));
    let run = |args: &[&str]| imip(dir.path(), &with_config(args), b"");
    let create = |extra: &[&str]| {
        let mut args = vec!["event", "create", "--as", "alice@example.com", "--title", "T"];
        args.extend_from_slice(extra);
        run(&args)
    };
    for (extra, says) in [
        (&["--start", "2030-03-31 02:30", "--zone", "Europe/Oslo"][..], "does not exist in Europe/Oslo"),
        (&["--start", "2030-03-12 10:00", "--end", "09:00"][..], "is not after the start"),
        (&["--start", "tomorrow"][..], "give a time like"),
        (&["--start", "2030-03-12 10:00", "--zone", "Mars/Olympus"][..], "is not a time zone"),
        (&["--start", "2030-03-12 10:00", "--duration", "forever"][..], "give a length like"),
        (&["--start", "2030-03-12 10:00", "--repeat", "FREQ=FORTNIGHTLY"][..], "RRULE is not valid"),
        (&["--start", "2030-03-12 10:00", "--attendee", "not an address"][..], "is not a mail address"),
    ] {
        let out = create(extra);
        assert_eq!(out.status.code(), Some(64), "{extra:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{extra:?}: {}", stderr(&out));
    }
    assert!(smtp.mails().is_empty(), "nothing was sent");
    let out = run(&["event", "edit", "--as", "alice@example.com", "nope@example.com", "--title", "X"]);
    assert_eq!(out.status.code(), Some(64), "{}", stderr(&out));
    let out = run(&["agenda", "--as", "alice@example.com", "--from", "12/03/2030"]);
    assert_eq!(out.status.code(), Some(64), "{}", stderr(&out));
}

#[test]
fn counter_proposes_another_time_to_the_organizer_by_handle() {
    let smtp = Listener::start();
    let dir = setup(&config(&smtp), Some(RESOURCES));
    let run = |args: &[&str], stdin: &[u8]| imip(dir.path(), &with_config(args), stdin);
    let request = invitation(
        "c1@example.com",
        "carol@example.com",
        &["bob@example.com"],
        "20300310T140000Z",
        "20300310T150000Z",
    );
    ok(&run(&["person", "--recipient", "bob@example.com"], request.as_bytes()));
    let pending = stdout(&run(&["pending", "--user", "bob@example.com"], b""));
    let handle = pending.split('\t').next().expect("a handle").to_string();
    let week = text(&run(&["agenda", "--as", "bob@example.com", "--from", "2030-03-10", "--day"], b""));
    assert!(week.contains(&format!("? 14:00–15:00 Planning · no answer yet  [{handle}]")), "{week}");
    assert!(week.contains("? waits for an answer"), "{week}");

    ok(&run(
        &[
            "counter",
            "--as",
            "bob@example.com",
            &handle,
            "--start",
            "2030-03-10 16:00",
            "--zone",
            "UTC",
            "--comment",
            "Could we meet after lunch?",
        ],
        b"",
    ));
    let sent = sent_to(&smtp, 0, "carol@example.com");
    assert_eq!(sent.len(), 1, "one COUNTER to the organizer");
    let counter = unfold(&sent[0]);
    assert!(counter.contains("METHOD:COUNTER"), "{counter}");
    assert!(counter.contains("DTSTART:20300310T160000Z"), "{counter}");
    assert!(counter.contains("DTEND:20300310T170000Z"), "the length is kept: {counter}");
    assert!(counter.contains("COMMENT:Could we meet after lunch?"), "{counter}");

    let nothing = run(&["counter", "--as", "bob@example.com", &handle], b"");
    assert_eq!(nothing.status.code(), Some(64), "{}", stderr(&nothing));
    assert!(stderr(&nothing).contains("propose something"), "{}", stderr(&nothing));
}

#[test]
fn every_command_has_an_example_in_its_help() {
    let dir = tempfile::tempdir().unwrap();
    let commands = [
        "person",
        "person-outgoing",
        "resource",
        "itip process",
        "itip diff",
        "freebusy",
        "freebusy publish",
        "init-user",
        "prefs get",
        "prefs set",
        "prefs unset",
        "prefs list",
        "policy check",
        "pending",
        "approve",
        "decline",
        "refresh",
        "delegate",
        "counter",
        "event create",
        "event edit",
        "event cancel",
        "agenda",
        "outbox flush",
        "outbox list",
        "outbox remove",
        "maintain",
        "store check",
        "store repair",
        "store copy",
        "store import-imip-agent",
        "web",
        "web passwd",
    ];
    for command in commands {
        let mut args = vec!["help"];
        args.extend(command.split(' '));
        let out = imip(dir.path(), &args, b"");
        assert_eq!(out.status.code(), Some(0), "{command}");
        let help = text(&out);
        let example = help
            .lines()
            .skip_while(|l| !l.trim_start().starts_with("Example"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(example.contains(&format!("imip {command}")), "{command}: {help}");
    }
}
