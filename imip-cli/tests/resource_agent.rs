//! The `imip resource` agent as an MTA runs it: mail on stdin, answers as
//! an mbox (dry run), exit codes by sysexits.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn request(uid: &str, organizer: &str) -> String {
    format!(
        "From: {organizer}\r\nTo: room@example.com\r\nSubject: Booking\r\nMessage-ID: <{uid}>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/calendar; method=REQUEST; charset=utf-8\r\n\r\n\
         BEGIN:VCALENDAR\r\nPRODID:-//t//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n\
         UID:{uid}\r\nDTSTAMP:20250301T090000Z\r\nDTSTART:20300310T140000Z\r\nDTEND:20300310T150000Z\r\n\
         SUMMARY:Planning\r\nORGANIZER:mailto:{organizer}\r\nATTENDEE;RSVP=TRUE:mailto:room@example.com\r\n\
         END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

fn imip(dir: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_imip"))
        .current_dir(dir)
        .env_remove("IMIP_CONFIG")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("imip runs");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write");
    child.wait_with_output().expect("output")
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

    let again = imip(dir.path(), RUN, &request("a1@example.com", "alice@example.com"));
    assert_eq!(again.status.code(), Some(0));
    assert!(again.stdout.is_empty(), "a duplicate sends nothing");

    let second = imip(dir.path(), RUN, &request("b1@example.com", "bob@example.com"));
    assert_eq!(second.status.code(), Some(0));
    let mbox = String::from_utf8_lossy(&second.stdout).replace("\n ", "");
    assert!(mbox.contains("DECLINED") && mbox.contains("To: <bob@example.com>"), "{mbox}");
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
