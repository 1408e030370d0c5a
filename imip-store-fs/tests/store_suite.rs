//! The shared store suite, run against the filesystem store.

use conformance::store_suite::Fixture;
use imip_store_fs::{FsStore, Options};

fn temporary_store() -> Fixture {
    let dir = tempfile::tempdir().expect("temporary directory");
    let options = Options { sync: false, ..Options::default() };
    let store = FsStore::open(dir.path().join("store"), options).expect("open");
    Fixture::guarded(store, dir)
}

conformance::store_suite!(temporary_store);
