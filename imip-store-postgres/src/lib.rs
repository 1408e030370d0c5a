//! # imip-store-postgres: one PostgreSQL database as an imip [`Store`]
//!
//! For sites with several mail hosts (and a web manager) on one
//! schedule. Each process holds one connection; nothing is cached
//! between calls, so every host sees every other host's commits.
//!
//! ## Concurrency: per principal, never global
//!
//! Every commit is one transaction holding the record, its counters, its
//! busy periods, its preference changes and its outbox mail: one call of
//! the server-side function `imip_commit` (migration 2), so one round
//! trip whatever the commit holds. Inside it,
//! before anything is read, the commit takes a transaction-scoped
//! advisory lock ([`principal_lock_key`]) for its principal and for each
//! principal named by a schedule guard, in ascending key order (so two
//! commits can never wait for each other in a cycle). Then it checks the
//! record's version and the guards' schedule versions, and writes.
//! Two deliveries for different rooms take different locks and never
//! wait for each other; two for the same room serialise on that room
//! alone, and the later one sees the earlier one's schedule version and
//! decides again ([`StoreError::Conflict`]).
//!
//! The outbox is claimed with `FOR UPDATE SKIP LOCKED` and a lease, so
//! several hosts can flush at once without sending a mail twice.
//!
//! ## Durability
//!
//! Every write that holds state (commits, preferences, enqueued mail,
//! the removal of sent mail, migrations) commits under the server's
//! durability setting ([`DURABLE`]). The connection's own default is
//! `synchronous_commit = off`, which only the outbox's leases (claims
//! and releases) use: the server losing a lease in a crash only makes
//! the mail claimable again, which the outbox's at-least-once contract
//! allows; it never loses a mail.
//!
//! ## Schema
//!
//! Versioned migrations ([`MIGRATIONS`]), recorded in `imip_migrations`
//! and applied on first use inside one transaction under an advisory
//! lock, so that two hosts starting at once do not race. A database
//! newer than this build is refused. Keys that may hold any byte (UIDs,
//! objects, period lines, mail) are `bytea`; a UID is exactly what the
//! organizer sent, NUL bytes and all. Listings are sorted in Rust, by
//! bytes, never by the database's collation.
//!
//! ## Cost
//!
//! * Load or commit of a UID: primary-key lookups, O(log n).
//! * Period query over `[from, to)`: one index range scan per length tier
//!   ([`imip_core::freebusy::LENGTH_TIERS`]), O(log n + k), as in SQLite.
//!
//! ## Errors
//!
//! A server that is down, a dropped connection, a lock or statement
//! timeout, or a serialisation failure is temporary
//! ([`StoreError::Unavailable`] or [`StoreError::Conflict`]: the MTA
//! retries). A bad URL, a database that does not exist or refused
//! credentials is [`StoreError::Invalid`]: the administrator must act.

use imip_core::backend::{OutboxId, Version, Versioned};
use imip_core::backend::{check_pref_key, decode_mail, encode_mail, parse_stored_object};
use imip_core::freebusy::{BusyPeriod, LENGTH_TIERS, PeriodSet, length_tier};
use imip_core::{CalAddress, Commit, OutgoingMail, PendingRequest, Record, Store, StoreError, Timestamp};
use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Client, GenericClient, Statement};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

pub mod scratch;
mod url;
pub use url::{is_postgres_url, redact};

/// The schema migrations, in order. `imip_migrations` records which
/// have been applied.
pub const MIGRATIONS: &[&str] = &[
    // 1: the initial schema, as SQLite's after its migration 3.
    "CREATE TABLE records (
        principal TEXT NOT NULL,
        uid BYTEA NOT NULL,
        version BIGINT NOT NULL,
        object BYTEA,
        pending BYTEA,
        PRIMARY KEY (principal, uid)
    );
    CREATE INDEX records_pending ON records (principal, uid) WHERE pending IS NOT NULL;
    CREATE TABLE counters (
        principal TEXT NOT NULL,
        uid BYTEA NOT NULL,
        attendee TEXT NOT NULL,
        object BYTEA NOT NULL,
        PRIMARY KEY (principal, uid, attendee)
    );
    CREATE TABLE periods (
        principal TEXT NOT NULL,
        set_key TEXT NOT NULL,
        uid BYTEA NOT NULL,
        starts BIGINT NOT NULL,
        ends BIGINT NOT NULL,
        tier SMALLINT NOT NULL,
        line BYTEA NOT NULL
    );
    CREATE INDEX periods_by_tier ON periods (principal, set_key, tier, starts);
    CREATE INDEX periods_by_uid ON periods (principal, set_key, uid);
    CREATE TABLE prefs (
        principal TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (principal, key)
    );
    CREATE TABLE outbox (
        id BIGSERIAL PRIMARY KEY,
        mail BYTEA NOT NULL,
        lease_until BIGINT
    );
    CREATE TABLE schedules (
        principal TEXT PRIMARY KEY,
        version BIGINT NOT NULL
    );",
    // 2: a commit as one call (one round trip): locks, checks and writes.
    // Returns 'ok', or 'conflict' having written nothing.
    "CREATE FUNCTION imip_commit(
        p_locks BIGINT[], p_principal TEXT, p_uid BYTEA, p_expected BIGINT,
        p_guards TEXT[], p_guard_versions BIGINT[],
        p_keep BOOLEAN, p_object BYTEA, p_pending BYTEA,
        p_counter_attendees TEXT[], p_counter_objects BYTEA[],
        p_pref_keys TEXT[], p_pref_values TEXT[],
        p_update_sets TEXT[], p_update_uids BYTEA[],
        p_period_sets TEXT[], p_period_uids BYTEA[], p_starts BIGINT[], p_ends BIGINT[],
        p_tiers SMALLINT[], p_lines BYTEA[],
        p_outbox BYTEA[]
    ) RETURNS TEXT LANGUAGE plpgsql AS $$
    DECLARE
        k BIGINT;
        current BIGINT;
        i INTEGER;
    BEGIN
        SET LOCAL synchronous_commit TO DEFAULT;
        FOREACH k IN ARRAY p_locks LOOP
            PERFORM pg_advisory_xact_lock(k);
        END LOOP;
        SELECT version INTO current FROM records WHERE principal = p_principal AND uid = p_uid;
        IF coalesce(current, 0) <> p_expected THEN
            RETURN 'conflict';
        END IF;
        FOR i IN 1 .. coalesce(array_length(p_guards, 1), 0) LOOP
            IF coalesce((SELECT version FROM schedules WHERE principal = p_guards[i]), 0)
               <> p_guard_versions[i] THEN
                RETURN 'conflict';
            END IF;
        END LOOP;
        IF coalesce(array_length(p_update_sets, 1), 0) > 0 THEN
            INSERT INTO schedules (principal, version) VALUES (p_principal, 1)
            ON CONFLICT (principal) DO UPDATE SET version = schedules.version + 1;
        END IF;
        DELETE FROM counters WHERE principal = p_principal AND uid = p_uid;
        IF p_keep THEN
            INSERT INTO records (principal, uid, version, object, pending)
            VALUES (p_principal, p_uid, coalesce(current, 0) + 1, p_object, p_pending)
            ON CONFLICT (principal, uid) DO UPDATE SET
                version = excluded.version, object = excluded.object, pending = excluded.pending;
            INSERT INTO counters (principal, uid, attendee, object)
            SELECT p_principal, p_uid, a, o FROM unnest(p_counter_attendees, p_counter_objects) AS c(a, o);
        ELSE
            DELETE FROM records WHERE principal = p_principal AND uid = p_uid;
        END IF;
        FOR i IN 1 .. coalesce(array_length(p_pref_keys, 1), 0) LOOP
            IF p_pref_values[i] IS NULL THEN
                DELETE FROM prefs WHERE principal = p_principal AND key = p_pref_keys[i];
            ELSE
                INSERT INTO prefs (principal, key, value) VALUES (p_principal, p_pref_keys[i], p_pref_values[i])
                ON CONFLICT (principal, key) DO UPDATE SET value = excluded.value;
            END IF;
        END LOOP;
        FOR i IN 1 .. coalesce(array_length(p_update_sets, 1), 0) LOOP
            DELETE FROM periods
            WHERE principal = p_principal AND set_key = p_update_sets[i] AND uid = p_update_uids[i];
        END LOOP;
        INSERT INTO periods (principal, set_key, uid, starts, ends, tier, line)
        SELECT p_principal, s, u, b, e, t, l
        FROM unnest(p_period_sets, p_period_uids, p_starts, p_ends, p_tiers, p_lines) AS p(s, u, b, e, t, l);
        INSERT INTO outbox (mail)
        SELECT m FROM unnest(p_outbox) WITH ORDINALITY AS x(m, n) ORDER BY n;
        RETURN 'ok';
    END
    $$;",
];

/// The period query: for each length tier, the periods that start
/// within the tier's reach of the range (`$5…`) and before its end (`$4`),
/// and end after its start (`$3`).
static PERIODS_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let tiers: Vec<String> = (0..=LENGTH_TIERS.len())
        .map(|tier| format!("(tier = {tier} AND starts >= ${} AND starts < $4)", tier + 5))
        .collect();
    format!(
        "SELECT line FROM periods WHERE principal = $1 AND set_key = $2 AND ends > $3 AND ({})",
        tiers.join(" OR ")
    )
});

/// Makes a transaction's commit wait for the server's durability
/// setting (fsync, or a standby's confirmation), overriding the
/// connection's `synchronous_commit = off`. Every write that holds state
/// runs under it: commits, preferences, enqueued mail, removals of sent
/// mail, migrations. Only the outbox's leases do not.
pub const DURABLE: &str = "SET LOCAL synchronous_commit TO DEFAULT";

/// The advisory lock key under which migrations run (`"imip-mig"`).
const MIGRATION_LOCK: i64 = 0x696d_6970_2d6d_6967;

/// How to connect.
#[derive(Debug, Clone)]
pub struct Options {
    /// Read the password from this file (its first line), so that it is
    /// neither in the configuration nor in the URL.
    pub password_file: Option<PathBuf>,
    /// How long to wait for another host's lock on the same principal
    /// before giving up (temporarily). Default: 30 s.
    pub lock_timeout: Duration,
    /// How long connecting may take. Default: 10 s.
    pub connect_timeout: Duration,
    /// A PEM file of certificate authorities to trust for the server's
    /// certificate, besides the system's (a site's private CA).
    pub ca_file: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            password_file: None,
            lock_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            ca_file: None,
        }
    }
}

/// A [`Store`] in one PostgreSQL database.
pub struct PgStore {
    client: RefCell<Client>,
    /// Statements prepared once per connection, by their SQL: each later
    /// use is one round trip instead of two.
    statements: RefCell<HashMap<&'static str, Statement>>,
}

/// A client (the connection, or a transaction on it) with the
/// connection's prepared statements.
struct Session<'a, C> {
    client: &'a mut C,
    statements: &'a RefCell<HashMap<&'static str, Statement>>,
}

type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

impl<C: GenericClient> Session<'_, C> {
    fn prepared(&mut self, sql: &'static str) -> Result<Statement, postgres::Error> {
        if let Some(statement) = self.statements.borrow().get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.statements.borrow_mut().insert(sql, statement.clone());
        Ok(statement)
    }

    fn execute(&mut self, sql: &'static str, params: Params<'_>) -> Result<u64, postgres::Error> {
        let statement = self.prepared(sql)?;
        self.client.execute(&statement, params)
    }

    fn query(
        &mut self,
        sql: &'static str,
        params: Params<'_>,
    ) -> Result<Vec<postgres::Row>, postgres::Error> {
        let statement = self.prepared(sql)?;
        self.client.query(&statement, params)
    }

    fn query_opt(
        &mut self,
        sql: &'static str,
        params: Params<'_>,
    ) -> Result<Option<postgres::Row>, postgres::Error> {
        let statement = self.prepared(sql)?;
        self.client.query_opt(&statement, params)
    }
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").finish_non_exhaustive()
    }
}

/// Maps a PostgreSQL error to a store error: what a retry cures is
/// temporary, what needs an administrator is not.
fn db(error: postgres::Error) -> StoreError {
    let Some(code) = error.code() else {
        // Connection and TLS failures: say why, down to the root cause
        // ("certificate verify failed", "Connection refused").
        let mut text = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            text.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        return StoreError::Unavailable(text.into());
    };
    if *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED {
        return StoreError::Conflict;
    }
    let class = &code.code()[..2];
    match class {
        // Invalid authorization, an unknown database, insufficient privilege.
        "28" | "3D" | "42" if *code != SqlState::UNDEFINED_TABLE => {
            StoreError::Invalid(format!("PostgreSQL refused: {error}"))
        }
        "XX" => StoreError::Corrupt { key: "database".into(), reason: error.to_string() },
        _ => StoreError::unavailable(error),
    }
}

fn corrupt(key: &str, reason: &str) -> StoreError {
    StoreError::Corrupt { key: key.to_string(), reason: reason.to_string() }
}

fn text(key: &str, bytes: Vec<u8>) -> Result<String, StoreError> {
    String::from_utf8(bytes).map_err(|_| corrupt(key, "not UTF-8"))
}

/// The advisory lock key of a principal: the first eight bytes of the
/// SHA-256 of its address. The same on every host; a collision only
/// makes two principals share a lock.
pub fn principal_lock_key(principal: &CalAddress) -> i64 {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(principal.as_str().as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://` or
    /// `postgresql://`, or libpq's `key=value` form), with TLS when the
    /// URL's `sslmode` asks for it (`prefer`, the default, uses TLS when
    /// the server offers it, without verifying its certificate, as libpq
    /// does; `require` refuses a server without it), and migrates the
    /// schema. Unlike libpq's `require`, which only encrypts, `require`
    /// here also verifies the server's certificate, against the system's
    /// authorities and [`Options::ca_file`], and requires it to name the
    /// host of the URL.
    pub fn connect(url: &str, options: &Options) -> Result<PgStore, StoreError> {
        let store = Self::connect_only(url, options)?;
        store.migrate()?;
        Ok(store)
    }

    /// Connects to a database that already holds an imip store, without
    /// creating or migrating anything: for commands that only read. A
    /// database without imip's schema is [`StoreError::Invalid`].
    pub fn connect_existing(url: &str, options: &Options) -> Result<PgStore, StoreError> {
        let store = Self::connect_only(url, options)?;
        let exists = store
            .client
            .borrow_mut()
            .query_one("SELECT to_regclass('imip_migrations') IS NOT NULL", &[])
            .map_err(db)?
            .get::<_, bool>(0);
        if !exists {
            return Err(StoreError::Invalid(format!(
                "{} holds no imip store: an agent creates it on its first delivery",
                redact(url)
            )));
        }
        let version = store.schema_version()?;
        if version > MIGRATIONS.len() {
            return Err(StoreError::Invalid(format!(
                "the database has schema version {version}; this imip understands up to {}",
                MIGRATIONS.len()
            )));
        }
        if version != MIGRATIONS.len() {
            return Err(StoreError::Invalid(format!(
                "the database has schema version {version}; this imip uses {}: `imip maintain` (or \
                 the next delivery) migrates it",
                MIGRATIONS.len()
            )));
        }
        Ok(store)
    }

    fn connect_only(url: &str, options: &Options) -> Result<PgStore, StoreError> {
        let mut config = postgres::Config::from_str(url)
            .map_err(|e| StoreError::Invalid(format!("PostgreSQL URL {}: {e}", redact(url))))?;
        if let Some(path) = &options.password_file {
            let text = std::fs::read_to_string(path).map_err(|e| {
                StoreError::Invalid(format!("PostgreSQL password file {}: {e}", path.display()))
            })?;
            config.password(text.lines().next().unwrap_or_default());
        }
        config.connect_timeout(options.connect_timeout);
        if config.get_application_name().is_none() {
            config.application_name("imip");
        }
        let mut tls = native_tls::TlsConnector::builder();
        if let Some(path) = &options.ca_file {
            let invalid = |reason: String| {
                StoreError::Invalid(format!("PostgreSQL CA file {}: {reason}", path.display()))
            };
            let pem = std::fs::read(path).map_err(|e| invalid(e.to_string()))?;
            let certificate = native_tls::Certificate::from_pem(&pem).map_err(|e| invalid(e.to_string()))?;
            tls.add_root_certificate(certificate);
        }
        if config.get_ssl_mode() == postgres::config::SslMode::Prefer {
            // As libpq: `prefer` is opportunistic encryption, which must not
            // refuse a server whose certificate it cannot verify (Debian's
            // own cluster has a self-signed one). `require` verifies.
            tls.danger_accept_invalid_certs(true).danger_accept_invalid_hostnames(true);
        }
        let tls = tls.build().map_err(StoreError::unavailable)?;
        let client = config.connect(postgres_native_tls::MakeTlsConnector::new(tls)).map_err(db)?;
        let store = PgStore { client: RefCell::new(client), statements: RefCell::new(HashMap::new()) };
        store
            .client
            .borrow_mut()
            .batch_execute(&format!(
                "SET lock_timeout = {}; SET synchronous_commit = off; SET plan_cache_mode = force_generic_plan",
                options.lock_timeout.as_millis().min(i32::MAX as u128)
            ))
            .map_err(db)?;
        Ok(store)
    }

    /// Applies the migrations this database lacks, under an advisory
    /// lock, in one transaction.
    fn migrate(&self) -> Result<(), StoreError> {
        if self.schema_version().is_ok_and(|v| v == MIGRATIONS.len()) {
            return Ok(());
        }
        let mut client = self.client.borrow_mut();
        let mut tx = client.transaction().map_err(db)?;
        tx.batch_execute(DURABLE).map_err(db)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).map_err(db)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS imip_migrations (
                version INTEGER PRIMARY KEY,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )",
        )
        .map_err(db)?;
        let applied = applied_version(&mut tx)?;
        if applied > MIGRATIONS.len() {
            return Err(StoreError::Invalid(format!(
                "the database has schema version {applied}; this imip understands up to {}",
                MIGRATIONS.len()
            )));
        }
        for (index, migration) in MIGRATIONS.iter().enumerate().skip(applied) {
            tx.batch_execute(migration).map_err(db)?;
            tx.execute("INSERT INTO imip_migrations (version) VALUES ($1)", &[&(index as i32 + 1)])
                .map_err(db)?;
        }
        tx.commit().map_err(db)
    }

    /// Whether this connection is encrypted (TLS), as the server sees it.
    pub fn is_encrypted(&self) -> Result<bool, StoreError> {
        let row = self
            .client
            .borrow_mut()
            .query_one(
                "SELECT coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)",
                &[],
            )
            .map_err(db)?;
        Ok(row.get(0))
    }

    /// The schema version of the database (the migrations applied).
    pub fn schema_version(&self) -> Result<usize, StoreError> {
        applied_version(&mut *self.client.borrow_mut())
    }

    /// One statement, so one snapshot: the record and its counters.
    fn load_in(
        client: &mut Session<'_, impl GenericClient>,
        principal: &CalAddress,
        uid: &str,
    ) -> Result<Versioned<Record>, StoreError> {
        let row = client
            .query_opt(
                "SELECT r.version, r.object, r.pending,
                   ARRAY(SELECT c.attendee FROM counters c
                         WHERE c.principal = r.principal AND c.uid = r.uid ORDER BY c.attendee),
                   ARRAY(SELECT c.object FROM counters c
                         WHERE c.principal = r.principal AND c.uid = r.uid ORDER BY c.attendee)
                 FROM records r WHERE r.principal = $1 AND r.uid = $2",
                &[&principal.as_str(), &uid.as_bytes()],
            )
            .map_err(db)?;
        let Some(row) = row else { return Ok(Versioned::default()) };
        let key = format!("{principal}/{uid}");
        let version: i64 = row.get(0);
        let object = row
            .get::<_, Option<Vec<u8>>>(1)
            .map(|bytes| parse_stored_object(&key, &text(&key, bytes)?))
            .transpose()?;
        let pending = row
            .get::<_, Option<Vec<u8>>>(2)
            .map(|bytes| {
                PendingRequest::from_line(&text(&key, bytes)?)
                    .ok_or_else(|| corrupt(&key, "bad pending entry"))
            })
            .transpose()?;
        let attendees: Vec<String> = row.get(3);
        let objects: Vec<Vec<u8>> = row.get(4);
        let mut counters = BTreeMap::new();
        for (attendee, bytes) in attendees.into_iter().zip(objects) {
            let from = CalAddress::parse(&attendee).ok_or_else(|| corrupt(&key, "bad counter address"))?;
            counters.insert(from, parse_stored_object(&key, &text(&key, bytes)?)?);
        }
        Ok(Versioned { value: Record { object, counters, pending }, version: Version(version as u64) })
    }

    fn schedule_in(
        client: &mut Session<'_, impl GenericClient>,
        principal: &CalAddress,
    ) -> Result<Version, StoreError> {
        let row = client
            .query_opt("SELECT version FROM schedules WHERE principal = $1", &[&principal.as_str()])
            .map_err(db)?;
        Ok(Version(row.map_or(0, |row| row.get::<_, i64>(0) as u64)))
    }

    fn write_pref(
        client: &mut Session<'_, impl GenericClient>,
        principal: &CalAddress,
        key: &str,
        value: Option<&str>,
    ) -> Result<(), StoreError> {
        check_pref_key(key)?;
        match value {
            Some(value) => client.execute(
                "INSERT INTO prefs (principal, key, value) VALUES ($1, $2, $3)
                 ON CONFLICT (principal, key) DO UPDATE SET value = excluded.value",
                &[&principal.as_str(), &key, &value],
            ),
            None => client
                .execute("DELETE FROM prefs WHERE principal = $1 AND key = $2", &[&principal.as_str(), &key]),
        }
        .map(drop)
        .map_err(db)
    }

    fn mail_rows(rows: Vec<postgres::Row>) -> Result<Vec<(OutboxId, OutgoingMail)>, StoreError> {
        let mut mail = Vec::with_capacity(rows.len());
        for row in rows {
            let id: i64 = row.get(0);
            let bytes: Vec<u8> = row.get(1);
            let message =
                decode_mail(&bytes).ok_or_else(|| corrupt(&format!("outbox/{id}"), "malformed mail"))?;
            mail.push((OutboxId(format!("{id:020}")), message));
        }
        mail.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(mail)
    }

    /// Runs one outbox lease statement outside a [`DURABLE`] transaction,
    /// so that it does not wait for an fsync: a lease lost in a crash of
    /// the server only makes the mail claimable again.
    fn without_fsync(&mut self, sql: &'static str, id: i64) -> Result<(), StoreError> {
        self.with_session(|session| session.execute(sql, &[&id]).map(drop).map_err(db))
    }

    fn principal_strings(
        &self,
        sql: &'static str,
        principal: &CalAddress,
    ) -> Result<Vec<postgres::Row>, StoreError> {
        self.with_session(|session| session.query(sql, &[&principal.as_str()]).map_err(db))
    }

    /// Runs `work` on the connection with its prepared statements.
    fn with_session<R>(&self, work: impl FnOnce(&mut Session<'_, Client>) -> R) -> R {
        let mut client = self.client.borrow_mut();
        work(&mut Session { client: &mut *client, statements: &self.statements })
    }
}

/// The advisory lock keys a commit takes: its principal's and its
/// guards' principals', ascending (so that two commits never wait for
/// each other in a cycle) and without repeats.
fn lock_keys(commit: &Commit) -> Vec<i64> {
    let mut keys: Vec<i64> = std::iter::once(&commit.principal)
        .chain(commit.guards.iter().map(|guard| &guard.principal))
        .map(principal_lock_key)
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

fn applied_version(client: &mut impl GenericClient) -> Result<usize, StoreError> {
    let row = client.query_one("SELECT coalesce(max(version), 0) FROM imip_migrations", &[]).map_err(db)?;
    Ok(row.get::<_, i32>(0) as usize)
}

/// A commit as the arguments of `imip_commit` (migration 2), which locks,
/// checks and writes in one call: one round trip, one transaction.
fn commit_in(session: &mut Session<'_, Client>, commit: &Commit) -> Result<(), StoreError> {
    for (key, _) in &commit.prefs {
        check_pref_key(key)?;
    }
    let locks = lock_keys(commit);
    let guards: Vec<&str> = commit.guards.iter().map(|g| g.principal.as_str()).collect();
    let guard_versions: Vec<i64> = commit.guards.iter().map(|g| g.version.0 as i64).collect();
    let record = &commit.record;
    let keep = !record.is_empty();
    let object = record.object.as_ref().map(|o| o.to_ics().into_bytes());
    let pending = record.pending.as_ref().map(|p| p.to_line().into_bytes());
    let counter_attendees: Vec<&str> = record.counters.keys().map(CalAddress::as_str).collect();
    let counter_objects: Vec<Vec<u8>> = record.counters.values().map(|c| c.to_ics().into_bytes()).collect();
    let pref_keys: Vec<&str> = commit.prefs.iter().map(|(k, _)| k.as_str()).collect();
    let pref_values: Vec<Option<&str>> = commit.prefs.iter().map(|(_, v)| v.as_deref()).collect();
    let update_sets: Vec<String> = commit.periods.iter().map(|u| u.set.key()).collect();
    let update_uids: Vec<&[u8]> = commit.periods.iter().map(|u| u.uid.as_bytes()).collect();
    let rows = commit.periods.iter().flat_map(|u| u.periods.iter().map(move |p| (u, p)));
    let (mut sets, mut uids, mut starts, mut ends, mut tiers, mut lines) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (update, period) in rows {
        sets.push(update.set.key());
        uids.push(update.uid.as_bytes());
        starts.push(period.start.seconds());
        ends.push(period.end.seconds());
        tiers.push(length_tier(period.end.seconds().saturating_sub(period.start.seconds())) as i16);
        lines.push(period.to_line().into_bytes());
    }
    let outbox: Vec<Vec<u8>> = commit.outbox.iter().map(encode_mail).collect();
    let row = session
        .query_opt(
            "SELECT imip_commit($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                                $18, $19, $20, $21, $22)",
            &[
                &locks,
                &commit.principal.as_str(),
                &commit.uid.as_bytes(),
                &(commit.expected.0 as i64),
                &guards,
                &guard_versions,
                &keep,
                &object,
                &pending,
                &counter_attendees,
                &counter_objects,
                &pref_keys,
                &pref_values,
                &update_sets,
                &update_uids,
                &sets,
                &uids,
                &starts,
                &ends,
                &tiers,
                &lines,
                &outbox,
            ],
        )
        .map_err(db)?
        .ok_or_else(|| corrupt("database", "imip_commit returned nothing"))?;
    match row.get::<_, String>(0).as_str() {
        "ok" => Ok(()),
        "conflict" => Err(StoreError::Conflict),
        other => Err(corrupt("database", &format!("imip_commit returned {other:?}"))),
    }
}

impl Store for PgStore {
    fn load(&self, principal: &CalAddress, uid: &str) -> Result<Versioned<Record>, StoreError> {
        self.with_session(|session| Self::load_in(session, principal, uid))
    }

    fn commit(&mut self, commit: Commit) -> Result<(), StoreError> {
        // One call in its own transaction: a 'conflict' returns before any
        // write, and an error rolls everything back.
        self.with_session(|session| commit_in(session, &commit))
    }

    fn schedule_version(&self, principal: &CalAddress) -> Result<Version, StoreError> {
        self.with_session(|session| Self::schedule_in(session, principal))
    }

    fn periods(
        &self,
        principal: &CalAddress,
        set: &PeriodSet,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<BusyPeriod>, StoreError> {
        let key = set.key();
        // One round trip: a range scan per length tier, as one statement.
        let bounds: Vec<i64> = (0..=LENGTH_TIERS.len())
            .map(|tier| {
                LENGTH_TIERS.get(tier).map_or(i64::MIN, |bound| from.seconds().saturating_sub(*bound))
            })
            .collect();
        let (principal_text, to_seconds, from_seconds) = (principal.as_str(), to.seconds(), from.seconds());
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&principal_text, &key, &from_seconds, &to_seconds];
        params.extend(bounds.iter().map(|b| b as &(dyn ToSql + Sync)));
        let rows = self.with_session(|session| session.query(&PERIODS_SQL, &params)).map_err(db)?;
        let where_ = format!("{principal}/{key}");
        let mut found = Vec::with_capacity(rows.len());
        for row in rows {
            let line = text(&where_, row.get(0))?;
            found.push(BusyPeriod::from_line(&line).ok_or_else(|| corrupt(&where_, "bad period"))?);
        }
        found.sort();
        Ok(found)
    }

    fn principals(&self) -> Result<Vec<CalAddress>, StoreError> {
        let rows = self
            .client
            .borrow_mut()
            .query(
                "SELECT principal FROM records UNION SELECT principal FROM periods
                 UNION SELECT principal FROM prefs",
                &[],
            )
            .map_err(db)?;
        let mut found = Vec::with_capacity(rows.len());
        for row in rows {
            let text: String = row.get(0);
            found.push(CalAddress::parse(&text).ok_or_else(|| corrupt(&text, "bad principal address"))?);
        }
        found.sort();
        Ok(found)
    }

    fn uids(&self, principal: &CalAddress) -> Result<Vec<String>, StoreError> {
        let rows = self.principal_strings("SELECT uid FROM records WHERE principal = $1", principal)?;
        let mut uids = rows
            .into_iter()
            .map(|row| text(principal.as_str(), row.get(0)))
            .collect::<Result<Vec<_>, _>>()?;
        uids.sort();
        Ok(uids)
    }

    fn period_sets(&self, principal: &CalAddress) -> Result<Vec<PeriodSet>, StoreError> {
        let rows =
            self.principal_strings("SELECT DISTINCT set_key FROM periods WHERE principal = $1", principal)?;
        let mut sets = Vec::with_capacity(rows.len());
        for row in rows {
            let key: String = row.get(0);
            sets.push(PeriodSet::from_key(&key).ok_or_else(|| corrupt(&key, "unknown period set"))?);
        }
        sets.sort();
        Ok(sets)
    }

    fn pending(&self, principal: &CalAddress) -> Result<Vec<(String, PendingRequest)>, StoreError> {
        let rows = self.principal_strings(
            "SELECT uid, pending FROM records WHERE principal = $1 AND pending IS NOT NULL",
            principal,
        )?;
        let mut queue = Vec::with_capacity(rows.len());
        for row in rows {
            let uid = text(principal.as_str(), row.get(0))?;
            let line = text(&uid, row.get(1))?;
            let pending =
                PendingRequest::from_line(&line).ok_or_else(|| corrupt(&uid, "bad pending entry"))?;
            queue.push((uid, pending));
        }
        queue.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(queue)
    }

    fn prefs(&self, principal: &CalAddress) -> Result<BTreeMap<String, String>, StoreError> {
        let rows = self.principal_strings("SELECT key, value FROM prefs WHERE principal = $1", principal)?;
        Ok(rows.into_iter().map(|row| (row.get(0), row.get(1))).collect())
    }

    fn set_pref(&mut self, principal: &CalAddress, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        let mut client = self.client.borrow_mut();
        let mut tx = client.transaction().map_err(db)?;
        tx.batch_execute(DURABLE).map_err(db)?;
        Self::write_pref(
            &mut Session { client: &mut tx, statements: &self.statements },
            principal,
            key,
            value,
        )?;
        tx.commit().map_err(db)
    }

    fn outbox(&self) -> Result<Vec<(OutboxId, OutgoingMail)>, StoreError> {
        let rows =
            self.client.borrow_mut().query("SELECT id, mail FROM outbox ORDER BY id", &[]).map_err(db)?;
        Self::mail_rows(rows)
    }

    fn enqueue(&mut self, mail: OutgoingMail) -> Result<OutboxId, StoreError> {
        let mut client = self.client.borrow_mut();
        let mut tx = client.transaction().map_err(db)?;
        tx.batch_execute(DURABLE).map_err(db)?;
        let row = tx
            .query_one("INSERT INTO outbox (mail) VALUES ($1) RETURNING id", &[&encode_mail(&mail)])
            .map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(OutboxId(format!("{:020}", row.get::<_, i64>(0))))
    }

    fn claim_outbox(
        &mut self,
        now: Timestamp,
        lease_seconds: i64,
    ) -> Result<Vec<(OutboxId, OutgoingMail)>, StoreError> {
        // Rows another host is claiming right now are skipped, not waited
        // for; rows it has claimed carry a lease that has not lapsed. A
        // lease is not worth an fsync: if the server crashes and loses it,
        // the mail is sent again, which the outbox allows (at least once).
        let rows = self
            .with_session(|session| {
                session.query(
                    "UPDATE outbox SET lease_until = $1 WHERE id IN (
                    SELECT id FROM outbox WHERE lease_until IS NULL OR lease_until <= $2
                    ORDER BY id FOR UPDATE SKIP LOCKED)
                 RETURNING id, mail",
                    &[&now.seconds().saturating_add(lease_seconds), &now.seconds()],
                )
            })
            .map_err(db)?;
        Self::mail_rows(rows)
    }

    fn release_outbox(&mut self, id: &OutboxId) -> Result<(), StoreError> {
        let Ok(key) = id.0.parse::<i64>() else { return Ok(()) };
        // Mail set aside as undeliverable keeps its lease that never lapses.
        self.without_fsync(
            "UPDATE outbox SET lease_until = NULL WHERE id = $1 AND lease_until < 9223372036854775807",
            key,
        )
    }

    fn remove_from_outbox(&mut self, id: &OutboxId) -> Result<(), StoreError> {
        let Ok(key) = id.0.parse::<i64>() else { return Ok(()) };
        // Durable: a removal lost in a server crash would send the mail
        // again. One round trip; the id is an integer parsed here.
        let sql = format!("BEGIN; {DURABLE}; DELETE FROM outbox WHERE id = {key}; COMMIT");
        let mut client = self.client.borrow_mut();
        client.batch_execute(&sql).map_err(|error| {
            let _ = client.batch_execute("ROLLBACK");
            db(error)
        })
    }

    fn set_aside(&mut self, id: &OutboxId, reason: &str) -> Result<(), StoreError> {
        let Ok(key) = id.0.parse::<i64>() else { return Ok(()) };
        let mut client = self.client.borrow_mut();
        let mut tx = client.transaction().map_err(db)?;
        tx.batch_execute(DURABLE).map_err(db)?;
        let row = tx.query_opt("SELECT mail FROM outbox WHERE id = $1 FOR UPDATE", &[&key]).map_err(db)?;
        if let Some(row) = row {
            let bytes: Vec<u8> = row.get(0);
            let mut mail =
                decode_mail(&bytes).ok_or_else(|| corrupt(&format!("outbox/{key}"), "malformed mail"))?;
            mail.undeliverable = Some(reason.to_string());
            // A lease that never lapses: no claim takes it again.
            tx.execute(
                "UPDATE outbox SET mail = $2, lease_until = $3 WHERE id = $1",
                &[&key, &encode_mail(&mail), &i64::MAX],
            )
            .map_err(db)?;
        }
        tx.commit().map_err(db)
    }
}
