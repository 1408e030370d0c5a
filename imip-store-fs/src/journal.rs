//! All-or-nothing commits over many files: a redo journal.
//!
//! A commit first writes every change it will make (whole new file
//! contents, bytes added at the end of a file, or deletions) into one
//! journal file, made durable and then
//! renamed into place: the rename is the commit point. The changes are
//! then applied, each file by write-to-temporary-and-rename, made durable
//! together (one `syncfs` on Linux), and the journal is removed; its
//! removal becomes durable with the next durable write, and until then a
//! crash only applies the same changes again. After a crash, whoever next
//! takes the principal's lock finds the journal and applies it again
//! (every step is idempotent). So the store holds either the state before (no journal)
//! or the state after (journal present, or applied), never a mix.
//!
//! Journal format: `imip-journal 1\n`, then per change
//! `write <path-len> <data-len>\n<path><data>\n`,
//! `append <path-len> <offset> <data-len>\n<path><data>\n` (the data goes
//! at `offset`, the file's length before the commit, so applying it twice
//! gives the same file) or `delete <path-len>\n<path>\n`, then `end\n`. Paths are relative to the
//! store root and were built from encoded names only.

use imip_core::StoreError;
use std::fs::{self, File};
use std::io::{ErrorKind, Write};
use std::path::{Component, Path, PathBuf};

const MAGIC: &[u8] = b"imip-journal 1\n";

/// One file change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    /// Replace (or create) a file with these bytes.
    Write(PathBuf, Vec<u8>),
    /// Remove a file if present.
    Delete(PathBuf),
    /// Put these bytes at this offset (the file's length before the
    /// commit) and end the file there: an append that can be redone.
    Append(PathBuf, u64, Vec<u8>),
}

/// Serialises changes into a journal.
pub(crate) fn encode(changes: &[Change]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    for change in changes {
        match change {
            Change::Write(path, data) => {
                let path = path.to_string_lossy();
                out.extend_from_slice(format!("write {} {}\n", path.len(), data.len()).as_bytes());
                out.extend_from_slice(path.as_bytes());
                out.extend_from_slice(data);
            }
            Change::Delete(path) => {
                let path = path.to_string_lossy();
                out.extend_from_slice(format!("delete {}\n", path.len()).as_bytes());
                out.extend_from_slice(path.as_bytes());
            }
            Change::Append(path, offset, data) => {
                let path = path.to_string_lossy();
                out.extend_from_slice(format!("append {} {offset} {}\n", path.len(), data.len()).as_bytes());
                out.extend_from_slice(path.as_bytes());
                out.extend_from_slice(data);
            }
        }
        out.push(b'\n');
    }
    out.extend_from_slice(b"end\n");
    out
}

/// Parses a journal; `None` if it is malformed or a path escapes.
pub(crate) fn decode(bytes: &[u8]) -> Option<Vec<Change>> {
    let mut rest = bytes.strip_prefix(MAGIC)?;
    let mut changes = Vec::new();
    loop {
        if rest == b"end\n" {
            return Some(changes);
        }
        let newline = rest.iter().position(|&b| b == b'\n')?;
        let header = std::str::from_utf8(&rest[..newline]).ok()?;
        rest = &rest[newline + 1..];
        let mut words = header.split(' ');
        let kind = words.next()?;
        let path_len: usize = words.next()?.parse().ok()?;
        let path = PathBuf::from(std::str::from_utf8(rest.get(..path_len)?).ok()?);
        if !is_relative_inside(&path) {
            return None;
        }
        rest = &rest[path_len..];
        match kind {
            "write" => {
                let data_len: usize = words.next()?.parse().ok()?;
                changes.push(Change::Write(path, rest.get(..data_len)?.to_vec()));
                rest = &rest[data_len..];
            }
            "delete" => changes.push(Change::Delete(path)),
            "append" => {
                let offset: u64 = words.next()?.parse().ok()?;
                let data_len: usize = words.next()?.parse().ok()?;
                changes.push(Change::Append(path, offset, rest.get(..data_len)?.to_vec()));
                rest = &rest[data_len..];
            }
            _ => return None,
        }
        rest = rest.strip_prefix(b"\n")?;
    }
}

/// Writes `data` at `offset` of the file at `path` and ends the file
/// there (creating it). A file shorter than `offset` lost bytes a
/// durable commit wrote: corrupt, not repaired by guessing.
fn append_at(path: &Path, offset: u64, data: &[u8]) -> Result<(), StoreError> {
    use std::io::{Seek, SeekFrom};
    let mut file =
        in_new_dirs(path, |path| fs::OpenOptions::new().write(true).create(true).truncate(false).open(path))?;
    let length = file.metadata().map_err(StoreError::unavailable)?.len();
    if length < offset {
        return Err(StoreError::Corrupt {
            key: path.display().to_string(),
            reason: format!("{length} bytes long, but a commit appends at byte {offset}"),
        });
    }
    file.set_len(offset).map_err(StoreError::unavailable)?;
    file.seek(SeekFrom::Start(offset)).map_err(StoreError::unavailable)?;
    file.write_all(data).map_err(StoreError::unavailable)
}

/// Opens `path` with `open`; when its directory does not exist yet,
/// creates it (and its parents) and tries again. Directories usually
/// exist, so this costs no `mkdir` per file.
fn in_new_dirs(path: &Path, open: impl Fn(&Path) -> std::io::Result<File>) -> Result<File, StoreError> {
    match open(path) {
        Ok(file) => Ok(file),
        Err(error) if error.kind() == ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).map_err(StoreError::unavailable)?;
            }
            open(path).map_err(StoreError::unavailable)
        }
        Err(error) => Err(StoreError::unavailable(error)),
    }
}

/// This process's id, asked of the kernel once.
pub(crate) fn process_id() -> u32 {
    static ID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *ID.get_or_init(std::process::id)
}

/// Whether a path is relative and has only normal components.
fn is_relative_inside(path: &Path) -> bool {
    path.components().all(|c| matches!(c, Component::Normal(_))) && path.components().next().is_some()
}

/// On Linux one `syncfs(2)` makes every write before it durable at once
/// (files, renames and removals alike): a commit syncs twice (its
/// journal, then its changes) instead of once per file and directory.
/// Elsewhere each file and directory is synced on its own.
const WHOLE_FS_SYNC: bool = cfg!(target_os = "linux");

/// File writing with optional durability.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Disk {
    /// Make writes durable (off only for bulk loads and tests).
    pub(crate) sync: bool,
}

impl Disk {
    /// Writes `data` to `path` atomically: a temporary file in the same
    /// directory, synced, then renamed over the target; durable on return.
    pub(crate) fn write_atomic(&self, path: &Path, data: &[u8]) -> Result<(), StoreError> {
        self.write_file(path, data, self.sync)?;
        path.parent().map_or(Ok(()), |dir| self.sync_dir(dir))?;
        self.flush(path)
    }

    /// Makes every write so far on the filesystem holding `near` durable
    /// (`syncfs`; nothing to do where files are synced one by one).
    pub(crate) fn flush(&self, near: &Path) -> Result<(), StoreError> {
        #[cfg(target_os = "linux")]
        if self.sync {
            let dir = if near.is_dir() { near } else { near.parent().unwrap_or(near) };
            let handle = File::open(dir).map_err(StoreError::unavailable)?;
            rustix::fs::syncfs(&handle).map_err(|e| StoreError::unavailable(std::io::Error::from(e)))?;
        }
        #[cfg(not(target_os = "linux"))]
        let _ = near;
        Ok(())
    }

    /// Removes a file without waiting for the disk: for what a crash may
    /// bring back harmlessly (a journal already applied, whose removal
    /// the next durable write makes durable too; sent or claimed mail,
    /// which at worst is sent again). Durable at once where files are
    /// synced one by one. Absent is fine.
    pub(crate) fn delete_lazily(&self, path: &Path) -> Result<(), StoreError> {
        if !WHOLE_FS_SYNC {
            return self.delete(path);
        }
        match fs::remove_file(path) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == ErrorKind::NotFound => Ok(()),
            Err(error) => Err(StoreError::unavailable(error)),
        }
    }

    /// As [`Disk::write_atomic`], syncing the file only when `sync`, and
    /// leaving the directory's sync to the caller.
    fn write_file(&self, path: &Path, data: &[u8], sync: bool) -> Result<(), StoreError> {
        let dir =
            path.parent().ok_or_else(|| StoreError::Invalid(format!("no parent: {}", path.display())))?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // Unique per process and per write, so that threads of one
        // process never share a temporary file.
        static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let serial = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let temporary = dir.join(format!(".tmp-{}-{serial}-{name}", process_id()));
        let mut file = in_new_dirs(&temporary, |path| File::create(path))?;
        file.write_all(data).map_err(StoreError::unavailable)?;
        if sync && !WHOLE_FS_SYNC {
            file.sync_all().map_err(StoreError::unavailable)?;
        }
        drop(file);
        fs::rename(&temporary, path).map_err(StoreError::unavailable)
    }

    /// Removes a file, durably; absent is fine.
    pub(crate) fn delete(&self, path: &Path) -> Result<(), StoreError> {
        match fs::remove_file(path) {
            Ok(()) => path.parent().map_or(Ok(()), |dir| self.sync_dir(dir).and_then(|()| self.flush(dir))),
            Err(error) if error.kind() == ErrorKind::NotFound => Ok(()),
            Err(error) => Err(StoreError::unavailable(error)),
        }
    }

    /// Makes a directory's entries durable.
    pub(crate) fn sync_dir(&self, dir: &Path) -> Result<(), StoreError> {
        if self.sync && !WHOLE_FS_SYNC {
            File::open(dir).and_then(|d| d.sync_all()).map_err(StoreError::unavailable)?;
        }
        Ok(())
    }

    /// Commits `changes` under `root` through the journal at `journal`.
    pub(crate) fn commit(&self, root: &Path, journal: &Path, changes: &[Change]) -> Result<(), StoreError> {
        self.write_atomic(journal, &encode(changes))?;
        self.apply(root, changes)?;
        self.delete_lazily(journal)
    }

    /// Applies changes (idempotent), then removes directories that the
    /// deletions left empty, below `principals/<name>/`.
    ///
    /// The journal is already durable, so the files are written first
    /// and made durable together afterwards (each file, then each
    /// directory once), all before the journal goes: the flushes of one
    /// commit then share the filesystem's journal commits instead of
    /// each waiting for its own.
    pub(crate) fn apply(&self, root: &Path, changes: &[Change]) -> Result<(), StoreError> {
        let mut touched = std::collections::BTreeSet::new();
        let mut written = Vec::new();
        for change in changes {
            match change {
                Change::Write(path, data) => {
                    self.write_file(&root.join(path), data, false)?;
                    written.push(root.join(path));
                    touched.extend(path.parent().map(|dir| root.join(dir)));
                }
                Change::Delete(path) => match fs::remove_file(root.join(path)) {
                    Ok(()) => touched.extend(path.parent().map(|dir| root.join(dir))),
                    Err(error) if error.kind() == ErrorKind::NotFound => {}
                    Err(error) => return Err(StoreError::unavailable(error)),
                },
                Change::Append(path, offset, data) => {
                    append_at(&root.join(path), *offset, data)?;
                    written.push(root.join(path));
                    touched.extend(path.parent().map(|dir| root.join(dir)));
                }
            }
        }
        if self.sync && !WHOLE_FS_SYNC {
            for path in &written {
                match File::open(path).and_then(|f| f.sync_all()) {
                    Ok(()) => {}
                    // Another process took it already: a flush renamed a
                    // new outbox mail to claim it. It was written whole;
                    // it is theirs now.
                    Err(error) if error.kind() == ErrorKind::NotFound => {}
                    Err(error) => return Err(StoreError::unavailable(error)),
                }
            }
        }
        // Each directory once, before the journal goes.
        for dir in &touched {
            self.sync_dir(dir)?;
        }
        self.flush(root)?;
        for change in changes {
            if let Change::Delete(path) = change {
                let mut dir = path.parent();
                while let Some(rel) = dir.filter(|d| d.components().count() >= 3) {
                    // Fails harmlessly when the directory is not empty.
                    if fs::remove_dir(root.join(rel)).is_err() {
                        break;
                    }
                    dir = rel.parent();
                }
            }
        }
        Ok(())
    }

    /// Finishes a commit interrupted by a crash, if `journal` exists.
    /// Returns whether there was one.
    pub(crate) fn recover(&self, root: &Path, journal: &Path) -> Result<bool, StoreError> {
        let bytes = match fs::read(journal) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == ErrorKind::NotFound => return Ok(false),
            Err(error) => return Err(StoreError::unavailable(error)),
        };
        let changes = decode(&bytes).ok_or_else(|| StoreError::Corrupt {
            key: journal.display().to_string(),
            reason: "malformed journal".into(),
        })?;
        self.apply(root, &changes)?;
        self.delete_lazily(journal)?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journals_round_trip_and_refuse_escaping_paths() {
        let changes = vec![
            Change::Write(PathBuf::from("a/b"), b"x\ny\n".to_vec()),
            Change::Delete(PathBuf::from("c")),
            Change::Write(PathBuf::from("d"), Vec::new()),
            Change::Append(PathBuf::from("e/f"), 17, b"-\tuid\t2\n".to_vec()),
        ];
        assert_eq!(decode(&encode(&changes)), Some(changes));
        let escaping = encode(&[Change::Delete(PathBuf::from("../x"))]);
        assert_eq!(decode(&escaping), None);
        let absolute = encode(&[Change::Delete(PathBuf::from("/etc/passwd"))]);
        assert_eq!(decode(&absolute), None);
        let mut truncated = encode(&[Change::Write(PathBuf::from("a"), b"data".to_vec())]);
        truncated.truncate(truncated.len() - 4);
        assert_eq!(decode(&truncated), None);
    }

    #[test]
    fn an_append_applied_twice_gives_the_same_file_and_a_short_file_is_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let disk = Disk { sync: false };
        std::fs::write(dir.path().join("bucket"), b"one\n").unwrap();
        let changes = [Change::Append(PathBuf::from("bucket"), 4, b"two\n".to_vec())];
        disk.apply(dir.path(), &changes).unwrap();
        // A crash after applying, before the journal went: applied again.
        disk.apply(dir.path(), &changes).unwrap();
        assert_eq!(std::fs::read(dir.path().join("bucket")).unwrap(), b"one\ntwo\n");
        // A crash half-way through the append: the redo ends the file right.
        std::fs::write(dir.path().join("bucket"), b"one\ntw").unwrap();
        disk.apply(dir.path(), &changes).unwrap();
        assert_eq!(std::fs::read(dir.path().join("bucket")).unwrap(), b"one\ntwo\n");
        // Created at offset 0, in a directory that does not exist yet.
        disk.apply(dir.path(), &[Change::Append(PathBuf::from("a/new"), 0, b"x\n".to_vec())]).unwrap();
        assert_eq!(std::fs::read(dir.path().join("a/new")).unwrap(), b"x\n");
        std::fs::write(dir.path().join("bucket"), b"on").unwrap();
        assert!(matches!(disk.apply(dir.path(), &changes), Err(StoreError::Corrupt { .. })));
    }
}
