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
mod summary;

pub use agenda::{
    AgendaDay, AgendaEntry, AgendaLine, agenda, agenda_days, agenda_title, agenda_window, entries,
};

pub use summary::{Card, Reader, card, escape, html_document, message_card, owner_card, summary};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::OnceLock;

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

    /// The strftime pattern of a date with its weekday.
    pub(crate) fn date_pattern(self) -> &'static str {
        match self {
            Lang::En => "%A %-d %B %Y",
            Lang::De => "%A, %-d. %B %Y",
            Lang::Da => "%A den %-d. %B %Y",
            Lang::Nb => "%A %-d. %B %Y",
        }
    }

    /// This language's messages, parsed on first use: an agent run that
    /// writes in one language parses that one file (and English only if
    /// a message is missing), not all of them.
    fn bundle(self) -> &'static FluentBundle<FluentResource> {
        static BUNDLES: [OnceLock<FluentBundle<FluentResource>>; Lang::ALL.len()] =
            [const { OnceLock::new() }; Lang::ALL.len()];
        BUNDLES[self as usize].get_or_init(|| {
            let id: unic_langid::LanguageIdentifier = self.tag().parse().expect("a valid tag");
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Plain text mail: no Unicode isolation marks.
            bundle.set_use_isolating(false);
            let resource =
                FluentResource::try_new(self.source().to_string()).unwrap_or_else(|(partial, _)| partial);
            let _ = bundle.add_resource(resource);
            bundle
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
            let bundle = lang.bundle();
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned();
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
