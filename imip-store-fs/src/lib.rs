//! # imip-store-fs
//!
//! The filesystem store for imip: a plain directory tree an administrator
//! can read, back up and repair. It will implement [`imip_core::Store`]
//! with atomic commits (write-then-rename), a per-principal lock with a
//! timeout, encoded path names, and the outbox in the same commit.
//!
//! Not implemented yet: this crate is filled by the stores issue.
