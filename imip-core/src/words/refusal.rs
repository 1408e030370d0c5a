//! Why the engine refused what a person asked for, in their words: the
//! refusals their own actions can meet (answering, organizing,
//! approving), with times in their zone. A refusal that only a message
//! can earn is told by its engine text, which names the RFC rule.

use super::summary::{date, time};
use super::{Arg, Reader};
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
        Violation::NoSuchInstance(at) => match Timestamp::parse_utc(at) {
            Some(at) => lang.text(
                "refused-no-such-occurrence",
                &[
                    ("date", Arg::Text(&date(at, reader.zone, lang))),
                    ("time", Arg::Text(&time(at, reader.zone))),
                ],
            ),
            None => lang.text("refused-other", &[("reason", Arg::Text(&violation.to_string()))]),
        },
        other => lang.text("refused-other", &[("reason", Arg::Text(&other.to_string()))]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::Lang;

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
        for lang in Lang::ALL {
            let reader = Reader { lang, zone: chrono_tz::Europe::Oslo };
            for violation in &cases {
                let text = refusal(violation, &reader);
                assert!(!text.starts_with("refused-") && !text.contains("RFC"), "{}: {text}", lang.tag());
                if lang != Lang::En {
                    assert_ne!(
                        text,
                        refusal(violation, &Reader { lang: Lang::En, ..reader }),
                        "{}",
                        lang.tag()
                    );
                }
            }
        }
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
