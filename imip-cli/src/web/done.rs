//! What a page says after an action: one of a fixed set of results,
//! named by a code in the redirect (`?done=sent`) and written in the
//! reader's language. The address carries no text, so a link someone
//! crafts cannot make the calendar say what imip did not.

use imip_core::drive::Report;
use imip_core::words::Lang;

/// The result of an action, as the person is told it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Done {
    /// Recorded, and the mail it needed went out.
    Sent,
    /// Recorded; its mail waits in the outbox, to be sent again.
    Waiting,
    /// Recorded; nobody needed to be told.
    Recorded,
    /// Recorded in a dry run: the mail it needed was not sent.
    DryRun,
    /// The preferences were saved.
    Preferences,
    /// A new private feed address replaced the old one.
    FeedNew,
    /// The private feed was turned off.
    FeedOff,
}

impl Done {
    const ALL: [Done; 7] = [
        Done::Sent,
        Done::Waiting,
        Done::Recorded,
        Done::DryRun,
        Done::Preferences,
        Done::FeedNew,
        Done::FeedOff,
    ];

    /// What an engine run came to, for the person who asked for it.
    pub(crate) fn of(report: &Report, dry_run: bool) -> Done {
        let mails = report.outcome.messages().next().is_some();
        if dry_run {
            return if mails { Done::DryRun } else { Done::Recorded };
        }
        if report.unsent > 0 || !report.undeliverable.is_empty() {
            Done::Waiting
        } else if mails {
            Done::Sent
        } else {
            Done::Recorded
        }
    }

    /// The code in the redirect.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Done::Sent => "sent",
            Done::Waiting => "waiting",
            Done::Recorded => "recorded",
            Done::DryRun => "dry-run",
            Done::Preferences => "preferences",
            Done::FeedNew => "feed-new",
            Done::FeedOff => "feed-off",
        }
    }

    /// The result a redirect's code names; `None` for any other text.
    pub(crate) fn from_code(code: &str) -> Option<Done> {
        Done::ALL.into_iter().find(|done| done.code() == code)
    }

    /// The sentence, in `lang`.
    pub(crate) fn text(self, lang: Lang) -> String {
        lang.text(&format!("web-done-{}", self.code()), &[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_code_names_its_result_and_nothing_else_does() {
        for done in Done::ALL {
            assert_eq!(Done::from_code(done.code()), Some(done));
        }
        for text in ["", "Sent", "sent ", "Your password has expired", "<b>sent</b>"] {
            assert_eq!(Done::from_code(text), None, "{text:?}");
        }
    }

    #[test]
    fn each_result_is_written_in_every_language() {
        for lang in Lang::ALL {
            let ids = lang.message_ids();
            for done in Done::ALL {
                let id = format!("web-done-{}", done.code());
                assert!(ids.contains(&id), "{} lacks {id}", lang.tag());
                assert!(!done.text(lang).starts_with("web-done"), "{}: {id}", lang.tag());
            }
        }
        assert_eq!(Done::Sent.text(Lang::De), "Erledigt. Die E-Mail dazu ist verschickt.");
    }
}
