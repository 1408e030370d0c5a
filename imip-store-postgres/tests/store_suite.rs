//! The shared store suite, run against a real PostgreSQL server: each
//! scenario in its own scratch database. Skipped, saying so, when
//! `IMIP_TEST_POSTGRES` names no server (see `imip_store_postgres::scratch`).

use conformance::store_suite::Fixture;
use imip_core::Store;
use imip_store_postgres::scratch::{ScratchDatabase, test_server};
use imip_store_postgres::{MIGRATIONS, Options, PgStore};

fn server() -> String {
    std::env::var(imip_store_postgres::scratch::SERVER_VARIABLE).expect("checked by available()")
}

fn available() -> bool {
    test_server("the PostgreSQL store suite").is_some()
}

fn scratch_store() -> Fixture {
    let database = ScratchDatabase::create(&server()).expect("scratch database");
    let store = PgStore::connect(database.url(), &Options::default()).expect("connect");
    Fixture::guarded(store, database)
}

conformance::store_suite!(scratch_store, if available);

#[test]
fn migrations_are_recorded_and_newer_schemas_refused() {
    if !available() {
        return;
    }
    let database = ScratchDatabase::create(&server()).expect("scratch database");
    let store = PgStore::connect(database.url(), &Options::default()).expect("connect");
    assert_eq!(store.schema_version().expect("version"), MIGRATIONS.len());
    drop(store);
    let store = PgStore::connect(database.url(), &Options::default()).expect("reconnect");
    assert_eq!(store.schema_version().expect("version"), MIGRATIONS.len());
    drop(store);
    let mut raw = postgres::Client::connect(database.url(), postgres::NoTls).expect("raw");
    raw.execute("INSERT INTO imip_migrations (version) VALUES (99)", &[]).expect("bump");
    drop(raw);
    let error = PgStore::connect(database.url(), &Options::default()).expect_err("newer schema");
    assert!(matches!(error, imip_core::StoreError::Invalid(_)), "{error}");
    assert!(error.to_string().contains("schema version 99"), "{error}");
}

/// Eight hosts starting at once on an empty database: one migrates, the
/// others wait for it and find the schema made.
#[test]
fn hosts_starting_at_once_migrate_once() {
    if !available() {
        return;
    }
    let database = ScratchDatabase::create(&server()).expect("scratch database");
    let url = database.url().to_string();
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                PgStore::connect(&url, &Options::default()).map(|s| s.schema_version())
            })
        })
        .collect();
    for thread in threads {
        let version = thread.join().expect("thread").expect("connect").expect("version");
        assert_eq!(version, MIGRATIONS.len());
    }
    let mut raw = postgres::Client::connect(&url, postgres::NoTls).expect("raw");
    let rows = raw.query("SELECT version FROM imip_migrations ORDER BY version", &[]).expect("rows");
    assert_eq!(rows.len(), MIGRATIONS.len());
}

/// Configuration mistakes are permanent (`Invalid`, exit 78); a server
/// that does not answer is temporary (`Unavailable`, exit 75). Neither
/// error shows the password.
#[test]
fn mistakes_are_permanent_and_outages_temporary() {
    let error = PgStore::connect("postgres://imip:hunter2@127.0.0.1:1/imip", &Options::default())
        .expect_err("nothing listens on port 1");
    assert!(error.is_temporary(), "{error}");
    assert!(!error.to_string().contains("hunter2"), "{error}");
    let error = PgStore::connect("postgres://imip:hunter2@[::1", &Options::default()).expect_err("bad URL");
    assert!(matches!(error, imip_core::StoreError::Invalid(_)), "{error}");
    assert!(!error.to_string().contains("hunter2"), "{error}");
    let missing = Options { password_file: Some("/nonexistent/imip-password".into()), ..Options::default() };
    let error = PgStore::connect("postgres://imip@127.0.0.1:1/imip", &missing).expect_err("no file");
    assert!(matches!(error, imip_core::StoreError::Invalid(_)), "{error}");
    if !available() {
        return;
    }
    let url = imip_store_postgres::scratch::with_database(&server(), "imip_no_such_database");
    let error = PgStore::connect(&url, &Options::default()).expect_err("no such database");
    assert!(matches!(error, imip_core::StoreError::Invalid(_)), "{error}");
}

/// A commit waits only for commits to the same principal: while one
/// transaction holds room A's lock, a commit for room B goes through.
#[test]
fn commits_for_different_principals_do_not_wait_for_each_other() {
    if !available() {
        return;
    }
    let database = ScratchDatabase::create(&server()).expect("scratch database");
    let short = Options { lock_timeout: std::time::Duration::from_millis(500), ..Options::default() };
    let mut store = PgStore::connect(database.url(), &short).expect("connect");
    let room_a = imip_core::CalAddress::parse("room-a@example.com").expect("a");
    let room_b = imip_core::CalAddress::parse("room-b@example.com").expect("b");
    let mut holder = postgres::Client::connect(database.url(), postgres::NoTls).expect("holder");
    let mut tx = holder.transaction().expect("begin");
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&imip_store_postgres::principal_lock_key(&room_a)])
        .expect("lock a");
    let commit = |who: &imip_core::CalAddress| imip_core::Commit {
        principal: who.clone(),
        uid: "u@x".into(),
        expected: imip_core::backend::Version(0),
        record: Default::default(),
        periods: Vec::new(),
        outbox: Vec::new(),
        guards: Vec::new(),
        prefs: vec![("lang".into(), Some("en".into()))],
    };
    store.commit(commit(&room_b)).expect("room B is not locked");
    let error = store.commit(commit(&room_a)).expect_err("room A is locked");
    assert!(error.is_temporary(), "a lock timeout is temporary: {error}");
    tx.rollback().expect("release");
    store.commit(commit(&room_a)).expect("room A is free again");
    assert_eq!(store.prefs(&room_a).expect("prefs").get("lang").map(String::as_str), Some("en"));
}

/// `sslmode=require` encrypts and verifies: with the server's CA it
/// connects over TLS; without it, the self-signed chain is refused.
#[test]
fn require_means_encrypted_and_verified() {
    if !available() {
        return;
    }
    let Ok(ca) = std::env::var("IMIP_TEST_POSTGRES_CA") else {
        eprintln!("the TLS test: skipped: IMIP_TEST_POSTGRES_CA is not set (the server has no TLS)");
        return;
    };
    let database = ScratchDatabase::create(&server()).expect("scratch database");
    let url = format!("{}?sslmode=require", database.url());
    let trusting = Options { ca_file: Some(ca.into()), ..Options::default() };
    let store = PgStore::connect(&url, &trusting).expect("TLS with the CA");
    assert!(store.is_encrypted().expect("ssl status"), "the connection is encrypted");
    let error = PgStore::connect(&url, &Options::default()).expect_err("an unknown CA is refused");
    assert!(error.to_string().contains("certificate"), "{error}");
    let plain = PgStore::connect(database.url(), &Options::default()).expect("prefer: opportunistic");
    assert!(plain.is_encrypted().expect("ssl status"), "prefer uses the TLS the server offers");
}
