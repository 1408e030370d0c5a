//! A principal's preferences, typed and validated.
//!
//! Stores keep preferences as text, one value per key
//! ([`crate::Store::prefs`]). [`Prefs`] is the typed view of them: each
//! known key ([`PrefKey`]) has one name and one parser, and
//! [`PrefKey::check`] is what `imip prefs set` and the web manager call
//! before writing. A stored value that no longer parses is left out of
//! the view (the default applies) and listed by [`Prefs::read`], which
//! `imip store check` reports.
//!
//! Engine state, such as the free/busy horizon
//! ([`crate::freebusy::HORIZON_PREF`]), is kept beside the preferences
//! but is not one: it has no [`PrefKey`], so nobody can set it by hand,
//! and it is written only by commits.

use crate::freebusy::{AVAILABILITY_PREF, Availability, HORIZON_PREF, SHARING_PREF, ZONE_PREF};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// A preference a user (or an administrator for them) may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum PrefKey {
    /// `incoming`: how the person agent delivers received calendar mail
    /// ([`IncomingMode`]).
    Incoming,
    /// `participating`: `participate` or `no`; with `no`, the agents
    /// leave the user's mail alone.
    Participating,
    /// `TZID`: the user's time zone, an IANA name (a Windows name is
    /// taken and stored as the IANA zone it maps to). Floating and
    /// all-day events are read in it.
    Zone,
    /// `freebusy_sharing`: `share` or `no`; whether VFREEBUSY requests
    /// are answered (RFC 5546 §3.3.2).
    Sharing,
    /// `freebusy_publishing`: `publish` or `no`; whether the user's
    /// free/busy is published for HTTP (it needs sharing too).
    Publishing,
    /// `availability`: VAVAILABILITY text (RFC 7953), working hours and
    /// absences.
    Availability,
    /// `CN`: the user's name, as written in mail and on their
    /// ORGANIZER and ATTENDEE lines.
    Name,
    /// `LANG`: the language of what the user reads, a language tag such
    /// as `en`, `de` or `nb-NO`.
    Language,
}

impl PrefKey {
    /// Every key, in a stable order.
    pub const ALL: [PrefKey; 8] = [
        PrefKey::Incoming,
        PrefKey::Participating,
        PrefKey::Zone,
        PrefKey::Sharing,
        PrefKey::Publishing,
        PrefKey::Availability,
        PrefKey::Name,
        PrefKey::Language,
    ];

    /// The key as stored (imip-agent's names).
    pub fn name(self) -> &'static str {
        match self {
            PrefKey::Incoming => "incoming",
            PrefKey::Participating => "participating",
            PrefKey::Zone => ZONE_PREF,
            PrefKey::Sharing => SHARING_PREF,
            PrefKey::Publishing => "freebusy_publishing",
            PrefKey::Availability => AVAILABILITY_PREF,
            PrefKey::Name => "CN",
            PrefKey::Language => "LANG",
        }
    }

    /// What a value may be, for people.
    pub fn expects(self) -> &'static str {
        match self {
            PrefKey::Incoming => {
                "summary-wraps-message, summary-then-message, message-then-summary, summary-only or message-only"
            }
            PrefKey::Participating => "participate or no",
            PrefKey::Zone => "an IANA time zone such as Europe/Berlin (or a Windows zone name)",
            PrefKey::Sharing => "share or no",
            PrefKey::Publishing => "publish or no",
            PrefKey::Availability => "VAVAILABILITY text (RFC 7953)",
            PrefKey::Name => "a name of at most 200 characters, on one line",
            PrefKey::Language => "a language tag such as en, de, da or nb-NO",
        }
    }

    /// The key stored under `name`, if it is a preference.
    pub fn parse(name: &str) -> Option<PrefKey> {
        PrefKey::ALL.into_iter().find(|key| key.name() == name)
    }

    /// Checks a value for this key, and returns it as it is to be
    /// stored (a Windows zone name becomes its IANA name; surrounding
    /// blanks go).
    pub fn check(self, value: &str) -> Result<String, PrefError> {
        let trimmed = value.trim();
        let bad = || PrefError::BadValue { key: self, value: shorten(value) };
        match self {
            PrefKey::Incoming => IncomingMode::parse(trimmed).map(|m| m.name().to_string()).ok_or_else(bad),
            PrefKey::Participating => {
                one_of(trimmed, &["participate", "no"]).map(str::to_string).ok_or_else(bad)
            }
            PrefKey::Sharing => one_of(trimmed, &["share", "no"]).map(str::to_string).ok_or_else(bad),
            PrefKey::Publishing => one_of(trimmed, &["publish", "no"]).map(str::to_string).ok_or_else(bad),
            PrefKey::Zone => parse_zone(trimmed).map(|zone| zone.name().to_string()).ok_or_else(bad),
            PrefKey::Availability => match Availability::parse(value) {
                Ok(_) if has_vavailability(value) => Ok(value.to_string()),
                Ok(_) => Err(PrefError::BadAvailability("no complete VAVAILABILITY component".into())),
                Err(why) => Err(PrefError::BadAvailability(why.to_string())),
            },
            PrefKey::Name => {
                let fine = !trimmed.is_empty()
                    && trimmed.chars().count() <= 200
                    && !trimmed.chars().any(char::is_control);
                if fine { Ok(trimmed.to_string()) } else { Err(bad()) }
            }
            PrefKey::Language => {
                if is_language_tag(trimmed) {
                    Ok(trimmed.to_string())
                } else {
                    Err(bad())
                }
            }
        }
    }
}

impl fmt::Display for PrefKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a preference cannot be set.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PrefError {
    /// No preference has this name.
    #[error("{key:?} is not a preference; known: {}", known_names())]
    UnknownKey {
        /// The name given.
        key: String,
    },
    /// Engine state that only imip writes.
    #[error("{0:?} is kept by imip itself and cannot be set")]
    EngineState(String),
    /// The value does not parse.
    #[error("{value:?} is not a valid {key}: use {}", key.expects())]
    BadValue {
        /// The key.
        key: PrefKey,
        /// The value given (shortened).
        value: String,
    },
    /// The availability text does not parse.
    #[error("availability: {0}")]
    BadAvailability(String),
}

impl PrefError {
    /// Whether the mistake is in the key (a usage error) rather than in
    /// the value (bad data).
    pub fn is_about_the_key(&self) -> bool {
        matches!(self, PrefError::UnknownKey { .. } | PrefError::EngineState(_))
    }
}

fn known_names() -> String {
    PrefKey::ALL.iter().map(|k| k.name()).collect::<Vec<_>>().join(", ")
}

/// Checks a key given by name and its value.
pub fn check(key: &str, value: &str) -> Result<(PrefKey, String), PrefError> {
    if is_engine_state(key) {
        return Err(PrefError::EngineState(key.to_string()));
    }
    let key = PrefKey::parse(key).ok_or_else(|| PrefError::UnknownKey { key: shorten(key) })?;
    key.check(value).map(|value| (key, value))
}

/// Whether a stored key is engine state rather than a preference.
pub fn is_engine_state(key: &str) -> bool {
    key == HORIZON_PREF || key == FEED_PREF || key == USED_LINKS_PREF
}

/// The answer links (`imip web`) a user has already used, newest last,
/// so that each works once even across restarts.
pub const USED_LINKS_PREF: &str = "web_used_links";

/// The generation of a user's private calendar feed link (`imip web`):
/// a new generation revokes the links of older ones.
pub const FEED_PREF: &str = "web_feed";

/// How the person agent puts received calendar mail in the mailbox
/// (imip-agent's `incoming` preference).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IncomingMode {
    /// One mail: the summary, with the original attached (the default).
    #[default]
    SummaryWrapsMessage,
    /// Two mails: the summary, then the original.
    SummaryThenMessage,
    /// Two mails: the original, then the summary.
    MessageThenSummary,
    /// The summary alone.
    SummaryOnly,
    /// The original alone.
    MessageOnly,
}

impl IncomingMode {
    /// Every mode.
    pub const ALL: [IncomingMode; 5] = [
        IncomingMode::SummaryWrapsMessage,
        IncomingMode::SummaryThenMessage,
        IncomingMode::MessageThenSummary,
        IncomingMode::SummaryOnly,
        IncomingMode::MessageOnly,
    ];

    /// The preference value.
    pub fn name(self) -> &'static str {
        match self {
            IncomingMode::SummaryWrapsMessage => "summary-wraps-message",
            IncomingMode::SummaryThenMessage => "summary-then-message",
            IncomingMode::MessageThenSummary => "message-then-summary",
            IncomingMode::SummaryOnly => "summary-only",
            IncomingMode::MessageOnly => "message-only",
        }
    }

    /// Parses a preference value.
    pub fn parse(value: &str) -> Option<IncomingMode> {
        IncomingMode::ALL.into_iter().find(|mode| mode.name() == value)
    }
}

/// The typed view of a principal's stored preferences. An absent or
/// unreadable value is `None`: its default applies.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Prefs {
    /// `incoming`.
    pub incoming: Option<IncomingMode>,
    /// `participating`: `false` for `no`.
    pub participating: Option<bool>,
    /// `TZID`.
    pub zone: Option<chrono_tz::Tz>,
    /// `freebusy_sharing`: `true` for `share`.
    pub sharing: Option<bool>,
    /// `freebusy_publishing`: `true` for `publish`.
    pub publishing: Option<bool>,
    /// `availability`, parsed.
    pub availability: Option<Availability>,
    /// `CN`.
    pub name: Option<String>,
    /// `LANG`.
    pub language: Option<String>,
}

impl Prefs {
    /// Reads stored preferences: the typed view, and every stored value
    /// that does not parse (unknown keys are not errors here: an
    /// administrator may keep notes, and engine state is skipped).
    pub fn read(stored: &BTreeMap<String, String>) -> (Prefs, Vec<PrefError>) {
        let mut prefs = Prefs::default();
        let mut problems = Vec::new();
        for (name, value) in stored {
            let Some(key) = PrefKey::parse(name) else { continue };
            let checked = match key.check(value) {
                Ok(checked) => checked,
                Err(problem) => {
                    problems.push(problem);
                    continue;
                }
            };
            match key {
                PrefKey::Incoming => prefs.incoming = IncomingMode::parse(&checked),
                PrefKey::Participating => prefs.participating = Some(checked == "participate"),
                PrefKey::Zone => prefs.zone = parse_zone(&checked),
                PrefKey::Sharing => prefs.sharing = Some(checked == "share"),
                PrefKey::Publishing => prefs.publishing = Some(checked == "publish"),
                PrefKey::Availability => prefs.availability = Availability::parse(&checked).ok(),
                PrefKey::Name => prefs.name = Some(checked),
                PrefKey::Language => prefs.language = Some(checked),
            }
        }
        (prefs, problems)
    }
}

/// An IANA zone by name, or the IANA zone a Windows or vendor name maps
/// to (calcard's table).
pub fn parse_zone(name: &str) -> Option<chrono_tz::Tz> {
    if let Ok(zone) = chrono_tz::Tz::from_str(name) {
        return Some(zone);
    }
    match calcard::common::timezone::Tz::from_str(name) {
        Ok(calcard::common::timezone::Tz::Tz(zone)) => Some(zone),
        _ => None,
    }
}

/// Whether the text holds a whole VCALENDAR with a VAVAILABILITY.
fn has_vavailability(text: &str) -> bool {
    use calcard::icalendar::{ICalendar, ICalendarComponentType};
    let ends = text.trim_end().to_ascii_uppercase().ends_with("END:VCALENDAR");
    ends && ICalendar::parse(text).is_ok_and(|calendar| {
        calendar.components.iter().any(|c| c.component_type == ICalendarComponentType::VAvailability)
    })
}

fn one_of<'a>(value: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed.iter().copied().find(|a| *a == value)
}

/// A BCP 47 language tag's shape: a 2–8 letter primary subtag, then
/// alphanumeric subtags of 1–8 characters.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=8).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_has_one_name_and_refuses_bad_values() {
        for key in PrefKey::ALL {
            assert_eq!(PrefKey::parse(key.name()), Some(key));
        }
        assert!(matches!(check("incomming", "x"), Err(PrefError::UnknownKey { .. })));
        assert!(matches!(check("freebusy.horizon", "20300101T000000Z"), Err(PrefError::EngineState(_))));
        assert!(matches!(check("freebusy_sharing", "yes"), Err(PrefError::BadValue { .. })));
        assert_eq!(check("freebusy_sharing", "share"), Ok((PrefKey::Sharing, "share".into())));
        assert!(matches!(check("TZID", "Mars/Olympus"), Err(PrefError::BadValue { .. })));
        assert_eq!(check("TZID", " Europe/Oslo "), Ok((PrefKey::Zone, "Europe/Oslo".into())));
        assert_eq!(check("TZID", "W. Europe Standard Time").map(|(_, v)| v), Ok("Europe/Berlin".into()));
        assert!(matches!(check("availability", "BEGIN:NOTHING"), Err(PrefError::BadAvailability(_))));
        assert!(check("LANG", "nb-NO").is_ok() && check("LANG", "x").is_err());
        assert!(check("CN", "Bob\nSmith").is_err() && check("CN", "Bob Smith").is_ok());
    }

    #[test]
    fn reading_keeps_good_values_and_reports_bad_ones() {
        let stored: BTreeMap<String, String> = [
            ("TZID", "Europe/Berlin"),
            ("freebusy_sharing", "yes"),
            ("freebusy.horizon", "20300101T000000Z"),
            ("note", "kept by the admin"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let (prefs, problems) = Prefs::read(&stored);
        assert_eq!(prefs.zone, Some(chrono_tz::Europe::Berlin));
        assert_eq!(prefs.sharing, None);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].to_string().contains("freebusy_sharing"), "{}", problems[0]);
    }
}
