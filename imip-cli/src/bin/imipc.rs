//! `imipc`: the process an MTA starts per mail, made small, for hosts
//! that run `imip serve`.
//!
//! It takes `imip`'s command line. When that line is one of the agents
//! (`person`, `person-outgoing`, `resource`) given `--server SOCKET`,
//! and a server answers there, `imipc` hands the mail over and prints
//! the answer, exactly as `imip` would have (same exit code, same
//! message on stderr, same output), without the cost of starting `imip`:
//! its parser for twenty-two commands, its engine, its stores and its
//! web server are not in this binary. Every other line, and a socket
//! where nobody answers, is given to `imip` unchanged: `imipc` runs the
//! `imip` installed beside it (or the first on `PATH`) in its place, so
//! that help, errors and processing without a server are `imip`'s own.
//! (spamc to `imip serve`'s spamd.)

use std::ffi::OsString;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[allow(dead_code, unreachable_pub)] // the server's half is `imip`'s
#[path = "../wire.rs"]
mod wire;

/// sysexits(3): the mail could not be read.
const EX_NOINPUT: u8 = 66;
/// sysexits(3): the output could not be written.
const EX_IOERR: u8 = 74;
/// sysexits(3): a retry may cure it.
const EX_TEMPFAIL: u8 = 75;
/// sysexits(3): `imip` is not installed where `imipc` looks for it.
const EX_CONFIG: u8 = 78;

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let Some(agent) = AgentLine::read(&args) else { return run_imip(&args, None) };
    let Ok(stream) = UnixStream::connect(&agent.socket) else {
        // `imip` tries the socket again, says that nobody answers and
        // processes the mail itself.
        return run_imip(&args, None);
    };
    let raw = match &agent.message {
        Some(file) => match std::fs::read(file) {
            Ok(raw) => raw,
            // `imip` reports the file as it reports it without a server.
            Err(_) => return run_imip(&args, None),
        },
        None => {
            let mut raw = Vec::new();
            if let Err(error) = std::io::stdin().read_to_end(&mut raw) {
                return fail(EX_NOINPUT, &format!("stdin: {error}"));
            }
            raw
        }
    };
    match wire::exchange(stream, &agent.request, &raw) {
        Ok((wire::Response { code: Some(code), error, .. }, output)) => {
            let mut stdout = std::io::stdout().lock();
            if let Err(error) = stdout.write_all(&output).and_then(|()| stdout.flush())
                && error.kind() != std::io::ErrorKind::BrokenPipe
            {
                // What `imip` says of the same failure.
                return fail(EX_IOERR, &format!("stdout: {error}"));
            }
            match code {
                0 => ExitCode::SUCCESS,
                code => fail(code, error.as_deref().unwrap_or("the agent server gave no reason")),
            }
        }
        Ok((wire::Response { code: None, error, .. }, _)) => {
            eprintln!("imip: the agent server leaves this mail to the agent: {}", error.unwrap_or_default());
            run_imip(&without_server(&args), Some(raw))
        }
        Err(error) => fail(EX_TEMPFAIL, &wire::lost_message(&agent.socket, &error)),
    }
}

/// Says why, as `imip` says it, and exits with `code`.
fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("imip: {message}");
    ExitCode::from(code)
}

/// An agent's command line that `imipc` serves itself.
#[derive(Debug, PartialEq, Eq)]
struct AgentLine {
    socket: PathBuf,
    request: wire::Request,
    message: Option<PathBuf>,
}

impl AgentLine {
    /// Reads `imip`'s arguments (without the program's name). `None`
    /// for anything but an agent with `--server`, written in the forms
    /// this reader knows: `imip` takes those lines, and its answer (a
    /// refusal, help, processing without a server) is the one to give.
    fn read(args: &[OsString]) -> Option<AgentLine> {
        let mut words = Vec::with_capacity(args.len());
        for arg in args {
            words.push(arg.to_str()?);
        }
        let mut agent: Option<&str> = None;
        let (mut socket, mut message, mut dry_run) = (None, None, false);
        let (mut recipients, mut envelope_from, mut user) = (Vec::new(), None, None);
        let mut words = words.into_iter();
        while let Some(word) = words.next() {
            let (name, inline) = match word.split_once('=') {
                Some((name, value)) if name.starts_with("--") => (name, Some(value)),
                _ => (word, None),
            };
            // The option's value: the rest of `--name=value`, or the next
            // word (one that looks like an option is left to `imip`).
            let mut value = || match inline {
                Some(value) => Some(value),
                None => words.next().filter(|v| !v.starts_with('-')),
            };
            match (name, agent) {
                ("--dry-run", _) if inline.is_none() => dry_run = true,
                ("--syslog", _) if inline.is_none() => {}
                // Read by the server for all its agents; ignored here as
                // `imip` ignores them when it hands a mail over.
                ("--config" | "--log-level", _) => {
                    value()?;
                }
                ("--server", Some(_)) if socket.is_none() => socket = Some(PathBuf::from(value()?)),
                ("--recipient", Some("person" | "resource")) => recipients.push(value()?.to_string()),
                ("--envelope-from", Some("person")) if envelope_from.is_none() => {
                    envelope_from = Some(value()?.to_string())
                }
                ("--user", Some("person-outgoing")) if user.is_none() => user = Some(value()?.to_string()),
                (_, _) if name.starts_with('-') => return None,
                ("person" | "person-outgoing" | "resource", None) => agent = Some(name),
                (_, Some(_)) if message.is_none() => message = Some(PathBuf::from(word)),
                _ => return None,
            }
        }
        let mut request = wire::Request::new(agent?);
        request.recipients = recipients;
        request.envelope_from = envelope_from;
        request.user = user;
        request.dry_run = dry_run;
        Some(AgentLine { socket: socket?, request, message })
    }
}

/// The arguments without `--server SOCKET`: for `imip` to process a mail
/// the server left to the agent, without asking the server again.
fn without_server(args: &[OsString]) -> Vec<OsString> {
    let mut kept = Vec::with_capacity(args.len());
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--server" {
            args.next();
        } else if !arg.to_str().is_some_and(|a| a.starts_with("--server=")) {
            kept.push(arg.clone());
        }
    }
    kept
}

/// Runs `imip` with `args`: in this process's place, or, with `input`
/// (a mail already read from stdin), as a child that reads it, exiting
/// with its code.
fn run_imip(args: &[OsString], input: Option<Vec<u8>>) -> ExitCode {
    let program = imip_program();
    let mut command = std::process::Command::new(&program);
    command.arg0("imip").args(args);
    let Some(input) = input else {
        let error = command.exec();
        return cannot_run(&program, &error);
    };
    command.stdin(std::process::Stdio::piped());
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => return cannot_run(&program, &error),
    };
    // imip may exit before it has read it all (a refusal): its exit code
    // says what became of the mail, not this write.
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(&input);
    }
    match child.wait() {
        Ok(status) => match status.code() {
            Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(EX_TEMPFAIL)),
            None => fail(EX_TEMPFAIL, "imip was killed"),
        },
        Err(error) => fail(EX_TEMPFAIL, &format!("waiting for imip: {error}")),
    }
}

/// `imip` is not where it was looked for: a broken installation (78).
fn cannot_run(program: &Path, error: &std::io::Error) -> ExitCode {
    eprintln!(
        "imipc: cannot run {}: {error} (imipc runs the imip installed beside it, or on PATH)",
        program.display()
    );
    ExitCode::from(EX_CONFIG)
}

/// `imip` beside this binary when it is there, else `imip` on `PATH`.
fn imip_program() -> PathBuf {
    std::env::current_exe()
        .ok()
        .map(|exe| exe.with_file_name("imip"))
        .filter(|beside| Path::is_file(beside))
        .unwrap_or_else(|| PathBuf::from("imip"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &str) -> Option<AgentLine> {
        let args: Vec<OsString> = line.split_whitespace().map(OsString::from).collect();
        AgentLine::read(&args)
    }

    #[test]
    fn an_agent_with_a_server_is_served_here() {
        let line =
            read("--config /etc/imip.toml resource --server /run/a.sock --recipient r@x --recipient s@x")
                .expect("served");
        assert_eq!(line.socket, PathBuf::from("/run/a.sock"));
        assert_eq!(line.request.agent, "resource");
        assert_eq!(line.request.recipients, ["r@x", "s@x"]);
        assert!(!line.request.dry_run && line.message.is_none());

        let line = read("person --envelope-from=o@x --dry-run --server=s.sock --recipient b@x mail.eml")
            .expect("served");
        assert_eq!(line.request.envelope_from.as_deref(), Some("o@x"));
        assert!(line.request.dry_run);
        assert_eq!(line.message, Some(PathBuf::from("mail.eml")));

        let line = read("--syslog --log-level debug person-outgoing --user a@x --server s").expect("served");
        assert_eq!(line.request.user.as_deref(), Some("a@x"));
    }

    /// Whatever `imip` would answer otherwise (help, a refusal, an
    /// option that changes the processing, no server) is left to it.
    #[test]
    fn every_other_line_is_left_to_imip() {
        for line in [
            "resource --recipient r@x",
            "resource --server s --store fs:x --recipient r@x",
            "resource --server s --resources r.toml",
            "--transport smtp:x resource --server s",
            "resource --server s --help",
            "resource --server s -h",
            "--version",
            "resource --server s --server t",
            "resource --server s --recipient",
            "resource --server s --recipient --dry-run",
            "resource --server s --user u@x",
            "person-outgoing --server s --recipient r@x",
            "resource --server s a.eml b.eml",
            "resource --server s -- a.eml",
            "freebusy --server s",
            "serve --socket s",
            "",
            "--dry-run",
        ] {
            assert_eq!(read(line), None, "{line}");
        }
    }

    #[test]
    fn a_line_that_is_not_utf8_is_left_to_imip() {
        use std::os::unix::ffi::OsStringExt;
        let args = vec![
            OsString::from("resource"),
            OsString::from("--server"),
            OsString::from("s"),
            OsString::from_vec(vec![0xff, b'.', b'e', b'm', b'l']),
        ];
        assert_eq!(AgentLine::read(&args), None);
    }

    #[test]
    fn the_server_is_taken_out_for_imip_to_process_alone() {
        let args: Vec<OsString> = ["resource", "--server", "s", "--recipient", "r@x", "--server=t", "m.eml"]
            .map(OsString::from)
            .to_vec();
        assert_eq!(without_server(&args), ["resource", "--recipient", "r@x", "m.eml"].map(OsString::from));
    }
}
