//! `imip`: the command-line adapter around imip-core.
//!
//! This first version offers one command, `imip process`, which runs a
//! mail through the engine for one recipient with an in-memory store and
//! prints what would be stored and sent. The MTA-facing agents (`person`,
//! `person-outgoing`, `resource`), real stores and transports come with
//! the CLI issue.

use imip_core::drive::deliver_mail;
use imip_core::imip::MailLimits;
use imip_core::{CalAddress, Config, Engine, Env, IdSource, MemStore, RecordingTransport, Timestamp};
use std::io::Read;
use std::process::ExitCode;

/// sysexits(3) codes.
const EX_USAGE: u8 = 64;
const EX_NOINPUT: u8 = 66;

const USAGE: &str = "usage: imip process --as ADDRESS [MESSAGE-FILE]

Runs one RFC 5322 message (from the file, or stdin) through the iTIP
engine for the calendar user ADDRESS, with an empty in-memory store, and
prints the decision, the stored object and the mail that would be sent.

example:
  imip process --as bob@example.com examples/mail/request.eml";

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
    let mut iter = rest.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--as" => principal = iter.next().and_then(|a| CalAddress::parse(a)),
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
    let (mut store, mut transport) = (MemStore::new(), RecordingTransport::default());
    let report =
        deliver_mail(&engine, &mut env, &mut store, &mut transport, &principal, &raw, &MailLimits::default())
            .map_err(|e| (75, e.to_string()))?;
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
    for (principal, uid) in store.keys() {
        if let Some(object) = store.object(principal, uid) {
            println!("\n# stored for {principal}: {uid}\n{}", object.to_ics().replace("\r\n", "\n"));
        }
    }
    for mail in &transport.sent {
        println!("\nFrom {} Thu Jan  1 00:00:00 1970", mail.envelope_from);
        println!("{}", String::from_utf8_lossy(&mail.bytes).replace("\r\n", "\n"));
    }
    Ok(())
}
