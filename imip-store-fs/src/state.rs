//! A record's `state` file: its UID, version, pending line and the
//! counter-proposals kept beside it, one `key value` line each.

use crate::{corrupt, names, text};
use imip_core::backend::PendingRequest;
use imip_core::{CalAddress, StoreError};
use std::path::Path;

/// The record's `state` file.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) version: u64,
    pub(crate) pending: Option<PendingRequest>,
    pub(crate) counters: Vec<CalAddress>,
    pub(crate) has_object: bool,
}

impl State {
    pub(crate) fn render(&self, uid: &str) -> Vec<u8> {
        let mut out = format!("uid {}\nversion {}\n", escape(uid), self.version);
        if self.has_object {
            out.push_str("object object.ics\n");
        }
        if let Some(pending) = &self.pending {
            out.push_str(&format!("pending {}\n", pending.to_line()));
        }
        for from in &self.counters {
            out.push_str(&format!("counter {from}\n"));
        }
        out.into_bytes()
    }

    pub(crate) fn parse(path: &Path, bytes: Vec<u8>) -> Result<(String, State), StoreError> {
        let content = text(path, bytes)?;
        let mut uid = None;
        let mut state = State::default();
        for line in content.lines() {
            let (key, value) =
                line.split_once(' ').ok_or_else(|| corrupt(path, format!("bad line {line:?}")))?;
            match key {
                "uid" => uid = Some(unescape(value).ok_or_else(|| corrupt(path, "bad uid"))?),
                "version" => state.version = value.parse().map_err(|_| corrupt(path, "bad version"))?,
                "object" => state.has_object = true,
                "pending" => {
                    state.pending =
                        Some(PendingRequest::from_line(value).ok_or_else(|| corrupt(path, "bad pending"))?)
                }
                "counter" => {
                    state.counters.push(CalAddress::parse(value).ok_or_else(|| corrupt(path, "bad counter"))?)
                }
                _ => return Err(corrupt(path, format!("unknown key {key:?}"))),
            }
        }
        Ok((uid.ok_or_else(|| corrupt(path, "no uid"))?, state))
    }
}

/// Percent-escapes a value for a one-line text field (never hashed).
pub(crate) fn escape(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_graphic() && byte != b'%' {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

pub(crate) fn unescape(value: &str) -> Option<String> {
    names::percent_decode(value)
}
