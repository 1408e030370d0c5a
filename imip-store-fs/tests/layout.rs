//! The fs store's layout: version file, refusal of foreign directories,
//! and encoded names on disk (recovery is the crash test's, in processes.rs).

use imip_core::{CalAddress, Store};
use imip_store_fs::{FsStore, LAYOUT_VERSION, Options};
use std::fs;

#[test]
fn a_new_store_carries_its_layout_version_and_refuses_newer_or_foreign_trees() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("store");
    FsStore::open(&root, Options::default()).expect("create");
    let version = fs::read_to_string(root.join("imip-store-fs.version")).expect("version file");
    assert_eq!(version.trim(), LAYOUT_VERSION.to_string());
    FsStore::open(&root, Options::default()).expect("reopen");

    fs::write(root.join("imip-store-fs.version"), format!("{}\n", LAYOUT_VERSION + 1)).expect("bump");
    let newer = FsStore::open(&root, Options::default()).expect_err("newer layout");
    assert!(newer.to_string().contains("layout"), "{newer}");

    let foreign = dir.path().join("foreign");
    fs::create_dir_all(&foreign).expect("mkdir");
    fs::write(foreign.join("notes.txt"), "not a store").expect("write");
    let refused = FsStore::open(&foreign, Options::default()).expect_err("foreign directory");
    assert!(refused.to_string().contains("not an imip store"), "{refused}");
}

#[test]
fn names_on_disk_never_contain_what_the_message_said() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("store");
    let mut store = FsStore::open(&root, Options { sync: false, ..Options::default() }).expect("open");
    let who = CalAddress::parse("Evil/../Name@Example.com").expect("address");
    store.set_pref(&who, "TZID", Some("UTC")).expect("pref");
    let mut all = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read_dir").flatten() {
            all.push(entry.file_name().to_string_lossy().into_owned());
            if entry.path().is_dir() {
                stack.push(entry.path());
            }
        }
    }
    assert!(all.iter().all(|name| !name.contains('/') && name != ".."), "{all:?}");
    assert!(all.iter().any(|name| name == "evil%2F..%2Fname@example.com"), "{all:?}");
}

#[test]
fn a_principal_directory_appears_with_its_address_and_leftovers_of_a_crash_are_invisible() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("store");
    let mut store = FsStore::open(&root, Options { sync: false, ..Options::default() }).expect("open");
    // What a process killed while creating a principal leaves behind.
    let staging = root.join("principals").join(".new-4242-0");
    fs::create_dir_all(&staging).expect("mkdir");
    fs::write(staging.join("address"), "mailto:ghost@example.com").expect("write");

    let who = CalAddress::parse("mailto:room@example.com").expect("address");
    store.set_pref(&who, "TZID", Some("UTC")).expect("pref");
    let address = fs::read_to_string(root.join("principals/room@example.com/address")).expect("address file");
    assert_eq!(address, who.as_str());
    assert_eq!(store.principals().expect("principals"), vec![who]);
    assert!(store.check_files().expect("check").is_empty());
}

/// Agents started at once on a new store all open it: one creating it is
/// not a foreign directory to the others (found by the CLI load test,
/// where two of eight first deliveries exited 78).
#[test]
fn processes_that_create_the_store_at_once_all_open_it() {
    for _ in 0..20 {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("store");
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
        let openers: Vec<_> = (0..8)
            .map(|_| {
                let (root, barrier) = (root.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    FsStore::open(&root, Options::default()).map(drop)
                })
            })
            .collect();
        for opener in openers {
            opener.join().expect("thread").expect("every opener succeeds");
        }
    }
}
