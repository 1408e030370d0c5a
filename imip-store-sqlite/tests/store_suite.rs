//! The shared store suite, run against the SQLite store (on disk, in WAL
//! mode, as in production).

use conformance::store_suite::Fixture;
use imip_store_sqlite::{Options, SqliteStore};

fn temporary_store() -> Fixture {
    let dir = tempfile::tempdir().expect("temporary directory");
    let options = Options { full_sync: false, ..Options::default() };
    let store = SqliteStore::open(dir.path().join("imip.sqlite"), options).expect("open");
    Fixture::guarded(store, dir)
}

conformance::store_suite!(temporary_store);

#[test]
fn reopening_keeps_the_schema_version_and_refuses_newer_ones() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("imip.sqlite");
    let store = SqliteStore::open(&path, Options::default()).expect("open");
    assert_eq!(store.schema_version().expect("version"), imip_store_sqlite::MIGRATIONS.len());
    drop(store);
    let store = SqliteStore::open(&path, Options::default()).expect("reopen");
    assert_eq!(store.schema_version().expect("version"), imip_store_sqlite::MIGRATIONS.len());
    drop(store);
    let raw = rusqlite::Connection::open(&path).expect("raw open");
    raw.pragma_update(None, "user_version", 99).expect("bump");
    drop(raw);
    let error = SqliteStore::open(&path, Options::default()).expect_err("newer schema");
    assert!(error.to_string().contains("schema version"), "{error}");
}

/// A read-only open writes nothing and reads what is there; it refuses a
/// database that does not exist instead of creating one.
#[test]
fn a_read_only_open_reads_without_writing() {
    use imip_core::Store;
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("imip.sqlite");
    let error = SqliteStore::open_read_only(&path).expect_err("no database");
    assert!(matches!(error, imip_core::StoreError::Invalid(_)), "{error}");
    assert!(!path.exists(), "nothing was created");
    let mut store = SqliteStore::open(&path, Options::default()).expect("open");
    let who = imip_core::CalAddress::parse("bob@example.com").expect("address");
    store.set_pref(&who, "lang", Some("de")).expect("pref");
    drop(store);
    let before: Vec<_> =
        std::fs::read_dir(dir.path()).expect("dir").map(|e| e.expect("entry").file_name()).collect();
    let reader = SqliteStore::open_read_only(&path).expect("read-only open");
    assert_eq!(reader.prefs(&who).expect("prefs").get("lang").map(String::as_str), Some("de"));
    drop(reader);
    let after: Vec<_> =
        std::fs::read_dir(dir.path()).expect("dir").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(before, after, "no -wal or -shm file was made");
}
