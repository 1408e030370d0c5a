//! Who may book: access lists, same-domain-only, and holds for approval.

use crate::resource::config::AclRule;
use crate::resource::pattern::AddressPattern;
use crate::resource::policy::{Cx, State, Step};
use crate::resource::reason::Reason;

/// The last matching rule decides; `default_accept` when none matches.
/// A rule matches when the organizer matches one of its `organizer`
/// patterns and some other attendee one of its `attendee` patterns (an
/// empty list matches anyone).
pub(crate) fn acl(cx: &Cx<'_>, state: &mut State, default_accept: bool, rules: &[AclRule]) -> Step {
    let booking = cx.booking;
    let mut decision = (default_accept, "the default".to_string());
    for (index, rule) in rules.iter().enumerate() {
        let by_organizer =
            rule.organizer.is_empty() || cx.directory.matches_any(&rule.organizer, &booking.organizer);
        let by_attendee = rule.attendee.is_empty()
            || booking.attendees().iter().any(|a| cx.directory.matches_any(&rule.attendee, a));
        if by_organizer && by_attendee {
            decision = (rule.accept, format!("rule {}", index + 1));
        }
    }
    let (accept, which) = decision;
    state.trace.push(format!("acl: {} by {which}", if accept { "allowed" } else { "refused" }));
    if accept {
        Step::Continue
    } else {
        Step::Decline(Reason::NotAllowed {
            resource: cx.resource.address.to_string(),
            organizer: booking.organizer.to_string(),
        })
    }
}

/// Only organizers of the resource's own mail domain.
pub(crate) fn same_domain(cx: &Cx<'_>, state: &mut State) -> Step {
    let (mine, theirs) = (cx.resource.address.domain(), cx.booking.organizer.domain());
    if mine == theirs {
        state.trace.push("same-domain: allowed".into());
        Step::Continue
    } else {
        state.trace.push(format!("same-domain: {theirs} is not {mine}"));
        Step::Decline(Reason::OnlyFromDomain {
            resource: cx.resource.address.to_string(),
            domain: mine.to_string(),
        })
    }
}

/// Organizers not matching `trusted` wait for the owner's approval.
pub(crate) fn hold(cx: &Cx<'_>, state: &mut State, trusted: &[AddressPattern]) -> Step {
    if cx.approving {
        state.trace.push("hold: approved by the owner".into());
    } else if cx.directory.matches_any(trusted, &cx.booking.organizer) {
        state.trace.push("hold: trusted organizer".into());
    } else {
        state.trace.push("hold: needs the owner's approval".into());
        state.held_by = Some("hold");
        state.hold = Some(Reason::NeedsApproval {
            organizer: cx.booking.organizer.to_string(),
            owner: cx.resource.owner.as_ref().map(|o| o.to_string()),
        });
    }
    Step::Continue
}
