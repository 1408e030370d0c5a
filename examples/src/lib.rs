//! # examples
//!
//! Runnable examples of embedding imip-core:
//!
//! * `process_one`: one mail through the engine with the in-memory store
//!   (`cargo run -p examples --example process_one -- bob@example.com examples/mail/request.eml`);
//! * `custom_store`: a host server's own [`Store`](imip_core::Store), here
//!   [`hashmap_store::HashMapStore`], carrying a whole invitation, reply
//!   and update (`cargo run -p examples --example custom_store`);
//! * `room_booking`: a room that books itself by policy, step by step
//!   (`cargo run -p examples --example room_booking`).
//!
//! `examples/mail/` holds sample messages.

pub mod hashmap_store;
