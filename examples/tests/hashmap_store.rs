//! The example store passes the behavioural suite every store must pass.

conformance::store_suite!(|| conformance::store_suite::Fixture::new(
    examples::hashmap_store::HashMapStore::new()
));
