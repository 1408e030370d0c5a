//! # conformance
//!
//! The RFC conformance suite: readable scenario files (`scenarios/`), one
//! test each, that run the real engine over a simulated set of
//! participants ([`World`]). Each mail an agent sends is delivered, as
//! MIME, to the recipients' agents through the same driver the CLI uses
//! (`imip_core::drive::deliver_mail`). The clock and IDs are injected, so
//! every expectation is compared exactly.
//!
//! The format is described in [`script`]. In short:
//!
//! ```text
//! time 20250301T090000Z                      set the clock
//! agents alice@example.com room@example.com  who runs an imip agent
//! pref room@example.com freebusy_sharing share
//! step ITIP-FB-2 (RFC 5546 §3.3.2): title    the requirement a step shows
//! carol@example.com sends [to ADDR, …]       raw iTIP from a client
//! alice@example.com saves                    an agent's local actions:
//! bob@example.com answers ACCEPTED UID [RID]   saves, answers, deletes,
//! bob@example.com counters                     refreshes, delegates … to,
//!                                              counters, accepts-counter /
//!                                              declines-counter UID from ADDR
//! room@example.com extends-horizon
//! => sent                                    the mail and decisions caused
//! => store ADDR UID                          a stored record
//! => freebusy ADDR FROM/TO                   merged busy time
//! => periods ADDR own|offers|other:ADDR      stored periods
//! ```
//!
//! Run with `IMIP_BLESS=1` to rewrite the expectations with what the run
//! produced (then review the diff).

pub mod script;
mod world;

pub use world::World;

use script::{Item, ItemKind};

/// Runs a scenario's text. Returns the text with every expectation
/// replaced by what the run produced, and the list of mismatches
/// (empty when the scenario holds).
pub fn run(text: &str) -> Result<(String, Vec<String>), String> {
    let mut items: Vec<Item> = script::parse(text)?;
    let mut world = World::new();
    let mut last: Option<String> = None;
    let mut mismatches = Vec::new();
    let mut steps = 0;
    for item in &mut items {
        match item.kind {
            ItemKind::Text => {}
            ItemKind::Step => steps += 1,
            ItemKind::Directive => {
                let payload = script::crlf(&item.payload);
                last =
                    world.directive(&item.head, &payload).map_err(|e| format!("line {}: {e}", item.line))?;
            }
            ItemKind::Expect => {
                let actual = if item.head.trim() == "=> sent" {
                    last.take()
                        .ok_or_else(|| format!("line {}: `=> sent` without an action before it", item.line))?
                } else {
                    world.observe(&item.head).map_err(|e| format!("line {}: {e}", item.line))?
                };
                let actual = script::lines(if actual.is_empty() { "nothing\n" } else { &actual });
                if actual != item.payload {
                    mismatches.push(format!(
                        "line {}: {}\n--- expected\n{}\n+++ actual\n{}",
                        item.line,
                        item.head,
                        item.payload.join("\n"),
                        actual.join("\n")
                    ));
                    item.payload = actual;
                }
            }
        }
    }
    if steps == 0 {
        return Err("a scenario needs at least one `step ID: title`".into());
    }
    Ok((script::format(&items), mismatches))
}
