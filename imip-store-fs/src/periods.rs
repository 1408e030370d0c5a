//! Busy periods on disk: a month bucket per set (`months/YYYY-MM.tsv`),
//! the months each UID has periods in (`uids/<uid>`), and the longest
//! period ever stored (`max`), which bounds how far back a query reads.
//!
//! A bucket is a log a person can read: each line is a period
//! ([`BusyPeriod::to_line`]) or a removal, `-<TAB><uid><TAB><n>`, which
//! says that the `n` periods of `<uid>` above it are gone. A commit adds
//! at the end of the buckets it touches (the UID's removal, then its new
//! periods) instead of rewriting them, and rewrites a bucket whole only
//! when removed lines would outnumber live ones, so a bucket stays at
//! most about twice its live size and a commit costs what it changes.
//! A bucket of layout 1 (periods only) is a bucket of this layout.
//!
//! `uids/<uid>` holds `YYYY-MM<TAB><n>` per month, the number of periods
//! the UID has there (layout 1 wrote the month alone: its bucket is
//! rewritten whole the first time that UID changes).

use crate::state::{escape, unescape};
use crate::tx::Tx;
use crate::{FsStore, corrupt, month_of, names, read_optional, text};
use imip_core::CalAddress;
use imip_core::StoreError;
use imip_core::backend::{BusyPeriod, PeriodUpdate};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// How many periods a UID has in a month, if the `uids` file says.
type MonthCounts = BTreeMap<String, Option<usize>>;

impl FsStore {
    /// The live periods of a bucket, sorted.
    pub(crate) fn read_bucket(&self, tx: Option<&Tx<'_>>, rel: &Path) -> Result<Vec<BusyPeriod>, StoreError> {
        let bytes = match tx {
            Some(tx) => tx.read(rel)?,
            None => read_optional(&self.root.join(rel))?,
        };
        bytes.map_or(Ok(Vec::new()), |bytes| self.parse_bucket(rel, bytes))
    }

    /// The live periods of the bucket `rel` holding `bytes`.
    fn parse_bucket(&self, rel: &Path, bytes: Vec<u8>) -> Result<Vec<BusyPeriod>, StoreError> {
        let path = self.root.join(rel);
        live_periods(&text(&path, bytes)?).map_err(|line| corrupt(&path, format!("bad period {line:?}")))
    }

    pub(crate) fn stage_periods(
        &self,
        tx: &mut Tx<'_>,
        principal: &CalAddress,
        update: &PeriodUpdate,
    ) -> Result<(), StoreError> {
        let set_rel = Self::set_rel(principal, &update.set);
        let uid_rel = set_rel.join("uids").join(names::encode(&update.uid));
        let old_months: MonthCounts = match tx.read(&uid_rel)? {
            Some(bytes) => month_counts(&text(&self.root.join(&uid_rel), bytes)?),
            None => MonthCounts::new(),
        };
        let mut new_by_month: BTreeMap<String, Vec<&BusyPeriod>> = BTreeMap::new();
        let mut longest = 0;
        for period in &update.periods {
            let month = month_of(period.start).ok_or_else(|| {
                StoreError::Invalid(format!("period start {} out of range", period.start.seconds()))
            })?;
            longest = longest.max(period.end.seconds().saturating_sub(period.start.seconds()));
            new_by_month.entry(month).or_default().push(period);
        }
        let months: BTreeSet<&String> = old_months.keys().chain(new_by_month.keys()).collect();
        for month in months {
            let bucket_rel = set_rel.join("months").join(format!("{month}.tsv"));
            let mut added = new_by_month.get(month).cloned().unwrap_or_default();
            added.sort();
            let lines: String = added.iter().map(|p| format!("{}\n", p.to_line())).collect();
            let removal = match old_months.get(month) {
                // New to this month: its periods go at the end.
                None => {
                    tx.append(bucket_rel, lines.as_bytes())?;
                    continue;
                }
                Some(count) => *count,
            };
            let bytes = tx.read(&bucket_rel)?.unwrap_or_default();
            let stats = BucketStats::of(&bytes);
            // Removed lines would not outnumber live ones after a removal
            // line and the new periods are appended.
            let appendable = removal.filter(|removed| {
                let dead = stats.dead + 1 + removed;
                let live = (stats.lines - stats.dead).saturating_sub(*removed) + added.len();
                live > 0 && dead <= live
            });
            match appendable {
                Some(removed) => {
                    let mut data = format!("-\t{}\t{removed}\n", escape(&update.uid));
                    data.push_str(&lines);
                    tx.append(bucket_rel, data.as_bytes())?;
                }
                // Otherwise (or when the count is unknown) the bucket is
                // rewritten with its live periods only.
                None => {
                    let mut bucket: Vec<BusyPeriod> = self
                        .parse_bucket(&bucket_rel, bytes)?
                        .into_iter()
                        .filter(|p| *p.uid != *update.uid)
                        .collect();
                    bucket.extend(added.into_iter().cloned());
                    bucket.sort();
                    if bucket.is_empty() {
                        tx.delete(bucket_rel);
                    } else {
                        let lines: String = bucket.iter().map(|p| format!("{}\n", p.to_line())).collect();
                        tx.write(bucket_rel, lines.into_bytes());
                    }
                }
            }
        }
        if new_by_month.is_empty() {
            tx.delete(uid_rel);
        } else {
            let lines: String = new_by_month.iter().map(|(m, p)| format!("{m}\t{}\n", p.len())).collect();
            tx.write(uid_rel, lines.into_bytes());
        }
        let max_rel = set_rel.join("max");
        let stored = tx.read(&max_rel)?;
        let absent = stored.is_none();
        let stored_max = self.read_max(stored);
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

/// A `uids/<uid>` file: each month, with its count when written.
fn month_counts(text: &str) -> MonthCounts {
    text.lines()
        .filter(|line| !line.is_empty())
        .map(|line| match line.split_once('\t') {
            Some((month, count)) => (month.to_string(), count.parse().ok()),
            None => (line.to_string(), None),
        })
        .collect()
}

/// The live periods of a bucket's text, sorted; the bad line otherwise.
/// Read from the end, so a removal drops exactly the lines above it.
fn live_periods(text: &str) -> Result<Vec<BusyPeriod>, String> {
    let mut removed: BTreeSet<String> = BTreeSet::new();
    let mut live = Vec::new();
    for line in text.lines().rev() {
        if let Some(removal) = line.strip_prefix("-\t") {
            let uid = removal.split('\t').next().and_then(unescape).ok_or_else(|| line.to_string())?;
            removed.insert(uid);
            continue;
        }
        let period = BusyPeriod::from_line(line).ok_or_else(|| line.to_string())?;
        if removed.is_empty() || !removed.contains(&*period.uid) {
            live.push(period);
        }
    }
    live.sort();
    Ok(live)
}

/// What a bucket holds, counted without reading its periods: lines, and
/// lines that are removals or removed.
#[derive(Debug, Default, PartialEq, Eq)]
struct BucketStats {
    lines: usize,
    dead: usize,
}

impl BucketStats {
    fn of(bytes: &[u8]) -> BucketStats {
        let mut stats = BucketStats::default();
        for line in bytes.split(|&b| b == b'\n').filter(|line| !line.is_empty()) {
            stats.lines += 1;
            if let Some(removal) = line.strip_prefix(b"-\t") {
                let count = removal.rsplit(|&b| b == b'\t').next().unwrap_or_default();
                let count: usize = std::str::from_utf8(count).ok().and_then(|c| c.parse().ok()).unwrap_or(0);
                stats.dead += 1 + count;
            }
        }
        stats.dead = stats.dead.min(stats.lines);
        stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use imip_core::Timestamp;
    use imip_core::freebusy::FbType;

    fn period(uid: &str, hour: i64) -> BusyPeriod {
        let start = Timestamp::from_seconds(1_735_689_600 + hour * 3600);
        BusyPeriod::new(uid, start, Timestamp::from_seconds(start.seconds() + 1800), FbType::Busy)
    }

    #[test]
    fn a_removal_drops_the_periods_above_it_and_not_those_after() {
        let text = format!(
            "{}\n{}\n-\ta\t1\n{}\n",
            period("a", 1).to_line(),
            period("b", 2).to_line(),
            period("a", 3).to_line()
        );
        assert_eq!(live_periods(&text), Ok(vec![period("b", 2), period("a", 3)]));
        assert_eq!(BucketStats::of(text.as_bytes()), BucketStats { lines: 4, dead: 2 });
        // A UID with a tab or a percent sign in it is removed as written.
        let odd = "x\t%y";
        let text = format!("{}\n-\t{}\t1\n", period(odd, 1).to_line(), escape(odd));
        assert_eq!(live_periods(&text), Ok(vec![]));
        assert_eq!(live_periods("-\t%zz\t1\n"), Err("-\t%zz\t1".to_string()));
    }

    #[test]
    fn a_uids_file_of_either_layout_reads() {
        let counts = month_counts("2030-01\t3\n2030-02\n");
        assert_eq!(counts.get("2030-01"), Some(&Some(3)));
        assert_eq!(counts.get("2030-02"), Some(&None));
    }
}
