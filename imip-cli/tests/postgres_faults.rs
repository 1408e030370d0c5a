//! A PostgreSQL server stopped in the middle of a stream of deliveries.
//! Every delivery exits 0 or 75, never anything else; the MTA (played
//! here by a retry loop) retries each 75; after the restart every
//! request is booked once and answered by exactly one REPLY, and the
//! store checks clean.
//!
//! Its own test binary, so that stopping the server cannot disturb other
//! tests that use it (cargo runs test binaries one at a time). Needs
//! `IMIP_TEST_POSTGRES` and `IMIP_TEST_POSTGRES_CTL` (a command that
//! takes `stop` or `start`; `e2e/postgres-cluster.sh` sets both), and is
//! skipped, saying so, without them.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const REQUESTS: usize = 40;
const ROOM: &str =
    "[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\nkind = \"free-busy\"\ncapacity = 1\n";
const CAPTURE: &str = "#!/bin/sh\nexec cat > \"$(dirname \"$0\")/sent/$(date +%s%N)-$$\"\n";

fn request(index: usize) -> Vec<u8> {
    let (start, end) =
        (format!("20300410T{:02}0000Z", index % 10 + 8), format!("20300410T{:02}0000Z", index % 10 + 9));
    let day_start = start.replace("20300410", &format!("203004{:02}", 10 + index / 10));
    let day_end = end.replace("20300410", &format!("203004{:02}", 10 + index / 10));
    invitation(
        &format!("pgfault-{index}@example.com"),
        "alice@example.com",
        &["room@example.com"],
        &day_start,
        &day_end,
    )
    .into_bytes()
}

fn control(command: &str, what: &str) {
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{command} {what}"))
        .status()
        .expect("run the server control command");
    assert!(status.success(), "{command} {what} failed");
}

/// The REPLYs sent, by UID: the Message-ID of each copy sent.
fn replies(dir: &Path) -> BTreeMap<String, Vec<String>> {
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in files(&dir.join("sent")) {
        let text = String::from_utf8_lossy(&std::fs::read(&file).expect("sent mail")).replace("\r\n ", "");
        if !text.contains("METHOD:REPLY") {
            continue;
        }
        let uid =
            text.split("UID:").nth(1).and_then(|r| r.split_whitespace().next()).expect("UID").to_string();
        let message_id =
            text.lines().find_map(|l| l.strip_prefix("Message-ID: ")).map(str::to_string).unwrap_or_default();
        found.entry(uid).or_default().push(message_id);
    }
    found
}

#[test]
fn a_server_stopped_mid_stream_gives_75_and_every_retry_applies_once() {
    let Some(server) = imip_store_postgres::scratch::test_server("the PostgreSQL fault test") else { return };
    let Ok(ctl) = std::env::var("IMIP_TEST_POSTGRES_CTL") else {
        eprintln!("the PostgreSQL fault test: skipped: IMIP_TEST_POSTGRES_CTL is not set");
        return;
    };
    let database = imip_store_postgres::scratch::ScratchDatabase::create(&server).expect("scratch database");
    let dir = setup(
        &format!(
            "store = \"{}\"\ntransport = \"sendmail:./capture.sh\"\nsender = \"calendar@example.com\"\n\
             resources = \"resources.toml\"\n[postgres]\nlock_timeout_seconds = 5\n",
            database.url()
        ),
        Some(ROOM),
    );
    let capture = dir.path().join("capture.sh");
    std::fs::write(&capture, CAPTURE).expect("capture");
    std::fs::set_permissions(&capture, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("mode");
    std::fs::create_dir(dir.path().join("sent")).expect("sent");

    let delivered = Arc::new(AtomicUsize::new(0));
    let tempfails = Arc::new(AtomicUsize::new(0));
    let others = Arc::new(Mutex::new(Vec::new()));
    let root = dir.path().to_path_buf();
    let stream = {
        let (delivered, tempfails, others) = (delivered.clone(), tempfails.clone(), others.clone());
        std::thread::spawn(move || {
            for index in 0..REQUESTS {
                loop {
                    let out = imip(
                        &root,
                        &with_config(&["resource", "--recipient", "room@example.com"]),
                        &request(index),
                    );
                    match out.status.code() {
                        Some(0) => break,
                        Some(75) => {
                            tempfails.fetch_add(1, Ordering::Relaxed);
                            std::thread::sleep(Duration::from_millis(100));
                        }
                        code => {
                            others.lock().expect("lock").push(format!("{index}: {code:?}: {}", stderr(&out)));
                            break;
                        }
                    }
                }
                delivered.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    while delivered.load(Ordering::Relaxed) < REQUESTS / 4 {
        std::thread::sleep(Duration::from_millis(5));
    }
    control(&ctl, "stop");
    std::thread::sleep(Duration::from_millis(1_500));
    control(&ctl, "start");
    stream.join().expect("the delivery stream");
    assert!(others.lock().expect("lock").is_empty(), "exits other than 0 and 75: {:?}", others.lock());
    let tempfails = tempfails.load(Ordering::Relaxed);
    assert!(tempfails > 0, "the server was down for 1.5 s, yet no delivery exited 75");

    // Mail committed just before the stop and not yet sent waits in the
    // outbox; the periodic flush sends it.
    let flush = imip(dir.path(), &with_config(&["outbox", "flush"]), b"");
    assert_eq!(flush.status.code(), Some(0), "{}", stderr(&flush));
    let answered = replies(dir.path());
    assert_eq!(answered.len(), REQUESTS, "every request has a REPLY: {answered:?}");
    // One decision per request: every copy of a UID's REPLY is the same
    // mail (one Message-ID). The outbox is at least once: a mail the
    // transport took just before an immediate stop lost the removal (and
    // its asynchronous lease) may go again, byte for byte, which the
    // organizer's agent recognises as a duplicate. Only the mail around
    // the one stop may.
    let mut resent = 0;
    for (uid, ids) in &answered {
        let mut distinct = ids.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 1, "{uid} was answered twice, differently: {ids:?}");
        resent += ids.len() - 1;
    }
    eprintln!("the PostgreSQL fault test: {resent} REPLY(s) sent again after the stop");
    assert!(resent <= 2, "{resent} REPLYs sent again: more than the mail around the one stop");
    let accepted = files(&dir.path().join("sent"))
        .iter()
        .filter(|f| String::from_utf8_lossy(&std::fs::read(f).expect("sent")).contains("PARTSTAT=ACCEPTED"))
        .count();
    assert_eq!(accepted, REQUESTS, "each request is for its own free hour, so each is accepted once");
    let busy = imip(
        dir.path(),
        &with_config(&[
            "freebusy",
            "--user",
            "room@example.com",
            "--from",
            "20300410T000000Z",
            "--to",
            "20300415T000000Z",
        ]),
        b"",
    );
    assert_eq!(busy.status.code(), Some(0), "{}", stderr(&busy));
    for day in 10..14 {
        assert!(
            stdout(&busy).contains(&format!("FREEBUSY:203004{day}T080000Z/203004{day}T180000Z"))
                || stdout(&busy).contains(&format!("203004{day}T080000Z")),
            "day {day} is booked: {}",
            stdout(&busy)
        );
    }
    let check = imip(dir.path(), &with_config(&["store", "check"]), b"");
    assert_eq!(check.status.code(), Some(0), "{}{}", stdout(&check), stderr(&check));
    eprintln!("{REQUESTS} deliveries, {tempfails} exits 75 while the server was down, all applied once");
}
