//! Keeping a store healthy: `outbox`, `maintain`, `store`.

use super::address;
use crate::exit::{EX_DATAERR, EX_TEMPFAIL, Failure};
use crate::session::{Access, Session, open_store};
use imip_core::drive::{expire_offers, extend_horizon, flush_outbox};
use imip_core::{CalAddress, Store};
use std::path::Path;

/// `imip outbox flush`: 75 when mail is still waiting, so a cron job
/// or an MTA-driven retry sees it; 69 when the transport refused some for
/// good (kept as undeliverable).
pub(crate) fn flush(session: &mut Session) -> Result<(), Failure> {
    let mut store = session.open_store()?;
    let flushed = send_waiting(session, store.as_mut())?;
    crate::emit(&format!(
        "sent {}, waiting {}, undeliverable {}\n",
        flushed.sent,
        flushed.left,
        flushed.undeliverable.len()
    ))?;
    session.print_dry_run()?;
    if flushed.left > 0 {
        let reason = flushed.last_error.map(|e| e.to_string()).unwrap_or_default();
        return Err(Failure::new(EX_TEMPFAIL, format!("{} mail(s) still wait: {reason}", flushed.left)));
    }
    match Failure::undeliverable("outbox", &flushed.undeliverable) {
        Some(failure) => Err(failure),
        None => Ok(()),
    }
}

fn send_waiting(session: &mut Session, store: &mut dyn Store) -> Result<imip_core::drive::Flush, Failure> {
    let mut transport = session.transport();
    let sink: &mut dyn imip_core::Transport =
        if session.dry_run { &mut session.recorded } else { transport.as_mut() };
    flush_outbox(store, sink, session.now).map_err(|e| Failure::store("outbox", &e))
}

/// `imip outbox list`.
pub(crate) fn list(session: &Session) -> Result<(), Failure> {
    let store = session.open_existing_store()?;
    let mut text = String::new();
    for (id, mail) in store.outbox().map_err(|e| Failure::store("outbox", &e))? {
        let to: Vec<&str> = mail.recipients.iter().map(|r| r.as_str()).collect();
        let state = match &mail.undeliverable {
            Some(reason) => format!("undeliverable: {reason}"),
            None => "waiting".to_string(),
        };
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{state}\n",
            id.0,
            mail.message_id,
            mail.envelope_from,
            to.join(",")
        ));
    }
    crate::emit(&text)
}

/// `imip outbox remove ID`: 64 for an id the outbox does not hold.
pub(crate) fn remove(session: &Session, id: &str) -> Result<(), Failure> {
    let mut store = session.open_store()?;
    let held = store.outbox().map_err(|e| Failure::store("outbox", &e))?;
    if !held.iter().any(|(held, _)| held.0 == id) {
        return Err(Failure::new(
            crate::exit::EX_USAGE,
            format!("the outbox holds no mail {id:?} (see `imip outbox list`)"),
        ));
    }
    let id = imip_core::backend::OutboxId(id.to_string());
    store.remove_from_outbox(&id).map_err(|e| Failure::store("outbox", &e))?;
    crate::emit(&format!("removed {}\n", id.0))
}

/// `imip maintain`: horizons, offers, outbox, for one user or all.
pub(crate) fn maintain(session: &mut Session, user: Option<&str>) -> Result<(), Failure> {
    let mut store = session.open_store()?;
    let users: Vec<CalAddress> = match user {
        Some(user) => vec![address(user)?],
        None => store.principals().map_err(|e| Failure::store("store", &e))?,
    };
    let (mut expanded, mut expired) = (0, 0);
    for user in &users {
        let (_, count) = extend_horizon(&session.engine, store.as_mut(), user, session.now)
            .map_err(|e| Failure::drive(user.as_str(), &e))?;
        expanded += count;
        expired += expire_offers(store.as_mut(), user, session.now)
            .map_err(|e| Failure::drive(user.as_str(), &e))?;
    }
    let flushed = send_waiting(session, store.as_mut())?;
    tracing::info!(
        users = users.len(),
        expanded,
        expired,
        sent = flushed.sent,
        waiting = flushed.left,
        "maintained"
    );
    crate::emit(&format!(
        "{} user(s): {expanded} series re-expanded, {expired} offer(s) expired, {} mail(s) sent, {} waiting, \
         {} undeliverable\n",
        users.len(),
        flushed.sent,
        flushed.left,
        flushed.undeliverable.len()
    ))?;
    session.print_dry_run()?;
    match Failure::undeliverable("outbox", &flushed.undeliverable) {
        Some(failure) => Err(failure),
        None => Ok(()),
    }
}

/// `imip store check`: exit 65 with the problems listed when unclean.
pub(crate) fn check(session: &Session) -> Result<(), Failure> {
    let store = session.open_existing_store()?;
    let mut problems: Vec<String> = Vec::new();
    if let Some(("fs", dir)) = session.settings.store.split_once(':') {
        let fs =
            imip_store_fs::FsStore::open(dir, Default::default()).map_err(|e| Failure::store(dir, &e))?;
        problems.extend(fs.check_files().map_err(|e| Failure::store(dir, &e))?.iter().map(|p| p.to_string()));
    }
    let report = imip_core::admin::check(store.as_ref(), &session.engine.config().freebusy, session.now)
        .map_err(|e| Failure::store("store", &e))?;
    problems.extend(report.problems.iter().map(|p| p.to_string()));
    let mut text = format!("{} principal(s), {} record(s)\n", report.principals, report.records);
    for problem in &problems {
        text.push_str(&format!("problem: {problem}\n"));
    }
    crate::emit(&text)?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::new(
            EX_DATAERR,
            format!("{} problem(s); `imip store repair` fixes free/busy", problems.len()),
        ))
    }
}

/// `imip store repair`: rebuilds what it can (free/busy from the
/// objects; with the fs store, damaged state files from what survives
/// beside them) and exits 65 when it leaves something unrepaired.
pub(crate) fn repair(session: &Session) -> Result<(), Failure> {
    let mut store = session.open_existing_store()?;
    let mut text = String::new();
    let mut left: Vec<String> = Vec::new();
    if let Some(("fs", dir)) = session.settings.store.split_once(':') {
        let fs =
            imip_store_fs::FsStore::open(dir, Default::default()).map_err(|e| Failure::store(dir, &e))?;
        let (rebuilt, unrepaired) = fs.rebuild_damaged_states().map_err(|e| Failure::store(dir, &e))?;
        for record in &rebuilt {
            text.push_str(&format!(
                "rebuilt the state of {record} from its object (version restarts at 1)\n"
            ));
        }
        left.extend(unrepaired.iter().map(|p| p.to_string()));
    }
    let report = imip_core::admin::repair(store.as_mut(), &session.engine.config().freebusy, session.now)
        .map_err(|e| Failure::store("store", &e))?;
    text.push_str(&format!(
        "recomputed {} object(s), dropped {} orphaned period group(s)\n",
        report.recomputed, report.dropped
    ));
    left.extend(report.remaining.iter().map(|p| p.to_string()));
    left.sort();
    left.dedup();
    for problem in &left {
        text.push_str(&format!("left for you: {problem}\n"));
    }
    crate::emit(&text)?;
    if left.is_empty() {
        Ok(())
    } else {
        Err(Failure::new(EX_DATAERR, format!("{} problem(s) left unrepaired", left.len())))
    }
}

/// `imip store copy --to SPEC`: between any two of fs, SQLite and
/// PostgreSQL, with a progress bar on a terminal and a summary at the end.
pub(crate) fn copy(session: &Session, to: &str) -> Result<(), Failure> {
    let from = session.open_existing_store()?;
    let mut target = open_store(to, &session.settings.postgres, Access::Create)?;
    let shown = imip_store_postgres::redact(to);
    let bar = progress_bar("principals");
    let records = imip_core::admin::copy_with_progress(from.as_ref(), target.as_mut(), &mut |step| {
        if let Some(bar) = &bar {
            bar.set_length(step.principals as u64);
            bar.set_position(step.principals_done as u64);
            bar.set_message(format!("{} record(s)", step.records));
        }
    })
    .map_err(|e| Failure::store(&shown, &e))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let principals = target.principals().map_err(|e| Failure::store(&shown, &e))?.len();
    let waiting = target.outbox().map_err(|e| Failure::store(&shown, &e))?.len();
    crate::emit(&format!(
        "copied {records} record(s) of {principals} principal(s), and {waiting} waiting mail(s), to {shown}\n"
    ))
}

/// A progress bar on standard error when it is a terminal; nothing
/// otherwise (cron jobs and pipes stay quiet).
pub(crate) fn progress_bar(unit: &str) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    let style =
        indicatif::ProgressStyle::with_template(&format!("{{bar:40}} {{pos}}/{{len}} {unit} {{msg}}"))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

/// `imip store import-imip-agent DIR`: DIR/store (or DIR itself) and
/// DIR/preferences.
pub(crate) fn import(session: &Session, dir: &Path) -> Result<(), Failure> {
    let store_dir = if dir.join("store").is_dir() { dir.join("store") } else { dir.to_path_buf() };
    let preferences = dir.join("preferences");
    let mut target = session.open_store()?;
    // A bar on a terminal, quiet otherwise; the summary below either way.
    let bar = progress_bar("users");
    let report = imip_store_fs::import::import_imip_agent_with_progress(
        &store_dir,
        preferences.is_dir().then_some(preferences.as_path()),
        target.as_mut(),
        &session.engine.config().freebusy,
        session.now,
        &mut |done, total, records| {
            if let Some(bar) = &bar {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
                bar.set_message(format!("{records} record(s)"));
            }
        },
    )
    .map_err(|e| Failure::store(&dir.display().to_string(), &e))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let mut text = format!(
        "imported {} user(s), {} record(s), {} period(s), {} preference(s)\n",
        report.users, report.records, report.periods, report.preferences
    );
    for (path, reason) in &report.skipped {
        text.push_str(&format!("skipped {}: {reason}\n", path.display()));
    }
    crate::emit(&text)
}
