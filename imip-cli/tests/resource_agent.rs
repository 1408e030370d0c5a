//! The `imip resource` agent as an MTA runs it: mail on stdin, answers as
//! an mbox (dry run), exit codes by sysexits.

mod common;
use common::{Listener, imip as run, stderr};
use std::process::Output;

fn request(uid: &str, organizer: &str) -> String {
    common::invitation(uid, organizer, &["room@example.com"], "20300310T140000Z", "20300310T150000Z")
}

fn imip(dir: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    run(dir, args, stdin.as_bytes())
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("resources.toml"),
        "[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\nkind = \"free-busy\"\n",
    )
    .expect("resources");
    std::fs::write(dir.path().join("imip.toml"), "store = \"fs:data\"\nresources = \"resources.toml\"\n")
        .expect("config");
    dir
}

const RUN: &[&str] = &["--config", "imip.toml", "--dry-run", "resource", "--recipient", "room@example.com"];

#[test]
fn a_room_accepts_then_declines_the_same_slot_and_ignores_a_duplicate() {
    let dir = setup();
    let first = imip(dir.path(), RUN, &request("a1@example.com", "alice@example.com"));
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    let mbox = String::from_utf8_lossy(&first.stdout).replace("\n ", "");
    assert!(mbox.starts_with("From room@example.com "), "{mbox}");
    assert!(mbox.contains("ACCEPTED"), "{mbox}");
    assert!(mbox.contains("boundary=\"imip-") && !mbox.contains("imip-imip-"), "one prefix: {mbox}");

    let again = imip(dir.path(), RUN, &request("a1@example.com", "alice@example.com"));
    assert_eq!(again.status.code(), Some(0));
    assert!(again.stdout.is_empty(), "a duplicate sends nothing");

    let second = imip(dir.path(), RUN, &request("b1@example.com", "bob@example.com"));
    assert_eq!(second.status.code(), Some(0));
    let mbox = String::from_utf8_lossy(&second.stdout).replace("\n ", "");
    assert!(mbox.contains("DECLINED") && mbox.contains("To: <bob@example.com>"), "{mbox}");
}

#[test]
fn without_configuration_any_recipient_is_a_room_that_books_when_free() {
    let dir = tempfile::tempdir().unwrap();
    let run = ["resource", "--recipient", "room@example.com"];
    let first = imip(dir.path(), &run, &request("n1@example.com", "alice@example.com"));
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(String::from_utf8_lossy(&first.stdout).contains("ACCEPTED"));
    let second = imip(dir.path(), &run, &request("n2@example.com", "bob@example.com"));
    assert!(String::from_utf8_lossy(&second.stdout).contains("DECLINED"));
}

#[test]
fn the_owner_is_told_by_mail_and_replies_go_out_by_smtp() {
    let smtp = Listener::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("resources.toml"),
        "[[resource]]\naddress = \"room@example.com\"\nowner = \"facilities@example.com\"\n[[resource.policy]]\nkind = \"free-busy\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("imip.toml"),
        format!("store = \"sqlite:imip.db\"\nresources = \"resources.toml\"\nsender = \"calendar@example.com\"\ntransport = \"smtp:{}\"\n", smtp.address),
    )
    .unwrap();
    let out = imip(
        dir.path(),
        &["--config", "imip.toml", "resource", "--recipient", "room@example.com"],
        &request("s1@example.com", "alice@example.com"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mails = smtp.mails();
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert_eq!(mails[0].to, vec!["alice@example.com".to_string()]);
    assert!(mails[0].data.contains("ACCEPTED"));
    assert_eq!(mails[1].from, "calendar@example.com");
    assert_eq!(mails[1].to, vec!["facilities@example.com".to_string()]);
    assert!(mails[1].data.contains("Planning"), "{}", mails[1].data);
}

#[test]
fn recipients_come_from_the_envelope_headers() {
    let dir = setup();
    let mail =
        format!("X-Original-To: room@example.com\r\n{}", request("a1@example.com", "alice@example.com"));
    let out = imip(dir.path(), &["--config", "imip.toml", "--dry-run", "resource"], &mail);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).replace("\n ", "").contains("ACCEPTED"));
}

#[test]
fn configuration_problems_are_ex_config_never_tempfail() {
    let dir = setup();
    let mail = request("a1@example.com", "alice@example.com");
    let unknown = ["--config", "imip.toml", "--dry-run", "resource", "--recipient", "bob@example.com"];
    assert_eq!(imip(dir.path(), &unknown, &mail).status.code(), Some(78));
    let nobody = ["--config", "imip.toml", "--dry-run", "resource"];
    assert_eq!(imip(dir.path(), &nobody, &mail).status.code(), Some(78));
    assert_eq!(imip(dir.path(), &["--config", "missing.toml", "resource"], &mail).status.code(), Some(78));
    std::fs::write(
        dir.path().join("resources.toml"),
        "[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\nkind = \"accept-all\"\n",
    )
    .expect("write");
    let check = imip(dir.path(), &["policy", "check", "resources.toml"], "");
    assert_eq!(check.status.code(), Some(78));
    assert!(String::from_utf8_lossy(&check.stderr).contains("accept-all"));
    assert_eq!(imip(dir.path(), &["frobnicate"], "").status.code(), Some(64));
}

#[test]
fn the_readme_sample_is_booked_and_its_duplicate_sends_nothing() {
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/mail/request.eml");
    let mail = std::fs::read_to_string(sample).expect("examples/mail/request.eml");
    let dir = tempfile::tempdir().unwrap();
    let run = ["resource", "--dry-run", "--recipient", "room-b@example.com"];
    let first = imip(dir.path(), &run, &mail);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let mbox = common::stdout(&first);
    assert!(mbox.starts_with("From room-b@example.com "), "{mbox}");
    assert!(mbox.contains("PARTSTAT=ACCEPTED:mailto:room-b@example.com"), "{mbox}");
    let again = imip(dir.path(), &run, &mail);
    assert_eq!(again.status.code(), Some(0));
    assert!(again.stdout.is_empty(), "a duplicate sends nothing");
}

/// The outcome `imip resource` logged for the room.
fn logged_outcome(output: &Output) -> String {
    let log = stderr(output);
    let line = log.lines().find(|l| l.contains("room@example.com") && l.contains("outcome=")).unwrap_or("");
    let after = line.split("outcome=").nth(1).unwrap_or("");
    after.split(" sent=").next().unwrap_or("").trim_matches('"').to_string()
}

/// `imip itip process --read-store` for the room, on a file in `dir`.
fn ask_the_room(dir: &std::path::Path, file: &str) -> Output {
    let args = [
        "--config",
        "imip.toml",
        "itip",
        "process",
        "--read-store",
        "--as",
        "room@example.com",
        "--json",
        file,
    ];
    imip(dir, &args, "")
}

#[test]
fn itip_process_answers_for_a_resource_as_the_agent_does() {
    let dir = setup();
    let booked = imip(dir.path(), RUN, &request("a1@example.com", "alice@example.com"));
    assert_eq!(booked.status.code(), Some(0), "{}", stderr(&booked));

    // The same slot, asked by another organizer: first as a dry question
    // to `itip process`, reading the agent's store, then to the agent.
    let competing = request("b2@example.com", "bob@example.com");
    std::fs::write(dir.path().join("competing.eml"), &competing).expect("write");
    let asked = ask_the_room(dir.path(), "competing.eml");
    assert_eq!(asked.status.code(), Some(0), "{}", stderr(&asked));
    let json: serde_json::Value = serde_json::from_slice(&asked.stdout).expect("json");
    assert_eq!(json["status"], "applied: resource declined");
    let reply = json["messages"][0]["ical"].as_str().unwrap_or_default().replace("\r\n ", "");
    assert!(reply.contains("PARTSTAT=DECLINED"), "{reply}");

    let answered = imip(dir.path(), RUN, &competing);
    assert_eq!(answered.status.code(), Some(0), "{}", stderr(&answered));
    assert_eq!(logged_outcome(&answered), "applied: resource declined", "{}", stderr(&answered));
    let mbox = String::from_utf8_lossy(&answered.stdout).replace("\n ", "");
    assert!(mbox.contains("PARTSTAT=3DDECLINED"), "{mbox}");

    // A VFREEBUSY request: the same busy time both ways.
    let vfreebusy = "From: carol@example.com\r\nTo: room@example.com\r\nSubject: free/busy\r\n\
        Message-ID: <fb@example.com>\r\nMIME-Version: 1.0\r\n\
        Content-Type: text/calendar; method=REQUEST; charset=utf-8\r\n\r\n\
        BEGIN:VCALENDAR\r\nPRODID:-//test//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VFREEBUSY\r\n\
        UID:fb-1@example.com\r\nDTSTAMP:20250301T090000Z\r\nDTSTART:20300310T000000Z\r\n\
        DTEND:20300311T000000Z\r\nORGANIZER:mailto:carol@example.com\r\nATTENDEE:mailto:room@example.com\r\n\
        END:VFREEBUSY\r\nEND:VCALENDAR\r\n";
    std::fs::write(dir.path().join("fb.eml"), vfreebusy).expect("write");
    let asked = ask_the_room(dir.path(), "fb.eml");
    let json: serde_json::Value = serde_json::from_slice(&asked.stdout).expect("json");
    assert_eq!(json["status"], "applied: free/busy answered");
    let busy = "FREEBUSY;FBTYPE=BUSY:20300310T140000Z/20300310T150000Z";
    assert!(json["messages"][0]["ical"].as_str().unwrap_or_default().contains(busy), "{json}");
    let answered = imip(dir.path(), RUN, vfreebusy);
    assert_eq!(logged_outcome(&answered), "applied: free/busy answered", "{}", stderr(&answered));
    assert!(String::from_utf8_lossy(&answered.stdout).contains(busy));
}

/// With `[security] authserv_id`, a From: counts only when this MTA's
/// Authentication-Results shows DKIM or DMARC passing for its domain
/// (RFC 8601): a forged or unauthenticated organizer books nothing and
/// gets no answer, and the log says what decided.
#[test]
fn with_an_authserv_id_only_authenticated_organizers_book() {
    let dir = setup();
    std::fs::write(
        dir.path().join("imip.toml"),
        "store = \"fs:data\"\nresources = \"resources.toml\"\n[security]\nauthserv_id = \"mx.example.net\"\n",
    )
    .expect("config");
    let with_results = |uid: &str, results: &[&str]| {
        let headers: String = results.iter().map(|r| format!("Authentication-Results: {r}\r\n")).collect();
        format!("{headers}{}", request(uid, "alice@example.com"))
    };
    let cases = [
        ("none@example.com", vec![], false),
        ("other-mta@example.com", vec!["mx.evil.example; dkim=pass header.d=example.com"], false),
        ("failed@example.com", vec!["mx.example.net; dkim=fail header.d=example.com"], false),
        (
            "dkim@example.com",
            vec!["mx.example.net; dkim=pass (2048-bit key) header.d=example.com header.s=s1"],
            true,
        ),
    ];
    for (uid, results, booked) in cases {
        let out = imip(dir.path(), RUN, &with_results(uid, &results));
        assert_eq!(out.status.code(), Some(0), "{uid}: {}", stderr(&out));
        let log = stderr(&out);
        let answered = String::from_utf8_lossy(&out.stdout).contains("METHOD:REPLY");
        assert_eq!(answered, booked, "{uid}: {log}");
        if booked {
            assert!(log.contains("alice@example.com authenticated (dkim=pass"), "{uid}: {log}");
        } else {
            assert!(log.contains("alice@example.com not authenticated"), "{uid}: {log}");
            assert!(log.contains("refused"), "{uid}: {log}");
        }
    }
}

/// The dry run's mbox `From ` line carries the real date, and a summary
/// wraps the original with a boundary that does not repeat "imip-".
#[test]
fn the_dry_run_mbox_is_dated_and_boundaries_have_one_prefix() {
    let dir = setup();
    let out = imip(dir.path(), RUN, &request("dated@example.com", "alice@example.com"));
    let mbox = String::from_utf8_lossy(&out.stdout).into_owned();
    let from_line = mbox.lines().next().unwrap_or_default();
    assert!(from_line.starts_with("From ") && !from_line.contains("1970"), "{from_line}");
    let person = ["--config", "imip.toml", "--dry-run", "person", "--recipient", "bob@example.com"];
    let mail = common::invitation(
        "wrapped@example.com",
        "alice@example.com",
        &["bob@example.com"],
        "20300311T140000Z",
        "20300311T150000Z",
    );
    let out = imip(dir.path(), &person, &mail);
    let delivered = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(delivered.contains("boundary=\"imip-summary-"), "{delivered}");
    assert!(!delivered.contains("imip-summary-imip-"), "{delivered}");
}

#[test]
fn a_room_answers_in_its_own_language() {
    let dir = setup();
    let prefs =
        imip(dir.path(), &["--config", "imip.toml", "prefs", "set", "room@example.com", "LANG", "de"], "");
    assert_eq!(prefs.status.code(), Some(0), "{}", stderr(&prefs));
    let zone = imip(
        dir.path(),
        &["--config", "imip.toml", "prefs", "set", "room@example.com", "TZID", "Europe/Berlin"],
        "",
    );
    assert_eq!(zone.status.code(), Some(0), "{}", stderr(&zone));
    // The calendar part of the one mail in a dry run's mbox, decoded.
    let calendar = |out: &Output| {
        let mbox = String::from_utf8_lossy(&out.stdout).into_owned();
        let mail = mbox.split_once('\n').map(|(_, rest)| rest.to_string()).unwrap_or_default();
        let message = mail_parser::MessageParser::default().parse(mail.as_bytes()).expect("a mail");
        let part = message
            .parts
            .iter()
            .find(|p| {
                mail_parser::MimeHeaders::content_type(*p).is_some_and(|c| c.subtype() == Some("calendar"))
            })
            .expect("a calendar part");
        part.text_contents().unwrap_or_default().replace("\r\n ", "").replace("\n ", "")
    };
    let first = imip(dir.path(), RUN, &request("de1@example.com", "alice@example.com"));
    let mbox = calendar(&first);
    assert!(mbox.contains("COMMENT:room@example.com hat die gewünschte Zeit gebucht."), "{mbox}");
    let second = imip(dir.path(), RUN, &request("de2@example.com", "bob@example.com"));
    let mbox = calendar(&second);
    // 14:00 UTC is 15:00 in Berlin in March.
    assert!(
        mbox.contains(
            "COMMENT:room@example.com ist um 2030-03-10 15:00 (Europe/Berlin) nicht frei: bereits gebucht."
        ),
        "{mbox}"
    );
}

/// `imip prefs hours`: a room's opening hours written short, kept as its
/// RFC 7953 availability, which the working-hours policy then keeps to;
/// printed back short; a mistake is bad data (65), said in words.
#[test]
fn opening_hours_set_from_the_command_line_are_kept_by_the_room() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("resources.toml"),
        "[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\nkind = \"working-hours\"\n\
         [[resource.policy]]\nkind = \"free-busy\"\n",
    )
    .expect("resources");
    std::fs::write(dir.path().join("imip.toml"), "store = \"fs:data\"\nresources = \"resources.toml\"\n")
        .expect("config");
    let hours = |args: &[&str]| {
        let mut all = vec!["--config", "imip.toml", "prefs", "hours", "room@example.com"];
        all.extend_from_slice(args);
        imip(dir.path(), &all, "")
    };
    let out = hours(&["mon-fri 08:00-12:00 13:00-18:00, sat 09:00-13:00", "--zone", "Europe/Oslo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "room@example.com: working hours mon-fri 08:00-12:00 13:00-18:00, sat 09:00-13:00 (Europe/Oslo)\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&hours(&[]).stdout),
        "mon-fri 08:00-12:00 13:00-18:00, sat 09:00-13:00 (Europe/Oslo)\n"
    );

    // Oslo is UTC+1 in March: Saturday 09:00-10:00 is inside, 13:00 is not.
    let book = |uid: &str, start: &str, end: &str| {
        let mail = common::invitation(uid, "alice@example.com", &["room@example.com"], start, end);
        let out = imip(dir.path(), RUN, &mail);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).replace("\n ", "")
    };
    assert!(book("h1@example.com", "20300316T080000Z", "20300316T090000Z").contains("PARTSTAT=ACCEPTED"));
    // Wednesday's lunch break, 12:00-13:00 Oslo, is outside too.
    assert!(book("h3@example.com", "20300313T110000Z", "20300313T113000Z").contains("DECLINED"));
    assert!(book("h4@example.com", "20300313T120000Z", "20300313T130000Z").contains("PARTSTAT=ACCEPTED"));
    let late = book("h2@example.com", "20300316T120000Z", "20300316T130000Z");
    assert!(
        late.contains("DECLINED")
            && late.contains("room@example.com is unavailable at 2030-03-16 12:00 (UTC): outside"),
        "{late}"
    );

    for (bad, said) in [
        ("mon-fri 18:00-08:00", "mon-fri 18:00-08:00: the hours must end after they begin"),
        ("weekdays 08:00-18:00", "\"weekdays\" is not a day (mon, tue, wed, thu, fri, sat or sun)"),
    ] {
        let out = hours(&[bad]);
        assert_eq!(out.status.code(), Some(65), "{bad}");
        assert!(stderr(&out).contains(said), "{bad}: {}", stderr(&out));
    }
    let out = hours(&["mon 08:00-09:00", "--zone", "Mars/Olympus"]);
    assert_eq!(out.status.code(), Some(65));
    assert_eq!(
        String::from_utf8_lossy(&hours(&[]).stdout),
        "mon-fri 08:00-12:00 13:00-18:00, sat 09:00-13:00 (Europe/Oslo)\n"
    );
    // "none": available at any time again.
    assert_eq!(hours(&["none"]).status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&hours(&[]).stdout), "none (available at any time)\n");
}
