//! # imip-store-sqlite
//!
//! The SQLite store for imip, for larger sites: one database file in WAL
//! mode, a versioned schema migrated on open, and transactions that make
//! each [`imip_core::Store`] commit (record and outbox) atomic.
//!
//! Not implemented yet: this crate is filled by the stores issue.
