//! Hostile input through the built binary: each case gets a clear
//! outcome and a permanent exit code (never 75), within the time and
//! memory bounds of `common::imip` (killed after two minutes, 1.5 GiB of
//! address space). The corpus of real messages goes through the person
//! agent too: every one ends delivered.

mod common;
use common::{imip, invitation, mail, setup, stderr};

const PERSON: &[&str] = &["--config", "imip.toml", "person", "--recipient", "bob@example.com"];

fn maildir_setup() -> tempfile::TempDir {
    setup("store = \"fs:data\"\ndelivery = \"maildir:mail\"\n", None)
}

fn delivered(dir: &std::path::Path) -> Vec<Vec<u8>> {
    let new = dir.join("mail/bob@example.com/new");
    let mut files: Vec<_> =
        std::fs::read_dir(new).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    files.sort();
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

/// The message, and what must hold of the run.
struct Case {
    name: &'static str,
    message: Vec<u8>,
    /// A phrase the log must contain.
    says: &'static str,
    /// Whether the mailbox gets the original byte for byte.
    unchanged: bool,
}

fn cases() -> Vec<Case> {
    let request = invitation(
        "h1@example.com",
        "alice@example.com",
        &["bob@example.com"],
        "20300310T140000Z",
        "20300310T150000Z",
    );
    let truncated = request[..request.len() / 2].to_string();
    let mut invalid_utf8 = request.clone().into_bytes();
    let at = invalid_utf8.windows(8).position(|w| w == b"Planning").unwrap();
    invalid_utf8[at..at + 3].copy_from_slice(&[0xff, 0xfe, 0xc3]);
    let mut huge = b"From: alice@example.com\r\nTo: bob@example.com\r\nSubject: big\r\n\r\n".to_vec();
    huge.resize(50 * 1024 * 1024, b'x');
    let many: Vec<String> = (0..10_000).map(|i| format!("a{i}@example.com")).collect();
    let mut crowd: Vec<&str> = many.iter().map(String::as_str).collect();
    crowd.push("bob@example.com");
    let crowded =
        invitation("h2@example.com", "alice@example.com", &crowd, "20300310T140000Z", "20300310T150000Z");
    let endless = mail(
        "alice@example.com",
        "bob@example.com",
        "h3",
        "REQUEST",
        "UID:h3@example.com\r\nDTSTAMP:20250301T090000Z\r\nDTSTART:20300310T140000Z\r\nDTEND:20300310T140001Z\r\n\
         RRULE:FREQ=SECONDLY\r\nSUMMARY:Tick\r\nORGANIZER:mailto:alice@example.com\r\n\
         ATTENDEE;RSVP=TRUE:mailto:bob@example.com\r\n",
    );
    let traversal = invitation(
        "../../etc/passwd",
        "alice@example.com",
        &["bob@example.com"],
        "20300310T140000Z",
        "20300310T150000Z",
    );
    let long_line = invitation(
        "h4@example.com",
        "alice@example.com",
        &["bob@example.com"],
        "20300310T140000Z",
        "20300310T150000Z",
    )
    .replacen("Subject: ", &format!("Subject: {} ", "y".repeat(2 * 1024 * 1024)), 1);
    let mut nested = String::from("Content-Type: text/plain\r\n\r\nhello\r\n");
    for level in 0..200 {
        nested = format!(
            "Content-Type: multipart/mixed; boundary=\"b{level}\"\r\n\r\n--b{level}\r\n{nested}--b{level}--\r\n"
        );
    }
    let nested = format!("From: alice@example.com\r\nTo: bob@example.com\r\nMIME-Version: 1.0\r\n{nested}");
    vec![
        Case {
            name: "a 2 MB header line",
            message: long_line.into_bytes(),
            says: "line of",
            unchanged: true,
        },
        Case {
            name: "multiparts nested 200 deep",
            message: nested.into_bytes(),
            says: "nested deeper",
            unchanged: true,
        },
        Case {
            name: "truncated MIME",
            message: truncated.into_bytes(),
            says: "bob@example.com",
            unchanged: true,
        },
        Case { name: "invalid UTF-8", message: invalid_utf8, says: "outcome=", unchanged: false },
        Case { name: "a 50 MB message", message: huge, says: "ignored", unchanged: true },
        Case { name: "10,000 attendees", message: crowded.into_bytes(), says: "refused", unchanged: false },
        Case {
            name: "RRULE FREQ=SECONDLY without end",
            message: endless.into_bytes(),
            says: "outcome=",
            unchanged: false,
        },
        Case {
            name: "UID ../../etc/passwd",
            message: traversal.into_bytes(),
            says: "applied: stored",
            unchanged: false,
        },
    ]
}

#[test]
fn hostile_messages_get_a_clear_outcome_and_are_never_lost() {
    for case in cases() {
        let dir = maildir_setup();
        let out = imip(dir.path(), PERSON, &case.message);
        let log = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{}: {log}", case.name);
        assert!(log.contains(case.says), "{}: the log says {:?}: {log}", case.name, case.says);
        let mails = delivered(dir.path());
        assert_eq!(mails.len(), 1, "{}: delivered once", case.name);
        if case.unchanged {
            assert!(mails[0] == case.message, "{}: delivered unchanged", case.name);
        }
        // Nothing escaped the store's directory.
        assert!(
            !dir.path().join("etc").exists() && !dir.path().join("data/../etc").exists(),
            "{}",
            case.name
        );
        let check = imip(dir.path(), &["--config", "imip.toml", "store", "check"], b"");
        assert_eq!(
            check.status.code(),
            Some(0),
            "{}: the store checks clean: {}",
            case.name,
            common::stdout(&check)
        );
    }
}

#[test]
fn the_resource_agent_answers_hostile_requests_without_retry_loops() {
    let resources =
        "[[resource]]\naddress = \"bob@example.com\"\n[[resource.policy]]\nkind = \"free-busy\"\n";
    for case in cases() {
        let dir = setup("store = \"fs:data\"\nresources = \"resources.toml\"\n", Some(resources));
        let out = imip(
            dir.path(),
            &["--config", "imip.toml", "--dry-run", "resource", "--recipient", "bob@example.com"],
            &case.message,
        );
        assert_eq!(out.status.code(), Some(0), "{}: {}", case.name, stderr(&out));
    }
}

#[test]
fn every_corpus_message_is_delivered() {
    let Some(corpus) = common::corpus() else {
        eprintln!("corpus test skipped: ../shared/corpus is absent");
        return;
    };
    let (mut processed, mut unchanged) = (0, 0);
    for file in common::files(&corpus) {
        let message = std::fs::read(&file).unwrap();
        let dir = maildir_setup();
        let out = imip(dir.path(), PERSON, &message);
        assert_eq!(out.status.code(), Some(0), "{}: {}", file.display(), stderr(&out));
        let mails = delivered(dir.path());
        assert_eq!(mails.len(), 1, "{}: delivered once", file.display());
        if mails[0] == message {
            unchanged += 1;
        } else {
            processed += 1;
        }
    }
    eprintln!("corpus through `imip person`: {processed} with a summary, {unchanged} unchanged");
    assert!(processed > 0);
}
