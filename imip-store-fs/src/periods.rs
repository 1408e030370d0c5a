//! Busy periods on disk: a month bucket per set (`months/YYYY-MM.tsv`),
//! the months each UID has periods in (`uids/<uid>`), and the longest
//! period ever stored (`max`), which bounds how far back a query reads.

use crate::{FsStore, Tx, corrupt, month_of, names, read_optional, text};
use imip_core::CalAddress;
use imip_core::StoreError;
use imip_core::backend::{BusyPeriod, PeriodUpdate};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

impl FsStore {
    pub(crate) fn read_bucket(&self, tx: Option<&Tx<'_>>, rel: &Path) -> Result<Vec<BusyPeriod>, StoreError> {
        let bytes = match tx {
            Some(tx) => tx.read(rel)?,
            None => read_optional(&self.root.join(rel))?,
        };
        let path = self.root.join(rel);
        let Some(bytes) = bytes else { return Ok(Vec::new()) };
        text(&path, bytes)?
            .lines()
            .map(|line| {
                BusyPeriod::from_line(line).ok_or_else(|| corrupt(&path, format!("bad period {line:?}")))
            })
            .collect()
    }

    pub(crate) fn stage_periods(
        &self,
        tx: &mut Tx<'_>,
        principal: &CalAddress,
        update: &PeriodUpdate,
    ) -> Result<(), StoreError> {
        let set_rel = Self::set_rel(principal, &update.set);
        let uid_rel = set_rel.join("uids").join(names::encode(&update.uid));
        let old_months: BTreeSet<String> = match tx.read(&uid_rel)? {
            Some(bytes) => text(&self.root.join(&uid_rel), bytes)?.lines().map(str::to_string).collect(),
            None => BTreeSet::new(),
        };
        let mut new_by_month: BTreeMap<String, Vec<BusyPeriod>> = BTreeMap::new();
        let mut longest = 0;
        for period in &update.periods {
            let month = month_of(period.start).ok_or_else(|| {
                StoreError::Invalid(format!("period start {} out of range", period.start.seconds()))
            })?;
            longest = longest.max(period.end.seconds().saturating_sub(period.start.seconds()));
            new_by_month.entry(month).or_default().push(period.clone());
        }
        let months: BTreeSet<String> =
            old_months.iter().cloned().chain(new_by_month.keys().cloned()).collect();
        for month in &months {
            let bucket_rel = set_rel.join("months").join(format!("{month}.tsv"));
            let mut bucket: Vec<BusyPeriod> = self
                .read_bucket(Some(tx), &bucket_rel)?
                .into_iter()
                .filter(|p| p.uid != update.uid)
                .collect();
            bucket.extend(new_by_month.get(month).cloned().unwrap_or_default());
            bucket.sort();
            if bucket.is_empty() {
                tx.delete(bucket_rel);
            } else {
                let lines: String = bucket.iter().map(|p| format!("{}\n", p.to_line())).collect();
                tx.write(bucket_rel, lines.into_bytes());
            }
        }
        if new_by_month.is_empty() {
            tx.delete(uid_rel);
        } else {
            let lines: String = new_by_month.keys().map(|m| format!("{m}\n")).collect();
            tx.write(uid_rel, lines.into_bytes());
        }
        let max_rel = set_rel.join("max");
        let stored_max = self.read_max(tx.read(&max_rel)?);
        let absent = tx.read(&max_rel)?.is_none();
        if longest > stored_max || (absent && !update.periods.is_empty()) {
            tx.write(max_rel, format!("{}\n", longest.max(stored_max)).into_bytes());
        }
        Ok(())
    }

    pub(crate) fn read_max(&self, bytes: Option<Vec<u8>>) -> i64 {
        // An unreadable max means "unknown": search every bucket.
        bytes
            .and_then(|b| String::from_utf8(b).ok())
            .map_or(Some(0), |t| t.trim().parse().ok())
            .unwrap_or(i64::MAX)
    }
}
