//! Per-principal locks: an advisory `flock(2)` on the principal's
//! `.lock` file, through `std::fs::File::lock`.
//!
//! The kernel drops the lock when its holder exits, however it dies, so
//! a dead process never leaves a stale lock behind. A waiting process
//! gives up after the store's timeout with a temporary error (the MTA
//! retries later). Locks are per principal: deliveries to different
//! principals never wait for each other. (Advisory locks need a local
//! file system; do not put the store on NFS.)

use imip_core::StoreError;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;
use std::time::{Duration, Instant};

/// A held lock; released on drop.
#[derive(Debug)]
pub(crate) struct Held {
    _file: File,
}

/// Takes the exclusive lock on `path`, waiting up to `timeout`.
///
/// On a read-only file system (a store mounted read-only for inspection),
/// the existing lock file is opened for reading and locked all the same,
/// so that reads (`imip store check`) work; writes then fail on their own,
/// temporarily.
pub(crate) fn lock(path: &Path, timeout: Duration) -> Result<Held, StoreError> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .or_else(|error| match error.kind() {
            std::io::ErrorKind::ReadOnlyFilesystem => File::open(path),
            _ => Err(error),
        })
        .map_err(StoreError::unavailable)?;
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(1);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Held { _file: file }),
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(StoreError::Unavailable(
                    format!("timed out after {timeout:?} waiting for the lock {}", path.display()).into(),
                ));
            }
            Err(TryLockError::Error(error)) => return Err(StoreError::unavailable(error)),
        }
    }
}
