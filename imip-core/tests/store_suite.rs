//! The shared store suite, run against the in-memory store.

imip_core::store_suite!(|| imip_core::testkit::Fixture::new(imip_core::MemStore::new()));
