//! Scratch databases, for tests against a real server: each is created
//! with a unique name and dropped when its handle is.
//!
//! Tests find the server in `IMIP_TEST_POSTGRES` (a URL whose user may
//! create databases; `e2e/postgres-cluster.sh` starts one) and skip,
//! saying so, where it is not set, unless `IMIP_REQUIRE_POSTGRES=1`
//! asks them to fail instead, as CI does.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The variable that names the test server.
pub const SERVER_VARIABLE: &str = "IMIP_TEST_POSTGRES";

/// The server for tests, if one is configured. Prints why a test is
/// skipped when not, and panics when `IMIP_REQUIRE_POSTGRES=1` requires
/// one.
pub fn test_server(test: &str) -> Option<String> {
    match std::env::var(SERVER_VARIABLE) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("IMIP_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "{test}: IMIP_REQUIRE_POSTGRES=1 but {SERVER_VARIABLE} is not set"
            );
            eprintln!(
                "{test}: skipped: set {SERVER_VARIABLE} to a PostgreSQL URL \
                 (e2e/postgres-cluster.sh start DIR prints one)"
            );
            None
        }
    }
}

/// A database that exists until this is dropped.
#[derive(Debug)]
pub struct ScratchDatabase {
    admin: String,
    name: String,
    url: String,
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

impl ScratchDatabase {
    /// Creates a database with a fresh name on the server of `admin_url`.
    pub fn create(admin_url: &str) -> Result<ScratchDatabase, postgres::Error> {
        let name = format!("imip_scratch_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        Self::named(admin_url, &name)
    }

    /// A database with a given name (letters, digits and `_`), created
    /// if it does not exist yet. The crash test's children reopen the
    /// parent's database this way.
    pub fn named(admin_url: &str, name: &str) -> Result<ScratchDatabase, postgres::Error> {
        assert!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'), "database name {name:?}");
        let mut admin = postgres::Client::connect(admin_url, postgres::NoTls)?;
        let exists = admin.query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])?.is_some();
        if !exists {
            // Two processes may race to create it; the loser finds it made.
            if let Err(error) = admin.batch_execute(&format!("CREATE DATABASE {name}"))
                && error.code() != Some(&postgres::error::SqlState::DUPLICATE_DATABASE)
                && error.code() != Some(&postgres::error::SqlState::UNIQUE_VIOLATION)
            {
                return Err(error);
            }
        }
        Ok(ScratchDatabase {
            admin: admin_url.to_string(),
            name: name.to_string(),
            url: with_database(admin_url, name),
        })
    }

    /// The URL of the scratch database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Keeps the database when the handle is dropped (the crash test's
    /// children must not drop the parent's database).
    pub fn keep(mut self) {
        self.name.clear();
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        if self.name.is_empty() {
            return;
        }
        if let Ok(mut admin) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

/// `url` with its database (the path) replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_database_of_a_url_is_replaced() {
        assert_eq!(super::with_database("postgres://u@h:1/postgres", "x"), "postgres://u@h:1/x");
        assert_eq!(super::with_database("postgres://u@h:1", "x"), "postgres://u@h:1/x");
        assert_eq!(
            super::with_database("postgres://u@h/a?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
    }
}
