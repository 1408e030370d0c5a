//! One module per group of commands; `run` dispatches.

pub(crate) mod agents;
mod itip;
mod organize;
mod upkeep;
mod users;

use crate::args::{
    Cli, Command, EventCommand, FreebusyCommand, ItipCommand, OutboxCommand, PolicyCommand, PrefsCommand,
    StoreCommand, WebCommand,
};
use crate::exit::{EX_NOINPUT, EX_USAGE, Failure};
use crate::session::Session;
use imip_core::CalAddress;
use std::io::Read;
use std::path::PathBuf;

/// Runs the command line.
pub(crate) fn run(cli: Cli) -> Result<(), Failure> {
    if let Command::Policy { command: PolicyCommand::Check { file } } = &cli.command {
        return policy_check(file);
    }
    // An agent given --server hands its mail over; without a server
    // there, it goes on here.
    let mut raw = match crate::agent_server::hand_over(&cli) {
        crate::agent_server::Handover::Done(result) => return result,
        crate::agent_server::Handover::Here(raw) => raw,
    };
    let mut session = Session::start(&cli.common)?;
    if let Command::Web { command: None, listen } = cli.command {
        return crate::web::serve(session, listen);
    }
    if let Command::Serve { socket } = &cli.command {
        return crate::agent_server::serve(&cli.common, session, socket);
    }
    let mut mail = |file: Option<&PathBuf>| match raw.take() {
        Some(raw) => Ok(raw),
        None => read_message(file),
    };
    let session = &mut session;
    match cli.command {
        Command::Web { command: Some(WebCommand::Passwd { address }), .. } => passwd(session, &address),
        Command::Web { command: None, .. } => unreachable!("served above"),
        Command::Person { recipients, envelope_from, message, .. } => {
            agents::person(session, &recipients, envelope_from.as_deref(), mail(message.as_ref())?)
        }
        Command::PersonOutgoing { user, message, .. } => {
            agents::person_outgoing(session, user.as_deref(), mail(message.as_ref())?)
        }
        Command::Resource { recipients, message, .. } => {
            agents::resource(session, &recipients, mail(message.as_ref())?)
        }
        Command::Serve { .. } => unreachable!("served above"),
        Command::Itip {
            command: ItipCommand::Process { principal, stored, from, read_store, json, message },
        } => itip::process(session, &principal, stored.as_deref(), &from, read_store, json, &message),
        Command::Itip { command: ItipCommand::Diff { principal, old, new, json } } => {
            itip::diff(session, &principal, old.as_deref(), new.as_deref(), json)
        }
        Command::Freebusy { command: Some(FreebusyCommand::Publish { dir, days }), .. } => {
            users::publish(session, dir, days)
        }
        Command::Freebusy { command: None, user, from, to } => {
            let user =
                user.ok_or_else(|| Failure::new(EX_USAGE, "give --user ADDR (or `freebusy publish`)"))?;
            users::show(session, &user, from.as_deref(), to.as_deref())
        }
        Command::InitUser { address, resource } => users::init_user(session, &address, resource),
        Command::Prefs { command } => match command {
            PrefsCommand::Get { user, key } => users::prefs_get(session, &user, &key),
            PrefsCommand::Set { user, key, value } => users::prefs_set(session, &user, &key, Some(&value)),
            PrefsCommand::Unset { user, key } => users::prefs_set(session, &user, &key, None),
            PrefsCommand::List { user } => users::prefs_list(session, &user),
            PrefsCommand::Hours { user, hours, zone } => {
                users::prefs_hours(session, &user, hours.as_deref(), zone.as_deref())
            }
        },
        Command::Policy { .. } => unreachable!("handled above"),
        Command::Pending { user } => users::pending(session, user.as_deref()),
        Command::Approve { principal, uid, from } => {
            users::decide(session, &principal, &uid, from.as_deref(), true, None)
        }
        Command::Decline { principal, uid, from, comment } => {
            users::decide(session, &principal, &uid, from.as_deref(), false, comment)
        }
        Command::Refresh { principal, uid } => users::ask(session, &principal, &uid, None),
        Command::Delegate { principal, uid, to, comment } => {
            users::ask(session, &principal, &uid, Some((&to, comment)))
        }
        Command::Counter { principal, uid, time, location, comment } => {
            organize::counter(session, &principal, &uid, &time, location, comment)
        }
        Command::Event { command } => match command {
            EventCommand::Create {
                principal,
                title,
                time,
                location,
                description,
                attendees,
                rooms,
                repeat,
            } => organize::create(
                session,
                &principal,
                title,
                &time,
                location,
                description,
                &attendees,
                &rooms,
                repeat,
            ),
            EventCommand::Edit {
                principal,
                uid,
                title,
                time,
                location,
                no_location,
                description,
                invite,
                rooms,
                uninvite,
                repeat,
                once,
            } => organize::edit(
                session,
                &principal,
                &uid,
                title,
                &time,
                if no_location { Some(None) } else { location.map(Some) },
                description,
                &invite,
                &rooms,
                &uninvite,
                if once { Some(None) } else { repeat.map(Some) },
            ),
            EventCommand::Cancel { principal, uid, occurrence, zone } => {
                organize::cancel(session, &principal, &uid, occurrence.as_deref(), zone.as_deref())
            }
        },
        Command::Agenda { principal, day, week: _, month, from, zone } => {
            let span = if day {
                organize::Span::Day
            } else if month {
                organize::Span::Month
            } else {
                organize::Span::Week
            };
            organize::agenda(session, &principal, span, from.as_deref(), zone.as_deref())
        }
        Command::Outbox { command: OutboxCommand::Flush } => upkeep::flush(session),
        Command::Outbox { command: OutboxCommand::List } => upkeep::list(session),
        Command::Outbox { command: OutboxCommand::Remove { id } } => upkeep::remove(session, &id),
        Command::Maintain { user } => upkeep::maintain(session, user.as_deref()),
        Command::Store { command } => match command {
            StoreCommand::Check => upkeep::check(session),
            StoreCommand::Repair => upkeep::repair(session),
            StoreCommand::Copy { to } => upkeep::copy(session, &to),
            StoreCommand::ImportImipAgent { dir } => upkeep::import(session, &dir),
        },
    }
}

/// `imip web passwd ADDRESS`: a password from stdin, hashed into the
/// users file (replacing the person's line, keeping the others).
fn passwd(session: &Session, address: &str) -> Result<(), Failure> {
    let address = self::address(address)?;
    let crate::settings::WebAuth::Login { users_file } = &session.settings.web.auth else {
        return Err(Failure::config("web.auth is \"proxy\": the proxy signs people in"));
    };
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(|e| Failure::new(EX_NOINPUT, format!("stdin: {e}")))?;
    let password = line.trim_end_matches(['\r', '\n']);
    if password.chars().count() < 8 {
        return Err(Failure::new(EX_USAGE, "give a password of at least 8 characters on stdin"));
    }
    let hash = crate::web::hash_password(password)?;
    let old = match std::fs::read_to_string(users_file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Failure::config(format!("{}: {e}", users_file.display()))),
    };
    let mut text: String = old
        .lines()
        .filter(|l| l.split_once(':').and_then(|(a, _)| CalAddress::parse(a)).as_ref() != Some(&address))
        .map(|l| format!("{l}\n"))
        .collect();
    text.push_str(&format!("{address}:{hash}\n"));
    let partial = users_file.with_extension("tmp");
    use std::os::unix::fs::OpenOptionsExt;
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut out =
            std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&partial)?;
        out.write_all(text.as_bytes())?;
        out.sync_all()?;
        std::fs::rename(&partial, users_file)
    };
    write().map_err(|e| Failure::new(crate::exit::EX_CANTCREAT, format!("{}: {e}", users_file.display())))?;
    crate::emit(&format!("{address}: password set in {}\n", users_file.display()))
}

/// `imip policy check FILE`: needs no store or configuration.
fn policy_check(file: &std::path::Path) -> Result<(), Failure> {
    let text =
        std::fs::read_to_string(file).map_err(|e| Failure::config(format!("{}: {e}", file.display())))?;
    let directory = imip_core::resource::Directory::from_toml(&text)
        .map_err(|e| Failure::config(format!("{}: {e}", file.display())))?;
    let mut out = String::new();
    for resource in directory.resources() {
        let chain: Vec<&str> = resource.policies.iter().map(|p| p.name()).collect();
        out.push_str(&format!(
            "{}: {}\n",
            resource.address,
            if chain.is_empty() { "accepts everything".into() } else { chain.join(" → ") }
        ));
    }
    crate::emit(&out)
}

/// Reads an address given on the command line.
pub(crate) fn address(text: &str) -> Result<CalAddress, Failure> {
    CalAddress::parse(text).ok_or_else(|| Failure::new(EX_USAGE, format!("{text:?} is not a mail address")))
}

/// The UID a person means by `name`: a UID `principal` holds, or the
/// handle `imip pending` and `imip agenda` show for one.
pub(crate) fn resolve_uid(
    store: &dyn imip_core::Store,
    principal: &CalAddress,
    name: &str,
) -> Result<String, Failure> {
    use imip_core::handle::{Resolved, resolve};
    let uids = store.uids(principal).map_err(|e| Failure::store(principal.as_str(), &e))?;
    match resolve(name, uids.iter().map(String::as_str)) {
        Resolved::Uid(uid) => Ok(uid),
        // Not held: the UID itself, for the command to say so.
        Resolved::Unknown => Ok(name.to_string()),
        Resolved::Ambiguous(uids) => Err(Failure::new(
            EX_USAGE,
            format!("{name:?} stands for more than one event; give the UID: {}", uids.join(", ")),
        )),
    }
}

/// Reads the message: from a file, or stdin.
pub(crate) fn read_message(path: Option<&PathBuf>) -> Result<Vec<u8>, Failure> {
    let mut raw = Vec::new();
    match path {
        Some(path) => {
            raw = std::fs::read(path)
                .map_err(|e| Failure::new(EX_NOINPUT, format!("{}: {e}", path.display())))?
        }
        None => {
            std::io::stdin()
                .read_to_end(&mut raw)
                .map_err(|e| Failure::new(EX_NOINPUT, format!("stdin: {e}")))?;
        }
    }
    Ok(raw)
}

/// The recipients the MTA delivered to: X-Original-To, then Delivered-To.
pub(crate) fn envelope_recipients(raw: &[u8]) -> Vec<CalAddress> {
    let Some(message) = mail_parser::MessageParser::default().parse_headers(raw) else { return Vec::new() };
    for name in ["X-Original-To", "Delivered-To"] {
        let found: Vec<CalAddress> =
            message.header_values(name).filter_map(|v| v.as_text()).filter_map(CalAddress::parse).collect();
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}
