//! Crash (SIGKILL) and multi-process concurrency tests on the SQLite store.

use imip_core::Store;
use imip_core::admin::Problem;
use imip_store_sqlite::{Options, SqliteStore};
use std::path::Path;

fn open(path: &Path) -> (Box<dyn Store>, Vec<Problem>) {
    let store = SqliteStore::open(path, Options::default()).expect("open");
    let problems = store.check_integrity().expect("integrity check");
    (Box::new(store), problems)
}

conformance::store_process_tests!(open, 300);
