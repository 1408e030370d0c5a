//! `imip itip process|diff`: the engine's decision on files, for
//! debugging and for other programs (`--json`). Nothing is written.
//!
//! Both call [`imip_core::Engine::decide`], the one decision the agents
//! make too: with `--resources`, a resource of that directory answers by
//! its policies, and a VFREEBUSY request is answered, exactly as
//! `imip resource` and `imip person` would. Schedules are read from the
//! configured store with `--read-store`, else they are empty.

use super::address;
use crate::exit::{EX_DATAERR, EX_NOINPUT, Failure};
use crate::session::Session;
use imip_core::{
    CalAddress, Disposition, Effect, Incoming, Input, ItipMessage, LocalAction, MemStore, Outcome, Record,
    SchedulingObject, Store,
};
use serde_json::json;
use std::path::Path;

/// Processes one message (an .ics file or a whole mail) for `principal`.
pub(crate) fn process(
    session: &Session,
    principal: &str,
    stored: Option<&Path>,
    from: &[String],
    read_store: bool,
    json: bool,
    message: &Path,
) -> Result<(), Failure> {
    let principal = address(principal)?;
    let schedule: Box<dyn Store> =
        if read_store { session.open_existing_store()? } else { Box::new(MemStore::new()) };
    let raw = std::fs::read(message)
        .map_err(|e| Failure::new(EX_NOINPUT, format!("{}: {e}", message.display())))?;
    let mut senders: Vec<CalAddress> = from.iter().map(|a| address(a)).collect::<Result<_, _>>()?;
    let bare = looks_like_icalendar(&raw);
    let objects: Vec<SchedulingObject> = if bare {
        let text = String::from_utf8_lossy(&raw);
        vec![SchedulingObject::parse(&text).map_err(|v| data_error(message, &v.to_string()))?]
    } else {
        let mail = imip_core::imip::extract(&raw, &session.settings.limits.mail())
            .map_err(|e| data_error(message, &e.to_string()))?;
        if senders.is_empty() {
            senders = mail.senders.clone();
        }
        if mail.is_bounce {
            return report(session, &principal, &raw, senders, stored, schedule.as_ref(), json, message);
        }
        for problem in &mail.problems {
            eprintln!("imip: unusable {} part: {}", problem.content_type, problem.violation);
        }
        mail.parts.into_iter().map(|p| p.object).collect()
    };
    if objects.is_empty() {
        return Err(data_error(message, "no iTIP message in it"));
    }
    let mut record = match stored {
        Some(path) => Record { object: Some(read_object(path)?), ..Record::default() },
        None if read_store => match objects.first() {
            Some(first) => {
                schedule
                    .load(&principal, first.uid())
                    .map_err(|e| Failure::store(principal.as_str(), &e))?
                    .value
            }
            None => Record::default(),
        },
        None => Record::default(),
    };
    // A bare .ics names no sender: as the help says, it is then not
    // checked (an explicit --from is).
    let engine = if bare && senders.is_empty() {
        let config = imip_core::Config { verify_senders: false, ..session.engine.config().clone() };
        imip_core::Engine::new(config).map_err(|e| Failure::config(e.to_string()))?
    } else {
        session.engine.clone()
    };
    let mut results = Vec::new();
    for object in objects {
        let input = Input::Incoming(Incoming {
            principal: principal.clone(),
            senders: senders.clone(),
            message: object,
        });
        let outcome = engine
            .decide(session.now, &input, &record, &schedule)
            .map_err(|e| Failure::store(principal.as_str(), &e))?;
        record = record.apply(&outcome.effects);
        results.push(outcome);
    }
    print(json, &record, &results)
}

/// A delivery report (RFC 3464) run as the organizer's agent would
/// (`Input::Delivery`): against `--stored`, or with `--read-store` the
/// principal's copy, it shows the SCHEDULE-STATUS it sets.
#[allow(clippy::too_many_arguments)]
fn report(
    session: &Session,
    principal: &CalAddress,
    raw: &[u8],
    senders: Vec<CalAddress>,
    stored: Option<&Path>,
    schedule: &dyn Store,
    json: bool,
    message: &Path,
) -> Result<(), Failure> {
    use imip_core::imip::dsn;
    let Some(report) = dsn::read_report(raw) else {
        return Err(data_error(message, "a bounce without a readable delivery report"));
    };
    let Some(uid) = report.original_message_id.as_deref().and_then(dsn::uid_of) else {
        return Err(data_error(message, "a delivery report about a mail imip did not send"));
    };
    let record = match stored {
        Some(path) => Record { object: Some(read_object(path)?), ..Record::default() },
        None => schedule.load(principal, &uid).map_err(|e| Failure::store(principal.as_str(), &e))?.value,
    };
    let input = Input::Delivery { principal: principal.clone(), senders, uid, report };
    let outcome = session
        .engine
        .decide(session.now, &input, &record, &MemStore::new())
        .map_err(|e| Failure::store(principal.as_str(), &e))?;
    let record = record.apply(&outcome.effects);
    for notice in outcome.notices() {
        eprintln!("imip: {notice}");
    }
    print(json, &record, &[outcome])
}

/// The messages a change from `old` to `new` sends, as `principal`.
pub(crate) fn diff(
    session: &Session,
    principal: &str,
    old: Option<&Path>,
    new: Option<&Path>,
    json: bool,
) -> Result<(), Failure> {
    let principal = address(principal)?;
    let old = old.map(read_object).transpose()?;
    let new = new.map(read_object).transpose()?;
    let record = Record { object: old.clone(), ..Record::default() };
    let action = match (&old, new) {
        (_, Some(new)) => LocalAction::Save(new),
        (Some(old), None) => LocalAction::Delete { uid: old.uid().to_string() },
        (None, None) => return Err(Failure::new(crate::exit::EX_USAGE, "give --old, --new or both")),
    };
    let input = Input::Local { principal, action };
    let outcome = session
        .engine
        .decide(session.now, &input, &record, &MemStore::new())
        .map_err(|e| Failure::store("memory", &e))?;
    let record = record.apply(&outcome.effects);
    print(json, &record, &[outcome])
}

fn print(json: bool, record: &Record, outcomes: &[Outcome]) -> Result<(), Failure> {
    let messages: Vec<&ItipMessage> = outcomes
        .iter()
        .flat_map(|o| o.effects.iter())
        .filter_map(|e| match e {
            Effect::Send(message) => Some(message),
            _ => None,
        })
        .collect();
    let status: Vec<String> = outcomes.iter().map(|o| o.disposition.to_string()).collect();
    let refused = outcomes.iter().any(|o| matches!(o.disposition, Disposition::Refused(_)));
    if json {
        let value = json!({
            "status": status.join("; "),
            "refused": refused,
            "object": record.object.as_ref().map(|o| o.without_private_data().to_ics()),
            "messages": messages.iter().map(|m| json!({
                "method": m.method.as_str(),
                "from": m.from.as_str(),
                "to": m.to.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
                "significant": m.significant,
                "ical": m.to_ics(),
            })).collect::<Vec<_>>(),
        });
        crate::emit(&format!("{value:#}\n"))?;
        return Ok(());
    }
    let mut text = String::new();
    for (outcome, status) in outcomes.iter().zip(&status) {
        text.push_str(&format!("status: {status}\n"));
        for line in &outcome.trace {
            text.push_str(&format!("  {line}\n"));
        }
    }
    match &record.object {
        Some(object) => text.push_str(&format!(
            "\n# object\n{}",
            object.without_private_data().to_ics().replace("\r\n", "\n")
        )),
        None => text.push_str("\n# object: none\n"),
    }
    for message in messages {
        let to: Vec<&str> = message.to.iter().map(|a| a.as_str()).collect();
        text.push_str(&format!(
            "\n# {} from {} to {}{}\n{}",
            message.method,
            message.from,
            to.join(", "),
            if message.significant { "" } else { " (not significant)" },
            message.to_ics().replace("\r\n", "\n")
        ));
    }
    crate::emit(&text)
}

fn looks_like_icalendar(raw: &[u8]) -> bool {
    let start = raw.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
    raw[start..].len() >= 15 && raw[start..start + 15].eq_ignore_ascii_case(b"BEGIN:VCALENDAR")
}

fn read_object(path: &Path) -> Result<SchedulingObject, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::new(EX_NOINPUT, format!("{}: {e}", path.display())))?;
    SchedulingObject::parse(&text)
        .map(SchedulingObject::without_method)
        .map_err(|v| data_error(path, &v.to_string()))
}

fn data_error(path: &Path, reason: &str) -> Failure {
    Failure::new(EX_DATAERR, format!("{}: {reason}", path.display()))
}
