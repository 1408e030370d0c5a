//! Crash (SIGKILL) and multi-process concurrency tests on the fs store.

use imip_core::Store;
use imip_core::admin::Problem;
use imip_store_fs::{FsStore, Options};
use std::path::Path;

fn open(path: &Path) -> (Box<dyn Store>, Vec<Problem>) {
    let store = FsStore::open(path, Options::default()).expect("open");
    let problems = store.check_files().expect("check files");
    (Box::new(store), problems)
}

conformance::store_process_tests!(open, 300);
