//! All-or-nothing commits over many files: a redo journal, made durable
//! with one `syncfs` per commit on Linux.
//!
//! A commit first writes each outgoing mail whole under a staging name
//! (`outbox/.staged-<id>.mail`, which no listing sees), then one journal
//! holding every change it will make: whole new file contents, bytes
//! added at the end of a file, removals, and the mail to publish. A
//! principal has two journal files, `journal.0` and `journal.1`; a
//! commit writes over the one not holding the last whole journal, in
//! place, so that it neither creates nor frees a file for it (on ext4
//! without a journal, every file freed in the last minutes slows each
//! later creation). One `syncfs` then makes the journal and the staged
//! mail durable together: the commit point. A journal cut short by a
//! crash before that fails its checksum and is never applied. The
//! changes are then applied without waiting for the disk (files are
//! written in place: a crash in the middle is repaired from the journal),
//! the staged mail is renamed into the outbox, and the journal's status
//! byte goes from committed (`c`) through publishing (`p`) to applied
//! (`a`).
//!
//! An applied journal is the only copy of what its commit wrote until the
//! principal's next commit, whose `syncfs` makes those files durable (and
//! marks it `d`); so no second sync is needed. A crash of the machine
//! before then is repaired from it: the store remembers the boot it last
//! saw (`imip-store-fs.boot`, from `/proc/sys/kernel/random/boot_id`),
//! and the first process to open it after a restart replays every
//! journal not marked durable, oldest first ([`Disk::recover_after_reboot`]),
//! then syncs. Within one boot what the kernel holds is as good as
//! written, so a killed process leaves only what [`Disk::recover`]
//! finishes under the next lock: a journal committed or publishing.
//!
//! Replaying later is safe because nothing but a commit writes the files
//! a commit writes (preference edits and repairs are commits too): the
//! same bytes again. Mail is the exception, since it leaves the outbox
//! when sent: a replay publishes only staged mail still there, so mail
//! sent long ago is never sent again. Only a journal still committed (its
//! mail never published) writes mail that is neither staged nor in the
//! outbox from the journal: the crash came before the staged copy
//! reached the disk.
//!
//! Where the boot is unknown, or files are synced one by one (not
//! Linux), a commit makes its changes durable before it returns (a second
//! sync) and marks its journal durable.
//!
//! Journal format: `imip-journal 2 <serial> <status>\n` (the serial in
//! 20 digits, one more than any before it; the status one byte), then
//! per change
//! `write <path-len> <data-len>\n<path><data>\n`,
//! `publish <staged-len> <path-len> <data-len>\n<staged><path><data>\n`,
//! `append <path-len> <offset> <data-len>\n<path><data>\n` (the data goes
//! at `offset`, the file's length before the commit, so applying it twice
//! gives the same file) or `delete <path-len>\n<path>\n`, then
//! `end <sha256>\n`, the SHA-256 in hex of every byte before it (the
//! status read as `-`). Paths
//! are relative to the store root and were built from encoded names only.
//! Version 1 journals (no `publish`, `end\n` alone) are still replayed.

use crate::read_optional;
use imip_core::StoreError;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{ErrorKind, Write};
use std::path::{Component, Path, PathBuf};

const MAGIC_V1: &[u8] = b"imip-journal 1\n";
/// A version 2 journal starts `imip-journal 2 <serial> <status>\n`: the
/// serial in 20 digits, the status one byte at a fixed place, rewritten
/// in place as the commit goes on (and left out of the checksum).
const PREFIX: &[u8] = b"imip-journal 2 ";
const STATUS_AT: usize = PREFIX.len() + 21;
const HEADER_LEN: usize = STATUS_AT + 2;
/// `end <64 hex digits>\n` closes a version 2 journal.
const END_LEN: usize = 4 + 64 + 1;

/// A principal's two journal files, written in turn and in place, so
/// that a commit neither creates nor frees a file for its journal: the
/// newer holds the last commit, the older the one before.
pub(crate) const SLOTS: [&str; 2] = ["journal.0", "journal.1"];
/// A journal as imip wrote it before the slots (version 1), found when a
/// commit was in flight during an upgrade.
pub(crate) const LEGACY: &str = "journal";

/// Where a journal's commit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// Committed, not yet applied.
    Committed,
    /// Applied; its mail being published.
    Publishing,
    /// Applied and published; its files may not be on the disk yet.
    Applied,
    /// What it wrote is on the disk (a later sync came).
    Durable,
}

impl Status {
    fn byte(self) -> u8 {
        match self {
            Status::Committed => b'c',
            Status::Publishing => b'p',
            Status::Applied => b'a',
            Status::Durable => b'd',
        }
    }

    fn from_byte(byte: u8) -> Option<Status> {
        Some(match byte {
            b'c' => Status::Committed,
            b'p' => Status::Publishing,
            b'a' => Status::Applied,
            b'd' => Status::Durable,
            _ => return None,
        })
    }
}

/// A decoded journal.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Journal {
    /// Increases with each commit of the principal (0 for version 1).
    serial: u64,
    status: Status,
    steps: Vec<Step>,
}

/// One file change a commit asks for.
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

/// One step of a journal.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// Replace (or create) a file with these bytes.
    Write(PathBuf, Vec<u8>),
    /// Rename staged mail into the outbox; its bytes, to check the
    /// staged copy against.
    Publish { staged: PathBuf, path: PathBuf, data: Vec<u8> },
    /// As [`Change::Append`].
    Append(PathBuf, u64, Vec<u8>),
    /// Remove a file if present.
    Delete(PathBuf),
}

/// Why a journal cannot be replayed.
#[derive(Debug, PartialEq, Eq)]
enum Unreadable {
    /// Cut short or garbled where a crash can leave it: never committed.
    Torn,
    /// Whole, but not something imip writes (a path that escapes, an
    /// unknown step): corrupt.
    Invalid,
}

/// The staging name of outgoing mail: a dot-name beside it.
fn staged_name(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".staged-{name}"))
}

/// Whether a change is outgoing mail (published after the commit point).
fn is_mail(path: &Path) -> bool {
    path.starts_with("outbox")
}

/// Serialises a journal, with its checksum.
fn encode(serial: u64, status: Status, steps: &[Step]) -> Vec<u8> {
    let mut out = PREFIX.to_vec();
    out.extend_from_slice(format!("{serial:020} {}\n", char::from(status.byte())).as_bytes());
    let put = |out: &mut Vec<u8>, header: String, parts: &[&[u8]]| {
        out.extend_from_slice(header.as_bytes());
        for part in parts {
            out.extend_from_slice(part);
        }
        out.push(b'\n');
    };
    for step in steps {
        match step {
            Step::Write(path, data) => {
                let path = path.to_string_lossy();
                put(&mut out, format!("write {} {}\n", path.len(), data.len()), &[path.as_bytes(), data]);
            }
            Step::Publish { staged, path, data } => {
                let (staged, path) = (staged.to_string_lossy(), path.to_string_lossy());
                let header = format!("publish {} {} {}\n", staged.len(), path.len(), data.len());
                put(&mut out, header, &[staged.as_bytes(), path.as_bytes(), data]);
            }
            Step::Delete(path) => {
                let path = path.to_string_lossy();
                put(&mut out, format!("delete {}\n", path.len()), &[path.as_bytes()]);
            }
            Step::Append(path, offset, data) => {
                let path = path.to_string_lossy();
                let header = format!("append {} {offset} {}\n", path.len(), data.len());
                put(&mut out, header, &[path.as_bytes(), data]);
            }
        }
    }
    let digest = checksum(&out);
    out.extend_from_slice(format!("end {digest}\n").as_bytes());
    out
}

/// SHA-256 in hex of a journal's bytes before `end`, its status read as `-`.
fn checksum(body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(&body[..STATUS_AT]);
    hasher.update(b"-");
    hasher.update(&body[STATUS_AT + 1..]);
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The serial a journal's header gives, read before its checksum: a
/// torn journal's serial still counts when the next one is numbered.
fn header_serial(bytes: &[u8]) -> Option<u64> {
    let digits = bytes.strip_prefix(PREFIX)?.get(..20)?;
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Parses a journal: version 2 checked against its checksum first,
/// version 1 as it was written.
fn decode(bytes: &[u8]) -> Result<Journal, Unreadable> {
    if let Some(body) = bytes.strip_prefix(MAGIC_V1) {
        let steps = decode_steps(body, 1).ok_or(Unreadable::Invalid)?;
        return Ok(Journal { serial: 0, status: Status::Committed, steps });
    }
    if !bytes.starts_with(PREFIX) {
        // A first line cut short is a torn journal; another is not ours.
        let torn = bytes.len() < PREFIX.len() && PREFIX.starts_with(bytes);
        return Err(if torn { Unreadable::Torn } else { Unreadable::Invalid });
    }
    let Some(cut) = bytes.len().checked_sub(END_LEN).filter(|&cut| cut >= HEADER_LEN) else {
        return Err(Unreadable::Torn);
    };
    let (body, end) = bytes.split_at(cut);
    if end != format!("end {}\n", checksum(body)).as_bytes() {
        return Err(Unreadable::Torn);
    }
    let serial = header_serial(body).ok_or(Unreadable::Invalid)?;
    let status = Status::from_byte(body[STATUS_AT]).ok_or(Unreadable::Invalid)?;
    if body[STATUS_AT - 1] != b' ' || body[HEADER_LEN - 1] != b'\n' {
        return Err(Unreadable::Invalid);
    }
    let mut closed = body[HEADER_LEN..].to_vec();
    closed.extend_from_slice(b"end\n");
    let steps = decode_steps(&closed, 2).ok_or(Unreadable::Invalid)?;
    Ok(Journal { serial, status, steps })
}

/// The steps of a journal body, up to `end\n`; `None` if malformed or a
/// path escapes.
fn decode_steps(mut rest: &[u8], version: u8) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    loop {
        if rest == b"end\n" {
            return Some(steps);
        }
        let newline = rest.iter().position(|&b| b == b'\n')?;
        let header = std::str::from_utf8(&rest[..newline]).ok()?;
        rest = &rest[newline + 1..];
        let mut words = header.split(' ');
        let kind = words.next()?;
        let path = |rest: &mut &[u8], len: usize| -> Option<PathBuf> {
            let path = PathBuf::from(std::str::from_utf8(rest.get(..len)?).ok()?);
            *rest = &rest[len..];
            is_relative_inside(&path).then_some(path)
        };
        let data = |rest: &mut &[u8], len: usize| -> Option<Vec<u8>> {
            let data = rest.get(..len)?.to_vec();
            *rest = &rest[len..];
            Some(data)
        };
        let mut number = || -> Option<usize> { words.next()?.parse().ok() };
        match kind {
            "write" => {
                let (path_len, data_len) = (number()?, number()?);
                let path = path(&mut rest, path_len)?;
                steps.push(Step::Write(path, data(&mut rest, data_len)?));
            }
            "publish" if version >= 2 => {
                let (staged_len, path_len, data_len) = (number()?, number()?, number()?);
                let staged = path(&mut rest, staged_len)?;
                let path = path(&mut rest, path_len)?;
                steps.push(Step::Publish { staged, path, data: data(&mut rest, data_len)? });
            }
            "delete" => {
                let path_len = number()?;
                steps.push(Step::Delete(path(&mut rest, path_len)?));
            }
            "append" => {
                let (path_len, offset, data_len) = (number()?, number()? as u64, number()?);
                let path = path(&mut rest, path_len)?;
                steps.push(Step::Append(path, offset, data(&mut rest, data_len)?));
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

/// This boot of the machine (`/proc/sys/kernel/random/boot_id`), read
/// once; `None` where there is no such file.
pub(crate) fn boot_id() -> Option<&'static str> {
    static ID: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        if !WHOLE_FS_SYNC {
            return None;
        }
        let id = fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
        let id = id.trim();
        (!id.is_empty()).then(|| id.to_string())
    })
    .as_deref()
}

/// Whether a path is relative and has only normal components.
fn is_relative_inside(path: &Path) -> bool {
    path.components().all(|c| matches!(c, Component::Normal(_))) && path.components().next().is_some()
}

/// On Linux one `syncfs(2)` makes every write before it durable at once
/// (files, renames and removals alike). Elsewhere each file and
/// directory is synced on its own.
const WHOLE_FS_SYNC: bool = cfg!(target_os = "linux");

/// What applying steps wrote: to make durable where files are synced
/// one by one.
#[derive(Default)]
struct Touched {
    files: Vec<PathBuf>,
    dirs: BTreeSet<PathBuf>,
}

/// File writing with optional durability.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Disk {
    /// Make writes durable (off only for bulk loads and tests).
    pub(crate) sync: bool,
    /// Leave each commit's journal as `applied`, made durable by the
    /// next commit's sync (Linux, with syncing on and the boot known).
    pub(crate) deferred: bool,
}

impl Disk {
    /// Durable writes, deferred where the platform allows.
    pub(crate) fn new(sync: bool) -> Disk {
        Disk { sync, deferred: sync && boot_id().is_some() }
    }

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
        write_new(&temporary, data, sync && !WHOLE_FS_SYNC)?;
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

    /// Commits `changes` under `root` through the journal slots of the
    /// principal directory `dir`.
    pub(crate) fn commit(&self, root: &Path, dir: &Path, changes: Vec<Change>) -> Result<(), StoreError> {
        let one_by_one = self.sync && !WHOLE_FS_SYNC;
        let slots = read_slots(dir)?;
        // The slot of the last whole journal stays; the other is
        // overwritten. The serial passes every one seen, torn or not.
        let keep = slots.latest();
        let target = dir.join(SLOTS[1 - keep.map_or(1, |(at, _)| at)]);
        let serial = slots.highest_serial + 1;
        let mut staged_dirs = BTreeSet::new();
        let mut steps = Vec::with_capacity(changes.len());
        for change in changes {
            steps.push(match change {
                Change::Write(path, data) if is_mail(&path) => {
                    let staged = staged_name(&path);
                    write_new(&root.join(&staged), &data, one_by_one)?;
                    staged_dirs.extend(staged.parent().map(|d| root.join(d)));
                    Step::Publish { staged, path, data }
                }
                Change::Write(path, data) => Step::Write(path, data),
                Change::Delete(path) => Step::Delete(path),
                Change::Append(path, offset, data) => Step::Append(path, offset, data),
            });
        }
        let created = !target.exists();
        write_in_place(&target, &encode(serial, Status::Committed, &steps))?;
        if one_by_one {
            File::open(&target).and_then(|f| f.sync_all()).map_err(StoreError::unavailable)?;
            staged_dirs.extend(created.then(|| dir.to_path_buf()));
        }
        for staged_dir in &staged_dirs {
            self.sync_dir(staged_dir)?;
        }
        // The commit point: the journal and the staged mail durable, and
        // with them everything the previous commit wrote.
        self.flush(root)?;
        if self.deferred
            && let Some((at, _)) = keep
        {
            set_status(&dir.join(SLOTS[at]), Status::Durable, false)?;
        }
        self.finish(root, &target, &steps)
    }

    /// Applies a committed journal's steps (`slot`), publishes its mail,
    /// and marks it applied; where commits are not deferred, its changes
    /// are made durable first.
    fn finish(&self, root: &Path, slot: &Path, steps: &[Step]) -> Result<(), StoreError> {
        let mut touched = self.apply(root, steps)?;
        set_status(slot, Status::Publishing, false)?;
        self.publish(root, steps, false, &mut touched)?;
        if self.deferred {
            return set_status(slot, Status::Applied, false);
        }
        self.settle(root, &touched)?;
        set_status(slot, Status::Durable, self.sync && !WHOLE_FS_SYNC)
    }

    /// Applies steps other than publishing (idempotent), then removes
    /// directories that the deletions left empty, below
    /// `principals/<name>/`. Nothing is synced here.
    fn apply(&self, root: &Path, steps: &[Step]) -> Result<Touched, StoreError> {
        let mut touched = Touched::default();
        for step in steps {
            match step {
                // Mail is read without the principal's lock: replaced whole.
                Step::Write(path, data) if is_mail(path) => {
                    self.write_file(&root.join(path), data, false)?;
                    touched.files.push(root.join(path));
                    touched.dirs.extend(path.parent().map(|dir| root.join(dir)));
                }
                Step::Write(path, data) => {
                    write_in_place(&root.join(path), data)?;
                    touched.files.push(root.join(path));
                    touched.dirs.extend(path.parent().map(|dir| root.join(dir)));
                }
                Step::Delete(path) => match fs::remove_file(root.join(path)) {
                    Ok(()) => {
                        touched.dirs.extend(path.parent().map(|dir| root.join(dir)));
                    }
                    Err(error) if error.kind() == ErrorKind::NotFound => {}
                    Err(error) => return Err(StoreError::unavailable(error)),
                },
                Step::Append(path, offset, data) => {
                    append_at(&root.join(path), *offset, data)?;
                    touched.files.push(root.join(path));
                    touched.dirs.extend(path.parent().map(|dir| root.join(dir)));
                }
                Step::Publish { .. } => {}
            }
        }
        for step in steps {
            if let Step::Delete(path) = step {
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
        Ok(touched)
    }

    /// Renames staged mail into the outbox. Mail no longer staged was
    /// published before (and may have been sent since), so it is left
    /// alone, unless `recreate` (a journal still committed, whose mail was
    /// never published) and the outbox holds no trace of it: then it is
    /// written from the journal. A staged copy a crash left short or
    /// garbled is replaced by the journal's.
    fn publish(
        &self,
        root: &Path,
        steps: &[Step],
        recreate: bool,
        touched: &mut Touched,
    ) -> Result<(), StoreError> {
        for step in steps {
            let Step::Publish { staged, path, data } = step else { continue };
            let (staged, path) = (root.join(staged), root.join(path));
            let whole = match fs::read(&staged) {
                Ok(found) => &found == data,
                Err(error) if error.kind() == ErrorKind::NotFound => {
                    if recreate && !mail_traced(&path)? {
                        self.write_file(&path, data, false)?;
                        touched.files.push(path.clone());
                        touched.dirs.extend(path.parent().map(Path::to_path_buf));
                    }
                    continue;
                }
                Err(error) => return Err(StoreError::unavailable(error)),
            };
            if whole {
                fs::rename(&staged, &path).map_err(StoreError::unavailable)?;
            } else {
                self.write_file(&path, data, false)?;
                self.delete_lazily(&staged)?;
                touched.files.push(path.clone());
            }
            touched.dirs.extend(path.parent().map(Path::to_path_buf));
        }
        Ok(())
    }

    /// Makes what steps touched durable: each file, then each directory
    /// once, where files are synced one by one; one `syncfs` on Linux.
    fn settle(&self, root: &Path, touched: &Touched) -> Result<(), StoreError> {
        if self.sync && !WHOLE_FS_SYNC {
            for path in &touched.files {
                match File::open(path).and_then(|f| f.sync_all()) {
                    Ok(()) => {}
                    // Another process took it already: a flush renamed a
                    // new outbox mail to claim it. It was written whole;
                    // it is theirs now.
                    Err(error) if error.kind() == ErrorKind::NotFound => {}
                    Err(error) => return Err(StoreError::unavailable(error)),
                }
            }
            for dir in &touched.dirs {
                self.sync_dir(dir)?;
            }
        }
        self.flush(root)
    }

    /// Finishes, under the principal's lock, what a process killed in the
    /// middle of a commit left in `dir`: a journal committed but not
    /// applied (applied again, its mail published) or one publishing (its
    /// mail published). Returns whether there was one. Within one boot an
    /// applied journal needs nothing: the kernel holds what it wrote.
    pub(crate) fn recover(&self, root: &Path, dir: &Path) -> Result<bool, StoreError> {
        let mut touched = Touched::default();
        let mut finished = Vec::new();
        if let Some(legacy) = read_journal(&dir.join(LEGACY))? {
            self.replay(root, &legacy, &mut touched)?;
            finished.push(dir.join(LEGACY));
        }
        for name in SLOTS {
            let path = dir.join(name);
            // Most locks find both applied: read the status alone.
            if !matches!(read_status(&path)?, Some(Status::Committed | Status::Publishing)) {
                continue;
            }
            if let Some(journal) = read_journal(&path)? {
                self.replay(root, &journal, &mut touched)?;
                finished.push(path);
            }
        }
        if finished.is_empty() {
            return Ok(false);
        }
        self.settle(root, &touched)?;
        for path in &finished {
            if path.ends_with(LEGACY) {
                self.delete_lazily(path)?;
            } else {
                set_status(path, Status::Durable, self.sync && !WHOLE_FS_SYNC)?;
            }
        }
        Ok(true)
    }

    /// After the machine restarted, replays `dir`'s journals whose files
    /// may not have reached the disk, oldest first (a torn one was never
    /// committed, and is skipped), then syncs. Returns whether there was
    /// any.
    pub(crate) fn recover_after_reboot(&self, root: &Path, dir: &Path) -> Result<bool, StoreError> {
        let mut journals = Vec::new();
        for name in [LEGACY, SLOTS[0], SLOTS[1]] {
            let path = dir.join(name);
            if let Some(journal) = read_journal(&path)?.filter(|j| j.status != Status::Durable) {
                journals.push((journal.serial, path, journal));
            }
        }
        if journals.is_empty() {
            return Ok(false);
        }
        journals.sort_by_key(|(serial, _, _)| *serial);
        let mut touched = Touched::default();
        for (_, _, journal) in &journals {
            self.replay(root, journal, &mut touched)?;
        }
        self.settle(root, &touched)?;
        for (_, path, _) in &journals {
            if path.ends_with(LEGACY) {
                self.delete_lazily(path)?;
            } else {
                set_status(path, Status::Durable, false)?;
            }
        }
        Ok(true)
    }

    /// Applies a journal again and publishes its mail: mail neither
    /// staged nor in the outbox is written from the journal only when it
    /// was never published (the journal had not got that far).
    fn replay(&self, root: &Path, journal: &Journal, touched: &mut Touched) -> Result<(), StoreError> {
        let applied = self.apply(root, &journal.steps)?;
        touched.files.extend(applied.files);
        touched.dirs.extend(applied.dirs);
        self.publish(root, &journal.steps, journal.status == Status::Committed, touched)
    }
}

/// A principal's journal slots as a commit finds them.
struct Slots {
    /// The whole journals: slot index and serial.
    whole: Vec<(usize, u64)>,
    /// The highest serial any slot's header shows.
    highest_serial: u64,
}

impl Slots {
    /// The slot holding the newest whole journal.
    fn latest(&self) -> Option<(usize, u64)> {
        self.whole.iter().copied().max_by_key(|(_, serial)| *serial)
    }
}

fn read_slots(dir: &Path) -> Result<Slots, StoreError> {
    let mut slots = Slots { whole: Vec::new(), highest_serial: 0 };
    for (at, name) in SLOTS.iter().enumerate() {
        let Some(bytes) = read_optional(&dir.join(name))? else { continue };
        slots.highest_serial = slots.highest_serial.max(header_serial(&bytes).unwrap_or(0));
        if let Ok(journal) = decode(&bytes) {
            slots.whole.push((at, journal.serial));
        }
    }
    Ok(slots)
}

/// A journal's status, from its header alone.
fn read_status(path: &Path) -> Result<Option<Status>, StoreError> {
    use std::io::Read;
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(StoreError::unavailable(error)),
    };
    let mut header = [0u8; HEADER_LEN];
    match file.read_exact(&mut header) {
        Ok(()) if header.starts_with(PREFIX) => Ok(Status::from_byte(header[STATUS_AT])),
        Ok(()) => Ok(None),
        Err(error) if error.kind() == ErrorKind::UnexpectedEof => Ok(None),
        Err(error) => Err(StoreError::unavailable(error)),
    }
}

/// Reads and decodes a journal: `None` when absent or torn (never
/// committed), an error when it is not imip's.
fn read_journal(path: &Path) -> Result<Option<Journal>, StoreError> {
    let Some(bytes) = read_optional(path)? else { return Ok(None) };
    match decode(&bytes) {
        Ok(journal) => Ok(Some(journal)),
        Err(Unreadable::Torn) => Ok(None),
        Err(Unreadable::Invalid) => {
            Err(StoreError::Corrupt { key: path.display().to_string(), reason: "malformed journal".into() })
        }
    }
}

/// Rewrites a journal's status byte in place (synced when `sync`).
fn set_status(path: &Path, status: Status, sync: bool) -> Result<(), StoreError> {
    use std::io::{Seek, SeekFrom};
    let mut file = fs::OpenOptions::new().write(true).open(path).map_err(StoreError::unavailable)?;
    file.seek(SeekFrom::Start(STATUS_AT as u64)).map_err(StoreError::unavailable)?;
    file.write_all(&[status.byte()]).map_err(StoreError::unavailable)?;
    if sync {
        file.sync_all().map_err(StoreError::unavailable)?;
    }
    Ok(())
}

/// Whether the outbox holds mail `path` names, under its name or claimed
/// or set aside (`<id>.claim-…`, `<id>.undeliverable`).
fn mail_traced(path: &Path) -> Result<bool, StoreError> {
    if path.exists() {
        return Ok(true);
    }
    let (Some(dir), Some(id)) = (path.parent(), path.file_stem().and_then(|s| s.to_str())) else {
        return Ok(false);
    };
    let listing = match fs::read_dir(dir) {
        Ok(listing) => listing,
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(false),
        Err(error) => return Err(StoreError::unavailable(error)),
    };
    let prefix = format!("{id}.");
    for entry in listing {
        let entry = entry.map_err(StoreError::unavailable)?;
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Writes `data` over the file at `path` (creating it, and its
/// directory): used after the commit point, where a crash in the middle
/// is repaired from the journal. A file that exists keeps its inode, so
/// a commit frees no inode it does not delete (on ext4 without a journal,
/// every inode freed in the last minutes slows each later creation).
fn write_in_place(path: &Path, data: &[u8]) -> Result<(), StoreError> {
    let mut file =
        in_new_dirs(path, |path| fs::OpenOptions::new().write(true).create(true).truncate(false).open(path))?;
    file.write_all(data).map_err(StoreError::unavailable)?;
    file.set_len(data.len() as u64).map_err(StoreError::unavailable)
}

/// Creates `path` (and its directory) with `data`, synced when `sync`.
fn write_new(path: &Path, data: &[u8], sync: bool) -> Result<(), StoreError> {
    let mut file = in_new_dirs(path, |path| File::create(path))?;
    file.write_all(data).map_err(StoreError::unavailable)?;
    if sync {
        file.sync_all().map_err(StoreError::unavailable)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(root: &Path, rel: &str) -> Option<Vec<u8>> {
        fs::read(root.join(rel)).ok()
    }

    fn status(root: &Path, slot: usize) -> Option<Status> {
        read_status(&root.join("principals/p").join(SLOTS[slot])).unwrap()
    }

    #[test]
    fn journals_round_trip_and_refuse_escaping_paths() {
        let steps = vec![
            Step::Write(PathBuf::from("a/b"), b"x\ny\n".to_vec()),
            Step::Delete(PathBuf::from("c")),
            Step::Write(PathBuf::from("d"), Vec::new()),
            Step::Append(PathBuf::from("e/f"), 17, b"-\tuid\t2\n".to_vec()),
            Step::Publish {
                staged: PathBuf::from("outbox/.staged-1.mail"),
                path: PathBuf::from("outbox/1.mail"),
                data: b"To: a@example.com\n".to_vec(),
            },
        ];
        let journal = Journal { serial: 7, status: Status::Committed, steps: steps.clone() };
        let whole = encode(7, Status::Committed, &steps);
        assert_eq!(decode(&whole), Ok(journal.clone()));
        // The status changes in place; the checksum does not cover it.
        let mut applied = whole.clone();
        applied[STATUS_AT] = b'a';
        assert_eq!(decode(&applied), Ok(Journal { status: Status::Applied, ..journal }));
        // Whole and checked, but not a path imip writes: corrupt.
        let escaping = encode(1, Status::Committed, &[Step::Delete(PathBuf::from("../x"))]);
        assert_eq!(decode(&escaping), Err(Unreadable::Invalid));
        let absolute = encode(1, Status::Committed, &[Step::Delete(PathBuf::from("/etc/passwd"))]);
        assert_eq!(decode(&absolute), Err(Unreadable::Invalid));
        // Cut anywhere, or one byte changed: torn, never committed.
        for cut in [0, 5, PREFIX.len(), HEADER_LEN, whole.len() / 2, whole.len() - 1] {
            assert_eq!(decode(&whole[..cut]), Err(Unreadable::Torn), "cut at {cut}");
        }
        let mut flipped = whole.clone();
        flipped[HEADER_LEN + 3] ^= 1;
        assert_eq!(decode(&flipped), Err(Unreadable::Torn));
        assert_eq!(header_serial(&flipped), Some(7), "a torn journal's serial still counts");
        // A version 1 journal, as the previous imip wrote it, still replays.
        let v1 = b"imip-journal 1\nwrite 1 2\nax\n\ndelete 1\nc\nend\n";
        let expected =
            vec![Step::Write(PathBuf::from("a"), b"x\n".to_vec()), Step::Delete(PathBuf::from("c"))];
        assert_eq!(decode(v1), Ok(Journal { serial: 0, status: Status::Committed, steps: expected }));
    }

    #[test]
    fn an_append_applied_twice_gives_the_same_file_and_a_short_file_is_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let disk = Disk { sync: false, deferred: false };
        std::fs::write(dir.path().join("bucket"), b"one\n").unwrap();
        let steps = [Step::Append(PathBuf::from("bucket"), 4, b"two\n".to_vec())];
        disk.apply(dir.path(), &steps).unwrap();
        // A crash after applying, before the journal was marked: applied again.
        disk.apply(dir.path(), &steps).unwrap();
        assert_eq!(std::fs::read(dir.path().join("bucket")).unwrap(), b"one\ntwo\n");
        // A crash half-way through the append: the redo ends the file right.
        std::fs::write(dir.path().join("bucket"), b"one\ntw").unwrap();
        disk.apply(dir.path(), &steps).unwrap();
        assert_eq!(std::fs::read(dir.path().join("bucket")).unwrap(), b"one\ntwo\n");
        // Created at offset 0, in a directory that does not exist yet.
        disk.apply(dir.path(), &[Step::Append(PathBuf::from("a/new"), 0, b"x\n".to_vec())]).unwrap();
        assert_eq!(std::fs::read(dir.path().join("a/new")).unwrap(), b"x\n");
        std::fs::write(dir.path().join("bucket"), b"on").unwrap();
        assert!(matches!(disk.apply(dir.path(), &steps), Err(StoreError::Corrupt { .. })));
    }

    /// A commit as the store makes one: a record file, an append to a
    /// bucket, and a mail.
    fn commit(disk: &Disk, root: &Path, record: &[u8], line: &[u8], offset: u64, mail: &str) {
        let changes = vec![
            Change::Write(PathBuf::from("principals/p/records/r/state"), record.to_vec()),
            Change::Append(
                PathBuf::from("principals/p/periods/own/months/2030-01.tsv"),
                offset,
                line.to_vec(),
            ),
            Change::Write(
                PathBuf::from(format!("outbox/{mail}.mail")),
                format!("mail {mail}\n").into_bytes(),
            ),
        ];
        fs::create_dir_all(root.join("principals/p")).unwrap();
        disk.commit(root, &root.join("principals/p"), changes).unwrap();
    }

    /// With one sync per commit, commits write the two journal slots in
    /// turn, in place: the last one applied, the one before durable (the
    /// last one's sync made it so). Nothing is staged or in flight after,
    /// and a later lock in the same boot finds nothing to do.
    #[test]
    #[cfg(unix)] // reads inode numbers
    fn commits_write_their_journals_in_turn_and_in_place() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let disk = Disk { sync: true, deferred: true };
        commit(&disk, root, b"v1\n", b"one\n", 0, "m1");
        assert_eq!(read(root, "principals/p/records/r/state").as_deref(), Some(&b"v1\n"[..]));
        assert_eq!(read(root, "outbox/m1.mail").as_deref(), Some(&b"mail m1\n"[..]));
        assert!(!root.join("outbox/.staged-m1.mail").exists());
        assert_eq!((status(root, 0), status(root, 1)), (Some(Status::Applied), None));
        let inode = fs::metadata(root.join("principals/p/journal.0")).unwrap().ino();
        commit(&disk, root, b"v2\n", b"two\n", 4, "m2");
        assert_eq!((status(root, 0), status(root, 1)), (Some(Status::Durable), Some(Status::Applied)));
        commit(&disk, root, b"v3\n", b"three\n", 8, "m3");
        assert_eq!((status(root, 0), status(root, 1)), (Some(Status::Applied), Some(Status::Durable)));
        let latest = read_journal(&root.join("principals/p/journal.0")).unwrap().unwrap();
        assert_eq!(latest.serial, 3);
        assert!(
            latest
                .steps
                .contains(&Step::Write(PathBuf::from("principals/p/records/r/state"), b"v3\n".to_vec()))
        );
        assert_eq!(
            fs::metadata(root.join("principals/p/journal.0")).unwrap().ino(),
            inode,
            "rewritten in place"
        );
        // The same boot: the kernel holds what the applied journal wrote.
        fs::write(root.join("principals/p/records/r/state"), b"edited by hand\n").unwrap();
        assert!(!disk.recover(root, &root.join("principals/p")).unwrap());
        assert_eq!(read(root, "principals/p/records/r/state").as_deref(), Some(&b"edited by hand\n"[..]));
        // Where the boot is unknown, a commit makes its changes durable
        // before it is done: its journal is left durable.
        let plain = Disk { sync: true, deferred: false };
        commit(&plain, root, b"v4\n", b"four\n", 14, "m4");
        assert_eq!((status(root, 0), status(root, 1)), (Some(Status::Applied), Some(Status::Durable)));
    }

    /// The machine stopped after a commit returned, before the kernel wrote
    /// its files: the record and the bucket went back, and its mail, sent
    /// in the meantime, left the outbox for good. The first opening after
    /// the restart replays the journals not known durable: the commit is
    /// whole again, and the mail is not sent a second time.
    #[test]
    fn after_a_restart_the_last_commit_is_replayed_without_sending_its_mail_again() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let disk = Disk { sync: true, deferred: true };
        commit(&disk, root, b"v1\n", b"one\n", 0, "m1");
        commit(&disk, root, b"v2\n", b"two\n", 4, "m2");
        // What the crash undid, and the sending did.
        fs::write(root.join("principals/p/records/r/state"), b"v1\n").unwrap();
        fs::write(root.join("principals/p/periods/own/months/2030-01.tsv"), b"one\n").unwrap();
        fs::remove_file(root.join("outbox/m2.mail")).unwrap();
        assert!(disk.recover_after_reboot(root, &root.join("principals/p")).unwrap());
        assert_eq!(read(root, "principals/p/records/r/state").as_deref(), Some(&b"v2\n"[..]));
        let bucket = read(root, "principals/p/periods/own/months/2030-01.tsv");
        assert_eq!(bucket.as_deref(), Some(&b"one\ntwo\n"[..]));
        assert_eq!(read(root, "outbox/m2.mail"), None, "sent mail is not brought back");
        assert_eq!((status(root, 0), status(root, 1)), (Some(Status::Durable), Some(Status::Durable)));
        assert!(!disk.recover_after_reboot(root, &root.join("principals/p")).unwrap());
    }

    /// A journal committed but not applied: found after a kill, it is
    /// applied and its staged mail published; found after a restart with
    /// its staged mail lost (the crash came before the sync reached it),
    /// the mail is written from the journal, unless the outbox shows it
    /// already (claimed by a sender).
    #[test]
    fn an_interrupted_commit_is_finished_and_its_mail_published_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let disk = Disk { sync: true, deferred: true };
        let steps = vec![
            Step::Write(PathBuf::from("principals/p/state"), b"new\n".to_vec()),
            Step::Publish {
                staged: PathBuf::from("outbox/.staged-m1.mail"),
                path: PathBuf::from("outbox/m1.mail"),
                data: b"mail m1\n".to_vec(),
            },
        ];
        let slot = root.join("principals/p").join(SLOTS[1]);
        fs::create_dir_all(root.join("outbox")).unwrap();
        fs::create_dir_all(root.join("principals/p")).unwrap();
        fs::write(root.join("outbox/.staged-m1.mail"), b"mail m1\n").unwrap();
        fs::write(&slot, encode(4, Status::Committed, &steps)).unwrap();
        assert!(disk.recover(root, &root.join("principals/p")).unwrap());
        assert_eq!(read(root, "principals/p/state").as_deref(), Some(&b"new\n"[..]));
        assert_eq!(read(root, "outbox/m1.mail").as_deref(), Some(&b"mail m1\n"[..]));
        assert!(!root.join("outbox/.staged-m1.mail").exists());
        assert_eq!(status(root, 1), Some(Status::Durable));

        // After a restart, staged mail lost: written from the journal.
        fs::remove_file(root.join("outbox/m1.mail")).unwrap();
        fs::write(&slot, encode(4, Status::Committed, &steps)).unwrap();
        assert!(disk.recover_after_reboot(root, &root.join("principals/p")).unwrap());
        assert_eq!(read(root, "outbox/m1.mail").as_deref(), Some(&b"mail m1\n"[..]));
        // ... but not when a sender holds it already.
        fs::rename(root.join("outbox/m1.mail"), root.join("outbox/m1.claim-99")).unwrap();
        fs::write(&slot, encode(4, Status::Committed, &steps)).unwrap();
        assert!(disk.recover_after_reboot(root, &root.join("principals/p")).unwrap());
        assert_eq!(read(root, "outbox/m1.mail"), None);
        // ... nor once it was published (sent since, and gone).
        fs::remove_file(root.join("outbox/m1.claim-99")).unwrap();
        fs::write(&slot, encode(4, Status::Applied, &steps)).unwrap();
        assert!(disk.recover_after_reboot(root, &root.join("principals/p")).unwrap());
        assert_eq!(read(root, "outbox/m1.mail"), None);
    }

    /// A journal cut short by a crash was never committed: nothing of it
    /// is applied, and the next commit writes over it, keeping the last
    /// whole journal and numbering past the torn one. A journal that is
    /// whole but not imip's is reported, not guessed at.
    #[test]
    fn a_torn_journal_is_never_applied_and_a_foreign_one_is_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let disk = Disk { sync: true, deferred: true };
        commit(&disk, root, b"v1\n", b"one\n", 0, "m1");
        let torn =
            encode(9, Status::Committed, &[Step::Write(PathBuf::from("principals/p/x"), b"x\n".to_vec())]);
        fs::write(root.join("principals/p").join(SLOTS[1]), &torn[..torn.len() - 10]).unwrap();
        assert!(!disk.recover(root, &root.join("principals/p")).unwrap());
        disk.recover_after_reboot(root, &root.join("principals/p")).unwrap();
        assert_eq!(read(root, "principals/p/x"), None);
        commit(&disk, root, b"v2\n", b"two\n", 4, "m2");
        let written = read_journal(&root.join("principals/p").join(SLOTS[1])).unwrap().unwrap();
        assert_eq!(written.serial, 10);
        assert!(read_journal(&root.join("principals/p").join(SLOTS[0])).unwrap().is_some());
        fs::write(root.join("principals/p/journal"), b"something else entirely\n").unwrap();
        assert!(matches!(disk.recover(root, &root.join("principals/p")), Err(StoreError::Corrupt { .. })));
    }
}
