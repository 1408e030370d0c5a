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

mod periods_on_disk {
    use imip_core::freebusy::{BusyPeriod, FbType, PeriodSet, PeriodUpdate};
    use imip_core::{CalAddress, Commit, Record, Store, Timestamp};
    use imip_store_fs::{FsStore, Options};
    use std::os::unix::fs::MetadataExt;
    use std::path::{Path, PathBuf};

    fn room() -> CalAddress {
        CalAddress::parse("room@example.com").expect("address")
    }

    /// `uid`'s periods: `count` half hours from the `first`-th hour of March 2030.
    fn periods(uid: &str, first: i64, count: i64) -> Vec<BusyPeriod> {
        (first..first + count)
            .map(|hour| {
                let start = Timestamp::from_seconds(1_898_553_600 + hour * 3600);
                BusyPeriod::new(uid, start, Timestamp::from_seconds(start.seconds() + 1800), FbType::Busy)
            })
            .collect()
    }

    fn set(store: &mut FsStore, uid: &str, periods: Vec<BusyPeriod>) {
        let loaded = store.load(&room(), uid).expect("load");
        store
            .commit(Commit {
                principal: room(),
                uid: uid.into(),
                expected: loaded.version,
                record: Record::default(),
                periods: vec![PeriodUpdate { set: PeriodSet::Own, uid: uid.into(), periods }],
                outbox: Vec::new(),
                guards: Vec::new(),
                prefs: Vec::new(),
            })
            .expect("commit");
    }

    fn bucket(root: &Path) -> PathBuf {
        root.join("principals/room@example.com/periods/own/months/2030-03.tsv")
    }

    fn all(store: &FsStore) -> Vec<BusyPeriod> {
        store
            .periods(
                &room(),
                &PeriodSet::Own,
                Timestamp::from_seconds(0),
                Timestamp::from_seconds(i64::MAX / 2),
            )
            .expect("periods")
    }

    #[test]
    fn a_commit_adds_to_its_month_instead_of_rewriting_it_and_the_month_stays_small() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store =
            FsStore::open(dir.path(), Options { sync: false, ..Options::default() }).expect("open");
        set(&mut store, "first@x", periods("first@x", 0, 1));
        let inode = std::fs::metadata(bucket(dir.path())).expect("bucket").ino();
        for n in 1..100 {
            let uid = format!("b{n}@x");
            set(&mut store, &uid, periods(&uid, n, 1));
        }
        // The same file, added to: not replaced by a rewrite.
        assert_eq!(std::fs::metadata(bucket(dir.path())).expect("bucket").ino(), inode);
        // One UID changed 300 times: removed lines never outnumber live ones.
        for round in 0..300 {
            set(&mut store, "moving@x", periods("moving@x", 100 + round % 50, 2));
            let text = std::fs::read_to_string(bucket(dir.path())).expect("bucket");
            assert!(text.lines().count() <= 2 * 102 + 3, "round {round}: {} lines", text.lines().count());
        }
        let found = all(&store);
        assert_eq!(found.len(), 102);
        assert_eq!(found.iter().filter(|p| &*p.uid == "moving@x").count(), 2);
        // Emptied, the month's file goes.
        for n in 1..100 {
            set(&mut store, &format!("b{n}@x"), Vec::new());
        }
        set(&mut store, "first@x", Vec::new());
        set(&mut store, "moving@x", Vec::new());
        assert!(!bucket(dir.path()).exists());
        assert!(all(&store).is_empty());
    }

    #[test]
    fn a_layout_1_store_reads_as_it_is_and_says_2_from_its_first_commit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store =
            FsStore::open(dir.path(), Options { sync: false, ..Options::default() }).expect("open");
        for n in 0..5 {
            let uid = format!("u{n}@x");
            set(&mut store, &uid, periods(&uid, n * 3, 2));
        }
        let before = all(&store);
        drop(store);
        // As layout 1 wrote it: periods only, months without counts.
        let text = std::fs::read_to_string(bucket(dir.path())).expect("bucket");
        let periods_only: String =
            text.lines().filter(|l| !l.starts_with('-')).map(|l| format!("{l}\n")).collect();
        std::fs::write(bucket(dir.path()), periods_only).expect("bucket");
        let uids = dir.path().join("principals/room@example.com/periods/own/uids");
        for entry in std::fs::read_dir(&uids).expect("uids").flatten() {
            std::fs::write(entry.path(), "2030-03\n").expect("uids file");
        }
        std::fs::write(dir.path().join("imip-store-fs.version"), "1\n").expect("version");

        let mut store =
            FsStore::open(dir.path(), Options { sync: false, ..Options::default() }).expect("open");
        assert_eq!(all(&store), before, "read as it was");
        let version = || std::fs::read_to_string(dir.path().join("imip-store-fs.version")).expect("version");
        assert_eq!(version(), "1\n", "opening alone changes nothing");
        set(&mut store, "u2@x", periods("u2@x", 40, 1));
        assert_eq!(version(), "2\n");
        let mut expected: Vec<BusyPeriod> = before.into_iter().filter(|p| &*p.uid != "u2@x").collect();
        expected.extend(periods("u2@x", 40, 1));
        expected.sort();
        assert_eq!(all(&store), expected);
    }
}

/// The status of a principal's journal slot: the byte after
/// `imip-journal 2 <20-digit serial> `.
fn slot_status(principal: &std::path::Path, slot: &str) -> Option<u8> {
    fs::read(principal.join(slot)).ok().and_then(|bytes| bytes.get(36).copied())
}

/// A commit makes its journal durable with one sync and leaves it
/// applied ("a"); what it wrote reaches the disk with the next commit's
/// sync. When the machine stops before that, the first opening after
/// the restart (another boot than the store last saw) writes it again
/// from the journal, and marks it durable ("d").
#[test]
fn the_first_opening_after_a_restart_replays_the_last_commit() {
    if !std::path::Path::new("/proc/sys/kernel/random/boot_id").exists() {
        eprintln!("skipped: no /proc/sys/kernel/random/boot_id here (the replay after a restart is Linux's)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("store");
    let who = CalAddress::parse("mailto:room@example.com").expect("address");
    {
        let mut store = FsStore::open(&root, Options::default()).expect("open");
        store.set_pref(&who, "TZID", Some("Europe/Oslo")).expect("pref");
    }
    let principal = root.join("principals").join("room@example.com");
    assert_eq!(slot_status(&principal, "journal.0"), Some(b'a'), "the last commit's journal stays");
    // The restart: the disk had not received the preference yet, and the
    // store last saw another boot.
    fs::write(principal.join("prefs").join("TZID"), "Europe/Paris").expect("lose the write");
    fs::write(root.join("imip-store-fs.boot"), "another-boot\n").expect("another boot");
    let store = FsStore::open(&root, Options::default()).expect("reopen");
    assert_eq!(store.prefs(&who).expect("prefs").get("TZID").map(String::as_str), Some("Europe/Oslo"));
    assert_eq!(slot_status(&principal, "journal.0"), Some(b'd'), "replayed and synced");
    let boot = fs::read_to_string(root.join("imip-store-fs.boot")).expect("boot file");
    assert_ne!(boot.trim(), "another-boot");
    // Within the same boot, reopening replays nothing: what the kernel
    // holds is as good as written (here, a hand edit after the commit).
    let mut store = store;
    store.set_pref(&who, "TZID", Some("UTC")).expect("pref");
    assert_eq!(slot_status(&principal, "journal.1"), Some(b'a'));
    fs::write(principal.join("prefs").join("TZID"), "Asia/Tokyo").expect("edit");
    let store = FsStore::open(&root, Options::default()).expect("reopen again");
    assert_eq!(store.prefs(&who).expect("prefs").get("TZID").map(String::as_str), Some("Asia/Tokyo"));
}
