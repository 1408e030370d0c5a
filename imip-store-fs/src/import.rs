//! Import of an imip-agent file store, so its users can move over.
//!
//! imip-agent (the Python original; its file store) keeps, per user
//! directory named by the raw URI (`mailto:user@example.com`):
//! `objects/<UID>` and `recurrences/<UID>/<RECURRENCE-ID>` (a bare VEVENT
//! each), the same under `cancellations/`, `counters/objects/<UID>/<who>`
//! and `counters/recurrences/<UID>/<RID>/<who>`, `requests`
//! (`uid<TAB>rid<TAB>type`), `freebusy-other/<URI>` and `freebusy-offers`
//! (tab-separated periods: `start end uid transp rid summary organiser
//! [expires]`). Preferences live in a separate tree, `<URI>/<key>`.
//!
//! The import reads that tree and writes into any [`Store`]. Objects
//! become records (cancelled ones keep STATUS:CANCELLED, as imip keeps
//! them), counters and the request queue follow, others' free/busy and
//! offers are copied, and the free/busy the objects imply (the user's
//! own, and others' from their answers) is recomputed under `config`
//! with a horizon set at `now` (so the result checks clean); others'
//! periods recorded for an imported object are superseded by that. Nothing is written to the
//! source. Entries that cannot be read are skipped and reported.

use imip_core::freebusy::{
    BusyPeriod, Expansion, FbType, FreeBusyConfig, HORIZON_PREF, PeriodSet, PeriodUpdate, implied_updates,
};
use imip_core::{
    CalAddress, Commit, PendingKind, PendingRequest, Record, SchedulingObject, Store, StoreError, Timestamp,
};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Users imported.
    pub users: usize,
    /// Records written.
    pub records: usize,
    /// Periods copied (others' free/busy and offers).
    pub periods: usize,
    /// Preferences copied.
    pub preferences: usize,
    /// Entries skipped, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
}

fn names(dir: &Path) -> Vec<String> {
    let mut found: Vec<String> = fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    found.sort();
    found
}

fn address_of(uri: &str) -> Option<CalAddress> {
    CalAddress::parse(uri)
}

/// One user's objects being assembled: the UID's components as text.
#[derive(Default)]
struct Assembled {
    components: Vec<String>,
    counters: BTreeMap<CalAddress, Vec<String>>,
}

/// Reads a bare component (or a whole VCALENDAR) and returns its
/// component text, marked cancelled when `cancelled`.
fn component_text(path: &Path, cancelled: bool) -> Result<String, String> {
    let text = fs::read_to_string(path).map_err(|e| e.to_string())?;
    let text = text.replace("\r\n", "\n").replace('\n', "\r\n");
    let body = match (text.find("BEGIN:VEVENT"), text.rfind("END:VEVENT")) {
        (Some(start), Some(end)) if end > start => text[start..end + "END:VEVENT".len()].to_string(),
        _ => return Err("no VEVENT".into()),
    };
    if cancelled && !body.contains("\r\nSTATUS:CANCELLED\r\n") {
        let without: Vec<&str> = body.split("\r\n").filter(|l| !l.starts_with("STATUS:")).collect();
        let mut lines = without.join("\r\n");
        lines.insert_str(lines.len() - "END:VEVENT".len(), "STATUS:CANCELLED\r\n");
        return Ok(lines);
    }
    Ok(body)
}

fn calendar(components: &[String]) -> String {
    let mut out = String::from("BEGIN:VCALENDAR\r\nPRODID:-//imip//imip-agent import//EN\r\nVERSION:2.0\r\n");
    for component in components {
        out.push_str(component);
        out.push_str("\r\n");
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

/// Parses an imip-agent period line; transparent periods give `None`.
fn period_line(line: &str, with_expiry: bool) -> Option<Option<BusyPeriod>> {
    let fields: Vec<&str> = line.split('\t').collect();
    let field = |i: usize| fields.get(i).copied().filter(|s| !s.is_empty() && *s != "None");
    let start = Timestamp::parse_utc(field(0)?)?;
    let end = Timestamp::parse_utc(field(1)?)?;
    if field(3) == Some("TRANSPARENT") {
        return Some(None);
    }
    Some(Some(BusyPeriod {
        start,
        end: end.max(start),
        fbtype: FbType::Busy,
        uid: field(2).unwrap_or("").into(),
        recurrence_id: field(4).and_then(Timestamp::parse_utc),
        summary: field(5).map(Into::into),
        organizer: field(6).and_then(address_of),
        expires: if with_expiry { field(7).and_then(Timestamp::parse_utc) } else { None },
    }))
}

/// Imports the imip-agent store at `store_dir` (and its preferences at
/// `preferences_dir`, if given) into `target`. `now` stamps the imported
/// queue entries (imip-agent does not record when they were queued) and
/// sets each user's free/busy horizon.
pub fn import_imip_agent(
    store_dir: &Path,
    preferences_dir: Option<&Path>,
    target: &mut dyn Store,
    config: &FreeBusyConfig,
    now: Timestamp,
) -> Result<ImportReport, StoreError> {
    import_imip_agent_with_progress(store_dir, preferences_dir, target, config, now, &mut |_, _, _| {})
}

/// [`import_imip_agent`], calling `progress(users done, users, records)`
/// after each user (for a progress bar; the import does not depend on it).
pub fn import_imip_agent_with_progress(
    store_dir: &Path,
    preferences_dir: Option<&Path>,
    target: &mut dyn Store,
    config: &FreeBusyConfig,
    now: Timestamp,
    progress: &mut dyn FnMut(usize, usize, usize),
) -> Result<ImportReport, StoreError> {
    if !store_dir.is_dir() {
        return Err(StoreError::Invalid(format!("{} is not a directory", store_dir.display())));
    }
    let mut report = ImportReport::default();
    // Preferences first: the time zone shapes the free/busy computed below.
    if let Some(preferences) = preferences_dir {
        import_preferences(preferences, target, &mut report)?;
    }
    let users = names(store_dir);
    let total = users.len();
    for (done, user) in users.into_iter().enumerate() {
        progress(done, total, report.records);
        let Some(principal) = address_of(&user) else {
            report.skipped.push((store_dir.join(&user), "not a user URI".into()));
            continue;
        };
        report.users += 1;
        let horizon = config.horizon_at(now);
        target.set_pref(&principal, HORIZON_PREF, Some(&horizon.to_ical()))?;
        let expansion = config.expansion(&target.prefs(&principal)?, horizon);
        import_user(&store_dir.join(&user), &principal, target, now, &expansion, &mut report)?;
    }
    progress(total, total, report.records);
    Ok(report)
}

fn import_preferences(
    preferences: &Path,
    target: &mut dyn Store,
    report: &mut ImportReport,
) -> Result<(), StoreError> {
    for user in names(preferences) {
        let Some(principal) = address_of(&user) else { continue };
        for key in names(&preferences.join(&user)) {
            let path = preferences.join(&user).join(&key);
            match fs::read_to_string(&path) {
                Ok(value) if imip_core::backend::valid_pref_key(&key) => {
                    target.set_pref(&principal, &key, Some(value.trim_end_matches('\n')))?;
                    report.preferences += 1;
                }
                Ok(_) => report.skipped.push((path, "preference name not allowed".into())),
                Err(error) => report.skipped.push((path, error.to_string())),
            }
        }
    }
    Ok(())
}

fn import_user(
    dir: &Path,
    principal: &CalAddress,
    target: &mut dyn Store,
    now: Timestamp,
    expansion: &Expansion,
    report: &mut ImportReport,
) -> Result<(), StoreError> {
    let mut objects: BTreeMap<String, Assembled> = BTreeMap::new();
    let mut add = |report: &mut ImportReport, path: PathBuf, uid: &str, cancelled: bool| match component_text(
        &path, cancelled,
    ) {
        Ok(text) => objects.entry(uid.to_string()).or_default().components.push(text),
        Err(reason) => report.skipped.push((path, reason)),
    };
    for (base, cancelled) in [(dir.to_path_buf(), false), (dir.join("cancellations"), true)] {
        for uid in names(&base.join("objects")) {
            add(report, base.join("objects").join(&uid), &uid, cancelled);
        }
        for uid in names(&base.join("recurrences")) {
            for rid in names(&base.join("recurrences").join(&uid)) {
                add(report, base.join("recurrences").join(&uid).join(rid), &uid, cancelled);
            }
        }
    }
    let counters = dir.join("counters");
    let mut counter_files = Vec::new();
    for uid in names(&counters.join("objects")) {
        for who in names(&counters.join("objects").join(&uid)) {
            counter_files.push((uid.clone(), who.clone(), counters.join("objects").join(&uid).join(&who)));
        }
    }
    for uid in names(&counters.join("recurrences")) {
        for rid in names(&counters.join("recurrences").join(&uid)) {
            for who in names(&counters.join("recurrences").join(&uid).join(&rid)) {
                counter_files.push((
                    uid.clone(),
                    who.clone(),
                    counters.join("recurrences").join(&uid).join(&rid).join(&who),
                ));
            }
        }
    }
    for (uid, who, path) in counter_files {
        match (address_of(&who), component_text(&path, false)) {
            (Some(from), Ok(text)) => {
                objects.entry(uid).or_default().counters.entry(from).or_default().push(text)
            }
            (None, _) => report.skipped.push((path, "counter from an unknown address".into())),
            (_, Err(reason)) => report.skipped.push((path, reason)),
        }
    }
    let mut queue: BTreeMap<String, PendingKind> = BTreeMap::new();
    for line in fs::read_to_string(dir.join("requests")).unwrap_or_default().lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let Some(uid) = fields.first().filter(|u| !u.is_empty()) else { continue };
        let is_counter = fields.get(2).is_some_and(|t| t.eq_ignore_ascii_case("COUNTER"));
        let from = objects.get(*uid).and_then(|o| o.counters.keys().next().cloned());
        let kind = match (is_counter, from) {
            (true, Some(from)) => PendingKind::Counter { from },
            _ => PendingKind::Invitation,
        };
        queue.insert(uid.to_string(), kind);
    }
    let mut imported = std::collections::BTreeSet::new();
    for (uid, assembled) in objects {
        let path = dir.join("objects").join(&uid);
        let object = if assembled.components.is_empty() {
            None
        } else {
            match SchedulingObject::parse(&calendar(&assembled.components)) {
                Ok(object) if object.uid() == uid => Some(object),
                Ok(object) => {
                    report.skipped.push((path, format!("file name and UID {:?} differ", object.uid())));
                    continue;
                }
                Err(error) => {
                    report.skipped.push((path, error.to_string()));
                    continue;
                }
            }
        };
        let mut record = Record { object, ..Record::default() };
        for (from, components) in assembled.counters {
            match SchedulingObject::parse(&calendar(&components)) {
                Ok(counter) => {
                    record.counters.insert(from, counter);
                }
                Err(error) => report.skipped.push((dir.join("counters").join(&uid), error.to_string())),
            }
        }
        record.pending = queue.remove(&uid).map(|kind| PendingRequest { kind, queued_at: now });
        let periods = implied_updates(principal, &uid, None, record.object.as_ref(), expansion);
        let expected = target.load(principal, &uid)?.version;
        target.commit(Commit {
            principal: principal.clone(),
            uid: uid.clone(),
            expected,
            record,
            periods,
            outbox: Vec::new(),
            guards: Vec::new(),
            prefs: Vec::new(),
        })?;
        imported.insert(uid);
        report.records += 1;
    }
    let mut sets: Vec<(PeriodSet, PathBuf, bool)> = names(&dir.join("freebusy-other"))
        .into_iter()
        .filter_map(|who| {
            Some((PeriodSet::Other(address_of(&who)?), dir.join("freebusy-other").join(who), false))
        })
        .collect();
    sets.push((PeriodSet::Offers, dir.join("freebusy-offers"), true));
    for (set, path, with_expiry) in sets {
        let Ok(content) = fs::read_to_string(&path) else { continue };
        let mut by_uid: BTreeMap<String, Vec<BusyPeriod>> = BTreeMap::new();
        for line in content.lines().filter(|l| !l.trim().is_empty()) {
            match period_line(line, with_expiry) {
                Some(Some(period)) => by_uid.entry(period.uid.to_string()).or_default().push(period),
                Some(None) => {}
                None => report.skipped.push((path.clone(), format!("unreadable period {line:?}"))),
            }
        }
        for (uid, mut periods) in by_uid {
            if imported.contains(&uid) && set != PeriodSet::Offers {
                continue;
            }
            periods.sort();
            report.periods += periods.len();
            let loaded = target.load(principal, &uid)?;
            target.commit(Commit {
                principal: principal.clone(),
                uid: uid.clone(),
                expected: loaded.version,
                record: loaded.value,
                periods: vec![PeriodUpdate { set: set.clone(), uid, periods }],
                outbox: Vec::new(),
                guards: Vec::new(),
                prefs: Vec::new(),
            })?;
        }
    }
    Ok(())
}
