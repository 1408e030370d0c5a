//! An interval index of busy periods: overlap queries and per-UID
//! replacement in O(log n + k).
//!
//! Periods are kept in a few *length tiers* (up to an hour, a day, a
//! week, 62 days, and longer), each ordered by start. A period of tier
//! `t` that overlaps `[from, to)` starts in `[from − maxlenₜ, to)`, so a
//! query is one range scan per tier: O(log n + k + s), where `s` counts
//! periods of the tier that start within one tier length before `from`
//! and end before it. Because the tiers bound lengths, `s` depends on how
//! dense a calendar is, not on its size, which is what makes the cost
//! O(log n + k) for any calendar that is not pathologically dense. The
//! last tier (over 62 days) is scanned whole; such periods are rare. A
//! second map by UID makes replacing an object's periods O(m log n) for
//! its `m` periods.
//!
//! [`crate::MemStore`] uses this index and `imip-store-sqlite` the same
//! tiers ([`LENGTH_TIERS`]) in an SQL index; `imip-store-fs` bounds its
//! month buckets by each set's longest period (see the crate docs).

use super::BusyPeriod;
use crate::Timestamp;
use std::collections::BTreeMap;

/// Upper bounds (seconds) of the length tiers; a last, open tier holds
/// longer periods. Stores may use the same tiers ([`length_tier`]).
pub const LENGTH_TIERS: [i64; 4] = [3_600, 86_400, 7 * 86_400, 62 * 86_400];
use LENGTH_TIERS as TIERS;

/// The tier of a period `length` seconds long: an index into
/// [`LENGTH_TIERS`], or `LENGTH_TIERS.len()` for the open tier.
pub fn length_tier(length: i64) -> usize {
    TIERS.iter().position(|&bound| length <= bound).unwrap_or(TIERS.len())
}

/// Key of one stored period: start, then a serial that keeps equal starts
/// apart.
type Key = (Timestamp, u64);

/// An interval index over one set of busy periods.
#[derive(Debug, Clone, Default)]
pub(crate) struct PeriodIndex {
    tiers: [BTreeMap<Key, BusyPeriod>; TIERS.len() + 1],
    by_uid: BTreeMap<String, Vec<(usize, Key)>>,
    serial: u64,
}

fn tier_of(period: &BusyPeriod) -> usize {
    length_tier(period.end.seconds().saturating_sub(period.start.seconds()))
}

impl PeriodIndex {
    /// An empty index.
    #[cfg(test)]
    pub(crate) fn new() -> PeriodIndex {
        PeriodIndex::default()
    }

    /// How many periods it holds.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.tiers.iter().map(BTreeMap::len).sum()
    }

    /// Whether it holds nothing.
    pub(crate) fn is_empty(&self) -> bool {
        self.tiers.iter().all(BTreeMap::is_empty)
    }

    /// Replaces every period of `uid` with `periods`.
    pub(crate) fn replace(&mut self, uid: &str, periods: Vec<BusyPeriod>) {
        for (tier, key) in self.by_uid.remove(uid).unwrap_or_default() {
            self.tiers[tier].remove(&key);
        }
        if periods.is_empty() {
            return;
        }
        let mut keys = Vec::with_capacity(periods.len());
        for period in periods {
            self.serial += 1;
            let tier = tier_of(&period);
            let key = (period.start, self.serial);
            self.tiers[tier].insert(key, period);
            keys.push((tier, key));
        }
        self.by_uid.insert(uid.to_string(), keys);
    }

    /// Calls `visit` for each period overlapping `[from, to)`, in no
    /// particular order.
    pub(crate) fn for_each_overlapping(
        &self,
        from: Timestamp,
        to: Timestamp,
        mut visit: impl FnMut(&BusyPeriod),
    ) {
        if from >= to {
            return;
        }
        for (tier, periods) in self.tiers.iter().enumerate() {
            let lower = match TIERS.get(tier) {
                Some(bound) => Timestamp::from_seconds(from.seconds().saturating_sub(*bound)),
                None => Timestamp::from_seconds(i64::MIN),
            };
            for period in periods.range((lower, 0)..(to, 0)).map(|(_, p)| p) {
                if period.overlaps(from, to) {
                    visit(period);
                }
            }
        }
    }

    /// The periods overlapping `[from, to)`, sorted.
    pub(crate) fn overlapping(&self, from: Timestamp, to: Timestamp) -> Vec<BusyPeriod> {
        let mut found = Vec::new();
        self.for_each_overlapping(from, to, |p| found.push(p.clone()));
        found.sort();
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::freebusy::FbType;
    use proptest::prelude::*;

    fn period(uid: &str, start: i64, length: i64) -> BusyPeriod {
        BusyPeriod {
            start: Timestamp::from_seconds(start),
            end: Timestamp::from_seconds(start + length),
            fbtype: FbType::Busy,
            uid: uid.into(),
            recurrence_id: None,
            summary: None,
            organizer: None,
            expires: None,
        }
    }

    proptest! {
        #[test]
        fn queries_agree_with_a_linear_scan(
            spans in prop::collection::vec((0i64..2_000_000, 0i64..8_000_000, 0usize..20), 0..200),
            windows in prop::collection::vec((0i64..10_000_000, 0i64..500_000), 1..20),
        ) {
            let mut index = PeriodIndex::new();
            let mut by_uid: BTreeMap<String, Vec<BusyPeriod>> = BTreeMap::new();
            for (start, length, uid) in spans {
                by_uid.entry(format!("u{uid}")).or_default().push(period(&format!("u{uid}"), start, length));
            }
            for (uid, periods) in &by_uid {
                index.replace(uid, periods.clone());
            }
            // Replace one UID, to exercise removal.
            if let Some((uid, _)) = by_uid.iter().next().map(|(u, p)| (u.clone(), p.clone())) {
                let shorter = vec![period(&uid, 5, 10)];
                index.replace(&uid, shorter.clone());
                by_uid.insert(uid, shorter);
            }
            let all: Vec<BusyPeriod> = by_uid.values().flatten().cloned().collect();
            prop_assert_eq!(index.len(), all.len());
            for (from, width) in windows {
                let (from, to) = (Timestamp::from_seconds(from), Timestamp::from_seconds(from + width));
                let mut expected: Vec<BusyPeriod> = all.iter().filter(|p| p.overlaps(from, to)).cloned().collect();
                expected.sort();
                prop_assert_eq!(index.overlapping(from, to), expected);
            }
        }
    }
}
