//! Why the engine refused what a person asked for, in their words: the
//! refusals their own actions can meet (answering, organizing,
//! approving), with times in their zone. A refusal that only a message
//! can earn is told by its engine text, which names the RFC rule.

use super::summary::{date, time};
use super::{Arg, Reader};
use crate::organize::DraftError;
use crate::{Timestamp, Violation};

/// Why `violation` stopped a person's action, for `reader`.
///
/// ```
/// use imip_core::Violation;
/// use imip_core::words::{Lang, Reader, refusal};
///
/// let reader = Reader::from_prefs(Some("de"), Some("Europe/Berlin"));
/// let why = refusal(&Violation::NoSuchInstance("20300311T140000Z".into()), &reader);
/// assert_eq!(why, "Der Termin findet am Montag, 11. März 2030 um 15:00 nicht statt.");
/// ```
pub fn refusal(violation: &Violation, reader: &Reader) -> String {
    let lang = reader.lang;
    let who = |id: &str, address: &str| lang.text(id, &[("who", Arg::Text(address))]);
    match violation {
        Violation::NotAnAttendee(address) => who("refused-not-invited", address),
        Violation::NotAddressed(address) => who("refused-not-invited-to-occurrence", address),
        Violation::NotOrganizer(address) => who("refused-not-organizer", address),
        Violation::NotAResource(address) => who("refused-not-a-resource", address),
        Violation::NothingToApprove(address) => who("refused-nothing-to-approve", address),
        Violation::MissingOrganizer => lang.text("refused-no-organizer", &[]),
        Violation::EndBeforeStart { .. } => lang.text("refused-end-before-start", &[]),
        Violation::AttendeeCannotModify(what) => {
            lang.text("refused-attendee-cannot-change", &[("what", Arg::Text(what))])
        }
        Violation::NoSuchInstance(at) => at_time("refused-no-such-occurrence", at, reader)
            .unwrap_or_else(|| other_reason(violation, reader)),
        other => other_reason(other, reader),
    }
}

/// The message `id` about the instant `at` (a UTC DATE-TIME text), its
/// date and time in the reader's zone; `None` when `at` is not one.
fn at_time(id: &str, at: &str, reader: &Reader) -> Option<String> {
    let at = Timestamp::parse_utc(at)?;
    let (date, time) = (date(at, reader.zone, reader.lang), time(at, reader.zone));
    Some(reader.lang.text(id, &[("date", Arg::Text(&date)), ("time", Arg::Text(&time))]))
}

/// A refusal with no sentence of its own: the engine's reason under a
/// lead in the reader's language.
fn other_reason(reason: &impl std::fmt::Display, reader: &Reader) -> String {
    reader.lang.text("refused-other", &[("reason", Arg::Text(&reason.to_string()))])
}

/// Why an event a person drafted or edited cannot be made, for
/// `reader` ([`DraftError`]).
///
/// ```
/// use imip_core::organize::DraftError;
/// use imip_core::words::{Reader, draft_refusal};
///
/// let reader = Reader::from_prefs(Some("nb"), None);
/// let skipped = DraftError::SkippedTime { time: "2030-03-31 02:30".into(), zone: "Europe/Oslo".into() };
/// assert_eq!(
///     draft_refusal(&skipped, &reader),
///     "2030-03-31 02:30 finnes ikke i Europe/Oslo: klokken stilles frem da. Velg et annet tidspunkt."
/// );
/// ```
pub fn draft_refusal(error: &DraftError, reader: &Reader) -> String {
    let lang = reader.lang;
    match error {
        DraftError::NoTitle => lang.text("draft-no-title", &[]),
        DraftError::EndNotAfterStart { start, end } => {
            lang.text("draft-end-not-after-start", &[("start", Arg::Text(start)), ("end", Arg::Text(end))])
        }
        DraftError::SkippedTime { time, zone } => {
            lang.text("draft-skipped-time", &[("time", Arg::Text(time)), ("zone", Arg::Text(zone))])
        }
        DraftError::InvalidValue { property, value } => lang
            .text("draft-invalid-value", &[("property", Arg::Text(property)), ("value", Arg::Text(value))]),
        DraftError::SeriesHasExceptions => lang.text("draft-series-has-exceptions", &[]),
        DraftError::NotAnEvent => lang.text("draft-not-an-event", &[]),
        DraftError::NotRecurring => lang.text("draft-not-recurring", &[]),
        DraftError::FloatingSeries => lang.text("draft-floating-series", &[]),
        DraftError::NoSuchOccurrence { at } => {
            at_time("draft-no-such-occurrence", at, reader).unwrap_or_else(|| other_reason(error, reader))
        }
        DraftError::Invalid(violation) => refusal(violation, reader),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::Lang;

    /// Each case, in each language, is a sentence of its own: not a
    /// message id, not the engine's text, and not the English one.
    fn told_in_every_language<T>(cases: &[T], tell: impl Fn(&T, &Reader) -> String) {
        for lang in Lang::ALL {
            let reader = Reader { lang, zone: chrono_tz::Europe::Oslo };
            for case in cases {
                let text = tell(case, &reader);
                assert!(
                    !text.starts_with("refused-") && !text.starts_with("draft-") && !text.contains("RFC"),
                    "{}: {text}",
                    lang.tag()
                );
                if lang != Lang::En {
                    assert_ne!(text, tell(case, &Reader { lang: Lang::En, ..reader }), "{}", lang.tag());
                }
            }
        }
    }

    /// Each of a person's refusals, in each language: a sentence of its
    /// own (not the engine's text, not a message id).
    #[test]
    fn a_persons_refusals_are_told_in_their_language() {
        let cases = [
            Violation::NotAnAttendee("bob@example.com".into()),
            Violation::NotAddressed("bob@example.com".into()),
            Violation::NotOrganizer("bob@example.com".into()),
            Violation::NotAResource("bob@example.com".into()),
            Violation::NothingToApprove("room@example.com".into()),
            Violation::MissingOrganizer,
            Violation::EndBeforeStart { method: crate::Method::Request },
            Violation::AttendeeCannotModify("DTSTART".into()),
            Violation::NoSuchInstance("20300311T140000Z".into()),
        ];
        told_in_every_language(&cases, refusal);
    }

    #[test]
    fn a_drafts_problems_are_told_in_every_language() {
        let cases = [
            DraftError::NoTitle,
            DraftError::EndNotAfterStart { start: "10:00".into(), end: "09:00".into() },
            DraftError::SkippedTime { time: "2030-03-31 02:30".into(), zone: "Europe/Oslo".into() },
            DraftError::InvalidValue { property: "RRULE".into(), value: "FREQ=FORTNIGHTLY".into() },
            DraftError::SeriesHasExceptions,
            DraftError::NotAnEvent,
            DraftError::NotRecurring,
            DraftError::FloatingSeries,
            DraftError::NoSuchOccurrence { at: "20300312T090000Z".into() },
            DraftError::Invalid(Violation::MissingOrganizer),
        ];
        told_in_every_language(&cases, draft_refusal);
        let oslo = Reader { lang: Lang::En, zone: chrono_tz::Europe::Oslo };
        assert_eq!(
            draft_refusal(&DraftError::NoSuchOccurrence { at: "20300312T090000Z".into() }, &oslo),
            "The series has no occurrence on Tuesday 12 March 2030 at 10:00 to cancel."
        );
    }

    #[test]
    fn a_time_is_the_readers_and_anything_else_keeps_the_engines_reason() {
        let oslo = Reader { lang: Lang::En, zone: chrono_tz::Europe::Oslo };
        assert_eq!(
            refusal(&Violation::NoSuchInstance("20300311T140000Z".into()), &oslo),
            "The event does not take place on Monday 11 March 2030 at 15:00."
        );
        let da = Reader { lang: Lang::Da, ..oslo };
        assert_eq!(
            refusal(&Violation::MultipleUids, &da),
            "Kalenderen afviste det: components with different UIDs in one message (RFC 5546 §3.2.2)."
        );
    }
}
