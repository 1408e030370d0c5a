//! Every store fails clearly: a configuration mistake exits 78 (not 75,
//! which the MTA would retry for days), a read-only command does not
//! make an empty store where none exists, and a damaged record neither
//! holds mail back nor stops `store check`. Also `store copy` between the
//! three kinds of store.

mod common;

use common::*;
use std::path::Path;

const ROOM: &str =
    "[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\nkind = \"free-busy\"\n";

fn config(store: &str) -> String {
    format!(
        "store = \"{store}\"\nsender = \"calendar@example.com\"\nresources = \"resources.toml\"\n\
         delivery = \"maildir:mail\"\n"
    )
}

fn request(uid: &str, sequence: u32) -> Vec<u8> {
    invitation(
        uid,
        "alice@example.com",
        &["bob@example.com", "room@example.com"],
        "20300310T140000Z",
        "20300310T150000Z",
    )
    .replace("DTSTAMP:", &format!("SEQUENCE:{sequence}\r\nDTSTAMP:"))
    .into_bytes()
}

fn code(dir: &Path, args: &[&str], mail: &[u8]) -> (Option<i32>, String) {
    let out = imip(dir, &with_config(args), mail);
    (out.status.code(), format!("{}{}", stdout(&out), stderr(&out)))
}

#[test]
fn configuration_mistakes_exit_78() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a-file"), "not a directory").expect("file");
    for store in
        ["sqlite:no-such-dir/imip.db", "fs:a-file", "fs:a-file/below", "mysql://db/imip", "postgres:db"]
    {
        std::fs::write(dir.path().join("imip.toml"), config(store)).expect("config");
        std::fs::write(dir.path().join("resources.toml"), ROOM).expect("resources");
        let (exit, text) =
            code(dir.path(), &["resource", "--recipient", "room@example.com"], &request("m@example.com", 0));
        assert_eq!(exit, Some(78), "{store}: {text}");
    }
    assert!(!dir.path().join("no-such-dir").exists(), "nothing was created");
}

/// A server that does not answer is temporary: the MTA retries. The
/// password in the URL shows in no message.
#[test]
fn an_unreachable_database_exits_75_without_showing_the_password() {
    let dir = setup(&config("postgres://imip:hunter2@127.0.0.1:1/imip"), Some(ROOM));
    let (exit, text) =
        code(dir.path(), &["resource", "--recipient", "room@example.com"], &request("m@example.com", 0));
    assert_eq!(exit, Some(75), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("***"), "the URL is shown redacted: {text}");
}

#[test]
fn read_only_commands_on_a_store_that_does_not_exist_exit_78_and_create_nothing() {
    for (store, path) in [("fs:data", "data"), ("sqlite:imip.db", "imip.db")] {
        let dir = setup(&config(store), Some(ROOM));
        for args in [
            &["pending", "--user", "bob@example.com"][..],
            &["freebusy", "--user", "bob@example.com"],
            &["store", "check"],
            &["outbox", "list"],
        ] {
            let (exit, text) = code(dir.path(), args, b"");
            assert_eq!(exit, Some(78), "{store} {args:?}: {text}");
            assert!(text.contains("does not exist"), "{store} {args:?}: {text}");
            assert!(!dir.path().join(path).exists(), "{store} {args:?} created the store");
        }
        // An agent still creates the store on its first delivery.
        let (exit, text) =
            code(dir.path(), &["resource", "--recipient", "room@example.com"], &request("m@example.com", 0));
        assert_eq!(exit, Some(0), "{text}");
        let (exit, text) = code(dir.path(), &["store", "check"], b"");
        assert_eq!(exit, Some(0), "{text}");
    }
}

/// The state file of Bob's record is damaged: his next mail about it is
/// delivered unchanged; `store check` names the record and exits 65;
/// `store repair` rebuilds the state from the object. A record whose
/// object is gone too is left, and repair says so with 65.
#[test]
fn a_damaged_record_does_not_hold_mail_back_and_repair_rebuilds_it() {
    let dir = setup(&config("fs:data"), Some(ROOM));
    let deliver = |uid: &str, sequence: u32| {
        code(dir.path(), &["person", "--recipient", "bob@example.com"], &request(uid, sequence))
    };
    assert_eq!(deliver("damaged@example.com", 0).0, Some(0));
    assert_eq!(deliver("lost@example.com", 0).0, Some(0));
    let states: Vec<_> = files(&dir.path().join("data"))
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "state"))
        .collect();
    assert_eq!(states.len(), 2, "{states:?}");
    for state in &states {
        std::fs::write(state, "garbage\n").expect("damage");
        if state.display().to_string().contains("lost@") {
            std::fs::remove_file(state.with_file_name("object.ics")).expect("lose the object");
        }
    }
    let mailbox = dir.path().join("mail");
    let before = files(&mailbox).len();
    let (exit, text) = deliver("damaged@example.com", 1);
    assert_eq!(exit, Some(0), "the mail is not held back: {text}");
    assert!(text.contains("corrupt record"), "the log says why: {text}");
    let delivered = files(&mailbox);
    assert_eq!(delivered.len(), before + 1, "delivered once");
    let updates = delivered
        .iter()
        .filter(|p| String::from_utf8_lossy(&std::fs::read(p).expect("read")).contains("SEQUENCE:1"))
        .count();
    assert_eq!(updates, 1, "the update is in the mailbox, as it came");

    let (exit, text) = code(dir.path(), &["store", "check"], b"");
    assert_eq!(exit, Some(65), "{text}");
    assert!(text.contains("damaged@example.com") && text.contains("lost@example.com"), "{text}");
    let (exit, text) = code(dir.path(), &["store", "repair"], b"");
    assert_eq!(exit, Some(65), "the lost record cannot be rebuilt: {text}");
    assert!(text.contains("rebuilt the state of bob@example.com/damaged@example.com"), "{text}");
    assert!(text.contains("left for you") && text.contains("lost@example.com"), "{text}");
    let (exit, text) = code(dir.path(), &["pending", "--user", "bob@example.com"], b"");
    assert_eq!(exit, Some(0), "{text}");
    assert!(text.contains("damaged@example.com"), "the rebuilt record is back in the queue: {text}");
}

/// fs → PostgreSQL (when a server is configured) → SQLite → fs: the same
/// pending queue and the same free/busy at every step.
#[test]
fn store_copy_goes_between_any_two_kinds_of_store() {
    let dir = setup(&config("fs:data"), Some(ROOM));
    for (index, uid) in ["a@example.com", "b@example.com", "c@example.com"].iter().enumerate() {
        let mail = invitation(
            uid,
            "alice@example.com",
            &["bob@example.com"],
            &format!("2030031{index}T140000Z"),
            &format!("2030031{index}T150000Z"),
        );
        assert_eq!(
            code(dir.path(), &["person", "--recipient", "bob@example.com"], mail.as_bytes()).0,
            Some(0)
        );
    }
    let view = |store: &str| {
        let args = |rest: &[&'static str]| {
            let mut all = vec!["--store".to_string(), store.to_string()];
            all.extend(rest.iter().map(|s| s.to_string()));
            all
        };
        let mut text = String::new();
        for rest in [
            &["pending", "--user", "bob@example.com"][..],
            &[
                "freebusy",
                "--user",
                "bob@example.com",
                "--from",
                "20300301T000000Z",
                "--to",
                "20300401T000000Z",
            ],
        ] {
            let argv = args(rest);
            let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
            let output = imip(dir.path(), &with_config(&argv), b"");
            assert_eq!(output.status.code(), Some(0), "{store} {rest:?}: {}", stderr(&output));
            // What the commands print; the log (with its times) aside.
            let out = stdout(&output);
            text.push_str(
                out.lines().filter(|l| !l.starts_with("DTSTAMP")).collect::<Vec<_>>().join("\n").as_str(),
            );
        }
        text
    };
    let original = view("fs:data");
    assert!(original.contains("c@example.com"), "{original}");
    let database = imip_store_postgres::scratch::test_server("store copy to PostgreSQL").map(|server| {
        imip_store_postgres::scratch::ScratchDatabase::create(&server).expect("scratch database")
    });
    let mut chain = vec!["fs:data".to_string()];
    if let Some(database) = &database {
        chain.push(database.url().to_string());
    }
    chain.extend(["sqlite:copy.db".to_string(), "fs:copy".to_string()]);
    for pair in chain.windows(2) {
        let (exit, text) = code(dir.path(), &["--store", &pair[0], "store", "copy", "--to", &pair[1]], b"");
        assert_eq!(exit, Some(0), "{} -> {}: {text}", pair[0], pair[1]);
        assert!(text.contains("copied 3 record(s)"), "{text}");
        assert_eq!(view(&pair[1]), original, "{} -> {}", pair[0], pair[1]);
    }
}
