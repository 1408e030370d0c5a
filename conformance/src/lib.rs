//! # conformance
//!
//! The RFC conformance suite: readable scenario files, one test each,
//! that run the real engine over a simulated set of participants. Filled
//! by the conformance issue; the engine's own end-to-end tests live in
//! `imip-core/tests` meanwhile.
