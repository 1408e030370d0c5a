//! Crash (SIGKILL mid-commit, 300 times) and multi-process concurrency
//! tests on the PostgreSQL store, against a real server. Each test's
//! database is named after its temporary directory, so the re-executed
//! children open the parent's database. Skipped, saying so, when
//! `IMIP_TEST_POSTGRES` names no server.

use conformance::store_suite::processes;
use imip_core::Store;
use imip_core::admin::Problem;
use imip_store_postgres::scratch::{SERVER_VARIABLE, ScratchDatabase, test_server};
use imip_store_postgres::{Options, PgStore};
use std::path::Path;

fn database_name(path: &Path) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(path.as_os_str().as_encoded_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("imip_process_{hex}")
}

fn open(path: &Path) -> (Box<dyn Store>, Vec<Problem>) {
    let server = std::env::var(SERVER_VARIABLE).expect("server");
    let database = ScratchDatabase::named(&server, &database_name(path)).expect("database");
    let store = PgStore::connect(database.url(), &Options::default()).expect("connect");
    database.keep();
    (Box::new(store), Vec::new())
}

/// Drops the test's database afterwards.
fn cleanup(dir: &Path) {
    let server = std::env::var(SERVER_VARIABLE).expect("server");
    drop(ScratchDatabase::named(&server, &database_name(&dir.join("store"))));
}

#[test]
#[ignore = "the child half of the process tests; they start it"]
fn child_process() {
    processes::child(open);
}

#[test]
fn commits_survive_sigkill_at_random_points() {
    if test_server("the PostgreSQL crash test").is_none() {
        return;
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    processes::crash_test(dir.path(), open, 300);
    cleanup(dir.path());
}

#[test]
fn concurrent_deliveries_to_one_principal_lose_no_update() {
    if test_server("the PostgreSQL concurrency test").is_none() {
        return;
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    processes::concurrency_test(dir.path(), open, 8, 48);
    cleanup(dir.path());
}
