//! The pages: server-rendered HTML (maud escapes every value), one
//! style sheet from the site itself, no script.

use super::auth::User;
use super::done::Done;
use super::{Web, WebError, blocking};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use imip_core::freebusy::{WEEK, WorkingHours};
use imip_core::handle::{Resolved, handle, resolve};
use imip_core::model::PartStat;
use imip_core::prefs::PrefKey;
use imip_core::words::{Arg, Lang, Reader, agenda_days, agenda_title, card, entries};
use imip_core::{CalAddress, SchedulingObject, Store, Timestamp};
use maud::{DOCTYPE, Markup, html};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Query parameters, as given.
pub(crate) type Params = Query<BTreeMap<String, String>>;

/// The page around everything: navigation, who is signed in, and for
/// whom they act.
pub(crate) fn layout(
    title: &str,
    user: &User,
    principal: &CalAddress,
    web: &Web,
    lang: Lang,
    body: Markup,
) -> Markup {
    let t = |key: &str| lang.text(key, &[]);
    let owned = web.principals_of(&user.address);
    let q = |path: &str| format!("{path}?as={}", encode(principal.as_str()));
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · imip" }
                link rel="stylesheet" href="/style.css";
            }
            body {
                header {
                    a href=(q("/calendar")) { (t("web-calendar")) }
                    a href=(q("/pending")) { (t("web-waiting")) }
                    a href=(q("/new")) { (t("web-new-event")) }
                    a href=(q("/prefs")) { (t("web-preferences")) }
                    span class="who" {
                        (user.address.as_str())
                        @if owned.len() > 1 {
                            " · " (t("web-acting-for")) " "
                            @for p in &owned {
                                @if p == principal { strong { (p.as_str()) } } @else { a href=(format!("/calendar?as={}", encode(p.as_str()))) { (p.as_str()) } }
                                " "
                            }
                        }
                    }
                    form method="post" action="/logout" {
                        input type="hidden" name="csrf" value=(user.csrf);
                        button class="link" type="submit" { (t("web-sign-out")) }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// A page that only says something (errors, confirmations).
pub(crate) fn message_page(lang: Lang, title: &str, text: &str) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · imip" }
                link rel="stylesheet" href="/style.css";
            }
            body { main { h1 { (title) } div class="notice" { p { (text) } } p { a href="/calendar" { (lang.text("web-to-calendar", &[])) } } } }
        }
    }
}

/// The login page, in `lang` (the browser's language: nobody is signed
/// in yet); with `failed`, it says that the last try did not match.
pub(crate) fn login_page(lang: Lang, failed: bool) -> Markup {
    let t = |key: &str| lang.text(key, &[]);
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (t("web-sign-in")) " · imip" }
                link rel="stylesheet" href="/style.css";
            }
            body {
                main {
                    h1 { (t("web-sign-in-title")) }
                    @if failed { div class="notice error" { (t("web-login-wrong")) } }
                    form class="box" method="post" action="/login" {
                        label for="address" { (t("web-mail-address")) }
                        input type="email" id="address" name="address" autocomplete="username" required;
                        label for="password" { (t("web-password")) }
                        input type="password" id="password" name="password" autocomplete="current-password" required;
                        button type="submit" { (t("web-sign-in")) }
                    }
                }
            }
        }
    }
}

/// Percent-encodes a query value.
pub(crate) fn encode(text: &str) -> String {
    imip_core::words::percent_encode(text)
}

/// The principal a page is for: `as`, which the user must be allowed to
/// act for, else the user.
pub(crate) fn principal(
    web: &Web,
    user: &User,
    params: &BTreeMap<String, String>,
) -> Result<CalAddress, WebError> {
    let principal = match params.get("as") {
        Some(text) => WebError::address(text)?,
        None => user.address.clone(),
    };
    if !web.may_act_for(&user.address, &principal) {
        return Err(WebError::Forbidden);
    }
    Ok(principal)
}

/// The reader a principal is: their language and zone.
pub(crate) fn reader_of(web: &Web, store: &dyn Store, principal: &CalAddress) -> Result<Reader, WebError> {
    let prefs = store.prefs(principal).map_err(|e| WebError::Unavailable(e.to_string()))?;
    Ok(Reader::from_prefs(
        web.settings.pref(&prefs, PrefKey::Language.name()),
        web.settings.pref(&prefs, PrefKey::Zone.name()),
    ))
}

/// `GET /`.
pub(crate) async fn home() -> Redirect {
    Redirect::to("/calendar")
}

/// `GET /style.css`.
pub(crate) async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], include_str!("style.css")).into_response()
}

/// Which days a calendar view shows ([`imip_core::words::agenda_window`]).
fn window(view: &str, day: chrono::NaiveDate) -> Result<(chrono::NaiveDate, u32, bool), WebError> {
    imip_core::words::agenda_window(view, day)
        .ok_or_else(|| WebError::bad_about("web-error-not-a-view", view))
}

fn parse_date(text: &str) -> Result<chrono::NaiveDate, WebError> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| WebError::bad_about("web-error-not-a-date", text))
}

/// `GET /calendar?view=day|week|month|agenda&from=DATE&as=ADDR`.
pub(crate) async fn calendar(
    State(web): State<Arc<Web>>,
    user: User,
    Query(params): Params,
) -> Result<Markup, WebError> {
    let principal = principal(&web, &user, &params)?;
    let view = params.get("view").cloned().unwrap_or_else(|| "week".into());
    let from = params.get("from").map(|d| parse_date(d)).transpose()?;
    let w = web.clone();
    let p = principal.clone();
    let v = view.clone();
    let (title, days, reader, first) = blocking(move || {
        let store = w.store()?;
        let reader = reader_of(&w, store.as_ref(), &p)?;
        let today = w.now().to_chrono().with_timezone(&reader.zone).date_naive();
        let (first, count, skip_empty) = window(&v, from.unwrap_or(today))?;
        let start = local_midnight(first, reader.zone);
        let end = local_midnight(first + chrono::Days::new(u64::from(count)), reader.zone);
        let all = calendar_entries(&w, store.as_ref(), &p, start, end, reader.zone)?;
        let title = agenda_title(p.as_str(), first, count, &reader);
        Ok((title, agenda_days(&all, first, count, skip_empty, &reader), reader, first))
    })
    .await?;
    let step = |forward: bool| {
        let (_, count, _) = window(&view, first).unwrap_or((first, 7, false));
        let other = if view == "month" {
            if forward {
                first.checked_add_months(chrono::Months::new(1))
            } else {
                first.checked_sub_months(chrono::Months::new(1))
            }
        } else if forward {
            first.checked_add_days(chrono::Days::new(u64::from(count)))
        } else {
            first.checked_sub_days(chrono::Days::new(u64::from(count)))
        };
        format!("/calendar?as={}&view={view}&from={}", encode(principal.as_str()), other.unwrap_or(first))
    };
    let link = |v: &str| format!("/calendar?as={}&view={v}&from={first}", encode(principal.as_str()));
    let lang = reader.lang;
    let t = |key: &str| lang.text(key, &[]);
    let event_link = |uid: &str| format!("/event?as={}&e={}", encode(principal.as_str()), encode(uid));
    let body = html! {
        h1 { (title) }
        @if let Some(done) = done_text(&params, lang) { div class="notice ok" { (done) } }
        p class="views" {
            a href=(step(false)) { (t("web-earlier")) }
            a href=(link("day")) { (t("web-day")) }
            a href=(link("week")) { (t("web-week")) }
            a href=(link("month")) { (t("web-month")) }
            a href=(link("agenda")) { (t("web-next-30")) }
            a href=(step(true)) { (t("web-later")) }
        }
        @if days.is_empty() { div class="notice" { p { (t("web-nothing-in-days")) } } }
        @for day in &days {
            section class="day" {
                h2 { (day.heading) }
                @if day.lines.is_empty() { p class="muted" { (reader.lang.text("agenda-nothing", &[])) } }
                ul {
                    @for line in &day.lines {
                        li {
                            span class="when" { (line.when) }
                            a href=(event_link(&line.entry.uid)) { (line.entry.title) }
                            @if let Some(place) = &line.entry.location { span class="muted" { " · " (place) } }
                            " · "
                            @if line.entry.pending { span class="pending" { (line.part) " — " (t("web-waits")) } } @else { span class="muted" { (line.part) } }
                        }
                    }
                }
            }
        }
    };
    Ok(layout(&t("web-calendar"), &user, &principal, &web, reader.lang, body))
}

/// The calendar's entries between `start` and `end`. Within the
/// principal's expanded horizon, the events come from the store's index
/// of their own busy time (so a page costs what the window holds, not
/// what the calendar holds), together with everything that waits for an
/// answer; events that take no time (declined, TRANSP:TRANSPARENT) are
/// then not shown. Past the horizon every event is read.
pub(crate) fn calendar_entries(
    web: &Web,
    store: &dyn Store,
    principal: &CalAddress,
    start: Timestamp,
    end: Timestamp,
    zone: chrono_tz::Tz,
) -> Result<Vec<imip_core::words::AgendaEntry>, WebError> {
    let unavailable = |e: imip_core::StoreError| WebError::Unavailable(e.to_string());
    let pending: std::collections::BTreeSet<String> =
        store.pending(principal).map_err(unavailable)?.into_iter().map(|(uid, _)| uid).collect();
    let prefs = store.prefs(principal).map_err(unavailable)?;
    let known = web.engine.config().freebusy.known_until(&prefs, web.now());
    let uids: std::collections::BTreeSet<String> = if end <= known {
        let own = imip_core::freebusy::PeriodSet::Own;
        let mut uids: std::collections::BTreeSet<String> = store
            .periods(principal, &own, start, end)
            .map_err(unavailable)?
            .into_iter()
            .map(|p| p.uid.to_string())
            .collect();
        uids.extend(pending.iter().cloned());
        uids
    } else {
        store.uids(principal).map_err(unavailable)?.into_iter().collect()
    };
    let mut all = Vec::new();
    for uid in uids {
        if let Some(object) = store.load(principal, &uid).map_err(unavailable)?.value.object {
            all.extend(entries(&object, principal, pending.contains(&uid), start, end, zone));
        }
    }
    Ok(all)
}

/// Local midnight of `day` in `zone` (the first instant of the day).
pub(crate) fn local_midnight(day: chrono::NaiveDate, zone: chrono_tz::Tz) -> Timestamp {
    Timestamp::from_local(&zone, day.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// `GET /pending?as=ADDR`.
pub(crate) async fn pending(
    State(web): State<Arc<Web>>,
    user: User,
    Query(params): Params,
) -> Result<Markup, WebError> {
    let principal = principal(&web, &user, &params)?;
    let (w, p) = (web.clone(), principal.clone());
    let (lang, items) = blocking(move || {
        let store = w.store()?;
        let reader = reader_of(&w, store.as_ref(), &p)?;
        let unavailable = |e: imip_core::StoreError| WebError::Unavailable(e.to_string());
        let mut items = Vec::new();
        for (uid, request) in store.pending(&p).map_err(unavailable)? {
            let object = store.load(&p, &uid).map_err(unavailable)?.value.object;
            let title = object.as_ref().map(|o| o.title()).unwrap_or_default();
            let when = object
                .as_ref()
                .and_then(|o| o.first_span())
                .map_or_else(String::new, |(start, _)| short_time(start, reader.zone));
            items.push((uid, request.kind.to_string(), title, when));
        }
        Ok((reader.lang, items))
    })
    .await?;
    let t = |key: &str| lang.text(key, &[]);
    let body = html! {
        h1 { (t("web-waiting-title")) }
        @if items.is_empty() { div class="notice" { p { (t("web-nothing-waits")) } } }
        ul class="plain" {
            @for (uid, kind, title, when) in &items {
                li class="card" {
                    a href=(format!("/event?as={}&e={}", encode(principal.as_str()), encode(uid))) { strong { (title) } }
                    " · " (when) br;
                    span class="muted" { (kind) } " " span class="handle" { (handle(uid)) }
                }
            }
        }
    };
    Ok(layout(&t("web-waiting"), &user, &principal, &web, lang, body))
}

/// Finds the event a page names (`e`: a UID, or a handle) among the
/// principal's. A UID is looked up directly; only a six-character name
/// that is not a UID is resolved as a handle, which reads the list of the
/// principal's UIDs.
pub(crate) fn find_uid(store: &dyn Store, principal: &CalAddress, name: &str) -> Result<String, WebError> {
    if name.is_empty() || name.len() > 1024 {
        return Err(WebError::bad("web-error-name-event"));
    }
    let unavailable = |e: imip_core::StoreError| WebError::Unavailable(e.to_string());
    let held = |uid: &str| -> Result<bool, WebError> {
        Ok(store.load(principal, uid).map_err(unavailable)?.value.object.is_some())
    };
    if name.len() != imip_core::handle::HANDLE_CHARS && held(name)? {
        return Ok(name.to_string());
    }
    let uids = store.uids(principal).map_err(unavailable)?;
    match resolve(name, uids.iter().map(String::as_str)) {
        Resolved::Uid(uid) => Ok(uid),
        Resolved::Unknown => Err(WebError::not_found("web-error-no-such-event")),
        Resolved::Ambiguous(_) => Err(WebError::bad("web-error-ambiguous")),
    }
}

/// Everything the event page shows.
struct EventView {
    uid: String,
    object: SchedulingObject,
    card: imip_core::words::Card,
    organizing: bool,
    partstat: Option<PartStat>,
    answer_now: Option<String>,
    pending: Option<String>,
    held: bool,
    counters: Vec<(CalAddress, String)>,
    occurrences: Vec<(String, String)>,
    /// What else the person's calendar holds at the event's times:
    /// when (in their zone), the other event's title and UID.
    clashes: Vec<(String, String, String)>,
    zone: String,
    lang: Lang,
}

/// `GET /event?e=HANDLE&as=ADDR`.
pub(crate) async fn event(
    State(web): State<Arc<Web>>,
    user: User,
    Query(params): Params,
) -> Result<Markup, WebError> {
    let principal = principal(&web, &user, &params)?;
    let name = params.get("e").cloned().unwrap_or_default();
    let (w, p) = (web.clone(), principal.clone());
    let view = blocking(move || {
        let store = w.store()?;
        let uid = find_uid(store.as_ref(), &p, &name)?;
        let reader = reader_of(&w, store.as_ref(), &p)?;
        let record = store.load(&p, &uid).map_err(|e| WebError::Unavailable(e.to_string()))?.value;
        let object = record.object.ok_or_else(|| WebError::not_found("web-error-event-gone"))?;
        let organizing = object.organizer().is_some_and(|o| o.address == p);
        let partstat = object.attendee(&p).map(|a| a.partstat);
        let card = card(None, &object, &reader);
        let answer_now = partstat.map(|p| {
            let key = match p {
                PartStat::Accepted => "answer-accepted",
                PartStat::Declined => "answer-declined",
                PartStat::Tentative => "answer-tentative",
                PartStat::Delegated => "answer-delegated",
                _ => "answer-needs-action",
            };
            reader.lang.text(key, &[])
        });
        let counters = record
            .counters
            .iter()
            .map(|(from, proposal)| {
                let when = proposal.first_span().map_or_else(String::new, |(s, e)| {
                    format!("{} – {}", short_time(s, reader.zone), short_time(e, reader.zone))
                });
                (from.clone(), when)
            })
            .collect();
        // The occurrences of the coming year, or of the series' first
        // year when it starts later than that.
        let from = object.first_span().map_or(w.now(), |(start, _)| start.max(w.now()));
        let expansion = imip_core::freebusy::Expansion {
            zone: reader.zone,
            from: w.now(),
            until: Timestamp::from_seconds(from.seconds() + 366 * 86_400),
            max_occurrences: 12,
            max_scan: 10_000,
        };
        let spans: Vec<(Option<Timestamp>, Timestamp, Timestamp)> = if object.is_recurring() {
            imip_core::freebusy::expand(&object, &expansion)
                .occurrences
                .iter()
                .map(|o| (o.recurrence_id, o.start, o.end))
                .collect()
        } else {
            object.first_span().map(|(start, end)| (None, start, end)).into_iter().collect()
        };
        let local = |t: Timestamp| short_time(t, reader.zone);
        let occurrences = if object.is_recurring() {
            spans.iter().filter_map(|(rid, start, _)| rid.map(|rid| (rid.to_ical(), local(*start)))).collect()
        } else {
            Vec::new()
        };
        let clashes = clashes(store.as_ref(), &p, &uid, &spans)?
            .into_iter()
            .map(|period| {
                (
                    local(period.start),
                    period.summary.as_deref().unwrap_or_default().to_string(),
                    period.uid.to_string(),
                )
            })
            .collect();
        Ok(EventView {
            held: record.pending.as_ref().is_some_and(|p| p.kind == imip_core::PendingKind::Approval),
            pending: record.pending.map(|p| p.kind.to_string()),
            uid,
            object,
            card,
            organizing,
            partstat,
            answer_now,
            counters,
            occurrences,
            clashes,
            zone: reader.zone.name().to_string(),
            lang: reader.lang,
        })
    })
    .await?;
    let lang = view.lang;
    let done = done_text(&params, lang);
    let t = |key: &str| lang.text(key, &[]);
    let body = html! {
        h1 { (view.object.title()) }
        @if let Some(done) = done { div class="notice ok" { (done) } }
        @if let Some(pending) = &view.pending { div class="notice" { (t("web-waiting")) ": " (pending) } }
        (card_html(&view.card))
        @if !view.clashes.is_empty() {
            div class="notice" {
                (t("web-clashes"))
                ul {
                    @for (when, title, uid) in &view.clashes {
                        li {
                            (when) " "
                            a href=(format!("/event?as={}&e={}", encode(principal.as_str()), encode(uid))) {
                                @if title.is_empty() { (t("web-busy-untitled")) } @else { (title) }
                            }
                        }
                    }
                }
            }
        }
        p class="muted" { (t("web-short-name")) " " span class="handle" { (handle(&view.uid)) } }
        @if view.held {
            form class="box" method="post" action="/act/decide" {
                (hidden(&user, &principal, &view.uid))
                h2 { (t("web-approval-title")) }
                label for="c0" { (t("web-comment-optional")) }
                input type="text" id="c0" name="comment";
                button type="submit" name="decision" value="approve" { (t("web-approve")) }
                button class="danger" type="submit" name="decision" value="decline" { (t("web-decline")) }
            }
        }
        @if !view.organizing && view.partstat.is_some() && !view.held {
            form class="box" method="post" action="/act/answer" {
                (hidden(&user, &principal, &view.uid))
                h2 { (t("web-your-answer")) }
                @if let Some(now) = &view.answer_now { p class="muted" { (t("web-answer-now")) " " (now) } }
                @if !view.occurrences.is_empty() {
                    label for="instance" { (t("web-for")) }
                    select id="instance" name="instance" {
                        option value="" { (t("web-every-occurrence")) }
                        @for (rid, when) in &view.occurrences { option value=(rid) { (t("web-only")) " " (when) } }
                    }
                }
                label for="comment" { (t("web-comment-optional")) }
                input type="text" id="comment" name="comment" maxlength="1000";
                button type="submit" name="answer" value="ACCEPTED" { (t("web-accept")) }
                button class="secondary" type="submit" name="answer" value="TENTATIVE" { (t("web-tentative")) }
                button class="danger" type="submit" name="answer" value="DECLINED" { (t("web-decline")) }
            }
            form class="box" method="post" action="/act/counter" {
                (hidden(&user, &principal, &view.uid))
                h2 { (t("web-propose-title")) }
                (time_fields(&view.zone, lang))
                label for="location" { (t("web-place")) }
                input type="text" id="location" name="location" maxlength="500";
                label for="ccomment" { (t("web-comment")) }
                input type="text" id="ccomment" name="comment" maxlength="1000";
                button type="submit" { (t("web-send-proposal")) }
            }
            form class="box" method="post" action="/act/delegate" {
                (hidden(&user, &principal, &view.uid))
                h2 { (t("web-delegate-title")) }
                label for="to" { (t("web-their-address")) }
                input type="email" id="to" name="to" required;
                label for="dcomment" { (t("web-comment")) }
                input type="text" id="dcomment" name="comment" maxlength="1000";
                button class="secondary" type="submit" { (t("web-delegate")) }
            }
        }
        @if view.organizing {
            @for (from, when) in &view.counters {
                form class="box" method="post" action="/act/decide" {
                    (hidden(&user, &principal, &view.uid))
                    input type="hidden" name="from" value=(from.as_str());
                    h2 { (from.as_str()) " " (t("web-proposes")) " " (when) }
                    label for=(format!("r-{}", from.as_str())) { (t("web-comment-optional")) }
                    input type="text" id=(format!("r-{}", from.as_str())) name="comment";
                    button type="submit" name="decision" value="approve" { (t("web-accept-proposal")) }
                    button class="danger" type="submit" name="decision" value="decline" { (t("web-decline-proposal")) }
                }
            }
            form class="box" method="post" action="/act/edit" {
                (hidden(&user, &principal, &view.uid))
                h2 { (t("web-change-title")) }
                label for="title" { (t("web-title")) }
                input type="text" id="title" name="title" maxlength="500";
                (time_fields(&view.zone, lang))
                label for="elocation" { (t("web-place")) }
                input type="text" id="elocation" name="location" maxlength="500";
                label for="invite" { (t("web-invite")) }
                input type="text" id="invite" name="invite";
                label for="uninvite" { (t("web-uninvite")) }
                input type="text" id="uninvite" name="uninvite";
                button type="submit" { (t("web-send-update")) }
            }
            @if !view.occurrences.is_empty() {
                form class="box" method="post" action="/act/cancel" {
                    (hidden(&user, &principal, &view.uid))
                    h2 { (t("web-cancel-occurrence-title")) }
                    p class="muted" { (t("web-cancel-occurrence-note")) }
                    label for="cinstance" { (t("web-which-occurrence")) }
                    select id="cinstance" name="instance" required {
                        @for (rid, when) in &view.occurrences { option value=(rid) { (when) } }
                    }
                    button class="danger" type="submit" { (t("web-cancel-occurrence-title")) }
                }
            }
            form class="box" method="post" action="/act/cancel" {
                (hidden(&user, &principal, &view.uid))
                h2 { (t("web-cancel-title")) }
                p class="muted" { (t("web-cancel-note")) }
                button class="danger" type="submit" { (t("web-cancel-title")) }
            }
        }
    };
    Ok(layout(&view.object.title(), &user, &principal, &web, lang, body))
}

/// An instant as `YYYY-MM-DD HH:MM` in `zone`, for lists and menus.
fn short_time(at: Timestamp, zone: chrono_tz::Tz) -> String {
    at.to_chrono().with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string()
}

/// The periods of `principal`'s own calendar, other than `uid`'s, that
/// overlap one of `spans` (the event's occurrences shown): one query
/// over the window the spans cover, at most 20 found.
fn clashes(
    store: &dyn imip_core::Store,
    principal: &CalAddress,
    uid: &str,
    spans: &[(Option<Timestamp>, Timestamp, Timestamp)],
) -> Result<Vec<imip_core::freebusy::BusyPeriod>, WebError> {
    let (Some(from), Some(to)) = (spans.iter().map(|s| s.1).min(), spans.iter().map(|s| s.2).max()) else {
        return Ok(Vec::new());
    };
    let own = store
        .periods(principal, &imip_core::freebusy::PeriodSet::Own, from, to)
        .map_err(|e| WebError::Unavailable(e.to_string()))?;
    Ok(own
        .into_iter()
        .filter(|period| {
            *period.uid != *uid && spans.iter().any(|(_, start, end)| period.overlaps(*start, *end))
        })
        .take(20)
        .collect())
}

/// The fields every form carries: CSRF token, principal, event.
fn hidden(user: &User, principal: &CalAddress, uid: &str) -> Markup {
    html! {
        input type="hidden" name="csrf" value=(user.csrf);
        input type="hidden" name="as" value=(principal.as_str());
        input type="hidden" name="uid" value=(uid);
    }
}

/// Start, end and zone inputs.
pub(crate) fn time_fields(zone: &str, lang: Lang) -> Markup {
    let t = |key: &str| lang.text(key, &[]);
    html! {
        label for="start" { (t("web-start")) }
        input type="datetime-local" id="start" name="start";
        label for="end" { (t("web-end")) }
        input type="datetime-local" id="end" name="end";
        label for="zone" { (t("web-zone")) }
        input type="text" id="zone" name="zone" value=(zone);
    }
}

/// A summary card, with classes instead of inline styles (the page's
/// Content-Security-Policy allows no inline style).
pub(crate) fn card_html(card: &imip_core::words::Card) -> Markup {
    html! {
        div class="card" {
            @if let Some(headline) = &card.headline { p class="headline" { (headline) } }
            @if let Some(comment) = &card.comment { blockquote { (comment) } }
            table {
                @for (label, lines) in &card.rows {
                    tr { th { (label) } td { @for (i, line) in lines.iter().enumerate() { @if i > 0 { br; } (line) } } }
                }
            }
            @if let Some((label, text)) = &card.description {
                p class="muted" { (label) }
                p class="description" { (text) }
            }
        }
    }
}

/// One participant's busy times on the day the slot finder looks at.
struct Busy {
    who: String,
    /// Where the times come from, in words.
    source: &'static str,
    spans: Vec<(Timestamp, Timestamp)>,
}

/// The busy times of `who` between `from` and `to`, as `organizer` may
/// know them: a local user's or room's own schedule when they share it,
/// else what `organizer` learned from their replies and published
/// free/busy (freebusy-other).
fn busy_of(
    web: &Web,
    store: &dyn Store,
    organizer: &CalAddress,
    who: &CalAddress,
    from: Timestamp,
    to: Timestamp,
) -> Result<Busy, WebError> {
    let unavailable = |e: imip_core::StoreError| WebError::Unavailable(e.to_string());
    let config = web.engine.config();
    let local = who == organizer || store.principals().map_err(unavailable)?.contains(who);
    let prefs = store.prefs(who).map_err(unavailable)?;
    let by_default = config.share_freebusy_by_default || config.resources.resource(who).is_some();
    if local && (who == organizer || imip_core::freebusy::shares_freebusy(&prefs, by_default)) {
        let busy = imip_core::freebusy::busy_time(store, who, from, to, &config.freebusy, web.now())
            .map_err(unavailable)?;
        return Ok(Busy {
            who: who.to_string(),
            source: "their calendar",
            spans: busy.iter().map(|b| (b.start, b.end)).collect(),
        });
    }
    let learned = imip_core::freebusy::PeriodSet::Other(who.clone());
    let periods = store.periods(organizer, &learned, from, to).map_err(unavailable)?;
    Ok(Busy {
        who: who.to_string(),
        source: if periods.is_empty() { "nothing known" } else { "what they have told you" },
        spans: periods.iter().map(|p| (p.start, p.end)).collect(),
    })
}

/// Free slots of `minutes` between 08:00 and 18:00 on `day` in `zone`,
/// every half hour, where nobody is busy: at most `count`.
fn free_slots(
    day: chrono::NaiveDate,
    zone: chrono_tz::Tz,
    minutes: i64,
    busy: &[Busy],
    count: usize,
) -> Vec<(chrono::NaiveDateTime, chrono::NaiveDateTime)> {
    let mut slots = Vec::new();
    let mut start = day.and_hms_opt(8, 0, 0).unwrap_or_default();
    let last = day.and_hms_opt(18, 0, 0).unwrap_or_default();
    while start + chrono::TimeDelta::minutes(minutes) <= last && slots.len() < count {
        let end = start + chrono::TimeDelta::minutes(minutes);
        let (s, e) = (Timestamp::from_local(&zone, start), Timestamp::from_local(&zone, end));
        if !busy.iter().any(|b| b.spans.iter().any(|(bs, be)| *bs < e && *be > s)) {
            slots.push((start, end));
        }
        start += chrono::TimeDelta::minutes(30);
    }
    slots
}

/// `GET /new?as=ADDR`: the form for a new event, with a slot finder:
/// given a day, the people and the room, it shows who is busy when (from
/// the local store and from learned free/busy) and suggests free slots.
pub(crate) async fn new_event(
    State(web): State<Arc<Web>>,
    user: User,
    Query(params): Params,
) -> Result<Markup, WebError> {
    let principal = principal(&web, &user, &params)?;
    let day = params.get("day").filter(|d| !d.is_empty()).map(|d| parse_date(d)).transpose()?;
    let minutes: i64 = match params.get("length").filter(|l| !l.is_empty()) {
        Some(text) => text
            .parse()
            .ok()
            .filter(|m| (15..=600).contains(m))
            .ok_or_else(|| WebError::bad_about("web-error-length", text))?,
        None => 60,
    };
    let mut wanted: Vec<CalAddress> = Vec::new();
    for key in ["attendees", "room"] {
        for text in params
            .get(key)
            .map(String::as_str)
            .unwrap_or("")
            .split([',', ' ', ';'])
            .filter(|t| !t.is_empty())
            .take(50)
        {
            wanted.push(WebError::address(text)?);
        }
    }
    let (w, p) = (web.clone(), principal.clone());
    let (reader, finder) = blocking(move || {
        let store = w.store()?;
        let reader = reader_of(&w, store.as_ref(), &p)?;
        let zone = reader.zone;
        let Some(day) = day else { return Ok((reader, None)) };
        let (from, to) = (local_midnight(day, zone), local_midnight(day + chrono::Days::new(1), zone));
        let mut busy = vec![busy_of(&w, store.as_ref(), &p, &p, from, to)?];
        for who in wanted.iter().filter(|a| **a != p) {
            busy.push(busy_of(&w, store.as_ref(), &p, who, from, to)?);
        }
        let slots = free_slots(day, zone, minutes, &busy, 6);
        Ok((reader, Some((day, busy, slots))))
    })
    .await?;
    let (zone, lang) = (reader.zone, reader.lang);
    let zone_name = zone.name().to_string();
    let t = |key: &str| lang.text(key, &[]);
    let rooms: Vec<String> = web.settings.resources.resources().map(|r| r.address.to_string()).collect();
    let given = |key: &str| params.get(key).cloned().unwrap_or_default();
    let clock = |t: Timestamp| t.to_chrono().with_timezone(&zone).format("%H:%M").to_string();
    let body = html! {
        h1 { (t("web-new-event")) }
        form class="box" method="get" action="/new" {
            input type="hidden" name="as" value=(principal.as_str());
            h2 { (t("web-find-time")) }
            label for="day" { (t("web-day")) }
            input type="date" id="day" name="day" value=(given("day"));
            label for="fattendees" { (t("web-people")) }
            input type="text" id="fattendees" name="attendees" value=(given("attendees"));
            @if !rooms.is_empty() {
                label for="froom" { (t("web-room")) }
                select id="froom" name="room" {
                    option value="" { (t("web-none")) }
                    @for room in &rooms { option value=(room) selected[given("room") == *room] { (room) } }
                }
            }
            label for="length" { (t("web-length")) }
            input type="text" id="length" name="length" value=(minutes);
            button class="secondary" type="submit" { (t("web-show-busy")) }
        }
        @if let Some((day, busy, slots)) = &finder {
            div class="card" {
                h2 { (t("web-busy-on")) " " (day) " (" (zone_name) ")" }
                table {
                    @for b in busy {
                        tr {
                            th { (b.who) }
                            td {
                                @if b.spans.is_empty() { span class="muted" { "free (" (b.source) ")" } }
                                @for (i, (s, e)) in b.spans.iter().enumerate() { @if i > 0 { ", " } (clock(*s)) "–" (clock(*e)) }
                            }
                        }
                    }
                }
                h2 { (t("web-free-for-all")) }
                @if slots.is_empty() { p class="muted" { (t("web-no-free-slot")) } }
                ul class="plain" {
                    @for (s, e) in slots { li { (s.format("%H:%M")) "–" (e.format("%H:%M")) } }
                }
            }
        }
        form class="box" method="post" action="/act/create" {
            input type="hidden" name="csrf" value=(user.csrf);
            input type="hidden" name="as" value=(principal.as_str());
            h2 { (t("web-the-event")) }
            label for="title" { (t("web-title")) }
            input type="text" id="title" name="title" required maxlength="500";
            label for="start" { (t("web-start")) }
            input type="datetime-local" id="start" name="start" value=(finder.as_ref().and_then(|(_, _, s)| s.first()).map(|(s, _)| s.format("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default());
            label for="end" { (t("web-end")) }
            input type="datetime-local" id="end" name="end" value=(finder.as_ref().and_then(|(_, _, s)| s.first()).map(|(_, e)| e.format("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default());
            label for="zone" { (t("web-zone")) }
            input type="text" id="zone" name="zone" value=(zone_name);
            label for="location" { (t("web-place")) }
            input type="text" id="location" name="location" maxlength="500";
            label for="attendees" { (t("web-invite")) }
            input type="text" id="attendees" name="attendees" value=(given("attendees"));
            @if !rooms.is_empty() {
                label for="room" { (t("web-room")) }
                select id="room" name="room" {
                    option value="" { (t("web-none")) }
                    @for room in &rooms { option value=(room) selected[given("room") == *room] { (room) } }
                }
            }
            label for="repeat" { (t("web-repeats")) }
            select id="repeat" name="repeat" {
                option value="" { (t("web-once")) }
                option value="FREQ=DAILY;COUNT=5" { (t("web-daily-5")) }
                option value="FREQ=WEEKLY;COUNT=4" { (t("web-weekly-4")) }
                option value="FREQ=WEEKLY;COUNT=10" { (t("web-weekly-10")) }
                option value="FREQ=MONTHLY;COUNT=6" { (t("web-monthly-6")) }
            }
            label for="description" { (t("web-description")) }
            textarea id="description" name="description" maxlength="5000" {}
            button type="submit" { (t("web-create")) }
        }
    };
    Ok(layout(&lang.text("web-new-event", &[]), &user, &principal, &web, lang, body))
}

/// `GET /prefs?as=ADDR`.
pub(crate) async fn prefs(
    State(web): State<Arc<Web>>,
    user: User,
    Query(params): Params,
) -> Result<Markup, WebError> {
    let principal = principal(&web, &user, &params)?;
    let (w, p) = (web.clone(), principal.clone());
    let (values, feed, reader) = blocking(move || {
        let store = w.store()?;
        let reader = reader_of(&w, store.as_ref(), &p)?;
        let own = store.prefs(&p).map_err(|e| WebError::Unavailable(e.to_string()))?;
        let values: BTreeMap<String, String> = PrefKey::ALL
            .iter()
            .filter_map(|k| w.settings.pref(&own, k.name()).map(|v| (k.name().to_string(), v.to_string())))
            .collect();
        let feed = own.get(imip_core::prefs::FEED_PREF).map(|generation| {
            format!("/feed/{}", w.signer.sign("feed", &[p.as_str(), generation], i64::MAX))
        });
        Ok((values, feed, reader))
    })
    .await?;
    let lang = reader.lang;
    let t = |key: &str| lang.text(key, &[]);
    let value = |key: PrefKey| values.get(key.name()).cloned().unwrap_or_default();
    let select = |key: PrefKey, options: &[(&str, String)]| {
        let current = value(key);
        html! {
            select id=(key.name()) name=(key.name()) {
                @for (v, label) in options { option value=(v) selected[current == *v] { (label) } }
            }
        }
    };
    let body = html! {
        h1 { (t("web-preferences")) }
        @if let Some(done) = done_text(&params, lang) { div class="notice ok" { (done) } }
        form class="box" method="post" action="/act/prefs" {
            input type="hidden" name="csrf" value=(user.csrf);
            input type="hidden" name="as" value=(principal.as_str());
            label for="CN" { (t("web-your-name")) }
            input type="text" id="CN" name="CN" value=(value(PrefKey::Name)) maxlength="200";
            label for="LANG" { (t("web-language")) }
            (select(PrefKey::Language, &[("en", "English".to_string()), ("de", "Deutsch".to_string()), ("da", "Dansk".to_string()), ("nb", "Norsk bokmål".to_string())]))
            label for="TZID" { (t("web-zone")) }
            input type="text" id="TZID" name="TZID" value=(value(PrefKey::Zone)) placeholder="Europe/Oslo";
            // What the zone field said, so that the working hours follow
            // a zone changed on this form (see `actions::working_hours`).
            input type="hidden" name="TZID-shown" value=(value(PrefKey::Zone));
            label for="incoming" { (t("web-incoming")) }
            (select(PrefKey::Incoming, &[
                ("summary-wraps-message", t("web-incoming-wrap")),
                ("summary-then-message", t("web-incoming-summary-then")),
                ("message-then-summary", t("web-incoming-message-then")),
                ("summary-only", t("web-incoming-summary-only")),
                ("message-only", t("web-incoming-message-only")),
            ]))
            label for="participating" { (t("web-agent")) }
            (select(PrefKey::Participating, &[("participate", t("web-agent-on")), ("no", t("web-agent-off"))]))
            label for="freebusy_sharing" { (t("web-sharing")) }
            (select(PrefKey::Sharing, &[("share", t("web-sharing-on")), ("no", t("web-sharing-off"))]))
            label for="freebusy_publishing" { (t("web-publishing")) }
            (select(PrefKey::Publishing, &[("publish", t("web-publishing-on")), ("no", t("web-publishing-off"))]))
            (availability_fields(values.get(PrefKey::Availability.name()), &reader))
            button type="submit" { (t("web-save")) }
        }
        form class="box" method="post" action="/act/feed" {
            input type="hidden" name="csrf" value=(user.csrf);
            input type="hidden" name="as" value=(principal.as_str());
            h2 { (t("web-feed-title")) }
            @if let Some(feed) = &feed {
                p { (t("web-feed-subscribe")) }
                p { code { (feed) } }
                button class="secondary" type="submit" name="feed" value="new" { (t("web-feed-new")) }
                button class="danger" type="submit" name="feed" value="off" { (t("web-feed-off")) }
            } @else {
                p class="muted" { (t("web-feed-none")) }
                button type="submit" name="feed" value="new" { (t("web-feed-make")) }
            }
        }
    };
    Ok(layout(&lang.text("web-preferences", &[]), &user, &principal, &web, lang, body))
}

/// The availability on the preferences form: working hours, a row per
/// day (fields `day-mon`, `from-mon`, `until-mon`…), when the stored availability is working hours or none
/// ([`WorkingHours::read`]); else its text as written, so that saving
/// the form loses nothing of it.
fn availability_fields(stored: Option<&String>, reader: &Reader) -> Markup {
    let lang = reader.lang;
    let t = |key: &str| lang.text(key, &[]);
    let hours = match stored {
        None => Some(WorkingHours::none(reader.zone)),
        // Two spans a day fit the form (a break at lunch); more are
        // kept as text.
        Some(text) => WorkingHours::read(text).filter(|h| h.days.iter().all(|spans| spans.len() <= 2)),
    };
    let Some(hours) = hours else {
        return html! {
            label for="availability" { (t("web-availability")) }
            p class="muted" { (t("web-availability-hint")) }
            textarea id="availability" name="availability" { (stored.map(String::as_str).unwrap_or_default()) }
        };
    };
    let zone = hours.zone.name();
    let clock = |time: chrono::NaiveTime| time.format("%H:%M").to_string();
    html! {
        fieldset class="hours" {
            legend { (t("web-hours")) }
            p class="muted" { (lang.text("web-hours-hint", &[("zone", Arg::Text(zone))])) }
            input type="hidden" name="hours" value="1";
            input type="hidden" name="hours-zone" value=(zone);
            @for (day, kept) in WEEK.iter().zip(&hours.days) {
                @let code = imip_core::freebusy::day_name(*day);
                @let (first, second) = (kept.first(), kept.get(1));
                div class="row" {
                    label class="dayname" {
                        input type="checkbox" name=(format!("day-{code}")) value="on" checked[!kept.is_empty()];
                        " " (lang.weekday_name(*day))
                    }
                    label for=(format!("from-{code}")) { (t("web-hours-from")) }
                    input type="time" id=(format!("from-{code}")) name=(format!("from-{code}"))
                        value=(first.map_or("09:00".to_string(), |h| clock(h.from)));
                    label for=(format!("until-{code}")) { (t("web-hours-until")) }
                    input type="time" id=(format!("until-{code}")) name=(format!("until-{code}"))
                        value=(first.map_or("17:00".to_string(), |h| clock(h.until)));
                    // A second span, for a day with a break; empty unless set.
                    label for=(format!("from2-{code}")) { (t("web-hours-and")) }
                    input type="time" id=(format!("from2-{code}")) name=(format!("from2-{code}"))
                        value=(second.map(|h| clock(h.from)).unwrap_or_default());
                    label for=(format!("until2-{code}")) { (t("web-hours-until")) }
                    input type="time" id=(format!("until2-{code}")) name=(format!("until2-{code}"))
                        value=(second.map(|h| clock(h.until)).unwrap_or_default());
                }
            }
        }
    }
}

/// `GET /rsvp?t=TOKEN`: what the link answers, and a button to do it.
/// Opening it changes nothing, so mail scanners that follow links answer
/// for nobody.
pub(crate) async fn rsvp_page(
    State(web): State<Arc<Web>>,
    Query(params): Params,
) -> Result<Markup, WebError> {
    let token = params.get("t").cloned().unwrap_or_default();
    let link = super::actions::read_link(&web, &token)?;
    let w = web.clone();
    let l = link.clone();
    let (title, card, lang) = blocking(move || {
        let store = w.store()?;
        let reader = reader_of(&w, store.as_ref(), &l.principal)?;
        let object = store
            .load(&l.principal, &l.uid)
            .map_err(|e| WebError::Unavailable(e.to_string()))?
            .value
            .object
            .ok_or_else(|| WebError::not_found("web-error-event-gone"))?;
        Ok((object.title(), card(None, &object, &reader), reader.lang))
    })
    .await?;
    let answer = lang.text(
        match link.partstat {
            PartStat::Accepted => "link-accept",
            PartStat::Tentative => "link-tentative",
            _ => "link-decline",
        },
        &[],
    );
    Ok(html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (answer) " · imip" }
                link rel="stylesheet" href="/style.css";
            }
            body {
                main {
                    h1 { (answer) ": " (title) "?" }
                    p { (lang.text("web-for", &[])) " " (link.principal.as_str()) }
                    (card_html(&card))
                    form class="box" method="post" action="/rsvp" {
                        input type="hidden" name="t" value=(token);
                        label for="comment" { (lang.text("web-comment-optional", &[])) }
                        input type="text" id="comment" name="comment" maxlength="1000";
                        button type="submit" { (answer) }
                    }
                }
            }
        }
    })
}

/// `GET /freebusy/ADDRESS`: the user's VFREEBUSY for the next 90 days,
/// when they share and publish it (resources by default).
pub(crate) async fn freebusy(
    State(web): State<Arc<Web>>,
    Path(address): Path<String>,
) -> Result<Response, WebError> {
    let address = address.strip_suffix(".ifb").unwrap_or(&address).to_string();
    let user = WebError::address(&address)?;
    let w = web.clone();
    let text = blocking(move || {
        let store = w.store()?;
        let unavailable = |e: imip_core::StoreError| WebError::Unavailable(e.to_string());
        let prefs = store.prefs(&user).map_err(unavailable)?;
        let is_resource = w.engine.config().resources.resource(&user).is_some();
        let shares_by_default = w.engine.config().share_freebusy_by_default || is_resource;
        if !imip_core::freebusy::publishes_freebusy(&prefs, shares_by_default, is_resource) {
            return Err(WebError::not_found("web-error-freebusy-unpublished"));
        }
        let now = w.now();
        let to = Timestamp::from_seconds(now.seconds() + 90 * 86_400);
        let config = &w.engine.config().freebusy;
        let busy = imip_core::freebusy::busy_time(store.as_ref(), &user, now, to, config, now)
            .map_err(unavailable)?;
        let uid = format!("freebusy-{}", user.as_str());
        Ok(imip_core::freebusy::FreeBusyMessage {
            method: imip_core::Method::Publish,
            uid: &uid,
            stamp: now,
            from: now,
            to,
            organizer: &user,
            attendee: None,
            busy: &busy,
            comment: None,
            prodid: &w.engine.config().prodid,
        }
        .to_ics())
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "text/calendar; charset=utf-8")], text).into_response())
}

/// `GET /feed/TOKEN`: the user's calendar, read only, for a calendar
/// app; the token names the user and the feed's generation.
pub(crate) async fn feed(
    State(web): State<Arc<Web>>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let token = token.strip_suffix(".ics").unwrap_or(&token).to_string();
    let fields = web
        .signer
        .verify("feed", &token, web.now().seconds())
        .map_err(|_| WebError::not_found("web-error-no-feed"))?;
    let [address, generation] = fields.as_slice() else {
        return Err(WebError::not_found("web-error-no-feed"));
    };
    let user = CalAddress::parse(address).ok_or_else(|| WebError::not_found("web-error-no-feed"))?;
    let generation = generation.clone();
    let w = web.clone();
    let text = blocking(move || {
        let store = w.store()?;
        let unavailable = |e: imip_core::StoreError| WebError::Unavailable(e.to_string());
        let prefs = store.prefs(&user).map_err(unavailable)?;
        if prefs.get(imip_core::prefs::FEED_PREF) != Some(&generation) {
            return Err(WebError::not_found("web-error-feed-off"));
        }
        let mut objects = Vec::new();
        for uid in store.uids(&user).map_err(unavailable)? {
            if let Some(object) = store.load(&user, &uid).map_err(unavailable)?.value.object {
                objects.push(object.without_private_data());
            }
        }
        Ok(feed_text(&objects, &w.engine.config().prodid))
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "text/calendar; charset=utf-8")], text).into_response())
}

/// One VCALENDAR of every object's components, each VTIMEZONE once.
fn feed_text(objects: &[SchedulingObject], prodid: &str) -> String {
    let mut zones: BTreeMap<String, String> = BTreeMap::new();
    let mut events = String::new();
    for object in objects {
        let ics = object.to_ics();
        let mut depth = 0usize;
        let mut block = String::new();
        let mut tzid: Option<String> = None;
        for line in ics.split_inclusive("\r\n") {
            let bare = line.trim_end_matches("\r\n");
            if bare.starts_with("BEGIN:") && bare != "BEGIN:VCALENDAR" {
                depth += 1;
            }
            if depth > 0 {
                block.push_str(line);
                if depth == 1 && bare.starts_with("TZID:") {
                    tzid = Some(bare["TZID:".len()..].to_string());
                }
            }
            if bare.starts_with("END:") && bare != "END:VCALENDAR" {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    match tzid.take() {
                        Some(id) if bare == "END:VTIMEZONE" => {
                            zones.entry(id).or_insert_with(|| std::mem::take(&mut block));
                        }
                        _ => events.push_str(&block),
                    }
                    block.clear();
                }
            }
        }
    }
    let mut out = format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{prodid}\r\nCALSCALE:GREGORIAN\r\n");
    for zone in zones.values() {
        out.push_str(zone);
    }
    out.push_str(&events);
    out.push_str("END:VCALENDAR\r\n");
    out
}

/// What the page says of the action that led to it (`done=CODE`), in
/// `lang`: nothing for a code that names no result.
fn done_text(params: &BTreeMap<String, String>, lang: Lang) -> Option<String> {
    params.get("done").and_then(|code| Done::from_code(code)).map(|done| done.text(lang))
}

/// A 303 to `path`, whose page says what came of the action ([`Done`]).
pub(crate) fn done(path: &str, principal: &CalAddress, extra: &str, result: Done) -> Response {
    let location = format!("{path}?as={}{extra}&done={}", encode(principal.as_str()), result.code());
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}
