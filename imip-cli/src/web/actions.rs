//! What people do: each form posts here, is checked (sign-in, CSRF, the
//! principal, the input), and runs through the engine like an agent's
//! input (`drive::run_once`); then a 303 back to a page that says what
//! happened. Answer links from mail (`/rsvp`) carry their own signed
//! token instead of a sign-in.

use super::auth::User;
use super::done::Done;
use super::pages::{done, find_uid};
use super::tokens::TokenError;
use super::{Said, Web, WebError, blocking};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveTime, Weekday};
use imip_core::drive::{DriveError, run_once};
use imip_core::freebusy::{Hours, WEEK, WorkingHours};
use imip_core::model::{InstanceId, PartStat};
use imip_core::organize::{EventEdit, NewEvent, When};
use imip_core::prefs::PrefKey;
use imip_core::{CalAddress, Env, IdSource, Input, LocalAction, RecordingTransport, Timestamp, Transport};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// A form's fields, as posted.
type Fields = axum::Form<BTreeMap<String, String>>;

/// Ids for what one request writes.
struct WebIds<'a>(&'a Web);

impl IdSource for WebIds<'_> {
    fn next_id(&mut self) -> String {
        let n = self.0.ids.fetch_add(1, Ordering::Relaxed);
        let clock = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        format!("imip-web-{:x}-{}-{n}", clock.as_nanos(), std::process::id())
    }
}

/// Runs `action` for `principal` through the engine: what came of it,
/// for the page that says so ([`Done`]).
pub(crate) fn run(web: &Web, principal: &CalAddress, action: LocalAction) -> Result<Done, WebError> {
    let mut store = web.store()?;
    let mut recorded = RecordingTransport::default();
    let mut configured = super::super::session::transport_for(&web.settings);
    let transport: &mut dyn Transport = if web.dry_run { &mut recorded } else { configured.as_mut() };
    let mut ids = WebIds(web);
    let mut env = Env::new(web.now(), &mut ids);
    let uid = action.uid().to_string();
    let input = Input::Local { principal: principal.clone(), action };
    let report = run_once(&web.engine, &mut env, store.as_mut(), transport, &input).map_err(|e| match e {
        DriveError::Contention(_) => WebError::Unavailable(e.to_string()),
        other => WebError::Unavailable(other.to_string()),
    })?;
    tracing::info!(principal = %principal, uid, outcome = %report.outcome.disposition, "web action");
    if let imip_core::Disposition::Refused(violation) = &report.outcome.disposition {
        let reader = super::pages::reader_of(web, store.as_ref(), principal)?;
        return Err(WebError::Refused(reader.lang, imip_core::words::refusal(violation, &reader)));
    }
    Ok(Done::of(&report, web.dry_run))
}

/// The checked basics of every form: the CSRF token, the principal, and
/// (when `with_uid`) the event, resolved among the principal's.
struct Form {
    principal: CalAddress,
    uid: String,
    fields: BTreeMap<String, String>,
}

fn field<'a>(fields: &'a BTreeMap<String, String>, name: &str) -> Option<&'a str> {
    fields.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
}

async fn checked(
    web: &Arc<Web>,
    user: &User,
    fields: BTreeMap<String, String>,
    with_uid: bool,
) -> Result<Form, WebError> {
    user.check_csrf(fields.get("csrf").map(String::as_str).unwrap_or_default())?;
    if fields.values().any(|v| v.len() > 20_000) {
        return Err(WebError::bad("web-error-field-too-long"));
    }
    let principal = super::pages::principal(web, user, &fields)?;
    if !with_uid {
        return Ok(Form { principal, uid: String::new(), fields });
    }
    let name = fields.get("uid").cloned().unwrap_or_default();
    let (w, p) = (web.clone(), principal.clone());
    let uid = blocking(move || {
        let store = w.store()?;
        find_uid(store.as_ref(), &p, &name)
    })
    .await?;
    Ok(Form { principal, uid, fields })
}

fn comment(fields: &BTreeMap<String, String>) -> Option<String> {
    field(fields, "comment").map(|c| c.chars().take(1000).collect())
}

fn partstat(text: &str) -> Result<PartStat, WebError> {
    match text {
        "ACCEPTED" => Ok(PartStat::Accepted),
        "TENTATIVE" => Ok(PartStat::Tentative),
        "DECLINED" => Ok(PartStat::Declined),
        other => Err(WebError::bad_about("web-error-not-an-answer", other)),
    }
}

fn instance(fields: &BTreeMap<String, String>) -> Result<Option<InstanceId>, WebError> {
    match field(fields, "instance") {
        None => Ok(None),
        Some(text) => Timestamp::parse_utc(text)
            .map(|t| Some(InstanceId::occurrence(t)))
            .ok_or_else(|| WebError::bad_about("web-error-not-an-occurrence", text)),
    }
}

async fn act(web: &Arc<Web>, form: &Form, action: LocalAction) -> Result<Response, WebError> {
    let (w, p) = (web.clone(), form.principal.clone());
    let result = blocking(move || run(&w, &p, action)).await?;
    let back =
        if form.uid.is_empty() { String::new() } else { format!("&e={}", super::pages::encode(&form.uid)) };
    Ok(done(if form.uid.is_empty() { "/calendar" } else { "/event" }, &form.principal, &back, result))
}

/// `POST /act/answer`: accept, tentative or decline, for the whole
/// event or one occurrence.
pub(crate) async fn answer(
    State(web): State<Arc<Web>>,
    user: User,
    axum::Form(fields): Fields,
) -> Result<Response, WebError> {
    let form = checked(&web, &user, fields, true).await?;
    let partstat = partstat(field(&form.fields, "answer").unwrap_or_default())?;
    let action = LocalAction::Respond {
        uid: form.uid.clone(),
        instance: instance(&form.fields)?,
        partstat,
        comment: comment(&form.fields),
    };
    act(&web, &form, action).await
}

/// Reads the start, end and zone fields.
fn when_of(fields: &BTreeMap<String, String>, zone_default: chrono_tz::Tz) -> Result<Option<When>, WebError> {
    let Some(start) = field(fields, "start") else {
        return if field(fields, "end").is_some() {
            Err(WebError::bad("web-error-start-with-end"))
        } else {
            Ok(None)
        };
    };
    let read = |text: &str| {
        imip_core::organize::parse_local(text)
            .ok_or_else(|| WebError::bad_about("web-error-not-a-time", text))
    };
    let zone = match field(fields, "zone") {
        Some(name) => imip_core::prefs::parse_zone(name)
            .ok_or_else(|| WebError::bad_about("web-error-not-a-zone", name))?,
        None => zone_default,
    };
    let start = read(start)?;
    let end = match field(fields, "end") {
        Some(end) => read(end)?,
        None => start + chrono::TimeDelta::hours(1),
    };
    let when = When { start, end, zone };
    when.check().map_err(WebError::draft)?;
    Ok(Some(when))
}

fn addresses(fields: &BTreeMap<String, String>, name: &str) -> Result<Vec<CalAddress>, WebError> {
    field(fields, name)
        .map(|list| {
            list.split([',', ';', ' ', '\n'])
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .take(500)
                .map(WebError::address)
                .collect()
        })
        .unwrap_or(Ok(Vec::new()))
}

fn load(web: &Web, principal: &CalAddress, uid: &str) -> Result<imip_core::SchedulingObject, WebError> {
    let store = web.store()?;
    store
        .load(principal, uid)
        .map_err(|e| WebError::Unavailable(e.to_string()))?
        .value
        .object
        .ok_or_else(|| WebError::not_found("web-error-event-gone"))
}

fn zone_of(web: &Web, principal: &CalAddress) -> Result<chrono_tz::Tz, WebError> {
    let store = web.store()?;
    Ok(super::pages::reader_of(web, store.as_ref(), principal)?.zone)
}

/// `POST /act/counter`: propose another time or place (a COUNTER).
pub(crate) async fn counter(
    State(web): State<Arc<Web>>,
    user: User,
    axum::Form(fields): Fields,
) -> Result<Response, WebError> {
    let form = checked(&web, &user, fields, true).await?;
    let (w, p, uid, f) = (web.clone(), form.principal.clone(), form.uid.clone(), form.fields.clone());
    let action = blocking(move || {
        let object = load(&w, &p, &uid)?;
        let edit = EventEdit {
            when: when_of(&f, zone_of(&w, &p)?)?,
            location: field(&f, "location").map(|l| Some(l.to_string())),
            ..EventEdit::default()
        };
        if edit.is_empty() {
            return Err(WebError::bad("web-error-propose-something"));
        }
        let proposal = edit.apply(&object).map_err(WebError::draft)?;
        Ok(LocalAction::Counter { proposal, comment: comment(&f) })
    })
    .await?;
    act(&web, &form, action).await
}

/// `POST /act/delegate`.
pub(crate) async fn delegate(
    State(web): State<Arc<Web>>,
    user: User,
    axum::Form(fields): Fields,
) -> Result<Response, WebError> {
    let form = checked(&web, &user, fields, true).await?;
    let to = field(&form.fields, "to").unwrap_or_default();
    let to = WebError::address(to)?;
    if to == form.principal {
        return Err(WebError::bad("web-error-someone-else"));
    }
    let action = LocalAction::Delegate { uid: form.uid.clone(), to, comment: comment(&form.fields) };
    act(&web, &form, action).await
}

/// `POST /act/decide`: approve or decline a held booking (a resource's
/// owner) or a counter-proposal (an organizer).
pub(crate) async fn decide(
    State(web): State<Arc<Web>>,
    user: User,
    axum::Form(fields): Fields,
) -> Result<Response, WebError> {
    let form = checked(&web, &user, fields, true).await?;
    let approve = match field(&form.fields, "decision") {
        Some("approve") => true,
        Some("decline") => false,
        other => {
            return Err(WebError::bad_about("web-error-not-a-decision", other.unwrap_or_default()));
        }
    };
    let from = field(&form.fields, "from").map(WebError::address).transpose()?;
    let uid = form.uid.clone();
    let action = match (from, approve) {
        (Some(from), true) => LocalAction::AcceptCounter { uid, from },
        (Some(from), false) => LocalAction::DeclineCounter { uid, from, comment: comment(&form.fields) },
        (None, true) => LocalAction::Approve { uid },
        (None, false) => LocalAction::Respond {
            uid,
            instance: None,
            partstat: PartStat::Declined,
            comment: comment(&form.fields),
        },
    };
    act(&web, &form, action).await
}

/// `POST /act/create`: a new event, its invitations sent.
pub(crate) async fn create(
    State(web): State<Arc<Web>>,
    user: User,
    axum::Form(fields): Fields,
) -> Result<Response, WebError> {
    let mut form = checked(&web, &user, fields, false).await?;
    let (w, p, f) = (web.clone(), form.principal.clone(), form.fields.clone());
    let object = blocking(move || {
        let zone = zone_of(&w, &p)?;
        let when = when_of(&f, zone)?.ok_or_else(|| WebError::bad("web-error-give-start"))?;
        let store = w.store()?;
        let prefs = store.prefs(&p).map_err(|e| WebError::Unavailable(e.to_string()))?;
        let mut ids = WebIds(&w);
        let uid = format!("{}@{}", ids.next_id(), p.domain());
        let mut rooms = addresses(&f, "room")?;
        rooms.retain(|r| w.settings.resources.resource(r).is_some());
        NewEvent {
            uid,
            title: field(&f, "title").unwrap_or_default().to_string(),
            when,
            location: field(&f, "location").map(str::to_string),
            description: field(&f, "description").map(str::to_string),
            organizer: p.clone(),
            organizer_name: w.settings.pref(&prefs, PrefKey::Name.name()).map(str::to_string),
            attendees: addresses(&f, "attendees")?,
            rooms,
            repeat: field(&f, "repeat").map(str::to_string),
        }
        .to_object(w.now())
        .map_err(WebError::draft)
    })
    .await?;
    form.uid = object.uid().to_string();
    act(&web, &form, LocalAction::Save(object)).await
}

/// `POST /act/edit`: the organizer changes the event.
pub(crate) async fn edit(
    State(web): State<Arc<Web>>,
    user: User,
    axum::Form(fields): Fields,
) -> Result<Response, WebError> {
    let form = checked(&web, &user, fields, true).await?;
    let (w, p, uid, f) = (web.clone(), form.principal.clone(), form.uid.clone(), form.fields.clone());
    let action = blocking(move || {
        let object = load(&w, &p, &uid)?;
        if object.organizer().is_none_or(|o| o.address != p) {
            return Err(WebError::Forbidden);
        }
        let edit = EventEdit {
            title: field(&f, "title").map(str::to_string),
            when: when_of(&f, zone_of(&w, &p)?)?,
            location: field(&f, "location").map(|l| Some(l.to_string())),
            invite: addresses(&f, "invite")?,
            uninvite: addresses(&f, "uninvite")?,
            ..EventEdit::default()
        };
        if edit.is_empty() {
            return Err(WebError::bad("web-error-change-something"));
        }
        Ok(LocalAction::Save(edit.apply(&object).map_err(WebError::draft)?))
    })
    .await?;
    act(&web, &form, action).await
}

/// `POST /act/cancel`: the organizer cancels the event, or with an
/// `instance` (a RECURRENCE-ID in UTC) that one occurrence of it.
pub(crate) async fn cancel(
    State(web): State<Arc<Web>>,
    user: User,
    axum::Form(fields): Fields,
) -> Result<Response, WebError> {
    let mut form = checked(&web, &user, fields, true).await?;
    let instance = match field(&form.fields, "instance") {
        Some(text) => Some(
            Timestamp::parse_utc(text)
                .ok_or_else(|| WebError::bad_about("web-error-not-an-occurrence", text))?,
        ),
        None => None,
    };
    let (w, p, uid) = (web.clone(), form.principal.clone(), form.uid.clone());
    let one = blocking(move || {
        let object = load(&w, &p, &uid)?;
        if object.organizer().is_none_or(|o| o.address != p) {
            return Err(WebError::Forbidden);
        }
        instance
            .map(|at| imip_core::organize::cancel_occurrence(&object, at).map_err(WebError::draft))
            .transpose()
    })
    .await?;
    if let Some(cancelled) = one {
        return act(&web, &form, LocalAction::Save(cancelled)).await;
    }
    let action = LocalAction::Delete { uid: form.uid.clone() };
    let (w, p) = (web.clone(), form.principal.clone());
    let result = blocking(move || run(&w, &p, action)).await?;
    form.uid.clear();
    Ok(done("/calendar", &form.principal, "", result))
}

/// `POST /act/prefs`: every preference of the form, checked by its own
/// parser; an empty field removes the user's own value.
pub(crate) async fn prefs(
    State(web): State<Arc<Web>>,
    user: User,
    axum::Form(fields): Fields,
) -> Result<Response, WebError> {
    let form = checked(&web, &user, fields, false).await?;
    let mut changes = Vec::new();
    let hours = working_hours(&form.fields)?;
    for key in PrefKey::ALL {
        let Some(value) = form.fields.get(key.name()) else { continue };
        // The working hours, when the form shows them, say the
        // availability (below).
        if key == PrefKey::Availability && hours.is_some() {
            continue;
        }
        let value = value.trim().replace("\r\n", "\n");
        if value.is_empty() {
            changes.push((key.name().to_string(), None));
        } else {
            let (key, value) = imip_core::prefs::check(key.name(), &value).map_err(pref_error)?;
            changes.push((key.name().to_string(), Some(value)));
        }
    }
    if let Some(hours) = hours {
        // No day ticked: no availability, which is "available at any
        // time"; an availability without AVAILABLE would be the opposite.
        let text = (!hours.is_empty()).then(|| hours.to_ics(&WebIds(&web).next_id(), web.now()));
        changes.push((PrefKey::Availability.name().to_string(), text));
    }
    let (w, p) = (web.clone(), form.principal.clone());
    blocking(move || {
        let mut store = w.store()?;
        imip_core::drive::change_prefs(&w.engine, store.as_mut(), &p, &changes, w.now())
            .map_err(|e| WebError::Unavailable(e.to_string()))
    })
    .await?;
    Ok(done("/prefs", &form.principal, "", Done::Preferences))
}

/// Why a preference cannot be set, as the person is told it.
fn pref_error(error: imip_core::prefs::PrefError) -> WebError {
    use imip_core::prefs::PrefError;
    match error {
        PrefError::BadValue { key: PrefKey::Zone, value } => {
            WebError::bad_about("web-error-not-a-zone", &value)
        }
        PrefError::BadValue { key: PrefKey::Name, .. } => WebError::bad("web-error-name"),
        PrefError::BadValue { key: PrefKey::Language, value } => {
            WebError::bad_about("web-error-language", &value)
        }
        PrefError::BadValue { value, .. } => WebError::bad_about("web-error-choice", &value),
        PrefError::BadAvailability(_) => WebError::bad("web-error-availability"),
        // The form names only preferences a person may set.
        other => WebError::invalid(other),
    }
}

/// The working hours the preferences form gives, when it shows them
/// (its `hours` field): the ticked days with their times, in the zone
/// the form showed them in; or, when the same form changes the person's
/// time zone (`TZID` is not what `TZID-shown` says it showed), in the new
/// zone: working hours are kept on the clock of where one works, so a
/// person who sets their zone and their hours at once, or who moves,
/// means the hours in their new zone.
fn working_hours(fields: &BTreeMap<String, String>) -> Result<Option<WorkingHours>, WebError> {
    if field(fields, "hours").is_none() {
        return Ok(None);
    }
    let moved = field(fields, "TZID").filter(|zone| Some(*zone) != field(fields, "TZID-shown"));
    let zone_name = moved.or_else(|| field(fields, "hours-zone")).unwrap_or("UTC");
    let zone = imip_core::prefs::parse_zone(zone_name)
        .ok_or_else(|| WebError::bad_about("web-error-not-a-zone", zone_name))?;
    let mut hours = WorkingHours::none(zone);
    for day in WEEK {
        let code = imip_core::freebusy::day_name(day);
        if field(fields, &format!("day-{code}")).is_none() {
            continue;
        }
        let time = |which: &str| -> Result<NaiveTime, WebError> {
            let text = field(fields, &format!("{which}-{code}")).unwrap_or_default();
            NaiveTime::parse_from_str(text, "%H:%M")
                .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
                .map_err(|_| day_error("web-error-hours-time", day, Some(text)))
        };
        let span = |from: &str, until: &str| {
            Hours::new(time(from)?, time(until)?).ok_or_else(|| day_error("web-error-hours", day, None))
        };
        let mut spans = vec![span("from", "until")?];
        // The second span is there when either of its times is.
        if field(fields, &format!("from2-{code}")).is_some()
            || field(fields, &format!("until2-{code}")).is_some()
        {
            spans.push(span("from2", "until2")?);
        }
        hours.set_day(day, spans).ok_or_else(|| day_error("web-error-hours-overlap", day, None))?;
    }
    Ok(Some(hours))
}

/// Bad working hours on `day`, told by the message `id` (about `text`,
/// what was given).
fn day_error(id: &'static str, day: Weekday, text: Option<&str>) -> WebError {
    WebError::BadRequest(Said::on_day(id, day, text))
}

/// `POST /act/feed`: a new private feed address (revoking the old), or
/// none.
pub(crate) async fn feed(
    State(web): State<Arc<Web>>,
    user: User,
    axum::Form(fields): Fields,
) -> Result<Response, WebError> {
    let form = checked(&web, &user, fields, false).await?;
    let on = match field(&form.fields, "feed") {
        Some("new") => true,
        Some("off") => false,
        _ => return Err(WebError::bad("web-error-feed-choice")),
    };
    let (w, p) = (web.clone(), form.principal.clone());
    blocking(move || {
        let mut store = w.store()?;
        let unavailable = |e: imip_core::StoreError| WebError::Unavailable(e.to_string());
        let prefs = store.prefs(&p).map_err(unavailable)?;
        let generation: u64 =
            prefs.get(imip_core::prefs::FEED_PREF).and_then(|g| g.parse().ok()).unwrap_or(0);
        let next = (generation + 1).to_string();
        store.set_pref(&p, imip_core::prefs::FEED_PREF, on.then_some(next.as_str())).map_err(unavailable)
    })
    .await?;
    Ok(done("/prefs", &form.principal, "", if on { Done::FeedNew } else { Done::FeedOff }))
}

/// What a one-click answer link says.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    pub(crate) principal: CalAddress,
    pub(crate) uid: String,
    pub(crate) partstat: PartStat,
    pub(crate) sequence: i64,
    signature: String,
}

/// A one-click answer link's token: principal, UID, answer and the
/// SEQUENCE of the version it answers, signed, until `expires`.
pub(crate) fn link_token(
    signer: &super::tokens::Signer,
    principal: &CalAddress,
    uid: &str,
    partstat: PartStat,
    sequence: i64,
    expires: i64,
) -> String {
    signer.sign("rsvp", &[principal.as_str(), uid, partstat.as_str(), &sequence.to_string()], expires)
}

/// Reads and checks a one-click token.
pub(crate) fn read_link(web: &Web, token: &str) -> Result<Link, WebError> {
    // An authentic link's person, from its first field.
    let to = |fields: &[String]| fields.first().and_then(|p| CalAddress::parse(p));
    let gone = |why: &'static str, status, to| WebError::Link { why: Said::id(why), status, to };
    let fields = web.signer.verify("rsvp", token, web.now().seconds()).map_err(|e| match e {
        TokenError::Expired(fields) => gone("web-error-link-expired", StatusCode::GONE, to(&fields)),
        TokenError::Invalid => gone("web-error-link-altered", StatusCode::BAD_REQUEST, None),
    })?;
    let invalid = || gone("web-error-link-invalid", StatusCode::BAD_REQUEST, to(&fields));
    let [principal, uid, answer, sequence] = fields.as_slice() else {
        return Err(invalid());
    };
    Ok(Link {
        principal: CalAddress::parse(principal).ok_or_else(invalid)?,
        uid: uid.clone(),
        partstat: partstat(answer).map_err(|_| invalid())?,
        sequence: sequence.parse().map_err(|_| invalid())?,
        signature: token.rsplit('.').next().unwrap_or_default().to_string(),
    })
}

/// How many used links are remembered per user.
const REMEMBERED_LINKS: usize = 64;

/// The part of a link's signature remembered once it is used.
fn link_mark(link: &Link) -> String {
    link.signature.chars().take(22).collect()
}

/// `POST /rsvp`: the answer of a one-click link, once: a used link is
/// remembered in the user's store (the last 64), so it stays used after
/// a restart and on every host.
pub(crate) async fn rsvp(
    State(web): State<Arc<Web>>,
    axum::Form(fields): Fields,
) -> Result<Response, WebError> {
    let token = fields.get("t").cloned().unwrap_or_default();
    let link = read_link(&web, &token)?;
    let (w, l) = (web.clone(), link.clone());
    let comment = comment(&fields);
    let (result, lang) = blocking(move || {
        let gone = |why: Said, status| WebError::Link { why, status, to: Some(l.principal.clone()) };
        let used = || gone(Said::id("web-error-link-used"), StatusCode::GONE);
        let mark = link_mark(&l);
        {
            let store = w.store()?;
            let prefs = store.prefs(&l.principal).map_err(|e| WebError::Unavailable(e.to_string()))?;
            if prefs.get(imip_core::prefs::USED_LINKS_PREF).is_some_and(|v| v.split(' ').any(|m| m == mark)) {
                return Err(used());
            }
        }
        let object = load(&w, &l.principal, &l.uid)?;
        if object.max_sequence() != l.sequence {
            return Err(gone(Said::id("web-error-link-changed"), StatusCode::CONFLICT));
        }
        if object.attendee(&l.principal).is_some_and(|a| a.partstat == l.partstat) {
            let answered =
                Said::Message("web-error-link-answered", vec![("answer", l.partstat.as_str().into())]);
            return Err(gone(answered, StatusCode::GONE));
        }
        let action =
            LocalAction::Respond { uid: l.uid.clone(), instance: None, partstat: l.partstat, comment };
        let result = run(&w, &l.principal, action)?;
        let mut store = w.store()?;
        let lang = super::pages::reader_of(&w, store.as_ref(), &l.principal)?.lang;
        let unavailable = |e: imip_core::StoreError| WebError::Unavailable(e.to_string());
        let prefs = store.prefs(&l.principal).map_err(unavailable)?;
        let mut marks: Vec<String> = prefs
            .get(imip_core::prefs::USED_LINKS_PREF)
            .map(|v| v.split(' ').filter(|m| !m.is_empty()).map(str::to_string).collect())
            .unwrap_or_default();
        marks.push(mark);
        let keep = marks.len().saturating_sub(REMEMBERED_LINKS);
        store
            .set_pref(&l.principal, imip_core::prefs::USED_LINKS_PREF, Some(&marks[keep..].join(" ")))
            .map_err(unavailable)?;
        Ok((result, lang))
    })
    .await?;
    let page = super::pages::message_page(lang, &lang.text("web-thank-you", &[]), &result.text(lang));
    Ok((StatusCode::OK, page).into_response_ok())
}

trait IntoResponseOk {
    fn into_response_ok(self) -> Response;
}

impl<T: axum::response::IntoResponse> IntoResponseOk for T {
    fn into_response_ok(self) -> Response {
        self.into_response()
    }
}
