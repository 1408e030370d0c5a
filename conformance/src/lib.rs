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
//! carol@example.com mails to ADDR, …          a whole mail (`~` lines are empty)
//! alice@example.com saves                    an agent's local actions:
//! bob@example.com answers ACCEPTED UID [RID]   saves, answers, deletes,
//! bob@example.com counters                     refreshes, delegates … to,
//!                                              counters, accepts-counter /
//!                                              declines-counter UID from ADDR
//! room@example.com extends-horizon
//! => sent                                    the mail, decisions and notices caused
//! => store ADDR UID                          a stored record
//! => freebusy ADDR FROM/TO                   merged busy time
//! => periods ADDR own|offers|other:ADDR      stored periods
//! ```
//!
//! Run with `IMIP_BLESS=1` to rewrite the expectations with what the run
//! produced (then review the diff).
//!
//! The crate also holds [`mod@store_suite`]: the behavioural suite every
//! `Store` implementation runs with one line ([`store_suite!`]), with its
//! crash and multi-process tests ([`store_process_tests!`]).

pub mod script;
pub mod store_suite;
pub mod strict;
mod world;

pub use world::World;

use script::{Item, ItemKind};
use std::collections::BTreeSet;

/// The requirement IDs (`ITIP-…`) listed in `checklist-ids.txt`, one per
/// line (`#` starts a comment line).
pub fn checklist_ids(list: &str) -> BTreeSet<String> {
    list.lines().map(str::trim).filter(|line| line.starts_with("ITIP-")).map(str::to_string).collect()
}

/// Checks the ID a step names: a checklist ID (`ITIP-ATT-4`, known when
/// `known` is given) or an RFC section (`RFC5546-3.3.2`).
fn check_step_id(head: &str, known: Option<&BTreeSet<String>>) -> Result<(), String> {
    let id = head.trim_start_matches("step ").split([' ', ':']).next().unwrap_or("");
    if let Some(rest) = id.strip_prefix("RFC") {
        let (number, section) = rest.split_once('-').unwrap_or((rest, ""));
        if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) && !section.is_empty() {
            return Ok(());
        }
    } else if id.starts_with("ITIP-") && known.is_none_or(|ids| ids.contains(id)) {
        return Ok(());
    }
    Err(format!("step names {id:?}: use a checklist ID (ITIP-…) or RFCnnnn-section"))
}

/// Runs a scenario's text. Returns the text with every expectation
/// replaced by what the run produced, and the list of mismatches
/// (empty when the scenario holds). Step IDs are checked against
/// `known` checklist IDs when given.
pub fn run(text: &str, known: Option<&BTreeSet<String>>) -> Result<(String, Vec<String>), String> {
    let mut items: Vec<Item> = script::parse(text)?;
    let mut world = World::new();
    let mut last: Option<String> = None;
    let mut mismatches = Vec::new();
    let mut steps = 0;
    for item in &mut items {
        match item.kind {
            ItemKind::Text => {}
            ItemKind::Step => {
                check_step_id(&item.head, known).map_err(|e| format!("line {}: {e}", item.line))?;
                steps += 1;
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_name_a_known_requirement_or_an_rfc_section() {
        let known = checklist_ids("# a comment\nITIP-ATT-4\nITIP-SEC-1\n");
        assert_eq!(known.len(), 2);
        assert!(check_step_id("step ITIP-ATT-4 (RFC 5546 §3.2.3): b accepts", Some(&known)).is_ok());
        assert!(check_step_id("step RFC5546-3.3.2: a asks", Some(&known)).is_ok());
        assert!(check_step_id("step ITIP-REQ-1: made up", Some(&known)).is_err());
        assert!(check_step_id("step RFC-x: no number", Some(&known)).is_err());
        assert!(check_step_id("step whatever: free text", None).is_err());
    }

    #[test]
    fn a_mismatch_is_reported_and_blessing_rewrites_it() {
        let text = "time 20250301T090000Z\nagents b@example.com\nstep RFC5546-3.3: check\n=> periods b@example.com own\n  BUSY wrong\n";
        let (blessed, mismatches) = run(text, None).unwrap();
        assert_eq!(mismatches.len(), 1);
        assert!(blessed.ends_with("=> periods b@example.com own\n  none\n"), "{blessed}");
        assert!(run(&blessed, None).unwrap().1.is_empty());
    }
}
