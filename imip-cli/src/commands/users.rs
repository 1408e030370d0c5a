//! Users and their decisions: `init-user`, `prefs`, `pending`,
//! `approve`, `decline`, `freebusy`.

use super::{address, resolve_uid};
use crate::exit::{EX_USAGE, Failure};
use crate::session::Session;
use imip_core::drive::run_once;
use imip_core::freebusy::{FreeBusyMessage, SHARING_PREF, busy_time};
use imip_core::{CalAddress, Env, Input, LocalAction, Method, PartStat, PendingKind, Store, Timestamp};
use std::path::PathBuf;

/// `imip init-user`: writes the default preferences the user lacks.
pub(crate) fn init_user(session: &Session, user: &str, resource: bool) -> Result<(), Failure> {
    let user = address(user)?;
    let mut store = session.open_store()?;
    let own = store.prefs(&user).map_err(|e| Failure::store(user.as_str(), &e))?;
    let mut defaults = session.settings.prefs.clone();
    if resource {
        defaults.entry(SHARING_PREF.to_string()).or_insert_with(|| "share".to_string());
    }
    let mut written = 0;
    for (key, value) in &defaults {
        if !own.contains_key(key) {
            store.set_pref(&user, key, Some(value)).map_err(|e| Failure::store(user.as_str(), &e))?;
            written += 1;
        }
    }
    // The horizon makes the user known to the store even without other
    // preferences, and fixes their expansion window from today.
    imip_core::drive::extend_horizon(&session.engine, store.as_mut(), &user, session.now)
        .map_err(|e| Failure::drive(user.as_str(), &e))?;
    if resource && session.engine.config().resources.resource(&user).is_none() {
        eprintln!(
            "imip: note: {user} is not in the resource directory yet; add it there to give it policies"
        );
    }
    crate::emit(&format!("{user}: ready ({written} preference(s) set)\n"))
}

/// `imip prefs get`.
pub(crate) fn prefs_get(session: &Session, user: &str, key: &str) -> Result<(), Failure> {
    let user = address(user)?;
    let store = session.open_existing_store()?;
    let own = store.prefs(&user).map_err(|e| Failure::store(user.as_str(), &e))?;
    match session.settings.pref(&own, key) {
        Some(value) => crate::emit(&format!("{value}\n")),
        None => Err(Failure::new(1, format!("{user} has no preference {key:?}"))),
    }
}

/// `imip prefs set` and `unset`: each key has one parser
/// ([`imip_core::prefs`]); an unknown key is a usage error (64), a bad
/// value bad data (65). A change of zone recomputes the user's stored
/// free/busy in the same commit.
pub(crate) fn prefs_set(
    session: &Session,
    user: &str,
    key: &str,
    value: Option<&str>,
) -> Result<(), Failure> {
    let user = address(user)?;
    let refuse = |error: imip_core::prefs::PrefError| {
        let code = if error.is_about_the_key() { EX_USAGE } else { crate::exit::EX_DATAERR };
        Failure::new(code, error.to_string())
    };
    let change = match value {
        Some(value) => {
            let (key, value) = imip_core::prefs::check(key, value).map_err(refuse)?;
            (key.name().to_string(), Some(value))
        }
        None => {
            if imip_core::prefs::is_engine_state(key) {
                return Err(refuse(imip_core::prefs::PrefError::EngineState(key.to_string())));
            }
            // A key no longer known may still be removed.
            if imip_core::prefs::PrefKey::parse(key).is_none() && !imip_core::backend::valid_pref_key(key) {
                return Err(Failure::new(EX_USAGE, format!("{key:?} is not a preference name")));
            }
            (key.to_string(), None)
        }
    };
    let mut store = session.open_store()?;
    imip_core::drive::change_prefs(&session.engine, store.as_mut(), &user, &[change], session.now)
        .map(drop)
        .map_err(|e| Failure::drive(user.as_str(), &e))
}

/// `imip prefs list`: the user's own, then defaults they do not override.
pub(crate) fn prefs_list(session: &Session, user: &str) -> Result<(), Failure> {
    let user = address(user)?;
    let store = session.open_existing_store()?;
    let own = store.prefs(&user).map_err(|e| Failure::store(user.as_str(), &e))?;
    let mut text = String::new();
    for (key, value) in own.iter().filter(|(k, _)| !imip_core::prefs::is_engine_state(k)) {
        text.push_str(&format!("{key} = {value}\n"));
    }
    for (key, value) in session.settings.prefs.iter().filter(|(k, _)| !own.contains_key(*k)) {
        text.push_str(&format!("{key} = {value} (default)\n"));
    }
    crate::emit(&text)
}

/// `imip prefs hours`: the working hours in their short form
/// ([`imip_core::freebusy::WorkingHours`]), printed or set. An availability that says more
/// than working hours is printed as such, never rewritten unasked; a bad
/// form is bad data (65), an unknown zone too.
pub(crate) fn prefs_hours(
    session: &mut Session,
    user: &str,
    hours: Option<&str>,
    zone: Option<&str>,
) -> Result<(), Failure> {
    use imip_core::freebusy::{AVAILABILITY_PREF, WorkingHours};
    use imip_core::prefs::PrefKey;
    let user = address(user)?;
    let mut store = if hours.is_some() { session.open_store()? } else { session.open_existing_store()? };
    let own = store.prefs(&user).map_err(|e| Failure::store(user.as_str(), &e))?;
    let Some(hours) = hours else {
        let text = match session.settings.pref(&own, AVAILABILITY_PREF) {
            None => "none (available at any time)".to_string(),
            Some(text) => match WorkingHours::read(text) {
                Some(hours) => format!("{hours} ({})", hours.zone.name()),
                None => format!("not working hours alone; see `imip prefs get {user} {AVAILABILITY_PREF}`"),
            },
        };
        return crate::emit(&format!("{text}\n"));
    };
    let zone_name = zone.or_else(|| session.settings.pref(&own, PrefKey::Zone.name())).unwrap_or("UTC");
    let zone = imip_core::prefs::parse_zone(zone_name)
        .ok_or_else(|| Failure::new(crate::exit::EX_DATAERR, format!("{zone_name:?} is not a time zone")))?;
    let hours = WorkingHours::parse_spec(hours, zone)
        .map_err(|e| Failure::new(crate::exit::EX_DATAERR, format!("working hours: {e}")))?;
    let text = (!hours.is_empty()).then(|| hours.to_ics(&session.message_id(user.domain()), session.now));
    let change = (AVAILABILITY_PREF.to_string(), text);
    imip_core::drive::change_prefs(&session.engine, store.as_mut(), &user, &[change], session.now)
        .map_err(|e| Failure::drive(user.as_str(), &e))?;
    let said = if hours.is_empty() {
        "none (available at any time)".to_string()
    } else {
        format!("{hours} ({})", zone.name())
    };
    crate::emit(&format!("{user}: working hours {said}\n"))
}

/// `imip pending`: one line per queued decision: the handle other
/// commands take for the UID, the user, what waits, when the event is
/// (in the user's zone), its title, and the UID.
pub(crate) fn pending(session: &Session, user: Option<&str>) -> Result<(), Failure> {
    let store = session.open_existing_store()?;
    let users = match user {
        Some(user) => vec![address(user)?],
        None => store.principals().map_err(|e| Failure::store("store", &e))?,
    };
    let mut text = String::new();
    for user in users {
        let prefs = store.prefs(&user).map_err(|e| Failure::store(user.as_str(), &e))?;
        let zone = session
            .settings
            .pref(&prefs, imip_core::prefs::PrefKey::Zone.name())
            .and_then(imip_core::prefs::parse_zone)
            .unwrap_or(chrono_tz::UTC);
        for (uid, request) in store.pending(&user).map_err(|e| Failure::store(user.as_str(), &e))? {
            // "an invitation to answer" → "invitation to answer"
            let kind = request.kind.to_string();
            let what = kind.strip_prefix("an ").or_else(|| kind.strip_prefix("a ")).unwrap_or(&kind);
            let object = store.load(&user, &uid).ok().and_then(|r| r.value.object);
            let title = object.as_ref().map(|o| o.title()).unwrap_or_default();
            let when = object.as_ref().and_then(|o| o.first_span()).map_or_else(String::new, |(start, _)| {
                start.to_chrono().with_timezone(&zone).format("%Y-%m-%d %H:%M %Z").to_string()
            });
            text.push_str(&format!(
                "{}\t{user}\t{what}\t{when}\t{title}\t{uid}\n",
                imip_core::handle::handle(&uid)
            ));
        }
    }
    crate::emit(&text)
}

/// `imip approve` and `imip decline`: acts on what is queued for `uid`.
pub(crate) fn decide(
    session: &mut Session,
    principal: &str,
    uid: &str,
    from: Option<&str>,
    approve: bool,
    comment: Option<String>,
) -> Result<(), Failure> {
    let principal = address(principal)?;
    let mut store = session.open_store()?;
    let uid = &resolve_uid(store.as_ref(), &principal, uid)?;
    let record = store.load(&principal, uid).map_err(|e| Failure::store(principal.as_str(), &e))?.value;
    let from: Option<CalAddress> = from.map(address).transpose()?;
    // A counter-proposal, or a reply from someone not invited, is
    // approved or declined by its sender's address.
    let countering = from.clone().or_else(|| match &record.pending {
        Some(p) => match &p.kind {
            PendingKind::Counter { from } | PendingKind::UninvitedReply { from } => Some(from.clone()),
            _ => None,
        },
        None => None,
    });
    let action = match (&record.pending.as_ref().map(|p| &p.kind), countering) {
        (_, Some(from)) if approve => LocalAction::AcceptCounter { uid: uid.to_string(), from },
        (_, Some(from)) => LocalAction::DeclineCounter { uid: uid.to_string(), from, comment },
        (Some(PendingKind::Approval), None) if approve => LocalAction::Approve { uid: uid.to_string() },
        (Some(_), None) | (None, None) => LocalAction::Respond {
            uid: uid.to_string(),
            instance: None,
            partstat: if approve { PartStat::Accepted } else { PartStat::Declined },
            comment,
        },
    };
    if record.object.is_none() {
        return Err(Failure::new(EX_USAGE, format!("{principal} holds nothing with UID {uid}")));
    }
    act(session, store.as_mut(), &principal, uid, action)
}

/// `imip refresh` (RFC 5546 §3.2.6: ask the organizer for the latest
/// version) and `imip delegate` (§3.2.2.3: hand one's participation to
/// someone else), for an event the user holds.
pub(crate) fn ask(
    session: &mut Session,
    principal: &str,
    uid: &str,
    delegate: Option<(&str, Option<String>)>,
) -> Result<(), Failure> {
    let principal = address(principal)?;
    let mut store = session.open_store()?;
    let uid = &resolve_uid(store.as_ref(), &principal, uid)?;
    let record = store.load(&principal, uid).map_err(|e| Failure::store(principal.as_str(), &e))?.value;
    if record.object.is_none() {
        return Err(Failure::new(EX_USAGE, format!("{principal} holds nothing with UID {uid}")));
    }
    let action = match delegate {
        Some((to, comment)) => LocalAction::Delegate { uid: uid.to_string(), to: address(to)?, comment },
        None => LocalAction::Refresh { uid: uid.to_string() },
    };
    act(session, store.as_mut(), &principal, uid, action)
}

/// Runs a local action through the engine, and says what came of it.
pub(crate) fn act(
    session: &mut Session,
    store: &mut dyn imip_core::Store,
    principal: &CalAddress,
    uid: &str,
    action: LocalAction,
) -> Result<(), Failure> {
    let mut transport = session.transport();
    let sink: &mut dyn imip_core::Transport =
        if session.dry_run { &mut session.recorded } else { transport.as_mut() };
    let mut env = Env::new(session.now, &mut session.ids);
    let input = Input::Local { principal: principal.clone(), action };
    let report = run_once(&session.engine, &mut env, store, sink, &input)
        .map_err(|e| Failure::drive(principal.as_str(), &e))?;
    tracing::info!(principal = %principal, uid, outcome = %report.outcome.disposition, "local action");
    if report.is_refused() {
        return Err(Failure::new(EX_USAGE, format!("{principal}: {}", report.outcome.disposition)));
    }
    crate::emit(&format!("{principal}: {}\n", report.outcome.disposition))?;
    if report.unsent > 0 {
        eprintln!("imip: {} mail(s) wait in the outbox (see `transport` in imip.toml)", report.unsent);
    }
    session.print_dry_run()?;
    match Failure::undeliverable(principal.as_str(), &report.undeliverable) {
        Some(failure) => Err(failure),
        None => Ok(()),
    }
}

/// `imip freebusy --user`: the VFREEBUSY over a window.
pub(crate) fn show(
    session: &Session,
    user: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(), Failure> {
    let user = address(user)?;
    let parse = |text: &str| {
        Timestamp::parse_utc(text)
            .ok_or_else(|| Failure::new(EX_USAGE, format!("{text:?}: give a UTC time like 20260301T000000Z")))
    };
    let start = from.map(parse).transpose()?.unwrap_or(session.now);
    let end = to.map(parse).transpose()?.unwrap_or(Timestamp::from_seconds(start.seconds() + 90 * 86_400));
    let store = session.open_existing_store()?;
    crate::emit(&vfreebusy(session, store.as_ref(), &user, start, end)?.replace("\r\n", "\n"))
}

/// `imip freebusy publish`: `DIR/<address>.ifb` for every user who
/// shares, written atomically; files of users who stopped sharing are
/// removed.
pub(crate) fn publish(session: &Session, dir: Option<PathBuf>, days: u32) -> Result<(), Failure> {
    let dir = dir
        .or_else(|| session.settings.freebusy_dir.clone())
        .ok_or_else(|| Failure::new(EX_USAGE, "no directory: pass --dir or set freebusy_dir in imip.toml"))?;
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::new(crate::exit::EX_CANTCREAT, format!("{}: {e}", dir.display())))?;
    let store = session.open_existing_store()?;
    let end = Timestamp::from_seconds(session.now.seconds() + i64::from(days) * 86_400);
    let mut published = 0;
    for user in store.principals().map_err(|e| Failure::store("store", &e))? {
        let prefs = store.prefs(&user).map_err(|e| Failure::store(user.as_str(), &e))?;
        let is_resource = session.engine.config().resources.resource(&user).is_some();
        let shares_by_default = session.engine.config().share_freebusy_by_default || is_resource;
        let file = dir.join(format!("{}.ifb", crate::mailbox::encode_name(user.as_str())));
        if !imip_core::freebusy::publishes_freebusy(&prefs, shares_by_default, is_resource) {
            let _ = std::fs::remove_file(&file);
            continue;
        }
        let text = vfreebusy(session, store.as_ref(), &user, session.now, end)?;
        let partial = file.with_extension("ifb.tmp");
        std::fs::write(&partial, text)
            .and_then(|_| std::fs::rename(&partial, &file))
            .map_err(|e| Failure::new(crate::exit::EX_CANTCREAT, format!("{}: {e}", file.display())))?;
        published += 1;
    }
    crate::emit(&format!("published {published} free/busy file(s) in {}\n", dir.display()))
}

fn vfreebusy(
    session: &Session,
    store: &dyn Store,
    user: &CalAddress,
    from: Timestamp,
    to: Timestamp,
) -> Result<String, Failure> {
    let config = &session.engine.config().freebusy;
    let busy = busy_time(store, user, from, to, config, session.now)
        .map_err(|e| Failure::store(user.as_str(), &e))?;
    let prefs = store.prefs(user).map_err(|e| Failure::store(user.as_str(), &e))?;
    let known = config.known_until(&prefs, session.now);
    let comment = (to > known).then(|| {
        tracing::warn!(principal = %user, %known, "free/busy asked past the expanded recurrences");
        format!("Busy time is known up to {known}: later occurrences of recurring events are not included.")
    });
    let uid = format!("freebusy-{}", user.as_str());
    Ok(FreeBusyMessage {
        method: Method::Publish,
        uid: &uid,
        stamp: session.now,
        from,
        to,
        organizer: user,
        attendee: None,
        busy: &busy,
        comment: comment.as_deref(),
        prodid: &session.engine.config().prodid,
    }
    .to_ics())
}
