//! # examples
//!
//! Runnable examples of embedding imip-core. `examples/mail/` holds sample
//! messages; `process_one` runs one through the engine.
