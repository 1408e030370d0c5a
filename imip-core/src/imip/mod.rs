//! iMIP (RFC 6047): iTIP carried by Internet mail.
//!
//! [`extract`] finds the iTIP parts of a received mail, however real
//! clients lay them out; [`render`] turns an [`crate::ItipMessage`] into
//! the mail that carries it.

pub mod auth;
pub mod dsn;
mod extract;
mod render;

pub use extract::{ExtractError, ItipPart, MailLimits, PartProblem, ReceivedMail, extract};
pub(crate) use render::render_owner_notice;
pub use render::{AutoSubmitted, Voice, render};
