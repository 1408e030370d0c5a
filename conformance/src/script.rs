//! The scenario file format: parsing, and writing back (for re-blessing).
//!
//! A scenario is a sequence of lines. A line at column 0 is a
//! *directive*; the lines under it indented by two spaces are its
//! *payload* (iCalendar text, or expected output). Lines starting with
//! `#` are comments. Blank lines separate steps and are kept.
//!
//! ```text
//! # RFC 5546 §4.3.1: a free/busy request and its reply.
//! time 20250301T090000Z
//! pref room@example.com freebusy_sharing share
//!
//! step ITIP-FB-2 (RFC 5546 §3.3.2): Alice asks the room for its busy time
//! alice@example.com sends
//!   BEGIN:VCALENDAR
//!   …
//!   END:VCALENDAR
//! => sent
//!   alice@example.com -> room@example.com: REQUEST
//!   …
//! ```
//!
//! Expectation directives start with `=>`; their payload is compared
//! exactly with what the run produced, and rewritten when blessing.

use std::fmt::Write as _;

/// One directive with its payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// 1-based line number of the directive.
    pub line: usize,
    /// What it is.
    pub kind: ItemKind,
    /// The directive line, as written.
    pub head: String,
    /// The payload lines, without their two-space indentation.
    pub payload: Vec<String>,
}

/// What a line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemKind {
    /// A comment (`# …`) or a blank line, kept as is.
    Text,
    /// A `step ID: title` line: names the requirement or RFC section.
    Step,
    /// An action or setting (`time`, `pref`, `<addr> saves`, …).
    Directive,
    /// An expectation (`=> …`), compared with the run.
    Expect,
}

/// Parses a scenario.
pub fn parse(text: &str) -> Result<Vec<Item>, String> {
    let mut items: Vec<Item> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if let Some(rest) = line.strip_prefix("  ") {
            match items.last_mut() {
                Some(item) if item.kind != ItemKind::Text && item.kind != ItemKind::Step => {
                    item.payload.push(rest.to_string());
                }
                _ => return Err(format!("line {number}: indented line without a directive above it")),
            }
            continue;
        }
        let kind = if line.trim().is_empty() || line.starts_with('#') {
            ItemKind::Text
        } else if line.starts_with("step ") {
            ItemKind::Step
        } else if line.starts_with("=>") {
            ItemKind::Expect
        } else if line.starts_with(' ') {
            return Err(format!("line {number}: indent payload lines by exactly two spaces"));
        } else {
            ItemKind::Directive
        };
        if kind == ItemKind::Step && !line.contains(':') {
            return Err(format!("line {number}: a step reads `step ID: title`"));
        }
        items.push(Item { line: number, kind, head: line.to_string(), payload: Vec::new() });
    }
    Ok(items)
}

/// Writes items back as scenario text.
pub fn format(items: &[Item]) -> String {
    let mut out = String::new();
    for item in items {
        let _ = writeln!(out, "{}", item.head);
        for line in &item.payload {
            if line.is_empty() {
                out.push_str("  \n");
            } else {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    out
}

/// A payload as text with CRLF line ends (iCalendar).
pub fn crlf(payload: &[String]) -> String {
    let mut out = String::new();
    for line in payload {
        out.push_str(line);
        out.push_str("\r\n");
    }
    out
}

/// Text as payload lines (CRLF or LF line ends).
pub fn lines(text: &str) -> Vec<String> {
    text.lines().map(|l| l.trim_end_matches('\r').to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_round_trips() {
        let text = "# comment\ntime 20250301T090000Z\n\nstep X-1: title\na@x saves\n  BEGIN:VCALENDAR\n  END:VCALENDAR\n=> sent\n  nothing\n";
        let items = parse(text).unwrap();
        assert_eq!(items.len(), 6);
        assert_eq!(items[4].payload, vec!["BEGIN:VCALENDAR", "END:VCALENDAR"]);
        assert_eq!(format(&items), text);
    }

    #[test]
    fn misplaced_payloads_and_bad_steps_are_errors() {
        assert!(parse("# c\n  stray\n").is_err());
        assert!(parse("step without a colon\n").is_err());
        assert!(parse("a@x saves\n   three spaces\n").is_ok());
        assert!(parse(" one space\n").is_err());
    }
}
