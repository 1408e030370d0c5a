//! Faults: a hanging mailbox or transport peer, a kill -9 in the middle
//! of a delivery, a full disk and a read-only store. Each run ends in 75
//! (the MTA retries) or a clean outcome, and once the fault clears the
//! mail arrives exactly once and the store checks clean. The disk tests
//! mount a small tmpfs and are skipped, with a message, where mounting is
//! not allowed (they need root).

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ROOM: &str =
    "[[resource]]\naddress = \"room@example.com\"\n[[resource.policy]]\nkind = \"free-busy\"\n";

fn config(store: &str, peer: &Listener, key: &str) -> String {
    format!(
        "store = \"{store}\"\nsender = \"calendar@example.com\"\nresources = \"resources.toml\"\n\
         {key} = \"{}:{}\"\n[limits]\npeer_timeout_seconds = 2\n",
        if key == "delivery" { "lmtp" } else { "smtp" },
        peer.address
    )
}

fn request(uid: &str) -> Vec<u8> {
    invitation(
        uid,
        "alice@example.com",
        &["bob@example.com", "room@example.com"],
        "20300310T140000Z",
        "20300310T150000Z",
    )
    .into_bytes()
}

fn run(dir: &Path, args: &[&str], mail: &[u8]) -> std::process::Output {
    imip(dir, &with_config(args), mail)
}

fn store_checks_clean(dir: &Path) {
    let check = run(dir, &["store", "check"], b"");
    assert_eq!(check.status.code(), Some(0), "{}{}", stdout(&check), stderr(&check));
}

fn replies_for(peer: &Listener, uid: &str) -> usize {
    peer.mails().iter().filter(|m| m.data.contains("METHOD:REPLY") && m.data.contains(uid)).count()
}

#[test]
fn a_hanging_mailbox_gives_75_and_the_retry_delivers_once() {
    let peer = Listener::start();
    let dir = setup(&config("fs:data", &peer, "delivery"), Some(ROOM));
    peer.set(Mood::Hang);
    let started = Instant::now();
    let out = run(dir.path(), &["person", "--recipient", "bob@example.com"], &request("hang-1@example.com"));
    assert_eq!(out.status.code(), Some(75), "{}", stderr(&out));
    assert!(started.elapsed() < Duration::from_secs(30), "bounded by peer_timeout_seconds");
    peer.set(Mood::Accept);
    let out = run(dir.path(), &["person", "--recipient", "bob@example.com"], &request("hang-1@example.com"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let copies = peer.mails().iter().filter(|m| m.data.contains("hang-1@example.com")).count();
    assert_eq!(copies, 1);
    store_checks_clean(dir.path());
}

#[test]
fn a_hanging_transport_keeps_the_reply_in_the_outbox_until_it_answers() {
    let peer = Listener::start();
    let dir = setup(&config("fs:data", &peer, "transport"), Some(ROOM));
    peer.set(Mood::Hang);
    let out =
        run(dir.path(), &["resource", "--recipient", "room@example.com"], &request("hang-2@example.com"));
    assert_eq!(out.status.code(), Some(0), "the booking is decided; the reply waits: {}", stderr(&out));
    let waiting = run(dir.path(), &["outbox", "list"], b"");
    assert!(stdout(&waiting).contains("alice@example.com"), "{}", stdout(&waiting));
    peer.set(Mood::Accept);
    let flush = run(dir.path(), &["outbox", "flush"], b"");
    assert_eq!(flush.status.code(), Some(0), "{}", stderr(&flush));
    assert_eq!(replies_for(&peer, "hang-2@example.com"), 1);
    let again = run(dir.path(), &["outbox", "flush"], b"");
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(replies_for(&peer, "hang-2@example.com"), 1, "sent once");
    store_checks_clean(dir.path());
}

#[test]
fn a_kill_in_the_middle_of_a_delivery_loses_nothing() {
    let peer = Listener::start();
    let dir = setup(&config("fs:data", &peer, "delivery"), Some(ROOM));
    peer.set(Mood::Hang);
    let mail = request("kill-1@example.com");
    let mut child = Command::new(env!("CARGO_BIN_EXE_imip"))
        .args(["--config", "imip.toml", "person", "--recipient", "bob@example.com"])
        .current_dir(dir.path())
        .env_remove("IMIP_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &mail).unwrap();
    // The calendar side is recorded before the mailbox is tried; kill the
    // process while it waits on the mailbox.
    std::thread::sleep(Duration::from_millis(700));
    child.kill().unwrap();
    child.wait().unwrap();
    peer.set(Mood::Accept);
    let out = run(dir.path(), &["person", "--recipient", "bob@example.com"], &mail);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let copies = peer.mails().iter().filter(|m| m.data.contains("kill-1@example.com")).count();
    assert_eq!(copies, 1, "the retry delivers exactly once");
    let pending = run(dir.path(), &["pending", "--user", "bob@example.com"], b"");
    assert!(stdout(&pending).contains("kill-1@example.com"), "{}", stdout(&pending));
    store_checks_clean(dir.path());
}

/// A tmpfs of `kib` KiB mounted on `dir/store`, unmounted on drop.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, kib: u32) -> Option<Tmpfs> {
        let at = dir.join("store");
        std::fs::create_dir_all(&at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(&at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("skipped: cannot mount a tmpfs here (needs root)");
            return None;
        }
        Some(Tmpfs(at))
    }

    fn remount(&self, mode: &str) {
        let status =
            Command::new("mount").args(["-o", &format!("remount,{mode}")]).arg(&self.0).status().unwrap();
        assert!(status.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_gives_75_and_nothing_is_lost_once_space_returns() {
    let peer = Listener::start();
    let dir = setup(&config("fs:store/data", &peer, "transport"), Some(ROOM));
    let Some(tmpfs) = Tmpfs::mount(dir.path(), 512) else { return };
    let room = ["resource", "--recipient", "room@example.com"];
    let out = run(dir.path(), &room, &request("disk-0@example.com"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Fill the disk.
    let filler = tmpfs.0.join("filler");
    let mut file = std::fs::File::create(&filler).unwrap();
    while std::io::Write::write_all(&mut file, &[0u8; 4096]).is_ok() {}
    drop(file);
    let mail = request("disk-1@example.com");
    let out = run(dir.path(), &room, &mail);
    assert_eq!(out.status.code(), Some(75), "{}", stderr(&out));
    assert_eq!(replies_for(&peer, "disk-1@example.com"), 0);
    std::fs::remove_file(&filler).unwrap();
    let out = run(dir.path(), &room, &mail);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(replies_for(&peer, "disk-1@example.com"), 1);
    store_checks_clean(dir.path());
    drop(tmpfs);
}

#[test]
fn a_read_only_store_gives_75_and_the_retry_books_once() {
    let peer = Listener::start();
    let dir = setup(&config("fs:store/data", &peer, "transport"), Some(ROOM));
    let Some(tmpfs) = Tmpfs::mount(dir.path(), 4096) else { return };
    let room = ["resource", "--recipient", "room@example.com"];
    let out = run(dir.path(), &room, &request("ro-0@example.com"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    tmpfs.remount("ro");
    // A read-only store can still be inspected.
    store_checks_clean(dir.path());
    let mail = request("ro-1@example.com");
    let out = run(dir.path(), &room, &mail);
    assert_eq!(out.status.code(), Some(75), "{}", stderr(&out));
    tmpfs.remount("rw");
    let out = run(dir.path(), &room, &mail);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(replies_for(&peer, "ro-1@example.com"), 1);
    assert_eq!(replies_for(&peer, "ro-0@example.com"), 1);
    store_checks_clean(dir.path());
    drop(tmpfs);
}

/// An SQLite store on read-only media can be inspected too: `store
/// check` and `pending` read it without writing (no WAL set-up, no
/// migration), while an agent still gets 75.
#[test]
fn an_sqlite_store_on_read_only_media_can_be_checked() {
    let peer = Listener::start();
    let dir = setup(&config("sqlite:store/imip.db", &peer, "transport"), Some(ROOM));
    let Some(tmpfs) = Tmpfs::mount(dir.path(), 4096) else { return };
    let room = ["resource", "--recipient", "room@example.com"];
    let out = run(dir.path(), &room, &request("ro-sqlite-0@example.com"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    tmpfs.remount("ro");
    store_checks_clean(dir.path());
    let out = run(dir.path(), &["pending", "--user", "room@example.com"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(dir.path(), &room, &request("ro-sqlite-1@example.com"));
    assert_eq!(out.status.code(), Some(75), "{}", stderr(&out));
    tmpfs.remount("rw");
    drop(tmpfs);
}
