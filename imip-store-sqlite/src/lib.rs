//! # imip-store-sqlite: one SQLite database as an imip [`Store`]
//!
//! For larger sites: one file, transactions, and indexes. The database
//! runs in WAL mode, so readers never wait for the writer, and waits up
//! to [`Options::busy_timeout`] for a concurrent writer (a timeout is a
//! temporary error, so the MTA retries). Every commit is one
//! `BEGIN IMMEDIATE` transaction holding the record, its busy periods
//! and its outbox mail, and checks the record's version inside the
//! transaction, so concurrent deliveries serialise without lost updates.
//! All SQL is parameterised; UIDs and addresses are values, never SQL.
//!
//! ## Durability and fsyncs
//!
//! With the default `synchronous=FULL`, a commit is durable when it
//! returns: one sync of the write-ahead log. An agent run commits and
//! claims its outgoing mail in that one transaction
//! ([`Store::commit_and_claim`]); removing sent mail does not wait for
//! the disk (a power loss that undoes it resends the mail). The log is
//! kept between processes, checkpointed as it grows past
//! `wal_autocheckpoint`, not as each process closes. The directory is
//! synced once, when opening creates the log, instead of at every
//! process's first commit (see [`SqliteStore::open`]). Measured with
//! `strace -e fsync` over 40 bookings by `imip resource` on a store of
//! 10,000: 49 fsyncs, 1.2 per mail (one per commit, and the
//! checkpoints: 3 of them, 3 syncs each); 89 before the directory
//! change.
//!
//! ## Schema
//!
//! Versioned with `PRAGMA user_version` and migrated on open (see
//! [`MIGRATIONS`]). Tables: `records` (principal, uid, version, object,
//! pending), `counters`, `periods` (with start, end and length-tier
//! columns for range queries, and the period's text form), `prefs`,
//! `outbox` (with a lease column), and `schedules` (each principal's
//! schedule version, checked and raised inside the commit transaction).
//!
//! ## Cost
//!
//! * Load or commit of a UID: O(log n) B-tree lookups (primary keys).
//! * Period query over `[from, to)`: one index range scan on
//!   `(principal, set, tier, start)` per length tier
//!   ([`imip_core::freebusy::LENGTH_TIERS`]), from `from − tier bound` to
//!   `to`: O(log n + k), as in the core's `PeriodIndex`. Periods longer
//!   than 62 days share an open tier that is scanned whole.
//! * `pending`: a partial index on records with a pending decision.

use imip_core::backend::{OutboxId, Version, Versioned};
use imip_core::backend::{check_pref_key, decode_mail, encode_mail, parse_stored_object};
use imip_core::freebusy::{BusyPeriod, LENGTH_TIERS, PeriodSet, PeriodUpdate, length_tier};
use imip_core::{CalAddress, Commit, OutgoingMail, PendingRequest, Record, Store, StoreError, Timestamp};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// How much of the database file reads may map (SQLite's `mmap_size`).
const MMAP_BYTES: i64 = 256 * 1024 * 1024;

/// The schema migrations, in order; `PRAGMA user_version` counts how
/// many have been applied.
pub const MIGRATIONS: &[&str] = &[
    // 1: the initial schema.
    "CREATE TABLE records (
        principal TEXT NOT NULL,
        uid TEXT NOT NULL,
        version INTEGER NOT NULL,
        object TEXT,
        pending TEXT,
        PRIMARY KEY (principal, uid)
    ) WITHOUT ROWID;
    CREATE INDEX records_pending ON records (principal, uid) WHERE pending IS NOT NULL;
    CREATE TABLE counters (
        principal TEXT NOT NULL,
        uid TEXT NOT NULL,
        attendee TEXT NOT NULL,
        object TEXT NOT NULL,
        PRIMARY KEY (principal, uid, attendee)
    ) WITHOUT ROWID;
    CREATE TABLE periods (
        principal TEXT NOT NULL,
        set_key TEXT NOT NULL,
        uid TEXT NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        line TEXT NOT NULL
    );
    CREATE INDEX periods_by_start ON periods (principal, set_key, start);
    CREATE INDEX periods_by_uid ON periods (principal, set_key, uid);
    CREATE TABLE period_max (
        principal TEXT NOT NULL,
        set_key TEXT NOT NULL,
        max_seconds INTEGER NOT NULL,
        PRIMARY KEY (principal, set_key)
    ) WITHOUT ROWID;
    CREATE TABLE prefs (
        principal TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (principal, key)
    ) WITHOUT ROWID;
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        mail BLOB NOT NULL,
        lease_until INTEGER
    );",
    // 2: periods indexed by length tier (imip_core::freebusy::LENGTH_TIERS),
    // so one long period no longer widens every query in its set.
    "ALTER TABLE periods ADD COLUMN tier INTEGER NOT NULL DEFAULT 4;
    UPDATE periods SET tier = CASE
        WHEN end - start <= 3600 THEN 0
        WHEN end - start <= 86400 THEN 1
        WHEN end - start <= 604800 THEN 2
        WHEN end - start <= 5356800 THEN 3
        ELSE 4 END;
    DROP INDEX periods_by_start;
    CREATE INDEX periods_by_tier ON periods (principal, set_key, tier, start);
    DROP TABLE period_max;",
    // 3: schedule versions, the guards of resource booking decisions.
    "CREATE TABLE schedules (
        principal TEXT PRIMARY KEY,
        version INTEGER NOT NULL
    ) WITHOUT ROWID;",
];

/// Pages in the write-ahead log that start a checkpoint (512 KiB with
/// 4 KiB pages, a few bookings' worth). Small, because each process
/// that opens the database first reads the whole log to index it: a
/// 4 MiB log cost every agent run about a millisecond.
const WAL_CHECKPOINT_PAGES: i64 = 128;

/// The size the write-ahead log is cut back to after a checkpoint.
const WAL_LIMIT_BYTES: i64 = 8 << 20;

/// How to open a database.
#[derive(Debug, Clone)]
pub struct Options {
    /// How long to wait for another writer. Default: 30 s.
    pub busy_timeout: Duration,
    /// `synchronous=FULL` (default) or `NORMAL` (faster; in WAL mode a
    /// power loss may drop the last commits, never corrupt the file).
    pub full_sync: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { busy_timeout: Duration::from_secs(30), full_sync: true }
    }
}

/// A [`Store`] in one SQLite database.
#[derive(Debug)]
pub struct SqliteStore {
    connection: Connection,
    /// The `synchronous` setting commits run with.
    synchronous: &'static str,
}

/// The write-ahead log of the database at `path`: its name with `-wal`.
fn wal_path(path: &Path) -> std::path::PathBuf {
    let mut log = path.as_os_str().to_owned();
    log.push("-wal");
    log.into()
}

/// Which file is at `path` (device and inode), if any.
fn file_identity(path: &Path) -> Option<(u64, u64)> {
    let metadata = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((metadata.dev(), metadata.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        Some((0, 0))
    }
}

/// Makes the entries of `directory` durable (fsync of the directory;
/// elsewhere than Unix there is no such call, and nothing is done).
fn sync_directory(directory: &Path) -> Result<(), StoreError> {
    if cfg!(not(unix)) {
        return Ok(());
    }
    std::fs::File::open(directory).and_then(|d| d.sync_all()).map_err(|e| {
        StoreError::unavailable(std::io::Error::new(
            e.kind(),
            format!("syncing the directory {}: {e}", directory.display()),
        ))
    })
}

/// Runs a statement prepared once per connection (SQLite's statement
/// cache), not parsed again on every call.
fn execute_cached(
    connection: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> rusqlite::Result<usize> {
    connection.prepare_cached(sql)?.execute(params)
}

/// The outbox mail a statement returns as `(id, mail)` rows.
fn outbox_rows(
    statement: &mut rusqlite::CachedStatement<'_>,
    params: impl rusqlite::Params,
) -> Result<Vec<(OutboxId, OutgoingMail)>, StoreError> {
    let rows = statement
        .query_map(params, |row| Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?)))
        .map_err(db)?;
    let mut mail = Vec::new();
    for row in rows {
        let (id, bytes) = row.map_err(db)?;
        let message =
            decode_mail(&bytes).ok_or_else(|| corrupt(&format!("outbox/{id}"), "malformed mail"))?;
        mail.push((OutboxId(format!("{id:020}")), message));
    }
    Ok(mail)
}

fn db(error: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(code, _) = &error
        && matches!(code.code, rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
    {
        return StoreError::Corrupt { key: "database".into(), reason: error.to_string() };
    }
    StoreError::unavailable(error)
}

fn corrupt(key: &str, reason: &str) -> StoreError {
    StoreError::Corrupt { key: key.to_string(), reason: reason.to_string() }
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and migrates its
    /// schema. Refuses a database newer than this version understands.
    pub fn open(path: impl AsRef<Path>, options: Options) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref();
        // A missing directory or a file where one should be is a
        // configuration mistake, not something a retry cures.
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            return Err(StoreError::Invalid(format!(
                "{}: the directory {} does not exist",
                path.display(),
                parent.display()
            )));
        }
        if path.is_dir() {
            return Err(StoreError::Invalid(format!(
                "{} is a directory, not a database file",
                path.display()
            )));
        }
        let log = wal_path(path);
        let log_before = file_identity(&log);
        let connection = Connection::open(path).map_err(db)?;
        let store = Self::configure(connection, &options)?;
        // Opening a database in WAL mode creates its log if absent (SQLite
        // does so at the first read). The log is then kept for good (no
        // checkpoint deletes it as a process closes, and no one can while
        // this connection is open), so the directory is synced here when
        // this open created it (the log is not the file that was there
        // before, if any): then a commit written to the log survives a
        // power loss with the log's name. SQLite would instead sync the
        // directory at the first commit of every process, one more fsync
        // per mail; this workspace builds it without that
        // (SQLITE_DISABLE_DIRSYNC, in .cargo/config.toml).
        if options.full_sync && file_identity(&log) != log_before {
            let directory = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            sync_directory(directory)?;
        }
        Ok(store)
    }

    /// Opens an existing database for reading only, writing nothing: no
    /// WAL set-up and no migration (a database of another schema version
    /// is refused). For inspecting a store on read-only media, where
    /// nobody writes: SQLite then reads it as immutable.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        use rusqlite::OpenFlags;
        let path = path.as_ref();
        if !path.is_file() {
            return Err(StoreError::Invalid(format!("{} does not exist", path.display())));
        }
        let mut uri = String::from("file:");
        for byte in path.to_string_lossy().bytes() {
            match byte {
                b'?' | b'#' | b'%' => uri.push_str(&format!("%{byte:02X}")),
                _ => uri.push(char::from(byte)),
            }
        }
        // A write-ahead log left by writers (they do not checkpoint as
        // they close) holds the latest commits: SQLite reads it when it
        // and its index exist, also on read-only media. Without one the
        // file alone is the database, read as immutable.
        if !wal_path(path).is_file() {
            uri.push_str("?immutable=1");
        }
        let flags =
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection = Connection::open_with_flags(uri, flags).map_err(db)?;
        let store = SqliteStore { connection, synchronous: "FULL" };
        let version = store.schema_version()?;
        if version != MIGRATIONS.len() {
            return Err(StoreError::Invalid(format!(
                "{} has schema version {version}; this imip reads version {} only when it may migrate it",
                path.display(),
                MIGRATIONS.len()
            )));
        }
        Ok(store)
    }

    /// An in-memory database (for tests).
    pub fn open_in_memory() -> Result<SqliteStore, StoreError> {
        Self::configure(Connection::open_in_memory().map_err(db)?, &Options::default())
    }

    fn configure(mut connection: Connection, options: &Options) -> Result<SqliteStore, StoreError> {
        connection.busy_timeout(options.busy_timeout).map_err(db)?;
        connection.pragma_update(None, "journal_mode", "WAL").map_err(db)?;
        let synchronous = if options.full_sync { "FULL" } else { "NORMAL" };
        connection.pragma_update(None, "synchronous", synchronous).map_err(db)?;
        // Reads map the database instead of copying each page out of the
        // kernel's cache: a long-lived reader (the web manager) whose page
        // cache every writer invalidates reads pages at memory speed.
        connection.pragma_update(None, "mmap_size", MMAP_BYTES).map_err(db)?;
        // The write-ahead log stays between processes: each agent run is
        // one short process, and a checkpoint as it closes (SQLite's
        // default) would cost it two more fsyncs of the whole database.
        // Checkpoints happen as the log grows past `wal_autocheckpoint`
        // pages, and the log is cut back to `journal_size_limit` after.
        connection.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true).map_err(db)?;
        connection.pragma_update(None, "wal_autocheckpoint", WAL_CHECKPOINT_PAGES).map_err(db)?;
        connection.pragma_update(None, "journal_size_limit", WAL_LIMIT_BYTES).map_err(db)?;
        // Up to date (every open but the first after an upgrade): no
        // write lock taken to find that out.
        let current: usize = connection.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(db)?;
        if current == MIGRATIONS.len() {
            return Ok(SqliteStore { connection, synchronous });
        }
        let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
        let applied: usize = tx.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(db)?;
        if applied > MIGRATIONS.len() {
            return Err(StoreError::Invalid(format!(
                "the database has schema version {applied}; this imip understands up to {}",
                MIGRATIONS.len()
            )));
        }
        for (index, migration) in MIGRATIONS.iter().enumerate().skip(applied) {
            tx.execute_batch(migration).map_err(db)?;
            tx.pragma_update(None, "user_version", index + 1).map_err(db)?;
        }
        tx.commit().map_err(db)?;
        Ok(SqliteStore { connection, synchronous })
    }

    /// SQLite's own consistency check (`PRAGMA integrity_check`), as
    /// store problems. Combine with [`imip_core::admin::check`].
    pub fn check_integrity(&self) -> Result<Vec<imip_core::admin::Problem>, StoreError> {
        let mut statement = self.connection.prepare("PRAGMA integrity_check").map_err(db)?;
        let rows = statement.query_map([], |row| row.get::<_, String>(0)).map_err(db)?;
        let mut problems = Vec::new();
        for row in rows {
            let line = row.map_err(db)?;
            if line != "ok" {
                problems.push(imip_core::admin::Problem::Damaged { key: "database".into(), reason: line });
            }
        }
        Ok(problems)
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<usize, StoreError> {
        self.connection.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(db)
    }

    fn load_in(tx: &Connection, principal: &CalAddress, uid: &str) -> Result<Versioned<Record>, StoreError> {
        let row: Option<(u64, Option<String>, Option<String>)> = tx
            .prepare_cached("SELECT version, object, pending FROM records WHERE principal = ?1 AND uid = ?2")
            .map_err(db)?
            .query_row(params![principal.as_str(), uid], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .optional()
            .map_err(db)?;
        let Some((version, object, pending)) = row else { return Ok(Versioned::default()) };
        let key = format!("{principal}/{uid}");
        let object = object.map(|text| parse_stored_object(&key, &text)).transpose()?;
        let pending = pending
            .map(|line| PendingRequest::from_line(&line).ok_or_else(|| corrupt(&key, "bad pending entry")))
            .transpose()?;
        let mut counters = BTreeMap::new();
        let mut statement = tx
            .prepare_cached("SELECT attendee, object FROM counters WHERE principal = ?1 AND uid = ?2")
            .map_err(db)?;
        let rows = statement
            .query_map(params![principal.as_str(), uid], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })
            .map_err(db)?;
        for row in rows {
            let (attendee, text) = row.map_err(db)?;
            let from = CalAddress::parse(&attendee).ok_or_else(|| corrupt(&key, "bad counter address"))?;
            counters.insert(from, parse_stored_object(&key, &text)?);
        }
        Ok(Versioned { value: Record { object, counters, pending }, version: Version(version) })
    }

    fn schedule_in(connection: &Connection, principal: &CalAddress) -> Result<Version, StoreError> {
        let version: Option<u64> = connection
            .prepare_cached("SELECT version FROM schedules WHERE principal = ?1")
            .map_err(db)?
            .query_row(params![principal.as_str()], |row| row.get(0))
            .optional()
            .map_err(db)?;
        Ok(Version(version.unwrap_or(0)))
    }

    fn write_periods(
        tx: &Transaction<'_>,
        principal: &CalAddress,
        update: &PeriodUpdate,
    ) -> Result<(), StoreError> {
        let set = update.set.key();
        execute_cached(
            tx,
            "DELETE FROM periods WHERE principal = ?1 AND set_key = ?2 AND uid = ?3",
            params![principal.as_str(), set, update.uid],
        )
        .map_err(db)?;
        let mut insert = tx
            .prepare_cached(
                "INSERT INTO periods (principal, set_key, uid, start, end, tier, line)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(db)?;
        for period in &update.periods {
            let tier = length_tier(period.end.seconds().saturating_sub(period.start.seconds()));
            insert
                .execute(params![
                    principal.as_str(),
                    set,
                    update.uid,
                    period.start.seconds(),
                    period.end.seconds(),
                    tier as i64,
                    period.to_line()
                ])
                .map_err(db)?;
        }
        Ok(())
    }

    /// Runs a query of two text columns for one principal.
    fn pairs(&self, sql: &str, principal: &CalAddress) -> Result<Vec<(String, String)>, StoreError> {
        let mut statement = self.connection.prepare_cached(sql).map_err(db)?;
        let rows = statement
            .query_map(params![principal.as_str()], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(db)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(db)
    }

    /// Writes `commit` in `tx`, its mail queued with the lease `lease`
    /// (claimed by the caller) or none; returns the queued mail.
    fn write_commit(
        tx: &Transaction<'_>,
        commit: Commit,
        lease: Option<i64>,
    ) -> Result<Vec<(OutboxId, OutgoingMail)>, StoreError> {
        let principal = commit.principal.as_str();
        let current: u64 = tx
            .prepare_cached("SELECT version FROM records WHERE principal = ?1 AND uid = ?2")
            .map_err(db)?
            .query_row(params![principal, commit.uid], |row| row.get(0))
            .optional()
            .map_err(db)?
            .unwrap_or(0);
        if Version(current) != commit.expected {
            return Err(StoreError::Conflict);
        }
        for guard in &commit.guards {
            if Self::schedule_in(tx, &guard.principal)? != guard.version {
                return Err(StoreError::Conflict);
            }
        }
        if !commit.periods.is_empty() {
            execute_cached(
                tx,
                "INSERT INTO schedules (principal, version) VALUES (?1, 1)
                 ON CONFLICT (principal) DO UPDATE SET version = version + 1",
                params![principal],
            )
            .map_err(db)?;
        }
        execute_cached(
            tx,
            "DELETE FROM counters WHERE principal = ?1 AND uid = ?2",
            params![principal, commit.uid],
        )
        .map_err(db)?;
        if commit.record.is_empty() {
            execute_cached(
                tx,
                "DELETE FROM records WHERE principal = ?1 AND uid = ?2",
                params![principal, commit.uid],
            )
            .map_err(db)?;
        } else {
            let record = &commit.record;
            execute_cached(
                tx,
                "INSERT INTO records (principal, uid, version, object, pending) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (principal, uid) DO UPDATE SET
                   version = excluded.version, object = excluded.object, pending = excluded.pending",
                params![
                    principal,
                    commit.uid,
                    current + 1,
                    record.object.as_ref().map(|o| o.to_ics()),
                    record.pending.as_ref().map(PendingRequest::to_line),
                ],
            )
            .map_err(db)?;
            for (from, counter) in &record.counters {
                execute_cached(
                    tx,
                    "INSERT INTO counters (principal, uid, attendee, object) VALUES (?1, ?2, ?3, ?4)",
                    params![principal, commit.uid, from.as_str(), counter.to_ics()],
                )
                .map_err(db)?;
            }
        }
        for (key, value) in &commit.prefs {
            check_pref_key(key)?;
            match value {
                Some(value) => execute_cached(
                    tx,
                    "INSERT INTO prefs (principal, key, value) VALUES (?1, ?2, ?3)
                     ON CONFLICT (principal, key) DO UPDATE SET value = excluded.value",
                    params![principal, key, value],
                ),
                None => execute_cached(
                    tx,
                    "DELETE FROM prefs WHERE principal = ?1 AND key = ?2",
                    params![principal, key],
                ),
            }
            .map_err(db)?;
        }
        for update in &commit.periods {
            Self::write_periods(tx, &commit.principal, update)?;
        }
        let mut queued = Vec::new();
        let mut insert = tx
            .prepare_cached("INSERT INTO outbox (mail, lease_until) VALUES (?1, ?2) RETURNING id")
            .map_err(db)?;
        for mail in commit.outbox {
            let id: i64 =
                insert.query_row(params![encode_mail(&mail), lease], |row| row.get(0)).map_err(db)?;
            queued.push((OutboxId(format!("{id:020}")), mail));
        }
        Ok(queued)
    }

    /// Claims, in `tx`, the mail nobody holds at `now`, until `lease`.
    fn claim_in(
        tx: &Transaction<'_>,
        now: Timestamp,
        lease: i64,
    ) -> Result<Vec<(OutboxId, OutgoingMail)>, StoreError> {
        let mut statement = tx
            .prepare_cached(
                "UPDATE outbox SET lease_until = ?1 WHERE lease_until IS NULL OR lease_until <= ?2
                 RETURNING id, mail",
            )
            .map_err(db)?;
        outbox_rows(&mut statement, params![lease, now.seconds()])
    }

    fn strings(&self, sql: &str, principal: &CalAddress) -> Result<Vec<String>, StoreError> {
        let mut statement = self.connection.prepare_cached(sql).map_err(db)?;
        let rows = statement.query_map(params![principal.as_str()], |row| row.get(0)).map_err(db)?;
        rows.collect::<Result<Vec<String>, _>>().map_err(db)
    }
}

/// The lease of mail set aside as undeliverable: it never lapses.
const SET_ASIDE: i64 = i64::MAX;

impl Store for SqliteStore {
    fn load(&self, principal: &CalAddress, uid: &str) -> Result<Versioned<Record>, StoreError> {
        let tx = self.connection.unchecked_transaction().map_err(db)?;
        let loaded = Self::load_in(&tx, principal, uid)?;
        tx.commit().map_err(db)?;
        Ok(loaded)
    }

    fn commit(&mut self, commit: Commit) -> Result<(), StoreError> {
        let tx = self.connection.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
        Self::write_commit(&tx, commit, None)?;
        tx.commit().map_err(db)
    }

    /// One transaction, so one WAL sync: the commit, its mail queued
    /// already claimed by the caller, and the other mail nobody holds.
    fn commit_and_claim(
        &mut self,
        commit: Commit,
        now: Timestamp,
        lease_seconds: i64,
    ) -> Result<Vec<(OutboxId, OutgoingMail)>, StoreError> {
        let tx = self.connection.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
        let lease = now.seconds().saturating_add(lease_seconds.max(1));
        let mut claimed = Self::write_commit(&tx, commit, Some(lease))?;
        claimed.extend(Self::claim_in(&tx, now, lease)?);
        tx.commit().map_err(db)?;
        claimed.sort_by(|x, y| x.0.cmp(&y.0));
        Ok(claimed)
    }

    fn schedule_version(&self, principal: &CalAddress) -> Result<Version, StoreError> {
        Self::schedule_in(&self.connection, principal)
    }

    fn periods(
        &self,
        principal: &CalAddress,
        set: &PeriodSet,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<BusyPeriod>, StoreError> {
        let key = set.key();
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT line FROM periods WHERE principal = ?1 AND set_key = ?2 AND tier = ?3
                 AND start >= ?4 AND start < ?5 AND end > ?6",
            )
            .map_err(db)?;
        let mut lines = Vec::new();
        for tier in 0..=LENGTH_TIERS.len() {
            let lower =
                LENGTH_TIERS.get(tier).map_or(i64::MIN, |bound| from.seconds().saturating_sub(*bound));
            let rows = statement
                .query_map(
                    params![principal.as_str(), key, tier as i64, lower, to.seconds(), from.seconds()],
                    |row| row.get::<_, String>(0),
                )
                .map_err(db)?;
            lines.extend(rows);
        }
        let rows = lines.into_iter();
        let mut found = Vec::new();
        for line in rows {
            let line = line.map_err(db)?;
            found.push(
                BusyPeriod::from_line(&line)
                    .ok_or_else(|| corrupt(&format!("{principal}/{key}"), "bad period"))?,
            );
        }
        found.sort();
        Ok(found)
    }

    fn principals(&self) -> Result<Vec<CalAddress>, StoreError> {
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT principal FROM records UNION SELECT principal FROM periods
                 UNION SELECT principal FROM prefs ORDER BY 1",
            )
            .map_err(db)?;
        let rows = statement.query_map([], |row| row.get::<_, String>(0)).map_err(db)?;
        let mut found = Vec::new();
        for row in rows {
            let text = row.map_err(db)?;
            found.push(CalAddress::parse(&text).ok_or_else(|| corrupt(&text, "bad principal address"))?);
        }
        found.sort();
        Ok(found)
    }

    fn uids(&self, principal: &CalAddress) -> Result<Vec<String>, StoreError> {
        let mut uids = self.strings("SELECT uid FROM records WHERE principal = ?1", principal)?;
        uids.sort();
        Ok(uids)
    }

    fn period_sets(&self, principal: &CalAddress) -> Result<Vec<PeriodSet>, StoreError> {
        let keys = self.strings("SELECT DISTINCT set_key FROM periods WHERE principal = ?1", principal)?;
        let mut sets = keys
            .iter()
            .map(|key| PeriodSet::from_key(key).ok_or_else(|| corrupt(key, "unknown period set")))
            .collect::<Result<Vec<_>, _>>()?;
        sets.sort();
        Ok(sets)
    }

    fn pending(&self, principal: &CalAddress) -> Result<Vec<(String, PendingRequest)>, StoreError> {
        let rows = self.pairs(
            "SELECT uid, pending FROM records WHERE principal = ?1 AND pending IS NOT NULL",
            principal,
        )?;
        let mut queue = Vec::new();
        for (uid, line) in rows {
            let pending =
                PendingRequest::from_line(&line).ok_or_else(|| corrupt(&uid, "bad pending entry"))?;
            queue.push((uid, pending));
        }
        queue.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(queue)
    }

    fn prefs(&self, principal: &CalAddress) -> Result<BTreeMap<String, String>, StoreError> {
        Ok(self.pairs("SELECT key, value FROM prefs WHERE principal = ?1", principal)?.into_iter().collect())
    }

    fn set_pref(&mut self, principal: &CalAddress, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        check_pref_key(key)?;
        match value {
            Some(value) => execute_cached(
                &self.connection,
                "INSERT INTO prefs (principal, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (principal, key) DO UPDATE SET value = excluded.value",
                params![principal.as_str(), key, value],
            ),
            None => execute_cached(
                &self.connection,
                "DELETE FROM prefs WHERE principal = ?1 AND key = ?2",
                params![principal.as_str(), key],
            ),
        }
        .map(drop)
        .map_err(db)
    }

    fn outbox(&self) -> Result<Vec<(OutboxId, OutgoingMail)>, StoreError> {
        let mut statement =
            self.connection.prepare_cached("SELECT id, mail FROM outbox ORDER BY id").map_err(db)?;
        outbox_rows(&mut statement, [])
    }

    fn enqueue(&mut self, mail: OutgoingMail) -> Result<OutboxId, StoreError> {
        self.connection
            .execute("INSERT INTO outbox (mail) VALUES (?1)", params![encode_mail(&mail)])
            .map_err(db)?;
        Ok(OutboxId(format!("{:020}", self.connection.last_insert_rowid())))
    }

    fn claim_outbox(
        &mut self,
        now: Timestamp,
        lease_seconds: i64,
    ) -> Result<Vec<(OutboxId, OutgoingMail)>, StoreError> {
        let tx = self.connection.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
        let mut claimed = Self::claim_in(&tx, now, now.seconds().saturating_add(lease_seconds))?;
        tx.commit().map_err(db)?;
        claimed.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(claimed)
    }

    fn release_outbox(&mut self, id: &OutboxId) -> Result<(), StoreError> {
        let Ok(key) = id.0.parse::<i64>() else { return Ok(()) };
        self.connection
            .execute(
                "UPDATE outbox SET lease_until = NULL WHERE id = ?1 AND lease_until < ?2",
                params![key, SET_ASIDE],
            )
            .map(drop)
            .map_err(db)
    }

    /// The removal of sent mail does not wait for the disk
    /// (`synchronous=NORMAL` for this one statement): a power loss that
    /// undoes it only sends the mail again, as a lapsed lease does
    /// (delivery is at least once); it never loses mail. The next synced
    /// commit or checkpoint makes it durable.
    fn remove_from_outbox(&mut self, id: &OutboxId) -> Result<(), StoreError> {
        let Ok(key) = id.0.parse::<i64>() else { return Ok(()) };
        self.connection.pragma_update(None, "synchronous", "NORMAL").map_err(db)?;
        let removed = execute_cached(&self.connection, "DELETE FROM outbox WHERE id = ?1", params![key]);
        self.connection.pragma_update(None, "synchronous", self.synchronous).map_err(db)?;
        removed.map(drop).map_err(db)
    }

    fn set_aside(&mut self, id: &OutboxId, reason: &str) -> Result<(), StoreError> {
        let Ok(key) = id.0.parse::<i64>() else { return Ok(()) };
        let tx = self.connection.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
        let bytes: Option<Vec<u8>> = tx
            .query_row("SELECT mail FROM outbox WHERE id = ?1", params![key], |row| row.get(0))
            .optional()
            .map_err(db)?;
        if let Some(bytes) = bytes {
            let mut mail =
                decode_mail(&bytes).ok_or_else(|| corrupt(&format!("outbox/{key}"), "malformed mail"))?;
            mail.undeliverable = Some(reason.to_string());
            // A lease that never lapses: no claim takes it again.
            execute_cached(
                &tx,
                "UPDATE outbox SET mail = ?2, lease_until = ?3 WHERE id = ?1",
                params![key, encode_mail(&mail), SET_ASIDE],
            )
            .map_err(db)?;
        }
        tx.commit().map_err(db)
    }
}

#[cfg(test)]
mod tests;
