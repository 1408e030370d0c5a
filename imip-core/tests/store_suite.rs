//! The shared store suite, run against the in-memory store.

conformance::store_suite!(|| conformance::store_suite::Fixture::new(imip_core::MemStore::new()));
