//! A person's own calendar work: `event create|edit|cancel`, `counter`
//! and `agenda`. Each action goes through the engine like the agents'
//! (`drive::run_once`), so its mail is what a calendar client's save
//! would have sent.

use super::users::act;
use super::{address, resolve_uid};
use crate::args::TimeArgs;
use crate::exit::{EX_USAGE, Failure};
use crate::session::Session;
use imip_core::organize::{EventEdit, NewEvent, When, parse_local};
use imip_core::prefs::PrefKey;
use imip_core::words::{Reader, agenda as write_agenda, entries};
use imip_core::{CalAddress, LocalAction, SchedulingObject, Store, Timestamp};

/// A draft's refusal is a usage error: the person typed it.
fn refused(error: imip_core::organize::DraftError) -> Failure {
    Failure::new(EX_USAGE, error.to_string())
}

/// The zone times are read in: `--zone`, else the user's TZID
/// preference, else UTC.
fn zone_of(
    session: &Session,
    store: &dyn Store,
    user: &CalAddress,
    given: Option<&str>,
) -> Result<chrono_tz::Tz, Failure> {
    if let Some(given) = given {
        return imip_core::prefs::parse_zone(given).ok_or_else(|| {
            Failure::new(EX_USAGE, format!("{given:?} is not a time zone (say Europe/Oslo)"))
        });
    }
    let prefs = store.prefs(user).map_err(|e| Failure::store(user.as_str(), &e))?;
    Ok(session
        .settings
        .pref(&prefs, PrefKey::Zone.name())
        .and_then(imip_core::prefs::parse_zone)
        .unwrap_or(chrono_tz::UTC))
}

/// Reads `90m`, `1h`, `1h30m` or an iCalendar `PT1H30M` as minutes.
fn parse_length(text: &str) -> Option<i64> {
    let text = text.trim().to_ascii_lowercase();
    let text = text.strip_prefix("pt").unwrap_or(&text);
    let (mut minutes, mut number) = (0i64, String::new());
    for c in text.chars() {
        match c {
            '0'..='9' => number.push(c),
            'h' | 'm' if !number.is_empty() => {
                let n: i64 = number.parse().ok()?;
                minutes = minutes.checked_add(if c == 'h' { n.checked_mul(60)? } else { n })?;
                number.clear();
            }
            _ => return None,
        }
    }
    (number.is_empty() && minutes > 0 && minutes <= 366 * 24 * 60).then_some(minutes)
}

/// The times given, if any: a start, and an end, a length, or
/// `default_minutes`.
fn when_of(
    time: &TimeArgs,
    zone: chrono_tz::Tz,
    default_minutes: Option<i64>,
) -> Result<Option<When>, Failure> {
    let Some(start_text) = &time.start else {
        if time.end.is_some() || time.duration.is_some() {
            return Err(Failure::new(EX_USAGE, "give --start with --end or --duration"));
        }
        return Ok(None);
    };
    let start = parse_local(start_text).ok_or_else(|| {
        Failure::new(EX_USAGE, format!("{start_text:?}: give a time like \"2027-01-12 10:00\""))
    })?;
    let end = match (&time.end, &time.duration) {
        (Some(end), _) => parse_local(end)
            .or_else(|| {
                chrono::NaiveTime::parse_from_str(end.trim(), "%H:%M").ok().map(|t| start.date().and_time(t))
            })
            .ok_or_else(|| {
                Failure::new(EX_USAGE, format!("{end:?}: give a time like 11:00 or \"2027-01-12 11:00\""))
            })?,
        (None, Some(length)) => {
            let minutes = parse_length(length).ok_or_else(|| {
                Failure::new(EX_USAGE, format!("{length:?}: give a length like 90m, 1h or 1h30m"))
            })?;
            start + chrono::TimeDelta::minutes(minutes)
        }
        (None, None) => start + chrono::TimeDelta::minutes(default_minutes.unwrap_or(60)),
    };
    let when = When { start, end, zone };
    when.check().map_err(refused)?;
    Ok(Some(when))
}

fn addresses(list: &[String]) -> Result<Vec<CalAddress>, Failure> {
    list.iter().map(|a| address(a)).collect()
}

/// The stored object `name` (a UID or a handle) of `principal`.
fn stored(
    store: &dyn Store,
    principal: &CalAddress,
    name: &str,
) -> Result<(String, SchedulingObject), Failure> {
    let uid = resolve_uid(store, principal, name)?;
    let record = store.load(principal, &uid).map_err(|e| Failure::store(principal.as_str(), &e))?.value;
    let object = record
        .object
        .ok_or_else(|| Failure::new(EX_USAGE, format!("{principal} holds nothing with UID {uid}")))?;
    Ok((uid, object))
}

fn organized_by(object: &SchedulingObject, principal: &CalAddress) -> Result<(), Failure> {
    if object.organizer().is_some_and(|o| &o.address == principal) {
        return Ok(());
    }
    Err(Failure::new(
        EX_USAGE,
        format!(
            "{principal} does not organize {:?}: answer it with `imip approve`/`imip decline`, or propose a change with `imip counter`",
            object.title()
        ),
    ))
}

/// The length of the event's first occurrence, in minutes.
fn length_of(object: &SchedulingObject) -> Option<i64> {
    object.first_span().map(|(start, end)| (end.seconds() - start.seconds()) / 60)
}

/// `imip event create`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn create(
    session: &mut Session,
    principal: &str,
    title: String,
    time: &TimeArgs,
    location: Option<String>,
    description: Option<String>,
    attendees: &[String],
    rooms: &[String],
    repeat: Option<String>,
) -> Result<(), Failure> {
    let principal = address(principal)?;
    let mut store = session.open_store()?;
    let zone = zone_of(session, store.as_ref(), &principal, time.zone.as_deref())?;
    let when = when_of(time, zone, None)?
        .ok_or_else(|| Failure::new(EX_USAGE, "give --start (and --end or --duration)"))?;
    let prefs = store.prefs(&principal).map_err(|e| Failure::store(principal.as_str(), &e))?;
    let organizer_name = session.settings.pref(&prefs, PrefKey::Name.name()).map(str::to_string);
    let domain = principal.as_str().rsplit_once('@').map_or("localhost", |(_, d)| d).to_string();
    let uid = session.message_id(&domain);
    let event = NewEvent {
        uid: uid.clone(),
        title,
        when,
        location,
        description,
        organizer: principal.clone(),
        organizer_name,
        attendees: addresses(attendees)?,
        rooms: addresses(rooms)?,
        repeat,
    };
    let object = event.to_object(session.now).map_err(refused)?;
    crate::emit(&format!("{uid}\t{}\n", imip_core::handle::handle(&uid)))?;
    act(session, store.as_mut(), &principal, &uid, LocalAction::Save(object))
}

/// `imip event edit`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn edit(
    session: &mut Session,
    principal: &str,
    name: &str,
    title: Option<String>,
    time: &TimeArgs,
    location: Option<Option<String>>,
    description: Option<String>,
    invite: &[String],
    rooms: &[String],
    uninvite: &[String],
    repeat: Option<Option<String>>,
) -> Result<(), Failure> {
    let principal = address(principal)?;
    let mut store = session.open_store()?;
    let (uid, object) = stored(store.as_ref(), &principal, name)?;
    organized_by(&object, &principal)?;
    let zone = zone_of(session, store.as_ref(), &principal, time.zone.as_deref())?;
    let edit = EventEdit {
        title,
        when: when_of(time, zone, length_of(&object))?,
        location,
        description: description.map(Some),
        invite: addresses(invite)?,
        book: addresses(rooms)?,
        uninvite: addresses(uninvite)?,
        repeat,
    };
    if edit.is_empty() {
        return Err(Failure::new(
            EX_USAGE,
            "nothing to change: give --title, --start, --location, --invite…",
        ));
    }
    let edited = edit.apply(&object).map_err(refused)?;
    act(session, store.as_mut(), &principal, &uid, LocalAction::Save(edited))
}

/// `imip event cancel`.
/// `imip event cancel`: the whole event, or with `occurrence` (a local
/// time in the organizer's zone, or `zone`) one occurrence of a series.
pub(crate) fn cancel(
    session: &mut Session,
    principal: &str,
    name: &str,
    occurrence: Option<&str>,
    zone: Option<&str>,
) -> Result<(), Failure> {
    let principal = address(principal)?;
    let mut store = session.open_store()?;
    let (uid, object) = stored(store.as_ref(), &principal, name)?;
    organized_by(&object, &principal)?;
    let Some(occurrence) = occurrence else {
        return act(session, store.as_mut(), &principal, &uid, LocalAction::Delete { uid: uid.clone() });
    };
    let zone = zone_of(session, store.as_ref(), &principal, zone)?;
    let local = parse_local(occurrence).ok_or_else(|| {
        Failure::new(EX_USAGE, format!("{occurrence:?}: give a time like \"2027-01-12 10:00\""))
    })?;
    let at = Timestamp::from_local(&zone, local);
    let cancelled = imip_core::organize::cancel_occurrence(&object, at).map_err(|e| match e {
        // Said in the time the person typed, not in UTC.
        imip_core::organize::DraftError::NoSuchOccurrence { .. } => Failure::new(
            EX_USAGE,
            format!("the series has no occurrence at {} ({}) to cancel", occurrence.trim(), zone.name()),
        ),
        other => refused(other),
    })?;
    act(session, store.as_mut(), &principal, &uid, LocalAction::Save(cancelled))
}

/// `imip counter`: the stored invitation with the proposed time or place,
/// sent to the organizer as a COUNTER.
pub(crate) fn counter(
    session: &mut Session,
    principal: &str,
    name: &str,
    time: &TimeArgs,
    location: Option<String>,
    comment: Option<String>,
) -> Result<(), Failure> {
    let principal = address(principal)?;
    let mut store = session.open_store()?;
    let (uid, object) = stored(store.as_ref(), &principal, name)?;
    let zone = zone_of(session, store.as_ref(), &principal, time.zone.as_deref())?;
    let edit = EventEdit {
        when: when_of(time, zone, length_of(&object))?,
        location: location.map(Some),
        ..EventEdit::default()
    };
    if edit.is_empty() {
        return Err(Failure::new(
            EX_USAGE,
            "propose something: give --start (with --end or --duration) or --location",
        ));
    }
    let proposal = edit.apply(&object).map_err(refused)?;
    act(session, store.as_mut(), &principal, &uid, LocalAction::Counter { proposal, comment })
}

/// How many days an agenda shows.
pub(crate) enum Span {
    Day,
    Week,
    Month,
}

/// `imip agenda`.
pub(crate) fn agenda(
    session: &Session,
    principal: &str,
    span: Span,
    from: Option<&str>,
    zone: Option<&str>,
) -> Result<(), Failure> {
    let principal = address(principal)?;
    let store = session.open_existing_store()?;
    let zone = zone_of(session, store.as_ref(), &principal, zone)?;
    let prefs = store.prefs(&principal).map_err(|e| Failure::store(principal.as_str(), &e))?;
    let reader =
        Reader { zone, ..Reader::from_prefs(session.settings.pref(&prefs, PrefKey::Language.name()), None) };
    let today = session.now.to_chrono().with_timezone(&zone).date_naive();
    let day = match from {
        Some(text) => chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| Failure::new(EX_USAGE, format!("{text:?}: give a date like 2027-01-11")))?,
        None => today,
    };
    let view = match span {
        Span::Day => "day",
        Span::Week => "week",
        Span::Month => "month",
    };
    let (first, days, skip_empty) = imip_core::words::agenda_window(view, day).unwrap_or((day, 7, false));
    let instant =
        |date: chrono::NaiveDate| Timestamp::from_local(&zone, date.and_hms_opt(0, 0, 0).unwrap_or_default());
    let (start, end) = (instant(first), instant(first + chrono::Days::new(u64::from(days))));
    let pending: std::collections::BTreeSet<String> = store
        .pending(&principal)
        .map_err(|e| Failure::store(principal.as_str(), &e))?
        .into_iter()
        .map(|(uid, _)| uid)
        .collect();
    let mut all = Vec::new();
    for uid in store.uids(&principal).map_err(|e| Failure::store(principal.as_str(), &e))? {
        let record = store.load(&principal, &uid).map_err(|e| Failure::store(principal.as_str(), &e))?.value;
        if let Some(object) = record.object {
            all.extend(entries(&object, &principal, pending.contains(&uid), start, end, zone));
        }
    }
    crate::emit(&write_agenda(principal.as_str(), &all, first, days, skip_empty, &reader))
}

#[cfg(test)]
mod tests {
    use super::parse_length;

    #[test]
    fn lengths_people_type() {
        assert_eq!(parse_length("90m"), Some(90));
        assert_eq!(parse_length("1h"), Some(60));
        assert_eq!(parse_length("1h30m"), Some(90));
        assert_eq!(parse_length("PT2H"), Some(120));
        assert_eq!(parse_length("h"), None);
        assert_eq!(parse_length("90"), None);
        assert_eq!(parse_length("0m"), None);
        assert_eq!(parse_length("99999999999999999999h"), None);
    }
}
