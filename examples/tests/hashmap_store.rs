//! The example store passes the behavioural suite every store must pass.

imip_core::store_suite!(|| imip_core::testkit::Fixture::new(examples::hashmap_store::HashMapStore::new()));
