//! Every period a principal's copy of an object implies: their own busy
//! time, and as organizer, what the attendees' answers say of theirs.

use super::PerComponent;
use super::own::{occupancy, own_periods, own_periods_of};
use super::{BusyPeriod, Expansion, FbType, PeriodSet, PeriodUpdate, expand};
use crate::CalAddress;
use crate::model::{ComponentKind, PartStat, SchedulingObject, component};
use std::collections::{BTreeMap, BTreeSet};

/// The periods `object`, as `principal`'s copy, implies in each set:
/// [`PeriodSet::Own`] always (possibly empty); and when the principal
/// organizes it, [`PeriodSet::Other`] for every attendee whose answer
/// (ACCEPTED: BUSY, TENTATIVE: BUSY-TENTATIVE) says they are busy, as
/// imip-agent's `freebusy-other` records learned from REPLYs
/// (RFC 5546 §3.2.3).
pub(crate) fn implied_periods(
    principal: &CalAddress,
    object: &SchedulingObject,
    expansion: &Expansion,
) -> BTreeMap<PeriodSet, Vec<BusyPeriod>> {
    let mut sets = BTreeMap::new();
    let organizes = object.is_organized_by(principal);
    if !organizes || object.kind() != ComponentKind::Event || object.is_cancelled() {
        sets.insert(PeriodSet::Own, own_periods(principal, object, expansion));
        return sets;
    }
    // The organizer's own time and the attendees' read the same
    // occurrences: the series is expanded once.
    let occurrences = expand(object, expansion).occurrences;
    sets.insert(PeriodSet::Own, own_periods_of(principal, object, &occurrences));
    let organizer = Some(principal.clone());
    // Who is busy in an occurrence depends only on its component, which
    // a series' occurrences share: read once per component.
    let mut read = PerComponent::new();
    for occurrence in &occurrences {
        let busy: &Vec<(CalAddress, FbType)> = read.get(occurrence.component, || {
            component::attendees(occurrence.component)
                .into_iter()
                .filter(|a| {
                    &a.address != principal && matches!(a.partstat, PartStat::Accepted | PartStat::Tentative)
                })
                .filter_map(|a| {
                    let fbtype = occupancy(&a.address, organizer.as_ref(), occurrence.component)?;
                    let fbtype =
                        if a.partstat == PartStat::Tentative { FbType::BusyTentative } else { fbtype };
                    Some((a.address, fbtype))
                })
                .collect()
        });
        for (address, fbtype) in busy {
            let fbtype = *fbtype;
            sets.entry(PeriodSet::Other(address.clone())).or_insert_with(Vec::new).push(BusyPeriod {
                start: occurrence.start,
                end: occurrence.end,
                fbtype,
                uid: object.uid().into(),
                recurrence_id: occurrence.recurrence_id,
                summary: None,
                organizer: organizer.clone(),
                expires: None,
            });
        }
    }
    for periods in sets.values_mut() {
        periods.sort();
        periods.dedup();
    }
    sets
}

/// The period updates that replacing `old` by `new` (either absent) in a
/// principal's store implies: every set either implies, so periods of a
/// set `new` no longer implies are removed. Sorted by set.
pub fn implied_updates(
    principal: &CalAddress,
    uid: &str,
    old: Option<&SchedulingObject>,
    new: Option<&SchedulingObject>,
    expansion: &Expansion,
) -> Vec<PeriodUpdate> {
    let old_sets = old.map(|old| implied_periods(principal, old, expansion).into_keys().collect());
    updates_replacing(principal, uid, &old_sets.unwrap_or_default(), new, expansion)
}

/// The period updates that writing `new` (or nothing) in a principal's
/// store implies, where the copy it replaces implied periods in at most
/// `old_sets` ([`implied_sets`]): the sets `new` implies, with their
/// periods, and every other set of `old_sets`, emptied. Sorted by set.
pub(crate) fn updates_replacing(
    principal: &CalAddress,
    uid: &str,
    old_sets: &BTreeSet<PeriodSet>,
    new: Option<&SchedulingObject>,
    expansion: &Expansion,
) -> Vec<PeriodUpdate> {
    let mut sets: BTreeMap<PeriodSet, Vec<BusyPeriod>> =
        old_sets.iter().map(|set| (set.clone(), Vec::new())).collect();
    sets.insert(PeriodSet::Own, Vec::new());
    if let Some(new) = new {
        sets.extend(implied_periods(principal, new, expansion));
    }
    sets.into_iter().map(|(set, periods)| PeriodUpdate { set, uid: uid.to_string(), periods }).collect()
}

/// Every set in which `object`, as `principal`'s copy, may imply
/// periods, read from its properties without expanding it: a superset of
/// [`implied_periods`]' sets under any expansion. [`PeriodSet::Own`],
/// and when the principal organizes an event that is not cancelled,
/// [`PeriodSet::Other`] for every other attendee who answered ACCEPTED or
/// TENTATIVE on any instance. Emptying one more set than needed removes
/// nothing, so this is what a commit clears before it writes the new
/// copy's periods.
pub(crate) fn implied_sets(principal: &CalAddress, object: &SchedulingObject) -> BTreeSet<PeriodSet> {
    let mut sets = BTreeSet::from([PeriodSet::Own]);
    if !object.is_organized_by(principal) || object.kind() != ComponentKind::Event || object.is_cancelled() {
        return sets;
    }
    for (_, instance) in object.instances() {
        for attendee in component::attendees(instance) {
            if &attendee.address != principal
                && matches!(attendee.partstat, PartStat::Accepted | PartStat::Tentative)
            {
                sets.insert(PeriodSet::Other(attendee.address));
            }
        }
    }
    sets
}
