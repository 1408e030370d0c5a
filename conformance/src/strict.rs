//! A strict checker for the iCalendar text imip writes: the presence
//! tables of RFC 5546 §3 ([`imip_core::presence`]) and the content-line
//! and value grammar of RFC 5545 §3, read from the raw text, not through
//! the parser imip itself uses. The conformance suite runs every message
//! an agent sends through [`check_text`]; a scenario in which imip writes
//! something a strict client would reject fails.
//!
//! What is checked, beyond the presence tables:
//! * content lines (§3.1): CRLF line ends, folded lines of at most 75
//!   octets, `name *(";" param) ":" value`, names as iana-token or
//!   x-name;
//! * parameters (§3.2, RFC 6868): a value is paramtext or one quoted
//!   string, never holds a DQUOTE or a backslash escape; PARTSTAT, ROLE,
//!   CUTYPE, RSVP and VALUE take their enumerated values;
//! * values (§3.3): DATE and DATE-TIME (real calendar dates, UTC where
//!   §3.8.7 requires, no `Z` with TZID), DURATION, PERIOD, INTEGER ranges
//!   (SEQUENCE, PRIORITY, PERCENT-COMPLETE), UTC-OFFSET, CAL-ADDRESS
//!   (a URI with a scheme), RECUR (FREQ first-class, known parts, not
//!   both COUNT and UNTIL), TEXT escapes, REQUEST-STATUS codes, STATUS per
//!   component, METHOD and VERSION;
//! * combinations: not both DTEND (or DUE) and DURATION in a component
//!   (§3.6.1, §3.6.2); no TZID without its VTIMEZONE in the same stream
//!   (RFC 5546 §3.1.2).
//!
//! Two rules come from RFC 2446, whose restriction tables libical (and so
//! Evolution and KOrganizer) still applies, where RFC 5546 allows a
//! choice: a DECLINECOUNTER carries no DTSTART, DTEND, DURATION or
//! SUMMARY, and a to-do REPLY carries REQUEST-STATUS.

use calcard::icalendar::ICalendar;

/// One thing a message breaks, with the line it is on.
pub type Problem = String;

/// Checks one iCalendar stream as imip wrote it. Returns every problem
/// found; empty when the text is valid.
pub fn check_text(text: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let lines = match unfold(text) {
        Ok(lines) => lines,
        Err(problem) => return vec![problem],
    };
    let mut stack: Vec<Component> = Vec::new();
    let mut method = String::new();
    let mut defined_zones: Vec<String> = Vec::new();
    let mut used_zones: Vec<String> = Vec::new();
    for line in &lines {
        let parsed = match parse_line(line) {
            Ok(parsed) => parsed,
            Err(why) => {
                problems.push(format!("{why}: {line}"));
                continue;
            }
        };
        let name = parsed.name.to_ascii_uppercase();
        match name.as_str() {
            "BEGIN" => {
                stack.push(Component { name: parsed.value.to_ascii_uppercase(), ..Component::default() })
            }
            "END" => {
                if let Some(done) = stack.pop() {
                    problems.extend(done.finish(&method));
                }
            }
            _ => {
                let component = stack.last().map(|c| c.name.as_str()).unwrap_or("");
                if name == "METHOD" {
                    method = parsed.value.to_ascii_uppercase();
                }
                if name == "TZID" && component == "VTIMEZONE" {
                    defined_zones.push(parsed.value.clone());
                }
                if let Some(tzid) = param(&parsed, "TZID").and_then(|v| v.first()) {
                    used_zones.push(tzid.clone());
                }
                for why in check_property(component, &name, &parsed) {
                    problems.push(format!("{why}: {line}"));
                }
                if let Some(current) = stack.last_mut() {
                    current.properties.push(name);
                }
            }
        }
    }
    for tzid in used_zones.iter().filter(|t| !defined_zones.contains(t)) {
        problems
            .push(format!("TZID={tzid} is used without its VTIMEZONE (RFC 5546 §3.1.2, RFC 5545 §3.2.19)"));
    }
    match ICalendar::parse(text) {
        Ok(calendar) => problems.extend(imip_core::presence::check(&calendar).iter().map(|p| p.to_string())),
        Err(_) => problems.push("the text does not parse as iCalendar".into()),
    }
    problems
}

#[derive(Debug, Default)]
struct Component {
    name: String,
    properties: Vec<String>,
}

impl Component {
    fn has(&self, name: &str) -> bool {
        self.properties.iter().any(|p| p == name)
    }

    /// The rules about a whole component, checked at its END.
    fn finish(&self, method: &str) -> Vec<Problem> {
        let mut problems = Vec::new();
        let name = &self.name;
        if (self.has("DTEND") || self.has("DUE")) && self.has("DURATION") {
            problems.push(format!("{name} has both an end and DURATION (RFC 5545 §3.6.1, §3.6.2)"));
        }
        let scheduling = matches!(name.as_str(), "VEVENT" | "VTODO" | "VJOURNAL");
        if scheduling && method == "DECLINECOUNTER" {
            for forbidden in ["DTSTART", "DTEND", "DURATION", "SUMMARY"] {
                if self.has(forbidden) {
                    problems.push(format!(
                        "a DECLINECOUNTER carries {forbidden}, which RFC 2446 §3.2.8 (libical) forbids"
                    ));
                }
            }
        }
        if name == "VTODO" && method == "REPLY" && !self.has("REQUEST-STATUS") {
            problems.push(
                "a to-do REPLY without REQUEST-STATUS, which RFC 2446 §3.4.3 (libical) requires".into(),
            );
        }
        problems
    }
}

/// The unfolded content lines (RFC 5545 §3.1).
fn unfold(text: &str) -> Result<Vec<String>, Problem> {
    if !text.ends_with("\r\n") {
        return Err("the text does not end with CRLF".into());
    }
    let mut lines: Vec<String> = Vec::new();
    for physical in text[..text.len() - 2].split("\r\n") {
        if physical.contains('\n') || physical.contains('\r') {
            return Err(format!("a bare CR or LF inside a line: {physical:?}"));
        }
        if physical.len() > 75 {
            return Err(format!("a line of {} octets, over 75 (RFC 5545 §3.1): {physical}", physical.len()));
        }
        match physical.strip_prefix([' ', '\t']) {
            Some(rest) => match lines.last_mut() {
                Some(last) => last.push_str(rest),
                None => return Err("the text starts with a continuation line".into()),
            },
            None if physical.is_empty() => return Err("an empty line".into()),
            None => lines.push(physical.to_string()),
        }
    }
    Ok(lines)
}

#[derive(Debug)]
struct Line {
    name: String,
    params: Vec<(String, Vec<String>)>,
    value: String,
}

/// `name *(";" param) ":" value` (RFC 5545 §3.1), with each parameter
/// value paramtext or one quoted string (§3.2).
fn parse_line(line: &str) -> Result<Line, &'static str> {
    let bytes = line.as_bytes();
    let name_end = bytes.iter().position(|&b| b == b';' || b == b':').ok_or("no ':' before the value")?;
    let name = &line[..name_end];
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err("a property name that is not an iana-token or x-name");
    }
    let mut params = Vec::new();
    let mut at = name_end;
    while bytes[at] == b';' {
        at += 1;
        let eq = line[at..].find('=').ok_or("a parameter without '='")? + at;
        let param = line[at..eq].to_string();
        if param.is_empty() || !param.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err("a parameter name that is not an iana-token or x-name");
        }
        at = eq + 1;
        let mut values = Vec::new();
        loop {
            if bytes.get(at) == Some(&b'"') {
                let close =
                    line[at + 1..].find('"').ok_or("an unterminated quoted parameter value")? + at + 1;
                let value = &line[at + 1..close];
                if value.contains('\\') {
                    return Err("a backslash in a quoted parameter value (RFC 6868 writes ^' for a quote)");
                }
                values.push(value.to_string());
                at = close + 1;
            } else {
                let end = line[at..].find([',', ';', ':']).ok_or("a parameter value runs to the end")? + at;
                let value = &line[at..end];
                if value.contains('"') {
                    return Err("a DQUOTE inside an unquoted parameter value");
                }
                values.push(value.to_string());
                at = end;
            }
            match bytes.get(at) {
                Some(b',') => at += 1,
                Some(b';') | Some(b':') => break,
                _ => return Err("a parameter value is followed by neither ',', ';' nor ':'"),
            }
        }
        params.push((param.to_ascii_uppercase(), values));
    }
    if bytes.get(at) != Some(&b':') {
        return Err("no ':' before the value");
    }
    if line.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
        return Err("a control character");
    }
    Ok(Line { name: name.to_string(), params, value: line[at + 1..].to_string() })
}

fn param<'a>(line: &'a Line, name: &str) -> Option<&'a [String]> {
    line.params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_slice())
}

/// The value rules of one property.
fn check_property(component: &str, name: &str, line: &Line) -> Vec<String> {
    let mut problems = Vec::new();
    let value = line.value.as_str();
    for (param_name, values) in &line.params {
        let allowed: &[&str] = match param_name.as_str() {
            "PARTSTAT" => {
                &["NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED", "COMPLETED", "IN-PROCESS"]
            }
            "ROLE" => &["CHAIR", "REQ-PARTICIPANT", "OPT-PARTICIPANT", "NON-PARTICIPANT"],
            "CUTYPE" => &["INDIVIDUAL", "GROUP", "RESOURCE", "ROOM", "UNKNOWN"],
            "RSVP" => &["TRUE", "FALSE"],
            "RANGE" => &["THISANDFUTURE"],
            _ => continue,
        };
        for v in values {
            if !allowed.contains(&v.to_ascii_uppercase().as_str())
                && !v.to_ascii_uppercase().starts_with("X-")
            {
                problems.push(format!("{param_name}={v} is not a value RFC 5545 §3.2 defines"));
            }
        }
    }
    let value_type = param(line, "VALUE").and_then(|v| v.first()).map(|v| v.to_ascii_uppercase());
    let has_tzid = param(line, "TZID").is_some();
    let in_timezone = matches!(component, "STANDARD" | "DAYLIGHT");
    match name {
        "DTSTART" | "DTEND" | "DUE" | "RECURRENCE-ID" if in_timezone => {
            let local = is_date_time(value, false) && !value.ends_with('Z');
            problems.extend(
                (!local)
                    .then(|| format!("{name} of an observance is not a local DATE-TIME (RFC 5545 §3.6.5)")),
            );
        }
        "DTSTART" | "DTEND" | "DUE" | "RECURRENCE-ID" => {
            problems.extend(check_date_or_time(name, value, value_type.as_deref(), has_tzid));
        }
        "EXDATE" | "RDATE" => {
            for item in value.split(',') {
                let ok = match value_type.as_deref() {
                    Some("PERIOD") => is_period(item),
                    _ => check_date_or_time(name, item, value_type.as_deref(), has_tzid).is_empty(),
                };
                if !ok {
                    problems.push(format!("{name} holds {item:?}, not a valid date, date-time or period"));
                }
            }
        }
        "DTSTAMP" | "CREATED" | "LAST-MODIFIED" | "COMPLETED" if !is_date_time(value, true) || has_tzid => {
            problems.push(format!("{name} must be a UTC DATE-TIME (RFC 5545 §3.8.7, §3.8.2.1)"));
        }
        "DURATION" if !is_duration(value) => {
            problems.push(format!("DURATION {value:?} breaks RFC 5545 §3.3.6"))
        }
        "SEQUENCE" => check_integer(&mut problems, name, value, 0, i64::from(i32::MAX)),
        "PRIORITY" => check_integer(&mut problems, name, value, 0, 9),
        "PERCENT-COMPLETE" => check_integer(&mut problems, name, value, 0, 100),
        "TZOFFSETFROM" | "TZOFFSETTO" if !is_utc_offset(value) => {
            problems.push(format!("{name} {value:?} is not a UTC-OFFSET (RFC 5545 §3.3.14)"))
        }
        "ORGANIZER" | "ATTENDEE" if !is_uri(value) => {
            problems.push(format!("{name} {value:?} is not a CAL-ADDRESS URI (RFC 5545 §3.3.3)"))
        }
        "RRULE" => problems.extend(check_recur(value)),
        "REQUEST-STATUS" => {
            let code = value.split(';').next().unwrap_or("");
            let parts: Vec<&str> = code.split('.').collect();
            if !(2..=3).contains(&parts.len())
                || parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
            {
                problems.push(format!("REQUEST-STATUS code {code:?} breaks RFC 5545 §3.8.8.3"));
            }
        }
        "STATUS" => {
            let allowed: &[&str] = match component {
                "VEVENT" => &["TENTATIVE", "CONFIRMED", "CANCELLED"],
                "VTODO" => &["NEEDS-ACTION", "COMPLETED", "IN-PROCESS", "CANCELLED"],
                "VJOURNAL" => &["DRAFT", "FINAL", "CANCELLED"],
                _ => &[],
            };
            if !allowed.contains(&value) {
                problems.push(format!("STATUS:{value} is not allowed in {component} (RFC 5545 §3.8.1.11)"));
            }
        }
        "METHOD" => {
            let known =
                ["PUBLISH", "REQUEST", "REPLY", "ADD", "CANCEL", "REFRESH", "COUNTER", "DECLINECOUNTER"];
            if !known.contains(&value) {
                problems.push(format!("METHOD:{value} is not an iTIP method (RFC 5546 §1.4)"));
            }
        }
        "VERSION" if value != "2.0" => problems.push("VERSION is not 2.0".into()),
        "SUMMARY" | "DESCRIPTION" | "LOCATION" | "COMMENT" | "CONTACT" | "TZNAME" => {
            if let Some(why) = text_problem(value) {
                problems.push(format!("{name}: {why} (RFC 5545 §3.3.11)"));
            }
        }
        _ => {}
    }
    problems
}

fn check_integer(problems: &mut Vec<String>, name: &str, value: &str, min: i64, max: i64) {
    match value.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => {}
        _ => problems.push(format!("{name} {value:?} is not an integer from {min} to {max}")),
    }
}

fn check_date_or_time(name: &str, value: &str, value_type: Option<&str>, has_tzid: bool) -> Vec<String> {
    let ok = match value_type {
        Some("DATE") => is_date(value) && !has_tzid,
        None | Some("DATE-TIME") => is_date_time(value, false) && !(has_tzid && value.ends_with('Z')),
        Some(_) => false,
    };
    if ok {
        Vec::new()
    } else {
        vec![format!("{name} {value:?} is not a valid DATE or DATE-TIME (RFC 5545 §3.3.4, §3.3.5)")]
    }
}

fn digits(s: &str) -> Option<u32> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// `YYYYMMDD`, a date that exists.
fn is_date(s: &str) -> bool {
    if s.len() != 8 {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (digits(&s[..4]), digits(&s[4..6]), digits(&s[6..])) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// `date "T" HHMMSS ["Z"]`; `utc` requires the `Z`.
fn is_date_time(s: &str, utc: bool) -> bool {
    let (body, zulu) = match s.strip_suffix('Z') {
        Some(body) => (body, true),
        None => (s, false),
    };
    let Some((date, time)) = body.split_once('T') else { return false };
    let time_ok = time.len() == 6
        && matches!((digits(&time[..2]), digits(&time[2..4]), digits(&time[4..])),
            (Some(h), Some(m), Some(s)) if h < 24 && m < 60 && s <= 60);
    is_date(date) && time_ok && (zulu || !utc)
}

/// `dur-value` (RFC 5545 §3.3.6).
fn is_duration(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let Some(rest) = s.strip_prefix('P') else { return false };
    if let Some(weeks) = rest.strip_suffix('W') {
        return digits(weeks).is_some();
    }
    let (days, time) = match rest.split_once('T') {
        Some((days, time)) => (days, Some(time)),
        None => (rest, None),
    };
    let days_ok = days.is_empty() || days.strip_suffix('D').is_some_and(|d| digits(d).is_some());
    let time_ok = match time {
        None => !days.is_empty(),
        Some(time) => {
            // dur-hour / dur-minute / dur-second, in that order, each
            // leading into the next.
            let mut rest = time;
            let mut seen = Vec::new();
            for unit in ['H', 'M', 'S'] {
                if let Some(at) = rest.find(unit) {
                    if digits(&rest[..at]).is_none() {
                        return false;
                    }
                    seen.push(unit);
                    rest = &rest[at + 1..];
                }
            }
            rest.is_empty() && !seen.is_empty() && seen != ['H', 'S']
        }
    };
    days_ok && time_ok
}

fn is_period(s: &str) -> bool {
    let Some((start, end)) = s.split_once('/') else { return false };
    is_date_time(start, true) && (is_date_time(end, true) || (is_duration(end) && !end.starts_with('-')))
}

fn is_utc_offset(s: &str) -> bool {
    let Some(rest) = s.strip_prefix(['+', '-']) else { return false };
    (rest.len() == 4 || rest.len() == 6)
        && digits(rest).is_some()
        && digits(&rest[..2]).is_some_and(|h| h < 24)
        && digits(&rest[2..4]).is_some_and(|m| m < 60)
        && (s != "-0000" && s != "-000000")
}

/// A URI with a scheme (RFC 3986 §3.1), as CAL-ADDRESS requires.
fn is_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else { return false };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !rest.contains(' ')
}

/// RECUR (RFC 5545 §3.3.10).
fn check_recur(value: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut keys = Vec::new();
    for part in value.split(';') {
        let Some((key, v)) = part.split_once('=') else {
            problems.push(format!("RRULE part {part:?} is not KEY=VALUE"));
            continue;
        };
        let ok = match key {
            "FREQ" => ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"].contains(&v),
            "UNTIL" => is_date(v) || is_date_time(v, false),
            "COUNT" | "INTERVAL" => digits(v).is_some_and(|n| n > 0),
            "WKST" => ["MO", "TU", "WE", "TH", "FR", "SA", "SU"].contains(&v),
            "BYDAY" => v.split(',').all(|d| {
                let day = &d[d.len().saturating_sub(2)..];
                let ordinal = d[..d.len().saturating_sub(2)].trim_start_matches(['+', '-']);
                ["MO", "TU", "WE", "TH", "FR", "SA", "SU"].contains(&day)
                    && (ordinal.is_empty() || digits(ordinal).is_some_and(|n| (1..=53).contains(&n)))
            }),
            "BYSECOND" | "BYMINUTE" | "BYHOUR" | "BYMONTHDAY" | "BYYEARDAY" | "BYWEEKNO" | "BYMONTH"
            | "BYSETPOS" => v.split(',').all(|n| digits(n.trim_start_matches(['+', '-'])).is_some()),
            _ => key.starts_with("X-"),
        };
        if !ok {
            problems.push(format!("RRULE {key}={v} breaks RFC 5545 §3.3.10"));
        }
        if keys.contains(&key) {
            problems.push(format!("RRULE names {key} twice"));
        }
        keys.push(key);
    }
    if !keys.contains(&"FREQ") {
        problems.push("RRULE without FREQ (RFC 5545 §3.3.10)".into());
    }
    if keys.contains(&"COUNT") && keys.contains(&"UNTIL") {
        problems.push("RRULE with both COUNT and UNTIL (RFC 5545 §3.3.10)".into());
    }
    problems
}

/// A TEXT value's escapes: only `\\`, `\;`, `\,`, `\n` and `\N`; no
/// bare `;` (RFC 5545 §3.3.11).
fn text_problem(value: &str) -> Option<String> {
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\\' | ';' | ',' | 'n' | 'N') => {}
                other => return Some(format!("the escape \\{} is not defined", other.unwrap_or(' '))),
            },
            ';' => return Some("an unescaped ';'".into()),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crlf(text: &str) -> String {
        text.replace('\n', "\r\n")
    }

    const HEAD: &str = "BEGIN:VCALENDAR\nPRODID:-//x//EN\nVERSION:2.0\n";

    fn reply(lines: &str) -> String {
        crlf(&format!(
            "{HEAD}METHOD:REPLY\nBEGIN:VEVENT\nUID:1\nDTSTAMP:20250301T090000Z\n\
             ORGANIZER:mailto:a@example.com\n{lines}END:VEVENT\nEND:VCALENDAR\n"
        ))
    }

    #[test]
    fn a_valid_reply_passes() {
        let text = reply(
            "DTSTART:20250310T090000Z\nDURATION:PT1H30M\nSEQUENCE:2\n\
             SUMMARY:Plan\\, review\\; ship\nATTENDEE;CN=\"Bob ^'B^' Smith\";PARTSTAT=ACCEPTED:mailto:b@example.com\n",
        );
        assert_eq!(check_text(&text), Vec::<String>::new());
    }

    #[test]
    fn each_broken_value_is_named() {
        let cases = [
            ("ATTENDEE;CN=\"Bob \\\"B\\\"\";PARTSTAT=ACCEPTED:mailto:b@example.com\n", "backslash"),
            ("ATTENDEE;CN=Bob \"B\";PARTSTAT=ACCEPTED:mailto:b@example.com\n", "DQUOTE"),
            ("ATTENDEE;PARTSTAT=MAYBE:mailto:b@example.com\n", "PARTSTAT=MAYBE"),
            ("ATTENDEE;PARTSTAT=ACCEPTED:b@example.com\n", "CAL-ADDRESS"),
            ("ATTENDEE;PARTSTAT=ACCEPTED:mailto:b@example.com\nDTSTART:20250230T090000Z\n", "DTSTART"),
            ("ATTENDEE;PARTSTAT=ACCEPTED:mailto:b@example.com\nDTSTART;TZID=X:20250301T090000Z\n", "DTSTART"),
            (
                "ATTENDEE;PARTSTAT=ACCEPTED:mailto:b@example.com\nDTEND:20250301T100000Z\nDURATION:PT1H\n",
                "both an end and DURATION",
            ),
            ("ATTENDEE;PARTSTAT=ACCEPTED:mailto:b@example.com\nDURATION:P1H\n", "DURATION"),
            ("ATTENDEE;PARTSTAT=ACCEPTED:mailto:b@example.com\nSEQUENCE:-1\n", "SEQUENCE"),
            ("ATTENDEE;PARTSTAT=ACCEPTED:mailto:b@example.com\nSUMMARY:a;b\n", "unescaped"),
            ("ATTENDEE;PARTSTAT=ACCEPTED:mailto:b@example.com\nSTATUS:DONE\n", "STATUS"),
            (
                "ATTENDEE;PARTSTAT=ACCEPTED:mailto:b@example.com\nRRULE:FREQ=DAILY;COUNT=2;UNTIL=20250101\n",
                "COUNT and UNTIL",
            ),
            ("ATTENDEE;PARTSTAT=ACCEPTED:mailto:b@example.com\nREQUEST-STATUS:2;Success\n", "REQUEST-STATUS"),
            ("", "ATTENDEE occurs 0 times"),
            (
                "ATTENDEE;PARTSTAT=ACCEPTED:mailto:b@example.com\nDTSTART;TZID=Europe/Berlin:20250301T090000\n",
                "without its VTIMEZONE",
            ),
        ];
        for (lines, expected) in cases {
            let problems = check_text(&reply(lines));
            assert!(
                problems.iter().any(|p| p.contains(expected)),
                "{lines:?}: expected {expected:?} in {problems:?}"
            );
        }
    }

    #[test]
    fn lines_are_crlf_and_folded_within_75_octets() {
        let long = format!("SUMMARY:{}\n", "x".repeat(80));
        let problems = check_text(&reply(&format!("ATTENDEE:mailto:b@example.com\n{long}")));
        assert!(problems.iter().any(|p| p.contains("over 75")), "{problems:?}");
        let folded = format!("SUMMARY:{}\n {}\n", "x".repeat(60), "y".repeat(30));
        assert_eq!(
            check_text(&reply(&format!("ATTENDEE:mailto:b@example.com\n{folded}"))),
            Vec::<String>::new()
        );
        let bare_lf = format!("{HEAD}END:VCALENDAR\n");
        assert!(check_text(&bare_lf)[0].contains("CRLF"));
    }

    #[test]
    fn the_rfc_2446_restrictions_libical_applies() {
        let decline = crlf(&format!(
            "{HEAD}METHOD:DECLINECOUNTER\nBEGIN:VEVENT\nUID:1\nDTSTAMP:20250301T090000Z\nSEQUENCE:0\n\
             ORGANIZER:mailto:a@example.com\nATTENDEE:mailto:b@example.com\nDTSTART:20250310T090000Z\n\
             SUMMARY:s\nEND:VEVENT\nEND:VCALENDAR\n"
        ));
        let problems = check_text(&decline);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("DTSTART") && problems[1].contains("SUMMARY"), "{problems:?}");
        let todo = crlf(&format!(
            "{HEAD}METHOD:REPLY\nBEGIN:VTODO\nUID:1\nDTSTAMP:20250301T090000Z\n\
             ORGANIZER:mailto:a@example.com\nATTENDEE;PARTSTAT=ACCEPTED:mailto:b@example.com\nEND:VTODO\nEND:VCALENDAR\n"
        ));
        assert!(check_text(&todo).iter().any(|p| p.contains("REQUEST-STATUS")));
    }

    #[test]
    fn durations_and_offsets_follow_the_grammar() {
        for good in ["PT1H", "P1D", "P2W", "-PT15M", "P1DT2H3M4S", "PT1H30M", "PT0S"] {
            assert!(is_duration(good), "{good}");
        }
        for bad in ["P", "PT", "P1H", "PT1H5S", "P1W2D", "1H", "PT1M1H"] {
            assert!(!is_duration(bad), "{bad}");
        }
        assert!(is_utc_offset("+0530") && is_utc_offset("-0800") && is_utc_offset("+013045"));
        assert!(!is_utc_offset("0530") && !is_utc_offset("-0000") && !is_utc_offset("+2500"));
    }
}
