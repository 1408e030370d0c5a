//! `imip`: the agent an MTA pipes mail into, around imip-core.
//!
//! Commands so far:
//!
//! * `imip resource`: a room or other resource answers the calendar mail
//!   on stdin by its policies (see `imip_core::resource`);
//! * `imip approve` / `imip decline`: a resource's owner acts on a held
//!   booking;
//! * `imip policy check FILE`: checks a resource directory;
//! * `imip process`: runs one mail through the engine for one user and
//!   prints what happened (for debugging).
//!
//! Exit codes follow sysexits(3); 75 only for faults a retry can cure.

mod exit;
mod settings;
mod transport;

use clap::{Args, Parser, Subcommand};
use exit::{EX_NOINPUT, EX_USAGE, Failure};
use imip_core::drive::{deliver_mail, run_once};
use imip_core::imip::MailLimits;
use imip_core::{
    CalAddress, Config, Engine, Env, IdSource, Input, LocalAction, MemStore, PartStat, RecordingTransport,
    Store, Timestamp, Transport,
};
use settings::Settings;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

/// Calendar mail agent: iTIP over iMIP (RFC 5546, RFC 6047) for an MTA.
#[derive(Parser)]
#[command(name = "imip", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: Command,
}

/// Options every command takes.
#[derive(Args)]
struct Common {
    /// The configuration file [default: $IMIP_CONFIG, then /etc/imip/imip.toml].
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The store, overriding the configuration: fs:DIR or sqlite:PATH.
    #[arg(long, global = true, value_name = "SPEC")]
    store: Option<String>,
    /// Send and deliver nothing: print the mail that would go out, as an
    /// mbox, on stdout.
    #[arg(long, global = true)]
    dry_run: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Answer calendar mail for resources by their policies.
    ///
    /// Reads one RFC 5322 message on stdin (or from MESSAGE) and answers
    /// it for each recipient, which must be a resource of the configured
    /// directory. Without --recipient, the recipients come from the
    /// X-Original-To and Delivered-To headers the MTA adds.
    ///
    /// Example (Postfix master.cf):
    ///   imip-resource unix - n n - - pipe
    ///     flags=Rq user=imip argv=/usr/bin/imip resource --recipient ${recipient}
    Resource {
        /// A resource the mail is for (repeatable).
        #[arg(long = "recipient", value_name = "ADDR")]
        recipients: Vec<String>,
        /// The message file [default: stdin].
        message: Option<PathBuf>,
    },
    /// Approve a booking a resource holds for its owner.
    ///
    /// The resource's policies run again without the hold, and their
    /// answer goes to the organizer.
    ///
    /// Example: imip approve --as studio@example.com demo@example.org
    Approve {
        /// The resource.
        #[arg(long = "as", value_name = "RESOURCE")]
        resource: String,
        /// The booking's UID.
        uid: String,
    },
    /// Decline a booking a resource holds for its owner.
    ///
    /// Example: imip decline --as studio@example.com demo@example.org
    Decline {
        /// The resource.
        #[arg(long = "as", value_name = "RESOURCE")]
        resource: String,
        /// The booking's UID.
        uid: String,
        /// A COMMENT for the organizer.
        #[arg(long)]
        comment: Option<String>,
    },
    /// Resource policy files.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Run one mail through the engine for one user, and print the
    /// decision, the stored copy and the mail to send.
    ///
    /// Example: imip process --as bob@example.com --memory invitation.eml
    Process {
        /// The calendar user.
        #[arg(long = "as", value_name = "ADDR")]
        principal: String,
        /// Use an empty in-memory store instead of the configured one.
        #[arg(long)]
        memory: bool,
        /// The message file [default: stdin].
        message: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Check a resource directory (TOML) and summarise it.
    ///
    /// Example: imip policy check /etc/imip/resources.toml
    Check {
        /// The file.
        file: PathBuf,
    },
}

/// Writes to stdout. A reader that went away (`imip … | head`) ends the
/// output quietly; any other write error is an I/O failure.
fn emit(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::new(exit::EX_IOERR, format!("stdout: {e}")))
        }
        _ => Ok(()),
    }
}

/// `println!` through [`emit`].
macro_rules! out {
    ($($arg:tt)*) => {
        emit(&format!("{}\n", format_args!($($arg)*)))?
    };
}

/// Message-IDs from the wall clock and a counter: unique per process.
struct ClockIds {
    stamp: u128,
    next: u64,
}

impl IdSource for ClockIds {
    fn next_id(&mut self) -> String {
        self.next += 1;
        format!("imip-{:x}-{}", self.stamp, self.next)
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { EX_USAGE } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("imip: {failure}");
            ExitCode::from(failure.code)
        }
    }
}

fn address(text: &str) -> Result<CalAddress, Failure> {
    CalAddress::parse(text).ok_or_else(|| Failure::new(EX_USAGE, format!("{text:?} is not a mail address")))
}

fn read_message(path: Option<&PathBuf>) -> Result<Vec<u8>, Failure> {
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

fn open_store(spec: &str) -> Result<Box<dyn Store>, Failure> {
    settings::check_store_spec(spec).map_err(Failure::config)?;
    match spec.split_once(':') {
        Some(("sqlite", path)) => imip_store_sqlite::SqliteStore::open(path, Default::default())
            .map(|s| Box::new(s) as Box<dyn Store>)
            .map_err(|e| Failure::store(spec, &e)),
        Some((_, dir)) => imip_store_fs::FsStore::open(dir, Default::default())
            .map(|s| Box::new(s) as Box<dyn Store>)
            .map_err(|e| Failure::store(spec, &e)),
        None => Err(Failure::config(format!("store {spec:?}"))),
    }
}

/// The recipients the MTA delivered to: X-Original-To, then Delivered-To.
fn envelope_recipients(raw: &[u8]) -> Vec<CalAddress> {
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

struct Session {
    settings: Settings,
    engine: Engine,
    dry_run: bool,
    now: Timestamp,
    ids: ClockIds,
}

impl Session {
    fn start(common: &Common) -> Result<Session, Failure> {
        let mut settings =
            Settings::load(common.config.as_deref(), std::env::var_os("IMIP_CONFIG").map(PathBuf::from))?;
        if let Some(store) = &common.store {
            settings.store = store.clone();
        }
        let config = Config { resources: settings.resources.clone(), ..Config::default() };
        let engine = Engine::new(config).map_err(|e| Failure::config(e.to_string()))?;
        let dry_run = common.dry_run || !settings.from_file;
        let clock = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let now = Timestamp::from_seconds(i64::try_from(clock.as_secs()).unwrap_or(i64::MAX));
        Ok(Session { settings, engine, dry_run, now, ids: ClockIds { stamp: clock.as_nanos(), next: 0 } })
    }

    fn transport(&self) -> Box<dyn Transport> {
        match (&self.settings.sendmail, self.dry_run) {
            (_, true) => Box::new(RecordingTransport::default()),
            (Some(command), false) => Box::new(transport::Sendmail { command: command.clone() }),
            (None, false) => Box::new(transport::Unconfigured),
        }
    }
}

/// Prints what a dry run would have sent, or says what waits unsent.
fn finish(sent: &[imip_core::OutgoingMail], unsent: usize) -> Result<(), Failure> {
    emit(&transport::mbox(sent))?;
    if unsent > 0 {
        eprintln!("imip: {unsent} mail(s) wait in the outbox (see transport.sendmail)");
    }
    Ok(())
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Policy { command: PolicyCommand::Check { file } } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| Failure::config(format!("{}: {e}", file.display())))?;
            let directory = imip_core::resource::Directory::from_toml(&text)
                .map_err(|e| Failure::config(format!("{}: {e}", file.display())))?;
            for resource in directory.resources() {
                let chain: Vec<&str> = resource.policies.iter().map(|p| p.name()).collect();
                out!(
                    "{}: {}",
                    resource.address,
                    if chain.is_empty() { "accepts everything".into() } else { chain.join(" → ") }
                );
            }
            Ok(())
        }
        Command::Resource { recipients, message } => {
            let mut session = Session::start(&cli.common)?;
            let raw = read_message(message.as_ref())?;
            let recipients: Vec<CalAddress> = if recipients.is_empty() {
                envelope_recipients(&raw)
            } else {
                recipients.iter().map(|r| address(r)).collect::<Result<_, _>>()?
            };
            if recipients.is_empty() {
                return Err(Failure::config(
                    "no recipient: pass --recipient, or have the MTA add X-Original-To or Delivered-To",
                ));
            }
            for recipient in &recipients {
                if session.engine.config().resources.resource(recipient).is_none() {
                    return Err(Failure::config(format!(
                        "{recipient} is not a resource of {}",
                        session.settings.source
                    )));
                }
            }
            let mut store = open_store(&session.settings.store)?;
            let mut transport = session.transport();
            let mut recorded = RecordingTransport::default();
            let mut unsent = 0;
            for recipient in &recipients {
                let mut env = Env::new(session.now, &mut session.ids);
                let sink: &mut dyn Transport =
                    if session.dry_run { &mut recorded } else { transport.as_mut() };
                let report = deliver_mail(
                    &session.engine,
                    &mut env,
                    store.as_mut(),
                    sink,
                    recipient,
                    &raw,
                    &MailLimits::default(),
                )
                .map_err(|e| Failure::drive(recipient.as_str(), &e))?;
                for part in &report.parts {
                    eprintln!("imip: {recipient}: {}", part.outcome.disposition);
                    unsent += part.unsent;
                }
                if let Some(ignored) = &report.ignored {
                    eprintln!("imip: {recipient}: ignored: {ignored}");
                }
            }
            finish(&recorded.sent, unsent)?;
            Ok(())
        }
        Command::Approve { resource, uid } => local(&cli.common, &resource, LocalAction::Approve { uid }),
        Command::Decline { resource, uid, comment } => local(
            &cli.common,
            &resource,
            LocalAction::Respond { uid, instance: None, partstat: PartStat::Declined, comment },
        ),
        Command::Process { principal, memory, message } => {
            let mut session = Session::start(&cli.common)?;
            let principal = address(&principal)?;
            let raw = read_message(message.as_ref())?;
            let mut store: Box<dyn Store> =
                if memory { Box::new(MemStore::new()) } else { open_store(&session.settings.store)? };
            let mut recorded = RecordingTransport::default();
            let mut env = Env::new(session.now, &mut session.ids);
            let report = deliver_mail(
                &session.engine,
                &mut env,
                store.as_mut(),
                &mut recorded,
                &principal,
                &raw,
                &MailLimits::default(),
            )
            .map_err(|e| Failure::drive(principal.as_str(), &e))?;
            if let Some(ignored) = &report.ignored {
                out!("ignored: {ignored} (the mail would be delivered unchanged)");
            }
            for problem in &report.problems {
                out!("unusable {} part: {}", problem.content_type, problem.violation);
            }
            for part in &report.parts {
                out!("{}", part.outcome.disposition);
                for line in &part.outcome.trace {
                    out!("  {line}");
                }
                for notice in part.outcome.notices() {
                    out!("notice: {}: {}", notice.title, notice.text);
                }
                for effect in &part.outcome.effects {
                    if let imip_core::Effect::PutObject(object) = effect {
                        out!(
                            "\n# stored for {principal}: {}\n{}",
                            object.uid(),
                            object.to_ics().replace("\r\n", "\n")
                        );
                    }
                }
            }
            out!("");
            emit(&transport::mbox(&recorded.sent))?;
            Ok(())
        }
    }
}

/// A resource owner's action, then the mail it causes.
fn local(common: &Common, resource: &str, action: LocalAction) -> Result<(), Failure> {
    let mut session = Session::start(common)?;
    let resource = address(resource)?;
    if session.engine.config().resources.resource(&resource).is_none() {
        return Err(Failure::config(format!("{resource} is not a resource of {}", session.settings.source)));
    }
    let mut store = open_store(&session.settings.store)?;
    let mut recorded = RecordingTransport::default();
    let mut transport = session.transport();
    let sink: &mut dyn Transport = if session.dry_run { &mut recorded } else { transport.as_mut() };
    let mut env = Env::new(session.now, &mut session.ids);
    let input = Input::Local { principal: resource.clone(), action };
    let report = run_once(&session.engine, &mut env, store.as_mut(), sink, &input)
        .map_err(|e| Failure::drive(resource.as_str(), &e))?;
    if report.is_refused() {
        return Err(Failure::new(EX_USAGE, format!("{resource}: {}", report.outcome.disposition)));
    }
    out!("{resource}: {}", report.outcome.disposition);
    finish(&recorded.sent, report.unsent)?;
    Ok(())
}
