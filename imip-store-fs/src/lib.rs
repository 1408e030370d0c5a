//! # imip-store-fs: a plain directory tree as an imip [`Store`]
//!
//! Everything lives in files an administrator can read with `cat`, back
//! up with `tar` or `rsync`, and repair by hand:
//!
//! ```text
//! ROOT/
//!   imip-store-fs.version          layout version ("2")
//!   imip-store-fs.boot             the machine boot the store last saw
//!   principals/<addr>/             one directory per principal
//!     address                      the address, as given
//!     .lock                        flock(2) target (see below)
//!     journal.0, journal.1         the last two commits' journals, written
//!                                  in turn (see `journal.rs`)
//!     records/<xx>/<uid>/          one directory per UID (xx: hash shard)
//!       state                      uid, version, pending line, counters
//!       object.ics                 the principal's copy of the object
//!       counters/<addr>.ics        counter-proposals received
//!     pending                      the pending queue: "uid<TAB>line"
//!     schedule                     schedule version (decimal; absent: 0)
//!     periods/<set>/               busy periods, one set per directory
//!       max                        longest period ever stored (seconds)
//!       months/YYYY-MM.tsv         periods starting in that month, and
//!                                  removals ("-<TAB>uid<TAB>n": the n
//!                                  periods of uid above are gone)
//!       uids/<uid>                 the months a UID has periods in, and
//!                                  how many ("YYYY-MM<TAB>n")
//!     prefs/<key>                  one preference per file
//!   outbox/<id>.mail               mail to send (<id>.claim-<until> while
//!                                  a process is sending it)
//!   outbox/<id>.undeliverable      mail the transport refused for good
//! ```
//!
//! `<addr>`, `<uid>` and `<set>` are encoded names (see `names.rs`): no
//! separator, NUL, dot-name or upper case can reach the file system, and
//! over-long names are shortened with a SHA-256 suffix.
//!
//! ## Guarantees
//!
//! * **All or nothing.** A commit (record, periods, outbox mail) goes
//!   through a per-principal redo journal: the journal, durable, is the
//!   commit point, and an interrupted commit is finished by the next
//!   process that takes the lock. On Linux one `syncfs` per commit makes
//!   the journal durable, and with it everything the previous commits
//!   wrote; after a restart of the machine the first process to open the
//!   store replays the last journals (see `journal.rs`). Elsewhere every
//!   file and directory is synced on its own. `syncfs` also flushes what
//!   other programs wrote to the same filesystem, so a store that shares
//!   one with a busy mail queue waits for the queue's writes too.
//! * **Concurrency.** Each principal has its own lock (`flock(2)` on
//!   `.lock`), held for the duration of each operation and released by
//!   the kernel if the holder dies, so stale locks cannot exist. Waiting
//!   is bounded by [`Options::lock_timeout`]; a timeout is a temporary
//!   error. Records also carry a version, so a decision taken on stale
//!   data is refused with `Conflict` and redone by the driver. A commit
//!   that guards other principals' schedules takes their locks too, all
//!   in address order, so two commits never wait for each other in a
//!   cycle.
//! * **Outbox.** Mail is claimed by renaming its file (atomic, so only
//!   one process wins) and carries the lease's end in its name.
//!
//! ## Cost
//!
//! * Load of a UID: O(1) files (the record directory).
//! * Commit of a UID: O(1) record files, plus an append to each month
//!   bucket its old and new periods touch (a removal line, then the new
//!   periods): O(its own periods). Changing a UID that already has
//!   periods in a month also reads that bucket's bytes (not its
//!   periods) to count removed lines, and the bucket is rewritten whole,
//!   O(periods in that month), when they would outnumber live ones: at
//!   most once per as many changes as the bucket has live periods.
//! * Period query over a window: lists the set's month names, then reads
//!   only the buckets from `start − max` to `end`: O(months + k) for k
//!   periods in those buckets, independent of the number of records.
//! * `uids`, `pending`: O(records) and O(queue) respectively.

mod check;
mod journal;
mod lock;
mod names;
mod outbox;
mod periods;
mod state;
mod tx;

pub mod import;

use crate::journal::{Change, Disk};
use crate::state::{State, escape, unescape};
use crate::tx::Tx;
use imip_core::backend::{OutboxId, Version, Versioned};
use imip_core::backend::{check_pref_key, encode_mail, parse_stored_object, valid_pref_key};
use imip_core::freebusy::{BusyPeriod, PeriodSet};
use imip_core::{CalAddress, Commit, OutgoingMail, PendingRequest, Record, Store, StoreError, Timestamp};
use std::collections::BTreeMap;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The layout version this crate writes and reads.
///
/// Layout 2 added removal lines to month buckets (see `periods.rs`) and
/// period counts to `uids/<uid>`. A layout 1 store is read as it is, and
/// its version file says 2 from its first commit on (written in that
/// commit), so an older imip refuses it instead of misreading a bucket.
pub const LAYOUT_VERSION: u32 = 2;
const VERSION_FILE: &str = "imip-store-fs.version";
/// The boot of the machine the store last saw (see `journal.rs`).
const BOOT_FILE: &str = "imip-store-fs.boot";

/// Refuses, as a configuration mistake ([`StoreError::Invalid`]), a root
/// that is a file or lies under one: no retry can cure that.
fn check_root(root: &Path) -> Result<(), StoreError> {
    let mut nearest = Some(root);
    while let Some(path) = nearest {
        match std::fs::metadata(path) {
            Ok(found) if found.is_dir() => return Ok(()),
            Ok(_) => {
                return Err(StoreError::Invalid(format!(
                    "{} is a file, not a directory: the store must be a directory",
                    path.display()
                )));
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotADirectory => {
                nearest = path.parent();
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => nearest = path.parent(),
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// How to open a store.
#[derive(Debug, Clone)]
pub struct Options {
    /// How long to wait for a principal's lock before giving up with a
    /// temporary error. Default: 30 s.
    pub lock_timeout: Duration,
    /// `fsync` every file and directory written. Default: on. Turn off
    /// only for bulk loads that can be redone.
    pub sync: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { lock_timeout: Duration::from_secs(30), sync: true }
    }
}

/// A [`Store`] in a directory (see the crate docs for the layout).
#[derive(Debug, Clone)]
pub struct FsStore {
    root: PathBuf,
    options: Options,
    /// The layout the version file gave at opening.
    layout: u32,
}

fn io(error: std::io::Error) -> StoreError {
    StoreError::unavailable(error)
}

fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, StoreError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == ErrorKind::NotFound => Ok(None),
        Err(error) => Err(io(error)),
    }
}

fn corrupt(path: &Path, reason: impl Into<String>) -> StoreError {
    StoreError::Corrupt { key: path.display().to_string(), reason: reason.into() }
}

fn text(path: &Path, bytes: Vec<u8>) -> Result<String, StoreError> {
    String::from_utf8(bytes).map_err(|_| corrupt(path, "not UTF-8"))
}

/// Entries of a directory, sorted; an absent directory is empty.
fn entries(dir: &Path) -> Result<Vec<String>, StoreError> {
    let iter = match fs::read_dir(dir) {
        Ok(iter) => iter,
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(io(error)),
    };
    let mut names = Vec::new();
    for entry in iter {
        let name = entry.map_err(io)?.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// The `YYYY-MM` bucket of an instant, if it is within years 0..=9999.
fn month_of(at: Timestamp) -> Option<String> {
    let date = chrono::DateTime::from_timestamp(at.seconds(), 0)?;
    let year = chrono::Datelike::year(&date);
    (0..=9999).contains(&year).then(|| date.format("%Y-%m").to_string())
}

impl FsStore {
    /// Opens the store in `root`, creating it if the directory is absent
    /// or empty. Refuses a non-empty directory that is not an imip store,
    /// and a layout newer than this version understands.
    pub fn open(root: impl Into<PathBuf>, options: Options) -> Result<FsStore, StoreError> {
        let root = root.into();
        check_root(&root)?;
        let mut store = FsStore { root, options, layout: LAYOUT_VERSION };
        let version_path = store.root.join(VERSION_FILE);
        let version = match read_optional(&version_path)? {
            Some(version) => Some(version),
            None if entries(&store.root)?.is_empty() => None,
            // Not empty: another process may have created the store since
            // the first read, and its version file is there now.
            None => match read_optional(&version_path)? {
                Some(version) => Some(version),
                None => {
                    return Err(StoreError::Invalid(format!(
                        "{} is not empty and holds no {VERSION_FILE}: not an imip store",
                        store.root.display()
                    )));
                }
            },
        };
        match version {
            Some(bytes) => {
                let found: u32 = text(&version_path, bytes)?
                    .trim()
                    .parse()
                    .map_err(|_| corrupt(&version_path, "not a number"))?;
                if found > LAYOUT_VERSION {
                    return Err(StoreError::Invalid(format!(
                        "{} has layout {found}; this imip understands up to {LAYOUT_VERSION}",
                        store.root.display()
                    )));
                }
                store.layout = found;
            }
            None => {
                store.disk().write_atomic(&version_path, format!("{LAYOUT_VERSION}\n").as_bytes())?;
            }
        }
        store.recover_after_reboot()?;
        Ok(store)
    }

    /// The first opening after the machine restarted replays every
    /// principal's journals (see `journal.rs`): what the last commits
    /// wrote may not have reached the disk. The boot is then remembered.
    fn recover_after_reboot(&self) -> Result<(), StoreError> {
        let Some(boot) = journal::boot_id() else { return Ok(()) };
        let path = self.root.join(BOOT_FILE);
        if read_optional(&path)?.is_some_and(|seen| seen.trim_ascii() == boot.as_bytes()) {
            return Ok(());
        }
        let disk = self.disk();
        let principals = self.root.join("principals");
        for name in entries(&principals)? {
            let dir = principals.join(&name);
            let names = [journal::LEGACY, journal::SLOTS[0], journal::SLOTS[1]];
            if names.iter().any(|n| dir.join(n).exists()) {
                let _held = lock::lock(&dir.join(".lock"), self.options.lock_timeout)?;
                disk.recover_after_reboot(&self.root, &dir)?;
            }
        }
        disk.write_atomic(&path, format!("{boot}\n").as_bytes())
    }

    /// Whether `root` holds a store already (its layout version file),
    /// for commands that must not create one.
    pub fn exists(root: impl AsRef<Path>) -> bool {
        root.as_ref().join(VERSION_FILE).is_file()
    }

    /// The store's directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn disk(&self) -> Disk {
        Disk::new(self.options.sync)
    }

    fn principal_rel(principal: &CalAddress) -> PathBuf {
        Path::new("principals").join(names::encode(principal.as_str()))
    }

    fn record_rel(principal: &CalAddress, uid: &str) -> PathBuf {
        Self::principal_rel(principal).join("records").join(names::shard(uid)).join(names::encode(uid))
    }

    fn set_rel(principal: &CalAddress, set: &PeriodSet) -> PathBuf {
        Self::principal_rel(principal).join("periods").join(names::encode(&set.key()))
    }

    /// Takes the principal's lock (creating its directory) and finishes
    /// any interrupted commit.
    fn lock(&self, principal: &CalAddress) -> Result<lock::Held, StoreError> {
        let dir = self.root.join(Self::principal_rel(principal));
        if !dir.is_dir() {
            self.create_principal_dir(principal, &dir)?;
        }
        let held = lock::lock(&dir.join(".lock"), self.options.lock_timeout)?;
        let address = dir.join("address");
        if !address.exists() {
            // Only a tree from before atomic creation can lack it.
            self.disk().write_atomic(&address, principal.as_str().as_bytes())?;
        }
        self.disk().recover(&self.root, &dir)?;
        Ok(held)
    }

    /// Creates a principal's directory with its `address` file in one
    /// step: it is built under a dot-name (which every listing skips) and
    /// renamed into place, so a crash never leaves a principal directory
    /// without its address. When another process wins the race, its
    /// directory is kept and ours removed.
    fn create_principal_dir(&self, principal: &CalAddress, dir: &Path) -> Result<(), StoreError> {
        static CREATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let parent =
            dir.parent().ok_or_else(|| StoreError::Invalid(format!("no parent: {}", dir.display())))?;
        fs::create_dir_all(parent).map_err(io)?;
        let serial = CREATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let staging = parent.join(format!(".new-{}-{serial}", crate::journal::process_id()));
        fs::create_dir(&staging).map_err(io)?;
        self.disk().write_atomic(&staging.join("address"), principal.as_str().as_bytes())?;
        match fs::rename(&staging, dir) {
            Ok(()) => self.disk().sync_dir(parent).and_then(|()| self.disk().flush(parent)),
            Err(_) if dir.is_dir() => fs::remove_dir_all(&staging).map_err(io),
            Err(error) => {
                let _ = fs::remove_dir_all(&staging);
                Err(io(error))
            }
        }
    }

    /// Takes the lock only if the principal has a directory (reads of
    /// unknown principals create nothing).
    fn lock_existing(&self, principal: &CalAddress) -> Result<Option<lock::Held>, StoreError> {
        if self.root.join(Self::principal_rel(principal)).is_dir() {
            self.lock(principal).map(Some)
        } else {
            Ok(None)
        }
    }

    fn read_state(&self, rel: &Path) -> Result<Option<(String, State)>, StoreError> {
        let path = self.root.join(rel).join("state");
        read_optional(&path)?.map(|bytes| State::parse(&path, bytes)).transpose()
    }

    fn read_object(&self, path: &Path) -> Result<imip_core::SchedulingObject, StoreError> {
        let bytes = read_optional(path)?.ok_or_else(|| corrupt(path, "missing"))?;
        parse_stored_object(&path.display().to_string(), &text(path, bytes)?)
    }

    fn load_locked(&self, principal: &CalAddress, uid: &str) -> Result<Versioned<Record>, StoreError> {
        let rel = Self::record_rel(principal, uid);
        let Some((stored_uid, state)) = self.read_state(&rel)? else {
            return Ok(Versioned::default());
        };
        if stored_uid != uid {
            return Err(corrupt(&self.root.join(&rel), format!("holds UID {stored_uid:?}, not {uid:?}")));
        }
        let dir = self.root.join(&rel);
        let object = if state.has_object { Some(self.read_object(&dir.join("object.ics"))?) } else { None };
        let mut counters = BTreeMap::new();
        for from in &state.counters {
            let path = dir.join("counters").join(format!("{}.ics", names::encode(from.as_str())));
            counters.insert(from.clone(), self.read_object(&path)?);
        }
        Ok(Versioned {
            value: Record { object, counters, pending: state.pending },
            version: Version(state.version),
        })
    }

    /// Adds the record's file changes (and the queue's) to `tx`.
    fn stage_record(
        &self,
        tx: &mut Tx<'_>,
        principal: &CalAddress,
        uid: &str,
        old: &State,
        record: &Record,
    ) -> Result<(), StoreError> {
        let rel = Self::record_rel(principal, uid);
        let counter_rel =
            |from: &CalAddress| rel.join("counters").join(format!("{}.ics", names::encode(from.as_str())));
        for from in &old.counters {
            if !record.counters.contains_key(from) {
                tx.delete(counter_rel(from));
            }
        }
        if record.is_empty() {
            tx.delete(rel.join("state"));
            tx.delete(rel.join("object.ics"));
        } else {
            let state = State {
                version: old.version + 1,
                pending: record.pending.clone(),
                counters: record.counters.keys().cloned().collect(),
                has_object: record.object.is_some(),
            };
            tx.write(rel.join("state"), state.render(uid));
            match &record.object {
                Some(object) => tx.write(rel.join("object.ics"), object.to_ics().into_bytes()),
                None => tx.delete(rel.join("object.ics")),
            }
            for (from, counter) in &record.counters {
                tx.write(counter_rel(from), counter.to_ics().into_bytes());
            }
        }
        if old.pending != record.pending {
            let queue_rel = Self::principal_rel(principal).join("pending");
            let mut queue = self.read_queue(tx.read(&queue_rel)?, &queue_rel)?;
            match &record.pending {
                Some(pending) => queue.insert(uid.to_string(), pending.clone()),
                None => queue.remove(uid),
            };
            if queue.is_empty() {
                tx.delete(queue_rel);
            } else {
                let lines: String =
                    queue.iter().map(|(uid, p)| format!("{}\t{}\n", escape(uid), p.to_line())).collect();
                tx.write(queue_rel, lines.into_bytes());
            }
        }
        Ok(())
    }

    fn read_queue(
        &self,
        bytes: Option<Vec<u8>>,
        rel: &Path,
    ) -> Result<BTreeMap<String, PendingRequest>, StoreError> {
        let path = self.root.join(rel);
        let Some(bytes) = bytes else { return Ok(BTreeMap::new()) };
        let mut queue = BTreeMap::new();
        for line in text(&path, bytes)?.lines() {
            let (uid, pending) = line.split_once('\t').ok_or_else(|| corrupt(&path, "bad line"))?;
            let uid = unescape(uid).ok_or_else(|| corrupt(&path, "bad uid"))?;
            queue.insert(uid, PendingRequest::from_line(pending).ok_or_else(|| corrupt(&path, "bad entry"))?);
        }
        Ok(queue)
    }

    /// The principal's schedule version; the caller holds its lock.
    fn schedule_version_locked(&self, principal: &CalAddress) -> Result<Version, StoreError> {
        let path = self.root.join(Self::principal_rel(principal)).join("schedule");
        match read_optional(&path)? {
            None => Ok(Version(0)),
            Some(bytes) => text(&path, bytes)?
                .trim()
                .parse()
                .map(Version)
                .map_err(|_| corrupt(&path, "not a schedule version")),
        }
    }

    fn has_content(&self, principal_dir: &Path) -> Result<bool, StoreError> {
        for part in ["records", "periods", "prefs"] {
            if !entries(&principal_dir.join(part))?.is_empty() {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

impl Store for FsStore {
    fn load(&self, principal: &CalAddress, uid: &str) -> Result<Versioned<Record>, StoreError> {
        let _lock = self.lock_existing(principal)?;
        self.load_locked(principal, uid)
    }

    fn commit(&mut self, commit: Commit) -> Result<(), StoreError> {
        // Locks in address order: the principal's, and those of every
        // other schedule the commit guards.
        let mut lock_order: Vec<&CalAddress> = commit.guards.iter().map(|g| &g.principal).collect();
        lock_order.push(&commit.principal);
        lock_order.sort();
        lock_order.dedup();
        let mut _locks = Vec::with_capacity(lock_order.len());
        for principal in lock_order {
            if principal == &commit.principal {
                _locks.push(Some(self.lock(principal)?));
            } else {
                _locks.push(self.lock_existing(principal)?);
            }
        }
        for guard in &commit.guards {
            if self.schedule_version_locked(&guard.principal)? != guard.version {
                return Err(StoreError::Conflict);
            }
        }
        let rel = Self::record_rel(&commit.principal, &commit.uid);
        let old = match self.read_state(&rel)? {
            Some((uid, state)) if uid == commit.uid => state,
            Some((uid, _)) => return Err(corrupt(&self.root.join(&rel), format!("holds UID {uid:?}"))),
            None => State::default(),
        };
        if Version(old.version) != commit.expected {
            return Err(StoreError::Conflict);
        }
        for (key, _) in &commit.prefs {
            check_pref_key(key)?;
        }
        let mut tx = Tx::new(&self.root);
        self.stage_record(&mut tx, &commit.principal, &commit.uid, &old, &commit.record)?;
        for (key, value) in &commit.prefs {
            let rel = Self::principal_rel(&commit.principal).join("prefs").join(key);
            match value {
                Some(value) => tx.write(rel, value.as_bytes().to_vec()),
                None => tx.delete(rel),
            }
        }
        for update in &commit.periods {
            self.stage_periods(&mut tx, &commit.principal, update)?;
        }
        if !commit.periods.is_empty() {
            let next = self.schedule_version_locked(&commit.principal)?.0 + 1;
            tx.write(Self::principal_rel(&commit.principal).join("schedule"), next.to_string().into_bytes());
        }
        if self.layout < LAYOUT_VERSION {
            tx.write(PathBuf::from(VERSION_FILE), format!("{LAYOUT_VERSION}\n").into_bytes());
        }
        for mail in &commit.outbox {
            tx.write(
                Path::new("outbox").join(format!("{}.mail", Self::new_outbox_name())),
                encode_mail(mail),
            );
        }
        let dir = self.root.join(Self::principal_rel(&commit.principal));
        self.disk().commit(&self.root, &dir, tx.into_changes())?;
        self.layout = LAYOUT_VERSION;
        Ok(())
    }

    fn schedule_version(&self, principal: &CalAddress) -> Result<Version, StoreError> {
        let Some(_lock) = self.lock_existing(principal)? else { return Ok(Version(0)) };
        self.schedule_version_locked(principal)
    }

    fn periods(
        &self,
        principal: &CalAddress,
        set: &PeriodSet,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<BusyPeriod>, StoreError> {
        let Some(_lock) = self.lock_existing(principal)? else { return Ok(Vec::new()) };
        let set_rel = Self::set_rel(principal, set);
        let max = self.read_max(read_optional(&self.root.join(set_rel.join("max")))?);
        let first = month_of(Timestamp::from_seconds(from.seconds().saturating_sub(max)));
        let last = month_of(Timestamp::from_seconds(to.seconds().saturating_sub(1)));
        let mut found = Vec::new();
        for name in entries(&self.root.join(set_rel.join("months")))? {
            let Some(month) = name.strip_suffix(".tsv") else { continue };
            // Buckets outside years 0..=9999 bound nothing: filter below.
            let after_first = first.as_deref().is_none_or(|f| month >= f);
            let before_last = last.as_deref().is_none_or(|l| month <= l);
            if after_first && before_last {
                let bucket = self.read_bucket(None, &set_rel.join("months").join(&name))?;
                found.extend(bucket.into_iter().filter(|p| p.overlaps(from, to)));
            }
        }
        found.sort();
        Ok(found)
    }

    fn principals(&self) -> Result<Vec<CalAddress>, StoreError> {
        let dir = self.root.join("principals");
        let mut found = Vec::new();
        for name in entries(&dir)? {
            let principal_dir = dir.join(&name);
            let address = read_optional(&principal_dir.join("address"))?
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|a| CalAddress::parse(&a))
                .ok_or_else(|| corrupt(&principal_dir, "no readable address file"))?;
            if self.has_content(&principal_dir)? {
                found.push(address);
            }
        }
        found.sort();
        Ok(found)
    }

    fn uids(&self, principal: &CalAddress) -> Result<Vec<String>, StoreError> {
        let Some(_lock) = self.lock_existing(principal)? else { return Ok(Vec::new()) };
        let records = Self::principal_rel(principal).join("records");
        let mut found = Vec::new();
        for shard in entries(&self.root.join(&records))? {
            for name in entries(&self.root.join(records.join(&shard)))? {
                match self.read_state(&records.join(&shard).join(&name)) {
                    Ok(Some((uid, _))) => found.push(uid),
                    Ok(None) => {}
                    // A damaged state file still names its record through
                    // the directory's name, so that checks report it
                    // (loading it fails) instead of stopping.
                    Err(StoreError::Corrupt { .. }) => found.extend(names::decode(&name)),
                    Err(other) => return Err(other),
                }
            }
        }
        found.sort();
        Ok(found)
    }

    fn period_sets(&self, principal: &CalAddress) -> Result<Vec<PeriodSet>, StoreError> {
        let Some(_lock) = self.lock_existing(principal)? else { return Ok(Vec::new()) };
        let periods = self.root.join(Self::principal_rel(principal)).join("periods");
        let mut sets = Vec::new();
        for name in entries(&periods)? {
            let key =
                names::decode(&name).ok_or_else(|| corrupt(&periods.join(&name), "undecodable set name"))?;
            let set =
                PeriodSet::from_key(&key).ok_or_else(|| corrupt(&periods.join(&name), "unknown set"))?;
            if !entries(&periods.join(&name).join("months"))?.is_empty() {
                sets.push(set);
            }
        }
        sets.sort();
        Ok(sets)
    }

    fn pending(&self, principal: &CalAddress) -> Result<Vec<(String, PendingRequest)>, StoreError> {
        let Some(_lock) = self.lock_existing(principal)? else { return Ok(Vec::new()) };
        let rel = Self::principal_rel(principal).join("pending");
        Ok(self.read_queue(read_optional(&self.root.join(&rel))?, &rel)?.into_iter().collect())
    }

    fn prefs(&self, principal: &CalAddress) -> Result<BTreeMap<String, String>, StoreError> {
        let Some(_lock) = self.lock_existing(principal)? else { return Ok(BTreeMap::new()) };
        let dir = self.root.join(Self::principal_rel(principal)).join("prefs");
        let mut prefs = BTreeMap::new();
        for key in entries(&dir)? {
            if valid_pref_key(&key) {
                let path = dir.join(&key);
                if let Some(bytes) = read_optional(&path)? {
                    prefs.insert(key, text(&path, bytes)?);
                }
            }
        }
        Ok(prefs)
    }

    fn set_pref(&mut self, principal: &CalAddress, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        check_pref_key(key)?;
        let _lock = self.lock(principal)?;
        let rel = Self::principal_rel(principal).join("prefs").join(key);
        // Through the journal, as every change to a principal's files:
        // a replay of an earlier commit must not undo it.
        let change = match value {
            Some(value) => Change::Write(rel, value.as_bytes().to_vec()),
            None => Change::Delete(rel),
        };
        self.disk().commit(&self.root, &self.root.join(Self::principal_rel(principal)), vec![change])
    }

    fn outbox(&self) -> Result<Vec<(OutboxId, OutgoingMail)>, StoreError> {
        let mut mail = Vec::new();
        for (id, name, _) in self.outbox_entries()? {
            if let Some(message) = self.read_mail(&name)? {
                mail.push((OutboxId(id), message));
            }
        }
        Ok(mail)
    }

    fn enqueue(&mut self, mail: OutgoingMail) -> Result<OutboxId, StoreError> {
        let id = Self::new_outbox_name();
        self.disk().write_atomic(&self.outbox_dir().join(format!("{id}.mail")), &encode_mail(&mail))?;
        Ok(OutboxId(id))
    }

    fn claim_outbox(
        &mut self,
        now: Timestamp,
        lease_seconds: i64,
    ) -> Result<Vec<(OutboxId, OutgoingMail)>, StoreError> {
        let until = now.seconds().saturating_add(lease_seconds);
        let dir = self.outbox_dir();
        let mut claimed = Vec::new();
        for (id, name, lease) in self.outbox_entries()? {
            if lease.is_some_and(|lease| lease > now.seconds()) {
                continue;
            }
            let claim = format!("{id}.claim-{until}");
            match fs::rename(dir.join(&name), dir.join(&claim)) {
                Ok(()) => {}
                // Someone else claimed or sent it first.
                Err(error) if error.kind() == ErrorKind::NotFound => continue,
                Err(error) => return Err(io(error)),
            }
            if let Some(mail) = self.read_mail(&claim)? {
                claimed.push((OutboxId(id), mail));
            }
        }
        Ok(claimed)
    }

    fn release_outbox(&mut self, id: &OutboxId) -> Result<(), StoreError> {
        let dir = self.outbox_dir();
        for (entry_id, name, lease) in self.outbox_entries()? {
            if entry_id == id.0 && lease.is_some() && !name.ends_with(outbox::UNDELIVERABLE) {
                match fs::rename(dir.join(&name), dir.join(format!("{entry_id}.mail"))) {
                    Ok(()) => {}
                    Err(error) if error.kind() == ErrorKind::NotFound => {}
                    Err(error) => return Err(io(error)),
                }
            }
        }
        Ok(())
    }

    fn remove_from_outbox(&mut self, id: &OutboxId) -> Result<(), StoreError> {
        for (entry_id, name, _) in self.outbox_entries()? {
            if entry_id == id.0 {
                // Sent: a crash that brings it back sends it again, at
                // worst; delivery is at least once.
                self.disk().delete_lazily(&self.outbox_dir().join(name))?;
            }
        }
        Ok(())
    }

    fn set_aside(&mut self, id: &OutboxId, reason: &str) -> Result<(), StoreError> {
        let dir = self.outbox_dir();
        let target = dir.join(format!("{}{}", id.0, outbox::UNDELIVERABLE));
        for (entry_id, name, _) in self.outbox_entries()? {
            if entry_id != id.0 {
                continue;
            }
            // First out of reach of every claim (a rename), then the
            // reason is written in: a crash between the two leaves the
            // mail set aside without its reason, never sent twice.
            if dir.join(&name) != target {
                match fs::rename(dir.join(&name), &target) {
                    Ok(()) => {}
                    Err(error) if error.kind() == ErrorKind::NotFound => continue,
                    Err(error) => return Err(io(error)),
                }
            }
            if let Some(mut mail) = self.read_mail(&format!("{}{}", id.0, outbox::UNDELIVERABLE))? {
                mail.undeliverable = Some(reason.to_string());
                self.disk().write_atomic(&target, &encode_mail(&mail))?;
            }
            return Ok(());
        }
        Ok(())
    }
}
