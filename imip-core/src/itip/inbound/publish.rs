//! PUBLISH received (RFC 5546 §3.2.1): a one-way posting from its
//! organizer. Stored without a queue entry; later PUBLISH, ADD or CANCEL
//! messages update it.

use super::{newer_instances, notice};
use crate::itip::Ctx;
use crate::itip::authority::check_organizer;
use crate::outcome::{Applied, Disposition, Effect, NoticeKind, Outcome};
use crate::{Incoming, Violation};

pub(super) fn handle(ctx: &Ctx<'_>, incoming: &Incoming) -> Outcome {
    let message = &incoming.message;
    let Some(organizer) = message.organizer() else {
        return Outcome::refused(Violation::MissingOrganizer);
    };
    if &organizer.address == ctx.principal {
        return Outcome::ignored(crate::Ignored::OwnMessage);
    }
    if let Err(violation) = check_organizer(ctx.config, &incoming.senders, &organizer) {
        return Outcome::refused(violation);
    }
    let (object, applied) = match ctx.record.object.as_ref() {
        None => (message.clone().without_method(), Applied::Created),
        Some(stored) => {
            let stored_organizer = stored.organizer();
            if !stored_organizer.as_ref().is_some_and(|o| o.is_same_person(&organizer)) {
                return Outcome::refused(Violation::OrganizerMismatch {
                    stored: stored_organizer.map(|o| o.address.to_string()).unwrap_or_default(),
                    claimed: organizer.address.to_string(),
                });
            }
            let newer = match newer_instances(stored, message) {
                Ok(newer) => newer,
                Err(unchanged) => return Outcome::unchanged(unchanged),
            };
            if newer.contains(&crate::InstanceId::Master) {
                let mut replaced = message.clone().without_method();
                super::keep_newer_overrides(stored, message, &mut replaced);
                (replaced, Applied::Updated)
            } else {
                let mut merged = stored.clone();
                for id in newer {
                    merged.put_component_from(message, id);
                }
                (merged, Applied::Updated)
            }
        }
    };
    let text = format!("{} has published this {}.", organizer.address, message.kind().noun());
    Outcome::new(Disposition::Applied(applied))
        .with(Effect::Notify(notice(NoticeKind::Published, &object, text)))
        .with(Effect::PutObject(object))
}
