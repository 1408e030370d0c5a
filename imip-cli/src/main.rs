//! `imip`: the command-line adapter around imip-core.
//!
//! This first version offers one command, `imip process`, which runs a
//! mail through the engine for one recipient against a filesystem store
//! (`./imip-data` unless `--store DIR` or `--memory` says otherwise) and
//! prints the decision, the stored copy and the mail to send (mail is
//! printed, not sent: transports come with the CLI issue, as do the
//! MTA-facing agents `person`, `person-outgoing` and `resource`).

use imip_core::drive::deliver_mail;
use imip_core::imip::MailLimits;
use imip_core::{
    CalAddress, Config, Engine, Env, IdSource, MemStore, RecordingTransport, Store, StoreError, Timestamp,
};
use imip_store_fs::{FsStore, Options};
use std::io::Read;
use std::process::ExitCode;

/// sysexits(3) codes.
const EX_USAGE: u8 = 64;
const EX_NOINPUT: u8 = 66;
const EX_SOFTWARE: u8 = 70;
const EX_IOERR: u8 = 74;
const EX_TEMPFAIL: u8 = 75;
const EX_CONFIG: u8 = 78;

const USAGE: &str = "usage: imip process --as ADDRESS [--store DIR | --memory] [MESSAGE-FILE]

Runs one RFC 5322 message (from the file, or stdin) through the iTIP
engine for the calendar user ADDRESS, and prints the decision, the
principal's stored objects and the mail to send (printed, not sent).

  --store DIR   the filesystem store to use (default: ./imip-data,
                created on first use)
  --memory      use an empty in-memory store instead

example:
  imip process --as bob@example.com examples/mail/request.eml";

/// Maps a store failure to sysexits: temporary faults are 75, so the
/// MTA retries; damage needs an administrator.
fn store_failure(error: &StoreError) -> u8 {
    match error {
        e if e.is_temporary() => EX_TEMPFAIL,
        StoreError::Corrupt { .. } => EX_IOERR,
        StoreError::Invalid(_) => EX_CONFIG,
        _ => EX_SOFTWARE,
    }
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, message)) => {
            eprintln!("imip: {message}");
            ExitCode::from(code)
        }
    }
}

fn run(args: &[String]) -> Result<(), (u8, String)> {
    let usage = || (EX_USAGE, USAGE.to_string());
    let (command, rest) = args.split_first().ok_or_else(usage)?;
    if command == "--help" || command == "-h" {
        println!("{USAGE}");
        return Ok(());
    }
    if command != "process" {
        return Err(usage());
    }
    let (mut principal, mut file) = (None, None);
    let mut store_dir = Some("imip-data".to_string());
    let mut iter = rest.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--as" => principal = iter.next().and_then(|a| CalAddress::parse(a)),
            "--store" => store_dir = Some(iter.next().ok_or_else(usage)?.clone()),
            "--memory" => store_dir = None,
            "--help" | "-h" => {
                println!("{USAGE}");
                return Ok(());
            }
            other if file.is_none() => file = Some(other.to_string()),
            _ => return Err(usage()),
        }
    }
    let principal = principal.ok_or_else(|| (EX_USAGE, "--as needs a mail address".to_string()))?;
    let mut raw = Vec::new();
    match &file {
        Some(path) => raw = std::fs::read(path).map_err(|e| (EX_NOINPUT, format!("{path}: {e}")))?,
        None => {
            std::io::stdin().read_to_end(&mut raw).map_err(|e| (EX_NOINPUT, format!("stdin: {e}")))?;
        }
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let engine = Engine::new(Config::default()).map_err(|e| (78, e.to_string()))?;
    let mut ids = ClockIds { stamp: now.as_nanos(), next: 0 };
    let mut env = Env::new(Timestamp::from_seconds(now.as_secs() as i64), &mut ids);
    let mut store: Box<dyn Store> = match &store_dir {
        Some(dir) => Box::new(
            FsStore::open(dir, Options::default()).map_err(|e| (store_failure(&e), format!("{dir}: {e}")))?,
        ),
        None => Box::new(MemStore::new()),
    };
    let mut transport = RecordingTransport::default();
    let report = deliver_mail(
        &engine,
        &mut env,
        store.as_mut(),
        &mut transport,
        &principal,
        &raw,
        &MailLimits::default(),
    )
    .map_err(|e| match &e {
        imip_core::drive::DriveError::Store(error) => (store_failure(error), e.to_string()),
        _ => (EX_TEMPFAIL, e.to_string()),
    })?;
    if let Some(ignored) = &report.ignored {
        println!("ignored: {ignored} (the mail would be delivered unchanged)");
    }
    for problem in &report.problems {
        println!("unusable {} part: {}", problem.content_type, problem.violation);
    }
    for part in &report.parts {
        println!("{}", part.outcome.disposition);
        for line in &part.outcome.trace {
            println!("  {line}");
        }
        for notice in part.outcome.notices() {
            println!("notice: {}: {}", notice.title, notice.text);
        }
    }
    for part in &report.parts {
        for effect in &part.outcome.effects {
            if let imip_core::Effect::PutObject(object) = effect {
                let uid = object.uid();
                println!("\n# stored for {principal}: {uid}\n{}", object.to_ics().replace("\r\n", "\n"));
            }
        }
    }
    for mail in &transport.sent {
        println!("\nFrom {} Thu Jan  1 00:00:00 1970", mail.envelope_from);
        println!("{}", String::from_utf8_lossy(&mail.bytes).replace("\r\n", "\n"));
    }
    Ok(())
}
