//! `imip`: the agent an MTA pipes mail into, around imip-core.
//!
//! * `imip person`, `imip person-outgoing`, `imip resource`: the three
//!   agents, one message on stdin each;
//! * `imip serve`: those agents behind a Unix socket, for agents given
//!   `--server` to hand their mail to;
//! * `imip itip process|diff`: the pure engine on files;
//! * `imip freebusy`, `init-user`, `prefs`, `pending`, `approve`,
//!   `decline`, `policy check`, `outbox`, `maintain`, `store`: the
//!   administration around them.
//!
//! Exit codes follow sysexits(3); 75 only for faults a retry can cure.

mod agent_server;
mod args;
mod commands;
mod exit;
mod log;
mod mailbox;
mod mailer;
mod session;
mod settings;
mod transport;
mod web;
mod wire;

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match args::Cli::read() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { exit::EX_USAGE } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("imip: {failure}");
            ExitCode::from(failure.code)
        }
    }
}

/// Writes to stdout. A reader that went away (`imip … | head`) ends the
/// output quietly; any other write error is an I/O failure.
pub(crate) fn emit(text: &str) -> Result<(), exit::Failure> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(exit::Failure::new(exit::EX_IOERR, format!("stdout: {e}")))
        }
        _ => Ok(()),
    }
}
