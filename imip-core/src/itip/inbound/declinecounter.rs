//! DECLINECOUNTER received by an attendee (RFC 5546 §3.2.8): the
//! organizer turned down our proposal.

use super::notice;
use crate::itip::Ctx;
use crate::itip::authority::check_organizer;
use crate::model::component::{self, COUNTER_SENT};
use crate::outcome::{Applied, Disposition, Effect, NoticeKind, Outcome, Unchanged};
use crate::{Incoming, Violation};

pub(super) fn handle(ctx: &Ctx<'_>, incoming: &Incoming) -> Outcome {
    let message = &incoming.message;
    let Some(stored) = ctx.record.object.as_ref() else {
        return Outcome::unchanged(Unchanged::UnknownObject);
    };
    let (Some(organizer), Some(claimed)) = (stored.organizer(), message.organizer()) else {
        return Outcome::refused(Violation::MissingOrganizer);
    };
    if !organizer.is_same_person(&claimed) {
        return Outcome::refused(Violation::OrganizerMismatch {
            stored: organizer.address.to_string(),
            claimed: claimed.address.to_string(),
        });
    }
    if let Err(violation) = check_organizer(ctx.config, &incoming.senders, &organizer) {
        return Outcome::refused(violation);
    }
    let pending = stored.instances().any(|(_, c)| component::x_property(c, COUNTER_SENT).is_some());
    if !pending {
        return Outcome::unchanged(Unchanged::NoPendingCounter);
    }
    let mut updated = stored.clone();
    updated.edit_all(|_, c| component::set_x_property(c, COUNTER_SENT, None));
    let comment = crate::itip::compose::comment_suffix(message.main_component());
    let text = format!("{} declined your counter-proposal.{comment}", organizer.address);
    Outcome::new(Disposition::Applied(Applied::CounterDeclined))
        .with(Effect::Notify(
            notice(NoticeKind::CounterDeclined, &updated, text)
                .with_comment(crate::itip::compose::comment_of(message.main_component())),
        ))
        .with(Effect::PutObject(updated))
}
