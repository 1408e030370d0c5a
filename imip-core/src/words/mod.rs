//! What people read, in their language and time zone.
//!
//! Every sentence imip writes for a person comes from a Fluent message
//! file (`imip-core/locales/*.ftl`, embedded at build time): English,
//! German, Danish and Norwegian Bokmål, chosen by the reader's `LANG`
//! preference ([`Lang::from_tag`]), with English as the fallback for an
//! unknown language or a missing message. Dates, month and weekday names
//! are formatted for the locale by chrono's locale tables, in the
//! reader's zone. Rendering is pure: it takes the notice, the object, the
//! language and the zone as values ([`Reader`], [`summary`]).

mod agenda;
mod refusal;
mod summary;

pub use agenda::{
    AgendaDay, AgendaEntry, AgendaLine, agenda, agenda_days, agenda_title, agenda_window, entries,
};

pub use refusal::{draft_refusal, refusal};
pub use summary::{Card, Reader, card, escape, html_document, message_card, owner_card, summary};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::{Mutex, OnceLock};

/// A language imip writes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Lang {
    /// English (the fallback).
    #[default]
    En,
    /// German.
    De,
    /// Danish.
    Da,
    /// Norwegian Bokmål.
    Nb,
}

impl Lang {
    /// Every language shipped.
    pub const ALL: [Lang; 4] = [Lang::En, Lang::De, Lang::Da, Lang::Nb];

    /// The language a `LANG` preference (a BCP 47 tag such as `de-AT`,
    /// or a POSIX locale such as `nb_NO.UTF-8`) asks for; English for
    /// anything not shipped. Norwegian without a script (`no`) is read
    /// as Bokmål.
    ///
    /// ```
    /// use imip_core::words::Lang;
    /// assert_eq!(Lang::from_tag("de-AT"), Lang::De);
    /// assert_eq!(Lang::from_tag("nb_NO.UTF-8"), Lang::Nb);
    /// assert_eq!(Lang::from_tag("no"), Lang::Nb);
    /// assert_eq!(Lang::from_tag("fr"), Lang::En);
    /// ```
    pub fn from_tag(tag: &str) -> Lang {
        let primary = tag.trim().split(['-', '_', '.', '@']).next().unwrap_or_default().to_ascii_lowercase();
        match primary.as_str() {
            "de" => Lang::De,
            "da" => Lang::Da,
            "nb" | "no" => Lang::Nb,
            _ => Lang::En,
        }
    }

    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Da => "da",
            Lang::Nb => "nb",
        }
    }

    fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("../../locales/en.ftl"),
            Lang::De => include_str!("../../locales/de.ftl"),
            Lang::Da => include_str!("../../locales/da.ftl"),
            Lang::Nb => include_str!("../../locales/nb.ftl"),
        }
    }

    /// chrono's locale for month and weekday names.
    pub(crate) fn locale(self) -> chrono::Locale {
        match self {
            Lang::En => chrono::Locale::en_GB,
            Lang::De => chrono::Locale::de_DE,
            Lang::Da => chrono::Locale::da_DK,
            Lang::Nb => chrono::Locale::nb_NO,
        }
    }

    /// A weekday's name in this language ("Monday", "Montag"), from
    /// chrono's locale tables.
    pub fn weekday_name(self, day: chrono::Weekday) -> String {
        chrono::NaiveDate::from_weekday_of_month_opt(2025, 1, day, 1)
            .map(|date| date.format_localized("%A", self.locale()).to_string())
            .unwrap_or_default()
    }

    /// The strftime pattern of a date with its weekday.
    pub(crate) fn date_pattern(self) -> &'static str {
        match self {
            Lang::En => "%A %-d %B %Y",
            Lang::De => "%A, %-d. %B %Y",
            Lang::Da => "%A den %-d. %B %Y",
            Lang::Nb => "%A %-d. %B %Y",
        }
    }

    /// This language's messages, each parsed the first time it is asked
    /// for. An agent run writes one to three messages; parsing the whole
    /// file (some 200 messages) cost it more than the rest of its words
    /// together.
    fn messages(self) -> &'static Messages {
        static MESSAGES: [OnceLock<Messages>; Lang::ALL.len()] = [const { OnceLock::new() }; Lang::ALL.len()];
        MESSAGES[self as usize].get_or_init(|| {
            let id: unic_langid::LanguageIdentifier = self.tag().parse().expect("a valid tag");
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Plain text mail: no Unicode isolation marks.
            bundle.set_use_isolating(false);
            Messages { file: self.source(), bundle: Mutex::new(bundle) }
        })
    }

    /// The message `id` with `args`, in this language, else in English,
    /// else the id itself (never empty, never a panic).
    pub fn text(self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            let value = match value {
                Arg::Text(text) => FluentValue::from(*text),
                Arg::Number(number) => FluentValue::from(*number),
            };
            fluent_args.set(*name, value);
        }
        for lang in [self, Lang::En] {
            if let Some(text) = lang.messages().format(id, &fluent_args) {
                return text;
            }
        }
        id.to_string()
    }

    /// The ids of every message this language's file defines.
    pub fn message_ids(self) -> Vec<String> {
        let resource =
            FluentResource::try_new(self.source().to_string()).unwrap_or_else(|(partial, _)| partial);
        resource
            .entries()
            .filter_map(|entry| match entry {
                fluent_syntax::ast::Entry::Message(message) => Some(message.id.name.to_string()),
                _ => None,
            })
            .collect()
    }
}

/// One language's messages, parsed as they are first asked for (see
/// [`Lang::messages`]).
struct Messages {
    /// The language's message file.
    file: &'static str,
    /// The messages parsed so far.
    bundle: Mutex<FluentBundle<FluentResource>>,
}

impl Messages {
    /// The message `id` formatted with `args`, parsing it first if this
    /// is its first use; `None` if this language lacks it.
    fn format(&self, id: &str, args: &FluentArgs<'_>) -> Option<String> {
        // A panic while formatting leaves the bundle as it was: use it.
        let mut bundle = self.bundle.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !bundle.has_message(id) {
            let source = message_source(self.file, id)?;
            let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(partial, _)| partial);
            let _ = bundle.add_resource(resource);
        }
        let pattern = bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        Some(bundle.format_pattern(pattern, Some(args), &mut errors).into_owned())
    }
}

/// The source of the message `id` in a Fluent file: from the line that
/// begins with its identifier to the next line that begins at the
/// margin (the next message, a comment or a term); its other lines are
/// indented or blank (Fluent's own rule for where an entry ends). imip's
/// files define no terms and no message refers to another, so a message
/// parses alone; a test checks that every message reads the same parsed
/// alone as in its whole file.
fn message_source<'f>(file: &'f str, id: &str) -> Option<&'f str> {
    let mut from = 0;
    let start = loop {
        let at = from + file[from..].find(id)?;
        let line_start = at == 0 || file.as_bytes()[at - 1] == b'\n';
        let rest = file[at + id.len()..].trim_start_matches([' ', '\t']);
        if line_start && rest.starts_with('=') {
            break at;
        }
        from = at + id.len();
    };
    let body = &file[start..];
    let end = body
        .match_indices('\n')
        .map(|(at, _)| at + 1)
        .find(|&next| body[next..].starts_with(|c: char| !c.is_whitespace()))
        .unwrap_or(body.len());
    Some(&body[..end])
}

/// A value given to a message.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    /// Text, inserted as is.
    Text(&'a str),
    /// A number (plural and ordinal selectors use it).
    Number(i64),
}

/// Percent-encodes a URL query value (RFC 3986 unreserved characters
/// stay).
///
/// ```
/// assert_eq!(imip_core::words::percent_encode("room+1@example.com"), "room%2B1%40example.com");
/// ```
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_message_and_each_parses() {
        let english = Lang::En.message_ids();
        assert!(english.len() > 30, "{english:?}");
        for lang in Lang::ALL {
            let resource = FluentResource::try_new(lang.source().to_string());
            assert!(resource.is_ok(), "{lang:?}: {:?}", resource.err().map(|(_, e)| e));
            let ids = lang.message_ids();
            for id in &english {
                assert!(ids.contains(id), "{lang:?} lacks {id}");
            }
            for id in &ids {
                assert!(english.contains(id), "{lang:?} has {id}, which English lacks");
            }
        }
    }

    /// Each message parsed alone (as `Lang::text` parses them, on first
    /// use) reads exactly as in a bundle of its whole file: with no
    /// arguments, and with every variable the file names set to 1, to 2
    /// and to a text (selectors then take their plural and their default
    /// branches).
    #[test]
    fn each_message_reads_the_same_parsed_alone() {
        for lang in Lang::ALL {
            let ids = lang.message_ids();
            let mut whole = FluentBundle::new_concurrent(vec![lang.tag().parse().expect("tag")]);
            whole.set_use_isolating(false);
            let resource = FluentResource::try_new(lang.source().to_string()).expect("parses");
            whole.add_resource(resource).expect("no duplicates");
            let names: Vec<&str> = lang
                .source()
                .split('$')
                .skip(1)
                .map(|rest| rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')).next())
                .map(|name| name.unwrap_or_default())
                .collect();
            let mut argument_sets = vec![FluentArgs::new()];
            for value in [FluentValue::from(1), FluentValue::from(2), FluentValue::from("accepted")] {
                let mut args = FluentArgs::new();
                for name in &names {
                    args.set(*name, value.clone());
                }
                argument_sets.push(args);
            }
            for id in &ids {
                for args in &argument_sets {
                    let pattern = whole.get_message(id).and_then(|m| m.value()).expect("a value");
                    let expected = whole.format_pattern(pattern, Some(args), &mut Vec::new()).into_owned();
                    let alone = lang.messages().format(id, args);
                    assert_eq!(alone.as_deref(), Some(expected.as_str()), "{lang:?}: {id}");
                }
            }
        }
    }

    /// An id is found as a whole identifier at a line's start, not inside
    /// another id or a message's text.
    #[test]
    fn a_message_source_is_the_whole_entry() {
        let file = "# about a-b\na-b-c = x\na = says a = b\n  and more\n\n  still\n# next\na-b = { $n ->\n    [one] one\n   *[other] many\n  }\n";
        assert_eq!(message_source(file, "a"), Some("a = says a = b\n  and more\n\n  still\n"));
        assert_eq!(
            message_source(file, "a-b"),
            Some("a-b = { $n ->\n    [one] one\n   *[other] many\n  }\n")
        );
        assert_eq!(message_source(file, "a-b-c"), Some("a-b-c = x\n"));
        assert_eq!(message_source(file, "b"), None);
        assert_eq!(message_source(file, "more"), None);
    }

    #[test]
    fn selectors_and_fallback() {
        let reply = |lang: Lang, answer| {
            lang.text(
                "headline-reply",
                &[("who", Arg::Text("Bob")), ("title", Arg::Text("Q1")), ("answer", Arg::Text(answer))],
            )
        };
        assert_eq!(reply(Lang::En, "declined"), "Bob has declined “Q1”.");
        assert_eq!(reply(Lang::De, "accepted"), "Bob hat „Q1“ zugesagt.");
        assert_eq!(reply(Lang::Nb, "accepted"), "Bob har takket ja til «Q1».");
        assert_eq!(Lang::Da.text("no-such-message", &[]), "no-such-message");
        let every = |lang: Lang, n| {
            lang.text("repeats", &[("frequency", Arg::Text("weekly")), ("interval", Arg::Number(n))])
        };
        assert_eq!(every(Lang::En, 1), "every week");
        assert_eq!(every(Lang::En, 2), "every 2 weeks");
        assert_eq!(every(Lang::De, 2), "alle 2 Wochen");
        assert_eq!(every(Lang::Da, 2), "hver 2. uge");
    }
}
