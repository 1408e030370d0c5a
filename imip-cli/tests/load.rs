//! Load: eight concurrent `imip resource` processes (on two cores) deliver
//! 1,000 requests to one room of capacity 1: ten organizers compete for
//! each of 100 identical slots. Exactly one request per slot is accepted,
//! every request gets exactly one REPLY, and the store checks clean. Once
//! for the filesystem store and once for SQLite. A 75 (the store busy
//! past its lock timeout) is retried, as the MTA would, and counted.

mod common;

use common::*;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const WORKERS: usize = 8;
const SLOTS: usize = 100;
const PER_SLOT: usize = 10;

/// A transport program that keeps each mail in `sent/`.
const CAPTURE: &str = "#!/bin/sh\nexec cat > \"$(dirname \"$0\")/sent/$(date +%s%N)-$$\"\n";

/// The start (or, one hour later, the end) of a slot: ten days from
/// 10 March 2030, ten one-hour slots a day.
fn slot_time(slot: usize, hours_later: usize) -> String {
    format!("203003{:02}T{:02}0000Z", 10 + slot / 10, 8 + slot % 10 + hours_later)
}

fn slot_start(slot: usize) -> String {
    slot_time(slot, 0)
}

fn request(index: usize) -> (String, Vec<u8>) {
    let slot = index % SLOTS;
    let (start, end) = (slot_time(slot, 0), slot_time(slot, 1));
    let uid = format!("load-{index}@example.com");
    let organizer = format!("org{index}@example.com");
    let mail = invitation(&uid, &organizer, &["room@example.com"], &start, &end);
    (uid, mail.into_bytes())
}

fn run_load(store: &str) {
    let dir = setup(
        &format!(
            "store = \"{store}\"\ntransport = \"sendmail:./capture.sh\"\nsender = \"calendar@example.com\"\n\
             resources = \"resources.toml\"\n"
        ),
        Some(
            "[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\nkind = \"free-busy\"\ncapacity = 1\n",
        ),
    );
    let capture = dir.path().join("capture.sh");
    std::fs::write(&capture, CAPTURE).unwrap();
    std::fs::set_permissions(&capture, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    std::fs::create_dir(dir.path().join("sent")).unwrap();

    let next = Arc::new(AtomicUsize::new(0));
    let retries = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (next, retries, failures) = (next.clone(), retries.clone(), failures.clone());
            let path = dir.path().to_path_buf();
            std::thread::spawn(move || {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= SLOTS * PER_SLOT {
                        break;
                    }
                    let (_, mail) = request(index);
                    for attempt in 0.. {
                        let args = with_config(&["resource", "--recipient", "room@example.com"]);
                        let out = imip(&path, &args, &mail);
                        match out.status.code() {
                            Some(0) => break,
                            Some(75) if attempt < 20 => {
                                retries.fetch_add(1, Ordering::Relaxed);
                            }
                            code => {
                                failures.lock().unwrap().push(format!("#{index}: {code:?} {}", stderr(&out)));
                                break;
                            }
                        }
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    let failures = failures.lock().unwrap();
    assert!(
        failures.is_empty(),
        "{store}: {} runs failed: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );

    check_replies(store, dir.path());
    let check = imip(dir.path(), &with_config(&["store", "check"]), b"");
    assert_eq!(check.status.code(), Some(0), "{store}: {}{}", stdout(&check), stderr(&check));
    eprintln!(
        "{store}: {} requests by {WORKERS} processes at a time, {} retried after 75",
        SLOTS * PER_SLOT,
        retries.load(Ordering::Relaxed)
    );
}

/// Every request has exactly one REPLY; exactly one per slot accepts.
fn check_replies(store: &str, dir: &Path) {
    let mut answers: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for file in files(&dir.join("sent")) {
        let text =
            String::from_utf8_lossy(&std::fs::read(&file).unwrap()).replace("=\r\n", "").replace("\r\n ", "");
        if !text.contains("METHOD:REPLY") {
            continue;
        }
        let uid = text.split("UID:").nth(1).and_then(|r| r.split_whitespace().next()).unwrap().to_string();
        let partstat = if text.contains("PARTSTAT=ACCEPTED") { "ACCEPTED" } else { "DECLINED" };
        answers.entry(uid).or_default().push(partstat.to_string());
    }
    assert_eq!(answers.len(), SLOTS * PER_SLOT, "{store}: requests with a REPLY");
    for (uid, replies) in &answers {
        assert_eq!(replies.len(), 1, "{store}: {uid} got {replies:?}");
    }
    for slot in 0..SLOTS {
        let accepted = (0..PER_SLOT)
            .map(|k| format!("load-{}@example.com", slot + k * SLOTS))
            .filter(|uid| answers[uid] == ["ACCEPTED"])
            .count();
        assert_eq!(accepted, 1, "{store}: slot {} has {accepted} bookings", slot_start(slot));
    }
}

#[test]
fn a_thousand_competing_requests_book_each_slot_once_fs() {
    run_load("fs:data");
}

#[test]
fn a_thousand_competing_requests_book_each_slot_once_sqlite() {
    run_load("sqlite:imip.db");
}

/// The same against PostgreSQL: eight processes, each with its own
/// connection as if on its own host. Skipped, saying so, without a
/// server (`IMIP_TEST_POSTGRES`).
#[test]
fn a_thousand_competing_requests_book_each_slot_once_postgres() {
    let Some(server) = imip_store_postgres::scratch::test_server("the PostgreSQL load test") else { return };
    let database = imip_store_postgres::scratch::ScratchDatabase::create(&server).expect("scratch database");
    run_load(database.url());
}
